"""Write the small survey exports that tests/test_io.py reads.

Run ``python tests/data/make_io_files.py`` from the repository root to
regenerate them; the files are committed, so the tests do not run this.
Every row is written out literally below; the expected counts in
tests/test_io.py were worked out by hand from these rows.

Files
-----
responses_ru_cp1251.csv
    Russian Excel "CSV": Windows-1251, ``;`` delimiter, CRLF, decimal comma
    in the order total, labelled Russian answers, dates as 31.12.2024 and a
    Cyrillic comment column (one comment holds a ``;`` and is quoted).
responses_pl_utf8bom.csv
    Polish export: UTF-8 with byte-order mark, ``;`` delimiter, labelled
    Polish answers, Polish letters, decimal comma.
responses_en.tsv
    English tab-separated export with labels in several styles and ISO dates
    (some with a time); comments hold commas and semicolons.
responses_plain.csv
    Plain comma CSV of whole numbers with blanks and ISO dates.
responses.xlsx
    Workbook with a "Read me" sheet first and the data on the second sheet,
    "Responses": date cells, numbers and labelled text mixed in one column.
responses.parquet
    Parquet with a nullable integer score and a timestamp column.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

HERE = Path(__file__).parent

RU_HEADER = ["id", "Дата", "Оценка", "Сумма заказа", "Комментарий"]
RU_ROWS = [
    ["1", "31.12.2024", "10 — Точно порекомендую", "1250,50", "Всё отлично, спасибо!"],
    ["2", "31.12.2024", "9", "830,00", "Быстрая доставка"],
    ["3", "01.01.2025", "0 — Точно не порекомендую", "99,90", "Заказ потерян; никто не ответил"],
    ["4", "02.01.2025", "7", "450,00", ""],
    ["5", "02.01.2025", "затрудняюсь ответить", "0,00", ""],
    ["6", "03.01.2025", "8", "2100,75", "Нормально"],
    ["7", "05.01.2025", "9 — Скорее порекомендую", "310,20", "Дороговато, но хорошо"],
    ["8", "05.01.2025", "", "150,00", "Оценку не поставил"],
    ["9", "10.01.2025", "10 — Точно порекомендую", "980,00", "Лучший магазин"],
    ["10", "10.01.2025", "Не знаю", "75,25", ""],
    ["11", "15.01.2025", "3", "640,00", "Упаковка порвана, товар цел"],
    ["12", "20.01.2025", "8,0", "1999,99", "Ёлка пришла вовремя"],
]

PL_HEADER = ["id", "data", "ocena", "kwota", "komentarz"]
PL_ROWS = [
    ["1", "02.01.2025", "10 (zdecydowanie polecę)", "120,00", "Świetna obsługa"],
    ["2", "02.01.2025", "9", "45,50", "Szybka dostawa, dziękuję"],
    ["3", "03.01.2025", "0 (zdecydowanie nie polecę)", "300,00", "Źle zapakowane; żółty karton był mokry"],
    ["4", "03.01.2025", "nie wiem", "15,99", ""],
    ["5", "04.01.2025", "6", "80,00", "Średnio"],
    ["6", "07.01.2025", "8", "60,25", "Łatwe zamówienie"],
    ["7", "07.01.2025", "Brak odpowiedzi", "10,00", ""],
    ["8", "08.01.2025", "10 (zdecydowanie polecę)", "999,90", "Gęś w cenie, ćma w gratisie"],
    ["9", "09.01.2025", "9", "25,00", "Polecam znajomym"],
    ["10", "10.01.2025", "7", "33,30", "Może być"],
]

EN_HEADER = ["respondent", "submitted", "likelihood", "segment", "comment"]
EN_ROWS = [
    ["r01", "2024-12-30 09:15:00", "10 - Extremely likely", "retail", "Great service, fast delivery"],
    ["r02", "2024-12-30", "0 – Not at all likely", "retail", "Never again; box was crushed"],
    ["r03", "2024-12-31 18:02", "Extremely likely - 10", "business", "Love it"],
    ["r04", "2024-12-31", "10: Extremely likely", "business", ""],
    ["r05", "2025-01-02", "8", "retail", "Fine, I guess"],
    ["r06", "2025-01-02", "Don't know", "retail", ""],
    ["r07", "2025-01-03", "6", "business", "Too expensive"],
    ["r08", "2025-01-03", "Prefer not to say", "retail", ""],
    ["r09", "2025-01-04", "9", "business", "Good, but slow, support"],
    ["r10", "2025-01-04", "7", "retail", ""],
    ["r11", "2025-01-05", "0 - Not at all likely", "retail", "Broken on arrival"],
    ["r12", "2025-01-06", "N/A", "business", ""],
    ["r13", "2025-01-06", "9", "retail", "Nice"],
    ["r14", "2025-01-07", "4", "business", "Meh"],
]

PLAIN_HEADER = ["id", "date", "score", "segment"]
PLAIN_ROWS = [
    ["1", "2025-02-01", "10", "north"],
    ["2", "2025-02-01", "9", "north"],
    ["3", "2025-02-02", "", "south"],
    ["4", "2025-02-02", "7", "south"],
    ["5", "2025-02-03", "9", "north"],
    ["6", "2025-02-03", "0", "south"],
    ["7", "2025-02-04", "8", "north"],
    ["8", "2025-02-04", "10", "south"],
    ["9", "2025-02-05", "", "north"],
    ["10", "2025-02-05", "6", "south"],
]

XLSX_HEADER = ["id", "date", "score", "channel"]
XLSX_ROWS = [
    [1, dt.datetime(2025, 3, 1), 10, "web"],
    [2, dt.datetime(2025, 3, 1), "9 - Very likely", "web"],
    [3, dt.datetime(2025, 3, 2), 0, "app"],
    [4, "03.03.2025", "7", "store"],
    [5, dt.datetime(2025, 3, 3), None, "store"],
    [6, dt.datetime(2025, 3, 4), "don't know", "web"],
    [7, None, 8, "app"],
    [8, dt.datetime(2025, 3, 5), "10 - Extremely likely", "web"],
    [9, dt.datetime(2025, 3, 6), 5, "app"],
    [10, dt.datetime(2025, 3, 6), 9, "store"],
    [11, dt.datetime(2025, 3, 7), 2, "web"],
]

PARQUET_ROWS = {
    "id": [1, 2, 3, 4, 5, 6, 7, 8],
    "date": ["2025-04-01", "2025-04-01", "2025-04-02", "2025-04-02", "2025-04-03", "2025-04-03",
             "2025-04-04", "2025-04-05"],
    "score": [10, 9, 9, None, 7, 1, 10, 6],
    "brand": ["Aurora", "Aurora", "Kestrel", "Kestrel", "Aurora", "Kestrel", "Aurora", "Kestrel"],
}


def _write_csv(path: Path, header, rows, *, delimiter: str, encoding: str, lineterminator: str = "\r\n") -> None:
    with open(path, "w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter, lineterminator=lineterminator)
        writer.writerow(header)
        writer.writerows(rows)


def _write_xlsx(path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    notes = book.active
    notes.title = "Read me"
    notes.append(["Customer survey, March 2025"])
    notes.append(["The answers are on the sheet 'Responses'."])
    data = book.create_sheet("Responses")
    data.append(XLSX_HEADER)
    for row in XLSX_ROWS:
        data.append(row)
    for cell in data["B"][1:]:
        if isinstance(cell.value, dt.datetime):
            cell.number_format = "DD.MM.YYYY"
    stamp = dt.datetime(2025, 3, 8)
    book.properties.created = stamp
    book.properties.modified = stamp
    book.save(path)


def _write_parquet(path: Path) -> None:
    import pandas as pd

    frame = pd.DataFrame(PARQUET_ROWS)
    frame["date"] = pd.to_datetime(frame["date"])
    frame["score"] = frame["score"].astype("Int64")
    frame.to_parquet(path, index=False)


def main() -> None:
    _write_csv(HERE / "responses_ru_cp1251.csv", RU_HEADER, RU_ROWS, delimiter=";", encoding="cp1251")
    _write_csv(HERE / "responses_pl_utf8bom.csv", PL_HEADER, PL_ROWS, delimiter=";", encoding="utf-8-sig")
    _write_csv(HERE / "responses_en.tsv", EN_HEADER, EN_ROWS, delimiter="\t", encoding="utf-8",
               lineterminator="\n")
    _write_csv(HERE / "responses_plain.csv", PLAIN_HEADER, PLAIN_ROWS, delimiter=",", encoding="utf-8",
               lineterminator="\n")
    _write_xlsx(HERE / "responses.xlsx")
    _write_parquet(HERE / "responses.parquet")


if __name__ == "__main__":
    main()
