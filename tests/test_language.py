"""The language a model was trained on, and interviews to code in another one (tr_nlp.coding.language)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from conftest import DEMO, write_coded_corpus
from tr_nlp.cli import app
from tr_nlp.coding.language import MIN_WORDS, language_warnings, training_languages
from tr_nlp.language import KEYWORD, text_language
from tr_nlp.schema import Interview

runner = CliRunner()

SWEDISH = ("I: Kan du berätta om någon som har betytt något för dig i vården?\n"
           "P: Ja, alltså, hon var skötare på avdelningen, och hon var inte som de andra. De andra pratade om mig, "
           "över huvudet på mig, men hon pratade med mig. Hon frågade vad jag själv tyckte, och det hade ingen gjort "
           "förut. En gång satt hon kvar en hel natt fast hennes pass var slut, för att jag inte kunde sova.\n"
           "I: Mm.\n"
           "P: Hon behandlade mig som en människa och inte som en diagnos, och det glömmer jag aldrig.\n")
GERMAN = ("I: Können Sie mir von jemandem erzählen, der Ihnen in der Behandlung wichtig war?\n"
          "P: Ja, also, das war eine Pflegerin auf der Station, und sie war nicht so wie die anderen. Die anderen "
          "haben über mich geredet, aber sie hat mit mir geredet. Sie hat gefragt, was ich selbst denke, und das "
          "hatte vorher niemand getan. Einmal ist sie die ganze Nacht bei mir geblieben, obwohl ihre Schicht "
          "schon vorbei war, weil ich nicht schlafen konnte.\n")


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def test_a_text_is_told_by_its_stop_words_or_not_at_all():
    english = (DEMO / "interviews" / "demo01.txt").read_text(encoding="utf-8")
    assert text_language([english]) == "en" and text_language([SWEDISH]) == "sv" and text_language([GERMAN]) == "de"
    assert text_language(["患者さんの話をよく聞いてくれました。"]) is None  # no list here covers it
    assert text_language([]) is None and text_language(["Karen, PIP, NHS."]) is None  # too few stop words
    # a model's training interviews: each told alone, a language of a tenth of them or more recorded, most first
    english = [f"She rang me on her day off, and she didn't have to do that, interview {k}. " * 5 for k in range(12)]
    texts, groups = [*english, SWEDISH, SWEDISH, SWEDISH], [*map(str, range(12)), "s1", "s2", "s3"]
    assert training_languages(texts, groups) == ["en", "sv"]  # 3 of 15: the order says nothing of it
    assert training_languages(texts[:13], groups[:13]) == ["en"]  # 1 of 13: too few to teach a model Swedish
    short = ["Hon ringde.", "Och sen gick hon hem till sig."]
    assert training_languages(short, ["a", "b"]) == ["sv"]  # none long enough alone: told together
    assert training_languages([], []) == []


def test_interviews_in_another_language_than_the_models_are_named():
    swedish, german = Interview("sv", SWEDISH), Interview("de", GERMAN)
    english = Interview("en", (DEMO / "interviews" / "demo01.txt").read_text(encoding="utf-8"))
    said = language_warnings({"languages": ["en"]}, [swedish, english, german])
    assert [(interview.id, message.split(",")[0]) for interview, message in said] == [
        ("sv", "reads as Swedish (sv)"), ("de", "reads as German (de)")]
    assert "not English like the interviews the model was trained on" in said[0][1]
    assert next(m for _, m in language_warnings({"languages": ["sv"]}, [english])).startswith(
        "reads as English (en), not Swedish like")
    unknown = Interview("vi", "Cô ấy đã lắng nghe tôi và gọi điện cho tôi vào ngày nghỉ của cô ấy. " * 5)
    assert len(KEYWORD.findall(unknown.text)) >= MIN_WORDS  # Vietnamese: no list here tells it
    assert language_warnings({"languages": ["en"]}, [unknown])[0][1].startswith("does not read as English like")
    # where the text tells none, the language its transcript says it is in (Whisper's JSON writes one)
    whispered = Interview("vi", unknown.text, metadata={"language": "vi"})
    assert language_warnings({"languages": ["en"]}, [whispered])[0][1].startswith(
        "is in vi (its metadata says), not in English like")
    assert language_warnings({"languages": ["vi"]}, [whispered]) == []  # a model trained on Vietnamese
    # what the text tells comes first: a Swedish interview labelled English is still Swedish
    labelled = Interview("sv", SWEDISH, metadata={"Language": "en"})
    assert language_warnings({"languages": ["en"]}, [labelled])[0][1].startswith("reads as Swedish (sv), not")
    assert language_warnings({"languages": ["sv"]}, [swedish]) == []
    assert [i.id for i, _ in language_warnings({"languages": ["en", "sv"]}, [swedish, english, german])] == ["de"]
    assert "not English or Swedish like" in language_warnings({"languages": ["en", "sv"]}, [german])[0][1]
    assert language_warnings({}, [swedish]) == []  # a card from before tr_nlp recorded the language
    short = Interview("short", "I: Hur mår du?\nP: Bra, tack, det är lugnt nu.\n")  # too few words to tell
    assert language_warnings({"languages": ["en"]}, [short]) == []


CHINESE = ("I：你最近怎么样？\nP：还好吧，有时候好有时候不好。新来的护士对我很好，她会认真听我说话，不会催我。"
           "上个星期她还打电话给我，问我药吃得怎么样，其实她那天休息。\n")
JAPANESE = ("I：最近はいかがですか。\nP：まあ、良い日も悪い日もあります。新しい看護師さんはとても親切で、"
            "ちゃんと話を聞いてくれて、急かしたりしません。先週は休みの日なのに電話をくれました。\n")
KOREAN = ("I: 요즘 어떻게 지내세요?\nP: 그냥 좋은 날도 있고 나쁜 날도 있어요. 새로 온 간호사 선생님이 정말 친절해요. "
          "제 말을 끝까지 들어 주시고 재촉하지 않으세요. 지난주에는 쉬는 날인데도 전화를 주셨어요. "
          "약은 잘 먹고 있는지 물어보셨어요. 그런 분은 처음이었어요.\n"
          "I: 그게 어떤 의미였어요?\nP: 누군가 저를 환자가 아니라 사람으로 봐 준다는 느낌이었어요. 다른 사람들은 제 앞에서 "
          "저에 대해 이야기했지만, 그분은 저와 함께 이야기했어요. 제가 어떻게 생각하는지 물어봐 준 사람은 처음이었어요.\n")


def test_chinese_japanese_and_korean_interviews_are_told_by_their_script():
    # no stop-word list tells them, and Chinese and Japanese runs of letters are no words: a Chinese interview
    # of a hundred characters was too short to judge, a longer one "did not read as English", and a model
    # trained on such interviews recorded no language, so it named no English interview it was given
    for text, language, name in ((CHINESE, "zh", "Chinese"), (JAPANESE, "ja", "Japanese"), (KOREAN, "ko", "Korean")):
        interview = Interview("iv", text)
        assert training_languages([text], ["iv"]) == [language]
        said = [message for _, message in language_warnings({"languages": ["en"]}, [interview])]
        assert said and said[0].startswith(f"reads as {name} ({language}), not English like the interviews")
        english = Interview("en", "She rang me on her day off, and she didn't have to do that, you know. " * 5)
        said = [message for _, message in language_warnings({"languages": [language]}, [english])]
        assert said and said[0].startswith(f"reads as English (en), not {name} like the interviews")
    assert training_languages([CHINESE, SWEDISH], ["a", "b"]) == ["zh", "sv"]
    assert text_language([CHINESE]) is None  # topics' keywords still take no stop words of theirs


def test_code_and_batch_name_the_files_in_another_language_once(demo_run, tmp_path):
    folder = tmp_path / "new"
    folder.mkdir()
    shutil.copy(DEMO / "interviews" / "demo15.txt", folder)  # one the model was not trained on
    (folder / "sv1.txt").write_text(SWEDISH, encoding="utf-8")
    (folder / "sv2.txt").write_text(SWEDISH.replace("skötare", "sjuksköterska"), encoding="utf-8")
    model = demo_run / "model"
    assert json.loads((model / "card.json").read_text())["languages"] == ["en"]
    result = run("code", folder, "--model", model, "-o", tmp_path / "s.csv")
    assert result.exit_code == 0, result.stderr
    said = " ".join(result.stderr.split())
    assert said.count("reads as Swedish (sv), not English") == 1 and "demo15" not in said
    assert f"{folder / 'sv1.txt'}, {folder / 'sv2.txt'}: reads as Swedish (sv)" in said
    assert set(pd.read_csv(tmp_path / "s.csv").interview_id) == {"demo15", "sv1", "sv2"}  # coded all the same
    result = run("next", "--corpus", folder, "--model", model, "-n", "3")
    assert result.exit_code == 0 and "reads as Swedish (sv), not English" in " ".join(result.stderr.split())
    out = tmp_path / "batch"
    result = run("batch", folder, "--model", model, "-o", out, "--workers", "1")
    assert result.exit_code == 0, result.stderr
    warnings = json.loads((out / "run.json").read_text())["warnings"]
    assert [w.split(":")[0] for w in warnings if "reads as Swedish (sv)" in w] == [
        str(folder / "sv1.txt"), str(folder / "sv2.txt")]
    assert "reads as Swedish (sv), not English" in " ".join(result.stderr.split())


def _swedish_coded_corpus(root: Path) -> Path:
    """Six Swedish interviews of two answers each; the answers about listening are coded ``listened``."""
    listened = "Hon lyssnade verkligen på mig och frågade vad jag själv tyckte om det."
    other = "Bussen var sen igen så jag gick den sista biten hem till mig."
    return write_coded_corpus(root, [f"Intervjuare: Hur var det?\nDeltagare: {(listened, other)[k % 2]}\n"
                                     f"Intervjuare: Och sen?\nDeltagare: {(other, listened)[k % 2]}\n"
                                     f"Intervjuare: Det var besök {k}.\n" for k in range(6)], listened)


def test_training_on_another_language_says_what_the_english_encoder_is_worth(tmp_path):
    corpus = _swedish_coded_corpus(tmp_path / "corpus")
    common = ["--corpus", corpus / "interviews", "--codings", corpus / "codings.csv", "--speaker-role",
              "Intervjuare=interviewer", "--speaker-role", "Deltagare=participant"]
    result = run("train", *common, "--cv-folds", "0", "-o", tmp_path / "both")
    assert result.exit_code == 0, result.stderr
    said = " ".join(result.stderr.split())
    assert ("the coded interviews read as Swedish (sv); all-MiniLM-L6-v2, whose sentence embeddings --features both "
            "uses, was trained on English text") in said
    assert json.loads((tmp_path / "both" / "card.json").read_text())["languages"] == ["sv"]
    card = (tmp_path / "both" / "README.md").read_text(encoding="utf-8")
    assert "- languages, each interview's told by its stop words: Swedish (sv)" in card
    result = run("train", *common, "--features", "tfidf", "--cv-folds", "0", "-o", tmp_path / "tfidf")
    assert result.exit_code == 0 and "all-MiniLM-L6-v2" not in result.stderr, result.stderr
    result = run("evaluate", *common, "--features", "embeddings", "--folds", "3", "--bootstrap", "0",
                 "--no-learning-curve")
    assert "whose sentence embeddings --features embeddings uses" in " ".join(result.stderr.split())


def test_next_by_the_codebook_says_what_its_list_is_worth_for_interviews_in_another_language(tmp_path):
    folder = tmp_path / "new"
    folder.mkdir()
    (folder / "sv1.txt").write_text(SWEDISH, encoding="utf-8")
    codebook = DEMO / "codebook.yaml"  # written in English
    result = run("next", "--corpus", folder, "--codebook", codebook, "-n", "2")
    assert result.exit_code == 0, result.stderr
    assert "the interviews read as Swedish (sv) and the codebook as English (en)" in " ".join(result.stderr.split())
    result = run("next", "--corpus", DEMO / "interviews" / "demo01.txt", "--codebook", codebook, "-n", "2")
    assert result.exit_code == 0 and "read as" not in result.stderr, result.stderr
