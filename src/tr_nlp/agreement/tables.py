"""Per-code agreement tables: machine vs each human beside human vs human, with CIs.

Confidence intervals come from a cluster bootstrap that resamples *interviews* (segments
of one interview are not independent), evaluated on per-interview confusion counts so
that thousands of resamples cost little. Comparisons use only the segments both raters
rated (a coder who did not code an interview has NaN there, not 0).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import combinations

import numpy as np
import pandas as pd
from sklearn.metrics import average_precision_score

from tr_nlp.agreement.stats import binary_stats_from_counts

OVERALL = "(all codes, pooled)"
_CI_STATS = ("kappa", "alpha", "ac1", "f1")
COLUMNS = [
    "code", "rater_a", "rater_b", "comparison", "n_segments", "n_interviews", "percent",
    "kappa", "kappa_lo", "kappa_hi", "alpha", "alpha_lo", "alpha_hi", "ac1", "ac1_lo", "ac1_hi",
    "pabak", "prevalence_a", "prevalence_b", "precision", "recall", "f1", "f1_lo", "f1_hi", "pr_auc",
]


def _pairs(raters: Sequence[str], machines: set[str]) -> list[tuple[str, str]]:
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
) -> pd.DataFrame:
    """Agreement per code and pooled, for every pair of raters.

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
        Which raters are machines (shown as "machine vs human").
    scores : mapping of rater -> DataFrame, optional
        Machine probabilities (same shape as its ratings), for PR-AUC.
    n_boot : int
        Bootstrap resamples (0 for no CIs).
    """
    machine_set = set(machines)
    raters = list(ratings)
    rng = np.random.default_rng(seed)
    rows = []
    for a, b in _pairs(raters, machine_set):
        ra, rb = ratings[a], ratings[b]
        index = ra.index.intersection(rb.index)
        groups = interview_of.reindex(index).to_numpy()
        group_ids, group_idx = np.unique(groups.astype(str), return_inverse=True)
        draws = rng.integers(0, len(group_ids), size=(n_boot, len(group_ids))) if n_boot else None
        pooled = np.zeros((len(group_ids), 4))
        pooled_n = 0
        for code in codes:
            x = ra.loc[index, code].to_numpy(dtype=float)
            y = rb.loc[index, code].to_numpy(dtype=float)
            both = ~np.isnan(x) & ~np.isnan(y)
            counts = _group_counts(x[both] > 0.5, y[both] > 0.5, group_idx[both], len(group_ids))
            pooled += counts
            pooled_n += int(both.sum())
            pr_auc = float("nan")
            if scores is not None and a in scores and both.any() and (y[both] > 0.5).any():
                s = scores[a].loc[index, code].to_numpy(dtype=float)[both]
                pr_auc = float(average_precision_score(y[both] > 0.5, s))
            rows.append(_row(code, a, b, machine_set, counts, int(both.sum()), draws, confidence, pr_auc))
        rows.append(_row(OVERALL, a, b, machine_set, pooled, pooled_n, draws, confidence, float("nan")))
    return pd.DataFrame(rows, columns=COLUMNS)


def _group_counts(x: np.ndarray, y: np.ndarray, group: np.ndarray, n_groups: int) -> np.ndarray:
    """Per-interview (tp, fp, fn, tn), shape (n_groups, 4)."""
    cells = np.stack([x & y, x & ~y, ~x & y, ~x & ~y], axis=1).astype(float)
    out = np.zeros((n_groups, 4))
    np.add.at(out, group, cells)
    return out


def _row(
    code: str, a: str, b: str, machines: set[str], counts: np.ndarray, n_segments: int,
    draws: np.ndarray | None, confidence: float, pr_auc: float,
) -> dict[str, object]:
    point = binary_stats_from_counts(*counts.sum(axis=0))
    row: dict[str, object] = {
        "code": code, "rater_a": a, "rater_b": b,
        "comparison": "machine vs human" if a in machines else "human vs human",
        "n_segments": n_segments, "n_interviews": int((counts.sum(axis=1) > 0).sum()),
        "pr_auc": pr_auc,
    }
    row.update({k: float(v) for k, v in point.items()})
    tail = (1 - confidence) / 2 * 100
    for stat in _CI_STATS:
        lo = hi = float("nan")
        if draws is not None and n_segments:
            sample = counts[draws].sum(axis=1)  # (n_boot, 4)
            values = binary_stats_from_counts(*sample.T)[stat]
            if np.isfinite(values).any():
                lo, hi = np.nanpercentile(values, [tail, 100 - tail])
        row[f"{stat}_lo"], row[f"{stat}_hi"] = float(lo), float(hi)
    return row
