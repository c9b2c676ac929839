"""Where a suggestion's evidence stands in its segment: what reports mark and pseudonymisation cuts again."""

from tr_nlp.passages import marked, passage_places


def test_marked_shows_each_place_of_a_passage_in_any_case_spacing_or_apostrophe():
    text = "She didn\u2019t  judge me. she didn't judge; she didn't."
    assert marked(text, "She didn't judge") == [
        ("She didn\u2019t  judge", True), (" me. ", False), ("she didn't judge", True), ("; she didn't.", False)]
    # passages that overlap are one marked piece; a word is marked only whole, and not across a sentence's end
    assert marked("stayed late. Later on", "stayed late; late; Later on") == [("stayed late", True), (". ", False),
                                                                            ("Later on", True)]
    assert marked("late. Stayed", "late stayed") == [("late. Stayed", False)]
    assert marked("no evidence", "") == [("no evidence", False)]


def test_each_place_of_each_passage_in_order_older_single_words_too():
    text = "She stayed late. she stayed"
    assert passage_places(text, "she stayed; late") == [(0, 10), (11, 15), (17, 27)]
    assert passage_places(text, "stayed; she") == [(0, 3), (4, 10), (17, 20), (21, 27)]
    # a blank or missing cell (NaN read back from a table), or a passage not in the text: no place
    assert passage_places(text, float("nan")) == passage_places(text, "") == passage_places(text, "went home") == []


def test_a_passage_is_found_across_a_transcribers_time_marks():
    # the model reads a segment without its time marks, so its evidence may run across one
    text = "She stayed [00:03:12] late on a Friday. #00:03:20-4# Then [00:03:25] - she rang."
    assert [text[a:b] for a, b in passage_places(text, "stayed late on; Then she rang")] == [
        "stayed [00:03:12] late on", "Then [00:03:25] - she rang"]
    assert marked(text, "stayed late")[:2] == [("She ", False), ("stayed [00:03:12] late", True)]
    # a mark is no word of a passage, nor lets one run across a sentence's end
    assert passage_places(text, "00 03 12") == passage_places(text, "Friday Then") == []
