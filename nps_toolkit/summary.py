"""Tidy NPS tables: one row per group with counts, shares, NPS and interval."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._validation import as_column_list, check_columns, check_confidence, check_weights
from .intervals import CountArrays, check_method, interval_arrays
from .scoring import kish_n, score_codes

__all__ = ["summarize", "SUMMARY_COLUMNS"]

#: Columns of a summary table after the ``by`` columns.
SUMMARY_COLUMNS = ["n", "n_missing", "promoters", "passives", "detractors", "promoter_share", "passive_share",
                   "detractor_share", "nps", "ci_low", "ci_high"]

_CATS = ("detractors", "passives", "promoters")


def summarize(data: pd.DataFrame, *, score="score", by=None, weights=None, confidence=0.95,
              method="adjusted-wald", scale=None, **options) -> pd.DataFrame:
    """NPS overall or by group, with counts, shares and a confidence interval.

    Parameters
    ----------
    data : DataFrame
        One row per respondent. Not modified.
    score : str
        Column of answers (0-10 by default). Missing answers are excluded
        from ``n`` and counted in ``n_missing``.
    by : str or list of str, optional
        Grouping column(s), kept as ordinary columns of the result. Every
        group appears, including categories with no answers (n = 0 and NaN
        estimates) and a missing group value (as its own group).
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
    """
    by_cols = as_column_list(by)
    check_columns(data, [score], role="score column")
    check_columns(data, by_cols, role="by column")
    if weights is not None:
        check_columns(data, [weights], role="weights column")
    confidence = check_confidence(confidence)
    check_method(method)
    reserved = SUMMARY_COLUMNS + ["n_effective"] + [c + "_sq" for c in _CATS]
    clash = [c for c in by_cols if c in reserved]
    if clash:  # it would be overwritten by (or clash with) the table's own column of that name
        raise ValueError(f"by column {clash[0]!r} has the name of a summary table column; rename it "
                         f"(reserved: {', '.join(repr(c) for c in reserved)})")

    codes = score_codes(data[score], scale=scale, column=str(score))
    present = codes >= 0
    parts = {"n_missing": (~present).astype(np.int64)}
    if weights is None:
        for i, name in enumerate(_CATS):
            parts[name] = (codes == i).astype(np.int64)
    else:
        w = check_weights(data[weights], len(data), column=str(weights), mask=present)
        w = np.where(present, w, 0.0)
        for i, name in enumerate(_CATS):
            hit = codes == i
            parts[name] = np.where(hit, w, 0.0)
            parts[name + "_sq"] = np.where(hit, w * w, 0.0)
    frame = pd.DataFrame(parts, index=data.index)

    if by_cols:
        keys = [data[c] for c in by_cols]
        table = frame.groupby(keys, observed=False, dropna=False, sort=True).sum().reset_index()
    else:
        table = frame.sum().to_frame().T.astype(frame.dtypes.to_dict())

    n = table["promoters"] + table["passives"] + table["detractors"]
    sq = None if weights is None else [table[c + "_sq"].to_numpy(float) for c in ("promoters", "passives",
                                                                                  "detractors")]
    arrays = CountArrays.from_arrays(table["promoters"], table["passives"], table["detractors"], sq)
    _, low, high = interval_arrays(arrays, confidence=confidence, method=method, **options)

    out = table[by_cols].copy()
    out["n"] = n
    out["n_missing"] = table["n_missing"].astype(np.int64)
    for name in ("promoters", "passives", "detractors"):
        out[name] = table[name]
    with np.errstate(invalid="ignore", divide="ignore"):
        for name, share in (("promoters", "promoter_share"), ("passives", "passive_share"),
                            ("detractors", "detractor_share")):
            out[share] = np.where(n > 0, table[name] / n.where(n > 0, 1), np.nan)
    # NPS from the counts themselves (weighted sums, not the effective counts behind the interval),
    # clipped so that float rounding cannot leave [-100, 100]
    with np.errstate(invalid="ignore", divide="ignore"):
        raw = 100.0 * (table["promoters"] - table["detractors"]).to_numpy(float) / n.where(n > 0, 1).to_numpy(float)
    out["nps"] = np.where(n > 0, np.clip(raw, -100.0, 100.0), np.nan)
    out["ci_low"] = low
    out["ci_high"] = high
    if sq is not None:
        out["n_effective"] = kish_n(n.to_numpy(float), sq[0] + sq[1] + sq[2])
    out.attrs.update({"confidence": confidence, "method": method, "score": score, "weights": weights})
    return out
