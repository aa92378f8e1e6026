"""Report tables: one row per system (accuracy, macro-F1, F1 per label, ECE), as text or Markdown.

The figures come from :mod:`training.scoring`.
"""

from __future__ import annotations

from typing import Any

from inference import LABELS


def _report_rows(reports: dict[str, dict[str, Any]]) -> list[list[str]]:
    """Header and one row per system: accuracy, macro-F1, F1 per label, ECE."""
    rows = [["system", "accuracy", "macro-F1", *(f"F1 {label}" for label in LABELS), "ECE"]]
    for name, report in reports.items():
        ece = report.get("ece")
        rows.append(
            [name, f"{report['accuracy']:.3f}", f"{report['macro_f1']:.3f}",
             *(f"{report['per_class'][label]['f1']:.3f}" for label in LABELS),
             "-" if ece is None else f"{ece:.3f}"]
        )
    return rows


def format_report_table(reports: dict[str, dict[str, Any]]) -> str:
    """A plain-text table, one row per system: accuracy, macro-F1, F1 per label, ECE."""
    rows = _report_rows(reports)
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def format_report_markdown(reports: dict[str, dict[str, Any]]) -> str:
    """The same table as :func:`format_report_table`, as Markdown."""
    header, *rows = _report_rows(reports)
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)
