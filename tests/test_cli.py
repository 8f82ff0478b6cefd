"""The nps-toolkit command."""

import json

import pytest

from nps_toolkit.cli import main


def test_templates_lists_parameters(capsys):
    assert main(["templates"]) == 0
    out = capsys.readouterr().out
    for name in ("benchmark_study", "competitor_comparison", "period_comparison", "confidence", "our_brand"):
        assert name in out


def test_run_with_params_and_yaml(tmp_path, capsys):
    params = tmp_path / "p.yaml"
    params.write_text("language: pl\nsegment_column: channel\n", encoding="utf-8")
    code = main(["run", "benchmark_study", "-f", str(params), "-p", "benchmark", "25", "-q",
                 "--output-dir", str(tmp_path / "out")])
    assert code == 0
    results = json.loads((tmp_path / "out" / "benchmark_study.json").read_text(encoding="utf-8"))
    assert results["meta"]["language"] == "pl" and results["benchmark"]["value"] == 25.0
    assert {s["segment"] for s in results["segments"]} == {"app", "phone", "store", "web"}


def test_batch_writes_one_folder_per_file(tmp_path):
    files = []
    for lang in ("en", "ru"):
        f = tmp_path / f"{lang}.yaml"
        f.write_text(f"language: {lang}\nsegment_column: null\n", encoding="utf-8")
        files += ["-f", str(f)]
    assert main(["run", "benchmark_study", *files, "-j", "2", "--output-dir", str(tmp_path / "out")]) == 0
    for lang in ("en", "ru"):
        assert (tmp_path / "out" / lang / "benchmark_study.html").exists()


@pytest.mark.parametrize("args, message", [
    (["run", "benchmark_study", "-p", "colour", "red"], "unknown parameter 'colour'"),
    (["run", "nope"], "unknown template 'nope'"),
    (["run", "benchmark_study", "-q", "-p", "language", "de"], "language"),
])
def test_failures_exit_non_zero_with_a_short_message(tmp_path, capsys, args, message):
    assert main([*args, "--output-dir", str(tmp_path)]) != 0
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert len(err.strip().splitlines()) <= 2
