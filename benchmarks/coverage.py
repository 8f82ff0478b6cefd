"""Exact coverage of the NPS interval methods, by enumerating every multinomial outcome.

For each sample size n, every outcome (promoters, passives, detractors) with
sum n is listed once and its interval computed once, for all outcomes in one
vectorised call per method. The coverage at a true point (p, d) is then the
sum of the multinomial probabilities of the outcomes whose interval contains
the true NPS 100 (p - d); no simulation is involved. The random bootstrap
methods use a fixed seed (one resample set per outcome), so their figures
carry a little Monte Carlo noise; ``"bayes"`` is computed exactly.

Grid (as in tests/data/reference/exact_coverage.csv): n in {10, 20, 30, 50,
100, 200}; true promoter and detractor shares each in {0.05, 0.15, ..., 0.85}
with p + d <= 0.95 (45 points); a bound within 1e-9 of the truth counts as
covering; intervals clipped to [-100, 100].

Run:  .venv/bin/python benchmarks/coverage.py [--markdown FILE] [--resamples 2000] [--jobs 2]
"""

from __future__ import annotations

import argparse
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.special import gammaln

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from nps_toolkit.intervals import CountArrays, interval_arrays  # noqa: E402

SIZES = (10, 20, 30, 50, 100, 200)
METHODS = ("wald", "adjusted-wald", "score", "bayes", "bootstrap", "bca")
REFERENCE = ROOT / "tests" / "data" / "reference" / "exact_coverage.csv"
CONFIDENCE = 0.95
DEFAULT = "adjusted-wald"
TOLERANCE = 1e-9


def true_points() -> np.ndarray:
    """The 45 (promoter share, detractor share) pairs of the grid."""
    grid = np.round(np.arange(0.05, 0.90, 0.10), 2)
    return np.array([(p, d) for p in grid for d in grid if p + d <= 0.95 + 1e-12])


def outcomes(n: int):
    """Every (promoters, passives, detractors) with sum n."""
    pro, pas = np.meshgrid(np.arange(n + 1), np.arange(n + 1), indexing="ij")
    keep = pro + pas <= n
    pro, pas = pro[keep], pas[keep]
    return pro, pas, n - pro - pas


def multinomial_pmf(n: int, pro, pas, det, points: np.ndarray) -> np.ndarray:
    """P(outcome | true shares): shape (points, outcomes)."""
    p, d = points[:, :1], points[:, 1:]
    m = 1.0 - p - d
    log_coef = gammaln(n + 1) - gammaln(pro + 1) - gammaln(pas + 1) - gammaln(det + 1)
    return np.exp(log_coef + pro * np.log(p) + pas * np.log(m) + det * np.log(d))


def coverage_at(n: int, resamples: int) -> list[dict]:
    """Coverage figures of every method at one n."""
    pro, pas, det = outcomes(n)
    arrays = CountArrays.from_arrays(pro, pas, det)
    points = true_points()
    truth = 100.0 * (points[:, 0] - points[:, 1])
    pmf = multinomial_pmf(n, pro, pas, det, points)
    rows = []
    for method in METHODS:
        start = time.perf_counter()
        _, low, high = interval_arrays(arrays, confidence=CONFIDENCE, method=method, n_resamples=resamples,
                                       random_state=np.random.default_rng([2026, n]))
        covered = (low[None, :] <= truth[:, None] + TOLERANCE) & (high[None, :] >= truth[:, None] - TOLERANCE)
        coverage = (pmf * covered).sum(axis=1)
        width = pmf @ (high - low)
        rows.append({"method": method, "n": n, "mean_coverage": coverage.mean(), "min_coverage": coverage.min(),
                     "mean_width": width.mean(), "seconds": time.perf_counter() - start})
    return rows


def markdown(table: pd.DataFrame) -> str:
    """The coverage table as markdown: one row per method and n."""
    lines = ["| method | n | mean coverage | min coverage | mean width |", "|---|---:|---:|---:|---:|"]
    for row in table.itertuples():
        lines.append(f"| {row.method} | {row.n} | {row.mean_coverage:.2%} | {row.min_coverage:.2%} | "
                     f"{row.mean_width:.2f} |")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--markdown", metavar="FILE", help="also write the markdown table to FILE")
    parser.add_argument("--resamples", type=int, default=2000, help="bootstrap resamples per outcome (2000)")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes (2)")
    args = parser.parse_args(argv)

    start = time.perf_counter()
    order = sorted(SIZES, reverse=True)  # largest first: the slowest finish early
    with ProcessPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        parts = list(pool.map(coverage_at, order, [args.resamples] * len(order)))
    table = pd.DataFrame([row for part in parts for row in part])
    table["method"] = pd.Categorical(table["method"], METHODS, ordered=True)
    table = table.sort_values(["method", "n"]).reset_index(drop=True)
    elapsed = time.perf_counter() - start

    print(f"Exact coverage of {CONFIDENCE:.0%} intervals: every multinomial outcome, 45 true points "
          f"(bootstrap/bca: {args.resamples} resamples per outcome, fixed seed)\n")
    shown = table.assign(mean_coverage=table.mean_coverage.map("{:.4f}".format),
                         min_coverage=table.min_coverage.map("{:.4f}".format),
                         mean_width=table.mean_width.map("{:.2f}".format),
                         seconds=table.seconds.map("{:.1f}".format))
    print(shown.to_string(index=False))

    reference = pd.read_csv(REFERENCE)
    merged = table.astype({"method": str}).merge(reference, on=["method", "n"], suffixes=("", "_ref"))
    print("\nAgreement with tests/data/reference/exact_coverage.csv (max abs difference):")
    agree = True
    for method, part in merged.groupby("method", sort=False):
        diffs = {col: np.abs(part[col] - part[col + "_ref"]).max()
                 for col in ("mean_coverage", "min_coverage", "mean_width")}
        # coverage to 1e-3; widths are reported to 2 decimals in the reference
        ok = diffs["mean_coverage"] <= 1e-3 and diffs["min_coverage"] <= 1e-3 and diffs["mean_width"] <= 0.01
        agree &= ok
        print(f"  {method:14s} mean coverage {diffs['mean_coverage']:.1e}  min coverage "
              f"{diffs['min_coverage']:.1e}  mean width {diffs['mean_width']:.1e}  {'OK' if ok else 'DIFFERENT'}")

    default = table[table.method == DEFAULT]
    met = bool(((default.mean_coverage - CONFIDENCE).abs() <= 0.005).all() and (default.min_coverage >= 0.93).all())
    print(f"\nTarget for the default method ({DEFAULT}): mean coverage 95 +- 0.5% and min >= 93% at every n >= 10: "
          f"{'MET' if met else 'NOT MET'}")
    for method in METHODS:
        part = table[table.method == method]
        ok = bool(((part.mean_coverage - CONFIDENCE).abs() <= 0.005).all() and (part.min_coverage >= 0.93).all())
        print(f"  {method:14s} {'meets' if ok else 'misses'} it "
              f"(mean {part.mean_coverage.min():.2%}..{part.mean_coverage.max():.2%}, "
              f"worst min {part.min_coverage.min():.2%})")

    text = markdown(table)
    print("\nMarkdown table:\n")
    print(text)
    if args.markdown:
        Path(args.markdown).write_text(text + "\n", encoding="utf-8")
        print(f"\nwritten to {args.markdown}")
    print(f"\n{elapsed:.0f} s in all")
    return 0 if agree else 1


if __name__ == "__main__":
    raise SystemExit(main())
