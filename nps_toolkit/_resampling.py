"""Vectorised draws of NPS from counts: the multinomial bootstrap and the
Dirichlet posterior. Shared by the interval methods and the comparisons.

Both take arrays of counts, one entry per group (the fields of a
:class:`~nps_toolkit.intervals.CountArrays`: many groups at once), and never
loop over respondents: a resample of n answers is one multinomial draw of
three counts. Both call the number of draws ``n_resamples``.
"""

from __future__ import annotations

import numpy as np

from ._validation import check_positive_int, check_prior


def rng_from(random_state) -> np.random.Generator:
    """A numpy Generator from None, a seed or a Generator."""
    if isinstance(random_state, np.random.Generator):
        return random_state
    return np.random.default_rng(random_state)


def bootstrap_nps(promoters, passives, detractors, *, n_resamples=9999, random_state=None) -> np.ndarray:
    """NPS of ``n_resamples`` multinomial resamples of each group's counts.

    Counts may be arrays (one entry per group); non-integer (effective)
    counts are resampled with n rounded to the nearest whole number.
    Returns an array of shape ``(n_resamples, groups)``.

    Examples
    --------
    >>> draws = bootstrap_nps([20], [50], [30], n_resamples=2000, random_state=1)
    >>> draws.shape
    (2000, 1)
    >>> bool(abs(draws.mean() + 10) < 1)
    True
    """
    n_resamples = check_positive_int(n_resamples, name="n_resamples")
    pro, pas, det = (np.atleast_1d(np.asarray(v, dtype=float)) for v in (promoters, passives, detractors))
    n = pro + pas + det
    size = np.rint(n).astype(np.int64)
    with np.errstate(invalid="ignore", divide="ignore"):
        pvals = np.stack([pro, pas, det], axis=-1) / np.where(n > 0, n, 1.0)[:, None]
    pvals[n <= 0] = [0.0, 1.0, 0.0]
    draws = rng_from(random_state).multinomial(size, pvals, size=(n_resamples, len(n)))
    with np.errstate(invalid="ignore", divide="ignore"):
        return 100.0 * (draws[..., 0] - draws[..., 2]) / np.where(size > 0, size, np.nan)


def dirichlet_nps(promoters, passives, detractors, *, prior=(1.0, 1.0, 1.0), n_resamples=20000,
                  random_state=None) -> np.ndarray:
    """Posterior draws of NPS from the Dirichlet(counts + prior) of the three shares.

    ``prior`` is (promoters, passives, detractors); the default is uniform.
    Returns an array of shape ``(n_resamples, groups)`` (``n_resamples`` posterior draws).

    Examples
    --------
    >>> draws = dirichlet_nps([20], [50], [30], n_resamples=4000, random_state=1)
    >>> draws.shape
    (4000, 1)
    """
    n_resamples = check_positive_int(n_resamples, name="n_resamples")
    prior = np.asarray(check_prior(prior))
    alpha = np.stack([np.atleast_1d(np.asarray(v, dtype=float)) for v in (promoters, passives, detractors)],
                     axis=-1) + prior
    g = rng_from(random_state).standard_gamma(alpha, size=(n_resamples,) + alpha.shape)
    return 100.0 * (g[..., 0] - g[..., 2]) / g.sum(axis=-1)
