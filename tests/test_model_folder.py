import json
import re
import shutil

import pytest

from inference import Classifier, LabelMismatchError, ModelFolderError, ModelSettings
from inference.model_folder import check_model_folder


def copy_model(source, tmp_path):
    target = tmp_path / "model"
    shutil.copytree(source, target)
    return target


def test_settings_round_trip(tmp_path):
    ModelSettings(max_length=77, temperature=1.5).save(tmp_path)
    settings = ModelSettings.load(tmp_path)
    assert (settings.max_length, settings.temperature, settings.normalization["name"]) == (77, 1.5, "arabert")


def test_missing_folder_is_named(tmp_path):
    with pytest.raises(ModelFolderError, match="nowhere"):
        Classifier.from_pretrained(tmp_path / "nowhere")


def test_folder_without_config_is_named(tmp_path):
    with pytest.raises(ModelFolderError, match="config.json"):
        check_model_folder(tmp_path)


def test_pickled_weights_are_never_loaded(random_model_dir, tmp_path):
    folder = copy_model(random_model_dir, tmp_path)
    (folder / "model.safetensors").rename(folder / "pytorch_model.bin")
    with pytest.raises(ModelFolderError, match="safetensors"):
        Classifier.from_pretrained(folder)


def test_other_labels_are_refused(random_model_dir, tmp_path):
    folder = copy_model(random_model_dir, tmp_path)
    config = json.loads((folder / "config.json").read_text())
    config["id2label"] = {"0": "a", "1": "b", "2": "c", "3": "d"}
    (folder / "config.json").write_text(json.dumps(config))
    with pytest.raises(LabelMismatchError, match="config.json"):
        Classifier.from_pretrained(folder)


def test_missing_or_broken_settings_are_named(random_model_dir, tmp_path):
    folder = copy_model(random_model_dir, tmp_path)
    (folder / "speech_acts.json").write_text("{not json")
    with pytest.raises(ModelFolderError, match="speech_acts.json"):
        Classifier.from_pretrained(folder)
    (folder / "speech_acts.json").unlink()
    with pytest.raises(ModelFolderError, match="speech_acts.json"):
        Classifier.from_pretrained(folder)


def test_broken_weights_are_named(random_model_dir, tmp_path):
    folder = copy_model(random_model_dir, tmp_path)
    (folder / "model.safetensors").write_bytes(b"garbage")
    with pytest.raises(ModelFolderError, match=str(folder)):
        Classifier.from_pretrained(folder)


def write_json(path, value):
    path.write_text(json.dumps(value, ensure_ascii=False))


GOOD_SETTINGS = {"normalization": {"name": "arabert", "arabert_model_name": "bert-base-arabertv02"},
                 "max_length": 64, "temperature": 1.0, "cpu_precision": "fp32"}


@pytest.mark.parametrize(
    "change",
    [
        {"temperature": -2.477},
        {"temperature": 0},
        {"temperature": "1.5"},
        {"temperature": float("nan")},
        {"temperature": float("inf")},
        {"temperature": True},
        {"max_length": -5},
        {"max_length": 0},
        {"max_length": 100000},
        {"max_length": "64"},
        {"max_length": 64.5},
        {"normalization": {}},
        {"normalization": {"name": "farasa"}},
        {"normalization": "arabert"},
        {"normalization": {"name": "arabert", "arabert_model_name": 2}},
        {"cpu_precision": "fp64"},
        {"cpu_precision": None},
        {"dropout": 0.1},
    ],
    ids=repr,
)
def test_invalid_settings_are_refused_naming_the_file(random_model_dir, tmp_path, change):
    folder = copy_model(random_model_dir, tmp_path)
    write_json(folder / "speech_acts.json", {**GOOD_SETTINGS, **change})
    with pytest.raises(ModelFolderError, match=r"speech_acts\.json") as error:
        Classifier.from_pretrained(folder, device="cpu")
    assert next(iter(change)) in str(error.value)


@pytest.mark.parametrize("settings", [[1, 2], "fp32", None])
def test_settings_that_are_not_an_object_are_refused(random_model_dir, tmp_path, settings):
    folder = copy_model(random_model_dir, tmp_path)
    write_json(folder / "speech_acts.json", settings)
    with pytest.raises(ModelFolderError, match=r"speech_acts\.json.*JSON object"):
        Classifier.from_pretrained(folder, device="cpu")


def test_max_length_beyond_the_position_embeddings_is_refused(random_model_dir, tmp_path):
    folder = copy_model(random_model_dir, tmp_path)
    write_json(folder / "speech_acts.json", {**GOOD_SETTINGS, "max_length": 65})  # the model has 64 positions
    with pytest.raises(ModelFolderError, match=r"speech_acts\.json: max_length 65 exceeds .* 64 position"):
        Classifier.from_pretrained(folder, device="cpu")


CONFIG_CHANGES = {
    "num_labels_3": lambda config: {**config, "num_labels": 3},
    "a_list": lambda config: [config],
    "id2label_key_zero": lambda config: {
        **config, "id2label": {"zero": "demand", "1": "warning", "2": "refusal", "3": "background"}
    },
    "id2label_list": lambda config: {**config, "id2label": ["demand", "warning", "refusal", "background"]},
    "no_model_type": lambda config: {key: value for key, value in config.items() if key != "model_type"},
    "positions_text": lambda config: {**config, "max_position_embeddings": "64"},
}
# Values that only transformers itself can judge: refused with the folder named.
DEEP_CONFIG_CHANGES = {
    "vocab_too_small": lambda config: {**config, "vocab_size": 10},
    "hidden_size_text": lambda config: {**config, "hidden_size": "big"},
}


@pytest.mark.parametrize("change", [*CONFIG_CHANGES, *DEEP_CONFIG_CHANGES])
def test_broken_config_is_refused_naming_the_file(random_model_dir, tmp_path, change):
    folder = copy_model(random_model_dir, tmp_path)
    config = json.loads((folder / "config.json").read_text())
    write_json(folder / "config.json", {**CONFIG_CHANGES, **DEEP_CONFIG_CHANGES}[change](config))
    named = str(folder / "config.json") if change in CONFIG_CHANGES else str(folder)
    with pytest.raises(ModelFolderError, match=re.escape(named)) as error:
        Classifier.from_pretrained(folder, device="cpu")
    assert type(error.value) is ModelFolderError
