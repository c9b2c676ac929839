import itertools

import numpy as np
import pytest

from tr_nlp.coding.chain import (
    apply_chain,
    choose_strength,
    decode,
    fit_recalibration,
    recalibrate,
    run_bounds,
    stretches,
    transition_matrix,
)
from tr_nlp.coding.classifier import CodeClassifier
from tr_nlp.coding.exclusive import exclusive_proba, softmax


def sticky_interviews(n_interviews: int = 24, length: int = 30, stay: float = 0.85, noise: float = 1.6,
                      seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Labels that persist from one segment to the next, features that show them only dimly."""
    rng = np.random.default_rng(seed)
    labels, groups = [], []
    for i in range(n_interviews):
        state = rng.integers(3)
        for _ in range(length):
            if rng.random() > stay:
                state = rng.integers(3)
            labels.append(state)
            groups.append(f"iv{i}")
    y = np.array(labels)
    X = np.eye(3)[y] + rng.normal(0, noise, (len(y), 3))
    return X, y, np.array(groups)


def test_runs_split_where_the_group_changes_even_if_it_comes_back():
    assert [b.tolist() for b in run_bounds(["a", "a", "b", "a"])] == [[0, 2, 3], [2, 1, 1]]
    assert [b.tolist() for b in run_bounds([])] == [[], []]


def test_runs_decoded_side_by_side_are_each_decoded_as_alone():
    rng = np.random.default_rng(4)
    lengths = [7, 1, 3, 12, 1, 3, 5]
    groups = np.repeat(["a", "b", "a", "c", "d", "c", "e"], lengths)  # a and c come back: new runs
    proba = rng.dirichlet(np.ones(3), len(groups))
    transitions = rng.dirichlet(np.ones(3) * 2, 3)
    prior = np.array([0.5, 0.3, 0.2])
    together = decode(proba, groups, transitions, prior, 0.75)
    start = 0
    for n in lengths:
        rows = slice(start, start + n)
        np.testing.assert_allclose(together[rows], decode(proba[rows], np.zeros(n), transitions, prior, 0.75))
        start += n
    assert not np.allclose(together, proba)


def test_transitions_are_counted_within_interviews_only():
    # the 0 -> 1 step crosses from interview a to b, so it is not a transition
    t = transition_matrix(np.array([0, 0, 1, 1]), ["a", "a", "b", "b"], 2)
    np.testing.assert_allclose(t, [[2 / 3, 1 / 3], [1 / 3, 2 / 3]])


def test_decode_matches_brute_force_over_every_path():
    rng = np.random.default_rng(1)
    proba = rng.dirichlet(np.ones(3), size=4)
    transitions = rng.dirichlet(np.ones(3), size=3)
    prior = np.array([0.5, 0.3, 0.2])
    strength = 0.6
    emission = proba / prior**strength
    transfer = transitions**strength
    marginal = np.zeros_like(proba)
    for path in itertools.product(range(3), repeat=4):
        weight = np.prod([emission[t, s] for t, s in enumerate(path)])
        weight *= np.prod([transfer[a, b] for a, b in itertools.pairwise(path)])
        for t, s in enumerate(path):
            marginal[t, s] += weight
    marginal /= marginal.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(decode(proba, np.zeros(4), transitions, prior, strength), marginal)


def test_strength_zero_changes_nothing_and_runs_are_decoded_apart():
    proba = np.array([[0.9, 0.1], [0.45, 0.55], [0.9, 0.1]])
    sticky = np.array([[0.9, 0.1], [0.1, 0.9]])
    prior = np.array([0.5, 0.5])
    assert decode(proba, [0, 0, 0], sticky, prior, 0.0) is proba
    together = decode(proba, [0, 0, 0], sticky, prior, 1.0)
    assert together.argmax(axis=1).tolist() == [0, 0, 0]  # the unsure middle joins its neighbours
    alone = decode(proba, [0, 1, 2], sticky, prior, 1.0)  # three interviews of one segment each
    np.testing.assert_allclose(alone, proba)


def test_inner_cv_chooses_a_strength_when_codes_persist_and_none_when_scores_are_already_right():
    X, y, groups = sticky_interviews()
    noisy = np.exp(2 * X) / np.exp(2 * X).sum(axis=1, keepdims=True)
    splits = [(np.nonzero(np.arange(len(y)) // 240 != k)[0], np.nonzero(np.arange(len(y)) // 240 == k)[0])
              for k in range(3)]

    def accuracy(decoded: np.ndarray) -> float:
        return float((decoded.argmax(axis=1) == y).mean())

    strength, decoded = choose_strength(noisy, y, groups, splits, accuracy)
    assert strength > 0 and accuracy(decoded) > accuracy(noisy)
    exact = np.eye(3)[y] * 0.98 + 0.01
    strength, decoded = choose_strength(exact, y, groups, splits, accuracy)
    assert strength == 0.0 and np.array_equal(decoded, exact)  # ties go to no decoding


def test_classifier_learns_the_chain_and_uses_it_only_when_given_interviews():
    X, y, groups = sticky_interviews(n_interviews=60)
    number = np.array([int(g[2:]) for g in groups])
    train, test = number < 40, number >= 40
    clf = CodeClassifier(inner_folds=3).fit(X[train], y[train], groups=groups[train])
    assert clf.chain_[2] > 0
    alone = clf.predict(X[test])
    chained = clf.predict(X[test], groups=groups[test])
    assert (chained == y[test]).mean() > (alone == y[test]).mean() + 0.1  # 0.49 -> 0.67
    np.testing.assert_allclose(clf.predict_proba(X[test], groups=groups[test]).sum(axis=1), 1)
    with pytest.raises(ValueError, match="groups has 3 entries"):
        clf.predict_proba(X[test], groups=groups[:3])
    # without interviews at fit time there is nothing to learn the transitions from
    assert CodeClassifier(inner_folds=3).fit(X[train], y[train]).chain_ is None
    assert CodeClassifier(inner_folds=3, chain_strengths=(0.0,)).fit(
        X[train], y[train], groups=groups[train]).chain_[2] == 0.0


def test_passages_read_apart_are_not_decoded_as_neighbours():
    # a team read every third segment: the rows kept are not neighbours, and the chain
    # must not count a transition between them
    X, y, groups = sticky_interviews(n_interviews=30)
    kept = np.arange(len(y)) % 3 == 0
    apart = stretches(groups, kept)
    assert len(np.unique(apart)) == kept.sum()  # every kept row a stretch of its own
    as_neighbours = CodeClassifier(inner_folds=3).fit(X[kept], y[kept], groups=groups[kept])
    assert not np.allclose(as_neighbours.chain_[0], 1 / 3)  # it learned transitions across the gaps
    read_apart = CodeClassifier(inner_folds=3).fit(X[kept], y[kept], groups=groups[kept], runs=apart)
    np.testing.assert_allclose(read_apart.chain_[0], 1 / 3)  # add-one counts alone: nothing follows anything
    # where blocks were read whole, each block is decoded along itself
    blocks = stretches(groups, (np.arange(len(y)) // 5) % 2 == 0)
    assert len(blocks) == kept.size // 2 and np.bincount(blocks).tolist() == [5] * (kept.size // 10)


def test_exclusive_group_and_independent_codes_each_get_their_chain():
    X, y, groups = sticky_interviews()
    rng = np.random.default_rng(3)
    scattered = (rng.random(len(y)) < 0.3).astype(int)  # a code that does not persist
    X = np.c_[X, scattered + rng.normal(0, 0.3, len(y))]
    Y = np.c_[y == 1, y == 2, y == 0, scattered].astype(int)  # codes 0 and 1 exclude each other
    clf = CodeClassifier(inner_folds=3, exclusive=((0, 1),)).fit(X, Y, groups=groups)
    assert clf.group_chains_[0][2] > 0
    assert clf.code_chains_[0] is None and clf.code_chains_[1] is None  # decided by the group
    assert clf.code_chains_[2][2] > 0  # a persistent independent code is decoded too
    alone, chained = clf.predict_proba(X), clf.predict_proba(X, groups=groups)
    assert not np.allclose(alone[:, :3], chained[:, :3])
    if clf.code_chains_[3][2] == 0:  # the inner CV may leave a code that does not persist alone
        np.testing.assert_array_equal(alone[:, 3], chained[:, 3])
    # the threshold of a decoded code is chosen on its decoded out-of-fold probabilities;
    # a bare predict, which decodes nothing, uses the one chosen on undecoded probabilities
    assert 0 < clf.thresholds_[2] < 1 and 0 < clf.alone_thresholds_[2] < 1
    assert clf.alone_thresholds_[2] != clf.thresholds_[2]
    np.testing.assert_array_equal(clf.predict(X)[:, 2], alone[:, 2] >= clf.alone_thresholds_[2])
    np.testing.assert_array_equal(clf.predict(X, groups=groups)[:, 2], chained[:, 2] >= clf.thresholds_[2])
    # a model saved before the chain existed has none of its attributes: scored as before
    for name in ("group_chains_", "code_chains_", "alone_thresholds_"):
        delattr(clf, name)
    np.testing.assert_array_equal(clf.predict_proba(X, groups=groups), alone)
    np.testing.assert_array_equal(clf.predict(X), clf.decide(alone))


def test_models_saved_with_separate_chain_attributes_decode_as_they_did():
    # before chains were one tuple, a model kept transitions, prior and strength apart
    X, y, groups = sticky_interviews()
    single = CodeClassifier(inner_folds=3).fit(X, y, groups=groups)
    transitions, prior, strength, *_ = single.chain_
    del single.chain_
    single.transitions_, single.option_prior_, single.chain_strength_ = transitions, prior, strength
    np.testing.assert_allclose(single.predict_proba(X, groups=groups),
                               decode(single.predict_proba(X), groups, transitions, prior, strength))
    Y = np.c_[y == 1, y == 2, y == 0].astype(int)
    grouped = CodeClassifier(inner_folds=3, exclusive=((0, 1),)).fit(X, Y, groups=groups)
    (transitions, prior, strength, *_), = grouped.group_chains_
    del grouped.group_chains_, grouped.group_biases_  # nor had it the later option shift
    grouped.group_transitions_, grouped.group_priors_, grouped.group_strengths_ = [transitions], [prior], [strength]
    model = grouped.group_models_[0]
    raw = exclusive_proba(model, grouped.group_temperatures_[0], X)
    expected = decode(raw, groups, transitions, prior, strength)
    for j in (0, 1):
        np.testing.assert_allclose(grouped.predict_proba(X, groups=groups)[:, j],
                                   expected[:, np.nonzero(model.classes_ == j)[0][0]])


def test_recalibration_undoes_overconfidence_and_keeps_the_winner_where_it_must():
    rng = np.random.default_rng(5)
    true = rng.dirichlet(np.ones(3), size=4000)
    index = np.array([rng.choice(3, p=p) for p in true])
    overconfident = softmax(3 * np.log(true))  # what double-counted evidence looks like
    scale, shift = fit_recalibration(overconfident, index, intercept=False)
    assert scale == pytest.approx(1 / 3, rel=0.1) and not shift.any()
    fixed = recalibrate(overconfident, scale, shift)
    assert np.array_equal(fixed.argmax(axis=1), overconfident.argmax(axis=1))
    np.testing.assert_allclose(fixed, true, atol=0.05)
    # two options decided at a threshold: the log-odds get a slope and an intercept
    coded = true[:, :1] / true[:, :2].sum(axis=1, keepdims=True)
    label = (rng.random(4000) < coded[:, 0]).astype(int)
    logit = np.log(coded / (1 - coded))
    shown = 1 / (1 + np.exp(-(2 * logit + 1)))  # too sure and too high
    scale, shift = fit_recalibration(np.c_[1 - shown, shown], label, intercept=True)
    assert scale == pytest.approx(0.5, rel=0.15) and shift[1] == pytest.approx(-0.5, abs=0.15)


def test_apply_chain_recalibrates_decoded_chains_and_reads_chains_saved_before_it():
    proba = np.array([[0.9, 0.1], [0.45, 0.55], [0.9, 0.1]])
    sticky, prior = np.array([[0.9, 0.1], [0.1, 0.9]]), np.array([0.5, 0.5])
    decoded = decode(proba, [0, 0, 0], sticky, prior, 1.0)
    np.testing.assert_allclose(apply_chain(proba, [0, 0, 0], (sticky, prior, 1.0)), decoded)  # an old model
    np.testing.assert_allclose(apply_chain(proba, [0, 0, 0], (sticky, prior, 1.0, 0.5, np.array([0.0, 0.2]))),
                               recalibrate(decoded, 0.5, np.array([0.0, 0.2])))
    assert apply_chain(proba, [0, 0, 0], (sticky, prior, 0.0, 0.5, np.zeros(2))) is proba  # nothing decoded


def test_decoded_probabilities_are_recalibrated_when_the_model_already_sees_the_neighbours():
    X, y, groups = sticky_interviews(n_interviews=140)
    # each segment's features show its neighbours too, so decoding counts their evidence twice
    X = np.c_[X, np.r_[X[:1], X[:-1]], np.r_[X[1:], X[-1:]]]
    number = np.array([int(g[2:]) for g in groups])
    train, test = number < 40, number >= 40
    Y = (y == 0).astype(int)[:, None]
    clf = CodeClassifier(inner_folds=3, chain_strengths=(1.0,)).fit(X[train], Y[train], groups=groups[train])
    chain = clf.code_chains_[0]
    assert chain[3] < 0.75  # the scale of the log-odds takes the excess confidence back (0.48)
    alone = clf.calibrators_[0].predict_proba(clf.models_[0].decision_function(X[test])[:, None])
    decoded = decode(alone, groups[test], *chain[:3])[:, 1]
    recalibrated = clf.predict_proba(X[test], groups=groups[test])[:, 0]

    def log_loss(p: np.ndarray) -> float:
        return float(-np.mean(np.where(Y[test, 0] == 1, np.log(p), np.log(1 - p))))

    assert log_loss(recalibrated) < log_loss(decoded) - 0.03  # 0.517 -> 0.447 on held-out interviews
