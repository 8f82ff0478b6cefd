"""Counting with Spark: a ``pyspark.sql.DataFrame`` (classic or Spark Connect).

One ``groupBy(...).agg(...)`` counts the rows of every cell per group (and
period) on the cluster; only that small table is collected. Offending rows
are found by Spark too: their position is the row number in the
DataFrame's partition order (the order of ``df.collect()`` and of
``rdd.zipWithIndex()``), computed from ``monotonically_increasing_id()``
(partition number in the upper bits, row within the partition in the lower
33 bits) and the number of rows of each partition; only five rows are
collected. Timestamps (``TimestampType``) are read on the session time zone
(``spark.sql.session.timeZone``); ``TimestampNTZType`` as written.

This module imports ``pyspark`` only when it is used.
"""

from __future__ import annotations

import pandas as pd

from . import (BAD_DATE, BAD_SCORE, BLANK_DATES, BLANK_SCORES, CELL, DETRACTOR, MISSING, N, OFFSET_PATTERN, PASSIVE,
               PERIOD, PROMOTER, W, W2, WEIGHT_TYPE, WEIGHT_VALUE, Spec, require)

__all__ = ["open", "Source"]

#: Text date forms (Spark datetime patterns): ISO after a UTC offset is dropped, then day-first.
ISO_PATTERNS = ("yyyy-MM-dd", "yyyy-MM-dd HH:mm[:ss][.SSSSSS]", "yyyy-MM-dd'T'HH:mm[:ss][.SSSSSS]")
DAY_FIRST_PATTERNS = ("d.M.yyyy", "d.M.yyyy H:mm", "d.M.yyyy H:mm:ss")
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
        text = self._strip(col.cast("string"))
        blank = text.isNull() | F.lower(text).isin(list(BLANK_DATES))
        local = F.regexp_replace(text, OFFSET_PATTERN, "$1")
        tries = [F.try_to_timestamp(local, F.lit(p)) for p in ISO_PATTERNS]
        tries += [F.try_to_timestamp(text, F.lit(p)) for p in DAY_FIRST_PATTERNS]
        parsed = F.coalesce(*tries)
        return (F.when(blank, F.lit(None).cast("date")).otherwise(F.to_date(parsed)),
                F.coalesce(~blank & parsed.isNull(), F.lit(False)))

    def _cell(self, spec: Spec):
        F = self.F
        branches = []
        if spec.date is not None:
            branches.append((self._date(spec)[1], BAD_DATE))
        kind, s = spec.score_kind, F.col(spec.score)
        if kind == "int":
            branches += [(s.isNull(), MISSING), ((s < spec.low) | (s > spec.high), BAD_SCORE)]
        elif kind == "float":
            s = s.cast("double")
            branches += [(s.isNull() | F.isnan(s), MISSING),
                         ((s != F.rint(s)) | (s < spec.low) | (s > spec.high), BAD_SCORE)]
        elif kind == "text":
            text = self._strip(s.cast("string"))
            branches += [(text.isNull() | F.lower(text).isin(list(BLANK_SCORES)), MISSING), (F.lit(True), BAD_SCORE)]
        elif kind == "bool":
            branches += [(s.isNull(), MISSING), (F.lit(True), BAD_SCORE)]
        else:
            branches.append((F.lit(True), MISSING))
        if kind not in ("int", "float"):  # no answer reaches the categories: compare a number, not the column
            s = F.lit(0)
        if spec.weights_kind in ("int", "float"):
            w = F.col(spec.weights).cast("double")
            infinite = (w == F.lit(float("inf"))) | (w == F.lit(float("-inf")))
            branches.append((w.isNull() | F.isnan(w) | infinite | (w < 0), WEIGHT_VALUE))
        elif spec.weights_kind == "text":
            branches += [(F.col(spec.weights).isNotNull(), WEIGHT_TYPE), (F.col(spec.weights).isNull(), WEIGHT_VALUE)]
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
        counted = self.frame.groupBy(*self._keys(spec), self._cell(spec).alias(CELL)).agg(*aggregates)
        return _to_pandas(counted)

    def offenders(self, spec: Spec, cell: int, limit: int) -> list:
        F = self.F
        if cell == BAD_DATE:
            shown = F.col(spec.date)
        elif cell == BAD_SCORE:
            shown = F.col(spec.score).cast("double") if spec.score_kind in ("int", "float") else F.col(spec.score)
        else:
            shown = F.col(spec.weights)
        marked = self.frame.select(F.spark_partition_id().alias("__nps_part"),
                                   F.monotonically_increasing_id().alias("__nps_id"),
                                   self._cell(spec).alias(CELL), shown.alias("__nps_shown"))
        found = marked.filter(F.col(CELL) == cell).orderBy("__nps_id").limit(limit).collect()
        if not found:
            return []
        sizes = dict(marked.groupBy("__nps_part").count().collect())
        offsets, total = {}, 0
        for part in sorted(sizes):
            offsets[part] = total
            total += sizes[part]
        return [(offsets[r["__nps_part"]] + (r["__nps_id"] - (r["__nps_part"] << _ID_BITS)), r["__nps_shown"])
                for r in found]


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
