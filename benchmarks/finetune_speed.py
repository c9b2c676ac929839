"""Fine-tuning speed: length-bucketed batches against shuffled batches of any length.

    python benchmarks/finetune_speed.py [--n 640] [--epochs 1] [--task client]

Takes the first N utterances of one AnnoMI task (``../shared/data/annomi``, read as
``benchmarks/annomi.py`` does; each paired with the other speaker's previous and next turn, as
``--finetune`` trains) and fine-tunes :class:`tr_nlp.coding.finetune.FineTunedClassifier`
twice in the same run with the same seed:

* **baseline**: batches drawn from one shuffled order, each padded to its longest input
  (how tr_nlp batched before);
* **bucketed**: :func:`tr_nlp.coding.finetune.length_batches` (shuffled, but each batch
  holds inputs of similar length), and length-sorted batches when scoring.

Prints training samples/s, scoring samples/s, the padding share (pad tokens / all tokens
in the batches) and training-set accuracy after the epoch(s), so a speed-up that hurt
learning would show. Runs on the CPU unless torch sees a GPU.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from tr_nlp.coding import finetune
from tr_nlp.coding.finetune import FineTunedClassifier
from tr_nlp.features import CONTEXT_COLUMNS

BUCKETED = finetune.length_batches


def shuffled_batches(lengths: np.ndarray, batch_size: int, rng: np.random.Generator, pool: int = 50) -> list[np.ndarray]:
    """The baseline: consecutive slices of one random order."""
    order = rng.permutation(len(lengths))
    return [order[i : i + batch_size] for i in range(0, len(order), batch_size)]


def padding_share(clf: FineTunedClassifier, texts: list[str], prev: list[str], batches: list[np.ndarray]) -> float:
    """Pad tokens as a share of all token positions in ``batches``."""
    pad = total = 0
    for idx in batches:
        enc = clf.tokenizer_([texts[i] for i in idx], [prev[i] for i in idx], padding=True, truncation=True,
                             max_length=clf.max_length)
        mask = np.array(enc["attention_mask"])
        pad += int((mask == 0).sum())
        total += mask.size
    return pad / total


def run(name: str, batcher, inputs, y, epochs: int) -> dict:  # type: ignore[no-untyped-def]
    """Fine-tune and score with ``batcher``; the baseline also scores in the given order."""
    lengths = finetune._lengths
    finetune.length_batches = batcher
    if name == "baseline":  # equal lengths: the stable sort keeps the given order, as before
        finetune._lengths = lambda texts, prev: np.zeros(len(texts))
    try:
        clf = FineTunedClassifier(epochs=epochs, random_state=0)
        t0 = time.perf_counter()
        clf.fit(inputs, y)
        train_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        proba = clf.predict_proba(inputs)
        score_s = time.perf_counter() - t0
    finally:
        finetune._lengths, finetune.length_batches = lengths, BUCKETED
    texts, prev = clf._inputs(inputs)  # what the model encodes: (segment, previous [SEP] next turn)
    batches = batcher(lengths(texts, prev), clf.batch_size, np.random.default_rng(0))
    return {"train_per_s": epochs * len(y) / train_s, "score_per_s": len(y) / score_s, "train_s": train_s,
            "padding": padding_share(clf, texts, prev, batches),
            "accuracy": float((clf.classes_[proba.argmax(axis=1)] == y).mean())}


def main() -> None:
    import annomi  # benchmarks/annomi.py, beside this file

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=640, help="utterances to fine-tune on")
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--task", default="client", choices=sorted(annomi.TASKS))
    args = parser.parse_args()
    frame = annomi.load()
    speaker, label = annomi.TASKS[args.task]
    rows = frame[frame["interlocutor"] == speaker].head(args.n).reset_index(drop=True)
    inputs, y = rows[CONTEXT_COLUMNS], rows[label].to_numpy()
    print(f"AnnoMI {args.task}: {len(y)} utterances paired with the other speaker's previous and next turns, {args.epochs} epoch(s)")
    print(f"{'batches':<10} {'train/s':>8} {'score/s':>8} {'train s':>8} {'padding':>8} {'train acc':>9}")
    results = {}
    for name, batcher in (("baseline", shuffled_batches), ("bucketed", BUCKETED)):
        r = results[name] = run(name, batcher, inputs, y, args.epochs)
        print(f"{name:<10} {r['train_per_s']:>8.1f} {r['score_per_s']:>8.1f} {r['train_s']:>8.1f} "
              f"{r['padding']:>8.1%} {r['accuracy']:>9.3f}")
    b, k = results["baseline"], results["bucketed"]
    print(f"speed-up: training x{k['train_per_s'] / b['train_per_s']:.2f}, scoring x{k['score_per_s'] / b['score_per_s']:.2f}")


if __name__ == "__main__":
    main()
