"""Tests of nps_toolkit.summary.summarize: tidy NPS tables by group.

Expected values are hand-counted from small frames, taken from the R package NPS
reference table (tests/data/reference), or computed another way in plain Python.
"""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import nps_toolkit as nt
from nps_toolkit.scoring import NPSScale
from nps_toolkit.summary import SUMMARY_COLUMNS

FAST = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
FEWER = settings(FAST, max_examples=20)  # for tests that summarise several times per example

#: The documented column order, written out (not read from the toolkit).
COLUMNS = ["n", "n_missing", "promoters", "passives", "detractors", "promoter_share", "passive_share",
           "detractor_share", "nps", "ci_low", "ci_high"]


def z(confidence: float) -> float:
    return NormalDist().inv_cdf(0.5 + confidence / 2)


def plain_category(v):
    """+1 / 0 / -1 by the standard cut points, None when missing."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    return 1 if v >= 9 else 0 if v >= 7 else -1


def frame_from_counts(cases) -> pd.DataFrame:
    """One row per respondent for each (label, detractors, passives, promoters) case."""
    rows = []
    for label, d, pa, p in cases:
        rows += [(label, 10)] * p + [(label, 7)] * pa + [(label, 0)] * d
    return pd.DataFrame(rows, columns=["case", "score"])


def row(table: pd.DataFrame, column, key) -> pd.Series:
    hit = table[table[column].isna()] if key is None else table[table[column] == key]
    assert len(hit) == 1, (key, table)
    return hit.iloc[0]


# -- hand-counted tables -----------------------------------------------------------------------------------------
def test_by_one_column(survey):
    out = nt.summarize(survey, by="segment", method="wald")
    assert list(out.columns) == ["segment"] + COLUMNS
    assert out["segment"].tolist() == ["north", "south"]
    # north: 10 9 8 7 6; south: 0 (missing) 10 3 9
    assert out["n"].tolist() == [5, 4]
    assert out["n_missing"].tolist() == [0, 1]
    assert out["promoters"].tolist() == [2, 2]
    assert out["passives"].tolist() == [2, 0]
    assert out["detractors"].tolist() == [1, 2]
    assert out["promoter_share"].tolist() == pytest.approx([0.4, 0.5])
    assert out["passive_share"].tolist() == pytest.approx([0.4, 0.0])
    assert out["detractor_share"].tolist() == pytest.approx([0.2, 0.5])
    assert out["nps"].tolist() == pytest.approx([20.0, 0.0])
    # Wald by hand: north p .4 d .2, variance .6 - .04 = .56; south variance 1 - 0 = 1
    se = [100 * math.sqrt(0.56 / 5), 100 * math.sqrt(1 / 4)]
    assert out["ci_low"].tolist() == pytest.approx([20 - z(0.95) * se[0], 0 - z(0.95) * se[1]])
    assert out["ci_high"].tolist() == pytest.approx([20 + z(0.95) * se[0], 0 + z(0.95) * se[1]])
    assert out["n"].dtype == np.int64 and out["promoters"].dtype == np.int64


def test_overall_single_row(survey):
    out = nt.summarize(survey)
    assert list(out.columns) == COLUMNS == SUMMARY_COLUMNS
    assert len(out) == 1
    r = out.iloc[0]
    assert (r.n, r.n_missing, r.promoters, r.passives, r.detractors) == (9, 1, 4, 2, 3)
    assert r.nps == pytest.approx(100 / 9)
    assert r.ci_low < r.nps < r.ci_high


def test_seed_article_example_as_a_table():
    df = pd.DataFrame({"score": [10] * 20 + [8] * 50 + [3] * 30})
    r = nt.summarize(df).iloc[0]
    assert r.nps == pytest.approx(-10.0)
    assert (r.promoter_share, r.passive_share, r.detractor_share) == pytest.approx((0.2, 0.5, 0.3))


@pytest.mark.parametrize("method", ["wald", "adjusted-wald"])
@pytest.mark.parametrize("confidence, low, high", [(0.95, "ci95_low", "ci95_high"), (0.90, "ci90_low", "ci90_high")])
def test_intervals_match_the_r_package(r_one_sample, method, confidence, low, high):
    ref = r_one_sample[r_one_sample["method"] == method].reset_index(drop=True)
    cases = [(f"c{i:02d}", r.detractors, r.passives, r.promoters) for i, r in ref.iterrows()]
    out = nt.summarize(frame_from_counts(cases), by="case", method=method, confidence=confidence)
    assert out["case"].tolist() == [c[0] for c in cases]
    assert out["n"].tolist() == (ref["detractors"] + ref["passives"] + ref["promoters"]).tolist()
    assert out["nps"].to_numpy() == pytest.approx(ref["nps"].to_numpy(), abs=1e-8)
    # R does not clip to [-100, 100]
    assert out["ci_low"].to_numpy() == pytest.approx(ref[low].clip(-100, 100).to_numpy(), abs=1e-6)
    assert out["ci_high"].to_numpy() == pytest.approx(ref[high].clip(-100, 100).to_numpy(), abs=1e-6)
    assert out.attrs["confidence"] == confidence and out.attrs["method"] == method


def test_by_several_columns():
    df = pd.DataFrame({
        "score":  [10, 9, 0, 7, 8, 3, None, 10],
        "region": ["A", "A", "A", "B", "B", "B", "B", "A"],
        "wave":   [1, 2, 1, 1, 1, 2, 2, 1],
    })
    out = nt.summarize(df, by=["region", "wave"])
    assert list(out.columns) == ["region", "wave"] + COLUMNS
    assert list(zip(out["region"], out["wave"])) == [("A", 1), ("A", 2), ("B", 1), ("B", 2)]
    assert out["n"].tolist() == [3, 1, 2, 1]
    assert out["n_missing"].tolist() == [0, 0, 0, 1]
    assert out["nps"].tolist() == pytest.approx([100 / 3, 100.0, 0.0, -100.0])


def test_unused_category_gets_an_empty_row():
    df = pd.DataFrame({"score": [10, 0, 9],
                       "plan": pd.Categorical(["basic", "basic", "pro"], categories=["basic", "pro", "team"])})
    out = nt.summarize(df, by="plan")
    assert out["plan"].tolist() == ["basic", "pro", "team"]
    team = row(out, "plan", "team")
    assert (team.n, team.n_missing, team.promoters, team.passives, team.detractors) == (0, 0, 0, 0, 0)
    for col in ("promoter_share", "passive_share", "detractor_share", "nps", "ci_low", "ci_high"):
        assert math.isnan(team[col]), col
    assert row(out, "plan", "basic").nps == pytest.approx(0.0)


def test_group_whose_answers_are_all_missing():
    df = pd.DataFrame({"score": [None, np.nan, 9, 6], "store": ["x", "x", "y", "y"]})
    out = nt.summarize(df, by="store")
    x = row(out, "store", "x")
    assert (x.n, x.n_missing) == (0, 2)
    assert math.isnan(x.nps) and math.isnan(x.ci_low) and math.isnan(x.ci_high)
    y = row(out, "store", "y")
    assert (y.n, y.n_missing, y.nps) == (2, 0, 0.0)


def test_missing_group_key_is_kept_as_its_own_group():
    df = pd.DataFrame({"score": [10, 9, 0, 3, 8], "city": ["Oslo", None, "Oslo", None, "Rome"]})
    out = nt.summarize(df, by="city")
    assert len(out) == 3
    unknown = row(out, "city", None)
    assert (unknown.n, unknown.promoters, unknown.detractors, unknown.nps) == (2, 1, 1, 0.0)
    assert row(out, "city", "Rome").passives == 1
    assert out["n"].sum() == 5


def test_missing_key_in_a_categorical_by_column_is_kept():
    df = pd.DataFrame({"score": [10, 0], "c": pd.Categorical(["a", None], categories=["a", "b"])})
    out = nt.summarize(df, by="c")
    assert len(out) == 3
    assert row(out, "c", None).nps == -100.0
    assert row(out, "c", "b").n == 0


def test_weighted_table(survey):
    out = nt.summarize(survey, by="segment", weights="weight", method="wald")
    assert list(out.columns) == ["segment"] + COLUMNS + ["weighted_total", "n_effective"]
    # north: 10(1) 9(2) 8(1) 7(.5) 6(1.5); south: 0(1) missing(1) 10(2) 3(1) 9(1)
    assert out["promoters"].tolist() == pytest.approx([3.0, 3.0])
    assert out["passives"].tolist() == pytest.approx([1.5, 0.0])
    assert out["detractors"].tolist() == pytest.approx([1.5, 2.0])
    assert out["n"].tolist() == [5, 4]  # the number of answers, not the sum of their weights
    assert out["n"].dtype == np.int64
    assert out["weighted_total"].tolist() == pytest.approx([6.0, 5.0])
    assert out["n_missing"].tolist() == [0, 1]
    assert out["nps"].tolist() == pytest.approx([25.0, 20.0])
    assert out["n_effective"].tolist() == pytest.approx([36 / 8.5, 25 / 7])
    groups = {"north": ([1, 1, 0, 0, -1], [1.0, 2.0, 1.0, 0.5, 1.5]), "south": ([-1, 1, -1, 1], [1.0, 2.0, 1.0, 1.0])}
    for seg, (y, w) in groups.items():
        r = row(out, "segment", seg)
        assert r.nps == pytest.approx(100 * np.average(y, weights=w))
        total = sum(w)
        ratio = sum(a * b for a, b in zip(w, y)) / total
        se = 100 * math.sqrt(sum((a * (b - ratio) / total) ** 2 for a, b in zip(w, y)))
        assert r.ci_low == pytest.approx(max(-100.0, r.nps - z(0.95) * se))
        assert r.ci_high == pytest.approx(min(100.0, r.nps + z(0.95) * se))


def test_weighted_overall_matches_counts(survey):
    out = nt.summarize(survey, weights="weight").iloc[0]
    y = [1, 1, 0, 0, -1, -1, 1, -1, 1]
    w = [1.0, 2.0, 1.0, 0.5, 1.5, 1.0, 2.0, 1.0, 1.0]
    assert out.nps == pytest.approx(100 * np.average(y, weights=w))
    assert out.n_effective == pytest.approx(sum(w) ** 2 / sum(v * v for v in w))


@pytest.mark.parametrize("method", ["wald", "adjusted-wald"])
def test_unit_weights_give_the_unweighted_table(survey, method):
    df = survey.assign(one=1.0)
    plain = nt.summarize(df, by="segment", method=method)
    unit = nt.summarize(df, by="segment", weights="one", method=method)
    assert unit["n_effective"].tolist() == pytest.approx(plain["n"].astype(float).tolist())
    for col in COLUMNS:
        assert unit[col].to_numpy(float) == pytest.approx(plain[col].to_numpy(float)), col


def test_missing_answers_may_have_a_missing_weight(survey):
    df = survey.copy()
    df.loc[6, "weight"] = np.nan  # the row whose answer is missing
    out = nt.summarize(df, weights="weight")
    assert out["weighted_total"].iloc[0] == pytest.approx(11.0)  # the weights of the nine answers
    assert out["n"].iloc[0] == 9
    assert out["n_missing"].iloc[0] == 1


def test_weighted_nps_of_one_category_stays_within_the_bounds():
    # before the fix the table's NPS came from the interval's effective counts and rounded to
    # -100.00000000000001, below its own (clipped) ci_low of -100
    out = nt.summarize(pd.DataFrame({"score": [0, 3], "w": [3.51, 1.53]}), weights="w", method="wald").iloc[0]
    assert out.nps == -100.0
    assert out.ci_low <= out.nps <= out.ci_high


def test_custom_scale(survey):
    five = NPSScale(detractors=[1, 2, 3], passives=[4], promoters=[5])
    df = pd.DataFrame({"score": [1, 5, 5, 4, None, 2], "g": list("aaabbb")})
    out = nt.summarize(df, by="g", scale=five)
    assert out["promoters"].tolist() == [2, 0]
    assert out["passives"].tolist() == [0, 1]
    assert out["detractors"].tolist() == [1, 1]
    assert out["nps"].tolist() == pytest.approx([100 / 3, -50.0])
    with pytest.raises(ValueError, match=r"column 'score': answers must be whole numbers 1 to 5.*10\.0 \(position 0\)"):
        nt.summarize(survey, scale=five)
    # a 0-10 question with other cut points: 0-4 detractors, 5-7 passives, 8-10 promoters
    alt = NPSScale(detractors=range(0, 5), passives=range(5, 8), promoters=range(8, 11))
    out = nt.summarize(survey, by="segment", scale=alt)
    # north: 10 9 8 | 7 6 ; south: 10 9 | 0 3 (and one missing)
    assert out["promoters"].tolist() == [3, 2]
    assert out["passives"].tolist() == [2, 0]
    assert out["detractors"].tolist() == [0, 2]
    assert out["nps"].tolist() == pytest.approx([60.0, 0.0])


def test_empty_frame_gives_an_empty_overall_row():
    out = nt.summarize(pd.DataFrame({"score": pd.Series([], dtype=float)}))
    assert len(out) == 1
    assert (out["n"].iloc[0], out["n_missing"].iloc[0]) == (0, 0)
    assert math.isnan(out["nps"].iloc[0]) and math.isnan(out["ci_low"].iloc[0])


def test_interval_of_higher_confidence_is_wider(survey):
    narrow = nt.summarize(survey, by="segment", confidence=0.8)
    wide = nt.summarize(survey, by="segment", confidence=0.99)
    assert (wide["ci_low"] < narrow["ci_low"]).all() and (wide["ci_high"] > narrow["ci_high"]).all()


def test_adjusted_wald_interval_of_a_single_answer_ends_at_its_estimate():
    # Adjusted Wald is centred on the adjusted score: one promoter plus 0.75 / 1.5 / 0.75 pseudo-answers
    # gives (1.75 - 0.75) / 4 = 25 with SE 100 sqrt((0.4375 + 0.1875 - 0.0625) / 4) = 37.5, so at 95% the
    # method (as in the R package) stops at 25 + 1.96 * 37.5 = 98.5 < 100. The toolkit's interval holds its
    # estimate: it ends at 100; the lower bound is the method's.
    out = nt.summarize(pd.DataFrame({"score": [10]})).iloc[0]
    assert out.nps == 100.0
    assert 25 + z(0.95) * 37.5 < 100 and out.ci_high == 100.0
    assert out.ci_low == pytest.approx(25 - z(0.95) * 37.5)


# -- bad input ---------------------------------------------------------------------------------------------------
def test_missing_columns_are_named(survey):
    with pytest.raises(KeyError, match=r"score column 'nps' is not in the data; available columns: 'score', "
                                       r"'segment', 'weight'"):
        nt.summarize(survey, score="nps")
    with pytest.raises(KeyError, match=r"by column 'region' is not in the data"):
        nt.summarize(survey, by=["segment", "region"])
    with pytest.raises(KeyError, match=r"weights column 'w' is not in the data"):
        nt.summarize(survey, weights="w")


@pytest.mark.parametrize("name", ["n", "promoters", "nps", "n_effective"])
def test_by_column_named_like_a_table_column_is_refused(name):
    # before the fix by="n" silently replaced the group labels by the counts
    df = pd.DataFrame({"score": [10, 0], name: ["a", "b"]})
    with pytest.raises(ValueError, match=rf"by column '{name}' has the name of a summary table column; rename it"):
        nt.summarize(df, by=name)


def test_grouping_by_the_score_itself_is_allowed():
    out = nt.summarize(pd.DataFrame({"score": [10, 0, 10]}), by="score")
    assert out["score"].tolist() == [0, 10]
    assert out["n"].tolist() == [1, 2]
    assert out["nps"].tolist() == [-100.0, 100.0]


def test_not_a_dataframe():
    with pytest.raises(TypeError, match=r"data must be a pandas DataFrame, got list"):
        nt.summarize([10, 9])


def test_unknown_method_lists_the_allowed_ones(survey):
    with pytest.raises(ValueError, match=r"unknown method 'exact'; allowed: 'wald', 'adjusted-wald'"):
        nt.summarize(survey, method="exact")


@pytest.mark.parametrize("confidence", [0, 1, 95, -0.5, math.nan])
def test_confidence_outside_0_1_is_refused(survey, confidence):
    with pytest.raises(ValueError, match=r"confidence must be strictly between 0 and 1 \(e\.g\. 0\.95\)"):
        nt.summarize(survey, confidence=confidence)


@pytest.mark.parametrize("confidence", [True, "0.95", None])
def test_confidence_of_the_wrong_type_is_refused(survey, confidence):
    with pytest.raises(TypeError, match=r"confidence must be a number strictly between 0 and 1"):
        nt.summarize(survey, confidence=confidence)


@pytest.mark.parametrize("values, error, pattern", [
    ([10, 11, 9.5], ValueError, r"column 'q': answers must be whole numbers 0 to 10 .*got 11\.0 \(position 1\), "
                                r"9\.5 \(position 2\)"),
    ([10, True, 9], TypeError, r"column 'q': scores must be numbers, got booleans: True \(position 1\)"),
    (["10", "x", None], TypeError, r"column 'q': scores must be numbers, got text: '10' \(position 0\), "
                                   r"'x' \(position 1\)"),
    ([10, math.inf, 9], ValueError, r"column 'q'.*got inf \(position 1\)"),
])
def test_bad_scores_name_the_column(values, error, pattern):
    df = pd.DataFrame({"q": pd.Series(values, dtype=object), "g": ["a", "b", "c"]})
    with pytest.raises(error, match=pattern):
        nt.summarize(df, score="q", by="g")


@pytest.mark.parametrize("weights, error, pattern", [
    ([1.0, -1.0, 1.0], ValueError, r"wt: weights must be finite, non-negative numbers; got -1\.0 \(position 1\)"),
    ([1.0, 1.0, np.inf], ValueError, r"wt: .*got inf \(position 2\)"),
    ([np.nan, 1.0, 1.0], ValueError, r"wt: .*got nan \(position 0\)"),
    ([True, False, True], TypeError, r"wt: weights must be numbers, got booleans"),
    (["1", "2", "3"], TypeError, r"wt: weights must be numbers, got text: '1' \(position 0\)"),
])
def test_bad_weights_name_the_column(weights, error, pattern):
    df = pd.DataFrame({"score": [10, 8, 0], "wt": weights})
    with pytest.raises(error, match=pattern):
        nt.summarize(df, weights="wt")


# -- invariants (hypothesis) -------------------------------------------------------------------------------------
rows_st = st.lists(
    st.tuples(st.one_of(st.integers(0, 10), st.none()),
              st.one_of(st.sampled_from(["a", "b", "c"]), st.none()),
              st.one_of(st.just(0.0), st.floats(0.01, 20.0))),
    max_size=40)


def make_frame(rows, categorical=False) -> pd.DataFrame:
    df = pd.DataFrame({
        "score": pd.Series([r[0] for r in rows], dtype="float64"),
        "group": pd.Series([r[1] for r in rows], dtype="str"),
        "w": pd.Series([r[2] for r in rows], dtype="float64"),
    })
    if categorical:
        df["group"] = pd.Categorical(df["group"], categories=["a", "b", "c", "d"])
    return df


@FEWER
@given(rows_st, st.booleans())
def test_group_counts_add_up_to_the_overall_counts(rows, categorical):
    df = make_frame(rows, categorical)
    for weights in (None, "w"):
        total = nt.summarize(df, weights=weights).iloc[0]
        groups = nt.summarize(df, by="group", weights=weights)
        for col in ("n", "n_missing", "promoters", "passives", "detractors"):
            assert groups[col].sum() == pytest.approx(total[col]), col
        assert total.n_missing == sum(r[0] is None for r in rows)
    plain = nt.summarize(df).iloc[0]
    assert plain.n + plain.n_missing == len(df)
    assert plain.promoters + plain.passives + plain.detractors == plain.n


@FAST
@given(rows_st)
def test_groups_agree_with_plain_counting(rows):
    df = make_frame(rows)
    out = nt.summarize(df, by="group")
    keys = {r[1] for r in rows}
    assert len(out) == len(keys)
    for key in keys:
        y = [plain_category(r[0]) for r in rows if r[1] == key]
        got = row(out, "group", key)
        present = [v for v in y if v is not None]
        assert (got.promoters, got.passives, got.detractors, got.n_missing) == (
            present.count(1), present.count(0), present.count(-1), len(y) - len(present))
        if present:
            assert got.nps == pytest.approx(100 * sum(present) / len(present))
            assert -100 <= got.nps <= 100


def test_weighted_detractors_only_keep_the_interval_within_the_scale():
    # found by hypothesis in a fresh-clone run: the effective counts of unequal weights gave an NPS of
    # -100.00000000000001, and the bound that holds the estimate went below -100 with it
    rows = [(0, None, 1.09375), (0, None, 1.09375), (0, None, 15.209201913756248)]
    out = nt.summarize(make_frame(rows), by="group", weights="w", method="wald", confidence=0.5)
    assert out["ci_low"].tolist() == [-100.0] and out["ci_high"].tolist() == [-100.0]
    assert out["nps"].tolist() == [-100.0]


@FAST
@given(rows_st, st.sampled_from([None, "w"]), st.floats(0.5, 0.999))
def test_wald_interval_contains_the_estimate(rows, weights, confidence):
    out = nt.summarize(make_frame(rows), by="group", weights=weights, method="wald", confidence=confidence)
    has = out["nps"].notna()  # answered (with weights: answers of positive total weight)
    # 1e-9: weighted intervals are built from effective counts, whose NPS can differ from the table's by
    # one unit in the last place (e.g. -99.99999999999999 vs -100 for a group of detractors; see report)
    assert (out.loc[has, "ci_low"] <= out.loc[has, "nps"] + 1e-9).all()
    assert (out.loc[has, "nps"] <= out.loc[has, "ci_high"] + 1e-9).all()
    if weights is None:
        assert (out.loc[has, "ci_low"] <= out.loc[has, "nps"]).all()
        assert (out.loc[has, "nps"] <= out.loc[has, "ci_high"]).all()
    assert out.loc[has, "nps"].between(-100, 100).all()
    assert out.loc[has, ["ci_low", "ci_high"]].stack().between(-100, 100).all()
    assert out.loc[~has, ["nps", "ci_low", "ci_high"]].isna().all().all()


@FAST
@given(rows_st, st.sampled_from([None, "w"]))
def test_adjusted_wald_interval_contains_the_estimate_from_two_answers(rows, weights):
    out = nt.summarize(make_frame(rows), by="group", weights=weights)
    # weighted: the interval uses the Kish effective n, which must also be at least 2 (tolerance as above)
    size = out["n"] if weights is None else out["n_effective"]
    has = size >= 2
    assert (out.loc[has, "ci_low"] <= out.loc[has, "nps"] + 1e-9).all()
    assert (out.loc[has, "nps"] <= out.loc[has, "ci_high"] + 1e-9).all()


@FEWER
@given(rows_st, st.booleans(), st.sampled_from([None, "w"]))
def test_callers_frame_is_unchanged(rows, categorical, weights):
    df = make_frame(rows, categorical)
    before = df.copy(deep=True)
    nt.summarize(df, by="group", weights=weights)
    nt.summarize(df, by=["group"], weights=weights, method="wald")
    nt.summarize(df, weights=weights)
    pd.testing.assert_frame_equal(df, before)


@FAST
@given(rows_st, st.randoms(use_true_random=False), st.sampled_from([None, "w"]))
def test_shuffling_rows_changes_nothing(rows, rnd, weights):
    shuffled = list(rows)
    rnd.shuffle(shuffled)
    a = nt.summarize(make_frame(rows), by="group", weights=weights)
    b = nt.summarize(make_frame(shuffled), by="group", weights=weights)
    assert a["group"].fillna("<NA>").tolist() == b["group"].fillna("<NA>").tolist()
    pd.testing.assert_frame_equal(a.drop(columns="group"), b.drop(columns="group"), check_exact=False,
                                  rtol=1e-9, atol=1e-9)


# -- complex samples: summarize(design=) ---------------------------------------------------------------------------
CLUSTERED = nt.SurveyDesign(weights="weight", strata="region", psu="store")


def t_quantile(confidence: float, df: int) -> float:
    from scipy import stats

    return float(stats.t.ppf(0.5 + confidence / 2, df))


def test_design_summary_is_the_design_estimates_with_their_interval(complex_sample):
    before = complex_sample.copy()
    out = nt.summarize(complex_sample, by="brand", design=CLUSTERED, method="wald")
    assert list(out.columns) == ["brand"] + COLUMNS + ["weighted_total", "se", "deff", "n_effective", "df"]
    est = nt.design_estimates(complex_sample, design=CLUSTERED, by="brand")  # itself checked against R
    for name in ("n", "n_missing", "nps", "se", "deff", "n_effective", "df", "weighted_total"):
        np.testing.assert_allclose(out[name].to_numpy(float), est[name].to_numpy(float), rtol=1e-12)
    answered = complex_sample[complex_sample["score"].notna()]
    assert out["n"].tolist() == answered.groupby("brand").size().tolist()  # answers, not weights
    promoters = answered[answered["score"] >= 9].groupby("brand")["weight"].sum()
    np.testing.assert_allclose(out["promoters"], promoters.to_numpy(), rtol=1e-12)
    np.testing.assert_allclose(out["promoter_share"] - out["detractor_share"], out["nps"] / 100, atol=1e-12)
    np.testing.assert_allclose(out["ci_low"], out["nps"] - z(0.95) * out["se"], rtol=1e-12)  # R's confint
    np.testing.assert_allclose(out["ci_high"], out["nps"] + z(0.95) * out["se"], rtol=1e-12)
    pd.testing.assert_frame_equal(complex_sample, before)


def test_design_degrees_of_freedom_give_a_t_interval(complex_sample):
    out = nt.summarize(complex_sample, design=CLUSTERED, method="wald", df="design", confidence=0.9)
    assert out["df"].iloc[0] == 28 - 4  # stores minus regions
    half = t_quantile(0.9, 24) * out["se"].iloc[0]
    assert out["ci_low"].iloc[0] == pytest.approx(out["nps"].iloc[0] - half, rel=1e-9)
    assert out["ci_high"].iloc[0] == pytest.approx(out["nps"].iloc[0] + half, rel=1e-9)
    normal = nt.summarize(complex_sample, design=CLUSTERED, method="adjusted-wald")
    wide = nt.summarize(complex_sample, design=CLUSTERED, method="adjusted-wald", df="design")
    assert (wide["ci_high"] - wide["ci_low"]).iloc[0] > (normal["ci_high"] - normal["ci_low"]).iloc[0]


def test_design_adjusted_wald_is_adjusted_wald_at_the_effective_sample_size(complex_sample):
    out = nt.summarize(complex_sample, by="wave", design=CLUSTERED)
    for row in out.itertuples():
        m = row.n / row.deff  # effective answers, shares of the weighted sums, then 0.75 / 1.5 / 0.75 added
        pro, det = row.promoter_share * m + 0.75, row.detractor_share * m + 0.75
        size = m + 3
        p, d = pro / size, det / size
        se = 100 * math.sqrt((p + d - (p - d) ** 2) / size)
        assert row.ci_low == pytest.approx(100 * (p - d) - z(0.95) * se, rel=1e-10)
        assert row.ci_high == pytest.approx(100 * (p - d) + z(0.95) * se, rel=1e-10)
        assert row.n_effective == pytest.approx(m)


def test_a_design_of_independent_rows_has_the_weighted_summary_estimates(complex_sample):
    rows = nt.summarize(complex_sample, by="brand", design=nt.SurveyDesign(weights="weight"))
    weighted = nt.summarize(complex_sample, by="brand", weights="weight")
    for name in ("n", "n_missing", "promoters", "passives", "detractors", "nps", "weighted_total"):
        np.testing.assert_allclose(rows[name].to_numpy(float), weighted[name].to_numpy(float), rtol=1e-12)


def test_design_arguments_are_checked(complex_sample):
    with pytest.raises(ValueError, match="give the weights in the design"):
        nt.summarize(complex_sample, design=CLUSTERED, weights="weight")
    with pytest.raises(ValueError, match="needs a design"):
        nt.summarize(complex_sample, df="design")
    with pytest.raises(ValueError, match="df must be None"):
        nt.summarize(complex_sample, design=CLUSTERED, df="t")
    with pytest.raises(TypeError, match="design must be a SurveyDesign"):
        nt.summarize(complex_sample, design={"psu": "store"})
    with pytest.raises(KeyError, match="psu column 'shop' is not in the data"):
        nt.summarize(complex_sample, design=nt.SurveyDesign(psu="shop"))
    with pytest.raises(ValueError, match="only one PSU"):  # no variance, no degrees of freedom
        nt.summarize(complex_sample.assign(one=1), design=nt.SurveyDesign(psu="one"), df="design")


designs_st = st.sampled_from([dict(weights="weight"), dict(weights="weight", strata="region", psu="store"),
                              dict(weights="weight", strata="region", psu="store", fpc="stores_total"),
                              dict(weights="weight", psu="store",
                                   rake={"gender": {"F": 83000.0, "M": 77000.0}})])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(designs_st, st.floats(0.01, 1000.0), st.sampled_from([None, "brand", ["brand", "wave"]]))
def test_design_estimates_do_not_move_when_every_weight_is_scaled(complex_sample, fields, factor, by):
    """NPS, SE and design effect are ratios: multiplying every weight by a constant changes none of them (the
    weighted totals scale by it); raked weights hit the same totals whatever the scale they start from."""
    design = nt.SurveyDesign(**fields)
    base = nt.summarize(complex_sample, by=by, design=design)
    scaled = nt.summarize(complex_sample.assign(weight=complex_sample["weight"] * factor), by=by, design=design)
    for name in ("nps", "se", "deff", "ci_low", "ci_high", "n_effective"):
        np.testing.assert_allclose(scaled[name], base[name], rtol=1e-8, atol=1e-9)
    ratio = 1.0 if "rake" in fields else factor
    np.testing.assert_allclose(scaled["weighted_total"], base["weighted_total"] * ratio, rtol=1e-9)
    assert ((scaled["ci_low"] <= scaled["nps"]) & (scaled["nps"] <= scaled["ci_high"])).all()
    assert scaled["nps"].between(-100, 100).all()
