"""AnnoMI benchmark: tr_nlp's classifier vs a TF-IDF + logistic-regression baseline, on real data.

    python benchmarks/annomi.py [--folds 5] [--tasks therapist,client] [--finetune [--seeds N]]
                                [--save DIR] [--time-marks]

Data: ../shared/data/annomi (133 motivational-interviewing transcripts), read with
tr_nlp's ``annomi`` preset. Gold labels per utterance as in AnnoMI-simple.csv; rows sorted
by transcript and utterance id; folds from ``GroupKFold(n_splits=5)`` on
``transcript_id`` (so figures compare with the issue's reference points). Tasks:
therapist behaviour (4 classes, therapist utterances) and client talk type (3 classes,
client utterances).

Models, in the same run:
* baseline: TF-IDF word 1-2 + char 3-5 grams -> LogisticRegression (balanced);
* finetune (with ``--finetune``): exactly what ``tr-nlp train --context --finetune`` builds
  (:class:`tr_nlp.coding.blend.BlendedClassifier`): the mean of the probabilities of MiniLM
  fine-tuned for 4 epochs (learning rate 5e-5) with a linear head on (utterance, the other
  speaker's previous and next turns) pairs and of the tr_nlp context model below (equal
  weights, not tuned); ``encoder`` is its fine-tuned encoder alone (its seconds: the
  blend's minus tr_nlp's). Fine-tuning varies from seed to seed: ``--seeds N`` repeats it
  with ``random_state`` 0..N-1 (rows ``finetune:k`` and ``encoder:k`` for seed k) and prints
  each model's macro-F1 mean, sd and range over the seeds;
* tr_nlp: exactly what ``tr-nlp train --context`` builds: ``make_theme_classifier("both",
  context=True)`` on :func:`tr_nlp.features.context_frame` rows (TF-IDF + MiniLM of the
  utterance, of the other speaker's previous turn and the one before it, of their next turn
  and the one after it, dialogue-shape cues), with the head for a mutually exclusive code
  group (one-vs-rest linear SVM, C chosen by inner cross-validation grouped by transcript),
  its probabilities decoded along each transcript as a Markov chain of a strength the inner
  cross-validation picks (:mod:`tr_nlp.coding.chain`; the strength per fold is printed).
  Embeddings come from tr_nlp's cache (each text embedded once);
* no_chain: the same fitted tr_nlp model, each utterance scored alone (no decoding along
  the transcript), so the chain's share of the gain is measured in the same run.

With more than one fold, each model's macro-F1 on each fold is printed too (folds differ
by several points). Brier is the multi-class Brier score of each model's probabilities
(lower is better calibrated). Also printed: human inter-annotator agreement on the 428
utterances coded by all 10 annotators (Fleiss' kappa and Krippendorff's alpha), beside the
machine's kappa vs gold on the same utterances.

``--save DIR`` also writes ``DIR/annomi-TASK.parquet``: one row per tested utterance
(transcript and utterance id, fold 0-4 in GroupKFold order, gold label) with each model's
predicted label and probability per class, so that blends, decision rules or per-fold
figures can be studied offline without running the (slow) fine-tuning again.

``--time-marks`` first puts aTrain's ``[hh:mm:ss] - `` before every utterance (its own time
in the recording), as a team's aTrain or noScribe transcripts carry them: the models leave
time marks out, so the figures should be those of a run without the flag.

``--as-recognised`` first writes every utterance as an offline speech recogniser (Vosk, say)
or automatic captions write speech: in lower case, without punctuation (inner apostrophes
kept), so without a question mark. Every model trains and is tested on that text, as a
team whose transcripts all come from such a recogniser would. ``--tested-as-recognised``
trains on the transcripts as they are and tests on the same utterances so written, as a team
that coded human transcripts and codes new interviews a recogniser transcribed would.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, cohen_kappa_score, f1_score
from sklearn.model_selection import GroupKFold

from tr_nlp.agreement import fleiss_kappa, krippendorff_alpha
from tr_nlp.coding import make_theme_classifier
from tr_nlp.export.tables import write_table
from tr_nlp.features import CONTEXT_COLUMNS, context_frame, embed_texts, tfidf_features
from tr_nlp.ingest import ReadOptions, TableMapping, load_corpus
from tr_nlp.schema import Segment

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "annomi"
TASKS = {"therapist": ("therapist", "main_therapist_behaviour"), "client": ("client", "client_talk_type")}


def load(full: Path = DATA / "AnnoMI-full.csv") -> pd.DataFrame:
    """Gold utterances with tr_nlp's context frame columns beside them (the transcripts read
    from ``full``: AnnoMI-full, or a copy of it with time marks)."""
    gold = pd.read_csv(DATA / "AnnoMI-simple.csv")
    gold = gold.sort_values(["transcript_id", "utterance_id"], kind="stable").reset_index(drop=True)
    corpus = load_corpus([full], ReadOptions(table=TableMapping.preset("annomi")))
    interviews = corpus.by_id()
    segments = [
        Segment(iv.id, f"{iv.id}:{k}", t.start, t.end, t.speaker, t.role, iv.text[t.start:t.end])
        for iv in interviews.values() for k, t in enumerate(iv.turns)
    ]
    frame = context_frame(segments, interviews)
    frame["transcript_id"] = [int(s.interview_id) for s in segments]
    frame["k"] = frame.groupby("transcript_id").cumcount()
    gold["k"] = gold.groupby("transcript_id").cumcount()
    merged = gold.merge(frame, on=["transcript_id", "k"], how="left", validate="one_to_one")
    assert merged["text"].notna().all()
    return merged


def run_task(frame: pd.DataFrame, task: str, folds: int, finetune: bool = False, seeds: int = 1,
             tested_on: pd.DataFrame | None = None) -> dict:
    """Each model trained and tested fold by fold on ``frame``'s utterances of ``task``, or
    tested on ``tested_on``'s (the same utterances written otherwise, row for row)."""
    speaker, label = TASKS[task]
    rows = frame[frame["interlocutor"] == speaker].reset_index(drop=True)
    seen = rows if tested_on is None else tested_on[tested_on["interlocutor"] == speaker].reset_index(drop=True)
    assert (seen["utterance_id"].to_numpy() == rows["utterance_id"].to_numpy()).all()
    y = rows[label].to_numpy()
    groups = rows["transcript_id"].to_numpy()
    splits = list(GroupKFold(n_splits=5).split(rows, y, groups))[:folds]
    tuned = [(f"encoder{seed_suffix(s)}", f"finetune{seed_suffix(s)}", s) for s in range(seeds if finetune else 0)]
    names = ["baseline", "no_chain", "tr_nlp"] + [name for enc, ft, _ in tuned for name in (enc, ft)]
    preds = {n: np.empty(len(y), dtype=object) for n in names}
    classes = np.unique(y)
    probas = {n: np.zeros((len(y), len(classes))) for n in names}
    times = {n: 0.0 for n in names}
    tested = np.zeros(len(y), dtype=bool)
    fold = np.full(len(y), -1)
    strengths = []
    inputs, tests = rows[CONTEXT_COLUMNS], seen[CONTEXT_COLUMNS]
    for k, (train, test) in enumerate(splits):
        tested[test] = True
        fold[test] = k
        t0 = time.perf_counter()
        vec = tfidf_features()
        base = LogisticRegression(C=4.0, class_weight="balanced", max_iter=3000)
        base.fit(vec.fit_transform(rows["text"].iloc[train]), y[train])
        Xte = vec.transform(seen["text"].iloc[test])
        preds["baseline"][test] = base.predict(Xte)
        probas["baseline"][test] = aligned(base.predict_proba(Xte), base.classes_, classes)
        times["baseline"] += time.perf_counter() - t0

        t0 = time.perf_counter()
        model = make_theme_classifier("both", context=True, C=1.0)
        model.fit(inputs.iloc[train], y[train], head__groups=groups[train])
        head = model.named_steps["head"]
        proba = model.predict_proba(tests.iloc[test], groups=groups[test])
        preds["tr_nlp"][test] = head.decide(proba)
        probas["tr_nlp"][test] = aligned(proba, model.classes_, classes)
        times["tr_nlp"] += time.perf_counter() - t0
        strengths.append(head.chain_[2])
        proba = model.predict_proba(tests.iloc[test])  # the same model, utterances scored alone
        preds["no_chain"][test] = head.decide(proba)
        probas["no_chain"][test] = aligned(proba, model.classes_, classes)

        for enc, ft, seed in tuned:
            t0 = time.perf_counter()
            blend = make_theme_classifier("finetune", context=True, C=1.0, random_state=seed)
            blend.fit(inputs.iloc[train], y[train], head__groups=groups[train])
            head = blend.named_steps["head"]
            proba = head.predict_proba(tests.iloc[test], groups=groups[test])  # once: the encoder is slow
            preds[ft][test] = head.decide(proba)
            probas[ft][test] = aligned(proba, head.classes_, classes)
            times[ft] += time.perf_counter() - t0
            proba = head.finetuned_.predict_proba(tests.iloc[test])  # its own row, outside the timed blend
            preds[enc][test] = head.finetuned_.decide(proba)
            probas[enc][test] = aligned(proba, head.finetuned_.classes_, classes)
            times[enc] = times[ft] - times["tr_nlp"]
    results = {}
    for name, p in preds.items():
        yt, yp = y[tested], p[tested].astype(str)
        onehot = (yt[:, None] == classes[None, :]).astype(float)
        results[name] = {
            "macro_f1": f1_score(yt, yp, average="macro"), "accuracy": accuracy_score(yt, yp),
            "kappa": cohen_kappa_score(yt, yp), "brier": float(((probas[name][tested] - onehot) ** 2).sum(axis=1).mean()),
            "seconds": times[name] if name != "no_chain" else float("nan"),
            "per_class_f1": dict(zip(classes, f1_score(yt, yp, average=None, labels=classes))),
            "fold_f1": [f1_score(y[test], p[test].astype(str), average="macro") for _, test in splits],
        }
    results["_strengths"] = strengths
    results["_rows"] = rows.assign(pred_tr_nlp=preds["tr_nlp"], tested=tested)
    saved = rows.loc[tested, ["transcript_id", "utterance_id", label]].rename(columns={label: "gold"})
    saved.insert(2, "fold", fold[tested])
    for name in names:
        saved[f"{name}.pred"] = preds[name][tested].astype(str)
        for j, c in enumerate(classes):
            saved[f"{name}.p.{c}"] = probas[name][tested, j]
    results["_predictions"] = saved.reset_index(drop=True)
    return results


def aligned(proba: np.ndarray, model_classes: np.ndarray, classes: np.ndarray) -> np.ndarray:
    """``proba``'s columns reordered to ``classes`` (a class the model never saw gets 0)."""
    out = np.zeros((len(proba), len(classes)))
    out[:, np.searchsorted(classes, model_classes)] = proba
    return out


def seed_suffix(seed: int) -> str:
    """Row-name suffix of a fine-tuning seed: none for seed 0, ``:k`` for seed k."""
    return f":{seed}" if seed else ""


def seed_spread(results: dict, seeds: int) -> str:
    """One line per fine-tuned model: macro-F1 mean, sd and range over the seeds."""
    lines = []
    for name in ("encoder", "finetune"):
        f1 = np.array([results[name + seed_suffix(s)]["macro_f1"] for s in range(seeds)])
        lines.append(f"{name} over {seeds} seeds: macro-F1 mean {f1.mean():.3f}, sd {f1.std(ddof=1):.3f}, "
                     f"range {f1.min():.3f}-{f1.max():.3f}")
    return "\n".join(lines)


def with_time_marks(folder: Path) -> Path:
    """A copy of AnnoMI-full in ``folder`` whose every utterance starts with its time as aTrain
    marks each stretch of speech (``[00:01:02] - ``). Every model here reads a context frame's
    texts, which leave time marks out (:func:`tr_nlp.features.without_time_marks`), so the figures
    should match a run without marks; before that, the marks cost the context model 0.011 of
    client macro-F1."""
    full = pd.read_csv(DATA / "AnnoMI-full.csv")
    full["utterance_text"] = "[" + full["timestamp"].astype(str) + "] - " + full["utterance_text"].astype(str)
    full.to_csv(folder / "AnnoMI-full.csv", index=False)
    return folder / "AnnoMI-full.csv"


def as_recognised(folder: Path) -> Path:
    """A copy of AnnoMI-full in ``folder`` whose every utterance is in lower case without
    punctuation but inner apostrophes (an utterance of punctuation alone becomes "mm")."""
    full = pd.read_csv(DATA / "AnnoMI-full.csv")
    full["utterance_text"] = (full["utterance_text"].astype(str).str.lower()
                              .str.replace(r"[^\w\s']", " ", regex=True).str.split().str.join(" ")
                              .replace("", "mm"))
    full.to_csv(folder / "AnnoMI-full.csv", index=False)
    return folder / "AnnoMI-full.csv"


def human_agreement(task: str, scored: pd.DataFrame) -> dict:
    speaker, label = TASKS[task]
    full = pd.read_csv(DATA / "AnnoMI-full.csv")
    full = full[full["interlocutor"] == speaker]
    counts = full.groupby(["transcript_id", "utterance_id"])["annotator_id"].nunique()
    multi = counts[counts == 10].index
    sub = full.set_index(["transcript_id", "utterance_id"]).loc[multi].reset_index()
    wide = sub.pivot_table(index="annotator_id", columns=["transcript_id", "utterance_id"], values=label, aggfunc="first")
    codes = {c: i for i, c in enumerate(sorted(pd.unique(wide.to_numpy().ravel().astype(str))))}
    data = wide.apply(lambda col: col.map(lambda v: codes.get(str(v), np.nan))).to_numpy(dtype=float)
    on_multi = scored.set_index(["transcript_id", "utterance_id"]).reindex(wide.columns)
    ok = on_multi["tested"].fillna(False).to_numpy(dtype=bool)
    machine = (cohen_kappa_score(on_multi[label][ok], on_multi["pred_tr_nlp"][ok].astype(str))
               if ok.any() else float("nan"))
    return {"utterances": wide.shape[1], "fleiss_kappa": fleiss_kappa(data), "alpha": krippendorff_alpha(data),
            "machine_kappa": machine}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5, help="how many of the 5 GroupKFold folds to run")
    parser.add_argument("--tasks", default="therapist,client")
    parser.add_argument("--finetune", action="store_true",
                        help="also fine-tune MiniLM (slow on CPU: use with --folds 1)")
    parser.add_argument("--save", type=Path, default=None, metavar="DIR",
                        help="also write each model's out-of-fold predictions to DIR/annomi-TASK.parquet")
    parser.add_argument("--seeds", type=int, default=1,
                        help="with --finetune: fine-tune this many times (random_state 0, 1, ...) "
                             "and print the spread; rows 'encoder:k', 'finetune:k' are seed k")
    parser.add_argument("--time-marks", action="store_true",
                        help="put aTrain's time mark '[hh:mm:ss] - ' before every utterance first (tr_nlp's models "
                             "leave marks out; the figures should match a run without them)")
    parser.add_argument("--as-recognised", action="store_true",
                        help="write every utterance in lower case without punctuation first, as an offline speech "
                             "recogniser does, for training and testing alike")
    parser.add_argument("--tested-as-recognised", action="store_true",
                        help="train on the transcripts as they are, test on the same utterances written as an "
                             "offline speech recogniser does")
    args = parser.parse_args()
    if sum((args.time_marks, args.as_recognised, args.tested_as_recognised)) > 1:
        parser.error("--time-marks, --as-recognised and --tested-as-recognised each rewrite the utterances: give one")
    if args.seeds < 1:
        parser.error("--seeds must be at least 1")
    if not (DATA / "AnnoMI-simple.csv").is_file():
        raise SystemExit(f"AnnoMI not found at {DATA}")
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        frame = (load(with_time_marks(Path(folder))) if args.time_marks
                 else load(as_recognised(Path(folder))) if args.as_recognised else load())
        tested_on = load(as_recognised(Path(folder))) if args.tested_as_recognised else None
    t0 = time.perf_counter()
    texts = sorted(set().union(*(f[c] for f in (frame, tested_on) if f is not None
                                 for c in CONTEXT_COLUMNS if c.endswith("text"))))
    embed_texts(texts)  # fills the cache once; the models then read it
    print(f"AnnoMI: {len(frame)} utterances, {frame.transcript_id.nunique()} transcripts; embedding "
          f"{len(texts)} distinct texts took {time.perf_counter() - t0:.1f} s (near 0 when cached)")
    for task in args.tasks.split(","):
        results = run_task(frame, task, args.folds, args.finetune, args.seeds, tested_on)
        rows, predictions, strengths = results.pop("_rows"), results.pop("_predictions"), results.pop("_strengths")
        if args.save is not None:
            args.save.mkdir(parents=True, exist_ok=True)
            write_table(predictions, args.save / f"annomi-{task}.parquet")
        human = human_agreement(task, rows)
        print(f"\n== {task} ({TASKS[task][1]}), GroupKFold(5) on transcript_id, {args.folds} fold(s) ==")
        print(f"{'model':<10} {'macro-F1':>9} {'accuracy':>9} {'kappa':>7} {'Brier':>6} {'seconds':>8}   per-class F1")
        for name, r in results.items():
            per = ", ".join(f"{k} {v:.2f}" for k, v in r["per_class_f1"].items())
            seconds = "-" if np.isnan(r["seconds"]) else f"{r['seconds']:.1f}"
            print(f"{name:<10} {r['macro_f1']:>9.3f} {r['accuracy']:>9.3f} {r['kappa']:>7.3f} {r['brier']:>6.3f} "
                  f"{seconds:>8}   {per}")
        print(f"humans: {human['utterances']} utterances x 10 annotators: Fleiss' kappa {human['fleiss_kappa']:.3f}, "
              f"Krippendorff's alpha {human['alpha']:.3f}; tr_nlp kappa vs gold on those utterances "
              f"{human['machine_kappa']:.3f}")
        if args.folds > 1:
            print("macro-F1 per fold: " + "; ".join(
                f"{name} " + " ".join(f"{v:.3f}" for v in r["fold_f1"]) for name, r in results.items()))
        print("chain strength chosen by the inner CV, per fold: " + " ".join(f"{s:g}" for s in strengths))
        if args.finetune and args.seeds > 1:
            print(seed_spread(results, args.seeds))
    print(f"\ntotal wall time {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
