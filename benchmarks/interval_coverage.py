"""Coverage benchmark: how often tr_nlp's 95% intervals hold the true agreement, with few interviews.

    python benchmarks/interval_coverage.py [--studies 1000] [--sizes 3,4,5,6,9,14,25] [--seed 0]

A study codes K interviews; its interval resamples interviews (a cluster bootstrap, 1,000
resamples, as ``tr-nlp evaluate`` draws them). Over many studies, a 95% interval should
hold the true figure in 95% of them. Two sources of studies:

- **Simulated interviews**: each interview has its own prevalence of the code (a Beta
  draw) and 25-60 segments; two coders each miss or add the code on a share of segments
  (their error), and a machine with a larger error. The true figures are those of 30,000
  such interviews. Four settings: a moderately common code, a rare one coded carefully,
  a common one coded loosely, and a rare one two coders nearly always agree on (one
  segment in 500 apart: from a few interviews they often agree on every segment, where
  every resample agrees too and a bootstrap interval is [1, 1]; tr_nlp's then runs down
  to the figure at the most disagreement the segments leave plausible,
  :func:`tr_nlp.agreement.stats.plausible_disagreement`). Figures: kappa of coder B with
  coder A, and the machine's kappa with A minus B's (the paired difference ``evaluate``
  prints as ``kappa - coders'``).
- **AnnoMI's real transcripts** (``../shared/data/annomi/AnnoMI-simple.csv``, 133
  transcripts): the gold code "question" on therapist utterances against a rater who codes
  every utterance with a question mark, and the gold "reflection" against a rater who
  codes utterances opening as reflections often do ("so", "it sounds", "you feel"...); the
  true figure is that of all 133 transcripts, and a study draws K of them without
  replacement. Their differences from transcript to transcript are real ones.

Two figures are shares of counts, not agreement statistics: recall (the machine's of
coder A's code; on AnnoMI, the reflection-opening rule's of gold reflections), and the
share of a code one rater gives and the other misses that the other gives another code
instead (``evaluate``'s "codes mixed up", ``code_crossings.csv``). Simulated: a coder's
code in a share of each interview's segments (Beta(2, 12)), the machine missing 35% of them
and giving another code to those missed at a rate of the interview's own (Beta(2, 3), mean
0.4). AnnoMI: of the gold
reflections the opening rule above misses, those with a question mark (the
question-mark rule's code instead). tr_nlp's interval of a share is not a bootstrap's but
Wilson's on the segments' effective number (:func:`tr_nlp.agreement.stats.share_interval`);
the first study of each size is checked to give the interval ``code_crossings`` reports.

A model's ranking against a coder (``evaluate``'s pre-screening figures): simulated
interviews whose coded segments' scores stand apart from the rest by 1.5 or 2.5 standard
deviations (loose, sharp), each interview's scores shifted by its own amount; figures: the
share of segments to read in the model's order to find 80% and 95% of the coded ones
(``prescreen.csv``; the first study of each size is checked against ``prescreen_table``),
and PR-AUC.

The agreement statistics are kappa (and the machine's minus coder B's), AC1, F1 and percent
agreement (PABAK's interval is percent agreement's, scaled) of coder B with coder A (on AnnoMI, of each rule with the gold code). Intervals, from the same
resamples of each study: the plain percentile interval and the expanded percentile
interval (:func:`tr_nlp.agreement.stats.tail_share`), the baselines (what tr_nlp gave
before 2026-12-06, the expanded one from five interviews on), and tr_nlp's, Student's t on
K - 1 degrees of freedom with the resamples' spread on the logit scale of the statistic's
range (:func:`tr_nlp.agreement.stats.t_interval`; none from fewer than
:data:`~tr_nlp.agreement.stats.MIN_INTERVIEWS` interviews); the first study of each size
is checked to give exactly the intervals ``agreement_table`` reports. Printed per source,
figure and K: the true value, each interval's coverage (with its Monte Carlo standard
error) and mean width, and the studies where tr_nlp gives no interval (too few
interviews, or a code drawn in too few of them).
"""

from __future__ import annotations

import argparse
import re
import time
from pathlib import Path

import numpy as np
import pandas as pd

from tr_nlp.agreement import agreement_table, binary_stats_from_counts
from tr_nlp.agreement.stats import (
    MIN_INTERVIEWS,
    percentile_interval,
    plausible_disagreement,
    share_interval,
    t_interval,
    tail_share,
)

SIMPLE = Path(__file__).resolve().parents[2] / "shared" / "data" / "annomi" / "AnnoMI-simple.csv"
N_BOOT = 1000
#: name: (Beta a, Beta b of an interview's prevalence, coders' error, machine's error)
SETTINGS = {
    "simulated, common code (p~0.14)": (2.0, 12.0, 0.08, 0.15),
    "simulated, rare code (p~0.05)": (1.0, 19.0, 0.03, 0.06),
    "simulated, loosely coded (p~0.30)": (3.0, 7.0, 0.15, 0.22),
    "simulated, rare, coders agree (p~0.05)": (1.0, 19.0, 0.002, 0.06),
}
_REFLECTION = re.compile(r"^\s*(?:so\b|it sounds|sounds like|you feel|you're feeling|it seems|you're saying|you've)",
                         re.IGNORECASE)


def counts(x: np.ndarray, y: np.ndarray, group: np.ndarray, k: int) -> np.ndarray:
    """Per-interview (tp, fp, fn, tn) of ``x`` against ``y``, shape (k, 4)."""
    cells = np.stack([x & y, x & ~y, ~x & y, ~x & ~y], axis=1).astype(float)
    out = np.zeros((k, 4))
    np.add.at(out, group, cells)
    return out


def kappa(c: np.ndarray, stat: str = "kappa") -> np.ndarray:
    """``stat`` (kappa, AC1, F1...) of counts whose last axis is (tp, fp, fn, tn)."""
    return binary_stats_from_counts(*np.moveaxis(c, -1, 0))[stat]


def simulate(rng: np.random.Generator, k: int, a: float, b: float, err: float, machine_err: float):
    """Segments of ``k`` interviews: interview index, coder A, coder B and the machine."""
    sizes = rng.integers(25, 61, size=k)
    group = np.repeat(np.arange(k), sizes)
    truth = rng.random(len(group)) < rng.beta(a, b, size=k)[group]

    def rater(e: float) -> np.ndarray:
        return np.where(rng.random(len(group)) < e, ~truth, truth)

    return group, rater(err), rater(err), rater(machine_err)


def simulate_mix_up(rng: np.random.Generator, k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Segments of ``k`` interviews: interview index, the coder's code, and which of them
    the machine missed and gave another code instead (:data:`MIX_UP`)."""
    sizes = rng.integers(25, 61, size=k)
    group = np.repeat(np.arange(k), sizes)
    given = rng.random(len(group)) < rng.beta(2.0, 12.0, size=k)[group]
    missed = given & (rng.random(len(group)) < 0.35)
    instead = missed & (rng.random(len(group)) < rng.beta(2.0, 3.0, size=k)[group])
    return group, given, np.where(instead, 1, np.where(missed, 2, 0))  # 0 found (or not given), 1 another code


#: The figure of a code missed and another given instead (``code_crossings``' ``share``).
MIX_UP = "share given another code"
#: The machine's recall of coder A's code (of the rule's, on AnnoMI): a share too.
RECALL = "recall M~A"


def found_of(c: np.ndarray) -> np.ndarray:
    """Per-interview (found, coded) of ``y``'s code that ``x`` found, from :func:`counts`'
    (tp, fp, fn, tn): recall as a share (``agreement_table``'s ``recall``)."""
    return np.stack([c[:, 0], c[:, 0] + c[:, 2]], axis=1)


def mix_up_counts(group: np.ndarray, outcome: np.ndarray, k: int) -> np.ndarray:
    """Per-interview (given another code, missed) of a rater's code the other missed;
    ``outcome`` is 0 where it was found, 1 another code, 2 missed outright; shape (k, 2)."""
    out = np.zeros((k, 2))
    np.add.at(out, group, np.stack([outcome == 1, outcome > 0], axis=1).astype(float))
    return out


def share_intervals(c: np.ndarray, k: int, draws: np.ndarray) -> dict[str, tuple | float]:
    """A share of per-interview (instead, missed) counts, its bootstrap intervals from
    ``draws`` (the baselines) and tr_nlp's (:func:`~tr_nlp.agreement.stats.share_interval`)."""
    totals = c[draws].sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        resampled = np.where(totals[:, 1] > 0, totals[:, 0] / totals[:, 1], np.nan)
    value = float(c[:, 0].sum() / c[:, 1].sum()) if c[:, 1].sum() else float("nan")
    return {"value": value, "plain": percentile_interval(resampled), "expanded": expanded(resampled, k),
            "tr_nlp": share_interval(c[:, 0], c[:, 1])}


def check_against_crossings(group: np.ndarray, given: np.ndarray, outcome: np.ndarray,
                            found: tuple[float, float]) -> None:
    """The benchmark's share interval is the one ``code_crossings`` reports for the same study."""
    from tr_nlp.agreement import code_crossings

    index = [f"s{i}" for i in range(len(group))]
    coder = pd.DataFrame({"c": given.astype(float), "d": 0.0}, index=index)
    machine = pd.DataFrame({"c": (given & (outcome == 0)).astype(float), "d": (outcome == 1).astype(float)},
                           index=index)
    table = code_crossings({"M": machine, "A": coder}, ["c", "d"], machines=["M"],
                           interview_of=pd.Series([f"iv{g:05d}" for g in group], index=index))
    row = table[(table.rater_a == "A") & (table.code_a == "c") & (table.code_b == "d")].iloc[0]
    assert np.allclose((row.share_lo, row.share_hi), found, equal_nan=True), (row.share_lo, row.share_hi, found)


def expanded(resampled: np.ndarray, k: int) -> tuple[float, float]:
    """The expanded percentile interval at any K, also below the fewest interviews tr_nlp
    gives one from (:data:`~tr_nlp.agreement.stats.MIN_INTERVIEWS`)."""
    tail = tail_share(0.95, k) * 100
    if np.isfinite(resampled).mean() < 0.95:
        return float("nan"), float("nan")
    lo, hi = np.nanpercentile(resampled, [tail, 100 - tail])
    return float(lo), float(hi)


#: A figure's statistic and its range, from its name (a difference of kappas runs from -2 to 2).
STATISTICS = {"kappa": ("kappa", (-1.0, 1.0)), "AC1": ("ac1", (-1.0, 1.0)), "F1": ("f1", (0.0, 1.0)),
              "percent": ("percent", (0.0, 1.0))}


def study_intervals(tables: dict[str, np.ndarray], k: int, draws: np.ndarray) -> dict[str, dict[str, tuple]]:
    """Per figure (named by its statistic first, ``"kappa B~A"``; a difference of two
    raters' has counts of shape (2, k, 4)): its value and its intervals from the same ``draws``."""
    out = {}
    for name, c in tables.items():
        stat, bounds = STATISTICS[name.split()[0]]
        if c.ndim == 2:
            value, resampled = float(kappa(c.sum(axis=0), stat)), kappa(c[draws].sum(axis=1), stat)
            given = t_interval(value, resampled, groups=k, bounds=bounds)
            if not c[:, 1:3].any() and np.isclose(value, 1.0) and np.isfinite(given[0]):
                # perfect agreement, where a t interval is given at all: as agreement_table gives it
                tp, _, _, tn = c.sum(axis=0)
                moved = plausible_disagreement(tp, tn, k)
                out[name] = {"value": value, "plain": percentile_interval(resampled),
                             "expanded": expanded(resampled, k),
                             "tr_nlp": (np.nan, np.nan) if moved is None else (float(kappa(np.array(moved), stat)), 1.0)}
                continue
        else:
            value = float(kappa(c[0].sum(axis=0), stat) - kappa(c[1].sum(axis=0), stat))
            resampled = kappa(c[0][draws].sum(axis=1), stat) - kappa(c[1][draws].sum(axis=1), stat)
            bounds = (-2.0, 2.0)
        out[name] = {"value": value, "plain": percentile_interval(resampled), "expanded": expanded(resampled, k),
                     "tr_nlp": t_interval(value, resampled, groups=k, bounds=bounds)}
    return out


def check_against_agreement_table(group, a, b, k: int, seed: int, found: dict[str, dict[str, tuple]]) -> None:
    """The benchmark's intervals of B with A are the ones ``agreement_table`` reports for the same study."""
    index = [f"s{i}" for i in range(len(group))]
    table = agreement_table({"A": pd.DataFrame({"c": a.astype(float)}, index=index),
                             "B": pd.DataFrame({"c": b.astype(float)}, index=index)},
                            pd.Series([f"iv{g:05d}" for g in group], index=index), ["c"], n_boot=N_BOOT, seed=seed)
    row = table.iloc[0]
    for name, (stat, _) in STATISTICS.items():
        reported, ours = (row[f"{stat}_lo"], row[f"{stat}_hi"]), found[f"{name} B~A"]["tr_nlp"]
        assert np.allclose(reported, ours, equal_nan=True), (name, reported, ours)


def tally(results: list[dict], truth: dict[str, float]) -> list[dict]:
    rows = []
    for name, true in truth.items():
        rec = {"figure": name, "true": true}
        for method in ("plain", "expanded", "tr_nlp"):
            ivs = np.array([r[name][method] for r in results])
            given = ~np.isnan(ivs).any(axis=1)
            rec["no_interval"] = int((~given).sum())
            if not given.any():
                continue
            hit = (ivs[given, 0] <= true) & (true <= ivs[given, 1])
            rec[f"{method}_coverage"] = hit.mean()
            rec[f"{method}_se"] = np.sqrt(hit.mean() * (1 - hit.mean()) / given.sum())
            rec[f"{method}_width"] = (ivs[given, 1] - ivs[given, 0]).mean()
        rows.append(rec)
    return rows


def run_simulated(sizes: list[int], studies: int, seed: int) -> list[dict]:
    rows = []
    for setting, (a, b, err, machine_err) in SETTINGS.items():
        rng = np.random.default_rng(seed)
        group, ca, cb, cm = simulate(rng, 30_000, a, b, err, machine_err)
        pair, machine = counts(cb, ca, group, 30_000), counts(cm, ca, group, 30_000)
        truth = {"kappa B~A": float(kappa(pair.sum(axis=0))),
                 "kappa M~A minus B~A": float(kappa(machine.sum(axis=0)) - kappa(pair.sum(axis=0))),
                 "AC1 B~A": float(kappa(pair.sum(axis=0), "ac1")), "F1 B~A": float(kappa(pair.sum(axis=0), "f1")),
                 "percent B~A": float(kappa(pair.sum(axis=0), "percent")),
                 RECALL: float(found_of(machine)[:, 0].sum() / found_of(machine)[:, 1].sum())}
        for k in sizes:
            results = []
            for s in range(studies):
                group, ca, cb, cm = simulate(rng, k, a, b, err, machine_err)
                draws = np.random.default_rng(s).integers(0, k, size=(N_BOOT, k))
                pair, machine = counts(cb, ca, group, k), counts(cm, ca, group, k)
                found = study_intervals({"kappa B~A": pair, "kappa M~A minus B~A": np.stack([machine, pair]),
                                         "AC1 B~A": pair, "F1 B~A": pair, "percent B~A": pair}, k, draws)
                found[RECALL] = share_intervals(found_of(machine), k, draws)
                if s == 0:
                    check_against_agreement_table(group, cb, ca, k, s, found)
                results.append(found)
            rows += [{"data": setting, "K": k, **r} for r in tally(results, truth)]
    return rows + run_mix_up(sizes, studies, seed) + run_ranking(sizes, studies, seed)


#: Pre-screening: name: (how far the coded segments' scores stand above the rest, the
#: spread of interviews' own shifts of all their scores).
RANKINGS = {"simulated, ranking (loose)": (1.5, 0.5), "simulated, ranking (sharp)": (2.5, 0.3)}
RECALLS = (0.8, 0.95)


def simulate_ranking(rng: np.random.Generator, k: int, apart: float, shift: float):
    """Segments of ``k`` interviews: interview index, a coder's code and a model's score."""
    sizes = rng.integers(25, 61, size=k)
    group = np.repeat(np.arange(k), sizes)
    coded = rng.random(len(group)) < rng.beta(2.0, 12.0, size=k)[group]
    return group, coded, coded * apart + rng.normal(0, 1, len(group)) + rng.normal(0, shift, k)[group]


def ranking_intervals(group: np.ndarray, coded: np.ndarray, score: np.ndarray, k: int,
                      draws: np.ndarray) -> dict[str, dict]:
    """The shares to read for :data:`RECALLS` and PR-AUC of one study, with their intervals
    from ``draws``, as ``evaluate``'s ``prescreen.csv`` and ``agreement.csv`` compute them."""
    from sklearn.metrics import average_precision_score

    from tr_nlp.agreement.tables import resampled_average_precision
    from tr_nlp.coding.evaluate import _read_shares

    points, shares = _read_shares(score, coded.astype(float), group, draws, RECALLS)
    figures = {f"read share for {r:.0%}": (points[i], shares[:, i]) for i, r in enumerate(RECALLS)}
    figures["PR-AUC"] = (float(average_precision_score(coded, score)),
                         resampled_average_precision(coded, score, group, draws))
    return {name: {"value": value, "plain": percentile_interval(resampled), "expanded": expanded(resampled, k),
                   "tr_nlp": t_interval(value, resampled, groups=k, bounds=(0.0, 1.0))}
            for name, (value, resampled) in figures.items()}


def check_against_prescreen(group: np.ndarray, coded: np.ndarray, score: np.ndarray, k: int, seed: int) -> None:
    """The benchmark's intervals of the shares to read are those ``prescreen_table`` reports
    for the same study (drawn as it draws its resamples)."""
    from tr_nlp.coding.evaluate import prescreen_table

    index = [f"s{i}" for i in range(len(group))]
    table = prescreen_table(pd.DataFrame({"c": score}, index=index), pd.DataFrame({"c": coded.astype(float)}, index=index),
                            RECALLS, pd.Series([f"iv{g:05d}" for g in group], index=index), n_boot=N_BOOT, seed=seed)
    draws = np.random.default_rng((seed, 4)).integers(0, k, size=(N_BOOT, k))
    found = ranking_intervals(group, coded, score, k, draws)
    for row in table.itertuples():
        ours = found[f"read share for {row.recall:.0%}"]["tr_nlp"]
        assert np.allclose((row.read_share_lo, row.read_share_hi), ours, equal_nan=True), (row, ours)


def run_ranking(sizes: list[int], studies: int, seed: int) -> list[dict]:
    """Coverage of the pre-screening read shares and PR-AUC (a model's ranking against a coder)."""
    from sklearn.metrics import average_precision_score

    from tr_nlp.coding.evaluate import _read_shares

    rows = []
    for setting, (apart, shift) in RANKINGS.items():
        rng = np.random.default_rng(seed)
        group, coded, score = simulate_ranking(rng, 30_000, apart, shift)
        points, _ = _read_shares(score, coded.astype(float), None, None, RECALLS)
        truth = {f"read share for {r:.0%}": points[i] for i, r in enumerate(RECALLS)}
        truth["PR-AUC"] = float(average_precision_score(coded, score))
        for k in sizes:
            results = []
            for s in range(studies):
                group, coded, score = simulate_ranking(rng, k, apart, shift)
                if coded.any():
                    draws = np.random.default_rng(s).integers(0, k, size=(N_BOOT, k))
                    results.append(ranking_intervals(group, coded, score, k, draws))
                    if len(results) == 1:
                        check_against_prescreen(group, coded, score, k, s)
            rows += [{"data": setting, "K": k, **r} for r in tally(results, truth)]
    return rows


def run_mix_up(sizes: list[int], studies: int, seed: int) -> list[dict]:
    rng = np.random.default_rng(seed)
    group, _, outcome = simulate_mix_up(rng, 30_000)
    truth = {MIX_UP: float((outcome == 1).sum() / (outcome > 0).sum())}
    rows = []
    for k in sizes:
        results = []
        for s in range(studies):
            group, given, outcome = simulate_mix_up(rng, k)
            draws = np.random.default_rng(s).integers(0, k, size=(N_BOOT, k))
            found = {MIX_UP: share_intervals(mix_up_counts(group, outcome, k), k, draws)}
            if s == 0:
                check_against_crossings(group, given, outcome, found[MIX_UP]["tr_nlp"])
            results.append(found)
        rows += [{"data": "simulated, mix-up (q~0.4)", "K": k, **r} for r in tally(results, truth)]
    return rows


def run_annomi(sizes: list[int], studies: int, seed: int) -> list[dict]:
    table = pd.read_csv(SIMPLE)
    table = table[table["interlocutor"] == "therapist"]
    transcripts, group = np.unique(table["transcript_id"].to_numpy(), return_inverse=True)
    text = table["utterance_text"].fillna("").astype(str)
    raters = {
        "question vs '?'": (table["main_therapist_behaviour"].eq("question").to_numpy(),
                            text.str.contains("?", regex=False).to_numpy()),
        "reflection vs its openings": (table["main_therapist_behaviour"].eq("reflection").to_numpy(),
                                       text.str.contains(_REFLECTION).to_numpy()),
    }
    n = len(transcripts)
    per = {name: counts(rule, gold, group, n) for name, (gold, rule) in raters.items()}
    truth = {f"{figure} {name}": float(kappa(c.sum(axis=0), stat))
             for figure, (stat, _) in STATISTICS.items() for name, c in per.items()}
    (reflection, opening), (_, question) = raters["reflection vs its openings"], raters["question vs '?'"]
    outcome = np.where(~reflection | opening, 0, np.where(question, 1, 2))  # a missed reflection, a '?' instead
    mixed = mix_up_counts(group, outcome, n)
    truth[MIX_UP] = float(mixed[:, 0].sum() / mixed[:, 1].sum())
    recalled = found_of(per["reflection vs its openings"])  # the opening rule's recall of gold reflections
    truth[RECALL] = float(recalled[:, 0].sum() / recalled[:, 1].sum())
    rng = np.random.default_rng(seed)
    rows = []
    for k in sizes:
        results = []
        for s in range(studies):
            chosen = rng.choice(n, size=k, replace=False)
            draws = np.random.default_rng(s).integers(0, k, size=(N_BOOT, k))
            found = study_intervals({f"{figure} {name}": c[chosen] for figure in STATISTICS for name, c in per.items()},
                                    k, draws)
            results.append(found | {MIX_UP: share_intervals(mixed[chosen], k, draws),
                                    RECALL: share_intervals(recalled[chosen], k, draws)})
        rows += [{"data": f"AnnoMI, {n} transcripts", "K": k, **r} for r in tally(results, truth)]
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--studies", type=int, default=1000)
    parser.add_argument("--sizes", default="3,4,5,6,9,14,25", help="interviews per study, comma-separated")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    sizes = [int(k) for k in args.sizes.split(",")]
    start = time.perf_counter()
    rows = run_simulated(sizes, args.studies, args.seed)
    if SIMPLE.is_file():
        rows += run_annomi(sizes, args.studies, args.seed)
    else:
        print(f"(no {SIMPLE}: AnnoMI left out)")
    print(f"95% intervals over {args.studies} studies each ({N_BOOT} resamples of interviews); coverage "
          "(Monte Carlo SE) and mean width: the plain and the expanded percentile interval (baselines: what tr_nlp "
          f"gave before) and tr_nlp's, from {MIN_INTERVIEWS} interviews on (for kappa, AC1, F1 and percent agreement, Student's t on "
          "their range's logit scale; for a share, Wilson's on the effective number of segments): its coverage "
          "and width, or how many studies it gives no interval\n")
    print(f"{'data':36s} {'figure':28s} {'K':>3s} {'true':>6s}  {'plain':>14s} {'width':>6s}  {'expanded':>14s} "
          f"{'width':>6s}  {'tr_nlp':>14s} {'width':>6s}")
    for r in rows:
        ours = (f"{r['tr_nlp_coverage']:.3f} ({r['tr_nlp_se']:.3f}) {r['tr_nlp_width']:6.3f}" if "tr_nlp_coverage" in r
                else "")
        none = f"no CI {r['no_interval']}" if r["no_interval"] else ""
        print(f"{r['data']:36s} {r['figure']:28s} {r['K']:3d} {r['true']:6.3f}  "
              f"{r['plain_coverage']:.3f} ({r['plain_se']:.3f}) {r['plain_width']:6.3f}  "
              f"{r['expanded_coverage']:.3f} ({r['expanded_se']:.3f}) {r['expanded_width']:6.3f}  "
              f"{' '.join(filter(None, (ours, none)))}")
    print(f"\n{time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
