"""The text folding shared by the lexicon and the learned models (``nps_toolkit/_text.py``), checked against
``str.translate`` with the same maps written out here: the fast ``str.replace`` chains must give the same text."""

from hypothesis import given, strategies as st

from nps_toolkit._text import fold, fold_polish, fold_word

POLISH = str.maketrans("ąćęłńóśźż", "acelnoszz")
APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'", "\u02bc": "'"})
# letters of all three languages, their capitals, apostrophes of every kind, digits, spaces and punctuation
ALPHABET = st.sampled_from(list("abcxyząćęłńóśźżĄĆĘŁŃÓŚŹŻабвёЁяЯ\u2019\u2018`\u02bc' .,!?0123456789"))
TEXTS = st.text(alphabet=ALPHABET, max_size=40)


@given(TEXTS, st.sampled_from(["en", "ru", "pl", None]))
def test_fold_is_lower_case_yo_apostrophes_and_polish_letters(text, language):
    expected = text.lower().replace("ё", "е").translate(APOSTROPHES)
    if language == "pl":
        expected = expected.translate(POLISH)
    assert fold(text, language) == expected


@given(TEXTS)
def test_fold_polish_and_fold_word_are_the_translations(text):
    assert fold_polish(text) == text.translate(POLISH)
    assert fold_word(text) == text.lower().replace("ё", "е").translate(POLISH)


def test_fold_examples():
    assert fold("Przesyłka DOSZŁA, ёлки", "pl") == "przesylka doszla, елки"
    assert fold("Przesyłka doszła", "en") == "przesyłka doszła"  # Polish letters are folded for Polish only
    assert fold("don\u2019t", "en") == "don't"
