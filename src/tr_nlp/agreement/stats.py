"""Agreement statistics between coders, as methodologists report them.

Two-rater statistics on binary (presence/absence of a code) or nominal ratings:
percent agreement, Cohen's kappa, Scott's pi-based Krippendorff's alpha (nominal),
Gwet's AC1, PABAK and prevalence. :func:`krippendorff_alpha` handles any number of coders
and missing ratings. The binary statistics also have count-based forms
(:func:`binary_stats_from_counts`) that a cluster bootstrap evaluates for thousands of
resamples at once.

Examples
--------
>>> round(cohen_kappa([1, 1, 0, 0], [1, 0, 0, 0]), 3)
0.5
>>> round(krippendorff_alpha([[1, 1, 0, 0], [1, 0, 0, 0]]), 3)
0.533
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import expit, ndtr, stdtrit

#: Fewer interviews than this give no interval (:func:`t_interval`, :func:`share_interval`,
#: :func:`percentile_interval`). From four, the t interval held a true kappa, AC1, F1, PR-AUC
#: or pre-screening read share in 93-99% of simulated and AnnoMI studies, and Wilson's a true
#: share in 98-100%. From three it held them too (94-98%), but t on two degrees of freedom
#: spans most of the range (a kappa's interval 0.7 to 1.3 wide on average), which says no
#: more than "too few interviews" (``benchmarks/interval_coverage.py``).
MIN_INTERVIEWS = 4
#: The range of a statistic whose interval :func:`t_interval` gives, by its column name, where
#: it is not -1 to 1 (:func:`statistic_range`).
RANGES = {"percent": (0.0, 1.0), "f1": (0.0, 1.0), "pr_auc": (0.0, 1.0), "read_share": (0.0, 1.0)}


def _pair(a: ArrayLike, b: ArrayLike) -> tuple[NDArray[Any], NDArray[Any]]:
    x, y = np.asarray(a), np.asarray(b)
    if x.shape != y.shape or x.ndim != 1:
        raise ValueError(f"expected two 1-d rating vectors of one length, got {x.shape} and {y.shape}")
    return x, y


def percent_agreement(a: ArrayLike, b: ArrayLike) -> float:
    """Share of units on which both raters gave the same rating."""
    x, y = _pair(a, b)
    return float(np.mean(x == y)) if len(x) else float("nan")


def _marginals(x: NDArray[Any], y: NDArray[Any]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    categories = np.union1d(x, y)
    px = np.array([np.mean(x == c) for c in categories])
    py = np.array([np.mean(y == c) for c in categories])
    return px, py


def cohen_kappa(a: ArrayLike, b: ArrayLike) -> float:
    """Cohen's kappa: chance-corrected agreement with each rater's own marginals.

    NaN when chance agreement is 1 (both raters used one and the same category).
    """
    x, y = _pair(a, b)
    if not len(x):
        return float("nan")
    po = float(np.mean(x == y))
    px, py = _marginals(x, y)
    pe = float(np.sum(px * py))
    return float("nan") if np.isclose(pe, 1.0) else (po - pe) / (1 - pe)


def gwet_ac1(a: ArrayLike, b: ArrayLike, n_categories: int | None = None) -> float:
    """Gwet's AC1, robust to high prevalence (the 'kappa paradox')."""
    x, y = _pair(a, b)
    if not len(x):
        return float("nan")
    po = float(np.mean(x == y))
    px, py = _marginals(x, y)
    q = n_categories or max(2, len(px))
    if q < 2:
        raise ValueError(f"expected n_categories of at least 2, got {n_categories}")
    pi = (px + py) / 2
    pe = float(np.sum(pi * (1 - pi)) / (q - 1))  # at most 1 / q: never 1, unlike kappa's
    return (po - pe) / (1 - pe)


def pabak(a: ArrayLike, b: ArrayLike, n_categories: int = 2) -> float:
    """Prevalence- and bias-adjusted kappa: ``(k * po - 1) / (k - 1)``."""
    po = percent_agreement(a, b)
    return (n_categories * po - 1) / (n_categories - 1)


def alpha_from_nominal(disagreement: ArrayLike, totals: ArrayLike) -> NDArray[np.float64]:
    """Krippendorff's alpha (nominal, any number of values) from the observed disagreement
    (the coincidences of two different values) and each value's coincidence total (last
    axis), summed over units; NaN where only one value was used. Vectorised over leading
    axes, such as bootstrap resamples."""
    totals = np.asarray(totals, dtype=float)
    n = totals.sum(axis=-1)
    expected = n ** 2 - (totals ** 2).sum(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(expected > 0, 1 - (n - 1) * np.asarray(disagreement, dtype=float) / expected, np.nan)


def krippendorff_alpha(reliability_data: ArrayLike) -> float:
    """Krippendorff's alpha for nominal data.

    Parameters
    ----------
    reliability_data : array-like, shape (n_coders, n_units)
        Ratings, with NaN where a coder did not rate a unit. Units rated by fewer than
        two coders are left out, as the coefficient prescribes.
    """
    data = np.asarray(reliability_data, dtype=float)
    if data.ndim != 2:
        raise ValueError("expected a (coders x units) matrix")
    values = np.unique(data[~np.isnan(data)])
    if len(values) == 0:
        return float("nan")
    index = {v: i for i, v in enumerate(values)}
    coincidence = np.zeros((len(values), len(values)))
    for unit in data.T:
        rated = unit[~np.isnan(unit)]
        m = len(rated)
        if m < 2:
            continue
        counts = np.zeros(len(values))
        for v in rated:
            counts[index[v]] += 1
        coincidence += (np.outer(counts, counts) - np.diag(counts)) / (m - 1)
    n_c = coincidence.sum(axis=1)
    return float(alpha_from_nominal(n_c.sum() - np.trace(coincidence), n_c))


def fleiss_kappa(reliability_data: ArrayLike) -> float:
    """Fleiss' kappa for units each rated by the same number of coders (NaN-free columns only).

    Parameters
    ----------
    reliability_data : array-like, shape (n_coders, n_units)
        Nominal ratings; units with any NaN are left out.
    """
    data = np.asarray(reliability_data, dtype=float)
    data = data[:, ~np.isnan(data).any(axis=0)]
    if data.shape[1] == 0 or data.shape[0] < 2:
        return float("nan")
    categories = np.unique(data)
    counts = np.stack([(data == c).sum(axis=0) for c in categories], axis=1)  # units x categories
    m = data.shape[0]
    p_unit = ((counts * (counts - 1)).sum(axis=1)) / (m * (m - 1))
    p_cat = counts.sum(axis=0) / counts.sum()
    pe = float(np.sum(p_cat**2))
    return float("nan") if np.isclose(pe, 1.0) else (float(p_unit.mean()) - pe) / (1 - pe)


def prevalence(ratings: ArrayLike) -> float:
    """Share of units rated positive (1)."""
    x = np.asarray(ratings, dtype=float)
    return float(np.nanmean(x)) if x.size else float("nan")


def binary_stats_from_counts(tp: ArrayLike, fp: ArrayLike, fn: ArrayLike, tn: ArrayLike) -> dict[str, NDArray[np.float64]]:
    """Every two-rater binary statistic from confusion counts (vectorised over resamples).

    Rater ``a`` is the one whose positives are counted by ``tp + fp`` (the machine when
    machine is compared with a human); ``precision``, ``recall`` and ``f1`` take rater
    ``b`` as the reference.
    """
    tp, fp, fn, tn = (np.asarray(v, dtype=float) for v in (tp, fp, fn, tn))
    n = tp + fp + fn + tn
    with np.errstate(divide="ignore", invalid="ignore"):
        po = (tp + tn) / n
        pa, pb = (tp + fp) / n, (tp + fn) / n
        pe = pa * pb + (1 - pa) * (1 - pb)
        kappa = (po - pe) / (1 - pe)
        pi = (pa + pb) / 2
        pe_ac1 = 2 * pi * (1 - pi)
        ac1 = (po - pe_ac1) / (1 - pe_ac1)
        n1 = 2 * tp + fp + fn
        n0 = 2 * tn + fp + fn
        alpha = 1 - (2 * n - 1) * (fp + fn) / (n0 * n1)
        precision = tp / (tp + fp)
        recall = tp / (tp + fn)
        f1 = 2 * tp / (2 * tp + fp + fn)
    return {
        "percent": po, "kappa": kappa, "alpha": alpha, "ac1": ac1, "pabak": 2 * po - 1,
        "prevalence_a": pa, "prevalence_b": pb, "precision": precision, "recall": recall, "f1": f1,
    }


def nominal_stats_from_confusion(confusion: ArrayLike) -> dict[str, NDArray[np.float64]]:
    """Two-rater statistics of a nominal variable from its confusion matrix (rater ``a``'s
    values down, ``b``'s across; vectorised over leading axes, such as resamples).

    Cohen's kappa, Krippendorff's alpha and Gwet's AC1 with the values used as categories
    (at least two), PABAK, and as ``f1`` the macro-F1 over the values either rater used
    (the F1 of each value is the same whichever rater is the reference).

    Examples
    --------
    >>> stats = nominal_stats_from_confusion([[5, 1, 0], [0, 3, 1], [1, 0, 4]])
    >>> print(round(float(stats["kappa"]), 3), round(float(stats["f1"]), 3))
    0.696 0.794
    """
    c = np.asarray(confusion, dtype=float)
    k = c.shape[-1]
    n = c.sum(axis=(-2, -1))
    agree = np.trace(c, axis1=-2, axis2=-1)
    rows, cols = c.sum(axis=-1), c.sum(axis=-2)
    with np.errstate(divide="ignore", invalid="ignore"):
        po = agree / n
        pa, pb = rows / n[..., None], cols / n[..., None]
        pe = (pa * pb).sum(axis=-1)
        kappa = (po - pe) / (1 - pe)
        pi = (pa + pb) / 2
        categories = max(k, 2)
        pe_ac1 = (pi * (1 - pi)).sum(axis=-1) / (categories - 1)
        ac1 = (po - pe_ac1) / (1 - pe_ac1)
        totals = rows + cols  # each value's coincidences, 2n in all; two raters disagree twice per segment
        alpha = alpha_from_nominal(2 * (n - agree), totals)
        diagonal = np.diagonal(c, axis1=-2, axis2=-1)
        used = totals > 0  # a value neither rater used (in this resample) has no F1
        macro_f1 = np.where(used, 2 * diagonal / totals, 0).sum(axis=-1) / used.sum(axis=-1)
    return {"percent": po, "kappa": kappa, "alpha": alpha, "ac1": ac1,
            "pabak": (categories * po - 1) / (categories - 1), "f1": macro_f1}


def tail_share(confidence: float = 0.95, groups: int | None = None) -> float:
    """The share of resamples each tail of a bootstrap interval leaves out.

    Without ``groups``, ``(1 - confidence) / 2``: the plain percentile interval. With the
    number of interviews (clusters) a resample draws, the *expanded* percentile interval's
    (Hesterberg 2015, "What teachers should know about the bootstrap", The American
    Statistician 69(4)): the tail at the normal quantile of ``sqrt(K / (K - 1))`` times
    Student's t quantile on ``K - 1`` degrees of freedom. A bootstrap of few interviews
    spreads its resamples too narrowly; with nine interviews the plain percentile interval
    of a kappa held the true value in 88-90% of simulated and AnnoMI studies, the expanded
    one in 92-95% (``benchmarks/interval_coverage.py``). NaN for fewer than two interviews
    (:func:`percentile_interval` gives none from fewer than :data:`MIN_INTERVIEWS`).

    >>> round(tail_share(0.95), 4), round(tail_share(0.95, 9), 4), round(tail_share(0.95, 10_000), 4)
    (0.025, 0.0072, 0.025)
    """
    plain = (1 - confidence) / 2
    if groups is None:
        return plain
    if groups < 2:
        return float("nan")
    return float(ndtr(-math.sqrt(groups / (groups - 1)) * float(stdtrit(groups - 1, 1 - plain))))


def percentile_interval(values: ArrayLike | None, confidence: float = 0.95,
                        groups: int | None = None) -> tuple[float, float]:
    """The central ``confidence`` interval of bootstrap ``values`` by percentiles; with
    ``groups``, the number of interviews each resample drew, the expanded percentile
    interval that corrects for few interviews (:func:`tail_share`), and no interval (NaN
    bounds) from fewer than :data:`MIN_INTERVIEWS` interviews, or without resamples (None).
    tr_nlp's intervals are :func:`t_interval`'s, which holds the true figure more often
    from few interviews; this one is theirs at a bound of a statistic's range.

    Resamples whose statistic is undefined (NaN: no case of a code drawn, say) are left
    out while they are at most ``1 - confidence`` of them, the share the interval leaves
    out anyway. With more, both bounds are NaN: an interval of the rest would describe
    only resamples that drew the few interviews holding the code (a code in one interview
    gives ``0.89 [0.88, 0.89]``), not how the figure varies from interview to interview.

    Examples
    --------
    >>> percentile_interval(np.arange(101.0), 0.5)
    (25.0, 75.0)
    >>> percentile_interval(np.arange(101.0), 0.5, groups=5)  # wider: five interviews resampled
    (20.3..., 79.6...)
    >>> percentile_interval(np.arange(101.0), 0.5, groups=3)  # too few interviews
    (nan, nan)
    >>> percentile_interval([np.nan, np.nan]), percentile_interval(None)
    ((nan, nan), (nan, nan))
    >>> percentile_interval([0.8] * 90 + [np.nan] * 10)  # one resample in ten undefined
    (nan, nan)
    >>> percentile_interval([0.8] * 97 + [np.nan] * 3)
    (0.8, 0.8)
    """
    if values is None:
        return float("nan"), float("nan")
    x = np.asarray(values, dtype=float)
    tail = tail_share(confidence, groups) * 100
    few = groups is not None and groups < MIN_INTERVIEWS
    if few or not x.size or np.isfinite(x).mean() < confidence or np.isnan(tail):
        return float("nan"), float("nan")
    lo, hi = np.nanpercentile(x, [tail, 100 - tail])
    return float(lo), float(hi)


def statistic_range(name: str) -> tuple[float, float]:
    """The range of the statistic in column ``name``: :data:`RANGES`', else -1 to 1 (kappa,
    alpha, AC1).

    >>> statistic_range("f1"), statistic_range("kappa")
    ((0.0, 1.0), (-1.0, 1.0))
    """
    return RANGES.get(name, (-1.0, 1.0))


def t_interval(value: float, values: ArrayLike | None, confidence: float = 0.95, groups: int | None = None,
               bounds: tuple[float, float] = (-1.0, 1.0)) -> tuple[float, float]:
    """The ``confidence`` interval of a statistic ``value`` from its bootstrap resamples
    ``values`` of ``groups`` interviews: Student's t on K - 1 degrees of freedom times the
    resamples' standard deviation (widened by ``sqrt(K / (K - 1))``, as a bootstrap of K
    interviews spreads too narrowly), on the logit scale of the statistic's range
    ``bounds`` (Fisher's z for a kappa in [-1, 1]; a difference of two kappas takes
    ``(-2, 2)``), so that the interval stays inside the range and leans toward its middle.

    From four to six interviews the expanded percentile interval (:func:`percentile_interval`)
    held a true kappa, AC1 or F1 in 82-94% of simulated and AnnoMI studies, this one in
    93-98% (a pre-screening read share or PR-AUC: 83-97% against 95-99%), a little wider;
    from nine on both in 91-98% (``benchmarks/interval_coverage.py``). The same rules give
    no interval (NaN bounds): fewer than :data:`MIN_INTERVIEWS` interviews, or more
    undefined resamples than ``1 - confidence``. At a bound of the range (a kappa of 1), where the logit has no
    value, the expanded percentile interval; without ``groups``, the plain one.

    Examples
    --------
    >>> spread = np.random.default_rng(0).normal(0.6, 0.1, 1000)
    >>> lo, hi = t_interval(0.6, spread, groups=6)
    >>> round(lo, 2), round(hi, 2)  # wider than 0.6 +- 1.96 x 0.1, and lower side longer
    (0.26, 0.81)
    >>> t_interval(0.6, spread, groups=3)  # too few interviews
    (nan, nan)
    >>> t_interval(1.0, [1.0] * 100, groups=9)  # perfect agreement in every interview
    (1.0, 1.0)
    """
    if values is None or groups is None or math.isnan(value):
        return percentile_interval(values, confidence, groups)
    x = np.asarray(values, dtype=float)
    lo, hi = bounds
    if groups < MIN_INTERVIEWS or not x.size or np.isfinite(x).mean() < confidence:
        return float("nan"), float("nan")
    if not lo < value < hi or np.isfinite(x).sum() < 2:
        return percentile_interval(x, confidence, groups)
    se = float(np.nanstd(x, ddof=1)) * math.sqrt(groups / (groups - 1))
    t = float(stdtrit(groups - 1, 1 - (1 - confidence) / 2))
    u = (value - lo) / (hi - lo)
    centre, half = math.log(u / (1 - u)), t * se / ((hi - lo) * u * (1 - u))
    return (lo + (hi - lo) * float(expit(centre - half)), lo + (hi - lo) * float(expit(centre + half)))


def disagreement_bound(n_units: float, groups: int, confidence: float = 0.95) -> float:
    """The most disagreement two raters who agreed on all ``n_units`` units of ``groups``
    interviews leave plausible: Wilson's upper ``confidence`` bound of a share of 0 of
    ``n_units``, with Student's t on ``groups - 1`` degrees of freedom as
    :func:`share_interval` takes it (their agreement gives no between-interview variance to
    deflate the count by). A figure of perfect agreement is then known no better than the
    figure with that share of disagreement: every resample of interviews agrees perfectly
    too, so a bootstrap gives 1.00 [1.00, 1.00]. NaN from fewer than :data:`MIN_INTERVIEWS`
    interviews or without units.

    >>> round(disagreement_bound(300, 9), 4)  # none of 300 segments from nine interviews: up to 1.7%
    0.0174
    >>> disagreement_bound(300, 3)
    nan
    """
    if groups < MIN_INTERVIEWS:
        return float("nan")
    # share_interval's upper bound of none in interviews alike (no between-interview variance)
    return share_interval(np.zeros(groups), np.full(groups, n_units / groups), confidence)[1]


def plausible_disagreement(yes: float, no: float, groups: int, confidence: float = 0.95,
                           units: float | None = None) -> tuple[float, float, float, float] | None:
    """Counts ``(tp, fp, fn, tn)`` of two raters who agreed on ``yes`` units having a code
    and ``no`` units without it, with the share of disagreement :func:`disagreement_bound`
    allows moved out of those agreements: half from each where both hold enough (so neither
    rater's prevalence changes), else from the one that does, and split evenly between the
    two ways of disagreeing. The statistics of these counts are the lower bounds of their
    perfect agreement. ``units``: how many units the counts stand for, where they count
    something else (the coincidences of several coders' values); None from too few interviews.

    >>> plausible_disagreement(7, 263, 9)  # 7 agreed codings of 270 segments: 4.7 segments apart
    (4.39..., 2.60..., 2.60..., 260.39...)
    >>> plausible_disagreement(4, 0, 4)  # four interviews, each with the code for both raters
    (1.13..., 1.43..., 1.43..., 0.0)
    """
    n = yes + no
    moved = disagreement_bound(n if units is None else units, groups, confidence) * n
    if not math.isfinite(moved):
        return None
    from_no = min(max(moved / 2, moved - yes), no)
    return float(yes - (moved - from_no)), moved / 2, moved / 2, float(no - from_no)


def plausible_confusion(agreed: ArrayLike, groups: int, confidence: float = 0.95) -> NDArray[np.float64] | None:
    """The confusion matrix of two raters who agreed on every unit, ``agreed`` of them on
    each value, with the share of disagreement :func:`disagreement_bound` allows moved off
    the diagonal: between each two values in proportion to the product of their counts,
    alike both ways (so neither rater's count of any value changes), scaled down where a
    value has too few to give. Its statistics are the lower bounds of the perfect agreement
    of a group of codes that exclude each other (:func:`plausible_disagreement` for one code).
    None from too few interviews.

    >>> plausible_confusion([7, 263], 9).round(2)  # as plausible_disagreement(7, 263, 9)
    array([[  4.39,   2.61],
           [  2.61, 260.39]])
    """
    a = np.asarray(agreed, dtype=float)
    moved = disagreement_bound(float(a.sum()), groups, confidence) * float(a.sum())
    if not math.isfinite(moved):
        return None
    pairs = np.outer(a, a)
    np.fill_diagonal(pairs, 0.0)
    if not pairs.any():  # a single value used: nothing to disagree about
        return np.diag(a)
    off = moved * pairs / pairs.sum()
    given = off.sum(axis=1)
    off *= min(1.0, *(a[given > 0] / given[given > 0]))
    return np.diag(a - off.sum(axis=1)) + off


def share_interval(instead: ArrayLike, missed: ArrayLike, confidence: float = 0.95) -> tuple[float, float]:
    """The ``confidence`` interval of a share of segments counted in interviews: ``instead``
    of ``missed``, a count per interview (say, of the segments one rater gave a code and the
    other missed, those the other gave another code).

    Wilson's score interval on the effective number of segments: their count deflated by
    the design effect of interviews (the share's variance between interviews, by
    linearisation of the ratio, over a binomial's; never below 1), with Student's t on
    K - 1 degrees of freedom for K interviews. Segments of one interview are alike, so a
    share of 40 segments from five interviews is known less well than one of 40 segments
    drawn apart; and a share of few segments, or of 0% or 100%, still gets a sound interval
    (a percentile bootstrap of few interviews gives 0% or 100% as both its bounds).
    ``benchmarks/interval_coverage.py`` measures its coverage beside the bootstrap's. NaN
    bounds from fewer than :data:`MIN_INTERVIEWS` interviews or with nothing missed.

    Examples
    --------
    >>> lo, hi = share_interval([2, 2, 2, 2, 2, 2], [4, 4, 4, 4, 4, 4])  # every interview alike: 12 of 24
    >>> round(lo, 2), round(hi, 2)
    (0.27, 0.73)
    >>> lo, hi = share_interval([4, 0, 4, 0, 4, 0], [4, 4, 4, 4, 4, 4])  # 12 of 24 again, from three interviews
    >>> round(lo, 2), round(hi, 2)
    (0.12, 0.88)
    >>> share_interval([0, 0, 0, 0, 0], [1, 0, 2, 0, 0])[1] < 1  # none of 3: an interval above 0%
    True
    >>> share_interval([1, 1, 1], [2, 2, 2]), share_interval([0] * 5, [0] * 5)
    ((nan, nan), (nan, nan))
    """
    y, m = np.asarray(instead, dtype=float), np.asarray(missed, dtype=float)
    k, n = len(m), float(m.sum())
    if k < MIN_INTERVIEWS or n <= 0:
        return float("nan"), float("nan")
    share = float(y.sum()) / n
    between = float(((y - share * m) ** 2).sum()) / (k * (k - 1)) / (n / k) ** 2
    binomial = share * (1 - share) / n
    effective = n * binomial / between if between > binomial else n
    z = float(stdtrit(k - 1, 1 - (1 - confidence) / 2))
    centre = (share + z * z / (2 * effective)) / (1 + z * z / effective)
    half = z * math.sqrt(share * (1 - share) / effective + z * z / (4 * effective ** 2)) / (1 + z * z / effective)
    return min(max(0.0, centre - half), share), max(min(1.0, centre + half), share)  # (0% is 0, not 1e-17)

def paired_difference(first: tuple[float, NDArray[Any] | None], second: tuple[float, NDArray[Any] | None],
                      confidence: float = 0.95, groups: int | None = None) -> tuple[float, float, float]:
    """The first statistic minus the second, each given as ``(value, resamples)``, and the
    ``confidence`` interval of that difference over resamples drawn alike for both (a
    paired bootstrap; for ``groups`` interviews, :func:`t_interval` on the range of a
    difference of kappas, -2 to 2); NaN bounds where either has no resamples.

    >>> paired_difference((0.5, np.array([0.25, 0.5, 1.0])), (0.75, np.array([0.5, 0.75, 1.0])), 0.5)
    (-0.25, -0.25, -0.125)
    >>> paired_difference((0.5, None), (0.75, np.array([0.5])))
    (-0.25, nan, nan)
    """
    resampled = None if first[1] is None or second[1] is None else first[1] - second[1]
    value = float(first[0] - second[0])
    return (value, *t_interval(value, resampled, confidence, groups, bounds=(-2.0, 2.0)))


def mean_statistic(statistics: Sequence[tuple[float, NDArray[Any] | None]]) -> tuple[float, NDArray[Any] | None]:
    """The mean of several statistics, each given as ``(value, resamples)`` as
    :func:`paired_difference` takes them (the other coders' kappas with a coder, say):
    the mean value, and the mean on each resample (None where one has no resamples).

    >>> mean_statistic([(0.5, np.array([0.4, 0.6])), (0.7, np.array([0.6, 1.0]))])
    (0.6, array([0.5, 0.8]))
    """
    values = float(np.mean([value for value, _ in statistics]))
    if any(resamples is None for _, resamples in statistics):
        return values, None
    return values, np.mean([resamples for _, resamples in statistics], axis=0)


def confusion_counts(a: Sequence[float] | NDArray[Any], b: Sequence[float] | NDArray[Any]) -> tuple[int, int, int, int]:
    """(tp, fp, fn, tn) of binary ratings ``a`` against reference ``b``."""
    x, y = _pair(np.asarray(a, dtype=bool), np.asarray(b, dtype=bool))
    return int(np.sum(x & y)), int(np.sum(x & ~y)), int(np.sum(~x & y)), int(np.sum(~x & ~y))
