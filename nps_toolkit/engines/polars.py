"""Counting with Polars: a DataFrame or a LazyFrame (e.g. ``pl.scan_parquet("answers/*.parquet")``).

One ``group_by`` counts the rows of every cell per group (and period); a
LazyFrame is collected with the streaming engine, so only the counts are
held in memory. Offending rows are found with ``with_row_index``: their
positions are the frame's row index. Text dates are matched against the
patterns of :mod:`nps_toolkit.dates` (``str.extract_groups``; Rust regex
has no back-references, so the repeated separator is a group of its own,
compared here) and read in the order of day and month decided for the
column. Timezone-aware datetimes are read on their own time zone's
calendar (``dt.replace_time_zone(None)``), as pandas does.

This module imports ``polars`` only when it is used.
"""

from __future__ import annotations

import pandas as pd

from . import (BAD_DATE, BAD_SCORE, BLANK_DATES, BLANK_SCORES, CELL, DETRACTOR, ISO_DATE, ISO_GROUPS, MISSING, N,
               NUMERIC_DATE, NUMERIC_GROUPS, OFFSET, PASSIVE, PERIOD, PROMOTER, W, W2, WEIGHT_TYPE, WEIGHT_VALUE, Spec,
               require, without_backreference)

__all__ = ["open", "Source"]

#: The date patterns of nps_toolkit.dates for Rust regex (no back-references: the separator is a second group).
_ISO, _ISO_GROUPS = without_backreference(ISO_DATE, ISO_GROUPS)
_NUMERIC, _NUMERIC_GROUPS = without_backreference(NUMERIC_DATE, NUMERIC_GROUPS)


def _polars():
    return require("polars", "scale", "counting Polars frames")


def _kind(pl, dtype) -> str:
    if dtype.is_integer():
        return "int"
    if dtype.is_float() or dtype.is_decimal():
        return "float"
    if dtype == pl.String:
        return "text"
    if dtype == pl.Boolean:
        return "bool"
    if dtype == pl.Date:
        return "date"
    if isinstance(dtype, pl.Datetime):
        return "datetime_tz" if dtype.time_zone else "datetime"
    if isinstance(dtype, (pl.Categorical, pl.Enum)):
        return "category"
    return "other"


def _collect(frame):
    """Collect a LazyFrame with the streaming engine where this Polars version has it."""
    pl = _polars()
    major, minor = (int(x) for x in pl.__version__.split(".")[:2])
    if (major, minor) >= (1, 23):
        return frame.collect(engine="streaming")
    return frame.collect(streaming=True)


class Source:
    """A Polars LazyFrame to count, with the column kinds (see :mod:`nps_toolkit.engines`).

    It implements the engine interface described in the notes of
    :func:`nps_toolkit.engines.count`.

    Examples
    --------
    >>> import polars as pl
    >>> source = open(pl.DataFrame({"score": [10], "w": [3.5]}))
    >>> source.columns, source.kind("score"), source.kind("w")
    (['score', 'w'], 'int', 'float')
    """

    def __init__(self, frame):
        self.pl = _polars()
        self.frame = frame
        self.schema = frame.collect_schema()
        self.columns = list(self.schema.names())

    def kind(self, name) -> str:
        return _kind(self.pl, self.schema[name])

    def type_name(self, name) -> str:
        return str(self.schema[name])

    # -- expressions -----------------------------------------------------------------------------------------------
    def _date(self, spec: Spec):
        """(date expression, offending-date condition)."""
        pl = self.pl
        col = pl.col(spec.date)
        if spec.date_kind == "date":
            return col, pl.lit(False)
        if spec.date_kind == "datetime":
            return col.dt.date(), pl.lit(False)
        if spec.date_kind == "datetime_tz":
            return col.dt.replace_time_zone(None).dt.date(), pl.lit(False)
        if spec.date_kind == "bad":
            return pl.lit(None, dtype=pl.Date), col.is_not_null()
        return pl.col("__nps_dd"), (~pl.col("__nps_blank") & pl.col("__nps_dd").is_null()).fill_null(False)

    def _rows(self, spec: Spec, *, parse=True):
        """The frame with the fields of a text date (and, with ``parse``, its date) as columns of its own.

        ``__nps_dt`` the stripped text, ``__nps_iso`` and ``__nps_num`` the
        groups of the patterns of :mod:`nps_toolkit.dates` (null where there
        is no match), ``__nps_dd`` the date read in the order
        ``spec.dayfirst`` (null where blank or unreadable), ``__nps_blank``;
        without ``parse``, only ``__nps_dt`` and ``__nps_num``.
        """
        pl = self.pl
        if spec.date_kind != "text":
            return self.frame
        frame = self.frame.with_columns(pl.col(spec.date).cast(pl.String).str.strip_chars().alias("__nps_dt"))
        text = pl.col("__nps_dt")
        frame = frame.with_columns(text.str.extract_groups(_NUMERIC).alias("__nps_num"))
        if not parse:  # the order of day and month needs the numeric dates only
            return frame
        frame = frame.with_columns(text.str.replace(OFFSET, "${1}").str.extract_groups(_ISO).alias("__nps_iso"))
        iso, num = _group(pl, "__nps_iso", _ISO_GROUPS), _group(pl, "__nps_num", _NUMERIC_GROUPS)
        first, second, numeric = _fields(pl)
        day, month = (second, first) if spec.dayfirst is False else (first, second)
        blank = text.is_null() | text.str.to_lowercase().is_in(list(BLANK_DATES))
        parsed = (pl.when(_matched(iso)).then(_checked_date(pl, iso, _int(pl, iso("year")), _int(pl, iso("month")),
                                                            _int(pl, iso("day"))))
                  .when(numeric).then(_checked_date(pl, num, _int(pl, num("year")), month, day, half=True)))
        return frame.with_columns(pl.when(blank).then(None).otherwise(parsed).alias("__nps_dd"),
                                  blank.alias("__nps_blank"))

    def _cell(self, spec: Spec):
        pl = self.pl
        when = None

        def add(condition, value):
            nonlocal when
            when = pl.when(condition).then(pl.lit(value)) if when is None else when.when(condition).then(pl.lit(value))

        if spec.date is not None:
            add(self._date(spec)[1], BAD_DATE)
        kind, s = spec.score_kind, pl.col(spec.score)
        if kind == "int":
            missing, bad = s.is_null(), (s < spec.low) | (s > spec.high)
        elif kind == "float":
            s = s.cast(pl.Float64)
            missing, bad = s.is_null() | s.is_nan(), (s != s.floor()) | (s < spec.low) | (s > spec.high)
        elif kind == "text":
            text = s.cast(pl.String)
            missing = text.is_null() | text.str.strip_chars().str.to_lowercase().is_in(list(BLANK_SCORES))
            bad = pl.lit(True)
        elif kind == "bool":
            missing, bad = s.is_null(), pl.lit(True)
        else:
            missing, bad = pl.lit(True), pl.lit(False)
        if spec.row_weights:  # the weights of every row are checked before the missing answers
            add(~missing & bad, BAD_SCORE)
        else:
            add(missing, MISSING)
            add(bad, BAD_SCORE)
        if kind not in ("int", "float"):  # no answer reaches the categories: compare a number, not the column
            s = pl.lit(0)
        if spec.weights_kind in ("int", "float"):
            w = pl.col(spec.weights).cast(pl.Float64)
            add(w.is_null() | w.is_nan() | w.is_infinite() | (w < 0), WEIGHT_VALUE)
        elif spec.weights_kind == "text":
            add(pl.col(spec.weights).is_not_null(), WEIGHT_TYPE)
            add(pl.col(spec.weights).is_null(), WEIGHT_VALUE)
        if spec.row_weights:
            add(missing, MISSING)
        add(s <= spec.detractor_max, DETRACTOR)
        add(s < spec.promoter_min, PASSIVE)
        return when.otherwise(pl.lit(PROMOTER)).cast(pl.Int8)

    def _period(self, spec: Spec):
        pl = self.pl
        d = self._date(spec)[0]
        if spec.period_unit == "month":
            m = d.dt.year().cast(pl.Int64) * 12 + d.dt.month().cast(pl.Int64) - 1
            k, a = spec.period_step, spec.period_anchor
            return m - (((m - a) % k) + k) % k
        days = d.cast(pl.Date).cast(pl.Int64)
        dow = (((days + 3) % 7) + 7) % 7
        return days - (((dow - spec.period_anchor) % 7) + 7) % 7

    def _keys(self, spec: Spec):
        pl = self.pl
        keys = []
        for name, kind in zip(spec.by, spec.by_kinds):
            col = pl.col(name)
            if self.schema[name].is_float():  # NaN is the missing group, as in pandas
                col = col.fill_nan(None)
            keys.append(col.cast(pl.String) if kind == "category" else col)
        if spec.date is not None:
            keys.append(self._period(spec).alias(PERIOD))
        return keys

    # -- counting and offenders ------------------------------------------------------------------------------------
    def count(self, spec: Spec) -> pd.DataFrame:
        pl = self.pl
        aggregates = [pl.len().cast(pl.Int64).alias(N)]
        if spec.weights_kind in ("int", "float"):
            w = pl.col(spec.weights).cast(pl.Float64)
            aggregates += [w.sum().alias(W), (w * w).sum().alias(W2)]
        elif spec.weights is not None:
            aggregates += [pl.lit(None, dtype=pl.Float64).alias(W), pl.lit(None, dtype=pl.Float64).alias(W2)]
        counted = self._rows(spec).group_by(self._keys(spec) + [self._cell(spec).alias(CELL)]).agg(aggregates)
        return _collect(counted).to_arrow().to_pandas()

    def offenders(self, spec: Spec, cell: int, limit: int) -> list:
        pl = self.pl
        if cell == BAD_DATE:
            shown = pl.col(spec.date)
        elif cell == BAD_SCORE:
            shown = pl.col(spec.score)
            shown = shown.cast(pl.Float64) if spec.score_kind in ("int", "float") else shown
        else:
            shown = pl.col(spec.weights)
        found = (self._rows(spec).with_row_index("__nps_pos")
                 .filter(self._cell(spec) == cell)
                 .select(pl.col("__nps_pos"), shown.alias("__nps_shown"))
                 .head(limit))
        rows = _collect(found).to_dicts()
        return [(r["__nps_pos"], r["__nps_shown"]) for r in rows]

    # -- the order of day and month of text dates (see nps_toolkit.engines) ------------------------------------------
    def date_orders(self, spec: Spec) -> tuple:
        """(first field above 12 seen, second field above 12 seen, an ambiguous date seen), in one aggregate pass."""
        pl = self.pl
        first, second, numeric = _fields(pl)
        seen = self._rows(spec, parse=False).filter(numeric).select(
            ((first > 12) & (second <= 12)).any().alias("a"), ((second > 12) & (first <= 12)).any().alias("b"),
            ((first <= 12) & (second <= 12) & (first != second)).any().alias("c"))
        row = _collect(seen).row(0)
        return tuple(bool(v) for v in row)

    def date_evidence(self, spec: Spec, limit: int) -> dict:
        """The keywords of order_from_fields: first values with a field above 12, the first ambiguous ones."""
        pl = self.pl
        first, second, numeric = _fields(pl)
        distinct = (self._rows(spec, parse=False).with_row_index("__nps_pos").filter(numeric)
                    .group_by(pl.col(spec.date).cast(pl.String).alias("__nps_raw"))
                    .agg(pl.col("__nps_pos").min().alias("p"), pl.col("__nps_dt").first().alias("t"),
                         first.first().alias("a"), second.first().alias("b"))
                    .sort("p"))
        a, b = pl.col("a"), pl.col("b")
        one, two, ambiguous = (a > 12) & (b <= 12), (b > 12) & (a <= 12), (a <= 12) & (b <= 12) & (a != b)
        found = _collect(distinct.select(
            pl.col("t").filter(one).first().alias("v1"), pl.col("p").filter(one).first().alias("p1"),
            pl.col("t").filter(two).first().alias("v2"), pl.col("p").filter(two).first().alias("p2"),
            pl.col("t").filter(ambiguous).head(limit).implode().alias("vs"),
            pl.col("p").filter(ambiguous).head(limit).implode().alias("ps"))).to_dicts()[0]
        return {"first_over_12": None if found["p1"] is None else (found["v1"], found["p1"]),
                "second_over_12": None if found["p2"] is None else (found["v2"], found["p2"]),
                "examples": list(zip(found["vs"] or [], found["ps"] or []))}


def _group(pl, struct: str, groups):
    """A function giving the group of that name of an extract_groups struct column (fields "1", "2", ...)."""
    return lambda name: pl.col(struct).struct.field(str(groups.index(name) + 1))


def _int(pl, group):
    return group.cast(pl.Int32, strict=False)


def _matched(group):
    """The pattern matched, with the same separator twice (what the back-reference of the pattern says)."""
    return group("year").is_not_null() & (group("sep") == group("sep_again"))


def _fields(pl) -> tuple:
    """(first field, second field, is a numeric date) of the numeric-date groups."""
    num = _group(pl, "__nps_num", _NUMERIC_GROUPS)
    return _int(pl, num("first")), _int(pl, num("second")), _matched(num).fill_null(False)


def _checked_date(pl, group, year, month, day, *, half=False):
    """The date of the fields, null unless the date exists and the time is a time (as nps_toolkit.dates reads it)."""
    hour, minute, sec = (_int(pl, group(g)).fill_null(0) for g in ("hour", "minute", "sec"))
    hours = pl.when(group("half").is_not_null()).then(hour.is_between(1, 12)).otherwise(hour < 24) if half \
        else hour < 24
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    days = pl.when(month == 2).then(pl.when(leap).then(29).otherwise(28)).otherwise(30 + (month + month // 8) % 2)
    ok = (minute < 60) & (sec < 60) & hours & month.is_between(1, 12) & (day >= 1) & (day <= days)
    # pl.date refuses impossible dates rather than giving null: only the checked ones reach it
    return pl.date(pl.when(ok).then(year), pl.when(ok).then(month), pl.when(ok).then(day))


def open(data, *, text_columns=()) -> Source:  # noqa: A001 - the engine interface's name
    """A :class:`Source` for a Polars DataFrame or LazyFrame.

    Examples
    --------
    >>> import polars as pl
    >>> open(pl.DataFrame({"score": [10, 3], "g": ["a", "b"]})).kind("score")
    'int'
    """
    pl = _polars()
    if isinstance(data, pl.DataFrame):
        data = data.lazy()
    if not isinstance(data, pl.LazyFrame):
        raise TypeError(f"a Polars object to count must be a DataFrame or LazyFrame, got {type(data).__name__}")
    return Source(data)


# -- rows (for the studies: our brand's answers, the commented answers) ------------------------------------------------
def rows_equal(source: Source, column, value):
    """The rows whose ``column``, read as text, is ``value``: a LazyFrame, still not collected."""
    pl = source.pl
    return source.frame.filter(pl.col(column).cast(pl.String) == str(value))


def rows_with_text(source: Source, column, present: bool = True):
    """The rows whose ``column`` holds text other than blanks (``present=False``: the other rows)."""
    pl = source.pl
    if source.kind(column) not in ("text", "category"):  # no text at all: no row is commented
        return source.frame.filter(pl.lit(not present))
    text = pl.col(column).cast(pl.String)
    condition = (text.is_not_null() & (text.str.strip_chars() != "")).fill_null(False)
    return source.frame.filter(condition if present else ~condition)


def to_pandas(source: Source, columns) -> pd.DataFrame:
    """The ``columns`` of every row as a pandas DataFrame (for results already made small)."""
    return _collect(source.frame.select(list(columns))).to_pandas()
