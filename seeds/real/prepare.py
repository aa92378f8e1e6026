"""Sample the real-news articles and sentences to label, with a fixed seed (nanoGPT-style ``prepare.py``).

Usage::

    python seeds/real/prepare.py heldout --out seeds/real/heldout.txt
    python seeds/real/prepare.py batches --out /tmp/labeling [--model runs/tiny]
    python seeds/real/prepare.py agreement --labels /tmp/labeling/out --second /tmp/labeling/second
    python seeds/real/prepare.py assemble --labels /tmp/labeling/out
    # second round (2026-12): uncertainty sampling, blind second annotation, consistency review
    python seeds/real/prepare.py round2 --out /tmp/labeling2 --model inference/default_model
    python seeds/real/prepare.py agreement --labels FIRST --second /tmp/labeling2/second \
        --adjudication /tmp/labeling2/adjudication_round2.jsonl
    python seeds/real/prepare.py add --labels /tmp/labeling2/out
    python seeds/real/prepare.py correct --corrections /tmp/labeling2/corrections/*.jsonl

``heldout`` picks the dev and test articles and writes their keys, and the keys of every article
of the same story, to ``heldout.txt``: pretraining and the train sample never use them.
``batches`` writes labeling batches (article text with numbered sentences) *outside* the
repository: the corpus text never enters it. Annotators label them under ``GUIDELINES.md``
and never see a model's label. ``agreement`` computes Cohen's kappa on the blind second
annotation and lists the disagreements in ``adjudication.jsonl``, where each gets a final
label and its ruling. ``assemble`` writes the stand-off files ``{train,dev,test}.jsonl``.
``round2`` writes the second train round's batches (:func:`write_round2`), ``add`` merges its
labels into ``train.jsonl``, and ``correct`` applies a consistency review to every split,
recording each change in ``adjudication.jsonl``.

How the sample is drawn (also in ``seeds/README.md``):

* Story groups come from :func:`training.news_corpus.story_groups` (word 4-gram overlap); a
  whole group goes to one split, so the same story never straddles splits.
* Dev and test: whole articles of 5 to 20 sentences, one per story group, drawn in a seeded
  shuffle from three strata, the same quota for each split: ``refusal`` (an article with a
  refusal cue, :data:`training.lexicon.COMMON_CUES`) 40, ``acts`` (3 or more cue sentences of any
  act) 40, ``other`` (everything else) 30. The strata favor politics and conflict news so that
  each act reaches 60 sentences per split; within an article the label mix stays natural.
* Train: sentences from other articles (not in a held-out story), at most 3 per article, in
  buckets: refusal cue 900, warning cue 950, demand cue 950 (the wide lexicon
  :data:`training.lexicon.CUES`; many are background in another sense), no cue at all 400, and
  sentences where the current model and the TF-IDF baseline disagree 400 (with ``--model``).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from inference import LABELS, split_sentences  # noqa: E402
from training.lexicon import COMMON_CUES, CUES, _verbs, keyword_label, simplify  # noqa: E402
from training.news_corpus import iter_news_articles, story_groups  # noqa: E402

SEED = 2026
HELDOUT_QUOTA = {"refusal": 40, "acts": 40, "other": 30}
# Second pass, after the first 110 articles per split were labeled and warnings and refusals fell
# short of 60 per split: more articles with a common warning or refusal cue, from the same
# shuffled order, continuing after the groups already used.
TOPUP_QUOTA = {"topup-warning": 22, "topup-refusal": 25}
TRAIN_QUOTA = {"refusal": 900, "warning": 950, "demand": 950, "plain": 400, "disagree": 400}
# Second train pass: the wide demand lexicon turned out mostly background in real news (about 1
# demand in 6), so 650 more sentences with a demand *verb* (about 2 in 3 are demands), from the
# next articles of the same shuffled pool.
DEMAND_VERBS = re.compile(_verbs("طالب", "يطالب", "تطالب", "نطالب", "دعا", "دعت", "يدعو", "تدعو", "ندعو", "حث", "يحث",
                                 "تحث", "ناشد", "يناشد", "تناشد"))
# Third pass: warnings and refusals were still short of 500 (refusal cues are refusals about half
# the time, warning verbs a little more): sentences with a common refusal cue or warning verb.
WARNING_VERBS = re.compile(_verbs("حذر", "يحذر", "تحذر", "نحذر", "هدد", "يهدد", "تهدد", "نهدد", "توعد", "يتوعد",
                                  "تتوعد"))
TRAIN_TOPUPS = (
    ("train-topup", DEMAND_VERBS, 650),
    ("train-topup2", re.compile(f"{COMMON_CUES['refusal'].pattern}|{WARNING_VERBS.pattern}"), 660),
)
MAX_PER_ARTICLE = 3
# Second round (2026-12, after the first model was shipped): uncertainty sampling, see write_round2.
ROUND2_QUOTA = 6000
BATCH_SENTENCES = 330


def _stratum(sentences: list[str]) -> str:
    simple = [simplify(text) for text in sentences]
    if any(COMMON_CUES["refusal"].search(text) for text in simple):
        return "refusal"
    if sum(keyword_label(text) != "background" for text in sentences) >= 3:
        return "acts"
    return "other"


def pick_heldout(articles, groups) -> dict[str, dict[str, list[str]]]:
    """Dev and test article keys by stratum, drawn with :data:`SEED` (first pass, then top-up)."""
    by_group = defaultdict(list)
    for article in articles:
        by_group[groups[article.key]].append(article)
    order = sorted(by_group)
    random.Random(SEED).shuffle(order)
    taken = {split: defaultdict(list) for split in ("dev", "test")}
    position = 0
    for position, group in enumerate(order):  # noqa: B007 (position is used after the loop)
        stratum, article = _candidate(by_group[group])
        if article is None:
            continue
        for split in ("dev", "test"):
            if len(taken[split][stratum]) < HELDOUT_QUOTA[stratum]:
                taken[split][stratum].append(article.key)
                break
        if all(len(taken[s][k]) >= q for s in taken for k, q in HELDOUT_QUOTA.items()):
            break
    for group in order[position + 1 :]:
        stratum, article = _candidate(by_group[group])
        if article is None:
            continue
        simple = [simplify(s.text) for s in split_sentences(article.text)]
        for topup, label in (("topup-refusal", "refusal"), ("topup-warning", "warning")):
            if any(COMMON_CUES[label].search(text) for text in simple):
                for split in ("dev", "test"):
                    if len(taken[split][topup]) < TOPUP_QUOTA[topup]:
                        taken[split][topup].append(article.key)
                        break
                else:
                    continue
                break
        if all(len(taken[s][k]) >= q for s in taken for k, q in TOPUP_QUOTA.items()):
            break
    return {split: dict(strata) for split, strata in taken.items()}


def _candidate(group_articles):
    """The group's article to label (5 to 20 sentences, smallest key) and its stratum."""
    candidates = [a for a in sorted(group_articles, key=lambda a: a.key) if 5 <= len(split_sentences(a.text)) <= 20]
    if not candidates:
        return None, None
    return _stratum([s.text for s in split_sentences(candidates[0].text)]), candidates[0]


def write_heldout(out: Path) -> None:
    """Write dev/test keys and their whole story groups."""
    articles = list(iter_news_articles())
    groups = story_groups(articles)
    picked = pick_heldout(articles, groups)
    members = defaultdict(list)
    for key, group in groups.items():
        members[group].append(key)
    lines = ["# Real-news articles held out of pretraining and the train sample (seeds/real/prepare.py).",
             "# split<TAB>key<TAB>stratum: the dev and test articles; story<TAB>key: other articles of their stories."]
    for split, strata in picked.items():
        lines += [f"{split}\t{key}\t{stratum}" for stratum, keys in strata.items() for key in keys]
    chosen = {key for strata in picked.values() for keys in strata.values() for key in keys}
    for key in sorted(chosen):
        lines += [f"story\t{other}" for other in sorted(members[groups[key]]) if other not in chosen]
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    counts = {split: {k: len(v) for k, v in strata.items()} for split, strata in picked.items()}
    print(f"{out}: {counts}, story members {len(lines) - 2 - len(chosen)}")


def read_heldout(path: Path) -> dict[str, list[tuple[str, str]]]:
    """``{"dev": [(key, stratum)], "test": [...], "story": [(key, "")]}`` from ``heldout.txt``, in file order."""
    result: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            kind, key, *stratum = line.split("\t")
            result[kind].append((key, stratum[0] if stratum else ""))
    return result


CONTEXT = 3


def _render(article, indices: list[int] | None) -> str:
    """Numbered sentences; for a partial job, the title and CONTEXT sentences around each target."""
    lines = [f"### article {article.key}"]
    shown = None if indices is None else {0} | {i + d for i in indices for d in range(-CONTEXT, CONTEXT + 1)}
    for index, sentence in enumerate(split_sentences(article.text)):
        if shown is not None and index not in shown:
            if lines[-1] != "  …":
                lines.append("  …")
            continue
        mark = "►" if indices is not None and index in indices else " "
        lines.append(f"{mark}[{index}] {sentence.text}")
    return "\n".join(lines)


def write_batches(out: Path, heldout_path: Path, model: str | None) -> None:
    """Write labeling batches: dev/test whole articles, then the train sample."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "articles").mkdir(exist_ok=True)
    heldout = read_heldout(heldout_path)
    articles = {a.key: a for a in iter_news_articles()}
    jobs = []  # (kind, article, indices or None, count)
    for phase in ("first", "topup"):
        for split in ("dev", "test"):
            for key, stratum in sorted(heldout[split]):
                if stratum.startswith("topup") == (phase == "topup"):
                    count = len(split_sentences(articles[key].text))
                    jobs.append((split if phase == "first" else f"{split}-topup", articles[key], None, count))
    excluded = {key for entries in heldout.values() for key, _ in entries}
    pool = [a for key, a in sorted(articles.items()) if key not in excluded]
    random.Random(SEED).shuffle(pool)
    disagree = _disagreements(pool, model) if model else {}
    filled = defaultdict(int)
    position = 0
    for position, article in enumerate(pool):  # noqa: B007 (position is used after the loop)
        chosen = []
        for index, sentence in enumerate(split_sentences(article.text)):
            words = len(sentence.text.split())
            if len(chosen) >= MAX_PER_ARTICLE or not 4 <= words <= 90:
                continue
            kind = keyword_label(sentence.text)
            bucket = "plain" if kind == "background" else kind
            if (article.key, index) in disagree and filled["disagree"] < TRAIN_QUOTA["disagree"]:
                bucket = "disagree"
            if bucket == "plain" and any(p.search(simplify(sentence.text)) for p in CUES.values()):
                continue
            if filled[bucket] < TRAIN_QUOTA[bucket]:
                filled[bucket] += 1
                chosen.append(index)
        if chosen:
            (out / "articles" / f"{article.key}.txt").write_text(article.text + "\n", encoding="utf-8")
            jobs.append(("train", article, chosen, len(chosen)))
        if all(filled[b] >= q for b, q in TRAIN_QUOTA.items() if b != "disagree" or model):
            break
    next_article = position + 1
    for kind, pattern, quota in TRAIN_TOPUPS:
        taken = 0
        while taken < quota and next_article < len(pool):
            article = pool[next_article]
            next_article += 1
            chosen = [index for index, sentence in enumerate(split_sentences(article.text))
                      if 4 <= len(sentence.text.split()) <= 90 and pattern.search(simplify(sentence.text))]
            chosen = chosen[: min(MAX_PER_ARTICLE, quota - taken)]
            if chosen:
                taken += len(chosen)
                (out / "articles" / f"{article.key}.txt").write_text(article.text + "\n", encoding="utf-8")
                jobs.append((kind, article, chosen, len(chosen)))
        filled[kind] = taken
    print("train buckets:", dict(filled))
    _write_jobs(out, jobs)


def _write_jobs(out: Path, jobs: list, prefix: str = "batch") -> None:
    """Group labeling jobs into batches of about :data:`BATCH_SENTENCES` and write them."""
    batches, current, size = [], [], 0
    for job in jobs:
        if current and (size + job[3] > BATCH_SENTENCES or job[0] != current[-1][0]):
            batches.append(current)
            current, size = [], 0
        current.append(job)
        size += job[3]
    batches.append(current)
    for number, batch in enumerate(batches):
        kind = batch[0][0]
        size = sum(job[3] for job in batch)
        header = (f"# batch {number:02d} ({kind}): {size} sentences to label in {len(batch)} articles\n"
                  + ("Label EVERY sentence of every article.\n" if not kind.startswith("train")
                     else "Label ONLY the sentences marked ► (the rest is context).\n"))
        body = "\n\n".join(_render(article, indices) for _, article, indices, _ in batch)
        (out / f"{prefix}_{number:02d}.md").write_text(header + "\n" + body + "\n", encoding="utf-8")
        targets = [{"article": a.key, "index": i, "split": k.split("-")[0]}
                   for k, a, indices, _ in batch
                   for i in (indices if indices is not None else range(len(split_sentences(a.text))))]
        (out / f"{prefix}_{number:02d}.targets.jsonl").write_text(
            "".join(json.dumps(t) + "\n" for t in targets), encoding="utf-8")
        print(f"{prefix}_{number:02d}.md: {kind}, {len(targets)} sentences, {len(batch)} articles")


def _read_labels(folder: Path) -> dict[tuple[str, int], str]:
    """Labels written by annotators: ``{(article, index): label}`` from every ``*.jsonl`` of ``folder``."""
    labels = {}
    for path in sorted(folder.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                record = json.loads(line)
                labels[record["article"], record["index"]] = record["label"]
    return labels


def cohen_kappa(first: list[str], second: list[str]) -> float:
    """Cohen's kappa of two label sequences."""
    n = len(first)
    observed = sum(a == b for a, b in zip(first, second)) / n
    expected = sum((first.count(label) / n) * (second.count(label) / n) for label in set(first) | set(second))
    return (observed - expected) / (1 - expected) if expected < 1 else 1.0


def agreement(first_dir: Path, second_dir: Path, adjudication: Path | None) -> None:
    """Print Cohen's kappa overall and per label (one label against the rest) on doubly labeled sentences."""
    first, second = _read_labels(first_dir), _read_labels(second_dir)
    keys = sorted(set(first) & set(second))
    a, b = [first[k] for k in keys], [second[k] for k in keys]
    agreed = sum(x == y for x, y in zip(a, b))
    print(f"doubly labeled sentences: {len(keys)}; raw agreement {agreed / len(keys):.3f}; "
          f"Cohen's kappa {cohen_kappa(a, b):.3f}")
    for label in ("demand", "warning", "refusal", "background"):
        binary_a, binary_b = [x == label for x in a], [y == label for y in b]
        both = sum(x and y for x, y in zip(binary_a, binary_b))
        print(f"  {label:<10} kappa {cohen_kappa(binary_a, binary_b):.3f}  "
              f"(first {sum(binary_a)}, second {sum(binary_b)}, both {both})")
    if adjudication and not adjudication.exists():
        with adjudication.open("w", encoding="utf-8") as handle:
            for key in keys:
                if first[key] != second[key]:
                    handle.write(json.dumps({"article": key[0], "index": key[1], "first": first[key],
                                             "second": second[key], "final": None, "ruling": ""}) + "\n")
        print(f"disagreements to adjudicate written to {adjudication}")


def assemble(labels_dir: Path, heldout_path: Path, adjudication: Path, out_dir: Path) -> None:
    """Write ``{train,dev,test}.jsonl`` stand-off files from the annotators' labels and the adjudication."""
    from training.news_corpus import load_news_index, sentence_sha

    labels = _read_labels(labels_dir)
    if adjudication.is_file():
        for line in adjudication.read_text(encoding="utf-8").splitlines():
            if line.strip():
                record = json.loads(line)
                if record["final"] is None:
                    raise SystemExit(f"{adjudication}: {record['article']}#{record['index']} is not adjudicated yet")
                labels[record["article"], record["index"]] = record["final"]
    heldout = read_heldout(heldout_path)
    split_of = {key: split for split in ("dev", "test") for key, _ in heldout[split]}
    index = load_news_index()
    by_article = defaultdict(dict)
    for (key, number), label in labels.items():
        by_article[key][number] = label
    lines = defaultdict(list)
    for key in sorted(by_article):
        sentences = split_sentences(index[key])
        split = split_of.get(key, "train")
        if split != "train" and len(by_article[key]) != len(sentences):
            raise SystemExit(f"{key}: {split} article with {len(by_article[key])} of {len(sentences)} "
                             "sentences labeled")
        spans = [{"start": sentences[i].start, "end": sentences[i].end, "label": label,
                  "sha": sentence_sha(sentences[i].text)} for i, label in sorted(by_article[key].items())]
        lines[split].append(json.dumps({"article": key, "sentences": spans}) + "\n")
    for split in ("train", "dev", "test"):
        (out_dir / f"{split}.jsonl").write_text("".join(lines[split]), encoding="utf-8")
        print(f"{out_dir / split}.jsonl: {len(lines[split])} articles")


def _disagreements(pool, model: str) -> set[tuple[str, int]]:
    """Sentences (article key, index) where the model and the TF-IDF baseline disagree."""
    from inference import Classifier, TextNormalizer
    from training.baselines import train_tfidf_logreg
    from training.data import load_examples

    classifier = Classifier.from_pretrained(model)
    normalizer = TextNormalizer()
    train = load_examples(Path(__file__).resolve().parents[1] / "corpus" / "train.jsonl")
    tfidf = train_tfidf_logreg([normalizer(e.text) for e in train], [e.label for e in train])
    sentences = [(a.key, i, s.text) for a in pool[:1500] for i, s in enumerate(split_sentences(a.text))]
    probabilities = classifier.predict_proba([text for _, _, text in sentences])
    model_ids = probabilities.argmax(axis=1)
    tfidf_ids = tfidf.predict([normalizer(text) for _, _, text in sentences])
    return {(key, index) for (key, index, _), m, t in zip(sentences, model_ids, tfidf_ids) if m != t}


def _labeled_articles() -> set[str]:
    """Keys of every article already in ``{train,dev,test}.jsonl``."""
    keys = set()
    for split in ("train", "dev", "test"):
        for line in (Path(__file__).with_name(f"{split}.jsonl")).read_text(encoding="utf-8").splitlines():
            if line.strip():
                keys.add(json.loads(line)["article"])
    return keys


def write_round2(out: Path, heldout_path: Path, model: str) -> None:
    """Write the second train round: sentences on the model's act/background boundary (uncertainty sampling).

    The pool is every article outside the held-out stories and outside the labeled files, in the
    seeded order of the first round. A sentence (4 to 90 words) is a candidate when the shipped
    model, the TF-IDF baseline (trained on the written corpus plus real train) or the keyword
    lexicon calls it an act, or when the model gives background less than 0.8. Each article gives
    at most :data:`MAX_PER_ARTICLE` candidates, the least certain first, until
    :data:`ROUND2_QUOTA` sentences. The models only choose sentences: annotators never see a label.
    Two seeded batches are also written as ``second_*.md`` for the blind second annotation.
    """
    from inference import Classifier, TextNormalizer
    from training.baselines import train_tfidf_logreg
    from training.data import load_examples

    out.mkdir(parents=True, exist_ok=True)
    heldout = read_heldout(heldout_path)
    excluded = {key for entries in heldout.values() for key, _ in entries} | _labeled_articles()
    articles = {a.key: a for a in iter_news_articles()}
    pool = [a for key, a in sorted(articles.items()) if key not in excluded]
    random.Random(SEED).shuffle(pool)
    classifier = Classifier.from_pretrained(model)
    normalizer = TextNormalizer()
    here = Path(__file__).resolve().parent
    train = load_examples(here.parent / "corpus" / "train.jsonl") + load_examples(here / "train.jsonl")
    tfidf = train_tfidf_logreg([normalizer(e.text) for e in train], [e.label for e in train])
    background = len(LABELS) - 1
    jobs, taken, start = [], 0, 0
    while taken < ROUND2_QUOTA and start < len(pool):
        chunk = pool[start : start + 500]
        start += 500
        sentences = [(a, i, s.text) for a in chunk for i, s in enumerate(split_sentences(a.text))
                     if 4 <= len(s.text.split()) <= 90]
        texts = [text for _, _, text in sentences]
        probabilities = classifier.predict_proba(texts)
        tfidf_ids = tfidf.predict([normalizer(text) for text in texts])
        by_article = defaultdict(list)
        for (article, index, text), p, t in zip(sentences, probabilities, tfidf_ids):
            act = p.argmax() != background or t != background or keyword_label(text) != "background"
            if act or p[background] < 0.8:
                by_article[article.key].append((float(p.max()), index))
        for article in chunk:
            chosen = sorted(index for _, index in sorted(by_article[article.key])[:MAX_PER_ARTICLE])
            chosen = chosen[: ROUND2_QUOTA - taken]
            if chosen:
                taken += len(chosen)
                (out / "articles").mkdir(exist_ok=True)
                (out / "articles" / f"{article.key}.txt").write_text(article.text + "\n", encoding="utf-8")
                jobs.append(("train-round2", article, chosen, len(chosen)))
    print(f"round 2: {taken} sentences in {len(jobs)} articles (pool read up to article {start})")
    _write_jobs(out, jobs, prefix="round2")
    batches = sorted(out.glob("round2_*.md"))
    for number, path in enumerate(random.Random(SEED).sample(batches, 2)):
        (out / f"second_{number:02d}.md").write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
        print(f"second_{number:02d}.md: a blind copy of {path.name}")


def add_train_labels(labels_dir: Path, adjudication: Path, heldout_path: Path) -> None:
    """Merge a later round's labels into ``train.jsonl``, refusing held-out articles and relabeled spans."""
    from training.news_corpus import load_news_index, sentence_sha

    labels = _read_labels(labels_dir)
    if adjudication.is_file():
        for line in adjudication.read_text(encoding="utf-8").splitlines():
            record = json.loads(line) if line.strip() else None
            if record and (record["article"], record["index"]) in labels:
                if record["final"] is None:
                    raise SystemExit(f"{adjudication}: {record['article']}#{record['index']} is not adjudicated yet")
                labels[record["article"], record["index"]] = record["final"]
    heldout = read_heldout(heldout_path)
    held = {key for entries in heldout.values() for key, _ in entries}
    bad = sorted({key for key, _ in labels if key in held})
    if bad:
        raise SystemExit(f"{labels_dir}: {len(bad)} held-out article(s) among the labels, e.g. {bad[0]}")
    train_path = Path(__file__).with_name("train.jsonl")
    records = {}
    for line in train_path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            record = json.loads(line)
            records[record["article"]] = record
    index = load_news_index()
    added = 0
    for (key, number), label in sorted(labels.items()):
        if label not in LABELS:
            raise SystemExit(f"{labels_dir}: {key}#{number}: unknown label {label!r}")
        sentence = split_sentences(index[key])[number]
        span = {"start": sentence.start, "end": sentence.end, "label": label, "sha": sentence_sha(sentence.text)}
        record = records.setdefault(key, {"article": key, "sentences": []})
        old = [s for s in record["sentences"] if s["start"] == span["start"]]
        if old and old[0]["label"] != label:
            raise SystemExit(f"{key}#{number}: labeled {old[0]['label']} in {train_path}, {label} in {labels_dir}")
        if not old:
            record["sentences"] = sorted(record["sentences"] + [span], key=lambda s: s["start"])
            added += 1
    train_path.write_text("".join(json.dumps(r) + "\n" for r in records.values()), encoding="utf-8")
    print(f"{train_path}: {added} sentences added; {len(records)} articles")


def apply_corrections(paths: list[Path], adjudication: Path) -> None:
    """Apply consistency-review corrections to the stand-off files and record each in ``adjudication``.

    Each correction is ``{"split", "article", "index", "old", "new", "ruling"}``; ``split`` is
    ``train``, ``dev`` or ``test`` (``round2`` means train). A correction whose ``old`` label is
    not the file's label is refused, so a review made on stale labels cannot land.
    """
    from training.news_corpus import load_news_index

    corrections = [json.loads(line) for path in paths for line in path.read_text(encoding="utf-8").splitlines()
                   if line.strip()]
    index = load_news_index()
    files = {}
    for split in ("train", "dev", "test"):
        path = Path(__file__).with_name(f"{split}.jsonl")
        lines = path.read_text(encoding="utf-8").splitlines()
        files[split] = (path, [json.loads(line) for line in lines if line.strip()])
    by_key = {(split, record["article"]): record for split, (_, records) in files.items() for record in records}
    changed = defaultdict(int)
    seen = set()
    for fix in corrections:
        split = "train" if fix["split"] == "round2" else fix["split"]
        where = f"{fix['article']}#{fix['index']}"
        if (fix["article"], fix["index"]) in seen:
            raise SystemExit(f"{where}: corrected twice")
        seen.add((fix["article"], fix["index"]))
        record = by_key.get((split, fix["article"]))
        if record is None or fix["new"] not in LABELS:
            raise SystemExit(f"{where}: not in {split}.jsonl, or unknown label {fix['new']!r}")
        start = split_sentences(index[fix["article"]])[fix["index"]].start
        spans = [span for span in record["sentences"] if span["start"] == start]
        if not spans or spans[0]["label"] != fix["old"]:
            raise SystemExit(f"{where}: {split}.jsonl has {spans[0]['label'] if spans else 'no label'}, "
                             f"the correction expects {fix['old']}")
        spans[0]["label"] = fix["new"]
        changed[split] += 1
    with adjudication.open("a", encoding="utf-8") as handle:
        for fix in corrections:
            handle.write(json.dumps({"article": fix["article"], "index": fix["index"], "first": fix["old"],
                                     "second": None, "final": fix["new"], "ruling": fix["ruling"],
                                     "review": "2026-12 consistency review"}, ensure_ascii=False) + "\n")
    for path, records in files.values():
        path.write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")
    print(f"corrections applied: {dict(changed)}; recorded in {adjudication}")


def main() -> None:
    """Command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("step", choices=["heldout", "batches", "agreement", "assemble", "round2", "add", "correct"])
    parser.add_argument("--out", type=Path, help="heldout: the file; batches: a folder outside the repository; "
                        "assemble: the folder of the stand-off files")
    parser.add_argument("--labels", type=Path, help="agreement, assemble: the first annotation's label files")
    parser.add_argument("--second", type=Path, help="agreement: the blind second annotation's label files")
    parser.add_argument("--adjudication", type=Path, default=Path(__file__).with_name("adjudication.jsonl"))
    parser.add_argument("--heldout", type=Path, default=Path(__file__).with_name("heldout.txt"))
    parser.add_argument("--model", help="model folder for the disagreement bucket")
    parser.add_argument("--corrections", type=Path, nargs="*", default=[], help="correct: review files")
    args = parser.parse_args()
    if args.step == "heldout":
        write_heldout(args.out)
    elif args.step == "batches":
        write_batches(args.out, args.heldout, args.model)
    elif args.step == "agreement":
        agreement(args.labels, args.second, args.adjudication)
    elif args.step == "round2":
        write_round2(args.out, args.heldout, args.model or "inference/default_model")
    elif args.step == "correct":
        apply_corrections(args.corrections, args.adjudication)
    elif args.step == "add":
        add_train_labels(args.labels, args.adjudication, args.heldout)
    else:
        assemble(args.labels, args.heldout, args.adjudication, args.out or Path(__file__).parent)


if __name__ == "__main__":
    main()
