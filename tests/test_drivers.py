"""Key drivers: Shapley values of R² against a brute-force computation, a simulation with known importance,
exact small cases, relative weights, the bootstrap, validation and the plot."""

from __future__ import annotations

import itertools
import math

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from nps_toolkit._i18n import TEXTS
from nps_toolkit.drivers import DRIVER_COLUMNS, _correlations, key_drivers
from nps_toolkit.plots import plot_drivers


def _r2_lstsq(x: np.ndarray, y: np.ndarray, columns) -> float:
    """R² of least squares of y on an intercept and the given columns of x."""
    design = np.column_stack([np.ones(len(y))] + [x[:, c] for c in columns])
    beta, *_ = np.linalg.lstsq(design, y, rcond=None)
    residual = y - design @ beta
    return 1.0 - residual @ residual / ((y - y.mean()) @ (y - y.mean()))


def _brute_force_shapley(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Shapley values of R² by the textbook formula, every subset fitted with np.linalg.lstsq."""
    k = x.shape[1]
    r2 = {s: _r2_lstsq(x, y, s) for size in range(k + 1) for s in itertools.combinations(range(k), size)}
    out = np.zeros(k)
    for j in range(k):
        for s, value in r2.items():
            if j in s:
                continue
            weight = math.factorial(len(s)) * math.factorial(k - len(s) - 1) / math.factorial(k)
            out[j] += weight * (r2[tuple(sorted(s + (j,)))] - value)
    return out


@pytest.fixture(scope="module")
def simulated() -> pd.DataFrame:
    """1-10 ratings; score = 0.6 quality + 0.3 support + noise; price and delivery do not matter."""
    rng = np.random.default_rng(20261123)
    n = 3000
    ratings = pd.DataFrame(rng.integers(1, 11, size=(n, 4)), columns=["price", "quality", "support", "delivery"])
    ratings["score"] = 0.6 * ratings["quality"] + 0.3 * ratings["support"] + rng.normal(0, 1.0, n)
    return ratings


DRIVERS = ["price", "quality", "support", "delivery"]


def test_simulation_with_known_importance(simulated):
    table = key_drivers(simulated, drivers=DRIVERS, n_resamples=300, random_state=1)
    assert list(table.columns) == DRIVER_COLUMNS
    assert table["driver"].tolist()[:2] == ["quality", "support"]
    assert table["rank"].tolist() == [1, 2, 3, 4]
    # independent drivers: the Shapley value is the squared standardised coefficient
    sd = simulated[DRIVERS].std(ddof=0)
    var_y = simulated["score"].var(ddof=0)
    expected = {"quality": 0.36 * sd["quality"] ** 2 / var_y, "support": 0.09 * sd["support"] ** 2 / var_y}
    by = table.set_index("driver")
    for name, value in expected.items():
        assert by.loc[name, "importance"] == pytest.approx(value, abs=0.02)
        assert by.loc[name, "low"] < by.loc[name, "importance"] < by.loc[name, "high"]
    assert by.loc[["price", "delivery"], "importance"].max() < 0.005
    assert by.loc["quality", "low"] > by.loc["support", "high"]  # the ranking is clear


def test_shapley_equals_brute_force_with_correlated_drivers():
    rng = np.random.default_rng(7)
    n, k = 400, 5
    x = rng.normal(size=(n, k))
    x[:, 1] += 0.8 * x[:, 0]
    x[:, 3] -= 0.5 * x[:, 2]
    y = x @ np.array([0.5, 0.4, 0.0, 0.3, -0.2]) + rng.normal(size=n)
    data = pd.DataFrame(x, columns=list("abcde")).assign(score=y)
    table = key_drivers(data, drivers=list("abcde"), n_resamples=0).set_index("driver").loc[list("abcde")]
    assert table["importance"].to_numpy() == pytest.approx(_brute_force_shapley(x, y), abs=1e-10)
    assert table["importance"].sum() == pytest.approx(_r2_lstsq(x, y, range(k)), abs=1e-10)
    assert table["importance_share"].sum() == pytest.approx(1.0)
    assert table.attrs["r_squared"] == pytest.approx(_r2_lstsq(x, y, range(k)), abs=1e-10)
    corr = [np.corrcoef(x[:, j], y)[0, 1] for j in range(k)]
    assert table["correlation"].to_numpy() == pytest.approx(corr)
    assert np.isnan(table["low"]).all()  # no resamples, no intervals


def test_exact_small_cases():
    # orthogonal drivers of equal variance, no noise: R² = 1 split 4 : 1 (squared coefficients 2² and 1²)
    x1 = np.tile([1.0, -1.0, 1.0, -1.0], 3)
    x2 = np.tile([1.0, 1.0, -1.0, -1.0], 3)
    data = pd.DataFrame({"x1": x1, "x2": x2, "score": 2 * x1 + x2 + 5})
    for method in ("shapley", "relative-weights"):
        table = key_drivers(data, drivers=["x1", "x2"], n_resamples=0, method=method)
        assert table["importance"].tolist() == pytest.approx([0.8, 0.2])
        assert table.attrs["r_squared"] == pytest.approx(1.0)
    # two correlated drivers: importance_1 = (R²_1 + R²_12 - R²_2) / 2
    y = np.array([3.0, 5.0, 4.0, 8.0, 9.0, 7.0, 10.0, 6.0, 2.0, 5.0, 8.0, 9.0])
    a = np.array([1.0, 3.0, 2.0, 6.0, 7.0, 5.0, 9.0, 4.0, 1.0, 2.0, 6.0, 8.0])
    b = np.array([2.0, 2.0, 3.0, 5.0, 6.0, 6.0, 7.0, 5.0, 3.0, 4.0, 4.0, 7.0])
    r_a, r_b = np.corrcoef(a, y)[0, 1] ** 2, np.corrcoef(b, y)[0, 1] ** 2
    r_ab = _r2_lstsq(np.column_stack([a, b]), y, [0, 1])
    table = key_drivers(pd.DataFrame({"a": a, "b": b, "score": y}), drivers=["a", "b"], n_resamples=0)
    got = table.set_index("driver")["importance"]
    assert got["a"] == pytest.approx((r_a + r_ab - r_b) / 2)
    assert got["b"] == pytest.approx((r_b + r_ab - r_a) / 2)


def test_relative_weights_sum_to_r2_and_agree_with_shapley(simulated):
    rw = key_drivers(simulated, drivers=DRIVERS, method="relative-weights", n_resamples=100, random_state=3)
    sh = key_drivers(simulated, drivers=DRIVERS, n_resamples=0)
    assert rw["importance"].sum() == pytest.approx(sh.attrs["r_squared"])
    assert rw["driver"].tolist() == sh["driver"].tolist()
    merged = rw.set_index("driver")["importance"] - sh.set_index("driver")["importance"]
    assert merged.abs().max() < 0.01
    many = pd.DataFrame(np.random.default_rng(1).normal(size=(200, 20)), columns=[f"x{i}" for i in range(20)])
    many["score"] = many.sum(axis=1)
    assert len(key_drivers(many, drivers=[f"x{i}" for i in range(20)], method="relative-weights",
                           n_resamples=50, random_state=1)) == 20


def test_bootstrap_is_seeded_and_resamples_rows(simulated):
    first = key_drivers(simulated, drivers=DRIVERS, n_resamples=200, random_state=42)
    second = key_drivers(simulated, drivers=DRIVERS, n_resamples=200, random_state=42)
    pd.testing.assert_frame_equal(first, second)
    assert first["share_low"].le(first["importance_share"]).all()
    assert first.attrs["r_squared_low"] < first.attrs["r_squared"] < first.attrs["r_squared_high"]
    # a resample's weighted correlations are those of the rows repeated by their counts
    x = simulated[DRIVERS + ["score"]].to_numpy(float)[:50]
    counts = np.random.default_rng(5).multinomial(50, np.full(50, 1 / 50), size=3).astype(float)
    corr = _correlations(x, counts)
    for row, c in zip(counts, corr):
        assert c == pytest.approx(np.corrcoef(np.repeat(x, row.astype(int), axis=0), rowvar=False))


def test_missing_rows_are_dropped_and_counted(simulated):
    data = simulated.copy()
    data.loc[[0, 5], "quality"] = np.nan
    data.loc[[5, 9], "score"] = np.nan
    table = key_drivers(data, drivers=DRIVERS, n_resamples=0)
    assert table.attrs["n"] == len(data) - 3 and table.attrs["n_dropped"] == 3
    expected = key_drivers(simulated.drop(index=[0, 5, 9]), drivers=DRIVERS, n_resamples=0)
    pd.testing.assert_frame_equal(table, expected, check_like=True)


def test_bad_input(simulated):
    with pytest.raises(KeyError, match="driver column 'speed' is not in the data"):
        key_drivers(simulated, drivers=["quality", "speed"])
    with pytest.raises(TypeError, match="needs drivers="):
        key_drivers(simulated)
    with pytest.raises(ValueError, match=r"name a column more than once: \['quality'\]"):
        key_drivers(simulated, drivers=["quality", "quality"])
    with pytest.raises(ValueError, match="cannot also be a driver"):
        key_drivers(simulated, drivers=["quality", "score"])
    text = simulated.astype({"price": object})
    text.loc[3, "price"] = "high"
    with pytest.raises(TypeError, match=r"column 'price' must hold numbers \(ratings\), got 'high' \(position 3\)"):
        key_drivers(text, drivers=DRIVERS)
    with pytest.raises(TypeError, match="got booleans"):
        key_drivers(simulated.assign(flag=simulated["price"] > 5), drivers=["flag", "quality"])
    with pytest.raises(ValueError, match="at least 10 complete rows for 2 driver"):
        key_drivers(simulated.head(8), drivers=["quality", "support"])
    with pytest.raises(ValueError, match="column 'delivery' does not vary"):
        key_drivers(simulated.assign(delivery=5), drivers=DRIVERS)
    with pytest.raises(ValueError, match="finite numbers"):
        key_drivers(simulated.assign(price=np.inf), drivers=DRIVERS)
    with pytest.raises(ValueError, match="unknown method 'lmg'"):
        key_drivers(simulated, drivers=DRIVERS, method="lmg")
    wide = pd.DataFrame(np.random.default_rng(0).normal(size=(100, 17)), columns=[f"x{i}" for i in range(17)])
    with pytest.raises(ValueError, match="up to 15 drivers.*relative-weights"):
        key_drivers(wide, score="x16", drivers=[f"x{i}" for i in range(16)])
    with pytest.raises(ValueError, match="confidence"):
        key_drivers(simulated, drivers=DRIVERS, confidence=95)


def test_ten_drivers_with_a_thousand_resamples_is_quick():
    import time

    rng = np.random.default_rng(2)
    data = pd.DataFrame(rng.integers(1, 11, size=(2000, 10)), columns=[f"d{i}" for i in range(10)]).astype(float)
    data["score"] = data.to_numpy() @ np.linspace(0.5, 0.05, 10) + rng.normal(0, 2, 2000)
    start = time.perf_counter()
    table = key_drivers(data, drivers=[f"d{i}" for i in range(10)], n_resamples=1000, random_state=1)
    assert time.perf_counter() - start < 10.0  # about 1 s on a laptop
    assert table["driver"].iloc[0] == "d0"


def test_plot_drivers(simulated):
    table = key_drivers(simulated.assign(price=-simulated["score"] + np.random.default_rng(1).normal(0, 5, 3000)),
                        drivers=DRIVERS, n_resamples=100, random_state=1)
    ax = plot_drivers(table, language="ru")
    assert len(ax.containers[0]) == 4
    assert [t.get_text() for t in ax.get_yticklabels()] == table["driver"].tolist()
    assert ax.get_title().startswith("Что влияет на оценку (R² = ")
    assert ax.get_xlabel() == TEXTS["drivers_axis"]["ru"]
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert TEXTS["drivers_negative"]["ru"] in labels and "95\u00a0% бутстреп-интервал" in labels
    plt.close("all")
    with pytest.raises(ValueError, match="unknown language 'de'"):
        plot_drivers(table, language="de")
    with pytest.raises(KeyError, match="column 'importance' is not in the data"):
        plot_drivers(table.drop(columns="importance"))
    with pytest.raises(TypeError, match=r"data must be a pandas DataFrame \(the table of key_drivers\), got list"):
        plot_drivers([1, 2])



def test_plot_drivers_lives_in_plots_and_keeps_its_old_keyword(simulated):
    import warnings

    import nps_toolkit as nt
    from nps_toolkit import plots

    assert nt.plot_drivers is plot_drivers is plots.plot_drivers
    table = key_drivers(simulated, drivers=DRIVERS, n_resamples=0)
    want = plot_drivers(table)
    with pytest.warns(DeprecationWarning, match=r"plot_drivers\(\): 'table' is renamed 'data'"):
        got = plot_drivers(table=table)
    assert [b.get_width() for b in got.containers[0]] == [b.get_width() for b in want.containers[0]]
    assert got.get_title() == want.get_title()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the new name does not warn
        plot_drivers(data=table)
    with pytest.raises(TypeError, match="got both 'table' and its new name 'data'"):
        plot_drivers(table=table, data=table)
    with pytest.raises(ValueError, match="data has no rows; expected one row per driver"):
        plot_drivers(table.iloc[:0])
    plt.close("all")


def test_drivers_is_a_table_module():
    """Importing the drivers module draws in neither matplotlib, seaborn nor the plots module."""
    import subprocess
    import sys

    code = ("import sys, nps_toolkit.drivers; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('matplotlib', 'seaborn') "
            "or m == 'nps_toolkit.plots'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"

def test_texts_have_every_language_and_the_same_placeholders():
    import string

    for key, entry in TEXTS.items():
        assert set(entry) == {"en", "ru", "pl"}, key
        fields = [{f for _, f, _, _ in string.Formatter().parse(v) if f} for v in entry.values()]
        assert all(f == fields[0] for f in fields), key


def _wls_r2(x: np.ndarray, y: np.ndarray, w: np.ndarray, columns) -> float:
    """Weighted least squares R² by np.linalg.lstsq on sqrt(w)-scaled rows (weighted mean of y as the base)."""
    design = np.column_stack([np.ones(len(y))] + [x[:, c] for c in columns])
    root = np.sqrt(w)
    beta, *_ = np.linalg.lstsq(design * root[:, None], y * root, rcond=None)
    residual = y - design @ beta
    centred = y - np.average(y, weights=w)
    return 1.0 - (w * residual ** 2).sum() / (w * centred ** 2).sum()


def test_weighted_drivers_match_weighted_least_squares_and_replicated_rows(simulated):
    rng = np.random.default_rng(8)
    data = simulated.head(400).assign(w=rng.integers(1, 4, 400))
    table = key_drivers(data, drivers=DRIVERS, weights="w", n_resamples=0).set_index("driver").loc[DRIVERS]
    x, y, w = data[DRIVERS].to_numpy(float), data["score"].to_numpy(float), data["w"].to_numpy(float)
    k = len(DRIVERS)
    r2 = {s: _wls_r2(x, y, w, s) for size in range(k + 1) for s in itertools.combinations(range(k), size)}
    shapley = np.zeros(k)
    for j in range(k):
        for s, value in r2.items():
            if j not in s:
                weight = math.factorial(len(s)) * math.factorial(k - len(s) - 1) / math.factorial(k)
                shapley[j] += weight * (r2[tuple(sorted(s + (j,)))] - value)
    assert table["importance"].to_numpy() == pytest.approx(shapley, abs=1e-10)
    replicated = key_drivers(data.loc[data.index.repeat(data["w"])], drivers=DRIVERS, n_resamples=0)
    replicated = replicated.set_index("driver").loc[DRIVERS]
    for column in ("importance", "importance_share", "correlation"):
        assert table[column].to_numpy() == pytest.approx(replicated[column].to_numpy(), abs=1e-10)
    unweighted = key_drivers(data, drivers=DRIVERS, n_resamples=0).set_index("driver").loc[DRIVERS]
    assert not np.allclose(table["importance"], unweighted["importance"])  # the weights matter
    boot = key_drivers(data, drivers=DRIVERS, weights="w", n_resamples=200, random_state=3)
    assert boot.attrs["weights"] == "w" and (boot["low"] <= boot["importance"]).all()
    with pytest.raises(ValueError, match=r"w: weights must be finite, non-negative numbers; got -1 \(position 2\)"):
        key_drivers(data.assign(w=data["w"].where(data.index != 2, -1)), drivers=DRIVERS, weights="w")
