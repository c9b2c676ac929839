"""What a worker does with a few input files: read, segment, apply the model, return rows.

Runs in the batch process, a process-pool worker or a Dask worker. The model is loaded
once per worker process and kept (keyed by its folder and card hash), never once per
file. Every error becomes part of its file's result, so one bad file never stops a batch.
"""

from __future__ import annotations

import os
import time
import traceback
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from tr_nlp.batch import timelimit
from tr_nlp.coding import load_model
from tr_nlp.coding.evidence import read_new_texts, weight_matrix
from tr_nlp.coding.store import ThemeModel
from tr_nlp.coding.suggest import suggest
from tr_nlp.coding.writing import unlike_training
from tr_nlp.errors import TrNlpError
from tr_nlp.features.context import without_time_marks
from tr_nlp.features.embeddings import EmbeddingCache, SentenceEmbedder, embed_texts
from tr_nlp.ingest import ReadOptions, ReadResult, read_file
from tr_nlp.schema import Interview, Segment
from tr_nlp.segment import Segmenter

_MODELS: dict[tuple[str, str], ThemeModel] = {}
PREFETCH_BATCH = 16  # on a CPU, short length-sorted batches pad less than long ones


@dataclass(frozen=True)
class Task:
    """One input to code: where it is, what it holds, and how to code it."""

    path: str
    sha: str
    model_dir: str
    model_sha: str
    segmenter: Segmenter
    options: ReadOptions = field(default_factory=ReadOptions)
    fmt: str | None = None  # a reader forced by the folder's corpus.yaml (``format:``)
    word: bool = False  # send the interviews back, to be written as Word documents
    file: str | None = None  # the file to read, where ``path`` shows its name escaped (see path_text)


@dataclass
class Result:
    """The outcome for one input: suggestion rows, or an error code and message."""

    task: Task
    rows: pd.DataFrame | None = None
    interviews: tuple[str, ...] = ()
    texts: tuple[Interview, ...] = ()  # the interviews themselves, when the task asks for Word documents
    segments: int = 0
    code: str | None = None
    message: str | None = None
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.code is None


def worker_model(model_dir: str, model_sha: str) -> ThemeModel:
    """The model, loaded once per process."""
    key = (model_dir, model_sha)
    if key not in _MODELS:
        _MODELS.clear()
        _MODELS[key] = load_model(model_dir)
    return _MODELS[key]


def init_worker() -> None:
    """Set up a pool worker: one thread per process, so N workers use N cores, not N squared."""
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    try:
        import torch

        torch.set_num_threads(1)
    except ImportError:  # pragma: no cover - torch is a dependency
        pass


def code_files(tasks: Sequence[Task]) -> list[Result]:
    """Read, segment and code a few input files; never raises for a bad file.

    The sentences of all the files are embedded in one call first (into the embedding
    cache), so the encoder sees length-sorted batches instead of one short batch per file.
    """
    prepared = [_read(task) for task in tasks]
    ready = [p for p in prepared if p[0].ok]
    if ready:
        try:
            model = worker_model(tasks[0].model_dir, tasks[0].model_sha)
            for result, interviews, _ in ready:
                result.warnings += [said for _, said in unlike_training(model.card, interviews.values())]
            _prefetch(model, [without_time_marks(s.text) for _, _, segments in ready for s in segments])
        except Exception as exc:
            for result, _, _ in ready:
                _fail(result, exc)
            ready = []
    for result, interviews, segments in ready:
        t0 = time.perf_counter()
        try:
            rows = suggest(model, segments, interviews)
            rows.insert(0, "source", os.path.basename(result.task.path))
            result.rows, result.segments = rows, len(segments)
            result.texts = tuple(interviews.values()) if result.task.word else ()
        except Exception as exc:
            _fail(result, exc)
        result.seconds += time.perf_counter() - t0
    return [result for result, _, _ in prepared]


def _read(task: Task) -> tuple[Result, dict[str, Interview], list[Segment]]:
    t0 = time.perf_counter()
    result = Result(task)
    interviews: dict[str, Interview] = {}
    segments: list[Segment] = []
    try:
        read, segments = timelimit.within_time_limit(timelimit.READ_SECONDS, task.path, lambda: _segmented(task))
        interviews = {iv.id: iv for iv in read.interviews}
        result.interviews = tuple(interviews)
        result.warnings = list(read.warnings) + [w for _, w in task.segmenter.warnings(read.interviews)]
    except Exception as exc:
        _fail(result, exc)
    result.seconds = time.perf_counter() - t0
    return result, interviews, segments


def _segmented(task: Task) -> tuple[ReadResult, list[Segment]]:
    read = read_file(task.file or task.path, task.options, task.fmt)
    return read, task.segmenter.segment(read.interviews)


def _prefetch(model: ThemeModel, texts: list[str]) -> None:
    """Embed ``texts`` into the cache of each MiniLM feature the model uses (no-op otherwise):
    for the feature of the segment's own text, in the pass that also reads them for the
    suggestions' evidence (:func:`~tr_nlp.coding.evidence.read_new_texts`)."""
    if (weights := weight_matrix(model)) is not None:
        read_new_texts(model, texts, weights)
    embedders = {id(v): v for v in model.pipeline.get_params(deep=True).values() if isinstance(v, SentenceEmbedder)}
    for embedder in embedders.values():
        embed_texts(texts, EmbeddingCache(embedder.cache_dir), PREFETCH_BATCH)


def _fail(result: Result, exc: BaseException) -> None:
    if isinstance(exc, TrNlpError):
        result.code, result.message = exc.code, str(exc)
    else:  # a bug or a resource problem must not stop the batch either
        result.code = "internal"
        result.message = f"{result.task.path}: {type(exc).__name__}: {exc} ({_where(exc)})"


def _where(exc: BaseException) -> Any:
    frames = traceback.extract_tb(exc.__traceback__)
    return f"{frames[-1].filename}:{frames[-1].lineno}" if frames else "?"
