import json

import pytest

from inference import LABELS, split_sentences
from training.corpus import main as corpus_main
from training.data import load_examples
from training.news_corpus import article_key, news_corpus_available, sentence_sha
from training.standoff import StandoffError, read_standoff, resolve_standoff

from .conftest import ROOT
from .news_fixtures import ARTICLES, write_news_corpus

REAL = ROOT / "seeds" / "real"


def standoff_line(article: str, labels: list[str] | None = None, drop: set[int] = frozenset()) -> dict:
    sentences = split_sentences(article)
    labels = labels or ["background"] * len(sentences)
    return {"article": article_key(article), "sentences": [
        {"start": s.start, "end": s.end, "label": label, "sha": sentence_sha(s.text)}
        for i, (s, label) in enumerate(zip(sentences, labels)) if i not in drop
    ]}


@pytest.fixture
def news(tmp_path):
    return write_news_corpus(tmp_path)


def write_lines(path, lines):
    path.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8")
    return path


def test_resolved_articles_are_in_the_corpus_format_and_slice_exactly(tmp_path, news):
    labels = ["demand", "demand", "background", "warning"]
    path = write_lines(tmp_path / "dev.jsonl", [standoff_line(ARTICLES[0], labels), standoff_line(ARTICLES[1])])
    articles = resolve_standoff(path, news)
    assert articles[0]["id"] == article_key(ARTICLES[0]) and articles[0]["text"] == ARTICLES[0]
    assert articles[0]["title"] == "النقابة تطالب الحكومة بصرف الأجور" and articles[0]["partial"] is False
    assert [s["label"] for s in articles[0]["sentences"]] == labels
    examples = load_examples(path, news_corpus=news)
    assert examples[1].text == "طالبت نقابة المعلمين الحكومة بصرف الأجور المتأخرة قبل نهاية الشهر."
    assert [e.label for e in examples[:4]] == labels and examples[0].where.endswith("dev.jsonl:1 sentence 0")


def test_partial_articles_are_marked(tmp_path, news):
    path = write_lines(tmp_path / "train.jsonl", [standoff_line(ARTICLES[0], drop={0, 2})])
    article = resolve_standoff(path, news)[0]
    assert article["partial"] is True and len(article["sentences"]) == 2


def test_a_span_that_no_longer_matches_is_named_with_its_count_and_article(tmp_path, news):
    line = standoff_line(ARTICLES[1])
    line["sentences"][1]["sha"] = "00000000"
    path = write_lines(tmp_path / "test.jsonl", [standoff_line(ARTICLES[0]), line])
    with pytest.raises(StandoffError, match=rf"1 span\(s\) whose sha does not match.*{article_key(ARTICLES[1])}"):
        resolve_standoff(path, news)


def test_spans_must_be_sentences_of_the_splitter(tmp_path, news):
    line = standoff_line(ARTICLES[0])
    first = line["sentences"][1]
    text = ARTICLES[0][first["start"] : first["start"] + 10]
    line["sentences"][1] = {**first, "end": first["start"] + 10, "sha": sentence_sha(text)}
    with pytest.raises(StandoffError, match=r"not sentences of split_sentences"):
        resolve_standoff(write_lines(tmp_path / "x.jsonl", [line]), news)


def test_schema_problems_name_the_file_and_line(tmp_path):
    good = standoff_line(ARTICLES[0])
    bad_label = json.loads(json.dumps(good))
    bad_label["sentences"][0]["label"] = "threat"
    path = write_lines(tmp_path / "bad.jsonl", [good, {"article": "XYZ", "sentences": []}, bad_label, good])
    with pytest.raises(StandoffError) as error:
        read_standoff(path)
    message = str(error.value)
    assert "bad.jsonl:2: field 'article' must be 16 lowercase hex digits" in message
    assert "bad.jsonl:3: sentences[0]: unknown label 'threat'" in message
    assert "bad.jsonl:4: article" in message and "repeats line 1" in message


def test_articles_missing_from_the_corpus_are_named(tmp_path, news):
    line = standoff_line("عنوان آخر\nنص لا يوجد في المدونة.")
    with pytest.raises(StandoffError, match=r"1 article\(s\) not in the news corpus"):
        resolve_standoff(write_lines(tmp_path / "x.jsonl", [line]), news)


def test_resolve_refuses_an_output_inside_the_repository(tmp_path, news, capsys):
    path = write_lines(tmp_path / "dev.jsonl", [standoff_line(ARTICLES[0])])
    assert corpus_main(["resolve", str(path), "--news-corpus", str(news), "--output", str(ROOT / "leak.jsonl")]) == 2
    assert not (ROOT / "leak.jsonl").exists() and "inside the repository" in capsys.readouterr().err
    out = tmp_path / "resolved.jsonl"
    assert corpus_main(["resolve", str(path), "--news-corpus", str(news), "--output", str(out)]) == 0
    assert json.loads(out.read_text(encoding="utf-8"))["text"] == ARTICLES[0]


def test_the_shipped_standoff_files_are_well_formed():
    for split in ("train", "dev", "test"):
        records = read_standoff(REAL / f"{split}.jsonl")
        assert all(s["label"] in LABELS for r in records for s in r["sentences"])
    keys = {split: {r["article"] for r in read_standoff(REAL / f"{split}.jsonl")} for split in ("train", "dev", "test")}
    assert not (keys["train"] & keys["dev"] or keys["train"] & keys["test"] or keys["dev"] & keys["test"])
    heldout = [line.split("\t") for line in (REAL / "heldout.txt").read_text().splitlines() if not line.startswith("#")]
    assert {k for kind, k, *_ in heldout if kind == "dev"} == keys["dev"]
    assert {k for kind, k, *_ in heldout if kind == "test"} == keys["test"]


@pytest.mark.skipif(not news_corpus_available(), reason="the shared news corpus is not here")
def test_the_real_splits_resolve_against_the_shared_corpus():
    sizes = {split: len(load_examples(REAL / f"{split}.jsonl")) for split in ("train", "dev", "test")}
    assert sizes["train"] >= 3500 and sizes["dev"] >= 1000 and sizes["test"] >= 1000
    for split in ("dev", "test"):
        assert not any(article["partial"] for article in resolve_standoff(REAL / f"{split}.jsonl"))
