"""The studies behind the templates give the same results wherever the answers are counted.

The bundled sample survey is analysed in pandas and, converted, through DuckDB (a Parquet path, as
``prepare_study`` gives it), Polars and Spark: the results (the JSON of each template) must be
identical but for ``meta.engine``. Weighted sums may differ in the last bits (sums in another order).
"""

from __future__ import annotations

import importlib.util
import json

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
    return df.assign(weight=np.round(rng.uniform(0.3, 2.5, len(df)), 2))


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
]


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
