from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tr_nlp.errors import ConfigError
from tr_nlp.ingest import ReadOptions, read_file
from tr_nlp.schema import Interview, Turn, segments_from_frame, segments_to_frame
from tr_nlp.segment import Segmenter, load_nlp
from tr_nlp.segment.segmenter import MAX_RUN

TEXT = "I: So how was it?\nP: It was hard. She listened though!  And she stayed.\nI: Mm.\nP: Yes. Really."


def interview():
    turns, pos = [], 0
    for line in TEXT.split("\n"):
        who = line[0]
        turns.append(Turn(who, "interviewer" if who == "I" else "participant", pos + 3, pos + len(line)))
        pos += len(line) + 1
    return Interview("x", TEXT, tuple(turns))


def test_sentences_of_participants_never_cross_turns():
    segs = Segmenter().segment([interview()])
    assert [s.text for s in segs] == ["It was hard.", "She listened though!", "And she stayed.", "Yes.", "Really."]
    assert [s.segment_id for s in segs] == [f"x:s{i}" for i in range(5)]
    assert all(s.role == "participant" for s in segs)


@pytest.mark.parametrize(("speech", "expected"), [
    ("\u6211\u5f88\u597d\u3002\u5979\u6765\u4e86\uff01\u4f60\u5462\uff1f\u201c\u4f60\u597d\u5417\uff1f\u201d\u4ed6\u95ee\u3002",
     ["\u6211\u5f88\u597d\u3002", "\u5979\u6765\u4e86\uff01", "\u4f60\u5462\uff1f",
      "\u201c\u4f60\u597d\u5417\uff1f\u201d\u4ed6\u95ee\u3002"]),  # Chinese; a quoted question and who asked
    ("\u5143\u6c17\u3067\u3059\u3002\u300c\u672c\u5f53\uff1f\u300d\u3068\u8a00\u3063\u305f\u3002",
     ["\u5143\u6c17\u3067\u3059\u3002", "\u300c\u672c\u5f53\uff1f\u300d\u3068\u8a00\u3063\u305f\u3002"]),  # Japanese
    ("Really?! Yes. No.", ["Really?!", "Yes.", "No."]),
])
def test_sentences_of_languages_written_without_spaces(speech, expected):
    # spaCy cuts text into words at spaces: a Chinese or Japanese turn was one sentence however long
    text = f"P: {speech}"
    interview = Interview("p1", text, (Turn("P", "participant", 3, len(text)),))
    assert [s.text for s in Segmenter().segment([interview])] == expected


def test_a_bracket_or_quote_opening_a_sentence_belongs_to_it():
    # "anyone. [laughs]" was cut into "anyone. [" and "laughs]"; a quote opening reported speech likewise
    text = "P: She said not to tell anyone. [laughs] Then, \u201cYou people.\u201d That hurt. \"Why?\" (pause) Yes."
    segs = Segmenter().segment([Interview("x", text, (Turn("P", "participant", 3, len(text)),))])
    assert [s.text for s in segs] == ["She said not to tell anyone.", "[laughs] Then, \u201cYou people.\u201d",
                                      "That hurt.", "\"Why?\"", "(pause) Yes."]


def test_a_sentence_goes_on_after_an_abbreviation_spacy_does_not_know():
    # "approx. three" was cut after "approx.", "ward no. 7" after "no.", "Sr. Jones" (a ward sister) after "Sr."
    text = ("P: I saw her approx. three times, with the meds etc. and all that. Sr. Jones was on ward no. 7 then. "
            "She said no. And she meant it, my appts etc. Then it stopped.")
    segs = Segmenter().segment([Interview("x", text, (Turn("P", "participant", 3, len(text)),))])
    assert [s.text for s in segs] == ["I saw her approx. three times, with the meds etc. and all that.",
                                      "Sr. Jones was on ward no. 7 then.", "She said no.",
                                      "And she meant it, my appts etc.", "Then it stopped."]


@pytest.mark.parametrize(("speech", "expected"), [
    ("Jag menar t.ex. n\u00e4r hon ringde, dvs. p\u00e5 s\u00f6ndagen. Hon var bl.a. min kontakt, s.k. case manager, "
     "osv. och hon kom ca. kl. 3. Jfr. med de andra. Mm. Sen gick jag.",
     ["Jag menar t.ex. n\u00e4r hon ringde, dvs. p\u00e5 s\u00f6ndagen.",
      "Hon var bl.a. min kontakt, s.k. case manager, osv. och hon kom ca. kl. 3.", "Jfr. med de andra.", "Mm.",
      "Sen gick jag."]),  # Swedish
    ("Sie hat z.B. am Sonntag angerufen, d.h. an ihrem freien Tag. Das war bzw. ist selten, u.a. weil ca. drei "
     "Leute usw. dabei waren. Vgl. Montag. Wir kamen usw. Dann ging es.",
     ["Sie hat z.B. am Sonntag angerufen, d.h. an ihrem freien Tag.",
      "Das war bzw. ist selten, u.a. weil ca. drei Leute usw. dabei waren.", "Vgl. Montag.", "Wir kamen usw.",
      "Dann ging es."]),  # German: nouns in capitals after z.B. or vgl., a new sentence after "usw."
    ("Ze belde bijv. op zondag, d.w.z. haar vrije dag. Dat was o.a. omdat het m.b.t. mij ging, enz. en toen ging ik.",
     ["Ze belde bijv. op zondag, d.w.z. haar vrije dag.",
      "Dat was o.a. omdat het m.b.t. mij ging, enz. en toen ging ik."]),  # Dutch
    ("Elle m'a appel\u00e9 p. ex. le dimanche, c.-\u00e0-d. son jour de repos.",
     ["Elle m'a appel\u00e9 p. ex. le dimanche, c.-\u00e0-d. son jour de repos."]),  # French
    ("Me llam\u00f3 p. ej. el domingo. La Sra. Garc\u00eda vino.",
     ["Me llam\u00f3 p. ej. el domingo.", "La Sra. Garc\u00eda vino."]),  # Spanish
    ("Mi ha chiamato ad es. la domenica. La sig.ra Rossi e il dott. Bianchi sono venuti.",
     ["Mi ha chiamato ad es. la domenica.", "La sig.ra Rossi e il dott. Bianchi sono venuti."]),  # Italian
    ("H\u00e4n soitti esim. sunnuntaina, ts. vapaap\u00e4iv\u00e4n\u00e4\u00e4n. Se oli mm. siksi.",
     ["H\u00e4n soitti esim. sunnuntaina, ts. vapaap\u00e4iv\u00e4n\u00e4\u00e4n.", "Se oli mm. siksi."]),  # Finnish
    ("We moved to the U.K. in May. Then home.", ["We moved to the U.K. in May.", "Then home."]),
    ("It took an hr. Then bla bla. Then she went.", ["It took an hr.", "Then bla bla.", "Then she went."]),
])
def test_a_sentence_goes_on_after_an_abbreviation_of_another_language(speech, expected):
    # the sentencizer knows English abbreviations only: "t.ex. n\u00e4r hon ringde" (for example, when she
    # rang) was "t.ex." and "n\u00e4r hon ringde", and German's "z.B. am Sonntag" likewise
    text = f"P: {speech}"
    interview = Interview("p1", text, (Turn("P", "participant", 3, len(text)),))
    assert [s.text for s in Segmenter().segment([interview])] == expected


def test_a_sentence_of_transcribers_notes_alone_joins_its_neighbour():
    # "[laughs]" after a full stop was a segment of its own, with nothing in it to code
    text = "P: Not to tell anyone. [laughs]\nP: (pause). Well. [inaudible 00:01:02]\nP: [laughs]"
    turns = (Turn("P", "participant", 3, 31), Turn("P", "participant", 35, 70), Turn("P", "participant", 74, 82))
    segs = Segmenter().segment([Interview("x", text, turns)])
    assert [s.text for s in segs] == ["Not to tell anyone. [laughs]", "(pause). Well. [inaudible 00:01:02]",
                                      "[laughs]"]


def test_turns_and_roles():
    segs = Segmenter(unit="turn", roles=("interviewer", "participant")).segment([interview()])
    assert [s.text for s in segs] == ["So how was it?", "It was hard. She listened though!  And she stayed.",
                                      "Mm.", "Yes. Really."]


def test_an_interview_with_no_speech_of_a_kept_role_is_named():
    asks = Interview("asks", "I: Hello?", (Turn("I", "interviewer", 3, 9),), source="asks.txt")
    found = Segmenter().warnings([interview(), asks])
    assert [(iv.id, line) for iv, line in found] == [(
        "asks", "interview 'asks' has no participant speech, so it gives no segment (speakers: I (interviewer)); "
                "if a role is wrong, set it with --speaker-role NAME=ROLE or in the corpus config")]
    assert Segmenter(roles=("interviewer", "participant")).warnings([asks]) == []
    # a file of 100,000 speaker labels gave a 2 MB line: the first ten are named
    text = "".join(f"S{i}: Hi?\n" for i in range(12))
    many = Interview("many", text, tuple(Turn(f"S{i}", "other", 8 * i + 4, 8 * i + 7) for i in range(12)))
    (_, line), = Segmenter().warnings([many])
    assert "(speakers: S0 (other), S1 (other), " in line and "S9 (other) and 2 more); if a role" in line


def test_windows_with_stride_cover_every_sentence():
    segs = Segmenter(unit="window", window=2, stride=1).segment([interview()])
    assert [s.text for s in segs] == ["It was hard. She listened though!", "She listened though!  And she stayed.",
                                      "Yes. Really."]
    segs = Segmenter(unit="window", window=2).segment([interview()])
    assert [s.text for s in segs] == ["It was hard. She listened though!", "She listened though!  And she stayed.",
                                      "Yes. Really."]


def test_a_turn_longer_than_spacys_limit_goes_through_in_pieces(monkeypatch):
    # spaCy refuses texts over nlp.max_length (1,000,000 characters): an unpunctuated
    # automatic transcript or a file without speaker labels can be one such turn
    line = "It was hard. She listened though!\n"
    text = "P: " + line * 40
    whole = Interview("x", text, (Turn("P", "participant", 3, len(text)),))
    expected = Segmenter().segment([whole])
    monkeypatch.setattr(load_nlp(None), "max_length", 3 * len(line) + 5)  # cuts fall on line breaks
    assert Segmenter().segment([whole]) == expected
    monkeypatch.setattr(load_nlp(None), "max_length", 20)  # cuts fall on spaces, inside sentences
    segs = Segmenter().segment([whole])
    assert all(s.text == text[s.start : s.end] and len(s.text) <= 20 for s in segs)
    assert "".join(s.text for s in segs).replace(" ", "") == text[3:].replace(" ", "").replace("\n", "")
    assert [s.segment_id for s in segs] == [f"x:s{i}" for i in range(len(segs))]


def test_spacy_reads_runs_of_garbled_data_cut_and_offsets_hold(monkeypatch):
    # spaCy's tokenizer takes time quadratic in a token's length on ":0:0:0..." (100,000
    # characters took minutes): such runs reach it cut by spaces, in a copy of the same length
    nlp = load_nlp(None)
    read, pipe = [], nlp.pipe

    def recording(texts, **kwargs):
        texts = list(texts)
        read.extend(texts)
        return pipe(texts, **kwargs)

    monkeypatch.setattr(nlp, "pipe", recording)
    text = f"P: She listened. {':0' * 5_000} Then she rang me."
    iv = Interview("i1", text, (Turn("P", "participant", 3, len(text)),))
    segments = Segmenter(unit="sentence").segment([iv])
    assert max(len(run) for run in read[0].split()) == MAX_RUN and len(read[0]) == len(text) - 3
    assert all(text[s.start:s.end] == s.text for s in segments)
    assert segments[0].text.startswith("She listened.") and segments[-1].text.endswith("Then she rang me.")
    assert "".join(s.text for s in segments).replace(" ", "") == text[3:].replace(" ", "")


def test_bad_settings():
    with pytest.raises(ConfigError):
        Segmenter(unit="paragraph")  # type: ignore[arg-type]
    with pytest.raises(ConfigError):
        Segmenter(roles=("boss",))
    with pytest.raises(ConfigError, match="no speaker role to keep"):
        Segmenter(roles=())  # what '--roles ,' gives: it would keep no segment at all
    with pytest.raises(ConfigError):
        Segmenter(unit="window", window=0)
    with pytest.raises(ConfigError, match="--stride 4 is larger than --window 3.*never be coded"):
        Segmenter(unit="window", window=3, stride=4)  # would leave every fourth sentence out
    assert Segmenter(unit="window", window=3, stride=3).stride == 3


def test_missing_spacy_model_is_a_clear_error():
    with pytest.raises(ConfigError) as info:
        Segmenter(spacy_model="xx_not_installed_sm").segment([interview()])
    assert info.value.code == "E164"


def test_frame_round_trip():
    segs = Segmenter().segment([interview()])
    assert segments_from_frame(segments_to_frame(segs)) == segs
    timed = [replace(s, timestamp=12.5) for s in segs]
    assert segments_from_frame(segments_to_frame(timed)) == timed
    # a table written before segments had times reads as segments without them
    assert segments_from_frame(segments_to_frame(segs).drop(columns="timestamp")) == segs
    numbered = [replace(s, line=n, line_end=n + 1) for n, s in enumerate(segs, start=7)]
    assert segments_from_frame(segments_to_frame(numbered)) == numbered
    frame = segments_to_frame(numbered)
    assert frame.line.dtype == frame.line_end.dtype == "Int64" and segments_to_frame(segs).line_end.isna().all()
    assert segments_from_frame(frame.drop(columns=["line", "line_end"])) == segs  # written before lines
    assert [s.line_end for s in segments_from_frame(frame.drop(columns="line_end"))] == [None] * len(segs)


def test_time_marks_inside_turns_are_kept_whole_and_time_what_follows(tmp_path):
    # f4's mid-line "#00:02:30-1#" was cut in two ("back. #" and "00:02:30-1# She asked"), and
    # the marks inside a turn gave its sentences no time
    path = tmp_path / "f4.txt"
    path.write_text("Interviewer: So how was the ward?\n"
                    "Participant: Loud. The nurse stayed late. [00:02:00] And then she came back. #00:02:30-1# "
                    "She asked how I slept. #00:02:41-0#\nInterviewer: Right.\nParticipant: Yes.\n", encoding="utf-8")
    iv = read_file(path, ReadOptions()).interviews[0]
    assert [(s.text, s.timestamp) for s in Segmenter().segment([iv])] == [
        ("Loud.", None), ("The nurse stayed late.", None),
        ("[00:02:00] And then she came back. #00:02:30-1#", 120.0), ("She asked how I slept.", 150.1),
        ("Yes.", 161.0)]  # f4 closes a paragraph with the time at its end: the next turn's start


def test_a_segment_has_the_last_time_known_at_its_start():
    text = "I: So?\nP: First. Second.\nI: Right.\nP: Third."
    turns = (Turn("I", "interviewer", 3, 6, 60.0), Turn("P", "participant", 10, 24),
             Turn("I", "interviewer", 28, 34, 75.0), Turn("P", "participant", 38, 44))
    iv = Interview("i1", text, turns, times=((text.index("Second"), 70.0),))
    assert [(s.text, s.timestamp) for s in Segmenter().segment([iv])] == [
        ("First.", 60.0), ("Second.", 70.0), ("Third.", 75.0)]
    assert Segmenter().segment([Interview("i2", text, turns[1:2])])[0].timestamp is None
    with pytest.raises(ValueError, match="times of interview 'i3'"):
        Interview("i3", text, turns, times=((20, 1.0), (12, 2.0)))


words = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=40)
speech = st.lists(st.one_of(words, st.sampled_from(["Mm.", "Yeah!", "I mean...", "é😀 ok?", "\n", "  "])),
                  min_size=1, max_size=12).map(" ".join)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(turns=st.lists(st.tuples(st.sampled_from(["I", "P", "Dana"]), speech), min_size=1, max_size=6),
       unit=st.sampled_from(["turn", "sentence", "window"]))
def test_property_segment_text_is_text_at_offsets(tmp_path, turns, unit):
    body = "\n".join(f"{who}: {said}" for who, said in turns)
    path = tmp_path / "p.txt"
    path.write_text("I: Hello?\n" + body, encoding="utf-8")
    try:
        iv = read_file(path, ReadOptions()).interviews[0]
    except Exception as exc:  # only clean refusals are allowed
        from tr_nlp.errors import TrNlpError
        assert isinstance(exc, TrNlpError)
        return
    for t in iv.turns:
        assert 0 <= t.start <= t.end <= len(iv.text)
    for s in Segmenter(unit=unit, roles=("interviewer", "participant", "other")).segment([iv]):
        assert s.text == iv.text[s.start:s.end]
        assert s.text == s.text.strip() and s.text


_RAMBLE = ("so i went to the clinic and the nurse she was really kind to me you know she didnt treat me like i was "
           "mad or anything and um she stayed after her shift to ring the housing people [inaudible 00:01:02] which "
           "she didnt have to do and yeah that meant a lot to me because nobody else did that ")


def test_speech_transcribed_without_sentence_punctuation_is_cut_into_pieces(tmp_path):
    # a speech recogniser's turn of 6 x 60 words, no full stop anywhere: was one "sentence" of 360 words
    path = tmp_path / "asr.txt"
    path.write_text(f"Interviewer: can you tell me about the nurse\nParticipant: {_RAMBLE * 6}\nInterviewer: mm\n",
                    encoding="utf-8")
    iv = read_file(path, ReadOptions()).interviews[0]
    cut = Segmenter()
    pieces = cut.segment([iv])
    sizes = [len(p.text.split()) for p in pieces]
    assert len(pieces) == 15 and all(17 <= n <= 33 for n in sizes) and sum(sizes) == 6 * 60
    assert all("[inaudible" not in p.text or "00:01:02]" in p.text for p in pieces)  # a note is never cut
    assert " ".join(p.text for p in pieces) == " ".join((_RAMBLE * 6).split())
    (warning,) = [line for _, line in cut.warnings([iv])]
    assert "has 1 stretch(es) of speech of over 80 words with no full stop" in warning
    assert [s.text for s in Segmenter(max_words=None).segment([iv])] == [" ".join((_RAMBLE * 6).split())]
    assert len(Segmenter(unit="window", window=3).segment([iv])) == 5  # windows of the pieces
    assert not Segmenter(unit="turn").warnings([iv]) and len(Segmenter(unit="turn").segment([iv])) == 1


def test_unpunctuated_captions_are_cut_where_a_cue_starts(tmp_path):
    words = _RAMBLE.replace("[inaudible 00:01:02] ", "").split() * 3
    cues = [" ".join(words[i:i + 8]) for i in range(0, len(words), 8)]
    path = tmp_path / "auto.vtt"  # as YouTube's automatic captions: no punctuation, no speaker
    path.write_text("WEBVTT\n\n" + "\n".join(f"00:{3 * k // 60:02d}:{3 * k % 60:02d}.000 --> 00:{3 * k // 60:02d}:"
                                              f"{3 * k % 60:02d}.900\n{cue}\n" for k, cue in enumerate(cues)),
                    encoding="utf-8")
    pieces = Segmenter().segment(read_file(path, ReadOptions()).interviews)
    assert len(pieces) == 7 and " ".join(p.text for p in pieces) == " ".join(words)
    for piece in pieces:  # each starts with a cue, so it carries that cue's time
        (k,) = [k for k, cue in enumerate(cues) if piece.text.startswith(cue)]
        assert piece.timestamp == 3.0 * k


def test_a_run_on_sentence_is_cut_at_its_commas_and_short_ones_never():
    speech = ("Well she came every week, even when the ward was short, and she would sit, and listen, and then "
              "she rang my sister, who had not spoken to me for a year, because I asked her to, and that was not "
              "her job, none of it was, but she did it anyway, and she never once made me feel like a case, or a "
              "number, or a problem to get rid of before the end of her shift, she was just there. Then she left.")
    iv = Interview("p", f"P: {speech}", (Turn("P", "participant", 3, 3 + len(speech)),))
    pieces = [s.text for s in Segmenter().segment([iv])]
    assert len(pieces) == 5 and pieces[-1] == "Then she left."
    assert all(p.endswith((",", ".")) for p in pieces)  # at a comma each
    (warning,) = [line for _, line in Segmenter().warnings([iv])]  # what is cut is said
    assert "has 1 stretch(es) of speech of over 80 words" in warning
    assert [s.text for s in Segmenter().segment([interview()])] == [
        "It was hard.", "She listened though!", "And she stayed.", "Yes.", "Really."]


def test_settings_round_trip_and_ignore_unknown_keys():
    cut = Segmenter(unit="window", roles=("participant", "interviewer"), window=4, stride=2, max_words=None)
    assert Segmenter.from_settings(cut.settings()) == cut
    assert Segmenter.from_settings({**cut.settings(), "added_later": 1}) == cut
    assert Segmenter.from_settings({}) == Segmenter()
    assert Segmenter().settings()["max_words"] == 80


@pytest.mark.parametrize("settings", [[], {"roles": "participant"}, {"roles": 3}, {"roles": [None]},
                                      {"window": 2.5}, {"window": True}, {"stride": "1"}, {"spacy_model": ["x"]},
                                      {"max_words": 10}, {"max_words": "80"}, {"max_words": 80.5}])
def test_settings_a_segmenter_cannot_take_are_refused(settings):
    with pytest.raises(ConfigError, match="E163"):
        Segmenter.from_settings(settings)
