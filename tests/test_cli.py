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


# -- issue 16: every fault in one line, a non-zero exit and no traceback; stopped runs clean up ------------------
import os  # noqa: E402
import signal  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

from nps_toolkit import cli  # noqa: E402

COMMAND = [sys.executable, "-m", "nps_toolkit.cli"]


def _one_line_error(capsys, *parts):
    err = capsys.readouterr().err.strip()
    assert err.startswith("nps-toolkit: error: ") and "\n" not in err and "Traceback" not in err, err
    for part in parts:
        assert part in err, err
    return err


def test_an_output_dir_that_is_a_file(tmp_path, capsys):
    file = tmp_path / "out"
    file.write_text("a file")
    assert main(["run", "benchmark_study", "-q", "--output-dir", str(file)]) == 1
    _one_line_error(capsys, "is a file, not a folder")
    assert main(["run", "benchmark_study", "-q", "--output-dir", str(file / "inside")]) == 1
    _one_line_error(capsys, "is a file, not a folder", "inside")
    assert main(["demo", "--output-dir", str(file / "inside")]) == 1  # once, not once per report
    _one_line_error(capsys, "is a file, not a folder")
    assert file.read_text() == "a file"


@pytest.mark.parametrize("text, parts", [
    ("language: [en\n", ["bad.yaml", "line 2", "not valid YAML"]),
    ("language: en\n  title: x: y\n", ["bad.yaml", "line 2", "not valid YAML"]),
    ("title: !!python/object/apply:os.system ['echo hacked']\n", ["bad.yaml", "!!python/object/apply:os.system",
                                                                   "not allowed"]),
    ("- language\n- en\n", ["bad.yaml", "NAME: VALUE"]),
])
def test_a_bad_parameter_file_is_one_line(tmp_path, capsys, text, parts):
    bad = tmp_path / "bad.yaml"
    bad.write_text(text, encoding="utf-8")
    assert main(["run", "benchmark_study", "-q", "-f", str(bad), "--output-dir", str(tmp_path / "out")]) == 1
    _one_line_error(capsys, *parts)
    assert not (tmp_path / "out").exists()  # refused before anything runs


def test_a_missing_parameter_file(tmp_path, capsys):
    assert main(["run", "benchmark_study", "-f", str(tmp_path / "none.yaml"), "--output-dir", str(tmp_path)]) == 1
    _one_line_error(capsys, "parameter file not found")


def test_a_batch_with_two_files_of_one_name_is_refused_before_running(tmp_path, capsys):
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "q1.yaml").write_text("language: en\n", encoding="utf-8")
    out = tmp_path / "out"
    args = ["run", "benchmark_study", "-f", str(tmp_path / "a" / "q1.yaml"), "-f", str(tmp_path / "b" / "q1.yaml")]
    for jobs in ("1", "2"):
        assert main([*args, "-j", jobs, "--output-dir", str(out)]) == 1
        _one_line_error(capsys, "would both write into", "q1")
    assert not out.exists()


def test_unknown_template_and_parameter_are_one_line(tmp_path, capsys):
    assert main(["run", "nope", "--output-dir", str(tmp_path)]) == 1
    _one_line_error(capsys, "unknown template 'nope'")
    assert main(["run", "benchmark_study", "-p", "colour", "red", "--output-dir", str(tmp_path)]) == 1
    _one_line_error(capsys, "unknown parameter 'colour'")
    assert main(["demo", "-j", "0", "--output-dir", str(tmp_path)]) == 1
    _one_line_error(capsys, "-j/--jobs")


def test_an_unexpected_error_is_one_line_too(monkeypatch, capsys):
    def broken(args):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(cli, "_templates", broken)
    monkeypatch.delenv("NPS_TOOLKIT_DEBUG", raising=False)
    assert main(["templates"]) == 1
    _one_line_error(capsys, "ZeroDivisionError: division by zero", "NPS_TOOLKIT_DEBUG")


def test_output_cut_short_by_its_reader_ends_quietly():
    """``nps-toolkit templates | head -1``: the reader is gone; no BrokenPipeError traceback."""
    read, write = os.pipe()
    os.close(read)  # every write to the pipe fails: the reader went away before the first line
    try:
        done = subprocess.run([*COMMAND, "templates"], stdout=write, stderr=subprocess.PIPE, timeout=120)
    finally:
        os.close(write)
    assert done.returncode == 0 and done.stderr.decode() == ""
    shell = subprocess.run(f"set -o pipefail; {sys.executable} -m nps_toolkit.cli templates | head -1", shell=True,
                           capture_output=True, text=True, executable="/bin/bash", timeout=120)
    assert shell.returncode == 0 and shell.stdout.strip() and shell.stderr == ""


def test_run_and_demo_pass_pdf_on(monkeypatch, tmp_path, capsys):
    from nps_toolkit import _browser, report

    seen = {}

    def fake_run(name, **kwargs):
        seen["run"] = kwargs["pdf"]
        out = Path(kwargs["output_dir"])
        return report.TemplateRun(out / "x.ipynb", out / "x.html", out / "x.json", out / "x.xlsx", None,
                                  out / "x.pdf" if kwargs["pdf"] else None)

    def fake_batch(jobs, max_workers=1):
        seen["demo"] = {job[3]: job[4] for job in jobs}
        return [(None, "not run") for _ in jobs]

    monkeypatch.setattr(report, "run_template", fake_run)
    monkeypatch.setattr(report, "run_batch", fake_batch)
    assert main(["run", "benchmark_study", "--pdf", "-q", "--output-dir", str(tmp_path)]) == 0
    assert seen["run"] is True and "x.pdf" in capsys.readouterr().out
    monkeypatch.setattr(_browser, "chromium_path", lambda: "/usr/bin/chromium")
    main(["demo", "--output-dir", str(tmp_path)])
    if __import__("importlib").util.find_spec("playwright") is not None:  # one PDF: the benchmark study's
        assert [stem for stem, pdf in seen["demo"].items() if pdf] == ["benchmark_study"]
    main(["demo", "--pdf", "--output-dir", str(tmp_path)])
    monkeypatch.setattr(_browser, "chromium_path", lambda: None)  # no browser: the demo says so and goes on
    capsys.readouterr()
    main(["demo", "--output-dir", str(tmp_path)])
    assert not any(seen["demo"].values()) and "no PDF" in capsys.readouterr().err
    assert main(["demo", "--pdf", "--output-dir", str(tmp_path)]) == 1  # asked for, and not possible
    _one_line_error(capsys, "--pdf", "Chromium")


def test_sigterm_during_a_run_removes_its_temporary_files(tmp_path):
    out = tmp_path / "out"
    process = subprocess.Popen([*COMMAND, "run", "benchmark_study", "-q", "--output-dir", str(out)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while not list(out.glob(".benchmark_study.*.partial/*.ipynb")):  # the kernel is running cells
            assert process.poll() is None and time.monotonic() < deadline, process.communicate()
            time.sleep(0.2)
        time.sleep(1)
        process.send_signal(signal.SIGTERM)
        stdout, stderr = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 143
    assert not [p.name for p in out.iterdir()]  # no .partial folder, no half report
    # the command's line; the kernel, shut down meanwhile, may still log its death after it (a race of the
    # kernel's own threads, not of the command)
    tail = stderr.strip().splitlines()
    last = max(i for i, line in enumerate(tail) if line.startswith("nps-toolkit:"))
    assert tail[last] == "nps-toolkit: stopped by SIGTERM; the temporary files of the run were removed"
    after = tail[last + 1:]
    assert not after or (after[-1].startswith("nbclient.exceptions.DeadKernelError")
                         and not any(line.startswith("nps-toolkit") for line in after)), after
    # the command itself prints one line; what else reaches stderr is the kernel's own log as it is shut down
    # mid-message ("[IPKernelApp] ERROR | Exception in message handler:" and its traceback), and nbclient's
    # line on the kernel's death when it notices it before the command's line (the same race), never ours
    ours, in_kernel_log = [], False
    for line in tail[:last + 1]:
        if line.startswith("[IPKernelApp]"):
            in_kernel_log = True
        elif line.startswith("nps-toolkit:"):
            in_kernel_log = False
        if line.strip() and not in_kernel_log and line != "Kernel died while waiting for execute reply.":
            ours.append(line)
    assert ours == ["nps-toolkit: stopped by SIGTERM; the temporary files of the run were removed"]
