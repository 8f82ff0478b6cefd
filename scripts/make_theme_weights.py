"""Make nps_toolkit/data/theme_weights.json.gz: the learned check on the lexicon's themes and their kinds.

Logistic regressions (scikit-learn: L2 penalty, C = 1, classes balanced, lbfgs) fitted on the tune comments
of ``tests/data/comments_realistic`` (never a holdout comment): one for each built-in theme (a comment is about
a theme when one of its labelled pairs names it), one for each (theme, kind) pair that at least MIN_PAIR
tune comments say, and one for each kind of KINDS (a comment says a kind when it is labelled with it or with
a pair of it). What a comment holds: each of its distinct words as the classifier reads it (folded: lower
case, ё as е, Polish letters plain), its lemma (``L:`` and the lemma; from simplemma's dictionaries, MIT
licence) and its character 3- and 4-grams (``G:``; scikit-learn's ``char_wb``, weighted GRAM_SCALE), each
counted once per distinct word that brings it, so that a comment's score is the sum of what its words add.
Words and lemmas of fewer than MIN_COMMENTS comments, and n-grams of fewer than GRAM_COMMENTS, are left out.
See ``nps_toolkit/_theme_weights.py`` for how the classifier uses them.

The thresholds were chosen by cross-validation over the fifth to eighth batches (``--leave-out``: the
weights fitted on every batch but the one measured, the ninth left out too), as the most pair recall with
pair precision no lower than before; the ninth batch (``*_more8.csv``) then checked them unseen
(``benchmarks/results/comments.txt``). ``kind_add_at`` was chosen the same way over the second to ninth
batches (the weights fitted on the nine batches but the one measured), then checked on the tenth
(``*_more9.csv``) while it was unseen. Run after adding labelled comments:

    .venv/bin/python scripts/make_theme_weights.py [--before BATCH] [--leave-out BATCH] [--output PATH]

``--before 9`` fits on the batches before the ninth only (ids below 8001), to measure it unseen;
``--leave-out 3`` fits on every batch but the third, to measure it unseen (one fold of a cross-validation
over the batches). The file is the same, byte for byte, from the same comments.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import sys
from pathlib import Path

import numpy as np
import simplemma
from sklearn.feature_extraction.text import CountVectorizer
from scipy import sparse
from sklearn.linear_model import LogisticRegression

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from nps_toolkit._text import fold  # noqa: E402
from nps_toolkit.comments import DEFAULT_THEMES as THEMES  # noqa: E402
from nps_toolkit.comments import _words_of  # noqa: E402

DATA = ROOT / "tests" / "data" / "comments_realistic"
OUT = ROOT / "nps_toolkit" / "data" / "theme_weights.json.gz"
C, MIN_COMMENTS = 1.0, 2
# the thresholds, as probabilities (see nps_toolkit/_theme_weights.py)
THRESHOLDS = {"theme_add_at": 0.8, "theme_drop_below": 0.05, "pair_add_at": 0.5, "pair_new_kind_at": 0.9,
              "pair_drop_below": 0.01, "pair_clause_at": 0.2, "kind_add_at": 0.8}
KINDS = ("plus", "minus", "suggestion")
MIN_PAIR = 10  # a (theme, kind) pair is learned when at least this many tune comments say it
# character n-grams inside each word (scikit-learn's char_wb: the word padded with a space each side), of at
# least GRAM_COMMENTS comments, each counting GRAM_SCALE where a comment holds it (a word counts 1)
GRAMS, GRAM_COMMENTS, GRAM_SCALE = (3, 4), 5, 0.5


def batch(comment_id: str) -> int:
    """The batch of a labelled comment: ids 1-1000 are the first, 1001-2000 the second, ..."""
    return (int(comment_id.split("-")[1]) - 1) // 1000 + 1


def tune_comments(before: int | None = None, leave_out: int | None = None) -> list[dict]:
    """The tune comments of every batch file (those of batches before ``before`` only, if given; none of batch
    ``leave_out``)."""
    rows = []
    for path in sorted(DATA.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as f:
            rows += [r for r in csv.DictReader(f) if r["split"] == "tune"
                     and (before is None or batch(r["id"]) < before) and batch(r["id"]) != leave_out]
    return rows


def lemma_feature(word: str, language: str) -> str:
    return "L:" + fold(simplemma.lemmatize(word, lang=language), language)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=int, help="fit on the batches before this one only")
    parser.add_argument("--leave-out", type=int, help="fit on every batch but this one")
    parser.add_argument("--output", type=Path, default=OUT)
    parser.add_argument("--gram-scale", type=float, default=GRAM_SCALE, help="0: no character n-grams")
    args = parser.parse_args(argv)
    rows = tune_comments(args.before, args.leave_out)
    words = [_words_of(r["text"], r["language"]) for r in rows]
    lemma_of = {}  # (language, word) -> its lemma feature
    per_comment = []  # each distinct word of a comment, and its lemma (a lemma twice for two words of it)
    for r, ws in zip(rows, words):
        for w in ws:
            key = (r["language"], w)
            if key not in lemma_of:
                lemma_of[key] = lemma_feature(w, r["language"])
        per_comment.append(list(ws) + [lemma_of[(r["language"], w)] for w in ws])
    # one column per word or lemma of at least MIN_COMMENTS comments, in sorted order: how many of a comment's
    # distinct words bring it, so that a comment's score is the sum of what each of its distinct words adds
    vectorizer = CountVectorizer(analyzer=sorted, min_df=MIN_COMMENTS, lowercase=False)
    x = vectorizer.fit_transform(per_comment)
    vocabulary = vectorizer.get_feature_names_out().tolist()
    if args.gram_scale:
        grams = CountVectorizer(analyzer="char_wb", ngram_range=GRAMS, min_df=GRAM_COMMENTS, lowercase=False)
        x = sparse.hstack([x, args.gram_scale * grams.fit_transform([" ".join(sorted(ws)) for ws in words])])
        x = x.tocsr()
        vocabulary += ["G:" + g for g in grams.get_feature_names_out().tolist()]
    column = {f: i for i, f in enumerate(vocabulary)}
    # the weight of a feature where a comment holds it: a character n-gram's value there is gram_scale
    scale = np.array([args.gram_scale if f.startswith("G:") else 1.0 for f in vocabulary])
    said = [set(p for p in r["pairs"].split(";") if p) for r in rows]
    pairs = [f"{t}:{k}" for t in THEMES for k in KINDS if sum(f"{t}:{k}" in s for s in said) >= MIN_PAIR]
    targets = [[any(p.split(":")[0] == theme for p in s) for s in said] for theme in THEMES]
    targets += [[pair in s for s in said] for pair in pairs]
    # the kind models: does the comment say it (its kind, or a pair of that kind)?
    targets += [[r["kind"] == kind or any(p.endswith(":" + kind) for p in s) for r, s in zip(rows, said)]
                for kind in KINDS]
    coef, intercept = [], []
    for y in targets:
        model = LogisticRegression(C=C, class_weight="balanced", max_iter=5000).fit(x, np.array(y))
        coef.append(model.coef_[0])
        intercept.append(float(model.intercept_[0]))
    coef = np.array(coef).T * scale[:, None]  # one row per feature
    lemmas: dict[str, dict[str, str]] = {}
    for (language, word), feature in sorted(lemma_of.items()):
        if feature in column:
            lemmas.setdefault(language, {})[word] = feature
    out = {
        "about": "Learned theme weights of nps_toolkit's comment classifier, made by scripts/make_theme_weights.py "
                 "from the tune comments of tests/data/comments_realistic; see nps_toolkit/_theme_weights.py",
        "n_comments": len(rows), "C": C, "min_comments": MIN_COMMENTS,
        "thresholds": THRESHOLDS, "min_pair": MIN_PAIR,
        "char_ngrams": {"min_n": GRAMS[0], "max_n": GRAMS[1], "min_comments": GRAM_COMMENTS,
                        "scale": args.gram_scale} if args.gram_scale else None,
        "themes": list(THEMES), "pairs": pairs, "kinds": list(KINDS), "intercept": [round(v, 4) for v in intercept],
        "weights": {f: [round(float(v), 4) for v in coef[column[f]]] for f in vocabulary},
        "lemmas": lemmas,
    }
    text = json.dumps(out, ensure_ascii=False, separators=(",", ":")) + "\n"
    tmp = args.output.with_name(args.output.name + ".tmp")
    tmp.write_bytes(gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0))  # the same bytes each run
    tmp.replace(args.output)
    print(f"{args.output}: {len(rows)} comments, {len(vocabulary)} words and lemmas, "
          f"{sum(map(len, lemmas.values()))} forms with a lemma")
    return 0


if __name__ == "__main__":
    sys.exit(main())
