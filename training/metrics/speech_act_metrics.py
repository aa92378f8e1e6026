"""A local `evaluate` metric module: accuracy, macro-F1 and per-class precision/recall/F1.

Loaded by path (``evaluate.load("training/metrics/speech_act_metrics.py")``) because hub
metrics cannot be downloaded offline. It needs only numpy.
"""

import datasets
import evaluate
import numpy as np

_DESCRIPTION = """Accuracy, macro-averaged F1, and precision, recall, F1 and support for every class
of a single-label classification task."""

_KWARGS_DESCRIPTION = """
Args:
    predictions (list of int): Predicted class ids.
    references (list of int): Gold class ids.
    labels (list of str): Class names, indexed by id; every class is reported, even with no support.
Returns:
    accuracy (float), macro_f1 (float), macro_precision (float), macro_recall (float),
    per_class (dict): for each class name, {"precision", "recall", "f1", "support"}.
"""


class SpeechActMetrics(evaluate.Metric):
    """Classification report for the speech-act labels."""

    def _info(self):
        return evaluate.MetricInfo(
            description=_DESCRIPTION,
            citation="",
            inputs_description=_KWARGS_DESCRIPTION,
            features=datasets.Features(
                {"predictions": datasets.Value("int64"), "references": datasets.Value("int64")}
            ),
        )

    def _compute(self, predictions, references, labels):
        predictions = np.asarray(predictions, dtype=np.int64)
        references = np.asarray(references, dtype=np.int64)
        per_class = {}
        for class_id, name in enumerate(labels):
            true_positive = int(np.sum((predictions == class_id) & (references == class_id)))
            predicted = int(np.sum(predictions == class_id))
            support = int(np.sum(references == class_id))
            precision = true_positive / predicted if predicted else 0.0
            recall = true_positive / support if support else 0.0
            f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
            per_class[name] = {"precision": precision, "recall": recall, "f1": f1, "support": support}
        scores = list(per_class.values())
        return {
            "accuracy": float(np.mean(predictions == references)) if len(references) else 0.0,
            "macro_f1": float(np.mean([s["f1"] for s in scores])),
            "macro_precision": float(np.mean([s["precision"] for s in scores])),
            "macro_recall": float(np.mean([s["recall"] for s in scores])),
            "per_class": per_class,
        }
