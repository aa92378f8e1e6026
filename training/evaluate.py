"""Evaluate a trained model folder, with baselines side by side.

Usage::

    python -m training.evaluate --model runs/tiny [--data seeds/corpus/test.jsonl] [--out DIR]

Writes to ``--out`` (default ``<model>/evaluation/<data file stem>``):

* ``metrics.json``: accuracy, macro-F1, per-class precision/recall/F1/support and expected
  calibration error (before and after the model's temperature), for the model and the
  baselines; on article-level data also sentence-splitting boundary precision/recall/F1
  and end-to-end scores through ``classify(article)``;
* ``confusion_matrix.png``: counts and row-normalized;
* ``errors.jsonl``: every misclassified sentence, most confident first.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

from inference import LABEL2ID, LABELS, Classifier

from .baselines import baseline_reports
from .data import DataError, is_corpus_file, load_corpus, load_examples
from .reports import classification_report, format_report_table, load_metric


def span_scores(gold: set[tuple[int, int]], predicted: set[tuple[int, int]]) -> dict[str, float]:
    """Precision, recall and F1 of predicted sentence spans against gold spans (exact offsets)."""
    matched = len(gold & predicted)
    precision = matched / len(predicted) if predicted else 0.0
    recall = matched / len(gold) if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "gold": len(gold), "predicted": len(predicted)}


def end_to_end(
    classifier: Classifier, articles: list[dict[str, Any]]
) -> tuple[dict[str, float], np.ndarray, np.ndarray]:
    """Score splitting and labeling together, as ``classify(article)`` does them.

    Each gold sentence takes the label of the predicted sentence that overlaps it most
    (background where none overlaps).

    Returns:
        Boundary scores of :func:`split_sentences`, and gold and predicted label ids per gold sentence.
    """
    gold_spans, predicted_spans = set(), set()
    gold_ids, predicted_ids = [], []
    for number, (article, predictions) in enumerate(
        zip(articles, classifier.classify_many(a["text"] for a in articles))
    ):
        gold_spans |= {(number, s["start"], s["end"]) for s in article["sentences"]}
        predicted_spans |= {(number, p.start, p.end) for p in predictions}
        for sentence in article["sentences"]:
            overlaps = [
                (min(sentence["end"], p.end) - max(sentence["start"], p.start), p.label) for p in predictions
            ]
            best = max(overlaps, default=(0, "background"))
            gold_ids.append(LABEL2ID[sentence["label"]])
            predicted_ids.append(LABEL2ID[best[1] if best[0] > 0 else "background"])
    return span_scores(gold_spans, predicted_spans), np.array(gold_ids), np.array(predicted_ids)


def confusion_matrix(gold: np.ndarray, predicted: np.ndarray) -> np.ndarray:
    """Counts, rows = gold label, columns = predicted label, in :data:`LABELS` order."""
    matrix = np.zeros((len(LABELS), len(LABELS)), dtype=int)
    np.add.at(matrix, (gold, predicted), 1)
    return matrix


def plot_confusion_matrix(matrix: np.ndarray, path: Path, title: str) -> None:
    """Save the confusion matrix as a picture: counts on the left, row-normalized on the right."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    normalized = matrix / np.maximum(matrix.sum(axis=1, keepdims=True), 1)
    figure, axes = plt.subplots(1, 2, figsize=(11, 4.8), constrained_layout=True)
    for axis, values, name, fmt in ((axes[0], matrix, "counts", "d"), (axes[1], normalized, "row-normalized", ".2f")):
        image = axis.imshow(normalized, cmap="Blues", vmin=0, vmax=1)
        axis.set_xticks(range(len(LABELS)), LABELS, rotation=30)
        axis.set_yticks(range(len(LABELS)), LABELS)
        axis.set_xlabel("predicted")
        axis.set_ylabel("gold")
        axis.set_title(name)
        for i in range(len(LABELS)):
            for j in range(len(LABELS)):
                color = "white" if normalized[i, j] > 0.5 else "black"
                axis.text(j, i, format(values[i, j], fmt), ha="center", va="center", color=color, fontsize=11)
    figure.colorbar(image, ax=axes, shrink=0.8, label="share of gold row")
    figure.suptitle(title)
    figure.savefig(path, dpi=120)
    plt.close(figure)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Evaluate; returns what is written to ``metrics.json``."""
    parser = argparse.ArgumentParser(prog="python -m training.evaluate", description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", required=True, help="model folder written by training")
    parser.add_argument("--data", default="seeds/corpus/test.jsonl", help="corpus JSONL or flat CSV/JSONL")
    parser.add_argument("--train-file", default="seeds/corpus/train.jsonl", help="trains the TF-IDF baseline")
    parser.add_argument("--out", type=Path, help="output folder (default: <model>/evaluation/<data stem>)")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--device", default="auto")
    args = parser.parse_args(argv)

    classifier = Classifier.from_pretrained(args.model, device=args.device, batch_size=args.batch_size)
    out = args.out or Path(args.model) / "evaluation" / Path(args.data).stem
    out.mkdir(parents=True, exist_ok=True)
    examples = load_examples(args.data)
    gold = np.array([LABEL2ID[e.label] for e in examples])
    probabilities = classifier.predict_proba([e.text for e in examples])
    # predict_proba applies the temperature; T * log p are the raw logits up to a per-row shift.
    logits = classifier.settings.temperature * np.log(np.maximum(probabilities, 1e-12))
    metric = load_metric()
    report = classification_report(metric, logits, gold, temperature=classifier.settings.temperature)

    train_examples = load_examples(args.train_file)
    texts = {name: [classifier.normalizer(e.text) for e in split] for name, split in
             (("train", train_examples), ("data", examples))}
    labels = {"train": [e.label for e in train_examples], "data": [e.label for e in examples]}
    baselines = baseline_reports(metric, texts, labels)["data"]
    metrics: dict[str, Any] = {"model": str(args.model), "data": args.data, "sentences": len(examples),
                               "sentence_level": report, "baselines": baselines}

    predicted = probabilities.argmax(axis=1)
    if is_corpus_file(args.data):
        articles = load_corpus(args.data)
        boundaries, e2e_gold, e2e_predicted = end_to_end(classifier, articles)
        metrics["sentence_splitting"] = boundaries
        metrics["end_to_end"] = classification_report(metric, e2e_predicted, e2e_gold)

    matrix = confusion_matrix(gold, predicted)
    metrics["confusion_matrix"] = {"labels": list(LABELS), "counts": matrix.tolist()}
    plot_confusion_matrix(matrix, out / "confusion_matrix.png", f"{Path(args.model).name} on {args.data}")
    errors = [
        {"where": e.where, "text": e.text, "gold": e.label, "predicted": LABELS[predicted[i]],
         "confidence": float(probabilities[i].max()),
         "probabilities": {label: float(p) for label, p in zip(LABELS, probabilities[i])}}
        for i, e in enumerate(examples) if predicted[i] != gold[i]
    ]
    errors.sort(key=lambda error: error["confidence"], reverse=True)
    with (out / "errors.jsonl").open("w", encoding="utf-8") as handle:
        handle.writelines(json.dumps(error, ensure_ascii=False) + "\n" for error in errors)
    (out / "metrics.json").write_text(json.dumps(metrics, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

    print(f"{args.data}: {len(examples)} sentences\n")
    print(format_report_table({"model": report, **baselines}))
    ece_before = report.get("ece_uncalibrated", report["ece"])
    print(f"\nmodel ECE: {ece_before:.3f} uncalibrated, {report['ece']:.3f} with temperature "
          f"{classifier.settings.temperature:.3f}")
    if "sentence_splitting" in metrics:
        split = metrics["sentence_splitting"]
        print(f"sentence splitting: precision {split['precision']:.3f}, recall {split['recall']:.3f}, "
              f"F1 {split['f1']:.3f} ({split['predicted']} predicted, {split['gold']} gold)")
        print(f"end to end through classify(article): macro-F1 {metrics['end_to_end']['macro_f1']:.3f}, "
              f"accuracy {metrics['end_to_end']['accuracy']:.3f}")
    print(f"{len(errors)} errors -> {out / 'errors.jsonl'}; confusion matrix -> {out / 'confusion_matrix.png'}")
    return metrics


if __name__ == "__main__":
    try:
        main()
    except DataError as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(2)
