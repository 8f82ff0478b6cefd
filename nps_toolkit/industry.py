"""Published industry-average NPS figures, each with its source.

The bundled table (``nps_toolkit/data/industry_benchmarks.csv``) holds one row
per published figure: source, year, region, industry, nps, what the figure
is (``statistic``), the study's sample and its web address. Every figure was
read in its published source. These studies average company scores within
an industry: they are reference points for a benchmark report, not precise
targets, and a report that uses one says where it comes from.
"""

from __future__ import annotations

from importlib import resources

import pandas as pd

__all__ = ["industry_benchmarks", "lookup_benchmark"]


def industry_benchmarks() -> pd.DataFrame:
    """The bundled table of published industry-average NPS figures.

    See Also
    --------
    lookup_benchmark : Look up one industry's figure.
    compare_to_benchmark : Compare an NPS with a benchmark.

    Examples
    --------
    >>> table = industry_benchmarks()
    >>> {"source", "year", "industry", "nps", "url"} <= set(table.columns)
    True
    """
    with resources.files("nps_toolkit").joinpath("data", "industry_benchmarks.csv").open(encoding="utf-8") as f:
        return pd.read_csv(f, dtype={"url": "string"})


def lookup_benchmark(industry: str, *, year: int | None = None, region: str | None = None) -> dict:
    """Look up a published industry average by industry name (case-insensitive).

    Where the table has the industry for several years, the most recent is
    used unless ``year`` is given.

    Parameters
    ----------
    industry : str
        An industry as the table names it (:func:`industry_benchmarks`,
        column ``industry``); case and surrounding spaces do not matter.
    year : int, optional
        The year of the study; by default the most recent one.
    region : str, optional
        The region the figure is for (column ``region``, e.g. ``"US"``);
        by default any.

    Returns
    -------
    dict
        ``value`` (NPS), ``industry``, ``year``, ``region``, ``source`` (a
        citation: study, year, what the figure is, sample, address).

    Raises
    ------
    TypeError
        If ``industry`` is not text.
    ValueError
        If the table has no figure for the industry (in that year or
        region); the message lists the industries it has.

    See Also
    --------
    industry_benchmarks : The whole table of published figures.
    compare_to_benchmark : Compare an NPS with the figure.
    benchmark_study : The study of the ``benchmark_study`` template.

    Examples
    --------
    >>> b = lookup_benchmark("auto dealers", year=2017)
    >>> b["value"], b["year"]
    (43.0, 2017)
    >>> lookup_benchmark("Airlines")
    Traceback (most recent call last):
    ...
    ValueError: unknown industry 'Airlines'; available: ...
    """
    table = industry_benchmarks()
    if not isinstance(industry, str):
        raise TypeError(f"industry must be text, got {industry!r}")
    rows = table[table["industry"].str.casefold() == industry.strip().casefold()]
    if year is not None:
        rows = rows[rows["year"] == year]
    if region is not None:
        rows = rows[rows["region"].str.casefold() == region.casefold()]
    if rows.empty:
        names = sorted(set(table["industry"]))
        raise ValueError(f"unknown industry {industry!r}" + (f" for year {year}" if year is not None else "")
                         + (f" in region {region!r}" if region is not None else "")
                         + f"; available: {', '.join(names)}")
    row = rows.sort_values("year").iloc[-1]
    url = row["url"] if isinstance(row["url"], str) else ""
    source = f"{row['source']} {row['year']} ({row['statistic']}; {row['sample']})" + (f", {url}" if url else "")
    return {"value": float(row["nps"]), "industry": row["industry"], "year": int(row["year"]),
            "region": row["region"], "source": source}
