"""Survey answers as they arrive: clean 0-10 answers into scores (:func:`clean_scores`).

Survey tools and spreadsheets rarely hand over a tidy column of integers.
Answers arrive as text (``" 9 "``, ``"8,0"``), with their scale labels
(``"10 - Extremely likely"``, ``"10 — Точно порекомендую"``,
``"9 (zdecydowanie polecę)"``), with no-answer codes (``"n/a"``,
``"не знаю"``, ``"nie wiem"``) and in files saved by Excel in various
regional flavours (``;`` delimiter, decimal comma, Windows-1251 encoding).

:func:`clean_scores` turns such a column into nullable integers (``Int64``),
missing answers as ``<NA>``, and refuses anything it cannot read without
guessing. :func:`read_responses` (in :mod:`nps_toolkit.reading`) reads survey
exports and cleans the score (and date) column on the way in.
"""

from __future__ import annotations

import decimal
import math
import numbers
from collections.abc import Iterable

import numpy as np
import pandas as pd

from ._validation import MAX_SHOWN, DataTypeError, DataValueError, describe_offenders
from .scale import NPSScale, check_scale, score_codes

__all__ = ["clean_scores", "NO_ANSWER_TOKENS"]

#: Answers that mean "no answer" (compared case-insensitively, after trimming
#: whitespace, surrounding brackets and a final full stop). They become missing.
NO_ANSWER_TOKENS = frozenset({
    # blanks and spreadsheet / statistics-package codes
    "", "-", "--", "–", "—", "?", "na", "n/a", "n.a", "#n/a", "nan", "none", "null", "missing",
    # English
    "don't know", "dont know", "do not know", "not sure", "no answer", "no response",
    "prefer not to say", "prefer not to answer", "refused", "not applicable",
    # Russian
    "не знаю", "затрудняюсь ответить", "затрудняюсь", "нет ответа", "без ответа", "отказ от ответа",
    "н/д", "нет данных",
    # Polish
    "nie wiem", "brak odpowiedzi", "trudno powiedzieć", "nie dotyczy", "odmowa odpowiedzi",
    "wolę nie odpowiadać",
})

# One number: digits with an optional decimal part (point or comma). ASCII
# digits only; the sign is only read at the very start of an answer.
_NUMBER = r"[0-9]+(?:[.,][0-9]+)?"
# A number at the start, optionally in brackets, not glued to a letter or digit.
_LEADING = rf"^[(\[]?\s*([+\-−–]?{_NUMBER})(?![^\W_])"
# A number at the end, optionally in brackets, not glued to a letter or digit.
_TRAILING = rf"(?<![^\W_])({_NUMBER})\s*[)\]]?$"

_ALLOWED_TEXT = ("numbers or numeric text ('7', ' 9 ', '8.0', '8,0'), optionally labelled with a single "
                 "number at the start or end ('10 - Extremely likely', 'Extremely likely (10)'); blank or "
                 "a no-answer token such as 'n/a', \"don't know\", 'не знаю', 'nie wiem' means missing")


# ---------------------------------------------------------------------------
# clean_scores
# ---------------------------------------------------------------------------

def clean_scores(values, *, scale: NPSScale | None = None, column: str = "score") -> pd.Series:
    """Clean survey answers into nullable whole numbers on the scale.

    Parameters
    ----------
    values : list, array or Series
        The answers of one question. Accepted: whole numbers (ints, or floats
        such as ``8.0``); numeric text with surrounding whitespace and a
        decimal point or comma (``" 9 "``, ``"8.0"``, ``"8,0"``); labelled
        answers as survey tools export them, holding a single number at the
        start or the end of the label (``"10 - Extremely likely"``,
        ``"0 – Not at all likely"``, ``"10 — Точно порекомендую"``,
        ``"9 (zdecydowanie polecę)"``, ``"10: Extremely likely"``,
        ``"Extremely likely - 10"``). Blank, ``None``, ``NaN``, ``pd.NA``
        and the no-answer tokens of :data:`NO_ANSWER_TOKENS` (``"n/a"``,
        ``"don't know"``, ``"не знаю"``, ``"nie wiem"``, ...; any case)
        become missing.
    scale : NPSScale, optional
        The answer scale; the standard 0-10 scale by default.
    column : str, default "score"
        Column name used in error messages.

    Returns
    -------
    Series
        ``Int64`` values with the index and name of the input (a fresh
        ``RangeIndex`` for lists and arrays); missing answers are ``<NA>``.
        The input is never modified.

    Raises
    ------
    TypeError
        Booleans, dates or other non-numbers (not text) among the answers.
    ValueError
        Text with no number, with two different numbers or with a number
        in the middle only; fractions such as 9.5; values off the scale
        (11, -1). The message names the column, up to five offending values
        with their 0-based positions, and what is allowed.

    See Also
    --------
    read_responses : Read a survey export, its score cleaned.
    categorize : Categorise cleaned answers.
    NPSScale : A custom answer scale.

    Examples
    --------
    >>> clean_scores(["10 - Extremely likely", " 7 ", "8,0", "n/a", None, 3.0])
    0      10
    1       7
    2       8
    3    <NA>
    4    <NA>
    5       3
    dtype: Int64
    >>> clean_scores(["9 (zdecydowanie polecę)", "great", "11"], column="q1")
    Traceback (most recent call last):
    ...
    nps_toolkit.DataValueError: column 'q1': cannot read a score from 'great' (position 1); allowed: ...
    """
    scale = check_scale(scale)
    series = _as_series(values, column)
    fast = _on_scale_integers(series, scale)
    if fast is not None:
        data, missing = fast
    else:
        numbers_, codes = _to_numbers(series, column)
        _check_on_scale(series, numbers_, codes, scale, column)
        missing = np.isnan(numbers_)
        with np.errstate(invalid="ignore"):  # NaN has no integer: whatever the cast gives is zeroed below
            data = numbers_.astype(np.int64)
        data[missing] = 0
        if codes is not None:  # one number per distinct answer: back to the rows
            data = np.append(data, 0)[codes]
            missing = np.append(missing, True)[codes]
    # data and missing are fresh arrays (never the input's memory): no need for the Series to copy them
    return pd.Series(pd.arrays.IntegerArray(data, missing), index=series.index, name=series.name, copy=False)


def _as_series(values, column: str) -> pd.Series:
    if isinstance(values, pd.DataFrame):
        raise DataTypeError(f"{column}: clean_scores takes one column (a Series, list or array), not a DataFrame; "
                            f"pass e.g. data[{column!r}]", column=column, role="score")
    if isinstance(values, pd.Series):
        return values
    if isinstance(values, np.ndarray):
        if values.ndim != 1:
            raise DataValueError(f"{column}: answers must be one-dimensional, got shape {values.shape}", column=column,
                                 role="score")
        return pd.Series(values)
    if isinstance(values, (pd.Index, pd.api.extensions.ExtensionArray)):
        return pd.Series(values)
    if isinstance(values, (str, bytes, dict, set, frozenset)) or not isinstance(values, Iterable):
        raise DataTypeError(f"{column}: answers must be a sequence (list, array or Series), got {values!r}",
                            column=column, role="score")
    return pd.Series(list(values), dtype=object)


def _offenders(series: pd.Series, positions, column) -> dict:
    """The attributes of a :class:`~nps_toolkit.DataError` for the answers of ``column`` at ``positions``."""
    return dict(column=column, role="score", values=list(_originals(series, positions[:MAX_SHOWN])),
                positions=positions[:MAX_SHOWN], total=len(positions))


def _originals(series: pd.Series, positions) -> np.ndarray:
    """The caller's values at ``positions``, as plain Python objects for messages.

    One entry per position; only the first few (those a message shows) are
    fetched, the others are ``None``, so a column of a million bad values is
    refused as quickly as one.
    """
    positions = np.asarray(positions)
    out = np.full(len(positions), None, dtype=object)
    for i, v in enumerate(series.iloc[positions[:MAX_SHOWN]].to_numpy(dtype=object)):
        out[i] = v.item() if isinstance(v, np.generic) else v
    return out


def _on_scale_integers(series: pd.Series, scale: NPSScale):
    """Integer columns (numpy, nullable, pyarrow) wholly on the scale: ``(data, missing)``, else None.

    A shortcut without float conversion; whatever it cannot vouch for (an
    answer off the scale, unsigned 64-bit values) takes the general way.
    """
    dtype = series.dtype
    if not pd.api.types.is_integer_dtype(dtype) or isinstance(dtype, pd.CategoricalDtype):
        return None
    native = np.dtype(getattr(dtype, "numpy_dtype", dtype))
    if native.kind == "u" and native.itemsize >= 8:  # may not fit an int64
        return None
    if isinstance(dtype, np.dtype):
        data = series.to_numpy().astype(np.int64)  # always a copy: the input is never shared
        missing = np.zeros(len(data), dtype=bool)
    else:
        missing = np.array(series.isna().to_numpy(dtype=bool))  # a writable copy
        data = np.array(series.to_numpy(dtype=np.int64, na_value=scale.minimum))  # a writable copy
    if len(data) and (data.min() < scale.minimum or data.max() > scale.maximum):
        return None
    data[missing] = 0
    return data, missing


def _check_on_scale(series: pd.Series, numbers_: np.ndarray, codes, scale: NPSScale, column: str) -> None:
    """Refuse answers off the scale (fractions, 11, -1, inf), naming the caller's rows.

    ``numbers_`` are floats per row, or per distinct answer when ``codes``
    (one per row, -1 where missing) maps them back to the rows.
    """
    if codes is None and _surely_on_scale(numbers_, scale):
        return
    try:
        score_codes(numbers_, scale=scale, column=column)  # the toolkit's one range check
        return
    except ValueError:
        bad = ~np.isnan(numbers_) & ~np.isin(numbers_, scale.values)
        if codes is not None:
            bad = _rows_with(bad, codes)
            if not bad.any():  # only unused categories are off the scale
                return
        if not bad.any():  # pragma: no cover - score_codes refused something else
            raise
    pos = np.flatnonzero(bad)
    raise DataValueError(f"column {column!r}: answers must be {scale.describe()} (missing answers may be blank "
                         f"or a no-answer token such as 'n/a'); got "
                         f"{describe_offenders(_originals(series, pos), pos)}", **_offenders(series, pos, column))


def _surely_on_scale(numbers_: np.ndarray, scale: NPSScale) -> bool:
    """True when every number (NaN aside) is a whole number on the scale; vectorised, for long columns.

    False means "not sure" (the full check then runs), never a refusal.
    """
    if not len(numbers_):
        return True
    low, high = np.fmin.reduce(numbers_), np.fmax.reduce(numbers_)  # NaN ignored (NaN if all are)
    if np.isnan(low):
        return True  # all missing
    if not (low >= scale.minimum and high <= scale.maximum):
        return False
    return not np.greater(numbers_, np.floor(numbers_)).any()  # no fractions (above their floor; NaN never is)


def _to_numbers(series: pd.Series, column: str) -> tuple[np.ndarray, np.ndarray | None]:
    """Floats of the answers (NaN where missing) and None, or floats per distinct answer and their codes.

    Numeric columns are converted in one vectorised step (one float per row,
    codes None). Text, object and categorical columns are read once per
    *distinct* value (an answer column holds a few dozen of them, however
    many rows): the floats are per distinct value and ``codes`` (one per row,
    -1 where missing) maps them to the rows. Refuses what cannot be read,
    naming the rows holding a bad value.
    """
    dtype = series.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        # The categories are the distinct values already; unused categories are never refused.
        cat = series.array
        codes = np.asarray(cat.codes, dtype=np.intp)
        return _from_distinct(series, cat.categories.to_numpy(dtype=object), codes, column), codes
    if pd.api.types.is_bool_dtype(dtype):
        pos = np.flatnonzero(series.notna().to_numpy())
        raise DataTypeError(f"column {column!r}: answers must be numbers or text, got booleans: "
                            f"{describe_offenders(_originals(series, pos), pos)}", **_offenders(series, pos, column))
    if pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_complex_dtype(dtype):
        return series.to_numpy(dtype=float, na_value=np.nan), None
    if pd.api.types.is_string_dtype(dtype) and dtype != object:
        codes, uniques = pd.factorize(series.array)  # str / string[pyarrow]: hashed in C, missing -> -1
        codes = np.asarray(codes, dtype=np.intp)
        return _from_text(pd.Series(uniques), codes, column), codes
    if dtype != object:
        raise DataTypeError(f"column {column!r}: answers must be numbers or text, got {dtype} values", column=column,
                            role="score")
    raw = series.to_numpy(dtype=object)
    kind = pd.api.types.infer_dtype(raw, skipna=True)
    if kind == "empty":
        return np.full(len(raw), np.nan), None
    if kind in ("integer", "floating", "mixed-integer-float"):
        try:
            return pd.to_numeric(pd.Series(raw)).to_numpy(dtype=float, na_value=np.nan), None
        except (OverflowError, TypeError, ValueError):
            pass  # e.g. integers too large for a float: sorted out value by value below
    if kind == "string":  # text and missing values only
        codes, uniques = pd.factorize(raw)
        codes = np.asarray(codes, dtype=np.intp)
        return _from_text(pd.Series(uniques, dtype="str"), codes, column), codes
    # Mixed content (e.g. Excel cells holding numbers and labelled text): sort the distinct values by type.
    codes, uniques = _factorize_by_type(raw)
    return _from_distinct(series, uniques, codes, column), codes


def _factorize_by_type(raw: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Codes (-1 where missing) and one representative per distinct (value, kind) of an object array.

    Equal values of different kinds stay apart (``True == 1 == 1.0``, but a
    boolean is refused and a number is not); within a kind they are read
    alike (``1`` and ``1.0``, ``"7"`` and ``np.str_("7")``).
    """
    try:
        with np.errstate(all="ignore"):  # hashing compares e.g. np.float32(4.0) with 1e69: no warning for that
            codes, uniques = pd.factorize(raw)
    except TypeError:  # unhashable answers (e.g. lists): every row stands for itself
        return np.arange(len(raw), dtype=np.intp), raw
    codes = np.asarray(codes, dtype=np.intp)
    rows = np.flatnonzero(codes >= 0)
    type_codes, types = pd.factorize(np.fromiter(map(type, raw[rows]), dtype=object, count=len(rows)))
    kinds = {_kind(t) for t in types}
    # Only a boolean and a number, or an object of another kind (its own ==), can be equal yet read differently;
    # text never equals a non-text value, and equal numbers (1, 1.0) read alike.
    if not ({"bool", "number"} <= kinds or "other" in kinds):
        return codes, np.asarray(uniques, dtype=object)
    pair_codes, _ = pd.factorize(codes[rows].astype(np.int64) * len(types) + type_codes)
    # factorize numbers the pairs in order of appearance: a row is the first of its pair when its code tops all before
    first = np.flatnonzero(np.concatenate(([True], pair_codes[1:] > np.maximum.accumulate(pair_codes)[:-1])))
    out = np.full(len(raw), -1, dtype=np.intp)
    out[rows] = pair_codes
    return out, raw[rows[first]]


def _kind(cls: type) -> str:
    """How clean_scores treats values of type ``cls``: "bool" (refused), "text", "number" or "other" (refused)."""
    if issubclass(cls, (bool, np.bool_)):
        return "bool"
    if issubclass(cls, str):
        return "text"
    if issubclass(cls, (numbers.Real, decimal.Decimal)):
        return "number"
    return "other"


def _from_distinct(series: pd.Series, uniques: np.ndarray, codes: np.ndarray, column: str) -> np.ndarray:
    """Floats for distinct values of any type (``codes``: one per row of ``series``, -1 where missing)."""
    n = len(uniques)
    missing = np.asarray(pd.isna(uniques), dtype=bool)
    kind = np.array([_kind(type(v)) for v in uniques], dtype=object)
    is_bool, is_text = kind == "bool", kind == "text"
    is_number = (kind == "number") & ~missing
    other = (kind == "other") & ~missing
    for mask, what in ((is_bool, "booleans"), (other, "values that are neither numbers nor text")):
        rows = _rows_with(mask, codes)
        if rows.any():
            pos = np.flatnonzero(rows)
            raise DataTypeError(f"column {column!r}: answers must be numbers or text, got {what}: "
                                f"{describe_offenders(_originals(series, pos), pos)}",
                                **_offenders(series, pos, column))
    out = np.full(n, np.nan)
    out[is_number] = [_as_float(v) for v in uniques[is_number]]
    text = np.flatnonzero(is_text)
    if text.size:
        shown = pd.Series(uniques[text], dtype="str")
        values, bad = _read_text(shown)
        if bad.any():
            bad_all = np.zeros(n, dtype=bool)
            bad_all[text] = bad
            shown_all = np.full(n, None, dtype=object)
            shown_all[text] = shown.tolist()
            _refuse_text(shown_all, bad_all, codes, column)
        out[text] = values
    return out


def _from_text(text: pd.Series, codes: np.ndarray, column: str) -> np.ndarray:
    """Floats for distinct strings ``text`` (``codes``: one per row, -1 where missing)."""
    values, bad = _read_text(text)
    if bad.any():
        shown = np.full(len(text), None, dtype=object)
        shown[:] = text.tolist()
        _refuse_text(shown, bad, codes, column)
    return values


def _rows_with(mask: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """Row mask from a mask over the distinct values (rows with code -1 are not selected)."""
    return np.append(mask, False)[codes]


def _refuse_text(shown: np.ndarray, bad: np.ndarray, codes: np.ndarray, column: str) -> None:
    """Raise for the rows holding a distinct text marked ``bad`` (if any row does)."""
    rows = _rows_with(bad, codes)
    if not rows.any():  # only unused categories are bad
        return
    where = np.flatnonzero(rows)
    raise DataValueError(f"column {column!r}: cannot read a score from "
                         f"{describe_offenders(shown[codes[where]], where)}; allowed: {_ALLOWED_TEXT}", column=column,
                         role="score", values=list(shown[codes[where[:MAX_SHOWN]]]), positions=where[:MAX_SHOWN],
                         total=len(where))


def _as_float(value) -> float:
    try:
        return float(value)
    except OverflowError:  # an integer beyond the float range is simply off the scale
        return math.inf if value > 0 else -math.inf


def _normalise(text: pd.Series) -> pd.Series:
    return text.str.strip().str.replace(r"\s+", " ", regex=True)


def _no_answer_key(norm: pd.Series) -> pd.Series:
    return (norm.str.lower().str.replace("’", "'", regex=False).str.replace("`", "'", regex=False)
            .str.strip(" .()[]"))


def _text_to_float(text: pd.Series) -> pd.Series:
    """'8,0' -> 8.0, '−3' -> -3.0; NaN stays NaN."""
    return (text.str.replace(",", ".", regex=False).str.replace(r"^[−–]", "-", regex=True)
            .astype(float))


def _read_text(text: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Read a score from each string of ``text``: floats (NaN where missing) and a mask of unreadable ones."""
    text = text.reset_index(drop=True)
    norm = _normalise(text)
    missing = (text.isna() | _no_answer_key(norm).isin(NO_ANSWER_TOKENS)).to_numpy()
    leading = norm.str.extract(_LEADING, expand=False)
    trailing = norm.str.extract(_TRAILING, expand=False)
    value = _text_to_float(leading.fillna(trailing))
    # Every number in the answer must be the same one (signs aside): "10 - 9 people" is ambiguous.
    found = norm.str.extractall(f"({_NUMBER})")
    if len(found):
        distinct = _text_to_float(found[0]).abs().groupby(level=0).nunique()
        distinct = distinct.reindex(range(len(text)), fill_value=0).to_numpy()
    else:
        distinct = np.zeros(len(text), dtype=int)
    readable = value.notna().to_numpy() & (distinct == 1)
    bad = ~missing & ~readable
    return np.where(missing | bad, np.nan, value.to_numpy(dtype=float, na_value=np.nan)), bad
