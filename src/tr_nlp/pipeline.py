"""The main job: the whole pipeline on a corpus folder, writing a run folder.

Stages so far: ingest -> segment -> map human codings. Each stage's outputs are written
atomically into the run folder (layout in ../shared/CLI.md) and listed in ``run.json``
with versions, settings and timings.
"""

from __future__ import annotations

import platform
import time
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from tr_nlp import __version__
from tr_nlp.errors import ConfigError
from tr_nlp.export import write_json, write_table
from tr_nlp.ingest import Corpus, ReadOptions, load_corpus
from tr_nlp.ingest.codings import codings_frame_with_text
from tr_nlp.segment import Segmenter, coder_coverage, map_codings
from tr_nlp.schema import segments_to_frame, turns_to_frame

_VERSIONED = ("spacy", "pandas", "pyarrow", "numpy", "python-docx", "scikit-learn", "torch")


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


def library_versions() -> dict[str, str]:
    """Versions of tr_nlp, Python and the libraries that shape results."""
    versions = {"tr_nlp": __version__, "python": platform.python_version()}
    for name in _VERSIONED:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return versions


def run_pipeline(
    corpus_path: str | Path,
    out_dir: str | Path,
    segmenter: Segmenter = Segmenter(),
    options: ReadOptions = ReadOptions(),
    overlap: float = 0.5,
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

    by_id = corpus.by_id()
    result.outputs["segments"] = write_table(segments_to_frame(segments), out / "segments.parquet")
    result.outputs["segments_csv"] = write_table(segments_to_frame(segments), out / "segments.csv")
    result.outputs["turns"] = write_table(turns_to_frame(corpus.interviews), out / "turns.parquet")
    result.outputs["codings"] = write_table(codings_frame_with_text(corpus.codings, by_id), out / "codings.csv")
    result.outputs["segment_codes"] = write_table(mapped, out / "segment_codes.parquet")

    coverage = coder_coverage(corpus.codings)
    coded_segments = mapped.drop_duplicates(["segment_id", "code"]).groupby("code").size()
    result.summary = {
        "interviews": len(corpus.interviews),
        "failed_files": [str(f.error) for f in corpus.failures],
        "segments": len(segments),
        "codings": len(corpus.codings),
        "coders": {coder: sorted(ids) for coder, ids in sorted(coverage.items())},
        "segments_per_code": {k: int(v) for k, v in coded_segments.items()},
    }
    run = {
        "tr_nlp_version": __version__,
        "corpus": str(corpus_path),
        "settings": {"segmenter": asdict(segmenter), "overlap": overlap},
        "versions": library_versions(),
        "timings_s": {k: round(v, 3) for k, v in timings.items()},
        "summary": result.summary,
        "outputs": {k: str(v) for k, v in result.outputs.items()},
    }
    result.outputs["run"] = write_json(run, out / "run.json")
    return result
