"""Theme classifiers: calibrated, thresholded logistic regression per code.

:class:`CodeClassifier` works on a numeric feature matrix and is a scikit-learn
classifier:

* ``y`` 2-d (segments x codes, 0/1): multi-label, one class-weighted logistic regression
  per code; its scores are calibrated with Platt scaling fitted on inner cross-validated
  (out-of-fold) scores, and a per-code decision threshold is chosen on the same
  out-of-fold probabilities for the stated ``objective`` (``"f1"``, ``"kappa"`` or
  ``"recall:0.95"``). Given ``groups`` in :meth:`~CodeClassifier.fit`, each code's
  probabilities are first decoded along each interview as a two-state chain (uncoded,
  coded) of the strength the inner cross-validation serves best (:mod:`tr_nlp.coding.chain`)
  and recalibrated, and its threshold is chosen on those probabilities.
* ``y`` 1-d: a mutually exclusive code group, single-label multi-class: a class-balanced
  one-vs-rest linear SVM with ``C`` chosen by inner cross-validation and temperature-scaled
  probabilities (:mod:`tr_nlp.coding.exclusive`). Given the interview of each segment
  (``groups``, rows in reading order), these probabilities are decoded along each
  interview as a Markov chain whose strength the inner cross-validation picks
  (:mod:`tr_nlp.coding.chain`; 0 switches it off). ``predict`` is the most probable code
  (scikit-learn's contract), so these probabilities keep the class-balanced model's lean
  toward rare codes.
* ``y`` 2-d with ``exclusive`` groups of column indices: the codes of each group share
  one such model over "which of them, or none"; ``predict`` gives at most one of them per
  segment (the most probable, unless "none" is more probable), as the class-balanced
  model picks it. Its probabilities, last, are shifted per option so that each option's
  mean out-of-fold probability is its share (:func:`~tr_nlp.coding.exclusive.fit_option_bias`):
  a coder reads a calibrated chance, the decision stays the balanced one (the most
  probable before that shift), as a code outside a group is decided at its threshold.

:func:`make_theme_classifier` puts text features in front of it as a ``Pipeline``.

Examples
--------
>>> import numpy as np
>>> X = np.r_[np.zeros((20, 2)), np.ones((20, 2))] + np.random.default_rng(0).normal(0, .3, (40, 2))
>>> y = np.c_[np.r_[np.zeros(20), np.ones(20)], np.r_[np.ones(20), np.zeros(20)]].astype(int)
>>> clf = CodeClassifier(inner_folds=3).fit(X, y)
>>> clf.predict(X).shape
(40, 2)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold, StratifiedKFold
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted, validate_data

from tr_nlp.agreement.stats import binary_stats_from_counts
from tr_nlp.coding.chain import STRENGTHS, Chain, apply_chain, fit_chain, recalibrate
from tr_nlp.coding.exclusive import (
    C_GRID,
    ExclusiveFit,
    balanced_choice,
    exclusive_proba,
    fit_exclusive,
    fit_option_bias,
    selection_score,
)
from tr_nlp.errors import ConfigError
from tr_nlp.features.text import make_features


FINETUNE = "finetune"  # features value: fine-tune MiniLM instead of a linear head on fixed features


def parse_objective(objective: str) -> tuple[str, float | None]:
    """``"f1"`` -> ("f1", None); ``"recall:0.95"`` -> ("recall", 0.95)."""
    name, _, value = objective.partition(":")
    if name in {"f1", "kappa"} and not value:
        return name, None
    if name == "recall":
        try:
            target = float(value)
        except ValueError:
            target = -1.0
        if 0 < target <= 1:
            return name, target
    raise ConfigError("E163", detail=f"objective {objective!r}; expected f1, kappa or recall:0.95")


def threshold_score(proba: np.ndarray, y: np.ndarray, objective: str = "f1") -> float:
    """How well ``objective`` is served at the threshold :func:`choose_threshold` picks.

    F1 or kappa there; for ``recall:R``, minus the share of segments a coder must read.
    """
    threshold = choose_threshold(proba, y, objective)
    flagged = proba >= threshold
    name, _ = parse_objective(objective)
    if name == "recall":
        return -float(flagged.mean())
    y = np.asarray(y).astype(bool)
    stats = binary_stats_from_counts((flagged & y).sum(), (flagged & ~y).sum(), (~flagged & y).sum(),
                                     (~flagged & ~y).sum())
    return float(np.nan_to_num(stats[name], nan=-1.0))


def choose_threshold(proba: np.ndarray, y: np.ndarray, objective: str = "f1") -> float:
    """The decision threshold on ``proba`` that best serves ``objective`` for labels ``y``.

    For ``recall:R`` it is the highest threshold that still finds a share R of the
    positives (so coders read as few segments as possible).
    """
    name, target = parse_objective(objective)
    y = np.asarray(y).astype(bool)
    if not y.any():
        return 1.0
    order = np.argsort(-proba, kind="stable")
    p, t = proba[order], y[order]
    tp = np.cumsum(t)
    fp = np.cumsum(~t)
    last = np.r_[np.diff(p) != 0, True]  # candidate cuts between distinct values
    tp, fp, cut = tp[last], fp[last], p[last]
    fn = t.sum() - tp
    tn = len(t) - tp - fp - fn
    if name == "recall":
        best = int(np.nonzero(tp / t.sum() >= target)[0][0])
    else:
        stats = binary_stats_from_counts(tp, fp, fn, tn)
        best = int(np.argmax(np.nan_to_num(stats[name], nan=-1.0)))
    # halfway to the next lower score: the same cut on these data, less brittle on new ones
    below = cut[best + 1] if best + 1 < len(cut) else 0.0
    return float((cut[best] + below) / 2)


class CodeClassifier(ClassifierMixin, BaseEstimator):
    """Calibrated logistic regression per code with per-code thresholds.

    Parameters
    ----------
    C : float
        Inverse L2 regularisation strength of the per-code logistic regressions.
    class_weight : {"balanced", None}
        Weight classes inversely to their frequency (rare codes are not drowned).
    objective : str
        Threshold objective: ``"f1"``, ``"kappa"`` or ``"recall:<share>"``.
    inner_folds : int
        Folds of the inner cross-validation for calibration and thresholds.
    max_iter : int
        Solver iterations.
    random_state : int
        Seed of the inner splits.
    exclusive : tuple of tuple of int
        Column indices of mutually exclusive code groups (multi-label ``y`` only).
    exclusive_Cs : tuple of float
        Candidate ``C`` of the linear SVM for mutually exclusive codes (1-d ``y`` or
        ``exclusive`` groups); the inner cross-validation picks one for ``objective``
        (macro-F1, or kappa for ``"kappa"``).
    chain_strengths : tuple of float
        Candidate strengths of the decoding along each interview (:mod:`tr_nlp.coding.chain`),
        for every code and exclusive group; the inner cross-validation picks one for each,
        for ``objective``. ``(0.0,)`` switches it off. It needs ``groups`` in :meth:`fit`
        (to learn the transitions) and in :meth:`predict_proba` (to use them).

    Attributes
    ----------
    thresholds_ : ndarray
        Per code, the threshold chosen for ``objective`` on the out-of-fold probabilities,
        decoded along each interview where the code has a chain.
    alone_thresholds_ : ndarray
        The same, chosen on undecoded probabilities: what :meth:`predict` applies when it
        is given no ``groups`` (a plain scikit-learn call).
    """

    def __init__(self, C: float = 4.0, class_weight: str | None = "balanced", objective: str = "f1",
                 inner_folds: int = 3, max_iter: int = 2000, random_state: int = 0,
                 exclusive: tuple[tuple[int, ...], ...] = (),
                 exclusive_Cs: tuple[float, ...] = C_GRID, chain_strengths: tuple[float, ...] = STRENGTHS):
        self.C = C
        self.class_weight = class_weight
        self.objective = objective
        self.inner_folds = inner_folds
        self.max_iter = max_iter
        self.random_state = random_state
        self.exclusive = exclusive
        self.exclusive_Cs = exclusive_Cs
        self.chain_strengths = chain_strengths

    def _lr(self) -> LogisticRegression:
        return LogisticRegression(C=self.C, class_weight=self.class_weight, max_iter=self.max_iter,
                                  solver="lbfgs")

    def fit(self, X: Any, y: Any, groups: Any = None, runs: Any = None) -> CodeClassifier:
        """Fit; ``groups`` (interview ids) keeps inner folds from splitting an interview.

        With ``groups``, rows are taken to be in reading order within each interview, and
        codes also learn how they follow each other: along each interview, or along each
        stretch of ``runs`` (ids; rows of one stretch follow each other) where only passages
        of an interview were read (:func:`~tr_nlp.coding.chain.stretches`).
        """
        chained = groups if runs is None else runs
        X, y = validate_data(self, X, y, accept_sparse="csr", multi_output=True)
        parse_objective(self.objective)
        y = np.asarray(y)
        # a 0/1 matrix is one column per code, even with a single code (a team coding one theme)
        self.multilabel_ = y.ndim == 2 and (y.shape[1] > 1 or bool(np.isin(y, (0, 1)).all()))
        if not self.multilabel_:
            y = y.ravel() if y.ndim == 2 else y
            self.classes_ = np.unique(y)
            if len(self.classes_) < 2:
                raise ValueError("need at least two classes; got 1 class")
            strat = np.searchsorted(self.classes_, y)
            splits = self._splits(X, strat, groups)
            fit = self._fit_exclusive(X, y, splits)
            self.model_, self.temperature_ = fit.model, fit.temperature
            self.chain_ = self._chain(fit, y, chained, splits)[0]
            self.n_iter_ = np.array([fit.model.n_iter_])
            return self
        Y = y.astype(int)
        self.classes_ = np.arange(Y.shape[1])
        self.models_: list[LogisticRegression | None] = []
        self.calibrators_: list[LogisticRegression | None] = []
        self.priors_ = Y.mean(axis=0)
        self.thresholds_ = np.ones(Y.shape[1])
        self.alone_thresholds_ = np.ones(Y.shape[1])  # for segments scored without their interview
        self.oof_proba_ = np.tile(self.priors_, (len(Y), 1)).astype(float)
        splits = self._splits(X, Y.argmax(axis=1) + Y.any(axis=1), groups)  # strata: first code, or none
        self.code_chains_: list[Chain | None] = []
        grouped = {j for group in self.exclusive for j in group}
        for j in range(Y.shape[1]):
            if j in grouped:  # placeholders; the group model below decides these codes
                self.models_.append(None)
                self.calibrators_.append(None)
                self.code_chains_.append(None)
            else:
                self._fit_code(X, Y[:, j], j, splits, chained)
        fits = [self._fit_group(X, Y, list(group), splits, chained) for group in self.exclusive]
        self.group_models_ = [f[0].model if f else None for f in fits]
        self.group_temperatures_ = [f[0].temperature if f else 1.0 for f in fits]
        self.group_chains_ = [f[1] if f else None for f in fits]
        self.group_biases_ = [f[2] if f else None for f in fits]
        self.n_iter_ = np.array([m.n_iter_[0] if m is not None else 0 for m in self.models_])
        return self

    def _splits(self, X: Any, strat: np.ndarray, groups: Any) -> list[tuple[np.ndarray, np.ndarray]]:
        """Inner folds: grouped by interview when ``groups`` allow, else stratified on ``strat``."""
        n = X.shape[0]
        if groups is not None and len(np.unique(groups)) >= self.inner_folds:
            return list(GroupKFold(n_splits=self.inner_folds).split(X, groups=groups))
        counts = np.bincount(strat)
        if counts[counts > 0].min() >= self.inner_folds:
            folds = StratifiedKFold(self.inner_folds, shuffle=True, random_state=self.random_state)
            return list(folds.split(X, strat))
        rng = np.random.default_rng(self.random_state)
        fold_of = rng.permutation(n) % self.inner_folds
        return [(np.nonzero(fold_of != k)[0], np.nonzero(fold_of == k)[0]) for k in range(self.inner_folds)]

    def _fit_code(self, X: Any, y: np.ndarray, j: int, splits: list[tuple[np.ndarray, np.ndarray]],
                  groups: Any = None) -> None:
        if y.min() == y.max():  # no positives (or no negatives): predict the prior
            self.models_.append(None)
            self.calibrators_.append(None)
            self.code_chains_.append(None)
            self.thresholds_[j] = self.alone_thresholds_[j] = 1.0 if y.max() == 0 else 0.0
            return
        scores = np.zeros(len(y))
        for train, test in splits:
            if y[train].min() == y[train].max():
                scores[test] = 0.0
                continue
            scores[test] = self._lr().fit(X[train], y[train]).decision_function(X[test])
        calibrator = LogisticRegression(C=1e4).fit(scores[:, None], y)

        # a two-state chain (uncoded, coded), chosen as for exclusive groups
        def score(decoded: np.ndarray) -> float:
            return threshold_score(decoded[:, 1], y, self.objective)

        alone = calibrator.predict_proba(scores[:, None])
        chain, oof = fit_chain(alone, y, groups, splits, score, self.chain_strengths, intercept=True)
        self.code_chains_.append(chain)
        self.oof_proba_[:, j] = oof[:, 1]
        self.thresholds_[j] = choose_threshold(self.oof_proba_[:, j], y, self.objective)
        self.alone_thresholds_[j] = (self.thresholds_[j] if chain is None or chain[2] == 0
                                     else choose_threshold(alone[:, 1], y, self.objective))
        self.models_.append(self._lr().fit(X, y))
        self.calibrators_.append(calibrator)

    def _fit_exclusive(self, X: Any, label: np.ndarray, splits: list[tuple[np.ndarray, np.ndarray]]) -> ExclusiveFit:
        return fit_exclusive(X, label, splits, self.exclusive_Cs, parse_objective(self.objective)[0],
                             self.class_weight, self.max_iter)

    def _fit_group(self, X: Any, Y: np.ndarray, group: list[int], splits: list[tuple[np.ndarray, np.ndarray]],
                   groups: Any) -> tuple[ExclusiveFit, Chain | None, np.ndarray] | None:
        """One model over the group's codes plus "none" (class -1), its chain and option bias."""
        sub = Y[:, group]
        label = np.where(sub.any(axis=1), np.asarray(group)[sub.argmax(axis=1)], -1)
        if len(np.unique(label)) < 2:
            return None
        fit = self._fit_exclusive(X, label, splits)
        chain, decoded = self._chain(fit, label, groups, splits)
        return fit, chain, fit_option_bias(decoded, np.searchsorted(fit.model.classes_, label))

    def _chain(self, fit: ExclusiveFit, label: np.ndarray, groups: Any,
               splits: list[tuple[np.ndarray, np.ndarray]]) -> tuple[Chain | None, np.ndarray]:
        """The exclusive model's chain, its strength chosen for the objective (None without
        ``groups``), and its out-of-fold probabilities decoded with it."""
        index = np.searchsorted(fit.model.classes_, label)
        objective = parse_objective(self.objective)[0]

        def score(decoded: np.ndarray) -> float:
            return selection_score(index, decoded.argmax(axis=1), objective)

        return fit_chain(fit.oof, index, groups, splits, score, self.chain_strengths)

    def predict_proba(self, X: Any, groups: Any = None) -> np.ndarray:
        """Calibrated probabilities: (n, codes) for multi-label, (n, classes) otherwise.

        With ``groups`` (the interview of each row, rows in reading order), codes are
        decoded along each interview (those for which the fit chose a strength above 0).
        """
        check_is_fitted(self)
        X = validate_data(self, X, accept_sparse="csr", reset=False)
        if groups is not None and len(groups) != X.shape[0]:
            raise ValueError(f"groups has {len(groups)} entries for {X.shape[0]} rows")
        if not self.multilabel_:
            proba = exclusive_proba(self.model_, self.temperature_, X)
            return self._decoded(proba, groups, self._saved_chains()[0])
        out = np.empty((X.shape[0], len(self.classes_)))
        # absent from models saved before the chain
        chains = getattr(self, "code_chains_", None) or [None] * len(self.models_)
        for j, (model, calibrator, chain) in enumerate(zip(self.models_, self.calibrators_, chains)):
            if model is None or calibrator is None:
                out[:, j] = self.priors_[j]
            else:
                proba = calibrator.predict_proba(model.decision_function(X)[:, None])
                out[:, j] = self._decoded(proba, groups, chain)[:, 1]
        for group, model, temperature, chain, bias in zip(self.exclusive, self.group_models_,
                                                          self.group_temperatures_, self._saved_chains(),
                                                          self._group_biases()):
            if model is None:
                continue
            proba = self._shifted(self._decoded(exclusive_proba(model, temperature, X), groups, chain), bias)
            for j, at in zip(group, _class_columns(model, group)):
                out[:, j] = proba[:, at] if at >= 0 else 0.0
        return out

    def _saved_chains(self) -> list[Chain | tuple | None]:
        """The exclusive model's chain (one item) or the groups' chains, from this release or an earlier one.

        Models saved before chains were single tuples kept transitions, prior and strength
        in separate attributes; those decode as they did, without recalibration.
        """
        if not self.multilabel_:
            if hasattr(self, "chain_") or not hasattr(self, "transitions_"):
                return [getattr(self, "chain_", None)]
            return [(self.transitions_, self.option_prior_, self.chain_strength_)]
        if hasattr(self, "group_chains_") or not hasattr(self, "group_transitions_"):
            return getattr(self, "group_chains_", [None] * len(self.exclusive))
        return [None if t is None else (t, p, s)
                for t, p, s in zip(self.group_transitions_, self.group_priors_, self.group_strengths_)]

    def _group_biases(self) -> list[np.ndarray | None]:
        """Each exclusive group's option bias (None for models saved before it)."""
        return getattr(self, "group_biases_", None) or [None] * len(self.exclusive)

    @staticmethod
    def _shifted(proba: np.ndarray, bias: np.ndarray | None) -> np.ndarray:
        return proba if bias is None else recalibrate(proba, 1.0, bias)

    @staticmethod
    def _decoded(proba: np.ndarray, groups: Any, chain: Chain | tuple | None) -> np.ndarray:
        if groups is None or chain is None:
            return proba
        return apply_chain(proba, np.asarray(groups), chain)

    def predict(self, X: Any, groups: Any = None) -> np.ndarray:
        """0/1 per code at the chosen thresholds, or the most probable class (``groups``: as in
        :meth:`predict_proba`).

        Without ``groups`` nothing is decoded, so codes are on at the thresholds chosen on
        undecoded out-of-fold probabilities.
        """
        proba = self.predict_proba(X, groups)
        if groups is None and self.multilabel_:
            return self.decide(proba, getattr(self, "alone_thresholds_", None))  # absent before the chain
        return self.decide(proba)

    def decide(self, proba: np.ndarray, thresholds: np.ndarray | None = None) -> np.ndarray:
        """Decisions from :meth:`predict_proba` output, without scoring the inputs again.

        Codes outside exclusive groups are on at their thresholds (``thresholds`` replaces
        the fitted ones, e.g. for probabilities blended with another model); within a group
        the most probable of its codes and "none" (1 minus the group's probabilities) wins,
        as the class-balanced model picks it: before its options' shift
        (:func:`~tr_nlp.coding.exclusive.balanced_choice`).
        """
        check_is_fitted(self)
        if not self.multilabel_:
            return self.classes_[np.argmax(proba, axis=1)]
        predicted = (proba >= (self.thresholds_ if thresholds is None else thresholds)).astype(int)
        for group, model, bias in zip(self.exclusive, getattr(self, "group_models_", []), self._group_biases()):
            cols = sorted(group)  # the group model's class order: none (-1), then codes
            predicted[:, cols] = 0
            if model is None:
                continue
            options = np.column_stack([1 - proba[:, cols].sum(axis=1), proba[:, cols]])
            if bias is not None:  # per option; a code the model never saw has probability 0 and no shift
                at = _class_columns(model, [-1, *cols])
                bias = np.where(at >= 0, bias[at], 0.0)
            winner = balanced_choice(options, bias)
            for k, j in enumerate(cols, start=1):
                predicted[:, j] = winner == k
        return predicted

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.target_tags.multi_output = True
        return tags


def _class_columns(model: Any, classes: Sequence[int]) -> np.ndarray:
    """The column of each of ``classes`` in ``model.classes_``; -1 for one it never saw."""
    return np.array([hit[0] if len(hit := np.flatnonzero(model.classes_ == c)) else -1 for c in classes])


def make_theme_classifier(features: str = "both", cache_dir: str | None = None, context: bool = False,
                          **head: Any) -> Pipeline:
    """Text in, codes out: ``Pipeline([features, CodeClassifier])``.

    Without ``context`` the input is a list of texts; with it, a
    :func:`tr_nlp.features.context_frame` (text plus the other speaker's turns around it).
    ``features="finetune"`` gives ``Pipeline([BlendedClassifier])`` instead: MiniLM
    fine-tuned end to end, averaged with the ``"both"`` model (with or without ``context``);
    it always reads a context frame (see :func:`reads_context`). Fit with
    ``pipe.fit(X, Y, head__groups=interview_ids)``.
    """
    from tr_nlp.features.context import make_context_features

    if features == FINETUNE:
        from tr_nlp.coding.blend import BlendedClassifier
        from tr_nlp.coding.finetune import FineTunedClassifier

        keep = {k: v for k, v in head.items() if k in {"objective", "exclusive", "random_state"}}
        linear = Pipeline([("features", make_context_features("both", cache_dir, dialogue=context)),
                           ("head", CodeClassifier(**head))])
        return Pipeline([("head", BlendedClassifier(linear, FineTunedClassifier(**keep)))])

    featurizer = make_context_features(features, cache_dir) if context else make_features(features, cache_dir)
    return Pipeline([("features", featurizer), ("head", CodeClassifier(**head))])


def reads_context(features: str, context: bool) -> bool:
    """Whether a model built with these settings takes a context frame rather than texts."""
    return context or features == FINETUNE
