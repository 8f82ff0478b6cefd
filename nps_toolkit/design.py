"""Complex samples: strata, clusters, finite-population correction and raking, and the design-based variance.

A survey of stores, schools or panels is rarely a simple random sample: respondents are sampled within
*strata* (regions), in *clusters* (the primary sampling units, PSUs: stores), with weights, often raked to
known population totals. Answers from one store are alike, so such a sample holds less information than as
many independent answers: the *design effect* (``deff``) is the ratio of the true variance of the NPS to
the variance a simple random sample of the same size would give, and ``n / deff`` answers of a simple random
sample would be as precise (``n_effective``).

:class:`SurveyDesign` names the columns that describe the sample; :func:`design_estimates` gives, per group,
the NPS with its design-based standard error as R's **survey** package computes it (``svydesign``,
``svymean(deff = "replace")``, ``svyby``, ``postStratify``, ``calibrate``), and the covariance between groups
(``attrs["covariance"]``) so that :func:`contrast` gives differences between groups or periods with the
right standard error, also when they share PSUs.

The method
----------
NPS is the weighted mean of y = +100 (promoter), 0 (passive), -100 (detractor), a ratio estimator
``m_d = sum w y / sum w`` over the answered rows of the group (domain) d. Taylor linearisation: each row's
influence value is ``z_i = w_i (y_i - m_d) / W_d`` for the group's answered rows and 0 for every other row;
rows without an answer and rows of other groups keep their PSUs (domain estimation, as R does). With
``Z_hp`` the total of z over PSU p of stratum h and ``n_h`` the number of PSUs of stratum h, the variance is
the with-replacement estimator ::

    var(m_d) = sum_h (1 - f_h) n_h / (n_h - 1) sum_p (Z_hp - mean_h Z)^2

with ``f_h`` the sampling fraction of the PSUs of stratum h (0 without a finite-population correction); the
covariance of two groups is the same sum of products. Since y takes three values, the PSU totals need only,
per stratum, PSU and group, the sums of weights of the promoters, passives and detractors: the table of
:func:`psu_counts`, from which :func:`estimates_from_psu_counts` computes everything (and which an engine can
count where the data lives).

With one PSU per row and no strata this is ``n / (n - 1)`` times the linearised variance of
:func:`nps_toolkit.summarize` with ``weights`` (``sqrt(sum w^2 (y - m)^2) / W``, no such factor), ``n`` the
number of rows of the data (rows without an answer are PSUs too): the standard errors differ by exactly
``sqrt(n / (n - 1))``.

``deff`` is the variance over that of simple random sampling with replacement of the group's ``n`` answers
(R's ``deff = "replace"``), ``sum w (y - m)^2 / (W (n - 1))``. ``df``, the design's degrees of freedom, is
the number of PSUs minus the number of strata of the whole sample (R's ``degf``), the same for every group.

Raking (``SurveyDesign(rake=...)``)
-----------------------------------
The weights are raked to the margins first (:func:`nps_toolkit.weighting.rake`, every row, answered or not),
and the influence values are replaced by their residuals on the margins: ``z_i - w_i x_i'B / W_d``, where
``x_i`` holds the indicators of the row's levels and ``B`` the regression of ``y_i - m_d`` (0 outside the
group) on them, weighted by the weights before raking. This is the linearisation of a calibration estimator
(Deville and Sarndal 1992) and R's ``calibrate(..., calfun = "raking")``; with one margin it is
post-stratification (``z`` less the weighted mean of its post-stratum), exactly R's ``postStratify()``.
R's ``rake()`` designs use an approximation of it instead (10 sweeps of unweighted means of ``z / w`` over
the margins' levels), which differs from it when the weights vary within the levels (even with one margin,
where it is not ``postStratify()``): by up to 3.1% of the standard error (0.22 points) on the sample of
``tests/data/survey_reference``.

Limits
------
PSUs are nested in strata (PSU labels need only be unique within a stratum: R's ``nest = TRUE``). One stage of
sampling: the variance between PSUs (later stages, such as respondents sampled within stores, are not
modelled, which with replacement or small sampling fractions is the usual approximation); a stratum with one PSU is refused,
like R's default ``options(survey.lonely.psu = "fail")``, unless it is a census (``fpc`` says every PSU was
taken): merge it with a neighbouring stratum. Without ``weights`` every row weighs 1 (R's ``svydesign`` would
instead derive weights from ``fpc``: give them to match it). Rows of weight 0 count as rows and PSUs
(R leaves them out of ``n`` for the design effect and of ``degf``).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import NamedTuple

import numpy as np
import pandas as pd

from ._validation import DataValueError, as_column_list, check_columns, missing_column_error
from .counting import check_group_columns, column_values, columns, count_design, engine_of
from .weighting import check_margins, raking_factors

__all__ = ["SurveyDesign", "Covariance", "check_design_arguments", "check_df", "DF", "psu_counts", "estimates_from_psu_counts", "design_estimates", "contrast", "Contrast",
           "PSU_COUNT_COLUMNS", "ESTIMATE_COLUMNS"]

_CATS = ("detractors", "passives", "promoters")
_SCORES = np.array([-100.0, 0.0, 100.0])  # y of detractors, passives, promoters
_ROUNDING = 1e-20  # (NPS points)^2: a variance or covariance below it is rounding of an exact 0 (se < 1e-10)

#: Value columns of the table of :func:`psu_counts` (after its key columns).
PSU_COUNT_COLUMNS = ["rows", "n_missing", "detractors", "passives", "promoters", "detractors_sq", "passives_sq",
                     "promoters_sq", "weight", "weight_sq"]

#: Columns of :func:`design_estimates` after the ``by`` columns.
ESTIMATE_COLUMNS = ["n", "n_missing", "weighted_total", "nps", "se", "deff", "n_effective", "df"]

_ROLES = {"weights": "weights column", "strata": "strata column", "psu": "psu column", "fpc": "fpc column"}


def _check_name(value, role: str):
    if value is None:
        return None
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (str, numbers.Integral)):
        raise TypeError(f"SurveyDesign: {role} must be the name of a column (a str), got {value!r}")
    return value


@dataclass(frozen=True, kw_only=True, repr=False)
class SurveyDesign:
    """How a sample was drawn: the columns of weights, strata, PSUs and finite-population correction.

    A frozen description (column names, and population totals for raking), given as ``design=`` to
    :func:`design_estimates`. Every field is optional: ``SurveyDesign(weights="w")`` is a weighted sample of
    independent respondents (one PSU per row, no strata).

    Parameters
    ----------
    weights : str, optional
        Column of survey weights (finite, non-negative); every row weighs 1 by default.
    strata : str, optional
        Column of strata: PSUs were sampled independently within each stratum. One stratum by default.
    psu : str, optional
        Column of primary sampling units (clusters: stores, schools), nested in the strata (labels need only be
        unique within a stratum). Every row is its own PSU by default.
    fpc : str, optional
        Finite-population correction, as R's ``svydesign(fpc=)`` reads it: a column, constant within each
        stratum, holding either the number of PSUs of the stratum in the population (values above 1) or the
        sampling fraction of its PSUs (values from 0 to 1; 0: an infinite population). The variance of stratum h
        is multiplied by ``1 - f_h`` (``f_h = n_h / N_h`` of its ``n_h`` sampled PSUs). A column mixing values
        above and below 1, or of 1s only (ambiguous), is refused as R refuses it. Without it, PSUs are taken as
        sampled with replacement.
    rake : dict, optional
        ``{column: {level: population total}}``: rake the weights to these margins (:func:`nps_toolkit.rake`)
        and let the variance account for it (residuals on the margins; one margin is post-stratification).

    Attributes
    ----------
    columns : list
        The columns a table must hold for this design, in the order weights, strata, psu, fpc, rake.

    See Also
    --------
    design_estimates : Design-based NPS, standard errors and design effects per group.
    contrast : A difference of groups with its design-based standard error.
    rake : Rake weights to population margins.
    summarize : The summary table, design-based with ``design=``.

    Examples
    --------
    >>> design = SurveyDesign(weights="weight", strata="region", psu="store", fpc="stores")
    >>> design
    SurveyDesign(weights='weight', strata='region', psu='store', fpc='stores')
    >>> design.columns
    ['weight', 'region', 'store', 'stores']
    >>> SurveyDesign(weights="weight", rake={"age": {"18-34": 40, "35+": 60}})
    SurveyDesign(weights='weight', rake={'age': {'18-34': 40.0, '35+': 60.0}})
    """

    weights: str | None = None
    strata: str | None = None
    psu: str | None = None
    fpc: str | None = None
    rake: Mapping | None = None

    def __post_init__(self):
        for field in ("weights", "strata", "psu", "fpc"):
            _check_name(getattr(self, field), field)
        if self.rake is not None:
            margins = check_margins(self.rake)
            for column in margins:
                _check_name(column, "a rake column")
            object.__setattr__(self, "rake", MappingProxyType({c: MappingProxyType(t) for c, t in margins.items()}))
        named = [(field, getattr(self, field)) for field in ("weights", "strata", "psu", "fpc")
                 if getattr(self, field) is not None]
        seen = {}
        for field, column in named:
            if column in seen:
                raise ValueError(f"SurveyDesign: {seen[column]} and {field} name the same column {column!r}")
            seen[column] = field
        for column in self.rake or {}:
            if column in seen and seen[column] != "strata":
                raise ValueError(f"SurveyDesign: rake column {column!r} is also the {seen[column]} column")

    @property
    def columns(self) -> list:
        """The columns this design needs, in the order weights, strata, psu, fpc, rake (no repeats)."""
        names = [c for c in (self.weights, self.strata, self.psu, self.fpc) if c is not None]
        return list(dict.fromkeys(names + list(self.rake or {})))

    def __repr__(self) -> str:
        parts = [f"{field}={getattr(self, field)!r}" for field in ("weights", "strata", "psu", "fpc")
                 if getattr(self, field) is not None]
        if self.rake is not None:
            parts.append("rake=" + repr({c: dict(t) for c, t in self.rake.items()}))
        return f"SurveyDesign({', '.join(parts)})"

    def __hash__(self) -> int:
        rake = None if self.rake is None else tuple((c, tuple(t.items())) for c, t in self.rake.items())
        return hash((self.weights, self.strata, self.psu, self.fpc, rake))

    def __deepcopy__(self, memo) -> "SurveyDesign":
        return self  # immutable (pandas deep-copies the attrs of a table holding it)

    def __reduce__(self):
        rake = None if self.rake is None else {c: dict(t) for c, t in self.rake.items()}
        return (_rebuild_design, (self.weights, self.strata, self.psu, self.fpc, rake))

    def __eq__(self, other) -> bool:
        if not isinstance(other, SurveyDesign):
            return NotImplemented
        own = None if self.rake is None else {c: dict(t) for c, t in self.rake.items()}
        theirs = None if other.rake is None else {c: dict(t) for c, t in other.rake.items()}
        return ((self.weights, self.strata, self.psu, self.fpc, own)
                == (other.weights, other.strata, other.psu, other.fpc, theirs))


class Covariance:
    """The covariance matrix of the groups' NPS, as ``attrs["covariance"]`` of a design-based table holds it.

    A read-only wrapper of a DataFrame (rows and columns: the table's index) that pandas can carry in
    ``attrs``: it compares by value, so tables holding one can be concatenated (``pd.concat`` compares the
    attrs of its parts, which a bare DataFrame cannot answer), and it is not copied with the table.
    ``to_frame()`` gives the DataFrame; ``to_numpy()``, ``loc``, ``iloc``, ``index``, ``columns`` and
    NumPy's ``np.asarray`` work as on it.

    Examples
    --------
    >>> cov = Covariance(pd.DataFrame([[4.0, 1.0], [1.0, 9.0]]))
    >>> cov.to_numpy().tolist(), float(cov.iloc[1, 1])
    ([[4.0, 1.0], [1.0, 9.0]], 9.0)
    >>> cov == Covariance(pd.DataFrame([[4.0, 1.0], [1.0, 9.0]]))
    True
    """

    __slots__ = ("_frame",)

    def __init__(self, frame: pd.DataFrame):
        frame = pd.DataFrame(frame).copy()
        frame.attrs = {}
        object.__setattr__(self, "_frame", frame)

    def __setattr__(self, name, value):
        raise AttributeError("a Covariance is read-only; relabel a copy with to_frame()")

    def to_frame(self) -> pd.DataFrame:
        """A copy of the matrix as a DataFrame."""
        return self._frame.copy()

    def to_numpy(self, dtype=float) -> np.ndarray:
        """A copy of the matrix as an array."""
        return self._frame.to_numpy(dtype, copy=True)

    def __array__(self, dtype=None, copy=None):
        return self._frame.to_numpy(dtype if dtype is not None else float, copy=True)

    @property
    def loc(self):
        return self.to_frame().loc

    @property
    def iloc(self):
        return self.to_frame().iloc

    @property
    def index(self) -> pd.Index:
        return self._frame.index

    @property
    def columns(self) -> pd.Index:
        return self._frame.columns

    @property
    def shape(self) -> tuple:
        return self._frame.shape

    def __eq__(self, other) -> bool:
        if not isinstance(other, Covariance):
            return NotImplemented
        return self._frame.equals(other._frame)

    __hash__ = None

    def __deepcopy__(self, memo) -> "Covariance":
        return self  # read-only

    def __repr__(self) -> str:
        return f"Covariance(\n{self._frame!r})"

    def _repr_html_(self) -> str:
        return self._frame.to_html()


#: What ``df=`` takes: None (the normal quantile) or ``"design"`` (Student's t with the design's degrees of freedom).
DF = (None, "design")


def check_df(df):
    """Validate ``df``: None (normal quantile) or ``"design"`` (t with the design degrees of freedom).

    Examples
    --------
    >>> check_df("design")
    'design'
    >>> check_df(10)
    Traceback (most recent call last):
    ...
    ValueError: df must be None (the normal quantile) or 'design' (Student's t with the design's degrees of freedom), got 10
    """
    if df is None or (isinstance(df, str) and df == "design"):
        return df
    raise ValueError(f"df must be None (the normal quantile) or 'design' (Student's t with the design's degrees "
                     f"of freedom), got {df!r}")


def check_design_arguments(design, *, weights=None, df=None):
    """Validate the ``design``, ``weights`` and ``df`` arguments of a function that takes a sample design.

    ``design`` must be a :class:`SurveyDesign` (or None); it brings its own weights, so ``weights`` must
    then be None; ``df`` is :func:`check_df`'s and needs a design. Returns the design.

    Examples
    --------
    >>> check_design_arguments(SurveyDesign(psu="store"), df="design")
    SurveyDesign(psu='store')
    >>> check_design_arguments(SurveyDesign(psu="store"), weights="w")
    Traceback (most recent call last):
    ...
    ValueError: give the weights in the design (SurveyDesign(weights=...)), not as weights= too
    """
    check_df(df)
    if design is None:
        if df is not None:
            raise ValueError("df='design' needs a design= (a SurveyDesign): without one there are no design "
                             "degrees of freedom")
        return None
    _check_design(design)
    if weights is not None:
        raise ValueError("give the weights in the design (SurveyDesign(weights=...)), not as weights= too")
    return design


def _rebuild_design(weights, strata, psu, fpc, rake) -> SurveyDesign:
    """Unpickle a :class:`SurveyDesign`."""
    return SurveyDesign(weights=weights, strata=strata, psu=psu, fpc=fpc, rake=rake)


def _check_design(design) -> SurveyDesign:
    if not isinstance(design, SurveyDesign):
        raise TypeError(f"design must be a SurveyDesign, got {type(design).__name__}")
    return design


def _key_columns(design: SurveyDesign, by_cols: list) -> list:
    """The key columns of the table of PSU counts: strata, fpc, psu, the rake columns, then ``by`` (no repeats)."""
    names = [c for c in (design.strata, design.fpc, design.psu) if c is not None]
    return list(dict.fromkeys(names + list(design.rake or {}) + list(by_cols)))


def _refuse_missing(values: pd.Series, column, role: str) -> None:
    missing = values.isna().to_numpy()
    if missing.any():
        positions = np.flatnonzero(missing)
        raise DataValueError(f"{role} column {column!r} has {len(positions)} missing values (first at position "
                             f"{int(positions[0])}); every row needs one", column=column,
                             role="margins" if role == "margin" else role,
                             values=[None] * min(5, len(positions)), positions=positions[:5], total=len(positions))


def _check_fpc_values(values: pd.Series, column) -> None:
    """fpc values are finite, non-negative numbers (refused with the first offending rows)."""
    numeric = pd.to_numeric(values, errors="coerce")
    bad = numeric.isna().to_numpy() | ~np.isfinite(numeric.to_numpy(float, na_value=np.nan)) | (numeric < 0).to_numpy()
    if pd.api.types.is_bool_dtype(values.dtype) or bad.any():
        positions = np.flatnonzero(bad) if bad.any() else np.arange(min(len(values), 5))
        raise DataValueError(f"fpc column {column!r} must hold finite, non-negative numbers (population numbers "
                             f"of PSUs, or sampling fractions); got {values.iloc[int(positions[0])]!r} at position "
                             f"{int(positions[0])}", column=column, role="fpc",
                             values=list(values.iloc[positions[:5]]), positions=positions[:5], total=len(positions))


def _check_fpc_constant(table: pd.DataFrame, design: "SurveyDesign") -> None:
    """One fpc value per stratum (checked on the counted table, where fpc is a key beside the strata)."""
    column = design.fpc
    numeric = pd.to_numeric(table[column], errors="coerce")
    if design.strata is not None:
        spread = numeric.groupby(table[design.strata].to_numpy(), sort=False).nunique()
        varying = spread[spread > 1]
        if len(varying):
            raise DataValueError(f"fpc column {column!r} varies within stratum {varying.index[0]!r}; it must hold "
                                 f"one value per stratum (the stratum's population number of PSUs or sampling "
                                 f"fraction)", column=column, role="fpc", values=[varying.index[0]])
    elif numeric.nunique() > 1:
        raise DataValueError(f"fpc column {column!r} must hold one value (there are no strata), got "
                             f"{numeric.nunique()} different values", column=column, role="fpc")


def psu_counts(data, *, score="score", design: SurveyDesign, by=None, scale=None, date=None, pfreq=None,
               dayfirst=None, period_key="period") -> pd.DataFrame:
    """Sums of weights per stratum, PSU, raking cell and group: all the design-based variance needs.

    The counting step of :func:`design_estimates` (a group-by of the rows; an engine can count the same
    table where the data lives). Since y takes three values, the sums of weights of the promoters, passives
    and detractors of each PSU and group are enough.

    Parameters
    ----------
    data : DataFrame, path, DuckDB relation, Polars or Spark DataFrame
        One row per respondent. Not modified. Data an engine holds is counted there
        (:func:`nps_toolkit.counting.count_design`): only this table leaves it.
    score : str
        Column of answers (0-10 by default); missing answers are counted in ``n_missing``.
    design : SurveyDesign
        The columns of weights, strata, PSUs, fpc and raking margins.
    by : str or list of str, optional
        Grouping column(s) (domains).
    scale : NPSScale, optional
        A custom category scale.
    date, pfreq, dayfirst, period_key : optional
        Count per calendar period too: ``period_key`` holds the Period ordinal (frequency ``pfreq``, such as
        ``"Q-DEC"``) of each row's date, NaN for rows without one.

    Returns
    -------
    DataFrame
        One row per combination of the key columns that occurs: the strata, fpc, psu, rake and ``by``
        columns (each once, and ``period_key``), then ``rows`` (rows of data), ``n_missing`` (rows without
        an answer), ``detractors``, ``passives``, ``promoters`` (sums of weights of the answers), the sums of
        squared weights ``detractors_sq``, ``passives_sq``, ``promoters_sq`` (what the variance needs when
        every row is its own PSU) and, with raking, ``weight`` and ``weight_sq`` (over every row, answered or
        not). Sorted by the key columns.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"score": [10, 3, None, 9], "store": [1, 1, 2, 2], "w": [1.0, 2.0, 1.0, 3.0]})
    >>> psu_counts(df, design=SurveyDesign(weights="w", psu="store"))[["store", "rows", "n_missing", "promoters",
    ...                                                                 "detractors"]]
       store  rows  n_missing  promoters  detractors
    0      1     2          0        1.0         2.0
    1      2     2          1        3.0         0.0
    """
    design = _check_design(design)
    by_cols = as_column_list(by)
    available = columns(data)
    named = [(score, "score column"), *((c, "by column") for c in by_cols)]
    named += [(getattr(design, field), role) for field, role in _ROLES.items() if getattr(design, field) is not None]
    named += [(c, "margin column") for c in design.rake or {}]
    for name, role in named:
        if name not in available:
            raise missing_column_error(name, available, role)
    check_group_columns(by_cols)
    clash = [c for c in by_cols if c in PSU_COUNT_COLUMNS]
    if clash:
        raise ValueError(f"by column {clash[0]!r} has the name of a column of the PSU count table; rename it")
    in_memory = engine_of(data) is None
    if in_memory:  # checked on the rows (with their positions) before counting
        _check_design_values(data, design)
    keys = _key_columns(design, by_cols)
    table = count_design(data, score=score, keys=keys, weights=design.weights, scale=scale,
                         row_weights=design.rake is not None, date=date, pfreq=pfreq, dayfirst=dayfirst,
                         period_key=period_key)
    if not in_memory:  # checked on the counted keys; the positions are looked up only to report an error
        _check_counted_values(data, table, design)
    if design.fpc is not None:
        _check_fpc_constant(table, design)
    return table


def _check_design_values(data: pd.DataFrame, design: SurveyDesign) -> None:
    """Strata, PSUs and raking columns without missing values; fpc numbers, one per stratum."""
    for field in ("strata", "psu"):
        column = getattr(design, field)
        if column is not None:
            _refuse_missing(data[column], column, field)
    for column in design.rake or {}:
        _refuse_missing(data[column], column, "margin")
    if design.fpc is not None:
        _check_fpc_values(data[design.fpc], design.fpc)


def _check_counted_values(data, table: pd.DataFrame, design: SurveyDesign) -> None:
    """The checks of :func:`_check_design_values` on the table an engine counted (a column is read to name rows)."""
    for field, column in [("strata", design.strata), ("psu", design.psu)] + [("margin", c) for c in design.rake or {}]:
        if column is not None and table[column].isna().any():
            _refuse_missing(column_values(data, column), column, field)
    if design.fpc is not None:
        values = table[design.fpc]
        bad = pd.to_numeric(values, errors="coerce")
        if bad.isna().any() or pd.api.types.is_bool_dtype(values.dtype) or (bad < 0).any() \
                or not np.isfinite(bad.to_numpy(float, na_value=np.nan)).all():
            _check_fpc_values(column_values(data, design.fpc), design.fpc)


# -- the core: estimates and covariance from the table of PSU counts ----------------------------------------------
def _rowsum(index: np.ndarray, values: np.ndarray, size: int) -> np.ndarray:
    """Sum the rows of ``values`` (n x k) by ``index`` (n) into ``size`` rows."""
    out = np.empty((size, values.shape[1]))
    for j in range(values.shape[1]):
        out[:, j] = np.bincount(index, weights=values[:, j], minlength=size)
    return out


def _sampling_fractions(table: pd.DataFrame, design: SurveyDesign, stratum: np.ndarray, n_h: np.ndarray):
    """``f_h``, the sampling fraction of each stratum's PSUs (0 without fpc), as R's ``svydesign`` reads fpc."""
    if design.fpc is None:
        return np.zeros(len(n_h))
    values = np.full(len(n_h), np.nan)
    values[stratum] = pd.to_numeric(table[design.fpc]).to_numpy(float)
    column = design.fpc
    if np.any(values > 1):
        if np.any(values < 1):
            raise DataValueError(f"fpc column {column!r} mixes values above 1 (population numbers of PSUs) and "
                                 f"below 1 (sampling fractions); give one kind", column=column, role="fpc")
        short = np.flatnonzero(values < n_h)
        if len(short):
            h = short[0]
            raise DataValueError(f"fpc column {column!r}: a stratum has {int(n_h[h])} sampled PSUs but a population "
                                 f"of {values[h]:g} PSUs (more than 100% sampled)", column=column, role="fpc",
                                 values=[values[h]])
        return n_h / values
    if np.all(values == 1):
        raise DataValueError(f"fpc column {column!r} holds only 1s: a sampling fraction of 1 (a census) or a "
                             f"population of one PSU per stratum? Ambiguous, as in R (which refuses it too)",
                             column=column, role="fpc")
    return values


def _margin_fit(cells: pd.DataFrame, margins: Mapping, base: np.ndarray, residual: np.ndarray) -> np.ndarray:
    """Fitted values of the regression of residuals on the margins' level indicators, per cell.

    ``base[c]`` is the sum of the weights before raking of cell c, ``residual[c, d]`` the sum over its rows
    of weight x (y - m_d) for group d. Weighted least squares at the row level, whose normal equations need
    only these sums: ``X' diag(base) X B = X' residual``; returns ``X B`` (cells x groups).
    """
    blocks = []
    for column, totals in margins.items():
        levels = pd.Index(list(totals)).get_indexer(cells[column])
        block = np.zeros((len(cells), len(totals)))
        block[np.arange(len(cells)), levels] = 1.0
        blocks.append(block)
    x = np.hstack(blocks)
    root = np.sqrt(base)
    with np.errstate(invalid="ignore", divide="ignore"):
        rhs = np.where(root[:, None] > 0, residual / np.where(root > 0, root, 1.0)[:, None], 0.0)
    coef = np.linalg.lstsq(x * root[:, None], rhs, rcond=None)[0]
    return x @ coef


def estimates_from_psu_counts(table: pd.DataFrame, *, design: SurveyDesign, by=None) -> pd.DataFrame:
    """Design-based NPS, standard error, design effect and covariance per group, from a table of PSU counts.

    The statistics step of :func:`design_estimates`: ``table`` is what :func:`psu_counts` returns (or an
    engine counted where the data lives, with the same columns).

    Parameters
    ----------
    table : DataFrame
        The key columns of ``design`` and ``by`` and the columns :data:`PSU_COUNT_COLUMNS`
        (``weight`` is needed only with ``design.rake``, the ``_sq`` columns only without ``design.psu``).
    design : SurveyDesign
        The design whose columns key ``table``.
    by : str or list of str, optional
        The group columns of ``table``.

    Returns
    -------
    DataFrame
        As :func:`design_estimates`.

    Examples
    --------
    >>> import pandas as pd
    >>> counted = pd.DataFrame({"store": [1, 2, 3], "rows": [2, 2, 2], "n_missing": [0, 0, 0],
    ...                         "detractors": [0.0, 1.0, 2.0], "passives": [0.0, 1.0, 0.0],
    ...                         "promoters": [2.0, 0.0, 0.0]})
    >>> estimates_from_psu_counts(counted, design=SurveyDesign(psu="store"))[["n", "nps", "se", "deff", "df"]].round(2)
       n    nps     se  deff  df
    0  6 -16.67  60.09  2.24   2
    """
    design = _check_design(design)
    by_cols = as_column_list(by)
    needed = ["rows", "n_missing", *_CATS] + (["weight"] if design.rake is not None else [])
    if design.psu is None:
        needed += [c + "_sq" for c in _CATS] + (["weight_sq"] if design.rake is not None else [])
    check_columns(table, _key_columns(design, by_cols) + needed, role="PSU count table column")
    table = table.reset_index(drop=True)
    size = len(table)

    # raking: one factor per cell, fitted on the cells' sums of the weights before raking
    base = table[list(_CATS)].to_numpy(float)  # K x 3, before raking
    if design.rake is not None:
        factor = raking_factors(table[list(design.rake)], margins=design.rake, weights=table["weight"].to_numpy(float))
    else:
        factor = np.ones(size)
    sums = base * factor[:, None]

    # groups (domains), sorted as groupby sorts them; every category of a categorical appears
    answers = (table["rows"] - table["n_missing"]).to_numpy(np.int64)
    if by_cols:
        keyed = table[by_cols].assign(_answers=answers, _missing=table["n_missing"].to_numpy(np.int64),
                                      _row=np.arange(size))
        domains = keyed.groupby(by_cols, observed=False, dropna=False, sort=True)[["_answers", "_missing"]].sum()
        domains = domains.reset_index()
        domains["_domain"] = np.arange(len(domains))
        dom = keyed[by_cols + ["_row"]].merge(domains[by_cols + ["_domain"]], on=by_cols, how="left")
        dom = dom.sort_values("_row")["_domain"].to_numpy(np.int64)
        out = {name: domains[name] for name in by_cols}
        n_d = domains["_answers"].to_numpy(np.int64)
        missing_d = domains["_missing"].to_numpy(np.int64)
    else:
        domains = None
        dom = np.zeros(size, dtype=np.int64)
        out = {}
        n_d = np.array([answers.sum()], dtype=np.int64)
        missing_d = np.array([table["n_missing"].sum()], dtype=np.int64)
    groups = len(n_d)
    per_domain = _rowsum(dom, sums, groups)  # G x 3 weighted sums of detractors, passives, promoters
    total = per_domain.sum(axis=1)
    answered = total > 0
    safe = np.where(answered, total, 1.0)
    nps = np.where(answered, (per_domain @ _SCORES) / safe, np.nan)
    m = np.where(answered, nps, 0.0)
    dev = _SCORES[None, :] - m[:, None]  # G x 3: y - m_d of each category
    # influence of each table row on its own group: sum over categories of w (y - m_d) / W_d
    own = (sums * dev[dom]).sum(axis=1) / safe[dom]

    # residuals on the raking margins: the fitted part, per cell and group, subtracted from every row of the cell
    fitted = None
    if design.rake is not None:
        cell_id = table.groupby(list(design.rake), sort=False, dropna=False, observed=True).ngroup().to_numpy()
        cells_n = int(cell_id.max()) + 1
        first = np.full(cells_n, size, dtype=np.int64)
        np.minimum.at(first, cell_id, np.arange(size, dtype=np.int64))
        cells = table[list(design.rake)].iloc[first].reset_index(drop=True)
        cell_base = np.bincount(cell_id, weights=table["weight"].to_numpy(float), minlength=cells_n)
        residual = np.zeros((cells_n, groups))
        np.add.at(residual, (cell_id, dom), (base * dev[dom]).sum(axis=1))
        fit = _margin_fit(cells, design.rake, cell_base, residual)  # cells x G, in points
        fitted = fit[cell_id] / safe[None, :]  # K x G: the fitted part per unit of weight
        raked_weight = table["weight"].to_numpy(float) * factor

    # strata and PSUs
    if design.strata is not None:
        stratum, strata_labels = pd.factorize(table[design.strata], sort=True)
    else:
        stratum, strata_labels = np.zeros(size, dtype=np.int64), pd.Index(["(one stratum)"])
    n_strata = len(strata_labels)
    stratum = np.asarray(stratum, dtype=np.int64)

    def influence_rows(rows_weight):
        """K x G: each table row's total of residualised influence values."""
        z = np.zeros((size, groups))
        z[np.arange(size), dom] = own
        if fitted is not None:
            z -= rows_weight[:, None] * fitted
        return z

    if design.psu is not None:
        psu_id, psu_labels = pd.factorize(pd.MultiIndex.from_arrays([stratum, table[design.psu].to_numpy()]))
        psu_id = np.asarray(psu_id, dtype=np.int64)
        n_psu = len(psu_labels)
        psu_stratum = np.zeros(n_psu, dtype=np.int64)
        psu_stratum[psu_id] = stratum
        n_h = np.bincount(psu_stratum, minlength=n_strata).astype(float)
        z = _rowsum(psu_id, influence_rows(raked_weight if fitted is not None else None), n_psu)
        f_h = _sampling_fractions(table, design, stratum, n_h)
        scale_h = _scale(n_h, f_h, strata_labels)
        totals_h = _rowsum(psu_stratum, z, n_strata)
        centred = z - (totals_h / np.maximum(n_h, 1.0)[:, None])[psu_stratum]
        covariance = (centred * scale_h[psu_stratum][:, None]).T @ centred
        df = n_psu - n_strata
    else:  # every row is a PSU: sums of squared weights give the sums of squared influence values
        n_h = np.bincount(stratum, weights=table["rows"].to_numpy(float), minlength=n_strata)
        f_h = _sampling_fractions(table, design, stratum, n_h)
        scale_h = _scale(n_h, f_h, strata_labels)
        squares = table[[c + "_sq" for c in _CATS]].to_numpy(float) * (factor ** 2)[:, None]  # K x 3
        totals_h = _rowsum(stratum, influence_rows(raked_weight if fitted is not None else None), n_strata)
        # each row of data is one of: an answer of category c (its vector e_d (y_c - m_d) / W_d - fitted) or a
        # row without an answer (-fitted); stack them, scaled by the root of their sum of squared weights
        parts, roots = [], []
        for c in range(3):
            v = np.zeros((size, groups))
            v[np.arange(size), dom] = dev[dom, c] / safe[dom]
            if fitted is not None:
                v -= fitted
            parts.append(v)
            roots.append(np.sqrt(squares[:, c]))
        if fitted is not None:
            rest = np.maximum(table["weight_sq"].to_numpy(float) * factor ** 2 - squares.sum(axis=1), 0.0)
            parts.append(-fitted)
            roots.append(np.sqrt(rest))
        stacked = np.vstack([v * (r * np.sqrt(scale_h[stratum]))[:, None] for v, r in zip(parts, roots)])
        with np.errstate(invalid="ignore", divide="ignore"):
            mean_part = (totals_h * np.sqrt(np.where(n_h > 0, scale_h / n_h, 0.0))[:, None])
        covariance = stacked.T @ stacked - mean_part.T @ mean_part
        df = int(table["rows"].sum()) - n_strata

    # a group whose answers are all of one category has z = 0 everywhere: exactly no variance, no design effect;
    # and what is left of a variance that is 0 in exact arithmetic (a group within one PSU) is rounding: 0
    single = answered & ((per_domain > 0).sum(axis=1) <= 1)
    covariance[single, :] = 0.0
    covariance[:, single] = 0.0
    covariance[np.abs(covariance) < _ROUNDING] = 0.0
    covariance[~answered, :] = np.nan
    covariance[:, ~answered] = np.nan
    variance = np.diag(covariance).copy()
    se = np.sqrt(np.maximum(variance, 0.0))
    with np.errstate(invalid="ignore", divide="ignore"):
        srs = np.where(n_d > 1, (per_domain * dev ** 2).sum(axis=1) / (safe * (n_d - 1)), np.nan)
        deff = np.where(answered & ~single & (srs > 0), variance / np.where(srs > 0, srs, 1.0), np.nan)
        n_effective = np.where(deff > 0, n_d / np.where(deff > 0, deff, 1.0), np.nan)
    out.update({"n": n_d, "n_missing": missing_d, "weighted_total": total,
                "nps": np.clip(nps, -100.0, 100.0), "se": se, "deff": deff, "n_effective": n_effective,
                "df": np.full(groups, df, dtype=np.int64)})
    result = pd.DataFrame(out)
    result.attrs["covariance"] = Covariance(pd.DataFrame(covariance, index=result.index, columns=result.index))
    result.attrs["counts"] = pd.DataFrame(per_domain[:, ::-1], index=result.index,
                                          columns=["promoters", "passives", "detractors"])
    result.attrs["design"] = design
    return result


def _scale(n_h: np.ndarray, f_h: np.ndarray, labels) -> np.ndarray:
    """``(1 - f_h) n_h / (n_h - 1)`` per stratum; refuses a stratum with one PSU (unless it is a census)."""
    keep = 1.0 - f_h
    keep = np.where(keep < 1e-7, 0.0, keep)  # a census stratum adds no variance (R's threshold)
    lonely = np.flatnonzero((n_h == 1) & (keep > 0))
    if len(lonely):
        names = ", ".join(repr(_plain(labels[h])) for h in lonely[:5])
        raise DataValueError(f"stratum {names} has only one PSU: its variance cannot be estimated (R's "
                             f"survey.lonely.psu = \"fail\"); merge it with a similar stratum", role="strata",
                             values=[_plain(labels[h]) for h in lonely[:5]], total=len(lonely))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n_h > 1, keep * n_h / np.where(n_h > 1, n_h - 1.0, 1.0), 0.0)


def _plain(value):
    return value.item() if isinstance(value, np.generic) else value


def design_estimates(data: pd.DataFrame, *, score="score", design: SurveyDesign, by=None,
                     scale=None) -> pd.DataFrame:
    """NPS per group with its design-based standard error, design effect and degrees of freedom.

    The estimates of R's ``svymean(~y, design, deff = "replace")`` and ``svyby`` for the NPS
    (y = +100, 0, -100), with the covariance between groups; see the module's notes for the method.

    Parameters
    ----------
    data : DataFrame, path, DuckDB relation, Polars or Spark DataFrame
        One row per respondent, with the design's columns. Not modified. Data an engine holds is counted
        there: only the sums per stratum, PSU and group leave it (``psu_counts``).
    score : str
        Column of answers (0-10 by default). Missing answers are left out of the estimates; their rows keep
        their PSUs (and their weights, for raking).
    design : SurveyDesign
        How the sample was drawn: weights, strata, PSUs, finite-population correction, raking margins.
    by : str or list of str, optional
        Grouping column(s) (domains: brands, waves...), sorted as ``DataFrame.groupby`` sorts them; a missing
        group value is its own group, last.
    scale : NPSScale, optional
        A custom category scale; the standard 0-6 / 7-8 / 9-10 of the 0-10 question by default.

    Returns
    -------
    DataFrame
        ``by`` columns, then ``n`` (answers), ``n_missing`` (rows without an answer), ``weighted_total`` (sum
        of the weights of the answers), ``nps``, ``se`` (design-based standard error, NPS points), ``deff``
        (design effect against simple random sampling with replacement), ``n_effective`` (``n / deff``) and
        ``df`` (the design's degrees of freedom: PSUs minus strata). A group without answers has NaN
        estimates; a group whose answers all fall in one category, or (without raking) all lie in one
        PSU, has ``se`` 0 (and ``deff`` NaN or 0, ``n_effective`` NaN). ``attrs["covariance"]`` is the
        covariance matrix of the ``nps`` of the groups (rows and columns: the result's index), for
        :func:`contrast`; ``attrs["counts"]`` the (raked) sums of weights of the promoters, passives and
        detractors of each group; ``attrs["design"]`` the design.

    See Also
    --------
    SurveyDesign : How the sample was drawn.
    contrast : Linear combinations of the estimates.
    summarize : The same estimates with counts, shares and intervals.
    compare_groups : Groups compared with design-based contrasts.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"score": [10, 9, 3, 8, 10, 0, 9, 6], "store": [1, 1, 2, 2, 3, 3, 4, 4],
    ...                    "region": ["N", "N", "N", "N", "S", "S", "S", "S"],
    ...                    "brand": ["A", "B", "A", "B", "A", "B", "A", "B"]})
    >>> design = SurveyDesign(strata="region", psu="store")
    >>> design_estimates(df, design=design)[["n", "nps", "se", "deff", "df"]].round(2)
       n   nps    se  deff  df
    0  8  12.5  37.5  1.15   2
    >>> by_brand = design_estimates(df, design=design, by="brand")
    >>> by_brand[["brand", "n", "nps", "se"]]
      brand  n   nps    se
    0     A  4  50.0  50.0
    1     B  4 -25.0  25.0

    The two brands share stores, so their difference is more precise than independent samples would make it
    (``sqrt(50^2 + 25^2) = 55.9``):

    >>> contrast(by_brand, [1, -1])
    Contrast(estimate=75.0, se=25.0, df=2)
    """
    design = _check_design(design)
    table = psu_counts(data, score=score, design=design, by=by, scale=scale)
    result = estimates_from_psu_counts(table, design=design, by=by)
    result.attrs["score"] = score
    return result


class Contrast(NamedTuple):
    """A linear combination of group estimates: its value, design-based standard error and degrees of freedom."""

    estimate: float
    se: float
    df: int


def contrast(estimates: pd.DataFrame, coefficients) -> Contrast:
    """A linear combination of the groups' NPS (a difference of brands, a change between waves) with its SE.

    ``sum_d c_d nps_d`` with standard error ``sqrt(c' V c)``, ``V`` the covariance of the groups
    (``estimates.attrs["covariance"]``): R's ``svycontrast``. Groups that share PSUs or strata are
    correlated, and the covariance accounts for it.

    Parameters
    ----------
    estimates : DataFrame
        What :func:`design_estimates` returns.
    coefficients : array-like, Series or dict
        One coefficient per row of ``estimates`` (in order), or a Series or dict keyed by its index
        (rows left out count 0).

    Returns
    -------
    Contrast
        ``estimate``, ``se`` and ``df`` (the design's degrees of freedom).

    See Also
    --------
    design_estimates : The estimates and covariance it combines.
    SurveyDesign : How the sample was drawn.
    compare_groups : Every group against a reference, adjusted for multiplicity.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"nps": [30.0, 20.0], "df": [10, 10]})
    >>> table.attrs["covariance"] = pd.DataFrame([[16.0, 4.0], [4.0, 9.0]])
    >>> contrast(table, {0: 1, 1: -1})
    Contrast(estimate=10.0, se=4.123..., df=10)
    """
    if not isinstance(estimates, pd.DataFrame) or "covariance" not in estimates.attrs:
        raise TypeError("contrast: estimates must be the table of design_estimates (with attrs['covariance'])")
    cov = estimates.attrs["covariance"]  # a Covariance, or a DataFrame set by hand
    if isinstance(coefficients, Mapping) or isinstance(coefficients, pd.Series):
        series = pd.Series(coefficients, dtype=float)
        unknown = [k for k in series.index if k not in estimates.index]
        if unknown:
            raise KeyError(f"contrast: {unknown[0]!r} is not a row of the estimates (rows: {list(estimates.index)})")
        c = series.reindex(estimates.index, fill_value=0.0).to_numpy(float)
    else:
        c = np.asarray(coefficients, dtype=float).ravel()
        if len(c) != len(estimates):
            raise ValueError(f"contrast: {len(c)} coefficients for {len(estimates)} groups; give one per row")
    used = c != 0
    values = estimates["nps"].to_numpy(float)
    matrix = cov.to_numpy(float)
    estimate = float(c[used] @ values[used])
    variance = float(c[used] @ matrix[np.ix_(used, used)] @ c[used])
    df = int(estimates["df"].iloc[0]) if "df" in estimates.columns and len(estimates) else 0
    return Contrast(estimate, math.sqrt(max(variance, 0.0)) if math.isfinite(variance) else math.nan, df)
