"""Sphinx extension of the nps_toolkit site: the pages that are made from the package, so they cannot drift.

- ``api/``: one page per topic of ``nps_toolkit._TOPICS`` and an index of every public name, written when the
  build starts; the build fails (a warning, and the site is built with warnings as errors) if a name of
  ``nps_toolkit.__all__`` has no entry.
- ``.. template-parameters:: NAME``: the parameters cell of a report template, one entry (with an anchor
  and an index entry, ``:templateparam:`benchmark_study.confidence```) per parameter.
- ``notebooks/``: the teaching notebooks of ``../notebooks``, copied so that myst-nb executes and renders them.
- ``_gallery/`` and ``gallery/images/``: the demo's reports (``nps-toolkit demo``) and a screenshot of each,
  taken in Chromium by ``scripts/screenshot.py``. ``NPS_DOCS_GALLERY=reuse`` keeps reports already there
  (for quick rebuilds while writing); ``NPS_DOCS_REPORTS=reports`` copies those of a demo just run (CI, after
  ``make demo``); otherwise ``make docs`` runs the demo anew.
"""

from __future__ import annotations

import filecmp
import inspect
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import directives
from docutils.statemachine import StringList
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

DOCS = Path(__file__).resolve().parents[1]
ROOT = DOCS.parent
logger = logging.getLogger(__name__)

#: The reports of the gallery: (file stem of the demo's report, title, what it shows).
GALLERY = (
    ("benchmark_study", "Benchmark study",
     "Our NPS against a published industry average: key figures, segments, the distribution, what each "
     "comment theme costs, the action plan and the methods note."),
    ("competitor_comparison", "Competitor comparison",
     "Every brand against ours, multiplicity-adjusted, with the probability that each is best."),
    ("period_comparison", "Period comparison",
     "Quarter by quarter: NPS with intervals, the change and its test, what drove it, the trend."),
)
#: The translations of the benchmark study the demo also writes, linked from the gallery.
TRANSLATIONS = (("benchmark_study_ru", "по-русски"), ("benchmark_study_pl", "po polsku"))

#: Module constants that the public functions' docstrings refer to (the columns of their tables, the kinds of
#: comment, ...), documented on their topic's page under their module's name (``nps_toolkit.comments.KINDS``).
CONSTANTS = {
    "Scoring and summaries": ["summary.SUMMARY_COLUMNS", "summary.DESIGN_COLUMNS"],
    "Reading data": ["answers.NO_ANSWER_TOKENS", "datasets.BRANDS", "datasets.SEGMENTS"],
    "Comments and drivers": ["comments.KINDS", "comments.CLAUSE_COLUMNS", "comments.IMPACT_COLUMNS",
                             "comments.VERBATIM_COLUMNS", "comments.PLAN_COLUMNS", "comment_model.MODEL_KINDS",
                             "followup.THEMES_COLUMN", "drivers.DRIVER_COLUMNS", "drivers.MAX_SHAPLEY_DRIVERS"],
}


# --------------------------------------------------------------------------- the API reference
def slug(text: str) -> str:
    """A topic's page name: ``"Scoring and summaries"`` -> ``"scoring-and-summaries"``."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _summary(name: str, module: str) -> str:
    """The first paragraph of a public name's docstring (or of its ``#:`` comment, for data), on one line."""
    import nps_toolkit

    value = getattr(nps_toolkit, name)
    if inspect.isclass(value) or callable(value):
        doc = inspect.getdoc(value) or ""
    else:
        doc = "\n".join(_attribute_doc(name, module))
    return doc.strip().split("\n\n")[0].replace("\n", " ")


def _attribute_doc(name: str, module: str) -> list[str]:
    """The ``#:`` comment above a module-level value, as Sphinx reads it."""
    from sphinx.pycode import ModuleAnalyzer

    docs = ModuleAnalyzer.for_module(f"nps_toolkit.{module}").find_attr_docs()
    return list(docs.get(("", name), []))


def _kind(value) -> str:
    if inspect.isclass(value):
        return "exception" if issubclass(value, BaseException) else "class"
    return "function" if callable(value) else "data"


def _table(names: dict[str, str]) -> list[str]:
    """An rst table of links to the names with their one-line summaries."""
    lines = [".. list-table::", "   :widths: 30 70", ""]
    for name, module in names.items():
        lines += [f"   * - :py:obj:`{name}`", f"     - {_summary(name, module)}"]
    return lines + [""]


def _data(target: str, value, doc: list[str]) -> list[str]:
    text = repr(value)
    text = text if len(text) <= 120 else text[:117] + "..."
    return [f".. data:: {target}", f"   :value: {text}", ""] + [f"   {line}" for line in doc] + [""]


def _constants(topic: str) -> list[str]:
    """The ``Constants`` section of a topic's page (see :data:`CONSTANTS`)."""
    import importlib

    if topic not in CONSTANTS:
        return []
    lines = ["Constants", "---------", "", "Module values that the entries above refer to.", ""]
    for dotted in CONSTANTS[topic]:
        module, name = dotted.split(".")
        value = getattr(importlib.import_module(f"nps_toolkit.{module}"), name)
        lines += _data(f"nps_toolkit.{dotted}", value, _attribute_doc(name, module))
    return lines


def _entry(name: str, module: str) -> list[str]:
    import nps_toolkit

    value = getattr(nps_toolkit, name)
    kind = _kind(value)
    if kind == "class" and issubclass(value, tuple) and hasattr(value, "_fields"):
        return [f".. autoclass:: {name}", ""]  # a named tuple: its fields are the docstring's Attributes
    if kind == "class":
        return [f".. autoclass:: {name}", "   :members:", ""]
    if kind == "exception":
        return [f".. autoexception:: {name}", ""]
    if kind == "function":
        return [f".. autofunction:: {name}", ""]
    return _data(name, value, _attribute_doc(name, module))


def write_api_pages(out: Path) -> list[str]:
    """Write ``api/index.rst`` and one page per topic; return every documented name."""
    import nps_toolkit

    out.mkdir(parents=True, exist_ok=True)
    documented = ["__version__"]
    index = ["API reference", "=============", "", ".. currentmodule:: nps_toolkit", "",
             "Every public name of ``nps_toolkit``, by topic, as ``import nps_toolkit as nt`` gives it "
             "(``nt.summarize``, ``nt.confint``, ...). Each topic's page has the full entries: parameters, "
             "returns, examples and related functions.", "",
             ".. toctree::", "   :hidden:", ""]
    index += [f"   {slug(topic)}" for topic in nps_toolkit._TOPICS] + [""]
    for topic, (about, names) in nps_toolkit._TOPICS.items():
        page = [topic, "=" * len(topic), "", ".. currentmodule:: nps_toolkit", "", about, ""]
        page += _table(names)
        for name, module in names.items():
            page += _entry(name, module)
            documented.append(name)
        page += _constants(topic)
        _write_if_changed(out / f"{slug(topic)}.rst", "\n".join(page) + "\n")
        index += [topic, "-" * len(topic), "", f"{about} (:doc:`{topic.lower()} <{slug(topic)}>`)", ""]
        index += _table(names)
    index += ["Version", "-------", "", ".. data:: __version__", f"   :value: {nps_toolkit.__version__!r}", "",
              "   The version of the installed package.", ""]
    _write_if_changed(out / "index.rst", "\n".join(index) + "\n")
    return documented


def check_api_complete(app, env) -> None:
    """Every name of ``nps_toolkit.__all__`` has an entry in the API reference (a warning fails the build)."""
    import nps_toolkit

    objects = env.get_domain("py").objects
    missing = [name for name in nps_toolkit.__all__ if f"nps_toolkit.{name}" not in objects]
    if missing:
        logger.warning("the API reference has no entry for %s (add each to nps_toolkit._TOPICS)",
                       ", ".join(missing))


def resolve_internal(app, env, node, contnode):
    """Resolve a docstring's reference through the name it is documented under.

    Docstrings are written inside their module: ``:func:`nps_toolkit.comments.action_plan``` is the public
    ``nps_toolkit.action_plan``, and ``:data:`KINDS``` in ``comments`` is ``nps_toolkit.comments.KINDS``. A
    reference that still matches nothing (or several) stays unresolved: a warning, which fails the build.
    """
    from sphinx.util.nodes import make_refnode

    if node.get("refdomain") != "py":
        return None
    target = node["reftarget"].lstrip("~.")
    objects = env.get_domain("py").objects
    parts = target.split(".")
    names = [target, f"nps_toolkit.{target}"]
    if parts[0] == "nps_toolkit" and len(parts) >= 3:
        names.append("nps_toolkit." + ".".join(parts[2:]))
    found = {name for name in names if name in objects}
    if not found:
        found = {full for full in objects if full.startswith("nps_toolkit.") and full.endswith(f".{target}")}
    if len(found) != 1:
        return None
    full = found.pop()
    entry = objects[full]
    return make_refnode(app.builder, node["refdoc"], entry.docname, entry.node_id, contnode, full)


# --------------------------------------------------------------------------- template parameters
def _escape(text: str) -> str:
    """Text from a template's cell as literal reStructuredText (no markup, no roles)."""
    return re.sub(r"([\\`*_|\[\]<>:])", r"\\\1", text)


class TemplateParameters(SphinxDirective):
    """``.. template-parameters:: benchmark_study``: the template's parameters, from its parameters cell.

    reStructuredText: in a Markdown page, put it in an ``{eval-rst}`` block.
    """

    required_arguments = 1
    option_spec = {"only": directives.unchanged}

    def run(self):
        from nps_toolkit import template_parameters

        name = self.arguments[0]
        self.env.note_dependency(str(ROOT / "templates" / f"{name}.ipynb"))
        lines = []
        for parameter in template_parameters(name).values():
            lines += [f".. templateparam:: {name}.{parameter.name}", "",
                      f"   ``{parameter.type}``, default ``{parameter.default}``", "",
                      f"   {_escape(parameter.help) or '(no description)'}", ""]
        container = nodes.container()
        self.state.nested_parse(StringList(lines, source=f"templates/{name}.ipynb"), self.content_offset, container)
        return container.children


# --------------------------------------------------------------------------- notebooks and gallery
def _write_if_changed(path: Path, text: str) -> None:
    """Write only when the text differs, so that Sphinx rebuilds only what changed."""
    from nps_toolkit._files import atomic_write_text

    if not path.exists() or path.read_text(encoding="utf-8") != text:
        atomic_write_text(path, text)


def copy_notebooks(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for notebook in sorted((ROOT / "notebooks").glob("*.ipynb")):
        target = out / notebook.name
        if not target.exists() or not filecmp.cmp(notebook, target, shallow=False):
            shutil.copyfile(notebook, target)


def make_gallery(reports: Path, images: Path) -> None:
    """The demo's reports into ``reports`` (run, or copied from a run) and a screenshot of each into ``images``."""
    stems = [stem for stem, _, _ in GALLERY] + [stem for stem, _ in TRANSLATIONS]
    reuse = os.environ.get("NPS_DOCS_GALLERY") == "reuse"
    given = os.environ.get("NPS_DOCS_REPORTS")  # the folder of a demo run of this checkout (CI: reports/)
    if given and not all((Path(given) / f"{stem}.html").is_file() for stem in stems):
        raise FileNotFoundError(f"NPS_DOCS_REPORTS={given}: not the output of 'nps-toolkit demo' (no "
                                f"{', '.join(stem + '.html' for stem in stems)})")
    if given or not (reuse and all((reports / f"{stem}.html").is_file() for stem in stems)):
        if reports.exists():
            shutil.rmtree(reports)
        if given:
            shutil.copytree(given, reports)
        else:
            reports.parent.mkdir(parents=True, exist_ok=True)
            logger.info("gallery: running the demo (nps-toolkit demo) into %s", reports)
            subprocess.run([sys.executable, "-c",
                            "import sys; from nps_toolkit.cli import main; sys.exit(main(sys.argv[1:]))",
                            "demo", "--output-dir", str(reports)], check=True, cwd=ROOT)
    images.mkdir(parents=True, exist_ok=True)
    for stem, _, _ in GALLERY:
        png = images / f"{stem}.png"
        if reuse and png.is_file() and png.stat().st_mtime >= (reports / f"{stem}.html").stat().st_mtime:
            continue
        logger.info("gallery: screenshot of %s", stem)
        subprocess.run([sys.executable, str(ROOT / "scripts" / "screenshot.py"), "--html", str(reports / f"{stem}.html"),
                        "--output", str(png), "--through", "", "--height", "1000"], check=True, cwd=ROOT)


class Gallery(SphinxDirective):
    """``.. report-gallery::``: a card per report, its screenshot linked to the full report, and its files.

    reStructuredText: in a Markdown page, put it in an ``{eval-rst}`` block.
    """

    def run(self):
        lines = [".. grid:: 1 1 3 3", "   :gutter: 3", ""]
        for stem, title, about in GALLERY:
            files = [f"`{label} <reports/{stem}{suffix}>`__" for label, suffix in
                     (("HTML report", ".html"), ("workbook", ".xlsx"), ("results JSON", ".json"),
                      ("executed notebook", ".ipynb")) if (DOCS / "_gallery" / "reports" / f"{stem}{suffix}").exists()]
            if (DOCS / "_gallery" / "reports" / f"{stem}.pdf").exists():
                files.append(f"`PDF <reports/{stem}.pdf>`__")
            if stem == "benchmark_study":
                files += [f"`{label} <reports/{other}.html>`__" for other, label in TRANSLATIONS]
            lines += [f"   .. grid-item-card:: {title}", "",
                      f"      .. image:: /gallery/images/{stem}.png",
                      f"         :alt: The {title.lower()} report, top of the page (opens the report)",
                      f"         :target: reports/{stem}.html", "",
                      f"      {about}", "",
                      "      .. card-footer::", "",
                      f"         {' · '.join(files)}", ""]
        container = nodes.container()
        self.state.nested_parse(StringList(lines), self.content_offset, container)
        return container.children


def builder_inited(app) -> None:
    write_api_pages(DOCS / "api")
    copy_notebooks(DOCS / "notebooks")
    if app.builder.format == "html" and os.environ.get("NPS_DOCS_GALLERY") != "skip":
        make_gallery(DOCS / "_gallery" / "reports", DOCS / "gallery" / "images")


def setup(app):
    app.add_object_type("templateparam", "templateparam", objname="template parameter",
                        indextemplate="pair: %s; template parameter")
    app.add_directive("template-parameters", TemplateParameters)
    app.add_directive("report-gallery", Gallery)
    app.connect("builder-inited", builder_inited)
    app.connect("env-check-consistency", check_api_complete)
    app.connect("missing-reference", resolve_internal)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
