"""Command line: label the sentences of many articles.

Examples::

    python -m inference --model runs/tiny seeds/000_b10947e7783b1602.txt
    python -m inference --model runs/tiny archive.jsonl --output labels.jsonl --resume
    cat article.txt | python -m inference --model runs/tiny --html view.html
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from pathlib import Path

import torch
from tqdm import tqdm
from transformers.utils import logging as transformers_logging

from .batch import annotate, completed_ids, read_articles
from .classifier import DEFAULT_MODEL_DIR, MODEL_ENV_VAR, PRECISIONS, Classifier, SentencePrediction
from .html_view import HtmlWriter
from .model_folder import ModelFolderError


def build_parser() -> argparse.ArgumentParser:
    """The command-line parser of ``python -m inference``."""
    parser = argparse.ArgumentParser(
        prog="python -m inference",
        description="Label every sentence of Arabic news articles as demand, warning, refusal or background.",
    )
    parser.add_argument(
        "inputs", nargs="*", default=["-"],
        help=".txt files (one article each) or .jsonl files with id and text per line; '-' or nothing reads stdin",
    )
    parser.add_argument(
        "--model", default=os.environ.get(MODEL_ENV_VAR, DEFAULT_MODEL_DIR),
        help=f"model folder written by training (default: ${MODEL_ENV_VAR} or {DEFAULT_MODEL_DIR})",
    )
    parser.add_argument("--output", "-o", type=Path, help="JSONL output file (default: stdout)")
    parser.add_argument("--resume", action="store_true", help="skip ids already complete in --output")
    parser.add_argument("--html", type=Path, help="also write a colored HTML view of the articles here")
    parser.add_argument(
        "--format", choices=("jsonl", "table"), default="jsonl",
        help="what to print on stdout when --output is not given; 'table' prints a readable line per sentence "
        "(with --output, the table is printed in addition to the JSONL file)",
    )
    parser.add_argument("--batch-size", type=int, default=32, help="sentences per forward pass (default: 32)")
    parser.add_argument("--device", default="auto", help="auto, cpu, cuda, cuda:N (default: auto)")
    parser.add_argument("--precision", default="auto", choices=PRECISIONS, help="default: auto")
    parser.add_argument("--threads", type=int, help="CPU threads for torch (default: torch's choice, all cores)")
    parser.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    return parser


def format_table(article_id: str, predictions: list[SentencePrediction], width: int = 90) -> str:
    """A readable block for one article: position, label, score and the sentence."""
    lines = [f"== {article_id}"]
    for p in predictions:
        text = p.text if len(p.text) <= width else p.text[: width - 1] + "…"
        lines.append(f"{p.index:>3}  {p.label:<10}  {p.score:.2f}  {text}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the batch command; returns the process exit status (1 if any record failed)."""
    args = build_parser().parse_intermixed_args(argv)
    if args.resume and args.output is None:
        print("error: --resume needs --output", file=sys.stderr)
        return 2
    if args.threads:
        torch.set_num_threads(args.threads)
    transformers_logging.disable_progress_bar()  # the command shows its own progress bar
    try:
        classifier = Classifier.from_pretrained(
            args.model, device=args.device, batch_size=args.batch_size, precision=args.precision
        )
    except (ModelFolderError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2

    skip_ids = completed_ids(args.output) if args.resume else set()
    progress = tqdm(unit=" articles", disable=args.no_progress, file=sys.stderr)
    with contextlib.ExitStack() as stack:
        if args.output is None:
            sink = sys.stdout if args.format == "jsonl" else stack.enter_context(open(os.devnull, "w"))
        else:
            args.output.parent.mkdir(parents=True, exist_ok=True)
            sink = stack.enter_context(args.output.open("a" if args.resume else "w", encoding="utf-8"))
        html = stack.enter_context(HtmlWriter(args.html)) if args.html else None

        def on_article(article, predictions) -> None:
            progress.update()
            if args.format == "table":
                progress.write(format_table(article.id, predictions), file=sys.stdout)
            if html:
                html.add(article.id, article.text, predictions)

        summary = annotate(
            classifier,
            read_articles(args.inputs),
            sink,
            skip_ids=skip_ids,
            on_error=lambda line: progress.write(f"error: {line}", file=sys.stderr),
            on_article=on_article,
        )
    progress.close()
    print(f"done: {summary.done}, skipped: {summary.skipped}, failed: {summary.failed}", file=sys.stderr)
    return 1 if summary.failed else 0


def cli() -> None:
    """Console entry point (``speech-acts``)."""
    sys.exit(main())


if __name__ == "__main__":
    cli()
