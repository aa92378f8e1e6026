import numpy as np

from training.calibration import expected_calibration_error, fit_temperature, softmax


def test_fit_temperature_undoes_overconfidence():
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 4, size=4000)
    true_logits = rng.normal(size=(4000, 4))
    true_logits[np.arange(4000), labels] += 1.5
    sampled = np.array([rng.choice(4, p=p) for p in softmax(true_logits)])
    overconfident = true_logits * 3.0
    temperature = fit_temperature(overconfident, sampled)
    assert 2.5 < temperature < 3.5
    before = expected_calibration_error(softmax(overconfident), sampled)
    after = expected_calibration_error(softmax(overconfident, temperature), sampled)
    assert after < before / 2


def test_ece_of_perfect_confident_predictions_is_zero():
    probabilities = np.eye(4)[[0, 1, 2, 3]]
    assert expected_calibration_error(probabilities, np.array([0, 1, 2, 3])) == 0.0
    assert expected_calibration_error(probabilities, np.array([1, 0, 3, 2])) == 1.0
