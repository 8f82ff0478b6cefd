"""Tidy NPS tables: one row per group with counts, shares, NPS and interval."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._validation import as_column_list, check_columns, check_confidence, check_weights
from .intervals import CountArrays, check_method, interval_arrays
from . import engines
from .scoring import kish_n, score_codes

__all__ = ["summarize", "count_groups", "summarize_counts", "combine_counts", "count_rows", "SUMMARY_COLUMNS"]

#: Columns of a summary table after the ``by`` columns.
SUMMARY_COLUMNS = ["n", "n_missing", "promoters", "passives", "detractors", "promoter_share", "passive_share",
                   "detractor_share", "nps", "ci_low", "ci_high"]

_CATS = ("detractors", "passives", "promoters")


def summarize(data: pd.DataFrame, *, score="score", by=None, weights=None, confidence=0.95,
              method="adjusted-wald", scale=None, **options) -> pd.DataFrame:
    """NPS overall or by group, with counts, shares and a confidence interval.

    Parameters
    ----------
    data : DataFrame, path, DuckDB relation, Polars or Spark DataFrame
        One row per respondent. Not modified. Besides a pandas DataFrame:
        a path or glob of Parquet/CSV files (``"answers/*.parquet"``) or a
        DuckDB relation, counted by DuckDB; a Polars DataFrame or LazyFrame;
        a Spark DataFrame. These are counted where they are and only the
        counts reach pandas (:mod:`nps_toolkit.engines`; install
        ``nps-toolkit[scale]`` or ``nps-toolkit[spark]``).
    score : str
        Column of answers (0-10 by default). Missing answers are excluded
        from ``n`` and counted in ``n_missing``.
    by : str or list of str, optional
        Grouping column(s), kept as ordinary columns of the result, sorted
        as ``DataFrame.groupby`` sorts them. Every group appears, including
        categories with no answers (n = 0 and NaN estimates; pandas
        categoricals only) and a missing group value (as its own group, last).
    weights : str, optional
        Column of survey weights; counts become weighted sums and the table
        gains ``n_effective`` (Kish).
    confidence : float
        Confidence level strictly between 0 and 1.
    method : str
        Interval method (see :func:`nps_toolkit.confint`).
    scale : NPSScale, optional
        A custom category scale.

    Returns
    -------
    DataFrame
        ``by`` columns, then ``n``, ``n_missing``, ``promoters``,
        ``passives``, ``detractors``, the three shares (0..1), ``nps``,
        ``ci_low``, ``ci_high`` (and ``n_effective`` when weighted).

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"score": [10, 9, 3, 8, None, 0], "region": list("AABBBB")})
    >>> summarize(df, by="region")[["region", "n", "n_missing", "nps"]]
      region  n  n_missing   nps
    0      A  2          0 100.0
    1      B  3          1 -66.7

    The same table from files, counted by DuckDB without loading them, or
    from a Polars or Spark frame:

    >>> df.to_parquet("answers.parquet")  # doctest: +SKIP
    >>> summarize("answers.parquet", by="region")[["region", "n", "n_missing", "nps"]]  # doctest: +SKIP
      region  n  n_missing   nps
    0      A  2          0 100.0
    1      B  3          1 -66.7
    >>> summarize(pl.scan_parquet("answers/*.parquet"), by="region")  # doctest: +SKIP
    >>> summarize(spark.read.parquet("s3a://bucket/answers/"), by="region")  # doctest: +SKIP
    """
    by_cols = as_column_list(by)
    pandas_data = engines.engine_of(data) is None
    if pandas_data:
        check_columns(data, [score], role="score column")
        check_columns(data, by_cols, role="by column")
        if weights is not None:
            check_columns(data, [weights], role="weights column")
    confidence = check_confidence(confidence)
    check_method(method)
    table = count_groups(data, score=score, by=by_cols, weights=weights, scale=scale)
    out = summarize_counts(table, by=by_cols, confidence=confidence, method=method, **options)
    out.attrs.update({"confidence": confidence, "method": method, "score": score, "weights": weights})
    return out


# -- step 1: counting ----------------------------------------------------------------------------------------------
def _check_reserved(by_cols, role="by column") -> None:
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
        ``promoters`` (whole numbers; sums of weights when weighted, with
        ``detractors_sq``, ``passives_sq``, ``promoters_sq``, the sums of
        squared weights). :func:`summarize_counts` turns it into a summary.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"score": [10, 9, 3, 8, None, 0], "region": list("AABBBB")})
    >>> count_groups(df, by="region")
      region  n_missing  detractors  passives  promoters
    0      A          0           0         0          2
    1      B          1           2         1          0
    """
    by_cols = as_column_list(by)
    roles = {"score": "score column", "by": "by column", "weights": "weights column", **(_roles or {})}
    if engines.engine_of(data) is not None:
        wide = engines.count(data, score=score, by=by_cols, weights=weights, scale=scale, roles=roles,
                             validate=lambda: _check_reserved(by_cols))
    else:
        check_columns(data, [score], role=roles["score"])
        check_columns(data, by_cols, role=roles["by"])
        if weights is not None:
            check_columns(data, [weights], role=roles["weights"])
        _check_reserved(by_cols)
        wide = count_rows(data[score], [(c, data[c]) for c in by_cols],
                          None if weights is None else data[weights], scale=scale, column=str(score),
                          weights_column=str(weights))
    return combine_counts(wide, by_cols).drop(columns=[engines.ROWS])


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
    table[engines.ROWS] = n.sum(axis=1).astype(np.int64)
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


# -- step 2: the statistics ----------------------------------------------------------------------------------------
def summarize_counts(table: pd.DataFrame, *, by=None, confidence=0.95, method="adjusted-wald",
                     **options) -> pd.DataFrame:
    """The summary table of counts per group: shares, NPS and interval (the statistics step of :func:`summarize`).

    Parameters
    ----------
    table : DataFrame
        ``by`` columns, ``promoters``, ``passives``, ``detractors`` and
        optionally ``n_missing``; weighted sums carry ``promoters_sq``,
        ``passives_sq`` and ``detractors_sq`` (sums of squared weights). As
        :func:`count_groups` returns it, or counted elsewhere (e.g. by SQL in
        a data warehouse). One row per group, kept in its order.
    by : str or list of str, optional
        The group columns of ``table``.
    confidence, method, options
        As in :func:`summarize`.

    Returns
    -------
    DataFrame
        As :func:`summarize`.

    Examples
    --------
    >>> import pandas as pd
    >>> counted = pd.DataFrame({"region": ["A", "B"], "promoters": [60, 20], "passives": [25, 50],
    ...                         "detractors": [15, 30]})
    >>> summarize_counts(counted, by="region")[["region", "n", "nps", "ci_low", "ci_high"]].round(1)
      region    n   nps  ci_low  ci_high
    0      A  100  45.0    29.3     58.0
    1      B  100 -10.0   -23.2      3.8
    """
    by_cols = as_column_list(by)
    confidence = check_confidence(confidence)
    check_method(method)
    check_columns(table, by_cols + list(_CATS), role="count table column")
    weighted = all(c + "_sq" in table.columns for c in _CATS)
    n = table["promoters"] + table["passives"] + table["detractors"]
    sq = [table[c + "_sq"].to_numpy(float) for c in ("promoters", "passives", "detractors")] if weighted else None
    arrays = CountArrays.from_arrays(table["promoters"], table["passives"], table["detractors"], sq)
    _, low, high = interval_arrays(arrays, confidence=confidence, method=method, **options)

    # one dict of columns turned into a frame at once (inserting column by column costs more on small tables)
    out = {name: table[name] for name in by_cols}  # the group columns keep their dtypes (categories, text)
    n_values = n.to_numpy(float)
    out["n"] = n
    out["n_missing"] = (table["n_missing"].to_numpy() if "n_missing" in table.columns
                        else np.zeros(len(table))).astype(np.int64)
    for name in ("promoters", "passives", "detractors"):
        out[name] = table[name]
    divisor = np.where(n_values > 0, n_values, 1.0)
    for name, share in (("promoters", "promoter_share"), ("passives", "passive_share"),
                        ("detractors", "detractor_share")):
        out[share] = np.where(n_values > 0, table[name].to_numpy(float) / divisor, np.nan)
    # NPS from the counts themselves (weighted sums, not the effective counts behind the interval),
    # clipped so that float rounding cannot leave [-100, 100]
    raw = 100.0 * (table["promoters"] - table["detractors"]).to_numpy(float) / divisor
    out["nps"] = np.where(n_values > 0, np.clip(raw, -100.0, 100.0), np.nan)
    out["ci_low"] = low
    out["ci_high"] = high
    if sq is not None:
        out["n_effective"] = kish_n(n_values, sq[0] + sq[1] + sq[2])
    out = pd.DataFrame(out, index=table.index)
    return out
