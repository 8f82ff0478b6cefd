"""Import time: what ``import nps_toolkit`` costs on top of ``import pandas``.

Every command-line call and every Spark executor pays the package's import,
so it should cost little beyond pandas (which anything that reads a survey
pays anyway). The import is lazy (``nps_toolkit/__init__.py``, PEP 562):
each part is imported the first time one of its names is used.

Times, each in a fresh child process started by this script (the child
times its own imports with ``time.perf_counter``, so the interpreter's start
is left out), the tasks taking turns, ``--runs`` processes each, the median
counts:

* ``import pandas`` (the baseline);
* ``import pandas, nps_toolkit``: the goal is at most 0.35 s on top of the
  baseline, and no matplotlib, seaborn or ``scipy.stats`` among the modules
  loaded. "On top" is measured twice: the difference of the two medians,
  and, paired, the time of ``import nps_toolkit`` right after ``import
  pandas`` in the same processes (median); the goal is judged on the
  paired figure, which the load of the machine moves far less (on a busy
  machine two medians of ``import pandas`` alone differ by tenths of a
  second);
* for information, the first use of each part, on top of the baseline:
  the counting layer (``nt.counts``), the statistics (``nt.confint``), the
  figures (``nt.plot_nps``), and every name at once
  (``from nps_toolkit import *``, what the eager import cost before).

Times measured in the same run are compared; nothing is asserted. Run:

    .venv/bin/python benchmarks/import_time.py            # 7 runs per task
    .venv/bin/python benchmarks/import_time.py --runs 15
"""

from __future__ import annotations

# Nothing heavy is imported here: the children time their imports from a clean start.
import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: The goal: seconds that ``import nps_toolkit`` may add to ``import pandas``.
GOAL_SECONDS = 0.35

#: Modules that ``import nps_toolkit`` must not load.
HEAVY = ("matplotlib", "seaborn", "scipy", "scipy.stats")

#: task -> (label, what the child does after ``import pandas``)
TASKS = {
    "pandas": ("import pandas (baseline)", ""),
    "toolkit": ("import pandas, nps_toolkit", "import nps_toolkit"),
    "counting": ("+ nt.counts (the counting layer)", "import nps_toolkit as nt; nt.counts"),
    "statistics": ("+ nt.confint (statistics on counts)", "import nps_toolkit as nt; nt.confint"),
    "plots": ("+ nt.plot_nps (figures)", "import nps_toolkit as nt; nt.plot_nps"),
    "everything": ("from nps_toolkit import * (all names)", "from nps_toolkit import *"),
}
GOAL_TASKS = ("pandas", "toolkit")
INFO_TASKS = ("counting", "statistics", "plots", "everything")


def child(task: str) -> dict:
    """Time ``import pandas`` and then the task's imports in this fresh process."""
    sys.path.insert(0, str(ROOT))  # the repository's nps_toolkit
    start = time.perf_counter()
    import pandas  # noqa: F401

    after_pandas = time.perf_counter()
    exec(TASKS[task][1], {})
    end = time.perf_counter()
    return {"seconds": end - start, "pandas": after_pandas - start,
            "loaded": [m for m in HEAVY if m in sys.modules]}


def run_child(task: str) -> dict:
    done = subprocess.run([sys.executable, __file__, "--child", task], capture_output=True, text=True, cwd=ROOT)
    if done.returncode != 0:
        lines = done.stderr.strip().splitlines()
        return {"error": lines[-1] if lines else f"exit {done.returncode}"}
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure(tasks, runs: int) -> dict:
    """``runs`` fresh processes per task, taking turns; per task the median, the best and the modules loaded."""
    found = {task: [] for task in tasks}
    for _ in range(runs):
        for task in tasks:
            found[task].append(run_child(task))
    out = {}
    for task, results in found.items():
        ok = [r for r in results if "error" not in r]
        if not ok:
            out[task] = {"error": results[0]["error"]}
            continue
        seconds = [r["seconds"] for r in ok]
        out[task] = {"median": statistics.median(seconds), "best": min(seconds), "runs": len(ok),
                     "after_pandas": statistics.median(r["seconds"] - r["pandas"] for r in ok),
                     "loaded": sorted({m for r in ok for m in r["loaded"]})}
    return out


def line(label: str, result: dict, base: dict | None = None) -> str:
    if "error" in result:
        return f"  {label:40} failed: {result['error']}"
    text = f"  {label:40} {result['median']:7.3f} s  (best {result['best']:.3f})"
    if base and "error" not in base:
        text += (f"  {result['median'] - base['median']:+7.3f} s  {result['median'] / base['median']:5.2f}x"
                 f"  (paired: {result['after_pandas']:+.3f} s after pandas)")
    return text


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="fresh processes per task, taking turns (7)")
    parser.add_argument("--child", choices=sorted(TASKS), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child)))
        return 0

    import importlib.metadata

    versions = ", ".join(f"{name} {importlib.metadata.version(name)}" for name in ("pandas", "numpy"))
    load = " ".join(f"{v:.2f}" for v in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"
    print(f"nps_toolkit import-time benchmark: Python {platform.python_version()}, {versions}; {os.cpu_count()} "
          f"cores; median of {args.runs} fresh processes per task, taking turns (the interpreter's start left out)")
    print(f"load average before: {load} (other work on the machine slows every line alike)")

    print("\nimport nps_toolkit on top of import pandas (median, best; difference and ratio of the medians; "
          "paired: the\nmedian time of the imports after pandas, in the same processes)")
    got = measure(GOAL_TASKS, args.runs)
    base, toolkit = got["pandas"], got["toolkit"]
    print(line(TASKS["pandas"][0], base))
    print(line(TASKS["toolkit"][0], toolkit, base))
    if "error" in base or "error" in toolkit:
        print("  goal: not measured")
    else:
        extra = toolkit["after_pandas"]
        heavy = toolkit["loaded"]
        print(f"  loaded by import nps_toolkit: {', '.join(heavy) if heavy else 'none of ' + ', '.join(HEAVY)}")
        verdict = "PASS" if extra <= GOAL_SECONDS and not heavy else "FAIL"
        print(f"  goal: at most {GOAL_SECONDS:.2f} s on top of pandas, without {', '.join(HEAVY[:2])} and "
              f"scipy.stats: {verdict} (paired {extra:+.3f} s; difference of the medians "
              f"{toolkit['median'] - base['median']:+.3f} s{'; loads ' + ', '.join(heavy) if heavy else ''})")

    print("\nthe first use of each part, for information (differences and ratios against import pandas)")
    info = measure(("pandas",) + INFO_TASKS, args.runs)
    print(line(TASKS["pandas"][0], info["pandas"]))
    for task in INFO_TASKS:
        loaded = info[task].get("loaded")
        print(line(TASKS[task][0], info[task], info["pandas"])
              + (f"  loads {', '.join(loaded)}" if loaded else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
