"""Design-based summarize against the weighted summarize of the same rows (issue 17's goal: at most 2x).

Generates a stratified, clustered, weighted sample (5 million rows by default: 50 strata, 2,000 stores as
PSUs, 8 brands, 1% missing answers, an fpc column) once, as a pandas frame and as a Parquet file, then
times, alternating the two in the same process (``--repeats`` runs after one warm-up each; the best run
counts):

* ``nt.summarize(frame, by="brand", weights="weight")``: the weighted (linearised, independent rows) summary;
* ``nt.summarize(frame, by="brand", design=SurveyDesign(weights, strata, psu, fpc))``: the design-based one
  (per-PSU sums counted in one pass, then the variance on the 2,000 x 8 table of sums);
* the same two on the Parquet file (counted by DuckDB), with ``--duckdb``;
* with ``--rake``, a design raked to two margins as well.

It prints the times and the ratio design / weighted, which should be at most 2. Ratios are of times
measured in the same run; no time is asserted by the tests.

Run:  .venv/bin/python benchmarks/design.py [--rows 5000000] [--psus 2000] [--repeats 3] [--duckdb] [--rake]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import nps_toolkit as nt  # noqa: E402

GOAL = 2.0


def sample(rows: int, psus: int, strata: int = 50, seed: int = 17) -> pd.DataFrame:
    """A clustered sample: PSUs nested in strata, a store effect on the scores, weights, 1% missing."""
    rng = np.random.default_rng(seed)
    store = rng.integers(0, psus, rows)
    region = store % strata
    effect = rng.normal(0.0, 1.2, psus)[store]
    score = np.clip(np.rint(rng.normal(7.4, 2.2, rows) + effect), 0, 10)
    score[rng.random(rows) < 0.01] = np.nan
    per_stratum = np.bincount(region[np.unique(store, return_index=True)[1]], minlength=strata)
    return pd.DataFrame({
        "score": score,
        "brand": pd.Categorical(rng.integers(0, 8, rows)).rename_categories([f"brand {i}" for i in range(8)]),
        "region": region,
        "store": store,
        "stores_total": (per_stratum * 5)[region],
        "age": rng.choice(np.array(["18-34", "35-54", "55+"]), rows),
        "weight": rng.uniform(0.5, 3.0, rows),
    })


def best(func, repeats: int) -> float:
    func()  # warm-up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def compare(label: str, data, design, repeats: int) -> float:
    weighted = best(lambda: nt.summarize(data, by="brand", weights="weight"), repeats)
    based = best(lambda: nt.summarize(data, by="brand", design=design), repeats)
    ratio = based / weighted
    print(f"{label:34s} weighted {weighted:6.2f} s   design-based {based:6.2f} s   ratio {ratio:4.2f}  "
          f"{'OK' if ratio <= GOAL else 'ABOVE THE GOAL'} (goal <= {GOAL:g})")
    return ratio


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5_000_000)
    parser.add_argument("--psus", type=int, default=2_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--duckdb", action="store_true", help="also time the Parquet file counted by DuckDB")
    parser.add_argument("--rake", action="store_true", help="also time a design raked to the age margin")
    args = parser.parse_args(argv)

    frame = sample(args.rows, args.psus)
    design = nt.SurveyDesign(weights="weight", strata="region", psu="store", fpc="stores_total")
    print(f"{args.rows:,} rows, {frame['store'].nunique():,} PSUs in {frame['region'].nunique()} strata, "
          f"8 brands; best of {args.repeats} runs each\n")
    ratios = [compare("pandas, strata + PSUs + fpc", frame, design, args.repeats)]
    if args.rake:
        totals = frame.groupby("age")["weight"].sum() * 1.1
        raked = nt.SurveyDesign(weights="weight", strata="region", psu="store", rake={"age": totals.to_dict()})
        ratios.append(compare("pandas, raked to age", frame, raked, args.repeats))
    if args.duckdb:
        with tempfile.TemporaryDirectory() as folder:
            path = str(Path(folder) / "answers.parquet")
            frame.to_parquet(path)
            ratios.append(compare("Parquet by DuckDB", path, design, args.repeats))
    worst = max(ratios)
    print(f"\nWorst ratio {worst:.2f}: {'goal met' if worst <= GOAL else 'goal NOT met'} (design-based summarize "
          f"at most {GOAL:g}x the weighted one)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
