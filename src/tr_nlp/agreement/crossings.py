"""Which codes raters mix up: where one rater gives a code and the other does not, what the
other gives instead.

A table per code says how often the machine misses a coder's ``beyond_routine``; it does not
say what the machine gives those passages instead: another code (the line between the two
codes is unclear, to the machine, or to the coders as well) or none (the code is voiced in
ways the model has not learnt). A team refining its codebook asks the same of its coders.
For every ordered pair of raters (the coder's codes first, then the machine's; both ways
for two coders), on the segments both rated, and for every code ``code_a`` rater ``a``
gave: how many segments ``b`` gave each code ``code_b`` (``segments``; with ``code_b`` the
same code, those they agree on), and how many of the segments ``b`` did not give
``code_a`` it gave ``code_b`` instead (``instead``), or no code at all (``code_b`` is
:data:`NO_CODE`). Where codes exclude each other and every segment has one (AnnoMI's talk
types), ``segments`` is the confusion matrix of the two raters.

Examples
--------
>>> coder = pd.DataFrame({"care": [1, 1, 1, 0], "time": [0, 0, 0, 1]}, index=["s1", "s2", "s3", "s4"])
>>> machine = pd.DataFrame({"care": [1, 0, 0, 0], "time": [0, 1, 0, 1]}, index=coder.index)
>>> table = code_crossings({"machine": machine, "coder": coder}, ["care", "time"], machines=["machine"])
>>> table[(table.rater_a == "coder") & (table.code_a == "care")][["code_b", "segments", "instead", "missed"]]
      code_b  segments  instead  missed
0       care         1        0       2
1       time         1        1       2
2  (no code)         1        1       2
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from tr_nlp.agreement.stats import share_interval
from tr_nlp.agreement.tables import (
    HUMAN_VS_HUMAN,
    MACHINE_VS_HUMAN,
    MAX_PAIRS,
    rated_by_all,
    rater_pairs,
)

#: What ``code_b`` is where rater ``b`` gave a segment no code.
NO_CODE = "(no code)"
#: The columns of :func:`code_crossings`: ``given`` the segments ``a`` gave ``code_a``,
#: ``missed`` those of them ``b`` did not, ``share`` ``instead`` over ``missed`` (with its
#: interval, :func:`~tr_nlp.agreement.stats.share_interval`); on a row of the machine
#: against a coder, the same figure between that coder and the other coders
#: (``coders_...``, see :func:`mix_ups`).
CROSSING_COLUMNS = ["comparison", "rater_a", "rater_b", "code_a", "code_b", "given", "missed", "segments",
                    "instead", "share", "share_lo", "share_hi", "coders_instead", "coders_missed", "coders_share",
                    "coders_share_lo", "coders_share_hi"]


def code_crossings(ratings: Mapping[str, pd.DataFrame], codes: Sequence[str], machines: Sequence[str] = (),
                   interview_of: pd.Series | None = None, confidence: float = 0.95) -> pd.DataFrame:
    """What each rater gives the segments another gives each code (:data:`CROSSING_COLUMNS`).

    Parameters
    ----------
    ratings : mapping of rater -> DataFrame
        Segments x codes with 1 (coded), 0 (not coded) or NaN (not rated), indexed by
        segment id, as :func:`~tr_nlp.agreement.agreement_table` takes them.
    codes : sequence of str
        The codes, in order.
    machines : sequence of str
        Which raters are machines: each is compared with every coder, the coder's codes
        first (``rater_a`` the coder: what the machine gives a coder's code it misses);
        two coders are compared in their order in ``ratings``, then the other way.
    interview_of : Series, optional
        Segment id -> interview id: each share's ``confidence`` interval, which allows for
        the segments of one interview being alike
        (:func:`~tr_nlp.agreement.stats.share_interval`, on the interviews both raters
        rated; blank without, or from fewer than
        :data:`~tr_nlp.agreement.stats.MIN_INTERVIEWS` interviews).
    confidence : float
        The intervals' coverage.

    Returns
    -------
    DataFrame
        A row per ordered pair of raters, code of ``a`` and code of ``b`` (or
        :data:`NO_CODE`), on the segments both rated; a code ``a`` never gave has no rows.
    """
    machine_set = set(machines)
    known = pd.Index([]) if interview_of is None else pd.Index(pd.unique(interview_of.astype(str)))
    rows, per_interview = [], []
    for first, second in rater_pairs(list(ratings), machine_set):
        index = rated_by_all(ratings, (first, second))
        comparison = MACHINE_VS_HUMAN if first in machine_set else HUMAN_VS_HUMAN
        where = (np.zeros(len(index), dtype=int) if interview_of is None
                 else known.get_indexer(interview_of.reindex(index).astype(str)))
        onehot = np.zeros((len(index), max(len(known), 1)))
        onehot[np.flatnonzero(where >= 0), where[where >= 0]] = 1  # (a segment of no interview known: in none)
        interviews = np.flatnonzero(onehot.any(axis=0))
        coder_first = first in machine_set  # the machine is the first of its pairs: its coder's codes first
        for a, b in ((second, first), (first, second)) if coder_first else ((first, second), (second, first)):
            given_by_a = _marks(ratings[a], index, codes)
            given_by_b = _marks(ratings[b], index, codes)
            columns = np.column_stack([given_by_b, ~given_by_b.any(axis=1)])
            for i, code in enumerate(codes):
                given = given_by_a[:, i]
                if not given.any():
                    continue
                missed = given & ~given_by_b[:, i]
                together = (given[:, None] & columns).sum(axis=0)
                instead = (missed[:, None] & columns).sum(axis=0)
                counts = onehot.T @ (missed[:, None] & columns), onehot.T @ missed
                for j, other in enumerate([*codes, NO_CODE]):
                    rows.append({"comparison": comparison, "rater_a": a, "rater_b": b, "code_a": code,
                                 "code_b": other, "given": int(given.sum()), "missed": int(missed.sum()),
                                 "segments": int(together[j]), "instead": int(instead[j]),
                                 "share": instead[j] / missed.sum() if missed.any() else np.nan})
                    per_interview.append((counts[0][:, j], counts[1], interviews))
    table = pd.DataFrame(rows, columns=CROSSING_COLUMNS)
    if interview_of is None:
        per_interview = [None] * len(per_interview)
    table["share_lo"], table["share_hi"] = _intervals(per_interview, confidence)
    alike = _coders_alike(table)
    pooled = [_pooled([per_interview[i] for i in k]) if k is not None else None for k in alike]
    table["coders_instead"], table["coders_missed"] = _coders_counts(table, alike)
    table["coders_share"] = table["coders_instead"] / table["coders_missed"].where(table["coders_missed"] > 0)
    table["coders_share_lo"], table["coders_share_hi"] = _intervals(pooled, confidence)
    return table


def _marks(ratings: pd.DataFrame, index: pd.Index, codes: Sequence[str]) -> np.ndarray:
    """``ratings`` of ``codes`` on the segments ``index`` as booleans (unrated: not given)."""
    return ratings.reindex(index=index, columns=list(codes)).fillna(0).to_numpy(dtype=float) > 0


Counts = tuple[np.ndarray, np.ndarray, np.ndarray]


def _pooled(parts: Sequence[Counts | None]) -> Counts | None:
    """Per-interview counts of ``instead`` and ``missed`` summed over several rows, and the
    interviews any of them rated (None without rows, or without interviews)."""
    if not parts or any(part is None for part in parts):
        return None
    return (sum(p[0] for p in parts), sum(p[1] for p in parts),
            np.unique(np.concatenate([p[2] for p in parts])))


def _intervals(counts: Sequence[Counts | None], confidence: float) -> tuple[list[float], list[float]]:
    """Each share's interval (``instead`` over ``missed``, from per-interview counts, on the
    interviews its raters rated: :func:`~tr_nlp.agreement.stats.share_interval`); NaN for None."""
    bounds = [share_interval(found[0][found[2]], found[1][found[2]], confidence) if found is not None
              else (np.nan, np.nan) for found in counts]
    return [lo for lo, _ in bounds], [hi for _, hi in bounds]


def _coders_alike(table: pd.DataFrame) -> list[np.ndarray | None]:
    """For each row of a :func:`code_crossings` table of the machine against a coder, the
    positions of the rows between that coder and the other coders that count the same
    share (see :func:`mix_ups`); None for rows of two coders, or without other coders."""
    coders = table["comparison"].to_numpy() != MACHINE_VS_HUMAN
    named = set(table["rater_a"][coders])
    out: list[np.ndarray | None] = []
    for row in table.itertuples():
        if row.comparison != MACHINE_VS_HUMAN:
            out.append(None)
            continue
        same = coders & (table["code_a"].to_numpy() == row.code_a) & (table["code_b"].to_numpy() == row.code_b)
        if row.rater_a in named:  # a coder's code the machine missed: the other coders missing it
            same &= table["rater_a"].to_numpy() == row.rater_a
        else:  # the machine's code the coder did not give: the coder missing the other coders'
            same &= table["rater_b"].to_numpy() == row.rater_b
        out.append(np.flatnonzero(same) if same.any() else None)
    return out


def _coders_counts(table: pd.DataFrame, alike: Sequence[np.ndarray | None]) -> tuple[list[float], list[float]]:
    """Per row, the ``instead`` and ``missed`` its coders' rows (``alike``, from
    :func:`_coders_alike`) sum to; NaN where it has none."""
    return ([table["instead"].iloc[k].sum() if k is not None else np.nan for k in alike],
            [table["missed"].iloc[k].sum() if k is not None else np.nan for k in alike])


def mix_ups(table: pd.DataFrame, groups: Sequence[Sequence[str]] = (), least: int = 2,
            share: float = 0.2) -> pd.DataFrame:
    """The rows of a :func:`code_crossings` table where ``b`` gave another code instead of
    ``a``'s in ``least`` segments or more, and in ``share`` or more of those it missed (two
    codes of one of ``groups``, codes that exclude each other, are left to
    :func:`group_matrices`): the codes a reader should look at, the surest first: by the lower
    end of the share's 95% interval, where it has one, so that 8 of 9 segments missed (89%,
    56% to 98%) comes before 2 of 2 (100%, 34% to 100%); then the largest shares.

    Each row of the machine against a coder also holds the same figure between that coder
    and the others (``coders_instead`` of ``coders_missed``; blank without one): where a
    coder's code is given (``a`` the coder), the other coders' missing it and giving the
    other code; where the machine's is (``b`` the coder), the coder's missing the other
    coders' and giving it. A table written before :func:`code_crossings` counted them
    (a run folder's) has them counted here, without intervals.

    >>> table = pd.DataFrame({"comparison": "human vs human", "rater_a": "A", "rater_b": "B",
    ...                       "code_a": ["care", "care", "care"], "code_b": ["care", "time", NO_CODE],
    ...                       "missed": 4, "instead": [0, 3, 1], "share": [0.0, 0.75, 0.25]})
    >>> mix_ups(table)[["code_a", "code_b", "instead", "coders_instead"]].to_dict("records")
    [{'code_a': 'care', 'code_b': 'time', 'instead': 3, 'coders_instead': nan}]
    """
    table = table.reset_index(drop=True)
    if "coders_missed" not in table.columns:
        table["coders_instead"], table["coders_missed"] = _coders_counts(table, _coders_alike(table))
    table = table.reindex(columns=list(dict.fromkeys([*table.columns, *CROSSING_COLUMNS])))
    within = {(x, y) for group in groups for x in group for y in group}
    found = table[(table["code_b"] != NO_CODE) & (table["code_b"] != table["code_a"])
                  & (table["instead"] >= least) & (table["share"] >= share)
                  & np.array([pair not in within for pair in zip(table["code_a"], table["code_b"])], dtype=bool)]
    surest = found["share_lo"].fillna(found["share"])
    return found.assign(_surest=surest).sort_values(["_surest", "share", "instead"], ascending=False,
                                                    kind="stable").drop(columns="_surest")


def many_coders(table: pd.DataFrame, max_pairs: int = MAX_PAIRS) -> bool:
    """Whether a :func:`code_crossings` table compares more than ``max_pairs`` pairs of
    coders, too many to show a matrix each (:func:`group_matrices` pools them), as the
    agreement tables summarise them (:data:`~tr_nlp.agreement.tables.MAX_PAIRS`).

    >>> many_coders(pd.DataFrame({"comparison": ["human vs human"] * 2, "rater_a": ["A", "B"], "rater_b": ["B", "A"]}))
    False
    """
    coders = table[table["comparison"] != MACHINE_VS_HUMAN]
    return len({frozenset(pair) for pair in zip(coders["rater_a"], coders["rater_b"])}) > max_pairs


#: The column of :func:`group_matrices` for segments given none of a group's codes.
NONE_OF_THEM = "none of them"


def group_matrices(table: pd.DataFrame, group: Sequence[str],
                   pooled: bool = False) -> list[tuple[str, str, pd.DataFrame]]:
    """For codes that exclude each other, each pair of raters' confusion matrix from a
    :func:`code_crossings` table: the first rater's code (rows; the coder against the
    machine) against the second's, and a column of :data:`NONE_OF_THEM` where the second
    left some of the first's segments without any; as ``(a, b, matrix)``, a pair once.

    ``pooled`` gives two instead, for many coders: every coder's code against the
    machine's, their segments summed (``("every coder", machine, ...)``), and a coder's
    code against another's, every pair of coders summed both ways round (``("a coder",
    "another coder", ...)``).

    >>> coder = pd.DataFrame({"yes": [1, 1, 0], "no": [0, 0, 1]})
    >>> machine = pd.DataFrame({"yes": [1, 0, 0], "no": [0, 1, 0]})
    >>> table = code_crossings({"machine": machine, "coder": coder}, ["yes", "no"], machines=["machine"])
    >>> [(a, b, m.to_dict("index")) for a, b, m in group_matrices(table, ["yes", "no"])]
    [('coder', 'machine', {'yes': {'yes': 1, 'no': 1, 'none of them': 0}, 'no': {'yes': 0, 'no': 0, 'none of them': 1}})]
    """
    rows = table[table["code_a"].isin(group)]
    if pooled:
        machines = rows[rows["comparison"] == MACHINE_VS_HUMAN]
        common = set.intersection(*({a, b} for a, b in zip(machines["rater_a"], machines["rater_b"]))) \
            if not machines.empty else set()
        machine = common.pop() if len(common) == 1 else None
        parts = [("every coder", machine, machines[machines["rater_b"] == machine]) if machine else None,
                 ("a coder", "another coder", rows[rows["comparison"] != MACHINE_VS_HUMAN])]
        return [(a, b, _matrix(part, group)) for a, b, part in filter(None, parts) if not part.empty]
    seen: set[frozenset[str]] = set()
    out = []
    for (a, b), pair in rows.groupby(["rater_a", "rater_b"], sort=False):
        if frozenset((a, b)) not in seen:
            seen.add(frozenset((a, b)))
            out.append((str(a), str(b), _matrix(pair, group)))
    return out


def _matrix(rows: pd.DataFrame, group: Sequence[str]) -> pd.DataFrame:
    """The confusion matrix of ``group``'s codes that :func:`code_crossings` rows (of one
    pair of raters, or of several: summed) count."""
    matrix = rows[rows["code_b"].isin(group)].pivot_table(index="code_a", columns="code_b", values="segments",
                                                          aggfunc="sum")
    matrix = matrix.reindex(index=[g for g in group if g in matrix.index], columns=list(group)).fillna(0)
    given = rows.drop_duplicates(["rater_a", "rater_b", "code_a"]).groupby("code_a")["given"].sum()
    matrix[NONE_OF_THEM] = given.reindex(matrix.index) - matrix.sum(axis=1)
    if not matrix[NONE_OF_THEM].any():  # the second rater gave every segment one of the codes
        matrix = matrix.drop(columns=NONE_OF_THEM)
    matrix = matrix.astype(int)
    matrix.index.name = matrix.columns.name = None
    return matrix
