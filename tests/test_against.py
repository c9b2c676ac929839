"""Two models judged on the same interviews (``evaluate --model NEW --against OLD``)."""

import json
import shutil

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import f1_score
from typer.testing import CliRunner

from conftest import DEMO
from tr_nlp.agreement import agreement_table
from tr_nlp.agreement.models import model_difference_table, shown_differences
from tr_nlp.cli import app
from tr_nlp.coding.evaluate import prescreen_difference_table, prescreen_table

runner = CliRunner()


def _ratings(seed=0, interviews=12, per=20, wrong_new=0.1, wrong_old=0.3):
    """A coder and two models that each disagree with the coder on a share of segments."""
    rng = np.random.default_rng(seed)
    index = [f"s{i}" for i in range(interviews * per)]
    coder = pd.DataFrame({"care": rng.integers(0, 2, len(index)), "trust": rng.integers(0, 2, len(index))},
                         index=index).astype(float)

    def flipped(share):
        flip = rng.random(coder.shape) < share
        return coder.where(~flip, 1 - coder)

    interview_of = pd.Series([f"iv{i // per}" for i in range(len(index))], index=index)
    return {"new": flipped(wrong_new), "old": flipped(wrong_old), "coder": coder}, interview_of


def test_each_models_kappa_is_the_agreement_tables_and_their_difference_has_a_paired_interval():
    ratings, interview_of = _ratings()
    table = model_difference_table(ratings, interview_of, ["care", "trust"], "new", "old", ["coder"], n_boot=400)
    assert table["code"].tolist() == ["care", "trust", "(all codes, pooled)"]
    for model, column in (("new", "kappa"), ("old", "kappa_baseline")):
        alone = agreement_table({model: ratings[model], "coder": ratings["coder"]}, interview_of, ["care", "trust"],
                                machines=[model], n_boot=0)
        np.testing.assert_allclose(table[column], alone["kappa"], atol=1e-12)
    np.testing.assert_allclose(table["kappa_diff"], table["kappa"] - table["kappa_baseline"], atol=1e-12)
    assert (table["kappa_diff_lo"] > 0).all()  # wrong a tenth of the time against three tenths: told apart
    assert (table[["n_segments", "n_interviews"]].to_numpy() == [240, 12]).all()
    # models alike but for noise are not told apart
    ratings, interview_of = _ratings(seed=1, wrong_new=0.2, wrong_old=0.2)
    alike = model_difference_table(ratings, interview_of, ["care"], "new", "old", ["coder"], n_boot=400)
    assert (alike["kappa_diff_lo"] < 0).all() and (alike["kappa_diff_hi"] > 0).all()


def test_each_models_f1_is_the_agreement_tables_and_their_difference_has_a_paired_interval():
    ratings, interview_of = _ratings(wrong_new=0.05, wrong_old=0.3)
    table = model_difference_table(ratings, interview_of, ["care", "trust"], "new", "old", ["coder"], n_boot=400)
    for model, column in (("new", "f1"), ("old", "f1_baseline")):
        alone = agreement_table({model: ratings[model], "coder": ratings["coder"]}, interview_of, ["care", "trust"],
                                machines=[model], n_boot=0)  # the coder the reference, as there
        np.testing.assert_allclose(table[column], alone["f1"], atol=1e-12)
    np.testing.assert_allclose(table["f1_diff"], table["f1"] - table["f1_baseline"], atol=1e-12)
    assert (table["f1_diff_lo"] > 0).all() and (table["f1_diff_lo"] < table["f1_diff"]).all()
    # an exclusive group's F1 is the macro-F1 over its values, as scikit-learn's f1_score gives it
    grouped = model_difference_table(ratings, interview_of, ["care", "trust"], "new", "old", ["coder"], n_boot=0,
                                     exclusive=[["care", "trust"]])
    row = grouped.set_index("code").loc["one of care / trust"]

    def label(frame):  # none, care, trust, or both: a combination against the rule is a value of its own
        return (frame["care"] + 2 * frame["trust"]).astype(int)

    for model, column in (("new", "f1"), ("old", "f1_baseline")):
        assert row[column] == pytest.approx(f1_score(label(ratings["coder"]), label(ratings[model]), average="macro"))


def test_two_models_pre_screening_reads_each_ones_order_and_the_difference_has_a_paired_interval():
    rng = np.random.default_rng(4)
    index = [f"s{i}" for i in range(480)]
    interview_of = pd.Series([f"iv{i // 40}" for i in range(480)], index=index)
    target = pd.DataFrame({"care": (rng.random(480) < 0.15).astype(float)}, index=index)
    sharp = (target + rng.normal(0, 0.4, target.shape)).clip(0, 1)  # ranks most coded segments first
    blunt = pd.DataFrame({"care": rng.random(480)}, index=index)  # ranks at random
    table = prescreen_difference_table(sharp, blunt, target, ("sharp", "blunt"), interview_of=interview_of,
                                       n_boot=400)
    assert table["recall"].tolist() == [0.8, 0.9, 0.95] and (table[["model", "baseline"]] == ["sharp", "blunt"]).all(
        axis=None)
    for proba, column in ((sharp, "read_share"), (blunt, "read_share_baseline")):  # each model's own pre-screening
        alone = prescreen_table(proba, target)
        np.testing.assert_allclose(table[column], alone["read_share"], atol=1e-12)
    np.testing.assert_allclose(table["read_share_diff"], table["read_share"] - table["read_share_baseline"])
    assert (table["read_share_diff_hi"] < 0).all()  # the sharp model leaves more unread, and the interval says so
    assert (table["n_interviews"] == 12).all() and (table["positives"] == target["care"].sum()).all()
    twins = prescreen_difference_table(blunt, blunt.copy(), target, ("a", "b"), interview_of=interview_of, n_boot=400)
    # one order twice: every resample draws the same interviews for both, so no difference on any (paired)
    assert (twins[["read_share_diff", "read_share_diff_lo", "read_share_diff_hi"]] == 0).all(axis=None)
    none = prescreen_difference_table(sharp, blunt, target.assign(care=0.0), ("a", "b"))
    assert none.empty and list(none.columns)[:4] == ["code", "recall", "model", "baseline"]  # nothing coded to find


def test_interviews_hard_for_both_models_do_not_widen_the_difference():
    # the old model wrong on hard interviews (half their segments) and easy ones (a tenth); the new one its twin,
    # right where the old one was wrong on every fifth segment: a small gain an unpaired comparison would drown
    ratings, interview_of = _ratings(seed=2, interviews=10, wrong_new=0.0, wrong_old=0.0)
    coder, rng = ratings["coder"], np.random.default_rng(3)
    hard = interview_of.isin([f"iv{k}" for k in range(0, 10, 2)]).to_numpy()[:, None]
    wrong = rng.random(coder.shape) < np.where(hard, 0.5, 0.1)
    old = coder.where(~wrong, 1 - coder)
    fixed = wrong & (np.arange(len(coder))[:, None] % 5 == 0)
    ratings = {"new": old.where(~fixed, coder), "old": old, "coder": coder}
    table = model_difference_table(ratings, interview_of, ["care"], "new", "old", ["coder"], n_boot=1000)
    own = agreement_table({"old": old, "coder": coder}, interview_of, ["care"], machines=["old"], n_boot=1000)
    paired = table.loc[0, "kappa_diff_hi"] - table.loc[0, "kappa_diff_lo"]
    assert table.loc[0, "kappa_diff_lo"] > 0 and paired < (own.loc[0, "kappa_hi"] - own.loc[0, "kappa_lo"]) / 3


def test_a_coder_who_rated_none_of_the_segments_has_no_rows_and_few_interviews_no_interval():
    ratings, interview_of = _ratings(interviews=3)
    ratings["absent"] = ratings["coder"] * np.nan
    table = model_difference_table(ratings, interview_of, ["care"], "new", "old", ["coder", "absent"], n_boot=200)
    assert set(table["coder"]) == {"coder"} and table["kappa_diff_lo"].isna().all()  # 3 interviews: too few
    exclusive = model_difference_table(ratings, interview_of, ["care", "trust"], "new", "old", ["coder"], n_boot=0,
                                       exclusive=[["care", "trust"]])
    assert exclusive["code"].tolist() == ["care", "trust", "one of care / trust", "(all codes, pooled)"]


def test_with_many_coders_only_the_rows_against_their_codings_combined_are_shown():
    rows = pd.DataFrame({"coder": [f"c{k}" for k in range(4)] + ["all coders (union)"]})
    assert shown_differences(rows)["coder"].tolist() == ["all coders (union)"]
    assert len(shown_differences(rows.iloc[:4])) == 4  # no combined rows: every coder's


def _corpus(folder, keep):
    """The demo corpus with only the interviews ``keep`` (their codings are the demo's)."""
    shutil.copytree(DEMO, folder)
    for path in (folder / "interviews").iterdir():
        if path.stem not in keep:
            path.unlink()
    return folder


@pytest.fixture(scope="module")
def two_models(tmp_path_factory):
    """Two TF-IDF models of the demo: one trained on demo06 and demo10-14, one on demo07-14."""
    root = tmp_path_factory.mktemp("against")
    models = {}
    for name, keep in (("old", ["demo06", *(f"demo{k}" for k in range(10, 15))]),
                       ("new", [f"demo{k:02d}" for k in range(7, 15)])):
        corpus = _corpus(root / f"corpus-{name}", keep)
        models[name] = root / name
        result = runner.invoke(app, ["train", "--corpus", str(corpus), "-o", str(models[name]), "--features", "tfidf",
                                     "--quiet"])
        assert result.exit_code == 0, result.stderr
    return models


def test_evaluate_against_judges_both_models_on_interviews_neither_saw(tmp_path, two_models):
    out = tmp_path / "run"
    result = runner.invoke(app, ["evaluate", "--corpus", str(DEMO), "--model", str(two_models["new"]), "--against",
                                 str(two_models["old"]), "--bootstrap", "200", "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    said = " ".join(result.stdout.split())
    new, old = (f"{name} {json.loads((two_models[name] / 'card.json').read_text())['version']}"
                for name in ("new", "old"))  # each model's label: its name and version
    assert f"{new} against {old} on the same segments (95% CIs resample interviews alike for both)" in said
    assert f"difference: the kappa of {new} minus that of {old}, with the same coder on the same segments" in said
    assert f"F1 {new} / {old}" in said and "F1 difference: the same of their F1 with the coder as the reference" in said
    assert f"Pre-screening, {new} against {old}: share of segments to read, in each model's order" in said
    screened = pd.read_csv(out / "prescreen_difference.csv")
    mine = pd.read_csv(out / "prescreen.csv")  # the new model's own pre-screening, as the main table gives it
    np.testing.assert_allclose(screened["read_share"], mine["read_share"], atol=1e-12)
    assert set(screened["code"]) == set(mine["code"]) and screened["read_share_diff_lo"].notna().all()
    table = pd.read_csv(out / "model_difference.csv")
    # the new model's training interviews (07-14) are left out, and so the old one's (06 too)
    judged = set(pd.read_csv(out / "segments.csv")["interview_id"])
    assert judged == {f"demo0{k}" for k in range(1, 6)}
    warned = " ".join(result.stderr.split())
    assert f"8 interview(s) were among {new}'s training interviews" in warned
    assert f"1 interview(s) were among {old}'s training interviews and are left out of this held-out test: demo06" \
        in warned
    assert set(table["coder"]) == {"coder_a", "coder_b", "all coders (union)"}
    assert (table["model"] == new).all() and (table["baseline"] == old).all()
    assert (table.loc[table["coder"] == "coder_a", "n_interviews"] == 5).all()  # 01-05: the coded ones judged
    assert table["kappa_diff_lo"].notna().all() and table["f1_diff_lo"].notna().all()
    agreement = pd.read_csv(out / "agreement.csv")  # the main tables are the new model's
    mine = agreement[(agreement["rater_a"] == "machine") & (agreement["rater_b"] == "coder_a")
                     & (agreement["comparison"] == "machine vs human")].set_index("code")["kappa"]
    ours = table[table["coder"] == "coder_a"].set_index("code")
    np.testing.assert_allclose(ours["kappa"].reindex(mine.index), mine, atol=1e-12)
    f1 = agreement[(agreement["rater_a"] == "machine") & (agreement["rater_b"] == "coder_a")
                   & (agreement["comparison"] == "machine vs human")].set_index("code")["f1"]
    np.testing.assert_allclose(ours["f1"].reindex(f1.index), f1, atol=1e-12)
    assert json.loads((out / "run.json").read_text())["settings"]["against"] == str(two_models["old"].resolve())
    html = (out / "report.html").read_text(encoding="utf-8")
    assert f"{new} against {old}: which agrees better with the coders?" in html and "all coders (union)" in html
    assert f"<th scope=\"col\">F1 {new}</th>" in html and "The F1 difference asks the same of F1" in html
    assert "Share of segments to read with each model, and the difference" in html
    older = tmp_path / "older"  # a run folder written before F1 was compared: kappa alone, as then
    shutil.copytree(out, older)
    table.drop(columns=[c for c in table.columns if c.startswith("f1")]).to_csv(older / "model_difference.csv",
                                                                                index=False)
    (older / "prescreen_difference.csv").unlink()
    result = runner.invoke(app, ["report", "--run", str(older), "-o", str(tmp_path / "older.html")])
    assert result.exit_code == 0, result.stderr
    html = (tmp_path / "older.html").read_text(encoding="utf-8")
    assert f"{new} against {old}: which agrees better" in html and "F1 difference" not in html
    assert "Share of segments to read with each model" not in html
    table.assign(kappa_baseline="high").to_csv(out / "model_difference.csv", index=False)  # a hand-edited table
    result = runner.invoke(app, ["report", "--run", str(out), "-o", str(tmp_path / "again.html")])
    said = " ".join(result.stderr.split())
    assert result.exit_code != 0 and "[E221]" in said and "model_difference.csv" in said
    assert "column 'kappa_baseline' holds 'high' in data row 1; expected a number" in said
    table.drop(columns="baseline").to_csv(out / "model_difference.csv", index=False)
    result = runner.invoke(app, ["report", "--run", str(out), "-o", str(tmp_path / "again.html")])
    assert "[E221]" in result.stderr and "lacks the column(s) baseline" in " ".join(result.stderr.split())


def test_evaluate_against_needs_the_same_segments(tmp_path, two_models):
    twin = tmp_path / "twin"  # a copy of the new model under another name: the same model
    shutil.copytree(two_models["new"], twin)
    result = runner.invoke(app, ["evaluate", "--corpus", str(DEMO), "--model", str(two_models["new"]), "--against",
                                 str(twin)])
    assert result.exit_code == 2 and "[E163]" in result.stderr and "are the same model" in " ".join(
        result.stderr.split())
    turns = tmp_path / "turns"
    result = runner.invoke(app, ["train", "--corpus", str(_corpus(tmp_path / "c", ["demo10", "demo11", "demo12"])),
                                 "-o", str(turns), "--features", "tfidf", "--unit", "turn", "--quiet"])
    assert result.exit_code == 0, result.stderr
    result = runner.invoke(app, ["evaluate", "--corpus", str(DEMO), "--model", str(two_models["new"]), "--against",
                                 str(turns)])
    said = " ".join(result.stderr.split())
    assert result.exit_code == 2 and "[E163]" in said and "warning" not in said  # refused before the held-out test
    assert "scores sentences of participant speech and" in said and "turns of participant speech, as each" in said
    result = runner.invoke(app, ["evaluate", "--corpus", str(DEMO), "--model", str(two_models["new"]), "--against",
                                 str(turns), "--unit", "sentence", "--bootstrap", "0"])  # both scored on sentences
    assert result.exit_code == 0, result.stderr
    assert "the model was trained on turns of participant speech and these are sentences" in " ".join(
        result.stderr.split())


def test_cross_validating_against_other_features_runs_them_on_the_same_folds(tmp_path):
    out = tmp_path / "run"
    common = ["--corpus", str(DEMO), "--folds", "3", "--no-learning-curve", "--bootstrap", "100"]
    result = runner.invoke(app, ["evaluate", *common, "--features", "tfidf", "--against", "embeddings", "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    said = " ".join(result.stdout.split())
    assert "features tfidf against features embeddings on the same segments" in said
    assert "difference: the kappa of features tfidf minus that of features embeddings" in said
    table = pd.read_csv(out / "model_difference.csv").set_index(["coder", "code"])
    assert json.loads((out / "run.json").read_text())["settings"]["against"] == "embeddings"
    alone = tmp_path / "alone"  # the same cross-validation with the other features, as a run of its own
    result = runner.invoke(app, ["evaluate", *common, "--features", "embeddings", "-o", str(alone)])
    assert result.exit_code == 0, result.stderr
    for folder, column in ((out, "kappa"), (alone, "kappa_baseline")):
        agreement = pd.read_csv(folder / "agreement.csv")
        mine = agreement[(agreement["rater_a"] == "machine") & (agreement["comparison"] == "machine vs human")]
        for r in mine.itertuples():
            assert table.loc[(r.rater_b, r.code), column] == pytest.approx(r.kappa, abs=1e-12)
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "Both cross-validated on the same folds" in html


@pytest.mark.parametrize(("args", "message"), [
    (["--against", "tfidf", "--features", "tfidf"], "--against tfidf names the features cross-validated already"),
    (["--against", "models/old"], "--against 'models/old': cross-validating, --against takes other features"),
])
def test_cross_validating_against_the_same_or_no_features_is_refused_before_the_work(args, message):
    result = runner.invoke(app, ["evaluate", "--corpus", str(DEMO), *args])
    assert result.exit_code == 2 and "[E163]" in result.stderr and message in " ".join(result.stderr.split())
