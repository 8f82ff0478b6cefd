"""Tests of nps_toolkit.io: clean_scores and read_responses.

Expected values are hand-written literals worked out from the rows in
tests/data/make_io_files.py, never computed by the toolkit itself.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nps_toolkit.dates import AmbiguousDatesError
from nps_toolkit.io import NO_ANSWER_TOKENS, clean_scores, read_responses
from nps_toolkit.scoring import NPSScale

NA = pd.NA


def as_list(series: pd.Series) -> list:
    """Values with <NA> as None, for comparison with literals."""
    return [None if v is NA else int(v) for v in series]


def tally(series: pd.Series) -> dict:
    """Counts by hand (plain pandas comparisons, not the toolkit)."""
    present = series.dropna()
    return {"n": len(series), "missing": int(series.isna().sum()),
            "promoters": int(((present == 9) | (present == 10)).sum()),
            "passives": int(((present == 7) | (present == 8)).sum()),
            "detractors": int((present <= 6).sum())}


# ---------------------------------------------------------------------------
# clean_scores: accepted answers
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("value, expected", [
    (0, 0), (10, 10), (7, 7), (np.int64(8), 8), (9.0, 9), (np.float32(3.0), 3),
    ("7", 7), (" 9 ", 9), ("\t10\n", 10), ("8.0", 8), ("8,0", 8), ("0", 0), ("+6", 6), ("\u00a05\u00a0", 5),
    ("10 - Extremely likely", 10),
    ("0 – Not at all likely", 0),            # en dash
    ("10 — Точно порекомендую", 10),         # em dash
    ("0 — Точно не порекомендую", 0),
    ("9 (zdecydowanie polecę)", 9),
    ("10: Extremely likely", 10),
    ("10. Extremely likely", 10),
    ("10-Extremely likely", 10),
    ("10 Extremely likely", 10),
    ("Extremely likely - 10", 10),
    ("Not at all likely – 0", 0),
    ("Extremely likely (10)", 10),
    ("Точно порекомендую: 10", 10),
    ("(9) zdecydowanie polecę", 9),
    ("  10   -   Extremely   likely  ", 10),
    ("10 - 10 out of ten", 10),              # the same number twice is not ambiguous
])
def test_accepted_answers(value, expected):
    out = clean_scores([value])
    assert out.dtype == "Int64"
    assert as_list(out) == [expected]


@pytest.mark.parametrize("token", [
    "", "   ", None, np.nan, float("nan"), pd.NA, "n/a", "N/A", "NA", "na", "-", "–", "—", "nan", "None", "null",
    "#N/A", "don't know", "Don't know", "DON'T KNOW", "don’t know", "dont know", "not sure",
    "prefer not to say", "Prefer not to say", "no answer", "No answer.", "(no answer)",
    "не знаю", "Не знаю", "НЕ ЗНАЮ", "затрудняюсь ответить", "Затрудняюсь ответить", "нет ответа",
    "nie wiem", "Nie wiem", "brak odpowiedzi", "Brak odpowiedzi", "trudno powiedzieć", "  nie   wiem  ",
])
def test_no_answer_tokens_become_missing(token):
    out = clean_scores([10, token, 0])
    assert as_list(out) == [10, None, 0]


def test_missing_answers_are_counted():
    values = ["10 - Extremely likely", "n/a", None, "9", "не знаю", np.nan, "", "nie wiem", "0", "prefer not to say"]
    out = clean_scores(values)
    assert as_list(out) == [10, None, None, 9, None, None, None, None, 0, None]
    assert int(out.isna().sum()) == 7
    assert int(out.notna().sum()) == 3


@pytest.mark.parametrize("series, expected", [
    (pd.Series([10, 0, 7], dtype="int64"), [10, 0, 7]),
    (pd.Series([10, 0, 7], dtype="uint8"), [10, 0, 7]),
    (pd.Series([10.0, np.nan, 7.0]), [10, None, 7]),
    (pd.Series([10, None, 7], dtype="Int64"), [10, None, 7]),
    (pd.Series([10.0, None, 7.0], dtype="Float64"), [10, None, 7]),
    (pd.Series(["10", None, "7 - fine"], dtype="str"), [10, None, 7]),
    (pd.Series(["10", None, "7"], dtype="string"), [10, None, 7]),
    (pd.Series(["10", None, "7"], dtype=object), [10, None, 7]),
    (pd.Series(["10", "n/a", "7"], dtype="category"), [10, None, 7]),
    (pd.Series([10, 0, 7], dtype="category"), [10, 0, 7]),
    (pd.Series([10, "9 - likely", None, 8.0, np.int64(7), "n/a"], dtype=object), [10, 9, None, 8, 7, None]),
    (pd.Series([None, None], dtype=object), [None, None]),
    (pd.Series([], dtype=float), []),
])
def test_accepted_dtypes(series, expected):
    out = clean_scores(series)
    assert out.dtype == "Int64"
    assert as_list(out) == expected


def test_numpy_array_and_list_input():
    assert as_list(clean_scores(np.array([0, 5, 10]))) == [0, 5, 10]
    assert as_list(clean_scores(np.array([0.0, np.nan, 10.0]))) == [0, None, 10]
    assert as_list(clean_scores(np.array(["0", "n/a", "10 - top"]))) == [0, None, 10]
    assert as_list(clean_scores((3, "4", None))) == [3, 4, None]


def test_large_numeric_input_is_vectorised():
    values = pd.Series(np.tile(np.arange(11), 20_000))
    out = clean_scores(values)
    assert len(out) == 220_000
    assert int(out.sum()) == 55 * 20_000


def test_index_and_name_preserved():
    series = pd.Series(["10", "n/a", 3, "7 - fine"], index=["d", "a", "c", "a"], name="Оценка")
    out = clean_scores(series)
    assert list(out.index) == ["d", "a", "c", "a"]
    assert out.name == "Оценка"
    assert as_list(out) == [10, None, 3, 7]
    dates = pd.date_range("2025-01-01", periods=3)
    out = clean_scores(pd.Series([1.0, np.nan, 9.0], index=dates, name="q"))
    assert out.index.equals(dates)
    assert out.name == "q"


def test_list_input_gets_range_index_and_no_name():
    out = clean_scores([1, 2])
    assert out.index.equals(pd.RangeIndex(2))
    assert out.name is None


@pytest.mark.parametrize("series", [
    pd.Series(["10 - Extremely likely", " 7 ", "n/a", None, "8,0"], index=[3, 1, 2, 0, 9], name="score"),
    pd.Series(["10", None, "7"], dtype="str"),
    pd.Series([10.0, np.nan, 7.0]),
    pd.Series([10, None, 7], dtype="Int64"),
    pd.Series([10, "9 - likely", None], dtype=object),
    pd.Series(["10", "n/a"], dtype="category"),
])
def test_input_not_modified(series):
    before = series.copy(deep=True)
    out = clean_scores(series)
    pd.testing.assert_series_equal(series, before)
    out.iloc[0] = 0  # the result does not share memory with the input
    pd.testing.assert_series_equal(series, before)


def test_input_frame_and_list_not_modified():
    frame = pd.DataFrame({"score": [" 9 ", "n/a", "10 - top"], "other": [1, 2, 3]})
    before = frame.copy(deep=True)
    clean_scores(frame["score"])
    pd.testing.assert_frame_equal(frame, before)
    values = [" 9 ", None, "8,0"]
    clean_scores(values)
    assert values == [" 9 ", None, "8,0"]
    arr = np.array([1.0, np.nan, 2.0])
    clean_scores(arr)
    np.testing.assert_array_equal(arr, np.array([1.0, np.nan, 2.0]))


def test_custom_scale():
    five = NPSScale(detractors=range(1, 4), passives=[4], promoters=[5])
    assert as_list(clean_scores(["5 - very likely", "1", None, 3], scale=five)) == [5, 1, None, 3]
    with pytest.raises(ValueError) as err:
        clean_scores([1, 0, 6, 5], scale=five, column="q5")
    msg = str(err.value)
    assert "'q5'" in msg and "whole numbers 1 to 5" in msg
    assert "0 (position 1)" in msg and "6 (position 2)" in msg


def test_scale_must_be_nps_scale():
    with pytest.raises(TypeError, match="NPSScale"):
        clean_scores([1], scale=(0, 10))


# ---------------------------------------------------------------------------
# clean_scores: refusals
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("values, error, shown", [
    ([10, True, 3], TypeError, "True (position 1)"),
    (np.array([True, False]), TypeError, "True (position 0)"),
    (pd.Series([True, None], dtype="boolean"), TypeError, "True (position 0)"),
    ([1, "2", False], TypeError, "False (position 2)"),
    ([np.True_, 1], TypeError, "True (position 0)"),
    ([1, [2]], TypeError, "[2] (position 1)"),
    (pd.Series(pd.date_range("2025-01-01", periods=2)), TypeError, "datetime64"),
    (["great", "9"], ValueError, "'great' (position 0)"),
    (["9", "10 - 9 people"], ValueError, "'10 - 9 people' (position 1)"),
    (["9-10"], ValueError, "'9-10' (position 0)"),
    (["I would say 7 maybe"], ValueError, "'I would say 7 maybe' (position 0)"),
    (["10abc"], ValueError, "'10abc' (position 0)"),
    (["1e1"], ValueError, "'1e1' (position 0)"),
    (["Extremely likely"], ValueError, "'Extremely likely' (position 0)"),
    ([9.5], ValueError, "9.5 (position 0)"),
    (["9.5"], ValueError, "'9.5' (position 0)"),
    (["9,5"], ValueError, "'9,5' (position 0)"),
    ([0, 11], ValueError, "11 (position 1)"),
    (["11"], ValueError, "'11' (position 0)"),
    ([-1], ValueError, "-1 (position 0)"),
    (["-1"], ValueError, "'-1' (position 0)"),
    (["−1"], ValueError, "'−1' (position 0)"),
    (["11 - Extremely likely"], ValueError, "'11 - Extremely likely' (position 0)"),
    ([float("inf")], ValueError, "inf (position 0)"),
    (pd.Series([3, 12], dtype="Int64"), ValueError, "12 (position 1)"),
    (pd.Series([3, 12], index=[100, 200]), ValueError, "12 (position 1)"),  # positions, not labels
])
def test_refusals_name_column_values_positions(values, error, shown):
    with pytest.raises(error) as err:
        clean_scores(values, column="likelihood")
    msg = str(err.value)
    assert "'likelihood'" in msg
    assert shown in msg


@pytest.mark.parametrize("values", [["great"], ["10 - 9 people"], [11], ["9.5"]])
def test_value_errors_say_what_is_allowed(values):
    with pytest.raises(ValueError) as err:
        clean_scores(values)
    msg = str(err.value)
    assert "'score'" in msg
    assert "0 to 10" in msg or "'10 - Extremely likely'" in msg
    assert "n/a" in msg


def test_at_most_five_offenders_listed():
    values = [11, 1, 12, 13, 14, 15, 16, 17]
    with pytest.raises(ValueError) as err:
        clean_scores(values, column="q")
    msg = str(err.value)
    assert ("11 (position 0), 12 (position 2), 13 (position 3), 14 (position 4), 15 (position 5) "
            "and 2 more") in msg
    assert "16" not in msg


def test_unreadable_text_positions_in_mixed_column():
    with pytest.raises(ValueError) as err:
        clean_scores([10, "n/a", "good", 3.0, "bad 1 2"], column="q1")
    msg = str(err.value)
    assert "'good' (position 2)" in msg and "'bad 1 2' (position 4)" in msg


def test_frame_and_scalar_refused():
    with pytest.raises(TypeError, match="DataFrame"):
        clean_scores(pd.DataFrame({"score": [1]}))
    with pytest.raises(TypeError, match="sequence"):
        clean_scores("10")
    with pytest.raises(TypeError, match="sequence"):
        clean_scores(10)


# ---------------------------------------------------------------------------
# clean_scores: properties
# ---------------------------------------------------------------------------

LETTERS = "abcxyzEXTREMLYabcąęłśżźćńóĄŚŁабвгдёжзийАБВЁЖ"
labels = st.text(alphabet=LETTERS + " ", min_size=1, max_size=20).filter(lambda t: t.strip() != "")
separators = st.sampled_from([" - ", " – ", " — ", ": ", " ", "-", ". ", " -- ", "\u00a0–\u00a0"])


@st.composite
def formatted_score(draw, low=0, high=10):
    n = draw(st.integers(low, high))
    style = draw(st.sampled_from(["int", "npint", "float", "str", "padded", "point", "comma",
                                  "label_after", "label_before", "brackets_after", "brackets_before"]))
    label, sep = draw(labels), draw(separators)
    text = {
        "int": n, "npint": np.int64(n), "float": float(n), "str": str(n), "padded": f"  {n}\t",
        "point": f"{n}.0", "comma": f"{n},0", "label_after": f"{n}{sep}{label}",
        "label_before": f"{label}{sep}{n}", "brackets_after": f"{n} ({label.strip()})",
        "brackets_before": f"{label.strip()} ({n})",
    }[style]
    return n, text


@settings(max_examples=300, deadline=None)
@given(formatted_score())
def test_property_any_format_round_trips(case):
    n, value = case
    assert as_list(clean_scores([value])) == [n]


@settings(max_examples=100, deadline=None)
@given(st.lists(formatted_score(), max_size=30))
def test_property_mixed_lists_round_trip_with_index(cases):
    expected = [n for n, _ in cases]
    index = [f"r{i}" for i in range(len(cases))][::-1]
    series = pd.Series([v for _, v in cases], index=index, dtype=object)
    before = series.copy()
    out = clean_scores(series)
    assert as_list(out) == expected
    assert list(out.index) == index
    pd.testing.assert_series_equal(series, before)


@settings(max_examples=200, deadline=None)
@given(st.integers().filter(lambda v: v < 0 or v > 10),
       st.sampled_from(["int", "float", "str", "label"]))
def test_property_out_of_range_refused(value, style):
    if style == "float" and abs(value) > 2 ** 53:
        style = "int"
    shown = {"int": value, "float": float(value), "str": str(value), "label": f"{value} - Extremely likely"}[style]
    with pytest.raises(ValueError) as err:
        clean_scores([5, shown], column="nps_q")
    msg = str(err.value)
    assert "'nps_q'" in msg and "(position 1)" in msg


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 9), st.sampled_from([0.5, 0.25, 0.1, 0.75]), st.booleans())
def test_property_fractions_refused(whole, part, as_text):
    value = whole + part
    shown = str(value) if as_text else value
    with pytest.raises(ValueError, match=r"'score'.*\(position 0\)"):
        clean_scores([shown])


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=LETTERS + " .,!?'", min_size=1, max_size=25))
def test_property_text_without_numbers_is_refused_or_missing(text):
    key = " ".join(text.split()).lower().strip(" .()[]")
    if key in NO_ANSWER_TOKENS:  # e.g. "" or "?" are no-answer codes
        assert as_list(clean_scores([text])) == [None]
    else:
        with pytest.raises(ValueError, match=r"cannot read a score"):
            clean_scores([text])


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 10), st.integers(0, 10).filter(lambda v: True), labels)
def test_property_two_different_numbers_refused(a, b, label):
    text = f"{a} - {label.strip()} {b}"
    if a == b:
        assert as_list(clean_scores([text])) == [a]
    else:
        with pytest.raises(ValueError, match="cannot read a score"):
            clean_scores([text])


# ---------------------------------------------------------------------------
# read_responses: the committed files
# ---------------------------------------------------------------------------

def test_russian_excel_csv_cp1251(data_dir):
    path = data_dir / "responses_ru_cp1251.csv"
    raw = path.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")  # the file really is Windows-1251
    data = read_responses(path, score="Оценка", date="Дата")
    assert list(data.columns) == ["id", "Дата", "Оценка", "Сумма заказа", "Комментарий"]
    assert as_list(data["Оценка"]) == [10, 9, 0, 7, None, 8, 9, None, 10, None, 3, 8]
    assert tally(data["Оценка"]) == {"n": 12, "missing": 3, "promoters": 4, "passives": 3, "detractors": 2}
    assert data["Оценка"].dtype == "Int64"
    # decimal comma in a numeric column
    assert data["Сумма заказа"].dtype == float
    assert data["Сумма заказа"].iloc[0] == pytest.approx(1250.50)
    assert data["Сумма заказа"].sum() == pytest.approx(8886.59)
    # day-first dates
    assert data["Дата"].iloc[0] == pd.Timestamp("2024-12-31")
    assert data["Дата"].iloc[2] == pd.Timestamp("2025-01-01")
    assert data["Дата"].iloc[11] == pd.Timestamp("2025-01-20")
    assert data["Дата"].notna().all()
    # Cyrillic text decoded, quoted ';' kept inside its field
    assert data["Комментарий"].iloc[0] == "Всё отлично, спасибо!"
    assert data["Комментарий"].iloc[2] == "Заказ потерян; никто не ответил"
    assert data["Комментарий"].iloc[11] == "Ёлка пришла вовремя"


def test_russian_csv_encoding_override(data_dir):
    path = data_dir / "responses_ru_cp1251.csv"
    data = read_responses(path, score="Оценка", encoding="cp1251")
    assert as_list(data["Оценка"]) == [10, 9, 0, 7, None, 8, 9, None, 10, None, 3, 8]
    with pytest.raises(ValueError, match=r"cannot read 'responses_ru_cp1251.csv' as utf-8: byte b'\\xc4' at offset 3"):
        read_responses(path, score="Оценка", encoding="utf-8")


def test_polish_csv_utf8_bom(data_dir):
    path = data_dir / "responses_pl_utf8bom.csv"
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    # every date (2-10 January) reads both ways: refused, and read day first when told
    with pytest.raises(AmbiguousDatesError, match=r"column 'data': .*'02.01.2025' \(position 0\) is 2 January or 1 "
                                                  r"February; pass dayfirst=True"):
        read_responses(path, score="ocena", date="data")
    data = read_responses(path, score="ocena", date="data", dayfirst=True)
    assert list(data.columns) == ["id", "data", "ocena", "kwota", "komentarz"]  # no BOM in 'id'
    assert as_list(data["ocena"]) == [10, 9, 0, None, 6, 8, None, 10, 9, 7]
    assert tally(data["ocena"]) == {"n": 10, "missing": 2, "promoters": 4, "passives": 2, "detractors": 2}
    assert data["kwota"].sum() == pytest.approx(1689.94)
    assert data["data"].iloc[0] == pd.Timestamp("2025-01-02")
    assert data["data"].iloc[9] == pd.Timestamp("2025-01-10")
    assert data["komentarz"].iloc[2] == "Źle zapakowane; żółty karton był mokry"
    assert data["komentarz"].iloc[7] == "Gęś w cenie, ćma w gratisie"


EN_SCORES = [10, 0, 10, 10, 8, None, 6, None, 9, 7, 0, None, 9, 4]


def test_english_tsv(data_dir):
    data = read_responses(data_dir / "responses_en.tsv", score="likelihood", date="submitted")
    assert list(data.columns) == ["respondent", "submitted", "likelihood", "segment", "comment"]
    assert as_list(data["likelihood"]) == EN_SCORES
    assert tally(data["likelihood"]) == {"n": 14, "missing": 3, "promoters": 5, "passives": 2, "detractors": 4}
    assert data["submitted"].iloc[0] == pd.Timestamp("2024-12-30 09:15:00")
    assert data["submitted"].iloc[2] == pd.Timestamp("2024-12-31 18:02:00")
    assert data["submitted"].iloc[13] == pd.Timestamp("2025-01-07")
    assert data["comment"].iloc[8] == "Good, but slow, support"
    assert data["comment"].iloc[1] == "Never again; box was crushed"


def test_txt_extension_detects_tab(data_dir, tmp_path):
    target = tmp_path / "export.TXT"
    shutil.copy(data_dir / "responses_en.tsv", target)
    data = read_responses(target, score="likelihood")
    assert as_list(data["likelihood"]) == EN_SCORES


def test_plain_comma_csv(data_dir):
    data = read_responses(str(data_dir / "responses_plain.csv"), date="date")  # path as str
    assert list(data.columns) == ["id", "date", "score", "segment"]
    assert as_list(data["score"]) == [10, 9, None, 7, 9, 0, 8, 10, None, 6]
    assert tally(data["score"]) == {"n": 10, "missing": 2, "promoters": 4, "passives": 2, "detractors": 2}
    assert data["date"].iloc[0] == pd.Timestamp("2025-02-01")
    assert data["date"].iloc[9] == pd.Timestamp("2025-02-05")


XLSX_SCORES = [10, 9, 0, 7, None, None, 8, 10, 5, 9, 2]


@pytest.mark.parametrize("sheet", ["Responses", 1])
def test_xlsx_second_sheet(data_dir, sheet):
    data = read_responses(data_dir / "responses.xlsx", sheet=sheet, date="date")
    assert list(data.columns) == ["id", "date", "score", "channel"]
    assert as_list(data["score"]) == XLSX_SCORES
    assert tally(data["score"]) == {"n": 11, "missing": 2, "promoters": 4, "passives": 2, "detractors": 3}
    assert data["date"].iloc[0] == pd.Timestamp("2025-03-01")
    assert data["date"].iloc[3] == pd.Timestamp("2025-03-03")  # text "03.03.2025" among date cells
    assert pd.isna(data["date"].iloc[6])
    assert data["date"].iloc[10] == pd.Timestamp("2025-03-07")


def test_xlsx_default_is_first_sheet(data_dir):
    with pytest.raises(ValueError, match=r"'responses.xlsx': no column asks about recommending.*pass score="):
        read_responses(data_dir / "responses.xlsx")
    with pytest.raises(KeyError) as err:
        read_responses(data_dir / "responses.xlsx", score="score")
    msg = str(err.value)
    assert "'score'" in msg and "Customer survey, March 2025" in msg


@pytest.mark.parametrize("sheet, shown", [("Answers", "'Answers'"), (2, "index 2"), (-1, "index -1")])
def test_xlsx_unknown_sheet(data_dir, sheet, shown):
    with pytest.raises(ValueError) as err:
        read_responses(data_dir / "responses.xlsx", sheet=sheet)
    msg = str(err.value)
    assert shown in msg and "'Read me'" in msg and "'Responses'" in msg


def test_parquet(data_dir):
    data = read_responses(data_dir / "responses.parquet", date="date")
    assert list(data.columns) == ["id", "date", "score", "brand"]
    assert as_list(data["score"]) == [10, 9, 9, None, 7, 1, 10, 6]
    assert tally(data["score"]) == {"n": 8, "missing": 1, "promoters": 4, "passives": 1, "detractors": 2}
    assert data["date"].iloc[0] == pd.Timestamp("2025-04-01")
    assert data["date"].iloc[7] == pd.Timestamp("2025-04-05")


def test_committed_files_are_not_modified(data_dir):
    paths = sorted(data_dir.glob("responses*"))
    assert len(paths) == 6
    before = {p: p.read_bytes() for p in paths}
    read_responses(data_dir / "responses_ru_cp1251.csv", score="Оценка", date="Дата")
    read_responses(data_dir / "responses.xlsx", sheet=1)
    assert {p: p.read_bytes() for p in paths} == before


# ---------------------------------------------------------------------------
# read_responses: text details on small files
# ---------------------------------------------------------------------------

def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_cp1251_detected_on_generated_file(tmp_path):
    path = write(tmp_path, "ru.csv", "Оценка;Комментарий\r\n10 — Точно порекомендую;Супер\r\nне знаю;Хм\r\n",
                 encoding="cp1251")
    data = read_responses(path, score="Оценка")
    assert as_list(data["Оценка"]) == [10, None]
    assert data["Комментарий"].tolist() == ["Супер", "Хм"]


def test_utf8_without_bom(tmp_path):
    path = write(tmp_path, "pl.csv", "ocena;komentarz\n9 (zdecydowanie polecę);Świetnie\n")
    data = read_responses(path, score="ocena")
    assert as_list(data["ocena"]) == [9]
    assert data["komentarz"].tolist() == ["Świetnie"]


def test_utf16_unicode_text(tmp_path):
    path = write(tmp_path, "unicode.txt", "score\tnote\r\n10\tok\r\n3\tżle\r\n", encoding="utf-16")
    data = read_responses(path)
    assert as_list(data["score"]) == [10, 3]
    assert data["note"].tolist() == ["ok", "żle"]


def test_decimal_comma_only_with_semicolons(tmp_path):
    semi = write(tmp_path, "semi.csv", "score;spend\n8,0;12,5\n7;3\n")
    data = read_responses(semi)
    assert as_list(data["score"]) == [8, 7]
    assert data["spend"].tolist() == [12.5, 3.0]
    comma = write(tmp_path, "comma.csv", 'score,spend\n8,"12,5"\n7,3\n')
    data = read_responses(comma)
    assert data["spend"].tolist() == ["12,5", "3"]


def test_semicolon_detected_despite_decimal_commas(tmp_path):
    path = write(tmp_path, "x.csv", "a;score;b\n1,5;10;2,25\n3;0;4,5\n")
    data = read_responses(path)
    assert list(data.columns) == ["a", "score", "b"]
    assert data["a"].tolist() == [1.5, 3.0]


def test_excel_sep_hint_line(tmp_path):
    path = write(tmp_path, "hint.csv", "sep=;\r\nscore;spend\r\n9;1,5\r\n", encoding="cp1251")
    data = read_responses(path)
    assert list(data.columns) == ["score", "spend"]
    assert as_list(data["score"]) == [9]
    assert data["spend"].tolist() == [1.5]


def test_single_column_file(tmp_path):
    path = write(tmp_path, "one.csv", "score\n10\nn/a\n0\n")
    assert as_list(read_responses(path)["score"]) == [10, None, 0]


def test_read_kwargs_passed_on(tmp_path):
    path = write(tmp_path, "pipe.txt", "score|x\n10|a\n5|b\n")
    data = read_responses(path, sep="|")
    assert as_list(data["score"]) == [10, 5]
    data = read_responses(path, sep="|", usecols=["score"])
    assert list(data.columns) == ["score"]


@pytest.mark.parametrize("text, expected", [
    ("2024-12-31", "2024-12-31"),
    ("2024-12-31 14:05", "2024-12-31 14:05"),
    ("2024-12-31 14:05:09", "2024-12-31 14:05:09"),
    ("2024-12-31T14:05:09", "2024-12-31 14:05:09"),
    ("31.12.2024", "2024-12-31"),
    ("1.2.2024", "2024-02-01"),
    ("01.02.2024", "2024-02-01"),
    ("31.12.2024 14:05", "2024-12-31 14:05"),
    ("31.12.2024 14:05:09", "2024-12-31 14:05:09"),
    ("31/12/2024", "2024-12-31"),
    ("01/02/2024", "2024-02-01"),
    ("31-12-2024", "2024-12-31"),
    (" 31.12.2024 ", "2024-12-31"),
])
def test_date_formats(tmp_path, text, expected):
    path = write(tmp_path, "d.csv", f"date,score\n{text},10\n,5\n")
    data = read_responses(path, date="date", dayfirst=True)
    assert data["date"].iloc[0] == pd.Timestamp(expected)
    assert pd.isna(data["date"].iloc[1])


def test_bad_dates_refused_with_positions(tmp_path):
    path = write(tmp_path, "d.csv", "when;score\n31.12.2024;1\n12/31/2024;2\n;3\nyesterday;4\n2024-02-30;5\n")
    with pytest.raises(AmbiguousDatesError) as err:  # one column written day first and month first
        read_responses(path, date="when")
    msg = str(err.value)
    assert "'when'" in msg and "('31.12.2024', position 0)" in msg and "('12/31/2024', position 1)" in msg
    with pytest.raises(ValueError) as err:  # read day first, the rest are not dates
        read_responses(path, date="when", dayfirst=True)
    msg = str(err.value)
    assert "'when'" in msg
    assert "'12/31/2024' (position 1)" in msg
    assert "'yesterday' (position 3)" in msg
    assert "'2024-02-30' (position 4)" in msg
    assert "31.12.2024" in msg  # says what is allowed


def test_numeric_date_column_refused(tmp_path):
    path = write(tmp_path, "d.csv", "when,score\n20241231,1\n")
    with pytest.raises(ValueError, match=r"'when'.*20241231 \(position 0\)"):
        read_responses(path, date="when")


def test_bad_score_in_file_names_column(tmp_path):
    path = write(tmp_path, "s.csv", "id,nps\n1,10\n2,eleven\n3,11\n")
    with pytest.raises(ValueError) as err:
        read_responses(path, score="nps")
    msg = str(err.value)
    assert "'nps'" in msg and "'eleven' (position 1)" in msg


def test_custom_scale_when_reading(tmp_path):
    five = NPSScale(detractors=[1, 2, 3], passives=[4], promoters=[5])
    path = write(tmp_path, "five.csv", "score\n5\n1\n")
    assert as_list(read_responses(path, scale=five)["score"]) == [5, 1]
    with pytest.raises(ValueError, match="1 to 5"):
        read_responses(write(tmp_path, "ten.csv", "score\n10\n"), scale=five)


# ---------------------------------------------------------------------------
# read_responses: errors
# ---------------------------------------------------------------------------

def test_file_not_found_names_path(tmp_path):
    missing = tmp_path / "nope.csv"
    with pytest.raises(FileNotFoundError) as err:
        read_responses(missing)
    assert str(missing) in str(err.value)


def test_unknown_extension_lists_allowed(tmp_path):
    path = write(tmp_path, "data.json", "[]")
    with pytest.raises(ValueError) as err:
        read_responses(path)
    msg = str(err.value)
    assert "'.json'" in msg
    for ext in (".csv", ".tsv", ".txt", ".xlsx", ".xls", ".parquet"):
        assert ext in msg


def test_missing_score_column_lists_available(data_dir):
    with pytest.raises(KeyError) as err:
        read_responses(data_dir / "responses_plain.csv", score="nps")
    msg = str(err.value)
    assert "'nps'" in msg and "'id'" in msg and "'date'" in msg and "'score'" in msg and "'segment'" in msg


def test_missing_date_column_lists_available(data_dir):
    with pytest.raises(KeyError) as err:
        read_responses(data_dir / "responses_plain.csv", date="submitted")
    msg = str(err.value)
    assert "'submitted'" in msg and "'date'" in msg


def test_sheet_and_encoding_only_where_they_apply(data_dir):
    with pytest.raises(ValueError, match="sheet="):
        read_responses(data_dir / "responses_plain.csv", sheet=1)
    with pytest.raises(ValueError, match="encoding="):
        read_responses(data_dir / "responses.parquet", encoding="cp1251")


def test_folder_refused(tmp_path):
    folder = tmp_path / "x.csv"
    folder.mkdir()
    with pytest.raises(IsADirectoryError):
        read_responses(folder)


def test_xls_extension(data_dir, tmp_path):
    # pandas picks the reader from the content: a workbook saved under .xls is read.
    target = tmp_path / "responses.xls"
    shutil.copy(data_dir / "responses.xlsx", target)
    assert as_list(read_responses(target, sheet="Responses")["score"]) == XLSX_SCORES


def test_old_binary_xls_without_reader(tmp_path):
    # Old binary .xls needs an optional reader package (python-calamine in pandas 3, xlrd before).
    for module in ("python_calamine", "xlrd"):
        try:
            __import__(module)
        except ImportError:
            continue
        pytest.skip(f"{module} is installed")
    path = tmp_path / "old.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)
    with pytest.raises(ImportError, match=r"\.xls files need.*'old\.xls' as \.xlsx"):
        read_responses(path)


def test_polish_excel_csv_in_cp1250_is_recognised(tmp_path):
    text = ("ocena;komentarz\n10 (zdecydowanie polecę);Świetna obsługa, dziękuję\n"
            "3;Źle zapakowane, przesyłka spóźniona\n;\n7;Cena mogłaby być niższa\n")
    path = tmp_path / "ankieta.csv"
    path.write_bytes(text.encode("cp1250"))
    data = read_responses(path, score="ocena")
    assert data["ocena"].tolist()[:2] == [10, 3] and data["ocena"].isna().sum() == 1
    assert data["komentarz"].iloc[0] == "Świetna obsługa, dziękuję"


def test_russian_excel_csv_in_cp1251_stays_cp1251(tmp_path):
    text = "оценка;комментарий\n9;Отличный сервис, спасибо\n2;Доставка опоздала\n"
    path = tmp_path / "опрос.csv"
    path.write_bytes(text.encode("cp1251"))
    data = read_responses(path, score="оценка")
    assert data["комментарий"].tolist() == ["Отличный сервис, спасибо", "Доставка опоздала"]


# ---------------------------------------------------------------------------
# clean_scores: the whole column against a plain reading of each answer
# ---------------------------------------------------------------------------

import math  # noqa: E402
import re  # noqa: E402

REFERENCE_NUMBER = re.compile(r"[0-9]+(?:[.,][0-9]+)?")
REFERENCE_LABELS = ["Extremely likely", "Not at all likely", "Точно порекомендую", "zdecydowanie polecę", "great"]


def reference_answer(value, low=0, high=10):
    """One answer read the plain way: ("ok", n), ("missing", None) or the kind of refusal.

    Refusals: "type" (booleans), "text" (no number, two different numbers, a
    number in the middle only) and "range" (fractions, off the scale).
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "missing", None
    if isinstance(value, (bool, np.bool_)):
        return "type", None
    if not isinstance(value, str):
        number = float(value)
    else:
        text = " ".join(value.split())
        if text.lower().replace("’", "'").strip(" .()[]") in NO_ANSWER_TOKENS:
            return "missing", None
        found = REFERENCE_NUMBER.findall(text)
        if len({float(f.replace(",", ".")) for f in found}) != 1:
            return "text", None
        core = text.strip("()[] ")
        signed = core[:1] in ("+", "-", "−") and core[1:].startswith(found[0])
        if not (core.startswith(found[0]) or signed or core.endswith(found[-1])):
            return "text", None
        number = float(found[0].replace(",", "."))
        if signed and core[0] != "+":
            number = -number
    if number.is_integer() and low <= number <= high:
        return "ok", int(number)
    return "range", None


ACCEPTED_STYLES = ["int", "npint", "float", "nan", "none", "text", "padded", "point", "comma", "plus", "label_after",
                   "label_before", "brackets_after", "brackets_before", "token", "token_upper", "token_padded"]
REFUSED_STYLES = ["fraction", "bool", "text_fraction", "two_numbers", "middle", "no_number"]


@st.composite
def any_answer(draw, accepted_only=False):
    """An answer in one of many formats; with ``accepted_only``, one that clean_scores reads."""
    n = draw(st.integers(0, 10) if accepted_only else st.integers(-2, 12))
    label = draw(st.sampled_from(REFERENCE_LABELS))
    sep = draw(st.sampled_from([" - ", " – ", " — ", ": ", " ", "-", ". "]))
    token = draw(st.sampled_from(sorted(NO_ANSWER_TOKENS)))
    style = draw(st.sampled_from(ACCEPTED_STYLES if accepted_only else ACCEPTED_STYLES + REFUSED_STYLES))
    m = draw(st.integers(0, 10))
    return {
        "int": n, "npint": np.int64(n), "float": float(n), "fraction": n + 0.5, "nan": float("nan"),
        "none": None, "bool": draw(st.sampled_from([True, False, np.True_])), "text": str(n),
        "padded": f"  {n}\t", "point": f"{n}.0", "comma": f"{n},0", "text_fraction": f"{n},5",
        "plus": f"+{abs(n)}", "label_after": f"{abs(n)}{sep}{label}", "label_before": f"{label}{sep}{abs(n)}",
        "brackets_after": f"{label} ({abs(n)})", "brackets_before": f"({abs(n)}) {label}",
        "two_numbers": f"{abs(n)} - {label} {m}", "middle": f"{label} {abs(n)} {label}", "no_number": label,
        "token": token, "token_upper": token.upper(), "token_padded": f"  {token} ",
    }[style]


@st.composite
def answer_column(draw):
    """A column of answers drawn from a few distinct ones (as survey columns are), in one of the containers."""
    pool = draw(st.lists(any_answer(accepted_only=draw(st.booleans())), min_size=1, max_size=8))
    size = draw(st.integers(0, 60))
    rows = draw(st.lists(st.integers(0, len(pool) - 1), min_size=size, max_size=size))
    values = [pool[i] for i in rows]
    containers = ["list", "object"]
    if all(v is None or isinstance(v, str) for v in values):
        containers.append("str")
    if not any(isinstance(v, (bool, np.bool_)) for v in values):  # a categorical merges True with 1
        containers.append("category")
    container = draw(st.sampled_from(containers))
    index = [f"r{i}" for i in range(len(values))][::-1]
    if container == "list":
        return values, values
    dtype = {"object": object, "str": "str", "category": "category"}[container]
    return values, pd.Series(values, index=index, dtype=dtype, name="q")


@settings(max_examples=300, deadline=None)
@given(answer_column())
def test_property_column_equals_reading_each_answer(case):
    """Read as a column (each distinct answer once), the answers are what a plain loop over them reads; the
    refusal is the first kind found (booleans, unreadable text, off the scale) and names its rows in order."""
    values, column = case
    expected = [reference_answer(v) for v in values]
    before = column.copy() if isinstance(column, pd.Series) else list(column)
    refused = {kind: [i for i, (k, _) in enumerate(expected) if k == kind] for kind in ("type", "text", "range")}
    first = next((kind for kind in ("type", "text", "range") if refused[kind]), None)
    if first is None:
        out = clean_scores(column)
        assert out.dtype == "Int64"
        assert as_list(out) == [n for _, n in expected]
        if isinstance(column, pd.Series):
            assert out.index.equals(column.index) and out.name == "q"
    else:
        error = TypeError if first == "type" else ValueError
        with pytest.raises(error) as err:
            clean_scores(column, column="q")
        msg = str(err.value)
        what = {"type": "got booleans", "text": "cannot read a score from", "range": "whole numbers 0 to 10"}[first]
        assert what in msg
        positions = refused[first]
        assert [int(p) for p in re.findall(r"\(position (\d+)\)", msg)] == positions[:5]
        assert (f"and {len(positions) - 5} more" in msg) == (len(positions) > 5)
    if isinstance(column, pd.Series):
        pd.testing.assert_series_equal(column, before)
    else:
        assert column == before
