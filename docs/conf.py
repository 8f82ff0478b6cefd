"""Sphinx configuration of the nps_toolkit documentation site (``make docs``).

Sphinx with numpydoc and the PyData theme, as statsmodels, pandas and seaborn are documented: the API
reference is made from the numpydoc docstrings, the notebooks and the user guide's pages run through myst-nb
on the bundled sample at build time, and ``_ext/nps_docs.py`` makes the pages that come from the package
itself (API index by topic, template parameters, notebooks, the gallery of demo reports).
"""

import os
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
sys.path.insert(0, str(DOCS / "_ext"))

import nps_toolkit  # noqa: E402

project = "nps_toolkit"
author = "the nps_toolkit developers"
copyright = "2026, the nps_toolkit developers"
release = version = nps_toolkit.__version__

extensions = [
    "sphinx.ext.autodoc",
    "numpydoc",
    "myst_nb",
    "sphinx_design",
    "sphinx_copybutton",
    "sphinxarg.ext",
    "nps_docs",
]

# ----------------------------------------------------------------------------- sources
exclude_patterns = ["_build", "_gallery", "**.ipynb_checkpoints", "README.md", "jupyter_execute"]
source_suffix = {".rst": "restructuredtext", ".md": "myst-nb", ".ipynb": "myst-nb"}
root_doc = "index"
# every broken cross-reference is a warning (and the site is built with warnings as errors); names of other
# libraries are not linked (no network for their inventories), so they are not references to check
nitpicky = True
nitpick_ignore_regex = [
    (r"py:.*", r"(pandas|pd|numpy|np|matplotlib|scipy|duckdb|polars|pyspark|seaborn|papermill|sklearn)(\..*)?"),
    (r"py:.*", r"(optional|default|array-like|callable|iterable|sequence|mapping|path-like|file-like)"),
]

# ----------------------------------------------------------------------------- API reference
autodoc_typehints = "none"           # numpydoc's Parameters section says the types
autodoc_member_order = "bysource"
autodoc_default_options = {"exclude-members": "__init__, __new__"}
numpydoc_show_class_members = False  # the members are autodoc's (":members:"), listed once
numpydoc_class_members_toctree = False
add_module_names = False
python_display_short_literal_types = True

# ----------------------------------------------------------------------------- notebooks (myst-nb)
nb_execution_mode = "cache"          # executed at build time; kept between builds in _build/.jupyter_cache
nb_execution_cache_path = os.environ.get("NPS_DOCS_CACHE", str(DOCS / "_build" / ".jupyter_cache"))
nb_execution_timeout = 600
nb_execution_raise_on_error = True   # a cell that fails fails the build
nb_execution_show_tb = True
nb_merge_streams = True
myst_enable_extensions = ["colon_fence", "deflist", "dollarmath", "attrs_inline"]
myst_heading_anchors = 3

# ----------------------------------------------------------------------------- HTML
html_theme = "pydata_sphinx_theme"
html_title = f"nps_toolkit {release}"
html_static_path = ["_static"]
html_css_files = ["nps.css"]
html_extra_path = ["_gallery"]       # the demo's reports, linked from the gallery (made by _ext/nps_docs.py)
(DOCS / "_gallery").mkdir(exist_ok=True)  # filled when the build starts; Sphinx checks the path before that
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "header_links_before_dropdown": 7,
    "navbar_align": "left",
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version"],
}
html_sidebars = {"index": [], "changelog": []}
html_show_sourcelink = False
html_copy_source = False
