"""Raking: nt.rake's weights and the variance of SurveyDesign(rake=...) against R's survey package.

Reference: ``tests/data/survey_reference`` (R 4.2.2, survey 4.1.1; see its README). Weights agree with R's
``rake()`` / ``postStratify()`` / ``calibrate(calfun = "raking")`` to 1e-9 (relative). Standard errors:

* one margin: equal to R's ``postStratify()`` to 1e-6 (post-stratification residuals, weighted means);
* several margins: equal to R's ``calibrate(calfun = "raking")`` to 1e-6 (same weights as ``rake()``;
  residuals of the regression on the margins weighted by the weights before raking);
* R's ``rake()`` designs approximate those residuals by unweighted means of z / w over the levels (10
  backfitting sweeps): that is the precision R's ``rake()`` allows, 4% of the standard error here (max abs
  difference 0.2 points); :func:`r_rake_se` reproduces ``rake()``'s own numbers to 1e-9 with that rule.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import nps_toolkit as nt
from nps_toolkit.design import SurveyDesign, contrast, design_estimates
from nps_toolkit.weighting import raking_factors, rake

REFERENCE = Path(__file__).parent / "data" / "survey_reference"
TOL = 1e-6
PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def sample() -> pd.DataFrame:
    return pd.read_csv(REFERENCE / "sample.csv")


@pytest.fixture(scope="module")
def margins() -> dict:
    table = pd.read_csv(REFERENCE / "margins.csv")
    return {column: dict(zip(part["level"], part["total"])) for column, part in table.groupby("margin", sort=False)}


@pytest.fixture(scope="module")
def estimates() -> pd.DataFrame:
    return pd.read_csv(REFERENCE / "estimates.csv", dtype={"wave": "string"})


def r_rows(estimates, design: str, by: str) -> pd.DataFrame:
    rows = estimates[(estimates["design"] == design) & (estimates["by"].fillna("") == by)]
    return rows.sort_values([c for c in ("brand", "wave") if rows[c].notna().any()] or ["design"])


BYS = {"": None, "brand": "brand", "wave": "wave", "brand+wave": ["brand", "wave"]}


def ours(sample, design, by):
    return design_estimates(sample.astype({"wave": str}), design=design, by=BYS[by])


# -- the weights -----------------------------------------------------------------------------------------------------
def test_raked_weights_equal_r(sample, margins):
    r = pd.read_csv(REFERENCE / "weights.csv").set_index("id").loc[sample["id"]]
    raked = rake(sample, margins=margins, weights="weight")
    np.testing.assert_allclose(raked, r["raked"], rtol=1e-9)
    np.testing.assert_allclose(raked, r["calibrated"], rtol=1e-9)
    np.testing.assert_allclose(rake(sample, margins={"age": margins["age"]}, weights="weight"), r["poststratified"],
                               rtol=1e-9)
    assert raked.name == "raked" and raked.index.equals(sample.index)


def test_one_margin_is_post_stratification():
    df = pd.DataFrame({"age": ["y", "y", "o", "o", "o"], "w": [1.0, 3.0, 2.0, 2.0, 4.0]}, index=list("abcde"))
    got = rake(df, margins={"age": {"y": 40, "o": 60}}, weights="w")
    assert got.tolist() == pytest.approx([10.0, 30.0, 15.0, 15.0, 30.0])
    assert list(got.index) == list("abcde")
    unweighted = rake(df, margins={"age": {"y": 40, "o": 60}})
    assert unweighted.tolist() == pytest.approx([20.0, 20.0, 20.0, 20.0, 20.0])


@st.composite
def raking_problems(draw):
    """Rows covering every combination of 2 or 3 margins' levels (so that any totals can be met), weights and
    population totals (every margin adds up to the same total)."""
    sizes = draw(st.lists(st.integers(2, 4), min_size=2, max_size=3))
    grid = pd.MultiIndex.from_product([range(s) for s in sizes]).to_frame(index=False)
    extra = draw(st.lists(st.tuples(*[st.integers(0, s - 1) for s in sizes]), max_size=30))
    rows = pd.concat([grid, pd.DataFrame(extra, columns=grid.columns)], ignore_index=True)
    rows.columns = [f"m{i}" for i in range(len(sizes))]
    weights = draw(st.lists(st.floats(0.1, 10.0), min_size=len(rows), max_size=len(rows)))
    population = draw(st.floats(10.0, 1e6))
    margins = {}
    for i, s in enumerate(sizes):
        shares = np.asarray(draw(st.lists(st.floats(0.05, 1.0), min_size=s, max_size=s)))
        totals = shares / shares.sum() * population
        totals[-1] = population - totals[:-1].sum()
        margins[f"m{i}"] = {level: float(t) for level, t in enumerate(totals)}
    return rows, np.asarray(weights), margins


@PROPERTY
@given(problem=raking_problems())
def test_rake_hits_every_margin(problem):
    rows, weights, margins = problem
    raked = rake(rows, margins=margins, weights=weights, max_iter=2000)
    for column, totals in margins.items():
        got = raked.groupby(rows[column]).sum()
        for level, total in totals.items():
            assert got[level] == pytest.approx(total, rel=1e-9)
    # within a cell (one combination of levels) every weight is moved by the same factor
    factor = raked / weights
    assert (factor.groupby([rows[c] for c in margins]).agg(lambda f: f.max() - f.min()) < 1e-9 * factor.max()).all()
    # the original weights' scale does not matter
    np.testing.assert_allclose(rake(rows, margins=margins, weights=weights * 7.5, max_iter=2000), raked, rtol=1e-8)


# -- errors ------------------------------------------------------------------------------------------------------------
PEOPLE = pd.DataFrame({"sex": ["F", "F", "M", "M"], "age": ["young", "old", "young", "old"], "w": [1.0, 2, 3, 4]})


def test_a_level_in_the_data_without_a_population_total():
    with pytest.raises(nt.DataValueError, match=r"margin column 'age': level\(s\) 'old' are in the data with no "
                                                r"population total") as caught:
        rake(PEOPLE, margins={"sex": {"F": 5, "M": 5}, "age": {"young": 10}})
    assert isinstance(caught.value, ValueError)
    assert caught.value.column == "age" and caught.value.values == ["old"] and caught.value.positions == [1, 3]


def test_a_population_level_absent_from_the_data():
    with pytest.raises(nt.DataValueError, match=r"margin column 'sex': level\(s\) 'X' have a population total "
                                                r"but no respondent") as caught:
        rake(PEOPLE, margins={"sex": {"F": 5, "M": 4, "X": 1}})
    assert caught.value.column == "sex" and caught.value.values == ["X"]
    with pytest.raises(nt.DataValueError, match="only respondents of weight 0"):
        rake(PEOPLE.assign(w=[0.0, 0.0, 1.0, 1.0]), margins={"sex": {"F": 5, "M": 5}}, weights="w")


def test_margins_whose_totals_disagree():
    with pytest.raises(nt.DataValueError, match=r"margins disagree: .*'sex': 10, 'age': 11"):
        rake(PEOPLE, margins={"sex": {"F": 5, "M": 5}, "age": {"young": 5, "old": 6}})
    # within the tolerance: accepted
    rake(PEOPLE, margins={"sex": {"F": 0.5, "M": 0.5}, "age": {"young": 0.1 + 0.2, "old": 0.7}})


@pytest.mark.parametrize("weights, words", [([1.0, -2.0, 1.0, 1.0], "-2.0 \\(position 1\\)"),
                                            ([1.0, None, 1.0, 1.0], "nan \\(position 1\\)"),
                                            ([1.0, np.inf, 1.0, 1.0], "inf \\(position 1\\)")])
def test_negative_or_missing_weights(weights, words):
    with pytest.raises(nt.DataValueError, match="weights must be finite, non-negative numbers; got " + words):
        rake(PEOPLE.assign(w=weights), margins={"sex": {"F": 5, "M": 5}}, weights="w")


def test_missing_levels_in_a_margin_column():
    df = PEOPLE.astype({"age": object})
    df.loc[2, "age"] = None
    with pytest.raises(nt.DataValueError, match="margin column 'age' has 1 missing values") as caught:
        rake(df, margins={"age": {"young": 5, "old": 5}})
    assert caught.value.positions == [2]


def test_margins_that_cannot_be_met_together():
    """Only (F, young) and (M, old) people: the F total must equal the young total, which these margins deny."""
    df = pd.DataFrame({"sex": ["F", "M"], "age": ["young", "old"]})
    with pytest.raises(nt.DataValueError, match="raking did not converge in 50 sweeps") as caught:
        rake(df, margins={"sex": {"F": 50, "M": 50}, "age": {"young": 30, "old": 70}}, max_iter=50)
    assert caught.value.role == "margins" and caught.value.total >= 2
    assert "'sex' level 'F' off by" in str(caught.value) or "'age' level" in str(caught.value)


def test_bad_arguments():
    with pytest.raises(nt.ColumnNotFoundError, match="margin column 'region'"):
        rake(PEOPLE, margins={"region": {"N": 1}})
    with pytest.raises(TypeError, match="non-empty mapping"):
        rake(PEOPLE, margins=[("sex", {"F": 1})])
    with pytest.raises(nt.DataValueError, match="must be a finite, positive number"):
        rake(PEOPLE, margins={"sex": {"F": 5, "M": float("nan")}})
    with pytest.raises(ValueError, match="max_iter must be a whole number >= 1"):
        rake(PEOPLE, margins={"sex": {"F": 5, "M": 5}}, max_iter=0)
    with pytest.raises(ValueError, match="tolerance must be a positive number"):
        rake(PEOPLE, margins={"sex": {"F": 5, "M": 5}}, tolerance=0)
    with pytest.raises(nt.DataValueError, match="3 weights given for 4 scores"):
        rake(PEOPLE, margins={"sex": {"F": 5, "M": 5}}, weights=[1, 2, 3])
    with pytest.raises(TypeError, match="pandas DataFrame"):
        rake(PEOPLE.to_dict(), margins={"sex": {"F": 5, "M": 5}})
    with pytest.raises(TypeError):
        rake(PEOPLE, {"sex": {"F": 5, "M": 5}})  # noqa: margins is keyword-only
    assert rake(PEOPLE.iloc[:0], margins={"sex": {"F": 5, "M": 5}}).empty


def test_raking_factors_of_a_cell_table():
    cells = pd.DataFrame({"sex": ["F", "M"], "age": ["young", "young"]})
    factors = raking_factors(cells, margins={"sex": {"F": 6, "M": 4}}, weights=[2.0, 2.0])
    assert factors.tolist() == [3.0, 2.0]


# -- the variance of raked designs -------------------------------------------------------------------------------------
CLUSTERED = dict(weights="weight", strata="region", psu="store")


@pytest.mark.parametrize("by", list(BYS))
@pytest.mark.parametrize("name, fpc", [("poststratified", None), ("poststratified_fpc", "stores_total")])
def test_one_margin_equals_r_post_stratify(sample, margins, estimates, name, fpc, by):
    design = SurveyDesign(**CLUSTERED, fpc=fpc, rake={"age": margins["age"]})
    got, want = ours(sample, design, by), r_rows(estimates, name, by)
    for column in ("nps", "se", "deff"):
        np.testing.assert_allclose(got[column], want[column], rtol=0, atol=TOL, err_msg=column)


@pytest.mark.parametrize("by", list(BYS))
def test_several_margins_equal_r_calibrate_raking(sample, margins, estimates, by):
    got, want = ours(sample, SurveyDesign(**CLUSTERED, rake=margins), by), r_rows(estimates, "calibrated", by)
    for column in ("nps", "se", "deff"):
        np.testing.assert_allclose(got[column], want[column], rtol=0, atol=TOL, err_msg=column)


def test_raked_covariance_and_contrasts_equal_r_calibrate(sample, margins):
    covariance = pd.read_csv(REFERENCE / "covariance.csv", dtype={"row": "string", "col": "string"})
    contrasts = pd.read_csv(REFERENCE / "contrasts.csv").set_index(["design", "contrast"])
    for name, rake_margins in (("calibrated", margins), ("poststratified", {"age": margins["age"]})):
        got = ours(sample, SurveyDesign(**CLUSTERED, rake=rake_margins), "brand+wave")
        labels = [f"{b}.{w}" for b, w in zip(got["brand"], got["wave"])]
        want = covariance[(covariance["design"] == name) & (covariance["by"] == "brand+wave")]
        want = want.pivot(index="row", columns="col", values="cov").loc[labels, labels]
        np.testing.assert_allclose(got.attrs["covariance"].to_numpy(), want.to_numpy(), rtol=0, atol=TOL)
        change = contrast(got, [1 if l == "Aurora.2" else -1 if l == "Aurora.1" else 0 for l in labels])
        assert change.estimate == pytest.approx(contrasts.loc[(name, "Aurora, wave 2 - wave 1"), "estimate"], abs=TOL)
        assert change.se == pytest.approx(contrasts.loc[(name, "Aurora, wave 2 - wave 1"), "se"], abs=TOL)


@pytest.mark.parametrize("name, fpc", [("raked", None), ("raked_fpc", "stores_total")])
def test_r_rake_designs_to_the_precision_of_their_approximation(sample, margins, estimates, name, fpc):
    """Same weights, so the same estimates (1e-6); standard errors within 4% of rake()'s, whose residuals use
    unweighted means of z / w (r_rake_se reproduces them to 1e-9)."""
    design = SurveyDesign(**CLUSTERED, fpc=fpc, rake=margins)
    for by in BYS:
        got, want = ours(sample, design, by), r_rows(estimates, name, by)
        np.testing.assert_allclose(got["nps"], want["nps"], rtol=0, atol=TOL)
        np.testing.assert_allclose(got["se"], want["se"], rtol=0.04)
        assert np.abs(got["se"].to_numpy() - want["se"].to_numpy()).max() < 0.25


def r_rake_se(sample: pd.DataFrame, margins: dict, domain: np.ndarray, fpc=None) -> float:
    """R's rake() standard error, row by row: influence values x = w (y - m) / W of the domain's answers, then
    10 times, for each margin, x <- x - w * (unweighted mean of x / w over the rows of each level), then the
    with-replacement variance of the PSU totals (survey 4.1.1's svyrecvar for class "raking")."""
    w = rake(sample, margins=margins, weights="weight").to_numpy()
    score = sample["score"].to_numpy(float)
    y = np.where(score >= 9, 100.0, np.where(score <= 6, -100.0, 0.0))
    rows = domain & ~np.isnan(score)
    total = w[rows].sum()
    m = (w[rows] * y[rows]).sum() / total
    x = np.where(rows, w * (y - m) / total, 0.0)
    for _ in range(10):
        for column in margins:
            x = x - w * pd.Series(x / w).groupby(sample[column].to_numpy()).transform("mean").to_numpy()
    psu = pd.factorize(sample["region"] + "|" + sample["store"].astype(str))[0]
    totals = np.bincount(psu, weights=x)
    stratum = pd.Series(sample["region"].to_numpy()).groupby(psu).first()
    variance = 0.0
    for region, part in pd.Series(totals).groupby(stratum.to_numpy()):
        n = len(part)
        keep = 1.0 if fpc is None else 1.0 - n / sample.loc[sample["region"] == region, fpc].iloc[0]
        variance += keep * n / (n - 1) * ((part - part.mean()) ** 2).sum()
    return math.sqrt(variance)


@pytest.mark.parametrize("name, fpc", [("raked", None), ("raked_fpc", "stores_total")])
def test_the_r_rake_rule_reproduces_r_rake(sample, margins, estimates, name, fpc):
    want = r_rows(estimates, name, "brand").set_index("brand")
    for brand in ("Aurora", "Borealis", "Corona"):
        got = r_rake_se(sample, margins, (sample["brand"] == brand).to_numpy(), fpc)
        assert got == pytest.approx(want.loc[brand, "se"], rel=1e-9)
    # with one margin too: rake() then differs from postStratify() on the same weights
    one = r_rows(estimates, "raked_one_margin", "")
    post = r_rows(estimates, "poststratified", "")
    assert one["nps"].iloc[0] == pytest.approx(post["nps"].iloc[0], abs=TOL)
    assert r_rake_se(sample, {"age": margins["age"]}, np.ones(len(sample), bool)) == pytest.approx(one["se"].iloc[0],
                                                                                                   rel=1e-9)
    assert abs(one["se"].iloc[0] - post["se"].iloc[0]) > 0.01


def test_raking_changes_the_variance_and_the_design_effect(sample, margins):
    plain = design_estimates(sample, design=SurveyDesign(**CLUSTERED))
    raked = design_estimates(sample, design=SurveyDesign(**CLUSTERED, rake=margins))
    assert raked.loc[0, "nps"] != pytest.approx(plain.loc[0, "nps"], abs=0.1)
    assert raked.loc[0, "weighted_total"] == pytest.approx(
        sum(margins["age"].values()) * raked.loc[0, "n"] / (raked.loc[0, "n"] + raked.loc[0, "n_missing"]), rel=0.05)
