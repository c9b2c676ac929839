from pathlib import Path

import pytest

from conftest import at_most, yaml_bomb
from tr_nlp.errors import ConfigError, TrNlpError
from tr_nlp.ingest import ReadOptions, RoleMap, load_corpus
from tr_nlp.ingest.corpus import iter_input_files, pattern_matches, plan_inputs

TRANSCRIPT = "Speaker 1: How was it?\nSpeaker 2: She listened.\n"


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "talks").mkdir()
    (tmp_path / "talks" / "a.txt").write_text(TRANSCRIPT, encoding="utf-8")
    (tmp_path / "codings.csv").write_text("interview_id,start,end,code,coder\na,34,47,care,A\n", encoding="utf-8")
    return tmp_path


def test_config_names_interviews_codings_and_speaker_roles(folder):
    (folder / "corpus.yaml").write_text(
        "name: study\nsynthetic: false\ninterviews: [talks/]\ncodings: codings.csv\n"
        "speakers:\n  Speaker 1: interviewer\n  Speaker 2: participant\n", encoding="utf-8")
    corpus = load_corpus([folder])
    assert [iv.id for iv in corpus.interviews] == ["a"] and not corpus.failures
    assert corpus.interviews[0].speakers == {"Speaker 1": "interviewer", "Speaker 2": "participant"}
    assert [(c.code, corpus.interviews[0].text[c.start:c.end]) for c in corpus.codings] == [("care", "She listened.")]


def test_one_path_may_be_given_alone(folder, monkeypatch):
    # load_corpus("corpora/demo") took each character for a path, "/" among them: it read the
    # whole file system (from the working folder, "c", "o"... name nothing)
    monkeypatch.chdir(folder)
    (folder / "corpus.yaml").write_text("interviews: [talks/]\ncodings: codings.csv\n", encoding="utf-8")
    for given in (str(folder), folder):
        corpus = load_corpus(given, codings=folder / "codings.csv", reviewed=())
        assert [iv.id for iv in corpus.interviews] == ["a"] and len(corpus.codings) == 1
        assert [Path(p).name for p, _, _ in plan_inputs(given).files] == ["a.txt"]
    assert list(iter_input_files(str(folder / "talks"))) == [folder / "talks" / "a.txt"]


def test_a_speaker_written_in_brackets_is_refused_saying_to_quote_it(folder):
    # WhisperX names speakers [SPEAKER_00]; unquoted, YAML reads that key as a list: a TypeError stopped the read
    (folder / "corpus.yaml").write_text("speakers:\n  [SPEAKER_00]: interviewer\n", encoding="utf-8")
    with pytest.raises(TrNlpError) as info:
        load_corpus([folder])
    assert "corpus.yaml" in str(info.value) and 'line 2' in str(info.value)
    assert 'put it in quotes: "[SPEAKER_00]"' in str(info.value)
    (folder / "corpus.yaml").write_text('speakers:\n  "[SPEAKER_00]": interviewer\n', encoding="utf-8")
    assert load_corpus([folder]).interviews


@pytest.mark.parametrize(("config", "expected"), [
    ("- talks/\n", "expected a mapping at the top level"),
    ("interviews: 5\n", "'interviews' must be a path or a list of paths, found int"),
    ("speakers: [a, b]\n", "'speakers' must be a mapping of speaker to role, found list"),
    ("synthetic: maybe\n", "'synthetic' must be true or false, found str"),
    ("name: [x]\n", "'name' must be text, found list"),
    ("interviews: talks/\nroles: {}\n", "unknown keys ['roles']"),
    ("table: {code_cols: 5}\n", "table 'code_cols' must be a list of column names, found int"),
    ("table: {text_col: [a]}\n", "table 'text_col' must be a column name, found list"),
    ("table: {roles: {I: boss}}\n", "table 'roles' must be a mapping of speaker to one of interviewer"),
])
def test_bad_config_is_named_with_its_problem(folder, config, expected):
    (folder / "corpus.yaml").write_text(config, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_corpus([folder])
    assert info.value.code == "E160" and expected in str(info.value) and "corpus.yaml" in str(info.value)


def test_missing_interview_folder_is_reported_as_missing(folder):
    (folder / "corpus.yaml").write_text("interviews: [talks/, gone/]\n", encoding="utf-8")
    corpus = load_corpus([folder])
    assert [iv.id for iv in corpus.interviews] == ["a"]
    assert [f.error.code for f in corpus.failures] == ["E100"] and corpus.failures[0].path.endswith("gone")


def test_a_link_to_a_file_that_is_gone_is_reported_not_left_out(folder):
    # a folder's symbolic link to a moved or deleted transcript, found in the folder or named
    (folder / "talks" / "b.txt").symlink_to(folder / "moved.txt")
    for inputs in ([folder / "talks"], [folder / "talks" / "a.txt", folder / "talks" / "b.txt"]):
        corpus = load_corpus(inputs)
        assert [iv.id for iv in corpus.interviews] == ["a"]
        assert [(Path(f.path).name, f.error.code) for f in corpus.failures] == [("b.txt", "E109")]
        assert f"it is a link to {folder / 'moved.txt'}, which does not exist" in str(corpus.failures[0].error)


def test_a_loop_of_links_or_a_named_pipe_is_reported_and_the_rest_is_read(folder):
    # a loop once stopped the whole run with a RuntimeError (Path.resolve); a pipe's read never returns
    import os

    (folder / "talks" / "b.txt").symlink_to("c.txt")
    (folder / "talks" / "c.txt").symlink_to("b.txt")
    os.mkfifo(folder / "pipe.txt")
    os.mkfifo(folder / "talks" / "d.txt")  # inside a folder it was once passed over without a word
    os.mkfifo(folder / "talks" / "e.json")  # and one that must be read to tell a transcript from a settings file
    with at_most(60):  # reading a pipe waits for a writer: fail, not hang, should that come back
        corpus = load_corpus([folder / "talks", folder / "pipe.txt"])
    assert [iv.id for iv in corpus.interviews] == ["a"]
    assert [(Path(f.path).name, f.error.code) for f in corpus.failures] == [
        ("b.txt", "E109"), ("c.txt", "E109"), ("d.txt", "E109"), ("e.json", "E109"), ("pipe.txt", "E109")]
    assert "it is a link to c.txt, and the links lead round in a loop" in str(corpus.failures[0].error)
    for pipe in corpus.failures[2:]:
        assert "it is a named pipe, socket or device, not a regular file" in str(pipe.error)


def test_a_file_name_that_is_not_utf8_is_reported_with_its_bytes_escaped(folder):
    # a Latin-1 name from an old share: Python keeps its byte as a lone surrogate, which no output can write
    import os

    (folder / "talks" / os.fsdecode(b"caf\xe9.txt")).write_text(TRANSCRIPT.replace("She", "He"), encoding="utf-8")
    corpus = load_corpus([folder / "talks"])
    assert [iv.id for iv in corpus.interviews] == ["a"] and [f.error.code for f in corpus.failures] == ["E109"]
    message = str(corpus.failures[0].error)
    assert message.startswith(f"{folder}/talks/caf\\xe9.txt: [E109]") and "is not valid UTF-8" in message
    assert "convmv -r -f latin1 -t utf8" in message and message.encode("utf-8")


def test_a_recursive_pattern_does_not_follow_links_to_folders_round_in_circles(folder):
    # on a shared drive, links to a folder above (glob.glob followed two such links forever)
    (folder / "talks" / "site").mkdir()
    (folder / "talks" / "site" / "b.txt").write_text(TRANSCRIPT.replace("She", "He"), encoding="utf-8")
    (folder / "talks" / ".old").mkdir()
    (folder / "talks" / ".old" / "c.txt").write_text(TRANSCRIPT, encoding="utf-8")  # hidden, as glob.glob has it
    (folder / "talks" / "site" / "up").symlink_to("..")
    (folder / "talks" / "all").symlink_to(folder)
    corpus = load_corpus([f"{folder}/**/*.txt"])
    assert sorted(iv.id for iv in corpus.interviews) == ["a", "b"] and not corpus.failures
    assert pattern_matches(f"{folder}/talks/**/.*/*.txt") == [folder / "talks" / ".old" / "c.txt"]


@pytest.mark.parametrize("pattern", ["*", "site*"])
def test_a_pattern_that_matches_folders_reads_each_as_a_folder(tmp_path, pattern):
    study = tmp_path / "site1"
    (study / "talks").mkdir(parents=True)
    (study / "talks" / "a.txt").write_text(TRANSCRIPT, encoding="utf-8")
    (study / "codings.csv").write_text("interview_id,start,end,code,coder\na,34,47,care,A\n", encoding="utf-8")
    (study / "corpus.yaml").write_text("interviews: [talks/]\ncodings: codings.csv\n", encoding="utf-8")
    (tmp_path / "site2").mkdir()
    (tmp_path / "site2" / "b.txt").write_text(TRANSCRIPT.replace("She", "He"), encoding="utf-8")
    corpus = load_corpus([tmp_path / pattern])
    assert sorted(iv.id for iv in corpus.interviews) == ["a", "b"] and not corpus.failures  # codings.csv is no transcript
    assert [(c.interview_id, c.code) for c in corpus.codings] == [("a", "care")]  # site1's corpus.yaml honoured
    # "**" matches the folder itself as well: read as that folder given by name, site1 in it a corpus
    same = [load_corpus([tmp_path / "**"]), load_corpus([tmp_path])]
    assert [sorted(iv.id for iv in c.interviews) for c in same] == [["a", "b"]] * 2
    assert [(c.failures, len(c.codings)) for c in same] == [([], 1)] * 2


@pytest.mark.parametrize("key", ["interviews", "speakers", "table"])
def test_a_yaml_bomb_in_the_config_is_refused_not_expanded(folder, key):
    # "interviews:" holding one hung every command: each entry was turned into a path with str()
    (folder / "corpus.yaml").write_text(f"{key}: {yaml_bomb()}\n", encoding="utf-8")
    with pytest.raises(TrNlpError) as info:
        load_corpus([folder])
    assert info.value.code == "E149" and "corpus.yaml" in str(info.value) and "anchors and aliases" in str(info.value)


def test_a_folder_of_corpora_reads_each_as_a_corpus_not_its_tables_as_transcripts(tmp_path):
    # a project of two sites' corpora: their codings tables and participants sheets were read as
    # transcripts (three failures), their speakers' roles and encodings not read at all
    for site, coder in (("north", "A"), ("south", "B")):
        (tmp_path / site / "talks").mkdir(parents=True)
        (tmp_path / site / "talks" / f"{site}1.txt").write_text(TRANSCRIPT.replace("She", site), encoding="utf-8")
        (tmp_path / site / "codings.csv").write_text(
            f"interview_id,start,end,code,coder\n{site}1,34,47,care,{coder}\n", encoding="utf-8")
        (tmp_path / site / "corpus.yaml").write_text(
            "interviews: [talks/]\ncodings: codings.csv\nmetadata: people.csv\n"
            "speakers: {Speaker 1: participant, Speaker 2: interviewer}\n", encoding="utf-8")
        (tmp_path / site / "people.csv").write_text(f"interview_id,site\n{site}1,{site}\n", encoding="utf-8")
    (tmp_path / "notes.txt").write_text(TRANSCRIPT, encoding="utf-8")  # the project's own: read as it is
    corpus = load_corpus([tmp_path])
    assert not corpus.failures and not corpus.warnings
    by_id = corpus.by_id()
    assert sorted(by_id) == ["north1", "notes", "south1"]
    assert by_id["north1"].speakers == {"Speaker 1": "participant", "Speaker 2": "interviewer"}
    assert by_id["notes"].speakers["Speaker 1"] == "interviewer"  # guessed from its question
    assert [by_id[i].metadata.get("site") for i in ("north1", "south1")] == ["north", "south"]
    assert sorted((c.interview_id, c.coder) for c in corpus.codings) == [("north1", "A"), ("south1", "B")]


def test_a_file_or_folder_below_a_corpus_is_read_with_its_settings(folder):
    # study/talks/p07.txt named by itself (or study/talks/, or a new interview in study/new/) was read
    # as if there were no corpus.yaml: its speakers' roles guessed, its participants sheet unread
    (folder / "corpus.yaml").write_text(
        "interviews: [talks/]\ncodings: codings.csv\nmetadata: people.csv\n"
        "speakers: {Speaker 1: participant, Speaker 2: interviewer}\n", encoding="utf-8")
    (folder / "people.csv").write_text("interview_id,site\na,north\nz,south\n", encoding="utf-8")
    (folder / "new").mkdir()
    (folder / "new" / "b.txt").write_text(TRANSCRIPT, encoding="utf-8")
    for given in (folder / "talks" / "a.txt", folder / "talks", folder / "new" / "b.txt"):
        corpus = load_corpus([given])
        (interview,) = corpus.interviews
        assert interview.speakers == {"Speaker 1": "participant", "Speaker 2": "interviewer"}
        assert interview.metadata.get("site") == ("north" if interview.id == "a" else None)
        # its codings are the corpus's to give: not taken; its sheet's other rows are no news
        assert not corpus.codings and not corpus.warnings and not corpus.failures
        assert corpus.codings_above == [folder]  # so that train's error can say where they are
    # a role given on the command line still wins
    corpus = load_corpus([folder / "talks"], options=ReadOptions(roles=RoleMap.from_pairs(["Speaker 1=interviewer"])))
    assert corpus.interviews[0].speakers["Speaker 1"] == "interviewer"


def test_training_on_the_interviews_below_a_corpus_says_where_its_codings_are(folder, monkeypatch):
    # "pass them with --codings", where the codings were named beside the folder one level up
    from tr_nlp.coding import coded_data
    from tr_nlp.errors import ModelError

    (folder / "corpus.yaml").write_text("interviews: [talks/]\ncodings: codings.csv\n", encoding="utf-8")
    monkeypatch.chdir(folder.parent)
    with pytest.raises(ModelError, match="E185") as info:
        coded_data(load_corpus([Path(folder.name) / "talks"]))
    assert (f"{Path(folder.name) / 'corpus.yaml'}, above them, names codings, but is read only where its folder is "
            f"given: pass {folder.name} (or the codings with --codings)") in str(info.value)
    assert load_corpus([folder / "talks"], codings=[folder / "codings.csv"]).codings_above == []  # given: nothing to say


def test_a_corpus_file_above_that_another_user_owns_sets_nothing(folder, monkeypatch):
    # walking up from /tmp/x/talks/a.txt would read a /tmp/corpus.yaml anyone could leave there
    import os

    (folder / "corpus.yaml").write_text("speakers: {Speaker 1: participant}\n", encoding="utf-8")
    monkeypatch.setattr(os, "getuid", lambda: os.stat(folder / "corpus.yaml").st_uid + 1)
    assert load_corpus([folder / "talks" / "a.txt"]).interviews[0].speakers["Speaker 1"] == "interviewer"
    assert load_corpus([folder]).interviews[0].speakers["Speaker 1"] == "participant"  # given by name: read


def test_a_table_role_given_to_a_speaker_of_no_table_read_is_warned_of(tmp_path):
    # a mistyped speaker under corpus.yaml's table roles set no role and said nothing, as its speakers once did
    (tmp_path / "talks.csv").write_text("interview_id,speaker,text\nt1,Counsellor,How are you?\nt1,Client,Fine.\n"
                                        "t2,Counsellor,And you?\nt2,Client,Tired.\n", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("Interviewer: Hello?\nJo: Hi.\n", encoding="utf-8")  # no table: not asked
    (tmp_path / "corpus.yaml").write_text("table: {roles: {Counselor: interviewer, Client: participant}}\n",
                                          encoding="utf-8")
    corpus = load_corpus([tmp_path])
    assert corpus.warnings == [(
        f"{tmp_path / 'corpus.yaml'} (its table roles) gives 'counselor' a role, but no speaker of the 2 interviews "
        "read has that name (did you mean 'Counsellor'?); their speakers: 'Client', 'Counsellor'")]
    assert corpus.by_id()["t1"].speakers["Client"] == "participant"
    (tmp_path / "corpus.yaml").write_text("table: {roles: {Counsellor: interviewer}}\n", encoding="utf-8")
    assert not load_corpus([tmp_path]).warnings


def test_a_corpus_format_holds_for_its_own_interviews_below_it(tmp_path):
    # format: forces a reader for the interviews a corpus names; a file below it that is not one goes by its own
    (tmp_path / "talks").mkdir()
    (tmp_path / "talks" / "a.log").write_text(TRANSCRIPT, encoding="utf-8")
    (tmp_path / "b.txt").write_text(TRANSCRIPT, encoding="utf-8")
    (tmp_path / "corpus.yaml").write_text("interviews: [talks/a.log]\nformat: text\n", encoding="utf-8")
    files = plan_inputs([tmp_path / "talks" / "a.log", tmp_path / "b.txt"]).files
    assert [fmt for _, _, fmt in files] == ["text", None]


def test_a_corpus_speaker_who_speaks_in_none_of_its_interviews_is_warned_of(folder):
    # a mistyped name in corpus.yaml's speakers set no role, and said nothing: those turns kept a guessed role
    (folder / "talks" / "b.txt").write_text("Interviewer: And then?\nJo: Then nothing.\n", encoding="utf-8")
    (folder / "corpus.yaml").write_text(
        "interviews: [talks/]\nspeakers: {Speaker 1: interviewer, Speakr 2: participant, Jo: participant}\n",
        encoding="utf-8")
    corpus = load_corpus([folder])
    assert corpus.warnings == [
        f"{folder / 'corpus.yaml'} gives 'speakr 2' a role, but no speaker of the 2 interviews read has that name "
        "(did you mean 'Speaker 2'?); their speakers: 'Interviewer', 'Jo', 'Speaker 1', 'Speaker 2'"]
    # Jo speaks in b alone, and a file read below the corpus need not hold every speaker: neither is news
    (folder / "corpus.yaml").write_text("interviews: [talks/]\nspeakers: {Jo: participant}\n", encoding="utf-8")
    assert not load_corpus([folder]).warnings and not load_corpus([folder / "talks" / "a.txt"]).warnings
