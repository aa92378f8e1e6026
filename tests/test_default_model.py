"""The model shipped inside the package: classify(article) works right after install, anywhere."""

import json
import zipfile

import pytest
from safetensors import safe_open

from inference import LABELS, Classifier, classify
from inference.classifier import DEFAULT_MODEL_DIR, MODEL_ENV_VAR

from .conftest import ROOT

MAX_BYTES = 25 * 1024 * 1024


def test_the_shipped_folders_are_small_fp16_safetensors():
    for folder in (DEFAULT_MODEL_DIR, ROOT / "models" / "news-bert-mini"):
        weights = folder / "model.safetensors"
        assert weights.stat().st_size <= MAX_BYTES and (folder / "tokenizer.json").stat().st_size <= MAX_BYTES
        with safe_open(str(weights), "pt") as handle:
            assert {str(handle.get_tensor(name).dtype) for name in handle.keys()} == {"torch.float16"}
        assert not any(path.suffix in (".bin", ".pt", ".pkl") for path in folder.iterdir())


def test_classify_uses_the_shipped_model_from_any_directory(tmp_path, monkeypatch, seed_text):
    monkeypatch.delenv(MODEL_ENV_VAR, raising=False)
    monkeypatch.chdir(tmp_path)
    predictions = classify(seed_text)
    assert len(predictions) == 15
    assert all(seed_text[p.start : p.end] == p.text and p.label in LABELS for p in predictions)
    assert predictions[11].label == "refusal"  # «حماس أكّدت أنّه لن يجرى النظر في أيّة مطالب إسرائيلية…»


def test_the_shipped_model_runs_in_fp32_on_cpu_and_describes_itself():
    classifier = Classifier.from_pretrained(DEFAULT_MODEL_DIR, device="cpu")
    assert next(classifier.model.parameters()).dtype.is_floating_point
    assert str(next(classifier.model.parameters()).dtype) == "torch.float32"
    metrics = json.loads((DEFAULT_MODEL_DIR / "metrics.json").read_text(encoding="utf-8"))
    assert "test (real)" in metrics and metrics["temperature"] > 0


def test_an_environment_model_still_overrides_the_shipped_one(random_model_dir, monkeypatch, seed_text):
    from inference.classifier import _cached_classifier

    monkeypatch.setenv(MODEL_ENV_VAR, str(random_model_dir))
    shipped = classify(seed_text, model=DEFAULT_MODEL_DIR)
    other = classify(seed_text)
    assert _cached_classifier.cache_info().currsize >= 2
    assert [p.probabilities for p in shipped] != [p.probabilities for p in other]


def test_the_wheel_carries_the_model(tmp_path):
    setuptools_build = pytest.importorskip("setuptools.build_meta")
    import os

    here = os.getcwd()
    os.chdir(ROOT)
    try:
        name = setuptools_build.build_wheel(str(tmp_path))
    finally:
        os.chdir(here)
    files = set(zipfile.ZipFile(tmp_path / name).namelist())
    for file in ("model.safetensors", "tokenizer.json", "config.json", "speech_acts.json"):
        assert f"inference/default_model/{file}" in files
