"""Comments: kinds, themes and languages (against hand labels and the sample's generator labels), custom
lexicons, bad input, and theme_impact against hand computations and nt.compare."""

from __future__ import annotations

import importlib.util
import time

import numpy as np
import pandas as pd
import pytest

import nps_toolkit as nt
from nps_toolkit.comments import DEFAULT_THEMES, IMPACT_COLUMNS, classify_comments, default_lexicon, theme_impact


def _labels(value) -> set[str]:
    return {v for v in str(value).split(";") if v} if isinstance(value, str) else set()


@pytest.fixture(scope="module")
def labelled(data_dir_module) -> pd.DataFrame:
    data = pd.read_csv(data_dir_module / "comments_labelled.csv", keep_default_na=False, dtype=str)
    result = classify_comments(data["text"])
    data["pred_kind"] = result["kind"].to_numpy()
    data["pred_language"] = result["language"].to_numpy()
    data["pred_themes"] = [set(t) for t in result["themes"]]
    data["gold_themes"] = [_labels(t) for t in data["themes"]]
    return data


@pytest.fixture(scope="module")
def data_dir_module():
    from pathlib import Path

    return Path(__file__).parent / "data"


def _theme_recall_precision(gold, predicted, themes=None):
    tp = fp = fn = 0
    for g, p in zip(gold, predicted):
        if themes is not None:
            g, p = g & set(themes), p & set(themes)
        tp += len(g & p)
        fp += len(p - g)
        fn += len(g - p)
    return tp / (tp + fn), tp / (tp + fp)


# -- the labelled set ---------------------------------------------------------------------------------------------
def test_labelled_set_is_as_described(labelled):
    assert len(labelled) >= 300
    assert set(labelled["language"]) == {"en", "ru", "pl"}
    assert set(labelled["kind"]) == {"plus", "minus", "suggestion", "none"}
    assert set(labelled["split"]) == {"tune", "holdout"}
    assert 0.25 <= (labelled["split"] == "holdout").mean() <= 0.35
    assert labelled["id"].is_unique
    counts = labelled["kind"].value_counts()
    assert counts[["plus", "minus", "suggestion"]].min() >= 90  # balanced kinds
    mentioned = set().union(*labelled["gold_themes"])
    assert mentioned == set(DEFAULT_THEMES)
    for language in ("en", "ru", "pl"):
        assert (labelled["language"] == language).sum() >= 100


def test_holdout_kind_accuracy_and_theme_recall(labelled):
    holdout = labelled[labelled["split"] == "holdout"]
    assert (holdout["kind"] == holdout["pred_kind"]).mean() > 0.8
    recall, precision = _theme_recall_precision(holdout["gold_themes"], holdout["pred_themes"])
    assert recall > 0.7
    assert precision > 0.7


def test_whole_set_meets_the_goals(labelled):
    assert (labelled["kind"] == labelled["pred_kind"]).mean() >= 0.85
    recall, _ = _theme_recall_precision(labelled["gold_themes"], labelled["pred_themes"])
    assert recall >= 0.8
    for language in ("en", "ru", "pl"):
        part = labelled[labelled["language"] == language]
        assert (part["kind"] == part["pred_kind"]).mean() >= 0.8, language


def test_language_detection_on_the_labelled_set(labelled):
    opinion = labelled[labelled["kind"] != "none"]
    assert (opinion["language"] == opinion["pred_language"]).mean() >= 0.97


def test_sample_comments_against_the_generator_labels(data_dir_module):
    sample = nt.load_sample()
    labels = pd.read_csv(data_dir_module / "sample_comment_labels.csv", keep_default_na=False)
    merged = labels.merge(sample[["respondent_id", "comment"]], on="respondent_id", validate="1:1")
    result = classify_comments(merged["comment"])
    # the generator labels the kinds of a comment's sentences: the comment's kind follows by the documented rule
    kinds = [nt.comments.overall_kind(_labels(k)) for k in merged["kind"]]
    assert np.mean([p == g for p, g in zip(result["kind"], kinds)]) >= 0.8  # sentence labels, clause rule
    assert (result["language"].to_numpy() == merged["language"].to_numpy()).mean() >= 0.98
    themes = ("price", "quality", "support", "delivery", "usability")  # the generator's themes
    recall, precision = _theme_recall_precision([_labels(t) for t in merged["themes"]],
                                                [set(t) for t in result["themes"]], themes)
    assert recall >= 0.85
    assert precision >= 0.8


# -- the rules --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("text, language, kind", [
    ("Not bad at all.", "en", "plus"),
    ("Не плохо.", "ru", "plus"),
    ("Неплохо.", "ru", "plus"),
    ("Nie jest źle.", "pl", "plus"),
    ("Not good.", "en", "minus"),
    ("Не очень хорошо.", "ru", "minus"),
    ("The courier never arrived.", "en", "minus"),
    ("Поддержка не отвечает.", "ru", "minus"),
    ("Aplikacja nie działa.", "pl", "minus"),
    ("Претензий нет.", "ru", "plus"),
    ("Never had a single problem.", "en", "plus"),
    ("No tracking at all.", "en", "minus"),
    ("Niedrogo i solidnie.", "pl", "plus"),
    ("Very unhelpful staff.", "en", "minus"),
])
def test_negation(text, language, kind):
    assert classify_comments([text])["kind"].tolist() == [kind]
    assert classify_comments([text])["language"].tolist() == [language]


@pytest.mark.parametrize("text", [
    "It would be nice to pay by card.", "Please add more sizes.", "You should open on Sundays.",
    "Хотелось бы больше цветов.", "Было бы здорово получать уведомления.", "Добавьте оплату картой.",
    "Przydałoby się więcej kolorów.", "Proszę dodać płatność kartą.", "Warto by otworzyć sklep w niedziele.",
])
def test_suggestion_cues(text):
    assert classify_comments([text])["kind"].tolist() == ["suggestion"]


def test_mixed_comments_and_theme_kinds():
    table = classify_comments(["Fast delivery, but too expensive.", "Great app, please add a dark mode.",
                               "Too expensive, but the quality is worth it."])
    # praise and complaint: mixed; praise with a request: a suggestion
    assert table["kind"].tolist() == ["mixed", "suggestion", "mixed"]
    assert table["kinds"].tolist() == [("plus", "minus"), ("plus", "suggestion"), ("plus", "minus")]
    assert table["theme_kinds"][0] == {"delivery": "plus", "price": "minus"}
    assert table["themes"][0] == ["price", "delivery"]  # in the lexicon's order of themes


def test_inflection_is_matched_by_stems():
    texts = ["Цены высокие.", "Ценой недоволен.", "Доставку ждал неделю.", "Ceny są wysokie.",
             "Cenę podnieśli.", "Dostawą jestem zachwycony.", "Czekałam na dostawę."]
    themes = classify_comments(texts)["themes"].tolist()
    assert themes[:2] == [["price"], ["price"]] and "delivery" in themes[2]
    assert themes[3:5] == [["price"], ["price"]] and "delivery" in themes[5] and "delivery" in themes[6]


def test_polish_without_diacritics_and_language_detection():
    table = classify_comments(["Dostawa byla szybka, polecam", "Too expensive", "Слишком дорого", "Za drogo",
                               "!!!", "", "   "])
    assert table["language"].iloc[:4].tolist() == ["pl", "en", "ru", "pl"]
    assert table["language"].iloc[4:].isna().all()
    assert table["kind"].tolist() == ["plus", "minus", "minus", "minus", "none", "none", "none"]


def test_meaningless_and_missing_comments_are_none():
    table = classify_comments(["-", "No comment.", "n/a", "Нет комментариев", "Brak uwag", None, np.nan, pd.NA])
    assert table["kind"].tolist() == ["none"] * 8
    assert table["themes"].tolist() == [[]] * 8
    assert table["language"].iloc[5:].isna().all()


def test_index_is_kept_and_input_not_modified():
    texts = pd.Series(["Great price", None, "Zła obsługa"], index=["a", "b", "c"], name="comment")
    before = texts.copy()
    table = classify_comments(texts)
    assert list(table.index) == ["a", "b", "c"]
    assert list(table.columns) == ["language", "kind", "kinds", "themes", "theme_kinds", "intensity"]
    pd.testing.assert_series_equal(texts, before)
    assert table.attrs["themes"] == list(DEFAULT_THEMES)
    assert list(classify_comments(np.array(["ok", "bad"], dtype=object)).index) == [0, 1]


def test_given_language_single_and_per_row():
    assert classify_comments(["ok"], language="pl")["language"].tolist() == ["pl"]
    table = classify_comments(["Dobra cena", "Good price", "Хорошая цена"], language=["pl", None, "ru"])
    assert table["language"].tolist() == ["pl", "en", "ru"]
    # each read in its own language (the learned check adds quality to "Хорошая цена": good is often said of it)
    assert all("price" in themes for themes in table["themes"])


def test_unknown_language_lists_the_allowed_ones():
    with pytest.raises(ValueError, match=r"unknown language 'de'; allowed: 'en', 'ru', 'pl'"):
        classify_comments(["gut"], language="de")
    with pytest.raises(ValueError, match=r"'uk' \(position 1\)"):
        classify_comments(["a", "b"], language=["en", "uk"])
    with pytest.raises(ValueError, match="2 languages given for 3 comments"):
        classify_comments(["a", "b", "c"], language=["en", "ru"])


def test_non_text_comments_raise_naming_positions():
    with pytest.raises(TypeError, match=r"5 \(position 1\), b'bytes' \(position 3\)"):
        classify_comments(["fine", 5, None, b"bytes"])
    with pytest.raises(TypeError, match=r"True \(position 0\)"):
        classify_comments([True])
    with pytest.raises(TypeError, match="not a DataFrame"):
        classify_comments(pd.DataFrame({"a": ["x"]}))
    with pytest.raises(TypeError, match=r"for one comment pass \[text\]"):
        classify_comments("just one")


def test_ten_thousand_comments_are_fast():
    sample = nt.load_sample()["comment"].dropna().to_numpy(dtype=object)
    texts = [f"{t} #{i}" for i, t in enumerate(np.resize(sample, 10_000))]
    start = time.perf_counter()
    table = classify_comments(texts)
    assert time.perf_counter() - start < 5.0  # about 1 s on a laptop
    assert len(table) == 10_000


# -- lexicons ---------------------------------------------------------------------------------------------------
def test_default_lexicon_is_a_copy():
    lex = default_lexicon()
    assert list(lex["themes"]) == list(DEFAULT_THEMES)
    lex["themes"]["price"]["en"].append("zzz")
    assert "zzz" not in default_lexicon()["themes"]["price"]["en"]


def test_user_lexicon_adds_replaces_and_extends_themes(tmp_path):
    lexicon = {"themes": {"loyalty": {"en": ["loyalty card*", "points"], "ru": ["бонус*"]},
                          "app_crashes": ["crash*", "вылета*", "zawiesza*"],
                          "+delivery": {"pl": ["inpost"]}},
               "positive": {"en": ["stellar"]}}
    table = classify_comments(["Stellar loyalty card", "Приложение вылетает, бонусы сгорают", "Inpost szybko",
                               "The app crashes"], lexicon=lexicon)
    assert table["themes"].tolist() == [["loyalty"], ["price", "usability", "loyalty", "app_crashes"],
                                        ["delivery"], ["usability", "app_crashes"]]  # бонус* is also a price word
    assert table["kind"][0] == "plus"
    assert table.attrs["themes"] == list(DEFAULT_THEMES) + ["loyalty", "app_crashes"]

    path = tmp_path / "lexicon.yaml"
    path.write_text("mode: replace\nthemes:\n  money:\n    en: [price*, cost*]\n    ru: [цен*]\n", encoding="utf-8")
    table = classify_comments(["The price went up", "Цены выросли", "Delivery was late"], lexicon=str(path))
    assert table["themes"].tolist() == [["money"], ["money"], []]
    assert table.attrs["themes"] == ["money"]
    # a built-in name replaces the built-in words
    replaced = classify_comments(["Too expensive", "The price is fine"], lexicon={"themes": {"price": ["price*"]}})
    # (the learned check may add the built-in themes it is left, here quality, to the second)
    assert ["price" in themes for themes in replaced["themes"]] == [False, True]


@pytest.mark.parametrize("lexicon, message", [
    ({"themez": {}}, r"unknown key 'themez'; allowed: 'mode', 'themes'"),
    ({"mode": "merge"}, r"'mode' must be 'add' or 'replace'"),
    ({"themes": {"loyalty": {"de": ["treue"]}}}, r"'themes' -> 'loyalty': unknown language 'de'; allowed: 'en'"),
    ({"themes": {"loyalty": {"en": ["ok", 5]}}}, r"'themes' -> 'loyalty' -> 'en' -> 1 must be a non-empty text"),
    ({"themes": {"loyalty": {"en": ["*points"]}}}, r"'\*points': '\*' may only end a word"),
    ({"themes": {"loyalty": {"en": ["po*ints"]}}}, r"'\*' may only end a word"),
    ({"themes": {"loyalty": {"en": ["? points"]}}}, r"cannot start with '\?'"),
    ({"themes": {"loyalty": {"en": ["!two words"]}}}, r"an exception \('!'\) must be one word"),
    ({"themes": {"loyalty": {"en": ["10%"]}}}, r"'10%' in '10%' has no letters"),
    ({"themes": {"loyalty": []}}, r"theme 'loyalty' has no words"),
    ({"themes": {"loyalty": "points"}}, r"'themes' -> 'loyalty' must map languages"),
    ({"themes": {"+loyalty": ["points"]}}, r"theme '\+loyalty' extends 'loyalty', which is not a theme"),
    ({"positive": {"en": "great"}}, r"'positive' -> 'en' must be a list"),
    ({"mode": "replace"}, r"mode 'replace' needs at least one theme"),
    ({"stopwords": {"en": ["the"]}}, r"unknown key 'stopwords'"),
    ("not a lexicon", r"lexicon file 'not a lexicon' does not exist"),
])
def test_invalid_lexicon_errors_name_the_bad_entry(lexicon, message):
    error = FileNotFoundError if isinstance(lexicon, str) else ValueError
    with pytest.raises(error, match=message):
        classify_comments(["x"], lexicon=lexicon)


def test_invalid_lexicon_files(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("themes: [unclosed\n", encoding="utf-8")
    with pytest.raises(ValueError, match="is not valid YAML"):
        classify_comments(["x"], lexicon=broken)
    boolean = tmp_path / "boolean.yaml"
    boolean.write_text("negators:\n  pl: [nie, no]\n", encoding="utf-8")  # YAML reads no as false
    with pytest.raises(ValueError, match="put the word in quotes"):
        classify_comments(["x"], lexicon=boolean)
    with pytest.raises(TypeError, match="lexicon must be a dict or the path"):
        classify_comments(["x"], lexicon=42)


# -- theme_impact -----------------------------------------------------------------------------------------------
@pytest.fixture
def feedback() -> pd.DataFrame:
    return pd.DataFrame({
        "score": [2, 3, 4, 9, 10, 9, 8, 10, 6, 9, None, 7],
        "comment": ["Delivery was late again", "Доставка задержалась на неделю", "Kurier zgubił paczkę",
                    "Great quality", "Świetna jakość", None, "ok", "Love it", "Too expensive", "", "Slow delivery",
                    "Prices are fair but delivery is slow"],
    })


def test_theme_impact_against_hand_computations(feedback):
    table = theme_impact(feedback, themes=["delivery", "quality", "price"], owners={"delivery": "Logistics"})
    assert list(table.columns) == IMPACT_COLUMNS
    row = table.set_index("theme").loc["delivery"]
    scores = feedback["score"]
    mentions = np.array([True, True, True, False, False, False, False, False, False, False, True, True])
    keep = scores.notna().to_numpy()
    with_, without = scores[mentions & keep], scores[~mentions & keep]
    share = len(with_) / keep.sum()
    result = nt.compare(with_, without)
    assert row["mentions"] == 4 and row["share"] == pytest.approx(4 / 11)
    assert row["nps_with"] == pytest.approx(nt.nps(with_)) and row["nps_without"] == pytest.approx(nt.nps(without))
    # the impact is the overall NPS minus the NPS of those who don't mention the theme
    assert row["impact"] == pytest.approx(nt.nps(scores) - nt.nps(without))
    assert row["impact"] == pytest.approx(share * (nt.nps(with_) - nt.nps(without)))
    assert (row["impact_low"], row["impact_high"]) == pytest.approx((share * result.low, share * result.high))
    assert row["p_value"] == pytest.approx(result.p_value)
    assert row["owner"] == "Logistics" and table.set_index("theme")["owner"].isna().sum() == 2
    assert table.attrs["n"] == 11 and table.attrs["n_missing_score"] == 1 and table.attrs["n_commented"] == 9
    assert row["minus_share"] == pytest.approx(1.0)  # the four speak of delivery as a complaint


def test_theme_impact_priorities_and_options(feedback):
    table = theme_impact(feedback, themes=["price", "quality", "delivery"])
    assert table["theme"].tolist() == ["delivery", "price", "quality"]  # costs first, the larger first
    assert table["priority"].tolist() == [1, 2, 3]
    assert table["impact"].iloc[0] < table["impact"].iloc[1] < 0 < table["impact"].iloc[2]

    commented = theme_impact(feedback, themes=["delivery"], base="commented").iloc[0]
    assert commented["share"] == pytest.approx(4 / 9)  # of the 9 with a (non-blank) comment and a score
    complaints = theme_impact(feedback, themes=["price"], kind="minus").iloc[0]
    assert complaints["mentions"] == 1  # "Prices are fair" is praise, not a complaint
    everything = theme_impact(feedback)
    assert set(everything["theme"]) == set(DEFAULT_THEMES)
    nobody = everything.set_index("theme").loc["innovation"]
    assert nobody["mentions"] == 0 and np.isnan(nobody["impact"])
    assert nobody["priority"] > everything.loc[everything["impact"].notna(), "priority"].max()  # last


def test_theme_impact_language_column_and_lexicon(feedback):
    data = feedback.assign(lang=["en", "ru", "pl", "en", "pl", None, "en", "en", "en", "en", "en", "en"])
    table = theme_impact(data, themes=["delivery"], language="lang")
    assert table["mentions"].iloc[0] == 4
    custom = theme_impact(data, lexicon={"themes": {"love": ["love*"]}}, themes=["love"])
    assert custom["mentions"].iloc[0] == 1


def test_theme_impact_bad_input(feedback):
    with pytest.raises(KeyError, match="comments column 'text' is not in the data"):
        theme_impact(feedback, comments="text")
    with pytest.raises(ValueError, match="theme 'prices' is not a theme of the lexicon; themes: 'price'"):
        theme_impact(feedback, themes=["prices"])
    with pytest.raises(ValueError, match="owners names 'logistics', which is not a theme"):
        theme_impact(feedback, owners={"logistics": "Anna"})
    with pytest.raises(ValueError, match="unknown base 'everyone'"):
        theme_impact(feedback, base="everyone")
    with pytest.raises(ValueError, match="unknown language 'de'"):
        theme_impact(feedback, language="de")
    with pytest.raises(ValueError, match="answers must be whole numbers 0 to 10"):
        theme_impact(feedback.assign(score=[11] + [5] * 11))
    with pytest.raises(TypeError, match=r"5 \(position 0\)"):
        theme_impact(feedback.assign(comment=[5] + ["x"] * 11))
    before = feedback.copy()
    theme_impact(feedback)
    pd.testing.assert_frame_equal(feedback, before)


def test_theme_impact_finds_the_sample_delivery_problem():
    data = nt.load_sample()
    ours = data[(data["brand"] == nt.OUR_BRAND) & (data["date"].dt.to_period("Q").astype(str) == "2024Q2")]
    table = theme_impact(ours, owners={"delivery": "Logistics"})
    top = table.iloc[0]
    assert top["theme"] == "delivery" and top["owner"] == "Logistics"
    assert top["impact"] < 0 and top["impact_high"] < 0


@pytest.mark.parametrize("base", ["all", "commented"])
def test_theme_impact_counted_elsewhere_matches_pandas(feedback, tmp_path, base):
    """From a Parquet file or a DuckDB relation only the commented rows reach pandas; the table is the same."""
    pytest.importorskip("duckdb")
    path = tmp_path / "feedback.parquet"
    feedback.assign(region=["a", "b"] * 6).to_parquet(path)
    want = theme_impact(feedback, base=base, random_state=1)
    import duckdb

    relation = duckdb.sql(f"SELECT * FROM read_parquet('{path}')")
    for data in (str(path), relation):
        got = theme_impact(data, base=base, random_state=1)
        pd.testing.assert_frame_equal(got, want)
        assert got.attrs == want.attrs


def test_weighted_theme_impact_equals_replicated_respondents(feedback):
    """Whole-number weights: the point estimates of respondents counted w times each."""
    w = np.array([1, 2, 3, 1, 2, 1, 3, 1, 2, 2, 1, 3])
    weighted = theme_impact(feedback.assign(w=w), weights="w", themes=["delivery", "quality", "price"])
    replicated = theme_impact(feedback.loc[feedback.index.repeat(w)].reset_index(drop=True),
                              themes=["delivery", "quality", "price"])
    cols = ["theme", "share", "nps_with", "nps_without", "impact"]
    by_theme = [t.set_index("theme").loc[["delivery", "quality", "price"]].reset_index()[cols]
                for t in (weighted, replicated)]
    pd.testing.assert_frame_equal(*by_theme, check_exact=False, rtol=1e-12)
    row = weighted.set_index("theme").loc["delivery"]
    assert row["mentions"] == 4  # respondents, not weights
    mention = np.array([True, True, True, False, False, False, False, False, False, False, True, True])
    keep = feedback["score"].notna().to_numpy()
    with_c = nt.counts(feedback["score"][mention & keep], weights=w[mention & keep].astype(float))
    without_c = nt.counts(feedback["score"][~mention & keep], weights=w[~mention & keep].astype(float))
    gap = nt.compare(with_c, without_c)
    share = w[mention & keep].sum() / w[keep].sum()
    assert row["share"] == pytest.approx(share)
    assert (row["impact_low"], row["impact_high"]) == pytest.approx((share * gap.low, share * gap.high))
    assert weighted.attrs["weights"] == "w" and weighted.attrs["n"] == pytest.approx(w[keep].sum())


def test_weighted_theme_impact_counted_elsewhere_matches_pandas(feedback, tmp_path):
    pytest.importorskip("duckdb")
    data = feedback.assign(w=np.linspace(0.5, 2.0, len(feedback)))
    path = tmp_path / "weighted.parquet"
    data.to_parquet(path)
    want = theme_impact(data, weights="w")
    got = theme_impact(str(path), weights="w")
    pd.testing.assert_frame_equal(got, want, check_exact=False, rtol=1e-12)
    with pytest.raises(ValueError, match=r"w: weights must be finite, non-negative numbers; got -1.0 \(position 3\)"):
        theme_impact(data.assign(w=data["w"].where(data.index != 3, -1.0)), weights="w")


# -- theme_impact on another answer scale -------------------------------------------------------------------------
def _on_five(scores: pd.Series) -> pd.Series:
    """The standard answers written on the 1-5 scale: 0-6 -> 1-3 (detractors), 7-8 -> 4, 9-10 -> 5."""
    mapping = {**{s: 1 + s % 3 for s in range(7)}, 7: 4, 8: 4, 9: 5, 10: 5}
    return scores.map(mapping)  # missing stays missing


@pytest.fixture
def five():
    from nps_toolkit.scale import NPSScale

    return NPSScale(detractors=[1, 2, 3], passives=[4], promoters=[5])


@pytest.mark.parametrize("options", [{}, {"base": "commented"}, {"kind": "minus"}, {"method": "wald"},
                                     {"method": "bootstrap", "n_resamples": 199, "random_state": 3}])
def test_theme_impact_on_a_custom_scale_equals_the_standard_answers(feedback, five, options):
    """Answers on a 1-5 scale give the table of the same respondents answering 0-10."""
    on_five = feedback.assign(score=_on_five(feedback["score"]))
    assert on_five["score"].isna().sum() == 1 and set(on_five["score"].dropna()) <= {1, 2, 3, 4, 5}
    want = theme_impact(feedback, **options)
    got = theme_impact(on_five, scale=five, **options)
    pd.testing.assert_frame_equal(got, want)
    assert got.attrs == want.attrs


def test_weighted_theme_impact_on_a_custom_scale(feedback, five):
    w = np.linspace(0.5, 2.0, len(feedback))
    want = theme_impact(feedback.assign(w=w), weights="w")
    got = theme_impact(feedback.assign(w=w, score=_on_five(feedback["score"])), weights="w", scale=five)
    pd.testing.assert_frame_equal(got, want)


@pytest.mark.parametrize("base", ["all", "commented"])
def test_theme_impact_on_a_custom_scale_counted_elsewhere(feedback, five, tmp_path, base):
    """The rows left in the engine (no comment) are counted on the scale too."""
    pytest.importorskip("duckdb")
    data = feedback.assign(score=_on_five(feedback["score"]), w=np.linspace(0.5, 2.0, len(feedback)))
    path = tmp_path / "five.parquet"
    data.to_parquet(path)
    for weights in (None, "w"):
        want = theme_impact(data, scale=five, base=base, weights=weights)
        got = theme_impact(str(path), scale=five, base=base, weights=weights)
        pd.testing.assert_frame_equal(got, want, check_exact=False, rtol=1e-12)
        assert got.attrs["n"] == pytest.approx(want.attrs["n"])


def test_theme_impact_scale_is_checked(feedback, five):
    with pytest.raises(TypeError, match="scale must be an NPSScale"):
        theme_impact(feedback, scale=(1, 5))
    with pytest.raises(ValueError, match=r"answers must be whole numbers 1 to 5 .*; got 7.0 \(position 0\)"):
        theme_impact(feedback.assign(score=[7] + [5] * 11), scale=five)
    with pytest.raises(ValueError, match=r"whole numbers 0 to 10 .*; got 11.0 \(position 0\)"):
        theme_impact(feedback.assign(score=[11] + [5] * 11), scale=None)  # None: the standard scale


def test_theme_impact_and_classify_comments_take_options_by_name(feedback):
    with pytest.raises(TypeError):
        theme_impact(feedback, "score")
    with pytest.raises(TypeError):
        classify_comments(["ok"], "en")


# -- verbatims ---------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def ours_sample() -> pd.DataFrame:
    data = nt.load_sample()
    return data[data["brand"] == nt.OUR_BRAND].reset_index(drop=True)


def test_verbatims_follow_the_documented_rule(ours_sample):
    from nps_toolkit.comments import VERBATIM_COLUMNS, verbatims

    quotes = verbatims(ours_sample, per_theme=3, max_chars=None)
    assert list(quotes.columns) == VERBATIM_COLUMNS
    # the candidates, found independently: every scored comment and how it speaks of each theme
    scored = ours_sample[ours_sample["score"].notna() & ours_sample["comment"].fillna("").str.strip().ne("")]
    kinds = classify_comments(scored["comment"])["theme_kinds"]
    for (theme, kind), got in quotes.groupby(["theme", "kind"], sort=False):
        pool = scored[[k.get(theme) == kind for k in kinds]]
        assert 1 <= len(got) <= 3
        # the rows quoted are the data's rows, with their own score and text
        rows = ours_sample.loc[got["position"].to_numpy(int)]
        assert (rows["score"].to_numpy() == got["score"].to_numpy()).all()
        assert [" ".join(t.split()) for t in rows["comment"]] == got["quote"].tolist()
        # complaints and suggestions from the lowest scores, praise from the highest
        texts = pool["comment"].map(lambda t: " ".join(t.split()).casefold())
        by_text = pool["score"].astype(float).groupby(texts.to_numpy())  # a text once, at its best score
        distinct = by_text.max() if kind == "plus" else by_text.min()
        best = sorted(distinct, reverse=kind == "plus")[:len(got)]
        assert got["score"].astype(float).tolist() == best
        assert len(set(t.casefold() for t in got["quote"])) == len(got)  # the same text once
    themes_order = list(dict.fromkeys(quotes["theme"]))
    assert themes_order == [t for t in DEFAULT_THEMES if t in themes_order]
    for _, group in quotes.groupby("theme", sort=False):
        kinds_order = list(dict.fromkeys(group["kind"]))
        assert kinds_order == [k for k in ("plus", "minus", "suggestion") if k in kinds_order]


def test_verbatims_are_deterministic_and_follow_the_themes_given(ours_sample):
    from nps_toolkit.comments import verbatims

    first = verbatims(ours_sample, themes=["support", "delivery"], per_theme=2)
    pd.testing.assert_frame_equal(first, verbatims(ours_sample, themes=["support", "delivery"], per_theme=2))
    assert list(dict.fromkeys(first["theme"])) == ["support", "delivery"]
    assert first.groupby(["theme", "kind"]).size().max() <= 2


def test_long_quotes_are_trimmed_at_a_word_boundary():
    from nps_toolkit.comments import ELLIPSIS, verbatims

    words = "The courier was late again and the parcel was damaged badly, nobody answered my calls for days"
    data = pd.DataFrame({"score": [1, 2, 3], "comment": [words, "Delivery late", "Delivery\nwas late,\tagain"]})
    quotes = verbatims(data, themes=["delivery"], max_chars=40)
    long = quotes.loc[quotes["position"] == 0, "quote"].iloc[0]
    assert len(long) <= 40 and long.endswith(ELLIPSIS)
    kept = long[:-1]
    assert words.startswith(kept) and words[len(kept)] in " ,"  # cut between words, the rest dropped
    assert quotes.loc[quotes["position"] == 2, "quote"].iloc[0] == "Delivery was late, again"  # one line
    assert quotes.loc[quotes["position"] == 1, "quote"].iloc[0] == "Delivery late"
    assert verbatims(data, themes=["delivery"], max_chars=None)["quote"].str.len().max() == len(words)
    with pytest.raises(ValueError, match="per_theme must be a whole number of at least 1"):
        verbatims(data, per_theme=0)
    with pytest.raises(ValueError, match="max_chars must be a whole number of at least 10"):
        verbatims(data, max_chars=3)


def test_verbatims_skip_rows_without_a_score_and_prefer_clear_cut_comments():
    from nps_toolkit.comments import verbatims

    data = pd.DataFrame({"score": [None, 2, 2, 9],
                         "comment": ["Terrible delivery", "Fast delivery but rude support", "Late delivery",
                                     "Quick delivery"]})
    quotes = verbatims(data, themes=["delivery"])
    assert 0 not in quotes["position"].tolist()
    minus = quotes[quotes["kind"] == "minus"]
    assert minus["position"].tolist() == [2]  # "Fast delivery" is a plus about delivery
    assert quotes.loc[quotes["kind"] == "plus", "position"].tolist() == [3, 1]  # the highest score first


@pytest.mark.skipif(importlib.util.find_spec("duckdb") is None, reason="needs duckdb")
def test_verbatims_of_a_parquet_file_match_pandas(ours_sample, tmp_path):
    from nps_toolkit.comments import verbatims

    path = tmp_path / "ours.parquet"
    ours_sample.to_parquet(path)
    got, want = verbatims(str(path)), verbatims(ours_sample)
    assert got["position"].isna().all()  # the engine reads the rows without their positions
    pd.testing.assert_frame_equal(got.drop(columns="position"), want.drop(columns="position"))


# -- guidance and the action plan --------------------------------------------------------------------------------
def test_every_built_in_theme_has_guidance_in_every_language():
    lex = default_lexicon()
    assert list(lex["guidance"]) == list(DEFAULT_THEMES)
    for theme, sentences in lex["guidance"].items():
        assert set(sentences) == {"en", "ru", "pl"}, theme
        assert all(s.endswith(".") and len(s) > 30 for s in sentences.values()), theme


def test_a_user_lexicon_adds_and_replaces_guidance(feedback):
    from nps_toolkit.comments import action_plan

    lexicon = {"themes": {"+delivery": {"en": ["courier"]}},
               "guidance": {"delivery": {"en": "Call the courier company."}}}
    plan = action_plan(feedback, lexicon=lexicon, language="ru")
    builtin = default_lexicon()["guidance"]
    steps = dict(zip(plan["theme"], plan["next_step"]))
    assert steps["delivery"] == builtin["delivery"]["ru"]  # only the English sentence was replaced
    english = action_plan(feedback, lexicon=lexicon)
    assert dict(zip(english["theme"], english["next_step"]))["delivery"] == "Call the courier company."
    assert steps.get("price", builtin["price"]["ru"]) == builtin["price"]["ru"]
    plan = action_plan(feedback, lexicon={"themes": {"parcels": ["parcel*", "package*", "paczk*"]},
                                          "guidance": {"parcels": "Pack better."}}, themes=["parcels"])
    assert plan["next_step"].tolist() == ["Pack better."]  # one sentence for every language


@pytest.mark.parametrize("lexicon, message", [
    ({"guidance": {"loyalty": "Reward loyalty."}}, r"'guidance' names 'loyalty', which is not a theme"),
    ({"guidance": {"price": {"de": "Preise senken."}}}, r"'guidance' -> 'price': unknown language 'de'"),
    ({"guidance": {"price": {"en": ""}}}, r"'guidance' -> 'price' -> 'en' must be a non-empty sentence"),
    ({"guidance": {"price": ["a", "b"]}}, r"'guidance' -> 'price' must be a sentence or map languages"),
    ({"guidance": "Do better."}, r"'guidance' must map themes to a next step"),
])
def test_invalid_guidance_is_refused(feedback, lexicon, message):
    from nps_toolkit.comments import action_plan

    with pytest.raises(ValueError, match=message):
        action_plan(feedback, lexicon=lexicon)


def _risk_order(plan: pd.DataFrame) -> list:
    """The documented priority, computed from the plan's own numbers: significant first, then impact_low, ties by
    more mentions, then name."""
    rows = sorted(plan.itertuples(index=False),
                  key=lambda r: (not r.significant, r.impact_low, -r.mentions, r.theme))
    return [r.theme for r in rows]


def test_action_plan_numbers_are_those_of_theme_impact(ours_sample):
    from nps_toolkit.comments import PLAN_COLUMNS, action_plan

    owners = {"delivery": "Logistics", "price": "Pricing"}
    plan = action_plan(ours_sample, owners=owners, language="pl")
    impact = theme_impact(ours_sample, owners=owners).set_index("theme")
    assert list(plan.columns) == PLAN_COLUMNS
    costly = impact[impact["impact"] < 0]
    assert sorted(plan["theme"]) == sorted(costly.index)
    for row in plan.itertuples(index=False):
        want = impact.loc[row.theme]
        for column in ("impact", "impact_low", "impact_high", "minus_share"):
            assert getattr(row, column) == pytest.approx(want[column])
        assert row.significant == want["significant"] and row.mentions == want["mentions"]
        assert row.risk == ("high" if want["significant"] else "possible")
        assert (row.owner == owners[row.theme]) if row.theme in owners else pd.isna(row.owner)
        assert row.next_step == default_lexicon()["guidance"][row.theme]["pl"]
    assert plan["theme"].tolist() == _risk_order(plan)
    assert plan["priority"].tolist() == list(range(1, len(plan) + 1))
    # the share of detractors mentioning each theme, counted with plain pandas
    detractors = ours_sample[ours_sample["score"].fillna(99) <= 6]
    themes = classify_comments(detractors["comment"])["themes"]
    for row in plan.itertuples(index=False):
        assert row.detractor_mention_share == pytest.approx(np.mean([row.theme in t for t in themes]))


def test_weighted_action_plan_shares_are_weighted(feedback):
    from nps_toolkit.comments import action_plan

    weighted = feedback.assign(w=[2.0, 1.0, 1.0, 1.0, 3.0, 1.0, 1.0, 1.0, 0.5, 1.0, 1.0, 1.0])
    plan = action_plan(weighted, weights="w").set_index("theme")
    detractors = weighted[weighted["score"].fillna(99) <= 6]
    themes = classify_comments(detractors["comment"])["themes"]
    w = detractors["w"].to_numpy()
    for theme, row in plan.iterrows():
        mask = np.array([theme in t for t in themes])
        assert row["detractor_mention_share"] == pytest.approx(w[mask].sum() / w.sum())
    impact = theme_impact(weighted, weights="w").set_index("theme")
    assert plan["impact"].to_dict() == pytest.approx(impact.loc[plan.index, "impact"].to_dict())


def test_action_plan_by_period_uses_the_last_two_periods(ours_sample):
    from nps_toolkit.comments import action_plan

    plan = action_plan(ours_sample, date="date", freq="QE")
    quarters = ours_sample["date"].dt.to_period("Q").astype(str)
    assert (plan.attrs["previous"], plan.attrs["current"]) == ("2024Q3", "2024Q4")
    now = theme_impact(ours_sample[quarters == "2024Q4"]).set_index("theme")
    before = theme_impact(ours_sample[quarters == "2024Q3"]).set_index("theme")
    moved = (now["impact"] - before["impact"].reindex(now.index)).abs() >= 0.05
    costly = now[(now["impact"] < 0) & moved]
    assert sorted(plan["theme"]) == sorted(costly.index)
    for row in plan.itertuples(index=False):
        assert row.impact == pytest.approx(now.loc[row.theme, "impact"])
        assert row.impact_low == pytest.approx(now.loc[row.theme, "impact_low"])
        assert row.impact_previous == pytest.approx(before.loc[row.theme, "impact"])
        assert row.impact_change == pytest.approx(row.impact - row.impact_previous)
    assert plan["theme"].tolist() == _risk_order(plan)
    with pytest.raises(ValueError, match="needs answers in two periods"):
        action_plan(ours_sample[quarters == "2024Q4"], date="date")


@pytest.mark.skipif(importlib.util.find_spec("duckdb") is None, reason="needs duckdb")
@pytest.mark.parametrize("by_period", [False, True])
def test_action_plan_of_a_parquet_file_matches_pandas(ours_sample, tmp_path, by_period):
    """Only the commented rows are read; the others are counted (per period) by DuckDB."""
    from nps_toolkit.comments import action_plan

    data = ours_sample.assign(w=1.0 + (ours_sample["respondent_id"] % 3))
    path = tmp_path / "ours.parquet"
    data.to_parquet(path)
    options = {"date": "date"} if by_period else {}
    got = action_plan(str(path), weights="w", **options)
    pd.testing.assert_frame_equal(got, action_plan(data, weights="w", **options), rtol=1e-9)


# -- theme_impact of a complex sample (design=) ---------------------------------------------------------------------
Z975 = 1.959963984540054


@pytest.fixture(scope="module")
def ours_stores(ours_sample) -> pd.DataFrame:
    """Our brand's answers as if from 24 stores in 4 regions, with weights (a made-up design for the tests)."""
    rid = ours_sample["respondent_id"].to_numpy()
    return ours_sample.assign(region=np.array(list("NESW"))[rid % 4], store=(rid // 4) % 6,
                              w=1.0 + (rid % 5) / 2.0)


STORES = nt.SurveyDesign(weights="w", strata="region", psu="store")


def _mentioning(data: pd.DataFrame, theme: str, kind=None) -> np.ndarray:
    result = classify_comments(data["comment"].reset_index(drop=True))
    if kind is None:
        return np.array([theme in themes for themes in result["themes"]])
    return np.array([kinds.get(theme) == kind for kinds in result["theme_kinds"]])


def _design_gap(data, domain, design, with_value=True, without_value=False):
    """NPS with, without and the design-based contrast of the two domains, computed with design_estimates."""
    from nps_toolkit.design import contrast

    est = nt.design_estimates(data.assign(domain=domain), design=design, by="domain")
    values = est["domain"].tolist()
    c = np.zeros(len(est))
    c[values.index(with_value)], c[values.index(without_value)] = 1.0, -1.0
    rows = est.set_index("domain")
    return rows, contrast(est, c)


RAKED = nt.SurveyDesign(weights="w", strata="region", psu="store",
                        rake={"region": {"N": 600, "E": 600, "S": 700, "W": 500}})


@pytest.mark.parametrize("design", [STORES, RAKED, nt.SurveyDesign(weights="w")], ids=["stores", "raked", "rows"])
def test_theme_impact_design_is_the_contrast_of_the_mention_domains(ours_stores, design):
    from scipy import stats

    themes = ["delivery", "price", "support"]
    got = theme_impact(ours_stores, themes=themes, design=design, method="wald").set_index("theme")
    for theme in themes:
        rows, want = _design_gap(ours_stores, _mentioning(ours_stores, theme), design)
        share = rows.loc[True, "weighted_total"] / rows["weighted_total"].sum()
        row = got.loc[theme]
        assert row["share"] == pytest.approx(share, rel=1e-12)
        assert row["nps_with"] == pytest.approx(rows.loc[True, "nps"], abs=1e-9)
        assert row["nps_without"] == pytest.approx(rows.loc[False, "nps"], abs=1e-9)
        assert row["impact"] == pytest.approx(share * want.estimate, abs=1e-9)
        assert row["impact_high"] - row["impact"] == pytest.approx(share * Z975 * want.se, abs=1e-9)
        assert row["impact"] - row["impact_low"] == pytest.approx(share * Z975 * want.se, abs=1e-9)
        assert row["p_value"] == pytest.approx(2 * stats.norm.sf(abs(want.estimate / want.se)), rel=1e-9)
        assert row["mentions"] == int((_mentioning(ours_stores, theme) & ours_stores["score"].notna()).sum())
    assert got.attrs["n"] == pytest.approx(rows["weighted_total"].sum())
    assert got.attrs["design"] == design and got.attrs["df"] is None


def test_theme_impact_design_keeps_the_other_columns_and_adjusts_as_today(ours_stores):
    got = theme_impact(ours_stores, design=STORES, owners={"delivery": "Logistics"})
    plain = theme_impact(ours_stores, weights="w", owners={"delivery": "Logistics"}).set_index("theme")
    assert list(got.columns) == IMPACT_COLUMNS
    np.testing.assert_allclose(got["p_value_adjusted"], nt.adjust_p_values(got["p_value"], correction="holm"))
    assert (got["significant"] == (got["p_value_adjusted"] < 0.05)).all()
    assert got["priority"].tolist() == list(range(1, len(got) + 1))
    mine = got.set_index("theme")
    for column in ("owner", "mentions", "minus_share", "plus_share", "suggestion_share"):
        pd.testing.assert_series_equal(mine[column], plain.loc[mine.index, column], check_names=False)
    # no raking: the design's weights give the weighted point estimates
    for column in ("share", "nps_with", "nps_without", "impact"):
        np.testing.assert_allclose(mine[column], plain.loc[mine.index, column], rtol=1e-9)
    fdr = theme_impact(ours_stores, design=STORES, correction="fdr_bh").set_index("theme")
    np.testing.assert_allclose(fdr["p_value_adjusted"],
                               nt.adjust_p_values(fdr["p_value"], correction="fdr_bh"))


def test_theme_impact_design_of_commenters_and_of_complaints(ours_stores):
    """base="commented": those without a comment are a third domain (they keep their PSUs); kind="minus"."""
    commented = ours_stores["comment"].fillna("").str.strip() != ""
    for base, kind in (("commented", None), ("all", "minus")):
        got = theme_impact(ours_stores, themes=["delivery"], design=STORES, base=base, kind=kind,
                           method="wald").iloc[0]
        mention = _mentioning(ours_stores, "delivery", kind)
        domain = np.where(mention, "with", "without")
        if base == "commented":
            domain = np.where(commented, domain, "out")
        rows, want = _design_gap(ours_stores, domain, STORES, "with", "without")
        share = rows.loc["with", "weighted_total"] / (rows.loc["with", "weighted_total"]
                                                      + rows.loc["without", "weighted_total"])
        assert got["share"] == pytest.approx(share, rel=1e-12)
        assert got["impact"] == pytest.approx(share * want.estimate, abs=1e-9)
        assert got["impact_high"] - got["impact"] == pytest.approx(share * Z975 * want.se, abs=1e-9)


def test_theme_impact_design_df_widens_by_t_over_z(ours_stores):
    """24 stores in 4 regions: 20 degrees of freedom."""
    from scipy import stats

    normal = theme_impact(ours_stores, themes=["delivery", "price"], design=STORES, method="wald")
    t = theme_impact(ours_stores, themes=["delivery", "price"], design=STORES, method="wald", df="design")
    ratio = stats.t.ppf(0.975, 20) / Z975
    np.testing.assert_allclose(t["impact_high"] - t["impact"], ratio * (normal["impact_high"] - normal["impact"]),
                               rtol=1e-9)
    se = (normal["impact_high"] - normal["impact"]) / (Z975 * normal["share"])
    gap = normal["impact"] / normal["share"]
    np.testing.assert_allclose(t["p_value"], 2 * stats.t.sf(np.abs(gap / se), 20), rtol=1e-9)
    assert t.attrs["df"] == "design"


def test_theme_impact_design_small_frame_by_hand():
    """Eight answers in four stores of two regions: impact = share x the contrast of design_estimates."""
    from nps_toolkit.design import contrast

    df = pd.DataFrame({"score": [2, 3, 9, 10, 9, 8, 10, 4, None],
                       "comment": ["Delivery was late again", "Доставка задержалась на неделю", "Great quality",
                                   "Świetna jakość", None, "ok, fast delivery", "Love it", "Courier lost my parcel",
                                   "delivery?"],
                       "store": [1, 2, 1, 2, 3, 4, 3, 4, 4], "region": list("NNNNSSSSS"),
                       "w": [1.0, 2.0, 1.0, 1.5, 1.0, 2.0, 1.0, 1.0, 3.0]})
    design = nt.SurveyDesign(weights="w", strata="region", psu="store")
    before = df.copy()
    got = theme_impact(df, themes=["delivery"], design=design, method="wald").iloc[0]
    mention = np.array([True, True, False, False, False, True, False, True, True])
    est = nt.design_estimates(df.assign(mention=mention), design=design, by="mention")
    want = contrast(est, [-1.0, 1.0])
    share = est["weighted_total"].iloc[1] / est["weighted_total"].sum()
    assert got["mentions"] == 4 and got["share"] == pytest.approx(share)
    assert got["impact"] == pytest.approx(share * want.estimate)
    assert got["impact_low"] == pytest.approx(share * max(want.estimate - Z975 * want.se, -200.0))
    assert got["impact_high"] == pytest.approx(share * min(want.estimate + Z975 * want.se, 200.0))
    pd.testing.assert_frame_equal(df, before)


def test_theme_impact_design_arguments_are_checked(ours_stores, tmp_path):
    with pytest.raises(ValueError, match="give the weights in the design"):
        theme_impact(ours_stores, design=STORES, weights="w")
    with pytest.raises(ValueError, match="needs a design"):
        theme_impact(ours_stores, df="design")
    with pytest.raises(ValueError, match="df must be None"):
        theme_impact(ours_stores, design=STORES, df=20)
    with pytest.raises(TypeError, match="design must be a SurveyDesign"):
        theme_impact(ours_stores, design="store")
    with pytest.raises(nt.ColumnNotFoundError, match="psu column 'shop'"):
        theme_impact(ours_stores, themes=["delivery"], design=nt.SurveyDesign(psu="shop"))
    path = tmp_path / "ours.parquet"
    ours_stores.to_parquet(path)
    with pytest.raises(nt.ColumnNotFoundError, match="psu column 'shop' is not in the data"):
        theme_impact(str(path), themes=["delivery"], design=nt.SurveyDesign(psu="shop"))


def test_theme_impact_design_of_engine_data_equals_pandas(ours_stores, tmp_path):
    """An engine's rows are read into pandas for a design (score, comment and design columns only)."""
    path = tmp_path / "ours.parquet"
    ours_stores.to_parquet(path)
    want = theme_impact(ours_stores, design=STORES, random_state=1)
    got = theme_impact(str(path), design=STORES, random_state=1)
    pd.testing.assert_frame_equal(got, want, check_exact=False, rtol=1e-12, check_dtype=False)
    plan = nt.action_plan(str(path), design=STORES)
    pd.testing.assert_frame_equal(plan, nt.action_plan(ours_stores, design=STORES), check_exact=False, rtol=1e-12)


def test_theme_impact_design_leaves_the_data_as_it_was(ours_stores):
    data = ours_stores.copy()
    theme_impact(data, themes=["delivery"], design=STORES, df="design", base="commented")
    pd.testing.assert_frame_equal(data, ours_stores)


def test_the_built_in_lexicon_reads_the_same_with_libyaml_as_with_pure_python():
    # the built-in lexicon is read with libyaml's safe loader where PyYAML has it (ten times faster); the
    # pure-Python safe loader must give the same mappings, so that no install reads other words
    import yaml
    from importlib import resources

    folder = resources.files("nps_toolkit").joinpath("data", "lexicon")
    for language in ("en", "ru", "pl"):
        text = folder.joinpath(f"{language}.yaml").read_text(encoding="utf-8")
        plain = yaml.load(text, Loader=yaml.SafeLoader)  # noqa: S506
        assert plain and plain == yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506


def test_classifying_leaves_the_cycle_collector_as_it_was():
    import gc
    import weakref

    from nps_toolkit.comments import _cycles_paused

    texts = ["Love the app, but delivery takes forever", "Доставка норм, но цены кусаются"] * 50
    assert gc.isenabled()
    before = classify_comments(texts)
    assert gc.isenabled() and gc.get_freeze_count() == 0
    gc.disable()
    try:
        assert classify_comments(texts).equals(before)
        assert not gc.isenabled()  # disabled by the caller: left disabled
    finally:
        gc.enable()
    # objects the program froze itself stay frozen (the classifier moves its own objects only where none are)
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        assert frozen > 0
        with _cycles_paused():
            made = [[i] for i in range(1000)]
        assert gc.get_freeze_count() == frozen and gc.isenabled() and len(made) == 1000
    finally:
        gc.unfreeze()
    # a cycle made while it was paused is still collected (it was put back among the collected objects)
    class Node:
        pass

    with _cycles_paused():
        node = Node()
        node.itself = node
        gone = weakref.ref(node)
        del node
    gc.collect()
    assert gone() is None


def test_the_classifiers_caches_stay_within_their_bound(monkeypatch):
    from nps_toolkit import comments as cm

    monkeypatch.setattr(cm, "_CHUNK_CACHE", 2)
    cache: dict = {}
    assert cm._remember(cache, "a", 1) == 1 and cm._remember(cache, "b", 2) == 2 and cache == {"a": 1, "b": 2}
    assert cm._remember(cache, "c", 3) == 3 and cache == {"c": 3}  # full: emptied first
    # a classifier whose caches are that small reads the same as one whose caches hold everything
    texts = ["Love the app, but delivery takes forever", "Доставка норм, но цены кусаются", "Super, ale drogo"] * 3
    cm._compiled.cache_clear()
    small = classify_comments(texts)
    monkeypatch.setattr(cm, "_CHUNK_CACHE", 200_000)
    cm._compiled.cache_clear()
    assert classify_comments(texts).equals(small)
