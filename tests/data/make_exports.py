"""Write survey-platform export fixtures and their expected numbers.

Run ``python tests/data/make_exports.py`` from the repository root. Every
file goes to ``tests/data/exports/``. The output is deterministic: the data
comes from ``random.Random(SEED)``, and the script reads no clock. The script
does not import nps_toolkit. It needs pandas, openpyxl and pyreadstat.

All files come from one canonical list of 120 respondents: id, email, score
0..10 or no answer, segment (Online/Store/Phone), region
(North/South/East/West), a completion time in UTC between 2024-01-05 and
2024-06-25, and an optional comment in English with a Polish twin. Each writer
turns that list into the records that one platform would export: which rows
are previews or partials, which date the file shows, how the segment is
labelled. The same records drive both the file writer and ``truth.json``.
The truth numbers are counted with plain loops (``summarise`` below). After
writing, ``check_all`` reads every file back with pandas or pyreadstat, works
the numbers out again from what it read, and compares them with the truth.

Files
-----
qualtrics.csv
    Qualtrics "Export Data" CSV with numeric values. UTF-8 with a BOM, CRLF
    line ends, 3 header rows: (1) export tags / column names, (2) question
    text, (3) JSON such as ``{"ImportId":"QID2"}``. The date columns carry
    ``{"ImportId":"startDate","timeZone":"America/Denver"}``. Dates are
    ``2024-03-15 13:54:17`` in America/Denver local wall time. ``Status`` codes:
    0 IP Address, 1 Survey Preview, 2 Survey Test, 8 Spam. Q1 is the segment
    (1 Online, 2 Store, 3 Phone), Q2 is the NPS question (0..10), Q2_NPS_GROUP
    is 1 Detractor / 2 Passive / 3 Promoter (blank when Q2 is blank), and Q3
    is the comment.
qualtrics_text.csv
    The same responses exported with "choice text". Status is "IP Address" /
    "Survey Preview" / "Survey Test" / "Spam", Finished is "True", Q1 is the
    label, Q2 is the NPS choice text "0".."10", and Q2_NPS_GROUP is
    "Detractor" / "Passive" / "Promoter".
qualtrics_legacy.csv
    The legacy exporter. UTF-8 with a BOM, 2 header rows: (1) V1..V10, then
    Q1, Q2, Q2_NPS_GROUP, Q3, LocationLatitude, LocationLongitude,
    LocationAccuracy; (2) ResponseID, ResponseSet, Name, ExternalDataReference,
    EmailAddress, IPAddress, Status, StartDate, EndDate, Finished, then the
    question texts. Every line ends with a trailing comma, which adds an
    empty last column.
qualtrics.tsv
    The numeric export as a Qualtrics TSV: UTF-16 little-endian with a BOM,
    tab-separated, CRLF, the same 3 header rows.
surveymonkey.csv / surveymonkey.xlsx
    SurveyMonkey "All individual responses" export, 2 header rows. Row 1 holds
    Respondent ID, Collector ID, Start Date, End Date, IP Address, Email
    Address, First Name, Last Name, Custom Data 1, then the question texts.
    Row 2 is blank under the metadata columns and holds "Response",
    "Open-Ended Response" or the option labels under the questions. The
    multiple-choice question "Which channels did you use?" spans 3 columns:
    only the first has the text in row 1, and row 2 holds Online / Store /
    Phone. A ticked cell holds the label and an unticked cell is blank. Dates
    are ``03/15/2024 01:54:17 PM``. The CSV is UTF-8 without a BOM, CRLF. The
    XLSX has one sheet, "Sheet1", with the same two header rows; its dates
    are real Excel datetimes formatted ``mm/dd/yyyy hh:mm:ss AM/PM`` and its
    ids and scores are numbers.
google_forms_us.csv / google_forms_pl.csv
    "Download CSV" of the Google Sheet linked to a Google Form. UTF-8 without
    a BOM, CRLF, one header row. The first column is the timestamp, then
    "Email Address" ("Adres e-mail"), then the question texts. The US file
    has ``Timestamp`` values such as ``3/15/2024 9:05:09``. The Polish file
    has ``Sygnatura czasowa`` values such as ``15.03.2024 09:05:09``, with
    Polish questions, choice labels and comments.
typeform.csv
    Typeform "Download responses" CSV. UTF-8 without a BOM, LF, one header
    row. Columns: ``#`` (the response token), the questions, ``Response Type``
    (completed / partial), ``Start Date (UTC)``, ``Stage Date (UTC)``,
    ``Submit Date (UTC)`` as ``2024-03-15 13:54:17``, ``Network ID``, ``Tags``.
    Partial rows have a Stage Date and no Submit Date. Completed rows have a
    Submit Date and no Stage Date.
spss.sav / spss.zsav
    SPSS files written by pyreadstat.write_sav (zsav with ``compress=True``).
    Variables: id; Q5, the score coded 1..11 (code = score + 1) with value
    labels 1 "0 - Not at all likely", 2 "1", ..., 10 "9",
    11 "10 - Extremely likely", 99 "Don't know", where 99 is declared
    user-missing with ``missing_ranges``; region coded 1..4 with labels North /
    South / East / West; enddate, a DATETIME variable holding the UTC
    completion time; comment, a string.
spss_codes.sav
    Like spss.sav, but Q5 is coded 1..11 with no value labels. A reader
    cannot tell that code 1 means 0, so it must refuse the file and ask for
    the mapping.
spss_plain.sav
    The score, ``nps``, is coded 0..10 directly, with no value labels on it.
    region keeps its labels. No user-missing values.
stata.dta
    Stata 14+ dta (pyreadstat write_dta, version 15 gives format 118).
    Variables id; q5, the score coded 0..10 with value labels
    "0 - Not at all likely", "1", ..., "10 - Extremely likely"; the extended
    missing value .a, labelled "Don't know" (pyreadstat writes it when the
    column holds the string "a" and ``missing_user_values={"q5": ["a"]}`` is
    given; it reads back as "a" with ``user_missing=True``); region coded 1..4
    with labels; enddate (%tc datetime); comment (str).
truth.json
    The expected numbers for each file (see ``summarise``). Its top-level
    key ``files`` maps each file name to its entry.

Sources followed
----------------
* Qualtrics support, "Understanding Your Dataset": CSV/TSV exports have
  3 header rows (export tag, question text, ImportId JSON).
* The R package qualtRics (ropensci/qualtRics): R/read_survey.R and
  inst/extdata/sample.csv / sample_legacy.csv give the column set and order
  of the 17 metadata columns, their ImportIds, the legacy V1..V10 layout,
  the legacy BOM and trailing comma, and the date format.
* Qualtrics QSF files on GitHub: the NPS question is QuestionType "MC",
  Selector "NPS", Choices Display "0".."10", with "Not at all likely" /
  "Extremely likely" held separately as ColumnLabels. So the choice-text
  export writes plain "0".."10". A Qualtrics-to-CSV converter's tests
  (fflewddur/sp) show "6" -> "Detractor" and "10" -> "Promoter" in
  ``QIDn_NPS_GROUP``.
* Public analysis scripts filter Status == "Survey Preview" / "Spam" on
  choice-text exports.
* The SurveyMonkey two-row header, with blank metadata cells in row 2 and
  Response / Open-Ended Response / option labels, is copied from a real
  export quoted in a public parser's comments.
* Typeform CSV columns come from public code that handles real downloads.
  They show ``#``, ``Response Type`` "completed", ``Start Date (UTC)``,
  ``Stage Date (UTC)``, ``Submit Date (UTC)`` ``2024-10-05 02:41:38`` and
  ``Network ID``.
* Polish Google Forms sheets call the first two columns ``Sygnatura
  czasowa`` and ``Adres e-mail``, as seen in public R code that reads one.
* pyreadstat docs and signatures (1.3.x): write_sav(column_labels,
  variable_value_labels, missing_ranges, compress, variable_format,
  variable_measure) and write_dta(missing_user_values, version).

Assumptions (not confirmed from documentation)
----------------------------------------------
* Row 2 text for Q2_NPS_GROUP is "<question text> - Group". Its ImportId is
  ``QID2_NPS_GROUP``.
* The legacy export has a Q2_NPS_GROUP column too. Legacy dates use the same
  ``YYYY-MM-DD HH:MM:SS`` local time.
* In the TSV, fields that contain quotes (the JSON row) are quoted the CSV
  way, with quotes doubled. Line ends are CRLF.
* The preview and test rows have DistributionChannel "preview" / "test" and
  no IP address.
* The SurveyMonkey date format ``%m/%d/%Y %I:%M:%S %p`` is taken from the
  brief. The XLSX sheet name, the use of Excel datetime cells, and the NPS
  values 0..10 as plain numbers are also assumptions.
* The Google US timestamp follows Sheets' en_US default ``M/d/yyyy H:mm:ss``,
  so the hour is not zero-padded. The Polish one is ``dd.MM.yyyy HH:mm:ss``.
* The Typeform ``Tags`` column comes after ``Network ID`` and is empty here.
  No hidden fields are included.
* SurveyMonkey, Google and Typeform show the canonical UTC time as written.
  Only the Qualtrics files convert it to America/Denver. The conversion uses
  the fixed 2024 US DST rule (MST UTC-7 until 2024-03-10 09:00 UTC, then
  MDT UTC-6), so the output does not depend on the system tz database.
  Three respondents complete just after midnight UTC on the 1st of a month,
  so their Qualtrics month differs from the other files.

Write times embedded in binary formats
--------------------------------------
* XLSX: openpyxl stamps docProps/core.xml with "now", and the zip entries
  with the current time. The script rewrites the archive so that created /
  modified are 2024-07-01T00:00:00Z and every zip entry has that date.
* SAV / ZSAV: the header holds a creation date and time (bytes 92..108).
  ReadStat writes the current time there. The script overwrites it with
  "01 Jul 24" "00:00:00".
* DTA: the ``<timestamp>`` header element holds the write time. The script
  overwrites it with "01 Jul 2024 00:00".
After these patches the files are byte-identical from run to run; the
script checks this by writing them twice.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import math
import random
import re
import sys
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "exports"
SEED = 20240705
N_RESPONDENTS = 120

FIXED_STAMP = dt.datetime(2024, 7, 1, 0, 0, 0)

SEGMENTS = ["Online", "Store", "Phone"]
SEGMENT_CODE = {"Online": 1, "Store": 2, "Phone": 3}
SEGMENT_PL = {"Online": "Przez internet", "Store": "W sklepie stacjonarnym", "Phone": "Telefonicznie"}
REGIONS = ["North", "South", "East", "West"]
REGION_CODE = {"North": 1, "South": 2, "East": 3, "West": 4}

Q_NPS_QUALTRICS = "How likely are you to recommend Aurora to a friend or colleague?"
Q_NPS_SURVEYMONKEY = "How likely is it that you would recommend Aurora to a friend or colleague?"
Q_NPS_GOOGLE = "How likely are you to recommend Aurora to a friend or colleague?"
Q_NPS_TYPEFORM = "How likely are you to recommend Aurora to a friend or colleague?"
Q_NPS_PL = "Jak bardzo prawdopodobne jest, że polecisz nas znajomemu?"
Q_NPS_SPSS = "How likely are you to recommend us to a friend or colleague?"
Q_SEGMENT = "How did you buy most recently?"
Q_SEGMENT_PL = "W jaki sposób ostatnio robiłeś(-aś) u nas zakupy?"
Q_CHANNELS = "Which channels did you use?"
Q_COMMENT = "What is the main reason for your score?"
Q_COMMENT_PL = "Jaki jest główny powód Twojej oceny?"

QUALTRICS_STATUS_TEXT = {0: "IP Address", 1: "Survey Preview", 2: "Survey Test", 8: "Spam"}
QUALTRICS_EXCLUDE = {1: "preview", 2: "test", 8: "spam"}
NPS_GROUP_TEXT = {1: "Detractor", 2: "Passive", 3: "Promoter"}

# (English, Polish) comment pairs. Some hold commas, quotes, a semicolon,
# a line break and non-ASCII letters on purpose.
COMMENTS = [
    ("Fast delivery and friendly staff.", "Szybka dostawa i miła obsługa."),
    ("Prices are a bit high, but the quality is good.", "Ceny trochę wysokie, ale jakość dobra."),
    ("The app keeps crashing at checkout.", "Aplikacja zawiesza się przy płatności."),
    ("Great selection", "Świetny wybór"),
    ('Support said "we will call you back" and never did.', 'Obsługa powiedziała „oddzwonimy" i cisza.'),
    ("Order arrived late; the box was damaged.", "Zamówienie przyszło późno; paczka była uszkodzona."),
    ("Easy returns.", "Łatwe zwroty."),
    ("The café corner in the store is lovely.", "Kącik z kawą w sklepie jest uroczy."),
    ("Waited 20 minutes on the phone.\nStill no answer about my refund.",
     "Czekałem 20 minut na linii.\nNadal brak odpowiedzi w sprawie zwrotu."),
    ("Everything was fine.", "Wszystko w porządku."),
    ("Too many emails after the purchase.", "Za dużo maili po zakupie."),
    ("Helpful advice from the shop assistant.", "Pomocna rada sprzedawczyni."),
    ("Website is confusing, hard to find sizes.", "Strona jest nieczytelna, trudno znaleźć rozmiary."),
    ("I always recommend you to my friends!", "Zawsze polecam was znajomym!"),
    ("Product broke after two weeks.", "Produkt zepsuł się po dwóch tygodniach."),
    ("Good value for money.", "Dobry stosunek jakości do ceny."),
    ("Delivery driver was rude.", "Kurier był niegrzeczny."),
    ("Nice packaging, 10/10 would buy again.", "Ładne opakowanie, kupię ponownie."),
]

FIRST_NAMES = ["Anna", "Ben", "Clara", "David", "Ewa", "Farid", "Grace", "Hugo", "Iris", "Jakub",
               "Kate", "Liam", "Maja", "Noah", "Olga", "Piotr", "Quinn", "Rosa", "Sam", "Tomasz"]
LAST_NAMES = ["Adams", "Baker", "Nowak", "Kowalski", "Evans", "Fischer", "Garcia", "Hughes",
              "Ivanova", "Jones", "Lewandowska", "Moore", "Nguyen", "Owens", "Patel", "Reyes"]

ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
LOWER_ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789"
HEX = "0123456789abcdef"


# --------------------------------------------------------------------------
# Canonical respondents
# --------------------------------------------------------------------------

def make_respondents(rng: random.Random) -> list[dict]:
    start = dt.datetime(2024, 1, 5, 0, 0, 0)
    end = dt.datetime(2024, 6, 25, 23, 59, 59)
    span = int((end - start).total_seconds())
    score_weights = [3, 2, 2, 3, 3, 5, 6, 10, 14, 16, 20]  # for 0..10
    rows = []
    for _ in range(N_RESPONDENTS):
        when = start + dt.timedelta(seconds=rng.randrange(span))
        score = None if rng.random() < 0.10 else rng.choices(range(11), weights=score_weights)[0]
        segment = rng.choices(SEGMENTS, weights=[5, 3, 2])[0]
        region = rng.choice(REGIONS)
        comment = None if rng.random() < 0.35 else rng.randrange(len(COMMENTS))
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        others = [s for s in SEGMENTS if s != segment and rng.random() < 0.3]
        rows.append({
            "completed": when,
            "duration": rng.randrange(45, 900),
            "score": score,
            "segment": segment,
            "channels": sorted({segment, *others}, key=SEGMENTS.index),
            "region": region,
            "comment": comment,
            "first": first,
            "last": last,
            "ip": "%s.%d" % (rng.choice(["192.0.2", "198.51.100", "203.0.113"]), rng.randrange(1, 255)),
            "lat": round(39.55 + rng.random() * 0.4, 4),
            "lon": round(-105.15 + rng.random() * 0.4, 4),
            "response_id": "R_" + "".join(rng.choice(ALNUM) for _ in range(15)),
            "token": "".join(rng.choice(LOWER_ALNUM) for _ in range(32)),
            "network_id": "".join(rng.choice(HEX) for _ in range(10)),
            "email_channel": rng.random() < 0.4,
        })
    # Three responses just after midnight UTC on the 1st: in Denver they fall
    # in the previous month.
    for idx, when in zip((7, 41, 88), (dt.datetime(2024, 2, 1, 3, 12, 44),
                                       dt.datetime(2024, 4, 1, 5, 40, 2),
                                       dt.datetime(2024, 6, 1, 1, 5, 33))):
        rows[idx]["completed"] = when
        if rows[idx]["score"] is None:
            rows[idx]["score"] = 9
    rows.sort(key=lambda r: r["completed"])
    for i, r in enumerate(rows, start=1):
        r["id"] = i
        r["email"] = "%s.%s%d@example.com" % (r["first"].lower(), r["last"].lower(), i)

    # Per-platform flags, chosen once so every run is the same.
    ids = [r["id"] for r in rows]
    flag_rng = random.Random(SEED + 1)
    picked = flag_rng.sample(ids, 7)
    status = {i: 0 for i in ids}
    for i in picked[:3]:
        status[i] = 1   # preview
    for i in picked[3:5]:
        status[i] = 2   # test
    for i in picked[5:7]:
        status[i] = 8   # spam
    partial = set(flag_rng.sample([i for i in ids if status[i] == 0], 10))
    no_score = [r["id"] for r in rows if r["score"] is None]
    flag_rng.shuffle(no_score)
    dont_know = set(no_score[: max(1, len(no_score) // 2)])
    partial_list = sorted(partial)
    partial_scored = set(partial_list[:6])  # these partials answered the NPS question
    for r in rows:
        r["q_status"] = status[r["id"]]
        r["tf_partial"] = r["id"] in partial
        r["tf_partial_scored"] = r["id"] in partial_scored
        r["dont_know"] = r["id"] in dont_know
        if r["q_status"] in (1, 2, 8) and r["score"] is None:
            # give excluded rows a score so that forgetting to drop them changes the NPS
            r["score"] = 10
    return rows


def denver(utc: dt.datetime) -> dt.datetime:
    """UTC -> America/Denver wall time with the 2024 US DST rule."""
    dst_start = dt.datetime(2024, 3, 10, 9, 0, 0)
    dst_end = dt.datetime(2024, 11, 3, 8, 0, 0)
    offset = 6 if dst_start <= utc < dst_end else 7
    return utc - dt.timedelta(hours=offset)


def nps_group(score):
    if score is None:
        return None
    if score <= 6:
        return 1
    if score <= 8:
        return 2
    return 3


def month_of(when: dt.datetime) -> str:
    return "%04d-%02d" % (when.year, when.month)


def us_ampm(when: dt.datetime) -> str:
    hour12 = when.hour % 12 or 12
    return "%02d/%02d/%04d %02d:%02d:%02d %s" % (
        when.month, when.day, when.year, hour12, when.minute, when.second,
        "AM" if when.hour < 12 else "PM")


def iso(when: dt.datetime) -> str:
    return when.strftime("%Y-%m-%d %H:%M:%S")


# --------------------------------------------------------------------------
# Truth: plain loops
# --------------------------------------------------------------------------

def summarise(records: list[dict]) -> dict:
    """records: dicts with keys excluded (reason or None), score (int or None),
    segment (label), month ("YYYY-MM")."""
    excluded: dict[str, int] = {}
    promoters = passives = detractors = missing = 0
    seg: dict[str, list[int]] = {}
    mon: dict[str, list[int]] = {}
    kept = 0
    for r in records:
        if r["excluded"]:
            excluded[r["excluded"]] = excluded.get(r["excluded"], 0) + 1
            continue
        kept += 1
        s = r["score"]
        for table, key in ((seg, r["segment"]), (mon, r["month"])):
            if key not in table:
                table[key] = [0, 0, 0]  # n, promoters, detractors
        if s is None:
            missing += 1
            continue
        if s >= 9:
            promoters += 1
            delta = (1, 1, 0)
        elif s >= 7:
            passives += 1
            delta = (1, 0, 0)
        else:
            detractors += 1
            delta = (1, 0, 1)
        for table, key in ((seg, r["segment"]), (mon, r["month"])):
            for k in range(3):
                table[key][k] += delta[k]
    n = promoters + passives + detractors

    def score_of(c):
        return None if c[0] == 0 else 100.0 * (c[1] - c[2]) / c[0]

    return {
        "rows": len(records),
        "excluded": {k: excluded[k] for k in sorted(excluded)},
        "kept": kept,
        "n": n,
        "promoters": promoters,
        "passives": passives,
        "detractors": detractors,
        "n_missing": missing,
        "nps": 100.0 * (promoters - detractors) / n,
        "by_segment": {k: {"n": seg[k][0], "nps": score_of(seg[k])} for k in sorted(seg)},
        "by_month": {k: {"n": mon[k][0], "nps": score_of(mon[k])} for k in sorted(mon)},
    }


# --------------------------------------------------------------------------
# Writers
# --------------------------------------------------------------------------

def csv_text(rows: list[list], delimiter=",", lineterminator="\r\n") -> str:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, lineterminator=lineterminator, quoting=csv.QUOTE_MINIMAL)
    for row in rows:
        w.writerow(["" if v is None else v for v in row])
    return buf.getvalue()


def write_bytes(name: str, data: bytes) -> None:
    (OUT / name).write_bytes(data)


def comment_en(r):
    return "" if r["comment"] is None else COMMENTS[r["comment"]][0]


def comment_pl(r):
    return "" if r["comment"] is None else COMMENTS[r["comment"]][1]


QUALTRICS_META = [
    ("StartDate", "Start Date", '{"ImportId":"startDate","timeZone":"America/Denver"}'),
    ("EndDate", "End Date", '{"ImportId":"endDate","timeZone":"America/Denver"}'),
    ("Status", "Response Type", '{"ImportId":"status"}'),
    ("IPAddress", "IP Address", '{"ImportId":"ipAddress"}'),
    ("Progress", "Progress", '{"ImportId":"progress"}'),
    ("Duration (in seconds)", "Duration (in seconds)", '{"ImportId":"duration"}'),
    ("Finished", "Finished", '{"ImportId":"finished"}'),
    ("RecordedDate", "Recorded Date", '{"ImportId":"recordedDate","timeZone":"America/Denver"}'),
    ("ResponseId", "Response ID", '{"ImportId":"_recordId"}'),
    ("RecipientLastName", "Recipient Last Name", '{"ImportId":"recipientLastName"}'),
    ("RecipientFirstName", "Recipient First Name", '{"ImportId":"recipientFirstName"}'),
    ("RecipientEmail", "Recipient Email", '{"ImportId":"recipientEmail"}'),
    ("ExternalReference", "External Data Reference", '{"ImportId":"externalDataReference"}'),
    ("LocationLatitude", "Location Latitude", '{"ImportId":"locationLatitude"}'),
    ("LocationLongitude", "Location Longitude", '{"ImportId":"locationLongitude"}'),
    ("DistributionChannel", "Distribution Channel", '{"ImportId":"distributionChannel"}'),
    ("UserLanguage", "User Language", '{"ImportId":"userLanguage"}'),
]
QUALTRICS_QUESTIONS = [
    ("Q1", Q_SEGMENT, '{"ImportId":"QID1"}'),
    ("Q2", Q_NPS_QUALTRICS, '{"ImportId":"QID2"}'),
    ("Q2_NPS_GROUP", Q_NPS_QUALTRICS + " - Group", '{"ImportId":"QID2_NPS_GROUP"}'),
    ("Q3", Q_COMMENT, '{"ImportId":"QID3_TEXT"}'),
]


def qualtrics_rows(people, text: bool) -> list[list]:
    cols = QUALTRICS_META + QUALTRICS_QUESTIONS
    out = [[c[0] for c in cols], [c[1] for c in cols], [c[2] for c in cols]]
    for r in people:
        st = r["q_status"]
        end_local = denver(r["completed"])
        start_local = end_local - dt.timedelta(seconds=r["duration"])
        if st in (1, 2):
            channel = "preview" if st == 1 else "test"
            ip = lat = lon = None
            last = first = email = None
        else:
            channel = "email" if r["email_channel"] else "anonymous"
            ip, lat, lon = r["ip"], r["lat"], r["lon"]
            if r["email_channel"]:
                last, first, email = r["last"], r["first"], r["email"]
            else:
                last = first = email = None
        group = nps_group(r["score"])
        if text:
            status_v = QUALTRICS_STATUS_TEXT[st]
            finished = "True"
            q1 = r["segment"]
            q2 = None if r["score"] is None else str(r["score"])
            grp = None if group is None else NPS_GROUP_TEXT[group]
        else:
            status_v = st
            finished = 1
            q1 = SEGMENT_CODE[r["segment"]]
            q2 = r["score"]
            grp = group
        out.append([
            iso(start_local), iso(end_local), status_v, ip, 100, r["duration"], finished,
            iso(end_local), r["response_id"], last, first, email, None, lat, lon, channel, "EN",
            q1, q2, grp, comment_en(r),
        ])
    return out


def qualtrics_records(people):
    recs = []
    for r in people:
        recs.append({
            "excluded": QUALTRICS_EXCLUDE.get(r["q_status"]),
            "score": r["score"],
            "segment": r["segment"],
            "month": month_of(denver(r["completed"])),
        })
    return recs


def write_qualtrics(people, truth):
    write_bytes("qualtrics.csv", b"\xef\xbb\xbf" + csv_text(qualtrics_rows(people, text=False)).encode("utf-8"))
    write_bytes("qualtrics_text.csv", b"\xef\xbb\xbf" + csv_text(qualtrics_rows(people, text=True)).encode("utf-8"))
    tsv = csv_text(qualtrics_rows(people, text=False), delimiter="\t")
    write_bytes("qualtrics.tsv", tsv.encode("utf-16"))  # "utf-16" writes a BOM; little-endian on every platform we target
    assert (OUT / "qualtrics.tsv").read_bytes()[:2] == b"\xff\xfe"

    base = {
        "layout": "qualtrics",
        "header_rows": 3,
        "score_column": "Q2",
        "nps_group_column": "Q2_NPS_GROUP",
        "date_column": "RecordedDate",
        "date_format": "%Y-%m-%d %H:%M:%S",
        "time_zone": "America/Denver",
        "segment_column": "Q1",
        "segment_values": sorted(SEGMENTS),
        "status_column": "Status",
    }
    s = summarise(qualtrics_records(people))
    truth["qualtrics.csv"] = {**base, "encoding": "utf-8-sig", "delimiter": ",", "values": "numeric",
                              "segment_codes": {str(v): k for k, v in SEGMENT_CODE.items()},
                              "status_codes": {"0": "IP Address", "1": "Survey Preview", "2": "Survey Test", "8": "Spam"},
                              **s}
    truth["qualtrics_text.csv"] = {**base, "encoding": "utf-8-sig", "delimiter": ",", "values": "choice text", **s}
    truth["qualtrics.tsv"] = {**base, "encoding": "utf-16 (LE with BOM)", "delimiter": "\t", "values": "numeric",
                              "segment_codes": {str(v): k for k, v in SEGMENT_CODE.items()}, **s}

    # Legacy exporter
    head1 = ["V%d" % i for i in range(1, 11)] + ["Q1", "Q2", "Q2_NPS_GROUP", "Q3",
                                                "LocationLatitude", "LocationLongitude", "LocationAccuracy", ""]
    head2 = ["ResponseID", "ResponseSet", "Name", "ExternalDataReference", "EmailAddress", "IPAddress",
             "Status", "StartDate", "EndDate", "Finished", Q_SEGMENT, Q_NPS_QUALTRICS,
             Q_NPS_QUALTRICS + " - Group", Q_COMMENT, "LocationLatitude", "LocationLongitude",
             "LocationAccuracy", ""]
    rows = [head1, head2]
    for r in people:
        st = r["q_status"]
        end_local = denver(r["completed"])
        start_local = end_local - dt.timedelta(seconds=r["duration"])
        preview = st in (1, 2)
        if r["email_channel"] and not preview:
            name, email = "%s, %s" % (r["last"], r["first"]), r["email"]
        else:
            name, email = "Anonymous", None
        rows.append([
            r["response_id"], "Default Response Set", name, None, email,
            None if preview else r["ip"], st, iso(start_local), iso(end_local), 1,
            SEGMENT_CODE[r["segment"]], r["score"], nps_group(r["score"]), comment_en(r),
            None if preview else r["lat"], None if preview else r["lon"], -1, "",
        ])
    write_bytes("qualtrics_legacy.csv", b"\xef\xbb\xbf" + csv_text(rows).encode("utf-8"))
    truth["qualtrics_legacy.csv"] = {
        "layout": "qualtrics", "variant": "legacy", "encoding": "utf-8-sig", "delimiter": ",",
        "header_rows": 2, "values": "numeric", "trailing_empty_column": True,
        "score_column": "Q2", "nps_group_column": "Q2_NPS_GROUP",
        # the reader names V1..V10 by the second header row (V9 is EndDate), as the question columns keep theirs
        "date_column": "EndDate", "date_column_tag": "V9", "date_format": "%Y-%m-%d %H:%M:%S",
        "time_zone": "America/Denver",
        "segment_column": "Q1", "segment_values": sorted(SEGMENTS),
        "segment_codes": {str(v): k for k, v in SEGMENT_CODE.items()},
        "status_column": "Status",
        **summarise(qualtrics_records(people)),
    }


SM_META = ["Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address", "Email Address",
           "First Name", "Last Name", "Custom Data 1"]


def surveymonkey_table(people):
    head1 = SM_META + [Q_SEGMENT, Q_CHANNELS, "", "", Q_NPS_SURVEYMONKEY, Q_COMMENT]
    head2 = [""] * len(SM_META) + ["Response", "Online", "Store", "Phone", "Response", "Open-Ended Response"]
    body = []
    rid = 114300000000
    rng = random.Random(SEED + 2)
    for r in people:
        rid += rng.randrange(1000, 90000)
        end = r["completed"]
        start = end - dt.timedelta(seconds=r["duration"])
        if r["email_channel"]:
            collector, email, first, last = 431207788, r["email"], r["first"], r["last"]
        else:
            collector, email, first, last = 431205521, None, None, None
        ticks = [s if s in r["channels"] else None for s in SEGMENTS]
        body.append({
            "values": [rid, collector, start, end, r["ip"], email, first, last, None,
                       r["segment"], *ticks, r["score"], comment_en(r)],
        })
    return head1, head2, body


def write_surveymonkey(people, truth):
    head1, head2, body = surveymonkey_table(people)
    rows = [head1, head2]
    for b in body:
        v = list(b["values"])
        v[2], v[3] = us_ampm(v[2]), us_ampm(v[3])
        rows.append(v)
    write_bytes("surveymonkey.csv", csv_text(rows).encode("utf-8"))

    from openpyxl import Workbook
    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws.append([v if v else None for v in head1])
    ws.append([v if v else None for v in head2])
    for b in body:
        ws.append(b["values"])
    for row in ws.iter_rows(min_row=3, min_col=3, max_col=4):
        for cell in row:
            cell.number_format = "mm/dd/yyyy hh:mm:ss AM/PM"
    wb.properties.creator = "SurveyMonkey"
    wb.properties.created = FIXED_STAMP
    buf = io.BytesIO()
    wb.save(buf)
    write_bytes("surveymonkey.xlsx", normalise_xlsx(buf.getvalue()))

    recs = [{"excluded": None, "score": r["score"], "segment": r["segment"], "month": month_of(r["completed"])}
            for r in people]
    base = {
        "layout": "surveymonkey", "header_rows": 2,
        "score_column": Q_NPS_SURVEYMONKEY, "date_column": "End Date",
        "segment_column": Q_SEGMENT, "segment_values": sorted(SEGMENTS),
        "multi_choice_question": Q_CHANNELS, "multi_choice_options": SEGMENTS,
        **summarise(recs),
    }
    truth["surveymonkey.csv"] = {**base, "encoding": "utf-8", "delimiter": ",",
                                 "date_format": "%m/%d/%Y %I:%M:%S %p"}
    truth["surveymonkey.xlsx"] = {**base, "sheet": "Sheet1", "date_cells": "Excel datetime"}


def normalise_xlsx(data: bytes) -> bytes:
    """Re-zip with fixed entry dates and fixed core-property times."""
    stamp = FIXED_STAMP.strftime("%Y-%m-%dT%H:%M:%SZ")
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                text = content.decode("utf-8")
                text = re.sub(r"(<dcterms:created[^>]*>)[^<]*(</dcterms:created>)", r"\g<1>%s\g<2>" % stamp, text)
                text = re.sub(r"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)", r"\g<1>%s\g<2>" % stamp, text)
                content = text.encode("utf-8")
            zi = zipfile.ZipInfo(info.filename, date_time=FIXED_STAMP.timetuple()[:6])
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o600 << 16
            dst.writestr(zi, content)
    return out.getvalue()


def write_google(people, truth):
    # US
    rows = [["Timestamp", "Email Address", Q_NPS_GOOGLE, Q_SEGMENT, Q_COMMENT]]
    for r in people:
        w = r["completed"]
        stamp = "%d/%d/%04d %d:%02d:%02d" % (w.month, w.day, w.year, w.hour, w.minute, w.second)
        rows.append([stamp, r["email"], r["score"], r["segment"], comment_en(r)])
    write_bytes("google_forms_us.csv", csv_text(rows).encode("utf-8"))
    recs = [{"excluded": None, "score": r["score"], "segment": r["segment"], "month": month_of(r["completed"])}
            for r in people]
    truth["google_forms_us.csv"] = {
        "layout": "google-forms", "encoding": "utf-8", "delimiter": ",", "header_rows": 1,
        "score_column": Q_NPS_GOOGLE, "date_column": "Timestamp", "date_format": "%m/%d/%Y %H:%M:%S",
        "segment_column": Q_SEGMENT, "segment_values": sorted(SEGMENTS), **summarise(recs),
    }
    # PL
    rows = [["Sygnatura czasowa", "Adres e-mail", Q_NPS_PL, Q_SEGMENT_PL, Q_COMMENT_PL]]
    for r in people:
        rows.append([r["completed"].strftime("%d.%m.%Y %H:%M:%S"), r["email"], r["score"],
                     SEGMENT_PL[r["segment"]], comment_pl(r)])
    write_bytes("google_forms_pl.csv", csv_text(rows).encode("utf-8"))
    recs = [{"excluded": None, "score": r["score"], "segment": SEGMENT_PL[r["segment"]],
             "month": month_of(r["completed"])} for r in people]
    truth["google_forms_pl.csv"] = {
        "layout": "google-forms", "encoding": "utf-8", "delimiter": ",", "header_rows": 1,
        "score_column": Q_NPS_PL, "date_column": "Sygnatura czasowa", "date_format": "%d.%m.%Y %H:%M:%S",
        "segment_column": Q_SEGMENT_PL, "segment_values": sorted(SEGMENT_PL.values()), **summarise(recs),
    }


def write_typeform(people, truth):
    rows = [["#", Q_NPS_TYPEFORM, Q_SEGMENT, Q_COMMENT, "Response Type", "Start Date (UTC)",
             "Stage Date (UTC)", "Submit Date (UTC)", "Network ID", "Tags"]]
    recs = []
    for r in people:
        end = r["completed"]
        start = end - dt.timedelta(seconds=r["duration"])
        if r["tf_partial"]:
            score = r["score"] if r["tf_partial_scored"] else None
            if r["tf_partial_scored"] and score is None:
                score = 3
            rows.append([r["token"], score, r["segment"], None, "partial", iso(start), iso(end), None,
                         r["network_id"], None])
            recs.append({"excluded": "partial", "score": score, "segment": r["segment"], "month": month_of(end)})
        else:
            rows.append([r["token"], r["score"], r["segment"], comment_en(r), "completed", iso(start), None,
                         iso(end), r["network_id"], None])
            recs.append({"excluded": None, "score": r["score"], "segment": r["segment"], "month": month_of(end)})
    write_bytes("typeform.csv", csv_text(rows, lineterminator="\n").encode("utf-8"))
    s = summarise(recs)
    s["partial_with_score"] = sum(1 for x in recs if x["excluded"] == "partial" and x["score"] is not None)
    truth["typeform.csv"] = {
        "layout": "typeform", "encoding": "utf-8", "delimiter": ",", "header_rows": 1,
        "score_column": Q_NPS_TYPEFORM, "date_column": "Submit Date (UTC)", "date_format": "%Y-%m-%d %H:%M:%S",
        "segment_column": Q_SEGMENT, "segment_values": sorted(SEGMENTS),
        "response_type_column": "Response Type", **s,
    }


# --------------------------- SPSS / Stata ---------------------------------

SPSS_SCORE_LABELS = {1.0: "0 - Not at all likely", **{float(k + 1): str(k) for k in range(1, 10)},
                     11.0: "10 - Extremely likely"}
REGION_LABELS = {float(v): k for k, v in REGION_CODE.items()}


def patch_sav_timestamp(path: Path) -> None:
    data = bytearray(path.read_bytes())
    assert data[:4] in (b"$FL2", b"$FL3"), data[:4]
    data[92:101] = b"01 Jul 24"
    data[101:109] = b"00:00:00"
    path.write_bytes(bytes(data))


def patch_dta_timestamp(path: Path) -> None:
    data = path.read_bytes()
    tag = b"<timestamp>"
    i = data.index(tag) + len(tag)
    length = data[i]
    j = data.index(b"</timestamp>", i)
    stamp = b"01 Jul 2024 00:00"
    assert length == len(stamp) == j - i - 1, (length, j - i - 1)
    path.write_bytes(data[: i + 1] + stamp + data[j:])


def spss_frame(people, coding: str):
    import pandas as pd
    q = []
    for r in people:
        if r["score"] is None:
            q.append(99.0 if (coding == "plus1" and r["dont_know"]) else float("nan"))
        else:
            q.append(float(r["score"] + 1) if coding in ("plus1", "codes") else float(r["score"]))
    return pd.DataFrame({
        "id": [float(r["id"]) for r in people],
        "Q5" if coding != "plain" else "nps": q,
        "region": [float(REGION_CODE[r["region"]]) for r in people],
        "enddate": pd.to_datetime([r["completed"] for r in people]),
        "comment": [comment_en(r) for r in people],
    })


def write_spss(people, truth):
    import pyreadstat
    common_labels = {"id": "Respondent ID", "region": "Region", "enddate": "Completion date and time",
                     "comment": Q_COMMENT}

    df = spss_frame(people, "plus1")
    kw = dict(
        file_label="Aurora customer survey",
        column_labels={**common_labels, "Q5": Q_NPS_SPSS},
        variable_value_labels={"Q5": {**SPSS_SCORE_LABELS, 99.0: "Don't know"}, "region": REGION_LABELS},
        missing_ranges={"Q5": [99.0]},
        variable_format={"id": "F4.0", "Q5": "F2.0", "region": "F1.0", "enddate": "DATETIME20"},
        variable_measure={"id": "scale", "Q5": "ordinal", "region": "nominal", "enddate": "scale",
                          "comment": "nominal"},
    )
    pyreadstat.write_sav(df, str(OUT / "spss.sav"), **kw)
    pyreadstat.write_sav(df, str(OUT / "spss.zsav"), compress=True, **kw)
    patch_sav_timestamp(OUT / "spss.sav")
    patch_sav_timestamp(OUT / "spss.zsav")

    recs = []
    for r in people:
        recs.append({"excluded": None, "score": r["score"], "segment": r["region"], "month": month_of(r["completed"])})
    s = summarise(recs)
    base = {
        "layout": "spss", "score_column": "Q5", "score_label": Q_NPS_SPSS,
        "score_coding": "code = score + 1 (value labels '0 - Not at all likely', '1'..'9', '10 - Extremely likely')",
        "score_codes": {str(k): (0 if k == 1 else 10 if k == 11 else k - 1) for k in range(1, 12)},
        "user_missing_codes": [99], "user_missing_labels": {"99": "Don't know"},
        "n_user_missing": sum(1 for r in people if r["score"] is None and r["dont_know"]),
        "date_column": "enddate", "segment_column": "region", "segment_values": sorted(REGIONS),
        "region_codes": {str(v): k for k, v in REGION_CODE.items()},
        **s,
    }
    truth["spss.sav"] = {**base, "compressed": "none"}
    truth["spss.zsav"] = {**base, "compressed": "zlib (zsav)"}

    # codes without labels: the reader must refuse
    df = spss_frame(people, "codes")
    pyreadstat.write_sav(df, str(OUT / "spss_codes.sav"), file_label="Aurora customer survey",
                         column_labels={**common_labels, "Q5": Q_NPS_SPSS},
                         variable_value_labels={"region": REGION_LABELS},
                         variable_format={"id": "F4.0", "Q5": "F2.0", "region": "F1.0", "enddate": "DATETIME20"})
    patch_sav_timestamp(OUT / "spss_codes.sav")
    truth["spss_codes.sav"] = {
        "layout": "spss", "refused": True, "rows": len(people), "score_column": "Q5",
        "reason": "Q5 holds codes 1..11 with no value labels; the mapping to 0..10 cannot be inferred",
        "score_code_range": [1, 11],
    }

    # plain 0..10
    df = spss_frame(people, "plain")
    pyreadstat.write_sav(df, str(OUT / "spss_plain.sav"), file_label="Aurora customer survey",
                         column_labels={**common_labels, "nps": Q_NPS_SPSS},
                         variable_value_labels={"region": REGION_LABELS},
                         variable_format={"id": "F4.0", "nps": "F2.0", "region": "F1.0", "enddate": "DATETIME20"})
    patch_sav_timestamp(OUT / "spss_plain.sav")
    truth["spss_plain.sav"] = {
        "layout": "spss", "score_column": "nps", "score_label": Q_NPS_SPSS, "score_coding": "0..10 as is",
        "date_column": "enddate", "segment_column": "region", "segment_values": sorted(REGIONS),
        "region_codes": {str(v): k for k, v in REGION_CODE.items()},
        **s,
    }


def write_stata(people, truth):
    import pandas as pd
    import pyreadstat
    q5 = []
    for r in people:
        if r["score"] is None:
            q5.append("a" if r["dont_know"] else float("nan"))
        else:
            q5.append(float(r["score"]))
    df = pd.DataFrame({
        "id": [float(r["id"]) for r in people],
        "q5": pd.Series(q5, dtype=object),
        "region": [float(REGION_CODE[r["region"]]) for r in people],
        "enddate": pd.to_datetime([r["completed"] for r in people]),
        "comment": [comment_en(r) for r in people],
    })
    labels = {0.0: "0 - Not at all likely", **{float(k): str(k) for k in range(1, 10)},
              10.0: "10 - Extremely likely", "a": "Don't know"}
    pyreadstat.write_dta(
        df, str(OUT / "stata.dta"), file_label="Aurora customer survey", version=15,
        column_labels={"id": "Respondent ID", "q5": Q_NPS_SPSS, "region": "Region",
                       "enddate": "Completion date and time", "comment": Q_COMMENT},
        variable_value_labels={"q5": labels, "region": REGION_LABELS},
        missing_user_values={"q5": ["a"]},
    )
    patch_dta_timestamp(OUT / "stata.dta")
    recs = [{"excluded": None, "score": r["score"], "segment": r["region"], "month": month_of(r["completed"])}
            for r in people]
    truth["stata.dta"] = {
        "layout": "stata", "score_column": "q5", "score_label": Q_NPS_SPSS,
        "score_coding": "0..10 as is, value labels '0 - Not at all likely', '1'..'9', '10 - Extremely likely'",
        "extended_missing": {".a": "Don't know"},
        "n_user_missing": sum(1 for r in people if r["score"] is None and r["dont_know"]),
        "date_column": "enddate", "segment_column": "region", "segment_values": sorted(REGIONS),
        "region_codes": {str(v): k for k, v in REGION_CODE.items()},
        **summarise(recs),
    }


# --------------------------------------------------------------------------
# Read-back check (pandas / pyreadstat, a different code path from summarise)
# --------------------------------------------------------------------------

def _stats(scores, segments, months):
    """scores: list of float/None for kept rows (pandas values)."""
    import pandas as pd
    df = pd.DataFrame({"s": pd.to_numeric(pd.Series(scores, dtype=object), errors="coerce"),
                       "seg": list(segments), "mon": list(months)})
    ans = df.dropna(subset=["s"])

    def nps(x):
        return None if len(x) == 0 else float(((x >= 9).mean() - (x <= 6).mean()) * 100)

    return {
        "n": int(len(ans)),
        "promoters": int((ans.s >= 9).sum()),
        "passives": int(((ans.s >= 7) & (ans.s <= 8)).sum()),
        "detractors": int((ans.s <= 6).sum()),
        "n_missing": int(df.s.isna().sum()),
        "nps": nps(ans.s),
        "by_segment": {k: {"n": int(g.s.notna().sum()), "nps": nps(g.s.dropna())} for k, g in df.groupby("seg")},
        "by_month": {k: {"n": int(g.s.notna().sum()), "nps": nps(g.s.dropna())} for k, g in df.groupby("mon")},
    }


def _compare(name, got, truth):
    want = truth[name]
    for key, val in got.items():
        exp = want[key]
        if key in ("by_segment", "by_month"):
            assert set(val) == set(exp), (name, key, val.keys(), exp.keys())
            for k in val:
                assert val[k]["n"] == exp[k]["n"], (name, key, k, val[k], exp[k])
                if exp[k]["nps"] is not None:
                    assert math.isclose(val[k]["nps"], exp[k]["nps"], abs_tol=1e-9), (name, key, k)
        elif isinstance(exp, float):
            assert math.isclose(val, exp, abs_tol=1e-9), (name, key, val, exp)
        else:
            assert val == exp, (name, key, val, exp)


def check_all(truth) -> list[str]:
    import pandas as pd
    import pyreadstat
    lines = []

    def rd(name, **kw):
        return pd.read_csv(OUT / name, dtype=str, keep_default_na=False, **kw)

    # Qualtrics numeric (CSV and TSV)
    for name, kw in (("qualtrics.csv", {"encoding": "utf-8-sig"}),
                     ("qualtrics.tsv", {"encoding": "utf-16", "sep": "\t"})):
        raw = rd(name, header=None, **kw)
        assert raw.iloc[2, 0] == '{"ImportId":"startDate","timeZone":"America/Denver"}', raw.iloc[2, 0]
        assert raw.iloc[1, list(raw.iloc[0]).index("Q2")] == Q_NPS_QUALTRICS
        df = rd(name, skiprows=[1, 2], **kw)
        st = df["Status"].astype(int)
        excl = {QUALTRICS_EXCLUDE[c]: int((st == c).sum()) for c in (1, 2, 8)}
        kept = df[st == 0]
        g = kept["Q2_NPS_GROUP"]
        q2 = pd.to_numeric(kept["Q2"], errors="coerce")
        assert ((g == "") == q2.isna()).all()
        assert (pd.to_numeric(g[g != ""]).astype(int) == q2.dropna().map(nps_group)).all()
        seg = kept["Q1"].astype(int).map({v: k for k, v in SEGMENT_CODE.items()})
        mon = pd.to_datetime(kept["RecordedDate"], format="%Y-%m-%d %H:%M:%S").dt.strftime("%Y-%m")
        got = _stats(list(q2), seg, mon)
        got.update(rows=len(df), excluded={k: v for k, v in sorted(excl.items()) if v})
        _compare(name, got, truth)
        lines.append(f"{name}: ok")

    # Qualtrics choice text
    df = rd("qualtrics_text.csv", skiprows=[1, 2], encoding="utf-8-sig")
    inv = {v: k for k, v in QUALTRICS_STATUS_TEXT.items()}
    st = df["Status"].map(inv)
    assert st.notna().all()
    kept = df[st == 0]
    assert set(kept["Q2_NPS_GROUP"]) <= {"", "Detractor", "Passive", "Promoter"}
    mon = pd.to_datetime(kept["RecordedDate"]).dt.strftime("%Y-%m")
    got = _stats(list(pd.to_numeric(kept["Q2"], errors="coerce")), kept["Q1"], mon)
    got.update(rows=len(df), excluded={QUALTRICS_EXCLUDE[c]: int((st == c).sum()) for c in (1, 2, 8)})
    _compare("qualtrics_text.csv", got, truth)
    lines.append("qualtrics_text.csv: ok")

    # Qualtrics legacy
    df = rd("qualtrics_legacy.csv", skiprows=[1], encoding="utf-8-sig")
    assert list(df.columns[:10]) == ["V%d" % i for i in range(1, 11)]
    assert df.columns[-1].startswith("Unnamed")
    st = df["V7"].astype(int)
    kept = df[st == 0]
    mon = pd.to_datetime(kept["V9"]).dt.strftime("%Y-%m")
    seg = kept["Q1"].astype(int).map({v: k for k, v in SEGMENT_CODE.items()})
    got = _stats(list(pd.to_numeric(kept["Q2"], errors="coerce")), seg, mon)
    got.update(rows=len(df), excluded={QUALTRICS_EXCLUDE[c]: int((st == c).sum()) for c in (1, 2, 8)})
    _compare("qualtrics_legacy.csv", got, truth)
    lines.append("qualtrics_legacy.csv: ok")

    # SurveyMonkey CSV and XLSX
    for name in ("surveymonkey.csv", "surveymonkey.xlsx"):
        if name.endswith(".csv"):
            raw = rd(name, header=None)
            df = rd(name, skiprows=[1])
            end = pd.to_datetime(df["End Date"], format="%m/%d/%Y %I:%M:%S %p")
        else:
            raw = pd.read_excel(OUT / name, header=None, dtype=object).fillna("")
            df = pd.read_excel(OUT / name, skiprows=[1])
            end = pd.to_datetime(df["End Date"])
            assert isinstance(df["End Date"].iloc[0], pd.Timestamp)
        assert list(raw.iloc[1, 9:15]) == ["Response", "Online", "Store", "Phone", "Response", "Open-Ended Response"]
        assert raw.iloc[0, 10] == Q_CHANNELS and raw.iloc[0, 11] == "" and raw.iloc[0, 12] == ""
        got = _stats(list(pd.to_numeric(df[Q_NPS_SURVEYMONKEY], errors="coerce")), df[Q_SEGMENT],
                     end.dt.strftime("%Y-%m"))
        got.update(rows=len(df), excluded={})
        _compare(name, got, truth)
        lines.append(f"{name}: ok")

    # Google Forms
    for name, tcol, fmt, qn, qs in (
            ("google_forms_us.csv", "Timestamp", "%m/%d/%Y %H:%M:%S", Q_NPS_GOOGLE, Q_SEGMENT),
            ("google_forms_pl.csv", "Sygnatura czasowa", "%d.%m.%Y %H:%M:%S", Q_NPS_PL, Q_SEGMENT_PL)):
        df = rd(name)
        mon = pd.to_datetime(df[tcol], format=fmt).dt.strftime("%Y-%m")
        got = _stats(list(pd.to_numeric(df[qn], errors="coerce")), df[qs], mon)
        got.update(rows=len(df), excluded={})
        _compare(name, got, truth)
        lines.append(f"{name}: ok")

    # Typeform
    df = rd("typeform.csv")
    kept = df[df["Response Type"] == "completed"]
    assert (df.loc[df["Response Type"] == "partial", "Submit Date (UTC)"] == "").all()
    mon = pd.to_datetime(kept["Submit Date (UTC)"]).dt.strftime("%Y-%m")
    got = _stats(list(pd.to_numeric(kept[Q_NPS_TYPEFORM], errors="coerce")), kept[Q_SEGMENT], mon)
    got.update(rows=len(df), excluded={"partial": int((df["Response Type"] == "partial").sum())})
    _compare("typeform.csv", got, truth)
    lines.append("typeform.csv: ok")

    # SPSS
    for name in ("spss.sav", "spss.zsav"):
        df, meta = pyreadstat.read_sav(str(OUT / name), apply_value_formats=True, user_missing=True)
        assert meta.missing_ranges["Q5"] == [{"lo": 99.0, "hi": 99.0}], meta.missing_ranges
        assert meta.column_names_to_labels["Q5"] == Q_NPS_SPSS
        labels = df["Q5"]
        dk = int((labels == "Don't know").sum())
        scores = [None if (not isinstance(v, str) or v == "Don't know") else int(v.split()[0]) for v in labels]
        got = _stats(scores, df["region"], pd.to_datetime(df["enddate"]).dt.strftime("%Y-%m"))
        got.update(rows=len(df), n_user_missing=dk)
        _compare(name, got, truth)
        plain, _ = pyreadstat.read_sav(str(OUT / name))
        assert plain["Q5"].dropna().between(1, 11).all()  # 99 becomes NaN without user_missing
        lines.append(f"{name}: ok ({dk} user-missing 99)")

    df, meta = pyreadstat.read_sav(str(OUT / "spss_codes.sav"))
    assert "Q5" not in meta.variable_value_labels
    assert df["Q5"].min() == 1 and df["Q5"].max() == 11
    lines.append("spss_codes.sav: ok (codes 1..11, no labels)")

    df, meta = pyreadstat.read_sav(str(OUT / "spss_plain.sav"), apply_value_formats=True)
    got = _stats(list(df["nps"]), df["region"], pd.to_datetime(df["enddate"]).dt.strftime("%Y-%m"))
    got.update(rows=len(df))
    _compare("spss_plain.sav", got, truth)
    lines.append("spss_plain.sav: ok")

    # Stata
    df, meta = pyreadstat.read_dta(str(OUT / "stata.dta"), apply_value_formats=True, user_missing=True)
    v = df["q5"]
    dk = int((v == "Don't know").sum())
    scores = [None if (not isinstance(x, str) or x == "Don't know") else int(x.split()[0]) for x in v]
    got = _stats(scores, df["region"], pd.to_datetime(df["enddate"]).dt.strftime("%Y-%m"))
    got.update(rows=len(df), n_user_missing=dk)
    _compare("stata.dta", got, truth)
    raw, _ = pyreadstat.read_dta(str(OUT / "stata.dta"), user_missing=True)
    assert int((raw["q5"] == "a").sum()) == dk
    lines.append(f"stata.dta: ok ({dk} .a)")

    # Denver conversion against the system tz database, when present
    try:
        from zoneinfo import ZoneInfo
        tz = ZoneInfo("America/Denver")
        df = rd("qualtrics.csv", skiprows=[1, 2], encoding="utf-8-sig")
        sm = rd("surveymonkey.csv", skiprows=[1])
        for local, utc_s in zip(df["RecordedDate"], sm["End Date"]):
            utc = dt.datetime.strptime(utc_s, "%m/%d/%Y %I:%M:%S %p").replace(tzinfo=dt.timezone.utc)
            assert utc.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S") == local
        lines.append("Denver offsets match zoneinfo")
    except ImportError:
        pass
    return lines


# --------------------------------------------------------------------------

def generate() -> dict:
    OUT.mkdir(parents=True, exist_ok=True)
    people = make_respondents(random.Random(SEED))
    truth: dict[str, dict] = {}
    write_qualtrics(people, truth)
    write_surveymonkey(people, truth)
    write_google(people, truth)
    write_typeform(people, truth)
    write_spss(people, truth)
    write_stata(people, truth)
    doc = {
        "about": "Expected numbers for the exports written by tests/data/make_exports.py; "
                 "nps = 100*(promoters-detractors)/n over kept rows with a score, unrounded.",
        "seed": SEED,
        "files": {k: truth[k] for k in sorted(truth)},
    }
    (OUT / "truth.json").write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return doc


def digests() -> dict:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(OUT.iterdir()) if p.is_file()}


def main() -> int:
    doc = generate()
    first = digests()
    generate()
    second = digests()
    changed = [k for k in first if first[k] != second.get(k)]
    if changed:
        print("NOT deterministic:", changed)
        return 1
    for line in check_all(doc["files"]):
        print(line)
    print()
    print("%-22s %5s %-26s %4s %5s %8s" % ("file", "rows", "excluded", "n", "miss", "nps"))
    for name, t in doc["files"].items():
        if t.get("refused"):
            print("%-22s %5d %-26s" % (name, t["rows"], "(reader must refuse)"))
            continue
        ex = ",".join("%s=%d" % kv for kv in t["excluded"].items()) or "-"
        print("%-22s %5d %-26s %4d %5d %8.3f" % (name, t["rows"], ex, t["n"], t["n_missing"], t["nps"]))
    print("\nall files byte-identical across two runs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
