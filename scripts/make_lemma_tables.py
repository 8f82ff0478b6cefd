"""Make nps_toolkit/data/lemmas/{en,ru,pl}.tsv: the inflected forms of the words the comment lexicons use.

The comment classifier matches a word of its lexicon in every inflected form (``cena`` -> ceny, cenie, cenami;
``кусаться`` -> кусаются, кусалась; ``take`` -> takes, took, taking), however it was typed (Polish without
diacritics, Russian with е for ё). The forms come from the lemmatisation dictionaries of **simplemma**
(Adrien Barbaresi, MIT licence; built from open lexical resources, see its README), read here once for the
words of the built-in lexicons (``lexicon.yaml`` and ``sentiment/*.tsv``) so that classifying needs neither
simplemma's multi-second dictionary load nor its data at run time.

Each table row is ``form<TAB>lemma[,lemma...]``, both folded (lower case, ё as е, Polish letters plain): a
form folded from several spellings may have several lemmas. Forms equal to their lemma are left out.

Run after changing a lexicon (the test suite checks the tables cover every word):

    .venv/bin/python scripts/make_lemma_tables.py [en ru pl]
"""

from __future__ import annotations

import csv
import re
import sys
from collections import defaultdict
from pathlib import Path

from simplemma.strategies.dictionaries import DefaultDictionaryFactory

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from nps_toolkit._text import fold_word  # noqa: E402
from nps_toolkit.comments import LANGUAGES, lexicon_words  # noqa: E402

OUT = ROOT / "nps_toolkit" / "data" / "lemmas"
_LETTERS = re.compile(r"[^\W\d_]+")
HEADER = "# form\tlemmas (made by scripts/make_lemma_tables.py from simplemma's dictionaries, MIT licence)\n"


def table(language: str, words: set[str]) -> dict[str, set[str]]:
    """form -> lemmas, for every form whose lemma is (the lemma of) one of ``words``."""
    dictionary = DefaultDictionaryFactory().get_dictionary(language)
    lemma_of = defaultdict(set)
    for form, lemma in dictionary.items():
        if _LETTERS.fullmatch(form) and _LETTERS.fullmatch(lemma):  # words only (no "p.", "1-й")
            lemma_of[fold_word(form)].add(fold_word(lemma))
    wanted = set(words)
    for w in words:
        wanted |= lemma_of.get(w, set())
    out = defaultdict(set)
    for form, lemmas in lemma_of.items():
        keep = lemmas & wanted
        if keep and keep != {form}:
            out[form] = keep
    return out


def main(argv: list[str]) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for language in argv or LANGUAGES:
        words = {fold_word(w) for w in lexicon_words(language)}
        rows = table(language, words)
        path = OUT / f"{language}.tsv"
        with path.open("w", encoding="utf-8", newline="") as fh:
            fh.write(HEADER)
            writer = csv.writer(fh, delimiter="\t", lineterminator="\n")
            for form in sorted(rows):
                writer.writerow([form, ",".join(sorted(rows[form]))])
        print(f"{path.relative_to(ROOT)}: {len(rows):,} forms of {len(words):,} words")


if __name__ == "__main__":
    main(sys.argv[1:])
