"""Command line: ``nps-toolkit``.

::

    nps-toolkit templates                       # list templates and their parameters
    nps-toolkit run benchmark_study -p language ru -p benchmark 20 --output-dir out
    nps-toolkit run period_comparison -f q1.yaml -f q2.yaml -j 2 --output-dir out
    nps-toolkit demo                            # every template on the bundled sample, into reports/
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import signal
import sys
import threading
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


def _yaml_problem(exc) -> str:
    """One line saying what is wrong with a YAML text, and where."""
    import yaml

    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
    problem = " ".join(str(getattr(exc, "problem", None) or exc).split())
    if isinstance(exc, yaml.constructor.ConstructorError) and "tag" in problem:
        tag = problem.split("tag", 1)[1].strip(" '\"").replace("tag:yaml.org,2002:", "!!")
        return f"{where}the tag {tag} is not allowed: a parameter file holds plain values (text, numbers, lists)"
    return f"{where}not valid YAML: {problem}"


def _read_yaml(path: str) -> dict:
    """A parameter file: ``NAME: VALUE`` lines, read with ``yaml.safe_load`` (no tags, no objects)."""
    import yaml

    file = Path(path)
    if not file.is_file():
        raise FileNotFoundError(f"parameter file not found: {path}")
    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ValueError(f"{path}: a parameter file must be UTF-8 text") from None
    try:
        values = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ValueError(f"{path}: {_yaml_problem(exc)}") from None
    values = {} if values is None else values
    if not isinstance(values, dict) or not all(isinstance(k, str) for k in values):
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


def _written(run) -> str:
    """The files of a run, the report first."""
    files = [run.html, run.pdf, run.workbook, run.followup, run.results, run.notebook]
    return ", ".join(str(f) for f in files if f is not None)


def _report(results, labels) -> int:
    failures = 0
    for (run, error), label in zip(results, labels):
        if error:
            failures += 1
            print(f"nps-toolkit: {label}: {error}", file=sys.stderr)
        else:
            print(f"{label}: wrote {_written(run)}")
    return 1 if failures else 0


def _check_output_dir(out: Path) -> Path:
    """Refuse at once (one line, before any run) an output folder that is a file, lies under a file or cannot be written."""
    if out.exists() and not out.is_dir():
        raise ValueError(f"--output-dir {str(out)!r} is a file, not a folder")
    existing = next((p for p in (out, *out.parents) if p.exists()), None)
    if existing is not None and not existing.is_dir():
        raise ValueError(f"--output-dir {str(out)!r}: {str(existing)!r} is a file, not a folder")
    if existing is not None and not os.access(existing, os.W_OK | os.X_OK):
        raise ValueError(f"--output-dir {str(out)!r}: {str(existing)!r} is not writable")
    return out


def _check_jobs(jobs: int) -> int:
    if jobs < 1:
        raise ValueError(f"-j/--jobs must be 1 or more, got {jobs}")
    return jobs


def _run(args) -> int:
    from .report import run_batch, run_template

    cli_params = _cli_parameters(args.template, args.param)
    out = _check_output_dir(Path(args.output_dir))
    files = args.file or []
    if len(files) <= 1:
        params = {**(_read_yaml(files[0]) if files else {}), **cli_params}
        run = run_template(args.template, parameters=params, output_dir=out, progress=not args.quiet, pdf=args.pdf)
        print(f"wrote {_written(run)}")
        return 0
    _check_jobs(args.jobs)
    folders = {}
    for f in files:  # one output folder per file, named after it: two files of one name would share it
        folder = (out / Path(f).stem).resolve()
        if folder in folders:
            raise ValueError(f"parameter files {folders[folder]} and {f} would both write into "
                             f"{out / Path(f).stem}; rename one of them")
        folders[folder] = f
    jobs = [(args.template, {**_read_yaml(f), **cli_params}, out / Path(f).stem, None, args.pdf) for f in files]
    print(f"running {len(jobs)} reports, {args.jobs} at a time", file=sys.stderr)
    return _report(run_batch(jobs, max_workers=args.jobs), [str(out / Path(f).stem) for f in files])


#: The demo report printed to PDF when a browser is available.
DEMO_PDF = "benchmark_study"


def _demo(args) -> int:
    from ._browser import chromium_path
    from .report import run_batch

    _check_jobs(args.jobs)
    out = _check_output_dir(Path(args.output_dir))
    browser = chromium_path() is not None and importlib.util.find_spec("playwright") is not None
    if args.pdf and not browser:
        raise ValueError("--pdf: no browser to print with: install Playwright (pip install 'nps-toolkit[report]') "
                         "and Chromium ('apt-get install chromium'); see the user guide, 'Installing'")
    jobs = [(name, params, out, stem, args.pdf or (browser and stem == DEMO_PDF)) for name, stem, params in DEMO_RUNS]
    print(f"rendering {len(jobs)} reports on the bundled sample into {out}/ ...", file=sys.stderr)
    if not browser:
        print("no PDF: printing one needs Playwright (pip install 'nps-toolkit[report]') and Chromium "
              "('apt-get install chromium'); the HTML reports and workbooks are written", file=sys.stderr)
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

    run = sub.add_parser("run", help="run a report template (papermill) into an HTML report, a workbook, a follow-up "
                                     "list and results JSON")
    run.add_argument("template", help="template name (see 'nps-toolkit templates') or a notebook path")
    run.add_argument("-p", "--param", nargs=2, action="append", metavar=("NAME", "VALUE"),
                     help="set a parameter (repeatable); the value is read as the parameter's declared type")
    run.add_argument("-f", "--file", action="append", metavar="PARAMS.yaml",
                     help="YAML file of parameters; several files run a batch, one output folder each")
    run.add_argument("--output-dir", default="reports", help="output folder (default: reports)")
    run.add_argument("-j", "--jobs", type=int, default=1, help="reports run at a time in a batch (default 1)")
    run.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    run.add_argument("--pdf", action="store_true", help="also print each report to STEM.pdf (needs Playwright and "
                                                       "Chromium; see the user guide, 'Installing')")
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
    demo.add_argument("--pdf", action="store_true", help=f"print every report to PDF (by default only {DEMO_PDF}, "
                                                        "when a browser is available)")
    demo.set_defaults(func=_demo)
    return parser


def _one_line(exc: BaseException) -> str:
    """An error as one line: a KeyError's own text, an OSError's file and reason, else the first line."""
    if isinstance(exc, KeyError) and exc.args:
        text = str(exc.args[0])
    elif isinstance(exc, OSError) and exc.strerror:
        text = f"{exc.filename}: {exc.strerror}" if exc.filename else exc.strerror
    else:
        text = str(exc) or type(exc).__name__
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return " ".join(lines[:1]) or type(exc).__name__


def _quiet_stdout() -> None:
    """Point stdout at /dev/null: the reader went away (``| head``), the rest of the output has nowhere to go."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass


def main(argv=None) -> int:
    """Entry point of the ``nps-toolkit`` command; returns the exit code.

    Every refusal or failure ends in one line on stderr, ``nps-toolkit: error: ...``,
    and a non-zero exit (1; 130 after Ctrl-C; 143 after SIGTERM, with the
    temporary files of the run removed). Output cut short by its reader
    (``nps-toolkit templates | head -1``) ends quietly. Set
    ``NPS_TOOLKIT_DEBUG=1`` to see the traceback of an unexpected error.

    Examples
    --------
    >>> main(["run", "no_such_template"])  # doctest: +SKIP
    nps-toolkit: error: unknown template 'no_such_template'; available: benchmark_study, ...
    1
    """
    from .parameters import ParameterError
    from .report import TemplateError, handle_termination

    args = build_parser().parse_args(argv)
    main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.getsignal(signal.SIGTERM) if main_thread else None
    if main_thread:
        handle_termination()  # SIGTERM: runs in progress remove their temporary files, exit 143
    try:
        code = args.func(args)
        sys.stdout.flush()
        return code
    except BrokenPipeError:
        _quiet_stdout()
        return 0
    except SystemExit as exc:
        if exc.code == 128 + signal.SIGTERM:  # raised by the SIGTERM handler once the runs have cleaned up
            print("nps-toolkit: stopped by SIGTERM; the temporary files of the run were removed", file=sys.stderr)
        raise
    except KeyboardInterrupt:
        print("nps-toolkit: interrupted", file=sys.stderr)
        return 130
    except (TemplateError, ParameterError, ValueError, TypeError, KeyError, OSError) as exc:
        print(f"nps-toolkit: error: {_one_line(exc)}", file=sys.stderr)
        return 1
    except Exception as exc:  # noqa: BLE001 - an unexpected error: still one line, the traceback on request
        if os.environ.get("NPS_TOOLKIT_DEBUG"):
            raise
        print(f"nps-toolkit: error: {type(exc).__name__}: {_one_line(exc)} (set NPS_TOOLKIT_DEBUG=1 for the "
              f"traceback)", file=sys.stderr)
        return 1
    finally:
        if main_thread and previous is not None:
            signal.signal(signal.SIGTERM, previous)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
