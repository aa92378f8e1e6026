"""Stand-off annotations over the raw news corpus: keys, offsets and labels, never the text.

Format (``seeds/real/{train,dev,test}.jsonl``), one annotated article per line::

    {"article": KEY, "sentences": [{"start": 0, "end": 57, "label": "background", "sha": "1a2b3c4d"}, ...]}

``KEY`` is :func:`training.news_corpus.article_key` of the article's block; offsets index the
block and are spans of :func:`inference.split_sentences`; ``sha`` is
:func:`training.news_corpus.sentence_sha` of the span's text, so a span that no longer matches
the corpus is caught. Dev and test list every sentence of their articles; train lists the
sentences that were labeled.

:func:`resolve_standoff` reads the text from the corpus file at run time and returns records
in the written corpus's format (``{id, title, text, topic, sentences}``), with
``"partial": true`` where not every sentence is labeled.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from inference import LABELS, split_sentences

from .news_corpus import load_news_index, sentence_sha

STANDOFF_TOPIC = "news"
_KEY = re.compile(r"^[0-9a-f]{16}$")
_SHA = re.compile(r"^[0-9a-f]{8}$")


class StandoffError(ValueError):
    """Stand-off annotations that do not fit their corpus, naming the file, line or articles."""


def is_standoff_record(record: Any) -> bool:
    """Whether a parsed JSON line is a stand-off annotation (it has ``article``, not ``text``)."""
    return isinstance(record, dict) and "article" in record and "text" not in record


def standoff_problems(record: Any) -> list[str]:
    """Schema problems of one stand-off line (empty if none); the text is not needed."""
    if not isinstance(record, dict) or set(record) != {"article", "sentences"}:
        return ["expected exactly the keys article, sentences"]
    problems = []
    if not isinstance(record["article"], str) or not _KEY.match(record["article"]):
        problems.append("field 'article' must be 16 lowercase hex digits")
    sentences = record["sentences"]
    if not isinstance(sentences, list) or not sentences:
        return problems + ["field 'sentences' must be a non-empty list"]
    position = 0
    for index, sentence in enumerate(sentences):
        where = f"sentences[{index}]"
        if not isinstance(sentence, dict) or set(sentence) != {"start", "end", "label", "sha"}:
            problems.append(f"{where}: expected exactly the keys start, end, label, sha")
            continue
        start, end = sentence["start"], sentence["end"]
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end):
            problems.append(f"{where}: offsets {start}:{end} are not a span")
            continue
        if start < position:
            problems.append(f"{where}: starts at {start}, before the previous sentence ends at {position}")
        position = end
        if sentence["label"] not in LABELS:
            problems.append(f"{where}: unknown label {sentence['label']!r} (expected one of {', '.join(LABELS)})")
        if not isinstance(sentence["sha"], str) or not _SHA.match(sentence["sha"]):
            problems.append(f"{where}: field 'sha' must be 8 lowercase hex digits")
    return problems


def read_standoff(path: str | Path) -> list[dict[str, Any]]:
    """Read and schema-check a stand-off file.

    Raises:
        StandoffError: Listing every problem with its file and line, or a repeated article.
    """
    path = Path(path)
    if not path.is_file():
        raise StandoffError(f"{path}: file not found")
    records, errors, seen = [], [], {}
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except ValueError as error:
                errors.append(f"{path}:{number}: not valid JSON ({error})")
                continue
            errors.extend(f"{path}:{number}: {problem}" for problem in standoff_problems(record))
            if isinstance(record, dict) and record.get("article") in seen:
                errors.append(f"{path}:{number}: article {record['article']} repeats line {seen[record['article']]}")
            if isinstance(record, dict):
                seen.setdefault(record.get("article"), number)
            records.append(record)
    if errors:
        raise StandoffError("\n".join(errors))
    if not records:
        raise StandoffError(f"{path}: no annotated articles")
    return records


def resolve_standoff(path: str | Path, news_corpus: str | Path | None = None) -> list[dict[str, Any]]:
    """Stand-off annotations with their text, in the written corpus's record format.

    Args:
        path: A stand-off JSONL file.
        news_corpus: The corpus file (``None``: ``$SPEECH_ACTS_NEWS_CORPUS`` or the shared copy).

    Returns:
        ``{"id", "title", "text", "topic", "sentences", "partial"}`` per article, in file order.

    Raises:
        NewsCorpusError: If the corpus is missing (naming the key and where to get it).
        StandoffError: If articles are not in the corpus, if spans are not sentences of
            :func:`inference.split_sentences`, or if their ``sha`` does not match, with how many
            spans and which articles.
    """
    path = Path(path)
    records = read_standoff(path)
    index = load_news_index(news_corpus)
    missing = [record["article"] for record in records if record["article"] not in index]
    if missing:
        raise StandoffError(
            f"{path}: {len(missing)} article(s) not in the news corpus: {', '.join(missing[:10])}"
            f"{' …' if len(missing) > 10 else ''} (is it the same ant-news.txt.gz? see seeds/README.md)"
        )
    resolved, mismatched, unsplit = [], {}, {}
    for record in records:
        text = index[record["article"]]
        spans = {(s.start, s.end) for s in split_sentences(text)}
        bad = [
            s for s in record["sentences"]
            if s["end"] > len(text) or sentence_sha(text[s["start"] : s["end"]]) != s["sha"]
        ]
        if bad:
            mismatched[record["article"]] = len(bad)
            continue
        off = [s for s in record["sentences"] if (s["start"], s["end"]) not in spans]
        if off:
            unsplit[record["article"]] = len(off)
        resolved.append({
            "id": record["article"],
            "title": text.split("\n", 1)[0].strip(),
            "text": text,
            "topic": STANDOFF_TOPIC,
            "sentences": [{"start": s["start"], "end": s["end"], "label": s["label"]} for s in record["sentences"]],
            "partial": len(record["sentences"]) < len(spans),
        })
    if mismatched:
        raise StandoffError(
            f"{path}: {sum(mismatched.values())} span(s) whose sha does not match the corpus text, in "
            f"{len(mismatched)} article(s): {', '.join(sorted(mismatched)[:10])}"
        )
    if unsplit:
        raise StandoffError(
            f"{path}: {sum(unsplit.values())} span(s) that are not sentences of split_sentences, in "
            f"{len(unsplit)} article(s): {', '.join(sorted(unsplit)[:10])}"
        )
    return resolved
