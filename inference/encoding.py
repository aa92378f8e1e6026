"""Sentence encoding: normalize, then tokenize with truncation.

The one path that training, inference, evaluation and the benchmarks share, so a model always
sees text prepared as it was in training.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .normalization import TextNormalizer


def encode_sentences(
    sentences: Sequence[str], tokenizer: Any, normalizer: TextNormalizer, max_length: int
) -> list[list[int]]:
    """Token ids of each sentence, ``[CLS] … [SEP]``, truncated to ``max_length`` tokens.

    Args:
        sentences: Raw sentences.
        tokenizer: The model's tokenizer.
        normalizer: The model's normalizer (from its folder's settings).
        max_length: The model's maximum length (from its folder's settings).

    Returns:
        One list of ids per sentence, unpadded.
    """
    normalized = [normalizer(sentence) for sentence in sentences]
    return tokenizer(normalized, truncation=True, max_length=max_length, return_attention_mask=False)["input_ids"]
