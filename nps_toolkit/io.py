"""Reading survey exports: clean 0-10 answers and load response files.

Survey tools and spreadsheets rarely hand over a tidy column of integers.
Answers arrive as text (``" 9 "``, ``"8,0"``), with their scale labels
(``"10 - Extremely likely"``, ``"10 — Точно порекомендую"``,
``"9 (zdecydowanie polecę)"``), with no-answer codes (``"n/a"``,
``"не знаю"``, ``"nie wiem"``) and in files saved by Excel in various
regional flavours (``;`` delimiter, decimal comma, Windows-1251 encoding).

:func:`clean_scores` turns such a column into nullable integers (``Int64``),
missing answers as ``<NA>``, and refuses anything it cannot read without
guessing. :func:`read_responses` reads CSV/TSV/TXT, Excel and Parquet files
and cleans the score (and optionally the date) column on the way in.
"""

from __future__ import annotations

import csv
import datetime as _dt
import decimal
import io as _io
import itertools
import math
import numbers
import os
import re
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from ._validation import check_columns, describe_offenders
from .scoring import NPSScale, _check_scale, score_codes

__all__ = ["clean_scores", "read_responses", "NO_ANSWER_TOKENS", "READ_EXTENSIONS", "DATE_FORMATS"]

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

#: File extensions :func:`read_responses` understands (compared case-insensitively).
READ_EXTENSIONS = (".csv", ".tsv", ".txt", ".xlsx", ".xls", ".parquet")

#: Text date formats :func:`read_responses` accepts, tried in this order.
#: ISO 8601 (year first) and day-first with ``.``, ``/`` or ``-`` separators,
#: each optionally followed by a time. Days and months may have one digit.
DATE_FORMATS = tuple(
    [f"%Y-%m-%d{t}" for t in ("", " %H:%M", " %H:%M:%S", " %H:%M:%S.%f", "T%H:%M", "T%H:%M:%S",
                              "T%H:%M:%S.%f")]
    + [f"%d{sep}%m{sep}%Y{t}" for sep in (".", "/", "-") for t in ("", " %H:%M", " %H:%M:%S")]
)

_TEXT_EXTENSIONS = (".csv", ".tsv", ".txt")
_EXCEL_EXTENSIONS = (".xlsx", ".xls")
_DELIMITERS = ("\t", ";", ",")  # preference order when several fit equally well
_SNIFF_ROWS = 50

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
    ValueError: column 'q1': cannot read a score from 'great' (position 1); allowed: ...
    """
    scale = _check_scale(scale)
    series = _as_series(values, column)
    numeric = _to_numbers(series, column)
    try:
        score_codes(numeric, scale=scale, column=column)  # the toolkit's one range check
    except ValueError:
        bad = ~np.isnan(numeric) & ~np.isin(numeric, scale.values)
        if not bad.any():  # pragma: no cover - score_codes refused something else
            raise
        pos = np.flatnonzero(bad)
        raise ValueError(f"column {column!r}: answers must be {scale.describe()} (missing answers may be blank "
                         f"or a no-answer token such as 'n/a'); got "
                         f"{describe_offenders(_originals(series, pos), pos)}") from None
    missing = np.isnan(numeric)
    data = np.where(missing, 0, numeric).astype(np.int64)
    return pd.Series(pd.arrays.IntegerArray(data, missing), index=series.index, name=series.name)


def _as_series(values, column: str) -> pd.Series:
    if isinstance(values, pd.DataFrame):
        raise TypeError(f"{column}: clean_scores takes one column (a Series, list or array), not a DataFrame; "
                        f"pass e.g. data[{column!r}]")
    if isinstance(values, pd.Series):
        return values
    if isinstance(values, np.ndarray):
        if values.ndim != 1:
            raise ValueError(f"{column}: answers must be one-dimensional, got shape {values.shape}")
        return pd.Series(values)
    if isinstance(values, (pd.Index, pd.api.extensions.ExtensionArray)):
        return pd.Series(values)
    if isinstance(values, (str, bytes, dict, set, frozenset)) or not isinstance(values, Iterable):
        raise TypeError(f"{column}: answers must be a sequence (list, array or Series), got {values!r}")
    return pd.Series(list(values), dtype=object)


def _originals(series: pd.Series, positions) -> list:
    """The caller's values at ``positions``, as plain Python objects for messages."""
    raw = series.iloc[np.asarray(positions)].to_numpy(dtype=object)
    return [v.item() if isinstance(v, np.generic) else v for v in raw]


def _to_numbers(series: pd.Series, column: str) -> np.ndarray:
    """Float array of the answers, NaN where missing; refuses what cannot be read."""
    dtype = series.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        return _to_numbers(series.astype(object), column)
    if pd.api.types.is_bool_dtype(dtype):
        pos = np.flatnonzero(series.notna().to_numpy())
        raise TypeError(f"column {column!r}: answers must be numbers or text, got booleans: "
                        f"{describe_offenders(_originals(series, pos), pos)}")
    if pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_complex_dtype(dtype):
        return series.to_numpy(dtype=float, na_value=np.nan)
    if pd.api.types.is_string_dtype(dtype) and dtype != object:
        return _parse_text(series, column, np.arange(len(series)))
    if dtype != object:
        raise TypeError(f"column {column!r}: answers must be numbers or text, got {dtype} values")
    raw = series.to_numpy(dtype=object)
    kind = pd.api.types.infer_dtype(raw, skipna=True)
    if kind == "empty":
        return np.full(len(raw), np.nan)
    if kind in ("integer", "floating", "mixed-integer-float"):
        try:
            return pd.to_numeric(pd.Series(raw)).to_numpy(dtype=float, na_value=np.nan)
        except (OverflowError, TypeError, ValueError):
            pass  # e.g. integers too large for a float: sorted out one by one below
    if kind == "string":
        return _parse_text(pd.Series(raw, dtype="str"), column, np.arange(len(raw)))
    # Mixed content (e.g. Excel cells holding numbers and labelled text): sort by type.
    missing = pd.isna(pd.Series(raw)).to_numpy()
    is_bool = np.fromiter((isinstance(v, (bool, np.bool_)) for v in raw), bool, len(raw))
    is_text = np.fromiter((isinstance(v, str) for v in raw), bool, len(raw))
    is_number = np.fromiter((isinstance(v, (numbers.Real, decimal.Decimal)) for v in raw), bool, len(raw))
    is_number &= ~is_bool & ~missing
    other = ~(missing | is_bool | is_text | is_number)
    for mask, what in ((is_bool, "booleans"), (other, "values that are neither numbers nor text")):
        if mask.any():
            pos = np.flatnonzero(mask)
            raise TypeError(f"column {column!r}: answers must be numbers or text, got {what}: "
                            f"{describe_offenders(_originals(series, pos), pos)}")
    out = np.full(len(raw), np.nan)
    out[is_number] = [_as_float(v) for v in raw[is_number]]
    if is_text.any():
        pos = np.flatnonzero(is_text)
        out[pos] = _parse_text(pd.Series(raw[pos], dtype="str"), column, pos)
    return out


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


def _parse_text(text: pd.Series, column: str, positions: np.ndarray) -> np.ndarray:
    """Read a score from each string of ``text`` (NaN where missing).

    ``positions`` are the rows of ``text`` in the caller's data, for messages.
    """
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
    if bad.any():
        where = np.flatnonzero(bad)
        shown = text.iloc[where].tolist()
        raise ValueError(f"column {column!r}: cannot read a score from {describe_offenders(shown, positions[where])}; "
                         f"allowed: {_ALLOWED_TEXT}")
    return np.where(missing, np.nan, value.to_numpy(dtype=float, na_value=np.nan))


# ---------------------------------------------------------------------------
# read_responses
# ---------------------------------------------------------------------------

def read_responses(path, *, score="score", date=None, sheet=None, encoding: str | None = None,
                   scale: NPSScale | None = None, **read_kwargs) -> pd.DataFrame:
    """Read a survey export and clean its score (and date) column.

    Parameters
    ----------
    path : str or pathlib.Path
        A ``.csv``, ``.tsv`` or ``.txt`` text file, an Excel workbook
        (``.xlsx``; old binary ``.xls`` needs the optional ``python-calamine``
        package, or ``xlrd`` with pandas < 3) or a
        ``.parquet`` file. Extensions are matched case-insensitively.
    score : str, default "score"
        Column of 0-10 answers; cleaned with :func:`clean_scores` into ``Int64``.
    date : str, optional
        Column of response dates, parsed to datetimes. Accepted: date cells
        and timestamps as they are, and text in ISO 8601 (``2024-12-31``,
        ``2024-12-31 14:05``, ``2024-12-31T14:05:09``) or day first with
        ``.``, ``/`` or ``-`` (``31.12.2024``, ``31/12/2024``, ``1.2.2024``,
        optionally followed by ``14:05`` or ``14:05:09``), as Russian and
        Polish exports write them; see :data:`DATE_FORMATS`. Slashed dates
        are always read day first (``01/02/2024`` is 1 February); two-digit
        years, month names and month-first dates are refused. Blank cells
        become ``NaT``.
    sheet : str or int, optional
        Excel only: sheet name or 0-based index; the first sheet by default.
    encoding : str, optional
        Text files only. By default UTF-8 (with or without a byte-order
        mark) is tried, then Windows-1251 (Russian Excel's "CSV") or Windows-1250 (Polish Excel's,
        told apart by the letters they give); UTF-16
        files with a byte-order mark (Excel's "Unicode text") are recognised.
        Pass e.g. ``encoding="latin-1"`` for Western European Excel exports.
    scale : NPSScale, optional
        Answer scale for the score column; the standard 0-10 by default.
    **read_kwargs
        Passed on to :func:`pandas.read_csv`, :func:`pandas.read_excel` or
        :func:`pandas.read_parquet`. For text files the delimiter (``,``,
        ``;`` or tab) is taken from an Excel ``sep=;`` first line or
        detected from the first rows unless ``sep`` is given, and ``;``
        files are read with a decimal comma unless ``decimal`` is given.

    Returns
    -------
    DataFrame
        The file's columns, with the score column as ``Int64`` (missing
        answers ``<NA>``) and the date column, if named, as datetimes.

    Raises
    ------
    FileNotFoundError
        ``path`` does not exist.
    ValueError
        Unknown extension; unknown sheet; a score :func:`clean_scores`
        refuses; a date that does not parse (naming the column, up to five
        bad values and their 0-based positions).
    KeyError
        The score or date column is missing (the message lists the columns).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "export.csv").write_text(
    ...     "date;score;spend\\n31.12.2024;10 - Extremely likely;12,5\\n01.01.2025;не знаю;3\\n",
    ...     encoding="utf-8-sig")
    >>> data = read_responses(folder / "export.csv", date="date")
    >>> data
            date  score  spend
    0 2024-12-31     10   12.5
    1 2025-01-01   <NA>    3.0
    >>> data["score"].dtype
    Int64Dtype()
    """
    path = Path(os.fspath(path))
    suffix = path.suffix.lower()
    if not path.exists():
        raise FileNotFoundError(f"no such file: {str(path)!r}")
    if path.is_dir():
        raise IsADirectoryError(f"{str(path)!r} is a folder; give the path of a response file")
    if suffix not in READ_EXTENSIONS:
        raise ValueError(f"cannot read {path.name!r}: unknown file extension {path.suffix!r}; "
                         f"allowed: {' '.join(READ_EXTENSIONS)}")
    if sheet is not None and suffix not in _EXCEL_EXTENSIONS:
        raise ValueError(f"sheet= applies to Excel files only (.xlsx .xls), not {path.name!r}")
    if encoding is not None and suffix not in _TEXT_EXTENSIONS:
        raise ValueError(f"encoding= applies to text files only (.csv .tsv .txt), not {path.name!r}")

    if suffix in _TEXT_EXTENSIONS:
        data = _read_text(path, suffix, encoding, read_kwargs)
    elif suffix in _EXCEL_EXTENSIONS:
        data = _read_excel(path, sheet, read_kwargs)
    else:
        data = pd.read_parquet(path, **read_kwargs)

    check_columns(data, score, role="score column")
    if date is not None:
        check_columns(data, date, role="date column")
    data[score] = clean_scores(data[score], scale=scale, column=str(score))
    if date is not None:
        data[date] = _parse_dates(data[date], str(date))
    return data


_WORD = re.compile(r"[^\W\d_]+")
_LATIN = re.compile(r"[A-Za-z]")
_CYRILLIC = re.compile(r"[\u0400-\u04FF]")


def _decode(raw: bytes, encoding: str | None) -> str:
    if encoding is not None:
        return raw.decode(encoding)
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    # A Windows code page: Russian Excel saves cp1251, Polish Excel cp1250. Read as cp1251, Polish
    # letters (ą ę ł ś ż ...) turn into Cyrillic ones inside Latin words ("Dziкujк"): when words mixing
    # the two alphabets outnumber purely Cyrillic words, the file is cp1250.
    text = raw.decode("cp1251")
    words = _WORD.findall(text)
    mixed = sum(1 for w in words if _LATIN.search(w) and _CYRILLIC.search(w))
    cyrillic = sum(1 for w in words if _CYRILLIC.search(w) and not _LATIN.search(w))
    return raw.decode("cp1250", errors="replace") if mixed > cyrillic else text


def _detect_delimiter(text: str) -> str:
    """The delimiter (tab, ``;`` or ``,``) that splits the first rows into equal, widest rows."""
    best, best_key = ",", None
    for rank, delim in enumerate(_DELIMITERS):
        rows = [r for r in itertools.islice(csv.reader(_io.StringIO(text), delimiter=delim), _SNIFF_ROWS) if r]
        if not rows:
            continue
        widths = [len(r) for r in rows]
        header = widths[0]
        if header < 2:
            continue
        consistent = min(widths) == max(widths)
        share = sum(w == header for w in widths) / len(widths)
        key = (consistent, share, header, -rank)
        if best_key is None or key > best_key:
            best, best_key = delim, key
    return best


def _read_text(path: Path, suffix: str, encoding: str | None, read_kwargs: dict) -> pd.DataFrame:
    text = _decode(path.read_bytes(), encoding)
    kwargs = dict(read_kwargs)
    first, _, rest = text.partition("\n")
    hint = first.strip()
    if len(hint) == 5 and hint.lower().startswith("sep="):  # Excel's "sep=;" first line
        text = rest
        kwargs.setdefault("sep", hint[4])
    if "sep" not in kwargs and "delimiter" not in kwargs:
        kwargs["sep"] = "\t" if suffix == ".tsv" else _detect_delimiter(text)
    delim = kwargs.get("sep", kwargs.get("delimiter"))
    if delim == ";" and "decimal" not in kwargs:
        kwargs["decimal"] = ","
    return pd.read_csv(_io.StringIO(text), **kwargs)


def _read_excel(path: Path, sheet, read_kwargs: dict) -> pd.DataFrame:
    if isinstance(sheet, bool) or not (sheet is None or isinstance(sheet, (str, numbers.Integral))):
        raise TypeError(f"sheet must be a sheet name or a 0-based index, got {sheet!r}")
    try:
        book = pd.ExcelFile(path)
    except ImportError as exc:
        raise ImportError(f"old binary .xls files need an optional reader package (python-calamine, or xlrd "
                          f"with older pandas): {exc}; or save {path.name!r} as .xlsx") from exc
    with book:
        names = book.sheet_names
        if sheet is None:
            sheet = 0
        if isinstance(sheet, str):
            if sheet not in names:
                raise ValueError(f"{path.name!r} has no sheet {sheet!r}; sheets: "
                                 f"{', '.join(repr(n) for n in names)}")
        elif not 0 <= int(sheet) < len(names):
            raise ValueError(f"{path.name!r} has {len(names)} sheet(s), no sheet index {int(sheet)}; "
                             f"sheets: {', '.join(repr(n) for n in names)}")
        else:
            sheet = int(sheet)
        return pd.read_excel(book, sheet_name=sheet, **read_kwargs)


def _parse_dates(series: pd.Series, column: str) -> pd.Series:
    """Dates from date cells, timestamps and ISO or day-first text; refuses the rest."""
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        return series
    raw = series.to_numpy(dtype=object)
    n = len(raw)
    missing = pd.isna(pd.Series(raw)).to_numpy()
    is_text = np.fromiter((isinstance(v, str) for v in raw), bool, n) & ~missing
    is_date = np.fromiter((isinstance(v, (_dt.date, np.datetime64)) for v in raw), bool, n) & ~missing
    out = pd.Series(pd.NaT, index=pd.RangeIndex(n), dtype="datetime64[us]")
    parsed = missing.copy()
    if is_date.any():
        pos = np.flatnonzero(is_date)
        out.iloc[pos] = pd.to_datetime(pd.Series(raw[pos]), errors="coerce").to_numpy()
        parsed[pos] = True
    if is_text.any():
        pos = np.flatnonzero(is_text)
        text = _normalise(pd.Series(raw[pos], dtype="str"))
        blank = (text == "").to_numpy()
        parsed[pos[blank]] = True
        todo = ~blank
        for fmt in DATE_FORMATS:
            if not todo.any():
                break
            got = pd.to_datetime(text[todo], format=fmt, errors="coerce")
            ok = got.notna().to_numpy()
            rows = np.flatnonzero(todo)[ok]
            out.iloc[pos[rows]] = got.to_numpy()[ok]
            parsed[pos[rows]] = True
            todo[rows] = False
    bad = ~parsed
    if bad.any():
        where = np.flatnonzero(bad)
        raise ValueError(f"column {column!r}: cannot read a date from {describe_offenders(_originals(series, where), where)}; "
                         f"allowed: ISO dates (2024-12-31, 2024-12-31 14:05) or day-first dates "
                         f"(31.12.2024, 31/12/2024), optionally with a time, or blank")
    out.index = series.index
    out.name = series.name
    return out
