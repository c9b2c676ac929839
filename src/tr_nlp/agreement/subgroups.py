"""Agreement within subgroups of interviews (site, participant group, session quality...).

A machine that agrees with coders on service users' interviews may not on clinicians', and
coders themselves may agree less on some interviews. :func:`subgroup_table` gives the
agreement table (:func:`~tr_nlp.agreement.tables.agreement_table`) of each subgroup's
interviews alone, each row with how much its kappa differs from the same raters' kappa on
the other subgroups' interviews (``kappa_vs_rest``). That difference's interval comes
from resampling each side's interviews apart (a two-sample cluster bootstrap), widened as
for the smaller side's number of interviews (:func:`~tr_nlp.agreement.stats.tail_share`):
an interval that holds 0 means these interviews cannot tell the subgroup apart.

Examples
--------
>>> coder = pd.DataFrame({"care": [1, 0] * 10}, index=[f"s{i}" for i in range(20)])
>>> machine = coder.copy()
>>> machine.iloc[10:] = 1 - machine.iloc[10:]  # right on the first five interviews, wrong on the rest
>>> interview_of = pd.Series([f"iv{i // 2}" for i in range(20)], index=coder.index)
>>> site = {f"iv{k}": "north" if k < 5 else "south" for k in range(10)}
>>> table = subgroup_table({"machine": machine, "coder": coder}, interview_of, site, ["care"],
...                        machines=["machine"], n_boot=0)
>>> for r in table.itertuples():
...     print(r.subgroup, r.code, r.kappa, r.kappa_vs_rest)
north care 1.0 2.0
north (all codes, pooled) 1.0 2.0
south care -1.0 -2.0
south (all codes, pooled) -1.0 -2.0
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from tr_nlp.agreement.stats import MIN_INTERVIEWS, paired_difference
from tr_nlp.agreement.tables import (
    COLUMNS,
    HUMAN_VS_HUMAN,
    MACHINE_VS_HUMAN,
    agreement_table,
    condensed_pairs,
    kappa_resamples,
    rated_by_all,
)

#: The columns of :func:`subgroup_table`: the subgroup, then an agreement table's, then the difference from the rest.
SUBGROUP_COLUMNS = ["subgroup", *COLUMNS, "kappa_vs_rest", "kappa_vs_rest_lo", "kappa_vs_rest_hi"]


def subgroup_table(
    ratings: Mapping[str, pd.DataFrame],
    interview_of: pd.Series,
    subgroup_of: Mapping[str, str],
    codes: Sequence[str],
    machines: Sequence[str] = (),
    scores: Mapping[str, pd.DataFrame] | None = None,
    n_boot: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
    exclusive: Sequence[Sequence[str]] = (),
) -> pd.DataFrame:
    """The agreement table of each subgroup's interviews, with each row's kappa minus the
    same raters' kappa on the other subgroups' interviews.

    Parameters
    ----------
    ratings, interview_of, codes, machines, scores, n_boot, confidence, seed, exclusive
        As :func:`~tr_nlp.agreement.tables.agreement_table` takes them.
    subgroup_of : mapping of interview id -> str
        Each interview's subgroup; interviews without one are left out.

    Returns
    -------
    DataFrame
        :data:`SUBGROUP_COLUMNS`: per subgroup (in sorted order), its agreement table's
        rows (but those of raters who rated no segment there together), with ``kappa_vs_rest`` and its interval on the rows comparing the machine
        with a coder or two coders on every segment both rated (NaN on the rows of
        double-coded segments, and where the other subgroups' interviews hold no segment
        both rated).
    """
    subgroup = interview_of.map(lambda interview: subgroup_of.get(interview))
    sets = [list(group) for group in exclusive if len(group) >= 2]
    parts = []
    for k, value in enumerate(sorted(subgroup.dropna().unique())):
        inside, rest = (subgroup.index[mask] for mask in ((subgroup == value), subgroup.notna() & (subgroup != value)))
        ours = {rater: frame.reindex(inside) for rater, frame in ratings.items()}
        theirs = {rater: frame.reindex(rest) for rater, frame in ratings.items()}
        table = agreement_table(ours, interview_of.reindex(inside), codes, machines,
                                None if scores is None else {r: s.reindex(inside) for r, s in scores.items()},
                                n_boot=n_boot, confidence=confidence, seed=seed, exclusive=sets)
        # raters who rated nothing here together (a coder who coded none of these interviews) have no rows
        pair = [table["rater_a"], table["rater_b"], table["comparison"]]
        table = table[table.groupby(pair)["n_segments"].transform("max") > 0].reset_index(drop=True)
        rng = np.random.default_rng((seed, 3, k))  # its own stream: the table's CIs are those of the subgroup alone
        differences = {}
        compared = table["comparison"].isin([MACHINE_VS_HUMAN, HUMAN_VS_HUMAN])  # on every segment both rated
        pairs = table.loc[compared, ["rater_a", "rater_b"]].drop_duplicates()
        for a, b in [] if rest.empty else pairs.itertuples(index=False):
            sides = [kappa_resamples(side, b, [a], rated_by_all(side, (a, b)), interview_of, codes, sets, n_boot, rng)
                     for side in (ours, theirs)]
            smaller = min(n for _, n in sides)
            # the two sides resampled apart: the difference of their resamples is a two-sample bootstrap's
            differences |= {(a, b, label): paired_difference(sides[0][0][label][0], sides[1][0][label][0],
                                                             confidence, smaller)
                            for label in sides[0][0]}
        found = [differences.get((r.rater_a, r.rater_b, r.code)) if both else None
                 for r, both in zip(table.itertuples(), compared)]
        table[["kappa_vs_rest", "kappa_vs_rest_lo", "kappa_vs_rest_hi"]] = [d or (np.nan,) * 3 for d in found]
        parts.append(table.assign(subgroup=value))
    if not parts:
        return pd.DataFrame(columns=SUBGROUP_COLUMNS)
    return pd.concat(parts, ignore_index=True)[SUBGROUP_COLUMNS]


def shown_subgroups(table: pd.DataFrame) -> pd.DataFrame:
    """The rows of a :func:`subgroup_table` to show, with a ``raters`` column: the machine
    against each coder and the coders against each other (not the double-coded rows), many
    coder pairs summarised per subgroup (:func:`~tr_nlp.agreement.tables.condensed_pairs`),
    each code's subgroups in turn, in the table's order of codes."""
    main = table[table["comparison"].isin([MACHINE_VS_HUMAN, HUMAN_VS_HUMAN])]
    if main.empty:
        return main.assign(raters=pd.Series(dtype=str))
    shown = pd.concat([condensed_pairs(rows.drop(columns="subgroup")).assign(subgroup=value)
                       for value, rows in main.groupby("subgroup", sort=False)], ignore_index=True)
    order = {code: k for k, code in enumerate(dict.fromkeys(table["code"]))}
    return shown.sort_values("code", key=lambda codes: codes.map(order), kind="stable")


def too_few_in_subgroups(table: pd.DataFrame) -> str:
    """The rows of a :func:`subgroup_table` shown (:func:`shown_subgroups`) that have no
    interval for having fewer interviews than one needs
    (:data:`~tr_nlp.agreement.stats.MIN_INTERVIEWS`), in words: each subgroup with its
    raters and their fewest interviews over the codes; empty when there are none.

    >>> table = pd.DataFrame({"subgroup": ["north", "north", "south", "south"], "code": ["care"] * 4,
    ...                       "rater_a": ["machine", "coder_a"] * 2, "rater_b": ["coder_a", "coder_b"] * 2,
    ...                       "comparison": ["machine vs human", "human vs human"] * 2, "n_interviews": [9, 3, 2, 2]})
    >>> too_few_in_subgroups(table)
    'north: coder_a ~ coder_b 3; south: machine ~ coder_a 2, coder_a ~ coder_b 2'
    """
    shown = shown_subgroups(table)
    few = shown[shown["n_interviews"].between(1, MIN_INTERVIEWS - 1)]
    fewest = few.groupby(["subgroup", "raters"], sort=False)["n_interviews"].min()
    named: dict[str, list[str]] = {}
    for (value, raters), n in fewest.items():
        named.setdefault(str(value), []).append(f"{raters} {n:.0f}")
    return "; ".join(f"{value}: {', '.join(pairs)}" for value, pairs in named.items())
