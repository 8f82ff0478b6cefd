"""Command line: ``nps-toolkit``.

::

    nps-toolkit templates                       # list templates and their parameters
    nps-toolkit run benchmark_study -p language ru -p benchmark 20 --output-dir out
    nps-toolkit run period_comparison -f q1.yaml -f q2.yaml -j 2 --output-dir out
    nps-toolkit demo                            # every template on the bundled sample, into reports/
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ._version import __version__

#: What ``nps-toolkit demo`` renders: (template, stem, parameters).
DEMO_RUNS = (
    ("benchmark_study", "benchmark_study", {}),
    ("benchmark_study", "benchmark_study_ru", {"language": "ru", "title": "Исследование NPS: сравнение с бенчмарком"}),
    ("benchmark_study", "benchmark_study_pl", {"language": "pl", "title": "Badanie NPS: porównanie z benchmarkiem"}),
    ("competitor_comparison", "competitor_comparison", {}),
    ("period_comparison", "period_comparison", {}),
)


def _templates(args) -> int:
    from .parameters import list_templates, template_parameters

    for name in list_templates():
        print(name)
        for p in template_parameters(name).values():
            print(f"  {p.name:<20} {p.type:<14} default {p.default:<22} {p.help}")
    return 0


def _read_yaml(path: str) -> dict:
    import yaml

    file = Path(path)
    if not file.is_file():
        raise FileNotFoundError(f"parameter file not found: {path}")
    values = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
    if not isinstance(values, dict):
        raise ValueError(f"{path}: a parameter file must hold NAME: VALUE lines")
    return values


def _cli_parameters(template: str, pairs) -> dict:
    from .parameters import ParameterError, coerce_value, template_parameters

    declared = template_parameters(template)
    out = {}
    for name, text in pairs or []:
        if name not in declared:
            raise ParameterError(f"unknown parameter {name!r} for template {template!r}; "
                                 f"allowed: {', '.join(declared)}")
        out[name] = coerce_value(declared[name], text)
    return out


def _report(results, labels) -> int:
    failures = 0
    for (run, error), label in zip(results, labels):
        if error:
            failures += 1
            print(f"nps-toolkit: {label}: {error}", file=sys.stderr)
        else:
            print(f"{label}: wrote {run.html}, {run.results}, {run.notebook}")
    return 1 if failures else 0


def _run(args) -> int:
    from .report import run_batch, run_template

    cli_params = _cli_parameters(args.template, args.param)
    out = Path(args.output_dir)
    if len(args.file or []) <= 1:
        params = {**(_read_yaml(args.file[0]) if args.file else {}), **cli_params}
        run = run_template(args.template, parameters=params, output_dir=out, progress=not args.quiet)
        print(f"wrote {run.html}, {run.results}, {run.notebook}")
        return 0
    jobs = [(args.template, {**_read_yaml(f), **cli_params}, out / Path(f).stem, None) for f in args.file]
    print(f"running {len(jobs)} reports, {args.jobs} at a time", file=sys.stderr)
    return _report(run_batch(jobs, max_workers=args.jobs), [str(out / Path(f).stem) for f in args.file])


def _demo(args) -> int:
    from .report import run_batch

    out = Path(args.output_dir)
    jobs = [(name, params, out, stem) for name, stem, params in DEMO_RUNS]
    print(f"rendering {len(jobs)} reports on the bundled sample into {out}/ ...", file=sys.stderr)
    return _report(run_batch(jobs, max_workers=args.jobs), [stem for _, stem, _ in DEMO_RUNS])


def _inspect(args) -> int:
    from .reading import describe_reading, inspect_file

    kwargs = {}
    if args.score:
        kwargs["score"] = args.score
    if args.date:
        kwargs["date"] = args.date
    if args.dayfirst is not None:
        kwargs["dayfirst"] = args.dayfirst == "true"
    if args.layout:
        kwargs["layout"] = args.layout
    if args.sheet is not None:
        kwargs["sheet"] = int(args.sheet) if args.sheet.isdigit() else args.sheet
    found = inspect_file(args.file, **kwargs)
    info = found["info"]
    lines = [describe_reading(info),
             f"layout:        {info['layout']}" + (f" (encoding {info['encoding']}, delimiter {info['delimiter']})"
                                                  if info.get("encoding") else ""),
             f"rows:          {info['rows']} read, {found['rows']} analysed",
             f"excluded:      " + (", ".join(f"{n} {reason}" for reason, n in info["excluded"].items())
                                   + (" (kept: excluded='keep')" if info.get("excluded_kept") else "")
                                   if info["excluded"] else "none"),
             f"score column:  {info['score']!r}" + (f"  {info['score_label']!r}" if info.get("score_label") else ""),
             f"date column:   {info['date']!r}" + (f" ({info['date_order']})" if info.get("date_order") else "")
             if info.get("date") else "date column:   none found"
             + (f" (columns of dates: {', '.join(map(repr, found['date_candidates']))}; name one with -p "
                f"date_column)" if found["date_candidates"] else ""),
             f"segments:      " + (", ".join(map(repr, found["segment_candidates"])) or "none found"),
             f"comments:      " + (", ".join(map(repr, found["comment_candidates"])) or "none found"),
             "", "to make a report:"]
    lines += [f"  {command}" for command in found["commands"].values()]
    print("\n".join(lines))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="nps-toolkit", description="Net Promoter Score research toolkit.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    sub.add_parser("templates", help="list the report templates and their parameters").set_defaults(func=_templates)

    run = sub.add_parser("run", help="run a report template (papermill) into an HTML report and results JSON")
    run.add_argument("template", help="template name (see 'nps-toolkit templates') or a notebook path")
    run.add_argument("-p", "--param", nargs=2, action="append", metavar=("NAME", "VALUE"),
                     help="set a parameter (repeatable); the value is read as the parameter's declared type")
    run.add_argument("-f", "--file", action="append", metavar="PARAMS.yaml",
                     help="YAML file of parameters; several files run a batch, one output folder each")
    run.add_argument("--output-dir", default="reports", help="output folder (default: reports)")
    run.add_argument("-j", "--jobs", type=int, default=1, help="reports run at a time in a batch (default 1)")
    run.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    run.set_defaults(func=_run)

    inspect = sub.add_parser("inspect", help="what a survey export holds: layout, rows, excluded rows, score, date "
                                             "and segment columns, and the command that makes a report of it")
    inspect.add_argument("file", help="the export: CSV/TSV, Excel, Parquet, SPSS .sav/.zsav or Stata .dta")
    inspect.add_argument("--score", help="the score column (found by default)")
    inspect.add_argument("--date", help="the date column (found by default)")
    inspect.add_argument("--dayfirst", choices=("true", "false"), help="how to read dates such as 03/01/2024")
    inspect.add_argument("--layout", help="force a layout (qualtrics, surveymonkey, google-forms, typeform, csv, excel)")
    inspect.add_argument("--sheet", help="Excel sheet name or 0-based index")
    inspect.set_defaults(func=_inspect)

    demo = sub.add_parser("demo", help="render every template on the bundled sample data")
    demo.add_argument("--output-dir", default="reports", help="folder for the reports (default: reports)")
    demo.add_argument("-j", "--jobs", type=int, default=2, help="reports run at a time (default 2)")
    demo.set_defaults(func=_demo)
    return parser


def main(argv=None) -> int:
    """Entry point of the ``nps-toolkit`` command; returns the exit code."""
    from .parameters import ParameterError
    from .report import TemplateError

    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (TemplateError, ParameterError, ValueError, TypeError, KeyError, FileNotFoundError) as exc:
        message = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
        print(f"nps-toolkit: error: {message}", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
