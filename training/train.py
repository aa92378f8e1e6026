"""Fine-tune a speech-act classifier with the Hugging Face ``Trainer``.

Usage::

    python -m training.train --config configs/tiny.yaml [--key value ...]

Reads the config, loads the splits, tokenizes once, trains with a class-weighted loss,
keeps the best epoch by validation macro-F1, fits a softmax temperature on the validation
split, scores validation and test, and writes a self-describing model folder: weights
(safetensors), tokenizer, ``config.json`` with the labels, ``speech_acts.json``
(normalization, max length, temperature), ``training_config.yaml``, ``metrics.json`` and a
model card (``README.md``).

Launched in several processes (``accelerate launch --multi_gpu``, ``torchrun``) it trains with
DDP, on CUDA with NCCL or on the CPU with gloo; only the main process calibrates, scores and writes.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np
import torch
from datasets import Dataset
from transformers import (
    AutoModelForSequenceClassification,
    AutoTokenizer,
    DataCollatorWithPadding,
    EarlyStoppingCallback,
    Trainer,
    set_seed,
)

from inference import ID2LABEL, LABEL2ID, LABELS, ModelSettings, TextNormalizer
from inference.encoding import encode_sentences
from inference.model_folder import save_model_folder

from .arguments import ConfigError, load_config, parse_config, parse_overrides
from .baselines import baseline_reports
from .calibration import fit_temperature
from .data import DataError, Example, load_examples
from .model_card import write_model_card
from .news_corpus import NewsCorpusError
from .reports import format_report_table
from .scoring import classification_report
from .scratch import build_bert_classifier
from .wordpiece import train_wordpiece_tokenizer


def build_tokenizer_and_model(model_args, max_seq_length: int, train_texts: list[str]):
    """The tokenizer and classifier to fine-tune: pretrained if named, else built from scratch.

    From scratch, the tokenizer is ``tokenizer_name`` if given, else a WordPiece vocabulary
    learned deterministically on the train split (:mod:`training.wordpiece`), so a fixed seed
    gives the same tokenizer and model. A pretrained folder may be a masked-LM encoder (such
    as ``models/news-bert-mini``): its classification head starts at random.
    """
    if model_args.model_name_or_path:
        tokenizer = AutoTokenizer.from_pretrained(model_args.tokenizer_name or model_args.model_name_or_path)
        model = AutoModelForSequenceClassification.from_pretrained(
            model_args.model_name_or_path,
            num_labels=len(LABELS),
            id2label=ID2LABEL,
            label2id=LABEL2ID,
            use_safetensors=True,
            trust_remote_code=False,
            # Shipped encoders are stored in fp16; train in fp32 (mixed precision is set by the config).
            dtype=torch.float32,
        )
        return tokenizer, model
    if model_args.tokenizer_name:
        tokenizer = AutoTokenizer.from_pretrained(model_args.tokenizer_name)
    else:
        tokenizer = train_wordpiece_tokenizer(train_texts, vocab_size=model_args.tokenizer_vocab_size)
    return tokenizer, build_bert_classifier(tokenizer, model_args.config_overrides, max_positions=max_seq_length)


def class_weights(examples: list[Example]) -> torch.Tensor:
    """Inverse-frequency label weights (mean 1 over present labels); absent labels get 0."""
    counts = Counter(example.label for example in examples)
    total = len(examples)
    present = sum(1 for label in LABELS if counts[label])
    return torch.tensor(
        [total / (present * counts[label]) if counts[label] else 0.0 for label in LABELS], dtype=torch.float32
    )


def test_split_name(path: str) -> str:
    """The name a test file is reported under: ``test`` plus its folder (``test (real)``, ``test (corpus)``)."""
    return f"test ({Path(path).parent.name})"


def load_splits(data_args) -> tuple[dict[str, list[Example]], dict[str, list[str]]]:
    """Examples by split (``train``, ``validation``, one ``test (…)`` per test file) and their files."""
    files = {"train": list(data_args.train_file), "validation": [data_args.validation_file]}
    files.update({test_split_name(path): [path] for path in data_args.test_file})
    columns = (data_args.text_column_name, data_args.label_column_name)
    splits = {
        name: [
            example for path in paths for example in load_examples(path, *columns, news_corpus=data_args.news_corpus)
        ]
        for name, paths in files.items()
    }
    if data_args.max_train_samples:
        splits["train"] = splits["train"][: data_args.max_train_samples]
    return splits, files


def build_trainer(model, tokenizer, training_args, objective_args, datasets, train_examples) -> Trainer:
    """The ``Trainer``: class-weighted loss, macro-F1 selection, early stopping."""
    weights = class_weights(train_examples) if objective_args.class_weighting else None

    def weighted_loss(outputs, labels, num_items_in_batch=None):
        logits = outputs.logits.float()
        return torch.nn.functional.cross_entropy(
            logits, labels, weight=None if weights is None else weights.to(logits.device)
        )

    def compute_metrics(prediction) -> dict[str, float]:
        report = classification_report(prediction.predictions, prediction.label_ids)
        return {"macro_f1": report["macro_f1"], "accuracy": report["accuracy"]}

    callbacks = []
    if objective_args.early_stopping_patience:
        callbacks.append(EarlyStoppingCallback(early_stopping_patience=objective_args.early_stopping_patience))
    return Trainer(
        model=model,
        args=training_args,
        train_dataset=datasets["train"],
        eval_dataset=datasets["validation"],
        processing_class=tokenizer,
        data_collator=DataCollatorWithPadding(tokenizer),
        compute_metrics=compute_metrics,
        compute_loss_func=weighted_loss,
        callbacks=callbacks,
    )


def check_complete(prediction, dataset, name: str) -> None:
    """Refuse predictions that do not cover a split exactly once.

    Under DDP each process scores a slice of the split, padded so that all slices are even; the
    ``Trainer`` gathers the slices and drops the padding (``gather_for_metrics``). Metrics on
    duplicated or missing sentences would look plausible, so the count is checked, not trusted.

    Raises:
        RuntimeError: If the number of predictions differs from the number of sentences.
    """
    if len(prediction.label_ids) != len(dataset):
        raise RuntimeError(f"{name}: {len(prediction.label_ids)} predictions for {len(dataset)} sentences "
                           "(evaluation across processes duplicated or dropped some)")


def predict_splits(trainer, datasets) -> dict[str, Any]:
    """Predictions on every split but train, gathered from all processes (each process must call this).

    Evaluation during training goes through the same gathering (``Trainer.evaluation_loop``).
    """
    outputs = {name: trainer.predict(dataset) for name, dataset in datasets.items() if name != "train"}
    for name, output in outputs.items():
        check_complete(output, datasets[name], name)
    return outputs


def calibrate_and_score(outputs, splits, texts, objective_args, seed: int) -> dict[str, Any]:
    """Fit the temperature on validation; score every split but train, with the baselines (main process only)."""
    # Take gold labels from the prediction output: the eval sampler may reorder examples.
    logits = {name: output.predictions for name, output in outputs.items()}
    gold = {name: np.asarray(output.label_ids) for name, output in outputs.items()}
    temperature = fit_temperature(logits["validation"], gold["validation"]) if objective_args.calibrate else 1.0
    print(f"calibration: temperature {temperature:.3f} fitted on {len(gold['validation'])} validation sentences")
    metrics: dict[str, Any] = {
        name: classification_report(logits[name], gold[name], temperature=temperature) for name in logits
    }
    metrics["temperature"] = temperature
    labels = {name: [example.label for example in examples] for name, examples in splits.items()}
    metrics["data"] = {name: dict(Counter(split_labels)) for name, split_labels in labels.items()}
    metrics["baselines"] = baseline_reports(texts, labels, seed=seed)
    return metrics


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Train from a config file plus ``--key value`` overrides; returns the metrics written.

    Launched in several processes (``accelerate launch``, ``torchrun``), all of them train and
    predict together (DDP), but only the main process fits the temperature, scores the splits and
    the baselines, and writes the model folder; the others wait for it and return ``{}``.
    """
    parser = argparse.ArgumentParser(prog="python -m training.train", description=__doc__.split("\n\n")[0])
    parser.add_argument("--config", required=True, help="YAML file in configs/")
    cli, rest = parser.parse_known_args(argv)
    config = load_config(cli.config, parse_overrides(rest))
    model_args, data_args, objective_args, training_args = parse_config(config, cli.config)
    if not (data_args.train_file and data_args.validation_file):
        raise ConfigError(f"{cli.config}: train_file and validation_file are required (selection and calibration)")
    set_seed(training_args.seed)

    normalizer = TextNormalizer(model_args.normalization, model_args.arabert_model_name)
    splits, files = load_splits(data_args)
    texts = {name: [normalizer(example.text) for example in examples] for name, examples in splits.items()}
    tokenizer, model = build_tokenizer_and_model(model_args, data_args.max_seq_length, texts["train"])
    datasets = {
        name: Dataset.from_dict({
            "input_ids": encode_sentences(
                [example.text for example in examples], tokenizer, normalizer, data_args.max_seq_length
            ),
            "label": [LABEL2ID[example.label] for example in examples],
        })
        for name, examples in splits.items()
    }
    trainer = build_trainer(model, tokenizer, training_args, objective_args, datasets, splits["train"])
    trainer.train()
    outputs = predict_splits(trainer, datasets)
    if not trainer.is_world_process_zero():
        trainer.accelerator.wait_for_everyone()  # until the main process has written the model folder
        return {}
    metrics = calibrate_and_score(outputs, splits, texts, objective_args, training_args.seed)
    metrics["data_files"] = files

    output_dir = Path(training_args.output_dir)
    settings = ModelSettings(
        normalization=normalizer.to_dict(), max_length=data_args.max_seq_length, temperature=metrics["temperature"]
    )
    resolved = {**asdict(model_args), **asdict(data_args), **asdict(objective_args), "config_file": cli.config}
    save_model_folder(trainer.model, tokenizer, output_dir, settings, {"config": config, "resolved": resolved}, metrics)
    write_model_card(output_dir, model_args, data_args, config, metrics)

    for name in metrics["data"]:
        if name != "train":
            print(f"\n{name} ({len(splits[name])} sentences)")
            print(format_report_table({"model": metrics[name], **metrics["baselines"].get(name, {})}))
    print(f"\ntemperature {metrics['temperature']:.3f}; model saved to {output_dir} "
          f"(process {training_args.process_index} of {training_args.world_size})")
    trainer.accelerator.wait_for_everyone()
    return metrics


def cli() -> None:
    """Console entry point (``speech-acts-train``): errors as one line, exit status 2."""
    try:
        main()
    except (ConfigError, DataError, NewsCorpusError) as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(2)
    finally:
        if torch.distributed.is_available() and torch.distributed.is_initialized():
            torch.distributed.destroy_process_group()  # a clean exit for every process of a DDP run


if __name__ == "__main__":
    cli()
