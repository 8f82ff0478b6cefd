"""Scoring: the names of earlier releases, kept where they were.

The answer scale and its codes now live in :mod:`nps_toolkit.scale`, the
counts in :mod:`nps_toolkit.counting` (see ``docs/architecture.md``). Nothing
in the package imports this module; it only keeps
``from nps_toolkit.scoring import NPSCounts`` working.

>>> from nps_toolkit.scoring import counts
>>> counts([10, 9, 8, 3, 0]).nps
0.0
"""

from .counting import NPSCounts, counts, kish_n, linearised_se, nps
from .scale import CATEGORIES, DEFAULT_SCALE, NPSScale, categorize, score_codes

__all__ = ["NPSScale", "DEFAULT_SCALE", "CATEGORIES", "categorize", "counts", "nps", "NPSCounts", "score_codes",
           "kish_n", "linearised_se"]
