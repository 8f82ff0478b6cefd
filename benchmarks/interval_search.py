"""Search for an NPS interval with exact coverage 95 +- 0.5% on average, >= 94% everywhere, <= 6% wider.

Issue 17 ("the moonshot"). For each n, every multinomial outcome (promoters b,
passives m, detractors d) with b + m + d = n is enumerated once, its interval
computed once per method (vectorised), and the exact coverage at a true point
(p, q) is the sum of the multinomial probabilities of the outcomes whose
interval contains 100 (p - q). No simulation.

Rules applied to every method (the toolkit's): an interval never excludes its
own estimate (low = min(low, est), high = max(high, est)), bounds are clipped
to [-100, 100], a bound within 1e-9 of the truth counts as covering.

Grids of true shares
    fine   : p, q in {0.01, 0.02, ..., 0.98} with p + q <= 0.99 (4851 points);
             --quick uses step 0.02 (p, q in {0.02, ..., 0.96}, p + q <= 0.98, 1176 points)
    readme : p, q in {0.05, 0.15, ..., 0.85} with p + q <= 0.95 (45 points, as benchmarks/coverage.py)

Conditions checked per n (fine grid): (1) |mean coverage - 95%| <= 0.5%,
(2) min coverage >= 94%, (3) mean expected width / adjusted Wald's <= 1.06.

Methods (all implemented here, independent of the package):
    adjusted-wald   Wald after adding 0.75 / 1.5 / 0.75 pseudo-respondents (z = 1.96)
    adjusted-wald-t the same with the t(n - 1) quantile
    score           Tango's score interval (the package's "score")
    candidate       Tango's score interval with a continuity correction of CC = 0.2
                    (in counts of promoters minus detractors) and z inflated to
                    z (0.99 + 0.3 / n): see _candidate

Run:  .venv/bin/python benchmarks/interval_search.py [--quick] [--jobs 2] [--package-method NAME]
"""

from __future__ import annotations

import argparse
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
from scipy import stats
from scipy.special import gammaln

ROOT = Path(__file__).resolve().parents[1]

CONFIDENCE = 0.95
TOLERANCE = 1e-9
FULL_SIZES = tuple(range(10, 61)) + (70, 80, 100, 150, 200, 300)
QUICK_SIZES = tuple(range(10, 21)) + (30, 50, 100)
TARGET_MEAN, MEAN_TOL, MIN_FLOOR, WIDTH_MAX = 0.95, 0.005, 0.94, 1.06
_BISECTIONS = 60

# -- the candidate -------------------------------------------------------------------------------------------------
CANDIDATE_CC = 0.2   # continuity correction, in units of (promoters - detractors) counts
CANDIDATE_C0 = 0.99  # z multiplier C0 + A / n
CANDIDATE_A = 0.3


def _candidate(b, m, d, confidence):
    """Continuity-corrected Tango score interval with an n-dependent z: (low, high) in NPS points.

    The lower bound is the delta < estimate where
        (b - d - n delta - CC) / sqrt(n (2 x + delta (1 - delta))) = z (C0 + A / n),
    the upper bound the delta > estimate where
        (b - d - n delta + CC) / sqrt(n (2 x + delta (1 - delta))) = -z (C0 + A / n),
    x the constrained maximum-likelihood detractor share (Tango 1998), CC = 0.2, C0 = 0.99, A = 0.3,
    z the normal quantile. Works unchanged on non-integer (effective) counts; n = 0 gives NaN.
    Each bound is found by bisection on its side of the estimate; the caller applies the
    estimate-inside and [-100, 100] rules (the bounds found here already lie in [-100, 100]).
    """
    b, m, d = (np.atleast_1d(np.asarray(v, dtype=float)) for v in (b, m, d))
    n = b + m + d
    ok = n > 0
    n_safe = np.where(ok, n, 1.0)
    est = np.where(ok, (b - d) / n_safe, 0.0)
    z = stats.norm.ppf(0.5 + confidence / 2.0) * (CANDIDATE_C0 + CANDIDATE_A / n_safe)

    def statistic(delta, shift):
        w = -b - d + (2.0 * n_safe - b + d) * delta
        x = (np.sqrt(np.maximum(w * w + 8.0 * n_safe * d * delta * (1.0 - delta), 0.0)) - w) / (4.0 * n_safe)
        var = n_safe * np.maximum(2.0 * x + delta * (1.0 - delta), 0.0)
        return (b - d - n_safe * delta + shift) / np.sqrt(var)

    lo_a, lo_b = np.full_like(est, -1.0), est.copy()
    hi_a, hi_b = est.copy(), np.ones_like(est)
    with np.errstate(invalid="ignore", divide="ignore"):
        for _ in range(_BISECTIONS):
            mid = 0.5 * (lo_a + lo_b)
            inside = statistic(mid, -CANDIDATE_CC) <= z  # NaN (0/0 at an end) counts as outside
            lo_b, lo_a = np.where(inside, mid, lo_b), np.where(inside, lo_a, mid)
            mid = 0.5 * (hi_a + hi_b)
            inside = statistic(mid, CANDIDATE_CC) >= -z
            hi_a, hi_b = np.where(inside, mid, hi_a), np.where(inside, hi_b, mid)
    low, high = 50.0 * (lo_a + lo_b), 50.0 * (hi_a + hi_b)
    return np.where(ok, low, np.nan), np.where(ok, high, np.nan)


# -- reference methods ---------------------------------------------------------------------------------------------
def _wald_on(b, m, d, z):
    n = b + m + d
    p, q = b / n, d / n
    se = 100.0 * np.sqrt(np.maximum(p + q - (p - q) ** 2, 0.0) / n)
    return 100.0 * (p - q) - z * se, 100.0 * (p - q) + z * se


def adjusted_wald(b, m, d, confidence):
    return _wald_on(b + 0.75, m + 1.5, d + 0.75, stats.norm.ppf(0.5 + confidence / 2.0))


def adjusted_wald_t(b, m, d, confidence):
    n = b + m + d
    return _wald_on(b + 0.75, m + 1.5, d + 0.75, stats.t.ppf(0.5 + confidence / 2.0, np.maximum(n - 1.0, 1.0)))


def score(b, m, d, confidence):
    """Tango's score interval: the candidate with CC = 0 and A = 0."""
    global CANDIDATE_CC, CANDIDATE_C0, CANDIDATE_A
    saved = CANDIDATE_CC, CANDIDATE_C0, CANDIDATE_A
    CANDIDATE_CC, CANDIDATE_C0, CANDIDATE_A = 0.0, 1.0, 0.0
    try:
        return _candidate(b, m, d, confidence)
    finally:
        CANDIDATE_CC, CANDIDATE_C0, CANDIDATE_A = saved


METHODS = {"adjusted-wald": adjusted_wald, "adjusted-wald-t": adjusted_wald_t, "score": score,
           "candidate": _candidate}


# -- exact coverage ------------------------------------------------------------------------------------------------
def fine_grid(step: float) -> np.ndarray:
    k = int(round(1.0 / step))
    values = np.round(np.arange(1, k) * step, 10)
    top = 1.0 - step + 1e-12 if step < 0.015 else 0.98 + 1e-12
    return np.array([(p, q) for p in values for q in values if p + q <= top])


def readme_grid() -> np.ndarray:
    g = np.round(np.arange(0.05, 0.90, 0.10), 2)
    return np.array([(p, q) for p in g for q in g if p + q <= 0.95 + 1e-12])


def outcomes(n: int):
    b, m = np.meshgrid(np.arange(n + 1.0), np.arange(n + 1.0), indexing="ij")
    keep = b + m <= n
    return b[keep], m[keep], n - b[keep] - m[keep]


def finalize(b, m, d, low, high):
    """The toolkit's rules: the interval holds its estimate; bounds clipped to [-100, 100]."""
    est = 100.0 * (b - d) / (b + m + d)
    return np.clip(np.minimum(low, est), -100, 100), np.clip(np.maximum(high, est), -100, 100)


def coverage(n: int, intervals: dict, points: np.ndarray, cells: int = 25_000_000):
    """Per method: exact coverage and expected width at each point."""
    b, m, d = outcomes(n)
    log_coef = gammaln(n + 1.0) - gammaln(b + 1) - gammaln(m + 1) - gammaln(d + 1)
    counts = np.stack([b, m, d], 1)
    truth = 100.0 * (points[:, 0] - points[:, 1])
    cov = {k: np.empty(len(points)) for k in intervals}
    wid = {k: np.empty(len(points)) for k in intervals}
    step = max(1, cells // len(b))
    for s in range(0, len(points), step):
        pts = points[s:s + step]
        logs = np.log(np.stack([pts[:, 0], 1.0 - pts[:, 0] - pts[:, 1], pts[:, 1]], 1))
        pmf = np.exp(logs @ counts.T + log_coef[None, :])
        t = truth[s:s + step, None]
        for k, (low, high) in intervals.items():
            covered = (low[None, :] <= t + TOLERANCE) & (high[None, :] >= t - TOLERANCE)
            cov[k][s:s + step] = np.where(covered, pmf, 0.0).sum(1)
            wid[k][s:s + step] = pmf @ (high - low)
    return cov, wid


def run_n(args):
    n, step, package_method = args
    start = time.perf_counter()
    b, m, d = outcomes(n)
    intervals = {k: finalize(b, m, d, *f(b, m, d, CONFIDENCE)) for k, f in METHODS.items()}
    check = None
    if package_method:
        sys.path.insert(0, str(ROOT))
        from nps_toolkit.intervals import CountArrays, interval_arrays
        _, lo, hi = interval_arrays(CountArrays.from_arrays(b, m, d), confidence=CONFIDENCE, method=package_method)
        ref_lo, ref_hi = intervals["candidate"]
        check = float(max(np.abs(lo - ref_lo).max(), np.abs(hi - ref_hi).max()))
    fine, readme = fine_grid(step), readme_grid()
    cov, wid = coverage(n, intervals, fine)
    cov45, wid45 = coverage(n, intervals, readme)
    base, base45 = wid["adjusted-wald"].mean(), wid45["adjusted-wald"].mean()
    rows = []
    for k in METHODS:
        c = cov[k]
        rows.append(dict(method=k, n=n, mean=c.mean(), min=c.min(), argmin=tuple(fine[c.argmin()]),
                         width=wid[k].mean(), ratio=wid[k].mean() / base, mean45=cov45[k].mean(),
                         min45=cov45[k].min(), ratio45=wid45[k].mean() / base45,
                         seconds=time.perf_counter() - start))
    return rows, check


def meets(r) -> tuple[bool, bool, bool]:
    return (abs(r["mean"] - TARGET_MEAN) <= MEAN_TOL + 1e-12, r["min"] >= MIN_FLOOR - 1e-12,
            r["ratio"] <= WIDTH_MAX + 1e-12)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="n = 10..20, 30, 50, 100 on the 0.02 grid")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes (2)")
    parser.add_argument("--sizes", type=int, nargs="*", help="override the sample sizes")
    parser.add_argument("--package-method", metavar="NAME",
                        help="also check the package's method NAME against this script's candidate")
    args = parser.parse_args(argv)
    sizes = tuple(args.sizes) if args.sizes else (QUICK_SIZES if args.quick else FULL_SIZES)
    step = 0.02 if args.quick else 0.01
    start = time.perf_counter()
    order = sorted(sizes, reverse=True)
    tasks = [(n, step, args.package_method) for n in order]
    if args.jobs > 1:
        with ProcessPoolExecutor(max_workers=min(2, args.jobs)) as pool:
            parts = list(pool.map(run_n, tasks))
    else:
        parts = [run_n(t) for t in tasks]
    rows = sorted((r for part, _ in parts for r in part), key=lambda r: (list(METHODS).index(r["method"]), r["n"]))
    npts = len(fine_grid(step))
    print(f"Exact coverage of {CONFIDENCE:.0%} intervals. Fine grid: step {step} ({npts} points, "
          f"p, q >= {step}, p + q <= {1 - step if step < 0.015 else 0.98}); 45-point README grid in the last columns.")
    print("Conditions per n: (1) mean 95 +- 0.5%, (2) min >= 94%, (3) width / adjusted Wald <= 1.06\n")
    for method in METHODS:
        part = [r for r in rows if r["method"] == method]
        print(f"== {method}")
        print("    n   mean     min   at (p, q)     width  ratio | 45pt mean  min   ratio | 1 2 3")
        for r in part:
            flags = " ".join("y" if ok else "." for ok in meets(r))
            print(f"  {r['n']:3d} {r['mean']:7.2%} {r['min']:7.2%}  ({r['argmin'][0]:.2f}, {r['argmin'][1]:.2f}) "
                  f"{r['width']:7.2f} {r['ratio']:6.3f} | {r['mean45']:7.2%} {r['min45']:7.2%} {r['ratio45']:6.3f}"
                  f" | {flags}")
        ok = [all(meets(r)) for r in part]
        each = [all(meets(r)[i] for r in part) for i in range(3)]
        failing = [r["n"] for r, o in zip(part, ok) if not o]
        print(f"  -> all three at every n: {'YES' if all(ok) else 'NO'}; condition 1 / 2 / 3 at every n: "
              f"{' / '.join('yes' if e else 'no' for e in each)}; "
              f"mean {min(r['mean'] for r in part):.2%}..{max(r['mean'] for r in part):.2%}, "
              f"worst min {min(r['min'] for r in part):.2%}, ratio up to {max(r['ratio'] for r in part):.3f}"
              + (f"; fails at n = {failing}" if failing else "") + "\n")
    if args.package_method:
        worst = max(c for _, c in parts)
        print(f"package method {args.package_method!r} vs the script's candidate: max |bound difference| "
              f"{worst:.2e} ({'OK' if worst <= 1e-6 else 'DIFFERENT'})")
    print(f"{time.perf_counter() - start:.0f} s in all")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
