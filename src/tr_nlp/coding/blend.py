"""``--finetune`` models: a fine-tuned encoder averaged with the linear model.

On AnnoMI fold 1 the mean of the two models' probabilities beat both of them on both
tasks (``benchmarks/annomi.py --finetune``), so a fine-tuned model keeps the linear one
beside it: TF-IDF + frozen MiniLM features of the segment (and, with ``--context``, of its
dialogue context) under a :class:`~tr_nlp.coding.classifier.CodeClassifier`, and the
end-to-end fine-tuned :class:`~tr_nlp.coding.finetune.FineTunedClassifier`. The linear
part also supplies the evidence passages and model-card terms, which a fine-tuned encoder has
none of.

Decisions follow :class:`CodeClassifier` (thresholds; one winner or none per exclusive
group). For multi-label targets the thresholds are chosen again on the blended
probabilities of the interviews the fine-tuning held out: there the encoder's calibrated
probabilities are out-of-sample, and so are the linear head's inner cross-validated ones.

Examples
--------
>>> from tr_nlp.coding import make_theme_classifier
>>> blend = make_theme_classifier("finetune")  # doctest: +SKIP
>>> blend.fit(frame, Y, head__groups=interview_ids).predict(frame)  # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted

from tr_nlp.coding.classifier import choose_threshold
from tr_nlp.coding.finetune import FineTunedClassifier


class BlendedClassifier(ClassifierMixin, BaseEstimator):
    """Weighted mean of a linear pipeline's and a fine-tuned encoder's probabilities.

    Parameters
    ----------
    linear : Pipeline
        Features of a context frame -> :class:`CodeClassifier` (unfitted; cloned by :meth:`fit`).
    finetuned : FineTunedClassifier
        The encoder to fine-tune (unfitted; cloned by :meth:`fit`).
    weight : float
        Weight of the fine-tuned model's probabilities (the linear model gets the rest).
        0.5 is not tuned: it is what the benchmark measured.
    """

    def __init__(self, linear: Pipeline, finetuned: FineTunedClassifier, weight: float = 0.5):
        self.linear = linear
        self.finetuned = finetuned
        self.weight = weight

    @property
    def exclusive(self) -> tuple[tuple[int, ...], ...]:
        """The mutually exclusive code groups (those of the linear head)."""
        return tuple(self.linear.named_steps["head"].exclusive)

    def fit(self, X: Any, y: Any, groups: Any = None, runs: Any = None) -> BlendedClassifier:
        """Fit both models on a context frame; ``groups`` (interview ids) as for each of them,
        ``runs`` (stretches read in a row) as for the linear model's chain."""
        y = np.asarray(y)
        self.linear_ = clone(self.linear).fit(X, y, head__groups=groups, head__runs=runs)
        self.finetuned_ = clone(self.finetuned).fit(X, y, groups=groups)
        head = self.linear_.named_steps["head"]
        self.classes_, self.multilabel_ = head.classes_, head.multilabel_
        if self.multilabel_:
            self.thresholds_ = self._thresholds(y.reshape(len(y), -1))
        return self

    def _thresholds(self, Y: np.ndarray) -> np.ndarray:
        """Per code, the threshold for the head's objective on the blended held-out probabilities.

        Codes in exclusive groups, and codes without both coded and uncoded held-out
        segments, keep the linear head's threshold.
        """
        head = self.linear_.named_steps["head"]
        rows = self.finetuned_.validation_rows_
        thresholds = np.array(head.thresholds_, dtype=float)
        if not len(rows):
            return thresholds
        blended = self.weight * self.finetuned_.validation_proba_ + (1 - self.weight) * head.oof_proba_[rows]
        grouped = {j for group in head.exclusive for j in group}
        for j in range(Y.shape[1]):
            held_out = Y[rows, j]
            if j not in grouped and held_out.min() != held_out.max():
                thresholds[j] = choose_threshold(blended[:, j], held_out, head.objective)
        return thresholds

    def predict_proba(self, X: Any, groups: Any = None) -> np.ndarray:
        """The weighted mean of both models' probabilities (per code, or per class).

        ``groups`` (the interview of each row) reaches the linear model, which decodes
        its codes along each interview (:mod:`tr_nlp.coding.chain`).
        """
        check_is_fitted(self)
        return (self.weight * self.finetuned_.predict_proba(X)
                + (1 - self.weight) * self.linear_.predict_proba(X, groups=groups))

    def predict(self, X: Any, groups: Any = None) -> np.ndarray:
        """0/1 per code (or the most probable class), from the blended probabilities."""
        return self.decide(self.predict_proba(X, groups))

    def decide(self, proba: np.ndarray) -> np.ndarray:
        """Decisions from :meth:`predict_proba` output: the linear head's rules, the blend's thresholds."""
        check_is_fitted(self)
        head = self.linear_.named_steps["head"]
        return head.decide(proba, self.thresholds_ if self.multilabel_ else None)

    @classmethod
    def from_parts(cls, linear: Pipeline, finetuned: FineTunedClassifier, weight: float,
                   thresholds: list[float] | None) -> BlendedClassifier:
        """A fitted blend from fitted parts (what :func:`tr_nlp.coding.load_model` rebuilds)."""
        blend = cls(linear, finetuned, weight)
        blend.linear_, blend.finetuned_ = linear, finetuned
        head = linear.named_steps["head"]
        blend.classes_, blend.multilabel_ = head.classes_, head.multilabel_
        if blend.multilabel_:
            blend.thresholds_ = np.asarray(head.thresholds_ if thresholds is None else thresholds, dtype=float)
            if blend.thresholds_.shape != head.thresholds_.shape:
                raise ValueError(f"{blend.thresholds_.size} thresholds for {head.thresholds_.size} codes")
        if not np.array_equal(np.asarray(finetuned.classes_), np.asarray(head.classes_)):
            raise ValueError("the fine-tuned and the linear model code different classes")
        return blend
