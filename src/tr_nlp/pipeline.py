"""The main job: the whole pipeline on a corpus folder, writing a run folder.

Stages so far: ingest -> segment -> map human codings -> train on the coded interviews ->
evaluate (grouped CV, machine vs human beside human vs human) -> code the interviews no
human coded -> discover candidate codes in what neither coders nor model coded -> export
a REFI-QDA project with all of it -> the offline HTML report. Each stage's outputs are written atomically into the
run folder (layout in ../shared/CLI.md) and listed in ``run.json`` with versions,
settings and timings.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from tr_nlp.coding import ThemeModel, coded_data, cross_validate, save_model, suggest, train_model
from tr_nlp.coding.evaluate import card_metrics, write_evaluation
from tr_nlp.errors import ConfigError, DiscoveryError
from tr_nlp.export import write_json, write_table
from tr_nlp.export.annotate import write_word_folder
from tr_nlp.export.folder import write_word_config
from tr_nlp.export.qdpx import (
    candidate_codes,
    candidates_layer,
    model_user,
    suggestions_layer,
    write_qdpx,
)
from tr_nlp.ingest import Corpus, ReadOptions, load_corpus
from tr_nlp.report import write_report
from tr_nlp.runfolder import corpus_summary, pooled_agreement, run_record, write_corpus_tables
from tr_nlp.segment import Segmenter, map_codings
from tr_nlp.topics import Discovery, discover, write_discovery
from tr_nlp.topics.candidates import candidates_to_dict


def find_demo_corpus() -> Path:
    """The shipped demo corpus: ``./corpora/demo`` or the one beside the source tree."""
    for candidate in (Path("corpora/demo"), Path(__file__).resolve().parents[2] / "corpora" / "demo"):
        if (candidate / "corpus.yaml").is_file():
            return candidate
    raise ConfigError("E163", detail="demo corpus not found; run from the repository root or pass --corpus")


@dataclass
class RunResult:
    """What a run wrote and what it found."""

    out_dir: Path
    outputs: dict[str, Path] = field(default_factory=dict)
    summary: dict[str, Any] = field(default_factory=dict)
    corpus: Corpus | None = None


def run_pipeline(
    corpus_path: str | Path,
    out_dir: str | Path,
    segmenter: Segmenter = Segmenter(),
    options: ReadOptions = ReadOptions(),
    overlap: float = 0.5,
    features: str = "both",
    seed: int = 0,
) -> RunResult:
    """Run every stage that exists on ``corpus_path`` and write the run folder."""
    out = Path(out_dir)
    result = RunResult(out)
    timings: dict[str, float] = {}

    t0 = time.perf_counter()
    corpus = load_corpus([corpus_path], options)
    result.corpus = corpus
    timings["ingest"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    segments = segmenter.segment(corpus.interviews)
    timings["segment"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    mapped = map_codings(segments, corpus.codings, overlap)
    timings["map_codings"] = time.perf_counter() - t0

    result.outputs.update(write_corpus_tables(out, corpus.interviews, segments, corpus.codings, mapped))

    name = Path(corpus_path).stem or "corpus"  # corpora/demo -> demo-theme-model
    model, suggestions = (_train_evaluate_code(corpus, segmenter, out, result, timings, features, seed, name)
                          if corpus.codings else (None, None))
    found = _discover(corpus, segmenter, model, out, result, timings, seed)
    _export_project(corpus, model, suggestions, found, out, result, timings)

    result.summary = {**result.summary, **corpus_summary(corpus, len(segments), mapped)}
    run = run_record(str(corpus_path), {"segmenter": asdict(segmenter), "overlap": overlap, "features": features,
                                        "seed": seed}, timings, result.summary, result.outputs)
    result.outputs["run"] = write_json(run, out / "run.json")
    t0 = time.perf_counter()
    result.outputs["report"] = write_report(out, out / "report.html")
    run["timings_s"]["report"] = round(time.perf_counter() - t0, 3)
    run["outputs"]["report"] = str(result.outputs["report"])
    write_json(run, out / "run.json")
    return result


def _train_evaluate_code(corpus: Corpus, segmenter: Segmenter, out: Path, result: RunResult,
                         timings: dict[str, float], features: str, seed: int,
                         name: str) -> tuple[ThemeModel, pd.DataFrame]:
    """Train on the coded interviews, cross-validate, and code the uncoded ones."""
    t0 = time.perf_counter()
    data = coded_data(corpus, segmenter)
    evaluation = cross_validate(data, features=features, seed=seed)
    timings["evaluate"] = time.perf_counter() - t0
    result.outputs.update(write_evaluation(evaluation, out))

    t0 = time.perf_counter()
    model = train_model(data, features, name=f"{name}-theme-model", corpus=corpus, seed=seed)
    model.card["cv_metrics"], model.card["cv_protocol"] = card_metrics(evaluation.agreement), evaluation.protocol
    result.outputs["model"] = save_model(model, out / "model")
    timings["train"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    coded = set(data.groups)
    new = [iv for iv in corpus.interviews if iv.id not in coded]
    suggestions = suggest(model, segmenter.segment(new), corpus.by_id())
    result.outputs["suggestions"] = write_table(suggestions, out / "suggestions.parquet")
    result.outputs["suggestions_csv"] = write_table(suggestions, out / "suggestions.csv")
    timings["code"] = time.perf_counter() - t0
    result.summary.update(pooled_agreement(evaluation))
    result.summary["coded_new_interviews"] = sorted(iv.id for iv in new)
    result.summary["suggestions_above_threshold"] = int(suggestions["above_threshold"].sum())
    return model, suggestions


def _discover(corpus: Corpus, segmenter: Segmenter, model: ThemeModel | None, out: Path, result: RunResult,
              timings: dict[str, float], seed: int) -> Discovery | None:
    """Candidate codes from what neither the coders nor the model coded."""
    t0 = time.perf_counter()
    try:
        found = discover(corpus, segmenter, model, seed=seed)
    except DiscoveryError as exc:  # too little uncoded text is a finding, not a failed run
        result.summary["discovery"] = {"skipped": str(exc)}
        return None
    paths = write_discovery(found, out)
    result.outputs["candidates"], result.outputs["topics"] = paths["candidates"], paths["topics"]
    timings["discover"] = time.perf_counter() - t0
    result.summary["discovery"] = {**found.summary(), "labels": [f"{c.name} ({c.reading})" for c in found.candidates]}
    return found


def _export_project(corpus: Corpus, model: ThemeModel | None, suggestions: pd.DataFrame | None,
                    found: Discovery | None, out: Path, result: RunResult, timings: dict[str, float]) -> None:
    """The REFI-QDA project (transcripts, each coder's codings, the model's suggestions,
    candidate codes), and the same as Word documents with comments (``word/``)."""
    t0 = time.perf_counter()
    layers = []
    if model is not None and suggestions is not None:
        layers.append(suggestions_layer(suggestions, model_user(model.card)))
    candidates = []
    if found is not None and found.candidates:
        entries = candidates_to_dict(found.candidates)["codes"]
        candidates = candidate_codes(entries)
        layers.append(candidates_layer(found.assignments, entries))
    name = corpus.codebook.name if corpus.codebook and corpus.codebook.name else "tr_nlp run"
    result.outputs["project"] = write_qdpx(out / "project.qdpx", corpus.interviews, corpus.codebook,
                                           codings=corpus.codings, layers=layers, candidates=candidates, name=name)
    write_word_folder(out / "word", corpus.interviews, corpus.codings, layers)
    write_word_config(out / "word", corpus.codebook)  # so that the folder reads back with it
    result.outputs["word"] = out / "word"
    timings["export"] = time.perf_counter() - t0
