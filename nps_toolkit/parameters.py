"""Template parameters: read them from the notebooks, check them, load the data.

Every template's first code cell after its ``parameters`` cell calls
:func:`prepare_study`, which stops with one plain message naming the bad
parameter and what is allowed: an unknown or misspelt parameter name (which
papermill only warns about), a wrong type, an unknown language or method, a
confidence outside (0, 1), a data file that cannot be read or a column that
is not in it.
"""

from __future__ import annotations

import math
import types
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import pandas as pd

from .datasets import OUR_BRAND

__all__ = ["ParameterError", "Parameter", "template_path", "list_templates", "template_parameters",
           "check_parameters", "prepare_study", "coerce_value", "design_of", "DESIGN_PARAMETERS"]

#: Parameters every template shares (the rest are template-specific).
SHARED = ("data_path", "score_column", "results_path", "title", "language", "confidence", "method",
          "weights_column", "strata_column", "psu_column", "fpc_column", "min_n", "engine", "seed")

#: The parameter naming the column of each role of a sample design (errors are mapped back to it).
DESIGN_PARAMETERS = {"weights": "weights_column", "strata": "strata_column", "psu": "psu_column",
                     "fpc": "fpc_column", "score": "score_column"}

#: Where a template's answers are counted (the ``engine`` parameter).
ENGINES = ("auto", "pandas", "duckdb", "spark")

#: Names IPython puts in a notebook's namespace; they are not parameters.
_IPYTHON_NAMES = {"In", "Out", "get_ipython", "exit", "quit", "open"}


class ParameterError(ValueError):
    """A template parameter is unknown, of the wrong type or not allowed.

    See Also
    --------
    prepare_study : Validate a template's parameters.
    run_template : Run a template.
    TemplateError : Raised when a template run fails.
    """


@dataclass(frozen=True)
class Parameter:
    """One parameter of a template, as declared in its ``parameters`` cell."""

    name: str
    type: str
    default: str
    help: str

    @property
    def kinds(self) -> list[str]:
        """The declared type as a list of alternatives: ``"Optional[str]"`` -> ``["str", "None"]``."""
        text = self.type.strip().strip("'\"")
        if text.startswith("Optional[") and text.endswith("]"):
            return [text[len("Optional["):-1].strip(), "None"]
        return [t.strip() for t in text.split("|")]

    def allows(self, value) -> bool:
        """Whether ``value`` is of the declared type (``int`` accepted for ``float``)."""
        for name in self.kinds:
            if name == "None" and value is None:
                return True
            if name == "bool" and isinstance(value, bool):
                return True
            if name == "int" and isinstance(value, int) and not isinstance(value, bool):
                return True
            if name == "float" and isinstance(value, (int, float)) and not isinstance(value, bool):
                return True
            if name == "str" and isinstance(value, str):
                return True
            if name.startswith("list") and isinstance(value, (list, tuple)):
                return True
            if name.startswith("dict") and isinstance(value, dict):
                return True
        return False


def _templates_dir():
    return resources.files("nps_toolkit.templates")


def template_path(name) -> Path:
    """Path of a template notebook, from its name (``"benchmark_study"``) or a path.

    Examples
    --------
    >>> template_path("benchmark_study").name
    'benchmark_study.ipynb'
    """
    candidate = Path(str(name))
    if candidate.suffix == ".ipynb" and candidate.exists():
        return candidate
    found = _templates_dir() / f"{name}.ipynb"
    if not found.is_file():
        raise ParameterError(f"unknown template {str(name)!r}; available: {', '.join(list_templates())}")
    return Path(str(found))


def list_templates() -> list[str]:
    """Names of the bundled templates.

    See Also
    --------
    template_parameters : The parameters of a template.
    run_template : Run a template.

    Examples
    --------
    >>> "benchmark_study" in list_templates()
    True
    """
    return sorted(p.name[:-6] for p in _templates_dir().iterdir() if p.name.endswith(".ipynb"))


def template_parameters(name) -> dict[str, Parameter]:
    """The parameters declared in a template's ``parameters`` cell, in order.

    Each line of that cell reads ``name: type = default  # help``.

    See Also
    --------
    list_templates : Names of the bundled templates.
    prepare_study : Validate a template's parameters and load its data.
    run_template : Run a template with parameter values.

    Examples
    --------
    >>> params = template_parameters("benchmark_study")
    >>> params["confidence"].type
    'float'
    """
    import papermill

    found = papermill.inspect_notebook(str(template_path(name)))
    return {k: Parameter(name=k, type=v["inferred_type_name"], default=v["default"], help=v["help"])
            for k, v in found.items()}


def coerce_value(parameter: Parameter, text: str):
    """Turn a command-line string into a value of the parameter's declared type.

    Examples
    --------
    >>> coerce_value(Parameter("confidence", "float", "0.95", ""), "0.9")
    0.9
    >>> coerce_value(Parameter("segment_column", "Optional[str]", "'segment'", ""), "none") is None
    True
    >>> coerce_value(Parameter("owners", "Optional[dict]", "None", ""), "{delivery: Logistics}")
    {'delivery': 'Logistics'}
    """
    import yaml

    kinds = parameter.kinds
    if "None" in kinds and text.strip().lower() in ("none", "null", ""):
        return None
    problem = None
    for kind in kinds:
        try:
            if kind == "int":
                return int(text)
            if kind == "float":
                return float(text)
            if kind == "bool" and text.strip().lower() in ("true", "false", "yes", "no", "1", "0"):
                return text.strip().lower() in ("true", "yes", "1")
            if kind.startswith(("list", "dict")):
                value = yaml.safe_load(text)  # safe: plain values only, a tag such as !!python/object is refused
                if isinstance(value, (list, dict)):
                    return value
        except ValueError:
            continue
        except yaml.YAMLError as exc:
            problem = " ".join(str(getattr(exc, "problem", None) or exc).split())
    if problem is not None and "str" not in kinds:
        raise ParameterError(f"parameter {parameter.name!r}: {text!r} is not a {' or '.join(kinds)} "
                             f"written in YAML ({problem})")
    return text


def check_parameters(name, values: dict) -> dict:
    """Check parameter names and types against the template's declaration.

    ``values`` may be a notebook's ``globals()``: IPython's own names,
    modules, functions and classes (imports) and names starting with ``_``
    are ignored; every other name must be a declared parameter. Returns the declared
    parameters with their values.
    """
    declared = template_parameters(name)
    given = {k: v for k, v in values.items()
             if not k.startswith("_") and k not in _IPYTHON_NAMES and not isinstance(v, types.ModuleType)
             and not callable(v)}
    unknown = sorted(set(given) - set(declared))
    if unknown:
        raise ParameterError(f"unknown parameter {unknown[0]!r} for template {str(name)!r}; "
                             f"allowed: {', '.join(declared)}")
    missing = [k for k in declared if k not in given]
    if missing:
        raise ParameterError(f"parameter {missing[0]!r} is not set")
    for key, param in declared.items():
        if not param.allows(given[key]):
            allowed = " or ".join(param.kinds)
            raise ParameterError(f"parameter {key!r} must be {allowed}, got {given[key]!r} "
                                 f"({type(given[key]).__name__}); {param.help}".rstrip("; "))
    return {k: given[k] for k in declared}


def design_of(p: dict):
    """The :class:`~nps_toolkit.SurveyDesign` of a study's parameters, or None for a simple (weighted) sample.

    A design is made when ``strata_column``, ``psu_column`` or ``fpc_column`` is set; its weights are
    ``weights_column``.

    Examples
    --------
    >>> design_of({"weights_column": "w", "strata_column": "region", "psu_column": "store", "fpc_column": None})
    SurveyDesign(weights='w', strata='region', psu='store')
    >>> design_of({"weights_column": "w", "strata_column": None, "psu_column": None, "fpc_column": None}) is None
    True
    """
    from .design import SurveyDesign

    fields = {k: p.get(f"{k}_column") for k in ("strata", "psu", "fpc")}
    if all(v is None for v in fields.values()):
        return None
    return SurveyDesign(weights=p.get("weights_column"), **fields)


def _check_design(p: dict, data) -> None:
    """The study's sample design is one the data can carry (columns, missing strata or PSUs, fpc values)."""
    from .design import design_estimates

    try:
        design = design_of(p)
        if design is not None:
            design_estimates(data, score=p["score_column"], design=design)
    except (TypeError, ValueError, KeyError) as exc:
        key = DESIGN_PARAMETERS.get(getattr(exc, "role", None))
        if key is None:
            key = "strata_column, psu_column and fpc_column"
        message = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
        raise ParameterError(f"parameter {key!r}: {message}") from None


def _check_shared(p: dict) -> None:
    from .compare import METHODS  # the studies test differences: the comparison methods apply
    from .interpretation import LANGUAGES

    if p["language"] not in LANGUAGES:
        raise ParameterError(f"parameter 'language' must be one of {', '.join(LANGUAGES)}, got {p['language']!r}")
    if not (0 < p["confidence"] < 1) or not math.isfinite(p["confidence"]):
        raise ParameterError(f"parameter 'confidence' must be strictly between 0 and 1, got {p['confidence']!r}")
    if p["method"] not in METHODS:
        raise ParameterError(f"parameter 'method' must be one of {', '.join(METHODS)}, got {p['method']!r}")
    if p["min_n"] < 1:
        raise ParameterError(f"parameter 'min_n' must be at least 1, got {p['min_n']!r}")
    if not p["results_path"]:
        raise ParameterError("parameter 'results_path' must name the file for the results JSON")
    if p["seed"] is not None and p["seed"] < 0:
        raise ParameterError(f"parameter 'seed' must be a whole number 0 or more, or None, got {p['seed']!r}")
    if p["engine"] not in ENGINES:
        raise ParameterError(f"parameter 'engine' must be one of {', '.join(ENGINES)}, got {p['engine']!r}")


def _check_comment_model(p: dict) -> None:
    """A ``comment_model`` must be the file of a comment model (read once here; the studies reuse it)."""
    if p.get("comment_model") in (None, ""):
        p["comment_model"] = None
        return
    from .comment_model import as_model

    try:
        as_model(p["comment_model"])
    except (OSError, TypeError, ValueError) as exc:
        raise ParameterError(f"parameter 'comment_model': {exc}") from None


_PARQUET = (".parquet", ".pq", ".parq")


def _files_of(text: str) -> list[Path]:
    """The files ``data_path`` names: one file, the files of a folder, or those a glob pattern matches."""
    import glob

    from .counting import list_files

    path = Path(text).expanduser()
    if not glob.has_magic(text) and not path.exists():
        raise ParameterError(f"parameter 'data_path': file not found: {str(path)!r}")
    try:
        return [Path(f) for f in list_files(str(path))]
    except FileNotFoundError as exc:
        raise ParameterError(f"parameter 'data_path': {exc.args[0]}") from None


def _spark_data(text: str):
    """``data_path`` read by the active Spark session (a table name, or Parquet/CSV files Spark can reach)."""
    from .counting import require

    require("pyspark", "spark", "the engine 'spark'")
    from pyspark.sql import SparkSession

    # the session already running (a cluster job, a Databricks or EMR notebook), else one from the
    # environment: SPARK_REMOTE=sc://host:15002 connects to a Spark Connect server, else Spark's own defaults
    spark = SparkSession.getActiveSession() or SparkSession.builder.appName("nps_toolkit").getOrCreate()
    suffix = Path(text.rstrip("/")).suffix.lower()
    if "/" not in text and "\\" not in text and not suffix:
        return spark.table(text)  # a table of the session's catalog, such as "surveys.nps_answers"
    if suffix == ".csv":
        return spark.read.csv(text, header=True, inferSchema=True)
    return spark.read.parquet(text)


def _load(p: dict, date_column: str | None):
    """The template's data: a pandas DataFrame, or a table counted where it is (a path for DuckDB, a Spark DataFrame).

    ``engine="auto"`` reads Parquet files with DuckDB when it is installed
    (the rows are then counted in DuckDB and never loaded into pandas) and
    everything else with :func:`read_responses`; ``"pandas"`` always loads
    the rows; ``"duckdb"`` counts any Parquet or CSV files in DuckDB;
    ``"spark"`` gives ``data_path`` to the active Spark session.
    """
    from .datasets import load_sample
    from .io import read_responses

    engine, text = p["engine"], p["data_path"]
    if not text:
        if engine == "spark":
            raise ParameterError("parameter 'data_path': the engine 'spark' needs a table name or files to read")
        return load_sample()
    if engine == "spark":
        return _spark_data(text)
    files = _files_of(text)
    parquet = all(f.suffix.lower() in _PARQUET for f in files)
    if engine == "duckdb" or (engine == "auto" and parquet and _have("duckdb")):
        return str(Path(text).expanduser())  # a path: counted by DuckDB, file by file, where it is
    if len(files) > 1:
        raise ParameterError(f"parameter 'data_path': {text!r} names {len(files)} files; reading several files "
                             f"needs the engine 'duckdb' (pip install 'nps-toolkit[scale]')")
    score = None if p["score_column"] == AUTO else p["score_column"]
    date = None if date_column in (AUTO, None) else date_column
    try:
        return read_responses(files[0], score=score, date=date if date_column is not None else False,
                              dayfirst=p.get("dayfirst"))
    except KeyError as exc:
        raise ParameterError(f"parameter 'score_column' or 'date_column': {exc.args[0]}") from None
    except (TypeError, ValueError) as exc:  # answers that are not scores: named as the engines name them
        text = str(exc).removeprefix(f"{files[0].name!r}: ")  # the parameter names the file
        raise ParameterError(f"parameter {_read_parameter(exc, score, date)!r}: {text}") from None


def _read_parameter(exc: Exception, score, date) -> str:
    """The parameter a refusal of :func:`read_responses` is about, from the role and column the error carries.

    An :class:`~nps_toolkit.AmbiguousDatesError` is about ``dayfirst``; an
    error about the score is about ``score_column`` when it names that
    column, or when no column was named yet (the search for the score
    column: "pass score="); about the date, ``date_column`` when it names
    it; anything else is about ``data_path``.

    Examples
    --------
    >>> from nps_toolkit import DataValueError
    >>> _read_parameter(DataValueError("...", column="q1", role="score"), "q1", None)
    'score_column'
    >>> _read_parameter(DataValueError("...", column="q1", role="score"), None, None)  # a column found, not named
    'data_path'
    """
    from .dates import AmbiguousDatesError

    role, column = getattr(exc, "role", None), getattr(exc, "column", None)
    if isinstance(exc, AmbiguousDatesError):
        return "dayfirst"
    if role == "score" and (column is None or (score is not None and column == score)):
        return "score_column"
    if role == "date" and date is not None and column == date:
        return "date_column"
    return "data_path"


#: A parameter value that means "find it" (score and date columns) or "the bundled sample's" (the rest).
AUTO = "auto"

#: What "auto" means for the bundled sample survey (data_path empty).
SAMPLE_COLUMNS = {"score_column": "score", "date_column": "date", "brand_column": "brand", "our_brand": OUR_BRAND,
                  "segment_column": "segment", "comment_column": "comment", "id_column": "respondent_id"}


def _resolve_auto(p: dict, data, columns: list) -> dict:
    """Give "auto" parameters their values: the sample's columns, or what was found in the user's data.

    On the user's data, ``score_column`` and ``date_column`` are the columns
    :func:`nps_toolkit.read_responses` found (a column named ``score`` /
    ``date`` for data an engine counts); ``brand_column``, ``our_brand``,
    ``segment_column`` and ``comment_column`` describe the bundled sample
    only, and are unset (None) on other data unless given; ``id_column`` is
    the column of respondent ids found by its name
    (:func:`nps_toolkit.reading.find_id_column`), None when there is none.
    """
    p = dict(p)
    sample = not p["data_path"]
    info = getattr(data, "attrs", {}).get("nps_toolkit", {}) if isinstance(data, pd.DataFrame) else {}
    for key in ("score_column", "date_column"):
        if p.get(key) != AUTO:
            continue
        if sample:
            p[key] = SAMPLE_COLUMNS[key]
        elif info:
            p[key] = info.get("score" if key == "score_column" else "date")
        else:  # counted by an engine: a column of that name
            p[key] = SAMPLE_COLUMNS[key] if SAMPLE_COLUMNS[key] in columns else None
        if p[key] is None:
            what = "the 0-10 answers" if key == "score_column" else "the answer dates"
            found = info.get("date_candidates") if key == "date_column" else None
            hint = f"; columns of dates: {', '.join(map(repr, found))}" if found else \
                f"; available columns: {', '.join(map(str, columns))}"
            raise ParameterError(f"parameter {key!r}: no column of {what} was found in {p['data_path']!r}{hint}; "
                                 f"name it with -p {key} COLUMN")
    for key in ("brand_column", "our_brand", "segment_column", "comment_column"):
        if p.get(key) == AUTO:
            p[key] = SAMPLE_COLUMNS[key] if sample else None
    if p.get("id_column") == AUTO:  # the respondents' ids, found by the column's name (respondent_id, email, ...)
        from .reading import find_id_column

        try:
            p["id_column"] = find_id_column(pd.DataFrame(columns=list(columns)))
        except ValueError:
            p["id_column"] = None
    return p


def _have(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


def prepare_study(name, values: dict) -> tuple[dict, pd.DataFrame]:
    """Validate a template's parameters and load its data.

    Called by every template right after its ``parameters`` cell as
    ``params, data = nt.prepare_study("benchmark_study", globals())``.
    Checks names and types, the shared parameters (language, confidence,
    method, min_n, engine), loads ``data_path`` (the bundled sample when
    empty) and checks that every ``*_column`` parameter names a column of
    the data. Raises :class:`ParameterError` with a plain message otherwise.

    ``data`` is a pandas DataFrame, or, for Parquet files with DuckDB
    installed (``engine="auto"``) or ``engine="duckdb"``, the path itself
    (every function of the package counts it in DuckDB, without loading the
    rows), or with ``engine="spark"`` a DataFrame of the active Spark
    session.

    See Also
    --------
    template_parameters : The parameters a template declares.
    ParameterError : Raised for a bad parameter.
    run_template : Run a template.

    Examples
    --------
    >>> import ast
    >>> values = {k: ast.literal_eval(v.default) for k, v in template_parameters("competitor_comparison").items()}
    >>> params, data = prepare_study("competitor_comparison", values)  # the bundled sample
    >>> params["engine"], type(data).__name__, len(data)
    ('auto', 'DataFrame', 6000)
    >>> prepare_study("competitor_comparison", {**values, "engine": "dask"})
    Traceback (most recent call last):
    ...
    nps_toolkit.parameters.ParameterError: parameter 'engine' must be one of auto, pandas, duckdb, spark, got 'dask'
    """
    from . import counting
    from ._validation import check_weights
    from .scale import score_codes

    p = check_parameters(name, values)
    _check_shared(p)
    _check_comment_model(p)
    data = _load(p, p.get("date_column"))
    counted = counting.engine_of(data) is not None
    try:
        columns = counting.columns(data)
    except (TypeError, ValueError) as exc:  # files DuckDB cannot count (an Excel file, Parquet mixed with CSV)
        raise ParameterError(f"parameter 'data_path': {exc}") from None
    p = _resolve_auto(p, data, columns)
    if name == "competitor_comparison" and (p["brand_column"] is None or p["our_brand"] is None):
        raise ParameterError("parameters 'brand_column' and 'our_brand': a competitor comparison needs the column "
                             "naming the brand of each answer and our brand, e.g. -p brand_column brand -p our_brand "
                             "Aurora (nps-toolkit inspect FILE lists the columns)")
    for key, value in p.items():
        if key.endswith("_column") and value is not None and value not in columns:
            raise ParameterError(f"parameter {key!r}: column {value!r} is not in the data; available columns: "
                                 f"{', '.join(map(str, columns))}")
    if counted:  # the same checks, made by the engine where the rows are, in one pass (answers before weights)
        try:
            counting.counts(data, score=p["score_column"], weights=p["weights_column"])
        except counting.EngineReadError as exc:
            raise ParameterError(f"parameter 'data_path': {exc}") from None
        except (TypeError, ValueError) as exc:  # the engine's errors say which column they are about
            key = "score_column" if getattr(exc, "role", None) == "score" else "weights_column"
            raise ParameterError(f"parameter {key!r}: {exc}") from None
        _check_design(p, data)
        return p, data
    try:
        codes = score_codes(data[p["score_column"]], column=p["score_column"])
    except (TypeError, ValueError) as exc:
        raise ParameterError(f"parameter 'score_column': {exc}") from None
    if p["weights_column"] is not None:
        try:
            check_weights(data[p["weights_column"]], len(data), column=p["weights_column"], mask=codes >= 0)
        except (TypeError, ValueError) as exc:
            raise ParameterError(f"parameter 'weights_column': {exc}") from None
    _check_design(p, data)
    return p, data
