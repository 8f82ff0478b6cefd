"""Raking: survey weights that hit known population totals (iterative proportional fitting).

:func:`rake` adjusts the weights of a table of respondents so that, for every *margin* (a column such as age
group or region), the weights of each level add up to its population total: R's ``survey::rake()`` and, for
one margin, ``postStratify()``. :func:`raking_factors` does the same on a table of cells (the sums of weights
per combination of the margins' levels), which is all the fitting needs: a raked weight is the original weight
times a factor that depends only on the respondent's cell, so :mod:`nps_toolkit.design` rakes count tables
without going back to the rows.

The variance of an NPS under raked weights (the residuals on the margins) is in :mod:`nps_toolkit.design`
(``SurveyDesign(rake=...)``).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping

import numpy as np
import pandas as pd

from ._validation import DataTypeError, DataValueError, check_columns, check_positive_int, check_weights

__all__ = ["rake", "raking_factors", "check_margins", "MAX_ITER", "TOLERANCE"]

#: Default number of raking sweeps (one sweep fits every margin once).
MAX_ITER = 100
#: Default tolerance: the largest relative gap allowed between a level's raked total and its population total.
TOLERANCE = 1e-10


def _number(value) -> float | None:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        return None
    return float(value)


def check_margins(margins) -> dict:
    """Validate raking margins: ``{column: {level: population total}}``, totals finite and positive.

    Returns a plain ``dict`` of ``dict`` (totals as floats), in the order given. A level that the population
    has but whose total is 0 cannot be met by weights of respondents of that level: leave it out (and give
    those respondents another level, or drop them).

    Examples
    --------
    >>> check_margins({"age": {"18-34": 40, "35+": 60}})
    {'age': {'18-34': 40.0, '35+': 60.0}}
    >>> check_margins({"age": {"18-34": -1}})
    Traceback (most recent call last):
    ...
    nps_toolkit.DataValueError: margins: the population total of level '18-34' of column 'age' must be a finite, positive number, got -1
    """
    if not isinstance(margins, Mapping) or not margins:
        raise TypeError("margins must be a non-empty mapping {column: {level: population total}}, got "
                        f"{margins!r}")
    out = {}
    for column, totals in margins.items():
        if not isinstance(totals, Mapping) or not totals:
            raise TypeError(f"margins: column {column!r} must map each level to its population total "
                            f"({{level: total}}), got {totals!r}")
        checked = {}
        for level, total in totals.items():
            value = _number(total)
            if value is None or not math.isfinite(value) or value <= 0:
                raise DataValueError(f"margins: the population total of level {level!r} of column {column!r} must "
                                     f"be a finite, positive number, got {total!r}", column=column, role="margins",
                                     values=[level])
            checked[level] = value
        out[column] = checked
    return out


def _check_agreement(margins: dict, tolerance: float) -> None:
    """Refuse margins whose totals differ: raking cannot hit two different population sizes."""
    sums = {column: math.fsum(totals.values()) for column, totals in margins.items()}
    first = next(iter(sums.values()))
    if any(abs(total - first) > tolerance * max(abs(first), abs(total)) for total in sums.values()):
        listed = ", ".join(f"{column!r}: {total:.10g}" for column, total in sums.items())
        raise DataValueError(f"margins disagree: their population totals add up to different numbers ({listed}); "
                             f"every margin must describe the same population", column=next(iter(sums)),
                             role="margins")


def _level_codes(values: pd.Series, column, totals: dict) -> np.ndarray:
    """The level of each row as a position in ``totals``; refuses missing values and levels without a total."""
    missing = values.isna().to_numpy()
    if missing.any():
        positions = np.flatnonzero(missing)
        raise DataValueError(f"margin column {column!r} has {len(positions)} missing values (first at position "
                             f"{int(positions[0])}); every row needs a level to be raked", column=column,
                             role="margins", values=[None] * min(len(positions), 5), positions=positions[:5],
                             total=len(positions))
    levels = list(totals)
    codes = pd.Index(levels).get_indexer(values) if len(values) else np.zeros(0, dtype=np.int64)
    unknown = codes < 0
    if unknown.any():
        strays = pd.unique(values[unknown])
        positions = np.flatnonzero(unknown)
        raise DataValueError(f"margin column {column!r}: level(s) {', '.join(repr(_plain(v)) for v in strays[:10])} "
                             f"are in the data with no population total; give their totals in margins "
                             f"(levels with totals: {', '.join(repr(v) for v in levels)})", column=column,
                             role="margins", values=list(strays[:5]), positions=positions[:5],
                             total=len(positions))
    return codes.astype(np.int64, copy=False)


def _plain(value):
    return value.item() if isinstance(value, (np.generic,)) else value


def raking_factors(cells: pd.DataFrame, *, margins, weights, max_iter: int = MAX_ITER,
                   tolerance: float = TOLERANCE) -> np.ndarray:
    """Raking factor of each row of a table of cells: iterative proportional fitting on sums of weights.

    Parameters
    ----------
    cells : DataFrame
        One row per cell (or per part of a cell: rows of the same levels share their factor), with a column per
        margin.
    margins : dict
        ``{column: {level: population total}}`` (see :func:`rake`).
    weights : array-like
        The sum of the (original) weights of each row of ``cells``, non-negative.
    max_iter : int
        Most sweeps; one sweep fits every margin in turn.
    tolerance : float
        Converged when every level's raked total is within ``tolerance`` (relative) of its population total;
        also the largest relative gap allowed between the totals of two margins.

    Returns
    -------
    ndarray
        The factor of each row: raked weight = original weight times factor.

    Examples
    --------
    >>> import pandas as pd
    >>> cells = pd.DataFrame({"sex": ["F", "F", "M", "M"], "age": ["young", "old", "young", "old"]})
    >>> f = raking_factors(cells, margins={"sex": {"F": 50, "M": 50}, "age": {"young": 30, "old": 70}},
    ...                    weights=[10, 20, 30, 40])
    >>> (f * [10, 20, 30, 40]).round(2).tolist()
    [12.88, 37.12, 17.12, 32.88]
    """
    margins = check_margins(margins)
    check_columns(cells, list(margins), role="margin column")
    max_iter = check_positive_int(max_iter, name="max_iter")
    tolerance = _check_tolerance(tolerance)
    _check_agreement(margins, tolerance)
    base = np.asarray(weights, dtype=float).ravel()
    if len(base) != len(cells):
        raise ValueError(f"raking_factors: {len(base)} weights for {len(cells)} cells")
    if not np.all(np.isfinite(base)) or np.any(base < 0):
        raise ValueError("raking_factors: the sums of weights must be finite and non-negative")
    codes = [_level_codes(cells[column].reset_index(drop=True), column, totals) for column, totals in margins.items()]
    targets = [np.fromiter(totals.values(), float, len(totals)) for totals in margins.values()]
    names = list(margins)
    # a level of the population that no row (or only rows weighing nothing) has cannot be met
    for column, code, target, totals in zip(names, codes, targets, margins.values()):
        held = np.bincount(code, weights=base, minlength=len(target))
        absent = held <= 0
        if absent.any():
            levels = [level for level, gone in zip(totals, absent) if gone]
            raise DataValueError(f"margin column {column!r}: level(s) {', '.join(repr(v) for v in levels)} have a "
                                 f"population total but no respondent (or only respondents of weight 0) in the data; "
                                 f"drop them from margins or merge them with another level", column=column,
                                 role="margins", values=levels)
    factor = np.ones(len(base))
    gaps = None
    for _ in range(max_iter):
        for code, target in zip(codes, targets):
            current = np.bincount(code, weights=base * factor, minlength=len(target))
            factor *= (target / current)[code]
        gaps = [np.abs(np.bincount(code, weights=base * factor, minlength=len(t)) - t) / t
                for code, t in zip(codes, targets)]
        if max(float(g.max()) for g in gaps) <= tolerance:
            return factor
    unmet = []
    for column, gap, target, totals in zip(names, gaps, targets, margins.values()):
        for level, g, t in zip(totals, gap, target):
            if g > tolerance:
                unmet.append((column, level, g))
    shown = "; ".join(f"{column!r} level {level!r} off by {g:.3g} of its total" for column, level, g in unmet[:10])
    raise DataValueError(f"raking did not converge in {max_iter} sweeps (tolerance {tolerance:g}): {shown}. "
                         f"The margins may be impossible to meet together with the data's empty combinations of "
                         f"levels; check them, or raise max_iter", column=unmet[0][0], role="margins",
                         values=[level for _, level, _ in unmet[:5]], total=len(unmet))


def _check_tolerance(tolerance) -> float:
    value = _number(tolerance)
    if value is None:
        raise TypeError(f"tolerance must be a positive number, got {tolerance!r}")
    if not (math.isfinite(value) and value > 0):
        raise ValueError(f"tolerance must be a positive number, got {tolerance!r}")
    return value


def rake(data: pd.DataFrame, *, margins, weights=None, max_iter: int = MAX_ITER,
         tolerance: float = TOLERANCE) -> pd.Series:
    """Raked weights: weights that add up to the population total of every level of every margin.

    Iterative proportional fitting (raking; R's ``survey::rake()``): each sweep scales the weights of every
    level of the first margin to its population total, then of the second, and so on, until every level of
    every margin is within ``tolerance`` of its total. With one margin this is post-stratification (one sweep;
    R's ``postStratify()``). A raked weight is the original weight times a factor that depends only on the
    respondent's combination of levels.

    Parameters
    ----------
    data : DataFrame
        One row per respondent, with a column per margin. Every row is raked, whether it answered a given
        question or not. Not modified.
    margins : dict
        ``{column: {level: population total}}``: for each margin column, the population total (a number of
        people, or a share: every margin must then add up to the same total) of each of its levels. Every level
        in the data needs a total, and every level given must be in the data.
    weights : str or array-like, optional
        The weights to rake: the name of a column of ``data`` or one weight per row; finite and non-negative
        (no missing value). Every respondent weighs 1 by default.
    max_iter : int
        Most sweeps (one sweep fits every margin once); 100 by default.
    tolerance : float
        Converged when every level's raked total is within ``tolerance`` of its population total, relative to
        that total (1e-10 by default). Margins whose totals differ by more than ``tolerance`` (relative) are
        refused.

    Returns
    -------
    Series
        The raked weights, with the index of ``data``, named ``"raked"``.

    Raises
    ------
    nps_toolkit.DataValueError
        (a ``ValueError``) naming the column (``column``) and the levels (``values``): a level in the data with
        no population total, a population level absent from the data, margins whose totals disagree, a margin
        column with missing values, negative or missing weights, or margins not met after ``max_iter`` sweeps
        (the levels still off are listed).

    See Also
    --------
    SurveyDesign : A design that rakes its weights (``rake=``) and accounts for it in the variance.
    design_estimates : Design-based estimates from raked weights.
    summarize : A weighted summary table.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"sex": ["F", "F", "M", "M", "M"], "age": ["young", "old", "young", "old", "old"]})
    >>> w = rake(df, margins={"sex": {"F": 50, "M": 50}, "age": {"young": 40, "old": 60}})
    >>> w.round(2).tolist()
    [24.11, 25.89, 15.89, 17.06, 17.06]
    >>> w.groupby(df["sex"]).sum().round(6).to_dict(), w.groupby(df["age"]).sum().round(6).to_dict()
    ({'F': 50.0, 'M': 50.0}, {'old': 60.0, 'young': 40.0})
    >>> rake(df, margins={"sex": {"F": 50}})
    Traceback (most recent call last):
    ...
    nps_toolkit.DataValueError: margin column 'sex': level(s) 'M' are in the data with no population total; give their totals in margins (levels with totals: 'F')
    """
    if not isinstance(data, pd.DataFrame):
        raise DataTypeError(f"rake: data must be a pandas DataFrame, got {type(data).__name__}")
    margins = check_margins(margins)
    check_columns(data, list(margins), role="margin column")
    if weights is None:
        base = np.ones(len(data))
    elif isinstance(weights, str):
        check_columns(data, [weights], role="weights column")
        base = check_weights(data[weights], len(data), column=weights)
    else:
        base = check_weights(weights, len(data), column="weights")
    if len(data) == 0:
        return pd.Series(np.zeros(0), index=data.index, name="raked")
    # one row per combination of levels (a cell): the fitting needs only the cells' sums of weights
    cell = np.zeros(len(data), dtype=np.int64)
    for column, totals in margins.items():
        cell = cell * len(totals) + _level_codes(data[column], column, totals)
    cell, unique = pd.factorize(cell)
    levels = {column: list(totals) for column, totals in margins.items()}
    cells = {}
    rest = unique.astype(np.int64)
    for column in reversed(list(margins)):
        size = len(levels[column])
        cells[column] = [levels[column][i] for i in rest % size]
        rest = rest // size
    cells = pd.DataFrame({column: cells[column] for column in margins})
    sums = np.bincount(cell, weights=base, minlength=len(unique))
    factors = raking_factors(cells, margins=margins, weights=sums, max_iter=max_iter, tolerance=tolerance)
    return pd.Series(base * factors[cell], index=data.index, name="raked")
