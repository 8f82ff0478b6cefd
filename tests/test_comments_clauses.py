"""Comments as customers write them: clauses, the mixed kind, lemmas, folding, emoji and intensity, questions
as complaints, the open sentiment lexicons, and the holdout figures the reports quote."""

from __future__ import annotations

import itertools
import json
import sys
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nps_toolkit import comments as cm
from nps_toolkit._text import fold_word
from nps_toolkit.comments import CLAUSE_COLUMNS, KINDS, classify_comments, comment_clauses, overall_kind

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "nps_toolkit" / "data"


# -- clauses ----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("text, language, kinds", [
    ("The app is great but delivery is slow.", "en", ["plus", "minus"]),
    ("Приложение отличное, но доставка медленная.", "ru", ["plus", "minus"]),
    ("Aplikacja świetna, ale dostawa wolna.", "pl", ["plus", "minus"]),
    ("Aplikacja swietna, ale dostawa wolna.", "pl", ["plus", "minus"]),  # typed without diacritics
])
def test_a_contrast_splits_praise_from_complaint(text, language, kinds):
    clauses = comment_clauses([text], language=language)
    assert clauses["kind"].tolist() == kinds
    assert clauses["themes"].tolist() == [["usability"], ["delivery"]]
    table = classify_comments([text], language=language)
    assert table["kind"][0] == "mixed"
    assert table["theme_kinds"][0] == {"usability": "plus", "delivery": "minus"}


def test_clauses_table_shape_and_positions():
    texts = pd.Series(["Love the app :) but SOOO slow!!! Please add dark mode", None, "-"], index=["a", "b", "c"])
    before = texts.copy()
    clauses = comment_clauses(texts)
    assert list(clauses.columns) == CLAUSE_COLUMNS
    assert set(clauses["comment"]) <= {"a", "c"}  # a missing comment has no clause
    first = clauses[clauses["comment"] == "a"]
    assert first["clause"].tolist() == list(range(len(first)))
    assert [texts["a"][s:e] for s, e in zip(first["start"], first["end"])] == first["text"].tolist()
    assert first["text"].tolist() == ["Love the app :)", "SOOO slow", "Please add dark mode"]
    assert first["kind"].tolist() == ["plus", "minus", "suggestion"]
    assert first["intensity"].tolist() == [1, 3, 0]  # a smiley; capitals, a stretched word and !!!
    pd.testing.assert_series_equal(texts, before)


_ALPHABET = st.sampled_from(list("abc xyz ąę ёж ЖЁ .,!?;:()-—/\n") + ["but", " but ", "но", "ale", ":)", "😡", "10/10",
                                                                     "!!!", "SOOO", "Cena"])


@settings(max_examples=150, deadline=None)
@given(st.lists(_ALPHABET, max_size=30).map("".join), st.sampled_from(["en", "ru", "pl"]))
def test_every_clause_is_a_slice_of_its_comment(text, language):
    clauses = comment_clauses([text], language=language)
    starts, ends = clauses["start"].to_numpy(), clauses["end"].to_numpy()
    assert all(text[s:e] == t for s, e, t in zip(starts, ends, clauses["text"]))
    assert (starts < ends).all() and (ends[:-1] <= starts[1:]).all()  # in order, not overlapping
    assert clauses["intensity"].between(0, 3).all()
    assert set(clauses["kind"]) <= {"plus", "minus", "suggestion", "none"}
    kind = classify_comments([text], language=language)["kind"][0]
    assert kind == overall_kind(clauses["kind"])  # the comment's kind follows from its clauses


def test_overall_kind_rule_on_every_combination():
    # written out by hand: praise and complaint -> mixed; a complaint -> minus; a request -> suggestion; praise
    expected = {(): "none", ("plus",): "plus", ("minus",): "minus", ("suggestion",): "suggestion",
                ("plus", "minus"): "mixed", ("plus", "suggestion"): "suggestion", ("minus", "suggestion"): "minus",
                ("plus", "minus", "suggestion"): "mixed"}
    for kinds, kind in expected.items():
        for extra in ((), ("none",), ("none", "none")):
            for order in itertools.permutations(kinds + extra):
                assert overall_kind(order) == kind, order
    assert "mixed" in KINDS and KINDS[:3] == ("plus", "minus", "suggestion")


# -- questions, emoji, intensity, folding ------------------------------------------------------------------------
@pytest.mark.parametrize("text, language", [
    ("Why do I have to call three times to cancel?", "en"),
    ("how come the refund takes a month", "en"),
    ("Почему я должен звонить три раза, чтобы отменить заказ?", "ru"),
    ("Сколько можно ждать ответа", "ru"),
    ("Dlaczego muszę dzwonić trzy razy, żeby anulować?", "pl"),
    ("czemu musze tyle czekac na zwrot", "pl"),
])
def test_questions_that_complain_are_minuses(text, language):
    assert classify_comments([text], language=language)["kind"][0] == "minus"


@pytest.mark.parametrize("text, language, kinds", [
    ("Seriously, 12 for a bottle of tap water?", "en", ["minus", "minus"]),
    ("Доплата 150 рублей за обычный рюкзак?!", "ru", ["minus"]),
    ("Opłata za zamrożenie karnetu? Karnet mam od maja.", "pl", ["minus", "none"]),
    # a question holding praise or a request stays as it is; so do the other sentences
    ("Can you add Apple Pay? Love the app", "en", ["suggestion", "plus"]),
    ("Is there anything better? Love it.", "en", ["plus", "plus"]),
    # (not "Ordered on Monday. Arrived on Friday.": the learned kind check reads a wait of four days as the
    # complaint it often is in the labelled comments)
    ("Ordered on Monday. Paid by card.", "en", ["none", "none"]),
])
def test_a_question_that_says_nothing_else_is_a_complaint(text, language, kinds):
    assert comment_clauses([text], language=language)["kind"].tolist() == kinds


@pytest.mark.parametrize("text, language, kinds", [
    # after "but", a clause without an opinion of its own turns the opinion before it
    ("Lovely cotton, but £28 for a baby vest is a bit much", "en", ["plus", "minus"]),
    ("Two hours late. But the driver carried it upstairs", "en", ["minus", "plus"]),
    ("Врач толковый, но чек вышел на 7 тысяч", "ru", ["plus", "minus"]),
    ("Obsługa miła, ale rachunek na 900 zł", "pl", ["plus", "minus"]),
    # a clause with an opinion keeps it; other contrast words (only, а, tylko) turn nothing
    ("Great food, but great prices too", "en", ["plus", "plus"]),
    ("Great food, except on Mondays", "en", ["plus", "none"]),
    # a request before the contrast turns nothing
    ("Please add Apple Pay, but on Mondays", "en", ["suggestion", "none"]),
])
def test_what_follows_but_turns_the_opinion_before_it(text, language, kinds):
    assert comment_clauses([text], language=language)["kind"].tolist() == kinds


@pytest.mark.parametrize("text, language, themes", [
    # an opinion with no theme of its own speaks of the theme just named, in the same sentence
    ("The app is great, but slow", "en", [["usability"], ["usability"]]),
    ("Приложение удобное, но тормозит", "ru", [["usability"], ["usability"]]),
    ("Aplikacja wygodna, ale się zawiesza", "pl", [["usability"], ["usability"]]),
    # in the next sentence only when it refers back with a pronoun
    ("The lockers are brilliant. Shame half of them are always full.", "en", [["delivery"], ["delivery"]]),
    ("The lockers are brilliant. Shame about the rest.", "en", [["delivery"], []]),
    # a clause without an opinion takes nothing
    ("Delivery was late, and then", "en", [["delivery"], []]),
])
def test_an_opinion_without_a_theme_takes_the_theme_just_named(text, language, themes):
    # the lexicon's reading, before the learned check (which may add a theme of its own: tests/test_theme_weights.py)
    clauses, _ = cm._clauses(cm._compiled(None)[language], text, language)
    assert [list(dict.fromkeys(cl.themes)) for cl in clauses] == themes


def test_a_theme_taken_from_the_clause_before_keeps_both_kinds():
    clauses = comment_clauses(["The lockers are brilliant. Shame half of them are always full."], language="en")
    assert clauses["kind"].tolist() == ["plus", "minus"]
    assert classify_comments(["The app is great, but slow"], language="en")["theme_kinds"][0] == {"usability": "minus"}


@pytest.mark.parametrize("text, language, themes", [
    # an opinion on a thing no theme names is about the product or service itself
    ("The room smelled of smoke", "en", [["quality"]]),
    ("Стрижка кривая, мастер торопился", "ru", [["quality"], ["support"]]),
    ("Plomba wypadła po tygodniu", "pl", [["quality"]]),
    # not an opinion with only opinion and function words ("Thanks, all great", "Shame about it")
    ("Thanks, everything was great", "en", [[], []]),
    ("Спасибо, всё супер", "ru", [[], []]),
    ("Dziękuję, wszystko super", "pl", [[], []]),
    # nor a thing named without an opinion
    ("Our spaniel stayed overnight in August", "en", [[]]),
])
def test_an_opinion_on_an_unnamed_thing_is_about_quality(text, language, themes):
    assert comment_clauses([text], language=language)["themes"].tolist() == themes


def test_the_residual_theme_needs_a_quality_theme_in_the_lexicon():
    lexicon = {"mode": "replace", "themes": {"rooms": {"en": ["room*"]}}}
    clauses = comment_clauses(["The bathroom smelled of smoke"], language="en", lexicon=lexicon)
    assert clauses["themes"].tolist() == [[]]


@pytest.mark.parametrize("text, language, kinds", [
    # the reasons for a request are no complaint
    ("Add dark mode please, my eyes hurt at night", "en", ["suggestion", "none"]),
    ("Добавьте тёмную тему, вечером глаза устают", "ru", ["suggestion", "none"]),
    ("Dodajcie ciemny motyw, wieczorem oczy bolą", "pl", ["suggestion", "none"]),
    # a complaint about a theme stays one, and so does a complaint before the request
    ("Add dark mode please, the app is slow", "en", ["suggestion", "minus"]),
    ("The app is slow, please add dark mode", "en", ["minus", "suggestion"]),
])
def test_the_reasons_for_a_request_are_no_complaint(text, language, kinds):
    assert comment_clauses([text], language=language)["kind"].tolist() == kinds


@pytest.mark.parametrize("text, language, kinds", [
    # one word of praise after complaints is sarcasm
    ("Chips were soggy, burger was cold. Fantastic.", "en", ["minus", "minus", "minus"]),
    ("Еда холодная, курьер хамил. Супер.", "ru", ["minus", "minus", "minus"]),
    ("Jedzenie zimne, kurier niemiły. Super.", "pl", ["minus", "minus", "minus"]),
    # praise of more words, of a theme, or beside other praise is meant
    ("Chips were soggy. Great staff though.", "en", ["minus", "plus"]),
    ("Chips were soggy. Really lovely people.", "en", ["minus", "plus"]),
    ("Great. Fast and friendly.", "en", ["plus", "plus"]),
])
def test_one_word_of_praise_among_complaints_is_sarcasm(text, language, kinds):
    assert comment_clauses([text], language=language)["kind"].tolist() == kinds


@pytest.mark.parametrize("text, language", [
    ("£12 for delivery??", "en"), ("Paid $30 extra and it still broke", "en"), ("€15 on top, really?", "en"),
    ("1500₽ за диагностику, серьезно?", "ru"), ("заплатил 300р сверху и ничего не получил", "ru"),
    ("Dopłaciłem 20 zł i nic", "pl"), ("20zl za nic!", "pl"),
])
def test_an_amount_of_money_is_a_price_word(text, language):
    assert "price" in classify_comments([text], language=language)["themes"][0]


@pytest.mark.parametrize("text, language", [("Sofa took 14 weeks, awful", "en"), ("Ждал 3 дня, ужас", "ru"),
                                            ("Czekałem 5 dni, masakra", "pl"), ("р is a letter, awful", "ru"),
                                            ("The 4K picture is awful", "en"), ("200gr mąki, słabo", "pl")])
def test_a_number_without_a_currency_is_no_price(text, language):
    assert "price" not in classify_comments([text], language=language)["themes"][0]


def test_english_sentiment_words_count_as_written():
    # VADER lists "cornered" (-1) and "focused" (+1), which says nothing of "corner" or "focus"
    english, polish = cm._compiled(None)["en"].sentiment, cm._compiled(None)["pl"].sentiment
    assert english.get("cornered") == -1 and "corner" not in english
    assert classify_comments(["nice kids corner"], language="en")["kind"].tolist() == ["plus"]
    # Polish (AFINN-pl) and Russian entries are lemmas: every form of theirs counts
    assert polish.get("uciazliwy") == -1 and "uciazliwego" not in polish
    assert classify_comments(["uciążliwego"], language="pl")["kind"][0] == "minus"


@pytest.mark.parametrize("text, kind", [("😡😡", "minus"), ("❤️", "plus"), ("👍", "plus"), ("👎", "minus"),
                                        ("Курьер 🤬", "minus"), ("Dostawa 😍", "plus")])
def test_emoji_carry_an_opinion(text, kind):
    assert classify_comments([text])["kind"][0] == kind


def test_intensity_counts_emphasis():
    table = classify_comments(["Great service", "Great service!!!", "GREAT SERVICE!!! 😍", "sooo gooood"],
                              language="en")
    assert table["intensity"].tolist() == [0, 1, 3, 2]
    assert table["kind"].tolist() == ["plus"] * 4  # a stretched word is read squeezed


def test_yo_and_ye_and_polish_without_diacritics_read_alike():
    pairs = [("Всё отлично, доставка пришла вовремя", "Все отлично, доставка пришла вовремя"),
             ("Przesyłka doszła szybko, obsługa miła", "Przesylka doszla szybko, obsluga mila")]
    for a, b in pairs:
        table = classify_comments([a, b])
        assert table["kind"][0] == table["kind"][1] == "plus"
        assert table["themes"][0] == table["themes"][1] and table["themes"][0]


# -- lemmas ------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("language", ["en", "ru", "pl"])
def test_dictionary_form_entries_match_inflected_forms(language):
    """Every plain theme word whose inflected forms the lemma table holds is found in those forms (forms that a
    stem of the same theme would find anyway are not counted). The words alone: the learned check of the themes
    may drop a theme from a comment of one word, as it has nothing else to go on."""
    lex = cm.default_lexicon()
    table = cm._lemma_table(language)
    by_lemma: dict[str, list[str]] = {}
    for form, lemmas in table.items():
        for lemma in lemmas:
            by_lemma.setdefault(lemma, []).append(form)
    checked = 0
    for theme, spec in lex["themes"].items():
        exceptions = [fold_word(e[1:]) for e in spec.get(language, []) if e.startswith("!")]

        def excepted(form):
            return any(form.startswith(e[:-1]) if e.endswith("*") else form == e for e in exceptions)

        for entry in spec.get(language, []):
            if entry.startswith("!") or "*" in entry or " " in entry:
                continue
            for form in [f for f in by_lemma.get(fold_word(entry), []) if not excepted(f)][:3]:
                clauses, _ = cm._clauses(cm._compiled(None)[language], form, language)
                assert theme in {t for clause in clauses for t in clause.themes}, (entry, form)
                checked += 1
    assert checked >= 5


def test_lemma_tables_are_current():
    """The tables hold, for every lexicon word, the lemma simplemma's dictionary gives it when that lemma is a
    lexicon word too (run scripts/make_lemma_tables.py after adding words)."""
    pytest.importorskip("simplemma")
    from simplemma.strategies.dictionaries import DefaultDictionaryFactory

    for language in ("en", "ru"):  # Polish's dictionary takes seconds more to load; the script treats all alike
        dictionary = DefaultDictionaryFactory().get_dictionary(language)
        table = cm._lemma_table(language)
        words = cm.lexicon_words(language)
        known = set(words)
        missing = []
        for word in words:
            lemma = dictionary.get(word)
            if lemma is not None and fold_word(lemma) != word and fold_word(lemma) in known \
                    and fold_word(lemma) not in table.get(word, ()):
                missing.append((word, lemma))
        assert not missing[:10], f"{language}: lemma tables out of date: {missing[:10]}"


def test_lexicon_words_names_the_language():
    with pytest.raises(ValueError, match="language"):
        cm.lexicon_words("de")


# -- open sentiment lexicons -------------------------------------------------------------------------------------
def test_sentiment_lexicons_are_licensed_and_well_formed():
    folder = DATA / "sentiment"
    licences = (folder / "LICENSES.md").read_text(encoding="utf-8")
    for name in ("en.tsv", "ru.tsv", "pl.tsv", "emoji.tsv"):
        assert name in licences
        table = pd.read_csv(folder / name, sep="\t", dtype={"entry": str}, keep_default_na=False)
        assert list(table.columns) == ["entry", "polarity", "strength"]
        assert set(table["polarity"]) <= {1, -1} and table["strength"].between(0, 1, inclusive="right").all()
        assert table["entry"].is_unique and (table["entry"] == table["entry"].str.lower()).all()
    for licence in ("MIT", "Apache", "CC BY-SA 4.0"):
        assert licence in licences


def test_the_sentiment_lexicon_adds_words_but_never_overrides_the_lexicon():
    compiled = cm._compiled(None)["en"]
    both = [(w, p) for w, p in cm._sentiment_words("en") if " " not in w and compiled.opinion.info(w)[0]]
    assert both  # some words are in both: there the lexicon's reading counts
    for word, _ in both:
        labels = compiled.opinion.info(word)[0]
        own = sum(lab[1] for lab in labels if lab[0] == "pol")
        assert cm._items(compiled, [word])[0].polarity == (own > 0) - (own < 0), word
    only_open = [w for w, p in cm._sentiment_words("en") if p < 0 and " " not in w
                 and not compiled.opinion.info(w)[0] and not compiled.themes.info(w)[0]]
    assert len(only_open) > 1000
    assert classify_comments([f"it was {only_open[0]}"], language="en")["kind"][0] == "minus"


# -- bad input ---------------------------------------------------------------------------------------------------
def test_comment_clauses_refuses_what_classify_comments_refuses():
    with pytest.raises(TypeError, match=r"position"):
        comment_clauses(["fine", 3.5])
    with pytest.raises(ValueError, match="'en'"):
        comment_clauses(["fine"], language="de")
    with pytest.raises(TypeError):
        comment_clauses("one comment")


# -- the holdout figures ------------------------------------------------------------------------------------------
def test_methods_note_figures_are_those_of_a_fresh_holdout_run():
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import comments as bench  # benchmarks/comments.py
    finally:
        sys.path.pop(0)
    holdout = bench.labelled("holdout")
    fresh = bench.report(bench.predicted(holdout))
    stored = json.loads((DATA / "comment_accuracy.json").read_text(encoding="utf-8"))["lexicon"]
    for name in ("en", "ru", "pl", "all"):
        for key in ("n", "unmixed", "mixed", "all", "pair_recall", "pair_precision"):
            assert stored[name][key] == pytest.approx(fresh[name][key], abs=1e-12), (name, key)
    figures = cm.lexicon_accuracy()
    assert figures["n"] == len(holdout) and figures["unmixed"] == stored["all"]["unmixed"]


def test_realistic_set_is_as_described():
    folder = ROOT / "tests" / "data" / "comments_realistic"
    first = pd.concat([pd.read_csv(folder / f"{lang}.csv", dtype=str, keep_default_na=False)
                       for lang in ("en", "ru", "pl")], ignore_index=True)
    share = (first["split"] == "holdout").groupby([first["language"], first["kind"]]).mean()
    assert share.between(0.35, 0.45).all()  # the first batch: drawn within each language and kind
    more = [pd.read_csv(path, dtype=str, keep_default_na=False) for path in sorted(folder.glob("*_more*.csv"))]
    assert all((m["split"] == "tune").all() for m in more)  # the later batches only tune
    data = pd.concat([first, *more], ignore_index=True)
    assert len(data) >= 1000 and data["id"].is_unique
    assert set(data["kind"]) == {"plus", "minus", "suggestion", "mixed", "none"}
    assert set(data["split"]) == {"tune", "holdout"}
    pairs = [p.split(":") for v in data["pairs"] for p in v.split(";") if p]
    assert {t for t, _ in pairs} == set(cm.DEFAULT_THEMES) and {k for _, k in pairs} <= {"plus", "minus",
                                                                                        "suggestion"}
    styles = {s for v in data["styles"] for s in v.split(";") if s}
    assert {"mixed", "idiom", "no_diacritics", "question", "named_person", "emoji"} <= styles
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import comments as bench  # benchmarks/comments.py
    finally:
        sys.path.pop(0)
    assert sorted(bench.labelled()["id"]) == sorted(data["id"])  # the benchmark reads every batch
    assert len(data[data["split"] == "tune"]) == 8820 and len(data[data["split"] == "holdout"]) == 480


def test_the_readme_example_of_a_mixed_comment_runs_as_shown():
    import doctest

    import nps_toolkit as nt

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme[readme.index('>>> text = "Love the app'):]
    block = block[:block.index("```")]
    test = doctest.DocTestParser().get_doctest(block, {"nt": nt}, "README", "README.md", 0)
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    runner.run(test)
    assert runner.failures == 0 and runner.tries == 4
