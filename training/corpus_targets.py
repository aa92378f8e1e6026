"""Size and diversity targets of the written corpus (``seeds/corpus``), apart from the generic checks.

:mod:`training.corpus` checks any corpus folder; these targets say what *this* written corpus
must reach. The real-news set has its own in :mod:`training.standoff_check`.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from inference import LABELS

if TYPE_CHECKING:
    from .corpus import CorpusStats

TARGETS = {
    "articles": 250,
    "sentences": 2500,
    "demand": 400,
    "warning": 400,
    "refusal": 400,
    "background": 1000,
    "topics": 12,
    "actors": 100,
    "indirect_share": 0.25,
    "hard_negative_share": 0.15,
}


def target_problems(stats: CorpusStats) -> list[str]:
    """Corpus targets that are not met."""
    totals = sum(stats.labels.values(), Counter())
    found = {
        "articles": sum(stats.articles.values()),
        "sentences": sum(totals.values()),
        **{label: totals[label] for label in LABELS},
        "topics": len(stats.topics),
        "actors": len(stats.actors),
    }
    problems = [
        f"target not met: {name} = {found[name]} < {TARGETS[name]}" for name in found if found[name] < TARGETS[name]
    ]
    for label, share in stats.indirect.items():
        if share < TARGETS["indirect_share"]:
            problems.append(f"target not met: indirect {label} share {share:.1%} < {TARGETS['indirect_share']:.0%}")
    if stats.hard_negative_share < TARGETS["hard_negative_share"]:
        problems.append(
            f"target not met: hard-negative background share {stats.hard_negative_share:.1%} "
            f"< {TARGETS['hard_negative_share']:.0%}"
        )
    return problems
