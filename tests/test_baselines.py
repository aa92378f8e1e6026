import numpy as np

from inference import LABEL2ID, LABELS
from training.baselines import baseline_reports, keyword_predictions, tfidf_logits, train_tfidf_logreg
from training.data import load_examples

from .conftest import CORPUS_DIR


def test_keyword_predictions_follow_the_lexicon():
    texts = ["رفضت النقابة العرض.", "حذّرت الأرصاد من السيول.", "ناشد المحافظ السكان الإخلاء.", "افتتح المعرض."]
    assert keyword_predictions(texts).tolist() == [LABEL2ID[label] for label in
                                                   ("refusal", "warning", "demand", "background")]


def test_tfidf_logreg_learns_the_corpus_and_returns_label_ordered_logits():
    train = load_examples(CORPUS_DIR / "train.jsonl")
    dev = load_examples(CORPUS_DIR / "dev.jsonl")
    pipeline = train_tfidf_logreg([e.text for e in train], [e.label for e in train])
    logits = tfidf_logits(pipeline, [e.text for e in dev], len(LABELS))
    assert logits.shape == (len(dev), len(LABELS))
    accuracy = np.mean(logits.argmax(axis=1) == [LABEL2ID[e.label] for e in dev])
    assert accuracy > 0.6


def test_baseline_reports_score_every_split_but_train():
    train = ["رفضت الحكومة الخطة.", "طالب العمال بالأجور.", "حذّر الخبراء من الجفاف.", "افتتح الوزير الجسر."]
    texts = {"train": train * 3, "test": ["رفضت النقابة المقترح.", "افتتح المحافظ المدرسة."]}
    labels = {"train": ["refusal", "demand", "warning", "background"] * 3, "test": ["refusal", "background"]}
    reports = baseline_reports(texts, labels)
    assert set(reports) == {"test"} and set(reports["test"]) == {"keyword", "tfidf_logreg"}
    assert reports["test"]["keyword"]["accuracy"] == 1.0
