"""Shared fixtures for the test suite."""

from __future__ import annotations

from pathlib import Path

import importlib.util
import os
import math
import shutil

import matplotlib
import numpy as np
import pandas as pd
import pytest

matplotlib.use("Agg")

DATA = Path(__file__).parent / "data"

def sample_columns(template: str, params: dict) -> dict:
    """``params`` plus the sample's columns for the template's "auto" parameters (files holding sample rows)."""
    from nps_toolkit.parameters import SAMPLE_COLUMNS, template_parameters

    declared = template_parameters(template)
    extra = {k: v for k, v in SAMPLE_COLUMNS.items() if k in declared and declared[k].default.strip("\"'") == "auto"}
    return {**extra, **params}
REFERENCE = DATA / "reference"


@pytest.fixture
def data_dir() -> Path:
    """Folder of test input files."""
    return DATA


@pytest.fixture(scope="session")
def r_one_sample() -> pd.DataFrame:
    """R package NPS one-sample outputs (see tests/data/reference/README.md)."""
    return pd.read_csv(REFERENCE / "r_nps_one_sample.csv")


@pytest.fixture(scope="session")
def r_two_sample() -> pd.DataFrame:
    """R package NPS two-sample outputs (see tests/data/reference/README.md)."""
    return pd.read_csv(REFERENCE / "r_nps_two_sample.csv")


@pytest.fixture(scope="session")
def exact_coverage() -> pd.DataFrame:
    """Exact coverage figures of the 95% intervals (see tests/data/reference/README.md)."""
    return pd.read_csv(REFERENCE / "exact_coverage.csv")


def _assert_close(got, want, where="results"):
    """Equal structures (dicts, lists); numbers equal to 1e-9 relative (sums taken in another order)."""
    if isinstance(want, dict):
        assert isinstance(got, dict) and got.keys() == want.keys(), where
        for key in want:
            _assert_close(got[key], want[key], f"{where}.{key}")
    elif isinstance(want, list):
        assert isinstance(got, list) and len(got) == len(want), where
        for i, (g, w) in enumerate(zip(got, want)):
            _assert_close(g, w, f"{where}[{i}]")
    elif isinstance(want, float) and not isinstance(got, bool):
        assert isinstance(got, (int, float)), where
        assert math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-9) or (math.isnan(got) and math.isnan(want)), \
            f"{where}: {got} != {want}"
    else:
        assert got == want, f"{where}: {got!r} != {want!r}"


@pytest.fixture
def assert_close():
    """Compare nested results (JSON-like): same keys and lengths, numbers to 1e-9 relative."""
    return _assert_close


@pytest.fixture
def rng() -> np.random.Generator:
    """A seeded random generator."""
    return np.random.default_rng(20261123)


@pytest.fixture
def survey() -> pd.DataFrame:
    """A small survey frame: scores with a missing answer, two segments, weights."""
    return pd.DataFrame({
        "score": [10, 9, 8, 7, 6, 0, None, 10, 3, 9],
        "segment": ["north"] * 5 + ["south"] * 5,
        "weight": [1.0, 2.0, 1.0, 0.5, 1.5, 1.0, 1.0, 2.0, 1.0, 1.0],
    })


# -- Spark (tests/test_engines.py, tests/test_studies.py) ------------------------------------------------------------
HAS_SPARK = importlib.util.find_spec("pyspark") is not None and shutil.which("java") is not None
SPARK_REASON = "needs pyspark and Java (pip install 'nps-toolkit[spark]')"


@pytest.fixture(scope="session")
def complex_sample() -> pd.DataFrame:
    """The stratified, clustered, weighted sample of tests/data/survey_reference (R's survey package's answers
    are stored beside it): 995 rows, 4 regions (strata), 28 stores (PSUs), two waves, three brands."""
    return pd.read_csv(Path(__file__).parent / "data" / "survey_reference" / "sample.csv")


@pytest.fixture(scope="session")
def spark():
    """One local Spark session for the test run (skipped without pyspark or Java)."""
    if not HAS_SPARK:
        pytest.skip(SPARK_REASON)
    from pyspark.sql import SparkSession

    session = (SparkSession.builder.master("local[1]").appName("nps_toolkit-tests")
               .config("spark.sql.shuffle.partitions", "2").config("spark.ui.enabled", "false")
               .config("spark.sql.session.timeZone", "UTC").config("spark.driver.memory", "1g")
               .config("spark.ui.showConsoleProgress", "false").config("spark.sql.adaptive.enabled", "false")
               .config("spark.sql.codegen.wholeStage", "false")  # small data: compiling costs more than it saves
               .getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def _spark_type(series: pd.Series) -> str:
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return "boolean"
    if pd.api.types.is_integer_dtype(dtype):
        return "long"
    if pd.api.types.is_float_dtype(dtype):
        return "double"
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return "timestamp_ntz"
    values = series.dropna()
    if len(values) and all(isinstance(v, (bool, np.bool_)) for v in values):
        return "boolean"
    return "string"


def _spark_frame(session, df: pd.DataFrame, partitions: int = 1):
    """A Spark DataFrame of the rows of ``df`` (in order, over ``partitions`` partitions), types as pandas'."""
    schema = ", ".join(f"`{c}` {_spark_type(df[c])}" for c in df.columns)
    rows = []
    for record in df.astype(object).itertuples(index=False):
        row = []
        for v in record:
            if v is None or v is pd.NaT or (isinstance(v, float) and math.isnan(v)) or v is pd.NA:
                row.append(None)
            elif isinstance(v, pd.Timestamp):
                row.append(v.to_pydatetime())
            elif isinstance(v, np.generic):
                row.append(v.item())
            else:
                row.append(v)
        rows.append(tuple(row))
    rdd = session.sparkContext.parallelize(rows, partitions)
    return session.createDataFrame(rdd, schema)




@pytest.fixture
def spark_frame(spark):
    """A function turning a pandas frame into a Spark DataFrame: ``spark_frame(df, partitions=1)``."""
    return lambda df, partitions=1: _spark_frame(spark, df, partitions)


# -- reports in a real browser (tests/test_browser.py) ----------------------------------------------------------------
#: Set in CI (.ci/run): a missing browser fails the browser tests instead of skipping them.
BROWSER_REQUIRED = os.environ.get("NPS_TOOLKIT_REQUIRE_BROWSER", "") not in ("", "0")

#: The templates, run once per test session on the bundled sample.
TEMPLATES = ("benchmark_study", "competitor_comparison", "period_comparison")

#: Data values and parameters that are markup; a report of them must show them as text and run none of them.
MARKUP = {
    "brand": "<script>window.__pwned=1</script>",
    "segment": '<img src=x onerror="window.__pwned=1">',
    "math": "Promo $\\badcmd$",
    "column": 'Region <img src=y onerror="window.__pwned=1">',
    "comment": "<script>window.__pwned=1</script> The delivery was late",
    "title": "Q3 results\n[click](javascript:window.__pwned=1) <b onmouseover=\"window.__pwned=1\">bold</b>",
}
#: The templates run on the markup data (the benchmark study shows segments, the comparison brands).
MARKUP_TEMPLATES = ("benchmark_study", "competitor_comparison")


def markup_sample(path: Path) -> Path:
    """The bundled sample with a brand, two segments, the segment column and some comments renamed to markup."""
    import nps_toolkit as nt

    data = nt.load_sample()
    data["brand"] = data["brand"].replace({"Kestrel": MARKUP["brand"]})
    data["segment"] = data["segment"].replace({"North": MARKUP["segment"], "South": MARKUP["math"]})
    commented = data.index[data["comment"].notna()][::3]
    data.loc[commented, "comment"] = MARKUP["comment"] + ": " + data.loc[commented, "comment"]
    data = data.rename(columns={"segment": MARKUP["column"]})
    data.to_csv(path, index=False)
    return path


class TemplateReports:
    """Template runs made on first use and kept for the session (a failed run is re-raised, not retried).

    ``reports("benchmark_study")`` is the template on the bundled sample; ``reports("markup/benchmark_study")``
    the template on :func:`markup_sample` with :data:`MARKUP`'s title.
    """

    def __init__(self, folder: Path):
        self.folder = folder
        self._runs: dict = {}

    def __call__(self, key: str):
        if key not in self._runs:
            try:
                self._runs[key] = self._run(key)
            except Exception as error:  # noqa: BLE001 - kept and raised again for every test that asks
                self._runs[key] = error
        run = self._runs[key]
        if isinstance(run, Exception):
            raise run
        return run

    def _run(self, key: str):
        from nps_toolkit import run_template
        from nps_toolkit.parameters import template_parameters

        kind, _, template = key.rpartition("/")
        out = self.folder / (kind or "sample")
        if not kind:
            return run_template(template, output_dir=out)
        data = self.folder / "markup.csv"
        if not data.exists():
            markup_sample(data)
        params = sample_columns(template, {"data_path": str(data), "title": MARKUP["title"]})
        params = {k: (MARKUP["column"] if k == "segment_column" else v) for k, v in params.items()}
        if "id_column" in template_parameters(template):
            params["id_column"] = "respondent_id"  # the sample's respondent id
        return run_template(template, parameters=params, output_dir=out)


@pytest.fixture(scope="session")
def template_reports(tmp_path_factory) -> TemplateReports:
    """The templates' reports, each run once per session on first use (see :class:`TemplateReports`)."""
    return TemplateReports(tmp_path_factory.mktemp("template_reports"))


@pytest.fixture(scope="module")
def chromium():
    """A headless Chromium for the test module (nps_toolkit._browser.browser); skipped, with the reason, without one.

    Module-scoped: while Playwright's synchronous API is open, the thread counts as running an asyncio loop
    (``asyncio.run`` refuses to start there), so it is closed before the next module's tests.
    """
    from contextlib import ExitStack

    from nps_toolkit._browser import BrowserUnavailable, browser

    with ExitStack() as stack:
        try:
            launched = stack.enter_context(browser())
        except BrowserUnavailable as error:
            if BROWSER_REQUIRED:
                pytest.fail(f"NPS_TOOLKIT_REQUIRE_BROWSER is set but {error}")
            pytest.skip(str(error))
        yield launched
