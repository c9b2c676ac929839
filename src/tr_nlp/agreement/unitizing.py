"""Krippendorff's alpha for unitizing (u-alpha): agreement on where coded passages lie.

Coders of interviews do not rate given units; they mark passages of text. Agreement on
segments or on characters (:mod:`tr_nlp.agreement.characters`) counts each unit alike;
Krippendorff's u-alpha (Krippendorff 1995, "On the reliability of unitizing contiguous
data", *Sociological Methodology* 25; 2004, *Content Analysis*, 2nd ed., pp. 251-256)
compares, per code, how coders cut the text into coded passages and gaps: two passages
that overlap disagree by the squares of the distances between their starts and between
their ends, a passage that lies inside the other coder's gap by its squared length. So a
passage half as long as the other coder's costs more than a few characters' shift, and
the figure is read like any alpha (1 perfect, 0 chance, below 0 systematic disagreement).

The continuum is the characters compared (the segments' text, as in the character
table), interview after interview: passages never run from one interview into the next.
A rater's touching or overlapping passages of one code are one passage, as a QDA tool's
coding stripe shows them (Krippendorff's data may hold abutting units; coding cannot).
Characters outside the segments (an interviewer's turn) are not compared, but they still
part passages (given ``pieces``, the turn of each character): two answers a coder coded
stay two passages, as they are in the transcript, while the uncoded text either side of
a question is one gap, as it would be with the question in the continuum, coded by no
one. (Were the two answers one passage, a coder who coded three answers in a row would
disagree with one who left out the middle one by the squares of the outer answers'
lengths, not the middle one's, and a code given to most answers would fall below 0.)
For each code, ``alpha = 1 - D_o / D_e`` with

- ``D_o = sum over ordered pairs of raters and overlapping sections (g, h) of delta2(g, h)
  / (m (m - 1) L**2)``,
- ``D_e = 2 / L * [sum over passages l of ((N - 1) / 3 * l (l - 1) (2 l - 1) + l**2 * sum over
  gaps G >= l of (G - l + 1))] / [m L (m L - 1) - sum over passages of l (l - 1)]``,

``m`` raters, ``L`` characters, ``N`` passages of the code by all raters (Krippendorff
2004, p. 254, whose worked example the tests reproduce). Over several codes,
``1 - sum D_o / sum D_e``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np


def sections(mask: np.ndarray, pieces: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A rater's passages and gaps on a continuum: ``starts, ends, coded`` of the runs of
    ``mask`` (True where the rater coded the character), a passage also ending where
    ``pieces`` (a number per character: the turn it is in) changes; a gap does not.

    >>> mask = np.array([0, 1, 1, 0, 0, 0, 1], dtype=bool)
    >>> sections(mask)
    (array([0, 1, 3, 6]), array([1, 3, 6, 7]), array([False,  True, False,  True]))
    >>> sections(mask, pieces=np.array([0, 0, 1, 1, 2, 2, 2]))
    (array([0, 1, 2, 3, 6]), array([1, 2, 3, 6, 7]), array([False,  True,  True, False,  True]))
    """
    mask = np.asarray(mask, dtype=bool)
    if not len(mask):
        return np.zeros(0, int), np.zeros(0, int), np.zeros(0, bool)
    changes = mask[1:] != mask[:-1]
    if pieces is not None:  # a passage ends with its turn
        changes |= (pieces[1:] != pieces[:-1]) & mask[1:] & mask[:-1]
    cuts = np.flatnonzero(changes) + 1
    starts = np.concatenate([[0], cuts])
    ends = np.concatenate([cuts, [len(mask)]])
    return starts, ends, mask[starts]


def observed_sum(a: np.ndarray, b: np.ndarray, pieces: np.ndarray | None = None) -> float:
    """The sum of ``delta2`` over the overlapping sections of two raters' masks of one
    continuum (cut into ``pieces`` as :func:`sections` cuts it), each pair counted once
    (twice for both orders of the raters).

    Two passages that overlap: squared difference of starts plus of ends; a passage inside
    the other's gap: its length squared; anything else (a passage only partly in a gap,
    whose disagreement its overlapping passage carries; two gaps): 0.

    >>> a = np.zeros(24, bool); a[2:10] = a[14:20] = True
    >>> b = np.zeros(24, bool); b[4:8] = b[15:17] = True
    >>> observed_sum(a, b)  # (2**2 + 2**2) + (1**2 + 3**2)
    18.0
    """
    sa, ea, ua = sections(a, pieces)
    sb, eb, ub = sections(b, pieces)
    # two overlapping sections share one stretch, which begins at one of the raters' boundaries
    bounds = np.union1d(sa, sb)
    i = np.searchsorted(sa, bounds, side="right") - 1
    j = np.searchsorted(sb, bounds, side="right") - 1
    both = ua[i] & ub[j]
    total = np.sum(((sa[i] - sb[j]) ** 2 + (ea[i] - eb[j]) ** 2)[both], dtype=float)
    a_inside = ua[i] & ~ub[j] & (sb[j] <= sa[i]) & (ea[i] <= eb[j])
    b_inside = ~ua[i] & ub[j] & (sa[i] <= sb[j]) & (eb[j] <= ea[i])
    total += np.sum(((ea[i] - sa[i]) ** 2)[a_inside], dtype=float)
    total += np.sum(((eb[j] - sb[j]) ** 2)[b_inside], dtype=float)
    return float(total)


@dataclass
class Lengths:
    """Passage and gap lengths of raters on continua, with each continuum's index so that a
    bootstrap can weigh continua by how often a resample drew them."""

    units: list[np.ndarray] = field(default_factory=list)
    gaps: list[np.ndarray] = field(default_factory=list)
    continua: list[int] = field(default_factory=list)

    def add(self, mask: np.ndarray, continuum: int, pieces: np.ndarray | None = None) -> None:
        """One rater's mask of continuum number ``continuum`` (cut into ``pieces`` as
        :func:`sections` cuts it)."""
        starts, ends, coded = sections(mask, pieces)
        self.units.append((ends - starts)[coded])
        self.gaps.append((ends - starts)[~coded])
        self.continua.append(continuum)


class ExpectedDisagreement:
    """``D_e`` of one code for any weighting of its continua (see the module docstring).

    Built once from every continuum's passage and gap lengths; a call with weights per
    continuum (1 each, or how often each bootstrap resample drew it) sums the passages
    against every gap of every drawn continuum without sorting again.
    """

    def __init__(self, lengths: Lengths, raters: int) -> None:
        self.raters = raters
        of = np.asarray(lengths.continua, dtype=int)
        self.unit = np.concatenate([np.zeros(0), *lengths.units]).astype(float)
        self.unit_of = np.repeat(of, [len(u) for u in lengths.units])
        gaps = np.concatenate([np.zeros(0), *lengths.gaps]).astype(float)
        gap_of = np.repeat(of, [len(g) for g in lengths.gaps])
        order = np.argsort(gaps, kind="stable")
        self.gap, self.gap_of = gaps[order], gap_of[order]
        self.first = np.searchsorted(self.gap, self.unit, side="left")  # gaps from here on are >= the passage

    def __call__(self, weights: np.ndarray, length: np.ndarray, chunk: int = 128) -> np.ndarray:
        """``D_e`` for each row of ``weights`` (resamples x continua) and its ``length``
        (the characters of the continua it weighs), ``chunk`` rows at a time."""
        weights = np.atleast_2d(np.asarray(weights, dtype=float))
        length = np.broadcast_to(np.asarray(length, dtype=float), (len(weights),))
        return np.concatenate([np.zeros(0), *(self._expected(weights[i:i + chunk], length[i:i + chunk])
                                              for i in range(0, len(weights), chunk))])

    def _expected(self, weights: np.ndarray, length: np.ndarray) -> np.ndarray:
        w_unit, w_gap = weights[:, self.unit_of], weights[:, self.gap_of]
        l = self.unit
        n = w_unit.sum(axis=1, keepdims=True)
        zeros = np.zeros((len(weights), 1))
        count = np.hstack([np.cumsum(w_gap[:, ::-1], axis=1)[:, ::-1], zeros])[:, self.first]
        total = np.hstack([np.cumsum((w_gap * self.gap)[:, ::-1], axis=1)[:, ::-1], zeros])[:, self.first]
        within = total - (l - 1) * count  # per passage: the sum over gaps G >= l of (G - l + 1)
        numerator = np.sum(w_unit * ((n - 1) / 3 * l * (l - 1) * (2 * l - 1) + l ** 2 * within), axis=1)
        ml = self.raters * length
        denominator = ml * (ml - 1) - np.sum(w_unit * l * (l - 1), axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(denominator > 0, 2 / length * numerator / denominator, np.nan)


def unitizing_alpha(continua: Sequence[Sequence[np.ndarray]],
                    pieces: Sequence[np.ndarray | None] | None = None) -> float:
    """Krippendorff's u-alpha of one code: ``continua`` holds, per continuum (an
    interview), one boolean mask per rater (True where the rater coded the character; the
    same raters, in the same order, on every continuum). ``pieces``, per continuum, numbers
    the turn each character is in: no passage runs from one turn into the next (see the
    module docstring). NaN when nobody coded anything.

    Examples
    --------
    Krippendorff (2004, p. 254): on 300 characters, one coder marks 225-295 and 370-400,
    the other 220-300, 355-375 and 400-420.

    >>> first, second = np.zeros(300, bool), np.zeros(300, bool)
    >>> first[75:145] = first[220:250] = True
    >>> second[70:150] = second[205:225] = second[250:270] = True
    >>> round(unitizing_alpha([[first, second]]), 4)
    0.7286
    """
    return alpha_from(*disagreements(continua, pieces))


def disagreements(continua: Sequence[Sequence[np.ndarray]],
                  pieces: Sequence[np.ndarray | None] | None = None) -> tuple[float, float]:
    """``D_o`` and ``D_e`` of one code (see :func:`unitizing_alpha`)."""
    if not continua:
        return float("nan"), float("nan")
    observed, expected = weighted_disagreements(continua, np.ones((1, len(continua))), pieces)
    return float(observed[0]), float(expected[0])


def weighted_disagreements(continua: Sequence[Sequence[np.ndarray]], weights: np.ndarray,
                           pieces: Sequence[np.ndarray | None] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """``D_o`` and ``D_e`` of one code for each row of ``weights`` (weightings x continua):
    continuum ``k`` counted ``weights[:, k]`` times, as a bootstrap resample draws it.
    ``continua`` and ``pieces`` as for :func:`unitizing_alpha`."""
    weights = np.atleast_2d(np.asarray(weights, dtype=float))
    m = len(continua[0])
    lengths = Lengths()
    observed = np.zeros(len(continua))
    for k, masks in enumerate(continua):
        if len(masks) != m:
            raise ValueError(f"every continuum needs a mask per rater ({m}); got {len(masks)}")
        cut = pieces[k] if pieces is not None else None
        for mask in masks:
            lengths.add(mask, k, cut)
        observed[k] = 2 * sum(observed_sum(masks[i], masks[j], cut) for i in range(m) for j in range(i + 1, m))
    length = weights @ np.array([len(masks[0]) for masks in continua], dtype=float)
    return (np.asarray(observed_disagreement(weights @ observed, m, length)),
            ExpectedDisagreement(lengths, m)(weights, length))


def observed_disagreement(total: float | np.ndarray, raters: int, length: float | np.ndarray) -> float | np.ndarray:
    """``D_o`` from the sum of :func:`observed_sum` over ordered pairs of ``raters`` raters
    on ``length`` characters (NaN where there are none)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.asarray(total, dtype=float) / (raters * (raters - 1) * np.asarray(length, dtype=float) ** 2)


def alpha_from(observed: float | np.ndarray, expected: float | np.ndarray) -> float | np.ndarray:
    """``1 - D_o / D_e`` (floats or arrays); NaN where nothing was coded (no expected
    disagreement)."""
    observed, expected = np.asarray(observed, dtype=float), np.asarray(expected, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        alpha = np.where(expected > 0, 1 - observed / expected, np.nan)
    return float(alpha) if alpha.ndim == 0 else alpha
