"""Colours shared by every figure: the three categories, levels without a direction, what is not significant.

The bottom layer of the package: plain constants, no imports from it, no
matplotlib. :mod:`nps_toolkit.plots` re-exports them (``nt.PALETTE``,
``nt.plots.NEUTRAL``, ``nt.plots.MUTED``); notebooks and templates that draw
their own figures take the colours from there.

The red and the green of :data:`PALETTE` differ in lightness and in blue
content, so they stay apart under the common red-green colour-vision
deficiencies, and the amber stays apart from both.

>>> sorted(PALETTE) == ["detractor", "passive", "promoter"]
True
"""

from __future__ import annotations

__all__ = ["PALETTE", "NEUTRAL", "MUTED", "GRID"]

#: Colours of the three categories, used by every figure; increases use the promoter green, decreases the
#: detractor red.
PALETTE = {"detractor": "#d62728", "passive": "#e8b04a", "promoter": "#1b9e77"}

#: Colour of estimates and levels that have no direction (NPS points, waterfall levels).
NEUTRAL = "#3b4a5c"

#: Colour of what is not significant or not available.
MUTED = "#a3a3a3"

#: Colour of the grid lines behind the data.
GRID = "#e6e6e6"
