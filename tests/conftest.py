"""Shared fixtures: the seed article and real tiny models built in temp dirs (no hub)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from training.random_model import build_random_model_folder

ROOT = Path(__file__).resolve().parents[1]
SEED_ARTICLE = ROOT / "seeds" / "000_b10947e7783b1602.txt"
CORPUS_DIR = ROOT / "seeds" / "corpus"

# The written corpus only: these tests run without the shared news corpus.
WRITTEN = ["--train_file", str(CORPUS_DIR / "train.jsonl"), "--validation_file", str(CORPUS_DIR / "dev.jsonl"),
           "--test_file", str(CORPUS_DIR / "test.jsonl")]
FAST = [*WRITTEN, "--num_train_epochs", "1", "--max_train_samples", "300", "--per_device_train_batch_size", "16",
        "--logging_steps", "1000", "--disable_tqdm", "true"]

ARABIC_SENTENCES = [
    "طالبت النقابة الحكومة بصرف الأجور المتأخرة قبل نهاية الشهر.",
    "حذّر خبراء الأرصاد من سيول جارفة في المناطق المنخفضة.",
    "رفضت الحركة المقترح المصري الجديد لوقف إطلاق النار.",
    "افتتح الوزير مستشفى جديداً في المدينة صباح الأحد.",
    "وقال المتحدث إن الاجتماع سيعقد الأسبوع المقبل في القاهرة.",
    "لن نقبل بأي اتفاق لا يضمن عودة النازحين إلى منازلهم.",
    "توعّد قائد الجيش بالرد على أي هجوم يستهدف المواقع الحدودية.",
    "ناشدت المنظمة المانحين تقديم مساعدات عاجلة للاجئين.",
]


def write_jsonl(path: Path, records: list) -> Path:
    """One JSON object per line (a str record is written as it is)."""
    path.write_text("".join(r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) + "\n" for r in records),
                    encoding="utf-8")
    return path


def read_jsonl(path: Path) -> list[dict]:
    """The records of a JSONL file, split at \\n only (as JSON writes lines)."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").split("\n") if line]


def build_random_model(folder: Path, hidden_size: int = 32, max_length: int = 64) -> Path:
    """A real (randomly initialized) BERT classifier folder with a trained WordPiece tokenizer."""
    texts = ARABIC_SENTENCES + SEED_ARTICLE.read_text(encoding="utf-8").splitlines()
    return build_random_model_folder(
        folder,
        texts * 3,
        f"hidden_size={hidden_size},num_hidden_layers=2,num_attention_heads=2,intermediate_size={2 * hidden_size}",
        vocab_size=600,
        max_length=max_length,
        max_positions=max_length,
    )


@pytest.fixture(scope="session")
def seed_text() -> str:
    return SEED_ARTICLE.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def random_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_random_model(tmp_path_factory.mktemp("random_model"))


@pytest.fixture(scope="session")
def tiny_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    """A real model trained for one quick epoch on part of the corpus, and its metrics."""
    from training.train import main as train

    output = tmp_path_factory.mktemp("tiny_run")
    metrics = train(["--config", str(ROOT / "configs/scratch.yaml"), "--output_dir", str(output), *FAST,
                     "--config_overrides", "hidden_size=64,num_hidden_layers=2,num_attention_heads=2,"
                     "intermediate_size=128", "--tokenizer_vocab_size", "2000"])
    return output, metrics
