"""Each reader on small inline files: turns, roles, metadata, offsets, errors."""

import os
import zipfile
from pathlib import Path

import pytest

from conftest import at_most, make_docx, yaml_bomb
from tr_nlp.errors import InputError
from tr_nlp.ingest import ReadOptions, RoleMap, archive, load_corpus, read_file
from tr_nlp.segment import Segmenter


def turn_texts(interview):
    return [(t.speaker, t.role, interview.text[t.start:t.end]) for t in interview.turns]


# --- plain text --------------------------------------------------------------------

def test_text_labels_continuation_lines_and_front_matter(write):
    path = write("a.txt", "---\nsynthetic: true\nsite: x\n---\n\nTitle line\nDate\nPlace\n\nI: How are you?\n"
                 "P: Fine, I\nsuppose.\n\nStill me talking.\nI: Okay.\n")
    result = read_file(path)
    iv = result.interviews[0]
    assert iv.id == "a" and iv.format == "text"
    assert iv.metadata == {"synthetic": True, "site": "x"}
    assert turn_texts(iv) == [
        ("I", "interviewer", "How are you?"),
        ("P", "participant", "Fine, I\nsuppose.\n\nStill me talking."),
        ("I", "interviewer", "Okay."),
    ]
    assert any("before the first speaker label" in w for w in result.warnings)


def test_labels_run_on_within_lines_start_turns_of_their_own(write):
    # a transcript whose line breaks were lost (pasted from a web form, a table cell) was one
    # interviewer's turn of everything, and "no participant speech" sent a team to its roles
    written = ("Interview 3, 12 May\nInterviewer: How was it on the ward? Participant: Loud, you know. Interviewer: "
               "And the nurse? Participant: Kind. She sat with me.\nInterviewer: Anything else? Participant: No. "
               "Interviewer: Thanks.\n")
    result = read_file(write("p03.txt", written))
    iv = result.interviews[0]
    assert [(who, said) for who, _, said in turn_texts(iv)] == [
        ("Interviewer", "How was it on the ward?"), ("Participant", "Loud, you know."),
        ("Interviewer", "And the nurse?"), ("Participant", "Kind. She sat with me."),
        ("Interviewer", "Anything else?"), ("Participant", "No."), ("Interviewer", "Thanks.")]
    assert len(iv.text) == len(written.rstrip())  # a space became a line break: offsets are the file's
    assert [iv.line_at(t.start) for t in iv.turns] == [2, 2, 2, 2, 3, 3, 3]  # cited by the file's lines
    assert result.warnings[0].startswith("5 speaker labels ran on after another speaker's words")


def test_labels_run_on_in_speech_written_without_punctuation_start_turns_of_their_own(write):
    # a speech recogniser's text, no sentence ended: the labels ran on after a word, not a full stop, and
    # the whole interview was the interviewer's
    said = ("Interviewer: how was it on the ward Participant: loud really loud Interviewer: and the staff "
            "Speaker 3: sorry Participant: some of them were kind I mean Dee was\n")
    iv = read_file(write("asr.txt", said)).interviews[0]
    assert [(who, text) for who, _, text in turn_texts(iv)] == [
        ("Interviewer", "how was it on the ward"), ("Participant", "loud really loud"),
        ("Interviewer", "and the staff"), ("Speaker 3", "sorry"), ("Participant", "some of them were kind I mean Dee was")]
    # a capitalised word and a colon in punctuated speech is still speech
    kept = "I: How was it?\nP: She said Doctor: you need rest. Nurse: no.\nI: And?\nP: Fine.\n"
    assert [text for _, _, text in turn_texts(read_file(write("k.txt", kept)).interviews[0])][1] == (
        "She said Doctor: you need rest. Nurse: no.")


def test_labels_run_on_after_a_bold_one_in_a_docx_start_turns_of_their_own(tmp_path):
    # a paragraph whose first label is bold: the labels that ran on after it stayed its speech
    run_on = make_docx(tmp_path / "p.docx", [("Interviewer:", " How was it? Participant: Loud. Interviewer: And? "
                                                              "Participant: Kind. She sat.")])
    assert [(who, said) for who, _, said in turn_texts(read_file(run_on).interviews[0])] == [
        ("Interviewer", "How was it?"), ("Participant", "Loud."), ("Interviewer", "And?"),
        ("Participant", "Kind. She sat.")]
    # where each paragraph starts with its bold label, reported speech stays speech
    told = " She came back. Doctor: you need rest. Nurse: no. Doctor: fine. Then she left."
    kept = make_docx(tmp_path / "k.docx", [("Interviewer", " How was it?"), ("Participant", told),
                                           ("Interviewer", " Mm."), ("Participant", " Yes.")])
    assert [said for _, _, said in turn_texts(read_file(kept).interviews[0])] == [
        "How was it?", told.strip(), "Mm.", "Yes."]


def test_a_label_within_speech_stays_speech_where_lines_keep_their_labels(write):
    told = "Participant: She came back. Doctor: you need rest. Then she left. Nurse: no, she does not."
    iv = read_file(write("p.txt", f"Interviewer: How was it?\n{told}\nInterviewer: Mm.\n")).interviews[0]
    assert [said for _, _, said in turn_texts(iv)] == ["How was it?", told[len("Participant: "):], "Mm."]


def test_a_front_matter_speaker_who_does_not_speak_is_warned_of(write):
    # a mistyped name in a transcript's own speakers set no role, and said nothing
    path = write("p.txt", "---\nspeakers:\n  Interviwer: interviewer\n  Jo: other\n---\n"
                 "Interviewer: And then?\nJo: Then nothing.\n")
    result = read_file(path)
    assert result.interviews[0].speakers == {"Interviewer": "interviewer", "Jo": "other"}
    assert result.warnings == ["its front matter gives 'interviwer' a role, but no speaker of p has that name "
                               "(did you mean 'Interviewer'?); its speakers: 'Interviewer', 'Jo'"]


def test_text_named_speakers_need_two_lines_to_count(write):
    # "Remember" opens only one line: it is speech, not a speaker
    path = write("b.txt", "Interviewer: Hi?\nDana: Hello.\nRemember: this is said aloud.\n"
                 "Interviewer: And?\nDana: Bye.")
    iv = read_file(path).interviews[0]
    assert [t.speaker for t in iv.turns] == ["Interviewer", "Dana", "Interviewer", "Dana"]
    assert iv.turn_text(iv.turns[1]) == "Hello.\nRemember: this is said aloud."
    assert iv.speakers == {"Interviewer": "interviewer", "Dana": "participant"}


def test_text_timestamp_labels(write):
    path = write("c.txt", "[00:00:05] Interviewer: Hi?\n[00:00:09] Dana: Hello there.\n")
    iv = read_file(path).interviews[0]
    assert [(t.speaker, t.timestamp) for t in iv.turns] == [("Interviewer", 5.0), ("Dana", 9.0)]
    path = write("d.txt", "Sam (00:01:00): Question?\nJo (00:01:10): Answer.\nSam (00:01:20): Next?\nJo (00:01:30): Yes.")
    iv = read_file(path).interviews[0]
    assert iv.speakers == {"Sam": "interviewer", "Jo": "participant"}
    assert iv.turns[1].timestamp == 70.0


def test_zooms_saved_captions_name_in_brackets_then_the_clock(write):
    # "[Name] 14:02:11 text" on one line was one 'unknown' speaker's paragraph
    path = write("captions.txt", "[Jane Doe] 14:02:11 So, how was the ward?\n[Sam Patel] 14:02:20 Hard. At "
                                 "10:30:00 she came.\n[Jane Doe] 14:02:35 Mm-hmm. And then?\n")
    iv = read_file(path).interviews[0]
    assert [(t.speaker, t.role, t.timestamp, iv.turn_text(t)) for t in iv.turns] == [
        ("Jane Doe", "interviewer", 50531.0, "So, how was the ward?"),
        ("Sam Patel", "participant", 50540.0, "Hard. At 10:30:00 she came."),
        ("Jane Doe", "interviewer", 50555.0, "Mm-hmm. And then?")]


SPEECH_BELOW_A_CAST = "\n\nJD: Who helped you?\nP07: A nurse, Ruth.\nJD: How did that show?\nP07: She rang.\n"


@pytest.mark.parametrize("cast", [
    "Interview transcript \u2013 P07\nInterviewer: JD\nParticipant: P07\nDate: 12 March 2026",
    "Interviewer: JD   Participant: P07   Duration: 48 min",
    "Interviewer: Jane Doe (JD)\nInterviewee: P07",
    "Interviewer: JD; Respondent: P07",
])
def test_lines_above_the_speech_saying_who_is_who_give_roles_and_no_turns(write, cast):
    # 'Interviewer: JD' above the speech was a turn of an interviewer saying 'JD', and JD, with
    # an interviewer known, was taken for a participant: every question was participant speech
    iv = read_file(write("t.txt", cast + SPEECH_BELOW_A_CAST)).interviews[0]
    assert turn_texts(iv) == [("JD", "interviewer", "Who helped you?"), ("P07", "participant", "A nurse, Ruth."),
                              ("JD", "interviewer", "How did that show?"), ("P07", "participant", "She rang.")]
    # a role the team gives still wins
    roles = RoleMap.from_pairs(["JD=other"])
    assert read_file(write("t.txt", cast + SPEECH_BELOW_A_CAST), ReadOptions(roles=roles)).interviews[0].speakers[
        "JD"] == "other"


def test_a_line_above_the_speech_naming_the_interviewer_is_no_turn_where_another_label_asks(write):
    # 'Interviewer: Jane Doe' and the details below it were a turn of a second interviewer
    text = ("Participant ID: P07\nInterviewer: Jane Doe\nDate of interview: 12/03/2026\nParticipant age: 34\n\n"
            "I: Who helped you?\nP: A nurse, Ruth.\nI: How did that show?\nP: She rang.\n")
    iv = read_file(write("t.txt", text)).interviews[0]
    assert turn_texts(iv) == [("I", "interviewer", "Who helped you?"), ("P", "participant", "A nurse, Ruth."),
                              ("I", "interviewer", "How did that show?"), ("P", "participant", "She rang.")]


@pytest.mark.parametrize("closing", [
    "\n\n[END OF RECORDING]\n\nEND OF INTERVIEW\n\nTranscribed by: Acme Transcription Ltd\nTotal duration: 48:12",
    "\n\n--- End of transcript ---", "\n[Recording ends]\n\n***", "\n\nEnd of interview 7", "\nEND",
    "\n\nEnde des Interviews",
])
def test_a_block_closing_the_transcript_is_not_the_last_speakers_words(write, closing):
    # '[END OF RECORDING]', a transcriber's credit and the like were the participant's last words
    iv = read_file(write("t.txt", "I: Who helped you?\nP: A nurse, Ruth.\nI: Thanks.\nP: She rang,\nshe did."
                                  + closing + "\n")).interviews[0]
    assert turn_texts(iv)[-1] == ("P", "participant", "She rang,\nshe did.")


@pytest.mark.parametrize("last", ["It was the\nend.", "Yes.\n\nEnd of it was sad, though.", "Yes.\n(laughs)"])
def test_speech_that_starts_like_a_closing_line_stays_speech(write, last):
    iv = read_file(write("t.txt", f"I: Who helped you?\nP: A nurse.\nI: Thanks.\nP: {last}\n")).interviews[0]
    assert turn_texts(iv)[-1][2] == last


def test_headings_between_the_parts_of_an_interview_are_not_the_speech_above_them(write, tmp_path):
    # 'SECTION 2: EXPERIENCES OF CRISIS' between two turns was the participant's words
    text = ("I: Who helped you?\nP: A nurse, Ruth.\n\nSECTION 2: EXPERIENCES OF CRISIS\n\nI: Tell me about it.\n"
            "P: It was bad.\n\nPart 3 - Looking ahead\n\nI: And now?\nP: Better.\n\nLOOKING BACK\n\n"
            "I: Anything else?\nP: No.\n\n## Topic 4: Closing\n\nI: Thanks.\nP: I WAS SO ANGRY THEN\n\nI was.\n")
    said = [t[2] for t in turn_texts(read_file(write("t.txt", text)).interviews[0]) if t[1] == "participant"]
    assert said == ["A nurse, Ruth.", "It was bad.", "Better.", "No.", "I WAS SO ANGRY THEN\n\nI was."]
    # a heading in title case, neither numbered nor in capitals, was the speech above it too
    titled = ("I: Who helped you?\nP: A nurse, Ruth.\n\nRelationships with Staff\n\nI: Tell me more.\n"
              "P: She rang.\n\nNot really\n\nI: And now?\nP: Better.\n")
    said = [t[2] for t in turn_texts(read_file(write("u.txt", titled)).interviews[0]) if t[1] == "participant"]
    assert said == ["A nurse, Ruth.", "She rang.\n\nNot really", "Better."]  # (speech in sentence case stays)
    # a Word document's heading between turns
    paragraphs = [(None, "I: Who helped you?"), (None, "P: A nurse, Ruth,"), (None, "and a doctor."),
                  (None, "Section 2: Experiences of crisis"), (None, "I: Tell me about it."), (None, "P: It was bad.")]
    iv = read_file(make_docx(tmp_path / "t.docx", paragraphs)).interviews[0]
    assert [t[2] for t in turn_texts(iv) if t[1] == "participant"] == ["A nurse, Ruth,\nand a doctor.", "It was bad."]


def test_r_beside_p_is_the_researcher_where_it_asks(write):
    # 'R:' (researcher) and 'P:' were both participants: every question was participant speech
    result = read_file(write("t.txt", "R: Who helped you?\nP: A nurse, Ruth.\nR: How did that show?\nP: She rang.\n"))
    assert result.interviews[0].speakers == {"R": "interviewer", "P": "participant"}
    assert "'R' taken as the researcher (interviewer)" in result.warnings[0]
    # R the respondent, beside an interviewer, or answering a P who asks
    assert read_file(write("u.txt", "I: Who helped?\nR: A nurse.\n")).interviews[0].speakers["R"] == "participant"
    answers = read_file(write("v.txt", "P: Who helped?\nR: A nurse.\nP: How?\nR: She rang.\n")).interviews[0]
    assert answers.speakers == {"P": "participant", "R": "participant"}


def test_a_first_turn_naming_a_speaker_is_speech_where_its_speaker_speaks_again(write):
    iv = read_file(write("t.txt", "Interviewer: Jo\nJo: Hi, yes.\nInterviewer: How are you?\nJo: Fine.\n")).interviews[0]
    assert [t[2] for t in turn_texts(iv)] == ["Jo", "Hi, yes.", "How are you?", "Fine."]


def test_text_header_style_speakers(write):
    path = write("e.txt", "Speaker 1  0:01\nWhat helped?\n\nSpeaker 2  0:05\nThe nurse did.\nShe listened.\n")
    iv = read_file(path, ReadOptions(roles=RoleMap.from_pairs(["Speaker 1=interviewer", "Speaker 2=participant"]))).interviews[0]
    assert turn_texts(iv) == [("Speaker 1", "interviewer", "What helped?"),
                              ("Speaker 2", "participant", "The nurse did.\nShe listened.")]


def test_text_header_lines_with_roles_lose_no_speech(write):
    # "[time] Name (Role)" above the speech: the first speaker's line was no label, so the
    # interviewer's question went to the preamble, silently, and the other speaker had no role
    path = write("h.txt", "[00:00:00] Anna Smith (Interviewer)\nSo, how was the ward?\n\n"
                          "[00:00:07] Bob Jones\nLoud, but the nurse sat with me.\n")
    result = read_file(path)
    assert turn_texts(result.interviews[0]) == [
        ("Anna Smith (Interviewer)", "interviewer", "So, how was the ward?"),
        ("Bob Jones", "participant", "Loud, but the nurse sat with me.")]
    assert result.warnings == []


def test_text_a_timed_line_before_the_first_label_is_warned_of(write):
    path = write("w.txt", "00:00:00 anna, interviewer\nSo, how was the ward?\n\n"
                          "00:00:07 Bob Jones\nLoud.\n\n00:00:09 Bob Jones\nYes.\n")
    result = read_file(path)
    assert result.warnings[0].startswith("2 line(s) before the first speaker label belong to no turn, and "
                                         "'00:00:00 anna, interviewer' starts with a time")
    title = write("t.txt", "Interview 3\n12 March 2021, 10:30\nI: Hello?\nR: Hi.\n")
    assert read_file(title).warnings == []


def test_text_teams_transcript_notices_are_no_speech(write):
    # Teams writes a title, a date and the recording's length, then "... started transcription", and
    # "... stopped transcription" where it paused and at the end: the notice was the last speaker's speech
    # and the header four lines "before the first speaker label"
    path = write("teams.txt", "Ward study 7-20260710_154212-Meeting Recording\nJuly 10, 2026, 8:42PM\n31m 5s\n\n"
                              "Anna Smith started transcription\n\nAnna Smith   0:03\nSo, how was the ward?\n\n"
                              "Bob Jones   0:09\nLoud.\n\nAnna Smith stopped transcription\n\n"
                              "Anna Smith started transcription\n\nBob Jones   5:10\nThe nurse sat with me.\n\n"
                              "Anna Smith stopped transcription\n")
    result = read_file(path)
    iv = result.interviews[0]
    assert [(t.speaker, iv.turn_text(t)) for t in iv.turns] == [
        ("Anna Smith", "So, how was the ward?"), ("Bob Jones", "Loud."), ("Bob Jones", "The nurse sat with me.")]
    assert not any("before the first speaker label" in w for w in result.warnings)


def test_text_copied_from_a_table_with_tabs(write):
    # a Word or Excel table of speaker and text pasted as text: one unlabelled turn before
    path = write("t.txt", "Jo (GP)\tSo how was it?\nSam\tHard at first.\nthe nurse\tsat with me.\n"
                          "Jo (GP)\tRight.\nSam\tYes.\n")
    result = read_file(path)
    assert [(t.speaker, path.read_text()[t.start:t.end]) for t in result.interviews[0].turns] == [
        ("Jo (GP)", "So how was it?"), ("Sam", "Hard at first.\nthe nurse\tsat with me."),
        ("Jo (GP)", "Right."), ("Sam", "Yes.")]


@pytest.mark.parametrize("title", ["", "Ward study: interviews 1-2\t\t\r\n\r\n", "Ward study, 2 interviews\r\n"])
def test_a_table_excel_saved_as_unicode_text_is_read_as_a_table(tmp_path, title):
    # a sheet of utterances saved as "Unicode Text" (.txt: UTF-16, tabs between cells) was one unknown
    # speaker's paragraph, its header and interview ids included
    rows = ["interview_id\tspeaker\ttext", "i1\tInterviewer\tHow was the ward?", "i1\tParticipant\tShe listened.",
            "i2\tInterviewer\tAnd the doctor?", 'i2\tParticipant\t"Less so, ""busy"", he said."']
    path = tmp_path / "sheet.txt"
    path.write_bytes((title + "\r\n".join(rows) + "\r\n").encode("utf-16"))
    result = read_file(path)
    assert [(iv.id, turn_texts(iv)) for iv in result.interviews] == [
        ("i1", [("Interviewer", "interviewer", "How was the ward?"), ("Participant", "participant", "She listened.")]),
        ("i2", [("Interviewer", "interviewer", "And the doctor?"),
                ("Participant", "participant", 'Less so, "busy", he said.')])]
    assert result.warnings[0].startswith("read as a table of utterances, as Excel saves a sheet as text: "
                                         "a line names its tab-separated columns ('interview_id | speaker | text')")
    # speakers' labels before tabs are a transcript's, as they were
    path.write_text("Interviewer\tHow was the ward?\nParticipant\tShe listened.\nInterviewer\tText?\n", encoding="utf-8")
    assert [t.speaker for t in read_file(path).interviews[0].turns] == ["Interviewer", "Participant", "Interviewer"]


@pytest.mark.parametrize("table", [
    "1\t00:00:03 - 00:00:07\tI\tWho helped?\n2\t00:00:12 - 00:00:20\tP07\tKaren did.\n3\t00:01:02\tI\tMm.\n",
    "I\t00:00:03\tWho helped?\nP07\t00:00:12\tKaren did.\nI\t[00:01:02]\tMm.\n",
    "I\t00:00:03\t Who helped?\nP07\t00:00:12\t  Karen did.\nI\t[00:01:02]\t\t Mm.\n",  # spaces after tabs
])
def test_text_copied_from_a_table_with_line_number_and_time_columns(write, table):
    # the line number or time cell was taken for no label (or the speaker's speech)
    iv = read_file(write("t.txt", table)).interviews[0]
    assert turn_texts(iv) == [("I", "interviewer", "Who helped?"), ("P07", "participant", "Karen did."),
                              ("I", "interviewer", "Mm.")]
    assert [t.timestamp for t in iv.turns] == [3.0, 12.0, 62.0]


def test_rtf_table_of_line_numbers_speakers_and_text(write):
    rtf = (rb"{\rtf1\ansi\trowd\cellx500\cellx1500\cellx9000\intbl 1\cell Interviewer\cell Who helped?\cell\row"
           rb"\trowd\cellx500\cellx1500\cellx9000\intbl 2\cell Participant\cell Karen did.\cell\row}")
    assert turn_texts(read_file(write("t.rtf", rtf)).interviews[0]) == [
        ("Interviewer", "interviewer", "Who helped?"), ("Participant", "participant", "Karen did.")]


TIMED_TABLES = [
    # time | speaker | text (with a header row naming a notes column), as transcription services lay them out
    [("Time", "Speaker", "Text", "Notes"), ("00:00:03", "I", "Who helped?", "opening"),
     ("00:00:12", "P07", "Karen did.", "GBR"), ("00:01:02", "I", "Mm.", "")],
    # line number | time span | speaker | text
    [("1", "00:00:03 - 00:00:07", "I", "Who helped?"), ("2", "00:00:12 - 00:00:20", "P07", "Karen did."),
     ("3", "00:01:02 - 00:01:03", "I", "Mm.")],
    # speaker | [time] | text
    [("I", "[00:00:03]", "Who helped?"), ("P07", "[00:00:12]", "Karen did."), ("I", "[00:01:02]", "Mm.")],
]


def table_line_numbers(rows):
    """What a table of TIMED_TABLES numbers its rows' lines: its first column's numbers, if it has them."""
    return [int(r[0]) for r in rows] if rows[0][0].isdigit() else [None, None, None]


def rtf_row(cells, par=b""):
    """A Word RTF table row of ``cells`` (str; a cell may hold paragraphs split by ``par``)."""
    bounds = b"".join(rb"\cellx%d" % (1500 * (k + 1)) for k in range(len(cells)))
    body = b"".join(cell.encode().replace(b"\n", rb"\par ") + rb"\cell " for cell in cells)
    return rb"\trowd" + bounds + rb"\pard\intbl " + body + rb"\row" + par + b"\n"


@pytest.mark.parametrize("rows", TIMED_TABLES)
def test_rtf_transcript_tables_read_as_word_tables_do(write, rows):
    # a header row and a notes column were speech; a paragraph (or \par) between rows does not split the table
    rtf = rb"{\rtf1\ansi " + b"".join(rtf_row(r, rb"\par " if k == 1 else b"") for k, r in enumerate(rows)) + b"}"
    iv = read_file(write("t.rtf", rtf)).interviews[0]
    assert turn_texts(iv) == [("I", "interviewer", "Who helped?"), ("P07", "participant", "Karen did."),
                              ("I", "interviewer", "Mm.")]
    assert [t.timestamp for t in iv.turns] == [3.0, 12.0, 62.0]
    assert "opening" not in iv.text and "GBR" not in iv.text
    assert [iv.line_at(t.start) for t in iv.turns] == table_line_numbers(rows)  # segments are cited by them


def test_rtf_table_cells_of_several_paragraphs_and_text_around_tables(write):
    rtf = (rb"{\rtf1\ansi\pard Interview 7, ward study\par "
           + rtf_row(["Date", "12 March"]) + rtf_row(["Location", "Leeds"])
           + rb"\pard Interviewer: Who helped?\par "
           + rtf_row(["Participant", "Less so.\nRushed."]) + rtf_row(["Interviewer", "And then?\tRight."])
           + rtf_row(["Participant", "Better."]) + rb"\pard Participant: Thank you.\par}")
    iv = read_file(write("t.rtf", rtf)).interviews[0]
    assert turn_texts(iv) == [("Interviewer", "interviewer", "Who helped?"),
                              ("Participant", "participant", "Less so. Rushed."),
                              ("Interviewer", "interviewer", "And then? Right."),
                              ("Participant", "participant", "Better."), ("Participant", "participant", "Thank you.")]
    assert iv.text.startswith("Interview 7, ward study\nDate: 12 March\nLocation: Leeds\n")
    # control bytes in the document's text are dropped, never read as a table's cells or rows
    stray = rb"{\rtf1\ansi\pard Interviewer: Who\'1f helped?\par\pard Participant: Me\'1e\u29?\'1d.\par}"
    assert turn_texts(read_file(write("s.rtf", stray)).interviews[0]) == [
        ("Interviewer", "interviewer", "Who helped?"), ("Participant", "participant", "Me.")]


def test_teams_and_zoom_header_lines(write):
    # "Surname, Forename" (Teams) and "[Name] time" (Zoom) headers were continuation text, so the
    # interviewer's next turn was read as the participant's speech, without a warning
    teams = write("teams.txt", "Smith, Jane (NHS)   0:03\nHow was it?\n\nParticipant 1   0:15\nHard.\n\n"
                               "Smith, Jane (NHS)   1:02\nRight.\n")
    zoom = write("zoom.txt", "[Jane Smith] 10:15:02\nHow was it?\n\n[Tom] 10:15:10\nHard.\n")
    assert turn_texts(read_file(teams).interviews[0]) == [
        ("Smith, Jane (NHS)", "interviewer", "How was it?"), ("Participant 1", "participant", "Hard."),
        ("Smith, Jane (NHS)", "interviewer", "Right.")]
    assert [(t[0], t[2]) for t in turn_texts(read_file(zoom).interviews[0])] == [
        ("Jane Smith", "How was it?"), ("Tom", "Hard.")]


TEAMS_CUES = ("Interview 4\n1 March 2022, 10:02AM\n"
              "0:0:3.0 --> 0:0:6.120\nSmith, Jane\nSo how was the ward, um, for you?\n\n"
              "0:0:6.500 --> 0:0:9.0\nSmith, Jane\nIn your own words.\n\n"
              "0:0:10.0 --> 0:0:15.250\nParticipant 1\nHard at first. She sat with me, though.\n\n"
              "0:0:16.0 --> 0:0:17.0\nSmith, Jane\nMm.\n")


def teams_turns(interview):
    return [(t.speaker, t.role, interview.text[t.start:t.end], t.timestamp) for t in interview.turns]


def test_teams_cues_written_as_text_are_read_as_subtitles(write):
    # Teams' older transcripts (a timing line, the name, the speech) were read as one speaker's text,
    # the timing and name lines part of it
    interview = read_file(write("teams.txt", TEAMS_CUES)).interviews[0]
    assert teams_turns(interview) == [
        ("Smith, Jane", "interviewer", "So how was the ward, um, for you? In your own words.", 3.0),
        ("Participant 1", "participant", "Hard at first. She sat with me, though.", 10.0),
        ("Smith, Jane", "interviewer", "Mm.", 16.0)]
    assert interview.metadata["header"] == "Interview 4\n1 March 2022, 10:02AM"
    assert interview.format == "text"
    assert (interview.text.index("In your"), 6.5) in interview.times  # each cue keeps its start


def test_teams_cues_in_a_docx(tmp_path):
    path = make_docx(tmp_path / "teams.docx", [(None, line) for line in TEAMS_CUES.split("\n")])
    interview = read_file(path).interviews[0]
    assert teams_turns(interview)[1] == (
        "Participant 1", "participant", "Hard at first. She sat with me, though.", 10.0)
    assert interview.format == "docx"


def test_cues_as_text_without_names_are_captions(write):
    # numbered cues pasted as text: no line is a speaker, the numbers are not speech; a prefix still names one
    path = write("captions.txt", "1\n00:00:01,000 --> 00:00:04,000\nI: How was it, then,\nfor you?\n\n"
                                 "2\n00:00:05,000 --> 00:00:08,000\nP: Hard.\n\n"
                                 "3\n00:00:09,000 --> 00:00:10,000\nI: Right.\n")
    assert [t[:3] for t in teams_turns(read_file(path).interviews[0])] == [
        ("I", "interviewer", "How was it, then, for you?"), ("P", "participant", "Hard."),
        ("I", "interviewer", "Right.")]


def test_captions_pasted_as_text_that_mark_changes_of_speaker_are_two_people_taking_turns(write):
    # as in a .srt: the markers stayed in the text of one participant's speech
    path = write("captions.txt", "1\n00:00:01,000 --> 00:00:04,000\n>> How was it, then,\nfor you?\n\n"
                                 "2\n00:00:05,000 --> 00:00:08,000\n>> Hard.\n- Hard?\n- Yes.\n")
    result = read_file(path)
    assert [t[:3] for t in teams_turns(result.interviews[0])] == [
        ("Speaker 1", "interviewer", "How was it, then, for you?"), ("Speaker 2", "participant", "Hard."),
        ("Speaker 1", "interviewer", "Hard?"), ("Speaker 2", "participant", "Yes.")]
    assert "read as two people taking turns" in result.warnings[0]


def test_a_vtt_pasted_into_a_document_keeps_its_voice_tags_speakers(tmp_path):
    lines = ["WEBVTT", "", "00:00:03.000 --> 00:00:06.000", "<v Jane Doe>How was it &amp; why?</v>", "",
             "00:00:07.000 --> 00:00:09.000", "<v Sam Roe>Hard.</v>"]
    interview = read_file(make_docx(tmp_path / "pasted.docx", [(None, line) for line in lines])).interviews[0]
    assert [t[:3] for t in teams_turns(interview)] == [
        ("Jane Doe", "interviewer", "How was it & why?"), ("Sam Roe", "participant", "Hard.")]
    assert interview.metadata["header"] == "WEBVTT"


@pytest.mark.parametrize("times", [1, 2])
def test_timing_lines_a_transcript_quotes_are_speech(write, times):
    # one timing line is no transcript of cues, nor are two below more than a title's lines of turns
    quote = "\n".join(["It said\n00:00:01 --> 00:00:02\nor so."] * times)
    path = write("one.txt", "I: Hello.\nP: Hi.\nI: Well?\nP: Yes.\nI: Good.\nI: And the clock?\nP: " + quote
                 + "\nI: Right.\n")
    assert [t[2] for t in teams_turns(read_file(path).interviews[0])][-3:] == ["And the clock?", quote, "Right."]


def test_time_marks_are_not_speech(write):
    # f4's closing "#hh:mm:ss-d#" and a time line of its own were read into the turns' text
    path = write("f4.txt", "I: How was it? #00:00:05-3#\n\nB: Hard, at 10:30 [sic]. #00:00:15-1#\n00:05:00\n\n"
                           "I: And? [00:01:02]\nB: Yes.\n[00:01:10]\n")
    assert [t[2] for t in turn_texts(read_file(path).interviews[0])] == [
        "How was it?", "Hard, at 10:30 [sic].", "And?", "Yes."]


def test_a_time_alone_on_its_line_times_what_follows(write, tmp_path):
    # Google Meet writes the time on a line of its own every few minutes; the segments had none
    text = ("Interview 7 - Transcript\n00:00:00\n\nJane Doe: So, how was the ward?\nSam Patel: Hard.\n"
            "00:05:00\n\nJane Doe: And then?\nSam Patel: She rang me.\n")
    stamps = [(s.speaker, s.timestamp) for s in Segmenter(roles=("participant", "interviewer")).segment(
        read_file(write("meet.txt", text)).interviews)]
    assert stamps == [("Jane Doe", 0.0), ("Sam Patel", 0.0), ("Jane Doe", 300.0), ("Sam Patel", 300.0)]
    # the same lines in a Word document
    docx = make_docx(tmp_path / "meet.docx", [(None, line) for line in text.splitlines()])
    assert [s.timestamp for s in Segmenter().segment(read_file(docx).interviews)] == [0.0, 300.0]


def test_spans_of_time_before_or_after_labels(write):
    # a span of time at each turn ("[00:00:15 - 00:01:02] Name:", a header line "Name 00:00:15 -
    # 00:01:02", Rev's "Name: (00:15)" with the speech below) was read as one unknown speaker's
    # text, the times in it
    turns = [("Interviewer", "interviewer", "So, how was the ward?", 15.0),
             ("Jane", "participant", "Fine, I suppose.", 65.0)]
    inline = write("inline.md", "[00:00:15 \u2192 00:01:02] **Interviewer:** So, how was the ward?\n\n"
                                "[00:01:05 \u2192 00:01:45] **Jane:** Fine, I suppose.\n")
    header = write("header.txt", "Interviewer 00:00:15 - 00:01:02\nSo, how was the ward?\n\n"
                                 "Jane 00:01:05 - 00:01:45\nFine, I suppose.\n")
    rev = write("rev.txt", "Interviewer: (00:15)\nSo, how was the ward?\n\nJane: (01:05)\nFine, I suppose.\n")
    for path in (inline, header, rev):
        assert teams_turns(read_file(path).interviews[0]) == turns


def test_whispers_printed_segments_are_times(write):
    # whisper prints each segment after its span, "[00:00:04.120 --> 00:00:09.000]": no time mark,
    # so the segments had no time
    path = write("whisper.txt", "[00:00:00.000 --> 00:00:04.120]  So, how was the ward?\n"
                                "[00:00:04.120 --> 00:00:09.000]  Fine, I suppose.\n")
    interview = read_file(path).interviews[0]
    assert interview.times == ((0, 0.0), (55, 4.12))
    assert interview.text[55:].startswith("[00:00:04.120 --> 00:00:09.000]")


def test_numbered_interviewers_and_accented_names(write):
    # "I2" was no interviewer label and "Élise" no label at all (not A-Z): their lines were
    # read as the speech of the speaker above
    numbered = write("n.txt", "I1: How was it?\nP1: Hard.\nI2: And?\nP1: Fine.\n")
    assert [t[:2] for t in turn_texts(read_file(numbered).interviews[0])] == [
        ("I1", "interviewer"), ("P1", "participant"), ("I2", "interviewer"), ("P1", "participant")]
    french = write("fr.txt", "Enquêteur\u00a0: Et alors ?\nÉlise\u00a0: Difficile.\nEnquêteur\u00a0: Pourquoi ?\n"
                             "Élise\u00a0: Parce que.\n")
    assert [t[:2] for t in turn_texts(read_file(french).interviews[0])] == [
        ("Enquêteur", "interviewer"), ("Élise", "participant")] * 2


def test_labels_after_list_markers(write):
    # a transcript kept as a list ("- **I:** ...", "1. P: ...") had no labels: one unknown speaker
    path = write("l.md", "# Interview 3\n\n- **I:** How was it?\n- **P:** Hard.\n  - I mean, at first.\n"
                         "3. I: And?\n\u2022 P: Better.\n")
    assert turn_texts(read_file(path).interviews[0]) == [
        ("I", "interviewer", "How was it?"), ("P", "participant", "Hard.\n  - I mean, at first."),
        ("I", "interviewer", "And?"), ("P", "participant", "Better.")]


def test_labels_after_word_and_rtf_bullets(write):
    # Word's bullets come out of .rtf and pasted text as a middle dot (Symbol font) and a tab, or as
    # other bullet characters; Word's autoformat turns "- " into an en dash
    path = write("b.rtf", rb"{\rtf1{\listtext \'b7\tab}I: How was it?\par {\listtext \'b7\tab}P: Hard.\par"
                          rb"\u9679?\tab I: And later?\par \u9702? P: Better.\par \u9642? I: Why?\par"
                          rb"\endash  P: Time.\par}")
    assert [(t.speaker, t.role) for t in read_file(path).interviews[0].turns] == [
        ("I", "interviewer"), ("P", "participant")] * 3


def test_markdown_bold_labels(write):
    iv = read_file(write("m.md", "**Interviewer:** Hi?\n\n**P05:** Yes, hi.\n")).interviews[0]
    assert iv.format == "markdown"
    assert turn_texts(iv) == [("Interviewer", "interviewer", "Hi?"), ("P05", "participant", "Yes, hi.")]


def test_text_without_labels_is_paragraph_turns_with_warning(write):
    result = read_file(write("n.txt", "First answer here.\n\nSecond answer."))
    iv = result.interviews[0]
    assert [iv.turn_text(t) for t in iv.turns] == ["First answer here.", "Second answer."]
    assert "no speaker labels" in result.warnings[0]


def test_crlf_and_bom_text_offsets_refer_to_stored_text(write):
    path = write("w.txt", b"\xef\xbb\xbfI: Caf\xc3\xa9?\r\nP: Oui \xf0\x9f\x98\x80 bien.\r\n")
    iv = read_file(path).interviews[0]
    assert iv.text == "I: Café?\nP: Oui 😀 bien."
    assert iv.turn_text(iv.turns[1]) == "Oui 😀 bien."


def test_front_matter_only_is_an_error(write):
    with pytest.raises(InputError) as info:
        read_file(write("f.txt", "---\nsynthetic: true\n---\n"))
    assert info.value.code == "E107"


@pytest.mark.parametrize(("written", "named"), [("013", "013"), ("007", "007"), ("1:30", "1:30"), ("0x1F", "0x1F"),
                                              ("'013'", "013"), ("P013", "P013"), ("~", "p")])
def test_an_interview_id_in_front_matter_is_the_text_written(write, tmp_path, written, named):
    # YAML read 013 as the octal number 11, 007 as 7 and 1:30 as 90 seconds: interview 013's
    # codings then found no interview, or another one's text
    path = write("p.txt", f"---\ninterview_id: {written}\nsite: north\n---\nI: How was it?\nP: Fine, thanks.\n")
    interview = read_file(path).interviews[0]
    assert interview.id == named and interview.metadata == {"site": "north"}
    coded = tmp_path / "codings.csv"
    start = interview.text.index("Fine")
    coded.write_text(f"interview_id,start,end,code,coder\n{named},{start},{start + 4},well,a\n", encoding="utf-8")
    corpus = load_corpus([path], codings=[coded])
    assert [(c.interview_id, c.start) for c in corpus.codings] == [(named, start)]


def test_front_matter_values_are_the_values_written(write, tmp_path):
    # YAML would read site 01 as 1, Norway's code as false, a time as 630 seconds, version 1.10 as 1.1:
    # each a team's value, grouped by (evaluate --by) and exported as written; what YAML reads as written stays typed
    front = ("site: 01\ncountry: NO\ntime: 10:30\nversion: 1.10\nage: 34\nconsent: true\nscore: 2.5\n"
             "date: 2021-03-12\nquoted: '007'\nempty:\n")
    interview = read_file(write("p.txt", f"---\n{front}---\nI: How was it?\nP: Fine, thanks.\n")).interviews[0]
    expected = {"site": "01", "country": "NO", "time": "10:30", "version": "1.10", "age": 34, "consent": True,
                "score": 2.5, "date": "2021-03-12", "quoted": "007", "empty": None}
    assert interview.metadata == expected
    # a Word document's comments property, the same
    path = make_docx(tmp_path / "p.docx", [("I: ", "How was it?"), ("P: ", "Fine.")], comments=front)
    assert read_file(path).interviews[0].metadata.items() >= expected.items()


@pytest.mark.parametrize("front", [f"site: {yaml_bomb()}", "site: " + "[" * 3000, "site: &s [a, *s]"])
def test_front_matter_no_one_could_expand_is_refused_naming_the_file(write, front):
    # a billion laughs hung export (which writes the metadata out); deep nesting crashed PyYAML's composer
    with pytest.raises(InputError) as info:
        read_file(write("bomb.txt", f"---\n{front}\n---\nI: How was it?\nP: Fine.\n"))
    assert info.value.code == "E149" and "bomb.txt" in str(info.value) and "front matter" in str(info.value)


# --- docx --------------------------------------------------------------------------

def test_docx_bold_labels_and_prefix_labels(tmp_path):
    path = make_docx(tmp_path / "x.docx", [
        (None, "Interview 7"),
        ("Interviewer:", " How was it?"),
        ("Service user", ": It was okay, she listened."),
        (None, "P: A plain prefix works too."),
    ], comments="synthetic: true\nsite: demo")
    result = read_file(path)
    iv = result.interviews[0]
    assert iv.format == "docx"
    assert iv.metadata["synthetic"] is True
    assert turn_texts(iv) == [
        ("Interviewer", "interviewer", "How was it?"),
        ("Service user", "participant", "It was okay, she listened."),
        ("P", "participant", "A plain prefix works too."),
    ]


def test_docx_bold_labels_followed_by_a_time(tmp_path):
    # a bold "Speaker 1" then "  0:03" (the speech on the next line) made "0:03" speech and lost the time
    path = make_docx(tmp_path / "x.docx", [
        ("Speaker 1", "  0:03"), (None, "How was it?"),
        ("Speaker 2", " (00:00:15): Hard."),
        ("Speaker 1", " [1:02] Right."),
        ("Speaker 2", " 10:30 was when I left."),  # a time in speech stays speech
    ])
    interview = read_file(path).interviews[0]
    assert [(t.speaker, interview.text[t.start:t.end], t.timestamp) for t in interview.turns] == [
        ("Speaker 1", "How was it?", 3.0), ("Speaker 2", "Hard.", 15.0), ("Speaker 1", "Right.", 62.0),
        ("Speaker 2", "10:30 was when I left.", None)]


def test_docx_comments_no_one_could_expand_stay_text(tmp_path):
    bomb = f"site: {yaml_bomb(5)}"  # a .docx property holds 255 characters at most
    path = make_docx(tmp_path / "c.docx", [("Interviewer:", " How was it?"), ("Participant:", " Fine.")], comments=bomb)
    iv = read_file(path).interviews[0]
    assert iv.metadata["comments"] == bomb and len(iv.turns) == 2


def test_a_bold_heading_above_a_docx_transcript_is_no_speaker(tmp_path):
    # "Interview 12" in bold was a speaker, the details under it that speaker's speech
    path = make_docx(tmp_path / "h.docx", [
        ("Interview 12", ""), (None, "Date: 3 May 2024"), (None, "Place: the clinic"),
        ("MARGARET", ""), (None, "How was the ward?"), ("TOM", ""), (None, "Loud."),
        ("MARGARET", ""), (None, "And the nurses?"), ("TOM", ""), (None, "Kind."),
    ])
    result = read_file(path)
    iv = result.interviews[0]
    assert [(t.speaker, iv.text[t.start:t.end]) for t in iv.turns] == [
        ("MARGARET", "How was the ward?"), ("TOM", "Loud."), ("MARGARET", "And the nurses?"), ("TOM", "Kind.")]
    # the bold line alone is a heading, so only two lines of details stand above the speech: no warning of them
    assert not any("before the first speaker label" in w for w in result.warnings)


def test_a_word_heading_between_turns_is_not_the_speech_above_it(tmp_path):
    # a heading in Word's heading style ('Experiences of crisis') ended the participant's turn above it
    import docx

    document = docx.Document()
    document.add_heading("Interview 7", 1)
    for line in ("I: Who helped you?", "P: A nurse, Ruth,", "and a doctor."):
        document.add_paragraph(line)
    document.add_heading("Experiences of crisis", 2)
    for line in ("I: Tell me about it.", "P: It was bad."):
        document.add_paragraph(line)
    document.add_heading("Looking ahead", 2)
    for line in ("Though it got better.", "I: And now?", "P: Fine."):  # speech below a heading, with no label
        document.add_paragraph(line)
    document.save(str(tmp_path / "h.docx"))
    iv = read_file(tmp_path / "h.docx").interviews[0]
    assert [t[2] for t in turn_texts(iv) if t[1] == "participant"] == [
        "A nurse, Ruth,\nand a doctor.", "It was bad.\nLooking ahead\nThough it got better.", "Fine."]
    # a web page's heading likewise
    page = tmp_path / "h.html"
    page.write_text("<h1>Interview 7</h1><p>I: Who helped you?</p><p>P: A nurse.</p><h2>Crisis</h2>"
                    "<p>I: Tell me about it.</p><p>P: It was bad.</p>", encoding="utf-8")
    assert [t[2] for t in turn_texts(read_file(page).interviews[0])] == [
        "Who helped you?", "A nurse.", "Tell me about it.", "It was bad."]


def test_docx_table_transcript(tmp_path):
    import docx

    document = docx.Document()
    table = document.add_table(rows=3, cols=2)
    for row, (who, said) in zip(table.rows, [("Speaker", "Text"), ("I", "Hello?"), ("R", "Hi.")]):
        row.cells[0].text, row.cells[1].text = who, said
    document.save(str(tmp_path / "t.docx"))
    iv = read_file(tmp_path / "t.docx").interviews[0]
    assert turn_texts(iv) == [("I", "interviewer", "Hello?"), ("R", "participant", "Hi.")]


def docx_table(path, rows):
    """A .docx holding one table of ``rows`` (tuples of cell texts)."""
    import docx

    document = docx.Document()
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for row, cells in zip(table.rows, rows):
        for cell, text in zip(row.cells, cells):
            cell.text = text
    document.save(str(path))
    return path


@pytest.mark.parametrize("rows", TIMED_TABLES)
def test_docx_transcript_tables_with_time_and_line_number_columns(tmp_path, rows):
    # a time column before the speaker made "00:00:03" the label and the speaker's name speech:
    # the whole interview was one turn of speaker "unknown"
    iv = read_file(docx_table(tmp_path / "t.docx", rows)).interviews[0]
    assert turn_texts(iv) == [("I", "interviewer", "Who helped?"), ("P07", "participant", "Karen did."),
                              ("I", "interviewer", "Mm.")]
    assert [t.timestamp for t in iv.turns] == [3.0, 12.0, 62.0]
    assert "opening" not in iv.text and "GBR" not in iv.text
    assert [iv.line_at(t.start) for t in iv.turns] == table_line_numbers(rows)  # segments are cited by them


def test_docx_table_of_numbered_speakers_keeps_them(tmp_path):
    # a first column of numbers that recur names speakers; only distinct ones are line numbers
    rows = [("1", "00:00:03", "Who helped?"), ("2", "00:00:10", "Karen did."), ("1", "00:00:15", "Mm.")]
    iv = read_file(docx_table(tmp_path / "t.docx", rows)).interviews[0]
    assert [(t[0], t[2]) for t in turn_texts(iv)] == [("1", "Who helped?"), ("2", "Karen did."), ("1", "Mm.")]
    assert [t.timestamp for t in iv.turns] == [3.0, 10.0, 15.0]


def test_a_tables_line_numbers_hold_for_each_line_of_its_rows(tmp_path):
    rows = [("41", "I", "Who helped?"), ("42", "P", "Karen did.\nShe stayed late."), ("43", "I", "Mm.")]
    iv = read_file(docx_table(tmp_path / "t.docx", rows)).interviews[0]
    assert [(s.text, s.line) for s in Segmenter(roles=("participant", "interviewer")).segment([iv])] == [
        ("Who helped?", 41), ("Karen did.", 42), ("She stayed late.", 42), ("Mm.", 43)]


def test_docx_table_speech_that_is_a_number_or_a_time_stays_speech(tmp_path):
    # only cells before the speech are marks; a header word alone in speech is speech
    rows = [("Jo", "How many times?"), ("Sam", "3"), ("Jo", "When?"), ("Sam", "10:30"), ("Jo", "Text")]
    iv = read_file(docx_table(tmp_path / "t.docx", rows)).interviews[0]
    assert [t[2] for t in turn_texts(iv)] == ["How many times?", "3", "When?", "10:30", "Text"]


def test_docx_reads_passages_inside_content_controls_and_nested_tables(tmp_path):
    # templates and forms wrap whole passages in content controls (w:sdt) or custom XML;
    # those turns were dropped without a word
    import docx
    from docx.oxml import parse_xml

    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    document = docx.Document()
    document.add_paragraph("Interviewer: Who helped?")
    body = document.element.body
    body.insert(len(body) - 1, parse_xml(
        f'<w:sdt {w}><w:sdtPr><w:alias w:val="Answer"/></w:sdtPr><w:sdtContent>'
        '<w:p><w:r><w:t>Participant: She listened.</w:t></w:r></w:p></w:sdtContent></w:sdt>'))
    body.insert(len(body) - 1, parse_xml(
        f'<w:customXml {w} w:element="turn"><w:p><w:r><w:t>Interviewer: And?</w:t></w:r></w:p></w:customXml>'))
    row = document.add_table(rows=1, cols=2).rows[0]
    row.cells[0].text = "Participant"
    cell = row.cells[1]._tc
    cell.append(parse_xml(f'<w:sdt {w}><w:sdtContent><w:p><w:r><w:t>He drove me.</w:t></w:r></w:p>'
                          '</w:sdtContent></w:sdt>'))
    cell.append(parse_xml(f'<w:tbl {w}><w:tr><w:tc><w:p><w:r><w:t>Twice.</w:t></w:r></w:p></w:tc></w:tr></w:tbl>'))
    document.save(str(tmp_path / "t.docx"))
    iv = read_file(tmp_path / "t.docx").interviews[0]
    assert turn_texts(iv) == [("Interviewer", "interviewer", "Who helped?"),
                              ("Participant", "participant", "She listened."),
                              ("Interviewer", "interviewer", "And?"),
                              ("Participant", "participant", "He drove me.\nTwice.")]


def docx_of_table(path, rows):
    """A .docx holding one table of ``rows``, each a string of ``w:tc`` elements (or a
    ``w:sdt`` element, as it stands)."""
    import docx
    from docx.oxml import parse_xml

    document = docx.Document()
    body = document.element.body
    body.insert(len(body) - 1, parse_xml(f'<w:tbl xmlns:w="{W}">' + "".join(r if r.startswith("<w:sdt>") else f"<w:tr>{r}</w:tr>" for r in rows)
                                         + "</w:tbl>"))
    document.save(str(path))
    return path


W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CELL = "<w:tc>{}<w:p><w:r><w:t>{}</w:t></w:r></w:p></w:tc>".format


@pytest.mark.parametrize("header", [("Spreker", "Tekst"), ("Talare", "Tid", "Text"), ("Sprecher", "Zeit", "Inhalt"),
                                    ("Speaker name", "Verbatim")])
def test_a_docx_tables_header_in_another_language_is_no_speech(tmp_path, header):
    # "Spreker | Tekst" was a turn of a speaker 'Spreker' saying 'Tekst'
    rows = ["".join(CELL("", cell) for cell in header)] + [
        "".join(CELL("", cell) for cell in row) for row in (("I", "0:03", "Who helped?"), ("P", "0:09", "Jo did."))]
    if len(header) == 2:
        rows[1:] = ["".join(CELL("", cell) for cell in row) for row in (("I", "Who helped?"), ("P", "Jo did."))]
    interview = read_file(docx_of_table(tmp_path / "t.docx", rows)).interviews[0]
    assert turn_texts(interview) == [("I", "interviewer", "Who helped?"), ("P", "participant", "Jo did.")]


def test_a_docx_table_with_a_speaker_merged_down_a_thousand_rows_is_read(tmp_path):
    # python-docx found each merged cell's text by walking up the rows above, once per
    # cell: 400 rows took 4 s, and from about 500 the walk ran out of stack, so Word's
    # own file was refused as "not a valid .docx (RecursionError)"
    down = "<w:tcPr><w:vMerge{}/></w:tcPr>".format
    rows = [CELL("", "Interviewer") + CELL("", "Tell me about the ward.")]
    rows += [CELL(down(' w:val="restart"' if k == 0 else ""), "Participant" if k == 0 else "")
             + CELL("", f"Sentence {k}.") for k in range(1200)]
    with at_most(20):
        iv = read_file(docx_of_table(tmp_path / "t.docx", rows)).interviews[0]
    said = turn_texts(iv)
    assert said[0] == ("Interviewer", "interviewer", "Tell me about the ward.")
    assert {who for who, _, _ in said[1:]} == {"Participant"}
    assert "\n".join(text for _, _, text in said[1:]) == "\n".join(f"Sentence {k}." for k in range(1200))


def test_a_docx_cell_declared_over_a_million_columns_is_read_at_once(tmp_path):
    # a 20 kB file whose cells each declared a span of a million columns kept the reader
    # busy for minutes (python-docx repeats a merged cell in each column it covers)
    from tr_nlp.codebook_table import document_tables

    wide = CELL('<w:tcPr><w:gridSpan w:val="1000000"/></w:tcPr>', "Participant") + CELL("", "She listened.")
    with at_most(10):
        path = docx_of_table(tmp_path / "t.docx", [CELL("", "Interviewer") + CELL("", "Who helped?")] + [wide] * 40)
        iv = read_file(path).interviews[0]
        assert turn_texts(iv)[:2] == [("Interviewer", "interviewer", "Who helped?"),
                                      ("Participant", "participant", "She listened.")]
        # a codebook's tables spread a merged cell over the columns it covers, up to Word's 63
        assert {len(row) for row in document_tables(path)[0][1][1:]} == {64}


def test_a_docx_table_s_rows_and_cells_in_content_controls_are_read(tmp_path):
    # a template's repeating section wraps rows in a content control, and custom XML can wrap
    # a cell: python-docx sees neither, and their speech was dropped without a word
    rows = [CELL("", "Interviewer") + CELL("", "Who helped?"),
            f'<w:sdt><w:sdtContent><w:tr>{CELL("", "Participant") + CELL("", "Jo did.")}</w:tr></w:sdtContent></w:sdt>',
            CELL("", "Interviewer") + f'<w:customXml w:element="answer">{CELL("", "When?")}</w:customXml>']
    assert turn_texts(read_file(docx_of_table(tmp_path / "t.docx", rows)).interviews[0]) == [
        ("Interviewer", "interviewer", "Who helped?"), ("Participant", "participant", "Jo did."),
        ("Interviewer", "interviewer", "When?")]


def test_a_docx_cell_merged_down_from_no_row_or_over_no_number_of_columns_is_read(tmp_path):
    # both were refused as "not a valid .docx" (python-docx's ValueError); Word shows the cells
    rows = [CELL("<w:tcPr><w:vMerge/></w:tcPr>", "Interviewer") + CELL("", "Who helped?"),
            CELL('<w:tcPr><w:gridSpan w:val="two"/></w:tcPr>', "Participant") + CELL("", "Jo did."),
            CELL('<w:tcPr><w:gridSpan w:val="\u00b2"/></w:tcPr>', "Interviewer") + CELL("", "When?"),
            CELL(f'<w:tcPr><w:gridSpan w:val="{"9" * 5000}"/></w:tcPr>', "Participant") + CELL("", "Twice.")]
    iv = read_file(docx_of_table(tmp_path / "t.docx", rows)).interviews[0]
    assert turn_texts(iv) == [("Interviewer", "interviewer", "Who helped?"), ("Participant", "participant", "Jo did."),
                              ("Interviewer", "interviewer", "When?"), ("Participant", "participant", "Twice.")]


@pytest.mark.parametrize("ids", [["P07"] * 4, ["Q1", "Q2", "Q3", "Q4"], ["1a", "1b", "2", "3"]])
def test_a_docx_table_s_first_column_of_row_ids_is_no_speaker(tmp_path, ids):
    # the interview's id merged down the table, or a question's number in each row, was taken
    # for the speaker: 'P07' spoke the interviewer's questions, 'Q1' to 'Q4' the answers
    down = "<w:tcPr><w:vMerge{}/></w:tcPr>".format
    said = [("Interviewer", "Who helped?"), ("Participant", "Jo did."), ("Interviewer", "When?"),
            ("Participant", "Twice.")]
    if len(set(ids)) == 1:  # merged down
        firsts = [CELL(down(' w:val="restart"'), ids[0])] + [CELL(down(""), "")] * 3
    else:
        firsts = [CELL("", first) for first in ids]
    rows = [first + CELL("", who) + CELL("", text) for first, (who, text) in zip(firsts, said)]
    iv = read_file(docx_of_table(tmp_path / "t.docx", rows)).interviews[0]
    assert turn_texts(iv) == [(who, who.lower(), text) for who, text in said]


@pytest.mark.parametrize("header", [["Interview ID", "Speaker", "Text", "Codes"], ["No.", "Role", "Response", "Themes"]])
def test_a_docx_table_s_header_may_name_other_columns_beside_speaker_and_text(tmp_path, header):
    # 'Interview ID | Speaker | Text' was no header, so it was read as speech and its codes column as speech too
    rows = [header, ["P07", "I", "Who helped?", ""], ["P07", "P", "Jo did.", "trust"], ["P07", "I", "When?", ""]]
    result = read_file(docx_of_table(tmp_path / "t.docx", ["".join(CELL("", c) for c in row) for row in rows]))
    assert turn_texts(result.interviews[0]) == [("I", "interviewer", "Who helped?"), ("P", "participant", "Jo did."),
                                                ("I", "interviewer", "When?")]
    text = result.interviews[0].text
    assert [(c.code, text[c.start:c.end]) for c in result.comment_codings] == [("trust", "Jo did.")]


@pytest.mark.parametrize("header", [["Timespan", "Content", "Speaker"], []])
def test_a_docx_table_with_the_speaker_after_the_speech_as_nvivo_lays_out_transcripts(tmp_path, header):
    # each row was one 'unknown' speaker's text with the name at its end: "Who helped? Jane"
    rows = [["0:00:01.0 - 0:00:03.2", "Who helped?", "Jane"], ["0:00:03.2 - 0:00:09.0", "Jo did, at first.", "Sam"],
            ["0:00:09.0 - 0:00:12.5", "and later too.", ""], ["0:00:12.5 - 0:00:14.0", "When?", "Jane"]]
    path = docx_of_table(tmp_path / "t.docx", ["".join(CELL("", c) for c in row) for row in [header, *rows] if row])
    iv = read_file(path).interviews[0]
    assert turn_texts(iv) == [("Jane", "interviewer", "Who helped?"),
                              ("Sam", "participant", "Jo did, at first.\nand later too."),
                              ("Jane", "interviewer", "When?")]
    assert [t.timestamp for t in iv.turns] == [1.0, 3.2, 12.5]


def test_a_docx_table_of_questions_and_answers_gives_the_interviewer_and_the_participant_a_turn_each(tmp_path):
    # each row was one turn of a speaker '1' (or 'Q1'), question and answer run together
    rows = [["No.", "Question", "Answer", "Codes"], ["1", "What happened first?", "I was admitted.", ""],
            ["2", "Who helped?", "My nurse did, every week.", "warmth"], ["3", "", "More than once.", ""]]
    result = read_file(docx_of_table(tmp_path / "t.docx", ["".join(CELL("", c) for c in row) for row in rows]))
    iv = result.interviews[0]
    assert turn_texts(iv) == [("Interviewer", "interviewer", "What happened first?"),
                              ("Participant", "participant", "I was admitted."),
                              ("Interviewer", "interviewer", "Who helped?"),
                              ("Participant", "participant", "My nurse did, every week."),
                              ("Participant", "participant", "More than once.")]
    assert [(c.code, iv.text[c.start:c.end]) for c in result.comment_codings] == [
        ("warmth", "My nurse did, every week.")]
    # a column naming who answered names each answer's speaker
    rows = [["Participant", "Question", "Response"], ["P1", "Who helped?", "Karen."], ["P2", "Who helped?", "No one."]]
    iv = read_file(docx_of_table(tmp_path / "u.docx", ["".join(CELL("", c) for c in row) for row in rows])).interviews[0]
    assert [t.speaker for t in iv.turns] == ["Interviewer", "P1", "Interviewer", "P2"]


def test_a_docx_table_s_speaker_cells_written_with_a_colon_give_speech_without_it(tmp_path):
    # 'I:' in the speaker cell made 'I:: Who helped?', and each turn's speech ': Who helped?'
    rows = [CELL("", who) + CELL("", text) for who, text in [("I:", "Who helped?"), ("P :", "Jo did."), ("I:", "When?")]]
    iv = read_file(docx_of_table(tmp_path / "t.docx", rows)).interviews[0]
    assert turn_texts(iv) == [("I", "interviewer", "Who helped?"), ("P", "participant", "Jo did."),
                              ("I", "interviewer", "When?")]
    assert iv.text == "I: Who helped?\nP: Jo did.\nI: When?"


def test_a_docx_table_s_header_row_under_a_title_row_is_no_speech(tmp_path):
    # the header under a title merged across the table was a turn of a speaker 'Time', 'Speaker Text'
    span = '<w:tcPr><w:gridSpan w:val="4"/></w:tcPr>'
    rows = [CELL(span, "Interview 7, 12 May"), "".join(CELL("", c) for c in ["Time", "Speaker", "Text", "Codes"])]
    rows += ["".join(CELL("", c) for c in row) for row in [["00:00:03", "I", "Who helped?", ""],
                                                           ["00:00:09", "P", "Jo did.", "warmth"]]]
    result = read_file(docx_of_table(tmp_path / "t.docx", rows))
    iv = result.interviews[0]
    assert iv.text == "Interview 7, 12 May\n[00:00:03] I: Who helped?\n[00:00:09] P: Jo did."
    assert [(t.speaker, t.timestamp) for t in iv.turns] == [("I", 3.0), ("P", 9.0)]
    assert [(c.code, iv.text[c.start:c.end]) for c in result.comment_codings] == [("warmth", "Jo did.")]


def test_a_docx_table_s_first_column_of_speakers_stays_beside_a_column_of_roles(tmp_path):
    rows = [CELL("", name) + CELL("", who) + CELL("", text) for name, who, text in [
        ("Jane", "I", "Who helped?"), ("Sam", "P", "Jo did."), ("Jane", "I", "When?")]]
    assert [t.speaker for t in read_file(docx_of_table(tmp_path / "t.docx", rows)).interviews[0].turns] == [
        "Jane", "Sam", "Jane"]


def test_docx_table_of_details_gives_no_speakers_but_a_transcript_table_does(tmp_path):
    # a details table above the transcript made "12 March" the speech of a participant "Date"
    import docx

    document = docx.Document()
    details = document.add_table(rows=2, cols=2)
    for row, cells in zip(details.rows, [("Date", "12 March"), ("Location", "Leeds")]):
        row.cells[0].text, row.cells[1].text = cells
    document.add_paragraph("Interviewer: How was it?")
    document.add_paragraph("Participant: Hard.")
    talk = document.add_table(rows=3, cols=2)
    for row, cells in zip(talk.rows, [("Jo", "And then?"), ("Sam", "Better."), ("Jo", "Good.")]):
        row.cells[0].text, row.cells[1].text = cells
    document.save(str(tmp_path / "t.docx"))
    iv = read_file(tmp_path / "t.docx", ReadOptions(roles=RoleMap.from_pairs(["Jo=interviewer"]))).interviews[0]
    assert turn_texts(iv) == [("Interviewer", "interviewer", "How was it?"), ("Participant", "participant", "Hard."),
                              ("Jo", "interviewer", "And then?"), ("Sam", "participant", "Better."),
                              ("Jo", "interviewer", "Good.")]


def test_truncated_docx_is_a_clear_error(tmp_path):
    good = make_docx(tmp_path / "good.docx", [("I:", " hi")])
    data = good.read_bytes()
    bad = tmp_path / "bad.docx"
    bad.write_bytes(data[: len(data) // 2])
    with pytest.raises(InputError) as info:
        read_file(bad)
    assert info.value.code == "E110"
    assert "bad.docx" in str(info.value)


@pytest.mark.parametrize("name,member", [("bomb.docx", "word/document.xml"), ("bomb.xlsx", "xl/workbook.xml")])
def test_office_zip_bombs_are_refused_under_the_qdpx_policy(tmp_path, name, member):
    path = tmp_path / name
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(member, bytes(20 * 2**20))  # far under the 200 MB total, but ~1000:1
    with pytest.raises(InputError) as info:
        read_file(path)
    assert info.value.code == "E111" and "(over 100:1)" in str(info.value) and member in str(info.value)


def test_a_bomb_entry_padded_with_incompressible_data_is_refused(tmp_path):
    # the archive as a whole compresses about 30:1, like ordinary office files; one entry 1000:1
    path = tmp_path / "padded.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", "<w:document/>")
        archive.writestr("word/media/bomb.bin", bytes(30 * 2**20))
        archive.writestr("word/media/pad.bin", os.urandom(2**20))
    with pytest.raises(InputError) as info:
        read_file(path)
    assert info.value.code == "E111" and "word/media/bomb.bin" in str(info.value)


@pytest.mark.parametrize("name,member,says", [
    ("photos.docx", "word/document.xml", "(2 MB of it pictures, audio or video), more than the 1 MB tr_nlp unpacks "
                                         "from one .docx file; save a copy with its pictures compressed or deleted"),
    ("big.xlsx", "xl/workbook.xml", "more than the 1 MB tr_nlp unpacks from one .xlsx file; save the sheet"),
])
def test_an_office_file_that_unpacks_past_the_limit_is_too_large_not_a_bomb(tmp_path, monkeypatch, name, member, says):
    # it was refused as "looks like a zip bomb" (E111): a transcript with many photographs is no attack
    monkeypatch.setattr(archive, "MAX_UNPACKED_MB", 1)
    path = tmp_path / name
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as packed:
        packed.writestr(member, "<w:document/>")
        packed.writestr("word/media/image1.png" if name.endswith(".docx") else "xl/data.bin", os.urandom(2 * 2**20))
    with pytest.raises(InputError) as info:
        read_file(path)
    assert info.value.code == "E119" and name in str(info.value) and says in str(info.value), str(info.value)


def test_an_odt_s_pictures_are_not_counted_as_they_are_never_read(tmp_path, monkeypatch):
    from test_comments import odt_file

    monkeypatch.setattr(archive, "MAX_UNPACKED_MB", 1)
    path = odt_file(tmp_path / "p05.odt", "<text:p>Interviewer: How was it?</text:p><text:p>Participant: Fine.</text:p>")
    with zipfile.ZipFile(path, "a") as packed:
        packed.writestr("Pictures/ward.jpg", os.urandom(2 * 2**20))
    assert read_file(path).interviews[0].text.endswith("Fine.")
    with zipfile.ZipFile(path, "a") as packed:
        packed.writestr("settings.xml", os.urandom(2**20).hex())
    with pytest.raises(InputError, match="E119"):
        read_file(path)


def with_doctype(path, doctype: str, reference: str):
    """``path`` (a .docx) with a DTD in word/document.xml and ``reference`` in its first text."""
    hostile = path.with_name("hostile.docx")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(hostile, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "word/document.xml":
                xml = data.decode("utf-8")
                head = xml.index("?>") + 2
                xml = xml[:head] + doctype + xml[head:]
                first = xml.index(">", xml.index("<w:t")) + 1
                data = (xml[:first] + reference + xml[first:]).encode("utf-8")
            out.writestr(info, data)
    return hostile


def test_a_docx_external_entity_is_never_resolved(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT", encoding="utf-8")
    plain = make_docx(tmp_path / "plain.docx", [("Interviewer:", " Tell me."), ("Participant:", " Fine.")])
    hostile = with_doctype(plain, f'<!DOCTYPE w:document [<!ENTITY x SYSTEM "{secret.as_uri()}">]>', "&x;")
    text = read_file(hostile).interviews[0].text
    assert "TOP-SECRET" not in text and "Fine." in text


def test_a_docx_entity_expansion_bomb_is_a_clear_error(tmp_path):
    levels = '<!ENTITY a0 "lol">' + "".join(f'<!ENTITY a{k} "{f"&a{k - 1};" * 10}">' for k in range(1, 10))
    plain = make_docx(tmp_path / "plain.docx", [("Interviewer:", " Tell me."), ("Participant:", " Fine.")])
    hostile = with_doctype(plain, f"<!DOCTYPE w:document [{levels}]>", "&a9;")  # 10^9 'lol's
    with pytest.raises(InputError) as info:
        read_file(hostile)
    assert info.value.code == "E110" and "hostile.docx" in str(info.value)


def test_office_files_of_ordinary_compression_are_read(tmp_path):
    words = " ".join(f"word{i % 5000}" for i in range(400_000))  # ~4 MB of text, about 10:1 packed
    path = make_docx(tmp_path / "long.docx", [("I:", " Tell me."), ("P:", " " + words)])
    assert len(read_file(path).interviews[0].text) > 3_000_000


# --- rtf ---------------------------------------------------------------------------

F4_RTF = (rb"{\rtf1\ansi\ansicpg1252\deff0{\fonttbl{\f0\fnil\fcharset0 Arial;}}{\colortbl ;\red0\green0\blue0;}"
          rb"{\*\generator f4transkript 7;}{\info{\title Interview 12}{\author K. Smith}{\keywords ward, nurse}}"
          b"\r\n"
          rb"\viewkind4\uc1\pard\lang1031\f0\fs20 I: Wie ging es Ihnen auf der Station? #00:00:05-2#\par" b"\r\n"
          rb"\par" b"\r\n"
          rb"B: Die Pflegerin hat mir zugeh\'f6rt, {\b wirklich} zugeh\u246?rt.\line Sie kam jeden Tag. #00:00:12-4#\par"
          b"\r\n"
          rb"I: Und die \u196\'c4rzte?\par" b"\r\n"
          rb"B: Na ja {\field{\*\fldinst HYPERLINK x}{\fldrslt sie}} {\pict\wmetafile8 0a0b0c}kamen selten\emdash nie"
          rb" am Wochenende.\~\par}" b"\x00 trailing")


def test_rtf_from_f4_reads_as_the_document_shows_it(write):
    result = read_file(write("f4.rtf", F4_RTF))
    iv = result.interviews[0]
    assert (iv.id, iv.format, iv.metadata) == ("f4", "rtf", {"title": "Interview 12", "keywords": "ward, nurse"})
    assert turn_texts(iv) == [
        ("I", "interviewer", "Wie ging es Ihnen auf der Station?"),
        ("B", "participant", "Die Pflegerin hat mir zugehört, wirklich zugehört.\nSie kam jeden Tag."),
        ("I", "interviewer", "Und die Ärzte?"),
        ("B", "participant", "Na ja sie kamen selten\u2014nie am Wochenende."),
    ]
    assert "f4transkript" not in iv.text and "Arial" not in iv.text and "Smith" not in iv.text
    assert result.warnings == []


COMPOUND = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)  # a Microsoft compound file's header


def test_a_doc_file_is_read_by_what_it_holds(write, tmp_path):
    # every .doc was passed over ("no reader takes their type"), though services write RTF,
    # text or a .docx under that name, and Word opens them all
    rtf = read_file(write("p07.doc", F4_RTF))
    assert rtf.interviews[0].format == "rtf" and len(rtf.interviews[0].turns) == 4
    assert rtf.warnings[0] == "holds RTF, not Word 97-2003's binary format; read as such"
    text = read_file(write("p08.doc", "\ufeffI: Who helped?\nP: The nurse.\n"))
    assert turn_texts(text.interviews[0])[1] == ("P", "participant", "The nurse.") and text.interviews[0].id == "p08"
    assert text.warnings[0].startswith("holds plain text")
    make_docx(tmp_path / "p09.doc", [(None, "I: Who helped?"), (None, "P: The nurse.")])
    docx = read_file(tmp_path / "p09.doc")
    assert docx.interviews[0].format == "docx" and docx.warnings[0].startswith("holds a .docx document")


@pytest.mark.parametrize(("name", "content", "code", "says"), [
    ("p07.doc", COMPOUND, "E110", "not a valid .doc ("),  # a header and nothing more
    ("p07.docx", COMPOUND, "E114", ("is in Word 97-2003 (binary .doc) format, which tr_nlp does not read; open it "
                                    "in Word or LibreOffice and save it as .docx (many at once: soffice --headless "
                                    "--convert-to docx *.doc)")),
    ("p07.docx", COMPOUND + "EncryptedPackage".encode("utf-16-le"), "E113",
     "is password-protected (an encrypted .docx), and tr_nlp asks for no password; open it in Word"),
    ("p07.doc", b"  \r\n", "E101", "the file is empty"),
    ("p07.odt", COMPOUND, "E114", "save it as .odt (many at once: soffice --headless --convert-to odt *.doc)"),
])
def test_a_compound_file_is_refused_saying_how_to_save_it(write, name, content, code, says):
    # an encrypted .docx (a common safeguard for health data) was "not a valid .docx (corrupt
    # or truncated zip...)", and a Word 97-2003 .doc "unsupported file type"
    with pytest.raises(InputError) as info:
        read_file(write(name, content))
    assert info.value.code == code and says in str(info.value) and name in str(info.value)


def test_a_password_protected_odt_is_refused_saying_so(tmp_path):
    # LibreOffice encrypts the parts inside the zip: "content.xml: not well-formed", "save it again"
    path = tmp_path / "p07.odt"
    manifest = ('<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
                '<manifest:file-entry manifest:full-path="content.xml"><manifest:encryption-data '
                'manifest:checksum-type="SHA1/1K"/></manifest:file-entry></manifest:manifest>')
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", os.urandom(200))
        archive.writestr("META-INF/manifest.xml", manifest)
    with pytest.raises(InputError, match=r"p07.odt: \[E113\] is password-protected \(an encrypted .odt\).*open it in "
                                         r"LibreOffice Writer with its password.*'Save with password' unticked"):
        read_file(path)


def test_a_workbook_in_excels_old_or_encrypted_format_is_refused_saying_how_to_save_it(write):
    from tr_nlp.ingest.codings import read_codings

    with pytest.raises(InputError, match=r"E114\] is in Excel 97-2003 \(binary .xls\) format.*save it as .xlsx"):
        read_codings(write("codings.xls", COMPOUND))
    with pytest.raises(InputError, match=r"E113\] is password-protected \(an encrypted .xlsx\).*open it in Excel"):
        read_codings(write("codings.xlsx", COMPOUND + "EncryptedPackage".encode("utf-16-le")))
    with pytest.raises(InputError, match="E114"):
        read_file(write("utterances.xls", COMPOUND))


def test_a_doc_the_docx_beside_it_was_saved_from_is_left_out_of_a_folder(tmp_path):
    from conftest import make_pdf

    # after `soffice --convert-to docx *.doc`, each .doc beside its .docx failed as unreadable
    make_docx(tmp_path / "p07.docx", [(None, "I: Who helped?"), (None, "P: The nurse.")])
    (tmp_path / "p07.doc").write_bytes(COMPOUND)
    (tmp_path / "p08.doc").write_bytes(COMPOUND)
    (tmp_path / "p09.doc").write_bytes(F4_RTF)
    make_pdf(tmp_path / "p09.pdf", PDF_PAGES)  # the printout of the .doc beside it
    corpus = load_corpus([tmp_path])
    assert [(iv.id, iv.format) for iv in corpus.interviews] == [("p07", "docx"), ("p09", "rtf")]
    assert [(Path(f.path).name, f.error.code) for f in corpus.failures] == [("p08.doc", "E110")]
    assert any("2 PDF or .doc file(s) left out as copies" in w and "p07.doc" in w and "p09.pdf" in w
               for w in corpus.warnings)


def test_rtf_tables_unicode_escapes_and_code_pages(write):
    # a Word table of speaker | text rows; \uN with a fallback of two (\uc2), a surrogate pair; a Cyrillic code page
    rtf = (rb"{\rtf1\ansi\ansicpg1251{\stylesheet{\s0 Normal;}}\uc2"
           rb"\trowd\cellx1000\cellx9000\intbl Interviewer\cell What helped\u8217\'3f\'3fs the word?\cell\row"
           rb"\trowd\cellx1000\cellx9000\intbl Participant\cell \'cf\'f0\'e8\'e2\'e5\'f2 \u-10179??\u-8704??\cell\row}")
    iv = read_file(write("t.rtf", rtf)).interviews[0]
    assert turn_texts(iv) == [("Interviewer", "interviewer", "What helped\u2019s the word?"),
                              ("Participant", "participant", "Привет \U0001f600")]


def test_rtf_speaker_labels_set_in_bold_without_a_colon_are_labels(write):
    # as in .docx and .odt; Word writes bold as \b inside a run's group, or \b ... \b0, or resets it with \plain
    rtf = (rb"{\rtf1\ansi{\fonttbl{\f0 Arial;}}"
           rb"\pard{\rtlch\fcs1 \b\insrsid1 Interviewer}{\insrsid1  How was the ward?}\par"
           rb"\pard\b Zo\'eb\b0 : It was loud.\par"
           rb"\pard{\i Italic} is no label.\par"
           rb"\pard{\b A bold sentence far too long to be a label} then text.\par"
           rb"\pard Plain {\b bold} inside.\par"
           rb"\pard{\b Thank you.} That helps.\par"
           rb"\pard\b Interviewer\plain  And after that?\par"
           rb"\pard\tab{\b Zo\u235?}\tab It got better.\par"
           rb"\pard{\b Note}\par\pard The recorder stopped here.\par}")  # a note: no one's speech
    iv = read_file(write("b.rtf", rtf)).interviews[0]
    assert turn_texts(iv) == [
        ("Interviewer", "interviewer", "How was the ward?"),
        ("Zoë", "participant", "It was loud.\nItalic is no label.\nA bold sentence far too long to be a label then "
                               "text.\nPlain bold inside.\nThank you. That helps."),
        ("Interviewer", "interviewer", "And after that?"),
        ("Zoë", "participant", "It got better."), ("Note", "other", "The recorder stopped here."),
    ]


@pytest.mark.parametrize("content,code,detail", [
    (b"Interviewer: this is plain text saved as .rtf\n", "E110", "not a valid .rtf (it does not start with '{\\rtf')"),
    (rb"{\rtf1{\fonttbl{\f0 Arial;}}\par\par}", "E101", "the file is empty"),
    (b"", "E101", "the file is empty"),
])
def test_broken_rtf_is_refused_naming_the_file(write, content, code, detail):
    path = write("bad.rtf", content)
    with pytest.raises(InputError) as info:
        read_file(path)
    assert info.value.code == code and str(info.value).startswith(f"{path}: [{code}] {detail}")


def test_a_cut_short_rtf_is_read_with_a_warning(write):
    result = read_file(write("cut.rtf", rb"{\rtf1{\fonttbl{\f0 Arial;}}I: How was it?\par P: She list" + b"{" * 50_000))
    assert turn_texts(result.interviews[0]) == [("I", "interviewer", "How was it?"), ("P", "participant", "She list")]
    assert result.warnings == [("the file ends inside 50001 open group(s): it may be cut short; "
                                "open it in Word and save it again")]


# --- pdf ---------------------------------------------------------------------------

PDF_PAGES = [
    ["Helping relationships study - interview 12 - confidential",
     "Interviewer: How was it on the ward when you first came in?",
     "Participant: Loud. Nobody had time, and then one nurse, she",
     "sat with me that first night, which she didn't have to do.", "1"],
    ["Helping relationships study - interview 12 - confidential",
     "It made all the difference, honestly.",
     "Interviewer: Did you see her again?", "Page 2 of 3"],
    ["Helping relationships study - interview 12 - confidential",
     "Participant: Every shift she was on. We'd talk about football,",
     "3", "not about my diagnosis.", "- 3 -"],
]


#: A transcript's pages as a PDF prints them, the participant speaking across the first page break
PRINTED = [["I: Who helped you?", "P: There was a nurse, Jo,"], ["who stayed late.", "I: And then?", "P: Home."],
           ["I: Mm.", "P: It was fine."]]


@pytest.mark.parametrize("how", ["pdftotext", "copied"])
def test_a_text_made_of_a_pdf_leaves_out_its_page_furniture(write, how):
    # pdftotext writes a form feed between pages, and a copy out of a PDF viewer keeps each page's
    # footer: the running header and "Page 1 of 3" were the words of whoever spoke across the page
    pages = ["\n".join(["Study 7 - P12 - CONFIDENTIAL", *lines, f"Page {n} of 3"]) for n, lines in enumerate(PRINTED, 1)]
    raw = "\f".join(pages) + "\f" if how == "pdftotext" else "\n".join(pages) + "\n"
    result = read_file(write("p12.txt", raw))
    interview = result.interviews[0]
    assert [(t.speaker, " ".join(interview.text[t.start:t.end].split())) for t in interview.turns] == [
        ("I", "Who helped you?"), ("P", "There was a nurse, Jo, who stayed late."), ("I", "And then?"),
        ("P", "Home."), ("I", "Mm."), ("P", "It was fine.")]
    assert result.warnings == [(
        "left out 6 running header, footer and page-number line(s) of 3 page(s), such as "
        "'Study 7 - P12 - CONFIDENTIAL', 'Page 1 of 3'; they are spaces in the stored text, so offsets and line "
        "numbers stay the file's")]
    # every offset and line is the file's, as an editor shows it (a form feed starts no line there)
    assert len(interview.text) == len(raw.rstrip("\f\n"))
    lines = raw.split("\n")
    segments = Segmenter().segment([interview])
    assert [s.text for s in segments][-2:] == ["Home.", "It was fine."]
    assert all(s.text.split()[0] in lines[s.line - 1] for s in segments)
    # pages are told by their numbers rising, three or more: speech that names a page is speech
    said = "I: Which page?\nPage 3\nP: Page 2.\nPage 2\nI: And?\nPage 4\n"
    kept = read_file(write("pages.txt", said))
    assert kept.interviews[0].text == said.strip() and not kept.warnings


def test_a_word_document_pasted_out_of_a_pdf_leaves_out_its_page_furniture(tmp_path):
    paragraphs = [(None, line) for n, lines in enumerate(PRINTED, 1)
                  for line in ["Study 7 - P12 - CONFIDENTIAL", *lines, f"Page {n} of 3"]]
    result = read_file(make_docx(tmp_path / "p12.docx", paragraphs))
    interview = result.interviews[0]
    assert [" ".join(interview.text[t.start:t.end].split()) for t in interview.turns][:2] == [
        "Who helped you?", "There was a nurse, Jo, who stayed late."]
    assert result.warnings[0].startswith("left out 6 running header, footer and page-number line(s) of 3 page(s)")


def test_a_pdf_printout_numbered_for_citing_gives_its_segments_their_lines(tmp_path):
    from conftest import make_pdf

    pages = [[f"{n}   {'PI'[n % 2]}: {'Why' if n % 2 else 'Because'} on page {page}, line {n}." for n in range(1, 7)]
             for page in (1, 2)]  # numbered again on each page, as a printout is
    iv = read_file(make_pdf(tmp_path / "p12.pdf", pages)).interviews[0]
    assert "line 6." in iv.text and "1   I" not in iv.text
    assert [(s.text, s.line) for s in Segmenter().segment([iv])][:2] == [
        ("Because on page 1, line 2.", 2), ("Because on page 1, line 4.", 4)]
    assert [iv.line_at(iv.text.index(f"page 2, line {n}.")) for n in (1, 6)] == [1, 6]


def test_pdf_transcript_without_running_headers_footers_and_page_numbers(tmp_path):
    from conftest import make_pdf

    result = read_file(make_pdf(tmp_path / "p12.pdf", PDF_PAGES, title="Interview 12"))
    iv = result.interviews[0]
    assert (iv.id, iv.format, iv.metadata) == ("p12", "pdf", {"title": "Interview 12"})
    assert turn_texts(iv) == [
        ("Interviewer", "interviewer", "How was it on the ward when you first came in?"),
        ("Participant", "participant", "Loud. Nobody had time, and then one nurse, she\nsat with me that first "
                                       "night, which she didn't have to do.\nIt made all the difference, honestly."),
        ("Interviewer", "interviewer", "Did you see her again?"),
        ("Participant", "participant", "Every shift she was on. We'd talk about football,\n3\nnot about my diagnosis."),
    ]  # a "3" said mid-page stays; the header, "1", "Page 2 of 3" and "- 3 -" go
    assert "confidential" not in iv.text and result.warnings == [
        "left out 6 running header, footer and page-number line(s) of 3 page(s), such as 'Helping relationships "
        "study - interview 12 - confidential', '1', 'Page 2 of 3' and 1 other(s)"]  # said, never silent


def test_a_pdf_printout_beside_its_document_is_left_out_of_a_folder(tmp_path):
    from conftest import make_pdf

    make_docx(tmp_path / "p12.docx", [(None, "I: How was it?"), (None, "P: Loud.")])
    make_pdf(tmp_path / "p12.pdf", PDF_PAGES)
    make_pdf(tmp_path / "p13.pdf", PDF_PAGES)
    corpus = load_corpus([tmp_path])
    assert sorted((iv.id, iv.format) for iv in corpus.interviews) == [("p12", "docx"), ("p13", "pdf")]
    assert any("1 PDF or .doc file(s) left out as copies of the transcript of the same name beside them" in w
               and "p12.pdf" in w for w in corpus.warnings)


def test_subtitles_beside_a_transcript_of_the_same_name_are_left_out_of_a_folder(tmp_path):
    # noScribe's .html beside the .vtt it also exported: the same interview, whose texts differ by the header
    # and labels, failed with E166 (one id, two texts)
    from test_webpage import NOSCRIBE

    (tmp_path / "interview 07.html").write_text(NOSCRIBE, encoding="utf-8")
    (tmp_path / "interview 07.vtt").write_text(
        "WEBVTT\n\n00:00:00.000 --> 00:00:09.000\n<v S00>So, um, thanks for coming. How was the ward?\n\n"
        "00:00:09.500 --> 00:00:15.000\n<v S01>It was, um, fine I suppose (..) you know.\n", encoding="utf-8")
    (tmp_path / "p08.srt").write_text("1\n00:00:01,000 --> 00:00:02,000\nI: Hello?\n", encoding="utf-8")
    # a PDF (or .doc) beside subtitles is the one left out, as a printout: the subtitles are read
    from conftest import make_pdf

    make_pdf(tmp_path / "p08.pdf", [["I: Hello?"]])
    corpus = load_corpus([tmp_path])
    assert sorted((iv.id, iv.format) for iv in corpus.interviews) == [("interview 07", "html"), ("p08", "srt")]
    assert [f.error for f in corpus.files] == [None, None]
    assert f"{tmp_path}: 1 subtitle file(s) left out beside the transcript of the same name, which is read " \
           f"(another export of it): '{tmp_path / 'interview 07.vtt'}'" in corpus.warnings


def test_the_lock_file_word_keeps_beside_an_open_document_is_never_read_but_said(tmp_path):
    make_docx(tmp_path / "p12.docx", [(None, "I: How was it?"), (None, "P: Loud.")])
    make_docx(tmp_path / "interview14.docx", [(None, "I: And then?"), (None, "P: Quiet.")])
    # what Word writes while p12.docx and interview14.docx are open: the user's name in a few bytes
    lock, long = tmp_path / "~$p12.docx", tmp_path / "~$terview14.docx"
    for path in (lock, long):
        path.write_bytes(b"\x05Alice" + b" " * 48 + b"\x00" * 108)
    said = "lock file(s) left out, which Word keeps beside a document while it is open"
    for given in ([tmp_path], [tmp_path / "*.docx"], sorted(tmp_path.glob("*.docx"))):  # a folder, a glob, the shell's
        corpus = load_corpus(given)
        assert sorted(iv.id for iv in corpus.interviews) == ["interview14", "p12"] and not corpus.failures
        warned = [w for w in corpus.warnings if said in w]
        assert all(w.endswith("; what is not saved in such a document yet is not read") for w in warned)
        assert sum(f"'{lock}'" in w for w in warned) == sum(f"'{long}'" in w for w in warned) == 1, warned
    assert len(warned) == 2  # the shell's expansion names each lock file: a line each
    folder = load_corpus([tmp_path]).warnings
    assert f"{tmp_path}: 2 {said}: '{lock}', '{long}'; what is not saved in such a document yet is not read" in folder


def test_a_damaged_pdf_read_as_far_as_it_can_be_says_so_and_prints_nothing(tmp_path, capfd):
    # an offset in the cross-reference table points at the wrong byte: pypdf finds the
    # object anyway, and once logged that to stderr, outside tr_nlp's own messages
    import re

    from conftest import make_pdf

    good = make_pdf(tmp_path / "good.pdf", PDF_PAGES)
    data = good.read_bytes()
    table = data.rindex(b"\nxref\n")  # not startxref
    at = table + list(re.finditer(rb"(\d{10}) 00000 n", data[table:]))[3].start(1)
    damaged = tmp_path / "damaged.pdf"
    damaged.write_bytes(data[:at] + b"0000000001" + data[at + 10:])
    result = read_file(damaged)
    assert result.interviews[0].text == read_file(good).interviews[0].text
    assert any(w.startswith("the file is damaged; the PDF reader repaired") and "check the text" in w
               for w in result.warnings), result.warnings
    assert capfd.readouterr().err == ""


def test_pdfs_read_in_threads_keep_their_own_repair_notes(tmp_path, capfd):
    # a scheduler may read several PDFs in threads of one process: the damaged file's
    # repairs are told of it alone, and pypdf's logger is left as it was found
    import logging
    import re
    from concurrent.futures import ThreadPoolExecutor

    from conftest import make_pdf

    good = make_pdf(tmp_path / "good.pdf", PDF_PAGES)
    data = good.read_bytes()
    table = data.rindex(b"\nxref\n")
    at = table + list(re.finditer(rb"(\d{10}) 00000 n", data[table:]))[3].start(1)
    damaged = tmp_path / "damaged.pdf"
    damaged.write_bytes(data[:at] + b"0000000001" + data[at + 10:])
    paths = [damaged, good] * 20
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(read_file, paths))
    for path, result in zip(paths, results, strict=True):
        noted = any(w.startswith("the file is damaged") for w in result.warnings)
        assert noted == (path == damaged), (path.name, result.warnings)
    assert capfd.readouterr().err == ""
    assert logging.getLogger("pypdf").propagate and not logging.getLogger("pypdf").handlers


def test_a_protected_pdf_that_opens_without_a_password_is_read(tmp_path):
    # services lock their PDFs against editing with an owner password, often with AES
    from conftest import make_pdf

    for algorithm in ("RC4-128", "AES-128", "AES-256"):
        path = make_pdf(tmp_path / f"{algorithm}.pdf", PDF_PAGES[:1], encrypt="", algorithm=algorithm)
        iv = read_file(path).interviews[0]
        assert [t.speaker for t in iv.turns] == ["Interviewer", "Participant"], algorithm


@pytest.mark.parametrize("pages,encrypt,code,detail", [
    ([[]], None, "E112", "has no text layer (a scanned PDF?)"),
    ([["Interviewer: Hello?"]], "secret", "E113", "is password-protected (an encrypted .pdf), and tr_nlp asks for "
     "no password; open it in Acrobat with its password and save a copy without one (File > Properties > Security"),
])
def test_pdfs_without_readable_text_are_refused_naming_the_file(tmp_path, pages, encrypt, code, detail):
    from conftest import make_pdf

    path = make_pdf(tmp_path / "x.pdf", pages, encrypt=encrypt)
    with pytest.raises(InputError) as info:
        read_file(path)
    assert info.value.code == code and detail in str(info.value) and str(path) in str(info.value)


@pytest.mark.parametrize("content,detail", [
    (b"Interviewer: plain text saved as .pdf", "not a valid .pdf (no '%PDF-' header)"),
    (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 9 0 R >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF",
     "not a valid .pdf ("),
])
def test_broken_pdfs_are_refused_naming_the_file(write, content, detail):
    path = write("bad.pdf", content)
    with pytest.raises(InputError) as info:
        read_file(path)
    assert str(info.value).startswith(f"{path}: [E110] {detail}")


# --- odt ---------------------------------------------------------------------------

ODT_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
          'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
          'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
          'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" '
          'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
          'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"')


def make_odt(path, body, meta=None, content=None, automatic="", styles=""):
    """An .odt of ``body`` (text:p elements...), with ``automatic`` styles in content.xml and
    common ``styles`` in styles.xml (style:style elements) when given."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", content or f'<?xml version="1.0"?><office:document-content {ODT_NS}>'
                                                   f"<office:automatic-styles>{automatic}</office:automatic-styles>"
                                                   f"<office:body><office:text>{body}</office:text></office:body>"
                                                   "</office:document-content>")
        if styles:
            archive.writestr("styles.xml", f"<office:document-styles {ODT_NS}><office:styles>{styles}"
                                           "</office:styles></office:document-styles>")
        if meta:
            archive.writestr("meta.xml", f"<office:document-meta {ODT_NS}><office:meta>{meta}</office:meta>"
                                         "</office:document-meta>")
    return path


def test_odt_reads_as_the_document_shows_it(tmp_path):
    body = ("<text:tracked-changes><text:changed-region><text:deletion><text:p>Deleted words</text:p>"
            "</text:deletion></text:changed-region></text:tracked-changes>"
            "<text:h>Interview 7</text:h>"
            "<text:p>I: What <text:span>helped</text:span> most?<office:annotation><text:p>ask again</text:p>"
            "</office:annotation></text:p>"
            "<text:p>P: The nurse.<text:s text:c=\"3\"/>She<text:tab/>listened<text:note><text:note-body>"
            "<text:p>footnote</text:p></text:note-body></text:note>.<text:line-break/>Every day.</text:p>"
            "<text:list><text:list-item><text:p>She rang back.</text:p></text:list-item></text:list>"
            "<draw:frame><draw:text-box><text:p>a caption</text:p></draw:text-box></draw:frame>"
            "<table:table><table:table-column/><table:table-row><table:table-cell><text:p>I</text:p></table:table-cell>"
            "<table:table-cell><text:p>And the doctors?</text:p></table:table-cell></table:table-row>"
            "<table:table-row><table:table-cell><text:p>P</text:p></table:table-cell><table:table-cell>"
            "<text:p>Less so.</text:p><text:p>Rushed.</text:p></table:table-cell></table:table-row></table:table>")
    meta = "<dc:title>Ward study</dc:title><meta:keyword>nurse</meta:keyword><meta:keyword>ward</meta:keyword>"
    result = read_file(make_odt(tmp_path / "w.odt", body, meta))
    iv = result.interviews[0]
    assert (iv.id, iv.format, iv.metadata) == ("w", "odt", {"title": "Ward study", "keywords": "nurse, ward"})
    assert turn_texts(iv) == [
        ("I", "interviewer", "What helped most?"),
        ("P", "participant", "The nurse.   She\tlistened.\nEvery day.\nShe rang back."),
        ("I", "interviewer", "And the doctors?"),
        ("P", "participant", "Less so. Rushed."),
    ]
    assert not any(hidden in iv.text for hidden in ("Deleted", "ask again", "footnote", "caption"))


def odt_table(path, rows, header=False):
    """An .odt holding one table of ``rows``, the first a repeated header row when ``header``."""
    def row(cells):
        return "<table:table-row>" + "".join(
            f"<table:table-cell><text:p>{cell}</text:p></table:table-cell>" for cell in cells) + "</table:table-row>"
    first = f"<table:table-header-rows>{row(rows[0])}</table:table-header-rows>" if header else row(rows[0])
    body = "<table:table><table:table-column/>" + first + "".join(row(r) for r in rows[1:]) + "</table:table>"
    return make_odt(path, body)


@pytest.mark.parametrize("rows", TIMED_TABLES)
def test_odt_transcript_tables_read_as_word_tables_do(tmp_path, rows):
    # an .odt table's header row was a speaker "Time" saying "Speaker Text", and its notes were speech
    iv = read_file(odt_table(tmp_path / "t.odt", rows, header=rows[0][0] == "Time")).interviews[0]
    assert turn_texts(iv) == [("I", "interviewer", "Who helped?"), ("P07", "participant", "Karen did."),
                              ("I", "interviewer", "Mm.")]
    assert [t.timestamp for t in iv.turns] == [3.0, 12.0, 62.0]
    assert "opening" not in iv.text and "GBR" not in iv.text
    assert [iv.line_at(t.start) for t in iv.turns] == table_line_numbers(rows)  # segments are cited by them


def test_odt_table_of_details_gives_no_speakers(tmp_path):
    # as in Word documents: "Date | 12 March" above the transcript is no speaker's speech
    details = odt_table(tmp_path / "d.odt", [("Date", "12 March"), ("Location", "Leeds")])
    body = zipfile.ZipFile(details).read("content.xml").decode().replace(
        "</table:table>", "</table:table><text:p>Interviewer: How was it?</text:p><text:p>Participant: Hard.</text:p>")
    iv = read_file(make_odt(tmp_path / "t.odt", "", content=body)).interviews[0]
    assert turn_texts(iv) == [("Interviewer", "interviewer", "How was it?"), ("Participant", "participant", "Hard.")]


def test_odt_speaker_labels_set_in_bold_without_a_colon_are_labels(tmp_path):
    # as in .docx: LibreOffice transcripts often set the speaker in bold instead of writing a colon
    automatic = ('<style:style style:name="T1" style:family="text"><style:text-properties fo:font-weight="bold"/>'
                 '</style:style><style:style style:name="T2" style:family="text" style:parent-style-name="Strong"/>'
                 '<style:style style:name="T3" style:family="text"><style:text-properties fo:font-style="italic"/>'
                 '</style:style><style:style style:name="T4" style:family="text" style:parent-style-name="T4"/>')
    strong = ('<style:style style:name="Strong" style:family="text"><style:text-properties fo:font-weight="700"/>'
              '</style:style>')
    span = '<text:span text:style-name="{}">{}</text:span>'.format
    body = (f"<text:p>{span('T1', 'Interviewer')} How was the ward?</text:p>"
            f"<text:p>{span('T2', 'Dana')}<text:s/>{span('T1', ':')}<text:s text:c=\"2\"/>It was loud.</text:p>"
            f"<text:p>{span('T3', 'Italic')} is no label.</text:p>"
            f"<text:p>{span('T1', 'A bold sentence far too long to be a label')} then text.</text:p>"
            f"<text:p>{span('T4', 'Loop')} of parents is no style.</text:p>"
            f"<text:p>Plain {span('T1', 'bold')} inside.</text:p>"
            f"<text:p>{span('T1', 'Thank you.')} That helps.</text:p>")
    iv = read_file(make_odt(tmp_path / "b.odt", body, automatic=automatic, styles=strong)).interviews[0]
    assert [(t.speaker, iv.text[t.start:t.end].split("\n")[0]) for t in iv.turns] == [
        ("Interviewer", "How was the ward?"), ("Dana", "It was loud.")]
    assert iv.text.endswith("Italic is no label.\nA bold sentence far too long to be a label then text.\n"
                            "Loop of parents is no style.\nPlain bold inside.\nThank you. That helps.")


@pytest.mark.parametrize("content,detail", [
    ('<!DOCTYPE x [<!ENTITY a "aaaa">]><office:document-content ' + ODT_NS + "/>",
     "content.xml declares entities or external references"),
    ("<office:document-content", "content.xml: unclosed token"),
    (f"<office:document-content {ODT_NS}><office:body><office:text><text:p>I: &#0;</text:p></office:text>"
     "</office:body></office:document-content>", "content.xml: reference to invalid character number"),
    (f"<office:document-content {ODT_NS}><office:body><office:spreadsheet/></office:body></office:document-content>",
     "holds no text document"),
    (f"<office:document-content {ODT_NS}><office:body><office:text>" + "<text:list>" * 20_000
     + "</text:list>" * 20_000 + "</office:text></office:body></office:document-content>", "nested too deeply"),
])
def test_broken_or_hostile_odt_is_refused(tmp_path, content, detail):
    path = make_odt(tmp_path / "bad.odt", "", content=content)
    with pytest.raises(InputError) as info:
        read_file(path)
    assert info.value.code == "E110" and detail in str(info.value) and str(info.value).startswith(str(path))


def test_a_forced_format_reads_a_file_whatever_its_suffix(tmp_path, write):
    # `--format docx` on a .bak crashed with a KeyError; `--format srt` on a .txt read it as WebVTT (E121)
    docx_bak = tmp_path / "saved.bak"
    make_docx(docx_bak, [(None, "Interviewer: How was it?"), (None, "Participant: Fine.")])
    assert len(read_file(docx_bak, fmt="docx").interviews[0].turns) == 2
    odt_bak = make_odt(tmp_path / "saved2.bak", "<text:p>I: How was it?</text:p><text:p>P: Fine.</text:p>")
    assert len(read_file(odt_bak, fmt="odt").interviews[0].turns) == 2
    captions = write("captions.txt", "1\n00:00:01,000 --> 00:00:02,000\nInterviewer: What helped?\n\n"
                                     "2\n00:00:02,500 --> 00:00:04,000\nDana: The nurse.\n")
    assert [t.speaker for t in read_file(captions, fmt="srt").interviews[0].turns] == ["Interviewer", "Dana"]
    with pytest.raises(InputError) as info:
        read_file(write("x.bak", "not a zip"), fmt="docx")
    assert info.value.code == "E110"
    notes = write("notes.txt", "**Interviewer:** How was it?\n\n**Participant:** Fine.\n")
    assert [read_file(notes, fmt=f).interviews[0].format for f in ("markdown", "text", None)] == [
        "markdown", "text", "text"]  # the interview records the format it was read as


# --- subtitles ---------------------------------------------------------------------

VTT = """WEBVTT

NOTE
synthetic: true

1
00:00:01.000 --> 00:00:03.000
<v Interviewer>How are you?</v>

2
00:00:03.500 --> 00:00:05.000
<v Jo>Not bad.</v>

00:00:05.000 --> 00:00:07.000
<v Jo>She <i>really</i> listened &amp; stayed.</v>

3
00:00:08.000 --> 00:00:09.000
<v.loud Interviewer>Good.
"""


def test_vtt_voices_merge_and_timestamps(write):
    iv = read_file(write("s.vtt", VTT)).interviews[0]
    assert iv.format == "vtt"
    assert iv.metadata == {"synthetic": True}
    assert turn_texts(iv) == [
        ("Interviewer", "interviewer", "How are you?"),
        ("Jo", "participant", "Not bad. She really listened & stayed."),
        ("Interviewer", "interviewer", "Good."),
    ]
    assert [t.timestamp for t in iv.turns] == [1.0, 3.5, 8.0]
    assert iv.text.splitlines()[1] == "Jo: Not bad. She really listened & stayed."


def test_a_sentence_in_a_merged_turn_keeps_the_time_of_its_own_cue(write):
    # Jo's two cues (3.5 s, 5 s) are one turn; her second sentence was said 5 s in
    from tr_nlp.segment import Segmenter
    iv = read_file(write("s.vtt", VTT)).interviews[0]
    assert [(iv.text[at:].split(".")[0], seconds) for at, seconds in iv.times] == [("She really listened & stayed", 5.0)]
    segments = Segmenter(unit="sentence", roles=("interviewer", "participant")).segment([iv])
    assert [(s.text, s.timestamp) for s in segments] == [
        ("How are you?", 1.0), ("Not bad.", 3.5), ("She really listened & stayed.", 5.0), ("Good.", 8.0)]
    assert [s.timestamp for s in Segmenter(unit="turn").segment([iv])] == [3.5]


def test_srt_with_name_prefixes(write):
    srt = ("1\n00:00:01,000 --> 00:00:02,000\nInterviewer: What helped?\n\n"
           "2\n00:00:02,500 --> 00:00:04,000\nDana: The nurse.\n\n"
           "3\n00:00:04,000 --> 00:00:05,000\nShe came every week.\n")
    iv = read_file(write("s.srt", srt)).interviews[0]
    assert turn_texts(iv) == [("Interviewer", "interviewer", "What helped?"),
                              ("Dana", "participant", "The nurse. She came every week.")]


def test_whisperx_subtitles_whose_speakers_each_say_one_cue_are_two_speakers(write):
    # WhisperX's [SPEAKER_00] was a speaker only once it recurred: two cues were one unknown's speech,
    # where the same lines in a text file (or SPEAKER_00 in its JSON) gave two speakers
    srt = ("1\n00:00:00,000 --> 00:00:04,000\n[SPEAKER_00]: How have things been since we last met?\n\n"
           "2\n00:00:04,500 --> 00:00:09,000\n[SPEAKER_01]: Better, I think. She rang me back.\n")
    iv = read_file(write("s.srt", srt)).interviews[0]
    assert turn_texts(iv) == [("[SPEAKER_00]", "interviewer", "How have things been since we last met?"),
                              ("[SPEAKER_01]", "participant", "Better, I think. She rang me back.")]


def test_a_role_given_to_speaker_00_is_given_to_whisperxs_bracketed_speaker_00_too(write):
    # WhisperX's JSON names a speaker SPEAKER_00, its subtitles [SPEAKER_00]: --speaker-role SPEAKER_01=interviewer
    # (and corpus.yaml's quoted "[SPEAKER_00]" for the JSON) set no role, and nothing said so
    srt = ("1\n00:00:00,000 --> 00:00:04,000\n[SPEAKER_00]: Better, I think. She rang me back.\n\n"
           "2\n00:00:04,500 --> 00:00:09,000\n[SPEAKER_01]: How have things been since we last met?\n")
    roles = RoleMap.from_pairs(["SPEAKER_01=interviewer", "speaker_00=participant"])
    iv = read_file(write("s.srt", srt), ReadOptions(roles=roles)).interviews[0]
    assert [(speaker, role) for speaker, role, _ in turn_texts(iv)] == [("[SPEAKER_00]", "participant"),
                                                                      ("[SPEAKER_01]", "interviewer")]
    assert RoleMap.from_mapping({"[SPEAKER_00]": "interviewer"}).get("SPEAKER_00") == "interviewer"


def test_a_less_than_sign_in_speech_is_not_taken_for_a_tag(write):
    # everything from a "<" to the next ">" was left out as markup
    srt = ("1\n00:00:01,000 --> 00:00:02,000\nInterviewer: How much now?\n\n"
           "2\n00:00:02,500 --> 00:00:04,000\nDana: <i>Less</i>, <font color=\"#ff0\">< 5 mg</font>. I <3 it, "
           "the nurse said x<5 and y>3, a<b and c>d.\n")
    iv = read_file(write("s.srt", srt)).interviews[0]
    assert turn_texts(iv)[1] == ("Dana", "participant", "Less, < 5 mg. I <3 it, the nurse said x<5 and y>3, a<b and c>d.")
    vtt = "WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n<v Dana><c.yellow>Less</c> <00:00:02.000>than &lt;5 mg.</v>\n"
    assert [text for *_, text in turn_texts(read_file(write("s.vtt", vtt)).interviews[0])] == ["Less than <5 mg."]


@pytest.mark.parametrize("name,cues", [
    ("s.srt", "1\n00:00:01,000 --> 00:00:02,000\nInterviewer: What helped?\n2\n00:00:02,500 --> 00:00:04,000\n"
              "Dana: The nurse.\n3\n00:00:04,000 --> 00:00:05,000\nInterviewer: When?\n"),
    ("s.vtt", "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nInterviewer: What helped?\n00:00:02.500 --> 00:00:04.000\n"
              "Dana: The nurse.\n00:00:04.000 --> 00:00:05.000\nInterviewer: When?\n"),
])
def test_cues_with_no_blank_line_between_them(write, name, cues):
    # the next cue's number and timing were read as text of the cue before, and its speech
    # went to that cue's speaker
    iv = read_file(write(name, cues)).interviews[0]
    assert turn_texts(iv) == [("Interviewer", "interviewer", "What helped?"), ("Dana", "participant", "The nurse."),
                              ("Interviewer", "interviewer", "When?")]
    assert [t.timestamp for t in iv.turns] == [1.0, 2.5, 4.0]


def test_caption_speaker_conventions(write):
    # ">>" marks a new speaker; a bracketed label counts in a known shape, a bracketed sound does not
    srt = ("1\n00:00:01,000 --> 00:00:02,000\n>> INTERVIEWER: What helped?\n\n"
           "2\n00:00:02,500 --> 00:00:04,000\n[Participant] The nurse.\n\n"
           "3\n00:00:04,000 --> 00:00:05,000\n[Laughter] She came every week.\n\n"
           "4\n00:00:05,000 --> 00:00:06,000\n[Interviewer]: Every week?\n")
    iv = read_file(write("s.srt", srt)).interviews[0]
    assert turn_texts(iv) == [("INTERVIEWER", "interviewer", "What helped?"),
                              ("Participant", "participant", "The nurse. [Laughter] She came every week."),
                              ("INTERVIEWER", "interviewer", "Every week?")]  # one speaker, in either case


def test_captions_without_any_speaker_label_are_participant_speech_like_unlabelled_text(write):
    # automatic captions name nobody: without this their text gave no segment at all
    vtt = "WEBVTT\n\n00:00:01.000 --> 00:00:04.000\nso the nurse\n\n00:00:04.500 --> 00:00:09.000\nshe stayed late\n"
    result = read_file(write("auto.vtt", vtt))
    assert turn_texts(result.interviews[0]) == [("unknown", "participant", "so the nurse she stayed late")]
    assert result.warnings == ["no speaker labels found; every cue is speech of speaker 'unknown', taken as participant"]
    options = ReadOptions(roles=RoleMap.from_pairs(["unknown=other"]))  # a team's own setting wins
    assert read_file(write("auto.vtt", vtt), options).interviews[0].turns[0].role == "other"


def _karaoke(words, at):
    """A line of YouTube's automatic captions: each word after the first with its time."""
    return words[0] + "".join(f"<00:00:{at + 0.2 * k:06.3f}><c> {w}</c>" for k, w in enumerate(words[1:], 1))


def test_youtubes_automatic_captions_are_read_each_line_once(write):
    # yt-dlp's .vtt of YouTube's automatic captions: each cue opens with a line of a space, which
    # ended the cue (E120, 'broken cue'); and each line shows twice, rolling up, and alone for 10 ms
    lines = [["so", "i", "went", "to", "the", "clinic"], ["and", "the", "nurse", "was", "kind"],
             ["to", "me", "you", "know"], ["no", "no"], ["no", "no"]]
    vtt, before, at = "WEBVTT\nKind: captions\nLanguage: en\n\n", " ", 0.0
    for words in lines:
        vtt += (f"00:00:{at:06.3f} --> 00:00:{at + 2:06.3f} align:start position:0%\n{before}\n"
                f"{_karaoke(words, at)}\n\n00:00:{at + 2:06.3f} --> 00:00:{at + 2.01:06.3f} align:start "
                f"position:0%\n{' '.join(words)}\n \n\n")
        before, at = " ".join(words), at + 2.01
    result = read_file(write("auto.en.vtt", vtt))
    iv = result.interviews[0]
    said = "so i went to the clinic and the nurse was kind to me you know no no no no"  # "no no" twice stays twice
    assert turn_texts(iv) == [("unknown", "participant", said)]
    assert [round(t, 2) for t in iv.known_times] == [0.0, 2.01, 4.02, 6.03, 8.04]  # each line at its cue
    assert ("the captions roll up (9 cues repeat the line before them, as YouTube's automatic captions and live "
            "captions do): each line was read once") in result.warnings


def test_captions_whose_speaker_says_a_line_again_do_not_roll_up(write):
    srt = ("1\n00:00:01,000 --> 00:00:02,000\nNo.\n\n2\n00:00:02,000 --> 00:00:03,000\nNo.\n\n"
           "3\n00:00:03,000 --> 00:00:04,000\nI said no.\n\n4\n00:00:04,000 --> 00:00:06,000\nThen she came.\n")
    result = read_file(write("said.srt", srt))
    assert turn_texts(result.interviews[0]) == [("unknown", "participant", "No. No. I said no. Then she came.")]
    assert not any("roll up" in w for w in result.warnings)


def test_captions_that_mark_changes_of_speaker_but_name_no_one_are_two_people_taking_turns(write):
    # ">>" and dialogue dashes were kept in the text of one participant's speech, the interviewer's questions in it
    srt = ("1\n00:00:01,000 --> 00:00:03,000\n>> So how was the ward,\nlooking back?\n\n"
           "2\n00:00:03,500 --> 00:00:06,000\n>> Loud. The nurse stayed\n\n"
           "3\n00:00:06,000 --> 00:00:08,000\nlate, every week.\n\n"
           "4\n00:00:08,500 --> 00:00:10,000\n- Every week?\n-Yes. It was -5 degrees\noutside.\n\n"
           "5\n00:00:10,000 --> 00:00:12,000\n&gt;&gt; Why did she stay? >> I never asked.\n")
    result = read_file(write("auto.srt", srt))
    iv = result.interviews[0]
    assert turn_texts(iv) == [
        ("Speaker 1", "interviewer", "So how was the ward, looking back?"),
        ("Speaker 2", "participant", "Loud. The nurse stayed late, every week."),
        ("Speaker 1", "interviewer", "Every week?"),
        ("Speaker 2", "participant", "Yes. It was -5 degrees outside."),
        ("Speaker 1", "interviewer", "Why did she stay?"),
        ("Speaker 2", "participant", "I never asked.")]
    assert [t.timestamp for t in iv.turns] == [1.0, 3.5, 8.5, 8.5, 10.0, 10.0]
    assert "read as two people taking turns, 'Speaker 1' and 'Speaker 2'" in result.warnings[0]
    assert "guessed roles from questions asked" in result.warnings[1]


def test_a_marked_change_of_speaker_in_named_captions_passes_the_turn_back(write):
    vtt = ("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Interviewer>How was it?</v>\n\n"
           "00:00:02.000 --> 00:00:04.000\n<v Dana>Fine, I suppose.</v>\n\n"
           "00:00:04.000 --> 00:00:05.000\n>> And the nurse?\n\n"
           "00:00:05.000 --> 00:00:07.000\n<v Dana>She stayed.</v> <v Interviewer>Mm.</v>\n")
    iv = read_file(write("named.vtt", vtt)).interviews[0]
    assert turn_texts(iv) == [("Interviewer", "interviewer", "How was it?"), ("Dana", "participant", "Fine, I suppose."),
                              ("Interviewer", "interviewer", "And the nurse?"), ("Dana", "participant", "She stayed."),
                              ("Interviewer", "interviewer", "Mm.")]


@pytest.mark.parametrize("first", ["", "1\n"])
def test_vtt_cues_with_no_webvtt_line_are_read_with_a_warning(write, first):
    # refused (E121) though every cue was whole, as some tools save WebVTT, or SubRip named .vtt
    result = read_file(write("headless.vtt", f"{first}00:00:01.000 --> 00:00:04.000\nInterviewer: Who helped you?\n\n"
                                             "00:00:04.500 --> 00:00:09.000\nParticipant: A nurse, Ruth.\n\n"
                                             "00:00:09.500 --> 00:00:11.000\nInterviewer: How?\n"))
    assert [(t.speaker, t.timestamp) for t in result.interviews[0].turns] == [
        ("Interviewer", 1.0), ("Participant", 4.5), ("Interviewer", 9.5)]
    assert result.warnings == ["no 'WEBVTT' line opens the file, as WebVTT asks; its cues were read all the same"]


@pytest.mark.parametrize("content,code,line", [
    ("WEBVTT\n\n1\n00:00:01.000 -> 00:00:02.000\nhi\n", "E120", 4),
    ("WEBVTT\n\n00:00:01.000 --> 00:0x:02.000\nhi\n", "E120", 3),
    ("WEBVTT\n\n00:00:05.000 --> 00:00:02.000\nhi\n", "E120", 3),
    ("Interviewer: Who helped?\nParticipant: A nurse.\n", "E121", None),
    ("WEBVTT\n\nNOTE nothing here\n", "E122", None),
])
def test_broken_vtt(write, content, code, line):
    with pytest.raises(InputError) as info:
        read_file(write("broken.vtt", content))
    assert info.value.code == code
    if line is not None:
        assert f"line {line}" in str(info.value)


# --- speech-to-text JSON ----------------------------------------------------------

WHISPERX = {"segments": [
    {"start": 0.5, "end": 3.1, "text": " So what helped, looking back?", "speaker": "SPEAKER_00",
     "words": [{"word": "So", "start": 0.5, "end": 0.7, "score": 0.9, "speaker": "SPEAKER_00"}]},
    {"start": 3.4, "end": 9.0, "text": " Um, the nurse, she\u200b actually listened.", "speaker": "SPEAKER_01"},
    {"start": 9.2, "end": 12.0, "text": " She rang back when she said she would."},  # no speaker: continues
    {"start": 12.5, "end": 13.0, "text": "  "},
    {"start": 13.1, "end": 14.0, "text": " Did she?", "speaker": "SPEAKER_00"},
], "word_segments": [], "language": "en"}


ASKED, ANSWERED = "So who helped you, would you say?", "A nurse, Ruth. She never judged me."
SERVICE_JSON = {
    "assemblyai": {"language_code": "en_us", "utterances": [{"speaker": "A", "text": ASKED, "start": 1200, "words": []},
                                                            {"speaker": "B", "text": ANSWERED, "start": 5600}]},
    "deepgram": {"results": {"channels": [], "utterances": [{"speaker": 0, "transcript": ASKED, "start": 1.2},
                                                           {"speaker": 1, "transcript": ANSWERED, "start": 5.6}]}},
    "rev": {"monologues": [
        {"speaker": 0, "elements": [{"type": "text", "value": ASKED, "ts": 1.2}]},
        {"speaker": 1, "elements": [{"type": "text", "value": "A nurse, Ruth.", "ts": 5.6},
                                    {"type": "punct", "value": " "},
                                    {"type": "text", "value": "She never judged me.", "ts": 7.0}]}]},
    "aws": {"results": {"transcripts": [], "audio_segments": [
        {"transcript": ASKED, "start_time": "1.2", "speaker_label": "spk_0"},
        {"transcript": ANSWERED, "start_time": "5.6", "speaker_label": "spk_1"}]}},
}


def amazon_items(*turns):
    """Amazon Transcribe's older output: its words as ``items``, their speakers in ``speaker_labels``."""
    import re

    items, labelled = [], []
    for speaker, start, said in turns:
        for k, token in enumerate(re.findall(r"[\w']+|[^\w\s]", said)):
            if token.isalnum() or "'" in token:
                at = f"{start + k * 0.1:.2f}"
                items.append({"type": "pronunciation", "start_time": at, "alternatives": [{"content": token}]})
                labelled.append({"start_time": at, "speaker_label": speaker})
            else:
                items.append({"type": "punctuation", "alternatives": [{"content": token}]})
    return {"results": {"transcripts": [], "items": items, "speaker_labels": {"segments": [{"items": labelled}]}}}


SERVICE_JSON["aws_words"] = amazon_items(("spk_0", 1.2, ASKED), ("spk_1", 5.6, ANSWERED))


def test_amazon_words_of_any_shape_are_read_or_refused_with_a_clear_error(write):
    # a start time that is a list raised TypeError (unhashable) instead of a reader's error
    import json
    data = amazon_items(("spk_0", 1.2, ASKED))
    data["results"]["items"][0]["start_time"] = [1]
    data["results"]["speaker_labels"]["segments"][0]["items"][1]["start_time"] = {"a": 1}
    try:
        read_file(write("odd.json", json.dumps(data)))
    except InputError as error:
        assert "odd.json" in str(error)


@pytest.mark.parametrize("service", sorted(SERVICE_JSON))
def test_a_transcription_services_json_is_read(write, tmp_path, service):
    # AssemblyAI's, Deepgram's, Rev's and Amazon Transcribe's JSON were refused: "not a speech-to-text transcript"
    import json
    path = write(f"{service}.json", json.dumps(SERVICE_JSON[service]))
    iv = read_file(path).interviews[0]
    assert [(t.role, t.timestamp, iv.turn_text(t)) for t in iv.turns] == [
        ("interviewer", 1.2, ASKED), ("participant", 5.6, ANSWERED)]
    assert not any(s in ("A", "B", "0", "1") for s in iv.speakers)  # 'A' alone would read as a participant's label
    # found in a folder; a JSON with another kind of 'utterances' list is left alone
    (tmp_path / "settings.json").write_text(json.dumps({"utterances": [{"id": 1}]}), encoding="utf-8")
    assert [i.id for i in load_corpus([tmp_path]).interviews] == [service]


def test_whisperx_json_speakers_merge_into_turns_with_roles_from_questions(write):
    import json
    result = read_file(write("call.json", json.dumps(WHISPERX)))
    iv = result.interviews[0]
    assert (iv.id, iv.format, iv.metadata) == ("call", "whisper", {"language": "en"})
    assert turn_texts(iv) == [
        ("SPEAKER_00", "interviewer", "So what helped, looking back?"),
        ("SPEAKER_01", "participant", "Um, the nurse, she actually listened. She rang back when she said she would."),
        ("SPEAKER_00", "interviewer", "Did she?"),
    ]
    assert [t.timestamp for t in iv.turns] == [0.5, 3.4, 13.1]
    assert any("guessed roles from questions asked" in w for w in result.warnings)


def test_plain_whisper_and_whisper_cpp_json_are_one_participant_speaking(write):
    import json
    plain = {"text": " so the nurse she stayed late", "language": "en", "segments": [
        {"id": 0, "seek": 0, "start": 0.0, "end": 2.0, "text": " so the nurse", "tokens": [1, 2], "avg_logprob": -0.2},
        {"id": 1, "seek": 0, "start": 2.0, "end": 4.0, "text": " she stayed late", "tokens": [3]}]}
    cpp = {"result": {"language": "en"}, "transcription": [
        {"timestamps": {"from": "00:00:00,000", "to": "00:00:02,000"}, "offsets": {"from": 0, "to": 2000},
         "text": " so the nurse"},
        {"timestamps": {"from": "00:00:02,500", "to": "00:00:04,000"}, "text": " she stayed late"}]}
    for name, data in [("plain.json", plain), ("cpp.json", cpp)]:
        result = read_file(write(name, json.dumps(data)))
        iv = result.interviews[0]
        assert turn_texts(iv) == [("unknown", "participant", "so the nurse she stayed late")]
        assert iv.metadata == {"language": "en"}
        assert result.warnings == [("no speaker labels found; every cue is speech of speaker 'unknown', "
                                    "taken as participant")]
    bare = [{"start": 1, "text": "How was it?", "speaker": "Interviewer"}, {"start": 2, "text": "Fine.", "speaker": 7}]
    iv = read_file(write("bare.json", json.dumps(bare))).interviews[0]
    assert turn_texts(iv) == [("Interviewer", "interviewer", "How was it?"), ("7", "participant", "Fine.")]


def test_a_line_separator_inside_a_whisper_segment_is_a_space(write):
    # JSON holds U+2028, U+2029 and U+0085 as they are; normalising the text first made them line
    # breaks inside a JSON string, and the file failed (E123, invalid control character)
    import json
    data = {"segments": [{"start": 0.0, "end": 2.0, "text": " Fine.\u2028She came\x85on her\u2029day off."}]}
    iv = read_file(write("w.json", json.dumps(data, ensure_ascii=False))).interviews[0]
    assert turn_texts(iv) == [("unknown", "participant", "Fine. She came on her day off.")]


def test_a_whisperx_segment_is_split_where_its_words_change_speaker(write):
    # WhisperX cuts segments before it diarises: one segment held a question's end and its answer
    import json

    def words(*spoken):
        return [{"word": w, "start": t, "end": t + 0.3, "score": 0.9, "speaker": s} for w, t, s in spoken]

    data = {"segments": [
        {"start": 1.0, "text": " And did she? Yes, she rang back.", "speaker": "SPEAKER_01",
         "words": words(("And", 1.0, "SPEAKER_00"), ("did", 1.2, "SPEAKER_00"), ("she?", 1.4, "SPEAKER_00"),
                        ("Yes,", 2.0, "SPEAKER_01"), ("she", 2.3, None), ("rang", 2.5, "SPEAKER_01"),
                        ("back.", 2.8, "SPEAKER_01"))},
        # a word not in the text (aligners write numbers out): the segment is not split
        {"start": 3.5, "text": " Was it 10 times? Ten.", "speaker": "SPEAKER_00",
         "words": words(("Was", 3.5, "SPEAKER_00"), ("it", 3.6, "SPEAKER_00"), ("ten", 3.7, "SPEAKER_00"),
                        ("times?", 3.9, "SPEAKER_00"), ("Ten.", 4.5, "SPEAKER_01"))},
        # no spaces between words: the text is cut where the speaker changes, not rebuilt from the words
        {"start": 5.0, "text": "你好吗我很好", "speaker": "SPEAKER_00",
         "words": words(("你", 5.0, "SPEAKER_00"), ("好", 5.1, "SPEAKER_00"), ("吗", 5.2, "SPEAKER_00"),
                        ("我", 5.6, "SPEAKER_01"), ("很", 5.7, "SPEAKER_01"), ("好", 5.8, "SPEAKER_01"))},
    ]}
    iv = read_file(write("x.json", json.dumps(data)), ReadOptions(roles=RoleMap.from_pairs(
        ["SPEAKER_00=interviewer", "SPEAKER_01=participant"]))).interviews[0]
    assert [(t.speaker, iv.turn_text(t), t.timestamp) for t in iv.turns] == [
        ("SPEAKER_00", "And did she?", 1.0), ("SPEAKER_01", "Yes, she rang back.", 2.0),
        ("SPEAKER_00", "Was it 10 times? Ten. 你好吗", 3.5), ("SPEAKER_01", "我很好", 5.6),
    ]


@pytest.mark.parametrize("content,code,detail", [
    ('{"segments": [{"start": 0, "text": "Hi"}', "E123", "not valid JSON"),
    ('{"model": "MiniLM", "version": 2}', "E123", "an object with 'model', 'version'"),
    ('{"segments": []}', "E123", "no list of segments"),
    ("[]", "E123", "an empty list"),
    ('"just text"', "E123", "a str"),
    ("[" * 100_000 + "]" * 100_000, "E123", "nested too deeply"),
    ('{"segments": [{"start": 0, "text": "  "}]}', "E123", "no segment has any text"),
    ('{"segments": [{"start": 0, "text": "Hi"}, {"start": -1, "text": "Ho"}]}', "E124", "segment 1 (counting from 0): 'start' is -1;"),
    ('{"segments": [{"start": NaN, "text": "Hi"}]}', "E124", "'start' is nan"),
    ('{"segments": [{"start": "0:01", "text": "Hi"}]}', "E124", "'start' is '0:01'"),
    ('{"segments": [{"end": 1, "text": "Hi"}]}', "E124", "no 'start' time"),
    ('{"segments": [{"start": 0, "text": 5}]}', "E124", "'text' is 5"),
    ('{"segments": [{"start": 0, "text": "Hi", "speaker": {"id": 1}}]}', "E124", "'speaker' is {'id': 1}"),
    ('{"transcription": [{"timestamps": {"from": "soon"}, "text": "Hi"}]}', "E124", "cannot read the time 'soon'"),
])
def test_broken_speech_to_text_json_is_refused_naming_the_file_and_the_segment(write, content, code, detail):
    path = write("broken.json", content)
    with pytest.raises(InputError) as info:
        read_file(path)
    assert info.value.code == code
    assert str(info.value).startswith(f"{path}: [{code}]") and detail in str(info.value)


def test_a_folder_reads_its_speech_to_text_json_but_not_its_other_json(write, tmp_path):
    import json
    write("study/a.json", json.dumps(WHISPERX))
    write("study/b.txt", "I: How are you?\nP: Fine.\n")
    write("study/card.json", json.dumps({"name": "model", "segments": 12, "thresholds": {"a": 0.5}}))
    write("study/report.json", json.dumps({"segments": [{"interview_id": "a", "start": 0}]}))
    write("study/settings.json", "{not json at all")
    write("study/cut.json", '{"language": "en", "segments": [{"start": 0.0, "text": " Hel')  # transcription stopped
    corpus = load_corpus([tmp_path / "study"])
    assert [iv.id for iv in corpus.interviews] == ["a", "b"]
    assert [(os.path.basename(f.path), f.error.code) for f in corpus.failures] == [("cut.json", "E123")]
    assert not any("not read" in w for w in corpus.warnings)


def test_a_folder_of_whisper_output_in_every_format_reads_the_json_alone(write, tmp_path):
    # `whisper --output_format all` (the default) writes a.json, a.txt, a.vtt, a.srt and a.tsv: each was
    # read, and all but one failed as a duplicate interview id (the .tsv on a missing speaker column)
    import json
    write("rec/a.json", json.dumps(WHISPERX))
    write("rec/a.txt", "So what helped, looking back?\nUm, the nurse, she actually listened.\n")
    write("rec/a.vtt", "WEBVTT\n\n00:00.500 --> 00:03.100\nSo what helped, looking back?\n")
    write("rec/a.srt", "1\n00:00:00,500 --> 00:00:03,100\nSo what helped, looking back?\n")
    write("rec/a.tsv", "start\tend\ttext\n500\t3100\tSo what helped, looking back?\n")
    write("rec/b.txt", "I: And you?\nP: Fine.\n")  # another interview, with no .json beside it
    corpus = load_corpus([tmp_path / "rec"])
    assert ([iv.id for iv in corpus.interviews], corpus.failures) == (["a", "b"], [])
    assert corpus.interviews[0].format == "whisper"
    rec = tmp_path / "rec"
    assert [w for w in corpus.warnings if "left out" in w] == [
        (f"{rec}: 4 file(s) left out as other formats of a speech-to-text transcript read from its .json beside "
         f"them: '{rec / 'a.srt'}', '{rec / 'a.tsv'}', '{rec / 'a.txt'}' and 1 more")]
    # named one by one, each file is read as asked
    assert len(load_corpus([tmp_path / "rec" / "a.json", tmp_path / "rec" / "a.vtt"]).failures) == 1


def test_unsupported_extension(write):
    with pytest.raises(InputError) as info:
        read_file(write("x.pages", "PK"))
    assert info.value.code == "E104"


def test_a_folder_says_which_files_it_passed_over(write, tmp_path):
    # files no reader takes would otherwise drop out of a study without a word
    write("talk/a.txt", "I: How are you?\nP: Fine.\n")
    for name in ("b.pages", "c.pages", "d.mp3", "a.mp3", "codebook.yaml", "README.md", ".hidden.doc", "_old/e.doc"):
        write(f"talk/{name}", b"x")
    write("talk/f.doc", COMPOUND)  # read, and failing, saying what is wrong with it
    corpus = load_corpus([tmp_path / "talk"])
    assert [iv.id for iv in corpus.interviews] == ["a"] and [f.error.code for f in corpus.failures] == ["E110"]
    # a.mp3 is a.txt's recording: no word of it; d.mp3 has no transcript yet
    assert corpus.warnings == [
        (f"{tmp_path / 'talk'}: 1 recording(s) not read (.mp3 1): '{tmp_path / 'talk' / 'd.mp3'}'; tr_nlp reads "
         "transcripts: transcribe the recordings first (offline: Whisper, WhisperX, noScribe or aTrain) and read "
         "their transcripts"),
        (f"{tmp_path / 'talk'}: 2 file(s) not read: no reader takes their type (.pages 2): "
         f"'{tmp_path / 'talk' / 'b.pages'}', '{tmp_path / 'talk' / 'c.pages'}'; if they are transcripts, save them "
         "as .docx or .txt")]
    (tmp_path / "empty").mkdir()
    assert load_corpus([tmp_path / "empty"]).warnings == [
        (f"{tmp_path / 'empty'}: no transcript files in this folder (expected .cha .csv .doc .docx .eaf .exb .fods .fodt .htm .html .json .jsonl "
         ".markdown .md .mht .mhtml .ndjson .ods .odt .otr .parquet .pdf .qde .qdpx .rtf .srt .trs .tsv .txt .vtt .xhtml .xlsx)")]
    assert load_corpus([tmp_path / "talk" / "a.txt"]).warnings == []  # files named one by one: nothing passed over


def test_a_file_named_twice_is_read_once(write, tmp_path):
    # the file itself, the file again by another spelling, and its folder
    path = write("talk/a.txt", "I: How are you?\nP: Fine.\n")
    write("talk/b.txt", "I: And you?\nP: Well.\n")
    corpus = load_corpus([path, tmp_path / "talk" / ".." / "talk" / "a.txt", tmp_path / "talk"])
    assert [(f.path.rsplit("/", 1)[-1], f.error) for f in corpus.files] == [("a.txt", None), ("b.txt", None)]
    assert [iv.id for iv in corpus.interviews] == ["a", "b"]


W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def docx_answer(path: Path, *runs: str):
    """A .docx of "Interviewer: Who helped?" and a participant's answer made of raw
    WordprocessingML ``runs`` (and the document, to add more)."""
    import docx
    from docx.oxml import parse_xml

    document = docx.Document()
    document.add_paragraph("Interviewer: Who helped?")
    paragraph = document.add_paragraph("Participant: ")
    for xml in runs:
        paragraph._p.append(parse_xml(xml))
    document.save(str(path))
    return document


def test_docx_tabs_no_break_hyphens_moves_and_text_boxes_read_as_shown(tmp_path):
    # a moved passage shows once (where it went), a text box's words do not join the turn
    # around it, and a no-break hyphen or a tab is the character it shows
    w = W_NS
    docx_answer(tmp_path / "t.docx",
                f'<w:moveFrom {w} w:id="1" w:author="a"><w:r><w:t xml:space="preserve">The nurse </w:t></w:r></w:moveFrom>',
                f'<w:r {w}><w:t>My</w:t><w:tab/><w:t>co</w:t><w:noBreakHyphen/><w:t xml:space="preserve">worker </w:t></w:r>',
                f'<w:r {w}><w:pict><v:shape xmlns:v="urn:schemas-microsoft-com:vml"><v:textbox><w:txbxContent>'
                f'<w:p><w:r><w:t>Figure 1</w:t></w:r></w:p></w:txbxContent></v:textbox></v:shape></w:pict></w:r>',
                f'<w:moveTo {w} w:id="2" w:author="a"><w:r><w:t>the nurse did.</w:t></w:r></w:moveTo>')
    iv = read_file(tmp_path / "t.docx").interviews[0]
    assert turn_texts(iv)[1] == ("Participant", "participant", "My\tco-worker the nurse did.")


def test_a_docx_s_speakers_property_sets_roles_only_when_it_maps_them(tmp_path):
    lines = [(None, "Interviewer: How was it?"), (None, "Jo: She listened."), (None, "Interviewer: And then?"),
             (None, "Jo: She rang.")]
    mapped = read_file(make_docx(tmp_path / "a.docx", lines, comments="speakers:\n  Jo: other\n")).interviews[0]
    assert mapped.speakers["Jo"] == "other" and "speakers" not in mapped.metadata
    counted = read_file(make_docx(tmp_path / "b.docx", lines, comments="speakers: 2\nsite: Leeds\n")).interviews[0]
    assert counted.speakers["Jo"] == "participant" and counted.metadata["speakers"] == 2


def test_a_docx_paragraphs_tab_stops_are_no_text(tmp_path):
    # a transcription template sets tab stops (a hanging indent after the label): they are
    # paragraph formatting, not tabs in the text
    import docx
    from docx.shared import Inches

    document = docx.Document()
    for line in ("Interviewer:\tHow was it?", "P:\tShe listened."):
        paragraph = document.add_paragraph(line)
        paragraph.paragraph_format.tab_stops.add_tab_stop(Inches(1.2))
    document.save(str(tmp_path / "t.docx"))
    assert read_file(tmp_path / "t.docx").interviews[0].text == "Interviewer:\tHow was it?\nP:\tShe listened."


def test_docx_shows_tracked_insertions_not_deletions(tmp_path):
    # an anonymiser's unaccepted edits: the insertion is what the document shows
    from docx.oxml import parse_xml

    w = W_NS
    document = docx_answer(
        tmp_path / "t.docx",
        f'<w:del {w} w:id="1" w:author="a"><w:r><w:delText>Karen </w:delText></w:r></w:del>',
        f'<w:ins {w} w:id="2" w:author="a"><w:r><w:t xml:space="preserve">[nurse] </w:t></w:r></w:ins>',
        f'<w:r {w}><w:t>did,</w:t><w:br/><w:t xml:space="preserve">at </w:t></w:r>',
        f'<w:smartTag {w} w:uri="u" w:element="place"><w:r><w:t>Leeds.</w:t></w:r></w:smartTag>')
    row = document.add_table(rows=1, cols=2).rows[0]
    row.cells[0].text = "Interviewer"
    row.cells[1].paragraphs[0]._p.append(
        parse_xml(f'<w:ins {w} w:id="3" w:author="a"><w:r><w:t>And then?</w:t></w:r></w:ins>'))
    document.save(str(tmp_path / "t.docx"))
    iv = read_file(tmp_path / "t.docx").interviews[0]
    assert turn_texts(iv) == [("Interviewer", "interviewer", "Who helped?"),
                              ("Participant", "participant", "[nurse] did,\nat Leeds."),
                              ("Interviewer", "interviewer", "And then?")]


LINE_NUMBERED = ("Interview 7\n"
                 "1   I: So tell me about the nurse you mentioned.\n"
                 "2   P: Well she was, um, she was the first one who\n"
                 "3   actually listened, you know.\n"
                 "4\n"
                 "5   I: Mm. Can you say more?\n"
                 "6   P: She came to the flat when I missed the appointment.\n")


def test_line_numbers_starting_each_line_are_not_speech(write):
    # a transcript numbered for citing ("P03, lines 2-3") was one 'unknown' turn, numbers and all
    result = read_file(write("numbered.txt", LINE_NUMBERED))
    interview = result.interviews[0]
    assert turn_texts(interview) == [
        ("I", "interviewer", "So tell me about the nurse you mentioned."),
        ("P", "participant", "Well she was, um, she was the first one who\nactually listened, you know."),
        ("I", "interviewer", "Mm. Can you say more?"),
        ("P", "participant", "She came to the flat when I missed the appointment.")]
    assert interview.text.startswith("Interview 7\nI: So tell me")
    assert any("numbers 1-6 that start its lines" in w for w in result.warnings)


def test_a_numbered_transcripts_numbers_say_which_line_a_passage_is_on(write):
    # the numbers were dropped: a coder could not cite a suggestion as "lines 2-3" or find it in the printout
    interview = read_file(write("numbered.txt", LINE_NUMBERED)).interviews[0]
    text = interview.text
    assert interview.line_at(text.index("actually listened")) == 3 and interview.line_at(text.index("She came")) == 6
    assert interview.line_at(text.index("Mm.")) == 5 and interview.line_at(0) is None  # "Interview 7" had no number
    segments = Segmenter().segment([interview])
    assert [(s.text[:14], s.line, s.line_end) for s in segments] == [("Well she was, ", 2, 3), ("She came to th", 6, 6)]
    # numbers that start again on each printed page, with a line no number starts
    pages = "\n".join("".join(f"{n}  {'IP'[n % 2]}: Line {n} of page {p}.\n" for n in range(1, 7)) for p in (1, 2))
    read = read_file(write("pages.txt", pages))
    again = read.interviews[0]
    assert any("the numbers 1-6, 1-6 that start its lines" in w for w in read.warnings)  # not "1-6" as if one run
    assert [again.line_at(again.text.index(w)) for w in ("2 of page 1", "6 of page 1", "1 of page 2", "5 of page 2")] == [
        2, 6, 1, 5]


def test_a_text_files_passages_are_on_the_lines_an_editor_shows(write):
    raw = "---\nsite: Leeds\n---\n\nI: Who helped?\nP: Karen did.\nShe stayed late.\n\nI: Mm.\nP: Yes.\n"
    interview = read_file(write("plain.txt", raw)).interviews[0]
    lines = raw.split("\n")
    assert [(s.text, s.line, s.line_end) for s in Segmenter().segment([interview])] == [
        ("Karen did.", 6, 6), ("She stayed late.", 7, 7), ("Yes.", 10, 10)]
    turns = Segmenter(unit="turn").segment([interview])  # a turn over two lines cites both
    assert [(s.line, s.line_end) for s in turns] == [(6, 7), (10, 10)]
    assert all(s.text in lines[s.line - 1] for s in Segmenter().segment([interview]))
    # a file tr_nlp wrote of a numbered transcript keeps its numbers, not its own lines (its front matter says)
    shown = read_file(write("p.txt", "---\nlines: [[0, 40], [10, 42]]\n---\nI: Who?\n\nP: Karen.\n")).interviews[0]
    assert [shown.line_at(shown.text.index(w)) for w in ("Who", "Karen")] == [40, 42] and "lines" not in shown.metadata
    odd = read_file(write("q.txt", "---\nlines: [[0, 4], [0, 5]]\n---\nI: Who?\nP: Karen.\n")).interviews[0]
    assert odd.lines == ((0, 4),) and odd.metadata["lines"] == [[0, 4], [0, 5]]  # not line numbers: metadata


@pytest.mark.parametrize("above", ["\n\n", "  \r\n\t\r\n", "\ufeff\n\n"])
def test_a_text_files_blank_first_lines_count_for_its_line_numbers(write, above):
    # the blank lines a file starts with (a Word document saved as text, with an empty first
    # paragraph) were dropped uncounted: every segment cited a line two too early
    raw = f"{above}I: Who helped?\n\nP: Karen did.\nShe stayed late.\n"
    interview = read_file(write("plain.txt", raw)).interviews[0]
    assert [(s.text, s.line) for s in Segmenter().segment([interview])] == [("Karen did.", 5), ("She stayed late.", 6)]
    table = read_file(write("nvivo.txt", f"{above}0:00:01.0 - 0:00:04.0\tWho helped?\tJo\n"
                                         "0:00:04.0 - 0:00:09.0\tKaren did.\tSam\n")).interviews[0]
    assert [table.line_at(table.text.index(w)) for w in ("Who", "Karen")] == [3, 4]


def test_a_text_of_numbers_alone_is_no_numbered_transcript():
    # no numbered line held any text, and the reader failed (IndexError) saying which numbers it left out
    from tr_nlp.ingest.text import interview_from_text

    result = interview_from_text("1\n2\n3\n4\n", Path("n.txt"), RoleMap(), {}, "text")
    assert result.interviews[0].text == "1\n2\n3\n4\n" and not any("numbered" in w for w in result.warnings)


def test_numbers_a_few_lines_start_with_stay_text(write):
    text = "I: How many times?\nP: Well\n3 or 4 times, maybe.\n10 at most.\nI: Right.\nP: Yes.\n"
    assert read_file(write("counts.txt", text)).interviews[0].text == text.rstrip("\n")


@pytest.mark.parametrize("labels", [("[Interviewer]", "[Participant]"), ("I -", "P \u2013"), ("Q.", "A."),
                                    ("(Interviewer)", "(Participant)"), ("<Interviewer>", "<Participant>"),
                                    ("INTERVIEWER", "RESPONDENT"), ("Interviewer;", "Participant;")])
def test_known_labels_without_a_colon(write, labels):
    # "[Interviewer] text", "I - text" and "Q. text" transcripts were one 'unknown' speaker's paragraph;
    # so, until now, were "(Interviewer) text", "<Interviewer> text", "INTERVIEWER text" and
    # "Interviewer; text"
    asks, answers = labels
    path = write("t.txt", f"{asks} How was the ward?\n{answers} Hard. I - I mean, at first.\n{asks} Right.\n")
    assert turn_texts(read_file(path).interviews[0]) == [
        (asks.strip("[]()<>-.; \u2013"), "interviewer", "How was the ward?"),
        (answers.strip("[]()<>-.; \u2013"), "participant", "Hard. I - I mean, at first."),
        (asks.strip("[]()<>-.; \u2013"), "interviewer", "Right.")]


def test_a_label_written_once_a_letter_apart_from_a_speaker_s_is_that_speaker_s(write):
    # 'Interviwer: And later on?' was the participant's speech, the question and all
    text = ("Interviewer: So how was the ward?\nParticipant 1: Loud, at first.\nInterviwer: And later on?\n"
            "Participant 1: Better.\nInterviewer: Right.\nParticpant 1: Yes.\nParticipant 2: Hm.\n"
            "Participant 1: Well.\nInterviewee: Mm.\nJonathon: Hi.\nJonathan: Bye.\nJonathan: Yes.\n")
    result = read_file(write("t.txt", text))
    assert [t.speaker for t in result.interviews[0].turns] == [
        "Interviewer", "Participant 1", "Interviewer", "Participant 1", "Interviewer", "Participant 1", "Participant 2",
        "Participant 1", "Interviewee", "Jonathan", "Jonathan", "Jonathan"]
    assert ("speaker labels written once, a letter apart from a speaker's, read as that speaker's: 'Interviwer' as "
            "'Interviewer', 'Particpant 1' as 'Participant 1', 'Jonathon' as 'Jonathan'") in result.warnings


@pytest.mark.parametrize("asks", ["Q1.", "Q:", "Interviewer:"])
def test_answers_below_questions_that_alone_are_labelled_are_the_participant_s(write, asks):
    # a written interview labels only its questions: every answer was the interviewer's, and the
    # interview gave no segment
    text = (f"{asks} Thanks for coming.\nWhat happened when you were\nfirst admitted?\nI was admitted in 2015.\n"
            f"The ward was loud.\n\n{asks} Tell me about who helped.\nMy nurse did.\n\n{asks} Anything else?\n")
    result = read_file(write("t.txt", text))
    iv = result.interviews[0]
    assert [(t.role, iv.text[t.start:t.end]) for t in iv.turns] == [
        ("interviewer", "Thanks for coming.\nWhat happened when you were\nfirst admitted?"),
        ("participant", "I was admitted in 2015.\nThe ward was loud."), ("interviewer", "Tell me about who helped."),
        ("participant", "My nurse did."), ("interviewer", "Anything else?")]
    assert any("2 unlabelled answer(s)" in w for w in result.warnings)
    # where a participant is labelled too, an interviewer's lines stay the interviewer's
    iv = read_file(write("u.txt", "Q: So, first:\nwhat happened?\nP: Loud.\n")).interviews[0]
    assert [(t.role, iv.text[t.start:t.end]) for t in iv.turns] == [
        ("interviewer", "So, first:\nwhat happened?"), ("participant", "Loud.")]


def test_words_in_capitals_that_start_lines_of_unlabelled_speech_stay_speech(write):
    text = "CPN came round on the Monday.\nI think she was new.\nCPN came again later.\nI think so.\n"
    iv = read_file(write("t.txt", text)).interviews[0]
    assert {t.speaker for t in iv.turns} == {"unknown"}


def test_labels_without_a_colon_count_only_where_no_usual_label_is(write):
    # in a "P:" transcript, speech that starts a line with "I - " or "A. " is speech
    text = "I: How was it?\nP: Well\nI - I mean, it was hard.\nA. Smith, my nurse, helped.\nI: Right.\n"
    assert [t[0] for t in turn_texts(read_file(write("t.txt", text)).interviews[0])] == ["I", "P", "I"]


def test_a_name_alone_above_each_paragraph_is_its_speaker(write):
    # Otter's text export without times ("Speaker 1", then the speech) was one 'unknown' speaker
    path = write("o.txt", "Speaker 1\nSo how was the ward, for you?\n\nSpeaker 2\nHard. She sat with me,\nthough.\n\n"
                          "Speaker 1\nRight.\n")
    assert turn_texts(read_file(path).interviews[0]) == [
        ("Speaker 1", "interviewer", "So how was the ward, for you?"),
        ("Speaker 2", "participant", "Hard. She sat with me,\nthough."), ("Speaker 1", "interviewer", "Right.")]


def test_a_time_alone_above_each_name_line_is_the_turns_time(write):
    # a time, the name below it and the speech below that was one 'unknown' speaker's paragraphs
    path = write("t.txt", "00:00:03\nJane Doe\nSo how was the ward?\n\n[00:00:09]\nSam\nHard. She sat\nwith me.\n\n"
                          "00:00:20 --> 00:00:22\nJane Doe\nRight.\n\n00:00:24\nSam\nYes.\n")
    iv = read_file(path).interviews[0]
    assert turn_texts(iv) == [("Jane Doe", "interviewer", "So how was the ward?"),
                              ("Sam", "participant", "Hard. She sat\nwith me."),
                              ("Jane Doe", "interviewer", "Right."), ("Sam", "participant", "Yes.")]
    assert [t.timestamp for t in iv.turns] == [3.0, 9.0, 20.0, 24.0]


def test_a_known_label_with_a_clock_time_and_no_colon(write):
    path = write("t.txt", "Speaker 1 00:00:03 So how was it?\nSpeaker 2 00:00:09 Hard. At 10:30 she\ncame.\n"
                          "Speaker 1 00:00:20 Right.\n")
    iv = read_file(path).interviews[0]
    assert turn_texts(iv) == [("Speaker 1", "interviewer", "So how was it?"),
                              ("Speaker 2", "participant", "Hard. At 10:30 she\ncame."),
                              ("Speaker 1", "interviewer", "Right.")]
    assert [t.timestamp for t in iv.turns] == [3.0, 9.0, 20.0]
    # a name that is no known label, with a time of day in speech, stays speech
    text = "Monday 10:30:00 was the appointment.\nTuesday 09:15:00 was another.\n"
    assert {t.speaker for t in read_file(write("u.txt", text)).interviews[0].turns} == {"unknown"}


@pytest.mark.parametrize("header", ["Timespan\tContent\tSpeaker\n", ""])
def test_a_tab_separated_text_with_the_speaker_after_the_speech_as_nvivo_imports_it(write, header):
    # NVivo's transcript layout as text: one 'unknown' speaker's paragraph, times, names and all
    path = write("t.txt", header + "0:00:01.0 - 0:00:03.2\tWho helped?\tJane\n0:00:03.2 - 0:00:09.0\tJo did, at first."
                 "\tSam\n0:00:09.0 - 0:00:12.5\tand later too.\t\n\n0:00:12.5 - 0:00:14.0\tWhen?\tJane\n")
    iv = read_file(path).interviews[0]
    assert turn_texts(iv) == [("Jane", "interviewer", "Who helped?"),
                              ("Sam", "participant", "Jo did, at first.\nand later too."),
                              ("Jane", "interviewer", "When?")]
    assert [t.timestamp for t in iv.turns] == [1.0, 3.2, 12.5]
    first = 1 + bool(header)  # each turn's lines are the file's
    assert [iv.lines_of(t.start, t.end) for t in iv.turns] == [(first, first), (first + 1, first + 2),
                                                               (first + 4, first + 4)]


def test_a_tab_separated_table_under_a_title_or_of_questions_and_answers_keeps_the_file_s_lines(write):
    # under a title line, NVivo's layout was read as a time, a speaker 'Jo did.' and speech 'Sam'
    iv = read_file(write("t.txt", "Interview 7\nTimespan\tContent\tSpeaker\n0:00:01\tWho helped?\tJane\n"
                                  "0:00:04\tJo did.\tSam\n0:00:09\tOh.\tJane\n")).interviews[0]
    assert [(t.speaker, iv.text[t.start:t.end], iv.lines_of(t.start, t.end)) for t in iv.turns] == [
        ("Jane", "Who helped?", (3, 3)), ("Sam", "Jo did.", (4, 4)), ("Jane", "Oh.", (5, 5))]
    # two turns a row, each on its row's line
    iv = read_file(write("u.txt", "Question\tAnswer\tParticipant\nWho helped?\tJo did.\tP1\n"
                                  "Who else?\tNo one.\tP2\nAnd then?\tMore.\tP1\n")).interviews[0]
    assert [(t.speaker, iv.lines_of(t.start, t.end)[0]) for t in iv.turns] == [
        ("Interviewer", 2), ("P1", 2), ("Interviewer", 3), ("P2", 3), ("Interviewer", 4), ("P1", 4)]


def test_short_first_lines_of_unlabelled_paragraphs_are_no_speakers(write):
    # a one-word line that recurs above paragraphs, in text where most paragraphs open otherwise
    text = "Yes\nI think so.\n\nWell, it was hard.\n\nYes\nand then she came.\n\nIt got better.\n\nMuch better.\n"
    result = read_file(write("u.txt", text))
    assert [t.speaker for t in result.interviews[0].turns] == ["unknown"] * 5


def test_a_list_of_names_beside_the_transcripts_is_refused_not_read_as_speech(tmp_path):
    """`pseudonymise study/ --list-names study/names.txt`, or a team's own list kept there:
    read as an interview, its names and quotes were one more participant's speech."""
    listed = tmp_path / "names.txt"
    listed.write_text("# Names to replace; '#' starts a comment.\nKaren Smith\nDr Bell  # psychiatrist\n\nSam\n",
                      encoding="utf-8")
    with pytest.raises(InputError, match=r"E137\] is a list of names") as info:
        read_file(listed)
    assert str(listed) in str(info.value)
    for text, speakers in [
        ("# Interview 4, 12 May\nI: Hi.\nP: Hello.\nI: Ok.\nP: Yes.\n", {"I", "P"}),  # labels: a transcript
        ("Yes.\n\nNo, not really.\n\nMaybe.\n", {"unknown"}),  # short unlabelled speech, no comment first
        ("# Notes\nShe came round on a Sunday and sat with me for an hour.\n", {"unknown"}),  # a long line
    ]:
        listed.write_text(text, encoding="utf-8")
        assert {t.speaker for t in read_file(listed).interviews[0].turns} == speakers


def _sparse(path, mb):
    """A file of ``mb`` megabytes that takes no room on disk (reading it would be slow)."""
    with open(path, "wb") as file:
        file.truncate(int(mb * 2**20))
    return path


@pytest.mark.parametrize("name,limit", [
    ("p07.txt", 50), ("p07.srt", 50), ("p07.vtt", 50), ("p07.json", 50), ("p07.eaf", 50), ("p07.exb", 50),
    ("p07.html", 50), ("p07.otr", 50), ("p07.rtf", 200), ("p07.pdf", 200), ("p07.doc", 200), ("p07.mht", 200),
])
def test_a_transcript_file_too_large_to_be_one_is_refused_unread(tmp_path, name, limit):
    # a 2 GB log named .txt was read whole (minutes, gigabytes) before anything was said of it
    path = _sparse(tmp_path / name, limit + 0.5)
    with at_most(5), pytest.raises(InputError) as caught:
        read_file(path)
    assert caught.value.code == "E117" and f"is {limit}.5 MB, more than the {limit} MB" in str(caught.value)


def test_a_folder_reads_its_transcripts_beside_one_too_large(tmp_path):
    (tmp_path / "p07.txt").write_text("I: Who helped?\nP: The nurse who stayed.", encoding="utf-8")
    _sparse(tmp_path / "dump.json", 51)  # not left out as a companion file: it is reported
    _sparse(tmp_path / "p08.txt", 51)
    corpus = load_corpus([tmp_path])
    assert [iv.id for iv in corpus.interviews] == ["p07"]
    assert sorted((Path(f.path).name, f.error.code) for f in corpus.failures) == [
        ("dump.json", "E117"), ("p08.txt", "E117")]
