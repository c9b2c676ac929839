"""Batch coding: resume, bad files, identical outputs on every engine, output-folder checks, kill -9."""

from __future__ import annotations

import codecs
import contextlib
import hashlib
import csv
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from conftest import DEMO, at_most, without_examples
from tr_nlp.batch import DaskEngine, InProcess, LocalPool, run_batch, sized_workers
from tr_nlp.batch import run as batch_run
from tr_nlp.batch.engines import BYTES_PER_WORKER
from tr_nlp.cli import app
from tr_nlp.coding import save_model, train_model
from tr_nlp.errors import ModelError, OutputError
from tr_nlp.export.folder import interview_file_text
from tr_nlp.export.qdpx import suggestion_note
from tr_nlp.ingest import ReadOptions, RoleMap, TableMapping, load_corpus, read_file
from tr_nlp.schema import lines_label
from tr_nlp.segment import Segmenter

runner = CliRunner()


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture(scope="module")
def model(demo_coded, tmp_path_factory) -> Path:
    corpus, data = demo_coded
    return save_model(train_model(data, features="tfidf", corpus=corpus, name="batch-test"),
                      tmp_path_factory.mktemp("model") / "m")


@pytest.fixture
def incoming(tmp_path) -> Path:
    """A copy of the demo interviews (with the corpus.yaml that gives demo09 its roles)."""
    folder = tmp_path / "incoming"
    shutil.copytree(DEMO, folder)
    return folder


def outputs(folder: Path) -> dict[str, bytes]:
    """Every output a user reads, by relative path (run.json holds timings, so not it)."""
    found = {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*")
             if p.is_file() and p.suffix in {".csv", ".jsonl"}}
    dataset = pd.read_parquet(folder / "suggestions.parquet")
    found["dataset"] = dataset.sort_values(["interview_id", "start", "code"]).to_csv(index=False).encode()
    return found


def test_batch_codes_every_demo_interview_and_a_second_run_does_nothing(incoming, model, tmp_path):
    out = tmp_path / "out"
    first = run("batch", incoming, "--model", model, "-o", out, "--workers", "1")
    assert first.exit_code == 0, first.output
    assert "18 coded, 0 already done, 0 failed of 18 inputs" in first.stdout
    frame = pd.read_csv(out / "suggestions.csv")
    flagged, segments = frame.loc[frame["above_threshold"], "segment_id"].nunique(), frame["segment_id"].nunique()
    assert (f"pre-screening: {flagged} of {segments} segments ({flagged / segments:.0%}) hold a suggestion; the model "
            f"card has no cross-validated recall to say what leaving the other {segments - flagged} unread would "
            "miss") in " ".join(first.stderr.split())  # (this model was trained without cross-validation)
    assert sorted(frame.interview_id.unique()) == [f"demo{i:02d}" for i in range(1, 19)]
    assert len(list((out / "interviews").glob("*.csv"))) == 18
    assert (out / "errors.jsonl").read_text() == ""
    html = (out / "report.html").read_text()  # the batch's report: suggestions per interview
    assert "Pre-screening" in html and '"id":"demo18"' in html and "batch run" in html
    # each suggestion's line in its transcript (a text file's; none in a subtitle file), and each turn's in the report
    assert frame.query("interview_id == 'demo01'").line.notna().all() and frame.query("interview_id == 'demo17'").line.isna().all()
    script = json.loads(re.search(r'<script type="application/json" id="tr-data">(.*?)</script>', html, re.DOTALL).group(1))
    shown = next(iv["turns"] for iv in script["interviews"] if iv["id"] == "demo01")
    # a turn of the report is one of the participant's turns (not every segment of hers
    # run together over the interviewer's questions), cited by the lines it runs over
    [demo01] = read_file(incoming / "interviews" / "demo01.txt").interviews
    said = [t for t in demo01.turns if t.role == "participant"]
    assert [turn[2] for turn in shown] == [t.start for t in said]
    assert [turn[5] for turn in shown] == [lines_label(*demo01.lines_of(t.start, t.end)) for t in said]
    # the folder's codings table is not taken for a transcript: corpus.yaml is honoured
    assert json.loads((out / "run.json").read_text())["counts"]["inputs"] == 18
    assert json.loads((out / "run.json").read_text())["outputs"]["report"] == str(out / "report.html")
    before = outputs(out)
    second = run("batch", incoming, "--model", model, "-o", out, "--workers", "1")
    assert second.exit_code == 0 and "nothing to do: all 18 inputs" in second.stdout
    assert outputs(out) == before


def test_batch_discover_writes_candidates_beside_the_suggestions_and_reports_them(incoming, model, tmp_path):
    # CLI.md's run folder: candidates.yaml and topics.parquet sit beside the suggestions,
    # where the batch's report reads them
    out = tmp_path / "out"
    result = run("batch", incoming, "--model", model, "-o", out, "--workers", "1", "--discover", "--quiet")
    assert result.exit_code == 0, result.output
    assert f"candidates: {out / 'candidates.yaml'}" in result.stdout
    names = [c["name"] for c in yaml.safe_load((out / "candidates.yaml").read_text())["codes"]]
    assert names and len(pd.read_parquet(out / "topics.parquet")) and (out / "discovery.json").is_file()
    html = (out / "report.html").read_text()
    assert "This run proposed no candidate codes." not in html
    assert all(name in html for name in names)
    named = json.loads((out / "run.json").read_text())["outputs"]  # run.json names them with the rest
    assert {k: Path(v).name for k, v in named.items() if k in ("candidates", "topics", "discovery", "report")} == {
        "candidates": "candidates.yaml", "topics": "topics.parquet", "discovery": "discovery.json",
        "report": "report.html"}
    # a later batch without --discover: the candidates did not search its interview, and both the run and its
    # report say so
    text = (incoming / "interviews" / "demo15.txt").read_text(encoding="utf-8")
    (incoming / "interviews" / "later01.txt").write_text(text.replace("interview_id: demo15", "interview_id: later01"),
                                                         encoding="utf-8")
    later = run("batch", incoming, "--model", model, "-o", out, "--workers", "1")
    assert later.exit_code == 0, later.output
    assert "1 coded, 18 already done" in later.stdout
    assert "did not search 1 of the 19 interviews coded here" in " ".join(later.output.split())
    html = (out / "report.html").read_text()
    assert "These candidates come from a search of 18 interview(s); 1 interview(s) of this run were not part of it " \
           "(later01)" in html
    assert all(name in html for name in names)


def test_batch_csv_text_opens_in_a_spreadsheet_as_text(model, tmp_path):
    """The combined and per-interview CSVs guard a turn that starts like a formula (csvsafe)."""
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "t.txt").write_text("Interviewer: And then?\nP1: =HYPERLINK(\"http://x.example\") she wrote, "
                                           "and I felt judged.\nInterviewer: Right.\n", encoding="utf-8")
    result = run("batch", tmp_path / "in", "--model", model, "-o", tmp_path / "out", "--workers", "1")
    assert result.exit_code == 0, result.output
    for table in (tmp_path / "out" / "suggestions.csv", tmp_path / "out" / "interviews" / "t.csv"):
        assert table.read_bytes().startswith(codecs.BOM_UTF8) and table.read_bytes().count(codecs.BOM_UTF8) == 1
        with open(table, newline="", encoding="utf-8-sig") as handle:
            texts = {row["text"] for row in csv.DictReader(handle)}
        assert texts == {"'=HYPERLINK(\"http://x.example\") she wrote, and I felt judged."}, table
    dataset = pd.read_parquet(tmp_path / "out" / "suggestions.parquet")
    assert set(dataset.text) == {"=HYPERLINK(\"http://x.example\") she wrote, and I felt judged."}


def test_a_file_named_twice_is_one_input(incoming, model, tmp_path):
    files = incoming / "interviews"
    result = run("batch", files / "demo15.txt", files / "demo15.txt", files / "demo16.docx",
                 "-o", tmp_path / "out", "--model", model, "--workers", "1")
    assert result.exit_code == 0, result.output
    assert "2 coded, 0 already done, 0 failed of 2 inputs" in result.stdout
    frame = pd.read_csv(tmp_path / "out" / "suggestions.csv")
    assert not frame.duplicated(["interview_id", "start", "end", "code"]).any()


def test_bad_files_are_recorded_and_the_rest_is_coded(incoming, model, tmp_path):
    (incoming / "interviews" / "broken.txt").write_bytes(b"\x00\x01\x02" * 100)
    (incoming / "interviews" / "empty.txt").write_bytes(b"")
    (incoming / "interviews" / "word97.doc").write_bytes(b"\xd0\xcf\x11\xe0")  # a .doc cut short: said, not lost
    (incoming / "interviews" / "notes.pages").write_bytes(b"PK")  # no reader takes it
    (incoming / "interviews" / "~$mo15.txt").write_bytes(b"\x05Alice" + b" " * 50)  # Word's lock file: left out
    os.mkfifo(incoming / "interviews" / "pipe.txt")  # once passed over without a word; hashing it would wait forever
    out = tmp_path / "out"
    with at_most(120):
        result = run("batch", incoming, "--model", model, "-o", out, "--workers", "1")
    assert result.exit_code == 1, result.exception
    assert "18 coded, 0 already done, 4 failed of 22 inputs" in result.stdout
    assert "1 file(s) not read: no reader takes their type (.pages 1)" in result.stderr
    warned = json.loads((out / "run.json").read_text())["warnings"]  # kept, for a run nobody watched
    assert any("1 file(s) not read: no reader takes their type (.pages 1)" in w for w in warned), warned
    assert any("1 lock file(s) left out" in w and "~$mo15.txt" in w for w in warned), warned
    errors = [json.loads(line) for line in (out / "errors.jsonl").read_text().splitlines()]
    assert [(Path(e["file"]).name, e["code"]) for e in errors] == [
        ("broken.txt", "E102"), ("empty.txt", "E101"), ("pipe.txt", "E109"), ("word97.doc", "E110")]
    assert "named pipe, socket or device, not a regular file" in errors[2]["message"]
    assert "4 input(s) failed" in result.stderr
    assert pd.read_csv(out / "suggestions.csv").interview_id.nunique() == 18
    html = (out / "report.html").read_text(encoding="utf-8")  # the report says what is missing from it, and why
    assert "<strong>4 input(s) could not be read, so nothing of them is in this report</strong>" in html
    assert f"<code>{incoming / 'interviews' / 'empty.txt'}</code> [E101]: the file is empty" in html
    assert "warning(s) of the run</summary>" in html and "~$mo15.txt" in html
    from tr_nlp.report import build_report

    quiet = build_report(out, quotes=False)  # a warning may quote a transcript: without quotes, only their number
    assert f"<code>{incoming / 'interviews' / 'empty.txt'}</code> [E101]</li>" in quiet and "~$mo15.txt" not in quiet
    before = outputs(out)
    with at_most(120):
        again = run("batch", incoming, "--model", model, "-o", out, "--workers", "1")  # the bad files fail again
    assert again.exit_code == 1
    assert "0 coded, 18 already done, 4 failed of 22 inputs" in again.stdout
    assert outputs(out) == before


def test_a_failed_input_is_tried_again_on_the_next_run(incoming, model, tmp_path, monkeypatch):
    from tr_nlp.batch import work

    def out_of_memory(*args: object) -> None:
        raise MemoryError("worker out of memory")

    out = tmp_path / "out"
    with monkeypatch.context() as patch:
        patch.setattr(work, "worker_model", out_of_memory)
        first = run_batch([incoming], model, out)
    assert (first.coded, len(first.failed)) == (0, 18)
    assert len((out / "errors.jsonl").read_text().splitlines()) == 18
    again = run_batch([incoming], model, out)  # same files, same model: the cause has passed
    assert (again.coded, again.skipped, again.failed) == (18, 0, [])
    assert (out / "errors.jsonl").read_text() == ""
    assert pd.read_csv(out / "suggestions.csv").interview_id.nunique() == 18


def test_an_input_that_keeps_its_reader_busy_fails_with_e169_and_the_others_are_coded(incoming, model, tmp_path,
                                                                                       monkeypatch):
    # a damaged file can keep a parser looping for hours (a .doc's properties held olefile for minutes)
    _stuck_on_demo04(monkeypatch)
    report = run_batch(str(incoming), model, tmp_path / "out")  # one input may be given alone
    assert report.coded == 17 and [(Path(f.path).name, f.code) for f in report.failed] == [("demo04.txt", "E169")]
    assert "reading it took more than 0.5 s" in report.failed[0].message
    assert pd.read_csv(tmp_path / "out" / "suggestions.csv").interview_id.nunique() == 17


def _stuck_on_demo04(monkeypatch):
    from tr_nlp.batch import timelimit, work

    real = work.read_file

    def stuck(path, *args):
        if Path(path).name == "demo04.txt":
            while True:
                pass
        return real(path, *args)

    monkeypatch.setattr(work, "read_file", stuck)
    monkeypatch.setattr(timelimit, "READ_SECONDS", 0.5)


def test_the_time_limit_holds_on_dask_worker_threads(incoming, model, tmp_path, monkeypatch):
    # a Dask worker runs its tasks on threads, where no timer signal reaches: the stuck read held
    # its worker for ever and the batch never ended
    from distributed import LocalCluster

    _stuck_on_demo04(monkeypatch)
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address="127.0.0.1:0") as cluster:
        engine = DaskEngine(1, scheduler=cluster.scheduler_address)  # threads of this process: patched too
        try:
            report = run_batch([incoming], model, tmp_path / "out", engine=engine)
        finally:
            engine.close()
    assert report.coded == 17 and [(Path(f.path).name, f.code) for f in report.failed] == [("demo04.txt", "E169")]


@pytest.mark.parametrize("thread", ["main", "other"])
def test_a_time_limit_reached_as_its_work_ends_never_raises_later(thread):
    # the timer can fire at any step, also just as the work ends: then E169 or the result, and
    # nothing raised after the limit is over
    import threading

    from tr_nlp.batch.timelimit import within_time_limit
    from tr_nlp.errors import InputError

    outcomes, leaked = [], []

    def spin(seconds):  # Python steps for about this long, where the timer's exception can land
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            pass
        return seconds

    def trials():
        try:
            for i in range(400):
                # every 50th read far past its limit, so that the limit is reached however busy the
                # machine (a timer thread waits its turn for Python's lock, 5 ms at a time)
                work = 1.0 if i % 50 == 0 else 0.001 * (i % 9)
                try:
                    outcomes.append(within_time_limit(0.001 * (i % 7 + 1), "p.txt", lambda w=work: spin(w)))
                except InputError as error:
                    outcomes.append(error.code)
                time.sleep(0.002)  # a late exception would land here
        except BaseException as error:  # noqa: BLE001 - what leaked is the finding
            leaked.append(error)

    if thread == "main":
        trials()
    else:
        worker = threading.Thread(target=trials)
        worker.start()
        worker.join(60)
    assert not leaked and len(outcomes) == 400
    assert {o for o in outcomes if isinstance(o, str)} <= {"E169"}
    assert 0 < outcomes.count("E169") < 400  # both happened


def test_a_stuck_read_off_the_main_thread_fails_with_e169():
    import threading

    from tr_nlp.batch.timelimit import within_time_limit
    from tr_nlp.errors import InputError

    found = []

    def stuck():
        while True:
            pass

    def reader():
        try:
            within_time_limit(0.2, "p07.doc", stuck)
        except InputError as error:
            found.append(str(error))

    worker = threading.Thread(target=reader, daemon=True)
    worker.start()
    worker.join(30)
    assert not worker.is_alive() and found and "p07.doc" in found[0] and "[E169]" in found[0]


def test_a_limit_reached_off_the_main_thread_leaves_no_thread_stopped_under_a_tracer():
    # the timer's exception was taken back by sending None, which on CPython 3.11 left the
    # interpreter's pending-exception flag raised: under a trace function (a debugger,
    # coverage) every thread then stood still, and a Dask batch never ended
    script = textwrap.dedent("""
        import threading
        from tr_nlp.batch.timelimit import within_time_limit
        from tr_nlp.errors import InputError

        def stuck():
            while True:
                pass

        def read():
            for seconds in (0.05, 0.1):
                try:
                    within_time_limit(seconds, "p07.doc", stuck)
                except InputError as error:
                    print(error.code, flush=True)
            print(sum(len(str(i)) for i in range(100_000)), flush=True)

        threading.settrace(lambda frame, event, arg: None)
        worker = threading.Thread(target=read)
        worker.start()
        worker.join()
        print("done", flush=True)
    """)
    try:
        done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False)
    except subprocess.TimeoutExpired as expired:
        pytest.fail(f"Python stood still after the limit: {expired.stdout!r}")
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["E169", "E169", "488890", "done"]


def test_retrying_a_duplicate_never_deletes_the_other_inputs_outputs(model, tmp_path):
    # b.csv holds interview 'a' too and fails (E161); its retry on the next run deleted
    # interviews/a.csv, which a.txt had written: a coded interview lost from the output
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("I: Who helped?\nP: The nurse sat with me and listened.\n", encoding="utf-8")
    (folder / "b.csv").write_text("interview_id,speaker,text\na,P,She rang me back when she said she would.\n",
                                  encoding="utf-8")
    out = tmp_path / "out"
    for _ in range(2):
        report = run_batch([folder], model, out)
        assert [Path(f.path).name for f in report.failed] == ["b.csv"]
        assert (out / "interviews" / "a.csv").is_file()
        assert set(pd.read_parquet(out / "suggestions.parquet").interview_id) == {"a"}
    said = (out / "errors.jsonl").read_text()
    assert "E161" in said and "rename one of the files" in said and "this file is a copy" not in said
    (folder / "b.csv").unlink()
    assert run_batch([folder], model, out).skipped == 1
    assert (out / "errors.jsonl").read_text() == ""  # its error went with it
    (folder / "copies").mkdir()
    shutil.copy(folder / "a.txt", folder / "copies" / "a.txt")  # the same file twice: say so
    assert [Path(f.path).name for f in run_batch([folder], model, out).failed] == ["a.txt"]
    assert "(also in " + str(folder / "a.txt") + ", of which this file is a copy)" in (out / "errors.jsonl").read_text()
    # the copy left out as E161 says: the other copy then failed with E167 ("this file
    # differs from it"), which it does not
    (folder / "a.txt").unlink()
    kept = run_batch([folder], model, out)
    assert (kept.coded, kept.failed) == (1, [])
    assert (out / "errors.jsonl").read_text() == ""
    assert set(pd.read_parquet(out / "suggestions.parquet").interview_id) == {"a"}


def test_an_interview_moved_from_one_input_to_another_that_changed_too_is_no_duplicate(model, tmp_path):
    # two tables swapped names (or re-exported with an interview moved between them): the
    # first one coded failed with E161 against the other's row as it was coded, which
    # called it "a copy", though the other file no longer held that interview
    folder, out = tmp_path / "in", tmp_path / "out"
    folder.mkdir()
    texts = {"p01": "She rang me back when she said she would.", "p02": "The nurse sat with me and listened."}
    for name, iid in (("a.csv", "p01"), ("b.csv", "p02")):
        (folder / name).write_text(f"interview_id,speaker,text\n{iid},P,{texts[iid]}\n", encoding="utf-8")
    assert run_batch([folder], model, out).coded == 2
    (folder / "a.csv").rename(folder / "c.csv")
    (folder / "b.csv").rename(folder / "a.csv")
    (folder / "c.csv").rename(folder / "b.csv")
    # b.csv changed too but is not in this run: its row stands, and the error says to give it
    alone = run_batch([folder / "a.csv"], model, out)
    assert [(Path(e.path).name, e.code) for e in alone.failed] == [("a.csv", "E161")]
    said = (out / "errors.jsonl").read_text(encoding="utf-8")
    assert "which has changed since it was coded: give it to this run too" in said
    assert "this file is a copy" not in said
    swapped = run_batch([folder], model, out)
    assert (swapped.coded, swapped.failed) == (2, [])
    assert (out / "errors.jsonl").read_text() == ""
    dataset = pd.read_parquet(out / "suggestions.parquet")
    assert dict(dataset.groupby("interview_id").source.first()) == {"p01": "b.csv", "p02": "a.csv"}
    assert len(list((out / "suggestions.parquet").glob("*.parquet"))) == 2
    assert sorted(pd.read_csv(out / "suggestions.csv").interview_id.unique()) == ["p01", "p02"]
    assert run_batch([folder], model, out).skipped == 2
    # a table that still holds the interview beside its new one is a duplicate, as before
    (folder / "b.csv").write_text(f"interview_id,speaker,text\np01,P,{texts['p01']}\np03,P,Another one.\n",
                                  encoding="utf-8")
    (folder / "a.csv").write_text(f"interview_id,speaker,text\np01,P,{texts['p01']} Really.\n", encoding="utf-8")
    both = run_batch([folder], model, out)
    assert [(Path(e.path).name, e.code) for e in both.failed] == [("a.csv", "E161")]


def test_an_input_that_takes_over_many_interviews_reads_the_other_input_once(model, tmp_path, monkeypatch):
    # a table taking over 66 interviews from another read that other table again for
    # each: two swapped halves of AnnoMI took 49 s to code instead of 8
    folder, out = tmp_path / "in", tmp_path / "out"
    folder.mkdir()
    for name, ids in (("a.csv", "p01 p02 p03"), ("b.csv", "p04 p05 p06")):
        rows = "".join(f"{iid},P,The nurse {iid} sat with me and listened.\n" for iid in ids.split())
        (folder / name).write_text("interview_id,speaker,text\n" + rows, encoding="utf-8")
    assert run_batch([folder], model, out).coded == 2
    (folder / "a.csv").rename(folder / "c.csv")
    (folder / "b.csv").rename(folder / "a.csv")
    (folder / "c.csv").rename(folder / "b.csv")
    reads: list[str] = []
    real_ids = batch_run._ids
    monkeypatch.setattr(batch_run, "_ids", lambda path, *args: reads.append(Path(path).name) or real_ids(path, *args))
    report = run_batch([folder], model, out)
    assert (report.coded, report.failed) == (2, [])
    assert sorted(reads) == ["b.csv"]  # a.csv, coded first, asks of b.csv once, not for each of p04-p06
    assert sorted(pd.read_parquet(out / "suggestions.parquet").interview_id.unique()) == [f"p0{i}" for i in range(1, 7)]


def test_batch_discover_with_too_little_text_warns_and_keeps_the_suggestions(model, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("I: Who helped?\nP: The nurse sat with me and listened.\n", encoding="utf-8")
    out = tmp_path / "out"
    result = run("batch", folder, "--model", model, "-o", out, "--workers", "1", "--discover")
    assert result.exit_code == 0, result.output
    assert "no candidate codes:" in result.stderr
    assert not (out / "candidates.yaml").exists() and (out / "suggestions.csv").is_file()
    assert "candidates" not in json.loads((out / "run.json").read_text())["outputs"]


def test_ids_differing_only_in_case_are_refused_as_they_would_share_a_file(model, tmp_path):
    # on macOS or Windows, interviews/A.csv and interviews/a.csv are one file: the second
    # input's table silently replaced the first's, and deleting one deleted the other
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "A.txt").write_text("I: Who helped?\nP: The nurse sat with me and listened.\n", encoding="utf-8")
    (folder / "a.txt").write_text("I: And then?\nP: She rang me back when she said she would.\n", encoding="utf-8")
    (folder / "both.csv").write_text("interview_id,speaker,text\nB,P,She listened.\nb,P,He came back.\n",
                                     encoding="utf-8")
    out = tmp_path / "out"
    for coded in (1, 0):  # and again: the refused inputs are retried, refused, and delete nothing
        report = run_batch([folder], model, out)
        assert (report.coded, sorted(Path(f.path).name for f in report.failed)) == (coded, ["a.txt", "both.csv"])
        assert sorted(p.name for p in (out / "interviews").iterdir()) == ["A.csv"]
        assert set(pd.read_parquet(out / batch_run.DATASET).interview_id) == {"A"}
    errors = {Path(e["file"]).name: e for e in map(json.loads, (out / "errors.jsonl").read_text().splitlines())}
    assert errors["a.txt"]["code"] == errors["both.csv"]["code"] == "E165"
    assert f"'a' differs from 'A' (in {folder.resolve() / 'A.txt'}) only in letter case" in errors["a.txt"]["message"]
    assert "'b' differs from 'B'" in errors["both.csv"]["message"]


@pytest.mark.parametrize("case_insensitive", [False, True])
def test_an_input_whose_id_changes_case_keeps_its_new_table(model, tmp_path, monkeypatch, case_insensitive):
    # an input renaming P01 to p01: its old table goes, and on a case-insensitive disk
    # (played here by file names folded to lower case), where P01.csv is p01.csv, deleting
    # the old one after writing the new one deleted the new one
    if case_insensitive:
        monkeypatch.setattr(batch_run, "interview_file", lambda iid: f"{iid.casefold()}.csv")
    folder = tmp_path / "in"
    folder.mkdir()
    table = folder / "t.csv"
    table.write_text("interview_id,speaker,text\nP01,P,She listened.\n", encoding="utf-8")
    out = tmp_path / "out"
    run_batch([folder], model, out)
    table.write_text("interview_id,speaker,text\np01,P,She listened to me.\n", encoding="utf-8")
    report = run_batch([folder], model, out)
    assert (report.coded, report.failed) == (1, [])
    assert sorted(p.name for p in (out / "interviews").iterdir()) == ["p01.csv"]


@pytest.mark.parametrize("case_insensitive", [False, True])
def test_a_transcript_renamed_to_another_letter_case_is_coded_in_its_place_with_force(model, tmp_path, monkeypatch,
                                                                                    case_insensitive):
    # P01.txt renamed p01.txt failed with E165 ("rename one") against P01.txt, no longer
    # there, on every run, --force or not
    if case_insensitive:
        monkeypatch.setattr(batch_run, "interview_file", lambda iid: f"{iid.casefold()}.csv")
    folder, out = tmp_path / "in", tmp_path / "out"
    folder.mkdir()
    (folder / "P01.txt").write_text("I: Who helped?\nP: The nurse sat with me and listened.\n", encoding="utf-8")
    run_batch([folder], model, out)
    before = sorted(p.name for p in (out / "interviews").iterdir())
    (folder / "P01.txt").rename(folder / "p01.txt")
    with (folder / "p01.txt").open("a", encoding="utf-8") as f:
        f.write("P: And she rang back.\n")
    refused = run_batch([folder], model, out)
    assert [(Path(e.path).name, e.code) for e in refused.failed] == [("p01.txt", "E165")]
    said = (out / "errors.jsonl").read_text(encoding="utf-8")
    assert "it is no longer there: if this file is that interview renamed, run again with --force" in said
    assert sorted(p.name for p in (out / "interviews").iterdir()) == before  # nothing lost
    forced = run_batch([folder], model, out, force=True)
    assert (forced.coded, forced.failed) == (1, [])
    assert sorted(p.name for p in (out / "interviews").iterdir()) == ["p01.csv"]
    assert set(pd.read_parquet(out / batch_run.DATASET).interview_id) == {"p01"}
    assert len(list((out / batch_run.DATASET).glob("*.parquet"))) == 1
    assert run_batch([folder], model, out).skipped == 1
    (folder / "p01.txt").rename(folder / "P01.txt")  # renamed back, unchanged: that interview, no --force
    back = run_batch([folder], model, out)
    assert (back.coded, back.failed) == (1, [])
    assert sorted(p.name for p in (out / "interviews").iterdir()) == ["p01.csv" if case_insensitive else "P01.csv"]


def test_outputs_of_an_earlier_tr_nlp_without_a_column_keep_the_combined_csv_aligned(model, tmp_path):
    # a folder coded before suggestions had a timestamp column, resumed with new inputs: the
    # combined CSV appended 12-column rows under an 11-column header
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("I: Who helped?\nP: [00:00:07] The nurse sat with me and listened.\n",
                                  encoding="utf-8")
    out = tmp_path / "out"
    run_batch([folder], model, out)

    def as_an_earlier_version_wrote_it():
        for path in [*(out / "suggestions.parquet").glob("*.parquet"), out / "interviews" / "a.csv"]:
            rows = pd.read_parquet(path) if path.suffix == ".parquet" else pd.read_csv(path)
            rows = rows[rows.interview_id == "a"].drop(columns=["timestamp", "time", "line", "line_end"])
            if len(rows):
                rows.to_parquet(path) if path.suffix == ".parquet" else rows.to_csv(path, index=False)

    def by_interview(frame, column):
        return frame.groupby("interview_id")[column].max().fillna(-1).to_dict()

    as_an_earlier_version_wrote_it()
    (folder / "b.txt").write_text("I: And then?\nP: [00:01:05] She rang me back when she said she would.\n",
                                  encoding="utf-8")
    run_batch([folder / "b.txt"], model, out)  # a is not among the inputs: its new columns stay empty
    with open(out / "suggestions.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert {len(row) for row in rows} == {len(rows[0])} and "timestamp" in rows[0]
    combined = pd.read_csv(out / "suggestions.csv")
    assert by_interview(combined, "timestamp") == {"a": -1, "b": 65.0}
    assert combined.groupby("interview_id").time.max().fillna("").to_dict() == {"a": "", "b": "1:05"}
    dataset = pd.read_parquet(out / "suggestions.parquet")  # every part has the column again
    assert by_interview(dataset, "timestamp") == {"a": -1, "b": 65.0}
    assert by_interview(combined, "line") == by_interview(combined, "line_end") == {"a": -1, "b": 2}
    assert "line_end" in pd.read_csv(out / "interviews" / "a.csv").columns  # its own table has them too
    # given again, its input is read (not coded) for them: the times and lines a new run gives
    as_an_earlier_version_wrote_it()
    (folder / "c.txt").write_text("I: And?\nP: Nothing.\n", encoding="utf-8")
    assert run_batch([folder], model, out).coded == 1
    for frame in (pd.read_csv(out / "suggestions.csv"), pd.read_parquet(out / "suggestions.parquet")):
        assert by_interview(frame, "timestamp") == {"a": 7.0, "b": 65.0, "c": -1}
        assert by_interview(frame, "line") == by_interview(frame, "line_end") == {"a": 2, "b": 2, "c": 2}
    table = pd.read_csv(out / "interviews" / "a.csv")
    assert (table.time == "0:07").all() and (table.line == 2).all()


def test_edited_file_is_redone_and_a_new_model_redoes_everything(incoming, model, tmp_path):
    out = tmp_path / "out"
    assert run_batch([incoming], model, out).coded == 18
    demo01 = incoming / "interviews" / "demo01.txt"
    demo01.write_text(demo01.read_text(encoding="utf-8") + "\nParticipant: One more thing, she always rang back.\n",
                      encoding="utf-8")
    again = run_batch([incoming], model, out)
    assert (again.coded, again.skipped) == (1, 17)
    assert "always rang back" in (out / "interviews" / "demo01.csv").read_text(encoding="utf-8")
    assert len(list((out / "suggestions.parquet").glob("*.parquet"))) == 18  # the old part is gone
    retrained = tmp_path / "retrained"
    shutil.copytree(model, retrained)
    card = json.loads((retrained / "card.json").read_text())
    (retrained / "card.json").write_text(json.dumps({**card, "version": "2"}))
    assert run_batch([incoming], retrained, out).coded == 18
    assert run_batch([incoming], retrained, out, force=False).coded == 0
    assert run_batch([incoming], retrained, out, force=True).coded == 18


def test_an_input_whose_outputs_were_deleted_is_coded_again(incoming, model, tmp_path):
    out = tmp_path / "out"
    assert run_batch([incoming], model, out).coded == 18
    before = outputs(out)
    # one input's part file; part names hash the input's path, so pick one that is not demo07's
    parts = sorted((out / "suggestions.parquet").glob("*.parquet"))
    next(p for p in parts if "demo07" not in set(pd.read_parquet(p).interview_id)).unlink()
    (out / "suggestions.csv").unlink()
    (out / "interviews" / "demo07.csv").unlink()  # another input's interview table
    again = run_batch([incoming], model, out)
    assert (again.coded, again.skipped, again.failed) == (2, 16, [])
    assert outputs(out) == before


def test_an_input_moved_is_not_coded_again_and_one_moved_and_changed_is_coded_with_force(model, tmp_path):
    # an input moved since it was coded failed with E161 against its own earlier row, even
    # with --force: moving the input folder failed every input
    inbox, archive, out = tmp_path / "inbox", tmp_path / "archive", tmp_path / "out"
    inbox.mkdir()
    archive.mkdir()
    shutil.copy(DEMO / "interviews" / "demo15.txt", inbox / "demo15.txt")
    (inbox / "site-a.csv").write_text("interview_id,speaker,text\np01,P,She rang me back when she said she would.\n",
                                      encoding="utf-8")
    (inbox / "p02.txt").write_text("I: Who helped?\nP: The nurse sat with me and listened to me.\n", encoding="utf-8")
    assert run_batch([inbox], model, out).coded == 3
    before = outputs(out)
    (inbox / "demo15.txt").rename(archive / "demo15.txt")  # moved
    (inbox / "site-a.csv").rename(archive / "site-a-2024.csv")  # moved and renamed: its ids are in it
    (inbox / "p02.txt").rename(archive / "p02-final.txt")  # renamed: its id is its name, a new interview
    again = run_batch([archive, inbox], model, out)
    assert (again.coded, again.skipped, again.moved, again.failed) == (1, 2, 2, [])
    assert json.loads((out / "run.json").read_text())["counts"]["moved"] == 2
    after = outputs(out)
    for name in ("interviews/demo15.csv", "interviews/p01.csv", "interviews/p02.csv"):  # p02's kept, as a deleted input's
        assert after[name] == before[name].replace(b"site-a.csv", b"site-a-2024.csv")  # the file's new name
    assert "p02-final" in set(pd.read_parquet(out / "suggestions.parquet").interview_id)
    with contextlib.closing(sqlite3.connect(out / "manifest.sqlite")) as db:
        assert sorted(Path(p).name for (p,) in db.execute("SELECT path FROM files")) == [
            "demo15.txt", "p02-final.txt", "p02.txt", "site-a-2024.csv"]
    assert len(list((out / "suggestions.parquet").glob("*.parquet"))) == 4
    assert run_batch([archive, inbox], model, out).skipped == 3  # and done there from now on
    # moved again, and coded with other settings (a new model alike): the same interview, no E167
    (archive / "site-a-2024.csv").rename(inbox / "site-a.csv")
    turns = run_batch([archive, inbox], model, out, segmenter=Segmenter(unit="turn"))
    assert (turns.coded, turns.failed) == (3, [])
    assert run_batch([archive, inbox], model, out).coded == 3  # and back to sentences
    # moved back and changed: that interview edited, or another of its name? A run cannot tell
    (archive / "demo15.txt").rename(inbox / "demo15.txt")
    with (inbox / "demo15.txt").open("a", encoding="utf-8") as f:
        f.write("\nParticipant: One more thing, she always rang back.\n")
    changed = run_batch([inbox], model, out)
    assert [(Path(e.path).name, e.code) for e in changed.failed] == [("demo15.txt", "E167")]
    assert "run again with --force" in (out / "errors.jsonl").read_text(encoding="utf-8")
    assert (out / "interviews" / "demo15.csv").read_bytes() == after["interviews/demo15.csv"]  # nothing lost
    forced = run_batch([inbox], model, out, force=True)
    assert forced.failed == [] and "always rang back" in (out / "interviews" / "demo15.csv").read_text(encoding="utf-8")
    dataset = pd.read_parquet(out / "suggestions.parquet")
    assert dataset[dataset.interview_id == "demo15"].text.str.contains("always rang back").any()
    assert len(list((out / "suggestions.parquet").glob("*.parquet"))) == 4  # its earlier part is gone
    assert (out / "errors.jsonl").read_text() == ""


def test_an_interview_without_segments_gets_an_empty_table_and_is_not_redone(model, tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "asks.txt").write_text("Interviewer: Hello?\nInterviewer: Are you there?\n", encoding="utf-8")
    out = tmp_path / "out"
    first = run_batch([tmp_path / "in"], model, out)
    assert (first.coded, first.segments) == (1, 0)
    said = ("interview 'asks' has no participant speech, so it gives no segment (speakers: Interviewer (interviewer)); "
            "if a role is wrong, set it with --speaker-role NAME=ROLE or in the corpus config")
    assert first.file_warnings == [(str(tmp_path / "in" / "asks.txt"), said)]
    table = pd.read_csv(out / "interviews" / "asks.csv")
    assert table.empty and {"interview_id", "start", "end", "code", "probability"} <= set(table.columns)
    assert run_batch([tmp_path / "in"], model, out).skipped == 1


def test_a_warning_each_input_gives_is_one_line_on_stderr_and_one_per_input_in_run_json(model, tmp_path):
    # a folder of transcripts alike (as a transcription service writes them) once gave a line per file
    (tmp_path / "in").mkdir()
    for i in range(5):
        (tmp_path / "in" / f"s{i}.txt").write_text(f"Speaker 1: What helped after visit {i}?\n"
                                                   "Speaker 2: She rang me back.\n", encoding="utf-8")
    result = run("batch", tmp_path / "in", "--model", model, "-o", tmp_path / "out", "--workers", "1")
    assert result.exit_code == 0, result.output
    warned = [line for line in result.stderr.splitlines() if "guessed roles" in line]
    assert len(warned) == 1 and "s2.txt and 2 more files: guessed roles" in warned[0], warned
    kept = json.loads((tmp_path / "out" / "run.json").read_text())["warnings"]
    assert sorted(Path(w.split(": ")[0]).name for w in kept if "guessed roles" in w) == [f"s{i}.txt" for i in range(5)]
    html = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")  # the report lists it as stderr says it
    assert html.count("guessed roles") == 1 and "s2.txt and 2 more files: guessed roles" in html


def test_a_speaker_role_set_on_the_command_line_redoes_the_inputs_it_may_change(model, tmp_path):
    # `batch --speaker-role` sets a role the warning asks for; files coded before it are redone once
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "asks.txt").write_text("Interviewer: Hello?\nInterviewer: Are you there?\n", encoding="utf-8")
    out = tmp_path / "out"
    assert run_batch([tmp_path / "in"], model, out).segments == 0
    options = ReadOptions(roles=RoleMap.from_pairs(["Interviewer=participant"]))
    again = run_batch([tmp_path / "in"], model, out, options=options)
    assert (again.coded, again.segments, again.file_warnings) == (1, 2, [])
    assert run_batch([tmp_path / "in"], model, out, options=options).skipped == 1
    result = run("batch", tmp_path / "in", "--model", model, "-o", tmp_path / "cli",
                 "--speaker-role", "Interviewer=participant", "--workers", "1", "--quiet")
    assert result.exit_code == 0 and pd.read_csv(tmp_path / "cli" / "interviews" / "asks.csv").segment_id.nunique() == 2


def test_a_changed_corpus_yaml_speaker_role_redoes_its_folder(model, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "asks.txt").write_text("Sam: Hello?\nJo: Hi.\nSam: Well?\nJo: Fine.\n", encoding="utf-8")
    (folder / "corpus.yaml").write_text("interviews: [asks.txt]\nspeakers: {Sam: interviewer, Jo: participant}\n")
    out = tmp_path / "out"
    assert run_batch([folder], model, out).segments == 2
    assert run_batch([folder], model, out).skipped == 1
    (folder / "corpus.yaml").write_text("interviews: [asks.txt]\nspeakers: {Sam: participant, Jo: participant}\n")
    assert run_batch([folder], model, out).segments == 4


def test_a_format_set_in_corpus_yaml_is_honoured(model, tmp_path):
    # a folder's `format: text` read its .log files in `inspect` and `code`, but batch read
    # them by suffix and failed each one with E104
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.log").write_text("I: How was it?\nP: She listened, she really did.\n", encoding="utf-8")
    (folder / "corpus.yaml").write_text("interviews: ['*.log']\nformat: text\n")
    out = tmp_path / "out"
    report = run_batch([folder], model, out)
    assert (report.coded, report.failed, report.segments) == (1, [], 1)
    assert run_batch([folder], model, out).skipped == 1
    (folder / "corpus.yaml").write_text("interviews: ['*.log']\nformat: markdown\n")
    assert run_batch([folder], model, out).coded == 1  # another reader: redone


def test_a_changed_table_mapping_redoes_the_tables_only(model, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    pd.DataFrame({"interview_id": ["t1", "t1"], "speaker": ["I", "P"],
                  "text": ["How was it?", "Fine."],
                  "cleaned": ["How was it, the ward?", "She listened to me, properly."]}).to_csv(folder / "t.csv", index=False)
    (folder / "a.txt").write_text("I: How was it?\nP: She listened.\n", encoding="utf-8")
    out = tmp_path / "out"
    assert run_batch([folder], model, out).coded == 2
    cleaned = ReadOptions(table=TableMapping(text_col="cleaned"))
    again = run_batch([folder], model, out, options=cleaned)
    assert (again.coded, again.skipped) == (1, 1)
    assert "properly" in (out / "interviews" / "t1.csv").read_text(encoding="utf-8")
    assert run_batch([folder], model, out, options=cleaned).skipped == 2


def test_an_output_folder_inside_the_input_folder_is_not_input(model, tmp_path):
    # its manifest was named as a file of the input folder that no reader takes
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("I: How was it?\nP: She listened.\n", encoding="utf-8")
    out = tmp_path / "in" / "out"
    for _ in range(2):
        report = run_batch([tmp_path / "in"], model, out)
        assert report.total == 1 and report.warnings == report.file_warnings == []


@pytest.mark.parametrize("damage", ["not sqlite", "other tables"])
def test_a_damaged_manifest_is_refused_and_force_starts_a_new_one(incoming, model, tmp_path, damage):
    files = [incoming / "interviews" / "demo15.txt", incoming / "interviews" / "demo16.docx"]
    out = tmp_path / "out"
    assert run_batch(files, model, out).coded == 2
    before = outputs(out)
    manifest = out / "manifest.sqlite"
    manifest.unlink()
    if damage == "not sqlite":
        manifest.write_bytes(b"this is not a database" * 100)
    else:
        with sqlite3.connect(manifest) as db:
            db.execute("CREATE TABLE files (path TEXT, done INTEGER)")
        db.close()
    result = run("batch", *files, "--model", model, "-o", out)
    assert result.exit_code == 2 and "manifest.sqlite: [E175] the batch manifest is damaged" in result.stderr
    assert "--force" in result.stderr and outputs(out) == before
    result = run("batch", *files, "--model", model, "-o", out, "--force", "--workers", "1")
    assert result.exit_code == 0 and "2 coded, 0 already done, 0 failed of 2 inputs" in result.stdout
    assert outputs(out) == before
    assert run_batch(files, model, out).skipped == 2


def test_a_second_run_into_a_busy_folder_fails_at_once_and_touches_nothing(incoming, model, tmp_path):
    from tr_nlp.batch.lock import folder_lock

    out = tmp_path / "out"
    out.mkdir()
    with folder_lock(out):  # as a run in another process would hold it
        with pytest.raises(OutputError, match=f"E176.*process {os.getpid()}"):
            run_batch([incoming], model, out)
        result = run("batch", incoming, "--model", model, "-o", out)
        assert result.exit_code == 2 and "[E176] another tr-nlp batch" in result.stderr
        assert sorted(p.name for p in out.iterdir()) == [".lock"]
    assert run_batch([incoming], model, out).coded == 18  # released: the next run works


def test_outputs_are_identical_in_process_with_two_workers_and_on_dask(incoming, model, tmp_path):
    import socket

    from tr_nlp.ingest.docx import read_docx

    with socket.socket() as dashboard:  # Dask's usual port, held (by another cluster, say): no warning
        with contextlib.suppress(OSError):  # already held
            dashboard.bind(("127.0.0.1", 8787))
            dashboard.listen()
        engines = {"one": InProcess(), "pool": LocalPool(2), "dask": DaskEngine(2)}
    assert engines["dask"]._cluster.dashboard_link.startswith("http://127.0.0.1:")  # this machine only
    found = {}
    try:
        for name, engine in engines.items():
            report = run_batch([incoming], model, tmp_path / name, engine=engine, word=True)
            assert report.coded == 18 and not report.failed, name
            found[name] = outputs(tmp_path / name)
            found[name]["word"] = {p.name: read_docx(p).comment_codings for p in (tmp_path / name / "word").glob("*.docx")}
    finally:
        for engine in engines.values():
            engine.close()
    assert found["one"] == found["pool"] == found["dask"]
    assert "dask, 2 workers" in json.loads((tmp_path / "dask" / "run.json").read_text())["engine"]


def _upper_or_die(chunk: list[str]) -> list[str]:
    """A pool task that kills its worker process on a "poison" item, as the system's
    out-of-memory killer or a crash in native code would."""
    if "poison" in chunk:
        os._exit(9)
    return [item.upper() for item in chunk]


def test_a_worker_process_that_dies_loses_only_the_task_that_killed_it():
    # a worker killed (out of memory, a crash in a library on a hostile file) broke the
    # process pool, and the whole batch stopped with a BrokenProcessPool traceback
    from concurrent.futures.process import BrokenProcessPool

    chunks = [["a", "b"], ["c", "poison"], ["d"], ["e", "f"], ["g"], ["h", "i"]]
    pool = LocalPool(2)
    try:
        results = list(pool.imap(_upper_or_die, chunks, lost=lambda chunk, error: [f"lost {x}: {type(error).__name__}"
                                                                                    for x in chunk],
                                 split=lambda chunk: [[x] for x in chunk]))
        assert sorted(x for r in results for x in r) == [*"ABCDEFGHI", "lost poison: BrokenProcessPool"]
        assert pool.imap(_upper_or_die, [["j"]]).__next__() == ["J"]  # the pool works on
        with pytest.raises(BrokenProcessPool):  # without lost, as before
            list(pool.imap(_upper_or_die, [["poison"]]))
    finally:
        pool.close()


def test_inputs_whose_worker_died_fail_with_e168_and_the_others_are_coded(model, tmp_path):
    from concurrent.futures.process import BrokenProcessPool

    class Dying(InProcess):  # b.txt's worker dies each time it is coded
        def imap(self, func, tasks, lost=None, split=None):
            for chunk in tasks:
                if any(Path(t.path).name == "b.txt" for t in chunk):
                    yield lost(chunk, BrokenProcessPool("A child process terminated abruptly"))
                else:
                    yield func(chunk)

    folder, out = tmp_path / "in", tmp_path / "out"
    folder.mkdir()
    for name in "abc":
        (folder / f"{name}.txt").write_text(f"I: Who helped?\nP: The nurse {name} sat with me and listened.\n",
                                            encoding="utf-8")
    report = run_batch([folder], model, out, engine=Dying())
    assert (report.coded, [(Path(e.path).name, e.code) for e in report.failed]) == (2, [("b.txt", "E168")])
    said = json.loads((out / "errors.jsonl").read_text())["message"]
    assert "b.txt: [E168] each worker process coding it stopped abruptly (BrokenProcessPool)" in said
    assert "fewer --workers" in said
    again = run_batch([folder], model, out)  # the cause has passed: coded on the next run
    assert (again.coded, again.skipped, again.failed) == (1, 2, [])


def test_word_documents_carry_each_interview_s_suggestions_and_resume_with_the_rest(incoming, model, tmp_path):
    from tr_nlp.ingest.docx import read_docx

    out = tmp_path / "out"
    first = run("batch", incoming, "--model", model, "-o", out, "--word", "--no-report")
    assert first.exit_code == 0, first.output
    assert f"word: {out / 'word'}" in first.stdout
    assert sorted(p.name for p in (out / "word").iterdir()) == [
        "codebook.yaml", "corpus.yaml", *(f"demo{i:02d}.docx" for i in range(1, 19))]
    assert load_corpus([out / "word"]).codebook == without_examples(load_corpus([incoming]).codebook)  # the model's
    for name in ("demo02", "demo15"):  # demo02 a copy of its own .docx, its coders' comments kept; demo15 afresh
        table = pd.read_csv(out / "interviews" / f"{name}.csv").query("above_threshold")
        held = read_docx(out / "word" / f"{name}.docx").comment_codings
        assert sorted((c.start, c.end, c.code) for c in held if c.coder.startswith("tr_nlp model batch-test")) == sorted(
            (r.start, r.end, suggestion_note(r.code, r.probability, r.evidence)) for r in table.itertuples())
        own = read_docx(incoming / "interviews" / f"{name}.docx").comment_codings if name == "demo02" else []
        assert [c for c in held if not c.coder.startswith("tr_nlp")] == own
    assert run_batch([incoming], model, out, word=True).coded == 0
    written = read_docx(out / "word" / "demo04.docx").comment_codings
    (out / "word" / "demo04.docx").unlink()  # a document deleted: written again from the stored suggestions
    again = run_batch([incoming], model, out, word=True)
    assert (again.coded, again.skipped, again.documents) == (0, 18, 1)
    assert read_docx(out / "word" / "demo04.docx").comment_codings == written
    assert run_batch([incoming], model, out).coded == 0  # without --word, the documents are kept...
    demo01 = incoming / "interviews" / "demo01.txt"
    demo01.write_text(demo01.read_text(encoding="utf-8") + "\nParticipant: And she rang back.\n", encoding="utf-8")
    assert run_batch([incoming], model, out).coded == 1  # ...but not one that no longer shows its suggestions
    assert not (out / "word" / "demo01.docx").exists() and len(list((out / "word").glob("*.docx"))) == 17


def test_word_documents_for_a_folder_coded_without_them_code_nothing_again(incoming, model, tmp_path, monkeypatch):
    # asking for the documents after a batch coded without them coded every input again
    from tr_nlp.ingest.docx import read_docx

    out, word = tmp_path / "out", tmp_path / "word"
    run_batch([incoming], model, out)
    run_batch([incoming], model, word, word=True)  # as they come from a run that codes with them
    dataset = pd.read_parquet(out / "suggestions.parquet")
    r = run("batch", incoming, "--model", model, "-o", out, "--word", "--no-report")
    assert r.exit_code == 0, r.output
    assert "nothing to code: all 18 inputs" in r.stdout and "18 Word documents written from the suggestions" in r.stdout
    assert f"word: {out / 'word'}" in r.stdout
    pd.testing.assert_frame_equal(pd.read_parquet(out / "suggestions.parquet"), dataset)  # nothing coded again
    for name in ("demo02", "demo15", "demo17"):  # a copy of its own .docx, a text file, a subtitle file
        assert read_docx(out / "word" / f"{name}.docx").comment_codings == read_docx(
            word / "word" / f"{name}.docx").comment_codings
    assert "nothing to do" in run("batch", incoming, "--model", model, "-o", out, "--word", "--no-report").stdout
    # an input that no longer reads as the interviews it was coded as is coded again
    (out / "word" / "demo15.docx").unlink()
    read = batch_run.read_file
    monkeypatch.setattr(batch_run, "read_file", lambda path, *a: replace(read(path, *a), interviews=[
        replace(iv, id=iv.id + "b") for iv in read(path, *a).interviews]))
    again = run_batch([incoming], model, out, word=True)
    assert (again.coded, again.documents) == (1, 0) and (out / "word" / "demo15.docx").is_file()
    # and so is one whose stored suggestions cannot be read: the run goes on
    monkeypatch.undo()
    (out / "word" / "demo16.docx").unlink()
    key = hashlib.sha256(str((incoming / "interviews" / "demo16.docx").resolve()).encode()).hexdigest()[:12]
    [part] = (out / "suggestions.parquet").glob(f"part-{key}-*.parquet")
    part.write_bytes(b"not a parquet file")
    again = run_batch([incoming], model, out, word=True)
    assert (again.coded, again.documents, again.failed) == (1, 0, []) and (out / "word" / "demo16.docx").is_file()


def test_an_engine_sized_to_the_input_still_to_code_is_built_then_closed(incoming, model, tmp_path):
    files = [incoming / "interviews" / name for name in ("demo15.txt", "demo16.docx", "demo17.vtt", "demo18.txt")]
    sizes = [f.stat().st_size for f in files]
    asked, built = [], []

    class Closing(InProcess):
        closed = False

        def close(self) -> None:
            self.closed = True

    def sized(pending_bytes: int) -> Closing:
        asked.append(pending_bytes)
        built.append(Closing())
        return built[-1]

    out = tmp_path / "out"
    assert run_batch(files[:3], model, out, engine=sized).coded == 3
    assert run_batch(files, model, out, engine=sized).coded == 1           # one input more
    assert run_batch(files, model, out, engine=sized).skipped == 4         # nothing to do
    assert run_batch(files, model, out, engine=sized, force=True).coded == 4
    assert run_batch(files, model, out, Segmenter(unit="turn"), engine=sized).coded == 4  # other settings
    assert asked == [sum(sizes[:3]), sizes[3], 0, sum(sizes), sum(sizes)]
    assert all(engine.closed for engine in built)


def test_a_link_to_a_file_that_is_gone_fails_and_the_rest_is_coded(model, tmp_path):
    (tmp_path / "in").mkdir()
    shutil.copy(DEMO / "interviews" / "demo15.txt", tmp_path / "in" / "demo15.txt")
    (tmp_path / "in" / "moved.txt").symlink_to(tmp_path / "elsewhere.txt")  # its transcript was moved
    (tmp_path / "in" / "loop.txt").symlink_to("loop.txt")  # a link to itself: no work, and no stop
    asked = []

    def sized(pending_bytes: int) -> InProcess:
        asked.append(pending_bytes)
        return InProcess()

    report = run_batch([tmp_path / "in"], model, tmp_path / "out", engine=sized)
    assert report.coded == 1 and [(Path(e.path).name, e.code) for e in report.failed] == [
        ("elsewhere.txt", "E100"), ("loop.txt", "E109")]
    assert asked == [(tmp_path / "in" / "demo15.txt").stat().st_size]  # a link to nothing is no work
    (tmp_path / "elsewhere.txt").write_text("Interviewer: And then?\nP: She rang me back.\n", encoding="utf-8")
    again = run_batch([tmp_path / "in"], model, tmp_path / "out")  # the link mended: coded, its error gone
    assert again.coded == 1 and [Path(e.path).name for e in again.failed] == ["loop.txt"]
    assert [json.loads(line)["file"] for line in (tmp_path / "out" / "errors.jsonl").read_text().splitlines()] == [
        str(tmp_path / "in" / "loop.txt")]


def test_a_file_name_that_is_not_utf8_fails_and_the_rest_is_coded(model, tmp_path):
    # its name once stopped the batch: the manifest (SQLite) cannot hold the lone surrogate Python reads it as
    (tmp_path / "in").mkdir()
    shutil.copy(DEMO / "interviews" / "demo15.txt", tmp_path / "in" / "demo15.txt")
    shutil.copy(DEMO / "interviews" / "demo04.txt", tmp_path / "in" / os.fsdecode(b"entrevue-\xe9t\xe9.txt"))
    report = run_batch([tmp_path / "in"], model, tmp_path / "out")
    escaped = str(tmp_path / "in" / "entrevue-\\xe9t\\xe9.txt")
    assert report.coded == 1 and [(e.path, e.code) for e in report.failed] == [(escaped, "E109")]
    (error,) = [json.loads(line) for line in (tmp_path / "out" / "errors.jsonl").read_text(encoding="utf-8").splitlines()]
    assert error["file"] == escaped and "is not valid UTF-8" in error["message"]
    again = run_batch([tmp_path / "in"], model, tmp_path / "out")  # a second run tries it again, and only it
    assert (again.coded, again.skipped, [e.path for e in again.failed]) == (0, 1, [escaped])


def test_batch_without_workers_codes_a_small_batch_in_process(incoming, model, tmp_path):
    result = run("batch", incoming / "interviews" / "demo15.txt", "--model", model, "-o", tmp_path / "out", "--quiet")
    assert result.exit_code == 0, result.output
    assert "segments/s, local, 1 worker (in process))" in result.stdout  # 0.02 MB to code: a pool would only cost
    assert sized_workers(0) == 1 and sized_workers(10**9, cores=3) == 3 and sized_workers(BYTES_PER_WORKER + 1) == min(
        2, os.cpu_count() or 1)


def test_dask_engine_on_a_running_scheduler(incoming, model, tmp_path):
    import dask
    from distributed import LocalCluster

    with LocalCluster(n_workers=1, threads_per_worker=1, dashboard_address="127.0.0.1:0") as cluster:
        result = run("batch", incoming, "--model", model, "-o", tmp_path / "out", "--engine", "dask",
                     "--scheduler", cluster.scheduler_address)
    assert result.exit_code == 0, result.output
    assert f"dask, 1 worker at {cluster.scheduler_address}" in result.stdout
    assert pd.read_csv(tmp_path / "out" / "suggestions.csv").interview_id.nunique() == 18
    with dask.config.set({"distributed.comm.timeouts.connect": "2s"}):  # Dask's own setting, 30 s by default
        unreachable = run("batch", incoming, "--model", model, "-o", tmp_path / "x", "--engine", "dask",
                          "--scheduler", "tcp://127.0.0.1:9")
    assert unreachable.exit_code == 2 and "cannot reach the Dask scheduler" in unreachable.stderr
    assert "after 2 s" in unreachable.stderr


def test_unwritable_or_full_output_folder_fails_before_any_work(incoming, model, tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    result = run("batch", incoming, "--model", model, "-o", blocker / "out")
    assert result.exit_code == 2 and f"{blocker}: [E173] is a file, but {blocker / 'out'}" in " ".join(
        result.stderr.split())
    result = run("batch", incoming, "--model", model, "-o", blocker)
    assert result.exit_code == 2 and "a-file: [E173] is a file, but the batch is written into a folder" in " ".join(
        result.stderr.split())

    class Full:
        free = 3 * 2**20

    monkeypatch.setattr(batch_run.shutil, "disk_usage", lambda path: Full())
    with pytest.raises(OutputError, match="E172"):
        run_batch([incoming], model, tmp_path / "out")
    assert not (tmp_path / "out" / "manifest.sqlite").exists()


@pytest.mark.parametrize("args,says", [
    (["--engine", "spark"], "--engine 'spark'; expected one of"),
    (["--workers", "-2"], "--workers -2; expected 1 or more"),  # 0 is the default: sized to the input
    (["--scheduler", "tcp://127.0.0.1:8786"], "--scheduler needs --engine dask"),
])
def test_engine_options_that_cannot_work_are_refused_before_any_work(incoming, model, tmp_path, args, says):
    result = run("batch", incoming, "--model", model, "-o", tmp_path / "out", *args)
    assert result.exit_code == 2 and "E163" in result.stderr and says in result.stderr, result.output
    assert not (tmp_path / "out").exists()


def test_a_tampered_model_fails_before_any_work(incoming, model, tmp_path):
    bad = tmp_path / "bad"
    shutil.copytree(model, bad)
    with open(bad / "model.skops", "ab") as handle:
        handle.write(b"x")
    with pytest.raises(ModelError, match="E182"):
        run_batch([incoming], bad, tmp_path / "out")
    assert not (tmp_path / "out" / "manifest.sqlite").exists()


def test_kill_minus_nine_then_resume_gives_the_outputs_of_an_uninterrupted_run(incoming, model, tmp_path):
    # more work: each interview twice more, under new ids
    for interview in load_corpus([DEMO]).interviews:
        for copy in ("a", "b"):
            twin = replace(interview, id=f"{copy}{interview.id}")
            (incoming / "interviews" / f"{twin.id}.txt").write_text(interview_file_text(twin), encoding="utf-8")
    expected = tmp_path / "expected"
    assert run_batch([incoming], model, expected).coded == 54
    out = tmp_path / "out"
    exe = Path(sys.executable).with_name("tr-nlp")
    command = [str(exe), "batch", str(incoming), "--model", str(model), "-o", str(out), "--workers", "1", "--quiet"]
    log = tmp_path / "stderr.log"
    with open(log, "wb") as stderr:
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=stderr, start_new_session=True)
        deadline = time.monotonic() + 120
        done = 0
        while time.monotonic() < deadline and process.poll() is None:
            if (out / "manifest.sqlite").is_file():
                try:
                    with contextlib.closing(sqlite3.connect(out / "manifest.sqlite", timeout=5)) as db:
                        done = db.execute("SELECT COUNT(*) FROM files").fetchone()[0]
                except sqlite3.Error:
                    done = 0
            if done >= 10:
                break
            time.sleep(0.05)
        assert process.poll() is None, f"the batch finished before it could be killed: {log.read_text()}"
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    assert 10 <= done < 54
    resumed = run_batch([incoming], model, out)
    assert resumed.skipped >= 10 and resumed.coded + resumed.skipped == 54
    assert outputs(out) == outputs(expected)


def test_progress_rate_counts_from_the_first_file_coded_and_leaves_out_a_previous_runs(monkeypatch):
    import io

    from rich.console import Console

    from tr_nlp.batch.work import Result
    from tr_nlp.cli import batch_cmd
    from tr_nlp.cli import common as c

    stream = io.StringIO()
    monkeypatch.setattr(c, "err", Console(file=stream, width=200))  # not a terminal: plain lines
    now = [0.0]
    monkeypatch.setattr(batch_cmd.time, "perf_counter", lambda: now[0])
    with batch_cmd._Reporter(quiet=False) as report:
        now[0] = 10.0
        report(None, 1, 4)  # done before: no rate so far, and no ETA to give
        now[0] = 20.0
        report(Result(task=None), 2, 4)  # the first coded, after the workers' start-up: still no rate
        now[0] = 30.0
        report(Result(task=None), 3, 4)  # one more in 10 s
        report(Result(task=None), 4, 4)  # and one at once
    lines = stream.getvalue().splitlines()
    assert lines == ["batch: 1/4 files (1 done before), - files/s, ETA -",
                     "batch: 2/4 files (1 done before), - files/s, ETA -",
                     "batch: 3/4 files (1 done before), 0.1 files/s, ETA 10 s",
                     "batch: 4/4 files (1 done before), 0.2 files/s, ETA 0 s"], lines
    # on a terminal, the bar (whose ETA rich estimates from it) holds only this run's work
    monkeypatch.setattr(c, "err", Console(file=io.StringIO(), force_terminal=True, width=200))
    with batch_cmd._Reporter(quiet=False) as report:
        report(None, 1, 4)
        report(Result(task=None), 2, 4)
        task = report.bar.tasks[0]
        assert (task.completed, task.total) == (1, 3)


def test_a_codings_table_that_corpus_yaml_names_is_no_input_of_the_batch(model, tmp_path):
    """corpus.yaml with `codings:` and no `interviews:` (the whole folder): the table was read
    as one more input and failed (E136), each run."""
    folder = tmp_path / "site"
    folder.mkdir()
    for name in ("demo01.txt", "demo02.docx"):
        shutil.copy(DEMO / "interviews" / name, folder / name)
    shutil.copy(DEMO / "codings.csv", folder / "codings.csv")
    (folder / "corpus.yaml").write_text("codings: codings.csv\n", encoding="utf-8")
    result = run("batch", folder, "--model", model, "-o", tmp_path / "out", "--no-report")
    assert result.exit_code == 0 and "2 coded, 0 already done, 0 failed of 2 inputs" in result.stdout, result.output
    assert len(load_corpus([folder]).codings) > 0  # still read as codings
