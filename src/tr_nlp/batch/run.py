"""Run a model over a folder of new interviews: streaming, resumable, on any engine.

The output folder::

    OUT/manifest.sqlite          what was done to each input (see :mod:`.manifest`)
    OUT/suggestions.parquet/     one part file per input: a dataset that grows run by run
    OUT/suggestions.csv          every part, combined, ordered by input path
    OUT/interviews/ID.csv        each interview's suggestions
    OUT/word/ID.docx             (``word``) each interview as a Word document, its
                                 suggestions above threshold as comments; a copy of
                                 its own .docx where it is one (ID.eaf, a copy of its
                                 own ELAN file with the suggestions on tiers, where it
                                 was read from one). An input coded by an earlier run
                                 without them gets them from its stored suggestions,
                                 without being coded again
    OUT/word/codebook.yaml       (``word``) the model's codebook, and a corpus.yaml naming
                                 it, so that the documents read back with it
    OUT/errors.jsonl             one line per input that failed: file, code, message
    OUT/run.json                 settings, engine, counts, timings and warnings of the
                                 last run (files left out, what a file's reading noted)
    OUT/.lock                    held while a run works (:mod:`.lock`): one run per folder

Inputs are hashed and coded one by one as the engine takes them; each file's outputs are
written atomically before its manifest row is committed. Killing a run at any moment and
running it again therefore redoes at most the files that were in flight, and gives the
same outputs as a run that was never interrupted. Inputs that failed are tried again on
every run (a bad file fails again in milliseconds; a failure with a passing cause, such
as a worker out of memory, is not kept for good), and so are inputs whose outputs were
deleted since. An input moved or renamed since it was coded is not coded again: its row
follows it (:func:`_moved`). A damaged manifest is refused (E175) unless ``force`` starts a new one.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Any

import pandas as pd

from tr_nlp import __version__
from tr_nlp.batch.engines import Engine, InProcess
from tr_nlp.batch.lock import folder_lock
from tr_nlp.batch.manifest import MANIFEST_NAME, Entry, Manifest
from tr_nlp.batch.work import Result, Task, code_files
from tr_nlp.coding.store import CARD_FILE, card_codebook, verify_model_files
from tr_nlp.coding.suggest import SUGGESTION_COLUMNS
from tr_nlp.csvsafe import write_csv
from tr_nlp.errors import InputError, OutputError, path_text, said_of_files
from tr_nlp.export.folder import safe_stem, write_word_config
from tr_nlp.export.qdpx import MachineLayer, model_user, suggestions_layer
from tr_nlp.export.tables import atomic_path, check_folder_path, write_json, write_table, write_text
from tr_nlp.hashing import file_sha256
from tr_nlp.ingest import ReadOptions, read_file
from tr_nlp.ingest.base import reader_of
from tr_nlp.ingest.corpus import plan_inputs, real_path
from tr_nlp.schema import Interview, clock, seconds_cell
from tr_nlp.segment import Segmenter
from tr_nlp.versions import library_versions

DATASET = "suggestions.parquet"
WORD = "word"
MIN_FREE_MB = 50
#: files per task at most; fewer when there are few files per worker. A task's new sentences
#: are embedded in one call, in fixed-shape batches whose last at each length is filled with
#: copies (:func:`~tr_nlp.features.embeddings.encode_alike`): the more texts a call holds, the
#: less of that filler. With 8 files, half of the word pieces the encoder read in
#: ``benchmarks/throughput.py``'s batch were filler, with 32 a third: one worker took 63.6 s and
#: 64.4 s against 65.4 s and 69.6 s (runs taken in turn). A worker stopped midway redoes its
#: task's files (seconds), never a finished one.
CHUNK_FILES = 32


@dataclass
class BatchReport:
    """What a batch run did."""

    out_dir: Path
    engine: str
    total: int = 0
    coded: int = 0
    skipped: int = 0
    failed: list[Entry] = field(default_factory=list)
    segments: int = 0
    seconds: float = 0.0
    outputs: dict[str, Path] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)  # of the run as a whole
    file_warnings: list[tuple[str, str]] = field(default_factory=list)  # (input, warning) of each input coded
    interviews: list[str] = field(default_factory=list)  # every interview coded in the folder, this run or before
    documents: int = 0  # Word documents written for inputs coded before, from their stored suggestions
    moved: int = 0  # inputs done under another path, now theirs (among those skipped; see _moved)

    @property
    def exit_code(self) -> int:
        """0 when every input is coded, 1 when some failed."""
        return 1 if self.failed else 0


Progress = Callable[[Result | None, int, int], None]  # (result or None for a skip, done, total)


def preflight(out_dir: str | Path, min_free_mb: int = MIN_FREE_MB) -> Path:
    """Check before any work that ``out_dir`` can be created, written and has room.

    Raises
    ------
    OutputError
        E170 when it cannot be written, E172 when the disk is (nearly) full.
    """
    out = check_folder_path(out_dir, "the batch")
    with atomic_path(out / ".write-test") as probe:
        probe.write_bytes(b"ok")
    (out / ".write-test").unlink(missing_ok=True)  # a second run (refused by the lock next) may race here
    free = shutil.disk_usage(out).free // 2**20
    if free < min_free_mb:
        raise OutputError("E172", out, free=free, need=min_free_mb)
    return out


def model_hash(model_dir: str | Path) -> str:
    """A hash of the model card, which holds the model file's own sha256: changes on any retrain."""
    card = Path(model_dir) / CARD_FILE
    return file_sha256(card) if card.is_file() else ""


def interview_file(interview_id: str) -> str:
    """A stable, safe file name for an interview's results; an id that is not a safe name
    as it stands gets a hash of itself, so two ids never get one name. Two that differ only
    in letter case would share a file on a case-insensitive disk: a batch refuses the
    second (E165).

    >>> interview_file("P07"), interview_file("site A/P07"), interview_file("site_A_P07")
    ('P07.csv', 'site_A_P07-d62b8def.csv', 'site_A_P07.csv')
    >>> interview_file("Con")  # not Windows' console
    'Con_-3b6f52aa.csv'
    """
    safe = safe_stem(interview_id)
    if safe != interview_id:
        safe += "-" + hashlib.sha256(interview_id.encode()).hexdigest()[:8]
    return f"{safe}.csv"


def run_batch(
    inputs: str | Path | Sequence[str | Path],
    model_dir: str | Path,
    out_dir: str | Path,
    segmenter: Segmenter = Segmenter(),
    options: ReadOptions = ReadOptions(),
    engine: Engine | Callable[[int], Engine] | None = None,
    force: bool = False,
    progress: Progress | None = None,
    word: bool = False,
) -> BatchReport:
    """Code every input with the model in ``model_dir``, skipping work already done.

    Parameters
    ----------
    inputs : path or sequence of path
        Files, folders (a ``corpus.yaml`` in one is honoured) and globs; one may be given alone.
    model_dir : path
        A trained model folder; loaded (and verified) once here and once per worker.
    out_dir : path
        The output folder (see the module docstring); created when missing.
    segmenter : Segmenter
        How to cut interviews into segments (part of what a done file is keyed on).
    options : ReadOptions
        Read options for inputs outside a ``corpus.yaml`` folder.
    engine : Engine or callable, optional
        Where to run (:func:`tr_nlp.batch.make_engine`); default: in this process. A
        callable (:func:`tr_nlp.batch.sized_local_engine`) is called with the bytes of the
        inputs still to code (those without a finished manifest row for this model and
        these settings; an input edited since is coded but not counted) and its engine is
        closed when the run ends.
    force : bool
        Redo every input, even those the manifest says are done; code an input moved and
        changed, or renamed to another letter case, in the place of its old path (E167 or
        E165 without); replace a damaged manifest.
    progress : callable, optional
        Called after each input with (result, or None for a skipped input; done; total).
    word : bool
        Also write each interview as a Word document with its suggestions as comments
        (``OUT/word/``; see :func:`tr_nlp.export.annotate.write_word`). An input done
        without its documents gets them from its stored suggestions (it is read again,
        not coded again: :attr:`BatchReport.documents` counts them); an input coded again
        without ``word`` loses its earlier documents, which no longer show its suggestions.

    Raises
    ------
    OutputError
        When the output folder cannot be written (checked before any work), or another
        run is writing to it (E176).
    ModelError
        When the model is missing or fails verification.
    """
    t0 = time.perf_counter()
    out = preflight(out_dir)
    with folder_lock(out):  # one run per folder (E176), so runs never redo or delete each other's work
        return _run(inputs, model_dir, out, segmenter, options, engine or InProcess(), force, progress, t0, word)


def _job(model_sha: str, segmenter: Segmenter, path: Path, options: ReadOptions, fmt: str | None) -> str:
    """What decides a file's results besides its bytes: the model, the segmenter and how
    the file is read: the speaker roles set for it (``--speaker-role`` or its folder's
    ``corpus.yaml``), and the format, encoding and table mapping (``--preset``) set for
    it. A setting not set adds nothing, so the job of a file read with defaults is the
    job of earlier versions."""
    settings: list[Any] = [model_sha, asdict(segmenter)]
    if options.roles.overrides:
        settings.append(sorted(options.roles.overrides.items()))
    table = options.table if reader_of(path, fmt) == "table" else None
    read = {"format": fmt, "encoding": options.encoding, "table": table and asdict(table)}
    if any(read.values()):
        settings.append(read)
    return hashlib.sha256(json.dumps(settings, sort_keys=True, default=str).encode()).hexdigest()


def _run(inputs: str | Path | Sequence[str | Path], model_dir: str | Path, out: Path, segmenter: Segmenter,
         options: ReadOptions, engine: Engine | Callable[[int], Engine], force: bool, progress: Progress | None,
         t0: float, word: bool = False) -> BatchReport:
    """:func:`run_batch` in a checked output folder whose lock this process holds."""
    card, _ = verify_model_files(model_dir)  # a missing or tampered model fails before any work
    model_sha = model_hash(model_dir)
    user = model_user(card) if word else None  # who the documents' comments are by
    codebook = card_codebook(card, model_dir) if word else None  # beside the documents
    manifest = Manifest(out, replace_damaged=force)
    pending = out / ".combine-pending"
    runner = None if callable(engine) else engine
    try:
        plan = plan_inputs(inputs, options, exclude=out)
        files = plan.files
        where = {path: str(real_path(path)) for path, _, _ in files}
        keys = {path: path_text(file) for path, file in where.items()}  # the manifest's: text SQLite can hold
        rows = {path: manifest.get(key) for path, key in keys.items()}
        jobs = {path: _job(model_sha, segmenter, path, opts, fmt) for path, opts, fmt in files}
        finished = {path: not force and _done(rows[path], jobs[path], out) for path in keys}  # if its bytes match
        if runner is None:  # sized to the input still to code
            runner = engine(sum(_size(path) for path in keys if not finished[path]))
        report = BatchReport(out, runner.description, total=len(files), warnings=list(plan.warnings))
        done = 0
        names = {_name_key(iid): iid for iid in manifest.interview_ids()}
        before: dict[str, tuple[Entry | None, str]] = {}  # each input in flight: its manifest row and job
        sources = {keys[path]: (path, opts, fmt) for path, opts, fmt in files}
        disk = _OnDisk(sources)

        def tasks() -> Iterator[Task]:
            nonlocal done
            for path, opts, fmt in files:
                key, entry, job = keys[path], rows[path], jobs[path]
                try:
                    sha = file_sha256(path)
                except OSError as exc:
                    sha = f"unreadable: {exc.strerror or exc}"
                moved = entry is None and not force  # moved or renamed here since it was coded?
                if moved:
                    entry = _moved(key, sha, job, manifest, out, pending, partial(_ids, path, opts, fmt))
                    finished[path] = moved = entry is not None
                if finished[path] and entry is not None and entry.sha == sha \
                        and (user is None or _add_documents(path, opts, fmt, entry, out, user, report)):
                    report.skipped += 1
                    report.moved += moved
                    done += 1
                    if progress:
                        progress(None, done, report.total)
                    continue
                before[key] = entry, job
                yield Task(key, sha, str(model_dir), model_sha, segmenter, opts, fmt, word,
                           None if where[path] == key else where[path])

        size = max(1, min(CHUNK_FILES, len(files) // (4 * runner.workers)))
        for results in runner.imap(code_files, _chunks(tasks(), size), lost=_lost, split=_one_each):
            flight = [before.pop(r.task.path) for r in results]
            previous = [prior for prior, _ in flight]
            # a failure in place of a failure changes errors.jsonl only, not the combined CSV
            if any(r.ok or (p is not None and p.status == "done") for r, p in zip(results, previous)):
                pending.touch()  # the combined CSV is stale until _combine has run
            for result, (prior, job) in zip(results, flight):
                entry = _store(result, prior, manifest, out, job, names, user, take_over=force, disk=disk)
                done += 1
                if entry.status == "failed":
                    report.failed.append(entry)
                else:
                    report.coded += 1
                    report.segments += entry.segments
                report.file_warnings.extend((str(result.task.path), w) for w in result.warnings)
                if progress:
                    progress(result, done, report.total)
        report.outputs = _combine(manifest, out, rebuild=pending.exists() or force, sources=sources)
        if word and (out / WORD).is_dir():  # so that the documents read back with the model's codebook
            why = write_word_config(out / WORD, codebook)[1]
            report.warnings += [why] if why else []
        pending.unlink(missing_ok=True)
        report.interviews = sorted(manifest.interview_ids())
    finally:
        manifest.close()
        if runner is not None and runner is not engine:
            runner.close()
    report.failed.sort(key=lambda e: e.path)
    report.seconds = time.perf_counter() - t0
    report.outputs["run"] = write_json(_run_record(report, model_dir, segmenter), out / "run.json")
    return report


def _lost(chunk: list[Task], error: BaseException) -> list[Result]:
    """The results of inputs whose worker process died coding them (E168)."""
    return [Result(task, code="E168", message=str(InputError("E168", task.path, detail=type(error).__name__)))
            for task in chunk]


def _one_each(chunk: list[Task]) -> list[list[Task]]:
    """A group of inputs as groups of one, to run alone."""
    return [[task] for task in chunk]


def _chunks(tasks: Iterator[Task], size: int) -> Iterator[list[Task]]:
    """Groups of ``size`` tasks: a worker embeds a group's sentences in one call."""
    chunk: list[Task] = []
    for task in tasks:
        chunk.append(task)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _done(entry: Entry | None, job: str, out: Path) -> bool:
    """Whether an input's manifest row says it was coded for ``job`` and its outputs are
    all still on disk (the caller checks its bytes are unchanged). A failed input is tried
    again (the cause may have passed), and so is one whose outputs are gone."""
    return entry is not None and entry.job == job and entry.status == "done" and _outputs_present(entry, out)


def _add_documents(path: Path, options: ReadOptions, fmt: str | None, entry: Entry, out: Path, user: str,
                   report: BatchReport) -> bool:
    """Write the Word documents a done input lacks (coded by a run without them, or
    deleted since) from its stored suggestions: the input is read again, not coded again.
    False when it no longer reads as the interviews it was coded as, or its stored
    suggestions cannot be read: it is coded again then (where any error is recorded, as
    for every input, instead of stopping the run)."""
    missing = [iid for iid in entry.interviews if not any(f.is_file() for f in _files_of(out, iid)[1:])]
    if not missing:
        return True
    try:
        interviews = {iv.id: iv for iv in read_file(path, options, fmt).interviews}
        rows = pd.read_parquet(out / DATASET / str(entry.part))
    except Exception:  # a reader's bug or a damaged part file, as well as a TrNlpError
        return False
    if list(interviews) != list(entry.interviews):
        return False
    by_interview = {str(iid): group for iid, group in rows.groupby("interview_id", sort=True)}
    for interview_id in missing:
        layer = suggestions_layer(by_interview.get(interview_id, rows.iloc[:0]), user)
        _write_word(_files_of(out, interview_id)[1], interviews[interview_id], layer)
        report.documents += 1
    return True


def _size(path: Path) -> int:
    """The bytes of ``path`` (0 when it cannot be read: coding it fails at once)."""
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _outputs_present(entry: Entry, out: Path) -> bool:
    """Whether a done input's part file and interview tables are all still on disk."""
    return bool(entry.part) and (out / DATASET / str(entry.part)).is_file() and all(
        _files_of(out, iid)[0].is_file() for iid in entry.interviews)


def _files_of(out: Path, interview_id: str) -> tuple[Path, Path, Path]:
    """An interview's own outputs: its suggestions table, its Word document and (one read
    from ELAN) the copy of its ``.eaf`` written instead."""
    name = interview_file(interview_id)
    document = out / WORD / Path(name).with_suffix(".docx").name
    return out / "interviews" / name, document, document.with_suffix(".eaf")


def _store(result: Result, previous: Entry | None, manifest: Manifest, out: Path,
           job: str, names: dict[str, str], user: str | None = None, take_over: bool = False,
           disk: _OnDisk | None = None) -> Entry:
    """Write one input's outputs atomically, commit its manifest row, then drop stale outputs.

    ``previous`` is the input's manifest row before this run (None for a new input); with
    ``take_over``, the rows of inputs gone from disk whose interviews it has now are
    replaced by its own, as are the rows of inputs of this run changed since they were
    coded that no longer read as its interviews (``disk``; see :func:`_clash`). ``names``
    (see :func:`_clash`) is kept up to date. With a ``user`` (the model's, as
    :func:`~tr_nlp.export.qdpx.model_user` names it) each interview is written as a Word
    document too, its suggestions comments by that user; without one, documents an earlier
    run wrote of its interviews are removed, as they no longer show its suggestions.
    """
    task = result.task
    code, message = result.code, result.message
    clash = _clash(result, manifest, names, take_over, disk) if result.ok else None
    if clash is not None:
        code, message = clash.code, str(clash)
    if code is not None:
        entry = Entry(task.path, task.sha, job, "failed", None, result.interviews, 0, code, message, result.seconds)
    else:
        assert result.rows is not None
        part = _part_name(task.path, task.sha)
        write_table(result.rows, out / DATASET / part)
        by_interview = {str(iid): rows for iid, rows in result.rows.groupby("interview_id", sort=True)}
        texts = {interview.id: interview for interview in result.texts}
        for interview_id in result.interviews:  # one table each, empty for an interview without segments
            table, document, copy = _files_of(out, interview_id)
            rows = by_interview.get(interview_id, result.rows.iloc[:0])
            write_table(rows, table)
            if user is None:
                document.unlink(missing_ok=True)
                copy.unlink(missing_ok=True)
            elif interview_id in texts:
                _write_word(document, texts[interview_id], suggestions_layer(rows, user))
        entry = Entry(task.path, task.sha, job, "done", part, result.interviews, result.segments,
                      seconds=result.seconds)
    # inputs gone from disk (with take_over), or changed, whose interviews this one has now
    # (or ids differing only in letter case, which would share their files): their rows go
    ids = {*result.interviews, *(names.get(_name_key(iid), iid) for iid in result.interviews)}
    owners = {manifest.owner(iid) for iid in ids} if entry.status == "done" else set()
    displaced = [e for owner in sorted(owners - {None, task.path}) if (e := manifest.get(str(owner))) is not None]
    manifest.record(entry, replaces=[e.path for e in displaced])
    gone: list[str] = []  # an edited or recoded input's former interviews that no input has now
    for earlier in (previous, *displaced):
        if earlier is None or earlier.status != "done":
            continue
        if earlier.part and earlier.part != entry.part:
            (out / DATASET / earlier.part).unlink(missing_ok=True)
        gone += [iid for iid in earlier.interviews if manifest.owner(iid) is None]
    for interview_id in gone:
        key = _name_key(interview_id)
        if names.get(key) == interview_id:
            del names[key]
    if entry.status == "done":
        names.update((_name_key(iid), iid) for iid in entry.interviews)
    for interview_id in gone:
        heir = names.get(_name_key(interview_id))  # an id differing only in letter case
        for k, stale in enumerate(_files_of(out, interview_id)):
            if heir is None or not _same_file(stale, _files_of(out, heir)[k]):
                stale.unlink(missing_ok=True)  # not, on a case-insensitive disk, the heir's file itself
    return entry


def _part_name(path: str, sha: str) -> str:
    """The dataset part file of the input at ``path`` (a manifest key) with bytes ``sha``."""
    return f"part-{hashlib.sha256(path.encode()).hexdigest()[:12]}-{sha[:12]}.parquet"


def _gone(path: str) -> bool:
    """Whether the input a manifest row names is no longer on disk (moved, renamed or
    deleted). Never for a name shown with escapes (:func:`~tr_nlp.errors.path_text`),
    which cannot be looked up as it stands."""
    return "\\x" not in path and not os.path.lexists(path)


def _moved(key: str, sha: str, job: str, manifest: Manifest, out: Path, pending: Path,
           ids: Callable[[], tuple[str, ...] | None]) -> Entry | None:
    """The manifest row of an input moved or renamed to ``key`` since it was coded (these
    bytes, coded for this job into the interviews it reads as now, ``ids()``, under a path
    no longer on disk, its outputs all present), made ``key``'s: its rows are rewritten to
    name their new ``source`` (the file's name), not coded again. None when there is none
    (or its rows cannot be read: the input is coded then). A file renamed whose interview
    is named by the file is a new interview (``P01.txt`` as ``P01b.txt``) and is coded."""
    found = [e for e in manifest.done_with(sha, job)
             if e.path != key and _gone(e.path) and _outputs_present(e, out)]
    read = ids() if found else None
    entry = next((e for e in found if e.interviews == read), None)
    if entry is None:
        return None
    try:
        rows = pd.read_parquet(out / DATASET / str(entry.part))
    except (OSError, ValueError):  # a damaged part file (pyarrow's errors are either): coded again
        return None
    pending.touch()  # the combined CSV names the old path until _combine has run
    rows["source"] = os.path.basename(key)  # as the worker names it
    moved = replace(entry, path=key, part=_part_name(key, sha))
    write_table(rows, out / DATASET / str(moved.part))
    for interview_id in entry.interviews:
        write_table(rows[rows["interview_id"].astype(str) == interview_id], _files_of(out, interview_id)[0])
    manifest.record(moved, replaces=[entry.path])
    if moved.part != entry.part:
        (out / DATASET / str(entry.part)).unlink(missing_ok=True)
    return moved


def _ids(path: Path, options: ReadOptions, fmt: str | None) -> tuple[str, ...] | None:
    """The ids of the interviews ``path`` reads as (None when it does not read)."""
    try:
        return tuple(interview.id for interview in read_file(path, options, fmt).interviews)
    except Exception:  # a reader's bug as well as a TrNlpError: coding it records the error
        return None


def _write_word(path: Path, interview: Interview, layer: MachineLayer) -> None:
    """Write ``interview`` as a Word document at ``path`` with ``layer``'s suggestions as
    comments; one read from an ELAN file as a copy of it beside (``.eaf``), the suggestions
    on tiers (:func:`~tr_nlp.export.annotate.write_eaf_copy`), where it still reads as its text."""
    from tr_nlp.export.annotate import (  # python-docx only where documents are asked for
        write_eaf_copy,
        write_word,
    )

    path.parent.mkdir(parents=True, exist_ok=True)
    if write_eaf_copy(path.with_suffix(".eaf"), interview, (), [layer]):
        path.unlink(missing_ok=True)
        return
    path.with_suffix(".eaf").unlink(missing_ok=True)
    write_word(path, interview, (), [layer])


def _name_key(interview_id: str) -> str:
    """An interview's result file name as a case-insensitive disk compares it."""
    return interview_file(interview_id).casefold()


def _same_file(a: Path, b: Path) -> bool:
    """Whether two paths name one existing file (as ``X.csv`` and ``x.csv`` may)."""
    try:
        return a.samefile(b)
    except OSError:
        return False


def _clash(result: Result, manifest: Manifest, names: dict[str, str], take_over: bool = False,
           disk: _OnDisk | None = None) -> InputError | None:
    """Why an input's interviews cannot be stored beside the others, if they cannot: an id
    another input still gives (E161; see :func:`_held`), or one whose result file differs
    from another's only in letter case (E165), which a case-insensitive disk would make one
    file. An id of an input no longer on disk (:func:`_gone`) is E167 unless ``take_over``
    (``--force``) or the input has the bytes that one had: it may be that one moved and
    changed, or another interview, whose earlier suggestions would be lost. (One moved
    unchanged is not even coded again where its coding still holds: :func:`_moved`.)
    So is an id differing only in letter case from one of an input no longer on disk (E165,
    as ``P01.txt`` renamed ``p01.txt`` gives), which ``take_over`` replaces.

    ``names`` maps each stored interview's result file name, case-folded, to its id;
    ``disk`` tells what other inputs hold now.
    """
    path = result.task.path
    disk = disk or _OnDisk()

    def standing(interview_id: str) -> tuple[str, str | None] | None:
        """The other input that stores ``interview_id`` in this one's way, if one does, with
        what E161 adds to its name; None in its place for one gone from disk."""
        owner = manifest.owner(interview_id)
        if owner is None or owner == path:  # none, or this input's own earlier id
            return None
        if _gone(owner):  # these bytes are that input moved, coded again (a new model, say)
            earlier = manifest.get(owner)
            same = earlier is not None and earlier.sha == result.task.sha
            return None if take_over or same else (owner, None)
        note = _held(owner, interview_id, result.task.sha, manifest, disk)
        return None if note is None else (owner, note)

    mine: dict[str, str] = {}
    for interview_id in result.interviews:
        if (blocked := standing(interview_id)) is not None:
            owner, note = blocked
            if note is None:
                return InputError("E167", path, interview_id=interview_id, other=owner)
            return InputError("E161", path, interview_id=interview_id, other=owner, note=note)
        key = _name_key(interview_id)
        if key in mine:
            return InputError("E165", path, interview_id=interview_id, other_id=mine[key], other=path, fix="rename one")
        mine[key] = interview_id
        other_id = names.get(key, interview_id)
        if other_id != interview_id and (blocked := standing(other_id)) is not None:
            owner, note = blocked
            fix = "rename one" if note is not None else (
                "it is no longer there: if this file is that interview renamed, run again with --force to code it in "
                f"its place (the suggestions of '{other_id}' are replaced); if it is another interview, rename this file")
            return InputError("E165", path, interview_id=interview_id, other_id=other_id, other=owner, fix=fix)
    return None


class _OnDisk:
    """What inputs hold now, each read once a run (an input taking over many interviews
    from another asks of it for each): the sha256 of an input's bytes (None where it
    cannot be read) and the interviews it reads as (None for an input not of this run,
    which ``sources`` maps from manifest key to path, read options and format)."""

    def __init__(self, sources: Mapping[str, tuple[Path, ReadOptions, str | None]] | None = None):
        self._sources = sources or {}
        self._shas: dict[str, str | None] = {}
        self._ids: dict[str, tuple[str, ...] | None] = {}

    def sha(self, key: str) -> str | None:
        if key not in self._shas:
            try:
                self._shas[key] = file_sha256(key)
            except OSError:
                self._shas[key] = None
        return self._shas[key]

    def ids(self, key: str) -> tuple[str, ...] | None:
        if key not in self._ids:
            self._ids[key] = (_ids(*self._sources[key]) or ()) if key in self._sources else None
        return self._ids[key]


def _held(owner: str, interview_id: str, sha: str, manifest: Manifest, disk: _OnDisk) -> str | None:
    """Whether the input ``owner``, on disk, still gives ``interview_id``, which its manifest
    row records: None when it does not (it has changed since it was coded, is an input of this
    run, and no longer reads as that interview: it is coded again in this run, so the input
    now holding the interview takes it over), else what E161 adds to the name ``owner``.

    An input changed since it was coded but not in this run cannot be read as the run
    reads it, so its row stands, and E161 says to give it too.
    """
    current = disk.sha(owner)
    earlier = manifest.get(owner)
    if current is not None and earlier is not None and current != earlier.sha:  # changed since it was coded
        held = disk.ids(owner)
        if held is None:
            return ", which has changed since it was coded: give it to this run too, so that it is read as it is now"
        if interview_id not in held:
            return None
    return ", of which this file is a copy" if current == sha else ""


def _combine(manifest: Manifest, out: Path, rebuild: bool,
             sources: Mapping[str, tuple[Path, ReadOptions, str | None]] | None = None) -> dict[str, Path]:
    """errors.jsonl (the inputs that failed, less those gone from disk since), and the
    combined CSV when ``rebuild`` (or it is missing); ordered by input path.

    A part file an earlier tr_nlp wrote with other columns is rewritten with today's, and
    so are its interviews' tables, so the CSV's rows, the dataset's parts and the tables
    all agree: the times and line numbers it lacks are read from its input where
    ``sources`` (manifest key -> path, read options, format) holds it (:func:`_filled`),
    other columns it lacks are left empty.
    """
    paths = {"manifest": out / MANIFEST_NAME, "dataset": out / DATASET, "csv": out / "suggestions.csv",
             "interviews": out / "interviews", "errors": out / "errors.jsonl"}
    if any((out / WORD).glob("*.docx")) or any((out / WORD).glob("*.eaf")):
        paths["word"] = out / WORD
    entries = list(manifest.entries())
    # an input that failed and is gone from disk since (left out, as E161 says) failed no more
    failed = "".join(json.dumps({"file": e.path, "code": e.code, "message": e.message}, ensure_ascii=False) + "\n"
                     for e in entries if e.status == "failed" and not _gone(e.path))
    if not paths["errors"].is_file() or paths["errors"].read_text(encoding="utf-8") != failed:
        write_text(failed, paths["errors"])
    if not rebuild and paths["csv"].is_file():
        return paths
    done = [e for e in entries if e.status == "done" and e.part]
    parts = [out / DATASET / str(e.part) for e in done]
    referenced = {p.name for p in parts}
    for stray in (out / DATASET).glob("*.parquet") if (out / DATASET).is_dir() else ():
        if stray.name not in referenced:  # left by a run killed between writing and recording
            stray.unlink()
    columns = ["source", *SUGGESTION_COLUMNS]
    with atomic_path(paths["csv"]) as tmp:
        for k, (entry, part) in enumerate(zip(done, parts)):  # one part at a time: memory stays bounded
            rows = pd.read_parquet(part)
            if list(rows.columns) != columns:  # written by an earlier tr_nlp: brought to today's columns
                rows = _filled(rows.reindex(columns=columns), [c for c in _MARKS if c not in rows.columns],
                               (sources or {}).get(entry.path))
                write_table(rows, part)
                for interview_id in entry.interviews:
                    table = _files_of(out, interview_id)[0]
                    if table.is_file():
                        write_table(rows[rows["interview_id"] == interview_id], table)
            write_csv(rows, tmp, append=k > 0)
        if not parts:
            tmp.write_text("")
    return paths


#: The columns of a suggestion that say where its segment is, which an earlier tr_nlp may not
#: have written: each computed from the interview as the segmenter does.
_MARKS = ("timestamp", "line", "line_end")


def _filled(rows: pd.DataFrame, missing: Sequence[str], source: tuple[Path, ReadOptions, str | None] | None,
            ) -> pd.DataFrame:
    """``rows`` of an earlier part with the ``missing`` marks (:data:`_MARKS`) filled from
    its input, read again (not coded again), where it still reads with each row's text at
    the row's offsets; left empty where it does not, or ``source`` is None (an input not
    given to this run). ``time`` is made from ``timestamp`` either way."""
    if missing and source is not None and len(rows):
        path, options, fmt = source
        try:
            interviews = {iv.id: iv for iv in read_file(path, options, fmt).interviews}
        except Exception:  # the columns stay empty, as without the input
            interviews = {}
        places = list(zip(rows["interview_id"].astype(str), rows["start"].astype(int), rows["end"].astype(int)))
        if all(iid in interviews and interviews[iid].text[a:b] == text
               for (iid, a, b), text in zip(places, rows["text"].astype(str))):
            marks = {"timestamp": [seconds_cell(interviews[iid].time_at(a)) for iid, a, _ in places]}
            lines = [interviews[iid].lines_of(a, b) for iid, a, b in places]
            marks["line"], marks["line_end"] = [n for n, _ in lines], [m for _, m in lines]
            for column in missing:
                rows[column] = marks[column]
    rows["time"] = rows["timestamp"].map(clock)
    return rows.astype({"timestamp": "float64", "line": "Int64", "line_end": "Int64"})


def add_run_outputs(out: str | Path, outputs: dict[str, Path]) -> Path:
    """Name ``outputs`` written after the batch itself (the candidate codes of
    ``--discover``, the report) among the outputs of ``OUT/run.json``, atomically."""
    path = Path(out) / "run.json"
    record = json.loads(path.read_text(encoding="utf-8"))
    record["outputs"] = {**record.get("outputs", {}), **{k: str(v) for k, v in outputs.items()}}
    return write_json(record, path)


def _run_record(report: BatchReport, model_dir: str | Path, segmenter: Segmenter) -> dict[str, Any]:
    return {
        "tr_nlp_version": __version__,
        "model": str(model_dir),
        "engine": report.engine,
        "settings": {"segmenter": asdict(segmenter)},
        "counts": {"inputs": report.total, "coded": report.coded, "skipped": report.skipped,
                   "moved": report.moved, "failed": len(report.failed), "segments_coded": report.segments},
        "seconds": round(report.seconds, 3),
        "versions": library_versions(),
        "outputs": {k: str(v) for k, v in report.outputs.items()},
        # an unattended run's stderr is often lost: what it warned of is kept with its counts
        "warnings": [*report.warnings, *(f"{path}: {warning}" for path, warning in report.file_warnings)],
        # the same, a warning said of many inputs in one line, as stderr has them (what the report lists)
        "warnings_in_short": [*report.warnings, *said_of_files(report.file_warnings)],
    }
