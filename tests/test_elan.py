"""Transcripts from time-aligned annotation tools: ELAN (.eaf) and Transcriber (.trs)."""

import random
import xml.etree.ElementTree as ET
from xml.sax.saxutils import escape, quoteattr

import pytest

from conftest import DEMO
from tr_nlp.errors import InputError
from tr_nlp.ingest import load_corpus, read_file
from tr_nlp.schema import Coding

# as ELAN 6 saves it: two speakers' tiers, a translation tier under the participant's, a
# tier of the transcriber's notes, an unaligned slot (ts5), and the interviewer's "mm"
# said while the participant talks (ts6, inside a4)
EAF = """<?xml version="1.0" encoding="UTF-8"?>
<ANNOTATION_DOCUMENT AUTHOR="J. Doe" DATE="2026-11-02T14:31:07+01:00" FORMAT="3.0" VERSION="3.0"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    xsi:noNamespaceSchemaLocation="http://www.mpi.nl/tools/elan/EAFv3.0.xsd">
    <HEADER MEDIA_FILE="" TIME_UNITS="milliseconds">
        <MEDIA_DESCRIPTOR MEDIA_URL="file:///C:/Users/jo/Interviews/P07.wav" MIME_TYPE="audio/x-wav"
            RELATIVE_MEDIA_URL="./P07.wav"/>
        <PROPERTY NAME="lastUsedAnnotationId">9</PROPERTY>
    </HEADER>
    <TIME_ORDER>
        <TIME_SLOT TIME_SLOT_ID="ts1" TIME_VALUE="1200"/>
        <TIME_SLOT TIME_SLOT_ID="ts2" TIME_VALUE="4300"/>
        <TIME_SLOT TIME_SLOT_ID="ts3" TIME_VALUE="4800"/>
        <TIME_SLOT TIME_SLOT_ID="ts4" TIME_VALUE="9100"/>
        <TIME_SLOT TIME_SLOT_ID="ts5"/>
        <TIME_SLOT TIME_SLOT_ID="ts6" TIME_VALUE="10250"/>
        <TIME_SLOT TIME_SLOT_ID="ts7" TIME_VALUE="11000"/>
        <TIME_SLOT TIME_SLOT_ID="ts8" TIME_VALUE="15500"/>
        <TIME_SLOT TIME_SLOT_ID="ts9" TIME_VALUE="16000"/>
        <TIME_SLOT TIME_SLOT_ID="ts10" TIME_VALUE="18000"/>
    </TIME_ORDER>
    <TIER LINGUISTIC_TYPE_REF="default-lt" PARTICIPANT="Interviewer" TIER_ID="INT">
        <ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a1" TIME_SLOT_REF1="ts1" TIME_SLOT_REF2="ts2">
            <ANNOTATION_VALUE>So, um, how was the ward?</ANNOTATION_VALUE>
        </ALIGNABLE_ANNOTATION></ANNOTATION>
        <ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a3" TIME_SLOT_REF1="ts6" TIME_SLOT_REF2="ts7">
            <ANNOTATION_VALUE>mm</ANNOTATION_VALUE>
        </ALIGNABLE_ANNOTATION></ANNOTATION>
        <ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a5" TIME_SLOT_REF1="ts9" TIME_SLOT_REF2="ts10">
            <ANNOTATION_VALUE>And the nurse?</ANNOTATION_VALUE>
        </ALIGNABLE_ANNOTATION></ANNOTATION>
    </TIER>
    <TIER LINGUISTIC_TYPE_REF="default-lt" PARTICIPANT="P07" TIER_ID="P07 speech">
        <ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a2" TIME_SLOT_REF1="ts3" TIME_SLOT_REF2="ts4">
            <ANNOTATION_VALUE>It was, you know,
                fine I suppose.</ANNOTATION_VALUE>
        </ALIGNABLE_ANNOTATION></ANNOTATION>
        <ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a4" TIME_SLOT_REF1="ts5" TIME_SLOT_REF2="ts8">
            <ANNOTATION_VALUE>She never made me feel like a diagnosis &amp; that's rare.</ANNOTATION_VALUE>
        </ALIGNABLE_ANNOTATION></ANNOTATION>
    </TIER>
    <TIER LINGUISTIC_TYPE_REF="translation" PARENT_REF="P07 speech" TIER_ID="P07 translation">
        <ANNOTATION><REF_ANNOTATION ANNOTATION_ID="a6" ANNOTATION_REF="a2">
            <ANNOTATION_VALUE>Es war okay.</ANNOTATION_VALUE>
        </REF_ANNOTATION></ANNOTATION>
    </TIER>
    <TIER LINGUISTIC_TYPE_REF="default-lt" TIER_ID="Transcriber notes">
        <ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a7" TIME_SLOT_REF1="ts3" TIME_SLOT_REF2="ts4">
            <ANNOTATION_VALUE>P07 tearful</ANNOTATION_VALUE>
        </ALIGNABLE_ANNOTATION></ANNOTATION>
    </TIER>
    <LINGUISTIC_TYPE GRAPHIC_REFERENCES="false" LINGUISTIC_TYPE_ID="default-lt" TIME_ALIGNABLE="true"/>
    <LINGUISTIC_TYPE CONSTRAINTS="Symbolic_Association" GRAPHIC_REFERENCES="false"
        LINGUISTIC_TYPE_ID="translation" TIME_ALIGNABLE="false"/>
    <CONSTRAINT DESCRIPTION="1-1 association with a parent annotation" STEREOTYPE="Symbolic_Association"/>
</ANNOTATION_DOCUMENT>
"""

# as Transcriber 1.5 saves it: Latin-1, its DTD named (never fetched), a turn of two
# speakers at once, a noise event and a comment that are not speech
TRS = """<?xml version="1.0" encoding="ISO-8859-1"?>
<!DOCTYPE Trans SYSTEM "trans-14.dtd">
<Trans scribe="jdoe" audio_filename="p07" version="4" version_date="261102">
<Speakers>
<Speaker id="spk1" name="Interviewer" check="no" dialect="native" accent="" scope="local"/>
<Speaker id="spk2" name="Ren\u00e9e" check="no" dialect="native" accent="" scope="local"/>
</Speakers>
<Episode>
<Section type="report" startTime="0" endTime="30.5">
<Turn speaker="spk1" startTime="0" endTime="4.3">
<Sync time="0"/>
So, um, how was the ward?
</Turn>
<Turn speaker="spk2" startTime="4.3" endTime="12.2">
<Sync time="4.3"/>
It was, you know, fine <Event desc="laugh" type="noise" extent="instantaneous"/> I suppose.
<Sync time="8.75"/>
She never made me feel like a diagnosis.
</Turn>
<Turn speaker="spk1 spk2" startTime="12.2" endTime="14">
<Sync time="12.2"/>
<Who nb="1"/>
And the nurse?
<Who nb="2"/>
Caf\u00e9 every week <Comment desc="overlap"/> with her.
</Turn>
</Section>
</Episode>
</Trans>
"""


def turns(interview):
    return [(t.speaker, t.role, interview.text[t.start:t.end], t.timestamp) for t in interview.turns]


def test_elan_document(write):
    # each independent tier is a speaker (its PARTICIPANT names them), annotations in the
    # order they start, so the backchannel said during the participant's speech follows it;
    # consecutive annotations of one speaker make one turn, each keeping its start time
    # (the unaligned slot takes the last aligned time before it)
    result = read_file(write("P07.eaf", EAF))
    interview = result.interviews[0]
    assert interview.id == "P07" and interview.format == "eaf"
    assert turns(interview) == [
        ("Interviewer", "interviewer", "So, um, how was the ward?", 1.2),
        ("P07", "participant", "It was, you know, fine I suppose. She never made me feel like a diagnosis & that's rare.",
         4.8),
        ("Interviewer", "interviewer", "mm And the nurse?", 10.25),
    ]
    assert interview.times == ((interview.text.index("She never"), 9.1), (interview.text.index("And the"), 16.0))
    assert interview.metadata == {"media": "P07.wav", "author": "J. Doe"}
    # the translation (a dependent tier) is left out silently, the notes with a warning
    assert "Es war" not in interview.text and "tearful" not in interview.text
    assert result.warnings == [("tiers 'Transcriber notes' were left out: their name or type says they hold no "
                                "speech (notes, comments, gestures)")]


def test_an_elan_tier_with_no_participant_is_named_by_its_id(write):
    interview = read_file(write("P07.eaf", EAF.replace(' PARTICIPANT="Interviewer"', ""))).interviews[0]
    assert [(t.speaker, t.role) for t in interview.turns] == [
        ("INT", "interviewer"), ("P07", "participant"), ("INT", "interviewer")]


def with_tiers(*tiers):
    """EAF with more tiers before its linguistic types."""
    return EAF.replace("    <LINGUISTIC_TYPE GRAPHIC", "".join(tiers) + "    <LINGUISTIC_TYPE GRAPHIC", 1)


def symbolic(key, ref, value):
    return (f'<ANNOTATION><REF_ANNOTATION ANNOTATION_ID="{key}" ANNOTATION_REF="{ref}"><ANNOTATION_VALUE>{value}'
            "</ANNOTATION_VALUE></REF_ANNOTATION></ANNOTATION>")


def aligned(key, start, end, value):
    return (f'<ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="{key}" TIME_SLOT_REF1="{start}" TIME_SLOT_REF2="{end}">'
            f"<ANNOTATION_VALUE>{value}</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION>")


def test_elan_code_tiers_are_codings(write, tmp_path):
    # a coder's tier under the participant's tags annotations with codes (ELAN's symbolic
    # association); a tier of themes aligned in time codes the speech it overlaps
    eaf = with_tiers(
        '<TIER ANNOTATOR="Anna" LINGUISTIC_TYPE_REF="code-lt" PARENT_REF="P07 speech" TIER_ID="Codes@P07">',
        symbolic("c1", "a4", "Non-stigmatizing attitude; ask P about the ward"), symbolic("c2", "a2", "  "), "</TIER>",
        '<TIER LINGUISTIC_TYPE_REF="default-lt" TIER_ID="Themes">', aligned("t1", "ts3", "ts6", "beyond routine"),
        "</TIER>")
    path = write("talk/P07.eaf", eaf)
    result = read_file(path)
    text = result.interviews[0].text
    diagnosis, suppose = text.index("She never"), text.index("It was")
    assert result.comment_codings == [
        Coding("P07", diagnosis, text.index("rare.") + 5, "Non-stigmatizing attitude", "Anna"),
        Coding("P07", diagnosis, text.index("rare.") + 5, "ask P about the ward", "Anna"),
        # 4.8 to 10.25 s: both of the participant's annotations (the second starts at 9.1),
        # not the "mm" that starts as the span ends
        Coding("P07", suppose, text.index("rare.") + 5, "beyond routine", "J. Doe"),
    ]
    assert not any("Codes" in w or "Themes" in w for w in result.warnings)
    write("talk/codebook.yaml", "codes:\n  - name: non_stigmatizing_attitude\n  - name: beyond_routine\n")
    corpus = load_corpus([tmp_path / "talk"], codebook=tmp_path / "talk" / "codebook.yaml")
    assert sorted((c.code, c.coder) for c in corpus.codings) == [
        ("beyond_routine", "J. Doe"), ("non_stigmatizing_attitude", "Anna")]
    assert any("left out as memos (e.g. 'ask P about the ward')" in w for w in corpus.warnings)


def test_two_coders_tiers_side_by_side_are_two_coders(write):
    # ELAN compares annotators on two tiers under one parent; with no ANNOTATOR, their names tell them apart
    eaf = with_tiers(
        '<TIER LINGUISTIC_TYPE_REF="code-lt" PARENT_REF="P07 speech" TIER_ID="codes Anna">',
        symbolic("c1", "a4", "stigma"), "</TIER>",
        '<TIER LINGUISTIC_TYPE_REF="code-lt" PARENT_REF="P07 speech" TIER_ID="codes Ben">',
        symbolic("c2", "a4", "stigma"), symbolic("c3", "a2", "routine"), "</TIER>",
        # one coder's tier under each speaker's is one coder: the document's author
        '<TIER LINGUISTIC_TYPE_REF="code-lt" PARENT_REF="INT" TIER_ID="codes INT">', symbolic("c4", "a1", "question"),
        "</TIER>")
    codings = read_file(write("P07.eaf", eaf)).comment_codings
    assert sorted((c.code, c.coder) for c in codings) == [
        ("question", "J. Doe"), ("routine", "codes Ben"), ("stigma", "codes Anna"), ("stigma", "codes Ben")]


def test_one_elan_tier_with_speaker_labels(write):
    # a whole transcript on ELAN's default tier, each annotation starting with its speaker's label
    eaf = EAF.replace("So, um,", "I: So, um,").replace("It was,", "P: It was,").replace("She never", "P: She never")
    eaf = eaf.replace(' PARTICIPANT="P07" TIER_ID="P07 speech"', ' TIER_ID="P07 speech" PARENT_REF="INT"')
    eaf = eaf.replace('PARTICIPANT="Interviewer" TIER_ID="INT"', 'TIER_ID="default"').replace(">mm<", ">P: mm<")
    eaf = eaf.replace(">And the nurse?<", ">I: And the nurse?<")
    interview = read_file(write("P07.eaf", eaf)).interviews[0]
    assert [(t.speaker, t.role, interview.text[t.start:t.end]) for t in interview.turns] == [
        ("I", "interviewer", "So, um, how was the ward?"), ("P", "participant", "mm"),
        ("I", "interviewer", "And the nurse?")]


def test_transcriber_transcript(write):
    result = read_file(write("p07.trs", TRS.encode("latin-1")))
    interview = result.interviews[0]
    assert interview.format == "trs" and interview.metadata == {"media": "p07", "scribe": "jdoe"}
    assert turns(interview) == [
        ("Interviewer", "interviewer", "So, um, how was the ward?", 0.0),
        ("Ren\u00e9e", "participant", "It was, you know, fine I suppose. She never made me feel like a diagnosis.", 4.3),
        ("Interviewer", "interviewer", "And the nurse?", 12.2),
        ("Ren\u00e9e", "participant", "Caf\u00e9 every week with her.", 12.2),
    ]
    assert (interview.text.index("She never"), 8.75) in interview.times


@pytest.mark.parametrize(("name", "content", "code", "says"), [
    ("a.eaf", b"", "E101", "empty"),
    ("a.eaf", bytes(range(256)) * 4, "E110", "not a valid .eaf (XML syntax error"),
    ("a.eaf", b'<!DOCTYPE d [<!ENTITY x "lol">]><ANNOTATION_DOCUMENT>&x;</ANNOTATION_DOCUMENT>', "E110",
     "declares entities"),
    ("a.eaf", b"<html><body>I: hi</body></html>", "E127", "its root element is <html>"),
    ("a.eaf", b"<ANNOTATION_DOCUMENT><TIME_ORDER/></ANNOTATION_DOCUMENT>", "E127", "it has no tiers"),
    ("a.eaf", EAF.replace("PARTICIPANT=", "LINGUISTIC_TYPE_REF2=").replace('"default-lt"', '"comment"').encode(),
     "E127", "(tiers left out as not speech: 'INT', 'P07 speech', 'Transcriber notes')"),
    ("a.trs", TRS.replace('startTime="4.3"', 'startTime="4,3"').encode("latin-1"), "E128",
     "a turn's startTime is '4,3', not a number of seconds"),
    ("a.trs", b"<Trans><Episode><Section><Turn speaker='s'> </Turn></Section></Episode></Trans>", "E128",
     "none of its turns holds any text"),
    ("a.trs", b"<TEI><text>I: hi</text></TEI>", "E128", "its root element is <TEI>"),
    ("a.trs", b"<Trans>", "E110", "not a valid .trs (XML syntax error"),
])
def test_broken_annotation_files_fail_saying_why(write, name, content, code, says):
    with pytest.raises(InputError) as info:
        read_file(write(name, content))
    assert info.value.code == code and says in str(info.value) and name in str(info.value)


def test_a_folder_of_elan_files(write, tmp_path):
    # ELAN keeps its settings for P07.eaf in P07.pfsx beside it: no warning for that
    write("talk/P07.eaf", EAF)
    write("talk/P07.pfsx", "<preferences/>")
    write("talk/p08.trs", TRS.encode("latin-1"))
    corpus = load_corpus([tmp_path / "talk"])
    assert [iv.id for iv in corpus.interviews] == ["P07", "p08"] and not corpus.failures
    assert not any("pfsx" in warning for warning in corpus.warnings)


def turns_said(name):
    """A demo interview and its turns as (speaker, text on one line)."""
    want = read_file(DEMO / "interviews" / name).interviews[0]
    return want, [(t.speaker, " ".join(want.text[t.start:t.end].split())) for t in want.turns]


def demo_as_eaf(name, path):
    """Write a demo interview as an ELAN file: each turn an annotation on its speaker's tier, a second apart."""
    _, said = turns_said(name)
    tiers = {speaker: [] for speaker, _ in said}
    slots = []
    for k, (speaker, text) in enumerate(said):
        slots.append(f'<TIME_SLOT TIME_SLOT_ID="s{k}" TIME_VALUE="{1000 * k}"/>')
        tiers[speaker].append(f'<ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a{k}" TIME_SLOT_REF1="s{k}" '
                              f'TIME_SLOT_REF2="s{k}"><ANNOTATION_VALUE>{escape(text)}</ANNOTATION_VALUE>'
                              "</ALIGNABLE_ANNOTATION></ANNOTATION>")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("<ANNOTATION_DOCUMENT><TIME_ORDER>" + "".join(slots) + "</TIME_ORDER>" + "".join(
        f"<TIER TIER_ID={quoteattr(s)}>{''.join(a)}</TIER>" for s, a in tiers.items()) + "</ANNOTATION_DOCUMENT>")
    return path


@pytest.mark.parametrize("name", ["demo01.txt", "demo05.md"])
def test_a_demo_transcript_as_elan_and_transcriber_files_reads_as_its_text_does(tmp_path, name):
    # each turn an annotation on its speaker's tier, and a turn of its speaker in Transcriber
    want, said = turns_said(name)
    eaf = demo_as_eaf(name, tmp_path / "demo.eaf")
    ids = {speaker: f"spk{n}" for n, speaker in enumerate(dict.fromkeys(s for s, _ in said))}
    trs = tmp_path / "demo.trs"
    trs.write_text("<Trans><Speakers>" + "".join(f"<Speaker id='{i}' name={quoteattr(s)}/>" for s, i in ids.items())
                   + "</Speakers><Episode><Section>" + "".join(
                       f"<Turn speaker='{ids[s]}' startTime='{k}'>{escape(t)}</Turn>" for k, (s, t) in enumerate(said))
                   + "</Section></Episode></Trans>")
    for path in (eaf, trs):
        got = read_file(path).interviews[0]
        assert [(t.speaker, t.role, got.text[t.start:t.end]) for t in got.turns] == [
            (s, t.role, text) for (s, text), t in zip(said, want.turns)]


@pytest.mark.parametrize("odd", ["\u00b2", "9" * 5000])
def test_an_elan_file_whose_last_used_id_is_no_number_is_written_back(write, tmp_path, odd):
    # the header's last used annotation id, a superscript digit or 5,000 digits, stopped the
    # export with ValueError; and either, in a time slot, stopped the reading
    from tr_nlp.export.annotate import write_word_folder

    last = '<PROPERTY NAME="lastUsedAnnotationId">9</PROPERTY>'
    assert last in EAF and 'TIME_VALUE="1200"' in EAF
    source = write("talk/P07.eaf", EAF.replace(last, last.replace(">9<", f">{odd}<")).replace(
        'TIME_VALUE="1200"', f'TIME_VALUE="{odd}"'))
    interview = read_file(source).interviews[0]
    at = interview.text.index("And the nurse?")
    how = write_word_folder(tmp_path / "out", [interview], [Coding("P07", at, at + 14, "continuity", "Ben")], [])
    assert how == {"P07": "own ELAN file"}
    root = ET.parse(tmp_path / "out" / "P07.eaf").getroot()
    ids = [a.get("ANNOTATION_ID") for a in root.iter() if a.get("ANNOTATION_ID")]
    assert len(ids) == len(set(ids))
    assert root.find("HEADER/PROPERTY[@NAME='lastUsedAnnotationId']").text == str(max(int(i[1:]) for i in ids))
    assert [c.code for c in read_file(tmp_path / "out" / "P07.eaf").comment_codings] == ["continuity"]


def test_an_elan_file_is_written_back_with_tiers_of_codes(write, tmp_path):
    # a model's suggestions and a coder's codings from elsewhere go on tiers of their own in a
    # copy of the team's .eaf; what its own code tier holds is not written again
    from tr_nlp.export.annotate import write_word_folder
    from tr_nlp.export.qdpx import MachineCoding, MachineLayer

    source = write("talk/P07.eaf", with_tiers(
        '<TIER ANNOTATOR="Anna" LINGUISTIC_TYPE_REF="code-lt" PARENT_REF="P07 speech" TIER_ID="Codes@P07">',
        symbolic("c1", "a4", "non_stigmatizing_attitude"), "</TIER>"))
    read = read_file(source)
    interview, text = read.interviews[0], read.interviews[0].text
    at = text.index("She never")
    held = read.comment_codings[0]  # Anna's, on a4's text
    model = "tr_nlp model m 1"
    layer = MachineLayer(model, (
        MachineCoding("P07", at, at + 9, "non_stigmatizing_attitude", "non_stigmatizing_attitude: p=0.65"),
        MachineCoding("P07", at + 10, at + 20, "non_stigmatizing_attitude", "non_stigmatizing_attitude: p=0.91"),
        MachineCoding("P07", 8, 14, "beyond_routine", "beyond_routine: p=0.70"),  # "So, um"
        # from the participant's first annotation into the second: it tags both
        MachineCoding("P07", text.index("fine I"), at + 5, "care", "care: p=0.55")))
    codings = [held, Coding("P07", text.index("And the"), text.index("nurse?"), "continuity", "Ben")]
    how = write_word_folder(tmp_path / "out", [interview], codings, [layer])
    assert how == {"P07": "own ELAN file"} and sorted(p.name for p in (tmp_path / "out").iterdir()) == ["P07.eaf"]
    copy = read_file(tmp_path / "out" / "P07.eaf")
    assert copy.interviews[0].text == text and copy.interviews[0].turns == interview.turns
    by_coder = {}
    for coding in copy.comment_codings:
        by_coder.setdefault(coding.coder, []).append((text[coding.start:coding.end], coding.code))
    assert by_coder["Anna"] == [(text[held.start:held.end], "non_stigmatizing_attitude")]  # once, not twice
    assert by_coder["Ben"] == [("And the nurse?", "continuity")]  # the whole annotation it falls in
    assert sorted(by_coder[model]) == [  # the strongest of two suggestions of a code on one annotation
        ("It was, you know, fine I suppose.", "care: p=0.55"),
        ("She never made me feel like a diagnosis & that's rare.", "care: p=0.55"),
        ("She never made me feel like a diagnosis & that's rare.", "non_stigmatizing_attitude: p=0.91"),
        ("So, um, how was the ward?", "beyond_routine: p=0.70")]
    root = ET.parse(tmp_path / "out" / "P07.eaf").getroot()
    ids = [a.get("ANNOTATION_ID") for a in root.iter() if a.get("ANNOTATION_ID")]
    assert len(ids) == len(set(ids))  # each annotation its own id, and the header knows the last
    assert root.find("HEADER/PROPERTY[@NAME='lastUsedAnnotationId']").text == str(max(int(i[1:]) for i in ids))
    assert [(t.get("TIER_ID"), t.get("PARENT_REF")) for t in root.findall("TIER")][-3:] == [
        ("tr_nlp model m 1 codes@INT", "INT"), ("tr_nlp model m 1 codes@P07 speech", "P07 speech"),
        ("Ben codes@INT", "INT")]
    assert root.find("LINGUISTIC_TYPE[@LINGUISTIC_TYPE_ID='tr_nlp codes']").get("CONSTRAINTS") == "Symbolic_Association"
    # read as a corpus, the copy gives Anna's and Ben's codings, and none of the model's
    corpus = load_corpus([tmp_path / "out"])
    assert sorted((c.code, c.coder) for c in corpus.codings) == [
        ("continuity", "Ben"), ("non_stigmatizing_attitude", "Anna")]
    assert any("copy it to a code tier of your own (ELAN)" in w for w in corpus.warnings)


def test_codes_whose_names_hold_a_colon_on_one_annotation_all_come_back(write, tmp_path):
    # two codes sharing the words before a colon were taken for one, and only the first was written
    # (found by a randomised round trip of .eaf copies)
    from tr_nlp.export.annotate import write_word_folder
    from tr_nlp.export.qdpx import MachineCoding, MachineLayer

    read = read_file(write("talk/P07.eaf", EAF))
    interview, text = read.interviews[0], read.interviews[0].text
    at = text.index("She never")
    model = "tr_nlp model m 1"
    layer = MachineLayer(model, (MachineCoding("P07", at, at + 9, "Support: warmth", "Support: warmth: p=0.80"),
                                 MachineCoding("P07", at, at + 9, "Support: trust", "Support: trust: p=0.60"),
                                 MachineCoding("P07", at, at + 5, "Support: trust", "Support: trust: p=0.70")))
    codings = [Coding("P07", at, at + 9, name, "Ben") for name in ("Attitude: stigmatizing", "Attitude: warm")]
    write_word_folder(tmp_path / "out", [interview], codings, [layer])
    copy = read_file(tmp_path / "out" / "P07.eaf")
    assert sorted((c.coder, c.code) for c in copy.comment_codings) == [
        ("Ben", "Attitude: stigmatizing"), ("Ben", "Attitude: warm"),
        (model, "Support: trust: p=0.70"), (model, "Support: warmth: p=0.80")]


def random_eaf(rng) -> str:
    """An .eaf of one to three speakers' tiers of annotations at random times (some slots
    unaligned), their values words of many scripts, ampersands and line breaks."""
    words = ["the", "nurse", "stayed", "Très", "ça", "😀", "&", "<b>", "um", "mm", "naïve", "x\u0301", "日本", "—", "yeah?"]
    slots, tiers, n = [], [], 0
    for speaker in rng.sample(["INT", "P07", "Dana", "René"], rng.randint(1, 3)):
        annotations = []
        for _ in range(rng.randint(1, 6)):
            n += 1
            start, end = sorted(rng.sample(range(30000), 2))
            time = "" if rng.random() < 0.1 else f' TIME_VALUE="{start}"'
            slots += [f'<TIME_SLOT TIME_SLOT_ID="ts{2 * n - 1}"{time}/>', f'<TIME_SLOT TIME_SLOT_ID="ts{2 * n}" TIME_VALUE="{end}"/>']
            value = " ".join(rng.choices(words, k=rng.randint(1, 12)))
            annotations.append(f'<ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a{n}" TIME_SLOT_REF1="ts{2 * n - 1}" '
                               f'TIME_SLOT_REF2="ts{2 * n}"><ANNOTATION_VALUE>{escape(value)}</ANNOTATION_VALUE>'
                               "</ALIGNABLE_ANNOTATION></ANNOTATION>")
        tiers.append(f'<TIER LINGUISTIC_TYPE_REF="default-lt" PARTICIPANT={quoteattr(speaker)} '
                     f'TIER_ID={quoteattr(speaker + " speech")}>{"".join(annotations)}</TIER>')
    return ('<?xml version="1.0" encoding="UTF-8"?><ANNOTATION_DOCUMENT AUTHOR="" FORMAT="3.0" VERSION="3.0"><HEADER '
            f'MEDIA_FILE="" TIME_UNITS="milliseconds"/><TIME_ORDER>{"".join(slots)}</TIME_ORDER>{"".join(tiers)}'
            '<LINGUISTIC_TYPE GRAPHIC_REFERENCES="false" LINGUISTIC_TYPE_ID="default-lt" TIME_ALIGNABLE="true"/>'
            "</ANNOTATION_DOCUMENT>")


def test_code_tiers_added_to_elan_files_of_any_shape_read_back_on_the_annotations_they_tag(write, tmp_path):
    # a coding or suggestion tags each speech annotation it touches; read back, each tag codes that annotation's
    # text, the coder's as its code, the model's as its note (a randomised round trip like this one found codes
    # sharing the words before a colon taken for one)
    from tr_nlp.export.annotate import write_word_folder
    from tr_nlp.export.qdpx import MachineCoding, MachineLayer
    from tr_nlp.ingest.elan import read_layout

    rng = random.Random(3)
    codes = ["care", "beyond routine", "Théme", "Attitude: warm", "Attitude: cold", "x_y"]
    model = "tr_nlp model m 1"
    for trial in range(100):
        layout = read_layout(write(f"t{trial}/P07.eaf", random_eaf(rng)))
        interview, text = layout.result.interviews[0], layout.result.interviews[0].text
        spans = [(a, rng.randint(a + 1, len(text))) for a in rng.choices(range(len(text)), k=rng.randint(0, 10))]
        codings = [Coding("P07", a, b, rng.choice(codes), rng.choice(["Ben", "Cleo"])) for a, b in spans[::2]]
        machine = [MachineCoding("P07", a, b, code, f"{code}: p=0.{rng.randint(10, 99)}")
                   for (a, b), code in zip(spans[1::2], rng.choices(codes, k=len(spans[1::2])), strict=True)]
        out = tmp_path / f"out{trial}"
        assert write_word_folder(out, [interview], codings, [MachineLayer(model, tuple(machine))]) == {
            "P07": "own ELAN file"}
        back = read_file(out / "P07.eaf")
        assert back.interviews[0].text == text and back.interviews[0].turns == interview.turns
        tagged = sorted(layout.spans.values())
        expected = {(s, e, c.code, c.coder) for c in codings for s, e in tagged if e > c.start and s < c.end}
        expected |= {(s, e, m.code, model) for m in machine for s, e in tagged if e > m.start and s < m.end}
        found = {(c.start, c.end, c.code.split(": p=")[0] if c.coder == model else c.code, c.coder)
                 for c in back.comment_codings}
        assert found == expected, trial


def test_an_elan_file_changed_since_it_was_read_is_written_as_a_word_document(write, tmp_path):
    from tr_nlp.export.annotate import write_word_folder

    source = write("talk/P07.eaf", EAF)
    interview = read_file(source).interviews[0]
    source.write_text(EAF.replace("how was the ward", "how was the clinic"))
    assert write_word_folder(tmp_path / "out", [interview]) == {"P07": "written"}
    assert read_file(tmp_path / "out" / "P07.docx").interviews[0].text == interview.text


def test_next_marks_passages_on_elan_tiers_and_reads_them_back_as_read(demo_coded, tmp_path):
    # a team that codes in ELAN gets tr-nlp next's list as tiers in copies of its files
    from typer.testing import CliRunner

    from tr_nlp.cli import app
    from tr_nlp.coding import save_model, train_model

    corpus, data = demo_coded
    model = save_model(train_model(data, features="tfidf", corpus=corpus, name="elan-test"), tmp_path / "model")
    for name in ("demo15.txt", "demo16.docx"):
        demo_as_eaf(name, tmp_path / "talk" / f"{name.split('.')[0]}.eaf")
    result = CliRunner().invoke(app, ["next", "--corpus", str(tmp_path / "talk"), "--model", str(model), "-n", "3",
                                      "-o", str(tmp_path / "round1")])
    assert result.exit_code == 0, result.output
    said = " ".join(result.stderr.split())
    assert "code the marked passages in ELAN, on a code tier of your own" in said and "in Word" not in said
    assert sorted(p.name for p in (tmp_path / "round1").glob("*.eaf")) == ["demo15.eaf", "demo16.eaf"]
    back = load_corpus([tmp_path / "round1"])
    assert len(back.reviewed) == 3 and {r.coder for r in back.reviewed} == {None} and not back.codings
    # and tr-nlp code writes its suggestions the same way, saying how to take one up in ELAN
    coded = CliRunner().invoke(app, ["code", str(tmp_path / "talk"), "--model", str(model), "-o", str(tmp_path / "c")])
    assert coded.exit_code == 0, coded.output
    assert "2 ELAN file(s)" in coded.stdout and "on tiers; all 2 in a copy of their own .eaf" in coded.stdout
    assert "copy each suggestion you agree with to a code tier of your own in ELAN" in " ".join(coded.stderr.split())
    # beside a text file, which is written as a Word document: both ways are told
    (tmp_path / "talk" / "demo18.txt").write_bytes((DEMO / "interviews" / "demo18.txt").read_bytes())
    mixed = CliRunner().invoke(app, ["code", str(tmp_path / "talk"), "--model", str(model), "-o", str(tmp_path / "m")])
    assert mixed.exit_code == 0, mixed.output
    assert "3 document(s)" in mixed.stdout and "as comments and on tiers; 2 in a copy of their own .eaf" in mixed.stdout
    told = " ".join(mixed.stderr.split())
    assert "comment in Word; copy each suggestion you agree with to a code tier of your own in ELAN" in told


def test_batch_writes_the_suggestions_into_copies_of_elan_files_and_resumes(demo_coded, tmp_path):
    from tr_nlp.batch import run_batch
    from tr_nlp.coding import save_model, train_model

    corpus, data = demo_coded
    model = save_model(train_model(data, features="tfidf", corpus=corpus, name="elan-test"), tmp_path / "model")
    demo_as_eaf("demo15.txt", tmp_path / "talk" / "demo15.eaf")
    (tmp_path / "talk" / "demo18.txt").write_bytes((DEMO / "interviews" / "demo18.txt").read_bytes())
    out = tmp_path / "out"
    assert run_batch([tmp_path / "talk"], model, out, word=True).coded == 2
    word = out / "word"
    assert sorted(p.suffix for p in word.iterdir() if p.stem.startswith("demo")) == [".docx", ".eaf"]
    copy = read_file(word / "demo15.eaf")
    assert copy.interviews[0].text == read_file(tmp_path / "talk" / "demo15.eaf").interviews[0].text
    assert copy.comment_codings and all(c.coder.startswith("tr_nlp model elan-test") for c in copy.comment_codings)
    (word / "demo15.eaf").unlink()  # deleted: written again from the stored suggestions, nothing coded again
    again = run_batch([tmp_path / "talk"], model, out, word=True)
    assert (again.coded, again.documents) == (0, 1) and (word / "demo15.eaf").is_file()
    assert not (word / "demo15.docx").exists()
    assert run_batch([tmp_path / "talk"], model, out).coded == 0  # without word, the copies are kept


def test_a_long_recording_with_a_time_aligned_code_per_annotation_reads_in_time(write):
    # each code annotation was checked against every annotation: 20,000 of each took minutes
    from conftest import at_most

    n = 20_000
    slots = "".join(f'<TIME_SLOT TIME_SLOT_ID="ts{i}" TIME_VALUE="{i * 500}"/>' for i in range(n + 1))
    said = "".join(f'<ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a{i}" TIME_SLOT_REF1="ts{i}" '
                   f'TIME_SLOT_REF2="ts{i + 1}"><ANNOTATION_VALUE>word{i}</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION>'
                   '</ANNOTATION>' for i in range(n))
    coded = said.replace('ANNOTATION_ID="a', 'ANNOTATION_ID="c').replace(">word", ">warmth ")
    path = write("long.eaf", f'<ANNOTATION_DOCUMENT><HEADER/><TIME_ORDER>{slots}</TIME_ORDER>'
                             f'<TIER TIER_ID="P07" LINGUISTIC_TYPE_REF="default-lt">{said}</TIER>'
                             f'<TIER TIER_ID="codes" LINGUISTIC_TYPE_REF="default-lt">{coded}</TIER>'
                             '<LINGUISTIC_TYPE LINGUISTIC_TYPE_ID="default-lt" TIME_ALIGNABLE="true"/>'
                             '</ANNOTATION_DOCUMENT>')
    with at_most(30):
        result = read_file(path)
    text = result.interviews[0].text
    last = result.comment_codings[-1]
    assert len(result.comment_codings) == n and text[last.start:last.end] == f"word{n - 1}"
