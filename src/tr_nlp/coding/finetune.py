"""Fine-tuned MiniLM classifier (``--finetune``): the encoder is trained with a linear head.

Slower than the default mode: about 30 training samples/s on a 2-core CPU with the
previous turn alone; with the next turn in the pair as well, fitting and scoring one AnnoMI
fold (four epochs over about 3,900 utterances) takes 11-13 minutes (batches hold inputs of
similar length, which more than halved the time: ``benchmarks/finetune_speed.py``). On
AnnoMI fold 1 alone it is about as good as the default model (macro-F1 0.743 and 0.754
vs 0.741 therapist over two seeds, 0.558-0.569 vs 0.564 client over three;
``benchmarks/annomi.py --folds 1 --finetune --seeds N``), so ``--finetune`` averages it
with the linear model (:mod:`tr_nlp.coding.blend`). Over all five AnnoMI folds the average
beats both on therapist behaviour (0.767 alone, 0.781 averaged, 0.769 the default model,
whose exclusive codes are decoded along the interview: :mod:`tr_nlp.coding.chain`) but
not on client talk (0.524 alone, 0.541 averaged, 0.549 the default model).
Uses CUDA when torch sees a GPU, unchanged code otherwise. With a context frame as input,
the segment is encoded as a sentence pair with the other speaker's previous and next turns
(joined by the separator token); with the previous turn alone it had 0.753 therapist and
0.543 client.

For multi-label targets a share of the interviews (``validation_fraction``) is held out
of fine-tuning; on it each code gets a Platt calibration of its logit and a decision
threshold for ``objective``, the same contract as :class:`CodeClassifier`
(``validation_rows_`` and ``validation_proba_`` keep those rows and their calibrated
probabilities, for :class:`tr_nlp.coding.blend.BlendedClassifier`). Weights are
saved with ``safetensors`` and everything else as JSON (:meth:`state`), so loading a
model folder never unpickles anything.

Examples
--------
>>> clf = FineTunedClassifier(epochs=1)  # doctest: +SKIP
>>> clf.fit(["she listened", "he drove me"], ["care", "extra"]).predict(["she listened"])  # doctest: +SKIP
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupShuffleSplit, ShuffleSplit

from tr_nlp.coding.classifier import choose_threshold, parse_objective
from tr_nlp.errors import ModelError
from tr_nlp.features.embeddings import model_dir

_PARAMS = ("epochs", "batch_size", "lr", "head_lr", "max_length", "objective", "validation_fraction",
           "next_turn", "random_state")


def length_batches(lengths: np.ndarray, batch_size: int, rng: np.random.Generator, pool: int = 50) -> list[np.ndarray]:
    """Shuffled batches of row positions, each of inputs of similar length.

    Rows are shuffled, cut into pools of ``pool`` batches, sorted by length within a pool
    and cut into batches; the batches are then shuffled. Each batch is padded to its
    longest input, so similar lengths waste less compute on padding while the order of
    training stays random (``benchmarks/finetune_speed.py`` measures the gain).
    """
    order = rng.permutation(len(lengths))
    batches = []
    for start in range(0, len(order), batch_size * pool):
        chunk = order[start : start + batch_size * pool]
        chunk = chunk[np.argsort(lengths[chunk], kind="stable")]
        batches += [chunk[i : i + batch_size] for i in range(0, len(chunk), batch_size)]
    return [batches[k] for k in rng.permutation(len(batches))]


def _lengths(texts: list[str], prev: list[str] | None) -> np.ndarray:
    """Characters per input (segment plus paired turn): a cheap stand-in for its token count."""
    return np.array([len(t) + (len(prev[i]) if prev else 0) for i, t in enumerate(texts)])


def _pairs(X: Any, sep: str | None = None) -> tuple[list[str], list[str] | None]:
    """Segment texts and what they are paired with: the other speaker's previous turn, and
    with ``sep`` (the tokenizer's separator) their next turn after it."""
    if not isinstance(X, pd.DataFrame):
        return [str(x) for x in X], None
    texts = X["text"].astype(str).tolist()
    if "prev_text" not in X:
        return texts, None
    prev = X["prev_text"].astype(str).tolist()
    if sep is None or "next_text" not in X:
        return texts, prev
    after = X["next_text"].astype(str).tolist()
    return texts, [f" {sep} ".join(t for t in pair if t) for pair in zip(prev, after)]


class FineTunedClassifier(ClassifierMixin, BaseEstimator):
    """MiniLM encoder + linear head, fine-tuned end to end.

    Parameters
    ----------
    epochs : int
        Passes over the training data.
    batch_size : int
        Segments per step.
    lr, head_lr : float
        Learning rates of the encoder and of the new head (AdamW, warm-up, linear decay).
    max_length : int
        Tokens per input (pair inputs share it).
    objective : str
        Threshold objective for multi-label targets: ``f1``, ``kappa`` or ``recall:0.95``.
    validation_fraction : float
        Share of interviews (``groups``) held out for calibration and thresholds
        (multi-label only; 0 keeps raw sigmoid probabilities and 0.5 thresholds).
    next_turn : bool
        With a context frame, pair the segment with the other speaker's previous turn and
        next turn (joined by the tokenizer's separator), not the previous turn alone.
    exclusive : tuple of tuple of int
        Column indices of mutually exclusive code groups: at most the most probable code
        of a group is predicted.
    device : str, optional
        ``"cuda"`` / ``"cpu"``; default: CUDA when available.
    random_state : int
        Seed for initialisation, the validation split and shuffling.
    """

    def __init__(self, epochs: int = 4, batch_size: int = 16, lr: float = 5e-5, head_lr: float = 1e-3,
                 max_length: int = 128, objective: str = "f1", validation_fraction: float = 0.2,
                 next_turn: bool = True, exclusive: tuple[tuple[int, ...], ...] = (), device: str | None = None,
                 random_state: int = 0):
        self.epochs = epochs
        self.batch_size = batch_size
        self.lr = lr
        self.head_lr = head_lr
        self.max_length = max_length
        self.objective = objective
        self.validation_fraction = validation_fraction
        self.next_turn = next_turn
        self.exclusive = exclusive
        self.device = device
        self.random_state = random_state

    def _device(self) -> str:
        import torch

        return self.device or ("cuda" if torch.cuda.is_available() else "cpu")

    def _build(self, n_out: int) -> None:
        import torch
        from transformers import AutoModel, AutoTokenizer

        torch.manual_seed(self.random_state)
        path = str(model_dir())
        self.tokenizer_ = AutoTokenizer.from_pretrained(path, local_files_only=True)
        self.encoder_ = AutoModel.from_pretrained(path, local_files_only=True).to(self._device())
        self.head_ = torch.nn.Linear(self.encoder_.config.hidden_size, n_out).to(self._device())

    def _inputs(self, X: Any) -> tuple[list[str], list[str] | None]:
        """Segment texts and their paired context (see :func:`_pairs`)."""
        return _pairs(X, self.tokenizer_.sep_token if self.next_turn else None)

    def _logits(self, texts: list[str], prev: list[str] | None) -> Any:
        batch = self.tokenizer_(texts, prev, padding=True, truncation=True, max_length=self.max_length,
                                return_tensors="pt").to(self._device())
        hidden = self.encoder_(**batch).last_hidden_state
        mask = batch["attention_mask"].unsqueeze(-1).float()
        pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
        return self.head_(pooled)

    def _split(self, n: int, groups: Any) -> tuple[np.ndarray, np.ndarray]:
        """Fine-tuning rows and validation rows (whole interviews when ``groups`` is given)."""
        everything = np.arange(n)
        if not self.multilabel_ or self.validation_fraction <= 0:
            return everything, everything[:0]
        if groups is not None and len(np.unique(groups)) >= 3:
            splitter: Any = GroupShuffleSplit(1, test_size=self.validation_fraction, random_state=self.random_state)
            return next(splitter.split(everything, groups=groups))
        splitter = ShuffleSplit(1, test_size=self.validation_fraction, random_state=self.random_state)
        return next(splitter.split(everything))

    def fit(self, X: Any, y: Any, groups: Any = None) -> FineTunedClassifier:
        """Fine-tune on texts (or a context frame) and 1-d labels or a 0/1 matrix.

        ``groups`` (interview ids) keeps the validation split from cutting an interview.
        """
        import torch

        parse_objective(self.objective)
        y = np.asarray(y)
        self.multilabel_ = y.ndim == 2
        if self.multilabel_:
            self.classes_ = np.arange(y.shape[1])
            target = torch.tensor(y, dtype=torch.float32)
        else:
            self.classes_, codes = np.unique(y, return_inverse=True)
            target = torch.tensor(codes, dtype=torch.long)
        fit_rows, val_rows = self._split(len(y), groups)
        if self.multilabel_:
            pos = y[fit_rows].mean(axis=0).clip(1e-3, 1 - 1e-3)
            loss_fn: Any = torch.nn.BCEWithLogitsLoss(
                pos_weight=torch.tensor((1 - pos) / pos, dtype=torch.float32).to(self._device()))
        else:
            counts = np.bincount(codes, minlength=len(self.classes_))
            weights = len(codes) / (len(self.classes_) * np.maximum(counts, 1))
            loss_fn = torch.nn.CrossEntropyLoss(weight=torch.tensor(weights, dtype=torch.float32).to(self._device()))
        self._build(len(self.classes_))
        texts, prev = self._inputs(X)
        optimiser = torch.optim.AdamW([
            {"params": self.encoder_.parameters(), "lr": self.lr},
            {"params": self.head_.parameters(), "lr": self.head_lr},
        ], weight_decay=0.01)
        steps = self.epochs * math.ceil(len(fit_rows) / self.batch_size)
        schedule = torch.optim.lr_scheduler.LambdaLR(
            optimiser, lambda s: min(1.0, (s + 1) / max(1, steps // 10)) * max(0.0, 1 - s / steps))
        rng = np.random.default_rng(self.random_state)
        lengths = _lengths(texts, prev)[fit_rows]
        self.encoder_.train()
        for _ in range(self.epochs):
            for batch in length_batches(lengths, self.batch_size, rng):
                idx = fit_rows[batch]
                logits = self._logits([texts[i] for i in idx], [prev[i] for i in idx] if prev else None)
                loss = loss_fn(logits, target[idx].to(self._device()))
                optimiser.zero_grad()
                loss.backward()
                torch.nn.utils.clip_grad_norm_(self.encoder_.parameters(), 1.0)
                optimiser.step()
                schedule.step()
        self.encoder_.eval()
        self.validation_rows_ = val_rows
        if self.multilabel_:
            self._calibrate(self._raw_logits(texts, prev, val_rows), y[val_rows])
        return self

    def _raw_logits(self, texts: list[str], prev: list[str] | None, rows: np.ndarray | None = None) -> np.ndarray:
        import torch

        if rows is not None:
            texts = [texts[i] for i in rows]
            prev = [prev[i] for i in rows] if prev else None
        out = np.zeros((len(texts), len(self.classes_)), dtype=np.float32)
        order = np.argsort(_lengths(texts, prev), kind="stable")  # similar lengths share a batch
        with torch.no_grad():
            for start in range(0, len(order), 64):
                idx = order[start : start + 64]
                batch = self._logits([texts[i] for i in idx], [prev[i] for i in idx] if prev else None)
                out[idx] = batch.cpu().numpy()
        return out

    def _calibrate(self, logits: np.ndarray, y: np.ndarray) -> None:
        """Per code: Platt scale (a * logit + b) and threshold, from the validation rows."""
        n_codes = len(self.classes_)
        self.calibration_ = np.tile([1.0, 0.0], (n_codes, 1))
        self.thresholds_ = np.full(n_codes, 0.5)
        for j in range(n_codes):
            if len(y) == 0 or y[:, j].min() == y[:, j].max():
                continue  # no positives (or negatives) held out: raw sigmoid, threshold 0.5
            platt = LogisticRegression(C=1e4).fit(logits[:, j : j + 1], y[:, j])
            self.calibration_[j] = platt.coef_[0, 0], platt.intercept_[0]
            proba = self._sigmoid(logits)[:, j]
            self.thresholds_[j] = choose_threshold(proba, y[:, j], self.objective)
        self.validation_proba_ = self._sigmoid(logits)

    def _sigmoid(self, logits: np.ndarray) -> np.ndarray:
        """Calibrated per-code probabilities from raw logits."""
        return 1 / (1 + np.exp(-(logits * self.calibration_[:, 0] + self.calibration_[:, 1])))

    def predict_proba(self, X: Any) -> np.ndarray:
        """Class probabilities, or calibrated per-code probabilities (multi-label)."""
        texts, prev = self._inputs(X)
        logits = self._raw_logits(texts, prev)
        if not self.multilabel_:
            shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
            return shifted / shifted.sum(axis=1, keepdims=True)
        return self._sigmoid(logits)

    def predict(self, X: Any) -> np.ndarray:
        """0/1 per code at the thresholds (one code at most per exclusive group), or the top class."""
        return self.decide(self.predict_proba(X))

    def decide(self, proba: np.ndarray) -> np.ndarray:
        """Decisions from :meth:`predict_proba` output, without running the encoder again."""
        if not self.multilabel_:
            return self.classes_[np.argmax(proba, axis=1)]
        predicted = (proba >= self.thresholds_).astype(int)
        for group in self.exclusive:
            cols = list(group)
            best = np.asarray(cols)[np.argmax(proba[:, cols], axis=1)]
            hit = predicted[:, cols].any(axis=1)
            predicted[:, cols] = 0
            predicted[hit, best[hit]] = 1
        return predicted

    def state(self) -> dict[str, Any]:
        """Everything but the weights, as JSON-ready data (for a model card)."""
        state: dict[str, Any] = {name: getattr(self, name) for name in _PARAMS}
        state["exclusive"] = [list(g) for g in self.exclusive]
        state["multilabel"] = bool(self.multilabel_)
        state["classes"] = [c.item() if hasattr(c, "item") else c for c in self.classes_]
        if self.multilabel_:
            state["calibration"] = self.calibration_.tolist()
            state["thresholds"] = self.thresholds_.tolist()
        return state

    def save_weights(self, path: str) -> None:
        """Encoder and head weights to a ``.safetensors`` file (no pickle)."""
        from safetensors.torch import save_file

        tensors = {f"encoder.{k}": v.contiguous() for k, v in self.encoder_.state_dict().items()}
        tensors.update({f"head.{k}": v.contiguous() for k, v in self.head_.state_dict().items()})
        save_file(tensors, path)

    @classmethod
    def from_saved(cls, state: dict[str, Any], weights: str, device: str | None = None) -> FineTunedClassifier:
        """Rebuild from :meth:`state` and :meth:`save_weights` output; executes nothing from the files.

        Raises
        ------
        ModelError
            E184 when the weights do not fit the MiniLM architecture or the state is incomplete.
        """
        from safetensors.torch import load_file

        try:
            clf = cls(**{name: state[name] for name in _PARAMS},
                      exclusive=tuple(tuple(int(j) for j in g) for g in state.get("exclusive", [])), device=device)
            clf.multilabel_ = bool(state["multilabel"])
            clf.classes_ = np.asarray(state["classes"])
            if clf.multilabel_:
                clf.calibration_ = np.asarray(state["calibration"], dtype=float).reshape(-1, 2)
                clf.thresholds_ = np.asarray(state["thresholds"], dtype=float)
            clf._build(len(clf.classes_))
            tensors = load_file(weights, device=clf._device())
            clf.encoder_.load_state_dict({k[8:]: v for k, v in tensors.items() if k.startswith("encoder.")})
            clf.head_.load_state_dict({k[5:]: v for k, v in tensors.items() if k.startswith("head.")})
        except (KeyError, TypeError, ValueError, RuntimeError) as exc:
            raise ModelError("E184", weights, detail=f"{type(exc).__name__}: {str(exc)[:300]}") from None
        clf.encoder_.eval()
        return clf
