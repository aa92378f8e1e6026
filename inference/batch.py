r"""Batch annotation: read articles, label them, write one JSON line per article.

Input records stream from ``.txt`` files (one article each, its path as id), JSONL files
(``{"id": ..., "text": ...}`` per line) or standard input. Files are read as bytes and decoded
here, so that:

* a line of a JSONL file that is not UTF-8 is reported as a bad record, and the rest is read;
* JSONL lines are split at ``\n`` only, as JSON writes them (never at U+2028, U+2029 or U+0085);
* a UTF-8 byte order mark at the start of a file is dropped;
* the text of a ``.txt`` file keeps its newlines as they are (``\r\n`` stays ``\r\n``), so
  sentence offsets index the file's decoded text.

Each article's line is written and flushed as soon as it is labeled, in one ``write`` call, so
a killed job leaves only whole lines behind (at most a torn last line, which ``--resume``
removes; see :mod:`inference.resume`).
"""

from __future__ import annotations

import json
import sys
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, BinaryIO, TextIO

from .classifier import Classifier, SentencePrediction
from .labels import label_counts

BOM = "\ufeff"
JSONL_SUFFIX = ".jsonl"


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
        foreign: Ids to skip (already in the output) that none of the inputs had.
    """

    done: int = 0
    skipped: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)
    foreign: int = 0


def _decode(raw: bytes | str, where: str) -> str | BadRecord:
    """``raw`` as text, or a bad record naming the first byte that is not UTF-8."""
    if isinstance(raw, str):
        return raw
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        return BadRecord(where, f"not UTF-8 (byte {raw[error.start]:#04x} at offset {error.start})")


def read_jsonl_lines(lines: Iterable[bytes | str], name: str, first_line: int = 1) -> Iterator[Article | BadRecord]:
    """Records of JSONL lines, numbered as lines of the file ``name`` from ``first_line`` on.

    The reader behind :func:`read_articles`, also used on a slice of a file (a shard of
    :mod:`inference.shards`), so that every bad record is reported with its line in the whole
    file. A byte order mark is dropped only from line 1.

    Args:
        lines: Lines as bytes (decoded here; a line that is not UTF-8 is a bad record) or str.
        name: The file, as reported in ``source`` and in bad records.
        first_line: The number of the first line in the file.

    Yields:
        An :class:`Article` per record, or a :class:`BadRecord`; blank lines are skipped.
    """
    for number, raw in enumerate(lines, start=first_line):
        where = f"{name}:{number}"
        line = _decode(raw, where)
        if isinstance(line, BadRecord):
            yield line
            continue
        if number == 1:
            line = line.removeprefix(BOM)
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
        elif not (_encodable(str(record_id)) and _encodable(text)):
            yield BadRecord(where, "'id' or 'text' holds a lone surrogate (\\ud800-\\udfff), which cannot be written")
        else:
            yield Article(str(record_id), text, where)


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def read_articles(inputs: Iterable[str], stdin: TextIO | None = None) -> Iterator[Article | BadRecord]:
    """Stream articles from input paths, in order.

    Args:
        inputs: Paths of ``.txt`` files (one article each, id = the path as given) and
            ``.jsonl`` files (``id`` and ``text`` per line; the suffix in any case); ``-``
            reads standard input, as JSONL when its first character is ``{``, else as one
            plain-text article with id ``stdin``.
        stdin: Stream used for ``-`` (default :data:`sys.stdin`, read as bytes).

    Yields:
        An :class:`Article` per record, or a :class:`BadRecord` naming the file and line: a
        missing or unreadable file, a line that is not UTF-8 or not a JSON object with ``id``
        and ``text``. Reading goes on after a bad record.
    """
    for name in inputs:
        if name == "-":
            yield from _read_stdin(stdin or sys.stdin)
            continue
        path = Path(name)
        if not path.exists():
            yield BadRecord(name, "no such file")
        elif not path.is_file():
            yield BadRecord(name, "not a file")
        else:
            try:
                yield from _read_file(path, name)
            except OSError as error:
                yield BadRecord(name, f"cannot read ({error.strerror or error})")


def _read_file(path: Path, name: str) -> Iterator[Article | BadRecord]:
    if path.suffix.lower() == JSONL_SUFFIX:
        with path.open("rb") as handle:  # binary lines split at b"\n" only
            yield from read_jsonl_lines(handle, name)
        return
    text = _decode(path.read_bytes(), name)
    yield text if isinstance(text, BadRecord) else Article(name, text.removeprefix(BOM), name)


def _read_stdin(stream: TextIO) -> Iterator[Article | BadRecord]:
    """Standard input, as bytes when it has a binary buffer (a text stream such as ``StringIO`` otherwise)."""
    handle: BinaryIO | TextIO = getattr(stream, "buffer", None) or stream
    first = handle.readline()
    if isinstance(first, bytes):
        is_jsonl = first.removeprefix(BOM.encode("utf-8")).startswith(b"{")
    else:
        is_jsonl = first.removeprefix(BOM).startswith("{")
    if is_jsonl:
        yield from read_jsonl_lines(_prepend(first, handle), "<stdin>")
        return
    text = _decode(first + handle.read(), "<stdin>")
    if isinstance(text, BadRecord):
        yield text
    elif text.strip():
        yield Article("stdin", text.removeprefix(BOM), "<stdin>")


def _prepend(first: bytes | str, handle: BinaryIO | TextIO) -> Iterator[bytes | str]:
    yield first
    yield from handle


def article_record(article: Article, predictions: list[SentencePrediction]) -> dict[str, Any]:
    """The JSON record written for one labeled article."""
    return {
        "id": article.id,
        "source": article.source,
        "counts": label_counts(prediction.label for prediction in predictions),
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
        skip_ids: Ids to skip (already complete in the output); those no input has are counted
            as ``foreign`` in the summary.
        on_error: Called with each ``"where: why"`` error line as it happens.
        on_article: Called with ``(article, predictions)`` after each article is written.

    Returns:
        The run's :class:`BatchSummary`. An article whose scores are not finite is reported as
        failed and not written: the output never holds ``NaN``, which is not JSON.
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
        try:
            line = json.dumps(article_record(article, predictions), ensure_ascii=False, allow_nan=False)
        except ValueError:
            fail(article.source, f"id {article.id!r}: the model gave non-finite scores (NaN or infinity); not written")
            continue
        sink.write(line + "\n")
        sink.flush()
        summary.done += 1
        if on_article:
            on_article(article, predictions)
    summary.foreign = len(skip_ids - seen.keys())
    return summary
