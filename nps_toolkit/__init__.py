"""nps_toolkit: Net Promoter Score research with honest uncertainty.

>>> import nps_toolkit as nt
>>> nt.nps([10, 9, 8, 3, 0])
0.0
"""

from ._version import __version__
from .interpretation import interpret
from .intervals import Interval, confint
from .scoring import DEFAULT_SCALE, NPSCounts, NPSScale, categorize, counts, nps
from .summary import summarize

__all__ = [
    "__version__",
    "NPSCounts",
    "NPSScale",
    "DEFAULT_SCALE",
    "Interval",
    "categorize",
    "confint",
    "counts",
    "interpret",
    "nps",
    "summarize",
]
