import pytest

from inference import ID2LABEL, LABEL2ID, LABELS, LabelMismatchError
from inference.labels import check_model_labels


def test_label_maps_derive_from_labels():
    assert LABELS == ("demand", "warning", "refusal", "background")
    assert [ID2LABEL[LABEL2ID[label]] for label in LABELS] == list(LABELS)


def test_json_style_maps_pass():
    check_model_labels({"0": "demand", "1": "warning", "2": "refusal", "3": "background"}, "config.json")


@pytest.mark.parametrize(
    "id2label",
    [
        {"0": "LABEL_0", "1": "LABEL_1", "2": "LABEL_2", "3": "LABEL_3"},
        {"0": "warning", "1": "demand", "2": "refusal", "3": "background"},
        {"0": "demand", "1": "warning", "2": "refusal"},
    ],
)
def test_other_labels_raise_naming_the_source(id2label):
    with pytest.raises(LabelMismatchError, match="some/config.json"):
        check_model_labels(id2label, "some/config.json")
