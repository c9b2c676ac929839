"""REFI-QDA interchange: round trips, other vendors' conventions, schema validity, hostile archives."""

from __future__ import annotations

import os
import re
import struct
import zipfile
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from conftest import DEMO, ROOT
from tr_nlp.cli import app
from tr_nlp.codebook import codebook_hash, load_codebook
from tr_nlp.errors import ArchiveError, CodebookError, InputError
from tr_nlp.export.qdpx import MachineCoding, MachineLayer, candidate_codes, project_xml, write_qdpx
from tr_nlp.ingest import ReadOptions, RoleMap, TableMapping, load_corpus, read_file
from tr_nlp.ingest.qdpx import read_qdpx
from tr_nlp.refi import CANDIDATE_PARENT, read_qdc, write_qdc
from tr_nlp.schema import Code, Codebook, Coding, Interview, Turn

XSD = ROOT.parent / "shared" / "specs" / "refi-qda" / "Project.xsd"
WHEN = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
runner = CliRunner()


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def key(c: Coding):
    return (c.interview_id, c.start, c.end, c.code, c.coder)


def same_interviews(a: list[Interview], b: list[Interview]) -> None:
    """Same ids, text, turns (speaker, role, span) and metadata; REFI text has no turn timestamps."""
    assert [iv.id for iv in a] == [iv.id for iv in b]
    for x, y in zip(a, b):
        assert x.text == y.text, x.id
        assert [(t.speaker, t.role, t.start, t.end) for t in x.turns] == \
               [(t.speaker, t.role, t.start, t.end) for t in y.turns], x.id
        assert dict(x.metadata) == dict(y.metadata), x.id


@pytest.fixture(scope="module")
def demo():
    return load_corpus([DEMO])


@pytest.fixture(scope="module")
def demo_qdpx(demo, tmp_path_factory):
    path = tmp_path_factory.mktemp("qdpx") / "demo.qdpx"
    return write_qdpx(path, demo.interviews, demo.codebook, codings=demo.codings, created=WHEN)


# --- round trips ------------------------------------------------------------------------


def test_demo_round_trip_gives_identical_interviews_codebook_and_codings(demo, demo_qdpx):
    back = read_qdpx(demo_qdpx)
    same_interviews(demo.interviews, back.interviews)
    assert codebook_hash(back.codebook) == codebook_hash(demo.codebook)
    assert sorted(map(key, back.codings)) == sorted(map(key, demo.codings))
    assert {c.coder for c in back.codings} == {"coder_a", "coder_b"}
    assert back.warnings == []


def test_import_command_writes_a_folder_that_reads_back_identically(demo, demo_qdpx, tmp_path):
    result = run("import", demo_qdpx, "-o", tmp_path / "proj")
    assert result.exit_code == 0, result.output
    assert "18 interviews, 5 codes, 188 codings (coder_a: 114, coder_b: 74)" in result.stdout
    assert "E163" in run("import", demo_qdpx, "-o", tmp_path / "proj").stderr  # not over earlier files
    again = load_corpus([tmp_path / "proj"])
    assert not again.failures
    same_interviews(demo.interviews, again.interviews)
    assert codebook_hash(again.codebook) == codebook_hash(demo.codebook)
    assert sorted(map(key, again.codings)) == sorted(map(key, demo.codings))


def test_a_table_s_lowercase_speakers_come_back_as_turns_through_a_project_and_its_import(tmp_path):
    # AnnoMI names its speakers "therapist" and "client": the project's text keeps the labels as
    # written, and its speaker roles say that they are labels
    table = tmp_path / "utterances.csv"
    table.write_text("transcript_id,utterance_id,interlocutor,utterance_text,code\n"
                     "7,0,therapist,How have you been?,\n7,1,client,Not great to be honest.,sustain\n"
                     "7,2,therapist,Tell me more.,\n7,3,client,I want to cut down though.,change\n",
                     encoding="utf-8")
    mapping = TableMapping(group_col="transcript_id", order_col="utterance_id", speaker_col="interlocutor",
                           text_col="utterance_text", code_cols=("code",))
    original = load_corpus([table], ReadOptions(roles=RoleMap.from_pairs(["therapist=interviewer",
                                                                          "client=participant"]), table=mapping))
    assert [t.speaker for t in original.interviews[0].turns] == ["therapist", "client"] * 2
    write_qdpx(tmp_path / "p.qdpx", original.interviews, original.codebook, codings=original.codings, created=WHEN)
    result = run("import", tmp_path / "p.qdpx", "-o", tmp_path / "back")
    assert result.exit_code == 0, result.output
    for back in (read_qdpx(tmp_path / "p.qdpx"), load_corpus([tmp_path / "back"])):
        same_interviews(original.interviews, back.interviews)
        assert sorted(map(key, back.codings)) == sorted(map(key, original.codings))


def test_every_corpus_command_takes_a_qdpx(demo_qdpx):
    result = run("inspect", demo_qdpx)
    assert result.exit_code == 0, result.output
    assert "18 interview(s)" in result.stdout and "0 failed" in result.stdout
    corpus = load_corpus([demo_qdpx])
    assert len(corpus.codings) == 188 and corpus.codebook is not None


def test_a_codebook_given_for_a_project_names_its_codes_and_leaves_out_those_it_lacks(demo, tmp_path):
    # a team trained two themes of an NVivo project with its own codebook, in other words:
    # none was found ("no sentence carries codebook code(s)"), and a coder who coded only
    # themes the codebook lacks counted as one who read every interview and gave none
    extra = [Coding(c.interview_id, c.start, c.end, c.code, "coder_c") for c in demo.codings
             if c.code == "emotional_climate" and c.coder == "coder_a"]
    project = write_qdpx(tmp_path / "p.qdpx", demo.interviews, demo.codebook, codings=[*demo.codings, *extra],
                         created=WHEN)
    book = tmp_path / "two.yaml"
    book.write_text("codes:\n  - name: Non-stigmatizing attitude\n  - name: routine\n    aliases: [beyond_routine]\n",
                    encoding="utf-8")
    corpus = load_corpus([project], codebook=book)
    by_code = {code: sum(c.code == code for c in corpus.codings) for code in ("Non-stigmatizing attitude", "routine")}
    assert by_code == {"Non-stigmatizing attitude": 51, "routine": 50} and len(corpus.codings) == 101
    assert {c.coder for c in corpus.codings} == {"coder_a", "coder_b"}
    said = " ".join(corpus.warnings)
    assert (f"{book}: 2 code(s) of the transcripts' codings are named another way in the codebook, and are read as "
            "its codes: 'non_stigmatizing_attitude' as 'Non-stigmatizing attitude', 'beyond_routine' as 'routine'") in said
    assert (f"{book}: {87 + len(extra)} coding(s) of 3 code(s) the codebook lacks are left out: 'emotional_climate' "
            f"({32 + len(extra)}, by coder_a, coder_b, coder_c), 'interpersonal_continuity' (30, by coder_a, coder_b), "
            "'social_interaction' (25, by coder_a, coder_b); add them to the codebook") in said
    assert load_corpus([project]).warnings == []  # the project's own codebook


def test_export_is_byte_identical_apart_from_the_creation_time(demo, demo_qdpx, tmp_path):
    again = write_qdpx(tmp_path / "again.qdpx", demo.interviews, demo.codebook, codings=demo.codings, created=WHEN)
    assert again.read_bytes() == demo_qdpx.read_bytes()
    later = project_xml(demo.interviews, demo.codebook, codings=demo.codings, created=datetime(2027, 5, 5, tzinfo=timezone.utc))
    with zipfile.ZipFile(demo_qdpx) as archive:
        first = archive.read("project.qde")
    assert first != later
    assert first.replace(b"2026-01-02T03:04:05+00:00", b"2027-05-05T00:00:00+00:00") == later


def rich_project() -> bytes:
    """A project using every part tr_nlp writes: nested codes, a group, metadata types, layers, candidates."""
    text = "I: Ça va? 😀\nP: Très bien, merci.\nI: And the team?\nP: They came at night."
    ask, reply = (3, 11), (text.index("Très"), text.index("\nI: And"))
    iv = Interview("site/1", text, (Turn("I", "interviewer", *ask), Turn("P", "participant", *reply)),
                   {"site": "Lyon", "age": 41, "score": 0.5, "consented": True, "tags": ["a", "b"]})
    book = Codebook((Code("care", "Care.", include="Kind acts.", examples=("x",), color="#aa0000"),
                     Code("warm", "Warmth.", parent="care"), Code("cold", parent="care")),
                    groups={"climate": ("warm", "cold")}, name="Test book", version="2")
    layer = MachineLayer("tr_nlp model m 1", (MachineCoding("site/1", *reply, "warm", "warm: p=0.91"),))
    night = text.index("They came"), len(text)
    cands = candidate_codes([{"name": "night_visits", "description": "Proposed.",
                              "evidence": {"keywords": ["night"], "size": 3, "interviews": 1, "reading": "new",
                                           "novelty": 0.4, "quotes": [{"interview_id": "site/1", "start": night[0],
                                                                       "end": night[1], "text": "They came at night."}]}}])
    disc = MachineLayer("tr_nlp topic discovery", (MachineCoding("site/1", *night, "night_visits", "quote"),))
    return project_xml([iv], book, codings=[Coding("site/1", *ask, "care", "ana")], layers=[layer, disc],
                       candidates=cands, created=WHEN)


@pytest.mark.skipif(not XSD.is_file(), reason="../shared/specs/refi-qda/Project.xsd is not beside this checkout")
def test_exports_validate_against_the_refi_schema(demo_qdpx):
    xmlschema = pytest.importorskip("xmlschema")
    schema = xmlschema.XMLSchema(str(XSD))
    with zipfile.ZipFile(demo_qdpx) as archive:
        schema.validate(archive.read("project.qde").decode("utf-8"))
    schema.validate(rich_project().decode("utf-8"))


def test_rich_project_round_trip_keeps_groups_metadata_machine_users_and_candidates(tmp_path):
    folder = tmp_path / "bare"
    (folder / "sources").mkdir(parents=True)
    document = rich_project()
    (folder / "project.qde").write_bytes(document)
    text = "I: Ça va? 😀\nP: Très bien, merci.\nI: And the team?\nP: They came at night."
    import re
    for guid in re.findall(rb'internal://([0-9a-f-]+)\.txt', document):
        (folder / "sources" / f"{guid.decode()}.txt").write_text(text, encoding="utf-8")
    back = read_qdpx(folder)
    iv = back.interviews[0]
    assert iv.id == "site/1"
    assert iv.metadata == {"site": "Lyon", "age": 41, "score": 0.5, "consented": True, "tags": '["a", "b"]'}
    book = back.codebook
    assert book.name == "Test book" and book.version == "2"
    assert book.groups == {"climate": ("warm", "cold")}
    assert book["care"].include == "Kind acts." and book["care"].color == "#aa0000"
    assert book["warm"].parent == "care"
    assert book["night_visits"].status == "candidate" and "Keywords: night" in book["night_visits"].description
    assert CANDIDATE_PARENT not in book
    # the machine's users come back apart from the human coder: never trained or judged on as coders
    assert {(c.coder, c.code, iv.text[c.start:c.end]) for c in back.codings} == {("ana", "care", "Ça va? 😀")}
    assert {(c.coder, c.code, iv.text[c.start:c.end]) for c in back.machine_codings} == {
        ("tr_nlp model m 1", "warm", "Très bien, merci."), ("tr_nlp topic discovery", "night_visits", "They came at night.")}
    assert "2 coding(s) by tr_nlp's own machine users left out" in " ".join(back.warnings)
    # the folder's sources/ belong to the project, not the corpus: no duplicate interviews
    assert [i.id for i in load_corpus([folder]).interviews] == ["site/1"]


def test_qdc_round_trip_and_load_codebook(tmp_path):
    book = Codebook((Code("a", "First.", exclude="Not b."), Code("b", parent="a", aliases=("1.2", "B")),
                     Code("Care & support (staff's)", parent="a"), Code("c")),
                    groups={"g": ("b", "c")}, name="Book", version="1.2")
    path = write_qdc(book, tmp_path / "book.qdc")
    assert codebook_hash(read_qdc(path)) == codebook_hash(book)
    assert codebook_hash(load_codebook(path)) == codebook_hash(book)


@pytest.mark.parametrize("depth,refused", [(100, False), (101, True), (50_000, True)])
def test_codes_nested_deeper_than_any_codebook_are_refused_in_time(tmp_path, depth, refused):
    # 50,000 levels overflowed Python's stack (a RecursionError traceback), and renaming each
    # level's namesake after its parent took time quadratic in the depth
    code = '<Code guid="{}" name="c" isCodable="true">'
    nested = "".join(code.format(f"00000000-0000-0000-0000-{i:012d}") for i in range(depth)) + "</Code>" * depth
    path = tmp_path / "deep.qdc"
    path.write_text('<?xml version="1.0" encoding="utf-8"?><CodeBook xmlns="urn:QDA-XML:codebook:1.0">'
                    f"<Codes>{nested}</Codes></CodeBook>", encoding="utf-8")
    if not refused:
        assert len(read_qdc(path).codes) == depth
        return
    with pytest.raises(CodebookError) as info:
        read_qdc(path)
    assert info.value.code == "E146" and "nested more than 100 codes deep" in str(info.value)
    assert "deep.qdc" in str(info.value)


def test_export_writes_a_codebook_alone_as_qdc_pseudonymised_when_asked(tmp_path):
    folder = tmp_path / "team"
    (folder / "interviews").mkdir(parents=True)
    (folder / "interviews" / "p1.txt").write_text("I: Who helped?\nP: Karen rang me back on her day off.\n",
                                                  encoding="utf-8")
    (folder / "codebook.yaml").write_text(
        "name: Team\ncodes:\n  - name: beyond_routine\n    description: More than the job asks.\n"
        "    examples:\n      - \"Karen rang me back on her day off.\"\n", encoding="utf-8")
    (folder / "corpus.yaml").write_text("interviews: [interviews/]\ncodebook: codebook.yaml\n", encoding="utf-8")
    plain = run("export", "--corpus", folder, "-o", tmp_path / "book.qdc")
    assert plain.exit_code == 0, plain.stderr
    assert plain.stdout.strip() == f"codebook: {tmp_path / 'book.qdc'}"
    assert codebook_hash(read_qdc(tmp_path / "book.qdc")) == codebook_hash(load_codebook(folder / "codebook.yaml"))
    (tmp_path / "names.txt").write_text("Karen\n", encoding="utf-8")
    hidden = run("export", "--corpus", folder, "-o", tmp_path / "shared.qdc", "--pseudonymise",
                 "--names", tmp_path / "names.txt", "--mapping", tmp_path / "map.csv")
    assert hidden.exit_code == 0, hidden.stderr
    assert read_qdc(tmp_path / "shared.qdc")["beyond_routine"].examples == ("[PERSON_1] rang me back on her day off.",)
    assert "Karen" in (tmp_path / "map.csv").read_text(encoding="utf-8")


def test_a_project_is_not_written_when_an_interview_could_not_be_read(tmp_path):
    folder = tmp_path / "team"
    (folder / "interviews").mkdir(parents=True)
    (folder / "interviews" / "p1.txt").write_text("I: Who helped?\nP: The nurse did.\n", encoding="utf-8")
    (folder / "interviews" / "p2.txt").write_bytes(b"")
    result = run("export", "--corpus", folder / "interviews", "-o", tmp_path / "p.qdpx")
    assert result.exit_code == 2 and "[E101]" in result.stderr
    assert "E163" in result.stderr and "a project needs every interview, so nothing was written" in result.stderr
    assert not (tmp_path / "p.qdpx").exists()


def test_a_coding_over_a_control_character_exports_a_well_formed_project(tmp_path):
    # the coded text's bell went into the project's XML as it was: NVivo could not have opened it
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "p07.txt").write_text("Interviewer: Who helped?\nParticipant: The nurse \x07 stayed late.\n",
                                             encoding="utf-8")
    [interview] = read_file(tmp_path / "in" / "p07.txt").interviews
    start = interview.text.index("The nurse")
    pd.DataFrame([{"interview_id": "p07", "start": start, "end": start + len("The nurse stayed"), "code": "care",
                   "coder": "anna"}]).to_csv(tmp_path / "codings.csv", index=False)
    result = run("export", "--corpus", tmp_path / "in", "--codings", tmp_path / "codings.csv", "-o", tmp_path / "p.qdpx")
    assert result.exit_code == 0, result.output
    from lxml import etree

    with zipfile.ZipFile(tmp_path / "p.qdpx") as archive:
        etree.fromstring(archive.read("project.qde"))  # raised: not well-formed (invalid token)
    [coding] = read_file(tmp_path / "p.qdpx").codings
    assert (coding.code, coding.coder) == ("care", "anna")


def test_foreign_code_names_are_made_valid_and_reported(tmp_path):
    qdc = tmp_path / "nvivo.qdc"
    qdc.write_text(
        '<?xml version="1.0" encoding="utf-8"?><CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>'
        '<Code guid="00000000-0000-0000-0000-000000000001" name="Feelings" isCodable="true">'
        '<Code guid="00000000-0000-0000-0000-000000000002" name="Other" isCodable="true"/></Code>'
        '<Code guid="00000000-0000-0000-0000-000000000003" name="Other" isCodable="true"/>'
        '<Code guid="00000000-0000-0000-0000-000000000004" name="Don\'t know / refused?" isCodable="true"/>'
        '<Code guid="00000000-0000-0000-0000-000000000005" name="Care &amp; support (staff\'s)" isCodable="true"/>'
        '<Code guid="00000000-0000-0000-0000-000000000006" name="(Felt) stigma" isCodable="true"/>'
        '<Code guid="00000000-0000-0000-0000-000000000007" name="feelings" isCodable="true"/>'
        '</Codes></CodeBook>', encoding="utf-8")
    # '&', brackets and apostrophes are kept ("Care & support" was "Care _ support"); a name
    # that differs from another only in case is renamed too, as codings could not tell them apart
    assert read_qdc(qdc).names == ["Feelings", "Other", "Other_2", "Don't know _ refused", "Care & support (staff's)",
                                   "Felt) stigma", "feelings_2"]
    qdc.write_text("<Project/>", encoding="utf-8")
    with pytest.raises(CodebookError, match="E209"):
        read_qdc(qdc)


# --- other vendors' projects ------------------------------------------------------------

GUID = "{:08x}-0000-4000-8000-000000000000".format
SOURCE_TEXT = "Interviewer: Comment ça va?\nParticipant: Très bien 😀, vraiment. The nurse stayed late.\n"


def qualcoder_qde(positions: tuple[int, int], source_attr: str, names: bool = True, extra: str = "") -> str:
    """A project in the style of QualCoder's export: nested selections, Codings with CodeRef."""
    start, end = positions
    name = ' name="The nurse stayed late."' if names else ""
    return f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="qc" origin="QualCoder 3.5">
  <Users><User guid="{GUID(1)}" name="colin"/><User guid="{GUID(2)}" name="maria"/></Users>
  <CodeBook><Codes>
    <Code guid="{GUID(10)}" name="Beyond routine" isCodable="true" color="#FF0000">
      <Description>Doing more than the job asks.</Description>
      <Code guid="{GUID(11)}" name="Time" isCodable="true"/>
    </Code>
  </Codes></CodeBook>
  <Variables><Variable guid="{GUID(30)}" name="site" typeOfVariable="Text"/>
    <Variable guid="{GUID(31)}" name="age" typeOfVariable="Integer"/></Variables>
  <Cases><Case guid="{GUID(40)}" name="P07">
    <VariableValue><VariableRef targetGUID="{GUID(30)}"/><TextValue>Leeds</TextValue></VariableValue>
    <VariableValue><VariableRef targetGUID="{GUID(31)}"/><IntegerValue>52</IntegerValue></VariableValue>
    <SourceRef targetGUID="{GUID(20)}"/></Case></Cases>
  <Sources>
    <TextSource guid="{GUID(20)}" name="P07.txt" {source_attr} creatingUser="{GUID(1)}">
      <PlainTextSelection guid="{GUID(21)}"{name} startPosition="{start}" endPosition="{end}" creatingUser="{GUID(1)}">
        <Coding guid="{GUID(22)}" creatingUser="{GUID(1)}"><CodeRef targetGUID="{GUID(11)}"/></Coding>
        <Coding guid="{GUID(23)}" creatingUser="{GUID(2)}"><CodeRef targetGUID="{GUID(10)}"/></Coding>
      </PlainTextSelection>{extra}
    </TextSource>
  </Sources>
</Project>"""


def make_qdpx(path: Path, qde: str, files: dict[str, bytes], qde_name: str = "project.qde") -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(qde_name, qde.encode("utf-8"))
        for name, data in files.items():
            archive.writestr(name, data)
    return path


def span(text: str, phrase: str, crlf_as_one: bool = False, utf16: bool = False) -> tuple[int, int]:
    start = text.index(phrase)
    before = text[:start]
    if crlf_as_one:
        start -= before.count("\r\n")
    if utf16:
        start += sum(1 for ch in before if ord(ch) > 0xFFFF)
    return start, start + len(phrase)


def imported(result, phrase="The nurse stayed late."):
    iv = result.interviews[0]
    return {(c.coder, c.code, iv.text[c.start:c.end]) for c in result.codings} == {
        ("colin", "Time", phrase), ("maria", "Beyond routine", phrase)}


def test_qualcoder_style_project_with_non_ascii_before_the_coded_span(tmp_path):
    qde = qualcoder_qde(span(SOURCE_TEXT, "The nurse stayed late."), f'plainTextPath="internal://{GUID(20)}.txt"')
    path = make_qdpx(tmp_path / "qc.qdpx", qde, {f"sources/{GUID(20)}.txt": SOURCE_TEXT.encode("utf-8")})
    result = read_qdpx(path)
    assert imported(result) and result.warnings == []
    iv = result.interviews[0]
    assert iv.id == "P07" and iv.metadata == {"site": "Leeds", "age": 52}
    assert iv.speakers == {"Interviewer": "interviewer", "Participant": "participant"}
    assert result.codebook.names == ["Beyond routine", "Time"] and result.codebook["Time"].parent == "Beyond routine"


@pytest.mark.parametrize("crlf_as_one", [False, True])
def test_bom_and_crlf_sources_keep_offsets_on_the_same_characters(tmp_path, crlf_as_one):
    raw = SOURCE_TEXT.replace("\n", "\r\n")
    qde = qualcoder_qde(span(raw, "The nurse stayed late.", crlf_as_one), f'plainTextPath="internal://{GUID(20)}.txt"')
    # NVivo's capitalised Sources/ folder and a .qde not called project.qde
    path = make_qdpx(tmp_path / "nv.qdpx", qde, {f"Sources/{GUID(20)}.txt": b"\xef\xbb\xbf" + raw.encode("utf-8")},
                     qde_name="My Study.qde")
    result = read_qdpx(path)
    assert imported(result)
    assert any("CRLF counted as one" in w for w in result.warnings) == crlf_as_one


def test_crlf_counted_as_one_is_found_without_selection_names_by_word_edges(tmp_path):
    raw = SOURCE_TEXT.replace("\n", "\r\n")
    qde = qualcoder_qde(span(raw, "The nurse stayed late.", True), f'plainTextPath="internal://{GUID(20)}.txt"',
                        names=False)
    path = make_qdpx(tmp_path / "p.qdpx", qde, {f"sources/{GUID(20)}.txt": raw.encode("utf-8")})
    assert imported(read_qdpx(path))


def test_utf16_unit_positions_from_dotnet_tools(tmp_path):
    qde = qualcoder_qde(span(SOURCE_TEXT, "The nurse stayed late.", utf16=True), f'plainTextPath="internal://{GUID(20)}.txt"')
    path = make_qdpx(tmp_path / "p.qdpx", qde, {f"sources/{GUID(20)}.txt": SOURCE_TEXT.encode("utf-8")})
    result = read_qdpx(path)
    assert imported(result) and any("UTF-16" in w for w in result.warnings)


def test_a_project_tr_nlp_wrote_is_read_in_code_points_whatever_would_fit_better(tmp_path):
    # a coding ending in a tab after two emoji fit "UTF-16 code units" better (it then ended at a word's end):
    # reading tr_nlp's own project back moved its end two characters short
    text = "Interviewer: How was it?\nParticipant: \U0001F600\U0001F600 the nurse \tstayed late."
    interview = Interview("p07", text, [Turn("Interviewer", "interviewer", 13, 24),
                                        Turn("Participant", "participant", 38, len(text))])
    start = text.index("\U0001F600")
    coding = Coding("p07", start, text.index("stayed"), "care", "anna")  # "😀😀 the nurse \t"
    back = read_qdpx(write_qdpx(tmp_path / "p.qdpx", [interview], None, codings=[coding]))
    assert [(c.start, c.end) for c in back.codings] == [(coding.start, coding.end)]
    assert not any("UTF-16" in w for w in back.warnings)


def test_utf16_units_with_crlf_counted_as_one_from_qt_based_tools(tmp_path):
    # UTF-16 strings that count a paragraph's end as one character: read as neither alone, the codings moved
    raw = "Interviewer: Comment ça va?\r\nParticipant: Très bien 😀😀😀, vraiment.\r\nThe nurse stayed late.\r\n"
    qde = qualcoder_qde(span(raw, "The nurse stayed late.", crlf_as_one=True, utf16=True),
                        f'plainTextPath="internal://{GUID(20)}.txt"')
    result = read_qdpx(make_qdpx(tmp_path / "p.qdpx", qde, {f"sources/{GUID(20)}.txt": raw.encode("utf-8")}))
    assert imported(result)
    assert any("read as UTF-16 code units, CRLF counted as one" in w for w in result.warnings)


def test_a_selection_name_matches_its_text_in_any_unicode_normalisation(tmp_path):
    # a composed name over a source of decomposed accents matched under no reading, so word edges chose one;
    # this selection, mid-word at both ends, was then read in code points, one character late
    raw = "Interviewer: 😀 Ok?\nParticipant: Tre\u0300s bien, vraiment.\n"
    qde = qualcoder_qde(span(raw, "re\u0300s bien, vr", utf16=True), f'plainTextPath="internal://{GUID(20)}.txt"')
    qde = qde.replace('name="The nurse stayed late."', 'name="r\u00e8s bien, vr"')
    result = read_qdpx(make_qdpx(tmp_path / "p.qdpx", qde, {f"sources/{GUID(20)}.txt": raw.encode("utf-8")}))
    assert imported(result, "r\u00e8s bien, vr")


def test_inline_plain_text_content_and_bare_qde_with_relative_path(tmp_path):
    escaped = SOURCE_TEXT.replace("&", "&amp;").replace("<", "&lt;")
    qde = qualcoder_qde(span(SOURCE_TEXT, "The nurse stayed late."), "")
    qde = qde.replace("\n      <PlainTextSelection", f"<PlainTextContent>{escaped}</PlainTextContent>\n      <PlainTextSelection", 1)
    assert imported(read_qdpx(make_qdpx(tmp_path / "inline.qdpx", qde, {})))
    folder = tmp_path / "bare"
    (folder / "texts").mkdir(parents=True)
    (folder / "texts" / "p07.txt").write_text(SOURCE_TEXT, encoding="utf-8")
    (folder / "study.qde").write_text(
        qualcoder_qde(span(SOURCE_TEXT, "The nurse stayed late."), 'plainTextPath="texts/p07.txt"'), encoding="utf-8")
    assert imported(read_qdpx(folder / "study.qde"))


def twin_project(tmp_path: Path, position: str = "0") -> Path:
    """The QualCoder-style project, plus a second source of the same name (an empty selection
    and one of a line break in it, or one at ``position``) and an empty document."""
    extra = "".join(f"""
      <PlainTextSelection guid="{GUID(51 + k)}" startPosition="{a}" endPosition="{b}" creatingUser="{GUID(1)}">
        <Coding guid="{GUID(61 + k)}" creatingUser="{GUID(1)}"><CodeRef targetGUID="{GUID(11)}"/></Coding>
      </PlainTextSelection>""" for k, (a, b) in enumerate([(0, 11), (position, 0), (27, 28)]))
    qde = qualcoder_qde(span(SOURCE_TEXT, "The nurse stayed late."), f'plainTextPath="internal://{GUID(20)}.txt"')
    qde = qde.replace("</TextSource>\n  </Sources>", f"""</TextSource>
    <TextSource guid="{GUID(50)}" name="P07.txt" plainTextPath="internal://{GUID(50)}.txt">{extra}
    </TextSource>
    <TextSource guid="{GUID(70)}" name="placeholder" plainTextPath="internal://{GUID(70)}.txt"/>
    <TextSource guid="{GUID(71)}" name="no words yet"><PlainTextContent/></TextSource>
  </Sources>""")
    return make_qdpx(tmp_path / "twins.qdpx", qde, {f"sources/{GUID(n)}.txt": data for n, data in [
        (20, SOURCE_TEXT.encode("utf-8")), (50, SOURCE_TEXT.encode("utf-8")), (70, b"\xef\xbb\xbf \r\n")]})


def test_twin_source_names_empty_documents_and_blank_selections_leave_the_rest_of_a_project(tmp_path):
    # an empty document refused the whole project ("the file is empty"), though it was
    # meant to be skipped with a warning
    result = read_qdpx(twin_project(tmp_path))
    assert [iv.id for iv in result.interviews] == ["P07", "P07_2"]
    text = result.interviews[0].text
    assert sorted((c.interview_id, c.coder, c.code, text[c.start:c.end]) for c in result.codings) == [
        ("P07", "colin", "Time", "The nurse stayed late."), ("P07", "maria", "Beyond routine", "The nurse stayed late."),
        ("P07_2", "colin", "Time", "Interviewer")]
    assert result.warnings == [
        "source 'P07_2': 2 selection(s) are empty or hold only spaces or line breaks and were skipped",
        "source 'placeholder' has no text and was skipped", "source 'no words yet' has no text and was skipped"]


@pytest.mark.parametrize("position", ["x", "", "1.5"])
def test_a_selection_position_that_is_not_a_whole_number_is_named(tmp_path, position):
    # it was reported as "positions -1--1 lie outside its text"
    with pytest.raises(InputError, match=rf"\[E208\] source 'P07_2': selection 00000034-0000-4000-8000-000000000000 "
                                         rf"has startPosition '{re.escape(position)}' and endPosition '0'; "
                                         "expected whole numbers"):
        read_qdpx(twin_project(tmp_path, position))


def test_a_case_variable_of_the_wrong_type_is_kept_as_text_and_a_broken_speakers_variable_ignored(tmp_path):
    qde = qualcoder_qde(span(SOURCE_TEXT, "The nurse stayed late."), f'plainTextPath="internal://{GUID(20)}.txt"')
    qde = qde.replace("<IntegerValue>52</IntegerValue>", "<IntegerValue>fifty-two</IntegerValue>").replace(
        '<Variable guid="{}" name="age" typeOfVariable="Integer"/>'.format(GUID(31)),
        '<Variable guid="{}" name="age" typeOfVariable="Integer"/>'.format(GUID(31))
        + '<Variable guid="{}" name="tr_nlp:speakers" typeOfVariable="Text"/>'.format(GUID(32))).replace(
        "<SourceRef", '<VariableValue><VariableRef targetGUID="{}"/><TextValue>Participant</TextValue>'
                      "</VariableValue>\n    <SourceRef".format(GUID(32)))
    result = read_qdpx(make_qdpx(tmp_path / "p.qdpx", qde, {f"sources/{GUID(20)}.txt": SOURCE_TEXT.encode("utf-8")}))
    assert imported(result)
    iv = result.interviews[0]
    assert iv.metadata == {"site": "Leeds", "age": "fifty-two"}
    assert iv.speakers == {"Interviewer": "interviewer", "Participant": "participant"}  # as without the variable
    assert result.warnings == ["source 'P07': ignored the tr_nlp:speakers variable: [E162] invalid roles mapping: "
                               "'Participant'; expected NAME=ROLE"]


TRANSCRIPT = ("Interviewer: How was the ward?\nParticipant: Loud. The nurse stayed late.\n"
              "Interviewer: And then?\nParticipant: I went home.\n")


def recording_qde() -> str:
    """An interview recorded as audio, transcribed in the QDA tool: codings on the transcript
    text (TranscriptSelection between sync points), on a stretch of the recording
    (AudioSelection, milliseconds) and on the whole recording; a video with no transcript."""
    at = TRANSCRIPT.index
    points = [(50, at("The nurse"), 5000), (51, at(" late.") + 6, 7000), (52, at("Interviewer: And"), 9000),
              (53, at("I went"), 12000), (54, len(TRANSCRIPT) - 1, 15000)]
    sync = "".join(f'<SyncPoint guid="{GUID(g)}" position="{p}" timeStamp="{t}"/>' for g, p, t in points)
    coded = '<Coding guid="{}" creatingUser="{}"><CodeRef targetGUID="{}"/></Coding>'.format
    return f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="rec" origin="NVivo">
  <Users><User guid="{GUID(1)}" name="colin"/><User guid="{GUID(2)}" name="maria"/></Users>
  <CodeBook><Codes><Code guid="{GUID(10)}" name="Beyond routine" isCodable="true"/>
    <Code guid="{GUID(11)}" name="Time" isCodable="true"/></Codes></CodeBook>
  <Variables><Variable guid="{GUID(30)}" name="site" typeOfVariable="Text"/></Variables>
  <Cases><Case guid="{GUID(40)}" name="P08">
    <VariableValue><VariableRef targetGUID="{GUID(30)}"/><TextValue>York</TextValue></VariableValue>
    <SourceRef targetGUID="{GUID(20)}"/></Case></Cases>
  <Sources>
    <AudioSource guid="{GUID(20)}" name="P08.mp3" path="internal://{GUID(20)}.mp3" creatingUser="{GUID(1)}">
      <Transcript guid="{GUID(21)}" name="Transcript" plainTextPath="internal://{GUID(21)}.txt">{sync}
        <TranscriptSelection guid="{GUID(60)}" name="The nurse stayed late." fromSyncPoint="{GUID(50)}"
            toSyncPoint="{GUID(51)}" creatingUser="{GUID(1)}">{coded(GUID(61), GUID(1), GUID(11))}</TranscriptSelection>
        <TranscriptSelection guid="{GUID(62)}" fromSyncPoint="{GUID(50)}" toSyncPoint="{GUID(99)}"
            creatingUser="{GUID(1)}">{coded(GUID(63), GUID(1), GUID(11))}</TranscriptSelection>
      </Transcript>
      <AudioSelection guid="{GUID(70)}" begin="12500" end="14000" creatingUser="{GUID(2)}">
        {coded(GUID(71), GUID(2), GUID(10))}</AudioSelection>
      {coded(GUID(72), GUID(2), GUID(11))}
    </AudioSource>
    <VideoSource guid="{GUID(80)}" name="ward tour.mp4" path="internal://{GUID(80)}.mp4"/>
  </Sources>
</Project>"""


def test_the_transcript_of_a_recording_is_read_with_its_codings(tmp_path):
    # an interview kept as a recording with its transcript (as NVivo keeps media): such a project held "no text sources"
    path = make_qdpx(tmp_path / "rec.qdpx", recording_qde(), {f"sources/{GUID(21)}.txt": TRANSCRIPT.encode()})
    result = read_qdpx(path)
    iv = result.interviews[0]
    assert (iv.id, iv.metadata, iv.speakers) == ("P08", {"site": "York"},
                                                 {"Interviewer": "interviewer", "Participant": "participant"})
    assert sorted((c.coder, c.code, iv.text[c.start:c.end]) for c in result.codings) == [
        ("colin", "Time", "The nurse stayed late."),  # between two sync points
        ("maria", "Beyond routine", "I went home."),  # 12.5-14 s of the recording: sync points at 12 s and 15 s
        ("maria", "Time", iv.text),  # the whole recording
    ]
    assert result.warnings == [
        ("source 'P08': 1 coded selection(s) could not be placed in the transcript (no sync point they refer to, "
         "or none with a time) and were skipped"),
        "1 VideoSource(s) skipped: tr_nlp reads text sources, the text of PDFs and the transcripts of recordings"]
    xmlschema = pytest.importorskip("xmlschema")
    xmlschema.XMLSchema(str(XSD)).validate(recording_qde())  # the project is as the standard has it


def test_segments_of_a_recordings_transcript_carry_the_times_of_its_sync_points(tmp_path):
    from tr_nlp.segment import Segmenter
    path = make_qdpx(tmp_path / "rec.qdpx", recording_qde(), {f"sources/{GUID(21)}.txt": TRANSCRIPT.encode()})
    iv = read_qdpx(path).interviews[0]
    segments = Segmenter(unit="sentence", roles=("interviewer", "participant")).segment([iv])
    assert [(s.text, s.timestamp) for s in segments] == [
        ("How was the ward?", None), ("Loud.", None),  # no sync point before them
        ("The nurse stayed late.", 5.0), ("And then?", 9.0), ("I went home.", 12.0)]


def pdf_qde() -> str:
    """The QualCoder-style project with its transcript brought in as a PDF (its text in
    ``sources/{GUID(26)}.txt``): a coded page region, codings of the text and of the whole
    PDF, and a picture."""
    coded = '<Coding guid="{}" creatingUser="{}"><CodeRef targetGUID="{}"/></Coding>'.format
    return qualcoder_qde(span(SOURCE_TEXT, "The nurse stayed late."), 'plainTextPath="internal://unused.txt"').replace(
        f'<TextSource guid="{GUID(20)}" name="P07.txt" plainTextPath="internal://unused.txt" creatingUser="{GUID(1)}">',
        f'<PDFSource guid="{GUID(20)}" name="P07.pdf" path="internal://{GUID(20)}.pdf" creatingUser="{GUID(1)}">'
        f'<PDFSelection guid="{GUID(24)}" page="1" firstX="0" firstY="0" secondX="50" secondY="20">'
        f'{coded(GUID(25), GUID(2), GUID(10))}</PDFSelection>'
        f'<Representation guid="{GUID(26)}" plainTextPath="internal://{GUID(26)}.txt">').replace(
        "</TextSource>", f"</Representation>{coded(GUID(27), GUID(2), GUID(11))}</PDFSource>"
                         f'<PictureSource guid="{GUID(28)}" name="ward.png" path="internal://ward.png"/>')


def test_the_text_of_a_pdf_transcript_is_read_with_its_codings(tmp_path):
    # transcripts brought into the QDA tool as PDFs: the project carries their text as a Representation
    qde = pdf_qde()
    result = read_qdpx(make_qdpx(tmp_path / "pdf.qdpx", qde, {f"sources/{GUID(26)}.txt": SOURCE_TEXT.encode()}))
    iv = result.interviews[0]
    assert iv.id == "P07" and iv.metadata == {"site": "Leeds", "age": 52}
    assert sorted((c.coder, c.code, iv.text[c.start:c.end]) for c in result.codings) == [
        ("colin", "Time", "The nurse stayed late."), ("maria", "Beyond routine", "The nurse stayed late."),
        ("maria", "Time", iv.text)]  # the last: the whole PDF
    assert result.warnings == [
        ("source 'P07': 1 coded region(s) of PDF pages could not be placed in the PDF's text and were skipped; "
         "code the text instead"),
        "1 PictureSource(s) skipped: tr_nlp reads text sources, the text of PDFs and the transcripts of recordings"]
    xmlschema = pytest.importorskip("xmlschema")
    xmlschema.XMLSchema(str(XSD)).validate(qde)


# --- hostile and broken projects ---------------------------------------------------------


def good_source(tmp_path: Path, **kw) -> Path:
    qde = qualcoder_qde(span(SOURCE_TEXT, "The nurse stayed late."), f'plainTextPath="internal://{GUID(20)}.txt"', **kw)
    return make_qdpx(tmp_path / "in.qdpx", qde, {f"sources/{GUID(20)}.txt": SOURCE_TEXT.encode("utf-8")})


def declare_size(path: Path, member: str, size: int) -> None:
    """Rewrite a member's declared uncompressed size in both zip headers (a lying archive)."""
    data = bytearray(path.read_bytes())
    name = member.encode()
    local = data.find(b"PK\x03\x04" + b"")
    while local >= 0:
        n = struct.unpack_from("<H", data, local + 26)[0]
        if bytes(data[local + 30:local + 30 + n]) == name:
            struct.pack_into("<I", data, local + 22, size)
        local = data.find(b"PK\x03\x04", local + 4)
    central = data.find(b"PK\x01\x02")
    while central >= 0:
        n = struct.unpack_from("<H", data, central + 28)[0]
        if bytes(data[central + 46:central + 46 + n]) == name:
            struct.pack_into("<I", data, central + 24, size)
        central = data.find(b"PK\x01\x02", central + 4)
    path.write_bytes(bytes(data))


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<Project xmlns="urn:QDA-XML:project:1.0" name="&lol3;"/>"""
XXE = """<?xml version="1.0"?>
<!DOCTYPE p [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<Project xmlns="urn:QDA-XML:project:1.0" name="x"><Description>&xxe;</Description></Project>"""


def hostile(tmp_path: Path, kind: str) -> Path:
    if kind == "zip-slip":
        path = good_source(tmp_path)
        with zipfile.ZipFile(path, "a") as archive:
            archive.writestr("../../evil.txt", b"owned")
        return path
    if kind == "declared-bomb":
        path = good_source(tmp_path)
        declare_size(path, f"sources/{GUID(20)}.txt", 2**30)
        return path
    if kind == "ratio-bomb":
        return make_qdpx(tmp_path / "in.qdpx", qualcoder_qde((0, 1), ""), {"sources/zeros.txt": bytes(30 * 2**20)})
    if kind == "billion-laughs":
        return make_qdpx(tmp_path / "in.qdpx", BILLION_LAUGHS, {})
    if kind == "external-entity":
        return make_qdpx(tmp_path / "in.qdpx", XXE, {})
    if kind == "past-the-end":
        qde = qualcoder_qde((10, 5000), f'plainTextPath="internal://{GUID(20)}.txt"')
        return make_qdpx(tmp_path / "in.qdpx", qde, {f"sources/{GUID(20)}.txt": SOURCE_TEXT.encode("utf-8")})
    if kind == "unknown-code":
        path = good_source(tmp_path)
        qde = qualcoder_qde(span(SOURCE_TEXT, "The nurse stayed late."), f'plainTextPath="internal://{GUID(20)}.txt"')
        return make_qdpx(path, qde.replace(f'<CodeRef targetGUID="{GUID(11)}"/>', f'<CodeRef targetGUID="{GUID(99)}"/>'),
                         {f"sources/{GUID(20)}.txt": SOURCE_TEXT.encode("utf-8")})
    if kind == "missing-source":
        qde = qualcoder_qde((0, 5), f'plainTextPath="internal://{GUID(20)}.txt"')
        return make_qdpx(tmp_path / "in.qdpx", qde, {})
    if kind == "outside-path":
        return make_qdpx(tmp_path / "in.qdpx", qualcoder_qde((0, 5), 'plainTextPath="file:///etc/passwd"'), {})
    if kind == "unknown-encoding":
        qde = qualcoder_qde((0, 5), f'plainTextPath="internal://{GUID(20)}.txt"')
        return make_qdpx(tmp_path / "in.qdpx", qde.replace('encoding="utf-8"', 'encoding="utf-9"', 1),
                         {f"sources/{GUID(20)}.txt": SOURCE_TEXT.encode("utf-8")})
    if kind == "two-projects":  # two .qde files in subfolders, neither named project.qde
        path = tmp_path / "in.qdpx"
        qde = qualcoder_qde((0, 5), f'plainTextPath="internal://{GUID(20)}.txt"')
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("a/first.qde", qde)
            archive.writestr("b/second.qde", qde)
        return path
    if kind == "codebook-not-project":
        return make_qdpx(tmp_path / "in.qdpx", '<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes/></CodeBook>', {})
    if kind == "no-sources":
        qde = qualcoder_qde((0, 5), f'plainTextPath="internal://{GUID(20)}.txt"')
        return make_qdpx(tmp_path / "in.qdpx", re.sub(r"<Sources>.*</Sources>", "<Sources/>", qde, flags=re.S), {})
    if kind == "rich-text-only":
        return make_qdpx(tmp_path / "in.qdpx", qualcoder_qde((0, 5), f'richTextPath="internal://{GUID(20)}.docx"'), {})
    if kind == "broken-xml":
        qde = qualcoder_qde((0, 5), f'plainTextPath="internal://{GUID(20)}.txt"')
        return make_qdpx(tmp_path / "in.qdpx", qde.replace("</Sources>", "</Source>", 1), {})
    if kind == "not-a-zip":
        path = tmp_path / "in.qdpx"
        path.write_bytes(b"PK\x03\x04 truncated")
        return path
    raise ValueError(kind)


def test_text_to_read_past_the_limit_is_refused_naming_the_member(tmp_path):
    text = "Interviewer: " + os.urandom(2**20).hex() + "?"  # 2 MB that compresses only 2:1
    path = make_qdpx(tmp_path / "in.qdpx", qualcoder_qde((0, 5), f'plainTextPath="internal://{GUID(20)}.txt"'),
                     {f"sources/{GUID(20)}.txt": text.encode("ascii")})
    assert read_qdpx(path, max_mb=3).interviews[0].text.endswith("?")
    with pytest.raises(InputError, match="E210") as info:
        read_qdpx(path, max_mb=1)
    assert f"sources/{GUID(20)}.txt" in str(info.value) and "more than the 1 MB" in str(info.value)


@pytest.mark.parametrize("kind,error,code,says", [
    ("zip-slip", ArchiveError, "E201", ""),
    ("declared-bomb", ArchiveError, "E202", ""),
    ("ratio-bomb", ArchiveError, "E202", ""),
    ("billion-laughs", ArchiveError, "E203", ""),
    ("external-entity", ArchiveError, "E203", ""),
    ("past-the-end", InputError, "E205", ""),
    ("unknown-code", InputError, "E206", ""),
    ("missing-source", InputError, "E207", ""),
    ("outside-path", ArchiveError, "E208", ""),
    ("not-a-zip", ArchiveError, "E200", ""),
    ("unknown-encoding", InputError, "E204", ""),
    ("broken-xml", InputError, "E204", "mismatched tag"),
    ("two-projects", InputError, "E200", "several .qde files inside (a/first.qde, b/second.qde); expected one"),
    ("codebook-not-project", InputError, "E200", "the root element is <CodeBook>, expected <Project>"),
    ("no-sources", InputError, "E200", "it holds no text sources and no transcripts"),
    ("rich-text-only", InputError, "E208", "it has only rich text (richTextPath); export plain text as well"),
])
def test_hostile_projects_end_in_one_clear_error_and_write_nothing(tmp_path, kind, error, code, says):
    path = hostile(tmp_path, kind)
    with pytest.raises(error, match=code) as caught:
        read_qdpx(path)
    assert says in str(caught.value)
    assert caught.value.path and "in.qdpx" in caught.value.path
    before = sorted(p.name for p in tmp_path.parent.iterdir())
    result = run("import", path, "-o", tmp_path / "out")
    assert result.exit_code == 2
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and code in lines[0] and "in.qdpx" in lines[0], result.stderr
    assert not (tmp_path / "out").exists()
    assert sorted(p.name for p in tmp_path.parent.iterdir()) == before


def test_a_bad_project_among_good_transcripts_is_reported_and_the_rest_loads(tmp_path, write):
    bad = hostile(tmp_path, "zip-slip")
    good = write("ok.txt", "I: Hello?\nP: Fine thanks.\n")
    corpus = load_corpus([bad, good])
    assert [iv.id for iv in corpus.interviews] == ["ok"]
    assert [f.error.code for f in corpus.failures] == ["E201"]


# --- export command ------------------------------------------------------------------------


def test_export_command_adds_model_suggestions_and_candidate_codes(demo, tmp_path):
    first = demo.interviews[0]
    turn = first.turns[1]
    pd.DataFrame({
        "interview_id": [first.id, first.id], "segment_id": ["s1", "s1"], "start": [turn.start] * 2,
        "end": [turn.end] * 2, "speaker": ["P"] * 2, "text": [first.turn_text(turn)] * 2,
        "code": ["beyond_routine", "emotional_climate"], "probability": [0.91, 0.2],
        "above_threshold": [True, False], "evidence": ["stayed late; her shift", ""],
    }).to_csv(tmp_path / "suggestions.csv", index=False)
    (tmp_path / "disc").mkdir()
    (tmp_path / "disc" / "candidates.yaml").write_text(
        "name: Candidate codes (machine)\ncodes:\n- name: waiting_lists\n  description: Proposed.\n"
        "  status: candidate\n  evidence:\n    keywords: [wait, list]\n    size: 4\n    quotes:\n"
        f"    - {{interview_id: {first.id}, start: {turn.start}, end: {turn.end}, text: x}}\n", encoding="utf-8")
    out = tmp_path / "project.qdpx"
    result = run("export", "--corpus", DEMO, "--suggestions", tmp_path / "suggestions.csv",
                 "--candidates", tmp_path / "disc" / "candidates.yaml", "-o", out)
    assert result.exit_code == 0, result.output
    assert "tr_nlp suggestions (suggestions.csv): 1" in result.stdout and "1 candidate codes" in result.stdout
    back = read_qdpx(out)
    machine = back.machine_codings
    assert {(c.coder, c.code) for c in machine} == {("tr_nlp suggestions (suggestions.csv)", "beyond_routine"),
                                                    ("tr_nlp topic discovery", "waiting_lists")}
    assert back.codebook["waiting_lists"].status == "candidate"
    with zipfile.ZipFile(out) as archive:
        # the passages that raised the score are in the note a coder reads
        assert 'beyond_routine: p=0.91 (evidence: "stayed late", "her shift")' in archive.read("project.qde").decode()


def test_suggestions_of_other_interviews_or_past_the_text_are_left_out_with_a_warning(demo, tmp_path):
    first = demo.interviews[0]
    turn = first.turns[1]
    pd.DataFrame({
        "interview_id": [first.id, "not_in_corpus", first.id], "start": [turn.start, 0, len(first.text) - 5],
        "end": [turn.end, 10, len(first.text) + 20], "code": ["beyond_routine"] * 3,
        "probability": [0.9] * 3, "above_threshold": [True] * 3,
    }).to_csv(tmp_path / "suggestions.csv", index=False)
    result = run("export", "--corpus", DEMO, "--suggestions", tmp_path / "suggestions.csv", "-o", tmp_path / "p.qdpx")
    assert result.exit_code == 0, result.output
    assert "2 row(s) name an interview not in the corpus or a span outside its text; left out" in result.stderr
    machine = read_qdpx(tmp_path / "p.qdpx").machine_codings
    assert [(c.interview_id, c.start, c.end) for c in machine] == [(first.id, turn.start, turn.end)]


def test_export_of_new_interviews_with_suggestions_needs_no_codebook(demo, tmp_path, write):
    # a batch over new interviews, exported for the team to review: there is no codebook beside them,
    # and export refused the suggested codes as "not in the codebook"
    write("new/a.txt", "I: What helped?\nP: She came on her day off.\n")
    iv = read_file(tmp_path / "new" / "a.txt").interviews[0]
    turn = iv.turns[1]
    pd.DataFrame({"interview_id": ["a", "a"], "start": [turn.start] * 2, "end": [turn.end] * 2,
                  "code": ["beyond_routine", "emotional_climate"], "probability": [0.8, 0.1],
                  "above_threshold": [True, False]}).to_csv(tmp_path / "s.csv", index=False)
    result = run("export", "--corpus", tmp_path / "new", "--suggestions", tmp_path / "s.csv", "-o", tmp_path / "p.qdpx")
    assert result.exit_code == 0, result.output
    back = read_qdpx(tmp_path / "p.qdpx")
    assert back.codebook.names == ["beyond_routine"]  # the code suggested above its threshold
    assert [(c.code, back.interviews[0].text[c.start:c.end]) for c in back.machine_codings] == [
        ("beyond_routine", "She came on her day off.")]


def write_suggestions(demo, tmp_path, **changes) -> Path:
    """``s.csv``: one suggestion on the demo's first participant turn; ``changes`` replace
    values, and a column changed to None is left out."""
    first = demo.interviews[0]
    turn = first.turns[1]
    rows = {"interview_id": first.id, "segment_id": "s1", "start": turn.start, "end": turn.end,
            "code": "beyond_routine", "probability": 0.9, "above_threshold": True, **changes}
    path = tmp_path / "s.csv"
    pd.DataFrame({k: [v] for k, v in rows.items() if v is not None}).to_csv(path, index=False)
    return path


@pytest.mark.parametrize("changes, code, says", [
    ({"code": None}, "E130", "column 'code' not found"),
    ({"start": "abc"}, "E221", "column 'start' holds 'abc' in data row 1; expected a whole number"),
    ({"end": "12.5"}, "E221", "column 'end' holds '12.5' in data row 1"),
    ({"end": "-4"}, "E221", "column 'end' holds '-4' in data row 1"),
    ({"start": " "}, "E221", "column 'start' holds a blank in data row 1"),
    ({"probability": "high"}, "E221", "column 'probability' holds 'high' in data row 1; expected a number"),
])
def test_export_refuses_a_broken_suggestions_table_naming_it(demo, tmp_path, changes, code, says):
    result = run("export", "--corpus", DEMO, "--suggestions", write_suggestions(demo, tmp_path, **changes),
                 "-o", tmp_path / "p.qdpx")
    assert result.exit_code == 2, result.output
    assert code in result.stderr and says in result.stderr and "s.csv" in result.stderr
    assert not (tmp_path / "p.qdpx").exists()


def test_export_refuses_a_model_card_that_is_not_an_object(demo, tmp_path):
    model = tmp_path / "model"
    model.mkdir()
    (model / "card.json").write_text("[1, 2]", encoding="utf-8")
    result = run("export", "--corpus", DEMO, "--suggestions", write_suggestions(demo, tmp_path), "--model", model,
                 "-o", tmp_path / "p.qdpx")
    assert result.exit_code == 2, result.output
    assert "card.json: [E184]" in result.stderr and "found a list" in result.stderr
    result = run("export", "--corpus", DEMO, "--suggestions", tmp_path / "s.csv", "--model", tmp_path / "none",
                 "-o", tmp_path / "p.qdpx")
    assert result.exit_code == 2 and "E181" in result.stderr
    assert not (tmp_path / "p.qdpx").exists()


def write_candidates(demo, folder: Path) -> Path:
    first = demo.interviews[0]
    turn = first.turns[1]
    folder.mkdir()
    path = folder / "candidates.yaml"
    path.write_text("codes:\n- name: waiting_lists\n  status: candidate\n  evidence:\n    quotes:\n"
                    f"    - {{interview_id: {first.id}, start: {turn.start}, end: {turn.end}, text: x}}\n",
                    encoding="utf-8")
    return path


def test_export_reads_topics_beside_candidates_and_refuses_a_corrupt_one(demo, tmp_path):
    candidates = write_candidates(demo, tmp_path / "disc")
    first = demo.interviews[0]
    spans = [(t.start, t.end) for t in first.turns[1:4:2]]
    pd.DataFrame({  # one passage in the candidate, one outlier: no candidate, no similarity
        "interview_id": [first.id] * 2, "start": [s for s, _ in spans], "end": [e for _, e in spans],
        "topic": [0, -1], "candidate": ["waiting_lists", ""], "similarity": [0.8, None],
    }).to_parquet(tmp_path / "disc" / "topics.parquet")
    result = run("export", "--corpus", DEMO, "--candidates", candidates, "-o", tmp_path / "p.qdpx")
    assert result.exit_code == 0, result.output
    found = [c for c in read_qdpx(tmp_path / "p.qdpx").machine_codings if c.coder == "tr_nlp topic discovery"]
    assert [(c.start, c.end, c.code) for c in found] == [(*spans[0], "waiting_lists")]
    (tmp_path / "disc" / "topics.parquet").write_bytes(b"not parquet")
    result = run("export", "--corpus", DEMO, "--candidates", candidates, "-o", tmp_path / "q.qdpx")
    assert result.exit_code == 2 and "topics.parquet: [E221]" in result.stderr, result.output
    assert not (tmp_path / "q.qdpx").exists()


def write_topics(demo, folder: Path, n: int) -> list[tuple[int, int]]:
    """``folder/topics.parquet``: the first interview's first ``n`` turns, turn k in topic k,
    named ``cand_k`` as discovery named it; returns their spans."""
    first = demo.interviews[0]
    spans = [(t.start, t.end) for t in first.turns[:n]]
    folder.mkdir(exist_ok=True)
    pd.DataFrame({"interview_id": [first.id] * n, "start": [s for s, _ in spans], "end": [e for _, e in spans],
                  "topic": range(n), "candidate": [f"cand_{k}" for k in range(n)], "similarity": [0.7] * n,
                  }).to_parquet(folder / "topics.parquet")
    return spans


def test_a_candidate_renamed_merged_or_dropped_by_a_reviewer_exports_the_passages_that_follow(demo, tmp_path):
    spans = write_topics(demo, tmp_path / "disc", 4)
    candidates = tmp_path / "disc" / "candidates.yaml"
    candidates.write_text(  # cand_0 renamed; cand_2 merged into cand_1, renamed too; cand_3 dropped
        "codes:\n- name: warmth_at_the_door\n  status: candidate\n  evidence: {topics: [0]}\n"
        "- name: services\n  status: candidate\n  evidence: {topics: [1, 2]}\n", encoding="utf-8")
    result = run("export", "--corpus", DEMO, "--candidates", candidates, "-o", tmp_path / "p.qdpx")
    assert result.exit_code == 0, result.output
    found = [c for c in read_qdpx(tmp_path / "p.qdpx").machine_codings if c.coder == "tr_nlp topic discovery"]
    assert sorted((c.start, c.end, c.code) for c in found) == [
        (*spans[0], "warmth_at_the_door"), (*spans[1], "services"), (*spans[2], "services")]
    candidates.write_text(  # a file that lists no topics (written before they were) links by name
        "codes:\n- name: cand_1\n  status: candidate\n", encoding="utf-8")
    result = run("export", "--corpus", DEMO, "--candidates", candidates, "-o", tmp_path / "q.qdpx")
    assert result.exit_code == 0, result.output
    found = [c for c in read_qdpx(tmp_path / "q.qdpx").machine_codings if c.coder == "tr_nlp topic discovery"]
    assert [(c.start, c.end, c.code) for c in found] == [(*spans[1], "cand_1")]


@pytest.mark.parametrize(("evidence", "says"), [
    ("oops", "'evidence' must be a mapping (label, keywords, quotes...), found str"),
    ("{quotes: [{interview_id: demo01, start: abc, end: 4, text: x}]}", "quote 1 must have an interview_id"),
    ("{quotes: [{interview_id: demo01, start: 9, end: 4, text: x}]}", "quote 1 must have"),
    ("{quotes: [{start: 0, end: 4, text: x}]}", "quote 1 must have"),
    ("{quotes: oops}", "'evidence: quotes' must be a list"),
    ("{keywords: oops}", "'evidence: keywords' must be a list"),
    ("{topics: [one]}", "'evidence: topics' must be a list of topic numbers"),
    ("{topics: [0]}", "topic 0 is also in entry 1"),
])
def test_a_candidates_file_broken_by_hand_is_refused_naming_the_entry(demo, tmp_path, evidence, says):
    write_topics(demo, tmp_path / "disc", 2)
    candidates = tmp_path / "disc" / "candidates.yaml"
    candidates.write_text("codes:\n- name: kept\n  evidence: {topics: [0]}\n"
                          f"- name: edited\n  evidence: {evidence}\n", encoding="utf-8")
    result = run("export", "--corpus", DEMO, "--candidates", candidates, "-o", tmp_path / "p.qdpx")
    assert result.exit_code == 2, result.output
    assert "candidates.yaml: [E146] code entry 2 is invalid" in result.stderr and says in result.stderr
    assert not (tmp_path / "p.qdpx").exists()


def test_export_refuses_an_unknown_output_type(tmp_path):
    result = run("export", "--corpus", DEMO, "-o", tmp_path / "x.zip")
    assert result.exit_code == 2 and "E171" in result.stderr
