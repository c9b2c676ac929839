"""Agreement on characters, as NVivo's coding comparison query measures it.

Segment-level agreement (:func:`tr_nlp.agreement.agreement_table`) depends on how the
text was cut: a coder's span counts for a sentence when it covers enough of it. Coders
themselves code stretches of text, and NVivo reports their agreement per character
(kappa over the characters each coder did or did not code). This table does the same
for every pair of raters, so a team can set tr_nlp's human-vs-human figures beside the
ones their QDA tool printed, and read the machine against them on the same footing: a
machine code covers the characters of the segments it marked.

Only the characters of the compared segments count (the speech of the roles kept), so
an interviewer's question one coder swept into a coding does not count against the
machine, which never codes it. Interviews are the bootstrap's units, as in the segment
table; a rater is compared only on the interviews they rated. Unlike NVivo, which
reports a figure per source and code, the pooled figure weighs every character equally.

Beside kappa on characters, each row holds Krippendorff's alpha for unitizing
(``alpha_u``, :mod:`tr_nlp.agreement.unitizing`) on the same characters: whether the
raters' passages lie where each other's do, begin and end alike.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from tr_nlp.agreement.tables import (
    HUMAN_VS_HUMAN,
    MACHINE_VS_HUMAN,
    MACHINE_VS_HUMAN_DOUBLE,
    OVERALL,
    _pairs,
    _row,
)
from tr_nlp.agreement.unitizing import (
    ExpectedDisagreement,
    Lengths,
    alpha_from,
    observed_disagreement,
    observed_sum,
    weighted_disagreements,
)

#: The columns of :func:`character_table`: those of the segment table, counting characters.
CHARACTER_COLUMNS = ["code", "rater_a", "rater_b", "comparison", "n_characters", "n_interviews", "percent",
                     "kappa", "kappa_lo", "kappa_hi", "alpha", "alpha_lo", "alpha_hi", "ac1", "ac1_lo", "ac1_hi",
                     "pabak", "prevalence_a", "prevalence_b", "precision", "recall", "f1", "f1_lo", "f1_hi",
                     "alpha_u", "alpha_u_lo", "alpha_u_hi"]


def _covered(spans: pd.DataFrame, length: int) -> np.ndarray:
    """Boolean mask of the characters ``[0, length)`` inside any ``start``-``end`` span."""
    edges = np.zeros(length + 1, dtype=np.int64)
    np.add.at(edges, np.clip(spans["start"].to_numpy(int), 0, length), 1)
    np.add.at(edges, np.clip(spans["end"].to_numpy(int), 0, length), -1)
    return np.cumsum(edges[:-1]) > 0


@dataclass
class CharacterCounts:
    """Characters two raters both coded, one coded alone, the other alone, neither:
    ``counts[(a, b)][code, interview] = (tp, fp, fn, tn)`` (see :func:`count_characters`)."""

    interviews: list[str]
    codes: list[str]
    rated: Mapping[str, Collection[str]]
    machines: set[str]
    counts: dict[tuple[str, str], np.ndarray]
    #: per pair, ``[code, interview]``: the u-alpha disagreements of the two raters'
    #: passages (both orders), and per code the expected disagreement
    observed: dict[tuple[str, str], np.ndarray]
    expected: dict[tuple[str, str], list[ExpectedDisagreement]]

    def characters(self, a: str, b: str) -> np.ndarray:
        """The characters compared in each interview (0 where the pair did not both rate it)."""
        return self.counts[a, b][0].sum(axis=1) if self.codes else np.zeros(len(self.interviews))


def count_characters(
    codings: pd.DataFrame,
    rated: Mapping[str, Collection[str]],
    units: pd.DataFrame,
    codes: Sequence[str],
    machines: Sequence[str] = (),
) -> CharacterCounts:
    """Per pair of raters, code and interview, how their coding of each compared character agrees.

    Parameters
    ----------
    codings : DataFrame
        Columns ``rater, interview_id, start, end, code``: every rater's coded spans
        (a machine's are the spans of the segments it marked).
    rated : mapping of rater -> interview ids
        The interviews each rater coded; elsewhere the rater has no say (not "no code").
    units : DataFrame
        Columns ``interview_id, start, end``: the spans whose characters are compared
        (the segments).
    codes : sequence of str
        Codes to compare, in order.
    machines : sequence of str
        Which raters are machines (compared with each coder, first in their pairs).
    """
    machine_set = set(machines)
    raters = list(rated)
    pairs = _pairs(raters, machine_set)
    interviews = sorted(units["interview_id"].astype(str).unique())
    codings = codings.assign(interview_id=codings["interview_id"].astype(str))
    by_interview = dict(tuple(codings.groupby("interview_id")))
    unit_groups = dict(tuple(units.assign(interview_id=units["interview_id"].astype(str)).groupby("interview_id")))
    counts = {pair: np.zeros((len(codes), len(interviews), 4)) for pair in pairs}
    observed = {pair: np.zeros((len(codes), len(interviews))) for pair in pairs}
    lengths = {pair: [Lengths() for _ in codes] for pair in pairs}
    for i, interview in enumerate(interviews):
        masks, _ = _rater_masks(unit_groups[interview], by_interview.get(interview, codings.iloc[:0]),
                                [r for r in raters if interview in rated[r]], codes)
        for a, b in pairs:
            if interview not in rated[a] or interview not in rated[b]:
                continue
            for j, code in enumerate(codes):
                x, y = masks[a, code], masks[b, code]
                counts[a, b][j, i] = (x & y).sum(), (x & ~y).sum(), (~x & y).sum(), (~x & ~y).sum()
                observed[a, b][j, i] = 2 * observed_sum(x, y)
                lengths[a, b][j].add(x, i)
                lengths[a, b][j].add(y, i)
    expected = {pair: [ExpectedDisagreement(code_lengths, raters=2) for code_lengths in per_code]
                for pair, per_code in lengths.items()}
    return CharacterCounts(interviews, list(codes), rated, machine_set, counts, observed, expected)


def _rater_masks(spans: pd.DataFrame, codings: pd.DataFrame, raters: Sequence[str],
                 codes: Sequence[str]) -> tuple[dict[tuple[str, str], np.ndarray], int]:
    """Per rater and code, which of the compared characters of one interview (those of its
    ``spans``) the rater's ``codings`` there mark; and how many characters are compared."""
    length = int(spans["end"].max())
    compared = _covered(spans, length)
    coded = dict(tuple(codings.groupby(["rater", "code"])))
    masks = {(r, code): _covered(coded.get((r, code), codings.iloc[:0]), length)[compared]
             for r in raters for code in codes}
    return masks, int(compared.sum())


def _unitizing(counts: CharacterCounts, a: str, b: str, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``D_o`` and ``D_e`` of the pair per code (rows) and weighting of interviews (columns;
    ``weights`` is weightings x interviews)."""
    length = weights @ counts.characters(a, b)
    observed = observed_disagreement(counts.observed[a, b] @ weights.T, 2, length)
    expected = np.array([e(weights, length) for e in counts.expected[a, b]]).reshape(len(counts.codes), len(length))
    return observed, expected


def _both(counts: CharacterCounts, a: str, b: str) -> np.ndarray:
    """Which interviews both raters rated."""
    return np.array([i in counts.rated[a] and i in counts.rated[b] for i in counts.interviews], dtype=bool)


def _comparison(counts: CharacterCounts, a: str) -> str:
    return MACHINE_VS_HUMAN if a in counts.machines else HUMAN_VS_HUMAN


def character_table(counts: CharacterCounts, n_boot: int = 1000, confidence: float = 0.95,
                    seed: int = 0) -> pd.DataFrame:
    """Agreement per code and pooled on characters, for every pair of raters.

    As in :func:`tr_nlp.agreement.agreement_table`, a machine is also compared with each
    coder on the interviews that coder shares with another coder (``machine vs human,
    double-coded``) when the coder coded others alone too. ``n_boot`` bootstrap
    resamples of interviews give the CIs (0: none).

    Returns
    -------
    DataFrame
        :data:`CHARACTER_COLUMNS`; ``n_characters`` counts the characters compared.

    Examples
    --------
    >>> units = pd.DataFrame({"interview_id": ["i1"], "start": [0], "end": [100]})
    >>> codings = pd.DataFrame({"rater": ["a", "b"], "interview_id": ["i1", "i1"],
    ...                         "start": [10, 20], "end": [50, 50], "code": ["x", "x"]})
    >>> counts = count_characters(codings, {"a": {"i1"}, "b": {"i1"}}, units, ["x"])
    >>> table = character_table(counts, n_boot=0)
    >>> print(table.loc[0, "n_characters"], table.loc[0, "percent"])  # 90 of 100 characters agree
    100 0.9
    """
    rng = np.random.default_rng(seed)
    double_rng = np.random.default_rng((seed, 1))
    humans = [r for r in counts.rated if r not in counts.machines]
    rows = []
    for a, b in counts.counts:
        both = _both(counts, a, b)
        rows += _pair_rows(counts, both, a, b, _comparison(counts, a), n_boot, confidence, rng)
        if a in counts.machines:
            shared = np.array([any(i in counts.rated[h] for h in humans if h != b) for i in counts.interviews])
            if (both & shared).any() and (both & ~shared).any():
                rows += _pair_rows(counts, both & shared, a, b, MACHINE_VS_HUMAN_DOUBLE, n_boot, confidence,
                                   double_rng)
    table = pd.DataFrame(rows).rename(columns={"n_segments": "n_characters"})
    return table.reindex(columns=CHARACTER_COLUMNS)


def character_table_by_interview(counts: CharacterCounts) -> pd.DataFrame:
    """The same figures per interview, as NVivo's coding comparison reports them per source:
    where coders part ways, and where the machine misses what they coded.

    Returns
    -------
    DataFrame
        ``interview_id`` and :data:`CHARACTER_COLUMNS` without CIs (one interview has no
        spread to resample); one row per interview both raters rated, code and pair.
    """
    rows = []
    for (a, b), pair_counts in counts.counts.items():
        both = np.flatnonzero(_both(counts, a, b))
        alpha = alpha_from(*_unitizing(counts, a, b, np.eye(len(counts.interviews))[both]))  # codes x interviews
        for k, i in enumerate(both):
            for j, code in enumerate(counts.codes):
                cell = pair_counts[j, i : i + 1]
                rows.append({"interview_id": counts.interviews[i],
                             **_row(code, a, b, _comparison(counts, a), cell, int(cell.sum()), None, 0.95,
                                    float("nan")), "alpha_u": float(alpha[j, k])})
    columns = ["interview_id", *(c for c in CHARACTER_COLUMNS if not c.endswith(("_lo", "_hi")))]
    return pd.DataFrame(rows).rename(columns={"n_segments": "n_characters"}).reindex(columns=columns)


def _pair_rows(counts: CharacterCounts, keep: np.ndarray, a: str, b: str, comparison: str, n_boot: int,
               confidence: float, rng: np.random.Generator) -> list[dict[str, object]]:
    """One row per code and a pooled row, on the interviews ``keep`` of ``counts``."""
    codes = counts.codes
    kept = np.flatnonzero(keep)
    cells = counts.counts[a, b][:, kept]
    draws = rng.integers(0, len(kept), size=(n_boot, len(kept))) if n_boot and len(kept) else None
    n_chars = int(cells[0].sum()) if len(codes) else 0
    rows = [_row(code, a, b, comparison, cells[j], n_chars, draws, confidence, float("nan"))
            for j, code in enumerate(codes)]
    rows.append(_row(OVERALL, a, b, comparison, cells.sum(axis=0), n_chars * len(codes), draws, confidence,
                     float("nan")))
    # u-alpha: the kept interviews once each, then as each resample drew them
    weights = np.zeros((1 + (0 if draws is None else n_boot), len(counts.interviews)))
    weights[:, kept] = _resample_weights(len(kept), draws)
    observed, expected = _unitizing(counts, a, b, weights)
    alphas = np.vstack([alpha_from(observed, expected), alpha_from(observed.sum(axis=0), expected.sum(axis=0))])
    for row, alpha in zip(rows, alphas):
        row.update(_alpha_u_fields(alpha, draws is not None, confidence))
    return rows


def _resample_weights(n: int, draws: np.ndarray | None) -> np.ndarray:
    """``(1 + resamples) x n``: each of ``n`` interviews once, then as often as each
    resample of ``draws`` (resamples x n indices) drew it."""
    weights = np.ones((1 + (0 if draws is None else len(draws)), n))
    if draws is not None:
        weights[1:] = 0
        np.add.at(weights, (np.arange(1, len(draws) + 1)[:, None], draws), 1)
    return weights


def _alpha_u_fields(alpha: np.ndarray, resampled: bool, confidence: float) -> dict[str, float]:
    """``alpha_u`` (``alpha[0]``, the interviews once each) and its percentile CI over the
    resamples (``alpha[1:]``); NaN bounds without resamples or finite values."""
    lo = hi = float("nan")
    if resampled and np.isfinite(alpha[1:]).any():
        tail = (1 - confidence) / 2 * 100
        lo, hi = np.nanpercentile(alpha[1:], [tail, 100 - tail])
    return {"alpha_u": float(alpha[0]), "alpha_u_lo": float(lo), "alpha_u_hi": float(hi)}


#: The columns of :func:`group_unitizing_table`.
GROUP_UNITIZING_COLUMNS = ["code", "raters", "n_raters", "n_characters", "n_interviews",
                           "alpha_u", "alpha_u_lo", "alpha_u_hi"]


def group_unitizing_table(
    codings: pd.DataFrame,
    rated: Mapping[str, Collection[str]],
    units: pd.DataFrame,
    codes: Sequence[str],
    machines: Sequence[str] = (),
    n_boot: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
) -> pd.DataFrame:
    """Krippendorff's u-alpha of all coders at once, then with each machine as one more.

    Unitizing alpha takes any number of raters, but every rater must have marked every
    continuum, so the figure is computed on the interviews every coder coded (the machine
    codes all of them), over the characters of their segments; the bootstrap resamples
    those interviews.

    Parameters
    ----------
    codings, rated, units, codes, machines
        As for :func:`count_characters`.
    n_boot, confidence, seed
        Bootstrap resamples of interviews for the CIs (0: none).

    Returns
    -------
    DataFrame
        :data:`GROUP_UNITIZING_COLUMNS`; ``raters`` is ``coders`` or ``coders + NAME``
        (as in :func:`~tr_nlp.agreement.group_alpha_table`). No rows with fewer than two
        coders, or when no interview was coded by all of them.

    Examples
    --------
    Two coders and a machine on one interview of 100 characters:

    >>> units = pd.DataFrame({"interview_id": ["i1"], "start": [0], "end": [100]})
    >>> codings = pd.DataFrame({"rater": ["a", "b", "m"], "interview_id": ["i1"] * 3,
    ...                         "start": [10, 12, 40], "end": [50, 50, 90], "code": ["x"] * 3})
    >>> table = group_unitizing_table(codings, {"a": {"i1"}, "b": {"i1"}, "m": {"i1"}}, units, ["x"],
    ...                               machines=["m"], n_boot=0)
    >>> table[["raters", "n_raters", "n_characters"]].values.tolist()[0]
    ['coders', 2, 100]
    >>> bool(table.alpha_u[0] > table.alpha_u[2])  # the machine's passage lies elsewhere
    True
    """
    from tr_nlp.agreement.group import CODERS

    machine_set = set(machines)
    humans = [r for r in rated if r not in machine_set]
    all_coded = sorted(set.intersection(*(set(map(str, rated[h])) for h in humans))) if len(humans) >= 2 else []
    units = units.assign(interview_id=units["interview_id"].astype(str))
    all_coded = [i for i in all_coded if i in set(units["interview_id"])]
    if not all_coded:
        return pd.DataFrame(columns=GROUP_UNITIZING_COLUMNS)
    codings = codings.assign(interview_id=codings["interview_id"].astype(str))
    by_interview = dict(tuple(codings.groupby("interview_id")))
    unit_groups = dict(tuple(units.groupby("interview_id")))
    masks: dict[tuple[str, str, int], np.ndarray] = {}
    characters = np.zeros(len(all_coded))
    for k, interview in enumerate(all_coded):
        marked, characters[k] = _rater_masks(unit_groups[interview], by_interview.get(interview, codings.iloc[:0]),
                                             list(rated), codes)
        masks.update({(r, code, k): mask for (r, code), mask in marked.items()})
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, len(all_coded), size=(n_boot, len(all_coded))) if n_boot else None
    weights = _resample_weights(len(all_coded), draws)
    rows = []
    for extra in [None, *(m for m in rated if m in machine_set)]:
        raters = humans + ([extra] if extra else [])
        parts = [weighted_disagreements([[masks[r, code, k] for r in raters] for k in range(len(all_coded))],
                                        weights) for code in codes]
        observed, expected = np.array([o for o, _ in parts]), np.array([e for _, e in parts])
        alphas = [*alpha_from(observed, expected), alpha_from(observed.sum(axis=0), expected.sum(axis=0))]
        for code, alpha in zip([*codes, OVERALL], alphas):
            rows.append({"code": code, "raters": CODERS + (f" + {extra}" if extra else ""), "n_raters": len(raters),
                         "n_characters": int(characters.sum()) * (len(codes) if code == OVERALL else 1),
                         "n_interviews": len(all_coded), **_alpha_u_fields(alpha, draws is not None, confidence)})
    return pd.DataFrame(rows, columns=GROUP_UNITIZING_COLUMNS)
