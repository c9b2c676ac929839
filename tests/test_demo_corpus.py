"""The shipped demo corpus keeps its promises (synthetic, coded, enough positives)."""

from tr_nlp.ingest import load_corpus
from tr_nlp.segment import Segmenter, map_codings

from conftest import DEMO


def test_demo_corpus_is_marked_synthetic_and_coded():
    corpus = load_corpus([DEMO])
    assert not corpus.failures
    assert 16 <= len(corpus.interviews) <= 24
    assert all(iv.metadata.get("synthetic") is True for iv in corpus.interviews)
    assert {iv.format for iv in corpus.interviews} >= {"text", "docx", "vtt"}
    assert "SYNTHETIC" in (DEMO / "README.md").read_text()
    coders = {c.coder for c in corpus.codings}
    assert coders == {"coder_a", "coder_b"}
    segments = Segmenter().segment(corpus.interviews)
    mapped = map_codings(segments, corpus.codings)
    per_code = mapped.drop_duplicates(["segment_id", "code"]).groupby("code").size()
    assert per_code["non_stigmatizing_attitude"] >= 40
    assert per_code["beyond_routine"] >= 40
    # realistic disagreement: the double-coded interviews do not agree perfectly
    double = {c.interview_id for c in corpus.codings if c.coder == "coder_b"}
    a = set(map(tuple, mapped[(mapped.coder == "coder_a") & mapped.interview_id.isin(double)][["segment_id", "code"]].values))
    b = set(map(tuple, mapped[(mapped.coder == "coder_b")][["segment_id", "code"]].values))
    assert a != b and len(a & b) > 0.5 * len(a | b)
    # some participant segments fit no code at all
    coded = set(mapped.segment_id)
    assert sum(s.segment_id not in coded for s in segments) > 100
