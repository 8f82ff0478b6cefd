"""Confidence intervals for NPS, margins of error and sample sizes.

One public function, :func:`confint`, with a ``method=`` switch; each method
is a small private function working on arrays of counts
(:class:`CountArrays`), so that a table of many groups (``summarize``) gets
all its intervals in one vectorised call. The registry :data:`METHODS` maps
each name to a :class:`Method`: its function and the options it takes
(:func:`method_options` picks them from the ones a caller has). The pieces
other modules build on are public here: :func:`as_counts` (answers or counts
to :class:`~nps_toolkit.counting.NPSCounts`), :func:`z_value`, and on
:class:`CountArrays` the estimate (``nps``), the Wald standard error
(``wald_se``) and the adjusted-Wald pseudo-respondents (``adjusted()``,
:data:`ADJUSTMENT`), so that :mod:`nps_toolkit.compare` and
:mod:`nps_toolkit.periods` use the same formulas. SciPy is imported by the
functions that need it, not with the module.

Methods
-------
``"adjusted-wald"`` (default)
    The Wald interval after adding 0.75 promoters, 1.5 passives and 0.75
    detractors (Rocks 2016; Sauro & Lewis). Exact coverage is close to the
    nominal level from n = 10 on (see ``benchmarks/coverage.py``).
``"wald"``
    Estimate +- z * SE. Too narrow for small n and degenerate (zero width)
    when every answer falls in one category.
``"score"``
    Tango's score interval for a difference of paired proportions, applied
    to promoters minus detractors: the R package NPS's ``"iterative"``
    method. The bounds are the two roots of the score statistic, found by
    bisection on arrays (the restricted maximum-likelihood share has a closed
    form).
``"bootstrap"``
    Percentile interval of ``n_resamples`` multinomial resamples of the
    counts (equivalent to resampling respondents, but one draw of three
    counts per resample). Random: pass ``random_state`` to reproduce it.
``"bca"``
    Bias-corrected and accelerated bootstrap (Efron): the same resamples,
    the bias correction from the share of resamples below the estimate
    (ties count half, as in :func:`scipy.stats.bootstrap`) and the
    acceleration from the jackknife in closed form (leaving out one
    promoter, passive or detractor: ``a = skewness / (6 sqrt(n))`` of the
    +1/0/-1 scores).
``"bayes"``
    Equal-tailed credible interval of the NPS under the Dirichlet posterior
    of the three shares, Dirichlet(counts + ``prior``); ``prior`` is
    (promoters, passives, detractors), by default uniform (1, 1, 1). The
    quantiles are computed, not simulated (one-dimensional Gauss-Legendre
    integration and root finding; posterior probabilities accurate to about
    1e-12 with the default prior, 1e-6 with priors below 1), so the interval
    is not random.

All bounds are clipped to [-100, 100]. The two bootstrap methods collapse to
a single point when every answer falls in one category (no resample differs).

Weighted data
-------------
``"wald"`` uses the linearisation (ratio-estimator) standard error of the
weighted mean score (see :attr:`NPSCounts.se`). The other methods work on
*effective counts*: the weighted shares times the Kish effective sample
size ``n_effective = (sum w)^2 / sum w^2`` (the bootstrap resamples
``round(n_effective)`` answers). With unit weights every method gives the
unweighted interval.

Planning
--------
:func:`margin_of_error` and :func:`sample_size` answer "how precise will n
answers be?" and "how many answers do I need?" with the Wald formula
``z * 100 * sqrt(var / n)``, ``var = p + d - (p - d)^2``.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from ._docstrings import shared_docs
from ._resampling import bootstrap_nps, rng_from
from ._validation import as_column_list, check_choice, check_columns, check_confidence, check_positive_int, check_prior
from .counting import NPSCounts, counts, kish_n, linearised_se
from .design import DF, check_design_arguments, check_df, design_estimates

__all__ = ["Interval", "confint", "margin_of_error", "sample_size", "METHODS", "OPTIONS", "Method", "ADJUSTMENT",
           "CountArrays", "as_counts", "z_value", "check_method", "method_options", "interval_arrays",
           "summarize_counts", "check_df", "t_confidence", "effective_counts", "design_intervals", "DF"]

_CATS = ("detractors", "passives", "promoters")

#: Pseudo-respondents the adjusted Wald method adds to the counts: (promoters, passives, detractors).
ADJUSTMENT = (0.75, 1.5, 0.75)


@dataclass(frozen=True)
class CountArrays:
    """Counts of many groups as arrays, as the interval methods take them.

    ``se`` holds the linearisation standard errors for weighted data (None
    unweighted); the counts of weighted data are effective counts.

    Examples
    --------
    >>> c = CountArrays.from_arrays([20, 60], [50, 25], [30, 15])
    >>> c.nps.tolist(), c.wald_se.round(3).tolist()
    ([-10.0, 45.0], [7.0, 7.399])
    >>> c.adjusted().n.tolist()
    [103.0, 103.0]
    """

    promoters: np.ndarray
    passives: np.ndarray
    detractors: np.ndarray
    se: np.ndarray | None = None

    @property
    def n(self) -> np.ndarray:
        """Answers per group (effective answers when weighted)."""
        return self.promoters + self.passives + self.detractors

    @property
    def nps(self) -> np.ndarray:
        """The NPS of each group, 100 (promoters - detractors) / n; NaN where n = 0."""
        with np.errstate(invalid="ignore", divide="ignore"):
            return 100.0 * (self.promoters - self.detractors) / self.n

    @property
    def wald_se(self) -> np.ndarray:
        """Standard error of each NPS: the linearisation SE when weighted (``se``), else
        ``100 sqrt((p + d - (p - d)^2) / n)`` with p, d the promoter and detractor shares."""
        if self.se is not None:
            return np.asarray(self.se, dtype=float)
        n = self.n
        with np.errstate(invalid="ignore", divide="ignore"):
            p, d = self.promoters / n, self.detractors / n
            return 100.0 * np.sqrt(np.maximum(p + d - (p - d) ** 2, 0.0) / n)

    def adjusted(self) -> "CountArrays":
        """The counts plus the adjusted-Wald pseudo-respondents (:data:`ADJUSTMENT`: 0.75 promoters,
        1.5 passives, 0.75 detractors per group); unweighted, so ``wald_se`` is the multinomial one."""
        pro, pas, det = ADJUSTMENT
        return CountArrays(self.promoters + pro, self.passives + pas, self.detractors + det)

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


def z_value(confidence: float) -> float:
    """The two-sided normal quantile of a confidence level: ``z`` with P(-z < Z < z) = ``confidence``.

    Examples
    --------
    >>> round(z_value(0.95), 4), round(z_value(0.9), 4)
    (1.96, 1.6449)
    """
    from scipy import stats

    return float(stats.norm.ppf(0.5 + confidence / 2.0))


# -- Wald ---------------------------------------------------------------------------------------------------------
def _wald(c: CountArrays, confidence: float):
    """Wald: estimate +- z * SE, SE = 100 sqrt((p + d - (p - d)^2) / n) (:attr:`CountArrays.wald_se`)."""
    est, se = c.nps, c.wald_se
    z = z_value(confidence)
    return est - z * se, est + z * se


def _adjusted_wald(c: CountArrays, confidence: float):
    """Adjusted Wald (Rocks 2016; Sauro & Lewis): the Wald interval after adding
    3 pseudo-respondents, 0.75 promoters, 1.5 passives and 0.75 detractors."""
    return _wald(c.adjusted(), confidence)


# -- score (Tango) ------------------------------------------------------------------------------------------------
_BISECTIONS = 60  # halves the bracket to 2^-59 (the NPS / 100 scale): far below any reported digit


def _score_statistic(delta, b, c, n):
    """Tango's score statistic of NPS / 100 = ``delta`` with b promoters, c detractors, n answers.

    The constrained maximum-likelihood detractor share ``x`` solves
    ``2n x^2 + W x - c delta (1 - delta) = 0`` with ``W = -b - c + (2n - b + c) delta``
    (Tango 1998); the promoter share is then ``x + delta``.
    """
    w = -b - c + (2.0 * n - b + c) * delta
    x = (np.sqrt(np.maximum(w * w + 8.0 * n * c * delta * (1.0 - delta), 0.0)) - w) / (4.0 * n)
    var = n * np.maximum(2.0 * x + delta * (1.0 - delta), 0.0)
    return (b - c - n * delta) / np.sqrt(var)


def _score(c: CountArrays, confidence: float):
    """Tango's score interval (the R package NPS's "iterative" method).

    The statistic decreases in ``delta`` from +inf (delta = -1) through 0 (the
    estimate) to -inf (delta = 1): each bound is found by bisection on its side
    of the estimate, for all groups at once.
    """
    b, m, d = (np.atleast_1d(np.asarray(v, dtype=float)) for v in (c.promoters, c.passives, c.detractors))
    n = b + m + d
    ok = n > 0
    n_safe = np.where(ok, n, 1.0)
    est = np.where(ok, (b - d) / n_safe, 0.0)
    z = z_value(confidence)
    # lower bound in [-1, est] where T = z; upper bound in [est, 1] where T = -z
    lo_a, lo_b = np.full_like(est, -1.0), est.copy()
    hi_a, hi_b = est.copy(), np.ones_like(est)
    with np.errstate(invalid="ignore", divide="ignore"):
        for _ in range(_BISECTIONS):
            mid = 0.5 * (lo_a + lo_b)
            inside = _score_statistic(mid, b, d, n_safe) <= z  # NaN (0/0 at an end) counts as outside
            lo_b = np.where(inside, mid, lo_b)
            lo_a = np.where(inside, lo_a, mid)
            mid = 0.5 * (hi_a + hi_b)
            inside = _score_statistic(mid, b, d, n_safe) >= -z
            hi_a = np.where(inside, mid, hi_a)
            hi_b = np.where(inside, hi_b, mid)
    return 50.0 * (lo_a + lo_b), 50.0 * (hi_a + hi_b)


# -- bootstrap ----------------------------------------------------------------------------------------------------
_CHUNK_CELLS = 2_000_000  # resamples x groups drawn at a time (bounds the memory of many-group tables)


def _bootstrap_chunks(c: CountArrays, n_resamples, random_state):
    """Yield (group slice, sorted draws) in chunks of groups, from one random stream."""
    rng = rng_from(random_state)
    pro, pas, det = (np.atleast_1d(np.asarray(v, dtype=float)) for v in (c.promoters, c.passives, c.detractors))
    step = max(1, _CHUNK_CELLS // n_resamples)
    for start in range(0, len(pro), step):
        part = slice(start, start + step)
        draws = bootstrap_nps(pro[part], pas[part], det[part], n_resamples=n_resamples, random_state=rng)
        yield part, np.sort(draws, axis=0)


def _column_quantiles(sorted_draws: np.ndarray, q: np.ndarray) -> np.ndarray:
    """Quantile ``q[j]`` of column ``j`` of sorted draws (numpy's default 'linear' rule)."""
    size = sorted_draws.shape[0]
    h = np.clip(q, 0.0, 1.0) * (size - 1)
    below = np.floor(h).astype(np.int64)
    above = np.minimum(below + 1, size - 1)
    cols = np.arange(sorted_draws.shape[1])
    lo, hi = sorted_draws[below, cols], sorted_draws[above, cols]
    return lo + (h - below) * (hi - lo)


def _bootstrap(c: CountArrays, confidence: float, *, n_resamples=9999, random_state=None):
    """Percentile bootstrap: quantiles (1 -+ confidence) / 2 of the resampled NPS."""
    n_resamples = check_positive_int(n_resamples, name="n_resamples")
    alpha = (1.0 - confidence) / 2.0
    size = len(np.atleast_1d(c.promoters))
    low, high = np.full(size, np.nan), np.full(size, np.nan)
    for part, draws in _bootstrap_chunks(c, n_resamples, random_state):
        q = np.full(draws.shape[1], alpha)
        low[part], high[part] = _column_quantiles(draws, q), _column_quantiles(draws, 1.0 - q)
    return low, high


def _acceleration(c: CountArrays) -> np.ndarray:
    """BCa acceleration from the jackknife, in closed form.

    Leaving out one answer scored y (+1, 0, -1) moves the NPS by a multiple of
    (y - mean), so the jackknife acceleration is the skewness of the scores
    over 6 sqrt(n): ``sum_c n_c (y_c - m)^3 / (6 (sum_c n_c (y_c - m)^2)^1.5)``
    (0 when all answers agree).
    """
    pro, pas, det = (np.atleast_1d(np.asarray(v, dtype=float)) for v in (c.promoters, c.passives, c.detractors))
    n = pro + pas + det
    with np.errstate(invalid="ignore", divide="ignore"):
        m = (pro - det) / n
        s2 = pro * (1 - m) ** 2 + pas * m ** 2 + det * (1 + m) ** 2
        s3 = pro * (1 - m) ** 3 + pas * (-m) ** 3 + det * (-1 - m) ** 3
        a = s3 / (6.0 * s2 ** 1.5)
    return np.where(s2 > 1e-12 * np.maximum(n, 1.0), a, 0.0)


def _bca(c: CountArrays, confidence: float, *, n_resamples=9999, random_state=None):
    """BCa bootstrap: percentile levels shifted by the bias correction and acceleration."""
    from scipy import special, stats

    n_resamples = check_positive_int(n_resamples, name="n_resamples")
    est = np.atleast_1d(c.nps)
    accel = _acceleration(c)
    z_lo, z_hi = stats.norm.ppf((1.0 - confidence) / 2.0), stats.norm.ppf((1.0 + confidence) / 2.0)
    size = len(est)
    low, high = np.full(size, np.nan), np.full(size, np.nan)
    for part, draws in _bootstrap_chunks(c, n_resamples, random_state):
        e = est[part]
        below = (np.sum(draws < e, axis=0) + np.sum(draws <= e, axis=0)) / (2.0 * n_resamples)
        z0 = special.ndtri(below)
        a = accel[part]
        with np.errstate(invalid="ignore", divide="ignore"):
            levels = [special.ndtr(z0 + (z0 + zq) / (1.0 - a * (z0 + zq))) for zq in (z_lo, z_hi)]
        low[part], high[part] = (_column_quantiles(draws, np.nan_to_num(q, nan=0.5)) for q in levels)
    return low, high


# -- Bayes (exact Dirichlet quantiles) ----------------------------------------------------------------------------
_GL_NODES, _GL_WEIGHTS = np.polynomial.legendre.leggauss(64)
_GL_NODES, _GL_WEIGHTS = (_GL_NODES + 1.0) / 2.0, _GL_WEIGHTS / 2.0
_TAIL = 1e-13  # probability left out at each end of the conditioning share


def _posterior_parts(a1, a2, a3):
    """Set up P(NPS <= t) for Dirichlet(a1, a2, a3) of (promoters, passives, detractors).

    NPS / 100 = P - D is written through the share X with the smallest
    parameter and Y, the split of the rest (independent of X):

    - X = D: NPS = (1 - X) Y - X, Y ~ Beta(a1, a2) promoters among non-detractors;
    - X = P: by symmetry, P(NPS <= t) = 1 - P(D - P <= -t), the case above with a1 and a3 swapped;
    - X = M: NPS = (1 - X)(2Y - 1), Y ~ Beta(a1, a3) promoters among non-passives.

    Conditioning on the most concentrated share keeps the integrand smooth.
    """
    from scipy import special

    flip = (a1 < a3) & (a1 <= a2)
    pro, det = np.where(flip, a3, a1), np.where(flip, a1, a3)
    mid = a2 < det
    ax = np.where(mid, a2, det)
    ya, yb = pro, np.where(mid, det, a2)
    bx = ya + yb
    r = np.minimum(ax, 1.0)  # integrate in v = u^r: removes the u^(ax-1) singularity when ax < 1
    return dict(flip=flip, mid=mid, ax=ax, bx=bx, ya=ya, yb=yb, r=r, lnb=special.betaln(ax, bx),
                lo=special.betaincinv(ax, bx, _TAIL), hi=special.betaincinv(ax, bx, 1.0 - _TAIL))


def _posterior_cdf(t, flip, mid, ax, bx, ya, yb, r, lnb, lo, hi):
    """P(NPS / 100 <= t) = tail + integral of f_X(u) I_Y(y(u)) du (Gauss-Legendre, 64 nodes).

    X = D: y(u) = (t + u) / (1 - u), 0 below u = -t, 1 above u = (1 - t) / 2.
    X = M: y(u) = 1/2 + t / (2 (1 - u)), between 0 and 1 below u = 1 - |t|; above it
    1 (t > 0) or 0 (t <= 0).
    """
    from scipy import special

    t = np.where(flip, -t, t)
    start = np.where(mid, 0.0, np.maximum(-t, 0.0))
    stop = np.where(mid, 1.0 - np.abs(t), (1.0 - t) / 2.0)
    tail = np.where(mid & (t <= 0), 0.0, special.betaincc(ax, bx, stop))
    start, stop = np.maximum(start, lo), np.minimum(stop, hi)
    v0 = start ** r
    v1 = np.maximum(stop, start) ** r
    col = (slice(None), None)
    v = v0[col] + (v1 - v0)[col] * _GL_NODES
    u = np.clip(v ** (1.0 / r[col]), 1e-300, 1.0 - 1e-16)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        log_density = ((ax[col] - 1.0) * np.log(u) + (bx[col] - 1.0) * np.log1p(-u) - lnb[col]
                       - np.log(r[col]) + (1.0 / r[col] - 1.0) * np.log(v))
        tt = t[col]
        y = np.where(mid[col], 0.5 + tt / (2.0 * (1.0 - u)), (tt + u) / (1.0 - u))
        g = special.betainc(ya[col], yb[col], np.clip(y, 0.0, 1.0))
        integral = (np.exp(log_density) * g) @ _GL_WEIGHTS
    cdf = tail + (v1 - v0) * np.nan_to_num(integral)
    return np.where(flip, 1.0 - cdf, cdf)


def _posterior_quantile(parts: dict, q: float) -> np.ndarray:
    """The q-quantile of NPS / 100 for each group (Chandrupatla root finding on [-1, 1])."""
    from scipy.optimize import elementwise

    args = tuple(parts[k] for k in ("flip", "mid", "ax", "bx", "ya", "yb", "r", "lnb", "lo", "hi"))
    size = parts["ax"].shape
    res = elementwise.find_root(lambda t, *a: _posterior_cdf(t, *a) - q, (np.full(size, -1.0), np.ones(size)),
                                args=args, tolerances=dict(xatol=1e-12, xrtol=0.0))
    return np.asarray(res.x, dtype=float)


def _bayes(c: CountArrays, confidence: float, *, prior=(1, 1, 1)):
    """Equal-tailed credible interval of the Dirichlet(counts + prior) posterior (exact quantiles)."""
    prior = np.asarray(check_prior(prior))
    counts_ = [np.atleast_1d(np.asarray(v, dtype=float)) for v in (c.promoters, c.passives, c.detractors)]
    a1, a2, a3 = (np.maximum(v, 0.0) + p for v, p in zip(counts_, prior))
    parts = _posterior_parts(a1, a2, a3)
    alpha = (1.0 - confidence) / 2.0
    return 100.0 * _posterior_quantile(parts, alpha), 100.0 * _posterior_quantile(parts, 1.0 - alpha)


@dataclass(frozen=True)
class Method:
    """An interval method: its private function and the options it takes.

    ``func(counts, confidence, **options)`` returns the (low, high) arrays of
    a :class:`CountArrays`, before clipping; ``options`` names the keyword
    options of :data:`OPTIONS` it takes. Calling a Method calls its function.
    """

    func: Callable
    options: tuple[str, ...] = ()

    def __call__(self, c: CountArrays, confidence: float, **options):
        return self.func(c, confidence, **options)


#: Interval methods: name -> :class:`Method` (function of (CountArrays, confidence, **options) and the options
#: it takes).
METHODS = {
    "wald": Method(_wald),
    "adjusted-wald": Method(_adjusted_wald),
    "score": Method(_score),
    "bootstrap": Method(_bootstrap, options=("n_resamples", "random_state")),
    "bca": Method(_bca, options=("n_resamples", "random_state")),
    "bayes": Method(_bayes, options=("prior",)),
}

#: Options that :func:`interval_arrays` passes on to the methods that take them.
OPTIONS = ("n_resamples", "random_state", "prior")


def check_method(method) -> str:
    """Validate an interval method name; the error lists the allowed ones.

    Examples
    --------
    >>> check_method("score")
    'score'
    """
    return check_choice(method, METHODS, name="method")


def _check_option_names(options) -> None:
    unknown = sorted(set(options) - set(OPTIONS))
    if unknown:
        raise TypeError(f"unknown interval option {unknown[0]!r}; allowed: {', '.join(OPTIONS)}")


def method_options(method: str, **available) -> dict:
    """The options of ``available`` that interval method ``method`` takes (the others are dropped).

    Lets a caller that holds every option (a comparison, a table of periods)
    pass each method only its own. A name outside :data:`OPTIONS` is a
    ``TypeError``; an unknown method a ``ValueError``.

    Examples
    --------
    >>> method_options("bootstrap", n_resamples=999, random_state=1, prior=(1, 1, 1))
    {'n_resamples': 999, 'random_state': 1}
    >>> method_options("wald", n_resamples=999)
    {}
    """
    check_method(method)
    _check_option_names(available)
    return {name: available[name] for name in METHODS[method].options if name in available}


@shared_docs
def interval_arrays(c: CountArrays, *, confidence=0.95, method="adjusted-wald", **options):
    """Vectorised intervals: (estimate, low, high) arrays, clipped to [-100, 100].

    Groups with n = 0 get NaN throughout. Every interval holds its estimate:
    at the edges (say one answer, a promoter), where adjusted Wald, the
    score interval or the Bayesian posterior would end short of the
    sample's NPS, the bound on that side is the estimate (``confint([9])``
    is 100, from -48.5 to 100).

    Parameters
    ----------
    c : CountArrays
        The counts of one or many groups.
    {{confidence}}
    method : str
        One of :data:`METHODS`.
    options
        ``n_resamples``, ``random_state``, ``prior`` (checked whichever the
        method); each method gets the ones it takes (:func:`method_options`).
        Any other name is a ``TypeError``.

    Returns
    -------
    (ndarray, ndarray, ndarray)
        Estimates, lower and upper bounds.

    Examples
    --------
    >>> c = CountArrays.from_arrays([20, 0], [50, 0], [30, 0])
    >>> est, low, high = interval_arrays(c, method="wald")
    >>> est.tolist(), low.round(2).tolist()
    ([-10.0, nan], [-23.72, nan])
    """
    confidence = check_confidence(confidence)
    check_method(method)
    _check_option_names(options)
    if "n_resamples" in options:  # checked whichever the method, as the caller gave them
        options["n_resamples"] = check_positive_int(options["n_resamples"], name="n_resamples")
    if "prior" in options:
        check_prior(options["prior"])
    # an NPS is within [-100, 100]; effective counts (weights, designs) can put it a rounding error outside
    est = np.clip(np.atleast_1d(c.nps), -100.0, 100.0)
    empty = ~(np.atleast_1d(c.n) > 0)
    low, high = METHODS[method](c, confidence, **method_options(method, **options))
    low = np.clip(np.array(low, dtype=float, ndmin=1), -100.0, 100.0)
    high = np.clip(np.array(high, dtype=float, ndmin=1), -100.0, 100.0)
    # an interval never excludes its own estimate: where a method's interval misses the NPS of the sample (all
    # promoters or all detractors in a small sample, whose pseudo-counts or prior pull the interval inwards), the
    # bound on that side is the estimate itself
    low, high = np.fmin(low, est), np.fmax(high, est)
    low[empty] = np.nan
    high[empty] = np.nan
    return est, low, high


# -- design-based intervals ---------------------------------------------------------------------------------------
def t_confidence(confidence: float, df) -> np.ndarray:
    """The confidence level whose normal quantile is Student's t quantile with ``df`` degrees of freedom.

    Every interval method takes its quantile from the confidence level, so giving it this level turns its
    ``z`` into ``t(df)``: the way ``df="design"`` widens any method. NaN where ``df`` < 1.

    Examples
    --------
    >>> from scipy import stats
    >>> level = t_confidence(0.95, 10)
    >>> bool(abs(z_value(float(level[0])) - stats.t.ppf(0.975, 10)) < 1e-9)
    True
    """
    from scipy import stats

    df = np.atleast_1d(np.asarray(df, dtype=float))
    with np.errstate(invalid="ignore"):
        quantile = stats.t.ppf(0.5 + confidence / 2.0, np.where(df >= 1, df, np.nan))
        return 2.0 * stats.norm.cdf(quantile) - 1.0


def effective_counts(sums, n_effective, se=None) -> CountArrays:
    """Weighted category sums rescaled to an effective sample size: the counts the interval methods take.

    ``sums`` holds per group the (promoters, passives, detractors) sums of weights (G x 3), ``n_effective``
    the effective number of answers (``n / deff`` for a complex sample); the shares are kept and ``se``
    (the design-based standard error, if given) is what Wald uses.

    Examples
    --------
    >>> c = effective_counts([[40.0, 40.0, 20.0]], [50.0], se=[9.0])
    >>> c.promoters.tolist(), c.n.tolist(), c.wald_se.tolist()
    ([20.0], [50.0], [9.0])
    """
    sums = np.atleast_2d(np.asarray(sums, dtype=float))
    total = sums.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        factor = np.where(total > 0, np.asarray(n_effective, dtype=float) / np.where(total > 0, total, 1.0), 0.0)
    factor = np.nan_to_num(factor)
    scaled = sums * factor[:, None]
    return CountArrays(scaled[:, 0], scaled[:, 1], scaled[:, 2], None if se is None else np.asarray(se, dtype=float))


def design_intervals(sums, *, n, se, deff, df_design, confidence=0.95, method="adjusted-wald", df=None, **options):
    """Intervals of design-based estimates: the method applied to the effective counts ``n / deff``.

    ``"wald"`` is ``nps +- z se`` with the design-based ``se`` (R's ``confint(svymean(...))``); the other
    methods take the weighted shares at the effective sample size ``n / deff`` (``n`` where the design
    effect is undefined), as Korn and Graubard (1998) do for proportions: adjusted Wald adds its
    pseudo-respondents to them. With ``df="design"`` the quantile is Student's t with ``df_design`` degrees of
    freedom (:func:`t_confidence`). Returns (low, high) arrays, the estimate always inside.

    Examples
    --------
    >>> low, high = design_intervals([[60.0, 25.0, 15.0]], n=[100], se=[7.0], deff=[1.5], df_design=[20],
    ...                              method="wald")
    >>> (round(float(low[0]), 2), round(float(high[0]), 2))
    (31.28, 58.72)
    """
    check_df(df)
    confidence = check_confidence(confidence)
    sums = np.atleast_2d(np.asarray(sums, dtype=float))
    n = np.asarray(n, dtype=float)
    deff = np.asarray(deff, dtype=float)
    usable = np.isfinite(deff) & (deff > 0)
    n_effective = np.where(usable, n / np.where(usable, deff, 1.0), n)
    arrays = effective_counts(sums, n_effective, se)
    if df is None:
        _, low, high = interval_arrays(arrays, confidence=confidence, method=method, **options)
        return low, high
    levels = t_confidence(confidence, df_design) * np.ones(len(n))
    if not np.isfinite(levels).all():
        raise ValueError("df='design' needs a design with at least one degree of freedom (PSUs minus strata); "
                         "this one has none: use the normal quantile (df=None)")
    low, high = np.full(len(n), np.nan), np.full(len(n), np.nan)
    for level in np.unique(levels[np.isfinite(levels)]):  # one call per level (all groups share the design's df)
        pick = levels == level
        part = CountArrays(arrays.promoters[pick], arrays.passives[pick], arrays.detractors[pick],
                           None if arrays.se is None else arrays.se[pick])
        _, low[pick], high[pick] = interval_arrays(part, confidence=float(level), method=method, **dict(options))
    return low, high


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
        Number of answers (sum of weights if weighted; the number of answers with a design).
    n_effective : float
        Kish effective sample size (equals ``n`` unweighted; ``n / deff`` with a design).
    se, deff, df : float, float, int, optional
        With a design (``confint(data, design=...)``): the design-based standard error, the design
        effect and the design's degrees of freedom; None otherwise.

    See Also
    --------
    confint : Compute the interval of one NPS.
    margin_of_error : The half-width of the interval for a sample size.
    Comparison : The interval of a difference between two NPS.
    """

    estimate: float
    low: float
    high: float
    confidence: float
    method: str
    n: float
    n_effective: float
    se: float | None = None
    deff: float | None = None
    df: int | None = None

    @property
    def width(self) -> float:
        """high - low."""
        return self.high - self.low

    def to_dict(self) -> dict:
        """Plain dict of the fields (for JSON); ``se``, ``deff`` and ``df`` only for a design-based interval."""
        out = asdict(self)
        if self.se is None:
            for name in ("se", "deff", "df"):
                out.pop(name)
        return out

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


@shared_docs
def as_counts(data, *, weights=None, scale=None) -> NPSCounts:
    """Answers or counts as :class:`~nps_toolkit.counting.NPSCounts`: counts are returned as they are.

    Parameters
    ----------
    data : array-like, Series or NPSCounts
        Raw answers (0-10 by default) or counts.
    {{weights}}
    {{scale}}

    Raises
    ------
    ValueError
        ``weights`` given with counts (they are already counted).

    Examples
    --------
    >>> as_counts([10, 9, 7, 3, None])
    NPSCounts(promoters=2, passives=1, detractors=1, n_missing=1, weights_sq=None)
    """
    if isinstance(data, NPSCounts):
        if weights is not None:
            raise ValueError("weights apply to raw answers; NPSCounts are already counted (weighted or not)")
        return data
    return counts(data, weights=weights, scale=scale)


@shared_docs
def confint(data, *, confidence=0.95, method="adjusted-wald", weights=None, scale=None, n_resamples=9999,
            random_state=None, prior=(1, 1, 1), score="score", design=None, df=None) -> Interval:
    """Confidence interval for the NPS of one sample.

    Parameters
    ----------
    data : array-like, Series or NPSCounts
        Raw answers (0-10 by default) or counts.
    {{confidence}}
    method : {"adjusted-wald", "wald", "score", "bootstrap", "bca", "bayes"}
        ``"adjusted-wald"`` (default; Rocks 2016, Sauro & Lewis: 0.75
        promoters, 1.5 passives, 0.75 detractors added), ``"wald"``,
        ``"score"`` (Tango's score interval, the R package NPS's
        "iterative"), ``"bootstrap"`` (percentile), ``"bca"`` (bias-corrected
        and accelerated bootstrap) or ``"bayes"`` (equal-tailed credible
        interval of the Dirichlet posterior). See the module notes.
    {{weights}}
        Raw answers only (see the module notes).
    {{scale}}
    {{n_resamples}}
        Used by ``"bootstrap"`` and ``"bca"``.
    {{random_state}}
        Used by ``"bootstrap"`` and ``"bca"``; None draws a fresh seed each call.
    {{prior}}
        Used by ``"bayes"``; (1, 1, 1) is uniform, (0.5, 0.5, 0.5) Jeffreys.
    score : str
        With ``design``: the column of answers of ``data``.
    design : SurveyDesign, optional
        ``data`` is then a table (pandas, a path, DuckDB, Polars, Spark) of a complex sample: the
        interval is design-based (:func:`nps_toolkit.summarize` with ``design``: the method at the
        effective sample size ``n / deff``; ``"wald"`` is ``nps +- z se``).
    {{df}}

    Returns
    -------
    Interval
        Estimate, bounds (clipped to [-100, 100]), confidence, method, ``n``
        and ``n_effective`` (and ``se``, ``deff``, ``df`` with a design).

    Raises
    ------
    ValueError
        Without answers (n = 0), for a confidence outside (0, 1), an unknown
        method, or weights given with counts.

    See Also
    --------
    margin_of_error : The half-width of the interval for a sample size.
    sample_size : Answers needed for a margin.
    Interval : The interval returned.
    summarize : NPS and interval per group, as a table.

    Examples
    --------
    >>> from nps_toolkit import NPSCounts
    >>> c = NPSCounts(promoters=20, passives=50, detractors=30)
    >>> ci = confint(c, method="wald")
    >>> round(ci.low, 2), round(ci.high, 2)
    (-23.72, 3.72)
    >>> print(confint(c, method="score"))
    NPS -10.0 (95% CI -23.5 to 3.9; score, n = 100)
    >>> ci = confint(c, method="bootstrap", n_resamples=2000, random_state=1)
    >>> bool(-27 < ci.low < -20 and 0 < ci.high < 7)
    True

    A clustered sample (two answers per store):

    >>> import pandas as pd
    >>> from nps_toolkit import SurveyDesign
    >>> stores = pd.DataFrame({"score": [10, 9, 3, 8, 10, 0, 9, 6], "store": [1, 1, 2, 2, 3, 3, 4, 4]})
    >>> ci = confint(stores, design=SurveyDesign(psu="store"), method="wald")
    >>> print(ci)  # 12.5 +- 1.96 x 31.46
    NPS 12.5 (95% CI -49.2 to 74.2; wald, n = 8)
    >>> round(ci.se, 2), round(ci.deff, 2), ci.df
    (31.46, 0.81, 3)
    """
    if check_design_arguments(design, weights=weights, df=df) is not None:
        return _design_interval(data, score=score, design=design, scale=scale, confidence=confidence,
                                method=method, df=df, n_resamples=n_resamples, random_state=random_state,
                                prior=prior)
    c = as_counts(data, weights=weights, scale=scale)
    confidence = check_confidence(confidence)
    check_method(method)
    if c.n <= 0:
        raise ValueError("cannot compute an interval without answers (n = 0)"
                         + (f"; {c.n_missing} answers were missing" if c.n_missing else ""))
    est, low, high = interval_arrays(CountArrays.from_counts(c), confidence=confidence, method=method,
                                     n_resamples=n_resamples, random_state=random_state, prior=prior)
    return Interval(estimate=float(c.nps), low=float(low[0]), high=float(high[0]), confidence=confidence,
                    method=method, n=c.n, n_effective=float(c.n_effective))


def _design_interval(data, *, score, design, scale, confidence, method, df, **options) -> Interval:
    """The design-based interval of one sample: the whole table as one domain."""
    confidence = check_confidence(confidence)
    check_method(method)
    row = design_estimates(data, score=score, design=design, scale=scale)
    if not row["n"].iloc[0] > 0:
        raise ValueError("cannot compute an interval without answers (n = 0)"
                         + (f"; {int(row['n_missing'].iloc[0])} answers were missing" if row["n_missing"].iloc[0] else ""))
    sums = row.attrs["counts"][["promoters", "passives", "detractors"]].to_numpy(float)
    low, high = design_intervals(sums, n=row["n"].to_numpy(float), se=row["se"].to_numpy(float),
                                 deff=row["deff"].to_numpy(float), df_design=row["df"].to_numpy(float),
                                 confidence=confidence, method=method, df=df, **method_options(method, **options))
    r = row.iloc[0]
    return Interval(estimate=float(r["nps"]), low=float(low[0]), high=float(high[0]), confidence=confidence,
                    method=method, n=int(r["n"]), n_effective=float(r["n_effective"]), se=float(r["se"]),
                    deff=float(r["deff"]), df=int(r["df"]))


# -- planning: margin of error and sample size ---------------------------------------------------------------------
def _score_variance(shares) -> float:
    """Per-respondent variance p + d - (p - d)^2 of the +1/0/-1 score; 1 (the maximum) for None."""
    if shares is None:
        return 1.0
    if isinstance(shares, NPSCounts):
        if not shares.n > 0:
            raise ValueError("shares: the NPSCounts have no answers (n = 0)")
        p, d = shares.promoter_share, shares.detractor_share
    else:
        if isinstance(shares, (str, bytes, dict)) or not hasattr(shares, "__len__") or len(shares) != 2:
            raise TypeError("shares must be a pair (promoter_share, detractor_share) of fractions 0..1, "
                            f"an NPSCounts or None; got {shares!r}")
        if any(isinstance(v, (bool, np.bool_)) or not isinstance(v, numbers.Real) for v in shares):
            raise TypeError(f"shares must be numbers (promoter_share, detractor_share), got {shares!r}")
        p, d = (float(v) for v in shares)
        if not all(math.isfinite(v) and 0.0 <= v <= 1.0 for v in (p, d)):
            raise ValueError("shares are fractions between 0 and 1 (promoter_share, detractor_share), "
                             f"e.g. (0.4, 0.2) for 40% promoters and 20% detractors; got {shares!r}")
        if p + d > 1.0 + 1e-12:
            raise ValueError(f"shares: promoter_share + detractor_share must be at most 1, got {p} + {d}")
    return max(p + d - (p - d) ** 2, 0.0)


def _check_groups(groups) -> int:
    if isinstance(groups, (bool, np.bool_)) or groups not in (1, 2):
        raise ValueError(f"groups must be 1 (one NPS) or 2 (a difference of two independent NPS), got {groups!r}")
    return int(groups)


def _margin(n, z: float, var: float, groups: int):
    # the one formula both planning functions use, so that their results agree to the last bit
    return z * 100.0 * np.sqrt(groups * var / n)


@shared_docs
def margin_of_error(n, *, confidence=0.95, shares=None, groups=1):
    """Half-width of the Wald interval of an NPS from ``n`` answers (-100..100 scale).

    ``z * 100 * sqrt(groups * var / n)``, with ``var = p + d - (p - d)^2``
    the per-respondent variance of the +1/0/-1 score.

    Parameters
    ----------
    n : number or array-like
        Number of answers (per group), at least 1; an effective sample size
        may be fractional. Arrays give an array of margins.
    {{confidence}}
    shares : (float, float) or NPSCounts, optional
        Expected ``(promoter_share, detractor_share)`` as fractions 0..1, or
        the counts of an earlier survey (their shares are used). None
        (default) assumes the worst case, half promoters and half
        detractors (var = 1), so the margin holds whatever the shares.
    groups : {1, 2}
        1: the margin of one NPS. 2: the margin of the difference between
        the NPS of two independent samples of ``n`` answers each (variance
        ``2 * var / n``).

    Returns
    -------
    float or ndarray

    See Also
    --------
    sample_size : Answers needed for a margin (the inverse).
    confint : The interval of the NPS of a sample.
    compare : Test the difference between two samples.

    Examples
    --------
    >>> round(margin_of_error(400), 2)   # worst case
    9.8
    >>> round(margin_of_error(400, shares=(0.5, 0.2)), 2)
    7.65
    >>> margin_of_error([100, 400]).round(1)
    array([19.6,  9.8])
    """
    confidence = check_confidence(confidence)
    var = _score_variance(shares)
    groups = _check_groups(groups)
    scalar = np.ndim(n) == 0
    if scalar:
        ok = isinstance(n, numbers.Real) and not isinstance(n, (bool, np.bool_))
    else:
        n = np.asarray(n)
        ok = n.dtype.kind in "iuf"
    if not ok:
        raise TypeError(f"n must be a number of answers (at least 1), got {n!r}")
    arr = np.asarray(n, dtype=float)
    bad = ~(np.isfinite(arr) & (arr >= 1))
    if bad.any():
        raise ValueError(f"n must be at least 1 answer, got {_plain_number(arr[bad].ravel()[0])}")
    out = _margin(arr, z_value(confidence), var, groups)
    return float(out) if scalar else out


def _plain_number(v) -> str:
    v = float(v)
    return str(int(v)) if v.is_integer() else repr(v)


@shared_docs
def sample_size(margin, *, confidence=0.95, shares=None, groups=1) -> int:
    """Smallest number of answers whose margin of error is at most ``margin``.

    The inverse of :func:`margin_of_error`: ``margin_of_error(n) <= margin``
    for ``n = sample_size(margin)``, and ``n - 1`` answers would not do.

    Parameters
    ----------
    margin : float
        Wanted half-width on the -100..100 scale (NPS points), in (0, 200].
    {{confidence}}
    shares : (float, float) or NPSCounts, optional
        Expected ``(promoter_share, detractor_share)`` (fractions 0..1) or
        earlier counts; None (default) plans for the worst case (var = 1).
    groups : {1, 2}
        1: answers for one NPS. 2: answers *per group* to estimate the
        difference between two independent groups to within ``margin``.

    Returns
    -------
    int

    See Also
    --------
    margin_of_error : The margin of a given number of answers (the inverse).
    confint : The interval of the NPS of a sample.
    simulate_scores : Simulated answers with known true shares, to try a plan.

    Examples
    --------
    >>> sample_size(5)
    1537
    >>> sample_size(5, shares=(0.5, 0.2))
    938
    >>> sample_size(10, groups=2)
    769
    """
    if isinstance(margin, (bool, np.bool_)) or not isinstance(margin, numbers.Real):
        raise TypeError(f"margin must be a number of NPS points in (0, 200], got {margin!r}")
    margin = float(margin)
    if not (math.isfinite(margin) and 0.0 < margin <= 200.0):
        raise ValueError(f"margin must be more than 0 and at most 200 NPS points, got {margin!r}")
    confidence = check_confidence(confidence)
    var = _score_variance(shares)
    groups = _check_groups(groups)
    z = z_value(confidence)
    n = max(1, math.ceil(groups * var * (100.0 * z / margin) ** 2))
    # the closed form can be one off at exact boundaries (float rounding): settle it with the margin itself
    while _margin(n, z, var, groups) > margin:
        n += 1
    while n > 1 and _margin(n - 1, z, var, groups) <= margin:
        n -= 1
    return int(n)


# -- the statistics of a count table (the second step of nps_toolkit.summarize) ----------------------------------------------------------------------------------------
@shared_docs
def summarize_counts(table: pd.DataFrame, *, by=None, confidence=0.95, method="adjusted-wald",
                     **options) -> pd.DataFrame:
    """The summary table of counts per group: shares, NPS and interval (the statistics step of :func:`summarize`).

    Parameters
    ----------
    table : DataFrame
        ``by`` columns, ``promoters``, ``passives``, ``detractors`` and
        optionally ``n_missing``; weighted sums carry ``promoters_sq``,
        ``passives_sq`` and ``detractors_sq`` (sums of squared weights) and
        ``n``, the number of answers (NaN in the summary without it). As
        :func:`count_groups` returns it, or counted elsewhere (e.g. by SQL in
        a data warehouse). One row per group, kept in its order.
    by : str or list of str, optional
        The group columns of ``table``.
    {{confidence}}
    method : str
        Interval method, one of :data:`METHODS` (as in :func:`confint`).
    options
        ``n_resamples``, ``random_state``, ``prior``: passed to the methods that take them
        (:func:`method_options`).

    Returns
    -------
    DataFrame
        As :func:`summarize`.

    Examples
    --------
    >>> import pandas as pd
    >>> counted = pd.DataFrame({"region": ["A", "B"], "promoters": [60, 20], "passives": [25, 50],
    ...                         "detractors": [15, 30]})
    >>> summarize_counts(counted, by="region")[["region", "n", "nps", "ci_low", "ci_high"]].round(1)
      region    n   nps  ci_low  ci_high
    0      A  100  45.0    29.3     58.0
    1      B  100 -10.0   -23.2      3.8
    """
    by_cols = as_column_list(by)
    confidence = check_confidence(confidence)
    check_method(method)
    check_columns(table, by_cols + list(_CATS), role="count table column")
    weighted = all(c + "_sq" in table.columns for c in _CATS)
    total = table["promoters"] + table["passives"] + table["detractors"]
    sq = [table[c + "_sq"].to_numpy(float) for c in ("promoters", "passives", "detractors")] if weighted else None
    arrays = CountArrays.from_arrays(table["promoters"], table["passives"], table["detractors"], sq)
    _, low, high = interval_arrays(arrays, confidence=confidence, method=method, **options)

    # one dict of columns turned into a frame at once (inserting column by column costs more on small tables)
    out = {name: table[name] for name in by_cols}  # the group columns keep their dtypes (categories, text)
    n_values = total.to_numpy(float)
    if not weighted:
        out["n"] = total
    elif "n" in table.columns:  # the number of answers; the categories hold sums of weights
        out["n"] = table["n"].to_numpy(np.int64)
    else:  # a weighted table counted elsewhere, without the number of answers: not guessed
        out["n"] = np.full(len(table), np.nan)
    out["n_missing"] = (table["n_missing"].to_numpy() if "n_missing" in table.columns
                        else np.zeros(len(table))).astype(np.int64)
    for name in ("promoters", "passives", "detractors"):
        out[name] = table[name]
    divisor = np.where(n_values > 0, n_values, 1.0)
    for name, share in (("promoters", "promoter_share"), ("passives", "passive_share"),
                        ("detractors", "detractor_share")):
        out[share] = np.where(n_values > 0, table[name].to_numpy(float) / divisor, np.nan)
    # NPS from the counts themselves (weighted sums, not the effective counts behind the interval),
    # clipped so that float rounding cannot leave [-100, 100]
    raw = 100.0 * (table["promoters"] - table["detractors"]).to_numpy(float) / divisor
    out["nps"] = np.where(n_values > 0, np.clip(raw, -100.0, 100.0), np.nan)
    out["ci_low"] = low
    out["ci_high"] = high
    if sq is not None:
        out["weighted_total"] = n_values
        out["n_effective"] = kish_n(n_values, sq[0] + sq[1] + sq[2])
    out = pd.DataFrame(out, index=table.index)
    return out
