"""Tests of nps_toolkit.scoring: NPSScale, categorize, counts, nps, NPSCounts, kish_n, linearised_se.

Expected values come from the seed article's worked example, the R package NPS
reference values (tests/data/reference), hand-written literals, or the same
quantity computed another way in plain Python/numpy (never with the toolkit).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import nps_toolkit as nt
from nps_toolkit.scoring import CATEGORIES, DEFAULT_SCALE, NPSCounts, NPSScale, kish_n, linearised_se, score_codes

FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


# -- independent helpers (plain Python, no toolkit code) ---------------------------------------------------------
def _missing(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def plain_scores(answers) -> list[int]:
    """+1 promoter (9-10), 0 passive (7-8), -1 detractor (0-6); missing answers dropped."""
    return [1 if v >= 9 else 0 if v >= 7 else -1 for v in answers if not _missing(v)]


def plain_nps(answers) -> float:
    y = plain_scores(answers)
    return 100.0 * sum(y) / len(y) if y else math.nan


def plain_counts(answers) -> tuple[int, int, int, int]:
    """(promoters, passives, detractors, missing) by counting."""
    y = plain_scores(answers)
    return y.count(1), y.count(0), y.count(-1), sum(_missing(v) for v in answers)


answers_st = st.lists(st.one_of(st.integers(0, 10), st.none()), max_size=60)
weights_st = st.one_of(st.just(0.0), st.floats(1e-3, 50.0, allow_nan=False, allow_infinity=False))


def answers_and_weights(min_size=0, max_size=40):
    return st.lists(st.tuples(st.one_of(st.integers(0, 10), st.none()), weights_st),
                    min_size=min_size, max_size=max_size)


# -- the seed article and the R package reference ----------------------------------------------------------------
def test_seed_article_worked_example_is_minus_ten():
    answers = [10] * 20 + [8] * 50 + [3] * 30
    assert nt.nps(answers) == pytest.approx(-10.0)
    c = nt.counts(answers)
    assert (c.promoters, c.passives, c.detractors, c.n, c.n_missing) == (20, 50, 30, 100, 0)
    assert c.shares == pytest.approx({"promoters": 0.2, "passives": 0.5, "detractors": 0.3})
    assert NPSCounts(promoters=20, passives=50, detractors=30).nps == pytest.approx(-10.0)


def test_seed_article_example_in_any_order(rng):
    answers = np.array([9] * 20 + [7] * 50 + [0] * 30)
    rng.shuffle(answers)
    assert nt.nps(answers) == pytest.approx(-10.0)


def test_r_package_test_vector():
    # counts (detractors, passives, promoters) = (1, 2, 3): NPS 33.33, variance 5/9, SE 30.429
    c = nt.counts([3, 7, 8, 9, 10, 10])
    assert (c.detractors, c.passives, c.promoters) == (1, 2, 3)
    assert c.nps == pytest.approx(100 / 3)
    assert c.variance == pytest.approx(5 / 9)
    assert c.se == pytest.approx(30.429, abs=5e-4)
    assert c.se == pytest.approx(100 * math.sqrt((5 / 9) / 6))


def test_nps_and_se_match_the_r_package_one_sample_table(r_one_sample):
    wald = r_one_sample[r_one_sample["method"] == "wald"]
    assert len(wald) == 14
    for row in wald.itertuples():
        c = NPSCounts(promoters=row.promoters, passives=row.passives, detractors=row.detractors)
        assert c.nps == pytest.approx(row.nps, abs=1e-8), row
        assert c.se == pytest.approx(row.se, abs=1e-8), row


@pytest.mark.parametrize("score, category", [
    (0, "detractor"), (1, "detractor"), (2, "detractor"), (3, "detractor"), (4, "detractor"), (5, "detractor"),
    (6, "detractor"), (7, "passive"), (8, "passive"), (9, "promoter"), (10, "promoter"),
])
def test_every_answer_of_the_standard_scale_is_categorised(score, category):
    assert nt.categorize([score]).tolist() == [category]
    assert score_codes([score]).tolist() == [{"detractor": 0, "passive": 1, "promoter": 2}[category]]


def test_nps_hand_examples():
    assert nt.nps([10, 9, 8, 3, 0]) == pytest.approx(0.0)
    assert nt.nps([10, 10, 10]) == 100.0
    assert nt.nps([0, 6, 5]) == -100.0
    assert nt.nps([7, 8]) == 0.0
    assert nt.nps([10, None, 0, 9]) == pytest.approx(100 / 3)
    assert math.isnan(nt.nps([]))
    assert math.isnan(nt.nps([None, np.nan]))


# -- accepted kinds of input -------------------------------------------------------------------------------------
@pytest.mark.parametrize("scores", [
    [10, 9.0, 7, 3, None],
    (10, 9, 7, 3, np.nan),
    np.array([10, 9, 7, 3, np.nan]),
    pd.Series([10, 9, 7, 3, None], dtype="Int64"),
    pd.Series([10, 9, 7, 3, None], dtype="Float64"),
    pd.Series([10, 9, 7, 3, None], dtype="float32"),
    pd.Series([10, 9, 7, 3, pd.NA], dtype=object),
    pd.Series(pd.Categorical([10, 9, 7, 3, None], categories=[3, 7, 9, 10, 5])),
    pd.array([10, 9, 7, 3, None], dtype="Int64"),
    [np.int64(10), np.uint8(9), np.float32(7), 3, ""],
    [10, 9, 7, 3, " n/a "],
])
def test_counts_accept_common_containers_and_missing_markers(scores):
    c = nt.counts(scores)
    assert (c.promoters, c.passives, c.detractors, c.n_missing) == (2, 1, 1, 1)
    assert c.nps == pytest.approx(25.0)


def test_blank_text_counts_as_missing_in_a_string_column():
    s = pd.Series(["", None, "  ", "NaN", "none"])
    c = nt.counts(s)
    assert (c.n, c.n_missing) == (0, 5)
    assert math.isnan(c.nps)


def test_categorize_keeps_index_and_name_and_returns_ordered_categories():
    s = pd.Series([10, None, 3, 8], index=["r9", "r1", "r5", "r2"], name="q1")
    out = nt.categorize(s)
    assert list(out.index) == ["r9", "r1", "r5", "r2"]
    assert out.name == "q1"
    assert isinstance(out.dtype, pd.CategoricalDtype) and out.dtype.ordered
    assert list(out.cat.categories) == ["detractor", "passive", "promoter"] == list(CATEGORIES)
    assert out.iloc[0] == "promoter" and pd.isna(out.iloc[1])
    assert out.iloc[2] == "detractor" and out.iloc[3] == "passive"
    assert out.iloc[2] < out.iloc[3] < out.iloc[0]


def test_categorize_list_input_gets_a_range_index():
    out = nt.categorize([0, 9])
    assert list(out.index) == [0, 1] and out.name is None
    assert out.tolist() == ["detractor", "promoter"]


# -- bad input ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("scores, shown", [
    ([3, 11, 9], "11.0 (position 1)"),
    ([-1, 5], "-1.0 (position 0)"),
    ([9.5, 8, 7.25], "9.5 (position 0), 7.25 (position 2)"),
    ([5, math.inf], "inf (position 1)"),
    ([-math.inf, 5], "-inf (position 0)"),
    (np.array([0.0, 10.0, 100.0]), "100.0 (position 2)"),
])
def test_answers_off_the_scale_are_refused_with_positions(scores, shown):
    with pytest.raises(ValueError, match=r"column 'score': answers must be whole numbers 0 to 10 \(missing answers "
                                         r"may be blank\); got " + shown.replace("(", r"\(").replace(")", r"\)")):
        nt.counts(scores)


def test_the_error_names_the_series_column_and_counts_extra_offenders():
    s = pd.Series([11, 12, 13, 14, 15, 16, 17, 5], name="likely_to_recommend")
    with pytest.raises(ValueError, match=r"column 'likely_to_recommend'.*got 11\.0 \(position 0\), .*"
                                         r"15\.0 \(position 4\) and 2 more$"):
        nt.nps(s)


def test_positions_are_row_positions_not_index_labels():
    s = pd.Series([5, 12], index=[100, 200], name="q")
    with pytest.raises(ValueError, match=r"12\.0 \(position 1\)"):
        nt.categorize(s)


@pytest.mark.parametrize("scores, pattern", [
    ([10, True, 3], r"column 'score': scores must be numbers, got booleans: True \(position 1\)"),
    ([np.True_, 3], r"got booleans: True \(position 0\)"),
    (np.array([True, False]), r"column 'score': scores must be numbers, got booleans \(True/False\)"),
    (pd.Series([True, None], dtype="boolean"), r"got booleans"),
    (["10", 9], r"column 'score': scores must be numbers, got text: '10' \(position 0\); clean labelled answers"),
    ([9, "ten"], r"got text: 'ten' \(position 1\).*nt\.clean_scores\(\)"),
    (pd.Series(["9", "x"], name="nps_q"), r"column 'nps_q': scores must be numbers, got text: '9' \(position 0\), "
                                          r"'x' \(position 1\)"),
    ([9, {"a": 1}], r"scores must be numbers, got \{'a': 1\} \(position 1\)"),
    ([9, 1 + 2j], r"scores must be numbers, got \(1\+2j\) \(position 1\)"),
    (pd.Series(pd.to_datetime(["2024-01-01"])), r"scores must be numbers, got datetime64"),
])
def test_non_numbers_are_refused_with_type_error(scores, pattern):
    with pytest.raises(TypeError, match=pattern):
        nt.counts(scores)


@pytest.mark.parametrize("scores, error, pattern", [
    (pd.DataFrame({"score": [1]}), TypeError, r"not a DataFrame; use summarize\(data, score=\.\.\.\)"),
    (7, TypeError, r"score: scores must be a sequence of answers"),
    ("9", TypeError, r"scores must be a sequence of answers.*got '9'"),
    (np.array([[1, 2], [3, 4]]), ValueError, r"scores must be one-dimensional, got shape \(2, 2\)"),
])
def test_wrong_shapes_are_refused(scores, error, pattern):
    with pytest.raises(error, match=pattern):
        nt.categorize(scores)


def test_an_unknown_scale_object_is_refused():
    with pytest.raises(TypeError, match=r"scale must be an NPSScale .*got dict"):
        nt.counts([1, 2], scale={"detractors": [0]})


# -- weights -----------------------------------------------------------------------------------------------------
def test_weighted_counts_by_hand():
    # 10 (w 3) and 0 (w 1): promoters 3, detractors 1, NPS (3 - 1) / 4 = 50
    c = nt.counts([10, 0], weights=[3, 1])
    assert c.weighted
    assert (c.promoters, c.passives, c.detractors) == (3.0, 0.0, 1.0)
    assert c.weights_sq == (9.0, 0.0, 1.0)
    assert c.nps == pytest.approx(50.0)
    assert c.n_effective == pytest.approx(16 / 10)


def test_weighted_counts_of_the_survey_fixture(survey):
    c = nt.counts(survey["score"], weights=survey["weight"])
    # promoters: 10(1), 9(2), 10(2), 9(1) -> 6; passives: 8(1), 7(0.5) -> 1.5; detractors: 6(1.5), 0(1), 3(1) -> 3.5
    assert (c.promoters, c.passives, c.detractors) == pytest.approx((6.0, 1.5, 3.5))
    assert c.n_missing == 1
    y = np.array([1, 1, 0, 0, -1, -1, 1, -1, 1])
    w = np.array([1.0, 2.0, 1.0, 0.5, 1.5, 1.0, 2.0, 1.0, 1.0])
    assert c.nps == pytest.approx(100 * np.average(y, weights=w))
    assert c.n_effective == pytest.approx(w.sum() ** 2 / (w ** 2).sum())


def test_weighted_nps_of_one_category_stays_within_the_bounds():
    # found by hypothesis: 100 * (-w) / w rounded to -100.00000000000001 before the fix
    assert nt.counts([0], weights=[11.001693448081388]).nps == -100.0
    top = nt.counts([10, 9], weights=[11.001693448081388, 0.1]).nps
    assert top == pytest.approx(100.0) and top <= 100.0
    table = nt.summarize(pd.DataFrame({"score": [0], "w": [11.001693448081388]}), weights="w", method="wald")
    assert table["nps"].iloc[0] == -100.0
    assert table["ci_low"].iloc[0] <= table["nps"].iloc[0] <= table["ci_high"].iloc[0]


def test_missing_answers_may_carry_a_missing_weight():
    c = nt.counts([10, None, 0], weights=[2.0, np.nan, 1.0])
    assert (c.promoters, c.detractors, c.n_missing) == (2.0, 1.0, 1)


@pytest.mark.parametrize("weights, error, pattern", [
    ([1, -1, 1], ValueError, r"weights: weights must be finite, non-negative numbers; got -1 \(position 1\)"),
    ([1, np.nan, 1], ValueError, r"got nan \(position 1\)"),
    ([1, 1, math.inf], ValueError, r"got inf \(position 2\)"),
    ([np.float64(-2), 1, 1], ValueError, r"got -2\.0 \(position 0\)"),
    ([1, True, 1], TypeError, r"weights: weights must be numbers, got booleans: True \(position 1\)"),
    (np.array([True, True, False]), TypeError, r"weights must be numbers, got booleans"),
    (["1", "2", "3"], TypeError, r"weights must be numbers, got text: '1' \(position 0\)"),
    ([1, 1], ValueError, r"2 weights given for 3 scores; give one weight per row"),
])
def test_bad_weights_are_refused(weights, error, pattern):
    with pytest.raises(error, match=pattern):
        nt.counts([10, 9, 0], weights=weights)


def test_unit_weights_equal_the_unweighted_result(rng):
    answers = rng.integers(0, 11, size=137)
    plain = nt.counts(answers)
    unit = nt.counts(answers, weights=np.ones(len(answers)))
    assert (unit.promoters, unit.passives, unit.detractors) == (plain.promoters, plain.passives, plain.detractors)
    assert unit.nps == pytest.approx(plain.nps)
    assert unit.se == pytest.approx(plain.se)
    assert unit.n_effective == pytest.approx(plain.n_effective) == pytest.approx(137.0)


def test_linearised_se_equals_the_textbook_ratio_estimator_formula(rng):
    answers = rng.integers(0, 11, size=250)
    w = rng.lognormal(0.0, 0.8, size=250)
    c = nt.counts(answers, weights=w)
    # Taylor linearisation of R = sum(w y) / sum(w): z_i = w_i (y_i - R) / sum(w), var = sum z_i^2
    y = [1 if a >= 9 else 0 if a >= 7 else -1 for a in answers.tolist()]
    total = sum(w.tolist())
    ratio = sum(wi * yi for wi, yi in zip(w.tolist(), y)) / total
    var = sum((wi * (yi - ratio) / total) ** 2 for wi, yi in zip(w.tolist(), y))
    assert c.nps == pytest.approx(100 * ratio)
    assert c.se == pytest.approx(100 * math.sqrt(var))


def test_linearised_se_agrees_with_a_simulation():
    # Weights depend on the answer (promoters are up-weighted), so ignoring them would be visibly wrong.
    sim = np.random.default_rng(7)
    n, reps = 200, 4000
    probs = np.array([0.35, 0.25, 0.40])  # detractor, passive, promoter
    codes = sim.choice(3, p=probs, size=(reps, n))
    y = codes - 1
    w = sim.lognormal(0.0, 0.6, size=(reps, n)) * np.where(codes == 2, 2.5, 1.0)
    estimates = 100 * (w * y).sum(axis=1) / w.sum(axis=1)
    true_sd = estimates.std(ddof=1)
    answers = np.choose(codes, [3, 8, 10])
    ses = [nt.counts(answers[r], weights=w[r]).se for r in range(300)]
    assert np.mean(ses) == pytest.approx(true_sd, rel=0.05)
    # the simulation has power: the unweighted Wald SE is off by far more than the tolerance
    naive = [nt.counts(answers[r]).se for r in range(300)]
    assert abs(np.mean(naive) / true_sd - 1) > 0.10


def test_linearised_se_function_with_unit_weights_is_the_r_value():
    assert float(linearised_se(3, 2, 1, 3, 2, 1)) == pytest.approx(30.4290309725, abs=1e-8)
    out = linearised_se([3, 20], [2, 50], [1, 30], [3, 20], [2, 50], [1, 30])
    assert out == pytest.approx([30.4290309725, 7.0])


def test_kish_n_by_definition():
    w = [1.0, 1.0, 1.0, 3.0]
    assert float(kish_n(sum(w), sum(v * v for v in w))) == pytest.approx(36 / 12)
    assert float(kish_n(4.0, 4.0)) == 4.0
    assert kish_n([0.0, 6.0], [0.0, 12.0]).tolist() == [0.0, 3.0]


# -- NPSCounts ---------------------------------------------------------------------------------------------------
def test_npscounts_shares_and_dict():
    c = NPSCounts(promoters=3, passives=2, detractors=1, n_missing=4)
    assert c.n == 6 and c.n_effective == 6.0 and not c.weighted
    assert c.promoter_share == pytest.approx(0.5)
    assert c.passive_share == pytest.approx(1 / 3)
    assert c.detractor_share == pytest.approx(1 / 6)
    d = c.to_dict()
    assert d["n"] == 6 and d["n_missing"] == 4 and d["nps"] == pytest.approx(100 / 3)
    assert "n_effective" not in d
    assert "NPSCounts" in c._repr_html_() and "33.33" in c._repr_html_()


def test_whole_floats_become_ints():
    c = NPSCounts(promoters=3.0, passives=np.int64(2), detractors=np.float64(1.0))
    assert (c.promoters, c.passives, c.detractors) == (3, 2, 1)
    assert all(type(v) is int for v in (c.promoters, c.passives, c.detractors))


def test_empty_counts_give_nan():
    c = NPSCounts(promoters=0, passives=0, detractors=0, n_missing=3)
    assert c.n == 0
    for value in (c.nps, c.se, c.variance, c.promoter_share, c.passive_share, c.detractor_share):
        assert math.isnan(value)


def test_extreme_counts_have_zero_se():
    assert NPSCounts(promoters=10, passives=0, detractors=0).se == 0.0
    assert NPSCounts(promoters=0, passives=10, detractors=0).se == 0.0
    assert NPSCounts(promoters=0, passives=0, detractors=10).nps == -100.0


@pytest.mark.parametrize("kwargs, error, pattern", [
    (dict(promoters=2.5, passives=1, detractors=1), ValueError,
     r"promoters must be a whole number \(use weights_sq=\.\.\. for weighted sums\), got 2\.5"),
    (dict(promoters=1, passives=0.1, detractors=1), ValueError, r"passives must be a whole number"),
    (dict(promoters=1, passives=1, detractors=-1), ValueError,
     r"detractors must be a finite, non-negative count, got -1"),
    (dict(promoters=math.nan, passives=1, detractors=1), ValueError, r"promoters must be a finite, non-negative"),
    (dict(promoters=math.inf, passives=1, detractors=1), ValueError, r"promoters must be a finite, non-negative"),
    (dict(promoters=True, passives=1, detractors=1), TypeError, r"promoters must be a number, got True"),
    (dict(promoters="3", passives=1, detractors=1), TypeError, r"promoters must be a number, got '3'"),
    (dict(promoters=1, passives=1, detractors=1, n_missing=0.5), ValueError, r"n_missing must be a whole number"),
    (dict(promoters=1, passives=1, detractors=1, weights_sq=(1, 1)), ValueError,
     r"weights_sq must hold three sums of squared weights"),
    (dict(promoters=1.5, passives=1, detractors=1, weights_sq=(1, -1, 1)), ValueError,
     r"weights_sq must be a finite, non-negative count, got -1"),
    (dict(promoters=1.5, passives=1, detractors=1, n_missing=1.5, weights_sq=(1, 1, 1)), ValueError,
     r"n_missing must be a whole number"),
])
def test_npscounts_refuses_bad_counts(kwargs, error, pattern):
    with pytest.raises(error, match=pattern):
        NPSCounts(**kwargs)


def test_weighted_counts_may_be_fractional():
    c = NPSCounts(promoters=2.5, passives=1.0, detractors=0.5, weights_sq=(3.25, 1.0, 0.25))
    assert c.weighted and c.n == 4.0
    assert c.nps == pytest.approx(100 * (2.5 - 0.5) / 4)
    assert c.n_effective == pytest.approx(16 / 4.5)
    assert c.to_dict()["n_effective"] == pytest.approx(16 / 4.5)


def test_adding_counts_by_hand():
    total = NPSCounts(promoters=20, passives=50, detractors=30, n_missing=2) + \
        NPSCounts(promoters=10, passives=0, detractors=0, n_missing=1)
    assert (total.promoters, total.passives, total.detractors, total.n, total.n_missing) == (30, 50, 30, 110, 3)
    assert total.nps == 0.0 and not total.weighted


def test_adding_weighted_and_unweighted_counts_treats_the_latter_as_unit_weights():
    a = nt.counts([10, 8, 0], weights=[2.0, 1.0, 0.5])
    b = nt.counts([9, 3])
    total = a + b
    expected = nt.counts([10, 8, 0, 9, 3], weights=[2.0, 1.0, 0.5, 1.0, 1.0])
    assert total.weighted
    assert (total.promoters, total.passives, total.detractors) == pytest.approx((3.0, 1.0, 1.5))
    assert total.weights_sq == pytest.approx(expected.weights_sq)
    assert total.weights_sq == pytest.approx((5.0, 1.0, 1.25))


def test_adding_something_else_is_a_type_error():
    with pytest.raises(TypeError):
        NPSCounts(promoters=1, passives=1, detractors=1) + 3


# -- custom scales -----------------------------------------------------------------------------------------------
FIVE = NPSScale(detractors=range(1, 4), passives=[4], promoters=[5])
ALT = NPSScale(detractors=range(0, 5), passives=range(5, 8), promoters=range(8, 11))


def test_default_scale_is_the_standard_question():
    assert DEFAULT_SCALE == NPSScale(detractors=[6, 5, 4, 3, 2, 1, 0], passives=[8, 7], promoters=[10, 9])
    assert DEFAULT_SCALE.detractors == (0, 1, 2, 3, 4, 5, 6)
    assert DEFAULT_SCALE.values == tuple(range(11))
    assert (DEFAULT_SCALE.minimum, DEFAULT_SCALE.maximum) == (0, 10)


def test_five_point_scale_end_to_end():
    answers = [1, 2, 3, 4, 5, 5, None]
    assert (FIVE.minimum, FIVE.maximum, FIVE.values) == (1, 5, (1, 2, 3, 4, 5))
    c = nt.counts(answers, scale=FIVE)
    assert (c.promoters, c.passives, c.detractors, c.n_missing) == (2, 1, 3, 1)
    assert nt.nps(answers, scale=FIVE) == pytest.approx(100 * (2 - 3) / 6)
    assert nt.categorize(answers, scale=FIVE).tolist()[:5] == ["detractor"] * 3 + ["passive", "promoter"]
    with pytest.raises(ValueError, match=r"answers must be whole numbers 1 to 5 .*got 0\.0 \(position 1\), "
                                         r"6\.0 \(position 2\)"):
        nt.counts([5, 0, 6], scale=FIVE)


def test_zero_to_ten_scale_with_other_cut_points():
    answers = [0, 4, 5, 7, 8, 10]
    c = nt.counts(answers, scale=ALT)
    assert (c.promoters, c.passives, c.detractors) == (2, 2, 2)
    assert nt.categorize(answers, scale=ALT).tolist() == ["detractor", "detractor", "passive", "passive",
                                                          "promoter", "promoter"]
    # the same answers on the standard scale: 10 is the only promoter, 7 and 8 passives
    assert nt.counts(answers).promoters == 1


def test_scale_without_passives_and_with_negative_values():
    no_pas = NPSScale(detractors=range(0, 6), passives=[], promoters=range(6, 11))
    assert nt.categorize([5, 6], scale=no_pas).tolist() == ["detractor", "promoter"]
    centred = NPSScale(detractors=[-2, -1], passives=[0], promoters=[1, 2])
    assert nt.nps([-2, 0, 2, 2], scale=centred) == pytest.approx(25.0)


@pytest.mark.parametrize("kwargs, error, pattern", [
    (dict(detractors=range(0, 7), passives=[6, 7, 8], promoters=[9, 10]), ValueError,
     r"NPSScale categories must be disjoint; values in more than one: \[6\]"),
    (dict(detractors=range(0, 7), passives=[8], promoters=[9, 10]), ValueError,
     r"NPSScale must cover every whole number from 0 to 10; missing: \[7\]"),
    (dict(detractors=[1, 2], passives=[], promoters=[5]), ValueError, r"from 1 to 5; missing: \[3, 4\]"),
    (dict(detractors=[9, 10], passives=[7, 8], promoters=range(0, 7)), ValueError,
     r"NPSScale categories must be ordered: every detractor value below every passive value"),
    (dict(detractors=[1, 2, 4], passives=[3], promoters=[5]), ValueError, r"must be ordered"),
    (dict(detractors=[], passives=[1], promoters=[2]), ValueError,
     r"needs at least one detractor and one promoter"),
    (dict(detractors=[0.5, 1], passives=[2], promoters=[3]), TypeError,
     r"NPSScale detractors must be whole numbers, got 0\.5"),
    (dict(detractors=[0], passives=[True], promoters=[2]), TypeError, r"NPSScale passives must be whole numbers"),
])
def test_bad_scales_are_refused(kwargs, error, pattern):
    with pytest.raises(error, match=pattern):
        NPSScale(**kwargs)


# -- invariants (hypothesis) -------------------------------------------------------------------------------------
@FAST
@given(answers_st)
def test_counts_agree_with_plain_counting(answers):
    c = nt.counts(answers)
    assert (c.promoters, c.passives, c.detractors, c.n_missing) == plain_counts(answers)
    assert c.promoters + c.passives + c.detractors == c.n
    assert c.n + c.n_missing == len(answers)
    if c.n:
        assert -100.0 <= c.nps <= 100.0
        assert c.nps == pytest.approx(plain_nps(answers))
        assert c.se >= 0 and math.isfinite(c.se)
    else:
        assert math.isnan(c.nps)


@FAST
@given(answers_st, answers_st)
def test_counts_of_a_concatenation_are_the_sum_of_counts(a, b):
    assert nt.counts(a + b) == nt.counts(a) + nt.counts(b)


@FAST
@given(answers_and_weights(), answers_and_weights())
def test_weighted_counts_of_a_concatenation_are_the_sum_of_counts(a, b):
    def cnt(pairs):
        return nt.counts([s for s, _ in pairs], weights=[w for _, w in pairs])
    total, both = cnt(a) + cnt(b), cnt(a + b)
    assert total.n_missing == both.n_missing
    assert (total.promoters, total.passives, total.detractors) == pytest.approx(
        (both.promoters, both.passives, both.detractors))
    assert total.weights_sq == pytest.approx(both.weights_sq)


@FAST
@given(answers_and_weights(min_size=1))
def test_weighted_nps_is_the_weighted_mean_score(pairs):
    answers = [s for s, _ in pairs]
    weights = [w for _, w in pairs]
    c = nt.counts(answers, weights=weights)
    kept = [(s, w) for s, w in pairs if s is not None]
    total = sum(w for _, w in kept)
    assert c.n == pytest.approx(total)
    assert c.n_missing == len(pairs) - len(kept)
    if total > 0:
        y = plain_scores([s for s, _ in kept])
        assert c.nps == pytest.approx(100 * np.average(y, weights=[w for _, w in kept]), abs=1e-9)
        assert -100.0 <= c.nps <= 100.0
        assert c.n_effective == pytest.approx(total ** 2 / sum(w * w for _, w in kept))
    else:
        assert math.isnan(c.nps)


@FAST
@given(st.lists(st.integers(0, 10), min_size=1, max_size=60))
def test_unit_weights_change_nothing(answers):
    plain, unit = nt.counts(answers), nt.counts(answers, weights=[1.0] * len(answers))
    assert unit.nps == pytest.approx(plain.nps, abs=1e-9)
    assert unit.se == pytest.approx(plain.se, abs=1e-9)
    assert unit.n_effective == pytest.approx(len(answers))


@FAST
@given(answers_and_weights(), st.randoms(use_true_random=False))
def test_shuffling_changes_nothing(pairs, rnd):
    shuffled = list(pairs)
    rnd.shuffle(shuffled)
    answers, shuffled_answers = [s for s, _ in pairs], [s for s, _ in shuffled]
    assert nt.counts(answers) == nt.counts(shuffled_answers)
    a = nt.counts(answers, weights=[w for _, w in pairs])
    b = nt.counts(shuffled_answers, weights=[w for _, w in shuffled])
    assert (a.promoters, a.passives, a.detractors) == pytest.approx((b.promoters, b.passives, b.detractors))
    assert sorted(nt.categorize(answers).astype(object).fillna("-")) == \
        sorted(nt.categorize(shuffled_answers).astype(object).fillna("-"))


@FAST
@given(answers_and_weights(), st.sampled_from(["list", "array", "series", "categorical"]))
def test_callers_data_is_unchanged(pairs, kind):
    answers = [s for s, _ in pairs]
    weights = [w for _, w in pairs]
    make = {
        "list": lambda: list(answers),
        "array": lambda: np.array([np.nan if v is None else v for v in answers], dtype=float),
        "series": lambda: pd.Series(answers, dtype="Float64", index=[f"r{i}" for i in range(len(answers))]),
        "categorical": lambda: pd.Series(pd.Categorical(answers, categories=list(range(11)))),
    }[kind]
    scores, reference = make(), make()
    w = pd.Series(weights, dtype=float)
    w_reference = w.copy()
    nt.counts(scores)
    nt.counts(scores, weights=w)
    nt.nps(scores, weights=w)
    nt.categorize(scores)
    score_codes(scores)
    if kind == "list":
        assert scores == reference
    elif kind == "array":
        np.testing.assert_array_equal(scores, reference)
    else:
        pd.testing.assert_series_equal(scores, reference)
    pd.testing.assert_series_equal(w, w_reference)


@FAST
@given(st.lists(st.one_of(st.integers(0, 10), st.none()), max_size=30), st.data())
def test_categorize_keeps_the_index_and_agrees_with_plain_rules(answers, data):
    labels = data.draw(st.lists(st.text(max_size=3), min_size=len(answers), max_size=len(answers), unique=True))
    s = pd.Series(answers, index=labels, dtype="Float64", name="q")
    out = nt.categorize(s)
    assert list(out.index) == labels and out.name == "q"
    expected = [None if v is None else "promoter" if v >= 9 else "passive" if v >= 7 else "detractor"
                for v in answers]
    assert [None if pd.isna(v) else v for v in out.tolist()] == expected


@FAST
@given(st.lists(st.integers(1, 5), max_size=40))
def test_five_point_scale_counts_agree_with_plain_counting(answers):
    c = nt.counts(answers, scale=FIVE)
    assert (c.promoters, c.passives, c.detractors) == (answers.count(5), answers.count(4),
                                                       sum(1 for v in answers if v <= 3))
