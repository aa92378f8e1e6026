"""Command line: label the sentences of many articles.

Examples::

    python -m inference seeds/000_b10947e7783b1602.txt      # the model shipped in the package
    python -m inference --model runs/tiny archive.jsonl --output labels.jsonl --resume
    cat article.txt | python -m inference --model runs/tiny --html view.html

Every output path is checked, and locked, before anything is written (:mod:`inference.job`);
``--resume`` trusts nothing it reads (:mod:`inference.resume`).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from pathlib import Path
from typing import TextIO

import torch
from tqdm import tqdm

from .batch import BatchSummary, annotate, read_articles
from .classifier import (
    DEFAULT_MODEL_DIR,
    MODEL_ENV_VAR,
    PRECISIONS,
    Classifier,
    SentencePrediction,
    resolve_device,
)
from .html_view import HtmlWriter
from .job import JobError, OutputLock, check_output_paths
from .resume import JobInputs, PriorOutput, check_resume, read_prior_output


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
        help=f"model folder written by training (default: ${MODEL_ENV_VAR}, else the model shipped in the package, "
        "inference/default_model)",
    )
    parser.add_argument("--output", "-o", type=Path, help="JSONL output file (default: stdout)")
    parser.add_argument("--resume", action="store_true", help="skip ids already complete in --output")
    parser.add_argument(
        "--force-resume", action="store_true",
        help="resume even if --output was written from other inputs or another model (their records stay)",
    )
    parser.add_argument("--html", type=Path, help="also write a colored HTML view of the articles here")
    parser.add_argument(
        "--format", choices=("jsonl", "table"), default="jsonl",
        help="what to print on stdout when --output is not given; 'table' prints a readable line per sentence "
        "(with --output, the table is printed in addition to the JSONL file)",
    )
    parser.add_argument("--batch-size", type=int, default=32, help="sentences per forward pass (default: 32)")
    parser.add_argument("--device", default="auto", help="auto, cpu, cuda, cuda:N or mps (default: auto)")
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
    """Run the batch command.

    Returns:
        The exit status: 0 when every record was labeled, 1 if any record failed, 2 if the
        job was refused before it started (one ``error:`` line on stderr says why).
    """
    args = build_parser().parse_intermixed_args(argv)
    with contextlib.ExitStack() as stack:
        try:
            classifier, prior = prepare(args, stack)
            sink, html = open_outputs(args, stack, prior)
        except (JobError, OSError, ValueError) as error:  # OSError: model folder, files; ValueError: device, labels
            print(f"error: {error}", file=sys.stderr)
            return 2
        summary = label_articles(args, classifier, sink, html, prior.ids if prior else set())
    print(f"done: {summary.done}, skipped: {summary.skipped}, failed: {summary.failed}", file=sys.stderr)
    if summary.foreign:
        print(f"warning: {summary.foreign} record(s) in {args.output} have ids that none of the inputs has "
              "(kept as they are)", file=sys.stderr)
    return 1 if summary.failed else 0


def check_options(args: argparse.Namespace) -> None:
    """Refuse options that cannot work, before anything is read or written.

    Raises:
        JobError: On ``--resume`` without ``--output``, or a thread count or batch size below 1.
        DeviceError: On a device that is unknown or not on this machine.
    """
    if (args.resume or args.force_resume) and args.output is None:
        raise JobError("--resume needs --output")
    if args.threads is not None and args.threads < 1:
        raise JobError(f"--threads must be at least 1, got {args.threads}")
    if args.batch_size < 1:
        raise JobError(f"--batch-size must be at least 1, got {args.batch_size}")
    resolve_device(args.device)


def prepare(args: argparse.Namespace, stack: contextlib.ExitStack) -> tuple[Classifier, PriorOutput | None]:
    """Everything before the first write: options, output paths, locks, the earlier output, the model.

    Returns:
        The loaded classifier, and with ``--resume`` the earlier output as read (not yet changed).

    Raises:
        JobError: If an option, an output path, the lock or the earlier output refuses the job.
        ModelFolderError: If the model folder is missing or broken.
        ValueError: On a device, precision or label set that does not fit.
    """
    check_options(args)
    check_output_paths(args.inputs, {"--output": args.output, "--html": args.html})
    for path in (args.output, args.html):
        if path is not None:
            stack.enter_context(OutputLock(path))
    prior = None
    if args.resume or args.force_resume:
        prior = read_prior_output(args.output)
        for warning in check_resume(prior, JobInputs.of(args.inputs, args.model), force=args.force_resume):
            print(f"warning: {warning}", file=sys.stderr)
    if args.threads:
        torch.set_num_threads(args.threads)
    classifier = Classifier.from_pretrained(
        args.model, device=args.device, batch_size=args.batch_size, precision=args.precision
    )
    return classifier, prior


def open_outputs(
    args: argparse.Namespace, stack: contextlib.ExitStack, prior: PriorOutput | None
) -> tuple[TextIO, HtmlWriter | None]:
    """Open the JSONL sink and the HTML page; no file is cut or emptied until all have opened.

    Also writes the job file beside ``--output`` (its inputs and model), which a later
    ``--resume`` checks.
    """
    output, page = (
        None if path is None else stack.enter_context(_open_for_append(path)) for path in (args.output, args.html)
    )
    if prior is not None:
        prior.cut_torn_line()
    elif output is not None:
        output.truncate(0)
    if page is not None:
        page.truncate(0)
    if args.output is not None:
        JobInputs.of(args.inputs, args.model).save(args.output)
    if output is not None:
        sink = output
    elif args.format == "jsonl":
        sink = sys.stdout
    else:
        sink = stack.enter_context(open(os.devnull, "w"))
    return sink, stack.enter_context(HtmlWriter(page)) if page is not None else None


def _open_for_append(path: Path) -> TextIO:
    path.parent.mkdir(parents=True, exist_ok=True)
    return path.open("a", encoding="utf-8")


def label_articles(
    args: argparse.Namespace, classifier: Classifier, sink: TextIO, html: HtmlWriter | None, skip_ids: set[str]
) -> BatchSummary:
    """Label the inputs into ``sink``, with a progress bar and the optional table and HTML page."""
    progress = tqdm(unit=" articles", disable=args.no_progress, file=sys.stderr)

    def on_article(article, predictions) -> None:
        progress.update()
        if args.format == "table":
            progress.write(format_table(article.id, predictions), file=sys.stdout)
        if html:
            html.add(article.id, article.text, predictions)

    try:
        return annotate(
            classifier,
            read_articles(args.inputs),
            sink,
            skip_ids=skip_ids,
            on_error=lambda line: progress.write(f"error: {line}", file=sys.stderr),
            on_article=on_article,
        )
    finally:
        progress.close()


def cli() -> None:
    """Console entry point (``speech-acts``)."""
    sys.exit(main())


if __name__ == "__main__":
    cli()
