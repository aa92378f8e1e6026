"""A deterministic WordPiece tokenizer learner, for from-scratch models and pretraining.

The vocabulary is learned here rather than with ``tokenizers``' ``WordPieceTrainer``, which
breaks frequency ties in hash-map order and so gives a slightly different vocabulary, and
model, on every run. Here ties go to the alphabetically first pair, so a fixed seed gives
the same tokenizer and the same model. The learned vocabulary is run by ``tokenizers``.
"""

from __future__ import annotations

import heapq
from collections import Counter, defaultdict
from collections.abc import Iterable

from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors
from transformers import PreTrainedTokenizerFast

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
