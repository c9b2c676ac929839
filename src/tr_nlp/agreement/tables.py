"""Per-code agreement tables: machine vs each human beside human vs human, with CIs.

Confidence intervals come from a cluster bootstrap that resamples *interviews* (segments
of one interview are not independent), evaluated on per-interview confusion counts so
that thousands of resamples cost little. Comparisons use only the segments both raters
rated (a coder who did not code an interview has NaN there, not 0). The interval of
kappa, alpha, AC1, F1 and PR-AUC is Student's t with the resamples' spread on the logit
scale of the statistic's range (:func:`~tr_nlp.agreement.stats.t_interval`), which holds
the true figure about as often as it says from four interviews on; perfect agreement's
runs down to the figure at the disagreement
:func:`~tr_nlp.agreement.stats.plausible_disagreement` allows. ``n_interviews_coded``
counts the interviews where either rater gave the code: a code in only one or two of them
has no interval, since resamples drawing none of those interviews leave its figures
undefined. Precision and recall are
shares of segments: their intervals are Wilson's on the segments' effective number
(:func:`~tr_nlp.agreement.stats.share_interval`, which allows for the segments of one
interview being alike), not a bootstrap's, which gives a recall of 100% the interval
[1.00, 1.00] (``benchmarks/interval_coverage.py`` measures both).

When coders double-coded only some interviews, the machine is compared with each coder
twice: on every segment that coder rated, and on the double-coded segments alone (those
the coder and at least one other coder rated), so that the machine-vs-coder figure sits
beside the coder-vs-coder figure on the same segments.

Where a coder has other coders (the usual design: two coders, some interviews
double-coded), the row comparing the machine with the coder on the double-coded segments
also holds how much lower its kappa is than the other coder's with the coder (with
several, the mean of theirs; ``kappa_diff``: machine's minus peers'), with an interval
from a *paired* bootstrap: all kappas are computed on each resample of interviews, so the
interval is that of the difference itself. Two intervals that overlap do not show two kappas alike (0.64 [0.44,
0.81] against 0.88 [0.80, 0.96] overlap, yet the machine is lower on nearly every
resample); the difference's interval does.

A mutually exclusive group of codes (the codebook's ``groups``) gets a row of its own per
pair, after the codes: agreement on which of its codes a segment has (or none), as one
nominal variable: Cohen's kappa, Krippendorff's alpha and Gwet's AC1 on its values, and
as F1 the macro-F1 over them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from itertools import combinations
from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import average_precision_score

from tr_nlp.agreement.stats import (
    MIN_INTERVIEWS,
    binary_stats_from_counts,
    mean_statistic,
    nominal_stats_from_confusion,
    paired_difference,
    plausible_confusion,
    plausible_disagreement,
    share_interval,
    statistic_range,
    t_interval,
)

OVERALL = "(all codes, pooled)"
#: How the row of a mutually exclusive group begins (:func:`exclusive_label`).
EXCLUSIVE_PREFIX = "one of "
MACHINE_VS_HUMAN = "machine vs human"
#: The machine against a coder on the segments that coder shares with another coder.
MACHINE_VS_HUMAN_DOUBLE = "machine vs human, double-coded"
HUMAN_VS_HUMAN = "human vs human"
#: Statistics whose intervals come from resampled interviews; precision and recall, shares
#: of segments, get Wilson's (:func:`~tr_nlp.agreement.stats.share_interval`).
_RESAMPLED_STATS = ("percent", "kappa", "alpha", "ac1", "pabak", "f1")
_CI_STATS = (*_RESAMPLED_STATS, "precision", "recall")
#: With more coder pairs than this per code, shown tables summarise them (the files keep every pair).
MAX_PAIRS = 3
COLUMNS = [
    "code", "rater_a", "rater_b", "comparison", "n_segments", "n_interviews", "n_interviews_coded",
    "percent", "percent_lo", "percent_hi", "kappa", "kappa_lo", "kappa_hi", "alpha", "alpha_lo", "alpha_hi",
    "ac1", "ac1_lo", "ac1_hi", "pabak", "pabak_lo", "pabak_hi", "prevalence_a", "prevalence_b",
    "precision", "precision_lo", "precision_hi", "recall", "recall_lo", "recall_hi",
    "f1", "f1_lo", "f1_hi", "pr_auc", "pr_auc_lo", "pr_auc_hi",
    "peer", "kappa_diff", "kappa_diff_lo", "kappa_diff_hi",
]


def rounded(value: float | None, digits: int = 2) -> str:
    """``value`` to ``digits`` decimals, ``"n/a"`` when missing, as tables show agreement figures.

    A kappa of exactly chance level can come out a hair below zero; it shows as 0.00, not -0.00.

    >>> rounded(-1e-17), rounded(0.8349), rounded(float("nan")), rounded(0.5, 1)
    ('0.00', '0.83', 'n/a', '0.5')
    """
    if value is None or np.isnan(value):
        return "n/a"
    return f"{round(value, digits) + 0.0:.{digits}f}"


def signed(value: float | None, lo: float | None = None, hi: float | None = None) -> str:
    """``-0.38 [-0.49, -0.28]``: a difference, signed, with its interval where it has one
    (a paired difference: :func:`peer_differences`); empty without a value.

    >>> signed(-0.381, -0.49, -0.28), signed(0.05, float("nan"), float("nan")), signed(None)
    ('-0.38 [-0.49, -0.28]', '+0.05', '')
    """
    def missing(x: float | None) -> bool:
        return x is None or bool(np.isnan(x))

    if missing(value):
        return ""
    interval = "" if missing(lo) or missing(hi) else f" [{lo:+.2f}, {hi:+.2f}]"
    return f"{value:+.2f}{interval}"


def with_interval(value: float | None, lo: float | None = None, hi: float | None = None,
                  form: Callable[[float | None], str] = rounded) -> str:
    """``0.61 [0.48, 0.72]``: a figure with its interval where it has one, each written by
    ``form`` (:func:`rounded`; ``"{:.0%}".format`` for a share), or the figure alone.

    >>> with_interval(0.612, 0.48, 0.72), with_interval(0.5, float("nan"), None)
    ('0.61 [0.48, 0.72]', '0.50')
    >>> with_interval(0.57, 0.22, 0.69, "{:.0%}".format)
    '57% [22%, 69%]'
    """
    interval = "" if pd.isna(lo) or pd.isna(hi) else f" [{form(lo)}, {form(hi)}]"
    return form(value) + interval


def without_interval(table: pd.DataFrame) -> dict[str, str]:
    """Codes whose kappa has no interval in some row while other rows have one, each with
    how many interviews its rows have it in (``"1"``, ``"1-2"``): a code in so few
    interviews that resampling them gives no interval (:func:`~tr_nlp.agreement.stats.t_interval`).
    Empty for a table without intervals at all (no resamples) or without ``n_interviews_coded``;
    rows compared on too few interviews for any interval are :func:`too_few_interviews`'.

    >>> table = pd.DataFrame({"code": ["care", "care", "warmth"], "kappa": [0.0, 0.89, 0.6],
    ...                       "kappa_lo": [np.nan, np.nan, 0.4], "n_interviews_coded": [2, 1, 9]})
    >>> without_interval(table)
    {'care': '1-2'}
    """
    if "n_interviews_coded" not in table.columns or table["kappa_lo"].isna().all():
        return {}
    enough = ~(table["n_interviews"] < MIN_INTERVIEWS) if "n_interviews" in table.columns else True
    missing = table[table["kappa"].notna() & table["kappa_lo"].isna() & enough]
    counts = missing.groupby("code", sort=False)["n_interviews_coded"].agg(["min", "max"])
    return {str(code): f"{lo:.0f}" if lo == hi else f"{lo:.0f}-{hi:.0f}" for code, lo, hi in counts.itertuples()}


def too_few_interviews(*tables: pd.DataFrame, interviews: str = "n_interviews") -> dict[str, int]:
    """The raters of rows compared on fewer interviews than an interval needs
    (:data:`~tr_nlp.agreement.stats.MIN_INTERVIEWS`), each with how many (their fewest over
    the tables' codes): ``"coder_a ~ coder_b"``, or a group table's ``raters``. Their figures
    stand without an interval (:func:`~tr_nlp.agreement.stats.t_interval`).

    >>> table = pd.DataFrame({"code": ["care", "care"], "rater_a": ["machine", "coder_a"],
    ...                       "rater_b": ["coder_a", "coder_b"], "n_interviews": [14, 3]})
    >>> too_few_interviews(table)
    {'coder_a ~ coder_b': 3}
    """
    out: dict[str, int] = {}
    for table in tables:
        if interviews not in table.columns or table.empty:
            continue
        raters = (table["rater_a"] + " ~ " + table["rater_b"] if "rater_a" in table.columns
                  else table["raters"].astype(str))
        few = table[interviews].between(1, MIN_INTERVIEWS - 1)
        counts = table.loc[few, interviews].groupby(raters[few], sort=False).min()
        out.update({str(label): int(n) for label, n in counts.items()})
    return out


def too_few_named(few: Mapping[str, int], *tables: pd.DataFrame, interviews: str = "n_interviews") -> tuple[str, bool]:
    """:func:`too_few_interviews`' ``few`` in words, and whether every row of the ``tables``
    was compared on as few: then only their number (``"3 interviews"``), else each rater
    with theirs.

    >>> too_few_named({"coder_a ~ coder_b": 3}, pd.DataFrame({"n_interviews": [14, 3]}))
    ('coder_a ~ coder_b (3 interviews)', False)
    >>> too_few_named({"coder_a ~ coder_b": 3}, pd.DataFrame({"n_interviews": [3, 3]}))
    ('3 interviews', True)
    """
    def counted(n: int) -> str:
        return f"{n} interview{'' if n == 1 else 's'}"

    alike = len(set(few.values())) == 1 and not any(
        (t[interviews] >= MIN_INTERVIEWS).any() for t in tables if interviews in t.columns)
    if alike:
        return counted(next(iter(few.values()))), True
    return ", ".join(f"{raters} ({counted(n)})" for raters, n in few.items()), False


def exclusive_label(members: Sequence[str]) -> str:
    """The row name of a mutually exclusive group: ``one of a / b / c``."""
    return EXCLUSIVE_PREFIX + " / ".join(members)


def groups_of(table: pd.DataFrame) -> list[list[str]]:
    """The groups of codes that exclude each other an agreement table has rows of
    (:func:`exclusive_label`), each as its codes, in order.

    >>> groups_of(pd.DataFrame({"code": ["a", "one of a / b", "one of a / b", "(all codes, pooled)"]}))
    [['a', 'b']]
    """
    labels = table["code"].astype(str) if "code" in table.columns else pd.Series(dtype=str)
    return [label.removeprefix(EXCLUSIVE_PREFIX).split(" / ")
            for label in dict.fromkeys(labels) if label.startswith(EXCLUSIVE_PREFIX)]


def exclusive_keys(marks: pd.DataFrame) -> np.ndarray:
    """Per segment (row of ``marks``: one rater's 1/0/NaN for a group's codes) which of
    the codes the rater gave, as a number (0 for none; a combination against the rule is
    a number of its own); -1 where the rater rated nothing."""
    values = marks.to_numpy(dtype=float)
    key = (values > 0.5).astype(np.int64) @ (np.int64(1) << np.arange(values.shape[1], dtype=np.int64))
    return np.where(np.isnan(values).any(axis=1), -1, key)


def numbered(keys: np.ndarray) -> tuple[np.ndarray, int]:
    """``keys`` (-1 for not rated) renumbered 0, 1, ... over the values used, and how many there are."""
    rated = keys >= 0
    seen, values = np.unique(keys[rated], return_inverse=True)
    out = np.full(keys.shape, -1)
    out[rated] = values
    return out, len(seen)


def rater_pairs(raters: Sequence[str], machines: set[str]) -> list[tuple[str, str]]:
    """Machine-vs-human pairs first (machine as rater a), then human pairs."""
    humans = [r for r in raters if r not in machines]
    out = [(m, h) for m in raters if m in machines for h in humans]
    return out + list(combinations(humans, 2))


def agreement_table(
    ratings: Mapping[str, pd.DataFrame],
    interview_of: pd.Series,
    codes: Sequence[str],
    machines: Sequence[str] = (),
    scores: Mapping[str, pd.DataFrame] | None = None,
    n_boot: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
    exclusive: Sequence[Sequence[str]] = (),
) -> pd.DataFrame:
    """Agreement per code, per exclusive group and pooled, for every pair of raters.

    Parameters
    ----------
    ratings : mapping of rater -> DataFrame
        Segments x codes with 1 (coded), 0 (not coded) or NaN (not rated), indexed by
        segment id. Machine raters included.
    interview_of : Series
        Segment id -> interview id, for the cluster bootstrap.
    codes : sequence of str
        Codes to report, in order.
    machines : sequence of str
        Which raters are machines (shown as "machine vs human"; where a coder also rated
        segments no other coder rated, a second set of rows, "machine vs human,
        double-coded", compares the machine with that coder on the double-coded ones).
    scores : mapping of rater -> DataFrame, optional
        Machine probabilities (same shape as its ratings), for PR-AUC.
    n_boot : int
        Bootstrap resamples (0 for no CIs).
    exclusive : sequence of sequences of str
        Mutually exclusive groups of ``codes``: each gets a row per pair, after the codes
        (:func:`exclusive_label`; no prevalence, precision or recall; F1 is macro-F1).
    """
    sets = [list(g) for g in exclusive if len(g) >= 2]
    machine_set = set(machines)
    raters = list(ratings)
    humans = [r for r in raters if r not in machine_set]
    rated = {r: ratings[r].notna().any(axis=1) for r in humans}
    rng = np.random.default_rng(seed)
    double_rng = np.random.default_rng((seed, 1))  # its own stream: the other rows' CIs stay as they were
    diff_rng = np.random.default_rng((seed, 2))
    rows = []
    for a, b in rater_pairs(raters, machine_set):
        index = rated_by_all(ratings, (a, b))
        comparison = MACHINE_VS_HUMAN if a in machine_set else HUMAN_VS_HUMAN
        added = _pair_rows(ratings, a, b, index, comparison, interview_of, codes, scores, n_boot, confidence, rng,
                           sets)
        if a in machine_set:
            double = _double_coded(rated, b).reindex(index, fill_value=False).to_numpy()
            single = rated[b].reindex(index, fill_value=False).to_numpy() & ~double
            if double.any() and single.any():  # otherwise the rows above are already on double-coded segments
                rows += added
                added = _pair_rows(ratings, a, b, index[double], MACHINE_VS_HUMAN_DOUBLE,
                                   interview_of, codes, scores, n_boot, confidence, double_rng, sets)
            peers = [c for c in humans if c != b and (rated[b] & rated[c].reindex(rated[b].index, fill_value=False)).any()]
            if peers:
                differences = peer_differences(ratings, a, b, peers, interview_of, codes, sets, n_boot,
                                               confidence, diff_rng)
                for row in added:
                    row["peer"] = peer_label(peers)
                    row["kappa_diff"], row["kappa_diff_lo"], row["kappa_diff_hi"] = differences[str(row["code"])]
        rows += added
    return pd.DataFrame(rows, columns=COLUMNS)


def peer_label(peers: Sequence[str]) -> str:
    """How a row names the coders its machine is read against: ``coder_b``, ``coder_b,
    coder_c``, or ``9 other coders``."""
    return ", ".join(peers) if len(peers) <= 3 else f"{len(peers)} other coders"


def peer_differences(
    ratings: Mapping[str, pd.DataFrame], machine: str, coder: str, peer: str | Sequence[str],
    interview_of: pd.Series, codes: Sequence[str], sets: Sequence[Sequence[str]] = (), n_boot: int = 1000,
    confidence: float = 0.95, rng: np.random.Generator | None = None,
) -> dict[str, tuple[float, float, float]]:
    """Per code, exclusive group (:func:`exclusive_label`) and pooled: the machine's kappa
    with ``coder`` minus ``peer``'s kappa with ``coder`` (with several peers, the mean of
    theirs), on the segments all of them rated, and the ``confidence`` interval of that
    difference from a paired bootstrap of interviews.

    >>> coder = pd.DataFrame({"care": [1, 1, 0, 0, 1, 0, 1, 0]})
    >>> ratings = {"m": 1 - coder, "a": coder, "b": coder}  # the machine disagrees wholly, the coders not at all
    >>> peer_differences(ratings, "m", "a", "b", pd.Series([0, 0, 1, 1, 2, 2, 3, 3]), ["care"], n_boot=0)["care"]
    (-2.0, nan, nan)
    """
    peers = [peer] if isinstance(peer, str) else list(peer)
    index = rated_by_all(ratings, (machine, coder, *peers))
    kappas, n_groups = kappa_resamples(ratings, coder, (machine, *peers), index, interview_of, codes, sets, n_boot,
                                       rng)
    # the machine's, then each peer's
    return {label: paired_difference(k[0], mean_statistic(k[1:]), confidence, n_groups) for label, k in kappas.items()}


def kappa_resamples(
    ratings: Mapping[str, pd.DataFrame], coder: str, raters: Sequence[str], index: pd.Index, interview_of: pd.Series,
    codes: Sequence[str], sets: Sequence[Sequence[str]] = (), n_boot: int = 1000,
    rng: np.random.Generator | None = None,
) -> tuple[dict[str, list[tuple[float, np.ndarray | None]]], int]:
    """Per code, exclusive group (:func:`exclusive_label`) and pooled: each of ``raters``'
    kappa with ``coder`` on the segments of ``index`` where all of them rated it, as
    ``(value, resamples)``, the resamples of interviews drawn alike for every rater (None
    without); and how many interviews the resamples draw from
    (:func:`statistic_resamples` of kappa alone).

    >>> coder = pd.DataFrame({"care": [1, 1, 0, 0, 1, 0, 1, 0]})
    >>> kappas, n = kappa_resamples({"a": coder, "m": 1 - coder}, "a", ["m"], coder.index,
    ...                             pd.Series([0, 0, 1, 1, 2, 2, 3, 3]), ["care"], n_boot=0)
    >>> kappas["care"], n
    ([(-1.0, None)], 4)
    """
    found, n_groups = statistic_resamples(ratings, coder, raters, index, interview_of, codes, sets, n_boot, rng)
    return found["kappa"], n_groups


def statistic_resamples(
    ratings: Mapping[str, pd.DataFrame], coder: str, raters: Sequence[str], index: pd.Index, interview_of: pd.Series,
    codes: Sequence[str], sets: Sequence[Sequence[str]] = (), n_boot: int = 1000,
    rng: np.random.Generator | None = None, statistics: Sequence[str] = ("kappa",),
) -> tuple[dict[str, dict[str, list[tuple[float, np.ndarray | None]]]], int]:
    """Per statistic of ``statistics`` (a key of
    :func:`~tr_nlp.agreement.stats.binary_stats_from_counts`, ``kappa`` or ``f1`` say),
    then per code, exclusive group (:func:`exclusive_label`; its ``f1`` the macro-F1 over
    its values) and pooled: each of ``raters``' statistic with ``coder`` as the reference,
    on the segments of ``index`` where all of them rated it, as ``(value, resamples)``,
    every statistic and rater on the same resamples of interviews (None without); and how
    many interviews the resamples draw from.

    >>> coder = pd.DataFrame({"care": [1, 1, 0, 0, 1, 0, 1, 0]})
    >>> machine = coder.copy()
    >>> machine.iloc[:2] = 0  # two of the coder's four missed
    >>> found, n = statistic_resamples({"a": coder, "m": machine}, "a", ["m"], coder.index,
    ...                                pd.Series([0, 0, 1, 1, 2, 2, 3, 3]), ["care"], n_boot=0,
    ...                                statistics=("kappa", "f1"))
    >>> found["kappa"]["care"], round(found["f1"]["care"][0][0], 3)
    ([(0.5, None)], 0.667)
    """
    rng = rng or np.random.default_rng(0)
    _, group_idx = np.unique(interview_of.reindex(index).to_numpy().astype(str), return_inverse=True)
    n_groups = int(group_idx.max()) + 1 if len(group_idx) else 0
    draws = interview_draws(rng, n_groups, n_boot)
    out: dict[str, dict[str, list[tuple[float, np.ndarray | None]]]] = {name: {} for name in statistics}

    def put(label: str, point: Sequence[Mapping[str, Any]], resampled: Sequence[Mapping[str, Any] | None]) -> None:
        for name in statistics:  # a rater's each
            out[name][label] = [(float(p[name]), None if r is None else r[name]) for p, r in zip(point, resampled)]

    def binary(counts: np.ndarray) -> tuple[list[Any], list[Any]]:  # raters x interviews x (tp, fp, fn, tn)
        return ([binary_stats_from_counts(*k.sum(axis=0)) for k in counts],
                [None if draws is None else binary_stats_from_counts(*k[draws].sum(axis=1).T) for k in counts])

    pooled = np.zeros((len(raters), n_groups, 4))
    for code in codes:
        c = ratings[coder].loc[index, code].to_numpy(dtype=float)
        marks = [ratings[r].loc[index, code].to_numpy(dtype=float) for r in raters]
        rated = ~np.isnan(c) & np.logical_and.reduce([~np.isnan(x) for x in marks])
        counts = np.stack([_group_counts(x[rated] > 0.5, c[rated] > 0.5, group_idx[rated], n_groups) for x in marks])
        pooled += counts
        put(code, *binary(counts))
    for members in sets:
        keys = np.stack([exclusive_keys(ratings[r].loc[index, members]) for r in (coder, *raters)])
        rated = (keys >= 0).all(axis=0)
        confusions = [_confusion(keys[[i, 0]][:, rated], group_idx[rated], n_groups) for i in range(1, len(keys))]
        put(exclusive_label(members), [nominal_stats_from_confusion(c.sum(axis=0)) for c in confusions],
            [None if draws is None else nominal_stats_from_confusion(resampled_totals(c, draws)) for c in confusions])
    put(OVERALL, *binary(pooled))
    return out, n_groups


def rated_by_all(ratings: Mapping[str, pd.DataFrame], raters: Sequence[str], at_least: int | None = None) -> pd.Index:
    """The segments that all ``raters`` (or ``at_least`` of them) rated, any code: what a
    comparison counts, and whose interviews its bootstrap resamples (an interview a coder
    never coded is no draw of theirs).

    >>> a = pd.DataFrame({"x": [1, 0, 1]}, index=["s1", "s2", "s3"])
    >>> b = pd.DataFrame({"x": [1, np.nan, 0]}, index=["s1", "s2", "s3"])  # b left s2 unrated
    >>> list(rated_by_all({"a": a, "b": b}, ["a", "b"]))
    ['s1', 's3']
    """
    index = ratings[raters[0]].index
    counts = sum(ratings[r].reindex(index).notna().any(axis=1).to_numpy(dtype=int) for r in raters)
    return index[counts >= (len(raters) if at_least is None else at_least)]


def _double_coded(rated: Mapping[str, pd.Series], coder: str) -> pd.Series:
    """Segments ``coder`` rated that at least one other coder rated too."""
    others = [r for r in rated if r != coder]
    if not others:
        return pd.Series(False, index=rated[coder].index)
    index = rated[coder].index
    other = np.column_stack([rated[r].reindex(index, fill_value=False).to_numpy(bool) for r in others])
    return rated[coder] & other.any(axis=1)


def _pair_rows(
    ratings: Mapping[str, pd.DataFrame], a: str, b: str, index: pd.Index, comparison: str,
    interview_of: pd.Series, codes: Sequence[str], scores: Mapping[str, pd.DataFrame] | None,
    n_boot: int, confidence: float, rng: np.random.Generator, sets: Sequence[Sequence[str]] = (),
) -> list[dict[str, object]]:
    """One row per code, one per exclusive group of ``sets`` and a pooled row for raters
    ``a`` and ``b`` on the segments ``index``."""
    ra, rb = ratings[a], ratings[b]
    groups = interview_of.reindex(index).to_numpy()
    group_ids, group_idx = np.unique(groups.astype(str), return_inverse=True)
    draws = interview_draws(rng, len(group_ids), n_boot)
    pooled = np.zeros((len(group_ids), 4))
    pooled_n = 0
    rows = []
    for code in codes:
        x = ra.loc[index, code].to_numpy(dtype=float)
        y = rb.loc[index, code].to_numpy(dtype=float)
        both = ~np.isnan(x) & ~np.isnan(y)
        counts = _group_counts(x[both] > 0.5, y[both] > 0.5, group_idx[both], len(group_ids))
        pooled += counts
        pooled_n += int(both.sum())
        pr_auc, pr_interval = float("nan"), (float("nan"), float("nan"))
        if scores is not None and a in scores and both.any() and (y[both] > 0.5).any():
            s = scores[a].loc[index, code].to_numpy(dtype=float)[both]
            pr_auc = float(average_precision_score(y[both] > 0.5, s))
            if draws is not None:
                pr_interval = t_interval(pr_auc, resampled_average_precision(y[both] > 0.5, s, group_idx[both], draws),
                                         confidence, draws.shape[1], statistic_range("pr_auc"))
        rows.append(_row(code, a, b, comparison, counts, int(both.sum()), draws, confidence, pr_auc))
        rows[-1]["pr_auc_lo"], rows[-1]["pr_auc_hi"] = pr_interval
    rows += [_exclusive_row(ra.loc[index, members], rb.loc[index, members], exclusive_label(members), a, b,
                            comparison, group_idx, len(group_ids), draws, confidence) for members in sets]
    rows.append(_row(OVERALL, a, b, comparison, pooled, pooled_n, draws, confidence, float("nan")))
    return rows


def _exclusive_row(marks_a: pd.DataFrame, marks_b: pd.DataFrame, label: str, a: str, b: str, comparison: str,
                   group_idx: np.ndarray, n_groups: int, draws: np.ndarray | None,
                   confidence: float) -> dict[str, object]:
    """The row of a mutually exclusive group: raters ``a`` and ``b`` on which of its codes a
    segment has, from per-interview confusion matrices of its values."""
    keys = np.stack([exclusive_keys(marks_a), exclusive_keys(marks_b)])
    both = (keys >= 0).all(axis=0)
    confusion = _confusion(keys[:, both], group_idx[both], n_groups)
    whole = confusion.sum(axis=0)
    point = nominal_stats_from_confusion(whole)
    row: dict[str, object] = {
        "code": label, "rater_a": a, "rater_b": b, "comparison": comparison, "n_segments": int(both.sum()),
        "n_interviews": int((confusion.sum(axis=(1, 2)) > 0).sum()),
        "n_interviews_coded": len(np.unique(group_idx[both][(keys[:, both] > 0).any(axis=0)])), "pr_auc": float("nan"),
        "prevalence_a": float("nan"), "prevalence_b": float("nan"), "precision": float("nan"), "recall": float("nan"),
    }
    row.update({k: float(v) for k, v in point.items()})
    resampled = (nominal_stats_from_confusion(resampled_totals(confusion, draws)) if draws is not None and both.any()
                 else {})
    for stat in _CI_STATS:  # a group has no precision or recall
        row[f"{stat}_lo"], row[f"{stat}_hi"] = t_interval(row[stat], resampled.get(stat), confidence, n_groups,
                                                          statistic_range(stat))
    if draws is not None and both.any() and whole.sum() == np.trace(whole):  # perfect agreement, as _row's
        lower = plausible_confusion(np.diag(whole), n_groups, confidence)
        row.update({} if lower is None else _from_one(row, nominal_stats_from_confusion(lower)))
    return row


def _confusion(keys: np.ndarray, group_idx: np.ndarray, n_groups: int) -> np.ndarray:
    """Per-interview confusion matrices (n_groups, values, values) of two raters' values ``keys``."""
    (x, y), n_values = numbered(keys)
    confusion = np.zeros((n_groups, max(n_values, 1), max(n_values, 1)))
    np.add.at(confusion, (group_idx, x, y), 1)
    return confusion


def interview_draws(rng: np.random.Generator, n_groups: int, n_boot: int) -> np.ndarray | None:
    """Which of ``n_groups`` interviews each of ``n_boot`` resamples draws (resamples x
    interviews, with replacement); None without resamples or interviews.

    >>> interview_draws(np.random.default_rng(0), 3, 2).shape, interview_draws(np.random.default_rng(0), 3, 0)
    ((2, 3), None)
    """
    return rng.integers(0, n_groups, size=(n_boot, n_groups)) if n_boot and n_groups else None


def draw_counts(draws: np.ndarray, n_groups: int) -> np.ndarray:
    """How often each resample (row of ``draws``) drew each of ``n_groups`` interviews.

    >>> draw_counts(np.array([[0, 0], [0, 1]]), 3)
    array([[2., 0., 0.],
           [1., 1., 0.]])
    """
    times = np.zeros((len(draws), n_groups))
    np.add.at(times, (np.arange(len(draws))[:, None], draws), 1)
    return times


def segment_weights(draws: np.ndarray, group: np.ndarray) -> np.ndarray:
    """How often each resample (row of ``draws``) counts each segment: as often as it drew
    the segment's interview (``group``); resamples x segments.

    >>> segment_weights(np.array([[0, 0], [0, 1]]), np.array([0, 1, 1]))
    array([[2., 0., 0.],
           [1., 1., 1.]])
    """
    return draw_counts(draws, max(int(group.max()), int(draws.max())) + 1)[:, group]


def resampled_kappa(per_interview: np.ndarray, draws: np.ndarray | None) -> tuple[float, np.ndarray | None]:
    """Cohen's kappa of per-interview (tp, fp, fn, tn) counts, and its value on each
    resample of ``draws`` (None without): a statistic as :func:`~tr_nlp.agreement.stats.paired_difference`
    takes it."""
    return (float(binary_stats_from_counts(*per_interview.sum(axis=0))["kappa"]),
            None if draws is None else binary_stats_from_counts(*per_interview[draws].sum(axis=1).T)["kappa"])


def resampled_totals(per_interview: np.ndarray, draws: np.ndarray) -> np.ndarray:
    """Each resample's totals of per-interview counts (interviews first, any shape after):
    how often it drew each interview, times its counts; ``(resamples, *per_interview.shape[1:])``.

    >>> resampled_totals(np.array([[1, 0], [0, 2]]), np.array([[0, 0], [0, 1]]))
    array([[2., 0.],
           [1., 2.]])
    """
    n_groups = per_interview.shape[0]
    times = draw_counts(draws, n_groups)
    return (times @ per_interview.reshape(n_groups, -1)).reshape(len(draws), *per_interview.shape[1:])


def _group_counts(x: np.ndarray, y: np.ndarray, group: np.ndarray, n_groups: int) -> np.ndarray:
    """Per-interview (tp, fp, fn, tn), shape (n_groups, 4)."""
    cells = np.stack([x & y, x & ~y, ~x & y, ~x & ~y], axis=1).astype(float)
    out = np.zeros((n_groups, 4))
    np.add.at(out, group, cells)
    return out


def resampled_average_precision(y: np.ndarray, score: np.ndarray, group: np.ndarray, draws: np.ndarray,
                                chunk: int = 100) -> np.ndarray:
    """Average precision (PR-AUC, as scikit-learn's ``average_precision_score`` computes it)
    of ``score`` against ``y`` on each resample of interviews (``draws``: resamples x
    interviews drawn; ``group``: each segment's interview): a segment counts as often as its
    interview was drawn. NaN where a resample drew nothing coded.

    >>> y, score = np.array([1, 0, 1, 0]), np.array([0.9, 0.8, 0.7, 0.1])
    >>> resampled_average_precision(y, score, np.array([0, 0, 1, 1]), np.array([[0, 1], [0, 0], [1, 1]]))
    array([0.83333333, 1.        , 1.        ])
    """
    order = np.argsort(-score, kind="stable")
    y, group, score = y[order].astype(float), group[order], score[order]
    last = np.r_[np.flatnonzero(np.diff(score) != 0), len(score) - 1]  # a threshold: the last of each equal score
    out = np.full(len(draws), np.nan)
    for start in range(0, len(draws), chunk):
        part = draws[start:start + chunk]
        weights = segment_weights(part, group)
        found, seen = np.cumsum(weights * y, axis=1)[:, last], np.cumsum(weights, axis=1)[:, last]
        coded = found[:, -1:]
        with np.errstate(divide="ignore", invalid="ignore"):
            precision, recall = found / seen, found / coded
        steps = np.diff(np.concatenate([np.zeros((len(part), 1)), recall], axis=1), axis=1)
        ap = np.nansum(np.where(steps > 0, steps * precision, 0.0), axis=1)
        out[start:start + chunk] = np.where(coded[:, 0] > 0, ap, np.nan)
    return out


def _row(
    code: str, a: str, b: str, comparison: str, counts: np.ndarray, n_segments: int,
    draws: np.ndarray | None, confidence: float, pr_auc: float, perfect: bool = True,
) -> dict[str, object]:
    """A row of :func:`agreement_table` from per-interview ``counts`` (interviews x (tp, fp,
    fn, tn)). With ``perfect`` (units that are segments or interviews, not characters), a
    figure of perfect agreement gets the interval down to its value at the disagreement
    :func:`~tr_nlp.agreement.stats.plausible_disagreement` allows."""
    point = binary_stats_from_counts(*counts.sum(axis=0))
    row: dict[str, object] = {
        "code": code, "rater_a": a, "rater_b": b,
        "comparison": comparison,
        "n_segments": n_segments, "n_interviews": int((counts.sum(axis=1) > 0).sum()),
        "n_interviews_coded": int((counts[:, :3].sum(axis=1) > 0).sum()), "pr_auc": pr_auc,
    }
    row.update({k: float(v) for k, v in point.items()})
    resampled = binary_stats_from_counts(*counts[draws].sum(axis=1).T) if draws is not None and n_segments else {}
    n_groups = None if draws is None else draws.shape[1]  # interviews each resample draws
    for stat in _RESAMPLED_STATS:  # resampled: (n_boot,) per statistic
        row[f"{stat}_lo"], row[f"{stat}_hi"] = t_interval(row[stat], resampled.get(stat), confidence, n_groups,
                                                          statistic_range(stat))
    if perfect and n_groups is not None and n_segments and not counts[:, 1:3].any():
        row.update(_perfect_intervals(row, counts.sum(axis=0), n_groups, confidence))
    tp, fp, fn = counts[:, 0], counts[:, 1], counts[:, 2]  # found of those a gave (precision), of those b gave
    for stat, given in (("precision", tp + fp), ("recall", tp + fn)):
        row[f"{stat}_lo"], row[f"{stat}_hi"] = (share_interval(tp, given, confidence) if draws is not None
                                                else (float("nan"), float("nan")))
    return row


def _perfect_intervals(row: Mapping[str, object], totals: np.ndarray, groups: int,
                       confidence: float) -> dict[str, float]:
    """The intervals of the statistics at 1 where two raters agree on every unit (``totals``:
    tp, 0, 0, tn): from the statistic at the disagreement
    :func:`~tr_nlp.agreement.stats.plausible_disagreement` allows, up to 1. Empty from too few
    interviews."""
    counts = plausible_disagreement(totals[0], totals[3], groups, confidence)
    return {} if counts is None else _from_one(row, binary_stats_from_counts(*counts))


def _from_one(row: Mapping[str, object], lower: Mapping[str, Any]) -> dict[str, float]:
    """The intervals ``[lower, 1]`` of the statistics of ``row`` that are 1 and have an
    interval (not those of a code in too few interviews for one)."""
    return {k: v for stat in _RESAMPLED_STATS
            if np.isclose(float(row[stat]), 1.0) and np.isfinite(float(row[f"{stat}_lo"]))  # type: ignore[arg-type]
            for k, v in ((f"{stat}_lo", float(lower[stat])), (f"{stat}_hi", 1.0))}


def surest_disagreements(probability: np.ndarray, called: np.ndarray, votes: np.ndarray) -> np.ndarray:
    """The rows where the machine's call (``called``) differs from the vote of a coder who
    rated the row (``votes``, rows x coders: 1 coded, 0 not, NaN not rated), surest first:
    furthest from 0.5 (``probability``), ties in row order. The report lists them; an
    evaluation finds the evidence of the machine's calls among the first of them.

    >>> surest_disagreements(np.array([0.9, 0.6, 0.1, 0.2]), np.array([True, True, False, False]),
    ...                      np.array([[0, np.nan], [1, 1], [1, 0], [np.nan, np.nan]])).tolist()
    [0, 2]
    """
    rated = ~np.isnan(votes)
    rows = np.flatnonzero((rated & ((votes == 1) != np.asarray(called, dtype=bool)[:, None])).any(axis=1))
    return rows[np.argsort(-np.abs(np.asarray(probability, dtype=float)[rows] - 0.5), kind="stable")]


def condensed_pairs(table: pd.DataFrame, max_pairs: int = MAX_PAIRS) -> pd.DataFrame:
    """A pairwise agreement table (segments or characters) to show, with a ``raters`` column.

    With more than ``max_pairs`` coder pairs per code (ten annotators make 45), each
    code's coder pairs become one row holding their median, with their smallest and
    largest value where a CI would be, after the code's machine rows; the machine rows
    stay as they are. With fewer, the table is returned as it is.
    """
    table = table.assign(raters=table["rater_a"] + " ~ " + table["rater_b"])
    humans = table["comparison"] == HUMAN_VS_HUMAN
    if humans.groupby(table["code"]).sum().max() <= max_pairs:
        return table
    figures = [col for col in table.select_dtypes("number").columns if not col.endswith(("_lo", "_hi"))]
    parts = []
    for code, rows in table.groupby("code", sort=False):
        pairs = rows[rows["comparison"] == HUMAN_VS_HUMAN]
        summary: dict[str, object] = {"code": code, "comparison": HUMAN_VS_HUMAN,
                                      "raters": f"{len(pairs)} coder pairs, median"}
        for col in figures:
            summary[col] = pairs[col].median()
            if f"{col}_lo" in table.columns:
                summary[f"{col}_lo"], summary[f"{col}_hi"] = pairs[col].min(), pairs[col].max()
        parts += [rows[rows["comparison"] != HUMAN_VS_HUMAN], pd.DataFrame([summary])]
    return pd.concat(parts, ignore_index=True)
