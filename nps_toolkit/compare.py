"""Comparing NPS: two samples, one sample against a benchmark, many groups.

Every comparison reports the raw difference of the scores (NPS of ``a``
minus NPS of ``b``, on -100..100, so the difference lies in -200..200), an
interval of that difference, a two-sided p-value and whether the difference
is significant at ``1 - confidence``. One public function per question, with a
``method=`` switch; each method is a small private function working on arrays
of counts (:class:`~nps_toolkit.intervals.CountArrays`), so that a table of
many groups (:func:`compare_groups`) gets all its tests in one vectorised call.

Methods (independent samples)
-----------------------------
``"wald"``
    difference +- z * sqrt(se_a^2 + se_b^2), z-test p-value. Equals the
    two-sample test of the R package NPS (``nps_test_(method = "wald")``).
``"adjusted-wald"`` (default)
    Each sample gets 3 pseudo-respondents (0.75 promoters, 1.5 passives,
    0.75 detractors); the interval is centred on the difference of the
    *adjusted* scores with the standard error of the adjusted shares
    (n + 3 answers), and so is the z statistic, as in R's ``"adjusted.wald"``.
    The reported ``difference`` stays the raw NPS(a) - NPS(b).
``"bootstrap"``
    Percentile interval of the difference of independent multinomial
    resamples of each sample. Two-sided bootstrap p-value
    ``2 * min(share of draws <= 0, share of draws >= 0)``, capped at 1 and
    bounded below by ``1 / (n_resamples + 1)`` (the resolution of the
    resampling: it never reports p = 0).
``"bayes"``
    Dirichlet posteriors of the three shares of each sample (counts +
    ``prior``); equal-tailed credible interval of the difference and
    ``probability_a_better`` = P(NPS_a > NPS_b | data). Its ``p_value`` is a
    Bayesian analogue, not a frequentist p-value: the two-sided posterior tail
    ``2 * min(P(diff < 0), P(diff > 0))``, bounded below by
    ``1 / (n_resamples + 1)``. ``significant`` means the credible interval
    excludes 0.

The draws of the random methods are made in a canonical order of the two
samples, so that for the same seed ``compare(b, a)`` mirrors ``compare(a, b)``
exactly. When the two samples have identical counts the difference is
symmetric in distribution, and each draw is pooled with its negation.

Weighted data
-------------
Weighted :class:`~nps_toolkit.counting.NPSCounts` (from ``counts(x, weights=w)``):
``"wald"`` uses each sample's linearisation standard error
(:attr:`NPSCounts.se`); the other methods use effective counts (the weighted
shares times the Kish effective sample size), as the interval methods do.

Paired data
-----------
With ``paired=True`` the same respondents answered twice: ``a[i]`` and
``b[i]`` are respondent ``i``'s two answers (aligned by position, not by
index). A pair where either answer is missing is dropped (counted in
``n_dropped``). Each respondent's change in the +1/0/-1 score lies in
-2..+2; the difference is 100 times the mean change (which equals the NPS of
the kept ``a`` answers minus that of the kept ``b`` answers).

- ``"wald"``: SE = 100 * sd(change) / sqrt(n) (sd with divisor n), z-test.
- ``"adjusted-wald"``: a simple analogue of the unpaired adjustment, *not*
  Tango's paired score interval: 3 pseudo-pairs are spread over the nine
  cells as if the two answers were independent, each with the 0.75 / 1.5 /
  0.75 split, so both margins get the unpaired pseudo-observations and the
  pseudo-pairs have mean change 0. Interval and z are then the Wald ones of
  the adjusted table (n + 3 pairs), centred on the adjusted mean change.
- ``"bootstrap"``: respondents are resampled as (answer a, answer b) pairs:
  one multinomial draw over the nine cells of the 3 x 3 table per resample.
- ``"bayes"``: Dirichlet posterior over the nine cells with prior
  ``outer(prior, prior) / sum(prior)``, whose two margins are ``prior``.
"""

from __future__ import annotations

import html
import math
from dataclasses import asdict, dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd

from ._docstrings import shared_docs
from ._resampling import bootstrap_nps, dirichlet_nps, rng_from
from ._validation import (DataError, check_benchmark, check_choice, check_confidence, check_positive_int, check_prior,
                          positional_options, renamed_arguments)
from .counting import NPSCounts, check_data_columns, count_groups, counts
from .design import PSU_COUNT_COLUMNS, SurveyDesign, check_design_arguments, estimates_from_psu_counts, psu_counts
from .intervals import (ADJUSTMENT, CountArrays, as_counts, design_intervals, interval_arrays,
                        method_options, summarize_counts, z_value)
from .scale import score_codes

__all__ = ["Comparison", "compare", "compare_to_benchmark", "compare_groups", "adjust_p_values", "METHODS",
           "PAIRED_METHODS", "BENCHMARK_METHODS", "CORRECTIONS"]

#: Multiple-comparison corrections of :func:`compare_groups` (None: no correction).
CORRECTIONS = ("holm", "bonferroni", "fdr_bh", None)


# -- result ------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Comparison:
    """The difference between two NPS (or an NPS and a benchmark), with its uncertainty.

    Attributes
    ----------
    difference : float
        NPS(a) - NPS(b), the raw scores (-200..200).
    low, high : float
        Interval of the difference, clipped to [-200, 200].
    p_value : float
        Two-sided p-value of "no difference" (for ``"bayes"`` the two-sided
        posterior tail, see the module notes).
    significant : bool
        ``p_value < 1 - confidence``; for ``"bayes"``: the interval excludes 0.
    statistic : float
        z statistic; NaN for the bootstrap and Bayesian methods.
    nps_a, nps_b : float
        The two scores (``nps_b`` is the benchmark in :func:`compare_to_benchmark`).
    n_a, n_b : float or None
        Answers (pairs when paired; sum of weights when weighted); ``n_b``
        is None against a benchmark.
    method : str
        Comparison method.
    confidence : float
        Confidence level of the interval.
    probability_a_better : float or None
        ``"bayes"`` only: posterior probability that NPS(a) > NPS(b).
    paired : bool
        True for a paired comparison.
    n_dropped : int
        Paired only: pairs dropped because either answer was missing.

    See Also
    --------
    compare : Compare the NPS of two samples.
    compare_to_benchmark : Compare one NPS with a fixed benchmark.
    current_vs_previous : Compare the latest period with an earlier one.
    """

    difference: float
    low: float
    high: float
    p_value: float
    significant: bool
    statistic: float
    nps_a: float
    nps_b: float
    n_a: float
    n_b: float | None
    method: str
    confidence: float
    probability_a_better: float | None = None
    paired: bool = False
    n_dropped: int = 0

    @property
    def benchmark(self) -> bool:
        """True for a comparison with a fixed benchmark (no second sample)."""
        return self.n_b is None

    def to_dict(self) -> dict:
        """Plain dict of the fields (for JSON)."""
        return asdict(self)

    def _label(self) -> str:
        return f"NPS - {self.nps_b:g}" if self.benchmark else "a - b"

    def _details(self) -> str:
        parts = [self.method]
        if self.paired:
            parts.append(f"paired, n = {_num(self.n_a)} pairs"
                         + (f", {self.n_dropped} dropped" if self.n_dropped else ""))
        return ", ".join(parts)

    def __str__(self) -> str:
        verdict = "significant" if self.significant else "not significant"
        text = (f"{self._label()} = {self.difference:.1f} ({self.confidence:.0%} CI {self.low:.1f} to "
                f"{self.high:.1f}), {_p_text(self.p_value)}, {verdict}")
        if self.probability_a_better is not None:
            better = "NPS > benchmark" if self.benchmark else "a > b"
            text += f", P({better}) = {self.probability_a_better:.3f}"
        return f"{text}; {self._details()}"

    def _repr_html_(self) -> str:
        verdict = "significant" if self.significant else "not significant"
        extra = ""
        if self.probability_a_better is not None:
            better = "NPS &gt; benchmark" if self.benchmark else "a &gt; b"
            extra = f", P({better}) = {self.probability_a_better:.3f}"
        n_text = f"n = {_num(self.n_a)}" if self.benchmark else f"n = {_num(self.n_a)} and {_num(self.n_b)}"
        if self.paired:
            n_text = f"n = {_num(self.n_a)} pairs"
        return (f"<div><b>{html.escape(self._label())} = {self.difference:.1f}</b> &nbsp; "
                f"{self.confidence:.0%} CI [{self.low:.1f}, {self.high:.1f}], {html.escape(_p_text(self.p_value))}"
                f" ({verdict}){extra} <small>(NPS {self.nps_a:.1f} vs {self.nps_b:.1f}; {n_text}; "
                f"{html.escape(self._details())})</small></div>")


def _num(v) -> str:
    if v is None:
        return "-"
    return f"{v:g}" if isinstance(v, float) else str(v)


def _p_text(p: float) -> str:
    if math.isnan(p):
        return "p = NaN"
    return "p < 0.001" if p < 0.001 else f"p = {p:.2g}"


# -- shared pieces -----------------------------------------------------------------------------------------------
class _Test(NamedTuple):
    """What a method returns, one entry per group: interval of the difference, p-value, z, P(a better)."""

    low: np.ndarray
    high: np.ndarray
    p_value: np.ndarray
    statistic: np.ndarray
    probability: np.ndarray | None = None


@dataclass(frozen=True)
class _Options:
    n_resamples: int
    rng: np.random.Generator
    prior: tuple[float, float, float]


def _z_p(centre, se):
    """Two-sided z-test of centre = 0: (p-value, z); p = 1 where z is 0 / 0."""
    from scipy import stats

    centre, se = np.asarray(centre, dtype=float), np.asarray(se, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        stat = centre / se
    p = np.where((centre == 0) & (se == 0), 1.0, 2.0 * stats.norm.sf(np.abs(stat)))
    return p, stat


def _z_test(centre, se, confidence):
    """Interval centre +- z se, the two-sided p-value and z of centre / se."""
    centre, se = np.asarray(centre, dtype=float), np.asarray(se, dtype=float)
    z = z_value(confidence)
    return (centre - z * se, centre + z * se, *_z_p(centre, se))


def _from_draws(diff, confidence, n_resamples, *, bayes: bool) -> _Test:
    """Percentile (equal-tailed) interval and two-sided tail p-value from draws of the difference."""
    tail = (1.0 - confidence) / 2.0
    low, high = np.quantile(diff, [tail, 1.0 - tail], axis=0)
    if bayes:
        below, above = np.mean(diff < 0, axis=0), np.mean(diff > 0, axis=0)
    else:
        below, above = np.mean(diff <= 0, axis=0), np.mean(diff >= 0, axis=0)
    p = np.clip(2.0 * np.minimum(below, above), 1.0 / (n_resamples + 1), 1.0)
    nan = np.full(diff.shape[1], np.nan)
    return _Test(low, high, p, nan, np.mean(diff > 0, axis=0) if bayes else None)


def _symmetrise(diff, tie):
    """Pool the draws of groups whose two samples are identical with their negation."""
    tie = np.asarray(tie, dtype=bool)
    if not tie.any():
        return diff
    return np.concatenate([diff, np.where(tie, -diff, diff)], axis=0)


def _independent_draws(a: CountArrays, b: CountArrays, draw) -> np.ndarray:
    """Draws of NPS(a) - NPS(b), shape (draws, groups), in the canonical order of each pair of samples."""
    ka = np.stack([a.promoters, a.passives, a.detractors])
    kb = np.stack([b.promoters, b.passives, b.detractors])
    # lexicographic comparison of (promoters, passives, detractors): swap when a > b
    differs = ka != kb
    first = np.argmax(differs, axis=0)
    cols = np.arange(ka.shape[1])
    tie = ~differs.any(axis=0)
    swap = ~tie & (ka[first, cols] > kb[first, cols])
    one = [np.where(swap, y, x) for x, y in zip(ka, kb)]
    two = [np.where(swap, x, y) for x, y in zip(ka, kb)]
    both = draw(*(np.concatenate([x, y]) for x, y in zip(one, two)))
    g = ka.shape[1]
    diff = both[:, :g] - both[:, g:]
    diff = np.where(swap, -diff, diff)
    return _symmetrise(diff, tie)


def _bootstrap_draw(opts: _Options):
    def draw(pro, pas, det):
        return bootstrap_nps(pro, pas, det, n_resamples=opts.n_resamples, random_state=opts.rng)
    return draw


def _dirichlet_draw(opts: _Options):
    def draw(pro, pas, det):
        return dirichlet_nps(pro, pas, det, prior=opts.prior, n_resamples=opts.n_resamples, random_state=opts.rng)
    return draw


# -- methods: independent samples --------------------------------------------------------------------------------
def _wald(a: CountArrays, b: CountArrays, confidence: float, opts: _Options) -> _Test:
    """Wald: difference +- z sqrt(se_a^2 + se_b^2) (linearisation SEs when weighted)."""
    diff = a.nps - b.nps
    se = np.sqrt(a.wald_se ** 2 + b.wald_se ** 2)
    return _Test(*_z_test(diff, se, confidence))


def _adjusted_wald(a: CountArrays, b: CountArrays, confidence: float, opts: _Options) -> _Test:
    """Adjusted Wald (R's adjusted.wald): Wald on counts + 0.75 / 1.5 / 0.75 pseudo-respondents each."""
    return _wald(a.adjusted(), b.adjusted(), confidence, opts)


def _bootstrap(a: CountArrays, b: CountArrays, confidence: float, opts: _Options) -> _Test:
    """Percentile interval of independent multinomial resamples; two-sided bootstrap p-value."""
    diff = _independent_draws(a, b, _bootstrap_draw(opts))
    return _from_draws(diff, confidence, opts.n_resamples, bayes=False)


def _bayes(a: CountArrays, b: CountArrays, confidence: float, opts: _Options) -> _Test:
    """Dirichlet(counts + prior) posteriors: equal-tailed interval, P(a > b), two-sided posterior tail."""
    diff = _independent_draws(a, b, _dirichlet_draw(opts))
    return _from_draws(diff, confidence, opts.n_resamples, bayes=True)


#: Comparison methods of independent samples: name -> function of (CountArrays a, CountArrays b, confidence, options).
METHODS = {
    "wald": _wald,
    "adjusted-wald": _adjusted_wald,
    "bootstrap": _bootstrap,
    "bayes": _bayes,
}

# -- methods: paired answers -------------------------------------------------------------------------------------
#: Score of each category code: detractor -1, passive 0, promoter +1.
_SCORES = np.array([-1.0, 0.0, 1.0])
#: Change a - b of each cell of the 3 x 3 table (rows: answer a, columns: answer b), flattened.
_CHANGE = (_SCORES[:, None] - _SCORES[None, :]).ravel()
#: Pseudo-pairs of the paired adjusted Wald: the unpaired pseudo-respondents (intervals.ADJUSTMENT, 0.75 / 1.5 /
#: 0.75) as shares in code order (detractor, passive, promoter), on both margins as if independent.
_PSEUDO_SHARES = np.array(ADJUSTMENT[::-1]) / sum(ADJUSTMENT)
_PSEUDO_PAIRS = sum(ADJUSTMENT) * np.outer(_PSEUDO_SHARES, _PSEUDO_SHARES).ravel()


def _paired_moments(table):
    n = table.sum()
    mean = float(table @ _CHANGE / n)
    var = max(float(table @ _CHANGE ** 2 / n) - mean ** 2, 0.0)
    return np.array([100.0 * mean]), np.array([100.0 * math.sqrt(var / n)])


def _paired_wald(table: np.ndarray, confidence: float, opts: _Options) -> _Test:
    """Wald on the per-respondent changes: 100 mean +- z 100 sd / sqrt(n)."""
    return _Test(*_z_test(*_paired_moments(table), confidence))


def _paired_adjusted_wald(table: np.ndarray, confidence: float, opts: _Options) -> _Test:
    """Wald on the table + 3 pseudo-pairs (0.75 / 1.5 / 0.75 on each margin, independent, mean change 0)."""
    return _Test(*_z_test(*_paired_moments(table + _PSEUDO_PAIRS), confidence))


def _canonical_table(table: np.ndarray):
    """The table or its transpose (whichever is lexicographically smaller), sign, and whether symmetric."""
    flipped = table.reshape(3, 3).T.ravel()
    differs = np.flatnonzero(table != flipped)
    if differs.size == 0:
        return table, 1.0, True
    if table[differs[0]] > flipped[differs[0]]:
        return flipped, -1.0, False
    return table, 1.0, False


def _paired_bootstrap(table: np.ndarray, confidence: float, opts: _Options) -> _Test:
    """Resample respondents' (a, b) pairs: one multinomial draw over the nine cells per resample."""
    cells, sign, tie = _canonical_table(table)
    n = int(round(cells.sum()))
    draws = opts.rng.multinomial(n, cells / cells.sum(), size=opts.n_resamples)
    diff = sign * 100.0 * (draws @ _CHANGE)[:, None] / n
    return _from_draws(_symmetrise(diff, [tie]), confidence, opts.n_resamples, bayes=False)


def _paired_bayes(table: np.ndarray, confidence: float, opts: _Options) -> _Test:
    """Dirichlet posterior over the nine cells, prior outer(prior, prior) / sum(prior)."""
    cells, sign, tie = _canonical_table(table)
    prior = np.asarray(opts.prior, dtype=float)[::-1]  # (promoters, passives, detractors) -> code order
    alpha = cells + (np.outer(prior, prior) / prior.sum()).ravel()
    g = opts.rng.standard_gamma(alpha, size=(opts.n_resamples, 9))
    diff = sign * 100.0 * ((g @ _CHANGE) / g.sum(axis=1))[:, None]
    return _from_draws(_symmetrise(diff, [tie]), confidence, opts.n_resamples, bayes=True)


#: Paired comparison methods: name -> function of (3 x 3 table flattened, confidence, options).
PAIRED_METHODS = {
    "wald": _paired_wald,
    "adjusted-wald": _paired_adjusted_wald,
    "bootstrap": _paired_bootstrap,
    "bayes": _paired_bayes,
}


# -- validation --------------------------------------------------------------------------------------------------


def _options(n_resamples, random_state, prior) -> _Options:
    return _Options(check_positive_int(n_resamples, name="n_resamples"), rng_from(random_state),
                    check_prior(prior))


def _sample(data, name: str, scale, weights=None) -> NPSCounts:
    """The counts of one sample of :func:`compare` (its errors say which sample)."""
    if isinstance(data, NPSCounts):
        if weights is not None:
            raise ValueError(f"weights_{name} apply to raw answers; {name} is already counted (NPSCounts)")
        return data
    try:
        return counts(data, weights=weights, scale=scale)
    except DataError as exc:
        raise exc.reworded(f"{name}: {exc}") from None
    except (TypeError, ValueError) as exc:
        raise type(exc)(f"{name}: {exc}") from None


def _require_answers(c: NPSCounts, name: str) -> None:
    if not c.n > 0:
        raise ValueError(f"{name} has no answers (n = 0"
                         + (f"; {c.n_missing} missing" if c.n_missing else "") + "); cannot compare")


def _paired_table(a, b, scale):
    if isinstance(a, NPSCounts) or isinstance(b, NPSCounts):
        raise TypeError("paired=True needs each respondent's two raw answers (a and b aligned by position), "
                        "not NPSCounts: counts lose which answers belong together")
    codes = []
    for data, name in ((a, "a"), (b, "b")):
        column = str(data.name) if isinstance(data, pd.Series) and data.name is not None else name
        try:
            codes.append(score_codes(data, scale=scale, column=column))
        except (TypeError, ValueError) as exc:
            raise type(exc)(f"{name}: {exc}") from None
    ca, cb = codes
    if len(ca) != len(cb):
        raise ValueError(f"paired=True needs a and b of equal length (one pair of answers per respondent, aligned "
                         f"by position); got len(a) = {len(ca)} and len(b) = {len(cb)}")
    keep = (ca >= 0) & (cb >= 0)
    n_dropped = int((~keep).sum())
    table = np.bincount(ca[keep].astype(np.int64) * 3 + cb[keep], minlength=9).astype(float)
    if table.sum() <= 0:
        raise ValueError(f"no complete pairs to compare (n = 0; {n_dropped} pairs with a missing answer dropped)")
    return table, n_dropped


def _finish(test: _Test, *, difference, nps_a, nps_b, n_a, n_b, method, confidence, paired=False,
            n_dropped=0) -> Comparison:
    low = float(np.clip(test.low[0], -200.0, 200.0))
    high = float(np.clip(test.high[0], -200.0, 200.0))
    p = float(test.p_value[0])
    if method == "bayes":
        significant = bool(low > 0 or high < 0)
    else:
        significant = bool(p < 1.0 - confidence)
    prob = None if test.probability is None else float(test.probability[0])
    return Comparison(difference=float(difference), low=low, high=high, p_value=p, significant=significant,
                      statistic=float(test.statistic[0]), nps_a=float(nps_a), nps_b=float(nps_b), n_a=n_a, n_b=n_b,
                      method=method, confidence=confidence, probability_a_better=prob, paired=paired,
                      n_dropped=n_dropped)


# -- compare -----------------------------------------------------------------------------------------------------
def _compare_paired(a, b, method, confidence, opts, scale) -> Comparison:
    """The paired comparison: each respondent's two answers, as a 3 x 3 table."""
    table, n_dropped = _paired_table(a, b, scale)
    test = PAIRED_METHODS[method](table, confidence, opts)
    n = table.sum()
    cells = table.reshape(3, 3)
    nps_a = 100.0 * (cells[2].sum() - cells[0].sum()) / n
    nps_b = 100.0 * (cells[:, 2].sum() - cells[:, 0].sum()) / n
    return _finish(test, difference=100.0 * float(table @ _CHANGE) / n, nps_a=nps_a, nps_b=nps_b, n_a=int(n),
                   n_b=int(n), method=method, confidence=confidence, paired=True, n_dropped=n_dropped)


@shared_docs
def compare(a, b, *, confidence=0.95, method="adjusted-wald", paired=False, n_resamples=9999, random_state=None,
            prior=(1, 1, 1), scale=None, weights_a=None, weights_b=None) -> Comparison:
    """Compare the NPS of two samples: difference NPS(a) - NPS(b), interval and p-value.

    Parameters
    ----------
    a, b : array-like, Series or NPSCounts
        Raw answers (0-10 by default; missing answers are left out) or
        counts (weighted counts from ``counts(x, weights=w)`` are allowed).
    {{confidence}}
        Significance is judged at ``1 - confidence``.
    method : {"adjusted-wald", "wald", "bootstrap", "bayes"}
        See the module notes. ``"wald"`` and ``"adjusted-wald"`` equal the
        two-sample test of the R package NPS.
    {{paired}}
        ``a[i]`` and ``b[i]`` are one respondent's answers (aligned by
        position). Needs raw answers of equal length; pairs with a missing
        answer are dropped and counted.
    {{n_resamples}}
        Used by ``"bootstrap"`` and ``"bayes"``.
    {{random_state}}
    {{prior}}
        Used by ``"bayes"``.
    {{scale}}
    weights_a, weights_b : array-like, optional
        Survey weights of the raw answers of ``a`` and of ``b``, one per
        answer: the two samples are then compared on their weighted counts
        (linearisation variance for the Wald methods, Kish effective counts
        for the others, as :func:`nps_toolkit.confint`). Independent samples
        only.

    Returns
    -------
    Comparison
        ``difference`` is the raw NPS(a) - NPS(b); ``low``/``high`` its
        interval (clipped to [-200, 200]); ``p_value`` two-sided.

    Raises
    ------
    ValueError
        Unknown method, confidence outside (0, 1), a sample without answers,
        paired samples of different lengths.
    TypeError
        ``paired=True`` with NPSCounts.

    See Also
    --------
    compare_to_benchmark : Compare one NPS with a fixed benchmark.
    compare_groups : Compare many groups, adjusted for multiplicity.
    Comparison : The result returned.
    current_vs_previous : Compare the latest period with an earlier one.

    Examples
    --------
    >>> from nps_toolkit import NPSCounts
    >>> a = NPSCounts(promoters=20, passives=50, detractors=30)
    >>> b = NPSCounts(promoters=25, passives=30, detractors=45)
    >>> result = compare(a, b, method="wald")
    >>> round(result.difference, 1), round(result.low, 2), round(result.high, 2), round(result.p_value, 3)
    (10.0, -11.02, 31.02, 0.351)
    >>> print(result)
    a - b = 10.0 (95% CI -11.0 to 31.0), p = 0.35, not significant; wald

    Paired answers of the same four respondents, before (``b``) and after (``a``):

    >>> compare([10, 9, 8, 3], [10, 6, 7, 3], paired=True, method="wald").difference
    50.0

    Two weighted samples:

    >>> round(compare([10, 0], [10, 0], weights_a=[3, 1], weights_b=[1, 3], method="wald").difference, 1)
    100.0
    """
    confidence = check_confidence(confidence)
    check_choice(method, METHODS, name="method")
    opts = _options(n_resamples, random_state, prior)
    if not isinstance(paired, (bool, np.bool_)):
        raise TypeError(f"paired must be True or False, got {paired!r}")
    if paired:
        if weights_a is not None or weights_b is not None:
            raise TypeError("paired=True takes no weights: a paired comparison of weighted answers is not supported")
        return _compare_paired(a, b, method, confidence, opts, scale)
    ca, cb = _sample(a, "a", scale, weights_a), _sample(b, "b", scale, weights_b)
    _require_answers(ca, "a")
    _require_answers(cb, "b")
    test = METHODS[method](CountArrays.from_counts(ca), CountArrays.from_counts(cb), confidence, opts)
    return _finish(test, difference=ca.nps - cb.nps, nps_a=ca.nps, nps_b=cb.nps, n_a=ca.n, n_b=cb.n, method=method,
                   confidence=confidence)


# -- compare_to_benchmark -----------------------------------------------------------------------------------------
def _restricted_variance(c: CountArrays, delta: float) -> np.ndarray:
    """Per-respondent variance of the +1/0/-1 score at the maximum-likelihood shares under NPS = 100 delta.

    Maximising x_p log p + x_d log d + x_m log m subject to p - d = delta gives
    the quadratic 2 N p^2 - B p + x_p delta (1 + delta) = 0 with
    B = x_p (1 + 3 delta) + x_d (1 + delta) + 2 x_m delta; of its roots (kept
    within the allowed range) the one of higher likelihood is taken.
    """
    from scipy.special import xlogy

    xp, xm, xd = c.promoters, c.passives, c.detractors
    n = c.n
    b = xp * (1 + 3 * delta) + xd * (1 + delta) + 2 * xm * delta
    disc = np.sqrt(np.maximum(b * b - 8 * n * xp * delta * (1 + delta), 0.0))
    lo, hi = max(0.0, delta), (1.0 + delta) / 2.0
    roots = np.clip(np.stack([(b - disc) / (4 * n), (b + disc) / (4 * n)]), lo, hi)
    ll = xlogy(xp, roots) + xlogy(xd, roots - delta) + xlogy(xm, 1 + delta - 2 * roots)
    p = np.take_along_axis(roots, np.argmax(ll, axis=0)[None], axis=0)[0]
    return np.maximum(p + (p - delta) - delta ** 2, 0.0)


def _benchmark_wald(c, benchmark, opts):
    return _z_p(c.nps - benchmark, c.wald_se)


def _benchmark_adjusted_wald(c, benchmark, opts):
    return _benchmark_wald(c.adjusted(), benchmark, opts)


def _benchmark_score(c, benchmark, opts):
    se0 = 100.0 * np.sqrt(_restricted_variance(c, benchmark / 100.0) / c.n)
    return _z_p(c.nps - benchmark, se0)


def _benchmark_draws(draws, benchmark, opts, *, bayes):
    if bayes:
        below, above = np.mean(draws < benchmark, axis=0), np.mean(draws > benchmark, axis=0)
    else:
        below, above = np.mean(draws <= benchmark, axis=0), np.mean(draws >= benchmark, axis=0)
    p = np.clip(2.0 * np.minimum(below, above), 1.0 / (opts.n_resamples + 1), 1.0)
    return p, np.full_like(p, np.nan), (above if bayes else None)


def _benchmark_bootstrap(c, benchmark, opts):
    draws = bootstrap_nps(c.promoters, c.passives, c.detractors, n_resamples=opts.n_resamples,
                          random_state=opts.rng)
    return _benchmark_draws(draws, benchmark, opts, bayes=False)


def _benchmark_bayes(c, benchmark, opts):
    draws = dirichlet_nps(c.promoters, c.passives, c.detractors, prior=opts.prior,
                          n_resamples=opts.n_resamples, random_state=opts.rng)
    return _benchmark_draws(draws, benchmark, opts, bayes=True)


#: One-sample tests against a benchmark: name -> function of (CountArrays, benchmark, options) returning
#: (p-value, statistic[, P(NPS > benchmark)]). The interval comes from :mod:`nps_toolkit.intervals`.
BENCHMARK_METHODS = {
    "wald": _benchmark_wald,
    "adjusted-wald": _benchmark_adjusted_wald,
    "score": _benchmark_score,
    "bootstrap": _benchmark_bootstrap,
    "bayes": _benchmark_bayes,
}


@shared_docs
def compare_to_benchmark(data, benchmark, *, confidence=0.95, method="adjusted-wald", weights=None,
                         n_resamples=9999, random_state=None, prior=(1, 1, 1), scale=None, score="score",
                         design=None, df=None) -> Comparison:
    """Compare one NPS with a fixed benchmark: NPS - benchmark, interval and p-value.

    The interval of the difference is the one-sample interval of the NPS
    (:func:`nps_toolkit.confint` with the same ``method``) minus the
    benchmark. The test of ``NPS = benchmark`` is:

    - ``"wald"``: z = (NPS - benchmark) / SE (linearisation SE if weighted);
    - ``"adjusted-wald"``: z = (adjusted NPS - benchmark) / adjusted SE, the
      same adjustment as the interval;
    - ``"score"``: the score test whose inversion is the score (Tango)
      interval: SE at the maximum-likelihood shares under NPS = benchmark;
    - ``"bootstrap"``: ``2 * min(share of resampled NPS <= benchmark, share
      >= benchmark)``, bounded below by ``1 / (n_resamples + 1)``;
    - ``"bayes"``: the two-sided posterior tail ``2 * min(P(NPS <
      benchmark), P(NPS > benchmark))`` (a Bayesian analogue of a p-value),
      and ``probability_a_better`` = P(NPS > benchmark | data).

    ``significant`` is ``p_value < 1 - confidence`` (for ``"bayes"``: the
    interval excludes 0). The random methods draw their p-value separately
    from the interval (both seeded by ``random_state``), so right at the
    boundary the two can disagree by Monte Carlo error.

    Parameters
    ----------
    data : array-like, Series or NPSCounts
        Raw answers (0-10 by default) or counts.
    benchmark : float
        The benchmark NPS, a number in [-100, 100].
    {{confidence}}
    method : {"adjusted-wald", "wald", "score", "bootstrap", "bayes"}
        Interval and test method.
    {{weights}}
        Raw answers only.
    {{n_resamples}}
        Used by ``"bootstrap"`` and ``"bayes"``.
    {{random_state}}
    {{prior}}
        Used by ``"bayes"``.
    {{scale}}
    score : str
        With ``design``: the column of answers of ``data``.
    design : SurveyDesign, optional
        ``data`` is then a table of a complex sample: the difference is tested with its design-based
        standard error (the Wald test of the contrast ``NPS - benchmark``, whatever ``method``; ``n_a`` is
        the number of answers).
    {{df}}

    Returns
    -------
    Comparison
        ``nps_b`` is the benchmark and ``n_b`` is None.

    See Also
    --------
    compare : Compare the NPS of two samples.
    lookup_benchmark : A published industry average to compare with.
    confint : The one-sample interval behind the difference's.
    Comparison : The result returned.

    Examples
    --------
    >>> from nps_toolkit import NPSCounts
    >>> result = compare_to_benchmark(NPSCounts(promoters=600, passives=250, detractors=150), 40, method="wald")
    >>> round(result.difference, 1), round(result.low, 2), round(result.high, 2), result.significant
    (5.0, 0.41, 9.59, True)
    """
    bench = check_benchmark(benchmark)
    confidence = check_confidence(confidence)
    check_choice(method, BENCHMARK_METHODS, name="method")
    if check_design_arguments(design, weights=weights, df=df) is not None:
        est = estimates_from_psu_counts(psu_counts(data, score=score, design=design, scale=scale), design=design)
        if not est["n"].iloc[0] > 0:
            raise ValueError("data has no answers (n = 0); its NPS is undefined")
        nps = float(est["nps"].iloc[0])
        test = _design_test([nps - bench], est["se"].to_numpy(float), est["df"].to_numpy(float),
                            confidence=confidence, df=df)
        return _finish(test, difference=nps - bench, nps_a=nps, nps_b=bench, n_a=int(est["n"].iloc[0]), n_b=None,
                       method=method, confidence=confidence)
    opts = _options(n_resamples, random_state, prior)
    c = as_counts(data, weights=weights, scale=scale)
    _require_answers(c, "data")
    arrays = CountArrays.from_counts(c)
    # the interval is seeded by random_state itself, the test by opts.rng (the same Generator if one was given)
    interval_opts = method_options(method, n_resamples=n_resamples, random_state=random_state, prior=prior)
    _, low, high = interval_arrays(arrays, confidence=confidence, method=method, **interval_opts)
    p, stat, *prob = BENCHMARK_METHODS[method](arrays, bench, opts)
    prob = prob[0] if prob else None
    test = _Test(low - bench, high - bench, p, stat, prob)
    return _finish(test, difference=c.nps - bench, nps_a=c.nps, nps_b=bench, n_a=c.n, n_b=None, method=method,
                   confidence=confidence)


# -- multiple comparisons ----------------------------------------------------------------------------------------
@positional_options("correction")
def adjust_p_values(p_values, *, correction="holm") -> np.ndarray:
    """Adjust p-values for multiple comparisons; NaN entries are left out (and stay NaN).

    Parameters
    ----------
    p_values : array-like
        Raw p-values.
    correction : {"holm", "bonferroni", "fdr_bh", None}
        Holm's step-down (family-wise error), Bonferroni, Benjamini-Hochberg
        (false discovery rate), or none.

    Returns
    -------
    ndarray
        Adjusted p-values, never below the raw ones and at most 1.

    See Also
    --------
    compare_groups : Many-group comparison with adjusted p-values.
    theme_impact : Comment themes tested with adjusted p-values.
    compare : The p-value of one comparison.

    Examples
    --------
    >>> adjust_p_values([0.01, 0.04, 0.03], correction="holm").round(4).tolist()
    [0.03, 0.06, 0.06]
    >>> adjust_p_values([0.01, 0.04, 0.03], correction="fdr_bh").round(4).tolist()
    [0.03, 0.04, 0.04]
    """
    check_choice(correction, CORRECTIONS, name="correction")
    p = np.asarray(p_values, dtype=float).copy()
    ok = ~np.isnan(p)
    x = p[ok]
    m = x.size
    if correction is None or m == 0:
        return p
    if correction == "bonferroni":
        adj = np.minimum(1.0, m * x)
    else:
        order = np.argsort(x, kind="stable")
        ranked = x[order]
        if correction == "holm":
            stepped = np.maximum.accumulate((m - np.arange(m)) * ranked)
        else:  # Benjamini-Hochberg
            stepped = np.minimum.accumulate((m / np.arange(1, m + 1) * ranked)[::-1])[::-1]
        adj = np.empty(m)
        adj[order] = np.minimum(1.0, stepped)
    p[ok] = np.maximum(adj, x)
    return p


# -- compare_groups ----------------------------------------------------------------------------------------------
class _Groups(NamedTuple):
    """The counted groups of :func:`compare_groups`: the summary table and the groups' counts as arrays."""

    table: pd.DataFrame  # summarize_counts: group column, counts, shares, nps, ci_low, ci_high (n_effective)
    counts: CountArrays  # effective counts when weighted
    sq: list | None  # sums of squared weights per category (weighted only)


def _counted_groups(data, *, score, by, weights, scale, method, confidence, opts: _Options) -> _Groups:
    """Count the answers per group where the data lives; the groups' own NPS and intervals."""
    interval_opts = method_options(method, n_resamples=opts.n_resamples, random_state=opts.rng, prior=opts.prior)
    counted = count_groups(data, score=score, by=by, weights=weights, scale=scale, _roles={"by": "group column"})
    table = summarize_counts(counted, by=by, confidence=confidence, method=method, **interval_opts)
    pro, pas, det = (table[k].to_numpy(float) for k in ("promoters", "passives", "detractors"))
    sq = None
    if weights is not None:  # sums of squared weights per group and category, from the same counting
        sq = [counted[k + "_sq"].to_numpy(float) for k in ("promoters", "passives", "detractors")]
    return _Groups(table, CountArrays.from_arrays(pro, pas, det, sq), sq)


def _reference_row(table: pd.DataFrame, by, reference) -> int:
    """The row of ``table`` (a group column and ``n``) that holds the reference group; refused if absent or empty."""
    names = table[by]
    matches = np.flatnonzero(names.to_numpy(dtype=object) == reference)
    if matches.size == 0:
        listed = ", ".join(repr(v) for v in names.tolist())
        raise ValueError(f"reference {reference!r} is not a group of column {by!r}; groups: {listed}")
    ref = int(matches[0])
    if not table["n"].to_numpy(float)[ref] > 0:
        raise ValueError(f"reference group {reference!r} has no answers (n = 0); cannot compare with it")
    return ref


def _others(groups: _Groups, by, reference):
    """What each group is compared with: the reference group's counts, or the rest's; and which rows compare."""
    table, sq = groups.table, groups.sq
    pro, pas, det = (table[k].to_numpy(float) for k in ("promoters", "passives", "detractors"))
    g = len(table)
    if reference is None:
        def rest(x):
            return np.maximum(x.sum() - x, 0.0)
        b = CountArrays.from_arrays(rest(pro), rest(pas), rest(det), None if sq is None else [rest(s) for s in sq])
        return b, np.ones(g, dtype=bool)
    ref = _reference_row(table, by, reference)
    pick = np.full(g, ref)
    b = CountArrays.from_arrays(pro[pick], pas[pick], det[pick], None if sq is None else [s[pick] for s in sq])
    return b, np.arange(g) != ref


def _p_best(a: CountArrays, opts: _Options) -> np.ndarray:
    """Posterior probability that each group has the highest NPS (one shared set of Dirichlet draws)."""
    filled = a.n > 0
    p_best = np.full(len(filled), np.nan)
    if filled.any():
        post = dirichlet_nps(a.promoters[filled], a.passives[filled], a.detractors[filled], prior=opts.prior,
                             n_resamples=opts.n_resamples, random_state=opts.rng)
        p_best[filled] = np.bincount(np.argmax(post, axis=1), minlength=int(filled.sum())) / opts.n_resamples
    return p_best


def _group_table(groups: _Groups, b: CountArrays, valid, test: _Test, p_adjusted, p_best, *, by, weighted,
                 confidence) -> pd.DataFrame:
    """The result columns: the groups' own NPS and interval, then the comparison of each."""
    table = groups.table
    nps_a = table["nps"].to_numpy(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        nps_b = 100.0 * (b.promoters - b.detractors) / b.n  # ratio of weighted sums = ratio of effective counts

    out = table[[by]].copy()
    out["n"] = table["n"]
    out["nps"] = nps_a
    out["ci_low"] = table["ci_low"]
    out["ci_high"] = table["ci_high"]
    if weighted:
        out["weighted_total"] = table["weighted_total"]
        out["n_effective"] = table["n_effective"]
    return _comparison_columns(out, nps_a - nps_b, valid, test, p_adjusted, p_best, confidence=confidence)


def _comparison_columns(out: pd.DataFrame, difference, valid, test: _Test, p_adjusted, p_best, *,
                        confidence) -> pd.DataFrame:
    """Add the comparison of each group to ``out``: difference, its interval, p-values, significance, p_best."""
    def masked(x):
        return np.where(valid, np.clip(np.asarray(x, dtype=float), -200.0, 200.0), np.nan)

    out["difference"] = np.where(valid, difference, np.nan)
    out["diff_low"] = masked(test.low)
    out["diff_high"] = masked(test.high)
    out["p_value"] = np.where(valid, test.p_value, np.nan)
    out["p_value_adjusted"] = p_adjusted
    out["significant"] = np.where(valid, p_adjusted < 1.0 - confidence, False).astype(bool)
    out["p_best"] = p_best
    return out


# -- compare_groups of a complex sample ---------------------------------------------------------------------------
class _DesignGroups(NamedTuple):
    """The groups of :func:`compare_groups` with a design: their estimates, the PSU counts and the intervals."""

    estimates: pd.DataFrame  # estimates_from_psu_counts by the group column (attrs: covariance, counts)
    table: pd.DataFrame  # psu_counts keyed by the group column: what the rest of each group is counted from
    low: np.ndarray  # the groups' own NPS intervals (design_intervals)
    high: np.ndarray


def _design_groups(data, *, score, by, design: SurveyDesign, scale, method, confidence, df,
                   opts: _Options) -> _DesignGroups:
    """Count the PSUs where the data lives; the groups' design-based NPS and intervals (at the effective n)."""
    table = psu_counts(data, score=score, design=design, by=by, scale=scale)
    est = estimates_from_psu_counts(table, design=design, by=by)
    interval_opts = method_options(method, n_resamples=opts.n_resamples, random_state=opts.rng, prior=opts.prior)
    sums = est.attrs["counts"][["promoters", "passives", "detractors"]].to_numpy(float)
    low, high = design_intervals(sums, n=est["n"].to_numpy(float), se=est["se"].to_numpy(float),
                                 deff=est["deff"].to_numpy(float), df_design=est["df"].to_numpy(float),
                                 confidence=confidence, method=method, df=df, **interval_opts)
    return _DesignGroups(est, table, low, high)


class _Other(NamedTuple):
    """What each group is compared with (a design): its NPS and answers, and the SE of the group minus it."""

    nps: np.ndarray
    n: np.ndarray
    se: np.ndarray


def _design_reference(est: pd.DataFrame, ref: int) -> _Other:
    """Each group against the reference group: var(a - r) = V_aa + V_rr - 2 V_ar (groups may share PSUs)."""
    cov = est.attrs["covariance"].to_numpy(float)
    var = np.diag(cov) + cov[ref, ref] - 2.0 * cov[:, ref]
    g = len(est)
    return _Other(np.full(g, est["nps"].to_numpy(float)[ref]), np.full(g, float(est["n"].iloc[ref])),
                  np.sqrt(np.maximum(var, 0.0)))


def _member_column(table: pd.DataFrame) -> str:
    """A column name the PSU counts do not use: the key "in the group" (True) or "in the rest" (False)."""
    name = "in group"
    while name in table.columns:
        name = "_" + name
    return name


def _rekeyed(table: pd.DataFrame, design: SurveyDesign, by, member: np.ndarray, name: str) -> pd.DataFrame:
    """The PSU counts keyed by ``member`` (column ``name``) instead of the group column, summed over the keys.

    The group column stays a key when it is a column of the design too (``by`` the strata, say).
    """
    own = {design.strata, design.fpc, design.psu, *(design.rake or {})}
    keys = [c for c in table.columns if c not in PSU_COUNT_COLUMNS and (c != by or c in own)]
    values = [c for c in table.columns if c in PSU_COUNT_COLUMNS]
    keyed = table.assign(**{name: member})
    return keyed.groupby(keys + [name], sort=True, observed=True, dropna=False)[values].sum().reset_index()


def _group_against_rest(table: pd.DataFrame, design: SurveyDesign, by, member: np.ndarray):
    """(NPS, answers) of the rest of a group and the SE of the group minus the rest: two domains of one design."""
    name = _member_column(table)
    two = estimates_from_psu_counts(_rekeyed(table, design, by, member, name), design=design, by=name)
    flags = two[name].to_numpy(dtype=bool)
    if flags.all() or not flags.any():  # the group is everyone, or nobody
        return math.nan, 0.0, math.nan
    inside, outside = int(np.flatnonzero(flags)[0]), int(np.flatnonzero(~flags)[0])
    cov = two.attrs["covariance"].to_numpy(float)
    var = cov[inside, inside] + cov[outside, outside] - 2.0 * cov[inside, outside]
    return (float(two["nps"].iloc[outside]), float(two["n"].iloc[outside]),
            math.sqrt(max(var, 0.0)) if math.isfinite(var) else math.nan)


def _design_rest(groups: _DesignGroups, design: SurveyDesign, by) -> _Other:
    """Each group against everyone else: the rest re-counted from the PSU table (no second pass over the data)."""
    est, table = groups.estimates, groups.table
    row_group = pd.Index(est[by]).get_indexer(table[by])
    g = len(est)
    nps, n, se = np.full(g, np.nan), np.zeros(g), np.full(g, np.nan)
    for k in np.flatnonzero(est["n"].to_numpy(float) > 0):
        nps[k], n[k], se[k] = _group_against_rest(table, design, by, row_group == k)
    return _Other(nps, n, se)


def _design_test(difference, se, df_design, *, confidence, df) -> _Test:
    """Wald test of a design-based contrast: difference +- q se, q normal or Student's t (``df="design"``)."""
    from scipy import stats

    difference, se = np.asarray(difference, dtype=float), np.asarray(se, dtype=float)
    if df is None:
        low, high, p, stat = _z_test(difference, se, confidence)
        return _Test(low, high, p, stat)
    dof = np.asarray(df_design, dtype=float)
    q = stats.t.ppf(0.5 + confidence / 2.0, dof)
    with np.errstate(invalid="ignore", divide="ignore"):
        stat = difference / se
    p = np.where((difference == 0) & (se == 0), 1.0, 2.0 * stats.t.sf(np.abs(stat), dof))
    return _Test(difference - q * se, difference + q * se, p, stat)


def _design_p_best(est: pd.DataFrame, opts: _Options) -> np.ndarray:
    """P(each group has the highest NPS) from ``n_resamples`` draws of the normal N(nps, V) of the groups."""
    nps = est["nps"].to_numpy(float)
    filled = (est["n"].to_numpy(float) > 0) & np.isfinite(nps)
    p_best = np.full(len(nps), np.nan)
    if filled.any():
        cov = est.attrs["covariance"].to_numpy(float)[np.ix_(filled, filled)]
        draws = opts.rng.multivariate_normal(nps[filled], cov, size=opts.n_resamples, method="eigh",
                                             check_valid="ignore")
        p_best[filled] = np.bincount(np.argmax(draws, axis=1), minlength=int(filled.sum())) / opts.n_resamples
    return p_best


def _design_table(groups: _DesignGroups, other: _Other, valid, test: _Test, p_adjusted, p_best, *, by,
                  confidence) -> pd.DataFrame:
    """The result columns with a design: the groups' own NPS, interval and design columns, then the comparison."""
    est = groups.estimates
    nps_a = est["nps"].to_numpy(float)
    out = est[[by]].copy()
    out["n"] = est["n"]
    out["nps"] = nps_a
    out["ci_low"] = groups.low
    out["ci_high"] = groups.high
    for name in ("weighted_total", "se", "deff", "n_effective", "df"):
        out[name] = est[name]
    out.attrs = {"covariance": est.attrs["covariance"]}
    return _comparison_columns(out, nps_a - other.nps, valid, test, p_adjusted, p_best, confidence=confidence)


def _compare_design(data, *, score, by, reference, correction, confidence, method, design, df, scale,
                    opts: _Options) -> pd.DataFrame:
    """:func:`compare_groups` of a complex sample (``design=``): design-based Wald tests of the contrasts."""
    groups = _design_groups(data, score=score, by=by, design=design, scale=scale, method=method,
                            confidence=confidence, df=df, opts=opts)
    est = groups.estimates
    if reference is None:
        other, compared = _design_rest(groups, design, by), np.ones(len(est), dtype=bool)
    else:
        ref = _reference_row(est, by, reference)
        other, compared = _design_reference(est, ref), np.arange(len(est)) != ref
    n_a = est["n"].to_numpy(float)
    test = _design_test(est["nps"].to_numpy(float) - other.nps, other.se, est["df"].to_numpy(float),
                        confidence=confidence, df=df)
    valid = compared & (n_a > 0) & (other.n > 0) & np.isfinite(other.se)
    p_adjusted = adjust_p_values(np.where(valid, test.p_value, np.nan), correction=correction)
    p_best = _design_p_best(est, opts)
    return _design_table(groups, other, valid, test, p_adjusted, p_best, by=by, confidence=confidence)


@renamed_arguments(group="by", n_draws="n_resamples")
@shared_docs
def compare_groups(data: pd.DataFrame, *, score="score", by, reference=None, correction="holm", confidence=0.95,
                   method="adjusted-wald", weights=None, n_resamples=20000, random_state=None, prior=(1, 1, 1),
                   scale=None, design=None, df=None) -> pd.DataFrame:
    """Compare every group's NPS with a reference group (or with everyone else), adjusted for multiplicity.

    Parameters
    ----------
    {{data}}
    {{score}}
    by : str
        Grouping column (``group=``, its old name, still works for one
        release, with a ``DeprecationWarning``). Every group appears
        (categories without answers and a missing group value too, as in
        :func:`nps_toolkit.summarize`).
    {{reference}}
        The difference is the group minus the reference, or the group minus
        the rest of the respondents.
    correction : {"holm", "bonferroni", "fdr_bh", None}
        Multiple-comparison adjustment of the p-values (see
        :func:`adjust_p_values`), over the groups that were compared.
    {{confidence}}
        ``significant`` means adjusted p < ``1 - confidence``; the
        difference intervals are not adjusted.
    method : {"adjusted-wald", "wald", "bootstrap", "bayes"}
        Comparison method (as in :func:`compare`) and interval method of the
        groups' own NPS (as in :func:`nps_toolkit.confint`).
    {{weights}}
        See :func:`compare` on weighted data. Not with ``design`` (give
        the weights in the design).
    {{n_resamples}}
        20000 by default: the posterior draws of ``p_best`` and the
        resamples or draws of ``"bootstrap"`` and ``"bayes"`` (``n_draws=``,
        its old name, still works for one release). With ``design``: the
        draws of ``p_best`` (and of a random interval method).
    {{random_state}}
        With ``design`` it seeds the normal draws of ``p_best``.
    {{prior}}
        Used by ``p_best`` and ``"bayes"`` (without ``design``).
    {{scale}}
    {{design}}
        See "Complex samples" below. ``data`` may be pandas or data an
        engine counts (only the per-PSU counts leave it).
    {{df}}
        The same quantile serves the difference interval and its p-value.

    Returns
    -------
    DataFrame
        One row per group: the group column, ``n``, ``nps``, ``ci_low``,
        ``ci_high`` (``weighted_total`` and ``n_effective`` too when weighted; ``n`` counts answers), ``difference``,
        ``diff_low``, ``diff_high``, ``p_value``, ``p_value_adjusted``,
        ``significant`` and ``p_best``, the posterior probability that the
        group has the highest NPS (Dirichlet posteriors, one shared set of
        draws; sums to 1 over the groups with answers). The reference row
        and groups without answers have NaN differences and p-values
        (``significant`` False); groups without answers also NaN ``p_best``.
        With ``design``: ``weighted_total``, ``se``, ``deff``,
        ``n_effective`` and ``df`` after ``ci_high`` (as
        :func:`nps_toolkit.summarize` gives them with a design).
        ``attrs`` hold ``confidence``, ``method``, ``correction``,
        ``reference``, ``score``, ``group`` (the ``by`` column, under its old
        name) and ``weights`` (and ``design``, ``df`` and ``covariance``,
        that of the groups' NPS, with a design).

    See Also
    --------
    compare : Compare the NPS of two samples.
    adjust_p_values : The multiple-comparison adjustments.
    summarize : NPS and interval per group, without tests.
    plot_comparison : Draw the differences as a forest plot.

    Notes
    -----
    Complex samples (``design=``): the groups are domains of the design
    (:func:`nps_toolkit.design_estimates`): ``nps`` and ``se`` are the
    design-based estimates, ``ci_low``/``ci_high`` the ``method``'s interval
    at the effective sample size (``nps_toolkit.intervals.design_intervals``).
    Whatever the ``method``, the difference interval is then the Wald
    interval of the design-based contrast (R's ``svycontrast``):
    ``difference +- q se`` with ``se = sqrt(c' V c)``, ``V`` the covariance
    of the two domains (groups that share PSUs are correlated), ``q`` the
    normal quantile or, with ``df="design"``, Student's t on the design's
    degrees of freedom; the p-value is two-sided from the same distribution,
    then adjusted by ``correction``. Against everyone else
    (``reference=None``) the rest of each group is a domain of its own,
    re-counted from the same PSU table. ``p_best`` comes from
    ``n_resamples`` draws of the multivariate normal ``N(nps, V)`` of the
    groups (seeded by ``random_state``), not from Dirichlet posteriors.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"score": [10, 9, 9, 8, 10, 10, 3, 5, 6, 8, 9, 0, 8, 9, 7, 2, 10, 6],
    ...                    "brand": ["A"] * 6 + ["B"] * 6 + ["C"] * 6})
    >>> table = compare_groups(df, by="brand", reference="A", random_state=1)
    >>> table[["brand", "n", "nps", "difference", "p_value", "p_value_adjusted", "significant"]].round(3)
      brand  n     nps  difference  p_value  p_value_adjusted  significant
    0     A  6  83.333         NaN      NaN               NaN        False
    1     B  6 -50.000    -133.333    0.008             0.017         True
    2     C  6   0.000     -83.333    0.100             0.100        False
    >>> table["p_best"].round(2).tolist()
    [0.94, 0.01, 0.05]

    The same brands sampled in four stores of two regions; brands B and C
    against A, with design-based standard errors:

    >>> from nps_toolkit import SurveyDesign
    >>> stores = df.assign(store=[1, 1, 2, 3, 3, 4] * 3, region=list("NNNSSS") * 3)
    >>> table = compare_groups(stores, by="brand", reference="A", method="wald", random_state=1,
    ...                        design=SurveyDesign(strata="region", psu="store"))
    >>> table[["brand", "nps", "se", "df", "difference", "diff_low", "diff_high"]].round(1)
      brand   nps    se  df  difference  diff_low  diff_high
    0     A  83.3  14.2   2         NaN       NaN        NaN
    1     B -50.0  42.5   2      -133.3    -200.0      -22.3
    2     C   0.0  23.6   2       -83.3    -149.1      -17.5
    """
    check_design_arguments(design, weights=weights, df=df)
    check_data_columns(data, score=score, by=by, weights=weights, role_of={"by": "group column"})
    confidence = check_confidence(confidence)
    check_choice(method, METHODS, name="method")
    check_choice(correction, CORRECTIONS, name="correction")
    opts = _options(n_resamples, random_state, prior)
    if design is not None:
        out = _compare_design(data, score=score, by=by, reference=reference, correction=correction,
                              confidence=confidence, method=method, design=design, df=df, scale=scale, opts=opts)
        out.attrs.update({"confidence": confidence, "method": method, "correction": correction,
                          "reference": reference, "score": score, "group": by, "weights": None, "design": design,
                          "df": df})
        return out

    groups = _counted_groups(data, score=score, by=by, weights=weights, scale=scale, method=method,
                             confidence=confidence, opts=opts)
    a = groups.counts
    b, compared = _others(groups, by, reference)
    test = METHODS[method](a, b, confidence, opts)
    valid = compared & (a.n > 0) & (b.n > 0)
    p_adjusted = adjust_p_values(np.where(valid, test.p_value, np.nan), correction=correction)
    p_best = _p_best(a, opts)

    out = _group_table(groups, b, valid, test, p_adjusted, p_best, by=by, weighted=weights is not None,
                       confidence=confidence)
    # "group": the attrs key of the release before by= (kept while group= is deprecated)
    out.attrs.update({"confidence": confidence, "method": method, "correction": correction, "reference": reference,
                      "score": score, "group": by, "weights": weights})
    return out
