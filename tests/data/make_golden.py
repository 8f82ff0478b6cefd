"""Golden copy of nps_toolkit's outputs, for checking that a refactor keeps them.

README: the files in ``tests/data/golden/`` were made from commit 25623e9 before
the issue-15 restructuring, by running this script on a clean worktree of that
commit::

    git worktree add /tmp/golden/base 25623e9
    ln -s ../templates /tmp/golden/base/nps_toolkit/templates   # see "Templates" below
    PYTHONPATH=/tmp/golden/base .venv/bin/python tests/data/make_golden.py

``tests/test_golden.py`` replays every case with the code being tested and
compares. Regenerate the files only when an output is *meant* to change, and
say so in the commit. What the comment classifier decides was re-recorded when
the classifier was rewritten on purpose (issue 18): ``golden/api/comments.json``
and the comment sections of the template files, by
``tests/data/rerecord_golden_comments.py``; every other number is still that of
25623e9.

What is captured
----------------
``golden/templates/TEMPLATE__VARIANT.json``
    ``nps_toolkit.run_template(TEMPLATE, parameters, output_dir)`` on the
    bundled sample (``default``: no parameters) and on variants (another
    language, interval method, confidence, correction or period length; a
    weights column in a CSV or Parquet file of the sample's rows, counted by
    pandas or DuckDB). The file keeps the parameters (``$DATA`` stands for the
    folder of the data files, which :func:`write_data_file` writes) and the
    results JSON after :func:`strip_volatile`.
``golden/api/GROUP.json``
    Direct calls of the package's functions: ``{"id", "function", "args",
    "kwargs", "result"}`` per case. Arguments that are data are references
    (see :func:`resolve`): ``{"$data": NAME, ...}`` a frame, its rows or one
    column; ``{"$parquet": NAME}`` the path of a Parquet file of the frame
    (counted by DuckDB); ``{"$polars": NAME}`` a polars DataFrame (the Polars
    engine); ``{"$scale": {...}}`` an ``NPSScale``. Results are turned into
    JSON by :func:`to_jsonable` (every float kept exactly; DataFrames as
    columns of values with their dtypes, index and ``attrs``; ``Interval``,
    ``Comparison``, ``Trend`` and ``NPSCounts`` as ``to_dict()`` plus
    ``str()``). The keyword names are those of 25623e9 (``seed=``,
    ``compare_groups(group=, n_draws=)``); the test replays them as recorded,
    with DeprecationWarning ignored, so the old names must keep working.
``golden/inputs/*.json``
    The generated inputs (a small simulated survey with weights, a drivers
    table), stored so that the cases do not depend on the simulator (which
    has its own case). ``sample`` is ``nps_toolkit.load_sample()`` and
    ``sample_weighted`` the sample plus ``weight = 1 + (respondent_id % 3) / 2``;
    both are built by the code under test (``load_sample`` has a case of its
    own: dtypes and a hash of every value).

Stripped fields
---------------
Two runs of every template, in different folders, differ only in the data
path; the package version is dropped too, as the refactor may bump it:

* ``meta.version``: removed.
* the folder of the data files, wherever it occurs in a string
  (``meta.data`` is the ``data_path`` given): replaced by ``$DATA``.

The results hold no timestamps or run times. ``python make_golden.py
--check`` runs every template twice and prints any other difference.

Templates
---------
``run_template`` finds the templates as the package ``nps_toolkit.templates``.
In an editable install that name is mapped to the repository's
``templates/`` folder by the install's import hook, which would hand the old
code the *current* templates; the symlink above makes the worktree's package
find its own. The script checks that the package and the templates come from
the same checkout, and that the notebook kernel imports the same package.
Nothing here reads a clock or draws without a seed: the output is the same
on every run.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as _dt
import hashlib
import json
import math
import shutil
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

GOLDEN = Path(__file__).resolve().parent / "golden"
COMMIT = "25623e9"

#: Strings in the results that are replaced (the folder of the data files) and keys that are removed.
DATA_PLACEHOLDER = "$DATA"
VOLATILE_KEYS = {("meta", "version")}

# ---------------------------------------------------------------------------------------------------------------
# inputs
# ---------------------------------------------------------------------------------------------------------------


def _sample() -> pd.DataFrame:
    import nps_toolkit as nt

    return nt.load_sample()


def _sample_weighted() -> pd.DataFrame:
    data = _sample()
    data["weight"] = 1 + (data["respondent_id"] % 3) / 2
    return data


def make_small_survey() -> pd.DataFrame:
    """A simulated survey of 240 answers (5% missing) with a weights column: stored in golden/inputs."""
    import nps_toolkit as nt

    data = nt.simulate_survey(240, seed=515, missing=0.05, periods=4)
    data["weight"] = np.round(np.random.default_rng(516).uniform(0.5, 2.0, len(data)), 3)
    return data


def make_drivers() -> pd.DataFrame:
    """300 answers: a 0-10 score driven by four 1-10 ratings, a second score (paired), 1-5 stars, weights."""
    rng = np.random.default_rng(20240515)
    n = 300
    base = rng.normal(size=n)
    ratings = {}
    for name, loading in (("price", 0.4), ("quality", 0.8), ("support", 0.6), ("speed", 0.2)):
        raw = loading * base + rng.normal(size=n)
        ratings[name] = np.clip(np.round(5.5 + 2 * raw), 1, 10).astype(float)
    score = np.clip(np.round(6 + 1.2 * base + 0.5 * rng.normal(size=n)), 0, 10)
    after = np.clip(score + rng.integers(-2, 3, n), 0, 10)
    frame = pd.DataFrame({"score": score, **ratings, "score_after": after,
                          "stars": rng.integers(1, 6, n), "weight": np.round(rng.uniform(0.5, 2.0, n), 3)})
    frame.loc[rng.choice(n, 12, replace=False), "score"] = np.nan
    frame.loc[rng.choice(n, 8, replace=False), "price"] = np.nan
    frame.loc[rng.choice(n, 6, replace=False), "score_after"] = np.nan
    return frame


def frame_to_json(frame: pd.DataFrame) -> dict:
    """A frame as columns of values and dtypes (read back by :func:`frame_from_json`)."""
    return {"dtypes": {c: str(frame[c].dtype) for c in frame.columns},
            "data": {c: [_cell(v) for v in frame[c].astype(object)] for c in frame.columns}}


def frame_from_json(stored: dict) -> pd.DataFrame:
    columns = {}
    for col, dtype in stored["dtypes"].items():
        values = [None if v is None else v for v in stored["data"][col]]
        if dtype.startswith("datetime64"):
            columns[col] = pd.to_datetime(pd.Series([None if v is None else v["$ts"] for v in values]))
            columns[col] = columns[col].astype(dtype)
        else:
            columns[col] = pd.Series(values, dtype=dtype if dtype != "object" else object)
    return pd.DataFrame(columns)


class Inputs:
    """The named data of the cases; files written (lazily) into ``folder``."""

    STORED = ("small", "drivers")

    def __init__(self, folder: Path, stored: dict | None = None):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self._frames = {}
        self._stored = stored

    def frame(self, name: str) -> pd.DataFrame:
        if name not in self._frames:
            if name == "sample":
                self._frames[name] = _sample()
            elif name == "sample_weighted":
                self._frames[name] = _sample_weighted()
            elif name in self.STORED:
                if self._stored is None:
                    raise KeyError(name)
                self._frames[name] = frame_from_json(self._stored[name])
            else:
                raise KeyError(f"unknown input {name!r}")
        return self._frames[name].copy()

    def parquet(self, name: str) -> str:
        path = self.folder / f"{name}.parquet"
        if not path.exists():
            self.frame(name).to_parquet(path)
        return str(path)

    def polars(self, name: str):
        import polars as pl

        return pl.from_pandas(self.frame(name))


def load_stored_inputs() -> dict:
    return {name: json.loads((GOLDEN / "inputs" / f"{name}.json").read_text(encoding="utf-8"))
            for name in Inputs.STORED}


def write_data_file(name: str, folder: Path) -> Path:
    """The data files of the template variants: the weighted sample as CSV or Parquet."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    if not path.exists():
        data = _sample_weighted()
        if name.endswith(".csv"):
            data.assign(date=data["date"].dt.strftime("%Y-%m-%d")).to_csv(path, index=False, encoding="utf-8")
        elif name.endswith(".parquet"):
            data.to_parquet(path)
        else:
            raise ValueError(name)
    return path


# ---------------------------------------------------------------------------------------------------------------
# replaying a case
# ---------------------------------------------------------------------------------------------------------------


def resolve(value, inputs: Inputs):
    """Turn the references of a recorded argument into the objects the call takes."""
    if isinstance(value, list):
        return [resolve(v, inputs) for v in value]
    if not isinstance(value, dict):
        return value
    if "$data" in value:
        frame = inputs.frame(value["$data"])
        for col, want in value.get("where", {}).items():
            frame = frame[frame[col] == want]
        if "date_from" in value:
            frame = frame[frame["date"] >= pd.Timestamp(value["date_from"])]
        if "date_to" in value:
            frame = frame[frame["date"] < pd.Timestamp(value["date_to"])]
        if "dropna" in value:
            frame = frame.dropna(subset=[value["dropna"]])
        if "head" in value:
            frame = frame.head(value["head"])
        if value.get("reset_index"):
            frame = frame.reset_index(drop=True)
        if "column" in value:
            column = frame[value["column"]]
            return column.to_numpy() if value.get("as_array") else column
        return frame
    if "$parquet" in value:
        return inputs.parquet(value["$parquet"])
    if "$polars" in value:
        return inputs.polars(value["$polars"])
    if "$scale" in value:
        from nps_toolkit import NPSScale

        return NPSScale(**{k: tuple(v) for k, v in value["$scale"].items()})
    if "$tuple" in value:
        return tuple(resolve(v, inputs) for v in value["$tuple"])
    return {k: resolve(v, inputs) for k, v in value.items()}


def call(case: dict, inputs: Inputs):
    """Run one recorded call with the nps_toolkit that is imported; returns the raw result."""
    import nps_toolkit as nt

    func = nt
    try:
        for part in case["function"].split("."):
            func = getattr(func, part)
    except AttributeError:  # a module's function ("summary.count_groups") that moved: the top-level name
        func = getattr(nt, case["function"].rsplit(".", 1)[-1])
    args = [resolve(a, inputs) for a in case.get("args", [])]
    kwargs = {k: resolve(v, inputs) for k, v in case.get("kwargs", {}).items()}
    result = func(*args, **kwargs)
    for step in case.get("then", []):  # e.g. ["to_dict"] for counts(...).to_dict()
        result = getattr(result, step)()
    return result


def replay(case: dict, inputs: Inputs):
    """The JSON form of a case's result, as stored in the golden file."""
    return json.loads(json.dumps(to_jsonable(call(case, inputs)), allow_nan=True))


# ---------------------------------------------------------------------------------------------------------------
# JSON form of results
# ---------------------------------------------------------------------------------------------------------------


def _cell(v):
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (int, np.integer)):
        return int(v)
    if isinstance(v, (float, np.floating)):
        return float(v)
    if isinstance(v, str):
        return v
    if isinstance(v, pd.Timestamp | _dt.datetime | np.datetime64):
        return {"$ts": pd.Timestamp(v).isoformat()}
    if isinstance(v, _dt.date):
        return {"$date": v.isoformat()}
    if isinstance(v, pd.Period):
        return {"$period": str(v), "freq": v.freqstr}
    if isinstance(v, pd.Timedelta | _dt.timedelta):
        return {"$timedelta": str(pd.Timedelta(v))}
    return to_jsonable(v)


def _index(index: pd.Index):
    if isinstance(index, pd.RangeIndex):
        return {"range": [index.start, index.stop, index.step], "name": index.name}
    return {"values": [_cell(v) if not isinstance(v, tuple) else [_cell(x) for x in v] for v in index],
            "names": [None if n is None else str(n) for n in index.names], "dtype": str(index.dtype)}


def to_jsonable(obj):
    """A plain JSON-able form (NaN allowed) of a result: numbers exact, types tagged."""
    if isinstance(obj, pd.DataFrame):
        return {"$type": "DataFrame", "columns": [str(c) for c in obj.columns],
                "dtypes": [str(t) for t in obj.dtypes], "index": _index(obj.index),
                "data": [[_cell(v) for v in obj.iloc[:, i].astype(object)] for i in range(obj.shape[1])],
                "attrs": to_jsonable(dict(obj.attrs))}
    if isinstance(obj, pd.Series):
        return {"$type": "Series", "name": None if obj.name is None else str(obj.name), "dtype": str(obj.dtype),
                "index": _index(obj.index), "data": [_cell(v) for v in obj.astype(object)],
                "attrs": to_jsonable(dict(obj.attrs))}
    if isinstance(obj, np.ndarray):
        return {"$type": "ndarray", "dtype": str(obj.dtype), "shape": list(obj.shape),
                "data": [_cell(v) for v in obj.ravel().tolist()]}
    if isinstance(obj, dict):
        return {str(k): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [to_jsonable(v) for v in obj]
    if hasattr(obj, "to_dict") and not isinstance(obj, type):
        return {"$type": type(obj).__name__, "fields": to_jsonable(obj.to_dict()), "str": str(obj)}
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {"$type": type(obj).__name__, "fields": to_jsonable(dataclasses.asdict(obj)), "str": str(obj)}
    if _is_scalar(obj):
        return _cell(obj)
    return {"$repr": type(obj).__name__, "str": str(obj)}


def _is_scalar(v) -> bool:
    return v is None or isinstance(v, (bool, int, float, str, np.generic, pd.Timestamp, pd.Period, pd.Timedelta,
                                       _dt.date, _dt.timedelta)) or v is pd.NA or v is pd.NaT


def frame_digest(frame: pd.DataFrame) -> dict:
    """Shape, dtypes, a hash of every value and the first rows: the bundled sample without its 6,000 rows."""
    hashed = pd.util.hash_pandas_object(frame, index=True).to_numpy()
    return {"shape": list(frame.shape), "columns": [str(c) for c in frame.columns],
            "dtypes": [str(t) for t in frame.dtypes],
            "sha256": hashlib.sha256(hashed.tobytes()).hexdigest(),
            "head": to_jsonable(frame.head(5))}


# ---------------------------------------------------------------------------------------------------------------
# templates
# ---------------------------------------------------------------------------------------------------------------

# The sample's columns for the "auto" parameters, given explicitly for a file of the sample's rows (as
# tests/conftest.py:sample_columns does; written out so the golden files do not depend on where they live).
_SAMPLE_COLUMNS = {"score_column": "score", "date_column": "date", "brand_column": "brand", "our_brand": "Aurora",
                   "segment_column": "segment", "comment_column": "comment"}


def _on_file(template_params: list[str], file: str, params: dict) -> dict:
    auto = {k: v for k, v in _SAMPLE_COLUMNS.items() if k in template_params}
    return {**auto, "data_path": f"{DATA_PLACEHOLDER}/{file}", **params}


_BENCH = ["score_column", "brand_column", "our_brand", "segment_column", "comment_column"]
_COMP = ["score_column", "brand_column", "our_brand"]
_PERIOD = ["score_column", "brand_column", "our_brand", "date_column"]

TEMPLATE_VARIANTS = {
    "benchmark_study": {
        "default": {},
        "ru_bootstrap_benchmark": {"language": "ru", "method": "bootstrap", "confidence": 0.9, "benchmark": 20.0,
                                   "seed": 7, "min_n": 100},
        "weighted_csv_bayes": _on_file(_BENCH, "sample_weighted.csv",
                                       {"weights_column": "weight", "segment_column": "channel", "method": "bayes",
                                        "language": "pl", "benchmark_industry": "Grocers", "engine": "pandas"}),
    },
    "competitor_comparison": {
        "default": {},
        "pl_wald_bonferroni": {"language": "pl", "method": "wald", "correction": "bonferroni", "confidence": 0.9},
        "weighted_parquet_duckdb_bayes": _on_file(_COMP, "sample_weighted.parquet",
                                                  {"weights_column": "weight", "method": "bayes",
                                                   "correction": "fdr_bh", "seed": 11}),
    },
    "period_comparison": {
        "default": {},
        "ru_monthly_segments_bootstrap": {"language": "ru", "freq": "ME", "segment_column": "segment",
                                          "method": "bootstrap", "min_n": 20},
        "weighted_parquet_duckdb_channels": _on_file(_PERIOD, "sample_weighted.parquet",
                                                     {"weights_column": "weight", "segment_column": "channel",
                                                      "method": "wald", "engine": "duckdb", "confidence": 0.8}),
    },
}


def template_parameters(params: dict, data_dir: Path) -> dict:
    """The recorded parameters with ``$DATA`` replaced by ``data_dir`` (the data files written there)."""
    out = {}
    for key, value in params.items():
        if isinstance(value, str) and value.startswith(DATA_PLACEHOLDER + "/"):
            path = write_data_file(value[len(DATA_PLACEHOLDER) + 1:], data_dir)
            value = str(path)
        out[key] = value
    return out


def strip_volatile(results, data_dir: Path, _path=()):
    """Results without the fields that differ between runs (see the module notes)."""
    if isinstance(results, dict):
        return {k: strip_volatile(v, data_dir, _path + (k,)) for k, v in results.items()
                if _path + (k,) not in VOLATILE_KEYS}
    if isinstance(results, list):
        return [strip_volatile(v, data_dir, _path) for v in results]
    if isinstance(results, str):
        for folder in {str(Path(data_dir)), str(Path(data_dir).resolve())}:
            results = results.replace(folder, DATA_PLACEHOLDER)
        return results
    return results


def run_template_case(template: str, params: dict, work: Path) -> dict:
    """Run a template with the imported nps_toolkit; its results JSON, stripped."""
    import nps_toolkit as nt

    data_dir, out = Path(work) / "data", Path(work) / "out"
    run = nt.run_template(template, parameters=template_parameters(params, data_dir), output_dir=out)
    results = json.loads(run.results.read_text(encoding="utf-8"))
    return strip_volatile(results, data_dir)


# ---------------------------------------------------------------------------------------------------------------
# the API cases
# ---------------------------------------------------------------------------------------------------------------


def D(name, **selection):
    """A data reference (see :func:`resolve`)."""
    return {"$data": name, **selection}


def _ours(name="sample", **more):
    return D(name, where={"brand": "Aurora"}, **more)


def api_cases() -> dict[str, list[dict]]:
    import importlib

    compare_module = importlib.import_module("nps_toolkit.compare")  # nps_toolkit.compare is the function
    intervals = importlib.import_module("nps_toolkit.intervals")

    interval_methods = list(intervals.METHODS)
    compare_methods = list(compare_module.METHODS)
    paired_methods = list(compare_module.PAIRED_METHODS)
    benchmark_methods = list(compare_module.BENCHMARK_METHODS)
    random = {"bootstrap", "bca", "bayes"}
    cases: dict[str, list[dict]] = {}

    def add(group, id_, function, /, *args, then=None, **kwargs):
        case = {"id": id_, "function": function, "args": list(args), "kwargs": kwargs}
        if then:
            case["then"] = then
        cases.setdefault(group, []).append(case)

    # -- data -----------------------------------------------------------------------------------------------
    add("data", "simulate_survey", "simulate_survey", 200, seed=5, missing=0.05)
    add("data", "simulate_survey-design", "simulate_survey", 150, segments=["A", "B"], brands=["X", "Y", "Z"],
        start="2022-06-01", periods=5, freq="ME", seed=9)
    add("data", "simulate_scores", "simulate_scores", 50, promoter_share=0.4, detractor_share=0.2, seed=3)
    add("data", "true_shares-by-brand", "true_shares", by="brand")
    add("data", "true_shares", "true_shares", periods=2)
    add("data", "industry_benchmarks", "industry_benchmarks")
    add("data", "lookup_benchmark", "lookup_benchmark", "Retail")

    # -- scoring ----------------------------------------------------------------------------------------------
    add("scoring", "nps-sample", "nps", D("sample", column="score"))
    add("scoring", "nps-weighted", "nps", D("sample_weighted", column="score"),
        D("sample_weighted", column="weight"))
    add("scoring", "nps-list", "nps", [10, 9, 8, 3, 0, None, 7])
    add("scoring", "categorize", "categorize", D("sample", column="score", head=40))
    add("scoring", "counts-sample", "counts", D("sample", column="score"), then=["to_dict"])
    add("scoring", "counts-weighted", "counts", D("sample_weighted", column="score"),
        D("sample_weighted", column="weight"), then=["to_dict"])
    add("scoring", "counts-small-weighted", "counts", D("small", column="score"), D("small", column="weight"),
        then=["to_dict"])
    add("scoring", "counts-scale", "counts", D("drivers", column="stars"),
        scale={"$scale": {"detractors": [1, 2, 3], "passives": [4], "promoters": [5]}}, then=["to_dict"])
    add("scoring", "counts-object", "counts", D("small", column="score"))
    add("scoring", "interpret-en", "interpret", 37.5)
    add("scoring", "interpret-ru", "interpret", -12.0, language="ru")
    add("scoring", "interpret-pl", "interpret", 71.0, language="pl")

    # -- summarize --------------------------------------------------------------------------------------------
    add("summarize", "sample-overall", "summarize", D("sample"))
    add("summarize", "sample-by-segment", "summarize", D("sample"), by="segment")
    add("summarize", "sample-by-brand-segment", "summarize", D("sample"), by=["brand", "segment"])
    add("summarize", "sample-by-channel-conf80", "summarize", D("sample"), by="channel", confidence=0.8)
    add("summarize", "weighted-by-brand", "summarize", D("sample_weighted"), by="brand", weights="weight")
    add("summarize", "weighted-overall", "summarize", D("sample_weighted"), weights="weight")
    for m in interval_methods:
        extra = {"n_resamples": 999, "random_state": 3} if m in random else {}
        add("summarize", f"sample-by-brand-{m}", "summarize", D("sample"), by="brand", method=m, **extra)
        add("summarize", f"weighted-by-segment-{m}", "summarize", D("sample_weighted"), by="segment",
            weights="weight", method=m, **extra)
    add("summarize", "small-by-period-weighted", "summarize", D("small"), by="period", weights="weight")
    add("summarize", "small-by-segment-brand", "summarize", D("small"), by=["segment", "brand"], method="score")
    add("summarize", "drivers-stars-scale", "summarize", D("drivers"), score="stars",
        scale={"$scale": {"detractors": [1, 2, 3], "passives": [4], "promoters": [5]}})
    # the same data counted by the engines
    for engine, ref in (("duckdb", {"$parquet": "sample_weighted"}), ("polars", {"$polars": "sample_weighted"})):
        add("engines", f"summarize-{engine}-overall", "summarize", ref)
        add("engines", f"summarize-{engine}-by-segment", "summarize", ref, by="segment")
        add("engines", f"summarize-{engine}-weighted-by-brand-channel", "summarize", ref, by=["brand", "channel"],
            weights="weight")
        add("engines", f"summarize-{engine}-bootstrap", "summarize", ref, by="brand", method="bootstrap",
            n_resamples=999, random_state=3)
        add("engines", f"compare_periods-{engine}", "compare_periods", ref)
        add("engines", f"compare_periods-{engine}-weighted-by-brand", "compare_periods", ref, by="brand",
            weights="weight", freq="YE", min_n=10)
        add("engines", f"count_groups-{engine}-weighted", "summary.count_groups", ref, by="segment", weights="weight")
    add("engines", "summarize-pandas-weighted-by-brand-channel", "summarize", D("sample_weighted"),
        by=["brand", "channel"], weights="weight")
    add("engines", "compare_periods-pandas-weighted-by-brand", "compare_periods", D("sample_weighted"),
        by="brand", weights="weight", freq="YE", min_n=10)

    # -- count_groups ----------------------------------------------------------------------------------------
    add("count_groups", "sample-overall", "summary.count_groups", D("sample"))
    add("count_groups", "sample-by-brand", "summary.count_groups", D("sample"), by="brand")
    add("count_groups", "weighted-by-brand-segment", "summary.count_groups", D("sample_weighted"),
        by=["brand", "segment"], weights="weight")
    add("count_groups", "small-by-period", "summary.count_groups", D("small"), by="period")

    # -- confint ---------------------------------------------------------------------------------------------
    for m in interval_methods:
        extra = {"n_resamples": 1999, "random_state": 1} if m in random else {}
        add("confint", f"ours-{m}", "confint", _ours(column="score"), method=m, **extra)
        add("confint", f"ours-weighted-{m}", "confint", _ours("sample_weighted", column="score"), method=m,
            weights=_ours("sample_weighted", column="weight"), **extra)
        add("confint", f"small-{m}-conf90", "confint", D("small", column="score"), method=m, confidence=0.9,
            **extra)
    add("confint", "bayes-prior", "confint", D("small", column="score"), method="bayes",
        prior={"$tuple": [0.5, 0.5, 0.5]})
    add("confint", "list", "confint", [10, 10, 9, 7, 6, 3, None, 8, 10])
    add("confint", "stars-scale", "confint", D("drivers", column="stars"),
        scale={"$scale": {"detractors": [1, 2, 3], "passives": [4], "promoters": [5]}})
    add("intervals", "margin_of_error", "margin_of_error", 400)
    add("intervals", "margin_of_error-shares", "margin_of_error", [100, 400, 1600], confidence=0.9,
        shares={"$tuple": [0.5, 0.2]}, groups=2)
    add("intervals", "sample_size", "sample_size", 5)
    add("intervals", "sample_size-shares", "sample_size", 3, confidence=0.99, shares={"$tuple": [0.4, 0.2]})

    # -- compare ---------------------------------------------------------------------------------------------
    lumina = D("sample", where={"brand": "Lumina"}, column="score")
    for m in compare_methods:
        extra = {"n_resamples": 1999, "random_state": 2} if m in random else {}
        add("compare", f"aurora-lumina-{m}", "compare", _ours(column="score"), lumina, method=m, **extra)
        add("compare", f"small-periods-{m}-conf90", "compare", D("small", where={"period": "2023Q1"}, column="score"),
            D("small", where={"period": "2023Q4"}, column="score"), method=m, confidence=0.9, **extra)
    for m in paired_methods:
        extra = {"n_resamples": 1999, "random_state": 2} if m in random else {}
        add("compare", f"paired-{m}", "compare", D("drivers", column="score_after"), D("drivers", column="score"),
            paired=True, method=m, **extra)
    add("compare", "bayes-prior", "compare", _ours(column="score"), lumina, method="bayes", random_state=8,
        n_resamples=999, prior={"$tuple": [2, 2, 2]})
    add("compare", "adjust_p_values-holm", "adjust_p_values", [0.01, 0.04, 0.03, 0.2])
    for correction in ("bonferroni", "fdr_bh", None):
        add("compare", f"adjust_p_values-{correction}", "adjust_p_values", [0.01, 0.04, 0.03, 0.2, float("nan")],
            correction=correction)

    # -- compare_groups --------------------------------------------------------------------------------------
    add("compare_groups", "brand-vs-aurora", "compare_groups", D("sample"), group="brand", reference="Aurora",
        random_state=4)
    add("compare_groups", "segment-vs-rest", "compare_groups", D("sample"), group="segment", random_state=4)
    add("compare_groups", "segment-bonferroni-wald", "compare_groups", D("sample"), group="segment",
        correction="bonferroni", method="wald", random_state=4)
    add("compare_groups", "channel-fdr-conf90", "compare_groups", D("sample"), group="channel", correction="fdr_bh",
        confidence=0.9, random_state=4)
    add("compare_groups", "brand-no-correction", "compare_groups", D("sample"), group="brand", correction=None,
        random_state=4)
    add("compare_groups", "weighted-brand-bayes", "compare_groups", D("sample_weighted"), group="brand",
        reference="Aurora", weights="weight", method="bayes", n_draws=5000, random_state=4)
    add("compare_groups", "weighted-segment-bootstrap", "compare_groups", D("sample_weighted"), group="segment",
        weights="weight", method="bootstrap", n_draws=3000, random_state=4)
    add("compare_groups", "small-brand", "compare_groups", D("small"), group="brand", n_draws=4000, random_state=14)
    add("compare_groups", "duckdb-brand-weighted", "compare_groups", {"$parquet": "sample_weighted"}, group="brand",
        weights="weight", random_state=4)

    # -- compare_to_benchmark ----------------------------------------------------------------------------------
    for m in benchmark_methods:
        extra = {"n_resamples": 1999, "random_state": 5} if m in random else {}
        add("compare_to_benchmark", f"ours-{m}", "compare_to_benchmark", _ours(column="score"), 20.0, method=m,
            **extra)
        add("compare_to_benchmark", f"ours-weighted-{m}", "compare_to_benchmark",
            _ours("sample_weighted", column="score"), 35, method=m,
            weights=_ours("sample_weighted", column="weight"), confidence=0.9, **extra)
    add("compare_to_benchmark", "counts", "compare_to_benchmark", [10, 9, 9, 8, 7, 5, 3, 10, 10, 2], -5.5)

    # -- periods ---------------------------------------------------------------------------------------------
    add("periods", "compare_periods-ours", "compare_periods", _ours())
    add("periods", "compare_periods-all-by-brand", "compare_periods", D("sample"), by="brand")
    add("periods", "compare_periods-monthly-bootstrap", "compare_periods", _ours(), freq="ME", method="bootstrap",
        random_state=6, min_n=20)
    add("periods", "compare_periods-year-ago", "compare_periods", _ours(), compare_to="year_ago", method="wald")
    add("periods", "compare_periods-weighted-by-segment", "compare_periods", D("sample_weighted"), by="segment",
        weights="weight", confidence=0.9)
    add("periods", "compare_periods-small", "compare_periods", D("small"), freq="QE", min_n=5, method="bayes",
        random_state=6)
    add("periods", "trend-ours", "trend", _ours())
    add("periods", "trend-by-brand", "trend", D("sample"), by="brand")
    add("periods", "trend-weighted-monthly", "trend", _ours("sample_weighted"), weights="weight", freq="ME",
        min_n=30, confidence=0.9)
    add("periods", "trend-small", "trend", D("small"), by="segment")
    add("periods", "current_vs_previous-ours", "current_vs_previous", _ours())
    add("periods", "current_vs_previous-year-ago", "current_vs_previous", _ours(), compare_to="year_ago")
    add("periods", "current_vs_previous-weighted-bayes", "current_vs_previous", _ours("sample_weighted"),
        weights="weight", method="bayes", random_state=7)
    add("periods", "current_vs_previous-monthly", "current_vs_previous", D("sample"), freq="ME", method="wald")
    q3 = _ours(date_from="2024-07-01", date_to="2024-10-01")
    q4 = _ours(date_from="2024-10-01", date_to="2025-01-01")
    add("periods", "decompose_change", "decompose_change", q3, q4)
    add("periods", "decompose_change-by-segment", "decompose_change", q3, q4, by="segment")
    add("periods", "decompose_change-weighted-by-channel", "decompose_change",
        _ours("sample_weighted", date_from="2024-07-01", date_to="2024-10-01"),
        _ours("sample_weighted", date_from="2024-10-01", date_to="2025-01-01"), by="channel", weights="weight")
    add("periods", "decompose_change-arrays", "decompose_change", [10, 9, 3, 7, 8, 10, 0], [10, 10, 9, 6, 8])
    add("periods", "rolling_nps-monthly", "rolling_nps", _ours(), window=3, freq="ME")
    add("periods", "rolling_nps-answers", "rolling_nps", _ours(date_from="2024-10-01"), window=50, min_periods=20)

    # -- comments --------------------------------------------------------------------------------------------
    add("comments", "classify_comments-head50", "classify_comments", D("sample", column="comment", head=50))
    add("comments", "classify_comments-commented50", "classify_comments",
        D("sample", column="comment", dropna="comment", head=50))
    add("comments", "classify_comments-ru", "classify_comments",
        D("sample", column="comment", dropna="comment", head=50), language="ru")
    add("comments", "classify_comments-list", "classify_comments",
        ["Great service, but the delivery was slow.", "Доставка быстрая, спасибо!", "Obsługa była okropna.",
         None, "", "Please add more payment options."])
    add("comments", "theme_impact-ours", "theme_impact", _ours())
    add("comments", "theme_impact-all-commented", "theme_impact", D("sample"), base="commented")
    add("comments", "theme_impact-minus", "theme_impact", _ours(), kind="minus", correction="bonferroni")
    add("comments", "theme_impact-weighted", "theme_impact", _ours("sample_weighted"), weights="weight",
        confidence=0.9)
    add("comments", "theme_impact-bootstrap", "theme_impact", _ours(), method="bootstrap", n_resamples=999,
        random_state=5)
    add("comments", "theme_impact-owners-themes", "theme_impact", D("sample"), themes=["delivery", "price"],
        owners={"delivery": "Logistics", "price": "Pricing"})
    add("comments", "theme_impact-duckdb", "theme_impact", {"$parquet": "sample_weighted"}, weights="weight")

    # -- drivers ---------------------------------------------------------------------------------------------
    drivers = ["price", "quality", "support", "speed"]
    add("drivers", "shapley", "key_drivers", D("drivers"), drivers=drivers, n_resamples=200, random_state=6)
    add("drivers", "relative-weights", "key_drivers", D("drivers"), drivers=drivers, n_resamples=200,
        random_state=6, method="relative-weights")
    add("drivers", "weighted", "key_drivers", D("drivers"), drivers=drivers, weights="weight", n_resamples=150,
        random_state=6, confidence=0.9)
    add("drivers", "no-intervals", "key_drivers", D("drivers"), drivers=drivers[:3], n_resamples=0)
    return cases


# ---------------------------------------------------------------------------------------------------------------
# writing
# ---------------------------------------------------------------------------------------------------------------


def _dump(path: Path, obj) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(obj, indent=1, ensure_ascii=False, allow_nan=True) + "\n", encoding="utf-8")


def check_sources() -> None:
    """Refuse to run when nps_toolkit and nps_toolkit.templates are from different checkouts."""
    import nps_toolkit
    import nps_toolkit.templates

    package = Path(nps_toolkit.__file__).resolve().parent
    templates = Path(nps_toolkit.templates.__file__).resolve().parent
    print(f"nps_toolkit: {package}\ntemplates:   {templates}")
    if templates != package.parent / "templates":
        sys.exit(f"the templates ({templates}) are not those of the package's checkout ({package.parent}); "
                 "see the module notes")


def check_kernel(work: Path) -> None:
    """The notebook kernel imports the same nps_toolkit as this process."""
    import nbformat
    import nps_toolkit as nt

    nb = nbformat.v4.new_notebook()
    nb.metadata = json.loads(nt.parameters.template_path("benchmark_study").read_text(encoding="utf-8"))["metadata"]
    params = nbformat.v4.new_code_cell('results_path = "probe.json"')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, nbformat.v4.new_code_cell(
        "import json, nps_toolkit\njson.dump({'file': nps_toolkit.__file__}, open(results_path, 'w'))")]
    probe = Path(work) / "probe.ipynb"
    nbformat.write(nb, str(probe))
    run = nt.run_template(probe, parameters={}, output_dir=Path(work) / "probe")
    kernel = Path(json.loads(run.results.read_text())["file"]).resolve()
    print(f"kernel:      {kernel}")
    if kernel != Path(nt.__file__).resolve():
        sys.exit(f"the kernel imports {kernel}, not {nt.__file__}")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="run every template twice and print differences")
    parser.add_argument("--skip-templates", action="store_true")
    args = parser.parse_args(argv)
    check_sources()
    work = Path(tempfile.mkdtemp(prefix="golden-"))
    try:
        check_kernel(work)
        if args.check:
            _check_twice(work)
            return
        inputs_dir = GOLDEN / "inputs"
        _dump(inputs_dir / "small.json", frame_to_json(make_small_survey()))
        _dump(inputs_dir / "drivers.json", frame_to_json(make_drivers()))
        inputs = Inputs(work / "inputs", load_stored_inputs())
        cases = api_cases()
        cases["data"].insert(0, {"id": "load_sample", "function": "load_sample", "args": [], "kwargs": {},
                                 "digest": True})
        failed = []
        for group, group_cases in cases.items():
            for case in group_cases:
                try:
                    if case.pop("digest", False):
                        case["result"] = frame_digest(call(case, inputs))
                        case["compare"] = "digest"
                    else:
                        case["result"] = replay(case, inputs)
                except Exception as exc:  # noqa: BLE001 - listed at the end
                    failed.append(f"{group}/{case['id']}: {type(exc).__name__}: {exc}")
            if failed:
                continue
            _dump(GOLDEN / "api" / f"{group}.json", {"commit": COMMIT, "cases": group_cases})
            print(f"api/{group}.json: {len(group_cases)} cases")
        if failed:
            sys.exit("cases that failed:\n" + "\n".join(failed))
        if not args.skip_templates:
            for template, variants in TEMPLATE_VARIANTS.items():
                for variant, params in variants.items():
                    results = run_template_case(template, params, work / template / variant)
                    _dump(GOLDEN / "templates" / f"{template}__{variant}.json",
                          {"commit": COMMIT, "template": template, "variant": variant, "parameters": params,
                           "stripped": ["meta.version", f"data folder -> {DATA_PLACEHOLDER}"], "results": results})
                    print(f"templates/{template}__{variant}.json")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _diff(a, b, where=""):
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                yield f"{where}.{k}: only in one run"
            else:
                yield from _diff(a[k], b[k], f"{where}.{k}")
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b)):
            yield from _diff(x, y, f"{where}[{i}]")
    elif a != b and not (isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b)):
        yield f"{where}: {a!r} != {b!r}"


def _check_twice(work: Path) -> None:
    import nps_toolkit as nt

    for template, variants in TEMPLATE_VARIANTS.items():
        for variant, params in variants.items():
            raw = []
            for i in (1, 2):
                folder = work / f"run{i}" / template / variant
                run = nt.run_template(template, parameters=template_parameters(params, folder / "data"), output_dir=folder / "out")
                raw.append(json.loads(run.results.read_text(encoding="utf-8")))
            print(f"{template}/{variant}:", *(list(_diff(*raw)) or ["no difference"]), sep="\n    ")


if __name__ == "__main__":
    main()
