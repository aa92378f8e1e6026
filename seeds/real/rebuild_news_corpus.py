r"""Rebuild ``ant-news.txt.gz`` from the public ANT corpus v2.1, so that article keys match.

Usage::

    # ant/: a checkout of the GitHub repository antcorpus/antcorpus.multisource.data (v2.1)
    python seeds/real/rebuild_news_corpus.py ant --output ant-news.txt.gz [--check seeds/real]

Each ANT document (``<DOC>`` files under ``<source>/<category>/``) becomes one block: the
``<TITLE>`` line, then the non-blank lines of ``<TEXT>``, each stripped of surrounding
whitespace, joined by ``\n``. Identical blocks are written once, in path order, with a blank line
between blocks. An article's key is :func:`training.news_corpus.article_key` of its block, so it
does not depend on the order. ``--check`` reports how many of the stand-off set's articles the
rebuilt file holds (the shared copy held a few articles out, so a rebuilt file has more).
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from training.news_corpus import article_key  # noqa: E402

_FIELD = re.compile(r"<(TITLE|TEXT)>(.*?)</\1>", re.DOTALL)


def document_block(document: str) -> str | None:
    """The corpus block of one ANT document, or ``None`` if it has no title or text."""
    fields = dict(_FIELD.findall(document))
    title = " ".join(fields.get("TITLE", "").split())
    lines = [line.strip() for line in fields.get("TEXT", "").splitlines() if line.strip()]
    if not title or not lines:
        return None
    return "\n".join([title, *lines])


def main() -> None:
    """Rebuild the file and optionally check the stand-off keys against it."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("ant_dir", type=Path, help="a checkout of antcorpus/antcorpus.multisource.data")
    parser.add_argument("--output", type=Path, required=True)
    parser.add_argument("--check", type=Path, help="a folder of stand-off files to look up")
    args = parser.parse_args()
    blocks, seen = [], set()
    for path in sorted(args.ant_dir.rglob("*.txt")):
        block = document_block(path.read_text(encoding="utf-8", errors="strict"))
        if block and block not in seen:
            seen.add(block)
            blocks.append(block)
    with gzip.open(args.output, "wt", encoding="utf-8") as handle:
        handle.write("\n\n".join(blocks) + "\n\n")
    print(f"{args.output}: {len(blocks)} articles")
    if args.check:
        keys = {article_key(block) for block in blocks}
        for split in ("train", "dev", "test"):
            wanted = [json.loads(line)["article"] for line in (args.check / f"{split}.jsonl").read_text().splitlines()]
            print(f"{split}: {sum(key in keys for key in wanted)} of {len(wanted)} articles found")


if __name__ == "__main__":
    main()
