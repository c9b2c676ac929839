"""AnnoMI benchmark: tr_nlp's classifier vs a TF-IDF + logistic-regression baseline, on real data.

    python benchmarks/annomi.py [--folds 5] [--tasks therapist,client]

Data: ../shared/data/annomi (133 motivational-interviewing transcripts). Gold labels per
utterance as in AnnoMI-simple.csv; rows sorted by transcript and utterance id; folds from
``GroupKFold(n_splits=5)`` on ``transcript_id`` (so figures compare with the issue's
reference points). Tasks: therapist behaviour (4 classes, therapist utterances) and client
talk type (3 classes, client utterances).

Models, in the same run:
* baseline: TF-IDF word 1-2 + char 3-5 grams -> LogisticRegression (balanced);
* tr_nlp: the same TF-IDF + MiniLM sentence embeddings of the utterance, plus dialogue
  context (embeddings and TF-IDF of the previous utterance and the one before it, their
  speakers, position in the session, question marks), -> ``CodeClassifier`` (exclusive
  group, multinomial). Embeddings come from tr_nlp's cache (embedded once).

Also printed: human inter-annotator agreement on the 428 utterances coded by all 10
annotators (Fleiss' kappa and Krippendorff's alpha), beside the machine's kappa vs gold on
the same utterances.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, cohen_kappa_score, f1_score
from sklearn.model_selection import GroupKFold

from tr_nlp.agreement import fleiss_kappa, krippendorff_alpha
from tr_nlp.coding import CodeClassifier
from tr_nlp.features import embed_texts, tfidf_features

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "annomi"
TASKS = {"therapist": ("therapist", "main_therapist_behaviour"), "client": ("client", "client_talk_type")}


def load() -> pd.DataFrame:
    frame = pd.read_csv(DATA / "AnnoMI-simple.csv")
    frame = frame.sort_values(["transcript_id", "utterance_id"], kind="stable").reset_index(drop=True)
    frame["utterance_text"] = frame["utterance_text"].fillna("").astype(str)
    by = frame.groupby("transcript_id", sort=False)
    for k in (1, 2):
        frame[f"prev{k}_text"] = by["utterance_text"].shift(k).fillna("")
        frame[f"prev{k}_speaker"] = by["interlocutor"].shift(k).fillna("none")
    frame["position"] = by.cumcount() / by["utterance_id"].transform("count")
    return frame


def dense_context(rows: pd.DataFrame) -> np.ndarray:
    text = rows["utterance_text"]
    prev = rows["prev1_text"]
    return np.c_[
        text.str.contains(r"\?").astype(float), text.str.strip().str.endswith("?").astype(float),
        np.log1p(text.str.len()) / 6, prev.str.contains(r"\?").astype(float),
        np.log1p(prev.str.len()) / 6, rows["position"],
        (rows["prev1_speaker"] == rows["interlocutor"]).astype(float),
        (rows["prev2_speaker"] == rows["interlocutor"]).astype(float),
    ]


def run_task(frame: pd.DataFrame, task: str, folds: int, embeddings: dict[str, np.ndarray]) -> dict:
    speaker, label = TASKS[task]
    rows = frame[frame["interlocutor"] == speaker].reset_index(drop=True)
    y = rows[label].to_numpy()
    groups = rows["transcript_id"].to_numpy()
    splits = list(GroupKFold(n_splits=5).split(rows, y, groups))[:folds]
    preds: dict[str, np.ndarray] = {"baseline": np.empty(len(y), dtype=object), "tr_nlp": np.empty(len(y), dtype=object)}
    times = {"baseline": 0.0, "tr_nlp": 0.0}
    e_text = np.vstack([embeddings[t] for t in rows["utterance_text"]])
    e_prev1 = np.vstack([embeddings[t] for t in rows["prev1_text"]])
    e_prev2 = np.vstack([embeddings[t] for t in rows["prev2_text"]])
    dense = np.c_[e_text, 0.7 * e_prev1, 0.4 * e_prev2, dense_context(rows)]
    tested = np.zeros(len(y), dtype=bool)
    for train, test in splits:
        tested[test] = True
        t0 = time.perf_counter()
        vec = tfidf_features()
        Xtr, Xte = vec.fit_transform(rows["utterance_text"].iloc[train]), vec.transform(rows["utterance_text"].iloc[test])
        base = LogisticRegression(C=4.0, class_weight="balanced", max_iter=3000).fit(Xtr, y[train])
        preds["baseline"][test] = base.predict(Xte)
        times["baseline"] += time.perf_counter() - t0

        t0 = time.perf_counter()
        ctx = tfidf_features(20_000)
        Ctr = ctx.fit_transform(rows["prev1_text"].iloc[train])
        Cte = ctx.transform(rows["prev1_text"].iloc[test])
        Ztr = sp.hstack([Xtr, 0.5 * Ctr, sp.csr_matrix(dense[train])]).tocsr()
        Zte = sp.hstack([Xte, 0.5 * Cte, sp.csr_matrix(dense[test])]).tocsr()
        model = CodeClassifier(C=1.0).fit(Ztr, y[train])
        preds["tr_nlp"][test] = model.predict(Zte)
        times["tr_nlp"] += time.perf_counter() - t0
    results = {}
    for name, p in preds.items():
        yt, yp = y[tested], p[tested].astype(str)
        classes = sorted(set(yt))
        results[name] = {
            "macro_f1": f1_score(yt, yp, average="macro"), "accuracy": accuracy_score(yt, yp),
            "kappa": cohen_kappa_score(yt, yp), "seconds": times[name],
            "per_class_f1": dict(zip(classes, f1_score(yt, yp, average=None, labels=classes))),
        }
    results["_rows"] = rows.assign(pred_tr_nlp=preds["tr_nlp"], tested=tested)
    return results


def human_agreement(task: str, gold_rows: pd.DataFrame) -> dict:
    speaker, label = TASKS[task]
    full = pd.read_csv(DATA / "AnnoMI-full.csv")
    full = full[full["interlocutor"] == speaker]
    counts = full.groupby(["transcript_id", "utterance_id"])["annotator_id"].nunique()
    multi = counts[counts == 10].index
    sub = full.set_index(["transcript_id", "utterance_id"]).loc[multi].reset_index()
    wide = sub.pivot_table(index="annotator_id", columns=["transcript_id", "utterance_id"], values=label, aggfunc="first")
    codes = {c: i for i, c in enumerate(sorted(pd.unique(wide.to_numpy().ravel().astype(str))))}
    data = wide.apply(lambda col: col.map(lambda v: codes.get(str(v), np.nan))).to_numpy(dtype=float)
    keyed = gold_rows.set_index(["transcript_id", "utterance_id"])
    on_multi = keyed.reindex(wide.columns)
    ok = on_multi["tested"].fillna(False).to_numpy(dtype=bool)
    machine_kappa = cohen_kappa_score(on_multi[label][ok], on_multi["pred_tr_nlp"][ok].astype(str)) if ok.any() else float("nan")
    return {"utterances": wide.shape[1], "fleiss_kappa": fleiss_kappa(data), "alpha": krippendorff_alpha(data),
            "machine_kappa_vs_gold_same_utterances": machine_kappa}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5, help="how many of the 5 GroupKFold folds to run")
    parser.add_argument("--tasks", default="therapist,client")
    args = parser.parse_args()
    if not (DATA / "AnnoMI-simple.csv").is_file():
        raise SystemExit(f"AnnoMI not found at {DATA}")
    start = time.perf_counter()
    frame = load()
    t0 = time.perf_counter()
    texts = sorted(set(frame["utterance_text"]) | set(frame["prev1_text"]) | set(frame["prev2_text"]))
    vectors = embed_texts(texts, batch_size=128)
    embeddings = dict(zip(texts, vectors))
    embed_seconds = time.perf_counter() - t0
    print(f"AnnoMI: {len(frame)} utterances, {frame.transcript_id.nunique()} transcripts; "
          f"embedding {len(texts)} distinct texts took {embed_seconds:.1f} s (0 when cached)")
    for task in args.tasks.split(","):
        results = run_task(frame, task, args.folds, embeddings)
        rows = results.pop("_rows")
        human = human_agreement(task, rows)
        print(f"\n== {task} ({TASKS[task][1]}), GroupKFold(5) on transcript_id, {args.folds} fold(s) ==")
        print(f"{'model':<10} {'macro-F1':>9} {'accuracy':>9} {'kappa':>7} {'seconds':>8}   per-class F1")
        for name, r in results.items():
            per = ", ".join(f"{k} {v:.2f}" for k, v in r["per_class_f1"].items())
            print(f"{name:<10} {r['macro_f1']:>9.3f} {r['accuracy']:>9.3f} {r['kappa']:>7.3f} {r['seconds']:>8.1f}   {per}")
        print(f"humans: {human['utterances']} utterances x 10 annotators: Fleiss' kappa {human['fleiss_kappa']:.3f}, "
              f"Krippendorff's alpha {human['alpha']:.3f}; tr_nlp kappa vs gold on those utterances "
              f"{human['machine_kappa_vs_gold_same_utterances']:.3f}")
    print(f"\ntotal wall time {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
