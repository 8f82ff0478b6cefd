"""Design-based (Taylor-linearised) NPS: SurveyDesign and design_estimates against R's survey package.

The reference values are R's (``tests/data/survey_reference``, made once by ``make_survey_reference.py``
with R 4.2.2 and survey 4.1.1); R is not needed here. Estimates, standard errors, design effects,
covariances and contrasts agree to 1e-6 (in fact to about 1e-11). The raked designs are in test_rake.py.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import math
import pickle
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import nps_toolkit as nt
from nps_toolkit.design import (ESTIMATE_COLUMNS, PSU_COUNT_COLUMNS, Contrast, Covariance, SurveyDesign, contrast,
                                design_estimates, estimates_from_psu_counts, psu_counts)
from nps_toolkit.intervals import z_value

REFERENCE = Path(__file__).parent / "data" / "survey_reference"
TOL = 1e-6
PROPERTY = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

CLUSTERED = dict(weights="weight", strata="region", psu="store")
#: The R designs of the reference (see its README) that need no raking, as SurveyDesigns.
DESIGNS = {
    "clustered": SurveyDesign(**CLUSTERED),
    "clustered_fpc": SurveyDesign(**CLUSTERED, fpc="stores_total"),
    "clustered_fraction": SurveyDesign(**CLUSTERED, fpc="stores_fraction"),
    "strata_only": SurveyDesign(weights="weight", strata="region"),
    "rows": SurveyDesign(weights="weight"),
    "unweighted": SurveyDesign(strata="region", psu="store"),
}
GROUPINGS = {"": [], "brand": ["brand"], "wave": ["wave"], "brand+wave": ["brand", "wave"]}


@pytest.fixture(scope="module")
def sample() -> pd.DataFrame:
    return pd.read_csv(REFERENCE / "sample.csv")


@pytest.fixture(scope="module")
def reference() -> dict:
    return {name: pd.read_csv(REFERENCE / f"{name}.csv", dtype={"wave": "string", "row": "string", "col": "string"})
            for name in ("estimates", "covariance", "contrasts", "degf")}


def r_labels(table: pd.DataFrame, by: list) -> list:
    """R's labels of the groups: 'Aurora', '2', 'Aurora.2'."""
    if not by:
        return [""] * len(table)
    return [".".join(str(v) for v in values) for values in zip(*(table[c].tolist() for c in by))]


def r_rows(reference, design: str, by: str) -> pd.DataFrame:
    rows = reference["estimates"]
    rows = rows[(rows["design"] == design) & (rows["by"].fillna("") == by)].copy()
    rows["label"] = r_labels(rows, GROUPINGS[by])
    return rows.set_index("label")


def ours(sample, design: SurveyDesign, by: list) -> pd.DataFrame:
    got = design_estimates(sample, design=design, by=by or None)
    got.index = r_labels(got, by)
    relabelled = got.attrs["covariance"].to_frame()
    relabelled.index = relabelled.columns = got.index
    got.attrs["covariance"] = Covariance(relabelled)
    return got


def test_the_reference_says_which_r_made_it():
    versions = json.loads((REFERENCE / "versions.json").read_text())
    assert versions["R"].startswith("R version 4.")
    assert versions["survey"] == "4.1.1"
    assert versions["lonely_psu"] == "fail"


# -- against R -----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("by", list(GROUPINGS))
@pytest.mark.parametrize("name", list(DESIGNS))
def test_estimates_se_and_deff_equal_r(sample, reference, name, by):
    want = r_rows(reference, name, by)
    got = ours(sample, DESIGNS[name], GROUPINGS[by])
    assert sorted(got.index) == sorted(want.index)
    for column in ("nps", "se", "deff"):
        np.testing.assert_allclose(got[column], want.loc[got.index, column], rtol=0, atol=TOL, err_msg=column)


@pytest.mark.parametrize("by", ["brand", "wave", "brand+wave"])
@pytest.mark.parametrize("name", list(DESIGNS))
def test_covariance_between_groups_equals_r(sample, reference, name, by):
    cov = reference["covariance"]
    cov = cov[(cov["design"] == name) & (cov["by"] == by)].pivot(index="row", columns="col", values="cov")
    got = ours(sample, DESIGNS[name], GROUPINGS[by])
    np.testing.assert_allclose(got.attrs["covariance"].to_numpy(), cov.loc[got.index, got.index].to_numpy(),
                               rtol=0, atol=TOL)
    if DESIGNS[name].psu is not None:  # groups sharing stores are correlated: the covariance is not diagonal
        off = got.attrs["covariance"].to_numpy()[~np.eye(len(got), dtype=bool)]
        assert np.abs(off).max() > 0.1


CONTRASTS = {"Aurora - Corona": ("brand", {"Aurora": 1, "Corona": -1}),
             "wave 2 - wave 1": ("wave", {"1": -1, "2": 1}),
             "Aurora - Borealis, wave 2": ("brand+wave", {"Aurora.2": 1, "Borealis.2": -1}),
             "Aurora, wave 2 - wave 1": ("brand+wave", {"Aurora.1": -1, "Aurora.2": 1})}


@pytest.mark.parametrize("label", list(CONTRASTS))
@pytest.mark.parametrize("name", list(DESIGNS))
def test_contrasts_equal_r_svycontrast(sample, reference, name, label):
    by, coefficients = CONTRASTS[label]
    want = reference["contrasts"]
    want = want[(want["design"] == name) & (want["contrast"] == label)].iloc[0]
    got = contrast(ours(sample, DESIGNS[name], GROUPINGS[by]), coefficients)
    assert isinstance(got, Contrast)
    assert got.estimate == pytest.approx(want["estimate"], abs=TOL)
    assert got.se == pytest.approx(want["se"], abs=TOL)


def test_a_difference_of_groups_sharing_psus_is_not_that_of_independent_samples(sample):
    got = ours(sample, DESIGNS["clustered"], ["brand", "wave"])
    change = contrast(got, {"Aurora.1": -1, "Aurora.2": 1})
    independent = math.hypot(got.loc["Aurora.1", "se"], got.loc["Aurora.2", "se"])
    assert change.se < 0.95 * independent  # the same stores in both waves: positively correlated


@pytest.mark.parametrize("name", list(DESIGNS))
def test_degrees_of_freedom_equal_r_degf(sample, reference, name):
    want = reference["degf"].set_index("design").loc[name, "degf"]
    got = design_estimates(sample, design=DESIGNS[name], by="brand")
    assert (got["df"] == want).all()
    assert contrast(got, [1, -1, 0]).df == want


def test_fpc_as_population_counts_or_as_fractions_is_the_same(sample):
    counts = design_estimates(sample, design=DESIGNS["clustered_fpc"], by="brand")
    fractions = design_estimates(sample, design=DESIGNS["clustered_fraction"], by="brand")
    pd.testing.assert_frame_equal(counts, fractions, check_exact=False, rtol=1e-12)
    wr = design_estimates(sample, design=DESIGNS["clustered"], by="brand")
    assert (counts["se"] < wr["se"]).all()  # sampling a quarter of the stores: (1 - f) shrinks the variance


# -- the columns ---------------------------------------------------------------------------------------------------
def test_columns_counts_and_totals(sample):
    got = design_estimates(sample, design=DESIGNS["clustered"], by="brand")
    assert list(got.columns) == ["brand", *ESTIMATE_COLUMNS]
    answered = sample[sample["score"].notna()]
    assert got["n"].tolist() == answered.groupby("brand").size().tolist()
    assert got["n_missing"].tolist() == sample[sample["score"].isna()].groupby("brand").size().tolist()
    np.testing.assert_allclose(got["weighted_total"], answered.groupby("brand")["weight"].sum(), rtol=1e-12)
    np.testing.assert_allclose(got["n_effective"], got["n"] / got["deff"], rtol=1e-12)
    assert got.attrs["design"] == DESIGNS["clustered"]


def test_a_group_without_answers_has_no_estimate():
    df = pd.DataFrame({"score": [10, 3, 9, 0], "store": [1, 1, 2, 2],
                       "brand": pd.Categorical(["A", "A", "A", "A"], categories=["A", "B"])})
    got = design_estimates(df, design=SurveyDesign(psu="store"), by="brand")
    assert got["brand"].tolist() == ["A", "B"]
    assert got.loc[1, "n"] == 0
    assert np.isnan(got.loc[1, ["nps", "se", "deff", "n_effective"]].to_numpy(float)).all()
    assert np.isnan(got.attrs["covariance"].iloc[1]).all()
    assert not np.isnan(got.loc[0, ["nps", "se"]].to_numpy(float)).any()


# -- one PSU per row, no strata: today's weighted results ----------------------------------------------------------
def test_one_psu_per_row_is_the_weighted_summary_times_the_with_replacement_factor(sample):
    """summarize(weights=)'s linearised SE is sqrt(sum w^2 (y - m)^2) / W, without n / (n - 1). The design
    of one PSU per row (R's ids = ~1) is the with-replacement estimator n / (n - 1) sum (z_i - mean z)^2 over
    every row of the data (missing answers too: their z is 0, and z sums to 0), so its SE is exactly
    sqrt(N / (N - 1)) times the weighted one, N the number of rows, in every group."""
    rows = len(sample)
    got = design_estimates(sample, design=SurveyDesign(weights="weight"), by="brand")
    summary = nt.summarize(sample, by="brand", weights="weight", method="wald")
    linearised = (summary["ci_high"] - summary["ci_low"]) / (2 * z_value(0.95))
    np.testing.assert_allclose(got["nps"], summary["nps"], rtol=0, atol=1e-9)
    np.testing.assert_allclose(got["weighted_total"], summary["weighted_total"], rtol=1e-12)
    np.testing.assert_array_equal(got["n"], summary["n"])  # both count answers
    np.testing.assert_allclose(got["se"], linearised * math.sqrt(rows / (rows - 1)), rtol=1e-10)
    for brand, part in sample.groupby("brand"):
        answered = part[part["score"].notna()]
        c = nt.counts(answered["score"], weights=answered["weight"])
        assert got.set_index("brand").loc[brand, "se"] == pytest.approx(c.se * math.sqrt(rows / (rows - 1)),
                                                                      rel=1e-10)


def test_one_psu_per_row_equals_an_explicit_psu_per_row(sample):
    """Without ``psu``, the variance comes from sums of squared weights; with a PSU column of row ids, from PSU
    totals: the same numbers, with strata, fpc and raking too."""
    df = sample.assign(row=np.arange(len(sample)))
    df["people"] = df.groupby("region")["id"].transform("size") * 40  # population per region: 1/40 sampled
    margins = _margins()
    for fields in (dict(weights="weight"), dict(weights="weight", strata="region"),
                   dict(weights="weight", strata="region", fpc="people"), dict(strata="region"),
                   dict(weights="weight", rake=margins), dict(weights="weight", strata="region", rake=margins),
                   dict(weights="weight", rake={"age": margins["age"]})):
        implicit = design_estimates(df, design=SurveyDesign(**fields), by=["brand", "wave"])
        explicit = design_estimates(df, design=SurveyDesign(**fields, psu="row"), by=["brand", "wave"])
        pd.testing.assert_frame_equal(implicit, explicit, check_exact=False, rtol=1e-9, atol=1e-10)
        np.testing.assert_allclose(implicit.attrs["covariance"], explicit.attrs["covariance"], rtol=1e-9,
                                   atol=1e-10)


def _margins() -> dict:
    margins = pd.read_csv(REFERENCE / "margins.csv")
    return {column: dict(zip(part["level"], part["total"])) for column, part in margins.groupby("margin", sort=False)}


# -- domain estimation -----------------------------------------------------------------------------------------------
def test_missing_answers_keep_their_psus():
    """A store whose answers are all missing still counts among its stratum's PSUs (as a PSU total of 0)."""
    answered = pd.DataFrame({"score": [10, 3, 9, 0, 10, 10], "store": [1, 1, 2, 2, 3, 3]})
    with_empty_store = pd.concat([answered, pd.DataFrame({"score": [None, None], "store": [4, 4]})],
                                 ignore_index=True)
    design = SurveyDesign(psu="store")
    a = design_estimates(answered, design=design)
    b = design_estimates(with_empty_store, design=design)
    assert a.loc[0, "nps"] == b.loc[0, "nps"]
    assert b.loc[0, "n_missing"] == 2 and b.loc[0, "df"] == 3
    # by hand: PSU totals of z = (y - m) / n, centred over 3 or 4 PSUs
    y = np.array([100, -100, 100, -100, 100, 100.0])
    m = y.mean()
    totals = np.add.reduceat((y - m) / 6, [0, 2, 4])
    for got, psus in ((a, totals), (b, np.append(totals, 0.0))):
        n = len(psus)
        assert got.loc[0, "se"] == pytest.approx(math.sqrt(n / (n - 1) * ((psus - psus.mean()) ** 2).sum()))


# -- invariance: weights times a constant --------------------------------------------------------------------------
@st.composite
def clustered_samples(draw):
    strata = draw(st.integers(1, 3))
    rows = []
    for h in range(strata):
        for p in range(draw(st.integers(2, 4))):
            for _ in range(draw(st.integers(1, 5))):
                rows.append({"stratum": h, "psu": p, "group": draw(st.sampled_from("ab")),
                             "age": draw(st.sampled_from(["young", "old"])),
                             "score": draw(st.one_of(st.integers(0, 10), st.just(None))),
                             "w": draw(st.floats(0.2, 5.0))})
    df = pd.DataFrame(rows)
    df["score"] = df["score"].astype("Float64")
    return df


@PROPERTY
@given(df=clustered_samples(), constant=st.floats(1e-3, 1e3))
def test_standard_errors_do_not_change_when_every_weight_is_multiplied_by_a_constant(df, constant):
    scaled = df.assign(w=df["w"] * constant)
    designs = [SurveyDesign(weights="w", strata="stratum", psu="psu"), SurveyDesign(weights="w", strata="stratum"),
               SurveyDesign(weights="w")]
    if set(df["age"]) == {"young", "old"}:
        designs.append(SurveyDesign(weights="w", strata="stratum", psu="psu",
                                    rake={"age": {"young": 40.0, "old": 60.0}}))
    for design in designs:
        a = design_estimates(df, design=design, by="group")
        b = design_estimates(scaled, design=design, by="group")
        for column in ("nps", "se", "deff", "n_effective"):
            np.testing.assert_allclose(a[column], b[column], rtol=1e-7, atol=1e-9, err_msg=f"{design} {column}")
        if design.rake is None:
            np.testing.assert_allclose(b["weighted_total"], a["weighted_total"] * constant, rtol=1e-9)
        np.testing.assert_allclose(a.attrs["covariance"], b.attrs["covariance"], rtol=1e-7, atol=1e-9)


# -- the table of PSU counts ---------------------------------------------------------------------------------------
def test_psu_counts_hold_what_the_variance_needs(sample):
    design = SurveyDesign(weights="weight", strata="region", psu="store", fpc="stores_total", rake=_margins())
    table = psu_counts(sample, design=design, by=["brand", "wave"])
    assert list(table.columns) == ["region", "stores_total", "store", "age", "gender", "brand", "wave",
                                   *PSU_COUNT_COLUMNS]
    assert table["rows"].sum() == len(sample)
    assert table["n_missing"].sum() == sample["score"].isna().sum()
    assert table["weight"].sum() == pytest.approx(sample["weight"].sum())
    promoters = sample.loc[sample["score"] >= 9, "weight"].sum()
    assert table["promoters"].sum() == pytest.approx(promoters)
    # the core on the table is the whole computation: an engine that counts the table gives the same numbers
    pd.testing.assert_frame_equal(estimates_from_psu_counts(table, design=design, by=["brand", "wave"]),
                                  design_estimates(sample, design=design, by=["brand", "wave"]))
    # by a strata column: a key column once
    assert list(psu_counts(sample, design=DESIGNS["clustered"], by="region").columns)[:2] == ["region", "store"]


def test_psu_counts_may_be_counted_in_any_order(sample):
    design = DESIGNS["clustered_fpc"]
    table = psu_counts(sample, design=design, by="brand")
    shuffled = table.sample(frac=1.0, random_state=3)
    pd.testing.assert_frame_equal(estimates_from_psu_counts(shuffled, design=design, by="brand"),
                                  estimates_from_psu_counts(table, design=design, by="brand"),
                                  check_exact=False, rtol=1e-12)


# -- SurveyDesign ----------------------------------------------------------------------------------------------------
def test_survey_design_is_frozen_readable_and_comparable():
    design = SurveyDesign(weights="w", strata="region", psu="store", fpc="stores", rake={"age": {"young": 4, "old": 6}})
    assert repr(design) == ("SurveyDesign(weights='w', strata='region', psu='store', fpc='stores', "
                            "rake={'age': {'young': 4.0, 'old': 6.0}})")
    assert repr(SurveyDesign()) == "SurveyDesign()"
    assert design.columns == ["w", "region", "store", "stores", "age"]
    assert SurveyDesign(strata="region", rake={"region": {"N": 1}}).columns == ["region"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        design.psu = "other"
    with pytest.raises(TypeError):
        design.rake["age"]["young"] = 5  # read-only
    same = SurveyDesign(weights="w", strata="region", psu="store", fpc="stores", rake={"age": {"young": 4, "old": 6}})
    assert design == same and hash(design) == hash(same) and len({design, same}) == 1
    assert design != SurveyDesign(weights="w")
    assert pickle.loads(pickle.dumps(design)) == design
    assert copy.deepcopy(design) is design


@pytest.mark.parametrize("fields, error, words", [
    (dict(weights=3.5), TypeError, "weights must be the name of a column"),
    (dict(psu=True), TypeError, "psu must be the name"),
    (dict(strata="a", psu="a"), ValueError, "strata and psu name the same column 'a'"),
    (dict(weights="w", fpc="w"), ValueError, "weights and fpc"),
    (dict(psu="store", rake={"store": {1: 10}}), ValueError, "rake column 'store' is also the psu column"),
    (dict(rake={"age": {"young": 0}}), ValueError, "finite, positive number"),
    (dict(rake={"age": [1, 2]}), TypeError, "must map each level"),
    (dict(rake={}), TypeError, "non-empty mapping"),
])
def test_survey_design_refuses_bad_fields(fields, error, words):
    with pytest.raises(error, match=words):
        SurveyDesign(**fields)


def test_survey_design_fields_are_keyword_only():
    with pytest.raises(TypeError):
        SurveyDesign("w")  # noqa


# -- errors ------------------------------------------------------------------------------------------------------------
def _small():
    return pd.DataFrame({"score": [10, 9, 3, 0, 8, 10, 6, 9], "region": list("NNNNSSSS"),
                         "store": [1, 1, 2, 2, 1, 1, 2, 2], "w": [1.0, 2, 1, 1, 3, 1, 1, 2],
                         "stores": [10, 10, 10, 10, 8, 8, 8, 8]})


def test_a_stratum_with_one_psu_is_refused_as_r_refuses_it():
    df = _small()
    df.loc[df["region"] == "S", "store"] = 1
    with pytest.raises(nt.DataValueError, match="stratum 'S' has only one PSU") as caught:
        design_estimates(df, design=SurveyDesign(strata="region", psu="store"))
    assert caught.value.values == ["S"] and caught.value.role == "strata"
    # ... unless that stratum is a census: every PSU taken, no variance (R returns 0 for it too)
    df["fraction"] = np.where(df["region"] == "S", 1.0, 0.5)
    got = design_estimates(df, design=SurveyDesign(strata="region", psu="store", fpc="fraction"))
    assert got.loc[0, "se"] > 0
    # one row per PSU: a stratum of one row
    with pytest.raises(nt.DataValueError, match="stratum 'X' has only one PSU"):
        design_estimates(pd.concat([df, pd.DataFrame({"score": [5], "region": ["X"]})]),
                         design=SurveyDesign(strata="region"))


@pytest.mark.parametrize("values, words", [
    ([10, 10, 10, 10, 0.5, 0.5, 0.5, 0.5], "mixes values above 1"),
    ([1] * 8, "holds only 1s"),
    ([10, 10, 10, 10, 1.5, 1.5, 1.5, 1.5], r"2 sampled PSUs but a population of 1.5 PSUs"),
    ([10, 10, 10, 9, 8, 8, 8, 8], "varies within stratum 'N'"),
    ([10, 10, 10, 10, 8, 8, 8, None], "finite, non-negative numbers"),
    ([10, 10, 10, 10, 8, 8, 8, -8], "finite, non-negative numbers"),
])
def test_bad_fpc_is_refused(values, words):
    df = _small().assign(stores=values)
    with pytest.raises(nt.DataValueError, match=words) as caught:
        design_estimates(df, design=SurveyDesign(strata="region", psu="store", fpc="stores"))
    assert caught.value.column == "stores" and caught.value.role == "fpc"


def test_fpc_without_strata_must_be_one_value():
    df = _small()
    with pytest.raises(nt.DataValueError, match="must hold one value"):
        design_estimates(df, design=SurveyDesign(psu="store", fpc="stores"))
    got = design_estimates(df.assign(stores=0.5), design=SurveyDesign(psu="store", fpc="stores"))
    full = design_estimates(df, design=SurveyDesign(psu="store"))
    assert got.loc[0, "se"] == pytest.approx(full.loc[0, "se"] * math.sqrt(0.5))


@pytest.mark.parametrize("column", ["region", "store"])
def test_missing_strata_or_psu_values_are_refused(column):
    df = _small().astype({column: object})
    df.loc[3, column] = None
    with pytest.raises(nt.DataValueError, match=f"column '{column}' has 1 missing values") as caught:
        design_estimates(df, design=SurveyDesign(strata="region", psu="store"))
    assert caught.value.positions == [3]


def test_missing_columns_and_wrong_arguments():
    df = _small()
    with pytest.raises(nt.ColumnNotFoundError, match="psu column 'shop'"):
        design_estimates(df, design=SurveyDesign(psu="shop"))
    with pytest.raises(nt.ColumnNotFoundError, match="margin column 'age'"):
        design_estimates(df, design=SurveyDesign(rake={"age": {"young": 1}}))
    with pytest.raises(TypeError, match="design must be a SurveyDesign"):
        design_estimates(df, design={"psu": "store"})
    with pytest.raises(nt.DataValueError, match="weights must be finite, non-negative"):
        design_estimates(df.assign(w=-df["w"]), design=SurveyDesign(weights="w"))
    with pytest.raises(ValueError, match="has the name of a summary table column"):
        design_estimates(df.assign(nps=1), design=SurveyDesign(), by="nps")
    with pytest.raises(ValueError, match="PSU count table"):
        design_estimates(df.assign(rows=1), design=SurveyDesign(), by="rows")


def test_weights_of_unanswered_rows_may_be_missing_unless_raking():
    df = pd.DataFrame({"score": [10, None, 3, 9], "w": [1.0, None, 2.0, 1.0], "age": ["y", "o", "y", "o"]})
    got = design_estimates(df, design=SurveyDesign(weights="w"))
    assert got.loc[0, "n"] == 3 and got.loc[0, "n_missing"] == 1
    with pytest.raises(nt.DataValueError, match="weights must be finite") as caught:
        design_estimates(df, design=SurveyDesign(weights="w", rake={"age": {"y": 5, "o": 5}}))
    assert caught.value.positions == [1]


def test_contrast_arguments():
    got = design_estimates(_small(), design=SurveyDesign(strata="region", psu="store"), by="region")
    assert contrast(got, pd.Series({0: 1.0, 1: -1.0})) == contrast(got, [1, -1])
    assert contrast(got, {1: 1}).estimate == got.loc[1, "nps"]
    assert contrast(got, {1: 1}).se == pytest.approx(got.loc[1, "se"])
    with pytest.raises(KeyError, match="not a row"):
        contrast(got, {5: 1})
    with pytest.raises(ValueError, match="3 coefficients for 2 groups"):
        contrast(got, [1, 2, 3])
    with pytest.raises(TypeError, match="table of design_estimates"):
        contrast(pd.DataFrame({"nps": [1.0]}), [1])


def test_design_tables_can_be_concatenated_and_copied(sample):
    """The covariance rides in attrs as a value pandas can compare: concat, copy and slicing keep working."""
    design = DESIGNS["clustered"]
    a = nt.summarize(sample, by="brand", design=design)
    b = nt.summarize(sample, by="wave", design=design)
    both = pd.concat([a, b], ignore_index=True)  # different covariances: attrs not kept, no error
    assert len(both) == len(a) + len(b)
    same = pd.concat([a, a.copy()])
    assert same.attrs["covariance"] == a.attrs["covariance"]
    assert a.iloc[:1].attrs["covariance"] is a.attrs["covariance"]  # not copied with every slice
    cov = a.attrs["covariance"]
    with pytest.raises(AttributeError, match="read-only"):
        cov.index = [0, 1, 2]
    frame = cov.to_frame()
    frame.iloc[0, 0] = -1.0  # a copy
    assert cov.iloc[0, 0] > 0 and np.asarray(cov).shape == (3, 3)
