"""Batch annotation: read articles, label them, write one JSON line per article.

Input records stream from ``.txt`` files (one article each, its path as id), JSONL files
(``{"id": ..., "text": ...}`` per line) or standard input. Each article's line is written
and flushed as soon as it is labeled, in one ``write`` call, so a killed job leaves only
whole lines behind (at most a torn last line, which ``resume`` removes). With ``resume``,
ids already in the output are skipped, so a rerun yields every article exactly once.
"""

from __future__ import annotations

import json
import sys
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, TextIO

from .classifier import Classifier, SentencePrediction
from .labels import LABELS


@dataclass(frozen=True)
class Article:
    """One input article: its id, its text, and where it came from."""

    id: str
    text: str
    source: str


@dataclass(frozen=True)
class BadRecord:
    """An input record that cannot be labeled, and why."""

    where: str
    why: str


@dataclass
class BatchSummary:
    """What a batch run did.

    Attributes:
        done: Articles labeled and written.
        skipped: Articles already in the output (``resume``).
        failed: Input records reported as bad (malformed JSON, missing fields, duplicate ids…).
        errors: One ``"where: why"`` line per failed record.
    """

    done: int = 0
    skipped: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


def _read_jsonl(lines: Iterable[str], name: str) -> Iterator[Article | BadRecord]:
    for number, line in enumerate(lines, start=1):
        where = f"{name}:{number}"
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError as error:
            yield BadRecord(where, f"not valid JSON ({error})")
            continue
        if not isinstance(record, dict):
            yield BadRecord(where, f"expected a JSON object, got {type(record).__name__}")
            continue
        record_id, text = record.get("id"), record.get("text")
        if record_id is None or isinstance(record_id, (dict, list)) or str(record_id) == "":
            yield BadRecord(where, "missing or invalid 'id'")
        elif not isinstance(text, str):
            yield BadRecord(f"{where} (id {record_id})", f"'text' must be a string, got {type(text).__name__}")
        else:
            yield Article(str(record_id), text, where)


def read_articles(inputs: Iterable[str], stdin: TextIO | None = None) -> Iterator[Article | BadRecord]:
    """Stream articles from input paths, in order.

    Args:
        inputs: Paths of ``.txt`` files (one article each, id = the path as given) and
            ``.jsonl`` files (``id`` and ``text`` per line); ``-`` reads standard input,
            as JSONL when its first character is ``{``, else as one plain-text article
            with id ``stdin``.
        stdin: Stream used for ``-`` (default :data:`sys.stdin`).

    Yields:
        An :class:`Article` per record, or a :class:`BadRecord` naming the file and line.
    """
    for name in inputs:
        if name == "-":
            stream = stdin or sys.stdin
            first = stream.read(1)
            if first == "{":
                yield from _read_jsonl(_prepend(first, stream), "<stdin>")
            elif (text := first + stream.read()).strip():
                yield Article("stdin", text, "<stdin>")
            continue
        path = Path(name)
        if not path.is_file():
            yield BadRecord(name, "no such file")
        elif path.suffix == ".jsonl":
            with path.open(encoding="utf-8") as handle:
                yield from _read_jsonl(handle, name)
        else:
            try:
                yield Article(name, path.read_text(encoding="utf-8"), name)
            except UnicodeDecodeError as error:
                yield BadRecord(name, f"not UTF-8 text ({error})")


def _prepend(first: str, stream: TextIO) -> Iterator[str]:
    lines = iter(stream)
    yield first + next(lines, "")
    yield from lines


def completed_ids(output: Path) -> set[str]:
    """Ids already written to an output file, after cutting off a torn last line.

    A job killed mid-write can leave a last line without its newline; it is removed here
    so that the article is labeled again and appears exactly once.

    Args:
        output: The JSONL output of an earlier run (absent means nothing is done yet).

    Returns:
        The ids of the complete lines.
    """
    if not output.exists():
        return set()
    data = output.read_bytes()
    keep = data.rfind(b"\n") + 1
    if keep < len(data):
        with output.open("r+b") as handle:
            handle.truncate(keep)
    ids = set()
    for line in data[:keep].decode("utf-8").splitlines():
        if line.strip():
            ids.add(str(json.loads(line)["id"]))
    return ids


def article_record(article: Article, predictions: list[SentencePrediction]) -> dict[str, Any]:
    """The JSON record written for one labeled article."""
    counts = dict.fromkeys(LABELS, 0)
    for prediction in predictions:
        counts[prediction.label] += 1
    return {
        "id": article.id,
        "source": article.source,
        "counts": counts,
        "sentences": [prediction.to_dict() for prediction in predictions],
    }


def annotate(
    classifier: Classifier,
    records: Iterable[Article | BadRecord],
    sink: IO[str],
    skip_ids: set[str] | None = None,
    on_error: Any = None,
    on_article: Any = None,
) -> BatchSummary:
    """Label a stream of input records and write one JSON line per article to ``sink``.

    Args:
        classifier: The loaded classifier.
        records: Output of :func:`read_articles`.
        sink: Text stream to write JSON lines to; flushed after every line.
        skip_ids: Ids to skip (already complete in the output).
        on_error: Called with each ``"where: why"`` error line as it happens.
        on_article: Called with ``(article, predictions)`` after each article is written.

    Returns:
        The run's :class:`BatchSummary`.
    """
    summary = BatchSummary()
    skip_ids = skip_ids or set()
    seen: dict[str, str] = {}
    queued: deque[Article] = deque()

    def fail(where: str, why: str) -> None:
        summary.failed += 1
        summary.errors.append(f"{where}: {why}")
        if on_error:
            on_error(f"{where}: {why}")

    def texts() -> Iterator[str]:
        for record in records:
            if isinstance(record, BadRecord):
                fail(record.where, record.why)
            elif record.id in seen:
                fail(record.source, f"duplicate id {record.id!r} (first at {seen[record.id]})")
            elif record.id in skip_ids:
                seen[record.id] = record.source
                summary.skipped += 1
            else:
                seen[record.id] = record.source
                queued.append(record)
                yield record.text

    for predictions in classifier.classify_many(texts()):
        article = queued.popleft()
        sink.write(json.dumps(article_record(article, predictions), ensure_ascii=False) + "\n")
        sink.flush()
        summary.done += 1
        if on_article:
            on_article(article, predictions)
    return summary
