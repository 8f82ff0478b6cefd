"""Tests of nps_toolkit.plots and nps_toolkit._i18n.

Every expected number below is computed by hand from the inputs; the trend,
comparison and decomposition tables are built by hand in the shape of
compare_periods, compare_groups and decompose_change.
"""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.axes import Axes
from matplotlib.colors import to_hex, to_rgba

import nps_toolkit as nt
from nps_toolkit import _i18n
from nps_toolkit import plots as _plots
from nps_toolkit.plots import (MUTED, NEUTRAL, PALETTE, plot_comparison, plot_decomposition, plot_distribution,
                               plot_nps, plot_trend)

MINUS = "\u2212"
BAD_LANGUAGE = r"unknown language 'de'; allowed: 'en', 'ru', 'pl'"
FIVE = nt.NPSScale(detractors=[1, 2, 3], passives=[4], promoters=[5])  # a five-point scale


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def texts(ax) -> list[str]:
    return [t.get_text() for t in ax.texts]


def legend_texts(ax) -> list[str]:
    legend = ax.get_legend()
    return [] if legend is None else [t.get_text() for t in legend.get_texts()]


def xticks(ax) -> list[str]:
    return [t.get_text() for t in ax.get_xticklabels()]


def yticks(ax) -> list[str]:
    return [t.get_text() for t in ax.get_yticklabels()]


def same_colour(a, b) -> bool:
    return np.allclose(to_rgba(a)[:3], to_rgba(b)[:3], atol=1e-3)


# -- palette ---------------------------------------------------------------------------------------------------
def test_palette_has_the_three_categories_in_distinct_colours():
    assert list(PALETTE) == ["detractor", "passive", "promoter"]
    assert len({to_hex(c) for c in PALETTE.values()}) == 3
    red, green = to_rgba(PALETTE["detractor"]), to_rgba(PALETTE["promoter"])
    assert red[0] > red[1] and green[1] > green[0]  # red is red, green is green


# -- plot_distribution -----------------------------------------------------------------------------------------
def test_distribution_bars_heights_colours_and_title(survey):
    ax = plot_distribution(survey)
    assert isinstance(ax, Axes)
    bars = ax.containers[0]
    assert len(bars) == 11
    assert [b.get_x() + b.get_width() / 2 for b in bars] == pytest.approx(list(range(11)))
    # 9 answers (one missing): 0 once, 3 once, 6 once, 7 once, 8 once, 9 twice, 10 twice
    by_hand = {0: 1, 3: 1, 6: 1, 7: 1, 8: 1, 9: 2, 10: 2}
    expected = [100 * by_hand.get(v, 0) / 9 for v in range(11)]
    assert [b.get_height() for b in bars] == pytest.approx(expected)
    for value, bar in enumerate(bars):
        category = "detractor" if value <= 6 else "passive" if value <= 8 else "promoter"
        assert same_colour(bar.get_facecolor(), PALETTE[category]), value
    # 4 promoters, 3 detractors of 9: NPS = 100 * 1 / 9 = 11.1
    assert ax.get_title() == "Distribution of answers: NPS = 11.1, n = 9"
    assert xticks(ax) == [str(v) for v in range(11)]
    assert ax.get_xlabel() == "Answer (0–10)" and ax.get_ylabel() == "Share of answers, %"
    assert legend_texts(ax) == ["Detractors (0–6): 33%", "Passives (7–8): 22%", "Promoters (9–10): 44%"]


def test_distribution_legend_patches_use_the_palette(survey):
    handles = plot_distribution(survey).get_legend().legend_handles
    for handle, category in zip(handles, ["detractor", "passive", "promoter"]):
        assert same_colour(handle.get_facecolor(), PALETTE[category])


def test_distribution_weighted(survey):
    ax = plot_distribution(survey, weights="weight")
    # weights of the present answers: 10 -> 1+2, 9 -> 2+1, 8 -> 1, 7 -> 0.5, 6 -> 1.5, 0 -> 1, 3 -> 1; total 11
    sums = {10: 3, 9: 3, 8: 1, 7: 0.5, 6: 1.5, 0: 1, 3: 1}
    assert [b.get_height() for b in ax.containers[0]] == pytest.approx([100 * sums.get(v, 0) / 11
                                                                        for v in range(11)])
    # NPS = 100 * (6 - 3.5) / 11 = 22.7
    assert ax.get_title() == "Distribution of answers: NPS = 22.7, n = 9 (weighted)"


def test_distribution_accepts_series_arrays_and_other_columns(survey):
    from_series = plot_distribution(survey["score"])
    from_list = plot_distribution(survey["score"].tolist())
    from_frame = plot_distribution(survey.rename(columns={"score": "q1"}), score="q1")
    heights = [[b.get_height() for b in ax.containers[0]] for ax in (from_series, from_list, from_frame)]
    assert heights[0] == pytest.approx(heights[1]) and heights[0] == pytest.approx(heights[2])
    assert from_list.get_title() == from_frame.get_title()


def test_distribution_shows_every_value_even_when_nobody_gave_it():
    ax = plot_distribution(pd.Series([10, 10, 9]))
    heights = [b.get_height() for b in ax.containers[0]]
    assert len(heights) == 11 and heights[:9] == [0.0] * 9
    assert heights[9:] == pytest.approx([100 / 3, 200 / 3])
    assert "NPS = 100.0" in ax.get_title()


def test_distribution_custom_scale_and_title():
    scale = nt.NPSScale(detractors=[1, 2, 3], passives=[4], promoters=[5])
    ax = plot_distribution([1, 5, 5, 4], scale=scale, title="Pilot")
    assert len(ax.containers[0]) == 5
    assert ax.get_title() == "Pilot: NPS = 25.0, n = 4"
    assert legend_texts(ax)[1] == "Passives (4): 25%"



def test_distribution_bars_take_the_categories_of_a_custom_scale():
    no_passives = nt.NPSScale(detractors=[1, 2], passives=[], promoters=[3, 4, 5])
    for scale, expected in ((FIVE, ["detractor"] * 3 + ["passive", "promoter"]),
                            (no_passives, ["detractor"] * 2 + ["promoter"] * 3)):
        bars = plot_distribution([1, 5, 5, 4, 3], scale=scale).containers[0]
        assert [b.get_x() + b.get_width() / 2 for b in bars] == pytest.approx([1, 2, 3, 4, 5])
        assert all(same_colour(b.get_facecolor(), PALETTE[c]) for b, c in zip(bars, expected))
    assert legend_texts(plot_distribution([1, 5, 5, 2], scale=no_passives)) == [
        "Detractors (1–2): 50%", "Promoters (3–5): 50%"]

def test_distribution_negative_nps_uses_a_minus_sign():
    ax = plot_distribution([0, 0, 10])
    assert f"NPS = {MINUS}33.3" in ax.get_title()


@pytest.mark.parametrize("language, words", [
    ("ru", ["Распределение оценок", "Детракторы", "Нейтралы (пассивы)", "Промоутеры", "Доля ответов, %", "Оценка"]),
    ("pl", ["Rozkład odpowiedzi", "Krytycy", "Neutralni (pasywni)", "Promotorzy", "Udział odpowiedzi, %",
            "Odpowiedź"]),
])
def test_distribution_labels_follow_the_language(survey, language, words):
    ax = plot_distribution(survey, language=language)
    shown = " ".join([ax.get_title(), ax.get_xlabel(), ax.get_ylabel()] + legend_texts(ax))
    for word in words:
        assert word in shown
    assert "NPS = 11,1" in ax.get_title()  # decimal comma


def test_distribution_draws_on_the_given_axes(survey):
    fig, ax = plt.subplots()
    before = plt.get_fignums()
    assert plot_distribution(survey, ax=ax) is ax
    assert plt.get_fignums() == before and len(ax.containers) == 1


def test_distribution_bad_input(survey):
    with pytest.raises(KeyError, match=r"score column 'q9' is not in the data; available columns: 'score'"):
        plot_distribution(survey, score="q9")
    with pytest.raises(KeyError, match=r"weights column 'w'"):
        plot_distribution(survey, weights="w")
    with pytest.raises(TypeError, match="must be a DataFrame"):
        plot_distribution([1, 2], weights="weight")
    with pytest.raises(ValueError, match=BAD_LANGUAGE):
        plot_distribution(survey, language="de")
    with pytest.raises(ValueError, match=r"11.0 \(position 1\)"):
        plot_distribution([3, 11])
    with pytest.raises(TypeError, match="data is required"):
        plot_distribution()
    with pytest.raises(TypeError, match="ax must be a matplotlib Axes"):
        plot_distribution(survey, ax="left")
    with pytest.raises(ValueError, match="weights must be finite, non-negative"):
        plot_distribution(survey.assign(weight=-1.0), weights="weight")


# -- plot_nps --------------------------------------------------------------------------------------------------
@pytest.fixture
def summary_table() -> pd.DataFrame:
    return pd.DataFrame({"segment": ["North", "South", "East"], "n": [120, 0, 12],
                         "nps": [35.0, np.nan, -20.0], "ci_low": [22.0, np.nan, -95.0],
                         "ci_high": [47.0, np.nan, 30.0], "low_n": [False, True, True]})


def errorbar_parts(container):
    """(x, y) of the points and (low, high) of the bars of a vertical ErrorbarContainer."""
    line, _, (bars,) = container.lines
    segments = bars.get_segments()
    return (list(line.get_xdata()), list(line.get_ydata()),
            [float(s[0][1]) for s in segments], [float(s[1][1]) for s in segments])


def test_nps_from_a_summary_table(summary_table):
    ax = plot_nps(summary_table, by="segment")
    assert xticks(ax) == ["North\nn = 120", "South\nn = 0", "East\nn = 12"]
    assert len(ax.containers) == 1  # one errorbar container, for the two groups with an NPS
    x, y, low, high = errorbar_parts(ax.containers[0])
    assert x == [0, 2] and y == [35.0, -20.0]
    assert low == [22.0, -95.0] and high == [47.0, 30.0]
    assert ax.get_title() == "NPS by Segment" and ax.get_ylabel() == "NPS" and ax.get_xlabel() == "Segment"
    bottom, top = ax.get_ylim()
    assert bottom <= -95.0 and top >= 47.0  # never hides an interval
    assert "no answers" in texts(ax)  # South keeps its tick, without a point


def test_nps_flags_low_n_groups(summary_table):
    summary_table.attrs["min_n"] = 30
    ax = plot_nps(summary_table, by="segment")
    hollow = [line for line in ax.lines if line.get_markerfacecolor() == "white"]
    assert len(hollow) == 1 and list(hollow[0].get_xdata()) == [2]  # East; South has no point
    assert "n < 30: few answers" in legend_texts(ax)


def test_nps_benchmark_line(summary_table):
    ax = plot_nps(summary_table, by="segment", benchmark=25)
    lines = [line for line in ax.lines if list(line.get_ydata()) == [25, 25]]
    assert len(lines) == 1 and lines[0].get_linestyle() == "--"
    assert "Benchmark: 25.0" in legend_texts(ax)
    plain = plot_nps(summary_table, by="segment")
    assert not any("Benchmark" in t for t in legend_texts(plain))


def test_nps_bands_are_shaded_and_named(summary_table):
    ax = plot_nps(summary_table, by="segment", language="ru")
    spans = [p for p in ax.patches if p.get_alpha() is not None and p.get_alpha() < 0.5]
    assert len(spans) == 4
    shown = texts(ax)
    for word in ("крайне низкий", "удовлетворительный", "высокий"):
        assert word in shown
    ax = plot_nps(summary_table, by="segment", bands=False)
    assert not any(t in texts(ax) for t in ("very low", "satisfactory", "high", "very high"))
    assert len(ax.patches) == 0


def test_nps_band_colours_come_from_the_palette(summary_table):
    ax = plot_nps(summary_table, by="segment")
    colours = [to_hex(p.get_facecolor()[:3]) for p in ax.patches]
    assert colours == [PALETTE["detractor"], PALETTE["passive"], PALETTE["promoter"], PALETTE["promoter"]]


def test_nps_from_raw_answers():
    df = pd.DataFrame({"score": [10, 9, 8, 3, 10, 9, 7, 7, 0, 10], "region": list("NNNNNSSSSS")})
    ax = plot_nps(df, by="region", confidence=0.9, method="wald")
    _, y, low, high = errorbar_parts(ax.containers[0])
    # N: 3 promoters, 1 detractor of 5 -> 40; S: 2 promoters, 1 detractor of 5 -> 20
    assert y == pytest.approx([40.0, 20.0])
    for i, region in enumerate("NS"):
        ci = nt.confint(df.loc[df["region"] == region, "score"], confidence=0.9, method="wald")
        assert (low[i], high[i]) == pytest.approx((max(ci.low, -100), min(ci.high, 100)))
    assert xticks(ax) == ["N\nn = 5", "S\nn = 5"]
    assert "NPS with 90% interval" in legend_texts(ax)


def test_nps_without_groups_is_one_estimate(survey):
    ax = plot_nps(survey)
    assert xticks(ax) == ["All respondents\nn = 9"]
    assert errorbar_parts(ax.containers[0])[1] == pytest.approx([100 / 9])


def test_nps_order_and_unknown_groups(summary_table):
    ax = plot_nps(summary_table, by="segment", order=["East", "North", "West"])
    assert xticks(ax) == ["East\nn = 12", "North\nn = 120", "West"]
    x, y, _, _ = errorbar_parts(ax.containers[0])
    assert x == [0, 1] and y == [-20.0, 35.0]


def test_nps_summary_without_by_uses_its_label_column(summary_table):
    ax = plot_nps(summary_table)
    assert xticks(ax)[0] == "North\nn = 120" and ax.get_xlabel() == "Segment"


def test_nps_language(summary_table):
    ax = plot_nps(summary_table, by="segment", language="pl", benchmark=-10)
    assert ax.get_title() == "NPS w podziale na: Segment"
    assert f"Benchmark: {MINUS}10,0" in legend_texts(ax)
    assert "NPS z przedziałem ufności 95%" in legend_texts(ax)
    assert "brak odpowiedzi" in texts(ax)


def test_nps_draws_on_the_given_axes(summary_table):
    fig, (left, right) = plt.subplots(1, 2)
    assert plot_nps(summary_table, by="segment", ax=right) is right
    assert len(right.containers) == 1 and len(left.containers) == 0


def test_nps_bad_input(summary_table):
    with pytest.raises(TypeError, match="data must be a pandas DataFrame"):
        plot_nps([1, 2, 3])
    with pytest.raises(KeyError, match=r"summary column 'ci_high' is not in the data; available columns: "
                                       r"'segment', 'n', 'nps', 'ci_low', 'low_n'"):
        plot_nps(summary_table.drop(columns="ci_high"), by="segment")
    with pytest.raises(KeyError, match=r"by column 'region'"):
        plot_nps(summary_table, by="region")
    with pytest.raises(KeyError, match=r"score column 'score'"):
        plot_nps(pd.DataFrame({"q1": [1, 2]}))
    with pytest.raises(ValueError, match=r"benchmark must be an NPS number between -100 and 100, got 150"):
        plot_nps(summary_table, by="segment", benchmark=150)
    with pytest.raises(ValueError, match=r"benchmark must be an NPS number between -100 and 100, got nan"):
        plot_nps(summary_table, by="segment", benchmark=float("nan"))
    with pytest.raises(TypeError, match=r"benchmark must be an NPS number between -100 and 100 \(or None\), "
                                        r"got 'high'"):
        plot_nps(summary_table, by="segment", benchmark="high")
    with pytest.raises(ValueError, match=BAD_LANGUAGE):
        plot_nps(summary_table, by="segment", language="de")
    with pytest.raises(TypeError, match="column 'nps' must hold numbers"):
        plot_nps(summary_table.assign(nps=["a", "b", "c"]), by="segment")



# -- plot_nps with a custom scale ------------------------------------------------------------------------------
# the same answers on the standard 0-10 scale: each five-point answer to a value of its category
TO_ELEVEN = {1: 0, 2: 3, 3: 6, 4: 7, 5: 10}


@pytest.fixture
def five_point() -> pd.DataFrame:
    """Answers on a 1-5 scale; N: 2 promoters, 1 passive, 2 detractors of 5; S: 3, 2, 1 of 6 (one missing)."""
    return pd.DataFrame({"stars": [5, 5, 4, 1, 3, 5, 4, 4, 2, 5, 5, None],
                         "region": list("NNNNNSSSSSSS")})


def test_nps_custom_scale_is_the_figure_of_the_answers_recoded(five_point):
    recoded = five_point.assign(stars=five_point["stars"].map(TO_ELEVEN))
    for method in ("adjusted-wald", "wald", "score"):
        got = plot_nps(five_point, by="region", score="stars", scale=FIVE, method=method, benchmark=10)
        want = plot_nps(recoded, by="region", score="stars", method=method, benchmark=10)
        for got_part, want_part in zip(errorbar_parts(got.containers[0]), errorbar_parts(want.containers[0])):
            assert got_part == pytest.approx(want_part, rel=1e-12)
        assert xticks(got) == xticks(want) == ["N\nn = 5", "S\nn = 6"]
        assert texts(got) == texts(want) and legend_texts(got) == legend_texts(want)
        assert got.get_ylim() == pytest.approx(want.get_ylim())
        plt.close("all")
    # by hand: N 100 * (2 - 2) / 5 = 0; S 100 * (3 - 1) / 6 = 33.3
    _, y, low, high = errorbar_parts(plot_nps(five_point, by="region", score="stars", scale=FIVE,
                                              method="wald").containers[0])
    assert y == pytest.approx([0.0, 100 / 3])
    p, d, n = 3 / 6, 1 / 6, 6  # Wald: NPS +/- z * 100 * sqrt((p + d - (p - d)^2) / n)
    half = 1.959963984540054 * 100 * math.sqrt((p + d - (p - d) ** 2) / n)
    assert (low[1], high[1]) == pytest.approx((100 / 3 - half, 100 / 3 + half))


def test_nps_default_scale_is_the_standard_one(survey):
    plain, standard = plot_nps(survey, by="segment"), plot_nps(survey, by="segment", scale=nt.DEFAULT_SCALE)
    assert errorbar_parts(plain.containers[0]) == errorbar_parts(standard.containers[0])
    assert xticks(plain) == xticks(standard)


def test_nps_scale_is_checked(five_point, summary_table):
    with pytest.raises(ValueError, match=r"column 'stars': answers must be whole numbers 0 to 10.*"):
        plot_nps(five_point.assign(stars=five_point["stars"] + 10), score="stars")
    with pytest.raises(ValueError, match=r"answers must be whole numbers 1 to 5 .*got 0.0 \(position 0\)"):
        plot_nps(five_point.assign(stars=[0] + five_point["stars"].tolist()[1:]), score="stars", scale=FIVE)
    with pytest.raises(TypeError, match="scale must be an NPSScale"):
        plot_nps(five_point, score="stars", scale=(1, 5))
    with pytest.raises(ValueError, match="scale= applies to answers"):
        plot_nps(summary_table, by="segment", scale=FIVE)


def test_plots_count_nothing_themselves():
    """Counting goes through counting / summary: plots has no answer codes of its own."""
    from nps_toolkit import plots

    assert not hasattr(plots, "score_codes") and not hasattr(plots, "count_groups")
    assert plots.PALETTE is nt.PALETTE and plots.NEUTRAL == NEUTRAL and plots.MUTED == MUTED
    from nps_toolkit import _style

    assert plots.PALETTE is _style.PALETTE and plots.NEUTRAL is _style.NEUTRAL and plots.MUTED is _style.MUTED

# -- plot_trend ------------------------------------------------------------------------------------------------
@pytest.fixture
def periods() -> pd.DataFrame:
    """compare_periods-shaped: 2024Q3 has no answers, 2024Q2 few; significant rise in Q2, fall in 2025Q1."""
    table = pd.DataFrame({
        "period": ["2024Q1", "2024Q2", "2024Q3", "2024Q4", "2025Q1"],
        "n": [200, 25, 0, 180, 190],
        "nps": [12.0, 40.0, np.nan, 15.0, -5.0],
        "ci_low": [3.0, 8.0, np.nan, 5.0, -15.0],
        "ci_high": [21.0, 64.0, np.nan, 25.0, 5.0],
        "change": [np.nan, 28.0, np.nan, np.nan, -20.0],
        "p_value": [np.nan, 0.01, np.nan, np.nan, 0.004],
        "significant": pd.Series([np.nan, True, False, False, True], dtype=object),
        "low_n": [False, True, True, False, False],
    })
    table.attrs.update({"min_n": 30, "confidence": 0.95})
    return table


def marker_lines(ax, marker):
    return [line for line in ax.lines if line.get_marker() == marker and line.get_linestyle() == "None"]


def test_trend_line_gap_and_interval_band(periods):
    ax = plot_trend(periods)
    assert isinstance(ax, Axes)
    assert xticks(ax) == ["2024Q1", "2024Q2", "2024Q3", "2024Q4", "2025Q1"]
    main = [line for line in ax.lines if line.get_label() == "NPS"]
    assert len(main) == 1
    y = np.asarray(main[0].get_ydata(), dtype=float)
    assert np.isnan(y[2]) and list(y[[0, 1, 3, 4]]) == [12.0, 40.0, 15.0, -5.0]  # the empty period is a gap
    assert len(ax.collections) == 1  # the interval band
    assert ax.get_title() == "NPS over time" and ax.get_xlabel() == "Period" and ax.get_ylabel() == "NPS"
    bottom, top = ax.get_ylim()
    assert bottom <= -15.0 and top >= 64.0


def test_trend_marks_significant_changes(periods):
    ax = plot_trend(periods)
    up, down = marker_lines(ax, "^"), marker_lines(ax, "v")
    assert len(up) == 1 and len(down) == 1
    assert list(up[0].get_xdata()) == [1] and list(down[0].get_xdata()) == [4]
    assert same_colour(up[0].get_color(), PALETTE["promoter"]) and same_colour(down[0].get_color(),
                                                                                PALETTE["detractor"])
    assert "+28.0" in texts(ax) and f"{MINUS}20.0" in texts(ax)
    assert {"Significant increase", "Significant decrease"} <= set(legend_texts(ax))


def test_trend_flags_low_n(periods):
    ax = plot_trend(periods)
    # 2024Q2 is low-n and significant: a hollow triangle; 2024Q3 has no NPS
    assert up_is_hollow(marker_lines(ax, "^")[0])
    assert "n < 30: few answers" in legend_texts(ax)
    periods.loc[1, "significant"] = False
    ax = plot_trend(periods)
    hollow = [line for line in marker_lines(ax, "o") if line.get_markerfacecolor() == "white"]
    assert len(hollow) == 1 and list(hollow[0].get_xdata()) == [1]


def up_is_hollow(line) -> bool:
    return line.get_markerfacecolor() == "white"


def test_trend_without_change_marks(periods):
    ax = plot_trend(periods.drop(columns=["significant"]), show_changes=False)
    assert not marker_lines(ax, "^") and not marker_lines(ax, "v")
    assert not any(t.startswith("+") for t in texts(ax))


def test_trend_change_direction_without_a_change_column(periods):
    ax = plot_trend(periods.drop(columns=["change"]))
    assert list(marker_lines(ax, "^")[0].get_xdata()) == [1]  # 40 after 12


def test_trend_by_group(periods):
    other = periods.assign(nps=periods["nps"] + 10, ci_low=periods["ci_low"] + 10, ci_high=periods["ci_high"] + 10,
                           significant=False, low_n=False)
    table = pd.concat([periods.assign(region="North"), other.assign(region="South")], ignore_index=True)
    ax = plot_trend(table, by="region", language="ru")
    lines = {line.get_label(): line for line in ax.lines if line.get_label() in ("North", "South")}
    assert set(lines) == {"North", "South"}
    colours = {to_hex(line.get_color()) for line in lines.values()}
    assert len(colours) == 2 and not colours & set(PALETTE.values())  # a hue palette, not the categories'
    assert len(ax.collections) == 2
    assert ax.get_title() == "Динамика NPS в разрезе «Регион»"
    assert xticks(ax)[0] == "2024Q1" and ax.get_xlabel() == "Период"
    assert {"North", "South", "Значимый рост", "Значимое снижение", "n < 30: мало ответов"} <= set(legend_texts(ax))


def test_trend_language_pl(periods):
    ax = plot_trend(periods, language="pl")
    assert ax.get_title() == "NPS w czasie" and ax.get_xlabel() == "Okres"
    assert "Istotny wzrost" in legend_texts(ax) and "+28,0" in texts(ax)


def test_trend_draws_on_the_given_axes(periods):
    fig, ax = plt.subplots()
    assert plot_trend(periods, ax=ax) is ax


def test_trend_bad_input(periods):
    with pytest.raises(TypeError, match="data must be a pandas DataFrame"):
        plot_trend(periods.to_dict())
    with pytest.raises(KeyError, match=r"column 'ci_low' is not in the data; available columns: 'period'"):
        plot_trend(periods.drop(columns="ci_low"))
    with pytest.raises(KeyError, match=r"column 'significant'"):
        plot_trend(periods.drop(columns="significant"))
    with pytest.raises(KeyError, match=r"by column 'segment'"):
        plot_trend(periods, by="segment")
    with pytest.raises(TypeError, match=r"column 'significant' must hold True/False"):
        plot_trend(periods.assign(significant="yes"))
    with pytest.raises(ValueError, match=BAD_LANGUAGE):
        plot_trend(periods, language="de")


# -- plot_comparison -------------------------------------------------------------------------------------------
@pytest.fixture
def groups() -> pd.DataFrame:
    """compare_groups-shaped, reference A; D has no answers."""
    table = pd.DataFrame({
        "brand": ["A", "B", "C", "D"], "n": [300, 250, 280, 0], "nps": [20.0, 0.0, 25.0, np.nan],
        "ci_low": [12.0, -9.0, 16.0, np.nan], "ci_high": [28.0, 9.0, 34.0, np.nan],
        "difference": [np.nan, -20.0, 5.0, np.nan], "diff_low": [np.nan, -32.0, -7.0, np.nan],
        "diff_high": [np.nan, -8.0, 17.0, np.nan], "p_value": [np.nan, 0.001, 0.4, np.nan],
        "p_value_adjusted": [np.nan, 0.002, 0.4, np.nan], "significant": [False, True, False, False],
        "p_best": [0.2, 0.0, 0.8, np.nan],
    })
    table.attrs.update({"reference": "A", "confidence": 0.95})
    return table


def test_comparison_forest(groups):
    ax = plot_comparison(groups)
    assert yticks(ax) == ["A (reference)", "B", "C", "D (no answers)"]
    assert len(ax.containers) == 2  # one bar per compared group
    points = [(float(c.lines[0].get_xdata()[0]), float(c.lines[0].get_ydata()[0])) for c in ax.containers]
    assert points == [(-20.0, 1.0), (5.0, 2.0)]
    ends = [[tuple(map(float, s[:, 0])) for s in c.lines[2][0].get_segments()] for c in ax.containers]
    assert ends == [[(-32.0, -8.0)], [(-7.0, 17.0)]]
    assert same_colour(ax.containers[0].lines[0].get_color(), PALETTE["detractor"])  # significant, lower
    assert same_colour(ax.containers[1].lines[0].get_color(), MUTED)  # not significant
    zero = [line for line in ax.lines if list(line.get_xdata()) == [0, 0]]
    assert len(zero) == 1
    assert ax.get_title() == "Differences in NPS (95% intervals)"
    assert ax.get_xlabel() == "Difference in NPS, points"
    assert {"Significantly lower", "Not significant"} == set(legend_texts(ax))
    assert f"{MINUS}20.0 [{MINUS}32.0; {MINUS}8.0]" in texts(ax)


def test_comparison_reference_argument_and_label(groups):
    groups.attrs.clear()
    ax = plot_comparison(groups, label="brand", reference="A", language="ru")
    assert yticks(ax) == ["A (база сравнения)", "B", "C", "D (нет ответов)"]
    assert ax.get_xlabel() == "Разница NPS относительно A, пункты"
    # without attrs or reference, a row without a difference but with answers is the reference
    ax = plot_comparison(groups)
    assert yticks(ax)[0] == "A (reference)"


def test_comparison_significant_higher_is_green(groups):
    groups.loc[2, "significant"] = True
    ax = plot_comparison(groups, language="pl")
    assert same_colour(ax.containers[1].lines[0].get_color(), PALETTE["promoter"])
    assert {"Istotnie wyższy", "Istotnie niższy"} == set(legend_texts(ax))
    assert yticks(ax)[0] == "A (odniesienie)"


def test_comparison_label_column_is_found_or_given(groups):
    table = groups.drop(columns="brand").assign(name=["w", "x", "y", "z"])[["difference", "diff_low", "diff_high",
                                                                           "significant", "name"]]
    assert yticks(plot_comparison(table)) == ["w (reference)", "x", "y", "z (reference)"]
    assert yticks(plot_comparison(table, reference="w")) == ["w (reference)", "x", "y", "z (no answers)"]


def test_comparison_bad_input(groups):
    with pytest.raises(TypeError, match="data must be a pandas DataFrame"):
        plot_comparison(None)
    with pytest.raises(KeyError, match=r"column 'diff_low' is not in the data; available columns: 'brand'"):
        plot_comparison(groups.drop(columns="diff_low"))
    with pytest.raises(KeyError, match=r"label column 'segment'"):
        plot_comparison(groups, label="segment")
    with pytest.raises(ValueError, match=BAD_LANGUAGE):
        plot_comparison(groups, language="de")


# -- plot_decomposition ----------------------------------------------------------------------------------------
@pytest.fixture
def decomposition() -> pd.DataFrame:
    return pd.DataFrame({"component": ["previous", "promoters", "detractors", "current"],
                         "points": [10.0, 6.0, -2.0, 14.0], "kind": ["level", "change", "change", "level"]})


def test_decomposition_waterfall(decomposition):
    ax = plot_decomposition(decomposition)
    bars = ax.containers[0]
    assert len(bars) == 4
    assert [b.get_y() for b in bars] == [0.0, 10.0, 16.0, 0.0]
    assert [b.get_height() for b in bars] == [10.0, 6.0, -2.0, 14.0]
    expected = [NEUTRAL, PALETTE["promoter"], PALETTE["detractor"], NEUTRAL]
    assert all(same_colour(b.get_facecolor(), c) for b, c in zip(bars, expected))
    assert texts(ax) == ["10.0", "+6.0", f"{MINUS}2.0", "14.0"]
    assert xticks(ax) == ["Previous", "Promoters", "Detractors", "Current"]
    assert ax.get_title() == "Change in NPS: 10.0 → 14.0 (+4.0 points)"
    assert ax.get_ylabel() == "NPS, points"
    assert legend_texts(ax) == ["Level", "Increase", "Decrease"]


def test_decomposition_with_any_number_of_segment_rows():
    table = pd.DataFrame({"component": ["previous", "within: North", "within: South", "within: East", "mix",
                                        "current"],
                          "points": [-12.0, 3.0, -5.0, 0.0, 1.5, -12.5],
                          "kind": ["level", "change", "change", "change", "change", "level"]})
    ax = plot_decomposition(table, language="ru")
    bars = ax.containers[0]
    assert [b.get_y() for b in bars] == [0.0, -12.0, -9.0, -14.0, -14.0, 0.0]
    assert same_colour(bars[3].get_facecolor(), MUTED)  # no change
    assert [t.replace("\n", " ") for t in xticks(ax)] == [  # long labels are wrapped
        "Прошлый период", "Внутри: North", "Внутри: South", "Внутри: East", "Структура сегментов", "Текущий период"]
    assert ax.get_title() == f"Изменение NPS: {MINUS}12,0 → {MINUS}12,5 ({MINUS}0,5 п.)"
    assert ax.get_ylim()[1] == 0.0  # everything below zero


def test_decomposition_language_pl(decomposition):
    ax = plot_decomposition(decomposition, language="pl")
    assert xticks(ax) == ["Poprzedni okres", "Promotorzy", "Krytycy", "Bieżący okres"]
    assert legend_texts(ax) == ["Poziom", "Wzrost", "Spadek"]


def test_decomposition_draws_on_the_given_axes(decomposition):
    fig, ax = plt.subplots()
    assert plot_decomposition(decomposition, ax=ax) is ax


def test_decomposition_bad_input(decomposition):
    with pytest.raises(TypeError, match="data must be a pandas DataFrame"):
        plot_decomposition([1, 2])
    with pytest.raises(KeyError, match=r"column 'kind' is not in the data; available columns: 'component', "
                                       r"'points'"):
        plot_decomposition(decomposition.drop(columns="kind"))
    with pytest.raises(ValueError, match=r"'level' or 'change'; got 'total' \(position 3\)"):
        plot_decomposition(decomposition.assign(kind=["level", "change", "change", "total"]))
    with pytest.raises(ValueError, match="the first row must be a 'level'"):
        plot_decomposition(decomposition.iloc[1:])
    with pytest.raises(ValueError, match="finite numbers"):
        plot_decomposition(decomposition.assign(points=[10.0, np.nan, -2.0, 14.0]))
    with pytest.raises(ValueError, match="no rows"):
        plot_decomposition(decomposition.iloc[:0])
    with pytest.raises(ValueError, match=BAD_LANGUAGE):
        plot_decomposition(decomposition, language="de")


def test_distribution_counted_where_the_answers_are(survey, tmp_path):
    """A Parquet file or a Polars frame is counted per value by its engine: the same bars and title."""
    pytest.importorskip("duckdb")
    pl = pytest.importorskip("polars")
    path = tmp_path / "survey.parquet"
    survey.to_parquet(path)
    for weights in (None, "weight"):
        want = plot_distribution(survey, weights=weights)
        for data in (str(path), pl.from_pandas(survey)):
            got = plot_distribution(data, weights=weights)
            assert [b.get_height() for b in got.containers[0]] == pytest.approx(
                [b.get_height() for b in want.containers[0]], rel=1e-12)
            assert got.get_title() == want.get_title()
            assert [t.get_text() for t in got.get_legend().get_texts()] == \
                [t.get_text() for t in want.get_legend().get_texts()]
        plt.close("all")
    with pytest.raises(TypeError, match="must be the name of its weights column"):
        plot_distribution(str(path), weights=[1.0] * len(survey))


# -- text from the data is drawn as plain text -----------------------------------------------------------------
from matplotlib.text import Text  # noqa: E402

from nps_toolkit.plots import plot_drivers  # noqa: E402

MARKUP = ["Promo $\\badcmd$", "<b>x</b>", "a_b^c"]


def drawn(ax) -> None:
    """Draw the figure: every text is laid out (mathtext would be parsed here)."""
    ax.figure.canvas.draw()


def all_texts(ax) -> list:
    """Every Text of the figure with something written in it."""
    return [t for t in ax.figure.findobj(Text) if t.get_text()]


def test_mathtext_would_reject_the_label():
    """The labels below are a real danger: drawn as matplotlib draws text by default, the first one fails."""
    fig, ax = plt.subplots()
    ax.set_title(MARKUP[0])
    with pytest.raises(ValueError):
        fig.canvas.draw()


@pytest.mark.parametrize("name", MARKUP)
def test_every_figure_draws_names_from_the_data_as_plain_text(name, survey, summary_table, periods, groups):
    one_line = name  # short enough never to be wrapped
    figures = {}
    figures["distribution"] = ax = plot_distribution(survey, title=name)
    assert ax.get_title().startswith(f"{name}: NPS = ")
    figures["nps"] = ax = plot_nps(summary_table.assign(segment=[name, "South", "East"]).rename(
        columns={"segment": name}), by=name)
    assert xticks(ax)[0] == f"{one_line}\nn = 120" and ax.get_xlabel() == name and ax.get_title() == f"NPS by {name}"
    raw = pd.DataFrame({"score": [10, 9, 0, 7], name: [name, name, "b", "b"]})
    figures["nps_raw"] = ax = plot_nps(raw, by=name, order=[name, "b", "c"])
    assert [t.split("\n")[0] for t in xticks(ax)] == [name, "b", "c"]
    table = pd.concat([periods.assign(region=name), periods.assign(region="South", significant=False)],
                      ignore_index=True)
    figures["trend_by"] = ax = plot_trend(table, by="region")
    assert name in legend_texts(ax) and ax.get_title() == "NPS over time by Region"
    figures["trend_periods"] = ax = plot_trend(periods.assign(period=[name, "b", "c", "d", "e"]).rename(
        columns={"period": name}), period=name)
    assert xticks(ax)[0] == name and ax.get_xlabel() == name
    figures["comparison"] = ax = plot_comparison(groups.assign(brand=[name, "B", "C", "D"]), reference=name)
    assert yticks(ax)[0] == f"{name} (reference)" and ax.get_xlabel() == f"Difference in NPS from {name}, points"
    decomposition = pd.DataFrame({"component": ["previous", f"within: {name}", name, "current"],
                                  "points": [10.0, 2.0, 1.0, 13.0], "kind": ["level", "change", "change", "level"]})
    figures["decomposition"] = ax = plot_decomposition(decomposition)
    assert [t.replace("\n", " ") for t in xticks(ax)][1:3] == [f"Within {name}", name]
    drivers = pd.DataFrame({"driver": [name, "support"], "importance": [0.3, 0.1], "importance_share": [0.75, 0.25],
                            "low": [0.2, 0.05], "high": [0.35, 0.15], "correlation": [0.5, -0.2]})
    figures["drivers"] = ax = plot_drivers(drivers)
    assert yticks(ax)[0] == name
    for what, ax in figures.items():
        drawn(ax)
        shown = all_texts(ax)
        assert any(name in t.get_text() for t in shown), what
        for t in shown:
            if name in t.get_text() or any(c in t.get_text() for c in "$^_<"):
                assert t.get_parse_math() is False and t.get_usetex() is False, (what, t.get_text())


def test_a_group_named_like_a_hidden_matplotlib_label_is_still_in_the_legend(periods):
    table = pd.concat([periods.assign(region="_north"), periods.assign(region="south")], ignore_index=True)
    ax = plot_trend(table, by="region")
    assert {"_north", "south"} <= set(legend_texts(ax))


# -- nothing written over anything else --------------------------------------------------------------------------
def shown_boxes(ax) -> list:
    """(what, window extent) of every text drawn: annotations, ticks in view, title, axis labels, the legend."""
    fig = ax.figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    boxes = [(f"{t.get_gid()}: {t.get_text()}", t.get_window_extent(renderer)) for t in ax.texts
             if t.get_visible() and t.get_text()]
    for kind, axis, view in (("x tick", ax.xaxis, ax.get_xlim()), ("y tick", ax.yaxis, ax.get_ylim())):
        low, high = sorted(view)
        for tick in axis.get_major_ticks():
            label = tick.label1
            if low - 1e-9 <= tick.get_loc() <= high + 1e-9 and label.get_visible() and label.get_text():
                boxes.append((f"{kind}: {label.get_text()}", label.get_window_extent(renderer)))
    for what, t in (("title", ax.title), ("x label", ax.xaxis.label), ("y label", ax.yaxis.label)):
        if t.get_text():
            boxes.append((what, t.get_window_extent(renderer)))
    if ax.get_legend() is not None:
        boxes.append(("legend", ax.get_legend().get_window_extent(renderer)))
    return boxes


def overlap(a, b, pad: float = 0.5) -> bool:
    return min(a.x1, b.x1) - max(a.x0, b.x0) > pad and min(a.y1, b.y1) - max(a.y0, b.y0) > pad


def collisions(boxes) -> list:
    return [(boxes[i][0], boxes[j][0]) for i in range(len(boxes)) for j in range(i + 1, len(boxes))
            if overlap(boxes[i][1], boxes[j][1])]


def outside_the_figure(ax, boxes) -> list:
    frame = ax.figure.bbox
    return [what for what, b in boxes
            if b.x0 < frame.x0 - 1 or b.x1 > frame.x1 + 1 or b.y0 < frame.y0 - 1 or b.y1 > frame.y1 + 1]


@pytest.fixture(scope="module")
def sample_tables() -> dict:
    """The tables the benchmark, competitor and period templates draw, from the bundled sample."""
    data = nt.load_sample()
    ours = data[data["brand"] == nt.OUR_BRAND]
    segments = nt.compare_groups(ours, by="segment", n_resamples=200, random_state=1)
    segments["low_n"] = segments["n"] < 30
    brands = nt.compare_groups(data, by="brand", reference=nt.OUR_BRAND, n_resamples=200, random_state=1)
    return {"segments": segments, "brands": brands, "periods": nt.compare_periods(ours, freq="QE"),
            "segment_periods": nt.compare_periods(ours, freq="QE", by="segment"),
            "forest": brands[brands["brand"] != nt.OUR_BRAND]}


def hard_nps_table() -> pd.DataFrame:
    """Points where the band names used to be (the middle of a band, at the right end), long names, big n."""
    names = ["Очень длинное название сегмента номер один", "Krótka", "Supercalifragilisticexpialidocious",
             "Ё", "Średni segment klientów"]
    return pd.DataFrame({"segment": names, "n": [1200, 40, 12345, 5, 300], "nps": [15.0, -100.0, 85.5, 50.5, 15.0],
                         "ci_low": [5.0, -100.0, 75.0, 20.0, 5.0], "ci_high": [25.0, -80.0, 100.0, 80.0, 25.0],
                         "low_n": [False, False, False, True, False]})


def band_and_value_boxes(ax):
    ax.figure.canvas.draw()
    renderer = ax.figure.canvas.get_renderer()
    bands = [t.get_window_extent(renderer) for t in ax.texts if t.get_gid() == "nps-band"]
    values = [t.get_window_extent(renderer) for t in ax.texts if t.get_gid() == "nps-value"]
    return bands, values


@pytest.mark.parametrize("language", ["en", "ru", "pl"])
def test_band_names_never_cover_a_value(language, sample_tables):
    cases = [plot_nps(sample_tables["segments"], by="segment", benchmark=28.4, language=language),
             plot_nps(sample_tables["brands"], by="brand", language=language),
             plot_nps(hard_nps_table(), by="segment", benchmark=-50, language=language),
             plot_nps(hard_nps_table().assign(nps=15.0, ci_low=10.0, ci_high=20.0), by="segment", language=language)]
    fig, given = plt.subplots(figsize=(6.4, 4.8))  # a caller's axes, not sized by plot_nps
    cases.append(plot_nps(sample_tables["segments"], by="segment", ax=given, language=language))
    for ax in cases:
        bands, values = band_and_value_boxes(ax)
        assert len(bands) >= 1 and len(values) >= 4
        assert not [(b, v) for b in bands for v in values if overlap(b, v)]
        frame = ax.get_window_extent()
        assert all(b.x0 >= frame.x1 for b in bands)  # outside the plotting area, right of the spine
        assert all(v.x1 <= frame.x1 + 0.5 for v in values)  # value labels stay inside it
        assert not collisions([(f"band {i}", b) for i, b in enumerate(bands)])


@pytest.mark.parametrize("language", ["en", "ru", "pl"])
def test_no_text_of_the_template_figures_overlaps_another(language, sample_tables):
    figures = {
        "segments": plot_nps(sample_tables["segments"], by="segment", benchmark=28.4, language=language),
        "brands": plot_nps(sample_tables["brands"], by="brand", language=language),
        "hard": plot_nps(hard_nps_table(), by="segment", benchmark=-50, language=language),
        "trend": plot_trend(sample_tables["periods"], language=language),
        "segment trend": plot_trend(sample_tables["segment_periods"], by="segment", language=language),
        "forest": plot_comparison(sample_tables["forest"], label="brand", language=language),
        "distribution": plot_distribution(nt.load_sample(), language=language),
    }
    periods = sample_tables["segment_periods"]
    last, before = sorted(periods["period"].unique())[-1], sorted(periods["period"].unique())[-2]
    figures["waterfall"] = plot_decomposition(nt.decompose_change(periods[periods["period"] == before],
                                                                  periods[periods["period"] == last], by="segment"),
                                              language=language)
    for what, ax in figures.items():
        boxes = shown_boxes(ax)
        assert len(boxes) > 5, what
        assert collisions(boxes) == [], what
        assert outside_the_figure(ax, boxes) == [], what


def test_long_group_names_are_wrapped_and_stay_distinct():
    table = hard_nps_table()
    table.loc[4, "segment"] = "Очень длинное название сегмента номер два"
    ax = plot_nps(table, by="segment")
    names = [t.rsplit("\n", 1)[0] for t in xticks(ax)]
    assert all(len(line) <= 16 for name in names for line in name.split("\n"))
    assert names[1] == "Krótka" and names[3] == "Ё"
    assert names[2] == "Supercalifragili\nsticexpialidocio\nus"  # a long word is broken too
    assert len(set(names)) == 5 and names[0].endswith("один") and names[4].endswith("два")
    assert "…" in _plots._wrap("word " * 30, 16)  # past four lines a name is cut
    ax = plot_comparison(pd.DataFrame({"brand": ["A very long brand name that goes on and on", "B"],
                                       "difference": [5.0, np.nan], "diff_low": [1.0, np.nan],
                                       "diff_high": [9.0, np.nan], "significant": [True, False]}), reference="B")
    assert yticks(ax)[0] == "A very long brand name that\ngoes on and on"


# -- a change that rounds to zero is said in words ----------------------------------------------------------------
@pytest.mark.parametrize("language, words, no_difference", [
    ("en", "no change", "no difference"), ("ru", "без изменений", "нет разницы"), ("pl", "bez zmian", "brak różnicy")])
def test_no_change_in_words(language, words, no_difference, periods, groups, decomposition):
    ax = plot_trend(periods.assign(change=[np.nan, 0.04, np.nan, np.nan, -20.0]), language=language)
    assert words in texts(ax)
    assert not any(t.strip("+\u2212").replace(",", ".") == "0.0" for t in texts(ax))
    groups.loc[1, ["difference", "diff_low", "diff_high"]] = [-0.02, -8.0, 8.0]
    ax = plot_comparison(groups, language=language)
    assert any(t.startswith(f"{no_difference} [") for t in texts(ax))
    flat = pd.DataFrame({"component": ["previous", "promoters", "detractors", "current"],
                         "points": [10.0, 3.0, -3.0, 10.0], "kind": ["level", "change", "change", "level"]})
    ax = plot_decomposition(flat.assign(points=[10.0, 0.01, -0.01, 10.0]), language=language)
    assert texts(ax)[1:3] == [words, words]
    assert ax.get_title() == _i18n.text("decomposition_title_zero", language, previous=_i18n.number(10.0, language),
                                        current=_i18n.number(10.0, language))
    assert words in ax.get_title()
    ax = plot_decomposition(decomposition, language=language)
    assert words not in ax.get_title()
