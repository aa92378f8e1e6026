import numpy as np

from inference import LABELS
from training.reports import format_report_markdown, format_report_table
from training.scoring import classification_report


def test_report_from_logits_has_calibration_and_from_ids_has_none():
    gold = np.array([0, 1, 2, 3, 3])
    logits = np.eye(4)[[0, 1, 2, 3, 2]] * 4.0
    report = classification_report(logits, gold, temperature=2.0)
    assert report["accuracy"] == 0.8
    assert report["per_class"]["background"] == {"precision": 1.0, "recall": 0.5, "f1": 2 / 3, "support": 2}
    assert 0 <= report["ece"] <= 1 and "ece_uncalibrated" in report
    from_ids = classification_report(np.array([0, 1, 2, 3, 2]), gold)
    assert from_ids["macro_f1"] == report["macro_f1"] and "ece" not in from_ids


def test_tables_list_every_label_and_system():
    report = classification_report(np.array([0, 1, 2, 3]), np.array([0, 1, 2, 3]))
    table = format_report_table({"model": report, "keyword": report})
    markdown = format_report_markdown({"model": report})
    for label in LABELS:
        assert f"F1 {label}" in table and f"F1 {label}" in markdown
    assert table.splitlines()[2].startswith("model") and "| model | 1.000 | 1.000 |" in markdown
