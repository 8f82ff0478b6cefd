"""NPS over time and across groups: period tables, changes, decompositions, trends.

Periods
-------
Answers are bucketed into calendar periods with :class:`pandas.Period`:
weeks (``"W"``, ``"W-SUN"``, ``"W-MON"``, ...), months (``"ME"``, ``"M"``,
``"MS"``), quarters (``"QE"``, ``"Q"``, ``"QS"``, ``"QE-MAR"``, ...) or years
(``"YE"``, ``"Y"``, ``"YS"``, ``"YE-JUN"``, ...). Offset aliases ("QE": quarter
*end*) are mapped to period frequencies ("Q-DEC"); a start-anchored alias
names the same calendar periods (``"QS-APR"`` gives quarters starting in
April, i.e. ``"Q-MAR"``). Labels are ``str(pd.Period)``: ``"2024Q3"``,
``"2024-07"``, ``"2024"``, ``"2024-07-01/2024-07-07"``. Every period between
the first and the last date appears, with n = 0 when nobody answered in it.

Dates
-----
The date column may hold datetimes, ``datetime.date`` objects,
timezone-aware values or date text, read by :func:`nps_toolkit.dates.parse_dates`
(the one date parser of the package): ISO text (``"2024-07-31"``,
``"2024-07-31T09:15:00+02:00"``), and day/month/year or month/day/year text
(``"31.07.2024"``, ``"07/31/2024 1:54:17 PM"``) whose order of day and month
is taken from the column's own values; a column where every such date reads
both ways (``"03/01/2024"``) is refused unless ``dayfirst=True`` or
``dayfirst=False`` says how to read it. Timezone-aware values (and text
with a UTC offset) are read on the local calendar of their own timezone and
the timezone is then dropped: an answer given at 23:30 on 31 March in
Warsaw belongs to March, wherever it was stored. Text that is not a date is
refused with a ``ValueError`` naming the column and up to five bad values
with their 0-based positions. Rows with a *missing* date are excluded from
every period; how many is reported as ``attrs["n_undated"]`` of the tables
(and in the ``n_undated`` field of :class:`Trend`). With ``design=`` (a
:class:`nps_toolkit.SurveyDesign`) they are left out of every period's
estimate but keep their PSUs for the design-based variance (domain
estimation).
"""

from __future__ import annotations

import math
import numbers
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from ._docstrings import shared_docs
from ._resampling import rng_from
from ._validation import (as_column_list, check_choice, check_columns, check_confidence, check_positive_int,
                          renamed_arguments)
from .compare import Comparison, compare
from .counting import SUMMARY_COLUMNS, NPSCounts, check_data_columns, count_periods, counts
from .dates import no_dates_error, parse_dates
from .design import SurveyDesign, check_design_arguments, contrast, estimates_from_psu_counts, psu_counts
from .intervals import CountArrays, check_method, effective_counts, method_options, summarize_counts
from .scale import score_codes
from .summary import DESIGN_COLUMNS, summarize, summarize_estimates

__all__ = ["compare_periods", "current_vs_previous", "decompose_change", "trend", "rolling_nps", "Trend",
           "period_freq", "parse_dates", "PERIOD_COLUMNS", "CHANGE_COLUMNS", "COMPARE_TO"]

#: Columns of a period table after the ``by`` columns (``weighted_total`` and ``n_effective`` are appended when weighted).
PERIOD_COLUMNS = ["period"] + SUMMARY_COLUMNS + ["change", "change_low", "change_high", "p_value", "significant",
                                                 "low_n"]

#: The change columns, NaN (``significant`` False) where there is no comparison.
CHANGE_COLUMNS = ["change", "change_low", "change_high", "p_value", "significant"]

#: What a period is compared with.
COMPARE_TO = ("previous", "year_ago")

_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_DAYS = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")
_PER_YEAR = {"W": 52, "M": 12, "Q": 4, "Y": 1}
_UNIT = {"W": "week", "M": "month", "Q": "quarter", "Y": "year"}
_ALLOWED_FREQ = ("weeks 'W' (= 'W-SUN', or 'W-MON' ... 'W-SAT'), months 'ME' (or 'M', 'MS'), quarters 'QE' "
                 "(or 'Q', 'QS', fiscal 'QE-MAR' ...), years 'YE' (or 'Y', 'YS', fiscal 'YE-JUN' ...)")
_PERIOD_KEY = "\x00period"


# -- frequencies -----------------------------------------------------------------------------------------------
def period_freq(freq) -> str:
    """The :class:`pandas.Period` frequency of a pandas frequency alias.

    pandas 3 spells offsets and periods differently ("QE" is a quarter-end
    offset, "Q" the quarter period); both spellings are accepted here, as are
    start-anchored aliases (which name the same calendar periods).

    Examples
    --------
    >>> period_freq("QE"), period_freq("ME"), period_freq("YE"), period_freq("W")
    ('Q-DEC', 'M', 'Y-DEC', 'W-SUN')
    >>> period_freq("QS-APR")  # quarters starting in April: fiscal year ending in March
    'Q-MAR'
    >>> period_freq("D")
    Traceback (most recent call last):
    ...
    ValueError: unknown freq 'D'; allowed: weeks 'W' (= 'W-SUN', or 'W-MON' ... 'W-SAT'), months 'ME' (or 'M', 'MS'), quarters 'QE' (or 'Q', 'QS', fiscal 'QE-MAR' ...), years 'YE' (or 'Y', 'YS', fiscal 'YE-JUN' ...)
    """
    if not isinstance(freq, str):
        raise TypeError(f"freq must be a frequency text; allowed: {_ALLOWED_FREQ}; got {freq!r}")
    base, _, anchor = freq.strip().partition("-")
    error = ValueError(f"unknown freq {freq!r}; allowed: {_ALLOWED_FREQ}")
    if base == "W":
        if anchor and anchor not in _DAYS:
            raise error
        return "W-" + (anchor or "SUN")
    if base in ("M", "ME", "MS"):
        if anchor:
            raise error
        return "M"
    if base in ("Q", "QE", "Y", "YE", "QS", "YS"):
        if anchor and anchor not in _MONTHS:
            raise error
        if base.endswith("S"):  # start-anchored: the period ends in the month before the start month
            end = _MONTHS[_MONTHS.index(anchor or "JAN") - 1]
        else:
            end = anchor or "DEC"
        return f"{base[0]}-{end}"
    raise error


def _unit(pfreq: str) -> str:
    return _UNIT[pfreq[0]]


# -- dates: one parser for the whole package (nps_toolkit.dates) -------------------------------------------------

# -- shared period counting --------------------------------------------------------------------------------------


@dataclass
class _Periods:
    table: pd.DataFrame  # by columns, period, SUMMARY_COLUMNS (+ n_effective), sorted by group then period
    counts: list  # NPSCounts per row
    labels: list  # period labels of the range
    ordinals: np.ndarray  # Period ordinals of the range
    pfreq: str
    groups: int
    n_undated: int
    weighted: bool


def _period_counts(data, *, score, date, freq, by, weights, scale=None, confidence=0.95, method="adjusted-wald",
                   random_state=None, dayfirst=None) -> _Periods:
    """Count answers per (group, period) in one pass (in pandas or in the engine of ``data``)."""
    by_cols = as_column_list(by)
    check_data_columns(data, score=score, date=date, by=by_cols, weights=weights)
    if "period" in by_cols:
        raise ValueError("'period' cannot be a by column: the table makes its own 'period' column")
    pfreq = period_freq(freq)
    confidence = check_confidence(confidence)
    check_method(method)

    periods = count_periods(data, score=score, date=date, pfreq=pfreq, by=by_cols, weights=weights, scale=scale,
                            dayfirst=dayfirst, key=_PERIOD_KEY)
    counted, labels, n_undated = periods.table, periods.labels, periods.n_undated
    keys = by_cols + [_PERIOD_KEY]
    # seeds the resampling methods' intervals (the defaults of confint otherwise)
    options = method_options(method, n_resamples=9999, random_state=random_state, prior=(1, 1, 1))
    table = summarize_counts(counted, by=keys, confidence=confidence, method=method, **options)
    if weights is not None:  # sums of squared weights per category, from the same counting
        sq = counted[["promoters_sq", "passives_sq", "detractors_sq"]].to_numpy(float)
        cnt = [NPSCounts(promoters=float(r.promoters), passives=float(r.passives), detractors=float(r.detractors),
                         n_missing=int(r.n_missing), weights_sq=tuple(float(v) for v in s))
               for r, s in zip(table.itertuples(index=False), sq)]
    else:
        arr = table[["promoters", "passives", "detractors", "n_missing"]].to_numpy(np.int64)
        cnt = [NPSCounts(promoters=int(a), passives=int(b), detractors=int(c), n_missing=int(m))
               for a, b, c, m in arr]
    table = table.rename(columns={_PERIOD_KEY: "period"})
    table["period"] = table["period"].astype(str)
    groups = len(table) // len(labels)
    assert groups * len(labels) == len(table)
    return _Periods(table, cnt, labels, periods.ordinals, pfreq, groups, n_undated, weights is not None)


def _compare(a: NPSCounts, b: NPSCounts, *, method, confidence, random_state=None) -> Comparison:
    return compare(a, b, method=method, confidence=confidence, random_state=random_state)


def _check_min_n(min_n, name="min_n"):
    if isinstance(min_n, (bool, np.bool_)) or not isinstance(min_n, numbers.Real) or not min_n >= 0:
        raise ValueError(f"{name} must be a non-negative number, got {min_n!r}")
    return min_n


def _size(p: _Periods) -> np.ndarray:
    """Sample size used for min_n and exclude_below: n, or the Kish effective n when weighted."""
    col = "n_effective" if p.weighted else "n"
    return p.table[col].to_numpy(float)


def _latest_pair(n: np.ndarray, earlier_n: np.ndarray, *, labels: list, compare_to: str, pfreq: str):
    """Positions of the latest period with answers (``n > 0``) and of the earlier one it is compared with."""
    filled = np.flatnonzero(n > 0)
    if len(filled) < 2:
        raise ValueError(f"need answers in at least two periods to compare; found {len(filled)} "
                         f"({', '.join(labels[i] for i in filled)})".replace(" ()", ""))
    current = int(filled[-1])
    if compare_to == "previous":
        return current, int(filled[-2])
    earlier = current - _PER_YEAR[pfreq[0]]
    if earlier < 0 or earlier_n[earlier] <= 0:
        raise ValueError(f"no answers a year before {labels[current]} to compare with")
    return current, earlier


# -- complex samples (design=): the period estimates and their covariance ----------------------------------------
@dataclass
class _DesignPeriods:
    estimates: pd.DataFrame  # design estimates of the dated (group, period) domains, sorted by group then period
    labels: list  # period labels of the range
    ordinals: np.ndarray  # Period ordinals of the range
    pfreq: str
    groups: int
    n_undated: int


def _period_categories(table: pd.DataFrame, *, pfreq: str, date) -> tuple[list, np.ndarray]:
    """Turn the Period ordinals of the key column into an ordered Categorical of every period of the range
    (first to last dated period, so empty periods are domains too); undated rows stay NaN."""
    ordinals = pd.to_numeric(table[_PERIOD_KEY]).to_numpy(float, na_value=np.nan)
    dated = ~np.isnan(ordinals)
    if not dated.any():
        raise no_dates_error(date)
    first, last = int(ordinals[dated].min()), int(ordinals[dated].max())
    span = pd.period_range(pd.Period(ordinal=first, freq=pfreq), pd.Period(ordinal=last, freq=pfreq), freq=pfreq)
    labels = [str(p) for p in span]
    codes = np.full(len(table), -1, dtype=np.int64)
    codes[dated] = ordinals[dated].astype(np.int64) - first
    table[_PERIOD_KEY] = pd.Categorical.from_codes(codes, categories=labels, ordered=True)
    return labels, np.asarray(span.asi8)


def _dated_domains(estimates: pd.DataFrame) -> pd.DataFrame:
    """The estimates without the undated domains (whose rows still counted for the variance), attrs kept."""
    keep = estimates[_PERIOD_KEY].notna().to_numpy()
    covariance = estimates.attrs["covariance"].to_numpy(float)[np.ix_(keep, keep)]
    sums = estimates.attrs["counts"].loc[keep]
    out = estimates.loc[keep].reset_index(drop=True)
    out.attrs = {"covariance": pd.DataFrame(covariance, index=out.index, columns=out.index),
                 "counts": sums.reset_index(drop=True), "design": estimates.attrs["design"]}
    return out


def _design_periods(data, *, score, date, freq, by, design, scale, dayfirst) -> _DesignPeriods:
    """Design-based NPS and covariance of every (group, period): one count of the PSU table, domains by period."""
    by_cols = as_column_list(by)
    check_data_columns(data, score=score, date=date, by=by_cols)
    if "period" in by_cols:
        raise ValueError("'period' cannot be a by column: the table makes its own 'period' column")
    pfreq = period_freq(freq)
    table = psu_counts(data, score=score, design=design, by=by_cols, scale=scale, date=date, pfreq=pfreq,
                       dayfirst=dayfirst, period_key=_PERIOD_KEY)
    n_undated = int(table.loc[table[_PERIOD_KEY].isna().to_numpy(), "rows"].sum())
    labels, ordinals = _period_categories(table, pfreq=pfreq, date=date)
    estimates = _dated_domains(estimates_from_psu_counts(table, design=design, by=by_cols + [_PERIOD_KEY]))
    groups = len(estimates) // len(labels)
    assert groups * len(labels) == len(estimates)
    return _DesignPeriods(estimates, labels, ordinals, pfreq, groups, n_undated)


def _design_size(estimates: pd.DataFrame) -> np.ndarray:
    """Sample size for min_n and exclude_below with a design: ``n / deff``, or ``n`` where deff is undefined."""
    n_effective = estimates["n_effective"].to_numpy(float)
    return np.where(np.isfinite(n_effective), n_effective, estimates["n"].to_numpy(float))


def _reference(df, df_design):
    """The distribution of a design-based Wald statistic: normal, or Student's t on the design's df."""
    from scipy import stats

    if df is None:
        return stats.norm
    if not df_design >= 1:
        raise ValueError("df='design' needs a design with at least one degree of freedom (PSUs minus strata); "
                         "this one has none: use the normal quantile (df=None)")
    return stats.t(df_design)


def _wald(estimate: np.ndarray, se: np.ndarray, *, confidence: float, dist):
    """Wald interval, two-sided p-value and statistic of estimates with known standard errors.

    An estimate with se 0 is certain: p is 0 (1 if the estimate is 0)."""
    q = dist.ppf(0.5 + confidence / 2.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        statistic = estimate / se
        p = 2.0 * dist.sf(np.abs(statistic))
    p = np.where(se == 0, np.where(estimate != 0, 0.0, 1.0), p)
    return estimate - q * se, estimate + q * se, p, statistic


def _design_changes(dp: _DesignPeriods, *, lag: int, confidence: float, dist):
    """Each period minus the one ``lag`` periods before in its group, with the SE of the contrast
    ``sqrt(V_ii + V_jj - 2 V_ij)``: (change, low, high, p-value) per row, and ``significant``."""
    est = dp.estimates
    n_periods = len(dp.labels)
    n = est["n"].to_numpy(float).reshape(dp.groups, n_periods)
    before = np.zeros_like(n)  # answers of the period lag periods earlier (0 where there is none)
    before[:, lag:] = n[:, :n_periods - lag] if lag < n_periods else before[:, lag:]
    this = np.arange(len(est)).reshape(dp.groups, n_periods)[(n > 0) & (before > 0)]
    earlier = this - lag
    nps = est["nps"].to_numpy(float)
    cov = est.attrs["covariance"].to_numpy(float)
    change, se = np.full(len(est), np.nan), np.full(len(est), np.nan)
    change[this] = nps[this] - nps[earlier]
    se[this] = np.sqrt(np.maximum(cov[this, this] + cov[earlier, earlier] - 2.0 * cov[this, earlier], 0.0))
    low, high, p, _ = _wald(change, se, confidence=confidence, dist=dist)
    values = np.column_stack([change, np.clip(low, -200.0, 200.0), np.clip(high, -200.0, 200.0), p])
    return values, np.nan_to_num(p, nan=1.0) < 1.0 - confidence


def _design_compare_periods(data, *, score, date, freq, by, confidence, method, compare_to, min_n, design, df,
                            rng, dayfirst, scale) -> pd.DataFrame:
    """compare_periods with a design: period estimates, intervals and the changes as design-based contrasts."""
    confidence = check_confidence(confidence)
    check_method(method)
    dp = _design_periods(data, score=score, date=date, freq=freq, by=by, design=design, scale=scale,
                         dayfirst=dayfirst)
    keys = as_column_list(by) + [_PERIOD_KEY]
    options = method_options(method, n_resamples=9999, random_state=rng, prior=(1, 1, 1))
    table = summarize_estimates(dp.estimates, by=keys, confidence=confidence, method=method, df=df, **options)
    out = table.drop(columns=DESIGN_COLUMNS).rename(columns={_PERIOD_KEY: "period"})
    out["period"] = out["period"].astype(str)
    lag = 1 if compare_to == "previous" else _PER_YEAR[dp.pfreq[0]]
    dist = _reference(df, float(dp.estimates["df"].iloc[0]))
    change, significant = _design_changes(dp, lag=lag, confidence=confidence, dist=dist)
    for j, name in enumerate(("change", "change_low", "change_high", "p_value")):
        out[name] = change[:, j]
    out["significant"] = significant
    out["low_n"] = _design_size(dp.estimates) < min_n
    for name in DESIGN_COLUMNS:
        out[name] = table[name]
    out.attrs = {"freq": freq, "period_freq": dp.pfreq, "compare_to": compare_to, "confidence": confidence,
                 "method": method, "min_n": min_n, "n_undated": dp.n_undated, "score": score, "date": date,
                 "by": as_column_list(by), "weights": None, "design": design, "df": df}
    return out


def _with_attrs(result, **attrs):
    """``result`` (a frozen Comparison or Trend) carrying ``attrs`` as tables do (not a field: not compared)."""
    object.__setattr__(result, "attrs", dict(attrs))
    return result


def _design_current_vs_previous(data, *, score, date, freq, confidence, method, compare_to, design, df, dayfirst,
                                scale) -> Comparison:
    """current_vs_previous with a design: the Wald interval of the design-based contrast of the two periods."""
    confidence = check_confidence(confidence)
    check_method(method)
    dp = _design_periods(data, score=score, date=date, freq=freq, by=None, design=design, scale=scale,
                         dayfirst=dayfirst)
    est = dp.estimates
    n = est["n"].to_numpy(float)
    current, earlier = _latest_pair(n, n, labels=dp.labels, compare_to=compare_to, pfreq=dp.pfreq)
    result = contrast(est, {current: 1.0, earlier: -1.0})
    low, high, p, statistic = _wald(np.array([result.estimate]), np.array([result.se]), confidence=confidence,
                                    dist=_reference(df, result.df))
    nps, total = est["nps"].to_numpy(float), est["weighted_total"].to_numpy(float)
    comparison = Comparison(difference=result.estimate, low=float(np.clip(low[0], -200.0, 200.0)),
                            high=float(np.clip(high[0], -200.0, 200.0)), p_value=float(p[0]),
                            significant=bool(p[0] < 1.0 - confidence), statistic=float(statistic[0]),
                            nps_a=float(nps[current]), nps_b=float(nps[earlier]), n_a=float(total[current]),
                            n_b=float(total[earlier]), method=method, confidence=confidence)
    return _with_attrs(comparison, design=design, df=df, se=result.se, df_design=result.df)


def _gls(x: np.ndarray, y: np.ndarray, cov: np.ndarray, *, confidence: float, dist, group: str = ""):
    """Generalised least squares of y on x with the covariance ``cov`` of y: (slope, low, high, p, intercept).

    ``beta = (X'V^-1 X)^-1 X'V^-1 y``, the slope's variance the [1, 1] element of ``(X'V^-1 X)^-1``."""
    k = len(x)
    if k < 2:
        return (math.nan,) * 5
    eigen = np.linalg.eigvalsh(cov)
    if not eigen.min() > 1e-10 * eigen.max():
        raise ValueError(f"the covariance of the {k} period estimates{group} is singular: the design (PSUs minus "
                         f"strata) cannot tell so many periods apart; use longer periods (freq=)")
    design_matrix = np.column_stack([np.ones(k), x])
    weighted = np.linalg.solve(cov, design_matrix)  # V^-1 X
    information = design_matrix.T @ weighted
    beta_cov = np.linalg.inv(information)
    intercept, slope = beta_cov @ (weighted.T @ y)
    se = math.sqrt(max(beta_cov[1, 1], 0.0))
    low, high, p, _ = _wald(np.array([slope]), np.array([se]), confidence=confidence, dist=dist)
    return float(slope), float(low[0]), float(high[0]), float(p[0]), float(intercept)


def _stable_covariance(est: pd.DataFrame, idx: np.ndarray) -> np.ndarray:
    """The covariance of the periods ``idx``; a period without variance (all answers in one category, or in
    one PSU) gets the Wald variance of its adjusted effective counts, as :func:`trend` does without a design."""
    cov = est.attrs["covariance"].to_numpy(float)[np.ix_(idx, idx)]
    zero = np.flatnonzero(np.diag(cov) <= 0)
    if len(zero):
        sums = est.attrs["counts"][["promoters", "passives", "detractors"]].to_numpy(float)[idx[zero]]
        adjusted = effective_counts(sums, _design_size(est)[idx[zero]]).adjusted()
        cov[zero, zero] = adjusted.wald_se ** 2
    return cov


def _design_group_fits(dp: _DesignPeriods, *, exclude_below, confidence, dist, by_cols) -> list:
    """The GLS fit of each group: (slope, low, high, p_value, significant, n_periods, intercept)."""
    est = dp.estimates
    n_periods = len(dp.labels)
    x_all = (dp.ordinals - dp.ordinals[0]).astype(float)
    size = _design_size(est).reshape(dp.groups, n_periods)
    n = est["n"].to_numpy(float).reshape(dp.groups, n_periods)
    nps = est["nps"].to_numpy(float)
    rows = []
    for g in range(dp.groups):
        use = np.flatnonzero((n[g] > 0) & (size[g] >= exclude_below))
        idx = g * n_periods + use
        name = "" if not by_cols else f" of group {_segment_label(tuple(est[by_cols].iloc[g * n_periods]))}"
        slope, low, high, pval, intercept = _gls(x_all[use], nps[idx], _stable_covariance(est, idx),
                                                 confidence=confidence, dist=dist, group=name)
        rows.append((slope, low, high, pval, bool(pval < 1 - confidence), len(use), intercept))
    return rows


def _design_trend(data, *, score, date, freq, by, confidence, exclude_below, design, df, dayfirst, scale):
    """trend with a design: GLS over the periods with the design-based covariance of their NPS."""
    dp = _design_periods(data, score=score, date=date, freq=freq, by=by, design=design, scale=scale,
                         dayfirst=dayfirst)
    by_cols = as_column_list(by)
    dist = _reference(df, float(dp.estimates["df"].iloc[0]))
    rows = _design_group_fits(dp, exclude_below=exclude_below, confidence=confidence, dist=dist, by_cols=by_cols)
    return _trend_result(rows, by=by, labels=dp.labels, pfreq=dp.pfreq, table=dp.estimates, freq=freq,
                         confidence=confidence, exclude_below=exclude_below, n_undated=dp.n_undated,
                         extra={"design": design, "df": df})


# -- compare_periods -------------------------------------------------------------------------------------------
def _period_changes(p: _Periods, *, lag: int, method, confidence, rng):
    """Each period (row of ``p.table``) compared with the one ``lag`` periods before in its group:
    (difference, low, high, p-value) per row, NaN without a comparison, and ``significant``."""
    n_periods = len(p.labels)
    n = p.table["n"].to_numpy(float).reshape(p.groups, n_periods)
    change = np.full((p.groups, n_periods, 4), np.nan)
    significant = np.zeros((p.groups, n_periods), bool)
    for g in range(p.groups):
        for i in range(lag, n_periods):
            if n[g, i] > 0 and n[g, i - lag] > 0:
                row = g * n_periods + i
                cmp = _compare(p.counts[row], p.counts[row - lag], method=method, confidence=confidence,
                               random_state=rng)
                change[g, i] = (cmp.difference, cmp.low, cmp.high, cmp.p_value)
                significant[g, i] = bool(cmp.significant)
    return change.reshape(-1, 4), significant.ravel()


@shared_docs
def compare_periods(data: pd.DataFrame, *, score="score", date="date", freq="QE", by=None, confidence=0.95,
                    method="adjusted-wald", compare_to="previous", min_n=30, weights=None,
                    random_state=None, dayfirst=None, scale=None, design=None, df=None) -> pd.DataFrame:
    """NPS per period (and group), each period compared with the one before.

    Parameters
    ----------
    {{data}}
        The engine buckets the dates (see the notes of
        ``nps_toolkit.engines`` on dates); :func:`trend` and
        :func:`current_vs_previous` take the same kinds of data.
    {{score}}
    {{date}}
        Their number is ``attrs["n_undated"]``.
    {{freq}}
        ``"QE"`` (quarters) by default.
    {{by}}
        One row per group and period, every group over the whole range of
        periods.
    {{confidence}}
        Used for the NPS and the change intervals.
    method : {"adjusted-wald", "wald", "bootstrap", "bayes"}
        Interval method of the NPS (:func:`nps_toolkit.confint`) and of the
        change (:func:`nps_toolkit.compare.compare`); the methods both share.
    {{compare_to}}
        A year is 4 quarters, 12 months, 52 weeks or 1 year.
    {{min_n}}
        The flag is the ``low_n`` column; 30 by default.
    {{weights}}
        The table gains ``weighted_total`` and ``n_effective`` (last
        columns); ``n`` counts answers. Not with ``design`` (give them in
        the design).
    {{random_state}}
        Used by the resampling methods (``"bootstrap"``, ``"bayes"``).
    {{dayfirst}}
    {{scale}}
    {{design}}
        The periods (and groups) are domains of the sample: rows without
        a date or an answer keep their PSUs for the variance. The table
        gains ``weighted_total``, ``se``, ``deff``, ``n_effective`` and
        ``df`` (last columns, as :func:`nps_toolkit.design_estimates`
        gives them); the NPS interval is the ``method`` at the effective
        sample size (``nps_toolkit.intervals.design_intervals``), and
        ``min_n`` is judged on ``n_effective`` (``n`` where the design
        effect is undefined). The change is the design-based contrast of
        the two periods (R's ``svycontrast``), ``se = sqrt(V_ii + V_jj -
        2 V_ij)`` with the covariance ``V`` of the period estimates (the
        periods share PSUs and strata), and its interval is the Wald
        interval ``change +- q se`` (clipped to [-200, 200]) with its
        two-sided p-value, whatever ``method``.
    {{df}}
        ``q`` and the p-value of the change follow the same distribution.

    Returns
    -------
    DataFrame
        ``by`` columns, ``period`` (label such as ``"2024Q3"``), ``n``,
        ``n_missing``, ``promoters``, ``passives``, ``detractors``, the three
        shares (0..1), ``nps``, ``ci_low``, ``ci_high``, ``change`` (this
        period's NPS minus the earlier one's), ``change_low``,
        ``change_high``, ``p_value``, ``significant``, ``low_n``. Each change
        equals ``compare(this_counts, earlier_counts, method=method,
        confidence=confidence)`` (with ``design``, the contrast described
        there); it is NaN (``significant`` False) when
        either period has no answers or there is no earlier period. Periods
        without answers between the first and last date appear with n = 0.
        ``attrs`` hold ``freq``, ``period_freq`` (e.g. ``"Q-DEC"``),
        ``compare_to``, ``confidence``, ``method``, ``min_n`` and
        ``n_undated`` (and ``design`` and ``df``).

    See Also
    --------
    current_vs_previous : Only the latest period against an earlier one.
    trend : A linear trend over the periods.
    rolling_nps : NPS over a rolling window.
    decompose_change : What drove a change between two periods.
    plot_trend : Draw the table.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"score": [10, 9, 3, 10, 8, 9, 0, 10],
    ...                    "date": ["2024-01-15", "2024-02-01", "2024-03-30", "2024-04-02",
    ...                             "2024-05-05", "2024-11-11", "2024-12-01", "31.12.2024"]})
    >>> table = compare_periods(df, min_n=3)
    >>> table[["period", "n", "nps", "change", "low_n"]]
      period  n   nps  change  low_n
    0 2024Q1  3  33.3     NaN  False
    1 2024Q2  2  50.0    16.7   True
    2 2024Q3  0   NaN     NaN   True
    3 2024Q4  3  33.3     NaN  False

    A clustered sample (stores sampled within regions), the same stores
    asked in both quarters:

    >>> from nps_toolkit import SurveyDesign
    >>> stores = pd.DataFrame({"score": [10, 9, 3, 8, 10, 0, 9, 6] * 2, "store": [1, 1, 2, 2, 3, 3, 4, 4] * 2,
    ...                        "region": list("NNNNSSSS") * 2,
    ...                        "date": ["2024-02-01"] * 8 + ["2024-05-01"] * 4 + ["2024-05-02"] * 4})
    >>> stores.loc[8:, "score"] = [10, 10, 3, 9, 10, 9, 9, 6]
    >>> table = compare_periods(stores, design=SurveyDesign(strata="region", psu="store"), min_n=3)
    >>> table[["period", "n", "nps", "se", "change", "change_low", "change_high"]].round(1)
       period  n   nps    se  change  change_low  change_high
    0  2024Q1  8  12.5  37.5     NaN         NaN          NaN
    1  2024Q2  8  50.0  35.4    37.5       -17.3         92.3
    """
    check_design_arguments(design, weights=weights, df=df)
    check_choice(compare_to, COMPARE_TO, name="compare_to")
    _check_min_n(min_n)
    rng = rng_from(random_state)  # one stream for every interval and change: reproducible with a seed
    if design is not None:
        return _design_compare_periods(data, score=score, date=date, freq=freq, by=by, confidence=confidence,
                                       method=method, compare_to=compare_to, min_n=min_n, design=design, df=df,
                                       rng=rng, dayfirst=dayfirst, scale=scale)
    p = _period_counts(data, score=score, date=date, freq=freq, by=by, weights=weights, scale=scale,
                       confidence=confidence, method=method, random_state=rng, dayfirst=dayfirst)
    confidence = float(confidence)
    table = p.table
    lag = 1 if compare_to == "previous" else _PER_YEAR[p.pfreq[0]]
    change, significant = _period_changes(p, lag=lag, method=method, confidence=confidence, rng=rng)
    out = table.drop(columns=["weighted_total", "n_effective"], errors="ignore")
    for j, name in enumerate(("change", "change_low", "change_high", "p_value")):
        out[name] = change[:, j]
    out["significant"] = significant
    out["low_n"] = _size(p) < min_n
    if p.weighted:
        out["weighted_total"] = table["weighted_total"]
        out["n_effective"] = table["n_effective"]
    out.attrs = {"freq": freq, "period_freq": p.pfreq, "compare_to": compare_to, "confidence": confidence,
                 "method": method, "min_n": min_n, "n_undated": p.n_undated, "score": score, "date": date,
                 "by": as_column_list(by), "weights": weights}
    return out


@shared_docs
def current_vs_previous(data: pd.DataFrame, *, score="score", date="date", freq="QE", confidence=0.95,
                        method="adjusted-wald", compare_to="previous", weights=None, random_state=None,
                        dayfirst=None, scale=None, design=None, df=None) -> Comparison:
    """This period against the last one: the latest period with answers against an earlier one.

    Parameters
    ----------
    data, score, date, freq, confidence, method, weights, random_state, dayfirst
        As in :func:`compare_periods`.
    compare_to : {"previous", "year_ago"}
        ``"previous"``: the latest earlier period *with answers* (normally
        the period just before; an empty period in between is passed
        over). ``"year_ago"``: the same period a year earlier, which must
        have answers.
    {{scale}}
    {{design}}
        Not with ``weights``. The comparison is the design-based contrast
        of the two periods (R's ``svycontrast``, the change of
        :func:`compare_periods` with ``design``): Wald interval, p-value
        and ``statistic`` from its standard error, whatever ``method``
        (recorded as given); ``n_a`` and ``n_b`` are the sums of the
        weights of the answers.
    {{df}}
        The distribution of the interval, p-value and statistic.

    Returns
    -------
    Comparison
        ``compare(current_counts, earlier_counts, method=method,
        confidence=confidence)``: ``difference`` is current minus earlier.
        With ``design``, its ``attrs`` (an attribute of this object, not a
        field) hold ``design``, ``df``, ``se`` (of the difference) and
        ``df_design`` (the design's degrees of freedom).

    Raises
    ------
    ValueError
        Fewer than two periods with answers, or no answers a year earlier.

    See Also
    --------
    compare_periods : Every period compared with the one before.
    decompose_change : What drove the change.
    compare : Compare the NPS of two samples.
    Comparison : The result returned.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"score": [10, 9, 3, 10, 8, 0],
    ...                    "date": ["2024-01-15", "2024-02-01", "2024-03-30", "2024-04-02", "2024-05-05",
    ...                             "2024-06-11"]})
    >>> result = current_vs_previous(df, method="wald")
    >>> round(result.difference, 1), round(result.nps_a, 1), round(result.nps_b, 1)
    (-33.3, 0.0, 33.3)

    With a design (here every row its own PSU, weighted):

    >>> from nps_toolkit import SurveyDesign
    >>> df["w"] = [1.0, 2.0, 1.0, 1.0, 2.0, 1.0]
    >>> result = current_vs_previous(df, design=SurveyDesign(weights="w"))
    >>> round(result.difference, 1), round(result.attrs["se"], 1), result.attrs["df_design"]
    (-50.0, 64.2, 5)
    """
    check_design_arguments(design, weights=weights, df=df)
    check_choice(compare_to, COMPARE_TO, name="compare_to")
    if design is not None:
        return _design_current_vs_previous(data, score=score, date=date, freq=freq, confidence=confidence,
                                           method=method, compare_to=compare_to, design=design, df=df,
                                           dayfirst=dayfirst, scale=scale)
    p = _period_counts(data, score=score, date=date, freq=freq, by=None, weights=weights, scale=scale,
                       confidence=confidence, method=method, dayfirst=dayfirst)
    current, earlier = _latest_pair(p.table["n"].to_numpy(float), np.array([c.n for c in p.counts], float),
                                    labels=list(p.table["period"]), compare_to=compare_to, pfreq=p.pfreq)
    return _compare(p.counts[current], p.counts[earlier], method=method, confidence=float(confidence),
                    random_state=random_state)


# -- decomposition ---------------------------------------------------------------------------------------------
def _counts_of(values, score, name, weights=None, scale=None) -> NPSCounts:
    if isinstance(values, NPSCounts):
        return values
    if isinstance(values, pd.DataFrame):
        check_columns(values, [score], role=f"score column of {name}")
        if weights is not None:
            check_columns(values, [weights], role=f"weights column of {name}")
            return counts(values[score], weights=values[weights], scale=scale)
        return counts(values[score], scale=scale)
    try:
        return counts(values, scale=scale)
    except TypeError as exc:
        raise TypeError(f"{name}: {exc}") from None


def _segment_label(key) -> str:
    parts = key if isinstance(key, tuple) else (key,)
    return " / ".join("(missing)" if pd.isna(v) else str(v) for v in parts)


def _is_count_table(frame, score) -> bool:
    """A DataFrame of counts (promoters, passives, detractors columns) rather than of answers."""
    return isinstance(frame, pd.DataFrame) and score not in frame.columns and \
        all(c in frame.columns for c in ("promoters", "passives", "detractors"))


def _totals_of(values, score, name, weights=None, scale=None) -> tuple[float, float, float]:
    """(n, promoters, detractors) of answers, NPSCounts or a count table (summed over its rows)."""
    if _is_count_table(values, score):
        pro, pas, det = (float(values[c].sum()) for c in ("promoters", "passives", "detractors"))
        return pro + pas + det, pro, det
    c = _counts_of(values, score, name, weights, scale)
    return float(c.n), float(c.promoters), float(c.detractors)


def _category_split(previous, current, *, score, weights, scale) -> pd.DataFrame:
    """The change split into promoters and detractors (decompose_change without by)."""
    (n0, pro0, det0), (n1, pro1, det1) = (_totals_of(frame, score, name, weights, scale) for frame, name in
                                          ((previous, "previous"), (current, "current")))
    for name, n in (("previous", n0), ("current", n1)):
        if not n > 0:
            raise ValueError(f"{name} has no answers (n = 0); its NPS is undefined")
    return pd.DataFrame({
        "component": ["previous", "promoters", "detractors", "current"],
        "points": [100.0 * (pro0 - det0) / n0, 100.0 * (pro1 / n1 - pro0 / n0) + 0.0,
                   -100.0 * (det1 / n1 - det0 / n0) + 0.0, 100.0 * (pro1 - det1) / n1],
        "kind": ["level", "change", "change", "level"],
    })


def _segment_tables(previous, current, *, by_cols, score, weights, scale) -> pd.DataFrame:
    """n, promoters and detractors per segment of both periods, side by side (suffixes _0, _1), sorted."""
    for name, frame in (("previous", previous), ("current", current)):
        if not isinstance(frame, pd.DataFrame):
            raise TypeError(f"with by=, {name} must be a DataFrame holding {score!r} and the by column(s), "
                            f"got {type(frame).__name__}")
        check_columns(frame, by_cols, role=f"by column of {name}")
        if not _is_count_table(frame, score):
            check_columns(frame, [score], role=f"score column of {name}")
    tables = []
    for frame in (previous, current):
        if _is_count_table(frame, score):
            table = frame.groupby(by_cols, dropna=False, observed=True)[["promoters", "passives", "detractors"]].sum()
            table["n"] = table["promoters"] + table["passives"] + table["detractors"]
        else:
            table = summarize(frame, score=score, by=by_cols, weights=weights, scale=scale).set_index(by_cols)
            if "weighted_total" in table.columns:  # segment sizes are sums of weights when weighted
                table["n"] = table["weighted_total"]
        tables.append(table[["n", "promoters", "detractors"]])
    return tables[0].add_suffix("_0").join(tables[1].add_suffix("_1"), how="outer", sort=True).fillna(0)


def _shift_share(previous, current, *, by_cols, score, weights, scale) -> pd.DataFrame:
    """The change split into each segment's own change (within) and the change of segment sizes (mix)."""
    both = _segment_tables(previous, current, by_cols=by_cols, score=score, weights=weights, scale=scale)
    n0, n1 = both["n_0"].to_numpy(float), both["n_1"].to_numpy(float)
    keep = (n0 > 0) | (n1 > 0)
    both, n0, n1 = both[keep], n0[keep], n1[keep]
    total0, total1 = n0.sum(), n1.sum()
    for name, total in (("previous", total0), ("current", total1)):
        if not total > 0:
            raise ValueError(f"{name} has no answers (n = 0); its NPS is undefined")
    with np.errstate(invalid="ignore", divide="ignore"):
        nps0 = np.where(n0 > 0, 100.0 * (both["promoters_0"] - both["detractors_0"]) / n0, np.nan)
        nps1 = np.where(n1 > 0, 100.0 * (both["promoters_1"] - both["detractors_1"]) / n1, np.nan)
    w0, w1 = n0 / total0, n1 / total1
    within = np.where((n0 > 0) & (n1 > 0), (w0 + w1) / 2.0 * (nps1 - nps0), 0.0)
    level = np.where(n0 > 0, np.where(n1 > 0, (nps0 + nps1) / 2.0, nps0), nps1)
    mix = float(np.sum(level * (w1 - w0)))
    level0 = 100.0 * float(both["promoters_0"].sum() - both["detractors_0"].sum()) / total0
    level1 = 100.0 * float(both["promoters_1"].sum() - both["detractors_1"].sum()) / total1
    keys = list(both.index)
    segments = [k if len(by_cols) == 1 else _segment_label(k) for k in keys]
    nan = [np.nan]
    out = pd.DataFrame({
        "component": ["previous"] + [f"within: {_segment_label(k)}" for k in keys] + ["mix", "current"],
        "points": [level0] + within.tolist() + [mix, level1],
        "kind": ["level"] + ["change"] * len(keys) + ["change", "level"],
        "segment": pd.Series([None] + segments + [None, None], dtype=object),
        "n_previous": nan + n0.tolist() + nan * 2,
        "n_current": nan + n1.tolist() + nan * 2,
        "share_previous": nan + w0.tolist() + nan * 2,
        "share_current": nan + w1.tolist() + nan * 2,
        "nps_previous": nan + nps0.tolist() + nan * 2,
        "nps_current": nan + nps1.tolist() + nan * 2,
    })
    out.attrs["by"] = by_cols
    return out


@shared_docs
def decompose_change(previous, current, *, by=None, score="score", weights=None, scale=None) -> pd.DataFrame:
    """Split a change in NPS into its parts.

    Without ``by``, the change is split by category: NPS = 100 (P - D), so
    the change is ``100 (P1 - P0)`` from promoters plus ``-100 (D1 - D0)``
    from detractors (P, D: promoter and detractor shares before (0) and
    now (1)); passives move the NPS only through these two shares.

    With ``by`` (shift-share analysis), the NPS of each period is the
    answer-share-weighted mean of the segment scores, ``NPS = sum_s w_s N_s``.
    With midpoint weights the change splits exactly into

    * ``within: s`` = ``(w0_s + w1_s) / 2 * (N1_s - N0_s)``: the segment's own
      NPS change, weighted by its average share of answers, and
    * ``mix`` = ``sum_s (N0_s + N1_s) / 2 * (w1_s - w0_s)``: segments growing
      or shrinking.

    A segment with answers in only one of the two periods has no NPS in the
    other (its share there is 0); it contributes only through the mix, at
    the NPS it has (its ``within`` row is 0, its missing NPS is NaN).

    Parameters
    ----------
    previous, current : array-like, Series, NPSCounts or DataFrame
        The two samples. Raw answers, counts (possibly weighted), DataFrames
        with the ``score`` column, or count tables (``promoters``,
        ``passives``, ``detractors`` columns, as ``count_groups`` or
        :func:`compare_periods` give them, so that the rows can stay where
        an engine counted them); with ``by`` both must be DataFrames holding
        the ``by`` column(s) and either the answers or counts per segment.
    by : str or list of str, optional
        Segment column(s) for the shift-share split.
    score : str
        Column of answers in DataFrames.
    weights : str, optional
        Column of survey weights in DataFrames of answers: shares and NPS
        are then weighted (the segment shares are shares of the weights).
    {{scale}}
        Used for raw answers (counts are already categorised).

    Returns
    -------
    DataFrame
        Columns ``component``, ``points``, ``kind``; rows "previous" (kind
        "level", the earlier NPS), the "change" rows, "current" (kind
        "level", the NPS now). The change rows add up to current - previous.
        With ``by`` there are also ``segment``, ``n_previous``,
        ``n_current``, ``share_previous``, ``share_current`` (shares of
        answers, 0..1), ``nps_previous`` and ``nps_current`` on the
        ``within`` rows (missing elsewhere).

    See Also
    --------
    plot_decomposition : Draw the parts of the change as a waterfall.
    current_vs_previous : Whether the change is significant.
    compare_periods : NPS per period, each compared with the one before.

    Examples
    --------
    >>> decompose_change([10, 10, 8, 3, 0], [10, 10, 9, 8, 0])
        component  points    kind
    0    previous     0.0   level
    1   promoters    20.0  change
    2  detractors    20.0  change
    3     current    40.0   level
    >>> import pandas as pd
    >>> before = pd.DataFrame({"score": [10, 10, 0, 0], "region": ["N", "N", "S", "S"]})
    >>> now = pd.DataFrame({"score": [10, 10, 10, 0], "region": ["N", "N", "N", "S"]})
    >>> decompose_change(before, now, by="region")[["component", "points", "kind"]]
         component  points   kind
    0     previous     0.0  level
    1  within: N     0.0 change
    2  within: S     0.0 change
    3          mix    50.0 change
    4      current    50.0  level
    """
    if by is None:
        return _category_split(previous, current, score=score, weights=weights, scale=scale)
    return _shift_share(previous, current, by_cols=as_column_list(by), score=score, weights=weights, scale=scale)


# -- trend -------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Trend:
    """Linear trend of NPS over periods (weighted least squares).

    Attributes
    ----------
    slope : float
        NPS points per period (e.g. per quarter).
    low, high : float
        Confidence interval of the slope.
    p_value : float
        Two-sided p-value of slope = 0 (t distribution, n_periods - 2 df;
        with a design, normal or t on the design's df).
    significant : bool
        ``p_value < 1 - confidence``.
    n_periods : int
        Periods used in the fit.
    confidence : float
        Confidence level.
    intercept : float
        Fitted NPS of the first period of the range (``origin``).
    freq : str
        The frequency as given (e.g. ``"QE"``).
    origin : str
        Label of the period at which the period number is 0.
    unit : str
        ``"week"``, ``"month"``, ``"quarter"`` or ``"year"``.
    n_undated : int
        Rows left out for a missing date.

    See Also
    --------
    trend : Fit the trend.
    compare_periods : The NPS per period that the trend is fitted to.
    plot_trend : Draw the NPS per period.
    """

    slope: float
    low: float
    high: float
    p_value: float
    significant: bool
    n_periods: int
    confidence: float
    intercept: float
    freq: str
    origin: str = ""
    unit: str = "period"
    n_undated: int = 0

    def to_dict(self) -> dict:
        """Plain dict of the fields (for JSON)."""
        return asdict(self)

    def __str__(self) -> str:
        if math.isnan(self.low):
            interval = "no interval with fewer than 3 periods"
        else:
            interval = (f"{self.confidence:.0%} CI {self.low:+.2f} to {self.high:+.2f}; "
                        f"p = {_p(self.p_value)}")
        return (f"NPS trend {self.slope:+.2f} points per {self.unit} ({interval}; "
                f"{self.n_periods} {self.unit}s)")

    def _repr_html_(self) -> str:
        verdict = "significant" if self.significant else "not significant"
        ci = "" if math.isnan(self.low) else (f" &nbsp; {self.confidence:.0%} CI [{self.low:+.2f}, "
                                              f"{self.high:+.2f}], p = {_p(self.p_value)} ({verdict})")
        fit = "generalised" if getattr(self, "attrs", {}).get("design") is not None else "weighted"
        return (f"<div><b>NPS trend {self.slope:+.2f} points per {self.unit}</b>{ci} "
                f"<small>({fit} least squares over {self.n_periods} {self.unit}s from {self.origin})</small>"
                f"</div>")


def _p(value: float) -> str:
    return "<0.001" if value < 0.001 else f"{value:.3f}"


def _period_se(c: NPSCounts) -> float:
    """SE of a period's NPS; when it is 0 (all answers in one category), the Wald SE of
    the adjusted effective counts (:meth:`CountArrays.adjusted`: 0.75 promoters, 1.5 passives,
    0.75 detractors added)."""
    se = c.se
    if se > 0:
        return se
    n = c.n_effective
    effective = CountArrays(*(np.array([share * n]) for share in (c.promoter_share, c.passive_share,
                                                                    c.detractor_share)))
    return float(effective.adjusted().wald_se[0])


def _wls(x, y, se, confidence):
    """Weighted least squares of y on x with weights 1/se^2; (slope, low, high, p, intercept)."""
    from scipy import stats

    k = len(x)
    if k < 2:
        return (math.nan,) * 5
    w = 1.0 / np.square(se)
    xm, ym = np.sum(w * x) / w.sum(), np.sum(w * y) / w.sum()
    sxx = np.sum(w * (x - xm) ** 2)
    slope = float(np.sum(w * (x - xm) * (y - ym)) / sxx)
    intercept = float(ym - slope * xm)
    if k < 3:
        return slope, math.nan, math.nan, math.nan, intercept
    resid = y - intercept - slope * x
    scale = np.sum(w * resid ** 2) / (k - 2)
    se_slope = math.sqrt(scale / sxx)
    t = stats.t.ppf(0.5 + confidence / 2.0, k - 2)
    if se_slope > 0:
        p = float(2.0 * stats.t.sf(abs(slope) / se_slope, k - 2))
    else:
        p = 0.0 if slope != 0 else 1.0
    return slope, slope - t * se_slope, slope + t * se_slope, p, intercept


def _group_fits(p: _Periods, *, exclude_below, confidence) -> list:
    """The fit of each group: (slope, low, high, p_value, significant, n_periods, intercept)."""
    n_periods = len(p.labels)
    x_all = (p.ordinals - p.ordinals[0]).astype(float)
    size = _size(p).reshape(p.groups, n_periods)
    n = p.table["n"].to_numpy(float).reshape(p.groups, n_periods)
    rows = []
    for g in range(p.groups):
        use = np.flatnonzero((n[g] > 0) & (size[g] >= exclude_below))
        cs = [p.counts[g * n_periods + i] for i in use]
        y = np.array([c.nps for c in cs])
        se = np.array([_period_se(c) for c in cs])
        slope, low, high, pval, intercept = _wls(x_all[use], y, se, confidence)
        rows.append((slope, low, high, pval, bool(pval < 1 - confidence), len(use), intercept))
    return rows


@renamed_arguments(min_n="exclude_below")
@shared_docs
def trend(data: pd.DataFrame, *, score="score", date="date", freq="QE", by=None, confidence=0.95, weights=None,
          exclude_below=1, dayfirst=None, scale=None, design=None, df=None):
    """Linear trend of NPS per period, by precision-weighted least squares.

    Each period's NPS ``y_k`` is regressed on its period number ``x_k``
    (0 for the first period of the range; empty periods are skipped but keep
    their place, so gaps are respected) with weights ``1 / SE_k^2``, where
    ``SE_k`` is the standard error of that period's NPS (Wald, or the
    linearisation SE when weighted; a period whose answers all fall in one
    category, SE 0, gets the SE of the adjusted counts instead). The
    slope's standard error is ``sqrt(s^2 / sum w (x - xbar)^2)`` with the
    residual scale ``s^2 = sum w r^2 / (k - 2)`` estimated from the fit
    (so extra period-to-period variation beyond sampling error widens the
    interval); interval and p-value use a t distribution with ``k - 2``
    degrees of freedom. This equals ``np.polyfit(x, y, 1, w=1/SE, cov=True)``.

    With ``design``, the periods' NPS are design-based estimates of domains
    of one sample, correlated when they share PSUs or strata, and the fit
    is generalised least squares with their full covariance ``V``
    (:func:`nps_toolkit.design_estimates`): ``beta = (X'V^-1 X)^-1 X'V^-1 y``
    (``X``: a column of 1s and the period numbers), the slope's variance
    the [1, 1] element of ``(X'V^-1 X)^-1``, with no residual scale (the
    interval reflects the sampling error of the design only). A period
    without variance gets that of its adjusted effective counts, as above.
    Interval and p-value are the Wald ones on the normal distribution, or
    Student's t with the design's degrees of freedom (``df="design"``);
    two periods are enough for an interval.

    Parameters
    ----------
    data, score, date, freq, weights, dayfirst
        As in :func:`compare_periods`.
    by : str or list of str, optional
        One trend per group (returns a DataFrame).
    {{confidence}}
        Of the slope's interval; ``significant`` is ``p_value < 1 - confidence``.
    exclude_below : float
        Periods with fewer answers (Kish effective n when weighted) are left
        out of the fit; periods with no answers always are. 1 by default.
        (Its old name ``min_n`` still works for one release, with a
        ``DeprecationWarning``: it is not :func:`compare_periods`'s
        ``min_n``, which only flags small periods.) With ``design``, the
        design's effective n (``n / deff``, or ``n`` where the design effect
        is undefined).
    {{scale}}
    {{design}}
        Not with ``weights`` (give them in the design); rows without a
        date or an answer keep their PSUs for the variance.
    {{df}}

    Returns
    -------
    Trend or DataFrame
        A :class:`Trend`; with ``by``, a DataFrame with the ``by`` columns
        and ``slope``, ``low``, ``high``, ``p_value``, ``significant``,
        ``n_periods``, ``intercept`` (one row per group; NaN where a group has
        fewer than two periods, NaN interval with fewer than three).
        ``attrs`` hold ``freq``, ``period_freq``, ``origin``, ``unit``,
        ``confidence``, ``min_n`` (the ``exclude_below`` used, under its old
        name) and ``n_undated``. With ``design``, ``attrs`` (of the
        :class:`Trend` too: an attribute, not a field) hold ``design`` and
        ``df``.

    Raises
    ------
    ValueError
        Without ``by``, fewer than two periods with answers. With
        ``design``, a covariance of the periods' estimates that is singular
        (more periods than the design's PSUs can tell apart).

    See Also
    --------
    Trend : The result returned.
    compare_periods : NPS per period, each compared with the one before.
    rolling_nps : NPS over a rolling window.
    plot_trend : Draw the NPS per period.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"score": [10, 0, 8, 7] * 2 + [10, 10, 0, 8] * 2 + [10, 10, 10, 8] * 2,
    ...                    "date": ["2024-01-10"] * 8 + ["2024-04-10"] * 8 + ["2024-07-10"] * 8})
    >>> t = trend(df)
    >>> round(t.slope, 1), t.n_periods, t.origin
    (38.6, 3, '2024Q1')
    >>> print(t)
    NPS trend +38.64 points per quarter (95% CI -30.91 to +108.18; p = 0.090; 3 quarters)

    The same answers as a sample of independent respondents (a design):
    the same slope, with an interval of the sampling error alone (no
    residual scale):

    >>> from nps_toolkit import SurveyDesign
    >>> print(trend(df.assign(w=1.0), design=SurveyDesign(weights="w")))
    NPS trend +38.64 points per quarter (95% CI +9.90 to +67.37; p = 0.008; 3 quarters)
    """
    check_design_arguments(design, weights=weights, df=df)
    confidence = check_confidence(confidence)
    _check_min_n(exclude_below, name="exclude_below")
    if design is not None:
        return _design_trend(data, score=score, date=date, freq=freq, by=by, confidence=confidence,
                             exclude_below=exclude_below, design=design, df=df, dayfirst=dayfirst, scale=scale)
    p = _period_counts(data, score=score, date=date, freq=freq, by=by, weights=weights, scale=scale,
                       confidence=confidence, dayfirst=dayfirst)
    rows = _group_fits(p, exclude_below=exclude_below, confidence=confidence)
    return _trend_result(rows, by=by, labels=p.labels, pfreq=p.pfreq, table=p.table,
                         freq=freq, confidence=confidence, exclude_below=exclude_below, n_undated=p.n_undated)


def _trend_result(rows, *, by, labels, pfreq, table, freq, confidence, exclude_below, n_undated, extra=None):
    """The Trend (without ``by``) or the table of the groups' fits; ``extra`` goes to its ``attrs``."""
    if by is None:
        slope, low, high, pval, significant, k, intercept = rows[0]
        if k < 2:
            raise ValueError(f"need at least two periods with answers (n >= {exclude_below}) for a trend; found {k}")
        result = Trend(slope=slope, low=low, high=high, p_value=pval, significant=significant, n_periods=k,
                       confidence=confidence, intercept=intercept, freq=freq, origin=labels[0],
                       unit=_unit(pfreq), n_undated=n_undated)
        return result if extra is None else _with_attrs(result, **extra)
    out = table[as_column_list(by)].iloc[::len(labels)].reset_index(drop=True)
    values = pd.DataFrame(rows, columns=["slope", "low", "high", "p_value", "significant", "n_periods",
                                         "intercept"])
    out = pd.concat([out, values], axis=1)
    # "min_n": the attrs key of the release before exclude_below= (kept while min_n= is deprecated)
    out.attrs = {"freq": freq, "period_freq": pfreq, "origin": labels[0], "unit": _unit(pfreq),
                 "confidence": confidence, "min_n": exclude_below, "n_undated": n_undated, **(extra or {})}
    return out


# -- rolling -------------------------------------------------------------------------------------------------------
def _window_sums(values, window: int) -> np.ndarray:
    """Sum of each value with the ``window - 1`` before it (fewer at the start)."""
    cs = np.concatenate([[0], np.cumsum(values)])
    idx = np.arange(1, len(values) + 1)
    return cs[idx] - cs[np.maximum(idx - window, 0)]


def _rolling_periods(data, *, score, date, window, freq, min_periods, dayfirst, scale) -> pd.DataFrame:
    """Rolling NPS over ``window`` periods: counts summed over the window, NPS from the sums."""
    p = _period_counts(data, score=score, date=date, freq=freq, by=None, weights=None, scale=scale,
                       dayfirst=dayfirst)
    pro, det, n = (p.table[c].to_numpy(np.int64) for c in ("promoters", "detractors", "n"))
    sums = {name: _window_sums(v, window)
            for name, v in (("pro", pro), ("det", det), ("n", n), ("filled", (n > 0).astype(np.int64)))}
    with np.errstate(invalid="ignore", divide="ignore"):
        value = np.where((sums["n"] > 0) & (sums["filled"] >= min_periods),
                         100.0 * (sums["pro"] - sums["det"]) / np.maximum(sums["n"], 1), np.nan)
    out = pd.DataFrame({"period": p.table["period"], "n": sums["n"], "nps": value})
    out.attrs = {"freq": freq, "period_freq": p.pfreq, "window": window, "n_undated": p.n_undated}
    return out


def _rolling_answers(data, *, score, date, window, min_periods, dayfirst, scale) -> pd.DataFrame:
    """Rolling NPS over the last ``window`` answers, in date order (ties keep the row order)."""
    check_columns(data, [score], role="score column")
    check_columns(data, [date], role="date column")
    codes = score_codes(data[score], scale=scale, column=str(score))
    dates = parse_dates(data[date], column=str(date), dayfirst=dayfirst)
    dated = dates.notna().to_numpy()
    use = np.flatnonzero(dated & (codes >= 0))
    order = use[np.argsort(dates.to_numpy()[use], kind="stable")]
    y = codes[order].astype(np.int64) - 1  # -1 detractor, 0 passive, +1 promoter
    count = _window_sums(np.ones(len(y), dtype=np.int64), window)
    total = _window_sums(y, window)
    value = np.where(count >= min_periods, 100.0 * total / np.maximum(count, 1), np.nan)
    out = pd.DataFrame({"date": dates.to_numpy()[order], "n": count, "nps": value}, index=data.index[order])
    out.attrs = {"window": window, "n_undated": int((~dated).sum())}
    return out


@shared_docs
def rolling_nps(data: pd.DataFrame, *, score="score", date="date", window, freq=None, min_periods=1,
                dayfirst=None, scale=None):
    """Rolling NPS over a window of periods or of responses.

    Parameters
    ----------
    data : DataFrame
        One row per respondent. Not modified. With ``freq``, anything
        :func:`compare_periods` takes.
    {{score}}
    {{date}}
    window : int
        With ``freq``: number of periods (the current one and the
        ``window - 1`` before it, empty periods included). Without: number
        of answers, in date order (ties keep the row order).
    freq : str, optional
        Period length (see ``period_freq``). Counts are summed over the
        window's periods and the NPS taken from the sums (not an average of
        period scores).
    min_periods : int
        NPS is NaN where the window holds fewer periods *with answers* (with
        ``freq``) or fewer answers (without) than this.
    {{dayfirst}}
    {{scale}}

    Returns
    -------
    DataFrame
        With ``freq``: ``period``, ``n``, ``nps``, one row per period of the
        range. Without: ``date``, ``n``, ``nps``, one row per answer (rows
        with a missing answer or date left out), indexed by the data's
        index, in date order.

    See Also
    --------
    compare_periods : NPS per period, each compared with the one before.
    trend : A linear trend over the periods.
    plot_trend : Draw NPS per period.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"score": [10, 0, 10, 9, 8],
    ...                    "date": ["2024-01-05", "2024-02-05", "2024-03-05", "2024-05-05", "2024-01-01"]})
    >>> rolling_nps(df, window=2, freq="ME")
      period  n    nps
    0 2024-01  2   50.0
    1 2024-02  3    0.0
    2 2024-03  2    0.0
    3 2024-04  1  100.0
    4 2024-05  1  100.0
    >>> rolling_nps(df, window=3)["nps"].round(1).tolist()
    [0.0, 50.0, 0.0, 33.3, 33.3]
    """
    window = check_positive_int(window, name="window")
    min_periods = check_positive_int(min_periods, name="min_periods")
    if min_periods > window:
        raise ValueError(f"min_periods ({min_periods}) must not exceed window ({window})")
    if freq is not None:
        return _rolling_periods(data, score=score, date=date, window=window, freq=freq, min_periods=min_periods,
                                dayfirst=dayfirst, scale=scale)
    return _rolling_answers(data, score=score, date=date, window=window, min_periods=min_periods,
                            dayfirst=dayfirst, scale=scale)
