"""Text as the comment classifiers read it: one normalisation for the lexicon and for learned models.

People type the same word many ways: with or without Polish diacritics (``dostawa przyszła`` / ``dostawa
przyszla``), with ``е`` for ``ё``, stretched for emphasis (``sooo slow``, ``оооочень``), with curly
apostrophes. :func:`fold` maps them to one form, so that a word of the lexicon (or an n-gram a model learned)
matches however it was typed.
"""

from __future__ import annotations

import re

__all__ = ["fold", "fold_word", "fold_polish", "squeeze", "model_text", "POLISH_FOLD"]

_POLISH, _PLAIN = "ąćęłńóśźż", "acelnoszz"
#: Polish letters -> their plain forms (applied to Polish text: typing without diacritics still matches).
POLISH_FOLD = str.maketrans(_POLISH, _PLAIN)
_STRETCHED = re.compile(r"([^\W\d_])\1{2,}")
_DIGITS = re.compile(r"\d")
_SPACES = re.compile(r"\s+")
# The same letters, and curly apostrophes, as pairs for str.replace: a few replace calls are ten times faster
# than one str.translate, which looks every character of a non-ASCII text up in a dict.
_POLISH_PAIRS = tuple(zip(_POLISH, _PLAIN))
_APOSTROPHE_PAIRS = (("\u2019", "'"), ("\u2018", "'"), ("`", "'"), ("\u02bc", "'"))


def _replaced(text: str, pairs: tuple) -> str:
    """``text`` with every ``a`` of ``pairs`` replaced by its ``b`` (a ``str.translate`` of single letters)."""
    for a, b in pairs:
        if a in text:
            text = text.replace(a, b)
    return text


def fold_polish(text: str) -> str:
    """Polish letters as their plain forms (``text.translate(POLISH_FOLD)``, faster).

    >>> fold_polish("zażółć gęślą jaźń")
    'zazolc gesla jazn'
    """
    return _replaced(text, _POLISH_PAIRS)


def fold(text: str, language: str | None) -> str:
    """Lower case, ``ё`` as ``е``, straight apostrophes; Polish letters folded for Polish text.

    >>> fold("Przesyłka DOSZŁA, ёлки", "pl")
    'przesylka doszla, елки'
    """
    text = text.lower()
    if text.isascii():  # most English comments: nothing to fold but a backtick
        return text.replace("`", "'") if "`" in text else text
    text = _replaced(text.replace("ё", "е"), _APOSTROPHE_PAIRS)
    if language == "pl":
        text = _replaced(text, _POLISH_PAIRS)
    return text


def fold_word(word: str) -> str:
    """One word folded for every language at once (Polish letters and ``ё``): the key of the lemma tables.

    >>> fold_word("Żółć"), fold_word("ёж")
    ('zolc', 'еж')
    """
    return _replaced(word.lower().replace("ё", "е"), _POLISH_PAIRS)


def squeeze(word: str) -> str:
    """A stretched word with its repeated letters cut to one (``sooo`` -> ``so``, ``оооочень`` -> ``очень``).

    Only runs of three or more letters are cut; ``good`` and ``too`` stay as they are.

    >>> squeeze("sooo"), squeeze("goood"), squeeze("good")
    ('so', 'god', 'good')
    """
    return _STRETCHED.sub(r"\1", word)


def model_text(text: str) -> str:
    """Text as a learned model reads it: folded for every language, stretches cut to two letters, digits as 0.

    >>> model_text("Dostawa  przyszła po 12 dniach!!! Sooo slow")
    'dostawa przyszla po 00 dniach!!! soo slow'
    """
    text = _replaced(fold_word(text), _APOSTROPHE_PAIRS)
    text = _STRETCHED.sub(r"\1\1", text)
    return _SPACES.sub(" ", _DIGITS.sub("0", text)).strip()
