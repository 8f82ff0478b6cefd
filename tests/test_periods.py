"""NPS over time: period tables, changes, decompositions, trends, rolling NPS."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nps_toolkit as nt
from nps_toolkit.compare import compare
from nps_toolkit.summary import count_groups
from nps_toolkit.periods import (PERIOD_COLUMNS, Trend, compare_periods, current_vs_previous, decompose_change,
                                 parse_dates, period_freq, rolling_nps, trend)

CONTRACT = ["period", "n", "n_missing", "promoters", "passives", "detractors", "promoter_share", "passive_share",
            "detractor_share", "nps", "ci_low", "ci_high", "change", "change_low", "change_high", "p_value",
            "significant", "low_n"]


# -- simulated data with a known truth ---------------------------------------------------------------------------
def simulate(rng, n, start="2023-01-01", end="2024-12-31", slope_per_quarter=3.0, missing=0.0, undated=0.0):
    """Answers with true shares drifting linearly: true NPS = slope * (quarter number since start)."""
    t0, t1 = pd.Timestamp(start).value, pd.Timestamp(end).value
    stamps = pd.to_datetime(np.sort(rng.integers(t0, t1, n)))
    quarter = (stamps.year - pd.Timestamp(start).year) * 4 + (stamps.quarter - 1)
    p = 0.35 + slope_per_quarter / 200.0 * quarter  # promoters up, detractors down: NPS moves by slope
    d = 0.35 - slope_per_quarter / 200.0 * quarter
    u = rng.random(n)
    score = np.where(u < p, rng.integers(9, 11, n), np.where(u < p + d, rng.integers(0, 7, n), rng.integers(7, 9, n)))
    score = score.astype(float)
    score[rng.random(n) < missing] = np.nan
    dates = pd.Series(stamps.strftime("%Y-%m-%d %H:%M:%S"), dtype=object)
    dates[rng.random(n) < undated] = None
    return pd.DataFrame({"score": score, "date": dates, "segment": rng.choice(["north", "south", "east"], n),
                         "weight": rng.uniform(0.5, 2.0, n)})


def hand_table(df, pfreq, score="score", date="date", weights=None):
    """Independent period table: bucket each date with pd.Period, count, NPS = 100 * mean of +1/0/-1."""
    dated = df[df[date].notna()]
    periods = [pd.Period(pd.Timestamp(d), freq=pfreq) for d in dated[date]]
    first, last = min(periods), max(periods)
    rows = []
    p = first
    while p <= last:
        mask = np.array([q == p for q in periods], bool)
        s = dated[score].to_numpy(float)[mask]
        w = np.ones(mask.sum()) if weights is None else dated[weights].to_numpy(float)[mask]
        ok = ~np.isnan(s)
        y = np.select([s[ok] >= 9, s[ok] >= 7], [1, 0], -1)
        wo = w[ok]
        n = wo.sum()
        rows.append({"period": str(p), "n": n, "n_missing": int((~ok).sum()),
                     "promoters": wo[y == 1].sum(), "passives": wo[y == 0].sum(), "detractors": wo[y == -1].sum(),
                     "nps": 100.0 * np.sum(wo * y) / n if n > 0 else np.nan})
        p += 1
    return pd.DataFrame(rows)


def same(a, b):
    """Two Comparisons agree on every number."""
    for name in ("difference", "low", "high", "p_value", "nps_a", "nps_b", "n_a", "n_b"):
        assert getattr(a, name) == pytest.approx(getattr(b, name), abs=1e-12, nan_ok=True), name
    assert bool(a.significant) == bool(b.significant) and a.method == b.method and a.confidence == b.confidence
    return True


def counts_of(df, score="score", weights=None):
    return nt.counts(df[score], weights=None if weights is None else df[weights])


def period_of(df, pfreq, date="date"):
    return pd.Series([None if pd.isna(d) else str(pd.Period(pd.Timestamp(d), freq=pfreq)) for d in df[date]],
                     index=df.index, dtype=object)


@pytest.fixture
def sim(rng):
    return simulate(rng, 4000, missing=0.05, undated=0.02)


# -- the period table ----------------------------------------------------------------------------------------------
def test_table_matches_hand_computation(sim):
    before = sim.copy()
    table = compare_periods(sim, freq="QE", min_n=480)
    pd.testing.assert_frame_equal(sim, before)  # input unchanged
    assert list(table.columns) == CONTRACT == PERIOD_COLUMNS
    hand = hand_table(sim, "Q")
    assert table["period"].tolist() == hand["period"].tolist() == [f"{y}Q{q}" for y in (2023, 2024)
                                                                    for q in range(1, 5)]
    for col in ("n", "n_missing", "promoters", "passives", "detractors"):
        np.testing.assert_array_equal(table[col].to_numpy(), hand[col].to_numpy())
    np.testing.assert_allclose(table["nps"], hand["nps"], rtol=0, atol=1e-9)
    np.testing.assert_allclose(table["promoter_share"], hand["promoters"] / hand["n"], atol=1e-12)
    np.testing.assert_allclose(table["detractor_share"], hand["detractors"] / hand["n"], atol=1e-12)
    for row in table.itertuples():
        ci = nt.confint(nt.NPSCounts(promoters=row.promoters, passives=row.passives, detractors=row.detractors))
        assert (row.ci_low, row.ci_high) == pytest.approx((ci.low, ci.high), abs=1e-9)
    np.testing.assert_array_equal(table["low_n"], table["n"] < 480)
    assert table.attrs["n_undated"] == int(sim["date"].isna().sum()) > 0
    assert table.attrs["period_freq"] == "Q-DEC"
    assert table["period"].map(type).eq(str).all()
    assert table["significant"].dtype == bool and table["low_n"].dtype == bool


@pytest.mark.parametrize("method", ["wald", "adjusted-wald"])
def test_change_equals_compare_of_the_two_periods(sim, method):
    table = compare_periods(sim, method=method, confidence=0.9)
    labels = period_of(sim, "Q")
    assert math.isnan(table["change"].iloc[0]) and not table["significant"].iloc[0]
    for i in range(1, len(table)):
        now = counts_of(sim[labels == table["period"].iloc[i]])
        then = counts_of(sim[labels == table["period"].iloc[i - 1]])
        expected = compare(now, then, method=method, confidence=0.9)
        row = table.iloc[i]
        assert row["change"] == pytest.approx(expected.difference, abs=1e-12)
        assert row["change"] == pytest.approx(now.nps - then.nps, abs=1e-9)
        assert (row["change_low"], row["change_high"]) == pytest.approx((expected.low, expected.high), abs=1e-12)
        assert row["p_value"] == pytest.approx(expected.p_value, abs=1e-12)
        assert row["significant"] == bool(expected.significant)


def test_compare_to_year_ago(rng):
    df = simulate(rng, 3000, start="2022-01-01", end="2024-12-31")
    table = compare_periods(df, freq="ME", compare_to="year_ago")
    assert len(table) == 36 and table.attrs["compare_to"] == "year_ago"
    assert table["change"].iloc[:12].isna().all() and table["change"].iloc[12:].notna().all()
    labels = period_of(df, "M")
    for i in (12, 20, 35):
        now, then = table["period"].iloc[i], table["period"].iloc[i - 12]
        assert pd.Period(now, "M") - pd.Period(then, "M") == 12 * pd.offsets.MonthEnd()
        expected = compare(counts_of(df[labels == now]), counts_of(df[labels == then]))
        assert table["change"].iloc[i] == pytest.approx(expected.difference, abs=1e-12)
        assert table["p_value"].iloc[i] == pytest.approx(expected.p_value, abs=1e-12)
    quarters = compare_periods(df, freq="QE", compare_to="year_ago")
    assert quarters["change"].iloc[:4].isna().all() and quarters["change"].iloc[4:].notna().all()


def test_gap_appears_with_n_zero_and_nan(sim):
    gap = sim[~pd.to_datetime(sim["date"]).between("2023-07-01", "2023-09-30 23:59:59")]
    table = compare_periods(gap)
    row = table.set_index("period").loc["2023Q3"]
    assert row["n"] == 0 and row["n_missing"] == 0 and row["low_n"]
    for col in ("nps", "ci_low", "ci_high", "promoter_share", "change", "p_value"):
        assert math.isnan(row[col])
    assert not row["significant"]
    assert math.isnan(table.set_index("period").loc["2023Q4", "change"])  # nothing to compare with
    assert not math.isnan(table.set_index("period").loc["2024Q1", "change"])
    assert len(table) == 8


def test_by_groups_each_get_every_period(sim):
    sim = sim.assign(segment=pd.Categorical(sim["segment"], categories=["east", "north", "south", "west"]))
    sim.loc[(sim["segment"] == "north") & (pd.to_datetime(sim["date"]) < "2023-04-01"), "score"] = np.nan
    table = compare_periods(sim, by="segment", freq="QE")
    assert list(table.columns) == ["segment"] + CONTRACT
    assert len(table) == 4 * 8
    assert (table.groupby("segment", observed=True).size() == 8).all()
    assert (table.loc[table["segment"] == "west", "n"] == 0).all()
    labels = period_of(sim, "Q")
    for seg in ("north", "south"):
        part = table[table["segment"] == seg].reset_index(drop=True)
        hand = hand_table(sim[sim["segment"] == seg], "Q")
        np.testing.assert_array_equal(part["n"], hand["n"])
        np.testing.assert_allclose(part["nps"], hand["nps"], atol=1e-9)
        now = counts_of(sim[(sim["segment"] == seg) & (labels == "2024Q2")])
        then = counts_of(sim[(sim["segment"] == seg) & (labels == "2024Q1")])
        assert part.loc[5, "change"] == pytest.approx(compare(now, then).difference, abs=1e-12)
    north = table[table["segment"] == "north"].reset_index(drop=True)
    assert north.loc[0, "n"] == 0 and math.isnan(north.loc[1, "change"])


def test_weighted_counts_and_change(sim):
    table = compare_periods(sim, weights="weight", method="wald")
    hand = hand_table(sim, "Q", weights="weight")
    np.testing.assert_allclose(table["weighted_total"], hand["n"], rtol=1e-12)
    np.testing.assert_array_equal(table["n"], hand_table(sim, "Q")["n"])  # n counts answers
    np.testing.assert_allclose(table["promoters"], hand["promoters"], rtol=1e-12)
    np.testing.assert_allclose(table["nps"], hand["nps"], atol=1e-9)
    assert list(table.columns) == CONTRACT + ["weighted_total", "n_effective"]
    labels = period_of(sim, "Q")
    now = counts_of(sim[labels == "2024Q4"], weights="weight")
    then = counts_of(sim[labels == "2024Q3"], weights="weight")
    expected = compare(now, then, method="wald")
    last = table.iloc[-1]
    assert last["change"] == pytest.approx(expected.difference, abs=1e-9)
    assert (last["change_low"], last["p_value"]) == pytest.approx((expected.low, expected.p_value), abs=1e-9)
    np.testing.assert_array_equal(table["low_n"], table["n_effective"] < 30)


# -- dates and frequencies -----------------------------------------------------------------------------------------
def test_bad_dates_refused_with_positions():
    df = pd.DataFrame({"score": [10, 9, 3, 7, 8, 0, 1, 2],
                       "when": ["2024-01-01", "soon", "2024-02-30", None, "12/31/24", "x", "y", "z"]})
    with pytest.raises(ValueError, match="column 'when'") as info:
        compare_periods(df, date="when")
    text = str(info.value)
    assert "'soon' (position 1)" in text and "'2024-02-30' (position 2)" in text
    assert "'12/31/24' (position 4)" in text and "and 1 more" in text and "position 3" not in text
    with pytest.raises(ValueError, match="position 1"):
        compare_periods(pd.DataFrame({"score": [1, 2], "date": [20240101, 20240102]}))
    with pytest.raises(KeyError, match="'when'"):
        compare_periods(df)
    with pytest.raises(KeyError, match="'rating'"):
        trend(df, score="rating", date="when")
    with pytest.raises(ValueError, match="no dates"):
        compare_periods(pd.DataFrame({"score": [1, 2], "date": [None, None]}))


def test_date_forms_and_missing_dates():
    df = pd.DataFrame({"score": [10, 9, 0, 8, 10, 3],
                       "date": ["2024-03-31", "31.03.2024", "1.4.2024 10:15", None, "", "2024-06-30T12:00:00"]})
    table = compare_periods(df, min_n=1)
    assert table["period"].tolist() == ["2024Q1", "2024Q2"]
    assert table["n"].tolist() == [2, 2]
    assert table.attrs["n_undated"] == 2
    dates = parse_dates(df["date"])
    assert dates.iloc[1] == pd.Timestamp("2024-03-31") and pd.isna(dates.iloc[3])


def test_timezone_aware_dates_use_local_calendar():
    local = pd.to_datetime(["2024-03-31 23:30", "2024-04-01 00:30", "2024-06-30 23:00"]).tz_localize("Europe/Warsaw")
    df = pd.DataFrame({"score": [10, 0, 9], "date": local})
    before = df.copy()
    table = compare_periods(df, min_n=1)
    pd.testing.assert_frame_equal(df, before)
    assert table["period"].tolist() == ["2024Q1", "2024Q2"] and table["n"].tolist() == [1, 2]
    texts = pd.DataFrame({"score": [10, 0, 9],
                          "date": ["2024-03-31T23:30:00+02:00", "2024-03-31T20:30:00-05:00",
                                   "2024-04-01T00:30:00Z"]})
    table = compare_periods(texts, min_n=1)  # mixed offsets, each read on its own calendar
    assert table["n"].tolist() == [2, 1]
    mixed = pd.Series([pd.Timestamp("2024-06-30 22:00", tz="America/New_York"),
                       pd.Timestamp("2024-07-01 01:00", tz="Asia/Tokyo")], dtype=object)
    assert parse_dates(mixed).dt.quarter.tolist() == [2, 3]


@pytest.mark.parametrize("freq, pfreq", [("ME", "M"), ("M", "M"), ("MS", "M"), ("W", "W-SUN"), ("W-MON", "W-MON"),
                                         ("YE", "Y-DEC"), ("Y", "Y-DEC"), ("Q", "Q-DEC"), ("QE-MAR", "Q-MAR"),
                                         ("QS-APR", "Q-MAR")])
def test_frequencies_match_pandas_periods(rng, freq, pfreq):
    df = simulate(rng, 600, start="2023-11-01", end="2024-03-31")
    assert period_freq(freq) == pfreq
    table = compare_periods(df, freq=freq, min_n=1)
    hand = hand_table(df, pfreq)
    assert table["period"].tolist() == hand["period"].tolist()
    np.testing.assert_array_equal(table["n"], hand["n"])
    np.testing.assert_allclose(table["nps"], hand["nps"], atol=1e-9)
    assert table.attrs["period_freq"] == pfreq


def test_week_labels_and_unknown_freq(sim):
    table = compare_periods(sim.head(200), freq="W")
    assert table["period"].iloc[0] == str(pd.Period(pd.Timestamp(sim["date"].dropna().iloc[0]), "W-SUN"))
    assert "/" in table["period"].iloc[0]
    for bad in ("D", "2QE", "QE-XYZ", "BQE", "min"):
        with pytest.raises(ValueError, match="allowed: weeks 'W'.*'QE'"):
            compare_periods(sim, freq=bad)
    with pytest.raises(ValueError, match="compare_to"):
        compare_periods(sim, compare_to="last_year")


# -- current vs previous -------------------------------------------------------------------------------------------
def test_current_vs_previous(sim):
    labels = period_of(sim, "Q")
    result = current_vs_previous(sim, method="wald")
    expected = compare(counts_of(sim[labels == "2024Q4"]), counts_of(sim[labels == "2024Q3"]), method="wald")
    assert same(result, expected)
    year = current_vs_previous(sim, compare_to="year_ago")
    assert same(year, compare(counts_of(sim[labels == "2024Q4"]), counts_of(sim[labels == "2023Q4"])))
    # the previous period without answers is passed over; the table's last change is then NaN
    gap = sim[labels != "2024Q3"]
    assert same(current_vs_previous(gap),
                compare(counts_of(sim[labels == "2024Q4"]), counts_of(sim[labels == "2024Q2"])))
    assert math.isnan(compare_periods(gap)["change"].iloc[-1])
    with pytest.raises(ValueError, match="at least two periods"):
        current_vs_previous(sim[labels == "2024Q4"])
    with pytest.raises(ValueError, match="a year before"):
        current_vs_previous(sim[pd.to_datetime(sim["date"]) >= "2024-01-01"], compare_to="year_ago")


# -- decomposition -------------------------------------------------------------------------------------------------
answers = st.lists(st.integers(0, 10), min_size=1, max_size=60)


@settings(max_examples=60, deadline=None)
@given(answers, answers)
def test_decomposition_adds_up(before, after):
    parts = decompose_change(before, after)
    assert parts["component"].tolist() == ["previous", "promoters", "detractors", "current"]
    assert parts["kind"].tolist() == ["level", "change", "change", "level"]
    pts = parts["points"].to_numpy()
    assert pts[0] == pytest.approx(nt.nps(before), abs=1e-9) and pts[3] == pytest.approx(nt.nps(after), abs=1e-9)
    assert abs(pts[1] + pts[2] - (pts[3] - pts[0])) < 1e-9
    c0, c1 = nt.counts(before), nt.counts(after)
    assert pts[1] == pytest.approx(100 * (c1.promoter_share - c0.promoter_share), abs=1e-9)
    assert pts[2] == pytest.approx(-100 * (c1.detractor_share - c0.detractor_share), abs=1e-9)


segmented = st.lists(st.tuples(st.integers(0, 10), st.sampled_from(["a", "b", "c", "d"])), min_size=1, max_size=60)


@settings(max_examples=60, deadline=None)
@given(segmented, segmented)
def test_shift_share_adds_up(before, after):
    b = pd.DataFrame(before, columns=["score", "seg"])
    a = pd.DataFrame(after, columns=["score", "seg"])
    keep_b, keep_a = b.copy(), a.copy()
    parts = decompose_change(b, a, by="seg")
    pd.testing.assert_frame_equal(b, keep_b)
    pd.testing.assert_frame_equal(a, keep_a)
    assert parts["component"].iloc[0] == "previous" and parts["component"].iloc[-1] == "current"
    assert parts["component"].iloc[-2] == "mix"
    change = parts.loc[parts["kind"] == "change", "points"].sum()
    total = nt.nps(a["score"]) - nt.nps(b["score"])
    assert abs(change - total) < 1e-9
    assert parts["points"].iloc[0] == pytest.approx(nt.nps(b["score"]), abs=1e-9)
    within = parts[parts["component"].str.startswith("within: ")].set_index("segment")
    assert sorted(within.index) == sorted(set(b["seg"]) | set(a["seg"]))
    for seg, row in within.iterrows():
        in_b, in_a = b[b["seg"] == seg], a[a["seg"] == seg]
        if len(in_b) and len(in_a):
            w = (len(in_b) / len(b) + len(in_a) / len(a)) / 2
            expected = w * (nt.nps(in_a["score"]) - nt.nps(in_b["score"]))
            assert row["points"] == pytest.approx(expected, abs=1e-9)
        else:  # present in one period only: contributes only through the mix
            assert row["points"] == 0
            assert math.isnan(row["nps_previous"] if len(in_a) else row["nps_current"])


def test_decomposition_inputs():
    c0 = nt.NPSCounts(promoters=20, passives=50, detractors=30)
    c1 = nt.NPSCounts(promoters=30, passives=50, detractors=20)
    parts = decompose_change(c0, c1)
    assert parts["points"].tolist() == pytest.approx([-10, 10, 10, 10])
    frame = pd.DataFrame({"rating": [10, 0]})
    assert decompose_change(frame, [10, 10], score="rating")["points"].iloc[-1] == 100
    with pytest.raises(ValueError, match="no answers"):
        decompose_change([None], [10])
    with pytest.raises(TypeError, match="DataFrame"):
        decompose_change([10], [9], by="seg")
    b = pd.DataFrame({"score": [10, 10, 0, 0], "seg": ["x", "x", "y", "y"]})
    a = pd.DataFrame({"score": [10, 0, 0, 0, 10, 10], "seg": ["x", "y", "y", "y", "z", "z"]})
    parts = decompose_change(b, a, by="seg").set_index("component")
    assert parts.loc["within: x", "points"] == 0 and parts.loc["within: z", "points"] == 0
    assert parts.loc["within: y", "share_previous"] == 0.5 and parts.loc["within: y", "share_current"] == 0.5
    # mix: x shrinks from 1/2 to 1/6 at NPS 100, y stays at 1/2, z new at 1/3 with NPS 100
    assert parts.loc["mix", "points"] == pytest.approx(100 * (1 / 6 - 1 / 2) + 100 * (1 / 3))


# -- trend ---------------------------------------------------------------------------------------------------------
def test_trend_is_weighted_least_squares(sim):
    result = trend(sim, confidence=0.9)
    table = compare_periods(sim)
    ses = []
    for row in table.itertuples():
        c = nt.NPSCounts(promoters=row.promoters, passives=row.passives, detractors=row.detractors)
        ses.append(100 * math.sqrt((c.promoter_share + c.detractor_share
                                    - (c.promoter_share - c.detractor_share) ** 2) / c.n))
    x = np.arange(len(table), dtype=float)
    coef, cov = np.polyfit(x, table["nps"], 1, w=1 / np.array(ses), cov=True)
    assert result.slope == pytest.approx(coef[0], rel=1e-9)
    assert result.intercept == pytest.approx(coef[1], rel=1e-9)
    se = math.sqrt(cov[0, 0])
    t = __import__("scipy").stats.t
    assert result.high - result.slope == pytest.approx(t.ppf(0.95, len(x) - 2) * se, rel=1e-9)
    assert result.p_value == pytest.approx(2 * t.sf(abs(coef[0]) / se, len(x) - 2), rel=1e-9)
    assert result.n_periods == 8 and result.origin == "2023Q1" and result.unit == "quarter"
    assert abs(result.slope - 3.0) < 1.0 and result.low < 3.0 < result.high  # true slope 3 points per quarter
    assert result.significant


def test_trend_skips_empty_periods_keeping_their_place(sim):
    labels = period_of(sim, "Q")
    gap = sim[labels != "2023Q3"]
    result = trend(gap)
    table = compare_periods(gap)
    used = table[table["n"] > 0]
    x = np.flatnonzero(table["n"].to_numpy() > 0).astype(float)
    se = [nt.NPSCounts(promoters=r.promoters, passives=r.passives, detractors=r.detractors).se
          for r in used.itertuples()]
    assert result.n_periods == 7
    assert result.slope == pytest.approx(np.polyfit(x, used["nps"], 1, w=1 / np.array(se))[0], rel=1e-9)


def test_trend_by_group_and_dataclass(sim):
    by = trend(sim, by="segment", exclude_below=50)
    assert by["segment"].tolist() == ["east", "north", "south"]
    assert list(by.columns) == ["segment", "slope", "low", "high", "p_value", "significant", "n_periods",
                                "intercept"]
    one = trend(sim[sim["segment"] == "north"], exclude_below=50)
    assert by.loc[1, "slope"] == pytest.approx(one.slope, rel=1e-12)
    assert by.loc[1, "p_value"] == pytest.approx(one.p_value, rel=1e-12)
    assert isinstance(one, Trend) and one.to_dict()["n_periods"] == 8
    assert "points per quarter" in str(one) and "<div>" in one._repr_html_()
    with pytest.raises(Exception):
        one.slope = 0  # frozen
    two = trend(sim[pd.to_datetime(sim["date"]) < "2023-07-01"])
    assert two.n_periods == 2 and math.isnan(two.low) and not two.significant
    with pytest.raises(ValueError, match="at least two periods"):
        trend(sim[pd.to_datetime(sim["date"]) < "2023-04-01"])
    perfect = pd.DataFrame({"score": [10] * 5 + [0] * 5, "date": ["2024-01-01"] * 5 + ["2024-04-01"] * 5})
    assert trend(perfect).slope == pytest.approx(-200)  # SE 0 in both periods: adjusted SE used


# -- rolling -------------------------------------------------------------------------------------------------------
def test_rolling_over_periods_matches_naive_loop(sim):
    before = sim.copy()
    out = rolling_nps(sim, window=3, freq="ME", min_periods=2)
    pd.testing.assert_frame_equal(sim, before)
    labels = period_of(sim, "M")
    periods = [str(p) for p in pd.period_range("2023-01", "2024-12", freq="M")]
    assert out["period"].tolist() == periods and list(out.columns) == ["period", "n", "nps"]
    for i, p in enumerate(periods):
        inside = sim[labels.isin(periods[max(0, i - 2):i + 1])]
        c = counts_of(inside)
        assert out["n"].iloc[i] == c.n
        if i < 1:
            assert math.isnan(out["nps"].iloc[i])
        else:
            assert out["nps"].iloc[i] == pytest.approx(c.nps, abs=1e-9)


def test_rolling_over_responses_matches_naive_loop(rng):
    df = pd.DataFrame({"score": rng.integers(0, 11, 300).astype(float),
                       "date": pd.to_datetime("2024-01-01") + pd.to_timedelta(rng.integers(0, 40, 300), "D")})
    df.loc[rng.choice(300, 20, replace=False), "score"] = np.nan
    df.loc[rng.choice(300, 5, replace=False), "date"] = pd.NaT
    df.index = rng.permutation(300) + 1000
    out = rolling_nps(df, window=25, min_periods=10)
    usable = df.dropna()
    ordered = usable.iloc[np.argsort(usable["date"].to_numpy(), kind="stable")]
    assert out.index.tolist() == ordered.index.tolist() and list(out.columns) == ["date", "n", "nps"]
    scores = ordered["score"].tolist()
    for i in range(len(scores)):
        win = scores[max(0, i - 24):i + 1]
        assert out["n"].iloc[i] == len(win)
        if len(win) < 10:
            assert math.isnan(out["nps"].iloc[i])
        else:
            assert out["nps"].iloc[i] == pytest.approx(nt.nps(win), abs=1e-9)
    with pytest.raises(ValueError, match="min_periods"):
        rolling_nps(df, window=3, min_periods=5)


def test_inputs_are_left_alone(sim):
    sim = sim.assign(when=pd.to_datetime(sim["date"]).dt.tz_localize("UTC").dt.tz_convert("Europe/Warsaw"))
    before = sim.copy()
    compare_periods(sim, date="when", by="segment", weights="weight")
    current_vs_previous(sim, date="when", compare_to="year_ago")
    trend(sim, by="segment")
    assert trend(sim).n_undated == int(sim["date"].isna().sum())
    rolling_nps(sim, window=50)
    rolling_nps(sim, date="when", window=2, freq="YE")
    labels = period_of(sim, "Q")
    decompose_change(sim[labels == "2024Q1"], sim[labels == "2024Q2"], by="segment")
    pd.testing.assert_frame_equal(sim, before)


def test_decompose_change_from_count_tables_and_weights():
    """Counts per segment (as an engine returns them) give the decomposition of the rows; weights weigh it."""
    rng = np.random.default_rng(3)
    frames = [pd.DataFrame({"score": rng.integers(0, 11, n), "seg": rng.choice(["a", "b", "c"], n),
                            "w": rng.uniform(0.2, 3.0, n)}) for n in (300, 420)]
    from_rows = decompose_change(*frames, by="seg")
    tables = [count_groups(f, by="seg") for f in frames]
    pd.testing.assert_frame_equal(decompose_change(*tables, by="seg"), from_rows)
    pd.testing.assert_frame_equal(decompose_change(*tables), decompose_change(frames[0]["score"], frames[1]["score"]))
    weighted = decompose_change(*frames, by="seg", weights="w")
    levels = [nt.counts(f["score"], weights=f["w"]).nps for f in frames]
    assert weighted["points"].iloc[0] == pytest.approx(levels[0])
    assert weighted["points"].iloc[-1] == pytest.approx(levels[1])
    assert weighted.loc[weighted["kind"] == "change", "points"].sum() == pytest.approx(levels[1] - levels[0])
    w_tables = [count_groups(f, by="seg", weights="w") for f in frames]
    pd.testing.assert_frame_equal(decompose_change(*w_tables, by="seg"), weighted)
    plain = decompose_change(frames[0], frames[1], weights="w")
    assert plain["points"].iloc[-1] == pytest.approx(levels[1])
    # shares of weights, not of answers
    seg_a = weighted[weighted["segment"] == "a"].iloc[0]
    assert seg_a["share_current"] == pytest.approx(frames[1].loc[frames[1]["seg"] == "a", "w"].sum()
                                                   / frames[1]["w"].sum())


def test_resampled_periods_repeat_with_a_seed():
    rng = np.random.default_rng(4)
    frame = pd.DataFrame({"score": rng.integers(0, 11, 600), "date": pd.date_range("2025-01-01", periods=600)})
    tables = [compare_periods(frame, method="bootstrap", random_state=seed) for seed in (3, 3, 4)]
    pd.testing.assert_frame_equal(tables[0], tables[1])
    assert not tables[0]["ci_low"].equals(tables[2]["ci_low"])
    cmps = [current_vs_previous(frame, method="bayes", random_state=seed) for seed in (3, 3, 4)]
    assert (cmps[0].low, cmps[0].high, cmps[0].p_value) == (cmps[1].low, cmps[1].high, cmps[1].p_value)
    assert cmps[0].low != cmps[2].low


# -- renamed options and custom scales ----------------------------------------------------------------------------
def test_trend_min_n_is_renamed_exclude_below(sim):
    new = trend(sim, by="segment", exclude_below=300)
    with pytest.warns(DeprecationWarning, match="'min_n' is renamed 'exclude_below'"):
        old = trend(sim, by="segment", min_n=300)
    pd.testing.assert_frame_equal(old, new)
    assert new.attrs["min_n"] == 300  # the attrs key of the release before exclude_below=
    assert (new["n_periods"] < trend(sim, by="segment")["n_periods"]).any()  # small periods were left out
    with pytest.raises(ValueError, match="exclude_below must be a non-negative number"):
        trend(sim, exclude_below=-1)


# a five-point question: 1-3 detractors, 4 passive, 5 promoter; recoded to 0, 7 and 10 on the standard scale
FIVE = nt.NPSScale(detractors=range(1, 4), passives=[4], promoters=[5])
TO_STANDARD = {1: 0, 2: 3, 3: 6, 4: 7, 5: 10}


@pytest.fixture
def five_point(sim, rng):
    five = sim.assign(score=rng.integers(1, 6, len(sim)).astype(float))
    five.loc[sim["score"].isna(), "score"] = np.nan
    return five, five.assign(score=five["score"].map(TO_STANDARD))


def test_period_functions_take_a_scale(five_point):
    five, standard = five_point
    pd.testing.assert_frame_equal(compare_periods(five, by="segment", scale=FIVE, weights="weight"),
                                  compare_periods(standard, by="segment", weights="weight"))
    pd.testing.assert_frame_equal(compare_periods(five, method="bootstrap", random_state=3, scale=FIVE),
                                  compare_periods(standard, method="bootstrap", random_state=3))
    assert current_vs_previous(five, scale=FIVE) == current_vs_previous(standard)
    assert trend(five, scale=FIVE) == trend(standard)
    pd.testing.assert_frame_equal(trend(five, by="segment", scale=FIVE), trend(standard, by="segment"))
    pd.testing.assert_frame_equal(rolling_nps(five, window=3, freq="ME", scale=FIVE),
                                  rolling_nps(standard, window=3, freq="ME"))
    pd.testing.assert_frame_equal(rolling_nps(five, window=40, scale=FIVE), rolling_nps(standard, window=40))
    with pytest.raises(ValueError, match="answers must be whole numbers 0 to 10"):
        rolling_nps(standard.assign(score=standard["score"] + 1), window=3)  # 11 is off the standard scale


def test_decompose_change_takes_a_scale(five_point):
    five, standard = five_point
    halves = [slice(0, 2000), slice(2000, None)]
    for by, weights in ((None, None), (None, "weight"), ("segment", None), ("segment", "weight")):
        got = decompose_change(*(five.iloc[h] for h in halves), by=by, weights=weights, scale=FIVE)
        want = decompose_change(*(standard.iloc[h] for h in halves), by=by, weights=weights)
        pd.testing.assert_frame_equal(got, want)
    raw = decompose_change([1, 5, 5, 4], [5, 5, 3, 2], scale=FIVE)
    pd.testing.assert_frame_equal(raw, decompose_change([0, 10, 10, 7], [10, 10, 6, 3]))


# -- complex samples: design= (R's survey package, tests/data/survey_reference) ------------------------------------
SURVEY = __import__("pathlib").Path(__file__).parent / "data" / "survey_reference"
CLUSTERED = nt.SurveyDesign(weights="weight", strata="region", psu="store")
Z95 = 1.959963984540054
#: R's svycontrast of wave 2 - wave 1 ("clustered" design of contrasts.csv): (estimate, se)
R_WAVES = (6.618401430825374, 5.2967467192678743)
R_AURORA_WAVES = (24.911071691651376, 7.2650368730613808)


@pytest.fixture(scope="module")
def survey() -> pd.DataFrame:
    """The R reference sample, with a date per wave: wave 1 in 2024Q1, wave 2 in 2024Q2."""
    sample = pd.read_csv(SURVEY / "sample.csv")
    return sample.assign(date=np.where(sample["wave"] == 1, "2024-02-15", "2024-05-15"))


def test_reference_contrasts_are_the_ones_asserted():
    r = pd.read_csv(SURVEY / "contrasts.csv").set_index(["design", "contrast"])
    assert tuple(r.loc[("clustered", "wave 2 - wave 1"), ["estimate", "se"]]) == pytest.approx(R_WAVES, abs=1e-12)
    assert tuple(r.loc[("clustered", "Aurora, wave 2 - wave 1"), ["estimate", "se"]]) == \
        pytest.approx(R_AURORA_WAVES, abs=1e-12)


def test_design_change_matches_r_svycontrast(survey):
    before = survey.copy()
    table = compare_periods(survey, freq="QE", design=CLUSTERED)
    pd.testing.assert_frame_equal(survey, before)  # input unchanged
    assert list(table.columns) == CONTRACT + ["weighted_total", "se", "deff", "n_effective", "df"]
    assert table["period"].tolist() == ["2024Q1", "2024Q2"]
    change = table.iloc[1]
    assert change["change"] == pytest.approx(R_WAVES[0], abs=1e-6)
    assert (change["change_high"] - change["change"]) / Z95 == pytest.approx(R_WAVES[1], abs=1e-6)
    assert (change["change"] - change["change_low"]) / Z95 == pytest.approx(R_WAVES[1], abs=1e-6)
    from scipy import stats
    assert change["p_value"] == pytest.approx(2 * stats.norm.sf(R_WAVES[0] / R_WAVES[1]), rel=1e-6)
    assert not change["significant"] and math.isnan(table["change"].iloc[0]) and not table["significant"].iloc[0]
    assert table.attrs["design"] == CLUSTERED and table.attrs["df"] is None and table.attrs["n_undated"] == 0


def test_design_change_by_brand_matches_r(survey):
    table = compare_periods(survey, freq="QE", by="brand", design=CLUSTERED)
    assert table[["brand", "period"]].values.tolist() == [[b, p] for b in ("Aurora", "Borealis", "Corona")
                                                          for p in ("2024Q1", "2024Q2")]
    aurora = table.iloc[1]
    assert aurora["change"] == pytest.approx(R_AURORA_WAVES[0], abs=1e-6)
    assert (aurora["change_high"] - aurora["change"]) / Z95 == pytest.approx(R_AURORA_WAVES[1], abs=1e-6)
    assert bool(aurora["significant"]) and aurora["p_value"] < 0.001


def test_design_periods_are_the_design_estimates(survey):
    table = compare_periods(survey, design=CLUSTERED)
    want = nt.design_estimates(survey, design=CLUSTERED, by="wave")
    for column in ("n", "n_missing", "weighted_total", "nps", "se", "deff", "n_effective", "df"):
        np.testing.assert_allclose(table[column].to_numpy(float), want[column].to_numpy(float), rtol=1e-12)
    summary = nt.summarize(survey, design=CLUSTERED, by="wave")
    for column in ("promoters", "passives", "detractors", "promoter_share", "ci_low", "ci_high"):
        np.testing.assert_allclose(table[column].to_numpy(float), summary[column].to_numpy(float), rtol=1e-12)
    wald = compare_periods(survey, design=CLUSTERED, method="wald")
    np.testing.assert_allclose(wald["ci_high"], wald["nps"] + Z95 * wald["se"], rtol=1e-9)
    # the change's se comes from the covariance of the two waves (they share stores and strata)
    cov = want.attrs["covariance"].to_numpy()
    se = math.sqrt(cov[0, 0] + cov[1, 1] - 2 * cov[0, 1])
    assert abs(cov[0, 1]) > 1 and (table["change_high"].iloc[1] - table["change"].iloc[1]) / Z95 == \
        pytest.approx(se, rel=1e-9)
    assert nt.design.contrast(want, [-1, 1]).se == pytest.approx(se, rel=1e-12)


def test_design_current_vs_previous_is_the_contrast(survey):
    result = current_vs_previous(survey, design=CLUSTERED, method="wald")
    table = compare_periods(survey, design=CLUSTERED)
    assert isinstance(result, nt.Comparison)
    assert result.difference == pytest.approx(R_WAVES[0], abs=1e-6)
    assert result.low == pytest.approx(table["change_low"].iloc[1], rel=1e-12)
    assert result.high == pytest.approx(table["change_high"].iloc[1], rel=1e-12)
    assert result.p_value == pytest.approx(table["p_value"].iloc[1], rel=1e-12)
    assert result.statistic == pytest.approx(R_WAVES[0] / R_WAVES[1], rel=1e-6)
    assert (result.nps_a, result.nps_b) == pytest.approx(tuple(table["nps"].iloc[::-1]), rel=1e-12)
    assert (result.n_a, result.n_b) == pytest.approx(tuple(table["weighted_total"].iloc[::-1]), rel=1e-12)
    assert result.method == "wald" and result.confidence == 0.95 and not result.significant and not result.paired
    assert result.attrs["design"] == CLUSTERED and result.attrs["se"] == pytest.approx(R_WAVES[1], abs=1e-6)
    assert current_vs_previous(survey, design=CLUSTERED).method == "adjusted-wald"
    with pytest.raises(ValueError, match="no answers a year before 2024Q2"):
        current_vs_previous(survey, design=CLUSTERED, compare_to="year_ago")


def test_design_df_uses_t_on_the_design_degrees_of_freedom(survey):
    from scipy import stats
    normal = compare_periods(survey, design=CLUSTERED)
    t = compare_periods(survey, design=CLUSTERED, df="design")
    assert t["df"].tolist() == [24, 24]  # 28 stores - 4 regions
    ratio = (t["change_high"].iloc[1] - t["change"].iloc[1]) / (normal["change_high"].iloc[1] - normal["change"].iloc[1])
    assert ratio == pytest.approx(stats.t.ppf(0.975, 24) / Z95, rel=1e-9)
    assert t["p_value"].iloc[1] == pytest.approx(2 * stats.t.sf(R_WAVES[0] / R_WAVES[1], 24), rel=1e-6)
    summary = nt.summarize(survey, design=CLUSTERED, by="wave", df="design")
    np.testing.assert_allclose(t["ci_low"], summary["ci_low"], rtol=1e-12)
    assert t.attrs["df"] == "design"
    result = current_vs_previous(survey, design=CLUSTERED, df="design")
    assert result.high == pytest.approx(t["change_high"].iloc[1], rel=1e-12)


def test_design_of_independent_rows_gives_the_weighted_nps(sim):
    weighted = compare_periods(sim, weights="weight", by="segment")
    design = compare_periods(sim, design=nt.SurveyDesign(weights="weight"), by="segment")
    assert design[["segment", "period"]].equals(weighted[["segment", "period"]])
    for column in ("n", "n_missing", "promoters", "passives", "detractors", "nps", "change", "weighted_total"):
        np.testing.assert_allclose(design[column].to_numpy(float), weighted[column].to_numpy(float), rtol=1e-9,
                                   err_msg=column)
    assert design.attrs["n_undated"] == weighted.attrs["n_undated"] > 0
    # every row its own PSU: the periods are independent and each se is sqrt(n / (n - 1)) times the linearised one
    n = len(sim)
    wald = compare_periods(sim, weights="weight", by="segment", method="wald")
    np.testing.assert_allclose((design["change_high"] - design["change"]).to_numpy(float),
                               math.sqrt(n / (n - 1)) * (wald["change_high"] - wald["change"]).to_numpy(float),
                               rtol=1e-6)


def test_design_rows_without_a_date_keep_their_psus(survey):
    extra = survey.sample(40, random_state=5).assign(date=None, score=10)  # answers, but no date
    more = pd.concat([survey, extra], ignore_index=True)
    base = compare_periods(survey, design=CLUSTERED)
    table = compare_periods(more, design=CLUSTERED)
    np.testing.assert_allclose(table["nps"], base["nps"], rtol=1e-12)
    np.testing.assert_allclose(table["n"], base["n"])
    assert table.attrs["n_undated"] == 40 and base.attrs["n_undated"] == 0
    # domain estimation: the undated rows are a domain of their own, kept for the variance
    want = nt.design_estimates(more.assign(wave=more["wave"].where(more["date"].notna())), design=CLUSTERED,
                               by="wave")
    assert want["wave"].isna().iloc[-1] and len(want) == 3
    np.testing.assert_allclose(table["se"], want["se"].iloc[:2], rtol=1e-12)
    cov = want.attrs["covariance"].to_numpy()
    se = math.sqrt(cov[0, 0] + cov[1, 1] - 2 * cov[0, 1])
    assert (table["change_high"].iloc[1] - table["change"].iloc[1]) / Z95 == pytest.approx(se, rel=1e-9)
    assert trend(more, design=CLUSTERED).n_undated == 40


def test_design_empty_period_appears_and_is_passed_over(survey):
    gap = survey.assign(date=np.where(survey["wave"] == 1, "2024-02-15", "2024-08-15"))
    table = compare_periods(gap, design=CLUSTERED, min_n=1)
    assert table["period"].tolist() == ["2024Q1", "2024Q2", "2024Q3"]
    assert table["n"].tolist() == [455, 0, 471] and math.isnan(table["nps"].iloc[1])
    assert table["low_n"].tolist() == [False, True, False]
    assert table["change"].isna().all()  # no period before the first, none with answers before Q2 and Q3
    result = current_vs_previous(gap, design=CLUSTERED)
    assert result.difference == pytest.approx(R_WAVES[0], abs=1e-6)
    slope = trend(gap, design=CLUSTERED)  # the gap keeps its place: two quarters between the waves
    assert slope.slope == pytest.approx(R_WAVES[0] / 2, abs=1e-6)
    assert (slope.high - slope.slope) / Z95 == pytest.approx(R_WAVES[1] / 2, abs=1e-6)


def test_design_low_n_uses_the_effective_n(survey):
    table = compare_periods(survey, design=CLUSTERED, min_n=200)
    assert table["n"].min() > 200  # by answers both are large enough ...
    assert table["low_n"].tolist() == (table["n_effective"] < 200).tolist() == [False, True]  # ... not by n / deff


@pytest.fixture(scope="module")
def three_waves(survey) -> pd.DataFrame:
    """A third quarter: the wave 1 stores and respondents asked again, answers shifted, in 2024Q3."""
    third = survey[survey["wave"] == 1].assign(wave=3, date="2024-08-15")
    third["score"] = np.where(third["score"].isna(), np.nan, (third["score"] + 3) % 11)
    return pd.concat([survey, third], ignore_index=True)


def gls(estimates: pd.DataFrame):
    """Slope, its se and intercept by generalised least squares, from design_estimates (one row per period)."""
    y = estimates["nps"].to_numpy(float)
    v = estimates.attrs["covariance"].to_numpy(float)
    x = np.column_stack([np.ones(len(y)), np.arange(len(y), dtype=float)])
    vinv = np.linalg.inv(v)
    cov = np.linalg.inv(x.T @ vinv @ x)
    beta = cov @ x.T @ vinv @ y
    return beta[1], math.sqrt(cov[1, 1]), beta[0]


def test_design_trend_is_gls_with_the_covariance(three_waves):
    from scipy import stats
    got = trend(three_waves, design=CLUSTERED)
    slope, se, intercept = gls(nt.design_estimates(three_waves, design=CLUSTERED, by="wave"))
    assert isinstance(got, Trend) and got.n_periods == 3 and got.origin == "2024Q1"
    assert got.slope == pytest.approx(slope, rel=1e-9) and got.intercept == pytest.approx(intercept, rel=1e-9)
    assert (got.high - got.slope) / Z95 == pytest.approx(se, rel=1e-9)
    assert got.p_value == pytest.approx(2 * stats.norm.sf(abs(slope) / se), rel=1e-9)
    assert got.attrs["design"] == CLUSTERED
    t = trend(three_waves, design=CLUSTERED, df="design")
    assert t.slope == got.slope and (t.high - t.slope) / se == pytest.approx(stats.t.ppf(0.975, 24), rel=1e-9)
    # not the WLS on the diagonal: the covariance between the waves matters
    assert abs(got.slope - trend(three_waves, weights="weight").slope) > 0.01


def test_design_trend_by_group_is_gls_per_group(three_waves):
    got = trend(three_waves, design=CLUSTERED, by="brand")
    assert list(got.columns) == ["brand", "slope", "low", "high", "p_value", "significant", "n_periods", "intercept"]
    assert got["brand"].tolist() == ["Aurora", "Borealis", "Corona"] and got["n_periods"].tolist() == [3, 3, 3]
    both = nt.design_estimates(three_waves, design=CLUSTERED, by=["brand", "wave"])
    for i, brand in enumerate(got["brand"]):
        rows = np.flatnonzero(both["brand"].to_numpy() == brand)
        part = both.iloc[rows].reset_index(drop=True)
        cov = both.attrs["covariance"].to_numpy()[np.ix_(rows, rows)]
        part.attrs["covariance"] = pd.DataFrame(cov)
        slope, se, intercept = gls(part)
        assert got["slope"].iloc[i] == pytest.approx(slope, rel=1e-9)
        assert got["high"].iloc[i] - got["slope"].iloc[i] == pytest.approx(Z95 * se, rel=1e-9)
        assert got["intercept"].iloc[i] == pytest.approx(intercept, rel=1e-9)
    assert got.attrs["design"] == CLUSTERED and got.attrs["df"] is None


def test_design_trend_exclude_below_uses_the_effective_n(three_waves):
    sizes = compare_periods(three_waves, design=CLUSTERED)["n_effective"]
    assert (three_waves.groupby("wave")["score"].count() > 400).all()
    cut = float(np.sort(sizes)[0]) + 1  # leaves out the period of the smallest effective n only
    assert trend(three_waves, design=CLUSTERED, exclude_below=cut).n_periods == 2


def test_design_trend_refuses_a_singular_covariance():
    # two stores in one stratum (1 degree of freedom) cannot tell three periods apart
    df = pd.DataFrame({"score": [10, 0, 8, 9, 3, 10, 6, 9, 10, 0, 7, 10],
                       "store": [1, 2] * 6,
                       "date": ["2024-01-05"] * 4 + ["2024-04-05"] * 4 + ["2024-07-05"] * 4})
    with pytest.raises(ValueError, match="singular"):
        trend(df, design=nt.SurveyDesign(psu="store"))


def test_design_errors(survey):
    with pytest.raises(ValueError, match="give the weights in the design"):
        compare_periods(survey, design=CLUSTERED, weights="weight")
    with pytest.raises(ValueError, match="give the weights in the design"):
        current_vs_previous(survey, design=CLUSTERED, weights="weight")
    with pytest.raises(ValueError, match="give the weights in the design"):
        trend(survey, design=CLUSTERED, weights="weight")
    for function in (compare_periods, current_vs_previous, trend):
        with pytest.raises(ValueError, match="needs a design"):
            function(survey, df="design")
        with pytest.raises(ValueError, match="df must be None"):
            function(survey, design=CLUSTERED, df="bogus")
        with pytest.raises(ValueError, match="df must be None"):
            function(survey, df="bogus")
        with pytest.raises(TypeError, match="design must be a SurveyDesign"):
            function(survey, design={"weights": "weight"})
    with pytest.raises(ValueError, match="'period' cannot be a by column"):
        compare_periods(survey.assign(period=1), design=CLUSTERED, by="period")
    with pytest.raises(nt.ColumnNotFoundError):
        compare_periods(survey, design=nt.SurveyDesign(psu="shop"))
    with pytest.raises(ValueError, match="holds no dates"):
        compare_periods(survey.assign(date=None), design=CLUSTERED)


def test_design_on_duckdb_equals_pandas(survey):
    duckdb = pytest.importorskip("duckdb")
    got = compare_periods(duckdb.from_df(survey), design=CLUSTERED, by="brand")
    want = compare_periods(survey, design=CLUSTERED, by="brand")
    pd.testing.assert_frame_equal(got, want, check_dtype=False, atol=1e-9)


def test_design_trend_says_how_it_was_fitted(three_waves):
    assert "generalised least squares" in trend(three_waves, design=CLUSTERED)._repr_html_()
    assert "weighted least squares" in trend(three_waves, weights="weight")._repr_html_()
