"""Krippendorff's alpha over all coders at once, and with the machine as one coder more.

The pairwise tables (:func:`tr_nlp.agreement.agreement_table`) compare two raters at a
time; with ten annotators that is 45 pairs. Krippendorff's alpha takes any number of
coders, each of whom may have left units uncoded, and gives one figure per code. Adding
the machine as a further coder, on the same segments, shows in one number whether it
pulls the coders' agreement down: an alpha of coders + machine close to the coders' own
means the machine codes much as one more coder would. How close, a machine's row says in
``alpha_diff`` (its alpha minus the coders'), with an interval from the same resampled
interviews for both: a paired interval, narrower than the two alphas' own and the one to
read (two intervals that overlap do not show two alphas alike).

For a mutually exclusive group of codes (a segment takes one of them, or none), the
per-code figures ask of each code alone whether a segment has it. The group's own row asks
what methodologists ask of such a set (AnnoMI's client talk types, say): do the coders give
a segment the same one? It is alpha on one nominal variable whose values are the group's
codes, "none", and any combination a coder gave against the rule.

Alpha is computed from coincidence counts, which add up over units, so the bootstrap
resamples interviews by summing their counts, as the pairwise tables do.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from tr_nlp.agreement.stats import (
    alpha_from_nominal,
    disagreement_bound,
    paired_difference,
    plausible_disagreement,
    t_interval,
)
from tr_nlp.agreement.tables import (
    OVERALL,
    exclusive_keys,
    exclusive_label,
    interview_draws,
    numbered,
    rated_by_all,
)

#: The columns of :func:`group_alpha_table`.
GROUP_COLUMNS = ["code", "raters", "n_raters", "n_units", "n_interviews", "alpha", "alpha_lo", "alpha_hi",
                 "alpha_diff", "alpha_diff_lo", "alpha_diff_hi"]
CODERS = "coders"


def _coincidences(marks: np.ndarray) -> np.ndarray:
    """Per unit (column of ``marks``, raters x units of 1/0/NaN) the coincidence counts
    ``(o_00, o_01 + o_10, o_11)``; zero for a unit fewer than two raters rated."""
    rated = ~np.isnan(marks)
    m = rated.sum(axis=0).astype(float)
    ones = np.where(rated, marks, 0).sum(axis=0)
    zeros = m - ones
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.where(m >= 2, 1 / (m - 1), 0.0)
    return np.stack([zeros * (zeros - 1) * scale, 2 * zeros * ones * scale, ones * (ones - 1) * scale], axis=1)


def alpha_from_coincidences(counts: np.ndarray) -> np.ndarray:
    """Krippendorff's alpha (nominal, two values) from summed ``(o_00, o_01 + o_10, o_11)``
    counts; the last axis holds the three counts. NaN where a value was never used."""
    o00, o01, o11 = np.moveaxis(np.asarray(counts, dtype=float), -1, 0)
    n0, n1 = o00 + o01 / 2, o11 + o01 / 2
    n = n0 + n1
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(n0 * n1 > 0, 1 - (n - 1) * o01 / (2 * n0 * n1), np.nan)


def nominal_counts(values: np.ndarray, n_values: int) -> tuple[np.ndarray, np.ndarray]:
    """Per unit (column of ``values``, raters x units of value indices, -1 for not rated)
    the observed disagreement (the coincidences of two different values) and each value's
    coincidence total; zero for a unit fewer than two raters rated."""
    rated = values >= 0
    m = rated.sum(axis=0).astype(float)
    counts = np.stack([(values == v).sum(axis=0) for v in range(n_values)], axis=1).astype(float)
    paired = m >= 2
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.where(paired, 1 / (m - 1), 0.0)
    return (m ** 2 - (counts ** 2).sum(axis=1)) * scale, counts * paired[:, None]


def _group_values(ratings: Mapping[str, pd.DataFrame], raters: Sequence[str], index: pd.Index,
                  members: Sequence[str]) -> tuple[np.ndarray, int]:
    """Raters x units of each rater's value for a mutually exclusive group, numbered from 0
    (:func:`~tr_nlp.agreement.tables.exclusive_keys`); -1 where the rater rated nothing."""
    return numbered(np.stack([exclusive_keys(ratings[r].reindex(index)[list(members)]) for r in raters]))


def group_alpha_table(
    ratings: Mapping[str, pd.DataFrame],
    interview_of: pd.Series,
    codes: Sequence[str],
    machines: Sequence[str] = (),
    n_boot: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
    exclusive: Sequence[Sequence[str]] = (),
) -> pd.DataFrame:
    """Krippendorff's alpha per code, per exclusive group and pooled: all coders, then all
    coders and each machine.

    Parameters
    ----------
    ratings, interview_of, codes, machines, n_boot, confidence, seed
        As for :func:`tr_nlp.agreement.agreement_table` (segments x codes of 1, 0 or NaN
        for "not rated" per rater; the bootstrap resamples interviews).
    exclusive : sequence of sequences of str
        Mutually exclusive groups of ``codes`` (the codebook's ``groups``): each gets a row
        (:func:`exclusive_label`), after the codes, of alpha on which of its codes a
        segment was given, as one nominal variable.

    Returns
    -------
    DataFrame
        :data:`GROUP_COLUMNS`; ``raters`` is ``coders`` or ``coders + NAME``; ``n_units``
        counts the segments at least two coders rated, the only ones compared (so the
        machine joins the coders on the same segments). No rows with fewer than two coders.

    Examples
    --------
    >>> seg = ["s1", "s2", "s3", "s4"]
    >>> coders = {r: pd.DataFrame({"x": v}, index=seg) for r, v in
    ...           {"a": [1, 1, 0, 0], "b": [1, 0, 0, 0], "c": [1, 1, 0, np.nan]}.items()}
    >>> table = group_alpha_table(coders, pd.Series(["i1", "i1", "i2", "i2"], index=seg), ["x"], n_boot=0)
    >>> print(round(table.loc[0, "alpha"], 3))  # as the krippendorff package gives
    0.667
    """
    sets = [list(g) for g in exclusive if len(g) >= 2]
    machine_set = set(machines)
    humans = [r for r in ratings if r not in machine_set]
    if len(humans) < 2:
        return pd.DataFrame(columns=GROUP_COLUMNS)
    index = rated_by_all(ratings, humans, at_least=2)  # the interviews a resample draws: those two coders coded
    groups = interview_of.reindex(index).to_numpy().astype(str)
    group_ids, group_idx = np.unique(groups, return_inverse=True)
    rng = np.random.default_rng(seed)
    draws = interview_draws(rng, len(group_ids), n_boot)
    rows: list[dict[str, object]] = []
    coders: dict[str, tuple[float, np.ndarray | None]] = {}  # the coders' alpha and its resamples, per row
    for extra in [None, *(m for m in ratings if m in machine_set)]:
        raters = humans + ([extra] if extra else [])
        label = CODERS + (f" + {extra}" if extra else "")
        pooled = np.zeros((len(group_ids), 3))
        pooled_units = 0
        found: list[tuple[dict[str, Any], np.ndarray | None]] = []
        for code in codes:
            marks = np.stack([ratings[r].reindex(index)[code].to_numpy(dtype=float) for r in raters])
            shared = (~np.isnan(marks[: len(humans)])).sum(axis=0) >= 2  # the machine joins on these alone
            per_group = np.zeros((len(group_ids), 3))
            np.add.at(per_group, group_idx[shared], _coincidences(marks[:, shared]))
            pooled += per_group
            pooled_units += int(shared.sum())
            found.append(_binary_row(code, label, len(raters), per_group, int(shared.sum()), draws, confidence))
        found += [_exclusive_row(ratings, raters, label, len(humans), index, members, group_idx, len(group_ids),
                                 draws, confidence) for members in sets]  # after the codes, before the pooled row
        found.append(_binary_row(OVERALL, label, len(raters), pooled, pooled_units, draws, confidence))
        for row, resampled in found:
            code = str(row["code"])
            if extra is None:
                coders[code] = (float(row["alpha"]), resampled)
            else:  # with the machine minus without, on the same resampled interviews
                row["alpha_diff"], row["alpha_diff_lo"], row["alpha_diff_hi"] = paired_difference(
                    (float(row["alpha"]), resampled), coders[code], confidence, len(group_ids))
            rows.append(row)
    return pd.DataFrame(rows, columns=GROUP_COLUMNS)


def _binary_row(code: str, raters: str, n_raters: int, per_group: np.ndarray, n_units: int,
                draws: np.ndarray | None, confidence: float) -> tuple[dict[str, Any], np.ndarray | None]:
    """A row of alpha on whether a segment has ``code`` from per-interview coincidence
    counts, and the alphas of the resamples (None without)."""
    resampled = alpha_from_coincidences(per_group[draws].sum(axis=1)) if draws is not None and n_units else None
    whole = per_group.sum(axis=0)
    alpha = float(alpha_from_coincidences(whole))
    lo, hi = t_interval(alpha, resampled, confidence, len(per_group))
    if np.isfinite(lo) and whole[1] == 0 and np.isclose(alpha, 1.0):  # every pair of values agrees
        # as agreement_table's perfect agreement, on the coincidences of the two values
        counts = plausible_disagreement(whole[2], whole[0], len(per_group), confidence, units=n_units)
        if counts is not None:
            lo, hi = float(alpha_from_coincidences([counts[3], counts[1] + counts[2], counts[0]])), 1.0
    return {"code": code, "raters": raters, "n_raters": n_raters, "n_units": n_units,
            "n_interviews": int((per_group.sum(axis=1) > 0).sum()), "alpha": alpha, "alpha_lo": float(lo),
            "alpha_hi": float(hi)}, resampled


def _exclusive_row(ratings: Mapping[str, pd.DataFrame], raters: Sequence[str], label: str, n_humans: int,
                   index: pd.Index, members: Sequence[str], group_idx: np.ndarray, n_groups: int,
                   draws: np.ndarray | None, confidence: float) -> tuple[dict[str, Any], np.ndarray | None]:
    """A row of alpha on which of the exclusive group ``members`` a segment has (one nominal
    variable), and the alphas of the resamples (None without)."""
    values, n_values = _group_values(ratings, raters, index, members)
    shared = (values[:n_humans] >= 0).sum(axis=0) >= 2  # the machine joins on these alone
    disagreement, totals = nominal_counts(values[:, shared], n_values)
    per_group = np.zeros((n_groups, 1 + n_values))
    np.add.at(per_group, group_idx[shared], np.column_stack([disagreement, totals]))
    resampled = None
    if draws is not None and shared.any():
        drawn = per_group[draws].sum(axis=1)
        resampled = alpha_from_nominal(drawn[:, 0], drawn[:, 1:])
    whole = per_group.sum(axis=0)
    alpha = float(alpha_from_nominal(whole[0], whole[1:]))
    lo, hi = t_interval(alpha, resampled, confidence, len(per_group))
    if np.isfinite(lo) and whole[0] == 0 and np.isclose(alpha, 1.0):  # every pair of values agrees
        # the share of disagreement disagreement_bound allows, of the coincidences; each value's total unchanged
        moved = disagreement_bound(float(shared.sum()), len(per_group), confidence) * float(whole[1:].sum())
        if np.isfinite(moved):
            lo, hi = float(alpha_from_nominal(moved, whole[1:])), 1.0
    return {"code": exclusive_label(members), "raters": label, "n_raters": len(raters), "n_units": int(shared.sum()),
            "n_interviews": int((per_group.sum(axis=1) > 0).sum()), "alpha": alpha, "alpha_lo": float(lo),
            "alpha_hi": float(hi)}, resampled
