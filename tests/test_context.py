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
