"""A small BERT built from scratch, for training with no model hub.

The tokenizer is a WordPiece vocabulary trained with ``tokenizers`` on the (normalized)
training sentences; the model is a ``BertForSequenceClassification`` sized by
``config_overrides``.
"""

from __future__ import annotations

from collections.abc import Iterable

from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors, trainers
from transformers import BertConfig, BertForSequenceClassification, PreTrainedTokenizerFast

from inference import ID2LABEL, LABEL2ID

SPECIAL_TOKENS = ("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]")


def train_wordpiece_tokenizer(texts: Iterable[str], vocab_size: int = 8000) -> PreTrainedTokenizerFast:
    """Train a BERT-style WordPiece tokenizer on texts.

    Args:
        texts: Normalized sentences.
        vocab_size: Target vocabulary size, special tokens included.

    Returns:
        A fast tokenizer that adds ``[CLS]`` and ``[SEP]`` like BERT's.
    """
    tokenizer = Tokenizer(models.WordPiece(unk_token="[UNK]"))
    tokenizer.normalizer = normalizers.BertNormalizer(
        clean_text=True, handle_chinese_chars=False, strip_accents=False, lowercase=False
    )
    tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    trainer = trainers.WordPieceTrainer(vocab_size=vocab_size, special_tokens=list(SPECIAL_TOKENS), min_frequency=2)
    tokenizer.train_from_iterator(texts, trainer=trainer)
    cls_id, sep_id = tokenizer.token_to_id("[CLS]"), tokenizer.token_to_id("[SEP]")
    tokenizer.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]",
        pair="[CLS] $A [SEP] $B:1 [SEP]:1",
        special_tokens=[("[CLS]", cls_id), ("[SEP]", sep_id)],
    )
    return PreTrainedTokenizerFast(
        tokenizer_object=tokenizer,
        unk_token="[UNK]",
        pad_token="[PAD]",
        cls_token="[CLS]",
        sep_token="[SEP]",
        mask_token="[MASK]",
    )


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
