"""A comment classifier learned from a team's own labelled comments: :class:`CommentModel`.

The built-in lexicon (:func:`nps_toolkit.classify_comments`) sorts open comments into pluses, minuses and
suggestions with words and rules written once for everybody. It needs no training and explains itself,
but it knows only the words it was given: a team whose customers write about "the kiosk", in slang, in
another register or in a mix of languages may find it guesses wrong, and the only remedy is to write
lexicon entries. A :class:`CommentModel` learns the kinds from comments a team has already labelled
(a few hundred are usually enough; more is better), so it learns the team's own words.

When to use which
-----------------
Use the lexicon (the default) when nobody has labelled comments, when the words of the survey are the
everyday ones it knows, or when each decision must be traceable to a word. Fit a model when a sample of
your own comments labelled by hand shows the lexicon is often wrong for them, and you have enough labels
to check that the model does better (compare its cross-validated accuracy with the lexicon's accuracy on
the same labelled comments). Themes are still found by the lexicon and its learned check; the model only decides the kind.

How it works
------------
Each comment is read as :func:`nps_toolkit._text.model_text` folds it (lower case, Polish letters without
diacritics, ``ё`` as ``е``, stretched letters cut to two, digits as 0), cut into character n-grams of 2 to
5 letters inside word boundaries (so that inflected Russian and Polish forms share most of their
n-grams), weighted by TF-IDF (sublinear term frequency; n-grams seen in fewer than 2 comments dropped) and
classified by a multinomial logistic regression (L2 penalty, C = 10, classes balanced, Newton-CG solver).
Fitting 2,000 comments, cross-validation included, takes a few seconds. scikit-learn is needed (its
vectorizer reads the comments; the classifier's arithmetic is plain numpy), and imported only when a model
is fitted or loaded, never with the package.

Kinds are those of :data:`MODEL_KINDS`: ``"plus"``, ``"minus"``, ``"suggestion"``, ``"mixed"`` (praise
and complaint at once) and ``"none"`` (no opinion). A team may use any two or more of them.

How accuracy is estimated
-------------------------
:meth:`CommentModel.fit` estimates how often the model will be right on comments it has not seen by
stratified k-fold cross-validation: the labelled comments are split into ``folds`` parts keeping the
share of each kind (shuffled with ``random_state``), the whole recipe (vocabulary, weights and classifier)
is fitted on all parts but one and scored on the held-out part, once for each part. The mean share of
correctly classified held-out comments is :attr:`CommentModel.cv_accuracy` (the fold accuracies are
:attr:`CommentModel.cv_scores`); the model kept is then fitted on every comment. The estimate is only as
good as the labelled sample is like the comments it will classify: label a random sample, not the easy
cases.

The file format
---------------
:meth:`CommentModel.save` writes a ZIP file (written atomically: a reader never sees half a file) holding
two members and no code, so a model is safe to share and to load from anyone:

``model.json``
    ``"format": "nps_toolkit.CommentModel"``, ``"format_version": 1``, ``"nps_toolkit_version"``, the
    vectorizer's settings (``"vectorizer"``), the classifier's (``"classifier"``, for information),
    ``"classes"``, ``"counts"``, ``"n_train"``, ``"cv_accuracy"``, ``"cv_scores"``, ``"cv_folds"`` and
    ``"vocabulary"``: the n-grams in the order of the features.
``arrays.npz``
    numpy arrays (float64) ``idf`` (one per n-gram), ``coef`` (one row per class, or one row for two
    classes: the second class against the first) and ``intercept``; read with ``allow_pickle=False``.

Nothing is unpickled and nothing is imported by name from the file: :meth:`CommentModel.load` checks
every field and rebuilds the model without refitting.

Examples
--------
>>> from nps_toolkit.comment_model import CommentModel
>>> texts = ["Fast delivery, thank you", "Great support, very helpful", "Love the new app",
...          "Delivery took two weeks", "Support never answered", "The app keeps crashing",
...          "Please add a dark mode", "Could you add Apple Pay?", "Please add more sizes",
...          "Szybka dostawa, dziękuję", "Dostawa trwała dwa tygodnie", "Dodajcie proszę ciemny motyw"]
>>> labels = ["plus", "plus", "plus", "minus", "minus", "minus", "suggestion", "suggestion", "suggestion",
...           "plus", "minus", "suggestion"]
>>> model = CommentModel.fit(texts, labels, folds=3, verbose=False)
>>> model.classes, model.n_train
(('plus', 'minus', 'suggestion'), 12)
>>> model.predict(["Please add a wishlist", "Delivery took a month"])["kind"].tolist()
['suggestion', 'minus']
"""

from __future__ import annotations

import contextlib
import html
import io
import json
import math
import numbers
import os
import threading
import zipfile
from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from ._docstrings import shared_docs
from ._files import atomic_write_bytes
from ._text import model_text
from ._validation import (DataTypeError, DataValueError, MAX_SHOWN, check_positive_int, describe_offenders,
                          is_missing)
from ._version import __version__

__all__ = ["CommentModel", "MODEL_KINDS"]

#: The kinds a model may learn, in the order of :attr:`CommentModel.classes`.
MODEL_KINDS = ("plus", "minus", "suggestion", "mixed", "none")

#: What ``model.json`` says it is, and the newest version of its layout this package reads.
FORMAT = "nps_toolkit.CommentModel"
FORMAT_VERSION = 1

#: The vectorizer's settings (as written to ``model.json``); the preprocessor is named, from :data:`_PREPROCESSORS`.
VECTORIZER = {"analyzer": "char_wb", "ngram_range": [2, 5], "min_df": 2, "sublinear_tf": True, "lowercase": False,
              "preprocessor": "model_text", "norm": "l2", "use_idf": True, "smooth_idf": True}
#: The classifier's settings (written to ``model.json`` for information; a saved model needs only its arrays).
CLASSIFIER = {"model": "LogisticRegression", "C": 10.0, "penalty": "l2", "class_weight": "balanced",
              "solver": "newton-cg", "max_iter": 2000, "link": "softmax (logistic for two classes)"}

#: Preprocessors a saved model may name: name -> function of this package (never imported from the file).
_PREPROCESSORS = {"model_text": model_text}
_ANALYZERS = ("char_wb", "char")
_NORMS = ("l2", "l1", None)

_MEMBER_LIMIT = 1 << 30  # refuse members that unpack to more than 1 GiB (a model of millions of n-grams is smaller)
_AGAIN = "make one with CommentModel.fit(texts, labels).save(path)"


# -- input ----------------------------------------------------------------------------------------------------------
def _sequence(values, *, name: str, what: str) -> tuple[list, pd.Index]:
    """``values`` (one per comment) as a list, and the index a result keeps."""
    if isinstance(values, pd.DataFrame):
        raise TypeError(f"{name} must be one column of {what} (a Series, list or array), not a DataFrame")
    if isinstance(values, (str, bytes)):
        raise TypeError(f"{name} must be a sequence of {what} (list, array or Series); for one comment pass [text]")
    if isinstance(values, pd.Series):
        return list(values.to_numpy(dtype=object)), values.index
    if isinstance(values, (pd.Index, pd.Categorical)):
        return list(np.asarray(values, dtype=object)), pd.RangeIndex(len(values))
    if isinstance(values, np.ndarray):
        if values.ndim != 1:
            raise ValueError(f"{name} must be one-dimensional, got shape {values.shape}")
        return list(values.astype(object)), pd.RangeIndex(len(values))
    if isinstance(values, (Mapping, set, frozenset)) or not isinstance(values, Iterable):
        raise TypeError(f"{name} must be a sequence of {what} (list, array or Series), got {type(values).__name__}")
    out = list(values)
    return out, pd.RangeIndex(len(out))


def _offenders(values: list, positions: list) -> dict:
    """The attributes of a :class:`~nps_toolkit.DataError` for these offenders (the first few listed)."""
    return dict(values=[values[i] for i in positions[:MAX_SHOWN]], positions=positions[:MAX_SHOWN],
                total=len(positions))


def _non_text(values: list, *, name: str, missing_allowed: bool):
    """Raise for values that are not text (and for missing values unless allowed), naming their positions."""
    bad = [i for i, v in enumerate(values) if not isinstance(v, str) and not is_missing(v)]
    if bad:
        allowed = " (missing values may be None or NaN)" if missing_allowed else ""
        raise DataTypeError(f"{name}: comments must be text{allowed}; got "
                            + describe_offenders([values[i] for i in bad], bad),
                            column=name, **_offenders(values, bad))
    if not missing_allowed:
        gone = [i for i, v in enumerate(values) if is_missing(v)]
        if gone:
            raise DataValueError(f"{name}: a model cannot learn from missing comments; got "
                                 + describe_offenders([values[i] for i in gone], gone)
                                 + "; leave them (and their labels) out", column=name, **_offenders(values, gone))


def _kinds(labels, n: int) -> list[str]:
    """One allowed kind per comment, from ``labels``."""
    values, _ = _sequence(labels, name="labels", what="kinds")
    if len(values) != n:
        raise ValueError(f"labels: {len(values)} labels given for {n} comments; give one kind per comment")
    bad = [i for i, v in enumerate(values) if not (isinstance(v, str) and v in MODEL_KINDS)]
    if bad:
        raise DataValueError(f"labels must be kinds: one of {', '.join(repr(k) for k in MODEL_KINDS)}; got "
                             + describe_offenders([values[i] for i in bad], bad),
                             column="labels", **_offenders(values, bad))
    return [str(v) for v in values]


def _seed(random_state):
    """``random_state`` as scikit-learn takes it (a numpy Generator gives a seed drawn from it)."""
    if random_state is None or isinstance(random_state, np.random.RandomState):
        return random_state
    if isinstance(random_state, np.random.Generator):
        return int(random_state.integers(0, 2**32 - 1))
    if isinstance(random_state, numbers.Integral) and not isinstance(random_state, (bool, np.bool_)):
        if not 0 <= int(random_state) < 2**32:
            raise ValueError(f"random_state must be between 0 and 2**32 - 1, got {random_state!r}")
        return int(random_state)
    raise TypeError(f"random_state must be None, a whole number or a numpy Generator, got {random_state!r}")


def _path(path) -> Path:
    if isinstance(path, (str, os.PathLike)):
        return Path(path)
    raise TypeError(f"path must be a str or pathlib.Path, got {type(path).__name__}")


# -- the model's arithmetic ---------------------------------------------------------------------------------------
def _vectorizer(settings: dict, vocabulary: list[str] | None = None, idf: np.ndarray | None = None):
    """A TfidfVectorizer with ``settings``: to fit (no vocabulary) or ready to use (vocabulary and idf given)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(
        analyzer=settings["analyzer"], ngram_range=tuple(settings["ngram_range"]), min_df=settings["min_df"],
        sublinear_tf=settings["sublinear_tf"], lowercase=settings["lowercase"],
        preprocessor=_PREPROCESSORS[settings["preprocessor"]], norm=settings["norm"], use_idf=settings["use_idf"],
        smooth_idf=settings["smooth_idf"], vocabulary=vocabulary, dtype=np.float64)
    if idf is not None:
        vectorizer.idf_ = idf
    return vectorizer


def _pipeline():
    """The recipe cross-validated and fitted: TF-IDF of character n-grams, then a logistic regression."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    classifier = LogisticRegression(C=CLASSIFIER["C"], class_weight=CLASSIFIER["class_weight"],
                                    solver=CLASSIFIER["solver"], max_iter=CLASSIFIER["max_iter"])
    return make_pipeline(_vectorizer(VECTORIZER), classifier)


def _one_thread():
    """A context in which BLAS uses one thread: the solver's vectors are small, and several threads fighting
    over them make fitting several times slower on a busy machine (threadpoolctl comes with scikit-learn)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - scikit-learn requires it
        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


def _probabilities(scores: np.ndarray) -> np.ndarray:
    """Class probabilities from the linear scores, as scikit-learn's ``LogisticRegression.predict_proba``:
    the logistic of the one column for two classes, the softmax of the rows otherwise."""
    if scores.shape[1] == 1:
        s = scores[:, 0]
        z = np.exp(-np.abs(s))  # never overflows
        positive = np.where(s >= 0, 1.0 / (1.0 + z), z / (1.0 + z))
        return np.column_stack([1.0 - positive, positive])
    shifted = scores - scores.max(axis=1, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=1, keepdims=True)


# -- the model ------------------------------------------------------------------------------------------------------
def _read_only(name: str, doc: str) -> property:
    """A read-only attribute of the model, kept in the slot ``name``."""
    return property(lambda self: getattr(self, name), doc=doc)


class CommentModel:
    """A classifier of the kind of open comments, learned from comments labelled by hand.

    Make one with :meth:`fit` (or read one with :meth:`load`); it cannot be
    changed afterwards. :meth:`predict` gives each comment's kind and its
    probability, :meth:`save` writes it to a file that holds no code (see the
    module documentation).

    Attributes
    ----------
    classes : tuple of str
        The kinds it tells apart, in the order of :data:`MODEL_KINDS`.
    n_train : int
        Number of labelled comments it was fitted on.
    counts : dict
        Kind -> number of labelled comments of that kind.
    cv_accuracy : float
        Mean accuracy on the held-out folds of the cross-validation (0..1).
    cv_scores : tuple of float
        The accuracy on each held-out fold.
    cv_folds : int
        Number of cross-validation folds.
    version : str
        The nps_toolkit version that fitted it.
    features : int
        Number of character n-grams it reads.

    See Also
    --------
    classify_comments : Sort comments with the model (``model=``).
    theme_impact : What each theme costs, with the model's kinds.
    verbatims : Quotes of each theme, with the model's kinds.

    Examples
    --------
    >>> texts = ["Fast delivery, thank you", "Great support, very helpful", "Love the new app",
    ...          "Delivery took two weeks", "Support never answered", "The app keeps crashing",
    ...          "Please add a dark mode", "Could you add Apple Pay?", "Please add more sizes",
    ...          "Szybka dostawa, dziękuję", "Dostawa trwała dwa tygodnie", "Dodajcie proszę ciemny motyw"]
    >>> labels = ["plus", "plus", "plus", "minus", "minus", "minus", "suggestion", "suggestion", "suggestion",
    ...           "plus", "minus", "suggestion"]
    >>> model = CommentModel.fit(texts, labels, folds=3, verbose=False)
    >>> model.counts, model.cv_folds
    ({'plus': 4, 'minus': 4, 'suggestion': 4}, 3)
    >>> model.n_train = 5
    Traceback (most recent call last):
    ...
    AttributeError: a CommentModel is read-only; fit a new one with CommentModel.fit(texts, labels)
    """

    __slots__ = ("_classes", "_counts", "_n_train", "_cv_accuracy", "_cv_scores", "_cv_folds", "_version",
                 "_settings", "_vocabulary", "_vectorizer", "_coef", "_intercept")

    def __init__(self, *args, **kwargs):
        raise TypeError("make a CommentModel with CommentModel.fit(texts, labels) or CommentModel.load(path)")

    @classmethod
    def _from_parts(cls, *, classes, counts, cv_accuracy, cv_scores, cv_folds, version, settings, vocabulary, idf,
                    coef, intercept) -> "CommentModel":
        """A working model from its checked parts (the same road for a fitted and for a loaded model)."""
        self = object.__new__(cls)
        parts = dict(
            _classes=tuple(classes), _counts=dict(counts), _n_train=int(sum(counts.values())),
            _cv_accuracy=float(cv_accuracy), _cv_scores=tuple(float(s) for s in cv_scores), _cv_folds=int(cv_folds),
            _version=str(version), _settings=dict(settings), _vocabulary=tuple(vocabulary),
            _coef=_frozen(coef), _intercept=_frozen(intercept))
        parts["_vectorizer"] = _vectorizer(settings, list(vocabulary), _frozen(idf))
        for name, value in parts.items():
            object.__setattr__(self, name, value)
        return self

    def __setattr__(self, name, value):
        raise AttributeError("a CommentModel is read-only; fit a new one with CommentModel.fit(texts, labels)")

    def __delattr__(self, name):
        raise AttributeError("a CommentModel is read-only; fit a new one with CommentModel.fit(texts, labels)")

    def __copy__(self) -> "CommentModel":
        return self  # read-only

    def __deepcopy__(self, memo) -> "CommentModel":
        return self

    def __reduce__(self):
        return _from_pickle, (self._to_bytes(),)  # through the file format: the parts, checked again

    # -- read-only attributes ---------------------------------------------------------------------------------------
    classes = _read_only("_classes", "The kinds it tells apart, in the order of :data:`MODEL_KINDS` (tuple).")
    n_train = _read_only("_n_train", "Number of labelled comments it was fitted on (int).")
    cv_accuracy = _read_only("_cv_accuracy", "Mean accuracy on the held-out folds of the cross-validation (0..1).")
    cv_scores = _read_only("_cv_scores", "Accuracy on each held-out fold (tuple).")
    cv_folds = _read_only("_cv_folds", "Number of cross-validation folds (int).")
    version = _read_only("_version", "The nps_toolkit version that fitted it (str).")

    @property
    def counts(self) -> dict:
        """Kind -> number of labelled comments of that kind (a copy)."""
        return dict(self._counts)

    @property
    def features(self) -> int:
        """Number of character n-grams it reads."""
        return len(self._vocabulary)

    @property
    def _cv_sd(self) -> float:
        return float(np.std(self._cv_scores, ddof=1)) if len(self._cv_scores) > 1 else float("nan")

    # -- fit ---------------------------------------------------------------------------------------------------------
    @classmethod
    @shared_docs
    def fit(cls, texts, labels, *, folds=5, random_state=0, verbose=True) -> "CommentModel":
        """Learn the kinds of comments from comments labelled by hand, and measure its accuracy.

        The accuracy is estimated by stratified k-fold cross-validation (see
        the module documentation); the model returned is then fitted on every
        comment. ``random_state`` only shuffles the comments into folds: the
        model itself does not depend on it, its estimated accuracy may.

        Parameters
        ----------
        texts : list, array or Series of str
            The labelled comments (no missing values: leave unlabelled rows out).
        {{labels}}
        {{folds}}
        {{random_state}}
        {{verbose}}

        Returns
        -------
        CommentModel

        Raises
        ------
        TypeError
            Comments that are not text (with their positions), a DataFrame
            or a single string instead of a sequence.
        ValueError
            Missing comments, labels that are not kinds of
            :data:`MODEL_KINDS` (with their positions), not one label per
            comment, fewer than two kinds, or a kind with fewer examples than
            ``folds``.

        Examples
        --------
        >>> texts = ["Fast delivery, thank you", "Great support, very helpful", "Love the new app",
        ...          "Delivery took two weeks", "Support never answered", "The app keeps crashing",
        ...          "Szybka dostawa", "Dostawa trwała dwa tygodnie"]
        >>> model = CommentModel.fit(texts, ["plus", "plus", "plus", "minus", "minus", "minus", "plus", "minus"],
        ...                          folds=3)  # doctest: +ELLIPSIS
        CommentModel: 3-fold cross-validated accuracy ... on 8 comments (plus 4, minus 4)
        >>> model.classes
        ('plus', 'minus')
        """
        values, _ = _sequence(texts, name="texts", what="comments")
        _non_text(values, name="texts", missing_allowed=False)
        kinds = _kinds(labels, len(values))
        if isinstance(texts, pd.Series) and isinstance(labels, pd.Series) and not texts.index.equals(labels.index):
            raise ValueError("texts and labels are Series with different indexes; align them first (or pass "
                             "labels.to_numpy() to pair them by position)")
        folds = check_positive_int(folds, name="folds", minimum=2)
        seed = _seed(random_state)
        if not isinstance(verbose, (bool, np.bool_)):
            raise TypeError(f"verbose must be True or False, got {verbose!r}")
        counts = {k: kinds.count(k) for k in MODEL_KINDS if k in kinds}
        if len(counts) < 2:
            found = f"only {next(iter(counts))!r}" if counts else "no comments"
            raise ValueError(f"labels: a model tells two or more kinds apart, got {found}; label comments of at "
                             f"least two of {', '.join(repr(k) for k in MODEL_KINDS)}")
        few = {k: c for k, c in counts.items() if c < folds}
        if few:
            listed = ", ".join(f"{k!r} has {c}" for k, c in few.items())
            raise ValueError(f"labels: {folds}-fold cross-validation needs at least {folds} comments of each kind; "
                             f"{listed}: label more comments of that kind, leave the kind out, or use fewer folds "
                             f"(folds >= 2)")

        from sklearn.model_selection import StratifiedKFold, cross_val_score

        x = np.array(values, dtype=object)
        y = np.array([MODEL_KINDS.index(k) for k in kinds])  # class order = MODEL_KINDS order
        final = _pipeline()
        with _one_thread():
            try:
                final.fit(x, y)
            except ValueError as error:
                if "no terms remain" not in str(error):
                    raise
                raise DataValueError("texts: the comments share no run of 2 to 5 characters with another comment, "
                                     "so there is nothing to learn; give more (and longer) comments",
                                     column="texts") from None
            cv = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
            scores = cross_val_score(_pipeline(), x, y, cv=cv, scoring="accuracy", error_score="raise")
        vectorizer, classifier = final[0], final[-1]
        model = cls._from_parts(
            classes=tuple(counts), counts=counts, cv_accuracy=float(np.mean(scores)), cv_scores=scores,
            cv_folds=folds, version=__version__, settings=VECTORIZER,
            vocabulary=[str(t) for t in vectorizer.get_feature_names_out()], idf=vectorizer.idf_,
            coef=classifier.coef_, intercept=classifier.intercept_)
        if verbose:
            print(model._summary())
        return model

    def _summary(self) -> str:
        kinds = ", ".join(f"{k} {c:,}" for k, c in self._counts.items())
        return (f"CommentModel: {self._cv_folds}-fold cross-validated accuracy {self._cv_accuracy:.2f} "
                f"(sd {self._cv_sd:.2f}) on {self._n_train:,} comments ({kinds})")

    # -- predict -----------------------------------------------------------------------------------------------------
    @shared_docs
    def predict(self, texts) -> pd.DataFrame:
        """The kind of each comment and the model's probability of it.

        Parameters
        ----------
        texts : list, array or Series of str
            The comments. Missing values (None, NaN) and blank texts are
            allowed and give kind ``"none"`` with probability NaN; anything
            else that is not text raises ``TypeError`` naming the positions.

        Returns
        -------
        DataFrame
            Same index as ``texts`` (a fresh ``RangeIndex`` for lists and
            arrays), columns ``kind`` (one of :attr:`classes`, or ``"none"``
            for missing texts) and ``probability`` (the model's probability of
            that kind, the largest of its class probabilities; NaN for missing
            texts).

        Raises
        ------
        TypeError
            Comments that are not text (with their positions), a DataFrame
            or a single string instead of a sequence.

        Examples
        --------
        >>> texts = ["Fast delivery, thank you", "Great support, very helpful", "Love the new app",
        ...          "Delivery took two weeks", "Support never answered", "The app keeps crashing"]
        >>> model = CommentModel.fit(texts, ["plus"] * 3 + ["minus"] * 3, folds=3, verbose=False)
        >>> table = model.predict(pd.Series(["Very helpful, thank you", None], index=[10, 11]))
        >>> table["kind"].tolist(), table.index.tolist(), bool(table["probability"].isna()[11])
        (['plus', 'none'], [10, 11], True)
        """
        values, index = _sequence(texts, name="texts", what="comments")
        _non_text(values, name="texts", missing_allowed=True)
        present = [i for i, v in enumerate(values) if isinstance(v, str) and v.strip()]
        kinds = np.full(len(values), "none", dtype=object)
        probability = np.full(len(values), np.nan)
        if present:
            codes, unique = pd.factorize(np.array([str(values[i]) for i in present], dtype=object))
            proba = self._probabilities(list(unique))  # each distinct text read once ("nothing", "ok"...)
            best = proba.argmax(axis=1)
            kinds[present] = np.asarray(self._classes, dtype=object)[best][codes]
            probability[present] = proba[np.arange(len(unique)), best][codes]
        return pd.DataFrame({"kind": pd.Series(kinds, index=index, dtype=object),
                             "probability": pd.Series(probability, index=index, dtype=float)}, index=index)

    def _probabilities(self, texts: list[str]) -> np.ndarray:
        """Class probabilities of ``texts`` (one row each, columns in the order of :attr:`classes`)."""
        x = self._vectorizer.transform(texts)
        scores = np.asarray(x @ self._coef.T) + self._intercept
        return _probabilities(scores)

    # -- files -------------------------------------------------------------------------------------------------------
    @shared_docs
    def save(self, path) -> Path:
        """Write the model to a file (a ZIP of JSON and numpy arrays, no code; see the module documentation).

        The file is written under a temporary name and renamed into place, so
        an existing file is replaced only once the new one is complete.

        Parameters
        ----------
        {{path}}

        Returns
        -------
        pathlib.Path
            The path written.

        Examples
        --------
        >>> import tempfile, pathlib
        >>> texts = ["Fast delivery, thank you", "Great support, very helpful", "Love the new app",
        ...          "Delivery took two weeks", "Support never answered", "The app keeps crashing"]
        >>> model = CommentModel.fit(texts, ["plus"] * 3 + ["minus"] * 3, folds=3, verbose=False)
        >>> path = model.save(pathlib.Path(tempfile.mkdtemp()) / "kinds.zip")
        >>> import zipfile
        >>> sorted(zipfile.ZipFile(path).namelist())
        ['arrays.npz', 'model.json']
        """
        return atomic_write_bytes(_path(path), self._to_bytes())

    def _metadata(self) -> dict:
        return {"format": FORMAT, "format_version": FORMAT_VERSION, "nps_toolkit_version": self._version,
                "vectorizer": dict(self._settings), "classifier": dict(CLASSIFIER), "classes": list(self._classes),
                "counts": dict(self._counts), "n_train": self._n_train, "cv_accuracy": self._cv_accuracy,
                "cv_scores": list(self._cv_scores), "cv_folds": self._cv_folds, "vocabulary": list(self._vocabulary)}

    def _to_bytes(self) -> bytes:
        meta = self._metadata()
        try:
            text = json.dumps(meta, ensure_ascii=False, indent=1).encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate among the n-grams: escaped, still valid JSON
            text = json.dumps(meta, ensure_ascii=True, indent=1).encode("ascii")
        arrays = io.BytesIO()
        np.savez_compressed(arrays, idf=np.asarray(self._vectorizer.idf_, dtype=np.float64),
                            coef=np.asarray(self._coef, dtype=np.float64),
                            intercept=np.asarray(self._intercept, dtype=np.float64))
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as archive:
            for name, data, compression in (("model.json", text, zipfile.ZIP_DEFLATED),
                                            ("arrays.npz", arrays.getvalue(), zipfile.ZIP_STORED)):
                info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
                info.compress_type = compression
                info.external_attr = 0o644 << 16
                archive.writestr(info, data)
        return out.getvalue()

    @classmethod
    @shared_docs
    def load(cls, path) -> "CommentModel":
        """Read a model written by :meth:`save`, without refitting (and without running anything from the file).

        Parameters
        ----------
        {{path}}

        Returns
        -------
        CommentModel

        Raises
        ------
        FileNotFoundError
            No file at ``path``.
        ValueError
            The file is not a comment model (not a ZIP, no ``model.json``,
            another format), was written by a newer nps_toolkit (upgrade to
            read it), or is damaged (fields or arrays that do not fit
            together).

        Examples
        --------
        >>> import tempfile, pathlib
        >>> texts = ["Fast delivery, thank you", "Great support, very helpful", "Love the new app",
        ...          "Delivery took two weeks", "Support never answered", "The app keeps crashing"]
        >>> model = CommentModel.fit(texts, ["plus"] * 3 + ["minus"] * 3, folds=3, verbose=False)
        >>> again = CommentModel.load(model.save(pathlib.Path(tempfile.mkdtemp()) / "kinds.zip"))
        >>> again.classes, again.n_train, again.cv_accuracy == model.cv_accuracy
        (('plus', 'minus'), 6, True)
        >>> bad = pathlib.Path(tempfile.mkdtemp()) / "notes.txt"
        >>> _ = bad.write_text("hello")
        >>> CommentModel.load(bad)  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        ValueError: '...notes.txt' is not an nps_toolkit comment model (not a ZIP file); make one with ...
        """
        path = _path(path)
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            error = FileNotFoundError(f"no comment model file at {str(path)!r}; {_AGAIN}")
            error.filename = str(path)
            raise error from None
        return _from_bytes(raw, repr(str(path)))

    # -- display -----------------------------------------------------------------------------------------------------
    def __repr__(self) -> str:
        return (f"CommentModel(classes={self._classes!r}, n_train={self._n_train}, "
                f"cv_accuracy={self._cv_accuracy:.2f}, cv_folds={self._cv_folds})")

    def _repr_html_(self) -> str:
        e = html.escape
        rows = "".join(f"<tr><td>{e(k)}</td><td style='text-align:right'>{c:,}</td></tr>"
                       for k, c in self._counts.items())
        sd = "" if math.isnan(self._cv_sd) else f", sd {self._cv_sd:.2f}"
        return ("<table class='nps-comment-model'>"
                f"<caption>CommentModel ({e(str(self.features))} n-grams; nps_toolkit {e(self._version)})</caption>"
                "<thead><tr><th>kind</th><th>comments</th></tr></thead><tbody>" + rows
                + f"<tr><th>all</th><th style='text-align:right'>{self._n_train:,}</th></tr>"
                f"<tr><td>cross-validated accuracy</td><td style='text-align:right'>{self._cv_accuracy:.2f} "
                f"({self._cv_folds}-fold{sd})</td></tr></tbody></table>")


def _frozen(values) -> np.ndarray:
    array = np.array(values, dtype=np.float64)  # a copy
    array.setflags(write=False)
    return array


def _from_pickle(data: bytes) -> CommentModel:
    return _from_bytes(data, "a pickled CommentModel")


# -- reading a file -------------------------------------------------------------------------------------------------
class _NotOurs(Exception):
    pass


class _Damaged(Exception):
    pass


def _from_bytes(raw: bytes, where: str) -> CommentModel:
    """The model in ``raw`` (the bytes of a saved file); ``where`` names it in messages."""
    try:
        return _parse(raw)
    except _NotOurs as reason:
        raise ValueError(f"{where} is not an nps_toolkit comment model ({reason}); {_AGAIN}") from None
    except _Damaged as reason:
        raise ValueError(f"{where} is a damaged nps_toolkit comment model ({reason}); fit the model again and "
                         f"save it with CommentModel.fit(texts, labels).save(path)") from None
    except _Newer as newer:
        raise ValueError(f"{where} was saved by a newer nps_toolkit ({newer}); this is nps_toolkit {__version__}, "
                         f"which reads format_version {FORMAT_VERSION}: upgrade nps_toolkit "
                         f"(pip install --upgrade nps_toolkit) to load it") from None


class _Newer(Exception):
    pass


def _member(archive: zipfile.ZipFile, name: str) -> bytes:
    info = archive.getinfo(name)
    if info.file_size > _MEMBER_LIMIT:
        raise _Damaged(f"{name} would unpack to {info.file_size:,} bytes")
    try:
        return archive.read(info)
    except Exception as error:  # BadZipFile (a bad CRC), zlib.error, EOFError, NotImplementedError (compression)...
        raise _Damaged(f"{name} cannot be read: {type(error).__name__}: {error}") from None


def _parse(raw: bytes) -> CommentModel:
    buffer = io.BytesIO(raw)
    if not zipfile.is_zipfile(buffer):
        raise _NotOurs("not a ZIP file")
    try:
        archive = zipfile.ZipFile(buffer)
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError) as error:
        raise _NotOurs(f"not a readable ZIP file: {error}") from None
    with archive:
        names = archive.namelist()
        if "model.json" not in names:
            raise _NotOurs("no model.json inside")
        try:
            meta = json.loads(_member(archive, "model.json").decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
            raise _NotOurs("its model.json is not JSON text") from None
        if not isinstance(meta, dict):
            raise _NotOurs("its model.json is not a JSON object")
        if meta.get("format") != FORMAT:
            raise _NotOurs(f"its model.json says format {meta.get('format')!r}, not {FORMAT!r}")
        version = meta.get("format_version")
        if not _is_int(version) or version < 1:
            raise _Damaged(f"format_version must be a whole number >= 1, got {version!r}")
        if version > FORMAT_VERSION:
            saved_by = meta.get("nps_toolkit_version")
            by = f" {saved_by}" if isinstance(saved_by, str) else ""
            raise _Newer(f"comment model format_version {version}, written by nps_toolkit{by}")
        parts = _check_metadata(meta)
        if "arrays.npz" not in names:
            raise _Damaged("no arrays.npz inside")
        arrays = _read_arrays(_member(archive, "arrays.npz"))
    n_features, n_rows = len(parts["vocabulary"]), (1 if len(parts["classes"]) == 2 else len(parts["classes"]))
    expected = {"idf": (n_features,), "coef": (n_rows, n_features), "intercept": (n_rows,)}
    for name, shape in expected.items():
        if arrays[name].shape != shape:
            raise _Damaged(f"arrays.npz: {name} has shape {arrays[name].shape}, expected {shape} for "
                           f"{len(parts['classes'])} classes and {n_features:,} n-grams")
    try:
        return CommentModel._from_parts(**parts, **arrays)
    except ValueError as error:  # e.g. a term twice in the vocabulary
        raise _Damaged(str(error)) from None


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _check_metadata(meta: dict) -> dict:
    """The parts of a model from ``model.json``, every field checked (raises :class:`_Damaged`)."""
    needed = ("nps_toolkit_version", "vectorizer", "classes", "counts", "n_train", "cv_accuracy", "cv_folds",
              "vocabulary")
    absent = [k for k in needed if k not in meta]
    if absent:
        raise _Damaged(f"model.json lacks {', '.join(repr(k) for k in absent)}")
    version = meta["nps_toolkit_version"]
    if not isinstance(version, str) or len(version) > 100:
        raise _Damaged(f"nps_toolkit_version must be a short text, got {version!r:.60}")
    classes = meta["classes"]
    if (not isinstance(classes, list) or len(classes) < 2 or not all(isinstance(k, str) for k in classes)
            or not set(classes) <= set(MODEL_KINDS) or len(set(classes)) != len(classes)
            or classes != [k for k in MODEL_KINDS if k in classes]):
        raise _Damaged(f"classes must be two or more of {', '.join(repr(k) for k in MODEL_KINDS)}, in that order; "
                       f"got {classes!r:.200}")
    counts = meta["counts"]
    if (not isinstance(counts, dict) or list(counts) != classes
            or not all(_is_int(c) and c >= 0 for c in counts.values())):
        raise _Damaged(f"counts must give a number of comments for each class ({', '.join(classes)}); "
                       f"got {counts!r:.200}")
    if meta["n_train"] != sum(counts.values()) or not _is_int(meta["n_train"]):
        raise _Damaged(f"n_train ({meta['n_train']!r:.40}) is not the sum of counts ({sum(counts.values())})")
    folds = meta["cv_folds"]
    if not _is_int(folds) or folds < 2:
        raise _Damaged(f"cv_folds must be a whole number >= 2, got {folds!r:.40}")
    accuracy = meta["cv_accuracy"]
    if not _is_number(accuracy) or not 0.0 <= accuracy <= 1.0:
        raise _Damaged(f"cv_accuracy must be a number from 0 to 1, got {accuracy!r:.40}")
    scores = meta.get("cv_scores", [])
    if (not isinstance(scores, list) or len(scores) not in (0, folds)
            or not all(_is_number(s) and 0.0 <= s <= 1.0 for s in scores)):
        raise _Damaged(f"cv_scores must be {folds} accuracies from 0 to 1, got {scores!r:.200}")
    vocabulary = meta["vocabulary"]
    if not isinstance(vocabulary, list) or not vocabulary or not all(isinstance(t, str) and t for t in vocabulary):
        raise _Damaged("vocabulary must be a non-empty list of n-grams (texts)")
    if len(set(vocabulary)) != len(vocabulary):
        raise _Damaged("vocabulary holds an n-gram twice")
    return dict(classes=classes, counts=counts, cv_accuracy=accuracy, cv_scores=scores, cv_folds=folds,
                version=version, settings=_check_settings(meta["vectorizer"]), vocabulary=vocabulary)


def _check_settings(settings) -> dict:
    """The vectorizer's settings from ``model.json``: only values this package knows (raises :class:`_Damaged`)."""
    if not isinstance(settings, dict):
        raise _Damaged("vectorizer must be a JSON object of settings")
    absent = [k for k in VECTORIZER if k not in settings]
    if absent:
        raise _Damaged(f"vectorizer lacks {', '.join(repr(k) for k in absent)}")
    checks = {
        "analyzer": lambda v: v in _ANALYZERS,
        "ngram_range": lambda v: (isinstance(v, list) and len(v) == 2 and all(_is_int(x) for x in v)
                                  and 1 <= v[0] <= v[1] <= 20),
        "min_df": lambda v: _is_number(v) and v >= 0,
        "sublinear_tf": lambda v: isinstance(v, bool),
        "lowercase": lambda v: isinstance(v, bool),
        "preprocessor": lambda v: isinstance(v, str) and v in _PREPROCESSORS,
        "norm": lambda v: v in _NORMS,
        "use_idf": lambda v: v is True,
        "smooth_idf": lambda v: isinstance(v, bool),
    }
    for name, ok in checks.items():
        if not ok(settings[name]):
            raise _Damaged(f"vectorizer setting {name!r} = {settings[name]!r:.60} is not one this nps_toolkit knows")
    return {name: settings[name] for name in VECTORIZER}


def _read_arrays(raw: bytes) -> dict:
    """``idf``, ``coef`` and ``intercept`` from the bytes of ``arrays.npz`` (no pickles; raises :class:`_Damaged`)."""
    try:
        with np.load(io.BytesIO(raw), allow_pickle=False) as npz:
            if not hasattr(npz, "files"):
                raise _Damaged("arrays.npz is not an .npz archive")
            absent = [k for k in ("idf", "coef", "intercept") if k not in npz.files]
            if absent:
                raise _Damaged(f"arrays.npz lacks {', '.join(absent)}")
            arrays = {k: npz[k] for k in ("idf", "coef", "intercept")}
    except _Damaged:
        raise
    except Exception as error:  # ValueError (object arrays), OSError, BadZipFile, EOFError...
        raise _Damaged(f"arrays.npz cannot be read: {type(error).__name__}: {error}") from None
    for name, array in arrays.items():
        if array.dtype.kind not in "fi":
            raise _Damaged(f"arrays.npz: {name} holds {array.dtype} values, not numbers")
        if not np.all(np.isfinite(array)):
            raise _Damaged(f"arrays.npz: {name} holds values that are not finite")
    return {k: np.asarray(v, dtype=np.float64) for k, v in arrays.items()}


# -- models given by name -------------------------------------------------------------------------------------------
_CACHE: dict = {}  # (resolved path, mtime in ns, size) -> CommentModel, the most recent last
_CACHE_SIZE = 8
_CACHE_LOCK = threading.Lock()


def _stamp(path: Path) -> tuple:
    resolved = path.resolve(strict=True)
    stat = resolved.stat()
    return str(resolved), stat.st_mtime_ns, stat.st_size


def as_model(model):
    """A ``model=`` argument as a :class:`CommentModel` (or None).

    None gives None (the lexicon decides), a :class:`CommentModel` is
    returned as it is, a path is read with :meth:`CommentModel.load`; a
    file already read is not read again until it changes (its resolved path,
    modification time and size are the key).

    Examples
    --------
    >>> as_model(None) is None
    True
    >>> as_model(3)
    Traceback (most recent call last):
    ...
    TypeError: model must be a CommentModel (CommentModel.fit(texts, labels)), the path of a saved one, or None; got int
    """
    if model is None or isinstance(model, CommentModel):
        return model
    if not isinstance(model, (str, os.PathLike)):
        raise TypeError("model must be a CommentModel (CommentModel.fit(texts, labels)), the path of a saved one, "
                        f"or None; got {type(model).__name__}")
    path = Path(model)
    try:
        key = _stamp(path)
    except FileNotFoundError:
        return CommentModel.load(path)  # raises, naming the path
    with _CACHE_LOCK:
        hit = _CACHE.pop(key, None)
        if hit is not None:
            _CACHE[key] = hit  # most recent last
            return hit
    loaded = CommentModel.load(path)
    try:
        unchanged = _stamp(path) == key
    except OSError:
        unchanged = False
    if unchanged:  # not replaced while it was read: safe to remember under this key
        with _CACHE_LOCK:
            for old in [k for k in _CACHE if k[0] == key[0]]:
                del _CACHE[old]  # earlier versions of the same file
            _CACHE[key] = loaded
            while len(_CACHE) > _CACHE_SIZE:
                del _CACHE[next(iter(_CACHE))]
    return loaded
