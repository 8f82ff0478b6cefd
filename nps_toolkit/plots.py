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
* :func:`plot_drivers`: importance of the key drivers (the table of ``key_drivers``).

The figures draw tables and count nothing: answers are counted by
:mod:`nps_toolkit.counting` (:func:`~nps_toolkit.counting.count_values`) or
summarised by :func:`nps_toolkit.summarize`, and every other figure draws a
table that a function of the tidy-table layer made.

One palette, :data:`PALETTE` (defined in :mod:`nps_toolkit._style`),
colours the three categories in every figure: red for detractors, amber for
passives and bluish green for promoters. The red and the green differ in
lightness and in blue content, so they stay apart under the common
red-green colour-vision deficiencies, and the amber stays apart from both.
Increases and significantly higher values use the promoter green, decreases
and significantly lower values the detractor red; levels and estimates
without a direction use :data:`NEUTRAL`.

Text that comes from the data or the caller (group, brand, period and
driver names, column names, titles) is drawn as plain text: every text the
figures draw has ``parse_math=False`` and ``usetex=False``, so a segment
named ``Promo $\\badcmd$`` is written as it is, never as mathtext or TeX.
Names longer than a tick's width are wrapped (at most four lines, the rest
cut with an ellipsis, unless cutting would make two names look the same),
figures made here are as wide as their labels need, and the names of the
interpretation bands stand outside the plotting area, right of it, where no
point or value label can be.
"""

from __future__ import annotations

import math
import numbers
import re
import textwrap
from collections.abc import Iterable
from typing import NamedTuple

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.textpath import TextToPath
from matplotlib.transforms import ScaledTranslation, blended_transform_factory

from . import _i18n
from ._docstrings import shared_docs
from ._style import GRID, MUTED, NEUTRAL, PALETTE
from ._validation import (as_column_list, check_benchmark, check_columns, check_confidence, describe_offenders,
                          renamed_arguments)
from .counting import count_values
from .interpretation import BANDS, interpret
from .scale import CATEGORIES, check_scale
from .summary import summarize

__all__ = ["PALETTE", "NEUTRAL", "MUTED", "plot_distribution", "plot_nps", "plot_trend", "plot_comparison",
           "plot_decomposition", "plot_drivers"]

_PLURAL = {"detractor": "detractors", "passive": "passives", "promoter": "promoters"}
_BAND_ALPHA = {"very_low": ("detractor", 0.09), "satisfactory": ("passive", 0.12), "high": ("promoter", 0.08),
               "very_high": ("promoter", 0.16)}

#: Text properties of everything the figures write: plain text, never mathtext or TeX (names come from the data).
_PLAIN = {"parse_math": False, "usetex": False}

#: Font sizes (points) of the texts whose room the figures work out.
_LEGEND_SIZE, _BAND_SIZE, _VALUE_SIZE = 8.5, 8.0, 9.0

#: Gaps in points: band names from the right spine, the legend from what is on its left, a value from its point.
_BAND_GAP, _LEGEND_GAP, _VALUE_GAP = 5.0, 8.0, 9.0

#: Characters per line before a name is wrapped: plot_nps ticks, waterfall ticks, names on a vertical axis
#: (comparison, drivers), period ticks, legend entries.
_NPS_WRAP, _WATERFALL_WRAP, _NAME_WRAP, _PERIOD_WRAP, _LEGEND_WRAP = 16, 16, 28, 24, 40

_MEASURE = TextToPath()


# -- shared helpers -------------------------------------------------------------------------------------------
def _axes(ax, figsize) -> Axes:
    """The Axes to draw on: ``ax`` checked, or a new figure of ``figsize``."""
    if ax is None:
        _, ax = plt.subplots(figsize=figsize, layout="constrained")
        ax._nps_toolkit_own = True  # a figure made here: its width may follow its labels (_fit_width)
        return ax
    if not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes (or None for a new figure), got {type(ax).__name__}")
    return ax


def _text_width(text, size, **font) -> float:
    """Width in points of ``text`` drawn as plain text at ``size`` (its longest line); no renderer needed."""
    prop = FontProperties(size=size, **font)
    lines = str(text).split("\n")
    return max(_MEASURE.get_text_width_height_descent(line, prop, ismath=False)[0] if line else 0.0
               for line in lines)


def _widest(texts, size, **font) -> float:
    """The largest :func:`_text_width` of ``texts`` (0 for none)."""
    return max((_text_width(t, size, **font) for t in texts), default=0.0)


def _wrap(text, width: int, max_lines: int | None = 4) -> str:
    """A label broken into lines of at most ``width`` characters (long words too), cut with "…" after
    ``max_lines`` (None: never cut); a label that fits is returned as it is."""
    text = str(text)
    if len(text) <= width and "\n" not in text:
        return text
    # textwrap breaks at ASCII white space only: a no-break space (as in "1 234") keeps its two sides together
    folded = re.sub(r"[ \t\n\r\f\v]+", " ", text).strip(" ")
    lines = textwrap.wrap(folded, width, break_long_words=True, break_on_hyphens=True, max_lines=max_lines,
                          placeholder=" …")
    return "\n".join(lines) if lines else text


def _wrap_all(texts, width: int) -> list:
    """:func:`_wrap` of each label; labels that cutting would make look the same are wrapped whole instead."""
    texts = [str(t) for t in texts]
    wrapped = [_wrap(t, width) for t in texts]
    seen: dict = {}
    for t, w in zip(texts, wrapped):
        seen.setdefault(w, set()).add(t)
    return [_wrap(t, width, None) if len(seen[w]) > 1 else w for t, w in zip(texts, wrapped)]


def _plain_legend(legend) -> None:
    """The texts of a legend drawn as plain text (its labels are group names from the data)."""
    if legend is not None:
        for t in legend.get_texts():
            t.set_parse_math(False)
            t.set_usetex(False)


def _legend_labels(handles: list) -> list:
    """The legend entry of each handle: its label, wrapped."""
    return _wrap_all([h.get_label() for h in handles], _LEGEND_WRAP)


def _legend_width(handles: list) -> float:
    """Points a legend of these handles takes (handle, gap, the widest label, padding)."""
    return _widest(_legend_labels(handles), _LEGEND_SIZE) + 2.8 * _LEGEND_SIZE + 8.0


def _table(data, what: str) -> pd.DataFrame:
    """``data`` checked to be a DataFrame; ``what`` says which table is expected."""
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


def _optional_numbers(data: pd.DataFrame, column, fill) -> np.ndarray:
    """:func:`_numbers` of a column when the table has it, else ``fill`` in every row."""
    return _numbers(data, column) if column in data.columns else np.full(len(data), fill, dtype=float)


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


def _optional_flags(data: pd.DataFrame, column) -> np.ndarray:
    """:func:`_flags` of a column when the table has it, else False in every row."""
    return _flags(data, column) if column in data.columns else np.zeros(len(data), bool)


def _label(value, language) -> str:
    """Text of a group value (a tuple of several joined by " / "; a missing value named as such)."""
    if isinstance(value, tuple):
        return " / ".join(_label(v, language) for v in value)
    try:
        if pd.isna(value):
            return _i18n.text("missing_group", language)
    except (TypeError, ValueError):
        pass
    return str(value)


def _group_keys(table: pd.DataFrame, columns: list) -> list:
    """The group of each row: its value of the one column, or a tuple of its values of several."""
    if len(columns) == 1:
        return table[columns[0]].tolist()
    return list(table[columns].itertuples(index=False, name=None))


def _group_title(columns: list, language) -> str:
    """Axis or title text naming the group columns."""
    return " / ".join(_i18n.header(c, language) for c in columns)


def _same(a, b) -> bool:
    """``a == b`` as a plain bool, False where the two cannot be compared."""
    try:
        return bool(a == b)
    except (TypeError, ValueError):
        return False


def _first_text_column(data: pd.DataFrame, exclude=()):
    """The first non-numeric column not in ``exclude`` (None when there is none)."""
    for c in data.columns:
        if c not in exclude and not pd.api.types.is_numeric_dtype(data[c].dtype):
            return c
    return None


def _confidence_text(confidence, language) -> str:
    """A confidence level as a percentage ("95%", "97.5%"; "95 %" in Russian)."""
    return _i18n.confidence_level(confidence, language)


def _low_n_note(min_n, language) -> str:
    """Legend text of the few-answers marker, with the threshold when the table records it."""
    if isinstance(min_n, numbers.Real):
        return _i18n.text("low_n", language, min_n=_i18n.number(min_n, language, decimals=0))
    return _i18n.text("low_n_short", language)


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
    """The house style: no top and right spines, a light grid behind the data."""
    sns.despine(ax=ax)
    ax.grid(axis=grid_axis, color=GRID, linewidth=0.8)
    ax.set_axisbelow(True)


def _legend_outside(ax: Axes, handles: list, gap: float = _LEGEND_GAP) -> None:
    """The legend to the right of the axes, ``gap`` points from the right spine, when there is anything in it."""
    if handles:
        shift = ax.transAxes + ScaledTranslation(gap / 72.0, 0.0, ax.figure.dpi_scale_trans)
        legend = ax.legend(handles=handles, labels=_legend_labels(handles), loc="upper left",
                           bbox_to_anchor=(1.0, 1.0), bbox_transform=shift, frameon=False, fontsize=_LEGEND_SIZE,
                           borderaxespad=0.0)
        _plain_legend(legend)


def _fit_width(ax: Axes, width: float, least: float = 4.5) -> None:
    """Make a figure made here (constrained layout) ``width`` inches wide (``least`` at least); a caller's
    figure is left alone."""
    fig = ax.figure
    if getattr(ax, "_nps_toolkit_own", False):
        fig.set_size_inches(max(width, least), fig.get_size_inches()[1])


# -- distribution ---------------------------------------------------------------------------------------------
def _category(value: int, scale) -> str:
    """The category the scale gives one answer value (a look-up of the scale, not a count)."""
    if value in scale.detractors:
        return "detractor"
    return "passive" if value in scale.passives else "promoter"


def _draw_value_bars(ax: Axes, scale, heights: np.ndarray, language) -> None:
    """One bar per answer value, coloured by its category and labelled with its percentage; the axes around."""
    colours = [PALETTE[_category(v, scale)] for v in scale.values]
    bars = ax.bar(scale.values, heights, width=0.78, color=colours, edgecolor="white", linewidth=0.8, zorder=2)
    for bar, h in zip(bars, heights):
        label = _i18n.number(h, language, decimals=0 if h >= 9.95 or h == 0 else 1)
        ax.annotate(label, (bar.get_x() + bar.get_width() / 2, h), xytext=(0, 2), textcoords="offset points",
                    ha="center", va="bottom", fontsize=8, color="#333333", **_PLAIN)
    top = max(float(heights.max()), 5.0)
    ax.set_ylim(0, top * 1.45)
    ax.set_xlim(scale.minimum - 0.6, scale.maximum + 0.6)
    ax.set_xticks(list(scale.values))
    ax.set_xlabel(_i18n.text("answer_scale", language, low=scale.minimum, high=scale.maximum), **_PLAIN)
    ax.set_ylabel(_i18n.text("share_pct", language), **_PLAIN)
    _style(ax)


def _category_legend(ax: Axes, scale, c, language) -> None:
    """Legend of the categories: their answer values and their shares."""
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
    _plain_legend(ax.legend(handles=handles, loc="upper left", frameon=False, fontsize=9))


def _distribution_title(c, n_answers: int, title, language) -> str:
    """The heading (or the default one) followed by the NPS and n."""
    n_part = _i18n.text("n_eq", language, n=_i18n.number(n_answers, language, decimals=0))
    if c.weighted:
        n_part += f" ({_i18n.text('weighted', language)})"
    heading = _i18n.text("distribution_title", language) if title is None else str(title)
    nps_part = _i18n.text("nps_value", language, nps=_i18n.number(c.nps, language))
    return f"{heading}: {nps_part}, {n_part}" if heading else f"{nps_part}, {n_part}"


@shared_docs
def plot_distribution(data=None, *, score="score", weights=None, scale=None, ax=None, language="en", title=None):
    """Bar chart of the answers, one bar per answer value, coloured by category.

    Parameters
    ----------
    data : DataFrame, Series, array-like, path, DuckDB relation, Polars or Spark DataFrame
        A table with the ``score`` column, or the answers themselves. A
        table that an engine counts (``nps_toolkit.engines``) is counted
        per answer value where it is; only the eleven counts come back.
    score : str
        Column of answers when ``data`` is a table.
    weights : str or array-like, optional
        Survey weights: a column of ``data`` (or one weight per answer).
        Bars and NPS are then weighted.
    {{scale}}
    {{ax}}
    {{language}}
    {{title}}
        NPS and n are always added to it.

    Returns
    -------
    matplotlib Axes
        Every value of the scale has a bar (zero-height when nobody gave
        it), whose height is its percentage of the non-missing answers; the
        bars are in ``ax.containers[0]``. The title shows the NPS and n; the
        legend the share of each category.

    See Also
    --------
    categorize : The category of each answer.
    counts : The counts of the three categories.
    plot_nps : NPS per group with intervals.
    PALETTE : The colours of the categories.

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
    scale = check_scale(scale)
    sums, c, n_answers = count_values(data, score=score, weights=weights, scale=scale)
    total = sums.sum()
    heights = 100.0 * sums / total if total > 0 else np.zeros(len(scale.values))
    ax = _axes(ax, (7.5, 4.2))
    _draw_value_bars(ax, scale, heights, language)
    _category_legend(ax, scale, c, language)
    ax.set_title(_distribution_title(c, n_answers, title, language), **_PLAIN)
    return ax


# -- NPS by group ---------------------------------------------------------------------------------------------
class _Groups(NamedTuple):
    """The groups of plot_nps, in the order drawn: tick names and the columns of the summary table."""

    names: list
    nps: np.ndarray
    low: np.ndarray
    high: np.ndarray
    n: np.ndarray
    low_n: np.ndarray


def _nps_table(data: pd.DataFrame, by_cols: list, *, score, confidence, method, scale) -> tuple[pd.DataFrame, float]:
    """The summary table to draw and its confidence: ``data`` itself when it is one, else its summary."""
    if "nps" in data.columns:
        check_columns(data, ["nps", "ci_low", "ci_high"], role="summary column")
        if scale is not None:
            raise ValueError("scale= applies to answers (one row per respondent); data is a summary table (it has "
                             "an 'nps' column), already counted: leave scale out or pass the answers")
        return data, check_confidence(data.attrs.get("confidence", confidence))
    check_columns(data, [score], role="score column")
    table = summarize(data, score=score, by=by_cols or None, confidence=confidence, method=method, scale=scale)
    return table, confidence


def _nps_keys(table: pd.DataFrame, by_cols: list, summary: bool, language) -> tuple[list, str | None]:
    """The group of each row of the table and the title naming the groups (None when there is none)."""
    label_col = _first_text_column(table) if summary and not by_cols else None
    if by_cols:
        return _group_keys(table, by_cols), _group_title(by_cols, language)
    if label_col is not None:
        return table[label_col].tolist(), _i18n.header(label_col, language)
    if len(table) == 1:
        return [_i18n.text("overall", language)], None
    return list(table.index), None


def _order_rows(order, keys: list, labels: list, language) -> list:
    """Rows of the table to draw: every row, or the ones ``order`` names (an unknown group is its label)."""
    if order is None:
        return list(range(len(keys)))
    if isinstance(order, (str, bytes)) or not isinstance(order, Iterable):
        raise TypeError(f"order must be a list of groups, got {order!r}")
    rows = []
    for item in order:
        hit = next((i for i, (key, lab) in enumerate(zip(keys, labels)) if _same(key, item) or lab == str(item)),
                   None)
        rows.append(hit if hit is not None else _label(item, language))
    return rows


def _nps_groups(table: pd.DataFrame, keys: list, order, language) -> _Groups:
    """The groups to draw, in order, with their NPS, interval, n and low-n flag (NaN for an unknown group)."""
    labels = [_label(k, language) for k in keys]
    columns = [_numbers(table, c) for c in ("nps", "ci_low", "ci_high")] + [_optional_numbers(table, "n", np.nan)]
    low_n = _optional_flags(table, "low_n")
    rows = _order_rows(order, keys, labels, language)

    def pick(arr, fill):
        return np.array([arr[r] if isinstance(r, int) else fill for r in rows])

    est, low, high, n = (pick(a, np.nan) for a in columns)
    names = [labels[r] if isinstance(r, int) else r for r in rows]
    return _Groups(names, est, low, high, n, pick(low_n, False).astype(bool))


def _draw_estimates(ax: Axes, x: np.ndarray, g: _Groups, confidence, min_n, language) -> list:
    """The points with their interval bars, hollow for low-n groups, each labelled; returns legend handles."""
    ok = np.isfinite(g.nps)
    if not ok.any():
        return []
    lo_err = np.where(np.isfinite(g.low), g.nps - g.low, 0.0).clip(min=0)
    hi_err = np.where(np.isfinite(g.high), g.high - g.nps, 0.0).clip(min=0)
    ax.errorbar(x[ok], g.nps[ok], yerr=[lo_err[ok], hi_err[ok]], fmt="o", color=NEUTRAL, ecolor=NEUTRAL,
                elinewidth=2.2, capsize=5, capthick=1.5, markersize=8, zorder=4)
    conf_text = _confidence_text(confidence, language)
    handles = [Line2D([], [], color=NEUTRAL, marker="o", lw=2.2, markersize=7,
                      label=_i18n.text("nps_with_interval", language, confidence=conf_text))]
    hollow = ok & g.low_n
    if hollow.any():
        ax.plot(x[hollow], g.nps[hollow], "o", ls="none", markersize=8, markerfacecolor="white",
                markeredgecolor=NEUTRAL, markeredgewidth=1.8, zorder=5)
        handles.append(Line2D([], [], ls="none", marker="o", markersize=7, markerfacecolor="white",
                              markeredgecolor=NEUTRAL, markeredgewidth=1.8, label=_low_n_note(min_n, language)))
    for xi, v in zip(x[ok], g.nps[ok]):
        ax.annotate(_i18n.number(v, language), (xi, v), xytext=(_VALUE_GAP, 0), textcoords="offset points",
                    ha="left", va="center", fontsize=_VALUE_SIZE, color=NEUTRAL, zorder=6, gid="nps-value", **_PLAIN)
    return handles


def _draw_benchmark(ax: Axes, bench, language) -> list:
    """The dashed benchmark line (when there is a benchmark); returns its legend handle."""
    if bench is None:
        return []
    text = _i18n.text("benchmark_value", language, value=_i18n.number(bench, language))
    ax.axhline(bench, color="#444444", linestyle="--", linewidth=1.3, zorder=3, label=text)
    return [Line2D([], [], color="#444444", linestyle="--", linewidth=1.3, label=text)]


def _nps_ticks(g: _Groups, language) -> list:
    """Tick of each group: its name wrapped to the tick's width, then its n (when known)."""
    ticks = []
    for name, v in zip(_wrap_all(g.names, _NPS_WRAP), g.n):
        ticks.append(f"{name}\n{_i18n.text('n_eq', language, n=_i18n.number(v, language, decimals=0))}"
                     if np.isfinite(v) else name)
    return ticks


class _NPSRoom(NamedTuple):
    """Room of plot_nps in points: per group, right of the last group (its value label), the band names."""

    unit: float
    value: float
    bands: float


def _nps_room(g: _Groups, ticks: list, bands: bool, language) -> _NPSRoom:
    """Points each group needs (its tick, its value label), the last value label and the band names need."""
    tick_size = plt.rcParams["xtick.labelsize"]
    values = _widest([_i18n.number(v, language) for v in g.nps[np.isfinite(g.nps)]], _VALUE_SIZE)
    unit = max(0.95 * 72.0, _widest(ticks, tick_size) + 14.0, 2.0 * (_VALUE_GAP + values) + 12.0)
    band_width = _widest(_band_names(language), _BAND_SIZE, style="italic") if bands else 0.0
    return _NPSRoom(unit, _VALUE_GAP + values + 6.0, band_width)


def _axes_width(ax: Axes) -> float:
    """Width of the axes in points as it stands (before a constrained layout moves it)."""
    return float(ax.get_position().width * ax.figure.get_size_inches()[0] * 72.0)


def _nps_frame(ax: Axes, x: np.ndarray, g: _Groups, ticks: list, room: _NPSRoom, bench, bands: bool, group_title,
               language) -> float:
    """Limits, the "no answers" notes, ticks with n, labels and title, style and the bands; returns the width
    (points) the band names take right of the axes."""
    ylo, yhi = _limits(g.nps, g.low, g.high, [] if bench is None else [bench])
    ax.set_ylim(ylo, yhi)
    y_mid = (ylo + yhi) / 2.0
    for xi in x[~np.isfinite(g.nps)]:
        ax.text(xi, y_mid, _i18n.text("no_answers", language), ha="center", va="center", fontsize=8,
                color=MUTED, style="italic", rotation=90, **_PLAIN)
    ax.set_xticks(x, ticks, **_PLAIN)
    # right of the last group: room for its value label, so that nothing crosses the right spine
    left = len(x) - 0.4
    width = room.unit * (len(x) + 0.2) if getattr(ax, "_nps_toolkit_own", False) else _axes_width(ax)
    right = max(0.6, 1.15 * room.value * left / max(width - 1.15 * room.value, 1.0))
    ax.set_xlim(-0.6, len(x) - 1.0 + right)
    ax.set_ylabel(_i18n.text("nps", language), **_PLAIN)
    if group_title:
        ax.set_xlabel(group_title, **_PLAIN)
        ax.set_title(_i18n.text("nps_by", language, group=group_title), **_PLAIN)
    else:
        ax.set_title(_i18n.text("nps", language), **_PLAIN)
    _style(ax)
    return _bands(ax, language) if bands else 0.0


def _band_edges() -> list:
    return [BANDS["very_low"][0], BANDS["satisfactory"][0], BANDS["satisfactory"][1], BANDS["high"][1],
            BANDS["very_high"][1]]


def _band_names(language: str) -> list:
    """Names of the interpretation bands, low to high, in the language."""
    edges = _band_edges()
    return [interpret((a + b) / 2.0, language=language) for a, b in zip(edges[:-1], edges[1:])]


def _bands(ax: Axes, language: str) -> float:
    """Shade the interpretation bands and name the visible ones just outside the right spine, where no point,
    interval or value label is; returns the width (points) of the widest name written."""
    edges = _band_edges()
    low, high = ax.get_ylim()
    height = float(ax.get_position().height * ax.figure.get_size_inches()[1] * 72.0)
    # a band is named when its visible part is tall enough for its name (and 7% of the axes at least)
    least = max(0.07 * (high - low), 1.6 * 1.2 * _BAND_SIZE / max(height, 1.0) * (high - low))
    trans = blended_transform_factory(ax.transAxes, ax.transData)
    widest = 0.0
    for key, a, b, name in zip(BANDS, edges[:-1], edges[1:], _band_names(language)):
        cat, alpha = _BAND_ALPHA[key]
        ax.axhspan(a, b, color=PALETTE[cat], alpha=alpha, linewidth=0, zorder=0)
        seen_a, seen_b = max(a, low), min(b, high)
        if (seen_b - seen_a) >= least:
            ax.annotate(name, (1.0, (seen_a + seen_b) / 2.0), xycoords=trans, xytext=(_BAND_GAP, 0),
                        textcoords="offset points", ha="left", va="center", fontsize=_BAND_SIZE, color="#555555",
                        style="italic", annotation_clip=False, gid="nps-band", **_PLAIN)
            widest = max(widest, _text_width(name, _BAND_SIZE, style="italic"))
    return widest


@shared_docs
def plot_nps(data, *, by=None, score="score", benchmark=None, bands=True, ax=None, language="en", confidence=0.95,
             method="adjusted-wald", order=None, scale=None):
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
        Draws a labelled horizontal line at this NPS (-100..100).
    bands : bool
        Shade the interpretation bands (very low < 0, satisfactory 0-30,
        high 31-70, very high 71-100) and name them.
    {{ax}}
    {{language}}
    confidence, method
        Confidence level and interval method of :func:`nps_toolkit.summarize`
        (raw data). For a summary table, ``confidence`` only names the
        intervals in the legend, unless the table records its own
        (``data.attrs["confidence"]``, as summarize does).
    order : list, optional
        Groups to show, in this order. A group not in the data is shown as
        an empty tick.
    {{scale}}
        Raw data only (it says how the answers are counted); with a summary
        table, which is counted already, it is refused.

    Returns
    -------
    matplotlib Axes
        One tick per group labelled with the group and its n; groups with
        an NPS get a point with an interval bar (one errorbar container in
        ``ax.containers``); groups without answers (n = 0, NaN NPS) keep an
        empty tick. Groups flagged in a ``low_n`` column get hollow markers.

    See Also
    --------
    summarize : The summary table it draws.
    plot_comparison : Draw differences between groups.
    compare_groups : Test the groups' NPS against a reference.
    interpret : The interpretation bands, in words.

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
    bench = check_benchmark(benchmark, optional=True)
    scale = None if scale is None else check_scale(scale)
    table, confidence = _nps_table(data, by_cols, score=score, confidence=confidence, method=method, scale=scale)
    keys, group_title = _nps_keys(table, by_cols, table is data, language)
    groups = _nps_groups(table, keys, order, language)

    ticks = _nps_ticks(groups, language)
    room = _nps_room(groups, ticks, bands, language)
    ax = _axes(ax, (4.5, 4.6))
    x = np.arange(len(groups.names), dtype=float)
    handles = _draw_estimates(ax, x, groups, confidence, table.attrs.get("min_n"), language)
    handles += _draw_benchmark(ax, bench, language)
    beside = (_BAND_GAP + room.bands if bands else 0.0) + _LEGEND_GAP  # band names, then the legend
    # a figure made here: the y axis, a tick's room per group, the band names and the legend
    _fit_width(ax, (60.0 + room.unit * (len(x) + 0.2) + beside + (_legend_width(handles) if handles else 0.0))
               / 72.0)
    shown = _nps_frame(ax, x, groups, ticks, room, bench, bands, group_title, language)
    _legend_outside(ax, handles, gap=(_BAND_GAP + shown if shown else 0.0) + _LEGEND_GAP)
    return ax


# -- trend ----------------------------------------------------------------------------------------------------
class _Trend(NamedTuple):
    """The columns of a trend table, one array entry per row; ``change`` is None when the table has none."""

    nps: np.ndarray
    low: np.ndarray
    high: np.ndarray
    change: np.ndarray | None
    significant: np.ndarray
    low_n: np.ndarray


def _period_order(values: pd.Series) -> list:
    """Period labels in time order: sorted when they are Periods or dates, else as they come."""
    if isinstance(values.dtype, pd.PeriodDtype) or pd.api.types.is_datetime64_any_dtype(values.dtype):
        return [str(v) for v in sorted(values.dropna().unique())]
    return list(dict.fromkeys(str(v) for v in values if not (v is None or v is pd.NA or v != v)))


def _trend_columns(data: pd.DataFrame, period, by_cols: list, show_changes: bool) -> _Trend:
    """Check the trend table's columns and read them (``significant`` all False without ``show_changes``)."""
    check_columns(data, [period, "nps", "ci_low", "ci_high"], role="column")
    check_columns(data, by_cols, role="by column")
    if show_changes:
        check_columns(data, ["significant"], role="column")
    est, low, high = (_numbers(data, c) for c in ("nps", "ci_low", "ci_high"))
    change = _numbers(data, "change") if "change" in data.columns else None
    sig = _flags(data, "significant") if show_changes else np.zeros(len(data), bool)
    return _Trend(est, low, high, change, sig, _optional_flags(data, "low_n"))


def _trend_lines(data: pd.DataFrame, by_cols: list, language) -> tuple[list, list, list]:
    """The line each row belongs to (its group's label, None without ``by``), the lines and their colours."""
    group_labels = [_label(k, language) for k in _group_keys(data, by_cols)] if by_cols else [None] * len(data)
    groups = list(dict.fromkeys(group_labels))
    if not by_cols:
        return group_labels, groups, [NEUTRAL]
    if len(groups) <= 10:
        return group_labels, groups, sns.color_palette("colorblind", max(len(groups), 1)).as_hex()
    return group_labels, groups, sns.color_palette("husl", len(groups)).as_hex()


def _line_series(t: _Trend, mine: np.ndarray, idx: np.ndarray, k: int) -> _Trend:
    """One line's values per period (NaN or False where it has no row); the change from the previous one."""
    y, lo, hi = (np.full(k, np.nan) for _ in range(3))
    s, ln = np.zeros(k, bool), np.zeros(k, bool)
    y[idx], lo[idx], hi[idx] = t.nps[mine], t.low[mine], t.high[mine]
    s[idx], ln[idx] = t.significant[mine], t.low_n[mine]
    if t.change is not None:
        ch = np.full(k, np.nan)
        ch[idx] = t.change[mine]
    else:
        ch = y - np.concatenate([[np.nan], y[:-1]])
    return _Trend(y, lo, hi, ch, s, ln)


def _draw_line(ax: Axes, x: np.ndarray, s: _Trend, colour, name, band_alpha: float) -> Line2D:
    """The interval band, the line with its markers and hollow markers on low-n periods; returns its handle."""
    ax.fill_between(x, s.low, s.high, color=colour, alpha=band_alpha, linewidth=0, zorder=1)
    ax.plot(x, s.nps, "-o", color=colour, linewidth=2.0, markersize=6, label=name, zorder=3)
    has = np.isfinite(s.nps)
    marked = has & s.significant & (np.sign(np.nan_to_num(s.change)) != 0)
    hollow = has & s.low_n & ~marked  # marked low-n periods get a hollow triangle instead
    if hollow.any():
        ax.plot(x[hollow], s.nps[hollow], "o", ls="none", markersize=8, markerfacecolor="white",
                markeredgecolor=colour, markeredgewidth=1.8, zorder=4)
    return Line2D([], [], color=colour, marker="o", linewidth=2.0, markersize=6, label=name)


def _draw_changes(ax: Axes, x: np.ndarray, s: _Trend, face_of) -> list:
    """Triangles on the significant changes (hollow on low-n periods); returns (x, y, change, direction, face)."""
    has = np.isfinite(s.nps)
    marks = []
    for direction, marker, cat in ((1, "^", "promoter"), (-1, "v", "detractor")):
        hit = has & s.significant & (np.sign(np.nan_to_num(s.change)) == direction)
        if not hit.any():
            continue
        face = face_of(cat)
        solid, hollow_hit = hit & ~s.low_n, hit & s.low_n  # a low-n period keeps a hollow marker
        if solid.any():
            ax.plot(x[solid], s.nps[solid], marker, ls="none", markersize=12, color=face,
                    markeredgecolor="white", markeredgewidth=1.0, zorder=5)
        if hollow_hit.any():
            ax.plot(x[hollow_hit], s.nps[hollow_hit], marker, ls="none", markersize=12, color=face,
                    markerfacecolor="white", markeredgecolor=face, markeredgewidth=1.8, zorder=5)
        marks += [(xi, yi, ci, direction, face) for xi, yi, ci in zip(x[hit], s.nps[hit], s.change[hit])]
    return marks


def _annotate_changes(ax: Axes, marks: list, language) -> None:
    """Write each marked change in points next to its triangle ("no change" when it rounds to zero)."""
    for xi, yi, ci, direction, face in marks:
        ax.annotate(_i18n.change(ci, language), (xi, yi), xytext=(0, 11 * direction),
                    textcoords="offset points", ha="center", va="bottom" if direction > 0 else "top",
                    fontsize=8.5, color=face, fontweight="bold", zorder=6, gid="trend-change", **_PLAIN)


def _trend_key(data: pd.DataFrame, grouped: bool, directions: set, any_low: bool, language) -> list:
    """Legend entries after the lines: the interval, the change triangles, the low-n marker."""
    confidence = data.attrs.get("confidence")
    interval_label = (_i18n.text("interval", language, confidence=_confidence_text(confidence, language))
                      if isinstance(confidence, numbers.Real) else _i18n.text("interval_plain", language))
    handles = [Patch(facecolor="#888888", alpha=0.25, label=interval_label) if grouped
               else Patch(facecolor=NEUTRAL, alpha=0.2, label=interval_label)]
    for direction, marker, cat, key in ((1, "^", "promoter", "significant_increase"),
                                        (-1, "v", "detractor", "significant_decrease")):
        if direction in directions:
            handles.append(Line2D([], [], ls="none", marker=marker, markersize=10, markeredgecolor="white",
                                  color=PALETTE[cat] if not grouped else "#666666", label=_i18n.text(key, language)))
    if any_low:
        handles.append(Line2D([], [], ls="none", marker="o", markersize=7, markerfacecolor="white",
                              markeredgecolor="#444444", markeredgewidth=1.8,
                              label=_low_n_note(data.attrs.get("min_n"), language)))
    return handles


def _trend_frame(ax: Axes, t: _Trend, periods: list, period, by_cols: list, language) -> None:
    """Limits around every interval, period ticks (slanted when many or long), labels, title and style."""
    ylo, yhi = _limits(t.nps, t.low, t.high)
    span = yhi - ylo
    ax.set_ylim(ylo - 0.04 * span, yhi + 0.06 * span)
    ax.set_xlim(-0.5, len(periods) - 0.5)
    rotate = len(periods) > 8 or max((len(p) for p in periods), default=0) > 8
    ax.set_xticks(np.arange(len(periods), dtype=float), _wrap_all(periods, _PERIOD_WRAP),
                  rotation=45 if rotate else 0, ha="right" if rotate else "center", **_PLAIN)
    ax.set_xlabel(_i18n.header(period, language) if period != "period" else _i18n.text("period", language),
                  **_PLAIN)
    ax.set_ylabel(_i18n.text("nps", language), **_PLAIN)
    if by_cols:
        ax.set_title(_i18n.text("nps_over_time_by", language, group=_group_title(by_cols, language)), **_PLAIN)
    else:
        ax.set_title(_i18n.text("nps_over_time", language), **_PLAIN)
    _style(ax)


@shared_docs
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
    {{ax}}
    {{language}}
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

    See Also
    --------
    compare_periods : The table it draws.
    trend : A linear trend over the periods.
    plot_nps : NPS per group with intervals.

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
    by_cols = as_column_list(by)
    t = _trend_columns(data, period, by_cols, show_changes)
    periods = _period_order(data[period])
    position = {p: i for i, p in enumerate(periods)}
    row_x = np.array([position.get(str(v), -1) for v in data[period]])
    group_labels, groups, colours = _trend_lines(data, by_cols, language)

    ax = _axes(ax, (max(6.0, 0.75 * len(periods) + 3.0), 4.4))
    x = np.arange(len(periods), dtype=float)
    band_alpha = 0.2 if len(groups) == 1 else 0.14 if len(groups) <= 3 else 0.07
    handles, marks, any_low = [], [], False
    for g, colour in zip(groups, colours):
        mine = np.array([lab == g for lab in group_labels]) & (row_x >= 0)
        series = _line_series(t, mine, row_x[mine], len(periods))
        name = g if g is not None else _i18n.text("nps", language)
        handles.append(_draw_line(ax, x, series, colour, name, band_alpha))
        any_low |= bool((np.isfinite(series.nps) & series.low_n).any())
        marks += _draw_changes(ax, x, series, lambda cat, c=colour: c if by_cols else PALETTE[cat])
    _annotate_changes(ax, marks, language)
    handles += _trend_key(data, bool(by_cols), {m[3] for m in marks}, any_low, language)
    _trend_frame(ax, t, periods, period, by_cols, language)
    _fit_width(ax, max(6.0, 0.75 * len(periods) + 1.0 + max(2.0, (_legend_width(handles) + _LEGEND_GAP) / 72.0)))
    _legend_outside(ax, handles)
    return ax


# -- comparison (forest plot) ---------------------------------------------------------------------------------
def _row_height(ticks: list, per_row: float = 0.55) -> float:
    """Inches per row of a figure with one row per tick: more when a wrapped tick has several lines."""
    lines = max((str(t).count("\n") + 1 for t in ticks), default=1)
    return per_row * (1.0 + 0.45 * (lines - 1))


def _comparison_ticks(raw: list, names: list, diff: np.ndarray, n: np.ndarray, is_ref: list, language) -> list:
    """Tick of each row: its name, marked as the reference or as a group without answers."""
    ticks = []
    for name, d, size, this in zip(names, diff, n, is_ref):
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
    return ticks


def _draw_differences(ax: Axes, y, diff, low, high, sig, colour, language) -> None:
    """One bar per difference around the zero line, each with its value and interval written after it."""
    ok = np.isfinite(diff)
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
        value = (f"{_i18n.change(diff[i], language, zero='difference_zero')} "
                 f"[{_i18n.number(low[i], language)}; {_i18n.number(high[i], language)}]")
        ax.annotate(value, (end, y[i]), xytext=(7, 0), textcoords="offset points", ha="left", va="center",
                    fontsize=8.5, color=colour[i] if sig[i] else "#555555",
                    fontweight="bold" if sig[i] else "normal", gid="comparison-value", **_PLAIN)


def _comparison_key(diff: np.ndarray, sig: np.ndarray, language) -> list:
    """Legend entries of the kinds of difference shown: significantly higher, lower, not significant."""
    ok = np.isfinite(diff)
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
    return handles


@shared_docs
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
    {{ax}}
    {{language}}
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

    See Also
    --------
    compare_groups : The table it draws.
    plot_nps : NPS per group with intervals.

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
    raw = data[label].tolist() if label is not None else list(data.index)
    names = [_label(v, language) for v in raw]
    ref = reference if reference is not None else data.attrs.get("reference")
    is_ref = [ref is not None and (_same(v, ref) or name == str(ref)) for v, name in zip(raw, names)]
    ticks = _wrap_all(_comparison_ticks(raw, names, diff, _optional_numbers(data, "n", np.nan), is_ref, language),
                      _NAME_WRAP)

    k = len(data)
    ax = _axes(ax, (7.5, max(2.6, _row_height(ticks) * k + 1.6)))
    y = np.arange(k, dtype=float)
    colour = np.where(sig & (diff > 0), PALETTE["promoter"], np.where(sig & (diff < 0), PALETTE["detractor"], MUTED))
    _draw_differences(ax, y, diff, low, high, sig, colour, language)
    ax.set_yticks(y, ticks, **_PLAIN)
    ax.set_ylim(k - 0.4, -0.6)
    ax.set_xlabel(_i18n.text("difference_vs", language, reference=_label(reference, language))
                  if reference is not None else _i18n.text("difference_axis", language), **_PLAIN)
    confidence = data.attrs.get("confidence")
    ax.set_title(_i18n.text("differences_title", language, confidence=_confidence_text(confidence, language))
                 if isinstance(confidence, numbers.Real) else _i18n.text("differences_title_plain", language),
                 **_PLAIN)
    _style(ax, grid_axis="x")
    handles = _comparison_key(diff, sig, language)
    _fit_width(ax, 5.0 + (_widest(ticks, plt.rcParams["ytick.labelsize"]) + _legend_width(handles)) / 72.0,
               least=7.5)
    _legend_outside(ax, handles)
    return ax


# -- decomposition (waterfall) --------------------------------------------------------------------------------
def _component_label(name, language) -> str:
    """Tick text of a component of decompose_change, in the report language."""
    text = str(name)
    if text in ("previous", "current", "mix"):
        return _i18n.text(text, language)
    if text in ("promoters", "passives", "detractors"):
        return _i18n.text(text, language)
    if text.startswith("within: "):
        return _i18n.text("within", language, segment=text[len("within: "):])
    return text


def _waterfall_rows(data: pd.DataFrame) -> tuple[list, np.ndarray]:
    """Check the table of decompose_change and read its kinds and points."""
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
    return kinds, points


def _waterfall(kinds: list, points: np.ndarray) -> tuple[list, list, list, list]:
    """Bottom, height, colour and running total of each bar: levels from 0, changes from the running total."""
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
    return bottoms, heights, colours, ends


def _draw_waterfall(ax: Axes, kinds: list, bottoms: list, heights: list, colours: list, ends: list,
                    language) -> None:
    """The bars, the dashed steps between them, the zero line and each bar's value."""
    k = len(kinds)
    x = np.arange(k, dtype=float)
    ax.bar(x, heights, bottom=bottoms, width=0.62, color=colours, edgecolor="white", linewidth=0.8, zorder=2)
    for i in range(k - 1):
        ax.plot([x[i] + 0.31, x[i + 1] - 0.31], [ends[i], ends[i]], color="#7a7a7a", linewidth=0.9,
                linestyle=(0, (2, 2)), zorder=1)
    ax.axhline(0, color="#444444", linewidth=0.9, zorder=1)
    for xi, kind, b, h in zip(x, kinds, bottoms, heights):
        top, bottom = max(b, b + h), min(b, b + h)
        up = h >= 0
        value = _i18n.change(h, language) if kind == "change" else _i18n.number(h, language)
        ax.annotate(value, (xi, top if up else bottom), xytext=(0, 3 if up else -3), textcoords="offset points",
                    ha="center", va="bottom" if up else "top", fontsize=9,
                    fontweight="bold" if kind == "level" else "normal", color="#222222", gid="waterfall-value",
                    **_PLAIN)


def _waterfall_limits(bottoms: list, heights: list) -> tuple[float, float]:
    """Vertical limits around every bar, standing on the zero line when all are on one side of it."""
    tops = np.array(bottoms) + np.array(heights)
    lo, hi = _limits([0.0], np.array(bottoms), tops, pad=0.14, min_span=10.0)
    if min(min(bottoms), tops.min()) >= 0:
        lo = 0.0  # everything above zero: the bars stand on the axis
    elif max(max(bottoms), tops.max()) <= 0:
        hi = 0.0
    return lo, hi


def _waterfall_text(ax: Axes, ticks: list, kinds: list, points: np.ndarray, language) -> None:
    """Ticks (wrapped already), the axis label and the title with the two levels ("no change" when the same)."""
    ax.set_xticks(np.arange(len(ticks), dtype=float), ticks, **_PLAIN)
    ax.set_ylabel(_i18n.text("nps_points", language), **_PLAIN)
    levels = [v for kind, v in zip(kinds, points) if kind == "level"]
    if len(levels) >= 2:
        change = levels[-1] - levels[0]
        words = {"previous": _i18n.number(levels[0], language), "current": _i18n.number(levels[-1], language)}
        if _i18n.rounds_to_zero(change):
            ax.set_title(_i18n.text("decomposition_title_zero", language, **words), **_PLAIN)
        else:
            ax.set_title(_i18n.text("decomposition_title", language, change=_i18n.number(change, language, sign=True),
                                    **words), **_PLAIN)
    else:
        ax.set_title(_i18n.text("change_in_nps", language), **_PLAIN)


def _waterfall_key(kinds: list, points: np.ndarray, language) -> list:
    """Legend entries: the level, and increase and decrease when the changes have them."""
    handles = [Patch(facecolor=NEUTRAL, label=_i18n.text("level", language))]
    if any(kind == "change" and v > 0 for kind, v in zip(kinds, points)):
        handles.append(Patch(facecolor=PALETTE["promoter"], label=_i18n.text("increase", language)))
    if any(kind == "change" and v < 0 for kind, v in zip(kinds, points)):
        handles.append(Patch(facecolor=PALETTE["detractor"], label=_i18n.text("decrease", language)))
    return handles


@shared_docs
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
    {{ax}}
    {{language}}

    Returns
    -------
    matplotlib Axes
        One bar per row (``ax.containers[0]``): levels in the neutral
        colour, increases in the promoter green, decreases in the
        detractor red, each with its value written on it.

    See Also
    --------
    decompose_change : The table it draws.
    plot_trend : NPS per period.

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
    kinds, points = _waterfall_rows(data)
    bottoms, heights, colours, ends = _waterfall(kinds, points)
    ticks = _wrap_all([_component_label(c, language) for c in data["component"]], _WATERFALL_WRAP)
    # each bar as wide as its tick needs (1.15 inches at least), plus the y axis and the legend
    unit = max(1.15, (_widest(ticks, plt.rcParams["xtick.labelsize"]) + 12.0) / 72.0)
    ax = _axes(ax, (max(5.0, unit * len(kinds) + 2.0), 4.4))
    _draw_waterfall(ax, kinds, bottoms, heights, colours, ends, language)
    ax.set_ylim(*_waterfall_limits(bottoms, heights))
    _waterfall_text(ax, ticks, kinds, points, language)
    _style(ax)
    _legend_outside(ax, _waterfall_key(kinds, points, language))
    return ax


# -- key drivers ----------------------------------------------------------------------------------------------
def _driver_columns(data: pd.DataFrame) -> tuple[np.ndarray, ...]:
    """Check the table of key_drivers and read importance, interval, share and correlation of each driver."""
    check_columns(data, ["driver", "importance"], role="column")
    if len(data) == 0:
        raise ValueError("data has no rows; expected one row per driver")
    importance = _numbers(data, "importance")
    low, high = _optional_numbers(data, "low", np.nan), _optional_numbers(data, "high", np.nan)
    share = (_numbers(data, "importance_share") if "importance_share" in data.columns
             else importance / np.nansum(importance))
    corr = _optional_numbers(data, "correlation", 1.0)
    return importance, low, high, share, corr


def _draw_driver_bars(ax: Axes, importance, low, high, share, corr, language) -> np.ndarray:
    """Bars coloured by the direction of the correlation, interval lines, shares; returns where intervals are."""
    y = np.arange(len(importance), dtype=float)
    colours = [PALETTE["detractor"] if c < 0 else PALETTE["promoter"] if c > 0 else NEUTRAL for c in corr]
    ax.barh(y, np.nan_to_num(importance), height=0.6, color=colours, edgecolor="white", zorder=2)
    has_interval = np.isfinite(low) & np.isfinite(high)
    for i in np.flatnonzero(has_interval):
        ax.plot([low[i], high[i]], [y[i], y[i]], color="#222222", linewidth=1.6, solid_capstyle="butt", zorder=3)
    reach = np.nanmax(np.concatenate([importance, np.where(has_interval, high, np.nan), [0.0]]))
    for i in range(len(y)):
        end = high[i] if has_interval[i] else importance[i]
        if np.isfinite(end) and np.isfinite(share[i]):
            ax.annotate(_i18n.percent(share[i], language), (end, y[i]), xytext=(5, 0), textcoords="offset points",
                        ha="left", va="center", fontsize=8.5, color="#333333", gid="driver-share", **_PLAIN)
    ax.set_xlim(min(0.0, float(np.nanmin(np.concatenate([low, importance, [0.0]])))), max(reach, 1e-9) * 1.18)
    return has_interval


def _drivers_key(corr: np.ndarray, has_interval: np.ndarray, confidence, language) -> list:
    """Legend entries: the directions shown and the bootstrap interval."""
    handles = []
    if (corr > 0).any():
        handles.append(Patch(facecolor=PALETTE["promoter"], label=_i18n.text("drivers_positive", language)))
    if (corr < 0).any():
        handles.append(Patch(facecolor=PALETTE["detractor"], label=_i18n.text("drivers_negative", language)))
    if has_interval.any():
        label = _i18n.text("drivers_interval", language,
                           confidence=_i18n.confidence_level(confidence, language)
                           if isinstance(confidence, numbers.Real) else "")
        handles.append(Line2D([], [], color="#222222", linewidth=1.6, label=label.strip()))
    return handles


@renamed_arguments(table="data")
@shared_docs
def plot_drivers(data, *, ax=None, language="en"):
    """Bar chart of driver importance with bootstrap intervals.

    Parameters
    ----------
    data : DataFrame
        The table of :func:`nps_toolkit.key_drivers` (columns ``driver``,
        ``importance``, ``low``, ``high``, ``importance_share``,
        ``correlation``); rows are drawn top to bottom in its order. (Its
        old name ``table=`` still works, with a ``DeprecationWarning``.)
    {{ax}}
    {{language}}

    Returns
    -------
    matplotlib Axes
        One horizontal bar per driver (``ax.containers[0]``), in the promoter
        green when a higher rating goes with a higher score and in the
        detractor red when it goes with a lower one, the interval as a black
        line, the share of R² written next to it; R² in the title.

    See Also
    --------
    key_drivers : The table it draws.
    plot_comparison : Differences between groups as a forest plot.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import pandas as pd
    >>> table = pd.DataFrame({"driver": ["quality", "support"], "importance": [0.3, 0.1],
    ...                       "importance_share": [0.75, 0.25], "low": [0.25, 0.06], "high": [0.35, 0.14],
    ...                       "correlation": [0.55, 0.3]})
    >>> table.attrs.update(r_squared=0.4, confidence=0.95)
    >>> ax = plot_drivers(table)
    >>> [t.get_text() for t in ax.get_yticklabels()], ax.get_title()
    (['quality', 'support'], 'What drives the score (R² = 0.40)')
    >>> plt.close("all")
    """
    _i18n.check_language(language)
    _table(data, "the table of key_drivers")
    importance, low, high, share, corr = _driver_columns(data)
    k = len(importance)
    ticks = _wrap_all(data["driver"], _NAME_WRAP)
    ax = _axes(ax, (7.5, max(2.6, _row_height(ticks, 0.5) * k + 1.6)))
    has_interval = _draw_driver_bars(ax, importance, low, high, share, corr, language)
    ax.set_yticks(np.arange(k, dtype=float), ticks, **_PLAIN)
    ax.set_ylim(k - 0.4, -0.6)
    ax.set_xlabel(_i18n.text("drivers_axis", language), **_PLAIN)
    r2 = data.attrs.get("r_squared")
    ax.set_title(_i18n.text("drivers_title", language, r2=_i18n.number(r2, language, decimals=2))
                 if isinstance(r2, numbers.Real) and math.isfinite(r2) else _i18n.text("drivers_title_plain", language),
                 **_PLAIN)
    _style(ax, grid_axis="x")
    handles = _drivers_key(corr, has_interval, data.attrs.get("confidence"), language)
    _fit_width(ax, 5.0 + (_widest(ticks, plt.rcParams["ytick.labelsize"]) + _legend_width(handles)) / 72.0,
               least=7.5)
    _legend_outside(ax, handles)
    return ax
