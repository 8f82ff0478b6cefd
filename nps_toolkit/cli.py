"""Command line: ``nps-toolkit``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ._version import __version__


def _demo(args) -> int:
    from .datasets import load_sample
    from .report import write_summary

    out = Path(args.output_dir)
    data = load_sample()
    path = write_summary(data, out / "summary.html", by=["segment", "brand", "channel"],
                         title="NPS summary: bundled sample survey")
    print(f"wrote {path}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="nps-toolkit", description="Net Promoter Score research toolkit.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="render the reports on the bundled sample data")
    demo.add_argument("--output-dir", default="reports", help="folder for the HTML reports (default: reports)")
    demo.set_defaults(func=_demo)
    return parser


def main(argv=None) -> int:
    """Entry point of the ``nps-toolkit`` command."""
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (ValueError, TypeError, KeyError, FileNotFoundError) as exc:
        print(f"nps-toolkit: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
