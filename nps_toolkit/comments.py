"""From score to action: open comments into pluses, minuses and suggestions, themes, and what each theme costs.

* :func:`classify_comments` reads free-text comments in English, Russian or
  Polish and gives each its language, its kind (``"plus"``, ``"minus"``,
  ``"suggestion"`` or ``"none"``) and its themes (price, quality, support,
  delivery, usability, innovation, expectations by default).
* :func:`theme_impact` puts the themes next to the scores: how many
  respondents mention each theme, the NPS of those who do and of those who
  don't, how many points of the overall NPS the theme costs (or earns), with
  an interval and a p-value, a priority and an owner.
* :func:`verbatims` quotes, for each theme, the most telling pluses, minuses
  and suggestions with their score (chosen by a fixed rule, long comments
  shortened).
* :func:`action_plan` lists the themes that cost points, riskiest first, with
  their cost and its interval, an owner, the share of detractors who mention
  them and a suggested next step (the lexicon's ``guidance``); with ``date``,
  the themes whose cost grew from one period to the next.

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
    guidance:              # the next step action_plan suggests for a theme (not patterns)
      app_crashes:
        en: "Fix the crashes reported most often first."
        ru: "Сначала исправьте самые частые вылеты."
      loyalty: "One sentence for every language."

Patterns: ``word``, ``stem*`` (every word starting with the stem), a phrase
of several words (each may be a stem; ``?`` stands for any one word), and
``!pattern``: a word that is *not* taken for this list (``цен*`` with
``!ценю``). Words are matched lower-case, ё as е, Polish with or without
diacritics. Allowed top-level keys: ``mode``, ``themes`` and the lists
``positive``, ``negative``, ``expected``, ``negators``, ``absence``,
``suggestion``, ``imperatives``, ``contrast``, ``neutral``, ``fillers``
(their meaning is documented at the top of ``lexicon.yaml``), and
``guidance`` (theme -> one sentence, or one per language; it replaces the
built-in sentence of that theme and language, the others are kept). A wrong
key, language, theme definition, pattern or guidance raises ``ValueError``
naming it.

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
the same comparison (and Holm-adjusted over the themes). For a complex
sample (``design=``, a :class:`~nps_toolkit.SurveyDesign`; pandas data
only) the two groups are domains of the design and the interval is the
Wald interval of their design-based difference (see :func:`theme_impact`).
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

from ._docstrings import shared_docs
from ._validation import (check_choice, check_columns, check_confidence, check_weights, describe_offenders,
                          missing_column_error)
from .compare import METHODS as _COMPARE_METHODS
from .compare import adjust_p_values, compare
from .counting import (NPSCounts, count_periods, counts_of_codes, counts_of_table, engine_of, rows_with_text,
                       split_commented, to_pandas)
from .counting import columns as columns_of  # "columns" names the theme columns in this module
from .dates import parse_dates
from .design import PSU_COUNT_COLUMNS, SurveyDesign, check_design_arguments, estimates_from_psu_counts, psu_counts
from .intervals import z_value
from .scale import check_scale, score_codes

__all__ = ["classify_comments", "theme_impact", "verbatims", "action_plan", "default_lexicon", "LANGUAGES", "KINDS",
           "DEFAULT_THEMES", "IMPACT_COLUMNS", "VERBATIM_COLUMNS", "PLAN_COLUMNS"]

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
_USER_KEYS = ("mode", "themes") + _LISTS + ("guidance",)
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
    """Where an entry sits in a lexicon, for messages: 'themes' -> 'price' -> 'en'."""
    return " -> ".join(repr(p) for p in path)


def _check_patterns(value, path: list, source: str) -> list[str]:
    """A list of patterns, each checked (a word, a stem*, a phrase with ?, or !exception)."""
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
    out["guidance"] = _check_guidance(raw.get("guidance"), source)
    return out


def _check_guidance(value, source: str) -> dict[str, dict[str, str]]:
    """``{theme: {lang: sentence}}`` from ``guidance``: per theme, a sentence by language or one for every language."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ValueError(f"lexicon {source}: 'guidance' must map themes to a next step (one sentence, or one per "
                         f"language), got {value!r}")
    out = {}
    for theme, spec in value.items():
        where = ["guidance", theme]
        if isinstance(spec, str):
            spec = {lang: spec for lang in LANGUAGES}
        if not isinstance(spec, Mapping):
            raise ValueError(f"lexicon {source}: {_where(where)} must be a sentence or map languages "
                             f"({', '.join(LANGUAGES)}) to sentences, got {spec!r}")
        sentences = {}
        for lang, sentence in spec.items():
            if lang not in LANGUAGES:
                raise ValueError(f"lexicon {source}: {_where(where)}: unknown language {lang!r}; allowed: "
                                 + ", ".join(repr(x) for x in LANGUAGES))
            if not isinstance(sentence, str) or not sentence.strip():
                raise ValueError(f"lexicon {source}: {_where(where + [lang])} must be a non-empty sentence, "
                                 f"got {sentence!r}")
            sentences[lang] = " ".join(sentence.split())
        out[str(theme)] = sentences
    return out


@functools.cache
def _builtin_raw() -> dict:
    """The built-in lexicon (``nps_toolkit/data/lexicon.yaml``), read and checked once."""
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
    """A lexicon of the user's (a dict or the path of a YAML file), checked."""
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
    """The built-in lexicon with the user's added, replaced or extended themes and words."""
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
    guidance = {theme: dict(v) for theme, v in base["guidance"].items() if theme in themes}
    for theme, sentences in user.get("guidance", {}).items():
        if theme not in themes:
            raise ValueError(f"lexicon: 'guidance' names {theme!r}, which is not a theme; themes: "
                             + ", ".join(repr(t) for t in themes))
        guidance[theme] = {**guidance.get(theme, {}), **sentences}
    out["guidance"] = guidance
    return out


# -- lexicon: compiled for matching ---------------------------------------------------------------------------
def _normalise(text: str, language: str) -> str:
    """Text as it is matched: lower-case, ё as е, n't as not (en), Polish letters folded (pl)."""
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
    """One language's patterns of a merged lexicon, indexed for matching."""
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
    """The entries of ``table`` under every prefix of ``token`` (stems it starts with)."""
    out = []
    for k in range(1, len(token) + 1):
        hit = table.get(token[:k])
        if hit is not None:
            out.append(hit)
    return out


def _element_matches(elem, token: str) -> bool:
    """Whether a phrase element (word, stem or '?') matches a word."""
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
    """Whether a clause starts (fillers aside) with an imperative verb."""
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
    """The kind of one clause: suggestion, or the sign of its opinion words after negation."""
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
    """Text with smileys (and 10/10) as opinion tokens, normalised."""
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


def _clauses(c: _Compiled, text: str, language: str) -> tuple[list[str], list[int], list[tuple]]:
    """The clauses of one text in a known language: their kinds, sentence numbers and themes."""
    clause_kinds: list[str] = []
    sentence_of: list[int] = []
    clause_themes: list[tuple] = []
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
    return clause_kinds, sentence_of, clause_themes


def _classify_one(c: _Compiled, text: str, language: str):
    """(kind, kinds, themes, theme_kinds) of one text in a known language."""
    clause_kinds, sentence_of, clause_themes = _clauses(c, text, language)
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
    """Frequent English and Polish words (Polish ones not also English), for language detection."""
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
    """The language of a text: ru if mostly Cyrillic, else pl or en by letters, words, lexicon, letter groups."""
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
    """The compiled lexicon of every language (built-in, or with the user's lexicon given as JSON)."""
    lex = _merge(None if key is None else json.loads(key))
    return {lang: _compile_language(lex, lang) for lang in LANGUAGES} | {"__themes__": tuple(lex["themes"])}


def _compiled_for(lexicon):
    """The compiled lexicon for ``lexicon=`` (None: the built-in one)."""
    if lexicon is None:
        return _compiled(None)
    user = _read_user_lexicon(lexicon)
    _merge(user)  # raises on a bad extension before caching
    return _compiled(json.dumps(user, ensure_ascii=False))


def _values(texts) -> tuple[list, pd.Index]:
    """The comments as a list, and the index of the result."""
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
    """Whether a value is missing (None, NA, NaT, NaN)."""
    if v is None or v is pd.NA or v is pd.NaT:
        return True
    return isinstance(v, float) and math.isnan(v) or (isinstance(v, np.floating) and np.isnan(v))


def _languages(language, n: int) -> list:
    """One language (or None: detect) per comment, from ``language=``."""
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
    bad = [i for i, v in enumerate(values) if not isinstance(v, str) and not _missing(v)]
    if bad:
        raise TypeError("comments must be text (missing values may be None or NaN); got "
                        + describe_offenders([values[i] for i in bad], bad))
    langs = _languages(language, len(values))
    compiled = _compiled_for(lexicon)
    columns = _classified_columns(values, langs, compiled)
    table = pd.DataFrame({name: pd.Series(column, index=index, dtype=object) for name, column in columns.items()},
                         index=index)
    table.attrs["themes"] = list(compiled["__themes__"])
    return table


_NO_OPINION = (None, "none", ("none",), (), {})


def _classified_one(text, lang, compiled) -> tuple:
    """(language, kind, kinds, themes, theme_kinds) of one comment (a missing one, or one without letters: none)."""
    if not isinstance(text, str) or not _WORD.search(text):
        return _NO_OPINION
    use = lang or _detect(text, compiled)
    if use is None:
        return _NO_OPINION
    kind, kinds, themes, tk = _classify_one(compiled[use], text, use)
    return use, kind, kinds, themes, tk


def _classified_columns(values: list, langs: list, compiled: dict) -> dict[str, list]:
    """The columns of :func:`classify_comments`, as lists; a repeated (text, language) is classified once."""
    out = {"language": [], "kind": [], "kinds": [], "themes": [], "theme_kinds": []}
    seen: dict = {}
    order = {name: i for i, name in enumerate(compiled["__themes__"])}
    for text, lang in zip(values, langs):
        key = (text, lang) if isinstance(text, str) else None
        result = seen.get(key) if key is not None else None
        if result is None:
            result = _classified_one(text, lang, compiled)
            if key is not None:
                seen[key] = result
        out["language"].append(result[0] if result[0] is not None else np.nan)
        out["kind"].append(result[1])
        out["kinds"].append(result[2])
        out["themes"].append(sorted(result[3], key=order.__getitem__))
        out["theme_kinds"].append(dict(result[4]))
    return out


# -- public: theme_impact -------------------------------------------------------------------------------------
def _theme_list(themes, available: list[str]) -> list[str]:
    """The themes to report: every theme of the lexicon, or the ones asked for (each once, each known)."""
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
    """Theme -> owner, every theme named being a theme of the lexicon."""
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
    """``language=`` of :func:`theme_impact` as :func:`classify_comments` takes it (a column name -> its values)."""
    if language is None or (isinstance(language, str) and language in LANGUAGES):
        return language
    if isinstance(language, str):
        if language in data.columns:
            return data[language]
        raise ValueError(f"unknown language {language!r}; give None (detect), one of "
                         + ", ".join(repr(x) for x in LANGUAGES) + " or the name of a column of languages")
    return language


@dataclass(frozen=True)
class _Options:
    """The options of :func:`theme_impact` its statistics use (confidence and method checked)."""

    confidence: float
    method: str
    correction: object
    n_resamples: int
    random_state: object


def _check_options(*, confidence, base, kind, method, correction, n_resamples, random_state) -> _Options:
    """Validate the options of :func:`theme_impact` that do not depend on the data."""
    confidence = check_confidence(confidence)
    check_choice(base, ("all", "commented"), name="base")
    check_choice(kind, (None, "minus", "plus", "suggestion"), name="kind")
    check_choice(method, _COMPARE_METHODS, name="method")
    return _Options(confidence, method, correction, n_resamples, random_state)


def _read_rows(data, *, score, comments, weights, language, scale):
    """The rows to classify, as pandas (checked for the score and comments columns), and the counts of the rest."""
    wanted = [score, comments] + ([weights] if weights is not None else [])
    if isinstance(language, str) and language not in LANGUAGES:
        wanted.append(language)
    # for data an engine counts, only the commented rows come here; rest: the counts of the others
    rows, rest = split_commented(data, score=score, comments=comments, columns=wanted, weights=weights, scale=scale)
    check_columns(rows, [score], role="score column")
    check_columns(rows, [comments], role="comments column")
    return rows, rest


@dataclass(frozen=True)
class _Respondents:
    """The coded answers of the rows read, who is in the base, and the counts of the rows left where they are."""

    codes: np.ndarray  # 0 detractor, 1 passive, 2 promoter, -1 no score
    weights: np.ndarray | None  # 0 where there is no score
    keep: np.ndarray  # in the base
    has_comment: np.ndarray  # a non-blank comment
    rest: NPSCounts  # rows not read (no comment), among those who mention no theme

    def counted(self, mask: np.ndarray) -> NPSCounts:
        """The counts of the rows read where ``mask`` holds."""
        return counts_of_codes(self.codes[mask], weights=None if self.weights is None else self.weights[mask])


def _code_answers(rows: pd.DataFrame, *, score, weights, scale) -> tuple[np.ndarray, np.ndarray | None]:
    """The answer codes of the rows (on ``scale``) and their weights (0 where there is no score)."""
    codes = score_codes(rows[score], scale=scale, column=str(score))
    if weights is None:
        return codes, None
    check_columns(rows, [weights], role="weights column")
    w = check_weights(rows[weights], len(codes), column=str(weights), mask=codes >= 0)
    return codes, np.where(codes >= 0, w, 0.0)


def _respondents(codes, w, raw_comments, rest: NPSCounts, base: str) -> _Respondents:
    """Who is in the base: everyone with a score, or (``base="commented"``) those who also left a comment."""
    has_comment = np.fromiter((isinstance(v, str) and v.strip() != "" for v in raw_comments), bool,
                              len(raw_comments))
    keep = codes >= 0
    if base == "commented":
        keep &= has_comment
        rest = NPSCounts(promoters=0, passives=0, detractors=0, n_missing=rest.n_missing)
    return _Respondents(codes, w, keep, has_comment, rest)


def _base_size(people: _Respondents, base: str):
    """The respondents in the base (the sum of their weights when weighted); an empty base is refused."""
    n = (people.counted(people.keep) + people.rest).n
    if not int(people.keep.sum()) + people.rest.n > 0:
        raise ValueError("no respondent with a score" + (" and a comment" if base == "commented" else "")
                         + "; cannot measure the impact of themes")
    return n


def _mentions(theme: str, theme_lists: list, theme_kinds: list, kind) -> np.ndarray:
    """Which comments mention ``theme`` (as ``kind``, when given)."""
    if kind is None:
        return np.fromiter((theme in ts for ts in theme_lists), bool, len(theme_lists))
    return np.fromiter((tk.get(theme) == kind for tk in theme_kinds), bool, len(theme_kinds))


def _kind_shares(theme: str, mention: np.ndarray, theme_kinds: list) -> dict:
    """Of the respondents mentioning ``theme``, the shares who speak of it as a complaint, praise, a request."""
    k = int(mention.sum())
    spoken = [theme_kinds[i].get(theme) for i in np.flatnonzero(mention)]
    return {f"{name}_share": (sum(x == name for x in spoken) / k) if k else np.nan
            for name in ("minus", "plus", "suggestion")}


def _gap(with_c: NPSCounts, without_c: NPSCounts, share, options: _Options) -> dict:
    """NPS with and without the theme, the impact (the share times the gap), its interval and p-value."""
    if with_c.n > 0 and without_c.n > 0:
        result = compare(with_c, without_c, confidence=options.confidence, method=options.method,
                         n_resamples=options.n_resamples, random_state=options.random_state)
        return dict(nps_with=with_c.nps, nps_without=without_c.nps, impact=share * result.difference,
                    impact_low=share * result.low, impact_high=share * result.high, p_value=result.p_value)
    return dict(nps_with=with_c.nps if with_c.n > 0 else np.nan,
                nps_without=without_c.nps if without_c.n > 0 else np.nan,
                impact=np.nan, impact_low=np.nan, impact_high=np.nan, p_value=np.nan)


def _theme_row(theme: str, mention: np.ndarray, people: _Respondents, n, theme_kinds: list, owner,
               options: _Options, gap=None) -> dict:
    """One row of :func:`theme_impact` before the p-values are adjusted and the themes ranked.

    ``gap``: the design-based share, NPS with and without, impact and p-value (:func:`_design_gaps`), which
    replace those of the counts.
    """
    mention = mention & people.keep
    if gap is None:
        with_c = people.counted(mention)
        without_c = people.counted(people.keep & ~mention) + people.rest
        share = with_c.n / n if n > 0 else np.nan
        gap = {"share": share, **_gap(with_c, without_c, share, options)}
    row = {"theme": theme, "owner": owner, "mentions": int(mention.sum()), "share": gap["share"]}
    row.update(_kind_shares(theme, mention, theme_kinds))
    row.update(gap)
    return row


# -- theme_impact of a complex sample --------------------------------------------------------------------------
_OUTSIDE, _WITHOUT, _WITH = 2, 0, 1  # a row's domain for one theme: not in the base, not mentioning, mentioning


def _free_names(count: int, taken) -> list[str]:
    """``count`` column names not in ``taken`` (the domain columns of the design frame)."""
    names, i = [], 0
    while len(names) < count:
        name = f"theme domain {i}"
        if name not in taken:
            names.append(name)
        i += 1
    return names


def _domain_frame(frame: pd.DataFrame, mentions: dict, people: _Respondents, *, score, design: SurveyDesign):
    """The score and design columns of the rows, a column "in the base" and one domain column per theme."""
    used = list(dict.fromkeys([score] + design.columns))
    base_col, *theme_cols = _free_names(len(mentions) + 1, set(used) | set(PSU_COUNT_COLUMNS))
    domains = {base_col: people.keep.astype(np.int64)}
    for col, mention in zip(theme_cols, mentions.values()):
        domains[col] = np.where(people.keep, np.where(mention, _WITH, _WITHOUT), _OUTSIDE).astype(np.int64)
    return frame[used].reset_index(drop=True).assign(**domains), base_col, theme_cols


def _domains_of(table: pd.DataFrame, column, dropped: list, design: SurveyDesign) -> pd.DataFrame:
    """Design-based estimates by one domain column of the PSU counts (the other domain columns summed over)."""
    keys = [c for c in table.columns if c not in PSU_COUNT_COLUMNS and (c == column or c not in dropped)]
    values = [c for c in table.columns if c in PSU_COUNT_COLUMNS]
    summed = table.groupby(keys, sort=True, observed=True, dropna=False)[values].sum().reset_index()
    return estimates_from_psu_counts(summed, design=design, by=column)


def _contrast_test(difference: float, se: float, dof: float, *, confidence: float, df):
    """Wald interval and two-sided p-value of a design-based contrast (t on ``dof`` with ``df="design"``)."""
    from scipy import stats

    if df is None:
        q, tail = z_value(confidence), stats.norm.sf
    else:
        q, tail = float(stats.t.ppf(0.5 + confidence / 2.0, dof)), functools.partial(stats.t.sf, df=dof)
    if se == 0:
        p = 1.0 if difference == 0 else 0.0
    else:
        p = float(2.0 * tail(abs(difference / se)))
    return difference - q * se, difference + q * se, p


def _design_gap(est: pd.DataFrame, column, n_base: float, options: _Options, df) -> dict:
    """Share, NPS with and without the theme, impact, its interval and p-value, from the theme's domains."""
    codes = est[column].to_numpy()
    rows = {code: np.flatnonzero(codes == code) for code in (_WITH, _WITHOUT)}
    found = {code: int(r[0]) if r.size else None for code, r in rows.items()}

    def value(code, name, missing=np.nan):
        k = found[code]
        return missing if k is None else float(est[name].iloc[k])

    share = value(_WITH, "weighted_total", 0.0) / n_base if n_base > 0 else np.nan
    answered = value(_WITH, "n", 0.0) > 0 and value(_WITHOUT, "n", 0.0) > 0
    nps_with = value(_WITH, "nps") if value(_WITH, "n", 0.0) > 0 else np.nan
    nps_without = value(_WITHOUT, "nps") if value(_WITHOUT, "n", 0.0) > 0 else np.nan
    gap = dict(share=share, nps_with=nps_with, nps_without=nps_without, impact=np.nan, impact_low=np.nan,
               impact_high=np.nan, p_value=np.nan)
    if answered:
        cov = est.attrs["covariance"].to_numpy(float)
        a, b = found[_WITH], found[_WITHOUT]
        se = math.sqrt(max(cov[a, a] + cov[b, b] - 2.0 * cov[a, b], 0.0))
        difference = nps_with - nps_without
        low, high, p = _contrast_test(difference, se, float(est["df"].iloc[0]), confidence=options.confidence,
                                      df=df)
        gap.update(impact=share * difference, impact_low=share * max(low, -200.0),
                   impact_high=share * min(high, 200.0), p_value=p)
    return gap


def _design_gaps(frame: pd.DataFrame, mentions: dict, people: _Respondents, *, score, design: SurveyDesign, scale,
                 options: _Options, df) -> tuple[dict, float]:
    """theme -> its design-based gap (:func:`_design_gap`), and the base's sum of (raked) weights.

    One count of the PSUs by every theme's domain; each theme's estimates are then its domains summed over
    the others, so that the rows outside a theme's base keep their PSUs (domain estimation).
    """
    rows, base_col, theme_cols = _domain_frame(frame, mentions, people, score=score, design=design)
    by = [base_col] + theme_cols
    table = psu_counts(rows, score=score, design=design, by=by, scale=scale)
    base = _domains_of(table, base_col, by, design)
    in_base = np.flatnonzero(base[base_col].to_numpy() == 1)
    n_base = float(base["weighted_total"].iloc[in_base[0]]) if in_base.size else 0.0
    if df is not None and not float(base["df"].iloc[0]) >= 1:
        raise ValueError("df='design' needs a design with at least one degree of freedom (PSUs minus strata); "
                         "this one has none: use the normal quantile (df=None)")
    gaps = {theme: _design_gap(_domains_of(table, col, by, design), col, n_base, options, df)
            for theme, col in zip(mentions, theme_cols)}
    return gaps, n_base


def _prioritised(table: pd.DataFrame, options: _Options) -> pd.DataFrame:
    """Adjust the p-values over the themes and rank the themes (see the Notes of :func:`theme_impact`)."""
    table["p_value_adjusted"] = adjust_p_values(table["p_value"].to_numpy(float), correction=options.correction)
    table["significant"] = (table["p_value_adjusted"] < 1.0 - options.confidence).to_numpy(bool)
    impact = table["impact"].to_numpy(float)
    group = np.where(np.isnan(impact), 3, np.where(impact < 0, np.where(table["significant"], 0, 1), 2))
    order = np.lexsort((-table["mentions"].to_numpy(), np.nan_to_num(impact, nan=0.0), group))
    table = table.iloc[order].reset_index(drop=True)
    table["priority"] = np.arange(1, len(table) + 1)
    return table[IMPACT_COLUMNS]


@shared_docs
def theme_impact(data: pd.DataFrame, *, score="score", comments="comment", weights=None, themes=None, owners=None,
                 confidence=0.95, language=None, lexicon=None, base="all", kind=None, method="adjusted-wald",
                 correction="holm", n_resamples=9999, random_state=None, scale=None, design=None,
                 df=None) -> pd.DataFrame:
    """What each comment theme costs (or earns) the NPS, with an interval, a priority and an owner.

    Parameters
    ----------
    {{data}}
        It holds a score and a comment column. Rows without a score are
        left out (counted in ``attrs["n_missing_score"]``). Where an engine
        counts ``data``, only the commented rows are read into pandas
        (their score, comment and language columns); the others are
        counted where they are.
    {{score}}
        Here ``n`` and ``n_missing`` are ``attrs["n"]`` and
        ``attrs["n_missing_score"]``.
    {{comments}}
        Missing (or blank) where none was left.
    {{weights}}
        Here a column of ``data``: shares, NPS with and without, impact
        and intervals are then weighted (``mentions`` stays a count of
        respondents); the weights of respondents without a score are not
        looked at. Not with ``design`` (give the weights in the design).
    themes : list of str, optional
        Themes to report (default: every theme of the lexicon).
    owners : dict, optional
        Theme -> owner (a team or person); themes without one get NaN.
    {{confidence}}
        ``significant`` means adjusted p < ``1 - confidence``.
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
    {{method}}
        A method of :func:`nps_toolkit.compare`: ``"adjusted-wald"``
        (default), ``"wald"``, ``"bootstrap"`` or ``"bayes"``.
    correction : {"holm", "bonferroni", "fdr_bh", None}
        Multiple-comparison adjustment of the p-values over the themes.
    {{n_resamples}}
        For the ``"bootstrap"`` and ``"bayes"`` methods.
    {{random_state}}
        For the ``"bootstrap"`` and ``"bayes"`` methods.
    {{scale}}
        The answers of ``score`` are read on it (a 1-5 question, say).
    {{design}}
        See "Complex samples" in the Notes. The design needs every row's
        PSU, commented or not: from data an engine holds, the score,
        comment and design columns are read into pandas (not only the
        commented rows).
    {{df}}
        The same quantile serves the impact interval and its p-value.

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

    Complex samples (``design=``): for each theme, the respondents of the
    base who mention it and those who don't are two domains of the design
    (:func:`nps_toolkit.design_estimates`; rows outside the base keep their
    PSUs). ``share`` is the first domain's share of the base's (raked)
    weights (``attrs["n"]`` their sum), ``nps_with`` and ``nps_without``
    the domains' design-based NPS, and, whatever the ``method``, the
    interval of ``nps_with - nps_without`` is the Wald interval of the
    design-based contrast, ``+- q se`` with ``se`` from the covariance of
    the two domains (``q`` normal, or Student's t on the design's degrees
    of freedom with ``df="design"``), times ``share``; the p-value is
    two-sided from the same distribution, then adjusted by ``correction``.
    ``mentions`` and the kind shares stay counts of respondents.

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

    On a 1-5 question (1-3 detractors, 4 passive, 5 promoters):

    >>> from nps_toolkit.scale import NPSScale
    >>> five = NPSScale(detractors=[1, 2, 3], passives=[4], promoters=[5])
    >>> theme_impact(df.assign(score=[1, 2, 5, 5, 5, 4, 5, 3]), themes=["delivery"], scale=five)["impact"].round(1)
    0   -67.5
    Name: impact, dtype: float64

    The same answers from four stores in two regions, with design-based
    intervals (the difference interval of delivery reaches -200, clipped):

    >>> from nps_toolkit import SurveyDesign
    >>> stores = df.assign(store=[1, 2, 1, 2, 3, 4, 3, 4], region=list("NNNNSSSS"))
    >>> table = theme_impact(stores, themes=["delivery", "quality"], method="wald",
    ...                      design=SurveyDesign(strata="region", psu="store"))
    >>> table[["theme", "nps_with", "nps_without", "impact", "impact_low", "impact_high"]].round(1)
          theme  nps_with  nps_without  impact  impact_low  impact_high
    0  delivery    -100.0         80.0   -67.5       -75.0        -49.9
    1   quality     100.0        -16.7    29.2         4.7         50.0
    """
    options = _check_options(confidence=confidence, base=base, kind=kind, method=method, correction=correction,
                             n_resamples=n_resamples, random_state=random_state)
    data = _design_data(data, design=design, df=df, weights=weights, score=score, comments=comments)
    scale = None if scale is None else check_scale(scale)
    frame, rest = _read_rows(data, score=score, comments=comments, weights=weights, language=language, scale=scale)
    return _impact_of_rows(frame, rest, score=score, comments=comments, weights=weights, themes=themes,
                           owners=owners, language=language, lexicon=lexicon, base=base, kind=kind, options=options,
                           scale=scale, design=design, df=df).table


def _design_data(data, *, design, df, weights, score, comments, date=None):
    """The data the design-based impacts read: checked, and read into pandas when an engine holds it (the design
    needs every row's PSU, commented or not: the score, comment, date and design columns are read)."""
    if check_design_arguments(design, weights=weights, df=df) is None:
        return data
    available = columns_of(data)
    named = [(getattr(design, part), f"{part} column") for part in ("weights", "strata", "psu", "fpc")
             if getattr(design, part) is not None] + [(c, "margin column") for c in design.rake or {}]
    for name, role in named:  # before the comments are read
        if name not in available:
            raise missing_column_error(name, available, role)
    if engine_of(data) is None:
        return data
    wanted = [score, comments, *([date] if date is not None else []), *design.columns]
    return to_pandas(data, [c for c in dict.fromkeys(wanted) if c in available])


@dataclass(frozen=True)
class _Impact:
    """A :func:`theme_impact` table with what it was made from: the respondents and who mentions each theme."""

    table: pd.DataFrame
    people: _Respondents
    mentions: dict  # theme -> boolean array over the rows read


def _impact_of_rows(frame, rest, *, score, comments, weights, themes, owners, language, lexicon, base, kind,
                    options: _Options, scale, design=None, df=None) -> _Impact:
    """:func:`theme_impact` of rows read into pandas (``frame``) and the counts of the rows left out (``rest``)."""
    codes, w = _code_answers(frame, score=score, weights=weights, scale=scale)
    classified = classify_comments(frame[comments].reset_index(drop=True),
                                   language=_language_argument(frame, language), lexicon=lexicon)
    names = _theme_list(themes, classified.attrs["themes"])
    owner_of = _owner_map(owners, classified.attrs["themes"])
    people = _respondents(codes, w, frame[comments].to_numpy(dtype=object), rest, base)
    n = _base_size(people, base)
    theme_lists, theme_kinds = classified["themes"].tolist(), classified["theme_kinds"].tolist()
    mentions = {theme: _mentions(theme, theme_lists, theme_kinds, kind) for theme in names}
    if design is None:
        rows = [_theme_row(theme, mentions[theme], people, n, theme_kinds, owner_of.get(theme, np.nan), options)
                for theme in names]
    else:
        gaps, n = _design_gaps(frame, mentions, people, score=score, design=design, scale=scale, options=options,
                               df=df)
        rows = [_theme_row(theme, mentions[theme], people, n, theme_kinds, owner_of.get(theme, np.nan), options,
                           gap=gaps[theme]) for theme in names]
    table = _prioritised(pd.DataFrame(rows), options)
    table.attrs.update({"n": n, "n_commented": int((people.keep & people.has_comment).sum()),
                        "n_missing_score": int((codes < 0).sum()) + rest.n_missing, "base": base,
                        "confidence": options.confidence, "kind": kind, "method": options.method,
                        "correction": options.correction, "score": score, "comments": comments, "weights": weights,
                        "impact": "share * (nps_with - nps_without)"})
    if design is not None:
        table.attrs.update({"design": design, "df": df})
    return _Impact(table, people, mentions)




# -- public: verbatims ----------------------------------------------------------------------------------------
#: Columns of :func:`verbatims`, in order.
VERBATIM_COLUMNS = ["theme", "kind", "score", "quote", "position"]

#: The ellipsis that ends a shortened quote.
ELLIPSIS = "\u2026"


def _trimmed(text: str, max_chars) -> str:
    """``text`` on one line; past ``max_chars`` cut at a word boundary and ended with "…" (at most max_chars long)."""
    text = " ".join(text.split())
    if max_chars is None or len(text) <= max_chars:
        return text
    cut = text[:max_chars - 1]
    space = cut.rfind(" ")
    if space >= max_chars // 2:  # a word boundary not too far back; else cut inside the (very long) word
        cut = cut[:space]
    return cut.rstrip(" ,;:-\u2013\u2014") + ELLIPSIS


def _check_count(value, name: str, minimum: int):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{name} must be a whole number of at least {minimum}, got {value!r}")
    return int(value)


def _clause_strength(compiled: dict, text: str, language, theme: str, kind: str) -> int:
    """How many clauses of ``text`` name ``theme`` and are of ``kind`` (how plainly the comment says it)."""
    use = language if isinstance(language, str) else _detect(text, compiled)
    if use is None:
        return 0
    clause_kinds, _, clause_themes = _clauses(compiled[use], text, use)
    return sum(1 for k, names in zip(clause_kinds, clause_themes) if k == kind and theme in names)


def verbatims(data, *, score="score", comments="comment", themes=None, per_theme=3, max_chars=200, language=None,
              lexicon=None, scale=None) -> pd.DataFrame:
    """The most telling comments of each theme, as quotes: pluses, minuses and suggestions with their score.

    Parameters
    ----------
    data : DataFrame, path, DuckDB relation, Polars or Spark DataFrame
        One row per respondent with a score and a comment column; where an
        engine counts ``data``, only the commented rows are read.
    score : str
        Column of answers; rows without an answer are not quoted.
    comments : str
        Column of free-text comments.
    themes : list of str, optional
        Themes to quote, in this order (default: every theme of the
        lexicon, in its order).
    per_theme : int
        At most this many quotes of each kind for each theme.
    max_chars : int or None
        Quotes longer than this are cut at a word boundary and end with
        "…" (at most ``max_chars`` characters); None keeps them whole. Line
        breaks become spaces.
    language : None, {"en", "ru", "pl"}, column name or sequence
        Language of the comments (None: detected per comment).
    lexicon : dict or path, optional
        A lexicon of your own (see :func:`classify_comments`).
    scale : NPSScale, optional
        The scale of the answers (0-10 by default).

    Returns
    -------
    DataFrame
        One row per quote, columns :data:`VERBATIM_COLUMNS`: ``theme``,
        ``kind`` (``"plus"``, ``"minus"``, ``"suggestion"``: how the comment
        speaks of the theme, its ``theme_kinds`` in
        :func:`classify_comments`), ``score`` (the answer), ``quote`` and
        ``position`` (the 0-based row of ``data``; missing where an engine
        counts ``data``, whose rows are read without their positions).
        Themes in the order of ``themes``, kinds in the order of
        :data:`KINDS`; a theme or kind nobody speaks of has no rows.

    Notes
    -----
    Selection rule (deterministic: the same data gives the same quotes). For
    each theme and kind, among the comments that speak of the theme that
    way:

    1. by score: complaints and suggestions from the lowest scores first,
       praise from the highest scores first;
    2. then the comments whose overall kind is that kind (a clear-cut
       comment before a mixed one);
    3. then by clause strength: more clauses of that kind naming the theme
       first;
    4. then by row order.

    The same text (spaces and case aside) is quoted once per theme and kind.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"score": [2, 9, 0, 10, 5],
    ...                    "comment": ["Delivery was late again", "Fast delivery, thank you", "Delivery never arrived",
    ...                                "Delivery was quick and the courier was polite", "Please add evening delivery"]})
    >>> verbatims(df, themes=["delivery"], per_theme=1, max_chars=30)
          theme        kind  score                           quote  position
    0  delivery        plus     10  Delivery was quick and the…         3
    1  delivery       minus      0          Delivery never arrived         2
    2  delivery  suggestion      5     Please add evening delivery         4
    """
    per_theme = _check_count(per_theme, "per_theme", 1)
    if max_chars is not None:
        max_chars = _check_count(max_chars, "max_chars", 10)
    scale = None if scale is None else check_scale(scale)
    frame, _ = _read_rows(data, score=score, comments=comments, weights=None, language=language, scale=scale)
    codes = score_codes(frame[score], scale=scale, column=str(score))
    texts = frame[comments].to_numpy(dtype=object)
    quoted = np.flatnonzero((codes >= 0) & np.fromiter((isinstance(v, str) and v.strip() != "" for v in texts),
                                                       bool, len(texts)))
    languages = _language_argument(frame, language)
    if isinstance(languages, pd.Series):
        languages = languages.iloc[quoted].reset_index(drop=True)
    elif languages is not None and not isinstance(languages, str):
        languages = [list(languages)[i] for i in quoted] if len(list(languages)) == len(frame) else languages
    classified = classify_comments(pd.Series(texts[quoted], dtype=object), language=languages, lexicon=lexicon)
    names = _theme_list(themes, classified.attrs["themes"])
    values = pd.to_numeric(pd.Series(list(np.asarray(frame[score], dtype=object)))[quoted], errors="coerce")
    values = values.to_numpy(dtype=float)
    positions = None if engine_of(data) is not None else quoted
    compiled = _compiled_for(lexicon)
    kinds_of = classified["theme_kinds"].tolist()
    overall = classified["kind"].tolist()
    detected = classified["language"].tolist()
    rows = []
    for theme in names:
        for kind in KINDS[:3]:
            picked = [i for i, tk in enumerate(kinds_of) if tk.get(theme) == kind]
            if not picked:
                continue
            sign = -1.0 if kind == "plus" else 1.0  # praise from the highest scores, the rest from the lowest
            order = sorted(picked, key=lambda i: (sign * values[i], overall[i] != kind,
                                                  -_clause_strength(compiled, texts[quoted[i]], detected[i], theme,
                                                                    kind), i))
            seen = set()
            for i in order:
                key = " ".join(str(texts[quoted[i]]).split()).casefold()
                if key in seen:
                    continue
                seen.add(key)
                rows.append({"theme": theme, "kind": kind, "score": values[i],
                             "quote": _trimmed(str(texts[quoted[i]]), max_chars),
                             "position": pd.NA if positions is None else int(positions[i])})
                if len(seen) == per_theme:
                    break
    table = pd.DataFrame(rows, columns=VERBATIM_COLUMNS)
    whole = table["score"].dropna()
    if len(whole) and (whole == whole.round()).all():
        table["score"] = table["score"].astype("Int64")
    table["position"] = table["position"].astype("Int64")
    table.attrs.update({"per_theme": per_theme, "max_chars": max_chars, "n_commented": len(quoted),
                        "score": score, "comments": comments})
    return table


# -- public: action_plan --------------------------------------------------------------------------------------
#: Columns of :func:`action_plan`, in order (with ``date``, ``impact_previous`` and ``impact_change`` follow
#: ``impact_high``).
PLAN_COLUMNS = ["priority", "theme", "owner", "impact", "impact_low", "impact_high", "significant", "risk",
                "mentions", "detractor_mention_share", "minus_share", "next_step"]


def _guidance_of(lexicon) -> dict:
    """Theme -> language -> next step, of the built-in lexicon with the user's."""
    if lexicon is None:
        return _builtin_raw()["guidance"]
    return _merge(_read_user_lexicon(lexicon))["guidance"]


def _next_step(guidance: dict, theme: str, language: str):
    sentences = guidance.get(theme, {})
    return sentences.get(language, sentences.get("en", np.nan))


def _detractor_shares(found: _Impact) -> dict:
    """Theme -> share of the detractors in the base who mention it (weighted when the table is)."""
    people = found.people
    detractors = people.keep & (people.codes == 0)
    if people.weights is None:
        total = float(detractors.sum()) + people.rest.detractors
        return {t: (float((detractors & m).sum()) / total if total > 0 else np.nan) for t, m in found.mentions.items()}
    total = float(people.weights[detractors].sum()) + people.rest.detractors
    return {t: (float(people.weights[detractors & m].sum()) / total if total > 0 else np.nan)
            for t, m in found.mentions.items()}


def _plan(found: _Impact, *, guidance: dict, language: str) -> pd.DataFrame:
    """The themes of a :func:`theme_impact` table that cost points, ordered by risk (see :func:`action_plan`)."""
    table = found.table
    shares = _detractor_shares(found)
    costly = table[table["impact"].to_numpy(float) < 0].copy()
    costly["detractor_mention_share"] = [shares[t] for t in costly["theme"]]
    costly["risk"] = np.where(costly["significant"].to_numpy(bool), "high", "possible")
    costly["next_step"] = [_next_step(guidance, t, language) for t in costly["theme"]]
    order = np.lexsort((costly["theme"].astype(str).to_numpy(), -costly["mentions"].to_numpy(),
                        costly["impact_low"].to_numpy(float), ~costly["significant"].to_numpy(bool)))
    costly = costly.iloc[order].reset_index(drop=True)
    costly["priority"] = np.arange(1, len(costly) + 1)
    costly = costly[PLAN_COLUMNS]
    costly.attrs = {"n": table.attrs.get("n"), "n_commented": table.attrs.get("n_commented")}
    return costly


def _period_labels(frame: pd.DataFrame, date, pfreq: str, dayfirst) -> np.ndarray:
    """The period label (``str(pd.Period)``) of each row read; None where there is no date."""
    dates = parse_dates(frame[date], column=str(date), dayfirst=dayfirst)
    labels = np.full(len(frame), None, dtype=object)
    dated = dates.notna().to_numpy()
    if dated.any():
        labels[dated] = [str(p) for p in pd.PeriodIndex(dates[dated], freq=pfreq)]
    return labels


def _rest_by_period(data, *, score, comments, date, pfreq, weights, scale, dayfirst) -> dict:
    """Period label -> counts of the uncommented rows an engine counts (nothing for pandas data)."""
    if engine_of(data) is None:
        return {}
    rest = rows_with_text(data, comments, present=False)
    try:
        counted = count_periods(rest, score=score, date=date, pfreq=pfreq, weights=weights, scale=scale,
                                dayfirst=dayfirst)
    except ValueError:  # no dated row without a comment
        return {}
    table = counted.table
    return {label: counts_of_table(table[table["period"] == label], weighted=weights is not None)
            for label in counted.labels}


def action_plan(data, *, score="score", comments="comment", weights=None, themes=None, owners=None,
                confidence=0.95, language="en", lexicon=None, method="adjusted-wald", correction="holm",
                n_resamples=9999, random_state=None, scale=None, date=None, freq="QE", dayfirst=None, design=None,
                df=None) -> pd.DataFrame:
    """What to act on: the themes that cost NPS points, riskiest first, with an owner and a next step.

    Parameters
    ----------
    data : DataFrame, path, DuckDB relation, Polars or Spark DataFrame
        One row per respondent with a score and a comment column (see
        :func:`theme_impact`).
    score, comments, weights, themes, owners, confidence, lexicon, method, correction, n_resamples, random_state, scale
        As in :func:`theme_impact` (the comments' language is detected).
    language : {"en", "ru", "pl"}
        Language of the suggested next steps.
    date : str, optional
        Column of answer dates. Given, the plan is that of the latest
        period with answers, for the themes whose cost moved since the
        period before it (see Notes).
    freq : str
        Period length with ``date``: ``"W"``, ``"ME"``, ``"QE"``, ``"YE"``.
    dayfirst : bool, optional
        How to read text dates such as 03/01/2024 (see
        :func:`nps_toolkit.parse_dates`).
    design, df
        A complex sample, as in :func:`theme_impact` (pandas data). With
        ``date``, each of the two periods' answers is taken as a sample of
        its own (the strata and PSUs its rows fall in).

    Returns
    -------
    DataFrame
        One row per theme with a negative impact, columns
        :data:`PLAN_COLUMNS`: ``priority`` (1 = act first), ``theme``,
        ``owner``; ``impact``, ``impact_low``, ``impact_high`` and
        ``significant`` (the numbers of :func:`theme_impact`: the points of
        NPS the theme costs, with their interval); ``risk``: ``"high"``
        when the cost is significant, ``"possible"`` otherwise;
        ``mentions``; ``detractor_mention_share``: of the detractors, the
        share whose comment mentions the theme (weighted when ``weights``
        are); ``minus_share``; ``next_step``: the lexicon's ``guidance``
        for the theme in ``language`` (English when that language has
        none; missing for a theme without guidance). With ``date``,
        ``impact_previous`` (the theme's impact in the period before) and
        ``impact_change`` (latest minus previous) follow ``impact_high``,
        and ``attrs["current"]`` / ``attrs["previous"]`` name the periods.

    Notes
    -----
    Priority by risk: first the themes whose cost is significant (adjusted
    p-value below ``1 - confidence``), then the others; within each group the
    theme that could cost the most first (the lower end of its interval,
    ``impact_low``, the worst cost the data allow), ties broken by more
    mentions, then by name.

    With ``date``, the impacts are those of :func:`theme_impact` on the
    answers of each of the last two periods with answers; the plan keeps
    the themes that cost points in the latest period and whose impact moved
    since the period before (by 0.05 points or more: ``impact_change < 0``,
    the cost grew; above 0, it shrank), or that nobody mentioned in the
    period before. Where an engine counts ``data``, only the commented rows
    are read (with their dates); the others are counted per period.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"score": [2, 3, 9, 10, 9, 8, 10, 4, 1, 6],
    ...                    "comment": ["Delivery was late again", "Доставка задержалась на неделю",
    ...                                "Great quality", "Świetna jakość", None, "ok", "Love it",
    ...                                "Courier lost my parcel", "Too expensive", "Support never answered"]})
    >>> plan = action_plan(df, owners={"delivery": "Logistics"})
    >>> plan[["priority", "theme", "owner", "impact", "risk", "detractor_mention_share"]].round(2)
       priority     theme      owner  impact      risk  detractor_mention_share
    0         1  delivery  Logistics  -38.57  possible                      0.6
    1         2     price        NaN  -10.00  possible                      0.2
    2         3   support        NaN  -10.00  possible                      0.2
    >>> plan["next_step"][0][:60]
    'Look at late and damaged deliveries by carrier and region, k'
    """
    from ._i18n import check_language

    check_language(language)
    options = _check_options(confidence=confidence, base="all", kind=None, method=method, correction=correction,
                             n_resamples=n_resamples, random_state=random_state)
    data = _design_data(data, design=design, df=df, weights=weights, score=score, comments=comments, date=date)
    scale = None if scale is None else check_scale(scale)
    guidance = _guidance_of(lexicon)
    common = dict(score=score, comments=comments, weights=weights, themes=themes, owners=owners, language=None,
                  lexicon=lexicon, base="all", kind=None, options=options, scale=scale, design=design, df=df)
    if date is None:
        frame, rest = _read_rows(data, score=score, comments=comments, weights=weights, language=None, scale=scale)
        plan = _plan(_impact_of_rows(frame, rest, **common), guidance=guidance,
                     language=language)
        plan.attrs.update({"confidence": options.confidence, "method": method, "correction": correction})
        return plan
    from .periods import period_freq

    pfreq = period_freq(freq)
    frame = _read_dated(data, score=score, comments=comments, weights=weights, date=date, scale=scale)
    labels = _period_labels(frame, date, pfreq, dayfirst)
    rest = _rest_by_period(data, score=score, comments=comments, date=date, pfreq=pfreq, weights=weights,
                           scale=scale, dayfirst=dayfirst)
    codes = score_codes(frame[score], scale=scale, column=str(score))
    dated = np.array([v is not None for v in labels], dtype=bool)
    answered = {label: int(((labels == label) & (codes >= 0)).sum()) + (rest[label].n if label in rest else 0)
                for label in set(labels[dated]) | set(rest)}
    periods = sorted((label for label, n in answered.items() if n > 0), key=lambda x: pd.Period(x, freq=pfreq))
    if len(periods) < 2:
        raise ValueError(f"an action plan by period needs answers in two periods; found {len(periods)}")
    previous, current = periods[-2], periods[-1]
    empty = NPSCounts(promoters=0, passives=0, detractors=0)
    found = {}
    for label in (previous, current):
        rows = frame[labels == label]
        found[label] = _impact_of_rows(rows, rest.get(label, empty), **common)
    plan = _plan(found[current], guidance=guidance, language=language)
    before = found[previous].table.set_index("theme")["impact"]
    plan.insert(plan.columns.get_loc("impact_high") + 1, "impact_previous",
                [before.get(t, np.nan) for t in plan["theme"]])
    plan.insert(plan.columns.get_loc("impact_previous") + 1, "impact_change", plan["impact"] - plan["impact_previous"])
    moved = (plan["impact_change"].abs() >= 0.05) | plan["impact_previous"].isna()
    plan = plan[moved.to_numpy(bool)].reset_index(drop=True)
    plan["priority"] = np.arange(1, len(plan) + 1)
    plan.attrs.update({"current": current, "previous": previous, "confidence": options.confidence,
                       "method": method, "correction": correction})
    return plan


def _read_dated(data, *, score, comments, weights, date, scale):
    """The rows to classify with their date column (pandas: every row; an engine: the commented ones)."""
    wanted = [score, comments, date] + ([weights] if weights is not None else [])
    rows, _ = split_commented(data, score=score, comments=comments, columns=list(dict.fromkeys(wanted)),
                              weights=weights, scale=scale)
    check_columns(rows, [score], role="score column")
    check_columns(rows, [comments], role="comments column")
    check_columns(rows, [date], role="date column")
    return rows
