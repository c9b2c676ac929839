"""Evidence for suggestions: a segment's score split over its words."""

import numpy as np
import pytest
from scipy import sparse

from tr_nlp.coding import ThemeModel, evidence, make_theme_classifier, suggest
from tr_nlp.coding.evidence import (
    embedding_parts,
    placed_parts,
    text_features,
    top_passages,
)
from tr_nlp.coding.suggest import code_weights
from tr_nlp.features import context_frame, embeddings
from tr_nlp.features.embeddings import alike_batches, encode_whole, load_encoder
from tr_nlp.passages import marked


def _weights(model):
    return np.column_stack(code_weights(model.linear.named_steps["head"]))


@pytest.fixture(scope="module")
def tfidf_model(demo_coded):
    _, data = demo_coded
    pipe = make_theme_classifier("tfidf")
    pipe.fit(data.texts, data.target.to_numpy(), head__groups=data.groups)
    return ThemeModel(pipe, data.codes, {})


def test_the_words_parts_add_up_to_the_score_of_the_texts_n_grams(tfidf_model):
    # with no punctuation, every word and character n-gram is read in a word: nothing is left over
    texts = ["she stayed late after her shift to sit with me", "nobody ever asked me what helped"]
    weights = _weights(tfidf_model)
    score = sparse.csr_matrix(tfidf_model.linear.named_steps["features"].transform(texts)) @ weights
    for text, (words, parts), expected in zip(texts, placed_parts(tfidf_model, texts, weights), score, strict=True):
        assert words.keys == text.split()
        np.testing.assert_allclose(parts.sum(axis=0), np.ravel(expected), rtol=1e-9, atol=1e-12)


def test_each_place_a_word_stands_keeps_its_own_part_as_written_with_its_apostrophe(tfidf_model):
    weights = _weights(tfidf_model)
    [(placed, each)] = placed_parts(tfidf_model, ["She didn\u2019t. She did, she LISTENED."], weights)
    assert placed.keys == ["she", "didn't", "she", "did", "she", "listened"] and placed.spans[2] == (12, 15)
    assert each.shape == (6, weights.shape[1])
    [(alone, part)] = placed_parts(tfidf_model, ["she"], weights)
    assert alone.keys == ["she"] and part.shape == (1, weights.shape[1])


def _passages(text, parts, **kwargs):
    parts = np.asarray(parts, dtype=float)
    return top_passages(text, evidence._words(text), parts if parts.ndim == 2 else parts[:, None], **kwargs)


def test_evidence_is_the_heaviest_run_of_words_within_a_sentence_as_written():
    text = "Honestly.  She stayed\nlate, after her shift. Nobody asked her to."
    # words: Honestly She stayed late after her shift Nobody asked her to
    parts = [3.0, 0.6, 1.0, 0.9, 0.2, 0.3, 0.9, 0.0, 0.0, 0.0, 0.0]
    # the first word weighs most alone, but "Honestly." ends a sentence: no passage reaches across it,
    # nor across the line break, and a word adding little (after) is kept between two adding much
    assert _passages(text, parts, top=1) == ["Honestly"]
    assert _passages(text, [0.0, *parts[1:]], top=1) == ["late, after her shift"]
    assert _passages(text.replace("\n", " "), [0.0, *parts[1:]], top=1) == ["She stayed late, after her shift"]
    # a passage never starts or ends with a word that lowers the score; none at all when no part is positive
    assert _passages("a b c d", [-0.1, 1.0, 1.0, -0.5]) == ["b c"]
    assert _passages("a b", [-1.0, 0.0]) == [""] and _passages("", np.zeros((0, 1))) == [""]


def test_a_second_passage_only_where_another_place_weighs_about_as_much():
    text = "She came round. I was low. He sat with me all night long."
    even = [1.0, 1.0, 0.5, 0, 0, 0, 0.9, 1.0, 0.6, 0.4, 0.2, 0.1, 0.2]
    assert _passages(text, even) == ["He sat with me; She came round"]
    assert _passages(text, even, top=1) == ["He sat with me"]
    # a lone word beside a long passage: it weighs over half as much (one word, no square root), but
    # adds under half as much to the score
    lone = [0, 0, 0, 0, 0, 1.5, 0.9, 0.9, 0.9, 0.9, 0.9, 0, 0]
    assert _passages(text, lone) == ["He sat with me all"]
    # one that weighs more comes first, and one just after it in the next sentence is apart from it
    assert _passages(text, [*lone[:5], 2.3, *lone[6:]]) == ["low; He sat with me all"]
    # the same words again, in another sentence, say nothing more (in any case, or with others around them)
    assert _passages("She listened. Then she listened.", [1.0, 1.0, 0.0, 0.9, 1.0]) == ["She listened"]
    assert _passages("She listened. Then he came.", [1.0, 1.0, 0.0, 0.9, 1.0]) == ["She listened; he came"]
    # another place is one a word apart (that word lowering the score)
    assert _passages("a b c d", [2.0, 0.0, -3.0, 1.5]) == ["a; d"]
    assert _passages("a b c d", [2.0, -3.0, 1.5, 0.0]) == ["a; c"]


def test_evidence_only_for_the_codes_asked():
    parts = np.array([[1.0, 2.0, 0.5], [0.0, 1.0, 0.5]])
    assert top_passages("yes indeed", evidence._words("yes indeed"), parts, codes=[1]) == ["", "yes indeed", ""]


def test_the_embedding_is_the_unit_mean_of_its_word_pieces():
    # what splitting the embedding's part over word pieces rests on (mean pooling, then unit length)
    texts = ["She sat with me.", "It was the way he listened, you know, really listened to me."]
    for chunk, output in alike_batches(load_encoder(), texts):
        for row in range(len(chunk)):
            tokens = output["token_embeddings"][row][output["attention_mask"][row].bool()].double().numpy()
            mean = tokens.mean(axis=0)
            np.testing.assert_allclose(mean / np.linalg.norm(mean), output["sentence_embedding"][row].numpy(),
                                       atol=1e-5)


def test_the_word_pieces_parts_add_up_to_the_embeddings_score_of_long_texts_too():
    rng = np.random.default_rng(0)
    weights = rng.normal(size=(384, 2))
    long = " ".join(["and she came back the next morning to see how I was doing"] * 30)  # two pieces
    texts = ["She sat with me.", long]
    embedded = encode_whole(load_encoder(), texts)
    for text, (spans, parts), vector in zip(texts, embedding_parts(texts, weights), embedded, strict=True):
        np.testing.assert_allclose(parts.sum(axis=0), vector @ weights, rtol=1e-4, atol=1e-5)
        pieces = [(s, e) for s, e in spans.tolist() if e > s]  # each word piece where it is in the text
        assert pieces == sorted(pieces) and pieces[-1][1] == len(text)
        assert all(text[s:e] == text[s:e].strip() != "" for s, e in pieces)
    spans, _ = embedding_parts([long], weights)[0]
    assert (spans[:, 0] == spans[:, 1]).sum() == 4  # [CLS] and [SEP] of each piece


def test_a_context_model_splits_only_the_segments_own_texts_part(demo_coded):
    corpus, data = demo_coded
    frame = context_frame(data.segments, corpus.by_id())
    pipe = make_theme_classifier("tfidf", context=True, inner_folds=2)
    pipe.fit(frame, data.target.to_numpy(), head__groups=data.groups)
    model = ThemeModel(pipe, data.codes, {"context": True})
    parts = text_features(model)
    assert parts.weight == 1.0 and parts.at[0] == 0 and parts.embedder is None
    texts = ["she stayed late after her shift"]
    alone = frame.iloc[:1].assign(text=texts[0], prev_text="", next_text="", prev2_text="", next2_text="")
    X = sparse.csr_matrix(pipe.named_steps["features"].transform(alone))
    own = X[:, :parts.at[2]] @ _weights(model)[:parts.at[2]]
    [(_, found)] = placed_parts(model, texts, _weights(model))
    np.testing.assert_allclose(found.sum(axis=0), np.asarray(own).ravel(), rtol=1e-9, atol=1e-12)


def test_suggestions_give_evidence_for_suggested_codes_only(tfidf_model, demo_coded):
    corpus, data = demo_coded
    rows = suggest(tfidf_model, data.segments[:60], corpus.by_id())
    assert (rows.loc[~rows.above_threshold, "evidence"] == "").all()
    suggested = rows[rows.above_threshold]
    assert len(suggested) and (suggested.evidence != "").all()
    for text, said in zip(suggested.text, suggested.evidence, strict=True):  # passages of the segment as written
        assert all(passage in " ".join(text.split()) for passage in said.split("; "))
        assert any(shown for _, shown in marked(text, said))


def test_suggesting_embeds_each_new_text_once(demo_coded, tmp_path, monkeypatch):
    # the evidence's part of the embedding comes from the pass that embeds the texts for scoring:
    # a second pass over the suggested segments cost a batch of new interviews three times its time
    corpus, data = demo_coded
    pipe = make_theme_classifier("embeddings", inner_folds=2)
    model = ThemeModel(pipe.fit(data.texts, data.target.to_numpy(), head__groups=data.groups), data.codes, {})
    segments = data.segments[:50]
    embedded = []
    real = embeddings.encode_whole

    def counted(encoder, texts, *args, **kwargs):
        embedded.extend(texts)
        return real(encoder, texts, *args, **kwargs)

    monkeypatch.setattr(embeddings, "encode_whole", counted)
    monkeypatch.setattr("tr_nlp.coding.evidence.encode_whole", counted)
    monkeypatch.setenv("TR_NLP_CACHE", str(tmp_path / "new"))  # nothing embedded before
    first = suggest(model, segments, corpus.by_id())
    distinct = {s.text for s in segments}
    assert sorted(embedded) == sorted(distinct)
    assert (first.above_threshold & (first.evidence != "")).sum() == first.above_threshold.sum() > 0
    embedded.clear()
    again = suggest(model, segments, corpus.by_id())  # read already, by this run or another worker's
    assert embedded == [] and again.equals(first)
    monkeypatch.setenv("TR_NLP_CACHE", str(tmp_path / "trained"))  # embedded by training, never read
    embeddings.embed_texts(list(distinct), embeddings.EmbeddingCache())
    embedded.clear()
    assert suggest(model, segments, corpus.by_id()).equals(first)
    assert sorted(embedded) == sorted(set(first.loc[first.above_threshold, "text"]))  # only those suggested


def test_a_model_of_features_tr_nlp_did_not_build_gets_suggestions_without_evidence(demo_coded):
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.pipeline import Pipeline

    from tr_nlp.coding import CodeClassifier

    corpus, data = demo_coded
    pipe = Pipeline([("features", CountVectorizer()), ("head", CodeClassifier(inner_folds=2))])
    pipe.fit(data.texts, data.target.to_numpy(), head__groups=data.groups)
    rows = suggest(ThemeModel(pipe, data.codes, {}), data.segments[:30], corpus.by_id())
    assert len(rows) == 30 * len(data.codes) and (rows.evidence == "").all()


def test_the_cache_keeps_readings_by_weights_beside_the_embeddings(tmp_path):
    cache = embeddings.EmbeddingCache(tmp_path)
    weights = np.random.default_rng(0).normal(size=(embeddings.DIMENSIONS, 2))
    texts = ["She listened, really listened.", "", "He drove me there."]
    read = embedding_parts(texts, weights, cache=cache)
    assert len(cache.get_parts([evidence._key(evidence._digest(weights), 16, t) for t in texts])) == 3
    for (spans, parts), (kept_spans, kept_parts) in zip(read, embedding_parts(texts, weights, cache=cache),
                                                        strict=True):
        assert np.array_equal(spans, kept_spans) and np.array_equal(parts, kept_parts)
        assert kept_spans.shape == (len(kept_parts), 2) and kept_parts.shape[1] == 2
    other = embedding_parts(texts[:1], weights[:, :1], cache=cache)[0][1]  # another model's weights
    np.testing.assert_allclose(other[:, 0], read[0][1][:, 0])
    assert other.shape[1] == 1
