"""The self-describing model folder: what training writes and inference reads.

A model folder holds the Hugging Face files (``config.json`` with ``id2label``,
``model.safetensors``, the tokenizer) plus ``speech_acts.json`` with everything else
inference needs: text normalization, maximum length and the calibration temperature.
Inference never reads ``configs/``. Both JSON files are checked, not trusted: a malformed
field raises :class:`ModelFolderError` naming the file, before any weights are loaded.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from .labels import LABELS, check_model_labels
from .normalization import NORMALIZERS, TextNormalizer

SETTINGS_FILE = "speech_acts.json"
DEFAULT_MAX_LENGTH = 128
"""Default maximum sentence length in tokens, shared by training and inference."""
MAX_LENGTH_LIMIT = 8192
"""Largest ``max_length`` accepted in ``speech_acts.json`` (the model's positions bound it further)."""
TEMPERATURE_RANGE = (0.01, 100.0)
"""Accepted calibration temperatures; training fits one in [0.05, 20]."""
CPU_PRECISIONS = ("fp32", "int8")


class ModelFolderError(OSError):
    """A model folder is missing, incomplete or unsafe to load."""


@dataclass
class ModelSettings:
    """Inference settings stored in ``speech_acts.json`` beside the weights.

    Attributes:
        normalization: :meth:`TextNormalizer.to_dict` output.
        max_length: Sentences are truncated to this many tokens.
        temperature: Logits are divided by it before the softmax (1.0 = uncalibrated).
        cpu_precision: Precision used on the CPU when none is asked for: ``"fp32"`` or
            ``"int8"`` (dynamic quantization of the linear layers).
    """

    normalization: dict[str, str] = field(default_factory=lambda: TextNormalizer().to_dict())
    max_length: int = DEFAULT_MAX_LENGTH
    temperature: float = 1.0
    cpu_precision: str = "fp32"

    def save(self, folder: str | Path) -> None:
        """Write the settings to ``folder/speech_acts.json``."""
        path = Path(folder) / SETTINGS_FILE
        path.write_text(json.dumps(asdict(self), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, folder: str | Path) -> ModelSettings:
        """Read ``folder/speech_acts.json``, checking the type and range of every field.

        Raises:
            ModelFolderError: Naming the file, if it is missing, not a JSON object, has an unknown
                key, or a field out of type or range: ``temperature`` a finite number in
                :data:`TEMPERATURE_RANGE`, ``max_length`` an integer from 1 to
                :data:`MAX_LENGTH_LIMIT`, ``normalization`` an object with a known ``name``,
                ``cpu_precision`` one of :data:`CPU_PRECISIONS`.
        """
        path = Path(folder) / SETTINGS_FILE
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ModelFolderError(f"{path}: missing; is {folder} a model folder written by training?") from None
        except (OSError, ValueError) as error:
            raise ModelFolderError(f"{path}: malformed settings ({error})") from None
        problem = _settings_problem(data)
        if problem:
            raise ModelFolderError(f"{path}: {problem}")
        return cls(**data)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _settings_problem(data: Any) -> str | None:
    """What is wrong with the contents of a ``speech_acts.json``, or None if nothing is."""
    if not isinstance(data, dict):
        return f"expected a JSON object, got {type(data).__name__}"
    unknown = sorted(set(data) - {f.name for f in fields(ModelSettings)})
    if unknown:
        return f"unknown setting(s): {', '.join(unknown)}"
    normalization = data.get("normalization", {"name": "arabert"})
    if not isinstance(normalization, dict) or normalization.get("name") not in NORMALIZERS:
        return f"normalization must be an object whose 'name' is one of {NORMALIZERS}, got {normalization!r}"
    extra = set(normalization) - {"name", "arabert_model_name"}
    if extra or not all(isinstance(value, str) for value in normalization.values()):
        return f"normalization takes only the strings 'name' and 'arabert_model_name', got {normalization!r}"
    max_length = data.get("max_length", DEFAULT_MAX_LENGTH)
    if not _is_int(max_length) or not 1 <= max_length <= MAX_LENGTH_LIMIT:
        return f"max_length must be an integer from 1 to {MAX_LENGTH_LIMIT}, got {max_length!r}"
    temperature = data.get("temperature", 1.0)
    low, high = TEMPERATURE_RANGE
    if not isinstance(temperature, (int, float)) or isinstance(temperature, bool) or not (
        low <= temperature <= high and math.isfinite(temperature)  # NaN fails the range test
    ):
        return f"temperature must be a number from {low} to {high}, got {temperature!r}"
    cpu_precision = data.get("cpu_precision", "fp32")
    if cpu_precision not in CPU_PRECISIONS:
        return f"cpu_precision must be one of {CPU_PRECISIONS}, got {cpu_precision!r}"
    return None


def save_model_folder(
    model: Any,
    tokenizer: Any,
    folder: str | Path,
    settings: ModelSettings,
    training_config: dict[str, Any] | None = None,
    metrics: dict[str, Any] | None = None,
) -> Path:
    """Write a model folder that :func:`check_model_folder` and ``Classifier.from_pretrained`` accept.

    The writer beside the reader: safetensors weights, tokenizer, ``config.json`` (labels),
    ``speech_acts.json``, and optionally ``training_config.yaml`` and ``metrics.json``.
    Checkpoints (optimizer state) and ``training_args.bin`` (a pickle) left by the ``Trainer``
    are removed, so the folder holds nothing that would need unpickling.

    Args:
        model: A ``PreTrainedModel`` whose config carries the labels.
        tokenizer: Its tokenizer.
        folder: Where to write.
        settings: Inference settings for ``speech_acts.json``.
        training_config: The config as used, for ``training_config.yaml``.
        metrics: Figures for ``metrics.json``.

    Returns:
        The folder.
    """
    import shutil

    path = Path(folder)
    path.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(path, safe_serialization=True)
    tokenizer.save_pretrained(path)
    settings.save(path)
    for checkpoint in path.glob("checkpoint-*"):
        shutil.rmtree(checkpoint)
    (path / "training_args.bin").unlink(missing_ok=True)
    if training_config is not None:
        import yaml  # a training dependency; only training writes this file

        (path / "training_config.yaml").write_text(
            yaml.safe_dump(training_config, allow_unicode=True, sort_keys=False), encoding="utf-8"
        )
    if metrics is not None:
        (path / "metrics.json").write_text(json.dumps(metrics, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def check_model_folder(folder: str | Path) -> Path:
    """Check that a folder holds a complete, safely loadable model.

    Args:
        folder: The model folder.

    Returns:
        The folder as a :class:`~pathlib.Path`.

    Raises:
        ModelFolderError: If the folder, its config, or safetensors weights are missing, if it
            carries pickled weights only, or if ``config.json`` is malformed (named).
        LabelMismatchError: If the model's labels differ from this package's.
    """
    path = Path(folder)
    if not path.is_dir():
        raise ModelFolderError(f"{path}: model folder not found")
    if not (path / "config.json").is_file():
        raise ModelFolderError(f"{path / 'config.json'}: missing; {path} is not a model folder")
    if not any(path.glob("*.safetensors")):
        raise ModelFolderError(f"{path}: no .safetensors weights (pickled weights are never loaded)")
    read_model_config(path)
    return path


def read_model_config(folder: str | Path) -> dict[str, Any]:
    """Read a model folder's ``config.json`` and check the parts inference relies on.

    Args:
        folder: The model folder.

    Returns:
        The config as a dict.

    Raises:
        ModelFolderError: If the file is not a JSON object, or its ``model_type``, ``id2label``,
            ``num_labels``, ``max_position_embeddings`` or ``vocab_size`` are malformed or
            inconsistent (the message names the file).
        LabelMismatchError: If the model's labels differ from this package's.
    """
    config_path = Path(folder) / "config.json"
    try:
        config = json.loads(config_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ModelFolderError(f"{config_path}: not valid JSON ({error})") from None
    problem = _config_problem(config)
    if problem:
        raise ModelFolderError(f"{config_path}: {problem}")
    check_model_labels(config["id2label"], str(config_path))
    return config


def _config_problem(config: Any) -> str | None:
    """What is wrong with the contents of a ``config.json``, or None if nothing is."""
    if not isinstance(config, dict):
        return f"expected a JSON object, got {type(config).__name__}"
    if not isinstance(config.get("model_type"), str):
        return "no 'model_type' string"
    id2label = config.get("id2label")
    if not isinstance(id2label, dict) or not all(
        isinstance(key, str) and key.isdecimal() and key.isascii() and isinstance(label, str)
        for key, label in id2label.items()
    ):
        return f"'id2label' must map integer keys to label names, got {id2label!r}"
    num_labels = config.get("num_labels", len(id2label))
    if not _is_int(num_labels) or num_labels != len(id2label) or num_labels != len(LABELS):
        return f"'num_labels' is {num_labels!r} but 'id2label' has {len(id2label)} labels ({len(LABELS)} expected)"
    for name in ("max_position_embeddings", "vocab_size"):
        if name in config and not (_is_int(config[name]) and config[name] >= 1):
            return f"{name!r} must be a positive integer, got {config[name]!r}"
    return None


def check_settings_fit_model(settings: ModelSettings, config: dict[str, Any], folder: str | Path) -> None:
    """Check that the settings suit the model: ``max_length`` within its position embeddings.

    Raises:
        ModelFolderError: Naming ``speech_acts.json`` if they do not.
    """
    positions = config.get("max_position_embeddings")
    if positions is not None and settings.max_length > positions:
        raise ModelFolderError(
            f"{Path(folder) / SETTINGS_FILE}: max_length {settings.max_length} exceeds the model's "
            f"{positions} position embeddings (config.json)"
        )
