"""Sentence-level speech-act classification of Arabic news articles.

The pipeline has three separate parts: :func:`~inference.sentences.split_sentences`
turns an article into sentences with offsets, :meth:`Classifier.predict_proba` labels a
list of sentences in length-sorted, per-batch-padded batches, and :meth:`Classifier.classify`
puts the two together.
"""

from __future__ import annotations

import contextlib
import os
import warnings
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import torch
from transformers import AutoModelForSequenceClassification, AutoTokenizer
from transformers.utils import logging as transformers_logging

from .encoding import encode_sentences
from .labels import ID2LABEL, LABELS
from .model_folder import (
    ModelFolderError,
    ModelSettings,
    check_model_folder,
    check_settings_fit_model,
    read_model_config,
)
from .normalization import TextNormalizer
from .sentences import Sentence, split_sentences

MODEL_ENV_VAR = "SPEECH_ACTS_MODEL"
DEFAULT_MODEL_DIR = Path(__file__).parent / "default_model"
"""The model shipped inside the package: used when no model is named."""
PRECISIONS = ("auto", "fp32", "fp16", "bf16", "int8")


@dataclass(frozen=True)
class SentencePrediction:
    """The label of one sentence of an article.

    Attributes:
        index: Position of the sentence in the article (0 = first).
        text: The sentence, exactly ``article[start:end]``.
        start: Character offset of the sentence in the article.
        end: Character offset just past the sentence.
        label: The predicted label, one of :data:`~inference.labels.LABELS`.
        score: The probability of ``label`` (calibrated when the model folder has a temperature).
        probabilities: The probability of every label.
    """

    index: int
    text: str
    start: int
    end: int
    label: str
    score: float
    probabilities: dict[str, float]

    def to_dict(self) -> dict[str, Any]:
        """The prediction as a JSON-ready dict."""
        return asdict(self)


class DeviceError(ValueError):
    """A device that is unknown or not present on this machine."""


def resolve_device(device: str | torch.device = "auto") -> torch.device:
    """The torch device to run on, checked against this machine.

    Args:
        device: ``"auto"`` (CUDA when available, else CPU), ``"cpu"``, ``"cuda"``, ``"cuda:N"`` or ``"mps"``.

    Returns:
        The device.

    Raises:
        DeviceError: If the name is not a device, or the device is not available here.
    """
    if str(device) == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        target = torch.device(device)
    except (RuntimeError, TypeError, ValueError):
        raise DeviceError(f"device must be auto, cpu, cuda, cuda:N or mps, got {device!r}") from None
    if target.type == "cuda":
        if not torch.cuda.is_available():
            raise DeviceError(f"device {str(device)!r}: CUDA is not available on this machine")
        if target.index is not None and target.index >= torch.cuda.device_count():
            raise DeviceError(f"device {str(device)!r}: this machine has {torch.cuda.device_count()} CUDA device(s)")
    elif target.type == "mps":
        if not torch.backends.mps.is_available():
            raise DeviceError(f"device {str(device)!r}: MPS is not available on this machine")
    elif target.type != "cpu":
        raise DeviceError(f"device must be auto, cpu, cuda, cuda:N or mps, got {device!r}")
    return target


@contextlib.contextmanager
def _quiet_transformers() -> Iterator[None]:
    """Silence transformers' progress bars and warnings for the duration (a library call is quiet)."""
    progress_bar = transformers_logging.is_progress_bar_enabled()
    verbosity = transformers_logging.get_verbosity()
    transformers_logging.disable_progress_bar()
    transformers_logging.set_verbosity_error()
    try:
        yield
    finally:
        transformers_logging.set_verbosity(verbosity)
        if progress_bar:
            transformers_logging.enable_progress_bar()


class Classifier:
    """A loaded speech-act model, ready to label sentences and articles.

    Build it with :meth:`from_pretrained`; it is loaded once, in eval mode, on its device.

    Args:
        model: A sequence-classification model whose labels are :data:`LABELS`.
        tokenizer: Its tokenizer.
        settings: Normalization, maximum length and temperature from the model folder.
        batch_size: Sentences per forward pass.
    """

    def __init__(self, model: torch.nn.Module, tokenizer: Any, settings: ModelSettings, batch_size: int = 32):
        _check_batch_size(batch_size)
        self.model = model.eval()
        self.tokenizer = tokenizer
        self.settings = settings
        self.batch_size = batch_size
        self.normalizer = TextNormalizer.from_dict(settings.normalization)
        self.device = next(model.parameters()).device

    @classmethod
    def from_pretrained(
        cls,
        model_dir: str | Path,
        device: str | torch.device = "auto",
        batch_size: int = 32,
        precision: str = "auto",
    ) -> Classifier:
        """Load a model folder written by training.

        Args:
            model_dir: The model folder (weights as safetensors, tokenizer, ``speech_acts.json``).
            device: ``"auto"`` (CUDA when available, else CPU), ``"cpu"``, ``"cuda"``, ``"cuda:1"``…
            batch_size: Sentences per forward pass.
            precision: ``"auto"`` (fp16 on CUDA, else the folder's ``precision`` setting, else
                fp32), ``"fp32"``, ``"fp16"``, ``"bf16"``, or ``"int8"`` (dynamic int8
                quantization of the linear layers, CPU only).

        Returns:
            The loaded classifier. Loading prints nothing.

        Raises:
            ModelFolderError: If the folder is missing, incomplete, holds no safetensors weights,
                or has a malformed ``config.json`` or ``speech_acts.json`` (the file is named).
            LabelMismatchError: If the model was trained with other labels.
            DeviceError: A ``ValueError``, if the device is unknown or not available here.
            ValueError: If ``precision`` is unknown or does not fit the device, or ``batch_size``
                is not a positive integer.
        """
        _check_batch_size(batch_size)
        target = resolve_device(device)
        folder = check_model_folder(model_dir)
        settings = ModelSettings.load(folder)
        check_settings_fit_model(settings, read_model_config(folder), folder)
        precision = _resolve_precision(precision, target, settings)
        dtype = {"fp16": torch.float16, "bf16": torch.bfloat16}.get(precision, torch.float32)
        try:
            with _quiet_transformers():
                tokenizer = AutoTokenizer.from_pretrained(folder, local_files_only=True)
                model = AutoModelForSequenceClassification.from_pretrained(
                    folder, local_files_only=True, use_safetensors=True, trust_remote_code=False, dtype=dtype
                )
        except Exception as error:
            # Whatever transformers trips on (shape mismatches, bad config values) is a broken folder.
            raise ModelFolderError(f"{folder}: cannot load model ({_load_problem(error)})") from error
        embeddings = model.get_input_embeddings().num_embeddings
        if len(tokenizer) > embeddings:
            raise ModelFolderError(
                f"{folder}: the tokenizer has {len(tokenizer)} tokens but the model embeds only {embeddings}"
            )
        model.eval()
        if precision == "int8":
            with warnings.catch_warnings():
                # torch marks eager dynamic quantization deprecated in favour of torchao; it is
                # still the fastest int8 path on CPU here (see README, Performance).
                warnings.simplefilter("ignore", category=UserWarning)
                warnings.simplefilter("ignore", category=DeprecationWarning)
                model = torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)
        return cls(model.to(target), tokenizer, settings, batch_size=batch_size)

    def encode(self, sentences: Sequence[str]) -> list[list[int]]:
        """Token ids of raw sentences, prepared as in training (:func:`inference.encoding.encode_sentences`)."""
        return encode_sentences(sentences, self.tokenizer, self.normalizer, self.settings.max_length)

    def predict_proba(self, sentences: Sequence[str]) -> np.ndarray:
        """Calibrated label probabilities for a list of sentences.

        The softmax of :meth:`predict_logits` divided by the folder's temperature.

        Args:
            sentences: Raw sentences (normalization is applied here).

        Returns:
            An array of shape ``(len(sentences), len(LABELS))``; rows sum to 1.
        """
        logits = torch.from_numpy(self.predict_logits(sentences))
        return torch.softmax(logits / self.settings.temperature, dim=-1).numpy()

    @torch.inference_mode()
    def predict_logits(self, sentences: Sequence[str]) -> np.ndarray:
        """Raw (uncalibrated) label logits for a list of sentences.

        Identical sentences are computed once; sentences are tokenized once, sorted by token
        length, and padded per batch only to that batch's longest sentence. Sentences longer
        than the model's maximum length are truncated and still labeled.

        Args:
            sentences: Raw sentences (normalization is applied here).

        Returns:
            A float32 array of shape ``(len(sentences), len(LABELS))``.
        """
        if not sentences:
            return np.zeros((0, len(LABELS)), dtype=np.float32)
        unique: dict[str, int] = {}
        row_of = [unique.setdefault(sentence, len(unique)) for sentence in sentences]
        encoded = self.encode(list(unique))
        order = sorted(range(len(encoded)), key=lambda i: len(encoded[i]), reverse=True)
        scores = np.empty((len(encoded), len(LABELS)), dtype=np.float32)
        pad_id = self.tokenizer.pad_token_id or 0
        for first in range(0, len(order), self.batch_size):
            rows = order[first : first + self.batch_size]
            width = len(encoded[rows[0]])
            input_ids = torch.full((len(rows), width), pad_id, dtype=torch.long)
            attention_mask = torch.zeros((len(rows), width), dtype=torch.long)
            for i, row in enumerate(rows):
                ids = encoded[row]
                input_ids[i, : len(ids)] = torch.tensor(ids)
                attention_mask[i, : len(ids)] = 1
            logits = self.model(
                input_ids=input_ids.to(self.device), attention_mask=attention_mask.to(self.device)
            ).logits
            scores[rows] = logits.float().cpu().numpy()
        return scores[row_of]

    def classify(self, article: str) -> list[SentencePrediction]:
        """Split an article into sentences and label each.

        Args:
            article: The article text.

        Returns:
            One prediction per sentence, in reading order; ``[]`` for an empty or blank article.

        Raises:
            TypeError: If ``article`` is not a string.
        """
        return next(self.classify_many([article]))

    def classify_many(self, articles: Iterable[str], window: int = 2048) -> Iterator[list[SentencePrediction]]:
        """Label the sentences of many articles, streaming results in input order.

        Articles are gathered until about ``window`` sentences are pending, labeled together
        (so batches are well filled and sorted by length across articles), then yielded one
        article at a time; memory stays flat however long the input.

        Args:
            articles: Article texts; any iterable, consumed lazily.
            window: Sentences gathered before a round of prediction.

        Yields:
            For each article, its list of :class:`SentencePrediction`.

        Raises:
            TypeError: If an article is not a string.
        """
        pending: list[list[Sentence]] = []
        count = 0
        for article in articles:
            sentences = split_sentences(article)
            pending.append(sentences)
            count += len(sentences)
            if count >= window:
                yield from self._label(pending)
                pending, count = [], 0
        if pending:
            yield from self._label(pending)

    def _label(self, articles: list[list[Sentence]]) -> Iterator[list[SentencePrediction]]:
        probabilities = self.predict_proba([s.text for sentences in articles for s in sentences])
        row = 0
        for sentences in articles:
            predictions = []
            for index, sentence in enumerate(sentences):
                probs = probabilities[row]
                best = int(probs.argmax())
                predictions.append(
                    SentencePrediction(
                        index=index,
                        text=sentence.text,
                        start=sentence.start,
                        end=sentence.end,
                        label=ID2LABEL[best],
                        score=float(probs[best]),
                        probabilities={label: float(p) for label, p in zip(LABELS, probs)},
                    )
                )
                row += 1
            yield predictions


def _load_problem(error: Exception) -> str:
    """One line saying why transformers could not load a model folder."""
    if "mismatched_sizes" in str(error):
        return "config.json and the safetensors weights disagree on tensor shapes (vocab_size, hidden_size…)"
    return f"{type(error).__name__}: {' '.join(str(error).split())}"


def _check_batch_size(batch_size: int) -> None:
    if not isinstance(batch_size, int) or isinstance(batch_size, bool) or batch_size < 1:
        raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}")


def _resolve_precision(precision: str, device: torch.device, settings: ModelSettings) -> str:
    if precision not in PRECISIONS:
        raise ValueError(f"precision must be one of {PRECISIONS}, got {precision!r}")
    if precision == "auto":
        return "fp16" if device.type == "cuda" else settings.cpu_precision
    if precision == "int8" and device.type != "cpu":
        raise ValueError("precision 'int8' (dynamic quantization) runs on the CPU only")
    return precision


@lru_cache(maxsize=4)
def _cached_classifier(model_dir: str) -> Classifier:
    return Classifier.from_pretrained(model_dir)


def classify(article: str, model: str | Path | Classifier | None = None) -> list[SentencePrediction]:
    """Label every sentence of an article with a cached classifier.

    Args:
        article: The article text.
        model: A :class:`Classifier`, or a model folder; by default the folder named by the
            ``SPEECH_ACTS_MODEL`` environment variable, else the model shipped with the package
            (:data:`DEFAULT_MODEL_DIR`). A folder is loaded once and reused by later calls.

    Returns:
        One :class:`SentencePrediction` per sentence.

    Raises:
        TypeError: If ``article`` is not a string (checked before any model is looked up).
        ModelFolderError: If the named model folder is missing; the message says how to train one.
    """
    if not isinstance(article, str):
        raise TypeError(f"article must be a str, got {type(article).__name__}")
    if isinstance(model, Classifier):
        return model.classify(article)
    folder = Path(model or os.environ.get(MODEL_ENV_VAR) or DEFAULT_MODEL_DIR)
    if not folder.exists():
        raise ModelFolderError(
            f"{folder}: no trained model here. Train one with "
            "`python -m training.train --config configs/tiny.yaml`, or pass a model folder "
            f"(or set {MODEL_ENV_VAR})."
        )
    return _cached_classifier(str(folder.resolve())).classify(article)
