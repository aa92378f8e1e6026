import numpy as np
import pytest
import torch

from inference import LABELS, Classifier, ModelFolderError, ModelSettings, classify, split_sentences
from inference.classifier import MODEL_ENV_VAR, DeviceError, _resolve_precision


@pytest.fixture(scope="module")
def classifier(random_model_dir):
    return Classifier.from_pretrained(random_model_dir, device="cpu", batch_size=4)


def test_one_prediction_per_sentence_with_offsets(classifier, seed_text):
    predictions = classifier.classify(seed_text)
    assert len(predictions) == len(split_sentences(seed_text)) == 15
    for index, prediction in enumerate(predictions):
        assert prediction.index == index
        assert seed_text[prediction.start : prediction.end] == prediction.text
        assert prediction.label in LABELS
        assert set(prediction.probabilities) == set(LABELS)
        assert prediction.score == pytest.approx(max(prediction.probabilities.values()))
        assert sum(prediction.probabilities.values()) == pytest.approx(1.0, abs=1e-5)


def test_blank_article_gives_no_predictions(classifier):
    assert classifier.classify("") == []
    assert classifier.classify(" \n\t ") == []


@pytest.mark.parametrize("article", [None, 42, b"bytes", ["list"]])
def test_non_string_raises_type_error_naming_the_type(classifier, article):
    with pytest.raises(TypeError, match=type(article).__name__):
        classifier.classify(article)


def test_batching_and_padding_do_not_change_probabilities(random_model_dir, seed_text):
    sentences = [s.text for s in split_sentences(seed_text)]
    one = Classifier.from_pretrained(random_model_dir, device="cpu", batch_size=1).predict_proba(sentences)
    many = Classifier.from_pretrained(random_model_dir, device="cpu", batch_size=64).predict_proba(sentences)
    np.testing.assert_allclose(one, many, atol=1e-5)


def test_duplicates_get_identical_rows(classifier):
    sentences = ["رفضت الحكومة المقترح.", "حذّر الخبراء من الجفاف.", "رفضت الحكومة المقترح."]
    probabilities = classifier.predict_proba(sentences)
    assert probabilities.shape == (3, len(LABELS))
    np.testing.assert_array_equal(probabilities[0], probabilities[2])


def test_sentence_longer_than_max_length_is_truncated_and_labeled(classifier):
    long_sentence = " ".join(["وأضاف المتحدث أن الوفد سيواصل المشاورات مع الأطراف المعنية"] * 40) + "."
    assert len(classifier.tokenizer(long_sentence)["input_ids"]) > classifier.settings.max_length
    (prediction,) = classifier.classify(long_sentence)
    assert prediction.label in LABELS and prediction.end == len(long_sentence)


def test_classify_many_streams_in_input_order(classifier, seed_text):
    articles = [seed_text, "", "رفضت النقابة العرض. وحذّرت من إضراب شامل.", seed_text]
    results = list(classifier.classify_many(iter(articles), window=8))
    assert [len(r) for r in results] == [15, 0, 2, 15]
    # Same article in another window: other batch shapes, so equal up to float rounding.
    for first, again in zip(results[0], results[3]):
        assert (first.index, first.text, first.start, first.end) == (again.index, again.text, again.start, again.end)
        assert first.probabilities == pytest.approx(again.probabilities, abs=1e-5)
    assert results[2][1].text == "وحذّرت من إضراب شامل."


def test_module_level_classify_uses_env_var_and_caches(random_model_dir, seed_text, monkeypatch):
    monkeypatch.setenv(MODEL_ENV_VAR, str(random_model_dir))
    first = classify(seed_text)
    assert len(first) == 15
    assert classify(seed_text, model=random_model_dir) == first


def test_module_level_classify_says_how_to_train(tmp_path, monkeypatch):
    monkeypatch.delenv(MODEL_ENV_VAR, raising=False)
    with pytest.raises(ModelFolderError, match="training.train --config configs/tiny.yaml"):
        classify("نص.", model=tmp_path / "missing")


def test_int8_precision_runs_on_cpu_and_cuda_int8_is_refused(random_model_dir, seed_text):
    quantized = Classifier.from_pretrained(random_model_dir, device="cpu", precision="int8")
    assert len(quantized.classify(seed_text)) == 15
    with pytest.raises(ValueError, match="CPU only"):
        _resolve_precision("int8", torch.device("cuda"), ModelSettings())


@pytest.mark.parametrize("device", ["gpu", "cuda:99", "tpu", "cuda" if not torch.cuda.is_available() else "cuda:98"])
def test_bad_device_is_a_value_error(random_model_dir, device):
    with pytest.raises(ValueError, match="device") as error:
        Classifier.from_pretrained(random_model_dir, device=device)
    assert isinstance(error.value, DeviceError)


def test_classify_none_raises_type_error_before_model_lookup(tmp_path, monkeypatch):
    monkeypatch.setenv(MODEL_ENV_VAR, str(tmp_path / "no-model-here"))
    with pytest.raises(TypeError, match="NoneType"):
        classify(None)
    with pytest.raises(TypeError, match="bytes"):
        classify("نص".encode(), model=tmp_path / "no-model-here")


def test_from_pretrained_is_quiet(random_model_dir, capfd):
    capfd.readouterr()
    Classifier.from_pretrained(random_model_dir, device="cpu")
    out, err = capfd.readouterr()
    assert (out, err) == ("", "")
