"""The learned theme, pair and kind weights (nps_toolkit/_theme_weights.py): their arithmetic against
scikit-learn's own predictions, the check they make on the lexicon's kinds, themes and (theme, kind) pairs,
and the stored file against the labelled set."""

from __future__ import annotations

import csv
import gzip
import json
from importlib import resources
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import sparse
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression

import nps_toolkit as nt
from nps_toolkit import comments as C
from nps_toolkit._theme_weights import ThemeWeights, char_ngrams, checked, theme_weights

DATA = Path(__file__).parent / "data" / "comments_realistic"
THRESHOLDS = {"theme_add_at": 0.8, "theme_drop_below": 0.05, "pair_add_at": 0.5, "pair_new_kind_at": 0.9,
              "pair_drop_below": 0.01, "pair_clause_at": 0.2, "kind_add_at": 0.8}
LEMMAS = {"parcel": "L:parcel", "parcels": "L:parcel", "price": "L:price", "prices": "L:price", "nice": "L:nice"}
COMMENTS = [["parcel", "late"], ["parcels", "late"], ["price", "high"], ["prices", "high"],
            ["parcel", "parcels", "price"], ["nice"], ["parcels", "cheap"], ["nice", "price", "low"]]
TARGETS = {"delivery": [1, 1, 0, 0, 1, 0, 1, 0], "delivery:minus": [1, 1, 0, 0, 1, 0, 0, 0],
           "price:plus": [0, 0, 0, 0, 0, 0, 1, 1], "plus": [0, 0, 0, 0, 0, 1, 1, 1]}


def _features(comments, word_vec=None, gram_vec=None, scale=0.5):
    """The matrix scikit-learn fits on, built as the script builds it: each distinct word of a comment and its
    lemma (counted once per word that brings it), and the character n-grams of its words (as often as they
    occur), scaled."""
    docs = [list(ws) + [LEMMAS[w] for w in ws if w in LEMMAS] for ws in comments]
    joined = [" ".join(sorted(ws)) for ws in comments]
    if word_vec is None:
        word_vec = CountVectorizer(analyzer=sorted, lowercase=False).fit(docs)
        gram_vec = CountVectorizer(analyzer="char_wb", ngram_range=(3, 4), min_df=2, lowercase=False).fit(joined)
    x = sparse.hstack([word_vec.transform(docs), scale * gram_vec.transform(joined)]).tocsr()
    return x, word_vec, gram_vec


def _toy_weights():
    """Weights of one theme, two pairs and one kind fitted by scikit-learn on a few comments, the fitted models
    and the vectorizers, to compare with."""
    x, word_vec, gram_vec = _features(COMMENTS)
    models = {name: LogisticRegression(C=1.0).fit(x, y) for name, y in TARGETS.items()}
    features = word_vec.get_feature_names_out().tolist() + ["G:" + g for g in gram_vec.get_feature_names_out()]
    scale = np.array([0.5 if f.startswith("G:") else 1.0 for f in features])
    raw = {"themes": ["delivery"], "pairs": ["delivery:minus", "price:plus"], "kinds": ["plus"],
           "thresholds": THRESHOLDS,
           "char_ngrams": {"min_n": 3, "max_n": 4},
           "intercept": [float(m.intercept_[0]) for m in models.values()],
           "weights": {f: [float(m.coef_[0][i] * scale[i]) for m in models.values()] for i, f in enumerate(features)},
           "lemmas": {"en": LEMMAS}}
    return ThemeWeights(raw), models, (word_vec, gram_vec)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="abcząłżxyабвёщ'-:)", min_size=1, max_size=12), st.integers(1, 4), st.integers(0, 3))
def test_character_ngrams_are_those_of_scikit_learn(word, low, more):
    analyzer = CountVectorizer(analyzer="char_wb", ngram_range=(low, low + more), lowercase=False).build_analyzer()
    assert char_ngrams(word, low, low + more) == analyzer(word)


@pytest.mark.parametrize("words", [["parcels", "late"], ["price", "prices", "high"], ["parcel", "parcels"],
                                   ["nice"], ["unknown"], ["parcelz", "lat"], []])
def test_probabilities_are_those_of_the_fitted_scikit_learn_models(words):
    weights, models, (word_vec, gram_vec) = _toy_weights()
    x, _, _ = _features([words], word_vec, gram_vec)  # unknown words and n-grams: left out, as by scikit-learn
    got = weights.probabilities(words, "en")
    assert list(got) == ["delivery", ("delivery", "minus"), ("price", "plus"), "plus"]
    for (name, model), p in zip(models.items(), got.values()):
        assert p == pytest.approx(model.predict_proba(x)[0, 1], abs=1e-12), name


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.frozensets(st.sampled_from(["parcel", "parcels", "late", "price", "nice", "zzz",
                                                          "cheap", "prices"]), max_size=5),
                          st.sampled_from(["en", "pl"])), max_size=8))
def test_scores_of_many_comments_at_once_equal_one_by_one(comments):
    weights, _, _ = _toy_weights()
    at_once, high = weights.scores_many(comments)
    assert len(at_once) == len(high) == len(comments)
    for got, hits, (words, language) in zip(at_once, high, comments):
        one = weights.scores(words, language)
        assert got == pytest.approx(one, abs=1e-12)
        assert [list(h) for h in hits] == [list(h) for h in weights.high(one)]


def test_a_weight_of_the_wrong_length_is_refused():
    weights, _, _ = _toy_weights()
    raw = {"themes": ["a"], "pairs": ["a:plus"], "thresholds": THRESHOLDS, "intercept": [0.0], "weights": {},
           "lemmas": {}}
    with pytest.raises(ValueError, match="one value per theme, pair and kind"):
        ThemeWeights(raw)
    with pytest.raises(ValueError, match="one value per theme, pair and kind"):
        ThemeWeights(raw | {"intercept": [0.0, 0.0], "weights": {"late": [1.0]}})
    with pytest.raises(ValueError, match=r"one value per theme, pair and kind \(3\)"):  # a kind has its own
        ThemeWeights(raw | {"kinds": ["minus"], "intercept": [0.0, 0.0], "weights": {"late": [1.0, 1.0]}})
    assert weights.add_score == pytest.approx(np.log(0.8 / 0.2))
    assert weights.pair_drop_score == pytest.approx(np.log(0.01 / 0.99))


def _clause(kind, themes, start=0):
    return C._Clause(start, start + 1, kind, tuple(themes), 0, 0, False, False)


def _scores(**set_to):
    """A row of scores for the stored weights: every theme and pair between its thresholds, every kind below
    its own (nothing happens), but for those given, by name ("price", "price:minus" or "minus") -> "low" or
    "high" (or "sure": a new kind)."""
    w = theme_weights()
    theme_middle = (w.drop_score + w.add_score) / 2
    pair_middle = (w.pair_drop_score + w.pair_add_score) / 2
    level = {"low": min(w.drop_score, w.pair_drop_score) - 1, "high": w.pair_add_score + 0.1,
             "sure": max(w.add_score, w.pair_new_kind_score, w.kind_add_score) + 1}
    row = [level[set_to[t]] if t in set_to else theme_middle for t in w.themes]
    row += [level[set_to[f"{t}:{k}"]] if f"{t}:{k}" in set_to else pair_middle for t, k in w.pairs]
    row += [level[set_to[k]] if k in set_to else w.kind_add_score - 1 for k in w.kinds]
    return tuple(row)


EVERY = frozenset(C.DEFAULT_THEMES)


def test_the_theme_check_drops_unlikely_themes_and_adds_likely_ones_to_comments_that_are_not_mixed():
    clauses = [_clause("minus", ["price", "support"]), _clause("none", [])]
    out = checked(clauses, _scores(price="low", delivery="sure"), EVERY)
    assert [cl.themes for cl in out] == [("support", "delivery"), ()]  # price dropped; delivery to the opinion
    assert clauses[0].themes == ("price", "support")  # the clauses given are not changed
    # a mixed comment gains no theme this way (which kind would it take?), but still loses the unlikely one
    mixed = [_clause("plus", ["price"]), _clause("minus", ["support"])]
    assert [cl.themes for cl in checked(mixed, _scores(price="low", delivery="sure"), EVERY)] == [(), ("support",)]
    # themes outside the checked ones are left as the lexicon found them
    assert checked(clauses, _scores(price="low", delivery="sure"), frozenset({"support"})) == clauses


def test_the_pair_check_drops_a_pair_from_the_clauses_of_its_kind_only():
    clauses = [_clause("plus", ["price"]), _clause("minus", ["price", "delivery"], start=5)]
    out = checked(clauses, _scores(**{"price:minus": "low"}), EVERY)
    assert [cl.themes for cl in out] == [("price",), ("delivery",)]


def test_the_pair_check_adds_a_likely_pair_to_the_clause_of_its_kind_that_its_words_say():
    clauses = [_clause("plus", ["usability"]), _clause("minus", ["quality"], start=5),
               _clause("plus", [], start=10)]
    row = _scores(**{"delivery:plus": "high"})
    by_clause = {0: _scores(), 1: _scores(**{"delivery:plus": "high"}), 2: _scores(**{"delivery:plus": "high"})}
    by_clause[2] = tuple(s + 1 for s in by_clause[2])  # the third clause's words say it most
    out = checked(clauses, row, EVERY, by_clause.__getitem__)
    assert [cl.themes for cl in out] == [("usability",), ("quality",), ("delivery",)]
    # where the words of no clause of that kind say it, nothing is added
    quiet = {i: _scores() for i in range(3)}
    assert checked(clauses, row, EVERY, quiet.__getitem__) == clauses
    # a comment of one clause: its own words are the comment's
    one = [_clause("plus", [])]
    assert checked(one, row, EVERY)[0].themes == ("delivery",)


def test_a_sure_pair_of_a_kind_the_comment_lacks_gives_that_kind_to_a_clause_of_no_opinion():
    clauses = [_clause("plus", ["usability"]), _clause("none", [], start=5)]
    sure = _scores(**{"delivery:minus": "sure"})
    out = checked(clauses, sure, EVERY, lambda i: sure)
    assert [(cl.kind, cl.themes) for cl in out] == [("plus", ("usability",)), ("minus", ("delivery",))]
    # only likely, not sure: no clause of that kind, so nothing
    likely = _scores(**{"delivery:minus": "high"})
    assert checked(clauses, likely, EVERY, lambda i: likely) == clauses
    # sure, but no clause of no opinion to carry it: nothing
    opinions = [_clause("plus", ["usability"])]
    assert checked(opinions, sure, EVERY) == opinions


def test_the_kind_check_gives_a_comment_of_no_opinion_its_likeliest_kind():
    clauses = [_clause("none", ["delivery"]), _clause("none", [], start=5)]
    by_clause = {0: _scores(minus="sure"), 1: _scores()}  # the first clause's words say it
    out = checked(clauses, _scores(minus="sure"), EVERY, by_clause.__getitem__)
    assert [(cl.kind, cl.themes) for cl in out] == [("minus", ("delivery",)), ("none", ())]
    second = {0: _scores(), 1: _scores(minus="sure")}  # the second clause's words say it
    assert [cl.kind for cl in checked(clauses, _scores(minus="sure"), EVERY, second.__getitem__)] == ["none", "minus"]
    # not likely enough, a comment with an opinion of its own, or a lexicon of the user's own: nothing
    assert checked(clauses, _scores(minus="high"), EVERY, by_clause.__getitem__) == clauses
    opinion = [_clause("plus", ["delivery"]), _clause("none", [], start=5)]
    assert checked(opinion, _scores(minus="sure"), EVERY, by_clause.__getitem__) == opinion
    assert checked(clauses, _scores(minus="sure"), frozenset(), by_clause.__getitem__) == clauses


def test_the_kind_check_changes_the_comments_kind(monkeypatch):
    # weights whose kind model for complaints is sure of every comment: a comment of no opinion becomes a
    # complaint, one with an opinion of its own keeps it
    path = resources.files("nps_toolkit").joinpath("data", "theme_weights.json.gz")
    raw = json.loads(gzip.decompress(path.read_bytes()).decode("utf-8"))
    at = len(raw["themes"]) + len(raw["pairs"]) + raw["kinds"].index("minus")
    raw["intercept"][at] = 50.0
    sure = ThemeWeights(raw)
    monkeypatch.setattr("nps_toolkit._theme_weights.theme_weights", lambda: sure)
    monkeypatch.setattr("nps_toolkit.comments.theme_weights", lambda: sure)
    texts = ["The parcel is in Leeds.", "Great app"]
    assert [[cl.kind for cl in C._clauses(C._compiled(None)["en"], t, "en")[0]] for t in texts] == [["none"],
                                                                                                  ["plus"]]
    got = nt.classify_comments(texts, language="en")
    assert got["kind"].tolist() == ["minus", "plus"]
    assert nt.comment_clauses(texts, language="en")["kind"].tolist() == ["minus", "plus"]


def test_a_new_kind_changes_the_comments_kind():
    # "the parcel sat in the depot for nine days": a plain fact to the lexicon, a complaint about delivery
    text = "Parcel sat in the depot for nine days and the tracking said nothing"
    clauses, _ = C._clauses(C._compiled(None)["en"], text, "en")
    assert [cl.kind for cl in clauses] == ["none"]
    got = nt.classify_comments([text], language="en").iloc[0]
    assert got["kind"] == "minus" and got["theme_kinds"] == {"delivery": "minus"}


def test_the_stored_weights_cover_the_built_in_themes_and_every_tune_comment():
    path = resources.files("nps_toolkit").joinpath("data", "theme_weights.json.gz")
    raw = json.loads(gzip.decompress(path.read_bytes()).decode("utf-8"))
    assert raw["themes"] == list(C.DEFAULT_THEMES)
    pairs = [p.split(":") for p in raw["pairs"]]
    assert {t for t, _ in pairs} == set(C.DEFAULT_THEMES) and {k for _, k in pairs} == {"plus", "minus",
                                                                                       "suggestion"}
    assert raw["kinds"] == ["plus", "minus", "suggestion"]
    t = raw["thresholds"]
    assert 0 < t["theme_drop_below"] < 0.5 < t["theme_add_at"] < 1 and 0.5 < t["kind_add_at"] < 1
    assert 0 < t["pair_drop_below"] < t["pair_clause_at"] < t["pair_add_at"] < t["pair_new_kind_at"] < 1
    every_lemma = {lemma for table in raw["lemmas"].values() for lemma in table.values()}
    assert every_lemma <= set(raw["weights"])
    assert any(f.startswith("G:") for f in raw["weights"]) and raw["char_ngrams"]["min_n"] == 3
    tune, said = 0, {}
    for path in DATA.glob("*.csv"):
        with path.open(encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                if row["split"] == "tune":
                    tune += 1
                    for pair in filter(None, row["pairs"].split(";")):
                        said[pair] = said.get(pair, 0) + 1
    # made from every tune comment (rerun scripts/make_theme_weights.py after adding labelled comments), with a
    # model for every pair said often enough
    assert raw["n_comments"] == tune
    assert raw["pairs"] == [f"{t}:{k}" for t in C.DEFAULT_THEMES for k in ("plus", "minus", "suggestion")
                            if said.get(f"{t}:{k}", 0) >= raw["min_pair"]]


@pytest.mark.parametrize("text, lexicon_reads, checked_reads", [
    # the lexicon takes "size" for quality; the comment asks for a change to the site
    ("Please add measurements in cm to the size charts.", {"quality": "suggestion"}, {"usability": "suggestion"}),
    # "opcja" is a usability word; an export to CSV is a new feature
    ("Mogłaby być opcja eksportu do CSV.", {"usability": "suggestion"}, {"innovation": "suggestion"}),
])
def test_the_checked_themes_of_comments_from_the_labelled_set(text, lexicon_reads, checked_reads):
    language = "pl" if "ł" in text else "en"
    clauses, _ = C._clauses(C._compiled(None)[language], text, language)
    assert {t for cl in clauses for t in cl.themes} == set(lexicon_reads)
    got = nt.classify_comments([text], language=language)
    assert got["theme_kinds"][0] == checked_reads


def test_a_mixed_comment_keeps_each_theme_with_its_own_clause():
    got = nt.comment_clauses(["Love the app, but delivery takes forever", "Доставка норм, но цены кусаются"],
                             language=["en", "ru"])
    assert got[["kind", "themes"]].values.tolist() == [["plus", ["usability"]], ["minus", ["delivery"]],
                                                      ["plus", ["delivery"]], ["minus", ["price"]]]


def test_a_lexicon_of_your_own_keeps_the_themes_it_touches_as_its_words_find_them():
    lexicon = {"themes": {"+delivery": {"en": ["kiosk"]}, "parking": {"en": ["parking"]}}}
    compiled = C._compiled_for(lexicon)
    assert "delivery" not in compiled["en"].checked and "parking" not in compiled["en"].checked
    assert "price" in compiled["en"].checked
    replaced = C._compiled_for({"mode": "replace", "themes": {"price": {"en": ["price"]}}})
    assert not replaced["en"].checked
    assert set(C._compiled_for(None)["en"].checked) == set(theme_weights().themes)
    # a theme the user's lexicon touches is neither added nor dropped by the pair check either
    clauses = [_clause("minus", ["delivery"])]
    assert checked(clauses, _scores(**{"delivery:minus": "low", "price:minus": "high"}),
                   compiled["en"].checked)[0].themes == ("delivery", "price")


def test_clauses_and_the_table_agree_on_checked_themes():
    texts = ["Parcel sat in the depot for nine days and the tracking said nothing",
             "Love the app, but delivery takes forever", "Доставка норм, но цены кусаются"]
    table = nt.classify_comments(texts)
    clauses = nt.comment_clauses(texts)
    for i, themes in enumerate(table["themes"]):
        assert set(themes) == {t for ts in clauses.loc[clauses["comment"] == i, "themes"] for t in ts}
