"""Reading survey exports: any platform's file to one row per response, columns found, never guessed.

:func:`read_responses` reads CSV/TSV/TXT, Excel, Parquet, SPSS (``.sav``,
``.zsav``) and Stata (``.dta``) files, recognises the survey platform's
layout from the file itself (:mod:`nps_toolkit.layouts`: Qualtrics,
SurveyMonkey, Google Forms, Typeform), finds the score and date columns
when they are not given, cleans the score with
:func:`nps_toolkit.clean_scores` and parses dates with
:func:`nps_toolkit.dates.parse_dates` (day/month order from the values).
What it found is recorded in ``data.attrs["nps_toolkit"]``:
:func:`describe_reading` turns that into the sentence the reports' methods
note prints. :func:`inspect_file` is what ``nps-toolkit inspect FILE`` shows.
"""

from __future__ import annotations

import io as _io
import csv
import numbers
import os
import zipfile
import zlib
from xml.etree import ElementTree
from pathlib import Path

import numpy as np
import pandas as pd

from . import _textfiles, layouts as _layouts
from ._validation import DataError, DataValueError, check_choice, check_columns
from .dates import ISO_DATE, NUMERIC_DATE, OFFSET, AmbiguousDatesError, parse_dates
from .answers import clean_scores
from .scale import NPSScale, check_scale

__all__ = ["read_responses", "inspect_file", "describe_reading", "find_score_column", "READ_EXTENSIONS",
           "LAYOUT_NAMES"]

#: File extensions :func:`read_responses` understands (compared case-insensitively).
READ_EXTENSIONS = (".csv", ".tsv", ".txt", ".xlsx", ".xls", ".parquet", ".sav", ".zsav", ".dta")

_TEXT = (".csv", ".tsv", ".txt")
_EXCEL = (".xlsx", ".xls")
_STATS = (".sav", ".zsav", ".dta")
_HEAD_ROWS = 3

#: Header words that ask about recommending (en, ru, pl), compared on lower-case text.
RECOMMEND_WORDS = ("recommend", "net promoter", "nps", "рекоменд", "посовет", "полец", "polec", "rekomend")
#: Column names that hold a score without asking (the bundled sample, hand-made files).
SCORE_NAMES = ("score", "nps", "nps_score", "nps score", "ltr", "likelihood to recommend", "оценка", "ocena")
#: Column names of respondents (for ``dedupe``), in order of preference.
ID_NAMES = ("respondent_id", "respondent id", "customer_id", "customer id", "client_id", "user_id", "externalreference",
            "external reference", "recipientemail", "email", "email address", "e-mail", "id")



# ---------------------------------------------------------------------------
# reading the table
# ---------------------------------------------------------------------------

def _suffix(path: Path) -> str:
    return path.suffix.lower()


def _read_text(path: Path, encoding, read_kwargs, layout):
    name = path.name
    raw = path.read_bytes()
    table = _textfiles.decode(raw, name, encoding)
    kwargs = dict(read_kwargs)
    text = table.text
    hinted = 0
    if "sep" in kwargs or "delimiter" in kwargs:
        delim = kwargs.pop("sep", kwargs.pop("delimiter", None))
    else:
        before = len(text)
        text, delim = _textfiles.sniff(text, name, _suffix(path))
        hinted = int(len(text) != before)  # Excel's "sep=;" line, taken off
    head = _head_rows(text, delim)
    found = _forced(layout, head)
    skip = _layouts.header_rows(found, head)
    if skip > len(head):
        raise _textfiles.FileError(f"cannot read {name!r}: the {found} layout has {skip} header rows, the file "
                                   f"has {len(head)} rows")
    names, labels = _layouts.column_names(found, head[:skip], f"cannot read {name!r}")
    if delim == ";" and "decimal" not in kwargs:
        kwargs["decimal"] = ","
    if delim is None:  # one column: no delimiter splits it (a decimal comma stays in the value)
        kwargs.setdefault("sep", "\x1f")
        kwargs.setdefault("skip_blank_lines", False)  # Excel writes an empty cell of a one-column sheet as a blank line
        if text.endswith("\n"):
            text = text[:-1]
        if "," in text and "decimal" not in kwargs:
            kwargs["decimal"] = ","
    else:
        kwargs["sep"] = delim
    kwargs.setdefault("keep_default_na", True)
    # UTF-8 with LF or CR LF line ends: the C parser reads the file itself (fastest); other text is read
    # as decoded (line ends made one kind), encoded as UTF-8 once more
    carriage = b"\r" in raw
    as_is = table.encoding == "utf-8" and delim is not None and (
        not carriage or raw.count(b"\r") == raw.count(b"\r\n"))
    encoded = None if as_is else text.encode("utf-8")
    if as_is and not hinted and not carriage:
        encoded = raw

    # Rows with another number of fields than the header: the C parser refuses a wider row (but for the first
    # data row, which it would take as an index: checked first), and a narrower one leaves the last column
    # empty (checked after, only then). check_widths names the rows.
    checked = delim is None or len(delim) == 1  # (a regular expression given as sep= is pandas' business)
    if delim is None or (checked and not _textfiles.first_rows_agree(text, delim)):
        _textfiles.check_widths(text, delim, name, encoded)
    source = path if as_is else _io.BytesIO(encoded)
    try:
        data = pd.read_csv(source, header=None, skiprows=skip + (hinted if as_is else 0), names=names,
                           encoding="utf-8-sig" if as_is else "utf-8", **kwargs)
    except pd.errors.EmptyDataError:  # header rows only (a ValueError too: caught first)
        data = pd.DataFrame(columns=names)
    except (pd.errors.ParserError, csv.Error, ValueError) as exc:
        if checked and delim is not None:
            _textfiles.check_widths(text, delim, name, encoded)
        raise _textfiles.parser_error(exc, name) from None
    if checked and delim is not None and len(data.columns) > 1 and data.iloc[:, -1].isna().any():
        _textfiles.check_widths(text, delim, name, encoded)
    info = {"encoding": table.encoding, "delimiter": {"\t": "tab", None: "none (one column)"}.get(delim, delim)}
    return data, found, labels, head, info


def _forced(layout, head):
    """The platform layout: recognised from the first rows, or the one the caller named (None: a plain table)."""
    if layout is None:
        return _layouts.recognise(head)
    return None if layout in ("csv", "excel", "parquet", "spss", "stata") else layout


def _head_rows(text: str, delim) -> list[list[str]]:
    head = text[:1 << 16]
    reader = csv.reader(_io.StringIO(head), delimiter=delim or "\x1f")
    rows = []
    try:
        for row in reader:
            if row:
                rows.append(row)
            if len(rows) >= _HEAD_ROWS:
                break
    except csv.Error:
        pass
    return rows


def _read_excel(path: Path, sheet, read_kwargs, layout):
    if isinstance(sheet, bool) or not (sheet is None or isinstance(sheet, (str, numbers.Integral))):
        raise TypeError(f"sheet must be a sheet name or a 0-based index, got {sheet!r}")
    name = path.name
    if _suffix(path) == ".xlsx" and not zipfile.is_zipfile(path):
        with open(path, "rb") as fh:
            start = fh.read(8)
        if not start:
            raise _textfiles.FileError(f"cannot read {name!r}: the file is empty")
        what = "an old binary .xls workbook" if start.startswith(b"\xd0\xcf\x11\xe0") else "not an Excel workbook"
        raise _textfiles.FileError(f"cannot read {name!r}: it is named .xlsx but is {what} (an .xlsx file is a zip "
                                   f"archive); save it from Excel as .xlsx, or as CSV")
    try:
        book = pd.ExcelFile(path)
    except ImportError as exc:
        raise ImportError(f"old binary .xls files need an optional reader package (python-calamine, or xlrd "
                          f"with older pandas): {exc}; or save {name!r} as .xlsx") from exc
    except _DAMAGED as exc:
        raise _damaged_workbook(name, exc) from None
    with book:
        names = book.sheet_names
        if sheet is None:
            sheet = 0
        if isinstance(sheet, str):
            if sheet not in names:
                raise ValueError(f"{name!r} has no sheet {sheet!r}; sheets: {', '.join(repr(n) for n in names)}")
        elif not 0 <= int(sheet) < len(names):
            raise ValueError(f"{name!r} has {len(names)} sheet(s), no sheet index {int(sheet)}; "
                             f"sheets: {', '.join(repr(n) for n in names)}")
        else:
            sheet = int(sheet)
        try:
            raw = pd.read_excel(book, sheet_name=sheet, header=None, **read_kwargs)
        except _DAMAGED as exc:
            raise _damaged_workbook(name, exc) from None
    if raw.empty:
        raise _textfiles.FileError(f"cannot read {name!r}: sheet {sheet!r} is empty")
    head = [[("" if pd.isna(v) else (str(int(v)) if isinstance(v, float) and v.is_integer() else str(v)))
             for v in raw.iloc[i].tolist()] for i in range(min(_HEAD_ROWS, len(raw)))]
    found = _forced(layout, head)
    skip = _layouts.header_rows(found, head)
    names, labels = _layouts.column_names(found, head[:skip], f"cannot read {name!r}")
    data = raw.iloc[skip:].reset_index(drop=True)
    data.columns = names
    data = data.infer_objects()
    return data, found, labels, head, {"sheet": sheet}


# What a damaged workbook raises inside pandas and openpyxl: a broken zip, compressed data or XML.
_DAMAGED = (zipfile.BadZipFile, KeyError, ValueError, OSError, EOFError, NotImplementedError, zlib.error,
            ElementTree.ParseError)


def _damaged_workbook(name: str, exc: Exception) -> Exception:
    what = "a zip archive that holds no workbook" if isinstance(exc, KeyError) else f"damaged ({exc})"
    return _textfiles.FileError(f"cannot read {name!r}: it is not a readable Excel workbook: {what}; save it again "
                                f"from Excel as .xlsx, or as CSV")


def _read_stats(path: Path, read_kwargs, scale: NPSScale):
    """SPSS/Stata through pyreadstat: value labels applied, user-missing codes missing, labelled scores by label."""
    import pyreadstat

    name = path.name
    reader = pyreadstat.read_dta if _suffix(path) == ".dta" else pyreadstat.read_sav
    try:
        data, meta = reader(str(path), **read_kwargs)
    except Exception as exc:  # pyreadstat raises its own ReadstatError/PyreadstatError for damaged files
        raise _textfiles.FileError(f"cannot read {name!r}: it is not a readable "
                                   f"{'Stata' if _suffix(path) == '.dta' else 'SPSS'} file ({exc})") from None
    labels = {c: (meta.column_names_to_labels or {}).get(c) or c for c in data.columns}
    value_labels = meta.variable_value_labels or {}
    coded = {}
    for col, mapping in value_labels.items():
        if col not in data.columns or not mapping:
            continue
        as_score = _labelled_scores(data[col], mapping, scale)
        if as_score is not None:
            data[col] = as_score
            coded[col] = "labels"
            continue
        values = data[col]
        mapped = values.map(lambda v, m=mapping: m.get(v, m.get(int(v)) if isinstance(v, float) and
                                                       float(v).is_integer() else None) if pd.notna(v) else None)
        data[col] = mapped.where(mapped.notna(), values.where(values.isna(), values.astype(object)))
        if data[col].map(lambda v: isinstance(v, str) or v is None or (isinstance(v, float) and np.isnan(v))).all():
            data[col] = data[col].astype(object)
    info = {"variables": len(data.columns), "value_labels": sorted(value_labels),
            "scores_from_labels": sorted(coded)}
    return data, labels, info


def _labelled_scores(values: pd.Series, mapping: dict, scale: NPSScale):
    """A coded score whose labels name the answers ("0 - Not at all likely" ... "10"): the answers, else None."""
    try:
        read = clean_scores(pd.Series([str(v) for v in mapping.values()]), scale=scale, column="labels")
    except (TypeError, ValueError):
        return None
    by_code = {k: v for k, v in zip(mapping.keys(), read.tolist()) if v is not pd.NA}
    if len(by_code) < len(scale.values) - 1:
        return None  # not the labels of a score (a few labelled codes such as 99 "Don't know" aside)
    out = values.map(lambda v: by_code.get(v, by_code.get(int(v)) if isinstance(v, float) and
                                           float(v).is_integer() else None) if pd.notna(v) else None)
    unlabelled = values.notna() & out.isna()
    if unlabelled.any():
        return None
    return pd.array(out.tolist(), dtype="Int64")


# ---------------------------------------------------------------------------
# finding columns
# ---------------------------------------------------------------------------

def _asks_to_recommend(text) -> bool:
    t = str(text).lower()
    return any(w in t for w in RECOMMEND_WORDS)


def _is_score(values: pd.Series, scale: NPSScale) -> bool:
    if pd.api.types.is_bool_dtype(values.dtype) or pd.api.types.is_datetime64_any_dtype(values.dtype):
        return False
    try:
        got = clean_scores(values, scale=scale, column="x")
    except (TypeError, ValueError):
        return False
    return bool(got.notna().any())


def find_score_column(data: pd.DataFrame, labels: dict | None = None, *, prefer=(), scale=None,
                      where: str = "the data", rows=None) -> str:
    """The column of 0-10 answers to "How likely are you to recommend ...?".

    Candidates, in turn: the platform's NPS question(s) (``prefer``); columns
    whose header or question text asks about recommending (en, ru, pl) and
    whose values are 0-10; columns named like a score (``score``, ``nps``,
    ``ltr``, ``оценка``, ``ocena``) with 0-10 values. The first kind that has
    exactly one candidate wins; none, or several of one kind, is an error
    that lists them.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"id": [1, 2], "How likely are you to recommend us?": [10, 7], "Age": [30, 41]})
    >>> find_score_column(df)
    'How likely are you to recommend us?'
    """
    scale = check_scale(scale)
    labels = labels or {}
    columns = list(data.columns)
    if rows is not None:  # only these rows count (the others are blank, keeping the rows' positions)
        data = data.where(pd.Series(np.asarray(rows, bool), index=data.index), axis=0)
    kinds = [
        ("the platform's NPS question", [c for c in prefer if c in columns]),
        ("a question about recommending with 0-10 answers",
         [c for c in columns if _asks_to_recommend(c) or _asks_to_recommend(labels.get(c, ""))]),
        ("a column named like a score", [c for c in columns if str(c).strip().lower() in SCORE_NAMES]),
    ]
    for what, candidates in kinds:
        scored = [c for c in candidates if not str(c).endswith("_NPS_GROUP") and _is_score(data[c], scale)]
        if len(scored) == 1:
            return scored[0]
        if len(scored) > 1:
            shown = "; ".join(f"{c!r}" + (f" ({labels[c]!r})" if labels.get(c) and labels[c] != c else "")
                              for c in scored)
            raise DataValueError(f"{where}: several columns could be the score ({what}): {shown}; pass score= "
                                 f"(or the template parameter score_column) to say which", role="score")
    named = [c for c in dict.fromkeys(kinds[0][1] or (kinds[1][1] + kinds[2][1]))
             if not str(c).endswith("_NPS_GROUP")]
    if len(named) == 1:  # one column that should be the score, whose values are not: say what is wrong with them
        clean_scores(data[named[0]], scale=scale, column=str(named[0]))
        raise DataValueError(f"{where}: column {named[0]!r} would be the score but holds no answers; pass score= "
                             f"(or the template parameter score_column) to name the column of 0-10 answers",
                             role="score")
    numeric = [c for c in columns if _is_score(data[c], scale)][:10]
    hint = f"; columns with 0-10 values: {', '.join(map(repr, numeric))}" if numeric else ""
    raise DataValueError(f"{where}: no column asks about recommending (\"How likely are you to recommend ...?\") "
                         f"with 0-10 answers{hint}; pass score= (or the template parameter score_column) to name it",
                         role="score")


def _all_dates(text: pd.Series) -> bool:
    iso = text.str.replace(OFFSET, r"\1", regex=True).str.match(ISO_DATE)
    return bool((iso | text.str.match(NUMERIC_DATE)).all())


def date_candidates(data: pd.DataFrame) -> list[str]:
    """Columns that hold dates: date/datetime columns and text columns whose values all read as dates."""
    found = []
    for col in data.columns:
        values = data[col]
        if pd.api.types.is_datetime64_any_dtype(values.dtype):
            found.append(col)
            continue
        if values.dtype != object and not pd.api.types.is_string_dtype(values.dtype):
            continue
        sample = values.dropna().astype(str).str.strip()
        sample = sample[sample != ""].head(200)
        if len(sample) and _all_dates(sample):
            found.append(col)
    return found


def find_id_column(data: pd.DataFrame, where: str = "the data") -> str:
    """The column identifying respondents (for ``dedupe``), by its name."""
    lower = {str(c).strip().lower(): c for c in data.columns}
    for key in ID_NAMES:
        if key in lower:
            return lower[key]
    raise ValueError(f"{where}: no respondent id column found (one of {', '.join(ID_NAMES)}); pass id_column= to "
                     f"name the column that identifies respondents")


# ---------------------------------------------------------------------------
# read_responses
# ---------------------------------------------------------------------------

def read_responses(path, *, score=None, date=None, layout=None, dayfirst=None, excluded="drop", dedupe=None,
                   id_column=None, sheet=None, encoding: str | None = None, scale: NPSScale | None = None,
                   **read_kwargs) -> pd.DataFrame:
    """Read a survey export: one row per response, the score cleaned and the dates parsed.

    Parameters
    ----------
    path : str or pathlib.Path
        A text export (``.csv``, ``.tsv``, ``.txt``), an Excel workbook
        (``.xlsx``; old ``.xls`` needs ``python-calamine``), a ``.parquet``
        file, an SPSS (``.sav``, ``.zsav``) or Stata (``.dta``) file.
    score : str, optional
        Column of 0-10 answers, cleaned with :func:`nps_toolkit.clean_scores`
        into ``Int64``. By default it is found (``find_score_column``):
        the platform's NPS question, else the one column whose header (or
        question text, or SPSS/Stata variable label) asks about recommending
        and whose values are 0-10, else a column named like a score; none or
        several is an error listing them.
    date : str or False, optional
        Column of response dates. By default the layout's completion date
        (Qualtrics ``RecordedDate``, SurveyMonkey ``End Date``, Typeform
        ``Submit Date (UTC)``, Google Forms ``Timestamp``), else the file's
        one column of dates (none: no date; several: none is chosen, see
        ``attrs``). ``False`` reads no date. Parsed with
        :func:`nps_toolkit.dates.parse_dates`.
    layout : str, optional
        Force a layout: ``"qualtrics"``, ``"surveymonkey"``,
        ``"google-forms"``, ``"typeform"``, ``"csv"`` or ``"excel"`` (plain
        tables); recognised from the file by default.
    dayfirst : bool, optional
        How to read dates such as ``03/01/2024`` when the values do not show
        the order (no day above 12); by default such a column is refused.
    excluded : {"drop", "keep"}
        Platform rows that are not real responses (Qualtrics previews,
        tests and spam; Typeform partial responses) are dropped and counted
        (``"drop"``), or kept (``"keep"``, still counted).
    dedupe : {None, "latest"}
        ``"latest"`` keeps each respondent's last response (by the date, else
        the file order), respondents told by ``id_column``.
    id_column : str, optional
        Column identifying respondents for ``dedupe`` (found by its name
        otherwise: ``respondent_id``, ``email``, ...).
    sheet : str or int, optional
        Excel only: sheet name or 0-based index; the first sheet by default.
    encoding : str, optional
        Text files only. By default UTF-8 (with or without a byte-order
        mark), UTF-16 with a byte-order mark, and Russian or Polish Excel's
        Windows-1251/1250 are recognised; other text is refused, naming the
        encoding it reads best as (by charset-normalizer).
    scale : NPSScale, optional
        Answer scale; the standard 0-10 by default.
    **read_kwargs
        Passed on to :func:`pandas.read_csv`, :func:`pandas.read_excel`,
        :func:`pandas.read_parquet` or pyreadstat. For text files the
        delimiter (tab, ``;``, ``,`` or ``|``) is taken from an Excel ``sep=``
        line or detected unless ``sep`` is given; ``;`` files are read with a
        decimal comma unless ``decimal`` is given.

    Returns
    -------
    DataFrame
        The file's columns (named from the header rows of the layout), the
        score column as ``Int64`` (missing answers ``<NA>``), the layout's
        date columns and the date column as datetimes. ``attrs["nps_toolkit"]``
        records the file, layout, encoding, score and date columns (with
        their question texts), the order of day and month, time zones, rows
        read, rows excluded and why, duplicates dropped, and ``labels``: the
        question texts (SPSS/Stata variable labels) of columns named by
        export tags (``Q5``).

    Raises
    ------
    FileNotFoundError
        ``path`` does not exist.
    ValueError
        A file that cannot be read as it is (empty, binary, another
        encoding, mixed delimiters, duplicate column names, ...; the message
        names the file and the way out); a score :func:`clean_scores`
        refuses; dates that do not parse or whose order is ambiguous.
    KeyError
        A named column is missing (the message lists the columns).

    See Also
    --------
    inspect_file : What the reader makes of a file, and the commands to report on it.
    clean_scores : How the score column is cleaned.
    parse_dates : How the date column is parsed.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "export.csv").write_text(
    ...     "date;score;spend\\n31.12.2024;10 - Extremely likely;12,5\\n01.01.2025;не знаю;3\\n",
    ...     encoding="utf-8-sig")
    >>> data = read_responses(folder / "export.csv")
    >>> data
            date  score  spend
    0 2024-12-31     10   12.5
    1 2025-01-01   <NA>    3.0
    >>> info = data.attrs["nps_toolkit"]
    >>> info["layout"], info["score"], info["date"], info["date_order"]
    ('csv', 'score', 'date', 'day first')
    """
    path = Path(os.fspath(path))
    suffix = _suffix(path)
    _check_options(path, suffix, layout=layout, excluded=excluded, dedupe=dedupe, sheet=sheet, encoding=encoding)
    scale = check_scale(scale)
    where = f"{path.name!r}"
    info: dict = {"file": path.name}
    data, lay, extra = _read_file(path, suffix, layout=layout, sheet=sheet, encoding=encoding, scale=scale,
                                  read_kwargs=read_kwargs)
    data = _drop_blank_columns(data)
    _layouts.unique_names([str(c) for c in data.columns], where)
    info.update(layout=lay.name, **extra)
    info["rows"] = int(len(data))
    drop = _excluded_rows(lay, excluded, info, len(data))
    # until they are dropped at the end, excluded rows are blank in the columns read here, so that every
    # message names the file's own row positions
    blank = (lambda col: data[col].where(~drop)) if drop.any() else (lambda col: data[col])
    try:
        data, info = _columns(data, info, lay, score, date, dayfirst, drop, blank, scale, where)
    except (TypeError, ValueError) as exc:  # every message names the file
        raise _in_file(exc, where) from None
    data = _repeat_respondents(data, info, dedupe=dedupe, id_column=id_column, where=where)
    info["n_rows"] = int(len(data))
    # question texts (or variable labels) of the columns whose names are not the questions
    info["labels"] = {str(k): str(v) for k, v in lay.labels.items() if v is not None and str(v) != str(k)}
    data.attrs["nps_toolkit"] = info
    return data


def _check_options(path: Path, suffix: str, *, layout, excluded, dedupe, sheet, encoding) -> None:
    """Refuse a missing file, an unknown extension and options that do not fit the file, before reading."""
    if not path.exists():
        raise FileNotFoundError(f"no such file: {str(path)!r}")
    if path.is_dir():
        raise IsADirectoryError(f"{str(path)!r} is a folder; give the path of a response file")
    if suffix not in READ_EXTENSIONS:
        raise ValueError(f"cannot read {path.name!r}: unknown file extension {path.suffix!r}; "
                         f"allowed: {' '.join(READ_EXTENSIONS)}")
    if layout is not None:
        check_choice(layout, _layouts.LAYOUTS, name="layout")
        fits = {".sav": ("spss",), ".zsav": ("spss",), ".dta": ("stata",), ".parquet": ("parquet",)}.get(
            suffix, tuple(x for x in _layouts.LAYOUTS if x not in ("spss", "stata", "parquet")))
        if layout not in fits:
            raise ValueError(f"cannot read {path.name!r} with layout={layout!r}: a {suffix} file is read as "
                             f"{' or '.join(fits)}")
    check_choice(excluded, ("drop", "keep"), name="excluded")
    check_choice(dedupe, (None, "latest"), name="dedupe")
    if sheet is not None and suffix not in _EXCEL:
        raise ValueError(f"sheet= applies to Excel files only (.xlsx .xls), not {path.name!r}")
    if encoding is not None and suffix not in _TEXT:
        raise ValueError(f"encoding= applies to text files only (.csv .tsv .txt), not {path.name!r}")


def _read_file(path: Path, suffix: str, *, layout, sheet, encoding, scale, read_kwargs):
    """The rows of the file as read by its kind, its layout, and what the reading found (encoding, delimiter)."""
    if suffix in _TEXT:
        data, found, labels, head, extra = _read_text(path, encoding, read_kwargs, layout)
        return data, _layouts.apply(found, data, labels, head), extra
    if suffix in _EXCEL:
        data, found, labels, head, extra = _read_excel(path, sheet, read_kwargs, layout)
        lay = _layouts.apply(found, data, labels, head)
        if found is None:
            lay.name = "excel"
        return data, lay, extra
    if suffix == ".parquet":
        try:
            data = pd.read_parquet(path, **read_kwargs)
        except Exception as exc:  # pyarrow's ArrowInvalid for a damaged file
            if isinstance(exc, (KeyError, TypeError)):
                raise
            raise _textfiles.FileError(f"cannot read {path.name!r}: it is not a readable Parquet file ({exc})") \
                from None
        return data, _layouts.Layout("parquet", labels={c: c for c in data.columns}), {}
    data, labels, extra = _read_stats(path, read_kwargs, scale)
    lay = _layouts.Layout("stata" if suffix == ".dta" else "spss", labels=labels)
    lay.date_columns = [c for c in data.columns if pd.api.types.is_datetime64_any_dtype(data[c].dtype)]
    return data, lay, extra


def _excluded_rows(lay, excluded: str, info: dict, n: int) -> np.ndarray:
    """The rows that are not responses (previews, tests, spam, partial answers): counted in ``info``; the mask
    of those to drop (none when ``excluded="keep"``)."""
    info["excluded"] = {reason: int(mask.sum()) for reason, mask in lay.excluded.items() if mask.any()}
    info["excluded_kept"] = excluded == "keep"
    drop = np.zeros(n, bool)
    if excluded == "drop":
        for mask in lay.excluded.values():
            drop |= mask
    return drop


def _repeat_respondents(data: pd.DataFrame, info: dict, *, dedupe, id_column, where: str) -> pd.DataFrame:
    """Keep each respondent's latest answer with ``dedupe="latest"`` (the number dropped goes to ``info``)."""
    info["duplicates"] = 0
    if dedupe == "latest":
        ident = id_column if id_column is not None else find_id_column(data, where)
        check_columns(data, ident, role="id column")
        data, dropped = _latest(data, ident, info["date"])
        info["duplicates"] = dropped
        info["id_column"] = str(ident)
    elif id_column is not None:
        check_columns(data, id_column, role="id column")
        info["id_column"] = str(id_column)
    return data


def _drop_blank_columns(data: pd.DataFrame) -> pd.DataFrame:
    """Columns with no name and no value (a trailing delimiter on every line) are dropped."""
    blank = [c for c in data.columns if (c is None or str(c).strip() == "" or str(c).startswith("Unnamed: "))
             and data[c].isna().all()]
    return data.drop(columns=blank) if blank else data


def _refuse_eleven_point_code(values: pd.Series, column, lay, where: str) -> None:
    """An SPSS/Stata score coded 1-11 with no labels saying which code is which answer."""
    if lay.name not in ("spss", "stata") or not pd.api.types.is_numeric_dtype(values.dtype):
        return
    v = pd.to_numeric(values, errors="coerce").dropna()
    if len(v) and v.max() == 11 and v.min() >= 1 and (v % 1 == 0).all():
        raise ValueError(f"{where}: variable {column!r} is coded 1-11, an 11-point code of the 0-10 scale, but "
                         f"has no value labels (\"0 - Not at all likely\" ... \"10 - Extremely likely\") saying "
                         f"which code is which answer; add the labels in SPSS/Stata, or recode it (answer = code "
                         f"- 1) and read it again")


def _in_file(exc: Exception, where: str) -> Exception:
    """The same error, its message starting with the file's name."""
    text = str(exc)
    if text.startswith(where):
        return exc
    if isinstance(exc, DataError):  # the same error, attributes kept (column, role, values, positions)
        return exc.reworded(f"{where}: {text}")
    try:
        return type(exc)(f"{where}: {text}")
    except TypeError:  # pragma: no cover - an exception type with another signature
        return ValueError(f"{where}: {text}")


def _columns(data, info, lay, score, date, dayfirst, drop, blank, scale, where):
    """Find, clean and check the score column; find and parse the date columns."""
    if score is None:
        for col in data.columns:  # an SPSS/Stata 11-point code without labels: refused with the fix
            if _asks_to_recommend(col) or _asks_to_recommend(lay.labels.get(col, "")):
                _refuse_eleven_point_code(data[col], col, lay, where)
        score = find_score_column(data, lay.labels, prefer=lay.nps_questions, scale=scale, where=where,
                                  rows=~drop if drop.any() else None)
        info["score_found"] = True
    else:
        check_columns(data, score, role="score column")
        info["score_found"] = False
    _refuse_eleven_point_code(data[score], score, lay, where)
    data[score] = clean_scores(blank(score), scale=scale, column=str(score))
    info["score"] = str(score)
    label = lay.labels.get(score)
    info["score_label"] = str(label) if label is not None and str(label) != str(score) else None
    for score_col, group_col in lay.checks:
        if score_col == score:
            _layouts.check_groups(data.assign(**{group_col: blank(group_col)}), data[score], group_col, str(score),
                                  where)

    # dates: the layout's date columns, and the date column
    info["date_order"] = None
    if date is False:
        date = None
    elif date is None:
        date = lay.completion_date
        if date is None:
            candidates = [c for c in date_candidates(data.loc[~drop]) if c != score]
            info["date_candidates"] = [str(c) for c in candidates]
            date = candidates[0] if len(candidates) == 1 else None
        info["date_found"] = date is not None
    else:
        check_columns(data, date, role="date column")
        info["date_found"] = False
    to_parse = list(dict.fromkeys(lay.date_columns + ([date] if date is not None else [])))
    for col in to_parse:
        order = dayfirst
        values = blank(col)
        try:
            try:
                parsed = parse_dates(values, column=str(col), dayfirst=order)
            except AmbiguousDatesError:
                if dayfirst is not None or lay.dayfirst is None:
                    raise
                order = lay.dayfirst  # every value reads both ways: the platform's documented format decides
                parsed = parse_dates(values, column=str(col), dayfirst=order)
        except ValueError:
            if col == date:
                raise
            continue  # another of the layout's date columns: left as text when it does not read
        if col == date:
            info["date_order"] = parsed.attrs.get("date_order")
            info["date_order_from"] = ("layout" if dayfirst is None and order is not None
                                       else "caller" if dayfirst is not None else "values")
        data[col] = parsed
    info["date"] = None if date is None else str(date)
    info["timezone"] = lay.timezones.get(date) if date is not None else None

    if drop.any():
        data = data.loc[~drop].reset_index(drop=True)
    return data, info


def _latest(data: pd.DataFrame, ident, date) -> tuple[pd.DataFrame, int]:
    """Each respondent's last response (by date, then file order); rows without an id are kept."""
    keyed = data[ident].notna().to_numpy()
    order = np.arange(len(data))
    frame = pd.DataFrame({"key": data[ident].astype("string"), "row": order})
    if date is not None:
        frame["when"] = data[date].to_numpy()
        frame = frame.sort_values(["when", "row"], na_position="first", kind="stable")
    last = frame[keyed[frame["row"].to_numpy()]].drop_duplicates("key", keep="last")["row"].to_numpy()
    keep = np.zeros(len(data), bool)
    keep[last] = True
    keep |= ~keyed
    return data.loc[keep].reset_index(drop=True), int((~keep).sum())


# ---------------------------------------------------------------------------
# what was found, in words
# ---------------------------------------------------------------------------

#: The layouts' names as people write them (methods notes, ``inspect``).
LAYOUT_NAMES = {"qualtrics": "Qualtrics", "surveymonkey": "SurveyMonkey", "google-forms": "Google Forms",
                "typeform": "Typeform", "spss": "SPSS", "stata": "Stata", "excel": "Excel", "csv": "CSV",
                "parquet": "Parquet"}


def describe_reading(info: dict | None, language: str = "en") -> str:
    """What :func:`read_responses` found, in words of ``language`` (the reports' methods note, ``inspect``).

    Examples
    --------
    >>> describe_reading({"file": "x.csv", "layout": "qualtrics", "score": "Q2", "score_label": "How likely?",
    ...                   "date": "RecordedDate", "date_order": None, "excluded": {"preview": 2}, "duplicates": 0})
    "Data: x.csv, read as Qualtrics; score column 'Q2' ('How likely?'), date column 'RecordedDate'. Rows left out before the analysis: 2 survey previews."
    """
    from . import _i18n

    if not info:
        return ""
    t = _i18n.text
    layout = LAYOUT_NAMES.get(info.get("layout"), str(info.get("layout")))
    date = ""
    if info.get("date"):
        date = t("methods_reading_date", language, date=repr(info["date"]))
        order = info.get("date_order")
        if order:
            words = t("order_" + order.replace(" ", "_"), language)
            if info.get("date_order_from") == "layout":
                words = t("order_by_layout", language, order=words, layout=layout)
            date += t("methods_reading_order", language, order=words)
        if info.get("timezone"):
            date += t("methods_reading_zone", language, zone=info["timezone"])
    label = f" ({info['score_label']!r})" if info.get("score_label") else ""
    note = t("methods_reading", language, file=info.get("file"), layout=layout,
             score=repr(info.get("score")) + label, date=date)
    flagged = dict(info.get("excluded") or {})
    left = {} if info.get("excluded_kept") else flagged
    if info.get("duplicates"):
        left["duplicate"] = info["duplicates"]

    def listed(rows: dict) -> str:
        return ", ".join(t("reason_count", language, n=_i18n.number(k, language, decimals=0),
                           reason=t(("reason_one_" if k == 1 else "reason_") + reason, language))
                         for reason, k in rows.items())

    if left:
        note += " " + t("methods_excluded", language, excluded=listed(left))
    if info.get("excluded_kept") and flagged:
        note += " " + t("methods_kept", language, kept=listed(flagged))
    return note


# ---------------------------------------------------------------------------
# inspect
# ---------------------------------------------------------------------------

#: Platform metadata and personal fields: never offered as segments or comments.
_NOT_SEGMENTS = {c.lower() for c in (
    "Status", "Finished", "Progress", "Duration (in seconds)", "ResponseId", "ResponseID", "ResponseSet", "IPAddress",
    "RecipientLastName", "RecipientFirstName", "RecipientEmail", "ExternalReference", "ExternalDataReference",
    "LocationLatitude", "LocationLongitude", "LocationAccuracy", "DistributionChannel", "UserLanguage", "Name",
    "EmailAddress", "Respondent ID", "Collector ID", "IP Address", "Email Address", "First Name", "Last Name",
    "Custom Data 1", "#", "Network ID", "Tags", "Response Type", "Adres e-mail", "id", "respondent_id")}
#: Words of open questions (en, ru, pl): "What is the main reason for your score?", "Комментарий", "Dlaczego?".
_COMMENT_WORDS = ("comment", "reason", "why", "feedback", "open-ended", "suggest", "комментар", "почему", "причин",
                  "отзыв", "komentarz", "dlaczego", "powód", "powod", "uwagi", "opinia")


def _is_text(values: pd.Series) -> bool:
    return values.dtype == object or pd.api.types.is_string_dtype(values.dtype)


def inspect_file(path, **read_kwargs) -> dict:
    """What :func:`read_responses` makes of a file, and the command to make a report of it.

    Parameters
    ----------
    path : str or pathlib.Path
        The export.
    **read_kwargs
        Passed on to :func:`read_responses` (``score``, ``date``,
        ``dayfirst``, ``layout``, ``sheet``, ...).

    Returns
    -------
    dict
        ``info`` (the ``attrs["nps_toolkit"]`` record), ``rows`` (rows
        analysed), ``date_candidates``, ``segment_candidates`` (columns with
        2 to 20 distinct values, platform metadata and personal fields left
        out), ``comment_candidates`` (open questions), ``commands``
        (``nps-toolkit run ...`` lines, one per template that applies).

    See Also
    --------
    read_responses : Read the file.
    run_template : Make the report of one of the commands.
    list_templates : The bundled templates.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "export.csv"
    >>> _ = path.write_text("How likely are you to recommend us?,Channel,When\\n"
    ...                     "10,web,2024-03-15\\n6,store,2024-03-16\\n9,web,2024-04-02\\n8,store,2024-04-20\\n")
    >>> found = inspect_file(path)
    >>> found["info"]["score"], found["info"]["date"], found["segment_candidates"]
    ('How likely are you to recommend us?', 'When', ['Channel'])
    >>> found["commands"]["period_comparison"].endswith("export.csv")
    True
    """
    data = read_responses(path, **read_kwargs)
    info = data.attrs["nps_toolkit"]
    score = info["score"]
    others = [c for c in data.columns if c != score and str(c).strip().lower() not in _NOT_SEGMENTS
              and not str(c).endswith("_NPS_GROUP") and c != info.get("date")]
    labels = info.get("labels", {})
    segments, comments = [], []
    for c in others:
        values = data[c]
        if pd.api.types.is_datetime64_any_dtype(values.dtype) or pd.api.types.is_float_dtype(values.dtype):
            continue
        distinct = values.dropna().astype(str).str.strip()
        distinct = distinct[distinct != ""]
        k = distinct.nunique()
        asks_why = any(w in f"{c} {labels.get(c, '')}".lower() for w in _COMMENT_WORDS)
        if _is_text(values) and len(distinct) and (asks_why or (k > 20 and distinct.str.len().mean() > 15)):
            comments.append(str(c))
        elif 2 <= k <= 20 and len(distinct) >= 2 * k:
            segments.append(str(c))
    path_text = str(path)
    base = f"nps-toolkit run {{template}} -p data_path {_quote(path_text)}"
    if not info.get("score_found"):
        base += f" -p score_column {_quote(score)}"
    commands = {"benchmark_study": base.format(template="benchmark_study")
                + (f" -p segment_column {_quote(segments[0])}" if segments else "")
                + (f" -p comment_column {_quote(comments[0])}" if comments else "")}
    if info.get("date"):
        commands["period_comparison"] = base.format(template="period_comparison") + (
            "" if info.get("date_found") else f" -p date_column {_quote(info['date'])}")
    return {"info": info, "rows": len(data), "segment_candidates": segments, "comment_candidates": comments,
            "date_candidates": info.get("date_candidates", [info["date"]] if info.get("date") else []),
            "commands": commands}


def _quote(text: str) -> str:
    import shlex

    return shlex.quote(str(text))
