"""nps_toolkit: Net Promoter Score research with honest uncertainty.

One import gives the whole toolkit::

    import nps_toolkit as nt
    data = nt.load_sample()
    nt.summarize(data, by="segment")

>>> import nps_toolkit as nt
>>> nt.nps([10, 9, 8, 3, 0])
0.0

The import is lazy (PEP 562): ``import nps_toolkit`` loads almost nothing,
and each public name imports its module the first time it is used, so a
command that counts never pays for matplotlib, seaborn or SciPy. The names
are the same as with eager imports (``from nps_toolkit import *`` too), and
submodules are attributes as usual (``nt.counting``, ``nt.scale``,
``nt.summary``). Where each module sits: ``docs/architecture.md``.
"""

import importlib as _importlib
import sys as _sys
import types as _types

from ._version import __version__

#: The public names by topic, as the API reference groups them: topic -> (what it is for, {name: module of the
#: package that defines or re-exports it}). A new public name goes here; ``_SOURCES``, ``__all__`` and the API
#: reference (docs/api) follow.
_TOPICS = {
    "Scoring and summaries": (
        "Answers into detractors, passives and promoters; counts, NPS, tidy summaries and their interpretation.",
        {"NPSCounts": "counting", "counts": "counting", "nps": "counting",
         "NPSScale": "scale", "DEFAULT_SCALE": "scale", "categorize": "scale",
         "summarize": "summary", "interpret": "interpretation"}),
    "Uncertainty and tests": (
        "Confidence intervals, margins of error and sample sizes; two-sample, benchmark and many-group tests.",
        {"Interval": "intervals", "confint": "intervals", "margin_of_error": "intervals",
         "sample_size": "intervals",
         "Comparison": "compare", "compare": "compare", "compare_to_benchmark": "compare",
         "compare_groups": "compare", "adjust_p_values": "compare"}),
    "Complex samples": (
        "Design-based variance (strata, clusters, finite-population correction) and raked weights.",
        {"SurveyDesign": "design", "design_estimates": "design", "contrast": "design", "rake": "weighting"}),
    "Periods": (
        "Period-over-period comparison, what drove a change, trends and rolling NPS.",
        {"Trend": "periods", "compare_periods": "periods", "current_vs_previous": "periods",
         "decompose_change": "periods", "trend": "periods", "rolling_nps": "periods"}),
    "Plots": (
        "Figures in the seaborn way: ``data=`` and column names or a summary table, ``ax=`` accepted, the Axes "
        "returned; one colour per category everywhere.",
        {"PALETTE": "_style", "plot_distribution": "plots", "plot_nps": "plots", "plot_trend": "plots",
         "plot_comparison": "plots", "plot_decomposition": "plots", "plot_drivers": "plots"}),
    "Reading data": (
        "Survey exports as survey tools write them, scores and dates parsed without guessing, the bundled and "
        "simulated samples, published industry averages.",
        {"read_responses": "io", "clean_scores": "io", "inspect_file": "reading",
         "parse_dates": "dates", "AmbiguousDatesError": "dates",
         "load_sample": "datasets", "simulate_survey": "datasets", "simulate_scores": "datasets",
         "true_shares": "datasets", "OUR_BRAND": "datasets",
         "industry_benchmarks": "industry", "lookup_benchmark": "industry"}),
    "Comments and drivers": (
        "Open comments read clause by clause, what each theme costs, verbatims, an action plan, the follow-up "
        "list, a team's own comment model, and key drivers of the score.",
        {"classify_comments": "comments", "comment_clauses": "comments", "overall_kind": "comments",
         "theme_impact": "comments", "verbatims": "comments", "action_plan": "comments",
         "CommentModel": "comment_model", "followup_list": "followup", "key_drivers": "drivers"}),
    "Studies and reports": (
        "The studies behind the report templates, their parameters, running a template, the results JSON.",
        {"Study": "studies", "benchmark_study": "studies", "competitor_comparison": "studies",
         "period_comparison": "studies",
         "prepare_study": "parameters", "ParameterError": "parameters", "list_templates": "parameters",
         "template_parameters": "parameters",
         "run_template": "report", "TemplateRun": "report", "TemplateError": "report",
         "write_results": "results"}),
    "Errors": (
        "Errors that carry the column and the rows at fault.",
        {"DataError": "_validation", "DataValueError": "_validation", "DataTypeError": "_validation",
         "ColumnNotFoundError": "_validation"}),
}

#: The public names and where each lives: name -> module of the package that defines (or re-exports) it.
_SOURCES = {name: module for _, names in _TOPICS.values() for name, module in names.items()}

#: Submodules reached through another module: the engines belong to the counting layer, which alone imports them.
_SUBMODULES_VIA = {"engines": "counting"}

#: The public names: those of :data:`_SOURCES`, in its order.
__all__ = ["__version__", *_SOURCES]


def __getattr__(name: str):
    """Import a public name's module (or a submodule) the first time the name is used."""
    if name in _SOURCES:
        value = getattr(_importlib.import_module(f".{_SOURCES[name]}", __name__), name)
    elif name in _SUBMODULES_VIA:
        value = getattr(_importlib.import_module(f".{_SUBMODULES_VIA[name]}", __name__), name)
    elif name.startswith("__"):  # __wrapped__, __path__... asked by tools: never a module of ours
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    else:
        try:
            value = _importlib.import_module(f".{name}", __name__)
        except ModuleNotFoundError as error:
            if error.name != f"{__name__}.{name}":  # the submodule exists but needs something missing
                raise
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    globals()[name] = value  # found once; later uses are ordinary attribute look-ups
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__))


class _Package(_types.ModuleType):
    """The package module; a public name that is also a submodule's name stays the public object.

    Importing ``nps_toolkit.compare`` (the module) sets the package's attribute
    ``compare``; with eager imports the function then replaced it, as here: the
    attribute is the function ``compare``, the module is
    ``sys.modules["nps_toolkit.compare"]``.
    """

    def __setattr__(self, name, value):
        if (name in _SOURCES and isinstance(value, _types.ModuleType)
                and value.__name__ == f"{__name__}.{name}"):
            if _SOURCES[name] != name:
                return  # the public name comes from another module: __getattr__ finds it
            value = getattr(value, name)
        super().__setattr__(name, value)


_sys.modules[__name__].__class__ = _Package
