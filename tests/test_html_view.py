from inference import Classifier
from inference.__main__ import main
from inference.html_view import LABEL_COLORS, HtmlWriter, article_html


def test_article_markup_is_escaped_and_inert(random_model_dir):
    classifier = Classifier.from_pretrained(random_model_dir, device="cpu")
    text = 'حذّر الوزير <script>alert("x")</script> من الفوضى.\n<img src=x onerror=alert(1)> رفض النواب الخطة.'
    page = article_html("<b>id</b>", text, classifier.classify(text))
    assert "<script>" not in page and "<img" not in page and "<b>id" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert 'dir="rtl"' in page


def test_sentences_are_colored_with_probabilities_on_hover(random_model_dir, seed_text, tmp_path):
    classifier = Classifier.from_pretrained(random_model_dir, device="cpu")
    predictions = classifier.classify(seed_text)
    path = tmp_path / "view.html"
    with HtmlWriter(path) as writer:
        writer.add("seed", seed_text, predictions)
    page = path.read_text(encoding="utf-8")
    assert page.count('<span class="s ') == len(predictions) + 0
    first = predictions[0]
    assert f'title="{first.label} {first.score:.2f} — demand' in page
    assert LABEL_COLORS[first.label] in page
    assert page.rstrip().endswith("</html>")
    for label in LABEL_COLORS:
        assert f"{label}: " in page


def test_cli_writes_html_beside_jsonl(random_model_dir, tmp_path):
    source = tmp_path / "a.txt"
    source.write_text("رفضت اللجنة الطعن. وحذّرت من التأخير.", encoding="utf-8")
    status = main(["--model", str(random_model_dir), "--no-progress", str(source), "-o", str(tmp_path / "o.jsonl"),
                   "--html", str(tmp_path / "v.html")])
    assert status == 0
    assert "رفضت اللجنة الطعن." in (tmp_path / "v.html").read_text(encoding="utf-8")
