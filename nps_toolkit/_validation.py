"""Argument validation shared by every public function.

One helper per kind of argument, so that every function answers bad input
with the same kind of message: what was wrong (naming the column or
argument), a few offending values with their positions, and what is allowed.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

#: How many offending values an error message lists.
MAX_SHOWN = 5


def describe_offenders(values: Sequence, positions: Sequence[int], limit: int = MAX_SHOWN) -> str:
    """Format offending values with their 0-based row positions.

    Examples
    --------
    >>> describe_offenders([11, -1], [3, 7])
    '11 (position 3), -1 (position 7)'
    >>> describe_offenders(list(range(9)), list(range(9)), limit=2)
    '0 (position 0), 1 (position 1) and 7 more'
    """
    # numpy scalars are shown as the plain values they hold (11.0, True), not as np.float64(11.0)
    shown = [f"{_plain(v)!r} (position {int(p)})" for v, p in zip(values[:limit], positions[:limit])]
    text = ", ".join(shown)
    extra = len(values) - limit
    if extra > 0:
        text += f" and {extra} more"
    return text


def _plain(value):
    return value.item() if isinstance(value, (np.number, np.bool_)) else value


def check_confidence(confidence) -> float:
    """Validate a confidence level: a number strictly between 0 and 1.

    Examples
    --------
    >>> check_confidence(0.9)
    0.9
    >>> check_confidence(95)
    Traceback (most recent call last):
    ...
    ValueError: confidence must be strictly between 0 and 1 (e.g. 0.95), got 95
    """
    if isinstance(confidence, (bool, np.bool_)) or not isinstance(confidence, numbers.Real):
        raise TypeError(f"confidence must be a number strictly between 0 and 1 (e.g. 0.95), got {confidence!r}")
    value = float(confidence)
    if not (0.0 < value < 1.0):
        raise ValueError(f"confidence must be strictly between 0 and 1 (e.g. 0.95), got {confidence!r}")
    return value


def check_choice(value, allowed: Iterable, *, name: str = "method"):
    """Validate that ``value`` is one of ``allowed``; the error lists them.

    Examples
    --------
    >>> check_choice("wald", ["wald", "adjusted-wald"])
    'wald'
    >>> check_choice("exact", ["wald", "adjusted-wald"])
    Traceback (most recent call last):
    ...
    ValueError: unknown method 'exact'; allowed: 'wald', 'adjusted-wald'
    """
    allowed = list(allowed)
    try:
        ok = value in allowed
    except TypeError:  # unhashable value
        ok = False
    if not ok:
        listed = ", ".join(repr(a) for a in allowed)
        raise ValueError(f"unknown {name} {value!r}; allowed: {listed}")
    return value


def check_columns(data: pd.DataFrame, columns, *, role: str = "column") -> list:
    """Check that ``data`` is a DataFrame holding every name in ``columns``.

    ``columns`` may be one name or a list of names; the names are returned as
    a list. A missing name raises ``KeyError`` listing the available columns.
    """
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"data must be a pandas DataFrame, got {type(data).__name__}")
    if columns is None:
        return []
    names = [columns] if isinstance(columns, (str, int)) or not isinstance(columns, Iterable) else list(columns)
    missing = [c for c in names if c not in data.columns]
    if missing:
        available = ", ".join(repr(c) for c in list(data.columns)[:20])
        raise KeyError(f"{role} {missing[0]!r} is not in the data; available columns: {available}")
    return names


def check_weights(weights, length: int, *, column: str = "weights", mask=None) -> np.ndarray:
    """Validate survey weights: finite, non-negative numbers, one per row.

    Returns a float array. Booleans, text, negative, infinite or missing
    weights are refused, naming a few offending values and their positions.
    With ``mask``, only the rows where it is true are checked (rows whose
    answer is missing may carry a missing weight).

    Examples
    --------
    >>> check_weights([1, 2.5], 2)
    array([1. , 2.5])
    >>> check_weights([1, -2], 2, column="w")
    Traceback (most recent call last):
    ...
    ValueError: w: weights must be finite, non-negative numbers; got -2 (position 1)
    """
    series = weights if isinstance(weights, pd.Series) else pd.Series(np.asarray(weights, dtype=object).ravel())
    if len(series) != length:
        raise ValueError(f"{column}: {len(series)} weights given for {length} scores; give one weight per row")
    if pd.api.types.is_bool_dtype(series.dtype):
        raise TypeError(f"{column}: weights must be numbers, got booleans")
    numeric = pd.to_numeric(series, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    # Object, string and categorical columns are looked at value by value: booleans and text
    # (even numeric text such as "2", which pd.to_numeric would silently accept) are refused.
    raw = None if pd.api.types.is_numeric_dtype(series.dtype) else series.to_numpy(dtype=object)
    if raw is not None:
        for kind, types in (("booleans", (bool, np.bool_)), ("text", (str, bytes))):
            hit = np.fromiter((isinstance(v, types) for v in raw), bool, len(raw))
            if mask is not None:
                hit &= np.asarray(mask, dtype=bool)
            if hit.any():
                pos = np.flatnonzero(hit)
                raise TypeError(f"{column}: weights must be numbers, got {kind}: "
                                f"{describe_offenders(list(raw[pos]), pos)}")
    bad = ~np.isfinite(numeric) | (numeric < 0)
    if mask is not None:
        bad &= np.asarray(mask, dtype=bool)
    if bad.any():
        pos = np.flatnonzero(bad)
        shown = list(series.to_numpy(dtype=object)[pos])
        raise ValueError(f"{column}: weights must be finite, non-negative numbers; got "
                         f"{describe_offenders(shown, pos)}")
    return numeric


def check_positive_int(value, *, name: str, minimum: int = 1) -> int:
    """Validate a whole number at least ``minimum`` (booleans refused)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        if isinstance(value, numbers.Real) and float(value).is_integer() and not isinstance(value, (bool, np.bool_)):
            value = int(value)
        else:
            raise TypeError(f"{name} must be a whole number >= {minimum}, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be a whole number >= {minimum}, got {value!r}")
    return int(value)


def check_prior(prior) -> tuple[float, float, float]:
    """Validate a Dirichlet prior: three positive, finite numbers (promoters, passives, detractors).

    Examples
    --------
    >>> check_prior((1, 1, 1))
    (1.0, 1.0, 1.0)
    >>> check_prior((1, 0, 1))
    Traceback (most recent call last):
    ...
    ValueError: prior must be three positive numbers (promoters, passives, detractors), got (1, 0, 1)
    """
    try:
        values = np.asarray(prior, dtype=float)
    except (TypeError, ValueError):
        values = None
    if values is None or values.shape != (3,) or not np.all(np.isfinite(values)) or np.any(values <= 0):
        raise ValueError(f"prior must be three positive numbers (promoters, passives, detractors), got {prior!r}")
    return tuple(float(v) for v in values)


def as_column_list(by) -> list:
    """A ``by=`` argument as a list of column names: None -> [], one name -> [name].

    Examples
    --------
    >>> as_column_list(None), as_column_list("segment"), as_column_list(("segment", "brand"))
    ([], ['segment'], ['segment', 'brand'])
    """
    if by is None:
        return []
    if isinstance(by, (str, int)):
        return [by]
    if isinstance(by, Iterable):
        return list(by)
    return [by]
