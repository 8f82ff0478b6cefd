"""Reading survey exports: the two entry points in one place.

:func:`read_responses` (from :mod:`nps_toolkit.reading`) reads a platform's
export, finds and cleans the score and parses the dates; :func:`clean_scores`
(from :mod:`nps_toolkit.answers`) cleans one column of answers.
"""

from .answers import NO_ANSWER_TOKENS, clean_scores
from .reading import read_responses

__all__ = ["clean_scores", "read_responses", "NO_ANSWER_TOKENS"]
