"""From score to action: open comments into pluses, minuses and suggestions, themes, and what each theme costs.

* :func:`classify_comments` reads free-text comments in English, Russian or
  Polish and gives each its language, its kind (``"plus"``, ``"minus"``,
  ``"suggestion"`` or ``"none"``) and its themes (price, quality, support,
  delivery, usability, innovation, expectations by default).
* :func:`theme_impact` puts the themes next to the scores: how many
  respondents mention each theme, the NPS of those who do and of those who
  don't, how many points of the overall NPS the theme costs (or earns), with
  an interval and a p-value, a priority and an owner.

How comments are classified
---------------------------
A transparent, offline, lexicon method (the lexicon is the data file
``nps_toolkit/data/lexicon.yaml``; read it to see every word):

1. The language is the one given or detected: Cyrillic letters mean Russian;
   among Latin texts, Polish letters (ą ć ę ł ń ó ś ź ż) and frequent Polish
   words against frequent English words tell Polish from English.
2. The text is lower-cased (Russian ё read as е, Polish letters folded to
   their plain forms so that typing without diacritics still matches) and cut
   into sentences (. ! ? ; new lines) and clauses (commas, colons, dashes,
   brackets and contrast words such as *but*, *но*, *ale*).
3. Lexicon patterns are found in each clause, longest first: a pattern is a
   word, a stem (``цен*`` covers цена, цены, ценой: this is how Russian and
   Polish inflection is handled, without a stemmer) or a phrase.
4. Each clause gets a kind. A suggestion cue (*would be nice*, *please*,
   *хотелось бы*, *добавьте*, *przydałoby się*, *proszę dodać*, *warto by*) or
   an imperative verb at its start makes it a suggestion. Otherwise the words
   of praise (+1) and complaint (-1) are added up: above zero it is a plus,
   below a minus, zero none. A negator (*not*, *не*, *nie*, *never*, *никто*)
   flips the opinion words of the next four words (*not bad*, *не очень
   хорошо*, *nie jest źle*) and turns "things that should happen" into a
   complaint (*didn't arrive*, *не отвечают*, *nie działa*); a word fused with
   its negation is read the same way (*неплохо*, *niedrogo*, *unhelpful*);
   "no" / *нет* / *brak* without an opinion word after it is a complaint
   (*no tracking*), and a final *нет* negates the words before it
   (*претензий нет*).
5. The comment's kind is the most frequent kind of its clauses; a tie with a
   suggestion goes to the suggestion, a tie between praise and complaint to
   the later one (what follows *but* usually carries the verdict). A comment
   without opinion or request (empty, "-", "no comment", a plain fact) is
   ``"none"``; so is a missing value.
6. A comment mentions every theme whose patterns it holds; each theme also
   gets the kind of the clauses that mention it (``theme_kinds``: in "fast
   delivery but expensive" delivery is a plus and price a minus).

Themes and opinion words are looked up separately, so a theme phrase never
hides a negation. On the 108 held-out comments of
``tests/data/comments_labelled.csv`` (366 comments written for the purpose,
about 30% of them kept out of the tuning of the lexicon) the kind is right in
87% of the comments and 95% of the themes are found (precision 95%); run
``benchmarks/comments.py`` for the figures. It is a first sort of the
comments, to be read, not a verdict: check a sample by hand.

A lexicon of your own
---------------------
``classify_comments(texts, lexicon=...)`` (and :func:`theme_impact`) take a
dict or the path of a YAML file of this shape::

    mode: add              # "add" (default): the themes below join the built-in ones;
                           # "replace": only the themes below are used
    themes:
      app_crashes:         # a new theme, words per language
        en: [crash*, "keeps closing", freez*]
        ru: [вылета*, зависа*]
        pl: [zawiesza*, wywala*]
      loyalty: [loyalty, бонус*, punkt*]   # one list for every language
      price:               # a built-in name: replaces the built-in price words
        en: [price*, cost*]
      +delivery:           # a "+" before a built-in name: adds words to it
        pl: [inpost]
    # optional, added to the built-in lists (same per-language form):
    positive: {en: [stellar]}
    negative: {ru: [жесть]}
    suggestion: {pl: ["byłoby miło"]}
    negators: {}
    neutral: {}            # fixed expressions that carry no opinion

Patterns: ``word``, ``stem*`` (every word starting with the stem), a phrase
of several words (each may be a stem; ``?`` stands for any one word), and
``!pattern``: a word that is *not* taken for this list (``цен*`` with
``!ценю``). Words are matched lower-case, ё as е, Polish with or without
diacritics. Allowed top-level keys: ``mode``, ``themes`` and the lists
``positive``, ``negative``, ``expected``, ``negators``, ``absence``,
``suggestion``, ``imperatives``, ``contrast``, ``neutral``, ``fillers``
(their meaning is documented at the top of ``lexicon.yaml``). A wrong key,
language, theme definition or pattern raises ``ValueError`` naming it.

How much a theme costs: :func:`theme_impact`
---------------------------------------------
For a theme mentioned by a share ``s`` of the respondents, with NPS
``NPS_with`` among them and ``NPS_without`` among the others, the overall NPS
is ``s * NPS_with + (1 - s) * NPS_without``. Had those who mention the theme
scored like those who don't, it would be ``NPS_without``; the difference is
the theme's impact::

    impact = overall NPS - NPS_without = s * (NPS_with - NPS_without)

in NPS points: -6 means the theme costs six points of NPS, +4 that it earns
four. Its interval is the interval of ``NPS_with - NPS_without`` from
:func:`nps_toolkit.compare` (two independent samples, adjusted Wald by
default) times ``s``, the share being taken as given; the p-value is that of
the same comparison (and Holm-adjusted over the themes).
"""

from __future__ import annotations

import functools
import json
import math
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from ._validation import check_choice, check_columns, check_confidence, check_weights, describe_offenders
from .compare import METHODS as _COMPARE_METHODS
from .compare import adjust_p_values, compare
from .counting import NPSCounts, split_commented
from .scale import score_codes

__all__ = ["classify_comments", "theme_impact", "default_lexicon", "LANGUAGES", "KINDS", "DEFAULT_THEMES",
           "IMPACT_COLUMNS"]

#: Languages of the comments.
LANGUAGES = ("en", "ru", "pl")

#: Kinds of comment, in the order of the ``kinds`` column.
KINDS = ("plus", "minus", "suggestion", "none")

#: Built-in themes, in order.
DEFAULT_THEMES = ("price", "quality", "support", "delivery", "usability", "innovation", "expectations")

#: Columns of :func:`theme_impact`, in order.
IMPACT_COLUMNS = ["theme", "priority", "owner", "mentions", "share", "nps_with", "nps_without", "impact",
                  "impact_low", "impact_high", "p_value", "p_value_adjusted", "significant", "minus_share",
                  "plus_share", "suggestion_share"]

_LEXICON_FILE = "lexicon.yaml"
#: Lists of words of a lexicon (besides ``themes``): name -> label.
_LISTS = ("positive", "negative", "expected", "negators", "absence", "suggestion", "imperatives", "contrast",
          "neutral", "fillers")
#: Built-in only: language detection and word-formation rules.
_BUILTIN_ONLY = ("imperative_endings", "negation_prefixes", "stopwords")
_USER_KEYS = ("mode", "themes") + _LISTS
#: How many words after a negator it reaches.
_WINDOW = 4
#: Chunks of text remembered with their clauses (repeated sentences are classified once).
_CHUNK_CACHE = 200_000

_POLISH_FOLD = str.maketrans("ąćęłńóśźż", "acelnoszz")
_POLISH_LETTERS = re.compile("[ąćęłńóśźż]")
_CYRILLIC = re.compile("[а-яё]")
_LATIN = re.compile("[a-ząćęłńóśźż]")
_WORD = re.compile(r"[^\W\d_]+")
_SENTENCES = re.compile(r"(?<!\d)[.!?;…\n]+|[.!?;…\n]+(?!\d)")
_CHUNKS = re.compile(r"[,:()\[\]\u2013\u2014/]|\s-+\s|^-+\s")
_SMILE = re.compile(r"[:;=]-?[)D\]]+|\){2,}|\(\s*[:;]|[\U0001F600-\U0001F60F\U0001F642\U0001F44D\u2764\u263A\u2665]")
_FROWN = re.compile(r"[:;=]-?[(\[]+|\({2,}|[\U0001F620-\U0001F62D\U0001F641\U0001F44E\u2639]")
_SMILE_TOKEN, _FROWN_TOKEN = "zzsmile", "zzfrown"
_TEN = re.compile(r"\b10\s*/\s*10\b")


# -- lexicon: reading and checking ----------------------------------------------------------------------------
def _where(path: list) -> str:
    return " -> ".join(repr(p) for p in path)


def _check_patterns(value, path: list, source: str) -> list[str]:
    if isinstance(value, str) or not isinstance(value, list):
        raise ValueError(f"lexicon {source}: {_where(path)} must be a list of words or phrases, got {value!r}")
    out = []
    for i, entry in enumerate(value):
        where = _where(path + [i])
        if not isinstance(entry, str) or not entry.strip():
            hint = ("; YAML reads unquoted yes/no/on/off as true/false: put the word in quotes"
                    if isinstance(entry, bool) else "")
            raise ValueError(f"lexicon {source}: {where} must be a non-empty text, got {entry!r}{hint}")
        text = entry.strip()
        body = text[1:].strip() if text.startswith("!") else text
        parts = body.split()
        if not parts:
            raise ValueError(f"lexicon {source}: {where}: {entry!r} has no word after '!'")
        if text.startswith("!") and len(parts) > 1:
            raise ValueError(f"lexicon {source}: {where}: an exception ('!') must be one word, got {entry!r}")
        for j, part in enumerate(parts):
            if part == "?":
                if j == 0:
                    raise ValueError(f"lexicon {source}: {where}: a phrase cannot start with '?' ({entry!r})")
                continue
            if "?" in part or "*" in part[:-1] or part == "*":
                raise ValueError(f"lexicon {source}: {where}: {entry!r}: '*' may only end a word (a stem such as "
                                 f"'price*') and '?' must stand alone (any one word)")
            if not _WORD.search(part):
                raise ValueError(f"lexicon {source}: {where}: {part!r} in {entry!r} has no letters; patterns are "
                                 f"made of words (digits and punctuation are not matched)")
        out.append(text)
    return out


def _check_by_language(value, path: list, source: str) -> dict[str, list[str]]:
    """``{lang: [patterns]}`` from a mapping by language or one list for every language."""
    if isinstance(value, list):
        patterns = _check_patterns(value, path, source)
        return {lang: list(patterns) for lang in LANGUAGES}
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ValueError(f"lexicon {source}: {_where(path)} must map languages ({', '.join(LANGUAGES)}) to lists "
                         f"of words, or be one list for every language; got {value!r}")
    out = {}
    for lang, patterns in value.items():
        if lang not in LANGUAGES:
            raise ValueError(f"lexicon {source}: {_where(path)}: unknown language {lang!r}; allowed: "
                             + ", ".join(repr(x) for x in LANGUAGES))
        out[lang] = _check_patterns(patterns if patterns is not None else [], path + [lang], source)
    return out


def _check_lexicon(raw, source: str, *, builtin: bool = False) -> dict:
    """Validate a lexicon; return ``{"mode", "themes": {name: {lang: [..]}}, list: {lang: [..]}}``."""
    if not isinstance(raw, Mapping):
        raise ValueError(f"lexicon {source} must be a mapping with 'themes' and/or word lists, got "
                         f"{type(raw).__name__}")
    allowed = _USER_KEYS + (_BUILTIN_ONLY if builtin else ())
    for key in raw:
        if key not in allowed:
            raise ValueError(f"lexicon {source}: unknown key {key!r}; allowed: "
                             + ", ".join(repr(k) for k in allowed))
    mode = raw.get("mode", "add")
    if mode not in ("add", "replace"):
        raise ValueError(f"lexicon {source}: 'mode' must be 'add' or 'replace', got {mode!r}")
    themes_raw = raw.get("themes") or {}
    if not isinstance(themes_raw, Mapping):
        raise ValueError(f"lexicon {source}: 'themes' must map theme names to their words, got {themes_raw!r}")
    themes = {}
    for name, spec in themes_raw.items():
        if not isinstance(name, str) or not name.strip().lstrip("+"):
            raise ValueError(f"lexicon {source}: theme names must be non-empty text, got {name!r}")
        if spec is None or (isinstance(spec, (list, Mapping)) and not spec):
            raise ValueError(f"lexicon {source}: theme {name!r} has no words")
        themes[name.strip()] = _check_by_language(spec, ["themes", name], source)
    out = {"mode": mode, "themes": themes}
    for key in _LISTS + (_BUILTIN_ONLY if builtin else ()):
        out[key] = _check_by_language(raw.get(key), [key], source)
    return out


@functools.cache
def _builtin_raw() -> dict:
    import yaml

    text = resources.files("nps_toolkit").joinpath("data", _LEXICON_FILE).read_text(encoding="utf-8")
    return _check_lexicon(yaml.safe_load(text), f"nps_toolkit/data/{_LEXICON_FILE}", builtin=True)


def default_lexicon() -> dict:
    """The built-in lexicon, as a dict: ``themes`` and the word lists, by language.

    A copy: edit it and pass it back as ``lexicon=`` (with ``mode:
    "replace"`` to drop the built-in themes).

    Examples
    --------
    >>> lex = default_lexicon()
    >>> list(lex["themes"])
    ['price', 'quality', 'support', 'delivery', 'usability', 'innovation', 'expectations']
    >>> "цен*" in lex["themes"]["price"]["ru"]
    True
    """
    raw = _builtin_raw()
    return json.loads(json.dumps({k: v for k, v in raw.items() if k not in _BUILTIN_ONLY + ("mode",)}))


def _read_user_lexicon(lexicon) -> dict:
    if isinstance(lexicon, (str, os.PathLike)):
        path = Path(lexicon)
        if not path.is_file():
            raise FileNotFoundError(f"lexicon file {str(path)!r} does not exist")
        import yaml

        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            raise ValueError(f"lexicon {str(path)!r} is not valid YAML: {exc}") from None
        except UnicodeDecodeError as exc:
            raise ValueError(f"lexicon {str(path)!r} must be UTF-8 text: {exc}") from None
        return _check_lexicon(raw if raw is not None else {}, repr(str(path)))
    if isinstance(lexicon, Mapping):
        return _check_lexicon(lexicon, "(dict)")
    raise TypeError(f"lexicon must be a dict or the path of a YAML file, got {type(lexicon).__name__}")


def _merge(user: dict | None) -> dict:
    base = _builtin_raw()
    if user is None:
        return base
    themes = {} if user["mode"] == "replace" else {k: dict(v) for k, v in base["themes"].items()}
    for name, spec in user["themes"].items():
        if name.startswith("+"):
            target = name[1:].strip()
            if target not in themes:
                raise ValueError(f"lexicon: theme {name!r} extends {target!r}, which is not a theme; themes: "
                                 + ", ".join(repr(t) for t in themes))
            merged = dict(themes[target])
            for lang, words in spec.items():
                merged[lang] = list(merged.get(lang, [])) + words
            themes[target] = merged
        else:
            themes[name] = spec
    if not themes:
        raise ValueError("lexicon: mode 'replace' needs at least one theme")
    out = {"mode": "add", "themes": themes}
    for key in _LISTS + _BUILTIN_ONLY:
        lists = {lang: list(words) for lang, words in base[key].items()}
        for lang, words in user.get(key, {}).items():
            lists[lang] = lists.get(lang, []) + words
        out[key] = lists
    return out


# -- lexicon: compiled for matching ---------------------------------------------------------------------------
def _normalise(text: str, language: str) -> str:
    text = text.lower().replace("ё", "е").replace("\u2019", "'").replace("`", "'")
    if language == "en":
        text = re.sub(r"n't\b", " not", text)
    if language == "pl":
        text = text.translate(_POLISH_FOLD)
    return text


def _elements(entry: str, language: str) -> tuple[tuple[str, str], ...] | None:
    """Pattern text -> elements ("w", word) / ("p", stem) / ("?", "")."""
    out = []
    for part in entry.split():
        if part == "?":
            out.append(("?", ""))
            continue
        stem = part.endswith("*")
        words = _WORD.findall(_normalise(part.rstrip("*"), language))
        if not words:
            return None
        out.extend(("w", w) for w in words[:-1])
        out.append(("p" if stem else "w", words[-1]))
    return tuple(out)


class _Index:
    """Patterns of one language and one purpose (themes, or opinion words and cues), indexed for matching."""

    def __init__(self):
        self.single_exact: dict = {}
        self.single_prefix: dict = {}
        self.phrase_exact: dict = {}
        self.phrase_prefix: dict = {}
        self.exclude_exact: dict = {}
        self.exclude_prefix: dict = {}
        self.cache: dict = {}

    def add(self, entry: str, label, language: str) -> None:
        if entry.startswith("!"):
            elems = _elements(entry[1:].strip(), language)
            if elems:
                kind, word = elems[-1]
                (self.exclude_prefix if kind == "p" else self.exclude_exact).setdefault(word, set()).add(label)
            return
        elems = _elements(entry, language)
        if not elems:
            return
        kind, word = elems[0]
        if len(elems) == 1:
            (self.single_prefix if kind == "p" else self.single_exact).setdefault(word, []).append(label)
            return
        wild = sum(1 for k, _ in elems if k == "?")
        (self.phrase_prefix if kind == "p" else self.phrase_exact).setdefault(word, []).append(
            (elems[1:], wild, label))

    def info(self, token: str):
        """(labels of the word alone, after exceptions; phrases that may start with it); cached per word."""
        found = self.cache.get(token)
        if found is not None:
            return found
        labels = list(self.single_exact.get(token, ()))
        for hit in _prefixes_of(token, self.single_prefix):
            labels.extend(hit)
        excluded = set(self.exclude_exact.get(token, ()))
        for hit in _prefixes_of(token, self.exclude_prefix):
            excluded |= hit
        if excluded:
            labels = [lab for lab in labels if lab not in excluded]
        phrases = list(self.phrase_exact.get(token, ()))
        for hit in _prefixes_of(token, self.phrase_prefix):
            phrases.extend(hit)
        found = (tuple(dict.fromkeys(labels)), tuple(phrases))
        self.cache[token] = found
        return found

    def match(self, tokens: list[str]) -> list[tuple[int, int, tuple]]:
        """(start, end, labels) for every word or phrase, left to right, the longest match first.

        Of phrases of the same length, those with fewer "?" win; equal ones all count.
        """
        out = []
        i, n = 0, len(tokens)
        while i < n:
            labels, phrases = self.info(tokens[i])
            best, best_wild, chosen = 1, 0, list(labels)
            for rest, wild, label in phrases:
                length = 1 + len(rest)
                if length < best or i + length > n:
                    continue
                if not all(_element_matches(e, t) for e, t in zip(rest, tokens[i + 1:i + length])):
                    continue
                if length > best or wild < best_wild:
                    best, best_wild, chosen = length, wild, [label]
                elif wild == best_wild:
                    chosen.append(label)
            out.append((i, i + best, tuple(dict.fromkeys(chosen))))
            i += best
        return out


@dataclass
class _Compiled:
    """One language's lexicon: themes and opinion words are matched separately."""

    themes: _Index
    opinion: _Index
    endings: tuple
    ending_exclusions: frozenset
    prefixes: tuple
    chunks: dict = field(default_factory=dict)


def _compile_language(lex: dict, language: str) -> _Compiled:
    themes, opinion = _Index(), _Index()
    for name, spec in lex["themes"].items():
        for entry in spec.get(language, []):
            themes.add(entry, name, language)
    for key in _LISTS:
        label = ("pol", 1) if key == "positive" else ("pol", -1) if key == "negative" else (key,)
        for entry in lex[key].get(language, []):
            opinion.add(entry, label, language)
    opinion.add(_SMILE_TOKEN, ("pol", 1), language)
    opinion.add(_FROWN_TOKEN, ("pol", -1), language)
    endings, ending_excl = [], set()
    for entry in lex["imperative_endings"].get(language, []):
        word = _normalise(entry.lstrip("!").strip(), language)
        (ending_excl.add(word) if entry.startswith("!") else endings.append(word))
    prefixes = tuple(sorted((_normalise(p, language) for p in lex["negation_prefixes"].get(language, [])),
                            key=len, reverse=True))
    return _Compiled(themes, opinion, tuple(endings), frozenset(ending_excl), prefixes)


def _prefixes_of(token: str, table: dict) -> list:
    out = []
    for k in range(1, len(token) + 1):
        hit = table.get(token[:k])
        if hit is not None:
            out.append(hit)
    return out


def _element_matches(elem, token: str) -> bool:
    kind, word = elem
    return kind == "?" or (token == word if kind == "w" else token.startswith(word))


def _fused(c: _Compiled, token: str) -> str | None:
    """The rest of a word fused with a negation prefix (неплохо -> плохо), or None."""
    for prefix in c.prefixes:
        if token.startswith(prefix) and len(token) - len(prefix) >= 3:
            return token[len(prefix):]
    return None


@dataclass
class _Item:
    start: int
    end: int
    token: str
    polarity: int
    flags: frozenset
    self_negated: bool = False


_NEGATING = ("negators", "absence")


def _items(c: _Compiled, tokens: list[str]) -> list[_Item]:
    """Opinion words and cues of one chunk: one item per word or phrase."""
    out = []
    for start, end, labels in c.opinion.match(tokens):
        pol = sum(lab[1] for lab in labels if lab[0] == "pol")
        flags = frozenset(lab[0] for lab in labels if lab[0] != "pol")
        token = tokens[start]
        if end - start == 1 and not pol and not flags:
            rest = _fused(c, token)
            if rest is not None:
                rest_labels = c.opinion.info(rest)[0]
                rest_pol = sum(lab[1] for lab in rest_labels if lab[0] == "pol")
                if rest_pol:
                    pol = -rest_pol
                elif ("expected",) in rest_labels:
                    pol = -1
        # a phrase that starts with its own negation ("not good", "nie polecam") is not negated again
        self_negated = end - start > 1 and any(lab[0] in _NEGATING for lab in c.opinion.info(token)[0])
        out.append(_Item(start, end, token, (pol > 0) - (pol < 0), flags, self_negated))
    return out


def _theme_hits(c: _Compiled, tokens: list[str]) -> list[tuple[int, tuple]]:
    """(position, theme names) of the theme words of one chunk."""
    out = []
    for start, end, names in c.themes.match(tokens):
        if not names and end - start == 1:
            rest = _fused(c, tokens[start])
            if rest is not None:
                names = c.themes.info(rest)[0]
        if names:
            out.append((start, names))
    return out


# -- classifying one text -------------------------------------------------------------------------------------
def _combine(kinds: list[str]) -> str:
    """The kind of a list of clause kinds: the most frequent; ties -> suggestion, then the later one."""
    counts = {k: 0 for k in ("plus", "minus", "suggestion")}
    last = {}
    for i, k in enumerate(kinds):
        if k in counts:
            counts[k] += 1
            last[k] = i
    top = max(counts.values())
    if top == 0:
        return "none"
    tied = [k for k, v in counts.items() if v == top]
    if "suggestion" in tied:
        return "suggestion"
    return max(tied, key=lambda k: last[k])


def _is_imperative(c: _Compiled, items: list[_Item]) -> bool:
    for item in items:
        if "fillers" in item.flags:
            continue
        if "imperatives" in item.flags:
            return True
        token = item.token
        if item.end - item.start == 1 and token not in c.ending_exclusions:
            return any(token.endswith(e) and len(token) >= len(e) + 3 for e in c.endings)
        return False
    return False


def _clause_kind(c: _Compiled, items: list[_Item]) -> str:
    if any("suggestion" in it.flags for it in items) or _is_imperative(c, items):
        return "suggestion"
    n = len(items)
    polar = [(bool(it.polarity) or "expected" in it.flags) and not it.self_negated for it in items]
    flipped = [False] * n
    extra = 0
    for j, it in enumerate(items):
        negator = "negators" in it.flags
        absence = "absence" in it.flags
        if not (negator or absence):
            continue
        reach = it.end + _WINDOW
        targets = [k for k in range(j + 1, n) if items[k].start < reach and polar[k]]
        if targets:
            for k in targets:
                flipped[k] = True
            continue
        if not absence:
            continue
        if j + 1 < n:
            extra -= 1  # "no tracking", "brak kontaktu": the lack of something is a complaint
            continue
        before = [k for k in range(j) if items[k].end > it.start - _WINDOW and polar[k] and not flipped[k]]
        if before:
            for k in before:
                flipped[k] = True  # "претензий нет"
        elif j > 0:
            extra -= 1  # "курьерской доставки нет"
    score = extra
    for it, f in zip(items, flipped):
        if f:
            score += -it.polarity if it.polarity else -1
        else:
            score += it.polarity
    return "plus" if score > 0 else "minus" if score < 0 else "none"


def _prepare(text: str, language: str) -> str:
    text = _TEN.sub(f" {_SMILE_TOKEN} ", text)
    text = _SMILE.sub(f" {_SMILE_TOKEN} ", text)
    text = _FROWN.sub(f" {_FROWN_TOKEN} ", text)
    if language == "ru" and "(" not in text:
        text = re.sub(r"(?<=\w)\)+", f" {_SMILE_TOKEN} ", text)  # "вовремя)" is a smile
    return _normalise(text, language)


def _chunk_clauses(c: _Compiled, chunk: str) -> tuple:
    """((kind, themes), ...) of the clauses of one chunk (a piece of a sentence between commas)."""
    tokens = _WORD.findall(chunk)
    if not tokens:
        return ()
    # clauses: split at contrast words; fixed expressions (neutral) count for nothing
    clause_of = [-1] * len(tokens)
    clauses: list[list[_Item]] = [[]]
    for it in _items(c, tokens):
        if "contrast" in it.flags:
            if clauses[-1]:
                clauses.append([])
            continue
        if "neutral" in it.flags:
            if it.end - it.start == 1:
                clause_of[it.start] = len(clauses) - 1
            continue
        clauses[-1].append(it)
        for pos in range(it.start, it.end):
            clause_of[pos] = len(clauses) - 1
    themes: list[list] = [[] for _ in clauses]
    for pos, names in _theme_hits(c, tokens):
        if clause_of[pos] >= 0:
            themes[clause_of[pos]].extend(names)
    return tuple((_clause_kind(c, clause) if clause else "none", tuple(names))
                 for clause, names in zip(clauses, themes))


def _classify_one(c: _Compiled, text: str, language: str):
    """(kind, kinds, themes, theme_kinds) of one text in a known language."""
    clause_kinds: list[str] = []
    sentence_of: list[int] = []
    clause_themes: list[list] = []
    for s, sentence in enumerate(_SENTENCES.split(_prepare(text, language))):
        for chunk in _CHUNKS.split(sentence):
            parts = c.chunks.get(chunk)
            if parts is None:
                parts = _chunk_clauses(c, chunk)
                if len(c.chunks) >= _CHUNK_CACHE:
                    c.chunks.clear()
                c.chunks[chunk] = parts
            for clause_kind, names in parts:
                clause_kinds.append(clause_kind)
                sentence_of.append(s)
                clause_themes.append(names)
    kind = _combine(clause_kinds)
    kinds = tuple(k for k in KINDS[:3] if k in clause_kinds) or ("none",)
    themes = tuple(dict.fromkeys(t for ts in clause_themes for t in ts))
    theme_kinds = {}
    for theme in themes:
        hits = [i for i, ts in enumerate(clause_themes) if theme in ts]
        k = _combine([clause_kinds[i] for i in hits])
        if k == "none":
            sentences = {sentence_of[i] for i in hits}
            k = _combine([ck for ck, s in zip(clause_kinds, sentence_of) if s in sentences])
        theme_kinds[theme] = k if k != "none" else kind
    return kind, kinds, themes, theme_kinds


# -- language detection ---------------------------------------------------------------------------------------
@functools.cache
def _stopwords() -> tuple[frozenset, frozenset]:
    raw = _builtin_raw()["stopwords"]
    en = frozenset(w for e in raw.get("en", []) for w in _WORD.findall(_normalise(e, "en")))
    pl = frozenset(w for e in raw.get("pl", []) for w in _WORD.findall(_normalise(e, "pl")))
    return en, pl - en


_EN_GRAMS = ("th", "wh", "ck", "ee", "oo", "ea", "ou", "x", "q", "v", "ing", "tion", "ght", "ph")
_PL_GRAMS = ("sz", "cz", "rz", "dz", "prz", "wy", "zy", "yc", "ej", "cj", "ij", "wn", "kt", "ja", "je", "cie", "aj")


def _lexicon_words(c: _Compiled, text: str, language: str) -> int:
    """How many words of the text the language's lexicon knows."""
    count = 0
    for token in _WORD.findall(_normalise(text, language)):
        if c.opinion.info(token)[0] or c.themes.info(token)[0]:
            count += 1
    return count


def _detect(text: str, compiled: dict) -> str | None:
    low = text.lower()
    cyrillic = len(_CYRILLIC.findall(low))
    latin = len(_LATIN.findall(low))
    if cyrillic == 0 and latin == 0:
        return None
    if cyrillic > latin:
        return "ru"
    en_words, pl_words = _stopwords()
    tokens = _WORD.findall(low.translate(_POLISH_FOLD))
    pl = 3 * len(_POLISH_LETTERS.findall(low)) + sum(t in pl_words for t in tokens)
    en = sum(t in en_words for t in tokens)
    if pl == en:  # no telling words: which lexicon knows more of them
        en, pl = _lexicon_words(compiled["en"], text, "en"), _lexicon_words(compiled["pl"], text, "pl")
    if pl == en:
        folded = low.translate(_POLISH_FOLD)
        en, pl = sum(folded.count(g) for g in _EN_GRAMS), sum(folded.count(g) for g in _PL_GRAMS)
    return "pl" if pl > en else "en"


# -- public: classify_comments --------------------------------------------------------------------------------
@functools.lru_cache(maxsize=16)
def _compiled(key: str | None) -> dict[str, _Compiled]:
    lex = _merge(None if key is None else json.loads(key))
    return {lang: _compile_language(lex, lang) for lang in LANGUAGES} | {"__themes__": tuple(lex["themes"])}


def _compiled_for(lexicon):
    if lexicon is None:
        return _compiled(None)
    user = _read_user_lexicon(lexicon)
    _merge(user)  # raises on a bad extension before caching
    return _compiled(json.dumps(user, ensure_ascii=False))


def _values(texts) -> tuple[list, pd.Index]:
    if isinstance(texts, pd.DataFrame):
        raise TypeError("texts must be one column of comments (a Series, list or array), not a DataFrame")
    if isinstance(texts, (str, bytes)):
        raise TypeError("texts must be a sequence of comments (list, array or Series); for one comment pass [text]")
    if isinstance(texts, pd.Series):
        return list(texts.to_numpy(dtype=object)), texts.index
    if isinstance(texts, pd.Index):
        return list(texts.to_numpy(dtype=object)), pd.RangeIndex(len(texts))
    if isinstance(texts, np.ndarray):
        if texts.ndim != 1:
            raise ValueError(f"texts must be one-dimensional, got shape {texts.shape}")
        return list(texts.astype(object)), pd.RangeIndex(len(texts))
    if not isinstance(texts, Iterable):
        raise TypeError(f"texts must be a sequence of comments (list, array or Series), got {texts!r}")
    values = list(texts)
    return values, pd.RangeIndex(len(values))


def _missing(v) -> bool:
    if v is None or v is pd.NA or v is pd.NaT:
        return True
    return isinstance(v, float) and math.isnan(v) or (isinstance(v, np.floating) and np.isnan(v))


def _languages(language, n: int) -> list:
    if language is None:
        return [None] * n
    if isinstance(language, str):
        check_choice(language, LANGUAGES, name="language")
        return [language] * n
    if isinstance(language, pd.Series):
        values = list(language.to_numpy(dtype=object))
    elif isinstance(language, Iterable) and not isinstance(language, (bytes, Mapping)):
        values = list(language)
    else:
        raise TypeError(f"language must be None (detect), one of {', '.join(LANGUAGES)} or one language per "
                        f"comment, got {language!r}")
    if len(values) != n:
        raise ValueError(f"language: {len(values)} languages given for {n} comments; give one per comment "
                         f"(missing values are detected)")
    bad = [i for i, v in enumerate(values) if not _missing(v) and v not in LANGUAGES]
    if bad:
        raise ValueError(f"language must be one of {', '.join(repr(x) for x in LANGUAGES)} (or missing: detected); "
                         f"got {describe_offenders([values[i] for i in bad], bad)}")
    return [None if _missing(v) else v for v in values]


def classify_comments(texts, *, language=None, lexicon=None) -> pd.DataFrame:
    """Sort open comments into pluses, minuses and suggestions, and find their themes.

    Parameters
    ----------
    texts : list, array or Series of str
        The comments. Missing values (None, NaN) are allowed and give kind
        ``"none"``; anything else that is not text (numbers, bytes, booleans)
        raises ``TypeError`` naming the positions.
    language : None, {"en", "ru", "pl"} or sequence
        The comments' language. None: detected per comment (Cyrillic ->
        Russian; Polish letters and frequent words tell Polish from
        English). One code: every comment is in that language. A sequence
        (one code per comment, missing values detected) for mixed data.
    lexicon : dict or path, optional
        A lexicon of your own (YAML file or dict; see the module
        documentation): adds or replaces themes and adds words.

    Returns
    -------
    DataFrame
        Same index as ``texts`` (a fresh ``RangeIndex`` for lists and
        arrays), columns:

        ``language``
            "en", "ru" or "pl"; missing for missing texts and texts without
            letters.
        ``kind``
            "plus", "minus", "suggestion" or "none" (see the module
            documentation for the rule of mixed comments).
        ``kinds``
            Tuple of every kind found in the comment's clauses, in the
            order of :data:`KINDS` (``("none",)`` when there is none).
        ``themes``
            List of the themes mentioned, in the lexicon's order of themes.
        ``theme_kinds``
            Dict theme -> kind of the clauses mentioning it.

        ``attrs["themes"]`` lists every theme of the lexicon.

    Raises
    ------
    TypeError
        Non-text comments (with their positions), a DataFrame or a single
        string instead of a sequence.
    ValueError
        An unknown language (the allowed ones are listed) or an invalid
        lexicon (naming the bad key or entry).

    Examples
    --------
    >>> table = classify_comments(["Not bad at all, and delivery was fast!",
    ...                            "Не очень хорошо: поддержка не отвечает.",
    ...                            "Przydałaby się tańsza dostawa.", None])
    >>> table[["language", "kind"]]
      language        kind
    0       en        plus
    1       ru       minus
    2       pl  suggestion
    3      NaN        none
    >>> table["themes"].tolist()
    [['delivery'], ['support'], ['price', 'delivery'], []]
    >>> classify_comments(["Fast delivery, but too expensive."])["theme_kinds"][0]
    {'delivery': 'plus', 'price': 'minus'}
    """
    values, index = _values(texts)
    n = len(values)
    bad = [i for i, v in enumerate(values) if not isinstance(v, str) and not _missing(v)]
    if bad:
        raise TypeError("comments must be text (missing values may be None or NaN); got "
                        + describe_offenders([values[i] for i in bad], bad))
    langs = _languages(language, n)
    compiled = _compiled_for(lexicon)
    out_lang, out_kind, out_kinds, out_themes, out_tk = [], [], [], [], []
    seen: dict = {}
    order = {name: i for i, name in enumerate(compiled["__themes__"])}
    for text, lang in zip(values, langs):
        key = (text, lang) if isinstance(text, str) else None
        result = seen.get(key) if key is not None else None
        if result is None:
            if not isinstance(text, str) or not _WORD.search(text):
                result = (None, "none", ("none",), (), {})
            else:
                use = lang or _detect(text, compiled)
                if use is None:
                    result = (None, "none", ("none",), (), {})
                else:
                    kind, kinds, themes, tk = _classify_one(compiled[use], text, use)
                    result = (use, kind, kinds, themes, tk)
            if key is not None:
                seen[key] = result
        out_lang.append(result[0] if result[0] is not None else np.nan)
        out_kind.append(result[1])
        out_kinds.append(result[2])
        out_themes.append(sorted(result[3], key=order.__getitem__))
        out_tk.append(dict(result[4]))
    table = pd.DataFrame({"language": pd.Series(out_lang, index=index, dtype=object),
                          "kind": pd.Series(out_kind, index=index, dtype=object),
                          "kinds": pd.Series(out_kinds, index=index, dtype=object),
                          "themes": pd.Series(out_themes, index=index, dtype=object),
                          "theme_kinds": pd.Series(out_tk, index=index, dtype=object)}, index=index)
    table.attrs["themes"] = list(compiled["__themes__"])
    return table


# -- public: theme_impact -------------------------------------------------------------------------------------
def _theme_list(themes, available: list[str]) -> list[str]:
    if themes is None:
        return list(available)
    names = [themes] if isinstance(themes, str) else list(themes)
    unknown = [t for t in names if t not in available]
    if unknown:
        raise ValueError(f"theme {unknown[0]!r} is not a theme of the lexicon; themes: "
                         + ", ".join(repr(t) for t in available))
    if len(set(names)) != len(names):
        raise ValueError(f"themes lists a theme twice: {names}")
    return names


def _owner_map(owners, available: list[str]) -> dict:
    if owners is None:
        return {}
    if not isinstance(owners, Mapping):
        raise TypeError(f"owners must map themes to owners, e.g. {{'delivery': 'Logistics'}}, got {owners!r}")
    unknown = [t for t in owners if t not in available]
    if unknown:
        raise ValueError(f"owners names {unknown[0]!r}, which is not a theme; themes: "
                         + ", ".join(repr(t) for t in available))
    return dict(owners)


def _language_argument(data: pd.DataFrame, language):
    if language is None or (isinstance(language, str) and language in LANGUAGES):
        return language
    if isinstance(language, str):
        if language in data.columns:
            return data[language]
        raise ValueError(f"unknown language {language!r}; give None (detect), one of "
                         + ", ".join(repr(x) for x in LANGUAGES) + " or the name of a column of languages")
    return language


def theme_impact(data: pd.DataFrame, *, score="score", comments="comment", weights=None, themes=None, owners=None,
                 confidence=0.95, language=None, lexicon=None, base="all", kind=None, method="adjusted-wald",
                 correction="holm", n_resamples=9999, random_state=None) -> pd.DataFrame:
    """What each comment theme costs (or earns) the NPS, with an interval, a priority and an owner.

    Parameters
    ----------
    data : DataFrame, path, DuckDB relation, Polars or Spark DataFrame
        One row per respondent with a score and a comment column. Not
        modified. Rows without a score are left out (counted in
        ``attrs["n_missing_score"]``). Where an engine counts ``data``
        (:mod:`nps_toolkit.engines`), only the commented rows are read into
        pandas (their score, comment and language columns); the others are
        counted where they are.
    score : str
        Column of 0-10 answers.
    comments : str
        Column of free-text comments (missing where none was left).
    weights : str, optional
        Column of survey weights: shares, NPS with and without, impact and
        intervals are then weighted (``mentions`` stays a count of
        respondents); the weights of respondents without a score are not
        looked at.
    themes : list of str, optional
        Themes to report (default: every theme of the lexicon).
    owners : dict, optional
        Theme -> owner (a team or person); themes without one get NaN.
    confidence : float
        Confidence level of the intervals; ``significant`` means adjusted
        p < ``1 - confidence``.
    language : None, {"en", "ru", "pl"}, column name or sequence
        Language of the comments (None: detected per comment).
    lexicon : dict or path, optional
        A lexicon of your own (see :func:`classify_comments`).
    base : {"all", "commented"}
        Who the shares and the "without" group are taken from. ``"all"``
        (default): every respondent with a score, so ``impact`` is in points
        of the overall NPS and the respondents without a comment count
        among those who don't mention the theme. ``"commented"``: only the
        respondents who left a (non-blank) comment, so ``impact`` is in
        points of the commenters' NPS.
    kind : {None, "minus", "plus", "suggestion"}
        None (default): every mention counts. ``"minus"``: only respondents
        who mention the theme as a complaint count as mentioning it (those
        who praise it join the others), which measures what the complaints
        about a theme cost; likewise ``"plus"`` and ``"suggestion"``.
    method : {"adjusted-wald", "wald", "bootstrap", "bayes"}
        Comparison method of :func:`nps_toolkit.compare`.
    correction : {"holm", "bonferroni", "fdr_bh", None}
        Multiple-comparison adjustment of the p-values over the themes.
    n_resamples, random_state
        For the ``"bootstrap"`` and ``"bayes"`` methods.

    Returns
    -------
    DataFrame
        One row per theme, in priority order, columns :data:`IMPACT_COLUMNS`:

        ``theme``, ``priority`` (1 = act first), ``owner``;
        ``mentions``: respondents (in the base) whose comment mentions it;
        ``share``: ``mentions / n``, n the respondents in the base (when
        weighted: their weights' share of the base's weights);
        ``nps_with``, ``nps_without``: NPS of those who mention it and of
        the others;
        ``impact = share * (nps_with - nps_without)`` = overall NPS minus
        ``nps_without``: the points of NPS the theme costs (negative) or
        earns (positive); ``impact_low``, ``impact_high``: the
        :func:`~nps_toolkit.compare` interval of ``nps_with - nps_without``
        times ``share``;
        ``p_value`` (of that comparison), ``p_value_adjusted``,
        ``significant``;
        ``minus_share``, ``plus_share``, ``suggestion_share``: of the
        respondents mentioning the theme, the share whose comment speaks of
        it as a complaint, as praise, as a request (the kind of the clauses
        that name it; the rest mention it without opinion).

        Themes nobody (or everybody) mentions have NaN estimates.

    Notes
    -----
    Priority rule: first the themes that significantly cost points (the
    adjusted p-value below ``1 - confidence`` and a negative impact), then the
    other themes with a negative impact, then those with a positive one, then
    those without an estimate; within each group the larger cost first (the
    lower impact), ties broken by more mentions. Because the impact is the
    share times the gap, a theme ranks high when it touches many respondents,
    when it comes with much lower scores, or both.

    The impact is descriptive: respondents who complain about delivery may
    score low for other reasons too. Read it as "where the unhappy comments
    concentrate", and the interval as the uncertainty of the gap in NPS.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"score": [2, 3, 9, 10, 9, 8, 10, 4],
    ...                    "comment": ["Delivery was late again", "Доставка задержалась на неделю",
    ...                                "Great quality", "Świetna jakość", None, "ok", "Love it",
    ...                                "Courier lost my parcel"]})
    >>> table = theme_impact(df, themes=["delivery", "quality"], owners={"delivery": "Logistics"})
    >>> table[["theme", "priority", "owner", "mentions", "nps_with", "nps_without", "impact"]].round(1)
          theme  priority      owner  mentions  nps_with  nps_without  impact
    0  delivery         1  Logistics         3    -100.0         80.0   -67.5
    1   quality         2        NaN         2     100.0        -16.7    29.2
    """
    confidence = check_confidence(confidence)
    check_choice(base, ("all", "commented"), name="base")
    check_choice(kind, (None, "minus", "plus", "suggestion"), name="kind")
    check_choice(method, _COMPARE_METHODS, name="method")
    wanted = [score, comments] + ([weights] if weights is not None else [])
    if isinstance(language, str) and language not in LANGUAGES:
        wanted.append(language)
    # for data an engine counts, only the commented rows come here; rest: the counts of the others
    data, rest = split_commented(data, score=score, comments=comments, columns=wanted, weights=weights)
    check_columns(data, [score], role="score column")
    check_columns(data, [comments], role="comments column")
    codes = score_codes(data[score], column=str(score))
    w = None
    if weights is not None:
        check_columns(data, [weights], role="weights column")
        w = np.where(codes >= 0, check_weights(data[weights], len(codes), column=str(weights), mask=codes >= 0), 0.0)
    classified = classify_comments(data[comments].reset_index(drop=True),
                                   language=_language_argument(data, language), lexicon=lexicon)
    available = classified.attrs["themes"]
    names = _theme_list(themes, available)
    owner_of = _owner_map(owners, available)

    raw = data[comments].to_numpy(dtype=object)
    has_comment = np.fromiter((isinstance(v, str) and v.strip() != "" for v in raw), bool, len(raw))
    keep = codes >= 0
    if base == "commented":
        keep &= has_comment
        rest = NPSCounts(promoters=0, passives=0, detractors=0, n_missing=rest.n_missing)
    base_counts = _counts(codes[keep], None if w is None else w[keep]) + rest
    n = base_counts.n  # respondents in the base (the sum of their weights when weighted)
    if not int(keep.sum()) + rest.n > 0:
        raise ValueError("no respondent with a score" + (" and a comment" if base == "commented" else "")
                         + "; cannot measure the impact of themes")
    theme_lists = classified["themes"].tolist()
    theme_kinds = classified["theme_kinds"].tolist()

    rows = []
    for theme in names:
        if kind is None:
            mention = np.fromiter((theme in ts for ts in theme_lists), bool, len(theme_lists))
        else:
            mention = np.fromiter((tk.get(theme) == kind for tk in theme_kinds), bool, len(theme_kinds))
        mention &= keep
        k = int(mention.sum())
        others = keep & ~mention
        with_c = _counts(codes[mention], None if w is None else w[mention])
        without_c = _counts(codes[others], None if w is None else w[others]) + rest
        s = with_c.n / n if n > 0 else np.nan
        row = {"theme": theme, "owner": owner_of.get(theme, np.nan), "mentions": k, "share": s}
        spoken = [theme_kinds[i].get(theme) for i in np.flatnonzero(mention)]
        for name in ("minus", "plus", "suggestion"):
            row[f"{name}_share"] = (sum(x == name for x in spoken) / k) if k else np.nan
        if with_c.n > 0 and without_c.n > 0:
            result = compare(with_c, without_c, confidence=confidence, method=method, n_resamples=n_resamples,
                             random_state=random_state)
            row.update(nps_with=with_c.nps, nps_without=without_c.nps, impact=s * result.difference,
                       impact_low=s * result.low, impact_high=s * result.high, p_value=result.p_value)
        else:
            row.update(nps_with=with_c.nps if with_c.n > 0 else np.nan,
                       nps_without=without_c.nps if without_c.n > 0 else np.nan,
                       impact=np.nan, impact_low=np.nan, impact_high=np.nan, p_value=np.nan)
        rows.append(row)
    table = pd.DataFrame(rows)
    table["p_value_adjusted"] = adjust_p_values(table["p_value"].to_numpy(float), correction)
    table["significant"] = (table["p_value_adjusted"] < 1.0 - confidence).to_numpy(bool)
    impact = table["impact"].to_numpy(float)
    group = np.where(np.isnan(impact), 3, np.where(impact < 0, np.where(table["significant"], 0, 1), 2))
    order = np.lexsort((-table["mentions"].to_numpy(), np.nan_to_num(impact, nan=0.0), group))
    table = table.iloc[order].reset_index(drop=True)
    table["priority"] = np.arange(1, len(table) + 1)
    table = table[IMPACT_COLUMNS]
    table.attrs.update({"n": n, "n_commented": int((keep & has_comment).sum()),
                        "n_missing_score": int((codes < 0).sum()) + rest.n_missing, "base": base, "confidence": confidence,
                        "kind": kind, "method": method, "correction": correction, "score": score, "comments": comments,
                        "weights": weights,
                        "impact": "share * (nps_with - nps_without)"})
    return table


def _counts(codes: np.ndarray, w: np.ndarray | None = None) -> NPSCounts:
    """Counts of answer codes (0 detractor, 1 passive, 2 promoter), weighted when ``w`` is given."""
    if w is None:
        det, pas, pro = np.bincount(codes.astype(np.int64), minlength=3)[:3]
        return NPSCounts(promoters=int(pro), passives=int(pas), detractors=int(det))
    det, pas, pro = np.bincount(codes.astype(np.int64), weights=w, minlength=3)[:3]
    sq_det, sq_pas, sq_pro = np.bincount(codes.astype(np.int64), weights=w * w, minlength=3)[:3]
    return NPSCounts(promoters=float(pro), passives=float(pas), detractors=float(det),
                     weights_sq=(float(sq_pro), float(sq_pas), float(sq_det)))
