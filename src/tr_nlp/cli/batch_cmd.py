"""``tr-nlp batch``: code a folder of new interviews, resumably, on local workers or Dask.

The batch machinery, the model and discovery (scikit-learn, Dask, BERTopic) are imported
when the command runs, so that ``tr-nlp --help`` and other commands do not wait for them.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from tr_nlp.cli import common as c
from tr_nlp.cli.coding_cmds import screening_sentence
from tr_nlp.errors import DiscoveryError, InputError
from tr_nlp.export import check_folder_path
from tr_nlp.ingest import ReadOptions, load_corpus
from tr_nlp.jsonfile import read_json_object
from tr_nlp.segment import Segmenter

if TYPE_CHECKING:
    from tr_nlp.batch import Engine
    from tr_nlp.batch.work import Result

_LOG_EVERY_S = 5.0


class _Reporter:
    """A rich progress bar (files/s, ETA) on a terminal; a plain line every few seconds otherwise."""

    def __init__(self, quiet: bool):
        self.quiet = quiet
        self.bar: Progress | None = None
        self.task = None
        self.last = 0.0
        self.skipped = 0  # inputs a previous run coded: they take no time, so they count in no rate
        # the rate counts from the first file coded: the workers' start-up (loading the model and its
        # libraries, seconds) is paid once, and from the start one file would predict a far-off end
        self.first: tuple[float, int] | None = None
        if not quiet and c.err.is_terminal:
            self.bar = Progress(TextColumn("coding"), BarColumn(), MofNCompleteColumn(),
                                TextColumn("{task.fields[rate]} files/s"), TimeRemainingColumn(), console=c.err)

    def __enter__(self) -> _Reporter:
        if self.bar is not None:
            self.bar.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)

    def __call__(self, result: Result | None, done: int, total: int) -> None:
        if self.quiet:
            return
        if result is None:
            self.skipped += 1
        elif not result.ok:
            c.error_line(result.message)
        now, coded = time.perf_counter(), done - self.skipped
        if result is not None and self.first is None:
            self.first = (now, coded)
        since, before = self.first or (now, coded)
        rate = (coded - before) / (now - since) if now > since else 0.0
        if self.bar is not None:
            if self.task is None:
                self.task = self.bar.add_task("coding", total=total, rate="0.0")
            # the bar (and rich's ETA) counts only this run's work, not what a previous run coded
            self.bar.update(self.task, total=total - self.skipped, completed=done - self.skipped,
                            rate=f"{rate:.1f}")
        elif done == total or time.perf_counter() - self.last >= _LOG_EVERY_S:
            self.last = time.perf_counter()
            eta = f"{(total - done) / rate:.0f} s" if rate > 0 else ("0 s" if done == total else "-")
            speed = f"{rate:.1f}" if rate > 0 else "-"
            resumed = f" ({self.skipped} done before)" if self.skipped else ""
            c.err.print(f"batch: {done}/{total} files{resumed}, {speed} files/s, ETA {eta}", highlight=False)


@c.handle_errors
def batch(
    model: c.ModelDir,
    output: Annotated[Path, typer.Option("--output", "-o", help="Output folder (manifest, results, errors).")],
    paths: c.Paths = None,
    corpus: c.CorpusOpt = None,
    workers: Annotated[int, typer.Option("--workers", help="Worker processes (default: one per 0.5 MB of input still to code, at most all cores; all cores with --engine dask).")] = 0,
    engine: Annotated[str, typer.Option("--engine", help="local (process pool) or dask.")] = "local",
    scheduler: Annotated[str | None, typer.Option("--scheduler", help="Address of a running Dask scheduler (tcp://HOST:PORT).")] = None,
    force: Annotated[bool, typer.Option("--force", help="Redo every input, even those already done; an input moved and changed, or renamed to another letter case, takes its interview over from its old place (E167, E165).")] = False,
    run_discovery: Annotated[bool, typer.Option("--discover", help="Afterwards, propose candidate codes from what the model left uncoded.")] = False,
    write_html: Annotated[bool, typer.Option("--report/--no-report", help="Write report.html (the offline HTML report) into the output folder.")] = True,
    word: Annotated[bool, typer.Option("--word", help="Also write each interview as a Word document with its suggestions as comments (word/ID.docx; a copy of its own .docx where it is one), for a team that reviews in Word.")] = False,
    unit: c.ModelUnit = None,
    roles: c.ModelRoles = None,
    window: c.Window = None,
    stride: c.Stride = None,
    preset: c.Preset = None,
    speaker_role: c.SpeakerRole = None,
    quiet: c.Quiet = False,
    verbose: c.Verbose = False,
) -> None:
    """Code new interviews with a model: resumable, a bad file never stops the run (exit 1 if any failed)."""
    paths = c.transcripts(paths, corpus)
    from tr_nlp.batch import make_engine, run_batch, sized_local_engine
    from tr_nlp.batch.run import add_run_outputs
    from tr_nlp.coding import read_card
    from tr_nlp.report import write_report

    check_folder_path(output, "the batch")  # before the model is read; run_batch checks the rest
    segmenter = c.model_segmenter(read_card(model), unit, roles, quiet, window, stride)
    options = c.read_options(preset, speaker_roles=speaker_role)
    if workers == 0 and engine == "local" and scheduler is None:
        runner: Engine | Callable[[int], Engine] = sized_local_engine()  # run_batch sizes it and closes it
    else:
        runner = make_engine(engine, workers or os.cpu_count() or 1, scheduler)
    try:
        with _Reporter(quiet) as reporter:
            report = run_batch(paths, model, output, segmenter, options, runner, force, reporter, word)
    finally:
        if not callable(runner):
            runner.close()
    if not quiet:
        for warning in report.warnings:
            c.warn(warning)
        c.warn_files(report.file_warnings)
    if report.coded == 0 and not report.failed and report.total:
        c.out.print(f"nothing to {'code' if report.documents else 'do'}: all {report.total} inputs are already "
                    f"coded with this model (see {report.outputs['manifest']}; --force redoes them)", highlight=False)
    else:
        rate = report.segments / report.seconds if report.seconds else 0.0
        c.out.print(f"{report.coded} coded, {report.skipped} already done, {len(report.failed)} failed "
                    f"of {report.total} inputs; {report.segments} segments in {report.seconds:.1f} s "
                    f"({rate:.0f} segments/s, {report.engine})", highlight=False)
        if not quiet and "dataset" in report.outputs:  # over every input coded, this run's and earlier ones'
            import pandas as pd

            from tr_nlp.coding.suggest import screening

            suggested = pd.read_parquet(report.outputs["dataset"], columns=["source", "segment_id", "above_threshold"])
            if sentence := screening_sentence(screening(suggested, read_card(model))):
                c.err.print(sentence, highlight=False)
    if report.moved:
        c.out.print(f"{report.moved} of the inputs already done were coded under another path (moved or renamed since)",
                    highlight=False)
    if report.documents:
        c.out.print(f"{report.documents} Word documents written from the suggestions of inputs coded before",
                    highlight=False)
    if run_discovery:
        later = _discover(output, paths, options, model, segmenter, quiet)
    else:
        later = {}
        if report.coded and not quiet:
            _warn_undiscovered(output, report.interviews)
    html = output / "report.html"
    if write_html and (report.coded or run_discovery or (report.skipped and not html.exists())):
        report.outputs["report"] = write_report(output, html)
    elif html.exists():
        report.outputs["report"] = html  # nothing changed since it was written
    if "report" in report.outputs:
        later["report"] = report.outputs["report"]
    if later:  # run.json was written with the batch, before these
        add_run_outputs(output, later)
    for name in ("dataset", "csv", "interviews", "word", "errors", "manifest", "run", "report"):
        if name not in report.outputs:
            continue
        c.out.print(f"{name:>10}: {report.outputs[name]}", highlight=False)
    if report.failed:
        c.err.print(f"{len(report.failed)} input(s) failed; see {report.outputs['errors']}", highlight=False)
    raise typer.Exit(report.exit_code)


def _discover(out: Path, paths: list[Path], options: ReadOptions, model: Path, segmenter: Segmenter,
              quiet: bool) -> dict[str, Path]:
    """Candidate codes over all inputs (reads their text again; the model's codes count as
    coded); the files written."""
    from tr_nlp.coding import load_model
    from tr_nlp.topics import discover, write_discovery

    corpus = load_corpus(paths, options)
    try:
        found = discover(corpus, segmenter, load_model(model))
    except DiscoveryError as exc:
        c.warn(f"no candidate codes: {exc}")
        return {}
    written = write_discovery(found, out)  # beside the suggestions, where the run's report reads them
    if not quiet:
        c.err.print(f"{len(found.candidates)} candidate codes from {len(found.remainder.segments)} passages",
                    highlight=False)
    c.out.print(f"candidates: {written['candidates']}", highlight=False)
    return {"candidates": written["candidates"], "topics": written["topics"], "discovery": written["summary"]}


def _warn_undiscovered(out: Path, interviews: list[str]) -> None:
    """Say when the folder's candidate codes come from an earlier discovery that did not
    search some of its interviews (a broken ``discovery.json`` is the report's to name)."""
    from tr_nlp.topics import undiscovered

    summary = out / "discovery.json"
    try:
        missed = undiscovered(read_json_object(summary, InputError, "E221"), interviews) if summary.is_file() else []
    except InputError:
        return
    if missed:
        c.warn(f"the candidate codes in {out / 'candidates.yaml'} come from an earlier --discover that did not search "
               f"{len(missed)} of the {len(interviews)} interviews coded here; run again with --discover over all "
               "the inputs to search them (what is coded is not coded again)")
