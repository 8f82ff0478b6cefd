"""The reports in a real browser (Playwright driving Chromium), and their PDF.

Each template's report on the bundled sample, and the benchmark and competitor reports on data whose brand,
segments, segment column, comments and title are markup (tests/conftest.py, ``MARKUP``), are opened in headless
Chromium at 1280 and 800 px, offline. Nothing from the data may run (no ``window.__pwned``, no dialog, no
handler attribute, no ``javascript:`` link), the markup shows as text, no table or figure is clipped, every
image loads, no console error comes from the page and nothing is fetched from the network. The PDF of a report
is read back with pypdf, and the print layout keeps every table and figure on one page.

The browser tests skip, with the reason, where no browser can be had; in CI (``NPS_TOOLKIT_REQUIRE_BROWSER=1``,
set by .ci/run) they fail instead. They share one worker under ``pytest -n`` (``--dist loadgroup``), so the
reports are made once.
"""

from __future__ import annotations

import asyncio
import os
import re
import stat
import sys
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from nps_toolkit import _browser
from nps_toolkit._browser import BrowserUnavailable, chromium_path, html_to_pdf, offline

from conftest import MARKUP, MARKUP_TEMPLATES, TEMPLATES

pytestmark = pytest.mark.xdist_group("browser")

WIDTHS = (1280, 800)
SAMPLE = list(TEMPLATES)
MARKUP_REPORTS = [f"markup/{name}" for name in MARKUP_TEMPLATES]
REPORTS = SAMPLE + MARKUP_REPORTS

#: What each markup report must show as text: the values it is about.
SHOWN = {
    "markup/benchmark_study": [MARKUP["segment"], MARKUP["math"]],
    "markup/competitor_comparison": [MARKUP["brand"]],
}

#: The printable area of a PDF page, in CSS pixels (96 per inch).
PX_PER_MM = 96 / 25.4
PRINT_WIDTH = (_browser.PAGE_SIZE_MM[0] - 2 * _browser.MARGIN_MM) * PX_PER_MM
PRINT_HEIGHT = (_browser.PAGE_SIZE_MM[1] - 2 * _browser.MARGIN_MM) * PX_PER_MM

# -- what a page shows, measured in the browser -----------------------------------------------------------------------
#: Tables and images whose box leaves the viewport or sits in a box that hides or scrolls part of its content.
CLIPPED = """() => {
  const width = document.documentElement.clientWidth;
  const describe = (el) => el.tagName.toLowerCase() + ' "' + (el.alt || el.innerText || '').trim().slice(0, 50) + '"';
  const found = [];
  for (const el of document.querySelectorAll('table, img')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;  // not rendered
    if (box.right > width + 1 || box.left < -1) {
      found.push(`${describe(el)}: ${Math.round(box.left)}..${Math.round(box.right)} px in a ${width} px page`);
      continue;
    }
    for (let up = el.parentElement; up && up !== document.documentElement; up = up.parentElement) {
      const style = getComputedStyle(up);
      if (style.overflowX !== 'visible' && up.scrollWidth > up.clientWidth + 1) {
        found.push(`${describe(el)}: its ${up.tagName.toLowerCase()}.${up.className} box shows ${up.clientWidth} of ${up.scrollWidth} px`);
        break;
      }
    }
  }
  const page = document.documentElement.scrollWidth;
  if (page > window.innerWidth + 1) found.push(`the page is ${page} px wide in a ${window.innerWidth} px window`);
  return found;
}"""

#: Words in table cells wider than their cell: the browser breaks them mid-word ("priorit|y") or lets them overflow.
BROKEN_WORDS = r"""() => {
  const ctx = document.createElement('canvas').getContext('2d');
  const found = [];
  for (const cell of document.querySelectorAll('th, td')) {
    const style = getComputedStyle(cell);
    if (cell.getClientRects().length === 0) continue;
    ctx.font = style.font;
    const room = cell.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    for (const word of cell.innerText.split(/\s+/).filter(Boolean)) {
      const width = ctx.measureText(word).width;
      if (width > room + 0.5) found.push(`"${word}" (${Math.round(width)} px in a ${Math.round(room)} px cell)`);
    }
  }
  return found;
}"""

#: Images that did not load.
BROKEN_IMAGES = """() => Array.from(document.images)
  .filter((img) => !(img.complete && img.naturalWidth > 0))
  .map((img) => (img.getAttribute('src') || '').slice(0, 60))"""

#: Markup from the data that became live: handler attributes, javascript: links, scripts naming __pwned.
LIVE_MARKUP = """() => {
  const found = [];
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      if (attr.name.toLowerCase().startsWith('on')) found.push(`<${el.tagName.toLowerCase()} ${attr.name}>`);
      if (/^\\s*javascript:/i.test(attr.value)) found.push(`<${el.tagName.toLowerCase()} ${attr.name}="${attr.value}">`);
    }
  }
  for (const script of document.scripts) {
    if (script.text.includes('__pwned')) found.push('<script>' + script.text.slice(0, 60));
  }
  return found;
}"""

#: In print media: each table and figure with its height and whether it (or a box around it) avoids page breaks.
PRINT_BOXES = """() => {
  const avoids = (el) => {
    for (let up = el; up && up !== document.body; up = up.parentElement) {
      const style = getComputedStyle(up);
      if (['avoid', 'avoid-page'].includes(style.breakInside) || style.pageBreakInside === 'avoid') return true;
    }
    return false;
  };
  return Array.from(document.querySelectorAll('table, img'))
    .map((el) => ({el, box: el.getBoundingClientRect()}))
    .filter(({box}) => box.width > 0 || box.height > 0)
    .map(({el, box}) => ({
      what: el.tagName.toLowerCase() + ' "' + (el.alt || el.innerText || '').trim().slice(0, 50) + '"',
      height: box.height, right: box.right, avoids: avoids(el),
    }));
}"""


@dataclass
class Visit:
    """What one report showed at one width."""

    pwned: str
    dialogs: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    refused: list = field(default_factory=list)
    text: str = ""
    clipped: list = field(default_factory=list)
    broken: list = field(default_factory=list)
    live: list = field(default_factory=list)
    broken_words: list = field(default_factory=list)


@pytest.fixture(scope="module")
def visit(chromium, template_reports):
    """``visit(report, width)``: the report opened offline in Chromium at that width, measured once."""
    seen: dict = {}

    def open_report(report: str, width: int) -> Visit:
        if (report, width) not in seen:
            html = template_reports(report).html
            context = chromium.new_context(viewport={"width": width, "height": 900})
            try:
                refused = offline(context)
                page = context.new_page()
                dialogs, errors = [], []
                page.on("dialog", lambda dialog: (dialogs.append(f"{dialog.type}: {dialog.message}"), dialog.dismiss()))
                page.on("pageerror", lambda error: errors.append(f"uncaught: {error}"))

                def console(message):
                    if message.type == "error" and not _blocked(message, refused):
                        errors.append(f"console: {message.text} ({message.location.get('url', '')[:80]})")

                page.on("console", console)
                page.goto(html.as_uri(), wait_until="load")
                page.wait_for_timeout(200)  # handlers that fire after load (img onerror) have run
                seen[report, width] = Visit(
                    pwned=page.evaluate("typeof window.__pwned"), dialogs=dialogs, errors=errors,
                    refused=list(refused), text=page.inner_text("body"), clipped=page.evaluate(CLIPPED),
                    broken=page.evaluate(BROKEN_IMAGES), live=page.evaluate(LIVE_MARKUP),
                    broken_words=page.evaluate(BROKEN_WORDS))
            finally:
                context.close()
        return seen[report, width]

    return open_report


def _blocked(message, refused) -> bool:
    """A console error about a request the test refused (reported by the network test instead)."""
    url = message.location.get("url", "")
    return (bool(url) and url in refused) or "ERR_BLOCKED_BY_CLIENT" in message.text


# -- in the browser ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("report", REPORTS)
def test_nothing_from_the_data_runs(visit, report, width):
    seen = visit(report, width)
    ran = {"typeof window.__pwned": seen.pwned, "dialogs": seen.dialogs, "live markup": seen.live}
    assert ran == {"typeof window.__pwned": "undefined", "dialogs": [], "live markup": []}, \
        "a value from the data or the parameters became live HTML"


@pytest.mark.parametrize("report", MARKUP_REPORTS)
def test_markup_in_the_data_shows_as_text(visit, report):
    text = visit(report, 1280).text
    for value in SHOWN[report]:
        assert value in text, f"{value!r} is not shown as text"
    assert "[click](javascript:window.__pwned=1)" in text, "the title's link text is not shown as text"
    assert "Q3 results" in text


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("report", REPORTS)
def test_no_table_or_figure_is_clipped(visit, report, width):
    assert visit(report, width).clipped == []


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("report", SAMPLE)
def test_table_cells_break_no_word(visit, report, width):
    """Tables fit by wrapping between words (or abbreviating), not by cutting words ("priorit|y")."""
    assert visit(report, width).broken_words == []


@pytest.mark.parametrize("report", REPORTS)
def test_every_image_loads(visit, report):
    seen = visit(report, 1280)
    assert seen.broken == []


@pytest.mark.parametrize("report", REPORTS)
def test_no_request_leaves_the_machine(visit, report):
    assert visit(report, 1280).refused == [], "the report asks the network for these"


@pytest.mark.parametrize("report", REPORTS)
def test_no_error_in_the_console(visit, report):
    assert visit(report, 1280).errors == []


def test_the_checks_catch_what_they_look_for(chromium, tmp_path):
    """The probes above on a page that has every fault, and on one that has none."""
    bad = tmp_path / "bad.html"
    bad.write_text('<html><body style="margin:0">'
                   '<p><img src="missing.png" onerror="window.__pwned=1"><a href="javascript:alert(1)">x</a></p>'
                   '<div style="overflow-x:auto;width:300px"><table style="width:600px"><tr><td>wide</td></tr></table></div>'
                   '<table style="width:1200px"><tr><td>wider than the page</td></tr></table>'
                   '<table style="width:40px;word-break:break-all"><tr><th>Significant</th></tr></table></body></html>')
    good = tmp_path / "good.html"
    good.write_text("<html><body><p>&lt;script&gt;window.__pwned=1&lt;/script&gt;</p>"
                    "<table><tr><td>narrow</td></tr></table></body></html>")
    context = chromium.new_context(viewport={"width": 800, "height": 600})
    try:
        offline(context)
        page = context.new_page()
        page.goto(bad.as_uri(), wait_until="load")
        page.wait_for_timeout(100)
        assert page.evaluate("typeof window.__pwned") == "number"
        assert len(page.evaluate(LIVE_MARKUP)) == 2
        assert page.evaluate(BROKEN_IMAGES) == ["missing.png"]
        clipped = page.evaluate(CLIPPED)
        assert any("shows 300 of 600 px" in c for c in clipped) and any("wider than the page" in c for c in clipped)
        assert any("px wide in a 800 px window" in c for c in clipped)
        assert [w.split(" (")[0] for w in page.evaluate(BROKEN_WORDS)] == ['"Significant"']
        page.goto(good.as_uri(), wait_until="load")
        assert [page.evaluate(probe) for probe in (LIVE_MARKUP, BROKEN_IMAGES, CLIPPED, BROKEN_WORDS)] == [[]] * 4
        assert "<script>window.__pwned=1</script>" in page.inner_text("body")
    finally:
        context.close()


# -- PDF --------------------------------------------------------------------------------------------------------------
def _words(text: str) -> str:
    """Text as pypdf extracts it, with ligatures undone and every run of white space one space."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip()


def test_pdf_of_a_report(chromium, template_reports, tmp_path):
    import json

    from pypdf import PdfReader

    run = template_reports("benchmark_study")
    results = json.loads(run.results.read_text())
    old = os.umask(0o027)
    try:
        pdf = html_to_pdf(run.html, tmp_path / "out" / "report.pdf")
    finally:
        os.umask(old)
    assert pdf == tmp_path / "out" / "report.pdf"
    assert stat.S_IMODE(pdf.stat().st_mode) == 0o640, "the PDF's mode follows the umask"
    assert [p.name for p in pdf.parent.iterdir()] == ["report.pdf"], "a temporary file was left behind"
    reader = PdfReader(pdf)
    assert len(reader.pages) >= 1
    width, height = (float(v) for v in reader.pages[0].mediabox[2:])
    a4 = [mm / 25.4 * 72 for mm in _browser.PAGE_SIZE_MM]
    assert abs(width - a4[0]) < 2 and abs(height - a4[1]) < 2, f"A4 pages, not {width:.0f} x {height:.0f} pt"
    text = _words(" ".join(page.extract_text() for page in reader.pages))
    assert _words(results["meta"]["title"]) in text
    nps = f"{results['overall']['nps']:.0f}"
    assert re.search(rf"NPS\D{{0,40}}{nps}\b", text), f"no NPS headline ({nps}) in the PDF's text"


@pytest.mark.parametrize("report", SAMPLE)
def test_print_layout_keeps_tables_and_figures_on_one_page(chromium, template_reports, report):
    context = chromium.new_context(viewport={"width": round(PRINT_WIDTH), "height": round(PRINT_HEIGHT)})
    try:
        offline(context)
        page = context.new_page()
        page.goto(template_reports(report).html.as_uri(), wait_until="load")
        page.emulate_media(media="print")
        boxes = page.evaluate(PRINT_BOXES)
    finally:
        context.close()
    assert boxes, "no table or figure found"
    problems = [f"{b['what']}: {b['height']:.0f} px tall, taller than a page ({PRINT_HEIGHT:.0f} px)"
                for b in boxes if b["height"] > PRINT_HEIGHT]
    problems += [f"{b['what']}: reaches {b['right']:.0f} px, wider than a page ({PRINT_WIDTH:.0f} px)"
                 for b in boxes if b["right"] > PRINT_WIDTH + 1]
    problems += [f"{b['what']}: a page break may cut it (no break-inside: avoid on it or around it)"
                 for b in boxes if not b["avoids"]]
    assert problems == []


def test_pdf_inside_an_event_loop(chromium, template_reports, tmp_path):
    """In a Jupyter kernel an asyncio loop runs: the PDF is printed in a worker thread."""
    html = template_reports("competitor_comparison").html

    async def main():
        return html_to_pdf(html, tmp_path / "report.pdf")

    # a thread of its own, as a kernel's: this one already runs the session's browser
    with ThreadPoolExecutor(max_workers=1) as pool:
        pdf = pool.submit(asyncio.run, main()).result()
    assert pdf.read_bytes().startswith(b"%PDF-")


def test_browser_gives_a_working_chromium(chromium):
    page = chromium.new_page()
    try:
        refused = offline(page)
        page.set_content('<p>hi <img src="https://example.invalid/x.png"></p>')
        assert page.inner_text("p").strip() == "hi"
        assert refused == ["https://example.invalid/x.png"]
    finally:
        page.close()


# -- without a browser ------------------------------------------------------------------------------------------------
def test_chromium_path_follows_the_environment_variable(tmp_path, monkeypatch):
    exe = tmp_path / "my-chromium"
    exe.write_text("#!/bin/sh\nexit 1\n")
    exe.chmod(0o755)
    monkeypatch.setenv(_browser.ENV_VARIABLE, str(exe))
    assert chromium_path() == str(exe)
    monkeypatch.setenv(_browser.ENV_VARIABLE, str(tmp_path / "missing"))
    assert chromium_path() is None, "a wrong explicit choice is not replaced by another browser"
    exe.chmod(0o644)
    monkeypatch.setenv(_browser.ENV_VARIABLE, str(exe))
    assert chromium_path() is None
    monkeypatch.delenv(_browser.ENV_VARIABLE)
    found = chromium_path()
    assert found is None or os.access(found, os.X_OK)


def test_no_browser_is_one_line_naming_what_to_install(tmp_path, monkeypatch):
    pytest.importorskip("playwright")
    html = tmp_path / "r.html"
    html.write_text("<p>hi</p>")
    monkeypatch.setattr(_browser, "chromium_path", lambda: None)
    monkeypatch.delenv(_browser.ENV_VARIABLE, raising=False)
    with pytest.raises(BrowserUnavailable, match="apt-get install chromium") as caught:
        html_to_pdf(html, tmp_path / "r.pdf")
    assert "\n" not in str(caught.value) and isinstance(caught.value, RuntimeError)
    monkeypatch.setenv(_browser.ENV_VARIABLE, str(tmp_path / "missing"))
    with pytest.raises(BrowserUnavailable, match=f"{_browser.ENV_VARIABLE}=.*missing is not an executable"):
        html_to_pdf(html, tmp_path / "r.pdf")
    assert not (tmp_path / "r.pdf").exists()


def test_no_playwright_is_one_line_naming_what_to_install(tmp_path, monkeypatch):
    html = tmp_path / "r.html"
    html.write_text("<p>hi</p>")
    monkeypatch.setitem(sys.modules, "playwright.sync_api", None)  # import fails
    with pytest.raises(BrowserUnavailable, match=r"pip install 'nps-toolkit\[report\]'") as caught:
        html_to_pdf(html, tmp_path / "r.pdf")
    assert "\n" not in str(caught.value)
    with pytest.raises(BrowserUnavailable, match="Playwright"):
        with _browser.browser():
            pass


def test_a_browser_that_does_not_start_is_one_line(tmp_path, monkeypatch):
    pytest.importorskip("playwright")
    exe = tmp_path / "broken-chromium"
    exe.write_text("#!/bin/sh\necho broken >&2\nexit 3\n")
    exe.chmod(0o755)
    monkeypatch.setenv(_browser.ENV_VARIABLE, str(exe))
    html = tmp_path / "r.html"
    html.write_text("<p>hi</p>")
    with pytest.raises(BrowserUnavailable, match=f"Chromium at {re.escape(str(exe))} did not start") as caught:
        html_to_pdf(html, tmp_path / "r.pdf")
    assert "\n" not in str(caught.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken-chromium", "r.html"]


def test_missing_html_is_refused(tmp_path):
    with pytest.raises(FileNotFoundError, match="no HTML file"):
        html_to_pdf(tmp_path / "nope.html", tmp_path / "nope.pdf")


def test_a_failed_print_keeps_the_earlier_pdf(tmp_path, monkeypatch):
    pytest.importorskip("playwright")
    html = tmp_path / "r.html"
    html.write_text("<p>hi</p>")
    earlier = tmp_path / "r.pdf"
    earlier.write_bytes(b"%PDF- earlier")
    monkeypatch.setattr(_browser, "chromium_path", lambda: sys.executable)  # any executable: _print is replaced

    def fail(*args, **kwargs):
        raise RuntimeError("printing failed")

    monkeypatch.setattr(_browser, "_print", fail)
    with pytest.raises(RuntimeError, match="printing failed"):
        html_to_pdf(html, earlier)
    assert earlier.read_bytes() == b"%PDF- earlier"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.html", "r.pdf"]


def test_atomic_write_leaves_no_temporary_file_on_failure(tmp_path, monkeypatch):
    target = tmp_path / "r.pdf"

    def fail(*args):
        raise OSError("disk full")

    monkeypatch.setattr(_browser.os, "replace", fail)
    with pytest.raises(OSError, match="disk full"):
        _browser._write_atomically(target, b"%PDF-")
    assert list(tmp_path.iterdir()) == []


def test_launch_arguments_disable_the_sandbox_for_root_only():
    assert ("--no-sandbox" in _browser.launch_arguments()) == (os.geteuid() == 0)
