"""A table of the interviews' metadata (tr_nlp.ingest.metadata): corpus.yaml's metadata:, evaluate --metadata."""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest
from typer.testing import CliRunner

from conftest import DEMO
from tr_nlp.cli import app
from tr_nlp.errors import InputError
from tr_nlp.ingest import load_corpus

runner = CliRunner()


def _participants(path, rows):
    pd.DataFrame(rows).to_excel(path, index=False) if path.suffix == ".xlsx" else pd.DataFrame(rows).to_csv(
        path, index=False)
    return path


def test_a_corpus_config_names_a_table_that_gives_each_interview_its_row(tmp_path):
    folder = tmp_path / "corpus"
    shutil.copytree(DEMO, folder)
    # a sheet as teams keep it: ids as file names or without their zeros, a key in another case than the front matter's
    _participants(folder / "participants.xlsx", [
        {"Participant ID": "demo01.txt", "Site": "north", "Group": "service user"},
        {"Participant ID": "DEMO02", "Site": "south", "Group": ""},
        {"Participant ID": "demo77", "Site": "east", "Group": "clinician"},
        {"Participant ID": "demo01", "Site": "west", "Group": "clinician"},
    ])
    (folder / "interviews" / "demo04.txt").write_text(
        (folder / "interviews" / "demo04.txt").read_text(encoding="utf-8").replace(
            "synthetic: true\n", "synthetic: true\nsite: harbour\n", 1), encoding="utf-8")
    _participants(folder / "more.csv", [{"interview_id": "demo04", "SITE": "north"}])
    config = folder / "corpus.yaml"  # these sheets instead of the demo's own
    config.write_text(config.read_text(encoding="utf-8").replace(
        "metadata: participants.csv\n", "metadata: [participants.xlsx, more.csv]\n"), encoding="utf-8")
    corpus = load_corpus([folder])
    meta = {iv.id: iv.metadata for iv in corpus.interviews}
    assert meta["demo01"]["Site"] == "north" and meta["demo01"]["Group"] == "service user"  # its first row
    assert meta["demo02"]["Site"] == "south" and "Group" not in meta["demo02"]  # an empty cell gives nothing
    assert meta["demo04"]["SITE"] == "north" and "site" not in meta["demo04"]  # the table's, in the table's case
    assert "Site" not in meta["demo03"] and len(corpus.interviews) == 18  # the tables were read as no transcript
    said = " ".join(corpus.warnings)
    assert "participants.xlsx: 1 row(s) name no interview of the corpus: 'demo77'" in said
    assert "1 interview(s) have more than one row; the first is read: demo01" in said
    assert "more.csv: 1 value(s) the interviews gave otherwise are the table's: demo04: SITE" in said


def test_a_table_without_an_interview_column_or_keys_is_refused_naming_it(tmp_path):
    for rows, code in (([{"Site": "north", "Group": "x"}], "E130"), ([{"interview_id": "demo01"}], "E131")):
        path = _participants(tmp_path / f"{code}.csv", rows)
        with pytest.raises(InputError) as info:
            load_corpus([DEMO / "interviews" / "demo01.txt"], metadata=path)
        assert info.value.code == code and f"{code}.csv" in str(info.value)


def test_evaluate_by_a_key_of_a_metadata_table(tmp_path):
    table = _participants(tmp_path / "p.csv", [{"participant": f"demo{k:02d}", "group": "a" if k % 2 else "b"}
                                                for k in range(1, 19)])
    result = runner.invoke(app, ["evaluate", "--corpus", str(DEMO), "--metadata", str(table), "--by", "Group",
                                 "--features", "tfidf", "--folds", "3", "--no-learning-curve", "--bootstrap", "50",
                                 "-o", str(tmp_path / "run")])
    assert result.exit_code == 0, result.stderr
    assert "Agreement by Group" in " ".join(result.stdout.split())
    table = pd.read_csv(tmp_path / "run" / "agreement_by_subgroup.csv")
    assert set(table["subgroup"]) == {"a", "b"} and table.groupby("subgroup")["n_interviews"].max().min() >= 5


def test_inspect_shows_each_interviews_metadata_and_the_keys_that_group_them():
    result = runner.invoke(app, ["inspect", str(DEMO)])
    assert result.exit_code == 0, result.stderr
    said = " ".join(result.stdout.split())
    # the demo's sheet gives site and service; a Word document's own title is no group (one interview each)
    assert ("metadata that groups the interviews (tr-nlp evaluate --by KEY): site (2 values, 18 interviews), "
            "service (3 values, 18 interviews)") in said and "title (" not in said
    result = runner.invoke(app, ["inspect", str(DEMO), "--json"])
    records = {r["interview_id"]: r for r in json.loads(result.stdout)["interviews"]}
    assert records["demo01"]["metadata"]["site"] == "north" and records["demo01"]["metadata"]["synthetic"] == "True"
