"""The studies behind the report templates.

Each template calls one function here with its validated parameters (see
:func:`nps_toolkit.prepare_study`) and shows what it returns: a
:class:`Study` with the results (the JSON), a headline sentence and a
methods note in the report language, and display tables. The templates hold
no statistics of their own: every number comes from the package.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from . import _i18n
from ._version import __version__
from .comments import theme_impact
from .compare import compare_groups, compare_to_benchmark
from .industry import lookup_benchmark
from .interpretation import band, interpret
from .intervals import confint
from . import counting
from .periods import compare_periods, current_vs_previous, decompose_change, trend
from .reading import describe_reading
from .results import write_results
from .counting import NPSCounts, count_groups, counts

__all__ = ["Study", "benchmark_study", "competitor_comparison", "period_comparison"]


@dataclass(frozen=True)
class Study:
    """What a template shows: results (for the JSON), prose and tables."""

    template: str
    results: dict
    headline: str
    methods: str
    tables: dict = field(default_factory=dict)
    language: str = "en"
    data: object = field(default=None, repr=False, compare=False)  # the rows: pandas, or where an engine counts

    def write_results(self, path):
        """Write the results JSON (schema-checked, atomically)."""
        return write_results(self.results, path, schema=self.template)

    def heading(self, key: str, level: int = 2) -> str:
        """A section heading (markdown) in the report language; ``level=0`` gives bold text."""
        words = _t("heading_" + key, self.language)
        return "#" * level + " " + words if level else f"**{words}**"

    def text(self, key: str, **fmt) -> str:
        """A sentence of the report in its language."""
        return _t(key, self.language, **fmt)

    def table(self, name: str):
        """A display table (pandas Styler): headers and numbers in the report language, no index."""
        return _display(self.tables[name], self.language)


def _t(key, language, **fmt) -> str:
    return _i18n.text(key, language, **fmt)


def _formatter(column: str, language: str):
    """How one column of a display table is written: p-values, percentages, points, ticks."""
    number = _i18n.number
    if column.startswith("p_value"):
        return lambda v: "–" if pd.isna(v) else ("<0.001" if v < 0.001 else number(v, language, decimals=3))
    if column == "p_best" or column.endswith("_share"):
        return lambda v: "–" if pd.isna(v) else number(100 * v, language, decimals=0 if column == "p_best" else 1)
    if column in ("significant", "low_n"):
        return lambda v: "✓" if v is True or v == True else ""  # noqa: E712 - numpy booleans
    if column in ("n", "mentions", "priority"):
        return lambda v: number(v, language, decimals=0)
    return lambda v: number(v, language, decimals=1) if isinstance(v, (int, float)) and not isinstance(v, bool) \
        else ("–" if v is None or (isinstance(v, float) and pd.isna(v)) else str(v))


def _display(table: pd.DataFrame, language: str):
    """A table for the report: headers in the language, numbers written its way, no index."""
    shown = table.rename(columns={c: _i18n.header(c, language) for c in table.columns})
    formats = {_i18n.header(c, language): _formatter(c, language) for c in table.columns}
    return shown.style.hide(axis="index").format(formats)


def _meta(template: str, p: dict, n_missing: int, data) -> dict:
    return {"template": template, "title": p["title"], "language": p["language"], "confidence": p["confidence"],
            "method": p["method"], "n_missing": int(n_missing), "data": p["data_path"] or "bundled sample",
            "engine": counting.engine_of(data) or "pandas",
            "weights_column": p["weights_column"], "our_brand": p.get("our_brand"), "version": __version__}


def _counted_elsewhere(data) -> bool:
    """True when an engine counts ``data`` (a path, DuckDB, Polars or Spark): the rows stay where they are."""
    return counting.engine_of(data) is not None


def _check_brand(data, p: dict) -> list[str]:
    brand = p["brand_column"]
    if _counted_elsewhere(data):  # the brands are the groups of a count by brand
        values = count_groups(data, score=p["score_column"], by=brand, _roles={"by": "brand column"})[brand]
    else:
        values = data[brand]
    brands = sorted(map(str, values.dropna().unique()))
    if p["our_brand"] not in brands:
        from .parameters import ParameterError

        raise ParameterError(f"parameter 'our_brand': {p['our_brand']!r} is not a value of column "
                             f"{p['brand_column']!r}; brands in the data: {', '.join(brands)}")
    return brands


def _our_answers(data, p: dict):
    """The rows about our brand (all rows when brand_column or our_brand is None), left where they are."""
    if p.get("brand_column") is None or p.get("our_brand") is None:
        return data
    _check_brand(data, p)
    return counting.rows_equal(data, p["brand_column"], p["our_brand"], role="brand column")


def _counts(data, p: dict) -> NPSCounts:
    """Overall counts of the study's answers (weighted when weights_column is set)."""
    score, weights = p["score_column"], p["weights_column"]
    if _counted_elsewhere(data):
        return counts(data, score=score, weights=weights)
    return counts(data[score], weights=None if weights is None else data[weights])


def _methods_note(p: dict, n, n_missing: int, extra: str = "", data=None) -> str:
    lang = p["language"]
    note = _t("methods_note", lang, method=p["method"], confidence=f"{p['confidence']:.0%}", n=_n(n, lang),
              missing=n_missing)
    if p["weights_column"]:
        note += " " + _t("methods_weighted", lang, column=p["weights_column"])
    info = data.attrs.get("nps_toolkit") if isinstance(data, pd.DataFrame) and p.get("data_path") else None
    reading = describe_reading(info, lang)
    return note + (" " + extra if extra else "") + (" " + reading if reading else "")


def _n(value, language: str, decimals: int = 0) -> str:
    """A number in the report language's writing (decimal comma, true minus)."""
    return _i18n.number(value, language, decimals=decimals)


def _significance(significant: bool, lang: str) -> str:
    return _t("significant" if significant else "not_significant", lang)


def benchmark_study(data: pd.DataFrame, p: dict) -> Study:
    """Our NPS against a benchmark and across segments (template ``benchmark_study``).

    ``p`` holds the template's validated parameters: ``score_column``,
    ``segment_column``, ``weights_column``, ``benchmark`` (a number) or
    ``benchmark_industry`` (looked up in the bundled table of published
    averages), ``confidence``, ``method``, ``min_n``, ``language``, ``title``.
    Segments are each compared with all other respondents (Holm-adjusted).
    With ``brand_column`` and ``our_brand`` set, only our brand's answers
    are analysed.
    """
    data = _our_answers(data, p)
    lang, score = p["language"], p["score_column"]
    c = _counts(data, p)
    ci = confint(c, confidence=p["confidence"], method=p["method"], random_state=p["seed"])
    overall = {"nps": ci.estimate, "n": c.n, "ci_low": ci.low, "ci_high": ci.high, "band": band(ci.estimate),
               "band_text": interpret(ci.estimate, language=lang), "n_missing": c.n_missing}
    headline = _t("headline_nps", lang, nps=_n(ci.estimate, lang), conf=f"{p['confidence']:.0%}",
                  low=_n(ci.low, lang), high=_n(ci.high, lang), band=interpret(ci.estimate, language=lang))

    bench = None
    if p["benchmark"] is not None or p["benchmark_industry"]:
        if p["benchmark"] is not None:
            value, source = float(p["benchmark"]), _t("benchmark_given", lang)
        else:
            found = lookup_benchmark(p["benchmark_industry"])
            value, source = found["value"], found["source"]
        cmp = compare_to_benchmark(c, value, confidence=p["confidence"], method=p["method"], random_state=p["seed"])
        bench = {"value": value, "source": source, "difference": cmp.difference, "low": cmp.low, "high": cmp.high,
                 "p_value": cmp.p_value, "significant": bool(cmp.significant)}
        key = "headline_above" if cmp.difference >= 0 else "headline_below"
        headline += " " + _t(key, lang, points=_n(abs(cmp.difference), lang),
                             benchmark=_n(value, lang, 1 if value % 1 else 0),
                             significance=_significance(cmp.significant, lang))

    segments = pd.DataFrame()
    tables = {}
    if p["segment_column"]:
        seg = p["segment_column"]
        segments = compare_groups(data, score=score, by=seg, reference=None, correction="holm",
                                  random_state=p["seed"],
                                  confidence=p["confidence"], method=p["method"], weights=p["weights_column"])
        segments["low_n"] = segments["n"] < p["min_n"]
        tables["segments"] = segments[[seg, "n", "nps", "ci_low", "ci_high", "difference", "p_value_adjusted",
                                       "significant", "low_n"]]
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
    if p.get("comment_column"):
        impact = theme_impact(data, score=score, comments=p["comment_column"], weights=p["weights_column"],
                              confidence=p["confidence"], method=p["method"], random_state=p["seed"])
        impact = impact[impact["mentions"] > 0].reset_index(drop=True)
        results["feedback"] = impact[["theme", "priority", "mentions", "share", "nps_with", "nps_without", "impact",
                                      "impact_low", "impact_high", "p_value_adjusted", "significant",
                                      "minus_share", "suggestion_share"]]
        shown = impact.assign(theme=[_t("theme_" + t, lang) if "theme_" + t in _i18n.TEXTS else t
                                     for t in impact["theme"]])
        tables["feedback"] = shown[["priority", "theme", "mentions", "nps_with", "nps_without", "impact",
                                    "impact_low", "impact_high", "p_value_adjusted", "minus_share",
                                    "suggestion_share"]]
        costly = impact[impact["significant"] & (impact["impact"] < 0)]
        if len(costly):
            top = costly.iloc[0]
            headline += " " + _t("feedback_top", lang, theme=shown.loc[costly.index[0], "theme"],
                                 nps_with=_n(top["nps_with"], lang), nps_without=_n(top["nps_without"], lang),
                                 points=_n(top["impact"], lang, 1))
    extra = _t("methods_segments", lang) if p["segment_column"] else ""
    return Study("benchmark_study", results, headline, _methods_note(p, c.n, c.n_missing, extra, data), tables,
                 lang, data)


def competitor_comparison(data: pd.DataFrame, p: dict) -> Study:
    """Our brand against each competitor (template ``competitor_comparison``).

    Each comparison is our brand minus that competitor, with p-values
    adjusted for the number of competitors (``correction``); ``p_best`` is
    the posterior probability that a brand has the highest NPS.
    """
    lang, score, brand, ours = p["language"], p["score_column"], p["brand_column"], p["our_brand"]
    _check_brand(data, p)
    table = compare_groups(data, score=score, by=brand, reference=ours, correction=p["correction"],
                           random_state=p["seed"],
                           confidence=p["confidence"], method=p["method"], weights=p["weights_column"])
    table["low_n"] = table["n"] < p["min_n"]
    others = table[table[brand] != ours]
    # compare_groups gives competitor minus ours: flip to ours minus competitor.
    comparisons = [{"brand": str(r[brand]), "difference": -r["difference"], "low": -r["diff_high"],
                    "high": -r["diff_low"], "p_value": r["p_value"], "p_value_adjusted": r["p_value_adjusted"],
                    "significant": bool(r["significant"])} for _, r in others.iterrows()]
    c = _counts(data, p)
    ours_row = table[table[brand] == ours].iloc[0]
    better = [x["brand"] for x in comparisons if x["significant"] and x["difference"] > 0]
    worse = [x["brand"] for x in comparisons if x["significant"] and x["difference"] < 0]
    headline = _t("headline_brand", lang, brand=ours, nps=_n(ours_row['nps'], lang), conf=f"{p['confidence']:.0%}",
                  low=_n(ours_row['ci_low'], lang), high=_n(ours_row['ci_high'], lang))
    headline += " " + (_t("brand_better_than", lang, brands=", ".join(better)) if better else "")
    headline += " " + (_t("brand_worse_than", lang, brands=", ".join(worse)) if worse else "")
    if not better and not worse:
        headline += " " + _t("brand_no_difference", lang)
    best = table.loc[table["p_best"].idxmax()]
    chance = ">99%" if best["p_best"] > 0.995 else f"{best['p_best']:.0%}"
    headline += " " + _t("brand_best", lang, brand=best[brand], p=chance)
    results = {
        "meta": _meta("competitor_comparison", p, c.n_missing, data),
        "our_brand": ours,
        "brands": [{"brand": str(r[brand]), "n": r["n"], "nps": r["nps"], "ci_low": r["ci_low"],
                    "ci_high": r["ci_high"], "p_best": r["p_best"], "low_n": bool(r["low_n"])}
                   for _, r in table.iterrows()],
        "comparisons": comparisons,
    }
    shown = pd.DataFrame(comparisons).rename(columns={"low": "diff_low", "high": "diff_high"})
    tables = {"brands": table[[brand, "n", "nps", "ci_low", "ci_high", "p_best", "low_n"]], "comparisons": shown,
              "forest": others.assign(difference=-others["difference"], diff_low=-others["diff_high"],
                                      diff_high=-others["diff_low"])}
    extra = _t("methods_brands", lang, correction=p["correction"] or "none")
    return Study("competitor_comparison", results, " ".join(headline.split()),
                 _methods_note(p, c.n, c.n_missing, extra, data), tables, lang, data)


def period_comparison(data: pd.DataFrame, p: dict) -> Study:
    """NPS over time (template ``period_comparison``): periods, latest change, its decomposition, trend.

    With ``brand_column`` and ``our_brand`` set, only our brand's answers are analysed.
    """
    data = _our_answers(data, p)
    lang, score, date = p["language"], p["score_column"], p["date_column"]
    common = {"score": score, "date": date, "freq": p["freq"], "confidence": p["confidence"],
              "method": p["method"], "weights": p["weights_column"], "random_state": p["seed"],
              "dayfirst": p.get("dayfirst")}
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
               weights=p["weights_column"], dayfirst=p.get("dayfirst"))
    c = _counts(data, p)
    direction = "change_up" if latest.difference > 0 else "change_down"
    headline = _t(direction, lang, current=current, previous=previous, nps=_n(latest.nps_a, lang),
                  points=_n(abs(latest.difference), lang), conf=f"{p['confidence']:.0%}", low=_n(latest.low, lang),
                  high=_n(latest.high, lang), significance=_significance(latest.significant, lang))
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
    if seg is not None:
        tables["segment_periods"] = seg
        results["segment_periods"] = seg.rename(columns={p["segment_column"]: "segment"})[
            ["segment", "period", "n", "nps", "ci_low", "ci_high", "change", "p_value", "significant", "low_n"]]
    return Study("period_comparison", results, headline, _methods_note(p, c.n, c.n_missing, data=data), tables, lang,
                 data)
