"""The same answers through every engine give the same tables and the same refusals.

Every engine (files via DuckDB, DuckDB relations, Polars eager and lazy, Spark) is fed the same
pandas frame, converted, and its results are compared with the in-memory pandas path: equal
tables (weighted sums to 1e-12, being floating-point sums in another order), equal error
messages. Engines whose package is missing are skipped; Spark also needs Java and starts one
local session for the module (local[1], two shuffle partitions, no UI).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import nps_toolkit as nt
from nps_toolkit import engines
from nps_toolkit.summary import combine_counts, count_groups, count_rows

HAS_DUCKDB = importlib.util.find_spec("duckdb") is not None
HAS_POLARS = importlib.util.find_spec("polars") is not None
HAS_SPARK = importlib.util.find_spec("pyspark") is not None and shutil.which("java") is not None
SPARK_REASON = "needs pyspark and Java (pip install 'nps-toolkit[spark]')"

need_duckdb = pytest.mark.skipif(not HAS_DUCKDB, reason="needs duckdb (pip install 'nps-toolkit[scale]')")
need_polars = pytest.mark.skipif(not HAS_POLARS, reason="needs polars (pip install 'nps-toolkit[scale]')")
need_spark = pytest.mark.skipif(not HAS_SPARK, reason=SPARK_REASON)

KINDS = [
    pytest.param("parquet", marks=need_duckdb),
    pytest.param("csv", marks=need_duckdb),
    pytest.param("glob", marks=need_duckdb),
    pytest.param("duckdb", marks=need_duckdb),
    pytest.param("polars", marks=need_polars),
    pytest.param("polars-lazy", marks=need_polars),
    pytest.param("spark", marks=need_spark),
]
FAST_KINDS = [k for k in KINDS if k.values[0] != "spark"]

# pyspark warns about pandas 3 in its own pandas conversions, which neither the toolkit nor these tests use
pytestmark = pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning")


# -- fixtures ------------------------------------------------------------------------------------------------------
@pytest.fixture
def to_engine(request, tmp_path):
    """A function turning a pandas frame into the engine object of the test's ``kind``."""
    counter = iter(range(1000))

    def convert(df: pd.DataFrame, kind: str):
        folder = tmp_path / f"data{next(counter)}"
        folder.mkdir()
        if kind == "parquet":
            df.to_parquet(folder / "answers.parquet")
            return str(folder / "answers.parquet")
        if kind == "csv":
            df.to_csv(folder / "answers.csv", index=False)
            return folder / "answers.csv"  # a pathlib.Path
        if kind == "glob":  # three files, read in the sorted order of their names
            for i, part in enumerate(np.array_split(np.arange(len(df)), 3)):
                df.iloc[part].to_parquet(folder / f"part-{i}.parquet")
            return str(folder / "part-*.parquet")
        if kind == "duckdb":
            import duckdb
            import pyarrow as pa

            return duckdb.connect().from_arrow(pa.Table.from_pandas(df, preserve_index=False))
        if kind in ("polars", "polars-lazy"):
            import polars as pl

            frame = pl.from_pandas(df)
            return frame.lazy() if kind == "polars-lazy" else frame
        if kind == "spark":
            return request.getfixturevalue("spark_frame")(df, partitions=2)
        raise AssertionError(kind)

    return convert


def survey(n=240, seed=5) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    score = rng.integers(0, 11, n).astype(float)
    score[rng.random(n) < 0.08] = np.nan
    segment = rng.choice(np.array(["north", "south", "east", "Zulu", "ägypt"], dtype=object), n)
    segment[rng.random(n) < 0.05] = None
    start = np.datetime64("2023-11-20")
    dates = (start + rng.integers(0, 500, n).astype("timedelta64[D]")).astype("datetime64[us]")
    df = pd.DataFrame({
        "score": score,
        "segment": pd.Series(segment, dtype="str"),
        "wave": rng.integers(1, 4, n),
        "weight": np.round(rng.uniform(0.2, 3.0, n), 3),
        "date": pd.Series(dates),
    })
    df.loc[rng.random(n) < 0.05, "date"] = pd.NaT
    return df


def assert_same(got: pd.DataFrame, want: pd.DataFrame, weighted: bool):
    if weighted:
        pd.testing.assert_frame_equal(got, want, check_exact=False, rtol=1e-12, atol=1e-9)
    else:
        pd.testing.assert_frame_equal(got, want, check_exact=True)


def raised(func, *args, **kwargs):
    with pytest.raises(Exception) as info:
        func(*args, **kwargs)
    return info.type, str(info.value)


def ambiguity(func, *args, **kwargs):
    """Message, column and examples (value, position) of the AmbiguousDatesError raised."""
    with pytest.raises(nt.dates.AmbiguousDatesError) as info:
        func(*args, **kwargs)
    return str(info.value), info.value.column, [(str(v), int(p)) for v, p in info.value.examples]


# -- same tables ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", KINDS)
def test_summaries_are_identical(kind, to_engine):
    df = survey()
    data = to_engine(df, kind)
    groupings = (None, ["segment", "wave"]) if kind == "spark" else (None, "segment", ["segment", "wave"],
                                                                      ["wave", "score"])
    for by in groupings:
        for weights in (None, "weight"):
            want = nt.summarize(df, by=by, weights=weights)
            got = nt.summarize(data, by=by, weights=weights)
            assert_same(got, want, weights is not None)
            assert got.attrs == want.attrs
    got = nt.summarize(data, by="segment", method="wald", confidence=0.9)
    assert_same(got, nt.summarize(df, by="segment", method="wald", confidence=0.9), False)
    assert nt.counts(data) == nt.counts(df["score"])
    weighted = nt.counts(data, weights="weight")
    want = nt.counts(df["score"], weights=df["weight"])
    assert weighted.n_missing == want.n_missing
    assert [weighted.promoters, weighted.passives, weighted.detractors, *weighted.weights_sq] == pytest.approx(
        [want.promoters, want.passives, want.detractors, *want.weights_sq], rel=1e-12)


@pytest.mark.parametrize("kind", KINDS)
def test_compare_groups_is_identical(kind, to_engine):
    df = survey(seed=11)
    data = to_engine(df, kind)
    for method, weights, reference in (("adjusted-wald", None, "north"), ("wald", "weight", None),
                                       ("bayes", None, None)):
        want = nt.compare_groups(df, by="segment", method=method, weights=weights, reference=reference,
                                 random_state=3, n_resamples=2000)
        got = nt.compare_groups(data, by="segment", method=method, weights=weights, reference=reference,
                                random_state=3, n_resamples=2000)
        assert_same(got, want, weights is not None)


@pytest.mark.parametrize("kind", FAST_KINDS)
def test_edge_groups(kind, to_engine):
    # a group of missing answers only, a missing group value, NaN in a float by column, no rows at all
    df = pd.DataFrame({"score": [np.nan, np.nan, 9.0, 6.0, 10.0, 0.0], "store": ["x", "x", "y", None, "y", "z"],
                       "size": [1.5, np.nan, 2.5, 1.5, np.nan, 2.5]})
    data = to_engine(df, kind)
    for by in ("store", "size", ["size", "store"]):
        assert_same(nt.summarize(data, by=by), nt.summarize(df, by=by), False)
    empty = df.iloc[:0]
    if kind != "csv":  # an empty CSV file has no column types to read
        assert_same(nt.summarize(to_engine(empty, kind)), nt.summarize(empty), False)
        assert_same(nt.summarize(to_engine(empty, kind), by="store"), nt.summarize(empty, by="store"), False)


@pytest.mark.parametrize("kind", FAST_KINDS)
def test_custom_scale_and_integer_scores(kind, to_engine):
    five = nt.NPSScale(detractors=[1, 2, 3], passives=[4], promoters=[5])
    df = pd.DataFrame({"q": [1, 5, 5, 4, 2, 3, 5], "g": list("aaabbbb")})
    data = to_engine(df, kind)
    assert_same(nt.summarize(data, score="q", by="g", scale=five), nt.summarize(df, score="q", by="g", scale=five),
                False)
    no_passives = nt.NPSScale(detractors=[1, 2, 3, 4], passives=[], promoters=[5])
    assert_same(nt.summarize(data, score="q", scale=no_passives), nt.summarize(df, score="q", scale=no_passives),
                False)


FREQS = ["W", "W-MON", "ME", "QE", "QE-MAR", "QS-FEB", "YE", "YE-JUN"]


@pytest.mark.parametrize("kind", KINDS)
def test_periods_are_identical(kind, to_engine):
    df = survey(seed=2)
    data = to_engine(df, kind)
    freqs = FREQS if kind != "spark" else ["W", "QE", "QE-MAR", "YE-JUN"]
    for freq in freqs:
        want = nt.compare_periods(df, freq=freq, min_n=5)
        got = nt.compare_periods(data, freq=freq, min_n=5)
        assert_same(got, want, False)
        assert got.attrs == want.attrs and want.attrs["n_undated"] > 0
    for by, weights in ((["segment"], None), ("wave", "weight")):
        want = nt.compare_periods(df, freq="ME", by=by, weights=weights, compare_to="year_ago", method="wald")
        got = nt.compare_periods(data, freq="ME", by=by, weights=weights, compare_to="year_ago", method="wald")
        assert_same(got, want, weights is not None)
    trend = nt.trend(data, freq="QE")
    assert trend == nt.trend(df, freq="QE")
    assert nt.current_vs_previous(data, freq="QE") == nt.current_vs_previous(df, freq="QE")


@pytest.mark.parametrize("kind", KINDS)
def test_text_dates_are_read_like_pandas(kind, to_engine):
    df = pd.DataFrame({
        "score": [10, 3, 8, 9, 0, 7, 10, 6],
        "date": ["2024-01-31", " 31.03.2024 ", "2024-03-31T23:30:00+02:00", "", "1.4.2024 09:15",
                 "2024-06-30 12:00:00", None, "2024-12-31T23:59:59.5"],
    })
    data = to_engine(df, kind)
    for freq in ("ME", "QE", "W"):
        assert_same(nt.compare_periods(data, freq=freq), nt.compare_periods(df, freq=freq), False)


def date_forms() -> pd.DataFrame:
    """Text dates as survey exports write them, one form per column (blank and missing ones too)."""
    return pd.DataFrame({
        "score": [10, 3, 8, 9, 0, 7, 10, 6],
        # SurveyMonkey: month first, 12-hour clock (12 AM is midnight, 12 PM noon)
        "us": ["03/15/2024 01:54:17 PM", "03/01/2024 12:00:00 AM", "04/30/2024 11:59 p.m.", "", "12/31/2024 12:05 pm",
               None, "1/2/2025 9:15 am", "06/13/2024"],
        # Google Forms in a European sheet: day first with slashes
        "eu": ["15/03/2024 14:05", "01/04/2024", "30/06/2024 09:00:00", None, "1/7/2024 0:00", " 31/12/2024 ",
               "02/01/2025 23:59:59.123", "13/06/2024"],
        # Russian or Polish Excel: day first with dots (and dashes)
        "dotted": ["31.03.2024", "1.4.2024 09:15", "15.07.2024 23:59:59", "29.02.2024", "n/a", "01-10-2024",
                   "30.09.2024 7:05", "13.06.2024"],
        # ISO, with UTC offsets dropped (the wall time kept), slashes and dots
        "iso": ["2024-03-31T23:30:00+02:00", "2024-04-01 00:30Z", "2024-06-30T12:00:00.123456-05:00",
                "2024/07/01 10:00 UTC", "2024.12.31", "2024-1-5T7:05", "", "2025-01-01 00:00:00 GMT"],
    })


@pytest.mark.parametrize("kind", KINDS)
def test_text_dates_of_every_form_are_read_like_pandas(kind, to_engine):
    df = date_forms()
    data = to_engine(df, kind)
    for column in ("us", "eu", "dotted", "iso"):
        for freq in (("ME", "W") if kind != "spark" else ("ME",)):
            want = nt.compare_periods(df, date=column, freq=freq, min_n=1)
            assert want.attrs["n_undated"] > 0 or column == "dotted"
            assert_same(nt.compare_periods(data, date=column, freq=freq, min_n=1), want, False)
    assert nt.compare_periods(df, date="us", freq="QE", min_n=1)["n"].tolist() == [2, 2, 0, 1, 1]  # month first


@pytest.mark.parametrize("kind", KINDS)
def test_order_of_day_and_month_is_decided_like_pandas(kind, to_engine):
    # ISO, blank and 03/03 (the same either way) come first; one ambiguous date is repeated; more than five of them
    ambiguous = ["2024-01-15", "", "03/03/2024", "05/06/2024 10:00", "04/02/2024", "05/06/2024 10:00", None,
                 "1.2.2024", " 07/08/2024", "09/10/2024 1:30 PM", "11/12/2024", "02/01/2024"]
    mixed = ["2024-01-15", "", "03/03/2024", "05/06/2024 10:00", "04/02/2024", "28/02/2024", None,
             "1.2.2024", " 07/08/2024", "09/10/2024 1:30 PM", "02/29/2024", "02/01/2024"]
    df = pd.DataFrame({"score": [10, 3, 8, 9, 0, 7, 10, 6, 9, 9, 2, 10], "ambiguous": ambiguous, "mixed": mixed})
    data = to_engine(df, kind)
    want = raised(nt.compare_periods, df, date="ambiguous")
    assert want[0] is nt.dates.AmbiguousDatesError and "'05/06/2024 10:00' (position 3) is 5 June or 6 May" in want[1]
    assert raised(nt.compare_periods, data, date="ambiguous") == want
    # the five examples the error carries: each distinct text once, at its first position
    want = ambiguity(nt.compare_periods, df, date="ambiguous")
    assert want[2] == [("05/06/2024 10:00", 3), ("04/02/2024", 4), ("1.2.2024", 7), ("07/08/2024", 8),
                       ("09/10/2024 1:30 PM", 9)]
    assert ambiguity(nt.compare_periods, data, date="ambiguous") == want
    want = raised(nt.compare_periods, df, date="mixed")
    assert want[0] is nt.dates.AmbiguousDatesError
    assert "day first ('28/02/2024', position 5) and month first ('02/29/2024', position 10)" in want[1]
    assert raised(nt.compare_periods, data, date="mixed") == want
    assert ambiguity(nt.compare_periods, data, date="mixed") == ambiguity(nt.compare_periods, df, date="mixed")
    for dayfirst in (True, False):  # the way out: the same tables as pandas
        for freq in (("ME", "W") if kind != "spark" else ("ME",)):
            want = nt.compare_periods(df, date="ambiguous", freq=freq, min_n=1, dayfirst=dayfirst)
            assert_same(nt.compare_periods(data, date="ambiguous", freq=freq, min_n=1, dayfirst=dayfirst), want,
                        False)
        # in a mixed column the dates written the other way are then unreadable
        want = raised(nt.compare_periods, df, date="mixed", dayfirst=dayfirst)
        assert want[0] is nt.DataValueError and "could not read" in want[1]
        assert raised(nt.compare_periods, data, date="mixed", dayfirst=dayfirst) == want
    want = raised(nt.compare_periods, df, date="ambiguous", dayfirst="yes")
    assert want[0] is TypeError and raised(nt.compare_periods, data, date="ambiguous", dayfirst="yes") == want


@pytest.mark.parametrize("kind", KINDS)
def test_unreadable_text_dates_are_refused_like_pandas(kind, to_engine):
    # day first is shown by 15/03; then: no 31 April nor 30 February, no month 13, no 13 PM, no 24:00, no two-digit
    # year, no month name, no mixed separators
    dates = ["15/03/2024", "31/04/2024", "30.02.2024", "2024-02-30", "13/13/2024", "1/2/2024 13:00 PM",
             "15/03/2024 24:00", "01/02/24", "15 March 2024", "15/03-2024", "2023-02-29", "1.2.2024 0:30 am",
             "29.02.2024", "2024-06-30T25:00", None]
    df = pd.DataFrame({"score": np.arange(len(dates)) % 11, "date": dates})
    want = raised(nt.compare_periods, df)
    assert want[0] is nt.DataValueError and "'31/04/2024' (position 1)" in want[1] and "and 7 more" in want[1]
    assert raised(nt.compare_periods, to_engine(df, kind)) == want
    good = df.iloc[[0, 12, 14]]
    assert_same(nt.compare_periods(to_engine(good, kind), freq="ME", min_n=1),
                nt.compare_periods(good, freq="ME", min_n=1), False)


@pytest.mark.parametrize("kind", [k for k in FAST_KINDS if k.values[0] != "csv"])
def test_timezone_aware_dates_use_their_local_calendar(kind, to_engine):
    stamps = pd.to_datetime(["2024-03-31 23:30", "2024-04-01 00:30", "2024-06-30 23:59", "2024-01-01 00:10"])
    df = pd.DataFrame({"score": [10, 0, 9, 7], "date": stamps.tz_localize("Europe/Warsaw")})
    want = nt.compare_periods(df, freq="ME")
    assert want["period"].tolist()[0] == "2024-01" and want["n"].tolist()[2:4] == [1, 1]
    data = to_engine(df, kind)
    if kind == "duckdb":  # a relation's instants are read on its connection's time zone
        import duckdb
        import pyarrow as pa

        con = duckdb.connect()
        con.execute("SET TimeZone = 'Europe/Warsaw'")
        data = con.from_arrow(pa.Table.from_pandas(df, preserve_index=False))
    assert_same(nt.compare_periods(data, freq="ME"), want, False)


# -- same refusals -------------------------------------------------------------------------------------------------
def bad_frames():
    many = [10, 11, 9.5, 7, -1, 12, 13, np.inf, 3, 20, np.nan, 0]
    yield "range", pd.DataFrame({"score": many, "g": list("ab") * 6}), {}
    yield "text", pd.DataFrame({"score": pd.Series(["10", "x", None, " ", "NA", "9", "8"], dtype=object)}), {}
    yield "bool", pd.DataFrame({"score": pd.Series([True, None, False, True], dtype=object)}), {}
    yield "weights", pd.DataFrame({"score": [10.0, 8, np.nan, 0, 5], "w": [1.0, -2, np.nan, np.nan, np.inf]}), \
        {"weights": "w"}
    yield "weights-text", pd.DataFrame({"score": [10.0, np.nan, 8], "w": pd.Series(["1", "x", "2"], dtype=object)}), \
        {"weights": "w"}
    yield "score-before-weights", pd.DataFrame({"score": [10.0, 8, 99], "w": [1.0, -2, 1.0]}), {"weights": "w"}


@pytest.mark.parametrize("kind", KINDS)
def test_bad_answers_are_refused_like_pandas(kind, to_engine):
    for name, df, options in bad_frames():
        if (kind == "csv" and name == "text") or (kind == "spark" and name in ("bool", "score-before-weights")):
            continue  # a CSV file has no None distinct from the blank text (checked below)
        want = raised(nt.summarize, df, **options)
        got = raised(nt.summarize, to_engine(df, kind), **options)
        assert got == want, name
    # more than five offenders, positions in row order: across three files for the glob
    df = pd.DataFrame({"score": np.arange(60) % 13})
    want = raised(nt.summarize, df)
    assert "and 3 more" in want[1]
    assert raised(nt.summarize, to_engine(df, kind)) == want


@pytest.mark.parametrize("kind", FAST_KINDS)
def test_bad_dates_and_columns_are_refused_like_pandas(kind, to_engine):
    df = pd.DataFrame({"score": [10, 8, 3, 9], "date": ["2024-01-01", "yesterday", None, "01/02/24"]})
    data = to_engine(df, kind)
    assert raised(nt.compare_periods, data) == raised(nt.compare_periods, df)
    lone = pd.DataFrame({"score": [10, 8], "date": ["2024-01-01", "01/02/2024"]})  # 1 February or 2 January
    want = raised(nt.compare_periods, lone)
    assert want[0] is nt.dates.AmbiguousDatesError and raised(nt.compare_periods, to_engine(lone, kind)) == want
    undated = pd.DataFrame({"score": [10, 8], "date": pd.Series([None, " "], dtype=object)})
    if kind != "csv":
        assert raised(nt.compare_periods, to_engine(undated, kind)) == raised(nt.compare_periods, undated)
    numbers = pd.DataFrame({"score": [10, 8], "date": [20240101, 5]})
    if kind != "csv":  # a CSV date column is read as text
        assert raised(nt.compare_periods, to_engine(numbers, kind)) == raised(nt.compare_periods, numbers)
    for call in (dict(score="nps"), dict(by=["date", "region"]), dict(weights="w")):
        assert raised(nt.summarize, data, **call) == raised(nt.summarize, df, **call)
    assert raised(nt.compare_groups, data, by="nope") == raised(nt.compare_groups, df, by="nope")
    assert raised(nt.summarize, data, by="n") == raised(nt.summarize, df, by="n")


# -- the same errors, as attributes: the column, its role, the offending values and their positions ---------------
def offenders_of(func, *args, **kwargs):
    """Type, column, role, positions, values (as repr: NaN equals NaN), total and message of the DataError raised."""
    with pytest.raises(nt.DataError) as info:
        func(*args, **kwargs)
    err = info.value
    return type(err), err.column, err.role, err.positions, [repr(v) for v in err.values], err.total, str(err)


def error_cases():
    """(name, call, frame, keywords, what pandas says: type, column, role, positions, values, total)."""
    yield ("score range", nt.summarize, pd.DataFrame({"score": [10, 11, 9.5, 7, -1, 3] * 2}), {},
           (nt.DataValueError, "score", "score", [1, 2, 4, 7, 8], ["11.0", "9.5", "-1.0", "11.0", "9.5"], 6))
    yield ("score text", nt.summarize, pd.DataFrame({"score": pd.Series(["10", "x", None, " ", "9"], dtype=object)}),
           {}, (nt.DataTypeError, "score", "score", [0, 1, 4], ["'10'", "'x'", "'9'"], 3))
    yield ("weights negative", nt.summarize,
           pd.DataFrame({"score": [10.0, 8, np.nan, 0, 5], "w": [1.0, -2, np.nan, np.nan, np.inf]}), {"weights": "w"},
           (nt.DataValueError, "w", "weights", [1, 3, 4], ["-2.0", "nan", "inf"], 3))
    yield ("weights text", nt.summarize,
           pd.DataFrame({"score": [10.0, np.nan, 8], "w": pd.Series(["1", "x", "2"], dtype=object)}), {"weights": "w"},
           (nt.DataTypeError, "w", "weights", [0, 2], ["'1'", "'2'"], 2))
    yield ("weights booleans", nt.summarize, pd.DataFrame({"score": [10, 8], "w": [True, False]}), {"weights": "w"},
           (nt.DataTypeError, "w", "weights", [], [], 0))
    yield ("missing column", nt.summarize, pd.DataFrame({"score": [10, 8]}), {"by": ["region"]},
           (nt.ColumnNotFoundError, "region", "by", [], [], 0))
    yield ("missing group column", nt.compare_groups, pd.DataFrame({"score": [10, 8]}), {"group": "nope"},
           (nt.ColumnNotFoundError, "nope", "group", [], [], 0))
    yield ("bad date", nt.compare_periods,
           pd.DataFrame({"score": [10, 8, 3, 9], "date": ["2024-01-01", "yesterday", None, "01/02/24"]}), {},
           (nt.DataValueError, "date", "date", [1, 3], ["'yesterday'", "'01/02/24'"], 2))
    yield ("ambiguous dates", nt.compare_periods,
           pd.DataFrame({"score": [10, 8, 7], "date": ["2024-01-01", "01/02/2024", "03/04/2024"]}), {},
           (nt.dates.AmbiguousDatesError, "date", "date", [1, 2], ["'01/02/2024'", "'03/04/2024'"], 2))


ATTRIBUTE_KINDS = [k for k in FAST_KINDS if k.values[0] in ("parquet", "duckdb", "polars", "polars-lazy")]


@pytest.mark.parametrize("kind", ATTRIBUTE_KINDS)
@pytest.mark.filterwarnings(r"ignore:compare_groups\(\). 'group' is renamed:DeprecationWarning")
def test_errors_carry_column_role_and_positions_alike(kind, to_engine):
    for name, func, df, options, expected in error_cases():
        want = offenders_of(func, df, **options)
        assert want[:6] == expected, name
        assert offenders_of(func, to_engine(df, kind), **options) == want, name


@need_duckdb
def test_dates_as_scores_are_refused(tmp_path):
    df = pd.DataFrame({"score": pd.to_datetime(["2024-01-01", "2024-02-01"])})
    df.to_parquet(tmp_path / "d.parquet")
    with pytest.raises(TypeError, match=r"column 'score': scores must be numbers, got TIMESTAMP.* values"):
        nt.summarize(str(tmp_path / "d.parquet"))
    with pytest.raises(TypeError, match=r"w: weights must be numbers, got booleans"):
        nt.summarize(pd.DataFrame({"score": [1], "w": [True]}).pipe(_write, tmp_path), weights="w")


def _write(df, folder):
    df.to_parquet(folder / "w.parquet")
    return str(folder / "w.parquet")


# -- files ---------------------------------------------------------------------------------------------------------
@need_duckdb
def test_files_globs_and_folders(tmp_path):
    df = survey(n=90)
    for i, part in enumerate(np.array_split(np.arange(90), 3)):
        (tmp_path / f"wave={i + 1}").mkdir()
        df.iloc[part].drop(columns="wave").to_parquet(tmp_path / f"wave={i + 1}" / "part.parquet")
    folder = nt.summarize(tmp_path, by="wave")  # hive partitions become columns
    assert folder["n"].sum() == df["score"].notna().sum()
    assert folder["wave"].tolist() == [1, 2, 3]
    assert_same(nt.summarize(str(tmp_path / "**" / "*.parquet"), by="segment"), nt.summarize(df, by="segment"),
                False)
    with pytest.raises(FileNotFoundError, match=r"no file matches"):
        nt.summarize(str(tmp_path / "*.csv"))
    with pytest.raises(FileNotFoundError, match=r"no such file"):
        nt.counts(str(tmp_path / "missing.parquet"))
    (tmp_path / "notes.json").write_text("{}")
    with pytest.raises(ValueError, match=r"files must be Parquet .* or CSV"):
        nt.summarize(str(tmp_path / "notes.json"))


@need_duckdb
def test_csv_positions_count_data_rows_across_files(tmp_path):
    pd.DataFrame({"score": [10, 9, 8]}).to_csv(tmp_path / "a.csv", index=False)
    pd.DataFrame({"score": [7, 12, 3, 11]}).to_csv(tmp_path / "b.csv", index=False)
    with pytest.raises(ValueError, match=r"got 12\.0 \(position 4\), 11\.0 \(position 6\)$"):
        nt.summarize(str(tmp_path / "*.csv"))


@need_spark
def test_spark_positions_follow_partition_order(spark_frame):
    df = pd.DataFrame({"score": [10, 11, 3, 4, 5, 6, 12, 0, 1, 2, 13]})
    for partitions in (1, 3, 5):
        with pytest.raises(ValueError, match=r"got 11\.0 \(position 1\), 12\.0 \(position 6\), 13\.0 \(position 10\)"):
            nt.summarize(spark_frame(df, partitions))


@need_duckdb
def test_duckdb_tables_and_enum_groups():
    import duckdb

    con = duckdb.connect()
    con.execute("CREATE TYPE plan AS ENUM ('team', 'basic', 'pro')")
    con.execute("CREATE TABLE answers (score INTEGER, plan plan)")
    con.execute("INSERT INTO answers VALUES (10, 'pro'), (0, 'team'), (9, 'basic'), (NULL, 'pro'), (8, NULL)")
    out = nt.summarize(con.table("answers"), by="plan")
    # an ENUM is grouped as text, sorted as text; unused values do not appear (they would in pandas)
    assert out["plan"].tolist()[:3] == ["basic", "pro", "team"] and pd.isna(out["plan"].iloc[3])
    assert out["n"].tolist() == [1, 1, 1, 1] and out["n_missing"].tolist() == [0, 1, 0, 0]


@need_polars
def test_polars_categorical_groups_and_series_name():
    import polars as pl

    frame = pl.DataFrame({"score": [10, 0, 9], "plan": pl.Series(["pro", "basic", "pro"], dtype=pl.Categorical)})
    out = nt.summarize(frame, by="plan")
    assert out["plan"].tolist() == ["basic", "pro"] and out["nps"].tolist() == [-100.0, 100.0]


# -- detection and optional packages ------------------------------------------------------------------------------
def test_detection_imports_no_optional_package():
    code = ("import sys, pandas as pd, nps_toolkit as nt; "
            "nt.summarize(pd.DataFrame({'score': [10, 3]})); nt.engines.engine_of('x.parquet'); "
            "print(sorted(m for m in ('duckdb', 'polars', 'pyspark') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_engines_use_the_input_rules_of_the_pandas_path():
    from nps_toolkit import _validation, dates

    assert engines.BLANK_SCORES is _validation.BLANK_TOKENS and engines.BLANK_DATES is dates.BLANK_DATES


def test_engine_of():
    assert engines.engine_of("a.parquet") == "duckdb"
    assert engines.engine_of(os.path.join("a", "b.csv")) == "duckdb"
    assert engines.engine_of(pd.DataFrame()) is None and engines.engine_of([1, 2]) is None


@pytest.mark.parametrize("package, extra, data", [("duckdb", "scale", "answers.parquet")])
def test_missing_engine_names_the_extra(monkeypatch, package, extra, data):
    monkeypatch.setitem(sys.modules, package, None)  # as if not installed
    with pytest.raises(ModuleNotFoundError, match=rf"pip install 'nps-toolkit\[{extra}\]'"):
        nt.summarize(data)


def test_missing_polars_and_spark_name_their_extras(monkeypatch):
    class Fake:  # an object whose type says it comes from the package
        pass

    for package, extra in (("polars", "scale"), ("pyspark", "spark")):
        Fake.__module__ = f"{package}.dataframe.frame"
        monkeypatch.setitem(sys.modules, package, None)
        with pytest.raises(ModuleNotFoundError, match=rf"needs the optional package '{package}': "
                                                      rf"pip install 'nps-toolkit\[{extra}\]'"):
            nt.counts(Fake())


# -- the pandas path -----------------------------------------------------------------------------------------------
def reference_counts(df: pd.DataFrame, by: list, weights=None) -> pd.DataFrame:
    """The counting of summarize before it was split: one column per cell, then groupby().sum()."""
    codes = nt.scale.score_codes(df["score"])
    parts = {"n_missing": (codes < 0).astype(np.int64)}
    w = None if weights is None else np.where(codes >= 0, df[weights].to_numpy(float), 0.0)
    for i, name in enumerate(("detractors", "passives", "promoters")):
        parts[name] = (codes == i).astype(np.int64) if w is None else np.where(codes == i, w, 0.0)
    if w is not None:
        for i, name in enumerate(("detractors", "passives", "promoters")):
            parts[name + "_sq"] = np.where(codes == i, w * w, 0.0)
        parts["n"] = (codes >= 0).astype(np.int64)  # weighted tables count their answers too
    frame = pd.DataFrame(parts, index=df.index)
    if not by:
        return frame.sum().to_frame().T.astype(frame.dtypes.to_dict())
    return frame.groupby([df[c] for c in by], observed=False, dropna=False, sort=True).sum().reset_index()


rows_st = st.lists(st.tuples(st.one_of(st.integers(0, 10), st.none()),
                             st.one_of(st.sampled_from(["b", "a", "c"]), st.none()),
                             st.sampled_from([1, 2, 3]),
                             st.one_of(st.sampled_from([0.5, 1.5]), st.none()),
                             st.floats(0.0, 5.0)), max_size=60)


def rows_frame(rows, categorical: bool) -> pd.DataFrame:
    """The frame of generated rows (score, g, k, f, w); ``g`` categorical (with an unused category) or text."""
    df = pd.DataFrame({"score": pd.Series([r[0] for r in rows], dtype="float64"),
                       "g": pd.Series([r[1] for r in rows], dtype="str"),
                       "k": pd.Series([r[2] for r in rows], dtype="int64"),
                       "f": pd.Series([r[3] for r in rows], dtype="float64"),
                       "w": pd.Series([r[4] for r in rows], dtype="float64")})
    if categorical:
        df["g"] = pd.Categorical(df["g"], categories=["c", "a", "b", "d"])
    return df


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows_st, st.booleans(), st.sampled_from([[], ["g"], ["g", "k"], ["k", "f", "g"], ["f"]]),
       st.sampled_from([None, "w"]))
def test_pandas_counting_equals_groupby_of_every_row(rows, categorical, by, weights):
    df = rows_frame(rows, categorical)
    got = count_groups(df, by=by, weights=weights)
    want = reference_counts(df, by, weights)
    pd.testing.assert_frame_equal(got, want[got.columns], check_exact=weights is None, rtol=1e-12)


def test_count_rows_keeps_group_values_and_row_counts():
    table = count_rows(pd.Series([10, None, 3, 8]), [("g", pd.Series(["b", "a", "b", None]))])
    assert table["g"].tolist()[:2] == ["b", "a"] and pd.isna(table["g"].iloc[2])
    assert table[engines.ROWS].tolist() == [2, 1, 1]
    assert combine_counts(table, "g")["g"].tolist()[:2] == ["a", "b"]


def test_object_answers_are_read_without_a_loop_and_refused_alike():
    values = np.array([10, 9.0, None, "", " n/a ", np.float32(3), pd.NA, np.int8(7)] * 1000, dtype=object)
    assert nt.counts(values) == nt.counts(pd.to_numeric(pd.Series(values), errors="coerce"))
    with pytest.raises(TypeError, match=r"got booleans: True \(position 3\)"):
        nt.counts(np.array([10, None, "", True, "x"], dtype=object))
    with pytest.raises(TypeError, match=r"got text: 'x' \(position 4\)"):
        nt.counts(np.array([10, None, "", 3, "x"], dtype=object))
    with pytest.raises(ValueError, match=r"got 1e\+30 \(position 0\)"):
        nt.counts(np.array([10 ** 30, 3], dtype=object))


def test_summarize_counts_from_counts_made_elsewhere():
    counted = pd.DataFrame({"region": ["A", "B"], "promoters": [6, 2], "passives": [2, 5], "detractors": [2, 3]})
    out = nt.summary.summarize_counts(counted, by="region", method="wald")
    raw = pd.DataFrame({"region": ["A"] * 10 + ["B"] * 10,
                        "score": [10] * 6 + [7] * 2 + [0] * 2 + [10] * 2 + [7] * 5 + [0] * 3})
    want = nt.summarize(raw, by="region", method="wald")
    pd.testing.assert_frame_equal(out, want.set_axis(out.index), check_dtype=False, check_exact=False)




# -- row_weights: the weights of every row, answered or not (for raking) --------------------------------------------
def weighted_rows() -> pd.DataFrame:
    """Answers and missing answers in every group: a group of missing answers only ("m"), a missing group value."""
    return pd.DataFrame({
        "score": [10, np.nan, 3, 8, np.nan, np.nan, 9, 0, np.nan, 7, 6, np.nan],
        "g": pd.Series(["a", "a", "b", "b", "m", "m", None, None, "a", "b", "a", None], dtype="str"),
        "k": [1, 2, 1, 1, 2, 2, 1, 2, 2, 1, 1, 2],
        "w": [1.5, 2.25, 0.5, 3.0, 4.0, 0.125, 1.0, 2.0, 0.0, 1.75, 0.25, 5.5],
    })


def row_weight_sums(df: pd.DataFrame, by: list) -> pd.DataFrame:
    """The sums of the weights and squared weights of every row of each group, by pandas alone."""
    return (df.assign(w2=df["w"] ** 2).groupby(by, dropna=False, sort=True)
            .agg(weight=("w", "sum"), weight_sq=("w2", "sum")).reset_index())


def weights_refusal(func, *args, **kwargs):
    """Type, column, role, positions, values (repr), total and message of the weights error raised."""
    with pytest.raises(nt.DataError) as info:
        func(*args, **kwargs)
    err = info.value
    return type(err), err.column, err.role, err.positions, [repr(v) for v in err.values], err.total, str(err)


@pytest.mark.parametrize("kind", KINDS)
def test_row_weights_sum_the_weights_of_every_row(kind, to_engine):
    df = weighted_rows()
    data = to_engine(df, kind)
    for by in ((["g"], ["g", "k"]) if kind != "spark" else (["g", "k"],)):
        wide = engines.count(data, by=by, weights="w", row_weights=True)
        got = combine_counts(wide, by)
        want = row_weight_sums(df, by)
        assert len(got) == len(want) and got["weight"].dtype == float and got["weight_sq"].dtype == float
        np.testing.assert_allclose(got[["weight", "weight_sq"]].to_numpy(), want[["weight", "weight_sq"]].to_numpy(),
                                   rtol=1e-12)
        assert got[by].astype(str).equals(want[by].astype(str))
        # the counts of answers are those without row_weights
        plain = combine_counts(engines.count(data, by=by, weights="w"), by)
        assert_same(got.drop(columns=["weight", "weight_sq"]), plain, True)
    # without weights, every row weighs 1: the sums are the rows of each group
    got = combine_counts(engines.count(data, by=["g"], row_weights=True), ["g"])
    assert got["weight"].dtype == float and got["weight"].tolist() == got[engines.ROWS].astype(float).tolist()
    assert got["weight_sq"].tolist() == got[engines.ROWS].astype(float).tolist()
    assert got[engines.ROWS].tolist() == df.groupby("g", dropna=False).size().tolist()
    assert "weight" not in engines.count(data, by=["g"], weights="w").columns


@pytest.mark.parametrize("kind", KINDS)
def test_row_weights_refuse_bad_weights_of_missing_answers(kind, to_engine):
    from nps_toolkit._validation import check_weights

    # the NaN weight is a missing answer's (position 1), the others an answer's and a missing answer's
    lone = pd.DataFrame({"score": [10.0, np.nan, 8, 0], "g": list("aabb"), "w": [1.0, np.nan, 2.0, 0.5]})
    data = to_engine(lone, kind)
    combine_counts(engines.count(data, by=["g"], weights="w"), ["g"])  # accepted without row_weights
    got = weights_refusal(engines.count, data, by=["g"], weights="w", row_weights=True)
    assert got[:6] == (nt.DataValueError, "w", "weights", [1], ["nan"], 1)
    assert got == weights_refusal(check_weights, lone["w"], len(lone), column="w")  # the pandas wording
    many = pd.DataFrame({"score": [10.0, np.nan, 8, np.nan, 0, np.nan], "w": [1.0, np.nan, -2.0, 1.5, 2.0, np.inf]})
    data = to_engine(many, kind)
    got = weights_refusal(engines.count, data, weights="w", row_weights=True)
    assert got[:6] == (nt.DataValueError, "w", "weights", [1, 2, 5], ["nan", "-2.0", "inf"], 3)
    assert got == weights_refusal(check_weights, many["w"], len(many), column="w")
    assert weights_refusal(engines.count, data, weights="w")[3] == [2]  # the answers' weights only
    # offending scores are refused first, as pandas checks them
    first = pd.DataFrame({"score": [10.0, np.nan, 99], "w": [1.0, np.nan, -1.0]})
    got = weights_refusal(engines.count, to_engine(first, kind), weights="w", row_weights=True)
    assert got[:6] == (nt.DataValueError, "score", "score", [2], ["99.0"], 1)
    if kind == "spark":
        return
    # text weights: every row's text is refused
    text = pd.DataFrame({"score": [10.0, np.nan, 8], "w": pd.Series(["1", "x", "2"], dtype=object)})
    got = weights_refusal(engines.count, to_engine(text, kind), weights="w", row_weights=True)
    assert got == weights_refusal(check_weights, text["w"], len(text), column="w")
    assert got[:6] == (nt.DataTypeError, "w", "weights", [0, 1, 2], ["'1'", "'x'", "'2'"], 3)


@need_duckdb
def test_row_weights_are_exact_on_both_duckdb_queries(monkeypatch):
    import duckdb
    import pyarrow as pa

    from nps_toolkit.engines import duckdb as duckdb_engine

    df = weighted_rows().astype({"score": "Int64"})  # whole answers: the quick query counts them
    bad = df.assign(w=df["w"].where(df["score"].notna(), -1.0))  # every missing answer's weight is negative
    relations = [duckdb.connect().from_arrow(pa.Table.from_pandas(d, preserve_index=False)) for d in (df, bad)]
    quick = combine_counts(engines.count(relations[0], by=["g", "k"], weights="w", row_weights=True), ["g", "k"])
    quick_error = weights_refusal(engines.count, relations[1], weights="w", row_weights=True)
    monkeypatch.setattr(duckdb_engine.Source, "_quick", lambda self, spec: None)  # the exact query only
    exact = combine_counts(engines.count(relations[0], by=["g", "k"], weights="w", row_weights=True), ["g", "k"])
    assert_same(quick, exact, True)
    np.testing.assert_allclose(exact["weight"], row_weight_sums(df, ["g", "k"])["weight"], rtol=1e-12)
    assert quick_error == weights_refusal(engines.count, relations[1], weights="w", row_weights=True)
    assert quick_error[3] == [1, 4, 5, 8, 11] and quick_error[5] == 5


# -- complex samples: every engine gives the pandas design-based numbers -------------------------------------------
def _engine_designs():
    margins = {"age": {"18-34": 52000.0, "35-54": 61000.0, "55+": 47000.0}, "gender": {"F": 83000.0, "M": 77000.0}}
    return {
        "clustered_fpc": nt.SurveyDesign(weights="weight", strata="region", psu="store", fpc="stores_total"),
        "rows": nt.SurveyDesign(weights="weight", strata="region"),
        "raked": nt.SurveyDesign(weights="weight", strata="region", psu="store", rake=margins),
    }


@pytest.mark.parametrize("kind", KINDS)
def test_design_estimates_are_the_same_on_every_engine(kind, to_engine, complex_sample):
    """Only the per-PSU sums leave the engine (counting.count_design); the estimates are those of pandas."""
    frame = complex_sample.copy()
    frame.loc[frame.index[::97], "weight"] = np.nan  # a missing weight is allowed where the answer is missing...
    frame.loc[frame.index[::97], "score"] = np.nan
    data = to_engine(frame, kind)
    for name, design in _engine_designs().items():
        if design.rake is not None:  # ... but not when raking moves every row's weight
            with pytest.raises(nt.DataValueError, match="weight") as info:
                nt.summarize(data, by="brand", design=design)
            assert info.value.positions[0] == 0
            continue
        want = nt.summarize(frame, by=["brand", "wave"], design=design)
        got = nt.summarize(data, by=["brand", "wave"], design=design)
        got["wave"] = got["wave"].astype(want["wave"].dtype)
        pd.testing.assert_frame_equal(got, want, check_exact=False, rtol=1e-11, atol=1e-9, check_dtype=False,
                                      obj=name)
        np.testing.assert_allclose(got.attrs["covariance"], want.attrs["covariance"], rtol=1e-10, atol=1e-10)
    raked = _engine_designs()["raked"]
    want = nt.summarize(complex_sample, by="brand", design=raked)
    got = nt.summarize(to_engine(complex_sample, kind), by="brand", design=raked)
    pd.testing.assert_frame_equal(got, want, check_exact=False, rtol=1e-10, atol=1e-9, check_dtype=False)


@pytest.mark.parametrize("kind", FAST_KINDS)
def test_design_columns_are_checked_on_every_engine(kind, to_engine, complex_sample):
    frame = complex_sample.assign(store=complex_sample["store"].astype(float))
    frame.loc[[5, 40], "store"] = np.nan
    with pytest.raises(nt.DataValueError, match="psu column 'store' has 2 missing values") as info:
        nt.summarize(to_engine(frame, kind), design=nt.SurveyDesign(strata="region", psu="store"))
    assert (info.value.column, list(info.value.positions)) == ("store", [5, 40])
    with pytest.raises(KeyError, match="strata column 'area' is not in the data"):
        nt.summarize(to_engine(complex_sample, kind), design=nt.SurveyDesign(strata="area", psu="store"))
    varying = complex_sample.assign(stores_total=np.arange(len(complex_sample)) + 40)
    with pytest.raises(nt.DataValueError, match="varies within stratum"):
        nt.summarize(to_engine(varying, kind), design=nt.SurveyDesign(strata="region", psu="store",
                                                                      fpc="stores_total"))


design_rows_st = st.lists(st.tuples(st.one_of(st.integers(0, 10), st.none()),
                                    st.one_of(st.sampled_from(["b", "a", "c"]), st.none()),
                                    st.sampled_from([1, 2, 3, 40]),
                                    st.one_of(st.sampled_from([0.5, 1.5]), st.none()),
                                    st.floats(0.0, 5.0)), max_size=60)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(design_rows_st, st.booleans(), st.sampled_from([["g"], ["g", "k"], ["k", "f", "g"], ["f"], ["k"]]),
       st.sampled_from([None, "w"]), st.booleans())
def test_count_design_equals_a_groupby_of_every_row(rows, categorical, keys, weights, dense):
    """The per-PSU sums (counting.count_design) against pandas' own groupby, with numbered and hashed keys."""
    from nps_toolkit import counting

    df = rows_frame(rows, categorical)
    before = df.copy()
    limit = counting._DENSE_LIMIT
    try:
        counting._DENSE_LIMIT = limit if dense else 0  # 0: every combination hashed, as for many PSUs
        got = counting.count_design(df, keys=keys, weights=weights, row_weights=True)
    finally:
        counting._DENSE_LIMIT = limit
    codes = nt.scale.score_codes(df["score"])
    w = np.ones(len(df)) if weights is None else df["w"].to_numpy(float)
    parts = {"rows": np.ones(len(df), np.int64), "n_missing": (codes < 0).astype(np.int64)}
    for i, name in enumerate(("detractors", "passives", "promoters")):
        parts[name] = np.where(codes == i, w, 0.0)
    for i, name in enumerate(("detractors", "passives", "promoters")):
        parts[name + "_sq"] = np.where(codes == i, w * w, 0.0)
    parts["weight"], parts["weight_sq"] = w, w * w
    want = pd.DataFrame(parts).groupby([df[c] for c in keys], observed=True, dropna=False, sort=True).sum()
    want = want.reset_index()
    assert list(got.columns) == list(want.columns)
    pd.testing.assert_frame_equal(got, want, check_dtype=False, check_categorical=False, rtol=1e-12)
    pd.testing.assert_frame_equal(df, before)
