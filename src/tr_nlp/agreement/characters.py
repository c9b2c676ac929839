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
table; a rater is compared only on the interviews they rated and, where coders read
only passages of an interview (``unread``), a pair only on the characters both read.
Unlike NVivo, which reports a figure per source and code, the pooled figure weighs every
character equally.

Beside kappa on characters, each row holds Krippendorff's alpha for unitizing
(``alpha_u``, :mod:`tr_nlp.agreement.unitizing`) on the same characters: whether the
raters' passages lie where each other's do, begin and end alike. Given the interviews'
turns, no passage runs from one turn into another, though the turns between (the
interviewer's) are not compared.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from tr_nlp.agreement.stats import (
    mean_statistic,
    paired_difference,
    t_interval,
)
from tr_nlp.agreement.tables import (
    HUMAN_VS_HUMAN,
    MACHINE_VS_HUMAN,
    MACHINE_VS_HUMAN_DOUBLE,
    OVERALL,
    _row,
    draw_counts,
    interview_draws,
    peer_label,
    rater_pairs,
    resampled_kappa,
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
CHARACTER_COLUMNS = ["code", "rater_a", "rater_b", "comparison", "n_characters", "n_interviews", "n_interviews_coded",
                     "percent",
                     "kappa", "kappa_lo", "kappa_hi", "alpha", "alpha_lo", "alpha_hi", "ac1", "ac1_lo", "ac1_hi",
                     "pabak", "prevalence_a", "prevalence_b", "precision", "recall", "f1", "f1_lo", "f1_hi",
                     "alpha_u", "alpha_u_lo", "alpha_u_hi", "peer", "kappa_diff", "kappa_diff_lo", "kappa_diff_hi"]


def _covered(spans: pd.DataFrame, length: int) -> np.ndarray:
    """Boolean mask of the characters ``[0, length)`` inside any ``start``-``end`` span."""
    edges = np.zeros(length + 1, dtype=np.int64)
    np.add.at(edges, np.clip(spans["start"].to_numpy(int), 0, length), 1)
    np.add.at(edges, np.clip(spans["end"].to_numpy(int), 0, length), -1)
    return np.cumsum(edges[:-1]) > 0


@dataclass
class CharacterCounts:
    """Characters two raters both coded, one coded alone, the other alone, neither:
    ``counts[view][code, interview] = (tp, fp, fn, tn)`` (see :func:`count_characters`),
    where a view is a pair of raters and their comparison: ``(a, b, comparison)``."""

    interviews: list[str]
    codes: list[str]
    machines: set[str]
    counts: dict[tuple[str, str, str], np.ndarray]
    #: per view, ``[code, interview]``: the u-alpha disagreements of the two raters'
    #: passages (both orders), and per code the expected disagreement
    observed: dict[tuple[str, str, str], np.ndarray]
    expected: dict[tuple[str, str, str], list[ExpectedDisagreement]]
    #: per view, the characters compared in each interview (0 where the pair shares none)
    compared: dict[tuple[str, str, str], np.ndarray]


#: Per interview id, the offsets where its turns begin (:attr:`tr_nlp.schema.Turn.start`).
TurnStarts = Mapping[str, Sequence[int]]


def count_characters(
    codings: pd.DataFrame,
    rated: Mapping[str, Collection[str]],
    units: pd.DataFrame,
    codes: Sequence[str],
    machines: Sequence[str] = (),
    unread: Mapping[str, np.ndarray] | None = None,
    turns: TurnStarts | None = None,
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
    unread : mapping of rater -> boolean array, optional
        Per rater, which rows of ``units`` they did not read in interviews they rated
        only in part (:func:`tr_nlp.segment.unread`): a pair is compared on the
        characters both read.
    turns : mapping of interview id -> offsets, optional
        Where each interview's turns begin: for u-alpha, a passage ends where its turn
        does, though the next turn compared comes later (without, an interview's
        compared characters are one stretch of text).

    Notes
    -----
    Each pair is one view (``human vs human`` or ``machine vs human``); a machine has a
    second view of each coder, ``machine vs human, double-coded``: the characters that
    coder read and another coder read too.
    """
    machine_set = set(machines)
    raters = list(rated)
    humans = [r for r in raters if r not in machine_set]
    views = [(a, b, _comparison(machine_set, a)) for a, b in rater_pairs(raters, machine_set)]
    views += [(a, b, MACHINE_VS_HUMAN_DOUBLE) for a, b, _ in views if a in machine_set]
    parts = _by_interview(codings, units)
    interviews = list(parts)
    counts = {view: np.zeros((len(codes), len(interviews), 4)) for view in views}
    observed = {view: np.zeros((len(codes), len(interviews))) for view in views}
    compared = {view: np.zeros(len(interviews)) for view in views}
    lengths = {view: [Lengths() for _ in codes] for view in views}
    for i, interview in enumerate(interviews):
        present = [r for r in raters if interview in rated[r]]
        masks, read, pieces = _rater_masks(*parts[interview], present, codes, unread, (turns or {}).get(interview))
        for view in views:
            a, b, comparison = view
            if a not in read or b not in read:
                continue
            keep = read[a] & read[b]
            if comparison == MACHINE_VS_HUMAN_DOUBLE:
                others = [read[h] for h in humans if h != b and h in read]
                keep = keep & np.logical_or.reduce(others) if others else np.zeros_like(keep)
            compared[view][i] = keep.sum()
            cut = pieces[keep]
            for j, code in enumerate(codes):
                x, y = masks[a, code][keep], masks[b, code][keep]
                counts[view][j, i] = (x & y).sum(), (x & ~y).sum(), (~x & y).sum(), (~x & ~y).sum()
                observed[view][j, i] = 2 * observed_sum(x, y, cut)
                lengths[view][j].add(x, i, cut)
                lengths[view][j].add(y, i, cut)
    expected = {view: [ExpectedDisagreement(code_lengths, raters=2) for code_lengths in per_code]
                for view, per_code in lengths.items()}
    return CharacterCounts(interviews, list(codes), machine_set, counts, observed, expected, compared)


def _by_interview(codings: pd.DataFrame, units: pd.DataFrame) -> dict[str, tuple[pd.DataFrame, pd.DataFrame]]:
    """Each interview of ``units`` (ids as text, in order): its spans (rows keep their
    position in ``units``, which ``unread`` masks index) and its codings."""
    units = units.assign(interview_id=units["interview_id"].astype(str)).reset_index(drop=True)
    codings = codings.assign(interview_id=codings["interview_id"].astype(str))
    coded = dict(tuple(codings.groupby("interview_id")))
    return {str(i): (spans, coded.get(str(i), codings.iloc[:0])) for i, spans in units.groupby("interview_id")}


def _rater_masks(spans: pd.DataFrame, codings: pd.DataFrame, raters: Sequence[str], codes: Sequence[str],
                 unread: Mapping[str, np.ndarray] | None = None, turn_starts: Sequence[int] | None = None,
                 ) -> tuple[dict[tuple[str, str], np.ndarray], dict[str, np.ndarray], np.ndarray]:
    """Per rater and code, which of the compared characters of one interview (those of its
    ``spans``, rows of the units ``unread`` masks) the rater's ``codings`` there mark;
    per rater which of those characters they read; and the turn each is in (the number
    of ``turn_starts`` at or before it; 0 for all without them)."""
    length = int(spans["end"].max())
    compared = _covered(spans, length)
    pieces = np.searchsorted(np.sort(np.asarray(turn_starts if turn_starts is not None else [], dtype=np.int64)),
                             np.flatnonzero(compared), side="right")
    coded = dict(tuple(codings.groupby(["rater", "code"])))
    masks = {(r, code): _covered(coded.get((r, code), codings.iloc[:0]), length)[compared]
             for r in raters for code in codes}
    unread = unread or {}
    read = {r: _covered(spans[~unread[r][spans.index]], length)[compared] if r in unread
            else np.ones(int(compared.sum()), dtype=bool) for r in raters}
    return masks, read, pieces


def _unitizing(counts: CharacterCounts, view: tuple[str, str, str],
               weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``D_o`` and ``D_e`` of the view per code (rows) and weighting of interviews
    (columns; ``weights`` is weightings x interviews)."""
    length = weights @ counts.compared[view]
    observed = observed_disagreement(counts.observed[view] @ weights.T, 2, length)
    expected = np.array([e(weights, length) for e in counts.expected[view]]).reshape(len(counts.codes), len(length))
    return observed, expected


def _comparison(machines: Collection[str], a: str) -> str:
    return MACHINE_VS_HUMAN if a in machines else HUMAN_VS_HUMAN


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
    diff_rng = np.random.default_rng((seed, 2))
    rows = []
    for view in counts.counts:
        if view[2] == MACHINE_VS_HUMAN_DOUBLE:
            continue
        added = _pair_rows(counts, view, n_boot, confidence, rng)
        double = (view[0], view[1], MACHINE_VS_HUMAN_DOUBLE)
        if double in counts.counts and 0 < counts.compared[double].sum() < counts.compared[view].sum():
            rows += added
            added = _pair_rows(counts, double, n_boot, confidence, double_rng)
            view = double
        if view[0] in counts.machines:
            _add_peer_differences(added, counts, view, n_boot, confidence, diff_rng)
        rows += added
    table = pd.DataFrame(rows).rename(columns={"n_segments": "n_characters"})
    return table.reindex(columns=CHARACTER_COLUMNS)


def _add_peer_differences(rows: list[dict[str, object]], counts: CharacterCounts, view: tuple[str, str, str],
                          n_boot: int, confidence: float, rng: np.random.Generator) -> None:
    """Where the coder of a machine ``view`` has other coders, give ``rows`` (the view's
    codes and pooled) the machine's kappa on characters minus theirs with the coder (with
    several, their mean), on the interviews all these pairs compared, with a paired
    bootstrap interval (as :func:`~tr_nlp.agreement.tables.peer_differences` does on segments)."""
    coder = view[1]
    peers = [v for v in counts.counts if v[2] == HUMAN_VS_HUMAN and coder in v[:2]]
    shared = np.flatnonzero(np.logical_and.reduce([counts.compared[v] > 0 for v in (view, *peers)]))
    if not peers or not len(shared):
        return
    draws = interview_draws(rng, len(shared), n_boot)
    cells = [counts.counts[v][:, shared] for v in (view, *peers)]  # per pair: codes x interviews x 4

    def difference(per_pair: list[np.ndarray]) -> tuple[float, float, float]:  # the machine's, then the peers'
        kappas = [resampled_kappa(c, draws) for c in per_pair]  # c: interviews x 4
        return paired_difference(kappas[0], mean_statistic(kappas[1:]), confidence, len(shared))

    by_code = {code: difference([c[j] for c in cells]) for j, code in enumerate(counts.codes)}
    by_code[OVERALL] = difference([c.sum(axis=0) for c in cells])
    for row in rows:
        row["peer"] = peer_label([v[1] if v[0] == coder else v[0] for v in peers])
        row["kappa_diff"], row["kappa_diff_lo"], row["kappa_diff_hi"] = by_code[str(row["code"])]


def character_table_by_interview(counts: CharacterCounts) -> pd.DataFrame:
    """The same figures per interview, as NVivo's coding comparison reports them per source:
    where coders part ways, and where the machine misses what they coded.

    Returns
    -------
    DataFrame
        ``interview_id`` and :data:`CHARACTER_COLUMNS` without CIs (one interview has no
        spread to resample); one row per interview where both raters read characters,
        code and pair.
    """
    rows = []
    for view, view_counts in counts.counts.items():
        a, b, comparison = view
        if comparison == MACHINE_VS_HUMAN_DOUBLE:
            continue
        both = np.flatnonzero(counts.compared[view])
        alpha = alpha_from(*_unitizing(counts, view, np.eye(len(counts.interviews))[both]))  # codes x interviews
        for k, i in enumerate(both):
            for j, code in enumerate(counts.codes):
                cell = view_counts[j, i : i + 1]
                rows.append({"interview_id": counts.interviews[i],
                             **_row(code, a, b, comparison, cell, int(cell.sum()), None, 0.95, float("nan")),
                             "alpha_u": float(alpha[j, k])})
    columns = ["interview_id", *(c for c in CHARACTER_COLUMNS if not c.endswith(("_lo", "_hi")))]
    return pd.DataFrame(rows).rename(columns={"n_segments": "n_characters"}).reindex(columns=columns)


def _pair_rows(counts: CharacterCounts, view: tuple[str, str, str], n_boot: int, confidence: float,
               rng: np.random.Generator) -> list[dict[str, object]]:
    """One row per code and a pooled row for ``view``, on the interviews where its pair
    compared characters."""
    a, b, comparison = view
    codes = counts.codes
    kept = np.flatnonzero(counts.compared[view])
    cells = counts.counts[view][:, kept]
    draws = interview_draws(rng, len(kept), n_boot)
    n_chars = int(cells[0].sum()) if len(codes) else 0
    rows = [_row(code, a, b, comparison, cells[j], n_chars, draws, confidence, float("nan"), perfect=False)
            for j, code in enumerate(codes)]
    rows.append(_row(OVERALL, a, b, comparison, cells.sum(axis=0), n_chars * len(codes), draws, confidence,
                     float("nan"), perfect=False))
    # u-alpha: the kept interviews once each, then as each resample drew them
    weights = np.zeros((1 + (0 if draws is None else n_boot), len(counts.interviews)))
    weights[:, kept] = _resample_weights(len(kept), draws)
    observed, expected = _unitizing(counts, view, weights)
    alphas = np.vstack([alpha_from(observed, expected), alpha_from(observed.sum(axis=0), expected.sum(axis=0))])
    for row, alpha in zip(rows, alphas):
        row.update(_alpha_u_fields(alpha, draws, confidence))
    return rows


def _resample_weights(n: int, draws: np.ndarray | None) -> np.ndarray:
    """``(1 + resamples) x n``: each of ``n`` interviews once, then as often as each
    resample of ``draws`` (resamples x n indices) drew it."""
    weights = np.ones((1 + (0 if draws is None else len(draws)), n))
    if draws is not None:
        weights[1:] = draw_counts(draws, n)
    return weights


def _alpha_u_fields(alpha: np.ndarray, draws: np.ndarray | None, confidence: float) -> dict[str, float]:
    """``alpha_u`` (``alpha[0]``, the interviews once each) and its CI over the resamples
    ``draws`` (``alpha[1:]``, :func:`~tr_nlp.agreement.stats.t_interval`); NaN bounds
    without resamples or finite values."""
    lo, hi = (t_interval(float(alpha[0]), alpha[1:], confidence, draws.shape[1]) if draws is not None
              else (float("nan"), float("nan")))
    return {"alpha_u": float(alpha[0]), "alpha_u_lo": lo, "alpha_u_hi": hi}


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
    unread: Mapping[str, np.ndarray] | None = None,
    turns: TurnStarts | None = None,
) -> pd.DataFrame:
    """Krippendorff's u-alpha of all coders at once, then with each machine as one more.

    Unitizing alpha takes any number of raters, but every rater must have marked every
    continuum, so the figure is computed on the interviews every coder coded (the machine
    codes all of them), over the characters of their segments that every coder read;
    the bootstrap resamples those interviews.

    Parameters
    ----------
    codings, rated, units, codes, machines, unread, turns
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
    parts = _by_interview(codings, units)
    masks: dict[tuple[str, str, str], np.ndarray] = {}
    characters: dict[str, int] = {}
    pieces: dict[str, np.ndarray] = {}
    for interview in [i for i in all_coded if i in parts]:
        marked, read, cut = _rater_masks(*parts[interview], list(rated), codes, unread, (turns or {}).get(interview))
        everyone = np.logical_and.reduce([read[h] for h in humans])
        if everyone.any():
            characters[interview] = int(everyone.sum())
            pieces[interview] = cut[everyone]
            masks.update({(r, code, interview): mask[everyone] for (r, code), mask in marked.items()})
    all_coded = list(characters)
    if not all_coded:
        return pd.DataFrame(columns=GROUP_UNITIZING_COLUMNS)
    rng = np.random.default_rng(seed)
    draws = interview_draws(rng, len(all_coded), n_boot)
    weights = _resample_weights(len(all_coded), draws)
    rows = []
    for extra in [None, *(m for m in rated if m in machine_set)]:
        raters = humans + ([extra] if extra else [])
        parts = [weighted_disagreements([[masks[r, code, i] for r in raters] for i in all_coded], weights,
                                        [pieces[i] for i in all_coded])
                 for code in codes]
        observed, expected = np.array([o for o, _ in parts]), np.array([e for _, e in parts])
        alphas = [*alpha_from(observed, expected), alpha_from(observed.sum(axis=0), expected.sum(axis=0))]
        for code, alpha in zip([*codes, OVERALL], alphas):
            rows.append({"code": code, "raters": CODERS + (f" + {extra}" if extra else ""), "n_raters": len(raters),
                         "n_characters": sum(characters.values()) * (len(codes) if code == OVERALL else 1),
                         "n_interviews": len(all_coded), **_alpha_u_fields(alpha, draws, confidence)})
    return pd.DataFrame(rows, columns=GROUP_UNITIZING_COLUMNS)
