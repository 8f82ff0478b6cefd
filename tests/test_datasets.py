"""Sample data: the simulator and its truth, the bundled sample, the script that makes it."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nps_toolkit import _sample_text
from nps_toolkit.datasets import (BRANDS, CHANNELS, OUR_BRAND, SAMPLE_COLUMNS, SEGMENTS, TRUTH_COLUMNS, load_sample,
                                  simulate_scores, simulate_survey, true_shares)

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "make_sample.py"
SHIPPED = ROOT / "nps_toolkit" / "data" / "sample_survey.csv"
LABELS = ROOT / "tests" / "data" / "sample_comment_labels.csv"
QUARTERS = ["2023Q1", "2023Q2", "2023Q3", "2023Q4", "2024Q1", "2024Q2", "2024Q3", "2024Q4"]

CYRILLIC = re.compile(r"[\u0400-\u04FF]")
POLISH = re.compile(r"[ąćęłńóśźżĄĆĘŁŃÓŚŹŻ]")


def _shares(scores) -> tuple[np.ndarray, np.ndarray, int]:
    """Promoter and detractor indicators of the present answers, by hand."""
    s = np.asarray(pd.Series(scores).dropna(), dtype=float)
    return (s >= 9), (s <= 6), len(s)


def _nps_and_se(scores) -> tuple[float, float]:
    pro, det, n = _shares(scores)
    p, d = pro.mean(), det.mean()
    return 100 * (p - d), 100 * np.sqrt((p + d - (p - d) ** 2) / n)


# -- simulate_scores ---------------------------------------------------------------------------
def test_simulate_scores_same_seed_same_answers():
    a = simulate_scores(500, promoter_share=0.4, detractor_share=0.3, random_state=11)
    b = simulate_scores(500, promoter_share=0.4, detractor_share=0.3, random_state=11)
    c = simulate_scores(500, promoter_share=0.4, detractor_share=0.3, random_state=12)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    g = simulate_scores(500, promoter_share=0.4, detractor_share=0.3, random_state=np.random.default_rng(11))
    np.testing.assert_array_equal(a, g)


@pytest.mark.parametrize("p, d", [(0.5, 0.2), (0.1, 0.7), (0.33, 0.33), (1.0, 0.0), (0.0, 1.0), (0.0, 0.0)])
def test_simulate_scores_converge_to_the_true_shares(p, d):
    n = 200_000
    pro, det, _ = _shares(simulate_scores(n, promoter_share=p, detractor_share=d, random_state=3))
    for observed, true in ((pro.mean(), p), (det.mean(), d)):
        se = np.sqrt(max(true * (1 - true), 1e-12) / n)
        assert abs(observed - true) <= 4 * se + 1e-12


def test_simulate_scores_spread_within_categories():
    s = simulate_scores(100_000, promoter_share=0.3, detractor_share=0.4, random_state=1)
    detractors = s[s <= 6]
    assert set(np.unique(detractors)) == set(range(7))          # a tail down to 0
    assert np.isin(detractors, [5, 6]).mean() > 0.6            # mostly 5-6
    assert (detractors == 6).mean() > (detractors == 5).mean() > (detractors == 1).mean()
    assert set(np.unique(s[(s >= 7) & (s <= 8)])) == {7, 8}
    assert set(np.unique(s[s >= 9])) == {9, 10}
    assert s.dtype == np.int64


@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 400), random_state=st.integers(0, 2**63), p=st.floats(0, 1), d=st.floats(0, 1))
def test_simulate_scores_any_input_gives_n_answers_on_the_scale(n, random_state, p, d):
    if p + d > 1:
        p, d = p / (p + d), d / (p + d) * (1 - 1e-12)
    s = simulate_scores(n, promoter_share=p, detractor_share=d, random_state=random_state)
    assert s.shape == (n,)
    assert s.min() >= 0 and s.max() <= 10
    if p == 0:
        assert not (s >= 9).any()
    if d == 0:
        assert not (s <= 6).any()


# -- simulate_survey and its truth -------------------------------------------------------------
def test_simulate_survey_same_seed_same_survey():
    a = simulate_survey(800, random_state=42, missing=0.05)
    b = simulate_survey(800, random_state=42, missing=0.05)
    pd.testing.assert_frame_equal(a, b)
    assert not a.equals(simulate_survey(800, random_state=43, missing=0.05))


def test_simulate_survey_columns_and_types():
    s = simulate_survey(3000, random_state=0, missing=0.1)
    assert list(s.columns) == ["respondent_id", "date", "period", "segment", "brand", "score"]
    assert s["respondent_id"].tolist() == list(range(1, 3001))
    assert pd.api.types.is_datetime64_dtype(s["date"])
    assert s["date"].is_monotonic_increasing
    assert s["score"].dtype == "Int64"
    assert 0.07 < s["score"].isna().mean() < 0.13
    assert set(s["segment"]) == set(SEGMENTS) and set(s["brand"]) == set(BRANDS)
    assert sorted(s["period"].unique()) == QUARTERS
    # each date lies in its period
    assert (s["date"].dt.to_period("Q").astype(str) == s["period"]).all()


def test_truth_table_is_tidy_and_consistent():
    truth = true_shares()
    assert list(truth.columns) == TRUTH_COLUMNS
    assert len(truth) == len(SEGMENTS) * len(BRANDS) * 8
    assert truth["period"].map(type).eq(str).all() and set(truth["period"]) == set(QUARTERS)
    assert truth["probability"].sum() == pytest.approx(1.0)
    total = truth["promoter_share"] + truth["passive_share"] + truth["detractor_share"]
    np.testing.assert_allclose(total, 1.0)
    np.testing.assert_allclose(truth["nps"], 100 * (truth["promoter_share"] - truth["detractor_share"]))
    assert truth[["promoter_share", "passive_share", "detractor_share"]].gt(0).all().all()
    # the truth does not depend on a seed: it is the same table every time
    pd.testing.assert_frame_equal(truth, true_shares())


def test_truth_by_group_is_the_probability_weighted_mixture():
    weights = dict(segment_weights=[3, 1, 1, 1, 2], brand_weights=[4, 2, 2, 2])
    cells = true_shares(**weights)
    by_brand = true_shares(by="brand", **weights)
    assert list(by_brand.columns) == ["brand"] + TRUTH_COLUMNS[3:]
    assert by_brand["brand"].tolist() == list(BRANDS)
    for _, row in by_brand.iterrows():
        part = cells[cells["brand"] == row["brand"]]
        w = part["probability"].to_numpy()
        assert row["probability"] == pytest.approx(w.sum())
        assert row["promoter_share"] == pytest.approx(np.average(part["promoter_share"], weights=w))
        assert row["nps"] == pytest.approx(np.average(part["nps"], weights=w))
    overall = true_shares(by=[], **weights)
    assert len(overall) == 1 and overall["probability"].iloc[0] == pytest.approx(1.0)
    two = true_shares(by=["period", "segment"])
    assert list(two.columns[:2]) == ["period", "segment"] and len(two) == 8 * len(SEGMENTS)


def _observed_by_cell(survey: pd.DataFrame, truth: pd.DataFrame):
    """Counts per truth cell, by hand with numpy."""
    key = survey["segment"] + "|" + survey["brand"] + "|" + survey["period"]
    cell_keys = (truth["segment"] + "|" + truth["brand"] + "|" + truth["period"]).tolist()
    pos = pd.Index(cell_keys).get_indexer(key)
    assert (pos >= 0).all()
    score = survey["score"].to_numpy(dtype=float, na_value=np.nan)
    k = len(truth)
    n = np.bincount(pos, minlength=k)
    promoters = np.bincount(pos, weights=(score >= 9), minlength=k)
    detractors = np.bincount(pos, weights=(score <= 6), minlength=k)
    return n, promoters, detractors


def test_large_simulated_sample_converges_to_the_truth():
    n_total = 240_000
    design = dict(segment_weights=[3, 1, 1, 1, 2], brand_weights=[4, 2, 2, 2])
    survey = simulate_survey(n_total, random_state=2024, **design)
    truth = true_shares(**design)
    n, promoters, detractors = _observed_by_cell(survey, truth)
    # cell sizes follow the cell probabilities
    prob = truth["probability"].to_numpy()
    z_n = (n - n_total * prob) / np.sqrt(n_total * prob * (1 - prob))
    assert np.abs(z_n).max() < 4.5
    # shares and NPS per cell within a few standard errors of the truth (160 cells: allow 4.5)
    for observed, share in ((promoters, "promoter_share"), (detractors, "detractor_share")):
        p = truth[share].to_numpy()
        z = (observed / n - p) / np.sqrt(p * (1 - p) / n)
        assert np.abs(z).max() < 4.5, share
    p, d = truth["promoter_share"].to_numpy(), truth["detractor_share"].to_numpy()
    est = 100 * (promoters - detractors) / n
    se = 100 * np.sqrt((p + d - (p - d) ** 2) / n)
    assert np.abs((est - truth["nps"].to_numpy()) / se).max() < 4.5
    # the brand totals converge to the mixed truth of true_shares(by="brand")
    by_brand = true_shares(by="brand", **design).set_index("brand")
    for brand, group in survey.groupby("brand"):
        est, se = _nps_and_se(group["score"])
        assert abs(est - by_brand.loc[brand, "nps"]) < 4 * se


def test_explicit_shares_table_and_pair():
    shares = pd.DataFrame({"brand": ["A", "B", "C"], "promoter_share": [0.7, 0.2, 0.0],
                           "detractor_share": [0.1, 0.5, 1.0]})
    design = dict(segments=["x", "y"], brands=["A", "B", "C"], periods=3, freq="ME", start="2024-01-01")
    survey = simulate_survey(60_000, shares=shares, random_state=5, **design)
    truth = true_shares(shares=shares, **design)
    assert sorted(truth["period"].unique()) == ["2024-01", "2024-02", "2024-03"]
    for brand, p, d in shares.itertuples(index=False):
        pro, det, n = _shares(survey.loc[survey["brand"] == brand, "score"])
        assert abs(pro.mean() - p) <= 4 * np.sqrt(p * (1 - p) / n) + 1e-12
        assert abs(det.mean() - d) <= 4 * np.sqrt(d * (1 - d) / n) + 1e-12
        np.testing.assert_allclose(truth.loc[truth["brand"] == brand, "nps"], 100 * (p - d))
    constant = true_shares(shares=(0.5, 0.25), **design)
    assert constant["nps"].eq(25.0).all()
    # a truth table, edited, goes back in as shares
    edited = true_shares(**design, shares=(0.5, 0.25)).assign(promoter_share=0.6)
    assert true_shares(shares=edited, **design)["nps"].eq(35.0).all()


def test_builtin_model_has_the_documented_structure():
    brand = true_shares(by="brand").set_index("brand")["nps"]
    assert brand["Lumina"] > brand[OUR_BRAND] > brand["Verdant"] > 0 > brand["Kestrel"]
    segment = true_shares(by="segment").set_index("segment")["nps"]
    assert segment["Central"] - segment.drop(["Central", "South"]).max() > 10
    assert segment.drop(["Central", "South"]).min() - segment["South"] > 10
    ours = true_shares(by=["brand", "period"]).query("brand == @OUR_BRAND").set_index("period")["nps"]
    assert ours["2024Q2"] < ours["2024Q1"] - 10 and ours["2024Q2"] < ours["2024Q3"] - 10
    assert ours["2024Q4"] > ours["2024Q3"] > ours["2024Q1"] > ours["2023Q1"]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(n=st.integers(1, 300), random_state=st.integers(0, 2**32), periods=st.integers(1, 12),
       freq=st.sampled_from(["QE", "ME", "YE", "W", "D"]), missing=st.sampled_from([0.0, 0.3]))
def test_simulate_survey_any_seed_and_size(n, random_state, periods, freq, missing):
    s = simulate_survey(n, random_state=random_state, periods=periods, freq=freq, missing=missing)
    assert len(s) == n
    present = s["score"].dropna()
    assert present.between(0, 10).all()
    assert set(s["period"]) <= set(true_shares(periods=periods, freq=freq)["period"])
    alias = {"QE": "Q", "ME": "M", "YE": "Y", "W": "W", "D": "D"}[freq]
    assert (s["date"].dt.to_period(alias).astype(str) == s["period"]).all()   # each date in its period


# -- argument checks -----------------------------------------------------------------------------
@pytest.mark.parametrize("kwargs, error, message", [
    (dict(n=0), ValueError, "n must be a whole number >= 1"),
    (dict(n=2.5), TypeError, "n must be a whole number"),
    (dict(n=True), TypeError, "n must be a whole number"),
    (dict(promoter_share=1.2), ValueError, "promoter_share must be between 0 and 1"),
    (dict(detractor_share=-0.1), ValueError, "detractor_share must be between 0 and 1"),
    (dict(detractor_share=float("nan")), ValueError, "detractor_share must be between 0 and 1"),
    (dict(promoter_share="0.5"), TypeError, "promoter_share must be a number"),
    (dict(promoter_share=0.7, detractor_share=0.4), ValueError, "at most 1"),
    (dict(random_state=-1), ValueError, "random_state must be a whole number >= 0"),
    (dict(random_state="abc"), TypeError, "random_state must be a whole number"),
    (dict(random_state=1.5), TypeError, "random_state must be a whole number"),
])
def test_simulate_scores_bad_arguments(kwargs, error, message):
    args = dict(n=10, promoter_share=0.4, detractor_share=0.2, random_state=1) | kwargs
    with pytest.raises(error, match=re.escape(message)):
        simulate_scores(args.pop("n"), **args)


@pytest.mark.parametrize("kwargs, error, message", [
    (dict(n=0), ValueError, "n must be a whole number >= 1"),
    (dict(n="100"), TypeError, "n must be a whole number"),
    (dict(segments="North"), TypeError, "segments must be a list of names"),
    (dict(segments=[]), ValueError, "segments must name at least one"),
    (dict(brands=["A", "A"]), ValueError, "brands must be distinct"),
    (dict(brands=["A", 3]), TypeError, "brands must be non-empty text"),
    (dict(periods=0), ValueError, "periods must be a whole number >= 1"),
    (dict(freq="fortnightly"), ValueError, "freq must be a pandas frequency"),
    (dict(freq="h"), ValueError, "freq must be daily or longer"),
    (dict(freq=3), TypeError, "freq must be a pandas frequency"),
    (dict(start="not a date"), ValueError, "start must be a date"),
    (dict(shares=(0.8, 0.3)), ValueError, "at most 1"),
    (dict(shares=(1.5, 0.0)), ValueError, "promoter_share must be between 0 and 1"),
    (dict(shares=0.5), TypeError, "shares must be None"),
    (dict(shares=pd.DataFrame({"brand": ["Aurora"], "promoter_share": [0.5], "detractor_share": [0.1]})),
     ValueError, "does not cover every cell"),
    (dict(shares=pd.DataFrame({"brand": ["Aurora", "Nope"], "promoter_share": [0.5, 0.5],
                               "detractor_share": [0.1, 0.1]})), ValueError, "'Nope'"),
    (dict(shares=pd.DataFrame({"promoters": [0.5], "detractor_share": [0.1]})), ValueError, "unknown column"),
    (dict(shares=pd.DataFrame({"brand": list(BRANDS) + [OUR_BRAND], "promoter_share": 0.5,
                               "detractor_share": 0.1})), ValueError, "more than one row"),
    (dict(shares=pd.DataFrame({"promoter_share": [0.5], "detractor_share": [0.6]})), ValueError,
     "at most 1 (shares row 0)"),
    (dict(brand_weights=[1, 2]), ValueError, "brand_weights must hold 4 numbers"),
    (dict(segment_weights=[1, 1, 1, 1, -1]), ValueError, "segment_weights must be finite, non-negative"),
    (dict(segment_weights=[0, 0, 0, 0, 0]), ValueError, "positive sum"),
    (dict(missing=1.0), ValueError, "missing must be below 1"),
    (dict(missing=-0.1), ValueError, "missing must be between 0 and 1"),
    (dict(random_state=-5), ValueError, "random_state must be a whole number >= 0"),
])
def test_simulate_survey_bad_arguments(kwargs, error, message):
    args = dict(n=50, random_state=1) | kwargs
    with pytest.raises(error, match=re.escape(message)):
        simulate_survey(args.pop("n"), **args)


# -- the old name seed= (renamed random_state=) ------------------------------------------------------------------
@pytest.mark.parametrize("random_state", [0, 11])
def test_seed_warns_and_gives_the_same_answers(random_state):
    new = simulate_scores(300, promoter_share=0.4, detractor_share=0.3, random_state=random_state)
    with pytest.warns(DeprecationWarning, match=r"simulate_scores\(\): 'seed' is renamed 'random_state'"):
        old = simulate_scores(300, promoter_share=0.4, detractor_share=0.3, seed=random_state)
    np.testing.assert_array_equal(old, new)


def test_seed_warns_and_gives_the_same_survey():
    new = simulate_survey(400, random_state=42, missing=0.05)
    with pytest.warns(DeprecationWarning, match=r"simulate_survey\(\): 'seed' is renamed 'random_state'"):
        old = simulate_survey(400, seed=42, missing=0.05)
    pd.testing.assert_frame_equal(old, new)
    with pytest.warns(DeprecationWarning):  # a Generator given by its old name is used as it is
        from_generator = simulate_survey(400, seed=np.random.default_rng(42), missing=0.05)
    pd.testing.assert_frame_equal(from_generator, new)


def test_seed_and_random_state_together_are_refused():
    with pytest.raises(TypeError, match="got both 'seed' and its new name 'random_state'"):
        simulate_scores(10, promoter_share=0.4, detractor_share=0.2, seed=1, random_state=1)
    with pytest.raises(TypeError, match="got both 'seed'"):
        simulate_survey(10, seed=1, random_state=1)


def test_options_are_keyword_only_and_documented_once():
    import inspect

    from nps_toolkit._docstrings import parameter_doc

    for func in (simulate_scores, simulate_survey, true_shares):
        params = list(inspect.signature(func).parameters.values())
        assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in params[1:]), func.__name__
        assert "seed" not in inspect.signature(func).parameters
    for func in (simulate_scores, simulate_survey):
        assert "random_state" in inspect.signature(func).parameters
        assert "{{" not in func.__doc__
        assert parameter_doc("random_state", "    ") in func.__doc__
    with pytest.raises(TypeError):
        simulate_survey(10, ["A"])  # options by name only


def test_true_shares_bad_by():
    with pytest.raises(ValueError, match="by must name segment, brand and/or period"):
        true_shares(by="channel")
    with pytest.raises(ValueError, match="twice"):
        true_shares(by=["brand", "brand"])


# -- the bundled sample --------------------------------------------------------------------------
@pytest.fixture(scope="module")
def sample() -> pd.DataFrame:
    return load_sample()


def test_sample_columns_and_types(sample):
    assert list(sample.columns) == SAMPLE_COLUMNS
    assert sample["respondent_id"].dtype == np.int64 and sample["respondent_id"].is_unique
    assert pd.api.types.is_datetime64_dtype(sample["date"])
    assert sample["score"].dtype == "Int64"
    for column in ("segment", "brand", "channel", "comment"):
        assert pd.api.types.is_string_dtype(sample[column]), column
    assert sample[["respondent_id", "date", "segment", "brand", "channel"]].notna().all().all()


def test_sample_content(sample):
    assert len(sample) >= 5000
    quarters = sorted(sample["date"].dt.to_period("Q").astype(str).unique())
    assert quarters == QUARTERS
    assert set(sample["brand"]) == set(BRANDS) and OUR_BRAND in set(sample["brand"]) and len(BRANDS) == 4
    assert set(sample["segment"]) == set(SEGMENTS)
    assert set(sample["channel"]) == set(CHANNELS)
    present = sample["score"].dropna()
    assert present.isin(range(11)).all()
    assert 0.01 <= sample["score"].isna().mean() <= 0.02
    assert 0.5 <= sample["comment"].notna().mean() <= 0.7


def test_sample_comments_in_three_languages(sample):
    comments = sample["comment"].dropna()
    assert (comments.str.strip() != "").all()
    assert not comments.str.contains(r"[{}]").any()          # every placeholder filled
    cyrillic = comments.str.contains(CYRILLIC)
    polish = comments.str.contains(POLISH) & ~cyrillic
    latin_only = ~cyrillic & ~polish
    for share in (cyrillic.mean(), polish.mean(), latin_only.mean()):
        assert share > 0.15
    # the language mix depends on the region
    by_region = cyrillic.groupby(sample.loc[comments.index, "segment"]).mean()
    assert by_region["East"] > 2 * by_region["West"]


def test_sample_returns_an_independent_copy():
    first = load_sample()
    first.loc[0, "score"] = pd.NA
    first["segment"] = "Nowhere"
    del first["comment"]
    second = load_sample()
    assert list(second.columns) == SAMPLE_COLUMNS
    assert (second["segment"] != "Nowhere").all()
    assert not second.equals(first)
    pd.testing.assert_frame_equal(second, load_sample())


def test_sample_has_the_documented_structure(sample):
    data = sample.assign(quarter=sample["date"].dt.to_period("Q").astype(str))
    brand = {b: _nps_and_se(g["score"]) for b, g in data.groupby("brand")}
    assert brand["Lumina"][0] > brand[OUR_BRAND][0] > brand["Verdant"][0] > brand["Kestrel"][0]
    assert brand["Kestrel"][0] + 2 * brand["Kestrel"][1] < 0          # clearly negative
    region = {s: _nps_and_se(g["score"]) for s, g in data.groupby("segment")}
    (c, c_se), (s, s_se) = region["Central"], region["South"]
    assert (c - s) / np.hypot(c_se, s_se) > 4                          # significantly different
    ours = {q: _nps_and_se(g["score"])[0] for q, g in data[data["brand"] == OUR_BRAND].groupby("quarter")}
    assert ours["2024Q2"] < ours["2024Q1"] - 10 and ours["2024Q2"] < ours["2024Q3"] - 10   # the dip
    assert ours["2024Q4"] > max(ours[q] for q in QUARTERS[:4]) + 10                      # the improvement


def test_comment_labels_match_the_sample(sample):
    labels = pd.read_csv(LABELS, keep_default_na=False, dtype={"respondent_id": "int64"})
    assert list(labels.columns) == ["respondent_id", "language", "kind", "themes"]
    with_comment = sample.loc[sample["comment"].notna(), "respondent_id"]
    assert sorted(labels["respondent_id"]) == sorted(with_comment)
    assert set(labels["language"]) == {"en", "ru", "pl"}
    kinds = labels["kind"].str.split(";").explode()
    assert set(kinds) == set(_sample_text.KINDS)
    themes = labels["themes"].str.split(";").explode()
    assert set(themes) - {""} == set(_sample_text.THEMES)
    merged = labels.merge(sample, on="respondent_id")
    text = merged["comment"]
    assert text[merged["language"] == "ru"].str.contains(CYRILLIC).all()
    assert not text[merged["language"] != "ru"].str.contains(CYRILLIC).any()
    assert text[merged["language"] == "pl"].str.contains(POLISH).mean() > 0.8
    # consistent with the score: promoters mostly praise, detractors mostly complain
    score = merged["score"].astype(float)
    first = merged["kind"].str.split(";").str[0]
    assert (first[score >= 9] == "plus").mean() > 0.7
    assert (first[score <= 6] == "minus").mean() > 0.7
    for group in (score >= 9, score <= 6, score.between(7, 8)):
        assert merged.loc[group, "kind"].str.contains("suggestion").mean() > 0.1


def test_phrase_bank_is_varied():
    for language, bank in _sample_text.PHRASES.items():
        phrases = [p for options in bank.values() for p in options]
        assert len(set(phrases)) >= 40, language
        for kind in _sample_text.KINDS:
            for theme in _sample_text.THEMES:
                assert len(bank[(kind, theme)]) >= 3, (language, kind, theme)
    assert _sample_text.days_phrase(2, "ru") == "2 дня" and _sample_text.days_phrase(14, "ru") == "14 дней"
    assert _sample_text.days_phrase(22, "pl") == "22 dni" and _sample_text.days_phrase(1, "en") == "1 day"


def test_comment_gender_agreement():
    rng = np.random.default_rng(0)
    texts = {g: " ".join(_sample_text.compose_comment(rng, language="pl", category="detractor", gender=g)[0]
                         for _ in range(400)) for g in ("m", "f")}
    assert re.search(r"\b\w+łam\b", texts["f"]) and not re.search(r"\b\w+łam\b", texts["m"])
    assert re.search(r"\b\w+łem\b", texts["m"]) and not re.search(r"\b\w+łem\b", texts["f"])


# -- the script ------------------------------------------------------------------------------------
def test_shipped_sample_is_small_utf8():
    raw = SHIPPED.read_bytes()
    assert len(raw) < 1_000_000
    raw.decode("utf-8")
    assert b"\r\n" not in raw


def test_script_reproduces_the_shipped_files(tmp_path):
    out, labels = tmp_path / "sample.csv", tmp_path / "labels.csv"
    for _ in range(2):
        done = subprocess.run([sys.executable, str(SCRIPT), "--output", str(out), "--labels", str(labels)],
                              capture_output=True, text=True, cwd=tmp_path, timeout=300)
        assert done.returncode == 0, done.stderr
        assert out.read_bytes() == SHIPPED.read_bytes()
        assert labels.read_bytes() == LABELS.read_bytes()
