"""Codes decoded along the interview, not one segment at a time.

Talk comes in stretches: in AnnoMI a client utterance coded "change" follows another
"change" utterance 56% of the time, against 24% of utterances overall, and a coded
passage usually spans several sentences. A model that codes each segment alone cannot use
that. Here a model's probabilities for a run of consecutive segments of one interview are
read as the emissions of a hidden Markov chain whose transitions are counted on the
training segments, and each segment gets its posterior probability given the whole run
(the forward-backward algorithm). The states are the options of a mutually exclusive
group (its codes and "none"), or, for an independent code, "uncoded" and "coded".

The segment model already sees its dialogue context, so the chain would count some
evidence twice; a *strength* ``s`` in [0, 1] tempers it. The emissions are the model's
probabilities divided by ``prior ** s`` (which also lifts rarer codes, as the
class-balanced model intends) and the transitions are raised to the power ``s``;
``s = 0`` leaves the probabilities exactly as they were. The inner cross-validation picks
``s`` for the model's objective (:func:`choose_strength`). Even tempered, decoded
probabilities are too sure of themselves, so they are recalibrated on the decoded
out-of-fold probabilities (:func:`fit_recalibration`): a code decided at a threshold by
Platt scaling of its log-odds, a group whose most probable option wins by a temperature,
which keeps that option.

On AnnoMI (``benchmarks/annomi.py``, 5 folds, strength chosen by the inner CV from
:data:`STRENGTHS`) macro-F1 rose from 0.543 to 0.549 on client talk and from 0.764
to 0.769 on therapist behaviour; no fold got worse. With the four therapist codes as
independent codes on sentences (``benchmarks/chain_codes.py``), mean per-code F1 rose from
0.553 to 0.611 and pooled kappa from 0.369 to 0.449.

Examples
--------
>>> index = np.array([0, 0, 0, 1, 1, 1])
>>> transitions = transition_matrix(index, np.zeros(6), 2)
>>> proba = np.array([[.9, .1], [.45, .55], [.9, .1]])
>>> decode(proba, np.zeros(3), transitions, np.array([.5, .5]), 0.0).round(2).tolist() == proba.tolist()
True
>>> decode(proba, np.zeros(3), transitions, np.array([.5, .5]), 1.0).argmax(axis=1).tolist()
[0, 0, 0]
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from sklearn.linear_model import LogisticRegression

from tr_nlp.coding.exclusive import fit_temperature, softmax

#: Strengths the inner cross-validation chooses among (0 = no decoding).
STRENGTHS = (0.0, 0.25, 0.5, 0.75, 1.0)

#: A fitted chain: (transitions, prior, strength, scale, shift). :func:`decode` takes the
#: first three; :func:`recalibrate` the last two (models saved before the recalibration
#: have only the first three). :func:`apply_chain` does both.
Chain = tuple[np.ndarray, np.ndarray, float, float, np.ndarray]


def run_bounds(groups: Sequence | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """First row and length of each maximal run of consecutive rows with the same group.

    >>> [b.tolist() for b in run_bounds(["a", "a", "b", "a"])]
    [[0, 2, 3], [2, 1, 1]]
    """
    groups = np.asarray(groups)
    if not len(groups):
        return np.zeros(0, dtype=int), np.zeros(0, dtype=int)
    starts = np.r_[0, np.nonzero(groups[1:] != groups[:-1])[0] + 1]
    return starts, np.diff(np.r_[starts, len(groups)])


def stretches(groups: Sequence | np.ndarray, kept: Sequence[bool] | np.ndarray) -> np.ndarray:
    """An id per kept row of a sequence in reading order, the same for kept rows that
    follow each other in one group: a chain decodes along such a stretch only.

    Where a team read only passages of an interview, the passages it did not read are
    left out, and the passages on either side of a gap are not neighbours.

    Parameters
    ----------
    groups : array-like
        The interview of every row, rows in reading order.
    kept : array-like of bool
        Which rows are kept.

    Examples
    --------
    >>> stretches(["a", "a", "a", "a", "b"], [True, False, True, True, True]).tolist()
    [0, 1, 1, 2]
    """
    groups, rows = np.asarray(groups), np.flatnonzero(np.asarray(kept, dtype=bool))
    if not len(rows):
        return np.zeros(0, dtype=int)
    starts = np.r_[True, (np.diff(rows) != 1) | (groups[rows][1:] != groups[rows][:-1])]
    return np.cumsum(starts) - 1


def transition_matrix(index: np.ndarray, groups: Sequence | np.ndarray, n_options: int) -> np.ndarray:
    """How often option ``b`` follows option ``a`` within a group, row-normalised (add-one).

    Parameters
    ----------
    index : ndarray of int
        The option of each row (0 .. ``n_options - 1``), rows in reading order.
    groups : array-like
        The interview of each row; a pair of rows counts only inside one run of a group.
    n_options : int
        Number of options.
    """
    index, groups = np.asarray(index), np.asarray(groups)
    counts = np.ones((n_options, n_options))
    same = groups[1:] == groups[:-1]
    np.add.at(counts, (index[:-1][same], index[1:][same]), 1)
    return counts / counts.sum(axis=1, keepdims=True)


def _forward_backward(emission: np.ndarray, transfer: np.ndarray, starts: np.ndarray,
                      lengths: np.ndarray) -> np.ndarray:
    """Posterior marginals of every run at once; every step is normalised, so nothing underflows.

    Runs are walked side by side, one time step for all the runs that are that long (as a
    packed sequence: no padding), so the Python loop is as long as the longest run, not as
    all the rows together.
    """
    order = np.argsort(-lengths, kind="stable")
    starts, lengths = starts[order], lengths[order]
    alive = np.searchsorted(-lengths, -np.arange(lengths[0] + 1), side="left")  # runs longer than t
    forward = np.empty_like(emission)
    backward = np.ones_like(emission)
    forward[starts] = emission[starts] / emission[starts].sum(axis=1, keepdims=True)
    for t in range(1, lengths[0]):
        rows = starts[:alive[t]] + t
        step = (forward[rows - 1] @ transfer) * emission[rows]
        forward[rows] = step / step.sum(axis=1, keepdims=True)
    for t in range(lengths[0] - 2, -1, -1):
        rows = starts[:alive[t + 1]] + t  # runs with a row after t; at a run's last row backward stays 1
        step = (emission[rows + 1] * backward[rows + 1]) @ transfer.T
        backward[rows] = step / step.sum(axis=1, keepdims=True)
    posterior = forward * backward
    return posterior / posterior.sum(axis=1, keepdims=True)


def decode(proba: np.ndarray, groups: Sequence | np.ndarray, transitions: np.ndarray, prior: np.ndarray,
           strength: float) -> np.ndarray:
    """Each row's probabilities given its whole run of rows (see the module docstring).

    Parameters
    ----------
    proba : ndarray of shape (n_rows, n_options)
        The segment model's probabilities, rows in reading order.
    groups : array-like
        The interview of each row; each run of consecutive equal values is decoded alone.
    transitions : ndarray of shape (n_options, n_options)
        From :func:`transition_matrix`.
    prior : ndarray of shape (n_options,)
        Share of each option in the training segments.
    strength : float
        0 returns ``proba`` unchanged; larger values trust the chain more.
    """
    proba = np.asarray(proba, dtype=float)
    if strength <= 0 or not len(proba):
        return proba
    emission = np.clip(proba, 1e-12, None) / np.clip(prior, 1e-12, None) ** strength
    emission /= emission.max(axis=1, keepdims=True)
    transfer = transitions ** strength
    return _forward_backward(emission, transfer, *run_bounds(groups))


def recalibrate(proba: np.ndarray, scale: float, shift: np.ndarray) -> np.ndarray:
    """``softmax(scale * log(proba) + shift)``: scale 1 and shift 0 change nothing."""
    return softmax(scale * np.log(np.clip(proba, 1e-12, None)) + shift)


def fit_recalibration(decoded: np.ndarray, index: np.ndarray, intercept: bool) -> tuple[float, np.ndarray]:
    """Scale (and shift) of the log-probabilities minimising the log-loss of the true options.

    Decoding counts the model's evidence and its neighbours' together, so decoded
    probabilities are too sure of themselves (AnnoMI therapist input on sentences, decoded
    at strength 1: expected calibration error 0.078). With ``intercept``, two options are
    recalibrated as by Platt scaling (a slope and an intercept on the log-odds), for codes
    decided at a threshold; without it only a scale (temperature) is fitted, which keeps
    every row's most probable option, for codes decided by that.
    """
    n_options = decoded.shape[1]
    log_proba = np.log(np.clip(decoded, 1e-12, None))
    if intercept and n_options == 2 and len(np.unique(index)) == 2:
        platt = LogisticRegression(C=1e4).fit((log_proba[:, 1] - log_proba[:, 0])[:, None], index)
        if platt.coef_[0, 0] > 0:  # a decreasing map would turn the ranking around: keep the identity
            return float(platt.coef_[0, 0]), np.array([0.0, float(platt.intercept_[0])])
        return 1.0, np.zeros(2)
    return fit_temperature(log_proba, index), np.zeros(n_options)


def apply_chain(proba: np.ndarray, groups: Sequence | np.ndarray, chain: Chain | tuple) -> np.ndarray:
    """``proba`` decoded along each run of ``groups`` with a fitted chain, then recalibrated."""
    transitions, prior, strength, *calibration = chain
    decoded = decode(proba, groups, transitions, prior, strength)
    return recalibrate(decoded, *calibration) if calibration and strength > 0 else decoded


def choose_strength(oof: np.ndarray, index: np.ndarray, groups: Sequence | np.ndarray,
                    splits: Sequence[tuple[np.ndarray, np.ndarray]], score: Callable[[np.ndarray], float],
                    strengths: Sequence[float] = STRENGTHS) -> tuple[float, np.ndarray]:
    """The strength whose decoded out-of-fold probabilities score best (ties: the weaker one).

    Parameters
    ----------
    oof : ndarray of shape (n_rows, n_options)
        Out-of-fold probabilities of the inner cross-validation, rows in reading order.
    index : ndarray of int
        The true option of each row.
    groups : array-like
        The interview of each row.
    splits : sequence of (train, test) index arrays
        The inner folds; each test fold is decoded with transitions and prior counted on
        its own training rows.
    score : callable
        ``score(decoded_oof)``, higher is better (e.g. macro-F1 of its argmax).
    strengths : sequence of float
        Candidates; 0 (no decoding) is always among them.

    Returns
    -------
    strength, decoded
        The chosen strength and the out-of-fold probabilities decoded with it.
    """
    groups = np.asarray(groups)
    n_options = oof.shape[1]
    fitted = []
    for train, test in splits:
        train, test = np.sort(train), np.sort(test)
        prior = np.bincount(index[train], minlength=n_options) / len(train)
        fitted.append((test, transition_matrix(index[train], groups[train], n_options), prior))
    best: tuple[float, float, np.ndarray] | None = None
    for strength in sorted({0.0, *strengths}):
        decoded = oof.copy()
        for test, transitions, prior in fitted:
            decoded[test] = decode(oof[test], groups[test], transitions, prior, strength)
        value = score(decoded)
        if best is None or value > best[1] + 1e-12:
            best = (strength, value, decoded)
    return best[0], best[2]  # type: ignore[index]


def fit_chain(oof: np.ndarray, index: np.ndarray, groups: Sequence | np.ndarray | None,
              splits: Sequence[tuple[np.ndarray, np.ndarray]], score: Callable[[np.ndarray], float],
              strengths: Sequence[float] = STRENGTHS, intercept: bool = False) -> tuple[Chain | None, np.ndarray]:
    """A model's chain: its strength by :func:`choose_strength`, transitions and prior on all
    rows, and the recalibration of its decoded out-of-fold probabilities
    (:func:`fit_recalibration`, with an intercept for codes decided at a threshold; none at
    strength 0).

    Returns ``(None, oof)`` without ``groups`` (nothing tells which rows follow each other),
    else the chain and the out-of-fold probabilities decoded and recalibrated with it.
    """
    if groups is None:
        return None, oof
    groups = np.asarray(groups)
    n_options = oof.shape[1]
    strength, decoded = choose_strength(oof, index, groups, splits, score, strengths)
    scale, shift = 1.0, np.zeros(n_options)
    if strength > 0:
        scale, shift = fit_recalibration(decoded, index, intercept)
        decoded = recalibrate(decoded, scale, shift)
    prior = np.bincount(index, minlength=n_options) / len(index)
    return (transition_matrix(index, groups, n_options), prior, strength, scale, shift), decoded
