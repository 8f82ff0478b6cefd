"""Counting with Polars: a DataFrame or a LazyFrame (e.g. ``pl.scan_parquet("answers/*.parquet")``).

One ``group_by`` counts the rows of every cell per group (and period); a
LazyFrame is collected with the streaming engine, so only the counts are
held in memory. Offending rows are found with ``with_row_index``: their
positions are the frame's row index. Timezone-aware datetimes are read on
their own time zone's calendar (``dt.replace_time_zone(None)``), as pandas
does.

This module imports ``polars`` only when it is used.
"""

from __future__ import annotations

import pandas as pd

from . import (BAD_DATE, BAD_SCORE, BLANK_DATES, BLANK_SCORES, CELL, DAY_FIRST, DETRACTOR, MISSING, N,
               OFFSET_PATTERN, PASSIVE, PERIOD, PROMOTER, W, W2, WEIGHT_TYPE, WEIGHT_VALUE, Spec, require)

__all__ = ["open", "Source"]

#: ISO forms of text dates (after a UTC offset is dropped), tried in turn.
ISO_FORMATS = ("%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S%.f",
               "%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M")


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
        text = col.cast(pl.String).str.strip_chars()
        blank = text.is_null() | text.str.to_lowercase().is_in(list(BLANK_DATES))
        local = text.str.replace(OFFSET_PATTERN, "${1}")
        tries = [local.str.strptime(pl.Datetime("us"), fmt, strict=False) for fmt in ISO_FORMATS]
        tries += [text.str.strptime(pl.Datetime("us"), fmt, strict=False) for fmt in DAY_FIRST]
        parsed = pl.coalesce(tries)
        return (pl.when(blank).then(None).otherwise(parsed.dt.date()),
                (~blank & parsed.is_null()).fill_null(False))

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
            add(s.is_null(), MISSING)
            add((s < spec.low) | (s > spec.high), BAD_SCORE)
        elif kind == "float":
            s = s.cast(pl.Float64)
            add(s.is_null() | s.is_nan(), MISSING)
            add((s != s.floor()) | (s < spec.low) | (s > spec.high), BAD_SCORE)
        elif kind == "text":
            text = s.cast(pl.String)
            add(text.is_null() | text.str.strip_chars().str.to_lowercase().is_in(list(BLANK_SCORES)), MISSING)
            add(pl.lit(True), BAD_SCORE)
        elif kind == "bool":
            add(s.is_null(), MISSING)
            add(pl.lit(True), BAD_SCORE)
        else:
            add(pl.lit(True), MISSING)
        if kind not in ("int", "float"):  # no answer reaches the categories: compare a number, not the column
            s = pl.lit(0)
        if spec.weights_kind in ("int", "float"):
            w = pl.col(spec.weights).cast(pl.Float64)
            add(w.is_null() | w.is_nan() | w.is_infinite() | (w < 0), WEIGHT_VALUE)
        elif spec.weights_kind == "text":
            add(pl.col(spec.weights).is_not_null(), WEIGHT_TYPE)
            add(pl.col(spec.weights).is_null(), WEIGHT_VALUE)
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
        counted = self.frame.group_by(self._keys(spec) + [self._cell(spec).alias(CELL)]).agg(aggregates)
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
        found = (self.frame.with_row_index("__nps_pos")
                 .filter(self._cell(spec) == cell)
                 .select(pl.col("__nps_pos"), shown.alias("__nps_shown"))
                 .head(limit))
        rows = _collect(found).to_dicts()
        return [(r["__nps_pos"], r["__nps_shown"]) for r in rows]


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
