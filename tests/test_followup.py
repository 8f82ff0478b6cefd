"""The follow-up list: every detractor, counted independently with plain pandas, in the documented order, with
the data's own columns; the same on a Parquet file counted by DuckDB."""

from __future__ import annotations

import importlib.util

import pandas as pd
import pytest

import nps_toolkit as nt
from nps_toolkit.followup import THEMES_COLUMN, followup_list

need_duckdb = pytest.mark.skipif(importlib.util.find_spec("duckdb") is None, reason="needs duckdb")


@pytest.fixture(scope="module")
def ours() -> pd.DataFrame:
    """Our brand's answers in the bundled sample, with a few missing scores (the sample has some)."""
    data = nt.load_sample()
    return data[data["brand"] == nt.OUR_BRAND].reset_index(drop=True)


PRIORITY = ["delivery", "price", "support"]


def _detractors(data: pd.DataFrame) -> pd.DataFrame:
    """The detractors, found without the package: a score of 0 to 6."""
    scores = pd.to_numeric(data["score"], errors="coerce")
    return data[(scores <= 6).fillna(False).to_numpy(bool)]


def _check_order(table: pd.DataFrame, *, priority, date="date", ident="respondent_id"):
    """The documented order: score up, then the first priority theme mentioned, then the most recent, then id."""
    def rank(text):
        found = [t for t in str(text).split(", ") if t]
        ranks = [priority.index(t) for t in found if t in priority]
        return min(ranks) if ranks else len(priority)

    keys = list(zip(table["score"].astype(float), table[THEMES_COLUMN].map(rank),
                    -pd.to_datetime(table[date]).astype("int64"), table[ident]))
    assert keys == sorted(keys)


def test_the_list_is_every_detractor_with_its_id(ours):
    table = followup_list(ours, date="date", by="segment", comments="comment", priority=PRIORITY)
    want = _detractors(ours)
    assert len(table) == len(want) == int((ours["score"].dropna() <= 6).sum())
    assert sorted(table["respondent_id"]) == sorted(want["respondent_id"])
    assert list(table.columns) == ["respondent_id", "score", "date", "segment", "comment", THEMES_COLUMN]
    assert table.attrs["id_column"] == "respondent_id" and table.attrs["n"] == len(want)
    # each row is the respondent's own row of the data
    merged = table.merge(ours, on="respondent_id", suffixes=("", "_data"))
    for column in ("score", "date", "segment"):
        assert (merged[column] == merged[column + "_data"]).all()
    assert (merged["comment"].fillna("") == merged["comment_data"].fillna("")).all()
    _check_order(table, priority=PRIORITY)


def test_themes_are_those_classify_comments_finds(ours):
    table = followup_list(ours, comments="comment")
    found = nt.classify_comments(table["comment"])["themes"]
    assert table[THEMES_COLUMN].tolist() == [", ".join(t) for t in found]
    only = followup_list(ours, comments="comment", themes=["price"])
    assert set(only[THEMES_COLUMN]) <= {"", "price"}


def test_without_comments_or_dates_the_order_is_score_then_id(ours):
    table = followup_list(ours)
    assert list(table.columns) == ["respondent_id", "score"]
    keys = list(zip(table["score"], table["respondent_id"]))
    assert keys == sorted(keys)


def test_the_id_column_is_found_given_or_absent(ours):
    renamed = ours.rename(columns={"respondent_id": "Customer ID"})
    assert followup_list(renamed).attrs["id_column"] == "Customer ID"
    assert list(followup_list(ours, id_column="channel").columns) == ["channel", "score"]
    bare = ours.drop(columns=["respondent_id"])
    table = followup_list(bare, date="date")
    assert table.attrs["id_column"] is None and list(table.columns) == ["score", "date"]
    assert len(table) == len(_detractors(bare))
    with pytest.raises(nt.ColumnNotFoundError, match="id column 'nope' is not in the data"):
        followup_list(ours, id_column="nope")
    with pytest.raises(nt.ColumnNotFoundError, match="comments column 'remarks'"):
        followup_list(ours, comments="remarks")


def test_a_custom_scale_lists_its_detractors():
    five = nt.NPSScale(detractors=[1, 2, 3], passives=[4], promoters=[5])
    data = pd.DataFrame({"respondent_id": range(6), "score": [1, 5, 3, 4, None, 2]})
    table = followup_list(data, scale=five)
    assert table["respondent_id"].tolist() == [0, 5, 2]


def test_no_detractor_gives_an_empty_list():
    data = pd.DataFrame({"respondent_id": [1, 2], "score": [9, 10], "comment": ["Great", None]})
    table = followup_list(data, comments="comment")
    assert len(table) == 0 and list(table.columns) == ["respondent_id", "score", "comment", THEMES_COLUMN]


@need_duckdb
@pytest.mark.parametrize("float_scores", [False, True])
def test_a_parquet_file_gives_the_same_list(ours, tmp_path, float_scores):
    """Counted by DuckDB: the detractors fetched by their answers ("6" in an integer column, "6.0" in a float one)."""
    data = ours.assign(score=ours["score"].astype(float)) if float_scores else ours
    path = tmp_path / "ours.parquet"
    data.to_parquet(path)
    got = followup_list(str(path), date="date", by="segment", comments="comment", priority=PRIORITY)
    want = followup_list(data, date="date", by="segment", comments="comment", priority=PRIORITY)
    assert len(got) == len(_detractors(data))
    pd.testing.assert_frame_equal(got.astype(object), want.astype(object))
