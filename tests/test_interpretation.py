"""Tests of nps_toolkit.interpretation: the seed article's bands, in en/ru/pl.

Bands (seed article 002): -100..-1 very low, 0..30 satisfactory, 31..70 high,
71..100 very high. The wording below is written out by hand.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nps_toolkit as nt
from nps_toolkit.interpretation import BANDS, LANGUAGES, band, interpret

WORDS = {
    "very_low": {"en": "very low", "ru": "крайне низкий", "pl": "bardzo niski"},
    "satisfactory": {"en": "satisfactory", "ru": "удовлетворительный", "pl": "zadowalający"},
    "high": {"en": "high", "ru": "высокий", "pl": "wysoki"},
    "very_high": {"en": "very high", "ru": "очень высокий", "pl": "bardzo wysoki"},
}


def article_band(value: float) -> str:
    """The article's whole-number bands, extended to fractions by the same cut points."""
    if value < 0:
        return "very_low"
    if value <= 30:
        return "satisfactory"
    if value <= 70:
        return "high"
    return "very_high"


@pytest.mark.parametrize("value, key", [
    (-100, "very_low"), (-50, "very_low"), (-1, "very_low"), (-0.5, "very_low"), (-1e-9, "very_low"),
    (0, "satisfactory"), (0.0, "satisfactory"), (-0.0, "satisfactory"), (15, "satisfactory"), (30, "satisfactory"),
    (30.0000001, "high"), (30.5, "high"), (31, "high"), (50, "high"), (70, "high"),
    (70.5, "very_high"), (71, "very_high"), (99.9, "very_high"), (100, "very_high"),
])
@pytest.mark.parametrize("language", ["en", "ru", "pl"])
def test_band_edges_in_every_language(value, key, language):
    assert band(value) == key
    assert interpret(value, language=language) == WORDS[key][language]


def test_default_language_is_english():
    assert interpret(45) == "high"
    assert LANGUAGES == ("en", "ru", "pl")


def test_seed_article_worked_example_is_very_low():
    value = nt.nps([10] * 20 + [8] * 50 + [3] * 30)
    assert interpret(value) == "very low"
    assert interpret(value, language="ru") == "крайне низкий"
    assert interpret(value, language="pl") == "bardzo niski"


def test_bands_table_is_the_articles():
    assert BANDS == {"very_low": (-100, -1), "satisfactory": (0, 30), "high": (31, 70), "very_high": (71, 100)}


@pytest.mark.parametrize("value", [np.float64(45.0), np.int64(45), np.float32(45.0), 45])
def test_numpy_numbers_are_accepted(value):
    assert interpret(value) == "high"


@pytest.mark.parametrize("value", [100.5, -100.01, 101, -101, math.inf, -math.inf, math.nan, np.nan])
def test_values_off_the_nps_scale_are_refused(value):
    with pytest.raises(ValueError, match=r"value must be an NPS between -100 and 100, got " + str(value)):
        interpret(value)


@pytest.mark.parametrize("value", [True, False, np.True_, "50", None, [50], 1j])
def test_non_numbers_are_refused(value):
    with pytest.raises(TypeError, match=r"value must be an NPS number between -100 and 100, got"):
        interpret(value)


@pytest.mark.parametrize("language", ["de", "EN", "english", "", None, ["en"]])
def test_unknown_language_lists_the_allowed_ones(language):
    with pytest.raises(ValueError, match=r"unknown language .*; allowed: 'en', 'ru', 'pl'$"):
        interpret(10, language=language)


def test_unknown_language_is_reported_before_a_bad_value():
    with pytest.raises(ValueError, match=r"unknown language 'de'"):
        interpret(math.nan, language="de")


@settings(max_examples=100, deadline=None)
@given(st.floats(-100, 100, allow_nan=False), st.sampled_from(["en", "ru", "pl"]))
def test_any_value_on_the_scale_gets_the_articles_band(value, language):
    key = article_band(value)
    assert band(value) == key
    assert interpret(value, language=language) == WORDS[key][language]


@settings(max_examples=100, deadline=None)
@given(st.integers(-100, 100))
def test_whole_numbers_fall_in_the_articles_ranges(value):
    ranges = {"very_low": range(-100, 0), "satisfactory": range(0, 31), "high": range(31, 71),
              "very_high": range(71, 101)}
    assert value in ranges[band(value)]


@settings(max_examples=100, deadline=None)
@given(st.floats(-100, 100, allow_nan=False), st.floats(-100, 100, allow_nan=False))
def test_bands_never_go_down_as_the_score_goes_up(a, b):
    order = ["very_low", "satisfactory", "high", "very_high"]
    lo, hi = sorted((a, b))
    assert order.index(band(lo)) <= order.index(band(hi))
