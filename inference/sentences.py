"""Sentence splitting for Arabic news articles, with exact character offsets.

The splitter is rule based and deliberately conservative, because every sentence it
produces is labeled on its own:

* a line break always ends a sentence (headlines, datelines and captions stand alone);
* ``.`` ``!`` ``?`` ``؟`` ``…`` end a sentence when whitespace, a NUL, a bidi control
  character or the end of the text follows them, after any closing quotes or brackets, which
  stay with the sentence; so do closing bidi controls (PDF, PDI, LRM, RLM), which end it too;
* ``،`` and ``؛`` never end a sentence, and neither does a dot inside a number, a date
  or a URL (no whitespace follows it), after a single letter (``د.``, ``أ.ف.ب``), after a
  known abbreviation, or after a bare list number (``1.``);
* whitespace, NUL and bidi controls alone are no sentence.

It takes time linear in the text, whatever the text (no regular expression backtracks).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_TERMINALS = ".!?؟…"
_CLOSERS = "\"'»”’)]}›"
# Bidi controls: embeddings and overrides (LRE RLE PDF LRO RLO), isolates (LRI RLI FSI PDI), marks (LRM RLM).
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")
# Those that close a run or mark the direction of what precedes them: they stay with the sentence.
_BIDI_CLOSERS = "\u202c\u2069\u200e\u200f"
# A run of terminal marks, then of closing quotes, brackets and bidi closers. Plain character classes,
# so matching is linear however long the run (no backtracking on hostile input).
_RUN = re.compile(rf"[{re.escape(_TERMINALS)}]+[{re.escape(_CLOSERS)}{_BIDI_CLOSERS}]*")
# Abbreviations that end in a dot but rarely end a sentence (compared without the dot).
_ABBREVIATIONS = frozenset(
    {"Dr", "Mr", "Mrs", "Ms", "Prof", "St", "No", "vs", "etc", "e.g", "i.e", "U.S", "U.K", "U.N",
     "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec",
     "ص.ب", "ق.م", "م.م", "ج.م.ع"}
)


@dataclass(frozen=True)
class Sentence:
    """A sentence of an article and where it lies in it.

    Attributes:
        text: The sentence, exactly ``article[start:end]``.
        start: Offset of its first character in the article.
        end: Offset just past its last character.
    """

    text: str
    start: int
    end: int


def _ends_sentence(line: str, run: re.Match[str]) -> bool:
    """Whether a run of terminal marks ends a sentence: a bidi closer is in it, or a blank follows it."""
    if any(char in _BIDI_CLOSERS for char in run.group()):
        return True
    after = line[run.end() : run.end() + 1]
    return after == "" or after.isspace() or after == "\0" or after in _BIDI_CONTROLS


def _is_abbreviation(line: str, start: int, dot: int) -> bool:
    """Whether the single dot at ``line[dot]`` ends an abbreviation, not the sentence begun at ``start``."""
    begin = dot
    while begin > start and not line[begin - 1].isspace():
        begin -= 1
    if begin == dot:
        return False
    token = line[begin:dot].lstrip("\"'«“‘([{")
    if token in _ABBREVIATIONS:
        return True
    # Single letters (د. ، م. ، أ.ف.ب) and dotted initialisms (أ.ف.ب ، U.S).
    if all(len(part) == 1 and part.isalpha() for part in token.split(".")):
        return True
    # A bare list number ("1.") opening the sentence is an item marker, not a sentence.
    before = begin
    while before > start and line[before - 1].isspace():
        before -= 1
    return token.isdigit() and before == start


def _blank(char: str) -> bool:
    return char.isspace() or char == "\0"


def _split_line(line: str, offset: int) -> list[Sentence]:
    bounds = []
    start = 0
    for run in _RUN.finditer(line):
        if not _ends_sentence(line, run):
            continue
        if run.group().rstrip(_BIDI_CLOSERS) == "." and _is_abbreviation(line, start, run.start()):
            continue
        bounds.append((start, run.end()))
        start = run.end()
    bounds.append((start, len(line)))
    spans = []
    for begin, end in bounds:
        while begin < end and _blank(line[begin]):
            begin += 1
        while end > begin and _blank(line[end - 1]):
            end -= 1
        if begin == end:
            continue
        if not all(char in _BIDI_CONTROLS for char in line[begin:end]):  # bidi controls alone are no sentence
            spans.append(Sentence(line[begin:end], offset + begin, offset + end))
    return spans


def split_sentences(article: str) -> list[Sentence]:
    """Split an article into sentences whose offsets slice back to the original text.

    Args:
        article: The article as fetched: title line, dateline, paragraphs on their own lines.

    Returns:
        The non-blank sentences in reading order; for each, ``article[s.start:s.end] == s.text``.
        Leading and trailing whitespace (and NUL) is never part of a sentence, and bidi control
        characters alone make none.

    Raises:
        TypeError: If ``article`` is not a string.
    """
    if not isinstance(article, str):
        raise TypeError(f"article must be a str, got {type(article).__name__}")
    sentences: list[Sentence] = []
    offset = 0
    for line in article.splitlines(keepends=True):
        sentences.extend(_split_line(line.rstrip("\r\n"), offset))
        offset += len(line)
    return sentences
