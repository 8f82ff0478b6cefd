"""Split the realistic labelled comments once into ``tune`` and ``holdout`` (see GUIDE.md).

Within each language and kind, 40% of the comments are drawn at random (seed below) for the holdout. The draw
is made once: rows that already have a split keep it, so adding comments later only draws the new ones.

    .venv/bin/python tests/data/comments_realistic/split.py
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
SEED = 20261202
HOLDOUT = 0.4
COLUMNS = ["id", "language", "text", "kind", "pairs", "styles", "split"]


def main() -> None:
    rng = np.random.default_rng(SEED)
    for language in ("en", "ru", "pl"):
        path = HERE / f"{language}.csv"
        data = pd.read_csv(path, dtype=str, keep_default_na=False)
        if "split" not in data:
            data["split"] = ""
        new = data["split"] == ""
        for _, group in data[new].groupby("kind", sort=True):
            order = rng.permutation(group.index.to_numpy())
            n_hold = int(round(HOLDOUT * len(order)))
            data.loc[order[:n_hold], "split"] = "holdout"
            data.loc[order[n_hold:], "split"] = "tune"
        data[COLUMNS].to_csv(path, index=False, lineterminator="\n")
        counts = data.groupby(["split", "kind"]).size().unstack(fill_value=0)
        print(f"{path.name}: {len(data)} comments, {int(new.sum())} newly drawn\n{counts}\n")


if __name__ == "__main__":
    main()
