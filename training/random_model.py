"""Model folders with random weights, for tests and speed benchmarks (not for training).

They are complete: a tokenizer learned on the given texts, a BERT classifier of the given size,
and ``speech_acts.json``, written by :func:`inference.model_folder.save_model_folder`.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import torch

from inference import ModelSettings, TextNormalizer
from inference.model_folder import save_model_folder

from .scratch import build_bert_classifier
from .wordpiece import train_wordpiece_tokenizer


def build_random_model_folder(
    folder: str | Path,
    texts: Iterable[str],
    config_overrides: str,
    vocab_size: int,
    max_length: int = 128,
    max_positions: int = 512,
    seed: int = 0,
) -> Path:
    """Save a complete model folder with random weights, for tests and speed benchmarks.

    Args:
        folder: Where to save it.
        texts: Raw sentences to learn the WordPiece vocabulary from (normalized here).
        config_overrides: ``BertConfig`` overrides (``vocab_size=…`` fixes the embedding size).
        vocab_size: Target vocabulary size of the tokenizer.
        max_length: Maximum sentence length saved in ``speech_acts.json``.
        max_positions: Position embeddings of the model.
        seed: Seed of the random weights.

    Returns:
        The folder, loadable by :meth:`inference.Classifier.from_pretrained`.
    """
    normalizer = TextNormalizer()
    tokenizer = train_wordpiece_tokenizer((normalizer(text) for text in texts), vocab_size=vocab_size)
    torch.manual_seed(seed)
    model = build_bert_classifier(tokenizer, config_overrides, max_positions=max_positions)
    settings = ModelSettings(normalization=normalizer.to_dict(), max_length=max_length)
    return save_model_folder(model, tokenizer, folder, settings)
