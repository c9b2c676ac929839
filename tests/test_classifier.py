import numpy as np
import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from tr_nlp.coding.classifier import CodeClassifier, choose_threshold, make_theme_classifier, parse_objective
from tr_nlp.errors import ConfigError


# Multi-label predictions use per-code thresholds chosen for an objective (f1, kappa,
# recall), deliberately not argmax of predict_proba at 0.5: the one check that assumes it.
EXPECTED_FAILED = {"check_classifier_multioutput": "predict applies tuned per-code thresholds, not 0.5"}


@parametrize_with_checks([CodeClassifier(inner_folds=2)], expected_failed_checks=lambda est: EXPECTED_FAILED)
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)


def test_choose_threshold_objectives():
    proba = np.array([0.9, 0.8, 0.7, 0.6, 0.4, 0.3, 0.2, 0.1])
    y = np.array([1, 1, 0, 1, 0, 0, 1, 0])
    # cut below 0.6 (3 tp, 1 fp, 1 fn), placed halfway to the next score, 0.4
    assert choose_threshold(proba, y, "f1") == pytest.approx(0.5)
    assert choose_threshold(proba, y, "recall:1.0") == pytest.approx(0.15)
    assert choose_threshold(proba, y, "recall:0.75") == pytest.approx(0.5)
    assert choose_threshold(proba, np.zeros(8), "f1") == 1.0


def test_parse_objective():
    assert parse_objective("recall:0.95") == ("recall", 0.95)
    for bad in ("recall", "recall:2", "accuracy"):
        with pytest.raises(ConfigError):
            parse_objective(bad)


def _toy(n=120, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 5))
    Y = np.c_[(X[:, 0] > 0.5), (X[:, 1] + X[:, 2] > 0.8), np.zeros(n)].astype(int)
    return X, Y, np.repeat(np.arange(n // 6), 6)


def test_multilabel_with_groups_thresholds_and_calibration():
    X, Y, groups = _toy()
    clf = CodeClassifier(inner_folds=4).fit(X, Y, groups=groups)
    proba = clf.predict_proba(X)
    assert proba.shape == (120, 3) and ((0 <= proba) & (proba <= 1)).all()
    assert (clf.predict(X)[:, :2] == Y[:, :2]).mean() > 0.85
    assert clf.thresholds_[2] == 1.0 and (clf.predict(X)[:, 2] == 0).all()  # never-seen code
    # out-of-fold probabilities are calibrated: mean close to prevalence
    assert abs(clf.oof_proba_[:, 0].mean() - Y[:, 0].mean()) < 0.05


def test_a_single_code_matrix_is_one_code_not_two_classes():
    X, Y, groups = _toy()
    clf = CodeClassifier(inner_folds=3).fit(X, Y[:, :1], groups=groups)
    assert clf.multilabel_ and clf.classes_.tolist() == [0]
    assert clf.predict_proba(X).shape == clf.predict(X).shape == (len(X), 1)
    assert 0 < clf.thresholds_[0] < 1 and (clf.predict(X)[:, 0] == Y[:, 0]).mean() > 0.8


def test_recall_objective_finds_the_share_asked_for():
    X, Y, groups = _toy(600, seed=3)
    clf = CodeClassifier(objective="recall:0.95").fit(X, Y, groups=groups)
    oof = clf.oof_proba_[:, 1] >= clf.thresholds_[1]
    assert oof[Y[:, 1] == 1].mean() >= 0.95


def test_exclusive_group_is_multiclass():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(90, 3))
    y = np.array(["change", "neutral", "sustain"])[X.argmax(axis=1)]
    clf = CodeClassifier().fit(X, y)
    assert set(clf.predict(X)) <= {"change", "neutral", "sustain"}
    proba = clf.predict_proba(X)
    assert proba.shape == (90, 3) and np.allclose(proba.sum(axis=1), 1)
    assert (clf.predict(X) == clf.model_.predict(X)).all()  # the most probable is the SVM's own pick
    assert clf.model_.C in clf.exclusive_Cs and (clf.predict(X) == y).mean() > 0.8


def test_text_pipeline_tfidf():
    texts = ["she listened to me", "he drove me there on his day off", "the weather was fine",
             "she really listened", "he came on a saturday", "we talked about football"] * 5
    Y = np.array([[1, 0], [0, 1], [0, 0], [1, 0], [0, 1], [0, 0]] * 5)
    pipe = make_theme_classifier("tfidf", inner_folds=3)
    pipe.fit(texts, Y, head__groups=np.arange(30) // 3)
    assert pipe.predict(["she listened so well"])[0].tolist() == [1, 0]


def test_exclusive_groups_inside_multilabel():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(300, 4))
    kind = X[:, :3].argmax(axis=1)  # codes 0-2 exclusive: exactly one (or none when weak)
    weak = X[:, :3].max(axis=1) < 0.3
    Y = np.zeros((300, 4), dtype=int)
    Y[~weak, kind[~weak]] = 1
    Y[:, 3] = X[:, 3] > 0.5  # an independent code
    clf = CodeClassifier(exclusive=((0, 1, 2),)).fit(X, Y, groups=np.arange(300) // 10)
    predicted = clf.predict(X)
    assert predicted[:, :3].sum(axis=1).max() <= 1  # never two codes of the group
    assert (predicted[:, :3] == Y[:, :3]).all(axis=1).mean() > 0.8
    assert (predicted[:, 3] == Y[:, 3]).mean() > 0.85
    proba = clf.predict_proba(X)
    assert (proba[:, :3].sum(axis=1) <= 1 + 1e-9).all()
    # decisions from probabilities alone pick the group model's own winner
    group_model = clf.group_models_[0]
    winner = group_model.predict(X)
    for j in range(3):
        assert (clf.decide(proba)[:, j] == (winner == j)).all()


def test_an_exclusive_group_s_probabilities_match_its_codes_shares_and_decide_as_before():
    # most segments carry code 0; class-balanced training leans toward the rare codes, which
    # the group's option shift corrects on new segments without changing a single decision
    def draw(n, seed):
        rng = np.random.default_rng(seed)
        option = rng.choice(4, size=n, p=[0.1, 0.6, 0.2, 0.1])  # none, then codes 0-2
        Y = np.zeros((n, 3), dtype=int)
        Y[option > 0, option[option > 0] - 1] = 1
        return rng.normal(size=(n, 3)) + 0.8 * Y, Y

    X, Y = draw(1200, 0)
    clf = CodeClassifier(exclusive=((0, 1, 2),)).fit(X, Y, groups=np.arange(1200) // 20)
    new, truth = draw(3000, 1)
    shifted = clf.predict_proba(new, groups=np.arange(3000) // 20)
    fitted, clf.group_biases_ = clf.group_biases_, [None]  # as a model saved before the shift
    plain = clf.predict_proba(new, groups=np.arange(3000) // 20)
    assert (clf.decide(plain) == clf.predict(new, groups=np.arange(3000) // 20)).all()
    before = clf.decide(plain)
    clf.group_biases_ = fitted
    assert (clf.decide(shifted) == before).all()
    share = truth.mean(axis=0)
    assert np.abs(shifted.mean(axis=0) - share).max() < 0.05
    assert np.abs(plain.mean(axis=0) - share)[[0, 2]].min() > 0.07  # code 0 too rare, code 2 too common
    assert ((shifted - truth) ** 2).sum(axis=1).mean() < ((plain - truth) ** 2).sum(axis=1).mean()


def test_finetuned_classifier_learns_a_tiny_task():
    import pandas as pd

    from tr_nlp.coding.finetune import FineTunedClassifier

    texts = ["she really listened to me", "he drove me to the hospital himself",
             "she listened without judging", "he came round on his day off"] * 4
    y = ["care", "extra", "care", "extra"] * 4
    clf = FineTunedClassifier(epochs=3, batch_size=4, lr=5e-5, head_lr=5e-3).fit(texts, y)
    assert (clf.predict(texts) == np.array(y)).mean() >= 0.75
    frame = pd.DataFrame({"text": texts, "prev_text": ["What helped?"] * 16})
    proba = FineTunedClassifier(epochs=1, batch_size=8).fit(frame, np.eye(2)[[0, 1] * 8]).predict_proba(frame)
    assert proba.shape == (16, 2) and ((0 <= proba) & (proba <= 1)).all()


def test_length_batches_cover_every_row_once_and_group_similar_lengths():
    from tr_nlp.coding.finetune import length_batches

    rng = np.random.default_rng(0)
    lengths = rng.integers(5, 500, size=1000)
    batches = length_batches(lengths, 16, np.random.default_rng(1), pool=10)
    rows = np.concatenate(batches)
    assert sorted(rows.tolist()) == list(range(1000)) and max(len(b) for b in batches) == 16
    spread = np.mean([np.ptp(lengths[b]) for b in batches])
    shuffled = np.random.default_rng(1).permutation(1000)
    random_spread = np.mean([np.ptp(lengths[shuffled[i:i + 16]]) for i in range(0, 1000, 16)])
    assert spread < random_spread / 4  # far less padding per batch
    # the order of training stays random: batches are not sorted by length overall
    means = [lengths[b].mean() for b in batches]
    assert not (np.all(np.diff(means) >= 0) or np.all(np.diff(means) <= 0))
    # a different seed gives other batches
    assert [b.tolist() for b in length_batches(lengths, 16, np.random.default_rng(2), pool=10)] != \
        [b.tolist() for b in batches]


def test_blended_classifier_averages_and_rethresholds_on_the_held_out_interviews():
    import pandas as pd

    from tr_nlp.coding.blend import BlendedClassifier
    from tr_nlp.coding.finetune import FineTunedClassifier

    answers = [("she really listened to me", 0), ("he drove me to the hospital himself", 1),
               ("the bus was late again", None), ("she listened without judging me", 0),
               ("he came round on his day off", 1), ("I had toast for breakfast", None)]
    rows, Y, groups = [], [], []
    for interview in range(8):
        for k, (text, code) in enumerate(answers):
            rows.append({"text": text, "prev_text": "What helped?", "prev2_text": "", "next_text": "Mm.",
                         "next2_text": "", "role": "participant", "position": k / 6, "prev_same_speaker": 0.0})
            Y.append([code == 0, code == 1, k % 3 == 0])  # codes 0 and 1 exclude each other
            groups.append(f"i{interview}")
    frame, Y = pd.DataFrame(rows), np.array(Y, dtype=int)
    linear = make_theme_classifier("tfidf", context=True, exclusive=((0, 1),))
    blend = BlendedClassifier(linear, FineTunedClassifier(epochs=1, batch_size=8, exclusive=((0, 1),)))
    blend.fit(frame, Y, groups=np.array(groups))
    tuned, head = blend.finetuned_, blend.linear_.named_steps["head"]
    proba = blend.predict_proba(frame)
    np.testing.assert_allclose(proba, (tuned.predict_proba(frame) + blend.linear_.predict_proba(frame)) / 2)
    # code 2's threshold is chosen on the blend of the interviews held out of fine-tuning
    held = tuned.validation_rows_
    assert len(set(np.array(groups)[held])) == 2 and not set(np.array(groups)[held]) & set(
        np.delete(np.array(groups), held))
    mixed = (tuned.validation_proba_[:, 2] + head.oof_proba_[held, 2]) / 2
    assert blend.thresholds_[2] == choose_threshold(mixed, Y[held, 2])
    predicted = blend.predict(frame)
    np.testing.assert_array_equal(predicted, blend.decide(proba))
    np.testing.assert_array_equal(predicted[:, 2], proba[:, 2] >= blend.thresholds_[2])
    assert predicted[:, :2].sum(axis=1).max() <= 1 and (predicted[:, :2] == Y[:, :2]).all()
    with pytest.raises(ValueError, match="2 thresholds for 3 codes"):
        BlendedClassifier.from_parts(blend.linear_, tuned, 0.5, [0.5, 0.5])


def test_finetuned_inputs_pair_the_segment_with_the_turns_around_it():
    import pandas as pd

    from tr_nlp.coding.finetune import _pairs

    frame = pd.DataFrame({"text": ["yes", "maybe"], "prev_text": ["Any plans?", ""], "next_text": ["Good.", "Okay."]})
    assert _pairs(frame) == (["yes", "maybe"], ["Any plans?", ""])
    assert _pairs(frame, "[SEP]") == (["yes", "maybe"], ["Any plans? [SEP] Good.", "Okay."])
    assert _pairs(["just text"], "[SEP]") == (["just text"], None)


def test_fine_tuned_decisions_keep_one_code_of_an_exclusive_group():
    # above threshold, a group's codes give way to its most probable one; other codes stand alone
    from tr_nlp.coding.finetune import FineTunedClassifier

    clf = FineTunedClassifier(exclusive=((0, 1),))
    clf.multilabel_, clf.classes_, clf.thresholds_ = True, np.arange(3), np.array([0.5, 0.5, 0.4])
    proba = np.array([[0.7, 0.9, 0.1],   # both of the group above: the likelier wins
                      [0.6, 0.2, 0.5],   # one above: it stays; the free code too
                      [0.3, 0.4, 0.3]])  # none above: none, even if one of them is the likelier
    np.testing.assert_array_equal(clf.decide(proba), [[0, 1, 0], [1, 0, 1], [0, 0, 0]])
    clf.multilabel_, clf.classes_ = False, np.array(["a", "b", "c"])
    assert clf.decide(proba).tolist() == ["b", "a", "b"]  # single-label: the most probable class
