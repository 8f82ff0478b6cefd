"""Collection settings for the doctests in ``nps_toolkit/`` (the tests' fixtures are in tests/conftest.py).

The engine modules' examples use the optional engines; without them (a base
install) their doctests are not collected. ``make test`` installs the extras,
so CI runs them.
"""

import importlib.util

collect_ignore = []
if importlib.util.find_spec("duckdb") is None or importlib.util.find_spec("polars") is None:
    collect_ignore += ["nps_toolkit/engines/__init__.py", "nps_toolkit/engines/duckdb.py",
                       "nps_toolkit/engines/polars.py"]
if importlib.util.find_spec("pyspark") is None:
    collect_ignore += ["nps_toolkit/engines/spark.py"]
