import json
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
