import time

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


@pytest.mark.parametrize(
    ("article", "expected"),
    [
        ("رفضت الحكومة المقترح.\0وحذّرت النقابة من إضراب.", ["رفضت الحكومة المقترح.", "وحذّرت النقابة من إضراب."]),
        ("رفضت الحكومة المقترح.\u202c\u202bوحذّرت النقابة من إضراب.",
         ["رفضت الحكومة المقترح.\u202c", "\u202bوحذّرت النقابة من إضراب."]),
        ("\u202bرفضت الحكومة المقترح.\u202c \u202bوحذّرت النقابة.\u202c",
         ["\u202bرفضت الحكومة المقترح.\u202c", "\u202bوحذّرت النقابة.\u202c"]),
        ("رفضت الحكومة المقترح.\u2067وحذّرت النقابة.\u2069", ["رفضت الحكومة المقترح.", "\u2067وحذّرت النقابة.\u2069"]),
        ("هل يعود غداً؟\u200fربما.", ["هل يعود غداً؟\u200f", "ربما."]),
        ("وقال: «لن نوقّع.»\u202aوغادر.", ["وقال: «لن نوقّع.»", "\u202aوغادر."]),
    ],
    ids=["nul", "pdf-rle", "embedded", "isolates", "rlm", "quote-lre"],
)
def test_dot_before_nul_or_bidi_control_ends_a_sentence(article, expected):
    assert texts(article) == expected
    for sentence in split_sentences(article):
        assert article[sentence.start : sentence.end] == sentence.text


def test_abbreviation_before_a_bidi_mark_still_does_not_split():
    assert texts("قال د.\u200f سامر الخطيب إن الوضع مستقر.") == ["قال د.\u200f سامر الخطيب إن الوضع مستقر."]


def test_bidi_controls_alone_are_no_sentence():
    article = "رفضت الحكومة المقترح. \u200f\n\u200f\u202b\u202c\nوقال الوزير إنه متفائل.\u202d\u202c\u202c"
    assert texts(article) == ["رفضت الحكومة المقترح.", "وقال الوزير إنه متفائل."]


@pytest.mark.parametrize(
    "article",
    ["." * 200_000 + "x", "." * 50_000 + '"' * 50_000 + "x", "ا" + " " * 200_000 + "ب", "x" * 200_000 + " د. نص",
     "د. " * 50_000],
    ids=["dots", "dots-quotes", "spaces", "long-word", "abbreviations"],
)
def test_hostile_text_is_split_in_linear_time(article):
    started = time.perf_counter()
    split_sentences(article)
    assert time.perf_counter() - started < 2.0
