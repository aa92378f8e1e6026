"""Label the sentences of Arabic news articles as demand, warning, refusal or background.

Typical use in a batch job::

    from inference import Classifier

    classifier = Classifier.from_pretrained(folder)   # inference.classifier.DEFAULT_MODEL_DIR: the shipped model
    for predictions in classifier.classify_many(articles):
        ...

or, for a quick call with a cached model, ``classify(article)``.
"""

from .classifier import Classifier, DeviceError, SentencePrediction, classify
from .labels import ID2LABEL, LABEL2ID, LABELS, LabelMismatchError
from .model_folder import DEFAULT_MAX_LENGTH, ModelFolderError, ModelSettings
from .normalization import TextNormalizer
from .sentences import Sentence, split_sentences

__all__ = [
    "DEFAULT_MAX_LENGTH",
    "ID2LABEL",
    "LABEL2ID",
    "LABELS",
    "Classifier",
    "DeviceError",
    "LabelMismatchError",
    "ModelFolderError",
    "ModelSettings",
    "Sentence",
    "SentencePrediction",
    "TextNormalizer",
    "classify",
    "split_sentences",
]
