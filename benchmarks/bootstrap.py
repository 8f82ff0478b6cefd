"""The count bootstrap of nps_toolkit vs scipy.stats.bootstrap resampling rows.

A resample of n answers only matters through its three category counts, so
nps_toolkit draws one multinomial (promoters, passives, detractors) per
resample instead of n row indices. This script times both on the same data
(100,000 answers) with the same number of resamples, and checks that the two
percentile intervals agree within Monte Carlo error: the Monte Carlo standard
error of each bound is measured by repeating the (cheap) count bootstrap
with many seeds.

Run:  .venv/bin/python benchmarks/bootstrap.py [--n 100000] [--resamples 2000]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
from scipy import stats

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import nps_toolkit as nt  # noqa: E402

SHARES = {"promoters": 0.45, "passives": 0.30, "detractors": 0.25}  # true NPS 20
CONFIDENCE = 0.95


def simulated_answers(n: int, rng: np.random.Generator) -> np.ndarray:
    """0-10 answers with the shares above (promoters 9-10, passives 7-8, detractors 0-6)."""
    category = rng.choice(3, size=n, p=[SHARES["detractors"], SHARES["passives"], SHARES["promoters"]])
    low, high = np.array([0, 7, 9]), np.array([7, 9, 11])
    return rng.integers(low[category], high[category])


def count_bootstrap(answers, resamples: int, seed) -> nt.Interval:
    """Reduce the answers to counts, then the multinomial bootstrap (what nt.confint does)."""
    return nt.confint(answers, method="bootstrap", n_resamples=resamples, random_state=seed, confidence=CONFIDENCE)


def row_bootstrap(scores: np.ndarray, resamples: int, seed):
    """scipy.stats.bootstrap on the +1/0/-1 scores (x100), resampling rows."""
    return stats.bootstrap((scores,), np.mean, method="percentile", vectorized=True, n_resamples=resamples,
                           confidence_level=CONFIDENCE, batch=100, rng=np.random.default_rng(seed))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="answers (100,000)")
    parser.add_argument("--resamples", type=int, default=2000, help="bootstrap resamples (2000)")
    parser.add_argument("--repeats", type=int, default=200, help="count-bootstrap repeats for the MC error (200)")
    args = parser.parse_args(argv)

    rng = np.random.default_rng(20261123)
    answers = simulated_answers(args.n, rng)
    c = nt.counts(answers)
    scores = 100.0 * (np.where(answers >= 9, 1.0, 0.0) - np.where(answers <= 6, 1.0, 0.0))
    print(f"{args.n:,} answers: {c.promoters} promoters, {c.passives} passives, {c.detractors} detractors; "
          f"NPS {c.nps:.3f}; {args.resamples} resamples, {CONFIDENCE:.0%} percentile intervals\n")

    count_bootstrap(answers, args.resamples, 0)  # warm up imports and caches
    times = []
    for seed in range(5):
        start = time.perf_counter()
        ours = count_bootstrap(answers, args.resamples, 1000 + seed)
        times.append(time.perf_counter() - start)
    ours_time = float(np.median(times))

    start = time.perf_counter()
    theirs = row_bootstrap(scores, args.resamples, 1)
    scipy_time = time.perf_counter() - start
    speedup = scipy_time / ours_time

    print("timing (same run)")
    print(f"  nps_toolkit count bootstrap (counting included, median of 5): {ours_time * 1000:9.2f} ms")
    print(f"  scipy.stats.bootstrap resampling rows (batch=100):            {scipy_time * 1000:9.2f} ms")
    print(f"  speed ratio: {speedup:,.0f}x  (goal >= 100x: {'MET' if speedup >= 100 else 'NOT MET'})\n")

    # Monte Carlo error of one run's bounds, from many independent count-bootstrap runs
    draws = np.array([[ci.low, ci.high] for ci in
                      (count_bootstrap(answers, args.resamples, 10_000 + k) for k in range(args.repeats))])
    mc_se = draws.std(axis=0, ddof=1)
    scipy_bounds = np.array([theirs.confidence_interval.low, theirs.confidence_interval.high])
    our_bounds = np.array([ours.low, ours.high])
    diff = our_bounds - scipy_bounds
    # two independent runs: the difference has standard deviation sqrt(2) * (MC SE of one run)
    z = diff / (np.sqrt(2.0) * mc_se)
    print("intervals")
    print(f"  nps_toolkit: [{our_bounds[0]:.4f}, {our_bounds[1]:.4f}]")
    print(f"  scipy:       [{scipy_bounds[0]:.4f}, {scipy_bounds[1]:.4f}]")
    print(f"  mean of {args.repeats} count-bootstrap runs: [{draws[:, 0].mean():.4f}, {draws[:, 1].mean():.4f}]")
    print(f"  Wald for scale:  [{nt.confint(c, method='wald').low:.4f}, {nt.confint(c, method='wald').high:.4f}]")
    print(f"  Monte Carlo SE of one run's bound (from {args.repeats} runs): low {mc_se[0]:.4f}, high {mc_se[1]:.4f}")
    print(f"  difference nps_toolkit - scipy: low {diff[0]:+.4f} ({z[0]:+.2f} SE of a difference), "
          f"high {diff[1]:+.4f} ({z[1]:+.2f} SE)")
    agree = bool(np.all(np.abs(z) < 4))
    print(f"  agree within Monte Carlo error (|difference| < 4 SE): {'YES' if agree else 'NO'}")
    return 0 if agree and speedup >= 100 else 1


if __name__ == "__main__":
    raise SystemExit(main())
