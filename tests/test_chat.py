"""CHAT (.cha) transcripts, as CLAN and the TalkBank corpora keep them."""

import pytest

from tr_nlp.errors import InputError
from tr_nlp.ingest import ReadOptions, RoleMap, load_corpus, read_file

B = "\x15"  # a bullet's ends: the utterance's start and end in the recording, in milliseconds
CHAT = (f"@UTF8\n@Begin\n@Languages:\teng\n@Participants:\tINV Investigator, PAR Ann Participant,\n\tMOT Mother\n"
        "@ID:\teng|Pitt|PAR|57;|female|ProbableAD||Participant|||\n@Media:\t001-0, audio\n@Comment:\tpicture task\n"
        f"*INV:\tjust tell me what you see happening . {B}0_3500{B}\n"
        f"*PAR:\twell (.) the &-uh boy is getting \x02\x01cookies\x02\x02 . {B}3600_9000{B}\n"
        "%mor:\tco|well det|the n|boy\n"
        f"*PAR:\tand <the> [/] the stool is\n\ttipping over . {B}9100_12000{B}\n"
        f"*MOT:\tcareful !\n*INV:\tmhm . {B}12100_12500{B}\n@End\n")


def test_a_chat_transcript_reads_as_clan_shows_it(write):
    # CHAT (CLAN, TalkBank's DementiaBank and AphasiaBank) was refused as an unknown file type
    result = read_file(write("p01.cha", CHAT))
    (interview,) = result.interviews
    assert (interview.id, interview.format) == ("p01", "cha") and not result.warnings
    assert [(t.speaker, t.role, interview.text[t.start:t.end], t.timestamp) for t in interview.turns] == [
        ("INV", "interviewer", "just tell me what you see happening .", 0.0),
        ("PAR", "participant", "well (.) the &-uh boy is getting cookies . and <the> [/] the stool is tipping over .",
         3.6),
        ("MOT", "other", "careful !", None), ("INV", "interviewer", "mhm .", 12.1)]
    # the second utterance of a turn keeps its start; the participant's name, the tiers under it, comments: left out
    assert [(interview.text[at:at + 4], time) for at, time in interview.times] == [("and ", 9.1)]
    assert "Ann" not in interview.text and "co|well" not in interview.text and "picture" not in interview.text
    assert interview.metadata == {"languages": "eng", "media": "001-0"}


def test_a_role_given_wins_and_a_transcript_without_bullets_has_no_times(write):
    plain = CHAT.replace(B, "#")
    options = ReadOptions(roles=RoleMap.from_pairs(["MOT=interviewer"]))
    (interview,) = read_file(write("p02.cha", plain.replace(" #0_3500#", "").replace(" #3600_9000#", "")
                                   .replace(" #9100_12000#", "").replace(" #12100_12500#", "")), options).interviews
    assert [t.timestamp for t in interview.turns] == [None] * 4 and interview.times == ()
    assert interview.turns[2].speaker == "MOT" and interview.turns[2].role == "interviewer"


@pytest.mark.parametrize(("content", "detail"), [
    ("*PAR:\thello .\n", "no @Begin line: no CHAT transcript"),
    ("@UTF8\n@Begin\n@Participants:\tPAR Participant\n%com:\tsilence\n@End\n", r"no main tier \(\*SPEAKER:\) holds"),
])
def test_a_file_that_is_no_chat_transcript_is_refused_naming_it(write, content, detail):
    with pytest.raises(InputError, match=rf"p03.cha: \[E110\] not a valid .cha \({detail}.*open it in CLAN"):
        read_file(write("p03.cha", content))


def test_a_folder_of_chat_transcripts_is_read(tmp_path):
    (tmp_path / "p01.cha").write_text(CHAT, encoding="utf-8")
    (tmp_path / "p02.cha").write_bytes(CHAT.replace("well", "w\xe9ll").encode("latin-1"))  # an older file, Latin-1
    corpus = load_corpus([tmp_path])
    assert [iv.id for iv in corpus.interviews] == ["p01", "p02"] and not corpus.failures
    assert "wéll" in corpus.by_id()["p02"].text


def test_a_tier_of_codes_codes_its_utterance(tmp_path):
    # CLAN's %cod tier (and a team's own %xthemes) held a coder's codes, which were left out
    coded = (CHAT.replace("@Comment:", "@Coder:\tAnna Berg\n@Comment:")
             .replace("%mor:\tco|well det|the n|boy\n", "%mor:\tco|well det|the n|boy\n%cod:\t$WARMTH $CHECK_LATER\n")
             .replace(f"{B}9100_12000{B}\n", f"{B}9100_12000{B}\n%xthemes:\tBeyond routine\n"))
    (tmp_path / "p01.cha").write_text(coded, encoding="utf-8")
    (tmp_path / "codebook.yaml").write_text("codes:\n  - name: warmth\n  - name: beyond_routine\n", encoding="utf-8")
    corpus = load_corpus([tmp_path / "p01.cha"], codebook=tmp_path / "codebook.yaml")
    text = corpus.interviews[0].text
    assert [(text[c.start:c.end], c.code, c.coder) for c in corpus.codings] == [
        ("well (.) the &-uh boy is getting cookies .", "warmth", "Anna Berg"),
        ("and <the> [/] the stool is tipping over .", "beyond_routine", "Anna Berg")]
    assert any("CHECK_LATER" in warning for warning in corpus.warnings)  # no code of the codebook: a memo, said
    (tmp_path / "p01.cha").write_text(coded.replace("@Coder:\tAnna Berg\n", ""), encoding="utf-8")
    corpus = load_corpus([tmp_path / "p01.cha"], codebook=tmp_path / "codebook.yaml")
    assert {c.coder for c in corpus.codings} == {"p01"}  # no @Coder: the file's name, as ELAN's code tiers
