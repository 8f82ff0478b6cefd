"""The one date parser: forms, the day/month order taken from the values, refusals."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings, strategies as st

from nps_toolkit.dates import AmbiguousDatesError, parse_dates


@pytest.mark.parametrize("text, expected", [
    ("2024-12-31", "2024-12-31"),
    ("2024-12-31 14:05", "2024-12-31 14:05"),
    ("2024-12-31T14:05:09", "2024-12-31 14:05:09"),
    ("2024-12-31T14:05:09.250", "2024-12-31 14:05:09.250"),
    ("2024-03-31T23:30:00+02:00", "2024-03-31 23:30"),  # offset dropped, wall time kept
    ("2024-03-31 23:30:00 UTC", "2024-03-31 23:30"),
    ("2024/3/5", "2024-03-05"),
    ("  2024-01-02  ", "2024-01-02"),
])
def test_iso_forms(text, expected):
    assert parse_dates([text]).iloc[0] == pd.Timestamp(expected)


def test_month_first_from_the_values_with_12_hour_times():
    # SurveyMonkey writes 03/15/2024 01:54:17 PM: 15 cannot be a month, so the column is month first
    got = parse_dates(["03/15/2024 01:54:17 PM", "03/01/2024 12:00:00 AM", "04/02/2024 12:30:00 PM",
                       "4/2/2024 11:59 am", "04/02/2024 1:05 p.m."])
    assert got.tolist() == [pd.Timestamp("2024-03-15 13:54:17"), pd.Timestamp("2024-03-01 00:00"),
                            pd.Timestamp("2024-04-02 12:30"), pd.Timestamp("2024-04-02 11:59"),
                            pd.Timestamp("2024-04-02 13:05")]


def test_day_first_from_the_values():
    got = parse_dates(["15.03.2024", "01.03.2024 09:15", "02.03.2024"])
    assert [d.strftime("%Y-%m-%d") for d in got] == ["2024-03-15", "2024-03-01", "2024-03-02"]
    slashed = parse_dates(["31/12/2024 14:05", "01/02/2024"])
    assert slashed.tolist() == [pd.Timestamp("2024-12-31 14:05"), pd.Timestamp("2024-02-01")]


def test_us_dates_without_a_time_are_never_read_day_first():
    # the defect of old: 03/01/2024 silently became 3 January in a month-first file
    got = parse_dates(["03/01/2024", "03/20/2024"])
    assert got.iloc[0] == pd.Timestamp("2024-03-01")


def test_all_ambiguous_is_refused_and_dayfirst_reads_it():
    with pytest.raises(AmbiguousDatesError) as info:
        parse_dates(pd.Series(["", "03/01/2024", "04/02/2024", "03/01/2024"]), column="Submitted")
    err = info.value
    assert isinstance(err, ValueError) and err.column == "Submitted"
    assert "'03/01/2024' (position 1)" in str(err) and "dayfirst=True" in str(err) and "dayfirst=False" in str(err)
    assert "3 January or 1 March" in str(err)
    assert err.examples == [("03/01/2024", 1), ("04/02/2024", 2)]
    assert parse_dates(["03/01/2024"], dayfirst=True).iloc[0] == pd.Timestamp("2024-01-03")
    assert parse_dates(["03/01/2024"], dayfirst=False).iloc[0] == pd.Timestamp("2024-03-01")


def test_a_column_written_both_ways_is_refused():
    with pytest.raises(AmbiguousDatesError, match=r"both day first \('25/01/2024', position 2\) and month first "
                                                  r"\('01/25/2024', position 3\)"):
        parse_dates(["2024-01-01", None, "25/01/2024", "01/25/2024"])
    # with dayfirst given, the values that do not fit are unreadable, with positions
    with pytest.raises(ValueError, match=r"could not read '01/25/2024' \(position 3\)"):
        parse_dates(["2024-01-01", None, "25/01/2024", "01/25/2024"], dayfirst=True)


@pytest.mark.parametrize("bad", ["12/31/24", "2024-02-30", "13/13/2024", "1/2/2024 13:05 PM", "1/2/2024 0:05 AM",
                                 "March 3, 2024", "20240101", "2024-12-31 25:00", "soon"])
def test_unreadable_values_are_named_with_positions(bad):
    with pytest.raises(ValueError) as info:
        parse_dates(["15/01/2024", bad], column="when")
    assert not isinstance(info.value, AmbiguousDatesError)
    assert f"{bad!r} (position 1)" in str(info.value) and "column 'when'" in str(info.value)


def test_objects_and_missing_values():
    values = pd.Series([dt.date(2024, 1, 2), pd.Timestamp("2024-06-30 22:00", tz="America/New_York"), None,
                        np.nan, "n/a", "NaT", dt.datetime(2024, 5, 6, 7, 8)], dtype=object)
    before = values.copy()
    got = parse_dates(values)
    pd.testing.assert_series_equal(values, before)
    assert got.tolist()[:2] == [pd.Timestamp("2024-01-02"), pd.Timestamp("2024-06-30 22:00")]
    assert got.iloc[2:6].isna().all() and got.iloc[6] == pd.Timestamp("2024-05-06 07:08")
    with pytest.raises(ValueError, match=r"could not read 3 \(position 0\)"):
        parse_dates(pd.Series([3, dt.date(2024, 1, 1)], dtype=object))
    with pytest.raises(TypeError, match="dayfirst"):
        parse_dates(["2024-01-01"], dayfirst="yes")


def test_index_and_name_kept():
    s = pd.Series(["15.01.2024", "16.01.2024"], index=[10, 20], name="d")
    got = parse_dates(s)
    assert list(got.index) == [10, 20] and got.name == "d"


stamps = st.datetimes(min_value=dt.datetime(1990, 1, 1), max_value=dt.datetime(2060, 12, 31)).map(
    lambda d: d.replace(microsecond=0))


@settings(max_examples=60, deadline=None)
@given(st.lists(stamps, min_size=1, max_size=20), st.booleans(), st.sampled_from(["/", ".", "-"]),
       st.booleans())
def test_formatted_dates_read_back(values, day_first, sep, twelve_hour):
    """Any dates written day or month first read back exactly, once one day above 12 shows the order."""
    values = values + [dt.datetime(2024, 1, 25, 13, 5, 9)]  # shows the order
    clock = "%I:%M:%S %p" if twelve_hour else "%H:%M:%S"
    fmt = (f"%d{sep}%m{sep}%Y " if day_first else f"%m{sep}%d{sep}%Y ") + clock
    text = [v.strftime(fmt) for v in values]
    got = parse_dates(text)
    assert got.tolist() == [pd.Timestamp(v) for v in values]
    assert parse_dates(text, dayfirst=day_first).tolist() == got.tolist()


def test_errors_carry_the_column_values_and_positions():
    import nps_toolkit as nt

    with pytest.raises(nt.DataValueError) as info:
        parse_dates(["2024-01-01", "yesterday", None, "01/02/24"], column="when")
    err = info.value
    assert (err.column, err.role, err.values, err.positions, err.total) == ("when", "date", ["yesterday", "01/02/24"],
                                                                            [1, 3], 2)
    with pytest.raises(AmbiguousDatesError) as info:
        parse_dates(["03/01/2024", "2024-05-05", "04/02/2024"], column="when")
    err = info.value
    assert isinstance(err, nt.DataValueError) and type(err).__name__ == "AmbiguousDatesError"
    assert (err.column, err.role, err.values, err.positions) == ("when", "date", ["03/01/2024", "04/02/2024"], [0, 2])
    assert err.examples == [("03/01/2024", 0), ("04/02/2024", 2)]
    with pytest.raises(nt.DataValueError) as info:
        parse_dates(pd.Series(pd.period_range("2024-01", periods=2, freq="M")), column="when")
    assert info.value.column == "when" and info.value.role == "date"


def test_blank_dates_are_the_blank_answers_and_nat():
    from nps_toolkit import _validation, dates

    assert set(dates.BLANK_DATES) == set(_validation.BLANK_TOKENS) | {"nat"}
    assert set(dates.BLANK_DATES) == {"", "nan", "nat", "none", "null", "na", "n/a"}
