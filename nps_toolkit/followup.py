"""Who to call back: the detractors of a survey, one row each, most urgent first.

:func:`followup_list` lists every detractor (a score in the detractor
category of the scale: 0-6 on the 0-10 question) with the columns a CX team
needs to reach out: the respondent id, the score, the date, the segment, the
comment and the themes it mentions. The data's own column names are kept.
The list is personal data: the reports write it to a CSV file and a sheet of
the workbook, never into the HTML.

Where an engine counts ``data`` (a Parquet/CSV path, DuckDB, Polars,
Spark), only the detractors' rows are read, fetched by
:func:`nps_toolkit.counting.rows_equal` on each detractor answer, and their
number is checked against the engine's count.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import counting
from ._validation import as_column_list, check_columns
from .comments import classify_comments
from .dates import parse_dates
from .reading import find_id_column
from .scale import check_scale, score_codes

__all__ = ["followup_list", "THEMES_COLUMN"]

#: Column of :func:`followup_list` holding the themes a comment mentions.
THEMES_COLUMN = "themes"


def _columns_of(data) -> list:
    if counting.engine_of(data) is None:
        if not isinstance(data, pd.DataFrame):
            raise TypeError(f"data must be a table (a pandas DataFrame, a path, a DuckDB relation, a Polars or a "
                            f"Spark DataFrame), got {type(data).__name__}")
        return list(data.columns)
    return list(counting.columns(data))


def _id_column(id_column, columns: list):
    """The id column: the one given (checked), else the one found by its name (None when there is none)."""
    if id_column is not None:
        check_columns(pd.DataFrame(columns=columns), [id_column], role="id column")
        return id_column
    try:
        return find_id_column(pd.DataFrame(columns=columns))
    except ValueError:
        return None


def _detractor_rows(data, score, columns: list, scale) -> tuple[pd.DataFrame, np.ndarray | None]:
    """The detractors' rows (``columns``) as pandas, and their 0-based positions (None where an engine counts)."""
    if counting.engine_of(data) is None:
        codes = score_codes(data[score], scale=scale, column=str(score))
        positions = np.flatnonzero(codes == 0)
        return data.iloc[positions][columns].reset_index(drop=True), positions
    expected = int(round(counting.counts(data, score=score, scale=scale).detractors))  # also checks the answers
    parts = []
    for value in scale.detractors:  # an integer column reads "6" as text, a float column "6.0"
        for text in dict.fromkeys((str(int(value)), str(float(value)))):
            parts.append(counting.to_pandas(counting.rows_equal(data, score, text, role="score column"), columns))
    rows = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=columns)
    if len(rows) != expected:  # answers written another way (a decimal type): read the columns, pick in pandas
        rows = counting.to_pandas(data, columns)
        rows = rows[score_codes(rows[score], scale=scale, column=str(score)) == 0].reset_index(drop=True)
    return rows, None


def _theme_rank(found: list, priority: list) -> int:
    ranks = [priority.index(t) for t in found if t in priority]
    return min(ranks) if ranks else len(priority)


def followup_list(data, *, score="score", id_column=None, date=None, by=None, comments=None, themes=None,
                  priority=None, language=None, lexicon=None, model=None, scale=None, dayfirst=None) -> pd.DataFrame:
    """Every detractor of ``data``, with what is needed to reach out, most urgent first.

    Parameters
    ----------
    data : DataFrame, path, DuckDB relation, Polars or Spark DataFrame
        One row per respondent. Where an engine counts it, only the
        detractors' rows are read.
    score : str
        Column of answers.
    id_column : str, optional
        Column identifying respondents; by default the one found by its
        name (``nps_toolkit.reading.find_id_column``: ``respondent_id``,
        ``customer_id``, ``email``, ...). No such column: the list has none.
    date : str, optional
        Column of answer dates (kept as the data has them; read by
        :func:`nps_toolkit.parse_dates` for the order).
    by : str or list of str, optional
        Segment column(s) to keep.
    comments : str, optional
        Column of free-text comments; given, each row gets the themes its
        comment mentions (column :data:`THEMES_COLUMN`).
    themes : list of str, optional
        Themes to look for (default: every theme of the lexicon).
    priority : list of str, optional
        Themes in the order they should be acted on (the action plan's,
        costliest first): rows mentioning an earlier one come first.
    language : None, {"en", "ru", "pl"}
        Language of the comments (None: detected per comment).
    lexicon : dict or path, optional
        A lexicon of your own (see :func:`nps_toolkit.classify_comments`).
    model : CommentModel or path, optional
        A comment model of your own (see :func:`nps_toolkit.classify_comments`).
    scale : NPSScale, optional
        The scale of the answers; its detractor category is listed.
    dayfirst : bool, optional
        How to read text dates such as 03/01/2024.

    Returns
    -------
    DataFrame
        One row per detractor, columns: the id column (when there is
        one), ``score``, ``date``, the ``by`` columns and ``comments`` under
        the data's names, then ``themes`` (the themes of the comment, comma
        separated, in the lexicon's order; empty when none) when
        ``comments`` is given. ``attrs`` holds ``id_column`` and ``n``.

    See Also
    --------
    action_plan : The themes to act on (``priority=``).
    classify_comments : The themes of each comment.
    verbatims : Quotes of each theme.

    Notes
    -----
    Order: the lowest score first; among equal scores, the rows whose
    comment mentions a theme earlier in ``priority`` first (those
    mentioning none of them after); then the most recent answer first
    (rows without a date after); then by id (or row order where there is no
    id).

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"respondent_id": [11, 12, 13, 14, 15], "score": [3, 9, 3, 6, 0],
    ...                    "date": ["2024-01-02", "2024-01-03", "2024-02-01", "2024-01-09", "2024-01-05"],
    ...                    "comment": ["Too expensive", "Great", "Delivery was late", None, "Rude support"]})
    >>> followup_list(df, comments="comment", date="date", priority=["delivery", "price"])
       respondent_id  score        date            comment    themes
    0             15      0  2024-01-05       Rude support   support
    1             13      3  2024-02-01  Delivery was late  delivery
    2             11      3  2024-01-02      Too expensive     price
    3             14      6  2024-01-09                NaN
    """
    scale = check_scale(scale)
    columns = _columns_of(data)
    ident = _id_column(id_column, columns)
    segments = as_column_list(by)
    named = {"score column": [score], "date column": [date] if date is not None else [], "by column": segments,
             "comments column": [comments] if comments is not None else []}
    for role, names in named.items():
        check_columns(pd.DataFrame(columns=columns), names, role=role)
    wanted = list(dict.fromkeys([c for c in [ident, score, date, *segments, comments] if c is not None]))
    rows, positions = _detractor_rows(data, score, wanted, scale)
    order_keys = [np.arange(len(rows)) if positions is None else positions]  # np.lexsort: the last key first
    if ident is not None:
        order_keys.append(_sort_key(rows[ident]))
    if date is not None and len(rows):
        when = parse_dates(rows[date], column=str(date), dayfirst=dayfirst)
        undated = when.isna().to_numpy()
        stamp = np.zeros(len(rows))
        stamp[~undated] = -when[~undated].to_numpy(dtype="datetime64[ns]").astype(np.int64).astype(float)
        stamp[undated] = np.inf  # the most recent first, rows without a date last
        order_keys.append(stamp)
    if comments is not None:
        texts = rows[comments].astype(object).where(rows[comments].notna(), None)
        classified = classify_comments(pd.Series(list(texts), dtype=object), language=language, lexicon=lexicon,
                                       model=model)
        wanted_themes = None if themes is None else list(themes)
        found = [[t for t in ts if wanted_themes is None or t in wanted_themes] for ts in classified["themes"]]
        rows[THEMES_COLUMN] = [", ".join(ts) for ts in found]
        ranked = list(priority or [])
        order_keys.append(np.array([_theme_rank(ts, ranked) for ts in found], dtype=np.int64))
    values = pd.to_numeric(pd.Series(list(np.asarray(rows[score], dtype=object)), dtype=object), errors="coerce")
    order_keys.append(values.to_numpy(dtype=float))
    order = np.lexsort(order_keys) if len(rows) else np.arange(0)
    out = rows.iloc[order].reset_index(drop=True)
    out.attrs.update({"id_column": ident, "n": len(out), "score": score, "comments": comments,
                      "order": "score, theme priority, most recent first, id"})
    return out


def _sort_key(values: pd.Series) -> np.ndarray:
    """Ranks of ``values`` that sort them (numbers as numbers, anything else as text; missing last)."""
    numbers = pd.to_numeric(values, errors="coerce")
    if numbers.notna().sum() == values.notna().sum():
        key = numbers.to_numpy(dtype=float, na_value=np.nan)
        return np.where(np.isnan(key), np.inf, key)
    text = values.astype(object).where(values.notna(), None)
    order = sorted(range(len(text)), key=lambda i: (text.iloc[i] is None, str(text.iloc[i])))
    ranks = np.empty(len(text))
    ranks[order] = np.arange(len(text))
    return ranks
