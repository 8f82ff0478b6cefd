"""The package's outputs are those of the golden copy made before the issue-15 restructuring.

``tests/data/golden/`` holds what commit 25623e9 gave for the three report
templates (``run_template`` on the bundled sample and on variants) and for
direct calls of the API (see ``tests/data/make_golden.py``, which made them
and which this test uses to replay the calls). Each case is run again with
the code under test and must give the same results: numbers to 1e-9 relative
(1e-12 absolute), everything else (keys, strings, dtypes, types) exactly.
The calls are replayed with the keyword names of 25623e9 and
DeprecationWarning ignored: an old name that is renamed must keep working
and give the same numbers.

The template results JSONs have grown since the golden copy was made (issue
16: ``key_figures``, ``verbatims``, ``action_plan``, ``followup``, and the
comment column, follow-up list and action plan of the competitor and period
templates). So the template comparison is one way: every key, list, number
and string *in the golden copy* must be in the new results, unchanged (lists
of the same length, numbers to the same tolerance, strings exactly); keys
the golden copy does not have are allowed (``allow_new_keys``). The report
prose (headline, methods note) is not part of the results JSON, so wording
changes such as "unchanged" for a zero change do not show here. The API
calls are still compared both ways (their keys exactly).

The template runs (a notebook kernel each, ~8 s) come first so that
``pytest -n 2`` spreads them over both workers; ``-k "not template"`` leaves
them out.
"""

from __future__ import annotations

import importlib.util
import json
import math
import warnings
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
GOLDEN = HERE / "data" / "golden"


def _maker():
    spec = importlib.util.spec_from_file_location("_golden_maker", HERE / "data" / "make_golden.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


golden = _maker()


def _read(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


TEMPLATE_FILES = sorted((GOLDEN / "templates").glob("*.json"))
API_CASES = [pytest.param(path.name, case, id=f"{path.stem}/{case['id']}")
             for path in sorted((GOLDEN / "api").glob("*.json")) for case in _read(path)["cases"]]


def differences(got, want, where="result", *, allow_new_keys=False):
    """Where ``got`` differs from ``want``: numbers to 1e-9 relative / 1e-12 absolute, the rest exactly.

    With ``allow_new_keys``, a dict of ``got`` may hold keys that ``want`` has not (at any depth); every key of
    ``want`` must still be there with the same value.
    """
    if isinstance(want, dict):
        if not isinstance(got, dict):
            yield f"{where}: a {type(got).__name__}, not a dict: {got!r:.200}"
            return
        missing, extra = set(want) - set(got), set(got) - set(want)
        if missing or (extra and not allow_new_keys):
            yield f"{where}: keys differ; missing {sorted(missing)}, extra {sorted(extra)}"
        for key in want:
            if key in got:
                yield from differences(got[key], want[key], f"{where}.{key}", allow_new_keys=allow_new_keys)
    elif isinstance(want, list):
        if not isinstance(got, list) or len(got) != len(want):
            yield f"{where}: {got!r:.200} != {want!r:.200} (length or type)"
            return
        for i, (g, w) in enumerate(zip(got, want)):
            yield from differences(g, w, f"{where}[{i}]", allow_new_keys=allow_new_keys)
    elif isinstance(want, bool) or isinstance(got, bool):
        if got is not want:
            yield f"{where}: {got!r} != {want!r}"
    elif isinstance(want, float):
        if not isinstance(got, float):
            yield f"{where}: {got!r} ({type(got).__name__}) != {want!r} (float)"
        elif math.isnan(want) or math.isnan(got):
            if not (math.isnan(want) and math.isnan(got)):
                yield f"{where}: {got!r} != {want!r}"
        elif not math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-12):
            yield f"{where}: {got!r} != {want!r}"
    elif isinstance(want, int):
        if not isinstance(got, int) or got != want:
            yield f"{where}: {got!r} ({type(got).__name__}) != {want!r} (int)"
    elif got != want:
        yield f"{where}: {got!r:.300} != {want!r:.300}"


# -- the one intended change since the golden copy ---------------------------------------------------------------
# Issue 17: a weighted table's ``n`` is the number of answers; the sum of their weights, which ``n`` held before,
# is the new column ``weighted_total`` (and a weighted count table gains ``n``). ``as_before`` turns a new result
# back into the old layout (``n`` := ``weighted_total``; a count table's new ``n`` dropped), so every number of the
# golden copy is still compared; tests/test_summary.py checks the new ``n`` itself.
def as_before(got, want):
    """``got`` in the layout of the golden copy ``want`` where the two differ by the weighted-``n`` change only."""
    if isinstance(got, dict) and isinstance(want, dict):
        if got.get("$type") == "DataFrame" and want.get("$type") == "DataFrame":
            return _frame_as_before(got, want)
        return {k: as_before(v, want[k]) if k in want else v for k, v in got.items()}
    if isinstance(got, list) and isinstance(want, list) and len(got) == len(want):
        return [as_before(g, w) for g, w in zip(got, want)]
    return got


def _frame_as_before(got: dict, want: dict) -> dict:
    columns, dtypes, data = list(got["columns"]), list(got["dtypes"]), list(got["data"])
    if "weighted_total" in columns and "weighted_total" not in want["columns"] and "n" in columns:
        i, j = columns.index("n"), columns.index("weighted_total")
        dtypes[i], data[i] = dtypes[j], data[j]
        del columns[j], dtypes[j], data[j]
    elif "n" in columns and "n" not in want["columns"] and "promoters_sq" in columns:
        i = columns.index("n")
        del columns[i], dtypes[i], data[i]
    return {**got, "columns": columns, "dtypes": dtypes, "data": data,
            "attrs": as_before(got.get("attrs"), want.get("attrs"))}


def weighted_template(stored: dict) -> bool:
    return bool(stored["parameters"].get("weights_column"))


def without_n(results):
    """A template's results without the keys ``n`` (of brands, segments and periods): for weighted runs, where
    ``n`` is now the number of answers rather than the sum of their weights."""
    if isinstance(results, dict):
        return {k: without_n(v) for k, v in results.items() if k != "n"}
    if isinstance(results, list):
        return [without_n(v) for v in results]
    return results


def numbers_of_answers(results):
    """Every ``n`` of a template's results (at any depth)."""
    if isinstance(results, dict):
        return [v for k, v in results.items() if k == "n"] + [n for v in results.values() for n in numbers_of_answers(v)]
    if isinstance(results, list):
        return [n for v in results for n in numbers_of_answers(v)]
    return []


def assert_same(got, want, *, allow_new_keys=False):
    found = list(differences(got, want, allow_new_keys=allow_new_keys))
    shown = "\n".join(found[:25]) + (f"\n... and {len(found) - 25} more" if len(found) > 25 else "")
    assert not found, f"{len(found)} difference(s) from the golden copy:\n{shown}"


@pytest.fixture(scope="session")
def golden_inputs(tmp_path_factory):
    """The named inputs of the API cases (the stored ones read from tests/data/golden/inputs)."""
    return golden.Inputs(tmp_path_factory.mktemp("golden_inputs"), golden.load_stored_inputs())


@pytest.mark.parametrize("path", TEMPLATE_FILES, ids=lambda p: f"template/{p.stem}")
def test_template_results_match_the_golden_copy(path, tmp_path):
    stored = _read(path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        results = golden.run_template_case(stored["template"], stored["parameters"], tmp_path)
    results, want = json.loads(json.dumps(results)), stored["results"]
    if weighted_template(stored):  # n counts answers now (see as_before): every n is a whole number of answers
        found = numbers_of_answers(results)
        assert found and all(isinstance(n, int) and n >= 0 for n in found), found
        results, want = without_n(results), without_n(want)
    assert_same(results, want, allow_new_keys=True)


@pytest.mark.parametrize("file, case", API_CASES)
def test_api_call_matches_the_golden_copy(file, case, golden_inputs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        if case.get("compare") == "digest":
            got = json.loads(json.dumps(golden.frame_digest(golden.call(case, golden_inputs)), allow_nan=True))
        else:
            got = golden.replay(case, golden_inputs)
    assert_same(as_before(got, case["result"]), case["result"])


def test_the_template_comparison_allows_new_keys_only():
    """The one-way comparison of the templates: new keys pass; a missing key, a changed number or a changed
    list length still fail."""
    want = {"overall": {"nps": 18.4, "n": 2368}, "segments": [{"segment": "North", "nps": 20.5}]}
    grown = {"overall": {"nps": 18.4, "n": 2368, "band": "satisfactory"},
             "segments": [{"segment": "North", "nps": 20.5, "low_n": False}], "key_figures": {"nps": 18.4}}
    assert not list(differences(grown, want, allow_new_keys=True))
    assert list(differences(grown, want))  # the API comparison stays two-way
    assert list(differences({"overall": {"nps": 18.4}, "segments": want["segments"]}, want, allow_new_keys=True))
    assert list(differences({**grown, "overall": {"nps": 18.5, "n": 2368}}, want, allow_new_keys=True))
    assert list(differences({**grown, "segments": grown["segments"] * 2}, want, allow_new_keys=True))


def test_the_golden_copy_is_complete():
    """Every template and every group of calls has its files (a file lost in a merge fails here)."""
    assert {p.stem.split("__")[0] for p in TEMPLATE_FILES} == set(golden.TEMPLATE_VARIANTS)
    assert len(TEMPLATE_FILES) == sum(len(v) for v in golden.TEMPLATE_VARIANTS.values())
    assert len(API_CASES) >= 150
    assert {p.stem for p in (GOLDEN / "inputs").glob("*.json")} == set(golden.Inputs.STORED)
