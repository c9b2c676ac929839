"""Where to start coding before anything is coded: `tr-nlp next` without a model ranks
segments by their likeness to the codebook's descriptions of its codes."""

import zipfile

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from tr_nlp.cli import app
from tr_nlp.coding.guided import GUIDED_COLUMNS, guidance, rank_by_guidance, unguided
from tr_nlp.errors import ConfigError
from tr_nlp.schema import Code, Codebook, Segment

runner = CliRunner()
WORDS = ("listen", "bus", "late")


def embed(texts):
    """Unit vectors counting a few words, so that likeness is plain to see."""
    rows = np.array([[t.lower().count(w) for w in WORDS] + [0.05] for t in texts], dtype=float)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


CODEBOOK = Codebook(name="team", codes=(
    Code("listened", description="A professional who would listen.", examples=("She would listen.",)),
    Code("transport", description="Getting there: the bus, being late."),
    Code("unused", status="candidate"),
))


def segments(spec):
    """Segments of (interview, text) pairs, each of its own place in its interview."""
    out, at = [], {}
    for iv, text in spec:
        start = at.get(iv, 0)
        out.append(Segment(iv, f"{iv}:s{start}", start, start + len(text), "P", "participant", text))
        at[iv] = start + len(text) + 1
    return out


def test_guidance_is_what_the_codebook_says_a_code_looks_like_else_its_name():
    assert guidance(CODEBOOK.codes[0]) == ["A professional who would listen.", "She would listen."]
    assert guidance(Code("beyond_routine", include="  ")) == ["beyond routine"]
    assert unguided(CODEBOOK) == [] and unguided(CODEBOOK, ["unused"]) == ["unused"]  # a candidate: asked for


def test_the_closest_segments_of_every_code_come_first_spread_across_interviews():
    segs = segments([("a", "She would listen to me, really listen."), ("a", "She would listen, she did listen."),
                     ("a", "The bus was late, the bus is always late."), ("b", "The weather was fine that day."),
                     ("b", "He would listen when I talked."), ("c", "The bus came late again."), ("c", "Yeah.")])
    ranked = rank_by_guidance(CODEBOOK, segs, n=10, embed=embed, min_words=2)
    assert list(ranked.columns) == GUIDED_COLUMNS and ranked["rank"].tolist() == list(range(1, 7))
    assert set(ranked.code) == {"listened", "transport"}  # not discovery's candidate code
    assert "Yeah." not in ranked.text.tolist()  # too short to code
    # each code's closest segment before any code's second: a long description does not crowd out the others
    assert set(ranked.code[:2]) == {"listened", "transport"}
    assert ranked.interview_id[:3].nunique() == 3  # spread before a second pick of an interview
    plain = rank_by_guidance(CODEBOOK, segs, n=10, embed=embed, min_words=2, spread=1.0)  # likeness alone
    assert plain.text.iloc[-1] == "The weather was fine that day."  # like no code: last
    assert ranked.similarity.between(-1, 1).all()
    one = rank_by_guidance(CODEBOOK, segs, n=10, codes=["transport"], embed=embed, min_words=2)
    assert set(one.code) == {"transport"} and one.text.iloc[0].startswith("The bus")


def test_a_code_not_in_the_codebook_is_refused_and_nothing_to_rank_gives_an_empty_list():
    with pytest.raises(ConfigError, match="'care' not in the codebook; expected some of listened, transport"):
        rank_by_guidance(CODEBOOK, segments([("a", "x y z")]), codes=["care"], embed=embed)
    empty = rank_by_guidance(CODEBOOK, [], embed=embed)
    assert empty.empty and list(empty.columns) == GUIDED_COLUMNS


def _team(folder, with_codebook=True):
    (folder / "interviews").mkdir(parents=True)
    for k in range(4):
        (folder / "interviews" / f"t{k}.txt").write_text(
            "I: How was it?\n"
            f"P: The bus was late again on visit {k}, so I walked the last bit. She really listened to me and asked "
            "what I thought. We talked about the garden for a while.\n", encoding="utf-8")
    if with_codebook:
        (folder / "codebook.yaml").write_text(
            "codes:\n"
            "  - name: listened\n"
            "    description: The professional listens to the service user and asks for their view.\n"
            "    examples: [\"She listened to what I had to say.\"]\n", encoding="utf-8")
    return folder


def next_by_codebook(team, *args):
    """``tr-nlp next`` on a team folder's interviews with its codebook and no model."""
    return runner.invoke(app, ["next", "--corpus", str(team / "interviews"), "--codebook", str(team / "codebook.yaml"),
                               *map(str, args)])


def test_next_without_a_model_ranks_by_the_codebook_and_its_list_comes_back_as_read(tmp_path):
    team = _team(tmp_path / "team")
    first = tmp_path / "first.csv"
    r = next_by_codebook(team, "-n", 4, "-o", first)
    assert r.exit_code == 0, r.stderr
    picks = pd.read_csv(first)
    assert picks.text.str.contains("listened to me").all() and picks.interview_id.nunique() == 4
    assert set(picks.code) == {"listened"} and (picks.similarity > 0.3).all()
    assert f"pass --reviewed {first}" in r.stderr
    # the team codes what was proposed and asks again: what was read is not proposed twice
    (team / "codings.csv").write_text("interview_id,start,end,code,coder\n" + "".join(
        f"{p.interview_id},{p.start},{p.end},listened,A\n" for p in picks.itertuples()), encoding="utf-8")
    r = next_by_codebook(team, "--codings", team / "codings.csv", "--reviewed", first, "-n", 3)
    assert r.exit_code == 0, r.stderr
    assert "Code these 3 segments first" in r.stdout and "most like" in r.stdout and "listened to me" not in r.stdout


def test_next_without_a_model_marks_its_passages_in_a_project_saying_why(tmp_path):
    team = _team(tmp_path / "team")
    out = tmp_path / "first.qdpx"
    r = next_by_codebook(team, "-n", 2, "-o", out)
    assert r.exit_code == 0, r.stderr
    with zipfile.ZipFile(out) as archive:
        project = archive.read("project.qde").decode("utf-8")
    assert project.count("like listened as the codebook describes it (similarity 0.") == 2
    # asked again before anything is coded: the marked passages are read, so others are proposed
    again = tmp_path / "again.csv"
    r = runner.invoke(app, ["next", "--corpus", str(out), "-n", "2", "-o", str(again)])
    assert r.exit_code == 0, r.stderr
    assert next_by_codebook(team, "-n", 2, "-o", tmp_path / "first.csv").exit_code == 0  # what was marked
    marked, second = (set(pd.read_csv(path)[["interview_id", "start"]].itertuples(index=False, name=None))
                      for path in (tmp_path / "first.csv", again))
    assert len(second) == 2 and not marked & second


def test_next_without_a_model_or_a_codebook_says_what_it_needs(tmp_path):
    team = _team(tmp_path / "team", with_codebook=False)
    r = runner.invoke(app, ["next", "--corpus", str(team / "interviews")])
    assert r.exit_code == 2
    said = "a trained model (--model), or, before anything is coded, by their likeness to a codebook's codes"
    assert said in r.stderr and "give --codebook" in r.stderr
