"""Text normalization applied to every sentence before tokenization.

Training and inference both build a :class:`TextNormalizer` from the same settings, and
training saves those settings in the model folder, so a model always sees text prepared
exactly as it was during training.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

NORMALIZERS = ("arabert", "none")
DEFAULT_ARABERT_MODEL = "bert-base-arabertv02"


class TextNormalizer:
    """Normalizes sentences the way the model expects.

    ``"arabert"`` runs the ``arabert`` package's ``ArabertPreprocessor`` for the given
    AraBERT model name (diacritics and tatweel removed, punctuation spaced out, and so on;
    the v02 models need no Farasa segmentation, hence no Java). ``"none"`` only collapses
    whitespace.

    Args:
        name: One of :data:`NORMALIZERS`.
        arabert_model_name: The AraBERT model whose preprocessing to apply.

    Raises:
        ValueError: If ``name`` is not a known normalizer.
    """

    def __init__(self, name: str = "arabert", arabert_model_name: str = DEFAULT_ARABERT_MODEL):
        if name not in NORMALIZERS:
            raise ValueError(f"normalization must be one of {NORMALIZERS}, got {name!r}")
        self.name = name
        self.arabert_model_name = arabert_model_name

    @cached_property
    def _arabert(self) -> Any:
        from arabert.preprocess import ArabertPreprocessor

        return ArabertPreprocessor(model_name=self.arabert_model_name)

    def __call__(self, text: str) -> str:
        """Return the normalized form of one sentence."""
        if self.name == "arabert":
            return self._arabert.preprocess(text)
        return " ".join(text.split())

    def to_dict(self) -> dict[str, str]:
        """Settings to save in a model folder; :meth:`from_dict` reads them back."""
        return {"name": self.name, "arabert_model_name": self.arabert_model_name}

    @classmethod
    def from_dict(cls, settings: dict[str, str]) -> TextNormalizer:
        """Build the normalizer described by :meth:`to_dict` output."""
        return cls(settings["name"], settings.get("arabert_model_name", DEFAULT_ARABERT_MODEL))

    def __repr__(self) -> str:
        return f"TextNormalizer({self.name!r}, {self.arabert_model_name!r})"
