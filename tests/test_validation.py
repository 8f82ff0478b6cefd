"""Tests of nps_toolkit._validation: the argument checks every public function shares.

Expected messages are written out by hand: what was wrong (naming the column or
argument), the offending values with their 0-based positions, and what is allowed.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import pytest

import nps_toolkit as nt
from nps_toolkit._validation import (
    MAX_SHOWN,
    check_choice,
    check_columns,
    check_confidence,
    check_positive_int,
    check_weights,
    describe_offenders,
    missing_column_error,
    role_of,
    weights_error,
)


# -- describe_offenders ------------------------------------------------------------------------------------------
def test_describe_offenders_lists_values_with_positions():
    assert describe_offenders([11, -1], [3, 7]) == "11 (position 3), -1 (position 7)"
    assert describe_offenders(["x"], [0]) == "'x' (position 0)"


def test_describe_offenders_truncates_after_limit_and_counts_the_rest():
    values, positions = list(range(100, 109)), list(range(9))
    assert MAX_SHOWN == 5
    assert describe_offenders(values, positions) == (
        "100 (position 0), 101 (position 1), 102 (position 2), 103 (position 3), 104 (position 4) and 4 more")
    assert describe_offenders(values, positions, limit=1) == "100 (position 0) and 8 more"


def test_describe_offenders_accepts_numpy_positions():
    assert describe_offenders(np.array([2.5]), np.array([4], dtype=np.int64)) == "2.5 (position 4)"


# -- check_confidence --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("value", [0.95, 0.5, 1e-9, 0.999999, np.float64(0.9), np.float32(0.5), 0.8])
def test_check_confidence_accepts_numbers_strictly_between_0_and_1(value):
    out = check_confidence(value)
    assert type(out) is float
    assert out == pytest.approx(float(value))


@pytest.mark.parametrize("value", [0, 1, 0.0, 1.0, 95, -0.1, 1.5, math.nan, math.inf, -math.inf, np.float64(2)])
def test_check_confidence_refuses_values_outside_the_open_interval(value):
    with pytest.raises(ValueError, match=r"confidence must be strictly between 0 and 1 \(e\.g\. 0\.95\), got"):
        check_confidence(value)


@pytest.mark.parametrize("value", [True, False, np.True_, "0.95", None, [0.95], 1j])
def test_check_confidence_refuses_non_numbers_and_booleans(value):
    with pytest.raises(TypeError, match=r"confidence must be a number strictly between 0 and 1.*got " +
                       re.escape(repr(value))):
        check_confidence(value)


# -- check_choice ------------------------------------------------------------------------------------------------
def test_check_choice_returns_an_allowed_value():
    assert check_choice("wald", ["wald", "adjusted-wald"]) == "wald"
    assert check_choice("pl", ("en", "ru", "pl"), name="language") == "pl"


def test_check_choice_lists_what_is_allowed():
    with pytest.raises(ValueError, match=r"^unknown method 'exact'; allowed: 'wald', 'adjusted-wald'$"):
        check_choice("exact", ["wald", "adjusted-wald"])
    with pytest.raises(ValueError, match=r"^unknown language 'de'; allowed: 'en', 'ru', 'pl'$"):
        check_choice("de", ("en", "ru", "pl"), name="language")


@pytest.mark.parametrize("value", [["wald"], {"a": 1}, None, "WALD"])
def test_check_choice_refuses_unhashable_and_wrong_values_with_value_error(value):
    with pytest.raises(ValueError, match=r"allowed: 'wald', 'adjusted-wald'"):
        check_choice(value, {"wald": 1, "adjusted-wald": 2})


# -- check_columns -----------------------------------------------------------------------------------------------
def test_check_columns_returns_names_as_a_list():
    df = pd.DataFrame({"score": [1], "region": ["A"], 0: [2]})
    assert check_columns(df, "score") == ["score"]
    assert check_columns(df, ["score", "region"]) == ["score", "region"]
    assert check_columns(df, 0) == [0]
    assert check_columns(df, None) == []


def test_check_columns_names_the_missing_column_and_lists_available_ones():
    df = pd.DataFrame({"score": [1], "region": ["A"]})
    with pytest.raises(KeyError, match=r"by column 'segment' is not in the data; available columns: "
                                       r"'score', 'region'"):
        check_columns(df, ["region", "segment"], role="by column")


def test_check_columns_error_carries_the_column_and_its_role():
    df = pd.DataFrame({"score": [1], "region": ["A"]})
    with pytest.raises(nt.ColumnNotFoundError) as info:
        check_columns(df, ["region", "segment"], role="by column")
    err = info.value
    assert (err.column, err.role, err.positions, err.values, err.total) == ("segment", "by", [], [], 0)
    assert str(err) == "\"by column 'segment' is not in the data; available columns: 'score', 'region'\""
    with pytest.raises(KeyError) as info:
        check_columns(df, "q1")  # plain "column": no role
    assert info.value.column == "q1" and info.value.role is None


@pytest.mark.parametrize("words, role", [("score column", "score"), ("weights column of Aurora", "weights"),
                                         ("group column", "group"), ("count table column", "count table"),
                                         ("column", None)])
def test_role_of_reads_the_role_from_the_words(words, role):
    assert role_of(words) == role
    assert missing_column_error("x", ["a"], words).role == role


def test_check_columns_refuses_a_non_dataframe():
    with pytest.raises(TypeError, match=r"data must be a pandas DataFrame, got dict"):
        check_columns({"score": [1]}, "score")


# -- check_weights -----------------------------------------------------------------------------------------------
def test_check_weights_returns_floats_in_order():
    out = check_weights([1, 2.5, 0], 3)
    assert out.dtype == np.float64
    assert out.tolist() == [1.0, 2.5, 0.0]


def test_check_weights_reads_a_series_by_position_not_label():
    out = check_weights(pd.Series([3.0, 1.0], index=[10, 5]), 2)
    assert out.tolist() == [3.0, 1.0]


def test_check_weights_accepts_nullable_numbers():
    out = check_weights(pd.Series([1, 2], dtype="Int64"), 2)
    assert out.tolist() == [1.0, 2.0]


def test_check_weights_refuses_the_wrong_length():
    with pytest.raises(ValueError, match=r"^w: 3 weights given for 2 scores; give one weight per row$"):
        check_weights([1, 1, 1], 2, column="w")


@pytest.mark.parametrize("weights, shown", [
    ([1, -2, 3], "-2 (position 1)"),
    ([1, 2, math.inf], "inf (position 2)"),
    ([-math.inf, 2, 3], "-inf (position 0)"),
    ([np.nan, 2, -0.5], "nan (position 0), -0.5 (position 2)"),
    ([1, None, 3], "None (position 1)"),
])
def test_check_weights_refuses_negative_infinite_and_missing(weights, shown):
    with pytest.raises(ValueError, match=r"^wt: weights must be finite, non-negative numbers; got "
                                         + re.escape(shown) + "$"):
        check_weights(weights, 3, column="wt")


def test_check_weights_refuses_boolean_columns_and_boolean_values():
    with pytest.raises(TypeError, match=r"wt: weights must be numbers, got booleans"):
        check_weights(pd.Series([True, False]), 2, column="wt")
    with pytest.raises(TypeError, match=r"wt: weights must be numbers, got booleans"):
        check_weights(np.array([True, False]), 2, column="wt")
    with pytest.raises(TypeError, match=r"wt: weights must be numbers, got booleans: True \(position 1\)"):
        check_weights([1.0, True, 2.0], 3, column="wt")


@pytest.mark.parametrize("weights", [
    ["1", "2", "x"],
    pd.Series(["1", "2", "x"]),                   # pandas' default string dtype
    pd.Series(["1", "2", "x"], dtype=object),
    pd.Series(pd.Categorical(["1", "2", "x"])),
])
def test_check_weights_refuses_text_even_when_it_looks_numeric(weights):
    with pytest.raises(TypeError, match=r"wt: weights must be numbers, got text: '1' \(position 0\), "
                                        r"'2' \(position 1\), 'x' \(position 2\)"):
        check_weights(weights, 3, column="wt")


def test_check_weights_mask_allows_bad_weights_where_the_answer_is_missing():
    mask = np.array([True, False, True, False])
    out = check_weights([1.0, np.nan, 2.0, "n/a"], 4, mask=mask)
    assert out[0] == 1.0 and out[2] == 2.0
    with pytest.raises(ValueError, match=r"got nan \(position 1\)"):
        check_weights([1.0, np.nan, 2.0, 1.0], 4, mask=np.array([True, True, True, True]))


def test_check_weights_does_not_modify_its_input():
    weights = pd.Series([1.0, 2.0, np.nan])
    before = weights.copy()
    check_weights(weights, 3, mask=np.array([True, True, False]))
    pd.testing.assert_series_equal(weights, before)


# -- check_positive_int ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("value, expected", [(1, 1), (3, 3), (3.0, 3), (np.int64(7), 7), (np.float64(2.0), 2)])
def test_check_positive_int_accepts_whole_numbers(value, expected):
    out = check_positive_int(value, name="n_draws")
    assert out == expected and type(out) is int


@pytest.mark.parametrize("value", [2.5, True, np.True_, "3", None, math.nan])
def test_check_positive_int_refuses_non_whole_numbers(value):
    with pytest.raises(TypeError, match=r"n_draws must be a whole number >= 1, got"):
        check_positive_int(value, name="n_draws")


def test_check_positive_int_refuses_values_below_the_minimum():
    with pytest.raises(ValueError, match=r"n_draws must be a whole number >= 1, got 0"):
        check_positive_int(0, name="n_draws")
    with pytest.raises(ValueError, match=r"window must be a whole number >= 2, got 1"):
        check_positive_int(1, name="window", minimum=2)
    assert check_positive_int(0, name="k", minimum=0) == 0


# -- errors carry what they say ----------------------------------------------------------------------------------
def weights_refusal(*args, **kwargs):
    with pytest.raises(nt.DataError) as info:
        check_weights(*args, **kwargs)
    err = info.value
    return type(err), err.column, err.role, err.positions, err.values, err.total


def test_check_weights_errors_carry_column_values_and_positions():
    assert weights_refusal([1, -2, 3, -4], 4, column="wt") == (nt.DataValueError, "wt", "weights", [1, 3], [-2, -4], 2)
    assert weights_refusal(["1", 2.0, "x"], 3, column="wt") == (nt.DataTypeError, "wt", "weights", [0, 2], ["1", "x"],
                                                                2)
    assert weights_refusal([1.0, True], 2, column="wt") == (nt.DataTypeError, "wt", "weights", [1], [True], 1)
    assert weights_refusal(pd.Series([True, False]), 2, column="wt") == (nt.DataTypeError, "wt", "weights", [], [], 0)
    assert weights_refusal([1, 1, 1], 2, column="wt") == (nt.DataValueError, "wt", "weights", [], [], 0)


def test_check_weights_lists_the_first_offenders_and_counts_them_all():
    kind, column, role, positions, values, total = weights_refusal(-np.arange(1.0, 10.0), 9, column="wt")
    assert positions == [0, 1, 2, 3, 4] and values == [-1.0, -2.0, -3.0, -4.0, -5.0] and total == 9
    assert all(type(v) is float for v in values)  # plain values, not numpy scalars


def test_weights_error_is_the_one_wording():
    assert str(weights_error("w", "booleans")) == "w: weights must be numbers, got booleans"
    assert str(weights_error("w", "text", "'x' (position 1)")) == "w: weights must be numbers, got text: 'x' (position 1)"
    assert str(weights_error("w", "dtype", "DATE")) == "w: weights must be numbers, got DATE values"
    err = weights_error("w", "range", "-1 (position 0)", values=[-1], positions=[0])
    assert isinstance(err, ValueError) and str(err) == "w: weights must be finite, non-negative numbers; got -1 (position 0)"
