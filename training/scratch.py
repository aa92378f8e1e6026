"""A small BERT classifier built from scratch (random weights), for training with no model hub.

Its tokenizer comes from :mod:`training.wordpiece`; the model is a
``BertForSequenceClassification`` sized by ``config_overrides``.
"""

from __future__ import annotations

from transformers import BertConfig, BertForSequenceClassification, PreTrainedTokenizerFast

from inference import ID2LABEL, LABEL2ID


def build_bert_classifier(
    tokenizer: PreTrainedTokenizerFast, config_overrides: str | None = None, max_positions: int = 512
) -> BertForSequenceClassification:
    """A randomly initialized BERT classifier over the speech-act labels.

    Args:
        tokenizer: Its tokenizer (sets the vocabulary size and padding id).
        config_overrides: ``BertConfig`` overrides as ``"key=value,key=value"``.
        max_positions: Position embeddings; must cover the maximum sequence length.

    Returns:
        The model, with ``id2label``/``label2id`` in its config.
    """
    config = BertConfig(
        vocab_size=len(tokenizer),
        pad_token_id=tokenizer.pad_token_id,
        max_position_embeddings=max_positions,
        num_labels=len(ID2LABEL),
        id2label=ID2LABEL,
        label2id=LABEL2ID,
    )
    if config_overrides:
        config.update_from_string(config_overrides)
    return BertForSequenceClassification(config)
