import json

import pytest

from training.data import DataError, article_problems, load_corpus, load_examples

TEXT = "العنوان\nالقاهرة - وكالات\n\nرفضت النقابة العرض. وحذّرت من إضراب."


def span(sentence, label):
    start = TEXT.index(sentence)
    return {"start": start, "end": start + len(sentence), "label": label}


def article(**changes):
    record = {
        "id": "x-1", "title": "العنوان", "text": TEXT, "topic": "strikes", "actors": ["النقابة"],
        "sentences": [
            span("العنوان", "background"),
            span("القاهرة - وكالات", "background"),
            span("رفضت النقابة العرض.", "refusal"),
            span("وحذّرت من إضراب.", "warning"),
        ],
    }
    record.update(changes)
    return record


def test_valid_article_has_no_problems():
    record = article()
    assert [record["text"][s["start"] : s["end"]] for s in record["sentences"]][2:] == [
        "رفضت النقابة العرض.", "وحذّرت من إضراب."]
    assert article_problems(record) == []


def test_problems_name_the_field_or_sentence():
    sentences = article()["sentences"]
    assert article_problems(article(topic="")) == ["field 'topic' must be a non-empty string"]
    assert "missing field 'sentences'" in article_problems({k: v for k, v in article().items() if k != "sentences"})
    bad_label = [*sentences[:3], {**sentences[3], "label": "threat"}]
    assert article_problems(article(sentences=bad_label)) == [
        "sentences[3]: unknown label 'threat' (expected one of demand, warning, refusal, background)"]
    gap = sentences[:2] + sentences[3:]
    assert "belongs to no sentence" in article_problems(article(sentences=gap))[0]
    overlap = [*sentences[:3], {**sentences[3], "start": sentences[2]["end"] - 2}]
    assert "before the previous sentence ends" in article_problems(article(sentences=overlap))[0]
    outside = [*sentences[:3], {**sentences[3], "end": 999}]
    assert "not inside the text" in article_problems(article(sentences=outside))[0]
    assert "starts or ends with whitespace" in article_problems(
        article(sentences=[*sentences[:3], {**sentences[3], "start": sentences[2]["end"]}]))[0]


def test_corpus_errors_name_file_and_line(tmp_path):
    path = tmp_path / "train.jsonl"
    path.write_text(json.dumps(article(), ensure_ascii=False) + "\n" + json.dumps(article(title="آخر")) + "\n")
    with pytest.raises(DataError, match=r"train\.jsonl:2: field 'title' is not the first line"):
        load_corpus(path)


def test_corpus_examples_are_the_gold_sentences(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_text(json.dumps(article(), ensure_ascii=False) + "\n")
    examples = load_examples(path)
    assert [(e.text, e.label) for e in examples][2:] == [("رفضت النقابة العرض.", "refusal"),
                                                         ("وحذّرت من إضراب.", "warning")]
    assert examples[3].where.endswith("c.jsonl:1 sentence 3")


def test_flat_csv_and_jsonl(tmp_path):
    csv_path = tmp_path / "flat.csv"
    csv_path.write_text("sentence,act\nطالبت النقابة بزيادة الأجور.,demand\nافتتح الوزير المعرض.,background\n")
    examples = load_examples(csv_path, text_column="sentence", label_column="act")
    assert [e.label for e in examples] == ["demand", "background"]
    jsonl_path = tmp_path / "flat.jsonl"
    jsonl_path.write_text('{"text": "رفض البرلمان القانون.", "label": "refusal"}\n')
    assert load_examples(jsonl_path)[0].text == "رفض البرلمان القانون."


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("text,label\nنص.,threat\n", r"flat\.csv:2: unknown label 'threat'"),
        ("text,label\n ,demand\n", r"flat\.csv:2: empty text"),
        ("sentence,label\nنص.,demand\n", r"flat\.csv:2: missing column 'text'"),
        ("text,label\nنص.,demand\nنص آخر.\n", r"flat\.csv:3: missing column 'label'"),
    ],
)
def test_flat_errors_name_file_and_line(tmp_path, content, message):
    path = tmp_path / "flat.csv"
    path.write_text(content)
    with pytest.raises(DataError, match=message):
        load_examples(path)


def test_bad_json_line_and_missing_file(tmp_path):
    path = tmp_path / "flat.jsonl"
    path.write_text('{"text": "نص.", "label": "demand"}\n{oops\n')
    with pytest.raises(DataError, match=r"flat\.jsonl:2: not valid JSON"):
        load_examples(path)
    with pytest.raises(DataError, match="file not found"):
        load_examples(tmp_path / "none.jsonl")
