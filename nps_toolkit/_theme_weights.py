"""Learned theme weights: a check on the lexicon's themes, learned from comments labelled by hand.

The lexicon finds a theme when one of its words or phrases is written. People name the things they write
about in more words than any lexicon holds ("the parcel sat in Leeds for a week" is about delivery), and a
theme word can appear where the comment is about something else. The weights here were learned from the
tune comments of the labelled set (``tests/data/comments_realistic``, never its holdout) by
``scripts/make_theme_weights.py``: for each built-in theme, a logistic regression (scikit-learn, L2 penalty,
C = 1, classes balanced) on which words a comment holds (each word as the classifier reads it: folded, *n't*
as *not*, smileys and sums of money as tokens; and its lemma from simplemma's dictionaries, kept here for the
words seen, so that simplemma is not loaded at run time; a word or lemma seen in fewer than two comments is
left out). It gives the probability that a comment is about the theme. The thresholds were chosen on a batch
of labelled comments while it was unseen and checked on the next one (``benchmarks/results/comments.txt``).
The weights hold no code: a JSON file of numbers and words, read with :func:`json.loads`.

:func:`nps_toolkit.classify_comments` uses them in two ways (``nps_toolkit/data/theme_weights.json``
holds the weights and both thresholds):

* a theme the lexicon found is dropped when its probability is below ``drop_below`` (0.05): the word was
  there, but nothing else in the comment speaks of that theme;
* a theme the lexicon did not find is added when its probability is at least ``add_at`` (0.7) and the
  comment is all of one kind (plus, minus or suggestion), which the theme then takes; in a mixed comment
  nothing tells which kind the theme would take, so nothing is added.

Only the built-in themes a lexicon of your own leaves as they are are checked; a theme you add, extend or
replace is read from its words alone. The weights are applied as plain arithmetic (no scikit-learn at run
time): a comment's score for a theme is the intercept plus the weights of the distinct words and lemmas it
holds, and its probability is the logistic function of that score.
"""

from __future__ import annotations

import functools
import itertools
import json
import math
from importlib import resources

import numpy as np
from scipy import sparse

#: The file of the weights in ``nps_toolkit/data``.
WEIGHTS_FILE = "theme_weights.json"


class ThemeWeights:
    """The learned weights, read once from ``data/theme_weights.json``.

    ``probabilities`` and ``scores`` take the distinct words of a comment, folded as the classifier reads
    them. A score above :attr:`add_score` is a probability of at least ``add_at``; one below
    :attr:`drop_score`, a probability below ``drop_below``.
    """

    def __init__(self, raw: dict):
        self.themes: tuple[str, ...] = tuple(raw["themes"])
        self.add_at: float = float(raw["add_at"])
        self.drop_below: float = float(raw["drop_below"])
        self.add_score = math.log(self.add_at / (1 - self.add_at))
        self.drop_score = math.log(self.drop_below / (1 - self.drop_below))
        features = list(raw["weights"])
        if any(len(v) != len(self.themes) for v in (raw["intercept"], *raw["weights"].values())):
            raise ValueError(f"{WEIGHTS_FILE}: every weight needs one value per theme ({len(self.themes)})")
        self.intercept = np.array(raw["intercept"], dtype=float)
        self.weights = np.array([raw["weights"][f] for f in features], dtype=float).reshape(-1, len(self.themes))
        column = {f: i for i, f in enumerate(features)}
        # per language: a word -> the features it brings (itself, if the weights know it, and its lemma)
        self._plain = {w: (i,) for w, i in column.items() if not w.startswith("L:")}
        self._columns: dict[str, dict[str, tuple[int, ...]]] = {}
        for language, lemmas in raw["lemmas"].items():
            table = dict(self._plain)
            for word, lemma in lemmas.items():
                table[word] = table.get(word, ()) + (column[lemma],)
            self._columns[language] = table
        self._rows = [tuple(r) for r in self.weights.tolist()]
        self._intercept = tuple(self.intercept.tolist())

    def columns(self, words, language: str) -> frozenset:
        """The features (their rows in :attr:`weights`) of the words and lemmas of ``words``."""
        table = self._columns.get(language, self._plain)
        found = set()
        for w in words:
            columns = table.get(w)
            if columns is not None:
                found.update(columns)
        return frozenset(found)

    def scores_of(self, columns) -> tuple:
        """The score of each theme (in the order of :attr:`themes`) of a comment with these features: the
        intercept plus their weights."""
        if not columns:
            return self._intercept
        rows = self._rows
        return tuple(a + sum(col) for a, col in zip(self._intercept, zip(*[rows[i] for i in columns])))

    def scores_many(self, columns: list) -> list[tuple]:
        """:meth:`scores_of` of many comments at once (one sparse product), each as a tuple."""
        if not columns:
            return []
        lengths = np.fromiter((len(c) for c in columns), dtype=np.int64, count=len(columns))
        indices = np.fromiter(itertools.chain.from_iterable(columns), dtype=np.int64, count=int(lengths.sum()))
        indptr = np.concatenate(([0], np.cumsum(lengths)))
        matrix = sparse.csr_matrix((np.ones(len(indices)), indices, indptr), shape=(len(columns), len(self._rows)))
        return list(map(tuple, (matrix @ self.weights + self.intercept).tolist()))

    def scores(self, words, language: str) -> tuple:
        """The score of each theme for a comment holding ``words`` (distinct, folded as the classifier reads
        them)."""
        return self.scores_of(self.columns(words, language))

    def probabilities(self, words, language: str) -> dict[str, float]:
        """theme -> the probability that a comment holding ``words`` is about it (the logistic function of its
        score)."""
        return {t: float(1 / (1 + np.exp(-s))) for t, s in zip(self.themes, self.scores(words, language))}


@functools.cache
def theme_weights() -> ThemeWeights:
    """The built-in learned theme weights."""
    path = resources.files("nps_toolkit").joinpath("data", WEIGHTS_FILE)
    return ThemeWeights(json.loads(path.read_text(encoding="utf-8")))


def checked(clauses: list, kind: str, scores, checkable) -> list:
    """The clauses of one comment after the learned check (``scores`` from :meth:`ThemeWeights.scores`): a
    found theme of low probability taken from every clause; an unfound theme of high probability, in a comment
    all of one kind, given to every clause with an opinion. Only the themes in ``checkable`` are dropped or
    added."""
    w = theme_weights()
    found = {t for cl in clauses for t in cl.themes}
    dropped = added = ()
    if found:
        dropped = {t for t, s in zip(w.themes, scores) if t in found and s < w.drop_score and t in checkable}
    if kind in ("plus", "minus", "suggestion"):
        added = tuple(t for t, s in zip(w.themes, scores) if s >= w.add_score and t not in found and t in checkable)
    if not dropped and not added:
        return clauses
    out = []
    for cl in clauses:
        themes = tuple(t for t in cl.themes if t not in dropped)
        if cl.kind != "none":
            themes += added
        out.append(cl._replace(themes=themes) if themes != cl.themes else cl)
    return out
