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
