"""The complex-sample reference: a stratified, clustered, weighted sample and R's survey package's answers on it.

Run from the repository root (R with the survey package is needed here, never by the tests)::

    apt-get install -y r-base-core r-cran-survey      # Debian's packages
    .venv/bin/python tests/data/make_survey_reference.py

It writes ``tests/data/survey_reference/sample.csv`` (deterministic: a seeded NumPy generator) and then runs
``make_survey_reference.R`` beside this file, which reads the sample and writes R's outputs into the same
folder (see that script and ``survey_reference/README.md`` for what each file holds). ``tests/test_design.py``
and ``tests/test_rake.py`` compare the toolkit with those files without needing R.

The sample
----------
Four strata (regions), 28 stores (the PSUs, sampled without replacement from 30, 36, 20 and 32 stores per
region: the finite-population correction), two waves of interviews in every store, each respondent rating one
of three brands. A store effect makes answers of one store alike (design effect well above 1); weights vary
within stores; 6% of the answers are missing (their rows keep their store, weights and raking variables);
``age`` and ``gender`` are the raking margins, ``age`` alone the post-strata.
Store numbers restart in every region (store 1 of North is not store 1 of South): the PSUs are nested in the
strata, as R's ``svydesign(nest=TRUE)`` takes them.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
OUT = HERE / "survey_reference"

#: region -> (stores sampled, stores in the population)
STRATA = {"North": (6, 30), "South": (9, 36), "East": (5, 20), "West": (8, 32)}
BRANDS = ("Aurora", "Borealis", "Corona")
AGES = ("18-34", "35-54", "55+")
GENDERS = ("F", "M")

#: Population totals of the raking margins (the two margins agree: 160,000 people).
AGE_TOTALS = {"18-34": 52000.0, "35-54": 61000.0, "55+": 47000.0}
GENDER_TOTALS = {"F": 83000.0, "M": 77000.0}


def make_sample(seed: int = 17) -> pd.DataFrame:
    """The sample: one row per respondent (deterministic for a given seed)."""
    rng = np.random.default_rng(seed)
    rows = []
    brand_effect = {"Aurora": 0.6, "Borealis": 0.0, "Corona": -0.8}
    age_effect = {"18-34": -0.4, "35-54": 0.0, "55+": 0.5}
    base = {"North": 95.0, "South": 120.0, "East": 80.0, "West": 105.0}
    for region, (sampled, population) in STRATA.items():
        brand_p = rng.dirichlet([4, 3, 2])
        for store in range(1, sampled + 1):
            store_effect = rng.normal(0.0, 0.8)
            store_size = rng.uniform(0.7, 1.4)
            for wave in (1, 2):
                for _ in range(int(rng.integers(10, 29))):
                    brand = BRANDS[rng.choice(3, p=brand_p)]
                    age = AGES[rng.choice(3, p=[0.40, 0.35, 0.25])]
                    gender = GENDERS[rng.choice(2, p=[0.55, 0.45])]
                    latent = (7.0 + store_effect + brand_effect[brand] + age_effect[age]
                              + (0.5 if wave == 2 and brand == "Aurora" else 0.0) + rng.normal(0.0, 2.0))
                    score = float(np.clip(np.rint(latent), 0, 10))
                    if rng.random() < 0.06:
                        score = np.nan
                    weight = round(base[region] * store_size * rng.uniform(0.6, 1.8), 4)
                    rows.append({"region": region, "store": store, "wave": wave, "brand": brand, "age": age,
                                 "gender": gender, "score": score, "weight": weight,
                                 "stores_total": population, "stores_fraction": sampled / population})
    sample = pd.DataFrame(rows)
    sample.insert(0, "id", np.arange(1, len(sample) + 1))
    sample["score"] = sample["score"].astype("Int64")
    return sample


def main() -> None:
    OUT.mkdir(exist_ok=True)
    sample = make_sample()
    sample.to_csv(OUT / "sample.csv", index=False)
    margins = [{"margin": "age", "level": k, "total": v} for k, v in AGE_TOTALS.items()]
    margins += [{"margin": "gender", "level": k, "total": v} for k, v in GENDER_TOTALS.items()]
    pd.DataFrame(margins).to_csv(OUT / "margins.csv", index=False)
    print(f"{len(sample)} rows, {sample['score'].isna().sum()} missing answers -> {OUT / 'sample.csv'}")
    if "--no-r" not in sys.argv:
        subprocess.run(["Rscript", str(HERE / "make_survey_reference.R"), str(OUT)], check=True)


if __name__ == "__main__":
    main()
