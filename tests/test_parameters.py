"""Template parameters: declared in the notebooks, checked by one shared function."""

import importlib.util

import pandas as pd
import pytest

import nps_toolkit as nt
from nps_toolkit import parameters
from nps_toolkit.parameters import (Parameter, ParameterError, check_parameters, coerce_value, list_templates,
                                    prepare_study, template_parameters)

TEMPLATES = ["benchmark_study", "competitor_comparison", "period_comparison"]
SHARED = {"data_path", "score_column", "results_path", "title", "language", "confidence", "method",
          "weights_column", "min_n"}


def _defaults(name):
    """The template's defaults, evaluated from the parameters cell text."""
    return {k: eval(p.default) for k, p in template_parameters(name).items()}  # noqa: S307 - our own notebooks


def test_the_three_templates_are_bundled():
    assert list_templates() == TEMPLATES


@pytest.mark.parametrize("name", TEMPLATES)
def test_every_parameter_has_type_and_help(name):
    params = template_parameters(name)
    assert SHARED <= set(params)
    for p in params.values():
        assert p.help and p.type != "None", p


@pytest.mark.parametrize("name", TEMPLATES)
def test_defaults_pass_the_checks(name):
    params, data = prepare_study(name, _defaults(name))
    assert len(data) >= 5000 and params["language"] == "en"


def test_unknown_and_misspelt_names_are_errors():
    values = _defaults("benchmark_study") | {"segmnet_column": "region"}
    with pytest.raises(ParameterError, match="unknown parameter 'segmnet_column'.*allowed: data_path"):
        check_parameters("benchmark_study", values)


def test_notebook_namespace_noise_is_ignored():
    import math

    values = _defaults("benchmark_study") | {"In": [], "Out": {}, "_i1": "x", "math": math, "get_ipython": print}
    assert set(check_parameters("benchmark_study", values)) == set(template_parameters("benchmark_study"))


@pytest.mark.parametrize("key, value, message", [
    ("confidence", "high", "parameter 'confidence' must be float, got 'high'"),
    ("min_n", 2.5, "parameter 'min_n' must be int"),
    ("segment_column", 3, "parameter 'segment_column' must be str or None"),
    ("language", "de", "parameter 'language' must be one of en, ru, pl, got 'de'"),
    ("confidence", 1.5, "strictly between 0 and 1"),
    ("method", "exact", "parameter 'method' must be one of .*adjusted-wald"),
    ("segment_column", "region", "parameter 'segment_column': column 'region' is not in the data"),
    ("data_path", "no/such/file.csv", "file not found"),
    ("weights_column", "segment", "parameter 'weights_column': segment: weights must be numbers, got text"),
])
def test_bad_values_are_named(key, value, message):
    with pytest.raises(ParameterError, match=message):
        prepare_study("benchmark_study", _defaults("benchmark_study") | {key: value})


def test_unknown_template():
    with pytest.raises(ParameterError, match="unknown template 'nope'; available: benchmark_study"):
        template_parameters("nope")


@pytest.mark.parametrize("kind, text, value", [
    ("float", "0.9", 0.9), ("int", "40", 40), ("str", "2024", "2024"), ("Optional[str]", "None", None),
    ("Optional[float]", "20", 20.0), ("bool", "true", True), ("Optional[str]", "north", "north"),
])
def test_command_line_values_take_the_declared_type(kind, text, value):
    assert coerce_value(Parameter("x", kind, "", ""), text) == value


# -- a refused column is the parameter that names it, told by the error's role (not its message) ----------------
need_duckdb = pytest.mark.skipif(importlib.util.find_spec("duckdb") is None, reason="needs duckdb")

#: A weights column whose name makes its message start as a score message would: "column 'score': weights ...".
TRICKY = "column 'score'"


def _study(tmp_path, engine, **columns):
    pd.DataFrame(columns).to_parquet(tmp_path / "answers.parquet")
    values = _defaults("benchmark_study") | {"data_path": str(tmp_path / "answers.parquet"), "engine": engine,
                                             "score_column": "score", "weights_column": TRICKY}
    with pytest.raises(ParameterError) as info:
        prepare_study("benchmark_study", values)
    return str(info.value)


@pytest.mark.parametrize("engine", [pytest.param("duckdb", marks=need_duckdb), "pandas"])
def test_a_bad_weights_or_score_column_names_its_parameter(tmp_path, engine):
    if engine == "pandas" and importlib.util.find_spec("pyarrow") is None:
        pytest.skip("needs pyarrow to read Parquet")
    text = _study(tmp_path, engine, score=[10, 9, 3], **{TRICKY: [1.0, -2.0, 1.0]})
    assert text.startswith(f"parameter 'weights_column': {TRICKY}: weights must be finite, non-negative numbers")
    if engine == "duckdb":  # (read_responses refuses the answers itself on the pandas path)
        text = _study(tmp_path, engine, score=[10, 11, 3], **{TRICKY: [1.0, 1.0, 1.0]})
        assert text.startswith("parameter 'score_column': column 'score': answers must be whole numbers 0 to 10")


@need_duckdb
@pytest.mark.parametrize("role, key", [("score", "score_column"), ("weights", "weights_column")])
def test_the_parameter_comes_from_the_role_of_the_error(tmp_path, monkeypatch, role, key):
    def refuse(data, **kwargs):
        raise nt.DataValueError("no words to read", column="anything", role=role)

    monkeypatch.setattr(nt.counting, "counts", refuse)
    text = _study(tmp_path, "duckdb", score=[10, 9], **{TRICKY: [1.0, 1.0]})
    assert text == f"parameter {key!r}: no words to read"


@pytest.mark.parametrize("error, key", [
    (nt.DataValueError("x", column="q1", role="score"), "score_column"),
    (nt.DataValueError("x", column="when", role="date"), "date_column"),
    (nt.dates.AmbiguousDatesError("x", column="when", examples=[("03/01/2024", 0)]), "dayfirst"),
    (nt.DataValueError("x", column="other", role="date"), "data_path"),
    (nt.DataValueError("several columns could be the score; pass score=", role="score"), "score_column"),
    (nt.DataValueError("column 'q2': cannot read a score", column="q2", role="score"), "data_path"),
    (ValueError("column 'q1': pass score= dayfirst"), "data_path"),  # the text is never read
])
def test_read_errors_name_the_parameter_of_their_column(error, key):
    assert parameters._read_parameter(error, "q1", "when") == key
