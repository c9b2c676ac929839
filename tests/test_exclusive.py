import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.svm import LinearSVC

from tr_nlp.coding.exclusive import fit_exclusive, fit_temperature, option_scores, softmax
from tr_nlp.errors import ConfigError


def thirds(n: int) -> list[tuple[np.ndarray, np.ndarray]]:
    k = np.arange(n) % 3
    return [(np.nonzero(k != f)[0], np.nonzero(k == f)[0]) for f in range(3)]


def three_clusters(n_each: int = 40, noise: float = 0.8, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    centres = np.array([[0, 0], [2, 0], [0, 2]])
    X = np.repeat(centres, n_each, axis=0) + np.random.default_rng(seed).normal(0, noise, (3 * n_each, 2))
    return X, np.repeat(np.array(["change", "neutral", "sustain"]), n_each)


def test_binary_scores_give_the_logistic_probability():
    X = np.random.default_rng(0).normal(size=(60, 2))
    y = (X[:, 0] > 0).astype(int)
    lr = LogisticRegression().fit(X, y)
    assert np.allclose(softmax(option_scores(lr, X, lr.classes_)), lr.predict_proba(X))


def test_option_never_seen_in_training_scores_lowest():
    X = np.array([[0.0], [1.0], [2.0], [3.0]])
    model = LinearSVC().fit(X, np.array(["a", "a", "c", "c"]))
    scores = option_scores(model, X, np.array(["a", "b", "c"]))
    assert (scores[:, 1] < scores[:, [0, 2]].min(axis=1)).all()


def test_fit_chooses_c_from_the_grid_and_keeps_the_svm_decision():
    X, y = three_clusters()
    fit = fit_exclusive(X, y, thirds(len(y)), Cs=(0.001, 0.1, 1.0))
    assert fit.model.C in (0.001, 0.1, 1.0) and 0 < fit.score <= 1
    proba = fit.proba(X)
    assert np.allclose(proba.sum(axis=1), 1)
    assert (fit.model.classes_[proba.argmax(axis=1)] == fit.model.predict(X)).all()


def test_temperature_minimises_log_loss():
    X, y = three_clusters(noise=1.2)
    fit = fit_exclusive(X, y, thirds(len(y)))
    index = np.searchsorted(fit.model.classes_, y)
    scores = option_scores(fit.model, X, fit.model.classes_)
    t = fit_temperature(scores, index)

    def loss(scale: float) -> float:
        return -np.log(softmax(scale * scores)[np.arange(len(y)), index]).mean()

    assert loss(t) <= min(loss(t / 2), loss(t * 2))


def test_inner_fold_missing_an_option_still_fits():
    X, y = three_clusters(n_each=6)
    splits = [(np.arange(12), np.arange(12, 18))]  # the training part never sees "sustain"
    fit = fit_exclusive(X, y, splits, Cs=(0.1,))
    assert fit.model.classes_.tolist() == ["change", "neutral", "sustain"]


def test_no_candidate_c_is_a_config_error():
    X, y = three_clusters(n_each=5)
    with pytest.raises(ConfigError, match="candidate C"):
        fit_exclusive(X, y, thirds(len(y)), Cs=())
