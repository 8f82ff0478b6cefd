"""Running the report templates with papermill and exporting HTML without code.

A run writes three files into ``output_dir``: ``STEM.ipynb`` (the executed
notebook), ``STEM.html`` (the report, no code cells) and ``STEM.json`` (the
results). Each is first written under a temporary name and renamed into
place only when the whole run has succeeded, so a failed run never replaces
an earlier good report; the partly executed notebook is kept as
``STEM.failed.ipynb`` for diagnosis.
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import NamedTuple

from ._files import atomic_write_text
from ._validation import positional_options
from .parameters import ParameterError, template_parameters, template_path

__all__ = ["TemplateRun", "TemplateError", "run_template", "run_batch", "export_html"]


class TemplateRun(NamedTuple):
    """Paths written by a successful template run."""

    notebook: Path
    html: Path
    results: Path


class TemplateError(RuntimeError):
    """A template run failed; ``notebook`` is the partly executed notebook kept for diagnosis."""

    def __init__(self, message: str, notebook: Path | None = None):
        super().__init__(message)
        self.notebook = notebook


def export_html(notebook_path, *, title: str | None = None) -> str:
    """Render an executed notebook as HTML without code cells or prompts."""
    import nbformat
    from nbconvert import HTMLExporter

    nb = nbformat.read(str(notebook_path), as_version=4)
    exporter = HTMLExporter(template_name="lab", exclude_input=True, exclude_input_prompt=True,
                            exclude_output_prompt=True)
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": title or Path(notebook_path).stem}})
    return body


def _short(text: str) -> str:
    lines = [line for line in str(text).strip().splitlines() if line.strip()]
    return lines[0] if lines else ""


@positional_options("parameters", "output_dir")
def run_template(name, *, parameters: dict | None = None, output_dir="reports", stem: str | None = None,
                 progress: bool = False, kernel_name: str | None = None) -> TemplateRun:
    """Execute a template with papermill and write the notebook, HTML report and results JSON.

    Parameters
    ----------
    name : str or path
        A bundled template (``"benchmark_study"``, ``"competitor_comparison"``,
        ``"period_comparison"``; see ``nps-toolkit templates``) or a path to a notebook.
    parameters : dict, optional
        Parameter values; names must be declared in the template's
        ``parameters`` cell. ``results_path`` is set by this function.
    output_dir : str or Path
        Folder for ``STEM.ipynb``, ``STEM.html`` and ``STEM.json``.
    stem : str, optional
        File name stem; the template's name by default.
    progress : bool
        Show a progress bar while cells run.

    Returns
    -------
    TemplateRun
        Paths of the executed notebook, the HTML report and the JSON.

    Raises
    ------
    ParameterError
        An unknown parameter name (checked before anything runs).
    TemplateError
        The notebook failed; its message is the underlying error in one line
        and ``.notebook`` the partly executed notebook.

    Examples
    --------
    >>> import tempfile
    >>> run = run_template("benchmark_study", parameters={"language": "pl"}, output_dir=tempfile.mkdtemp())  # doctest: +SKIP
    >>> run.html.name  # doctest: +SKIP
    'benchmark_study.html'
    """
    import papermill
    from papermill.exceptions import PapermillExecutionError

    path = template_path(name)
    stem = stem or path.stem
    params = dict(parameters or {})
    declared = template_parameters(path)
    unknown = sorted(set(params) - set(declared))
    if unknown:
        raise ParameterError(f"unknown parameter {unknown[0]!r} for template {path.stem!r}; "
                             f"allowed: {', '.join(declared)}")
    if "results_path" in params:
        raise ParameterError("parameter 'results_path' is set by run_template: the results go to "
                             "OUTPUT_DIR/STEM.json")
    out = Path(output_dir)
    out.mkdir(parents=True, exist_ok=True)
    partial_nb, partial_json = out / f".{stem}.partial.ipynb", out / f".{stem}.partial.json"
    failed = out / f"{stem}.failed.ipynb"
    params["results_path"] = str(partial_json.resolve())
    try:
        papermill.execute_notebook(str(path), str(partial_nb), parameters=params, progress_bar=progress,
                                   kernel_name=kernel_name)
    except Exception as exc:  # noqa: BLE001 - every failure is reported the same way
        partial_json.unlink(missing_ok=True)
        kept = None
        if partial_nb.exists():
            os.replace(partial_nb, failed)
            kept = failed
        if isinstance(exc, PapermillExecutionError):
            reason = f"{exc.ename}: {_short(exc.evalue)}"
        else:
            reason = f"{type(exc).__name__}: {_short(exc)}"
        where = f" (partly executed notebook kept at {kept})" if kept else ""
        raise TemplateError(f"{path.stem} failed: {reason}{where}", notebook=kept) from None
    if not partial_json.exists():
        os.replace(partial_nb, failed)
        raise TemplateError(f"{path.stem} ran but wrote no results JSON (notebook kept at {failed})", notebook=failed)
    html_path = atomic_write_text(out / f"{stem}.html", export_html(partial_nb, title=params.get("title")))
    json_path, nb_path = out / f"{stem}.json", out / f"{stem}.ipynb"
    os.replace(partial_json, json_path)
    os.replace(partial_nb, nb_path)
    failed.unlink(missing_ok=True)
    return TemplateRun(nb_path, html_path, json_path)


def _run_one(job):
    name, params, out, stem = job
    try:
        return run_template(name, parameters=params, output_dir=out, stem=stem), None
    except (TemplateError, ParameterError) as exc:
        return None, str(exc)


def run_batch(jobs, *, max_workers: int = 1):
    """Run several ``(name, parameters, output_dir, stem)`` jobs, ``max_workers`` at a time.

    Returns a list of ``(TemplateRun or None, error message or None)`` in the order of ``jobs``.
    """
    jobs = list(jobs)
    if max_workers <= 1 or len(jobs) <= 1:
        return [_run_one(job) for job in jobs]
    with ProcessPoolExecutor(max_workers=max_workers) as pool:
        return list(pool.map(_run_one, jobs))
