"""Running the report templates with papermill and exporting HTML without code.

A run writes into ``output_dir``: ``STEM.ipynb`` (the executed notebook),
``STEM.html`` (the report, no code cells), ``STEM.json`` (the results),
``STEM.xlsx`` (the workbook), ``STEM.followup.csv`` (the detractors to
contact, when there are any) and, when asked, ``STEM.pdf`` (the HTML printed
in headless Chromium).

How a run writes its files:

* Everything is first written into a folder of its own inside ``output_dir``,
  ``.STEM.<random>.partial/``, so two runs into one folder never share a
  temporary name. The files are renamed into place only when the whole run
  has succeeded, so a failed run never replaces an earlier good report; the
  partly executed notebook is kept as ``STEM.failed.ipynb`` for diagnosis.
* The renames of one run are made while it holds a lock on ``output_dir``
  (``flock``, where the system has it), and a run also removes the files of
  the set it did not write (an older follow-up list, an older PDF). Two runs
  with the same stem therefore never mix: the last to finish wins, whole.
* Files get the mode ``open()`` would give them (``0o666`` less the umask).
* A run stopped by an exception, Ctrl-C or (with :func:`handle_termination`,
  as the ``nps-toolkit`` command does) SIGTERM removes its temporary folder.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import shutil
import signal
import tempfile
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import NamedTuple

from ._files import atomic_write_text, file_mode
from ._validation import positional_options
from .parameters import ParameterError, template_parameters, template_path

__all__ = ["TemplateRun", "TemplateError", "run_template", "run_batch", "export_html", "handle_termination",
           "REPORT_CSS", "OUTPUTS"]

#: The files of a run, by field of :class:`TemplateRun`: the suffix after ``STEM``.
OUTPUTS = {"results": ".json", "workbook": ".xlsx", "followup": ".followup.csv", "notebook": ".ipynb",
           "pdf": ".pdf", "html": ".html"}
#: Files a run may leave out (the template wrote none, or no PDF was asked); an older one is removed.
_OPTIONAL = ("workbook", "followup", "pdf")

#: Layout of the HTML report on screen and on paper: tables that fit the page (``table-layout: auto``;
#: headers wrap, even inside a word, cells at spaces, numbers never; cells of the class ``nps-text`` (long
#: texts such as quotes) left-aligned and broken anywhere; tables of ten columns or more in a smaller type),
#: figures no wider than the page, page margins, and no table row or figure cut by a page break. A table
#: that still does not fit scrolls inside its own box, the last resort.
REPORT_CSS = """
/* nps_toolkit: tables and figures that fit the page, on screen and on paper */
body.jp-Notebook { max-width: 72rem; margin: 0 auto; }
.jp-RenderedHTMLCommon table { table-layout: auto; width: auto; max-width: 100%; font-size: 0.8rem;
  margin-left: 0; margin-right: auto; }
.jp-RenderedHTMLCommon th { white-space: normal; overflow-wrap: normal; word-break: normal; hyphens: manual;
  vertical-align: bottom; }
.jp-RenderedHTMLCommon td { overflow-wrap: break-word; }
.jp-RenderedHTMLCommon td.nps-text { overflow-wrap: anywhere; text-align: left; min-width: 12ch; }
.jp-RenderedHTMLCommon td.nps-label { text-align: left; }
.jp-RenderedHTMLCommon td, .jp-RenderedHTMLCommon th { padding: 0.3em 0.4em; }
.jp-RenderedHTMLCommon table:has(thead th:nth-child(10)) { font-size: 0.7rem; }
.jp-RenderedHTMLCommon table:has(thead th:nth-child(10)) :is(td, th) { padding: 0.2em 0.2em; }
.jp-RenderedImage img, .jp-RenderedHTMLCommon img, .jp-RenderedSVG svg { max-width: 100%; height: auto; }
.jp-OutputArea-output { overflow-x: auto; max-width: 100%; }
@media (max-width: 60rem) { .jp-RenderedHTMLCommon table:has(thead th:nth-child(10)) { font-size: 0.62rem; } }
@page { size: A4; margin: 14mm 12mm; }
@media print {
  body.jp-Notebook { max-width: none; font-size: 10pt; }
  .jp-OutputArea-output { overflow: visible; }
  .jp-RenderedHTMLCommon table { font-size: 8pt; }
  .jp-RenderedHTMLCommon table:has(thead th:nth-child(10)) { font-size: 6.5pt; }
  table, img, svg, figure, .jp-RenderedImage { break-inside: avoid; page-break-inside: avoid; }
  thead { display: table-header-group; }
  tr { break-inside: avoid; page-break-inside: avoid; }
  h1, h2, h3, h4 { break-after: avoid; page-break-after: avoid; }
}
"""

#: nbconvert's "lab" page without the scripts it loads from CDNs (require.js, MathJax, Mermaid, widgets:
#: a report needs none of them and must display offline), with the report's layout added last.
_TEMPLATE_NAME = "nps_toolkit_report.html.j2"
_TEMPLATE = """{%- extends 'index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{% block jupyter_widgets %}{% endblock jupyter_widgets %}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block html_head_css -%}
<style type="text/css">{{ resources.nps_toolkit_css }}</style>
{%- endblock html_head_css -%}
"""

#: Temporary folders of the runs in progress in this process (removed if the process is stopped).
_RUNNING: set[Path] = set()
#: Set while a run moves its files into place, and the signal that arrived meanwhile.
_HELD: list = []
_PENDING: list = []


class TemplateRun(NamedTuple):
    """Paths written by a successful template run (``workbook``, ``followup`` and ``pdf`` None when not written).

    Attributes
    ----------
    notebook : Path
        The executed notebook, ``STEM.ipynb``.
    html : Path
        The report without code, ``STEM.html``.
    results : Path
        The key numbers, ``STEM.json``.
    workbook : Path or None
        The report's tables, ``STEM.xlsx``.
    followup : Path or None
        The detractors to call back, ``STEM.followup.csv`` (personal data: never in the HTML); None when
        there are none.
    pdf : Path or None
        ``STEM.pdf``, when asked for.

    See Also
    --------
    run_template : Run a template.
    TemplateError : Raised instead when the run fails.
    """

    notebook: Path
    html: Path
    results: Path
    workbook: Path | None = None
    followup: Path | None = None
    pdf: Path | None = None


class TemplateError(RuntimeError):
    """A template run failed; ``notebook`` is the partly executed notebook kept for diagnosis.

    See Also
    --------
    run_template : Run a template.
    ParameterError : Raised for a bad parameter, before anything runs.
    TemplateRun : What a successful run returns.
    """

    def __init__(self, message: str, notebook: Path | None = None):
        super().__init__(message)
        self.notebook = notebook


def export_html(notebook_path, *, title: str | None = None, language: str | None = None) -> str:
    """Render an executed notebook as a self-contained HTML report: no code cells, prompts or remote scripts.

    Parameters
    ----------
    notebook_path : str or Path
        The executed notebook.
    title : str, optional
        The page title (escaped; line breaks folded); the notebook's name by default.
    language : str, optional
        The page's language (``<html lang>``), e.g. ``"ru"``.

    Returns
    -------
    str
        The HTML page, with :data:`REPORT_CSS` for the screen and for print.

    Examples
    --------
    >>> import nbformat, tempfile, pathlib
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Hello")])
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "hello.ipynb"
    >>> nbformat.write(nb, str(path))
    >>> page = export_html(path, title="<NPS> & co")
    >>> "<title>&lt;NPS&gt; &amp; co</title>" in page, "<script src=" in page, "@media print" in page
    (True, False, True)
    """
    import jinja2
    import nbformat
    from nbconvert import HTMLExporter

    nb = nbformat.read(str(notebook_path), as_version=4)
    nb.metadata.pop("title", None)  # the title given here, not one the notebook carries
    options = {"language_code": language} if language else {}
    exporter = HTMLExporter(template_name="lab", template_file=_TEMPLATE_NAME,
                            extra_loaders=[jinja2.DictLoader({_TEMPLATE_NAME: _TEMPLATE})],
                            exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True,
                            exclude_anchor_links=True, **options)
    name = " ".join(str(title).split()) if title else Path(notebook_path).stem
    # nbconvert escapes the title itself (escape_html_keep_quotes): it is given as text, not as HTML
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": name},
                                                         "nps_toolkit_css": REPORT_CSS})
    return body


def _short(text: str) -> str:
    lines = [line for line in str(text).strip().splitlines() if line.strip()]
    return lines[0] if lines else ""


def _check_stem(stem: str) -> str:
    text = str(stem)
    if not text.strip() or text.startswith(".") or "/" in text or os.sep in text or (os.altsep and os.altsep in text):
        raise ParameterError(f"stem {text!r} must be a file name (no folders, not starting with '.')")
    return text


def _output_folder(out: Path, stem: str) -> Path:
    """Create ``out`` if needed and this run's own temporary folder in it; one-line errors otherwise."""
    try:
        if out.exists() and not out.is_dir():
            raise TemplateError(f"output folder {str(out)!r} is a file, not a folder")
        out.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix=f".{stem}.", suffix=".partial", dir=out))
    except FileExistsError:
        raise TemplateError(f"output folder {str(out)!r} is a file, not a folder") from None
    except NotADirectoryError:
        raise TemplateError(f"output folder {str(out)!r}: part of the path is a file, not a folder") from None
    except PermissionError:
        raise TemplateError(f"output folder {str(out)!r} is not writable") from None
    except OSError as exc:
        raise TemplateError(f"output folder {str(out)!r}: {exc.strerror or exc}") from None


@contextlib.contextmanager
def _folder_lock(folder: Path):
    """An exclusive lock on ``folder`` (``flock`` on the folder itself: no lock file is left behind)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: renames are still atomic one by one
        yield
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _publish(run_dir: Path, out: Path, stem: str) -> dict[str, Path | None]:
    """Move a run's files from its temporary folder into ``out`` as one set, under the folder's lock.

    Files of the set this run did not write are removed, so ``out`` never
    holds the HTML of one run with the follow-up list or PDF of another.
    Returns the final path of each output (None for those not written).
    """
    mode = file_mode()
    written = {}
    _HELD.append(None)  # a SIGTERM now waits until the set is in place (see _terminate)
    try:
        with _folder_lock(out):
            for field, suffix in OUTPUTS.items():
                source, target = run_dir / f"{stem}{suffix}", out / f"{stem}{suffix}"
                if source.exists():
                    os.chmod(source, mode)
                    os.replace(source, target)
                    written[field] = target
                else:
                    target.unlink(missing_ok=True)
                    written[field] = None
            (out / f"{stem}.failed.ipynb").unlink(missing_ok=True)
    finally:
        _HELD.pop()
        if not _HELD and _PENDING:
            raise SystemExit(128 + _PENDING.pop())
    return written


def _discard(run_dir: Path) -> None:
    shutil.rmtree(run_dir, ignore_errors=True)
    _RUNNING.discard(run_dir)


@positional_options("parameters", "output_dir")
def run_template(name, *, parameters: dict | None = None, output_dir="reports", stem: str | None = None,
                 progress: bool = False, kernel_name: str | None = None, pdf: bool = False) -> TemplateRun:
    """Execute a template with papermill and write the notebook, HTML report, results JSON, workbook and follow-up list.

    Parameters
    ----------
    name : str or path
        A bundled template (``"benchmark_study"``, ``"competitor_comparison"``,
        ``"period_comparison"``; see ``nps-toolkit templates``) or a path to a notebook.
    parameters : dict, optional
        Parameter values; names must be declared in the template's
        ``parameters`` cell. ``results_path`` is set by this function.
    output_dir : str or Path
        Folder for ``STEM.ipynb``, ``STEM.html``, ``STEM.json``, ``STEM.xlsx``,
        ``STEM.followup.csv`` and ``STEM.pdf`` (created if needed).
    stem : str, optional
        File name stem; the template's name by default.
    progress : bool
        Show a progress bar while cells run.
    kernel_name : str, optional
        Jupyter kernel that runs the notebook.
    pdf : bool
        Also print the HTML report to ``STEM.pdf`` in headless Chromium
        (needs Playwright and Chromium; see the user guide, "Installing").

    Returns
    -------
    TemplateRun
        Paths of the executed notebook, the HTML report, the JSON, the
        workbook, the follow-up list (None when the study has no detractors)
        and the PDF (None unless asked).

    Raises
    ------
    ParameterError
        An unknown parameter name or a bad stem (checked before anything runs).
    TemplateError
        The output folder cannot be written, no browser for ``pdf=True``
        (both checked before anything runs), or the notebook failed: its
        message is the underlying error in one line and ``.notebook`` the
        partly executed notebook.

    See Also
    --------
    TemplateRun : The paths returned.
    TemplateError : Raised when the run fails.
    list_templates : Names of the bundled templates.
    template_parameters : The parameters of a template.
    inspect_file : The commands that make a report of a file.

    Examples
    --------
    >>> import tempfile
    >>> run = run_template("benchmark_study", parameters={"language": "pl"}, output_dir=tempfile.mkdtemp())  # doctest: +SKIP
    >>> run.html.name, run.workbook.name  # doctest: +SKIP
    ('benchmark_study.html', 'benchmark_study.xlsx')
    """
    import papermill
    from papermill.exceptions import PapermillExecutionError

    path = template_path(name)
    stem = _check_stem(stem or path.stem)
    params = dict(parameters or {})
    declared = template_parameters(path)
    unknown = sorted(set(params) - set(declared))
    if unknown:
        raise ParameterError(f"unknown parameter {unknown[0]!r} for template {path.stem!r}; "
                             f"allowed: {', '.join(declared)}")
    if "results_path" in params:
        raise ParameterError("parameter 'results_path' is set by run_template: the results go to "
                             "OUTPUT_DIR/STEM.json")
    if pdf:
        from ._browser import chromium_path

        if chromium_path() is None:
            raise TemplateError("pdf: no Chromium to print the PDF with: install Debian's package "
                                "('apt-get install chromium') or set NPS_TOOLKIT_CHROMIUM (see the user guide, 'Installing')")
    out = Path(output_dir)
    run_dir = _output_folder(out, stem)
    _RUNNING.add(run_dir)
    try:
        return _run_in(run_dir, path, params, out, stem, progress, kernel_name, pdf, papermill,
                       PapermillExecutionError)
    finally:
        _discard(run_dir)


#: The longest path of a kernel's socket: Unix sockets allow about 104 bytes; the kernel adds "-ipc-5".
_SOCKET_PATH_MAX = 90


def _kernel_connection(folder: str | None) -> dict:
    """How papermill should talk to the kernel: over Unix sockets in the private folder ``folder`` (IPC), so
    that no TCP port is opened and the kernel does not warn that its traffic is unencrypted; {} (TCP on
    localhost, papermill's default) where there are no Unix sockets (Windows) or the path is too long."""
    ip = os.path.join(folder, "kernel") if folder is not None else None
    if ip is None or len(ip) > _SOCKET_PATH_MAX:
        return {}
    from jupyter_client import AsyncKernelManager

    # asynchronous, as nbclient's own default: a synchronous manager would start the kernel through a helper
    # thread of jupyter_core that a forked worker of run_batch inherits without the thread, and wait forever
    class _SocketKernelManager(AsyncKernelManager):
        """A kernel manager that connects over Unix sockets in one private folder."""

        def __init__(self, **kwargs):
            kwargs.setdefault("transport", "ipc")
            kwargs.setdefault("ip", ip)
            super().__init__(**kwargs)

    return {"kernel_manager_class": _SocketKernelManager}


def _run_in(run_dir, path, params, out, stem, progress, kernel_name, pdf, papermill, execution_error):
    """The run itself, in its temporary folder ``run_dir`` (removed by the caller, whatever happens)."""
    partial_nb, partial_json = run_dir / f"{stem}.ipynb", run_dir / f"{stem}.json"
    failed = out / f"{stem}.failed.ipynb"
    params["results_path"] = str(partial_json.resolve())
    sockets = tempfile.mkdtemp(prefix="nps-kernel-") if os.name == "posix" else None
    try:
        papermill.execute_notebook(str(path), str(partial_nb), parameters=params, progress_bar=progress,
                                   kernel_name=kernel_name, **_kernel_connection(sockets))
    except Exception as exc:  # noqa: BLE001 - every failure is reported the same way
        kept = None
        if partial_nb.exists():
            os.chmod(partial_nb, file_mode())
            os.replace(partial_nb, failed)
            kept = failed
        if isinstance(exc, execution_error):
            reason = f"{exc.ename}: {_short(exc.evalue)}"
        else:
            reason = f"{type(exc).__name__}: {_short(exc)}"
        where = f" (partly executed notebook kept at {kept})" if kept else ""
        raise TemplateError(f"{path.stem} failed: {reason}{where}", notebook=kept) from None
    finally:
        if sockets is not None:
            shutil.rmtree(sockets, ignore_errors=True)
    if not partial_json.exists():
        os.chmod(partial_nb, file_mode())
        os.replace(partial_nb, failed)
        raise TemplateError(f"{path.stem} ran but wrote no results JSON (notebook kept at {failed})", notebook=failed)
    meta = _meta_of(partial_json)
    html = atomic_write_text(run_dir / f"{stem}.html",
                             export_html(partial_nb, title=meta.get("title") or params.get("title") or stem,
                                         language=meta.get("language") or params.get("language")))
    if pdf:
        from ._browser import html_to_pdf

        try:
            html_to_pdf(html, run_dir / f"{stem}.pdf")
        except (RuntimeError, OSError) as exc:  # BrowserUnavailable is a RuntimeError
            raise TemplateError(f"{path.stem}: the PDF could not be printed: {_short(exc)}") from None
    written = _publish(run_dir, out, stem)
    return TemplateRun(**written)


def _meta_of(results_path: Path) -> dict:
    """The ``meta`` of a results JSON (title, language), or nothing."""
    import json

    try:
        meta = json.loads(results_path.read_text(encoding="utf-8")).get("meta")
    except (OSError, ValueError, AttributeError):
        return {}
    return meta if isinstance(meta, dict) else {}


# -- stopping cleanly ------------------------------------------------------------------------------------------
def _terminate(signum, frame):
    """SIGTERM: stop the worker processes, then leave through ``SystemExit`` so every run cleans up after itself.

    While a run is moving its files into place the signal waits for the last
    rename, so that the folder never holds half of one run's set.
    """
    if _HELD:
        _PENDING.append(signum)
        return
    signal.signal(signum, _terminate_now)  # a second signal does not wait
    for child in multiprocessing.active_children():
        child.terminate()
    raise SystemExit(128 + signum)


def _terminate_now(signum, frame):
    for run_dir in list(_RUNNING):
        shutil.rmtree(run_dir, ignore_errors=True)
    os._exit(128 + signum)


def handle_termination() -> None:
    """Make SIGTERM stop this process cleanly: runs in progress remove their temporary files, exit status 143.

    Called by the ``nps-toolkit`` command (and in the worker processes of
    :func:`run_batch`). The signal raises ``SystemExit(143)``, so each run in
    progress shuts its kernel down and removes its temporary folder on the
    way out; a second SIGTERM removes them at once and exits.

    Examples
    --------
    >>> import signal
    >>> before = signal.getsignal(signal.SIGTERM)
    >>> handle_termination()
    >>> signal.getsignal(signal.SIGTERM) is not before
    True
    >>> _ = signal.signal(signal.SIGTERM, before)
    """
    signal.signal(signal.SIGTERM, _terminate)


def _run_one(job):
    name, params, out, stem, pdf = (*job, False)[:5]
    try:
        return run_template(name, parameters=params, output_dir=out, stem=stem, pdf=pdf), None
    except (TemplateError, ParameterError) as exc:
        return None, str(exc)
    except SystemExit as exc:  # a worker told to stop: its run has cleaned up; the worker ends here
        if multiprocessing.parent_process() is not None:
            os._exit(exc.code if isinstance(exc.code, int) else 1)
        raise


def _check_destinations(jobs) -> None:
    """Refuse, before anything runs, two jobs that would write the same files."""
    seen = {}
    for job in jobs:
        name, _, out, stem = job[:4]
        stem = _check_stem(stem or template_path(name).stem)
        target = Path(out).resolve() / stem
        if target in seen:
            raise ParameterError(f"jobs {seen[target] + 1} and {len(seen) + 1} would both write "
                                 f"{Path(out) / stem}.*; give them different stems or output folders")
        seen[target] = len(seen)


def run_batch(jobs, *, max_workers: int = 1):
    """Run several ``(name, parameters, output_dir, stem)`` jobs (or ``(..., stem, pdf)``), ``max_workers`` at a time.

    Jobs that would write the same files (the same output folder and stem)
    are refused with a :class:`ParameterError` before any runs. Returns a
    list of ``(TemplateRun or None, error message or None)`` in the order of
    ``jobs``.

    Examples
    --------
    >>> run_batch([("benchmark_study", {}, "out", "a"), ("period_comparison", {}, "out", "a")])
    Traceback (most recent call last):
    ...
    nps_toolkit.parameters.ParameterError: jobs 1 and 2 would both write out/a.*; give them different stems or output folders
    """
    jobs = list(jobs)
    _check_destinations(jobs)
    if max_workers <= 1 or len(jobs) <= 1:
        return [_run_one(job) for job in jobs]
    pool = ProcessPoolExecutor(max_workers=max_workers, initializer=handle_termination)
    futures = []
    try:
        futures = [pool.submit(_run_one, job) for job in jobs]
        results = []
        for future in futures:
            try:
                results.append(future.result())
            except BrokenProcessPool:
                results.append((None, "not run to the end: its worker process was stopped"))
        pool.shutdown()
        return results
    except BaseException:
        for future in futures:
            future.cancel()
        children = multiprocessing.active_children()
        for child in children:
            child.terminate()  # each run removes its temporary folder on its way out
        pool.shutdown(wait=False, cancel_futures=True)
        for child in children:
            child.join(timeout=30)
        raise
