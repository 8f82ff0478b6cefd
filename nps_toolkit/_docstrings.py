"""The package's vocabulary: one name and one description per kind of argument, written once.

Every public function spells its keywords from :data:`VOCABULARY` (a test
checks it) and documents the shared ones by reference, as seaborn does with
``_core/docstrings``: a line of the docstring that holds only ``{{name}}`` is
replaced by the entry of that name, indented as the line is.

>>> @shared_docs
... def f(data, *, score="score"):
...     '''Do something.
...
...     Parameters
...     ----------
...     {{score}}
...     '''
>>> print(f.__doc__.splitlines()[4])
    score : str
"""

from __future__ import annotations

import re
import textwrap

__all__ = ["VOCABULARY", "RENAMED", "shared_docs", "parameter_doc"]

#: Keyword names used across the package, each with its entry for a numpydoc ``Parameters`` section.
#: Names used by one function only are listed too (with a short entry), so that the vocabulary is the whole
#: set of keywords a user meets.
VOCABULARY = {
    "data": """data : DataFrame, path, DuckDB relation, Polars or Spark DataFrame
    One row per respondent; never modified. A pandas DataFrame is counted in memory; a path or glob of
    Parquet/CSV files, a DuckDB relation, a Polars or a Spark DataFrame is counted where it lives and only
    the counts come back (see :mod:`nps_toolkit.counting`).""",
    "score": """score : str
    Column of answers (0-10 by default). Missing answers are excluded from ``n`` and counted in
    ``n_missing``.""",
    "by": """by : str or list of str, optional
    Grouping column(s), kept as ordinary columns of the result and sorted as ``DataFrame.groupby`` sorts
    them; a missing group value is its own group, last.""",
    "weights": """weights : str or array-like, optional
    Survey weights: with ``data`` a table, the name of its column of weights; with bare answers, one
    finite, non-negative weight per answer. Counts become weighted sums; intervals use the Kish effective
    sample size and the linearisation variance.""",
    "scale": """scale : NPSScale, optional
    A custom category scale; the standard 0-6 / 7-8 / 9-10 of the 0-10 question by default.""",
    "confidence": """confidence : float
    Confidence level, strictly between 0 and 1 (0.95 by default).""",
    "method": """method : str
    Interval or test method; an unknown name raises ``ValueError`` listing the allowed ones.""",
    "random_state": """random_state : None, int or numpy Generator
    Seed of anything random (resampling, posterior draws, simulated data): the same seed gives the same
    result.""",
    "n_resamples": """n_resamples : int
    Number of bootstrap resamples or posterior draws.""",
    "min_n": """min_n : float
    Groups or periods with fewer answers (the Kish effective n when weighted) are flagged as too small.""",
    "language": """language : {"en", "ru", "pl"}
    Language of labels and text.""",
    "date": """date : str
    Column of answer dates: dates, timestamps or date text (read by :func:`nps_toolkit.parse_dates`).
    Rows without a date are left out and counted.""",
    "dayfirst": """dayfirst : bool, optional
    How to read text dates such as ``03/01/2024``: day first (``True``) or month first (``False``). By
    default the order is decided from the values; a column where every date reads both ways is refused
    with :class:`~nps_toolkit.AmbiguousDatesError`.""",
    "freq": """freq : str
    Period length: ``"W"``, ``"ME"``, ``"QE"`` or ``"YE"`` (and fiscal variants, see
    :func:`nps_toolkit.periods.period_freq`).""",
    "prior": """prior : three positive numbers
    Dirichlet prior (promoters, passives, detractors) of the Bayesian methods.""",
    "ax": """ax : matplotlib Axes, optional
    Where to draw; a new figure when None. The Axes is returned.""",
    "title": """title : str, optional
    Heading of the figure.""",
    "benchmark": """benchmark : float, optional
    An NPS (-100..100) to compare with or draw as a reference line.""",
    "correction": """correction : str
    Multiple-comparison correction of the p-values (``"holm"`` by default; ``"none"`` for none).""",
    "reference": """reference : optional
    The group every other group is compared with; by default each group is compared with all the others.""",
    "comments": """comments : str
    Column of free-text comments.""",
    "themes": """themes : list of str, optional
    Themes to look for (all of the built-in ones by default).""",
    "drivers": """drivers : list of str
    Columns of driver ratings.""",
    "compare_to": """compare_to : {"previous", "year_ago"}
    Compare each period with the one before it or with the same period a year earlier.""",
    "paired": """paired : bool
    Whether the two samples are the same respondents asked twice.""",
    "shares": """shares : dict, optional
    Expected shares of promoters, passives and detractors (the worst case by default).""",
    "margin": """margin : float
    Wanted margin of error in NPS points.""",
}

#: Old spellings accepted for one release, with a DeprecationWarning: old name -> new name.
RENAMED = {"seed": "random_state", "group": "by", "n_draws": "n_resamples"}

_PLACEHOLDER = re.compile(r"^(?P<indent>[ \t]*)\{\{(?P<name>\w+)\}\}[ \t]*$", re.MULTILINE)


def parameter_doc(name: str, indent: str = "") -> str:
    """The shared entry of ``name``, each line indented by ``indent``.

    Examples
    --------
    >>> parameter_doc("confidence").splitlines()[0]
    'confidence : float'
    """
    try:
        entry = VOCABULARY[name]
    except KeyError:
        raise KeyError(f"{name!r} is not in the package's vocabulary; add it to nps_toolkit._docstrings.VOCABULARY"
                       ) from None
    return textwrap.indent(entry, indent)


def shared_docs(func):
    """Decorator: fill each ``{{name}}`` line of the docstring with the shared entry of ``name``."""
    if func.__doc__:
        func.__doc__ = _PLACEHOLDER.sub(lambda m: parameter_doc(m["name"], m["indent"]), func.__doc__)
    return func
