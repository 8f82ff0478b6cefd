"""Shared fixtures for the test suite."""

from __future__ import annotations

from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import pytest

matplotlib.use("Agg")

DATA = Path(__file__).parent / "data"
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
