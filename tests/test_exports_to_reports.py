"""Every platform's export makes a report with only data_path given (numbers against truth.json)."""

import ast
import json

import pytest

import nps_toolkit as nt
from nps_toolkit.parameters import ParameterError, prepare_study, template_parameters

from conftest import DATA

EXPORTS = DATA / "exports"
TRUTH = json.loads((EXPORTS / "truth.json").read_text(encoding="utf-8"))["files"]
READABLE = sorted(name for name, t in TRUTH.items() if not t.get("refused"))


def _values(template: str, **given) -> dict:
    values = {k: ast.literal_eval(v.default) for k, v in template_parameters(template).items()}
    return {**values, **given}


@pytest.mark.parametrize("name", READABLE)
def test_benchmark_and_period_studies_with_only_data_path(name):
    truth = TRUTH[name]
    path = str(EXPORTS / name)
    p, data = prepare_study("benchmark_study", _values("benchmark_study", data_path=path))
    assert p["score_column"] == truth["score_column"]
    assert (p["brand_column"], p["our_brand"], p["segment_column"], p["comment_column"]) == (None,) * 4
    study = nt.benchmark_study(data, p)
    overall = study.results["overall"]
    assert overall["n"] == truth["n"] and overall["n_missing"] == truth["n_missing"]
    assert overall["nps"] == pytest.approx(truth["nps"], abs=1e-9)
    assert name in study.methods and truth["score_column"] in study.methods

    p, data = prepare_study("period_comparison", _values("period_comparison", data_path=path, freq="ME"))
    assert p["date_column"] == truth["date_column"]
    study = nt.period_comparison(data, p)
    periods = {r["period"]: r for r in study.results["periods"].to_dict("records")}
    for month, want in truth["by_month"].items():
        assert periods[month]["n"] == want["n"], month
        assert periods[month]["nps"] == pytest.approx(want["nps"], abs=1e-9), month


def test_segments_of_an_export_by_their_labels():
    truth = TRUTH["spss.sav"]
    p, data = prepare_study("benchmark_study", _values("benchmark_study", data_path=str(EXPORTS / "spss.sav"),
                                                       segment_column=truth["segment_column"]))
    study = nt.benchmark_study(data, p)
    got = {r["segment"]: (r["n"], r["nps"]) for r in study.results["segments"]}
    assert set(got) == set(truth["by_segment"])
    for value, want in truth["by_segment"].items():
        assert got[value][0] == want["n"] and got[value][1] == pytest.approx(want["nps"], abs=1e-9)


def test_competitor_comparison_on_user_data_asks_for_the_brand():
    with pytest.raises(ParameterError, match="brand_column.*our_brand"):
        prepare_study("competitor_comparison",
                      _values("competitor_comparison", data_path=str(EXPORTS / "qualtrics.csv")))


def test_refused_export_names_the_parameter():
    with pytest.raises(ParameterError, match=r"1-11"):
        prepare_study("benchmark_study", _values("benchmark_study", data_path=str(EXPORTS / "spss_codes.sav")))


def test_ambiguous_dates_point_to_dayfirst(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("submitted,How likely are you to recommend us?\n03/01/2024,10\n04/02/2024,3\n05/03/2024,9\n",
                    encoding="utf-8")
    with pytest.raises(ParameterError, match=r"parameter 'dayfirst'.*03/01/2024"):
        prepare_study("period_comparison", _values("period_comparison", data_path=str(path)))
    p, data = prepare_study("period_comparison", _values("period_comparison", data_path=str(path), dayfirst=False,
                                                         freq="ME"))
    study = nt.period_comparison(data, p)
    assert list(study.results["periods"]["period"]) == ["2024-03", "2024-04", "2024-05"]


@pytest.mark.parametrize("name", READABLE)
def test_one_command_report(tmp_path, name):
    """The README's path: `nps-toolkit run period_comparison -p data_path EXPORT` just works."""
    from nps_toolkit.cli import main

    code = main(["run", "period_comparison", "-p", "data_path", str(EXPORTS / name), "-q",
                 "--output-dir", str(tmp_path)])
    assert code == 0
    results = json.loads((tmp_path / "period_comparison.json").read_text(encoding="utf-8"))
    truth = TRUTH[name]
    assert sum(r["n"] for r in results["periods"]) == truth["n"]
    html = (tmp_path / "period_comparison.html").read_text(encoding="utf-8")
    assert name in html
