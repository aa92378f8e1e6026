"""Reading labeled data: one reader per format, behind :func:`load_examples`.

* the article-level corpus (``seeds/corpus/*.jsonl``): :func:`corpus_examples`;
* stand-off annotations over the raw news corpus (``seeds/real/*.jsonl``):
  :func:`standoff_examples`, text read from the corpus at run time (:mod:`training.standoff`);
* flat ``text,label`` CSV or JSONL files: :func:`flat_examples`.

Every problem is reported with the file and line it comes from; nothing is dropped
silently.

Corpus format (``seeds/corpus/*.jsonl``), one article per line::

    {"id": ..., "title": ..., "text": ..., "topic": ..., "actors": [...],
     "sentences": [{"start": 0, "end": 42, "label": "background"}, ...]}

``text[start:end]`` is exactly the sentence; sentences are in order, never overlap, and
cover every non-blank character of ``text`` (unless the record says ``"partial": true``, as
resolved stand-off train articles do, where only some sentences are labeled).

Flat format: CSV with a header, or JSONL, with a text column and a label column (names
configurable, ``text`` and ``label`` by default).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from inference import LABELS

CORPUS_FIELDS = ("id", "title", "text", "topic", "sentences")


class DataError(ValueError):
    """Labeled data that cannot be used, with the file and line at fault."""


@dataclass(frozen=True)
class Example:
    """One labeled sentence.

    Attributes:
        text: The sentence.
        label: One of :data:`inference.LABELS`.
        where: ``file:line`` it came from (plus the sentence index for corpus articles).
    """

    text: str
    label: str
    where: str


def article_problems(record: Any) -> list[str]:
    """Everything wrong with one corpus article record (empty list if nothing).

    Args:
        record: A parsed JSON line of the corpus.

    Returns:
        Human-readable problems, each naming the field or sentence at fault.
    """
    if not isinstance(record, dict):
        return [f"expected a JSON object, got {type(record).__name__}"]
    problems = [f"missing field '{name}'" for name in CORPUS_FIELDS if name not in record]
    if problems:
        return problems
    text, sentences = record["text"], record["sentences"]
    for name in ("id", "title", "text", "topic"):
        if not isinstance(record[name], str) or not record[name].strip():
            problems.append(f"field '{name}' must be a non-empty string")
    if "actors" in record and not (
        isinstance(record["actors"], list) and all(isinstance(a, str) and a.strip() for a in record["actors"])
    ):
        problems.append("field 'actors' must be a list of non-empty strings")
    if not isinstance(sentences, list) or not sentences:
        return problems + ["field 'sentences' must be a non-empty list"]
    if problems:
        return problems
    partial = record.get("partial", False)
    if not isinstance(partial, bool):
        problems.append("field 'partial' must be true or false")
    if record["title"] != text.split("\n", 1)[0].strip():
        problems.append("field 'title' is not the first line of 'text'")
    position = 0
    for index, sentence in enumerate(sentences):
        where = f"sentences[{index}]"
        if not isinstance(sentence, dict) or set(sentence) != {"start", "end", "label"}:
            problems.append(f"{where}: expected exactly the keys start, end, label")
            continue
        start, end, label = sentence["start"], sentence["end"], sentence["label"]
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)):
            problems.append(f"{where}: offsets {start}:{end} are not inside the text (length {len(text)})")
            continue
        if label not in LABELS:
            problems.append(f"{where}: unknown label {label!r} (expected one of {', '.join(LABELS)})")
        if start < position:
            problems.append(f"{where}: starts at {start}, before the previous sentence ends at {position}")
        elif text[position:start].strip() and not partial:
            problems.append(f"{where}: text {text[position:start].strip()[:40]!r} before it belongs to no sentence")
        if text[start:end] != text[start:end].strip():
            problems.append(f"{where}: sentence {start}:{end} starts or ends with whitespace")
        position = max(position, end)
    if text[position:].strip() and not partial:
        problems.append(f"text {text[position:].strip()[:40]!r} after the last sentence belongs to no sentence")
    return problems


def read_jsonl(path: Path) -> Iterator[tuple[int, Any]]:
    """Yield ``(line_number, parsed_object)`` for every non-blank line of a JSONL file.

    Raises:
        DataError: On a line that is not valid JSON, naming the file and line.
    """
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if line.strip():
                try:
                    yield number, json.loads(line)
                except ValueError as error:
                    raise DataError(f"{path}:{number}: not valid JSON ({error})") from None


def load_corpus(path: str | Path) -> list[dict[str, Any]]:
    """Load and check an article-level corpus file.

    Args:
        path: A corpus JSONL file.

    Returns:
        The article records.

    Raises:
        DataError: Listing every problem found, each with its file and line.
    """
    path = Path(path)
    articles, errors = [], []
    for number, record in read_jsonl(path):
        problems = article_problems(record)
        errors.extend(f"{path}:{number}: {problem}" for problem in problems)
        articles.append(record)
    if errors:
        raise DataError("\n".join(errors))
    return articles


def article_examples(articles: list[dict[str, Any]], path: str | Path) -> list[Example]:
    """The labeled sentences of article records (corpus format), in order."""
    examples = []
    for number, article in enumerate(articles, start=1):
        for index, sentence in enumerate(article["sentences"]):
            text = article["text"][sentence["start"] : sentence["end"]]
            examples.append(Example(text, sentence["label"], f"{path}:{number} sentence {index}"))
    return examples


def corpus_examples(path: str | Path) -> list[Example]:
    """The labeled sentences of a corpus file, in order."""
    return article_examples(load_corpus(path), path)


def standoff_examples(path: str | Path, news_corpus: str | Path | None = None) -> list[Example]:
    """The labeled sentences of a stand-off file, text read from the news corpus.

    Raises:
        StandoffError: If the annotations do not fit the corpus (:func:`training.standoff.resolve_standoff`).
        NewsCorpusError: If the corpus is missing.
    """
    from .standoff import resolve_standoff

    return article_examples(resolve_standoff(path, news_corpus), path)


def _flat_rows(path: Path) -> Iterator[tuple[int, Any]]:
    if path.suffix == ".csv":
        with path.open(encoding="utf-8", newline="") as handle:
            # Line numbers count the header as line 1.
            yield from enumerate(csv.DictReader(handle), start=2)
    else:
        yield from read_jsonl(path)


def flat_examples(path: str | Path, text_column: str = "text", label_column: str = "label") -> list[Example]:
    """Labeled sentences from a flat CSV or JSONL file.

    Args:
        path: The file.
        text_column: Name of the sentence column.
        label_column: Name of the label column.

    Returns:
        The examples, in file order.

    Raises:
        DataError: On a missing column, an empty text or an unknown label, naming file and line.
    """
    path = Path(path)
    examples = []
    for number, row in _flat_rows(path):
        where = f"{path}:{number}"
        if not isinstance(row, dict):
            raise DataError(f"{where}: expected an object with '{text_column}' and '{label_column}'")
        for column in (text_column, label_column):
            if row.get(column) is None:
                raise DataError(f"{where}: missing column '{column}'")
        text, label = row[text_column], row[label_column]
        if not isinstance(text, str) or not text.strip():
            raise DataError(f"{where}: empty text in column '{text_column}'")
        if label not in LABELS:
            raise DataError(f"{where}: unknown label {label!r} (expected one of {', '.join(LABELS)})")
        examples.append(Example(text.strip(), label, where))
    return examples


def file_format(path: str | Path) -> str:
    """``"standoff"``, ``"corpus"`` or ``"flat"``, from the first record of the file."""
    path = Path(path)
    if path.suffix != ".jsonl":
        return "flat"
    for _, record in read_jsonl(path):
        if isinstance(record, dict) and "article" in record and "text" not in record:
            return "standoff"
        return "corpus" if isinstance(record, dict) and "sentences" in record else "flat"
    return "flat"


def load_examples(
    path: str | Path, text_column: str = "text", label_column: str = "label", news_corpus: str | Path | None = None
) -> list[Example]:
    """Labeled sentences from a corpus, stand-off or flat CSV/JSONL file, whichever it is.

    Args:
        path: The file.
        text_column: Flat files: the sentence column.
        label_column: Flat files: the label column.
        news_corpus: Stand-off files: the raw news corpus (default: the shared copy).

    Raises:
        DataError: If the file is missing, empty or malformed, naming the file and line.
        NewsCorpusError: If a stand-off file's corpus is missing.
    """
    from .standoff import StandoffError

    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path}: file not found")
    if path.suffix not in (".jsonl", ".csv"):
        raise DataError(f"{path}: expected a .jsonl or .csv file")
    kind = file_format(path)
    try:
        if kind == "standoff":
            examples = standoff_examples(path, news_corpus)
        elif kind == "corpus":
            examples = corpus_examples(path)
        else:
            examples = flat_examples(path, text_column, label_column)
    except StandoffError as error:
        raise DataError(str(error)) from None
    if not examples:
        raise DataError(f"{path}: no examples")
    return examples
