from training.scratch import build_bert_classifier
from training.wordpiece import SPECIAL_TOKENS, learn_wordpiece_vocab, train_wordpiece_tokenizer

from .conftest import ARABIC_SENTENCES


def test_vocab_learning_is_deterministic_and_merges_frequent_pairs():
    counts = {"الحكومة": 5, "الحكم": 4, "حكم": 3, "نادر": 1}
    vocab = learn_wordpiece_vocab(counts, vocab_size=40)
    assert vocab == learn_wordpiece_vocab(dict(reversed(counts.items())), vocab_size=40)
    assert vocab[: len(SPECIAL_TOKENS)] == list(SPECIAL_TOKENS)
    assert {"الحكومة", "الحكم", "حكم"} <= set(vocab[len(SPECIAL_TOKENS):])
    assert "نادر" not in vocab  # seen once: below min_frequency


def test_tokenizer_adds_cls_and_sep_and_covers_unseen_words():
    tokenizer = train_wordpiece_tokenizer(ARABIC_SENTENCES * 2, vocab_size=300)
    ids = tokenizer("رفضت الحكومة المقترح")["input_ids"]
    assert ids[0] == tokenizer.cls_token_id and ids[-1] == tokenizer.sep_token_id
    assert tokenizer.unk_token_id not in tokenizer("طالبت النقابة")["input_ids"]


def test_bert_classifier_carries_the_labels():
    tokenizer = train_wordpiece_tokenizer(ARABIC_SENTENCES, vocab_size=200)
    model = build_bert_classifier(tokenizer, "hidden_size=16,num_hidden_layers=1,num_attention_heads=2", 64)
    assert model.config.id2label[2] == "refusal" and model.config.vocab_size == len(tokenizer)
