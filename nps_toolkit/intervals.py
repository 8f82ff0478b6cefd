"""Confidence intervals for NPS.

One public function, :func:`confint`, with a ``method=`` switch; each method
is a small private function working on arrays of counts, so that a table of
many groups (``summarize``) gets all its intervals in one vectorised call.

Weighted data
-------------
``"wald"`` uses the linearisation (ratio-estimator) standard error of the
weighted mean score (see :attr:`NPSCounts.se`). The other methods work on
*effective counts*: the weighted shares times the Kish effective sample
size ``n_effective = (sum w)^2 / sum w^2``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
from scipy import stats

from ._validation import check_choice, check_confidence
from .scoring import NPSCounts, counts, kish_n, linearised_se

__all__ = ["Interval", "confint", "METHODS"]


@dataclass(frozen=True)
class CountArrays:
    """Counts of many groups as arrays, as the interval methods take them.

    ``se`` holds the linearisation standard errors for weighted data (None
    unweighted); the counts of weighted data are effective counts.
    """

    promoters: np.ndarray
    passives: np.ndarray
    detractors: np.ndarray
    se: np.ndarray | None = None

    @property
    def n(self) -> np.ndarray:
        return self.promoters + self.passives + self.detractors

    @classmethod
    def from_arrays(cls, promoters, passives, detractors, weights_sq=None) -> "CountArrays":
        """Build from count arrays; ``weights_sq`` = (promoters, passives, detractors)
        sums of squared weights for weighted counts (turned into effective counts)."""
        pro, pas, det = (np.asarray(v, dtype=float) for v in (promoters, passives, detractors))
        if weights_sq is None:
            return cls(pro, pas, det)
        sq = [np.asarray(v, dtype=float) for v in weights_sq]
        n = pro + pas + det
        with np.errstate(invalid="ignore", divide="ignore"):
            factor = np.where(n > 0, kish_n(n, sq[0] + sq[1] + sq[2]) / np.where(n > 0, n, 1.0), 0.0)
        return cls(pro * factor, pas * factor, det * factor, linearised_se(pro, pas, det, *sq))

    @classmethod
    def from_counts(cls, c: NPSCounts) -> "CountArrays":
        """Build from one :class:`NPSCounts` (effective counts if weighted)."""
        return cls.from_arrays([c.promoters], [c.passives], [c.detractors],
                               None if c.weights_sq is None else [[v] for v in c.weights_sq])


def _estimate(c: CountArrays) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return 100.0 * (c.promoters - c.detractors) / c.n


def _z(confidence: float) -> float:
    return float(stats.norm.ppf(0.5 + confidence / 2.0))


def _wald(c: CountArrays, confidence: float, **_):
    """Wald: estimate +- z * SE, SE = 100 sqrt((p + d - (p - d)^2) / n)."""
    est = _estimate(c)
    if c.se is not None:
        se = c.se
    else:
        n = c.n
        with np.errstate(invalid="ignore", divide="ignore"):
            p, d = c.promoters / n, c.detractors / n
            se = 100.0 * np.sqrt(np.maximum(p + d - (p - d) ** 2, 0.0) / n)
    z = _z(confidence)
    return est - z * se, est + z * se


def _adjusted_wald(c: CountArrays, confidence: float, **_):
    """Adjusted Wald (Rocks 2016; Sauro & Lewis): the Wald interval after adding
    3 pseudo-respondents, 0.75 promoters, 1.5 passives and 0.75 detractors."""
    adjusted = CountArrays(c.promoters + 0.75, c.passives + 1.5, c.detractors + 0.75)
    return _wald(adjusted, confidence)


#: Interval methods: name -> private function of (CountArrays, confidence, **options).
METHODS = {
    "wald": _wald,
    "adjusted-wald": _adjusted_wald,
}


def check_method(method) -> str:
    """Validate an interval method name; the error lists the allowed ones."""
    return check_choice(method, METHODS, name="method")


def interval_arrays(c: CountArrays, *, confidence=0.95, method="adjusted-wald", **options):
    """Vectorised intervals: (estimate, low, high) arrays, clipped to [-100, 100].

    Groups with n = 0 get NaN throughout.
    """
    confidence = check_confidence(confidence)
    check_method(method)
    est = _estimate(c)
    empty = c.n <= 0
    low, high = METHODS[method](c, confidence, **options)
    low = np.clip(np.asarray(low, dtype=float), -100.0, 100.0)
    high = np.clip(np.asarray(high, dtype=float), -100.0, 100.0)
    low[empty] = np.nan
    high[empty] = np.nan
    return est, low, high


@dataclass(frozen=True)
class Interval:
    """A confidence interval for one NPS.

    Attributes
    ----------
    estimate : float
        The NPS (raw, -100..100).
    low, high : float
        Interval bounds, clipped to [-100, 100].
    confidence : float
        Confidence level, e.g. 0.95.
    method : str
        Interval method.
    n : float
        Number of answers (sum of weights if weighted).
    n_effective : float
        Kish effective sample size (equals ``n`` unweighted).
    """

    estimate: float
    low: float
    high: float
    confidence: float
    method: str
    n: float
    n_effective: float

    @property
    def width(self) -> float:
        """high - low."""
        return self.high - self.low

    def to_dict(self) -> dict:
        """Plain dict of the fields (for JSON)."""
        return asdict(self)

    def __str__(self) -> str:
        return (f"NPS {self.estimate:.1f} ({self.confidence:.0%} CI {self.low:.1f} to {self.high:.1f}; "
                f"{self.method}, n = {_num(self.n)})")

    def _repr_html_(self) -> str:
        return (f"<div><b>NPS {self.estimate:.1f}</b> &nbsp; {self.confidence:.0%} CI "
                f"[{self.low:.1f}, {self.high:.1f}] <small>({self.method}, n = {_num(self.n)}"
                + (f", effective n = {self.n_effective:.0f}" if self.n_effective != self.n else "")
                + ")</small></div>")


def _num(v) -> str:
    return f"{v:g}" if isinstance(v, float) else str(v)


def _as_counts(data, weights, scale) -> NPSCounts:
    if isinstance(data, NPSCounts):
        if weights is not None:
            raise ValueError("weights apply to raw answers; NPSCounts are already counted (weighted or not)")
        return data
    return counts(data, weights, scale=scale)


def confint(data, *, confidence=0.95, method="adjusted-wald", weights=None, scale=None, **options) -> Interval:
    """Confidence interval for the NPS of one sample.

    Parameters
    ----------
    data : array-like, Series or NPSCounts
        Raw answers (0-10 by default) or counts.
    confidence : float
        Confidence level strictly between 0 and 1.
    method : str
        ``"adjusted-wald"`` (default; Rocks 2016, Sauro & Lewis: 0.75
        promoters, 1.5 passives, 0.75 detractors added) or ``"wald"``.
    weights : array-like, optional
        Survey weights, one per answer (see the module notes).
    scale : NPSScale, optional
        A custom category scale.

    Returns
    -------
    Interval

    Examples
    --------
    >>> from nps_toolkit import NPSCounts
    >>> ci = confint(NPSCounts(promoters=20, passives=50, detractors=30), method="wald")
    >>> round(ci.low, 2), round(ci.high, 2)
    (-23.72, 3.72)
    """
    c = _as_counts(data, weights, scale)
    confidence = check_confidence(confidence)
    check_method(method)
    if c.n <= 0:
        raise ValueError("cannot compute an interval without answers (n = 0)"
                         + (f"; {c.n_missing} answers were missing" if c.n_missing else ""))
    est, low, high = interval_arrays(CountArrays.from_counts(c), confidence=confidence, method=method, **options)
    return Interval(estimate=float(c.nps), low=float(low[0]), high=float(high[0]), confidence=confidence,
                    method=method, n=c.n, n_effective=float(c.n_effective))

