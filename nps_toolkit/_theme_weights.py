"""Learned theme and pair weights: a check on the lexicon's themes and kinds, learned from comments labelled
by hand.

The lexicon finds a theme when one of its words or phrases is written. People name the things they write
about in more words than any lexicon holds ("the parcel sat in Leeds for a week" is a complaint about
delivery), and a theme word can appear where the comment is about something else. The weights here were
learned from the tune comments of the labelled set (``tests/data/comments_realistic``, never its holdout) by
``scripts/make_theme_weights.py``: logistic regressions (scikit-learn, L2 penalty, C = 1, classes balanced),
one for each built-in theme (is the comment about it?), one for each (theme, kind) pair that at least ten
tune comments say (does the comment say it?) and one for each kind, plus, minus and suggestion (does the
comment say one: its labelled kind, or a pair of that kind?). What they read is a comment's distinct words,
each as the classifier reads it (folded, *n't* as *not*, smileys and sums of money as tokens), and what each
word brings: itself, its lemma from simplemma's dictionaries (kept here for the words seen, so that simplemma is not
loaded at run time) and its character 3- and 4-grams (as scikit-learn's ``char_wb`` takes them, weighted
0.5), which catch typos and forms no dictionary holds. A word, lemma or n-gram of too few comments is left
out. A comment's score is the intercept plus what each of its distinct words adds (:meth:`ThemeWeights.vector`),
and its probability the logistic function of that score. The weights hold no code: gzip-compressed JSON of
numbers and words, read with :func:`json.loads`.

:func:`nps_toolkit.classify_comments` checks the clauses of each comment with them (:func:`checked`; the
thresholds are in the file):

* **kind**: a comment whose words the lexicon reads as of no opinion takes the likeliest kind of the kind
  models if its probability is 0.8 or more (*Chloe is a genius with colour* is praise though no opinion word
  of the lexicon is in it), given to the clause whose own words give that kind most;
* **themes**: a theme the lexicon found is dropped below probability 0.05 (the word was there, but nothing
  else in the comment speaks of that theme); one it did not find is added at 0.8 or more to a comment that is
  not mixed, with the comment's kind;
* **pairs**: a (theme, kind) pair the clauses give is dropped below 0.01; one they do not give is added at
  0.5 or more to a clause of that kind, if the words of that clause give it at least 0.2 on their own (so
  that in *love the app, but delivery takes forever* delivery goes with the complaint, not the praise); a
  pair of a kind the comment has no clause of needs 0.9, and then a clause of no opinion takes that kind.

The thresholds of the themes and pairs were chosen by cross-validation over four batches of labelled comments
(weights fitted without the batch measured), that of the kinds over eight, and each was then checked on a
batch no choice had seen (``benchmarks/results/comments.txt``).
Only the built-in themes a lexicon of your own leaves as they are are checked; a theme you add, extend or
replace is read from its words alone. No scikit-learn at run time: the weights are applied as plain
arithmetic.
"""

from __future__ import annotations

import functools
import gzip
import json
import math
from importlib import resources

import numpy as np
from scipy import sparse

#: The file of the weights in ``nps_toolkit/data``.
WEIGHTS_FILE = "theme_weights.json.gz"
_WORDS_KEPT = 200_000  # the words whose vectors are remembered, per language


def char_ngrams(word: str, min_n: int, max_n: int) -> list[str]:
    """The character n-grams of one word as scikit-learn's ``CountVectorizer(analyzer="char_wb")`` takes them:
    the word padded with a space each side, every n-gram of ``min_n`` to ``max_n`` characters in it, and a
    padded word shorter than ``n`` once, whole (then no longer n-grams)."""
    padded = f" {word} "
    out = []
    for n in range(min_n, max_n + 1):
        if len(padded) <= n:
            out.append(padded)
            break
        out.extend(padded[i:i + n] for i in range(len(padded) - n + 1))
    return out


def _logit(p: float) -> float:
    return math.log(p / (1 - p))


class ThemeWeights:
    """The learned weights, read once from ``data/theme_weights.json.gz``.

    One logistic regression for each theme of :attr:`themes` (is the comment about it?), each (theme, kind)
    pair of :attr:`pairs` (does the comment say it?) and each kind of :attr:`kinds` (does the comment say
    one?). :meth:`scores` takes the distinct words of a comment, folded as the classifier reads them, and
    gives one score per theme, then one per pair, then one per kind: the sum of what each word adds
    (:meth:`vector`). The thresholds (probabilities in the file) are kept as scores: a
    probability of at least ``p`` is a score of at least ``log(p / (1 - p))``.
    """

    def __init__(self, raw: dict):
        self.themes: tuple[str, ...] = tuple(raw["themes"])
        self.pairs: tuple[tuple[str, str], ...] = tuple(tuple(p.split(":", 1)) for p in raw["pairs"])
        self.kinds: tuple[str, ...] = tuple(raw.get("kinds", ()))
        self.thresholds: dict[str, float] = {k: float(v) for k, v in raw["thresholds"].items()}
        t = self.thresholds
        self.add_score = _logit(t["theme_add_at"])  # a theme the words missed is added (comment not mixed)
        self.drop_score = _logit(t["theme_drop_below"])  # a theme they found is dropped
        self.pair_add_score = _logit(t["pair_add_at"])
        self.pair_new_kind_score = _logit(t["pair_new_kind_at"])
        self.pair_drop_score = _logit(t["pair_drop_below"])
        self.pair_clause_score = _logit(t["pair_clause_at"])
        self.kind_add_score = _logit(t["kind_add_at"]) if self.kinds else math.inf  # a comment of no opinion
        self.kinds_at = len(self.themes) + len(self.pairs)  # where the kinds' scores start (the pairs' end)
        size = self.kinds_at + len(self.kinds)
        self.theme_index = {t: i for i, t in enumerate(self.themes)}
        self.pair_index = {p: i for i, p in enumerate(self.pairs)}
        features = list(raw["weights"])
        if any(len(v) != size for v in (raw["intercept"], *raw["weights"].values())):
            raise ValueError(f"{WEIGHTS_FILE}: every weight needs one value per theme, pair and kind ({size})")
        self.intercept = np.array(raw["intercept"], dtype=float)
        self.weights = np.array([raw["weights"][f] for f in features], dtype=float).reshape(len(features), size)
        column = {f: i for i, f in enumerate(features)}
        # per language: a word -> the features it brings (itself, if the weights know it, and its lemma)
        self._plain = {w: (i,) for w, i in column.items() if not w.startswith(("L:", "G:"))}
        self._columns: dict[str, dict[str, tuple[int, ...]]] = {}
        for language, lemmas in raw["lemmas"].items():
            table = dict(self._plain)
            for word, lemma in lemmas.items():
                table[word] = table.get(word, ()) + (column[lemma],)
            self._columns[language] = table
        self._intercept = tuple(self.intercept.tolist())
        grams = raw.get("char_ngrams")
        self.grams: tuple[int, int] | None = (int(grams["min_n"]), int(grams["max_n"])) if grams else None
        self._gram_column = {w[2:]: i for w, i in column.items() if w.startswith("G:")}
        self._vectors: dict[str, dict] = {}  # language -> word -> its vector (None: no feature), remembered

    def vector(self, word: str, language: str) -> np.ndarray | None:
        """What one word adds to a comment's scores (one value per theme, pair and kind): the weights of the
        word itself and of its lemma where the weights know them, and of each of its character n-grams
        (as often as it holds it); None for a word with none of them."""
        known = self._vectors.setdefault(language, {})
        if word in known:
            return known[word]
        rows = self._columns.get(language, self._plain).get(word, ())
        if self.grams is not None:
            gram = self._gram_column
            rows += tuple(gram[g] for g in char_ngrams(word, *self.grams) if g in gram)
        found = self.weights[list(rows)].sum(axis=0) if rows else None
        if len(known) >= _WORDS_KEPT:
            known.clear()
        known[word] = found
        return found

    def scores(self, words, language: str) -> tuple:
        """The score of each theme, pair and kind (in the order of :attr:`themes`, :attr:`pairs` and
        :attr:`kinds`) of a comment holding ``words`` (distinct, folded as the classifier reads them): the
        intercept plus what each word adds (:meth:`vector`)."""
        vectors = [v for v in (self.vector(w, language) for w in words) if v is not None]
        if not vectors:
            return self._intercept
        return tuple((np.sum(vectors, axis=0) + self.intercept).tolist())

    def scores_many(self, comments: list) -> tuple[list[tuple], list[tuple]]:
        """:meth:`scores` of many comments, each given as (words, language), at once (one sparse product), and
        :meth:`high` of each; the words of a comment are a frozenset, and comments of the same words (*Great
        service!*, *great service*) are scored once."""
        vectors: list = []
        indices: list[int] = []
        indptr = [0]
        position: dict[str, dict[str, int]] = {}  # language -> word -> its row below (-1: adds nothing)
        distinct: dict = {}  # (words, language) -> its row among the distinct ones
        order = []  # each comment's row
        for key in comments:
            at = distinct.get(key)
            if at is None:
                at = distinct[key] = len(distinct)
                words, language = key
                row_of = position.get(language)
                if row_of is None:
                    row_of = position[language] = {}
                for w in words:
                    column = row_of.get(w)
                    if column is None:
                        vector = self.vector(w, language)
                        column = row_of[w] = -1 if vector is None else len(vectors)
                        if vector is not None:
                            vectors.append(vector)
                    if column >= 0:
                        indices.append(column)
                indptr.append(len(indices))
            order.append(at)
        if not vectors:
            return [self._intercept] * len(comments), [self.high(self._intercept)] * len(comments)
        matrix = sparse.csr_matrix((np.ones(len(indices)), indices, indptr), shape=(len(distinct), len(vectors)))
        scores = matrix @ np.vstack(vectors) + self.intercept
        size, end = len(self.themes), self.kinds_at
        hits: tuple[dict, dict] = ({}, {})
        for found, part in zip(hits, (scores[:, :size] >= self.add_score,
                                      scores[:, size:end] >= self.pair_add_score)):
            comment, column = np.nonzero(part)
            for i, j in zip(comment.tolist(), column.tolist()):
                found.setdefault(i, []).append(j)
        themes, pairs = hits
        rows = list(map(tuple, scores.tolist()))
        return [rows[i] for i in order], [(themes.get(i, ()), pairs.get(i, ())) for i in order]

    def high(self, scores) -> tuple[list[int], list[int]]:
        """The themes (their places in :attr:`themes`) of a score of at least :attr:`add_score`, and the pairs
        (in :attr:`pairs`) of at least :attr:`pair_add_score`: the only ones the check may add."""
        size, end = len(self.themes), self.kinds_at
        return ([j for j in range(size) if scores[j] >= self.add_score],
                [j for j, s in enumerate(scores[size:end]) if s >= self.pair_add_score])

    def probabilities(self, words, language: str) -> dict:
        """theme, (theme, kind) or kind -> the probability that a comment holding ``words`` is about the theme,
        says the pair or says the kind (the logistic function of its score)."""
        return {name: float(1 / (1 + np.exp(-s)))
                for name, s in zip(self.themes + self.pairs + self.kinds, self.scores(words, language))}


@functools.cache
def theme_weights() -> ThemeWeights:
    """The built-in learned theme weights."""
    path = resources.files("nps_toolkit").joinpath("data", WEIGHTS_FILE)
    return ThemeWeights(json.loads(gzip.decompress(path.read_bytes()).decode("utf-8")))


def checked(clauses: list, scores, checkable, clause_scores=None, high=None) -> list:
    """The clauses of one comment after the learned check (``scores`` from :meth:`ThemeWeights.scores`;
    ``clause_scores(i)`` those of the words of clause ``i`` alone, None: the comment's own; ``high``:
    :meth:`ThemeWeights.high` of the scores, if known). First the kind, as the kind models see it:

    * a comment all of whose clauses are of no opinion, whose likeliest kind has a probability of at least
      ``kind_add_at``: its clause whose own words give that kind the most takes it;

    then the themes, as the theme models see them:

    * a theme found, of probability below ``theme_drop_below``: taken from every clause;
    * a theme not found, of probability at least ``theme_add_at``, in a comment with an opinion that is not
      mixed: given to every clause with an opinion;

    then the (theme, kind) pairs, as the pair models see them:

    * a pair the clauses give (the theme in a clause of that kind) of probability below
      ``pair_drop_below``: the theme taken from the clauses of that kind;
    * a pair they do not give, of probability at least ``pair_add_at``, where the comment has a clause of
      that kind, whose own words give it at least ``pair_clause_at``: the theme given to that clause (to the
      likeliest one, by its own words, if several);
    * a pair of a kind the comment has no clause of, of probability at least ``pair_new_kind_at``: a
      clause of no opinion (the likeliest one) takes that kind and the theme; with none, nothing is added.

    Only the themes in ``checkable`` are dropped or added. The clauses given are not changed.
    """
    w = theme_weights()
    high_themes, high_pairs = w.high(scores) if high is None else high
    out = _checked_kind(clauses, scores, clause_scores, w) if checkable else clauses
    out = _checked_themes(out, scores, high_themes, checkable, w)
    return _checked_pairs(out, scores, high_pairs, checkable, clause_scores, w)


def _checked_kind(clauses: list, scores, clause_scores, w: ThemeWeights) -> list:
    """A comment the words read as of no opinion: the likeliest kind of the kind models, if likely enough, given
    to its clause (the likeliest one, by its own words, of several)."""
    for cl in clauses:
        if cl.kind != "none":
            return clauses
    if not w.kinds:
        return clauses
    offset = w.kinds_at
    j = max(range(len(w.kinds)), key=lambda j: scores[offset + j])
    if scores[offset + j] < w.kind_add_score:
        return clauses
    at = 0
    if len(clauses) > 1 and clause_scores is not None:
        at = max(range(len(clauses)), key=lambda i: clause_scores(i)[offset + j])
    out = list(clauses)
    out[at] = out[at]._replace(kind=w.kinds[j])
    return out


def _checked_themes(clauses: list, scores, high: list, checkable, w: ThemeWeights) -> list:
    """The theme check of :func:`checked` (``scores``: every score of the comment, the themes' first)."""
    found = {t for cl in clauses for t in cl.themes}
    dropped = added = ()
    index = w.theme_index
    if found:
        dropped = {t for t in found if t in index and scores[index[t]] < w.drop_score and t in checkable}
    if high:
        kinds = {cl.kind for cl in clauses} - {"none"}
        if kinds and not {"plus", "minus"} <= kinds:  # not mixed: the comment's kind tells the theme's
            added = tuple(t for t in (w.themes[j] for j in high) if t not in found and t in checkable)
    if not dropped and not added:
        return clauses
    out = []
    for cl in clauses:
        themes = tuple(t for t in cl.themes if t not in dropped)
        if cl.kind != "none":
            themes += added
        out.append(cl._replace(themes=themes) if themes != cl.themes else cl)
    return out


def _checked_pairs(clauses: list, scores, high: list, checkable, clause_scores, w: ThemeWeights) -> list:
    """The pair check of :func:`checked` (``scores``: every score of the comment, the pairs' after the
    themes')."""
    found = {(t, cl.kind) for cl in clauses if cl.kind != "none" for t in cl.themes}
    if not found and not high:
        return clauses
    index, offset = w.pair_index, len(w.themes)
    drop = {p for p in found if p in index and scores[offset + index[p]] < w.pair_drop_score and p[0] in checkable}
    add = [(scores[offset + j], j) + w.pairs[j] for j in high
           if w.pairs[j] not in found and w.pairs[j][0] in checkable]
    if not drop and not add:
        return clauses
    out = list(clauses)
    if drop:
        for i, cl in enumerate(out):
            if any((t, cl.kind) in drop for t in cl.themes):
                out[i] = cl._replace(themes=tuple(t for t in cl.themes if (t, cl.kind) not in drop))
    for s, j, theme, kind in sorted(add, reverse=True):  # the likeliest first: it may open a kind for the rest
        carriers = [i for i, cl in enumerate(out) if cl.kind == kind]
        if not carriers:  # a kind the comment has no clause of: a clause of no opinion takes it
            if s < w.pair_new_kind_score:
                continue
            carriers = [i for i, cl in enumerate(out) if cl.kind == "none"]
            if not carriers:
                continue
        at = carriers[0]
        if len(out) > 1 and clause_scores is not None:  # the clause's own words must say it too
            at = max(carriers, key=lambda i: clause_scores(i)[offset + j])
            if clause_scores(at)[offset + j] < w.pair_clause_score:
                continue
        cl = out[at]
        out[at] = cl._replace(kind=kind, themes=cl.themes + (theme,) if theme not in cl.themes else cl.themes)
    return out
