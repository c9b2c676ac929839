import pytest

from tr_nlp.errors import ConfigError
from tr_nlp.ingest.speakers import RoleMap, builtin_role, match_label, parse_timestamp, resolve_roles


@pytest.mark.parametrize(
    "line,label,rest,ts",
    [
        ("I: Hello", "I", "Hello", None),
        ("R: yes", "R", "yes", None),
        ("P01: I think so", "P01", "I think so", None),
        ("Interviewer: So tell me", "Interviewer", "So tell me", None),
        ("Participant 3: Well", "Participant 3", "Well", None),
        ("[00:01:02] Dana: right", "Dana", "right", 62.0),
        ("00:01:02 Dana: right", "Dana", "right", 62.0),
        ("Dana (00:01:02): right", "Dana", "right", 62.0),
        ("Dr Lee [1:02:03]: so", "Dr Lee", "so", 3723.0),
        ("Speaker 1  0:01", "Speaker 1", "", 1.0),
        ("**Interviewer:** So", "Interviewer", "So", None),
        ("**P05**: Yes", "P05", "Yes", None),
        ("Service user: yes", "Service user", "yes", None),
        ("00:00:01 Speaker 1", "Speaker 1", "", 1.0),
        ("[00:01:02] Dr Lee", "Dr Lee", "", 62.0),
        ("Speaker1: [00:00:05] I was", "Speaker1", "I was", 5.0),
        ("Interviewer (Jane): Hello?", "Interviewer (Jane)", "Hello?", None),
        ("P3 (John): Yes", "P3 (John)", "Yes", None),
        ("Élise : Difficile", "Élise", "Difficile", None),  # a capital with an accent, French spacing
        ("Ödön Kovács: igen", "Ödön Kovács", "igen", None),
        ("Анна: да", "Анна", "да", None),
        ("[00:00:03] Émile Roux", "Émile Roux", "", 3.0),
        ("Smith, Jane (NHS Trust)   0:03", "Smith, Jane (NHS Trust)", "", 3.0),  # Teams
        ("[Jane Smith] 10:15:02", "Jane Smith", "", 36902.0),  # Zoom
        # a table of speakers and text (Word, Excel, NVivo's media transcripts) copied as text
        ("Interviewer\tSo tell me", "Interviewer", "So tell me", None),
        ("Jane (Nurse)\t\tWell", "Jane (Nurse)", "Well", None),
        ("0:00:05.3 - 0:00:09.1\tInterviewer\tSo how was it?", "Interviewer", "So how was it?", 5.3),
        ("[00:01:02]\tDana\tright", "Dana", "right", 62.0),
        # a space typed after the tab is no speech (a turn started with it: found by fuzzing)
        ("Interviewer\t So tell me", "Interviewer", "So tell me", None),
        ("0:00:05.3 - 0:00:09.1\tInterviewer\t\t  So how was it?", "Interviewer", "So how was it?", 5.3),
        ("Dana\t00:01:02\t right", "Dana", "right", 62.0),
        # a span before or after the label (tools that time each turn); the turn's time is its start
        ("[00:00:15 \u2192 00:01:02] **Chris Moore:** Welcome", "Chris Moore", "Welcome", 15.0),
        ("[00:00:15 - 00:01:02] Interviewer: So", "Interviewer", "So", 15.0),
        ("[00:00:04.120 --> 00:00:09.000] SPEAKER_01: It was", "SPEAKER_01", "It was", 4.12),
        ("Dana (00:01:02 - 00:01:09): right", "Dana", "right", 62.0),
        ("Interviewer 00:00:15 - 00:01:02", "Interviewer", "", 15.0),
        ("[00:00:15 - 00:00:20] Speaker 1", "Speaker 1", "", 15.0),
        ("Jane Doe: (00:15)", "Jane Doe", "", 15.0),  # Rev: the time after the label, speech below
        ("Jane Doe: (01:04) Yes", "Jane Doe", "Yes", 64.0),
        # a dash or bar between a header line's name and time ("Speaker 1 -" was the name)
        ("Speaker 1 - 00:00:03", "Speaker 1", "", 3.0),
        ("00:00:03 - Speaker 1", "Speaker 1", "", 3.0),
        ("Speaker 1 | 00:00:03", "Speaker 1", "", 3.0),
        # a time in parentheses before the label, as in brackets
        ("(00:00:03) Interviewer: So how", "Interviewer", "So how", 3.0),
        ("(00:00:03) Participant 1", "Participant 1", "", 3.0),
        # a header line's name with its role (the first speaker's speech was lost to the preamble)
        ("[00:00:07] Jane Doe (Interviewer)", "Jane Doe (Interviewer)", "", 7.0),
        ("00:00:07 - Jane Doe (Interviewer)", "Jane Doe (Interviewer)", "", 7.0),
        ("Jane Doe (Interviewer) [00:00:07]", "Jane Doe (Interviewer)", "", 7.0),
        ("Jane Doe (Interviewer) (00:00:07): So", "Jane Doe (Interviewer)", "So", 7.0),
        # a time before a label with its role, or a dash between them (both read as speech of the
        # speaker before: a participant's words went to the interviewer)
        ("[00:00:09] Participant 3 (female, 34): No problem", "Participant 3 (female, 34)", "No problem", 9.0),
        ("(00:01:02) Jane (Interviewer): So", "Jane (Interviewer)", "So", 62.0),
        ("00:01:02 - Interviewer: So", "Interviewer", "So", 62.0),
        # a role or a note in square brackets, as in parentheses
        ("Jane Smith [Interviewer]: So", "Jane Smith [Interviewer]", "So", None),
        ("P1 [female]: Yes", "P1 [female]", "Yes", None),
        ("[00:00:09] P1 [female]: Yes", "P1 [female]", "Yes", 9.0),
        ("Jane Doe: [00:00:07] So", "Jane Doe", "So", 7.0),  # a time in brackets is no role
        ("Jane Doe [Interviewer] [00:00:07]", "Jane Doe [Interviewer]", "", 7.0),
        # names of four words with a title or particles (their speech went to the speaker before)
        ("Maria de la Cruz: Bueno", "Maria de la Cruz", "Bueno", None),
        ("Jan van der Berg: Ja", "Jan van der Berg", "Ja", None),
        ("Dr. Maria Lopez Garcia: So", "Dr. Maria Lopez Garcia", "So", None),
        ("[00:00:03] Dr Jan van Dijk: So", "Dr Jan van Dijk", "So", 3.0),
        ("Maria de la Cruz  0:03", "Maria de la Cruz", "", 3.0),  # Teams' header line
        # a bare clock time between the label and its colon (one 'unknown' speaker's paragraph before)
        ("Interviewer 00:00:03: So how", "Interviewer", "So how", 3.0),
        ("Jane Doe 0:01:02.5: Yes", "Jane Doe", "Yes", 62.5),
        ("Speaker 1 00:00:03 - 00:00:09:", "Speaker 1", "", 3.0),
        ("**P1 00:01:00:** Yes", "P1", "Yes", 60.0),
        ("00:00:03 Maria de la Cruz", "Maria de la Cruz", "", 3.0),
    ],
)
def test_label_shapes(line, label, rest, ts):
    m = match_label(line)
    assert m is not None
    assert m.label == label
    assert line[m.end:] == rest
    assert m.timestamp == ts


@pytest.mark.parametrize("line", [
    "and then she said: no", "10:30 was the time", "It was at 10:30: late",
    "Well I said to him, listen: it's fine", "http://example.org: a link",
    "10:30 Then we left", "10:30 Monday morning was",
    "\tindented speech", "and then\tshe left", "She said, well\tno",
    "[Jane Smith 10:15:02", "Jane Smith] 10:15:02", "Smith, Jane, Tom 0:03",
    "10:30 - 11:00 was the slot", "From 9:00 - 10:00 Monday: clinic",
    "(10:30) then we left", "(10:30 Then we left",
    "And then she said to me: no", "Dr. and Mrs Smith came: both",  # four words, no name
    "It was at 10:30: very late", "At 10:30 - 11:00: clinic", "Ward round 9:30: busy",  # no clock time
])
def test_speech_is_not_a_label(line):
    assert match_label(line) is None


@pytest.mark.parametrize("label,role", [
    ("I", "interviewer"), ("Int", "interviewer"), ("INT", "interviewer"), ("Q", "interviewer"),
    ("Interviewer", "interviewer"), ("Interviewer 2", "interviewer"), ("Moderator", "interviewer"),
    ("I2", "interviewer"), ("Int1", "interviewer"), ("Q3", "interviewer"),
    ("R", "participant"), ("P", "participant"), ("P01", "participant"), ("A", "participant"),
    ("Participant 3", "participant"), ("Respondent", "participant"), ("Service user", "participant"),
    ("Dana", None), ("Speaker 1", None), ("Dr Lee", None),
    ("Interviewer (Jane)", "interviewer"), ("P3 (John)", "participant"), ("Jane (Interviewer)", "interviewer"),
    ("Jo (mum)", None),
    ("B", "participant"), ("B2", "participant"), ("Moderatorin", "interviewer"),  # German: f4's I: and B:
    # numbered with a mark between, or abbreviated with a full stop (roles were guessed from questions)
    ("Participant_01", "participant"), ("Interviewer-2", "interviewer"), ("P-01", "participant"),
    ("Int.", "interviewer"), ("Resp.", "participant"), ("Int. 2", "interviewer"),
    ("RES", "participant"), ("IR", "interviewer"), ("IE", "participant"),  # INT / RES, IR / IE pairs
    ("Jane Smith [Interviewer]", "interviewer"), ("P1 [female]", "participant"), ("Jo [mum]", None),
])
def test_builtin_roles(label, role):
    assert builtin_role(label) == role


def test_parse_timestamp():
    assert parse_timestamp("0:01") == 1.0
    assert parse_timestamp("01:02:03,500") == 3723.5


def test_unknown_speakers_become_participants_beside_an_interviewer():
    roles, warnings = resolve_roles(["Interviewer", "Dana", "Lee"], {}, RoleMap())
    assert roles == {"Interviewer": "interviewer", "Dana": "participant", "Lee": "participant"}
    assert warnings == []


def test_two_unknown_speakers_are_told_apart_by_who_says_you_and_who_says_i(tmp_path):
    # a participant whose turns end in questions ("who does that?") was taken for the interviewer,
    # as in 8 of AnnoMI's 133 sessions with the speakers renamed (132 right with the pronouns)
    from tr_nlp.ingest import read_file

    path = tmp_path / "call.txt"
    path.write_text("Alex: So you were on the ward for a while. Tell me about your nurse.\n"
                    "Sam: Where do I start? She was, I don't know, she was kind to me? Like, my mum noticed it too?\n"
                    "Alex: Mm. You said she was kind.\n"
                    "Sam: I mean, who does that? She rang me on her day off. I couldn't believe it?\n"
                    "Alex: And your mum, what did you make of that.\n", encoding="utf-8")
    result = read_file(path)
    assert {t.speaker: t.role for t in result.interviews[0].turns} == {"Alex": "interviewer", "Sam": "participant"}
    assert result.warnings == [("guessed roles from questions asked and who says 'you' and who 'I': 'Alex' = "
                                "interviewer, 'Sam' = participant; set them in the corpus config to be sure")]
    # another language's pronouns: Swedish "du" and "jag", the interviewer asking no more questions
    path.write_text("Eva: Du sa att du var inlagd länge. Berätta om din kontaktperson.\n"
                    "Ola: Var ska jag börja? Hon var snäll mot mig, min mamma märkte det också?\n"
                    "Eva: Du sa att hon var snäll.\n"
                    "Ola: Jag menar, vem gör så? Hon ringde mig på sin lediga dag, jag trodde inte det?\n",
                    encoding="utf-8")
    assert {t.speaker: t.role for t in read_file(path).interviews[0].turns} == {"Eva": "interviewer",
                                                                               "Ola": "participant"}


def test_two_unknown_speakers_guess_by_questions_with_warning():
    roles, warnings = resolve_roles(["Sam", "Jo"], {"Sam": 0.8, "Jo": 0.1}, RoleMap())
    assert roles == {"Sam": "interviewer", "Jo": "participant"}
    assert "guessed" in warnings[0]


def test_the_one_unknown_speaker_beside_a_participant_is_the_interviewer_with_warning():
    # a Teams transcript: "Participant 1" and the clinician's display name
    roles, warnings = resolve_roles(["Smith, Jane (NHS Trust)", "Participant 1"], {}, RoleMap())
    assert roles == {"Smith, Jane (NHS Trust)": "interviewer", "Participant 1": "participant"}
    assert warnings == ["guessed 'Smith, Jane (NHS Trust)' = interviewer, the other speaker being the participant; "
                        "set it in the corpus config to be sure"]
    roles, warnings = resolve_roles(["Participant 1", "Dana", "Lee"], {}, RoleMap())  # three: no guess
    assert roles == {"Participant 1": "participant", "Dana": "other", "Lee": "other"}
    assert warnings == ["speakers 'Dana', 'Lee' have no known role; set them in the corpus config"]


def test_overrides_win_and_accept_both_shapes():
    by_role = RoleMap.from_mapping({"interviewer": ["Jo"], "participant": ["I"]})
    by_name = RoleMap.from_mapping({"Jo": "interviewer", "I": "participant"})
    for rm in (by_role, by_name, RoleMap.from_pairs(["Jo=interviewer", "I=participant"])):
        roles, _ = resolve_roles(["I", "Jo"], {}, rm)
        assert roles == {"I": "participant", "Jo": "interviewer"}


def test_bad_role_mapping_is_a_config_error():
    with pytest.raises(ConfigError):
        RoleMap.from_mapping({"Jo": "boss"})
    with pytest.raises(ConfigError):
        RoleMap.from_pairs(["Jo"])


def test_speakers_of_no_known_role_are_named_in_one_warning():
    # a file of 100,000 labels printed one warning per speaker: 12 MB on stderr
    names = [f"Person {i}" for i in range(7)]
    roles, warnings = resolve_roles(names, {}, RoleMap())
    assert set(roles.values()) == {"other"}
    assert warnings == ["speakers 'Person 0', 'Person 1', 'Person 2', 'Person 3', 'Person 4' and 2 more have no known "
                        "role; set them in the corpus config"]
    assert resolve_roles(["Alex", "Sam", "Kim"], {}, RoleMap())[1] == [
        "speakers 'Alex', 'Sam', 'Kim' have no known role; set them in the corpus config"]


#: A focus group as an automatic transcript numbers its speakers: the moderator opens, asks and
#: addresses the group; the members speak of themselves, one of them asking a question too.
FOCUS_GROUP = """\
Speaker 1  0:00
Thanks for coming, everyone. What did you think when the crisis plan was first mentioned to you?

Speaker 2  0:35
Honestly I thought it was another form. I get so many forms, I thought here we go, another bit of paper in my drawer.

Speaker 3  0:52
Same. I was more worried about what they'd write about me, because the last thing someone wrote about me followed me.

Speaker 4  1:10
For me it was different. My care coordinator sat with me and asked me what I wanted in it. Nobody had asked me that.

Speaker 1  1:31
Can you say a bit more about what it felt like to be asked? And did the rest of you feel the same?

Speaker 2  1:36
Did I? Not really. Mine was done in ten minutes and I don't know where it is now, I think my mum has it.

Speaker 3  1:50
I used mine once, when I went into A&E, and they asked me who I wanted them to call.

Speaker 1  2:10
And how did that feel, having your wishes read by someone you'd never met?
"""


def test_a_focus_group_is_led_by_the_speaker_the_cues_set_apart(tmp_path):
    # three or more speakers of no known role were all 'other', so a focus group's automatic transcript
    # gave no participant segment at all (every command saying "no participant speech")
    from tr_nlp.ingest import read_file

    path = tmp_path / "group.txt"
    path.write_text(FOCUS_GROUP, encoding="utf-8")
    result = read_file(path)
    assert {t.speaker: t.role for t in result.interviews[0].turns} == {
        "Speaker 1": "interviewer", "Speaker 2": "participant", "Speaker 3": "participant",
        "Speaker 4": "participant"}
    assert result.warnings == [(
        "guessed roles of a group from questions asked and who says 'you' and who 'I': 'Speaker 1' = interviewer, "
        "'Speaker 2', 'Speaker 3', 'Speaker 4' = participants; set them in the corpus config to be sure")]
    # a named moderator among numbered participants: the one speaker of no known role leads
    path.write_text(FOCUS_GROUP.replace("Speaker 1 ", "Jane ").replace("Speaker ", "P"), encoding="utf-8")
    result = read_file(path)
    assert {t.speaker: t.role for t in result.interviews[0].turns} == {
        "Jane": "interviewer", "P2": "participant", "P3": "participant", "P4": "participant"}
    assert result.warnings == [(
        "guessed roles of a group from questions asked and who says 'you' and who 'I': 'Jane' = interviewer, the "
        "others being participants; set them in the corpus config to be sure")]


def test_one_who_asks_once_does_not_lead_a_group(tmp_path):
    from tr_nlp.ingest import read_file

    path = tmp_path / "group.txt"
    path.write_text(FOCUS_GROUP + "\nSpeaker 5  2:20\nSorry, can you say that again?\n", encoding="utf-8")
    roles = {t.speaker: t.role for t in read_file(path).interviews[0].turns}
    assert roles["Speaker 1"] == "interviewer" and roles["Speaker 5"] == "participant"


def test_a_group_no_cue_sets_apart_keeps_its_speakers_of_no_known_role(tmp_path):
    from tr_nlp.ingest import read_file
    from tr_nlp.ingest.speakers import group_moderator

    # three speakers alike: none asks the most, none says "you" the most
    path = tmp_path / "alike.txt"
    path.write_text("Alex: I think so. I was there.\nSam: I think so. I was there.\nKim: I think so. I was there.\n" * 2,
                    encoding="utf-8")
    result = read_file(path)
    assert {t.role for t in result.interviews[0].turns} == {"other"}
    assert result.warnings == ["speakers 'Alex', 'Sam', 'Kim' have no known role; set them in the corpus config"]
    # the one the cues set apart has a known role, a participant's: no one of no known role leads
    speech = {"P1": "What did you think? And you? Did your nurse help you?", "Jo": "I liked it. My nurse was kind.",
              "Kim": "I didn't. I thought it was a form."}
    assert group_moderator(["Jo", "Kim"], {"P1": 3}, speech) is None
    assert group_moderator(["P1", "Jo", "Kim"], {"P1": 3}, speech) == "P1"
    # more voices than a group has: no one leads them
    crowd = "".join(f"Voice {n}: I was there, my nurse was kind.\n" for n in range(2, 22))
    path.write_text(FOCUS_GROUP + "\n" + crowd * 2, encoding="utf-8")
    assert {t.role for t in read_file(path).interviews[0].turns} == {"other"}


@pytest.mark.parametrize(("interviewer", "participant"), [
    ("Intervjuare", "IP"), ("Interviewerin", "Befragte"), ("I", "TN 3"), ("Entrevistadora", "Entrevistado"),
    ("Enquêteur", "Enquêtée"), ("Intervistatrice", "Intervistato"), ("Haastattelija", "Haastateltava"),
    ("Ankieter", "Uczestnik"), ("Tazatel", "Respondentka"), ("Kérdező", "Válaszadó"), ("Görüşmeci", "Katılımcı"),
    # a focus group's moderator and members (a member speaking once was the speech of the speaker before)
    ("Samtalsledare", "Deltagare 2"), ("Gesprächsleiterin", "TN 3"), ("Modératrice", "Participante 1"),
    ("Animateur", "Participant 2"), ("Moderadora", "Participante 4"), ("Moderatore", "Partecipante 3"),
    ("Moderaattori", "Osallistuja 2"),
    ("\u0418\u043d\u0442\u0435\u0440\u0432\u044c\u044e\u0435\u0440", "\u0420\u0435\u0441\u043f\u043e\u043d\u0434\u0435\u043d\u0442"),
    ("\u03a3\u03c5\u03bd\u03b5\u03bd\u03c4\u03b5\u03c5\u03ba\u03c4\u03ae\u03c2", "\u03a3\u03c5\u03bc\u03bc\u03b5\u03c4\u03ad\u03c7\u03c9\u03bd"),
    ("\u0627\u0644\u0645\u062d\u0627\u0648\u0631", "\u0627\u0644\u0645\u0634\u0627\u0631\u0643"),
    ("\u05de\u05e8\u05d0\u05d9\u05d9\u05e0\u05ea", "\u05de\u05e8\u05d5\u05d0\u05d9\u05d9\u05df"),
    ("\u8bbf\u8c08\u8005", "\u53d7\u8bbf\u8005"), ("\u30a4\u30f3\u30bf\u30d3\u30e5\u30a2\u30fc", "\u5bfe\u8c61\u8005"),
    ("\uba74\uc811\uad00", "\ucc38\uc5ec\uc790")])
def test_role_labels_of_transcripts_in_other_languages(interviewer, participant):
    # a Swedish team's 'Intervjuare:' / 'IP:' were roles only guessed from questions asked, with a warning
    roles, warnings = resolve_roles([interviewer, participant], {interviewer: 0.0, participant: 0.0}, RoleMap())
    assert roles == {interviewer: "interviewer", participant: "participant"} and warnings == []


def test_lowercase_labels_are_turns_once_the_team_gives_them_roles(tmp_path):
    from tr_nlp.ingest import ReadOptions, read_file

    path = tmp_path / "session.txt"
    path.write_text("therapist: How have you been?\nclient: Not great.\nnote: the line dropped here\n"
                    "therapist: Go on.\nclient: I want to cut down.\n", encoding="utf-8")
    plain = read_file(path)
    assert [t.speaker for t in plain.interviews[0].turns] == ["unknown"]  # "note:" and the like start lines too
    assert ("2 lines start with 'therapist:' and 2 with 'client:', not capitalised: if they name speakers, give "
            "them roles (--speaker-role therapist=interviewer, or speakers: in corpus.yaml)") in plain.warnings[0]
    named = read_file(path, ReadOptions(roles=RoleMap.from_pairs(["therapist=interviewer", "client=participant"])))
    iv = named.interviews[0]
    assert [(t.speaker, t.role) for t in iv.turns] == [("therapist", "interviewer"), ("client", "participant")] * 2
    assert iv.text[iv.turns[1].start:iv.turns[1].end] == "Not great.\nnote: the line dropped here"  # not named
    # one named line is a label, as a capitalised "Name:" must recur to be one
    once = path.with_name("once.txt")
    once.write_text("Opening remarks.\nclient: Hello there.\n", encoding="utf-8")
    assert [t.speaker for t in read_file(once, ReadOptions(roles=RoleMap.from_pairs(["client=participant"])))
            .interviews[0].turns] == ["client"]
    assert RoleMap().label_matcher()("client: hi") is None  # nobody named: only capitalised labels


def test_lowercase_labels_of_an_interviewers_and_a_participants_role_are_turns(tmp_path):
    # 'int:' and 'resp:' in lower case were one 'unknown' speaker's paragraph, with a hint to give them roles
    from tr_nlp.ingest import ReadOptions, read_file

    path = tmp_path / "session.txt"
    path.write_text("int: Who helped you?\nresp: A nurse.\nnote: the line dropped here\nint: How?\n"
                    "resp: She rang.\n", encoding="utf-8")
    result = read_file(path)
    iv = result.interviews[0]
    assert [(t.speaker, t.role) for t in iv.turns] == [("int", "interviewer"), ("resp", "participant")] * 2
    assert iv.text[iv.turns[1].start:iv.turns[1].end] == "A nurse.\nnote: the line dropped here"
    assert result.warnings == ["speaker labels in lower case read as labels: 'int' (interviewer), 'resp' (participant)"]
    # the team's roles win
    roles = RoleMap.from_pairs(["resp=other"])
    assert read_file(path, ReadOptions(roles=roles)).interviews[0].speakers == {"int": "interviewer", "resp": "other"}


def test_a_focus_group_member_numbered_as_the_others_is_a_speaker_the_first_time(tmp_path):
    # 'FG1-P4: A doctor.' once, beside a recurring 'FG1-P3:', was FG1-P3's words
    from tr_nlp.ingest import read_file

    path = tmp_path / "fg.txt"
    path.write_text("FG1-M: Who helped you?\nFG1-P3: A nurse.\nFG1-P4: A doctor.\nFG1-M: How?\nFG1-P3: She rang.\n",
                    encoding="utf-8")
    assert [t.speaker for t in read_file(path).interviews[0].turns] == ["FG1-M", "FG1-P3", "FG1-P4", "FG1-M",
                                                                         "FG1-P3"]


def test_an_interpreter_or_a_relative_who_speaks_once_is_a_speaker(tmp_path):
    # a capitalised "Name:" must recur to be a label, so a mother coming in once, or an interpreter
    # rendering one answer, was read as the speech of the speaker before
    from tr_nlp.ingest import read_file

    path = tmp_path / "p07.txt"
    path.write_text("I: How was the ward?\nP: Hard at first.\nInterpreter: She says it was hard at first.\n"
                    "I: And the nurse?\nP: She came on her day off.\nMother: Sorry, I need the keys.\n"
                    "P: Yes, she came back.\nNote: the recorder was paused.\n", encoding="utf-8")
    iv = read_file(path).interviews[0]
    assert [(t.speaker, iv.text[t.start:t.end]) for t in iv.turns] == [
        ("I", "How was the ward?"), ("P", "Hard at first."), ("Interpreter", "She says it was hard at first."),
        ("I", "And the nurse?"), ("P", "She came on her day off."), ("Mother", "Sorry, I need the keys."),
        ("P", "Yes, she came back."), ("Note", "the recorder was paused.")]


@pytest.mark.parametrize(("label", "role"), [
    ("Nurse", "other"), ("Staff nurse 2", "other"), ("Doctor", "other"), ("CPN", "other"),
    ("Care co-ordinator", "other"), ("Social worker", "other"), ("Receptionist", "other"),
    ("Unknown", "participant"), ("Unidentified male", "participant"), ("Female voice", "participant"),
    ("All", "participant"), ("Second interviewer", "interviewer"), ("Co-researcher", "interviewer"),
    ("Peer researcher", "interviewer"), ("Assistant moderator", "interviewer")])
def test_staff_a_voice_not_named_or_a_second_interviewer_who_speaks_once_is_a_speaker(tmp_path, label, role):
    # a nurse coming in once on the ward ("Nurse: Sorry, the taxi is here.") was read as the participant's
    # speech, and a second interviewer's one question as the participant's too; beside "P", the nurse
    # is someone else in the room (see the test below)
    from tr_nlp.ingest import read_file

    path = tmp_path / "p08.txt"
    path.write_text(f"I: How was the ward?\nP: Hard at first.\nI: And the nurse?\nP: She came back.\n"
                    f"{label}: Sorry to interrupt, is it about the ward?\nP: Oh, yes.\n", encoding="utf-8")
    iv = read_file(path).interviews[0]
    assert [(t.speaker, t.role, iv.text[t.start:t.end]) for t in iv.turns][4:] == [
        (label, role, "Sorry to interrupt, is it about the ward?"), ("P", "participant", "Oh, yes.")]


def test_someone_else_in_the_room_beside_a_known_participant_is_no_participant(tmp_path):
    # beside "I" and "P", a mother's or a nurse's words were the participant's role, so they were
    # segmented and coded as the participant's (the default --roles participant), without a word
    from tr_nlp.ingest import read_file
    from tr_nlp.ingest.base import ReadOptions
    from tr_nlp.ingest.speakers import RoleMap

    path = tmp_path / "p07.txt"
    path.write_text("I: How was the ward?\nP: Hard at first.\nMum: She does, she rang us on a Sunday.\n"
                    "I: And the staff?\nP: Like a case.\nNurse (quietly): It's time for your medication.\n"
                    "Interpreter: He says they treated him like a case.\nUnknown: Sorry.\n", encoding="utf-8")
    read = read_file(path)
    assert read.interviews[0].speakers == {"I": "interviewer", "P": "participant", "Mum": "other",
                                           "Nurse (quietly)": "other", "Interpreter": "participant",
                                           "Unknown": "participant"}
    assert ("'Mum', 'Nurse (quietly)' read as someone else in the room (role 'other'), not a participant "
            "beside 'P'; set them in the corpus config if they are participants") in read.warnings
    # a speaker called by name beside "P" stays a participant, as a name does not say who they are
    path.write_text("I: How was it?\nP: Hard.\nSheila: He was very low.\nI: And now?\nP: Better.\n"
                    "Sheila: Much.\n", encoding="utf-8")
    named = read_file(path)
    assert named.interviews[0].speakers["Sheila"] == "participant"
    assert ("'Sheila' taken as a participant beside 'P', a participant by label; if someone else, give them "
            "role 'other' in the corpus config") in named.warnings
    # the participant called by a pseudonym, the only other speaker named beside I: the mother is someone else
    path.write_text("I: How was it?\nSarah: Hard.\nMum: She rang us on a Sunday.\nI: And now?\nSarah: Better.\n",
                    encoding="utf-8")
    assert read_file(path).interviews[0].speakers == {"I": "interviewer", "Sarah": "participant", "Mum": "other"}
    # a role with a name or a note of who they are: "Carer (wife)" was a participant
    path.write_text("I: How was it?\nP: Hard.\nCarer (wife): He was very low.\nI: And now?\nP: Better.\n",
                    encoding="utf-8")
    assert read_file(path).interviews[0].speakers["Carer (wife)"] == "other"
    # R the researcher beside P and a mother: R's questions were no interviewer's (R and P both participants)
    path.write_text("R: How have things been?\nP: Better.\nMum: Is he telling you about the nurse?\n"
                    "R: What about the nurse?\nP: She listened.\n", encoding="utf-8")
    assert read_file(path).interviews[0].speakers == {"R": "interviewer", "P": "participant", "Mum": "other"}
    # the team's word wins: a carers' study makes Mum a participant
    path.write_text("I: How was it?\nP: Hard.\nMum: He was very low.\n", encoding="utf-8")
    roles = ReadOptions(roles=RoleMap.from_pairs(["Mum=participant"]))
    assert read_file(path, roles).interviews[0].speakers["Mum"] == "participant"
    # a study of nurses labels them so: beside an interviewer alone, the nurse is the one interviewed
    path.write_text("I: How long have you been on the ward?\nNurse: Six years.\nI: And the team?\n"
                    "Nurse: Good, mostly.\n", encoding="utf-8")
    assert read_file(path).interviews[0].speakers == {"I": "interviewer", "Nurse": "participant"}


def test_numbered_questions_and_answers_are_the_asker_and_the_answerer(tmp_path):
    # a written interview labelled Q1:, A1:, Q2:... had a speaker per number: thirty questions, sixty speakers
    from tr_nlp.ingest import read_file

    path = tmp_path / "written.txt"
    path.write_text("".join(f"Q{n}: What about part {n}?\nA{n}: It went well, part {n}.\n\n" for n in range(1, 31)),
                    encoding="utf-8")
    interview = read_file(path).interviews[0]
    assert interview.speakers == {"Q": "interviewer", "A": "participant"} and len(interview.turns) == 60
    assert interview.turn_text(interview.turns[-1]) == "It went well, part 30."
    # a group's members numbered A1... who each speak once are as many speakers
    path.write_text("Moderator: Who helped?\nA1: Dee.\nA2: My GP.\nA3: No one.\nA4: Sam.\n", encoding="utf-8")
    assert list(read_file(path).interviews[0].speakers) == ["Moderator", "A1", "A2", "A3", "A4"]


def test_a_transcribers_note_is_no_ones_speech(tmp_path):
    # "Note: participant became upset." recurring was a speaker's turn, a participant's beside the
    # interviewer, so the note was coded as the participant's words; once, it was the participant's turn
    from tr_nlp.ingest import read_file

    path = tmp_path / "p09.txt"
    path.write_text("I: How was the ward?\nP: Hard at first.\nNote: recorder paused.\nI: And the nurse?\n"
                    "P: She came back.\nNB: participant became upset.\nI: Take your time.\n", encoding="utf-8")
    iv = read_file(path).interviews[0]
    assert [(t.speaker, t.role) for t in iv.turns] == [
        ("I", "interviewer"), ("P", "participant"), ("Note", "other"), ("I", "interviewer"), ("P", "participant"),
        ("NB", "other"), ("I", "interviewer")]
    # nor does a note make two unnamed speakers a group, or count in telling them apart
    path.write_text("Alex: How was the ward, did you feel safe?\nSam: Hard at first. I was scared.\n"
                    "Note: recorder paused.\nAlex: And the nurse, what did you make of her?\n"
                    "Sam: She came back, I did not expect that.\n", encoding="utf-8")
    result = read_file(path)
    assert {t.speaker: t.role for t in result.interviews[0].turns} == {
        "Alex": "interviewer", "Sam": "participant", "Note": "other"}
    assert result.warnings == [("guessed roles from questions asked: 'Alex' = interviewer, 'Sam' = participant; set "
                                "them in the corpus config to be sure")]

@pytest.mark.parametrize("label", ["?", "??", "P?", "F?", "Participant ?", "Unknown participant",
                                   "Unidentified participant", "All participants", "Several voices"])
def test_a_group_member_the_transcriber_could_not_tell_is_a_participant(tmp_path, label):
    # "?:" or "P?:" (a member the transcriber could not tell), "All participants:" once were read as the
    # speech of the speaker before: after the moderator's question, a participant's answer was the
    # moderator's own words
    from tr_nlp.ingest import read_file

    path = tmp_path / "fg2.txt"
    path.write_text(f"Moderator: How was the ward?\nP1: Hard at first.\nModerator: Any other views on that?\n"
                    f"{label}: I agree with her.\nP2: Me too.\nWhy?: because it was.\n", encoding="utf-8")
    iv = read_file(path).interviews[0]
    assert [(t.speaker, t.role, iv.text[t.start:t.end]) for t in iv.turns][2:] == [
        ("Moderator", "interviewer", "Any other views on that?"), (label, "participant", "I agree with her."),
        ("P2", "participant", "Me too.\nWhy?: because it was.")]  # a word and a question mark is no mark


def test_a_relative_of_another_language_who_speaks_once_is_a_speaker(tmp_path):
    # "Mamma:" (Swedish), "Mutter:" (German) once were the speech of the speaker before
    from tr_nlp.ingest import read_file

    path = tmp_path / "ip07.txt"
    path.write_text("Intervjuare: Hur var det?\nDeltagare: Svårt.\nMamma: Förlåt, jag behöver nycklarna.\n"
                    "Deltagare: Ja.\nIntervjuare: Och sen?\nDeltagare: Hon kom.\nMutter: Tschüss!\n", encoding="utf-8")
    iv = read_file(path).interviews[0]
    assert [t.speaker for t in iv.turns] == ["Intervjuare", "Deltagare", "Mamma", "Deltagare", "Intervjuare",
                                            "Deltagare", "Mutter"]


@pytest.mark.parametrize(("asker", "answerer", "colon", "mark"), [
    ("\u0627\u0644\u0645\u062d\u0627\u0648\u0631", "\u0623\u062d\u0645\u062f", ": ", "\u061f"),  # Arabic
    ("\u05de\u05e8\u05d0\u05d9\u05d9\u05e0\u05ea", "\u05e1\u05d1\u05d9\u05e0\u05d4", ": ", "?"),  # Hebrew
    ("\u0938\u093e\u0915\u094d\u0937\u093e\u0924\u094d\u0915\u093e\u0930\u0915\u0930\u094d\u0924\u093e",
     "\u0930\u093e\u092e", ": ", "?"),  # Hindi: vowel signs inside the name
    ("\u8bbf\u8c08\u8005", "\u674e\u534e", "\uff1a", "\uff1f"),  # Chinese: a full-width colon, no space
    ("\u30a4\u30f3\u30bf\u30d3\u30e5\u30a2\u30fc", "\u3055\u304f\u3089", "\uff1a", "\uff1f"),  # Japanese
    ("\uba74\uc811\uad00", "\uae40\ubbfc\uc218", ": ", "?"),  # Korean
    ("I", "\u1f08\u03bb\u03ad\u03be\u03b1\u03bd\u03b4\u03c1\u03bf\u03c2", ": ", "?"),  # Greek, a breathing mark
])
def test_speakers_named_in_scripts_without_capitals_are_speakers(tmp_path, asker, answerer, colon, mark):
    # a label had to start with a capital of the Latin, Greek or Cyrillic alphabets: a transcript in
    # Arabic, Hebrew, Hindi, Chinese, Japanese or Korean had no speakers (one 'unknown' turn)
    from tr_nlp.ingest import read_file

    path = tmp_path / "p07.txt"
    path.write_text(f"{asker}{colon}How was it{mark}\n{answerer}{colon}Hard at first.\n{asker}{colon}And then{mark}\n"
                    f"{answerer}{colon}She came.\n", encoding="utf-8")
    iv = read_file(path).interviews[0]
    assert [(t.speaker, t.role, iv.text[t.start:t.end]) for t in iv.turns][:2] == [
        (asker, "interviewer", f"How was it{mark}"), (answerer, "participant", "Hard at first.")]


@pytest.mark.parametrize("word", ["Talare", "Sprecher", "Spreker", "Intervenant", "Hablante", "Puhuja", "SPEAKER_0"])
def test_a_numbered_speaker_of_another_language_who_speaks_once_is_a_speaker(tmp_path, word):
    # "Speaker 3" was known as a label however often it came; "Talare 3" only from its second turn,
    # so a third voice heard once was the speech of the one before (and pseudonymised as a name)
    from tr_nlp.ingest import read_file
    from tr_nlp.privacy import Pseudonymiser

    path = tmp_path / "grupp.txt"
    path.write_text(f"{word}1: Hur var det?\n{word}2: Svårt.\n{word}1: Och sen?\n{word}2: Hon kom.\n"
                    f"{word}3: Jag med.\n", encoding="utf-8")
    iv = read_file(path).interviews[0]
    assert [t.speaker for t in iv.turns] == [f"{word}1", f"{word}2", f"{word}1", f"{word}2", f"{word}3"]
    assert Pseudonymiser().speaker(f"{word}3") == f"{word}3"  # a role, not a name


def test_a_greek_question_asks(tmp_path):
    # normalising makes Greek's question mark (U+037E) a semicolon: a Greek interviewer asked nothing
    from tr_nlp.ingest import read_file

    path = tmp_path / "gr.txt"
    path.write_text("\u039d\u03af\u03ba\u03bf\u03c2: \u0395\u03af\u03bc\u03b1\u03b9 \u03ba\u03b1\u03bb\u03ac.\n"
                    "\u039c\u03b1\u03c1\u03af\u03b1: \u03a0\u03ce\u03c2 \u03ae\u03c4\u03b1\u03bd\u037e\n"
                    "\u039d\u03af\u03ba\u03bf\u03c2: \u0394\u03cd\u03c3\u03ba\u03bf\u03bb\u03b1.\n"
                    "\u039c\u03b1\u03c1\u03af\u03b1: \u039a\u03b1\u03b9 \u03bc\u03b5\u03c4\u03ac;\n", encoding="utf-8")
    iv = read_file(path).interviews[0]
    assert {t.speaker: t.role for t in iv.turns} == {"\u039d\u03af\u03ba\u03bf\u03c2": "participant",
                                                      "\u039c\u03b1\u03c1\u03af\u03b1": "interviewer"}


def test_a_focus_groups_numbered_speaker_who_speaks_once_is_a_speaker(tmp_path):
    """F1 speaks twice, M1, M2 and F2 once: their words were F1's or the moderator's."""
    from tr_nlp.ingest import read_file

    path = tmp_path / "group.txt"
    path.write_text("Moderator: Let's go round.\nF1: Three years, for me.\nM1: Two for me.\n"
                    "Moderator: What made a difference?\nF1: The nurse who came on a Sunday.\nM2: Yeah, that.\n"
                    "F2: The peer worker.\n", encoding="utf-8")
    turns = read_file(path).interviews[0].turns
    assert [(t.speaker, t.role) for t in turns] == [
        ("Moderator", "interviewer"), ("F1", "participant"), ("M1", "participant"), ("Moderator", "interviewer"),
        ("F1", "participant"), ("M2", "participant"), ("F2", "participant")]
    # with no numbered speaker, a capitalised code said once stays text (a ward, a form)
    path.write_text("Moderator: Which ward?\nJo: Ward 7, then\nW12: that was the form.\nJo: Yes.\n", encoding="utf-8")
    assert [t.speaker for t in read_file(path).interviews[0].turns] == ["Moderator", "Jo", "Jo"]


#: How a warning starts that names the other spellings of speakers' names.
SAME_SPEAKER = ("speaker labels in another case or spacing, or with a note such as '(laughs)', read as the same "
                "speaker: ")


def test_a_speakers_label_in_another_case_or_spacing_is_that_speaker(tmp_path):
    # a transcriber's "JANE:" once (or "jane:", or "Dr  Lee:") where "Jane:" and "Dr Lee:" recur was no
    # label: the interviewer's question went to the participant's turn before it, with no warning
    from tr_nlp.ingest import read_file

    path = tmp_path / "p03.txt"
    path.write_text("Jane: How was the ward?\nSam: Hard at first.\nJANE: And the nurse?\nSam: She came back.\n"
                    "jane: Mm.\nSam: On her day off.\nDr Lee: Thank you.\nSam: note: she did.\nDr  Lee: Good.\n"
                    "Sam: Yes.\nDr Lee: That's all.\n", encoding="utf-8")
    result = read_file(path)
    iv = result.interviews[0]
    assert [(t.speaker, iv.text[t.start:t.end]) for t in iv.turns] == [
        ("Jane", "How was the ward?"), ("Sam", "Hard at first."), ("Jane", "And the nurse?"),
        ("Sam", "She came back."), ("Jane", "Mm."), ("Sam", "On her day off."), ("Dr Lee", "Thank you."),
        ("Sam", "note: she did."), ("Dr Lee", "Good."), ("Sam", "Yes."), ("Dr Lee", "That's all.")]
    assert result.warnings[0] == (SAME_SPEAKER + "'JANE', 'jane' as 'Jane'; 'Dr  Lee' as 'Dr Lee'")
    # spelled as most of its lines spell it
    path.write_text("INTERVIEWER: How was it?\nP1: Hard.\nINTERVIEWER: And then?\nP1: Better.\nInterviewer: Why?\n"
                    "P1: She came back.\n", encoding="utf-8")
    result = read_file(path)
    assert [t.speaker for t in result.interviews[0].turns] == ["INTERVIEWER", "P1"] * 3
    assert result.warnings == [SAME_SPEAKER + "'Interviewer' as 'INTERVIEWER'"]
    # a note of how they spoke, or to whom, is no other speaker: spelled without it
    path.write_text("I: How was it?\nP1 (laughs): Hard.\nI [to interpreter]: And then?\nP1: Better.\nI: Why?\n"
                    "P1 (laughs): She came back.\nP1 (female): I was 40.\n", encoding="utf-8")
    result = read_file(path)
    assert [t.speaker for t in result.interviews[0].turns] == ["I", "P1"] * 3 + ["P1 (female)"]
    assert result.warnings == [SAME_SPEAKER + "'P1 (laughs)' as 'P1'; 'I [to interpreter]' as 'I'"]
    # a name once as 'Jane:' and once as 'jane:' recurs: its first line was no label, so a line
    # before the first speaker's
    path.write_text("Jane: How was it?\nRose: Hard.\njane: And then?\nRose: Better.\n", encoding="utf-8")
    assert [t.speaker for t in read_file(path).interviews[0].turns] == ["Jane", "Rose"] * 2


@pytest.mark.parametrize("suffix", [".vtt", ".json", ".csv"])
def test_a_speaker_named_in_another_case_by_captions_diarisation_or_a_table_is_that_speaker(tmp_path, suffix):
    # "JANE" beside "Jane" were three speakers: all 'other', and since a group's moderator is told,
    # 'JANE' (the interviewer) a participant
    import json

    from tr_nlp.ingest import read_file

    said = [("Jane", "How was the ward, did you feel safe there?"), ("Sam", "Hard at first. I was scared."),
            ("JANE", "And the nurse, what did you make of her?"), ("Sam", "She came back. I did not expect that.")]
    path = tmp_path / f"p04{suffix}"
    if suffix == ".vtt":
        path.write_text("WEBVTT\n\n" + "".join(f"00:00:0{k}.000 --> 00:00:0{k}.900\n{who}: {text}\n\n"
                                               for k, (who, text) in enumerate(said)), encoding="utf-8")
    elif suffix == ".json":
        path.write_text(json.dumps({"segments": [{"start": k, "end": k + 0.9, "text": text, "speaker": who}
                                                 for k, (who, text) in enumerate(said)]}), encoding="utf-8")
    else:
        path.write_text("interview_id,speaker,text\n" + "".join(f"p04,{who},{text.replace(',', '')}\n"
                                                                  for who, text in said), encoding="utf-8")
    result = read_file(path)
    assert [(t.speaker, t.role) for t in result.interviews[0].turns] == [("Jane", "interviewer"),
                                                                         ("Sam", "participant")] * 2
    assert any("read as the same speaker: 'JANE' as 'Jane'" in w for w in result.warnings), result.warnings


def test_a_label_no_shape_reads_is_named_in_a_warning(tmp_path):
    # "Participant #3:" is no label of any shape, so its lines were read, without a word, as the
    # interviewer's speech; a team that names it gets its turns
    from tr_nlp.ingest import ReadOptions, read_file

    path = tmp_path / "p03.txt"
    path.write_text("I: How was the ward?\nParticipant #3: Hard at first.\nI: And the nurse?\n"
                    "Participant #3: She stayed late.\nI: Why?\n", encoding="utf-8")
    plain = read_file(path)
    # (as only the questions are labelled, the lines below them are someone else's: no longer the interviewer's)
    assert [t.speaker for t in plain.interviews[0].turns] == ["I", "unknown", "I", "unknown", "I"]
    assert plain.warnings == [(
        "2 lines start with 'Participant #3:', read as speech, not as a speaker's label: if it names a speaker, give "
        "it a role (--speaker-role 'Participant #3=participant', or speakers: in corpus.yaml) or write it as "
        "'Name: ...'"), ("only questions are labelled (I): the 2 unlabelled answer(s) on the lines below them are read "
                         "as speaker 'unknown', taken as participant")]
    named = read_file(path, ReadOptions(roles=RoleMap.from_pairs(["Participant #3=participant"])))
    assert [t.speaker for t in named.interviews[0].turns] == ["I", "Participant #3"] * 2 + ["I"]
    assert named.warnings == []
    # where no label is read at all, the labels of no shape are named beside that warning
    alone = path.with_name("alone.txt")
    alone.write_text("Interviewer #1: How was it?\nParticipant #3: Hard.\nInterviewer #1: Why?\n"
                     "Participant #3: The ward.\n", encoding="utf-8")
    assert read_file(alone).warnings[1:] == [
        ("2 lines start with 'Interviewer #1:', read as speech, not as a speaker's label: if it names a speaker, give "
         "it a role (--speaker-role 'Interviewer #1=interviewer', or speakers: in corpus.yaml) or write it as "
         "'Name: ...'"),
        ("2 lines start with 'Participant #3:', read as speech, not as a speaker's label: if it names a speaker, give "
         "it a role (--speaker-role 'Participant #3=participant', or speakers: in corpus.yaml) or write it as "
         "'Name: ...'")]
    # a label read, a time mark, or a line said once warn of nothing
    fine = path.with_name("fine.txt")
    fine.write_text("I: So?\nP: Well, as I said: it was hard.\n[00:01:02] I: And?\nP: Yes.\n00:02:00 note\n",
                    encoding="utf-8")
    assert read_file(fine).warnings == []
