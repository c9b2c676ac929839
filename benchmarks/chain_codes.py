"""Chain benchmark: independent codes decoded along each interview, against the same model without.

    python benchmarks/chain_codes.py [--units turn,sentence] [--features tfidf]

Data: ../shared/data/annomi/AnnoMI-full.csv through tr_nlp's ``annomi`` preset, therapist
turns, the four therapist-behaviour codes taken as *independent* codes (the codebook's
exclusive group removed), as a team coding themes would have them; the target of a
segment is every code any annotator gave its turn (``coded_data``'s union), mapped onto
turns or sentences. Folds: ``GroupKFold(5)`` on the transcript.

Models, in the same run and on the same folds: tr_nlp's per-code classifier
(``make_theme_classifier(features)``) with ``chain_strengths=(0.0,)`` (the baseline: each
segment coded alone) and with the default strengths (:mod:`tr_nlp.coding.chain`: each
code decoded along the interview as a two-state chain, its strength and threshold chosen
by the inner cross-validation). Printed per unit: per-code F1 and kappa against the
target, their mean, pooled kappa over all codes, each code's Brier score and expected
calibration error, and the strengths chosen per fold.
"""

from __future__ import annotations

import argparse
import dataclasses
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.model_selection import GroupKFold

from tr_nlp.agreement import binary_stats_from_counts
from tr_nlp.coding import coded_data, make_theme_classifier
from tr_nlp.coding.evaluate import reliability_table
from tr_nlp.ingest import ReadOptions, TableMapping, load_corpus
from tr_nlp.segment import Segmenter

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "annomi" / "AnnoMI-full.csv"
MODELS = {"alone": (0.0,), "chain": None}  # None: the classifier's default strengths


def stats(y: np.ndarray, p: np.ndarray) -> dict:
    y, p = y.astype(bool), p.astype(bool)
    return binary_stats_from_counts((p & y).sum(), (p & ~y).sum(), (~p & y).sum(), (~p & ~y).sum())


def calibration(Y: np.ndarray, proba: np.ndarray, codes: list[str]) -> list[tuple[float, float]]:
    """Per code: Brier score and expected calibration error (10 bins)."""
    table = reliability_table(pd.DataFrame(proba, columns=codes), pd.DataFrame(Y, columns=codes))
    gap = (table["mean_predicted"] - table["observed"]).abs() * table["n"] / len(Y)
    return [(float(table.loc[table["code"] == c, "brier"].iloc[0]), float(gap[table["code"] == c].sum()))
            for c in codes]


def run_unit(corpus, unit: str, features: str) -> None:
    data = coded_data(corpus, segmenter=Segmenter(unit=unit, roles=("interviewer",)))
    Y, groups = data.target.to_numpy(), data.groups
    predicted = {name: np.zeros_like(Y) for name in MODELS}
    proba = {name: np.zeros(Y.shape) for name in MODELS}
    seconds = {name: 0.0 for name in MODELS}
    chosen = []
    for train, test in GroupKFold(n_splits=5).split(Y, groups=groups):
        for name, strengths in MODELS.items():
            t0 = time.perf_counter()
            head = {} if strengths is None else {"chain_strengths": strengths}
            pipe = make_theme_classifier(features, **head)
            pipe.fit([data.texts[i] for i in train], Y[train], head__groups=groups[train])
            proba[name][test] = pipe.predict_proba([data.texts[i] for i in test], groups=groups[test])
            predicted[name][test] = pipe.named_steps["head"].decide(proba[name][test])
            seconds[name] += time.perf_counter() - t0
            if strengths is None:
                chosen.append([chain[2] for chain in pipe.named_steps["head"].code_chains_])
    print(f"\n== {unit}s: {len(data.segments)} therapist {unit}s of {len(set(groups))} transcripts, "
          f"features {features}, GroupKFold(5) ==")
    print(f"{'model':<6} {'seconds':>8} {'mean F1':>8} {'pooled kappa':>13}   per code: F1 / kappa")
    for name, P in predicted.items():
        per = [stats(Y[:, j], P[:, j]) for j in range(Y.shape[1])]
        pooled = stats(Y.ravel(), P.ravel())
        codes = ", ".join(f"{c} {float(s['f1']):.3f} / {float(s['kappa']):.3f}" for c, s in zip(data.codes, per))
        print(f"{name:<6} {seconds[name]:>8.1f} {np.mean([float(s['f1']) for s in per]):>8.3f} "
              f"{float(pooled['kappa']):>13.3f}   {codes}")
    for name, P in proba.items():
        print(f"{name:<6} calibration per code, Brier / expected calibration error: "
              + ", ".join(f"{c} {b:.4f} / {e:.3f}" for c, (b, e) in zip(data.codes, calibration(Y, P, data.codes))))
    print("strengths chosen per fold (" + ", ".join(data.codes) + "): "
          + "; ".join(" ".join(f"{s:g}" for s in fold) for fold in chosen))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", default="turn,sentence")
    parser.add_argument("--features", default="tfidf", help="tfidf (fast), embeddings or both")
    args = parser.parse_args()
    if not DATA.is_file():
        raise SystemExit(f"AnnoMI not found at {DATA}")
    start = time.perf_counter()
    corpus = load_corpus([DATA], ReadOptions(table=TableMapping.preset("annomi")))
    corpus = dataclasses.replace(corpus, codebook=dataclasses.replace(corpus.codebook, groups={}))
    for unit in args.units.split(","):
        run_unit(corpus, unit, args.features)
    print(f"\ntotal wall time {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
