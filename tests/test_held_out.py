"""A trained model judged on hand-coded interviews it never saw (``tr-nlp evaluate --model``)."""

from __future__ import annotations

import json
import re
from dataclasses import replace

import pandas as pd
import pytest
from typer.testing import CliRunner

from conftest import DEMO
from tr_nlp.cli import app
from tr_nlp.coding import coded_data, load_model, save_model, train_model
from tr_nlp.coding.evaluate import held_out, judge_model
from tr_nlp.ingest import load_corpus
from tr_nlp.privacy import Pseudonymiser, pseudonymise_corpus
from tr_nlp.schema import Interview

runner = CliRunner()
TRAINING = ["demo01", "demo02", "demo03", "demo04", "demo05", "demo06", "demo07", "demo08", "demo10"]


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """The demo corpus and a TF-IDF model trained on 9 of its 14 coded interviews, saved."""
    corpus = load_corpus([DEMO])
    part = replace(corpus, interviews=[iv for iv in corpus.interviews if iv.id in TRAINING],
                   codings=[c for c in corpus.codings if c.interview_id in TRAINING])
    folder = tmp_path_factory.mktemp("held") / "model"
    save_model(train_model(coded_data(part), "tfidf", name="part", corpus=part), folder)
    return corpus, folder


def test_the_model_is_judged_on_the_coded_interviews_it_was_not_trained_on(trained):
    corpus, folder = trained
    model = load_model(folder)
    assert len(model.card["training_fingerprints"]) == 9
    # one training interview read again under another name, its words re-spaced and re-cased: still left out
    again = replace(corpus.interviews[0], id="copy of demo01", text=corpus.interviews[0].text.upper().replace(" ", "  "))
    evaluated, seen = held_out(replace(corpus, interviews=[*corpus.interviews, again]), model.card)
    assert sorted(seen.same) == sorted([*TRAINING, "copy of demo01"]) and not seen.edited
    assert not {c.interview_id for c in evaluated.codings} & set(TRAINING)
    data = coded_data(evaluated)
    assert sorted(set(data.groups)) == ["demo09", "demo11", "demo12", "demo13", "demo14"]
    ev = judge_model(model, data, n_boot=50)
    # the model's own calls on these segments, at its own thresholds: no refitting
    expected = model.decide(model.predict_proba(data.frame)).set_axis(data.target.index)
    pd.testing.assert_frame_equal(ev.predicted, expected[data.codes].astype(float))
    assert set(zip(ev.agreement.rater_a, ev.agreement.rater_b)) == {
        ("machine", "coder_a"), ("machine", "coder_b"), ("coder_a", "coder_b")}
    assert ev.learning_curve.empty and ev.protocol == "held-out test of part " + model.card["version"] + " on 5 interview(s)"


def test_an_edited_or_pseudonymised_copy_of_a_training_interview_is_left_out_too(trained):
    corpus, folder = trained
    card = load_model(folder).card
    assert len(card["training_sketches"]) == 9 and all(len(s) == 8 * 64 for s in card["training_sketches"])
    demo01, demo02 = corpus.by_id()["demo01"], corpus.by_id()["demo02"]
    typos = Interview("demo01 corrected", demo01.text.replace(" the ", " teh ").replace("yeah", "yes"))
    renamed = replace(pseudonymise_corpus(replace(corpus, interviews=[demo02], codings=[]),
                                          Pseudonymiser(names=(DEMO / "names.txt").read_text(encoding="utf-8").split()))[0].interviews[0],
                      id="demo02 pseudonymised")
    assert renamed.text != demo02.text
    half = Interview("first half of demo01", demo01.text[:len(demo01.text) // 2])
    tests = replace(corpus, interviews=[*corpus.interviews, typos, renamed, half])
    evaluated, seen = held_out(tests, card)
    assert sorted(seen.same) == sorted(TRAINING)
    assert 0.4 <= seen.edited["demo01 corrected"] < 1 and 0.4 <= seen.edited["demo02 pseudonymised"] < 1
    assert 0.4 <= seen.edited["first half of demo01"] < 1
    assert sorted(iv.id for iv in evaluated.interviews) == sorted(set(corpus.by_id()) - set(TRAINING))
    # a card from before sketches knows only the same words
    older = {k: v for k, v in card.items() if k != "training_sketches"}
    assert sorted(held_out(tests, older)[1].ids) == sorted(TRAINING)


def test_only_the_models_codes_are_judged(trained):
    corpus, folder = trained
    model = load_model(folder)
    data = coded_data(held_out(corpus, model.card)[0], codes=["beyond_routine", "social_interaction"])
    ev = judge_model(model, data, n_boot=0)
    assert list(ev.proba.columns) == ["beyond_routine", "social_interaction"]
    assert set(ev.agreement.code) == {"beyond_routine", "social_interaction", "(all codes, pooled)"}


def test_a_code_no_coder_gave_in_the_test_interviews_is_judged_with_every_call_a_disagreement(trained):
    corpus, folder = trained
    model = load_model(folder)
    test = held_out(corpus, model.card)[0]
    test = replace(test, codings=[c for c in test.codings if c.code != "beyond_routine"])
    assert "beyond_routine" not in coded_data(test).codes  # nothing to learn from, so training data drops it
    data = coded_data(test, keep_uncoded=True)
    assert "beyond_routine" in data.codes and not data.target["beyond_routine"].any()
    ev = judge_model(model, data, n_boot=20)
    calls = int(ev.predicted["beyond_routine"].sum())
    assert calls > 0  # the TF-IDF model finds "beyond routine" in these interviews
    row = ev.agreement[(ev.agreement.code == "beyond_routine") & (ev.agreement.rater_b == "coder_a")
                       & (ev.agreement.comparison == "machine vs human")].iloc[0]
    assert row.prevalence_b == 0 and row.precision == 0 and row.kappa == 0
    assert row.percent == pytest.approx(1 - calls / len(data.segments))  # coder_a coded all five interviews
    confusion = ev.confusion.set_index(["code", "coder"]).loc[("beyond_routine", "coder_a")]
    assert confusion.machine_yes_coder_no == calls and confusion.machine_yes_coder_yes == 0
    pooled = ev.agreement[(ev.agreement.code == "(all codes, pooled)") & (ev.agreement.rater_b == "coder_a")]
    assert pooled.n_segments.iloc[0] == 5 * len(data.segments)  # the pooled figures count its calls too


def test_cli_judges_a_code_the_test_codebook_has_and_no_coder_gave(trained, tmp_path):
    _, folder = trained
    table = pd.read_csv(DEMO / "codings.csv")
    table[table.code != "social_interaction"].to_csv(tmp_path / "codings.csv", index=False)
    result = runner.invoke(app, ["evaluate", "--corpus", str(DEMO), "--codings", str(tmp_path / "codings.csv"),
                                 "--model", str(folder), "--bootstrap", "0", "-o", str(tmp_path / "ev")])
    assert result.exit_code == 0, result.output
    assert ("no coder gave social_interaction in these interviews: every call the model makes of them counts as a "
            "disagreement") in " ".join(result.stderr.split())
    assert "social_interaction" in set(pd.read_csv(tmp_path / "ev" / "agreement.csv").code)
    # without the codebook, a code the codings never use cannot be told from one the coders did not have
    result = runner.invoke(app, ["evaluate", "--corpus", str(DEMO / "interviews"), "--codings",
                                 str(tmp_path / "codings.csv"), "--model", str(folder), "--bootstrap", "0"])
    assert result.exit_code == 0, result.output
    assert ("not judged: no coding of these interviews uses social_interaction (the model's calls of these codes "
            "are not counted; give their codebook (--codebook)") in " ".join(result.stderr.split())


def test_cli_says_when_a_code_asked_for_is_not_the_models(trained, tmp_path):
    corpus, _ = trained
    part = replace(corpus, interviews=[iv for iv in corpus.interviews if iv.id in TRAINING],
                   codings=[c for c in corpus.codings if c.interview_id in TRAINING and c.code != "emotional_climate"])
    folder = tmp_path / "model"
    save_model(train_model(coded_data(part), "tfidf", name="no-climate", corpus=part), folder)
    assert "emotional_climate" not in load_model(folder).codes
    result = runner.invoke(app, ["evaluate", "--corpus", str(DEMO), "--model", str(folder), "--bootstrap", "0",
                                 "--codes",
                                 "emotional_climate,beyond_routine"])
    assert result.exit_code == 0, result.output
    assert "not judged: no-climate" in result.stderr and "does not code emotional_climate" in result.stderr
    # a code neither the model nor the test's coders have: nothing to say about the model's calls of it
    table = pd.read_csv(DEMO / "codings.csv")
    table[table.code != "emotional_climate"].to_csv(tmp_path / "codings.csv", index=False)
    result = runner.invoke(app, ["evaluate", "--corpus", str(DEMO), "--codings", str(tmp_path / "codings.csv"),
                                 "--model", str(folder), "--bootstrap", "0"])
    assert result.exit_code == 0, result.output
    assert "no coder gave" not in result.stderr and "emotional_climate" not in result.stderr


def test_cli_evaluate_says_when_interviews_judged_were_read_only_in_part(trained, tmp_path):
    _, folder = trained
    corpus = load_corpus([DEMO])
    demo12 = next(iv for iv in corpus.interviews if iv.id == "demo12")
    pd.DataFrame([{"interview_id": "demo12", "start": 0, "end": len(demo12.text) // 2}]).to_csv(
        tmp_path / "read.csv", index=False)
    result = runner.invoke(app, ["evaluate", "--corpus", str(DEMO), "--model", str(folder), "--bootstrap", "0",
                                 "--reviewed", str(tmp_path / "read.csv")])
    assert result.exit_code == 0, result.output
    assert "1 of the 5 interviews judged were read only in part (demo12: the passages marked read" in result.stderr
    whole = runner.invoke(app, ["evaluate", "--corpus", str(DEMO), "--model", str(folder), "--bootstrap", "0"])
    assert whole.exit_code == 0 and "read only in part" not in whole.stderr


def test_cli_evaluate_with_a_model_says_what_it_left_out(trained, tmp_path):
    _, folder = trained
    result = runner.invoke(app, ["evaluate", "--corpus", str(DEMO), "--model", str(folder), "--bootstrap", "20",
                                 "--codes", "beyond_routine,social_interaction", "-o", str(tmp_path / "ev")])
    assert result.exit_code == 0, result.output
    assert ("9 interview(s) were among the model's training interviews and are left out of this held-out test: "
            "demo01, demo02, demo03, demo04, demo05 and 4 more") in result.stderr
    assert "held-out test of part" in result.stderr and "on 5 interview(s), none of them used in training" in result.stderr
    assert "not judged" not in result.stderr  # the codes left out were left out by --codes
    assert "nearly the same text" not in result.stderr  # distinct interviews share about 2% of their runs
    assert "machine vs human" in result.stdout and "human vs human" in result.stdout
    assert json.loads((tmp_path / "ev" / "evaluation.json").read_text())["protocol"].startswith("held-out test of part")
    assert not (tmp_path / "ev" / "learning_curve.csv").exists()
    # its report says what was judged: the model's codes on the interviews it never saw
    run = json.loads((tmp_path / "ev" / "run.json").read_text())
    assert run["model"] == str(folder.resolve()) and run["settings"]["codes"] == ["beyond_routine", "social_interaction"]
    assert set(pd.read_csv(tmp_path / "ev" / "codings.csv").code) == {"beyond_routine", "social_interaction"}
    html = (tmp_path / "ev" / "report.html").read_text(encoding="utf-8")
    assert "Held-out test of part" in html and "the model was trained on other interviews, never on these" in html
    assert "Cross-validated" not in html and "Held-out segments where the machine" in html
    assert "Model suggestions" not in html and "This run did not look for candidate codes" in html
    shared = runner.invoke(app, ["report", "--run", str(tmp_path / "ev"), "-o", str(tmp_path / "r.html"), "--no-quotes"])
    assert shared.exit_code == 0, shared.output


def test_cli_says_which_interviews_are_edited_copies_of_training_interviews(trained, tmp_path):
    _, folder = trained
    folder_in = tmp_path / "interviews"
    folder_in.mkdir()
    for name in ("demo09.txt", "demo13.txt"):
        (folder_in / name).write_bytes((DEMO / "interviews" / name).read_bytes())
    text = (DEMO / "interviews" / "demo01.txt").read_text(encoding="utf-8")
    (folder_in / "demo01_v2.txt").write_text(text.replace("Karen", "Carol"), encoding="utf-8")  # id: demo01
    text = (DEMO / "interviews" / "demo04.txt").read_text(encoding="utf-8")  # one word changed: its sketch does not show it
    (folder_in / "demo04_v2.txt").write_text(text.replace(" and ", " adn ", 1), encoding="utf-8")  # id: demo04
    table = pd.read_csv(DEMO / "codings.csv")
    table[table.interview_id.isin(["demo09", "demo13"])].to_csv(tmp_path / "codings.csv", index=False)
    result = runner.invoke(app, ["evaluate", "--corpus", str(folder_in), "--codings", str(tmp_path / "codings.csv"),
                                 "--model", str(folder), "--bootstrap", "0"])
    assert result.exit_code == 0, result.output
    said = " ".join(result.stderr.split())
    assert "2 interview(s) are edited copies of the model's training interviews" in said
    assert re.search(r"found in a training interview: demo01 \(9\d%\), demo04 \(100%\)", said)
    assert "were among the model's training interviews" not in said  # none has a training interview's words
    assert "on 2 interview(s), none of them used in training" in said


def test_code_and_batch_say_which_interviews_the_model_was_trained_on(trained, tmp_path):
    # a team coding its whole folder saw suggestions on the interviews the model learned from,
    # which repeat their coding, beside those on new ones, and no word of which were which
    _, folder = trained
    folder_in = tmp_path / "interviews"
    folder_in.mkdir()
    for name in ("demo01.txt", "demo13.txt"):  # trained on demo01, not demo13
        (folder_in / name).write_bytes((DEMO / "interviews" / name).read_bytes())
    text = (DEMO / "interviews" / "demo04.txt").read_text(encoding="utf-8")
    (folder_in / "demo04_v2.txt").write_text(text.replace("Hughes", "Hayes"), encoding="utf-8")
    coded = runner.invoke(app, ["code", str(folder_in), "--model", str(folder), "-o", str(tmp_path / "s.csv")])
    batch = runner.invoke(app, ["batch", str(folder_in), "--model", str(folder), "-o", str(tmp_path / "run"),
                                "--no-report"])
    for result in (coded, batch):
        assert result.exit_code == 0, result.output
        said = " ".join(result.stderr.split())
        assert re.search(r"demo01\.txt: was among the interviews the model was trained on: its suggestions here "
                         r"repeat what it learned from the coding of that interview", said), said
        assert re.search(r"demo04_v2\.txt: is an edited copy of an interview the model was trained on \(9\d% of its "
                         r"four-word runs are that one's\)", said), said
        assert "demo13.txt: was among" not in said and "demo13.txt: is an edited" not in said


def test_train_and_evaluate_warn_when_two_coded_interviews_are_one_transcript(tmp_path):
    folder = tmp_path / "interviews"
    folder.mkdir()  # an edited copy whose name shares no word with the original's (one that does is merged)
    for name in ("demo01.txt", "demo04.txt", "demo06.txt"):
        (folder / name).write_bytes((DEMO / "interviews" / name).read_bytes())
    text = (DEMO / "interviews" / "demo01.txt").read_text(encoding="utf-8")
    (folder / "karen_final.txt").write_text(text.replace("interview_id: demo01", "interview_id: karen_final")
                                             .replace("Karen", "Carol"), encoding="utf-8")  # same length
    table = pd.read_csv(DEMO / "codings.csv")
    copy = table[table.interview_id == "demo01"].assign(interview_id="karen_final",
                                                        text=lambda t: t.text.str.replace("Karen", "Carol"))
    pd.concat([table, copy]).to_csv(tmp_path / "codings.csv", index=False)
    common = ["--corpus", str(folder), "--codings", str(tmp_path / "codings.csv"), "--features", "tfidf"]
    for args, kind in ((["train", *common, "--cv-folds", "0", "-o", str(tmp_path / "m")], "coded interviews"),
                       (["evaluate", *common, "--folds", "2", "--bootstrap", "0", "--no-learning-curve"],
                        "coded interviews"),
                       (["inspect", str(folder)], "interviews")):
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
        said = " ".join(result.stderr.split())
        assert re.search(rf"1 pair\(s\) of {kind} are nearly the same text .*: demo01 ~ karen_final "
                         r"\(9\d%\); one transcript read twice", said), said
    assert "nearly the same text" not in runner.invoke(app, ["inspect", str(DEMO)]).stderr


def test_cli_refuses_a_test_made_only_of_training_interviews(trained, tmp_path):
    _, folder = trained
    paths = [arg for name in ("demo01.txt", "demo04.txt") for arg in ("--corpus", str(DEMO / "interviews" / name))]
    result = runner.invoke(app, ["evaluate", *paths, "--codings", str(DEMO / "codings.csv"),
                                 "--model", str(folder)])
    assert result.exit_code == 2 and "E185" in result.stderr
    assert "every interview here was used to train part" in result.stderr
    # an interview it did not see, but coded by nobody: was "no human codings of the interviews read"
    paths += ["--corpus", str(DEMO / "interviews" / "demo18.txt")]
    result = runner.invoke(app, ["evaluate", *paths, "--codings", str(DEMO / "codings.csv"),
                                 "--model", str(folder)])
    assert result.exit_code == 2 and "E185" in result.stderr
    assert re.search(r"every coded interview here was used to train part [\d-]+, and the 1 it did not see have no "
                     r"human coding \(demo18\)", " ".join(result.stderr.split()))


def test_cli_warns_when_the_card_cannot_tell_its_training_interviews(trained, tmp_path):
    _, folder = trained
    old = tmp_path / "old"
    old.mkdir()
    for name in ("model.skops", "README.md"):
        (old / name).write_bytes((folder / name).read_bytes())
    card = json.loads((folder / "card.json").read_text())
    del card["training_fingerprints"]  # a model trained before cards listed them
    (old / "card.json").write_text(json.dumps(card), encoding="utf-8")
    result = runner.invoke(app, ["evaluate", "--corpus", str(DEMO), "--model", str(old), "--bootstrap", "0",
                                 "--features", "embeddings", "--folds", "3"])
    assert result.exit_code == 0, result.output
    assert "card does not list its training interviews" in result.stderr
    assert "--features, --folds ignored with --model" in result.stderr
    assert "none of them used in training" not in result.stderr


def test_a_model_trained_on_a_pseudonymised_copy_knows_its_interviews_as_written(tmp_path):
    folder = tmp_path / "pseudo"
    paths = [arg for name in ("demo01.txt", "demo02.docx", "demo07.docx") for arg in
             ("--corpus", str(DEMO / "interviews" / name))]
    result = runner.invoke(app, ["train", *paths, "--codings", str(DEMO / "codings.csv"), "--features", "tfidf",
                                 "--cv-folds", "0", "--pseudonymise", "--names", str(DEMO / "names.txt"), "-o",
                                 str(folder), "--quiet"])
    assert result.exit_code == 0, result.output
    corpus = load_corpus([DEMO])
    card = load_model(folder).card
    assert len(card["training_fingerprints"]) == 6  # each interview as pseudonymised and as written
    assert sorted(held_out(corpus, card)[1].ids) == ["demo01", "demo02", "demo07"]


def test_cross_validating_one_coded_interview_is_refused_naming_what_it_needs():
    result = runner.invoke(app, ["evaluate", "--corpus", str(DEMO / "interviews" / "demo01.txt"),
                                 "--codings", str(DEMO / "codings.csv"), "--features", "tfidf"])
    assert result.exit_code == 2, result.output
    assert "E185" in result.stderr and "cross-validation needs 2 or more coded interviews, found 1" in result.stderr


def test_evaluate_says_when_the_corpus_has_fewer_interviews_than_the_folds_asked_for(tmp_path):
    # --folds 10 on three interviews ran three folds and recorded "folds: 10" in run.json, saying nothing
    paths = [arg for name in ("demo01.txt", "demo04.txt", "demo06.txt")
             for arg in ("--corpus", str(DEMO / "interviews" / name))]
    result = runner.invoke(app, ["evaluate", *paths, "--codings", str(DEMO / "codings.csv"), "--features", "tfidf",
                                 "--folds", "10", "--bootstrap", "0", "--no-learning-curve", "-o", str(tmp_path / "ev")])
    assert result.exit_code == 0, result.output
    assert ("--folds 10: 3 coded interviews, so 3 folds, each holding one interview out"
            in " ".join(result.stderr.split()))
    run = json.loads((tmp_path / "ev" / "run.json").read_text(encoding="utf-8"))
    assert run["settings"]["folds"] == 3 and run["settings"]["protocol"] == "cross-validation: 3 folds grouped by interview"
    result = runner.invoke(app, ["train", *paths, "--codings", str(DEMO / "codings.csv"), "--features", "tfidf",
                                 "--cv-folds", "10", "-o", str(tmp_path / "m")])
    assert result.exit_code == 0, result.output
    assert "--cv-folds 10: 3 coded interviews, so 3 folds" in " ".join(result.stderr.split())
    card = (tmp_path / "m" / "README.md").read_text(encoding="utf-8")
    assert "## Cross-validated agreement (3 folds grouped by interview)" in card


def test_cli_evaluate_looks_for_training_interviews_once(trained, tmp_path, monkeypatch):
    # the held-out test leaves the model's training interviews out; its warnings sketched every judged
    # interview's words a second time to look for them again (0.5 s on AnnoMI's 133 sessions)
    import tr_nlp.coding.trained as trained_module

    _, folder = trained

    def again(*args, **kwargs):
        raise AssertionError("training interviews looked for again")

    monkeypatch.setattr(trained_module, "among_training", again)
    result = runner.invoke(app, ["evaluate", "--corpus", str(DEMO), "--model", str(folder), "--bootstrap", "0"])
    assert result.exit_code == 0, result.output
    assert "none of them used in training" in result.stderr
