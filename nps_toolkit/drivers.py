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

This is a tidy-table module: it draws nothing. The table's figure is
:func:`nps_toolkit.plot_drivers` (in :mod:`nps_toolkit.plots`).
"""

from __future__ import annotations

import math
import numbers
from itertools import combinations

import numpy as np
import pandas as pd

from ._docstrings import shared_docs
from ._resampling import rng_from
from ._validation import (check_choice, check_columns, check_confidence, check_positive_int, check_weights,
                          describe_offenders)

__all__ = ["key_drivers", "DRIVER_COLUMNS", "DRIVER_METHODS", "MAX_SHAPLEY_DRIVERS"]

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


# -- the steps of key_drivers: check, read the complete rows, decompose, bootstrap, assemble ------------------------
def _check_options(data, score, drivers, method, confidence, n_resamples) -> tuple[list, float, int]:
    """Check the columns and options of key_drivers; returns the driver names, the confidence and n_resamples."""
    check_columns(data, [score], role="score column")
    names = _driver_names(drivers, score)
    check_columns(data, names, role="driver column")
    check_choice(method, DRIVER_METHODS, name="method")
    confidence = check_confidence(confidence)
    n_resamples = check_positive_int(n_resamples, name="n_resamples", minimum=0)
    if method == "shapley" and len(names) > MAX_SHAPLEY_DRIVERS:
        raise ValueError(f"the exact Shapley decomposition handles up to {MAX_SHAPLEY_DRIVERS} drivers (2^k subsets); "
                         f"got {len(names)}: use method='relative-weights'")
    return names, confidence, n_resamples


def _complete_rows(data: pd.DataFrame, columns: list, weights) -> tuple[np.ndarray, np.ndarray | None, int]:
    """The drivers and the score (last column) on the rows that have them all, their weights, the rows left out."""
    x = np.column_stack([_numeric(data[c], c) for c in columns])
    infinite = ~np.isfinite(x) & ~np.isnan(x)
    if infinite.any():
        row, col = np.argwhere(infinite)[0]
        raise ValueError(f"column {columns[col]!r} must hold finite numbers; got {x[row, col]!r} "
                         f"(position {int(row)})")
    complete = ~np.isnan(x).any(axis=1)
    w = None
    if weights is not None:
        check_columns(data, [weights], role="weights column")
        w = check_weights(data[weights], len(x), column=str(weights), mask=complete)[complete]
        if not w.sum() > 0:
            raise ValueError(f"{weights}: the complete rows' weights sum to 0; nothing to weigh")
    return x[complete], w, int((~complete).sum())


def _check_enough(x: np.ndarray, columns: list, n_dropped: int) -> None:
    """Refuse too few complete rows for the drivers, or a column that does not vary."""
    k, n = len(columns) - 1, len(x)
    need = max(10, k + 3)
    if n < need:
        raise ValueError(f"key_drivers needs at least {need} complete rows for {k} driver(s); got {n}"
                         + (f" ({n_dropped} rows with a missing value left out)" if n_dropped else ""))
    flat = [c for c, sd in zip(columns, x.std(axis=0)) if not sd > 0]
    if flat:
        raise ValueError(f"column {flat[0]!r} does not vary (every complete row has the same value); it cannot "
                         f"explain or be explained")


def _bootstrap(x: np.ndarray, w, method: str, n_resamples: int, confidence: float, random_state) -> dict:
    """Percentile intervals of the importances, their shares and R² over resamples of the rows (NaN without)."""
    k = x.shape[1] - 1
    out = {"low": np.full(k, np.nan), "high": np.full(k, np.nan), "share_low": np.full(k, np.nan),
           "share_high": np.full(k, np.nan), "r_squared_low": math.nan, "r_squared_high": math.nan,
           "n_failed_resamples": 0}
    if n_resamples == 0:
        return out
    n = len(x)
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
    out["n_failed_resamples"] = int(np.isnan(boot_r2).sum())
    if out["n_failed_resamples"] < n_resamples:
        tail = (1.0 - confidence) / 2.0
        tails = [tail, 1.0 - tail]
        out["low"], out["high"] = np.nanquantile(boot, tails, axis=0)
        out["share_low"], out["share_high"] = np.nanquantile(boot_share, tails, axis=0)
        out["r_squared_low"], out["r_squared_high"] = (float(v) for v in np.nanquantile(boot_r2, tails))
    return out


def _driver_table(names: list, importance: np.ndarray, share: np.ndarray, intervals: dict,
                  correlation: np.ndarray) -> pd.DataFrame:
    """The table of :data:`DRIVER_COLUMNS`, most important driver first."""
    k = len(names)
    order = np.argsort(-importance, kind="stable")
    rank = np.empty(k, dtype=np.int64)
    rank[order] = np.arange(1, k + 1)
    table = pd.DataFrame({"driver": names, "importance": importance, "importance_share": share,
                          "low": intervals["low"], "high": intervals["high"], "share_low": intervals["share_low"],
                          "share_high": intervals["share_high"], "rank": rank, "correlation": correlation})
    return table.iloc[order].reset_index(drop=True)


# -- public -----------------------------------------------------------------------------------------------------
@shared_docs
def key_drivers(data: pd.DataFrame, *, score="score", drivers=None, weights=None, n_resamples=1000, confidence=0.95,
                random_state=None, method="shapley") -> pd.DataFrame:
    """Which rated attributes move the score: relative importance with bootstrap intervals.

    Parameters
    ----------
    data : DataFrame
        One row per respondent (a pandas DataFrame). Not modified.
    score : str
        Column of the outcome: the 0-10 recommendation answer (or any
        numeric score), used as a number; nothing is counted by category.
    {{drivers}}
        Numeric, e.g. 1-10 ratings of price, quality, support. Up to
        :data:`MAX_SHAPLEY_DRIVERS` for ``"shapley"``; any number for
        ``"relative-weights"``.
    weights : str, optional
        Column of survey weights: correlations, R² and its split are then
        weighted (weighted least squares), and each bootstrap resample
        carries the weights of the rows it draws.
    {{n_resamples}}
        The rows are resampled for the intervals; 0 gives no intervals.
    {{confidence}}
        Here, the level of the percentile bootstrap intervals.
    {{random_state}}
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

    See Also
    --------
    plot_drivers : Draw the importances.
    theme_impact : What comment themes cost the NPS.

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
    names, confidence, n_resamples = _check_options(data, score, drivers, method, confidence, n_resamples)
    columns = names + [score]
    x, w, n_dropped = _complete_rows(data, columns, weights)
    _check_enough(x, columns, n_dropped)

    corr = _correlations(x) if w is None else _correlations(x, w[None, :])
    importance = _decompose(corr, method)[0]
    r2 = float(importance.sum())
    share = importance / r2 if r2 > 0 else np.full(len(names), np.nan)
    intervals = _bootstrap(x, w, method, n_resamples, confidence, random_state)

    table = _driver_table(names, importance, share, intervals, corr[0, :-1, -1])
    table.attrs.update({"r_squared": r2, "r_squared_low": intervals["r_squared_low"],
                        "r_squared_high": intervals["r_squared_high"], "n": len(x), "n_dropped": n_dropped,
                        "method": method, "confidence": confidence, "n_resamples": n_resamples,
                        "n_failed_resamples": intervals["n_failed_resamples"], "score": score, "weights": weights})
    return table
