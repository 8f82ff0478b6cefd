"""Atomic file writing: a reader never sees a half-written report, and the files get the user's usual mode.

A file is written under a temporary name in its folder and renamed into place
only when complete. :func:`tempfile.mkstemp` makes that temporary file
``0600``; before the rename it is given the mode an ordinary ``open()`` would
have given it (``0o666`` less the umask), so a report in a shared folder or
under a web server can be read by those the folder lets in.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

__all__ = ["current_umask", "file_mode", "atomic_path", "atomic_write_text", "atomic_write_bytes"]


def current_umask() -> int:
    """The process's umask (read from ``/proc`` where it can be, so no other thread sees it change).

    Examples
    --------
    >>> 0 <= current_umask() <= 0o777
    True
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)  # elsewhere: the only portable way to read it is to set it and set it back
    os.umask(mask)
    return mask


def file_mode() -> int:
    """The mode ``open()`` gives a new file: ``0o666`` less the umask.

    Examples
    --------
    >>> file_mode() == 0o666 & ~current_umask()
    True
    """
    return 0o666 & ~current_umask()


@contextlib.contextmanager
def atomic_path(path):
    """A temporary path next to ``path`` to write to; renamed onto ``path`` when the block ends without error.

    The temporary file gets the mode of a new file (:func:`file_mode`) before
    the rename; if the block fails, it is removed and an existing file at
    ``path`` is left untouched.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "table.csv"
    >>> with atomic_path(target) as tmp:
    ...     _ = tmp.write_text("a,b\\n")
    >>> target.read_text()
    'a,b\\n'
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        os.chmod(tmp, file_mode())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def atomic_write_bytes(path, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (temporary file in the same folder, synced, then renamed).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> atomic_write_bytes(pathlib.Path(tempfile.mkdtemp()) / "a.bin", b"\\x00\\x01").read_bytes()
    b'\\x00\\x01'
    """
    path = Path(path)
    with atomic_path(path) as tmp, open(tmp, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    return path


def atomic_write_text(path, text: str, *, encoding: str = "utf-8") -> Path:
    """Write ``text`` to ``path`` atomically (temporary file in the same folder, then rename).

    If writing fails, an existing file at ``path`` is left untouched. The
    file gets the mode of a new file (``0o666`` less the umask).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "report.html"
    >>> atomic_write_text(target, "<p>hi</p>").read_text()
    '<p>hi</p>'
    """
    path = Path(path)
    with atomic_path(path) as tmp, open(tmp, "w", encoding=encoding) as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    return path
