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


def test_inspect_shows_what_was_found_and_the_command(capsys, data_dir):
    path = data_dir / "exports" / "qualtrics.csv"
    assert main(["inspect", str(path)]) == 0
    out = capsys.readouterr().out
    assert "Data: qualtrics.csv, read as Qualtrics" in out and "score column:  'Q2'" in out and "date column:   'RecordedDate'" in out
    assert "120 read, 113 analysed" in out and "3 preview" in out and "2 test" in out and "2 spam" in out
    assert "'Q1'" in out.split("segments:")[1].splitlines()[0]  # the segment question, not names or e-mails
    assert "RecipientLastName" not in out
    commands = [line.strip() for line in out.splitlines() if line.strip().startswith("nps-toolkit run")]
    assert commands[0] == f"nps-toolkit run benchmark_study -p data_path {path} -p segment_column Q1 -p comment_column Q3"
    assert commands[1] == f"nps-toolkit run period_comparison -p data_path {path}"


def test_inspect_refusal_is_one_line(capsys, data_dir, tmp_path):
    assert main(["inspect", str(data_dir / "exports" / "spss_codes.sav")]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("nps-toolkit: error: 'spss_codes.sav': variable 'Q5' is coded 1-11") and "\n" not in err
    ambiguous = tmp_path / "a.csv"
    ambiguous.write_text("when,score\n03/01/2024,9\n04/02/2024,3\n", encoding="utf-8")
    assert main(["inspect", str(ambiguous)]) == 1
    assert "dayfirst" in capsys.readouterr().err
    assert main(["inspect", str(ambiguous), "--dayfirst", "false"]) == 0
    assert "date column:   'when' (month first)" in capsys.readouterr().out
