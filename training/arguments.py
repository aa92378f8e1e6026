"""Training configuration: YAML files with flat keys, parsed by ``HfArgumentParser``.

Keys use Hugging Face's own names (those of ``run_classification.py`` and
``TrainingArguments``). An unknown key fails with its name. Single keys can be overridden
on the command line: ``--num_train_epochs 1 --output_dir runs/try``.
"""

from __future__ import annotations

import os
import types
import typing
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch
import yaml
from transformers import HfArgumentParser, TrainingArguments

from inference import DEFAULT_MAX_LENGTH
from inference.normalization import DEFAULT_ARABERT_MODEL, NORMALIZERS


class ConfigError(ValueError):
    """A training configuration that cannot be used, naming the file and key."""


@dataclass
class ModelArguments:
    """Which model to fine-tune, or how to build one from scratch."""

    model_name_or_path: str | None = field(
        default=None,
        metadata={"help": "Hub id or local folder of a pretrained BERT (e.g. aubmindlab/bert-base-arabertv02). "
                  "Leave empty to build a small BERT from scratch (see config_overrides)."},
    )
    tokenizer_name: str | None = field(
        default=None,
        metadata={"help": "Tokenizer to use if not the model's own; from scratch, a saved tokenizer to reuse "
                  "instead of training one (makes runs repeatable)."},
    )
    config_overrides: str | None = field(
        default=None,
        metadata={"help": "From scratch only: BertConfig overrides, e.g. "
                  "'hidden_size=256,num_hidden_layers=4,num_attention_heads=4,intermediate_size=1024'."},
    )
    tokenizer_vocab_size: int = field(
        default=8000, metadata={"help": "From scratch only: WordPiece vocabulary size trained on the train split."}
    )
    normalization: str = field(
        default="arabert", metadata={"help": f"Text normalization, one of {NORMALIZERS}."}
    )
    arabert_model_name: str | None = field(
        default=None,
        metadata={"help": "AraBERT preprocessing variant; by default derived from model_name_or_path, "
                  f"else {DEFAULT_ARABERT_MODEL}."},
    )

    def __post_init__(self) -> None:
        if self.normalization not in NORMALIZERS:
            raise ValueError(f"normalization must be one of {NORMALIZERS}, got {self.normalization!r}")
        if self.arabert_model_name is None:
            name = (self.model_name_or_path or "").rstrip("/").split("/")[-1]
            self.arabert_model_name = name if "arabert" in name.lower() else DEFAULT_ARABERT_MODEL


@dataclass
class DataTrainingArguments:
    """Which data to train and evaluate on."""

    train_file: list[str] = field(
        default_factory=lambda: ["seeds/corpus/train.jsonl"],
        metadata={"help": "One file or a list: corpus JSONL, stand-off JSONL (seeds/real/), or flat CSV/JSONL."},
    )
    validation_file: str = field(
        default="seeds/corpus/dev.jsonl", metadata={"help": "Model selection and calibration."}
    )
    test_file: list[str] = field(
        default_factory=lambda: ["seeds/corpus/test.jsonl"], metadata={"help": "One file or a list, each scored."}
    )
    news_corpus: str | None = field(
        default=None,
        metadata={"help": "The raw news corpus that stand-off files point into; default $SPEECH_ACTS_NEWS_CORPUS, "
                  "else ../shared/corpora/ant-news/ant-news.txt.gz."},
    )
    text_column_name: str = field(default="text", metadata={"help": "Flat files: the sentence column."})
    label_column_name: str = field(default="label", metadata={"help": "Flat files: the label column."})
    max_seq_length: int = field(
        default=DEFAULT_MAX_LENGTH, metadata={"help": "Sentences are truncated to this many tokens."}
    )
    max_train_samples: int | None = field(default=None, metadata={"help": "Use only the first N train sentences."})

    def __post_init__(self) -> None:
        # A single file may be given as a plain string, in YAML or as --train_file path.
        if isinstance(self.train_file, str):
            self.train_file = [self.train_file]
        if isinstance(self.test_file, str):
            self.test_file = [self.test_file]
        self.test_file = [path for path in (self.test_file or []) if path]


@dataclass
class ObjectiveArguments:
    """Loss, model selection and calibration settings."""

    class_weighting: bool = field(
        default=True, metadata={"help": "Weight the loss by inverse label frequency in the train split."}
    )
    early_stopping_patience: int | None = field(
        default=None, metadata={"help": "Stop after this many evaluations without improvement (needs "
                                "load_best_model_at_end)."}
    )
    calibrate: bool = field(
        default=True, metadata={"help": "Fit a softmax temperature on the validation split after training."}
    )


ARGUMENT_CLASSES = (ModelArguments, DataTrainingArguments, ObjectiveArguments, TrainingArguments)


def field_types(argument_classes: Sequence[type] = ARGUMENT_CLASSES) -> dict[str, set[type]]:
    """The scalar types each config key may take (``str | None`` → ``{str, NoneType}``), by key."""
    kinds: dict[str, set[type]] = {}
    for cls in argument_classes:
        hints = typing.get_type_hints(cls)
        for name in cls.__dataclass_fields__:
            hint = hints[name]
            union = typing.get_origin(hint) in (typing.Union, types.UnionType)
            kinds[name] = {typing.get_origin(arg) or arg for arg in (typing.get_args(hint) if union else (hint,))}
    return kinds


def _coerce(value: Any, kinds: set[type] | None) -> Any:
    """Give a YAML value its field's declared type, where YAML 1.1 guessed another.

    YAML reads ``2e-5`` as a string and ``run_name: 2024`` as a number: a string becomes a
    number only for a numeric field that takes no string, and a number becomes a string only
    for a field that takes no number. Booleans, ``None`` and unknown keys are left alone.
    """
    if kinds is None or value is None or isinstance(value, bool):
        return value
    numeric = kinds & {int, float}
    if isinstance(value, str) and numeric and str not in kinds:
        try:
            number = float(value)
        except ValueError:
            return value  # left for the parser to refuse, naming the key
        return int(number) if float not in numeric and number.is_integer() else number
    if isinstance(value, (int, float)) and str in kinds and not numeric:
        return str(value)
    return value


def coerce_config(config: dict[str, Any], argument_classes: Sequence[type] = ARGUMENT_CLASSES) -> dict[str, Any]:
    """Every value of a flat config with its field's declared type (see :func:`_coerce`)."""
    kinds = field_types(argument_classes)
    return {key: _coerce(value, kinds.get(key)) for key, value in config.items()}


def parse_overrides(tokens: list[str], argument_classes: Sequence[type] = ARGUMENT_CLASSES) -> dict[str, Any]:
    """Turn ``["--key", "value", "--other=value"]`` into a dict of values typed by their fields.

    Args:
        tokens: The command-line tokens after the known options.
        argument_classes: The dataclasses whose fields type the values.

    Raises:
        ConfigError: On a token that is not ``--key value`` or ``--key=value``.
    """
    overrides: dict[str, Any] = {}
    position = 0
    while position < len(tokens):
        token = tokens[position]
        if not token.startswith("--") or len(token) == 2:
            raise ConfigError(f"expected --key value, got {token!r}")
        key, equals, value = token[2:].partition("=")
        if not equals:
            position += 1
            if position == len(tokens):
                raise ConfigError(f"--{key} needs a value")
            value = tokens[position]
        overrides[key] = yaml.safe_load(value) if value != "" else None
        position += 1
    return coerce_config(overrides, argument_classes)


def load_config(
    path: str | Path, overrides: dict[str, Any] | None = None, argument_classes: Sequence[type] = ARGUMENT_CLASSES
) -> dict[str, Any]:
    """Read a YAML config, apply overrides, and set what depends on the machine.

    Values get their fields' declared types (:func:`coerce_config`). On CUDA, unless the
    config sets ``fp16`` or ``bf16``, bf16 is used where supported, else fp16. Without CUDA,
    unless the config sets it, ``dataloader_pin_memory`` is off (pinned memory needs an
    accelerator) and, launched in several processes, they train together on the CPU
    (``use_cpu``) with the ``gloo`` backend. The same file therefore runs on CPU and GPU, in one
    process or several.

    Args:
        path: The YAML file.
        overrides: Keys that replace the file's.
        argument_classes: The dataclasses whose fields type the values.

    Raises:
        ConfigError: If the file is missing, not YAML, or not a mapping of keys to values.
    """
    path = Path(path)
    try:
        config = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found") from None
    except yaml.YAMLError as error:
        raise ConfigError(f"{path}: not valid YAML ({error})") from None
    if not isinstance(config, dict):
        raise ConfigError(f"{path}: expected a mapping of keys to values")
    config = coerce_config({**config, **(overrides or {})}, argument_classes)
    on_cuda = torch.cuda.is_available() and not config.get("use_cpu")
    if on_cuda and "fp16" not in config and "bf16" not in config:
        config["bf16" if torch.cuda.is_bf16_supported() else "fp16"] = True
    processes = int(os.environ.get("WORLD_SIZE", "1"))
    if processes > 1:
        # A BERT classifier uses every parameter in each step: DDP need not look for unused ones
        # (the Trainer's default), which costs a pass over the autograd graph per step.
        config.setdefault("ddp_find_unused_parameters", False)
    if not on_cuda:
        config.setdefault("dataloader_pin_memory", False)
        if processes > 1:
            # Several processes without CUDA (torchrun, accelerate launch --multi_gpu): accelerate
            # joins them in one DDP group only when told they run on the CPU, and gloo is its CPU backend.
            config.setdefault("use_cpu", True)
            config.setdefault("ddp_backend", "gloo")
    return config


def parse_config(
    config: dict[str, Any], source: str = "config"
) -> tuple[ModelArguments, DataTrainingArguments, ObjectiveArguments, TrainingArguments]:
    """Parse a config dict into the four argument dataclasses.

    Args:
        config: Flat keys, as read by :func:`load_config`.
        source: Named in error messages (the YAML file's path).

    Raises:
        ConfigError: On an unknown key (named) or an invalid value.
    """
    fields = {name: f for cls in ARGUMENT_CLASSES for name, f in cls.__dataclass_fields__.items()}
    unknown = sorted(set(config) - set(fields))
    if unknown:
        raise ConfigError(f"{source}: unknown key(s): {', '.join(unknown)}")
    # YAML 1.1 reads `eval_strategy: no` as False; give non-boolean fields their word back.
    config = {
        key: ("yes" if value else "no") if isinstance(value, bool) and "bool" not in str(fields[key].type) else value
        for key, value in config.items()
    }
    try:
        return HfArgumentParser(ARGUMENT_CLASSES).parse_dict(config)
    except (ValueError, TypeError) as error:
        raise ConfigError(f"{source}: {error}") from None
