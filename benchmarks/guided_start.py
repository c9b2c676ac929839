"""Where to start coding before anything is coded: `tr-nlp next` without a model.

    python benchmarks/guided_start.py [--seeds 20]

A team has a codebook and no coded interview. `tr-nlp next --codebook` ranks segments by
their likeness to each code's description, inclusion criteria and examples
(:func:`tr_nlp.coding.guided.rank_by_guidance`, MiniLM embeddings). Here the segments are
AnnoMI's client utterances (``../shared/data/annomi/AnnoMI-full.csv``, gold labels as in
AnnoMI-simple, 133 transcripts), and the codebook has two codes, change talk and sustain
talk, written for this script from the motivational-interviewing literature (Miller &
Rollnick's description of the two; the examples are ours, in the way clients in such
sessions speak, not taken from AnnoMI). Printed for the first 30, 100 and 300 segments
proposed (three words or more, spread across transcripts as `next` spreads them): how
many are change or sustain talk by the gold labels, and how many are the very code they
were proposed for.

Named baselines in the same run: the order a team without tr_nlp would take, segments
at random (mean over ``--seeds`` draws, spread across transcripts alike), and the same
ranking with TF-IDF vectors (word 1-2-grams fitted on the utterances and the guidance)
in place of MiniLM's, the keyword match a search would give. Seconds from an empty
embedding cache (the MiniLM row embeds every utterance; the encoder's loading included).
"""

from __future__ import annotations

import argparse
import math
import os
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer

from tr_nlp.coding.active import long_enough, spread_picks
from tr_nlp.coding.guided import rank_by_guidance
from tr_nlp.schema import Code, Codebook, Segment

ROOT = Path(__file__).resolve().parents[1]
ANNOMI = ROOT.parent / "shared" / "data" / "annomi" / "AnnoMI-full.csv"
CODEBOOK = Codebook(name="client talk (written for this benchmark)", codes=(
    Code("change", description=(
        "The client's own words in favour of changing a behaviour: wanting, being able to, having reasons to or "
        "needing to change, or committing to and taking steps toward change."),
        include=("Statements of desire, ability, reasons, need, commitment, activation or steps taken toward change, "
                 "such as wanting to cut down, planning to quit, or already having stopped."),
        examples=("I really want to quit smoking.", "I think I could cut down to a couple of drinks.",
                  "I need to do this for my kids.")),
    Code("sustain", description=(
        "The client's own words in favour of keeping things as they are: reasons not to change, doubting they can, "
        "not wanting to, or defending the current behaviour."),
        include=("Statements against change: the behaviour is not a problem, it helps them cope, change is too hard, "
                 "or they have no intention to change."),
        examples=("I don't think my drinking is a problem.", "Smoking is the only thing that calms me down.",
                  "I've tried before and it never works.")),
))
SHOWN = (30, 100, 300)
MIN_WORDS = 3


def client_segments() -> tuple[list[Segment], np.ndarray]:
    """AnnoMI's client utterances as segments, one transcript an interview, and their gold labels."""
    frame = pd.read_csv(ANNOMI).drop_duplicates(["transcript_id", "utterance_id"])
    frame = frame[frame.interlocutor == "client"].sort_values(["transcript_id", "utterance_id"])
    segments = [Segment(str(r.transcript_id), f"{r.transcript_id}:{r.utterance_id}", 0, len(r.utterance_text),
                        "client", "participant", r.utterance_text) for r in frame.itertuples()]
    return segments, frame.client_talk_type.to_numpy()


def hits(order: list[int], named: list[str] | None, gold: np.ndarray) -> list[tuple[float, float]]:
    """For each of :data:`SHOWN`: the share of the first picks coded change or sustain, and
    of those proposed for a code, the share coded with that very code."""
    out = []
    for n in SHOWN:
        picked = gold[order[:n]]
        coded = float(np.isin(picked, ["change", "sustain"]).mean())
        same = float(np.mean([g == c for g, c in zip(picked, named[:n])])) if named is not None else float("nan")
        out.append((coded, same))
    return out


def tfidf_embed(texts_of_corpus: list[str]):
    """Texts to unit TF-IDF vectors fitted on the corpus and the guidance (the keyword baseline)."""
    guide = [t for code in CODEBOOK.codes for t in (code.description, code.include, *code.examples)]
    vectorizer = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True).fit(texts_of_corpus + guide)
    return lambda texts: vectorizer.transform(texts).toarray()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=20, help="Random orders to average for the baseline.")
    args = parser.parse_args()
    os.environ["TR_NLP_CACHE"] = tempfile.mkdtemp(prefix="tr-nlp-guided-")  # an empty cache: a first run's time
    segments, gold = client_segments()
    available = long_enough(segments, MIN_WORDS)
    by_id = {s.segment_id: k for k, s in enumerate(segments)}
    print(f"{len(segments)} client utterances of {len({s.interview_id for s in segments})} transcripts, "
          f"{int(available.sum())} of {MIN_WORDS} words or more; gold among those: "
          f"change {np.mean(gold[available] == 'change'):.3f}, sustain {np.mean(gold[available] == 'sustain'):.3f}")
    rows = []
    for name, embed in (("tr_nlp (MiniLM)", None), ("TF-IDF keywords", tfidf_embed([s.text for s in segments]))):
        began = time.perf_counter()
        ranked = rank_by_guidance(CODEBOOK, segments, n=max(SHOWN), min_words=MIN_WORDS, embed=embed)
        seconds = time.perf_counter() - began
        rows.append((name, hits([by_id[s] for s in ranked.segment_id], ranked.code.tolist(), gold), seconds))
        first = ranked.head(100)
        said = [f"{code} {np.mean(gold[[by_id[s] for s in first.segment_id[first.code == code]]] == code):.2f} of "
                f"{int((first.code == code).sum())} (base {np.mean(gold[available] == code):.3f})"
                for code in ("change", "sustain")]
        print(f"{name}, first 100 by the code proposed: " + "; ".join(said))
    draws = []
    for seed in range(args.seeds):
        score = np.random.default_rng(seed).random(len(segments))
        draws.append(hits(spread_picks(score, segments, available, max(SHOWN), 0.7), None, gold))
    mean = [(float(np.mean([d[i][0] for d in draws])), float("nan")) for i in range(len(SHOWN))]
    spread = [float(np.std([d[i][0] for d in draws])) for i in range(len(SHOWN))]
    rows.append((f"random (mean of {args.seeds})", mean, 0.0))
    head = " | ".join(f"first {n}: coded / its code" for n in SHOWN)
    print(f"| ranking | {head} | seconds |")
    print("|---|" + "---:|" * (len(SHOWN) + 1))
    for name, figures, seconds in rows:
        cells = " | ".join(f"{coded:.2f}" + ("" if math.isnan(same) else f" / {same:.2f}") for coded, same in figures)
        print(f"| {name} | {cells} | {seconds:.1f} |")
    print("random draws' sd: " + ", ".join(f"first {n} {sd:.3f}" for n, sd in zip(SHOWN, spread)))


if __name__ == "__main__":
    main()
