"""The HTML summary report."""

import pandas as pd

from nps_toolkit.report import summary_html, write_summary


def test_summary_html_has_overall_and_groups():
    df = pd.DataFrame({"score": [10] * 2 + [8] * 5 + [3] * 3, "region": ["N"] * 5 + ["S"] * 5})
    page = summary_html(df, by="region", title="T & Co")
    assert page.startswith("<!DOCTYPE html>")
    assert "T &amp; Co" in page  # escaped title
    assert "NPS is <b>-10.0</b>" in page  # 20% promoters - 30% detractors
    assert page.count("<table") == 2
    assert ">N<" in page and ">S<" in page


def test_write_summary_is_atomic_and_leaves_data_alone(tmp_path):
    df = pd.DataFrame({"score": [10, 0, None], "region": ["N", "S", "S"]})
    before = df.copy()
    path = write_summary(df, tmp_path / "out" / "summary.html", by="region")
    assert path.read_text(encoding="utf-8").count("<table") == 2
    pd.testing.assert_frame_equal(df, before)
