import json
import os
import subprocess
import sys

from inference import LABELS
from training.evaluate import cli, confusion_matrix, data_name, main
from training.scoring import span_scores

from .conftest import CORPUS_DIR, ROOT


def test_evaluate_writes_metrics_picture_and_errors(tiny_run, tmp_path, capsys):
    model, _ = tiny_run
    out = tmp_path / "eval"
    metrics = main(["--model", str(model), "--data", str(CORPUS_DIR / "dev.jsonl"), "--out", str(out)])["corpus-dev"]
    written = json.loads((out / "metrics.json").read_text())
    assert written["sentences"] == metrics["sentences"] == 359
    report = written["sentence_level"]
    assert set(report["per_class"]) == set(LABELS)
    assert sum(c["support"] for c in report["per_class"].values()) == 359
    assert {"ece", "ece_uncalibrated"} <= set(report)
    assert set(written["baselines"]) == {"keyword", "tfidf_logreg"}
    assert written["sentence_splitting"]["f1"] == 1.0
    assert 0 <= written["end_to_end"]["macro_f1"] <= 1
    assert sum(map(sum, written["confusion_matrix"]["counts"])) == 359
    for picture in ("confusion_matrix.png", "reliability.png"):
        assert (out / picture).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    errors = [json.loads(line) for line in (out / "errors.jsonl").read_text().splitlines()]
    correct = sum(written["confusion_matrix"]["counts"][i][i] for i in range(4))
    assert len(errors) == 359 - correct
    assert all(e["gold"] != e["predicted"] for e in errors)
    assert [e["confidence"] for e in errors] == sorted((e["confidence"] for e in errors), reverse=True)
    printed = capsys.readouterr().out
    assert "tfidf_logreg" in printed and "sentence splitting: precision 1.000" in printed


def test_evaluate_on_flat_csv(tiny_run, tmp_path):
    model, _ = tiny_run
    data = tmp_path / "flat.csv"
    data.write_text("text,label\nرفضت الحكومة المقترح.,refusal\nحذّرت الأرصاد من السيول.,warning\n", encoding="utf-8")
    metrics = main(["--model", str(model), "--data", str(data), "--out", str(tmp_path / "o")])[data_name(data)]
    assert metrics["sentences"] == 2 and "end_to_end" not in metrics


def test_evaluate_on_the_seed_gold(tiny_run, tmp_path):
    model, _ = tiny_run
    metrics = main(["--model", str(model), "--data", str(ROOT / "seeds/000_b10947e7783b1602.gold.jsonl"),
                    "--out", str(tmp_path / "seed")])["seeds-000_b10947e7783b1602.gold"]
    assert metrics["sentences"] == 15 and metrics["sentence_splitting"]["f1"] == 1.0


def test_span_scores_and_confusion_matrix():
    scores = span_scores({(0, 5), (6, 9)}, {(0, 5), (6, 7), (8, 9)})
    assert (scores["precision"], scores["recall"]) == (1 / 3, 1 / 2)
    import numpy as np

    matrix = confusion_matrix(np.array([0, 0, 3]), np.array([0, 3, 3]))
    assert matrix[0, 0] == 1 and matrix[0, 3] == 1 and matrix[3, 3] == 1 and matrix.sum() == 3


def test_missing_model_folder_is_a_one_line_error(tmp_path, capsys):
    assert cli(["--model", str(tmp_path / "no-model"), "--data", str(CORPUS_DIR / "dev.jsonl")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1 and "no-model" in err


def test_evaluate_command_exits_2_on_a_missing_model(tmp_path):
    result = subprocess.run([sys.executable, "-m", "training.evaluate", "--model", str(tmp_path / "no-model")],
                            cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 2
    assert result.stderr.startswith("error: ") and "Traceback" not in result.stderr
