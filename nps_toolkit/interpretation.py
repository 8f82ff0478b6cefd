"""Interpretation bands for an NPS value (seed article 002)."""

from __future__ import annotations

import math
import numbers

import numpy as np

from ._validation import check_choice, positional_options

__all__ = ["interpret", "band", "BANDS", "LANGUAGES"]

#: Report languages.
LANGUAGES = ("en", "ru", "pl")

#: Bands of the seed article, on whole numbers: -100..-1 very low, 0..30
#: satisfactory, 31..70 high, 71..100 very high. A fractional value is placed
#: by the same cut points: below 0; 0 up to 30; above 30 up to 70; above 70.
BANDS = {"very_low": (-100, -1), "satisfactory": (0, 30), "high": (31, 70), "very_high": (71, 100)}

_WORDING = {
    "en": {"very_low": "very low", "satisfactory": "satisfactory", "high": "high", "very_high": "very high"},
    "ru": {"very_low": "крайне низкий", "satisfactory": "удовлетворительный", "high": "высокий",
           "very_high": "очень высокий"},
    "pl": {"very_low": "bardzo niski", "satisfactory": "zadowalający", "high": "wysoki",
           "very_high": "bardzo wysoki"},
}


def band(value) -> str:
    """Language-neutral band key of an NPS value: very_low, satisfactory, high or very_high.

    Examples
    --------
    >>> band(-10), band(0), band(30), band(30.5), band(71)
    ('very_low', 'satisfactory', 'satisfactory', 'high', 'very_high')
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"value must be an NPS number between -100 and 100, got {value!r}")
    v = float(value)
    if math.isnan(v) or not -100.0 <= v <= 100.0:
        raise ValueError(f"value must be an NPS between -100 and 100, got {value!r}")
    if v < 0:
        return "very_low"
    if v <= 30:
        return "satisfactory"
    if v <= 70:
        return "high"
    return "very_high"


@positional_options("language")
def interpret(value, *, language: str = "en") -> str:
    """Interpretation band of an NPS value, in words.

    Bands of the seed article: -100..-1 very low, 0..30 satisfactory,
    31..70 high, 71..100 very high (of customer satisfaction). Fractional
    values use the same cut points (below 0; up to 30; up to 70; above).

    Parameters
    ----------
    value : float
        NPS on the -100..100 scale.
    language : {"en", "ru", "pl"}
        Language of the wording.

    See Also
    --------
    nps : The NPS of answers.
    summarize : NPS per group, with counts and intervals.
    plot_nps : Draw NPS with the interpretation bands shaded.

    Examples
    --------
    >>> interpret(-10)
    'very low'
    >>> interpret(45, language="ru")
    'высокий'
    >>> interpret(80, language="pl")
    'bardzo wysoki'
    """
    check_choice(language, LANGUAGES, name="language")
    return _WORDING[language][band(value)]
