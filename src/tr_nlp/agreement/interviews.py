"""Agreement on which interviews voice a code: the level qualitative reports count themes at.

A study reports a theme as "voiced in 12 of the 20 interviews"; a team that lets a model
pre-screen new interviews wants to know whether it would find a code in the interviews a
coder finds it in. Each rater's segments are taken together per interview: the code is
there where the rater gave it to any segment of the interview, absent where the rater
rated every segment of the interview and gave it to none, and unknown (NaN) where the rater
left a segment unrated (an interview read in part). The machine gives a code to an
interview where it gives it to a segment (above the code's threshold); its score there is
its highest segment's. Agreement is then that of :func:`~tr_nlp.agreement.agreement_table`
with each interview a unit: its intervals resample interviews, as everywhere else.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from tr_nlp.agreement.stats import MIN_INTERVIEWS
from tr_nlp.agreement.tables import COLUMNS, OVERALL, agreement_table

#: :data:`~tr_nlp.agreement.tables.COLUMNS` of a table on interviews: ``n_segments`` gives way to
#: how many of the interviews compared each rater finds the code in.
INTERVIEW_COLUMNS = [*COLUMNS[:4], "n_interviews", "interviews_a", "interviews_b",
                     *(c for c in COLUMNS[4:] if c not in ("n_segments", "n_interviews"))]


def per_interview(ratings: pd.DataFrame, interview_of: pd.Series) -> pd.DataFrame:
    """One rater's segments x codes (1, 0 or NaN) as interviews x codes: the highest value
    of each interview's segments, NaN where any of them is NaN.

    >>> ratings = pd.DataFrame({"care": [0, 1, 0, float("nan")]}, index=["s1", "s2", "s3", "s4"])
    >>> per_interview(ratings, pd.Series(["a", "a", "b", "b"], index=ratings.index))
       care
    a   1.0
    b   NaN
    """
    groups = interview_of.reindex(ratings.index).astype(str).to_numpy()
    highest = ratings.groupby(groups).max()
    whole = ratings.notna().groupby(groups).all()
    return highest.where(whole)


def interview_table(
    ratings: Mapping[str, pd.DataFrame],
    interview_of: pd.Series,
    codes: Sequence[str],
    machines: Sequence[str] = (),
    scores: Mapping[str, pd.DataFrame] | None = None,
    n_boot: int = 1000,
    seed: int = 0,
) -> pd.DataFrame:
    """Agreement per code on the interviews each pair of raters rated whole.

    Parameters are those of :func:`~tr_nlp.agreement.agreement_table` (segments x codes
    per rater, ``interview_of`` naming each segment's interview), but for mutually
    exclusive groups: an interview voices several codes of one. The table has
    :data:`INTERVIEW_COLUMNS`: ``n_interviews`` those compared, ``interviews_a`` and
    ``interviews_b`` those of them each rater finds the code in (blank on the pooled row).
    A pair of raters with no interview both rated whole (a team coding the passages
    ``tr-nlp next`` ranks reads interviews in part) has no rows.

    >>> human = pd.DataFrame({"care": [1, 0, 0, 0]}, index=["s1", "s2", "s3", "s4"])
    >>> machine = pd.DataFrame({"care": [0, 1, 0, 1]}, index=human.index)
    >>> table = interview_table({"machine": machine, "coder": human},
    ...                         pd.Series(["a", "a", "b", "b"], index=human.index), ["care"], ["machine"], n_boot=0)
    >>> print(table.loc[[0], ["code", "n_interviews", "interviews_a", "interviews_b", "percent"]].to_string(index=False))
    code  n_interviews  interviews_a  interviews_b  percent
    care             2             2             1      0.5
    """
    whole = {rater: per_interview(frame, interview_of) for rater, frame in ratings.items()}
    top = None if scores is None else {rater: per_interview(frame, interview_of).fillna(0.0)
                                       for rater, frame in scores.items()}
    index = pd.Index(sorted({iid for frame in whole.values() for iid in frame.index}))
    table = agreement_table(whole, pd.Series(index, index=index), codes, machines=machines, scores=top,
                            n_boot=n_boot, seed=seed)
    table = table[table["n_segments"] > 0].reset_index(drop=True)  # a pair with no interview both rated whole
    for side in ("a", "b"):  # (the pooled row's would count interviews and codes together: none)
        found = (table[f"prevalence_{side}"] * table["n_segments"]).round().astype("Int64")
        table[f"interviews_{side}"] = found.mask(table["code"] == OVERALL)
    return table.reindex(columns=INTERVIEW_COLUMNS)


def without_interval_on_interviews(table: pd.DataFrame) -> dict[str, str]:
    """Codes of an :func:`interview_table` whose kappa has no interval in some row while
    other rows have one, each with the interviews either rater finds it in, of those
    compared (``"1 of 14"``; ``"13 of 14, 9 of 9"`` over several rows): a code in so few
    of them, or in so nearly all, that resamples drawing none of the others leave kappa
    undefined.

    >>> table = pd.DataFrame({"code": ["care", "warmth", "time"], "n_interviews": [14, 14, 14],
    ...                       "n_interviews_coded": [14, 8, 1], "kappa": [0.0, 0.7, 0.0],
    ...                       "kappa_lo": [float("nan"), 0.3, float("nan")]})
    >>> without_interval_on_interviews(table)
    {'care': '14 of 14', 'time': '1 of 14'}
    """
    if table.empty or table["kappa_lo"].isna().all():
        return {}
    missing = table[table["kappa"].notna() & table["kappa_lo"].isna() & (table["n_interviews"] >= MIN_INTERVIEWS)]
    out: dict[str, list[str]] = {}
    for r in missing.itertuples():
        counted = f"{r.n_interviews_coded:.0f} of {r.n_interviews:.0f}"
        if counted not in (seen := out.setdefault(str(r.code), [])):
            seen.append(counted)
    return {code: ", ".join(counts) for code, counts in out.items()}
