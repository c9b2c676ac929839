"""Segmentation throughput: tr_nlp's Segmenter next to raw spaCy ``nlp.pipe`` in one run.

    python benchmarks/segment_speed.py [--repeat 3] [--copies 2]

Texts: every turn of the demo corpus and, when ../shared/data is beside the checkout,
every utterance of AnnoMI (therapist and client), repeated ``--copies`` times.
Baseline: ``nlp.pipe`` with the same blank-English sentencizer over the same turn texts,
collecting each sentence's offsets and text (the least work that yields segments).
Measured: ``Segmenter(unit="sentence", roles=all)`` on the interviews, which also trims
whitespace, maps offsets into the interview text and builds Segment objects.
Best of ``--repeat`` runs for each.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import replace
from pathlib import Path

from tr_nlp.ingest import ReadOptions, TableMapping, load_corpus
from tr_nlp.segment import Segmenter, load_nlp

ROOT = Path(__file__).resolve().parents[1]
ANNOMI = ROOT.parent / "shared" / "data" / "annomi" / "AnnoMI-full.csv"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--copies", type=int, default=2)
    args = parser.parse_args()

    interviews = load_corpus([ROOT / "corpora" / "demo"]).interviews
    if ANNOMI.is_file():
        interviews += load_corpus([ANNOMI], ReadOptions(table=TableMapping.preset("annomi"))).interviews
    interviews = [replace(iv, id=f"{iv.id}#{k}") for k in range(args.copies) for iv in interviews]
    texts = [iv.text[t.start : t.end] for iv in interviews for t in iv.turns]
    nlp = load_nlp(None)
    segmenter = Segmenter(unit="sentence", roles=("interviewer", "participant", "other"))
    list(nlp.pipe(texts[:50]))  # warm up

    def raw() -> int:
        n = 0
        for doc in nlp.pipe(texts, batch_size=256):
            for sent in doc.sents:
                _ = (sent.start_char, sent.end_char, sent.text)
                n += 1
        return n

    def ours() -> int:
        return len(segmenter.segment(interviews))

    results = {}
    for name, fn in (("raw nlp.pipe (baseline)", raw), ("tr_nlp Segmenter", ours)):
        best, count = float("inf"), 0
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            count = fn()
            best = min(best, time.perf_counter() - t0)
        results[name] = (count, best)
    print(f"texts: {len(texts)} turns from {len(interviews)} interviews "
          f"({sum(len(t) for t in texts) / 1e6:.1f} M chars)")
    for name, (count, seconds) in results.items():
        print(f"{name:<26} {count:>7} segments  {seconds:6.2f} s  {count / seconds:>9.0f} segments/s")
    (n_raw, t_raw), (n_ours, t_ours) = results.values()
    print(f"ratio tr_nlp / baseline (segments/s): {(n_ours / t_ours) / (n_raw / t_raw):.2f}")


if __name__ == "__main__":
    main()
