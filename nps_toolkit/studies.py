"""The studies behind the report templates.

Each template calls one function here with its validated parameters (see
:func:`nps_toolkit.prepare_study`) and shows what it returns: a
:class:`Study` with the results (the JSON), the key figures, a headline
sentence and a methods note in the report language, display tables, the
quotes of "what respondents say", an action plan and the follow-up list of
detractors (written to files, never shown). The templates hold no
statistics of their own: every number comes from the package.

Everything a study shows that comes from the data or the parameters (a
title, brand, segment, theme or file name, a comment) is escaped for where it
is shown: Markdown through :func:`nps_toolkit._i18n.escape_markdown`, HTML
through :func:`html.escape`, tables by the pandas Styler (``escape="html"``).
"""

from __future__ import annotations

import html
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from . import _i18n
from ._docstrings import shared_docs
from ._files import atomic_write_text
from ._version import __version__
from .comment_model import as_model
from .comments import DEFAULT_THEMES, action_plan, lexicon_accuracy, theme_impact, verbatims
from .compare import compare_groups, compare_to_benchmark
from .followup import followup_list
from .industry import lookup_benchmark
from .interpretation import band, interpret
from .intervals import confint
from . import counting
from .design import design_estimates
from .parameters import design_of
from .periods import compare_periods, current_vs_previous, decompose_change, trend
from .reading import describe_reading
from .results import write_results
from .counting import NPSCounts, count_groups, counts, counts_of_table

__all__ = ["Study", "benchmark_study", "competitor_comparison", "period_comparison"]

#: Quotes per theme and kind, and their longest length, in the reports.
PER_THEME, MAX_CHARS = 3, 200

#: Columns of each display table shown in the report (the workbook and the JSON have them all).
SHOWN = {
    "periods": ["period", "n", "nps", "ci_low", "ci_high", "change", "p_value", "significant", "low_n"],
    "action_plan": ["priority", "theme", "owner", "impact_interval", "impact_previous", "impact_change", "risk",
                    "detractor_mention_share", "next_step"],
}

#: Columns holding counts: whole numbers are written without decimals (weighted sums keep one).
COUNT_COLUMNS = ("n", "n_missing", "promoters", "passives", "detractors", "mentions", "priority", "n_previous",
                 "n_current", "n_periods", "position", "score")

#: A text starting with one of these is read as a formula by spreadsheets: written with a leading quote in CSV.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Study:
    """What a template shows: results (for the JSON), key figures, prose, tables and the follow-up list.

    ``headline`` and ``methods`` are plain text (the ``show_*`` methods give
    them escaped for a Markdown cell); ``followup`` holds personal data (the
    detractors to contact): it goes to the CSV file and the workbook that
    :meth:`write_outputs` writes, never into the report.

    Attributes
    ----------
    template : str
        The template it is for: ``"benchmark_study"``, ``"competitor_comparison"`` or
        ``"period_comparison"`` (also the name of the results JSON's schema).
    results : dict
        The results JSON, as :meth:`write_results` writes it.
    headline : str
        The report's first sentences, plain text.
    methods : str
        The methods note (how the file was read, the intervals and tests, how comments were sorted),
        plain text.
    tables : dict
        Name -> DataFrame: the report's tables, as numbers (:meth:`table` shows one formatted).
    language : str
        ``"en"``, ``"ru"`` or ``"pl"``: the language of the report's text.
    data : DataFrame or engine relation
        The answers the study was made from.
    parameters : dict
        The template's parameters, after checking.
    key_figures : dict
        The figures of the report's opening box (NPS, its interval, respondents, ...).
    followup : DataFrame or None
        The detractors to contact (personal data: never in the report), or None.
    notes : dict
        Section -> a plain-text sentence shown under that section.

    See Also
    --------
    benchmark_study : The study of the ``benchmark_study`` template.
    competitor_comparison : The study of the ``competitor_comparison`` template.
    period_comparison : The study of the ``period_comparison`` template.
    write_results : Write the results JSON.
    run_template : Run a template.
    """

    template: str
    results: dict
    headline: str
    methods: str
    tables: dict = field(default_factory=dict)
    language: str = "en"
    data: object = field(default=None, repr=False, compare=False)  # the rows: pandas, or where an engine counts
    parameters: dict = field(default_factory=dict, repr=False)
    key_figures: dict = field(default_factory=dict)
    followup: pd.DataFrame | None = field(default=None, repr=False, compare=False)
    notes: dict = field(default_factory=dict, repr=False)  # plain-text sentences shown under a section

    # -- files -------------------------------------------------------------------------------------------------
    def write_results(self, path):
        """Write the results JSON (schema-checked, atomically)."""
        return write_results(self.results, path, schema=self.template)

    def write_outputs(self, results_path) -> dict:
        """Write the results JSON at ``results_path`` and its siblings: the workbook and the follow-up list.

        The workbook is ``results_path`` with the suffix ``.xlsx``
        (``nps_toolkit.workbook.write_workbook``), the follow-up list
        (when there are detractors) ``.followup.csv``: UTF-8 with a byte
        order mark (Excel reads it so), texts that a spreadsheet would take
        for a formula (``=``, ``+``, ``-``, ``@`` first) written after a
        quote. Returns ``{"results": path, "workbook": path, "followup":
        path or None}``.
        """
        from .workbook import write_workbook

        path = Path(results_path)
        written = {"results": self.write_results(path),
                   "workbook": write_workbook(self, path.with_suffix(".xlsx")), "followup": None}
        if self.followup is not None and len(self.followup):
            written["followup"] = atomic_write_text(path.with_suffix(".followup.csv"), _csv_text(self.followup),
                                                    encoding="utf-8-sig")
        return written

    # -- text for Markdown cells -------------------------------------------------------------------------------
    def heading(self, key: str, level: int = 2) -> str:
        """A section heading (markdown) in the report language; ``level=0`` gives bold text."""
        words = _i18n.escape_markdown(_t("heading_" + key, self.language))
        return "#" * level + " " + words if level else f"**{words}**"

    def text(self, key: str, **fmt) -> str:
        """A sentence of the report in its language, for a Markdown cell (every value put into it escaped)."""
        return _i18n.markdown_text(key, self.language, **fmt)

    def show_title(self):
        """The report's title as a Markdown heading (escaped: a title is the user's text)."""
        from IPython.display import Markdown

        title = self.parameters.get("title") or self.results.get("meta", {}).get("title") or ""
        return Markdown("# " + _i18n.escape_markdown(title))

    def show_headline(self):
        """The headline, escaped for Markdown."""
        return _markdown(self.headline)

    def show_methods(self):
        """The methods note, escaped for Markdown."""
        return _markdown(self.methods)

    def show_note(self, name: str):
        """The sentence shown under a section (``notes[name]``; empty when there is none), escaped."""
        return _markdown(self.notes.get(name, ""))

    def show_benchmark_source(self):
        """Where the benchmark comes from (HTML: the source escaped, its web addresses as links); empty without one."""
        from IPython.display import HTML

        bench = self.results.get("benchmark")
        if not bench:
            return HTML("")
        label = html.escape(_t("heading_benchmark_source", self.language))
        return HTML(f"<p><strong>{label}</strong> {_linked(bench['source'])}</p>")

    def show_key_figures(self):
        """The key figures as a small HTML table (every value escaped)."""
        from IPython.display import HTML

        rows = _key_figure_rows(self.template, self.key_figures, self.language)
        body = "".join(f'<tr><th scope="row">{html.escape(label)}</th><td>{html.escape(value)}</td></tr>'
                       for label, value in rows)
        caption = html.escape(_t("heading_key_figures", self.language))
        return HTML(f'<table class="nps-key-figures"><caption>{caption}</caption><tbody>{body}</tbody></table>')

    def show_verbatims(self):
        """What respondents say: per theme, the quotes with their kind and score (Markdown, escaped)."""
        from IPython.display import Markdown

        table = self.tables.get("verbatims")
        if table is None or not len(table):
            return Markdown(self.text("verbatims_none"))
        lang, parts = self.language, []
        for theme, quotes in table.groupby("theme", sort=False):
            parts.append(f"**{_i18n.escape_markdown(theme)}**\n")
            for _, row in quotes.iterrows():
                line = _i18n.markdown_text("verbatim_quote", lang, kind=row["kind"], quote=row["quote"],
                                           score=_n(row["score"], lang))
                parts.append(f"- {line}")
            parts.append("")
        parts.append(self.text("verbatims_note", per_theme=PER_THEME, max_chars=MAX_CHARS))
        return Markdown("\n".join(parts))

    def show_action_plan(self):
        """The action plan table, or a sentence when no theme costs points."""
        plan = self.tables.get("action_plan")
        if plan is None or not len(plan):
            return _markdown(self.notes.get("action_plan_none", _t("action_plan_none", self.language)))
        return self.table("action_plan")

    def show_followup_note(self):
        """How many detractors the follow-up list holds and where it is (never the list itself)."""
        return _markdown(self.notes.get("followup", ""))

    def table(self, name: str):
        """A display table (pandas Styler): headers and numbers in the report language, no index, cells escaped."""
        table = self.tables[name]
        if "impact_low" in table.columns and name == "action_plan":  # the cost and its interval in one column
            lang = self.language
            table = table.assign(impact_interval=[
                _t("impact_interval_value", lang, impact=_n(i, lang, 1), low=_n(lo, lang, 1), high=_n(hi, lang, 1))
                for i, lo, hi in zip(table["impact"], table["impact_low"], table["impact_high"])])
        shown = SHOWN.get(name)
        if shown is not None:
            table = table[[c for c in shown if c in table.columns]]
        return _display(table, self.language)


def _markdown(text: str):
    from IPython.display import Markdown

    return Markdown(_i18n.escape_markdown(text) if text else "")


_URL = re.compile(r"https?://[^\s<>\"']+[^\s<>\"'.,;:)\]]")


def _linked(text: str) -> str:
    """``text`` as HTML: escaped, its http(s) addresses made links (nothing else: no ``javascript:``)."""
    out, last = [], 0
    for match in _URL.finditer(str(text)):
        out.append(html.escape(text[last:match.start()]))
        url = html.escape(match.group(0), quote=True)
        out.append(f'<a href="{url}" rel="noopener noreferrer">{url}</a>')
        last = match.end()
    out.append(html.escape(str(text)[last:]))
    return "".join(out)


def _csv_text(table: pd.DataFrame) -> str:
    """The follow-up list as CSV text, texts a spreadsheet would read as formulas written after a quote."""
    safe = table.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column].dtype):
            safe[column] = [("'" + v) if isinstance(v, str) and v.startswith(_FORMULA_START) else v
                            for v in safe[column].astype(object)]
    return safe.to_csv(index=False, lineterminator="\n")


def _t(key, language, **fmt) -> str:
    return _i18n.text(key, language, **fmt)


def _whole(values) -> bool:
    """Whether every non-missing value is a whole number (counts not weighted)."""
    for v in values:
        if v is None or v is pd.NA or isinstance(v, (bool, np.bool_)):
            continue
        if isinstance(v, (int, np.integer)):
            continue
        try:
            f = float(v)
        except (TypeError, ValueError):
            return False
        if not math.isnan(f) and not f.is_integer():
            return False
    return True


def _missing_value(v) -> bool:
    return v is None or v is pd.NA or v is pd.NaT or (isinstance(v, (float, np.floating)) and math.isnan(v))


def _formatter(column: str, language: str, values=()):
    """How one column of a display table is written: p-values, percentages, counts, points, ticks, text."""
    number = _i18n.number
    if column.startswith("p_value"):
        return lambda v: "–" if _missing_value(v) else ("<0.001" if v < 0.001 else number(v, language, decimals=3))
    if column == "p_best" or column.endswith("_share"):
        decimals = 0 if column == "p_best" else 1
        return lambda v: "–" if _missing_value(v) else number(100 * v, language, decimals=decimals)
    if column in ("significant", "low_n"):
        return lambda v: "✓" if v is True or v == True else ""  # noqa: E712 - numpy booleans
    if column in COUNT_COLUMNS:
        decimals = 0 if _whole(values) else 1  # weighted counts are sums of weights
        return lambda v: "–" if _missing_value(v) else number(v, language, decimals=decimals)
    return lambda v: "–" if _missing_value(v) else (
        number(v, language, decimals=1) if isinstance(v, (int, float, np.integer, np.floating))
        and not isinstance(v, (bool, np.bool_)) else str(v))


def _display(table: pd.DataFrame, language: str):
    """A table for the report: headers in the language, numbers written its way, no index, every cell escaped."""
    shown = table.rename(columns={c: _i18n.header(c, language) for c in table.columns})
    formats = {_i18n.header(c, language): _formatter(c, language, table[c].tolist()) for c in table.columns}
    styled = (shown.style.hide(axis="index").format(formats, escape="html")
              .format_index(escape="html", axis=1))
    return styled.set_td_classes(pd.DataFrame({name: [_text_class(table[column])] * len(table)
                                               for name, column in zip(shown.columns, table.columns)},
                                              index=shown.index))


def _text_class(values: pd.Series) -> str:
    """The CSS class of a column's cells: long text (quotes, next steps) ``nps-text``, short labels ``nps-label``
    (both left-aligned by the report's CSS), numbers none."""
    if pd.api.types.is_numeric_dtype(values.dtype) or pd.api.types.is_bool_dtype(values.dtype):
        return ""
    texts = [v for v in values.tolist() if isinstance(v, str)]
    if not texts:
        return ""
    return "nps-text" if max(map(len, texts)) > 40 else "nps-label"


def _meta(template: str, p: dict, n_missing: int, data) -> dict:
    return {"template": template, "title": p["title"], "language": p["language"], "confidence": p["confidence"],
            "method": p["method"], "n_missing": int(n_missing), "data": p["data_path"] or "bundled sample",
            "engine": counting.engine_of(data) or "pandas",
            "weights_column": p["weights_column"], "strata_column": p.get("strata_column"),
            "psu_column": p.get("psu_column"), "fpc_column": p.get("fpc_column"), "our_brand": p.get("our_brand"),
            "version": __version__}


def _sample(p: dict) -> dict:
    """How the answers were sampled, as keywords: ``design=`` for a complex sample, else ``weights=``."""
    design = design_of(p)
    return {"weights": p["weights_column"]} if design is None else {"design": design}


def _counted_elsewhere(data) -> bool:
    """True when an engine counts ``data`` (a path, DuckDB, Polars or Spark): the rows stay where they are."""
    return counting.engine_of(data) is not None


def _parameter_error(message: str):
    from .parameters import ParameterError

    return ParameterError(message)


def _check_brand(data, p: dict) -> list[str]:
    brand = p["brand_column"]
    if _counted_elsewhere(data):  # the brands are the groups of a count by brand
        values = count_groups(data, score=p["score_column"], by=brand, _roles={"by": "brand column"})[brand]
    else:
        values = data[brand]
    brands = sorted(map(str, values.dropna().unique()))
    if p["our_brand"] not in brands:
        raise _parameter_error(f"parameter 'our_brand': {p['our_brand']!r} is not a value of column "
                               f"{p['brand_column']!r}; brands in the data: {', '.join(brands)}")
    return brands


def _our_answers(data, p: dict):
    """The rows about our brand (all rows when brand_column or our_brand is None), left where they are."""
    if p.get("brand_column") is None or p.get("our_brand") is None:
        return data
    _check_brand(data, p)
    return counting.rows_equal(data, p["brand_column"], p["our_brand"], role="brand column")


def _counts(data, p: dict) -> tuple[NPSCounts, int]:
    """Overall counts of the study's answers (weighted when weights_column is set) and the number of answers
    (``c.n`` is the sum of their weights when weighted), from one count."""
    score, weights = p["score_column"], p["weights_column"]
    if weights is not None:  # the weighted count table carries the number of answers too
        table = count_groups(data, score=score, weights=weights)
        return counts_of_table(table, weighted=True), int(table["n"].sum())
    c = counts(data, score=score) if _counted_elsewhere(data) else counts(data[score])
    return c, int(c.n)


def _methods_note(p: dict, n, n_missing: int, extra: str = "", data=None) -> str:
    lang = p["language"]
    note = _t("methods_note", lang, method=p["method"], confidence=_conf(p), n=_n(n, lang),
              missing=_n(n_missing, lang))
    design = design_of(p)
    if design is not None:
        none = _t("design_none", lang)
        deff = _n(float(design_estimates(data, score=p["score_column"], design=design)["deff"].iloc[0]), lang, 2)
        note += " " + _t("methods_design", lang, strata=design.strata or none, psu=design.psu or none,
                         fpc=design.fpc or none, deff=deff)
    elif p["weights_column"]:
        note += " " + _t("methods_weighted", lang, column=p["weights_column"])
    if p.get("comment_column"):
        note += " " + _comments_note(p)
    info = data.attrs.get("nps_toolkit") if isinstance(data, pd.DataFrame) and p.get("data_path") else None
    reading = describe_reading(info, lang)
    return note + (" " + extra if extra else "") + (" " + reading if reading else "")


def _n(value, language: str, decimals: int = 0) -> str:
    """A number in the report language's writing (decimal comma, true minus)."""
    return _i18n.number(value, language, decimals=decimals)


def _count(value, language: str) -> str:
    """A count: a whole number without decimals, a weighted one with one."""
    return _n(value, language, 0 if _whole([value]) else 1)


def _conf(p: dict) -> str:
    return _i18n.confidence_level(p["confidence"], p["language"])


def _significance(significant: bool, lang: str) -> str:
    return _t("significant" if significant else "not_significant", lang)


def _theme_name(theme: str, lang: str) -> str:
    """A theme as the report names it: the built-in themes in the report language, others as they are."""
    key = "theme_" + str(theme)
    return _t(key, lang) if key in _i18n.TEXTS else str(theme)


def _band(value, lang: str):
    """(band code, band words) of an NPS; (None, "no answers") when there is none."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None, _t("no_answers", lang)
    return band(value), interpret(value, language=lang)


def _no_answers_note(table: pd.DataFrame, column, lang: str) -> str:
    """"No answers for: ..." naming the groups (or periods) of ``table`` with n = 0; empty when there is none."""
    empty = table.loc[table["n"].to_numpy(float) == 0, column] if len(table) else []
    names = [_i18n.text("missing_group", lang) if _missing_value(v) else str(v) for v in empty]
    return _t("groups_no_answers", lang, groups=", ".join(names)) if names else ""


# -- what respondents say, the action plan, the follow-up list --------------------------------------------------
def _theme_owners(p: dict):
    """The ``theme_owners`` parameter as ``{theme: owner}`` (None when empty), checked."""
    value = p.get("theme_owners")
    if value is None or (isinstance(value, (str, dict)) and not value):
        return None
    if not isinstance(value, dict):
        raise _parameter_error(f"parameter 'theme_owners' must map themes to owners, e.g. "
                               f"{{delivery: Logistics, price: Pricing}}, or be empty; got {value!r}")
    unknown = [k for k in value if k not in DEFAULT_THEMES]
    if unknown:
        raise _parameter_error(f"parameter 'theme_owners': {unknown[0]!r} is not a theme; themes: "
                               + ", ".join(DEFAULT_THEMES))
    bad = [k for k, v in value.items() if not isinstance(v, (str, int, float)) or isinstance(v, bool)]
    if bad:
        raise _parameter_error(f"parameter 'theme_owners': the owner of {bad[0]!r} must be a name, "
                               f"got {value[bad[0]]!r}")
    return {str(k): str(v) for k, v in value.items()}


def _date_column(data, p: dict):
    """The answer date column for the follow-up list: the template's, else the one read, else the sample's."""
    if p.get("date_column"):
        return p["date_column"]
    info = getattr(data, "attrs", {}).get("nps_toolkit", {}) if isinstance(data, pd.DataFrame) else {}
    if info.get("date"):
        return info["date"]
    if not p.get("data_path"):  # the bundled sample
        columns = counting.columns(data)
        return "date" if "date" in columns else None
    return None


def _id_parameter(p: dict):
    value = p.get("id_column")
    return None if value in (None, "auto") else value


def _quotes(data, p: dict, themes: list):
    """The verbatims of the study's comments (``themes`` in the order shown), as results and as a table."""
    lang = p["language"]
    quotes = verbatims(data, score=p["score_column"], comments=p["comment_column"], themes=themes or None,
                       per_theme=PER_THEME, max_chars=MAX_CHARS, model=p.get("comment_model"))
    records = [{"theme": r["theme"], "kind": r["kind"], "score": r["score"], "quote": r["quote"]}
               for _, r in quotes.iterrows()]
    shown = quotes.assign(theme=[_theme_name(t, lang) for t in quotes["theme"]],
                          kind=[_t("kind_" + k, lang) for k in quotes["kind"]])
    return records, shown


def _plan_results(plan: pd.DataFrame, lang: str):
    """The action plan as results (theme names as keys) and as a display table (in the report language)."""
    columns = [c for c in plan.columns]
    records = [{c: r[c] for c in columns} for _, r in plan.iterrows()]
    shown = plan.assign(theme=[_theme_name(t, lang) for t in plan["theme"]],
                        risk=[_t("risk_" + r, lang) for r in plan["risk"]])
    return records, shown


def _followup(data, p: dict, priority: list, *, by=None):
    """The follow-up list (None when there is no detractor), its results and the sentence about it."""
    lang = p["language"]
    comments = p.get("comment_column")
    table = followup_list(data, score=p["score_column"], id_column=_id_parameter(p), date=_date_column(data, p),
                          by=by, comments=comments, priority=priority, dayfirst=p.get("dayfirst"),
                          model=p.get("comment_model"))
    ident = table.attrs.get("id_column")
    results = {"rows": int(len(table)), "id_column": None if ident is None else str(ident)}
    if not len(table):
        return None, results, _t("followup_none", lang)
    note = _t("followup_note", lang, n=_n(len(table), lang))
    if ident is None:
        note += " " + _t("followup_no_id", lang)
    return table, results, note


def _comments_note(p: dict) -> str:
    """For the methods note: how the comments were read and how well the lexicon does on held-out comments (and
    the team's comment model, if any)."""
    lang = p["language"]
    figures = lexicon_accuracy()
    note = _t("methods_comments", lang, n=_n(figures["n"], lang), kind=_i18n.percent(figures["unmixed"], lang),
              pairs=_i18n.percent(figures["pair_recall"], lang))
    model = as_model(p.get("comment_model"))
    if model is not None:
        note += " " + _t("feedback_model_note", lang, file=Path(str(p["comment_model"])).name,
                         n=_n(model.n_train, lang), accuracy=_i18n.percent(model.cv_accuracy, lang))
    return note


def _feedback(data, p: dict, tables: dict, results: dict, notes: dict, *, order=DEFAULT_THEMES,
              period_plan: bool = False):
    """The action plan and the quotes of a study with a comment column (themes quoted in the plan's order, then
    in ``order``). Returns the themes of the action plan, riskiest first (the follow-up list's priority).
    """
    lang, score = p["language"], p["score_column"]
    owners = _theme_owners(p)
    common = dict(score=score, comments=p["comment_column"], **_sample(p), model=p.get("comment_model"),
                  confidence=p["confidence"], method=p["method"], random_state=p["seed"])
    notes["feedback"] = _t("feedback_note", lang)
    if period_plan:
        plan = action_plan(data, owners=owners, language=lang, date=p["date_column"], freq=p["freq"],
                           dayfirst=p.get("dayfirst"), **common)
        notes["action_plan"] = _t("action_plan_period_note", lang, current=plan.attrs["current"],
                                  previous=plan.attrs["previous"])
        notes["action_plan_none"] = _t("action_plan_period_none", lang, current=plan.attrs["current"])
    else:
        plan = action_plan(data, owners=owners, language=lang, **common)
        notes["action_plan"] = _t("action_plan_note", lang, conf=_conf(p))
        notes["action_plan_none"] = _t("action_plan_none", lang)
    results["action_plan"], tables["action_plan"] = _plan_results(plan, lang)
    priority = plan["theme"].tolist()
    quoted = priority + [t for t in order if t not in priority]
    results["verbatims"], tables["verbatims"] = _quotes(data, p, quoted)
    return priority


def _key_figure_rows(template: str, kf: dict, lang: str) -> list[tuple[str, str]]:
    """(label, value) of the key figures, in the report language."""
    if not kf:
        return []
    conf = _i18n.confidence_level(kf["confidence"], lang)

    def nps_value(nps, low, high):
        if _missing_value(nps):
            return _t("no_answers", lang)
        return _t("kf_nps_value", lang, nps=_n(nps, lang), conf=conf, low=_n(low, lang), high=_n(high, lang))

    def significance(flag):
        return _t("kf_significant" if flag else "kf_not_significant", lang)

    label = _t("kf_period_nps", lang, period=kf["period"]) if template == "period_comparison" else "NPS"
    if template == "competitor_comparison":
        label = f"NPS: {kf['brand']}"
    rows = [(label, nps_value(kf["nps"], kf["ci_low"], kf["ci_high"])),
            (_i18n.header("band", lang), kf["band_text"]),
            (_t("answers", lang), _t("kf_n_value", lang, n=_count(kf["n"], lang),
                                     missing=_count(kf["n_missing"], lang)))]
    if template == "period_comparison":
        change = _i18n.change(kf["change"], lang, decimals=0) if not _missing_value(kf["change"]) else "–"
        rows.append((_t("kf_change", lang, previous=kf["previous"]),
                     _t("kf_change_value", lang, change=change, conf=conf, low=_n(kf["change_low"], lang),
                        high=_n(kf["change_high"], lang), significance=significance(kf["change_significant"]))))
    if template == "benchmark_study" and kf.get("benchmark") is not None:
        value = kf["benchmark"]
        gap = _i18n.change(kf["benchmark_gap"], lang, decimals=0, zero="difference_zero")
        rows.append((_t("kf_benchmark", lang, benchmark=_n(value, lang, 1 if value % 1 else 0)),
                     _t("kf_change_value", lang, change=gap, conf=conf, low=_n(kf["benchmark_gap_low"], lang),
                        high=_n(kf["benchmark_gap_high"], lang),
                        significance=significance(kf["benchmark_gap_significant"]))))
    if template == "competitor_comparison":
        rank = "–" if kf["rank"] is None else _n(kf["rank"], lang)
        rows.append((_t("kf_rank", lang, brand=kf["brand"]),
                     _t("kf_rank_value", lang, rank=rank, brands=_n(kf["n_brands"], lang))))
        rows.append((_t("kf_leader", lang), _t("kf_leader_value", lang, brand=kf["leader"],
                                                nps=_n(kf["leader_nps"], lang))))
    if kf.get("followup") is not None:
        rows.append((_t("kf_followup", lang), _n(kf["followup"], lang)))
    return rows


def _overall(c: NPSCounts, p: dict, answers: int, data=None) -> tuple[dict, object]:
    """The overall NPS of counts (with an empty result when there is no answer) and its interval; ``n`` is
    the number of answers. With a sample design the interval is design-based (from ``data``)."""
    lang = p["language"]
    if c.n <= 0:
        return {"nps": None, "n": answers, "ci_low": None, "ci_high": None, "band": None,
                "band_text": _t("no_answers", lang), "n_missing": c.n_missing}, None
    design = design_of(p)
    if design is not None:
        ci = confint(data, score=p["score_column"], design=design, confidence=p["confidence"], method=p["method"],
                     random_state=p["seed"])
        code, words = _band(ci.estimate, lang)
        return {"nps": ci.estimate, "n": answers, "ci_low": ci.low, "ci_high": ci.high, "band": code,
                "band_text": words, "n_missing": c.n_missing, "weighted_total": float(c.n), "se": ci.se,
                "deff": ci.deff, "n_effective": ci.n_effective}, ci
    ci = confint(c, confidence=p["confidence"], method=p["method"], random_state=p["seed"])
    code, words = _band(ci.estimate, lang)
    out = {"nps": ci.estimate, "n": answers, "ci_low": ci.low, "ci_high": ci.high, "band": code,
           "band_text": words, "n_missing": c.n_missing}
    if c.weighted:  # the sum of the answers' weights beside their number
        out.update({"weighted_total": float(c.n), "n_effective": float(c.n_effective)})
    return out, ci


@shared_docs
def benchmark_study(data: pd.DataFrame, p: dict) -> Study:
    """Our NPS against a benchmark and across segments (template ``benchmark_study``).

    ``p`` holds the template's validated parameters: ``score_column``,
    ``segment_column``, ``weights_column``, ``benchmark`` (a number) or
    ``benchmark_industry`` (looked up in the bundled table of published
    averages), ``confidence``, ``method``, ``min_n``, ``language``, ``title``,
    and optionally ``comment_column``, ``theme_owners`` and ``id_column``.
    Segments are each compared with all other respondents (Holm-adjusted).
    With ``brand_column`` and ``our_brand`` set, only our brand's answers
    are analysed. With a comment column: the theme impacts, the action plan
    (:func:`nps_toolkit.comments.action_plan`) and the quotes
    (:func:`nps_toolkit.comments.verbatims`); always: the follow-up list of
    the detractors (:func:`nps_toolkit.followup.followup_list`) and the key
    figures.

    Parameters
    ----------
    {{data}}
    {{p}}

    Returns
    -------
    Study
        Results, headline, methods note, tables, key figures and follow-up
        list of the report.

    See Also
    --------
    Study : The study returned.
    compare_to_benchmark : The comparison with the benchmark.
    lookup_benchmark : The published averages of ``benchmark_industry``.
    action_plan : The action plan of the comments.
    run_template : Run the template.

    Examples
    --------
    >>> import ast
    >>> from nps_toolkit.parameters import prepare_study, template_parameters
    >>> values = {k: ast.literal_eval(v.default) for k, v in template_parameters("benchmark_study").items()}
    >>> params, data = prepare_study("benchmark_study", {**values, "comment_column": None})  # the bundled sample
    >>> study = benchmark_study(data, params)
    >>> ours = data[data["brand"] == params["our_brand"]].dropna(subset=["score"])
    >>> study.template, study.results["overall"]["n"] == len(ours)
    ('benchmark_study', True)
    """
    data = _our_answers(data, p)
    lang, score = p["language"], p["score_column"]
    c, answers = _counts(data, p)
    overall, ci = _overall(c, p, answers, data)
    if ci is None:
        headline = _t("headline_no_answers", lang)
    else:
        headline = _t("headline_nps", lang, nps=_n(ci.estimate, lang), conf=_conf(p), low=_n(ci.low, lang),
                      high=_n(ci.high, lang), band=overall["band_text"])

    bench = None
    if ci is not None and (p["benchmark"] is not None or p["benchmark_industry"]):
        if p["benchmark"] is not None:
            value, source = float(p["benchmark"]), _t("benchmark_given", lang)
        else:
            found = lookup_benchmark(p["benchmark_industry"])
            value, source = found["value"], found["source"]
        design = design_of(p)
        if design is None:
            cmp = compare_to_benchmark(c, value, confidence=p["confidence"], method=p["method"],
                                       random_state=p["seed"])
        else:
            cmp = compare_to_benchmark(data, value, score=score, design=design, confidence=p["confidence"],
                                       method=p["method"])
        bench = {"value": value, "source": source, "difference": cmp.difference, "low": cmp.low, "high": cmp.high,
                 "p_value": cmp.p_value, "significant": bool(cmp.significant)}
        key = "headline_level" if _i18n.rounds_to_zero(cmp.difference, 0) else \
            "headline_above" if cmp.difference >= 0 else "headline_below"
        fmt = {"benchmark": _n(value, lang, 1 if value % 1 else 0),
               "significance": _significance(cmp.significant, lang)}
        if key != "headline_level":
            fmt["points"] = _n(abs(cmp.difference), lang)
        headline += " " + _t(key, lang, **fmt)

    segments = pd.DataFrame()
    tables, notes = {}, {}
    if p["segment_column"]:
        seg = p["segment_column"]
        segments = compare_groups(data, score=score, by=seg, reference=None, correction="holm",
                                  random_state=p["seed"],
                                  confidence=p["confidence"], method=p["method"], **_sample(p))
        segments["low_n"] = segments["n"] < p["min_n"]
        tables["segments"] = segments[[seg, "n", "nps", "ci_low", "ci_high", "difference", "p_value_adjusted",
                                       "significant", "low_n"]]
        notes["segments"] = _no_answers_note(segments, seg, lang)
    results = {
        "meta": _meta("benchmark_study", p, c.n_missing, data),
        "overall": overall,
        "benchmark": bench,
        "segments": [{"segment": r[p["segment_column"]], "n": r["n"], "nps": r["nps"], "ci_low": r["ci_low"],
                      "ci_high": r["ci_high"], "difference": r["difference"], "diff_low": r["diff_low"],
                      "diff_high": r["diff_high"], "p_value": r["p_value"],
                      "p_value_adjusted": r["p_value_adjusted"], "significant": bool(r["significant"]),
                      "low_n": bool(r["low_n"])} for _, r in segments.iterrows()] if len(segments) else [],
    }
    results["feedback"] = []
    results["action_plan"], results["verbatims"] = [], []
    priority = []
    if p.get("comment_column") and ci is not None:
        impact = theme_impact(data, score=score, comments=p["comment_column"], **_sample(p),
                              confidence=p["confidence"], method=p["method"], random_state=p["seed"],
                              owners=_theme_owners(p), model=p.get("comment_model"))
        impact = impact[impact["mentions"] > 0].reset_index(drop=True)
        results["feedback"] = impact[["theme", "priority", "mentions", "share", "nps_with", "nps_without", "impact",
                                      "impact_low", "impact_high", "p_value_adjusted", "significant",
                                      "minus_share", "suggestion_share"]]
        shown = impact.assign(theme=[_theme_name(t, lang) for t in impact["theme"]])
        tables["feedback"] = shown[["priority", "theme", "mentions", "nps_with", "nps_without", "impact",
                                    "impact_low", "impact_high", "p_value_adjusted", "minus_share",
                                    "suggestion_share"]]
        costly = impact[impact["significant"] & (impact["impact"] < 0)]
        if len(costly):
            top = costly.iloc[0]
            headline += " " + _t("feedback_top", lang, theme=shown.loc[costly.index[0], "theme"],
                                 nps_with=_n(top["nps_with"], lang), nps_without=_n(top["nps_without"], lang),
                                 points=_n(top["impact"], lang, 1))
        priority = _feedback(data, p, tables, results, notes, order=impact["theme"].tolist())
    followup, results["followup"], notes["followup"] = _followup(data, p, priority, by=p["segment_column"])
    key_figures = {"nps": overall["nps"], "ci_low": overall["ci_low"], "ci_high": overall["ci_high"],
                   "confidence": p["confidence"], "band": overall["band"], "band_text": overall["band_text"],
                   "n": answers, "n_missing": c.n_missing,
                   "benchmark": None if bench is None else bench["value"],
                   "benchmark_gap": None if bench is None else bench["difference"],
                   "benchmark_gap_low": None if bench is None else bench["low"],
                   "benchmark_gap_high": None if bench is None else bench["high"],
                   "benchmark_gap_significant": None if bench is None else bench["significant"],
                   "followup": results["followup"]["rows"]}
    results["key_figures"] = key_figures
    extra = _t("methods_segments", lang) if p["segment_column"] else ""
    return Study("benchmark_study", results, headline, _methods_note(p, answers, c.n_missing, extra, data), tables,
                 lang, data, parameters=dict(p), key_figures=key_figures, followup=followup, notes=notes)


def _rank(table: pd.DataFrame, brand_column, ours) -> tuple:
    """(our rank by NPS among the brands with answers (1 = highest), how many brands, the leader and its NPS)."""
    answered = table[table["n"].to_numpy(float) > 0]
    nps = answered["nps"].to_numpy(float)
    mine = answered.loc[answered[brand_column] == ours, "nps"].to_numpy(float)
    rank = None if not len(mine) or math.isnan(mine[0]) else int(1 + (nps > mine[0]).sum())
    if not len(answered):
        return rank, 0, None, None
    best = answered.iloc[int(np.nanargmax(nps))]
    return rank, int(len(answered)), str(best[brand_column]), float(best["nps"])


@shared_docs
def competitor_comparison(data: pd.DataFrame, p: dict) -> Study:
    """Our brand against each competitor (template ``competitor_comparison``).

    Each comparison is our brand minus that competitor, with p-values
    adjusted for the number of competitors (``correction``); ``p_best`` is
    the posterior probability that a brand has the highest NPS. A brand
    without answers is listed with n = 0 (no NPS, not compared). The quotes
    (with a ``comment_column``) and the follow-up list are those of our
    brand's answers.

    Parameters
    ----------
    {{data}}
    {{p}}

    Returns
    -------
    Study
        Results, headline, methods note, tables, key figures and follow-up
        list of the report.

    See Also
    --------
    Study : The study returned.
    compare_groups : The comparison of the brands.
    benchmark_study : Our NPS against a benchmark.
    run_template : Run the template.

    Examples
    --------
    >>> import ast
    >>> from nps_toolkit.parameters import prepare_study, template_parameters
    >>> values = {k: ast.literal_eval(v.default) for k, v in template_parameters("competitor_comparison").items()}
    >>> params, data = prepare_study("competitor_comparison", {**values, "comment_column": None})  # the bundled sample
    >>> study = competitor_comparison(data, params)
    >>> study.results["our_brand"], len(study.results["comparisons"]) == data["brand"].nunique() - 1
    ('Aurora', True)
    """
    lang, score, brand, ours = p["language"], p["score_column"], p["brand_column"], p["our_brand"]
    _check_brand(data, p)
    table = compare_groups(data, score=score, by=brand, reference=ours, correction=p["correction"],
                           random_state=p["seed"],
                           confidence=p["confidence"], method=p["method"], **_sample(p))
    table["low_n"] = table["n"] < p["min_n"]
    others = table[table[brand] != ours]
    # compare_groups gives competitor minus ours: flip to ours minus competitor.
    comparisons = [{"brand": str(r[brand]), "difference": -r["difference"], "low": -r["diff_high"],
                    "high": -r["diff_low"], "p_value": r["p_value"], "p_value_adjusted": r["p_value_adjusted"],
                    "significant": bool(r["significant"])} for _, r in others.iterrows()]
    c, answers = _counts(data, p)
    ours_row = table[table[brand] == ours].iloc[0]
    better = [x["brand"] for x in comparisons if x["significant"] and x["difference"] > 0]
    worse = [x["brand"] for x in comparisons if x["significant"] and x["difference"] < 0]
    headline = _t("headline_brand", lang, brand=ours, nps=_n(ours_row['nps'], lang), conf=_conf(p),
                  low=_n(ours_row['ci_low'], lang), high=_n(ours_row['ci_high'], lang))
    headline += " " + (_t("brand_better_than", lang, brands=", ".join(better)) if better else "")
    headline += " " + (_t("brand_worse_than", lang, brands=", ".join(worse)) if worse else "")
    if not better and not worse:
        headline += " " + _t("brand_no_difference", lang)
    if table["p_best"].notna().any():
        best = table.loc[table["p_best"].idxmax()]
        chance = ">99%" if best["p_best"] > 0.995 else _i18n.percent(best["p_best"], lang)
        headline += " " + _t("brand_best", lang, brand=best[brand], p=chance)
    results = {
        "meta": _meta("competitor_comparison", p, c.n_missing, data),
        "our_brand": ours,
        "brands": [{"brand": str(r[brand]), "n": r["n"], "nps": r["nps"], "ci_low": r["ci_low"],
                    "ci_high": r["ci_high"], "p_best": r["p_best"], "low_n": bool(r["low_n"])}
                   for _, r in table.iterrows()],
        "comparisons": comparisons,
    }
    shown = pd.DataFrame(comparisons, columns=["brand", "difference", "low", "high", "p_value", "p_value_adjusted",
                                               "significant"]).rename(columns={"low": "diff_low",
                                                                               "high": "diff_high"})
    tables = {"brands": table[[brand, "n", "nps", "ci_low", "ci_high", "p_best", "low_n"]], "comparisons": shown,
              "forest": others.assign(difference=-others["difference"], diff_low=-others["diff_high"],
                                      diff_high=-others["diff_low"])}
    notes = {"brands": _no_answers_note(table, brand, lang)}
    mine = counting.rows_equal(data, brand, ours, role="brand column")
    results["verbatims"] = []
    if p.get("comment_column"):
        results["verbatims"], tables["verbatims"] = _quotes(mine, p, [])
    followup, results["followup"], notes["followup"] = _followup(mine, p, [])
    mine_c, _ = _counts(mine, p)
    rank, n_brands, leader, leader_nps = _rank(table, brand, ours)
    code, words = _band(ours_row["nps"], lang)
    key_figures = {"brand": ours, "nps": ours_row["nps"], "ci_low": ours_row["ci_low"],
                   "ci_high": ours_row["ci_high"], "confidence": p["confidence"], "band": code, "band_text": words,
                   "n": ours_row["n"], "n_missing": mine_c.n_missing, "rank": rank, "n_brands": n_brands,
                   "leader": leader, "leader_nps": leader_nps, "followup": results["followup"]["rows"]}
    results["key_figures"] = key_figures
    extra = _t("methods_brands", lang, correction=p["correction"] or "none")
    return Study("competitor_comparison", results, " ".join(headline.split()),
                 _methods_note(p, answers, c.n_missing, extra, data), tables, lang, data,
                 parameters=dict(p),
                 key_figures=key_figures, followup=followup, notes=notes)


@shared_docs
def period_comparison(data: pd.DataFrame, p: dict) -> Study:
    """NPS over time (template ``period_comparison``): periods, latest change, its decomposition, trend.

    With ``brand_column`` and ``our_brand`` set, only our brand's answers are
    analysed. A period without answers is listed with n = 0. With a
    ``comment_column``: the action plan of the themes whose cost moved
    between the last two periods (:func:`nps_toolkit.comments.action_plan`
    with ``date``) and the quotes; always: the follow-up list of the
    detractors and the key figures (the latest period's NPS and its change).

    Parameters
    ----------
    {{data}}
    {{p}}

    Returns
    -------
    Study
        Results, headline, methods note, tables, key figures and follow-up
        list of the report.

    See Also
    --------
    Study : The study returned.
    compare_periods : The NPS and change per period.
    decompose_change : What drove the latest change.
    trend : The trend over the periods.
    run_template : Run the template.

    Examples
    --------
    >>> import ast
    >>> from nps_toolkit.parameters import prepare_study, template_parameters
    >>> values = {k: ast.literal_eval(v.default) for k, v in template_parameters("period_comparison").items()}
    >>> params, data = prepare_study("period_comparison", {**values, "comment_column": None})  # the bundled sample
    >>> study = period_comparison(data, params)
    >>> study.template, len(study.results["periods"]) > 1
    ('period_comparison', True)
    """
    data = _our_answers(data, p)
    lang, score, date = p["language"], p["score_column"], p["date_column"]
    common = {"score": score, "date": date, "freq": p["freq"], "confidence": p["confidence"],
              "method": p["method"], **_sample(p), "random_state": p["seed"], "dayfirst": p.get("dayfirst")}
    periods = compare_periods(data, min_n=p["min_n"], **common)
    latest = current_vs_previous(data, **common)
    labels = periods.loc[periods["n"] > 0, "period"].tolist()
    current, previous = labels[-1], labels[-2]
    seg = None
    # the decomposition works from the periods' counts (weighted when weights are), not from the rows again
    if p["segment_column"]:  # shift-share: within-segment changes and the change in segment mix
        seg = compare_periods(data, by=p["segment_column"], min_n=p["min_n"], **common)
        decomposition = decompose_change(*(seg[seg["period"] == label] for label in (previous, current)),
                                         by=p["segment_column"])
    else:  # more or fewer promoters, more or fewer detractors
        decomposition = decompose_change(*(periods[periods["period"] == label] for label in (previous, current)))
    tr = trend(data, score=score, date=date, freq=p["freq"], confidence=p["confidence"],
               **_sample(p), dayfirst=p.get("dayfirst"))
    c, answers = _counts(data, p)
    if _i18n.rounds_to_zero(latest.difference, 0):
        direction = "change_none"
    else:
        direction = "change_up" if latest.difference > 0 else "change_down"
    fmt = dict(current=current, previous=previous, nps=_n(latest.nps_a, lang), conf=_conf(p),
               low=_n(latest.low, lang), high=_n(latest.high, lang),
               significance=_significance(latest.significant, lang))
    if direction != "change_none":
        fmt["points"] = _n(abs(latest.difference), lang)
    headline = _t(direction, lang, **fmt)
    results = {
        "meta": _meta("period_comparison", p, c.n_missing, data),
        "periods": periods[["period", "n", "nps", "ci_low", "ci_high", "change", "change_low", "change_high",
                            "p_value", "significant", "low_n"]],
        "change": {"current": current, "previous": previous, "difference": latest.difference, "low": latest.low,
                   "high": latest.high, "p_value": latest.p_value, "significant": bool(latest.significant)},
        "trend": {"slope": tr.slope, "low": tr.low, "high": tr.high, "p_value": tr.p_value,
                  "significant": bool(tr.significant), "n_periods": int(tr.n_periods), "freq": p["freq"]},
        "decomposition": decomposition[["component", "points", "kind"]],
    }
    tables = {"periods": periods, "decomposition": decomposition}
    notes = {"periods": _no_answers_note(periods, "period", lang)}
    if seg is not None:
        tables["segment_periods"] = seg
        results["segment_periods"] = seg.rename(columns={p["segment_column"]: "segment"})[
            ["segment", "period", "n", "nps", "ci_low", "ci_high", "change", "p_value", "significant", "low_n"]]
    results["action_plan"], results["verbatims"] = [], []
    priority = []
    if p.get("comment_column"):
        priority = _feedback(data, p, tables, results, notes, period_plan=True)
    followup, results["followup"], notes["followup"] = _followup(data, p, priority, by=p["segment_column"])
    now = periods[periods["period"] == current].iloc[0]
    code, words = _band(now["nps"], lang)
    key_figures = {"period": current, "nps": now["nps"], "ci_low": now["ci_low"], "ci_high": now["ci_high"],
                   "confidence": p["confidence"], "band": code, "band_text": words, "n": now["n"],
                   "n_missing": int(now["n_missing"]), "previous": previous, "change": latest.difference,
                   "change_low": latest.low, "change_high": latest.high,
                   "change_significant": bool(latest.significant), "followup": results["followup"]["rows"]}
    results["key_figures"] = key_figures
    return Study("period_comparison", results, headline, _methods_note(p, answers, c.n_missing, data=data),
                 tables, lang,
                 data, parameters=dict(p), key_figures=key_figures, followup=followup, notes=notes)
