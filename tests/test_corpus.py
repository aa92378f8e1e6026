import json

from inference import split_sentences
from training.corpus import check, format_stats, is_formulaic, main, near_duplicates
from training.data import load_corpus

from .conftest import CORPUS_DIR, ROOT, SEED_ARTICLE


def test_corpus_passes_validation_with_every_target(capsys):
    assert main(["check", "--dir", str(CORPUS_DIR)]) == 0
    assert "OK: 0 problem(s)" in capsys.readouterr().out


def test_statistics_table_lists_splits_topics_and_shares():
    problems, stats = check(CORPUS_DIR)
    table = format_stats(stats)
    assert problems == []
    assert len(stats.topics) >= 12 and len(stats.actors) >= 100
    for word in ("train", "dev", "test", "total", "indirect phrasing", "hard negatives"):
        assert word in table


def test_gold_sentences_match_the_splitter_on_the_corpus():
    for split in ("train", "dev", "test"):
        for article in load_corpus(CORPUS_DIR / f"{split}.jsonl"):
            gold = [(s["start"], s["end"]) for s in article["sentences"]]
            assert gold == [(s.start, s.end) for s in split_sentences(article["text"])], article["id"]


def test_seed_article_is_verbatim_and_annotated():
    text = SEED_ARTICLE.read_text(encoding="utf-8")
    shared = ROOT.parent / "shared" / "seeds" / SEED_ARTICLE.name
    if shared.is_file():
        assert shared.read_bytes() == SEED_ARTICLE.read_bytes()
    (gold,) = load_corpus(ROOT / "seeds" / "000_b10947e7783b1602.gold.jsonl")
    assert gold["text"] == text
    labels = [s["label"] for s in gold["sentences"]]
    assert labels.count("demand") == 3 and labels.count("refusal") == 3 and labels.count("warning") == 1


def test_validator_reports_duplicates_and_broken_files(tmp_path):
    line = json.loads((CORPUS_DIR / "dev.jsonl").read_text(encoding="utf-8").splitlines()[0])
    (tmp_path / "train.jsonl").write_text(json.dumps(line, ensure_ascii=False) + "\n", encoding="utf-8")
    (tmp_path / "dev.jsonl").write_text(json.dumps(line, ensure_ascii=False) + "\n", encoding="utf-8")
    broken = {**line, "sentences": line["sentences"][1:]}
    (tmp_path / "test.jsonl").write_text(json.dumps(broken, ensure_ascii=False) + "\n", encoding="utf-8")
    problems, _ = check(tmp_path, targets=False)
    text = "\n".join(problems)
    assert "test.jsonl:1:" in text and "belongs to no sentence" in text
    assert f"article id {line['id']!r} in dev repeats one in train" in text
    assert "near-duplicate sentences (Jaccard 1.00): train/" in text
    problems, _ = check(tmp_path, targets=True)
    assert any(problem.startswith("target not met: articles") for problem in problems)


def test_near_duplicates_uses_character_5gram_jaccard():
    sentences = [
        "رفضت الحكومة مقترح النقابة بزيادة الأجور عشرة في المئة.",
        "رفضت الحكومة مقترح النقابة بزيادة الأجور عشرين في المئة.",
        "حذّر خبراء الأرصاد من سيول جارفة في المناطق المنخفضة.",
    ]
    assert [(i, j) for i, j, _ in near_duplicates(sentences)] == [(0, 1)]


def test_datelines_are_formulaic_but_titles_and_sentences_are_not():
    assert is_formulaic("بغداد - وكالات")
    assert is_formulaic("أديس أبابا - وكالة الأنباء")
    assert not is_formulaic("رفض.")
    assert not is_formulaic("الوسطاء يطرحون مقترحاً معدلاً لهدنة غزة وحماس تدرسه بحذر")
