"""How long moving offsets onto a copy of a transcript takes when every line of it differs.

    python benchmarks/align_copies.py [--sizes 10000 20000 40000]

Real speech (AnnoMI's utterances, from ``../shared/data/annomi/``, as ``I:``/``P:`` lines)
cut to each size, and three copies of it whose every line differs a little, as a coder's
or a team's copy can: spaces at the line ends, the speaker labels written out
(``Participant:``), and the lines rewrapped (two joined into one). Each copy is matched
onto the text (:meth:`tr_nlp.ingest.align.TextMap.between`, as merging coders' copies and
adding comments to a team's document do), against a named baseline in the same run: the
characters of a stretch of lines that all differ matched at once, as before
(:data:`tr_nlp.ingest.align._CHAR_PAIRS` set past any size). Printed: seconds, the share
of characters matched, and how many of 200 random passages of whole words land on the
same words.
"""

from __future__ import annotations

import argparse
import random
import re
import time
from pathlib import Path
from unittest import mock

import pandas as pd

from tr_nlp.ingest import align

ANNOMI = Path(__file__).resolve().parents[2] / "shared" / "data" / "annomi" / "AnnoMI-full.csv"


def speech() -> str:
    """AnnoMI's utterances in order, one line each, labelled by who speaks."""
    rows = pd.read_csv(ANNOMI).drop_duplicates(["transcript_id", "utterance_id"])
    return "\n".join(f"{'I' if who == 'therapist' else 'P'}: {text}"
                     for who, text in zip(rows["interlocutor"], rows["utterance_text"], strict=True))


def copies(text: str) -> dict[str, tuple[str, list[int]]]:
    """Each copy, and where each character of ``text`` that it keeps stands in it (-1: gone)."""
    out = {}
    lines = text.split("\n")
    for kind in ("spaces at line ends", "labels written out", "rewrapped"):
        pieces, where, at = [], [], 0
        for k, line in enumerate(lines):
            start = 0
            if kind == "labels written out" and line[:2] in ("I:", "P:"):
                label = "Interviewer:" if line[0] == "I" else "Participant:"
                pieces.append(label)
                where += [-1, -1]
                at += len(label)
                start = 2
            pieces.append(line[start:])
            where += list(range(at, at + len(line) - start))
            at += len(line) - start
            if k < len(lines) - 1:
                sep = {"spaces at line ends": "  \n", "rewrapped": " " if k % 2 == 0 else "\n"}.get(kind, "\n")
                pieces.append(sep)
                where.append(at + len(sep) - 1 if sep.endswith("\n") else -1)
                at += len(sep)
        out[kind] = ("".join(pieces), where)
    return out


def landed(text: str, copy: str, where: list[int], moved: align.TextMap, rng: random.Random) -> int:
    """How many of 200 random passages of one to eight whole words within a line of
    ``text`` (not its speaker label) the map puts on the same words of ``copy``."""
    words = [(m.start(), m.end()) for m in re.finditer(r"\w+", text)]
    hits = tried = 0
    while tried < 200:
        i = rng.randrange(len(words) - 8)
        start, end = words[i][0], words[i + rng.randrange(8)][1]
        if "\n" in text[start:end] or -1 in where[start:end]:
            continue
        tried += 1
        want = (where[start], where[end - 1] + 1)
        hits += moved.span(start, end) == want and copy[want[0]:want[1]] == text[start:end]
    return hits


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10000, 20000, 40000])
    args = parser.parse_args()
    whole = speech()
    print(f"{'size':>6}  {'copy':<20}{'baseline s':>11}{'tr_nlp s':>10}{'matched':>16}{'passages on':>14}")
    for size in args.sizes:
        text = whole[:size].rsplit("\n", 1)[0]
        for kind, (copy, where) in copies(text).items():
            figures = []
            for way in ("baseline", "tr_nlp"):
                limit = 10**18 if way == "baseline" else align._CHAR_PAIRS
                with mock.patch.object(align, "_CHAR_PAIRS", limit):
                    started = time.perf_counter()
                    moved = align.TextMap.between(text, copy)
                    figures.append((time.perf_counter() - started, moved.similarity,
                                    landed(text, copy, where, moved, random.Random(size))))
            (t0, s0, h0), (t1, s1, h1) = figures
            print(f"{len(text):>6}  {kind:<20}{t0:>11.2f}{t1:>10.2f}{f'{s0:.3f} / {s1:.3f}':>16}"
                  f"{f'{h0} / {h1}':>14}")


if __name__ == "__main__":
    main()
