"""CommentModel: fitting (cross-validated accuracy recomputed with scikit-learn directly), predictions against
scikit-learn's own, the file format (a ZIP of JSON and arrays, no pickle) and its errors, bad input, and
as_model."""

from __future__ import annotations

import io
import json
import math
import os
import pickle
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import nps_toolkit as nt
from nps_toolkit import comment_model as cm
from nps_toolkit._text import model_text
from nps_toolkit.comment_model import MODEL_KINDS, CommentModel, as_model

# -- a small labelled set: English, Russian and Polish, four kinds ----------------------------------------------
PLUS = [
    "Great service, thank you so much", "Excellent quality, I love it", "Fast delivery and friendly staff",
    "Everything was perfect, great job", "Love the app, really excellent", "Friendly support, great experience",
    "Отличный сервис, спасибо", "Всё отлично, очень доволен", "Быстрая доставка, отличное качество",
    "Отличная поддержка, спасибо большое", "Очень доволен, всё супер",
    "Świetna obsługa, polecam", "Wszystko super, bardzo dziękuję", "Szybka dostawa, świetna jakość",
    "Polecam, świetny sklep", "Bardzo miła obsługa, super",
]
MINUS = [
    "Terrible service, very disappointed", "Awful quality, broke after a day", "Delivery was slow and late",
    "Terrible support, nobody answered", "The app is awful and slow", "Very disappointed, awful experience",
    "Ужасный сервис, очень разочарован", "Доставка ужасно долгая", "Ужасное качество, всё сломалось",
    "Поддержка ужасная, никто не ответил", "Очень плохо и долго",
    "Fatalna obsługa, jestem rozczarowany", "Dostawa bardzo wolna i spóźniona", "Fatalna jakość, zepsuło się",
    "Fatalny sklep, nie polecam", "Bardzo źle i wolno",
]
SUGGESTION = [
    "Please add a dark mode", "Please add more payment options", "It would be nice to add a wishlist",
    "Please add delivery on weekends", "Would be nice to have more sizes", "Please add an option to pay later",
    "Добавьте, пожалуйста, тёмную тему", "Хотелось бы больше способов оплаты", "Добавьте, пожалуйста, доставку",
    "Хотелось бы больше размеров", "Добавьте оплату картой, пожалуйста",
    "Dodajcie proszę ciemny motyw", "Przydałaby się płatność kartą", "Dodajcie proszę więcej rozmiarów",
    "Przydałaby się dostawa w weekend", "Dodajcie proszę listę życzeń",
]
NONE = ["No comment", "Nothing to add", "No comments at all", "Nothing", "Нет комментариев", "Нечего добавить",
        "Без комментариев", "Brak komentarzy", "Nic do dodania", "Brak uwag"]

TEXTS = PLUS + MINUS + SUGGESTION + NONE
LABELS = ["plus"] * len(PLUS) + ["minus"] * len(MINUS) + ["suggestion"] * len(SUGGESTION) + ["none"] * len(NONE)

#: Held-out comments whose kind is plain (not in the training set).
HELD_OUT = {
    "Excellent support, thank you": "plus",
    "Отличное качество, спасибо": "plus",
    "Świetna jakość, polecam": "plus",
    "Awful delivery, very slow": "minus",
    "Ужасная доставка, очень долго": "minus",
    "Fatalna dostawa, bardzo wolno": "minus",
    "Please add gift cards": "suggestion",
    "Добавьте, пожалуйста, подарочные карты": "suggestion",
    "Dodajcie proszę karty podarunkowe": "suggestion",
    "Nothing to say": "none",
}


def _settings():
    """The vectorizer and classifier as the module documents them, built here with scikit-learn."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True,
                                 lowercase=False, preprocessor=model_text)
    classifier = LogisticRegression(C=10.0, max_iter=2000, class_weight="balanced", solver="newton-cg")
    return vectorizer, classifier


@pytest.fixture(scope="module")
def model() -> CommentModel:
    return CommentModel.fit(TEXTS, LABELS, verbose=False)


@pytest.fixture(scope="module")
def binary() -> CommentModel:
    """A model of two kinds (its classifier has a single row of coefficients)."""
    texts = PLUS + MINUS
    return CommentModel.fit(texts, ["plus"] * len(PLUS) + ["minus"] * len(MINUS), folds=4, verbose=False)


@pytest.fixture(scope="module")
def saved(model, tmp_path_factory) -> Path:
    return model.save(tmp_path_factory.mktemp("model") / "kinds.zip")


def _rewrite(source: Path, target: Path, *, meta=None, arrays=None, drop=()) -> Path:
    """A copy of a saved model with model.json changed by ``meta(dict)`` or arrays.npz replaced by ``arrays``."""
    with zipfile.ZipFile(source) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    if meta is not None:
        data = json.loads(members["model.json"])
        meta(data)
        members["model.json"] = json.dumps(data).encode()
    if arrays is not None:
        members["arrays.npz"] = arrays
    with zipfile.ZipFile(target, "w") as archive:
        for name, data in members.items():
            if name not in drop:
                archive.writestr(name, data)
    return target


def _npz(**arrays) -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


# -- fitting -------------------------------------------------------------------------------------------------------
def test_attributes(model):
    assert model.classes == ("plus", "minus", "suggestion", "none")  # MODEL_KINDS order, not alphabetical
    assert model.n_train == len(TEXTS) == 58
    assert model.counts == {"plus": 16, "minus": 16, "suggestion": 16, "none": 10}
    assert model.cv_folds == 5 and len(model.cv_scores) == 5
    assert model.version == nt.__version__
    vectorizer, _ = _settings()
    assert model.features == vectorizer.fit(TEXTS).idf_.shape[0] > 100


def test_cv_accuracy_is_the_mean_of_a_manual_cross_validation(model):
    """The folds, the fits and the scoring redone by hand with scikit-learn (string labels, no pipeline)."""
    from sklearn.model_selection import StratifiedKFold

    texts, labels = np.array(TEXTS, dtype=object), np.array(LABELS)
    accuracies = []
    for train, test in StratifiedKFold(5, shuffle=True, random_state=0).split(texts, labels):
        vectorizer, classifier = _settings()
        classifier.fit(vectorizer.fit_transform(texts[train]), labels[train])
        predicted = classifier.predict(vectorizer.transform(texts[test]))
        accuracies.append(float(np.mean(predicted == labels[test])))
    assert model.cv_scores == pytest.approx(accuracies, abs=1e-12)
    assert model.cv_accuracy == pytest.approx(np.mean(accuracies), abs=1e-12)
    assert 0.6 <= model.cv_accuracy <= 1.0  # the kinds are learnable from this set


def test_random_state_changes_the_folds_not_the_model(model):
    other = CommentModel.fit(TEXTS, LABELS, random_state=7, verbose=False)
    from sklearn.model_selection import StratifiedKFold

    folds_0 = [tuple(t) for _, t in StratifiedKFold(5, shuffle=True, random_state=0).split(TEXTS, LABELS)]
    folds_7 = [tuple(t) for _, t in StratifiedKFold(5, shuffle=True, random_state=7).split(TEXTS, LABELS)]
    assert folds_0 != folds_7
    a, b = model.predict(TEXTS), other.predict(TEXTS)
    np.testing.assert_allclose(a["probability"], b["probability"], rtol=0, atol=1e-12)
    again = CommentModel.fit(TEXTS, LABELS, random_state=7, verbose=False)
    assert again.cv_scores == other.cv_scores


def test_probabilities_are_scikit_learns(model, binary):
    """The model's own arithmetic (numpy on the saved parts) gives predict_proba of the sklearn fit."""
    for fitted, texts, labels in ((model, TEXTS, LABELS), (binary, PLUS + MINUS, LABELS[:32])):
        vectorizer, classifier = _settings()
        classifier.fit(vectorizer.fit_transform(texts), labels)
        probe = list(HELD_OUT) + texts[:5]
        proba = classifier.predict_proba(vectorizer.transform(probe))
        expected_kind = classifier.classes_[proba.argmax(axis=1)]
        table = fitted.predict(probe)
        assert table["kind"].tolist() == expected_kind.tolist()
        np.testing.assert_allclose(table["probability"], proba.max(axis=1), rtol=0, atol=1e-9)


def test_binary_model_has_one_row_of_coefficients(binary):
    assert binary.classes == ("plus", "minus")
    assert binary._coef.shape == (1, binary.features)
    table = binary.predict(["Terrible and slow", "Excellent, thank you"])
    assert table["kind"].tolist() == ["minus", "plus"]
    assert (table["probability"] > 0.5).all()


def test_clear_held_out_comments(model):
    table = model.predict(list(HELD_OUT))
    assert table["kind"].tolist() == list(HELD_OUT.values())
    assert ((table["probability"] > 1 / len(model.classes)) & (table["probability"] <= 1)).all()
    twice = model.predict(list(HELD_OUT) * 2)  # repeated texts are read once, and get the same answer
    assert twice["kind"].tolist() == list(HELD_OUT.values()) * 2
    np.testing.assert_array_equal(twice["probability"].to_numpy()[:10], table["probability"].to_numpy())
    np.testing.assert_array_equal(twice["probability"].to_numpy()[10:], table["probability"].to_numpy())


def test_predict_keeps_the_index_of_a_series(model):
    texts = pd.Series(["Excellent support, thank you", None, "Please add gift cards"], index=["a", "b", "c"])
    table = model.predict(texts)
    assert table.index.tolist() == ["a", "b", "c"]
    assert list(table.columns) == ["kind", "probability"]
    assert table["kind"].tolist() == ["plus", "none", "suggestion"]
    assert table["probability"].dtype == float
    assert model.predict(np.array(["Nothing to say"], dtype=object)).index.equals(pd.RangeIndex(1))
    assert model.predict(pd.Index(["Nothing to say"])).index.equals(pd.RangeIndex(1))
    empty = model.predict([])
    assert len(empty) == 0 and list(empty.columns) == ["kind", "probability"]


def test_missing_and_blank_texts_are_kind_none(model):
    table = model.predict([None, np.nan, pd.NA, "", "   ", "Awful delivery, very slow"])
    assert table["kind"].tolist() == ["none"] * 5 + ["minus"]
    assert table["probability"].isna().tolist() == [True] * 5 + [False]
    strings = pd.Series(["Please add gift cards", None], dtype="string")
    assert model.predict(strings)["kind"].tolist() == ["suggestion", "none"]


def test_predict_refuses_what_is_not_text(model):
    with pytest.raises(TypeError, match=r"3 \(position 1\), b'x' \(position 3\)") as caught:
        model.predict(["fine", 3, None, b"x"])
    assert isinstance(caught.value, nt.DataTypeError) and caught.value.positions == [1, 3]
    with pytest.raises(TypeError, match="DataFrame"):
        model.predict(pd.DataFrame({"comment": ["fine"]}))
    with pytest.raises(TypeError, match=r"for one comment pass \[text\]"):
        model.predict("fine")
    with pytest.raises(ValueError, match="one-dimensional"):
        model.predict(np.array([["a", "b"]], dtype=object))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(st.none(), st.just(float("nan")), st.text(max_size=30),
                          st.sampled_from(list(HELD_OUT))), max_size=12))
def test_predict_on_any_texts(model, texts):
    before = list(texts)
    table = model.predict(texts)
    assert len(table) == len(texts)
    assert texts == before or all(isinstance(a, float) and math.isnan(a) for a, b in zip(texts, before) if a != b)
    blank = [not isinstance(t, str) or not t.strip() for t in texts]
    assert table["probability"].isna().tolist() == blank
    assert set(table["kind"]) <= set(model.classes) | {"none"}
    assert all(k == "none" for k, b in zip(table["kind"], blank) if b)
    shown = table["probability"].dropna()
    assert ((shown >= 1 / len(model.classes) - 1e-12) & (shown <= 1)).all()


def test_inputs_are_not_modified():
    texts = pd.Series(TEXTS, index=range(100, 100 + len(TEXTS)))
    labels = pd.Series(LABELS, index=texts.index, dtype="category")
    texts_copy, labels_copy, list_copy = texts.copy(), labels.copy(), list(TEXTS)
    fitted = CommentModel.fit(texts, labels, folds=3, verbose=False)
    pd.testing.assert_series_equal(texts, texts_copy)
    pd.testing.assert_series_equal(labels, labels_copy)
    probe = pd.Series([" Please add gift cards ", None])
    probe_copy = probe.copy()
    fitted.predict(probe)
    fitted.predict(TEXTS)
    pd.testing.assert_series_equal(probe, probe_copy)
    assert TEXTS == list_copy


# -- bad training input --------------------------------------------------------------------------------------------
def test_unknown_labels_are_listed_with_the_allowed_kinds():
    labels = list(LABELS)
    labels[3], labels[40] = "praise", None
    with pytest.raises(ValueError, match=r"'praise' \(position 3\), None \(position 40\)") as caught:
        CommentModel.fit(TEXTS, labels, verbose=False)
    message = str(caught.value)
    assert all(repr(kind) in message for kind in MODEL_KINDS)
    assert caught.value.positions == [3, 40]


def test_too_few_examples_of_a_kind():
    texts, labels = TEXTS + ["Good but slow", "Nice but pricey"], LABELS + ["mixed", "mixed"]
    with pytest.raises(ValueError, match=r"'mixed' has 2.*label more comments of that kind.*fewer folds"):
        CommentModel.fit(texts, labels, verbose=False)
    fitted = CommentModel.fit(texts, labels, folds=2, verbose=False)  # two folds need two of each kind
    assert fitted.classes == ("plus", "minus", "suggestion", "mixed", "none")


def test_one_kind_is_not_enough():
    with pytest.raises(ValueError, match="two or more kinds.*only 'plus'"):
        CommentModel.fit(PLUS, ["plus"] * len(PLUS), verbose=False)
    with pytest.raises(ValueError, match="no comments"):
        CommentModel.fit([], [], verbose=False)


def test_bad_training_texts():
    texts = list(TEXTS)
    texts[2], texts[5] = 7, None
    with pytest.raises(TypeError, match=r"7 \(position 2\)") as caught:
        CommentModel.fit(texts, LABELS, verbose=False)
    assert caught.value.positions == [2]
    texts[2] = "fine"
    with pytest.raises(ValueError, match=r"missing comments; got None \(position 5\)") as caught:
        CommentModel.fit(texts, LABELS, verbose=False)
    assert caught.value.positions == [5]
    with pytest.raises(TypeError, match="DataFrame"):
        CommentModel.fit(pd.DataFrame({"t": TEXTS}), LABELS, verbose=False)
    with pytest.raises(TypeError, match="one comment"):
        CommentModel.fit("Great service", ["plus"], verbose=False)
    with pytest.raises(TypeError, match="labels"):
        CommentModel.fit(TEXTS, "plus", verbose=False)


def test_bad_lengths_and_options():
    with pytest.raises(ValueError, match="57 labels given for 58 comments"):
        CommentModel.fit(TEXTS, LABELS[:-1], verbose=False)
    with pytest.raises(ValueError, match="folds must be a whole number >= 2"):
        CommentModel.fit(TEXTS, LABELS, folds=1, verbose=False)
    with pytest.raises(TypeError, match="folds"):
        CommentModel.fit(TEXTS, LABELS, folds="5", verbose=False)
    with pytest.raises(TypeError, match="verbose"):
        CommentModel.fit(TEXTS, LABELS, verbose="yes")
    with pytest.raises(TypeError, match="random_state"):
        CommentModel.fit(TEXTS, LABELS, random_state="seed", verbose=False)
    texts = pd.Series(TEXTS)
    with pytest.raises(ValueError, match="different indexes"):
        CommentModel.fit(texts, pd.Series(LABELS, index=texts.index[::-1]), verbose=False)


# -- what fit prints -----------------------------------------------------------------------------------------------
def test_verbose_prints_one_line(capsys, model):
    fitted = CommentModel.fit(TEXTS, LABELS)
    out = capsys.readouterr().out
    sd = np.std(fitted.cv_scores, ddof=1)
    assert out == (f"CommentModel: 5-fold cross-validated accuracy {fitted.cv_accuracy:.2f} (sd {sd:.2f}) "
                   "on 58 comments (plus 16, minus 16, suggestion 16, none 10)\n")
    assert fitted.cv_accuracy == model.cv_accuracy
    CommentModel.fit(TEXTS, LABELS, verbose=False)
    assert capsys.readouterr().out == ""


def test_verbose_groups_thousands(capsys):
    texts = [f"{t} {i}" for i in range(32) for t in PLUS + MINUS]  # 1,024 comments
    CommentModel.fit(texts, (["plus"] * 16 + ["minus"] * 16) * 32, folds=2)
    line = capsys.readouterr().out
    assert re.fullmatch(r"CommentModel: 2-fold cross-validated accuracy \d\.\d\d \(sd \d\.\d\d\) on 1,024 comments "
                        r"\(plus 512, minus 512\)\n", line)


# -- the file --------------------------------------------------------------------------------------------------------
def test_save_and_load_give_the_same_model(model, saved):
    loaded = CommentModel.load(saved)
    for name in ("classes", "n_train", "counts", "cv_accuracy", "cv_scores", "cv_folds", "version", "features"):
        assert getattr(loaded, name) == getattr(model, name), name
    probe = list(HELD_OUT) + TEXTS + [None, "", "zzz qqq", "Ёлки, сооо медленно!!! 123"]
    a, b = model.predict(probe), loaded.predict(probe)
    assert a["kind"].tolist() == b["kind"].tolist()
    np.testing.assert_allclose(a["probability"], b["probability"], rtol=0, atol=1e-12)
    assert np.isnan(b["probability"].iloc[-4])
    assert CommentModel.load(str(saved)).classes == model.classes


def test_the_file_is_a_zip_of_json_and_arrays_without_pickles(model, saved):
    with zipfile.ZipFile(saved) as archive:
        assert sorted(archive.namelist()) == ["arrays.npz", "model.json"]
        meta = json.loads(archive.read("model.json").decode("utf-8"))
        arrays = np.load(io.BytesIO(archive.read("arrays.npz")), allow_pickle=False)
        assert sorted(arrays.files) == ["coef", "idf", "intercept"]
        coef, idf, intercept = arrays["coef"], arrays["idf"], arrays["intercept"]
    assert meta["format"] == "nps_toolkit.CommentModel" and meta["format_version"] == 1
    assert meta["nps_toolkit_version"] == nt.__version__
    assert meta["classes"] == list(model.classes) and meta["counts"] == model.counts
    assert meta["n_train"] == 58 and meta["cv_folds"] == 5 and meta["cv_accuracy"] == model.cv_accuracy
    assert meta["vectorizer"] == {"analyzer": "char_wb", "ngram_range": [2, 5], "min_df": 2, "sublinear_tf": True,
                                  "lowercase": False, "preprocessor": "model_text", "norm": "l2", "use_idf": True,
                                  "smooth_idf": True}
    assert len(meta["vocabulary"]) == model.features == idf.shape[0]
    assert all(a.dtype == np.float64 for a in (coef, idf, intercept))
    assert coef.shape == (4, model.features) and intercept.shape == (4,)
    vectorizer, _ = _settings()
    vectorizer.fit(TEXTS)
    assert meta["vocabulary"] == vectorizer.get_feature_names_out().tolist()  # terms in feature order
    np.testing.assert_allclose(idf, vectorizer.idf_, rtol=0, atol=1e-15)
    with zipfile.ZipFile(saved) as archive:
        raw = archive.read("model.json").decode("utf-8")
    assert '"отли"' in raw and '"swie"' in raw  # n-grams readable in the file, as model_text folds them


def test_a_vocabulary_that_utf8_cannot_hold_is_saved_escaped(tmp_path):
    texts = ["good \ud800 thing", "good \ud800 stuff", "great job", "great work",
             "bad \udfff thing", "bad \udfff stuff", "awful job", "awful work"]
    fitted = CommentModel.fit(texts, ["plus"] * 4 + ["minus"] * 4, folds=2, verbose=False)
    path = fitted.save(tmp_path / "surrogates.zip")
    with zipfile.ZipFile(path) as archive:
        assert "\\ud800" in archive.read("model.json").decode("ascii")
    loaded = CommentModel.load(path)
    a, b = fitted.predict(texts), loaded.predict(texts)
    assert a["kind"].tolist() == b["kind"].tolist()
    np.testing.assert_allclose(a["probability"], b["probability"], rtol=0, atol=1e-12)


def test_load_refuses_a_text_file(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("not a model")
    with pytest.raises(ValueError) as caught:
        CommentModel.load(path)
    assert str(caught.value) == (f"{str(path)!r} is not an nps_toolkit comment model (not a ZIP file); make one "
                                 "with CommentModel.fit(texts, labels).save(path)")


def test_load_refuses_a_foreign_zip(tmp_path):
    path = tmp_path / "photos.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("cat.jpg", b"\xff\xd8")
    with pytest.raises(ValueError, match=r"is not an nps_toolkit comment model \(no model.json inside\); make one "
                                         r"with CommentModel\.fit"):
        CommentModel.load(path)
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("model.json", b"\x00\x01 not json")
    with pytest.raises(ValueError, match=r"not an nps_toolkit comment model \(its model.json is not JSON"):
        CommentModel.load(path)


def test_load_refuses_another_format(saved, tmp_path):
    path = _rewrite(saved, tmp_path / "other.zip", meta=lambda m: m.update(format="sklearn.Pipeline"))
    with pytest.raises(ValueError, match=r"not an nps_toolkit comment model \(its model.json says format "
                                         r"'sklearn.Pipeline', not 'nps_toolkit.CommentModel'\)"):
        CommentModel.load(path)


def test_load_asks_to_upgrade_for_a_newer_format(saved, tmp_path):
    def newer(meta):
        meta.update(format_version=2, nps_toolkit_version="9.0")

    path = _rewrite(saved, tmp_path / "newer.zip", meta=newer)
    with pytest.raises(ValueError, match=r"saved by a newer nps_toolkit \(comment model format_version 2, written "
                                         r"by nps_toolkit 9\.0\).*upgrade nps_toolkit"):
        CommentModel.load(path)


@pytest.mark.parametrize("change, words", [
    (lambda m: m.update(vocabulary=m["vocabulary"][:-1]), r"idf has shape \(\d+,\), expected"),
    (lambda m: m.update(classes=["plus", "minus", "none"], counts={"plus": 16, "minus": 16, "none": 10},
                        n_train=42), r"coef has shape \(4, \d+\), expected \(3, \d+\)"),
    (lambda m: m.update(classes=["minus", "plus", "suggestion", "none"]), "in that order"),
    (lambda m: m.update(n_train=3), "n_train"),
    (lambda m: m.update(cv_accuracy=1.5), "cv_accuracy"),
    (lambda m: m["vectorizer"].update(preprocessor="os.system"), "preprocessor"),
    (lambda m: m["vocabulary"].__setitem__(1, m["vocabulary"][0]), "n-gram twice"),
    (lambda m: m.pop("vocabulary"), "lacks 'vocabulary'"),
    (lambda m: m.update(format_version="1"), "format_version"),
])
def test_load_refuses_a_damaged_model(saved, tmp_path, change, words):
    path = _rewrite(saved, tmp_path / "damaged.zip", meta=change)
    with pytest.raises(ValueError, match=r"is a damaged nps_toolkit comment model \(.*" + words):
        CommentModel.load(path)


def test_load_refuses_mismatched_or_missing_arrays(model, saved, tmp_path):
    coef = np.asarray(model._coef)
    idf = np.asarray(model._vectorizer.idf_)
    cases = {
        "short coef": (_npz(idf=idf, coef=coef[:, :-1], intercept=np.zeros(4)), "coef has shape"),
        "no intercept": (_npz(idf=idf, coef=coef), "lacks intercept"),
        "infinite idf": (_npz(idf=np.full_like(idf, np.inf), coef=coef, intercept=np.zeros(4)), "not finite"),
        "text": (_npz(idf=idf.astype(str), coef=coef, intercept=np.zeros(4)), "not numbers"),
        "not npz": (b"garbage", "arrays.npz cannot be read"),
    }
    for name, (arrays, words) in cases.items():
        path = _rewrite(saved, tmp_path / f"{name}.zip", arrays=arrays)
        with pytest.raises(ValueError, match=r"damaged nps_toolkit comment model \(.*" + words):
            CommentModel.load(path)
    path = _rewrite(saved, tmp_path / "no arrays.zip", drop=("arrays.npz",))
    with pytest.raises(ValueError, match=r"damaged .*no arrays.npz inside"):
        CommentModel.load(path)


class _Trap:
    """Unpickling this makes a folder: a loader that unpickles would leave it behind."""

    def __init__(self, folder):
        self.folder = str(folder)

    def __reduce__(self):
        return os.mkdir, (self.folder,)


def test_load_never_unpickles(saved, tmp_path):
    marker = tmp_path / "unpickled"
    trap = np.array([_Trap(marker)], dtype=object)
    path = _rewrite(saved, tmp_path / "trap.zip", arrays=_npz(idf=trap, coef=trap, intercept=trap))
    with pytest.raises(ValueError, match="damaged nps_toolkit comment model"):
        CommentModel.load(path)
    assert not marker.exists()


def test_load_of_a_missing_file_names_it(tmp_path):
    path = tmp_path / "nowhere" / "kinds.zip"
    with pytest.raises(FileNotFoundError, match=re.escape(repr(str(path)))) as caught:
        CommentModel.load(path)
    assert caught.value.filename == str(path)


def test_save_is_atomic(model, binary, tmp_path, monkeypatch):
    path = tmp_path / "kinds.zip"
    assert binary.save(path) == path
    assert CommentModel.load(path).classes == ("plus", "minus")
    model.save(path)  # replaces the existing file
    assert CommentModel.load(path).classes == model.classes
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kinds.zip"]  # no temporary file left
    before = path.read_bytes()

    def fail(*args):
        raise OSError("disk full")

    import nps_toolkit._files as files

    monkeypatch.setattr(files.os, "replace", fail)
    with pytest.raises(OSError, match="disk full"):
        binary.save(path)
    assert path.read_bytes() == before  # the old file is left whole
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kinds.zip"]


def test_save_refuses_what_is_not_a_path(model):
    with pytest.raises(TypeError, match="path must be a str or pathlib.Path"):
        model.save(3)


# -- the object ----------------------------------------------------------------------------------------------------
def test_the_model_is_read_only(model):
    with pytest.raises(AttributeError, match="read-only"):
        model.cv_accuracy = 1.0
    with pytest.raises(AttributeError, match="read-only"):
        model._coef = None
    with pytest.raises(AttributeError, match="read-only"):
        del model._classes
    counts = model.counts
    counts["plus"] = 0
    assert model.counts["plus"] == 16
    with pytest.raises(ValueError):
        model._coef[0, 0] = 1.0
    with pytest.raises(TypeError, match=r"CommentModel.fit\(texts, labels\)"):
        CommentModel()
    import copy

    assert copy.copy(model) is model and copy.deepcopy(model) is model


def test_pickle_goes_through_the_file_format(model):
    again = pickle.loads(pickle.dumps(model))
    assert again is not model and again.counts == model.counts
    np.testing.assert_allclose(again.predict(TEXTS)["probability"], model.predict(TEXTS)["probability"],
                               rtol=0, atol=1e-12)


def test_repr_and_html(model, saved, tmp_path):
    assert repr(model) == (f"CommentModel(classes=('plus', 'minus', 'suggestion', 'none'), n_train=58, "
                           f"cv_accuracy={model.cv_accuracy:.2f}, cv_folds=5)")
    page = model._repr_html_()
    assert page.startswith("<table") and page.endswith("</table>")
    for kind, count in model.counts.items():
        assert f"<td>{kind}</td><td style='text-align:right'>{count}</td>" in page
    assert f"<th style='text-align:right'>58</th>" in page
    sd = np.std(model.cv_scores, ddof=1)
    assert f"{model.cv_accuracy:.2f} (5-fold, sd {sd:.2f})" in page
    hostile = _rewrite(saved, tmp_path / "hostile.zip",
                       meta=lambda m: m.update(nps_toolkit_version="<script>alert(1)</script>"))
    page = CommentModel.load(hostile)._repr_html_()
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


# -- as_model --------------------------------------------------------------------------------------------------------
def test_as_model(model, binary, saved, tmp_path):
    assert as_model(None) is None
    assert as_model(model) is model
    first = as_model(saved)
    assert first.counts == model.counts
    assert as_model(str(saved)) is first  # read once while the file is unchanged
    path = tmp_path / "team.zip"
    model.save(path)
    one = as_model(path)
    binary.save(path)
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))  # surely a new time stamp
    two = as_model(path)
    assert two is not one and two.classes == ("plus", "minus")
    assert as_model(path) is two
    with pytest.raises(TypeError, match="CommentModel.*path of a saved one, or None; got int"):
        as_model(5)
    with pytest.raises(TypeError, match="got dict"):
        as_model({"classes": ["plus"]})
    with pytest.raises(FileNotFoundError, match="missing.zip"):
        as_model(tmp_path / "missing.zip")
    bad = tmp_path / "bad.zip"
    bad.write_text("x")
    with pytest.raises(ValueError, match="not an nps_toolkit comment model"):
        as_model(bad)


def test_the_module_imports_no_scikit_learn():
    code = ("import sys, nps_toolkit.comment_model as m; "
            "print(sorted(n for n in sys.modules if n.split('.')[0] in ('sklearn', 'scipy')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
    assert "comment_model" not in cm.__all__ and set(cm.__all__) == {"CommentModel", "MODEL_KINDS"}
    assert MODEL_KINDS == ("plus", "minus", "suggestion", "mixed", "none")


# -- the model in use: classify_comments, theme_impact, the templates' comment_model --------------------------
#: A team's own words the lexicon does not know: "zorgy" praise, "blarpy" complaint.
TEAM_TEXTS = [f"{w} {x}" for w in ("zorgy", "so zorgy", "really zorgy", "zorgy again", "very zorgy", "zorgy!")
              for x in ("delivery", "service", "app")] + \
             [f"{w} {x}" for w in ("blarpy", "so blarpy", "really blarpy", "blarpy again", "very blarpy", "blarpy!")
              for x in ("delivery", "service", "app")]
TEAM_LABELS = ["plus"] * 18 + ["minus"] * 18


@pytest.fixture(scope="module")
def team_model(tmp_path_factory):
    model = CommentModel.fit(TEAM_TEXTS, TEAM_LABELS, folds=3, verbose=False)
    return model, model.save(tmp_path_factory.mktemp("team") / "team.npsmodel")


def test_classify_comments_takes_the_kind_of_the_model(team_model):
    model, path = team_model
    texts = ["the delivery was zorgy", "the delivery was blarpy", None]
    alone = nt.classify_comments(texts, language="en")
    assert alone["kind"].tolist()[:2] == ["none", "none"]  # words the lexicon does not know
    for given in (model, path, str(path)):
        table = nt.classify_comments(texts, language="en", model=given)
        assert table["kind"].tolist() == ["plus", "minus", "none"]
        assert table["theme_kinds"].tolist()[:2] == [{"delivery": "plus"}, {"delivery": "minus"}]
        assert table["themes"].tolist() == alone["themes"].tolist()  # the lexicon still finds the themes


def test_an_unsure_model_leaves_the_lexicons_kind():
    from nps_toolkit import comments as comments_module

    class Unsure:
        def predict(self, texts):
            return pd.DataFrame({"kind": ["minus"] * len(texts), "probability": [0.4] * len(texts)})

    values = ["Great delivery", "Awful delivery"]
    results = comments_module._classified(values, ["en", "en"], comments_module._compiled(None))
    kept = comments_module._with_model(results, values, Unsure())
    assert [r[1] for r in kept] == ["plus", "minus"] == [r[1] for r in results]


def test_theme_impact_counts_the_models_kinds(team_model):
    _, path = team_model
    data = pd.DataFrame({"score": [10, 9, 2, 3, 8, 1],
                         "comment": ["delivery zorgy", "delivery so zorgy", "delivery blarpy", "delivery blarpy!",
                                     "app zorgy", "app blarpy"]})
    impact = nt.theme_impact(data, model=path).set_index("theme")
    assert impact.loc["delivery", "minus_share"] == pytest.approx(0.5)
    assert impact.loc["delivery", "plus_share"] == pytest.approx(0.5)
    assert nt.theme_impact(data).set_index("theme").loc["delivery", "minus_share"] == 0


def test_a_model_that_is_not_one_is_refused(tmp_path):
    text = tmp_path / "notes.txt"
    text.write_text("not a model", encoding="utf-8")
    with pytest.raises(ValueError, match="is not an nps_toolkit comment model"):
        nt.classify_comments(["fine"], model=text)
    with pytest.raises(FileNotFoundError, match="missing.npsmodel"):
        nt.classify_comments(["fine"], model=tmp_path / "missing.npsmodel")
    with pytest.raises(TypeError):
        nt.classify_comments(["fine"], model=42)


def test_templates_take_a_comment_model(team_model, tmp_path):
    from nps_toolkit.parameters import ParameterError, prepare_study

    _, path = team_model
    values = {k: (None if v.default == "None" else json.loads(v.default))
              for k, v in nt.template_parameters("benchmark_study").items()}
    bad = tmp_path / "bad.npsmodel"
    bad.write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(ParameterError, match="parameter 'comment_model'.*is not an nps_toolkit comment model"):
        prepare_study("benchmark_study", {**values, "comment_model": str(bad)})
    p, data = prepare_study("benchmark_study", {**values, "comment_model": str(path)})
    study = nt.benchmark_study(data, p)
    note = study.methods
    assert "team.npsmodel" in note and "36" in note  # the model's file and the comments it learned from
    p_plain, data_plain = prepare_study("benchmark_study", values)
    plain = nt.benchmark_study(data_plain, p_plain).methods  # the methods note quotes the holdout figures
    figures = nt.comments.lexicon_accuracy()
    assert f"{figures['unmixed']:.0%}" in plain and f"{figures['pair_recall']:.0%}" in plain
    assert "team.npsmodel" not in plain and "held-out" in plain
