"""Text as the comment classifiers read it: one normalisation for the lexicon and for learned models.

People type the same word many ways: with or without Polish diacritics (``dostawa przyszła`` / ``dostawa
przyszla``), with ``е`` for ``ё``, stretched for emphasis (``sooo slow``, ``оооочень``), with curly
apostrophes. :func:`fold` maps them to one form, so that a word of the lexicon (or an n-gram a model learned)
matches however it was typed.
"""

from __future__ import annotations

import re

__all__ = ["fold", "fold_word", "squeeze", "model_text", "POLISH_FOLD"]

#: Polish letters -> their plain forms (applied to Polish text: typing without diacritics still matches).
POLISH_FOLD = str.maketrans("ąćęłńóśźż", "acelnoszz")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'", "\u02bc": "'"})
_STRETCHED = re.compile(r"([^\W\d_])\1{2,}")
_DIGITS = re.compile(r"\d")
_SPACES = re.compile(r"\s+")


def fold(text: str, language: str | None) -> str:
    """Lower case, ``ё`` as ``е``, straight apostrophes; Polish letters folded for Polish text.

    >>> fold("Przesyłka DOSZŁA, ёлки", "pl")
    'przesylka doszla, елки'
    """
    text = text.lower()
    if text.isascii():  # most English comments: nothing to fold but a backtick
        return text.replace("`", "'") if "`" in text else text
    text = text.replace("ё", "е").translate(_APOSTROPHES)
    if language == "pl":
        text = text.translate(POLISH_FOLD)
    return text


def fold_word(word: str) -> str:
    """One word folded for every language at once (Polish letters and ``ё``): the key of the lemma tables.

    >>> fold_word("Żółć"), fold_word("ёж")
    ('zolc', 'еж')
    """
    return word.lower().replace("ё", "е").translate(POLISH_FOLD)


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
    text = fold_word(text).translate(_APOSTROPHES)
    text = _STRETCHED.sub(r"\1\1", text)
    return _SPACES.sub(" ", _DIGITS.sub("0", text)).strip()
