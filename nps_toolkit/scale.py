"""The answer scale: which answers are detractors, passives and promoters, and their codes.

The bottom layer of the package (see ``docs/architecture.md``): it knows the
0-10 question (or a custom :class:`NPSScale`), validates answers and turns
them into category codes. It counts nothing: counting is
:mod:`nps_toolkit.counting`.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ._validation import BLANK_TOKENS, MAX_SHOWN, DataTypeError, DataValueError, describe_offenders, positional_options

__all__ = ["NPSScale", "DEFAULT_SCALE", "CATEGORIES", "categorize", "score_codes", "check_scale", "as_scores",
           "score_error"]

#: Category labels, in order (detractor < passive < promoter).
CATEGORIES = ("detractor", "passive", "promoter")



def _as_int_tuple(values, name: str) -> tuple[int, ...]:
    out = []
    for v in values:
        if isinstance(v, (bool, np.bool_)) or not isinstance(v, numbers.Integral):
            raise TypeError(f"NPSScale {name} must be whole numbers, got {v!r}")
        out.append(int(v))
    return tuple(sorted(out))


@dataclass(frozen=True)
class NPSScale:
    """A category scale: which answers are detractors, passives and promoters.

    The default (:data:`DEFAULT_SCALE`) is the standard 0-10 question with
    detractors 0-6, passives 7-8 and promoters 9-10. A custom scale is only
    ever used when passed explicitly; it is validated: the three groups must
    be disjoint, ordered (detractors below passives below promoters) and
    together cover every whole number from the lowest to the highest answer.
    Passives may be empty.

    See Also
    --------
    DEFAULT_SCALE : The standard 0-6 / 7-8 / 9-10 scale of the 0-10 question.
    categorize : Categorise answers on a scale.
    clean_scores : Read exported answers into whole numbers on a scale.
    counts : Count the categories of answers on a scale.

    Examples
    --------
    >>> five = NPSScale(detractors=range(1, 4), passives=[4], promoters=[5])
    >>> five.minimum, five.maximum
    (1, 5)
    >>> NPSScale(detractors=range(0, 7), passives=[8], promoters=[9, 10])
    Traceback (most recent call last):
    ...
    ValueError: NPSScale must cover every whole number from 0 to 10; missing: [7]
    """

    detractors: tuple[int, ...]
    passives: tuple[int, ...]
    promoters: tuple[int, ...]
    _table: np.ndarray = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        det = _as_int_tuple(self.detractors, "detractors")
        pas = _as_int_tuple(self.passives, "passives")
        pro = _as_int_tuple(self.promoters, "promoters")
        if not det or not pro:
            raise ValueError("NPSScale needs at least one detractor and one promoter value")
        every = det + pas + pro
        if len(set(every)) != len(every):
            dup = sorted({v for v in every if every.count(v) > 1})
            raise ValueError(f"NPSScale categories must be disjoint; values in more than one: {dup}")
        groups = [g for g in (det, pas, pro) if g]
        if any(a[-1] > b[0] for a, b in zip(groups, groups[1:])):
            raise ValueError("NPSScale categories must be ordered: every detractor value below every passive "
                             "value, every passive value below every promoter value")
        lo, hi = det[0], pro[-1]
        holes = sorted(set(range(lo, hi + 1)) - set(every))
        if holes:
            raise ValueError(f"NPSScale must cover every whole number from {lo} to {hi}; missing: {holes}")
        object.__setattr__(self, "detractors", det)
        object.__setattr__(self, "passives", pas)
        object.__setattr__(self, "promoters", pro)
        table = np.empty(hi - lo + 1, dtype=np.int8)
        for code, group in enumerate((det, pas, pro)):
            for v in group:
                table[v - lo] = code
        object.__setattr__(self, "_table", table)

    @property
    def minimum(self) -> int:
        """Lowest allowed answer."""
        return self.detractors[0]

    @property
    def maximum(self) -> int:
        """Highest allowed answer."""
        return self.promoters[-1]

    @property
    def values(self) -> tuple[int, ...]:
        """Every allowed answer, in order."""
        return tuple(range(self.minimum, self.maximum + 1))

    def describe(self) -> str:
        """Short text of the allowed answers, for error messages."""
        return f"whole numbers {self.minimum} to {self.maximum}"


DEFAULT_SCALE = NPSScale(detractors=range(0, 7), passives=range(7, 9), promoters=range(9, 11))


def check_scale(scale) -> NPSScale:
    """The scale to use: ``None`` is the standard 0-10 scale; anything but an :class:`NPSScale` is refused.

    Examples
    --------
    >>> check_scale(None) is DEFAULT_SCALE
    True
    """
    if scale is None:
        return DEFAULT_SCALE
    if not isinstance(scale, NPSScale):
        raise TypeError(f"scale must be an NPSScale (or None for the standard 0-10 scale), got {type(scale).__name__}")
    return scale


def as_scores(scores, column) -> pd.Series:
    """One column of answers as a Series (a Series is returned as it is; a table is refused).

    Examples
    --------
    >>> as_scores([10, 3], "score").tolist()
    [10, 3]
    """
    if isinstance(scores, pd.DataFrame):
        raise TypeError("scores must be one column (a Series, list or array), not a DataFrame; "
                        "use summarize(data, score=...) for a table")
    if isinstance(scores, pd.Series):
        return scores
    if isinstance(scores, (str, bytes)) or np.ndim(scores) == 0:
        raise TypeError(f"{column}: scores must be a sequence of answers (list, array or Series), got {scores!r}")
    arr = np.asarray(scores, dtype=object) if not isinstance(scores, np.ndarray) else scores
    if arr.ndim != 1:
        raise ValueError(f"{column}: scores must be one-dimensional, got shape {arr.shape}")
    return pd.Series(arr)


def _numeric_values(series: pd.Series, column: str) -> np.ndarray:
    """Float array of the answers, NaN where missing; refuses non-numbers."""
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype):
        raise score_error(column, "booleans")
    if isinstance(dtype, pd.CategoricalDtype):
        return _numeric_values(series.astype(object), column)
    if pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_complex_dtype(dtype):
        return series.to_numpy(dtype=float, na_value=np.nan)
    if pd.api.types.is_datetime64_any_dtype(dtype) or pd.api.types.is_timedelta64_dtype(dtype):
        raise score_error(column, "dtype", str(dtype))
    raw = series.to_numpy(dtype=object)
    out = np.full(len(raw), np.nan)
    kind = pd.api.types.infer_dtype(raw, skipna=True)
    if kind in ("integer", "floating", "mixed-integer-float", "empty"):  # numbers and missing values only
        fast = pd.to_numeric(pd.Series(raw, dtype=object), errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        if np.isnan(fast).sum() == pd.isna(raw).sum():  # every number converted (no huge integer lost)
            return fast
    # Anything else is sorted by the type of each value (one pass in C), then handled type by type.
    types, distinct = pd.factorize(np.fromiter(map(type, raw), dtype=object, count=len(raw)))
    role = np.array([_role(t) for t in distinct], dtype=object)[types]
    numbers_ = role == "number"
    if numbers_.any():
        out[numbers_] = raw[numbers_].astype(float)
    texts = np.flatnonzero(role == "text")
    if texts.size:
        blank = pd.Series(raw[texts], dtype=object).str.strip().str.lower().isin(BLANK_TOKENS).to_numpy()
        texts = texts[~blank]
    bools, texts, others = np.flatnonzero(role == "bool").tolist(), texts.tolist(), np.flatnonzero(role == "other")
    others = others.tolist()
    for kind, rows in (("booleans", bools), ("text", texts), ("other", others)):
        if rows:
            values = list(raw[rows])
            raise score_error(column, kind, describe_offenders(values, rows), values=values[:MAX_SHOWN],
                              positions=rows[:MAX_SHOWN], total=len(rows))
    return out


def score_error(column, kind: str, shown: str = "", *, scale=None, values=(), positions=(), total=None):
    """The error for offending answers in ``column``: one wording for pandas and every engine.

    ``kind`` is ``"booleans"``, ``"text"``, ``"other"`` (values that are not
    numbers), ``"range"`` (numbers off the scale or not whole) or
    ``"dtype"`` (a column of another type; ``shown`` is its type).
    ``shown`` lists the offenders (``describe_offenders``).

    Examples
    --------
    >>> err = score_error("q1", "range", "11.0 (position 3)", values=[11.0], positions=[3])
    >>> type(err).__name__, err.column, err.positions
    ('DataValueError', 'q1', [3])
    >>> str(err)
    "column 'q1': answers must be whole numbers 0 to 10 (missing answers may be blank); got 11.0 (position 3)"
    """
    where = dict(column=column, role="score", values=values, positions=positions, total=total)
    if kind == "range":
        return DataValueError(f"column {column!r}: answers must be {check_scale(scale).describe()} (missing answers "
                              f"may be blank); got {shown}", **where)
    if kind == "booleans" and not shown:
        return DataTypeError(f"column {column!r}: scores must be numbers, got booleans (True/False)", **where)
    if kind == "text":
        return DataTypeError(f"column {column!r}: scores must be numbers, got text: {shown}; clean labelled answers "
                             f"such as '10 - Extremely likely' with nt.clean_scores() or read files with "
                             f"nt.read_responses()", **where)
    if kind == "booleans":
        return DataTypeError(f"column {column!r}: scores must be numbers, got booleans: {shown}", **where)
    if kind == "dtype":
        return DataTypeError(f"column {column!r}: scores must be numbers, got {shown} values", **where)
    return DataTypeError(f"column {column!r}: scores must be numbers, got {shown}", **where)


def _role(kind: type) -> str:
    """What a value of this type is among answers: number, bool, text, missing or other."""
    if issubclass(kind, (bool, np.bool_)):
        return "bool"
    if issubclass(kind, str):
        return "text"
    if kind is type(None) or kind is type(pd.NA) or kind is type(pd.NaT):
        return "missing"
    if issubclass(kind, numbers.Real):
        return "number"
    return "other"


def score_codes(scores, *, scale=None, column: str = "score") -> np.ndarray:
    """Validate answers and return category codes.

    Codes are 0 (detractor), 1 (passive), 2 (promoter) and -1 (missing).
    Missing answers (NaN, None, blank text) are allowed; anything else that
    is not a whole number on the scale raises, naming the column, up to five
    offending values with their 0-based positions and what is allowed.

    Examples
    --------
    >>> score_codes([0, 7, 10, None]).tolist()
    [0, 1, 2, -1]
    >>> score_codes([3, 11, 9.5])
    Traceback (most recent call last):
    ...
    nps_toolkit.DataValueError: column 'score': answers must be whole numbers 0 to 10 (missing answers may be blank); got 11.0 (position 1), 9.5 (position 2)
    """
    scale = check_scale(scale)
    series = as_scores(scores, column)
    values = _numeric_values(series, column)
    missing = np.isnan(values)
    present = ~missing
    with np.errstate(invalid="ignore"):
        bad = present & ((values != np.round(values)) | (values < scale.minimum) | (values > scale.maximum))
    if bad.any():
        pos = np.flatnonzero(bad)
        raise score_error(column, "range", describe_offenders(values[pos].tolist(), pos), scale=scale,
                          values=values[pos[:MAX_SHOWN]].tolist(), positions=pos[:MAX_SHOWN], total=len(pos))
    codes = np.full(len(values), -1, dtype=np.int8)
    codes[present] = scale._table[values[present].astype(np.int64) - scale.minimum]
    return codes


@positional_options("scale")
def categorize(scores, *, scale=None) -> pd.Series:
    """Categorise answers as detractor, passive or promoter.

    Parameters
    ----------
    scores : array-like or Series
        Answers on the scale (0-10 by default); missing answers stay missing.
    scale : NPSScale, optional
        A custom category scale; the standard 0-6 / 7-8 / 9-10 by default.

    Returns
    -------
    Series
        Ordered categorical (detractor < passive < promoter) with the same
        index (and name) as the input.

    See Also
    --------
    NPSScale : Which answers are detractors, passives and promoters.
    counts : How many answers fall in each category.
    clean_scores : Clean exported answers before categorising them.

    Examples
    --------
    >>> categorize([10, 6, 8, None]).tolist()
    ['promoter', 'detractor', 'passive', nan]
    """
    series = as_scores(scores, "score")
    codes = score_codes(series, scale=scale, column=str(series.name) if series.name is not None else "score")
    cat = pd.Categorical.from_codes(codes, categories=list(CATEGORIES), ordered=True)
    return pd.Series(cat, index=series.index, name=series.name)
