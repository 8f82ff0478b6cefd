"""Project set-up: pyproject and environment.yml agree; the version is defined once; the wheel works."""

import re
import tomllib
from pathlib import Path

import yaml

import nps_toolkit

ROOT = Path(__file__).resolve().parents[1]


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~ \[]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def test_environment_lists_the_same_dependencies():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = {_name(r) for r in project["dependencies"]}
    for extra in ("dev", "lab", "scale", "spark", "docs"):
        wanted |= {_name(r) for r in project["optional-dependencies"][extra]}
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = {_name(d) for d in env["dependencies"] if isinstance(d, str)} - {"python", "pip"}
    assert conda == wanted
    pip_part = [d for d in env["dependencies"] if isinstance(d, dict)][0]["pip"]
    assert any(line.endswith(" .") or line == "." for line in pip_part), "environment.yml must install the package"


def test_version_defined_once():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert "version" not in project and "version" in project["dynamic"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", nps_toolkit.__version__)


def test_ci_runs_make_test_and_builds_the_docs():
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in ci and "make docs" in ci


def test_wheel_ships_templates_and_works_outside_the_repository(tmp_path):
    import subprocess
    import sys
    import zipfile

    subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(tmp_path / "wheel")], check=True, capture_output=True)
    wheel = next((tmp_path / "wheel").glob("nps_toolkit-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for template in ("benchmark_study", "competitor_comparison", "period_comparison"):
        assert f"nps_toolkit/templates/{template}.ipynb" in names
        assert f"nps_toolkit/schemas/{template}.schema.json" in names
    assert {"nps_toolkit/data/sample_survey.csv", "nps_toolkit/data/industry_benchmarks.csv"} <= names
    assert {f"nps_toolkit/engines/{m}.py" for m in ("__init__", "duckdb", "polars", "spark")} <= names

    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    code = ("import nps_toolkit, sys; assert 'matplotlib' not in sys.modules; "  # the import is lazy
            "from nps_toolkit import *; "  # and every public name's module is in the wheel
            "from nps_toolkit.cli import main; print(nps_toolkit.__file__); sys.exit(main(['templates']))")
    done = subprocess.run([sys.executable, "-c", code], cwd=elsewhere, capture_output=True, text=True,
                          env={"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    first, *rest = done.stdout.splitlines()
    assert first.startswith(str(site))  # the installed copy, not the repository
    assert "benchmark_study" in rest and any("our_brand" in line for line in rest)
