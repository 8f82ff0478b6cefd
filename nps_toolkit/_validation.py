"""Argument validation shared by every public function.

One helper per kind of argument, so that every function answers bad input
with the same kind of message: what was wrong (naming the column or
argument), a few offending values with their positions, and what is allowed.
"""

from __future__ import annotations

import functools
import numbers
import warnings
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

#: How many offending values an error message lists.
MAX_SHOWN = 5

#: Text that means "no answer" in a column of scores (compared after trimming, case-insensitively). Dates add
#: "nat" (:data:`nps_toolkit.dates.BLANK_DATES`); :func:`nps_toolkit.clean_scores` knows many more words.
BLANK_TOKENS = ("", "nan", "none", "null", "na", "n/a")


# -- errors that carry what they say ---------------------------------------------------------------------------
class DataError(Exception):
    """Bad input found in the data, with what the message says as attributes.

    Raised as :class:`DataValueError` (a ``ValueError``), :class:`DataTypeError`
    (a ``TypeError``) or :class:`ColumnNotFoundError` (a ``KeyError``), so
    ``except ValueError`` keeps working; callers that need the column or
    the rows read these attributes instead of the message text.

    Attributes
    ----------
    column : str or None
        The column (or argument) at fault.
    role : str or None
        What the column is for: ``"score"``, ``"weights"``, ``"date"``, ``"by"``...
    values, positions : list
        The first offending values and their 0-based row positions.
    total : int
        How many values offend (may exceed the ones listed).

    See Also
    --------
    DataValueError : Values of the right kind but not allowed.
    DataTypeError : Values of the wrong kind.
    ColumnNotFoundError : A column not in the data.

    Examples
    --------
    >>> err = DataValueError("column 'q1': bad", column="q1", role="score", values=[11], positions=[3])
    >>> isinstance(err, ValueError), err.column, err.positions, err.total
    (True, 'q1', [3], 1)
    """

    def __init__(self, message: str, *, column=None, role=None, values=(), positions=(), total=None):
        super().__init__(message)
        self.column = column
        self.role = role
        self.values = [_plain(v) for v in values]  # numpy scalars as the plain values they hold
        self.positions = [int(p) for p in positions]
        self.total = len(self.positions) if total is None else int(total)

    def reworded(self, message: str) -> "DataError":
        """The same error (its type and attributes) with another message, e.g. one naming the file.

        Examples
        --------
        >>> err = DataValueError("column 'q1': bad", column="q1", role="score").reworded("a.csv: column 'q1': bad")
        >>> type(err).__name__, str(err), err.column
        ('DataValueError', "a.csv: column 'q1': bad", 'q1')
        """
        other = type(self).__new__(type(self), message)
        other.__dict__.update(self.__dict__)
        other.args = (message,)
        return other


class DataValueError(DataError, ValueError):
    """Values that are the right kind but not allowed (a score of 11, a negative weight).

    See Also
    --------
    DataError : The base class and its attributes.
    DataTypeError : Values of the wrong kind.
    AmbiguousDatesError : Dates whose order of day and month cannot be told.
    """


class DataTypeError(DataError, TypeError):
    """Values of the wrong kind (text or booleans where numbers belong).

    See Also
    --------
    DataError : The base class and its attributes.
    DataValueError : Values of the right kind but not allowed.
    """


class ColumnNotFoundError(DataError, KeyError):
    """A column named in the call is not in the data.

    See Also
    --------
    DataError : The base class and its attributes.
    DataValueError : Values of the right kind but not allowed.
    """

    def __str__(self) -> str:  # as KeyError shows it, quoted
        return KeyError.__str__(self)


for _error in (DataError, DataValueError, DataTypeError, ColumnNotFoundError):
    _error.__module__ = "nps_toolkit"  # tracebacks name them as the package exports them: nps_toolkit.DataValueError


# -- renamed arguments -----------------------------------------------------------------------------------------
def renamed_arguments(**old_to_new):
    """Decorator: accept each old keyword for one release, with a ``DeprecationWarning``, as its new name.

    Giving both the old and the new name is a ``TypeError``.

    Examples
    --------
    >>> @renamed_arguments(seed="random_state")
    ... def draw(*, random_state=None):
    ...     return random_state
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     draw(seed=3), caught[0].category.__name__
    (3, 'DeprecationWarning')
    """
    def decorate(func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            for old, new in old_to_new.items():
                if old in kwargs:
                    if new in kwargs:
                        raise TypeError(f"{func.__name__}() got both {old!r} and its new name {new!r}; "
                                        f"give {new!r} only")
                    warnings.warn(f"{func.__name__}(): {old!r} is renamed {new!r}; the old name will be removed "
                                  f"in the next release", DeprecationWarning, stacklevel=2)
                    kwargs[new] = kwargs.pop(old)
            return func(*args, **kwargs)

        wrapper.__renamed_arguments__ = dict(old_to_new)
        return wrapper

    return decorate


def positional_options(*names):
    """Decorator: options that used to be positional after the first argument keep working for one release.

    ``counts(scores, w)`` becomes ``counts(scores, weights=w)`` with a
    ``DeprecationWarning``; the function itself takes them keyword-only.

    Examples
    --------
    >>> @positional_options("weights")
    ... def total(data, *, weights=None):
    ...     return weights
    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore", DeprecationWarning)
    ...     total([1], [2])
    [2]
    """
    def decorate(func):
        @functools.wraps(func)
        def wrapper(data, *args, **kwargs):
            if len(args) > len(names):
                raise TypeError(f"{func.__name__}() takes 1 positional argument; give the options by name")
            for name, value in zip(names, args):
                if name in kwargs:
                    raise TypeError(f"{func.__name__}() got {name!r} twice")
                warnings.warn(f"{func.__name__}(): give {name!r} by name ({name}=...); positional options will "
                              f"be refused in the next release", DeprecationWarning, stacklevel=2)
                kwargs[name] = value
            return func(data, **kwargs)

        return wrapper

    return decorate


def is_missing(value) -> bool:
    """Whether one value is missing: None, ``pd.NA``, ``pd.NaT`` or a float NaN.

    >>> [is_missing(v) for v in (None, float("nan"), pd.NA, "", 0)]
    [True, True, True, False, False]
    """
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, (float, np.floating)) and bool(np.isnan(value))


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


def role_of(words: str) -> str | None:
    """The role of a column from the words naming it in messages: ``"score column of Aurora"`` -> ``"score"``.

    Plain ``"column"`` names no role (None).

    Examples
    --------
    >>> role_of("score column"), role_of("group column"), role_of("weights column of Aurora"), role_of("column")
    ('score', 'group', 'weights', None)
    """
    head, found, _ = str(words).partition(" column")
    return head if found else None


def missing_column_error(name, columns, role: str = "column") -> ColumnNotFoundError:
    """The error for a column ``name`` that is not among ``columns``: one wording for pandas and every engine.

    ``role`` is the words naming the column (``"by column"``); the error's
    ``role`` attribute is the role they name (:func:`role_of`).

    Examples
    --------
    >>> err = missing_column_error("region", ["score", "brand"], "by column")
    >>> err.column, err.role, isinstance(err, KeyError)
    ('region', 'by', True)
    >>> raise err
    Traceback (most recent call last):
    ...
    nps_toolkit.ColumnNotFoundError: "by column 'region' is not in the data; available columns: 'score', 'brand'"
    """
    available = ", ".join(repr(c) for c in list(columns)[:20])
    return ColumnNotFoundError(f"{role} {name!r} is not in the data; available columns: {available}", column=name,
                               role=role_of(role))


def check_columns(data: pd.DataFrame, columns, *, role: str = "column") -> list:
    """Check that ``data`` is a DataFrame holding every name in ``columns``.

    ``columns`` may be one name or a list of names; the names are returned as
    a list. A missing name raises :class:`ColumnNotFoundError` (a
    ``KeyError``) listing the available columns (:func:`missing_column_error`).

    Examples
    --------
    >>> check_columns(pd.DataFrame({"score": [10]}), "score")
    ['score']
    >>> check_columns(pd.DataFrame({"score": [10]}), ["score", "brand"], role="by column")
    Traceback (most recent call last):
    ...
    nps_toolkit.ColumnNotFoundError: "by column 'brand' is not in the data; available columns: 'score'"
    """
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"data must be a pandas DataFrame, got {type(data).__name__}")
    if columns is None:
        return []
    names = [columns] if isinstance(columns, (str, int)) or not isinstance(columns, Iterable) else list(columns)
    missing = [c for c in names if c not in data.columns]
    if missing:
        raise missing_column_error(missing[0], data.columns, role)
    return names


def weights_error(column, kind: str, shown: str = "", *, values=(), positions=(), total=None) -> DataError:
    """The error for offending weights in ``column``: one wording for pandas and every engine.

    ``kind`` is ``"booleans"`` or ``"text"`` (values that are not numbers;
    without ``shown``, a column of booleans), ``"range"`` (negative,
    infinite or missing weights) or ``"dtype"`` (a column of another type;
    ``shown`` is its type). ``shown`` lists the offenders
    (:func:`describe_offenders`).

    Examples
    --------
    >>> err = weights_error("w", "range", "-2 (position 1)", values=[-2], positions=[1])
    >>> type(err).__name__, err.role, err.column, err.values, err.positions
    ('DataValueError', 'weights', 'w', [-2], [1])
    >>> str(err)
    'w: weights must be finite, non-negative numbers; got -2 (position 1)'
    """
    where = dict(column=column, role="weights", values=values, positions=positions, total=total)
    if kind == "range":
        return DataValueError(f"{column}: weights must be finite, non-negative numbers; got {shown}", **where)
    if kind == "dtype":
        return DataTypeError(f"{column}: weights must be numbers, got {shown} values", **where)
    if not shown:
        return DataTypeError(f"{column}: weights must be numbers, got {kind}", **where)
    return DataTypeError(f"{column}: weights must be numbers, got {kind}: {shown}", **where)


def _offending(make, column, kind: str, values, positions) -> DataError:
    """``make(column, kind, shown, ...)`` for every offender: all described, the first few as attributes."""
    values, positions = list(values), [int(p) for p in positions]
    return make(column, kind, describe_offenders(values, positions), values=values[:MAX_SHOWN],
                positions=positions[:MAX_SHOWN], total=len(positions))


def check_weights(weights, length: int, *, column: str = "weights", mask=None) -> np.ndarray:
    """Validate survey weights: finite, non-negative numbers, one per row.

    Returns a float array. Booleans, text, negative, infinite or missing
    weights are refused, naming a few offending values and their positions
    (a :class:`DataTypeError` or :class:`DataValueError` whose ``role`` is
    ``"weights"``; see :func:`weights_error`). With ``mask``, only the rows
    where it is true are checked (rows whose answer is missing may carry a
    missing weight).

    Examples
    --------
    >>> check_weights([1, 2.5], 2)
    array([1. , 2.5])
    >>> check_weights([1, -2], 2, column="w")
    Traceback (most recent call last):
    ...
    nps_toolkit.DataValueError: w: weights must be finite, non-negative numbers; got -2 (position 1)
    """
    series = weights if isinstance(weights, pd.Series) else pd.Series(np.asarray(weights, dtype=object).ravel())
    if len(series) != length:
        raise DataValueError(f"{column}: {len(series)} weights given for {length} scores; give one weight per row",
                             column=column, role="weights")
    if pd.api.types.is_bool_dtype(series.dtype):
        raise weights_error(column, "booleans")
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
                raise _offending(weights_error, column, kind, raw[pos], pos)
    bad = ~np.isfinite(numeric) | (numeric < 0)
    if mask is not None:
        bad &= np.asarray(mask, dtype=bool)
    if bad.any():
        pos = np.flatnonzero(bad)
        raise _offending(weights_error, column, "range", series.to_numpy(dtype=object)[pos], pos)
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


def check_benchmark(benchmark, *, optional: bool = False) -> float | None:
    """Validate a benchmark NPS: a finite number from -100 to 100 (``None`` too when ``optional``).

    Examples
    --------
    >>> check_benchmark(32), check_benchmark(None, optional=True)
    (32.0, None)
    >>> check_benchmark(150)
    Traceback (most recent call last):
    ...
    ValueError: benchmark must be an NPS number between -100 and 100, got 150
    """
    if benchmark is None and optional:
        return None
    if isinstance(benchmark, (bool, np.bool_)) or not isinstance(benchmark, numbers.Real):
        raise TypeError(f"benchmark must be an NPS number between -100 and 100{' (or None)' if optional else ''}, "
                        f"got {benchmark!r}")
    value = float(benchmark)
    if not -100.0 <= value <= 100.0:  # also refuses NaN (and infinities)
        raise ValueError(f"benchmark must be an NPS number between -100 and 100, got {benchmark!r}")
    return value


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
