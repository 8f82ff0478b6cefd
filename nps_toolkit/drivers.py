"""Key drivers: which rated attributes move the recommendation score, and by how much.

:func:`key_drivers` regresses the score (the 0-10 answer, or any numeric
outcome) on attribute ratings (price, quality, support, ...) and splits the
model's R² between the drivers:

``"shapley"`` (default)
    The Shapley value decomposition of R² (also called dominance analysis'
    general dominance, or LMG): a driver's importance is its extra R² when it
    joins a model, averaged over every order in which the drivers could
    join::

        importance_j = sum over subsets S without j of
                       |S|! (k - |S| - 1)! / k! * (R²(S + j) - R²(S))

    computed exactly over all 2^k subsets (up to 15 drivers), each subset's R²
    by least squares (normal equations of the correlation matrix, solved for
    every subset of a size at once).
``"relative-weights"``
    Johnson's relative weights (2000): the drivers are replaced by their
    closest orthogonal counterparts (``Z (Z'Z)^{-1/2}``), the score is
    regressed on those, and each driver gets the squared loadings times the
    squared coefficients. Close to the Shapley values, and fast for many
    drivers.

Both split the R² exactly: the importances sum to R². Their intervals are
percentile bootstrap intervals: rows are resampled with replacement (one
multinomial draw of row counts per resample), every resample's weighted
correlation matrix is computed at once, and the decomposition is repeated on
each.

Importance is not causation: a driver that is correlated with the score
because both follow a third thing gets importance too. Ratings that move
together (quality and reliability) share their importance, which is the
point of the decomposition but makes each one's share uncertain: read the
intervals.

:func:`plot_drivers` draws the table as a bar chart with the intervals.
"""

from __future__ import annotations

import math
import numbers
from itertools import combinations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.patches import Patch

from . import _i18n
from ._resampling import rng_from
from ._validation import (check_choice, check_columns, check_confidence, check_positive_int, check_weights,
                          describe_offenders)
from .plots import NEUTRAL, PALETTE

__all__ = ["key_drivers", "plot_drivers", "DRIVER_COLUMNS", "DRIVER_METHODS", "MAX_SHAPLEY_DRIVERS"]

#: Columns of :func:`key_drivers`, in order.
DRIVER_COLUMNS = ["driver", "importance", "importance_share", "low", "high", "share_low", "share_high", "rank",
                  "correlation"]

#: Decomposition methods.
DRIVER_METHODS = ("shapley", "relative-weights")

#: Most drivers of the exact Shapley decomposition (2^15 subsets).
MAX_SHAPLEY_DRIVERS = 15

#: Most numbers held at once by the batched computations (memory bound, about 80 MB of float64).
_BATCH = 10_000_000


# -- validation -------------------------------------------------------------------------------------------------
def _numeric(series: pd.Series, column) -> np.ndarray:
    """Float array of a column (NaN where missing); text, booleans and other objects raise TypeError."""
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype):
        raise TypeError(f"column {column!r} must hold numbers (ratings), got booleans; convert them with "
                        f".astype(int) if they are 0/1 indicators")
    if pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_complex_dtype(dtype):
        return series.to_numpy(dtype=float, na_value=np.nan)
    raw = series.to_numpy(dtype=object)
    out = np.full(len(raw), np.nan)
    bad = []
    for i, v in enumerate(raw):
        if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
            continue
        if isinstance(v, numbers.Real) and not isinstance(v, (bool, np.bool_)):
            out[i] = float(v)
        else:
            bad.append(i)
    if bad:
        raise TypeError(f"column {column!r} must hold numbers (ratings), got "
                        f"{describe_offenders(list(raw[bad]), bad)}")
    return out


def _driver_names(drivers, score) -> list:
    if drivers is None:
        raise TypeError("key_drivers needs drivers=[...]: the columns of attribute ratings")
    names = [drivers] if isinstance(drivers, str) else list(drivers)
    if not names:
        raise ValueError("drivers must name at least one column")
    dup = sorted({str(d) for d in names if names.count(d) > 1})
    if dup:
        raise ValueError(f"drivers name a column more than once: {dup}")
    if score in names:
        raise ValueError(f"the score column {score!r} cannot also be a driver")
    return names


# -- the decompositions, batched over resamples -----------------------------------------------------------------
def _correlations(x: np.ndarray, counts: np.ndarray | None = None) -> np.ndarray:
    """Correlation matrices of the columns of ``x`` (n x p), one per row of ``counts`` (B x n; None: one, unweighted).

    Returns (B, p, p); a resample in which a column does not vary gives NaN.
    """
    n, p = x.shape
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    z = (x - mean) / np.where(scale > 0, scale, 1.0)
    if counts is None:
        cov = (z.T @ z / n)[None]
        mu = np.zeros((1, p))
    else:
        w = counts / counts.sum(axis=1, keepdims=True)
        mu = w @ z
        products = (z[:, :, None] * z[:, None, :]).reshape(n, p * p)
        cov = (w @ products).reshape(-1, p, p) - mu[:, :, None] * mu[:, None, :]
    sd = np.sqrt(np.clip(np.diagonal(cov, axis1=1, axis2=2), 0.0, None))
    with np.errstate(invalid="ignore", divide="ignore"):
        corr = cov / (sd[:, :, None] * sd[:, None, :])
    corr[~np.isfinite(corr).all(axis=(1, 2))] = np.nan
    return corr


def _solve(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Solve a stack of systems; a (near) singular stack falls back to the pseudo-inverse (least squares)."""
    try:
        x = np.linalg.solve(a, b[..., None])[..., 0]
        if np.all(np.isfinite(x)):
            return x
    except np.linalg.LinAlgError:
        pass
    return (np.linalg.pinv(a) @ b[..., None])[..., 0]


def _subset_r2(rxx: np.ndarray, rxy: np.ndarray) -> np.ndarray:
    """R² of every subset of the drivers, indexed by bit mask: (B, 2^k); R²(empty) = 0."""
    b, k = rxy.shape
    r2 = np.zeros((b, 1 << k))
    for size in range(1, k + 1):
        subsets = np.array(list(combinations(range(k), size)), dtype=np.int64)
        masks = (1 << subsets).sum(axis=1)
        step = max(1, _BATCH // max(1, b * size * size))
        for lo in range(0, len(subsets), step):
            idx = subsets[lo:lo + step]
            a = rxx[:, idx[:, :, None], idx[:, None, :]]
            rhs = rxy[:, idx]
            r2[:, masks[lo:lo + step]] = np.einsum("bcm,bcm->bc", rhs, _solve(a, rhs))
    return r2


def _shapley(rxx: np.ndarray, rxy: np.ndarray) -> np.ndarray:
    """Shapley values of R², (B, k), from correlation matrices (B, k, k) and correlations with the score (B, k)."""
    k = rxy.shape[1]
    r2 = _subset_r2(rxx, rxy)
    masks = np.arange(1 << k)
    sizes = np.array([bin(m).count("1") for m in masks])
    weight = np.array([math.factorial(s) * math.factorial(k - s - 1) / math.factorial(k) if s < k else 0.0
                       for s in range(k + 1)])
    out = np.empty((rxy.shape[0], k))
    for j in range(k):
        without = masks[(masks >> j) & 1 == 0]
        out[:, j] = (r2[:, without | (1 << j)] - r2[:, without]) @ weight[sizes[without]]
    return out


def _relative_weights(rxx: np.ndarray, rxy: np.ndarray) -> np.ndarray:
    """Johnson's relative weights, (B, k)."""
    values, vectors = np.linalg.eigh(rxx)
    tol = 1e-10 * np.maximum(values[:, -1:], 1e-300)
    root = np.sqrt(np.clip(values, 0.0, None))
    inv_root = np.where(values > tol, 1.0 / np.where(values > tol, root, 1.0), 0.0)
    lam = (vectors * root[:, None, :]) @ np.swapaxes(vectors, 1, 2)          # Rxx^(1/2)
    lam_inv = (vectors * inv_root[:, None, :]) @ np.swapaxes(vectors, 1, 2)  # Rxx^(-1/2)
    beta = np.einsum("bij,bj->bi", lam_inv, rxy)
    return np.einsum("bjk,bk->bj", lam ** 2, beta ** 2)


def _decompose(corr: np.ndarray, method: str) -> np.ndarray:
    """Importances (B, k) from correlation matrices (B, p, p) whose last row/column is the score."""
    out = np.full((corr.shape[0], corr.shape[1] - 1), np.nan)
    ok = np.isfinite(corr).all(axis=(1, 2))
    if ok.any():
        rxx, rxy = corr[ok, :-1, :-1], corr[ok, :-1, -1]
        out[ok] = _shapley(rxx, rxy) if method == "shapley" else _relative_weights(rxx, rxy)
    return out


# -- public -----------------------------------------------------------------------------------------------------
def key_drivers(data: pd.DataFrame, *, score="score", drivers=None, weights=None, n_resamples=1000, confidence=0.95,
                random_state=None, method="shapley") -> pd.DataFrame:
    """Which rated attributes move the score: relative importance with bootstrap intervals.

    Parameters
    ----------
    data : DataFrame
        One row per respondent. Not modified.
    score : str
        Column of the outcome: the 0-10 recommendation answer (or any
        numeric score).
    drivers : list of str
        Columns of attribute ratings (e.g. 1-10 ratings of price, quality,
        support), numeric. Up to :data:`MAX_SHAPLEY_DRIVERS` for
        ``"shapley"``; any number for ``"relative-weights"``.
    weights : str, optional
        Column of survey weights: correlations, R² and its split are then
        weighted (weighted least squares), and each bootstrap resample
        carries the weights of the rows it draws.
    n_resamples : int
        Bootstrap resamples of the rows for the intervals (0: no intervals).
    confidence : float
        Confidence level of the percentile intervals.
    random_state : None, int or numpy Generator
        Seed of the bootstrap.
    method : {"shapley", "relative-weights"}
        Shapley value decomposition of R² (exact, all subsets) or Johnson's
        relative weights; see the module documentation.

    Returns
    -------
    DataFrame
        One row per driver, most important first, columns
        :data:`DRIVER_COLUMNS`: ``driver``; ``importance``, its share of R²
        (the importances sum to R²); ``importance_share`` (sums to 1);
        ``low`` and ``high``, the bootstrap interval of ``importance``;
        ``share_low`` and ``share_high``, that of ``importance_share``;
        ``rank`` (1 = most important); ``correlation``, the Pearson
        correlation of the driver with the score (its sign tells the
        direction). ``attrs`` holds ``r_squared`` (with ``r_squared_low``,
        ``r_squared_high``), ``n`` (rows used), ``n_dropped`` (rows with a
        missing value in the score or a driver, left out), ``method``,
        ``confidence``, ``n_resamples`` and ``score``.

    Raises
    ------
    KeyError
        A column is not in the data.
    TypeError
        A driver or the score holds text or booleans (positions named).
    ValueError
        Too few complete rows, a column that does not vary, a driver named
        twice, too many drivers for the exact Shapley decomposition.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(1)
    >>> ratings = pd.DataFrame(rng.integers(1, 11, size=(500, 3)), columns=["price", "quality", "support"])
    >>> ratings["score"] = (0.2 * ratings["price"] + 0.6 * ratings["quality"] + 0.3 * ratings["support"]
    ...                     + rng.normal(0, 1.5, 500)).clip(0, 10).round()
    >>> table = key_drivers(ratings, drivers=["price", "quality", "support"], n_resamples=200, random_state=1)
    >>> table[["driver", "importance", "importance_share", "rank"]].round(2)
        driver  importance  importance_share  rank
    0  quality        0.50              0.77     1
    1  support        0.12              0.18     2
    2    price        0.03              0.05     3
    >>> print(f"R² = {table.attrs['r_squared']:.2f}, sum of importances = {table['importance'].sum():.2f}")
    R² = 0.65, sum of importances = 0.65
    """
    check_columns(data, [score], role="score column")
    names = _driver_names(drivers, score)
    check_columns(data, names, role="driver column")
    check_choice(method, DRIVER_METHODS, name="method")
    confidence = check_confidence(confidence)
    n_resamples = check_positive_int(n_resamples, name="n_resamples", minimum=0)
    k = len(names)
    if method == "shapley" and k > MAX_SHAPLEY_DRIVERS:
        raise ValueError(f"the exact Shapley decomposition handles up to {MAX_SHAPLEY_DRIVERS} drivers (2^k subsets); "
                         f"got {k}: use method='relative-weights'")

    columns = names + [score]
    x = np.column_stack([_numeric(data[c], c) for c in columns])
    infinite = ~np.isfinite(x) & ~np.isnan(x)
    if infinite.any():
        row, col = np.argwhere(infinite)[0]
        raise ValueError(f"column {columns[col]!r} must hold finite numbers; got {x[row, col]!r} "
                         f"(position {int(row)})")
    complete = ~np.isnan(x).any(axis=1)
    n_dropped = int((~complete).sum())
    w = None
    if weights is not None:
        check_columns(data, [weights], role="weights column")
        w = check_weights(data[weights], len(x), column=str(weights), mask=complete)[complete]
        if not w.sum() > 0:
            raise ValueError(f"{weights}: the complete rows' weights sum to 0; nothing to weigh")
    x = x[complete]
    n = len(x)
    need = max(10, k + 3)
    if n < need:
        raise ValueError(f"key_drivers needs at least {need} complete rows for {k} driver(s); got {n}"
                         + (f" ({n_dropped} rows with a missing value left out)" if n_dropped else ""))
    flat = [c for c, sd in zip(columns, x.std(axis=0)) if not sd > 0]
    if flat:
        raise ValueError(f"column {flat[0]!r} does not vary (every complete row has the same value); it cannot "
                         f"explain or be explained")

    corr = _correlations(x) if w is None else _correlations(x, w[None, :])
    importance = _decompose(corr, method)[0]
    r2 = float(importance.sum())
    share = importance / r2 if r2 > 0 else np.full(k, np.nan)

    low = high = share_low = share_high = np.full(k, np.nan)
    r2_low = r2_high = math.nan
    n_failed = 0
    if n_resamples > 0:
        rng = rng_from(random_state)
        chunk = max(1, min(n_resamples, _BATCH // max(1, n * (k + 1))))
        draws = []
        for start in range(0, n_resamples, chunk):
            size = min(chunk, n_resamples - start)
            counts = rng.multinomial(n, np.full(n, 1.0 / n), size=size).astype(float)
            draws.append(_decompose(_correlations(x, counts if w is None else counts * w[None, :]), method))
        boot = np.concatenate(draws)
        boot_r2 = boot.sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            boot_share = boot / boot_r2[:, None]
        n_failed = int(np.isnan(boot_r2).sum())
        tail = (1.0 - confidence) / 2.0
        if n_failed < n_resamples:
            low, high = np.nanquantile(boot, [tail, 1.0 - tail], axis=0)
            share_low, share_high = np.nanquantile(boot_share, [tail, 1.0 - tail], axis=0)
            r2_low, r2_high = (float(v) for v in np.nanquantile(boot_r2, [tail, 1.0 - tail]))

    order = np.argsort(-importance, kind="stable")
    rank = np.empty(k, dtype=np.int64)
    rank[order] = np.arange(1, k + 1)
    table = pd.DataFrame({"driver": names, "importance": importance, "importance_share": share, "low": low,
                          "high": high, "share_low": share_low, "share_high": share_high, "rank": rank,
                          "correlation": corr[0, :-1, -1]})
    table = table.iloc[order].reset_index(drop=True)
    table.attrs.update({"r_squared": r2, "r_squared_low": r2_low, "r_squared_high": r2_high, "n": n,
                        "n_dropped": n_dropped, "method": method, "confidence": confidence,
                        "n_resamples": n_resamples, "n_failed_resamples": n_failed, "score": score,
                        "weights": weights})
    return table


def plot_drivers(table, *, ax=None, language="en"):
    """Bar chart of driver importance with bootstrap intervals.

    Parameters
    ----------
    table : DataFrame
        The table of :func:`key_drivers` (columns ``driver``,
        ``importance``, ``low``, ``high``, ``importance_share``,
        ``correlation``); rows are drawn top to bottom in its order.
    ax : matplotlib Axes, optional
        Where to draw; a new figure when None.
    language : {"en", "ru", "pl"}
        Language of the labels.

    Returns
    -------
    matplotlib Axes
        One horizontal bar per driver (``ax.containers[0]``), in the promoter
        green when a higher rating goes with a higher score and in the
        detractor red when it goes with a lower one, the interval as a black
        line, the share of R² written next to it; R² in the title.

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
    if not isinstance(table, pd.DataFrame):
        raise TypeError(f"table must be the DataFrame of key_drivers, got {type(table).__name__}")
    check_columns(table, ["driver", "importance"], role="column")
    k = len(table)
    if k == 0:
        raise ValueError("table has no rows; expected one row per driver")
    importance = _numeric(table["importance"], "importance")
    low = _numeric(table["low"], "low") if "low" in table.columns else np.full(k, np.nan)
    high = _numeric(table["high"], "high") if "high" in table.columns else np.full(k, np.nan)
    share = (_numeric(table["importance_share"], "importance_share") if "importance_share" in table.columns
             else importance / np.nansum(importance))
    corr = _numeric(table["correlation"], "correlation") if "correlation" in table.columns else np.ones(k)

    if ax is None:
        _, ax = plt.subplots(figsize=(7.5, max(2.6, 0.5 * k + 1.6)), layout="constrained")
    elif not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes (or None for a new figure), got {type(ax).__name__}")
    y = np.arange(k, dtype=float)
    colours = [PALETTE["detractor"] if c < 0 else PALETTE["promoter"] if c > 0 else NEUTRAL for c in corr]
    ax.barh(y, np.nan_to_num(importance), height=0.6, color=colours, edgecolor="white", zorder=2)
    has_interval = np.isfinite(low) & np.isfinite(high)
    for i in np.flatnonzero(has_interval):
        ax.plot([low[i], high[i]], [y[i], y[i]], color="#222222", linewidth=1.6, solid_capstyle="butt", zorder=3)
    reach = np.nanmax(np.concatenate([importance, np.where(has_interval, high, np.nan), [0.0]]))
    for i in range(k):
        end = high[i] if has_interval[i] else importance[i]
        if np.isfinite(end) and np.isfinite(share[i]):
            ax.annotate(_i18n.percent(share[i], language), (end, y[i]), xytext=(5, 0), textcoords="offset points",
                        ha="left", va="center", fontsize=8.5, color="#333333")
    ax.set_xlim(min(0.0, float(np.nanmin(np.concatenate([low, importance, [0.0]])))), max(reach, 1e-9) * 1.18)
    ax.set_yticks(y, [str(v) for v in table["driver"]])
    ax.set_ylim(k - 0.4, -0.6)
    ax.set_xlabel(_i18n.text("drivers_axis", language))
    r2 = table.attrs.get("r_squared")
    ax.set_title(_i18n.text("drivers_title", language, r2=_i18n.number(r2, language, decimals=2))
                 if isinstance(r2, numbers.Real) and math.isfinite(r2) else _i18n.text("drivers_title_plain", language))
    sns.despine(ax=ax)
    ax.grid(axis="x", color="#e6e6e6", linewidth=0.8)
    ax.set_axisbelow(True)
    handles = []
    if (corr > 0).any():
        handles.append(Patch(facecolor=PALETTE["promoter"], label=_i18n.text("drivers_positive", language)))
    if (corr < 0).any():
        handles.append(Patch(facecolor=PALETTE["detractor"], label=_i18n.text("drivers_negative", language)))
    if has_interval.any():
        confidence = table.attrs.get("confidence")
        label = _i18n.text("drivers_interval", language,
                      confidence=(_i18n.number(100 * confidence, language, decimals=0) + "%")
                      if isinstance(confidence, numbers.Real) else "")
        handles.append(plt.Line2D([], [], color="#222222", linewidth=1.6, label=label.strip()))
    if handles:
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize=8.5)
    return ax
