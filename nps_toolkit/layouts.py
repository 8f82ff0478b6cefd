"""Survey platforms' export layouts, recognised from the file itself.

Each platform writes its CSV (or workbook) its own way. :func:`recognise`
looks at the first rows of a table (read as text, no header) and names the
layout; :func:`apply` turns the raw table into one row per response with one
named column per field, and says what it found: the platform's NPS
question, its date columns (and which is the completion date), question
texts for finding columns, rows to exclude and why, time zones.

``qualtrics``
    Three header rows: export tags (``ResponseId``, ``Q5``), question texts,
    and ``{"ImportId": ...}`` JSON (with ``"timeZone"`` for dates); the
    legacy export has two rows (``V1`` ... ``V10``, ``Q1`` ...; then
    ``ResponseID``, ``Status`` ... and the question texts). ``Status`` 1
    (survey preview), 2 (survey test), 8 (spam), 9 (preview spam), 12
    (imported spam) and 17 (offline survey preview), or their text labels,
    are excluded by default. An NPS question comes with ``Q…_NPS_GROUP``
    (1/2/3 or Detractor/Passive/Promoter), checked against the score.
    Completion date: ``RecordedDate`` (else ``EndDate``).
``surveymonkey``
    Two header rows: question texts (blank over the further columns of a
    question that spans several) and ``Response`` / ``Open-Ended Response``
    / option labels. Columns are named from both rows where a question spans
    several (``"Which channels did you use? - Store"``). ``Start Date`` and
    ``End Date`` are written month first with a 12-hour clock (SurveyMonkey's
    export format). Completion date: ``End Date``.
``google-forms``
    ``Timestamp`` first (``Sygnatura czasowa``, ``Отметка времени`` in Polish
    and Russian sheets), then one column per question. The order of day and
    month follows the sheet's locale, so it is taken from the values.
``typeform``
    ``#`` first, then the questions, ``Response Type`` (``completed`` /
    ``partial``: partial responses are excluded by default), ``Start Date
    (UTC)``, ``Stage Date (UTC)``, ``Submit Date (UTC)`` (the completion
    date), ``Network ID``, ``Tags``.
``spss``, ``stata``
    Read by pyreadstat (see :mod:`nps_toolkit.reading`).
``excel``, ``csv``
    Any other table: one header row.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

__all__ = ["LAYOUTS", "Layout", "recognise", "apply"]

#: Layout names accepted by ``read_responses(layout=...)``.
LAYOUTS = ("qualtrics", "surveymonkey", "google-forms", "typeform", "spss", "stata", "excel", "csv", "parquet")

#: Qualtrics response types excluded by default: code -> reason (text labels below).
QUALTRICS_EXCLUDED = {1: "preview", 2: "test", 8: "spam", 9: "spam", 12: "spam", 17: "preview"}
_QUALTRICS_LABELS = {"survey preview": "preview", "survey test": "test", "spam": "spam", "preview spam": "spam",
                     "imported spam": "spam", "offline survey preview": "preview"}
_QUALTRICS_KEPT = {0, 4, 16}
_QUALTRICS_KEPT_LABELS = {"ip address", "imported", "offline", "email", "anonymous", "sms"}
_GROUPS = {"1": 0, "2": 1, "3": 2, "detractor": 0, "passive": 1, "promoter": 2, "detractors": 0, "passives": 1,
           "promoters": 2}
_GOOGLE_TIMESTAMPS = ("timestamp", "sygnatura czasowa", "отметка времени", "marca temporal", "horodateur",
                      "zeitstempel", "informazioni cronologiche")
_SM_SUBHEADS = ("response", "open-ended response", "")


@dataclass
class Layout:
    """What a layout found in a table (besides the rows)."""

    name: str
    header_rows: int = 1
    labels: dict = field(default_factory=dict)        # column -> question text (or variable label)
    nps_questions: list = field(default_factory=list)  # the platform's NPS question columns
    date_columns: list = field(default_factory=list)   # columns of dates, parsed on reading
    completion_date: str | None = None
    dayfirst: bool | None = None                       # the platform's documented order, if any
    timezones: dict = field(default_factory=dict)      # column -> time zone of its wall times
    excluded: dict = field(default_factory=dict)       # reason -> boolean mask (set by apply)
    checks: list = field(default_factory=list)         # (score column, group column) pairs to check
    notes: list = field(default_factory=list)


def _cell(row, i) -> str:
    return str(row[i]).strip() if i < len(row) and row[i] is not None and not (
        isinstance(row[i], float) and np.isnan(row[i])) else ""


def recognise(rows: list[list]) -> str | None:
    """The platform layout of a table from its first rows (as text), or None for a plain table.

    Examples
    --------
    >>> recognise([["StartDate", "ResponseId", "Q1"], ["Start Date", "Response ID", "How likely...?"],
    ...            ['{"ImportId":"startDate"}', '{"ImportId":"_recordId"}', '{"ImportId":"QID1"}']])
    'qualtrics'
    >>> recognise([["score", "date"], ["10", "2024-01-01"]]) is None
    True
    """
    if not rows:
        return None
    first = [_cell(rows[0], i) for i in range(len(rows[0]))]
    second = [_cell(rows[1], i) for i in range(len(rows[1]))] if len(rows) > 1 else []
    third = [_cell(rows[2], i) for i in range(len(rows[2]))] if len(rows) > 2 else []
    lower = [c.lower() for c in first]
    if sum(c.startswith('{"importid"') or c.startswith("{'importid'") for c in (x.lower() for x in third)) >= \
            max(1, len(third) // 2):
        return "qualtrics"
    if first and re.fullmatch(r"V1", first[0]) and any(c.lower() == "responseid" for c in second):
        return "qualtrics"
    if "respondent id" in lower and "collector id" in lower:
        return "surveymonkey"
    if lower and lower[0] == "#" and ("submit date (utc)" in lower or "network id" in lower
                                      or "response type" in lower):
        return "typeform"
    if lower and lower[0] in _GOOGLE_TIMESTAMPS:
        return "google-forms"
    return None


def header_rows(name: str | None, rows) -> int:
    """How many rows of the table are header rows for a layout."""
    if name == "qualtrics":
        return 2 if rows and _cell(rows[0], 0) == "V1" else 3
    if name == "surveymonkey":
        return 2
    return 1


def unique_names(names: list[str], where: str) -> list[str]:
    """``names`` when no name repeats; a ValueError naming the repeated column and its positions otherwise."""
    seen = {}
    for i, n in enumerate(names):
        if n in seen:
            raise ValueError(f"{where}: column {n!r} appears twice (columns {seen[n] + 1} and {i + 1}); give the "
                             f"columns distinct names")
        seen[n] = i
    return names


def column_names(name: str | None, rows: list[list], where: str) -> tuple[list[str], dict]:
    """(column names, question texts) of a layout's header rows."""
    first = [_cell(rows[0], i) for i in range(len(rows[0]))]
    labels = {}
    if name == "qualtrics":
        second = [_cell(rows[1], i) for i in range(len(first))] if len(rows) > 1 else [""] * len(first)
        if first and first[0] == "V1":  # legacy: V1..V10 are named by the second row
            names = [s if re.fullmatch(r"V\d+", f) and s else f for f, s in zip(first, second)]
            labels = {n: s for n, s, f in zip(names, second, first) if not re.fullmatch(r"V\d+", f)}
        else:
            names = first
            labels = dict(zip(names, second))
        return unique_names(names, where), labels
    if name == "surveymonkey":
        second = [_cell(rows[1], i) for i in range(len(first))] if len(rows) > 1 else [""] * len(first)
        names, question = [], ""
        for i, (top, sub) in enumerate(zip(first, second)):
            spans = i + 1 < len(first) and first[i + 1] == "" and second[i + 1] != ""
            if top:
                question = top
                if sub.lower() in _SM_SUBHEADS and not spans:
                    names.append(top)
                else:
                    names.append(f"{top} - {sub}")
            else:
                names.append(f"{question} - {sub}" if question else sub)
            labels[names[-1]] = question if top or question else sub
        return unique_names(names, where), labels
    names = first
    return unique_names(names, where), {n: n for n in names}


def apply(name: str | None, data: pd.DataFrame, labels: dict, rows: list[list]) -> Layout:
    """What the layout ``name`` knows of ``data`` (its rows already named)."""
    lay = Layout(name or "csv", header_rows=header_rows(name, rows), labels=labels)
    columns = [str(c) for c in data.columns]
    if name == "qualtrics":
        _qualtrics(lay, data, columns, rows)
    elif name == "surveymonkey":
        lay.date_columns = [c for c in ("Start Date", "End Date") if c in columns]
        lay.completion_date = "End Date" if "End Date" in columns else None
        lay.dayfirst = False
    elif name == "typeform":
        lay.date_columns = [c for c in columns if c.lower().endswith("date (utc)")]
        lay.completion_date = next((c for c in columns if c.lower() == "submit date (utc)"), None)
        kind = next((c for c in columns if c.lower() == "response type"), None)
        if kind is not None:
            lay.excluded["partial"] = (data[kind].astype("string").str.strip().str.lower() == "partial").fillna(
                False).to_numpy(bool)
        lay.timezones = {c: "UTC" for c in lay.date_columns}
    elif name == "google-forms":
        lay.date_columns = [columns[0]]
        lay.completion_date = columns[0]
    return lay


def _qualtrics(lay: Layout, data: pd.DataFrame, columns: list[str], rows: list[list]) -> None:
    if lay.header_rows == 3 and len(rows) > 2:
        for col, cell in zip(columns, rows[2]):
            try:
                meta = json.loads(_cell([cell], 0))
            except (TypeError, ValueError):
                continue
            if isinstance(meta, dict) and meta.get("timeZone"):
                lay.timezones[col] = str(meta["timeZone"])
    lay.date_columns = [c for c in ("StartDate", "EndDate", "RecordedDate") if c in columns]
    lay.completion_date = next((c for c in ("RecordedDate", "EndDate") if c in columns), None)
    for col in columns:
        if col.endswith("_NPS_GROUP") and col[:-len("_NPS_GROUP")] in columns:
            lay.nps_questions.append(col[:-len("_NPS_GROUP")])
            lay.checks.append((col[:-len("_NPS_GROUP")], col))
    if "Status" in columns:
        status = data["Status"]
        text = status.astype("string").str.strip()
        codes = pd.to_numeric(text, errors="coerce")
        labels = text.str.lower()
        for reason in sorted(set(QUALTRICS_EXCLUDED.values())):
            coded = codes.isin([k for k, v in QUALTRICS_EXCLUDED.items() if v == reason])
            named = labels.isin([k for k, v in _QUALTRICS_LABELS.items() if v == reason])
            mask = (coded | named).fillna(False).to_numpy(bool)
            if mask.any():
                lay.excluded[reason] = mask


def check_groups(data: pd.DataFrame, score: pd.Series, group_column: str, score_column: str, where: str) -> None:
    """Refuse rows whose Qualtrics NPS group disagrees with their score (0-6 / 7-8 / 9-10)."""
    text = data[group_column].astype("string").str.strip().str.lower()
    number = pd.to_numeric(text, errors="coerce")
    named = text.map(lambda v: _GROUPS.get(v, np.nan) if isinstance(v, str) else np.nan)
    group = np.where(number.isin([1, 2, 3]).to_numpy(), number.to_numpy(float, na_value=np.nan) - 1,
                     pd.to_numeric(named, errors="coerce").to_numpy(float))
    codes = score.to_numpy(dtype=float, na_value=np.nan)
    expected = np.where(np.isnan(codes), np.nan, np.where(codes <= 6, 0, np.where(codes <= 8, 1, 2)))
    unknown = text.notna().to_numpy() & (text != "").fillna(False).to_numpy() & np.isnan(group)
    bad = (~np.isnan(group) & ~np.isnan(expected) & (group != expected)) | unknown
    if bad.any():
        pos = np.flatnonzero(bad)[:5]
        shown = ", ".join(f"score {_plain(data[score_column].iloc[i])!r} with group "
                          f"{_plain(data[group_column].iloc[i])!r} (position {i})" for i in pos)
        raise ValueError(f"{where}: column {group_column!r} (Qualtrics' NPS group: 1/Detractor for 0-6, 2/Passive "
                         f"for 7-8, 3/Promoter for 9-10) disagrees with the score in {score_column!r}: {shown}"
                         + (f" and {int(bad.sum()) - 5} more" if bad.sum() > 5 else "")
                         + "; the export is inconsistent: check the question's recoding in Qualtrics")


def _plain(value):
    return value.item() if isinstance(value, np.generic) else value
