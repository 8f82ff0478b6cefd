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
    the counts come back (see ``nps_toolkit.counting``).""",
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
    "weights_a": """weights_a : array-like, optional
    Survey weights of the answers of the first sample, one per answer.""",
    "weights_b": """weights_b : array-like, optional
    Survey weights of the answers of the second sample, one per answer.""",
    "per_theme": """per_theme : int
    How many comments to quote for each theme and kind.""",
    "max_chars": """max_chars : int
    Quotes longer than this are cut at a word boundary, with "…".""",
    "priority": """priority : DataFrame, optional
    The action plan whose themes order the list (the costliest first).""",
    "design": """design : SurveyDesign
    The sample design: weights, strata, PSUs, finite-population correction, raking margins
    (:class:`nps_toolkit.SurveyDesign`); standard errors are then design-based (Taylor linearisation).""",
    "df": """df : {None, "design"}
    With ``design``: intervals with the normal quantile (None, as R's ``confint``) or with Student's t on
    the design's degrees of freedom (``"design"``: PSUs minus strata).""",
    "estimates": """estimates : DataFrame
    Design-based estimates per group (:func:`nps_toolkit.design_estimates`), with their covariance in
    ``attrs["covariance"]``.""",
    "coefficients": """coefficients : array-like, Series or dict
    One coefficient per group (``[1, -1]`` for a difference), or a Series or dict keyed by the groups'
    index (groups left out count 0).""",
    "margins": """margins : dict
    Population totals to rake to: ``{column: {level: total}}``, one mapping per raking variable.""",
    "max_iter": """max_iter : int
    Most sweeps of iterative proportional fitting before it gives up (and says which margins are off).""",
    "tolerance": """tolerance : float
    Largest relative gap between a raked margin and its population total accepted as converged.""",
    "pdf": """pdf : bool
    Also print the HTML report to ``STEM.pdf`` (needs Chromium and Playwright).""",
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
    ``nps_toolkit.periods.period_freq``).""",
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
    # -- first arguments: what a function works on --------------------------------------------------------------
    "scores": """scores : array-like or Series
    Answers on the scale (0-10 by default); missing answers are excluded and counted.""",
    "values": """values : list, array, Series or dict
    The raw values to read (answers, dates) or, for a study, the parameter values by name.""",
    "value": """value : float
    An NPS on the -100..100 scale.""",
    "a": """a, b : data
    The two samples compared (answers, counts or tables, as :func:`nps_toolkit.counts` takes them).""",
    "b": """b : data
    The second sample compared (see ``a``).""",
    "previous": """previous, current : DataFrame
    The answers of the earlier and of the later period.""",
    "current": """current : DataFrame
    The answers of the later period (see ``previous``).""",
    "texts": """texts : list, array or Series of str
    Free-text comments; missing values are allowed.""",
    "p_values": """p_values : array-like
    Raw p-values.""",
    "path": """path : str or pathlib.Path
    A file (or, where counted in place, a glob or folder of Parquet/CSV files).""",
    "name": """name : str or path
    A bundled template's name or a path to a notebook.""",
    "industry": """industry : str
    An industry of the bundled benchmark table.""",
    "results": """results : dict
    The results of a study (JSON-ready).""",
    "p": """p : dict
    A template's parameters as :func:`nps_toolkit.prepare_study` returns them.""",
    "n": """n : int or array-like
    Number of answers (respondents, simulated answers), at least 1.""",
    # -- options of one function or a few ------------------------------------------------------------------------
    "column": """column : str
    The column's name, for messages.""",
    "exclude_below": """exclude_below : float
    Periods with fewer answers (the Kish effective n when weighted) are left out of the fit.""",
    "groups": """groups : {1, 2}
    One NPS, or the difference between two independent groups of the same size.""",
    "window": """window : int
    Length of the rolling window: periods with ``freq``, answers without.""",
    "min_periods": """min_periods : int
    Fewest periods with answers (or answers) a window needs; NaN below.""",
    "bands": """bands : bool
    Shade and name the interpretation bands.""",
    "order": """order : list, optional
    Groups to show, in this order.""",
    "period": """period : str
    Column of period labels.""",
    "show_changes": """show_changes : bool
    Mark the significant changes between periods.""",
    "label": """label : str, optional
    Column naming the rows.""",
    "layout": """layout : str, optional
    The export's layout (``"qualtrics"``, ``"surveymonkey"``, ...); recognised from the file by default.""",
    "excluded": """excluded : {"drop", "keep"}
    Platform rows that are not real responses (previews, tests, spam) are dropped or kept; counted either way.""",
    "dedupe": """dedupe : {None, "latest"}
    Keep each respondent's last response only.""",
    "id_column": """id_column : str, optional
    Column identifying respondents (for ``dedupe``).""",
    "sheet": """sheet : str or int, optional
    Excel sheet name or 0-based index.""",
    "encoding": """encoding : str, optional
    Text encoding of a text file; recognised by default.""",
    "segments": """segments : list of str
    Names of the simulated segments (regions).""",
    "brands": """brands : list of str
    Names of the simulated brands, ours first.""",
    "start": """start : date-like
    A date in the first simulated period.""",
    "periods": """periods : int
    Number of simulated periods, at least 1.""",
    "segment_weights": """segment_weights : list of float, optional
    Relative numbers of simulated respondents per segment (equal by default).""",
    "brand_weights": """brand_weights : list of float, optional
    Relative numbers of simulated respondents per brand (equal by default).""",
    "missing": """missing : float
    Share of simulated answers left blank.""",
    "promoter_share": """promoter_share : float
    True share of promoters, 0..1.""",
    "detractor_share": """detractor_share : float
    True share of detractors, 0..1.""",
    "year": """year : int, optional
    Year of the published figure (the latest by default).""",
    "region": """region : str, optional
    Region of the published figure.""",
    "lexicon": """lexicon : dict or path, optional
    A lexicon of your own (YAML file or dict) that adds or replaces themes and words.""",
    "model": """model : CommentModel or path, optional
    A comment model of your own (:class:`nps_toolkit.CommentModel`, or the path of its saved file) that sorts
    the comments into kinds; the lexicon (with its learned check) still finds the themes and stays the fallback.""",
    "labels": """labels : list, array or Series of str
    One kind per comment, labelled by hand: ``"plus"``, ``"minus"``, ``"suggestion"``, ``"mixed"`` or
    ``"none"`` (any two or more of them).""",
    "kinds": """kinds : iterable of str
    The kinds of a comment's clauses ("plus", "minus", "suggestion", "none").""",
    "folds": """folds : int
    Number of cross-validation folds, at least 2: the labelled comments are split into this many parts
    (keeping the share of each kind), and each part is held out once to measure the accuracy. Each kind
    needs at least this many comments.""",
    "verbose": """verbose : bool
    Print a one-line summary of what was done (for a model: its cross-validated accuracy).""",
    "owners": """owners : dict, optional
    Theme -> owner (a team or person).""",
    "base": """base : {"all", "commented"}
    Whom shares are taken from: every respondent with a score, or the commenters only.""",
    "kind": """kind : {None, "minus", "plus", "suggestion"}
    Which mentions count: all, or complaints, praise or suggestions only.""",
    "parameters": """parameters : dict, optional
    Values of a template's parameters, by name.""",
    "output_dir": """output_dir : str or Path
    Folder of the files written.""",
    "stem": """stem : str, optional
    File name stem of the files written.""",
    "progress": """progress : bool
    Show a progress bar.""",
    "kernel_name": """kernel_name : str, optional
    Jupyter kernel that runs the notebook.""",
    "schema": """schema : str, optional
    Name of the JSON schema the results must satisfy.""",
}

#: Old spellings accepted for one release, with a DeprecationWarning: old name -> new name.
RENAMED = {"seed": "random_state", "group": "by", "n_draws": "n_resamples", "table": "data"}
# Renamed in one function only (the old name is still a keyword elsewhere, with another meaning), so not listed
# here: trend(min_n=) -> exclude_below= (compare_periods' min_n only flags small periods).

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
