"""Tests of nps_toolkit.compare: two-sample, paired, benchmark and many-group comparisons."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import stats

import nps_toolkit as nt
from nps_toolkit import intervals
from nps_toolkit.compare import (BENCHMARK_METHODS, CORRECTIONS, METHODS, Comparison, _benchmark_score,
                                 _Options, adjust_p_values, compare, compare_groups, compare_to_benchmark)
from nps_toolkit.intervals import CountArrays
from nps_toolkit.scoring import NPSCounts, counts

RANDOM = ("bootstrap", "bayes")
needs_interval = {m: pytest.mark.skipif(m not in intervals.METHODS, reason=f"intervals has no {m!r} method yet")
                  for m in BENCHMARK_METHODS}


def nc(promoters, passives, detractors) -> NPSCounts:
    return NPSCounts(promoters=promoters, passives=passives, detractors=detractors)


def answers(promoters, passives, detractors) -> list[int]:
    return [10] * promoters + [8] * passives + [3] * detractors


def z95() -> float:
    return stats.norm.ppf(0.975)


def same(x: Comparison, y: Comparison) -> bool:
    """Equal fields, NaN equal to NaN."""
    return all(u == v or (isinstance(u, float) and isinstance(v, float) and math.isnan(u) and math.isnan(v))
               for u, v in zip(x.to_dict().values(), y.to_dict().values()))


# -- R reference ---------------------------------------------------------------------------------------------------
def test_two_sample_matches_r(r_two_sample):
    assert set(r_two_sample["method"]) == {"wald", "adjusted-wald"}
    for row in r_two_sample.itertuples():
        a = nc(row.a_promoters, row.a_passives, row.a_detractors)
        b = nc(row.b_promoters, row.b_passives, row.b_detractors)
        result = compare(a, b, method=row.method)
        # R reports |difference| and the interval around it: negate and swap where nps_a < nps_b
        low, high = (row.R_int_low, row.R_int_high) if row.nps_a >= row.nps_b else (-row.R_int_high, -row.R_int_low)
        low, high = np.clip([low, high], -200, 200)
        assert result.low == pytest.approx(low, abs=1e-6)
        assert result.high == pytest.approx(high, abs=1e-6)
        assert (result.high - result.low) / (2 * z95()) == pytest.approx(row.se, abs=1e-6)
        assert result.p_value == pytest.approx(row.p_value, abs=1e-6, rel=1e-6)
        assert abs(result.statistic) == pytest.approx(row.abs_difference_R / row.se, rel=1e-6)
        assert result.difference == pytest.approx(row.nps_a - row.nps_b, abs=1e-9)  # raw, not adjusted
        assert (result.nps_a, result.nps_b) == pytest.approx((row.nps_a, row.nps_b), abs=1e-6)
        assert result.significant == (row.p_value < 0.05)
        # the same from raw answers
        raw = compare(answers(row.a_promoters, row.a_passives, row.a_detractors),
                      pd.Series(answers(row.b_promoters, row.b_passives, row.b_detractors)), method=row.method)
        assert raw == result


# -- the formulas computed another way ----------------------------------------------------------------------------
def hand_z(a, b, pseudo=(0.0, 0.0, 0.0)):
    """Two-sample z by hand, plain Python: (centre, se) on -100..100."""
    def moments(pro, pas, det):
        pro, pas, det = pro + pseudo[0], pas + pseudo[1], det + pseudo[2]
        n = pro + pas + det
        mean = (pro - det) / n
        var = (pro * (1 - mean) ** 2 + pas * mean ** 2 + det * (1 + mean) ** 2) / n
        return mean, var / n
    ma, va = moments(*a)
    mb, vb = moments(*b)
    return 100 * (ma - mb), 100 * math.sqrt(va + vb)


@pytest.mark.parametrize("a, b", [((20, 50, 30), (25, 30, 45)), ((7, 1, 2), (3, 3, 4)), ((1, 0, 0), (0, 3, 9)),
                                  ((300, 120, 80), (250, 150, 100))])
@pytest.mark.parametrize("confidence", [0.9, 0.95, 0.99])
def test_wald_and_adjusted_wald_by_hand(a, b, confidence):
    z = stats.norm.ppf(0.5 + confidence / 2)
    for method, pseudo in (("wald", (0, 0, 0)), ("adjusted-wald", (0.75, 1.5, 0.75))):
        centre, se = hand_z(a, b, pseudo)
        result = compare(nc(*a), nc(*b), method=method, confidence=confidence)
        assert result.low == pytest.approx(max(centre - z * se, -200), abs=1e-9)
        assert result.high == pytest.approx(min(centre + z * se, 200), abs=1e-9)
        assert result.statistic == pytest.approx(centre / se, rel=1e-9)
        assert result.p_value == pytest.approx(2 * (1 - stats.norm.cdf(abs(centre / se))), abs=1e-12)
        assert result.significant == (result.p_value < 1 - confidence)
        assert result.confidence == confidence and result.method == method


def test_weighted_wald_uses_linearisation_se(rng):
    x, y = rng.integers(0, 11, 80), rng.integers(0, 11, 60)
    wx, wy = rng.uniform(0.2, 3, 80), rng.uniform(0.2, 3, 60)
    a, b = counts(x, weights=wx), counts(y, weights=wy)
    result = compare(a, b, method="wald")
    se = math.sqrt(a.se ** 2 + b.se ** 2)
    assert result.difference == pytest.approx(a.nps - b.nps)
    assert result.low == pytest.approx(a.nps - b.nps - z95() * se)
    assert result.n_a == pytest.approx(wx.sum()) and result.n_b == pytest.approx(wy.sum())
    # the other methods use effective counts: adjusted Wald on shares * Kish n
    eff = [(c.promoter_share * c.n_effective, c.passive_share * c.n_effective, c.detractor_share * c.n_effective)
           for c in (a, b)]
    centre, se = hand_z(*eff, pseudo=(0.75, 1.5, 0.75))
    adjusted = compare(a, b)
    assert (adjusted.low, adjusted.high) == pytest.approx((centre - z95() * se, centre + z95() * se))


def paired_by_loop(a, b, pseudo=False):
    """Mean change and its SE by a plain Python loop over respondents (pairs with a missing answer dropped)."""
    def s(v):
        return 1 if v >= 9 else (0 if v >= 7 else -1)
    changes = [s(x) - s(y) for x, y in zip(a, b) if x is not None and y is not None]
    weights = [1.0] * len(changes)
    if pseudo:  # 3 pseudo-pairs, 0.75 / 1.5 / 0.75 on each margin, independent
        share = {1: 0.25, 0: 0.5, -1: 0.25}
        for sa in share:
            for sb in share:
                changes.append(sa - sb)
                weights.append(3 * share[sa] * share[sb])
    n = sum(weights)
    mean = sum(w * c for w, c in zip(weights, changes)) / n
    var = sum(w * (c - mean) ** 2 for w, c in zip(weights, changes)) / n
    return 100 * mean, 100 * math.sqrt(var / n)


def test_paired_wald_by_loop(rng):
    a = [int(v) for v in rng.integers(0, 11, 150)]
    b = [int(min(10, max(0, v + d))) for v, d in zip(a, rng.integers(-3, 3, 150))]
    a[3], b[10], a[20], b[20] = None, None, None, None
    result = compare(a, b, method="wald", paired=True)
    mean, se = paired_by_loop(a, b)
    assert result.paired and result.n_dropped == 3 and result.n_a == result.n_b == 147
    assert result.difference == pytest.approx(mean, abs=1e-9)
    kept = [(x, y) for x, y in zip(a, b) if x is not None and y is not None]
    assert result.difference == pytest.approx(counts([x for x, _ in kept]).nps - counts([y for _, y in kept]).nps)
    assert result.nps_a == pytest.approx(counts([x for x, _ in kept]).nps)
    assert (result.low, result.high) == pytest.approx((mean - z95() * se, mean + z95() * se), abs=1e-9)
    assert result.statistic == pytest.approx(mean / se)
    adjusted = compare(a, b, paired=True)
    centre, se = paired_by_loop(a, b, pseudo=True)
    assert adjusted.difference == pytest.approx(mean, abs=1e-9)  # reported difference stays raw
    assert (adjusted.low, adjusted.high) == pytest.approx((centre - z95() * se, centre + z95() * se), abs=1e-9)
    # pairing matters: the paired SE is smaller here than the independent one
    independent = compare(a, b, method="wald")
    assert result.high - result.low < independent.high - independent.low


def test_paired_random_methods_near_wald(rng):
    a = rng.integers(0, 11, 3000)
    b = np.clip(a + rng.integers(-3, 2, 3000), 0, 10)
    wald = compare(a, b, paired=True, method="wald")
    for method in RANDOM:
        result = compare(a, b, paired=True, method=method, n_resamples=4000, random_state=5)
        assert result.difference == wald.difference
        assert (result.low, result.high) == pytest.approx((wald.low, wald.high), abs=0.5)
    series = compare(pd.Series(a, index=range(100, 3100)), pd.Series(b), paired=True, method="wald")
    assert series == wald  # aligned by position, not by index


# -- random methods ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("method", RANDOM)
def test_random_methods_near_wald_for_large_n(method):
    a, b = nc(200, 150, 150), nc(180, 160, 160)
    wald = compare(a, b, method="wald")
    result = compare(a, b, method=method, n_resamples=4000, random_state=11)
    assert result.difference == wald.difference
    assert result.low == pytest.approx(wald.low, abs=0.6)
    assert result.high == pytest.approx(wald.high, abs=0.6)
    assert result.p_value == pytest.approx(wald.p_value, abs=0.04)
    assert math.isnan(result.statistic)
    again = compare(a, b, method=method, n_resamples=4000, random_state=11)
    assert same(again, result)  # seeded
    if method == "bayes":
        assert result.probability_a_better == pytest.approx(stats.norm.cdf(wald.statistic), abs=0.03)
        assert result.significant == (result.low > 0 or result.high < 0)
    else:
        assert result.probability_a_better is None


def test_bootstrap_p_value_floor_and_bayes_probability():
    a, b = nc(90, 10, 0), nc(0, 10, 90)
    boot = compare(a, b, method="bootstrap", n_resamples=999, random_state=1)
    assert boot.p_value == pytest.approx(1 / 1000) and boot.significant
    bayes = compare(a, b, method="bayes", n_resamples=999, random_state=1)
    assert bayes.probability_a_better == 1.0 and bayes.p_value == pytest.approx(1 / 1000)
    assert compare(b, a, method="bayes", n_resamples=999, random_state=1).probability_a_better == 0.0


def test_identical_samples_are_symmetric():
    for method in METHODS:
        result = compare(nc(5, 3, 2), nc(5, 3, 2), method=method, random_state=3, n_resamples=500)
        assert result.difference == 0
        assert result.low == pytest.approx(-result.high, abs=1e-9)
        assert result.p_value == pytest.approx(1.0)


# -- hypothesis properties -----------------------------------------------------------------------------------------
count_triples = st.tuples(*[st.integers(0, 25)] * 3).filter(lambda t: sum(t) > 0)
fast = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def assert_mirrored(ab: Comparison, ba: Comparison):
    assert ba.difference == -ab.difference
    assert ba.low == pytest.approx(-ab.high, abs=1e-9)
    assert ba.high == pytest.approx(-ab.low, abs=1e-9)
    assert ba.p_value == pytest.approx(ab.p_value, abs=1e-12)
    assert ba.significant == ab.significant
    assert (ba.nps_a, ba.nps_b, ba.n_a, ba.n_b) == (ab.nps_b, ab.nps_a, ab.n_b, ab.n_a)
    if not math.isnan(ab.statistic):
        assert ba.statistic == pytest.approx(-ab.statistic)
    if ab.probability_a_better is not None:
        assert ba.probability_a_better == pytest.approx(1 - ab.probability_a_better, abs=1e-9)


@fast
@given(a=count_triples, b=count_triples, method=st.sampled_from(list(METHODS)), seed=st.integers(0, 2 ** 32 - 1),
       confidence=st.sampled_from([0.8, 0.95]))
def test_compare_mirrors(a, b, method, seed, confidence):
    opts = {"method": method, "random_state": seed, "n_resamples": 300, "confidence": confidence}
    ab, ba = compare(nc(*a), nc(*b), **opts), compare(nc(*b), nc(*a), **opts)
    assert_mirrored(ab, ba)
    assert -200 <= ab.low <= ab.high <= 200
    assert 0 <= ab.p_value <= 1
    if method == "wald":
        assert ab.low - 1e-9 <= ab.difference <= ab.high + 1e-9


@fast
@given(pairs=st.lists(st.tuples(st.integers(0, 10), st.integers(0, 10)), min_size=1, max_size=40),
       method=st.sampled_from(list(METHODS)), seed=st.integers(0, 2 ** 32 - 1))
def test_paired_compare_mirrors(pairs, method, seed):
    a, b = [x for x, _ in pairs], [y for _, y in pairs]
    opts = {"method": method, "random_state": seed, "n_resamples": 300, "paired": True}
    ab, ba = compare(a, b, **opts), compare(b, a, **opts)
    assert_mirrored(ab, ba)
    if method == "wald":
        assert ab.low - 1e-9 <= ab.difference <= ab.high + 1e-9


@fast
@given(a=count_triples, b=count_triples)
def test_wald_interval_contains_difference(a, b):
    result = compare(nc(*a), nc(*b), method="wald")
    assert result.low - 1e-9 <= result.difference <= result.high + 1e-9
    assert result.low == pytest.approx(max(-200, 2 * result.difference - result.high)) or result.high == 200


@settings(max_examples=150, deadline=None)
@given(p=st.lists(st.one_of(st.floats(0, 1), st.just(math.nan)), min_size=0, max_size=12),
       correction=st.sampled_from(CORRECTIONS))
def test_adjusted_p_values_bounds(p, correction):
    raw = np.asarray(p, dtype=float)
    adjusted = adjust_p_values(raw, correction=correction)
    assert np.array_equal(np.isnan(adjusted), np.isnan(raw))
    ok = ~np.isnan(raw)
    assert np.all(adjusted[ok] >= raw[ok]) and np.all(adjusted[ok] <= 1)
    if correction == "fdr_bh" and ok.any():
        assert adjusted[ok] == pytest.approx(stats.false_discovery_control(raw[ok], method="bh"), abs=1e-12)
    # monotone: a smaller raw p never gets a larger adjusted p
    order = np.argsort(raw[ok], kind="stable")
    assert np.all(np.diff(adjusted[ok][order]) >= -1e-12)


# -- multiple comparisons ------------------------------------------------------------------------------------------
def test_adjust_p_values_literals():
    p = [0.01, 0.04, 0.03, 0.005]
    assert adjust_p_values(p, correction="holm") == pytest.approx([0.03, 0.06, 0.06, 0.02])
    assert adjust_p_values(p, correction="bonferroni") == pytest.approx([0.04, 0.16, 0.12, 0.02])
    assert adjust_p_values(p, correction="fdr_bh") == pytest.approx([0.02, 0.04, 0.04, 0.02])
    assert adjust_p_values(p, correction=None) == pytest.approx(p)
    assert adjust_p_values([0.5, math.nan, 0.4], correction="holm") == pytest.approx([0.8, math.nan, 0.8],
                                                                                      nan_ok=True)
    assert adjust_p_values([0.6, 0.7], correction="bonferroni").tolist() == [1.0, 1.0]
    with pytest.raises(ValueError, match="unknown correction 'sidak'; allowed: 'holm', 'bonferroni', 'fdr_bh', None"):
        adjust_p_values(p, correction="sidak")


# -- compare_to_benchmark ------------------------------------------------------------------------------------------
def test_benchmark_wald_and_adjusted_by_hand():
    c = nc(600, 250, 150)
    result = compare_to_benchmark(c, 40, method="wald")
    se = 100 * math.sqrt((0.6 + 0.15 - 0.45 ** 2) / 1000)
    assert result.difference == pytest.approx(5) and result.statistic == pytest.approx(5 / se)
    assert result.p_value == pytest.approx(2 * stats.norm.sf(5 / se))
    assert (result.low, result.high) == pytest.approx((5 - z95() * se, 5 + z95() * se))
    assert result.nps_b == 40 and result.n_b is None and result.benchmark and result.n_a == 1000
    assert str(result).startswith("NPS - 40 = 5.0 (95% CI 0.4 to 9.6), p = 0.033, significant; wald")
    adjusted = compare_to_benchmark(c, 40)
    ci = intervals.confint(c)
    assert (adjusted.low, adjusted.high) == pytest.approx((ci.low - 40, ci.high - 40))
    pro, det, n = 600.75, 150.75, 1003
    centre = 100 * (pro - det) / n
    se = 100 * math.sqrt((pro / n + det / n - ((pro - det) / n) ** 2) / n)
    assert adjusted.statistic == pytest.approx((centre - 40) / se)
    assert adjusted.difference == pytest.approx(5)  # raw


@pytest.mark.parametrize("method", ["wald", "adjusted-wald"])
@pytest.mark.parametrize("benchmark", [-100, -30, 0, 12.5, 44, 45, 100])
def test_benchmark_significance_agrees_with_interval(method, benchmark):
    result = compare_to_benchmark(answers(45, 30, 25), benchmark, method=method)
    assert result.significant == (result.low > 0 or result.high < 0)
    assert result.low <= result.high


def test_benchmark_score_test_inverts_r_score_interval(r_one_sample):
    """At R's score bounds the score test's p-value equals 1 - confidence."""
    opts = _Options(100, np.random.default_rng(0), (1.0, 1.0, 1.0))
    for row in r_one_sample[r_one_sample["method"] == "score"].itertuples():
        arrays = CountArrays.from_arrays([row.promoters], [row.passives], [row.detractors])
        for bound, alpha in ((row.ci95_low, 0.05), (row.ci95_high, 0.05), (row.ci90_low, 0.1), (row.ci90_high, 0.1)):
            if abs(bound) < 100:
                p, _ = _benchmark_score(arrays, bound, opts)
                assert p[0] == pytest.approx(alpha, abs=2e-4)


@needs_interval["score"]
def test_benchmark_score_public():
    result = compare_to_benchmark(nc(18, 20, 12), 30, method="score")
    assert result.significant == (result.low > 0 or result.high < 0)
    ci = intervals.confint(nc(18, 20, 12), method="score")
    assert (result.low, result.high) == pytest.approx((ci.low - 30, ci.high - 30))


@pytest.mark.parametrize("method", [pytest.param(m, marks=needs_interval[m]) for m in RANDOM])
def test_benchmark_random_methods(method):
    c = nc(220, 310, 470)
    wald = compare_to_benchmark(c, 22, method="wald")
    result = compare_to_benchmark(c, 22, method=method, n_resamples=4000, random_state=3)
    assert result.difference == wald.difference
    assert result.p_value == pytest.approx(wald.p_value, abs=0.04)
    assert (result.low, result.high) == pytest.approx((wald.low, wald.high), abs=0.6)
    if method == "bayes":
        assert result.probability_a_better == pytest.approx(stats.norm.cdf(wald.statistic), abs=0.03)


def test_benchmark_bad_values():
    for bad in (True, "30", None, [30]):
        with pytest.raises(TypeError, match="benchmark must be an NPS number"):
            compare_to_benchmark([10, 9, 3], bad)
    for bad in (-100.5, 101, math.nan, math.inf):
        with pytest.raises(ValueError, match="benchmark must be an NPS number between -100 and 100"):
            compare_to_benchmark([10, 9, 3], bad)
    with pytest.raises(ValueError, match="unknown method 'exact'; allowed: 'wald', 'adjusted-wald', 'score'"):
        compare_to_benchmark([10, 9, 3], 0, method="exact")
    with pytest.raises(ValueError, match="no answers"):
        compare_to_benchmark([None, None], 0)


def test_benchmark_weighted(rng):
    x, w = rng.integers(0, 11, 200), rng.uniform(0.5, 2, 200)
    c = counts(x, weights=w)
    result = compare_to_benchmark(x, 10, weights=w, method="wald")
    assert result.statistic == pytest.approx((c.nps - 10) / c.se)
    assert result == compare_to_benchmark(c, 10, method="wald")


# -- compare_groups ------------------------------------------------------------------------------------------------
@pytest.fixture
def brands(rng) -> pd.DataFrame:
    sizes = {"alpha": 400, "beta": 300, "gamma": 250, "delta": 150}
    shares = {"alpha": (0.6, 0.25, 0.15), "beta": (0.35, 0.35, 0.3), "gamma": (0.3, 0.3, 0.4),
              "delta": (0.38, 0.3, 0.32)}
    parts = []
    for name, n in sizes.items():
        cat = rng.choice([10, 8, 4], size=n, p=shares[name])
        parts.append(pd.DataFrame({"score": cat, "brand": name, "w": rng.uniform(0.5, 2.0, n)}))
    df = pd.concat(parts, ignore_index=True)
    df.loc[::37, "score"] = np.nan
    return df


def test_groups_against_reference_equal_compare(brands):
    before = brands.copy()
    for method in ("wald", "adjusted-wald"):
        table = compare_groups(brands, by="brand", reference="beta", method=method, confidence=0.9,
                               random_state=1)
        assert list(table.columns) == ["brand", "n", "nps", "ci_low", "ci_high", "difference", "diff_low",
                                       "diff_high", "p_value", "p_value_adjusted", "significant", "p_best"]
        assert table["brand"].tolist() == sorted(brands["brand"].unique())
        ref = brands.loc[brands["brand"] == "beta", "score"]
        for row in table.itertuples():
            mine = brands.loc[brands["brand"] == row.brand, "score"]
            assert row.n == mine.notna().sum()
            ci = intervals.confint(mine, method=method, confidence=0.9)
            assert (row.nps, row.ci_low, row.ci_high) == pytest.approx((ci.estimate, ci.low, ci.high))
            if row.brand == "beta":
                assert math.isnan(row.difference) and math.isnan(row.p_value) and not row.significant
                continue
            expected = compare(mine, ref, method=method, confidence=0.9)
            assert (row.difference, row.diff_low, row.diff_high, row.p_value) == pytest.approx(
                (expected.difference, expected.low, expected.high, expected.p_value), abs=1e-9)
        ok = table["p_value"].notna()
        assert table.loc[ok, "p_value_adjusted"].to_numpy() == pytest.approx(
            adjust_p_values(table.loc[ok, "p_value"], correction="holm"))
        assert (table["significant"] == (table["p_value_adjusted"] < 0.1)).all()
    pd.testing.assert_frame_equal(brands, before)


@pytest.mark.parametrize("method", ["wald", "adjusted-wald"])
def test_groups_against_the_rest_and_weights(brands, method):
    table = compare_groups(brands, by="brand", method=method, weights="w", correction="bonferroni")
    assert "n_effective" in table.columns
    for row in table.itertuples():
        inside = brands["brand"] == row.brand
        mine = counts(brands.loc[inside, "score"], weights=brands.loc[inside, "w"])
        rest = counts(brands.loc[~inside, "score"], weights=brands.loc[~inside, "w"])
        expected = compare(mine, rest, method=method)
        assert (row.difference, row.diff_low, row.diff_high, row.p_value) == pytest.approx(
            (expected.difference, expected.low, expected.high, expected.p_value), rel=1e-9, abs=1e-9)
        assert row.weighted_total == pytest.approx(mine.n) and row.n_effective == pytest.approx(mine.n_effective)
        assert row.n == int((inside & brands["score"].notna()).sum())  # answers, not their weights
    assert table["p_value_adjusted"].to_numpy() == pytest.approx(np.minimum(1, 4 * table["p_value"].to_numpy()))
    unweighted = compare_groups(brands, by="brand", reference=None, correction=None)
    for row in unweighted.itertuples():
        inside = brands["brand"] == row.brand
        expected = compare(brands.loc[inside, "score"], brands.loc[~inside, "score"])
        assert row.p_value == pytest.approx(expected.p_value) and row.p_value_adjusted == row.p_value


def test_p_best(brands):
    table = compare_groups(brands, by="brand", reference="alpha", random_state=7, n_resamples=5000)
    assert table["p_best"].sum() == pytest.approx(1.0)
    assert table.sort_values("p_best", ascending=False)["brand"].iloc[0] == "alpha"
    assert table.loc[table["brand"] == "alpha", "p_best"].iloc[0] > 0.99
    again = compare_groups(brands, by="brand", reference="alpha", random_state=7, n_resamples=5000)
    pd.testing.assert_frame_equal(table, again)
    close = pd.DataFrame({"score": [10, 3] * 50 + [10, 3] * 50, "g": ["x"] * 100 + ["y"] * 100})
    even = compare_groups(close, by="g", random_state=2)
    assert even["p_best"].tolist() == pytest.approx([0.5, 0.5], abs=0.02)


@pytest.mark.parametrize("method", [pytest.param(m, marks=needs_interval[m]) for m in RANDOM])
def test_groups_random_methods(brands, method):
    table = compare_groups(brands, by="brand", reference="beta", method=method, n_resamples=3000, random_state=4)
    wald = compare_groups(brands, by="brand", reference="beta", method="wald")
    other = table["brand"] != "beta"
    assert table.loc[other, "diff_low"].to_numpy() == pytest.approx(wald.loc[other, "diff_low"].to_numpy(), abs=2)
    assert table["p_best"].sum() == pytest.approx(1.0)


def test_groups_empty_and_missing_group_values():
    df = pd.DataFrame({"score": [10, 9, 3, 8, 10, 0, None, 7],
                       "g": pd.Categorical(["a", "a", "a", "b", "b", "b", "c", None], categories=["a", "b", "c", "d"])})
    table = compare_groups(df, by="g", reference="a", random_state=0)
    empty = table[table["g"].isin(["c", "d"])]
    assert (empty["n"] == 0).all()
    for col in ("nps", "ci_low", "difference", "diff_low", "p_value", "p_value_adjusted", "p_best"):
        assert empty[col].isna().all()
    assert not empty["significant"].any()
    assert table["p_best"].sum() == pytest.approx(1.0)
    assert len(table) == 5 and table["g"].isna().sum() == 1  # the missing group value is its own group
    rest = compare_groups(df, by="g", random_state=0)
    assert rest["p_value"].notna().sum() == 3


def test_groups_bad_input(brands):
    with pytest.raises(ValueError, match=r"unknown correction 'sidak'; allowed: 'holm', 'bonferroni', 'fdr_bh', None"):
        compare_groups(brands, by="brand", correction="sidak")
    with pytest.raises(ValueError, match="reference 'omega' is not a group of column 'brand'; groups: 'alpha', "
                                         "'beta', 'delta', 'gamma'"):
        compare_groups(brands, by="brand", reference="omega")
    with pytest.raises(KeyError, match="group column 'nope'"):
        compare_groups(brands, by="nope")
    with pytest.raises(ValueError, match="unknown method"):
        compare_groups(brands, by="brand", method="score")
    empty_ref = brands.assign(score=np.where(brands["brand"] == "beta", np.nan, brands["score"]))
    with pytest.raises(ValueError, match="reference group 'beta' has no answers"):
        compare_groups(empty_ref, by="brand", reference="beta")


@pytest.mark.parametrize("method", list(METHODS))
def test_groups_old_names_warn_and_give_the_same_table(brands, method):
    new = compare_groups(brands, by="brand", reference="beta", method=method, n_resamples=2000, random_state=5)
    with pytest.warns(DeprecationWarning, match="'group' is renamed 'by'"):
        old = compare_groups(brands, group="brand", reference="beta", method=method, n_resamples=2000,
                             random_state=5)
    pd.testing.assert_frame_equal(old, new)
    with pytest.warns(DeprecationWarning, match="'n_draws' is renamed 'n_resamples'"):
        old = compare_groups(brands, by="brand", reference="beta", method=method, n_draws=2000, random_state=5)
    pd.testing.assert_frame_equal(old, new)
    assert new.attrs["group"] == "brand"  # the attrs key of the release before by=
    with pytest.raises(TypeError, match="got both 'group' and its new name 'by'"):
        compare_groups(brands, by="brand", group="brand")


def test_adjust_p_values_positional_correction_warns():
    p = [0.01, 0.04, 0.03]
    with pytest.warns(DeprecationWarning, match="give 'correction' by name"):
        old = adjust_p_values(p, "bonferroni")
    np.testing.assert_array_equal(old, adjust_p_values(p, correction="bonferroni"))


def test_one_adjusted_wald_formula():
    """compare's adjusted Wald is its Wald on intervals' adjusted counts (ADJUSTMENT, 0.75 / 1.5 / 0.75)."""
    from nps_toolkit.intervals import ADJUSTMENT

    assert ADJUSTMENT == (0.75, 1.5, 0.75)
    a = CountArrays.from_arrays([20, 3], [50, 0], [30, 0])
    b = CountArrays.from_arrays([25, 0], [30, 4], [45, 1])
    opts = _Options(100, np.random.default_rng(0), (1.0, 1.0, 1.0))
    adjusted = METHODS["adjusted-wald"](a, b, 0.95, opts)
    wald = METHODS["wald"](a.adjusted(), b.adjusted(), 0.95, opts)
    for got, want in zip(adjusted, wald):
        np.testing.assert_array_equal(got, want)
    assert a.adjusted().n.tolist() == [103.0, 6.0]


# -- bad input -----------------------------------------------------------------------------------------------------
def test_bad_input():
    a, b = [10, 9, 3], [8, 7, 0]
    with pytest.raises(ValueError, match="unknown method 'score'; allowed: 'wald', 'adjusted-wald', 'bootstrap', "
                                         "'bayes'"):
        compare(a, b, method="score")
    for bad in (0, 1, 95, -0.1):
        with pytest.raises(ValueError, match="confidence must be strictly between 0 and 1"):
            compare(a, b, confidence=bad)
    with pytest.raises(ValueError, match="non-negative"):
        compare(NPSCounts(promoters=-1, passives=2, detractors=3), b)
    with pytest.raises(ValueError, match="whole number"):
        compare(a, NPSCounts(promoters=1.5, passives=2, detractors=3))
    with pytest.raises(ValueError, match="^a: column 'score': answers must be whole numbers 0 to 10"):
        compare([10, 11], b)
    with pytest.raises(ValueError, match="b has no answers"):
        compare(a, [None, None])
    with pytest.raises(ValueError, match="a has no answers"):
        compare(nc(0, 0, 0), b)
    with pytest.raises(ValueError, match=r"len\(a\) = 3 and len\(b\) = 4"):
        compare(a, b + [10], paired=True)
    with pytest.raises(TypeError, match="not NPSCounts"):
        compare(nc(1, 2, 3), nc(3, 2, 1), paired=True)
    with pytest.raises(ValueError, match="no complete pairs"):
        compare([10, None], [None, 3], paired=True)
    with pytest.raises(ValueError, match="prior"):
        compare(a, b, method="bayes", prior=(1, 0, 1))
    with pytest.raises(TypeError, match="n_resamples"):
        compare(a, b, method="bootstrap", n_resamples=10.5)


def test_inputs_unchanged():
    a = pd.Series([10, 9, None, 3, 7], name="q1")
    b = np.array([8.0, 6.0, 10.0, np.nan, 9.0])
    a0, b0 = a.copy(), b.copy()
    for method in METHODS:
        compare(a, b, method=method, n_resamples=200, random_state=1)
        compare(a, b, method=method, paired=True, n_resamples=200, random_state=1)
    pd.testing.assert_series_equal(a, a0)
    np.testing.assert_array_equal(b, b0)


# -- display -------------------------------------------------------------------------------------------------------
def test_text_html_and_dict():
    result = compare(nc(20, 50, 30), nc(25, 30, 45))
    assert str(result) == "a - b = 10.0 (95% CI -11.0 to 30.4), p = 0.36, not significant; adjusted-wald"
    assert "CI [-11.0, 30.4]" in result._repr_html_() and "not significant" in result._repr_html_()
    d = result.to_dict()
    assert d["difference"] == 10.0 and d["method"] == "adjusted-wald" and d["probability_a_better"] is None
    assert json.loads(json.dumps(d))["n_b"] == 100
    bayes = compare(nc(40, 10, 10), nc(10, 10, 40), method="bayes", random_state=1, n_resamples=2000)
    assert "P(a > b) = 1.000" in str(bayes) and "significant" in str(bayes)
    paired = compare([10, 9, None], [3, 9, 8], paired=True)
    assert "paired, n = 2 pairs, 1 dropped" in str(paired)
    bench = compare_to_benchmark([10, 9, 3], 20)
    assert str(bench).startswith("NPS - 20 = 13.3") and "n = 3" in bench._repr_html_()
    with pytest.raises(AttributeError):
        result.difference = 0  # frozen


# -- two weighted samples -----------------------------------------------------------------------------------------
def test_two_weighted_samples_match_the_linearised_formula():
    rng = np.random.default_rng(5)
    x, y = rng.integers(0, 11, 300), rng.integers(0, 11, 200)
    wx, wy = rng.uniform(0.5, 3.0, 300), rng.uniform(0.5, 3.0, 200)
    got = nt.compare(x, y, weights_a=wx, weights_b=wy, method="wald")

    def nps_se(scores, w):  # the weighted mean of +100/0/-100 and its linearised (ratio) SE, written out here
        v = np.where(scores >= 9, 100.0, np.where(scores <= 6, -100.0, 0.0))
        m = np.sum(w * v) / np.sum(w)
        return m, np.sqrt(np.sum((w * (v - m)) ** 2)) / np.sum(w)

    (ma, sa), (mb, sb) = nps_se(x, wx), nps_se(y, wy)
    se = np.hypot(sa, sb)
    assert got.difference == pytest.approx(ma - mb, abs=1e-9)
    assert (got.low, got.high) == pytest.approx((ma - mb - 1.959963985 * se, ma - mb + 1.959963985 * se), abs=1e-6)
    # the same as comparing the weighted counts
    same = nt.compare(nt.counts(x, weights=wx), nt.counts(y, weights=wy), method="wald")
    assert (same.low, same.high, same.p_value) == pytest.approx((got.low, got.high, got.p_value))


def test_unit_weights_change_nothing():
    x, y = [10, 9, 8, 3, 0, 10], [7, 6, 10, 2]
    plain = nt.compare(x, y)
    unit = nt.compare(x, y, weights_a=[1.0] * 6, weights_b=[1.0] * 4)
    assert (unit.difference, unit.low, unit.high) == pytest.approx((plain.difference, plain.low, plain.high))


def test_weights_of_counted_or_paired_samples_are_refused():
    with pytest.raises(ValueError, match="weights_a apply to raw answers"):
        nt.compare(nt.NPSCounts(promoters=1, passives=0, detractors=1), [10], weights_a=[1.0])
    with pytest.raises(TypeError, match="paired=True takes no weights"):
        nt.compare([10, 3], [9, 2], paired=True, weights_b=[1, 1])
    with pytest.raises(nt.DataValueError, match=r"^b: weights: weights must be finite, non-negative") as caught:
        nt.compare([10], [9, 3], weights_b=[1.0, -1.0])
    assert caught.value.positions == [1] and caught.value.role == "weights"


# -- compare_groups of a complex sample (design=) -------------------------------------------------------------------
CLUSTERED = nt.SurveyDesign(weights="weight", strata="region", psu="store")
Z975 = 1.959963984540054


def _design_se(table: pd.DataFrame) -> np.ndarray:
    """The standard error of each difference, read back from its (normal, unclipped) Wald interval."""
    return ((table["diff_high"] - table["difference"]) / Z975).to_numpy(float)


def test_design_difference_matches_r_svycontrast(complex_sample):
    """R: svycontrast(svyby(~y, ~brand, clustered, svymean), Aurora - Corona) (tests/data/survey_reference)."""
    reference = pd.read_csv("tests/data/survey_reference/contrasts.csv")
    want = reference[(reference["design"] == "clustered") & (reference["contrast"] == "Aurora - Corona")].iloc[0]
    got = compare_groups(complex_sample, by="brand", reference="Corona", design=CLUSTERED, method="wald",
                         random_state=1).set_index("brand")
    assert want["estimate"] == pytest.approx(42.946666947496944, abs=1e-12)
    assert got.loc["Aurora", "difference"] == pytest.approx(want["estimate"], abs=1e-6)
    se = (got.loc["Aurora", "diff_high"] - got.loc["Aurora", "difference"]) / Z975
    assert se == pytest.approx(9.3888726527677306, abs=1e-6)
    assert got.loc["Aurora", "difference"] - got.loc["Aurora", "diff_low"] == pytest.approx(Z975 * se, abs=1e-9)
    assert math.isnan(got.loc["Corona", "difference"]) and not got.loc["Corona", "significant"]


def test_design_groups_equal_design_estimates_and_the_design_summary(complex_sample):
    est = nt.design_estimates(complex_sample, design=CLUSTERED, by="brand")
    for method in ("wald", "adjusted-wald"):
        got = compare_groups(complex_sample, by="brand", reference="Aurora", design=CLUSTERED, method=method,
                             random_state=2)
        assert list(got.columns) == ["brand", "n", "nps", "ci_low", "ci_high", "weighted_total", "se", "deff",
                                     "n_effective", "df", "difference", "diff_low", "diff_high", "p_value",
                                     "p_value_adjusted", "significant", "p_best"]
        assert got["brand"].tolist() == est["brand"].tolist()
        for column in ("n", "nps", "se", "deff", "n_effective", "weighted_total", "df"):
            np.testing.assert_allclose(got[column].to_numpy(float), est[column].to_numpy(float), rtol=1e-12)
        summary = nt.summarize(complex_sample, by="brand", design=CLUSTERED, method=method)
        np.testing.assert_allclose(got[["ci_low", "ci_high"]].to_numpy(float),
                                   summary[["ci_low", "ci_high"]].to_numpy(float), rtol=1e-12)
    assert got.attrs["design"] == CLUSTERED and got.attrs["df"] is None and got.attrs["weights"] is None
    np.testing.assert_allclose(got.attrs["covariance"].to_numpy(float), est.attrs["covariance"].to_numpy(float))


def test_design_difference_with_a_reference_is_the_contrast_of_the_groups(complex_sample):
    from nps_toolkit.design import contrast

    est = nt.design_estimates(complex_sample, design=CLUSTERED, by="brand")
    got = compare_groups(complex_sample, by="brand", reference="Borealis", design=CLUSTERED, method="wald")
    for k, brand in enumerate(est["brand"]):
        if brand == "Borealis":
            continue
        c = np.zeros(len(est))
        c[k], c[est["brand"].tolist().index("Borealis")] = 1.0, -1.0
        want = contrast(est, c)
        assert got["difference"].iloc[k] == pytest.approx(want.estimate, abs=1e-9)
        assert _design_se(got)[k] == pytest.approx(want.se, abs=1e-9)


def test_design_difference_against_the_rest_is_the_contrast_of_an_indicator(complex_sample):
    """Everyone else is a domain of its own: an explicit indicator column and contrast [-1, 1]."""
    from nps_toolkit.design import contrast

    got = compare_groups(complex_sample, by="brand", design=CLUSTERED, method="wald").set_index("brand")
    for brand in ("Aurora", "Borealis", "Corona"):
        flagged = complex_sample.assign(mine=complex_sample["brand"] == brand)
        est = nt.design_estimates(flagged, design=CLUSTERED, by="mine")
        assert est["mine"].tolist() == [False, True]
        want = contrast(est, [-1.0, 1.0])
        assert got.loc[brand, "difference"] == pytest.approx(want.estimate, abs=1e-9)
        se = (got.loc[brand, "diff_high"] - got.loc[brand, "difference"]) / Z975
        assert se == pytest.approx(want.se, abs=1e-9)
        assert got.loc[brand, "p_value"] == pytest.approx(2 * stats.norm.sf(abs(want.estimate / want.se)), rel=1e-9)


def test_design_p_values_are_normal_then_holm_adjusted(complex_sample):
    got = compare_groups(complex_sample, by="brand", design=CLUSTERED, method="adjusted-wald")
    se = _design_se(got)
    np.testing.assert_allclose(got["p_value"], 2 * stats.norm.sf(np.abs(got["difference"] / se)), rtol=1e-9)
    np.testing.assert_allclose(got["p_value_adjusted"], adjust_p_values(got["p_value"], correction="holm"))
    assert (got["significant"] == (got["p_value_adjusted"] < 0.05)).all()
    for correction in ("bonferroni", "fdr_bh", None):
        other = compare_groups(complex_sample, by="brand", design=CLUSTERED, correction=correction)
        np.testing.assert_allclose(other["p_value_adjusted"], adjust_p_values(got["p_value"], correction=correction))


def test_design_df_widens_by_t_over_z(complex_sample):
    """28 stores in 4 regions: 24 degrees of freedom, for the groups' intervals and the differences."""
    normal = compare_groups(complex_sample, by="brand", reference="Corona", design=CLUSTERED, method="wald")
    t = compare_groups(complex_sample, by="brand", reference="Corona", design=CLUSTERED, method="wald", df="design")
    assert (t["df"] == 24).all()
    ratio = stats.t.ppf(0.975, 24) / Z975
    compared = t["brand"] != "Corona"
    np.testing.assert_allclose((t["diff_high"] - t["difference"])[compared],
                               ratio * (normal["diff_high"] - normal["difference"])[compared], rtol=1e-9)
    np.testing.assert_allclose((t["difference"] - t["diff_low"])[compared],
                               ratio * (normal["difference"] - normal["diff_low"])[compared], rtol=1e-9)
    se = _design_se(normal)[compared.to_numpy()]
    np.testing.assert_allclose(t["p_value"][compared], 2 * stats.t.sf(np.abs(t["difference"][compared] / se), 24),
                               rtol=1e-9)
    assert (t["p_value"][compared] > normal["p_value"][compared]).all()
    summary = nt.summarize(complex_sample, by="brand", design=CLUSTERED, method="wald", df="design")
    np.testing.assert_allclose(t[["ci_low", "ci_high"]], summary[["ci_low", "ci_high"]], rtol=1e-12)
    assert t.attrs["df"] == "design"


def test_design_of_independent_rows_gives_the_weighted_difference(complex_sample):
    """One PSU per row, no strata: the differences of the weighted table, with an SE of the design's own."""
    design = compare_groups(complex_sample, by="brand", design=nt.SurveyDesign(weights="weight"), method="wald")
    weighted = compare_groups(complex_sample, by="brand", weights="weight", method="wald")
    np.testing.assert_allclose(design["difference"], weighted["difference"], rtol=1e-9)
    np.testing.assert_allclose(design["nps"], weighted["nps"], rtol=1e-9)
    np.testing.assert_allclose(design["weighted_total"], weighted["weighted_total"], rtol=1e-12)
    assert (design["df"] == len(complex_sample) - 1).all()
    # independent rows: var(group - rest) = var(group) + var(rest), each the weighted one times n / (n - 1)
    n = len(complex_sample)
    np.testing.assert_allclose(_design_se(design), np.sqrt(n / (n - 1)) * _design_se(weighted), rtol=1e-6)


def test_design_p_best_draws_the_normal_of_the_groups(complex_sample):
    got = compare_groups(complex_sample, by="brand", design=CLUSTERED, n_resamples=40000, random_state=3)
    assert got["p_best"].sum() == pytest.approx(1.0)
    again = compare_groups(complex_sample, by="brand", design=CLUSTERED, n_resamples=40000, random_state=3)
    assert got["p_best"].tolist() == again["p_best"].tolist()
    # two brands: P(best) = P(difference > 0) of the normal contrast
    two = complex_sample[complex_sample["brand"] != "Aurora"]
    pair = compare_groups(two, by="brand", reference="Corona", design=CLUSTERED, method="wald", n_resamples=40000,
                          random_state=4).set_index("brand")
    borealis = pair.loc["Borealis"]
    d, se = borealis["difference"], (borealis["diff_high"] - borealis["difference"]) / Z975
    assert pair.loc["Borealis", "p_best"] == pytest.approx(stats.norm.cdf(d / se), abs=0.01)


def test_design_groups_without_answers_and_a_missing_group(complex_sample):
    data = complex_sample.copy()
    data.loc[data.index[:40], "brand"] = np.nan
    data["brand"] = pd.Categorical(data["brand"], categories=["Aurora", "Borealis", "Corona", "Delta"])
    got = compare_groups(data, by="brand", design=CLUSTERED, method="wald", random_state=5)
    assert got["brand"].astype(object).iloc[:4].tolist() == ["Aurora", "Borealis", "Corona", "Delta"]
    assert pd.isna(got["brand"].iloc[4]) and len(got) == 5
    delta = got.iloc[3]
    assert delta["n"] == 0 and math.isnan(delta["difference"]) and math.isnan(delta["p_best"])
    assert not delta["significant"]
    assert got["p_best"].sum() == pytest.approx(1.0)
    assert got["p_value"].notna().sum() == 4
    with pytest.raises(ValueError, match="has no answers"):
        compare_groups(data, by="brand", reference="Delta", design=CLUSTERED)
    with pytest.raises(ValueError, match="is not a group of column"):
        compare_groups(data, by="brand", reference="Nowhere", design=CLUSTERED)


def test_design_arguments_are_checked(complex_sample):
    with pytest.raises(ValueError, match="give the weights in the design"):
        compare_groups(complex_sample, by="brand", design=CLUSTERED, weights="weight")
    with pytest.raises(ValueError, match="needs a design"):
        compare_groups(complex_sample, by="brand", df="design")
    with pytest.raises(ValueError, match="df must be None"):
        compare_groups(complex_sample, by="brand", design=CLUSTERED, df=24)
    with pytest.raises(TypeError, match="design must be a SurveyDesign"):
        compare_groups(complex_sample, by="brand", design={"psu": "store"})
    with pytest.raises(nt.ColumnNotFoundError, match="psu column 'shop'"):
        compare_groups(complex_sample, by="brand", design=nt.SurveyDesign(psu="shop"))


def test_design_leaves_the_data_as_it_was(complex_sample):
    data = complex_sample.copy()
    compare_groups(data, by="brand", design=CLUSTERED, df="design", random_state=6)
    compare_groups(data, by="brand", reference="Aurora", design=CLUSTERED, method="bootstrap", n_resamples=200,
                   random_state=6)
    pd.testing.assert_frame_equal(data, complex_sample)


def test_design_of_engine_data_matches_pandas(complex_sample):
    pl = pytest.importorskip("polars")
    got = compare_groups(pl.from_pandas(complex_sample), by="brand", design=CLUSTERED, random_state=7)
    pd.testing.assert_frame_equal(got, compare_groups(complex_sample, by="brand", design=CLUSTERED, random_state=7),
                                  rtol=1e-9, check_dtype=False)


@pytest.mark.parametrize("by, design", [
    ("region", CLUSTERED),  # the groups are the strata
    ("store", CLUSTERED),  # the groups are PSU labels (nested in the regions, so each spans strata)
    ("brand", nt.SurveyDesign(weights="weight", strata="region", psu="store", fpc="stores_total",
                              rake={"gender": {"F": 60000.0, "M": 55000.0}})),
    ("gender", nt.SurveyDesign(weights="weight", rake={"gender": {"F": 60000.0, "M": 55000.0}})),
], ids=["strata", "psu", "raked-fpc", "raked-by-the-margin"])
def test_design_against_the_rest_when_the_groups_are_design_columns(complex_sample, by, design):
    from nps_toolkit.design import contrast

    got = compare_groups(complex_sample, by=by, design=design, method="wald")
    for row in got.itertuples(index=False):
        group = getattr(row, by)
        est = nt.design_estimates(complex_sample.assign(mine=complex_sample[by] == group), design=design, by="mine")
        want = contrast(est, [-1.0, 1.0])
        assert row.difference == pytest.approx(want.estimate, abs=1e-9)
        assert (row.diff_high - row.difference) / Z975 == pytest.approx(want.se, abs=1e-9)
