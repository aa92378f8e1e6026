"""The raw news corpus (ANT news, ``../shared/corpora/ant-news``): articles, keys and story groups.

The corpus file holds one article per block: the title line, then one paragraph per line,
and a blank line between articles. An article's key is the first 16 hex digits of SHA-256
over its block (UTF-8), so keys stay the same wherever the file is rebuilt. Its text never
enters this repository: stand-off annotations (:mod:`training.standoff`) keep keys, offsets
and labels, and the text is read from this file at run time.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .lexicon import simplify

NEWS_CORPUS_ENV = "SPEECH_ACTS_NEWS_CORPUS"
DEFAULT_NEWS_CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpora" / "ant-news" / "ant-news.txt.gz"
"""Where the shared copy lies: ``../shared/corpora/ant-news/`` beside the repository."""

GET_CORPUS_HINT = (
    "set the news_corpus config key (or --news-corpus, or $SPEECH_ACTS_NEWS_CORPUS) to a copy of ant-news.txt.gz; "
    "seeds/README.md says how to rebuild it from the public ANT corpus v2.1"
)

STORY_NGRAM = 4
STORY_MIN_SHARED = 8
STORY_CONTAINMENT = 0.3
STORY_MAX_POSTING = 40
_WORD = re.compile(r"[\w\u0621-\u064A]+")


class NewsCorpusError(FileNotFoundError):
    """The raw news corpus is missing or unreadable; the message says where to get it."""


@dataclass(frozen=True)
class NewsArticle:
    r"""One article of the raw corpus.

    Attributes:
        key: First 16 hex digits of SHA-256 over ``text`` (UTF-8).
        text: The block: title line and paragraph lines joined by ``\\n``.
    """

    key: str
    text: str

    @property
    def title(self) -> str:
        """The first line."""
        return self.text.split("\n", 1)[0]


def article_key(block: str) -> str:
    """The stand-off key of an article block."""
    return hashlib.sha256(block.encode("utf-8")).hexdigest()[:16]


def sentence_sha(text: str) -> str:
    """First 8 hex digits of SHA-256 over a sentence, to catch spans that no longer match."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]


def resolve_news_corpus_path(path: str | Path | None = None, key_name: str = "news_corpus") -> Path:
    """The corpus file to read: ``path``, else ``$SPEECH_ACTS_NEWS_CORPUS``, else the shared copy.

    Args:
        path: An explicit path (a config key or command-line option), or ``None``.
        key_name: The config key or option named in the error.

    Raises:
        NewsCorpusError: If the file does not exist, naming the key and where to get it.
    """
    chosen = Path(path or os.environ.get(NEWS_CORPUS_ENV) or DEFAULT_NEWS_CORPUS)
    if not chosen.is_file():
        raise NewsCorpusError(f"news corpus not found at {chosen} ({key_name}); {GET_CORPUS_HINT}")
    return chosen


def news_corpus_available(path: str | Path | None = None) -> bool:
    """Whether the corpus can be read (tests skip without it)."""
    try:
        resolve_news_corpus_path(path)
    except NewsCorpusError:
        return False
    return True


def _read_text(path: Path) -> str:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        return handle.read()


def iter_news_articles(path: str | Path | None = None) -> Iterator[NewsArticle]:
    """Yield every article of a corpus file (``.txt`` or ``.txt.gz``), in file order.

    Raises:
        NewsCorpusError: If the file is missing.
    """
    for block in _read_text(resolve_news_corpus_path(path)).split("\n\n"):
        block = block.strip("\n")
        if block.strip():
            yield NewsArticle(article_key(block), block)


@lru_cache(maxsize=2)
def _news_index(path: Path) -> dict[str, str]:
    return {article.key: article.text for article in iter_news_articles(path)}


def load_news_index(path: str | Path | None = None) -> dict[str, str]:
    """All articles by key (read once per process and cached)."""
    return _news_index(resolve_news_corpus_path(path))


def _shingles(text: str) -> set[int]:
    words = _WORD.findall(simplify(text))
    return {hash(tuple(words[i : i + STORY_NGRAM])) for i in range(len(words) - STORY_NGRAM + 1)}


def story_groups(articles: Iterable[NewsArticle]) -> dict[str, str]:
    """Group articles that tell the same story, so that no story straddles two splits.

    Two articles are linked when they share at least ``STORY_MIN_SHARED`` word 4-grams
    (after :func:`training.lexicon.simplify`) and the shared 4-grams make up at least
    ``STORY_CONTAINMENT`` of the smaller article's. This catches the same outlet publishing
    twice and agency copy taken up by several outlets. 4-grams found in more than
    ``STORY_MAX_POSTING`` articles are boilerplate («اقرأ أيضاً», sign-offs) and ignored. Groups
    are the connected components of the links.

    Returns:
        Each article key mapped to its group id, the smallest key in its group.
    """
    keys, sizes = [], []
    postings: defaultdict[int, list[int]] = defaultdict(list)
    for index, article in enumerate(articles):
        shingles = _shingles(article.text)
        keys.append(article.key)
        sizes.append(len(shingles))
        for shingle in shingles:
            postings[shingle].append(index)
    shared: Counter[tuple[int, int]] = Counter()
    for holders in postings.values():
        if 1 < len(holders) <= STORY_MAX_POSTING:
            for position, first in enumerate(holders):
                for second in holders[position + 1 :]:
                    shared[first, second] += 1
    parent = list(range(len(keys)))

    def find(node: int) -> int:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for (first, second), count in shared.items():
        if count >= STORY_MIN_SHARED and count >= STORY_CONTAINMENT * max(1, min(sizes[first], sizes[second])):
            parent[find(first)] = find(second)
    members: defaultdict[int, list[str]] = defaultdict(list)
    for index, key in enumerate(keys):
        members[find(index)].append(key)
    return {key: min(group) for group in members.values() for key in group}
