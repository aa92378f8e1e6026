"""An HTML view of labeled articles: right to left, each sentence in its label's color.

Every piece of article text goes through :func:`html.escape`, so markup inside an
article (``<script>``, ``<img onerror=…>``) is shown as inert text.
"""

from __future__ import annotations

import html
from pathlib import Path
from types import TracebackType
from typing import TextIO

from .classifier import SentencePrediction
from .labels import LABELS, label_counts

LABEL_COLORS: dict[str, str] = {
    "demand": "#ffd166",
    "warning": "#ef476f",
    "refusal": "#118ab2",
    "background": "#eeeeee",
}
LABEL_NAMES_AR: dict[str, str] = {"demand": "مطالبة", "warning": "تحذير", "refusal": "رفض", "background": "خلفية"}

_STYLE = """
body { font-family: "Noto Naskh Arabic", "Amiri", "Arial", sans-serif; margin: 2rem auto; max-width: 60rem;
       line-height: 2; background: #fafafa; color: #222; }
article { background: #fff; border: 1px solid #ddd; border-radius: 8px; padding: 1rem 1.5rem; margin-bottom: 2rem; }
article h2 { font-size: 1rem; color: #555; margin: 0 0 .5rem; direction: ltr; text-align: left; }
.text { white-space: pre-wrap; font-size: 1.15rem; }
.s { border-radius: 4px; padding: 0 2px; }
.legend span, .counts span { display: inline-block; margin: 0 .4rem .4rem 0; padding: 0 .5rem; border-radius: 4px; }
.counts { font-size: .9rem; }
"""


def _label_style(label: str) -> str:
    color = LABEL_COLORS[label]
    text_color = "#fff" if label in ("warning", "refusal") else "#222"
    return f"background:{color};color:{text_color}"


def legend_html() -> str:
    """The color legend, one swatch per label."""
    swatches = "".join(
        f'<span class="s" style="{_label_style(label)}">{label} · {LABEL_NAMES_AR[label]}</span>' for label in LABELS
    )
    return f'<div class="legend" dir="ltr">{swatches}</div>'


def article_html(article_id: str, text: str, predictions: list[SentencePrediction]) -> str:
    """One article as an HTML ``<article>`` element.

    Args:
        article_id: Shown as the article's heading.
        text: The full article text the predictions' offsets refer to.
        predictions: The article's sentence predictions, in order.

    Returns:
        Escaped HTML: the text right to left, each sentence highlighted in its label's color,
        its probabilities in a hover tooltip, and the article's label counts.
    """
    pieces = []
    position = 0
    counts = label_counts(prediction.label for prediction in predictions)
    for prediction in predictions:
        pieces.append(html.escape(text[position : prediction.start]))
        tooltip = f"{prediction.label} {prediction.score:.2f} — " + ", ".join(
            f"{label} {prediction.probabilities[label]:.2f}" for label in LABELS
        )
        pieces.append(
            f'<span class="s {prediction.label}" style="{_label_style(prediction.label)}" '
            f'title="{html.escape(tooltip)}">{html.escape(text[prediction.start : prediction.end])}</span>'
        )
        position = prediction.end
    pieces.append(html.escape(text[position:]))
    badges = "".join(f'<span style="{_label_style(label)}">{label}: {counts[label]}</span>' for label in LABELS)
    return (
        f'<article><h2>{html.escape(article_id)}</h2><div class="counts" dir="ltr">{badges}</div>'
        f'<div class="text" dir="rtl" lang="ar">{"".join(pieces)}</div></article>\n'
    )


class HtmlWriter:
    """Writes an HTML page of labeled articles incrementally, one article at a time.

    Use as a context manager; the page is complete once the writer is closed.

    Args:
        target: The HTML file to write, or a text stream already open for writing (the
            writer closes it).
        title: The page title.
    """

    def __init__(self, target: str | Path | TextIO, title: str = "Speech acts"):
        self._handle = Path(target).open("w", encoding="utf-8") if isinstance(target, (str, Path)) else target
        self._handle.write(
            f'<!DOCTYPE html>\n<html lang="ar"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            f"<style>{_STYLE}</style></head><body>\n<h1 dir=\"ltr\">{html.escape(title)}</h1>\n{legend_html()}\n"
        )

    def add(self, article_id: str, text: str, predictions: list[SentencePrediction]) -> None:
        """Append one article to the page."""
        self._handle.write(article_html(article_id, text, predictions))
        self._handle.flush()

    def close(self) -> None:
        """Finish the page and close the file."""
        if not self._handle.closed:
            self._handle.write("</body></html>\n")
            self._handle.close()

    def __enter__(self) -> HtmlWriter:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()
