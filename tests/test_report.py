"""Running templates: files written, HTML without code, JSON valid, failures contained."""

import json

import jsonschema
import pytest

import nps_toolkit as nt
from nps_toolkit.parameters import ParameterError
from nps_toolkit.results import load_schema
from nps_toolkit.report import TemplateError, run_template as _run_template

from conftest import sample_columns


def run_template(name, *, parameters, output_dir, **kwargs):
    """The templates on files of the sample's rows: brand, segment and comment columns named as in the sample."""
    return _run_template(name, parameters=sample_columns(name, parameters), output_dir=output_dir, **kwargs)


@pytest.fixture(scope="module")
def small_csv(tmp_path_factory):
    """A small survey export in the Russian Excel flavour (cp1251, ';', day-first dates)."""
    data = nt.load_sample().groupby(["brand", "segment"]).sample(n=16, random_state=7).reset_index(drop=True)
    data["weight"] = 1 + (data["respondent_id"] % 3) / 2
    path = tmp_path_factory.mktemp("data") / "small_ru.csv"
    out = data.assign(date=data["date"].dt.strftime("%d.%m.%Y"))
    out.to_csv(path, sep=";", decimal=",", index=False, encoding="cp1251", errors="replace")
    return path, data


@pytest.mark.parametrize("language", ["en", "ru"])
def test_benchmark_study_runs_and_matches_the_package(tmp_path, small_csv, language):
    path, data = small_csv
    run = run_template("benchmark_study", parameters={"data_path": str(path), "language": language, "benchmark": 20.0},
                       output_dir=tmp_path)
    assert [run.notebook.name, run.html.name, run.results.name] == [
        "benchmark_study.ipynb", "benchmark_study.html", "benchmark_study.json"]
    results = json.loads(run.results.read_text(encoding="utf-8"))
    jsonschema.validate(results, load_schema("benchmark_study"))
    ours = data.loc[data["brand"] == nt.OUR_BRAND, "score"]  # the study looks at our brand only
    expected = nt.confint(ours)
    assert results["overall"]["nps"] == pytest.approx(expected.estimate)
    assert results["overall"]["ci_low"] == pytest.approx(expected.low)
    cmp = nt.compare_to_benchmark(ours, 20.0)
    assert results["benchmark"]["difference"] == pytest.approx(cmp.difference)
    assert results["benchmark"]["p_value"] == pytest.approx(cmp.p_value)
    as_read = nt.read_responses(path)  # comments as the cp1251 file holds them (Polish letters replaced)
    impact = nt.theme_impact(as_read[as_read["brand"] == nt.OUR_BRAND], comments="comment")
    impact = impact[impact["mentions"] > 0]
    assert [f["theme"] for f in results["feedback"]] == impact["theme"].tolist()
    assert [f["impact"] for f in results["feedback"]] == pytest.approx(impact["impact"].tolist(), nan_ok=True)
    html = run.html.read_text(encoding="utf-8")
    assert "prepare_study" not in html and "import nps_toolkit" not in html  # no code in the report
    assert ("NPS по сегментам" in html) == (language == "ru")
    assert "PosixPath" not in html
    assert not list(tmp_path.glob(".*partial*"))


def test_weighted_study_of_every_answer(tmp_path, small_csv):
    path, data = small_csv
    run = run_template("benchmark_study", parameters={"data_path": str(path), "weights_column": "weight", "our_brand": None,
                                           "segment_column": None, "benchmark_industry": None}, output_dir=tmp_path)
    results = json.loads(run.results.read_text(encoding="utf-8"))
    jsonschema.validate(results, load_schema("benchmark_study"))
    scored = data.dropna(subset=["score"])
    by_hand = 100 * (scored["weight"] * ((scored["score"] >= 9).astype(int) - (scored["score"] <= 6).astype(int))
                     ).sum() / scored["weight"].sum()
    assert results["overall"]["nps"] == pytest.approx(by_hand)
    assert results["benchmark"] is None and results["segments"] == []
    assert results["overall"]["n"] == pytest.approx(scored["weight"].sum())


def test_failed_run_keeps_the_earlier_report(tmp_path, small_csv):
    path, _ = small_csv
    good = run_template("benchmark_study", parameters={"data_path": str(path)}, output_dir=tmp_path)
    before = good.html.read_text(encoding="utf-8"), good.results.read_text(encoding="utf-8")
    with pytest.raises(TemplateError, match="segment_column.*'region' is not in the data") as info:
        run_template("benchmark_study", parameters={"data_path": str(path), "segment_column": "region"}, output_dir=tmp_path)
    assert info.value.notebook.name == "benchmark_study.failed.ipynb" and info.value.notebook.exists()
    assert (good.html.read_text(encoding="utf-8"), good.results.read_text(encoding="utf-8")) == before
    assert "\n" not in str(info.value)  # one line, not a traceback


@pytest.mark.parametrize("params, message", [
    ({"colour": "red"}, "unknown parameter 'colour'"),
    ({"results_path": "x.json"}, "set by run_template"),
])
def test_bad_parameters_are_refused_before_running(tmp_path, params, message):
    with pytest.raises(ParameterError, match=message):
        run_template("benchmark_study", parameters=params, output_dir=tmp_path)
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("params, message", [
    ({"language": "de"}, "language"),
    ({"confidence": "high"}, "confidence"),
    ({"score_column": "nps_answer"}, "nps_answer"),
])
def test_bad_parameters_fail_inside_the_notebook_with_their_name(tmp_path, small_csv, params, message):
    path, _ = small_csv
    with pytest.raises(TemplateError, match=message):
        run_template("benchmark_study", parameters={"data_path": str(path), **params}, output_dir=tmp_path)


def test_competitor_comparison(tmp_path, small_csv):
    path, data = small_csv
    run = run_template("competitor_comparison", parameters={"data_path": str(path)}, output_dir=tmp_path)
    results = json.loads(run.results.read_text(encoding="utf-8"))
    jsonschema.validate(results, load_schema("competitor_comparison"))
    ours = results["our_brand"]
    assert ours not in [c["brand"] for c in results["comparisons"]]
    assert sum(b["p_best"] for b in results["brands"]) == pytest.approx(1.0)
    for c in results["comparisons"]:
        direct = nt.compare(data.loc[data["brand"] == ours, "score"], data.loc[data["brand"] == c["brand"], "score"])
        assert c["difference"] == pytest.approx(direct.difference)
        assert c["p_value"] == pytest.approx(direct.p_value)
    with pytest.raises(TemplateError, match="our_brand.*'Nope'"):
        run_template("competitor_comparison", parameters={"data_path": str(path), "our_brand": "Nope"}, output_dir=tmp_path)


def test_period_comparison(tmp_path, small_csv):
    path, data = small_csv
    run = run_template("period_comparison", parameters={"data_path": str(path), "segment_column": "segment"}, output_dir=tmp_path)
    results = json.loads(run.results.read_text(encoding="utf-8"))
    jsonschema.validate(results, load_schema("period_comparison"))
    labels = [p["period"] for p in results["periods"]]
    first = data.loc[data["brand"] == nt.OUR_BRAND, "date"].min()
    assert labels == sorted(labels) and labels[0] == str(first.to_period("Q"))
    table = nt.compare_periods(data[data["brand"] == nt.OUR_BRAND], freq="QE")
    assert [p["nps"] for p in results["periods"]] == pytest.approx(table["nps"].tolist(), nan_ok=True)
    assert results["change"]["current"] == labels[-1]
    parts = [d["points"] for d in results["decomposition"] if d["kind"] == "change"]
    levels = [d["points"] for d in results["decomposition"] if d["kind"] == "level"]
    assert sum(parts) == pytest.approx(levels[1] - levels[0])


def test_template_counts_a_parquet_file_in_duckdb(tmp_path, small_csv, assert_close):
    """data_path to Parquet: the template counts it in DuckDB and reports what pandas would."""
    pytest.importorskip("duckdb")
    _, data = small_csv
    path = tmp_path / "answers.parquet"
    data.to_parquet(path)
    params = {"data_path": str(path), "segment_column": "segment", "weights_column": "weight"}
    runs = {engine: run_template("period_comparison", parameters={**params, "engine": engine}, output_dir=tmp_path / engine)
            for engine in ("auto", "pandas")}
    results = {engine: json.loads(run.results.read_text(encoding="utf-8")) for engine, run in runs.items()}
    assert results["auto"]["meta"]["engine"] == "duckdb" and results["pandas"]["meta"]["engine"] == "pandas"
    for key in ("periods", "change", "trend", "decomposition", "segment_periods"):
        assert_close(results["auto"][key], results["pandas"][key], key)
    assert "NPS over time" in runs["auto"].html.read_text(encoding="utf-8")


def test_template_reaches_spark_through_spark_connect(tmp_path, small_csv, monkeypatch, assert_close):
    """engine 'spark' with SPARK_REMOTE set: the template's kernel counts through Spark Connect, as on a cluster.

    ``SPARK_REMOTE=local[1]`` makes pyspark start a Spark Connect server on this machine and talk to it
    over gRPC, the same client path as ``SPARK_REMOTE=sc://cluster-host:15002``.
    """
    import importlib.util
    import shutil

    for module in ("pyspark", "grpc", "google.rpc", "zstandard"):
        if importlib.util.find_spec(module.split(".")[0]) is None:
            pytest.skip(f"needs the Spark Connect client (pip install 'nps-toolkit[spark]'): {module} is missing")
    if shutil.which("java") is None:
        pytest.skip("needs Java 17 or newer for the local Spark Connect server")
    _, data = small_csv
    path = tmp_path / "answers.parquet"
    data.drop(columns=["date"]).to_parquet(path)
    params = {"data_path": str(path), "weights_column": "weight"}
    want = json.loads(run_template("competitor_comparison", parameters={**params, "engine": "pandas"},
                                   output_dir=tmp_path / "pandas").results.read_text(encoding="utf-8"))
    monkeypatch.setenv("SPARK_REMOTE", "local[1]")
    got = json.loads(run_template("competitor_comparison", parameters={**params, "engine": "spark"},
                                  output_dir=tmp_path / "spark").results.read_text(encoding="utf-8"))
    assert got["meta"]["engine"] == "spark" and want["meta"]["engine"] == "pandas"
    for key in ("brands", "comparisons"):
        assert_close(got[key], want[key], key)
