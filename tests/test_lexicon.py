import pytest

from training.lexicon import has_any_cue, keyword_label, simplify, uses_common_cue


def test_simplify_strips_diacritics_and_unifies_alef():
    assert simplify("حذّرَ إبراهيمُ") == "حذر ابراهيم"


@pytest.mark.parametrize(
    ("sentence", "label"),
    [
        ("طالبت النقابة بزيادة الأجور.", "demand"),
        ("وحثّت المنظمة السلطات على التحرك.", "demand"),
        ("حذّرت الأرصاد من السيول.", "warning"),
        ("وتوعّد الجيش بالرد.", "warning"),
        ("رفضت الحركة المقترح.", "refusal"),
        ("وقال: «لن نقبل بهذا الاتفاق».", "refusal"),
        ("رفضت النقابة العرض وحذّرت من التصعيد.", "refusal"),
        ("افتتح الوزير المعرض في بحث علمي.", "background"),
    ],
)
def test_keyword_baseline_first_match_by_precedence(sentence, label):
    assert keyword_label(sentence) == label


def test_common_cues_and_any_cue():
    assert uses_common_cue("ويطالب المحتجون بالإفراج عنهم.", "demand")
    assert not uses_common_cue("وناشد المحتجون الحكومة الإفراج عنهم.", "demand")
    assert uses_common_cue("مع تحذيرات من المجاعة.", "warning")
    assert not uses_common_cue("لن نوقع على الاتفاق.", "refusal")
    assert has_any_cue("نفى المتحدث الاتهامات.")
    assert not has_any_cue("افتتح الوزير الجسر الجديد.")
