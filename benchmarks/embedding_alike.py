"""What embedding each text alike (the same whichever texts it is embedded with) costs.

    python benchmarks/embedding_alike.py [--transcripts 133] [--repeats 2]

``tr_nlp.features.embeddings.encode_alike`` pads each text to a bucket of its length and
embeds it in a batch of that bucket's fixed size, filling a short batch with copies, so a
text's embedding never depends on its neighbours (topic discovery's clusters followed
differences of about 1e-7 otherwise). The filler costs most when a call holds few texts,
as in ``tr-nlp batch``, whose workers embed a few files' sentences per call. This script
embeds AnnoMI's utterances (``../shared/data/annomi``) in calls of the sizes tr_nlp makes:

- the whole corpus in one call (training, evaluation, discovery);
- 8 transcripts per call (a batch worker's chunk of files);
- 1 transcript per call (a batch of few files per worker);

each with the baseline, sentence-transformers' own ``encode`` (length-sorted batches of
16, as tr_nlp did before), and with ``encode_alike`` (batch size 16), in the same run, best
of ``--repeats``. It also checks that ``encode_alike`` gives bit-identical vectors whatever
the call, and prints how far the two differ.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from tr_nlp.features.embeddings import encode_alike, load_encoder

ANNOMI = Path(__file__).resolve().parents[2] / "shared" / "data" / "annomi" / "AnnoMI-simple.csv"


def transcripts(limit: int) -> list[list[str]]:
    """AnnoMI's utterances, one list per transcript, in order."""
    frame = pd.read_csv(ANNOMI).sort_values(["transcript_id", "utterance_id"])
    groups = [rows["utterance_text"].astype(str).tolist() for _, rows in frame.groupby("transcript_id")]
    return groups[:limit]


def timed(encode: Callable[[Sequence[str]], np.ndarray], calls: list[list[str]], repeats: int) -> tuple[float, np.ndarray]:
    """Best wall time over ``repeats`` of embedding every call, and the vectors of the last."""
    best, vectors = float("inf"), np.zeros(0)
    for _ in range(repeats):
        start = time.perf_counter()
        vectors = np.vstack([encode(texts) for texts in calls])
        best = min(best, time.perf_counter() - start)
    return best, vectors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--transcripts", type=int, default=133)
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    if not ANNOMI.is_file():
        raise SystemExit(f"AnnoMI not found at {ANNOMI}")
    groups = transcripts(args.transcripts)
    encoder = load_encoder()
    encoder.encode(groups[0][:32])  # warm up

    def baseline(texts: Sequence[str]) -> np.ndarray:
        return encoder.encode(list(texts), batch_size=16, normalize_embeddings=True, convert_to_numpy=True,
                              show_progress_bar=False)

    def alike(texts: Sequence[str]) -> np.ndarray:
        return encode_alike(encoder, texts, batch_size=16)

    n = sum(len(g) for g in groups)
    print(f"# Embedding {n} AnnoMI utterances of {len(groups)} transcripts, best of {args.repeats}")
    print(f"{'calls':<28} {'n calls':>8} {'baseline s':>11} {'alike s':>8} {'alike/baseline':>15} {'max |diff|':>11}")
    reference = None
    for label, size in [("whole corpus in one call", len(groups)), ("8 transcripts per call", 8),
                        ("1 transcript per call", 1)]:
        calls = [sum(groups[i : i + size], []) for i in range(0, len(groups), size)]
        base_s, base = timed(baseline, calls, args.repeats)
        alike_s, found = timed(alike, calls, args.repeats)
        if reference is None:
            reference = found
        same = "identical to one call" if np.array_equal(found, reference) else "DIFFERS from one call"
        print(f"{label:<28} {len(calls):>8} {base_s:>11.1f} {alike_s:>8.1f} {alike_s / base_s:>15.2f} "
              f"{np.abs(found - base).max():>11.1e}   alike vectors {same}")


if __name__ == "__main__":
    main()
