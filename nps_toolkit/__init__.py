"""nps_toolkit: Net Promoter Score research with honest uncertainty.

One import gives the whole toolkit::

    import nps_toolkit as nt
    data = nt.load_sample()
    nt.summarize(data, by="segment")

>>> import nps_toolkit as nt
>>> nt.nps([10, 9, 8, 3, 0])
0.0
"""

from ._version import __version__
from ._validation import ColumnNotFoundError, DataError, DataTypeError, DataValueError
from .comments import classify_comments, theme_impact
from .compare import Comparison, adjust_p_values, compare, compare_groups, compare_to_benchmark
from .drivers import key_drivers, plot_drivers
from .datasets import OUR_BRAND, load_sample, simulate_scores, simulate_survey, true_shares
from .industry import industry_benchmarks, lookup_benchmark
from .interpretation import interpret
from .intervals import Interval, confint, margin_of_error, sample_size
from .dates import AmbiguousDatesError, parse_dates
from .io import clean_scores, read_responses
from .reading import inspect_file
from .parameters import ParameterError, list_templates, prepare_study, template_parameters
from .periods import Trend, compare_periods, current_vs_previous, decompose_change, rolling_nps, trend
from .plots import PALETTE, plot_comparison, plot_decomposition, plot_distribution, plot_nps, plot_trend
from .results import write_results
from .report import TemplateError, TemplateRun, run_template
from .counting import NPSCounts, counts, nps
from .scale import DEFAULT_SCALE, NPSScale, categorize
from .studies import Study, benchmark_study, competitor_comparison, period_comparison
from .summary import summarize

__all__ = [
    "__version__",
    # errors that carry the column and rows at fault
    "DataError", "DataValueError", "DataTypeError", "ColumnNotFoundError",
    # scoring and summaries
    "NPSCounts", "NPSScale", "DEFAULT_SCALE", "categorize", "counts", "nps", "summarize", "interpret",
    # uncertainty and tests
    "Interval", "confint", "margin_of_error", "sample_size", "Comparison", "compare", "compare_to_benchmark", "compare_groups", "adjust_p_values",
    # periods
    "Trend", "compare_periods", "current_vs_previous", "decompose_change", "trend", "rolling_nps",
    # plots
    "PALETTE", "plot_distribution", "plot_nps", "plot_trend", "plot_comparison", "plot_decomposition",
    # data
    "read_responses", "inspect_file", "clean_scores", "parse_dates", "AmbiguousDatesError", "load_sample", "simulate_survey", "simulate_scores", "true_shares",
    "OUR_BRAND", "industry_benchmarks", "lookup_benchmark",
    # comments and drivers
    "classify_comments", "theme_impact", "key_drivers", "plot_drivers",
    # studies and reports
    "Study", "benchmark_study", "competitor_comparison", "period_comparison", "prepare_study", "ParameterError",
    "list_templates", "template_parameters", "run_template", "TemplateRun", "TemplateError", "write_results",
]
