"""The label set: the one place where the four speech-act labels are defined."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

LABELS: tuple[str, ...] = ("demand", "warning", "refusal", "background")
"""Speech-act labels, in model output order."""

LABEL2ID: dict[str, int] = {label: i for i, label in enumerate(LABELS)}
ID2LABEL: dict[int, str] = dict(enumerate(LABELS))


class LabelMismatchError(ValueError):
    """A model folder was trained with labels other than :data:`LABELS`."""


def check_model_labels(id2label: Mapping[int | str, str], source: str) -> None:
    """Check that a model's ``id2label`` map matches :data:`LABELS` exactly.

    Args:
        id2label: The ``id2label`` map from a model's ``config.json`` (keys may be
            strings, as JSON stores them).
        source: Where the map came from, named in the error message.

    Raises:
        LabelMismatchError: If the labels or their order differ.
    """
    found = {int(i): label for i, label in id2label.items()}
    if found != ID2LABEL:
        raise LabelMismatchError(
            f"{source}: model labels {found} do not match this package's labels {ID2LABEL}; "
            "retrain the model with this version of the package"
        )


def label_counts(labels: Iterable[str]) -> dict[str, int]:
    """How many times each label occurs, every label present (0 if absent), in :data:`LABELS` order."""
    counts = dict.fromkeys(LABELS, 0)
    for label in labels:
        counts[label] += 1
    return counts
