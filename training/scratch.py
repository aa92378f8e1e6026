"""A small BERT built from scratch, for training with no model hub.

The tokenizer is a WordPiece vocabulary learned from the (normalized) training sentences and
run by ``tokenizers``; the model is a ``BertForSequenceClassification`` sized by
``config_overrides``.

The vocabulary is learned here rather than with ``tokenizers``' ``WordPieceTrainer``, which
breaks frequency ties in hash-map order and so gives a slightly different vocabulary, and
model, on every run. Here ties go to the alphabetically first pair, so a fixed seed gives
the same tokenizer and the same model.
"""

from __future__ import annotations

import heapq
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path

import torch
from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors
from transformers import BertConfig, BertForSequenceClassification, PreTrainedTokenizerFast

from inference import ID2LABEL, LABEL2ID, ModelSettings, TextNormalizer

SPECIAL_TOKENS = ("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]")
CONTINUATION = "##"


def _join(left: str, right: str) -> str:
    return left + right.removeprefix(CONTINUATION)


def learn_wordpiece_vocab(word_counts: dict[str, int], vocab_size: int, min_frequency: int = 2) -> list[str]:
    """Learn a WordPiece vocabulary by frequency-ordered merges (BPE with ``##`` continuations).

    Args:
        word_counts: Pre-tokenized words and how often each occurs.
        vocab_size: Target size, special tokens included (smaller if merges run out).
        min_frequency: Pairs seen fewer times are never merged.

    Returns:
        Special tokens, then the alphabet (word-initial and ``##`` forms), then merged pieces
        in the order they were learned. Deterministic: ties go to the alphabetically first pair.
    """
    words = [[word[0], *(CONTINUATION + char for char in word[1:])] for word in sorted(word_counts)]
    counts = [word_counts[word] for word in sorted(word_counts)]
    vocab = list(SPECIAL_TOKENS) + sorted({symbol for word in words for symbol in word})
    pair_counts: Counter[tuple[str, str]] = Counter()
    holders: defaultdict[tuple[str, str], set[int]] = defaultdict(set)
    for index, (word, count) in enumerate(zip(words, counts)):
        for pair in zip(word, word[1:]):
            pair_counts[pair] += count
            holders[pair].add(index)
    heap = [(-count, pair) for pair, count in pair_counts.items()]
    heapq.heapify(heap)
    known = set(vocab)
    while len(vocab) < vocab_size and heap:
        negative, pair = heapq.heappop(heap)
        if pair_counts.get(pair, 0) != -negative:
            continue  # stale heap entry
        if -negative < min_frequency:
            break
        merged = _join(*pair)
        if merged not in known:
            vocab.append(merged)
            known.add(merged)
        changed: Counter[tuple[str, str]] = Counter()
        for index in sorted(holders.pop(pair, ())):
            word, count = words[index], counts[index]
            for old in zip(word, word[1:]):
                changed[old] -= count
            merged_word, position = [], 0
            while position < len(word):
                if position + 1 < len(word) and (word[position], word[position + 1]) == pair:
                    merged_word.append(merged)
                    position += 2
                else:
                    merged_word.append(word[position])
                    position += 1
            words[index] = merged_word
            for new in zip(merged_word, merged_word[1:]):
                changed[new] += count
                holders[new].add(index)
        for changed_pair, delta in changed.items():
            if delta:
                pair_counts[changed_pair] += delta
                if pair_counts[changed_pair] > 0:
                    heapq.heappush(heap, (-pair_counts[changed_pair], changed_pair))
                else:
                    del pair_counts[changed_pair]
        pair_counts.pop(pair, None)
    return vocab


def train_wordpiece_tokenizer(texts: Iterable[str], vocab_size: int = 8000) -> PreTrainedTokenizerFast:
    """Train a BERT-style WordPiece tokenizer on texts, deterministically.

    Args:
        texts: Normalized sentences.
        vocab_size: Target vocabulary size, special tokens included.

    Returns:
        A fast tokenizer that adds ``[CLS]`` and ``[SEP]`` like BERT's.
    """
    normalizer = normalizers.BertNormalizer(
        clean_text=True, handle_chinese_chars=False, strip_accents=False, lowercase=False
    )
    pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    word_counts = Counter(
        word for text in texts for word, _ in pre_tokenizer.pre_tokenize_str(normalizer.normalize_str(text))
    )
    vocab = learn_wordpiece_vocab(word_counts, vocab_size)
    tokenizer = Tokenizer(models.WordPiece({token: i for i, token in enumerate(vocab)}, unk_token="[UNK]"))
    tokenizer.normalizer = normalizer
    tokenizer.pre_tokenizer = pre_tokenizer
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
    build_bert_classifier(tokenizer, config_overrides, max_positions=max_positions).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    ModelSettings(normalization=normalizer.to_dict(), max_length=max_length).save(folder)
    return Path(folder)
