"""Counting with Spark: a ``pyspark.sql.DataFrame`` (classic or Spark Connect).

One ``groupBy(...).agg(...)`` counts the rows of every cell per group (and
period) on the cluster; only that small table is collected. Offending rows
are found by Spark too: their position is the row number in the
DataFrame's partition order (the order of ``df.collect()`` and of
``rdd.zipWithIndex()``), computed from ``monotonically_increasing_id()``
(partition number in the upper bits, row within the partition in the lower
33 bits) and the number of rows of each partition; only five rows are
collected. Text dates are matched against the patterns of
:mod:`nps_toolkit.dates` as they are (Java regular expressions have
back-references) and read in the order of day and month decided for the
column. Timestamps (``TimestampType``) are read on the session time zone
(``spark.sql.session.timeZone``); ``TimestampNTZType`` as written.

This module imports ``pyspark`` only when it is used.
"""

from __future__ import annotations

import pandas as pd

from . import (BAD_DATE, BAD_SCORE, BLANK_DATES, BLANK_SCORES, CELL, DETRACTOR, ISO_DATE, ISO_GROUPS, MISSING, N,
               NUMERIC_DATE, NUMERIC_GROUPS, OFFSET, PASSIVE, PERIOD, PROMOTER, W, W2, WEIGHT_TYPE, WEIGHT_VALUE, Spec,
               require)

__all__ = ["open", "Source"]

_ID_BITS = 33  # monotonically_increasing_id: row number within the partition in the lower 33 bits


def _pyspark():
    return require("pyspark", "spark", "counting Spark DataFrames")


def _kind(T, dtype) -> str:
    if isinstance(dtype, (T.ByteType, T.ShortType, T.IntegerType, T.LongType)):
        return "int"
    if isinstance(dtype, (T.FloatType, T.DoubleType, T.DecimalType)):
        return "float"
    if isinstance(dtype, (T.StringType, getattr(T, "VarcharType", T.StringType), getattr(T, "CharType", T.StringType))):
        return "text"
    if isinstance(dtype, T.BooleanType):
        return "bool"
    if isinstance(dtype, T.DateType):
        return "date"
    if hasattr(T, "TimestampNTZType") and isinstance(dtype, T.TimestampNTZType):
        return "datetime"
    if isinstance(dtype, T.TimestampType):
        return "datetime_tz"
    return "other"


class Source:
    """A Spark DataFrame to count, with the column kinds (see :mod:`nps_toolkit.engines`).

    It implements the engine interface described in the notes of
    :func:`nps_toolkit.engines.count`.

    Examples
    --------
    >>> source = open(spark.createDataFrame([(10, 3.5)], "score long, w double"))  # doctest: +SKIP
    >>> source.columns, source.kind("score"), source.kind("w")  # doctest: +SKIP
    (['score', 'w'], 'int', 'float')
    """

    def __init__(self, frame):
        _pyspark()
        from pyspark.sql import functions as F
        from pyspark.sql import types as T

        self.F, self.T = F, T
        self.frame = frame
        self.fields = {f.name: f.dataType for f in frame.schema.fields}
        self.columns = list(self.fields)

    def kind(self, name) -> str:
        return _kind(self.T, self.fields[name])

    def type_name(self, name) -> str:
        return self.fields[name].simpleString()

    # -- expressions -----------------------------------------------------------------------------------------------
    def _strip(self, column):
        return self.F.regexp_replace(column, r"^\s+|\s+$", "")

    def _date(self, spec: Spec):
        F = self.F
        col = F.col(spec.date)
        if spec.date_kind == "date":
            return col, F.lit(False)
        if spec.date_kind in ("datetime", "datetime_tz"):
            return F.to_date(col), F.lit(False)
        if spec.date_kind == "bad":
            return F.lit(None).cast("date"), col.isNotNull()
        return F.col("__nps_dd"), F.coalesce(~F.col("__nps_blank") & F.col("__nps_dd").isNull(), F.lit(False))

    def _rows(self, spec: Spec, *, parse=True):
        """The frame with the fields of a text date (and, with ``parse``, its date) as columns of its own.

        ``__nps_dt`` the stripped text, ``__nps_iso`` and ``__nps_num`` the
        groups of the patterns of :mod:`nps_toolkit.dates` as arrays of
        strings (empty where a group is not in the match; null where the
        pattern does not match), ``__nps_dd`` the date read in the order
        ``spec.dayfirst`` (null where blank or unreadable), ``__nps_blank``;
        without ``parse``, only ``__nps_dt`` and ``__nps_num``.
        """
        F = self.F
        if spec.date_kind != "text":
            return self.frame
        frame = self.frame.withColumn("__nps_dt", self._strip(F.col(spec.date).cast("string")))
        frame = frame.withColumn("__nps_num", _groups(F, F.col("__nps_dt"), NUMERIC_DATE, NUMERIC_GROUPS))
        if not parse:  # the order of day and month needs the numeric dates only
            return frame
        frame = frame.withColumn("__nps_local", F.regexp_replace(F.col("__nps_dt"), OFFSET, "$1"))
        frame = frame.withColumn("__nps_iso", _groups(F, F.col("__nps_local"), ISO_DATE, ISO_GROUPS))
        iso, num = _group(F, "__nps_iso", ISO_GROUPS), _group(F, "__nps_num", NUMERIC_GROUPS)
        first, second, numeric = _fields(F)
        day, month = (second, first) if spec.dayfirst is False else (first, second)
        text = F.col("__nps_dt")
        blank = text.isNull() | F.lower(text).isin(list(BLANK_DATES))
        parsed = (F.when(F.col("__nps_iso").isNotNull(),
                         _checked_date(F, iso, _int(F, iso("year")), _int(F, iso("month")), _int(F, iso("day"))))
                  .when(numeric, _checked_date(F, num, _int(F, num("year")), month, day, half=True)))
        frame = frame.withColumn("__nps_blank", blank)
        return frame.withColumn("__nps_dd", F.when(F.col("__nps_blank"), F.lit(None).cast("date")).otherwise(parsed))

    def _cell(self, spec: Spec):
        F = self.F
        branches = []
        if spec.date is not None:
            branches.append((self._date(spec)[1], BAD_DATE))
        kind, s = spec.score_kind, F.col(spec.score)
        if kind == "int":
            missing, bad = s.isNull(), (s < spec.low) | (s > spec.high)
        elif kind == "float":
            s = s.cast("double")
            missing, bad = s.isNull() | F.isnan(s), (s != F.rint(s)) | (s < spec.low) | (s > spec.high)
        elif kind == "text":
            text = self._strip(s.cast("string"))
            missing, bad = text.isNull() | F.lower(text).isin(list(BLANK_SCORES)), F.lit(True)
        elif kind == "bool":
            missing, bad = s.isNull(), F.lit(True)
        else:
            missing, bad = F.lit(True), F.lit(False)
        if spec.row_weights:  # the weights of every row are checked before the missing answers
            branches.append((~missing & bad, BAD_SCORE))
        else:
            branches += [(missing, MISSING), (bad, BAD_SCORE)]
        if kind not in ("int", "float"):  # no answer reaches the categories: compare a number, not the column
            s = F.lit(0)
        if spec.weights_kind in ("int", "float"):
            w = F.col(spec.weights).cast("double")
            infinite = (w == F.lit(float("inf"))) | (w == F.lit(float("-inf")))
            branches.append((w.isNull() | F.isnan(w) | infinite | (w < 0), WEIGHT_VALUE))
        elif spec.weights_kind == "text":
            branches += [(F.col(spec.weights).isNotNull(), WEIGHT_TYPE), (F.col(spec.weights).isNull(), WEIGHT_VALUE)]
        if spec.row_weights:
            branches.append((missing, MISSING))
        branches += [(s <= spec.detractor_max, DETRACTOR), (s < spec.promoter_min, PASSIVE)]
        expr = None
        for condition, value in branches:
            expr = F.when(condition, F.lit(value)) if expr is None else expr.when(condition, F.lit(value))
        return expr.otherwise(F.lit(PROMOTER))

    def _period(self, spec: Spec):
        F = self.F
        d = self._date(spec)[0]
        if spec.period_unit == "month":
            m = F.year(d).cast("long") * 12 + F.month(d).cast("long") - 1
            return m - F.pmod(m - spec.period_anchor, F.lit(spec.period_step))
        days = F.datediff(d, F.lit("1970-01-01").cast("date")).cast("long")
        dow = F.pmod(days + 3, F.lit(7))
        return days - F.pmod(dow - spec.period_anchor, F.lit(7))

    def _keys(self, spec: Spec):
        F = self.F
        keys = []
        for name, kind in zip(spec.by, spec.by_kinds):
            col = F.col(name)
            if isinstance(self.fields[name], (self.T.FloatType, self.T.DoubleType)):  # NaN: the missing group
                col = F.when(F.isnan(col), F.lit(None)).otherwise(col)
            keys.append(col.alias(name))
        if spec.date is not None:
            keys.append(self._period(spec).alias(PERIOD))
        return keys

    # -- counting and offenders ------------------------------------------------------------------------------------
    def count(self, spec: Spec) -> pd.DataFrame:
        F = self.F
        aggregates = [F.count(F.lit(1)).alias(N)]
        if spec.weights_kind in ("int", "float"):
            w = F.col(spec.weights).cast("double")
            aggregates += [F.sum(w).alias(W), F.sum(w * w).alias(W2)]
        elif spec.weights is not None:
            aggregates += [F.lit(None).cast("double").alias(W), F.lit(None).cast("double").alias(W2)]
        counted = self._rows(spec).groupBy(*self._keys(spec), self._cell(spec).alias(CELL)).agg(*aggregates)
        return _to_pandas(counted)

    def offenders(self, spec: Spec, cell: int, limit: int) -> list:
        F = self.F
        if cell == BAD_DATE:
            shown = F.col(spec.date)
        elif cell == BAD_SCORE:
            shown = F.col(spec.score).cast("double") if spec.score_kind in ("int", "float") else F.col(spec.score)
        else:
            shown = F.col(spec.weights)
        marked = self._rows(spec).select(F.spark_partition_id().alias("__nps_part"),
                                         F.monotonically_increasing_id().alias("__nps_id"),
                                         self._cell(spec).alias(CELL), shown.alias("__nps_shown"))
        found = marked.filter(F.col(CELL) == cell).orderBy("__nps_id").limit(limit).collect()
        if not found:
            return []
        position = _positions(marked)
        return [(position(r["__nps_part"], r["__nps_id"]), r["__nps_shown"]) for r in found]

    # -- the order of day and month of text dates (see nps_toolkit.engines) ------------------------------------------
    def date_orders(self, spec: Spec) -> tuple:
        """(first field above 12 seen, second field above 12 seen, an ambiguous date seen), in one aggregate pass."""
        F = self.F
        first, second, numeric = _fields(F)
        conditions = ((first > 12) & (second <= 12), (second > 12) & (first <= 12),
                      (first <= 12) & (second <= 12) & (first != second))
        row = self._rows(spec, parse=False).filter(numeric).agg(
            *(F.max(c.cast("int")).alias(f"c{i}") for i, c in enumerate(conditions))).collect()[0]
        return tuple(bool(v) for v in row)

    def date_evidence(self, spec: Spec, limit: int) -> dict:
        """The keywords of order_from_fields: first values with a field above 12, the first ambiguous ones."""
        F = self.F
        first, second, numeric = _fields(F)
        marked = self._rows(spec, parse=False).select(
            F.spark_partition_id().alias("__nps_part"), F.monotonically_increasing_id().alias("__nps_id"),
            F.col(spec.date).cast("string").alias("raw"), F.col("__nps_dt").alias("t"), first.alias("a"),
            second.alias("b"), numeric.alias("numeric"))
        # each distinct text once, at its first row (the id orders rows as their positions do)
        distinct = (marked.filter(F.col("numeric")).groupBy("raw", "t", "a", "b")
                    .agg(F.min(F.struct("__nps_id", "__nps_part")).alias("first")))
        a, b = F.col("a"), F.col("b")
        ones = distinct.agg(F.min(F.when((a > 12) & (b <= 12), F.struct("first", "t"))).alias("one"),
                            F.min(F.when((b > 12) & (a <= 12), F.struct("first", "t"))).alias("two")).collect()[0]
        examples = distinct.filter((a <= 12) & (b <= 12) & (a != b)).orderBy("first").limit(limit).collect()
        position = _positions(marked)

        def shown(row):
            return row["t"], position(row["first"]["__nps_part"], row["first"]["__nps_id"])

        return {"first_over_12": None if ones["one"] is None else shown(ones["one"]),
                "second_over_12": None if ones["two"] is None else shown(ones["two"]),
                "examples": [shown(r) for r in examples]}


def _positions(marked):
    """A function (partition, monotonically_increasing_id) -> position, from the sizes of the partitions."""
    sizes = dict(marked.groupBy("__nps_part").count().collect())
    offsets, total = {}, 0
    for part in sorted(sizes):
        offsets[part] = total
        total += sizes[part]
    return lambda part, ident: offsets[part] + (ident - (part << _ID_BITS))


def _groups(F, text, pattern: str, groups):
    """The groups of a match of the whole text as an array of strings (empty where a group is not in the match).

    Java's regexp_replace writes the groups, joined by commas, in place of
    the match ($n of a group not in the match is empty); null where the
    pattern does not match. No group holds a comma.
    """
    joined = ",".join(f"${i}" for i in range(1, len(groups) + 1))
    return F.when(text.rlike(pattern), F.split(F.regexp_replace(text, pattern, joined), ",", -1))


def _group(F, column: str, groups):
    """A function giving the group of that name of a column made by _groups."""
    return lambda name: F.col(column).getItem(groups.index(name))


def _int(F, group):
    """A group as an integer (null where it is empty; a group of digits always casts, even with ANSI on)."""
    return F.when(group != "", group.cast("int"))


def _fields(F) -> tuple:
    """(first field, second field, is a numeric date) of the numeric-date groups."""
    num = _group(F, "__nps_num", NUMERIC_GROUPS)
    return _int(F, num("first")), _int(F, num("second")), F.col("__nps_num").isNotNull()


def _checked_date(F, group, year, month, day, *, half=False):
    """The date of the fields, null unless the date exists and the time is a time (as nps_toolkit.dates reads it)."""
    hour, minute, sec = (F.coalesce(_int(F, group(g)), F.lit(0)) for g in ("hour", "minute", "sec"))
    hours = F.when(group("half") != "", hour.between(1, 12)).otherwise(hour < 24) if half else hour < 24
    leap = ((year % 4) == 0) & (((year % 100) != 0) | ((year % 400) == 0))
    days = F.when(month == 2, F.when(leap, F.lit(29)).otherwise(F.lit(28))).otherwise(
        30 + F.pmod(month + F.floor(month / 8).cast("int"), F.lit(2)))
    ok = (minute < 60) & (sec < 60) & hours & month.between(1, 12) & (day >= 1) & (day <= days)
    # make_date refuses impossible dates under ANSI mode: only the checked ones reach it
    return F.when(ok, F.make_date(year, month, day))


def _arrow_type(T, dtype):
    """The Arrow type of a Spark type of a group column (None: let pyarrow infer it)."""
    import pyarrow as pa

    simple = [(T.ByteType, pa.int8()), (T.ShortType, pa.int16()), (T.IntegerType, pa.int32()),
              (T.LongType, pa.int64()), (T.FloatType, pa.float32()), (T.DoubleType, pa.float64()),
              (T.StringType, pa.string()), (T.BooleanType, pa.bool_()), (T.DateType, pa.date32())]
    for spark_type, arrow_type in simple:
        if isinstance(dtype, spark_type):
            return arrow_type
    if isinstance(dtype, T.DecimalType):
        return pa.decimal128(dtype.precision, dtype.scale)
    if hasattr(T, "TimestampNTZType") and isinstance(dtype, T.TimestampNTZType):
        return pa.timestamp("us")
    return None


def _to_pandas(frame) -> pd.DataFrame:
    """Collect a small Spark result as pandas, through Arrow types (as the other engines)."""
    import pyarrow as pa
    from pyspark.sql import types as T

    rows = frame.collect()
    arrays = {}
    for i, field in enumerate(frame.schema.fields):
        arrays[field.name] = pa.array([r[i] for r in rows], type=_arrow_type(T, field.dataType))
    return pa.table(arrays).to_pandas()


def open(data, *, text_columns=()) -> Source:  # noqa: A001 - the engine interface's name
    """A :class:`Source` for a Spark DataFrame.

    Examples
    --------
    >>> df = spark.createDataFrame([(10, "a"), (3, "b")], "score long, g string")  # doctest: +SKIP
    >>> open(df).kind("score")  # doctest: +SKIP
    'int'
    """
    _pyspark()
    if not hasattr(data, "groupBy") or not hasattr(data, "schema"):
        raise TypeError(f"a Spark object to count must be a pyspark.sql.DataFrame, got {type(data).__name__}")
    return Source(data)


# -- rows (for the studies: our brand's answers, the commented answers) ------------------------------------------------
def rows_equal(source: Source, column, value):
    """The rows whose ``column``, read as text, is ``value``: a Spark DataFrame, still not computed."""
    return source.frame.filter(source.F.col(column).cast("string") == str(value))


def rows_with_text(source: Source, column, present: bool = True):
    """The rows whose ``column`` holds text other than blanks (``present=False``: the other rows)."""
    F = source.F
    if source.kind(column) not in ("text", "category"):  # no text at all: no row is commented
        return source.frame.filter(F.lit(not present))
    col = F.col(column)
    condition = F.coalesce(col.isNotNull() & (source._strip(col.cast("string")) != ""), F.lit(False))
    return source.frame.filter(condition if present else ~condition)


def to_pandas(source: Source, columns) -> pd.DataFrame:
    """The ``columns`` of every row as a pandas DataFrame (for results already made small)."""
    frame = source.frame.select(*columns)
    if hasattr(frame, "toArrow"):  # Spark 4: through Arrow, without a Python object per row
        return frame.toArrow().to_pandas()
    return frame.toPandas()  # pragma: no cover - older Spark
