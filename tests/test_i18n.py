"""Tests of nps_toolkit._i18n: the wording tables, and numbers written as each report language writes them.

The numbers are written by Babel from CLDR. They are checked three ways: against the CLDR data Babel ships,
read another way (each locale's number symbols, the suffix of its percent pattern); against strings written
by hand; and, where Node.js is installed, against ICU's ``Intl.NumberFormat``, an implementation of CLDR that
shares no code with Babel. The digits are those of Python's own rounding (``f"{value:.1f}"``), the digits
the package wrote before it wrote numbers through Babel.
"""

from __future__ import annotations

import json
import math
import shutil
import subprocess
import sys
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nps_toolkit import _i18n

babel = pytest.importorskip("babel")

MINUS = "\u2212"
NBSP = "\u00a0"
DASH = "\u2013"
BAD_LANGUAGE = r"unknown language 'de'; allowed: 'en', 'ru', 'pl'"


def symbols(language: str) -> tuple[str, str]:
    """(decimal, group) symbols of the language's locale, as CLDR (through Babel) has them."""
    table = babel.Locale.parse(_i18n.LOCALES[language]).number_symbols["latn"]
    return table["decimal"], table["group"]


def percent_suffix(language: str) -> str:
    """What CLDR writes after the digits of a percentage: the tail of the locale's percent pattern."""
    pattern = babel.Locale.parse(_i18n.LOCALES[language]).percent_formats[None].pattern
    return pattern.split(";")[0].rsplit("0", 1)[1]


# -- wording tables (moved here from tests/test_plots.py) ---------------------------------------------------
@pytest.mark.parametrize("table", [_i18n.TEXTS, _i18n.HEADERS], ids=["TEXTS", "HEADERS"])
def test_every_entry_has_every_language_and_the_same_placeholders(table):
    for key, entry in table.items():
        assert set(entry) == set(_i18n.LANGUAGES), key
        assert all(isinstance(v, str) and v.strip() for v in entry.values()), key
        assert len({frozenset(_i18n.placeholders(v)) for v in entry.values()}) == 1, key


def test_required_keys_and_category_names():
    required = {"nps", "period", "difference", "promoters", "passives", "detractors", "benchmark", "low_n",
                "significant_change", "interval", "answers", "share", "count", "change_zero", "difference_zero",
                "decomposition_title_zero"}
    assert required <= set(_i18n.TEXTS)
    assert [_i18n.text(k, "ru") for k in ("detractors", "passives", "promoters")] == [
        "Детракторы", "Нейтралы (пассивы)", "Промоутеры"]
    assert [_i18n.text(k, "pl") for k in ("detractors", "passives", "promoters")] == [
        "Krytycy", "Neutralni (pasywni)", "Promotorzy"]


def test_text_errors():
    with pytest.raises(KeyError, match="no text 'promotors'; did you mean 'promoters'"):
        _i18n.text("promotors")
    with pytest.raises(KeyError, match=r"needs a value for \{confidence\}"):
        _i18n.text("interval", "en")
    with pytest.raises(ValueError, match=BAD_LANGUAGE):
        _i18n.text("nps", "de")
    assert _i18n.text("interval", "ru", confidence="95%") == "95% доверительный интервал"


def test_headers():
    assert _i18n.header("p_value", "ru") == "p-значение"
    assert _i18n.header("custom", "pl") == "custom"


# -- numbers against CLDR ---------------------------------------------------------------------------------------
def test_every_language_has_a_babel_locale():
    assert set(_i18n.LOCALES) == set(_i18n.LANGUAGES)
    for language, name in _i18n.LOCALES.items():
        assert str(babel.Locale.parse(name)).split("_")[0] == language
    # en_GB and en_US write these numbers alike, so the choice of English changes no number
    assert symbols("en") == tuple(babel.Locale.parse("en_US").number_symbols["latn"][k] for k in ("decimal", "group"))


@pytest.mark.parametrize("language", _i18n.LANGUAGES)
def test_numbers_use_the_symbols_of_the_locale(language):
    dec, grp = symbols(language)
    assert _i18n.number(1234567.891, language, decimals=2) == f"1{grp}234{grp}567{dec}89"
    assert _i18n.number(12345, language, decimals=0) == f"12{grp}345"
    assert _i18n.number(-0.5, language) == f"{MINUS}0{dec}5"
    assert _i18n.number(999, language, decimals=0) == "999"
    # CLDR's minimumGroupingDigits is 2 for Polish (pl.xml): a four-digit number is not grouped
    four = "1234" if language == "pl" else f"1{grp}234"
    assert _i18n.number(1234.5, language) == f"{four}{dec}5"


@pytest.mark.parametrize("language", _i18n.LANGUAGES)
def test_percentages_follow_the_percent_pattern_of_the_locale(language):
    dec, grp = symbols(language)
    suffix = percent_suffix(language)
    assert suffix.endswith("%")
    assert _i18n.percent(0.456, language, decimals=1) == f"45{dec}6{suffix}"
    assert _i18n.percent(0.456, language) == f"46{suffix}"
    assert _i18n.percent(-0.05, language) == f"{MINUS}5{suffix}"
    assert _i18n.percent(123.45, language, decimals=0) == f"12{grp}345{suffix}"


@pytest.mark.parametrize("language, value, decimals, expected", [
    ("en", 1234.5, 1, "1,234.5"),
    ("ru", 1234.5, 1, "1\u00a0234,5"),
    ("pl", 1234.5, 1, "1234,5"),
    ("pl", 12345.5, 1, "12\u00a0345,5"),
    ("ru", -12.345, 1, "\u221212,3"),
    ("en", 2368, 0, "2,368"),
    ("ru", 2368, 0, "2\u00a0368"),
    ("pl", 2368, 0, "2368"),
    ("pl", 1234567, 0, "1\u00a0234\u00a0567"),
    ("en", 0.125, 2, "0.12"),  # Python's rounding of the double nearest 0.125 (half to even)
    ("en", 0.15, 1, "0.1"),  # the double nearest 0.15 is below it
    ("ru", 2.675, 2, "2,67"),
    ("en", 102.0, 0, "102"),  # an integral float with no decimals: no ".0"
    ("ru", np.float64(5.0), 0, "5"),
    ("pl", np.int64(40321), 0, "40\u00a0321"),
    ("en", Decimal("2.50"), 1, "2.5"),
    ("en", math.inf, 1, "∞"),
    ("ru", -math.inf, 1, "\u2212∞"),
])
def test_numbers_written_by_hand(language, value, decimals, expected):
    assert _i18n.number(value, language, decimals=decimals) == expected


@pytest.mark.parametrize("language, share, decimals, expected", [
    ("en", 0.456, 0, "46%"),
    ("ru", 0.456, 0, "46\u00a0%"),
    ("pl", 0.456, 0, "46%"),
    ("ru", 0.125, 1, "12,5\u00a0%"),
    ("en", 1.0, 0, "100%"),
    ("pl", 0.0, 1, "0,0%"),
])
def test_percentages_written_by_hand(language, share, decimals, expected):
    assert _i18n.percent(share, language, decimals=decimals) == expected


@settings(max_examples=300, deadline=None)
@given(value=st.floats(min_value=-1e9, max_value=1e9, allow_nan=False), decimals=st.integers(0, 3))
def test_digits_are_those_of_python_rounding_and_the_separators_those_of_the_language(value, decimals):
    plain = f"{value:.{decimals}f}"
    if float(plain) == 0:
        plain = plain.lstrip("-")  # a value that rounds to zero has no sign
    english = _i18n.number(value, "en", decimals=decimals)
    assert english.replace(",", "").replace(MINUS, "-") == plain
    assert "-" not in english  # the minus is always U+2212
    body = plain.lstrip("-")
    sign = MINUS if plain.startswith("-") else ""
    whole, _, fraction = body.partition(".")
    grouped = f"{int(whole):,}".replace(",", NBSP)
    tail = "," + fraction if fraction else ""
    assert _i18n.number(value, "ru", decimals=decimals) == sign + grouped + tail
    polish = grouped if len(whole) >= 5 else whole
    assert _i18n.number(value, "pl", decimals=decimals) == sign + polish + tail


def test_signs_for_changes():
    assert _i18n.number(12.5, "ru", sign=True) == "+12,5"
    assert _i18n.number(-12.5, "pl", sign=True) == f"{MINUS}12,5"
    assert _i18n.number(2.25, "pl", decimals=2, sign=True) == "+2,25"
    # a value that rounds to zero gets no sign, never "−0.0" or "+0.0"
    assert _i18n.number(-0.04) == "0.0" and _i18n.number(0.04, sign=True) == "0.0"
    assert _i18n.number(-0.4, decimals=0, sign=True) == "0"
    assert _i18n.percent(0.123, "ru", sign=True) == "+12\u00a0%"
    assert _i18n.percent(-0.001, sign=True) == "0%"


@pytest.mark.parametrize("missing", [None, math.nan, np.nan, np.float32("nan"), Decimal("NaN")])
def test_a_missing_number_is_an_en_dash(missing):
    for language in _i18n.LANGUAGES:
        assert _i18n.number(missing, language) == DASH
        assert _i18n.percent(missing, language) == DASH
        assert _i18n.change(missing, language) == DASH
        assert _i18n.confidence_level(missing, language) == DASH
    assert _i18n.rounds_to_zero(missing) is False


def test_bad_numbers_and_options():
    for bad in ("12", True, [1.0], np.bool_(True)):
        with pytest.raises(TypeError, match=r"number\(\) needs a real number"):
            _i18n.number(bad)
    with pytest.raises(TypeError, match=r"percent\(\) needs a real number"):
        _i18n.percent("0.5")
    for decimals in (-1, 1.5, True, "1"):
        with pytest.raises(ValueError, match="decimals must be a whole number 0 or more"):
            _i18n.number(1.0, decimals=decimals)
    with pytest.raises(ValueError, match=BAD_LANGUAGE):
        _i18n.number(1.0, "de")
    with pytest.raises(ValueError, match=BAD_LANGUAGE):
        _i18n.percent(0.5, "de")


# -- changes, zero, confidence levels ------------------------------------------------------------------------
def test_rounds_to_zero():
    assert _i18n.rounds_to_zero(0.0) and _i18n.rounds_to_zero(-0.049) and _i18n.rounds_to_zero(0.4, decimals=0)
    assert not _i18n.rounds_to_zero(0.051) and not _i18n.rounds_to_zero(-0.6, decimals=0)
    assert not _i18n.rounds_to_zero(0.006, decimals=2) and _i18n.rounds_to_zero(0.004, decimals=2)


@pytest.mark.parametrize("language, words, difference", [
    ("en", "no change", "no difference"), ("ru", "без изменений", "нет разницы"), ("pl", "bez zmian", "brak różnicy")])
def test_a_change_that_rounds_to_zero_is_said_in_words(language, words, difference):
    assert _i18n.change(0.0, language) == words
    assert _i18n.change(-0.04, language) == words
    assert _i18n.change(0.02, language, zero="difference_zero") == difference
    assert _i18n.change(0.4, language, decimals=0) == words
    dec, _ = symbols(language)
    assert _i18n.change(3.25, language) == f"+3{dec}2"
    assert _i18n.change(-0.06, language) == f"{MINUS}0{dec}1"
    assert _i18n.text("change_zero", language) == words and _i18n.text("difference_zero", language) == difference


@pytest.mark.parametrize("level, language, expected", [
    (0.95, "en", "95%"), (0.9, "ru", "90\u00a0%"), (0.975, "pl", "97,5%"), (0.975, "en", "97.5%"),
    (0.995, "ru", "99,5\u00a0%"), (0.9999, "en", "99.99%"), (0.8, "pl", "80%")])
def test_confidence_levels(level, language, expected):
    assert _i18n.confidence_level(level, language) == expected


# -- an implementation of CLDR that is not Babel -------------------------------------------------------------
ICU_SCRIPT = """
const cases = JSON.parse(process.argv[1]);
const out = cases.map(([locale, style, value, decimals]) => new Intl.NumberFormat(locale, {
  style, minimumFractionDigits: decimals, maximumFractionDigits: decimals}).format(value));
console.log(JSON.stringify(out));
"""


@pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js (ICU's Intl.NumberFormat) to compare with")
def test_numbers_agree_with_icu():
    values = [0.5, 12.34, 999.9, 1234.5, 9999.44, 12345.6, 123456.78, 2368.0, 1e7 + 0.25]
    shares = [0.004, 0.456, 0.5, 0.999, 12.345]
    cases, ours = [], []
    for language, locale in _i18n.LOCALES.items():
        tag = locale.replace("_", "-")
        for decimals in (0, 1, 2):
            for v in values:
                cases.append([tag, "decimal", v, decimals])
                ours.append(_i18n.number(v, language, decimals=decimals))
            for s in shares:
                cases.append([tag, "percent", s, decimals])
                ours.append(_i18n.percent(s, language, decimals=decimals))
    run = subprocess.run(["node", "-e", ICU_SCRIPT, json.dumps(cases)], capture_output=True, text=True, timeout=60,
                         check=False)
    if run.returncode != 0:
        pytest.skip(f"node could not run Intl.NumberFormat: {run.stderr.strip()[:200]}")
    icu = json.loads(run.stdout)
    if not any("\u00a0" in s for s in icu):
        pytest.skip("this Node.js has no full ICU data (small-icu): it writes every locale as English")
    # ICU rounds the decimal value half-even, Python the double: compare only where the two agree on the digits
    same_digits = [i for i, (language_case, v) in enumerate(zip(cases, ours))
                   if not _ties(language_case[2] * (100 if language_case[1] == "percent" else 1), language_case[3])]
    assert [icu[i] for i in same_digits] == [ours[i] for i in same_digits]


def _ties(value: float, decimals: int) -> bool:
    """True when ``value`` is (nearly) halfway between two roundings, where implementations may differ."""
    scaled = abs(value) * 10 ** decimals
    return abs(scaled - math.floor(scaled) - 0.5) < 1e-6


def test_babel_is_imported_only_when_a_number_is_written():
    code = ("import sys; import nps_toolkit._i18n as i; assert 'babel' not in sys.modules; "
            "i.number(1.5, 'ru'); assert 'babel.numbers' in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


def test_markdown_keeps_no_break_spaces_and_folds_the_rest():
    assert _i18n.escape_markdown("95\u00a0% of\n\n  1\u202f234\t# x") == "95\u00a0% of 1\u202f234 \\# x"
    assert _i18n.markdown_text("n_eq", "ru", n=_i18n.number(2368, "ru", decimals=0)) == "n = 2\u00a0368"
