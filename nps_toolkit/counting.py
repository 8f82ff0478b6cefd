"""Counting: the one layer that reduces answers to counts, wherever the answers live.

Counts are the sufficient statistic: every estimate, interval and test in the
toolkit works from an :class:`NPSCounts` (promoters, passives, detractors, or
weighted sums of them) or from a count table (one row of counts per group).
Raw answers are reduced to counts here and nowhere else.

This module is also the single place that knows *where* data lives: a pandas
DataFrame is counted here with NumPy; a path, a DuckDB relation, a Polars or
a Spark DataFrame is counted by its engine (:mod:`nps_toolkit.engines`, which
no other module imports), and only the counts come back. The layers above
(statistics, tidy tables, plots, studies) ask this module, never an engine.

==========================  ==========================================================================
function                    gives
==========================  ==========================================================================
:func:`counts`              one :class:`NPSCounts` of answers (or of a table counted where it lives)
:func:`count_groups`        the count table per group, sorted as ``groupby`` sorts
:func:`count_periods`       the count table per group and calendar period, every period of the range
:func:`count_values`        answers (or weights) per value of the scale, for the distribution chart
:func:`count_design`        sums of weights (and squared weights) per stratum, PSU and group: what a
                            design-based variance needs (:mod:`nps_toolkit.design`)
:func:`split_commented`     the commented rows as pandas and the counts of the rest
:func:`engine_of`           which engine counts ``data`` (None for pandas)
==========================  ==========================================================================
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import engines  # the one import of the engines in the package (see docs/architecture.md)
from ._docstrings import shared_docs
from ._validation import as_column_list, check_columns, check_weights, positional_options
from .dates import no_dates_error, parse_dates
from .scale import as_scores, check_scale, score_codes

__all__ = ["NPSCounts", "counts", "nps", "kish_n", "linearised_se", "counts_of_table", "count_groups", "count_rows",
           "combine_counts", "counts_of_codes", "count_periods", "PeriodCounts", "count_values", "split_commented", "engine_of",
           "check_data_columns", "check_group_columns", "rows_equal", "rows_with_text", "to_pandas", "columns",
           "EngineReadError", "require", "list_files", "SUMMARY_COLUMNS", "ROWS", "count_design", "column_values"]

#: Columns of a summary table after the ``by`` columns (the names a ``by`` column may not take).
SUMMARY_COLUMNS = ["n", "n_missing", "promoters", "passives", "detractors", "promoter_share", "passive_share",
                   "detractor_share", "nps", "ci_low", "ci_high"]

#: Column of the wide count table holding the number of rows of each group (not a statistic).
ROWS = engines.ROWS

_CATS = ("detractors", "passives", "promoters")

EngineReadError = engines.EngineReadError
require = engines.require
rows_with_text = engines.rows_with_text
to_pandas = engines.to_pandas


def engine_of(data) -> str | None:
    """The engine that counts ``data``: ``"duckdb"``, ``"polars"``, ``"spark"``, or None for pandas.

    A path is counted by DuckDB; other objects are told by the module of
    their type, without importing any optional package.

    Examples
    --------
    >>> import pandas as pd
    >>> engine_of("answers/*.parquet"), engine_of(pd.DataFrame({"score": [10]}))
    ('duckdb', None)
    """
    return engines.engine_of(data)


def rows_equal(data, column, value, *, role: str = "column"):
    """The rows whose ``column``, read as text, is ``value``: a pandas frame, or left where they live.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"score": [10, 3, 9], "brand": ["Aurora", "Borealis", "Aurora"]})
    >>> rows_equal(df, "brand", "Aurora")["score"].tolist()
    [10, 9]
    """
    if engine_of(data) is not None:
        return engines.rows_equal(data, column, value, role=role)
    check_columns(data, [column], role=role)
    return data[data[column].astype("string") == value]


def columns(data) -> list:
    """The column names of ``data`` (for a table an engine counts, read from its schema, not its rows).

    Examples
    --------
    >>> import pandas as pd
    >>> columns(pd.DataFrame({"score": [10], "brand": ["a"]}))
    ['score', 'brand']
    """
    if engine_of(data) is not None:
        return engines.columns(data)
    return list(data.columns)


def list_files(path) -> list:
    """The files DuckDB would count for ``path`` (a file, a glob or a folder of Parquet files), sorted.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> for name in ("b.parquet", "a.parquet"):
    ...     _ = (folder / name).write_bytes(b"")
    >>> [pathlib.Path(f).name for f in list_files(str(folder / "*.parquet"))]
    ['a.parquet', 'b.parquet']
    """
    from .engines.duckdb import list_files as listed

    return listed(path)


def check_data_columns(data, *, role_of=None, **named) -> None:
    """Check that a pandas ``data`` holds the named columns (``score="q1", by=["brand"]``), in the order given.

    Data an engine counts is checked where it lives, when it is counted, so
    this does nothing for it. ``role_of`` renames roles in the messages
    (``{"by": "group column"}``).

    Examples
    --------
    >>> import pandas as pd
    >>> check_data_columns(pd.DataFrame({"q1": [10]}), score="q1", by=["brand"])
    Traceback (most recent call last):
    ...
    nps_toolkit.ColumnNotFoundError: "by column 'brand' is not in the data; available columns: 'q1'"
    """
    if engine_of(data) is not None:
        return
    roles = {**engines.ROLES, **(role_of or {})}
    for key, names in named.items():
        if names is None:
            continue
        check_columns(data, as_column_list(names), role=roles.get(key, f"{key} column"))


def _check_count(value, name: str, whole: bool) -> float | int:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number, got {value!r}")
    v = float(value)
    if not math.isfinite(v) or v < 0:
        raise ValueError(f"{name} must be a finite, non-negative count, got {value!r}")
    if whole:
        if not v.is_integer():
            raise ValueError(f"{name} must be a whole number (use weights_sq=... for weighted sums), got {value!r}")
        return int(v)
    return v


@dataclass(frozen=True, kw_only=True)
class NPSCounts:
    """Counts of promoters, passives and detractors: the sufficient statistic.

    Build one from raw answers with :func:`counts`, or directly from counts.
    Unweighted counts must be whole numbers. Weighted counts are sums of
    weights per category and carry ``weights_sq``, the sums of squared
    weights per category (promoters, passives, detractors), which give the
    Kish effective sample size and the linearisation variance.

    Two counts add up: ``counts(a) + counts(b) == counts(a + b)``.

    See Also
    --------
    counts : Count raw answers into an NPSCounts.
    confint : Confidence interval of the NPS of counts.
    compare : Difference between the NPS of two sets of counts.

    Examples
    --------
    >>> c = NPSCounts(promoters=20, passives=50, detractors=30)
    >>> c.nps
    -10.0
    >>> (c + NPSCounts(promoters=10, passives=0, detractors=0)).n
    110
    """

    promoters: float
    passives: float
    detractors: float
    n_missing: int = 0
    weights_sq: tuple[float, float, float] | None = None

    def __post_init__(self):
        whole = self.weights_sq is None
        for name in ("promoters", "passives", "detractors"):
            object.__setattr__(self, name, _check_count(getattr(self, name), name, whole))
        object.__setattr__(self, "n_missing", _check_count(self.n_missing, "n_missing", True))
        if self.weights_sq is not None:
            if len(self.weights_sq) != 3:
                raise ValueError("weights_sq must hold three sums of squared weights: (promoters, passives, detractors)")
            object.__setattr__(self, "weights_sq", tuple(_check_count(v, "weights_sq", False) for v in self.weights_sq))

    # -- sizes -------------------------------------------------------------
    @property
    def weighted(self) -> bool:
        """True when the counts are sums of survey weights."""
        return self.weights_sq is not None

    @property
    def n(self):
        """Number of answers (sum of weights when weighted)."""
        return self.promoters + self.passives + self.detractors

    @property
    def n_effective(self) -> float:
        """Kish effective sample size, (sum w)^2 / sum w^2; equals n unweighted."""
        if not self.weighted:
            return float(self.n)
        return float(kish_n(self.n, sum(self.weights_sq)))

    # -- shares and NPS ----------------------------------------------------
    def _share(self, value) -> float:
        return value / self.n if self.n > 0 else math.nan

    @property
    def promoter_share(self) -> float:
        """Share of promoters, 0..1."""
        return self._share(self.promoters)

    @property
    def passive_share(self) -> float:
        """Share of passives, 0..1."""
        return self._share(self.passives)

    @property
    def detractor_share(self) -> float:
        """Share of detractors, 0..1."""
        return self._share(self.detractors)

    @property
    def shares(self) -> dict[str, float]:
        """The three shares, 0..1, as a dict."""
        return {"promoters": self.promoter_share, "passives": self.passive_share,
                "detractors": self.detractor_share}

    @property
    def nps(self) -> float:
        """Net Promoter Score, -100..100: % promoters minus % detractors (NaN when n = 0)."""
        if self.n == 0:
            return math.nan
        # clipped: with weighted (float) sums, rounding could otherwise give -100.00000000000001
        return min(100.0, max(-100.0, 100.0 * (self.promoters - self.detractors) / self.n))

    @property
    def variance(self) -> float:
        """Per-respondent variance of the +1/0/-1 score: p + d - (p - d)^2."""
        p, d = self.promoter_share, self.detractor_share
        return p + d - (p - d) ** 2

    @property
    def se(self) -> float:
        """Standard error of the NPS (-100..100 scale).

        Unweighted: ``100 * sqrt(variance / n)``. Weighted: the linearisation
        (ratio-estimator) standard error ``100 * sqrt(sum_c W2_c (y_c - m)^2) / W``
        where ``W2_c`` is the sum of squared weights of category ``c`` scored
        ``y_c`` (+1, 0, -1), ``m`` the weighted mean score and ``W`` the sum of weights.
        """
        if self.n == 0:
            return math.nan
        if not self.weighted:
            return 100.0 * math.sqrt(self.variance / self.n)
        return float(linearised_se(self.promoters, self.passives, self.detractors, *self.weights_sq))

    # -- algebra -----------------------------------------------------------
    def __add__(self, other):
        if not isinstance(other, NPSCounts):
            return NotImplemented
        if self.weighted or other.weighted:
            sq = tuple(a + b for a, b in zip(self._weights_sq_or_counts(), other._weights_sq_or_counts()))
        else:
            sq = None
        return NPSCounts(promoters=self.promoters + other.promoters, passives=self.passives + other.passives,
                         detractors=self.detractors + other.detractors, n_missing=self.n_missing + other.n_missing,
                         weights_sq=sq)

    def _weights_sq_or_counts(self) -> tuple[float, float, float]:
        if self.weighted:
            return self.weights_sq
        return (float(self.promoters), float(self.passives), float(self.detractors))

    def to_dict(self) -> dict:
        """Plain dict of counts, shares and NPS (for JSON)."""
        out = {"n": self.n, "n_missing": self.n_missing, "promoters": self.promoters, "passives": self.passives,
               "detractors": self.detractors, "promoter_share": self.promoter_share,
               "passive_share": self.passive_share, "detractor_share": self.detractor_share, "nps": self.nps}
        if self.weighted:
            out["n_effective"] = self.n_effective
        return out

    def _repr_html_(self) -> str:
        rows = "".join(f"<tr><th style='text-align:left'>{k}</th><td>{_fmt(v)}</td></tr>"
                       for k, v in self.to_dict().items())
        return f"<table><caption>NPSCounts</caption>{rows}</table>"


def kish_n(sum_w, sum_w2):
    """Kish effective sample size ``(sum w)^2 / sum w^2`` (0 where there is no weight).

    Works on numbers and arrays alike.

    Examples
    --------
    >>> float(kish_n(4.0, 4.0))   # four unit weights
    4.0
    >>> float(kish_n(6.0, 12.0))  # weights 1, 1, 1, 3: sum 6, sum of squares 12
    3.0
    """
    sum_w, sum_w2 = np.asarray(sum_w, dtype=float), np.asarray(sum_w2, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(sum_w2 > 0, sum_w ** 2 / np.where(sum_w2 > 0, sum_w2, 1.0), 0.0)


def linearised_se(promoters, passives, detractors, sq_promoters, sq_passives, sq_detractors):
    """Linearisation (ratio-estimator) standard error of a weighted NPS.

    ``100 * sqrt(sum_c W2_c (y_c - m)^2) / W``, where ``W2_c`` is the sum of
    squared weights of category ``c`` scored ``y_c`` (+1, 0, -1), ``m`` the
    weighted mean score and ``W`` the sum of weights. With unit weights it
    equals the unweighted (Wald) standard error. Works on arrays.

    Examples
    --------
    >>> round(float(linearised_se(3, 2, 1, 3, 2, 1)), 3)  # unit weights: R package test vector
    30.429
    """
    pro, pas, det = (np.asarray(v, dtype=float) for v in (promoters, passives, detractors))
    w = pro + pas + det
    with np.errstate(invalid="ignore", divide="ignore"):
        m = (pro - det) / w
        s = (np.asarray(sq_promoters) * (1 - m) ** 2 + np.asarray(sq_passives) * m ** 2
             + np.asarray(sq_detractors) * (1 + m) ** 2)
        return 100.0 * np.sqrt(s) / w


def _fmt(v) -> str:
    if isinstance(v, float):
        return "NaN" if math.isnan(v) else f"{v:.4g}"
    return str(v)


@shared_docs
@positional_options("weights")
def counts(scores, *, weights=None, scale=None, score="score") -> NPSCounts:
    """Count promoters, passives and detractors.

    Parameters
    ----------
    scores : array-like or Series
        Answers on the scale (0-10 by default). Missing answers (NaN, None,
        blank) are excluded and counted in ``n_missing``.
    weights : array-like, optional
        One non-negative, finite survey weight per answer. The counts are
        then weighted sums and carry the sums of squared weights (Kish
        effective sample size ``n_effective``).
    {{scale}}
    score : str
        When ``scores`` is a table counted where it lives (a path or glob of
        Parquet/CSV files, a DuckDB relation, a Polars or Spark DataFrame;
        see ``nps_toolkit.engines``): its column of answers. ``weights``
        is then the name of its weights column.

    Returns
    -------
    NPSCounts

    See Also
    --------
    NPSCounts : The counts returned, with shares, NPS and standard error.
    nps : The NPS alone.
    categorize : Each answer's category.
    summarize : Counts, NPS and interval per group, as a table.

    Examples
    --------
    >>> c = counts([10, 9, 7, 3, 0, None])
    >>> c.promoters, c.passives, c.detractors, c.n_missing
    (2, 1, 2, 1)
    >>> counts([10, 0], weights=[3, 1]).nps
    50.0
    >>> counts("answers/*.parquet", score="q1", weights="w")  # doctest: +SKIP
    NPSCounts(promoters=..., passives=..., detractors=..., n_missing=..., weights_sq=(...))
    """
    engine = engine_of(scores)
    if engine is not None:  # a table: counted by its engine, only the counts come back
        if weights is not None and not isinstance(weights, str):
            raise TypeError(f"weights of a table to count must be the name of its weights column, got "
                            f"{type(weights).__name__}")
        table = _count_groups(scores, engine, score=score, by=[], weights=weights, scale=scale, roles=None)
        return counts_of_table(table, weighted=weights is not None)
    series = as_scores(scores, "score")
    column = str(series.name) if series.name is not None else "score"
    codes = score_codes(series, scale=scale, column=column)
    if weights is None:
        return counts_of_codes(codes)
    name = weights.name if isinstance(weights, pd.Series) and weights.name is not None else "weights"
    return counts_of_codes(codes, weights=check_weights(weights, len(codes), mask=codes >= 0, column=str(name)))


def counts_of_codes(codes, *, weights=None) -> NPSCounts:
    """Counts of category codes already checked by :func:`nps_toolkit.scale.score_codes`.

    Codes are 0 (detractor), 1 (passive), 2 (promoter) and -1 (missing,
    counted in ``n_missing``); ``weights`` (checked, one per code) makes the
    counts weighted sums carrying the sums of squared weights.

    Examples
    --------
    >>> counts_of_codes([2, 2, 0, -1])
    NPSCounts(promoters=2, passives=0, detractors=1, n_missing=1, weights_sq=None)
    >>> counts_of_codes([2, 0], weights=[3.0, 1.0]).nps
    50.0
    """
    codes = np.asarray(codes, dtype=np.int64)
    present = codes >= 0
    n_missing = int((~present).sum())
    if weights is None:
        det, pas, pro = np.bincount(codes[present], minlength=3)
        return NPSCounts(promoters=int(pro), passives=int(pas), detractors=int(det), n_missing=n_missing)
    w = np.asarray(weights, dtype=float)[present]
    det, pas, pro = np.bincount(codes[present], weights=w, minlength=3)
    sq_det, sq_pas, sq_pro = np.bincount(codes[present], weights=w ** 2, minlength=3)
    return NPSCounts(promoters=float(pro), passives=float(pas), detractors=float(det), n_missing=n_missing,
                     weights_sq=(float(sq_pro), float(sq_pas), float(sq_det)))


def counts_of_table(table: pd.DataFrame, *, weighted: bool) -> NPSCounts:
    """The totals of a count table (``promoters``, ``passives``, ``detractors``, ``n_missing``, and when
    weighted the ``*_sq`` sums of squared weights, as :func:`nps_toolkit.count_groups` gives them) as one
    :class:`NPSCounts`.

    Examples
    --------
    >>> table = pd.DataFrame({"promoters": [3, 1], "passives": [1, 0], "detractors": [0, 2], "n_missing": [1, 0]})
    >>> counts_of_table(table, weighted=False)
    NPSCounts(promoters=4, passives=1, detractors=2, n_missing=1, weights_sq=None)
    """
    total = table[["promoters", "passives", "detractors", "n_missing"]].sum()
    if not weighted:
        return NPSCounts(promoters=int(total["promoters"]), passives=int(total["passives"]),
                         detractors=int(total["detractors"]), n_missing=int(total["n_missing"]))
    return NPSCounts(promoters=float(total["promoters"]), passives=float(total["passives"]),
                     detractors=float(total["detractors"]), n_missing=int(total["n_missing"]),
                     weights_sq=tuple(float(table[c + "_sq"].sum()) for c in ("promoters", "passives", "detractors")))


@positional_options("weights")
def nps(scores, *, weights=None, scale=None) -> float:
    """Net Promoter Score on the -100..100 scale.

    NPS = % promoters - % detractors, over the answers that are present
    (missing answers are excluded). NaN when there is no answer.

    See Also
    --------
    counts : The counts behind the score.
    confint : The NPS with its confidence interval.
    summarize : NPS per group, with counts and intervals.
    interpret : The interpretation band of an NPS, in words.

    Examples
    --------
    The worked example of the seed article: 20% promoters, 50% passives and
    30% detractors give 20 - 30 = -10.

    >>> nps([10] * 20 + [8] * 50 + [3] * 30)
    -10.0
    """
    return counts(scores, weights=weights, scale=scale).nps


# -- count tables ----------------------------------------------------------------------------------------------
def check_group_columns(by_cols, role="by column") -> None:
    """Refuse a ``by`` column named like a column of the count or summary table."""
    reserved = SUMMARY_COLUMNS + ["n_effective"] + [c + "_sq" for c in _CATS]
    clash = [c for c in by_cols if c in reserved]
    if clash:  # it would be overwritten by (or clash with) the table's own column of that name
        raise ValueError(f"{role} {clash[0]!r} has the name of a summary table column; rename it "
                         f"(reserved: {', '.join(repr(c) for c in reserved)})")


def count_groups(data, *, score="score", by=None, weights=None, scale=None, _roles=None) -> pd.DataFrame:
    """Count answers per group: the counting step of :func:`summarize`.

    The rows are reduced where they live (pandas, or the engine of
    ``data``: see :mod:`nps_toolkit.engines`) to one row per group, sorted
    like ``DataFrame.groupby(sort=True, dropna=False, observed=False)``.

    Parameters
    ----------
    data : DataFrame, path, DuckDB relation, Polars or Spark DataFrame
        One row per respondent. Not modified.
    score, by, weights, scale
        As in :func:`summarize`.

    Returns
    -------
    DataFrame
        ``by`` columns, ``n_missing``, ``detractors``, ``passives``,
        ``promoters`` (whole numbers). When weighted, the categories hold
        sums of weights, the table gains ``n`` (the number of answers, before
        ``n_missing``) and ``detractors_sq``, ``passives_sq``,
        ``promoters_sq`` (the sums of squared weights).
        :func:`summarize_counts` turns it into a summary.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"score": [10, 9, 3, 8, None, 0], "region": list("AABBBB")})
    >>> count_groups(df, by="region")
      region  n_missing  detractors  passives  promoters
    0      A          0           0         0          2
    1      B          1           2         1          0
    """
    return _count_groups(data, engine_of(data), score=score, by=as_column_list(by), weights=weights, scale=scale,
                         roles=_roles)


def _count_groups(data, engine, *, score, by, weights, scale, roles) -> pd.DataFrame:
    by_cols = by
    roles = {**engines.ROLES, **(roles or {})}
    if engine is not None:
        wide = engines.count(data, score=score, by=by_cols, weights=weights, scale=scale, roles=roles,
                             validate=lambda: check_group_columns(by_cols))
    else:
        check_data_columns(data, role_of=roles, score=score, by=by_cols, weights=weights)
        check_group_columns(by_cols)
        wide = count_rows(data[score], [(c, data[c]) for c in by_cols],
                          None if weights is None else data[weights], scale=scale, column=str(score),
                          weights_column=str(weights))
    return _answers_column(combine_counts(wide, by_cols), weighted=weights is not None).drop(columns=[ROWS])


def _answers_column(table: pd.DataFrame, *, weighted: bool) -> pd.DataFrame:
    """A weighted count table gains ``n``, the number of answers (its category columns are sums of weights)."""
    if weighted:
        table.insert(table.columns.get_loc("n_missing"), "n", (table[ROWS] - table["n_missing"]).astype(np.int64))
    return table


def _group_ids(keys, length: int):
    """Group number of every row (groups numbered in order of appearance) and the first row of each group."""
    if not keys:
        return np.zeros(length, dtype=np.int64), np.zeros(1 if length else 0, dtype=np.int64)
    gid = None
    for _, values in keys:
        codes, uniques = pd.factorize(values, use_na_sentinel=False)
        codes = codes.astype(np.int64, copy=False)
        if gid is None:
            gid, size = codes, len(uniques)
        else:  # combine with the groups so far; the product stays below rows x values, far from overflow
            gid, seen = pd.factorize(gid * len(uniques) + codes)
            gid, size = gid.astype(np.int64, copy=False), len(seen)
    first = np.empty(size, dtype=np.int64)
    first[gid[::-1]] = np.arange(length - 1, -1, -1, dtype=np.int64)  # the last write is the first row
    return gid, first


def count_rows(scores, keys, weights=None, *, scale=None, column="score", weights_column="weights") -> pd.DataFrame:
    """Count in-memory answers per group: the pandas engine (vectorised; no loop over rows or groups).

    ``keys`` is a list of ``(name, values)``, each ``values`` one per answer.
    Returns the wide count table (one row per group seen, in order of
    appearance, plus the row count); :func:`combine_counts` sorts it.
    """
    codes = score_codes(scores, scale=scale, column=column)
    present = codes >= 0
    keys = [(name, values if isinstance(values, pd.Series) else pd.Series(np.asarray(values)))
            for name, values in keys]
    gid, first = _group_ids(keys, len(codes))
    groups = len(first) if keys else 1
    cell = gid * 4 + (codes.astype(np.int64) + 1)  # 0 missing, 1 detractor, 2 passive, 3 promoter
    n = np.bincount(cell, minlength=groups * 4).reshape(groups, 4)
    table = {name: values.iloc[first].reset_index(drop=True) for name, values in keys}  # one frame at the end
    table["n_missing"] = n[:, 0].astype(np.int64)
    if weights is None:
        for i, name in enumerate(_CATS):
            table[name] = n[:, i + 1].astype(np.int64)
    else:
        w = check_weights(weights, len(codes), column=weights_column, mask=present)
        w = np.where(present, w, 0.0)
        sums = np.bincount(cell, weights=w, minlength=groups * 4).astype(float).reshape(groups, 4)
        squares = np.bincount(cell, weights=w * w, minlength=groups * 4).astype(float).reshape(groups, 4)
        for i, name in enumerate(_CATS):
            table[name] = sums[:, i + 1]
        for i, name in enumerate(_CATS):
            table[name + "_sq"] = squares[:, i + 1]
    table[ROWS] = n.sum(axis=1).astype(np.int64)
    return pd.DataFrame(table, index=pd.RangeIndex(groups))


def combine_counts(table: pd.DataFrame, by=None) -> pd.DataFrame:
    """Total a count table per group, sorted like ``groupby(sort=True, dropna=False, observed=False)``.

    The same pandas code for every engine, so that group order, missing
    groups (last) and unused categories follow pandas. Without ``by``, one
    row of totals (also when there is no row at all).

    Examples
    --------
    >>> import pandas as pd
    >>> parts = pd.DataFrame({"g": ["b", None, "a", "b"], "promoters": [1, 2, 3, 4]})
    >>> combine_counts(parts, by="g")
         g  promoters
    0    a          3
    1    b          5
    2  NaN          2
    """
    by_cols = as_column_list(by)
    if by_cols:
        return table.groupby(by_cols, observed=False, dropna=False, sort=True).sum().reset_index()
    return table.sum().to_frame().T.astype(table.dtypes.to_dict())


# -- periods ---------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PeriodCounts:
    """Counts per group and period (:func:`count_periods`).

    ``table`` has the ``by`` columns, ``key`` (an ordered categorical of the
    period labels, every period of the range for every group) and the count
    columns, sorted by group then period; ``labels`` and ``ordinals`` are the
    periods of the range (``str(pd.Period)`` and Period ordinals);
    ``n_undated`` counts the rows without a date.
    """

    table: pd.DataFrame
    labels: list
    ordinals: np.ndarray
    n_undated: int


def count_periods(data, *, score, date, pfreq, by=None, weights=None, scale=None, dayfirst=None,
                  key="period") -> PeriodCounts:
    """Count answers per group and calendar period in one pass, where the data lives.

    ``pfreq`` is a pandas Period frequency (``"Q-DEC"``;
    :func:`nps_toolkit.periods.period_freq` turns aliases into one). Dates
    are read by :func:`nps_toolkit.dates.parse_dates` (pandas) or bucketed by
    the engine with the same rule.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"score": [10, 3, 9], "date": ["2024-01-05", "2024-03-01", None]})
    >>> counted = count_periods(df, score="score", date="date", pfreq="M")
    >>> counted.labels, counted.n_undated
    (['2024-01', '2024-02', '2024-03'], 1)
    >>> counted.table[["period", "promoters", "detractors"]]
        period  promoters  detractors
    0  2024-01          1           0
    1  2024-02          0           0
    2  2024-03          0           1
    """
    by_cols = as_column_list(by)
    engine = engine_of(data)
    if engine is None:
        check_data_columns(data, score=score, date=date, by=by_cols, weights=weights)
        check_group_columns(by_cols)
        dates = parse_dates(data[date], column=str(date), dayfirst=dayfirst)
        dated = dates.notna().to_numpy()
        if not dated.any():
            raise no_dates_error(date)
        ordinals = np.full(len(data), np.nan)
        ordinals[dated] = pd.PeriodIndex(dates[dated], freq=pfreq).asi8
        wide = count_rows(data[score], [(c, data[c]) for c in by_cols] + [(key, ordinals)],
                          None if weights is None else data[weights], scale=scale, column=str(score),
                          weights_column=str(weights))
    else:  # the engine buckets the dates and returns the Period ordinal of each group
        wide = engines.count(data, score=score, by=by_cols, weights=weights, scale=scale, date=date, pfreq=pfreq,
                             period_key=key, validate=lambda: check_group_columns(by_cols), dayfirst=dayfirst)
    keyed = wide[key].notna().to_numpy()
    n_undated = int(wide.loc[~keyed, ROWS].sum())
    ordinals = wide.loc[keyed, key].to_numpy(np.int64)
    first, last = int(ordinals.min()), int(ordinals.max())
    span = pd.period_range(pd.Period(ordinal=first, freq=pfreq), pd.Period(ordinal=last, freq=pfreq), freq=pfreq)
    labels = [str(p) for p in span]
    codes = np.full(len(wide), -1, dtype=np.int64)
    codes[keyed] = ordinals - first
    wide[key] = pd.Categorical.from_codes(codes, categories=labels, ordered=True)
    counted = _answers_column(combine_counts(wide, by_cols + [key]), weighted=weights is not None)
    counted = counted.loc[counted[key].notna().to_numpy()].reset_index(drop=True).drop(columns=[ROWS])
    return PeriodCounts(counted, labels, np.asarray(span.asi8), n_undated)


# -- complex samples: sums per PSU ---------------------------------------------------------------------------------
def count_design(data, *, score="score", keys=(), weights=None, scale=None, row_weights=False, date=None,
                 pfreq=None, dayfirst=None, period_key="period") -> pd.DataFrame:
    """Sums of weights per combination of ``keys`` (strata, PSUs, raking cells, groups), where the data lives.

    The counting step of the design-based estimates (:func:`nps_toolkit.design.psu_counts`): one row per
    combination of the key values that occurs (and, with ``date``, per calendar period), with the number of
    rows, the rows without an answer, and per category the sum of the weights and of the squared weights.
    pandas is counted here; a path, DuckDB, Polars or Spark data by its engine, and only this table leaves it.

    Parameters
    ----------
    data : DataFrame, path, DuckDB relation, Polars or Spark DataFrame
        One row per respondent. Not modified.
    score : str
        Column of answers.
    keys : list of str
        Key columns; a missing key value is a key of its own (the caller refuses it where it must).
    weights : str, optional
        Column of weights; every row weighs 1 without.
    scale : NPSScale, optional
        A custom category scale.
    row_weights : bool
        Also check the weights of rows without an answer and sum every row's weight (``weight``,
        ``weight_sq``), as raking needs.
    date, pfreq, dayfirst : optional
        Add the key ``period_key``: the Period ordinal (``pfreq``, e.g. ``"Q-DEC"``) of each row's date
        (NaN without a date), dates read as :func:`count_periods` reads them.

    Returns
    -------
    DataFrame
        The keys (and ``period_key``), ``rows``, ``n_missing``, ``detractors``, ``passives``, ``promoters``
        (sums of weights), ``detractors_sq``, ``passives_sq``, ``promoters_sq`` (sums of squared weights)
        and, with ``row_weights``, ``weight`` and ``weight_sq`` (over every row). Sorted by the keys.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"score": [10, 3, None, 9], "store": [1, 1, 2, 2], "w": [1.0, 2.0, 1.0, 3.0]})
    >>> count_design(df, keys=["store"], weights="w", row_weights=True)[["store", "rows", "promoters", "weight"]]
       store  rows  promoters  weight
    0      1     2        1.0     3.0
    1      2     2        3.0     4.0
    """
    keys = list(keys)
    if engine_of(data) is not None:
        wide = engines.count(data, score=score, by=keys, weights=weights, scale=scale, date=date, pfreq=pfreq,
                             period_key=period_key, dayfirst=dayfirst, row_weights=row_weights)
        if weights is None:  # counts: the weights are 1s, so the squares are the counts
            for name in _CATS:
                wide[name] = wide[name].astype(float)
                wide[name + "_sq"] = wide[name]
    else:
        wide = _design_rows(data, score=score, keys=keys, weights=weights, scale=scale, row_weights=row_weights,
                            date=date, pfreq=pfreq, dayfirst=dayfirst, period_key=period_key)
    wide = wide.rename(columns={ROWS: "rows"})
    group_keys = keys + ([period_key] if date is not None else [])
    order = [*group_keys, "rows", "n_missing", *_CATS, *(c + "_sq" for c in _CATS),
             *(["weight", "weight_sq"] if row_weights else [])]
    if group_keys:
        table = wide[order].groupby(group_keys, sort=True, dropna=False, observed=True).sum().reset_index()
    else:
        table = wide[order].sum().to_frame().T
    table["rows"] = table["rows"].astype(np.int64)
    table["n_missing"] = table["n_missing"].astype(np.int64)
    return table[table["rows"] > 0].reset_index(drop=True) if len(table) else table


def _design_rows(data, *, score, keys, weights, scale, row_weights, date, pfreq, dayfirst, period_key):
    """The pandas path of :func:`count_design`: the wide table of every combination of keys seen."""
    check_data_columns(data, score=score, date=date, by=keys, weights=weights)
    codes = score_codes(data[score], scale=scale, column=str(score))
    present = codes >= 0
    size = len(codes)
    w = None
    if weights is not None:
        w = check_weights(data[weights], size, column=str(weights), mask=None if row_weights else present)
        if not row_weights:  # the weights of missing answers may be missing: they weigh nothing
            w = np.where(np.isfinite(w), w, 0.0)
    key_values = [(c, data[c]) for c in keys]
    if date is not None:
        dates = parse_dates(data[date], column=str(date), dayfirst=dayfirst)
        dated = dates.notna().to_numpy()
        if not dated.any():
            raise no_dates_error(date)
        ordinals = np.full(size, np.nan)
        ordinals[dated] = pd.PeriodIndex(dates[dated], freq=pfreq).asi8
        key_values.append((period_key, pd.Series(ordinals)))
    gid, groups, labels = _dense_groups(key_values, size)
    cell = gid * 4
    cell += codes  # in place: the codes are small integers
    cell += 1  # 0 missing, 1 detractor, 2 passive, 3 promoter
    n = np.bincount(cell, minlength=groups * 4).reshape(groups, 4)
    if w is None:  # every weight 1: the sums and the sums of squares are the counts
        sums = squares = n.astype(float)
    else:
        sums = np.bincount(cell, weights=w, minlength=groups * 4).reshape(groups, 4)
        squares = np.bincount(cell, weights=w * w, minlength=groups * 4).reshape(groups, 4)
    seen = np.flatnonzero(n.sum(axis=1) > 0) if key_values else np.arange(1)
    n, sums, squares = n[seen], sums[seen], squares[seen]
    groups = len(seen)
    table = labels(seen)
    table[ROWS] = n.sum(axis=1).astype(np.int64)
    table["n_missing"] = n[:, 0].astype(np.int64)
    for i, name in enumerate(_CATS):
        table[name] = sums[:, i + 1]
    for i, name in enumerate(_CATS):
        table[name + "_sq"] = squares[:, i + 1]
    if row_weights:
        table["weight"] = sums.sum(axis=1)
        table["weight_sq"] = squares.sum(axis=1)
    return pd.DataFrame(table, index=pd.RangeIndex(groups))


_DENSE_LIMIT = 1 << 22  # most combinations of key values used as group numbers directly (bincounts of 4x this)


def _key_codes(values: pd.Series):
    """Codes 0..k-1 of one key's values and the values they stand for (a missing value is a value of its own).

    Categoricals give their codes, small ranges of integers their offsets; anything else is hashed."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        codes = values.cat.codes.to_numpy().astype(np.int64)
        if (codes < 0).any():  # the missing value last, as a value of its own
            codes = np.where(codes < 0, len(values.cat.categories), codes)
            uniques = pd.Series(pd.Categorical(list(values.cat.categories) + [np.nan],
                                               categories=values.cat.categories))
        else:
            uniques = pd.Series(pd.Categorical(values.cat.categories, categories=values.cat.categories))
        return codes, uniques
    if pd.api.types.is_integer_dtype(values.dtype) and not isinstance(values.dtype, pd.api.extensions.ExtensionDtype) \
            and len(values):
        raw = values.to_numpy()
        low, high = int(raw.min()), int(raw.max())
        if high - low < max(2 * len(raw), 1024):
            return np.subtract(raw, low, dtype=np.int64), pd.Series(np.arange(low, high + 1, dtype=raw.dtype))
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    return codes.astype(np.int64, copy=False), pd.Series(uniques)


def _dense_groups(keys, length: int):
    """Group number of every row, the number of groups, and a function giving the key values of chosen groups.

    The keys' codes are combined in mixed radix: while the combinations are few (:data:`_DENSE_LIMIT`), that
    number is the group itself (some groups are then empty: the caller keeps those with rows), so the rows
    are not hashed again; otherwise the combinations are numbered by :func:`_group_ids`."""
    if not keys:
        return np.zeros(length, dtype=np.int64), 1, lambda chosen: {}
    series = [values if isinstance(values, pd.Series) else pd.Series(np.asarray(values)) for _, values in keys]
    names = [name for name, _ in keys]
    parts = [_key_codes(values) for values in series]
    sizes = [max(len(u), 1) for _, u in parts]
    combos = math.prod(sizes)
    if combos > min(_DENSE_LIMIT, max(2 * length, 1 << 16)):  # sparse: number the combinations that occur
        gid, first = _group_ids(keys, length)
        return gid, len(first), lambda chosen: {name: values.iloc[first[chosen]].reset_index(drop=True)
                                                for name, values in zip(names, series)}
    combined = np.array(parts[0][0], dtype=np.int64)
    for (codes, _), size in zip(parts[1:], sizes[1:]):
        combined *= size
        combined += codes

    def labels(chosen):
        table, rest = {}, np.asarray(chosen, dtype=np.int64)
        for name, (_, uniques), size in reversed(list(zip(names, parts, sizes))):
            table[name] = uniques.iloc[rest % size].reset_index(drop=True)
            rest = rest // size
        return {name: table[name] for name in names}

    return combined, combos, labels


def column_values(data, column, *, role: str = "column") -> pd.Series:
    """The values of one column of ``data`` as a pandas Series (read from where the data lives).

    For error messages that must name the positions of offending rows of data an engine holds.

    Examples
    --------
    >>> import pandas as pd
    >>> column_values(pd.DataFrame({"store": [1, 2]}), "store").tolist()
    [1, 2]
    """
    if engine_of(data) is None:
        check_columns(data, [column], role=role)
        return data[column].reset_index(drop=True)
    return engines.to_pandas(data, [column], role=role)[column]


# -- answers per value of the scale ------------------------------------------------------------------------------
def count_values(data, *, score="score", weights=None, scale=None):
    """Answers (or sums of weights) per value of the scale, their :class:`NPSCounts` and the number of answers.

    ``data`` is a table with the ``score`` column (pandas, or counted where
    it lives) or the answers themselves; ``weights`` a column name or one
    weight per answer.

    Examples
    --------
    >>> sums, c, n = count_values([10, 10, 0, None])
    >>> sums.tolist(), c.nps, n
    ([1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 2.0], 33.3..., 3)
    """
    if engine_of(data) is not None:
        return _counted_values(data, score, weights, scale)
    return _value_sums(data, score, weights, scale)


def _value_sums(data, score, weights, scale):
    """In-memory answers: (answers or weights per scale value, their NPSCounts, number of answers)."""
    weight_name = "weights"
    if isinstance(data, pd.DataFrame):
        check_columns(data, [score], role="score column")
        scores, column = data[score], str(score)
        if isinstance(weights, str):
            check_columns(data, [weights], role="weights column")
            weight_name, weights = weights, data[weights]
    else:
        if isinstance(weights, str):
            raise TypeError(f"weights={weights!r} names a column, so data must be a DataFrame holding it, "
                            f"got {type(data).__name__}")
        scores = data
        column = str(data.name) if isinstance(data, pd.Series) and data.name is not None else "score"
    codes = score_codes(scores, scale=scale, column=column)  # validates answers and scale
    scale = check_scale(scale)
    present = codes >= 0
    values = pd.to_numeric(pd.Series(list(np.asarray(scores, dtype=object))), errors="coerce")
    values = values.to_numpy(dtype=float, na_value=np.nan)
    index = (values[present] - scale.minimum).astype(np.int64)
    if weights is None:
        w = None
        sums = np.bincount(index, minlength=len(scale.values)).astype(float)
    else:
        w = check_weights(weights, len(codes), column=weight_name, mask=present)
        sums = np.bincount(index, weights=w[present], minlength=len(scale.values))
    c = counts(scores, weights=None if w is None else np.where(present, w, 0.0), scale=scale)
    return sums, c, int(present.sum())


def _counted_values(data, score, weights, scale):
    """A table an engine counts: the same three things, counted per answer value where the rows are."""
    if weights is not None and not isinstance(weights, str):
        raise TypeError(f"weights of a table counted where it is must be the name of its weights column, got "
                        f"{type(weights).__name__}")
    table = combine_counts(engines.count(data, score=score, by=[score], weights=weights, scale=scale), [score])
    scale = check_scale(scale)
    values = pd.to_numeric(table[score], errors="coerce").to_numpy(float)
    answered = ~np.isnan(values)  # the missing answers are the group without a value
    per_value = table[["promoters", "passives", "detractors"]].sum(axis=1).to_numpy(float)
    sums = np.zeros(len(scale.values))
    np.add.at(sums, (values[answered] - scale.minimum).astype(np.int64), per_value[answered])
    return sums, counts_of_table(table, weighted=weights is not None), int(table.loc[answered, ROWS].sum())


# -- commented rows ----------------------------------------------------------------------------------------------
def split_commented(data, *, score, comments, columns, weights=None, scale=None):
    """The rows to read comments of, as pandas, and the counts of the rows left where they are.

    pandas data is returned whole (with empty counts): the caller reads
    every row. For data an engine counts: the ``columns`` of the rows whose
    ``comments`` hold text, and the counts of the other rows (which mention
    no theme; on ``scale``), so only commented rows leave the engine.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"score": [10], "comment": ["Fast"]})
    >>> rows, rest = split_commented(df, score="score", comments="comment", columns=["score", "comment"])
    >>> rows is df, rest.n
    (True, 0)
    """
    if engine_of(data) is None:
        return data, NPSCounts(promoters=0, passives=0, detractors=0)
    commented = engines.to_pandas(engines.rows_with_text(data, comments), list(columns))
    rest = counts(engines.rows_with_text(data, comments, present=False), score=score, weights=weights, scale=scale)
    return commented, rest
