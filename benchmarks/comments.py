"""How well nps_toolkit.classify_comments sorts comments: kinds, themes and languages against labels.

Two labelled sets:

* ``tests/data/comments_labelled.csv``: 366 comments in English, Russian and
  Polish written by hand for this purpose (varied, with inflection, negation,
  typos and mixed themes), labelled with their language, kind and themes.
  About 30% of them (column ``split`` = "holdout", drawn at random within
  each language and kind before the lexicon was written) were not looked at
  while the lexicon was tuned on the rest ("tune"); the holdout figures are
  the honest ones.
* the bundled sample survey's comments with the labels of the generator that
  wrote them (``tests/data/sample_comment_labels.csv``): the kinds of their
  sentences (a comment of a complaint and a request is "minus;suggestion")
  and their themes, among price, quality, support, delivery and usability.
  A predicted kind counts as right when it is one of the comment's kinds; the
  themes are compared on the generator's five themes only.

Labelling guide of the hand-written set
---------------------------------------
kind
    plus (praise), minus (complaint), suggestion (a request or a wish for a
    change), none (no opinion: empty, "-", "no comment", a plain fact). A mixed
    comment takes the most frequent kind of its clauses (the parts between
    sentence ends, commas and "but"); a tie with a suggestion goes to the
    suggestion, a tie between praise and complaint to the later one.
themes
    every theme the comment talks about: price (prices, fees, discounts,
    subscriptions, value for money), quality (the product or service itself:
    works or breaks, durability, defects, materials), support (customer
    service, hotline, chat, staff, complaints and refunds), delivery
    (shipping, couriers, parcels, packaging, pickup points, delivery times),
    usability (app, website, ordering and checkout, ease of use, instructions,
    payment options), innovation (new features and products, updates, modern
    or outdated, keeping up with competitors), expectations (not as described
    or advertised, promises, better or worse than expected).

Run:  .venv/bin/python benchmarks/comments.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import nps_toolkit as nt  # noqa: E402
from nps_toolkit.comments import LANGUAGES, classify_comments  # noqa: E402

LABELLED = ROOT / "tests" / "data" / "comments_labelled.csv"
SAMPLE_LABELS = ROOT / "tests" / "data" / "sample_comment_labels.csv"
SAMPLE_THEMES = ("price", "quality", "support", "delivery", "usability")


def _split(value) -> set[str]:
    return {v for v in str(value).split(";") if v} if isinstance(value, str) else set()


def theme_scores(gold: list[set], predicted: list[set], themes) -> dict:
    """Micro recall and precision, and recall / precision / support per theme."""
    out = {}
    tp = fp = fn = 0
    for theme in themes:
        t_tp = sum(theme in g and theme in p for g, p in zip(gold, predicted))
        t_fp = sum(theme not in g and theme in p for g, p in zip(gold, predicted))
        t_fn = sum(theme in g and theme not in p for g, p in zip(gold, predicted))
        tp, fp, fn = tp + t_tp, fp + t_fp, fn + t_fn
        out[theme] = (t_tp / (t_tp + t_fn) if t_tp + t_fn else np.nan,
                      t_tp / (t_tp + t_fp) if t_tp + t_fp else np.nan, t_tp + t_fn)
    out["micro"] = (tp / (tp + fn) if tp + fn else np.nan, tp / (tp + fp) if tp + fp else np.nan, tp + fn)
    return out


def labelled_results(data: pd.DataFrame | None = None) -> pd.DataFrame:
    """The labelled comments with the classifier's language, kind and themes next to the labels."""
    data = pd.read_csv(LABELLED, keep_default_na=False, dtype=str) if data is None else data
    result = classify_comments(data["text"])
    out = data.copy()
    out["pred_language"] = result["language"].to_numpy()
    out["pred_kind"] = result["kind"].to_numpy()
    out["gold_themes"] = [_split(v) for v in data["themes"]]
    out["pred_themes"] = [set(v) for v in result["themes"]]
    return out


def summarise(table: pd.DataFrame, themes) -> dict:
    """Kind accuracy (overall and per language), language accuracy and theme scores of a labelled table."""
    kind_ok = table["kind"] == table["pred_kind"]
    opinion = table["kind"] != "none"
    lang_ok = (table["language"] == table["pred_language"])[opinion]
    return {"n": len(table), "kind": kind_ok.mean(),
            "kind_by_language": {lang: kind_ok[table["language"] == lang].mean() for lang in LANGUAGES},
            "language": lang_ok.mean(),
            "themes": theme_scores(table["gold_themes"].tolist(), table["pred_themes"].tolist(), themes)}


def sample_results() -> pd.DataFrame:
    """The sample survey's comments with the generator's labels and the classifier's output."""
    sample = nt.load_sample()
    labels = pd.read_csv(SAMPLE_LABELS, dtype={"respondent_id": "int64"}, keep_default_na=False)
    merged = labels.merge(sample[["respondent_id", "comment"]], on="respondent_id", how="left", validate="1:1")
    result = classify_comments(merged["comment"])
    merged["pred_language"] = result["language"].to_numpy()
    merged["pred_kind"] = result["kind"].to_numpy()
    merged["pred_kinds"] = result["kinds"].to_numpy()
    merged["gold_kinds"] = [_split(v) for v in merged["kind"]]
    merged["gold_themes"] = [_split(v) for v in merged["themes"]]
    merged["pred_themes"] = [set(v) & set(SAMPLE_THEMES) for v in result["themes"]]
    return merged


def summarise_sample(table: pd.DataFrame) -> dict:
    kind_in = np.array([p in g for p, g in zip(table["pred_kind"], table["gold_kinds"])])
    kinds_equal = np.array([set(p) - {"none"} == g for p, g in zip(table["pred_kinds"], table["gold_kinds"])])
    single = table["gold_kinds"].map(len) == 1
    return {"n": len(table), "kind_in_labels": kind_in.mean(), "kind_single": kind_in[single.to_numpy()].mean(),
            "n_single": int(single.sum()), "kinds_exact": kinds_equal.mean(),
            "kind_by_language": {lang: kind_in[(table["language"] == lang).to_numpy()].mean() for lang in LANGUAGES},
            "language": (table["language"] == table["pred_language"]).mean(),
            "themes": theme_scores(table["gold_themes"].tolist(), table["pred_themes"].tolist(), SAMPLE_THEMES)}


def _print_summary(name: str, s: dict) -> None:
    langs = "  ".join(f"{lang} {s['kind_by_language'][lang]:.3f}" for lang in LANGUAGES)
    recall, precision, _ = s["themes"]["micro"]
    print(f"{name:<9} n={s['n']:<4} kind accuracy {s['kind']:.3f} ({langs})  language {s['language']:.3f}  "
          f"themes recall {recall:.3f} precision {precision:.3f}")


def _print_themes(s: dict, themes) -> None:
    print(f"    {'theme':<13} {'recall':>7} {'precision':>9} {'labelled':>8}")
    for theme in themes:
        r, p, k = s["themes"][theme]
        print(f"    {theme:<13} {r:>7.3f} {p:>9.3f} {k:>8d}")


def main() -> int:
    table = labelled_results()
    themes = list(nt.comments.DEFAULT_THEMES)
    print("Hand-labelled comments (tests/data/comments_labelled.csv)")
    summaries = {}
    for name, part in (("tune", table[table["split"] == "tune"]), ("holdout", table[table["split"] == "holdout"]),
                       ("all", table)):
        summaries[name] = summarise(part, themes)
        _print_summary(name, summaries[name])
    for name in ("holdout", "all"):
        print(f"  themes, {name}:")
        _print_themes(summaries[name], themes)
    confusion = pd.crosstab(table["kind"], table["pred_kind"], rownames=["labelled"], colnames=["predicted"])
    print("  kinds, all (rows: labelled, columns: predicted):")
    print("    " + confusion.to_string().replace("\n", "\n    "))

    sample = sample_results()
    s = summarise_sample(sample)
    print()
    print("Sample survey comments with the generator's labels (tests/data/sample_comment_labels.csv)")
    langs = "  ".join(f"{lang} {s['kind_by_language'][lang]:.3f}" for lang in LANGUAGES)
    recall, precision, _ = s["themes"]["micro"]
    print(f"  n={s['n']}: kind is one of the labelled kinds {s['kind_in_labels']:.3f} ({langs}); "
          f"single-kind comments (n={s['n_single']}) {s['kind_single']:.3f}; all kinds exactly {s['kinds_exact']:.3f}")
    print(f"  language {s['language']:.3f}; themes recall {recall:.3f} precision {precision:.3f} "
          f"(the generator's five themes)")
    _print_themes(s, SAMPLE_THEMES)

    texts = pd.Series(np.resize(sample["comment"].to_numpy(dtype=object), 10_000))
    texts = texts + pd.Series([f" #{i}" for i in range(len(texts))])  # all distinct: no help from repeats
    nt.comments._compiled.cache_clear()  # a cold start: no word or sentence remembered from the runs above
    begin = time.perf_counter()
    classify_comments(texts)
    elapsed = time.perf_counter() - begin
    print()
    print(f"Speed: 10,000 distinct comments (sentences of the sample) classified in {elapsed:.2f} s, cold start")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
