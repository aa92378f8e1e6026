r"""Command line: label JSONL articles on a Ray cluster, in shards, with Ray Data.

Examples::

    python -m inference.distributed --model runs/tiny archive/ --output labels/ --workers 2
    RAY_ADDRESS=head-node:6379 python -m inference.distributed --model /shared/arabert '/shared/news/*.jsonl' \
        --output labels/ --workers 8 --gpus-per-worker 1 --batch-size 128

The inputs are cut into shards of ``--shard-size`` lines (:mod:`inference.shards`). Each worker
is a Ray actor (``map_batches`` with a callable class on an ``ActorPoolStrategy`` of ``--workers``) that loads
the :class:`~inference.classifier.Classifier` once and labels one shard per call with
:func:`inference.batch.annotate`, as ``python -m inference`` does. This process, the driver,
receives each shard's records in input order and writes them to one part file of ``--output``,
then records the shard in the folder's manifest. A rerun of the same command skips the shards
the manifest lists; one with another model or other inputs is refused before anything is written.

It connects to the cluster at ``$RAY_ADDRESS`` when set, else starts a local Ray instance. On a
cluster, the package and the model folder must be installed on every node, and the inputs
readable at the same path there (workers read their shards themselves); only the driver writes.
Needs the ``ray`` extra (``pip install -e ".[ray]"``); ``import inference`` never imports Ray.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import json
import os
import re
import sys
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from tqdm import tqdm

from .batch import BatchSummary
from .classifier import DEFAULT_MODEL_DIR, MODEL_ENV_VAR, Classifier
from .job import JobError, OutputLock, check_creatable
from .model_folder import ModelSettings, check_model_folder, check_settings_fit_model, read_model_config
from .shards import (
    MANIFEST,
    JobHeader,
    ManifestState,
    Shard,
    ShardEntry,
    ShardResult,
    annotate_shard,
    check_manifest,
    expand_inputs,
    index_inputs,
    model_fingerprint,
    prepare_folder,
    read_done_ids,
    read_manifest,
    record_shard,
    write_part,
)

DEFAULT_SHARD_LINES = 250
"""Small enough that a few thousand articles keep several workers busy; a million make 4,000 part files."""


def build_parser() -> argparse.ArgumentParser:
    """The command-line parser of ``python -m inference.distributed``."""
    parser = argparse.ArgumentParser(
        prog="python -m inference.distributed",
        description="Label every sentence of Arabic news articles (JSONL) on a Ray cluster, into part files.",
    )
    parser.add_argument("inputs", nargs="+", help=".jsonl files with id and text per line, folders of them, or globs")
    parser.add_argument(
        "--model", default=os.environ.get(MODEL_ENV_VAR, DEFAULT_MODEL_DIR),
        help=f"model folder, readable at this path on every node (default: ${MODEL_ENV_VAR} or {DEFAULT_MODEL_DIR})",
    )
    parser.add_argument("--output", "-o", type=Path, required=True, help="output folder: part files and manifest")
    parser.add_argument("--workers", type=int, default=1, help="actors, each with its own model (default: 1)")
    parser.add_argument("--gpus-per-worker", type=float, default=0.0,
                        help="GPUs per actor; above 0 the actors run on CUDA (default: 0, CPU)")
    parser.add_argument("--cpus-per-worker", type=float, default=1.0,
                        help="CPUs per actor, also its torch threads (default: 1)")
    parser.add_argument("--batch-size", type=int, default=32, help="sentences per forward pass (default: 32)")
    parser.add_argument("--shard-size", type=int, default=DEFAULT_SHARD_LINES,
                        help=f"input lines per shard and part file (default: {DEFAULT_SHARD_LINES})")
    parser.add_argument("--no-progress", action="store_true", help="hide the progress bars")
    return parser


@dataclass
class Job:
    """A checked job: what it is (the manifest header) and its shards, in input order."""

    header: JobHeader
    shards: list[Shard]


def main(argv: list[str] | None = None) -> int:
    """Run the distributed batch command.

    Returns:
        The exit status: 0 when every record was labeled, 1 if any record failed, 2 if the job
        was refused before it started, or Ray failed (one ``error:`` line says why; the shards
        done so far are kept and a rerun goes on from there).
    """
    args = build_parser().parse_args(argv)
    summary = BatchSummary()
    with contextlib.ExitStack() as stack:
        try:
            job = plan_job(args)
            state = open_output(args.output, job.header, stack)
            seen = read_done_ids(args.output, state)
            for entry in state.done.values():
                summary.skipped += entry.records
                report_errors(summary, entry.errors)
            label_shards(args, job, state, seen, summary)
        except (JobError, OSError, ValueError) as error:  # OSError: model folder, files; ValueError: labels
            if summary.done:
                print(_summary_line(summary), file=sys.stderr)
            print(f"error: {error}", file=sys.stderr)
            return 2
    print(_summary_line(summary), file=sys.stderr)
    return 1 if summary.failed else 0


def _summary_line(summary: BatchSummary) -> str:
    return f"done: {summary.done}, skipped: {summary.skipped}, failed: {summary.failed}"


def report_errors(summary: BatchSummary, errors: list[str]) -> None:
    """Count and print bad records as ``python -m inference`` does (its own run's and earlier shards' alike)."""
    for line in errors:
        summary.failed += 1
        summary.errors.append(line)
        print(f"error: {line}", file=sys.stderr)


def plan_job(args: argparse.Namespace) -> Job:
    """Everything that can refuse the job, before anything is written.

    Raises:
        JobError: On a bad option, missing Ray, an input that matches nothing or is no
            ``.jsonl`` file, an output that cannot be a folder, or a manifest of another job.
        ModelFolderError: If the model folder is missing or broken.
    """
    for option, value, least in (("--workers", args.workers, 1), ("--batch-size", args.batch_size, 1),
                                 ("--shard-size", args.shard_size, 1)):
        if value < least:
            raise JobError(f"{option} must be at least {least}, got {value}")
    if args.gpus_per_worker < 0 or args.cpus_per_worker <= 0:
        raise JobError("--gpus-per-worker must be 0 or more, and --cpus-per-worker above 0")
    if importlib.util.find_spec("ray") is None:
        raise JobError('python -m inference.distributed needs Ray: pip install -e ".[ray]"')
    files = expand_inputs(args.inputs)
    check_output_folder(args.output, [path for _, path in files])
    folder = check_model_folder(args.model)
    check_settings_fit_model(ModelSettings.load(folder), read_model_config(folder), folder)
    inputs, shards = index_inputs(files, args.shard_size)
    header = JobHeader(os.path.realpath(folder), model_fingerprint(folder), args.shard_size, tuple(inputs))
    check_manifest(args.output, read_manifest(args.output), header)
    return Job(header, shards)


def check_output_folder(folder: Path, inputs: list[Path]) -> None:
    """Refuse an output that is not a folder, cannot be created or written, or holds an input.

    Raises:
        JobError: Naming the problem.
    """
    if folder.exists() and not folder.is_dir():
        raise JobError(f"--output {folder} is not a folder")
    check_creatable(folder, f"--output {folder}")
    resolved = Path(os.path.realpath(folder))
    for path in inputs:
        if resolved in Path(os.path.realpath(path)).parents:
            raise JobError(f"the input {path} is inside --output {folder}; choose an output folder of its own")


def open_output(folder: Path, header: JobHeader, stack: contextlib.ExitStack) -> ManifestState:
    """Create and lock the output folder, then check and prepare its manifest under the lock.

    Raises:
        JobError: If another job holds the folder, or its manifest belongs to another job.
    """
    folder.mkdir(parents=True, exist_ok=True)
    stack.enter_context(OutputLock(folder / MANIFEST))
    state = read_manifest(folder)  # again, under the lock: another job may have written since
    check_manifest(folder, state, header)
    prepare_folder(folder, state, header)
    return state


def label_shards(
    args: argparse.Namespace, job: Job, state: ManifestState, seen: dict[str, str], summary: BatchSummary
) -> None:
    """Label the shards not done yet on Ray, writing each to its part file and the manifest as it arrives.

    Args:
        args: The command's options.
        job: The checked job.
        state: The manifest as prepared; its ``done`` shards are skipped.
        seen: Id and source of every record already written: an id that comes again is a bad
            record (``duplicate id``), as in ``python -m inference``, and is not written twice.
        summary: Counts to add to.
    """
    pending = {shard.key: shard for shard in job.shards if shard.key not in state.done}
    if not pending:
        return
    progress = tqdm(total=len(pending), unit=" shards", disable=args.no_progress, file=sys.stderr)
    try:
        for result in run_on_ray(args, list(pending.values())):
            shard = pending[result.key]
            kept, errors = [], list(result.errors)
            for (article_id, source), line in zip(result.articles, result.text.split("\n")):
                if article_id in seen:
                    errors.append(f"{source}: duplicate id {article_id!r} (first at {seen[article_id]})")
                else:
                    seen[article_id] = source
                    kept.append(line + "\n")
            write_part(args.output, shard, "".join(kept))
            record_shard(args.output, ShardEntry(shard.key, shard.part, len(kept), errors))
            summary.done += len(kept)
            report_errors(summary, errors)
            progress.update()
    finally:
        progress.close()


def run_on_ray(args: argparse.Namespace, shards: list[Shard]) -> Iterator[ShardResult]:
    """Label shards on Ray Data's actor pool, yielding results in shard order.

    Raises:
        JobError: If Ray fails (a worker dies, a shard cannot be read); the message is Ray's last line.
    """
    options = local_ray_options()  # before the import: Ray reads its environment then
    import ray  # here, not at the top: ``import inference`` and ``--help`` must work without Ray

    started = not ray.is_initialized()
    if started:
        ray.init(**options)
    try:
        context = ray.data.DataContext.get_current()
        # In order, as python -m inference: the first of two records with one id is the one kept.
        context.execution_options.preserve_order = True
        context.enable_progress_bars = not args.no_progress
        # One shard per block, else Ray packs small rows into one block and one actor gets them all.
        dataset = ray.data.from_items([asdict(shard) for shard in shards], override_num_blocks=len(shards))
        results = dataset.map_batches(
            ShardLabeler,
            batch_size=1,
            batch_format="numpy",
            compute=ray.data.ActorPoolStrategy(size=args.workers),
            num_cpus=args.cpus_per_worker,
            num_gpus=args.gpus_per_worker,
            fn_constructor_kwargs={
                "model": os.path.realpath(args.model),
                "batch_size": args.batch_size,
                "device": "cuda" if args.gpus_per_worker > 0 else "cpu",
                "threads": max(1, int(args.cpus_per_worker)),
            },
        )
        for row in results.iter_rows():
            if row["failure"]:
                raise JobError(f"{row['failure']}; the shards done are kept, and a rerun goes on from there")
            articles = [(str(article_id), str(source)) for article_id, source in json.loads(row["articles"])]
            yield ShardResult(str(row["key"]), str(row["text"]), articles, json.loads(row["errors"]))
    except ray.exceptions.RayError as error:
        raise JobError(f"the Ray job failed ({_first_exception(error)}); the shards done are kept, "
                       "and a rerun goes on from there") from error
    finally:
        if started:
            ray.shutdown()


def _first_exception(error: Exception) -> str:
    """The first ``SomeError: message`` line of a Ray error: the exception that started it.

    The whole traceback is in Ray's own log lines, printed above the ``error:`` line.
    """
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    for line in lines:
        if re.match(r"^[\w.]+(Error|Exception): ", line):
            return line
    return lines[-1] if lines else type(error).__name__


def local_ray_options() -> dict[str, Any]:
    """``ray.init`` options: none when ``$RAY_ADDRESS`` names a cluster, else a local instance's.

    For a local instance it also sets, unless the user has, two variables that Ray reads when it
    is imported, so call it first.
    """
    if os.environ.get("RAY_ADDRESS"):
        return {}
    # A local instance serves this machine only: its servers listen on loopback addresses (Ray's
    # single-machine mode, the default on macOS; on Linux Ray would bind to the machine's own
    # address), it sends no usage report, and it runs no dashboard.
    os.environ.setdefault("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    return {"include_dashboard": False}


class ShardLabeler:
    """A Ray Data worker (one actor): loads the classifier once, then labels one shard per call.

    Args:
        model: The model folder, at this path on the worker's node.
        batch_size: Sentences per forward pass.
        device: ``cpu`` or ``cuda`` (the GPU Ray gave this actor).
        threads: torch threads (the actor's CPUs).
    """

    def __init__(self, model: str, batch_size: int, device: str, threads: int):
        torch.set_num_threads(threads)
        self.classifier = Classifier.from_pretrained(model, device=device, batch_size=batch_size)

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """Label the shards of a batch (one row each); JSON strings keep the columns flat."""
        columns: dict[str, list[str]] = {"key": [], "text": [], "articles": [], "errors": [], "failure": []}
        for row in range(len(batch["key"])):
            shard = Shard(**{name: _python(values[row]) for name, values in batch.items()})
            try:
                result = annotate_shard(self.classifier, shard)
            except (JobError, OSError) as error:  # the input changed or went away: stop the job, cleanly
                result, failure = ShardResult(shard.key, "", [], []), f"input {shard.name}: {error}"
            else:
                failure = ""
            columns["key"].append(result.key)
            columns["text"].append(result.text)
            columns["articles"].append(json.dumps(result.articles, ensure_ascii=False))
            columns["errors"].append(json.dumps(result.errors, ensure_ascii=False))
            columns["failure"].append(failure)
        return {name: np.array(values, dtype=object) for name, values in columns.items()}


def _python(value: Any) -> Any:
    """A plain Python value from a numpy batch (numbers come as numpy scalars, strings as str)."""
    return value.item() if isinstance(value, np.generic) else value


def cli() -> None:
    """Console entry point (``speech-acts-distributed``)."""
    sys.exit(main())


if __name__ == "__main__":
    cli()
