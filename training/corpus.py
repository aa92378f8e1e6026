"""Corpus validator and statistics.

Usage::

    python -m training.corpus check [--dir seeds/corpus] [--real seeds/real] [--no-targets]
    python -m training.corpus resolve seeds/real/test.jsonl --news-corpus PATH --output FILE

Checks every split file (schema, offsets, coverage, labels), ids unique across splits,
no sentence repeated or near-duplicated (character 5-gram Jaccard >= 0.7) within or
across splits, prints a statistics table, and checks the corpus targets (size, label
counts, topics, actors, indirect phrasing, hard negatives). It then checks the real-news
stand-off set (:mod:`training.standoff_check`). Exits 1 on any failure.

``resolve`` writes stand-off annotations with their text, in the written corpus's format, to
a file outside the repository (the news text never enters it).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from inference import LABELS

from .corpus_targets import target_problems
from .data import DataError, load_corpus
from .lexicon import has_any_cue, uses_common_cue

SPLITS = ("train", "dev", "test")
REPOSITORY = Path(__file__).resolve().parents[1]
WRITTEN_CORPUS = REPOSITORY / "seeds" / "corpus"
REAL_NEWS = REPOSITORY / "seeds" / "real"
NEAR_DUPLICATE_JACCARD = 0.7
FORMULAIC_MAX_WORDS = 5


@dataclass
class CorpusSentence:
    """One gold sentence with its provenance."""

    split: str
    article_id: str
    index: int
    text: str
    label: str


@dataclass
class CorpusStats:
    """Figures computed over a set of split files."""

    articles: Counter = field(default_factory=Counter)
    labels: dict[str, Counter] = field(default_factory=dict)
    topics: Counter = field(default_factory=Counter)
    actors: set[str] = field(default_factory=set)
    indirect: dict[str, float] = field(default_factory=dict)
    hard_negative_share: float = 0.0


def char_ngrams(text: str, n: int = 5) -> set[str]:
    """Character n-grams of a whitespace-normalized text (the text itself if shorter)."""
    text = " ".join(text.split())
    return {text[i : i + n] for i in range(max(1, len(text) - n + 1))}


def near_duplicates(texts: list[str], threshold: float = NEAR_DUPLICATE_JACCARD) -> list[tuple[int, int, float]]:
    """Pairs of texts whose character 5-gram Jaccard similarity is at least ``threshold``.

    Uses a sparse n-gram incidence matrix, so thousands of sentences take about a second.

    Returns:
        ``(i, j, similarity)`` with ``i < j``.
    """
    from scipy.sparse import csr_matrix

    vocabulary: dict[str, int] = {}
    rows, cols = [], []
    for row, text in enumerate(texts):
        for gram in char_ngrams(text):
            rows.append(row)
            cols.append(vocabulary.setdefault(gram, len(vocabulary)))
    if not texts:
        return []
    matrix = csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(len(texts), len(vocabulary)))
    sizes = np.asarray(matrix.sum(axis=1)).ravel()
    shared = (matrix @ matrix.T).tocoo()
    pairs = []
    for i, j, common in zip(shared.row, shared.col, shared.data):
        if i < j:
            similarity = common / (sizes[i] + sizes[j] - common)
            if similarity >= threshold:
                pairs.append((int(i), int(j), float(similarity)))
    return pairs


def collect(directory: Path, problems: list[str]) -> tuple[list[dict[str, Any]], list[CorpusSentence], CorpusStats]:
    """Load every split, recording problems; return articles, sentences and statistics."""
    stats = CorpusStats()
    articles, sentences = [], []
    for split in SPLITS:
        path = directory / f"{split}.jsonl"
        if not path.is_file():
            problems.append(f"{path}: missing split file")
            continue
        try:
            split_articles = load_corpus(path)
        except DataError as error:
            problems.extend(str(error).splitlines())
            continue
        stats.labels[split] = Counter()
        for article in split_articles:
            article["_split"] = split
            articles.append(article)
            stats.articles[split] += 1
            stats.topics[article["topic"]] += 1
            stats.actors.update(actor.strip() for actor in article.get("actors", []))
            for index, sentence in enumerate(article["sentences"]):
                text = article["text"][sentence["start"] : sentence["end"]]
                sentences.append(CorpusSentence(split, article["id"], index, text, sentence["label"]))
                stats.labels[split][sentence["label"]] += 1
    for label in LABELS[:3]:
        acts = [s for s in sentences if s.label == label]
        stats.indirect[label] = sum(not uses_common_cue(s.text, label) for s in acts) / max(1, len(acts))
    background = [s for s in sentences if s.label == "background"]
    stats.hard_negative_share = sum(has_any_cue(s.text) for s in background) / max(1, len(background))
    return articles, sentences, stats


def is_formulaic(text: str) -> bool:
    """A dateline-like line: no sentence-final punctuation and at most five words.

    Such background lines (``بغداد - وكالات``) repeat across real news by nature, so they
    are exempt from the near-duplicate rule.
    """
    words = [token for token in text.split() if any(char.isalpha() for char in token)]
    return len(words) <= FORMULAIC_MAX_WORDS and not text.rstrip("\"'»”’)]").endswith(tuple(".!?؟…"))


def duplicate_problems(articles: list[dict[str, Any]], sentences: list[CorpusSentence]) -> list[str]:
    """Repeated ids, and repeated or near-duplicate sentences, within or across splits."""
    problems = []
    sentences = [s for s in sentences if not (s.label == "background" and is_formulaic(s.text))]
    seen_ids: dict[str, str] = {}
    for article in articles:
        if article["id"] in seen_ids:
            first = seen_ids[article["id"]]
            problems.append(f"article id {article['id']!r} in {article['_split']} repeats one in {first}")
        seen_ids[article["id"]] = article["_split"]
    for i, j, similarity in near_duplicates([s.text for s in sentences]):
        a, b = sentences[i], sentences[j]
        problems.append(
            f"near-duplicate sentences (Jaccard {similarity:.2f}): {a.split}/{a.article_id}#{a.index} and "
            f"{b.split}/{b.article_id}#{b.index}: {a.text[:60]!r}"
        )
    return problems


def format_stats(stats: CorpusStats) -> str:
    """The statistics table printed by ``check``."""
    header = ["split", "articles", "sentences", *LABELS]
    rows = []
    for split, counts in stats.labels.items():
        rows.append([split, stats.articles[split], sum(counts.values()), *(counts[label] for label in LABELS)])
    totals = sum(stats.labels.values(), Counter())
    rows.append(["total", sum(stats.articles.values()), sum(totals.values()), *(totals[label] for label in LABELS)])
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(str(cell).rjust(width) for cell, width in zip(row, widths)) for row in [header, *rows]]
    topics = ", ".join(f"{topic} {count}" for topic, count in sorted(stats.topics.items()))
    indirect = ", ".join(f"{label} {share:.1%}" for label, share in stats.indirect.items())
    lines += [
        "",
        f"topics ({len(stats.topics)}): {topics}",
        f"distinct named actors: {len(stats.actors)}",
        f"indirect phrasing (act sentences without the label's commonest cue verbs): {indirect}",
        f"hard negatives (background sentences with a cue word): {stats.hard_negative_share:.1%}",
    ]
    return "\n".join(lines)


def check(directory: str | Path, targets: bool = True) -> tuple[list[str], CorpusStats]:
    """Validate a corpus directory.

    Args:
        directory: Folder holding ``train.jsonl``, ``dev.jsonl`` and ``test.jsonl``.
        targets: Also require the corpus targets (:data:`TARGETS`).

    Returns:
        The problems found (empty when the corpus passes) and its statistics.
    """
    problems: list[str] = []
    articles, sentences, stats = collect(Path(directory), problems)
    problems += duplicate_problems(articles, sentences)
    if targets:
        problems += target_problems(stats)
    return problems, stats


def resolve(path: str, news_corpus: str | None, output: str) -> int:
    """Write resolved stand-off articles to ``output`` (refused inside the repository)."""
    import json

    from .standoff import resolve_standoff

    target = Path(output).resolve()
    if REPOSITORY in (target, *target.parents):
        print(f"error: {output} is inside the repository; the news text must stay outside it", file=sys.stderr)
        return 2
    articles = resolve_standoff(path, news_corpus)
    target.write_text("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in articles), encoding="utf-8")
    print(f"{len(articles)} articles, {sum(len(a['sentences']) for a in articles)} sentences -> {target}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run ``check`` or ``resolve``; returns the exit status."""
    from .news_corpus import NewsCorpusError
    from .standoff import StandoffError
    from .standoff_check import check_standoff, format_standoff_stats

    parser = argparse.ArgumentParser(prog="python -m training.corpus", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    check_parser = commands.add_parser("check", help="validate the corpus and print its statistics")
    check_parser.add_argument("--dir", default=str(WRITTEN_CORPUS), help="corpus folder (default: seeds/corpus)")
    check_parser.add_argument("--real", default=str(REAL_NEWS), help="stand-off folder (default: seeds/real)")
    check_parser.add_argument("--news-corpus", help="the raw news corpus (default: the shared copy)")
    check_parser.add_argument("--no-targets", action="store_true", help="skip the corpus size and diversity targets")
    resolve_parser = commands.add_parser("resolve", help="write stand-off annotations with their text")
    resolve_parser.add_argument("standoff", help="a stand-off file, e.g. seeds/real/test.jsonl")
    resolve_parser.add_argument("--news-corpus", help="the raw news corpus (default: the shared copy)")
    resolve_parser.add_argument("--output", required=True, help="a file outside the repository")
    args = parser.parse_args(argv)
    if args.command == "resolve":
        try:
            return resolve(args.standoff, args.news_corpus, args.output)
        except (StandoffError, NewsCorpusError) as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
    problems, stats = check(args.dir, targets=not args.no_targets)
    print(format_stats(stats))
    real_problems, real_stats = check_standoff(args.real, args.news_corpus)
    print(f"\nreal news, stand-off ({args.real}):")
    print(format_standoff_stats(real_stats))
    problems += real_problems if not args.no_targets else [p for p in real_problems if "target" not in p]
    for problem in problems:
        print(f"FAIL {problem}", file=sys.stderr)
    print(f"\n{'FAILED' if problems else 'OK'}: {len(problems)} problem(s)")
    return 1 if problems else 0


def cli() -> None:
    """Console entry point (``speech-acts-corpus``)."""
    sys.exit(main())


if __name__ == "__main__":
    cli()
