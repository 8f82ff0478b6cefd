"""Regenerate the bundled sample survey ``nps_toolkit/data/sample_survey.csv``.

Deterministic (fixed seed): running it twice gives byte-identical files.

    python scripts/make_sample.py                      # rewrite the shipped sample and the label file
    python scripts/make_sample.py --output /tmp/s.csv --labels /tmp/l.csv
    python scripts/make_sample.py --no-labels

How the sample is made
----------------------
1. ``simulate_survey`` (built-in model: known true shares per region, brand
   and quarter) draws 6,000 respondents over 2023Q1-2024Q4, 40% of them
   about our brand (``OUR_BRAND``), 20% about each competitor.
2. The channel is drawn given the respondent's category (phone respondents
   are more often detractors, app users more often promoters), so the
   true shares per region, brand and quarter are untouched.
3. About 1.5% of the answers are blanked at random.
4. Comments (``nps_toolkit/_sample_text.py``): detractors comment more often
   than passives; the language mix depends on the region; the sentences
   are consistent with the score, and in our brand's dip quarter (2024Q2)
   complaints are mostly about delivery.

The generating labels of the comments are kept out of the sample and
written to ``tests/data/sample_comment_labels.csv``: ``respondent_id``,
``language`` (en, ru, pl), ``kind`` (plus, minus and/or suggestion,
separated by ``;`` in order of appearance) and ``themes`` (price, quality,
support, delivery and/or usability, separated by ``;``; empty for a general
comment).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from nps_toolkit._files import atomic_write_text  # noqa: E402
from nps_toolkit._sample_text import compose_comment  # noqa: E402
from nps_toolkit.datasets import BRANDS, CHANNELS, OUR_BRAND, SAMPLE_COLUMNS, SEGMENTS, simulate_survey  # noqa: E402

SEED = 20250601
N = 6000
SAMPLE_PATH = ROOT / "nps_toolkit" / "data" / "sample_survey.csv"
LABELS_PATH = ROOT / "tests" / "data" / "sample_comment_labels.csv"

BRAND_WEIGHTS = (0.4, 0.2, 0.2, 0.2)
SEGMENT_WEIGHTS = (0.23, 0.20, 0.19, 0.21, 0.17)
MISSING = 0.015
DIP_PERIOD = "2024Q2"  # our brand's dip in the built-in model (period 6)

# P(channel | category): web, app, store, phone
CHANNEL_MIX = {"detractor": (0.42, 0.21, 0.17, 0.20), "passive": (0.45, 0.27, 0.18, 0.10),
               "promoter": (0.42, 0.31, 0.18, 0.09)}
# P(comment | category); respondents who skipped the score comment less
COMMENT_RATE = {"detractor": 0.70, "passive": 0.50, "promoter": 0.60}
COMMENT_RATE_BLANK = 0.40
# language mix (en, ru, pl) by region
LANGUAGE_MIX = {"North": (0.50, 0.15, 0.35), "South": (0.60, 0.25, 0.15), "East": (0.25, 0.60, 0.15),
                "West": (0.35, 0.10, 0.55), "Central": (0.40, 0.30, 0.30)}
LANGUAGES = ("en", "ru", "pl")


def _draw(rng: np.random.Generator, items, weights):
    cum = np.cumsum(np.asarray(weights, dtype=float))
    return items[min(int(np.searchsorted(cum / cum[-1], rng.random(), side="right")), len(items) - 1)]


def _category(score: int) -> str:
    return "promoter" if score >= 9 else "passive" if score >= 7 else "detractor"


def build(seed: int = SEED) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The sample (``SAMPLE_COLUMNS``) and the comment labels."""
    survey_seq, channel_seq, blank_seq, text_seq = np.random.SeedSequence(seed).spawn(4)
    data = simulate_survey(N, segments=SEGMENTS, brands=BRANDS, start="2023-01-01", periods=8, freq="QE",
                           segment_weights=SEGMENT_WEIGHTS, brand_weights=BRAND_WEIGHTS,
                           random_state=np.random.default_rng(survey_seq))
    scores = data["score"].to_numpy(dtype=np.int64)  # no blanks yet
    categories = [_category(int(s)) for s in scores]

    rng = np.random.default_rng(channel_seq)
    data["channel"] = [_draw(rng, CHANNELS, CHANNEL_MIX[c]) for c in categories]

    rng = np.random.default_rng(blank_seq)
    blank = rng.random(len(data)) < MISSING
    score = pd.array(scores, dtype="Int64")
    score[blank] = pd.NA
    data["score"] = score

    rng = np.random.default_rng(text_seq)
    comments, labels = [], []
    for i, row in enumerate(data.itertuples(index=False)):
        rate = COMMENT_RATE_BLANK if blank[i] else COMMENT_RATE[categories[i]]
        if rng.random() >= rate:
            comments.append(None)
            continue
        language = _draw(rng, LANGUAGES, LANGUAGE_MIX.get(row.segment, (1, 1, 1)))
        gender = "m" if rng.random() < 0.5 else "f"
        boost = {"delivery": 5.0} if (row.brand == OUR_BRAND and row.period == DIP_PERIOD) else None
        text, kinds, themes = compose_comment(rng, language=language, category=categories[i], channel=row.channel,
                                              brand=row.brand, gender=gender, theme_boost=boost)
        comments.append(text)
        labels.append({"respondent_id": int(row.respondent_id), "language": language, "kind": ";".join(kinds),
                       "themes": ";".join(themes)})
    data["comment"] = pd.array(comments, dtype="str")
    return data[SAMPLE_COLUMNS], pd.DataFrame(labels, columns=["respondent_id", "language", "kind", "themes"])


def to_csv_text(frame: pd.DataFrame) -> str:
    """CSV text with fixed formatting (``\\n`` line ends, ISO dates, blank for missing)."""
    return frame.to_csv(index=False, lineterminator="\n", date_format="%Y-%m-%d", na_rep="")


def _write(path: Path, text: str) -> None:
    atomic_write_text(path, text)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(path, 0o666 & ~umask)  # an ordinary file, readable by all, like any other package data


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Regenerate the bundled NPS sample survey (deterministic).")
    parser.add_argument("--output", type=Path, default=SAMPLE_PATH,
                        help="where to write the sample CSV (default: the bundled nps_toolkit/data/sample_survey.csv)")
    parser.add_argument("--labels", type=Path, default=LABELS_PATH,
                        help="where to write the comment labels (default: tests/data/sample_comment_labels.csv)")
    parser.add_argument("--no-labels", action="store_true", help="do not write the comment labels")
    parser.add_argument("--seed", type=int, default=SEED, help=f"random seed (default {SEED}, the shipped sample)")
    args = parser.parse_args(argv)
    sample, labels = build(args.seed)
    _write(args.output, to_csv_text(sample))
    print(f"wrote {args.output} ({len(sample)} responses)")
    if not args.no_labels:
        _write(args.labels, to_csv_text(labels))
        print(f"wrote {args.labels} ({len(labels)} labelled comments)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
