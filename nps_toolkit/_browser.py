"""Headless Chromium through Playwright: printing a report to PDF, and a browser for the tests.

Playwright (the ``report`` extra: ``pip install 'nps-toolkit[report]'``) drives a Chromium that is
already on the machine: Debian's ``chromium`` package (``apt-get install chromium``; ``make install``
does it where it can), or any Chromium or Chrome named by ``$NPS_TOOLKIT_CHROMIUM``. Playwright's own
browser download (``playwright install``) is not needed.

* :func:`chromium_path`: the browser that will be used, or None.
* :func:`browser`: a context manager yielding a launched :class:`playwright.sync_api.Browser`.
* :func:`html_to_pdf`: an HTML report printed to an A4 PDF (print media, backgrounds, page numbers),
  written atomically.

A page is opened offline: every request that does not read a local file (``file:``, ``data:``,
``blob:``, ``about:``) is refused, so a report prints the same on any machine and never calls out.

Without Playwright or a browser, :func:`browser` and :func:`html_to_pdf` raise
:class:`BrowserUnavailable` (a ``RuntimeError``) whose one-line message names what to install.
This module imports nothing from the package, and Playwright only when a browser is asked for.

Examples
--------
>>> path = chromium_path()
>>> path is None or os.access(path, os.X_OK)
True
>>> html_to_pdf("reports/benchmark_study.html", "reports/benchmark_study.pdf")  # doctest: +SKIP
PosixPath('reports/benchmark_study.pdf')
"""

from __future__ import annotations

import asyncio
import os
import secrets
import shutil
from contextlib import contextmanager
from pathlib import Path

__all__ = ["ENV_VARIABLE", "PAGE_FORMAT", "PAGE_SIZE_MM", "MARGIN_MM", "LOCAL_SCHEMES", "BrowserUnavailable",
           "chromium_path", "launch_arguments", "browser", "offline", "html_to_pdf"]

#: Environment variable naming the Chromium (or Chrome) executable to use.
ENV_VARIABLE = "NPS_TOOLKIT_CHROMIUM"

#: Where Debian and Ubuntu put the browser, tried in this order after :data:`ENV_VARIABLE`.
_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
#: Names looked up on ``PATH`` last.
_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")

#: Paper of the PDF, its size (width, height) in millimetres, and the margin on every side.
PAGE_FORMAT = "A4"
PAGE_SIZE_MM = (210.0, 297.0)
MARGIN_MM = 15.0

#: URL schemes a page may load; any other request is refused (see :func:`offline`).
LOCAL_SCHEMES = ("file:", "data:", "blob:", "about:")

_INSTALL_BROWSER = ("PDF export and the browser tests need Chromium: install Debian's package "
                    f"('apt-get install chromium') or set {ENV_VARIABLE} to a Chromium or Chrome executable")
_INSTALL_PLAYWRIGHT = ("PDF export and the browser tests need Playwright: "
                       "pip install 'nps-toolkit[report]' (or pip install playwright)")

#: Page numbers at the foot of each PDF page (Chromium fills in the two spans).
_FOOTER = ('<div style="width:100%;font-size:8px;color:#666;text-align:center;font-family:sans-serif">'
           '<span class="pageNumber"></span> / <span class="totalPages"></span></div>')


class BrowserUnavailable(RuntimeError):
    """No browser can be had: Playwright or Chromium is missing, or Chromium did not start."""


def chromium_path() -> str | None:
    """The Chromium executable to use, or None when there is none.

    ``$NPS_TOOLKIT_CHROMIUM`` when it is set (a path or a command name; None when it names no
    executable: an explicit choice is never silently replaced), else ``/usr/bin/chromium``,
    ``/usr/bin/chromium-browser``, else ``chromium``, ``chromium-browser``, ``google-chrome`` or
    ``google-chrome-stable`` found on ``PATH``.

    Returns
    -------
    str or None
        An executable file's path.

    Examples
    --------
    >>> path = chromium_path()
    >>> path is None or os.access(path, os.X_OK)
    True
    """
    chosen = os.environ.get(ENV_VARIABLE, "").strip()
    if chosen:
        return shutil.which(chosen)
    for candidate in _CANDIDATES:
        if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    for name in _NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def launch_arguments() -> list[str]:
    """Chromium's command-line switches: ``--no-sandbox`` when running as root (Chromium refuses otherwise).

    Examples
    --------
    >>> launch_arguments() == (["--no-sandbox"] if os.geteuid() == 0 else [])
    True
    """
    args = []
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        args.append("--no-sandbox")
    return args


def _sync_playwright():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise BrowserUnavailable(_INSTALL_PLAYWRIGHT) from None
    return sync_playwright


def _first_line(error: BaseException) -> str:
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    return lines[0] if lines else type(error).__name__


def _executable() -> str:
    path = chromium_path()
    if path is None:
        chosen = os.environ.get(ENV_VARIABLE, "").strip()
        if chosen:
            raise BrowserUnavailable(f"{ENV_VARIABLE}={chosen} is not an executable; "
                                     f"point it at a Chromium or Chrome, or unset it")
        raise BrowserUnavailable(_INSTALL_BROWSER)
    return path


@contextmanager
def browser():
    """A headless Chromium, launched through Playwright and closed on leaving the block.

    Yields
    ------
    playwright.sync_api.Browser
        The launched browser (the one of :func:`chromium_path`, with :func:`launch_arguments`).

    Raises
    ------
    BrowserUnavailable
        Playwright is not installed, no Chromium was found, or it did not start; the message is one
        line naming what to install or what went wrong.

    Notes
    -----
    Playwright's synchronous API takes the thread it runs in: inside a running asyncio loop (a Jupyter
    kernel), or while another :func:`browser` is open in the same thread, use it from a thread of its
    own (:func:`html_to_pdf` does so by itself).

    Examples
    --------
    Nothing starts until the block is entered:

    >>> import contextlib
    >>> isinstance(browser(), contextlib.AbstractContextManager)
    True
    >>> with browser() as chromium:  # doctest: +SKIP
    ...     page = chromium.new_page()
    ...     page.set_content("<p>hi</p>")
    ...     page.inner_text("p")
    'hi'
    """
    sync_playwright = _sync_playwright()
    executable = _executable()
    with sync_playwright() as playwright:
        try:
            launched = playwright.chromium.launch(executable_path=executable, args=launch_arguments())
        except Exception as error:  # noqa: BLE001 - any failure to start is the same to the caller
            raise BrowserUnavailable(f"Chromium at {executable} did not start: {_first_line(error)}") from None
        try:
            yield launched
        finally:
            launched.close()


def offline(page) -> list[str]:
    """Refuse every request of ``page`` that does not read a local file; return the list of refused URLs.

    The list fills as the page runs, so a test can assert that it stays empty.

    Parameters
    ----------
    page : playwright.sync_api.Page
        A page (or a browser context: both have ``route``).

    Returns
    -------
    list of str
        The URLs refused so far (it grows while the page lives).

    Notes
    -----
    Playwright's synchronous API takes the thread it runs in: inside a running asyncio loop (a Jupyter
    kernel), or while another :func:`browser` is open in the same thread, use it from a thread of its
    own (:func:`html_to_pdf` does so by itself).

    Examples
    --------
    >>> "file:" in LOCAL_SCHEMES and "https:" not in LOCAL_SCHEMES
    True
    >>> with browser() as chromium:  # doctest: +SKIP
    ...     page = chromium.new_page()
    ...     refused = offline(page)
    ...     page.set_content('<img src="https://example.invalid/x.png">')
    ...     refused
    ['https://example.invalid/x.png']
    """
    refused: list[str] = []

    def handle(route):
        url = route.request.url
        if url.startswith(LOCAL_SCHEMES):
            route.continue_()
        else:
            refused.append(url)
            route.abort("blockedbyclient")

    page.route("**/*", handle)
    return refused


def _write_atomically(path: Path, data: bytes) -> Path:
    """Write ``data`` to a unique temporary name beside ``path`` (mode 0666 less the umask), then rename it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.partial")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def _print(html: Path, timeout: float) -> bytes:
    with browser() as chromium:
        page = chromium.new_page()
        page.set_default_timeout(timeout * 1000)
        offline(page)
        page.goto(html.as_uri(), wait_until="load")
        page.evaluate("document.fonts.ready.then(() => true)")
        page.emulate_media(media="print")
        margin = f"{MARGIN_MM:g}mm"
        return page.pdf(format=PAGE_FORMAT, print_background=True, prefer_css_page_size=False,
                        margin={"top": margin, "right": margin, "bottom": margin, "left": margin},
                        display_header_footer=True, header_template="<div></div>", footer_template=_FOOTER)


def _in_event_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def html_to_pdf(html_path, pdf_path, *, timeout: float = 60.0) -> Path:
    """Print an HTML file to PDF in headless Chromium: A4, print media, backgrounds, page numbers.

    The page is opened offline (:func:`offline`), printed once it and its fonts have loaded, and the
    PDF written to a temporary name beside ``pdf_path`` that is renamed into place only when complete,
    so an earlier PDF is never left half-replaced; the file's mode follows the umask. Called where an
    asyncio loop runs (a Jupyter kernel, or an open :func:`browser`), the printing happens in a worker
    thread.

    Parameters
    ----------
    html_path : str or Path
        The HTML file.
    pdf_path : str or Path
        Where to write the PDF (its folder is created).
    timeout : float
        Seconds allowed for each step (opening, loading, printing).

    Returns
    -------
    Path
        ``pdf_path``.

    Raises
    ------
    FileNotFoundError
        ``html_path`` does not exist.
    BrowserUnavailable
        No Playwright or no Chromium (one line naming what to install), or Chromium did not start.

    Examples
    --------
    >>> html_to_pdf("reports/benchmark_study.html", "reports/benchmark_study.pdf")  # doctest: +SKIP
    PosixPath('reports/benchmark_study.pdf')
    >>> html_to_pdf("no/such/report.html", "report.pdf")
    Traceback (most recent call last):
    FileNotFoundError: no HTML file at no/such/report.html
    """
    html = Path(html_path).resolve()
    if not html.is_file():
        raise FileNotFoundError(f"no HTML file at {html_path}")
    target = Path(pdf_path)
    _sync_playwright()
    _executable()  # fail with the one-line message before anything starts
    if _in_event_loop():
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=1) as pool:
            data = pool.submit(_print, html, timeout).result()
    else:
        data = _print(html, timeout)
    return _write_atomically(target, data)
