import numpy as np
import pytest

from tr_nlp.errors import ConfigError
from tr_nlp.schema import Coding, Segment
from tr_nlp.segment import coder_coverage, label_matrix, map_codings

SEGS = [Segment("i", "i:s0", 0, 20, "P", "participant", "a" * 20),
        Segment("i", "i:s1", 21, 41, "P", "participant", "b" * 20),
        Segment("j", "j:s0", 0, 10, "P", "participant", "c" * 10)]


def test_overlap_rule_segment_share_or_coding_share():
    codings = [
        Coding("i", 0, 41, "care", "A"),      # covers both segments fully
        Coding("i", 15, 24, "warm", "A"),     # straddles: 5 of its 9 chars in s0 -> s0 only
        Coding("i", 18, 23, "edge", "A"),     # 2 chars in each of s0 and s1: neither
        Coding("i", 25, 30, "quote", "B"),    # short phrase fully inside s1 -> s1
    ]
    mapped = map_codings(SEGS, codings)
    got = sorted(zip(mapped.segment_id, mapped.code, mapped.coder))
    assert got == [("i:s0", "care", "A"), ("i:s0", "warm", "A"), ("i:s1", "care", "A"), ("i:s1", "quote", "B")]


def test_threshold_is_configurable_and_checked():
    codings = [Coding("i", 0, 30, "warm", "A")]  # all of s0; 9 of s1's 20 chars (0.45)
    assert len(map_codings(SEGS, codings, threshold=0.4)) == 2
    assert len(map_codings(SEGS, codings, threshold=0.5)) == 1
    with pytest.raises(ConfigError):
        map_codings(SEGS, codings, threshold=0)


def test_label_matrix_marks_uncoded_interviews_missing():
    codings = [Coding("i", 0, 20, "care", "A"), Coding("i", 21, 41, "warm", "A")]
    mapped = map_codings(SEGS, codings)
    matrix = label_matrix(SEGS, mapped, ["care", "warm"], coders=["A"], coverage=coder_coverage(codings))
    assert matrix.loc["i:s0"].tolist() == [1.0, 0.0]
    assert matrix.loc["i:s1"].tolist() == [0.0, 1.0]
    assert np.isnan(matrix.loc["j:s0"]).all()


def test_a_long_interview_is_mapped_a_block_of_segments_at_a_time_alike(monkeypatch):
    # every segment was weighed against every coding of its interview at once: 20,000
    # segments and 5,000 codings took 3.2 GB and 33 s (benchmarks/mapping_memory.py);
    # blocks of segments give the same table
    import random

    from tr_nlp.segment import mapping

    rng = random.Random(0)
    segments = [Segment(iid, f"{iid}:{k}", 10 * k, 10 * k + 8, "P", "participant", "x" * 8)
                for iid in ("a", "b") for k in range(60)]
    codings = [Coding(iid, start, start + rng.randint(1, 40), rng.choice(["care", "trust"]), rng.choice("AB"))
               for iid in ("a", "b") for start in rng.sample(range(560), 25)]
    whole = map_codings(segments, codings)
    assert len(whole) > 40
    for cells in (1, 7, 25, 26, 100):  # a segment at a time, blocks ending anywhere
        monkeypatch.setattr(mapping, "_CELLS", cells)
        assert map_codings(segments, codings).equals(whole), cells
