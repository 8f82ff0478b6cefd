"""Tests of nps_toolkit.reading: read_responses on platform exports, column finding, refusals of bad files.

Expected numbers for the platform fixtures come from tests/data/exports/truth.json, written by
tests/data/make_exports.py without the toolkit. Here they are compared with plain counts of the
columns read_responses returns (no nps_toolkit function computes them). Other expectations are
hand-written literals worked out from the small files each test writes.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import random
import re
import shutil
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nps_toolkit.dates import AmbiguousDatesError
from nps_toolkit.reading import describe_reading, date_candidates, inspect_file, read_responses

EXPORTS = Path(__file__).parent / "data" / "exports"
TRUTH = json.loads((EXPORTS / "truth.json").read_text(encoding="utf-8"))["files"]
READABLE = sorted(name for name, entry in TRUTH.items() if not entry.get("refused"))
REFUSED = sorted(name for name, entry in TRUTH.items() if entry.get("refused"))


# ---------------------------------------------------------------------------
# helpers: counting by hand
# ---------------------------------------------------------------------------

def plain_scores(series: pd.Series) -> list:
    """Scores as Python ints, missing as None."""
    return [None if pd.isna(v) else int(v) for v in series]


def count(scores) -> dict:
    """n, promoters, passives, detractors, missing and NPS of a list of ints/None, by plain loops."""
    present = [s for s in scores if s is not None]
    promoters = sum(1 for s in present if s >= 9)
    passives = sum(1 for s in present if s in (7, 8))
    detractors = sum(1 for s in present if s <= 6)
    n = len(present)
    return {"n": n, "promoters": promoters, "passives": passives, "detractors": detractors,
            "n_missing": len(scores) - n, "nps": 100.0 * (promoters - detractors) / n if n else float("nan")}


def count_by(scores, keys) -> dict:
    """{key: {n, nps}} over the rows with a score."""
    groups: dict = {}
    for s, k in zip(scores, keys):
        if s is not None:
            groups.setdefault(k, []).append(s)
    return {k: {"n": count(v)["n"], "nps": count(v)["nps"]} for k, v in groups.items()}


def assert_same_groups(got: dict, want: dict):
    assert sorted(got) == sorted(want)
    for key, entry in want.items():
        assert got[key]["n"] == entry["n"], key
        assert got[key]["nps"] == pytest.approx(entry["nps"], abs=1e-9), key


def refused(path, *phrases, **kwargs) -> str:
    """read_responses(path) raises a ValueError (not a decoding/parser error) naming the file and the phrases."""
    with pytest.raises(ValueError) as info:
        read_responses(path, **kwargs)
    exc = info.value
    assert not isinstance(exc, (UnicodeDecodeError, pd.errors.ParserError)), repr(exc)
    message = str(exc)
    assert Path(path).name in message, message
    for phrase in phrases:
        assert phrase.lower() in message.lower(), (phrase, message)
    return message


def write_rows(path: Path, rows, *, bom=False, delimiter=",", newline="\r\n") -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator=newline).writerows(rows)
    path.write_text(("\ufeff" if bom else "") + buffer.getvalue(), encoding="utf-8", newline="")
    return path


def qualtrics_rows(name="qualtrics.csv") -> list[list[str]]:
    return list(csv.reader(io.StringIO((EXPORTS / name).read_bytes().decode("utf-8-sig"))))


# ---------------------------------------------------------------------------
# 1. every platform fixture, nothing but the path
# ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def read_all():
    return {name: read_responses(EXPORTS / name) for name in READABLE}


@pytest.mark.parametrize("name", READABLE)
def test_fixture_columns_found(read_all, name):
    truth, data = TRUTH[name], read_all[name]
    info = data.attrs["nps_toolkit"]
    assert info["file"] == name
    assert info["layout"] == truth["layout"]
    assert info["score"] == truth["score_column"]
    assert info["date"] == truth["date_column"]
    assert info["score_found"] is True and info["date_found"] is True
    assert data[truth["score_column"]].dtype == "Int64"
    assert pd.api.types.is_datetime64_any_dtype(data[truth["date_column"]].dtype)
    if truth.get("score_label"):
        assert info["score_label"] == truth["score_label"]


@pytest.mark.parametrize("name", READABLE)
def test_fixture_counts(read_all, name):
    truth, data = TRUTH[name], read_all[name]
    info = data.attrs["nps_toolkit"]
    got = count(plain_scores(data[truth["score_column"]]))
    for key in ("n", "promoters", "passives", "detractors", "n_missing"):
        assert got[key] == truth[key], key
    assert got["nps"] == pytest.approx(truth["nps"], abs=1e-9)
    assert info["rows"] == truth["rows"]
    assert info["excluded"] == truth["excluded"]
    assert info["excluded_kept"] is False
    assert len(data) == info["n_rows"] == truth["kept"] == truth["rows"] - sum(truth["excluded"].values())


@pytest.mark.parametrize("name", READABLE)
def test_fixture_segments(read_all, name):
    truth, data = TRUTH[name], read_all[name]
    values = data[truth["segment_column"]]
    if "segment_codes" in truth:  # Qualtrics numeric export: choice codes, named in the truth file
        codes = truth["segment_codes"]
        values = values.map(lambda v: codes[str(int(v))])
    assert sorted(set(values.dropna())) == truth["segment_values"]  # SPSS/Stata: the value labels
    scores = plain_scores(data[truth["score_column"]])
    assert_same_groups(count_by(scores, list(values)), truth["by_segment"])


@pytest.mark.parametrize("name", READABLE)
def test_fixture_months(read_all, name):
    truth, data = TRUTH[name], read_all[name]
    months = data[truth["date_column"]].dt.strftime("%Y-%m")
    assert months.notna().all()
    scores = plain_scores(data[truth["score_column"]])
    assert_same_groups(count_by(scores, list(months)), truth["by_month"])


@pytest.mark.parametrize("name, zone", [("qualtrics.csv", "America/Denver"), ("qualtrics.tsv", "America/Denver"),
                                        ("qualtrics_text.csv", "America/Denver"), ("typeform.csv", "UTC"),
                                        ("surveymonkey.csv", None), ("spss.sav", None)])
def test_fixture_time_zones(read_all, name, zone):
    assert read_all[name].attrs["nps_toolkit"]["timezone"] == zone


@pytest.mark.parametrize("name", REFUSED)
def test_spss_eleven_point_codes_refused(name):
    message = refused(EXPORTS / name, "1-11", "value labels", "recode", "answer = code - 1")
    assert repr(TRUTH[name]["score_column"]) in message


# ---------------------------------------------------------------------------
# 2. excluded="keep"
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["qualtrics.csv", "qualtrics.tsv", "qualtrics_text.csv", "qualtrics_legacy.csv",
                                  "typeform.csv"])
def test_excluded_keep(name):
    truth = TRUTH[name]
    data = read_responses(EXPORTS / name, excluded="keep")
    info = data.attrs["nps_toolkit"]
    assert len(data) == info["n_rows"] == truth["rows"]
    assert info["excluded"] == truth["excluded"] and info["excluded"]
    assert info["excluded_kept"] is True
    dropped = read_responses(EXPORTS / name)
    assert len(dropped) == truth["rows"] - sum(truth["excluded"].values())
    if name == "typeform.csv":  # partial responses have no submit date
        assert data[truth["date_column"]].isna().sum() == truth["excluded"]["partial"]
        assert count(plain_scores(data[truth["score_column"]]))["n"] == truth["n"] + truth["partial_with_score"]


def test_excluded_must_be_drop_or_keep():
    with pytest.raises(ValueError, match="excluded"):
        read_responses(EXPORTS / "qualtrics.csv", excluded="all")


# ---------------------------------------------------------------------------
# 3. forcing the layout
# ---------------------------------------------------------------------------

def test_forced_plain_layout_reads_qualtrics_header_rows_as_data():
    # read as a plain table, the question-text row and the ImportId row are data rows of Q2
    with pytest.raises(ValueError) as info:
        read_responses(EXPORTS / "qualtrics.csv", layout="csv", score="Q2")
    message = str(info.value)
    assert "'Q2'" in message
    assert "How likely are you to recommend Aurora" in message
    assert "position 0" in message
    # recognised (or named) as Qualtrics, the same file reads
    forced = read_responses(EXPORTS / "qualtrics.csv", layout="qualtrics")
    assert forced.attrs["nps_toolkit"]["layout"] == "qualtrics"
    assert count(plain_scores(forced["Q2"]))["n"] == TRUTH["qualtrics.csv"]["n"]


def test_forced_plain_excel_layout_reads_surveymonkey_second_header_row_as_data():
    with pytest.raises(ValueError, match="surveymonkey.xlsx"):
        read_responses(EXPORTS / "surveymonkey.xlsx", layout="excel")


def test_unknown_layout_lists_allowed():
    with pytest.raises(ValueError) as info:
        read_responses(EXPORTS / "qualtrics.csv", layout="limesurvey")
    message = str(info.value)
    assert "limesurvey" in message and "allowed" in message
    for name in ("qualtrics", "surveymonkey", "google-forms", "typeform", "csv", "excel"):
        assert repr(name) in message


# ---------------------------------------------------------------------------
# 4. Qualtrics NPS group against the score
# ---------------------------------------------------------------------------

def _with_wrong_group(tmp_path, name, *, after_excluded=False):
    """A copy of a Qualtrics export with one kept row's Q2_NPS_GROUP contradicting its score of 10."""
    rows = qualtrics_rows(name)
    header = rows[0]
    status, score, group = header.index("Status"), header.index("Q2"), header.index("Q2_NPS_GROUP")
    kept = {"0", "IP Address"}
    first_excluded = next(i for i in range(3, len(rows)) if rows[i][status] not in kept)
    start = first_excluded + 1 if after_excluded else 3
    row = next(i for i in range(start, len(rows)) if rows[i][status] in kept and rows[i][score] == "10")
    assert after_excluded or row < first_excluded  # no excluded row before it: its position is the same either way
    rows[row][group] = "1" if rows[row][group] == "3" else "Detractor"
    path = write_rows(tmp_path / name, rows, bom=True)
    return path, row - 3  # position among the file's responses


@pytest.mark.parametrize("name, shown", [("qualtrics.csv", r"1(\.0)?"), ("qualtrics_text.csv", "'Detractor'")])
def test_qualtrics_group_disagreeing_with_score_refused(tmp_path, name, shown):
    path, position = _with_wrong_group(tmp_path, name)
    message = refused(path, "Q2_NPS_GROUP", "'Q2'", "disagrees")
    assert re.search(rf"score 10 with group {shown} \(position {position}\)", message), message


@pytest.mark.parametrize("name, shown", [("qualtrics.csv", r"1(\.0)?"), ("qualtrics_text.csv", "'Detractor'")])
@pytest.mark.parametrize("excluded", ["drop", "keep"])
def test_qualtrics_group_error_names_file_position_after_excluded_rows(tmp_path, name, shown, excluded):
    # the wrong row comes after excluded rows: dropping them must not shift the position the message names
    path, position = _with_wrong_group(tmp_path, name, after_excluded=True)
    message = refused(path, "Q2_NPS_GROUP", "'Q2'", "disagrees", excluded=excluded)
    assert re.search(rf"score 10 with group {shown} \(position {position}\)", message), message


@pytest.mark.parametrize("name", ["qualtrics.csv", "qualtrics_text.csv"])
@pytest.mark.parametrize("excluded", ["drop", "keep"])
def test_qualtrics_bad_score_names_file_position(tmp_path, name, excluded):
    rows = qualtrics_rows(name)
    header = rows[0]
    status, score = header.index("Status"), header.index("Q2")
    kept = {"0", "IP Address"}
    first_excluded = next(i for i in range(3, len(rows)) if rows[i][status] not in kept)
    row = next(i for i in range(first_excluded + 1, len(rows)) if rows[i][status] in kept and rows[i][score])
    rows[row][score] = "great"
    path = write_rows(tmp_path / name, rows, bom=True)
    message = refused(path, "'Q2'", "'great'", excluded=excluded)  # no score=: the platform's NPS question
    assert message.startswith(f"{name!r}: column 'Q2': ")
    assert f"'great' (position {row - 3})" in message, message


# ---------------------------------------------------------------------------
# 5. dates: the order of day and month from the values, or the platform's documented format
# ---------------------------------------------------------------------------

def test_all_ambiguous_us_dates_refused(tmp_path):
    path = tmp_path / "us.csv"
    path.write_text("date,score\n03/01/2024,9\n04/02/2024,7\n")
    with pytest.raises(AmbiguousDatesError) as info:
        read_responses(path)
    message = str(info.value)
    assert info.value.column == "date"
    assert message.startswith("'us.csv': column 'date': ")
    assert "'03/01/2024' (position 0)" in message
    assert "dayfirst=True" in message and "dayfirst=False" in message


def test_all_ambiguous_dates_read_as_told(tmp_path):
    path = tmp_path / "us.csv"
    path.write_text("date,score\n03/01/2024,9\n04/02/2024,7\n")
    month_first = read_responses(path, dayfirst=False)
    assert month_first["date"].dt.strftime("%Y-%m-%d").tolist() == ["2024-03-01", "2024-04-02"]
    assert month_first.attrs["nps_toolkit"]["date_order"] == "month first"
    day_first = read_responses(path, dayfirst=True)
    assert day_first["date"].dt.strftime("%Y-%m-%d").tolist() == ["2024-01-03", "2024-02-04"]
    assert day_first.attrs["nps_toolkit"]["date_order"] == "day first"


def test_us_dates_with_one_day_over_12_read_month_first(tmp_path):
    # the old defect: 03/01/2024 silently became 3 January although 03/15/2024 shows the column is month first
    path = tmp_path / "us.csv"
    path.write_text("date,score\n03/01/2024,9\n03/15/2024,7\n04/02/2024,10\n")
    data = read_responses(path)
    assert data["date"].dt.strftime("%Y-%m-%d").tolist() == ["2024-03-01", "2024-03-15", "2024-04-02"]
    assert data["date"].iloc[0].month == 3 and data["date"].iloc[0].day == 1
    assert data.attrs["nps_toolkit"]["date_order"] == "month first"


def test_european_dates_with_one_day_over_12_read_day_first(tmp_path):
    path = tmp_path / "eu.csv"
    path.write_text("date,score\n03/01/2024,9\n15/03/2024,7\n04/02/2024,10\n")
    data = read_responses(path)
    assert data["date"].dt.strftime("%Y-%m-%d").tolist() == ["2024-01-03", "2024-03-15", "2024-02-04"]
    assert data.attrs["nps_toolkit"]["date_order"] == "day first"


def _surveymonkey(tmp_path, dates) -> Path:
    question = "How likely is it that you would recommend Aurora to a friend or colleague?"
    rows = [["Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address", question],
            ["", "", "", "", "", "Response"]]
    for i, (start, end) in enumerate(dates):
        rows.append([str(114300000000 + i), "431205521", start, end, f"192.0.2.{i + 1}", str([9, 6, 10][i % 3])])
    return write_rows(tmp_path / "surveymonkey.csv", rows)


def test_surveymonkey_ambiguous_dates_read_by_its_export_format(tmp_path):
    path = _surveymonkey(tmp_path, [("03/01/2024 09:00:00 AM", "03/01/2024 09:05:00 AM"),
                                    ("04/02/2024 01:00:00 PM", "04/02/2024 01:10:00 PM"),
                                    ("05/03/2024 11:00:00 PM", "05/03/2024 11:30:00 PM")])
    data = read_responses(path)
    info = data.attrs["nps_toolkit"]
    assert info["layout"] == "surveymonkey" and info["date"] == "End Date"
    assert data["End Date"].dt.strftime("%Y-%m-%d %H:%M").tolist() == ["2024-03-01 09:05", "2024-04-02 13:10",
                                                                       "2024-05-03 23:30"]
    assert data["Start Date"].dt.strftime("%Y-%m-%d %H:%M").tolist() == ["2024-03-01 09:00", "2024-04-02 13:00",
                                                                         "2024-05-03 23:00"]
    assert info["date_order"] == "month first" and info["date_order_from"] == "layout"
    assert "(month first, the export format of SurveyMonkey)" in describe_reading(info)
    assert plain_scores(data[info["score"]]) == [9, 6, 10]


def test_google_forms_ambiguous_timestamps_refused(tmp_path):
    # Google Forms writes the sheet's locale: no documented order to fall back on
    path = write_rows(tmp_path / "google_forms.csv", [
        ["Timestamp", "How likely are you to recommend Aurora to a friend or colleague?"],
        ["3/1/2024 9:00:00", "9"], ["4/2/2024 13:00:00", "6"]])
    with pytest.raises(AmbiguousDatesError) as info:
        read_responses(path)
    message = str(info.value)
    assert message.startswith("'google_forms.csv': column 'Timestamp': ")
    assert "dayfirst=" in message
    data = read_responses(path, dayfirst=False)
    assert data.attrs["nps_toolkit"]["layout"] == "google-forms"
    assert data["Timestamp"].dt.strftime("%Y-%m-%d").tolist() == ["2024-03-01", "2024-04-02"]


# ---------------------------------------------------------------------------
# 6. finding the columns
# ---------------------------------------------------------------------------

def test_two_recommend_questions_refused(tmp_path):
    path = tmp_path / "two.csv"
    path.write_text("How likely are you to recommend our store?,Would you recommend our app?,age\n9,10,30\n7,3,41\n")
    message = refused(path, "several columns", "score=")
    assert "'How likely are you to recommend our store?'" in message
    assert "'Would you recommend our app?'" in message


def test_no_score_column_lists_numeric_columns(tmp_path):
    path = tmp_path / "none.csv"
    path.write_text("q1,q2,comment\n9,10,fine\n7,3,slow\n")
    message = refused(path, "no column asks about recommending", "score=")
    assert "'q1', 'q2'" in message
    assert "'comment'" not in message


def test_score_column_with_bad_value_refused(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("id,score\n1,9\n2,great\n3,10\n")
    message = refused(path, "'great'")
    assert message.startswith("'x.csv': column 'score': ")
    assert "'great' (position 1)" in message


def test_score_column_with_only_blanks_refused(tmp_path):
    path = tmp_path / "blank.csv"
    path.write_text("id,score,age\n1,,30\n2,,41\n")
    message = refused(path, "'score'", "holds no answers")
    assert message.startswith("'blank.csv': ")


def test_date_false_parses_no_date(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("date,score\n2024-01-01,9\n2024-02-01,7\n")
    data = read_responses(path, date=False)
    assert data.attrs["nps_toolkit"]["date"] is None
    assert not pd.api.types.is_datetime64_any_dtype(data["date"].dtype)
    assert data["date"].tolist() == ["2024-01-01", "2024-02-01"]
    assert read_responses(path).attrs["nps_toolkit"]["date"] == "date"  # found without date=False


def test_two_date_columns_none_chosen(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("start,end,score\n2024-01-01,2024-01-02,9\n2024-02-01,2024-02-03,7\n")
    data = read_responses(path)
    info = data.attrs["nps_toolkit"]
    assert info["date"] is None and info["date_found"] is False
    assert info["date_candidates"] == ["start", "end"]
    assert date_candidates(data) == ["start", "end"]  # left as text, still read as dates
    chosen = read_responses(path, date="end")
    assert chosen.attrs["nps_toolkit"]["date"] == "end"
    assert chosen["end"].dt.strftime("%Y-%m-%d").tolist() == ["2024-01-02", "2024-02-03"]


def test_layout_that_does_not_fit_the_file_type_refused(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("score\n9\n")
    refused(path, "layout='spss'", layout="spss")
    sav = shutil.copyfile(EXPORTS / "spss.sav", tmp_path / "export.sav")
    refused(sav, "layout='qualtrics'", layout="qualtrics")


# ---------------------------------------------------------------------------
# 7. bad files: a ValueError naming the file and what is wrong
# ---------------------------------------------------------------------------

def named_first(message: str, name: str) -> bool:
    """The message starts by naming the file ("'x.csv': ..." or "cannot read 'x.csv': ...")."""
    return re.match(rf"(cannot read )?{re.escape(repr(name))}[: ]", message) is not None


def _zip_not_workbook() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "not a workbook")
    return buffer.getvalue()


MOJIBAKE = "Привет, всё хорошо".encode("utf-8").decode("cp1251")  # "РџСЂРёРІРµС‚, ..."

BAD_FILES = {  # name: (bytes, phrases of the refusal)
    "empty.csv": (b"", ("empty",)),
    "whitespace.csv": (b"  \r\n\t\n   \n", ("empty",)),
    "binary.csv": (bytes(range(256)) * 10, ("binary",)),
    "archive.xlsx": (_zip_not_workbook(), ("not a readable Excel workbook",)),
    "text.xlsx": (b"score\n9\n7\n", ("not an Excel workbook",)),
    "mixed.csv": (b"id;score;comment\n1;9;ok\n2,7,fine\n3;10;great\n4,3,bad\n5;8;so so\n",
                  ("line 3 has 1, line 5 has 1", "';'", "another delimiter")),
    "duplicate.csv": (b"id,score,id\n1,9,2\n3,7,4\n", ("column 'id' appears twice",)),
    "cut_quote.csv": (b'id,score,comment\n1,9,"fine"\n2,7,"the parcel came la', ("line 3", "cut short")),
    "cut_character.csv": ("id,score,comment\n1,9,ok\n2,7,caf".encode() + "é".encode()[:1], ("truncated",)),
    "mojibake.csv": (("id,score,comment\n" + "".join(f'{i},9,"{MOJIBAKE}"\n' for i in range(5))).encode("utf-8"),
                     ("garbled", "cp1251")),
    "damaged.sav": (bytes(random.Random(7).randrange(256) for _ in range(2000)), ("not a readable SPSS file",)),
    "damaged.parquet": (bytes(random.Random(8).randrange(256) for _ in range(2000)),
                        ("not a readable Parquet file",)),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_file_refused(tmp_path, name):
    raw, phrases = BAD_FILES[name]
    path = tmp_path / name
    path.write_bytes(raw)
    message = refused(path, *phrases)
    assert named_first(message, name), message
    assert not re.search(r"UnicodeDecodeError|ParserError|KeyError|_csv\.Error", message), message


def test_mixed_delimiters_names_only_the_odd_lines(tmp_path):
    path = tmp_path / "mixed.csv"
    path.write_bytes(BAD_FILES["mixed.csv"][0])
    message = refused(path)
    assert "line 2" not in message and "line 4" not in message and "line 6" not in message


def test_workbook_named_csv_refused(tmp_path):
    path = shutil.copyfile(EXPORTS / "surveymonkey.xlsx", tmp_path / "export.csv")
    message = refused(path, "zip archive", ".xlsx")
    assert named_first(message, "export.csv")


def test_old_mac_line_endings_read(tmp_path):
    path = tmp_path / "mac.csv"
    path.write_bytes(b'id,score,comment\r1,9,ok\r2,7,"fine, thanks"\r3,10,great\r')
    data = read_responses(path)
    assert data["id"].tolist() == [1, 2, 3]
    assert plain_scores(data["score"]) == [9, 7, 10]
    assert data["comment"].tolist() == ["ok", "fine, thanks", "great"]


def test_one_column_with_decimal_commas_read(tmp_path):
    path = tmp_path / "one.csv"
    path.write_text("score\n9,0\n7,0\n10,0\n")
    data = read_responses(path)
    assert list(data.columns) == ["score"]
    scores = plain_scores(data["score"])
    assert scores == [9, 7, 10]
    assert f"{count(scores)['nps']:+.1f}" == "+66.7"


def test_one_column_blank_lines_are_missing_answers(tmp_path):
    path = tmp_path / "one.csv"
    path.write_bytes(b"score\r\n9\r\n\r\n7\r\n\r\n10\r\n")
    data = read_responses(path)
    assert data["score"].tolist() == [9, pd.NA, 7, pd.NA, 10]
    assert plain_scores(data["score"]) == [9, None, 7, None, 10]


LATIN = "id,score,comment\n1,9,Müller\n2,7,café\n3,10,niño\n"


def test_cp1252_refused_then_read_with_encoding(tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes(LATIN.encode("cp1252"))
    message = refused(path, "not UTF-8", "encoding=")
    assert named_first(message, "latin.csv")
    data = read_responses(path, encoding="cp1252")
    assert data["comment"].tolist() == ["Müller", "café", "niño"]
    assert data.attrs["nps_toolkit"]["encoding"] == "cp1252"


def test_polish_cp1250_read_without_encoding(tmp_path):
    comments = ["Bardzo dobra obsługa, świetnie", "Można lepiej, żółw", "Łódź też, ślimak"]
    text = "id;score;komentarz\n" + "".join(f"{i};{s};{c}\n" for i, s, c in zip((1, 2, 3), (9, 7, 10), comments))
    path = tmp_path / "polish.csv"
    path.write_bytes(text.encode("cp1250"))
    data = read_responses(path)
    assert data["komentarz"].tolist() == comments
    assert plain_scores(data["score"]) == [9, 7, 10]
    assert data.attrs["nps_toolkit"]["encoding"] == "cp1250"


def _rezipped(path: Path, member: str, change) -> Path:
    """surveymonkey.xlsx with one member's content changed (the zip itself intact)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(EXPORTS / "surveymonkey.xlsx") as source, \
            zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            data = source.read(entry)
            target.writestr(entry.filename, change(data) if entry.filename == member else data)
    path.write_bytes(buffer.getvalue())
    return path


def _damaged_deflate(path: Path, member: str) -> Path:
    """surveymonkey.xlsx with the first bytes of one member's compressed data overwritten (a damaged download)."""
    raw = bytearray((EXPORTS / "surveymonkey.xlsx").read_bytes())
    with zipfile.ZipFile(EXPORTS / "surveymonkey.xlsx") as archive:
        entry = archive.getinfo(member)
    name_length, extra_length = int.from_bytes(raw[entry.header_offset + 26:entry.header_offset + 28], "little"), \
        int.from_bytes(raw[entry.header_offset + 28:entry.header_offset + 30], "little")
    start = entry.header_offset + 30 + name_length + extra_length
    raw[start:start + 8] = b"\xff" * 8
    path.write_bytes(bytes(raw))
    return path


@pytest.mark.parametrize("damage", ["sheet cut short", "compressed data damaged"])
def test_damaged_workbook_refused(tmp_path, damage):
    path = tmp_path / "damaged.xlsx"
    if damage == "sheet cut short":
        _rezipped(path, "xl/worksheets/sheet1.xml", lambda data: data[:len(data) // 2])
    else:
        _damaged_deflate(path, "xl/workbook.xml")
    message = refused(path)
    assert named_first(message, "damaged.xlsx"), message


def _content_errors(tmp_path):
    """(file name, message) of read_responses' refusals of files' contents: scores, dates, columns, ids."""
    cases = {
        "score.csv": ("id,score\n1,9\n2,11\n", {}),
        "date.csv": ("date,score\nsoon,9\n2024-01-01,7\n", {"date": "date"}),
        "ambiguous.csv": ("date,score\n03/01/2024,9\n04/02/2024,7\n", {}),
        "several.csv": ("recommend us?,recommend them?\n9,10\n", {}),
        "none.csv": ("q1,q2\n9,10\n", {}),
        "blank.csv": ("id,score\n1,\n", {}),
        "noid.csv": ("who,score\nx,9\n", {"dedupe": "latest"}),
        "duplicate.csv": ("score,score\n9,10\n", {}),
    }
    out = []
    for name, (text, kwargs) in cases.items():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        out.append((name, refused(path, **kwargs)))
    path, _ = _with_wrong_group(tmp_path, "qualtrics.csv")
    out.append((path.name, refused(path)))
    return out


def test_every_content_error_starts_with_the_file(tmp_path):
    messages = dict(_content_errors(tmp_path))
    for name, message in messages.items():
        assert named_first(message, name), message
    assert messages["score.csv"].startswith("'score.csv': column 'score': ")
    assert messages["date.csv"].startswith("'date.csv': column 'date': ")
    assert messages["ambiguous.csv"].startswith("'ambiguous.csv': column 'date': ")


# ---------------------------------------------------------------------------
# 8. dedupe="latest": each respondent's last response
# ---------------------------------------------------------------------------

REPEATS = [  # not in date order: a answered three times, b twice; two rows have no id
    ["respondent_id", "date", "score"],
    ["a", "2024-03-05", "3"],
    ["b", "2024-01-10", "9"],
    ["a", "2024-01-02", "10"],
    ["", "2024-02-01", "7"],
    ["c", "2024-02-02", "8"],
    ["a", "2024-02-20", "6"],
    ["b", "2024-01-05", "2"],
    ["", "2024-02-01", "5"],
]


def test_dedupe_latest_keeps_each_respondents_last_response(tmp_path):
    path = write_rows(tmp_path / "repeats.csv", REPEATS)
    data = read_responses(path, dedupe="latest")
    info = data.attrs["nps_toolkit"]
    got = [(None if pd.isna(i) else i, d, s) for i, d, s in
           zip(data["respondent_id"], data["date"].dt.strftime("%Y-%m-%d"), plain_scores(data["score"]))]
    assert got == [("a", "2024-03-05", 3), ("b", "2024-01-10", 9), (None, "2024-02-01", 7), ("c", "2024-02-02", 8),
                   (None, "2024-02-01", 5)]
    assert info["duplicates"] == 3 and info["id_column"] == "respondent_id"
    assert info["rows"] == 8 and info["n_rows"] == len(data) == 5
    assert read_responses(path).attrs["nps_toolkit"]["duplicates"] == 0
    assert len(read_responses(path)) == 8


def test_dedupe_latest_without_dates_keeps_the_last_in_the_file(tmp_path):
    path = write_rows(tmp_path / "repeats.csv", [[r[0], r[2]] for r in REPEATS])
    data = read_responses(path, dedupe="latest")
    assert data["respondent_id"].fillna("").tolist() == ["", "c", "a", "b", ""]
    assert plain_scores(data["score"]) == [7, 8, 6, 2, 5]
    assert data.attrs["nps_toolkit"]["duplicates"] == 3


def test_dedupe_latest_by_named_id_column(tmp_path):
    path = write_rows(tmp_path / "repeats.csv", [["customer", "date", "score"], ["x", "2024-01-02", "2"],
                                                 ["x", "2024-01-01", "1"], ["y", "2024-01-01", "3"]])
    data = read_responses(path, dedupe="latest", id_column="customer")
    assert data["customer"].tolist() == ["x", "y"]
    assert plain_scores(data["score"]) == [2, 3]
    assert data.attrs["nps_toolkit"]["duplicates"] == 1 and data.attrs["nps_toolkit"]["id_column"] == "customer"
    refused(path, "no respondent id column", "id_column=", dedupe="latest")


# ---------------------------------------------------------------------------
# 9. fuzzing: anything read, or refused with a ValueError naming the file
# ---------------------------------------------------------------------------

def _read_or_refused(path: Path):
    """(data, None) from read_responses(path), or (None, error) for an allowed error (a ValueError naming the file)."""
    try:
        return read_responses(path), None
    except ValueError as exc:
        assert not isinstance(exc, (UnicodeDecodeError, pd.errors.ParserError)), repr(exc)
        assert path.name in str(exc), repr(exc)
        return None, exc
    except (TypeError, KeyError) as exc:
        return None, exc


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.one_of(st.binary(max_size=400), st.text(max_size=200).map(str.encode),
                     st.text(st.sampled_from(list("0123456789,;\t|\"\n\r abé\u0436")), max_size=200).map(str.encode)),
       suffix=st.sampled_from([".csv", ".tsv", ".txt", ".xlsx", ".sav", ".parquet"]))
def test_fuzz_random_bytes(tmp_path, raw, suffix):
    path = tmp_path / f"fuzz{suffix}"
    path.write_bytes(raw)
    data, error = _read_or_refused(path)
    assert isinstance(data, pd.DataFrame) or error is not None


PLAIN = list(",;\t|\"' \n-.:/ab0123456789éжł€")  # no lone CR (a line end) and no control characters
_cells = st.one_of(st.just(""), st.integers(0, 10).map(str), st.text(st.sampled_from(PLAIN), max_size=12),
                   st.text(st.characters(blacklist_categories=("Cs",)), max_size=8))


@st.composite
def _tables(draw):
    """(header, rows, scores): a score column named 'score' among 0-3 text columns."""
    width = draw(st.integers(0, 3))
    scores = draw(st.lists(st.one_of(st.none(), st.integers(0, 10)), min_size=1, max_size=6))
    at = draw(st.integers(0, width))
    header = [f"c{i}" for i in range(width)]
    header.insert(at, "score")
    rows = []
    for s in scores:
        row = draw(st.lists(_cells, min_size=width, max_size=width))
        row.insert(at, "" if s is None else str(s))
        rows.append(row)
    return header, rows, scores


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(table=_tables(), delimiter=st.sampled_from([",", ";"]), newline=st.sampled_from(["\r\n", "\n"]))
def test_fuzz_random_tables(tmp_path, table, delimiter, newline):
    header, rows, scores = table
    path = write_rows(tmp_path / "fuzz.csv", [header] + rows, delimiter=delimiter, newline=newline)
    data, error = _read_or_refused(path)
    if data is not None:
        assert plain_scores(data["score"]) == scores
    elif all(set(cell) <= set(PLAIN) for row in rows for cell in row):
        # a well-formed table of plain text is never refused as a bad file (a score of blanks only may be)
        assert isinstance(error, ValueError) and not str(error).startswith("cannot read"), repr(error)


# ---------------------------------------------------------------------------
# 10. inspect_file
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["qualtrics.csv", "spss.sav"])
def test_inspect_file(name):
    truth = TRUTH[name]
    found = inspect_file(EXPORTS / name)
    info = found["info"]
    assert info["layout"] == truth["layout"] and info["score"] == truth["score_column"]
    assert info["date"] == truth["date_column"]
    assert found["rows"] == truth["kept"]
    assert truth["segment_column"] in found["segment_candidates"]
    assert truth["score_column"] not in found["segment_candidates"]
    assert truth["date_column"] in found["date_candidates"]
    assert set(found["commands"]) == {"benchmark_study", "period_comparison"}
    for command in found["commands"].values():
        assert command.startswith("nps-toolkit run ")
        assert str(EXPORTS / name) in command


def test_inspect_file_names_score_column_when_given(tmp_path):
    path = tmp_path / "plain.csv"
    path.write_text("q1,q2\n9,10\n7,3\n")
    found = inspect_file(path, score="q2")
    assert "-p score_column q2" in found["commands"]["benchmark_study"]


# ---------------------------------------------------------------------------
# 11. the input is never modified
# ---------------------------------------------------------------------------

def test_fixtures_not_modified():
    names = sorted(p.name for p in EXPORTS.iterdir() if p.is_file())
    before = {n: hashlib.sha256((EXPORTS / n).read_bytes()).hexdigest() for n in names}
    for name in sorted(TRUTH):
        try:
            inspect_file(EXPORTS / name, excluded="keep")  # reads it with read_responses
        except ValueError:
            assert name in REFUSED
    after = {n: hashlib.sha256((EXPORTS / n).read_bytes()).hexdigest() for n in names}
    assert after == before


@pytest.mark.parametrize(("count", "words"), [(1, "1 test response, 1 earlier answer of a repeat respondent"),
                                              (2, "2 test responses, 2 earlier answers of repeat respondents")])
def test_methods_note_counts_take_the_singular_for_one(count, words):
    info = {"file": "x.csv", "layout": "csv", "score": "score", "excluded": {"test": count}, "duplicates": count}
    assert describe_reading(info).endswith(f"Rows left out before the analysis: {words}.")
    assert describe_reading(info, "ru").endswith(f"тестовые ответы: {count}, ранние ответы повторных "
                                                 f"респондентов: {count}.")
