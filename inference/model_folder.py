"""The self-describing model folder: what training writes and inference reads.

A model folder holds the Hugging Face files (``config.json`` with ``id2label``,
``model.safetensors``, the tokenizer) plus ``speech_acts.json`` with everything else
inference needs: text normalization, maximum length and the calibration temperature.
Inference never reads ``configs/``.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .labels import check_model_labels
from .normalization import TextNormalizer

SETTINGS_FILE = "speech_acts.json"
DEFAULT_MAX_LENGTH = 128
"""Default maximum sentence length in tokens, shared by training and inference."""


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
        """Read ``folder/speech_acts.json``.

        Raises:
            ModelFolderError: If the file is missing or malformed.
        """
        path = Path(folder) / SETTINGS_FILE
        try:
            data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
            return cls(**data)
        except FileNotFoundError:
            raise ModelFolderError(f"{path}: missing; is {folder} a model folder written by training?") from None
        except (ValueError, TypeError) as error:
            raise ModelFolderError(f"{path}: malformed settings ({error})") from None


def save_model_folder(
    model: Any,
    tokenizer: Any,
    folder: str | Path,
    settings: ModelSettings,
    training_config: dict[str, Any] | None = None,
    metrics: dict[str, Any] | None = None,
    dtype: str = "float32",
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
        dtype: ``"float32"``, or ``"float16"`` to halve the weights on disk (shipped models;
            inference loads them back in the precision it runs in).

    Returns:
        The folder.
    """
    import shutil

    path = Path(folder)
    path.mkdir(parents=True, exist_ok=True)
    if dtype == "float16":
        import copy

        model = copy.deepcopy(model).half()
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
        ModelFolderError: If the folder, its config, or safetensors weights are missing, or if
            it carries pickled weights only.
        LabelMismatchError: If the model's labels differ from this package's.
    """
    path = Path(folder)
    if not path.is_dir():
        raise ModelFolderError(f"{path}: model folder not found")
    config_path = path / "config.json"
    if not config_path.is_file():
        raise ModelFolderError(f"{config_path}: missing; {path} is not a model folder")
    if not any(path.glob("*.safetensors")):
        raise ModelFolderError(f"{path}: no .safetensors weights (pickled weights are never loaded)")
    try:
        config = json.loads(config_path.read_text(encoding="utf-8"))
    except ValueError as error:
        raise ModelFolderError(f"{config_path}: not valid JSON ({error})") from None
    check_model_labels(config.get("id2label", {}), str(config_path))
    return path
