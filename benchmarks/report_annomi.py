"""Report benchmark: the offline HTML report of a real, large run (AnnoMI therapist behaviour).

    python benchmarks/report_annomi.py [--out out/annomi-report]

Runs the main pipeline on ../shared/data/annomi/AnnoMI-full.csv with the therapist
behaviour codes (therapist turns; every annotator a coder), which trains, cross-validates
and writes the run folder, then times building ``report.html`` from that folder, three
times, and prints its size. Baseline in the same run: the same tables written the plain
way (pandas ``to_html`` of agreement, calibration, prescreen and every turn), which has no
plots, no viewer and no highlights: the report should cost little more than that.
Targets (issue 8): under a minute after training and under ~20 MB.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import pandas as pd

from tr_nlp.ingest import ReadOptions, TableMapping
from tr_nlp.pipeline import run_pipeline
from tr_nlp.report import write_report
from tr_nlp.segment import Segmenter

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "annomi" / "AnnoMI-full.csv"


def plain_tables(run: Path, output: Path) -> Path:
    """The baseline: the run's tables as unstyled HTML, nothing else."""
    parts = [pd.read_csv(run / name).to_html() for name in ("agreement.csv", "calibration.csv", "prescreen.csv")]
    parts.append(pd.read_parquet(run / "turns.parquet").to_html())
    output.write_text("<html><body>" + "\n".join(parts) + "</body></html>", encoding="utf-8")
    return output


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("out/annomi-report"))
    parser.add_argument("--reuse", action="store_true", help="time the report on an existing run folder in --out")
    args = parser.parse_args()
    if not (args.reuse and (args.out / "run.json").is_file()):
        mapping = TableMapping.preset("annomi").with_overrides(code_cols=("main_therapist_behaviour",))
        run_pipeline(DATA, args.out, segmenter=Segmenter(unit="turn", roles=("interviewer",)),
                     options=ReadOptions(table=mapping))
    run = json.loads((args.out / "run.json").read_text())
    s, t = run["summary"], run["timings_s"]
    print(f"AnnoMI therapist behaviour: {s['interviews']} transcripts, {s['segments']} therapist turns, "
          f"{s['codings']} human codings by {len(s['coders'])} annotators; cross-validation {t['evaluate']:.0f} s, "
          f"training {t['train']:.0f} s")
    timings = []
    for _ in range(3):
        t0 = time.perf_counter()
        path = write_report(args.out, args.out / "report.html")
        timings.append(time.perf_counter() - t0)
    t0 = time.perf_counter()
    base = plain_tables(args.out, args.out / "plain-tables.html")
    base_s = time.perf_counter() - t0
    print(f"{'':28} {'seconds (best of 3)':>20} {'MB':>8}")
    print(f"{'tr_nlp report.html':28} {min(timings):>20.2f} {path.stat().st_size / 1e6:>8.2f}")
    print(f"{'baseline: plain to_html':28} {base_s:>20.2f} {base.stat().st_size / 1e6:>8.2f}")


if __name__ == "__main__":
    main()
