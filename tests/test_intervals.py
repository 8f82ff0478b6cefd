"""Tests of nps_toolkit.intervals: confint, its methods, margin_of_error and sample_size.

Expected values come from tests/data/reference (the R package NPS and exact
coverage figures) or are computed here another way, never with the code
under test.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st
from scipy import integrate, optimize, special, stats

import nps_toolkit as nt
from nps_toolkit import NPSCounts, counts
from nps_toolkit._resampling import dirichlet_nps
from nps_toolkit.intervals import (METHODS, CountArrays, Interval, check_method, confint, interval_arrays,
                                   margin_of_error, sample_size, z_value)
from nps_toolkit.summary import summarize

ALL = tuple(METHODS)
RANDOM = ("bootstrap", "bca")
R_METHODS = ("wald", "adjusted-wald", "score")
FAST = dict(n_resamples=999, random_state=7)  # bootstrap options for the property tests
PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def nc(promoters, passives, detractors) -> NPSCounts:
    return NPSCounts(promoters=promoters, passives=passives, detractors=detractors)


def answers(promoters, passives, detractors) -> list[int]:
    return [10] * promoters + [7] * passives + [0] * detractors


def arrays(table) -> CountArrays:
    """CountArrays of an (n, 3) table of (promoters, passives, detractors)."""
    table = np.asarray(table)
    return CountArrays.from_arrays(table[:, 0], table[:, 1], table[:, 2])


# -- the R package NPS ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("method", R_METHODS)
@pytest.mark.parametrize("level", [95, 90])
def test_matches_the_r_package(r_one_sample, method, level):
    rows = r_one_sample[r_one_sample.method == method]
    tol = 1e-4 if method == "score" else 1e-8
    for row in rows.itertuples():
        ci = confint(nc(row.promoters, row.passives, row.detractors), method=method, confidence=level / 100)
        # R does not clip to [-100, 100]
        expected = np.clip([getattr(row, f"ci{level}_low"), getattr(row, f"ci{level}_high")], -100, 100)
        assert ci.estimate == pytest.approx(row.nps, abs=1e-9)
        assert [ci.low, ci.high] == pytest.approx(expected, abs=tol), row


@pytest.mark.parametrize("method", ["wald", "adjusted-wald"])
def test_wald_standard_errors_match_the_r_package(r_one_sample, method):
    rows = r_one_sample[r_one_sample.method == method]
    z = stats.norm.ppf(0.975)
    for row in rows.itertuples():
        # the method functions themselves (before clipping): half-width / z is the standard error
        low, high = METHODS[method](arrays([[row.promoters, row.passives, row.detractors]]), 0.95)
        assert (high[0] - low[0]) / (2 * z) == pytest.approx(row.se, abs=1e-8)


def test_r_package_worked_example():
    c = nc(3, 2, 1)
    assert c.nps == pytest.approx(100 / 3)
    assert c.se == pytest.approx(30.429, abs=1e-3)
    ci = confint(c, method="wald")
    assert (ci.high - ci.low) / 2 == pytest.approx(stats.norm.ppf(0.975) * 30.429, abs=1e-2)


# -- the formulas computed another way -----------------------------------------------------------------------------
def test_wald_is_the_mean_of_plus_one_zero_minus_one_scores():
    scores = np.array([1] * 37 + [0] * 41 + [-1] * 22, dtype=float)
    se = scores.std(ddof=0) / math.sqrt(len(scores))
    z = stats.norm.ppf(0.95)
    ci = confint(answers(37, 41, 22), method="wald", confidence=0.9)
    assert ci.estimate == pytest.approx(100 * scores.mean())
    assert [ci.low, ci.high] == pytest.approx([100 * (scores.mean() - z * se), 100 * (scores.mean() + z * se)])


def test_adjusted_wald_is_wald_on_pseudo_observations():
    # 0.75 promoters, 1.5 passives, 0.75 detractors added: as four times the counts plus 3, 6, 3 answers, with
    # the variance of the mean computed on those answers and n scaled back
    pro, pas, det = 12, 20, 18
    scores = np.array([1] * (4 * pro + 3) + [0] * (4 * pas + 6) + [-1] * (4 * det + 3), dtype=float)
    n_adj = pro + pas + det + 3
    mean = scores.mean()
    half = stats.norm.ppf(0.975) * 100 * scores.std(ddof=0) / math.sqrt(n_adj)
    ci = confint(nc(pro, pas, det))
    assert [ci.low, ci.high] == pytest.approx([100 * mean - half, 100 * mean + half])


def _restricted_score_statistic(delta, b, m, c):
    """Tango's statistic with the nuisance share maximised numerically (not the closed form)."""
    n = b + m + c

    def minus_loglik(x):  # x = detractor share, promoter share x + delta
        return -(b * np.log(x + delta) if b else 0) - (c * np.log(x) if c else 0) - (
            m * np.log(1 - 2 * x - delta) if m else 0)

    lo, hi = max(0.0, -delta) + 1e-12, (1 - delta) / 2 - 1e-12
    x = optimize.minimize_scalar(minus_loglik, bounds=(lo, hi), method="bounded",
                                 options=dict(xatol=1e-13)).x
    return (b - c - n * delta) / math.sqrt(n * (2 * x + delta * (1 - delta)))


@pytest.mark.parametrize("table", [(20, 50, 30), (7, 0, 3), (1, 8, 1), (45, 30, 25)])
def test_score_bounds_solve_the_score_equation(table):
    ci = confint(nc(*table), method="score", confidence=0.9)
    z = stats.norm.ppf(0.95)
    assert _restricted_score_statistic(ci.low / 100, *table) == pytest.approx(z, abs=1e-5)
    assert _restricted_score_statistic(ci.high / 100, *table) == pytest.approx(-z, abs=1e-5)


def test_score_all_passives_has_a_closed_form():
    # no promoters or detractors: T(delta) = -sqrt(n delta / (1 - delta)), so delta = z^2 / (n + z^2)
    z = stats.norm.ppf(0.975)
    ci = confint(nc(0, 10, 0), method="score")
    assert ci.high == pytest.approx(100 * z ** 2 / (10 + z ** 2), abs=1e-9)
    assert ci.low == pytest.approx(-ci.high, abs=1e-9)


def _posterior_cdf_by_quad(t, a1, a2, a3):
    """P(P - D <= t) under Dirichlet(a1, a2, a3), by adaptive quadrature over the detractor share."""
    dist = stats.beta(a3, a1 + a2)
    upper = (1 - t) / 2

    def inner(u):
        return dist.pdf(u) * special.betainc(a1, a2, min(max((t + u) / (1 - u), 0.0), 1.0))

    value = integrate.quad(inner, max(-t, 0.0), upper, limit=200, epsabs=1e-12, points=[dist.mean()])[0]
    return dist.sf(upper) + value


@pytest.mark.parametrize("table, prior", [((20, 50, 30), (1, 1, 1)), ((6, 4, 0), (1, 1, 1)),
                                          ((3, 0, 7), (0.5, 0.5, 0.5)), ((0, 10, 0), (1, 1, 1))])
def test_bayes_bounds_are_posterior_quantiles(table, prior):
    ci = confint(nc(*table), method="bayes", prior=prior, confidence=0.9)
    a = [k + p for k, p in zip(table, prior)]
    assert _posterior_cdf_by_quad(ci.low / 100, *a) == pytest.approx(0.05, abs=2e-6)
    assert _posterior_cdf_by_quad(ci.high / 100, *a) == pytest.approx(0.95, abs=2e-6)


def test_bayes_agrees_with_dirichlet_draws():
    tables = np.array([[20, 50, 30], [3, 2, 1], [0, 0, 10], [600, 250, 150], [1, 0, 0]])
    for prior in [(1, 1, 1), (0.5, 0.5, 0.5)]:
        draws = dirichlet_nps(tables[:, 0], tables[:, 1], tables[:, 2], prior=prior, n_resamples=200_000,
                              random_state=3)
        est, low, high = interval_arrays(arrays(tables), method="bayes", prior=prior)
        sd = draws.std(axis=0)
        # Monte Carlo error of a 2.5% quantile from 200,000 draws is about 0.006 sd; at the edges ([0, 0, 10],
        # [1, 0, 0]) the credible interval ends short of the sample's NPS, and the bound is the estimate
        want_low = np.minimum(np.quantile(draws, 0.025, axis=0), est)
        want_high = np.maximum(np.quantile(draws, 0.975, axis=0), est)
        assert np.all(np.abs(low - want_low) < 0.04 * sd)
        assert np.all(np.abs(high - want_high) < 0.04 * sd)


def test_bca_acceleration_is_the_jackknife():
    from nps_toolkit.intervals import _acceleration

    for table in [(40, 5, 5), (2, 40, 8), (10, 30, 10), (1, 0, 0)]:
        y = np.array([1.0] * table[0] + [0.0] * table[1] + [-1.0] * table[2])
        leave_one_out = (y.sum() - y) / (len(y) - 1) if len(y) > 1 else y
        u = leave_one_out.mean() - leave_one_out
        expected = (u ** 3).sum() / (6 * (u ** 2).sum() ** 1.5) if (u ** 2).sum() > 0 else 0.0
        assert _acceleration(arrays([table]))[0] == pytest.approx(expected, abs=1e-12)


def test_bca_agrees_with_scipy_bootstrap():
    table = (40, 5, 5)  # skewed: BCa moves the interval away from the percentile one
    y = 100.0 * np.array([1] * table[0] + [0] * table[1] + [-1] * table[2])
    theirs = stats.bootstrap((y,), np.mean, method="BCa", n_resamples=20_000, rng=1).confidence_interval
    ours = confint(nc(*table), method="bca", n_resamples=20_000, random_state=2)
    # the bootstrap NPS of n = 50 lives on a grid of step 4: the bounds agree up to one step
    assert abs(ours.low - theirs.low) <= 4 + 1e-9
    assert abs(ours.high - theirs.high) <= 4 + 1e-9


# -- Interval ------------------------------------------------------------------------------------------------------
def test_interval_text_html_and_dict():
    ci = confint(nc(20, 50, 30), method="score", confidence=0.9)
    assert isinstance(ci, Interval)
    assert str(ci) == "NPS -10.0 (90% CI -21.4 to 1.6; score, n = 100)"
    html = ci._repr_html_()
    assert "<b>NPS -10.0</b>" in html and "90% CI [-21.4, 1.6]" in html and "effective" not in html
    d = ci.to_dict()
    assert set(d) == {"estimate", "low", "high", "confidence", "method", "n", "n_effective"}
    assert d["method"] == "score" and d["n"] == 100 and d["n_effective"] == 100.0
    json.dumps(d)
    assert ci.width == pytest.approx(ci.high - ci.low)


def test_weighted_interval_shows_effective_n():
    ci = confint([10, 9, 3, 8], weights=[1, 3, 1, 1], method="bayes")
    assert ci.n == 6.0 and ci.n_effective == pytest.approx(36 / 12)
    assert "effective n = 3" in ci._repr_html_()
    assert "n = 6" in str(ci)


# -- methods on arrays ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("method", ALL)
def test_one_call_for_many_groups_equals_one_call_each(method):
    tables = [(20, 50, 30), (0, 0, 4), (1, 0, 0), (0, 7, 0), (33, 12, 55)]
    _, low, high = interval_arrays(arrays(tables), method=method)
    for i, table in enumerate(tables):
        if method in RANDOM:
            continue  # one random stream across the groups: checked for shape and sanity only
        ci = confint(nc(*table), method=method)
        assert [low[i], high[i]] == pytest.approx([ci.low, ci.high], abs=1e-9)
    assert np.all(low <= high)


@pytest.mark.parametrize("method", ALL)
def test_empty_groups_give_nan_and_degenerate_ones_do_not_crash(method):
    tables = [(0, 0, 0), (1, 0, 0), (0, 1, 0), (0, 0, 1), (5, 0, 0), (0, 0, 5), (0, 5, 0), (1, 0, 1)]
    est, low, high = interval_arrays(arrays(tables), method=method, **FAST)
    assert np.isnan(est[0]) and np.isnan(low[0]) and np.isnan(high[0])
    assert np.all(np.isfinite(low[1:])) and np.all(np.isfinite(high[1:]))
    assert np.all((-100 <= low[1:]) & (low[1:] <= high[1:]) & (high[1:] <= 100))


def test_score_degenerate_samples():
    assert confint(nc(10, 0, 0), method="score").high == 100
    assert confint(nc(0, 0, 10), method="score").low == -100
    one = confint(nc(1, 0, 0), method="score")
    assert one.high == 100 and -100 < one.low < 100


def test_bootstrap_is_reproducible_and_random_without_a_seed():
    c = nc(20, 50, 30)
    a = confint(c, method="bootstrap", random_state=5, n_resamples=500)
    assert a == confint(c, method="bootstrap", random_state=5, n_resamples=500)
    gen = np.random.default_rng(5)
    assert confint(c, method="bca", random_state=gen, n_resamples=500).method == "bca"
    lows = {confint(c, method="bootstrap", n_resamples=200).low for _ in range(10)}
    assert len(lows) > 1


def test_summarize_passes_the_method_and_options(survey):
    table = summarize(survey, by="segment", method="bootstrap", n_resamples=500, random_state=1)
    again = summarize(survey, by="segment", method="bootstrap", n_resamples=500, random_state=1)
    assert table[["ci_low", "ci_high"]].equals(again[["ci_low", "ci_high"]])
    scored = summarize(survey, by="segment", method="score")
    for row in scored.itertuples():
        ci = confint(survey.loc[survey.segment == row.segment, "score"], method="score")
        assert [row.ci_low, row.ci_high] == pytest.approx([ci.low, ci.high])


# -- near the adjusted Wald for large n ----------------------------------------------------------------------------
@pytest.mark.parametrize("method", ["bootstrap", "bca", "bayes", "score"])
def test_large_n_agrees_with_adjusted_wald(method):
    c = nc(900, 600, 500)  # n = 2000, SE about 1.9
    ref = confint(c)
    ci = confint(c, method=method, random_state=11)
    # Monte Carlo SE of a bootstrap bound with 9999 resamples is about 0.05; the methods differ by less than 0.1
    tol = 0.3 if method in RANDOM else 0.1
    assert ci.low == pytest.approx(ref.low, abs=tol)
    assert ci.high == pytest.approx(ref.high, abs=tol)


# -- coverage ------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("method", ALL)
def test_simulated_coverage(method):
    rng = np.random.default_rng(2024)
    hits = 0
    total = 0
    for shares, n in [((0.45, 0.30, 0.25), 80), ((0.20, 0.50, 0.30), 40)]:
        draws = rng.multinomial(n, shares, size=400)
        _, low, high = interval_arrays(arrays(draws), method=method, n_resamples=999, random_state=rng)
        truth = 100 * (shares[0] - shares[2])
        hits += int(np.sum((low <= truth + 1e-9) & (high >= truth - 1e-9)))
        total += len(draws)
    coverage = hits / total
    # 800 samples: binomial SE about 0.008; every method is within 92-98% at these n
    assert 0.92 <= coverage <= 0.985, coverage


def _exact_coverage(n, method):
    """Exact coverage at the 45 grid points, enumerating outcomes with nested loops and scipy's multinomial."""
    grid = [round(0.05 + 0.1 * i, 2) for i in range(9)]
    points = [(p, d) for p in grid for d in grid if p + d <= 0.95 + 1e-12]
    outcomes = [(pro, pas, n - pro - pas) for pro in range(n + 1) for pas in range(n + 1 - pro)]
    _, low, high = interval_arrays(arrays(outcomes), method=method)
    coverage, width = [], []
    for p, d in points:
        pmf = stats.multinomial.pmf(np.array(outcomes), n, [p, 1 - p - d, d])
        truth = 100 * (p - d)
        inside = (low <= truth + 1e-9) & (high >= truth - 1e-9)
        coverage.append(pmf[inside].sum())
        width.append(pmf @ (high - low))
    return np.mean(coverage), np.min(coverage), np.mean(width)


@pytest.mark.parametrize("method", R_METHODS)
def test_exact_coverage_by_enumeration(exact_coverage, method):
    ref = exact_coverage[(exact_coverage.method == method) & (exact_coverage.n == 20)].iloc[0]
    mean, low, width = _exact_coverage(20, method)
    assert mean == pytest.approx(ref.mean_coverage, abs=1e-3)
    assert low == pytest.approx(ref.min_coverage, abs=1e-3)
    assert width == pytest.approx(ref.mean_width, abs=0.01)


# -- properties ----------------------------------------------------------------------------------------------------
count = st.integers(min_value=0, max_value=300)
tables = st.tuples(count, count, count).filter(lambda t: sum(t) > 0)


@PROPERTY
@given(table=tables, method=st.sampled_from(ALL))
@example(table=(1, 0, 0), method="adjusted-wald")  # confint([9]) used to end at 98.5 for an NPS of 100
@example(table=(0, 0, 2), method="score")
@example(table=(3, 0, 0), method="bayes")
def test_interval_contains_the_estimate(table, method):
    ci = confint(nc(*table), method=method, **FAST)
    assert ci.low <= ci.estimate + 1e-9 and ci.estimate <= ci.high + 1e-9


@PROPERTY
@given(table=tables, prior=st.sampled_from([(1, 1, 1), (0.5, 0.5, 0.5), (2, 1, 3)]))
def test_bayes_interval_contains_the_posterior_mean(table, prior):
    # a credible interval is centred on the posterior, which shrinks towards the prior: it contains the
    # posterior mean, not necessarily the raw estimate (all promoters: estimate 100, upper bound below 100)
    ci = confint(nc(*table), method="bayes", prior=prior)
    a = np.add(table, prior)
    mean = 100 * (a[0] - a[2]) / a.sum()
    assert ci.low <= mean <= ci.high


def test_an_interval_ends_at_its_estimate_at_the_edges():
    # one promoter: adjusted Wald's pseudo-counts end the interval at 98.5; the toolkit ends it at the NPS itself
    ci = confint([9])
    assert (ci.estimate, ci.high) == (100.0, 100.0)
    assert ci.low == pytest.approx(-48.4986494, abs=1e-6)  # the method's own lower bound is kept
    low = confint([0, 3], method="score")
    assert (low.estimate, low.low) == (-100.0, -100.0) and low.high < 100
    # inside the range nothing changes: the bounds are the method's own (worked example, R package NPS)
    inside = confint(nc(20, 50, 30), method="wald")
    assert inside.low < inside.estimate < inside.high


def test_bayes_at_the_edge_holds_both_the_estimate_and_the_posterior():
    ci = confint(nc(10, 0, 0), method="bayes")
    assert ci.estimate == 100 and ci.high == 100
    assert ci.low < 100 * (11 - 1) / 13 < ci.high  # the posterior mean with the flat prior


@PROPERTY
@given(table=tables, method=st.sampled_from(ALL))
def test_interval_narrows_with_four_times_the_answers(table, method):
    small = confint(nc(*table), method=method, **FAST)
    large = confint(nc(*(4 * k for k in table)), method=method, **FAST)
    assert large.width <= small.width + 1e-9


@PROPERTY
@given(table=tables, method=st.sampled_from(ALL), confidence=st.floats(0.5, 0.999))
def test_bounds_within_the_scale(table, method, confidence):
    ci = confint(nc(*table), method=method, confidence=confidence, **FAST)
    assert -100 <= ci.low <= ci.high <= 100


@PROPERTY
@given(table=tables, method=st.sampled_from(["wald", "adjusted-wald", "score", "bayes"]))
def test_higher_confidence_gives_a_wider_interval(table, method):
    assert confint(nc(*table), method=method, confidence=0.8).width <= confint(
        nc(*table), method=method, confidence=0.95).width + 1e-9


# -- weights -------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("method", ALL)
def test_unit_weights_give_the_unweighted_interval(method):
    scores = [10, 9, 9, 8, 7, 6, 3, 0, 10, 9, 5, 8]
    plain = confint(scores, method=method, random_state=3, n_resamples=999)
    weighted = confint(scores, weights=[1.0] * len(scores), method=method, random_state=3, n_resamples=999)
    assert weighted.n_effective == pytest.approx(len(scores))
    assert [weighted.low, weighted.high] == pytest.approx([plain.low, plain.high], abs=1e-9)


def test_weighted_wald_uses_the_linearisation_se():
    scores, w = [10, 9, 8, 3, 0, 10, 7, 2], np.array([2.0, 1.0, 1.0, 0.5, 1.5, 1.0, 3.0, 1.0])
    y = np.array([1, 1, 0, -1, -1, 1, 0, -1], dtype=float)
    m = np.sum(w * y) / w.sum()
    se = 100 * math.sqrt(np.sum(w ** 2 * (y - m) ** 2)) / w.sum()
    ci = confint(scores, weights=w, method="wald")
    assert [ci.low, ci.high] == pytest.approx([100 * m - z_value(0.95) * se, 100 * m + z_value(0.95) * se])


@pytest.mark.parametrize("method", ["adjusted-wald", "score", "bayes"])
def test_weighted_methods_use_kish_effective_counts(method):
    scores, w = [10, 9, 8, 3, 0, 10, 7, 2], [2.0, 1.0, 1.0, 0.5, 1.5, 1.0, 3.0, 1.0]
    c = counts(scores, weights=w)
    n_eff = sum(w) ** 2 / sum(v * v for v in w)
    factor = n_eff / sum(w)
    effective = arrays([[c.promoters * factor, c.passives * factor, c.detractors * factor]])
    _, low, high = interval_arrays(effective, method=method)
    ci = confint(scores, weights=w, method=method)
    assert ci.n_effective == pytest.approx(n_eff)
    assert [ci.low, ci.high] == pytest.approx([low[0], high[0]])
    # doubling every weight changes nothing
    doubled = confint(scores, weights=[2 * v for v in w], method=method)
    assert [doubled.low, doubled.high] == pytest.approx([ci.low, ci.high])


# -- bad input -----------------------------------------------------------------------------------------------------
def test_no_answers_is_an_error():
    with pytest.raises(ValueError, match="cannot compute an interval without answers"):
        confint(nc(0, 0, 0))
    with pytest.raises(ValueError, match="2 answers were missing"):
        confint([None, float("nan")])


@pytest.mark.parametrize("confidence", [0, 1, 1.5, -0.1, 95])
def test_confidence_outside_zero_one(confidence):
    with pytest.raises(ValueError, match="confidence must be strictly between 0 and 1"):
        confint(nc(1, 2, 3), confidence=confidence)


def test_confidence_must_be_a_number():
    with pytest.raises(TypeError):
        confint(nc(1, 2, 3), confidence="0.95")


def test_bad_counts():
    with pytest.raises(ValueError, match="non-negative"):
        confint(NPSCounts(promoters=-1, passives=2, detractors=3))
    with pytest.raises(ValueError, match="whole number"):
        confint(NPSCounts(promoters=1.5, passives=2, detractors=3))


def test_unknown_method_lists_the_allowed_ones():
    with pytest.raises(ValueError, match="unknown method 'exact'; allowed: 'wald', 'adjusted-wald', 'score'"):
        confint(nc(1, 2, 3), method="exact")
    assert check_method("bayes") == "bayes"


@pytest.mark.parametrize("method", ALL)
def test_tiny_samples_give_wide_intervals(method):
    ci = confint([9], method=method, **FAST)
    assert ci.n == 1 and ci.low <= ci.high
    if method not in ("wald",) + RANDOM:  # these collapse to a point with one answer
        assert ci.width > 50


def test_bad_options():
    with pytest.raises(ValueError, match="prior must be three positive numbers"):
        confint(nc(1, 2, 3), method="bayes", prior=(1, 0, 1))
    with pytest.raises(ValueError, match="prior must be three positive numbers"):
        confint(nc(1, 2, 3), prior=(1, 1))
    with pytest.raises(ValueError, match="n_resamples"):
        confint(nc(1, 2, 3), method="bootstrap", n_resamples=0)
    with pytest.raises(TypeError, match="unknown interval option 'n_draws'"):
        interval_arrays(arrays([(1, 2, 3)]), method="bayes", n_draws=10)
    with pytest.raises(ValueError, match="weights apply to raw answers"):
        confint(nc(1, 2, 3), weights=[1, 2])


# -- margin of error and sample size -------------------------------------------------------------------------------
def test_margin_of_error_is_the_wald_half_width():
    # 400 answers with 50% promoters and 20% detractors: the Wald interval of such counts
    ci = confint(nc(200, 120, 80), method="wald")
    assert margin_of_error(400, shares=(0.5, 0.2)) == pytest.approx(ci.width / 2)
    assert margin_of_error(400, shares=nc(200, 120, 80)) == pytest.approx(ci.width / 2)
    # worst case: half promoters, half detractors
    worst = confint(nc(200, 0, 200), method="wald")
    assert margin_of_error(400) == pytest.approx(worst.width / 2)
    assert margin_of_error(400) == pytest.approx(100 * stats.norm.ppf(0.975) / 20)
    # a difference of two independent samples: sqrt(2) times wider
    assert margin_of_error(400, groups=2) == pytest.approx(math.sqrt(2) * margin_of_error(400))


def test_margin_of_error_is_vectorised():
    out = margin_of_error(np.array([100, 400, 1600]), confidence=0.9)
    assert isinstance(out, np.ndarray) and out.shape == (3,)
    assert out == pytest.approx(100 * stats.norm.ppf(0.95) / np.sqrt([100, 400, 1600]))
    assert isinstance(margin_of_error(100), float)
    assert margin_of_error(2.5) == pytest.approx(100 * stats.norm.ppf(0.975) / math.sqrt(2.5))


def test_sample_size_examples():
    z = stats.norm.ppf(0.975)
    assert sample_size(5) == math.ceil((100 * z / 5) ** 2)
    assert sample_size(10, groups=2) == math.ceil(2 * (100 * z / 10) ** 2)
    assert sample_size(200) == 1
    assert sample_size(5, shares=(1.0, 0.0)) == 1  # no variance: one answer tells all


@settings(max_examples=300, deadline=None)
@given(margin=st.floats(0.05, 200), confidence=st.floats(0.5, 0.999),
       shares=st.one_of(st.none(), st.tuples(st.floats(0, 1), st.floats(0, 1)).filter(lambda s: s[0] + s[1] <= 1)),
       groups=st.sampled_from([1, 2]))
def test_sample_size_is_the_smallest_sufficient_n(margin, confidence, shares, groups):
    n = sample_size(margin, confidence=confidence, shares=shares, groups=groups)
    assert isinstance(n, int) and n >= 1
    assert margin_of_error(n, confidence=confidence, shares=shares, groups=groups) <= margin
    if n > 1:
        assert margin_of_error(n - 1, confidence=confidence, shares=shares, groups=groups) > margin


@settings(max_examples=100, deadline=None)
@given(n=st.integers(1, 10 ** 6), confidence=st.floats(0.5, 0.999))
def test_sample_size_of_an_exact_margin_is_n(n, confidence):
    # margins that are exactly some n's margin of error: float rounding must not push the answer off by one
    margin = margin_of_error(n, confidence=confidence)
    assume(0 < margin <= 200)
    found = sample_size(margin, confidence=confidence)
    assert found <= n
    assert margin_of_error(found, confidence=confidence) <= margin


@pytest.mark.parametrize("margin", [0, -1, 200.5, float("nan"), float("inf")])
def test_sample_size_bad_margin(margin):
    with pytest.raises(ValueError, match="margin must be more than 0 and at most 200"):
        sample_size(margin)


@pytest.mark.parametrize("n", [0, 0.5, -3, float("nan"), [10, 0]])
def test_margin_of_error_bad_n(n):
    with pytest.raises(ValueError, match="n must be at least 1"):
        margin_of_error(n)


@pytest.mark.parametrize("bad", [True, "100", None, ["a"]])
def test_margin_of_error_n_must_be_numbers(bad):
    with pytest.raises(TypeError, match="n must be a number"):
        margin_of_error(bad)


@pytest.mark.parametrize("shares, error, message", [
    ((40, 20), ValueError, "fractions between 0 and 1"),
    ((0.7, 0.5), ValueError, "at most 1"),
    ((0.5,), TypeError, "pair"),
    ({"promoters": 0.5, "detractors": 0.2}, TypeError, "pair"),
    ((0.5, "x"), TypeError, "numbers"),
    ((0.5, float("nan")), ValueError, "fractions"),
    (nc(0, 0, 0), ValueError, "no answers"),
])
def test_bad_shares(shares, error, message):
    with pytest.raises(error, match=message):
        margin_of_error(100, shares=shares)
    with pytest.raises(error, match=message):
        sample_size(5, shares=shares)


@pytest.mark.parametrize("groups", [0, 3, 1.5, True])
def test_bad_groups(groups):
    with pytest.raises(ValueError, match="groups must be 1"):
        sample_size(5, groups=groups)


# -- the pieces other modules use: registry, options, counts, z ----------------------------------------------------
def test_each_method_registers_the_options_its_function_takes():
    import inspect

    from nps_toolkit.intervals import OPTIONS, Method

    for name, method in METHODS.items():
        assert isinstance(method, Method)
        keyword_only = [p.name for p in inspect.signature(method.func).parameters.values()
                        if p.kind is inspect.Parameter.KEYWORD_ONLY]
        assert tuple(keyword_only) == method.options, name
        assert set(method.options) <= set(OPTIONS)
    assert METHODS["bootstrap"].options == ("n_resamples", "random_state")
    assert METHODS["bayes"].options == ("prior",)
    assert METHODS["wald"].options == ()


def test_method_options_picks_what_the_method_takes():
    from nps_toolkit.intervals import method_options

    offered = dict(n_resamples=999, random_state=3, prior=(1, 1, 1))
    assert method_options("bca", **offered) == {"n_resamples": 999, "random_state": 3}
    assert method_options("bayes", **offered) == {"prior": (1, 1, 1)}
    assert method_options("score", **offered) == {}
    assert method_options("bootstrap", random_state=1) == {"random_state": 1}
    with pytest.raises(TypeError, match="unknown interval option 'n_draws'"):
        method_options("bayes", n_draws=10)
    with pytest.raises(ValueError, match="unknown method 'exact'"):
        method_options("exact")


def test_interval_arrays_passes_each_method_only_its_options():
    c = arrays([(20, 50, 30), (5, 1, 0)])
    for method in ALL:
        _, low, high = interval_arrays(c, method=method, n_resamples=999, random_state=5, prior=(1, 1, 1))
        expected_low, expected_high = METHODS[method](c, 0.95, **{k: v for k, v in
                                                              dict(n_resamples=999, random_state=5,
                                                                   prior=(1, 1, 1)).items()
                                                              if k in METHODS[method].options})
        np.testing.assert_array_equal(low, np.clip(expected_low, -100, 100))
        np.testing.assert_array_equal(high, np.clip(expected_high, -100, 100))


def test_count_arrays_formulas():
    c = arrays([(20, 50, 30), (0, 0, 0)])
    assert c.nps[0] == -10.0 and math.isnan(c.nps[1])
    assert c.wald_se[0] == pytest.approx(100 * math.sqrt((0.2 + 0.3 - 0.1 ** 2) / 100))
    adjusted = c.adjusted()
    assert adjusted.promoters.tolist() == [20.75, 0.75] and adjusted.passives.tolist() == [51.5, 1.5]
    assert adjusted.detractors.tolist() == [30.75, 0.75] and adjusted.se is None
    # the adjusted Wald interval is the Wald interval of the adjusted counts
    low, high = METHODS["adjusted-wald"](c, 0.9)
    wald_low, wald_high = METHODS["wald"](adjusted, 0.9)
    np.testing.assert_array_equal(low, wald_low)
    np.testing.assert_array_equal(high, wald_high)


def test_as_counts_and_z_value():
    from nps_toolkit.intervals import as_counts

    c = nc(3, 2, 1)
    assert as_counts(c) is c
    assert as_counts([10, 8, 0, None]) == NPSCounts(promoters=1, passives=1, detractors=1, n_missing=1)
    assert as_counts([10, 0], weights=[2.0, 1.0]).promoters == 2.0
    with pytest.raises(ValueError, match="weights apply to raw answers"):
        as_counts(c, weights=[1.0])
    assert z_value(0.95) == stats.norm.ppf(0.975)
    assert z_value(0.8) == stats.norm.ppf(0.9)


def test_importing_the_statistics_does_not_import_scipy_stats():
    import subprocess
    import sys

    code = ("import sys, nps_toolkit.intervals, nps_toolkit.compare, nps_toolkit.periods; "
            "print('scipy.stats' in sys.modules, 'scipy.special' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "False"]


# -- complex samples: confint(data, design=) -----------------------------------------------------------------------
def test_confint_of_a_complex_sample_is_its_one_row_summary(complex_sample):
    design = nt.SurveyDesign(weights="weight", strata="region", psu="store", fpc="stores_total")
    for method in ("wald", "adjusted-wald", "score", "bayes"):
        ci = nt.confint(complex_sample, design=design, method=method)
        row = nt.summarize(complex_sample, design=design, method=method).iloc[0]
        assert (ci.estimate, ci.low, ci.high, ci.se, ci.deff, ci.df) == pytest.approx(
            (row.nps, row.ci_low, row.ci_high, row.se, row.deff, row.df), rel=1e-12)
        assert ci.n == int(complex_sample["score"].notna().sum()) and ci.n_effective == pytest.approx(ci.n / ci.deff)
        assert ci.low <= ci.estimate <= ci.high
    wald = nt.confint(complex_sample, design=design, method="wald")
    reference = pd.read_csv(Path(__file__).parent / "data" / "survey_reference" / "estimates.csv")
    r = reference[(reference["design"] == "clustered_fpc") & reference["by"].isna()].iloc[0]
    assert (wald.estimate, wald.se, wald.deff) == pytest.approx((r["nps"], r["se"], r["deff"]), rel=1e-9)  # R
    assert "se" in wald.to_dict() and "se" not in nt.confint([10, 9, 3]).to_dict()


def test_confint_with_a_design_refuses_weights_and_needs_answers(complex_sample):
    design = nt.SurveyDesign(psu="store")
    with pytest.raises(ValueError, match="give the weights in the design"):
        nt.confint(complex_sample, design=design, weights="weight")
    with pytest.raises(ValueError, match="without answers"):
        nt.confint(complex_sample.assign(score=np.nan), design=design)
    with pytest.raises(ValueError, match="needs a design"):
        nt.confint([10, 9, 3], df="design")
