"""Scoring as plain functions: precision/recall/F1, classification reports, span matching.

One formula for precision, recall and F1 (:func:`precision_recall_f1`) serves label scores and
sentence-boundary scores alike. Training, evaluation and the baselines call these directly; no
``evaluate`` module or hub access is involved.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from inference import LABELS

from .calibration import expected_calibration_error, softmax


def precision_recall_f1(matched: int, predicted: int, gold: int) -> dict[str, float]:
    """Precision, recall and F1 from counts (0.0 where undefined)."""
    precision = matched / predicted if predicted else 0.0
    recall = matched / gold if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


def label_scores(predictions: np.ndarray, gold: np.ndarray, labels: tuple[str, ...] = LABELS) -> dict[str, Any]:
    """Accuracy, macro precision/recall/F1, and per-class precision/recall/F1/support.

    Args:
        predictions: Predicted class ids.
        gold: Gold class ids.
        labels: Class names by id; every class is reported, even with no support.
    """
    predictions, gold = np.asarray(predictions, dtype=np.int64), np.asarray(gold, dtype=np.int64)
    per_class = {}
    for class_id, name in enumerate(labels):
        support = int(np.sum(gold == class_id))
        scores = precision_recall_f1(
            int(np.sum((predictions == class_id) & (gold == class_id))), int(np.sum(predictions == class_id)), support
        )
        per_class[name] = {**scores, "support": support}
    rows = list(per_class.values())
    return {
        "accuracy": float(np.mean(predictions == gold)) if len(gold) else 0.0,
        "macro_f1": float(np.mean([row["f1"] for row in rows])),
        "macro_precision": float(np.mean([row["precision"] for row in rows])),
        "macro_recall": float(np.mean([row["recall"] for row in rows])),
        "per_class": per_class,
    }


def classification_report(scores: np.ndarray, gold: np.ndarray, temperature: float | None = None) -> dict[str, Any]:
    """:func:`label_scores`, plus calibration when ``scores`` are logits.

    Args:
        scores: ``(n, classes)`` logits, or ``(n,)`` predicted class ids.
        gold: ``(n,)`` gold class ids.
        temperature: If given with logits, ``ece`` is measured after dividing logits by it
            and ``ece_uncalibrated`` before.

    Returns:
        The scores; with logits also ``ece`` (and ``ece_uncalibrated``).
    """
    scores = np.asarray(scores)
    predictions = scores.argmax(axis=1) if scores.ndim == 2 else scores
    report = label_scores(predictions, np.asarray(gold))
    if scores.ndim == 2:
        report["ece"] = expected_calibration_error(softmax(scores, temperature or 1.0), gold)
        if temperature is not None:
            report["ece_uncalibrated"] = expected_calibration_error(softmax(scores), gold)
    return report


def span_scores(gold: set[tuple[int, ...]], predicted: set[tuple[int, ...]]) -> dict[str, float]:
    """Precision, recall and F1 of predicted sentence spans against gold spans (exact offsets)."""
    return {**precision_recall_f1(len(gold & predicted), len(predicted), len(gold)),
            "gold": len(gold), "predicted": len(predicted)}
