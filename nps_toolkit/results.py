"""Results JSON of a study: plain values, validated against the shipped schema, written atomically."""

from __future__ import annotations

import json
import math
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from ._files import atomic_write_text

__all__ = ["to_jsonable", "load_schema", "validate_results", "write_results"]


def to_jsonable(value):
    """Plain JSON values: numpy/pandas scalars unwrapped, NaN and NA as None, tables as lists of records.

    Examples
    --------
    >>> to_jsonable({"a": np.float64(1.5), "b": float("nan"), "c": [np.int64(2), pd.NA]})
    {'a': 1.5, 'b': None, 'c': [2, None]}
    """
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, pd.DataFrame):
        return [to_jsonable(r) for r in value.to_dict(orient="records")]
    if isinstance(value, (list, tuple, pd.Series, np.ndarray)):
        return [to_jsonable(v) for v in list(value)]
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return None if math.isnan(value) or math.isinf(value) else float(value)
    if isinstance(value, (pd.Timestamp, pd.Period)):
        return str(value)
    return value


def load_schema(name: str) -> dict:
    """The JSON Schema of a template's results file."""
    text = (resources.files("nps_toolkit") / "schemas" / f"{name}.schema.json").read_text(encoding="utf-8")
    return json.loads(text)


def validate_results(results: dict, name: str) -> None:
    """Raise ``jsonschema.ValidationError`` if ``results`` does not match the template's schema."""
    import jsonschema

    jsonschema.validate(results, load_schema(name))


def write_results(results: dict, path, *, schema: str | None = None) -> Path:
    """Write a study's results as JSON (atomically), after checking them against ``schema``.

    See Also
    --------
    Study : A study's results and what the report shows.
    run_template : Run a template: it writes the results JSON.
    """
    plain = to_jsonable(results)
    if schema is not None:
        validate_results(plain, schema)
    return atomic_write_text(path, json.dumps(plain, indent=2, ensure_ascii=False, allow_nan=False) + "\n")
