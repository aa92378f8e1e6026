"""Baselines scored beside the transformer on the same splits.

* ``keyword``: the cue-word lexicon, first match wins (refusal > warning > demand);
* ``tfidf_logreg``: TF-IDF over character 2–5-grams (within word boundaries) with a
  class-balanced logistic regression, trained on the train split.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from inference import LABEL2ID

from .lexicon import keyword_label
from .scoring import classification_report


def keyword_predictions(texts: list[str]) -> np.ndarray:
    """Label ids predicted by the keyword baseline."""
    return np.array([LABEL2ID[keyword_label(text)] for text in texts])


def train_tfidf_logreg(texts: list[str], labels: list[str], seed: int = 42) -> Any:
    """Fit the TF-IDF character n-gram logistic-regression baseline.

    Returns:
        A scikit-learn pipeline; ``predict_proba`` columns follow :data:`inference.LABELS`.
    """
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    pipeline = make_pipeline(
        TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True),
        LogisticRegression(max_iter=2000, C=10.0, class_weight="balanced", random_state=seed),
    )
    pipeline.fit(texts, [LABEL2ID[label] for label in labels])
    return pipeline


def tfidf_logits(pipeline: Any, texts: list[str], classes: int) -> np.ndarray:
    """Log-probabilities from the baseline, in label order (a softmax of them gives its probabilities)."""
    probabilities = np.full((len(texts), classes), 1e-9)
    probabilities[:, pipeline.classes_] = np.maximum(pipeline.predict_proba(texts), 1e-9)
    return np.log(probabilities)


def baseline_reports(
    texts: dict[str, list[str]], labels: dict[str, list[str]], seed: int = 42
) -> dict[str, dict[str, dict[str, Any]]]:
    """Score both baselines on every split but ``train``.

    Args:
        texts: Normalized sentences by split name; ``train`` trains the TF-IDF model.
        labels: Gold labels by split name, aligned with ``texts``.
        seed: Random seed for the logistic regression.

    Returns:
        ``{split: {"keyword": report, "tfidf_logreg": report}}``.
    """
    pipeline = train_tfidf_logreg(texts["train"], labels["train"], seed=seed)
    reports = {}
    for name in texts:
        if name == "train":
            continue
        gold = np.array([LABEL2ID[label] for label in labels[name]])
        reports[name] = {
            "keyword": classification_report(keyword_predictions(texts[name]), gold),
            "tfidf_logreg": classification_report(tfidf_logits(pipeline, texts[name], len(LABEL2ID)), gold),
        }
    return reports
