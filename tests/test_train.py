"""End to end: train -> save -> load -> classify, on the real corpus with tiny models."""

import json

import pytest
import yaml

from inference import LABELS, Classifier, ModelSettings
from training.scratch import build_bert_classifier
from training.train import main as train
from training.wordpiece import train_wordpiece_tokenizer

from .conftest import ARABIC_SENTENCES, CORPUS_DIR, FAST


def test_model_folder_describes_itself(tiny_run):
    output, metrics = tiny_run
    names = {path.name for path in output.iterdir()}
    assert {"config.json", "model.safetensors", "tokenizer.json", "speech_acts.json", "training_config.yaml",
            "metrics.json", "README.md"} <= names
    assert not any(name.startswith("checkpoint-") or name.endswith((".bin", ".pt", ".pkl")) for name in names)
    config = json.loads((output / "config.json").read_text())
    assert config["id2label"] == {str(i): label for i, label in enumerate(LABELS)}
    settings = ModelSettings.load(output)
    assert settings.max_length == 128 and settings.normalization["name"] == "arabert"
    assert settings.temperature == pytest.approx(metrics["temperature"]) and settings.temperature > 0
    saved = yaml.safe_load((output / "training_config.yaml").read_text())
    assert saved["config"]["num_train_epochs"] == 1
    assert saved["resolved"]["config_file"].endswith("configs/scratch.yaml")


def test_metrics_cover_splits_baselines_and_calibration(tiny_run):
    output, metrics = tiny_run
    written = json.loads((output / "metrics.json").read_text())
    for split in ("validation", "test (corpus)"):
        report = written[split]
        assert 0.0 <= report["macro_f1"] <= 1.0
        assert set(report["per_class"]) == set(LABELS)
        assert {"ece", "ece_uncalibrated"} <= set(report)
        assert set(written["baselines"][split]) == {"keyword", "tfidf_logreg"}
    assert sum(written["data"]["train"].values()) == 300
    card = (output / "README.md").read_text()
    assert "## Results: test (corpus)" in card and "tfidf_logreg" in card and "Limitations" in card


def test_trained_model_classifies_the_seed_article(tiny_run, seed_text):
    output, _ = tiny_run
    predictions = Classifier.from_pretrained(output, device="cpu").classify(seed_text)
    assert len(predictions) == 15
    assert all(seed_text[p.start : p.end] == p.text and p.label in LABELS for p in predictions)


def test_arabert_config_with_a_local_stand_in_for_the_hub_model(tmp_path, seed_text):
    """configs/arabert.yaml exercised end to end with a tiny local BERT in place of AraBERT."""
    stand_in = tmp_path / "bert-base-arabertv02"
    tokenizer = train_wordpiece_tokenizer(ARABIC_SENTENCES * 5 + [seed_text], vocab_size=500)
    build_bert_classifier(tokenizer, "hidden_size=32,num_hidden_layers=1,num_attention_heads=2,intermediate_size=64",
                          max_positions=128).bert.save_pretrained(stand_in)
    tokenizer.save_pretrained(stand_in)
    output = tmp_path / "run"
    metrics = train(["--config", "configs/arabert.yaml", "--model_name_or_path", str(stand_in),
                     "--output_dir", str(output), *FAST])
    assert metrics["validation"]["per_class"].keys() == set(LABELS)
    assert ModelSettings.load(output).normalization["arabert_model_name"] == "bert-base-arabertv02"
    assert len(Classifier.from_pretrained(output, device="cpu").classify(seed_text)) == 15


def test_corpus_files_are_the_defaults():
    assert (CORPUS_DIR / "train.jsonl").is_file()


def test_training_is_reproducible_with_a_fixed_seed(tmp_path):
    args = ["--config", "configs/scratch.yaml", *FAST, "--max_train_samples", "120", "--tokenizer_vocab_size", "800",
            "--config_overrides", "hidden_size=32,num_hidden_layers=1,num_attention_heads=2,intermediate_size=64"]
    first = train([*args, "--output_dir", str(tmp_path / "one")])
    second = train([*args, "--output_dir", str(tmp_path / "two")])
    assert first["validation"] == second["validation"] and first["temperature"] == second["temperature"]
    for name in ("model.safetensors", "tokenizer.json"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()
