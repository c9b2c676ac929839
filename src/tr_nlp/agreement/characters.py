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
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

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

#: The columns of :func:`character_table`: those of the segment table, counting characters.
CHARACTER_COLUMNS = ["code", "rater_a", "rater_b", "comparison", "n_characters", "n_interviews", "percent",
                     "kappa", "kappa_lo", "kappa_hi", "alpha", "alpha_lo", "alpha_hi", "ac1", "ac1_lo", "ac1_hi",
                     "pabak", "prevalence_a", "prevalence_b", "precision", "recall", "f1", "f1_lo", "f1_hi"]


def _covered(spans: pd.DataFrame, length: int) -> np.ndarray:
    """Boolean mask of the characters ``[0, length)`` inside any ``start``-``end`` span."""
    edges = np.zeros(length + 1, dtype=np.int64)
    np.add.at(edges, spans["start"].clip(0, length).to_numpy(int), 1)
    np.add.at(edges, spans["end"].clip(0, length).to_numpy(int), -1)
    return np.cumsum(edges[:-1]) > 0


def character_table(
    codings: pd.DataFrame,
    rated: Mapping[str, Collection[str]],
    units: pd.DataFrame,
    codes: Sequence[str],
    machines: Sequence[str] = (),
    n_boot: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
) -> pd.DataFrame:
    """Agreement per code and pooled on characters, for every pair of raters.

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
        Codes to report, in order.
    machines : sequence of str
        Which raters are machines; as in :func:`tr_nlp.agreement.agreement_table`, a
        machine is also compared with each coder on the interviews that coder shares
        with another coder (``machine vs human, double-coded``) when the coder coded
        others alone too.
    n_boot : int
        Bootstrap resamples of interviews (0 for no CIs).

    Returns
    -------
    DataFrame
        :data:`CHARACTER_COLUMNS`; ``n_characters`` counts the characters compared.

    Examples
    --------
    >>> units = pd.DataFrame({"interview_id": ["i1"], "start": [0], "end": [100]})
    >>> codings = pd.DataFrame({"rater": ["a", "b"], "interview_id": ["i1", "i1"],
    ...                         "start": [10, 20], "end": [50, 50], "code": ["x", "x"]})
    >>> table = character_table(codings, {"a": {"i1"}, "b": {"i1"}}, units, ["x"], n_boot=0)
    >>> print(table.loc[0, "n_characters"], table.loc[0, "percent"])  # 90 of 100 characters agree
    100 0.9
    """
    machine_set = set(machines)
    raters = list(rated)
    pairs = _pairs(raters, machine_set)
    interviews = sorted(units["interview_id"].astype(str).unique())
    codings = codings.assign(interview_id=codings["interview_id"].astype(str))
    by_interview = dict(tuple(codings.groupby("interview_id")))
    unit_groups = dict(tuple(units.assign(interview_id=units["interview_id"].astype(str)).groupby("interview_id")))
    # counts[(a, b)][code index, interview index] = (tp, fp, fn, tn) in characters
    counts = {pair: np.zeros((len(codes), len(interviews), 4)) for pair in pairs}
    for i, interview in enumerate(interviews):
        spans = unit_groups[interview]
        length = int(spans["end"].max())
        compared = _covered(spans, length)
        coded = dict(tuple(by_interview.get(interview, codings.iloc[:0]).groupby(["rater", "code"])))
        masks = {(r, code): _covered(coded.get((r, code), codings.iloc[:0]), length)[compared]
                 for r in raters if interview in rated[r] for code in codes}
        for a, b in pairs:
            if interview not in rated[a] or interview not in rated[b]:
                continue
            for j, code in enumerate(codes):
                x, y = masks[a, code], masks[b, code]
                counts[a, b][j, i] = (x & y).sum(), (x & ~y).sum(), (~x & y).sum(), (~x & ~y).sum()
    rng = np.random.default_rng(seed)
    double_rng = np.random.default_rng((seed, 1))
    humans = [r for r in raters if r not in machine_set]
    rows = []
    for a, b in pairs:
        both = np.array([interview in rated[a] and interview in rated[b] for interview in interviews])
        comparison = MACHINE_VS_HUMAN if a in machine_set else HUMAN_VS_HUMAN
        rows += _pair_rows(counts[a, b], both, a, b, comparison, codes, n_boot, confidence, rng)
        if a in machine_set:
            shared = np.array([any(interview in rated[h] for h in humans if h != b) for interview in interviews])
            if (both & shared).any() and (both & ~shared).any():
                rows += _pair_rows(counts[a, b], both & shared, a, b, MACHINE_VS_HUMAN_DOUBLE, codes, n_boot,
                                   confidence, double_rng)
    table = pd.DataFrame(rows).rename(columns={"n_segments": "n_characters"})
    return table.reindex(columns=CHARACTER_COLUMNS)


def _pair_rows(counts: np.ndarray, keep: np.ndarray, a: str, b: str, comparison: str, codes: Sequence[str],
               n_boot: int, confidence: float, rng: np.random.Generator) -> list[dict[str, object]]:
    """One row per code and a pooled row, on the interviews ``keep`` of ``counts``."""
    counts = counts[:, keep]
    draws = rng.integers(0, counts.shape[1], size=(n_boot, counts.shape[1])) if n_boot and counts.shape[1] else None
    n_chars = int(counts[0].sum()) if len(codes) else 0
    rows = [_row(code, a, b, comparison, counts[j], n_chars, draws, confidence, float("nan"))
            for j, code in enumerate(codes)]
    rows.append(_row(OVERALL, a, b, comparison, counts.sum(axis=0), n_chars * len(codes), draws, confidence,
                     float("nan")))
    return rows
