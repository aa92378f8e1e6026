import pytest

from inference import TextNormalizer


def test_arabert_removes_diacritics_and_tatweel_and_spaces_punctuation():
    normalizer = TextNormalizer("arabert")
    assert normalizer("حذّرت الوزارةُ من الفيضانات، أمسِ.") == "حذرت الوزارة من الفيضانات ، أمس ."
    assert "ـ" not in normalizer("الحكـــومة")


def test_none_only_collapses_whitespace():
    assert TextNormalizer("none")("  حذّرت \n الوزارة ") == "حذّرت الوزارة"


def test_settings_round_trip():
    normalizer = TextNormalizer("arabert", "bert-large-arabertv02")
    again = TextNormalizer.from_dict(normalizer.to_dict())
    assert (again.name, again.arabert_model_name) == ("arabert", "bert-large-arabertv02")


def test_unknown_normalizer_is_rejected():
    with pytest.raises(ValueError, match="farasa"):
        TextNormalizer("farasa")
