"""A small news corpus file in the ANT format, written by the tests (never the real corpus's text)."""

from __future__ import annotations

import gzip
from pathlib import Path

ARTICLES = [
    "النقابة تطالب الحكومة بصرف الأجور\n"
    "طالبت نقابة المعلمين الحكومة بصرف الأجور المتأخرة قبل نهاية الشهر. وقال رئيسها إن الصبر نفد.\n"
    "وحذّر الرئيس من إضراب مفتوح إذا لم تستجب الوزارة.",
    "الحركة ترفض المقترح الجديد\n"
    "رفضت الحركة المقترح الجديد لوقف إطلاق النار، مؤكدة أنها لن تقبل بأي اتفاق منقوص.\n"
    "وافتتح المحافظ مدرسة جديدة في البلدة صباح الأحد.",
    "أمطار غزيرة في العاصمة\n"
    "هطلت أمطار غزيرة على العاصمة مساء الخميس وأغلقت عدة طرق رئيسية أمام حركة السير.",
]
# The first story again, lightly edited, as another outlet would run agency copy.
RETOLD = (ARTICLES[0].replace("قبل نهاية الشهر", "قبل نهاية الشهر الجاري")
          .replace("النقابة تطالب", "نقابة المعلمين تطالب"))


def write_news_corpus(folder: Path, articles: list[str] = ARTICLES, compress: bool = True) -> Path:
    """Write articles as one blank-line-separated file, ``.txt.gz`` or ``.txt``."""
    text = "\n\n".join(articles) + "\n\n"
    if compress:
        path = folder / "news.txt.gz"
        with gzip.open(path, "wt", encoding="utf-8") as handle:
            handle.write(text)
        return path
    path = folder / "news.txt"
    path.write_text(text, encoding="utf-8")
    return path
