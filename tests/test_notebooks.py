"""The teaching and exploration notebooks in notebooks/: stored clean, and run top to bottom with papermill."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))

#: Small simulation sizes so that every notebook runs in a few seconds.
SMALL = {
    "02_sampling_error": {"repetitions": 200, "coverage_sizes": [10, 30], "coverage_repetitions": 1000,
                          "bootstrap_resamples": 199, "quarter_series": 40},
}


def test_there_are_notebooks():
    assert [p.name for p in NOTEBOOKS] == ["01_nps_basics.ipynb", "02_sampling_error.ipynb",
                                           "03_explore_your_data.ipynb", "04_acting_on_results.ipynb"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_stored_without_outputs_and_with_one_parameters_cell(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.outputs == [] and c.execution_count is None for c in code), "strip the outputs before committing"
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1 and tagged[0].cell_type == "code"
    assert nb.metadata.kernelspec.name == "python3"
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")


def _run(path: Path, tmp_path: Path, **parameters) -> nbformat.NotebookNode:
    papermill = pytest.importorskip("papermill")
    out = tmp_path / path.name
    papermill.execute_notebook(str(path), str(out), parameters={**SMALL.get(path.stem, {}), **parameters},
                               kernel_name="python3", cwd=str(tmp_path), progress_bar=False)
    return nbformat.read(out, as_version=4)


def _tagged(nb, tag: str):
    cells = [c for c in nb.cells if tag in c.metadata.get("tags", [])]
    assert len(cells) == 1, f"expected one cell tagged {tag!r}"
    return cells[0]


def _text(cell) -> str:
    """Everything a cell printed or returned, as plain text (and markdown)."""
    parts = []
    for output in cell.outputs:
        if output.output_type == "stream":
            parts.append(output.text)
        elif output.output_type in ("execute_result", "display_data"):
            parts.append(output.data.get("text/markdown", output.data.get("text/plain", "")))
    return "\n".join(parts)


def _figures(nb) -> int:
    return sum("image/png" in o.get("data", {}) for c in nb.cells if c.cell_type == "code" for o in c.outputs)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_top_to_bottom(path, tmp_path):
    nb = _run(path, tmp_path)
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors
    assert _figures(nb) >= 2
    assert not [p for p in tmp_path.iterdir() if p.name != path.name]  # writes nothing besides its own copy
    check = CHECKS.get(path.stem)
    if check:
        check(nb)


def _check_basics(nb):
    assert _text(_tagged(nb, "worked-example")).splitlines()[-1].strip() == "-10.0"
    assert "promoters 20%, passives 50%, detractors 30%" in _text(_tagged(nb, "worked-example"))
    import nps_toolkit as nt
    ours = nt.load_sample().query("brand == @nt.OUR_BRAND")["score"]
    assert f"**{nt.nps(ours):.1f}**" in _text(_tagged(nb, "our-nps"))


def _coverage_table(nb) -> list[dict]:
    """The coverage table printed by notebook 02, parsed from its plain-text output."""
    cell = _tagged(nb, "coverage-table")
    table = next(o.data["text/plain"] for o in cell.outputs if o.output_type == "execute_result")
    header, *rows = [line.split() for line in table.splitlines() if line.strip()]
    return [dict(zip(header, map(float, row[1:]))) for row in rows]


def _check_sampling_error(nb):
    rows = _coverage_table(nb)
    assert {"wald", "adjusted-wald"} <= set(rows[0])
    loved = {r["n"]: r for r in rows if r["true_nps"] == 65.0}
    assert loved[30]["wald"] < loved[30]["adjusted-wald"]  # Wald falls short at n = 30 ...
    assert 92.0 <= loved[30]["adjusted-wald"] <= 98.0       # ... the adjusted Wald interval holds
    assert loved[10]["wald"] < 92.0
    # two quarters from the same population: about 5% of the changes come out significant at 95%
    summary = _html(_tagged(nb, "quarter-noise"))
    rate = re.search(r"flagged significant \(95%\)</td>\s*<td[^>]*>([\d.]+)%", summary)
    assert rate and 1.0 <= float(rate.group(1)) <= 12.0


def _html(cell) -> str:
    return "\n".join(o.data.get("text/html", "") for o in cell.outputs if o.output_type in ("execute_result",
                                                                                          "display_data"))


def _check_explore(nb):
    assert "Lumina" in _text(_tagged(nb, "brands"))  # the competitor with the highest NPS leads
    assert "2024Q2" in _html(_tagged(nb, "periods"))
    # headless (papermill): no widgets are made, a note says why; the static figures above are the output
    assert "No live notebook front end" in _text(_tagged(nb, "explore"))
    assert "widgets" not in nb.metadata


def _check_actions(nb):
    table = _html(_tagged(nb, "actions"))
    assert "channel: phone" in table and "high" in table
    assert "complaints about" in table  # comment themes with their owners (nt.theme_impact)
    assert "What complaints cost" in _html(_tagged(nb, "themes"))
    assert "Qualtrics" in _text(_tagged(nb, "benchmark"))  # the benchmark's source is cited
    assert "2024Q1" in _text(_tagged(nb, "decomposition")) and "2024Q2" in _text(_tagged(nb, "decomposition"))


CHECKS = {"01_nps_basics": _check_basics, "02_sampling_error": _check_sampling_error,
          "03_explore_your_data": _check_explore, "04_acting_on_results": _check_actions}


def test_explore_runs_on_an_export_without_widgets(tmp_path):
    """Notebook 03 on a survey export (Polish Excel CSV flavour), interactive controls off."""
    import nps_toolkit as nt
    data = nt.load_sample().query("brand == @nt.OUR_BRAND").sample(400, random_state=3)
    export = tmp_path / "export.csv"
    data.rename(columns={"score": "Q1", "date": "answered", "channel": "kanal"}).assign(
        answered=lambda d: d["answered"].dt.strftime("%d.%m.%Y")).drop(columns=["brand"]).to_csv(
        export, sep=";", index=False, encoding="utf-8")
    path = next(p for p in NOTEBOOKS if p.stem == "03_explore_your_data")
    nb = _run(path, tmp_path, data_path=str(export), score_column="Q1", date_column="answered", brand_column=None,
              our_brand=None, segment_column="kanal", freq="YE", interactive=False)
    overview = _text(_tagged(nb, "overview"))
    assert re.search(rf"NPS \*\*{nt.nps(data['score']):.1f}\*\*", overview)
    assert "switched off" in _text(_tagged(nb, "explore"))
    assert "No brand comparison" in _text(_tagged(nb, "brands"))
