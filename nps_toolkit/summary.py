"""Tidy NPS tables: one row per group with counts, shares, NPS and interval."""

from __future__ import annotations

import pandas as pd

import numpy as np

from ._docstrings import shared_docs
from ._validation import as_column_list, check_confidence
from .counting import SUMMARY_COLUMNS, check_data_columns, combine_counts, count_groups, count_rows
from .design import SurveyDesign, check_design_arguments, check_df, design_estimates
from .intervals import check_method, design_intervals, summarize_counts

# count_groups, count_rows, combine_counts (counting) and summarize_counts (intervals) are the two steps of
# summarize; they are re-exported here, where earlier releases had them
__all__ = ["summarize", "count_groups", "summarize_counts", "combine_counts", "count_rows", "SUMMARY_COLUMNS",
           "summarize_design", "summarize_estimates", "DESIGN_COLUMNS"]

#: Columns a design-based summary adds after :data:`SUMMARY_COLUMNS`.
DESIGN_COLUMNS = ["weighted_total", "se", "deff", "n_effective", "df"]


@shared_docs
def summarize(data: pd.DataFrame, *, score="score", by=None, weights=None, confidence=0.95,
              method="adjusted-wald", scale=None, design=None, df=None, **options) -> pd.DataFrame:
    """NPS overall or by group, with counts, shares and a confidence interval.

    Parameters
    ----------
    data : DataFrame, path, DuckDB relation, Polars or Spark DataFrame
        One row per respondent. Not modified. Besides a pandas DataFrame:
        a path or glob of Parquet/CSV files (``"answers/*.parquet"``) or a
        DuckDB relation, counted by DuckDB; a Polars DataFrame or LazyFrame;
        a Spark DataFrame. These are counted where they are and only the
        counts reach pandas (``nps_toolkit.engines``; install
        ``nps-toolkit[scale]`` or ``nps-toolkit[spark]``).
    {{score}}
    by : str or list of str, optional
        Grouping column(s), kept as ordinary columns of the result, sorted
        as ``DataFrame.groupby`` sorts them. Every group appears, including
        categories with no answers (n = 0 and NaN estimates; pandas
        categoricals only) and a missing group value (as its own group, last).
    weights : str, optional
        Column of survey weights; the categories become weighted sums and
        the table gains ``weighted_total`` (their sum) and ``n_effective``
        (Kish); ``n`` stays the number of answers.
    {{confidence}}
    method : str
        Interval method (see :func:`nps_toolkit.confint`).
    {{scale}}
    design : SurveyDesign, optional
        A complex sample (strata, PSUs, fpc, raking; its own weights, so
        not with ``weights``): standard errors are design-based
        (``nps_toolkit.design``) and the table gains ``weighted_total``,
        ``se``, ``deff``, ``n_effective`` (``n / deff``) and ``df``; the
        interval method is applied at the effective sample size
        (``nps_toolkit.intervals.design_intervals``).
    df : {None, "design"}
        With ``design``: the normal quantile (None, as R's ``confint``) or
        Student's t with the design's degrees of freedom (``"design"``).

    Returns
    -------
    DataFrame
        ``by`` columns, then ``n`` (answers), ``n_missing``, ``promoters``,
        ``passives``, ``detractors``, the three shares (0..1), ``nps``,
        ``ci_low``, ``ci_high`` (and ``weighted_total``, ``n_effective``
        when weighted; :data:`DESIGN_COLUMNS` with ``design``, and
        ``attrs["covariance"]``, the covariance of the groups' NPS).

    See Also
    --------
    confint : The interval of one NPS, and its methods.
    compare_groups : Test the groups' NPS against a reference group.
    compare_periods : NPS per period, each compared with the one before.
    plot_nps : Draw the table's NPS and intervals.
    SurveyDesign : A complex sample, for design-based standard errors.

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

    A clustered sample: two answers per store, stores sampled within two regions.

    >>> from nps_toolkit import SurveyDesign
    >>> stores = pd.DataFrame({"score": [10, 9, 3, 8, 10, 0, 9, 6], "store": [1, 1, 2, 2, 3, 3, 4, 4],
    ...                        "region": list("NNNNSSSS")})
    >>> summarize(stores, design=SurveyDesign(strata="region", psu="store"), method="wald")[
    ...     ["n", "nps", "ci_low", "ci_high", "se", "deff", "df"]].round(2)
       n   nps  ci_low  ci_high    se  deff  df
    0  8  12.5  -61.0     86.0  37.5  1.15   2
    """
    if check_design_arguments(design, weights=weights, df=df) is not None:
        return summarize_design(data, score=score, by=by, design=design, confidence=confidence, method=method,
                                scale=scale, df=df, **options)
    by_cols = as_column_list(by)
    check_data_columns(data, score=score, by=by_cols, weights=weights)
    confidence = check_confidence(confidence)
    check_method(method)
    table = count_groups(data, score=score, by=by_cols, weights=weights, scale=scale)
    out = summarize_counts(table, by=by_cols, confidence=confidence, method=method, **options)
    out.attrs.update({"confidence": confidence, "method": method, "score": score, "weights": weights})
    return out


def summarize_design(data, *, score="score", by=None, design: SurveyDesign, confidence=0.95, method="adjusted-wald",
                     scale=None, df=None, **options) -> pd.DataFrame:
    """The summary table of a complex sample: :func:`summarize` with ``design=`` (see there).

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"score": [10, 9, 3, 8], "store": [1, 1, 2, 2]})
    >>> summarize_design(df, design=SurveyDesign(psu="store"))[["n", "nps", "se", "deff"]].round(2)
       n   nps    se  deff
    0  4  25.0  75.0  2.45
    """
    by_cols = as_column_list(by)
    confidence = check_confidence(confidence)
    check_method(method)
    check_df(df)
    estimates = design_estimates(data, score=score, design=design, by=by_cols, scale=scale)
    out = summarize_estimates(estimates, by=by_cols, confidence=confidence, method=method, df=df, **options)
    out.attrs.update({"confidence": confidence, "method": method, "score": score, "design": design, "df": df})
    return out


def summarize_estimates(estimates: pd.DataFrame, *, by=None, confidence=0.95, method="adjusted-wald", df=None,
                        **options) -> pd.DataFrame:
    """The summary table of design-based estimates (:func:`nps_toolkit.design.design_estimates`).

    Counts, shares, NPS and interval as :func:`summarize` gives them, then :data:`DESIGN_COLUMNS`;
    ``attrs["covariance"]`` is kept.

    Examples
    --------
    >>> import pandas as pd
    >>> from nps_toolkit.design import design_estimates
    >>> df = pd.DataFrame({"score": [10, 9, 3, 8], "store": [1, 1, 2, 2]})
    >>> estimates = design_estimates(df, design=SurveyDesign(psu="store"))
    >>> summarize_estimates(estimates, method="wald")[["nps", "se", "ci_low", "ci_high"]]  # 25 +- 1.96 x 75, clipped
        nps    se  ci_low  ci_high
    0  25.0  75.0  -100.0    100.0
    """
    by_cols = as_column_list(by)
    sums = estimates.attrs["counts"]
    total = estimates["weighted_total"].to_numpy(float)
    low, high = design_intervals(sums[["promoters", "passives", "detractors"]].to_numpy(float),
                                 n=estimates["n"].to_numpy(float), se=estimates["se"].to_numpy(float),
                                 deff=estimates["deff"].to_numpy(float), df_design=estimates["df"].to_numpy(float),
                                 confidence=confidence, method=method, df=df, **options)
    out = {name: estimates[name] for name in by_cols}
    out["n"] = estimates["n"]
    out["n_missing"] = estimates["n_missing"]
    for name in ("promoters", "passives", "detractors"):
        out[name] = sums[name]
    answered = total > 0
    divisor = np.where(answered, total, 1.0)
    for name, share in (("promoters", "promoter_share"), ("passives", "passive_share"),
                        ("detractors", "detractor_share")):
        out[share] = np.where(answered, sums[name].to_numpy(float) / divisor, np.nan)
    out["nps"] = estimates["nps"]
    out["ci_low"] = low
    out["ci_high"] = high
    for name in DESIGN_COLUMNS:
        out[name] = estimates[name]
    table = pd.DataFrame(out, index=estimates.index)
    table.attrs["covariance"] = estimates.attrs["covariance"]
    return table
