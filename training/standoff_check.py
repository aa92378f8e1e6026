"""Checks of the real-news stand-off set (``seeds/real/``): schema, offsets, sha, splits, targets.

Run by ``python -m training.corpus check``. Without the news corpus only the schema is checked
(the text, and so offsets, sha and story groups, cannot be).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from inference import LABELS

from .lexicon import has_any_cue
from .news_corpus import NewsCorpusError, iter_news_articles, news_corpus_available, story_groups
from .standoff import StandoffError, read_standoff, resolve_standoff

SPLITS = ("train", "dev", "test")
TARGETS = {"held_out_articles": 100, "held_out_act": 60, "train_sentences": 3500, "train_act": 500,
           "train_cue_background": 800}


def check_standoff(directory: str | Path, news_corpus: str | Path | None = None) -> tuple[list[str], dict[str, Any]]:
    """Validate the stand-off split files of ``directory``.

    Returns:
        The problems found (empty when all pass) and statistics: articles and label counts per
        split, and the train split's background sentences holding a cue word in another sense.
    """
    directory = Path(directory)
    problems: list[str] = []
    records: dict[str, list[dict[str, Any]]] = {}
    for split in SPLITS:
        try:
            records[split] = read_standoff(directory / f"{split}.jsonl")
        except StandoffError as error:
            problems.extend(str(error).splitlines())
    seen: dict[str, str] = {}
    for split, lines in records.items():
        for record in lines:
            if record["article"] in seen:
                problems.append(f"article {record['article']} is in both {seen[record['article']]} and {split}")
            seen.setdefault(record["article"], split)
    stats: dict[str, Any] = {
        "articles": {split: len(lines) for split, lines in records.items()},
        "labels": {
            split: Counter(s["label"] for record in lines for s in record["sentences"])
            for split, lines in records.items()
        },
    }
    if not news_corpus_available(news_corpus):
        stats["skipped"] = "news corpus not found: offsets, sha, coverage and story groups not checked"
        return problems, stats
    resolved: dict[str, list[dict[str, Any]]] = {}
    for split in records:
        try:
            resolved[split] = resolve_standoff(directory / f"{split}.jsonl", news_corpus)
        except (StandoffError, NewsCorpusError) as error:
            problems.extend(str(error).splitlines())
    for split in ("dev", "test"):
        partial = [a["id"] for a in resolved.get(split, []) if a["partial"]]
        if partial:
            problems.append(f"{split}: {len(partial)} article(s) not labeled in full: {', '.join(partial[:5])}")
    groups = story_groups(iter_news_articles(news_corpus))
    story_split: dict[str, str] = {}
    for split, lines in records.items():
        for record in lines:
            group = groups.get(record["article"], record["article"])
            if story_split.setdefault(group, split) != split:
                problems.append(f"story of {record['article']} ({split}) also has articles in {story_split[group]}")
    train = resolved.get("train", [])
    stats["train_cue_background"] = sum(
        has_any_cue(article["text"][s["start"] : s["end"]])
        for article in train for s in article["sentences"] if s["label"] == "background"
    )
    problems += _target_problems(stats)
    return problems, stats


def _target_problems(stats: dict[str, Any]) -> list[str]:
    problems = []
    for split in ("dev", "test"):
        if stats["articles"].get(split, 0) < TARGETS["held_out_articles"]:
            problems.append(f"target not met: {split} articles {stats['articles'].get(split, 0)} < 100")
        for label in LABELS[:3]:
            if stats["labels"].get(split, Counter())[label] < TARGETS["held_out_act"]:
                problems.append(f"target not met: {split} {label} sentences < {TARGETS['held_out_act']}")
    train = stats["labels"].get("train", Counter())
    if sum(train.values()) < TARGETS["train_sentences"]:
        problems.append(f"target not met: train sentences {sum(train.values())} < {TARGETS['train_sentences']}")
    for label in LABELS[:3]:
        if train[label] < TARGETS["train_act"]:
            problems.append(f"target not met: train {label} {train[label]} < {TARGETS['train_act']}")
    if stats.get("train_cue_background", 0) < TARGETS["train_cue_background"]:
        problems.append(f"target not met: train background with a cue word {stats.get('train_cue_background')} < 800")
    return problems


def format_standoff_stats(stats: dict[str, Any]) -> str:
    """The table printed by ``check`` for the stand-off set."""
    header = ["split", "articles", "sentences", *LABELS]
    rows = [[split, stats["articles"][split], sum(counts.values()), *(counts[label] for label in LABELS)]
            for split, counts in stats["labels"].items()]
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(str(cell).rjust(width) for cell, width in zip(row, widths)) for row in [header, *rows]]
    if "train_cue_background" in stats:
        lines.append(f"train background sentences holding a cue word in another sense: {stats['train_cue_background']}")
    if "skipped" in stats:
        lines.append(stats["skipped"])
    return "\n".join(lines)
