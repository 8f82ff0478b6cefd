"""The documentation site's own tools: the API pages cover every public name; the site checker finds what
a reader would trip over. (The site itself is built by ``make docs``, which CI runs with warnings as
errors.)"""

import importlib.util
import sys
from pathlib import Path

import pytest

import nps_toolkit as nt

ROOT = Path(__file__).resolve().parents[1]


def _load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def check_site():
    return _load("check_site", ROOT / "docs" / "check_site.py")


def _site(root: Path, pages: dict[str, str]) -> Path:
    for name, body in pages.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"<html><body>{body}</body></html>", encoding="utf-8")
    return root


def test_every_public_name_has_a_topic_and_the_topics_make_all():
    names = [name for _, names in nt._TOPICS.values() for name in names]
    assert len(names) == len(set(names))  # one topic each
    assert nt.__all__ == ["__version__", *names]
    for name in names:
        assert getattr(nt, name) is not None  # each topic's module really holds it


def test_api_pages_have_an_entry_for_every_public_name(tmp_path):
    pytest.importorskip("sphinx")  # the docs extra (make installs it)

    nps_docs = _load("nps_docs", ROOT / "docs" / "_ext" / "nps_docs.py")
    documented = nps_docs.write_api_pages(tmp_path)
    assert set(documented) == set(nt.__all__)
    text = "\n".join(p.read_text(encoding="utf-8") for p in tmp_path.glob("*.rst"))
    for name in nt.__all__:
        assert f":: {name}\n" in text, name  # autofunction/autoclass/data entry
    index = (tmp_path / "index.rst").read_text(encoding="utf-8")
    assert all(f":py:obj:`{name}`" in index for name in nt.__all__ if name != "__version__")
    assert (tmp_path / "plots.rst").exists() and "nps_toolkit.comments.KINDS" in text


def test_a_broken_link_or_anchor_is_reported(tmp_path, check_site):
    site = _site(tmp_path, {
        "index.html": '<a href="a.html">a</a> <a href="a.html#here">here</a> <a href="a.html#gone">gone</a>'
                      '<img src="img/missing.png"> <a href="https://example.org/x">out</a>'
                      '<a href="guide/#intro">a folder</a> <a href="guide/#nothing">a folder, no such id</a>',
        "a.html": '<h1 id="here">A</h1><a href="../outside.html">up</a><a href="#">top</a>',
        "guide/index.html": '<h1 id="intro">Guide</h1>',
    })
    pages = check_site.read_site(site)
    faults = check_site.broken_links(site, pages)
    assert any("a.html#gone" in f and "no id 'gone'" in f for f in faults)
    assert any("img/missing.png" in f for f in faults)
    assert any("outside.html" in f for f in faults)  # a link out of the site
    assert any("guide/#nothing" in f and "no id 'nothing' in guide/index.html" in f for f in faults)
    assert not any("a.html#here" in f or "example.org" in f or "#intro" in f for f in faults)
    assert list(check_site.external_links(pages)) == ["https://example.org/x"]


def test_two_clicks_counts_the_second_link_not_the_third(tmp_path, check_site):
    site = _site(tmp_path, {
        "index.html": '<a href="guide/index.html">guide</a>',
        "guide/index.html": '<a href="methods.html#method-wald">wald</a> <a href="deep.html">deep</a>',
        "guide/methods.html": '<h2 id="method-wald">Wald</h2><h2 id="method-score">Score</h2>',
        "guide/deep.html": '<a href="methods.html#method-score">score</a>',
    })
    reached = check_site.reachable(check_site.read_site(site))
    assert ("guide/methods.html", "method-wald") in reached
    assert ("guide/methods.html", "method-score") not in reached  # three clicks away
    assert ("guide/index.html", "") in reached


def test_the_checker_exits_non_zero_on_a_broken_site(tmp_path, check_site, capsys):
    site = _site(tmp_path, {"index.html": '<a href="nowhere.html">x</a>'})
    assert check_site.main([str(site)]) == 1
    err = capsys.readouterr().err
    assert "nowhere.html" in err and "documented nowhere" in err  # and the API entries are missing
