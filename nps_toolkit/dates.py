"""Reading dates: one parser for files, data frames and every engine.

Survey exports write dates in many ways: ISO 8601 (Qualtrics, Typeform:
``2024-03-15 13:54:17``), US month first with a 12-hour clock
(SurveyMonkey: ``03/15/2024 01:54:17 PM``; Google Forms in a US sheet:
``3/15/2024 14:05:09``), day first (Russian and Polish Excel, Google Forms
in a European sheet: ``15.03.2024``, ``15/03/2024 14:05``). A date such as
``03/01/2024`` reads as 3 January or as 1 March, and nothing in the value
says which: guessing would put answers into the wrong month or quarter
without a word.

So the order of day and month is **decided from the column's own values**:
a first field above 12 (``15/03/2024``) shows the column is written day
first, a second field above 12 (``03/15/2024``) that it is written month
first. When every value could be read either way the column is refused
with a :class:`AmbiguousDatesError` asking for ``dayfirst=True`` or
``dayfirst=False``; a column written both ways is refused too. The same
rule holds in :func:`nps_toolkit.read_responses`, the period functions
(:func:`nps_toolkit.compare_periods` and the rest) and in every engine
(DuckDB, Polars, Spark), which ask :func:`order_from_fields` for the
decision.

Accepted, per value:

* date and datetime values (timezone-aware ones are read on their own
  local calendar and the time zone is dropped);
* ISO text, year first with ``-`` (or ``/`` and ``.``): ``2024-12-31``,
  ``2024-12-31 14:05``, ``2024-12-31T14:05:09.123``, with an optional UTC
  offset (``Z``, ``+02:00``, ``UTC``) that is dropped, keeping the wall time;
* day/month/year or month/day/year text with ``.``, ``/`` or ``-``, the
  day and month of one or two digits and a four-digit year, optionally with
  a time ``14:05``, ``14:05:09`` or a 12-hour time ``1:54:17 PM``
  (``AM``/``PM``, ``a.m.``/``p.m.``, any case);
* blank text and ``NaN``/``None``/``NaT`` (and ``nan``, ``none``, ``null``,
  ``na``, ``n/a`` as text) are missing dates.

Two-digit years, month names, numbers (``20241231``) and anything else are
refused with the column, a few offending values and their positions.
"""

from __future__ import annotations

import datetime as _dt
import math
import re

import numpy as np
import pandas as pd

from ._validation import BLANK_TOKENS, MAX_SHOWN, DataValueError, describe_offenders

__all__ = ["parse_dates", "AmbiguousDatesError", "DATE_HELP", "BLANK_DATES", "order_from_fields",
           "NUMERIC_DATE", "ISO_DATE", "OFFSET", "date_error", "no_dates_error"]

#: Text that means "no date" (compared after trimming, case-insensitively): the blank answers and "nat".
BLANK_DATES = BLANK_TOKENS + ("nat",)

#: What a date column may hold, for error messages (here and in the engines).
DATE_HELP = ("dates must be dates or date text: ISO (2024-12-31, 2024-12-31 14:05:09) or day and month "
             "with a four-digit year (31.12.2024, 12/31/2024 1:54:17 PM), the order of day and month "
             "taken from the values; blank means missing")

#: A time followed by a UTC offset: the offset is dropped, the wall time kept.
OFFSET = r"(\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?)\s*(?:Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)$"

#: Year-first text (after the offset is dropped): year, month, day, then an optional time.
ISO_DATE = (r"^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})"
            r"(?:(?:T|\s+)(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?$")

#: Day/month/year or month/day/year text: two fields, a four-digit year, an optional (12-hour) time.
NUMERIC_DATE = (r"^(\d{1,2})([-/.])(\d{1,2})\2(\d{4})"
                r"(?:(?:T|\s+)(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(?:\s*([AaPp])\.?[Mm]\.?)?)?$")

_ISO = re.compile(ISO_DATE)
_NUMERIC = re.compile(NUMERIC_DATE)


class AmbiguousDatesError(DataValueError):
    """Every date of a column reads both day first and month first (or the column mixes the two).

    A :class:`~nps_toolkit.DataValueError` (so a ``ValueError``) whose
    ``role`` is ``"date"``; ``values`` and ``positions`` are those of the
    ``examples``.

    Attributes
    ----------
    column : str
        The column.
    examples : list of (value, position)
        A few of the dates concerned, with their 0-based positions.

    See Also
    --------
    parse_dates : Read a column of dates.
    read_responses : Read a survey export (``dayfirst=`` settles the order).
    DataValueError : The base class.

    Examples
    --------
    >>> err = AmbiguousDatesError("column 'd': ...", column="d", examples=[("03/01/2024", 0)])
    >>> isinstance(err, ValueError), err.role, err.values, err.positions
    (True, 'date', ['03/01/2024'], [0])
    """

    def __init__(self, message: str, *, column: str, examples=()):
        examples = list(examples)
        super().__init__(message, column=column, role="date", values=[v for v, _ in examples],
                         positions=[p for _, p in examples])
        self.examples = examples


def date_error(column, shown: str, *, values=(), positions=(), total=None) -> DataValueError:
    """The error for values of ``column`` that are not dates: one wording for pandas and every engine.

    ``shown`` lists the offenders (:func:`~nps_toolkit._validation.describe_offenders`).

    Examples
    --------
    >>> err = date_error("when", "'yesterday' (position 1)", values=["yesterday"], positions=[1])
    >>> err.role, err.column, err.positions
    ('date', 'when', [1])
    >>> str(err).endswith("could not read 'yesterday' (position 1)")
    True
    """
    return DataValueError(f"column {column!r}: {DATE_HELP}; could not read {shown}", column=column, role="date",
                          values=values, positions=positions, total=total)


def no_dates_error(column) -> DataValueError:
    """The error for a date column without a single date (periods cannot be formed): pandas and every engine.

    Examples
    --------
    >>> str(no_dates_error("when"))
    "date column 'when' holds no dates; cannot form periods"
    """
    return DataValueError(f"date column {column!r} holds no dates; cannot form periods", column=column, role="date")


def order_from_fields(column: str, *, first_over_12=None, second_over_12=None, examples=(),
                      dayfirst: bool | None = None) -> bool | None:
    """Decide whether a column's numeric dates are day first, from what its values show.

    Parameters
    ----------
    column : str
        Column name for messages.
    first_over_12, second_over_12 : (value, position) or None
        A value whose first (second) field is above 12, with its position,
        or None when there is none.
    examples : sequence of (value, position)
        Numeric dates of the column (ambiguous ones), for the message when
        no field is above 12. Empty when the column has no numeric dates.
    dayfirst : bool, optional
        The caller's word; it overrides what the values show (values that
        do not fit it are then unreadable dates).

    Returns
    -------
    bool or None
        True for day first, False for month first, None when the column
        has no numeric dates at all.

    Raises
    ------
    AmbiguousDatesError
        Numeric dates exist, none has a field above 12 and ``dayfirst`` is
        None; or some have the first field and others the second above 12.

    Examples
    --------
    >>> order_from_fields("d", first_over_12=("15/03/2024", 4))
    True
    >>> order_from_fields("d", examples=[("03/01/2024", 0)])
    Traceback (most recent call last):
    ...
    nps_toolkit.dates.AmbiguousDatesError: column 'd': every date reads both day first and month first, e.g. '03/01/2024' (position 0) is 3 January or 1 March; pass dayfirst=True (day first) or dayfirst=False (month first)
    """
    if dayfirst is not None:
        if not isinstance(dayfirst, (bool, np.bool_)):
            raise TypeError(f"dayfirst must be True, False or None, got {dayfirst!r}")
        return bool(dayfirst)
    if first_over_12 is not None and second_over_12 is not None:
        (a, pa), (b, pb) = first_over_12, second_over_12
        raise AmbiguousDatesError(
            f"column {column!r}: dates are written both day first ({a!r}, position {int(pa)}) and month first "
            f"({b!r}, position {int(pb)}); make the column consistent, or pass dayfirst=True or dayfirst=False "
            f"to read it one way (the other dates are then refused)",
            column=column, examples=[first_over_12, second_over_12])
    if first_over_12 is not None:
        return True
    if second_over_12 is not None:
        return False
    examples = list(examples)
    if not examples:
        return None
    value, position = examples[0]
    read = _both_readings(str(value))
    raise AmbiguousDatesError(
        f"column {column!r}: every date reads both day first and month first, e.g. {value!r} "
        f"(position {int(position)}){read}; pass dayfirst=True (day first) or dayfirst=False (month first)",
        column=column, examples=examples)


_MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
                "October", "November", "December")


def _both_readings(value: str) -> str:
    found = _NUMERIC.match(value.strip())
    if not found:
        return ""
    a, b = int(found.group(1)), int(found.group(3))
    if not (1 <= a <= 12 and 1 <= b <= 12):
        return ""
    return f" is {a} {_MONTH_NAMES[b - 1]} or {b} {_MONTH_NAMES[a - 1]}"


def _naive(value):
    """One date-like object as a naive Timestamp on its own local calendar; None if not date-like."""
    if isinstance(value, pd.Timestamp):
        return value.tz_localize(None) if value.tz is not None else value
    if isinstance(value, _dt.datetime):
        return pd.Timestamp(value.replace(tzinfo=None))
    if isinstance(value, (_dt.date, np.datetime64)):
        return pd.Timestamp(value)
    return None


def _is_missing(value) -> bool:
    return (value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value))
            or (isinstance(value, np.datetime64) and np.isnat(value)))


def _assemble(parts: pd.DataFrame, year, month, day) -> np.ndarray:
    """datetime64[us] from the regex groups (hour, minute, second, fraction, am/pm); NaT where invalid."""
    hour = pd.to_numeric(parts[4], errors="coerce").fillna(0).to_numpy(np.int64)
    minute = pd.to_numeric(parts[5], errors="coerce").fillna(0).to_numpy(np.int64)
    second = pd.to_numeric(parts[6], errors="coerce").fillna(0).to_numpy(np.int64)
    fraction = parts[7].fillna("").str.ljust(6, "0").str[:6]
    micro = pd.to_numeric(fraction.where(fraction != "000000", "0"), errors="coerce").fillna(0).to_numpy(np.int64)
    valid = (minute < 60) & (second < 60)
    if 8 in parts.columns:  # a 12-hour clock: 12 AM is midnight, 12 PM noon, hours 1-12 only
        half = parts[8].str.upper().to_numpy(dtype=object)
        twelve = pd.notna(half)
        valid &= ~twelve | ((hour >= 1) & (hour <= 12))
        pm = twelve & (half == "P")
        hour = np.where(twelve, hour % 12 + np.where(pm, 12, 0), hour)
    valid &= hour < 24
    frame = pd.DataFrame({"year": year, "month": month, "day": day})
    ok = valid & (frame["month"].between(1, 12) & frame["day"].between(1, 31)).to_numpy()
    out = np.full(len(parts), np.datetime64("NaT"), dtype="datetime64[us]")
    if ok.any():
        dates = pd.to_datetime(frame[ok], errors="coerce").to_numpy(dtype="datetime64[us]")
        times = (hour[ok] * 3_600_000_000 + minute[ok] * 60_000_000 + second[ok] * 1_000_000 + micro[ok])
        out[ok] = dates + times.astype("timedelta64[us]")
    return out


def _parse_distinct(text: pd.Series, column: str, dayfirst) -> tuple[np.ndarray, bool | None]:
    """Parse distinct, stripped, non-blank texts (positions are in ``text.index``); NaT where unreadable.

    Also returns the order the day/month/year texts were read in (True: day first), None when there are none.
    """
    local = text.str.replace(OFFSET, r"\1", regex=True)
    out = np.full(len(text), np.datetime64("NaT"), dtype="datetime64[us]")
    iso = local.str.extract(ISO_DATE)
    is_iso = iso[0].notna().to_numpy()
    if is_iso.any():
        parts = iso[is_iso]
        out[is_iso] = _assemble(parts, parts[0].astype(int).to_numpy(), parts[2].astype(int).to_numpy(),
                                parts[3].astype(int).to_numpy())
    numeric = text.str.extract(NUMERIC_DATE)
    is_numeric = numeric[0].notna().to_numpy()
    day_first = None
    if is_numeric.any():
        parts = numeric[is_numeric]
        first = parts[0].astype(int).to_numpy()
        second = parts[2].astype(int).to_numpy()
        where = np.asarray(text.index)[is_numeric]
        values = text.to_numpy(dtype=object)[is_numeric]

        def example(mask):
            if not mask.any():
                return None
            i = np.flatnonzero(mask)[np.argmin(where[mask])]  # the first such value in the column
            return values[i], where[i]

        # only a value with one field above 12 shows the order (13/13/2024 is no date at all)
        ambiguous = np.flatnonzero((first <= 12) & (second <= 12) & (first != second))  # 03/03: the same either way
        ambiguous = ambiguous[np.argsort(where[ambiguous], kind="stable")]
        day_first = order_from_fields(column, first_over_12=example((first > 12) & (second <= 12)),
                                      second_over_12=example((second > 12) & (first <= 12)),
                                      examples=[(values[i], where[i]) for i in ambiguous[:5]], dayfirst=dayfirst)
        day, month = (second, first) if day_first is False else (first, second)
        out[is_numeric] = _assemble(parts, parts[3].astype(int).to_numpy(), month, day)
        if day_first is None:  # no date reads two ways (03/03/2024, 13/13/2024): either order is the same
            day_first = True
    return out, day_first


def _read_objects(raw: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Dates of the date-like objects of ``raw`` (NaT elsewhere), the values that are no dates, the texts."""
    out = np.full(len(raw), np.datetime64("NaT"), dtype="datetime64[us]")
    bad = np.zeros(len(raw), bool)
    is_text = np.zeros(len(raw), bool)
    stamps = {}
    for i, v in enumerate(raw):
        if isinstance(v, str):
            is_text[i] = True
        elif _is_missing(v):
            continue
        else:
            ts = _naive(v)
            if ts is None:
                bad[i] = True
            else:
                stamps[i] = ts
    if stamps:
        where = np.fromiter(stamps, np.int64, len(stamps))
        out[where] = pd.to_datetime(pd.Series(list(stamps.values()), dtype=object)).to_numpy(
            dtype="datetime64[us]")
    return out, bad, is_text


def _read_texts(texts: pd.Series, rows: np.ndarray, n: int, column: str, dayfirst):
    """(dates, unreadable, order) of the texts at ``rows`` of a column of ``n`` values, each distinct text read once.

    ``order`` is how the day/month/year texts were read (True: day first), None when there are none.
    """
    codes, distinct = pd.factorize(texts)  # parse each distinct text once
    distinct = np.asarray(distinct, dtype=object)
    first_pos = np.full(len(distinct), n, np.int64)
    first_pos[codes[::-1]] = rows[::-1]  # the last assignment wins: each distinct text's first row
    distinct = pd.Series(distinct, dtype=object, index=first_pos).str.strip()
    blank = distinct.str.lower().isin(BLANK_DATES).to_numpy()
    parsed = np.full(len(distinct), np.datetime64("NaT"), dtype="datetime64[us]")
    order = None
    if (~blank).any():
        parsed[~blank], order = _parse_distinct(distinct[~blank], column, dayfirst)
    got = parsed[codes]  # NaT for blanks
    return got, ~blank[codes] & np.isnat(got), order


def parse_dates(values, *, column: str = "date", dayfirst: bool | None = None) -> pd.Series:
    """Read a column of dates as naive datetimes (``NaT`` where the date is missing).

    Parameters
    ----------
    values : Series, list or array
        Dates, datetimes (timezone-aware ones are read on their local
        calendar) or date text; see the module notes for the forms.
    column : str, default "date"
        Column name for messages.
    dayfirst : bool, optional
        How to read dates such as ``03/01/2024``. By default the order is
        taken from the values (a first field above 12 means day first, a
        second field above 12 month first) and a column where every such
        date reads both ways is refused.

    Returns
    -------
    Series
        ``datetime64`` values with the index and name of ``values``. The
        input is never modified.

    Raises
    ------
    AmbiguousDatesError
        Every numeric date reads both ways, or the column mixes the two
        orders (a ``ValueError``).
    DataValueError
        Values that are not dates, naming the column and up to five of them
        with their 0-based positions (a ``ValueError``; the ``column``,
        ``values`` and ``positions`` are attributes: ``date_error``).

    See Also
    --------
    AmbiguousDatesError : Raised when the order of day and month cannot be told.
    read_responses : Read a survey export, its dates parsed.
    compare_periods : NPS per period of the parsed dates.

    Examples
    --------
    >>> parse_dates(["03/15/2024 01:54:17 PM", "03/01/2024", None]).tolist()
    [Timestamp('2024-03-15 13:54:17'), Timestamp('2024-03-01 00:00:00'), NaT]
    >>> parse_dates(["15.03.2024", "01.03.2024"]).dt.strftime("%d %B").tolist()
    ['15 March', '01 March']
    >>> parse_dates(["03/01/2024", "04/02/2024"], column="when")
    Traceback (most recent call last):
    ...
    nps_toolkit.dates.AmbiguousDatesError: column 'when': every date reads both day first and month first, e.g. '03/01/2024' (position 0) is 3 January or 1 March; pass dayfirst=True (day first) or dayfirst=False (month first)
    >>> parse_dates(["03/01/2024", "04/02/2024"], dayfirst=False).dt.date.tolist()
    [datetime.date(2024, 3, 1), datetime.date(2024, 4, 2)]
    """
    if dayfirst is not None and not isinstance(dayfirst, (bool, np.bool_)):
        raise TypeError(f"dayfirst must be True, False or None, got {dayfirst!r}")
    series = values if isinstance(values, pd.Series) else pd.Series(np.asarray(values, dtype=object))
    dtype = series.dtype
    if isinstance(dtype, pd.DatetimeTZDtype):
        return series.dt.tz_localize(None)
    if pd.api.types.is_datetime64_dtype(dtype):
        return series
    if isinstance(dtype, pd.CategoricalDtype):
        return parse_dates(series.astype(object), column=column, dayfirst=dayfirst)
    if isinstance(dtype, pd.PeriodDtype):
        raise DataValueError(f"column {column!r} holds periods, not dates; convert it with .dt.start_time first",
                             column=column, role="date")
    text_dtype = pd.api.types.is_string_dtype(dtype) and dtype != object
    raw = None if text_dtype else series.to_numpy(dtype=object)  # a string column is factorised as it is
    n = len(series)
    kind = "string" if text_dtype else pd.api.types.infer_dtype(raw, skipna=True)
    if kind in ("string", "empty"):
        out, bad = np.full(n, np.datetime64("NaT"), dtype="datetime64[us]"), np.zeros(n, bool)
        is_text = ~pd.isna(series).to_numpy()
    else:
        out, bad, is_text = _read_objects(raw)
    order = None
    if is_text.any():
        every = bool(is_text.all())  # (then the column is factorised as it is, without a copy)
        rows = np.arange(n) if every else np.flatnonzero(is_text)
        if text_dtype:
            texts = series if every else series.iloc[rows]
        else:
            texts = pd.Series(raw if every else raw[rows], dtype=object)
        got, unreadable, order = _read_texts(texts, rows, n, column, dayfirst)
        if every:
            out, bad = got, unreadable
        else:
            out[rows] = got
            bad[rows] |= unreadable
    if bad.any():
        where = np.flatnonzero(bad)
        shown = series.iloc[where].tolist() if raw is None else list(raw[where])
        raise date_error(column, describe_offenders(shown, where), values=shown[:MAX_SHOWN],
                         positions=where[:MAX_SHOWN], total=len(where))
    result = pd.Series(out, index=series.index, name=series.name)
    # how day/month/year text was read: "day first", "month first", or None when the column has none
    result.attrs["date_order"] = None if order is None else ("day first" if order else "month first")
    return result
