"""Figures of NPS results, in the seaborn manner.

Every function takes ``data`` (a table, or answers) plus column names,
draws onto ``ax`` (a new figure and axes when None) and returns the
matplotlib Axes. Labels, titles and legends are in the report language
(``language="en"``, ``"ru"`` or ``"pl"``; wording in :mod:`nps_toolkit._i18n`).

* :func:`plot_distribution`: answers 0-10 as bars coloured by category, NPS in the title.
* :func:`plot_nps`: NPS by group with interval bars, a benchmark line and the interpretation bands.
* :func:`plot_trend`: NPS per period (the table of ``compare_periods``) with significant changes marked.
* :func:`plot_comparison`: forest plot of differences (the table of ``compare_groups``).
* :func:`plot_decomposition`: waterfall of a change in NPS (the table of ``decompose_change``).

One palette, :data:`PALETTE`, colours the three categories in every figure:
red for detractors, amber for passives and bluish green for promoters. The
red and the green differ in lightness and in blue content, so they stay
apart under the common red-green colour-vision deficiencies, and the
amber stays apart from both. Increases and significantly higher values use
the promoter green, decreases and significantly lower values the detractor
red; levels and estimates without a direction use :data:`NEUTRAL`.
"""

from __future__ import annotations

import math
import numbers
import textwrap
from collections.abc import Iterable

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.transforms import blended_transform_factory

from . import _i18n
from ._validation import as_column_list, check_columns, check_confidence, describe_offenders
from .interpretation import BANDS, interpret
from .counting import count_values
from .scale import CATEGORIES, DEFAULT_SCALE, score_codes
from .summary import summarize

__all__ = ["PALETTE", "NEUTRAL", "MUTED", "plot_distribution", "plot_nps", "plot_trend", "plot_comparison",
           "plot_decomposition"]

#: Colours of the three categories, used by every figure.
PALETTE = {"detractor": "#d62728", "passive": "#e8b04a", "promoter": "#1b9e77"}

#: Colour of estimates and levels that have no direction (NPS points, waterfall levels).
NEUTRAL = "#3b4a5c"

#: Colour of what is not significant or not available.
MUTED = "#a3a3a3"

_PLURAL = {"detractor": "detractors", "passive": "passives", "promoter": "promoters"}
_GRID = "#e6e6e6"
_BAND_ALPHA = {"very_low": ("detractor", 0.09), "satisfactory": ("passive", 0.12), "high": ("promoter", 0.08),
               "very_high": ("promoter", 0.16)}


# -- shared helpers -------------------------------------------------------------------------------------------
def _axes(ax, figsize) -> Axes:
    if ax is None:
        _, ax = plt.subplots(figsize=figsize, layout="constrained")
        return ax
    if not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes (or None for a new figure), got {type(ax).__name__}")
    return ax


def _table(data, what: str) -> pd.DataFrame:
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"data must be a pandas DataFrame ({what}), got {type(data).__name__}")
    return data


def _numbers(data: pd.DataFrame, column) -> np.ndarray:
    """Float array of a column (NaN where missing); text or booleans raise TypeError naming the column."""
    series = data[column]
    if pd.api.types.is_bool_dtype(series.dtype):
        raise TypeError(f"column {column!r} must hold numbers, got booleans")
    if pd.api.types.is_numeric_dtype(series.dtype):
        return series.to_numpy(dtype=float, na_value=np.nan)
    converted = pd.to_numeric(series.astype(object), errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    raw = series.to_numpy(dtype=object)
    bad = np.isnan(converted) & ~pd.isna(series).to_numpy()
    bad |= np.fromiter((isinstance(v, (bool, np.bool_, str)) for v in raw), bool, len(raw)) & ~pd.isna(series)
    if bad.any():
        pos = np.flatnonzero(bad)
        raise TypeError(f"column {column!r} must hold numbers, got {describe_offenders(list(raw[pos]), pos)}")
    return converted


def _flags(data: pd.DataFrame, column) -> np.ndarray:
    """Boolean array of a True/False column; missing values count as False."""
    raw = data[column].to_numpy(dtype=object)
    out = np.zeros(len(raw), dtype=bool)
    bad = []
    for i, v in enumerate(raw):
        if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
            continue
        if isinstance(v, (bool, np.bool_)):
            out[i] = bool(v)
        elif isinstance(v, numbers.Real) and float(v) in (0.0, 1.0):
            out[i] = bool(v)
        else:
            bad.append(i)
    if bad:
        raise TypeError(f"column {column!r} must hold True/False (missing counts as False), got "
                        f"{describe_offenders(list(raw[bad]), bad)}")
    return out


def _label(value, language) -> str:
    if isinstance(value, tuple):
        return " / ".join(_label(v, language) for v in value)
    try:
        if pd.isna(value):
            return _i18n.text("missing_group", language)
    except (TypeError, ValueError):
        pass
    return str(value)


def _group_keys(table: pd.DataFrame, columns: list) -> list:
    if len(columns) == 1:
        return table[columns[0]].tolist()
    return list(table[columns].itertuples(index=False, name=None))


def _same(a, b) -> bool:
    try:
        return bool(a == b)
    except (TypeError, ValueError):
        return False


def _first_text_column(data: pd.DataFrame, exclude=()):
    for c in data.columns:
        if c not in exclude and not pd.api.types.is_numeric_dtype(data[c].dtype):
            return c
    return None


def _confidence_text(confidence, language) -> str:
    pct = 100.0 * float(confidence)
    return _i18n.number(pct, language, decimals=0 if abs(pct - round(pct)) < 1e-9 else 1) + "%"


def _limits(*values, pad: float = 0.08, min_span: float = 20.0, bounds=(-100.0, 100.0)) -> tuple[float, float]:
    """Axis limits around every finite value (never hiding one), padded, kept in ``bounds`` when possible."""
    v = np.concatenate([np.ravel(np.asarray(x, dtype=float)) for x in values]) if values else np.array([])
    v = v[np.isfinite(v)]
    if v.size == 0:
        return bounds
    lo, hi = float(v.min()), float(v.max())
    if hi - lo < min_span:
        mid = (lo + hi) / 2.0
        lo, hi = min(lo, mid - min_span / 2.0), max(hi, mid + min_span / 2.0)
    margin = pad * (hi - lo)
    low = max(lo - margin, min(bounds[0], float(v.min())))
    high = min(hi + margin, max(bounds[1], float(v.max())))
    return low, high


def _style(ax: Axes, grid_axis: str = "y") -> None:
    sns.despine(ax=ax)
    ax.grid(axis=grid_axis, color=_GRID, linewidth=0.8)
    ax.set_axisbelow(True)


def _check_benchmark(benchmark) -> float | None:
    if benchmark is None:
        return None
    if isinstance(benchmark, (bool, np.bool_)) or not isinstance(benchmark, numbers.Real):
        raise TypeError(f"benchmark must be an NPS number between -100 and 100 (or None), got {benchmark!r}")
    value = float(benchmark)
    if not (math.isfinite(value) and -100.0 <= value <= 100.0):
        raise ValueError(f"benchmark must be an NPS number between -100 and 100, got {benchmark!r}")
    return value


# -- distribution ---------------------------------------------------------------------------------------------
def plot_distribution(data=None, *, score="score", weights=None, scale=None, ax=None, language="en", title=None):
    """Bar chart of the answers, one bar per answer value, coloured by category.

    Parameters
    ----------
    data : DataFrame, Series, array-like, path, DuckDB relation, Polars or Spark DataFrame
        A table with the ``score`` column, or the answers themselves. A
        table that an engine counts (:mod:`nps_toolkit.engines`) is counted
        per answer value where it is; only the eleven counts come back.
    score : str
        Column of answers when ``data`` is a table.
    weights : str or array-like, optional
        Survey weights: a column of ``data`` (or one weight per answer).
        Bars and NPS are then weighted.
    scale : NPSScale, optional
        A custom category scale; the standard 0-6 / 7-8 / 9-10 by default.
    ax : matplotlib Axes, optional
        Where to draw; a new figure when None.
    language : {"en", "ru", "pl"}
        Language of the labels.
    title : str, optional
        Heading of the figure; NPS and n are always added to it.

    Returns
    -------
    matplotlib Axes
        Every value of the scale has a bar (zero-height when nobody gave
        it), whose height is its percentage of the non-missing answers; the
        bars are in ``ax.containers[0]``. The title shows the NPS and n; the
        legend the share of each category.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> ax = plot_distribution([10, 9, 8, 7, 6, 0, None, 10, 3, 9])
    >>> len(ax.containers[0]), round(float(ax.containers[0][10].get_height()), 2)  # 2 tens of 9 answers
    (11, 22.22)
    >>> ax.get_title()
    'Distribution of answers: NPS = 11.1, n = 9'
    >>> plt.close("all")
    """
    _i18n.check_language(language)
    if data is None:
        raise TypeError("data is required: a DataFrame with the score column, or a Series or array of answers")
    sums, c, n_answers = count_values(data, score=score, weights=weights, scale=scale)
    scale = DEFAULT_SCALE if scale is None else scale
    total = sums.sum()
    heights = 100.0 * sums / total if total > 0 else np.zeros(len(scale.values))

    ax = _axes(ax, (7.5, 4.2))
    bar_codes = score_codes(list(scale.values), scale=scale)
    colours = [PALETTE[CATEGORIES[k]] for k in bar_codes]
    bars = ax.bar(scale.values, heights, width=0.78, color=colours, edgecolor="white", linewidth=0.8, zorder=2)
    for bar, h in zip(bars, heights):
        label = _i18n.number(h, language, decimals=0 if h >= 9.95 or h == 0 else 1)
        ax.annotate(label, (bar.get_x() + bar.get_width() / 2, h), xytext=(0, 2), textcoords="offset points",
                    ha="center", va="bottom", fontsize=8, color="#333333")
    top = max(float(heights.max()), 5.0)
    ax.set_ylim(0, top * 1.45)
    ax.set_xlim(scale.minimum - 0.6, scale.maximum + 0.6)
    ax.set_xticks(list(scale.values))
    ax.set_xlabel(_i18n.text("answer_scale", language, low=scale.minimum, high=scale.maximum))
    ax.set_ylabel(_i18n.text("share_pct", language))
    _style(ax)

    groups = {"detractor": scale.detractors, "passive": scale.passives, "promoter": scale.promoters}
    shares = {"detractor": c.detractor_share, "passive": c.passive_share, "promoter": c.promoter_share}
    handles = []
    for cat in CATEGORIES:
        if not groups[cat]:
            continue
        lo, hi = groups[cat][0], groups[cat][-1]
        name = _i18n.text(_PLURAL[cat], language)
        legend = _i18n.text("category_legend", language, category=name, low=lo, high=hi,
                            share=_i18n.percent(shares[cat], language))
        if lo == hi:
            legend = legend.replace(f"({lo}–{hi})", f"({lo})")
        handles.append(Patch(facecolor=PALETTE[cat], edgecolor="white", label=legend))
    ax.legend(handles=handles, loc="upper left", frameon=False, fontsize=9)

    n_text = _i18n.number(n_answers, language, decimals=0)
    n_part = _i18n.text("n_eq", language, n=n_text)
    if c.weighted:
        n_part += f" ({_i18n.text('weighted', language)})"
    heading = _i18n.text("distribution_title", language) if title is None else str(title)
    nps_part = _i18n.text("nps_value", language, nps=_i18n.number(c.nps, language))
    ax.set_title(f"{heading}: {nps_part}, {n_part}" if heading else f"{nps_part}, {n_part}")
    return ax


# -- NPS by group ---------------------------------------------------------------------------------------------
def _bands(ax: Axes, language: str) -> None:
    """Shade the interpretation bands and name the visible ones at the right edge."""
    edges = [BANDS["very_low"][0], BANDS["satisfactory"][0], BANDS["satisfactory"][1], BANDS["high"][1],
             BANDS["very_high"][1]]
    low, high = ax.get_ylim()
    trans = blended_transform_factory(ax.transAxes, ax.transData)
    for key, a, b in zip(BANDS, edges[:-1], edges[1:]):
        cat, alpha = _BAND_ALPHA[key]
        ax.axhspan(a, b, color=PALETTE[cat], alpha=alpha, linewidth=0, zorder=0)
        seen_a, seen_b = max(a, low), min(b, high)
        if (seen_b - seen_a) >= 0.07 * (high - low):
            ax.text(0.995, (seen_a + seen_b) / 2.0, interpret((a + b) / 2.0, language), transform=trans,
                    ha="right", va="center", fontsize=8, color="#555555", style="italic", zorder=1)


def plot_nps(data, *, by=None, score="score", benchmark=None, bands=True, ax=None, language="en", confidence=0.95,
             method="adjusted-wald", order=None):
    """NPS of each group with its confidence interval.

    Parameters
    ----------
    data : DataFrame
        Either a summary table (columns ``nps``, ``ci_low``, ``ci_high``
        and the ``by`` column, e.g. from :func:`nps_toolkit.summarize` or
        ``compare_groups``), or one row per respondent with the ``score``
        column, which is then summarised by ``by``.
    by : str or list of str, optional
        Group column(s). For a summary table without ``by``, the groups are
        named by its first text column (or its index); raw answers without
        ``by`` give one estimate for everybody.
    score : str
        Column of answers (raw data only).
    benchmark : float, optional
        Draws a labelled horizontal line at this NPS.
    bands : bool
        Shade the interpretation bands (very low < 0, satisfactory 0-30,
        high 31-70, very high 71-100) and name them.
    ax : matplotlib Axes, optional
        Where to draw; a new figure when None.
    language : {"en", "ru", "pl"}
        Language of the labels.
    confidence, method
        Confidence level and interval method of :func:`nps_toolkit.summarize`
        (raw data). For a summary table, ``confidence`` only names the
        intervals in the legend, unless the table records its own
        (``data.attrs["confidence"]``, as summarize does).
    order : list, optional
        Groups to show, in this order. A group not in the data is shown as
        an empty tick.

    Returns
    -------
    matplotlib Axes
        One tick per group labelled with the group and its n; groups with
        an NPS get a point with an interval bar (one errorbar container in
        ``ax.containers``); groups without answers (n = 0, NaN NPS) keep an
        empty tick. Groups flagged in a ``low_n`` column get hollow markers.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import pandas as pd
    >>> df = pd.DataFrame({"score": [10, 9, 8, 3, 10, 9, 9, 7, 0, 10], "region": list("NNNNNSSSSS")})
    >>> ax = plot_nps(df, by="region", benchmark=20)
    >>> [t.get_text() for t in ax.get_xticklabels()]
    ['N\\nn = 5', 'S\\nn = 5']
    >>> ax.get_title()
    'NPS by Region'
    >>> plt.close("all")
    """
    _i18n.check_language(language)
    _table(data, "a summary table with nps, ci_low, ci_high, or one row per respondent")
    by_cols = as_column_list(by)
    check_columns(data, by_cols, role="by column")
    confidence = check_confidence(confidence)
    bench = _check_benchmark(benchmark)
    if "nps" in data.columns:
        check_columns(data, ["nps", "ci_low", "ci_high"], role="summary column")
        table = data
        confidence = check_confidence(data.attrs.get("confidence", confidence))
    else:
        check_columns(data, [score], role="score column")
        table = summarize(data, score=score, by=by_cols or None, confidence=confidence, method=method)

    label_col = None if by_cols or table is not data else _first_text_column(table)
    if by_cols:
        keys = _group_keys(table, by_cols)
        group_title = " / ".join(_i18n.header(c, language) for c in by_cols)
    elif label_col is not None:
        keys, group_title = table[label_col].tolist(), _i18n.header(label_col, language)
    elif len(table) == 1:
        keys, group_title = [_i18n.text("overall", language)], None
    else:
        keys, group_title = list(table.index), None
    labels = [_label(k, language) for k in keys]
    est, low, high = (_numbers(table, c) for c in ("nps", "ci_low", "ci_high"))
    n = _numbers(table, "n") if "n" in table.columns else np.full(len(table), np.nan)
    low_n = _flags(table, "low_n") if "low_n" in table.columns else np.zeros(len(table), bool)

    rows = list(range(len(table)))
    if order is not None:
        if isinstance(order, (str, bytes)) or not isinstance(order, Iterable):
            raise TypeError(f"order must be a list of groups, got {order!r}")
        rows = []
        for item in order:
            hit = next((i for i, (key, lab) in enumerate(zip(keys, labels))
                        if _same(key, item) or lab == str(item)), None)
            rows.append(hit if hit is not None else _label(item, language))
    k = len(rows)

    def pick(arr, fill):
        return np.array([arr[r] if isinstance(r, int) else fill for r in rows])

    est, low, high, n = (pick(a, np.nan) for a in (est, low, high, n))
    low_n = pick(low_n, False).astype(bool)
    names = [labels[r] if isinstance(r, int) else r for r in rows]
    tick_labels = [f"{name}\n{_i18n.text('n_eq', language, n=_i18n.number(v, language, decimals=0))}"
                   if np.isfinite(v) else name for name, v in zip(names, n)]

    ax = _axes(ax, (max(4.5, 1.1 * k + 2.5), 4.6))
    x = np.arange(k, dtype=float)
    ok = np.isfinite(est)
    lo_err = np.where(np.isfinite(low), est - low, 0.0).clip(min=0)
    hi_err = np.where(np.isfinite(high), high - est, 0.0).clip(min=0)
    handles = []
    conf_text = _confidence_text(confidence, language)
    if ok.any():
        ax.errorbar(x[ok], est[ok], yerr=[lo_err[ok], hi_err[ok]], fmt="o", color=NEUTRAL, ecolor=NEUTRAL,
                    elinewidth=2.2, capsize=5, capthick=1.5, markersize=8, zorder=4)
        handles.append(Line2D([], [], color=NEUTRAL, marker="o", lw=2.2, markersize=7,
                              label=_i18n.text("nps_with_interval", language, confidence=conf_text)))
        hollow = ok & low_n
        if hollow.any():
            ax.plot(x[hollow], est[hollow], "o", ls="none", markersize=8, markerfacecolor="white",
                    markeredgecolor=NEUTRAL, markeredgewidth=1.8, zorder=5)
            min_n = table.attrs.get("min_n")
            note = (_i18n.text("low_n", language, min_n=_i18n.number(min_n, language, decimals=0))
                    if isinstance(min_n, numbers.Real) else _i18n.text("low_n_short", language))
            handles.append(Line2D([], [], ls="none", marker="o", markersize=7, markerfacecolor="white",
                                  markeredgecolor=NEUTRAL, markeredgewidth=1.8, label=note))
        for xi, v in zip(x[ok], est[ok]):
            ax.annotate(_i18n.number(v, language), (xi, v), xytext=(9, 0), textcoords="offset points",
                        ha="left", va="center", fontsize=9, color=NEUTRAL, zorder=6)
    if bench is not None:
        ax.axhline(bench, color="#444444", linestyle="--", linewidth=1.3, zorder=3,
                   label=_i18n.text("benchmark_value", language, value=_i18n.number(bench, language)))
        handles.append(Line2D([], [], color="#444444", linestyle="--", linewidth=1.3,
                              label=_i18n.text("benchmark_value", language, value=_i18n.number(bench, language))))

    ylo, yhi = _limits(est, low, high, [] if bench is None else [bench])
    ax.set_ylim(ylo, yhi)
    y_mid = (ylo + yhi) / 2.0
    for xi in x[~ok]:
        ax.text(xi, y_mid, _i18n.text("no_answers", language), ha="center", va="center", fontsize=8,
                color=MUTED, style="italic", rotation=90)
    ax.set_xticks(x, tick_labels)
    ax.set_xlim(-0.6, k - 0.4 + (0.9 if bands else 0.0))  # with bands: a margin on the right for their names
    ax.set_ylabel(_i18n.text("nps", language))
    if group_title:
        ax.set_xlabel(group_title)
        ax.set_title(_i18n.text("nps_by", language, group=group_title))
    else:
        ax.set_title(_i18n.text("nps", language))
    _style(ax)
    if bands:
        _bands(ax, language)
    if handles:
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize=8.5)
    return ax


# -- trend ----------------------------------------------------------------------------------------------------
def _period_order(values: pd.Series) -> list:
    if isinstance(values.dtype, pd.PeriodDtype) or pd.api.types.is_datetime64_any_dtype(values.dtype):
        return [str(v) for v in sorted(values.dropna().unique())]
    return list(dict.fromkeys(str(v) for v in values if not (v is None or v is pd.NA or v != v)))


def plot_trend(data, *, period="period", by=None, ax=None, language="en", show_changes=True):
    """NPS per period as a line with its interval band; significant changes and low-n periods marked.

    Parameters
    ----------
    data : DataFrame
        One row per period (and ``by`` group), as returned by
        ``nps_toolkit.compare_periods``: ``period`` labels, ``nps``,
        ``ci_low``, ``ci_high``; ``significant`` (True where the change
        from the earlier period is significant; missing counts as False)
        when ``show_changes``; optional ``change`` (its sign gives the
        direction; the difference from the previous NPS otherwise), ``n``
        and ``low_n`` (True for periods with few answers).
    period : str
        Column of period labels, in time order (periods given as pandas
        Periods or dates are sorted).
    by : str or list of str, optional
        Group column(s): one line per group, in seaborn's colour-blind
        palette.
    ax : matplotlib Axes, optional
        Where to draw; a new figure when None.
    language : {"en", "ru", "pl"}
        Language of the labels.
    show_changes : bool
        Mark significant changes: an upward triangle (green without
        ``by``) for a significant increase, a downward one (red) for a
        significant decrease, with the change in points next to it.

    Returns
    -------
    matplotlib Axes
        One line (``ax.lines``, label = group or "NPS") per group with
        a marker per period; periods without answers (NaN NPS) leave a gap.
        Low-n periods get hollow markers, noted in the legend.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import pandas as pd
    >>> table = pd.DataFrame({"period": ["2024Q1", "2024Q2", "2024Q3"], "n": [120, 15, 130],
    ...                       "nps": [10.0, 30.0, 32.0], "ci_low": [0.0, 5.0, 22.0], "ci_high": [20.0, 52.0, 42.0],
    ...                       "change": [None, 20.0, 2.0], "significant": [False, True, False],
    ...                       "low_n": [False, True, False]})
    >>> ax = plot_trend(table, language="pl")
    >>> ax.get_title(), [t.get_text() for t in ax.get_xticklabels()]
    ('NPS w czasie', ['2024Q1', '2024Q2', '2024Q3'])
    >>> plt.close("all")
    """
    _i18n.check_language(language)
    _table(data, "one row per period, e.g. from compare_periods")
    check_columns(data, [period, "nps", "ci_low", "ci_high"], role="column")
    by_cols = as_column_list(by)
    check_columns(data, by_cols, role="by column")
    if show_changes:
        check_columns(data, ["significant"], role="column")
    est, low, high = (_numbers(data, c) for c in ("nps", "ci_low", "ci_high"))
    change = _numbers(data, "change") if "change" in data.columns else None
    sig = _flags(data, "significant") if show_changes else np.zeros(len(data), bool)
    low_n = _flags(data, "low_n") if "low_n" in data.columns else np.zeros(len(data), bool)
    periods = _period_order(data[period])
    position = {p: i for i, p in enumerate(periods)}
    row_x = np.array([position.get(str(v), -1) for v in data[period]])
    if by_cols:
        keys = _group_keys(data, by_cols)
        group_labels = [_label(k, language) for k in keys]
    else:
        group_labels = [None] * len(data)
    groups = list(dict.fromkeys(group_labels))
    if len(groups) <= 10:
        colours = sns.color_palette("colorblind", max(len(groups), 1)).as_hex()
    else:
        colours = sns.color_palette("husl", len(groups)).as_hex()
    if not by_cols:
        colours = [NEUTRAL]

    ax = _axes(ax, (max(6.0, 0.75 * len(periods) + 3.0), 4.4))
    confidence = data.attrs.get("confidence")
    interval_label = (_i18n.text("interval", language, confidence=_confidence_text(confidence, language))
                      if isinstance(confidence, numbers.Real) else _i18n.text("interval_plain", language))
    x = np.arange(len(periods), dtype=float)
    band_alpha = 0.2 if len(groups) == 1 else 0.14 if len(groups) <= 3 else 0.07
    handles = []
    any_low = any_up = any_down = False
    annotations = []
    for g, colour in zip(groups, colours):
        mine = np.array([lab == g for lab in group_labels]) & (row_x >= 0)
        y, lo, hi = (np.full(len(periods), np.nan) for _ in range(3))
        ch, s, ln = np.full(len(periods), np.nan), np.zeros(len(periods), bool), np.zeros(len(periods), bool)
        idx = row_x[mine]
        y[idx], lo[idx], hi[idx] = est[mine], low[mine], high[mine]
        s[idx], ln[idx] = sig[mine], low_n[mine]
        if change is not None:
            ch[idx] = change[mine]
        else:
            previous = np.concatenate([[np.nan], y[:-1]])
            ch = y - previous
        name = g if g is not None else _i18n.text("nps", language)
        ax.fill_between(x, lo, hi, color=colour, alpha=band_alpha, linewidth=0, zorder=1)
        ax.plot(x, y, "-o", color=colour, linewidth=2.0, markersize=6, label=name, zorder=3)
        handles.append(Line2D([], [], color=colour, marker="o", linewidth=2.0, markersize=6, label=name))
        has = np.isfinite(y)
        marked = has & s & (np.sign(np.nan_to_num(ch)) != 0) if show_changes else np.zeros(len(y), bool)
        hollow = has & ln & ~marked  # marked low-n periods get a hollow triangle instead
        any_low |= bool((has & ln).any())
        if hollow.any():
            ax.plot(x[hollow], y[hollow], "o", ls="none", markersize=8, markerfacecolor="white",
                    markeredgecolor=colour, markeredgewidth=1.8, zorder=4)
        if show_changes:
            for direction, marker, cat in ((1, "^", "promoter"), (-1, "v", "detractor")):
                hit = has & s & (np.sign(np.nan_to_num(ch)) == direction)
                if not hit.any():
                    continue
                any_up |= direction > 0
                any_down |= direction < 0
                face = PALETTE[cat] if not by_cols else colour
                solid, hollow_hit = hit & ~ln, hit & ln  # a low-n period keeps a hollow marker
                if solid.any():
                    ax.plot(x[solid], y[solid], marker, ls="none", markersize=12, color=face,
                            markeredgecolor="white", markeredgewidth=1.0, zorder=5)
                if hollow_hit.any():
                    ax.plot(x[hollow_hit], y[hollow_hit], marker, ls="none", markersize=12, color=face,
                            markerfacecolor="white", markeredgecolor=face, markeredgewidth=1.8, zorder=5)
                for xi, yi, ci in zip(x[hit], y[hit], ch[hit]):
                    annotations.append((xi, yi, ci, direction, face))
    for xi, yi, ci, direction, face in annotations:
        ax.annotate(_i18n.number(ci, language, sign=True), (xi, yi), xytext=(0, 11 * direction),
                    textcoords="offset points", ha="center", va="bottom" if direction > 0 else "top",
                    fontsize=8.5, color=face, fontweight="bold", zorder=6)
    if by_cols:
        handles.append(Patch(facecolor="#888888", alpha=0.25, label=interval_label))
    else:
        handles.append(Patch(facecolor=NEUTRAL, alpha=0.2, label=interval_label))
    arrow_colour = {1: PALETTE["promoter"], -1: PALETTE["detractor"]}
    if any_up:
        handles.append(Line2D([], [], ls="none", marker="^", markersize=10, markeredgecolor="white",
                              color=arrow_colour[1] if not by_cols else "#666666",
                              label=_i18n.text("significant_increase", language)))
    if any_down:
        handles.append(Line2D([], [], ls="none", marker="v", markersize=10, markeredgecolor="white",
                              color=arrow_colour[-1] if not by_cols else "#666666",
                              label=_i18n.text("significant_decrease", language)))
    if any_low:
        min_n = data.attrs.get("min_n")
        note = (_i18n.text("low_n", language, min_n=_i18n.number(min_n, language, decimals=0))
                if isinstance(min_n, numbers.Real) else _i18n.text("low_n_short", language))
        handles.append(Line2D([], [], ls="none", marker="o", markersize=7, markerfacecolor="white",
                              markeredgecolor="#444444", markeredgewidth=1.8, label=note))

    ylo, yhi = _limits(est, low, high)
    span = yhi - ylo
    ax.set_ylim(ylo - 0.04 * span, yhi + 0.06 * span)
    ax.set_xlim(-0.5, len(periods) - 0.5)
    rotate = len(periods) > 8 or max((len(p) for p in periods), default=0) > 8
    ax.set_xticks(x, periods, rotation=45 if rotate else 0, ha="right" if rotate else "center")
    ax.set_xlabel(_i18n.header(period, language) if period != "period" else _i18n.text("period", language))
    ax.set_ylabel(_i18n.text("nps", language))
    if by_cols:
        group_title = " / ".join(_i18n.header(c, language) for c in by_cols)
        ax.set_title(_i18n.text("nps_over_time_by", language, group=group_title))
    else:
        ax.set_title(_i18n.text("nps_over_time", language))
    _style(ax)
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize=8.5)
    return ax


# -- comparison (forest plot) ---------------------------------------------------------------------------------
def plot_comparison(data, *, label=None, ax=None, language="en", reference=None):
    """Forest plot of NPS differences with their intervals.

    Parameters
    ----------
    data : DataFrame
        One row per comparison, top to bottom, with ``difference``,
        ``diff_low``, ``diff_high``, ``significant`` and a label column, as
        returned by ``nps_toolkit.compare_groups``. A row with a missing
        difference is the reference group (or a group without answers when
        it has ``n`` = 0); it gets a tick but no bar.
    label : str, optional
        Column naming the rows; by default the first non-numeric column
        (the index when there is none).
    ax : matplotlib Axes, optional
        Where to draw; a new figure when None.
    language : {"en", "ru", "pl"}
        Language of the labels.
    reference : optional
        The group the differences are taken from: its row is labelled
        "(reference)" and the axis "Difference in NPS from <reference>".
        By default the table's ``attrs["reference"]`` (set by
        ``compare_groups``) marks the row.

    Returns
    -------
    matplotlib Axes
        One tick per row; one errorbar container per row with a difference.
        Significant differences are drawn in the promoter green (above 0)
        or detractor red (below 0), the others in grey; the value and the
        interval are written next to each bar.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import pandas as pd
    >>> table = pd.DataFrame({"brand": ["A", "B", "C"], "difference": [None, -20.0, 5.0],
    ...                       "diff_low": [None, -35.0, -8.0], "diff_high": [None, -5.0, 18.0],
    ...                       "significant": [False, True, False]})
    >>> ax = plot_comparison(table, reference="A")
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['A (reference)', 'B', 'C']
    >>> plt.close("all")
    """
    _i18n.check_language(language)
    _table(data, "one row per comparison, e.g. from compare_groups")
    needed = ["difference", "diff_low", "diff_high", "significant"]
    check_columns(data, needed, role="column")
    if label is None:
        label = _first_text_column(data, exclude=needed)
    else:
        check_columns(data, [label], role="label column")
    diff, low, high = (_numbers(data, c) for c in ("difference", "diff_low", "diff_high"))
    sig = _flags(data, "significant")
    n = _numbers(data, "n") if "n" in data.columns else np.full(len(data), np.nan)
    raw = data[label].tolist() if label is not None else list(data.index)
    names = [_label(v, language) for v in raw]
    ref = reference if reference is not None else data.attrs.get("reference")
    is_ref = [ref is not None and (_same(v, ref) or name == str(ref)) for v, name in zip(raw, names)]
    ticks = []
    for v, name, d, size, this in zip(raw, names, diff, n, is_ref):
        if this:
            ticks.append(_i18n.text("reference_label", language, label=name))
        elif np.isfinite(d):
            ticks.append(name)
        elif size == 0 or any(is_ref):
            # no difference: no answers (when the reference is another row or n = 0) ...
            ticks.append(_i18n.text("no_answers_label", language, label=name))
        else:
            # ... or, with no reference row named, the row everything was compared with
            ticks.append(_i18n.text("reference_label", language, label=name))

    k = len(data)
    ax = _axes(ax, (7.5, max(2.6, 0.55 * k + 1.6)))
    y = np.arange(k, dtype=float)
    ok = np.isfinite(diff)
    colour = np.where(sig & (diff > 0), PALETTE["promoter"], np.where(sig & (diff < 0), PALETTE["detractor"], MUTED))
    for i in np.flatnonzero(ok):
        lo_err = max(diff[i] - low[i], 0.0) if np.isfinite(low[i]) else 0.0
        hi_err = max(high[i] - diff[i], 0.0) if np.isfinite(high[i]) else 0.0
        ax.errorbar([diff[i]], [y[i]], xerr=[[lo_err], [hi_err]], fmt="D" if sig[i] else "o", color=colour[i],
                    ecolor=colour[i], elinewidth=2.6 if sig[i] else 1.8, capsize=4, markersize=7, zorder=3)
    ax.axvline(0, color="#444444", linewidth=1.0, zorder=2)

    reach = np.concatenate([diff[ok], low[ok & np.isfinite(low)], high[ok & np.isfinite(high)]])
    half = max(float(np.abs(reach).max()) if reach.size else 0.0, 5.0) * 1.08
    ax.set_xlim(-half, half * 1.55)  # room on the right for the value labels
    for i in np.flatnonzero(ok):
        end = high[i] if np.isfinite(high[i]) else diff[i]
        value = (f"{_i18n.number(diff[i], language, sign=True)} "
                 f"[{_i18n.number(low[i], language)}; {_i18n.number(high[i], language)}]")
        ax.annotate(value, (end, y[i]), xytext=(7, 0), textcoords="offset points", ha="left", va="center",
                    fontsize=8.5, color=colour[i] if sig[i] else "#555555",
                    fontweight="bold" if sig[i] else "normal")
    ax.set_yticks(y, ticks)
    ax.set_ylim(k - 0.4, -0.6)
    ax.set_xlabel(_i18n.text("difference_vs", language, reference=_label(reference, language))
                  if reference is not None else _i18n.text("difference_axis", language))
    confidence = data.attrs.get("confidence")
    ax.set_title(_i18n.text("differences_title", language, confidence=_confidence_text(confidence, language))
                 if isinstance(confidence, numbers.Real) else _i18n.text("differences_title_plain", language))
    _style(ax, grid_axis="x")
    handles = []
    if (ok & sig & (diff > 0)).any():
        handles.append(Line2D([], [], color=PALETTE["promoter"], marker="D", lw=2.6,
                              label=_i18n.text("significant_higher", language)))
    if (ok & sig & (diff < 0)).any():
        handles.append(Line2D([], [], color=PALETTE["detractor"], marker="D", lw=2.6,
                              label=_i18n.text("significant_lower", language)))
    if (ok & ~sig).any():
        handles.append(Line2D([], [], color=MUTED, marker="o", lw=1.8,
                              label=_i18n.text("not_significant_difference", language)))
    if handles:
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize=8.5)
    return ax


# -- decomposition (waterfall) --------------------------------------------------------------------------------
def _component_label(name, language) -> str:
    text = str(name)
    if text in ("previous", "current", "mix"):
        return _i18n.text(text, language)
    if text in ("promoters", "passives", "detractors"):
        return _i18n.text(text, language)
    if text.startswith("within: "):
        return _i18n.text("within", language, segment=text[len("within: "):])
    return text


def plot_decomposition(data, *, ax=None, language="en"):
    """Waterfall of a change in NPS: the earlier level, the parts of the change, the level now.

    Parameters
    ----------
    data : DataFrame
        The table of ``nps_toolkit.decompose_change``: columns
        ``component``, ``points`` and ``kind``, rows in order. Rows of kind
        "level" (e.g. "previous", "current") are bars from 0; rows of kind
        "change" (any number of them: "promoters", "detractors", or
        "within: <segment>" and "mix") float from the running total.
    ax : matplotlib Axes, optional
        Where to draw; a new figure when None.
    language : {"en", "ru", "pl"}
        Language of the labels.

    Returns
    -------
    matplotlib Axes
        One bar per row (``ax.containers[0]``): levels in the neutral
        colour, increases in the promoter green, decreases in the
        detractor red, each with its value written on it.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import pandas as pd
    >>> table = pd.DataFrame({"component": ["previous", "promoters", "detractors", "current"],
    ...                       "points": [10.0, 6.0, -2.0, 14.0], "kind": ["level", "change", "change", "level"]})
    >>> ax = plot_decomposition(table)
    >>> [float(b.get_y()) for b in ax.containers[0]], [float(b.get_height()) for b in ax.containers[0]]
    ([0.0, 10.0, 16.0, 0.0], [10.0, 6.0, -2.0, 14.0])
    >>> ax.get_title()
    'Change in NPS: 10.0 → 14.0 (+4.0 points)'
    >>> plt.close("all")
    """
    _i18n.check_language(language)
    _table(data, "the table of decompose_change")
    check_columns(data, ["component", "points", "kind"], role="column")
    if len(data) == 0:
        raise ValueError("data has no rows; expected at least one 'level' row")
    points = _numbers(data, "points")
    kinds = [str(v) for v in data["kind"].tolist()]
    bad = [i for i, v in enumerate(kinds) if v not in ("level", "change")]
    if bad:
        raise ValueError(f"column 'kind' must hold 'level' or 'change'; got "
                         f"{describe_offenders([kinds[i] for i in bad], bad)}")
    if kinds[0] != "level":
        raise ValueError(f"the first row must be a 'level' (the earlier NPS) to start the waterfall from; "
                         f"got kind {kinds[0]!r} for component {data['component'].iloc[0]!r}")
    missing = np.flatnonzero(~np.isfinite(points))
    if missing.size:
        raise ValueError(f"column 'points' must hold finite numbers; got "
                         f"{describe_offenders(points[missing].tolist(), missing)}")

    bottoms, heights, colours, ends = [], [], [], []
    running = 0.0
    for kind, v in zip(kinds, points):
        if kind == "level":
            bottoms.append(0.0)
            running = float(v)
            colours.append(NEUTRAL)
        else:
            bottoms.append(running)
            running += float(v)
            colours.append(PALETTE["promoter"] if v > 0 else PALETTE["detractor"] if v < 0 else MUTED)
        heights.append(float(v))
        ends.append(running)
    k = len(points)
    ticks = [_component_label(c, language) for c in data["component"]]
    ax = _axes(ax, (max(5.0, 1.15 * k + 2.0), 4.4))
    x = np.arange(k, dtype=float)
    ax.bar(x, heights, bottom=bottoms, width=0.62, color=colours, edgecolor="white", linewidth=0.8, zorder=2)
    for i in range(k - 1):
        ax.plot([x[i] + 0.31, x[i + 1] - 0.31], [ends[i], ends[i]], color="#7a7a7a", linewidth=0.9,
                linestyle=(0, (2, 2)), zorder=1)
    ax.axhline(0, color="#444444", linewidth=0.9, zorder=1)
    for xi, kind, b, h in zip(x, kinds, bottoms, heights):
        top, bottom = max(b, b + h), min(b, b + h)
        up = h >= 0
        value = _i18n.number(h, language, sign=kind == "change")
        ax.annotate(value, (xi, top if up else bottom), xytext=(0, 3 if up else -3), textcoords="offset points",
                    ha="center", va="bottom" if up else "top", fontsize=9,
                    fontweight="bold" if kind == "level" else "normal", color="#222222")
    tops = np.array(bottoms) + np.array(heights)
    lo, hi = _limits([0.0], np.array(bottoms), tops, pad=0.14, min_span=10.0)
    if min(min(bottoms), tops.min()) >= 0:
        lo = 0.0  # everything above zero: the bars stand on the axis
    elif max(max(bottoms), tops.max()) <= 0:
        hi = 0.0
    ax.set_ylim(lo, hi)
    if k > 6:
        ax.set_xticks(x, ticks, rotation=30, ha="right")
    else:
        ax.set_xticks(x, [textwrap.fill(t, 16, break_long_words=False) for t in ticks])
    ax.set_ylabel(_i18n.text("nps_points", language))
    levels = [v for kind, v in zip(kinds, points) if kind == "level"]
    if len(levels) >= 2:
        ax.set_title(_i18n.text("decomposition_title", language, previous=_i18n.number(levels[0], language),
                                current=_i18n.number(levels[-1], language),
                                change=_i18n.number(levels[-1] - levels[0], language, sign=True)))
    else:
        ax.set_title(_i18n.text("change_in_nps", language))
    _style(ax)
    handles = [Patch(facecolor=NEUTRAL, label=_i18n.text("level", language))]
    if any(kind == "change" and v > 0 for kind, v in zip(kinds, points)):
        handles.append(Patch(facecolor=PALETTE["promoter"], label=_i18n.text("increase", language)))
    if any(kind == "change" and v < 0 for kind, v in zip(kinds, points)):
        handles.append(Patch(facecolor=PALETTE["detractor"], label=_i18n.text("decrease", language)))
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False, fontsize=8.5)
    return ax
