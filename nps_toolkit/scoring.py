"""Scoring: validate 0-10 answers, categorise them, count them, compute NPS.

Counts are the sufficient statistic: every estimate, interval and test in the
toolkit works from an :class:`NPSCounts` (promoters, passives, detractors,
or weighted sums of them). Raw answers are reduced to counts once, here.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ._validation import check_weights, describe_offenders

__all__ = ["NPSScale", "DEFAULT_SCALE", "CATEGORIES", "categorize", "counts", "nps", "NPSCounts", "score_codes",
           "kish_n", "linearised_se"]

#: Category labels, in order (detractor < passive < promoter).
CATEGORIES = ("detractor", "passive", "promoter")

#: Blank strings count as missing answers.
_BLANK = ("", "nan", "none", "null", "na", "n/a")


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


def _check_scale(scale) -> NPSScale:
    if scale is None:
        return DEFAULT_SCALE
    if not isinstance(scale, NPSScale):
        raise TypeError(f"scale must be an NPSScale (or None for the standard 0-10 scale), got {type(scale).__name__}")
    return scale


def _to_series(scores, column) -> pd.Series:
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
        raise TypeError(f"column {column!r}: scores must be numbers, got booleans (True/False)")
    if isinstance(dtype, pd.CategoricalDtype):
        return _numeric_values(series.astype(object), column)
    if pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_complex_dtype(dtype):
        return series.to_numpy(dtype=float, na_value=np.nan)
    if pd.api.types.is_datetime64_any_dtype(dtype) or pd.api.types.is_timedelta64_dtype(dtype):
        raise TypeError(f"column {column!r}: scores must be numbers, got {dtype} values")
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
        blank = pd.Series(raw[texts], dtype=object).str.strip().str.lower().isin(_BLANK).to_numpy()
        texts = texts[~blank]
    bools, texts, others = np.flatnonzero(role == "bool").tolist(), texts.tolist(), np.flatnonzero(role == "other")
    others = others.tolist()
    if bools:
        raise TypeError(f"column {column!r}: scores must be numbers, got booleans: "
                        f"{describe_offenders(list(raw[bools]), bools)}")
    if texts:
        raise TypeError(f"column {column!r}: scores must be numbers, got text: "
                        f"{describe_offenders(list(raw[texts]), texts)}; clean labelled answers such as "
                        f"'10 - Extremely likely' with nt.clean_scores() or read files with nt.read_responses()")
    if others:
        raise TypeError(f"column {column!r}: scores must be numbers, got "
                        f"{describe_offenders(list(raw[others]), others)}")
    return out


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
    ValueError: column 'score': answers must be whole numbers 0 to 10 (missing answers may be blank); got 11.0 (position 1), 9.5 (position 2)
    """
    scale = _check_scale(scale)
    series = _to_series(scores, column)
    values = _numeric_values(series, column)
    missing = np.isnan(values)
    present = ~missing
    with np.errstate(invalid="ignore"):
        bad = present & ((values != np.round(values)) | (values < scale.minimum) | (values > scale.maximum))
    if bad.any():
        pos = np.flatnonzero(bad)
        raise ValueError(f"column {column!r}: answers must be {scale.describe()} (missing answers may be blank); "
                         f"got {describe_offenders(values[pos].tolist(), pos)}")
    codes = np.full(len(values), -1, dtype=np.int8)
    codes[present] = scale._table[values[present].astype(np.int64) - scale.minimum]
    return codes


def categorize(scores, scale=None) -> pd.Series:
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

    Examples
    --------
    >>> categorize([10, 6, 8, None]).tolist()
    ['promoter', 'detractor', 'passive', nan]
    """
    series = _to_series(scores, "score")
    codes = score_codes(series, scale=scale, column=str(series.name) if series.name is not None else "score")
    cat = pd.Categorical.from_codes(codes, categories=list(CATEGORIES), ordered=True)
    return pd.Series(cat, index=series.index, name=series.name)


def _check_count(value, name: str, whole: bool) -> float | int:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number, got {value!r}")
    v = float(value)
    if not math.isfinite(v) or v < 0:
        raise ValueError(f"{name} must be a finite, non-negative count, got {value!r}")
    if whole:
        if not v.is_integer():
            raise ValueError(f"{name} must be a whole number (use weights_sq=... for weighted sums), got {value!r}")
        return int(v)
    return v


@dataclass(frozen=True, kw_only=True)
class NPSCounts:
    """Counts of promoters, passives and detractors: the sufficient statistic.

    Build one from raw answers with :func:`counts`, or directly from counts.
    Unweighted counts must be whole numbers. Weighted counts are sums of
    weights per category and carry ``weights_sq``, the sums of squared
    weights per category (promoters, passives, detractors), which give the
    Kish effective sample size and the linearisation variance.

    Two counts add up: ``counts(a) + counts(b) == counts(a + b)``.

    Examples
    --------
    >>> c = NPSCounts(promoters=20, passives=50, detractors=30)
    >>> c.nps
    -10.0
    >>> (c + NPSCounts(promoters=10, passives=0, detractors=0)).n
    110
    """

    promoters: float
    passives: float
    detractors: float
    n_missing: int = 0
    weights_sq: tuple[float, float, float] | None = None

    def __post_init__(self):
        whole = self.weights_sq is None
        for name in ("promoters", "passives", "detractors"):
            object.__setattr__(self, name, _check_count(getattr(self, name), name, whole))
        object.__setattr__(self, "n_missing", _check_count(self.n_missing, "n_missing", True))
        if self.weights_sq is not None:
            if len(self.weights_sq) != 3:
                raise ValueError("weights_sq must hold three sums of squared weights: (promoters, passives, detractors)")
            object.__setattr__(self, "weights_sq", tuple(_check_count(v, "weights_sq", False) for v in self.weights_sq))

    # -- sizes -------------------------------------------------------------
    @property
    def weighted(self) -> bool:
        """True when the counts are sums of survey weights."""
        return self.weights_sq is not None

    @property
    def n(self):
        """Number of answers (sum of weights when weighted)."""
        return self.promoters + self.passives + self.detractors

    @property
    def n_effective(self) -> float:
        """Kish effective sample size, (sum w)^2 / sum w^2; equals n unweighted."""
        if not self.weighted:
            return float(self.n)
        return float(kish_n(self.n, sum(self.weights_sq)))

    # -- shares and NPS ----------------------------------------------------
    def _share(self, value) -> float:
        return value / self.n if self.n > 0 else math.nan

    @property
    def promoter_share(self) -> float:
        """Share of promoters, 0..1."""
        return self._share(self.promoters)

    @property
    def passive_share(self) -> float:
        """Share of passives, 0..1."""
        return self._share(self.passives)

    @property
    def detractor_share(self) -> float:
        """Share of detractors, 0..1."""
        return self._share(self.detractors)

    @property
    def shares(self) -> dict[str, float]:
        """The three shares, 0..1, as a dict."""
        return {"promoters": self.promoter_share, "passives": self.passive_share,
                "detractors": self.detractor_share}

    @property
    def nps(self) -> float:
        """Net Promoter Score, -100..100: % promoters minus % detractors (NaN when n = 0)."""
        if self.n == 0:
            return math.nan
        # clipped: with weighted (float) sums, rounding could otherwise give -100.00000000000001
        return min(100.0, max(-100.0, 100.0 * (self.promoters - self.detractors) / self.n))

    @property
    def variance(self) -> float:
        """Per-respondent variance of the +1/0/-1 score: p + d - (p - d)^2."""
        p, d = self.promoter_share, self.detractor_share
        return p + d - (p - d) ** 2

    @property
    def se(self) -> float:
        """Standard error of the NPS (-100..100 scale).

        Unweighted: ``100 * sqrt(variance / n)``. Weighted: the linearisation
        (ratio-estimator) standard error ``100 * sqrt(sum_c W2_c (y_c - m)^2) / W``
        where ``W2_c`` is the sum of squared weights of category ``c`` scored
        ``y_c`` (+1, 0, -1), ``m`` the weighted mean score and ``W`` the sum of weights.
        """
        if self.n == 0:
            return math.nan
        if not self.weighted:
            return 100.0 * math.sqrt(self.variance / self.n)
        return float(linearised_se(self.promoters, self.passives, self.detractors, *self.weights_sq))

    # -- algebra -----------------------------------------------------------
    def __add__(self, other):
        if not isinstance(other, NPSCounts):
            return NotImplemented
        if self.weighted or other.weighted:
            sq = tuple(a + b for a, b in zip(self._weights_sq_or_counts(), other._weights_sq_or_counts()))
        else:
            sq = None
        return NPSCounts(promoters=self.promoters + other.promoters, passives=self.passives + other.passives,
                         detractors=self.detractors + other.detractors, n_missing=self.n_missing + other.n_missing,
                         weights_sq=sq)

    def _weights_sq_or_counts(self) -> tuple[float, float, float]:
        if self.weighted:
            return self.weights_sq
        return (float(self.promoters), float(self.passives), float(self.detractors))

    def to_dict(self) -> dict:
        """Plain dict of counts, shares and NPS (for JSON)."""
        out = {"n": self.n, "n_missing": self.n_missing, "promoters": self.promoters, "passives": self.passives,
               "detractors": self.detractors, "promoter_share": self.promoter_share,
               "passive_share": self.passive_share, "detractor_share": self.detractor_share, "nps": self.nps}
        if self.weighted:
            out["n_effective"] = self.n_effective
        return out

    def _repr_html_(self) -> str:
        rows = "".join(f"<tr><th style='text-align:left'>{k}</th><td>{_fmt(v)}</td></tr>"
                       for k, v in self.to_dict().items())
        return f"<table><caption>NPSCounts</caption>{rows}</table>"


def kish_n(sum_w, sum_w2):
    """Kish effective sample size ``(sum w)^2 / sum w^2`` (0 where there is no weight).

    Works on numbers and arrays alike.

    Examples
    --------
    >>> float(kish_n(4.0, 4.0))   # four unit weights
    4.0
    >>> float(kish_n(6.0, 12.0))  # weights 1, 1, 1, 3: sum 6, sum of squares 12
    3.0
    """
    sum_w, sum_w2 = np.asarray(sum_w, dtype=float), np.asarray(sum_w2, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(sum_w2 > 0, sum_w ** 2 / np.where(sum_w2 > 0, sum_w2, 1.0), 0.0)


def linearised_se(promoters, passives, detractors, sq_promoters, sq_passives, sq_detractors):
    """Linearisation (ratio-estimator) standard error of a weighted NPS.

    ``100 * sqrt(sum_c W2_c (y_c - m)^2) / W``, where ``W2_c`` is the sum of
    squared weights of category ``c`` scored ``y_c`` (+1, 0, -1), ``m`` the
    weighted mean score and ``W`` the sum of weights. With unit weights it
    equals the unweighted (Wald) standard error. Works on arrays.

    Examples
    --------
    >>> round(float(linearised_se(3, 2, 1, 3, 2, 1)), 3)  # unit weights: R package test vector
    30.429
    """
    pro, pas, det = (np.asarray(v, dtype=float) for v in (promoters, passives, detractors))
    w = pro + pas + det
    with np.errstate(invalid="ignore", divide="ignore"):
        m = (pro - det) / w
        s = (np.asarray(sq_promoters) * (1 - m) ** 2 + np.asarray(sq_passives) * m ** 2
             + np.asarray(sq_detractors) * (1 + m) ** 2)
        return 100.0 * np.sqrt(s) / w


def _fmt(v) -> str:
    if isinstance(v, float):
        return "NaN" if math.isnan(v) else f"{v:.4g}"
    return str(v)


def counts(scores, weights=None, *, scale=None, score="score") -> NPSCounts:
    """Count promoters, passives and detractors.

    Parameters
    ----------
    scores : array-like or Series
        Answers on the scale (0-10 by default). Missing answers (NaN, None,
        blank) are excluded and counted in ``n_missing``.
    weights : array-like, optional
        One non-negative, finite survey weight per answer. The counts are
        then weighted sums and carry the sums of squared weights (Kish
        effective sample size ``n_effective``).
    scale : NPSScale, optional
        A custom category scale.
    score : str
        When ``scores`` is a table counted where it lives (a path or glob of
        Parquet/CSV files, a DuckDB relation, a Polars or Spark DataFrame;
        see :mod:`nps_toolkit.engines`): its column of answers. ``weights``
        is then the name of its weights column.

    Returns
    -------
    NPSCounts

    Examples
    --------
    >>> c = counts([10, 9, 7, 3, 0, None])
    >>> c.promoters, c.passives, c.detractors, c.n_missing
    (2, 1, 2, 1)
    >>> counts([10, 0], weights=[3, 1]).nps
    50.0
    >>> counts("answers/*.parquet", score="q1", weights="w")  # doctest: +SKIP
    NPSCounts(promoters=..., passives=..., detractors=..., n_missing=..., weights_sq=(...))
    """
    from .engines import engine_of

    if engine_of(scores) is not None:  # a table: counted by its engine, only the counts come back
        if weights is not None and not isinstance(weights, str):
            raise TypeError(f"weights of a table to count must be the name of its weights column, got "
                            f"{type(weights).__name__}")
        from .summary import count_groups

        table = count_groups(scores, score=score, weights=weights, scale=scale)
        return _counts_of_table(table, weighted=weights is not None)
    series = _to_series(scores, "score")
    column = str(series.name) if series.name is not None else "score"
    codes = score_codes(series, scale=scale, column=column)
    present = codes >= 0
    n_missing = int((~present).sum())
    if weights is None:
        det, pas, pro = np.bincount(codes[present], minlength=3)
        return NPSCounts(promoters=int(pro), passives=int(pas), detractors=int(det), n_missing=n_missing)
    name = weights.name if isinstance(weights, pd.Series) and weights.name is not None else "weights"
    w = check_weights(weights, len(codes), mask=present, column=str(name))
    det, pas, pro = np.bincount(codes[present], weights=w[present], minlength=3)
    sq_det, sq_pas, sq_pro = np.bincount(codes[present], weights=w[present] ** 2, minlength=3)
    return NPSCounts(promoters=float(pro), passives=float(pas), detractors=float(det), n_missing=n_missing,
                     weights_sq=(float(sq_pro), float(sq_pas), float(sq_det)))


def _counts_of_table(table: pd.DataFrame, *, weighted: bool) -> NPSCounts:
    """The totals of a count table (``promoters``, ``passives``, ``detractors``, ``n_missing``, and when
    weighted the ``*_sq`` sums of squared weights, as :func:`nps_toolkit.count_groups` gives them) as one
    :class:`NPSCounts`.

    Examples
    --------
    >>> table = pd.DataFrame({"promoters": [3, 1], "passives": [1, 0], "detractors": [0, 2], "n_missing": [1, 0]})
    >>> _counts_of_table(table, weighted=False)
    NPSCounts(promoters=4, passives=1, detractors=2, n_missing=1, weights_sq=None)
    """
    total = table[["promoters", "passives", "detractors", "n_missing"]].sum()
    if not weighted:
        return NPSCounts(promoters=int(total["promoters"]), passives=int(total["passives"]),
                         detractors=int(total["detractors"]), n_missing=int(total["n_missing"]))
    return NPSCounts(promoters=float(total["promoters"]), passives=float(total["passives"]),
                     detractors=float(total["detractors"]), n_missing=int(total["n_missing"]),
                     weights_sq=tuple(float(table[c + "_sq"].sum()) for c in ("promoters", "passives", "detractors")))


def nps(scores, weights=None, *, scale=None) -> float:
    """Net Promoter Score on the -100..100 scale.

    NPS = % promoters - % detractors, over the answers that are present
    (missing answers are excluded). NaN when there is no answer.

    Examples
    --------
    The worked example of the seed article: 20% promoters, 50% passives and
    30% detractors give 20 - 30 = -10.

    >>> nps([10] * 20 + [8] * 50 + [3] * 30)
    -10.0
    """
    return counts(scores, weights, scale=scale).nps
