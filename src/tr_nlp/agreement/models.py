"""Two models judged on the same interviews: is the new one better than the old?

A team retrains its model after coding more interviews, or tries other features, and asks
whether the new model agrees with its coders better than the one it uses. Each model's
kappa with a coder has an interval of its own, but the two are measured on the same
segments, so their difference has a narrower one: :func:`model_difference_table` gives,
per code and coder, both models' kappas on the segments all three rated and the new
model's minus the old one's, with an interval from resampling interviews alike for both
(a paired cluster bootstrap, as the machine's kappa beside a coder's peer's is compared),
and the same of their F1 with the coder as the reference (what a team that pre-screens
asks: does the new model find more of what coders coded, for fewer false alarms?).

Examples
--------
>>> coder = pd.DataFrame({"care": [1, 0] * 10}, index=[f"s{i}" for i in range(20)])
>>> new, old = coder.copy(), coder.copy()
>>> old.iloc[:6] = 1 - old.iloc[:6]  # the old model wrong on the first three interviews
>>> interview_of = pd.Series([f"iv{i // 2}" for i in range(20)], index=coder.index)
>>> table = model_difference_table({"new": new, "old": old, "coder": coder}, interview_of, ["care"],
...                                "new", "old", ["coder"], n_boot=0)
>>> for r in table.itertuples():
...     print(r.code, r.kappa, round(r.kappa_baseline, 2), round(r.kappa_diff, 2), round(r.f1_diff, 2))
care 1.0 0.4 0.6 0.3
(all codes, pooled) 1.0 0.4 0.6 0.3
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from tr_nlp.agreement.stats import paired_difference
from tr_nlp.agreement.tables import OVERALL, exclusive_label, rated_by_all, statistic_resamples

#: The reference named ``all coders (union)`` (or ``(majority)``) in a
#: :func:`model_difference_table`: the coders' codings combined as a model learns them.
ALL_CODERS = "all coders"
#: Each coder's rows are shown (:func:`shown_differences`) up to this many coders; with
#: more, only those against all coders' codings combined.
MAX_CODERS_SHOWN = 3

#: The columns of :func:`model_difference_table`.
MODEL_DIFFERENCE_COLUMNS = ["code", "model", "baseline", "coder", "n_segments", "n_interviews", "kappa",
                            "kappa_baseline", "kappa_diff", "kappa_diff_lo", "kappa_diff_hi", "f1", "f1_baseline",
                            "f1_diff", "f1_diff_lo", "f1_diff_hi"]


def model_difference_table(
    ratings: Mapping[str, pd.DataFrame],
    interview_of: pd.Series,
    codes: Sequence[str],
    model: str,
    baseline: str,
    coders: Sequence[str],
    n_boot: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
    exclusive: Sequence[Sequence[str]] = (),
) -> pd.DataFrame:
    """Per code (each ``exclusive`` group as one, then all pooled) and coder: ``model``'s
    kappa with the coder, ``baseline``'s, and the first minus the second with its
    ``confidence`` interval from resampling interviews alike for both; the same of their
    F1 with the coder as the reference (an exclusive group's: the macro-F1 over its values).

    Parameters
    ----------
    ratings : mapping of str to DataFrame
        Rater -> segment x code frame of 1/0 (NaN where the rater did not rate the
        segment), the two models' and the coders'.
    interview_of : Series
        Segment -> interview: what the bootstrap resamples.
    codes : sequence of str
        The codes compared.
    model, baseline : str
        The raters in ``ratings`` that are the two models: the new one and the one it is
        measured against.
    coders : sequence of str
        The coders each model is compared with.
    n_boot : int
        Bootstrap resamples (0 for no intervals).
    confidence : float
        The intervals' coverage.
    seed : int
        Seed of the resamples.
    exclusive : sequence of sequences of str
        Mutually exclusive groups of ``codes``: each is also compared as one decision
        (:func:`~tr_nlp.agreement.tables.exclusive_label`).

    Returns
    -------
    DataFrame
        :data:`MODEL_DIFFERENCE_COLUMNS`, a row per code and coder (codes first, in order):
        the segments and interviews compared (those the coder rated; no row where the coder
        rated none), each model's kappa and the difference with its interval (NaN bounds
        with fewer interviews than an interval needs, or ``n_boot=0``), then each one's F1
        and that difference (NaN where neither model nor coder gave the code).
    """
    sets = [list(members) for members in exclusive]
    labels = [*codes, *(exclusive_label(members) for members in sets), OVERALL]
    rng = np.random.default_rng((seed, 5))
    rows = []
    for coder in coders:
        index = rated_by_all(ratings, (model, baseline, coder))
        if index.empty:
            continue
        found, n_interviews = statistic_resamples(ratings, coder, (model, baseline), index, interview_of, codes, sets,
                                                  n_boot, rng, statistics=("kappa", "f1"))
        for label in labels:
            row: list[object] = [label, model, baseline, coder, len(index), n_interviews]
            for statistic in ("kappa", "f1"):
                new, old = found[statistic][label]
                row += [new[0], old[0], *paired_difference(new, old, confidence, n_interviews)]
            rows.append(row)
    table = pd.DataFrame(rows, columns=MODEL_DIFFERENCE_COLUMNS)
    order = {label: k for k, label in enumerate(labels)}
    return table.sort_values("code", key=lambda column: column.map(order), kind="stable").reset_index(drop=True)


def shown_differences(table: pd.DataFrame) -> pd.DataFrame:
    """The rows of a :func:`model_difference_table` to show: every row, or, with more than
    :data:`MAX_CODERS_SHOWN` coders, only those against all coders' codings combined
    (:data:`ALL_CODERS`), where the table has them.

    >>> table = pd.DataFrame({"coder": ["a", "b", "c", "d", "all coders (union)"]})
    >>> shown_differences(table)["coder"].tolist()
    ['all coders (union)']
    >>> shown_differences(table.iloc[1:])["coder"].tolist()
    ['b', 'c', 'd', 'all coders (union)']
    """
    combined = table["coder"].astype(str).str.startswith(ALL_CODERS)
    if combined.any() and len(own_coders(table)) > MAX_CODERS_SHOWN:
        return table[combined]
    return table


def own_coders(table: pd.DataFrame) -> list[str]:
    """The coders of a :func:`model_difference_table`, each alone (not :data:`ALL_CODERS`).

    >>> own_coders(pd.DataFrame({"coder": ["a", "a", "b", "all coders (union)"]}))
    ['a', 'b']
    """
    return [coder for coder in dict.fromkeys(table["coder"].astype(str)) if not coder.startswith(ALL_CODERS)]
