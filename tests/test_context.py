import numpy as np

from tr_nlp.coding.classifier import make_theme_classifier
from tr_nlp.features.context import CONTEXT_COLUMNS, context_frame
from tr_nlp.schema import Interview, Segment, Turn


def _interview() -> Interview:
    lines = ["I: How was the ward?", "P: Loud. Nobody slept.", "P: Sorry, and the food.",
             "I: Mm. Who helped?", "P: Sam did."]
    text, turns, at = "", [], 0
    for line in lines:
        speaker, body = line.split(": ", 1)
        start = at + len(speaker) + 2
        turns.append(Turn(speaker, "interviewer" if speaker == "I" else "participant", start, start + len(body)))
        text += line + "\n"
        at = len(text)
    return Interview("iv", text, tuple(turns))


def _segment(iv: Interview, sentence: str) -> Segment:
    start = iv.text.index(sentence)
    turn = next(t for t in iv.turns if t.start <= start < t.end)
    return Segment(iv.id, f"iv:{start}", start, start + len(sentence), turn.speaker, turn.role, sentence)


def test_context_frame_takes_the_other_speakers_turns_on_both_sides():
    iv = _interview()
    segments = [_segment(iv, s) for s in ("How was the ward?", "Nobody slept.", "Sorry, and the food.", "Sam did.")]
    frame = context_frame(segments, {"iv": iv})
    assert list(frame.columns) == [*CONTEXT_COLUMNS, "interview_id"]
    assert frame.prev_text.tolist() == ["", "How was the ward?", "How was the ward?", "Mm. Who helped?"]
    # the second participant turn skips its own speaker's turn to reach the interviewer's next one
    assert frame.next_text.tolist() == ["Loud. Nobody slept.", "Mm. Who helped?", "Mm. Who helped?", ""]
    assert frame.prev2_text.tolist() == ["", "", "", "How was the ward?"]
    # the turn after the next one: the first question is answered in two turns
    assert frame.next2_text.tolist() == ["Sorry, and the food.", "", "", ""]
    assert frame.prev_same_speaker.tolist() == [0.0, 0.0, 1.0, 0.0]


def test_context_pipeline_reads_the_next_turn():
    # the participant's words are identical; only the interviewer's reply tells the code apart
    segments, interviews, y = [], {}, []
    for k in range(24):
        reply = "That sounds really hard." if k % 2 else "That sounds like progress."
        said = [("I", "interviewer", "Tell me more."), ("P", "participant", "It was the same as ever."),
                ("I", "interviewer", reply)]
        text = "".join(f"{who}: {words}\n" for who, _, words in said)
        turns = tuple(Turn(who, role, text.index(words), text.index(words) + len(words)) for who, role, words in said)
        interviews[f"iv{k}"] = Interview(f"iv{k}", text, turns)
        answer = turns[1]
        segments.append(Segment(f"iv{k}", f"iv{k}:1", answer.start, answer.end, "P", "participant",
                                text[answer.start:answer.end]))
        y.append("hard" if k % 2 else "progress")
    frame = context_frame(segments, interviews)
    assert frame.text.nunique() == 1 and set(frame.next_text) == {"That sounds really hard.", "That sounds like progress."}
    model = make_theme_classifier("tfidf", context=True, inner_folds=3).fit(frame, np.array(y))
    assert (model.predict(frame) == np.array(y)).all()


def test_tolerant_tfidf_keeps_one_zero_column_when_no_term_is_left():
    from tr_nlp.features.text import TolerantTfidf

    vec = TolerantTfidf().fit(["", "  "])
    assert vec.transform(["words now", ""]).toarray().tolist() == [[0.0], [0.0]]
    assert vec.get_feature_names_out().tolist() == ["(no terms)"]
    fitted = TolerantTfidf().fit(["some words", "more words"])
    assert fitted.transform(["words"]).shape == (1, 3)


def test_models_read_segments_without_their_time_marks():
    # aTrain writes "[00:00:03] - " before each stretch of speech, f4 "#00:00:09-2#" after one:
    # models read them as words (on AnnoMI they cost the TF-IDF baseline a point of macro-F1)
    plain = ["I: How was the ward?", "P: Loud. Nobody slept. And the food.", "I: Mm. Who helped?", "P: Sam did."]
    marked = ["I: [00:00:01] - How was the ward?", "P: [00:00:03] - Loud. #00:00:05-1# Nobody slept. [00:00:07] "
              "And the food.", "I: [00:00:09.000 --> 00:00:11.500] Mm. Who helped?", "P: Sam did. #00:00:12-4#"]
    frames = []
    for lines in (plain, marked):
        text = "".join(line + "\n" for line in lines)
        turns, at = [], 0
        for line in lines:
            speaker, body = line.split(": ", 1)
            turns.append(Turn(speaker, "interviewer" if speaker == "I" else "participant", at + 3, at + len(line)))
            at += len(line) + 1
        iv = Interview("iv", text, tuple(turns))
        segments = [Segment("iv", f"iv:t{k}", t.start, t.end, t.speaker, t.role, text[t.start:t.end])
                    for k, t in enumerate(turns)]
        frames.append(context_frame(segments, {"iv": iv}))
    columns = ["text", "prev_text", "prev2_text", "next_text", "next2_text"]
    assert frames[1][columns].equals(frames[0][columns])
    assert frames[1].text.tolist() == ["How was the ward?", "Loud. Nobody slept. And the food.", "Mm. Who helped?",
                                      "Sam did."]


def test_question_cues_read_the_question_marks_of_other_scripts():
    # only "?" counted: an Arabic, Chinese or Greek question had no question cue
    import pandas as pd

    from tr_nlp.features.context import DialogueShape

    text = ["\u0643\u064a\u0641 \u062d\u0627\u0644\u0643\u061f", "\u4f60\u597d\u5417\uff1f",
            "\u03a0\u03ce\u03c2 \u03b5\u03af\u03c3\u03b1\u03b9;", "Are you ok?  ", "Ok; fine.", "a; b"]
    frame = pd.DataFrame({"text": text, "prev_text": text[::-1], "position": 0.5, "prev_same_speaker": False,
                          "role": "participant"})
    shape = DialogueShape().fit(frame).transform(frame)
    names = list(DialogueShape().get_feature_names_out())
    assert shape[:, names.index("ends_q")].tolist() == [1, 1, 1, 1, 0, 0]
    assert shape[:, names.index("prev_has_q")].tolist() == [0, 0, 1, 1, 1, 1]

