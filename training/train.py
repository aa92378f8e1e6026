"""Fine-tune a speech-act classifier with the Hugging Face ``Trainer``.

Usage::

    python -m training.train --config configs/tiny.yaml [--key value ...]

Reads the config, loads the splits, tokenizes once, trains with a class-weighted loss,
keeps the best epoch by validation macro-F1, fits a softmax temperature on the validation
split, scores validation and test, and writes a self-describing model folder: weights
(safetensors), tokenizer, ``config.json`` with the labels, ``speech_acts.json``
(normalization, max length, temperature), ``training_config.yaml``, ``metrics.json`` and a
model card (``README.md``).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from collections import Counter
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np
import torch
import yaml
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

from .arguments import ConfigError, load_config, parse_config, parse_overrides
from .baselines import baseline_reports
from .calibration import fit_temperature
from .data import DataError, Example, load_examples
from .model_card import write_model_card
from .reports import classification_report, format_report_table, load_metric
from .scratch import build_bert_classifier, train_wordpiece_tokenizer


def build_tokenizer_and_model(model_args, max_seq_length: int, train_texts: list[str]):
    """The tokenizer and classifier to fine-tune: pretrained if named, else built from scratch.

    From scratch, the tokenizer is ``tokenizer_name`` if given, else a WordPiece vocabulary
    trained on the train split. ``tokenizers``' trainer breaks frequency ties in no fixed
    order, so pass the tokenizer of an earlier run to make a from-scratch run repeatable.
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


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Train from a config file plus ``--key value`` overrides; returns the metrics written."""
    parser = argparse.ArgumentParser(prog="python -m training.train", description=__doc__.split("\n\n")[0])
    parser.add_argument("--config", required=True, help="YAML file in configs/")
    cli, rest = parser.parse_known_args(argv)
    config = load_config(cli.config, parse_overrides(rest))
    model_args, data_args, objective_args, training_args = parse_config(config, cli.config)
    if not (data_args.train_file and data_args.validation_file):
        raise ConfigError(f"{cli.config}: train_file and validation_file are required (selection and calibration)")
    set_seed(training_args.seed)

    normalizer = TextNormalizer(model_args.normalization, model_args.arabert_model_name)
    files = {"train": data_args.train_file, "validation": data_args.validation_file, "test": data_args.test_file}
    splits = {
        name: load_examples(path, data_args.text_column_name, data_args.label_column_name)
        for name, path in files.items()
        if path
    }
    if data_args.max_train_samples:
        splits["train"] = splits["train"][: data_args.max_train_samples]
    texts = {name: [normalizer(example.text) for example in examples] for name, examples in splits.items()}

    tokenizer, model = build_tokenizer_and_model(model_args, data_args.max_seq_length, texts["train"])
    datasets = {
        name: Dataset.from_dict(
            {**tokenizer(texts[name], truncation=True, max_length=data_args.max_seq_length),
             "label": [LABEL2ID[example.label] for example in examples]}
        )
        for name, examples in splits.items()
    }

    weights = class_weights(splits["train"]) if objective_args.class_weighting else None

    def weighted_loss(outputs, labels, num_items_in_batch=None):
        logits = outputs.logits.float()
        return torch.nn.functional.cross_entropy(
            logits, labels, weight=None if weights is None else weights.to(logits.device)
        )

    metric = load_metric()

    def compute_metrics(prediction) -> dict[str, float]:
        report = classification_report(metric, prediction.predictions, prediction.label_ids)
        return {"macro_f1": report["macro_f1"], "accuracy": report["accuracy"]}

    callbacks = []
    if objective_args.early_stopping_patience:
        callbacks.append(EarlyStoppingCallback(early_stopping_patience=objective_args.early_stopping_patience))
    trainer = Trainer(
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
    trainer.train()

    # Take gold labels from the prediction output: the eval sampler may reorder examples.
    outputs = {name: trainer.predict(dataset) for name, dataset in datasets.items() if name != "train"}
    logits = {name: output.predictions for name, output in outputs.items()}
    gold = {name: np.asarray(output.label_ids) for name, output in outputs.items()}
    temperature = fit_temperature(logits["validation"], gold["validation"]) if objective_args.calibrate else 1.0
    metrics: dict[str, Any] = {
        name: classification_report(metric, logits[name], gold[name], temperature=temperature) for name in logits
    }
    metrics["temperature"] = temperature
    labels = {name: [example.label for example in examples] for name, examples in splits.items()}
    metrics["data"] = {name: dict(Counter(split_labels)) for name, split_labels in labels.items()}
    metrics["data_files"] = {name: path for name, path in files.items() if path}
    metrics["baselines"] = baseline_reports(metric, texts, labels, seed=training_args.seed)

    output_dir = Path(training_args.output_dir)
    trainer.save_model(str(output_dir))
    # Checkpoints hold optimizer state and training_args.bin is a pickle: the folder keeps
    # only the safetensors weights, and training_config.yaml records the arguments.
    for checkpoint in output_dir.glob("checkpoint-*"):
        shutil.rmtree(checkpoint)
    (output_dir / "training_args.bin").unlink(missing_ok=True)
    ModelSettings(
        normalization=normalizer.to_dict(), max_length=data_args.max_seq_length, temperature=temperature
    ).save(output_dir)
    resolved = {**asdict(model_args), **asdict(data_args), **asdict(objective_args), "config_file": cli.config}
    (output_dir / "training_config.yaml").write_text(
        yaml.safe_dump({"config": config, "resolved": resolved}, allow_unicode=True, sort_keys=False),
        encoding="utf-8",
    )
    (output_dir / "metrics.json").write_text(json.dumps(metrics, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    write_model_card(output_dir, model_args, data_args, config, metrics)

    for name in logits:
        print(f"\n{name} ({len(splits[name])} sentences)")
        print(format_report_table({"model": metrics[name], **metrics["baselines"].get(name, {})}))
    print(f"\ntemperature {temperature:.3f}; model saved to {output_dir}")
    return metrics


if __name__ == "__main__":
    try:
        main()
    except (ConfigError, DataError) as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(2)
