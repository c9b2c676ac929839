"""Transcripts kept as web pages (.html): noScribe's, Word's and Google Docs' pages, tables, errors."""

import json
import re
from html import escape

import pytest

from conftest import DEMO
from tr_nlp.errors import InputError
from tr_nlp.ingest import load_corpus, read_file

NOSCRIBE = """<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.0//EN" "http://www.w3.org/TR/REC-html40/strict.dtd">
<html><head><meta name="qrichtext" content="1" /><meta charset="UTF-8" />
<style type="text/css">p, li { white-space: pre-wrap; }</style></head>
<body style=" font-family:'Arial'; font-size:12pt;">
<p style="font-weight:600;">interview 07</p>
<p style="color:#909090; font-size:8pt;">(Transcribed by noScribe vers. 0.6.2. Audio source: interview 07.mp3)</p>
<p><a name="ts_0_5120_S00">S00: So, um, thanks for coming.</a><a name="ts_5120_9000_S00"> How was the ward?</a></p>
<p><a name="ts_9500_15000_S01">S01: It was, um,
   fine I suppose (..) you know.</a></p>
<p><a name="ts_15000_16000_S00">S00: Mm-hm.</a></p>
<p><a name="ts_16500_21000_S01">S01: She never made me feel like a diagnosis &amp; that&#8217;s rare.</a></p>
</body></html>
"""


def turns(interview):
    return [(t.speaker, t.role, interview.text[t.start:t.end], t.timestamp) for t in interview.turns]


def test_noscribe_page(write):
    # noScribe keeps its transcripts as HTML: "S00:" paragraphs, each stretch of speech in an
    # anchor that names its time (ms). Web pages were not read at all (E104)
    interview = read_file(write("interview 07.html", NOSCRIBE)).interviews[0]
    assert interview.id == "interview 07" and interview.format == "html"
    assert [t[:3] for t in turns(interview)] == [
        ("S00", "interviewer", "So, um, thanks for coming. How was the ward?"),
        ("S01", "participant", "It was, um, fine I suppose (..) you know."),
        ("S00", "interviewer", "Mm-hm."),
        ("S01", "participant", "She never made me feel like a diagnosis & that\u2019s rare.")]
    assert interview.text.startswith("interview 07\n(Transcribed by noScribe")  # the title lines are no turn
    # each anchor's time, where its text starts
    assert interview.times == tuple((interview.text.index(said), seconds) for said, seconds in [
        ("S00: So", 0.0), ("How was", 5.12), ("S01: It", 9.5), ("S00: Mm", 15.0), ("S01: She", 16.5)])


WORD = """<html xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:w="urn:schemas-microsoft-com:office:word">
<head><meta http-equiv=Content-Type content="text/html; charset=windows-1252">
<meta name=Generator content="Microsoft Word 15 (filtered)">
<title>Interview P07</title><meta name="author" content="Jo Bloggs">
<style><!-- p.MsoNormal {margin:0cm; font-family:"Calibri"} --></style>
<!--[if gte mso 9]><xml><w:WordDocument><w:View>Print</w:View></w:WordDocument></xml><![endif]-->
<script>document.write("no")</script></head>
<body lang=EN-GB><div class=WordSection1>
<p class=MsoNormal><b><span>Interviewer</span></b><span> What helped, would you say?<o:p></o:p></span></p>
<p class=MsoNormal><o:p>&nbsp;</o:p></p>
<p class=MsoNormal><b>P07</b> Karen did. She didn\x92t treat me like a case.</p>
<p class=MsoNormal>And she rang on her day off.</p>
<p class=MsoNormal><b>Interviewer</b> Right.</p>
<p class=MsoNormal><b>P07</b> Yeah.</p>
</div></body></html>
"""


def test_word_web_page_in_windows_1252(write):
    # Word's "Save as Web Page": labels in bold without a colon, its empty paragraphs, conditional
    # comments and the code page it declares
    result = read_file(write("p07.htm", WORD.encode("latin-1").replace(b"\\x92", b"\x92")))
    interview = result.interviews[0]
    assert turns(interview) == [
        ("Interviewer", "interviewer", "What helped, would you say?", None),
        ("P07", "participant", "Karen did. She didn\u2019t treat me like a case.\nAnd she rang on her day off.", None),
        ("Interviewer", "interviewer", "Right.", None), ("P07", "participant", "Yeah.", None)]
    assert interview.metadata == {"title": "Interview P07", "author": "Jo Bloggs"}
    assert "document.write" not in interview.text and "Print" not in interview.text
    assert not result.warnings


def test_google_docs_page_bold_and_hidden_by_its_style_sheet(write):
    # Google Docs sets bold with classes of its style sheet, not <b>
    page = ("<html><head><style type='text/css'>.c0{font-weight:400}.c3{color:#000;font-weight:700}"
            "/* .c9{display:none} */ .gone{display: none}</style></head><body class='c5'>"
            "<p class='c1'><span class='c3'>Interviewer</span><span class='c0'>&nbsp;What helped?</span></p>"
            "<p class='c1'><span class='c3'>Dana</span><span class='c0'> The nurse.</span>"
            "<span class='gone'> hidden note</span><span hidden> and this</span>"
            "<span style='display:none'> and that</span></p>"
            "<p class='c1'><span class='c3'>Interviewer</span><span class='c9'> Why?</span></p>"
            "<p class='c1'><span class='c3'>Dana</span><span class='c0'> She listened.</span></p></body></html>")
    interview = read_file(write("g.html", page)).interviews[0]
    assert [t[:3] for t in turns(interview)] == [
        ("Interviewer", "interviewer", "What helped?"), ("Dana", "participant", "The nurse."),
        ("Interviewer", "interviewer", "Why?"), ("Dana", "participant", "She listened.")]


def test_an_xhtml_page_is_read_as_a_web_page(write):
    # LibreOffice's "XHTML" export and others write .xhtml, which was refused as an unknown type (E104)
    page = ('<?xml version="1.0" encoding="utf-8"?><html xmlns="http://www.w3.org/1999/xhtml"><body>'
            "<p><b>Interviewer: </b>What helped?</p><p><br/><br/></p><p><b>Dana: </b>The nurse.</p></body></html>")
    interview = read_file(write("p07.xhtml", page)).interviews[0]
    assert interview.format == "html" and [t[:3] for t in turns(interview)] == [
        ("Interviewer", "interviewer", "What helped?"), ("Dana", "participant", "The nurse.")]


def test_a_table_transcript_with_end_tags_left_out(write):
    # HTML may leave out </td> and </tr>; a time column gives the turn's time
    page = ("<table border=1><tr><th>Time<th>Speaker<th>Text<th>Notes"
            "<tr><td>00:00:03<td>I<td>Who helped?<td>opening"
            "<tr><td>00:00:12<td>P07<td><p>Karen did.</p><p>Every week.</p><td>"
            "<tr><td>00:01:02<td>I<td>Mm.<td></table><p>End of interview.</p>")
    interview = read_file(write("t.html", page)).interviews[0]
    assert turns(interview)[:3] == [("I", "interviewer", "Who helped?", 3.0),
                                    ("P07", "participant", "Karen did. Every week.", 12.0),
                                    ("I", "interviewer", "Mm.\nEnd of interview.", 62.0)]
    assert "opening" not in interview.text


def test_a_definition_list_s_terms_are_the_speakers_of_its_descriptions(write):
    # <dt>Name</dt><dd>speech</dd> was one 'unknown' speaker's paragraph, names and all
    page = ("<h1>Interview 7</h1><dl><dt>Jane Doe</dt><dd>Who helped?</dd><dt>Sam</dt><dd>Jo did.</dd>"
            "<dt>Jane Doe</dt><dd>When?</dd><dt>Sam</dt><dd>Twice.</dd></dl>")
    assert [t[:3] for t in turns(read_file(write("t.html", page)).interviews[0])] == [
        ("Jane Doe", "interviewer", "Who helped?"), ("Sam", "participant", "Jo did."),
        ("Jane Doe", "interviewer", "When?"), ("Sam", "participant", "Twice.")]


def test_a_web_page_saved_as_doc(write):
    # Word's "Save as Web Page" under a .doc name was refused (E114, save it as .docx)
    result = read_file(write("p07.doc", WORD))
    assert result.interviews[0].format == "html" and len(result.interviews[0].turns) == 4
    assert result.warnings[0] == "holds a web page (HTML), not Word 97-2003's binary format; read as such"


def test_the_folder_word_keeps_a_web_pages_parts_in_is_left_out(write, tmp_path):
    # Word's "Save as Web Page" writes p07_files/ beside p07.htm: its header.htm was read as one
    # more interview, its pictures and theme listed as files no reader takes
    write("study/p07.htm", WORD)
    for part in ("filelist.xml", "header.htm", "image001.png", "themedata.thmx"):
        write(f"study/p07_files/{part}", "<html><body><p>Interview P07 - confidential</p></body></html>")
    corpus = load_corpus([tmp_path / "study"])
    assert [iv.id for iv in corpus.interviews] == ["p07"] and not corpus.failures and not corpus.warnings


def test_otranscribe_transcript(write):
    # oTranscribe saves a JSON object whose text is the transcript's HTML, with its time stamps
    html = ('<p><span class="timestamp" data-timestamp="3.2">0:03</span> <b>Interviewer:</b> So how was the ward?</p>'
            '<p><span class="timestamp" data-timestamp="12.75">0:12</span> <b>P07:</b> Hard, at first.<br /></p>'
            '<p>She rang on her day off <span class="timestamp" data-timestamp="31.5">0:31</span> which she did '
            'not have to.</p><p><span class="timestamp" data-timestamp="40.1">0:40</span> <b>Interviewer:</b> Mm.</p>')
    interview = read_file(write("p07.otr", json.dumps({"text": html, "media": "p07.mp3", "media-time": 41.2}))).interviews[0]
    assert interview.format == "otr" and interview.metadata == {"media": "p07.mp3"}
    assert [t[:3] for t in turns(interview)] == [
        ("Interviewer", "interviewer", "So how was the ward?"),
        ("P07", "participant", "Hard, at first.\nShe rang on her day off 0:31 which she did not have to."),
        ("Interviewer", "interviewer", "Mm.")]
    assert interview.time_at(interview.text.index("0:31")) == 31.5  # a stamp inside speech times what follows


@pytest.mark.parametrize("label", ["<b>P:</b>", "<b>P</b>:", "<b>P</b>"])
def test_speech_after_a_bold_label_keeps_the_colon_it_starts_with(write, label):
    # every colon and space after a bold label was taken for the label's: a chat interview's ":) Yes"
    # read ") Yes"
    page = f"<html><body><p><b>I:</b> Did she ring?</p><p>{label} :) Yes, she did.</p><p><b>I:</b> Mm.</p></body></html>"
    interview = read_file(write("p07.html", page)).interviews[0]
    assert [(t.speaker, interview.text[t.start:t.end]) for t in interview.turns] == [
        ("I", "Did she ring?"), ("P", ":) Yes, she did."), ("I", "Mm.")]


def test_a_line_separator_in_an_otranscribe_transcript_is_a_space(write):
    # JSON holds U+2028 as it is: normalised to a line break first, the file failed (E125)
    html = "<p>I: How was the ward?</p><p>P: Fine.\u2028She came\x85on her\u2029day off.</p>"
    interview = read_file(write("p07.otr", json.dumps({"text": html}, ensure_ascii=False))).interviews[0]
    assert interview.text == "I: How was the ward?\nP: Fine. She came on her day off."


def test_a_lone_surrogate_in_an_otranscribe_transcript_cuts_nothing_short(write):
    # half an emoji, as a JavaScript editor cutting text writes it: libxml2 stopped reading there
    html = "<p>I: How was the ward \ud83d?</p><p>P: Fine, the nurse \ud83d\ude00 stayed.</p>"
    interview = read_file(write("p07.otr", json.dumps({"text": html}))).interviews[0]
    assert interview.text == "I: How was the ward \ufffd?\nP: Fine, the nurse \U0001f600 stayed."


@pytest.mark.parametrize("declaration", [
    '<?xml version="1.0" encoding="utf-8"?><?xml version="1.0" encoding="utf-8"?>',  # twice: ValueError from lxml
    '<?xml version="1.0" encoding="utf-8"',  # cut short: ValueError from lxml
    '<?xml version="1.0" encoding="iso-8859-1"?>',  # names another encoding than the text was decoded from
])
def test_pages_with_odd_xml_declarations_are_read(write, declaration):
    page = declaration + "<html><body><p>I: Who helped?</p><p>P: The caf\u00e9 nurse.</p></body></html>"
    interview = read_file(write("p07.html", page)).interviews[0]
    assert interview.text == "I: Who helped?\nP: The caf\u00e9 nurse."


def test_otranscribe_stamps_before_bold_names(write):
    # a time stamp first, then the speaker's name in bold without a colon: no speaker was found
    html = "".join(f'<p><span class="timestamp" data-timestamp="{t}">0:{int(t):02d}</span> <b>{who}</b> {said}</p>'
                   for t, who, said in [(3.2, "Interviewer", "So how was the ward?"), (12.75, "P07", "Hard."),
                                        (20.1, "Interviewer", "Mm."), (22.4, "P07", "She sat with me.")])
    interview = read_file(write("p07.otr", json.dumps({"text": html}))).interviews[0]
    assert turns(interview) == [("Interviewer", "interviewer", "So how was the ward?", 3.0),
                                ("P07", "participant", "Hard.", 12.0), ("Interviewer", "interviewer", "Mm.", 20.0),
                                ("P07", "participant", "She sat with me.", 22.0)]


@pytest.mark.parametrize("content,says", [
    ("<p>I: Hello</p>", "it is not valid JSON"),
    ('{"media": "a.mp3"}', "it holds an object with 'media'"),
    ('["<p>I: Hello</p>"]', "it holds a JSON list"),
    ('{"text": "<p> </p>"}', None),
])
def test_a_broken_otranscribe_file_is_named(write, content, says):
    with pytest.raises(InputError) as info:
        read_file(write("p07.otr", content))
    if says is None:
        assert info.value.code == "E101"
    else:
        assert info.value.code == "E125" and says in str(info.value) and "p07.otr" in str(info.value)


MHT = """MIME-Version: 1.0
Content-Type: multipart/related; boundary="----=_NextPart_01DA0000.11111111"

This document is a Single File Web Page, also known as a Web Archive file.

------=_NextPart_01DA0000.11111111
Content-Location: file:///C:/p07.htm
Content-Transfer-Encoding: quoted-printable
Content-Type: text/html; charset="windows-1252"

<html><head><title>Interview P07</title></head><body>
<p class=3DMsoNormal><b>Interviewer</b> What helped, would you say?</p>
<p class=3DMsoNormal><b>P07</b> Karen did. She didn=92t treat me like a ca=
se.</p>
<p class=3DMsoNormal><b>Interviewer</b> Right.</p>
<p class=3DMsoNormal><b>P07</b> Yeah.</p>
</body></html>

------=_NextPart_01DA0000.11111111
Content-Location: file:///C:/p07_files/filelist.xml
Content-Transfer-Encoding: quoted-printable
Content-Type: text/xml; charset="utf-8"

<xml xmlns:o=3D"urn:schemas-microsoft-com:office:office"></xml>
------=_NextPart_01DA0000.11111111--
"""


@pytest.mark.parametrize("name", ["p07.mht", "p07.mhtml", "p07.doc"])
def test_a_single_file_web_page(write, name):
    # Word's "Single File Web Page" (and a browser's "Save as MHTML"): a MIME message whose HTML
    # part is quoted-printable in the code page its header names
    result = read_file(write(name, MHT.replace("\n", "\r\n")))
    interview = result.interviews[0]
    assert [t[:3] for t in turns(interview)] == [
        ("Interviewer", "interviewer", "What helped, would you say?"),
        ("P07", "participant", "Karen did. She didn\u2019t treat me like a case."),
        ("Interviewer", "interviewer", "Right."), ("P07", "participant", "Yeah.")]
    assert interview.metadata == {"title": "Interview P07"}
    said = "holds a single-file web page (MHTML), not Word 97-2003's binary format; read as such"
    assert (result.warnings[:1] == [said]) == (name == "p07.doc")


def test_a_single_file_web_page_with_no_page_is_named(write):
    no_page = MHT.replace('Content-Type: text/html; charset="windows-1252"', "Content-Type: image/png")
    with pytest.raises(InputError, match=r"p07.mht: \[E126\] not a single-file web page: its parts are image/png, "
                                         r"text/xml"):
        read_file(write("p07.mht", no_page))


def test_preformatted_text_keeps_its_lines(write):
    page = "<html><body><pre>I: How was it?\nP: Hard,   at first.\n\nI: And now?\nP: Better.</pre></body></html>"
    interview = read_file(write("pre.html", page)).interviews[0]
    assert [t[2] for t in turns(interview)] == ["How was it?", "Hard,   at first.", "And now?", "Better."]


def test_utf8_bytes_win_over_a_declared_code_page(write):
    # a page that says iso-8859-1 but whose bytes are UTF-8 reads as UTF-8 (browsers would
    # show mojibake; the bytes say which it is)
    page = '<meta charset="iso-8859-1"><p>I: Caf\u00e9?</p><p>P: Oui, \u00e7a va.</p><p>I: Bon.</p><p>P: Merci.</p>'
    interview = read_file(write("fr.html", page.encode("utf-8"))).interviews[0]
    assert "Caf\u00e9?" in interview.text and "\u00e7a va" in interview.text


def test_tr_nlps_own_report_is_refused(write, tmp_path):
    report = ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
              '<meta name="generator" content="tr_nlp 0.9.0"><title>Run</title></head>'
              "<body><p>I: Who helped?</p><p>P: Karen.</p></body></html>")
    older = report.replace('<meta name="generator" content="tr_nlp 0.9.0">', "").replace(
        "<body>", '<body><header><h1>Run</h1><p class="meta">Written by tr_nlp 0.8.0 on 2026-11-02')
    for name, page in (("report.html", report), ("old.html", older)):
        with pytest.raises(InputError, match=r"\[E138\] is the report tr_nlp wrote"):
            read_file(write(f"run/{name}", page))
    write("run/p07.html", "<p>I: Who helped?</p><p>P: Karen.</p><p>I: And?</p><p>P: Yes.</p>")
    corpus = load_corpus([tmp_path / "run"])
    assert [iv.id for iv in corpus.interviews] == ["p07"]
    assert sorted(f.error.code for f in corpus.failures) == ["E138", "E138"]


@pytest.mark.parametrize("content,code", [
    ("<html><head><title>x</title></head><body>  <p>&nbsp;</p> </body></html>", "E101"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00", "E102"),
    ("", "E101"),
])
def test_empty_or_binary_pages_are_named(write, content, code):
    with pytest.raises(InputError, match=rf"page\.html: \[{code}\]"):
        read_file(write("page.html", content))


@pytest.mark.parametrize("name", ["demo01.txt", "demo05.md", "demo18.txt"])
@pytest.mark.parametrize("style", ["paragraphs", "bold labels"])
def test_a_demo_transcript_as_a_web_page_reads_as_its_text_does(tmp_path, name, style):
    # each line a paragraph (as noScribe and LibreOffice write them), or Word's bold label
    # with no colon: the same turns, speakers and roles as the text file
    source = DEMO / "interviews" / name
    lines = source.read_text(encoding="utf-8").split("---", 2)[2].splitlines()  # without the front matter
    if style == "bold labels":
        labelled = [re.fullmatch(r"(?:\*\*)?([^:*]{1,30}):(?:\*\*)? (.*)", line) for line in lines]
        paragraphs = [f"<b><span>{escape(m[1])}</span></b><span> {escape(m[2])}</span>" if m else escape(line)
                      for m, line in zip(labelled, lines)]
    else:
        paragraphs = [escape(line) for line in lines]
    page = tmp_path / f"{source.stem}.html"
    page.write_text("<html><body>" + "\n".join(f"<p class=MsoNormal>{p}</p>" for p in paragraphs) + "</body></html>",
                    encoding="utf-8")
    want, got = read_file(source).interviews[0], read_file(page).interviews[0]
    assert [(t.speaker, t.role, got.text[t.start:t.end]) for t in got.turns] == [
        (t.speaker, t.role, want.text[t.start:t.end]) for t in want.turns]
