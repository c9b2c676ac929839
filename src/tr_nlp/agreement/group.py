"""Krippendorff's alpha over all coders at once, and with the machine as one coder more.

The pairwise tables (:func:`tr_nlp.agreement.agreement_table`) compare two raters at a
time; with ten annotators that is 45 pairs. Krippendorff's alpha takes any number of
coders, each of whom may have left units uncoded, and gives one figure per code. Adding
the machine as a further coder, on the same segments, shows in one number whether it
pulls the coders' agreement down: an alpha of coders + machine close to the coders' own
means the machine codes much as one more coder would.

Alpha is computed from coincidence counts, which add up over units, so the bootstrap
resamples interviews by summing their counts, as the pairwise tables do.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from tr_nlp.agreement.stats import percentile_interval
from tr_nlp.agreement.tables import OVERALL

#: The columns of :func:`group_alpha_table`.
GROUP_COLUMNS = ["code", "raters", "n_raters", "n_units", "n_interviews", "alpha", "alpha_lo", "alpha_hi"]
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


def group_alpha_table(
    ratings: Mapping[str, pd.DataFrame],
    interview_of: pd.Series,
    codes: Sequence[str],
    machines: Sequence[str] = (),
    n_boot: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
) -> pd.DataFrame:
    """Krippendorff's alpha per code and pooled: all coders, then all coders and each machine.

    Parameters
    ----------
    ratings, interview_of, codes, machines, n_boot, confidence, seed
        As for :func:`tr_nlp.agreement.agreement_table` (segments x codes of 1, 0 or NaN
        for "not rated" per rater; the bootstrap resamples interviews).

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
    machine_set = set(machines)
    humans = [r for r in ratings if r not in machine_set]
    if len(humans) < 2:
        return pd.DataFrame(columns=GROUP_COLUMNS)
    index = ratings[humans[0]].index
    groups = interview_of.reindex(index).to_numpy().astype(str)
    group_ids, group_idx = np.unique(groups, return_inverse=True)
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, len(group_ids), size=(n_boot, len(group_ids))) if n_boot else None
    rows = []
    for extra in [None, *(m for m in ratings if m in machine_set)]:
        raters = humans + ([extra] if extra else [])
        pooled = np.zeros((len(group_ids), 3))
        pooled_units = 0
        for code in [*codes, OVERALL]:
            if code == OVERALL:
                per_group, n_units = pooled, pooled_units
            else:
                marks = np.stack([ratings[r].reindex(index)[code].to_numpy(dtype=float) for r in raters])
                shared = (~np.isnan(marks[: len(humans)])).sum(axis=0) >= 2  # the machine joins on these alone
                per_group = np.zeros((len(group_ids), 3))
                np.add.at(per_group, group_idx[shared], _coincidences(marks[:, shared]))
                n_units = int(shared.sum())
                pooled += per_group
                pooled_units += n_units
            lo = hi = float("nan")
            if draws is not None and n_units:
                lo, hi = percentile_interval(alpha_from_coincidences(per_group[draws].sum(axis=1)), confidence)
            rows.append({"code": code, "raters": CODERS + (f" + {extra}" if extra else ""), "n_raters": len(raters),
                         "n_units": n_units, "n_interviews": int((per_group.sum(axis=1) > 0).sum()),
                         "alpha": float(alpha_from_coincidences(per_group.sum(axis=0))),
                         "alpha_lo": float(lo), "alpha_hi": float(hi)})
    return pd.DataFrame(rows, columns=GROUP_COLUMNS)
