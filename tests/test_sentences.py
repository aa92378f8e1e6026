import pytest

from inference import split_sentences


def texts(article: str) -> list[str]:
    return [sentence.text for sentence in split_sentences(article)]


def test_seed_article_every_line_is_one_sentence(seed_text):
    lines = [line.strip() for line in seed_text.splitlines() if line.strip()]
    assert texts(seed_text) == lines
    assert len(lines) == 15


def test_offsets_slice_back_to_the_original_text(seed_text):
    for sentence in split_sentences(seed_text):
        assert seed_text[sentence.start : sentence.end] == sentence.text


def test_splits_at_terminal_marks_and_keeps_closing_quotes():
    article = 'قال الوزير: "انتهى الأمر في قطاع غزّة". ثم غادر القاعة! هل يعود غداً؟ ربما… وتابع الحضور.'
    assert texts(article) == [
        'قال الوزير: "انتهى الأمر في قطاع غزّة".',
        "ثم غادر القاعة!",
        "هل يعود غداً؟",
        "ربما…",
        "وتابع الحضور.",
    ]


def test_closing_guillemet_stays_with_its_sentence():
    assert texts("وقال: «لن نوقّع على الاتفاق.» وغادر.") == ["وقال: «لن نوقّع على الاتفاق.»", "وغادر."]


def test_never_splits_at_arabic_comma_or_semicolon():
    article = "ارتفعت الأسعار، وتراجع الدينار؛ وقال التجار إن الطلب ضعيف."
    assert texts(article) == [article]


@pytest.mark.parametrize(
    "sentence",
    [
        "بلغ معدل التضخم 3.5 في المئة في 7/10/2023 بحسب البنك.",
        "وقع الهجوم في 7.10.2023 صباحاً وفق الرواية الرسمية.",
        "نشرت الوزارة البيان على www.health.gov.eg مساء أمس.",
        "قال د. سامر الخطيب إن الوضع الصحي مستقر.",
        "أفادت وكالة (أ.ف.ب) بأن المحادثات ستستأنف.",
        "وصل م. خالد إلى الموقع مع فريق الإنقاذ.",
        "«لماذا؟»، تساءل النائب في الجلسة.",
    ],
)
def test_does_not_split_inside_numbers_dates_urls_or_abbreviations(sentence):
    assert texts(sentence) == [sentence]


def test_line_breaks_end_headlines_datelines_and_captions():
    article = "العنوان الرئيسي للخبر\nالرباط - وكالات\n\nالفقرة الأولى. الفقرة الثانية.\nصورة من الأرشيف"
    assert texts(article) == [
        "العنوان الرئيسي للخبر", "الرباط - وكالات", "الفقرة الأولى.", "الفقرة الثانية.", "صورة من الأرشيف",
    ]


def test_list_numbers_are_not_sentences():
    assert texts("1. وقف إطلاق النار.\n2. تبادل الأسرى.") == ["1. وقف إطلاق النار.", "2. تبادل الأسرى."]


def test_blank_and_whitespace_give_no_sentences():
    assert split_sentences("") == []
    assert split_sentences("  \n\n \t") == []


def test_windows_line_endings_keep_offsets():
    article = "سطر أول.\r\nسطر ثان.\r\n"
    spans = split_sentences(article)
    assert [article[s.start : s.end] for s in spans] == ["سطر أول.", "سطر ثان."]


def test_non_string_raises_type_error_naming_the_type():
    with pytest.raises(TypeError, match="bytes"):
        split_sentences(b"abc")
