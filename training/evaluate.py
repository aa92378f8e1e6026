"""Evaluate a trained model folder on one or more labeled files, with baselines side by side.

Usage::

    python -m training.evaluate --model runs/tiny                       # the model's own test files
    python -m training.evaluate --model runs/tiny --data seeds/real/test.jsonl seeds/corpus/test.jsonl
    python -m training.evaluate --model runs/tiny --data my_sentences.csv --out runs/eval-mine

By default the data are the test files the model was trained with (its ``metrics.json``), and
the TF-IDF baseline is trained on the model's own train files, so every system sees the same
data. For each data file it writes to ``--out`` (default ``<model>/evaluation``), in a folder
named after the file (``real-test``, ``corpus-test``):

* ``metrics.json``: accuracy, macro-F1, per-class precision/recall/F1/support and expected
  calibration error (before and after the model's temperature), for the model and the
  baselines; on article-level data also sentence-splitting boundary precision/recall/F1
  and end-to-end scores through ``classify(article)``;
* ``confusion_matrix.png``: counts and row-normalized;
* ``reliability.png``: the reliability diagram (confidence against accuracy, per bin);
* ``errors.jsonl``: every misclassified sentence, most confident first.

It then prints one table per file and a side-by-side summary.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

from inference import LABEL2ID, LABELS, Classifier, DeviceError, LabelMismatchError, ModelFolderError

from .baselines import baseline_reports
from .calibration import softmax
from .data import DataError, article_examples, file_format, load_corpus, load_examples
from .news_corpus import NewsCorpusError
from .reports import format_report_table
from .scoring import classification_report, span_scores
from .standoff import StandoffError, resolve_standoff

DEFAULT_DATA = ("seeds/real/test.jsonl", "seeds/corpus/test.jsonl")
DEFAULT_TRAIN = ("seeds/corpus/train.jsonl", "seeds/real/train.jsonl")


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


def plot_reliability(probabilities: np.ndarray, gold: np.ndarray, path: Path, title: str, bins: int = 10) -> None:
    """Save a reliability diagram: accuracy per confidence bin against the diagonal, with bin counts."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    confidence = probabilities.max(axis=1)
    correct = probabilities.argmax(axis=1) == gold
    edges = np.linspace(0, 1, bins + 1)
    which = np.clip(np.digitize(confidence, edges[1:-1]), 0, bins - 1)
    centers = (edges[:-1] + edges[1:]) / 2
    counts = np.bincount(which, minlength=bins)
    accuracy = np.array([correct[which == b].mean() if counts[b] else np.nan for b in range(bins)])
    mean_confidence = np.array([confidence[which == b].mean() if counts[b] else np.nan for b in range(bins)])
    figure, (top, bottom) = plt.subplots(2, 1, figsize=(5.2, 6), height_ratios=(3, 1), sharex=True)
    top.plot([0, 1], [0, 1], linestyle="--", color="grey", label="perfect calibration")
    top.bar(centers, np.nan_to_num(accuracy), width=1 / bins, edgecolor="black", alpha=0.7, label="accuracy")
    top.plot(mean_confidence, accuracy, marker="o", color="tab:red", label="mean confidence")
    top.set(ylabel="accuracy", ylim=(0, 1), title=title)
    top.legend(loc="upper left", fontsize=8)
    bottom.bar(centers, counts, width=1 / bins, edgecolor="black", color="tab:grey")
    bottom.set(xlabel="confidence (calibrated)", ylabel="sentences", xlim=(0, 1))
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)


def data_name(path: str | Path) -> str:
    """Folder name for one data file's outputs: ``real-test`` for ``seeds/real/test.jsonl``."""
    path = Path(path)
    return f"{path.parent.name}-{path.stem}" if path.parent.name else path.stem


def _recorded_files(model: Path) -> dict[str, list[str]]:
    """The data files a model was trained with, from its ``metrics.json`` (empty if unknown)."""
    try:
        files = json.loads((model / "metrics.json").read_text(encoding="utf-8")).get("data_files", {})
    except (OSError, ValueError):
        return {}
    return {name: [paths] if isinstance(paths, str) else list(paths) for name, paths in files.items()}


def score_file(classifier: Classifier, path: str, train_texts: list[str], train_labels: list[str],
               news_corpus: str | None) -> tuple[dict[str, Any], list[dict[str, Any]], np.ndarray, np.ndarray]:
    """Score the model and the baselines on one data file.

    Returns:
        The metrics, the errors (most confident first), the probabilities and the gold ids.
    """
    # Article-level files are read once: their examples come from the same records.
    kind = file_format(path)
    articles = []
    if kind == "corpus":
        articles = load_corpus(path)
    elif kind == "standoff":
        articles = resolve_standoff(path, news_corpus)
    examples = article_examples(articles, path) if articles else load_examples(path, news_corpus=news_corpus)
    gold = np.array([LABEL2ID[e.label] for e in examples])
    logits = classifier.predict_logits([e.text for e in examples])
    temperature = classifier.settings.temperature
    report = classification_report(logits, gold, temperature=temperature)
    texts = {"train": train_texts, "data": [classifier.normalizer(e.text) for e in examples]}
    labels = {"train": train_labels, "data": [e.label for e in examples]}
    metrics: dict[str, Any] = {"data": str(path), "sentences": len(examples), "sentence_level": report,
                               "baselines": baseline_reports(texts, labels)["data"]}
    if articles and not any(article.get("partial") for article in articles):
        boundaries, e2e_gold, e2e_predicted = end_to_end(classifier, articles)
        metrics["sentence_splitting"] = boundaries
        metrics["end_to_end"] = classification_report(e2e_predicted, e2e_gold)
    probabilities = softmax(logits, temperature)
    predicted = probabilities.argmax(axis=1)
    metrics["confusion_matrix"] = {"labels": list(LABELS), "counts": confusion_matrix(gold, predicted).tolist()}
    errors = [
        {"where": e.where, "text": e.text, "gold": e.label, "predicted": LABELS[predicted[i]],
         "confidence": float(probabilities[i].max()),
         "probabilities": {label: float(p) for label, p in zip(LABELS, probabilities[i])}}
        for i, e in enumerate(examples) if predicted[i] != gold[i]
    ]
    errors.sort(key=lambda error: error["confidence"], reverse=True)
    return metrics, errors, probabilities, gold


def write_outputs(out: Path, model: str, metrics: dict[str, Any], errors: list[dict[str, Any]],
                  probabilities: np.ndarray, gold: np.ndarray) -> None:
    """``metrics.json``, ``errors.jsonl``, ``confusion_matrix.png`` and ``reliability.png`` in ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    title = f"{Path(model).name} on {metrics['data']}"
    plot_confusion_matrix(np.array(metrics["confusion_matrix"]["counts"]), out / "confusion_matrix.png", title)
    plot_reliability(probabilities, gold, out / "reliability.png", title)
    with (out / "errors.jsonl").open("w", encoding="utf-8") as handle:
        handle.writelines(json.dumps(error, ensure_ascii=False) + "\n" for error in errors)
    (out / "metrics.json").write_text(json.dumps(metrics, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def print_file_report(metrics: dict[str, Any], temperature: float, out: Path, errors: int) -> None:
    """One data file's table and notes."""
    report = metrics["sentence_level"]
    print(f"\n== {metrics['data']}: {metrics['sentences']} sentences\n")
    print(format_report_table({"model": report, **metrics["baselines"]}))
    print(f"\nmodel ECE: {report['ece_uncalibrated']:.3f} uncalibrated, {report['ece']:.3f} with temperature "
          f"{temperature:.3f}")
    if "sentence_splitting" in metrics:
        split = metrics["sentence_splitting"]
        print(f"sentence splitting: precision {split['precision']:.3f}, recall {split['recall']:.3f}, "
              f"F1 {split['f1']:.3f} ({split['predicted']} predicted, {split['gold']} gold)")
        print(f"end to end through classify(article): macro-F1 {metrics['end_to_end']['macro_f1']:.3f}, "
              f"accuracy {metrics['end_to_end']['accuracy']:.3f}")
    print(f"{errors} errors -> {out / 'errors.jsonl'}; plots -> {out}/confusion_matrix.png, reliability.png")


def print_summary(results: dict[str, dict[str, Any]]) -> None:
    """Macro-F1 of every system on every data file, side by side."""
    systems = ["model", *next(iter(results.values()))["baselines"]]
    names = list(results)
    rows = [["system", *names]]
    for system in systems:
        cells = [results[name]["sentence_level" if system == "model" else "baselines"] for name in names]
        scores = [cell if system == "model" else cell[system] for cell in cells]
        rows.append([system, *(f"{score['macro_f1']:.3f}" for score in scores)])
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    print("\nmacro-F1 side by side")
    for number, row in enumerate(rows):
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
        if number == 0:
            print("  ".join("-" * width for width in widths))


def main(argv: list[str] | None = None) -> dict[str, dict[str, Any]]:
    """Evaluate; returns the metrics of each data file, by output folder name."""
    parser = argparse.ArgumentParser(prog="python -m training.evaluate", description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", required=True, help="model folder written by training")
    parser.add_argument("--data", nargs="+", help="labeled files: corpus, stand-off or flat CSV/JSONL "
                        "(default: the model's own test files)")
    parser.add_argument("--train-file", nargs="+", help="trains the TF-IDF baseline (default: the model's train files)")
    parser.add_argument("--news-corpus", help="the raw news corpus for stand-off files (default: the shared copy)")
    parser.add_argument("--out", type=Path, help="output folder (default: <model>/evaluation)")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--device", default="auto")
    args = parser.parse_args(argv)

    recorded = _recorded_files(Path(args.model))
    data = args.data or [p for name, paths in recorded.items() if name.startswith("test") for p in paths]
    data = data or list(DEFAULT_DATA)
    train_files = args.train_file or recorded.get("train") or list(DEFAULT_TRAIN)
    classifier = Classifier.from_pretrained(args.model, device=args.device, batch_size=args.batch_size)
    train_examples = [e for path in train_files for e in load_examples(path, news_corpus=args.news_corpus)]
    train_texts = [classifier.normalizer(e.text) for e in train_examples]
    train_labels = [e.label for e in train_examples]
    out_root = args.out or Path(args.model) / "evaluation"
    results = {}
    for path in data:
        metrics, errors, probabilities, gold = score_file(
            classifier, path, train_texts, train_labels, args.news_corpus
        )
        metrics["model"], metrics["baseline_train_files"] = str(args.model), list(train_files)
        out = out_root / data_name(path) if len(data) > 1 or not args.out else out_root
        write_outputs(out, args.model, metrics, errors, probabilities, gold)
        print_file_report(metrics, classifier.settings.temperature, out, len(errors))
        results[data_name(path)] = metrics
    if len(results) > 1:
        print_summary(results)
    return results


def cli(argv: list[str] | None = None) -> int:
    """Run :func:`main` as a command; returns the exit status.

    A missing or broken model folder, a bad data file or an unusable device ends in one
    ``error:`` line on stderr and exit status 2, not a traceback.
    """
    try:
        main(argv)
    except (DataError, StandoffError, NewsCorpusError, ModelFolderError, LabelMismatchError, DeviceError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(cli())
