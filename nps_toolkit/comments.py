"""From score to action: open comments into pluses, minuses and suggestions, themes, and what each theme costs.

* :func:`classify_comments` reads free-text comments in English, Russian or
  Polish and gives each its language, its kind (``"plus"``, ``"minus"``,
  ``"suggestion"``, ``"mixed"`` or ``"none"``), its themes (price, quality,
  support, delivery, usability, innovation, expectations by default), the
  kind of each theme and how emphatic it is; :func:`comment_clauses` shows
  the clauses behind it.
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
A transparent, offline, lexicon method (the lexicons are the data files
``nps_toolkit/data/lexicon/{en,ru,pl}.yaml``; read them to see every word):

1. The language is the one given or detected: Cyrillic letters mean Russian;
   among Latin texts, Polish letters (ą ć ę ł ń ó ś ź ż) and frequent Polish
   words against frequent English words tell Polish from English.
2. **Words as people type them.** The text is lower-cased, Russian ё read as
   е, Polish letters folded to their plain forms (typing without diacritics
   still matches), stretched words squeezed (*sooo* as *so*). Every word is
   looked up as written and as its lemmas (dictionary forms, from
   simplemma's dictionaries, read once into ``data/lemmas/``): an entry
   ``cena`` matches *ceny, cenie, cenami*, ``кусаться`` matches *кусаются*.
   A pattern ending in ``*`` is a stem (``цен*``), a phrase is several words.
   Emoji and smileys are words of praise or complaint (the open Emoji
   Sentiment Ranking); words the lexicon does not know may still carry an
   opinion from an open sentiment lexicon of the language (VADER for
   English, RuSentiFrames for Russian, AFINN-pl for Polish: see
   ``data/sentiment/LICENSES.md``).
3. **Clauses first.** The text is cut at sentence ends (. ! ? ; new lines),
   commas, colons, dashes and brackets, and at contrast words (*but*,
   *however*, *но*, *а*, *однако*, *ale*, *jednak*, *tylko*, ...). Each clause
   gets its themes and a kind: a complaint phrased as a question at its start
   (*why do I have to*, *почему я должен*, *dlaczego muszę*) makes it a
   minus, and so does a question that says nothing else (*12 zł za wodę?*:
   a sentence ending with ``?`` with neither praise nor a request); a
   suggestion cue (*would be nice*, *please*, *хотелось бы*,
   *przydałoby się*) or an imperative verb at its start a suggestion;
   otherwise the words of praise (+1) and complaint (-1) are added up: above
   zero a plus, below a minus, zero none. A negator (*not*, *не*, *nie*,
   *never*) flips the opinion words of the next four words (*not bad*, *не
   очень хорошо*) and turns "things that should happen" into a complaint
   (*didn't arrive*, *не отвечают*); a word fused with its negation is read
   the same way (*неплохо*, *niedrogo*, *unhelpful*); "no" / *нет* / *brak*
   without an opinion word after it is a complaint (*no tracking*). A clause
   that starts with *but*, *however*, *yet*, *но*, *однако*, *зато*, *ale* or
   *jednak* and holds no opinion of its own takes the opposite of the praise
   or complaint before it (*lovely cotton, but £28 for a vest is a bit much*).
   In a comment that praises nothing, the reasons given for a request that
   opens it are no complaint (*add dark mode, my eyes hurt at night*); a
   one-word sentence of praise among complaints is sarcasm (*burger was
   cold. Fantastic.*).
4. **The comment's kind follows from its clauses** (:func:`overall_kind`):
   praise and complaint both -> ``"mixed"``; else a complaint -> ``"minus"``
   (a complaint with a request is a complaint); else a request ->
   ``"suggestion"``; else praise -> ``"plus"``; else ``"none"`` (empty, "-",
   "no comment", a plain fact, a missing value).
5. **Themes.** A theme word (or an amount of money, *£12*, *300р*, *49 zł*:
   price) gives its clause that theme. A clause with an opinion and no theme
   of its own speaks of the theme just named: it takes the themes of the
   clause before it in the same sentence (*the app is great, but slow*), or
   in the sentence before when it refers back with a pronoun (*The lockers
   are brilliant. Shame half of them are full*). An opinion on a thing that
   no theme names (*the room smelled of smoke*: a word of five letters or
   more that is neither an opinion word nor a function word) is about the
   product or service itself: ``quality``. Each theme gets the kind of the
   clauses that mention it (``theme_kinds``: in "the app is great but
   delivery is slow" usability is a plus and delivery a minus); a theme in a
   clause without opinion takes its sentence's, else the comment's.
6. **Learned weights check the themes and their kinds.** Logistic
   regressions on the words of a comment (each word, its lemma and its
   character n-grams), fitted on the labelled tune comments
   (``nps_toolkit/_theme_weights.py``, ``data/theme_weights.json.gz``, made
   by ``scripts/make_theme_weights.py``), one for each built-in theme and one
   for each (theme, kind) pair, give the probability that the comment is
   about the theme, or says the pair. A theme the words found is dropped
   below 0.05 ("size" in *please add measurements in cm to the size charts*
   is no complaint about quality); one they missed is added at 0.8 to a
   comment that is not mixed, with its kind. A pair the clauses give is
   dropped below 0.01; a missed pair is added at 0.5 to a clause of its kind
   whose own words give it at least 0.2; a pair of a kind the comment lacks
   needs 0.9, and then a clause of no opinion takes that kind (*parcel sat in
   the depot for nine days*: a complaint about delivery). The clauses of
   :func:`comment_clauses` show the themes and kinds after this check. A
   built-in theme that a lexicon of your own adds to or replaces is read from
   its words alone.
7. **Intensity** 0-3 counts the signs of emphasis of the most emphatic clause:
   ``!``, a run of ``!!!`` or ``???``, a word in capitals, a stretched word,
   an emoji or smiley.

Themes and opinion words are looked up separately, so a theme phrase never
hides a negation. How well this works on comments written the way customers
write (mixed clauses, idioms, slang, Polish without diacritics, questions as
complaints, named employees, emoji), on a labelled holdout no one tuned on:
:func:`lexicon_accuracy` (the figures of ``benchmarks/comments.py``, quoted in
the reports' methods note). It is a first sort of the comments, to be read,
not a verdict: check a sample by hand, and where a team has its own words,
train a :class:`~nps_toolkit.CommentModel` on its labelled comments
(``model=``).

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
diacritics; a word of your own matches its inflected forms where the
built-in lemma tables know the word (else give a stem). Allowed top-level
keys: ``mode``, ``themes`` and the lists
``positive``, ``negative``, ``expected``, ``negators``, ``absence``, ``questions``,
``suggestion``, ``imperatives``, ``contrast``, ``neutral``, ``fillers``
(their meaning is documented in ``nps_toolkit/data/lexicon/README.md``), and
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

import bisect
import contextlib
import functools
import gc
import json
import math
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd

from ._docstrings import shared_docs
from ._text import fold, fold_polish, fold_word, squeeze
from ._theme_weights import checked as checked_themes
from ._theme_weights import theme_weights
from ._validation import (check_choice, check_columns, check_confidence, check_weights, describe_offenders,
                          is_missing, missing_column_error)
from .compare import METHODS as _COMPARE_METHODS
from .compare import adjust_p_values, compare
from .comment_model import as_model
from .counting import (NPSCounts, count_periods, counts_of_codes, counts_of_table, engine_of, rows_with_text,
                       split_commented, to_pandas)
from .counting import columns as columns_of  # "columns" names the theme columns in this module
from .dates import parse_dates
from .design import PSU_COUNT_COLUMNS, SurveyDesign, check_design_arguments, estimates_from_psu_counts, psu_counts
from .intervals import z_value
from .scale import check_scale, score_codes

__all__ = ["classify_comments", "comment_clauses", "overall_kind", "theme_impact", "verbatims", "action_plan", "default_lexicon", "LANGUAGES", "KINDS",
           "DEFAULT_THEMES", "IMPACT_COLUMNS", "VERBATIM_COLUMNS", "PLAN_COLUMNS", "CLAUSE_COLUMNS"]

#: Languages of the comments.
LANGUAGES = ("en", "ru", "pl")

#: Kinds of comment: those of clauses (the ``kinds`` column, in this order) and ``"mixed"`` (praise and
#: complaint in one comment; see :func:`overall_kind`).
KINDS = ("plus", "minus", "suggestion", "mixed", "none")

#: Built-in themes, in order.
DEFAULT_THEMES = ("price", "quality", "support", "delivery", "usability", "innovation", "expectations")

#: Columns of :func:`theme_impact`, in order.
IMPACT_COLUMNS = ["theme", "priority", "owner", "mentions", "share", "nps_with", "nps_without", "impact",
                  "impact_low", "impact_high", "p_value", "p_value_adjusted", "significant", "minus_share",
                  "plus_share", "suggestion_share"]

_LEXICON_FOLDER = "lexicon"
#: Lists of words of a lexicon (besides ``themes``): name -> label.
_LISTS = ("positive", "negative", "expected", "negators", "absence", "questions", "suggestion", "imperatives",
          "contrast", "neutral", "fillers")
#: Built-in only: language detection and word-formation rules.
_BUILTIN_ONLY = ("imperative_endings", "negation_prefixes", "turns", "pronouns", "function_words", "stopwords")
_USER_KEYS = ("mode", "themes") + _LISTS + ("guidance",)
#: A comment model's kind is taken when its probability is at least this; the lexicon's kind otherwise.
_MODEL_SURE = 0.5
#: The theme of an opinion about something that no theme names ("The room smelled of smoke"): the product or
#: service itself.
_RESIDUAL_THEME = "quality"
#: The theme of an amount of money ("£12", "300р", "49 zł").
_MONEY_THEME = "price"
#: A word of at least this many letters that is no opinion word names a thing an opinion may be about.
_CONCRETE_LETTERS = 5
#: How many words after a negator it reaches.
_WINDOW = 4
#: Chunks of text remembered with their clauses (repeated sentences are classified once), and words with what
#: they say alone: at most this many of each.
_CHUNK_CACHE = 200_000


def _remember(cache: dict, key, value):
    """``value``, stored in ``cache`` under ``key``; the cache emptied first when it holds
    :data:`_CHUNK_CACHE` entries."""
    if len(cache) >= _CHUNK_CACHE:
        cache.clear()
    cache[key] = value
    return value

_POLISH_LETTERS = re.compile("[ąćęłńóśźż]")
_CYRILLIC = re.compile("[а-яё]")
_LATIN = re.compile("[a-ząćęłńóśźż]")
_WORD = re.compile(r"[^\W\d_]+")
_CHUNKS = re.compile(r"[,:()\[\]\u2013\u2014/]|\s-+\s|^-+\s")
#: Sentence ends and the other clause breaks, in one pattern (a "." between digits, as in 3.5, is no break).
_BREAKS = re.compile(f"(?P<sentence>[.!?;…\\n]+)|(?P<chunk>{_CHUNKS.pattern})")
_SMILE = re.compile(r"[:;=]-?[)D\]]+|\){2,}|\(\s*[:;]|[\U0001F600-\U0001F60F\U0001F642\U0001F44D\u2764\u263A\u2665]")
_FROWN = re.compile(r"[:;=]-?[(\[]+|\({2,}|[\U0001F620-\U0001F62D\U0001F641\U0001F44E\u2639]")
_SMILE_TOKEN, _FROWN_TOKEN = "zzsmile", "zzfrown"
#: A rating written in the comment: 8/10, 2/5, "1 star", "5 звёзд", "2 gwiazdki" (the value out of the maximum).
_RATING = re.compile(r"\b(?P<value>10|[0-9])\s*(?:/\s*(?P<of>10|5)\b|(?P<stars>(?i:stars?\b|звезд\w*|звёзд\w*|"
                     r"gwiazd\w*)))")
_NOT = re.compile(r"n't\b")
_RATING_HINT = re.compile(r"\d\s*(?:/|[sSзЗgG])")
_RU_SMILE = re.compile(r"(?<=\w)\)+")
#: Money: a currency sign, or a currency word straight after a number ("300р", "49 zł"); read as a price word
#: (not "k": "4K" is a screen; not "gr": grams as often as grosze).
_MONEY_SIGN = re.compile(r"[$£€₽¥₴]")
_MONEY_HINT = re.compile(r"[\d$£€₽¥₴]")
_MONEY_AFTER_NUMBER = frozenset({"р", "руб", "тыс", "zl", "pln", "eur", "usd", "gbp", "euro"})
_MONEY_TOKEN = "zzmoney"
#: Signs of emphasis: "!" (one or more), a run of two or more "?", "?!" and "!?".
_EMPHASIS = re.compile(r"[!?]*![!?]*|\?{2,}")
#: A word in capitals (three letters or more) and a stretched word (a letter three times or more).
_CAPS = re.compile(r"\b[A-ZА-ЯЁĄĆĘŁŃÓŚŹŻ]{3,}\b")
_STRETCH = re.compile(r"([^\W\d_])\1{2,}")


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
    """The built-in lexicon (``nps_toolkit/data/lexicon/{en,ru,pl}.yaml``, one file a language), read and checked
    once, in the shape of a user lexicon (theme -> language -> patterns)."""
    import yaml

    folder = resources.files("nps_toolkit").joinpath("data", _LEXICON_FOLDER)
    merged: dict = {"themes": {}}
    for lang in LANGUAGES:
        source = f"nps_toolkit/data/{_LEXICON_FOLDER}/{lang}.yaml"
        # libyaml's safe loader where PyYAML was built with it: the same mappings (a test checks), ten times faster
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        raw = yaml.load(folder.joinpath(f"{lang}.yaml").read_text(encoding="utf-8"), Loader=loader)  # noqa: S506
        if not isinstance(raw, Mapping):
            raise ValueError(f"lexicon {source} must be a mapping of sections")
        for key, value in raw.items():
            if key == "themes":
                for name, patterns in (value or {}).items():
                    merged["themes"].setdefault(name, {})[lang] = patterns
            elif key == "guidance":
                for name, sentence in (value or {}).items():
                    merged.setdefault("guidance", {}).setdefault(name, {})[lang] = sentence
            else:
                merged.setdefault(key, {})[lang] = value
    return _check_lexicon(merged, f"nps_toolkit/data/{_LEXICON_FOLDER}", builtin=True)


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
    """A pattern or word list as it is matched: lower-case, ё as е, straight apostrophes, Polish letters folded
    (pl), *n't* as *not* (en: "can't" is read "ca not" in the text too)."""
    text = fold(text, language)
    return _NOT.sub(" not", text) if language == "en" else text


def _same_length(text: str, language: str) -> str:
    """:func:`_normalise` keeping every character's position (a letter whose lower case is longer stays)."""
    folded = fold(text, language)
    if len(folded) == len(text):
        return folded
    return "".join(f if len(f := fold(ch, language)) == 1 else ch for ch in text)


# -- lemmas, open sentiment lexicons, emoji ----------------------------------------------------------------
@functools.cache
def _lemma_table(language: str) -> dict[str, tuple[str, ...]]:
    """Folded form -> its lemmas, for the words of the built-in lexicons (``data/lemmas/<language>.tsv``)."""
    table = {}
    path = resources.files("nps_toolkit").joinpath("data", "lemmas", f"{language}.tsv")
    if not path.is_file():
        return table
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            form, _, lemmas = line.partition("\t")
            table[form] = tuple(lemmas.split(","))
    return table


@functools.cache
def _sentiment_words(language: str) -> tuple[tuple[str, int], ...]:
    """(word, polarity) of the open sentiment lexicon of a language (``data/sentiment/<language>.tsv``)."""
    return _read_sentiment(f"{language}.tsv")


def _read_sentiment(name: str) -> tuple[tuple[str, int], ...]:
    path = resources.files("nps_toolkit").joinpath("data", "sentiment", name)
    if not path.is_file():
        return ()
    out = []
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
        if i == 0 or not line.strip() or line.startswith("#"):
            continue
        entry, polarity = line.split("\t")[:2]
        out.append((entry, 1 if int(float(polarity)) > 0 else -1))
    return tuple(out)


def _emoji_tokens() -> dict[str, str]:
    """The emoji of the open emoji sentiment list (and hearts, thumbs, faces) -> opinion token."""
    tokens = {e: (_SMILE_TOKEN if p > 0 else _FROWN_TOKEN) for e, p in _read_sentiment("emoji.tsv")}
    for ch in "\U0001F600\U0001F601\U0001F602\U0001F603\U0001F604\U0001F606\U0001F60A\U0001F60D\U0001F642" \
              "\U0001F44D\u2764\U0001F525\U0001F44C\U0001F64F\u263A\u2665\U0001F496\U0001F499\U0001F49A\U0001F970":
        tokens.setdefault(ch, _SMILE_TOKEN)
    for ch in "\U0001F620\U0001F621\U0001F624\U0001F62D\U0001F622\U0001F644\U0001F92C\U0001F44E\U0001F641\u2639" \
              "\U0001F612\U0001F61E\U0001F629\U0001F62B\U0001F92E\U0001F4A9":
        tokens.setdefault(ch, _FROWN_TOKEN)
    return {k: v for k, v in tokens.items() if k.strip()}


def lexicon_words(language: str) -> list[str]:
    """The plain words (not stems) of the built-in lexicon and open sentiment lexicon of one language.

    These are the words whose inflected forms the lemma tables hold (``scripts/make_lemma_tables.py``).

    Parameters
    ----------
    language : {"en", "ru", "pl"}
        The language.

    Returns
    -------
    list of str
        Sorted, folded (lower case, ё as е, Polish letters plain), each once.

    Examples
    --------
    >>> words = lexicon_words("ru")
    >>> "кусаться" in words or "цена" in words
    True
    """
    check_choice(language, LANGUAGES, name="language")
    lex = _builtin_raw()
    entries = [e for spec in lex["themes"].values() for e in spec.get(language, [])]
    entries += [e for key in _LISTS for e in lex[key].get(language, [])]
    entries += [e for e, _ in _sentiment_words(language)]
    words = set()
    for entry in entries:
        if entry.startswith("!"):
            continue
        for part in entry.split():
            if part != "?" and not part.endswith("*"):
                words.update(_WORD.findall(fold_word(part)))
    return sorted(words)


# -- lexicon: compiled for matching ---------------------------------------------------------------------------
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
    """Patterns of one language and one purpose (themes, or opinion words and cues), indexed for matching.

    A word of the text is looked up as itself, as its lemmas and squeezed (*goood*): so an entry in its
    dictionary form (*cena*, *кусаться*, *take*) matches every inflected form, while an inflected entry
    (*byłoby*) matches only itself. Stems match the written form.
    """

    def __init__(self, language: str):
        self.language = language
        self.single_exact: dict = {}
        self.single_prefix: dict = {}
        self.phrase_exact: dict = {}
        self.phrase_prefix: dict = {}
        self.exclude_exact: dict = {}
        self.exclude_prefix: dict = {}
        self.cache: dict = {}
        self._lengths: tuple | None = None  # the lengths of the stems of each prefix table (None: not yet known)

    def add(self, entry: str, label, language: str) -> None:
        self._lengths = None
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
        if self._lengths is None:
            self._lengths = tuple(tuple(sorted({len(k) for k in table}))
                                  for table in (self.single_prefix, self.exclude_prefix, self.phrase_prefix))
        single_lengths, exclude_lengths, phrase_lengths = self._lengths
        forms = _forms(token, self.language)
        labels = list(self.single_exact.get(token, ()))
        for form in forms[1:]:  # lemmas and squeezed forms: not for cues that are one form of a verb (add, hope)
            labels.extend(lab for lab in self.single_exact.get(form, ()) if lab not in _WRITTEN_ONLY)
        for hit in _prefixes_of(token, self.single_prefix, single_lengths):
            labels.extend(hit)
        excluded = set(self.exclude_exact.get(token, ()))
        for hit in _prefixes_of(token, self.exclude_prefix, exclude_lengths):
            excluded |= hit
        if excluded:
            labels = [lab for lab in labels if lab not in excluded]
        phrases = list(self.phrase_exact.get(token, ()))
        for form in forms[1:]:
            phrases.extend(p for p in self.phrase_exact.get(form, ()) if p[2] not in _WRITTEN_ONLY)
        for hit in _prefixes_of(token, self.phrase_prefix, phrase_lengths):
            phrases.extend(hit)
        phrases = tuple(dict.fromkeys(phrases))
        # the phrases by their second word, so that a match looks up the next word's forms instead of trying
        # each phrase in turn; those whose second element is a stem or "?" are tried in turn ("loose")
        by_second: dict = {}
        loose = []
        for number, phrase in enumerate(phrases):
            kind, word = phrase[0][0]
            if kind == "w":
                by_second.setdefault(word, []).append((number, 1, phrase))
            else:
                loose.append((number, 0, phrase))
        found = (tuple(dict.fromkeys(labels)), phrases, by_second, loose)
        self.cache[token] = found
        return found

    def match(self, tokens: list[str]) -> list[tuple[int, int, tuple]]:
        """(start, end, labels) for every word or phrase, left to right, the longest match first.

        Of phrases of the same length, those with fewer "?" win; equal ones all count.
        """
        out = []
        i, n = 0, len(tokens)
        language = self.language
        cache, info = self.cache, self.info
        while i < n:
            found = cache.get(tokens[i])
            labels, phrases, by_second, loose = found if found is not None else info(tokens[i])
            best, best_wild, chosen = 1, 0, labels
            if phrases and i + 1 < n:
                candidates = loose
                if by_second:
                    hits = [hit for form in _forms(tokens[i + 1], language) for hit in by_second.get(form, ())]
                    if hits:
                        candidates = sorted(loose + hits)  # in the phrases' order
                for _, known, (rest, wild, label) in candidates:  # known: the second word is matched
                    length = 1 + len(rest)
                    if length < best or i + length > n:
                        continue
                    if length > 1 + known and not _elements_match(rest, known, tokens, i + 1, language):
                        continue
                    if length > best or wild < best_wild:
                        best, best_wild, chosen = length, wild, [label]
                    elif wild == best_wild:
                        chosen = [*chosen, label]
            out.append((i, i + best, labels if chosen is labels else tuple(dict.fromkeys(chosen))))
            i += best
        return out


@functools.lru_cache(maxsize=500_000)
def _forms(token: str, language: str) -> tuple[str, ...]:
    """A written word, its lemmas and its squeezed forms (*goood* -> good, god), each once."""
    forms = [token, *_lemma_table(language).get(token, ())]
    if _STRETCH.search(token):
        for squeezed in (_STRETCH.sub(r"\1\1", token), squeeze(token)):
            forms += [squeezed, *_lemma_table(language).get(squeezed, ())]
    return tuple(dict.fromkeys(forms))


@dataclass
class _Compiled:
    """One language's lexicon: themes and opinion words are matched separately."""

    themes: _Index
    opinion: _Index
    sentiment: dict
    endings: tuple
    ending_exclusions: frozenset
    prefixes: tuple
    pronouns: frozenset = frozenset()
    residual: str | None = None  # the theme of an opinion on something no theme names (the product itself)
    vague: frozenset = frozenset()  # words that name no thing: pronouns, function words, frequent words
    turns: frozenset = frozenset()  # contrast words after which an opinion turns (but, но, ale)
    checked: frozenset = frozenset()  # the built-in themes the learned theme weights check (_theme_weights)
    chunks: dict = field(default_factory=dict)  # the words of a chunk -> its clauses
    words: dict = field(default_factory=dict)  # a word -> what it says alone: (polarity, flags, concrete)
    theme_words: dict = field(default_factory=dict)  # a word -> the themes it names alone (with a negation prefix)
    texts: dict = field(default_factory=dict)  # the text of a chunk (and its smileys) -> its clauses, as spans


def _compile_language(lex: dict, language: str) -> _Compiled:
    """One language's patterns of a merged lexicon, indexed for matching."""
    themes, opinion = _Index(language), _Index(language)
    for name, spec in lex["themes"].items():
        for entry in spec.get(language, []):
            themes.add(entry, name, language)
    if _MONEY_THEME in lex["themes"]:
        themes.add(_MONEY_TOKEN, _MONEY_THEME, language)  # "£12 for delivery??", "390 руб", "49 zł"
    for key in _LISTS:
        label = ("pol", 1) if key == "positive" else ("pol", -1) if key == "negative" else (key,)
        for entry in lex[key].get(language, []):
            opinion.add(entry, label, language)
    opinion.add(_SMILE_TOKEN, ("pol", 1), language)
    opinion.add(_FROWN_TOKEN, ("pol", -1), language)
    # the open sentiment lexicon: single words the lexicon does not know in any list or theme
    sentiment = {}
    for entry, polarity in _sentiment_words(language):
        words = _WORD.findall(_normalise(entry, language))
        if len(words) != 1:
            continue
        word = words[0]
        if any(index.info(word)[0] or index.info(word)[1] for index in (themes, opinion)):
            continue
        # VADER (English) lists each word form with its own polarity ("cornered" -1, but "corner" is no
        # complaint): its entries count as written; the Russian and Polish lists give lemmas, read in every form
        for key in (word,) if language == "en" else (word, *_lemma_table(language).get(word, ())):
            sentiment.setdefault(key, polarity)
    endings, ending_excl = [], set()
    for entry in lex["imperative_endings"].get(language, []):
        word = _normalise(entry.lstrip("!").strip(), language)
        (ending_excl.add(word) if entry.startswith("!") else endings.append(word))
    prefixes = tuple(sorted((_normalise(p, language) for p in lex["negation_prefixes"].get(language, [])),
                            key=len, reverse=True))
    pronouns = frozenset(_normalise(p, language) for p in lex["pronouns"].get(language, []))
    residual = _RESIDUAL_THEME if _RESIDUAL_THEME in lex["themes"] else None
    vague = pronouns | {_normalise(w, language) for key in ("function_words", "stopwords")
                        for w in lex[key].get(language, [])}
    turns = frozenset(_normalise(w, language) for w in lex["turns"].get(language, []))
    return _Compiled(themes, opinion, sentiment, tuple(endings), frozenset(ending_excl), prefixes, pronouns,
                     residual, frozenset(vague), turns)


def _prefixes_of(token: str, table: dict, lengths: tuple) -> list:
    """The entries of ``table`` under every prefix of ``token`` (stems it starts with), shortest first;
    ``lengths``: the lengths of the stems in ``table``, in increasing order."""
    out = []
    for k in lengths:
        if k > len(token):
            break
        hit = table.get(token[:k])
        if hit is not None:
            out.append(hit)
    return out


def _elements_match(rest: tuple, known: int, tokens: list[str], at: int, language: str) -> bool:
    """Whether the elements of a phrase after its first word (``rest``; the first ``known`` of them already
    matched) match the written words from ``tokens[at]`` on: a word with its lemmas, a stem, or '?' (any)."""
    for place, (kind, word) in enumerate(rest[known:], start=at + known):
        token = tokens[place]
        if kind == "?":
            continue
        if kind == "p":
            if not token.startswith(word):
                return False
        elif token != word and word not in _forms(token, language):
            return False
    return True


def _fused(c: _Compiled, token: str) -> str | None:
    """The rest of a word fused with a negation prefix (неплохо -> плохо), or None."""
    for prefix in c.prefixes:
        if token.startswith(prefix) and len(token) - len(prefix) >= 3:
            return token[len(prefix):]
    return None


class _Item(NamedTuple):
    """One opinion word, cue or phrase of a chunk (a named tuple: every chunk has a few)."""

    start: int
    end: int
    token: str
    polarity: int
    flags: frozenset
    self_negated: bool = False
    concrete: bool = False  # a longer word that is no opinion word, cue or function word (:func:`_word_item`)


_NEGATING = ("negators", "absence")
#: Cues matched only as written, never through a lemma: "fixed" is no request to fix, "hoped" no wish.
_WRITTEN_ONLY = frozenset({("imperatives",), ("suggestion",), ("fillers",), ("contrast",), ("questions",)})


def _sentiment_of(c: _Compiled, token: str) -> int:
    """The polarity the open sentiment lexicon gives a word (0: it does not know it)."""
    for form in _forms(token, c.opinion.language):
        polarity = c.sentiment.get(form)
        if polarity:
            return polarity
    return 0


def _items(c: _Compiled, tokens: list[str]) -> list[_Item]:
    """Opinion words and cues of one chunk: one item per word or phrase (what a word says alone is worked out
    once per word: :func:`_word_item`)."""
    out = []
    known = c.words
    for start, end, labels in c.opinion.match(tokens):
        token = tokens[start]
        if end - start == 1:
            said = known.get(token)
            if said is None:
                said = _remember(known, token, _word_item(c, token, labels))
            out.append(_Item(start, end, token, said[0], said[1], False, said[2]))
            continue
        pol = sum(lab[1] for lab in labels if lab[0] == "pol")
        flags = frozenset(lab[0] for lab in labels if lab[0] != "pol")
        # a phrase that starts with its own negation ("not good", "nie polecam") is not negated again
        self_negated = any(lab[0] in _NEGATING for lab in c.opinion.info(token)[0])
        out.append(_Item(start, end, token, (pol > 0) - (pol < 0), flags, self_negated))
    return out


def _word_item(c: _Compiled, token: str, labels: tuple) -> tuple[int, frozenset, bool]:
    """(polarity, flags, concrete) of a word matched alone, with ``labels`` its labels in the opinion index:
    the sign of its polarity words, or of the rest after a negation prefix (неплохо), or of the open sentiment
    lexicon; its cues; and whether it is a longer word that is no opinion word, cue or function word: a
    thing an opinion may be about ("room", "smoke"; not "about", "which")."""
    pol = sum(lab[1] for lab in labels if lab[0] == "pol")
    flags = frozenset(lab[0] for lab in labels if lab[0] != "pol")
    if not pol and not flags:
        rest = _fused(c, token)
        if rest is not None:
            rest_labels = c.opinion.info(rest)[0]
            rest_pol = sum(lab[1] for lab in rest_labels if lab[0] == "pol") or _sentiment_of(c, rest)
            if rest_pol:
                pol = -rest_pol
            elif ("expected",) in rest_labels:
                pol = -1
        if not pol and not c.themes.info(token)[0]:
            pol = _sentiment_of(c, token)
    pol = (pol > 0) - (pol < 0)
    return pol, flags, not pol and not flags and len(token) >= _CONCRETE_LETTERS and token not in c.vague


def _theme_hits(c: _Compiled, tokens: list[str]) -> list[tuple[int, tuple]]:
    """(position, theme names) of the theme words of one chunk."""
    out = []
    known = c.theme_words
    for start, end, names in c.themes.match(tokens):
        if not names and end - start == 1:
            token = tokens[start]
            names = known.get(token)
            if names is None:
                rest = _fused(c, token)
                names = _remember(known, token, () if rest is None else c.themes.info(rest)[0])
        if names:
            out.append((start, names))
    return out


# -- classifying one text -------------------------------------------------------------------------------------
def _combine(kinds: list[str]) -> str:
    """The kind of a theme from its clauses' kinds: the most frequent; a tie of praise and complaint to the later
    one, else complaint before request before praise."""
    found = set(kinds)
    found.discard("none")
    if len(found) < 2:  # most themes: one kind (or none)
        return found.pop() if found else "none"
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
    if "plus" in tied and "minus" in tied:
        return max(("plus", "minus"), key=lambda k: last[k])  # what follows "but" carries the verdict
    for kind in ("minus", "suggestion"):  # a complaint with a request is a complaint, praise with one a request
        if kind in tied:
            return kind
    return tied[0]


def overall_kind(kinds) -> str:
    """The kind of a comment from the kinds of its clauses.

    Praise and complaint both -> ``"mixed"``; else any complaint -> ``"minus"`` (a complaint with a request
    is a complaint); else any request -> ``"suggestion"`` (praise with a request is a suggestion); else
    praise -> ``"plus"``; else ``"none"``.

    Parameters
    ----------
    kinds : iterable of str
        The kinds of the clauses (``"plus"``, ``"minus"``, ``"suggestion"``, ``"none"``).

    Returns
    -------
    str
        One of :data:`KINDS`.

    See Also
    --------
    comment_clauses : The clauses of comments, each with its kind.
    classify_comments : The kind and themes of each comment.

    Examples
    --------
    >>> overall_kind(["plus", "minus"]), overall_kind(["minus", "suggestion"]), overall_kind(["plus", "none"])
    ('mixed', 'minus', 'plus')
    """
    found = set(kinds)
    if "plus" in found and "minus" in found:
        return "mixed"
    for kind in ("minus", "suggestion", "plus"):
        if kind in found:
            return kind
    return "none"


def _first_item(items: list[_Item]) -> _Item | None:
    """The first opinion word or cue of a clause, fillers aside."""
    for item in items:
        if "fillers" not in item.flags:
            return item
    return None


def _is_imperative(c: _Compiled, items: list[_Item]) -> bool:
    """Whether a clause starts (fillers aside) with an imperative verb."""
    item = _first_item(items)
    if item is None:
        return False
    if "imperatives" in item.flags:
        return True
    token = item.token
    if item.end - item.start == 1 and token not in c.ending_exclusions:
        return any(token.endswith(e) and len(token) >= len(e) + 3 for e in c.endings)
    return False


def _clause_kind(c: _Compiled, items: list[_Item]) -> str:
    """The kind of one clause: suggestion, a complaining question, or the sign of its opinion words."""
    first = _first_item(items)
    if first is not None and "questions" in first.flags:
        return "minus"
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


# -- cutting a text into clauses ------------------------------------------------------------------------------
class _Clause(NamedTuple):
    """One clause of a comment: where it is in the text, its kind, themes, sentence and intensity (a named tuple:
    immutable, and made fast, as every comment has a few)."""

    start: int
    end: int
    kind: str
    themes: tuple
    sentence: int
    intensity: int
    concrete: bool = False  # it holds a word that is no opinion word (a thing the opinion may be about)
    contrasted: bool = False  # it starts with a contrast word that turns the opinion (but, но, ale)


@functools.cache
def _mark_pattern() -> tuple[re.Pattern, dict[str, str], frozenset]:
    """One pattern for ratings, smileys, frowns and the emoji of the emoji list (in that order of preference)."""
    tokens = _emoji_tokens()
    emoji = "|".join(re.escape(e) for e in sorted(tokens, key=len, reverse=True)) + r"(?:\uFE0F)?"
    pattern = re.compile(f"(?P<rating>{_RATING.pattern})|(?P<smile>{_SMILE.pattern})|(?P<frown>{_FROWN.pattern})"
                         f"|(?P<emoji>{emoji})")
    starts = set(":;=()[]") | {e[0] for e in tokens} | set("\U0001F600\U0001F642\U0001F44D\u2764\u263A"
                                                                      "\u2665\U0001F641\U0001F44E\u2639")
    starts |= {chr(code) for code in range(0x1F600, 0x1F62E)}
    return pattern, tokens, frozenset(starts)


def _marks(text: str, language: str) -> list[tuple[int, int, str]]:
    """(start, end, opinion token) of the smileys, emoji and ratings (8/10, 1 star) of a text, left to right, not overlapping."""
    pattern, tokens, starts = _mark_pattern()
    found = []
    if starts.isdisjoint(text) and not _RATING_HINT.search(text):  # most comments: nothing that starts a mark
        return found
    for m in pattern.finditer(text):
        kind = m.lastgroup
        if m.group("rating"):  # 8/10 or 5 stars: praise; 4/10 or 2 stars: complaint; in between: nothing
            share = int(m.group("value")) / (int(m.group("of")) if m.group("of") else 5)
            if 0.5 < share < 0.7 or share > 1:
                continue
            token = _SMILE_TOKEN if share >= 0.7 else _FROWN_TOKEN
        elif kind == "emoji":
            token = tokens.get(m.group().rstrip("\uFE0F"), _SMILE_TOKEN)
        elif language != "ru" and not m.group().strip("()"):
            continue  # "))" and "((" are smileys in Russian; elsewhere brackets
        else:
            token = _FROWN_TOKEN if kind == "frown" else _SMILE_TOKEN
        found.append((m.start(), m.end(), token))
    if language == "ru" and "(" not in text and ")" in text:
        found += [(m.start(), m.end(), _SMILE_TOKEN) for m in _RU_SMILE.finditer(text)]  # "вовремя)"
        found.sort(key=lambda m: (m[0], -m[1]))
        out, end = [], -1
        for mark in found:
            if mark[0] >= end:
                out.append(mark)
                end = mark[1]
        return out
    return found


def _signals(text: str, marks: list, stretched: bool = True) -> list[int]:
    """Where a text shows emphasis: ``!`` (one or a run), a run of ``?``, a word in capitals, a stretched word,
    an emoji or smiley; the start of each, sorted. ``stretched=False``: the caller knows the text holds no
    stretched word (few do)."""
    found = [m[0] for m in marks]
    if "!" in text or "??" in text:
        found += [m.start() for m in _EMPHASIS.finditer(text)]
    if not text.islower():
        found += [m.start() for m in _CAPS.finditer(text)]
    if stretched:
        found += [m.start() for m in _STRETCH.finditer(text)]
    found.sort()
    return found


def _intensity(signals: list[int], start: int, end: int) -> int:
    """How strongly ``text[start:end]`` says it: its signs of emphasis (:func:`_signals`), at most 3."""
    return min(3, bisect.bisect_left(signals, end) - bisect.bisect_left(signals, start))


def _chunk_clauses(c: _Compiled, tokens: tuple[str, ...]) -> tuple:
    """((first token, last token, kind, themes, concrete, turn), ...) of the clauses of one chunk (between commas):
    ``concrete`` if a clause names a thing (an item's ``concrete``), ``turn`` if it starts with a word of ``turns``."""
    if not tokens:
        return ()
    # clauses: split at contrast words; fixed expressions (neutral) count for nothing
    clause_of = [-1] * len(tokens)
    clauses: list[list[_Item]] = [[]]
    bounds: list[list[int]] = [[]]
    contrasted = [False]  # whether a clause starts with a contrast word that turns the opinion (but, но, ale)
    for it in _items(c, list(tokens)):
        if "contrast" in it.flags:
            if clauses[-1] or bounds[-1]:
                clauses.append([])
                bounds.append([])
                contrasted.append(False)
            contrasted[-1] = it.token in c.turns
            continue
        bounds[-1] += [it.start, it.end - 1]
        if "neutral" in it.flags:
            if it.end - it.start == 1:
                clause_of[it.start] = len(clauses) - 1
            continue
        clauses[-1].append(it)
        for pos in range(it.start, it.end):
            clause_of[pos] = len(clauses) - 1
    themes: list[list] = [[] for _ in clauses]
    for pos, names in _theme_hits(c, list(tokens)):
        if clause_of[pos] >= 0:
            themes[clause_of[pos]].extend(names)
    return tuple((min(b), max(b), _clause_kind(c, clause) if clause else "none", tuple(dict.fromkeys(names)),
                  any(it.concrete for it in clause), turn)
                 for clause, names, b, turn in zip(clauses, themes, bounds, contrasted) if b)


def _tokens(norm: str, marks: list, language: str) -> list[tuple[int, int, str]]:
    """(start, end, word) of the words and opinion tokens (smileys) of a text, in order; *n't* as *not* (en)."""
    found = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(norm)]
    if marks:
        found += marks
        found.sort()
    if _MONEY_HINT.search(norm):
        found = _with_money(norm, found)
    if language == "en" and "'t" in norm:
        for i in range(1, len(found)):
            s, e, word = found[i]
            previous = found[i - 1]
            if word == "t" and s >= 1 and norm[s - 1] == "'" and previous[2].endswith("n"):
                found[i - 1] = (previous[0], previous[1], previous[2][:-1] or previous[2])
                found[i] = (s, e, "not")
    return found


def _with_money(norm: str, found: list) -> list:
    """The tokens (a new list of :func:`_tokens`, changed in place) with amounts of money as :data:`_MONEY_TOKEN`:
    each currency sign, and a currency word written straight after a number ("300р", "49 zł")."""
    for i, (s, e, word) in enumerate(found):
        if word in _MONEY_AFTER_NUMBER and s and (norm[s - 1].isdigit()
                                                  or norm[s - 1] == " " and s > 1 and norm[s - 2].isdigit()):
            found[i] = (s, e, _MONEY_TOKEN)
    if _MONEY_SIGN.search(norm):
        found = sorted(found + [(m.start(), m.end(), _MONEY_TOKEN) for m in _MONEY_SIGN.finditer(norm)])
    return found


class _Piece(NamedTuple):
    """What one chunk of a text (the text between two breaks, as read) gives, remembered by its text."""

    parts: tuple  # its clauses: (start, end, kind, themes, concrete, turn), the positions in the chunk
    words: tuple  # its words, as read: folded, *n't* as *not*, smileys and sums of money as tokens
    spans: tuple  # the words of each clause: (first, last), places in ``words``
    distinct: frozenset | None  # its distinct words, for the learned theme weights (None: not checked)
    stretched: bool  # whether it holds a stretched word (*goood*)


def _clauses(c: _Compiled, text: str, language: str) -> tuple[list[_Clause], list[tuple[int, _Piece]]]:
    """The clauses of one text in a known language, left to right, and what each of its chunks with words
    gives (:class:`_Piece`), with the place of its first clause among the text's."""
    marks = _marks(text, language)
    masked = text
    if marks:
        chars = list(text)
        for s, e, _ in marks:
            chars[s:e] = " " * (e - s)
            if e + 1 < len(text) and text[e] == " " and text[e + 1].isupper():
                chars[e] = "\n"  # "Great 👍 Add more": an emoji before a capital ends a sentence
        masked = "".join(chars)
    norm = _same_length(masked, language)
    out: list[_Clause] = []
    pieces: list[tuple[int, _Piece]] = []
    sentence, next_mark = 0, 0

    def chunk(start: int, end: int) -> None:  # the clauses of norm[start:end], remembered by its text
        nonlocal next_mark
        inside = []
        if marks:
            while next_mark < len(marks) and marks[next_mark][0] < end:
                if marks[next_mark][0] >= start:
                    inside.append((marks[next_mark][0] - start, marks[next_mark][1] - start, marks[next_mark][2]))
                next_mark += 1
        piece = norm[start:end]
        key = (piece, tuple(inside)) if inside else piece
        read = c.texts.get(key)
        if read is None:
            read = _remember(c.texts, key, _read_piece(c, piece, inside, language))
        if read.words:
            pieces.append((len(out), read))
        for first, last, kind, names, concrete, contrasted in read.parts:
            out.append(_Clause(start + first, start + last, kind, names, sentence, 0, concrete, contrasted))

    at, last = 0, len(masked) - 1
    asked = set()  # the sentences that end with a question mark
    for m in _BREAKS.finditer(masked):
        begin, end = m.span()
        is_sentence = m.lastgroup == "sentence"
        if is_sentence and 0 < begin and end <= last and masked[begin - 1].isdigit() and masked[end].isdigit():
            continue  # 3.5, 1.000: no break
        chunk(at, begin)
        at = end
        if is_sentence and "?" in m.group():
            asked.add(sentence)
        sentence += is_sentence
    chunk(at, len(masked))
    if asked:
        _asked_as_complaints(out, asked)
    if len(out) > 1:  # the rules between clauses: each needs a clause beside another
        kinds = {cl.kind for cl in out}
        if "minus" in kinds and "plus" not in kinds and out[0].kind == "suggestion":
            _reasons_for_request(out)
        elif "minus" in kinds and "plus" in kinds and "suggestion" not in kinds and sentence:
            _sarcastic_praise(out, norm)
        _contrasted_opinions(out)
        _carry_themes(out, norm, c.pronouns)
    if c.residual is not None:
        for i, clause in enumerate(out):  # an opinion on a thing that no theme names: the product itself
            if clause.concrete and not clause.themes and clause.kind != "none":
                out[i] = clause._replace(themes=(c.residual,))
    # intensity: from a clause's start to the next clause's (its punctuation and emoji included)
    signals = _signals(text, marks, stretched=bool(marks) or any(piece.stretched for _, piece in pieces))
    if signals:
        for i, clause in enumerate(out):
            stop = out[i + 1].start if i + 1 < len(out) else len(text)
            out[i] = _Clause(clause.start, clause.end, clause.kind, clause.themes, clause.sentence,
                             _intensity(signals, clause.start, stop), clause.concrete, clause.contrasted)
    return out, pieces


_NO_PIECE = _Piece((), (), (), None, False)


def _read_piece(c: _Compiled, piece: str, inside: list, language: str) -> _Piece:
    """What one chunk gives (:class:`_Piece`): ``piece`` is its text, normalised; ``inside`` the smileys and
    emoji in it, as (start, end, token) in the chunk."""
    tokens = _tokens(piece, inside, language)
    if not tokens:
        return _NO_PIECE
    words = tuple(t[2] for t in tokens)
    found = c.chunks.get(words)
    if found is None:
        found = _remember(c.chunks, words, _chunk_clauses(c, words))
    parts = tuple((tokens[first][0], tokens[last][1], kind, names, concrete, turn)
                  for first, last, kind, names, concrete, turn in found)
    spans = tuple((first, last) for first, last, *_ in found)
    return _Piece(parts, words, spans, frozenset(words) if c.checked else None, _STRETCH.search(piece) is not None)


def _reasons_for_request(clauses: list[_Clause]) -> None:
    """The reasons given for a request are no complaint: in a comment that opens with a request and holds no
    praise, a complaint that names no theme of its own explains the request ("Dodajcie tryb offline, na
    siłowni nie ma zasięgu"; "Add dark mode, my eyes hurt at night") and counts as no opinion. In place (the
    caller checks that the comment opens with a request and holds no praise)."""
    for i, cl in enumerate(clauses):
        if cl.kind == "minus" and not cl.themes:
            clauses[i] = cl._replace(kind="none")


def _sarcastic_praise(clauses: list[_Clause], norm: str) -> None:
    """A one-word sentence of praise among complaints is sarcasm: "Chips were soggy, burger was cold.
    Fantastic." In a comment with a complaint, no request and no other praise, a sentence of a single word
    of praise (no theme, no thing named) is a minus. In place (the caller checks that the comment holds praise
    and a complaint and no request)."""
    if not any(cl.kind == "plus" and not cl.themes and not cl.concrete for cl in clauses):
        return
    by_sentence: dict[int, list[_Clause]] = {}
    for cl in clauses:
        by_sentence.setdefault(cl.sentence, []).append(cl)
    sarcastic = []
    for number, sentence in by_sentence.items():
        if all(cl.kind == "plus" and not cl.themes and not cl.concrete for cl in sentence):
            if len(_WORD.findall(norm, sentence[0].start, sentence[-1].end)) > 1:
                return  # praise of more words is meant
            sarcastic.append(number)
        elif any(cl.kind == "plus" for cl in sentence):
            return
    if not sarcastic or len(sarcastic) == len(by_sentence):
        return
    for i, cl in enumerate(clauses):
        if cl.sentence in sarcastic:
            clauses[i] = cl._replace(kind="minus")


def _asked_as_complaints(clauses: list[_Clause], asked: set) -> None:
    """A question that says nothing else is a complaint ("12 zł for a bottle of water?", "Fees on top?!"): in a
    sentence ending with ``?`` and holding neither praise nor a request, the clauses without an opinion become
    minus (in place)."""
    for number in asked:
        kinds = {cl.kind for cl in clauses if cl.sentence == number}
        if "none" not in kinds or "plus" in kinds or "suggestion" in kinds:
            continue
        for i, cl in enumerate(clauses):
            if cl.sentence == number and cl.kind == "none":
                clauses[i] = cl._replace(kind="minus")


def _contrasted_opinions(clauses: list[_Clause]) -> None:
    """What follows *but* turns the opinion before it: a clause that starts with a contrast word of the ``turns``
    list (*but*, *however*, *yet*, *но*, *однако*, *зато*, *ale*, *jednak*) and holds no opinion of its own takes
    the opposite of the nearest praise or complaint before it, in its sentence or the one before ("Lovely cotton,
    but £28 for a vest is a bit much"); a request before it turns nothing. In place."""
    for i, cl in enumerate(clauses):
        if not cl.contrasted or cl.kind != "none":
            continue
        for before in reversed(clauses[:i]):
            if before.sentence < cl.sentence - 1:
                break
            if before.kind in ("plus", "minus"):
                clauses[i] = cl._replace(kind="minus" if before.kind == "plus" else "plus")
                break
            if before.kind == "suggestion":
                break


def _carry_themes(clauses: list[_Clause], norm: str, pronouns: frozenset) -> None:
    """An opinion that names no theme speaks of the theme just named: a clause with an opinion and no theme
    takes the themes of the nearest clause before it that has some, when that clause is in the same sentence
    ("The app is great, but slow"; "App is fab, wish it showed the spaces left") or in the sentence before and
    the clause refers back with a pronoun ("The lockers are brilliant. Shame half of them are full"). In place."""
    last = None  # the latest clause with themes
    for i, cl in enumerate(clauses):
        if cl.themes:
            last = cl
            continue
        if cl.kind == "none" or last is None:
            continue
        if last.sentence == cl.sentence or (last.sentence == cl.sentence - 1
                                            and not pronouns.isdisjoint(_WORD.findall(norm[cl.start:cl.end]))):
            clauses[i] = cl._replace(themes=last.themes)


def _classify_one(c: _Compiled, text: str, language: str):
    """(kind, kinds, themes, theme_kinds, intensity, clauses) of one text in a known language."""
    clauses, kind, words, pieces = _read(c, text, language)
    if words is not None:
        clauses, kind = _checked(clauses, kind, theme_weights().scores(words, language), pieces, language,
                                 c.checked)
    return _summary(clauses, kind)


def _read(c: _Compiled, text: str, language: str) -> tuple[list, str, frozenset | None, list]:
    """The clauses of one text in a known language, its kind, its distinct words for the learned theme
    weights (None if its themes are not checked) and its chunks (as :func:`_clauses` gives them)."""
    clauses, pieces = _clauses(c, text, language)
    kind = overall_kind([cl.kind for cl in clauses])
    if not c.checked or not clauses:
        return clauses, kind, None, pieces
    if len(pieces) == 1:
        return clauses, kind, pieces[0][1].distinct, pieces
    return clauses, kind, frozenset().union(*(piece.distinct for _, piece in pieces)), pieces


def _checked(clauses: list, kind: str, scores, pieces: list, language: str, checkable,
             high=None) -> tuple[list, str]:
    """The clauses and kind of one comment after the learned check of its themes and (theme, kind) pairs
    (:func:`nps_toolkit._theme_weights.checked`), which weighs a clause by its own words."""
    def clause_scores(i: int) -> tuple:  # the scores of the words of clause i alone
        if i not in known:
            words = ()
            for first, piece in pieces:
                if first <= i < first + len(piece.spans):
                    a, b = piece.spans[i - first]
                    words = frozenset(piece.words[a:b + 1])
                    break
            known[i] = theme_weights().scores(words, language)
        return known[i]

    known: dict = {}
    out = checked_themes(clauses, scores, checkable, clause_scores if len(clauses) > 1 else None, high)
    if out is clauses or all(a.kind == b.kind for a, b in zip(out, clauses)):
        return out, kind
    return out, overall_kind([cl.kind for cl in out])


def _summary(clauses: list, kind: str) -> tuple:
    """(kind, kinds, themes, theme_kinds, intensity, clauses) of a comment of these clauses."""
    if len(clauses) == 1:  # most comments: what the one clause says
        cl = clauses[0]
        themes = tuple(dict.fromkeys(cl.themes))
        return kind, (cl.kind,), themes, {theme: cl.kind for theme in themes}, cl.intensity, tuple(clauses)
    clause_kinds = [cl.kind for cl in clauses]
    kinds = tuple(k for k in KINDS[:3] if k in clause_kinds) or ("none",)
    themes = tuple(dict.fromkeys(t for cl in clauses for t in cl.themes))
    theme_kinds = {}
    for theme in themes:
        hits = [cl for cl in clauses if theme in cl.themes]
        k = _combine([cl.kind for cl in hits])
        if k == "none":
            sentences = {cl.sentence for cl in hits}
            k = _combine([cl.kind for cl in clauses if cl.sentence in sentences])
        if k == "none":
            k = _combine(clause_kinds)
        theme_kinds[theme] = k
    intensity = max((cl.intensity for cl in clauses), default=0)
    return kind, kinds, themes, theme_kinds, intensity, tuple(clauses)


def _words_of(text: str, language: str) -> frozenset:
    """The distinct words of a text as the classifier reads them, as the learned theme weights take them
    (``scripts/make_theme_weights.py``)."""
    if not _WORD.search(text) and not _marks(text, language):
        return frozenset()
    return frozenset(w for _, piece in _clauses(_compiled(None)[language], text, language)[1] for w in piece.words)


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
    if _CYRILLIC.search(low) is None:  # one script only (most comments): no need to count the letters
        if _LATIN.search(low) is None:
            return None
    elif _LATIN.search(low) is None or len(_CYRILLIC.findall(low)) > len(_LATIN.findall(low)):
        return "ru"
    en_words, pl_words = _stopwords()
    tokens = _WORD.findall(low if low.isascii() else fold_polish(low))
    pl = 3 * len(_POLISH_LETTERS.findall(low)) + sum(map(pl_words.__contains__, tokens))
    en = sum(map(en_words.__contains__, tokens))
    if pl == en:  # no telling words: which lexicon knows more of them
        en, pl = _lexicon_words(compiled["en"], text, "en"), _lexicon_words(compiled["pl"], text, "pl")
    if pl == en:
        folded = fold_polish(low)
        en, pl = sum(folded.count(g) for g in _EN_GRAMS), sum(folded.count(g) for g in _PL_GRAMS)
    return "pl" if pl > en else "en"


# -- public: classify_comments --------------------------------------------------------------------------------
@functools.lru_cache(maxsize=16)
def _compiled(key: str | None) -> dict[str, _Compiled]:
    """The compiled lexicon of every language (built-in, or with the user's lexicon given as JSON)."""
    user = None if key is None else json.loads(key)
    lex = _merge(user)
    # the learned weights check the built-in themes a lexicon of the user's leaves as they are
    touched = set() if user is None else {name.lstrip("+").strip() for name in user["themes"]}
    if user is not None and user["mode"] == "replace":
        touched = set(lex["themes"])
    checked = frozenset(t for t in theme_weights().themes if t in lex["themes"] and t not in touched)
    out = {}
    for lang in LANGUAGES:
        out[lang] = _compile_language(lex, lang)
        out[lang].checked = checked
    return out | {"__themes__": tuple(lex["themes"])}


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
    bad = [i for i, v in enumerate(values) if not is_missing(v) and v not in LANGUAGES]
    if bad:
        raise ValueError(f"language must be one of {', '.join(repr(x) for x in LANGUAGES)} (or missing: detected); "
                         f"got {describe_offenders([values[i] for i in bad], bad)}")
    return [None if is_missing(v) else v for v in values]


def classify_comments(texts, *, language=None, lexicon=None, model=None) -> pd.DataFrame:
    """Sort open comments into pluses, minuses, suggestions and mixed ones, and find their themes.

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
    model : CommentModel or path, optional
        A comment model trained on your own labelled comments
        (:class:`~nps_toolkit.CommentModel`, or the path of its saved
        file). It gives the kind of each comment it is sure of
        (probability at least 0.5); the lexicon gives the rest and finds
        the themes. A comment the model gives one kind passes it to its
        themes.

    Returns
    -------
    DataFrame
        Same index as ``texts`` (a fresh ``RangeIndex`` for lists and
        arrays), columns:

        ``language``
            "en", "ru" or "pl"; missing for missing texts and texts without
            letters.
        ``kind``
            "plus", "minus", "suggestion", "mixed" or "none": from the
            kinds of the comment's clauses by :func:`overall_kind` (praise
            and complaint both: mixed; else a complaint: minus; else a
            request: suggestion; else praise: plus).
        ``kinds``
            Tuple of every kind found in the comment's clauses, in the
            order of :data:`KINDS` (``("none",)`` when there is none).
        ``themes``
            List of the themes mentioned, in the lexicon's order of themes.
        ``theme_kinds``
            Dict theme -> kind of the clauses mentioning it (plus, minus or
            suggestion; the most frequent, a tie to the later clause).
        ``intensity``
            0-3: how strongly the comment says it (the most emphatic
            clause: !, !!! or ???, capitals, stretched words, emoji; see
            :func:`comment_clauses`).

        ``attrs["themes"]`` lists every theme of the lexicon.

    Raises
    ------
    TypeError
        Non-text comments (with their positions), a DataFrame or a single
        string instead of a sequence, a ``model`` that is neither a
        CommentModel nor a path.
    ValueError
        An unknown language (the allowed ones are listed), an invalid
        lexicon (naming the bad key or entry) or a model file that is not
        a comment model.

    See Also
    --------
    comment_clauses : The clauses behind each comment's kind.
    CommentModel : A model of your own team's words.
    theme_impact : What each theme costs the NPS.
    verbatims : Quotes of each theme.

    Examples
    --------
    >>> table = classify_comments(["Not bad at all, and delivery was fast!",
    ...                            "Не очень хорошо: поддержка не отвечает.",
    ...                            "Przydałaby się tańsza dostawa.",
    ...                            "Love the app, but delivery takes forever", None])
    >>> table[["language", "kind"]]
      language        kind
    0       en        plus
    1       ru       minus
    2       pl  suggestion
    3       en       mixed
    4      NaN        none
    >>> table["themes"].tolist()
    [['delivery'], ['support'], ['price', 'delivery'], ['delivery', 'usability'], []]
    >>> table["theme_kinds"][3]
    {'usability': 'plus', 'delivery': 'minus'}
    """
    values, index = _values(texts)
    _check_texts(values)
    langs = _languages(language, len(values))
    compiled = _compiled_for(lexicon)
    model = as_model(model)
    with _cycles_paused():  # the columns are many small lists and dicts too
        columns = _classified_columns(values, langs, compiled, model)
        table = pd.DataFrame({name: pd.Series(column, index=index, dtype=object)
                              for name, column in columns.items()}, index=index)
    table["intensity"] = table["intensity"].astype(np.int64)
    table.attrs["themes"] = list(compiled["__themes__"])
    return table


_NO_OPINION = (None, "none", ("none",), (), {}, 0, ())


def _read_one(text, lang, compiled) -> tuple | None:
    """(language, clauses, kind, features of the theme weights) of one comment; None for a missing one, or
    one without letters and without emoji or smileys."""
    if not isinstance(text, str):
        return None
    if not _WORD.search(text):  # no letters: emoji and smileys still say something, in no language
        if not _marks(text, lang or "en"):
            return None
        return (lang,) + _read(compiled[lang or "en"], text, lang or "en")
    use = lang or _detect(text, compiled)
    if use is None:
        return None
    return (use,) + _read(compiled[use], text, use)


@contextlib.contextmanager
def _cycles_paused():
    """Python's cycle collector paused, and put back as it was after. Reading comments makes many small tuples,
    lists and dicts that hold no cycles: the collector would walk them again and again (a fifth of the time on
    100,000 comments). After, they go straight to the oldest generation (frozen and put back there at once),
    so that the first collection does not walk them all either (0.7 s on 100,000 comments); not where the
    program has frozen objects of its own (:func:`gc.freeze`), which stay frozen."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            if not gc.get_freeze_count():
                gc.freeze()
                gc.unfreeze()
            gc.enable()


def _classified(values: list, langs: list, compiled: dict) -> list[tuple]:
    """(language, kind, kinds, themes, theme_kinds, intensity, clauses) of every comment (of no opinion for a
    missing one); a repeated (text, language) is classified once.

    Every comment is read first; the learned theme weights then score all that need it in one product of
    arrays, and the themes are checked. The cycle collector is paused meanwhile (:func:`_cycles_paused`).
    """
    seen: dict = {}
    reads: list = []  # the distinct comments' reads
    position = []  # each comment's read (-1: no opinion)
    with _cycles_paused():
        for text, lang in zip(values, langs):
            key = (text, lang) if isinstance(text, str) else None
            at = seen.get(key) if key is not None else -1
            if at is None:
                read = _read_one(text, lang, compiled)
                at = -1 if read is None else len(reads)
                if read is not None:
                    reads.append(read)
                seen[key] = at
            position.append(at)
        scores, high = theme_weights().scores_many([(read[3], read[0] or "en") for read in reads
                                                    if read[3] is not None])
        scores, high = iter(scores), iter(high)
        results = []
        for lang, clauses, kind, words, pieces in reads:
            if words is not None:
                clauses, kind = _checked(clauses, kind, next(scores), pieces, lang or "en",
                                         compiled[lang or "en"].checked, next(high))
            results.append((lang,) + _summary(clauses, kind))
        return [results[at] if at >= 0 else _NO_OPINION for at in position]


def _with_model(results: list[tuple], values: list, model) -> list[tuple]:
    """The results with the kind of a comment model where it is sure enough (the lexicon's kind elsewhere).

    A comment the model gives one kind (plus, minus, suggestion) gives that kind to each of its themes; a
    mixed one keeps the kinds its clauses give its themes.
    """
    texts = [v if isinstance(v, str) and r[0] is not None else None for v, r in zip(values, results)]
    predicted = model.predict(texts)
    out = []
    for result, kind, probability in zip(results, predicted["kind"], predicted["probability"]):
        if result[0] is None or not probability >= _MODEL_SURE:
            out.append(result)
            continue
        theme_kinds = result[4]
        if kind in ("plus", "minus", "suggestion"):
            theme_kinds = {theme: kind for theme in theme_kinds}
        out.append(result[:1] + (kind,) + result[2:4] + (theme_kinds,) + result[5:])
    return out


def _classified_columns(values: list, langs: list, compiled: dict, model=None) -> dict[str, list]:
    """The columns of :func:`classify_comments`, as lists."""
    results = _classified(values, langs, compiled)
    if model is not None:
        results = _with_model(results, values, model)
    order = {name: i for i, name in enumerate(compiled["__themes__"])}
    out = {"language": [], "kind": [], "kinds": [], "themes": [], "theme_kinds": [], "intensity": []}
    for result in results:
        out["language"].append(result[0] if result[0] is not None else np.nan)
        out["kind"].append(result[1])
        out["kinds"].append(result[2])
        themes = result[3]
        out["themes"].append(sorted(themes, key=order.__getitem__) if len(themes) > 1 else list(themes))
        out["theme_kinds"].append(dict(result[4]))
        out["intensity"].append(result[5])
    return out


@functools.cache
def lexicon_accuracy() -> dict:
    """How well the built-in lexicon reads comments no one tuned it on: the holdout figures of
    ``benchmarks/comments.py`` (stored in ``nps_toolkit/data/comment_accuracy.json``).

    Returns
    -------
    dict
        ``n`` (held-out comments), ``unmixed`` (share of the unmixed comments whose kind is right),
        ``mixed``, ``all``, ``pair_recall`` and ``pair_precision`` of the (theme, kind) pairs, overall;
        ``by_language``: the same per language.

    Examples
    --------
    >>> figures = lexicon_accuracy()
    >>> 0 < figures["unmixed"] <= 1 and sorted(figures["by_language"]) == ["en", "pl", "ru"]
    True
    """
    path = resources.files("nps_toolkit").joinpath("data", "comment_accuracy.json")
    figures = json.loads(path.read_text(encoding="utf-8"))["lexicon"]
    return {**figures["all"], "by_language": {lang: figures[lang] for lang in LANGUAGES}}


#: Columns of :func:`comment_clauses`, in order.
CLAUSE_COLUMNS = ["comment", "clause", "text", "language", "kind", "themes", "intensity", "start", "end"]


def comment_clauses(texts, *, language=None, lexicon=None) -> pd.DataFrame:
    """Every comment cut into its clauses, each with its kind, themes and intensity: how a comment is read.

    A comment is cut at sentence ends (. ! ? ; new lines), commas, colons, dashes and brackets, and at
    contrast words (*but*, *however*, *но*, *а*, *однако*, *ale*, *jednak*, *tylko*, ...). Each clause gets
    its themes and a kind (plus, minus, suggestion or none); the comment's kind follows from them
    (:func:`overall_kind`: praise and complaint both make it ``"mixed"``).

    Parameters
    ----------
    texts : list, array or Series of str
        The comments (missing values give no clause).
    language : None, {"en", "ru", "pl"} or sequence
        The comments' language, as in :func:`classify_comments` (None: detected).
    lexicon : dict or path, optional
        A lexicon of your own, as in :func:`classify_comments`.

    Returns
    -------
    DataFrame
        One row per clause (:data:`CLAUSE_COLUMNS`): ``comment`` (the index label of the comment),
        ``clause`` (0, 1, ... within the comment), ``text`` (the clause as written), ``language``,
        ``kind``, ``themes`` (list), ``intensity`` (0-3: one each for !, !!! or ???, a word in capitals, a
        stretched word, an emoji or smiley, counted up to the next clause), ``start`` and ``end`` (where the
        clause is in the comment: ``comment[start:end]`` is ``text``).

    See Also
    --------
    classify_comments : One row per comment: its kind and themes.
    overall_kind : A comment's kind from its clauses' kinds.

    Examples
    --------
    >>> comment_clauses(["Love the app, but delivery takes forever!!!"])[["text", "kind", "themes", "intensity"]]
                         text   kind      themes  intensity
    0            Love the app   plus [usability]          0
    1  delivery takes forever  minus  [delivery]          1
    """
    values, index = _values(texts)
    _check_texts(values)
    langs = _languages(language, len(values))
    compiled = _compiled_for(lexicon)
    order = {name: i for i, name in enumerate(compiled["__themes__"])}
    rows = []
    with _cycles_paused():
        results = _classified(values, langs, compiled)
        for label, text, result in zip(index, values, results):
            for number, clause in enumerate(result[6]):
                rows.append((label, number, text[clause.start:clause.end], result[0], clause.kind,
                             sorted(dict.fromkeys(clause.themes), key=order.__getitem__), clause.intensity,
                             clause.start, clause.end))
        table = pd.DataFrame(rows, columns=CLAUSE_COLUMNS)
    for name in ("comment", "text", "language", "kind", "themes"):
        table[name] = table[name].astype(object)
    for name in ("clause", "intensity", "start", "end"):
        table[name] = table[name].astype(np.int64)
    return table


def _check_texts(values: list) -> None:
    """Comments must be text (or missing)."""
    bad = [i for i, v in enumerate(values) if not isinstance(v, str) and not is_missing(v)]
    if bad:
        raise TypeError("comments must be text (missing values may be None or NaN); got "
                        + describe_offenders([values[i] for i in bad], bad))


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
                 confidence=0.95, language=None, lexicon=None, model=None, base="all", kind=None,
                 method="adjusted-wald", correction="holm", n_resamples=9999, random_state=None, scale=None,
                 design=None, df=None) -> pd.DataFrame:
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
    model : CommentModel or path, optional
        A comment model of your own (see :func:`classify_comments`): it
        sorts the comments into kinds; the lexicon (and its learned check) finds the themes.
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

    See Also
    --------
    classify_comments : The themes and kinds of each comment.
    action_plan : The themes to act on, riskiest first.
    verbatims : Quotes of each theme.
    key_drivers : What rated attributes move the score.

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
                           owners=owners, language=language, lexicon=lexicon, model=model, base=base, kind=kind,
                           options=options, scale=scale, design=design, df=df).table


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
                    options: _Options, scale, design=None, df=None, model=None) -> _Impact:
    """:func:`theme_impact` of rows read into pandas (``frame``) and the counts of the rows left out (``rest``)."""
    codes, w = _code_answers(frame, score=score, weights=weights, scale=scale)
    classified = classify_comments(frame[comments].reset_index(drop=True),
                                   language=_language_argument(frame, language), lexicon=lexicon, model=model)
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
    clauses = _classify_one(compiled[use], text, use)[5]
    return sum(1 for clause in clauses if clause.kind == kind and theme in clause.themes)


def verbatims(data, *, score="score", comments="comment", themes=None, per_theme=3, max_chars=200, language=None,
              lexicon=None, model=None, scale=None) -> pd.DataFrame:
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
    model : CommentModel or path, optional
        A comment model of your own (see :func:`classify_comments`): it
        sorts the comments into kinds; the lexicon (and its learned check) finds the themes.
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

    See Also
    --------
    classify_comments : The themes and kinds of each comment.
    theme_impact : What each theme costs the NPS.
    action_plan : The themes to act on, riskiest first.

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
    classified = classify_comments(pd.Series(texts[quoted], dtype=object), language=languages, lexicon=lexicon,
                                   model=model)
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
                confidence=0.95, language="en", lexicon=None, model=None, method="adjusted-wald", correction="holm",
                n_resamples=9999, random_state=None, scale=None, date=None, freq="QE", dayfirst=None, design=None,
                df=None) -> pd.DataFrame:
    """What to act on: the themes that cost NPS points, riskiest first, with an owner and a next step.

    Parameters
    ----------
    data : DataFrame, path, DuckDB relation, Polars or Spark DataFrame
        One row per respondent with a score and a comment column (see
        :func:`theme_impact`).
    score, comments, weights, themes, owners, confidence, lexicon, model, method, correction, n_resamples, random_state, scale
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

    See Also
    --------
    theme_impact : What each theme costs the NPS.
    verbatims : Quotes of each theme.
    followup_list : The detractors to contact, in the plan's order.

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
                  lexicon=lexicon, model=model, base="all", kind=None, options=options, scale=scale, design=design,
                  df=df)
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
