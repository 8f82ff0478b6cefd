"""The README's screenshot: the top of the benchmark study report, 1280 px wide, as docs/images/report.png.

    .venv/bin/python scripts/screenshot.py                          # runs the template on the bundled sample
    .venv/bin/python scripts/screenshot.py --html reports/benchmark_study.html --through "" --height 900

The report is opened offline in headless Chromium (nps_toolkit._browser: Debian's chromium package and
Playwright, as for PDF export). The picture goes from the top of the page to the end of the section whose
heading contains ``--through`` (default "Action plan": key figures, segments, what comments cost and the
action plan), up to the next heading of the same level; without such a heading (or with ``--through ""``),
down to ``--height`` pixels. It is stored as a 256-colour PNG so that it stays small (under 300 KB).
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LIMIT = 300_000

#: The bottom of the section whose heading contains the text (to the next heading of the same level or above).
SECTION_END = """(text) => {
  const headings = Array.from(document.querySelectorAll('h1, h2, h3, h4'));
  const start = headings.findIndex((h) => h.innerText.toLowerCase().includes(text.toLowerCase()));
  if (start < 0) return null;
  const level = Number(headings[start].tagName[1]);
  const next = headings.slice(start + 1).find((h) => Number(h.tagName[1]) <= level);
  const bottom = next ? next.getBoundingClientRect().top : document.documentElement.scrollHeight;
  return Math.ceil(bottom + window.scrollY);
}"""


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--html", type=Path, help="a report; default: run benchmark_study on the bundled sample")
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "images" / "report.png")
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=1100,
                        help="pixels from the top when no heading matches --through (default 1100)")
    parser.add_argument("--through", default="Action plan",
                        help='down to the end of the section whose heading contains this text (default "Action plan")')
    args = parser.parse_args(argv)
    if args.html is not None and not args.html.is_file():
        parser.error(f"no report at {args.html}")

    from PIL import Image

    from nps_toolkit._browser import BrowserUnavailable, browser, offline

    with tempfile.TemporaryDirectory() as tmp:
        html = args.html
        if html is None:
            from nps_toolkit import run_template

            html = run_template("benchmark_study", output_dir=tmp).html
        try:
            with browser() as chromium:
                page = chromium.new_page(viewport={"width": args.width, "height": args.height},
                                         device_scale_factor=1)
                refused = offline(page)
                page.goto(Path(html).resolve().as_uri(), wait_until="load")
                height = args.height
                if args.through:
                    end = page.evaluate(SECTION_END, args.through)
                    if end is None:
                        print(f"note: no heading contains {args.through!r}: the top {height} px", file=sys.stderr)
                    else:
                        height = end
                height = min(height, page.evaluate("document.documentElement.scrollHeight"))
                png = page.screenshot(clip={"x": 0, "y": 0, "width": args.width, "height": height}, full_page=True)
        except BrowserUnavailable as error:
            print(error, file=sys.stderr)
            return 1
    if refused:
        print(f"note: the report asked the network for {len(refused)} file(s); refused", file=sys.stderr)
    image = Image.open(io.BytesIO(png)).convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    image.save(args.output, optimize=True)
    size = args.output.stat().st_size
    print(f"{args.output} ({args.width} x {height} px, {size // 1000} KB)")
    if size > LIMIT:
        print(f"larger than {LIMIT // 1000} KB: take less of the page (--height)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
