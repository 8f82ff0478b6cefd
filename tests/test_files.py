"""Atomic writes leave the old file intact when writing fails."""

import pytest

from nps_toolkit._files import atomic_write_text


def test_writes_and_replaces(tmp_path):
    target = tmp_path / "sub" / "report.html"
    atomic_write_text(target, "first")
    atomic_write_text(target, "second")
    assert target.read_text() == "second"
    assert [p.name for p in target.parent.iterdir()] == ["report.html"]


def test_failed_write_keeps_previous_file(tmp_path):
    target = tmp_path / "report.html"
    target.write_text("good report")

    with pytest.raises(TypeError):
        atomic_write_text(target, 12345)  # not text: writing fails midway
    assert target.read_text() == "good report"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]  # no temporary file left behind
