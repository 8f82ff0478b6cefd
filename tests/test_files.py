"""Atomic writes leave the old file intact when writing fails."""

import os

import pytest

from nps_toolkit._files import atomic_path, atomic_write_bytes, atomic_write_text, current_umask, file_mode


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


@pytest.mark.parametrize("mask, mode", [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600)])
def test_files_get_the_mode_of_the_umask(tmp_path, mask, mode):
    """mkstemp makes 0600 files: the written file gets 0o666 less the umask, as open() would give it."""
    old = os.umask(mask)
    try:
        assert current_umask() == mask and file_mode() == mode
        text = atomic_write_text(tmp_path / "report.html", "<p>hi</p>")
        data = atomic_write_bytes(tmp_path / "report.pdf", b"%PDF")
        with atomic_path(tmp_path / "book.xlsx") as tmp:
            tmp.write_bytes(b"PK")
        atomic_write_text(tmp_path / "report.html", "<p>again</p>")  # replacing keeps the mode of the umask
    finally:
        os.umask(old)
    for path in (text, data, tmp_path / "book.xlsx"):
        assert path.stat().st_mode & 0o777 == mode, path.name
    assert sorted(p.name for p in tmp_path.iterdir()) == ["book.xlsx", "report.html", "report.pdf"]


def test_a_failed_block_removes_the_temporary_file(tmp_path):
    target = tmp_path / "book.xlsx"
    target.write_bytes(b"previous")
    with pytest.raises(RuntimeError):
        with atomic_path(target) as tmp:
            tmp.write_bytes(b"half")
            raise RuntimeError("writer failed")
    assert target.read_bytes() == b"previous" and [p.name for p in tmp_path.iterdir()] == ["book.xlsx"]
