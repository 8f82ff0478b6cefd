"""Counting where the data lives: nps_toolkit on files, DuckDB, pandas, Polars and Spark vs hand-written counts.

Generates survey answers (0-10 scores with 1% missing, 50 segments, weights)
as Parquet (20 million rows by default) and as a pandas frame (10 million),
then times each task in fresh child processes that take turns with the tasks
it is compared with (``--rounds`` processes per task, each timing
``--repeats`` runs after one warm-up; the best run counts) and with the
child's peak resident memory (``VmHWM`` of the
child and of the processes it started, such as Spark's JVM; see :func:`peak_mb`):

* ``nt.summarize(path, by="segment")`` (DuckDB, streaming) against two
  hand-written DuckDB queries of the same file: counts per category with
  ``FILTER`` and the plain ``GROUP BY segment, score``; goal: at most 1.2 times
  the faster one and at most 1 GB of memory;
* ``nt.summarize(frame, by="segment")`` against plain pandas counts
  (``groupby([segment, score]).size()`` and ``groupby([segment, pd.cut(score)])``);
  goal: at most 1.2 times the faster one (the frame is built before timing);
* Polars (``pl.scan_parquet``) and Spark (``spark.read.parquet``, local
  session with every core) against their own hand-written aggregations;
* the growth of ``nt.summarize(path)`` from 1 million rows to the full size,
  which should be linear: a fixed cost per call (opening the file, the
  statistics) plus a constant cost per million rows.

Ratios are of times measured in the same run. Run:

    .venv/bin/python benchmarks/scale.py                      # 20M rows in Parquet, 10M in pandas
    .venv/bin/python benchmarks/scale.py --rows 2000000 --frame-rows 1000000 --sections duckdb,pandas   # quicker
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SEGMENTS = 50
CHUNK = 1_000_000
SEED = 20261123


# -- data ------------------------------------------------------------------------------------------------------------
def chunks(rows: int, seed: int = SEED):
    """Columns of ``rows`` answers, a million at a time (the same answers for every size: a prefix)."""
    rng = np.random.default_rng(seed)
    segments = np.array([f"segment_{i:02d}" for i in range(SEGMENTS)], dtype=object)
    start = np.datetime64("2024-01-01T00:00:00", "s")
    done = 0
    while done < rows:
        n = min(CHUNK, rows - done)
        score = rng.integers(0, 11, n).astype(float)
        score[rng.random(n) < 0.01] = np.nan
        yield {
            "score": score,
            "segment": segments[rng.integers(0, SEGMENTS, n)],
            "weight": np.round(rng.uniform(0.5, 2.0, n), 3),
            "date": start + rng.integers(0, 2 * 365 * 86400, n).astype("timedelta64[s]"),
        }
        done += n


def write_parquet(path: Path, rows: int) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    writer = None
    for part in chunks(rows):
        table = pa.table({"score": pa.array(part["score"], from_pandas=True), "segment": part["segment"],
                          "weight": part["weight"], "date": part["date"]})
        writer = writer or pq.ParquetWriter(path, table.schema)
        writer.write_table(table)
    writer.close()


def frame(rows: int):
    import pandas as pd

    parts = list(chunks(rows))
    return pd.DataFrame({c: np.concatenate([p[c] for p in parts]) for c in ("score", "segment", "weight")}).astype(
        {"segment": "str"})


# -- the timed work (run in a child process) -----------------------------------------------------------------------
def _duckdb_hand_filter(path):
    import duckdb

    return duckdb.connect().sql(
        f"SELECT segment, count(*) FILTER (WHERE score >= 9) AS promoters, "
        f"count(*) FILTER (WHERE score >= 7 AND score < 9) AS passives, "
        f"count(*) FILTER (WHERE score < 7) AS detractors, count(*) FILTER (WHERE score IS NULL) AS n_missing "
        f"FROM read_parquet('{path}') GROUP BY segment ORDER BY segment").df()


def _duckdb_hand_group(path):
    import duckdb

    return duckdb.connect().sql(f"SELECT segment, score, count(*) AS n FROM read_parquet('{path}') "
                                f"GROUP BY segment, score ORDER BY segment, score").df()


def _polars_hand(path):
    import polars as pl

    s = pl.col("score")
    query = pl.scan_parquet(path).group_by("segment").agg(
        (s >= 9).sum().alias("promoters"), ((s >= 7) & (s < 9)).sum().alias("passives"),
        (s < 7).sum().alias("detractors"), s.is_null().sum().alias("n_missing")).sort("segment")
    return query.collect(engine="streaming")


def _spark_session():
    import warnings

    from pyspark.sql import SparkSession

    warnings.simplefilter("ignore")
    session = (SparkSession.builder.master("local[*]").appName("nps_toolkit-benchmark")
               .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
               .config("spark.sql.shuffle.partitions", "4").config("spark.driver.memory", "2g").getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    return session


def _spark_hand(df):
    from pyspark.sql import functions as F

    s = F.col("score")
    return df.groupBy("segment").agg(
        F.sum(F.when(s >= 9, 1).otherwise(0)).alias("promoters"),
        F.sum(F.when((s >= 7) & (s < 9), 1).otherwise(0)).alias("passives"),
        F.sum(F.when(s < 7, 1).otherwise(0)).alias("detractors"),
        F.sum(F.when(s.isNull() | F.isnan(s), 1).otherwise(0)).alias("n_missing")).orderBy("segment").collect()


def child(task: str, path: str, rows: int, repeats: int) -> dict:
    """Run one task ``repeats`` times after a warm-up; its best and median seconds."""
    import nps_toolkit as nt

    setup = None
    if task == "imports":
        def work():
            return None
    elif task == "toolkit-duckdb":
        def work():
            return nt.summarize(path, by="segment")
    elif task == "hand-duckdb-filter":
        def work():
            return _duckdb_hand_filter(path)
    elif task == "hand-duckdb-group":
        def work():
            return _duckdb_hand_group(path)
    elif task in ("toolkit-pandas", "hand-pandas-group", "hand-pandas-cut"):
        import pandas as pd

        setup = frame(rows)
        df = setup
        if task == "toolkit-pandas":
            def work():
                return nt.summarize(df, by="segment")
        elif task == "hand-pandas-group":
            def work():
                return df.groupby(["segment", "score"], dropna=False).size()
        else:
            def work():
                category = pd.cut(df["score"], [-1, 6, 8, 10], labels=["detractors", "passives", "promoters"])
                return df.groupby(["segment", category], observed=False, dropna=False).size().unstack()
    elif task == "toolkit-polars":
        import polars as pl

        def work():
            return nt.summarize(pl.scan_parquet(path), by="segment")
    elif task == "hand-polars":
        def work():
            return _polars_hand(path)
    elif task in ("study-auto", "study-pandas"):  # what a template does with data_path, minus the notebook
        engine = "auto" if task == "study-auto" else "pandas"

        def work():
            import matplotlib

            matplotlib.use("Agg")
            import ast

            defaults = {k: ast.literal_eval(v.default) for k, v in nt.template_parameters("benchmark_study").items()}
            params, data = nt.prepare_study("benchmark_study", {
                **defaults, "data_path": path, "engine": engine, "brand_column": None, "our_brand": None,
                "segment_column": "segment", "weights_column": "weight", "comment_column": None,
                "benchmark": None, "benchmark_industry": "Retail"})
            study = nt.benchmark_study(data, params)
            nt.plot_distribution(study.data, weights="weight")
            return study
    elif task in ("toolkit-spark", "hand-spark"):
        spark = _spark_session()
        sdf = spark.read.parquet(path)
        if task == "toolkit-spark":
            def work():
                return nt.summarize(sdf, by="segment")
        else:
            def work():
                return _spark_hand(sdf)
    else:
        raise SystemExit(f"unknown task {task}")
    work()  # warm-up
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        work()
        times.append(time.perf_counter() - t0)
    return {"best": min(times), "median": float(np.median(times))}


def peak_mb() -> float:
    """Peak resident memory (MB) of this process plus that of the processes it started (e.g. Spark's JVM).

    Read from ``VmHWM`` in /proc, which starts afresh with each program: ``getrusage``'s ``ru_maxrss``
    (also through ``RUSAGE_CHILDREN`` or ``os.wait4``) keeps, across ``exec``, the memory of the process
    that forked the child, and would report the parent's size for a small child.
    """
    def hwm(pid) -> float:
        try:
            for text in Path(f"/proc/{pid}/status").read_text().splitlines():
                if text.startswith("VmHWM:"):
                    return float(text.split()[1]) / 1024.0
        except OSError:
            pass
        return 0.0

    def descendants(pid):
        found = []
        for task in Path(f"/proc/{pid}/task").glob("*"):
            try:
                kids = (task / "children").read_text().split()
            except OSError:
                continue
            for kid in kids:
                found += [kid] + descendants(kid)
        return found

    if not Path("/proc/self/status").exists():  # not Linux: the process alone, from getrusage
        import resource

        scale = 1024.0 if sys.platform != "darwin" else 1024.0 * 1024.0
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / scale
    me = os.getpid()
    return hwm(me) + sum(hwm(pid) for pid in descendants(me))


def run_child(task: str, path, rows: int, repeats: int) -> dict:
    """Run a task in a fresh Python process; its times and peak resident memory (MB)."""
    cmd = [sys.executable, __file__, "--child", task, "--path", str(path), "--rows", str(rows), "--repeats",
           str(repeats)]
    done = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if done.returncode != 0:
        tail = "\n".join(done.stderr.strip().splitlines()[-15:])
        raise RuntimeError(f"{task} failed (exit {done.returncode}):\n{tail}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def run_tasks(tasks: list, path, rows: int, repeats: int, rounds: int) -> dict:
    """Run each task in ``rounds`` fresh processes, taking turns (a, b, c, a, b, c, ...).

    Taking turns spreads whatever else the machine does over every task
    alike; each task keeps its best time, the median of its runs and its
    largest peak memory.
    """
    runs = {task: [] for task in tasks}
    for _ in range(rounds):
        for task in tasks:
            runs[task].append(run_child(task, path, rows, repeats))
    return {task: {"best": min(r["best"] for r in found), "median": float(np.median([r["median"] for r in found])),
                   "peak_mb": max(r["peak_mb"] for r in found)} for task, found in runs.items()}


def have(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


def line(label: str, r: dict, reference: dict | None = None) -> str:
    ratio = f"{r['best'] / reference['best']:6.2f}x" if reference else "       "
    return f"  {label:<44s} {r['best']:8.3f} s  (median {r['median']:.3f})  peak {r['peak_mb']:7.0f} MB  {ratio}"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000_000, help="answers in the Parquet file (20,000,000)")
    parser.add_argument("--frame-rows", type=int, default=10_000_000, help="answers in the pandas frame (10,000,000)")
    parser.add_argument("--growth", type=str, default="1000000,5000000,10000000",
                        help="smaller Parquet sizes for the growth line, comma-separated (1M, 5M, 10M; plus --rows)")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs per task after one warm-up (3)")
    parser.add_argument("--rounds", type=int, default=3,
                        help="fresh processes per task, taking turns with the tasks it is compared with (3)")
    parser.add_argument("--sections", type=str, default="duckdb,pandas,polars,spark,template,growth",
                        help="what to measure, comma-separated (default: duckdb,pandas,polars,spark,template,growth)")
    parser.add_argument("--workdir", type=str, default=None, help="folder for the Parquet files (a temporary one)")
    parser.add_argument("--child", type=str, help=argparse.SUPPRESS)
    parser.add_argument("--path", type=str, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child == "write":
        write_parquet(Path(args.path), args.rows)
        return 0
    if args.child:
        result = child(args.child, args.path, args.rows, args.repeats)
        result["peak_mb"] = peak_mb()
        print(json.dumps(result))
        return 0

    work = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="nps_scale_"))
    work.mkdir(parents=True, exist_ok=True)
    sections = set(args.sections.split(","))
    sizes = sorted({int(s) for s in args.growth.split(",") if s.strip() and int(s) < args.rows and "growth" in sections}
                   | {args.rows})
    try:
        t0 = time.perf_counter()
        for size in sizes:  # in a child too: this process stays small
            subprocess.run([sys.executable, __file__, "--child", "write", "--path", str(work / f"answers_{size}.parquet"),
                            "--rows", str(size)], check=True)
        big = work / f"answers_{args.rows}.parquet"
        print(f"nps_toolkit scale benchmark: {args.rows:,} answers in Parquet ({big.stat().st_size / 1e6:.0f} MB), "
              f"{args.frame_rows:,} in a pandas frame, {SEGMENTS} segments; {os.cpu_count()} cores; "
              f"data written in {time.perf_counter() - t0:.1f} s; best of {args.rounds} processes x {args.repeats} runs, "
              f"each process warmed up first")
        print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} (other work on the machine "
              f"slows every line alike)")
        floor = run_child("imports", None, 0, 1)
        print(f"a child that only imports nps_toolkit (pandas, numpy, scipy, matplotlib) peaks at {floor['peak_mb']:.0f} MB")

        if "duckdb" in sections:
            duckdb_section(args, big)
        if "pandas" in sections:
            pandas_section(args)
        if "polars" in sections and have("polars"):
            polars_section(args, big)
        if "spark" in sections and have("pyspark") and shutil.which("java"):
            spark_section(args, big)
        if "template" in sections:
            template_section(args, big)
        if "growth" in sections:
            growth_section(args, work, sizes)
        print(f"\nload average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    finally:
        if not args.workdir:
            shutil.rmtree(work, ignore_errors=True)
    return 0


def duckdb_section(args, big):
    """The toolkit on a Parquet path against hand-written DuckDB SQL (goal: 1.2x, 1 GB)."""
    print(f"\nDuckDB: summarize(path, by='segment') vs hand-written SQL ({args.rows:,} rows)")
    r = run_tasks(["hand-duckdb-filter", "hand-duckdb-group", "toolkit-duckdb"], big, args.rows, args.repeats,
                  args.rounds)
    filt, group, toolkit = r["hand-duckdb-filter"], r["hand-duckdb-group"], r["toolkit-duckdb"]
    ref = min(filt, group, key=lambda r: r["best"])
    print(line("hand SQL: count(*) FILTER per category", filt))
    print(line("hand SQL: GROUP BY segment, score", group))
    print(line("nt.summarize(path) vs the faster hand SQL", toolkit, ref))
    ok = toolkit["best"] <= 1.2 * ref["best"] and toolkit["peak_mb"] <= 1024
    print(f"  goal <= 1.2x and <= 1 GB: {'met' if ok else 'NOT met'}")


def pandas_section(args):
    """The toolkit on a pandas frame against plain pandas counts (goal: 1.2x)."""
    print(f"\npandas: summarize(frame, by='segment') vs plain pandas counts ({args.frame_rows:,} rows)")
    r = run_tasks(["hand-pandas-group", "hand-pandas-cut", "toolkit-pandas"], None, args.frame_rows,
                  args.repeats, args.rounds)
    hand_group, hand_cut, toolkit_pd = r["hand-pandas-group"], r["hand-pandas-cut"], r["toolkit-pandas"]
    ref = min(hand_group, hand_cut, key=lambda r: r["best"])
    print(line("groupby([segment, score]).size()", hand_group))
    print(line("groupby([segment, pd.cut(score)]).size()", hand_cut))
    print(line("nt.summarize(frame) vs the faster", toolkit_pd, ref))
    print(f"  goal <= 1.2x: {'met' if toolkit_pd['best'] <= 1.2 * ref['best'] else 'NOT met'}")


def pair_section(args, big, heading: str, baseline: tuple, toolkit: tuple, repeats: int | None = None):
    """One toolkit task against its baseline, taking turns: ``baseline`` and ``toolkit`` are (task, label)."""
    print(f"\n{heading}")
    r = run_tasks([baseline[0], toolkit[0]], big, args.rows, args.repeats if repeats is None else repeats,
                  args.rounds)
    print(line(baseline[1], r[baseline[0]]))
    print(line(toolkit[1], r[toolkit[0]], r[baseline[0]]))


def polars_section(args, big):
    """The toolkit on a LazyFrame against a hand-written Polars aggregation."""
    pair_section(args, big, f"Polars: summarize(pl.scan_parquet(path)) vs hand-written group_by ({args.rows:,} rows)",
                 ("hand-polars", "hand group_by(segment).agg(...) streaming"),
                 ("toolkit-polars", "nt.summarize(LazyFrame)"))


def spark_section(args, big):
    """The toolkit on a Spark DataFrame against a hand-written Spark aggregation."""
    pair_section(args, big, f"Spark (local[*]): summarize(spark.read.parquet(path)) vs hand-written groupBy "
                            f"({args.rows:,} rows; peak includes the JVM)",
                 ("hand-spark", "hand groupBy(segment).agg(sum(when ...))"),
                 ("toolkit-spark", "nt.summarize(DataFrame)"))


def template_section(args, big):
    """A template's study of the big file: counted in DuckDB against loaded into pandas."""
    pair_section(args, big, f"A template's study of the Parquet file (benchmark_study: checks, overall, benchmark, "
                            f"segments, distribution; weighted): counted in DuckDB (engine 'auto') vs loaded into "
                            f"pandas ({args.rows:,} rows)",
                 ("study-pandas", "engine 'pandas': read_responses, then pandas"),
                 ("study-auto", "engine 'auto': DuckDB where the file is"), repeats=1)


def growth_section(args, work, sizes):
    """Time against rows: a fixed cost per call plus a cost per million rows."""
    print("\nGrowth of nt.summarize(path, by='segment') with the rows (DuckDB): a fixed cost per call plus a "
          "cost per row")
    times = {}
    for size in sizes:
        times[size] = run_tasks(
            ["toolkit-duckdb"], work / f"answers_{size}.parquet", size, args.repeats, args.rounds)["toolkit-duckdb"]
    slope, fixed = np.polyfit(np.array(sizes) / 1e6, [times[s]["best"] for s in sizes], 1)
    previous = None
    for size in sizes:
        r = times[size]
        step = ""
        if previous is not None:
            step = (f"  {(r['best'] - times[previous]['best']) / ((size - previous) / 1e6) * 1000:6.1f} ms per "
                    f"million more rows")
        print(f"  {size:>12,} rows {r['best']:8.3f} s  peak {r['peak_mb']:5.0f} MB{step}")
        previous = size
    fitted = np.polyval([slope, fixed], np.array(sizes) / 1e6)
    worst = max(abs(times[s]["best"] - f) / times[s]["best"] for s, f in zip(sizes, fitted))
    print(f"  least-squares line: {fixed * 1000:.0f} ms per call + {slope * 1000:.1f} ms per million rows; "
          f"largest gap from the line {worst:.0%} of a time")


if __name__ == "__main__":
    sys.exit(main())
