"""Make nps_toolkit/data/theme_weights.json: the learned check on the lexicon's themes.

For each built-in theme, a logistic regression (scikit-learn: L2 penalty, C = 1, classes balanced, lbfgs) on
which words each tune comment of ``tests/data/comments_realistic`` holds (never a holdout comment): each
word as the classifier reads it (folded: lower case, ё as е, Polish letters plain) and its lemma (``L:``
and the lemma; from simplemma's dictionaries, MIT licence), each once per comment; words and lemmas of
fewer than two comments are left out. A comment is about a theme when one of its labelled pairs names the
theme. See ``nps_toolkit/_theme_weights.py`` for how the classifier uses them.

The thresholds were chosen on the seventh batch (``*_more6.csv``) while neither the lexicon nor these
weights had seen it (weights fitted on the batches before it), by the F1 of the (theme, kind) pairs; the
eighth batch (``*_more7.csv``) then checked them unseen. Run after adding labelled comments:

    .venv/bin/python scripts/make_theme_weights.py [--before BATCH] [--output PATH]

``--before 7`` fits on the batches before the seventh only (ids below 6001), to measure a batch unseen.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

import numpy as np
import simplemma
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from nps_toolkit._text import fold  # noqa: E402
from nps_toolkit.comments import DEFAULT_THEMES as THEMES  # noqa: E402
from nps_toolkit.comments import _words_of  # noqa: E402

DATA = ROOT / "tests" / "data" / "comments_realistic"
OUT = ROOT / "nps_toolkit" / "data" / "theme_weights.json"
ADD_AT, DROP_BELOW, C, MIN_COMMENTS = 0.7, 0.05, 1.0, 2


def batch(comment_id: str) -> int:
    """The batch of a labelled comment: ids 1-1000 are the first, 1001-2000 the second, ..."""
    return (int(comment_id.split("-")[1]) - 1) // 1000 + 1


def tune_comments(before: int | None = None) -> list[dict]:
    """The tune comments of every batch file (those of batches before ``before`` only, if given)."""
    rows = []
    for path in sorted(DATA.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as f:
            rows += [r for r in csv.DictReader(f) if r["split"] == "tune"
                     and (before is None or batch(r["id"]) < before)]
    return rows


def lemma_feature(word: str, language: str) -> str:
    return "L:" + fold(simplemma.lemmatize(word, lang=language), language)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=int, help="fit on the batches before this one only")
    parser.add_argument("--output", type=Path, default=OUT)
    args = parser.parse_args(argv)
    rows = tune_comments(args.before)
    words = [_words_of(r["text"], r["language"]) for r in rows]
    lemma_of = {}  # (language, word) -> its lemma feature
    per_comment = []
    for r, ws in zip(rows, words):
        lemmas = set()
        for w in ws:
            key = (r["language"], w)
            if key not in lemma_of:
                lemma_of[key] = lemma_feature(w, r["language"])
            lemmas.add(lemma_of[key])
        per_comment.append(set(ws) | lemmas)
    # one column per word or lemma of at least MIN_COMMENTS comments, in sorted order; 1 where a comment holds it
    vectorizer = CountVectorizer(analyzer=sorted, binary=True, min_df=MIN_COMMENTS, lowercase=False)
    x = vectorizer.fit_transform(per_comment)
    vocabulary = vectorizer.get_feature_names_out().tolist()
    column = vectorizer.vocabulary_
    coef, intercept = [], []
    for theme in THEMES:
        y = np.array([any(p.split(":")[0] == theme for p in r["pairs"].split(";") if p) for r in rows])
        model = LogisticRegression(C=C, class_weight="balanced", max_iter=5000).fit(x, y)
        coef.append(model.coef_[0])
        intercept.append(float(model.intercept_[0]))
    coef = np.array(coef).T  # one row per feature
    lemmas: dict[str, dict[str, str]] = {}
    for (language, word), feature in sorted(lemma_of.items()):
        if feature in column:
            lemmas.setdefault(language, {})[word] = feature
    out = {
        "about": "Learned theme weights of nps_toolkit's comment classifier, made by scripts/make_theme_weights.py "
                 "from the tune comments of tests/data/comments_realistic; see nps_toolkit/_theme_weights.py",
        "n_comments": len(rows), "C": C, "min_comments": MIN_COMMENTS,
        "add_at": ADD_AT, "drop_below": DROP_BELOW,
        "themes": list(THEMES), "intercept": [round(v, 4) for v in intercept],
        "weights": {f: [round(float(v), 4) for v in coef[column[f]]] for f in vocabulary},
        "lemmas": lemmas,
    }
    tmp = args.output.with_suffix(".tmp")
    tmp.write_text(json.dumps(out, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    tmp.replace(args.output)
    print(f"{args.output}: {len(rows)} comments, {len(vocabulary)} words and lemmas, "
          f"{sum(map(len, lemmas.values()))} forms with a lemma")
    return 0


if __name__ == "__main__":
    sys.exit(main())
