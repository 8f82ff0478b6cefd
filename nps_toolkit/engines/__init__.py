"""Counting where the data lives: files, DuckDB, Polars and Spark.

Counts are the sufficient statistic. :func:`nps_toolkit.summarize` (and
:func:`~nps_toolkit.counts`, :func:`~nps_toolkit.compare_groups`,
:func:`~nps_toolkit.compare_periods`) work in two steps: (1) *counting*, which
reduces the rows to a small table of counts per group, and (2) the
statistics on that table. This subpackage does step (1) inside another
engine, so that only the counts ever reach pandas:

=======================================  ===========================================================
``data``                                 counted by
=======================================  ===========================================================
pandas DataFrame                         pandas (vectorised category codes and ``np.bincount``)
``str`` or ``pathlib.Path``              embedded DuckDB, streaming; a Parquet or CSV file, a glob
                                         (``"answers/*.parquet"``) or a folder of Parquet files
``duckdb.DuckDBPyRelation``              DuckDB, on the relation's own connection (for a table in
                                         a database pass ``con.table("name")``)
``polars.DataFrame`` / ``LazyFrame``     Polars (the streaming engine for lazy frames)
``pyspark.sql.DataFrame``                Spark; only the counts are collected
=======================================  ===========================================================

The engine of ``data`` is told from the module of its type, so no optional
package is imported unless ``data`` comes from it. A missing package raises
:class:`ModuleNotFoundError` naming the extra to install
(``pip install 'nps-toolkit[scale]'`` for DuckDB and Polars,
``pip install 'nps-toolkit[spark]'`` for PySpark).

Same results on every engine
----------------------------
Every engine counts, per group, the answers in each cell: missing (``NULL``,
``NaN`` or blank text), detractor, passive, promoter, and the offending rows.
The small table of counts then goes through the same pandas code as an
in-memory frame: groups sorted like ``DataFrame.groupby(sort=True,
dropna=False)`` (a missing group value is its own group, last), the same
columns, the same statistics. Unweighted counts are identical; weighted sums
may differ from the pandas ones in the last bits (floating-point sums in
another order). Unused categories of a categorical ``by`` column exist only
in pandas: other engines group by the values they see (a DuckDB ``ENUM`` or a
Polars ``Categorical``/``Enum`` is grouped as text and sorted as text).
``NaN`` in a float ``by`` column is the missing group, as in pandas.

Bad input is refused as in pandas, and found by the engine: a score outside
the scale, a fraction, a boolean or text column, a negative, infinite or
missing weight of an answer (of every row with ``row_weights=True``), an
unreadable date. The error names the column, the first five offending values
with their 0-based positions and how many more there are, and what is allowed.
Only those five rows are fetched. The errors are those of the pandas path,
made by the same functions
(:func:`nps_toolkit.scale.score_error`, :func:`nps_toolkit._validation.weights_error`,
:func:`nps_toolkit.dates.date_error`, :func:`nps_toolkit._validation.missing_column_error`):
a :class:`~nps_toolkit.DataValueError`, :class:`~nps_toolkit.DataTypeError`
or :class:`~nps_toolkit.ColumnNotFoundError` whose ``column``, ``role``,
``values``, ``positions`` and ``total`` are those of the message.

Positions
---------
* files: the row number in file order; a glob or folder is read in the
  sorted order of the file names, and positions run on across the files
  (the position in ``pd.concat`` of the files read in that order, header
  rows not counted);
* a DuckDB relation: the row number in the relation's scan order (a table's
  or file's order; for a query without ``ORDER BY``, the order DuckDB
  produces);
* Polars: the row index of the frame;
* Spark: the row number in the DataFrame's partition order (the order of
  ``df.collect()`` and of ``rdd.zipWithIndex()``, found from
  ``monotonically_increasing_id`` and the partition sizes). For a DataFrame
  read straight from files this is file order.

Dates (``compare_periods`` and the other period functions)
----------------------------------------------------------
Periods are bucketed by the engine (the start of each answer's week, month,
quarter or year) and labelled by pandas (``str(pd.Period)``), so the labels
are those of the in-memory path. Date, timestamp and timezone-aware columns
are read on their local calendar (DuckDB files: the time zone stored in the
Parquet schema, else the machine's; DuckDB relations: the connection's
``TimeZone``; Polars: the column's own time zone, as pandas; Spark
timestamps: the session time zone, ``spark.sql.session.timeZone``).

Text dates follow the one rule of :mod:`nps_toolkit.dates`, with the same
results and the same errors as :func:`nps_toolkit.dates.parse_dates`: ISO
text (year first, with an optional time and a UTC offset that is dropped,
keeping the wall time) and day/month/year or month/day/year text with a
four-digit year (optionally with a 24-hour or 12-hour ``AM``/``PM`` time);
blank text is a missing date. The engines use the patterns of that module
(``ISO_DATE``, ``NUMERIC_DATE``, ``OFFSET``; for DuckDB's RE2 and Polars'
Rust regex, which have no back-references, the repeated separator is a
group of its own compared by the engine: :func:`without_backreference`).
The order of day and month is decided from the column's values before
counting: one aggregate pass tells whether some numeric date has its first
field above 12 (day first), its second (month first), or neither, and
:func:`nps_toolkit.dates.order_from_fields` decides. Only when the column is
refused (every date reads both ways, or both orders appear) is a second
query run for the evidence of the message: the first such values and up to
five ambiguous ones (two different fields at most 12: ``03/03/2024`` reads the
same either way), each distinct text at the position of its first row, the
positions of offending rows (see Positions). ``dayfirst=True`` or ``False``
skips the decision; dates that do not fit it are unreadable.
"""

from __future__ import annotations

import importlib
import math
import os
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

# the input rules and the wording of the errors are those of the pandas path: one source for both
from .._validation import BLANK_TOKENS, describe_offenders, missing_column_error, weights_error
# the one date rule of the package; the engine modules take the patterns from here
from ..dates import (BLANK_DATES, ISO_DATE, NUMERIC_DATE, OFFSET, date_error, no_dates_error,  # noqa: F401
                     order_from_fields)
from ..scale import check_scale, score_error

__all__ = ["ENGINES", "engine_of", "require", "count", "without_backreference"]

#: Engines other than pandas: name -> (module that counts, package it needs, extra that installs it).
ENGINES = {
    "duckdb": ("duckdb", "scale"),
    "polars": ("polars", "scale"),
    "spark": ("pyspark", "spark"),
}

# Cells: what each row counts as. Offending cells take precedence in the order pandas checks:
# dates, then scores, then weights.
MISSING, DETRACTOR, PASSIVE, PROMOTER = -1, 0, 1, 2
BAD_SCORE, WEIGHT_TYPE, WEIGHT_VALUE, BAD_DATE = 3, 4, 5, 6

# Column names of the long table every engine returns.
CELL, N, W, W2, PERIOD = "__nps_cell", "__nps_n", "__nps_w", "__nps_w2", "__nps_period"
#: Column of the wide count table holding the number of rows of each group (not a statistic).
ROWS = "\x00rows"

_CATS = ("detractors", "passives", "promoters")
#: Blank strings count as missing answers (as in :mod:`nps_toolkit.scale`) and as missing dates
#: (:data:`~nps_toolkit.dates.BLANK_DATES`, as in periods).
BLANK_SCORES = BLANK_TOKENS
#: Names of the groups of the shared date patterns of :mod:`nps_toolkit.dates`, in order.
ISO_GROUPS = ("year", "sep", "month", "day", "hour", "minute", "sec", "frac")
NUMERIC_GROUPS = ("first", "sep", "second", "year", "hour", "minute", "sec", "frac", "half")
_DAYS = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")
_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")


class EngineReadError(ValueError):
    """An engine could not read the data (a file it cannot parse, such as a CSV in another encoding)."""


ROLES = {"score": "score column", "date": "date column", "by": "by column", "weights": "weights column"}
LIMIT = 5


# -- which engine --------------------------------------------------------------------------------------------------
def engine_of(data) -> str | None:
    """The engine that counts ``data``: ``"duckdb"``, ``"polars"``, ``"spark"`` or None (pandas and the rest).

    A path (``str`` or ``os.PathLike``) is counted by DuckDB. Other objects
    are told by the module of their type, without importing any optional
    package.

    Examples
    --------
    >>> import pandas as pd
    >>> engine_of("answers/*.parquet"), engine_of(pd.DataFrame({"score": [10]}))
    ('duckdb', None)
    """
    if isinstance(data, (str, os.PathLike)):
        return "duckdb"
    root = (type(data).__module__ or "").split(".")[0]
    if root in ("duckdb", "_duckdb"):
        return "duckdb"
    if root in ("polars", "pyspark"):
        return "spark" if root == "pyspark" else "polars"
    return None


def require(package: str, extra: str, purpose: str):
    """Import an optional package, or raise ModuleNotFoundError naming the extra that installs it.

    Examples
    --------
    >>> require("math", "scale", "counting").sqrt(4.0)
    2.0
    >>> require("no_such_package_here", "scale", "counting files")
    Traceback (most recent call last):
    ...
    ModuleNotFoundError: counting files needs the optional package 'no_such_package_here': pip install 'nps-toolkit[scale]'
    """
    try:
        return importlib.import_module(package)
    except ImportError as exc:
        raise ModuleNotFoundError(f"{purpose} needs the optional package {package!r}: "
                                  f"pip install 'nps-toolkit[{extra}]'", name=package) from exc


def _module(engine: str):
    package, extra = ENGINES[engine]
    purpose = {"duckdb": "counting files and DuckDB relations", "polars": "counting Polars frames",
               "spark": "counting Spark DataFrames"}[engine]
    require(package, extra, purpose)
    return importlib.import_module(f"{__name__}.{engine}")


# -- dates: the patterns of nps_toolkit.dates in the engines' regex dialects ----------------------------------------
def _group_spans(pattern: str) -> list:
    """(start, end) of each capturing group of a regular expression, in the order of the groups."""
    spans, stack, i, in_class = [], [], 0, False
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
        elif c == "(":
            capturing = not pattern.startswith("(?", i)
            stack.append((i, len(spans) if capturing else None))
            if capturing:
                spans.append(None)
        elif c == ")":
            start, index = stack.pop()
            if index is not None:
                spans[index] = (start, i + 1)
        i += 1
    return spans


def without_backreference(pattern: str, groups) -> tuple[str, tuple]:
    r"""A pattern and its group names for a regex dialect without back-references (DuckDB's RE2, Rust regex).

    Each back-reference (``\2``: the separator again) becomes a copy of the
    group it refers to, named ``<name>_again``; the engine keeps only the
    matches whose two groups are equal, which are the matches of the
    original pattern.

    Examples
    --------
    >>> without_backreference(r"^(a)([-/])(b)\2(c)$", ("x", "sep", "y", "z"))
    ('^(a)([-/])(b)([-/])(c)$', ('x', 'sep', 'y', 'sep_again', 'z'))
    """
    names = list(groups)
    while True:
        spans = _group_spans(pattern)
        found = next((m for m in re.finditer(r"\\(\d)", pattern)
                      if not pattern[:m.start()].endswith("\\")), None)
        if found is None:
            break
        start, end = spans[int(found.group(1)) - 1]
        names.insert(sum(s < found.start() for s, _ in spans), names[int(found.group(1)) - 1] + "_again")
        pattern = pattern[:found.start()] + pattern[start:end] + pattern[found.end():]
    if re.compile(pattern).groups != len(names):  # pragma: no cover - a pattern this parser does not understand
        raise AssertionError(f"cannot name the groups of {pattern!r}")
    return pattern, tuple(names)


def _date_order(source, spec, dayfirst):
    """Whether the text dates of ``spec.date`` are day first (None: no numeric date), as the pandas path decides.

    One aggregate pass of the engine tells which orders the values show;
    only when the column is refused does a second query fetch the evidence
    (values and positions) for the message of :func:`order_from_fields`.
    """
    column = str(spec.date)
    if dayfirst is not None:
        return order_from_fields(column, dayfirst=dayfirst)
    first, second, ambiguous = (bool(v) for v in source.date_orders(spec))
    if first != second:  # one order shown and not the other: the decision needs no positions
        return first
    if not (first or second or ambiguous):
        return None
    return order_from_fields(column, **source.date_evidence(spec, LIMIT))  # raises AmbiguousDatesError


# -- what to count -------------------------------------------------------------------------------------------------
@dataclass
class Spec:
    """What an engine counts, in engine-neutral terms (built by :func:`count`).

    Kinds: ``"int"``, ``"float"`` (also decimals), ``"text"``, ``"bool"``,
    ``"date"``, ``"datetime"``, ``"datetime_tz"``, ``"category"`` and
    ``"other"``. ``score_kind`` is one of int, float, text, bool or
    ``"none"`` (every answer missing: the column is refused anyway);
    ``weights_kind`` int, float, text or ``"none"``; ``date_kind`` date,
    datetime, datetime_tz, text or ``"bad"`` (every value offends).

    Examples
    --------
    >>> spec = Spec(score="q1", score_kind="int", low=0, high=10, detractor_max=6, promoter_min=9, by=["brand"])
    >>> spec.weights is None, spec.date is None
    (True, True)
    """

    score: str
    score_kind: str
    low: int  # lowest and highest answer, highest detractor, lowest promoter
    high: int
    detractor_max: int
    promoter_min: int
    by: list = field(default_factory=list)
    by_kinds: list = field(default_factory=list)
    weights: str | None = None
    weights_kind: str = "none"
    date: str | None = None
    date_kind: str = "none"
    period_unit: str | None = None  # "month" (key: months since year 0) or "week" (key: days since 1970-01-01)
    period_step: int = 1  # months per period (1, 3, 12)
    period_anchor: int = 0  # month: last month of the year's periods (1..12); week: first weekday (Mon = 0)
    date_timezone: str | None = None  # engines may fill in the time zone of a timezone-aware date column
    dayfirst: bool | None = None  # text dates: day first (True), month first (False), no numeric date (None)
    row_weights: bool = False  # check every row's weight, answered or not: offending scores, weights, then missing


def period_spec(pfreq: str) -> tuple[str, int, int]:
    """(unit, step, anchor) of a pandas period frequency such as ``"Q-DEC"`` or ``"W-SUN"``.

    A month-based period starts at month index ``m - pmod(m - anchor, step)``
    (``m = 12 * year + month - 1``); a week at day ``d - pmod(weekday(d) -
    anchor, 7)`` (``d`` days since 1970-01-01, Monday = 0).

    Examples
    --------
    >>> period_spec("M"), period_spec("Q-MAR"), period_spec("Y-DEC"), period_spec("W-SUN")
    (('month', 1, 12), ('month', 3, 3), ('month', 12, 12), ('week', 7, 0))
    """
    base, _, anchor = pfreq.partition("-")
    if base == "W":
        return "week", 7, (_DAYS.index(anchor) + 1) % 7
    if base == "M":
        return "month", 1, 12
    return "month", 3 if base == "Q" else 12, _MONTHS.index(anchor) + 1


def period_ordinals(starts, pfreq: str, unit: str) -> np.ndarray:
    """pandas Period ordinals of period starts computed by an engine (NaN where missing).

    Examples
    --------
    >>> starts = [2024 * 12 + 6, None]  # July 2024 as months since year 0
    >>> [str(pd.Period(ordinal=int(o), freq="Q-DEC")) for o in period_ordinals(starts, "Q-DEC", "month")[:1]]
    ['2024Q3']
    """
    keys = pd.to_numeric(pd.Series(starts), errors="coerce").to_numpy(float)
    out = np.full(len(keys), np.nan)
    ok = ~np.isnan(keys)
    if ok.any():
        k = keys[ok].astype(np.int64)
        if unit == "month":
            dates = pd.to_datetime(pd.DataFrame({"year": k // 12, "month": k % 12 + 1, "day": 1}))
        else:
            dates = pd.to_datetime(k, unit="D")
        out[ok] = np.asarray(pd.PeriodIndex(dates, freq=pfreq).asi8, dtype=float)
    return out


# -- messages (the wording of the pandas path) ---------------------------------------------------------------------
def describe(values, positions, total: int) -> str:
    """'v (position p), ...' for the first offenders, with ' and N more' for the rest of ``total``.

    Examples
    --------
    >>> describe([11.0, -1.0], [3, 7], total=9)
    '11.0 (position 3), -1.0 (position 7) and 7 more'
    """
    text = describe_offenders(list(values), list(positions))
    if total > len(values):
        text += f" and {total - len(values)} more"
    return text


def _plain(value):
    if isinstance(value, (np.generic,)):
        value = value.item()
    if value is None or value is pd.NA:
        return math.nan
    return value


def check_names(columns, names, role: str) -> None:
    """:class:`~nps_toolkit.ColumnNotFoundError` naming a missing column and the available ones (as ``check_columns``).

    Examples
    --------
    >>> check_names(["score", "brand"], ["region"], "by column")
    Traceback (most recent call last):
    ...
    nps_toolkit.ColumnNotFoundError: "by column 'region' is not in the data; available columns: 'score', 'brand'"
    """
    columns = list(columns)
    missing = [c for c in names if c not in columns]
    if missing:
        raise missing_column_error(missing[0], columns, role)


# -- the counting ----------------------------------------------------------------------------------------------------
def count(data, *, score="score", by=(), weights=None, scale=None, date=None, pfreq=None, roles=None,
          period_key=PERIOD, validate=None, dayfirst=None, row_weights=False) -> pd.DataFrame:
    """Count answers per group inside the engine of ``data``: the wide count table, one row per group seen.

    Parameters
    ----------
    data : path, DuckDB relation, Polars DataFrame/LazyFrame or Spark DataFrame
        Where the answers are (see the module notes).
    score, by, weights, scale
        As in :func:`nps_toolkit.summarize` (``by`` a list of names).
    date, pfreq : str, optional
        Date column and pandas period frequency (``"Q-DEC"``): adds the
        column ``period_key`` holding each group's Period ordinal (NaN for
        answers without a date).
    roles : dict, optional
        Words for the columns in error messages (``{"by": "group column"}``).
    validate : callable, optional
        Called once the columns are known to exist, before anything is counted.
    dayfirst : bool, optional
        How to read text dates such as ``"03/01/2024"``; by default the
        order of day and month is decided from the values (see the module
        notes and :func:`nps_toolkit.dates.order_from_fields`).
    row_weights : bool, default False
        Check and sum the weight of every row, answered or not (for raking,
        which moves the weights of all rows): a missing answer's NaN,
        negative, infinite or text weight is refused like an answer's (the
        same error, its position in row order with the others), and the
        table gains ``weight`` and ``weight_sq``, the sums of the weights
        and squared weights of all the rows (floats; the row count when
        ``weights`` is None). By default only the weights of answers are
        checked and summed.

    Returns
    -------
    DataFrame
        ``by`` columns (and ``period_key``), ``n_missing``, ``detractors``,
        ``passives``, ``promoters`` (and ``*_sq`` sums of squared weights
        when weighted; ``weight`` and ``weight_sq`` with ``row_weights``)
        and the row count, in no particular order; the caller sorts and
        totals it (:func:`nps_toolkit.summary.combine_counts`).

    Raises
    ------
    DataError
        As the pandas path: a missing column, answers, weights or dates that
        are refused (with ``column``, ``role``, ``values`` and ``positions``).

    Notes
    -----
    Each engine module has ``open(data, text_columns=...)`` giving a
    ``Source``: ``columns``, ``kind(name)``, ``type_name(name)``,
    ``count(spec)`` (the rows of every group, period and cell, with sums of
    weights and squared weights) and ``offenders(spec, cell, limit)`` (the
    first offending rows as (position, value)), ``date_orders(spec)``
    (whether some numeric text date has its first field above 12 and the
    second not, the reverse, or two different fields both at most 12: one
    aggregate pass) and ``date_evidence(spec, limit)`` (the keywords of
    :func:`nps_toolkit.dates.order_from_fields`: the first such values with
    their positions); and ``rows_equal``, ``rows_with_text``, ``to_pandas``
    taking a ``Source``.

    Examples
    --------
    >>> import duckdb
    >>> rel = duckdb.sql("SELECT * FROM (VALUES (10, 'a'), (3, 'a'), (NULL, 'b')) t(score, g)")
    >>> wide = count(rel, by=["g"])  # a row per group and cell seen, totalled here
    >>> wide.groupby("g")[["n_missing", "detractors", "promoters"]].sum()
       n_missing  detractors  promoters
    g
    a          0           1          1
    b          1           0          0
    """
    engine = engine_of(data)
    if engine is None:
        raise TypeError(f"data must be a pandas DataFrame, a path, a DuckDB relation, a Polars or a Spark "
                        f"DataFrame, got {type(data).__name__}")
    by = list(by)
    source = _module(engine).open(data, text_columns=[date] if date is not None else [])
    _check_columns(source.columns, {**ROLES, **(roles or {})}, score=score, date=date, by=by, weights=weights)
    if validate is not None:
        validate()
    scale = check_scale(scale)
    spec, checks = _plan(source, scale, score=score, by=by, weights=weights, date=date, pfreq=pfreq,
                         dayfirst=dayfirst)
    spec.row_weights = bool(row_weights)
    for cell, error in checks:  # a static error not preceded by a check that needs the data: raise at once
        if cell is not None:
            break
        if error is not None:
            raise error
    long = source.count(spec)
    ordinals = None
    if date is not None:
        ordinals = period_ordinals(long[PERIOD], pfreq, spec.period_unit) if len(long) else np.empty(0)
    _raise_found(source, spec, scale, checks, long, ordinals)
    return _wide(long, spec, ordinals, period_key)


def _check_columns(columns, roles: dict, *, score, date, by, weights) -> None:
    """Every named column is in the data, checked in pandas' order: score, date, by, weights."""
    check_names(columns, [score], roles["score"])
    if date is not None:
        check_names(columns, [date], roles["date"])
    check_names(columns, by, roles["by"])
    if weights is not None:
        check_names(columns, [weights], roles["weights"])


def _plan(source, scale, *, score, by, weights, date, pfreq, dayfirst) -> tuple:
    """The :class:`Spec` to count and the checks to make, in the order pandas makes them (dates, scores, weights).

    A check is ``(cell, None)``: offending rows fall in ``cell``, known only
    once counted; or ``(None, error)``: refused from the column's type alone.
    """
    spec = Spec(score=score, score_kind="none", low=scale.minimum, high=scale.maximum,
                detractor_max=scale.detractors[-1], promoter_min=scale.promoters[0], by=by,
                by_kinds=[source.kind(c) for c in by], weights=weights)
    checks = []
    if date is not None:
        checks += _plan_dates(source, spec, date, pfreq, dayfirst)
    kind = source.kind(score)
    if kind in ("int", "float", "text", "bool", "category"):
        spec.score_kind = "text" if kind == "category" else kind
        checks.append((BAD_SCORE, None))
    else:
        checks.append((None, score_error(score, "dtype", source.type_name(score))))
    if weights is not None:
        checks += _plan_weights(source, spec)
    return spec, checks


def _plan_dates(source, spec: Spec, date, pfreq, dayfirst) -> list:
    """Fill in the date and period of ``spec`` (deciding the order of day and month of text dates); its checks."""
    kind = source.kind(date)
    spec.date = date
    spec.date_kind = {"category": "text"}.get(kind, kind if kind in ("date", "datetime", "datetime_tz",
                                                                       "text") else "bad")
    spec.period_unit, spec.period_step, spec.period_anchor = period_spec(pfreq)
    order_from_fields(str(date), dayfirst=dayfirst)  # a dayfirst that is not a bool is refused first
    if spec.date_kind == "text":  # the order of day and month, decided before counting (as pandas does)
        spec.dayfirst = _date_order(source, spec, dayfirst)
    return [(BAD_DATE, None)] if spec.date_kind in ("text", "bad") else []


def _plan_weights(source, spec: Spec) -> list:
    """Fill in the kind of weights of ``spec``; its checks (a column of booleans or dates is refused at once)."""
    weights = spec.weights
    kind = source.kind(weights)
    if kind in ("int", "float"):
        spec.weights_kind = kind
        return [(WEIGHT_VALUE, None)]
    if kind in ("text", "category"):
        spec.weights_kind = "text"
        return [(WEIGHT_TYPE, None), (WEIGHT_VALUE, None)]
    if kind == "bool":
        return [(None, weights_error(weights, "booleans"))]
    return [(None, weights_error(weights, "dtype", source.type_name(weights)))]


def _raise_found(source, spec: Spec, scale, checks, long: pd.DataFrame, ordinals) -> None:
    """Raise the first error the count found, in the order of ``checks`` (as pandas: dates, no dates at all, ...)."""
    cells = long[CELL].to_numpy(np.int64)
    n = long[N].to_numpy(np.int64)
    totals = {int(c): int(n[cells == c].sum()) for c in np.unique(cells)}
    dates_checked = spec.date is None
    for cell, error in checks:
        if cell != BAD_DATE and not dates_checked:  # as pandas: unreadable dates, then no dates at all
            dates_checked = True
            if not (~np.isnan(ordinals)).any():
                raise no_dates_error(spec.date)
        if error is not None:
            raise error
        if totals.get(cell):
            _raise_offenders(source, spec, cell, totals[cell], scale)


def _raise_offenders(source, spec: Spec, cell: int, total: int, scale):
    """Fetch the first offending rows of ``cell`` and raise the error of the pandas path, with them as attributes."""
    rows = source.offenders(spec, cell, LIMIT)
    positions = [int(p) for p, _ in rows]
    values = [_plain(v) for _, v in rows]
    if cell == BAD_SCORE and spec.score_kind in ("int", "float"):
        values = [float(v) for v in values]
    shown = describe(values, positions, total)
    where = dict(values=values, positions=positions, total=total)
    if cell == BAD_DATE:
        raise date_error(str(spec.date), shown, **where)
    if cell == BAD_SCORE:
        kind = {"bool": "booleans", "text": "text"}.get(spec.score_kind, "range")
        raise score_error(spec.score, kind, shown, scale=scale, **where)
    raise weights_error(spec.weights, "text" if cell == WEIGHT_TYPE else "range", shown, **where)


def _wide(long: pd.DataFrame, spec: Spec, ordinals, period_key) -> pd.DataFrame:
    """The wide count table of the long one: by columns (and period), n_missing, the categories, the row count."""
    cells = long[CELL].to_numpy(np.int64)
    n = long[N].to_numpy(np.int64)
    # built as one dict of columns: a column at a time costs more than the count itself on small tables
    wide = {name: long[name].reset_index(drop=True) for name in spec.by}
    if spec.date is not None:
        wide[period_key] = ordinals
    wide["n_missing"] = np.where(cells == MISSING, n, 0).astype(np.int64)
    if spec.weights is None:
        w = w2 = n.astype(float)
        for i, name in enumerate(_CATS):
            wide[name] = np.where(cells == i, n, 0).astype(np.int64)
    else:
        w = np.nan_to_num(pd.to_numeric(long[W], errors="coerce").to_numpy(float))
        w2 = np.nan_to_num(pd.to_numeric(long[W2], errors="coerce").to_numpy(float))
        for i, name in enumerate(_CATS):
            wide[name] = np.where(cells == i, w, 0.0)
        for i, name in enumerate(_CATS):
            wide[name + "_sq"] = np.where(cells == i, w2, 0.0)
    if spec.row_weights:  # every row's weight, answered or not (checked by the engine: no offending cell is left)
        wide["weight"], wide["weight_sq"] = w, w2
    wide[ROWS] = n
    return pd.DataFrame(wide, index=pd.RangeIndex(len(long)))


# -- rows: what the studies need besides counts ---------------------------------------------------------------------
def _checked(data, columns, role: str):
    """The engine module of ``data`` and its opened source, once the ``columns`` are known to be there."""
    engine = engine_of(data)
    if engine is None:
        raise TypeError(f"data must be a path, a DuckDB relation, a Polars or a Spark DataFrame, "
                        f"got {type(data).__name__}")
    module = _module(engine)
    source = module.open(data)
    check_names(source.columns, list(columns), role)
    return module, source


def rows_equal(data, column, value, *, role: str = "column"):
    """The rows of ``data`` whose ``column``, read as text, is ``value``, left where they are.

    A path becomes a DuckDB relation; a Polars or Spark frame stays one. As
    pandas' ``data[data[column].astype("string") == value]``, without
    reading the rows.

    Examples
    --------
    >>> import duckdb
    >>> from nps_toolkit import counts
    >>> rel = duckdb.sql("SELECT * FROM (VALUES (10, 'Aurora'), (3, 'Borealis'), (9, 'Aurora')) t(score, brand)")
    >>> counts(rows_equal(rel, "brand", "Aurora")).nps
    100.0
    """
    module, source = _checked(data, [column], role)
    return module.rows_equal(source, column, value)


def rows_with_text(data, column, *, present: bool = True, role: str = "comments column"):
    """The rows whose ``column`` holds text other than blanks (``present=False``: the rest), left where they are.

    Examples
    --------
    >>> import duckdb
    >>> rel = duckdb.sql("SELECT * FROM (VALUES (10, 'Fast'), (3, '  '), (9, NULL)) t(score, comment)")
    >>> to_pandas(rows_with_text(rel, "comment"), ["score"])["score"].tolist()
    [10]
    >>> sorted(to_pandas(rows_with_text(rel, "comment", present=False), ["score"])["score"])
    [3, 9]
    """
    module, source = _checked(data, [column], role)
    return module.rows_with_text(source, column, present)


def to_pandas(data, columns, *, role: str = "column") -> pd.DataFrame:
    """The ``columns`` of every row of ``data`` as a pandas DataFrame (call it on few rows).

    Examples
    --------
    >>> import polars as pl
    >>> to_pandas(pl.DataFrame({"score": [10, 3], "brand": ["a", "b"]}), ["brand"])
      brand
    0     a
    1     b
    """
    module, source = _checked(data, columns, role)
    return module.to_pandas(source, list(columns))


def columns(data) -> list:
    """The column names of a table an engine counts (read from its schema, not its rows).

    Examples
    --------
    >>> import duckdb
    >>> columns(duckdb.sql("SELECT 10 AS score, 'a' AS brand"))
    ['score', 'brand']
    """
    engine = engine_of(data)
    if engine is None:
        raise TypeError(f"data must be a path, a DuckDB relation, a Polars or a Spark DataFrame, "
                        f"got {type(data).__name__}")
    return list(_module(engine).open(data).columns)
