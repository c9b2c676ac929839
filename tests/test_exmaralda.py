"""Transcripts from EXMARaLDA's Partitur-Editor (.exb): a time line and tiers of events."""

import pytest

from conftest import DEMO
from tr_nlp.errors import InputError
from tr_nlp.ingest import load_corpus, read_file

# as the Partitur-Editor saves it: events of a phrase each, some points of the time line
# without a time (T2, T5), the participant's "mhm" overlapping the interviewer, and a tier
# describing what the participant does (not speech)
EXB = """<?xml version="1.0" encoding="UTF-8"?>
<basic-transcription>
<head>
<meta-information>
<project-name>Crisis care</project-name>
<transcription-name>P07</transcription-name>
<referenced-file url="file:/C:/Users/jo/Recordings/P07.wav"/>
<ud-meta-information/>
<comment/>
<transcription-convention>GAT 2</transcription-convention>
</meta-information>
<speakertable>
<speaker id="SPK0"><abbreviation>INT</abbreviation><sex value="f"/><languages-used/><l1/><l2/>
<ud-speaker-information/><comment/></speaker>
<speaker id="SPK1"><abbreviation>P07</abbreviation><sex value="m"/><languages-used/><l1/><l2/>
<ud-speaker-information/><comment/></speaker>
</speakertable>
</head>
<basic-body>
<common-timeline>
<tli id="T0" time="0.0"/>
<tli id="T1" time="1.7"/>
<tli id="T2"/>
<tli id="T3" time="4.25"/>
<tli id="T4" time="6.0"/>
<tli id="T5"/>
<tli id="T6" time="9.5"/>
<tli id="T7" time="11.0"/>
</common-timeline>
<tier id="TIE0" speaker="SPK0" category="v" type="t" display-name="INT [v]">
<event start="T0" end="T1">so how was </event>
<event start="T1" end="T2">the WARD? </event>
<event start="T6" end="T7">and the NURSE? </event>
</tier>
<tier id="TIE1" speaker="SPK1" category="v" type="t" display-name="P07 [v]">
<event start="T2" end="T3">mhm </event>
<event start="T3" end="T4">it was (.) you know </event>
<event start="T4" end="T5">fine i suppose </event>
<event start="T5" end="T6">she never judged me. </event>
</tier>
<tier id="TIE2" speaker="SPK1" category="nv" type="d" display-name="P07 [nv]">
<event start="T3" end="T4">((laughs))</event>
</tier>
</basic-body>
</basic-transcription>
"""


def test_exmaralda_transcription(write):
    result = read_file(write("P07.exb", EXB))
    interview = result.interviews[0]
    assert interview.format == "exb" and interview.metadata == {"title": "P07", "media": "P07.wav"}
    assert [(t.speaker, t.role, interview.text[t.start:t.end], t.timestamp) for t in interview.turns] == [
        ("INT", "interviewer", "so how was the WARD?", 0.0),
        ("P07", "participant", "mhm it was (.) you know fine i suppose she never judged me.", 1.7),
        ("INT", "interviewer", "and the NURSE?", 9.5),
    ]
    # the events at points with a time start cues of their own, with that time
    text = interview.text
    assert interview.times == ((text.index("the WARD"), 1.7), (text.index("it was"), 4.25),
                               (text.index("fine i"), 6.0))
    assert "laughs" not in text


@pytest.mark.parametrize(("content", "code", "says"), [
    (b"", "E101", "empty"),
    (b"<basic-transcription><basic-body>", "E110", "not a valid .exb (XML syntax error"),
    (b"<folker-transcription/>", "E129", "its root element is <folker-transcription>"),
    (EXB.replace('type="t"', 'type="a"').encode(), "E129", "none of its transcription tiers holds an event with text"),
])
def test_broken_exmaralda_files_fail_saying_why(write, content, code, says):
    with pytest.raises(InputError) as info:
        read_file(write("P07.exb", content))
    assert info.value.code == code and says in str(info.value)


def test_a_demo_transcript_as_an_exmaralda_file_reads_as_its_text_does(tmp_path):
    want = read_file(DEMO / "interviews" / "demo06.txt").interviews[0]
    said = [(t.speaker, " ".join(want.text[t.start:t.end].split())) for t in want.turns]
    speakers = list(dict.fromkeys(s for s, _ in said))
    points = "".join(f'<tli id="T{k}" time="{2.5 * k}"/>' for k in range(len(said) + 1))
    tiers = "".join(
        f'<tier id="TIE{n}" speaker="SPK{n}" category="v" type="t">'
        + "".join(f'<event start="T{k}" end="T{k + 1}">{text.replace("&", "&amp;").replace("<", "&lt;")} </event>'
                  for k, (s, text) in enumerate(said) if s == speaker) + "</tier>"
        for n, speaker in enumerate(speakers))
    table = "".join(f'<speaker id="SPK{n}"><abbreviation>{s}</abbreviation></speaker>' for n, s in enumerate(speakers))
    path = tmp_path / "demo06.exb"
    path.write_text(f"<basic-transcription><head><speakertable>{table}</speakertable></head><basic-body>"
                    f"<common-timeline>{points}</common-timeline>{tiers}</basic-body></basic-transcription>")
    got = read_file(path).interviews[0]
    assert [(t.speaker, t.role, got.text[t.start:t.end]) for t in got.turns] == [
        (s, t.role, text) for (s, text), t in zip(said, want.turns)]


def test_code_tiers_code_their_speakers_speech_they_overlap(write):
    # an annotation tier of codes under the participant (category "code"), two coders' tiers of themes, and a
    # code tier of no speaker coding the interviewer's question and the answer
    codes = """<tier id="TIE3" speaker="SPK1" category="code" type="a" display-name="P07 [code]">
<event start="T5" end="T6">Non-stigmatizing attitude</event>
<event start="T2" end="T3">Emotional climate; continuity</event>
</tier>
<tier id="TIE4" speaker="SPK1" category="theme" type="a" display-name="anna">
<event start="T3" end="T6">beyond_routine</event>
</tier>
<tier id="TIE5" category="codes" type="a" display-name="codes">
<event start="T1" end="T3">emotional_climate</event>
</tier>
</basic-body>"""
    result = read_file(write("P07.exb", EXB.replace("</basic-body>", codes)))
    text = result.interviews[0].text
    found = [(text[c.start:c.end], c.code, c.coder) for c in result.comment_codings]
    assert found == [
        ("she never judged me.", "Non-stigmatizing attitude", "P07 [code]"),
        ("mhm", "Emotional climate", "P07 [code]"), ("mhm", "continuity", "P07 [code]"),
        ("it was (.) you know fine i suppose she never judged me.", "beyond_routine", "anna"),
        # T1-T3: the interviewer's "the WARD?" and the participant's "mhm", with what lies between
        (text[text.index("the WARD?"):text.index("mhm") + 3], "emotional_climate", "P07")]


def test_exmaralda_codings_reach_the_corpus_matched_to_the_codebook(write, tmp_path):
    codes = ('<tier id="TIE3" speaker="SPK1" category="code" type="a" display-name="P07 [code]">'
             '<event start="T3" end="T6">Beyond routine</event></tier></basic-body>')
    write("P07.exb", EXB.replace("</basic-body>", codes))
    (tmp_path / "codebook.yaml").write_text("codes:\n  - name: beyond_routine\n", encoding="utf-8")
    corpus = load_corpus([tmp_path / "P07.exb"], codebook=tmp_path / "codebook.yaml")
    assert [(c.code, c.coder) for c in corpus.codings] == [("beyond_routine", "P07")]
    # a tier its coder named is theirs, alone under its speaker too
    write("P07.exb", EXB.replace("</basic-body>", codes.replace('display-name="P07 [code]"', 'display-name="Ben"')))
    corpus = load_corpus([tmp_path / "P07.exb"], codebook=tmp_path / "codebook.yaml")
    assert [(c.code, c.coder) for c in corpus.codings] == [("beyond_routine", "Ben")]


def test_a_long_transcription_with_a_code_per_event_reads_in_time(write):
    # each code event was checked against every speech event: 20,000 of each took minutes
    from conftest import at_most

    n = 20_000
    timeline = "".join(f'<tli id="T{i}" time="{i / 2}"/>' for i in range(n + 1))
    said = "".join(f'<event start="T{i}" end="T{i + 1}">word{i} </event>' for i in range(n))
    coded = "".join(f'<event start="T{i}" end="T{i + 1}">warmth</event>' for i in range(n))
    path = write("long.exb", f'<basic-transcription><basic-body><common-timeline>{timeline}</common-timeline>'
                             f'<tier id="A" speaker="S" type="t">{said}</tier>'
                             f'<tier id="B" speaker="S" category="code" type="a">{coded}</tier></basic-body>'
                             '</basic-transcription>')
    with at_most(30):
        result = read_file(path)
    text = result.interviews[0].text
    assert len(result.comment_codings) == n and text[result.comment_codings[-1].start:].startswith(f"word{n - 1}")
