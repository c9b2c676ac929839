"""Candidate-code discovery: remainder selection, topic model, candidates, CLI."""

import importlib
import logging
import re

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from conftest import DEMO
from tr_nlp.cli import app
from tr_nlp.codebook import load_codebook
from tr_nlp.errors import DiscoveryError
from tr_nlp.ingest import Corpus, load_corpus
from tr_nlp.schema import Interview, Segment, Turn
from tr_nlp.segment import Segmenter
from tr_nlp.topics import discover, dump_candidates, is_filler, select_remainder, undiscovered
from tr_nlp.topics import model as topic_model
from tr_nlp.topics.candidates import (
    CODINGS,
    GUIDANCE,
    candidates_to_dict,
    compared_note,
    make_candidates,
    read_candidates,
)
from tr_nlp.topics.candidates import _slug as candidate_slug
from tr_nlp.topics.model import (
    LayoutEnsemble,
    ScaledClusterer,
    cosine_neighbours,
    proper_names,
    scaled_settings,
)

runner = CliRunner()
discover_module = importlib.import_module("tr_nlp.topics.discover")  # (the package's name for it is the function)

# words that name each theme planted uncoded in the demo corpus (see corpora/demo/README.md)
PLANTED = {
    "medication side effects": {"medication", "meds", "tablets", "weight", "stone", "lithium", "drowsy", "olanzapine"},
    "money, benefits and housing": {"benefits", "money", "letters", "housing", "pip", "council", "rent", "credit"},
    "waiting lists": {"waiting", "list", "referral", "referred", "months", "wait"},
}


def _interview(iid: str, turns: list[tuple[str, str]]) -> Interview:
    text, spans = "", []
    for role, said in turns:
        label = "Interviewer: " if role == "interviewer" else "Participant: "
        start = len(text) + len(label)
        text += label + said + "\n"
        spans.append(Turn("I" if role == "interviewer" else "P", role, start, start + len(said)))
    return Interview(iid, text, tuple(spans))


def test_fillers_and_backchannels():
    assert is_filler("Mm-hm. Yeah, right.") and is_filler("Okay, okay.") and is_filler("")
    assert not is_filler("Yeah, the tablets made me put on weight.")
    # AnnoMI's marks of non-speech, and the stems of contractions, were topic keywords ("chuckles", "hasn")
    assert is_filler("[chuckles] Mm-hmm. [unintelligible 00:01:33]")
    assert {"chuckles", "unintelligible", "hasn", "weren", "kinda"} <= set(topic_model.STOP_WORDS)


def test_a_chinese_passage_is_as_long_as_its_characters():
    # words were counted between spaces, which Chinese does not write: every passage was "under 6
    # words" and discovery found nothing to cluster (E190)
    said = "\u62a4\u58eb\u5728\u5979\u4f11\u606f\u65e5\u6765\u770b\u6211\u3002"  # the nurse came on her day off
    iv = _interview("zh", [("participant", said), ("interviewer", "\u771f\u7684\u5417\uff1f"),
                           ("participant", "\u597d\u7684\u3002")])  # "ok." (2 characters) is short
    found = select_remainder(Segmenter(unit="turn").segment([iv]), set(), {"zh": iv}, min_words=6)
    assert [s.text for s in found.segments] == [said] and found.removed["under 6 words"] == 1


def test_speech_in_any_alphabet_is_speech_and_gives_its_keywords():
    # a word's letters need not be English ones: a Russian answer was a "filler" (no word in it)
    # and dropped, and "Ärztin", "für" never became keywords
    russian = "Она мне позвонила в свой выходной, понимаете, сама позвонила."
    assert not is_filler(russian) and not is_filler("Η νοσηλεύτρια με άκουσε.")
    iv = _interview("ru", [("participant", russian), ("interviewer", "И что?"),
                           ("participant", "Hon ringde mig på sin lediga dag.")])
    found = select_remainder(Segmenter(unit="turn").segment([iv]), set(), {"ru": iv}, min_words=7)
    assert [s.text for s in found.segments] == [russian, "Hon ringde mig på sin lediga dag."]  # 9 and 7 words
    assert found.removed["fillers or backchannels"] == 0
    analyse = topic_model.build_topic_model(scaled_settings(100), 100).vectorizer_model.build_analyzer()
    assert analyse("Die Ärztin hat für mich Zeit gehabt, you know") == [  # English stop words go
        "die", "ärztin", "hat", "für", "mich", "zeit", "gehabt"]
    assert analyse(russian)[:3] == ["она", "мне", "позвонила"]
    assert "jürgen" in proper_names(["Da kam Jürgen.", "Und dann hat Jürgen angerufen."])
    assert candidate_slug(["ärztin", "für"]) == "ärztin_für"


def test_remainder_joins_uncoded_neighbours_within_a_turn_only():
    iv = _interview("a", [("participant", "The tablets made me sleepy all day. I put on weight too. Yeah."),
                          ("interviewer", "And then?"),
                          ("participant", "She listened to me properly for once in my life. Then the rent went up again and again.")])
    segments = Segmenter(unit="sentence").segment([iv])
    assert len(segments) == 5
    coded = {segments[3].segment_id}  # "She listened ..." is human-coded
    found = select_remainder(segments, coded, {"a": iv}, min_words=4)
    texts = [s.text for s in found.segments]
    assert texts == ["The tablets made me sleepy all day. I put on weight too. Yeah.",
                     "Then the rent went up again and again."]
    assert all(iv.text[s.start:s.end] == s.text for s in found.segments)
    assert found.removed["human-coded"] == 1
    alone = select_remainder(segments, coded, {"a": iv}, min_words=4, merge=False)
    assert [s.text for s in alone.segments] == ["The tablets made me sleepy all day.", "I put on weight too.",
                                                "Then the rent went up again and again."]
    assert alone.removed["fillers or backchannels"] == 1


class _CodesAll:
    """A model whose codes cover all speech (as a mutually exclusive group without 'none' does)."""

    def __init__(self, every: bool) -> None:
        self.every = every

    def predict(self, frame: pd.DataFrame) -> pd.DataFrame:
        return pd.DataFrame({"change": [self.every or k > 0 for k in range(len(frame))]})


def test_too_little_left_says_what_removed_it_and_how_to_leave_more():
    iv = _interview("a", [("participant", "The tablets made me sleepy all day, every single day of the week."),
                          ("interviewer", "And then?"),
                          ("participant", "She listened to me properly for once. Then the rent went up again.")])
    segments = Segmenter(unit="sentence").segment([iv])
    none = select_remainder(segments, set(), {"a": iv}, min_words=4)
    assert none.advice() == "Add interviews that nobody has coded"  # nothing removed: too few interviews
    coded = select_remainder(segments, {s.segment_id for s in segments[1:]}, {"a": iv}, min_words=4)
    assert coded.advice() == "Add interviews that nobody has coded"
    short = select_remainder(segments, set(), {"a": iv}, min_words=40, merge=False)
    assert short.removed["under 40 words"] == 3 and short.advice() == "Lower --min-words"
    for every, share in ((True, "all 3 segments no human coded (codes that cover all speech"),
                         (False, "2 of the 3 segments no human coded:")):
        found = select_remainder(segments, set(), {"a": iv}, min_words=4, model=_CodesAll(every))  # type: ignore[arg-type]
        assert found.uncoded == 3 and found.removed["machine-coded"] == (3 if every else 2)
        assert found.advice().startswith(f"The model codes {share}")
        assert found.advice().endswith("run 'tr-nlp discover' without --model")


def test_too_few_turns_left_advise_each_segment_apart_where_that_leaves_enough():
    # one long uncoded interview: its turns joined are too few, its sentences are not, and the
    # advice was "Lower --min-words", which left as few
    said = "She listened to me properly for once in my life. The tablets made me sleepy all day long. " * 3
    iv = _interview("a", [("participant", said), ("interviewer", "Mm."), ("participant", said)])
    segments = Segmenter(unit="sentence").segment([iv])
    joined = select_remainder(segments, set(), {"a": iv}, min_words=4)
    assert (len(joined.segments), joined.apart) == (2, 12)
    assert joined.advice(12) == "Pass --no-merge: with each uncoded segment a passage of its own, 12 are left"
    assert joined.advice(13) == "Add interviews that nobody has coded"  # not enough apart either
    assert select_remainder(segments, set(), {"a": iv}, min_words=4, merge=False).apart == 0


def test_proper_names_are_found_but_acronyms_kept():
    texts = ["I saw Karen on Tuesday and Karen was kind.", "my PIP review and the NHS letter", "then Dr Shah rang"]
    names = proper_names(texts)
    assert {"karen", "shah", "tuesday"} <= names and not {"pip", "nhs", "letter"} & names


GERMAN = [  # a language that capitalises its nouns: they are no names
    "Also, die Ärztin hat mir damals wirklich zugehört, und das war nicht selbstverständlich.",
    "Ich hatte vorher so viele Termine, und keiner hat mich ernst genommen, ehrlich gesagt.",
    "Dann kam die Pflegerin am Wochenende vorbei, obwohl sie gar keinen Dienst hatte.",
    "Das Gespräch mit ihr war anders, sie hat nicht auf die Diagnose geschaut, sondern auf mich.",
    "Mit dem Geld und der Wohnung war es schwer, das Amt hat die Briefe einfach nicht beantwortet.",
    "Die Tabletten haben mich müde gemacht, und die Ärztin hat die Dosis dann geändert.",
    "Ja, und Frau Becker vom Amt hat dann die Briefe für mich geschrieben, das war gut.",
]


def test_nouns_of_a_language_that_capitalises_them_are_no_names():
    assert proper_names(GERMAN) == set()
    assert {"ärztin", "gespräch", "becker"} <= proper_names(GERMAN, most=1.0)  # what the rule alone would take
    demo = load_corpus([DEMO])
    english = [iv.text[t.start:t.end] for iv in demo.interviews for t in iv.turns if t.role == "participant"]
    assert {"karen", "priya", "shah"} <= proper_names(english) and "tablets" not in proper_names(english)


SWEDISH = [
    "Hon ringde mig på sin lediga dag, och det var ju inte något hon behövde göra, alltså.",
    "Jag hade träffat så många läkare innan, och ingen av dem lyssnade på mig på riktigt.",
    "Men hon frågade vad jag själv tyckte, och det hade ingen gjort förut, faktiskt.",
]


def test_keywords_leave_out_the_stop_words_of_the_passages_language(monkeypatch):
    from tr_nlp.fillers import SPOKEN_FILLERS
    from tr_nlp.language import LANGUAGES, stop_word_language, stop_words

    assert stop_word_language(GERMAN) == "de" and stop_word_language(SWEDISH) == "sv"
    assert stop_word_language(["Она мне позвонила в свой выходной, и это было не по работе."]) == "ru"
    demo = load_corpus([DEMO])
    assert stop_word_language([iv.text for iv in demo.interviews]) == "en"
    assert stop_word_language(["Karen, PIP, NHS."]) == stop_word_language([]) == "en"  # too few stop words to tell
    assert {"och", "att", "inte"} <= stop_words("sv") and "läkare" not in stop_words("sv")
    # and the fillers of speech the written lists lack, each a whole keyword of a language told
    assert {"precis", "liksom", "typ"} <= stop_words("sv") and "genau" in stop_words("de")
    # speech's spellings and verbs of talk: "nåt" and "sa" (said) were keywords of Swedish candidates
    assert {"nåt", "dom", "mej", "sa", "vet"} <= stop_words("sv") and {"nich", "weiß"} <= stop_words("de")
    assert all(words <= stop_words(language) and language in LANGUAGES
               for language, words in SPOKEN_FILLERS.items())
    assert not {"precis", "genau", "ouais"} & stop_words("en")  # English keywords keep them
    assert {"qu", "il"} <= stop_words("fr") and not [w for w in stop_words("fr") if "'" in w]  # cut as keywords are
    assert stop_words("xx") == frozenset() and stop_word_language(SWEDISH, ("xx", "sv")) == "sv"  # none in spaCy
    # no word of the list is one the keyword vectorizer would cut otherwise (scikit-learn warns of that)
    topic_model.build_topic_model(scaled_settings(100), 100, extra_stop_words=sorted(stop_words("fr"))
                                  ).vectorizer_model.build_analyzer()
    seen = {}

    def built(*args, extra_stop_words=(), **kwargs):
        seen["stop"] = set(extra_stop_words)
        raise RuntimeError("enough")

    monkeypatch.setattr(topic_model, "build_topic_model", built)
    for texts, language in ((SWEDISH, "sv"), (GERMAN, "de")):
        with pytest.raises(RuntimeError, match="enough"):
            topic_model.fit_topics(texts, np.zeros((len(texts), 4), dtype=np.float32))
        assert stop_words(language) <= seen["stop"] and not {"läkare", "ärztin", "gespräch"} & seen["stop"]
    with pytest.raises(RuntimeError, match="enough"):
        topic_model.fit_topics(["She rang me on her day off, and Karen came too."] * 3, np.zeros((3, 4)))
    assert seen["stop"] == {"karen"}  # English: names only, the English list being there always


def test_a_name_passages_hold_only_at_sentence_starts_is_told_by_the_interviews(monkeypatch):
    # the demo's "Amina" opened each sentence of an uncoded passage (capitalised anyway, so no sign of a name),
    # and "amina" was a keyword of a candidate code of `make demo`; her interview names her mid-sentence
    passages = ["Amina did, after I asked, and she went through it.", "Amina said she sang in one. So I went."]
    interview = "There's one, she was a nurse on the ward, called Amina. " + " ".join(passages)
    seen = {}

    def built(*args, extra_stop_words=(), **kwargs):
        seen["stop"] = set(extra_stop_words)
        raise RuntimeError("enough")

    monkeypatch.setattr(topic_model, "build_topic_model", built)
    for names_in, named in (((), False), ([interview], True)):
        with pytest.raises(RuntimeError, match="enough"):
            topic_model.fit_topics(passages, np.zeros((2, 4), dtype=np.float32), names_in=names_in)
        assert ("amina" in seen["stop"]) is named
    # discovery hands the topic model every interview's text to tell names by
    handed = {}

    def fit(texts, *args, names_in=(), **kwargs):
        handed["names_in"] = names_in
        raise RuntimeError("enough")

    monkeypatch.setattr(discover_module, "fit_topics", fit)
    corpus = load_corpus([DEMO])
    with pytest.raises(RuntimeError, match="enough"):
        discover(corpus)
    assert handed["names_in"] == [iv.text for iv in corpus.interviews]


def test_settings_scale_with_corpus_size():
    small, large = scaled_settings(100), scaled_settings(5000)
    assert small.min_cluster_size == 5 and large.min_cluster_size == 12
    assert 5 <= small.n_neighbors < large.n_neighbors <= 15
    assert 2 <= small.fallback_clusters < large.fallback_clusters <= 30


def test_layout_ensemble_concatenates_seeded_layouts_of_equal_weight(caplog):
    rng = np.random.default_rng(0)
    points = np.vstack([rng.normal(c, 0.3, size=(25, 8)) for c in (0, 2, 4)])
    with caplog.at_level(logging.INFO, logger="tr_nlp.topics.model"):
        both = LayoutEnsemble(n_layouts=2, n_neighbors=10, n_components=3, random_state=7).fit_transform(points)
    # discover's progress line moves with each layout, saying about how long the others will take
    said = [r.getMessage() for r in caplog.records if r.getMessage().startswith("layout ")]
    assert len(said) == 2 and re.fullmatch(r"layout 1/2 of 75 passages in [\d.]+ s; about \d+ s left for the others",
                                           said[0]) and re.fullmatch(r"layout 2/2 of 75 passages in [\d.]+ s", said[1])
    assert both.shape == (75, 6)
    for block in (both[:, :3], both[:, 3:]):  # each layout centred, root-mean-square norm 1
        np.testing.assert_allclose(block.mean(axis=0), 0, atol=1e-5)
        assert np.sqrt((block**2).sum(axis=1).mean()) == pytest.approx(1, abs=1e-5)
    assert not np.allclose(both[:, :3], both[:, 3:])  # two layouts, seeded differently
    again = LayoutEnsemble(n_layouts=2, n_neighbors=10, n_components=3, random_state=7).fit(points)
    np.testing.assert_array_equal(again.embedding_, both)  # same seed, same layouts
    one = LayoutEnsemble(n_layouts=1, n_neighbors=10, n_components=3, random_state=7).fit_transform(points)
    np.testing.assert_array_equal(one, both[:, :3])  # the first layout is the seed's own


def test_cosine_neighbours_match_a_brute_force_search():
    rng = np.random.default_rng(1)
    points = rng.normal(size=(130, 6))
    points[7] = 0  # a zero vector: distance 1 from every other point
    idx, dist = cosine_neighbours(points, 5, block=32)  # several blocks, the last one short
    unit = points / np.maximum(np.linalg.norm(points, axis=1), 1e-300)[:, None]
    full = 1 - unit @ unit.T
    full[7, :] = full[:, 7] = 1
    np.fill_diagonal(full, 0)
    assert (idx[:, 0] == np.arange(130)).all() and (dist[:, 0] == 0).all()
    np.testing.assert_allclose(dist, np.sort(full, axis=1)[:, :5], atol=1e-6)
    np.testing.assert_allclose(np.take_along_axis(full, idx.astype(int), axis=1), dist, atol=1e-6)


@pytest.mark.slow
def test_layout_ensemble_shares_an_approximate_graph_above_the_exact_limit(monkeypatch):
    # above EXACT_NEIGHBOURS points the graph comes from UMAP's NN-descent, once for all layouts
    monkeypatch.setattr(topic_model, "EXACT_NEIGHBOURS", 50)
    rng = np.random.default_rng(0)
    points = np.vstack([rng.normal(3 * np.eye(8)[c], 0.3, size=(40, 8)) for c in range(3)])  # 3 directions
    fit = LayoutEnsemble(n_layouts=2, n_neighbors=10, n_components=3, random_state=3).fit(points)
    assert fit.embedding_.shape == (120, 6)
    labels = ScaledClusterer(min_cluster_size=10, min_samples=3).fit(fit.embedding_).labels_
    blob = np.arange(120) // 40
    found = set(labels) - {-1}
    assert len(found) >= 3 and all(len(set(blob[labels == k])) == 1 for k in found)  # blobs kept apart


def test_clusterer_falls_back_to_agglomerative_when_hdbscan_finds_nothing():
    rng = np.random.default_rng(0)
    blobs = np.vstack([rng.normal(c, 0.05, size=(30, 5)) for c in (0, 3, 6)])
    fit = ScaledClusterer(min_cluster_size=10, min_samples=3).fit(blobs)
    assert fit.method_ == "hdbscan" and len(set(fit.labels_) - {-1}) == 3
    # too few points for a 50-point cluster: HDBSCAN finds none, the fallback cuts the tree
    fit = ScaledClusterer(min_cluster_size=50, min_samples=3, fallback_clusters=3).fit(blobs)
    assert fit.method_ == "agglomerative" and sorted(set(fit.labels_)) == [0, 1, 2]


@pytest.fixture(scope="module")
def demo_discovery():
    corpus = load_corpus([DEMO])
    return corpus, discover(corpus)


def _planted_found(found) -> set[str]:
    return {theme for theme, words in PLANTED.items()
            if any(len(words & set(c.keywords[:6])) >= 2 for c in found.candidates)}


def test_demo_candidates_include_the_planted_themes_whatever_the_seed(demo_discovery):
    # a seed is one draw of the UMAP layouts: each planted theme must come out for nearly every draw, not
    # for one lucky seed (one in ten single-layout seeds merged waiting lists into a neighbouring topic)
    corpus, found = demo_discovery
    runs = [found] + [discover(corpus, seed=seed) for seed in range(1, 5)]
    for theme in PLANTED:
        assert sum(theme in _planted_found(run) for run in runs) >= 4, f"planted theme {theme!r} missed"


def test_demo_candidates_quote_exact_passages(demo_discovery):
    corpus, found = demo_discovery
    interviews = corpus.by_id()
    for cand in found.candidates:
        assert 3 <= len(cand.quotes) <= 5 and cand.size >= len(cand.quotes)
        for q in cand.quotes:
            assert interviews[q.interview_id].text[q.start:q.end] == q.text
            assert q.timestamp == interviews[q.interview_id].time_at(q.start)  # where in the recording, if known
            # the lines to cite it by, if numbered
            assert (q.line, q.line_end) == interviews[q.interview_id].lines_of(q.start, q.end)
        assert cand.nearest_code in corpus.codebook.names and 0 <= cand.novelty <= 2
        assert cand.compared_with == CODINGS  # every code of the demo's was coded
    assert set(found.assignments["candidate"]) - {""} == {c.name for c in found.candidates}
    timed = found.assignments[found.assignments.timestamp.notna()]
    assert len(timed) and set(timed.interview_id) <= {iv.id for iv in corpus.interviews if iv.known_times}
    # candidates.yaml gives a quote's time only where one is known
    quotes = [q for c in candidates_to_dict(found.candidates)["codes"] for q in c["evidence"]["quotes"]]
    assert {("timestamp" in q) for q in quotes} == {True, False}
    assert all(q["timestamp"] == interviews[q["interview_id"]].time_at(q["start"]) for q in quotes if "timestamp" in q)
    assert {("line" in q) for q in quotes} == {True, False}
    assert all((q["line"], q["line_end"]) == interviews[q["interview_id"]].lines_of(q["start"], q["end"])
               for q in quotes if "line" in q)
    assert all(("line" in q) == ("line_end" in q) for q in quotes)
    assigned = found.assignments
    assert assigned.line.dtype == assigned.line_end.dtype == "Int64" and assigned.line.notna().any()
    assert (assigned.line_end >= assigned.line).all()


def test_a_code_nobody_coded_is_compared_by_its_codebook_entry_with_its_own_limit():
    # a topic 0.3 from a coded code's passages (a variant below 0.25) and 0.5 from the codebook entry of a
    # code nobody coded (a variant below 0.6): it reads as a variant of the second
    def unit(*v):
        return np.array(v) / np.linalg.norm(v)

    topic = unit(1.0, 0.0, 0.0)
    coded, described = unit(0.7, np.sqrt(1 - 0.49), 0.0), unit(0.5, 0.0, np.sqrt(0.75))
    other = unit(0.0, -0.6, -0.8)  # far from both
    segments = [Segment(f"i{k}", f"i{k}:s0", 0, 4, "P", "participant", "text") for k in range(6)]
    embeddings = np.vstack([topic] * 3 + [other] * 3)
    found = make_candidates(segments, np.array([0, 0, 0, 1, 1, 1]), embeddings, {0: ["a"], 1: ["b"]},
                            {"care": coded, "warmth": described}, guided={"warmth"})
    near, far = found
    assert (near.nearest_code, near.novelty, near.compared_with, near.reading) == (
        "warmth", 0.5, GUIDANCE, "variant of warmth")
    assert far.reading == "new" and far.novelty > 0.6
    alone = make_candidates(segments, np.array([0, 0, 0, 1, 1, 1]), embeddings, {0: ["a"], 1: ["b"]}, {"care": coded})
    assert (alone[0].nearest_code, alone[0].novelty, alone[0].compared_with, alone[0].reading) == (
        "care", 0.3, CODINGS, "new")
    [entry, _] = candidates_to_dict(found)["codes"]
    assert entry["evidence"]["compared_with"] == GUIDANCE and entry["evidence"]["reading"] == "variant of warmth"
    assert "codebook entry of codes nobody coded (warmth)" in compared_note(found) and not compared_note(alone)


def test_with_nothing_coded_candidates_are_read_against_the_codebook(demo_discovery):
    # a team's first round: a codebook, no codings. The planted themes no code describes read as new,
    # topics of the codebook's own themes as variants of the code whose entry describes them
    corpus, _ = demo_discovery
    found = discover(Corpus(corpus.interviews, [], corpus.codebook))
    assert {c.compared_with for c in found.candidates} == {GUIDANCE}
    planted = [c for c in found.candidates if any(len(words & set(c.keywords[:6])) >= 2 for words in PLANTED.values())]
    assert len(planted) >= 2 and all(c.reading == "new" for c in planted), planted
    variants = {c.nearest_code for c in found.candidates if c.reading.startswith("variant of")}
    assert len(variants) >= 2 and variants <= set(corpus.codebook.names)
    # the topic map places those codes by their entries too (it had no code to draw)
    entries = {p["name"] for p in found.layout if p["kind"] == "code_entry"}
    assert entries == set(corpus.codebook.names) and {p["kind"] for p in found.layout} == {"candidate", "code_entry"}
    from tr_nlp.report.sections import _map_point

    drawn = [_map_point(p, {}) for p in found.layout if p["kind"] == "code_entry"]
    assert all(d.square and d.hollow and "placed by its codebook entry" in d.note for d in drawn)
    # with no codebook either, nothing to compare with: every candidate is new
    bare = discover(Corpus(corpus.interviews, [], None))
    assert {(c.reading, c.novelty, c.compared_with) for c in bare.candidates} == {("new", None, None)}


def test_candidates_yaml_loads_as_a_codebook_and_repeats_exactly(demo_discovery, tmp_path):
    corpus, found = demo_discovery
    path = tmp_path / "candidates.yaml"
    path.write_text(dump_candidates(found.candidates), encoding="utf-8")
    codebook = load_codebook(path)
    assert {c.status for c in codebook.codes} == {"candidate"}
    assert [c.name for c in codebook.codes] == [c.name for c in found.candidates]
    again = discover(corpus)
    assert dump_candidates(again.candidates) == path.read_text(encoding="utf-8")
    entries = read_candidates(path)  # each lists its topic, so a reviewer's renaming keeps its passages
    assert [e["evidence"]["topics"] for e in entries] == [[c.topic] for c in found.candidates]
    named = found.assignments.drop_duplicates("topic").set_index("topic")["candidate"]
    assert all(named[e["evidence"]["topics"][0]] == e["name"] for e in entries)


def test_too_little_or_uniform_remainder_gives_a_clear_error():
    five = Corpus([_interview(f"i{k}", [("participant", f"Topic number {k} is something we talked about at length.")])
                   for k in range(5)])
    # nothing was removed, so the count is said once: "only 5 ... left for topic discovery; need at least 20"
    with pytest.raises(DiscoveryError, match=r"\[E190\] only 5 uncoded passage\(s\) left for topic discovery; need at least "
                                             r"\d+\. Add interviews that nobody has coded$"):
        discover(five)
    same = Corpus([_interview(f"i{k}", [("participant", "Exactly the same words in every single interview here.")])
                   for k in range(40)])
    with pytest.raises(DiscoveryError, match=r"E191.*only 1 distinct"):
        discover(same)


def test_cli_discover_writes_outputs_and_reports_an_empty_remainder(tmp_path):
    out = tmp_path / "disc"
    r = runner.invoke(app, ["discover", "--corpus", str(DEMO), "-o", str(out), "--quiet"])
    assert r.exit_code == 0, r.stderr
    assert "candidate_01" in r.stdout and (out / "candidates.yaml").is_file()
    assert "label in" in r.stdout and "they share few words, so read its quotes" in r.stdout
    assert (out / "topics.parquet").is_file() and (out / "discovery.json").is_file()
    # only the coded turns: nothing is left once the codings are taken out
    r = runner.invoke(app, ["discover", "--corpus", str(DEMO / "interviews" / "demo01.txt"), "--codings",
                            str(DEMO / "codings.csv"), "--unit", "turn", "--min-words", "40", "-o", str(out)])
    assert r.exit_code == 2 and "E190" in r.stderr and "uncoded passage" in r.stderr
    assert "topic discovery after removing" in r.stderr and "human-coded" in r.stderr


def test_between_interview_share_separates_subjects_from_stories():
    from tr_nlp.topics.centring import between_interview_share

    rng = np.random.default_rng(0)
    ids = np.repeat(np.arange(20), 8)
    noise = rng.normal(size=(160, 16))
    assert abs(between_interview_share(noise, ids)) < 0.05  # interviews differ as random groups do
    subjects = rng.normal(size=(20, 16)) * 2
    assert between_interview_share(noise + subjects[ids], ids) > 0.5  # each interview its own subject
    assert between_interview_share(noise, np.zeros(160)) == 0.0  # one interview: nothing to compare


def test_centring_removes_each_interviews_own_direction():
    from tr_nlp.topics.centring import centre_within_interviews

    rng = np.random.default_rng(1)
    themes = np.eye(8)[:2] * 3                       # two themes shared by all interviews
    stories = rng.normal(size=(6, 8)) * 3            # each interview's own story
    ids = np.r_[np.repeat(np.arange(6), 4), 6]       # interview 6 has a single passage
    theme = np.r_[np.tile([0, 1, 0, 1], 6), 0]
    X = themes[theme] + np.r_[stories, np.zeros((1, 8))][ids] + rng.normal(scale=0.3, size=(25, 8))
    out = centre_within_interviews(X, ids)
    assert np.allclose(np.linalg.norm(out, axis=1), 1, atol=1e-5)
    assert np.allclose(out[-1], X[-1] / np.linalg.norm(X[-1]), atol=1e-5)  # a lone passage is left alone
    cos = out[:-1] @ out[:-1].T
    same = theme[:-1, None] == theme[None, :-1]
    assert cos[same].mean() > 0.5 > cos[~same].mean()  # after centring, passages group by theme


def test_discover_decides_on_centring_and_says_why(demo_discovery):
    corpus, found = demo_discovery
    how = found.summary()["centring"]
    assert how["decided"] == "auto" and how["centred"] is True  # one research question: centred
    assert 0 <= how["between_interview_share"] < how["subject_share_limit"]
    plain = discover(corpus, centre=False)
    assert plain.centring == {**how, "centred": False, "decided": "given"}
    assert found.centring_note() == (f"centred within interviews (between-interview share "
                                     f"{how['between_interview_share']:.3f}, limit 0.08)")
    assert plain.centring_note() == "not centred (as asked)"


def test_discovery_names_the_interviews_it_searched_and_finds_those_it_did_not(demo_discovery):
    corpus, found = demo_discovery
    assert found.summary()["interview_ids"] == sorted(iv.id for iv in corpus.interviews)
    summary = {"interview_ids": ["a", "c"]}
    assert undiscovered(summary, ["c", "d", "b", "a"]) == ["b", "d"]
    assert undiscovered(summary, ["a"]) == []
    assert undiscovered({"candidates": 3}, ["a", "b"]) == []  # written before it named them: nothing to say


def test_umaps_compiled_functions_are_kept_on_disk_for_the_next_run():
    import importlib
    from pathlib import Path

    names = topic_model.cache_umap_compilation()
    assert names == [f"{module}.{name}" for module, name in topic_model.UMAP_UNCACHED]
    functions = [getattr(importlib.import_module(m), n) for m, n in topic_model.UMAP_UNCACHED]
    assert all(type(f._cache).__name__ == "FunctionCache" for f in functions)
    topic_model.LayoutEnsemble(1, 5, n_components=2).fit(np.random.default_rng(0).normal(size=(40, 8)))
    folder = Path(functions[0]._cache.cache_path)  # beside UMAP, or numba's own cache folder
    assert list(folder.glob("umap_.smooth_knn_dist-*.nbi")), sorted(p.name for p in folder.iterdir())


def test_a_word_only_one_topics_passages_hold_can_be_its_keyword():
    # BERTopic fits its vectorizer on each topic's passages joined, so min_df=2 (300 passages or more) counted
    # topics: "medication", in every passage of one topic and in no other, was a keyword only when some of those
    # passages fell among the outliers (topic -1), a second "topic" holding it
    rng = np.random.default_rng(0)
    shared = ["today", "week", "family", "evening", "morning", "garden"]
    texts = [f"{rng.choice(shared)} {rng.choice(shared)} and the medication again" for _ in range(160)]
    texts += [f"{rng.choice(shared)} {rng.choice(shared)} and the benefits again" for _ in range(160)]
    centres = np.eye(8)[:2] * 6
    embeddings = (np.repeat(centres, 160, axis=0) + rng.normal(scale=0.2, size=(320, 8))).astype(np.float32)
    fit = topic_model.fit_topics(texts, embeddings, layouts=1)
    assert fit.settings.min_df == 2
    for word, rows in (("medication", slice(0, 160)), ("benefits", slice(160, 320))):
        topic = np.bincount(fit.labels[rows][fit.labels[rows] >= 0]).argmax()
        assert fit.keywords[int(topic)][0] == word, fit.keywords


def test_the_topic_model_is_handed_the_words_passages_hold(monkeypatch):
    # without it, BERTopic's min_df counts topics: with no outlier passage, a word of one topic only is dropped
    seen = {}

    def built(*args, vocabulary=None, **kwargs):
        seen["vocabulary"] = vocabulary
        raise RuntimeError("enough")

    monkeypatch.setattr(topic_model, "build_topic_model", built)
    texts = [f"passage {k} on the medication" if k < 150 else f"passage {k} on the benefits" for k in range(300)]
    with pytest.raises(RuntimeError, match="enough"):
        topic_model.fit_topics(texts, np.zeros((300, 4), dtype=np.float32))
    assert seen["vocabulary"] == ["benefits", "medication", "passage"]


def test_passage_vocabulary_counts_passages():
    from tr_nlp.topics.keywords import passage_vocabulary

    texts = ["my medication", "the medication", "benefits", "a garden"]
    assert passage_vocabulary(texts, {"the", "my", "a"}, 2) == ["medication"]
    assert passage_vocabulary(texts, set(), 1) == ["benefits", "garden", "medication", "my", "the"]
    assert passage_vocabulary(["the", "a"], {"the", "a"}, 1) is None  # nothing left: BERTopic fits its own
    assert passage_vocabulary(["one passage"], set(), 2) is None


def test_a_candidate_whose_passages_share_few_words_says_so_and_is_not_named_after_them():
    # on AnnoMI, a topic of 93 passages of generic talk ("I don't know what I'm going to do about it") was named
    # candidate_01_sell_daughter after words 2 of its passages hold
    generic = ["I don't know what I'm going to do about it.", "I have to keep telling myself.", "Sell it, my boss said.",
               "Maybe I just have to, you know.", "It is what it is, I guess.", "I'll see how I go with it.",
               "Not sure where that leaves me.", "Could go either way really.", "We will see what happens next.",
               "That is the hard part for me."]
    drink = ["I was drinking every night.", "A drink after work, or two.", "One drink, then another drink.",
             "The alcohol was the problem.", "Drinks with my brother, mostly.", "No alcohol in the house now."]
    texts = generic + drink
    segments = [Segment(f"i{k}", f"i{k}:s0", 0, len(t), "P", "participant", t) for k, t in enumerate(texts)]
    labels = np.array([0] * len(generic) + [1] * len(drink))
    embeddings = np.vstack([np.eye(3)[0]] * len(generic) + [np.eye(3)[1]] * len(drink))
    keywords = {0: ["sell", "boss", "lectures"], 1: ["drink", "drinks", "drinking", "alcohol", "night"]}
    vague, clear = make_candidates(segments, labels, embeddings, keywords)
    assert vague.label_share == 0.1 and not vague.shares_words
    assert vague.name == "candidate_01_few_shared_words" and "share few words" in vague.description
    assert "(sell, boss, lectures) are in 10% of them" in vague.description
    # the label names three things, not three forms of one word; each form counts for the label word
    assert clear.keywords == ["drink", "alcohol", "night", "drinks", "drinking"] and clear.label == "drink, alcohol, night"
    assert clear.name == "candidate_02_drink_alcohol" and clear.shares_words and clear.label_share == 1.0
    assert clear.description == ("Proposed by topic discovery from uncoded passages: drink, alcohol, night. "
                                 "A person decides whether it becomes a code.")
    first, second = candidates_to_dict([vague, clear])["codes"]
    assert first["evidence"]["label_share"] == 0.1 and first["description"] == vague.description
    assert second["evidence"]["label_share"] == 1.0


def test_forms_of_one_word():
    from tr_nlp.topics.keywords import forms_last, holds, one_word

    assert one_word("cigarette", "cigarettes") and one_word("nurse", "nursing") and one_word("worry", "worried")
    assert not one_word("medication", "medicine") and not one_word("kid", "kids")  # too short to tell
    assert forms_last(["smoking", "quit", "smoke", "cigarettes", "smoker"]) == [
        "smoking", "quit", "cigarettes", "smoke", "smoker"]
    assert holds("She was Nursing him", ["nurse"]) and not holds("a purse", ["nurse"])


def test_new_interviews_without_a_codebook_are_compared_with_the_models_codes(demo_run):
    # a batch over new interviews has no codings and no codebook: every candidate's novelty was n/a, so a
    # team could not tell a new theme from one of its own codes the model missed there
    from tr_nlp.coding import load_model

    model = load_model(demo_run / "model")
    corpus = load_corpus([DEMO / "interviews"])  # the transcripts alone
    assert corpus.codebook is None and not corpus.codings
    found = discover(corpus, model=model)
    assert {c.compared_with for c in found.candidates} == {GUIDANCE}
    assert {c.nearest_code for c in found.candidates} <= set(model.codes)
    assert all(c.novelty is not None and c.reading for c in found.candidates)
