"""Agreement per subgroup of interviews (tr_nlp.agreement.subgroups) and ``evaluate --by``."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from conftest import DEMO
from tr_nlp.agreement import OVERALL, agreement_table
from tr_nlp.agreement.subgroups import SUBGROUP_COLUMNS, subgroup_table
from tr_nlp.cli import app

runner = CliRunner()


def _study(seed: int, wrong_south: float, wrong_north: float = 0.1):
    """Twenty interviews of 30 segments, ten at each site; two coders who mostly agree, and a
    machine that gets ``wrong_north`` and ``wrong_south`` of the coder's calls wrong."""
    rng = np.random.default_rng(seed)
    segments = [f"s{i}" for i in range(600)]
    interview_of = pd.Series([f"iv{i // 30}" for i in range(600)], index=segments)
    site = {f"iv{k}": "north" if k < 10 else "south" for k in range(20)}
    truth = (rng.random(600) < 0.3).astype(float)
    wrong = rng.random(600) < np.where(np.arange(600) < 300, wrong_north, wrong_south)
    machine = pd.DataFrame({"care": np.where(wrong, 1 - truth, truth)}, index=segments)
    coder_b = pd.DataFrame({"care": np.where(rng.random(600) < 0.05, 1 - truth, truth)}, index=segments)
    ratings = {"machine": machine, "a": pd.DataFrame({"care": truth}, index=segments), "b": coder_b}
    return ratings, interview_of, site


def test_each_subgroup_is_its_own_agreement_table_and_differs_from_the_rest_by_their_kappas():
    ratings, interview_of, site = _study(0, wrong_south=0.1)
    table = subgroup_table(ratings, interview_of, site, ["care"], machines=["machine"], n_boot=200)
    assert list(table.columns) == SUBGROUP_COLUMNS and list(dict.fromkeys(table["subgroup"])) == ["north", "south"]
    for value, rest in (("north", "south"), ("south", "north")):
        inside = interview_of.index[interview_of.map(site) == value]
        alone = agreement_table({r: f.loc[inside] for r, f in ratings.items()}, interview_of[inside], ["care"],
                                machines=["machine"], n_boot=200)
        ours = table[table["subgroup"] == value].drop(columns=["subgroup", "kappa_vs_rest", "kappa_vs_rest_lo",
                                                                 "kappa_vs_rest_hi"]).reset_index(drop=True)
        pd.testing.assert_frame_equal(ours, alone)  # the same rows, CIs included, as the subgroup alone
        other = table[table["subgroup"] == rest].set_index(["comparison", "rater_a", "rater_b", "code"])
        for r in table[table["subgroup"] == value].itertuples():
            if r.comparison == "machine vs human, double-coded":
                assert np.isnan(r.kappa_vs_rest)  # those rows are read against the coders' own
            else:
                assert r.kappa_vs_rest == pytest.approx(r.kappa - other.loc[(r.comparison, r.rater_a, r.rater_b,
                                                                             r.code), "kappa"])
                assert r.kappa_vs_rest_lo <= r.kappa_vs_rest <= r.kappa_vs_rest_hi
    # alike sites: every difference's interval holds 0
    main = table[table["comparison"] != "machine vs human, double-coded"]
    assert ((main.kappa_vs_rest_lo < 0) & (main.kappa_vs_rest_hi > 0)).all()


def test_a_machine_worse_at_one_site_is_told_apart_and_the_coders_are_not():
    ratings, interview_of, site = _study(1, wrong_south=0.3)
    table = subgroup_table(ratings, interview_of, site, ["care"], machines=["machine"], n_boot=300)
    row = table.set_index(["subgroup", "comparison", "rater_b", "code"]).loc[
        ("south", "machine vs human", "a", "care")]
    assert row.kappa_vs_rest_hi < 0  # the machine is worse there, beyond doubt
    coders = table[(table.comparison == "human vs human") & (table.code == OVERALL)]
    assert ((coders.kappa_vs_rest_lo < 0) & (coders.kappa_vs_rest_hi > 0)).all()  # the coders are alike at both


def test_interviews_without_a_subgroup_are_left_out_and_one_subgroup_has_no_rest():
    ratings, interview_of, site = _study(2, wrong_south=0.1)
    north = {interview: value for interview, value in site.items() if value == "north"}
    table = subgroup_table(ratings, interview_of, north, ["care"], machines=["machine"], n_boot=0)
    assert set(table["subgroup"]) == {"north"} and (table["n_interviews"] <= 10).all()
    assert table["kappa_vs_rest"].isna().all()
    assert subgroup_table(ratings, interview_of, {}, ["care"]).columns.tolist() == SUBGROUP_COLUMNS
    # coder b coded none of the south's interviews: no rows of b there, and b's rows in the north have no rest
    ratings["b"].loc[interview_of.map(site) == "south"] = np.nan
    table = subgroup_table(ratings, interview_of, site, ["care"], machines=["machine"], n_boot=50)
    south = table[table["subgroup"] == "south"]
    assert set(south["rater_b"]) == {"a"} and set(south["rater_a"]) == {"machine"} and (south["n_segments"] > 0).all()
    north_b = table[(table["subgroup"] == "north") & ((table["rater_b"] == "b") | (table["rater_a"] == "a"))]
    assert len(north_b) and north_b["kappa_vs_rest"].isna().all()


def _with_wards(folder):
    """The demo corpus, its text interviews given a ward in their front matter (the others have none)."""
    shutil.copytree(DEMO, folder)
    texts = sorted((folder / "interviews").glob("*.txt"))
    for k, path in enumerate(texts):
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("synthetic: true\n", f"synthetic: true\nWard: {'north' if k % 2 else 'south'}\n",
                                     1), encoding="utf-8")
    return folder, texts


def test_evaluate_by_a_metadata_key_prints_and_writes_each_subgroup(tmp_path):
    folder, texts = _with_wards(tmp_path / "corpus")
    out = tmp_path / "run"
    result = runner.invoke(app, ["evaluate", "--corpus", str(folder), "--by", "ward", "--folds", "3",
                                 "--no-learning-curve", "--bootstrap", "100", "--features", "tfidf", "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    said = " ".join(result.stdout.split())
    assert "Agreement by ward (95% CIs resample the subgroup's interviews)" in said and "kappa - rest's" in said
    table = pd.read_csv(out / "agreement_by_subgroup.csv")
    assert set(table["subgroup"]) == {"north", "south"} and table["kappa_vs_rest"].notna().any()
    assert json.loads((out / "run.json").read_text())["settings"]["by"] == "ward"
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "By ward: does agreement differ between kinds of interview?" in html and "<td>north</td>" in html
    # rows without intervals for too few interviews are named by subgroup (a pair's row may have one in another)
    few = "where raters compared fewer than 4 interviews (north: machine ~ coder_a 3, machine ~ coder_b 2, coder_a ~ "
    assert f"no 95% CI {few}" in said and f"No 95% intervals {few}" in html
    # no code is said to be in too few interviews but on interviews, where codes in every one have no interval
    assert said.count("no 95% CI for") == said.count("or in so nearly all") == 1
    judged = set(pd.read_csv(out / "segments.csv")["interview_id"])  # the coded interviews (the rest are held out)
    left = sorted(judged - {path.stem for path in texts})  # the Word, subtitle... interviews have no front matter
    assert left and f"{len(left)} interview(s) judged have no 'ward' and are left out of the agreement by ward: " \
                    f"{left[0]}" in " ".join(result.stderr.split())


def test_a_subgroup_written_in_another_case_is_that_subgroup(capsys):
    # "North" in one interview's front matter beside "north" in the others' made a subgroup of its
    # own, with no interval for its one interview, and took that interview from north's figures
    from tr_nlp.cli.coding_cmds import _subgroups
    from tr_nlp.ingest import Corpus
    from tr_nlp.schema import Interview

    wards = {"a": "north", "b": "North", "c": " north", "d": "south", "e": "South"}
    corpus = Corpus([Interview(iid, "P: Fine.", metadata={"Ward": ward}) for iid, ward in wards.items()])
    # (a tie goes to the spelling read first)
    assert _subgroups(corpus, "ward") == {"a": "north", "b": "north", "c": "north", "d": "south", "e": "south"}
    said = " ".join(capsys.readouterr().err.split())
    assert "warning: --by ward: values written in more than one way are read as one each: 'North' as 'north'" in said
    assert _subgroups(corpus, "ward", quiet=True)["b"] == "north" and capsys.readouterr().err == ""


def test_evaluate_by_a_key_no_interview_has_or_that_does_not_group_them_is_refused_before_the_work(tmp_path):
    result = runner.invoke(app, ["evaluate", "--corpus", str(DEMO), "--by", "ward"])
    assert result.exit_code == 2 and "[E163]" in result.stderr
    said = " ".join(result.stderr.split())
    assert "no interview has a value of 'ward' in its metadata; the keys they have:" in said and "service, site" in said
    for k in range(21):  # a key of each interview's own: no subgroups
        (tmp_path / f"p{k}.txt").write_text(f"---\nparticipant: P{k}\n---\nI: How was it?\nP: Fine, {k}.\n",
                                            encoding="utf-8")
    result = runner.invoke(app, ["evaluate", "--corpus", str(tmp_path), "--by", "participant"])
    assert result.exit_code == 2 and "expected a key that groups interviews (at most 20 values)" in " ".join(
        result.stderr.split())
