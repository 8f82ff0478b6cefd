"""Counting with DuckDB: Parquet and CSV files (streaming, in an embedded database) and DuckDB relations.

Files are read by an in-memory DuckDB connection of the toolkit's own: a
path, a glob (``"answers/*.parquet"``, ``"waves/**/*.csv"``) or a folder of
Parquet files (partition folders such as ``wave=3/`` become columns). The
files are read in the sorted order of their names; a date column of a CSV
file is read as text and parsed as the pandas path does (text dates are
matched against the patterns of :mod:`nps_toolkit.dates`; RE2 has no
back-references, so the repeated separator is a group of its own, compared
in SQL). A relation
(:class:`duckdb.DuckDBPyRelation`, e.g. ``con.table("answers")`` or
``con.sql("SELECT ...")``) is counted on its own connection.

One aggregate query counts, per group (and period), the rows of every cell
(missing, detractor, passive, promoter and the offending ones); only when a
cell of offending rows is not empty does a second query fetch its first five
rows with their row numbers (``row_number() OVER ()``, single-threaded on
the toolkit's own connection, so that files are numbered in file order).

This module imports ``duckdb`` only when it is used.
"""

from __future__ import annotations

import glob
import os

import numpy as np
import pandas as pd

from . import (BAD_DATE, BAD_SCORE, BLANK_DATES, BLANK_SCORES, CELL, DETRACTOR, ISO_DATE, ISO_GROUPS, MISSING, N,
               NUMERIC_DATE, NUMERIC_GROUPS, OFFSET, PASSIVE, PERIOD, PROMOTER, W, W2, WEIGHT_TYPE, WEIGHT_VALUE,
               EngineReadError, Spec, require, without_backreference)

__all__ = ["open", "Source", "kind_of"]

_PARQUET = (".parquet", ".pq", ".parq")
_CSV = (".csv", ".tsv", ".txt", ".csv.gz", ".tsv.gz", ".txt.gz")
_INTS = {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT",
         "UHUGEINT"}
_DATETIMES = {"TIMESTAMP", "TIMESTAMP_S", "TIMESTAMP_MS", "TIMESTAMP_NS"}
_WHITESPACE = "' ' || chr(9) || chr(10) || chr(11) || chr(12) || chr(13)"
#: The date patterns of nps_toolkit.dates for RE2 (no back-references: the separator is a second group).
_ISO, _ISO_GROUPS = without_backreference(ISO_DATE, ISO_GROUPS)
_NUMERIC, _NUMERIC_GROUPS = without_backreference(NUMERIC_DATE, NUMERIC_GROUPS)


def _duckdb():
    return require("duckdb", "scale", "counting files and DuckDB relations")


def kind_of(type_name: str) -> str:
    """The engine-neutral kind of a DuckDB type.

    Examples
    --------
    >>> kind_of("BIGINT"), kind_of("DECIMAL(18,3)"), kind_of("VARCHAR"), kind_of("TIMESTAMP WITH TIME ZONE")
    ('int', 'float', 'text', 'datetime_tz')
    """
    name = type_name.upper()
    if name in _INTS:
        return "int"
    if name in ("FLOAT", "DOUBLE", "REAL") or name.startswith("DECIMAL"):
        return "float"
    if name == "VARCHAR" or name.startswith("VARCHAR("):
        return "text"
    if name == "BOOLEAN":
        return "bool"
    if name == "DATE":
        return "date"
    if name in _DATETIMES:
        return "datetime"
    if name in ("TIMESTAMP WITH TIME ZONE", "TIMESTAMPTZ"):
        return "datetime_tz"
    if name.startswith("ENUM"):
        return "category"
    return "other"


def q(name) -> str:
    """A quoted SQL identifier."""
    return '"' + str(name).replace('"', '""') + '"'


def lit(text: str) -> str:
    """A quoted SQL string literal."""
    return "'" + str(text).replace("'", "''") + "'"


def list_files(path: str) -> list[str]:
    """The files of a path, glob or folder, in sorted order (FileNotFoundError when there are none)."""
    if "://" in path:  # a remote address: DuckDB resolves it
        return [path]
    if os.path.isdir(path):
        found = sorted(glob.glob(os.path.join(path, "**", "*"), recursive=True))
        found = [f for f in found if os.path.isfile(f) and f.lower().endswith(_PARQUET)] or \
            [f for f in found if os.path.isfile(f) and f.lower().endswith(_CSV)]
        if not found:
            raise FileNotFoundError(f"folder {path!r} holds no Parquet or CSV file")
        return found
    if glob.has_magic(path):
        found = sorted(f for f in glob.glob(path, recursive=True) if os.path.isfile(f))
        if not found:
            raise FileNotFoundError(f"no file matches {path!r}")
        return found
    if not os.path.isfile(path):
        raise FileNotFoundError(f"no such file: {path!r}")
    return [path]


def _format(files: list[str], path: str) -> str:
    kinds = {"parquet" if f.lower().endswith(_PARQUET) else "csv" if f.lower().endswith(_CSV) else None
             for f in files}
    if kinds == {"parquet"} or kinds == {"csv"}:
        return kinds.pop()
    if None in kinds:
        raise ValueError(f"{path!r}: files must be Parquet ({', '.join(_PARQUET)}) or CSV "
                         f"({', '.join(_CSV)}); for other exports use nt.read_responses()")
    raise ValueError(f"{path!r} mixes Parquet and CSV files; count each kind separately")


def _timezone(files: list[str], column) -> str | None:
    """Time zone of a timezone-aware Parquet column, from the file's Arrow schema (None if not known)."""
    try:
        import pyarrow.parquet as pq

        field = pq.read_schema(files[0]).field(column)
        return getattr(field.type, "tz", None)
    except Exception:  # noqa: BLE001 - no schema, no such column, remote file: not known
        return None


class Source:
    """A DuckDB relation to count, with the column kinds (see :mod:`nps_toolkit.engines`).

    It implements the engine interface described in the notes of
    :func:`nps_toolkit.engines.count`.

    Examples
    --------
    >>> import duckdb
    >>> source = open(duckdb.sql("SELECT 10 AS score, 3.5::DOUBLE AS w"))
    >>> source.columns, source.kind("score"), source.kind("w")
    (['score', 'w'], 'int', 'float')
    """

    def __init__(self, relation, *, scan=None, files=None, fmt=None):
        self.relation = relation
        self.scan = scan  # files: the table function reading them (numbered again on one thread for positions)
        self.files = files or []
        self.fmt = fmt
        self.columns = list(relation.columns)
        self.types = {c: str(t) for c, t in zip(relation.columns, relation.types)}

    def kind(self, name) -> str:
        return kind_of(self.types[name])

    def type_name(self, name) -> str:
        return self.types[name]

    # -- SQL pieces ------------------------------------------------------------------------------------------------
    def _date_sql(self, spec: Spec) -> tuple[str, str]:
        """(date expression, offending-date condition) for the base query."""
        col = q(spec.date)
        if spec.date_kind == "date":
            return col, "FALSE"
        if spec.date_kind == "datetime":
            return f"CAST({col} AS DATE)", "FALSE"
        if spec.date_kind == "datetime_tz":
            tz = _timezone(self.files, spec.date) if self.fmt == "parquet" else None
            if tz:
                return f"CAST(timezone({lit(tz)}, {col}) AS DATE)", "FALSE"
            return f"CAST(CAST({col} AS TIMESTAMP) AS DATE)", "FALSE"
        if spec.date_kind == "bad":
            return "CAST(NULL AS DATE)", f"{col} IS NOT NULL"
        return "__nps_dd", "(NOT __nps_blank AND __nps_dd IS NULL)"  # text: parsed in _rows

    def _rows(self, spec: Spec, *, positions=False, parse=True) -> str:
        """The rows of __nps_src (numbered from 0 as __nps_pos), with the fields of text dates and their date.

        A text date is stripped (``__nps_dt``) and matched against the
        patterns of :mod:`nps_toolkit.dates` (``__nps_iso``, ``__nps_num``:
        structs of the groups, NULL where there is no match). With ``parse``
        it is read in the order ``spec.dayfirst`` (``__nps_dd``, NULL where
        blank or unreadable; ``__nps_blank``); without, only the two fields
        of numeric dates are taken (for :meth:`date_orders`).
        """
        numbered = ["row_number() OVER () - 1 AS __nps_pos"] if positions else []
        if spec.date_kind != "text":
            return f"(SELECT *, {numbered[0]} FROM __nps_src)" if positions else "__nps_src"
        needed = [q(c) for c in dict.fromkeys([*spec.by, spec.score, spec.date]
                                               + ([spec.weights] if spec.weights is not None else []))]
        text = f"trim(CAST({q(spec.date)} AS VARCHAR), {_WHITESPACE}) AS __nps_dt"
        rows = f"(SELECT {', '.join(needed + numbered + [text])} FROM __nps_src) AS __nps_text"
        if not parse:
            fields = _extract("__nps_dt", _NUMERIC, _NUMERIC_GROUPS[:_NUMERIC_GROUPS.index("sep_again") + 1])
            return f"(SELECT *, {fields} AS __nps_num FROM {rows}) AS __nps_fields"
        rows = f"(SELECT *, regexp_replace(__nps_dt, {lit(OFFSET)}, '\\1') AS __nps_local FROM {rows}) AS __nps_local"
        fields = (f"{_extract('__nps_local', _ISO, _ISO_GROUPS)} AS __nps_iso, "
                  f"{_extract('__nps_dt', _NUMERIC, _NUMERIC_GROUPS)} AS __nps_num")
        rows = f"(SELECT *, {fields} FROM {rows}) AS __nps_fields"
        iso, num = "__nps_iso", "__nps_num"
        first, second = _int(f"{num}.first"), _int(f"{num}.second")
        day, month = (second, first) if spec.dayfirst is False else (first, second)
        blank = f"(__nps_dt IS NULL OR lower(__nps_dt) IN ({', '.join(lit(b) for b in BLANK_DATES)}))"
        iso_date = _checked_date(iso, _int(f"{iso}.year"), _int(f"{iso}.month"), _int(f"{iso}.day"))
        num_date = _checked_date(num, _int(f"{num}.year"), month, day, half=True)
        date = (f"CASE WHEN {blank} THEN NULL WHEN {_matched(iso)} THEN {iso_date} "
                f"WHEN {_matched(num)} THEN {num_date} END")
        return f"(SELECT *, {date} AS __nps_dd, {blank} AS __nps_blank FROM {rows}) AS __nps_dates"

    def _base(self, spec: Spec, *, positions=False, shown=None) -> str:
        cols = []
        if positions:
            cols.append("__nps_pos")
        for name, kind in zip(spec.by, spec.by_kinds):
            if self.types[name].upper() in ("FLOAT", "DOUBLE", "REAL"):  # NaN is the missing group, as in pandas
                cols.append(f"CASE WHEN isnan({q(name)}) THEN NULL ELSE {q(name)} END AS {q(name)}")
            elif kind == "category":
                cols.append(f"CAST({q(name)} AS VARCHAR) AS {q(name)}")
            else:
                cols.append(q(name))
        cols.append(f"{q(spec.score)} AS __nps_s")
        if spec.weights is not None:
            cols.append(f"{q(spec.weights)} AS __nps_wv")
        if spec.date is not None:
            d, bad = self._date_sql(spec)
            cols += [f"{d} AS __nps_d", f"{bad} AS __nps_dbad"]
        if shown is not None:
            cols.append(f"{shown} AS __nps_shown")
        return f"SELECT {', '.join(cols)} FROM {self._rows(spec, positions=positions)}"

    @staticmethod
    def _cell(spec: Spec) -> str:
        """CASE expression of a row's cell, over the columns of the base query.

        With ``spec.row_weights`` the weights are checked before the
        missing answers (offending scores first, as pandas checks them).
        """
        parts = []
        if spec.date is not None:
            parts.append(f"WHEN __nps_dbad THEN {BAD_DATE}")
        kind, s = spec.score_kind, "__nps_s"
        if kind == "int":
            missing, bad = f"{s} IS NULL", f"{s} < {spec.low} OR {s} > {spec.high}"
        elif kind == "float":
            s = "CAST(__nps_s AS DOUBLE)"
            missing, bad = f"{s} IS NULL OR isnan({s})", f"{s} <> floor({s}) OR {s} < {spec.low} OR {s} > {spec.high}"
        elif kind == "text":
            text = f"lower(trim(CAST(__nps_s AS VARCHAR), {_WHITESPACE}))"
            missing, bad = f"__nps_s IS NULL OR {text} IN ({', '.join(lit(b) for b in BLANK_SCORES)})", "TRUE"
        elif kind == "bool":
            missing, bad = "__nps_s IS NULL", "TRUE"
        else:  # refused anyway: count every answer as missing
            missing, bad = "TRUE", "FALSE"
        if spec.row_weights:
            parts.append(f"WHEN NOT ({missing}) AND ({bad}) THEN {BAD_SCORE}")
        else:
            parts += [f"WHEN {missing} THEN {MISSING}", f"WHEN {bad} THEN {BAD_SCORE}"]
        if kind not in ("int", "float"):  # no answer reaches the categories: compare a number, not the column
            s = "0"
        if spec.weights_kind in ("int", "float"):
            w = "CAST(__nps_wv AS DOUBLE)"
            parts.append(f"WHEN {w} IS NULL OR isnan({w}) OR isinf({w}) OR {w} < 0 THEN {WEIGHT_VALUE}")
        elif spec.weights_kind == "text":
            parts += [f"WHEN __nps_wv IS NOT NULL THEN {WEIGHT_TYPE}", f"WHEN __nps_wv IS NULL THEN {WEIGHT_VALUE}"]
        if spec.row_weights:
            parts.append(f"WHEN {missing} THEN {MISSING}")
        parts += [f"WHEN {s} <= {spec.detractor_max} THEN {DETRACTOR}",
                  f"WHEN {s} < {spec.promoter_min} THEN {PASSIVE}", f"ELSE {PROMOTER}"]
        return "CASE " + " ".join(parts) + " END"

    @staticmethod
    def _period(spec: Spec) -> str:
        if spec.period_unit == "month":
            m = "(year(__nps_d) * 12 + month(__nps_d) - 1)"
            k, a = spec.period_step, spec.period_anchor
            return f"({m} - ((({m} - {a}) % {k}) + {k}) % {k})"
        d = "(__nps_d - DATE '1970-01-01')"
        dow = f"((({d} + 3) % 7) + 7) % 7"
        return f"({d} - ((({dow} - {spec.period_anchor}) % 7) + 7) % 7)"

    def _run(self, sql: str):
        with _reading(", ".join(self.files) if self.files else "the DuckDB relation"):
            return _arrow(self.relation.query("__nps_src", sql))

    # -- the two queries -------------------------------------------------------------------------------------------
    def count(self, spec: Spec) -> pd.DataFrame:
        """Rows per group, period and cell (and sums of weights and squared weights).

        Numeric answers are first counted per clamped whole value (the quick
        query, about as fast as ``GROUP BY segment, score``); only when that
        cannot tell every row's cell (a NaN, a value above the scale, a
        fraction, text weights, text dates) does the exact query run, which
        gives each row its cell with one CASE expression.
        """
        if spec.score_kind in ("int", "float") and spec.weights_kind in ("none", "int", "float") \
                and spec.date_kind not in ("text", "bad"):
            quick = self._quick(spec)
            if quick is not None:
                return quick
        keys = self._keys(spec)
        aggregates = [f"count(*) AS {N}"]
        if spec.weights_kind in ("int", "float"):
            aggregates += [f"sum(CAST(__nps_wv AS DOUBLE)) AS {W}",
                           f"sum(CAST(__nps_wv AS DOUBLE) * CAST(__nps_wv AS DOUBLE)) AS {W2}"]
        elif spec.weights is not None:
            aggregates += [f"CAST(NULL AS DOUBLE) AS {W}", f"CAST(NULL AS DOUBLE) AS {W2}"]
        select = ", ".join(keys + [f"{self._cell(spec)} AS {CELL}"] + aggregates)
        sql = f"SELECT {select} FROM ({self._base(spec)}) AS __nps_base GROUP BY ALL"
        return self._run(sql).to_pandas()

    def _keys(self, spec: Spec) -> list:
        keys = [q(c) for c in spec.by]
        if spec.date is not None:
            keys.append(f"{self._period(spec)} AS {PERIOD}")
        return keys

    def _quick(self, spec: Spec) -> pd.DataFrame | None:
        """Counts per clamped whole value, turned into cells; None when a row's cell is not certain."""
        s = "__nps_s" if spec.score_kind == "int" else "CAST(__nps_s AS DOUBLE)"
        whole = s if spec.score_kind == "int" else f"floor({s})"
        # out of the scale: low - 1 or high + 1; greatest() passes over NULL, so missing answers land on low - 1
        # too and are told apart by count(score)
        value = f"least(greatest({whole}, {spec.low - 1}), {spec.high + 1})"
        aggregates = [f"count(*) AS {N}", f"count({s}) AS __nps_present"]
        if spec.score_kind == "float":  # a whole value's group holds fractions when its largest answer is above it
            aggregates.append(f"max({s}) AS __nps_max")
        if spec.weights is not None:
            w = "CAST(__nps_wv AS DOUBLE)"
            aggregates += [f"sum({w}) AS {W}", f"sum({w} * {w}) AS {W2}",
                           f"count_if({w} IS NULL OR isnan({w}) OR isinf({w}) OR {w} < 0) AS __nps_wbad"]
        select = ", ".join(self._keys(spec) + [f"{value} AS __nps_v"] + aggregates)
        table = self._run(f"SELECT {select} FROM ({self._base(spec)}) AS __nps_base GROUP BY ALL").to_pandas()
        v = pd.to_numeric(table.pop("__nps_v"), errors="coerce").to_numpy(float)
        if spec.score_kind == "float":
            largest = pd.to_numeric(table.pop("__nps_max"), errors="coerce").to_numpy(float)
            # NaN lands with the values above the scale (DuckDB orders NaN last): not certain, nor are fractions
            inside = (v >= spec.low) & (v <= spec.high)
            if (v == spec.high + 1).any() or (largest[inside] != v[inside]).any():
                return None
        present = table.pop("__nps_present").to_numpy(np.int64)
        missing = table[N].to_numpy(np.int64) - present
        if missing.any():  # the missing answers, as rows of their own (value NaN)
            table = pd.concat([table.assign(**{N: present}), table[missing > 0].assign(**{N: missing[missing > 0]})],
                              ignore_index=True)
            v = np.concatenate([v, np.full(int((missing > 0).sum()), np.nan)])
            if spec.weights is not None and not spec.row_weights:  # the weights of missing answers are not looked at
                table.loc[len(present):, "__nps_wbad"] = 0
            table = table[table[N].to_numpy() > 0].reset_index(drop=True)
            v = v[np.r_[present > 0, np.ones(int((missing > 0).sum()), bool)]]
        n = table[N].to_numpy(np.int64)
        cell = np.select([np.isnan(v), (v < spec.low) | (v > spec.high), v <= spec.detractor_max,
                          v < spec.promoter_min], [MISSING, BAD_SCORE, DETRACTOR, PASSIVE], PROMOTER)
        table[CELL] = cell.astype(np.int64)
        if spec.weights is None:
            return table
        bad = table.pop("__nps_wbad").to_numpy(np.int64)
        # weights of answers only (of missing answers too with row_weights; their bucket then holds no answer, else
        # an offending score is refused first)
        bad = np.where((cell != BAD_SCORE) & ((cell != MISSING) | spec.row_weights), bad, 0)
        if not bad.any():
            return table
        offending = table[bad > 0].assign(**{CELL: WEIGHT_VALUE, N: bad[bad > 0]})
        table[N] = n - bad
        return pd.concat([table, offending], ignore_index=True)

    def offenders(self, spec: Spec, cell: int, limit: int) -> list:
        """(position, value) of the first ``limit`` rows in ``cell``, in row order."""
        if cell == BAD_DATE:
            shown = q(spec.date)
        elif cell == BAD_SCORE:
            shown = f"CAST({q(spec.score)} AS DOUBLE)" if spec.score_kind in ("int", "float") else q(spec.score)
        else:
            shown = q(spec.weights)
        sql = (f"SELECT __nps_pos, __nps_shown FROM (SELECT __nps_pos, __nps_shown, {self._cell(spec)} AS {CELL} "
               f"FROM ({self._base(spec, positions=True, shown=shown)}) AS __nps_base) AS __nps_cells "
               f"WHERE {CELL} = {cell} ORDER BY __nps_pos LIMIT {int(limit)}")
        rows = _arrow(self._numbered().query("__nps_src", sql)).to_pylist()
        return [(r["__nps_pos"], r["__nps_shown"]) for r in rows]

    def _numbered(self):
        """The relation to number rows on: for files, read again by one thread, one file after the other."""
        if self.scan is None:
            return self.relation
        con = _duckdb().connect()
        con.execute("SET threads = 1")
        return con.sql(f"SELECT * FROM {self.scan}")

    # -- the order of day and month of text dates (see nps_toolkit.engines) ------------------------------------------
    def date_orders(self, spec: Spec) -> tuple:
        """(first field above 12 seen, second field above 12 seen, an ambiguous date seen), in one aggregate pass."""
        first, second, numeric = _fields("__nps_num")
        # no WHERE: DuckDB would push it below the projection, taking the groups once more for each reference
        sql = (f"SELECT coalesce(bool_or({numeric} AND {first} > 12 AND {second} <= 12), FALSE) AS a, "
               f"coalesce(bool_or({numeric} AND {second} > 12 AND {first} <= 12), FALSE) AS b, "
               f"coalesce(bool_or({numeric} AND {first} <= 12 AND {second} <= 12 AND {first} <> {second}), FALSE) "
               f"AS c FROM {self._rows(spec, parse=False)}")
        row = self._run(sql).to_pylist()[0]
        return row["a"], row["b"], row["c"]

    def date_evidence(self, spec: Spec, limit: int) -> dict:
        """The keywords of order_from_fields: first values with a field above 12, the first ambiguous ones."""
        first, second, numeric = _fields("__nps_num")
        ambiguous = "a <= 12 AND b <= 12 AND a <> b"  # 03/03/2024 reads the same either way
        sql = (f"WITH __nps_e AS (SELECT CAST({q(spec.date)} AS VARCHAR) AS raw, __nps_pos AS p, __nps_dt AS t, "
               f"{first} AS a, {second} AS b FROM {self._rows(spec, positions=True, parse=False)} WHERE {numeric}), "
               f"__nps_f AS (SELECT min(p) AS p, any_value(t) AS t, any_value(a) AS a, any_value(b) AS b "
               f"FROM __nps_e GROUP BY raw) "
               f"SELECT arg_min(t, p) FILTER (WHERE a > 12 AND b <= 12) AS v1, "
               f"min(p) FILTER (WHERE a > 12 AND b <= 12) AS p1, "
               f"arg_min(t, p) FILTER (WHERE b > 12 AND a <= 12) AS v2, "
               f"min(p) FILTER (WHERE b > 12 AND a <= 12) AS p2, "
               f"(SELECT list(struct_pack(t := t, p := p) ORDER BY p) FROM (SELECT t, p FROM __nps_f "
               f"WHERE {ambiguous} ORDER BY p LIMIT {int(limit)})) AS examples FROM __nps_f")
        row = _arrow(self._numbered().query("__nps_src", sql)).to_pylist()[0]
        return {"first_over_12": None if row["p1"] is None else (row["v1"], row["p1"]),
                "second_over_12": None if row["p2"] is None else (row["v2"], row["p2"]),
                "examples": [(e["t"], e["p"]) for e in row["examples"] or []]}


def _names(groups) -> str:
    return "[" + ", ".join(lit(g) for g in groups) + "]"


def _int(field: str) -> str:
    """A group of a regexp_extract struct as an integer (NULL where the group is empty)."""
    return f"CAST(nullif({field}, '') AS INTEGER)"


def _extract(text: str, pattern: str, groups) -> str:
    """The groups of a match of the pattern as a struct, NULL where it does not match.

    The full match (without groups) is the quick test; the groups, slower
    to take, are taken only from the texts that match.
    """
    return (f"CASE WHEN regexp_full_match({text}, {lit(pattern)}) "
            f"THEN regexp_extract({text}, {lit(pattern)}, {_names(groups)}) END")


def _matched(struct: str) -> str:
    """The pattern matched, with the same separator twice (what the back-reference of the pattern says)."""
    return f"({struct}.sep = {struct}.sep_again)"


def _fields(struct: str) -> tuple:
    """(first field, second field, is a numeric date) of the numeric-date struct."""
    return _int(f"{struct}.first"), _int(f"{struct}.second"), _matched(struct)


def _checked_date(struct: str, year: str, month: str, day: str, *, half=False) -> str:
    """The date of the fields, NULL unless the date exists and the time is a time (as nps_toolkit.dates reads it)."""
    hour, minute, sec = (f"coalesce({_int(f'{struct}.{g}')}, 0)" for g in ("hour", "minute", "sec"))
    hours = f"CASE WHEN {struct}.half <> '' THEN {hour} BETWEEN 1 AND 12 ELSE {hour} < 24 END" if half \
        else f"{hour} < 24"
    leap = f"({year} % 4 = 0 AND ({year} % 100 <> 0 OR {year} % 400 = 0))"
    days = f"CASE WHEN {month} = 2 THEN CASE WHEN {leap} THEN 29 ELSE 28 END ELSE 30 + ({month} + {month} // 8) % 2 END"
    return (f"CASE WHEN {minute} < 60 AND {sec} < 60 AND {hours} AND {month} BETWEEN 1 AND 12 "
            f"AND {day} BETWEEN 1 AND {days} THEN make_date({year}, {month}, {day}) END")


class _reading:
    """Turn DuckDB's errors about unreadable input into :class:`EngineReadError` naming what was read."""

    def __init__(self, what: str):
        self.what = what

    def __enter__(self):
        return self

    def __exit__(self, kind, exc, tb):
        duckdb = _duckdb()
        if exc is not None and isinstance(exc, (duckdb.IOException, duckdb.InvalidInputException)):
            lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
            first = " ".join(lines[:2]) if lines else type(exc).__name__  # the error and what it found
            raise EngineReadError(f"DuckDB could not read {self.what}: {first} (CSV files must be UTF-8 with a "
                                  f"header row; other exports: nt.read_responses, or the template engine 'pandas')"
                                  ) from exc
        return False


def _arrow(relation):
    """The result of a relation as a pyarrow Table (DuckDB 1.1 to 2.x spell this differently)."""
    for name in ("to_arrow_table", "fetch_arrow_table", "arrow"):
        method = getattr(relation, name, None)
        if method is not None:
            result = method()
            return result.read_all() if hasattr(result, "read_all") else result
    raise AttributeError("this DuckDB version cannot return Arrow tables")  # pragma: no cover


def open(data, *, text_columns=()) -> Source:  # noqa: A001 - the engine interface's name
    """A :class:`Source` for a path, glob or folder (a connection of its own) or a DuckDB relation.

    Examples
    --------
    >>> import duckdb
    >>> source = open(duckdb.sql("SELECT 10 AS score, 'a' AS g"))
    >>> source.columns, source.kind("score"), source.kind("g")
    (['score', 'g'], 'int', 'text')
    """
    duckdb = _duckdb()
    if not isinstance(data, (str, os.PathLike)):
        if not isinstance(data, duckdb.DuckDBPyRelation):
            raise TypeError(f"a DuckDB object to count must be a relation (e.g. con.table('answers') or "
                            f"con.sql('SELECT ...')), got {type(data).__name__}")
        return Source(data)
    path = os.fspath(data)
    files = list_files(path)
    fmt = _format(files, path)
    with _reading(path):
        return _open_files(path, files, fmt, text_columns)


def _open_files(path: str, files: list, fmt: str, text_columns) -> Source:
    listed = "[" + ", ".join(lit(f) for f in files) + "]"
    union = ", union_by_name = true" if len(files) > 1 else ""
    if fmt == "parquet":
        scan = f"read_parquet({listed}{union})"
    else:
        scan = f"read_csv({listed}{union})"
        columns = _shared().cursor().sql(f"SELECT * FROM {scan}").columns
        text = [c for c in text_columns if c in columns]
        if text:  # dates as written, parsed like the pandas path does (not by DuckDB's own sniffer)
            types = "{" + ", ".join(f"{lit(c)}: 'VARCHAR'" for c in text) + "}"
            scan = f"read_csv({listed}{union}, types = {types})"
    return Source(_shared().cursor().sql(f"SELECT * FROM {scan}"), scan=scan, files=files, fmt=fmt)


_DATABASE = None


def _shared():
    """The toolkit's own in-memory DuckDB database for reading files (each call counts on a cursor of it)."""
    global _DATABASE
    if _DATABASE is None:
        _DATABASE = _duckdb().connect()
    return _DATABASE


# -- rows (for the studies: our brand's answers, the commented answers) ------------------------------------------------
def rows_equal(source: Source, column, value):
    """The rows whose ``column``, read as text, is ``value``: a DuckDB relation, still not read."""
    return source.relation.filter(f"CAST({q(column)} AS VARCHAR) = {lit(str(value))}")


def rows_with_text(source: Source, column, present: bool = True):
    """The rows whose ``column`` holds text other than blanks (``present=False``: the other rows)."""
    if source.kind(column) not in ("text", "category"):  # no text at all: no row is commented
        return source.relation.filter("TRUE" if not present else "FALSE")
    col = q(column)
    condition = f"({col} IS NOT NULL AND trim(CAST({col} AS VARCHAR), {_WHITESPACE}) <> '')"
    return source.relation.filter(condition if present else f"NOT {condition}")


def to_pandas(source: Source, columns) -> pd.DataFrame:
    """The ``columns`` of every row as a pandas DataFrame (for results already made small)."""
    return _arrow(source.relation.select(", ".join(q(c) for c in columns))).to_pandas()
