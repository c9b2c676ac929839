"""What a suggestion's evidence accounts for, and what finding it costs.

    python benchmarks/evidence.py [--limit N]

A model trained as ``make demo`` trains it (the demo corpus, TF-IDF + MiniLM) suggests
codes for AnnoMI's client utterances (``../shared/data/annomi/AnnoMI-simple.csv``, one
segment per utterance; the codes are the demo's, so what matters here is the words and the
seconds, not the codes), from an empty embedding cache, as for a batch of new interviews.
For every suggested code (above threshold) the segment's own text gives part of its
score, ``S``, the sum over its word n-grams, character n-grams and embedding; the
evidence now splits all of ``S`` over the segment's words (:mod:`tr_nlp.coding.evidence`).

Named baseline in the same run: the evidence as it was read before, the word n-grams'
parts alone (``word_ngram_evidence``), after the same scoring. Printed for both: the
share of ``S`` the words they weigh account for (median over suggestions), and the
seconds to score the segments and find the evidence of every suggestion, each from an
empty embedding cache.

Then what the evidence a coder reads (``evidence``: passages, :func:`top_passages`) is
worth, by deletion: each suggestion's segment is scored again with its evidence taken out
(every place :func:`marked` marks), and the fall in the code's probability is printed
beside the fall for, in the same run, the evidence as it was written before (the code's
three words of largest part, lower-cased, each taken out wherever it stands) and a run of
as many words as the passages have, drawn at random in the segment (seeded), the chance
baseline. Words taken out are counted for each.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import numpy as np
from scipy import sparse

from tr_nlp.coding import coded_data, suggest, train_model
from tr_nlp.coding.evidence import placed_parts, text_features
from tr_nlp.coding.suggest import code_weights
from tr_nlp.features import context_frame
from tr_nlp.ingest import ReadOptions, TableMapping, load_corpus
from tr_nlp.passages import WORD, marked
from tr_nlp.segment import Segmenter

ROOT = Path(__file__).resolve().parents[1]
ANNOMI = ROOT.parent / "shared" / "data" / "annomi" / "AnnoMI-simple.csv"


def word_ngram_evidence(model, texts, weights):
    """The baseline: per text and code, the word n-grams' parts (what evidence was before)."""
    parts = text_features(model)
    X = parts.word.transform(texts).tocsr()
    return X, np.asarray(X @ weights[parts.at[0]:parts.at[1]])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--limit", type=int, default=0, help="score only this many utterances (0: all)")
    args = parser.parse_args()
    os.environ["TR_NLP_CACHE"] = tempfile.mkdtemp()

    demo = load_corpus([ROOT / "corpora" / "demo"])
    started = time.perf_counter()
    model = train_model(coded_data(demo), features="both", corpus=demo, name="demo")
    print(f"trained the demo model in {time.perf_counter() - started:.1f} s")

    annomi = load_corpus([ANNOMI], ReadOptions(table=TableMapping.preset("annomi")))
    segments = Segmenter(unit="turn").segment(annomi.interviews)
    if args.limit:
        segments = segments[:args.limit]
    interviews = annomi.by_id()
    weights = np.column_stack(code_weights(model.linear.named_steps["head"]))

    os.environ["TR_NLP_CACHE"] = tempfile.mkdtemp()  # nothing embedded before: every segment is new
    started = time.perf_counter()
    frame = context_frame(segments, interviews)
    above = model.decide(model.predict_proba(frame)).to_numpy().astype(bool)
    scoring = time.perf_counter() - started
    rows = np.flatnonzero(above.any(axis=1))
    texts = [frame["text"].iloc[i] for i in rows]
    _, old_parts = word_ngram_evidence(model, texts, weights)
    old_seconds = time.perf_counter() - started

    os.environ["TR_NLP_CACHE"] = tempfile.mkdtemp()
    started = time.perf_counter()
    rows_out = suggest(model, segments, interviews)
    new_seconds = time.perf_counter() - started
    split = [merged(words, parts) for words, parts in placed_parts(model, texts, weights)]  # read in suggest()
    print(f"{len(segments)} segments, {len(rows)} with a suggestion, {int(above.sum())} suggestions "
          f"(suggest() flags {int(rows_out.above_threshold.sum())}); scoring alone {scoring:.1f} s")

    X = sparse.csr_matrix(model.linear.named_steps["features"].transform(texts))
    own = np.asarray(X @ weights)  # S: the part of each code's score from the segment's own text
    new_share, old_share = [], []
    for k, i in enumerate(rows):
        for j in np.flatnonzero(above[i]):
            if own[k, j] > 0:
                new_share.append(split[k][1][:, j].sum() / own[k, j])
                old_share.append(old_parts[k, j] / own[k, j])
    print(f"\n{'evidence':<34} {'share of S (median [IQR])':>28} {'seconds, scoring included':>27}")
    for name, share, seconds in (("word n-grams alone (baseline)", old_share, old_seconds),
                                 ("every feature of the text", new_share, new_seconds)):
        q1, q2, q3 = np.percentile(share, [25, 50, 75])
        print(f"{name:<34} {q2:>12.2f} [{q1:.2f}, {q3:.2f}]{'':>5} {seconds:>27.1f}")
    print(f"\n(suggestions with S > 0: {len(new_share)}; the rest of S, the parts of punctuation and of the "
          "encoder's [CLS] and [SEP], goes to no word)")
    deletion(model, frame, rows_out, split, rows, above)


def merged(words, parts):
    """The words of a text, each once (lower-cased), and their parts, a word said twice adding up:
    what the evidence of before was read from."""
    found = {}
    for key, row in zip(words.keys, parts, strict=True):
        found[key] = found[key] + row if key in found else row
    return list(found), np.array(list(found.values())).reshape(len(found), parts.shape[1])


def three_words(words, parts, j):
    """The evidence as it was written before passages: the code's three words of largest positive part."""
    order = np.argsort(-parts[:, j], kind="stable")[:3]
    return "; ".join(words[k] for k in order if parts[k, j] > 0)


def without(text, evidence):
    """``text`` with every place ``marked`` marks for ``evidence`` taken out, and how many words that was."""
    pieces = marked(text, evidence)
    return "".join(piece for piece, said in pieces if not said), sum(len(WORD.findall(p)) for p, said in pieces if said)


def deletion(model, frame, suggestions, split, rows, above):
    """Each suggestion scored again without its evidence, without the old three words, without a random run."""
    rng = np.random.default_rng(0)
    codes = list(model.codes)
    written = dict(zip(zip(suggestions.text, suggestions.code), suggestions.evidence))
    names = ("passages (evidence now)", "three words (before)", "random run (chance)")
    placed = {name: [] for name in names}  # per suggestion: its variant's place in texts, words taken out
    texts, cells = [], []
    for k, i in enumerate(rows):
        text = frame["text"].iloc[i]
        words, parts = split[k]
        spans = [m.span() for m in WORD.finditer(text)]
        for j in np.flatnonzero(above[i]):
            if not (now := written.get((text, codes[j]), "")):
                continue
            cut_now, n_now = without(text, now)
            cut_old, n_old = without(text, three_words(words, parts, j))
            size = min(n_now, len(spans))
            a = int(rng.integers(0, len(spans) - size + 1))
            cut_random = text[:spans[a][0]] + text[spans[a + size - 1][1]:]
            for name, cut, n in zip(names, (cut_now, cut_old, cut_random), (n_now, n_old, size), strict=True):
                placed[name].append((len(texts), n))
                texts.append(cut)
                cells.append((i, j))
    changed = frame.iloc[[i for i, _ in cells]].reset_index(drop=True)
    changed["text"] = texts
    before = model.predict_proba(frame).to_numpy()
    after = model.predict_proba(changed)
    decided = model.decide(after).to_numpy()
    after = after.to_numpy()
    print(f"\ndeletion: each suggestion's segment scored again without ... ({len(placed[names[0]])} suggestions)")
    print(f"{'taken out':<26} {'words (mean)':>13} {'fall in p (mean)':>17} {'fall per word':>14} "
          f"{'no longer suggested':>20}")
    for name in names:
        t = np.array([t for t, _ in placed[name]])
        n = np.array([n for _, n in placed[name]], dtype=float)
        i, j = np.array([cells[k][0] for k in t]), np.array([cells[k][1] for k in t])
        falls = before[i, j] - after[t, j]
        print(f"{name:<26} {n.mean():>13.1f} {falls.mean():>17.3f} {np.mean(falls / np.maximum(n, 1)):>14.3f} "
              f"{np.mean(~decided[t, j].astype(bool)):>20.0%}")


if __name__ == "__main__":
    main()
