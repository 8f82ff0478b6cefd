"""The Excel workbook of a study (``STEM.xlsx``): the report's tables to filter, the follow-up list, the methods.

One sheet per table of the study (numbers written as numbers, with number
formats: counts ``0``, NPS and points ``0.0``, shares ``0.0%``, p-values
``0.000``), a ``followup`` sheet with the detractors to contact when the study
has one, a ``methods`` sheet and a ``parameters`` sheet. Every sheet has a
bold, frozen header row, an autofilter and columns as wide as their contents.

Values from the data are written as values: a text starting with ``=``,
``+``, ``-`` or ``@`` stays text (never a formula, not even once a user edits
the cell), characters Excel cannot hold are dropped and texts longer than a
cell holds are cut.
"""

from __future__ import annotations

import datetime
import json
import math
import numbers
import re
from pathlib import Path

import numpy as np
import pandas as pd

from . import _i18n
from ._files import atomic_path

__all__ = ["write_workbook", "sheet_name", "number_format"]

#: Characters a sheet name may not hold, and its longest length.
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_SHEET_LENGTH = 31
#: The longest text a cell holds.
_CELL_LENGTH = 32767
#: A text starting with one of these is a formula to Excel or LibreOffice once typed into a cell.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: Columns counting answers (integers unless weighted).
_COUNTS = {"n", "n_missing", "missing", "mentions", "priority", "promoters", "passives", "detractors", "n_periods",
           "rank", "n_comments", "comments", "detractor_mentions"}
#: The widest a column gets (characters) and the narrowest.
_WIDEST, _NARROWEST = 60, 6
_PARAGRAPH = 100  # the width of the methods sheet's text column


def sheet_name(name, taken=()) -> str:
    """A valid Excel sheet name from ``name``: at most 31 characters, none of ``[]:*?/\\``, not in ``taken``.

    Names in ``taken`` are compared as Excel compares them (ignoring case); a
    name already taken gets `` (2)``, `` (3)``... within the 31 characters.

    Examples
    --------
    >>> sheet_name("NPS by segment: Q1/Q2 [draft]")
    'NPS by segment_ Q1_Q2 _draft_'
    >>> sheet_name("periods", taken={"Periods"})
    'periods (2)'
    >>> len(sheet_name("x" * 40))
    31
    """
    text = _SHEET_FORBIDDEN.sub("_", " ".join(str(name).split())).strip("'") or "sheet"
    if text.lower() == "history":  # reserved by Excel
        text = "history_"
    text = text[:_SHEET_LENGTH]
    used = {str(t).lower() for t in taken}
    candidate, number = text, 1
    while candidate.lower() in used:
        number += 1
        tail = f" ({number})"
        candidate = text[:_SHEET_LENGTH - len(tail)] + tail
    return candidate


def number_format(column, values=None) -> str:
    """The Excel number format of a study table's column, from its name (and, for counts, its values).

    p-values ``0.000``; shares (``*_share``, ``share``, ``p_best``) ``0.0%``;
    counts (``n``, ``mentions``, ``promoters``, ...) ``0`` when whole numbers
    (weighted counts ``0.0``); NPS, points and every other number ``0.0``.

    Examples
    --------
    >>> number_format("p_value_adjusted"), number_format("promoter_share"), number_format("nps")
    ('0.000', '0.0%', '0.0')
    >>> number_format("n", [120, 98]), number_format("n", [120.4, 98.2])
    ('0', '0.0')
    """
    name = str(column)
    if name.startswith("p_value") or name == "p":
        return "0.000"
    if name in ("share", "p_best") or name.endswith("_share"):
        return "0.0%"
    if name in _COUNTS or name.startswith("n_"):
        whole = values is None or all(_missing(v) or not isinstance(v, numbers.Real) or float(v).is_integer()
                                      for v in values)
        return "0" if whole else "0.0"
    return "0.0"


def _missing(value) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    try:
        return bool(pd.isna(value)) if not isinstance(value, (list, tuple, dict, set)) else False
    except (TypeError, ValueError):
        return False


def _text(value) -> str:
    """A text Excel can hold: no control characters it refuses, at most one cell's length."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
    return text if len(text) <= _CELL_LENGTH else text[:_CELL_LENGTH - 1] + "…"


def _cell_value(value):
    """A value as openpyxl writes it: numbers, booleans, dates and texts; None for a missing value."""
    if isinstance(value, (list, tuple, set)):
        return "; ".join(str(v) for v in value if not _missing(v)) or None
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, default=str)
    if _missing(value):
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        number = float(value)
        return None if math.isinf(number) else number
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, datetime.datetime):
        return value.replace(tzinfo=None)  # Excel has no time zones: the wall-clock time as recorded
    if isinstance(value, datetime.date):
        return value
    return _text(value)


def _write_cell(sheet, row: int, column: int, value, number_format: str | None = None):
    """One cell; a text is written as text (``data_type`` "s", quote prefix when it would read as a formula)."""
    value = _cell_value(value)
    cell = sheet.cell(row=row, column=column)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"  # openpyxl would take "=..." for a formula
        if value.startswith(_FORMULA_START):
            cell.quotePrefix = True  # text even when the cell is edited
    elif isinstance(value, datetime.datetime):
        cell.number_format = "yyyy-mm-dd hh:mm" if (value.hour, value.minute, value.second) != (0, 0, 0) \
            else "yyyy-mm-dd"
    elif isinstance(value, datetime.date):
        cell.number_format = "yyyy-mm-dd"
    elif isinstance(value, (int, float)) and not isinstance(value, bool) and number_format:
        cell.number_format = number_format
    return cell


def _shown_width(value, number_format: str | None) -> int:
    """About how many characters a cell's value takes on screen."""
    value = _cell_value(value)
    if value is None:
        return 0
    if isinstance(value, bool):
        return 5
    if isinstance(value, (int, float)):
        decimals = {"0": 0, "0.0": 1, "0.000": 3, "0.0%": 1}.get(number_format or "", 2)
        shown = 100 * value if number_format == "0.0%" else value
        return len(f"{shown:,.{decimals}f}") + (1 if number_format == "0.0%" else 0)
    if isinstance(value, (datetime.datetime, datetime.date)):
        return 16 if isinstance(value, datetime.datetime) else 10
    return max((len(line) for line in str(value).splitlines()), default=0)


def _write_table(sheet, table: pd.DataFrame, headers, formats) -> None:
    """A table on a sheet: header row bold, wrapped and frozen, autofilter, columns fitted to their contents."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")
    widths = []
    for j, header in enumerate(headers, start=1):
        cell = _write_cell(sheet, 1, j, header)
        cell.font, cell.alignment = bold, Alignment(wrap_text=True, vertical="bottom")
        widths.append(max((len(word) for word in str(header).split()), default=0))
    for i, record in enumerate(table.itertuples(index=False), start=2):
        for j, value in enumerate(record, start=1):
            cell = _write_cell(sheet, i, j, value, formats[j - 1])
            width = _shown_width(value, formats[j - 1])
            if width > _WIDEST:
                cell.alignment = wrap
            widths[j - 1] = max(widths[j - 1], width)
    for j, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(j)].width = min(_WIDEST, max(_NARROWEST, width + 2))
    sheet.freeze_panes = "A2"
    last = get_column_letter(max(1, len(headers)))
    sheet.auto_filter.ref = f"A1:{last}{max(1, len(table) + 1)}"


def _study_table(workbook, name, table: pd.DataFrame, language: str, taken: list) -> None:
    table = pd.DataFrame(table)
    sheet = workbook.create_sheet(sheet_name(name, taken))
    taken.append(sheet.title)
    columns = list(table.columns)
    headers = [_i18n.header(c, language) for c in columns]
    formats = [number_format(c, table[c].tolist()) if _numeric(table.iloc[:, k]) else None
               for k, c in enumerate(columns)]
    _write_table(sheet, table, headers, formats)


def _numeric(series: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series.dtype)


def _followup(workbook, table: pd.DataFrame, taken: list) -> None:
    """The detractors to contact: the data's own column names, whole numbers as ``0``."""
    table = pd.DataFrame(table)
    sheet = workbook.create_sheet(sheet_name("followup", taken))
    taken.append(sheet.title)
    formats = []
    for k in range(table.shape[1]):
        column = table.iloc[:, k]
        if _numeric(column):
            whole = all(_missing(v) or float(v).is_integer() for v in column.tolist())
            formats.append("0" if whole else "0.0")
        else:
            formats.append(None)
    _write_table(sheet, table, [str(c) for c in table.columns], formats)


def _flat(mapping, prefix: str = "") -> list[tuple[str, object]]:
    """``(name, value)`` rows of a mapping; nested mappings give dotted names."""
    rows = []
    for key, value in dict(mapping or {}).items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            rows += _flat(value, prefix=f"{name}.")
        else:
            rows.append((name, value))
    return rows


def _summary(workbook, study, taken: list) -> None:
    """The title, the headline and the key figures, first."""
    meta = (getattr(study, "results", None) or {}).get("meta") or {}
    parameters = getattr(study, "parameters", None) or {}
    rows = [("title", meta.get("title", parameters.get("title"))), ("headline", study.headline)]
    rows += [(name, value) for name, value in _flat(getattr(study, "key_figures", None))]
    sheet = workbook.create_sheet(sheet_name("summary", taken))
    taken.append(sheet.title)
    _write_pairs(sheet, ("item", "value"), rows, lambda name, value: number_format(name.rsplit(".", 1)[-1], [value]))


def _write_pairs(sheet, headers, rows, format_of) -> None:
    """A two-column sheet of ``(name, value)`` rows, each value with the format ``format_of(name, value)``."""
    from openpyxl.styles import Alignment, Font

    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")
    for j, header in enumerate(headers, start=1):
        _write_cell(sheet, 1, j, header).font = bold
    for i, (name, value) in enumerate(rows, start=2):
        _write_cell(sheet, i, 1, name).alignment = Alignment(vertical="top")
        cell = _write_cell(sheet, i, 2, value, format_of(str(name), value))
        if isinstance(cell.value, str):
            cell.alignment = wrap
    sheet.column_dimensions["A"].width = min(_WIDEST, max([_NARROWEST] + [len(str(n)) + 2 for n, _ in rows]))
    sheet.column_dimensions["B"].width = _PARAGRAPH
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:B{max(1, len(rows) + 1)}"


def _methods(workbook, study, taken: list) -> None:
    """The methods note (plain text), one paragraph a row."""
    from openpyxl.styles import Alignment, Font

    sheet = workbook.create_sheet(sheet_name("methods", taken))
    taken.append(sheet.title)
    cell = _write_cell(sheet, 1, 1, "methods")
    cell.font = Font(bold=True)
    paragraphs = [p for p in re.split(r"\n\s*\n", str(study.methods or "")) if p.strip()]
    for i, paragraph in enumerate(paragraphs, start=2):
        cell = _write_cell(sheet, i, 1, " ".join(paragraph.split()))
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.column_dimensions["A"].width = _PARAGRAPH
    sheet.freeze_panes = "A2"


#: Parameters not shown: where this run's own results went (a temporary path of the run).
_INTERNAL = {"results_path"}


def _parameters(workbook, study, taken: list) -> None:
    """The parameters of the run, one a row: lists joined, mappings as JSON, None as an empty cell."""
    rows = [(name, json.dumps(value, ensure_ascii=False, default=str) if isinstance(value, (list, tuple, dict))
             else value) for name, value in (getattr(study, "parameters", None) or {}).items()
            if name not in _INTERNAL]
    sheet = workbook.create_sheet(sheet_name("parameters", taken))
    taken.append(sheet.title)
    _write_pairs(sheet, ("parameter", "value"), rows, lambda name, value: "General")


def write_workbook(study, path) -> Path:
    """Write the Excel workbook of a study at ``path`` (atomically): its tables, follow-up list, methods, parameters.

    Parameters
    ----------
    study : Study
        What a study function returns (:mod:`nps_toolkit.studies`): its
        ``tables`` (one sheet each), ``followup`` (the ``followup`` sheet, when
        not None), ``methods`` and ``parameters``, ``headline`` and
        ``key_figures`` (the first sheet, ``summary``).
    path : str or Path
        The workbook to write (``STEM.xlsx``); replaced whole, or left as it
        was if writing fails.

    Returns
    -------
    Path
        ``path``.

    Examples
    --------
    >>> import tempfile, pathlib, pandas as pd
    >>> from types import SimpleNamespace
    >>> study = SimpleNamespace(tables={"segments": pd.DataFrame({"segment": ["North"], "n": [120], "nps": [31.2]})},
    ...                         headline="NPS is 31.", methods="NPS = % promoters − % detractors.", language="en",
    ...                         parameters={"confidence": 0.95}, key_figures={}, followup=None, results={})
    >>> out = write_workbook(study, pathlib.Path(tempfile.mkdtemp()) / "study.xlsx")
    >>> import openpyxl
    >>> openpyxl.load_workbook(out).sheetnames
    ['summary', 'segments', 'methods', 'parameters']
    """
    from openpyxl import Workbook

    path = Path(path)
    workbook = Workbook()
    workbook.remove(workbook.active)
    language = getattr(study, "language", "en") or "en"
    taken: list[str] = []
    _summary(workbook, study, taken)
    for name, table in (getattr(study, "tables", None) or {}).items():
        _study_table(workbook, name, table, language, taken)
    followup = getattr(study, "followup", None)
    if followup is not None:
        _followup(workbook, followup, taken)
    _methods(workbook, study, taken)
    _parameters(workbook, study, taken)
    with atomic_path(path) as tmp:
        workbook.save(tmp)
    return path
