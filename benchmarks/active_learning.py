"""Active learning on real data: does coding what ``tr-nlp next`` proposes teach a model more
than coding other passages, and what does counting a partly coded interview as coded whole cost?

    python benchmarks/active_learning.py [--task client|therapist|sustain|input] [--rounds 6] [--batch 150] [--seeds 2]

Data: ../shared/data/annomi (133 transcripts) through tr_nlp's ``annomi`` preset: client talk
type (change / neutral / sustain) on client turns, or therapist behaviour (4 codes) on
therapist turns, one mutually exclusive code group either way. Or one sparse code alone, as
most qualitative themes are (most passages carry none): ``sustain`` (client sustain talk,
11% of client turns) or ``input`` (therapist input, 13% of therapist turns); every passage a
coder read is passed as reviewed, so an interview or turn read without finding the code
counts as "no". Test set: fold 1 of
``GroupKFold(n_splits=5)`` on ``transcript_id`` (as in ``benchmarks/annomi.py``); the other
transcripts are the pool. A team starts with 10 pool transcripts coded whole, then codes
``--batch`` more turns per round, ``--rounds`` times, and retrains (``train_model``,
features ``both``, exactly what ``tr-nlp train`` fits) after each round. Strategies, in the
same run, from the same 10 transcripts:

* ``next``: the turns :func:`tr_nlp.coding.rank_next` proposes (what ``tr-nlp next`` prints),
  coded and passed back as reviewed passages (``--reviewed``);
* ``random turns``: as many turns drawn at random from the unread pool, also reviewed;
* ``whole interviews`` (the named baseline: how teams code without tr_nlp): random pool
  transcripts coded whole until as many turns were coded;
* ``next, no --reviewed``: ``next``'s turns, but the interviews they come from count as
  coded whole, as they did before ``--reviewed`` existed: every unread turn of them is
  taken to carry none of the group's codes (every AnnoMI turn carries one).

Each strategy's macro-F1 and Cohen's kappa on the test transcripts after each round are
printed (for a sparse code: its F1, kappa and PR-AUC, and how many coded turns carry it),
averaged over ``--seeds`` draws of the first 10 transcripts (and of the random picks), with
the seconds the run took.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import average_precision_score, cohen_kappa_score, f1_score
from sklearn.model_selection import GroupKFold

from tr_nlp.coding import coded_data, rank_next, train_model
from tr_nlp.coding.chain import stretches
from tr_nlp.features import context_frame
from tr_nlp.ingest import ReadOptions, TableMapping, load_corpus
from tr_nlp.schema import Reviewed
from tr_nlp.segment import Segmenter

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "annomi" / "AnnoMI-simple.csv"
TASKS = {"client": ("participant", "client_talk_type"), "therapist": ("interviewer", "main_therapist_behaviour")}
#: One sparse code alone: (role, the column it comes from, the code).
SPARSE = {"sustain": ("participant", "client_talk_type", "sustain"),
          "input": ("interviewer", "main_therapist_behaviour", "therapist_input")}
STRATEGIES = ["next", "random turns", "whole interviews", "next, no --reviewed"]


def fold_one(task: str) -> set[str]:
    """The test transcripts of fold 1 as ``benchmarks/annomi.py`` splits them: GroupKFold on
    the task's utterances, sorted by transcript and utterance id, grouped by transcript."""
    rows = pd.read_csv(DATA).sort_values(["transcript_id", "utterance_id"], kind="stable")
    speaker = {"client": "client", "therapist": "therapist", "sustain": "client", "input": "therapist"}[task]
    rows = rows[rows["interlocutor"] == speaker]
    _, test = next(GroupKFold(n_splits=5).split(rows, groups=rows["transcript_id"]))
    return {str(t) for t in rows["transcript_id"].iloc[test].unique()}


def gold(data, codes):
    """Each segment's code (the group's one code it carries), as a string per segment."""
    target = data.target[codes].to_numpy()
    return np.array(codes, dtype=object)[target.argmax(axis=1)]


def score(model, test, codes, interviews):
    """Macro-F1 and kappa of ``model`` on the test segments; for one sparse code, its F1,
    kappa and PR-AUC."""
    proba = model.predict_proba(context_frame(test.segments, interviews))
    decided = model.decide(proba)[codes].to_numpy()
    if len(codes) == 1:
        truth = test.target[codes[0]].to_numpy()
        return {"f1": f1_score(truth, decided[:, 0]), "kappa": cohen_kappa_score(truth, decided[:, 0]),
                "pr_auc": average_precision_score(truth, proba[codes[0]])}
    predicted = np.array(codes, dtype=object)[decided.argmax(axis=1)]
    predicted[decided.sum(axis=1) == 0] = "none"
    truth = gold(test, codes)
    return {"macro_f1": f1_score(truth, predicted, average="macro", labels=codes),
            "kappa": cohen_kappa_score(truth, predicted)}


def run(task: str, rounds: int, batch: int, seeds: int) -> pd.DataFrame:
    corpus = load_corpus([DATA], ReadOptions(table=TableMapping.preset("annomi")))
    sparse = task in SPARSE
    if sparse:
        role, _, code = SPARSE[task]
        codes = [code]
    else:
        role, group = TASKS[task]
        codes = list(corpus.codebook.groups[group])
    segmenter = Segmenter(unit="turn", roles=(role,))
    interviews = corpus.by_id()
    ids = sorted(interviews, key=int)
    test_ids = fold_one(task)
    pool_ids = [i for i in ids if i not in test_ids]
    in_task = [c for c in corpus.codings if c.code in codes]
    by_interview: dict[str, list] = {}
    for coding in in_task:
        by_interview.setdefault(coding.interview_id, []).append(coding)

    def read_whole(ids):  # a sparse code: an interview read whole is "no" wherever it lacks the code
        return [Reviewed(i, 0, len(interviews[i].text)) for i in ids] if sparse else []

    test = coded_data(replace(corpus, interviews=[interviews[i] for i in sorted(test_ids)],
                              codings=[c for c in in_task if c.interview_id in test_ids],
                              reviewed=read_whole(sorted(test_ids))), segmenter, codes)
    pool = segmenter.segment([interviews[i] for i in pool_ids])
    rows = []
    for seed in range(seeds):
        rng = np.random.default_rng(seed)
        start = list(rng.choice(pool_ids, size=10, replace=False))
        for strategy in STRATEGIES[:3] if sparse else STRATEGIES:
            t0 = time.perf_counter()
            whole, read = list(start), set()  # interviews coded whole; segment ids read in others
            passages: list[Reviewed] = []
            pick_rng = np.random.default_rng((seed, 1))
            for round_no in range(rounds + 1):
                codings = [c for i in whole for c in by_interview.get(i, [])]
                codings += [c for s in pool if s.segment_id in read for c in by_interview.get(s.interview_id, [])
                            if c.start < s.end and c.end > s.start]
                reviewed = (passages if strategy != "next, no --reviewed" else []) + read_whole(whole)
                named = sorted(set(whole) | {s.interview_id for s in pool if s.segment_id in read})
                sub = replace(corpus, interviews=[interviews[i] for i in named], codings=codings, reviewed=reviewed)
                data = coded_data(sub, segmenter, codes)
                model = train_model(data, features="both", seed=seed)
                counts = {"coded_turns": len(data.segments)}
                if sparse:
                    counts["positives"] = int(data.target.to_numpy().sum())
                rows.append({"seed": seed, "strategy": strategy, "round": round_no, **counts,
                             **score(model, test, codes, interviews)})
                if round_no == rounds:
                    break
                coded_whole = set(whole)
                unread = [s for s in pool if s.interview_id not in coded_whole and s.segment_id not in read]
                if strategy in ("next", "next, no --reviewed"):
                    if strategy == "next, no --reviewed":  # an interview with a coding counts as coded whole
                        touched = {s.interview_id for s in pool if s.segment_id in read}
                        unread = [s for s in unread if s.interview_id not in touched]
                    # as `tr-nlp next` does: turns on either side of a read one are not neighbours
                    unread_ids = {s.segment_id for s in unread}
                    runs = stretches([s.interview_id for s in pool], [s.segment_id in unread_ids for s in pool])
                    ranked = rank_next(model, unread, interviews, n=batch, runs=runs)
                    chosen = set(ranked.segment_id)
                elif strategy == "random turns":
                    chosen = set(pick_rng.choice([s.segment_id for s in unread], size=batch, replace=False))
                else:  # whole interviews, until as many turns were coded
                    left = [i for i in pool_ids if i not in coded_whole]
                    pick_rng.shuffle(left)
                    added = 0
                    for i in left:
                        if added >= batch:
                            break
                        whole.append(i)
                        added += sum(s.interview_id == i for s in pool)
                    chosen = set()
                read |= chosen
                passages += [Reviewed(s.interview_id, s.start, s.end) for s in pool if s.segment_id in chosen]
            print(f"seed {seed} {strategy:<22} {time.perf_counter() - t0:6.1f} s", flush=True)
    return pd.DataFrame(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--task", choices=sorted(TASKS) + sorted(SPARSE), default="client")
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--batch", type=int, default=150)
    parser.add_argument("--seeds", type=int, default=2)
    args = parser.parse_args()
    started = time.perf_counter()
    table = run(args.task, args.rounds, args.batch, args.seeds)
    figures = [col for col in table.columns if col not in ("seed", "strategy", "round")]
    scores = [col for col in figures if col not in ("coded_turns", "positives")]
    summary = table.groupby(["strategy", "round"], sort=False)[figures].mean()
    pd.set_option("display.width", 140)
    print(f"\nAnnoMI {args.task}: {' / '.join(scores)} on fold 1's test transcripts after each round "
          f"(mean of {args.seeds} seed(s); 10 transcripts coded whole, then {args.batch} turns per round)")
    print(summary.round(3).to_string())
    final = table[table["round"] == args.rounds].groupby("strategy", sort=False)
    spread = final[scores].std().add_suffix("_sd")
    last = final[figures].mean().join(spread)
    print(f"\nafter the last round (sd over the {args.seeds} seeds):")
    print(last.round(3).to_string())
    print(f"\n{time.perf_counter() - started:.0f} s in all")


if __name__ == "__main__":
    main()
