"""Reading a survey export: nps_toolkit.read_responses vs plain pandas.read_csv of the same file.

Writes two CSV files of ``--rows`` answers (1,000,000 by default) with the
columns ``respondent_id``, ``date`` (ISO text such as ``2024-03-15``),
``score`` and ``segment``:

* integer scores 0-10, about 2% blank;
* labelled answers as survey tools export them (``"10 - Extremely likely"``,
  ``"0 - Not at all likely"``, plain ``"1"`` to ``"9"``), about 2% blank.

Then times ``pandas.read_csv(path)`` (the baseline: what any reader pays) and
``nt.read_responses(path, score="score", date="date")`` (the same read plus
cleaning the score and parsing the dates) on each file. Every run is in a
fresh child process that imports pandas and nps_toolkit first (both tasks
alike), and the tasks take turns (pandas, toolkit, pandas, toolkit, ...),
``--rounds`` processes each; the best run counts. Each child also reports its
peak resident memory (``VmHWM``). Goals: at most 2.5 times the baseline with
integer scores and at most 5 times with labelled answers.

For information, ``nt.clean_scores`` alone on the score columns as
``read_csv`` returns them, against the plain pandas conversion a script
would write (``Series.map`` of a dict for the labels, ``astype("Int64")``
for the integers).

Ratios are of times measured in the same run; nothing is asserted. Run:

    .venv/bin/python benchmarks/read.py                  # 1,000,000 rows
    .venv/bin/python benchmarks/read.py --rows 200000    # quicker
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SEED = 20261201
SEGMENTS = 8
BLANK_SHARE = 0.02
GOALS = {"integers": 2.5, "labelled": 5.0}
LABELS = {0: "0 - Not at all likely", 10: "10 - Extremely likely"}  # 1..9 are plain numbers


# -- data ------------------------------------------------------------------------------------------------------------
def write_files(folder: Path, rows: int) -> dict:
    """The two CSV files (integer and labelled scores) with the same ids, dates and segments."""
    import pandas as pd

    rng = np.random.default_rng(SEED)
    score = rng.integers(0, 11, rows)
    blank = rng.random(rows) < BLANK_SHARE
    days = rng.integers(0, 366, rows)
    dates = (np.datetime64("2024-01-01") + days.astype("timedelta64[D]")).astype(str)
    segments = np.array([f"segment_{i}" for i in range(SEGMENTS)], dtype=object)[rng.integers(0, SEGMENTS, rows)]
    texts = np.array([LABELS.get(v, str(v)) for v in range(11)], dtype=object)
    paths = {}
    for kind, values in (("integers", score.astype(str).astype(object)), ("labelled", texts[score])):
        frame = pd.DataFrame({"respondent_id": np.arange(1, rows + 1), "date": dates,
                              "score": np.where(blank, "", values), "segment": segments})
        paths[kind] = folder / f"responses_{kind}.csv"
        frame.to_csv(paths[kind], index=False)
    return paths


# -- the timed work (run in a child process) -----------------------------------------------------------------------
def child(task: str, path: str) -> dict:
    """Import pandas and nps_toolkit, warm up on a tiny file, then time one run of ``task`` on ``path``."""
    import pandas as pd

    import nps_toolkit as nt

    if task == "imports":
        return {"seconds": 0.0}
    if task == "pandas":
        def work(p):
            return pd.read_csv(p)
    elif task == "toolkit":
        def work(p):
            return nt.read_responses(p, score="score", date="date")
    else:
        raise SystemExit(f"unknown task {task}")
    tiny = Path(tempfile.mkdtemp(prefix="nps_read_warm_")) / "tiny.csv"
    with open(path, encoding="utf-8") as source:
        tiny.write_text("".join(source.readline() for _ in range(50)), encoding="utf-8")
    work(tiny)  # warm-up: lazy imports, compiled patterns
    tiny.unlink()
    tiny.parent.rmdir()
    start = time.perf_counter()
    work(path)
    return {"seconds": time.perf_counter() - start}


def clean_child(path_integers: str, path_labelled: str, repeats: int) -> dict:
    """clean_scores on the score columns as read_csv returns them vs the plain pandas conversions (best runs)."""
    import pandas as pd

    import nps_toolkit as nt

    def best(fn, values) -> float:
        fn(values.iloc[:100])  # warm-up
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            fn(values)
            times.append(time.perf_counter() - start)
        return min(times)

    labelled = pd.read_csv(path_labelled, usecols=["score"])["score"]
    integers = pd.read_csv(path_integers, usecols=["score"])["score"]
    mapping = {text: v for v, text in enumerate([LABELS.get(v, str(v)) for v in range(11)])}
    check = nt.clean_scores(labelled)
    plain = labelled.map(mapping).astype("Int64")
    if not check.equals(plain):
        raise SystemExit("clean_scores and Series.map disagree on the labelled column")
    return {"labelled_dtype": str(labelled.dtype), "integers_dtype": str(integers.dtype),
            "clean_labelled": best(nt.clean_scores, labelled),
            "map_labelled": best(lambda s: s.map(mapping).astype("Int64"), labelled),
            "clean_integers": best(nt.clean_scores, integers),
            "astype_integers": best(lambda s: s.astype("Int64"), integers)}


def peak_mb() -> float:
    """Peak resident memory (MB) of this process, from ``VmHWM`` (fresh for each program, unlike ru_maxrss
    after a fork, which keeps the parent's size); ``getrusage`` where /proc is missing."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return float(line.split()[1]) / 1024.0
    import resource

    scale = 1024.0 if sys.platform != "darwin" else 1024.0 * 1024.0
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / scale


def run_child(args: list) -> dict:
    """Run this script with ``args`` in a fresh Python process; its JSON answer (or the error)."""
    done = subprocess.run([sys.executable, __file__, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if done.returncode != 0:
        lines = done.stderr.strip().splitlines()
        return {"error": lines[-1] if lines else f"exit {done.returncode}"}
    return json.loads(done.stdout.strip().splitlines()[-1])


def run_pair(path: Path, rounds: int) -> dict:
    """pandas.read_csv and read_responses on ``path``, taking turns, ``rounds`` fresh processes each."""
    runs = {"pandas": [], "toolkit": []}
    for _ in range(rounds):
        for task in runs:
            runs[task].append(run_child(["--child", task, "--path", str(path)]))
    out = {}
    for task, found in runs.items():
        ok = [r for r in found if "error" not in r]
        if not ok:
            out[task] = {"error": found[0]["error"]}
            continue
        out[task] = {"best": min(r["seconds"] for r in ok), "median": float(np.median([r["seconds"] for r in ok])),
                     "peak_mb": max(r["peak_mb"] for r in ok), "runs": len(ok)}
    return out


# -- report ----------------------------------------------------------------------------------------------------------
def line(label: str, result: dict, base: float | None = None) -> str:
    if "error" in result:
        return f"  {label:44} failed: {result['error']}"
    ratio = f"{result['best'] / base:6.2f}x" if base else ""
    return (f"  {label:44} {result['best']:7.3f} s  (median {result['median']:.3f})  peak {result['peak_mb']:6.0f} MB"
            f"  {ratio}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="answers per file (1,000,000)")
    parser.add_argument("--rounds", type=int, default=3, help="fresh processes per task, taking turns (3)")
    parser.add_argument("--repeats", type=int, default=3, help="runs of each clean_scores timing (3)")
    parser.add_argument("--folder", help="where to write the files (a temporary folder by default)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--path", help=argparse.SUPPRESS)
    parser.add_argument("--paths", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child:  # a timed run in this fresh process
        if args.child == "clean":
            result = clean_child(*args.paths, args.repeats)
        else:
            result = child(args.child, args.path)
        result["peak_mb"] = peak_mb()
        print(json.dumps(result))
        return 0

    with tempfile.TemporaryDirectory(prefix="nps_read_") as tmp:
        folder = Path(args.folder) if args.folder else Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        start = time.perf_counter()
        paths = write_files(folder, args.rows)
        written = time.perf_counter() - start
        sizes = ", ".join(f"{kind} {p.stat().st_size / 1e6:.0f} MB" for kind, p in paths.items())
        load = " ".join(f"{v:.2f}" for v in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"
        print(f"nps_toolkit read benchmark: {args.rows:,} rows per CSV ({sizes}; respondent_id, ISO date text, "
              f"score with {BLANK_SHARE:.0%} blanks, segment); {os.cpu_count()} cores; files written in "
              f"{written:.1f} s; best of {args.rounds} fresh processes per task, taking turns")
        print(f"load average before: {load} (other work on the machine slows every line alike)")
        imports = run_child(["--child", "imports", "--path", ""])
        if "error" not in imports:
            print(f"a child that only imports pandas and nps_toolkit peaks at {imports['peak_mb']:.0f} MB")

        for kind, title in (("integers", "integer scores 0-10"),
                            ("labelled", "labelled answers ('10 - Extremely likely', '0 - Not at all likely', "
                                         "plain '1'-'9')")):
            print(f"\n{title}: read_responses(path, score='score', date='date') vs pandas.read_csv(path)")
            got = run_pair(paths[kind], args.rounds)
            base = got["pandas"].get("best")
            print(line("pandas.read_csv(path) (baseline)", got["pandas"]))
            print(line("nt.read_responses(path) vs the baseline", got["toolkit"], base))
            if "error" not in got["toolkit"] and base:
                ratio, goal = got["toolkit"]["best"] / base, GOALS[kind]
                print(f"  goal <= {goal}x: {'met' if ratio <= goal else 'NOT MET'} ({ratio:.2f}x)")

        print("\nclean_scores alone on the score column as read_csv returns it (for information; best of "
              f"{args.repeats} runs in one process)")
        got = run_child(["--child", "clean", "--paths", str(paths["integers"]), str(paths["labelled"]),
                         "--repeats", str(args.repeats)])
        if "error" in got:
            print(f"  failed: {got['error']}")
        else:
            print(f"  labelled ({got['labelled_dtype']}): nt.clean_scores {got['clean_labelled'] * 1000:8.1f} ms  "
                  f"vs Series.map(dict).astype('Int64') {got['map_labelled'] * 1000:8.1f} ms  "
                  f"{got['clean_labelled'] / got['map_labelled']:6.2f}x")
            print(f"  integers ({got['integers_dtype']}): nt.clean_scores {got['clean_integers'] * 1000:8.1f} ms  "
                  f"vs astype('Int64') {got['astype_integers'] * 1000:8.1f} ms  "
                  f"{got['clean_integers'] / got['astype_integers']:6.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
