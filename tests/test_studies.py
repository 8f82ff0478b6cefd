"""The studies behind the templates give the same results wherever the answers are counted.

The bundled sample survey is analysed in pandas and, converted, through DuckDB (a Parquet path, as
``prepare_study`` gives it), Polars and Spark: the results (the JSON of each template) must be
identical but for ``meta.engine``. Weighted sums may differ in the last bits (sums in another order).
"""

from __future__ import annotations

import importlib.util
import json
import math

import numpy as np
import pandas as pd
import pytest

import nps_toolkit as nt

from conftest import sample_columns
from nps_toolkit.parameters import ParameterError, prepare_study
from nps_toolkit.results import to_jsonable

HAS_DUCKDB = importlib.util.find_spec("duckdb") is not None
HAS_POLARS = importlib.util.find_spec("polars") is not None
need_duckdb = pytest.mark.skipif(not HAS_DUCKDB, reason="needs duckdb (pip install 'nps-toolkit[scale]')")

STUDIES = {"benchmark_study": nt.benchmark_study, "competitor_comparison": nt.competitor_comparison,
           "period_comparison": nt.period_comparison}

pytestmark = pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning")


@pytest.fixture(scope="module")
def answers() -> pd.DataFrame:
    """The bundled sample with survey weights (by segment and channel, deterministic)."""
    df = nt.load_sample()
    rng = np.random.default_rng(11)
    shop = rng.integers(0, 40, len(df))  # a clustered design: 40 shops in 4 zones (10 each, of 25)
    return df.assign(weight=np.round(rng.uniform(0.3, 2.5, len(df)), 2), shop=shop, zone=shop % 4, shops=25)


def defaults(name: str, **changes) -> dict:
    values = {k: (None if v.default == "None" else json.loads(v.default)) for k, v in
              nt.template_parameters(name).items()}
    return {**values, **sample_columns(name, {}), **changes}  # the files hold the sample's rows and columns


def plain(results: dict) -> dict:
    """The results as JSON values, without the engine that counted them."""
    out = json.loads(json.dumps(to_jsonable(results)))
    out["meta"].pop("engine")
    return out


VARIANTS = [
    ("benchmark_study", {}),
    ("benchmark_study", {"weights_column": "weight", "benchmark": 12.5}),
    ("competitor_comparison", {}),
    ("competitor_comparison", {"weights_column": "weight", "correction": "fdr_bh"}),
    ("period_comparison", {}),
    ("period_comparison", {"segment_column": "segment", "weights_column": "weight", "freq": "ME"}),
    ("benchmark_study", {"weights_column": "weight", "strata_column": "zone", "psu_column": "shop",
                         "fpc_column": "shops"}),
    ("competitor_comparison", {"strata_column": "zone", "psu_column": "shop"}),
    ("period_comparison", {"segment_column": "segment", "weights_column": "weight", "psu_column": "shop"}),
]
DESIGN_VARIANTS = VARIANTS[-3:]


def _run(name, data, params):
    return plain(STUDIES[name](data, params).results)


@need_duckdb
@pytest.mark.parametrize("name, changes", VARIANTS)
def test_parquet_studies_match_pandas(answers, tmp_path, assert_close, name, changes):
    path = tmp_path / "answers.parquet"
    answers.to_parquet(path)
    p_pandas, in_memory = prepare_study(name, defaults(name, data_path=str(path), engine="pandas", **changes))
    p_files, on_disk = prepare_study(name, defaults(name, data_path=str(path), **changes))
    assert isinstance(in_memory, pd.DataFrame)
    assert isinstance(on_disk, str)  # engine "auto": the Parquet file stays where it is, counted by DuckDB
    study = STUDIES[name](on_disk, p_files)
    assert study.results["meta"]["engine"] == "duckdb"
    assert_close(plain(study.results), _run(name, in_memory, p_pandas))


@pytest.mark.skipif(not HAS_POLARS, reason="needs polars (pip install 'nps-toolkit[scale]')")
@pytest.mark.parametrize("name, changes", VARIANTS)
def test_polars_studies_match_pandas(answers, assert_close, name, changes):
    import polars as pl

    params = defaults(name, **changes)
    params["engine"] = "auto"
    assert_close(_run(name, pl.from_pandas(answers).lazy(), params), _run(name, answers, params))


@pytest.mark.parametrize("name, changes", [VARIANTS[1], VARIANTS[3], VARIANTS[5]])
def test_spark_studies_match_pandas(answers, spark_frame, assert_close, name, changes):
    params = defaults(name, **changes)
    if name != "benchmark_study":  # the comments only where they are costed (the other studies just quote them)
        params["comment_column"] = None
    frame = spark_frame(answers.drop(columns=["comment"]) if name != "benchmark_study" else answers, 2)
    assert_close(_run(name, frame, params), _run(name, answers, params))


@need_duckdb
def test_prepare_study_reads_folders_and_globs_of_parquet(answers, tmp_path):
    for i, part in enumerate(np.array_split(np.arange(len(answers)), 3)):
        answers.iloc[part].to_parquet(tmp_path / f"part-{i}.parquet")
    pattern = str(tmp_path / "part-*.parquet")
    params, data = prepare_study("competitor_comparison", defaults("competitor_comparison", data_path=pattern))
    assert data == pattern
    whole = nt.competitor_comparison(answers, params).results["brands"]
    assert nt.competitor_comparison(data, params).results["brands"] == whole
    _, folder = prepare_study("competitor_comparison", defaults("competitor_comparison", data_path=str(tmp_path)))
    assert nt.competitor_comparison(folder, params).results["brands"] == whole
    with pytest.raises(ParameterError, match="names 3 files; reading several files needs the engine 'duckdb'"):
        prepare_study("competitor_comparison", defaults("competitor_comparison", data_path=pattern, engine="pandas"))
    with pytest.raises(ParameterError, match="parameter 'data_path': no file matches"):
        prepare_study("competitor_comparison", defaults("competitor_comparison",
                                                         data_path=str(tmp_path / "none-*.parquet")))


@need_duckdb
def test_prepare_study_refuses_bad_parquet_data_like_pandas(answers, tmp_path):
    bad = answers.assign(score=answers["score"].astype("Float64"))
    bad.loc[[3, 7], "score"] = [11.0, 7.5]
    path = tmp_path / "bad.parquet"
    bad.to_parquet(path)
    messages = []
    for engine in ("pandas", "auto"):
        with pytest.raises(ParameterError) as info:
            prepare_study("benchmark_study", defaults("benchmark_study", data_path=str(path), engine=engine))
        messages.append(str(info.value))
    for message in messages:  # the same words (read_responses adds a hint about no-answer tokens)
        assert message.startswith("parameter 'score_column': column 'score': answers must be whole numbers 0 to 10")
        assert message.endswith("got 11.0 (position 3), 7.5 (position 7)")
    with pytest.raises(ParameterError, match="parameter 'segment_column': column 'region' is not in the data; "
                                             "available columns: respondent_id, date, score"):
        prepare_study("benchmark_study", defaults("benchmark_study", data_path=str(path), segment_column="region"))
    weighted = answers.assign(weight=answers["weight"].where(answers.index != 5, -1.0))
    weighted.to_parquet(path)
    with pytest.raises(ParameterError, match=r"parameter 'weights_column': weight: .*-1\.0 \(position 5\)"):
        prepare_study("benchmark_study", defaults("benchmark_study", data_path=str(path), weights_column="weight"))


def test_prepare_study_checks_the_engine():
    with pytest.raises(ParameterError, match="parameter 'engine' must be one of auto, pandas, duckdb, spark, "
                                             "got 'dask'"):
        prepare_study("benchmark_study", defaults("benchmark_study", engine="dask"))
    with pytest.raises(ParameterError, match="the engine 'spark' needs a table name or files"):
        prepare_study("benchmark_study", defaults("benchmark_study", engine="spark"))


def test_prepare_study_gives_spark_the_data_path(answers, spark, tmp_path, assert_close):
    path = tmp_path / "spark-answers.parquet"
    answers.drop(columns=["date"]).to_parquet(path)
    params, data = prepare_study("competitor_comparison", defaults("competitor_comparison", data_path=str(path),
                                                                    engine="spark"))
    assert type(data).__module__.startswith("pyspark")
    want = nt.competitor_comparison(answers, params).results
    got = nt.competitor_comparison(data, params).results
    assert got["meta"]["engine"] == "spark"
    assert_close(plain(got), plain(want))


@pytest.mark.parametrize("name", sorted(STUDIES))
def test_a_seed_makes_resampled_reports_repeat(answers, name):
    """seed: P(best), bootstrap intervals and tests are the same on a re-run; another seed draws afresh."""
    params = defaults(name, method="bootstrap", seed=7, segment_column="segment")
    params["comment_column"] = None if name == "benchmark_study" else params.get("comment_column")
    first = plain(STUDIES[name](answers, params).results)
    assert plain(STUDIES[name](answers, params).results) == first
    other = plain(STUDIES[name](answers, {**params, "seed": 8}).results)
    assert other != first and other.keys() == first.keys()


def test_prepare_study_checks_the_seed():
    with pytest.raises(ParameterError, match="parameter 'seed' must be a whole number 0 or more, or None, got -1"):
        prepare_study("benchmark_study", defaults("benchmark_study", seed=-1))


@need_duckdb
def test_engine_duckdb_refuses_files_it_cannot_count(answers, tmp_path):
    path = tmp_path / "answers.xlsx"
    answers.head(20).to_excel(path, index=False)
    with pytest.raises(ParameterError, match=r"parameter 'data_path': .*files must be Parquet .* or CSV"):
        prepare_study("competitor_comparison", defaults("competitor_comparison", data_path=str(path), engine="duckdb"))
    params, data = prepare_study("competitor_comparison", defaults("competitor_comparison", data_path=str(path)))
    assert isinstance(data, pd.DataFrame) and len(data) == 20  # engine "auto": Excel is read by read_responses


@need_duckdb
def test_engine_duckdb_names_a_csv_it_cannot_read(data_dir):
    """A Russian Excel CSV (cp1251, ';', decimal commas) is for read_responses: DuckDB's refusal names data_path."""
    path = data_dir / "responses_ru_cp1251.csv"
    values = defaults("benchmark_study", data_path=str(path), engine="duckdb", brand_column=None,
                      segment_column=None, comment_column=None)
    with pytest.raises(ParameterError, match=r"parameter 'data_path': DuckDB could not read .*responses_ru_cp1251\.csv: "
                                             r".*not utf-8 encoded.*engine 'pandas'"):
        prepare_study("benchmark_study", values)
    with pytest.raises(nt.engines.EngineReadError, match="DuckDB could not read"):
        nt.summarize(str(path))


# -- issue 16: key figures, quotes, action plan, follow-up list, escaping -------------------------------------------
from html.parser import HTMLParser  # noqa: E402

from nps_toolkit.comments import action_plan, verbatims  # noqa: E402
from nps_toolkit.followup import followup_list  # noqa: E402
from nps_toolkit.results import validate_results  # noqa: E402


@pytest.fixture(scope="module")
def sample() -> pd.DataFrame:
    return nt.load_sample()


@pytest.fixture(scope="module")
def studies(sample):
    """Each study of the bundled sample with its template's defaults."""
    return {name: STUDIES[name](sample, defaults(name)) for name in STUDIES}


def test_key_figures_are_the_study_numbers(studies, sample):
    ours = sample[sample["brand"] == nt.OUR_BRAND]
    detractors = int((ours["score"].dropna() <= 6).sum())
    bench = studies["benchmark_study"]
    ci = nt.confint(ours["score"])
    kf = bench.key_figures
    assert kf == bench.results["key_figures"]
    assert (kf["nps"], kf["ci_low"], kf["ci_high"]) == pytest.approx((ci.estimate, ci.low, ci.high))
    assert kf["n"] == int(ours["score"].notna().sum()) and kf["n_missing"] == int(ours["score"].isna().sum())
    assert kf["band"] == nt.interpretation.band(ci.estimate) and kf["band_text"] == nt.interpret(ci.estimate)
    gap = nt.compare_to_benchmark(ours["score"], 28.4)  # the default industry, Retail
    assert kf["benchmark"] == 28.4
    assert (kf["benchmark_gap"], kf["benchmark_gap_low"], kf["benchmark_gap_high"]) == pytest.approx(
        (gap.difference, gap.low, gap.high))
    assert kf["followup"] == detractors == bench.results["followup"]["rows"]

    brands = studies["competitor_comparison"].key_figures
    by_brand = {b: nt.confint(g["score"]).estimate for b, g in sample.groupby("brand")}
    ranking = sorted(by_brand, key=by_brand.get, reverse=True)
    assert brands["rank"] == ranking.index(nt.OUR_BRAND) + 1 and brands["n_brands"] == len(by_brand)
    assert brands["leader"] == ranking[0] and brands["leader_nps"] == pytest.approx(by_brand[ranking[0]])
    assert brands["nps"] == pytest.approx(by_brand[nt.OUR_BRAND]) and brands["followup"] == detractors

    period = studies["period_comparison"].key_figures
    quarter = ours[ours["date"].dt.to_period("Q").astype(str) == "2024Q4"]
    change = nt.compare(quarter["score"], ours[ours["date"].dt.to_period("Q").astype(str) == "2024Q3"]["score"])
    assert (period["period"], period["previous"]) == ("2024Q4", "2024Q3")
    assert period["nps"] == pytest.approx(nt.confint(quarter["score"]).estimate)
    assert period["n"] == int(quarter["score"].notna().sum())
    assert (period["change"], period["change_low"], period["change_high"]) == pytest.approx(
        (change.difference, change.low, change.high))


def test_the_studies_quote_plan_and_list_what_the_package_computes(studies, sample):
    ours = sample[sample["brand"] == nt.OUR_BRAND]
    bench = studies["benchmark_study"]
    plan = action_plan(ours, language="en", random_state=2026)
    got = pd.DataFrame(bench.results["action_plan"])
    assert got["theme"].tolist() == plan["theme"].tolist()
    assert got["impact"].tolist() == pytest.approx(plan["impact"].tolist())
    assert got["detractor_mention_share"].tolist() == pytest.approx(plan["detractor_mention_share"].tolist())
    impact = nt.theme_impact(ours, random_state=2026)
    shown = impact.loc[impact["mentions"] > 0, "theme"].tolist()  # the plan's themes first, then the others
    quoted = plan["theme"].tolist() + [t for t in shown if t not in plan["theme"].tolist()]
    quotes = verbatims(ours, themes=quoted, per_theme=3, max_chars=200)
    assert [q["quote"] for q in bench.results["verbatims"]] == quotes["quote"].tolist()
    listed = followup_list(ours, date="date", by="segment", comments="comment", priority=plan["theme"].tolist())
    pd.testing.assert_frame_equal(bench.followup, listed)
    period = studies["period_comparison"]
    by_period = action_plan(ours, date="date", freq="QE", random_state=2026)
    assert [r["theme"] for r in period.results["action_plan"]] == by_period["theme"].tolist()
    assert [r["impact_change"] for r in period.results["action_plan"]] == pytest.approx(
        by_period["impact_change"].tolist())
    for name, study in studies.items():
        validate_results(json.loads(json.dumps(to_jsonable(study.results))), name)
        assert "respondent_id" not in json.dumps(to_jsonable(study.results["verbatims"]))


def test_counts_are_shown_as_whole_numbers(studies):
    html = studies["period_comparison"].table("periods").to_html()
    assert "Missing" not in html  # the report's period table: fewer columns, it fits the page
    full = nt.studies._display(studies["period_comparison"].tables["periods"], "en").to_html()
    for column in ("promoters", "n_missing"):
        for value in studies["period_comparison"].tables["periods"][column]:
            assert f">{value:,}<" in full.replace("</td>", "<")
    assert ".0<" not in nt.studies._display(pd.DataFrame({"n": [102.0, 5.0], "n_missing": [5, 0]}), "en").to_html()
    weighted = nt.studies._display(pd.DataFrame({"n": [102.4]}), "en").to_html()
    assert "102.4" in weighted


def test_tables_escape_cells_and_headers():
    table = pd.DataFrame({"<b>segment</b>": ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>"],
                          "n": [10, 20]})
    html = nt.studies._display(table, "en").to_html()
    assert "<script>" not in html and "<img" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "&lt;b&gt;segment&lt;/b&gt;" in html


def test_an_unchanged_period_is_said_to_be_unchanged():
    rows = pd.DataFrame({"date": pd.to_datetime(["2024-01-15"] * 4 + ["2024-04-15"] * 4),
                         "score": [10, 10, 3, 8] * 2})
    study = nt.period_comparison(rows, {**defaults("period_comparison"), "brand_column": None, "our_brand": None,
                                        "comment_column": None, "id_column": None})
    assert "unchanged on 2024Q1" in study.headline and "down 0" not in study.headline
    assert study.key_figures["change"] == 0


def test_a_brand_or_period_without_answers_is_reported_as_such(sample):
    quiet = sample.assign(score=sample["score"].where(sample["brand"] != "Kestrel"))
    study = nt.competitor_comparison(quiet, defaults("competitor_comparison"))
    kestrel = next(b for b in study.results["brands"] if b["brand"] == "Kestrel")
    assert kestrel["n"] == 0 and math.isnan(kestrel["nps"])
    assert study.notes["brands"] == "No answers for: Kestrel."
    validate_results(json.loads(json.dumps(to_jsonable(study.results))), "competitor_comparison")
    gap = sample[sample["brand"] == nt.OUR_BRAND]
    gap = gap.assign(score=gap["score"].where(gap["date"].dt.to_period("Q").astype(str) != "2024Q2"))
    study = nt.period_comparison(gap, defaults("period_comparison"))
    row = next(r for r in to_jsonable(study.results)["periods"] if r["period"] == "2024Q2")
    assert row["n"] == 0 and row["nps"] is None
    assert study.notes["periods"] == "No answers for: 2024Q2."
    validate_results(json.loads(json.dumps(to_jsonable(study.results))), "period_comparison")


def test_theme_owners_are_checked(sample):
    params = defaults("benchmark_study", theme_owners={"delivery": "Logistics"})
    study = nt.benchmark_study(sample, params)
    owners = {r["theme"]: r["owner"] for r in study.results["action_plan"]}
    assert owners["delivery"] == "Logistics" and pd.isna(owners["price"])
    for bad, message in [({"shipping": "Logistics"}, "'shipping' is not a theme"),
                         ("Logistics", "must map themes to owners"),
                         ({"delivery": ["a", "b"]}, "the owner of 'delivery' must be a name")]:
        with pytest.raises(ParameterError, match=message):
            nt.benchmark_study(sample, {**params, "theme_owners": bad})


def test_write_outputs_writes_the_results_workbook_and_follow_up_list(studies, tmp_path):
    pytest.importorskip("openpyxl")
    study = studies["benchmark_study"]
    target = tmp_path / "bench.partial.json"
    written = study.write_outputs(target)
    assert written == {"results": target, "workbook": tmp_path / "bench.partial.xlsx",
                       "followup": tmp_path / "bench.partial.followup.csv"}
    saved = json.loads(target.read_text(encoding="utf-8"))
    assert saved["followup"]["rows"] == len(study.followup) and "respondent_id" not in json.dumps(saved["verbatims"])
    back = pd.read_csv(written["followup"], encoding="utf-8-sig")
    assert back["respondent_id"].tolist() == study.followup["respondent_id"].tolist()
    assert list(back.columns) == list(study.followup.columns)
    import openpyxl

    assert "followup" in openpyxl.load_workbook(written["workbook"]).sheetnames


def test_the_follow_up_csv_holds_no_formula(tmp_path):
    study = nt.Study("benchmark_study", {}, "", "", followup=pd.DataFrame(
        {"respondent_id": ["=HYPERLINK(\"http://x\")", "7"], "score": [0, 3], "comment": ["@SUM(A1)", "-5 stars"]}))
    text = nt.studies._csv_text(study.followup)
    assert "'=HYPERLINK" in text and "'@SUM" in text and "'-5 stars" in text and "\n7," in text


def test_no_detractor_no_follow_up_list(sample):
    happy = sample[sample["score"].fillna(0) >= 9]
    study = nt.benchmark_study(happy, defaults("benchmark_study", benchmark_industry=None))
    assert study.followup is None and study.results["followup"]["rows"] == 0
    assert study.notes["followup"].startswith("No detractors")


class _Tags(HTMLParser):
    """The start tags of a page and the text of its scripts."""

    def __init__(self):
        super().__init__()
        self.tags, self.scripts, self._in_script = [], [], False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts.append(data)


SCRIPT, IMG = "<script>alert(1)</script>", "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def markup_csv(tmp_path_factory, sample):
    """The sample with brands, segments and comments that are markup, and a segment that is maths."""
    data = sample.assign(brand=sample["brand"].replace({nt.OUR_BRAND: SCRIPT, "Lumina": IMG}),
                         segment=sample["segment"].replace({"North": "Promo $\\badcmd$", "South": IMG,
                                                            "East": SCRIPT}))
    lowest = (sample["brand"] == nt.OUR_BRAND) & sample["score"].eq(0).fillna(False)  # the first complaints quoted
    data.loc[lowest.to_numpy(bool), "comment"] = ("Delivery was late <script>alert(2)</script> and "
                                                  "<img src=x onerror=alert(3)> [x](javascript:alert(4))")
    path = tmp_path_factory.mktemp("markup") / "markup.csv"
    data.to_csv(path, index=False)
    return path


@pytest.mark.parametrize("name", ["benchmark_study", "competitor_comparison"])
def test_a_report_of_markup_data_shows_it_as_text(markup_csv, tmp_path, name):
    """Brands, segments, comments, owners and the title are markup: the report shows them, and none runs."""
    from nps_toolkit.report import run_template

    title = "Report <script>alert(5)</script>\n[click](javascript:alert(6)) # not a heading"
    params = {"data_path": str(markup_csv), "title": title, "brand_column": "brand", "our_brand": SCRIPT,
              "comment_column": "comment"}
    if name == "benchmark_study":
        params.update(segment_column="segment", theme_owners={"delivery": IMG})
    run = run_template(name, parameters=params, output_dir=tmp_path)
    page = run.html.read_text(encoding="utf-8")
    tags = _Tags()
    tags.feed(page)
    assert not [a for t, a in tags.tags if any(k.lower().startswith("on") for k in a)], "event handler from the data"
    assert not [s for s in tags.scripts if "alert(" in s], "a script from the data"
    assert not [a for t, a in tags.tags if t == "a" and a.get("href", "").strip().lower().startswith("javascript")]
    assert not [a for t, a in tags.tags if t == "img" and a.get("src") == "x"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # the brand is shown, as text
    assert "javascript:alert(6)" in page  # the title, as text
    assert "alert(2)" in page  # the comments, quoted as text
    if name == "benchmark_study":
        assert "badcmd" in page
    results = json.loads(run.results.read_text(encoding="utf-8"))
    assert results["meta"]["our_brand"] == SCRIPT



@pytest.mark.parametrize("name, changes", DESIGN_VARIANTS)
def test_design_studies_report_the_design_based_numbers(answers, tmp_path, name, changes):
    """With strata, PSU or fpc columns the studies' intervals are those of the design functions, and the methods
    note says so (with the design effect)."""
    path = tmp_path / "answers.parquet"
    answers.to_parquet(path)
    params, data = prepare_study(name, defaults(name, data_path=str(path), engine="pandas", **changes))
    study = STUDIES[name](data, params)
    design = nt.SurveyDesign(weights=changes.get("weights_column"), strata=changes.get("strata_column"),
                             psu=changes.get("psu_column"), fpc=changes.get("fpc_column"))
    kf = study.key_figures
    if name == "benchmark_study":
        mine = data[data["brand"] == params["our_brand"]]
        ci = nt.confint(mine, design=design)
        assert (kf["nps"], kf["ci_low"], kf["ci_high"]) == pytest.approx((ci.estimate, ci.low, ci.high), rel=1e-12)
        assert kf["n"] == int(mine["score"].notna().sum())
        gap = nt.compare_to_benchmark(mine, kf["benchmark"], design=design)
        assert kf["benchmark_gap_low"] == pytest.approx(gap.low, rel=1e-12)
        deff = nt.design_estimates(mine, design=design)["deff"].iloc[0]
    elif name == "competitor_comparison":
        table = nt.compare_groups(data, by="brand", reference=params["our_brand"], design=design,
                                  correction=params["correction"], random_state=params["seed"])
        ours = table[table["brand"] == params["our_brand"]].iloc[0]
        assert (kf["nps"], kf["ci_low"], kf["ci_high"], kf["n"]) == pytest.approx(
            (ours.nps, ours.ci_low, ours.ci_high, ours.n), rel=1e-12)
        deff = nt.design_estimates(data, design=design)["deff"].iloc[0]
    else:
        mine = data[data["brand"] == params["our_brand"]]
        periods = nt.compare_periods(mine, date="date", freq=params["freq"], design=design, min_n=params["min_n"])
        now = periods[periods["period"] == kf["period"]].iloc[0]
        assert (kf["nps"], kf["ci_low"], kf["ci_high"], kf["change"]) == pytest.approx(
            (now.nps, now.ci_low, now.ci_high, now.change), rel=1e-12)
        deff = nt.design_estimates(mine, design=design)["deff"].iloc[0]
    assert "design effect" in study.methods and f"{deff:.2f}" in study.methods
    assert "Kish" not in study.methods


def test_design_parameters_name_the_parameter_at_fault(answers, tmp_path):
    path = tmp_path / "answers.csv"
    broken = answers.assign(shop=answers["shop"].astype(float))
    broken.loc[[3, 8], "shop"] = np.nan
    broken.to_csv(path, index=False)
    with pytest.raises(ParameterError, match="parameter 'psu_column': psu column 'shop' has 2 missing values"):
        prepare_study("benchmark_study", defaults("benchmark_study", data_path=str(path), psu_column="shop"))
    with pytest.raises(ParameterError, match="parameter 'strata_column': column 'area' is not in the data"):
        prepare_study("benchmark_study", defaults("benchmark_study", data_path=str(path), strata_column="area"))
    lonely = answers.assign(zone=np.where(answers["shop"] == 0, 9, answers["zone"]))
    lonely.to_csv(path, index=False)
    with pytest.raises(ParameterError, match="parameter 'strata_column': stratum 9 has only one PSU"):
        prepare_study("benchmark_study", defaults("benchmark_study", data_path=str(path), strata_column="zone",
                                                  psu_column="shop"))
