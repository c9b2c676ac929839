"""Batch throughput: ``tr-nlp batch`` end to end against the raw work it cannot avoid.

    python benchmarks/throughput.py [--n 500] [--skip-dask] [--small 0]

Generates N interviews (half resampled from the synthetic demo corpus under new ids, half
built from AnnoMI transcripts in ``../shared/data/annomi``) as ``.txt`` files, trains the
default model (TF-IDF + MiniLM embeddings) on the demo corpus, and reports in one run:

(a) **raw baseline**: the texts already in memory, participant turns through ``nlp.pipe``
    with the same sentencizer, then one ``model.encode`` call over every sentence (batch
    size 16, the fastest on a CPU here): no file I/O, no classifier, no outputs;
(b) ``tr-nlp batch`` as a user runs it (a subprocess, cold embedding cache) with 1 worker,
    2 workers, without ``--workers`` (the default: one worker per 0.5 MB of input; it names
    the engine it chose), and the Dask engine with 2 workers: segments/s, the ratio to
    (a), and the peak RSS of the whole process tree;
(c) **resume**: ``tr-nlp batch`` again on the finished output (nothing to do), as a share
    of the first 1-worker run's time;
(d) ``--word``: the 1-worker run writing each interview as a Word document with its
    suggestions as comments too, against the 1-worker run without it.

``--small K`` adds a memory check: K tiny interviews through one worker with a TF-IDF
model, sampling the process's RSS as the manifest grows, so growth with the number of
files would show.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import pandas as pd
import psutil

from tr_nlp.coding import coded_data, save_model, train_model
from tr_nlp.export.folder import interview_file_text
from tr_nlp.features.embeddings import load_encoder
from tr_nlp.ingest import load_corpus, read_file
from tr_nlp.schema import Interview
from tr_nlp.segment.segmenter import load_nlp

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "corpora" / "demo"
ANNOMI = ROOT.parent / "shared" / "data" / "annomi" / "AnnoMI-simple.csv"
TR_NLP = str(Path(sys.executable).with_name("tr-nlp"))


def annomi_texts() -> list[str]:
    """One labelled transcript per AnnoMI conversation (therapist as interviewer)."""
    if not ANNOMI.is_file():
        return []
    frame = pd.read_csv(ANNOMI)
    texts = []
    for _, rows in frame.sort_values(["transcript_id", "utterance_id"]).groupby("transcript_id"):
        lines = [f"{'Interviewer' if who == 'therapist' else 'Client'}: {' '.join(str(text).split())}"
                 for who, text in zip(rows.interlocutor, rows.utterance_text)]
        texts.append("\n".join(lines) + "\n")
    return texts


def generate(folder: Path, n: int, seed: int = 0) -> list[Interview]:
    """N interview files, half demo and half AnnoMI (demo only when AnnoMI is absent)."""
    rng = random.Random(seed)
    demo = load_corpus([DEMO]).interviews
    annomi = annomi_texts()
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        name = f"gen{i:05d}"
        if annomi and i % 2:
            text = rng.choice(annomi)
            (folder / f"{name}.txt").write_text(text, encoding="utf-8")
        else:
            twin = replace(rng.choice(demo), id=name)
            (folder / f"{name}.txt").write_text(interview_file_text(twin), encoding="utf-8")
    # each file read alone, as the batch reads it (a corpus read at once keeps one of identical interviews)
    return [iv for path in sorted(folder.iterdir()) for iv in read_file(path).interviews]


def baseline(interviews: list[Interview], distinct: bool) -> tuple[int, float]:
    """(segments, seconds) for sentencizer + encode over participant turns, texts in memory.

    With ``distinct``, each distinct sentence is encoded once: resampled interviews repeat
    sentences, and tr_nlp's embedding cache encodes a repeated text only once too.
    """
    nlp = load_nlp()
    encoder = load_encoder()
    encoder.encode(["warm up"], show_progress_bar=False)
    texts = [iv.text[t.start:t.end] for iv in interviews for t in iv.turns if t.role == "participant"]
    t0 = time.perf_counter()
    sentences = [s.text.strip() for doc in nlp.pipe(texts, batch_size=64) for s in doc.sents if s.text.strip()]
    encode = list(dict.fromkeys(sentences)) if distinct else sentences
    encoder.encode(encode, batch_size=16, show_progress_bar=False, normalize_embeddings=True)
    return len(sentences), time.perf_counter() - t0


def timed(command: list[str], env: dict[str, str], watch: Path | None = None) -> tuple[float, float, list[tuple[int, float]]]:
    """Run a command; (seconds, peak RSS of its process tree in MB, [(files done, parent RSS MB)])."""
    t0 = time.perf_counter()
    process = psutil.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak, samples = 0.0, []
    while process.poll() is None:
        try:
            tree = [process, *process.children(recursive=True)]
            peak = max(peak, sum(p.memory_info().rss for p in tree) / 2**20)
            if watch is not None and (watch / "manifest.sqlite").is_file():
                with contextlib.closing(sqlite3.connect(watch / "manifest.sqlite", timeout=1)) as db:
                    done = db.execute("SELECT COUNT(*) FROM files").fetchone()[0]
                samples.append((done, process.memory_info().rss / 2**20))
        except (psutil.Error, sqlite3.Error):
            pass
        time.sleep(0.2)
    if process.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} exited with {process.returncode}")
    return time.perf_counter() - t0, peak, samples


def batch_runs(inputs: Path, model: Path, work: Path, skip_dask: bool, base_rate: float) -> None:
    runs = [("1 worker", ["--workers", "1"]), ("2 workers", ["--workers", "2"]), ("default", []),
            ("1 worker, --word", ["--workers", "1", "--word"])]
    if not skip_dask:
        runs.append(("dask, 2 workers", ["--engine", "dask", "--workers", "2"]))
    print(f"\n{'run':<28}{'segments':>9}{'seconds':>9}{'segments/s':>12}{'vs (a)':>8}{'peak RSS MB':>13}")
    print(f"{'(a) sentencizer + encode':<28}{'':>9}{'':>9}{base_rate:>12.1f}{1.0:>8.2f}{'':>13}")
    first = None
    took: dict[str, float] = {}
    for label, options in runs:
        out = work / label.replace(" ", "_").replace(",", "")
        env = {**os.environ, "TR_NLP_CACHE": str(work / f"cache-{out.name}")}  # cold embedding cache
        seconds, peak, _ = timed([TR_NLP, "batch", str(inputs), "--model", str(model), "-o", str(out), "--quiet",
                                  *options], env)
        segments = int(pd.read_parquet(out / "suggestions.parquet")["segment_id"].count() / n_codes(model))
        rate = segments / seconds
        took[label] = seconds
        chose = f"  ({json.loads((out / 'run.json').read_text())['engine']})" if not options else ""
        print(f"{'(b) batch, ' + label:<28}{segments:>9}{seconds:>9.1f}{rate:>12.1f}{rate / base_rate:>8.2f}"
              f"{peak:>13.0f}{chose}")
        if first is None:
            first = (out, env, seconds)
    assert first is not None
    out, env, seconds = first
    again, peak, _ = timed([TR_NLP, "batch", str(inputs), "--model", str(model), "-o", str(out), "--quiet",
                            "--workers", "1"], env)
    print(f"\n(c) re-run on finished output: {again:.1f} s = {100 * again / seconds:.1f}% of the first run "
          f"({seconds:.1f} s); peak RSS {peak:.0f} MB")
    extra = took["1 worker, --word"] - took["1 worker"]
    documents = len(list((work / "1_worker_--word" / "word").glob("*.docx")))
    print(f"(d) --word: {documents} Word documents for {extra:+.1f} s ({100 * extra / took['1 worker']:+.1f}%) "
          f"against the 1-worker run without it")


def n_codes(model: Path) -> int:
    return len(json.loads((model / "card.json").read_text())["codes"])


def memory_check(k: int, work: Path, model: Path) -> None:
    folder = work / "small"
    folder.mkdir()
    for i in range(k):
        (folder / f"s{i:05d}.txt").write_text(
            f"Interviewer: How was week {i}?\nParticipant: She rang me back on day {i % 7}, which helped.\n",
            encoding="utf-8")
    out = work / "small-out"
    seconds, peak, samples = timed([TR_NLP, "batch", str(folder), "--model", str(model), "-o", str(out), "--quiet",
                                    "--workers", "1"], dict(os.environ), watch=out)
    print(f"\n## Memory with {k} small files (1 worker, TF-IDF model): {seconds:.0f} s, peak RSS {peak:.0f} MB")
    for share in (0.1, 0.25, 0.5, 0.75, 1.0):
        target = share * k
        near = min(samples, key=lambda s: abs(s[0] - target)) if samples else (0, 0.0)
        print(f"  after {near[0]:>6} files: RSS {near[1]:.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=500)
    parser.add_argument("--skip-dask", action="store_true")
    parser.add_argument("--baseline-only", action="store_true", help="measure (a) only")
    parser.add_argument("--small", type=int, default=0, help="also run the memory check with this many tiny files")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        corpus = load_corpus([DEMO])
        data = coded_data(corpus)
        interviews = generate(work / "inputs", args.n)
        segments, seconds = baseline(interviews, distinct=True)
        _, every = baseline(interviews, distinct=False)
        size = sum(f.stat().st_size for f in (work / "inputs").iterdir()) / 1e6
        print(f"# Batch throughput: {args.n} interviews ({len(interviews)} read, {size:.2f} MB), "
              f"{os.cpu_count()} cores")
        print(f"(a) {segments} participant sentences: {seconds:.1f} s encoding each distinct sentence once "
              f"(the baseline below); {every:.1f} s ({segments / every:.1f} segments/s) encoding every one")
        if not args.baseline_only:
            model = save_model(train_model(data, "both", corpus=corpus, name="throughput"), work / "model")
            batch_runs(work / "inputs", model, work, args.skip_dask, segments / seconds)
        if args.small:  # independent of --baseline-only
            tfidf = save_model(train_model(data, "tfidf", corpus=corpus, name="small"), work / "tfidf")
            memory_check(args.small, work, tfidf)


if __name__ == "__main__":
    main()
