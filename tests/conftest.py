"""Shared fixtures for the test suite."""

from __future__ import annotations

from pathlib import Path

import importlib.util
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
