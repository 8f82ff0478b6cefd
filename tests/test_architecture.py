"""The house rules of the package (docs/architecture.md), checked on its source.

* no import cycle inside the package, imports inside functions included;
* ``engines`` is imported by the counting layer alone, and the engines import only the layers below it;
* each module imports only modules of its own layer or below (:data:`LAYERS`);
* every public function's keywords come from the shared vocabulary (``_docstrings.VOCABULARY``), none is an old
  spelling (``_docstrings.RENAMED``), and the options after the first argument are keyword-only;
* the old spellings still work, with a ``DeprecationWarning``;
* ``import nps_toolkit`` loads neither matplotlib, seaborn nor SciPy's statistics (the import is lazy).

The import graph is read from the source with :mod:`ast` (every ``import`` and ``from ... import`` statement,
wherever it is, and ``importlib.import_module`` of a constant name); imports built at run time from variables
(the engines' plug-ins, the package's lazy names) are not seen.
"""

from __future__ import annotations

import ast
import dataclasses
import inspect
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import nps_toolkit as nt
from nps_toolkit._docstrings import RENAMED, VOCABULARY

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "nps_toolkit"
NAME = "nps_toolkit"

#: The layers, bottom to top (names relative to the package; ``__init__`` is the package itself, a subpackage's
#: name covers its modules). A module may import modules of its own layer or below, never above.
LAYERS = {
    # 0 foundations: no statistics, no answers; anyone may use them
    "_version": 0, "_files": 0, "_validation": 0, "_docstrings": 0, "_i18n": 0, "_sample_text": 0, "_style": 0,
    "_browser": 0, "_text": 0,
    # 1 answers: the scale and its codes, reading exports, dates, reference data
    "scale": 1, "answers": 1, "dates": 1, "_textfiles": 1, "layouts": 1, "reading": 1, "io": 1,
    "interpretation": 1, "industry": 1, "datasets": 1,
    # 2 counting: the one counting layer; the engines sit under it and are private to it
    "counting": 2, "engines": 2,
    # 3 statistics on counts (design: the design-based variance; weighting: raking)
    "_resampling": 3, "intervals": 3, "compare": 3, "weighting": 3, "design": 3,
    # 4 tidy tables
    "summary": 4, "periods": 4, "comment_model": 4, "_theme_weights": 4, "comments": 4, "drivers": 4, "followup": 4,
    # 5 figures: they draw tables and never count
    "plots": 5,
    # 6 studies: what the templates compute and write
    "studies": 6, "results": 6, "parameters": 6, "workbook": 6,
    # 7 the doors: reports, the command line, the package's lazy names, the old scoring module
    "report": 7, "cli": 7, "__init__": 7, "scoring": 7,
}

#: The counting layer: the only importer of the engines.
COUNTING = "counting"
ENGINES = "engines"
#: A compatibility module: kept for users, imported by nothing in the package.
SHIMS = {"scoring"}


# -- the import graph, from the source ------------------------------------------------------------------------
def _modules() -> dict[str, Path]:
    """Every module of the package: relative dotted name -> file (``__init__`` for the package itself)."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
        if parts[-1] == "__init__" and len(parts) > 1:
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


MODULES = _modules()


def _full(relative: str) -> str:
    return NAME if relative == "__init__" else f"{NAME}.{relative}"


def _relative(full: str) -> str | None:
    """``nps_toolkit.x.y`` -> ``x.y`` (``__init__`` for the package); None outside the package."""
    if full == NAME:
        return "__init__"
    if full.startswith(NAME + "."):
        return full[len(NAME) + 1:]
    return None


def _is_package(relative: str) -> bool:
    return relative == "__init__" or MODULES[relative].name == "__init__.py"


def _known(full: str) -> str | None:
    """The module of the package that ``full`` names (the nearest enclosing one), or None outside it."""
    relative = _relative(full)
    while relative is not None:
        if relative in MODULES:
            return relative
        if "." not in relative:
            return "__init__" if relative == "" else None
        relative = relative.rsplit(".", 1)[0]
    return None


def _base(relative: str, level: int) -> str:
    """The package a relative import of ``level`` dots in module ``relative`` starts from (full name)."""
    package = _full(relative) if _is_package(relative) else _full(relative).rsplit(".", 1)[0]
    for _ in range(level - 1):
        package = package.rsplit(".", 1)[0]
    return package


def imports_of(relative: str) -> list[tuple[str, int]]:
    """The modules of the package that module ``relative`` imports: (module, line), wherever the import is."""
    tree = ast.parse(MODULES[relative].read_text(encoding="utf-8"), filename=str(MODULES[relative]))
    found = []

    def add(full: str, line: int) -> None:
        target = _known(full)
        if target is not None and target != relative:
            found.append((target, line))

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                add(alias.name, node.lineno)
        elif isinstance(node, ast.ImportFrom):
            start = _base(relative, node.level) if node.level else ""
            module = ".".join(part for part in (start, node.module or "") if part)
            for alias in node.names:  # `from . import x` imports the module x when there is one
                candidate = _relative(f"{module}.{alias.name}")
                add(f"{module}.{alias.name}" if candidate in MODULES else module, node.lineno)
        elif (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)
              and isinstance(node.args[0].value, str)
              and (getattr(node.func, "attr", None) == "import_module"
                   or getattr(node.func, "id", None) == "import_module")):
            name = node.args[0].value
            if name.startswith("."):
                level = len(name) - len(name.lstrip("."))
                name = ".".join(part for part in (_base(relative, level), name.lstrip(".")) if part)
            add(name, node.lineno)
    return found


GRAPH = {relative: imports_of(relative) for relative in MODULES}


def _layer(relative: str):
    """The layer of a module: its own entry, else its enclosing subpackage's."""
    name = relative
    while name not in LAYERS and "." in name:
        name = name.rsplit(".", 1)[0]
    return LAYERS.get(name)


def _cycles() -> list[list[str]]:
    """One cycle (a list of modules, the first repeated at the end) per strongly connected group of modules."""
    edges = {m: sorted({t for t, _ in GRAPH[m]}) for m in GRAPH}
    index, low, stack, on_stack, groups = {}, {}, [], set(), []

    def visit(v):  # Tarjan
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                groups.append(set(group))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    cycles = []
    for group in groups:  # a shortest way back to the first module of the group, for the message
        first = min(group)
        paths, seen, cycle = [[first]], {first}, None
        while paths and cycle is None:
            path = paths.pop(0)
            for w in edges[path[-1]]:
                if w == first:
                    cycle = path + [first]
                    break
                if w in group and w not in seen:
                    seen.add(w)
                    paths.append(path + [w])
        cycles.append(cycle)
    return cycles


def _where(module: str, target: str) -> str:
    lines = sorted({line for t, line in GRAPH[module] if t == target})
    return f"{MODULES[module].relative_to(ROOT)}:{','.join(map(str, lines))}"


# -- the import rules --------------------------------------------------------------------------------------------
def test_the_graph_sees_every_kind_of_import():
    """The reader of the source itself: relative, absolute, `from . import module`, inside functions."""
    assert "engines" in {t for t, _ in GRAPH["counting"]}  # from . import engines
    assert "scale" in {t for t, _ in GRAPH["engines"]}  # from ..scale import ... (a subpackage, two dots)
    assert "engines" in {t for t, _ in GRAPH["engines.duckdb"]}  # from . import (names of the package)
    assert "report" in {t for t, _ in GRAPH["cli"]}  # imports inside functions


def test_no_import_cycle():
    cycles = _cycles()
    assert not cycles, "import cycles inside the package (imports inside functions count):\n" + "\n".join(
        "  " + " -> ".join(cycle) + "\n    " + "; ".join(_where(a, b) for a, b in zip(cycle, cycle[1:]))
        for cycle in cycles)


def test_every_module_has_a_layer():
    missing = sorted(m for m in MODULES if _layer(m) is None)
    assert not missing, (f"modules without a layer: {missing}; add each to LAYERS in tests/{Path(__file__).name} "
                         "(and to the picture in docs/architecture.md): the lowest layer whose modules are "
                         "all it imports")


def test_imports_go_to_the_same_layer_or_below():
    upward = [f"{m} (layer {_layer(m)}) imports {t} (layer {_layer(t)}) at {_where(m, t)}"
              for m in sorted(GRAPH) for t in sorted({t for t, _ in GRAPH[m]})
              if _layer(m) is not None and _layer(t) is not None and _layer(t) > _layer(m)]
    assert not upward, "imports going up a layer (see docs/architecture.md):\n  " + "\n  ".join(upward)


def test_no_module_takes_a_private_name_of_another():
    """``from .x import _y`` is a misplaced boundary: what another module needs gets a public name.

    Private *modules* (``_validation``, ``_i18n``...) are the package's own toolbox: their public names may
    be imported anywhere; ``engines`` and its submodules share their private helpers among themselves.
    """
    taken = []
    for relative, path in sorted(MODULES.items()):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.ImportFrom) or not node.level:
                continue
            start = _base(relative, node.level)
            module = ".".join(part for part in (start, node.module or "") if part)
            source = _known(module)
            private = [a.name for a in node.names if a.name.startswith("_") and not a.name.endswith("__") and _relative(f"{module}.{a.name}")
                       not in MODULES]
            if private and source not in (None, relative) and not (_is_engine(relative) and _is_engine(source)):
                taken.append(f"{relative}:{node.lineno} takes {', '.join(private)} from {source}")
    assert not taken, "private names crossing modules:\n  " + "\n  ".join(taken)


def _is_engine(module: str) -> bool:
    return module == ENGINES or module.startswith(ENGINES + ".")


def test_engines_are_imported_by_the_counting_layer_alone():
    outside = [f"{m} imports {t} at {_where(m, t)}" for m in sorted(GRAPH) for t in sorted({t for t, _ in GRAPH[m]})
               if _is_engine(t) and m != COUNTING and not _is_engine(m)]
    assert not outside, ("only nps_toolkit.counting imports the engines; count through it instead:\n  "
                         + "\n  ".join(outside))


def test_engines_are_not_reached_through_counting():
    """`from .counting import engines` would be the same import by another door."""
    found = []
    for m in sorted(MODULES):
        if m == COUNTING or _is_engine(m):
            continue
        for node in ast.walk(ast.parse(MODULES[m].read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and any(alias.name == ENGINES for alias in node.names):
                found.append(f"{m}:{node.lineno}")
            if (isinstance(node, ast.Attribute) and node.attr == ENGINES and isinstance(node.value, ast.Name)
                    and node.value.id == COUNTING):
                found.append(f"{m}:{node.lineno}")
    assert not found, f"the engines reached through counting at {found}"


def test_engines_import_only_engines_and_the_layers_below_counting():
    above = [f"{m} imports {t} at {_where(m, t)}" for m in sorted(GRAPH) if _is_engine(m)
             for t in sorted({t for t, _ in GRAPH[m]}) if not _is_engine(t) and _layer(t) >= LAYERS[COUNTING]]
    assert not above, "the engines sit under the counting layer:\n  " + "\n  ".join(above)


def test_compatibility_modules_are_imported_by_nothing_in_the_package():
    users = [f"{m} imports {t} at {_where(m, t)}" for m in sorted(GRAPH) for t in sorted({t for t, _ in GRAPH[m]})
             if t in SHIMS]
    assert not users, "import from the modules that hold the names now:\n  " + "\n  ".join(users)


# -- one vocabulary ----------------------------------------------------------------------------------------------
def _public_callables():
    """(name, callable whose parameters a user types) for every name of ``nps_toolkit.__all__``, and the names that
    fail to import (name -> error).

    Left out: exceptions (the package raises them, users catch them) and dataclasses and named tuples (results
    and values whose fields are data, not options).
    """
    found, broken = [], {}
    for name in nt.__all__:
        try:
            obj = getattr(nt, name)
        except Exception as error:  # reported by test_every_public_name_imports; the other names are still checked
            broken[name] = f"{type(error).__name__}: {error}"
            continue
        if inspect.isclass(obj):
            if issubclass(obj, BaseException) or dataclasses.is_dataclass(obj) or issubclass(obj, tuple):
                continue
            found.append((name, obj.__init__))
        elif callable(obj):
            found.append((name, obj))
    return found, broken


PUBLIC, BROKEN = _public_callables()


def test_every_public_name_has_its_module():
    from nps_toolkit import _SOURCES

    assert nt.__all__ == ["__version__", *_SOURCES]
    unknown = {name: module for name, module in _SOURCES.items() if module not in MODULES}
    assert not unknown, f"public names mapped to no module of the package: {unknown}"


def test_every_public_name_imports():
    assert not BROKEN, f"public names that cannot be imported: {BROKEN}"


def _parameters(func):
    return [p for p in inspect.signature(func).parameters.values()
            if p.name != "self" and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]


def test_the_vocabulary_holds_no_old_spelling():
    assert not set(RENAMED) & set(VOCABULARY)
    assert set(RENAMED.values()) <= set(VOCABULARY)


def test_public_keywords_come_from_the_vocabulary():
    unknown = {name: [p.name for p in _parameters(func) if p.name not in VOCABULARY] for name, func in PUBLIC}
    unknown = {name: params for name, params in unknown.items() if params}
    assert not unknown, ("keywords not in the shared vocabulary (use the vocabulary's name, or add the new name "
                         f"with its entry to nps_toolkit._docstrings.VOCABULARY): {unknown}")


def test_no_public_keyword_is_an_old_spelling():
    old = {name: [f"{p.name} (now {RENAMED[p.name]})" for p in _parameters(func) if p.name in RENAMED]
           for name, func in PUBLIC}
    old = {name: params for name, params in old.items() if params}
    assert not old, ("old spellings still in signatures; rename them and keep the old name working with "
                     f"@_validation.renamed_arguments: {old}")


def test_options_after_the_first_argument_are_keyword_only():
    """An option (a parameter with a default) after the first is keyword-only; required arguments such as
    ``compare(a, b)`` may stay positional."""
    positional = {name: [p.name for p in _parameters(func)[1:]
                         if p.default is not p.empty and p.kind is not p.KEYWORD_ONLY]
                  for name, func in PUBLIC}
    positional = {name: params for name, params in positional.items() if params}
    assert not positional, ("options taken by position; make them keyword-only (after `*`) and keep the old "
                            f"calls working with @_validation.positional_options: {positional}")


# -- old names warn and still work -------------------------------------------------------------------------------
def _renamed():
    pairs = []
    for name, func in PUBLIC:
        for old, new in getattr(func, "__renamed_arguments__", {}).items():
            pairs.append((name, old, new))
    return pairs


RENAMED_PAIRS = _renamed()

#: A value for each old keyword, for calls that only need the warning.
OLD_VALUES = {"seed": 3, "group": "segment", "n_draws": 200, "min_n": 5}


@pytest.fixture(scope="module")
def survey():
    return nt.simulate_survey(300, random_state=4)


#: Calls with the new names: public name -> (positional arguments, keywords) given the fixture ``survey``.
EXAMPLES = {
    "simulate_scores": lambda survey: ((40,), dict(promoter_share=0.4, detractor_share=0.2, random_state=3)),
    "simulate_survey": lambda survey: ((50,), dict(random_state=3)),
    "compare_groups": lambda survey: ((survey,), dict(by="segment", n_resamples=500, random_state=3)),
    "trend": lambda survey: ((survey,), dict(exclude_below=30)),
    "plot_drivers": lambda survey: ((), dict(data=_DRIVERS.copy())),
}

#: A table of key_drivers, for plot_drivers.
_DRIVERS = pd.DataFrame({"driver": ["quality", "support"], "importance": [0.3, 0.1], "importance_share": [0.75, 0.25],
                         "low": [0.25, 0.06], "high": [0.35, 0.14], "correlation": [0.55, -0.3]})
_DRIVERS.attrs.update(r_squared=0.4, confidence=0.95)


def test_some_functions_keep_old_names():
    assert ("simulate_survey", "seed", "random_state") in RENAMED_PAIRS


@pytest.mark.parametrize("name, old, new", RENAMED_PAIRS)
def test_old_names_warn(name, old, new):
    func = dict(PUBLIC)[name]
    assert old not in inspect.signature(func).parameters and new in inspect.signature(func).parameters
    with pytest.warns(DeprecationWarning, match=f"'{old}' is renamed '{new}'"):
        try:
            func(None, **{old: OLD_VALUES.get(old)})  # the warning comes before the arguments are looked at
        except Exception:
            pass


def _drawn(ax) -> tuple:
    """What a figure shows: title, tick labels, texts, bar geometry, lines."""
    labels = [[t.get_text() for t in ticks] for ticks in (ax.get_xticklabels(), ax.get_yticklabels())]
    return (ax.get_title(), labels, [t.get_text() for t in ax.texts],
            [tuple(np.round(p.get_bbox().bounds, 12)) for p in ax.patches],
            [np.asarray(line.get_xydata()).round(12).tolist() for line in ax.lines])


def _same(a, b):
    if type(a).__module__.startswith("matplotlib"):
        import matplotlib.pyplot as plt

        try:
            assert _drawn(a) == _drawn(b)
        finally:
            plt.close(a.figure)
            plt.close(b.figure)
    elif isinstance(a, pd.DataFrame):
        pd.testing.assert_frame_equal(a, b)
    elif isinstance(a, np.ndarray):
        np.testing.assert_array_equal(a, b)
    elif dataclasses.is_dataclass(a):
        assert repr(a) == repr(b)
    else:
        assert a == b


@pytest.mark.parametrize("name, old, new", RENAMED_PAIRS)
def test_old_names_still_work(name, old, new, survey):
    assert name in EXAMPLES, f"add a call of {name} with the new names to EXAMPLES in {Path(__file__).name}"
    args, kwargs = EXAMPLES[name](survey)
    assert new in kwargs, f"the example call of {name} in EXAMPLES must give {new!r}"
    func = dict(PUBLIC)[name]
    expected = func(*args, **kwargs)
    with pytest.warns(DeprecationWarning):
        got = func(*args, **{(old if k == new else k): v for k, v in kwargs.items()})
    _same(got, expected)


# -- the import is lazy ------------------------------------------------------------------------------------------
HEAVY = ("matplotlib", "seaborn", "scipy.stats")


def _loaded_after(code: str, modules=HEAVY) -> list[str]:
    """The ``modules`` in ``sys.modules`` after running ``code`` in a fresh interpreter."""
    script = f"import sys\n{code}\nprint(' '.join(m for m in {list(modules)!r} if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_import_loads_no_plotting_and_no_statistics():
    assert _loaded_after("import nps_toolkit") == []


def test_counting_and_summaries_load_no_plotting():
    code = "import nps_toolkit as nt\nnt.summarize(nt.simulate_survey(200, random_state=1), by='segment')"
    assert _loaded_after(code, ("matplotlib", "seaborn")) == []


def test_the_command_line_lists_templates_without_plotting_or_statistics():
    code = "import contextlib, io\nfrom nps_toolkit.cli import main\nwith contextlib.redirect_stdout(io.StringIO()):\n" \
           "    main(['templates'])"
    assert _loaded_after(code) == []


def test_matplotlib_comes_with_the_first_plotting_function():
    assert _loaded_after("import nps_toolkit as nt\nnt.plot_distribution", ("matplotlib",)) == ["matplotlib"]


def test_lazy_names_are_the_modules_objects():
    import importlib

    from nps_toolkit import counting, scale

    assert nt.nps is counting.nps and nt.NPSScale is scale.NPSScale
    assert nt.compare is importlib.import_module("nps_toolkit.compare").compare  # the function, not the module
    assert nt.scale.score_codes is scale.score_codes
    assert nt.engines is importlib.import_module("nps_toolkit.engines")
    assert nt.summary.summarize_counts is importlib.import_module("nps_toolkit.intervals").summarize_counts
    assert set(nt.__all__) <= set(dir(nt))
    assert len(set(nt.__all__)) == len(nt.__all__)
    with pytest.raises(AttributeError, match="no attribute 'no_such_name'"):
        nt.no_such_name  # noqa: B018


def test_star_import_gives_every_public_name():
    namespace = {}
    exec("from nps_toolkit import *", namespace)
    assert set(nt.__all__) <= set(namespace)
    assert namespace["compare"] is nt.compare and callable(namespace["compare"])


def test_compare_stays_the_function_when_its_module_is_imported_first():
    code = ("import nps_toolkit.compare, nps_toolkit.studies, nps_toolkit as nt\n"
            "assert callable(nt.compare) and nt.compare is sys.modules['nps_toolkit.compare'].compare\n"
            "from nps_toolkit import compare\nassert compare is nt.compare")
    _loaded_after(code)
