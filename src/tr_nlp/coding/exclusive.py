"""Mutually exclusive codes: a one-vs-rest linear SVM, C chosen by inner CV, temperature-scaled.

When codes exclude each other (one talk type per utterance; one of a group's codes or
none), one model picks among them. A class-balanced one-vs-rest linear SVM whose ``C`` is
chosen by inner cross-validation beat the multinomial logistic regression tr_nlp used
before on both AnnoMI tasks (``benchmarks/annomi.py``, 5 folds: therapist macro-F1
0.759 -> 0.764, client 0.536 -> 0.543). One SVM fits about ten times faster than that
regression, so choosing among six values of ``C`` on three inner folds costs little (the
5-fold AnnoMI training went from 69 to 82 s per task, most of it feature extraction).

Its scores become probabilities by temperature scaling: one scale ``T``, fitted on the
out-of-fold scores by log-loss, in ``softmax(T * scores)``. One scale keeps the SVM's
ranking of the options, so the most probable option is always the one the SVM picks.
On AnnoMI's out-of-fold predictions they were better calibrated than the balanced
multinomial regression's (client: Brier 0.446 vs 0.480, expected calibration error 0.019
vs 0.055; therapist: 0.293 vs 0.297). Like the class-balanced training itself, they
leaned toward rare codes (client "sustain": mean probability 0.18, observed share 0.11),
which one scale cannot mend. So for a codebook's exclusive group (what ``tr-nlp train``
fits), last of all, after the decoding along each interview (:mod:`tr_nlp.coding.chain`),
a shift per option of the log-probabilities, fitted on the out-of-fold probabilities
(:func:`fit_option_bias`), makes each option's mean probability its share. The decision
stays the class-balanced one, the most probable option before the shift
(:func:`balanced_choice`): it is what the inner CV chose ``C`` and the chain for. (A
single-label :class:`~tr_nlp.coding.CodeClassifier` keeps scikit-learn's contract that
``predict`` is the most probable class, so its probabilities are not shifted.)

Examples
--------
>>> X = np.r_[np.zeros((30, 2)), np.ones((30, 2)), -np.ones((30, 2))]
>>> X = X + np.random.default_rng(0).normal(0, .3, X.shape)
>>> y = np.repeat(["change", "neutral", "sustain"], 30)
>>> splits = [(np.arange(90)[np.arange(90) % 3 != k], np.arange(90)[np.arange(90) % 3 == k]) for k in range(3)]
>>> fit = fit_exclusive(X, y, splits)
>>> fit.model.C in C_GRID, fit.model.predict([[1.0, 1.0]]).tolist(), bool(fit.proba([[1.0, 1.0]]).argmax() == 1)
(True, ['neutral'], True)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.optimize import minimize, minimize_scalar
from sklearn.metrics import cohen_kappa_score, f1_score
from sklearn.svm import LinearSVC

from tr_nlp.errors import ConfigError

#: Candidate regularisation strengths; on AnnoMI the inner CV picked 0.02-0.08.
C_GRID = (0.01, 0.02, 0.03, 0.05, 0.08, 0.12)


def option_scores(model: LinearSVC, X: Any, classes: np.ndarray) -> np.ndarray:
    """Decision scores with one column per entry of ``classes``.

    A binary model's single score ``d`` becomes ``(0, d)`` (so ``softmax`` of it is the
    logistic function, as for a binary logistic regression); an option the model never
    saw in training (an inner fold without it) gets a score below every other.
    """
    raw = model.decision_function(X)
    if raw.ndim == 1:
        raw = np.column_stack([np.zeros_like(raw), raw])
    out = np.full((raw.shape[0], len(classes)), raw.min(initial=0.0) - 1.0)
    out[:, np.searchsorted(classes, model.classes_)] = raw
    return out


def softmax(z: np.ndarray) -> np.ndarray:
    """Row-wise softmax, stable for large scores."""
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def fit_temperature(scores: np.ndarray, index: np.ndarray) -> float:
    """The scale ``T > 0`` minimising the log-loss of ``softmax(T * scores)`` for true options ``index``."""
    rows = np.arange(len(index))

    def loss(log_t: float) -> float:
        return float(-np.mean(np.log(softmax(np.exp(log_t) * scores)[rows, index] + 1e-12)))

    return float(np.exp(minimize_scalar(loss, bounds=(-5.0, 6.0), method="bounded").x))


def fit_option_bias(proba: np.ndarray, index: np.ndarray) -> np.ndarray:
    """A shift per option of the log-probabilities, ``softmax(log(proba) + bias)``, that
    minimises the log-loss of the true options ``index``: at its minimum each option's mean
    probability equals its share of the rows (calibration in the large). Mean 0; an option
    no row has keeps 0.

    >>> proba = np.tile([0.5, 0.3, 0.2], (10, 1))  # every row alike, but 8 of 10 are option 0
    >>> bias = fit_option_bias(proba, np.array([0] * 8 + [1, 2]))
    >>> softmax(np.log(proba) + bias)[0].round(2).tolist()
    [0.8, 0.1, 0.1]
    """
    seen = np.bincount(index, minlength=proba.shape[1]) > 0
    log_proba = np.log(np.clip(proba[:, seen], 1e-12, None))
    onehot = np.eye(proba.shape[1])[index][:, seen]
    true = onehot > 0

    def loss(bias: np.ndarray) -> tuple[float, np.ndarray]:
        shifted = log_proba + bias
        shifted -= shifted.max(axis=1, keepdims=True)
        log_norm = np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        p = np.exp(shifted - log_norm)
        return float(-np.mean((shifted - log_norm)[true])), (p - onehot).mean(axis=0)

    found = minimize(loss, np.zeros(int(seen.sum())), jac=True, method="L-BFGS-B",
                     bounds=[(-20.0, 20.0)] * int(seen.sum())).x
    bias = np.zeros(proba.shape[1])
    bias[seen] = found - found.mean()
    return bias


def balanced_choice(proba: np.ndarray, bias: np.ndarray | None) -> np.ndarray:
    """The option each row's probabilities (shifted by ``bias``, :func:`fit_option_bias`)
    choose: the most probable before the shift, as the class-balanced model picks it."""
    log_proba = np.log(np.clip(proba, 1e-12, None))
    return np.argmax(log_proba if bias is None else log_proba - bias, axis=1)


def exclusive_proba(model: LinearSVC, temperature: float, X: Any) -> np.ndarray:
    """Probabilities ``softmax(temperature * scores)``, one column per ``model.classes_``."""
    return softmax(temperature * option_scores(model, X, model.classes_))


@dataclass
class ExclusiveFit:
    """A fitted SVM (its ``C`` is the chosen one), its temperature, its inner-CV score and
    out-of-fold probabilities (one column per option, in sorted order)."""

    model: LinearSVC
    temperature: float
    score: float
    oof: np.ndarray

    def proba(self, X: Any) -> np.ndarray:
        """Probabilities, one column per ``model.classes_``."""
        return exclusive_proba(self.model, self.temperature, X)


def selection_score(index: np.ndarray, predicted: np.ndarray, objective: str = "f1") -> float:
    """Macro-F1 of the options (Cohen's kappa when ``objective`` is ``"kappa"``)."""
    if objective == "kappa":
        return float(cohen_kappa_score(index, predicted))
    return float(f1_score(index, predicted, average="macro"))


def fit_exclusive(X: Any, label: np.ndarray, splits: Sequence[tuple[np.ndarray, np.ndarray]],
                  Cs: Sequence[float] = C_GRID, objective: str = "f1", class_weight: str | None = "balanced",
                  max_iter: int = 2000) -> ExclusiveFit:
    """Choose ``C`` on ``splits`` (inner folds) for ``objective``, then fit on everything.

    Parameters
    ----------
    X : array-like or sparse matrix
        Features, one row per segment.
    label : ndarray
        One option per segment (a code, or a "none" marker).
    splits : sequence of (train, test) index arrays
        Inner cross-validation folds (grouped by interview where the caller can).
    Cs : sequence of float
        Candidate regularisation strengths.
    objective : str
        ``"kappa"`` chooses by Cohen's kappa; anything else by macro-F1.
    """
    if not len(Cs):
        raise ConfigError("E163", detail="no candidate C for the exclusive-code SVM; give at least one value")
    label = np.asarray(label)
    classes = np.unique(label)
    index = np.searchsorted(classes, label)

    def svm(C: float) -> LinearSVC:
        return LinearSVC(C=C, class_weight=class_weight, max_iter=max_iter)

    best: tuple[float, float, np.ndarray] | None = None
    for C in Cs:
        oof = np.zeros((len(label), len(classes)))
        for train, test in splits:
            if len(np.unique(label[train])) > 1:
                oof[test] = option_scores(svm(C).fit(X[train], label[train]), X[test], classes)
        score = selection_score(index, oof.argmax(axis=1), objective)
        if best is None or score > best[0]:
            best = (score, C, oof)
    score, C, oof = best  # type: ignore[misc]
    temperature = fit_temperature(oof, index)
    return ExclusiveFit(svm(C).fit(X, label), temperature, score, softmax(temperature * oof))
