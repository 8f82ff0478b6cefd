# Quick start: `make demo` then `make test`. Needs only Python 3.11+ and make.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# the tests, JupyterLab, every engine (DuckDB, Polars, Spark), PDF export (report: Playwright) and the
# documentation site (docs: Sphinx), so that the engine, browser and docs tests run too; a plain
# `pip install .` stays small (see the user guide, "Installing")
EXTRAS := dev,lab,scale,spark,report,docs
# Debian's packages behind PDF export and the browser tests (Playwright drives this Chromium; no browser download)
CHROMIUM_PACKAGES := chromium fonts-dejavu-core

.PHONY: install chromium demo test docs lab clean

# The environment is (re)installed only when pyproject.toml changes.
$(STAMP): pyproject.toml Makefile
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "nps_toolkit needs Python 3.11 or newer; found " + sys.version.split()[0])'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[$(EXTRAS)]'
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	@touch $(STAMP)

install: $(STAMP) chromium

# Chromium for PDF export and the browser tests: installed with apt-get when missing and we are root, else one line.
chromium: $(STAMP)
	@$(BIN)/python -c 'import sys; from nps_toolkit._browser import chromium_path; sys.exit(chromium_path() is None)' 2>/dev/null \
	|| if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing Debian's chromium (PDF export and the browser tests; log in $(VENV)/chromium-install.log)"; \
	    { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
	        $(CHROMIUM_PACKAGES); } >$(VENV)/chromium-install.log 2>&1 \
	    || echo "could not install chromium (see $(VENV)/chromium-install.log): PDF export and the browser tests need it"; \
	else \
	    echo "PDF export and the browser tests need chromium: apt-get install chromium (or set NPS_TOOLKIT_CHROMIUM)"; \
	fi

demo: install
	$(BIN)/nps-toolkit demo --output-dir reports

# --dist loadgroup: the browser tests share one worker, so their reports are made once
test: install
	$(BIN)/python -m pytest -n auto --dist loadgroup

# The documentation site into docs/_build/html, built with warnings as errors (broken references, unknown
# targets, notebooks that fail), then every internal link and the two-click reach of every API entry,
# template parameter and interval method checked (docs/check_site.py). Chromium takes the gallery's screenshots.
docs: install
	$(BIN)/python -m sphinx -W --keep-going -q -b html docs docs/_build/html
	$(BIN)/python docs/check_site.py docs/_build/html

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks

clean:
	rm -rf $(VENV) reports build dist *.egg-info .pytest_cache .hypothesis docs/_build docs/api docs/_gallery \
	    docs/gallery/images docs/notebooks/*.ipynb
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
