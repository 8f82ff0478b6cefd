"""Tidy NPS tables: one row per group with counts, shares, NPS and interval."""

from __future__ import annotations

import pandas as pd

from ._docstrings import shared_docs
from ._validation import as_column_list, check_confidence
from .counting import SUMMARY_COLUMNS, check_data_columns, combine_counts, count_groups, count_rows
from .intervals import check_method, summarize_counts

# count_groups, count_rows, combine_counts (counting) and summarize_counts (intervals) are the two steps of
# summarize; they are re-exported here, where earlier releases had them
__all__ = ["summarize", "count_groups", "summarize_counts", "combine_counts", "count_rows", "SUMMARY_COLUMNS"]


@shared_docs
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
    {{score}}
    by : str or list of str, optional
        Grouping column(s), kept as ordinary columns of the result, sorted
        as ``DataFrame.groupby`` sorts them. Every group appears, including
        categories with no answers (n = 0 and NaN estimates; pandas
        categoricals only) and a missing group value (as its own group, last).
    weights : str, optional
        Column of survey weights; counts become weighted sums and the table
        gains ``n_effective`` (Kish).
    {{confidence}}
    method : str
        Interval method (see :func:`nps_toolkit.confint`).
    {{scale}}

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
    check_data_columns(data, score=score, by=by_cols, weights=weights)
    confidence = check_confidence(confidence)
    check_method(method)
    table = count_groups(data, score=score, by=by_cols, weights=weights, scale=scale)
    out = summarize_counts(table, by=by_cols, confidence=confidence, method=method, **options)
    out.attrs.update({"confidence": confidence, "method": method, "score": score, "weights": weights})
    return out
