"""Krippendorff's alpha for unitizing against his published worked examples, and in the character table."""

import krippendorff
import numpy as np
import pandas as pd
import pytest

from tr_nlp.agreement import (
    OVERALL,
    character_table,
    character_table_by_interview,
    count_characters,
    group_unitizing_table,
)
from tr_nlp.agreement.unitizing import (
    ExpectedDisagreement,
    Lengths,
    disagreements,
    observed_sum,
    sections,
    unitizing_alpha,
)
from tr_nlp.segment import Segmenter


def _mask(length, spans, origin=0, stretch=1):
    """A rater's marks on a continuum of ``length`` characters from ``(start, end)`` spans."""
    mask = np.zeros(length * stretch, dtype=bool)
    for start, end in spans:
        mask[(start - origin) * stretch:(end - origin) * stretch] = True
    return mask


def test_krippendorff_2004_worked_example():
    # Content Analysis (2004), p. 254: a continuum from 150 to 450, two coders, codes c and k.
    # Published: D_o(c) = 0.0144, D_e(c) = 0.0532, alpha(c) = 0.7286; D_o(k) = 0, D_e(k) = 0.0490, alpha(k) = 1
    c = [[_mask(300, [(225, 295), (370, 400)], 150), _mask(300, [(220, 300), (355, 375), (400, 420)], 150)]]
    k = [[_mask(300, [(180, 240), (300, 350)], 150)] * 2]
    (do_c, de_c), (do_k, de_k) = disagreements(c), disagreements(k)
    assert (round(do_c, 4), round(de_c, 4), round(unitizing_alpha(c), 4)) == (0.0144, 0.0532, 0.7286)
    assert (do_k, round(de_k, 4), unitizing_alpha(k)) == (0.0, 0.0490, 1.0)
    # over both codes (published 0.8591 from the rounded figures above)
    assert 1 - (do_c + do_k) / (de_c + de_k) == pytest.approx(1 - (0.0144 + 0) / (0.0532 + 0.0490), abs=5e-4)
    # the example's distances (p. 252): overlapping passages, and a passage inside the other's gap
    assert observed_sum(_mask(300, [(225, 295)], 150), _mask(300, [(220, 300)], 150)) == 50
    assert observed_sum(_mask(300, [(370, 400)], 150), _mask(300, [(355, 375)], 150)) == 850
    assert observed_sum(np.zeros(300, bool), _mask(300, [(400, 420)], 150)) == 400


def test_krippendorff_1995_examples():
    # "On the reliability of unitizing contiguous data" (1995), p. 57: 24 units, two observers per example
    a = [_mask(24, [(2, 10), (14, 20)]), _mask(24, [(4, 8), (15, 17)])]
    c = [_mask(24, [(2, 8), (10, 12), (14, 18), (20, 22)]), _mask(24, [(0, 2), (4, 8), (10, 14), (16, 18), (20, 22)])]
    assert disagreements([a])[0] == pytest.approx(0.03125)
    assert disagreements([c])[0] == pytest.approx(0.02778, abs=1e-5)
    # the 1995 figures treat the continuum as continuous: stretched fine enough, example A's alpha is 0.553
    fine = [_mask(24, [(2, 10), (14, 20)], stretch=500), _mask(24, [(4, 8), (15, 17)], stretch=500)]
    assert unitizing_alpha([fine]) == pytest.approx(0.553, abs=1e-3)


def test_alpha_is_one_for_identical_passages_nan_for_none_and_symmetric():
    x, y = _mask(50, [(5, 20), (30, 45)]), _mask(50, [(8, 20), (33, 40)])
    assert unitizing_alpha([[x, x]]) == 1.0
    assert np.isnan(unitizing_alpha([[np.zeros(50, bool)] * 2]))
    assert unitizing_alpha([[x, y]]) == unitizing_alpha([[y, x]]) < 1
    # three raters: the mean over pairs of observed disagreement, expected from all three
    z = _mask(50, [(0, 25)])
    three = disagreements([[x, y, z]])[0]
    assert three == pytest.approx(np.mean([disagreements([[p, q]])[0] for p, q in ((x, y), (x, z), (y, z))]))
    with pytest.raises(ValueError, match="a mask per rater"):
        disagreements([[x, y], [x]])


def test_expected_disagreement_weighs_continua_as_a_resample_draws_them():
    one = [_mask(40, [(5, 20)]), _mask(40, [(8, 22)])]
    two = [_mask(60, [(10, 15), (40, 58)]), _mask(60, [(12, 15)])]
    lengths = Lengths()
    for k, masks in enumerate([one, two]):
        for mask in masks:
            lengths.add(mask, k)
    expected = ExpectedDisagreement(lengths, raters=2)
    weights, length = np.array([[1.0, 1.0], [2.0, 1.0], [0.0, 1.0]]), np.array([100.0, 140.0, 60.0])
    got = expected(weights, length)
    assert got == pytest.approx([disagreements([one, two])[1], disagreements([one, one, two])[1],
                                 disagreements([two])[1]])
    assert expected(weights, length, chunk=2) == pytest.approx(got)  # resamples taken a few at a time


def test_the_character_table_holds_u_alpha_on_the_compared_characters():
    units = pd.DataFrame({"interview_id": ["i1", "i1", "i2"], "start": [0, 60, 0], "end": [40, 100, 50]})
    spans = [("A", "i1", 10, 50, "care"), ("A", "i1", 62, 90, "care"), ("A", "i2", 0, 30, "care"),
             ("B", "i1", 20, 40, "care"), ("B", "i1", 60, 95, "care"), ("B", "i2", 5, 25, "care"),
             ("B", "i2", 20, 35, "care")]  # overlapping passages of one coder are one passage
    codings = pd.DataFrame(spans, columns=["rater", "interview_id", "start", "end", "code"])
    counts = count_characters(codings, {"A": {"i1", "i2"}, "B": {"i1", "i2"}}, units, ["care"])
    table = character_table(counts, n_boot=200).set_index("code")
    # the compared characters of each interview are one continuum: i1's 0-40 then 60-100 (40-50 is not compared)
    i1 = [_mask(80, [(10, 40), (42, 70)]), _mask(80, [(20, 40), (40, 75)])]
    i2 = [_mask(50, [(0, 30)]), _mask(50, [(5, 35)])]
    assert table.loc["care", "alpha_u"] == pytest.approx(unitizing_alpha([i1, i2]))
    assert np.isnan(table.loc["care", "alpha_u_lo"])  # two interviews: too few for an interval
    assert table.loc[OVERALL, "alpha_u"] == pytest.approx(unitizing_alpha([i1, i2]))  # one code: the same
    each = character_table_by_interview(counts).set_index("interview_id")
    assert each.loc["i1", "alpha_u"] == pytest.approx(unitizing_alpha([i1]))
    assert each.loc["i2", "alpha_u"] == pytest.approx(unitizing_alpha([i2]))


def test_u_alpha_of_all_coders_at_once_is_krippendorffs_for_m_raters():
    # three coders and a machine on random passages of six interviews; the third coder left
    # one interview out, so all-coder u-alpha is on the other five
    rng = np.random.default_rng(0)
    rows, masks, units = [], {}, []
    for i in range(6):
        units.append((f"i{i}", 0, 200))
        for rater in ("a", "b", "c", "m"):
            spans = [(int(s), int(s + rng.integers(5, 30))) for s in rng.integers(0, 170, size=3)]
            masks[rater, i] = _mask(200, spans)
            rows += [(rater, f"i{i}", s, e, "x") for s, e in spans]
    codings = pd.DataFrame(rows, columns=["rater", "interview_id", "start", "end", "code"])
    every = {f"i{i}" for i in range(6)}
    rated = {"a": every, "b": every, "c": every - {"i5"}, "m": every}
    table = group_unitizing_table(codings, rated, pd.DataFrame(units, columns=["interview_id", "start", "end"]),
                                  ["x"], machines=["m"], n_boot=200).set_index(["raters", "code"])
    for raters, name in (("abc", "coders"), ("abcm", "coders + m")):
        expected = unitizing_alpha([[masks[r, i] for r in raters] for i in range(5)])
        assert table.loc[(name, "x"), "alpha_u"] == pytest.approx(expected)
        assert table.loc[(name, OVERALL), "alpha_u"] == pytest.approx(expected)  # one code: the same
        assert table.loc[(name, "x"), "alpha_u_lo"] <= expected <= table.loc[(name, "x"), "alpha_u_hi"]
    assert (table.n_interviews == 5).all() and (table.loc[("coders", "x"), "n_characters"] == 1000)
    # one coder, or no interview every coder coded: no rows
    assert group_unitizing_table(codings, {"a": rated["a"], "m": rated["m"]}, pd.DataFrame(units, columns=[
        "interview_id", "start", "end"]), ["x"], machines=["m"]).empty
    assert group_unitizing_table(codings, {"a": {"i0"}, "b": {"i1"}}, pd.DataFrame(units, columns=[
        "interview_id", "start", "end"]), ["x"]).empty


def test_a_passage_ends_with_its_turn_but_a_gap_runs_on():
    # three answers (40, 30 and 50 characters; the questions between are not compared): a coder
    # who coded all three and one who left out the middle one part on the middle one alone
    pieces = np.repeat([0, 1, 2], [40, 30, 50])
    every, outer = _mask(120, [(0, 120)]), _mask(120, [(0, 40), (70, 120)])
    assert observed_sum(every, outer, pieces) == 30 ** 2
    assert observed_sum(every, outer) == (30 + 50) ** 2 + (40 + 30) ** 2  # were the three answers one passage
    # the uncoded text either side of a question is one gap, as it would be with the question in it
    starts, ends, coded = sections(_mask(120, [(0, 40)]), pieces)
    assert (starts.tolist(), ends.tolist(), coded.tolist()) == ([0, 40], [40, 120], [True, False])
    # a code given to most of 20 answers, each coder leaving out one other: alpha on the answers
    # is 0.79; u-alpha with the turns close to it, without them below 0
    turns = np.arange(20)
    a, b = (turns < 14) & (turns != 3), (turns < 14) & (turns != 9)
    assert krippendorff.alpha(reliability_data=np.vstack([a, b]).astype(int),
                              level_of_measurement="nominal") == pytest.approx(0.786, abs=1e-3)
    lengths = np.random.default_rng(0).integers(20, 120, size=20)
    masks, pieces = [np.repeat(a, lengths), np.repeat(b, lengths)], np.repeat(turns, lengths)
    assert unitizing_alpha([masks], [pieces]) == pytest.approx(0.886, abs=1e-3)
    assert unitizing_alpha([masks]) < 0


def test_the_character_tables_keep_each_passage_within_its_turn():
    # answers at 0-40, 60-90 and 110-160, questions between (not compared); A's one coding sweeps
    # over all three, B coded the first and the last answer
    units = pd.DataFrame({"interview_id": ["i1"] * 3, "start": [0, 60, 110], "end": [40, 90, 160]})
    codings = pd.DataFrame([("A", "i1", 0, 160, "care"), ("B", "i1", 0, 40, "care"), ("B", "i1", 110, 160, "care")],
                           columns=["rater", "interview_id", "start", "end", "code"])
    rated, turns = {"A": {"i1"}, "B": {"i1"}}, {"i1": [0, 40, 60, 90, 110]}
    masks, pieces = [_mask(120, [(0, 120)]), _mask(120, [(0, 40), (70, 120)])], np.repeat([1, 3, 5], [40, 30, 50])
    apart = count_characters(codings, rated, units, ["care"], turns=turns)
    together = count_characters(codings, rated, units, ["care"])
    assert character_table(apart, n_boot=0).alpha_u[0] == pytest.approx(unitizing_alpha([masks], [pieces]))
    assert character_table(together, n_boot=0).alpha_u[0] == pytest.approx(unitizing_alpha([masks]))
    # they part on the middle answer alone (both orders of the pair), not as were A's coding one passage
    assert apart.observed[("A", "B", "human vs human")][0, 0] == 2 * 30 ** 2
    assert together.observed[("A", "B", "human vs human")][0, 0] == 2 * (80 ** 2 + 70 ** 2)
    assert character_table_by_interview(apart).alpha_u[0] == pytest.approx(unitizing_alpha([masks], [pieces]))
    group = group_unitizing_table(codings, rated, units, ["care"], n_boot=0, turns=turns)
    assert group.alpha_u[0] == pytest.approx(unitizing_alpha([masks], [pieces]))


def test_u_alpha_of_annomis_ten_annotators_is_read_like_their_alpha_on_utterances(annomi_full):
    # AnnoMI's seven transcripts that all ten annotators coded, utterance by utterance: every client
    # utterance is neutral, change or sustain talk, so most are neutral, one after another
    from dataclasses import replace

    from tr_nlp.coding import coded_data
    from tr_nlp.coding.evaluate import character_agreement
    from tr_nlp.ingest import ReadOptions, TableMapping, load_corpus

    corpus = load_corpus([annomi_full], ReadOptions(table=TableMapping.preset("annomi")))
    every = {"7", "27", "55", "56", "66", "109", "130"}
    corpus = replace(corpus, interviews=[iv for iv in corpus.interviews if iv.id in every],
                     codings=[c for c in corpus.codings if c.interview_id in every])
    data = coded_data(corpus, Segmenter(unit="turn"))
    assert data.turn_starts == {iv.id: tuple(t.start for t in iv.turns) for iv in corpus.interviews}
    _, _, group = character_agreement(data, data.target, n_boot=0)
    alpha = group[group.raters == "coders"].set_index("code")
    assert (alpha.n_raters == 10).all() and (alpha.n_interviews == 7).all()
    # each utterance a passage of its own: u-alpha near alpha on the utterances (0.42, 0.54, 0.53)
    assert alpha.alpha_u.round(2).to_dict() == {"neutral": 0.73, "change": 0.74, "sustain": 0.53,
                                                OVERALL: 0.68}
    # the client talk type as one variable, as AnnoMI's annotators chose it: one of the three per utterance
    from tr_nlp.agreement import group_alpha_table

    segments = group_alpha_table(data.humans, data.interview_of, data.codes, n_boot=0,
                                 exclusive=[[data.codes[j] for j in g] for g in data.exclusive])
    talk = segments.set_index("code").loc["one of neutral / change / sustain"]
    kinds = np.stack([h.to_numpy() @ [1, 2, 3] - 1 for h in data.humans.values()])  # 0, 1, 2; NaN: not rated
    assert talk.n_raters == 10 and talk.alpha == pytest.approx(
        krippendorff.alpha(reliability_data=kinds, level_of_measurement="nominal"))
    assert round(talk.alpha, 3) == 0.467  # their Fleiss kappa in benchmarks/annomi.py; per code 0.42, 0.50, 0.50
    # one neutral utterance after another, as one passage of each coder, fell below 0
    _, _, merged = character_agreement(replace(data, turn_starts={}), data.target, n_boot=0)
    assert merged.set_index(["raters", "code"]).alpha_u[("coders", "neutral")] < 0
