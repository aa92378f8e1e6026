"""Scoring predictions: classification reports and the terminal table."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from inference import LABELS

from .calibration import expected_calibration_error, softmax

METRIC_PATH = Path(__file__).parent / "metrics" / "speech_act_metrics.py"


@lru_cache(maxsize=1)
def load_metric() -> Any:
    """The local ``evaluate`` metric module (loaded by path: no hub access needed)."""
    import evaluate

    return evaluate.load(str(METRIC_PATH))


def classification_report(
    metric: Any, scores: np.ndarray, gold: np.ndarray, temperature: float | None = None
) -> dict[str, Any]:
    """Accuracy, macro-F1 and per-class figures, plus calibration when scores are logits.

    Args:
        metric: The loaded metric module (:func:`load_metric`).
        scores: ``(n, classes)`` logits, or ``(n,)`` predicted class ids.
        gold: ``(n,)`` gold class ids.
        temperature: If given with logits, ``ece`` is measured after dividing logits by it
            and ``ece_uncalibrated`` before.

    Returns:
        The metric's output; with logits also ``ece`` (and ``ece_uncalibrated``).
    """
    scores = np.asarray(scores)
    predictions = scores.argmax(axis=1) if scores.ndim == 2 else scores
    report = metric.compute(predictions=predictions.tolist(), references=np.asarray(gold).tolist(), labels=list(LABELS))
    if scores.ndim == 2:
        report["ece"] = expected_calibration_error(softmax(scores, temperature or 1.0), gold)
        if temperature is not None:
            report["ece_uncalibrated"] = expected_calibration_error(softmax(scores), gold)
    return report


def _report_rows(reports: dict[str, dict[str, Any]]) -> list[list[str]]:
    """Header and one row per system: accuracy, macro-F1, F1 per label, ECE."""
    rows = [["system", "accuracy", "macro-F1", *(f"F1 {label}" for label in LABELS), "ECE"]]
    for name, report in reports.items():
        ece = report.get("ece")
        rows.append(
            [name, f"{report['accuracy']:.3f}", f"{report['macro_f1']:.3f}",
             *(f"{report['per_class'][label]['f1']:.3f}" for label in LABELS),
             "-" if ece is None else f"{ece:.3f}"]
        )
    return rows


def format_report_table(reports: dict[str, dict[str, Any]]) -> str:
    """A plain-text table, one row per system: accuracy, macro-F1, F1 per label, ECE."""
    rows = _report_rows(reports)
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def format_report_markdown(reports: dict[str, dict[str, Any]]) -> str:
    """The same table as :func:`format_report_table`, as Markdown."""
    header, *rows = _report_rows(reports)
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)
