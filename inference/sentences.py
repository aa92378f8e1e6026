"""Sentence splitting for Arabic news articles, with exact character offsets.

The splitter is rule based and deliberately conservative, because every sentence it
produces is labeled on its own:

* a line break always ends a sentence (headlines, datelines and captions stand alone);
* ``.`` ``!`` ``?`` ``؟`` ``…`` end a sentence when whitespace or the end of the text
  follows them, after any closing quotes or brackets, which stay with the sentence;
* ``،`` and ``؛`` never end a sentence, and neither does a dot inside a number, a date
  or a URL (no whitespace follows it), after a single letter (``د.``, ``أ.ف.ب``), after a
  known abbreviation, or after a bare list number (``1.``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_TERMINALS = ".!?؟…"
_CLOSERS = "\"'»”’)]}›"
# A run of terminal marks, then closing quotes/brackets, then whitespace or the end.
_BOUNDARY = re.compile(rf"[{re.escape(_TERMINALS)}]+[{re.escape(_CLOSERS)}]*(?=\s|$)")
_LAST_TOKEN = re.compile(r"(\S+)$")
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


def _is_abbreviation(segment: str) -> bool:
    """Whether a segment ending in a single dot ends with an abbreviation, not a sentence."""
    match = _LAST_TOKEN.search(segment[:-1])
    if match is None:
        return False
    token = match.group(1).lstrip("\"'«“‘([{")
    if token in _ABBREVIATIONS:
        return True
    # Single letters (د. ، م. ، أ.ف.ب) and dotted initialisms (أ.ف.ب ، U.S).
    if all(len(part) == 1 and part.isalpha() for part in token.split(".")):
        return True
    # A bare list number ("1.") opening the segment is an item marker, not a sentence.
    return token.isdigit() and segment[: match.start()].strip() == ""


def _split_line(line: str, offset: int) -> list[Sentence]:
    sentences = []
    start = 0
    for match in _BOUNDARY.finditer(line):
        end = match.end()
        if match.group() == "." and _is_abbreviation(line[start:end]):
            continue
        sentences.append((start, end))
        start = end
    sentences.append((start, len(line)))
    spans = []
    for begin, end in sentences:
        piece = line[begin:end]
        stripped = piece.strip()
        if stripped:
            first = begin + (len(piece) - len(piece.lstrip()))
            spans.append(Sentence(stripped, offset + first, offset + first + len(stripped)))
    return spans


def split_sentences(article: str) -> list[Sentence]:
    """Split an article into sentences whose offsets slice back to the original text.

    Args:
        article: The article as fetched: title line, dateline, paragraphs on their own lines.

    Returns:
        The non-blank sentences in reading order; for each, ``article[s.start:s.end] == s.text``.
        Leading and trailing whitespace is never part of a sentence.

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
