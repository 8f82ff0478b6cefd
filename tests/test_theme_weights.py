"""The learned theme weights (nps_toolkit/_theme_weights.py): their arithmetic against scikit-learn's own
predictions, the check they make on the lexicon's themes, and the stored file against the labelled set."""

from __future__ import annotations

import csv
import json
from importlib import resources
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression

import nps_toolkit as nt
from nps_toolkit import comments as C
from nps_toolkit._theme_weights import ThemeWeights, checked, theme_weights

DATA = Path(__file__).parent / "data" / "comments_realistic"


def _toy_weights():
    """Weights of two themes fitted by scikit-learn on a few comments (words and a lemma per word), with the
    fitted models and the vectorizer, to compare with."""
    docs = [["parcel", "late", "L:parcel"], ["parcels", "late", "L:parcel"], ["price", "high", "L:price"],
            ["prices", "high", "L:price"], ["parcel", "price", "L:parcel", "L:price"], ["nice", "L:nice"]]
    labels = {"delivery": [1, 1, 0, 0, 1, 0], "price": [0, 0, 1, 1, 1, 0]}
    vec = CountVectorizer(analyzer=lambda d: d, binary=True).fit(docs)
    x = vec.transform(docs)
    models = {t: LogisticRegression(C=1.0).fit(x, y) for t, y in labels.items()}
    features = vec.get_feature_names_out().tolist()
    raw = {"themes": list(labels), "add_at": 0.7, "drop_below": 0.05,
           "intercept": [float(models[t].intercept_[0]) for t in labels],
           "weights": {f: [float(models[t].coef_[0][i]) for t in labels] for i, f in enumerate(features)},
           "lemmas": {"en": {"parcel": "L:parcel", "parcels": "L:parcel", "price": "L:price",
                             "prices": "L:price", "nice": "L:nice"}}}
    return ThemeWeights(raw), models, vec


@pytest.mark.parametrize("words", [["parcels", "late"], ["price", "prices", "high"], ["parcel", "parcels"],
                                   ["nice"], ["unknown"], []])
def test_probabilities_are_those_of_the_fitted_scikit_learn_models(words):
    weights, models, vec = _toy_weights()
    lemmas = {"parcel": "L:parcel", "parcels": "L:parcel", "price": "L:price", "prices": "L:price", "nice": "L:nice"}
    # the features as scikit-learn saw them: each known word and each lemma once
    features = sorted({w for w in words if w in vec.vocabulary_} | {lemmas[w] for w in words if w in lemmas})
    x = vec.transform([features])
    got = weights.probabilities(words, "en")
    for theme, model in models.items():
        assert got[theme] == pytest.approx(model.predict_proba(x)[0, 1], abs=1e-12)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.frozensets(st.integers(0, 9), max_size=6), max_size=8))
def test_scores_of_many_comments_at_once_equal_one_by_one(column_sets):
    weights, _, _ = _toy_weights()
    column_sets = [frozenset(i for i in s if i < len(weights.weights)) for s in column_sets]
    at_once = weights.scores_many(column_sets)
    assert len(at_once) == len(column_sets)
    for got, columns in zip(at_once, column_sets):
        assert got == pytest.approx(weights.scores_of(columns), abs=1e-12)


def test_a_weight_of_the_wrong_length_is_refused():
    weights, _, _ = _toy_weights()
    raw = {"themes": ["a", "b"], "add_at": 0.7, "drop_below": 0.05, "intercept": [0.0], "weights": {},
           "lemmas": {}}
    with pytest.raises(ValueError, match="one value per theme"):
        ThemeWeights(raw)
    with pytest.raises(ValueError, match="one value per theme"):
        ThemeWeights(raw | {"intercept": [0.0, 0.0], "weights": {"late": [1.0]}})
    assert weights.add_score == pytest.approx(np.log(0.7 / 0.3))


def _clause(kind, themes):
    return C._Clause(0, 1, kind, tuple(themes), 0, 0, False, False)


def test_the_check_drops_unlikely_themes_and_adds_likely_ones_to_one_sided_comments():
    w = theme_weights()
    low, high = w.drop_score - 1, w.add_score + 1
    middle = (w.drop_score + w.add_score) / 2
    scores = {t: middle for t in w.themes} | {"price": low, "delivery": high}
    row = tuple(scores[t] for t in w.themes)
    everything = frozenset(w.themes)
    clauses = [_clause("minus", ["price", "support"]), _clause("none", [])]
    out = checked(clauses, "minus", row, everything)
    assert [cl.themes for cl in out] == [("support", "delivery"), ()]  # price dropped; delivery to the opinion
    assert clauses[0].themes == ("price", "support")  # the clauses given are not changed
    # a mixed comment gains nothing (which kind would the theme take?), but still loses the unlikely theme
    mixed = [_clause("plus", ["price"]), _clause("minus", ["support"])]
    assert [cl.themes for cl in checked(mixed, "mixed", row, everything)] == [(), ("support",)]
    # themes outside the checked ones are left as the lexicon found them
    assert checked(clauses, "minus", row, frozenset({"support"})) == clauses


def test_the_stored_weights_cover_the_built_in_themes_and_every_tune_comment():
    raw = json.loads(resources.files("nps_toolkit").joinpath("data", "theme_weights.json").read_text("utf-8"))
    assert set(raw["themes"]) == set(C.DEFAULT_THEMES)
    assert 0 < raw["drop_below"] < 0.5 < raw["add_at"] < 1
    every_lemma = {lemma for table in raw["lemmas"].values() for lemma in table.values()}
    assert every_lemma <= set(raw["weights"])
    tune = 0
    for path in DATA.glob("*.csv"):
        with path.open(encoding="utf-8", newline="") as f:
            tune += sum(row["split"] == "tune" for row in csv.DictReader(f))
    # made from every tune comment (rerun scripts/make_theme_weights.py after adding labelled comments)
    assert raw["n_comments"] == tune


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


def test_a_lexicon_of_your_own_keeps_the_themes_it_touches_as_its_words_find_them():
    lexicon = {"themes": {"+delivery": {"en": ["kiosk"]}, "parking": {"en": ["parking"]}}}
    compiled = C._compiled_for(lexicon)
    assert "delivery" not in compiled["en"].checked and "parking" not in compiled["en"].checked
    assert "price" in compiled["en"].checked
    replaced = C._compiled_for({"mode": "replace", "themes": {"price": {"en": ["price"]}}})
    assert not replaced["en"].checked
    assert set(C._compiled_for(None)["en"].checked) == set(theme_weights().themes)


def test_clauses_and_the_table_agree_on_checked_themes():
    texts = ["Parcel sat in the depot for nine days and the tracking said nothing",
             "Love the app, but delivery takes forever", "Доставка норм, но цены кусаются"]
    table = nt.classify_comments(texts)
    clauses = nt.comment_clauses(texts)
    for i, themes in enumerate(table["themes"]):
        assert set(themes) == {t for ts in clauses.loc[clauses["comment"] == i, "themes"] for t in ts}
