"""Check the built documentation site: no internal link is broken, and everything is two clicks from the index.

    .venv/bin/python docs/check_site.py docs/_build/html

1. Every ``href`` and ``src`` of every page that points inside the site (no scheme, no ``//host``) must name
   a file that exists and, when it has a ``#fragment`` and points at a page, an ``id`` on that page. Links to
   other sites are not followed (the build machine has no network) but are listed with ``--external``.
2. Two clicks: a newcomer must reach, from ``index.html``, every entry of the API reference (each name of
   ``nps_toolkit.__all__``), every report template parameter and every interval method by following at
   most two links, the second one pointing at the entry itself (its page and anchor). The navigation bar
   and sidebars count: they are links a reader clicks.

Exits 1 and lists the faults when anything is broken or out of reach; prints a one-line summary otherwise.
"""

from __future__ import annotations

import argparse
import posixpath
import sys
from collections import defaultdict
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

#: Interval methods of nt.confint: each has a section of the intervals guide (target ``method-NAME``).
INTERVAL_METHODS = ("adjusted-wald", "wald", "score", "bootstrap", "bca", "bayes")


class _Page(HTMLParser):
    """The ids of a page and the links in it (``href`` of ``a``/``link``/``area``, ``src`` of the rest)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[tuple[str, str]] = []  # (attribute, value)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for key in ("id", "name") if tag == "a" else ("id",):
            if attributes.get(key):
                self.ids.add(attributes[key])
        for key in ("href", "src"):
            value = attributes.get(key)
            if value is not None and not (tag == "link" and attributes.get("rel") in ("preconnect", "dns-prefetch")):
                self.links.append((key, value))


def _is_internal(url: str) -> bool:
    parts = urlsplit(url)
    return not parts.scheme and not parts.netloc


def read_site(root: Path) -> dict[str, _Page]:
    """Every HTML page of the site, parsed, by its path relative to the root (posix)."""
    pages = {}
    for path in sorted(root.rglob("*.html")):
        if path.relative_to(root).parts[0] in ("_static", "_sources"):
            continue  # the theme's own templates and the pages' sources, not pages
        page = _Page()
        page.feed(path.read_text(encoding="utf-8", errors="replace"))
        pages[path.relative_to(root).as_posix()] = page
    return pages


def _target(page: str, url: str, pages: dict[str, _Page]) -> tuple[str, str]:
    """The site path and fragment a link of ``page`` points at (a folder: its ``index.html``)."""
    parts = urlsplit(url)
    path = unquote(parts.path)
    if path:
        path = posixpath.normpath(posixpath.join(posixpath.dirname(page), path))
        if path not in pages and posixpath.join(path, "index.html") in pages:
            path = posixpath.join(path, "index.html")
    return path or page, unquote(parts.fragment)


def _internal_links(name: str, pages: dict[str, _Page]):
    """The links of page ``name`` that point inside the site: (attribute, url, site path, fragment)."""
    for attribute, url in pages[name].links:
        if url and _is_internal(url) and not url.startswith("#!"):
            yield (attribute, url, *_target(name, url, pages))


def broken_links(root: Path, pages: dict[str, _Page]) -> list[str]:
    faults = []
    for name in pages:
        for attribute, url, path, fragment in _internal_links(name, pages):
            if path.startswith("../") or not (root / path).is_file():
                faults.append(f"{name}: {attribute}={url!r}: no such file ({path})")
            elif fragment and path in pages and fragment not in pages[path].ids:
                faults.append(f"{name}: {attribute}={url!r}: no id {fragment!r} in {path}")
    return faults


def external_links(pages: dict[str, _Page]) -> dict[str, list[str]]:
    found = defaultdict(list)
    for name, page in pages.items():
        for _, url in page.links:
            if url and not _is_internal(url) and urlsplit(url).scheme in ("http", "https"):
                found[url].append(name)
    return found


def _links_of(name: str, pages: dict[str, _Page]) -> set[tuple[str, str]]:
    """Where the links a reader can click on page ``name`` lead: (site path, fragment)."""
    return {(path, fragment) for attribute, _, path, fragment in _internal_links(name, pages) if attribute == "href"}


def reachable(pages: dict[str, _Page], start: str = "index.html") -> set[tuple[str, str]]:
    """(page, fragment) pairs a reader reaches from ``start`` in at most two clicks.

    A link's target counts as reached with its fragment (``api/plots.html#nps_toolkit.plot_nps``); a page
    reached by a link without a fragment is reached at its top, ``(page, "")``.
    """
    first = _links_of(start, pages)
    reached = set(first)
    for path, _ in first:
        if path in pages:
            reached |= _links_of(path, pages)
    return reached


def required_targets(pages: dict[str, _Page]) -> dict[str, tuple[str, str] | None]:
    """What must be within two clicks: label -> (page, id) where it is documented, or None if nowhere."""
    import nps_toolkit

    where = {}
    for name, page in pages.items():
        for anchor in page.ids:
            where.setdefault(anchor, (name, anchor))
    wanted = {}
    for name in nps_toolkit.__all__:
        wanted[f"API entry nps_toolkit.{name}"] = where.get(f"nps_toolkit.{name}")
    for template in nps_toolkit.list_templates():
        for parameter in nps_toolkit.template_parameters(template):
            wanted[f"template parameter {template}.{parameter}"] = where.get(
                f"templateparam-{template}.{parameter}")
    for method in INTERVAL_METHODS:
        wanted[f"interval method {method!r}"] = where.get(f"method-{method}")
    return wanted


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path, help="the built site (docs/_build/html)")
    parser.add_argument("--external", action="store_true", help="also list the links to other sites")
    args = parser.parse_args(argv)
    root = args.site.resolve()
    if not (root / "index.html").is_file():
        parser.error(f"no index.html in {root}: build the site first (make docs)")
    pages = read_site(root)
    faults = broken_links(root, pages)
    reached = reachable(pages)
    for label, target in required_targets(pages).items():
        if target is None:
            faults.append(f"{label}: documented nowhere in the site")
        elif target not in reached:
            faults.append(f"{label}: not within two clicks of index.html (it is at {target[0]}#{target[1]})")
    if args.external:
        for url, names in sorted(external_links(pages).items()):
            print(f"external: {url} ({len(names)} pages, e.g. {names[0]})")
    if faults:
        print(f"{len(faults)} problems in {root}:", *faults, sep="\n  ", file=sys.stderr)
        return 1
    links = sum(len(page.links) for page in pages.values())
    print(f"{len(pages)} pages, {links} links: no internal link broken; every API entry, template parameter and "
          f"interval method is within two clicks of index.html")
    return 0


if __name__ == "__main__":
    sys.exit(main())
