"""HTML reports.

:func:`summary_html` renders an NPS summary (overall and by segment, every
number with its interval and interpretation band) as a self-contained HTML
page; :func:`write_summary` writes it atomically.
"""

from __future__ import annotations

import html
from pathlib import Path

import pandas as pd

from ._files import atomic_write_text
from .interpretation import interpret
from .summary import summarize

__all__ = ["summary_html", "write_summary"]

_STYLE = """
body { font-family: system-ui, -apple-system, Segoe UI, Roboto, sans-serif; margin: 2rem auto; max-width: 60rem;
       color: #222; line-height: 1.45; }
h1 { font-weight: 600; } table { border-collapse: collapse; margin: 1rem 0; }
th, td { padding: .3rem .7rem; border-bottom: 1px solid #ddd; text-align: right; }
th:first-child, td:first-child { text-align: left; } .headline { font-size: 1.25rem; }
.note { color: #555; font-size: .9rem; }
"""


def _table(summary: pd.DataFrame, label: str | None) -> str:
    cols = ([label] if label else []) + ["n", "nps", "ci_low", "ci_high", "promoter_share", "passive_share",
                                         "detractor_share", "n_missing"]
    shown = summary[cols].copy()
    for c in ("promoter_share", "passive_share", "detractor_share"):
        shown[c] = (100 * shown[c]).round(1)
    for c in ("nps", "ci_low", "ci_high"):
        shown[c] = shown[c].round(1)
    shown["band"] = [interpret(v) if pd.notna(v) else "" for v in summary["nps"]]
    shown = shown.rename(columns={"promoter_share": "% promoters", "passive_share": "% passives",
                                  "detractor_share": "% detractors", "ci_low": "CI low", "ci_high": "CI high",
                                  "n_missing": "missing"})
    return shown.to_html(index=False, na_rep="–", border=0)


def summary_html(data: pd.DataFrame, *, score="score", by=None, title="NPS summary", confidence=0.95,
                 method="adjusted-wald") -> str:
    """An HTML page with the NPS overall and by each ``by`` column, with intervals.

    Parameters
    ----------
    data : DataFrame
        One row per respondent.
    score : str
        Column of 0-10 answers.
    by : str or list of str, optional
        Columns to break the NPS down by, one table each.
    title : str
        Page title.
    confidence, method
        As in :func:`nps_toolkit.summarize`.

    Examples
    --------
    >>> import pandas as pd
    >>> page = summary_html(pd.DataFrame({"score": [10, 9, 3], "region": ["A", "A", "B"]}), by="region")
    >>> "<table" in page and "region" in page
    True
    """
    overall = summarize(data, score=score, confidence=confidence, method=method)
    row = overall.iloc[0]
    by_cols = [] if by is None else ([by] if isinstance(by, str) else list(by))
    parts = [f"<h1>{html.escape(title)}</h1>",
             f"<p class='headline'>NPS is <b>{row.nps:.1f}</b> ({confidence:.0%} CI {row.ci_low:.1f} to "
             f"{row.ci_high:.1f}), which is <b>{interpret(row.nps)}</b>; n = {int(row.n)}.</p>",
             _table(overall, None)]
    for col in by_cols:
        parts += [f"<h2>By {html.escape(str(col))}</h2>",
                  _table(summarize(data, score=score, by=col, confidence=confidence, method=method), col)]
    parts.append(f"<p class='note'>Intervals: {html.escape(method)}, {confidence:.0%} confidence. "
                 f"Missing answers ({int(row.n_missing)}) are excluded. NPS = % promoters (9-10) minus "
                 f"% detractors (0-6), on -100..100.</p>")
    body = "\n".join(parts)
    return (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
            f"<style>{_STYLE}</style></head><body>{body}</body></html>")


def write_summary(data: pd.DataFrame, path, **kwargs) -> Path:
    """Write :func:`summary_html` to ``path`` atomically and return the path."""
    return atomic_write_text(path, summary_html(data, **kwargs))
