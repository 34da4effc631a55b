"""Backtest of the age-group projection ("Modellrechnung") against the published 2025.

Run: ``.venv/bin/python benchmarks/bench_projection_backtest.py``. Prints the method table
(every rate) and the error of the 65+ count, city-wide and per Stadtteil, for:

* **nur 2021** – projected 2021 → 2025 from 2021 alone. The age groups start in 2021, so
  no group rate can be estimated from the past: ageing shift of the model plus each
  Stadtteil's total trend of residents 2016–2021 (same rate for every group).
* **Modell, 2021–2023 → 2025** – the model as in the app, rates estimated from 2021–2023
  only, projected 2023 → 2025 (two years out of sample).
* **Modell, Raten 2021–2025 (Anpassung)** – rates from all years, projected 2021 → 2025:
  in-sample, shows the fit, not a test.
* **Fortschreibung 2021** – the 65+ count of 2021 unchanged (naive reference).

Errors: projected − published, in % of published; per Stadtteil over the Stadtteile with at
least 200 people 65+ in 2025 (smaller ones are listed but not averaged).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import package, table
from geo.analysis.projection import (
    AGE_GROUPS,
    PRIOR_PERSONS,
    RATE_NAMES,
    estimate_rates,
    method_table,
    project_counts,
    project_statistics,
)
from indicators.format import format_number

MIN_65 = 200
TARGET = 2025


def _counts(stat: pd.DataFrame, year: int, numbers: list[str]) -> np.ndarray:
    keyed = stat.set_index(["jahr", "stadtteil_nr"])
    return keyed.loc[year, list(AGE_GROUPS)].reindex(numbers).to_numpy(dtype=float)


def only_2021(stat: pd.DataFrame, numbers: list[str]) -> np.ndarray:
    """65+ in 2025 from 2021 alone: ageing shift + the Stadtteil's resident trend 2016–2021."""
    keyed = stat.set_index(["jahr", "stadtteil_nr"])["einwohner"]
    first, last = keyed.loc[2016].reindex(numbers), keyed.loc[2021].reindex(numbers)
    city = (last.sum() / first.sum()) ** (1 / 5) - 1
    own = ((last / first) ** (1 / 5) - 1).to_numpy(dtype=float)
    weight = last.to_numpy(dtype=float) / (last.to_numpy(dtype=float) + PRIOR_PERSONS)
    trend = np.where(np.isfinite(own), weight * np.nan_to_num(own) + (1 - weight) * city, city)
    rates = np.repeat(trend[:, None], 5, axis=1)
    # Children: the share 1/7 that ages out is replaced in proportion to 18–44 so that the
    # group follows the same trend (β chosen per Stadtteil from 2021 alone).
    base = _counts(stat, 2021, numbers)
    with np.errstate(divide="ignore", invalid="ignore"):
        beta = np.where(base[:, 2] > 0, base[:, 0] / 7 / base[:, 2], 0.0)
    rates[:, 0] = np.nan_to_num(beta)
    return project_counts(base, rates, TARGET - 2021)[-1, :, 4]


def model(
    stat: pd.DataFrame, first: int, base: int, numbers: list[str]
) -> tuple[np.ndarray, object]:
    """65+ in 2025 by the app's model with rates from ``first``..``base``, started at ``base``."""
    window = stat[(stat["jahr"] >= first) & (stat["jahr"] <= base)]
    proj = project_statistics(window, until=TARGET)
    got = proj.table[proj.table["jahr"] == TARGET].set_index("stadtteil_nr")["alter_65plus"]
    return got.reindex(numbers).to_numpy(dtype=float), proj


def refit(stat: pd.DataFrame, numbers: list[str]) -> np.ndarray:
    """In-sample: rates from 2021–2025, projected from 2021."""
    panel = np.stack([_counts(stat, y, numbers) for y in range(2021, TARGET + 1)])
    return project_counts(panel[0], estimate_rates(panel).used, TARGET - 2021)[-1, :, 4]


def errors(name: str, projected: np.ndarray, observed: np.ndarray, big: np.ndarray) -> dict:
    ok = np.isfinite(projected) & np.isfinite(observed) & big
    pct = (projected[ok] - observed[ok]) / observed[ok] * 100
    city = (np.nansum(projected[ok]) - observed[ok].sum()) / observed[ok].sum() * 100
    return {
        "Rechnung": name,
        "Stadt 65+ (%)": format_number(city, 1),
        "Stadtteile": str(int(ok.sum())),
        "mittl. abs. Fehler (%)": format_number(np.abs(pct).mean(), 1),
        "Median abs. (%)": format_number(np.median(np.abs(pct)), 1),
        "größter abs. (%)": format_number(np.abs(pct).max(), 1),
    }


def main() -> None:
    pkg = package()
    stat = pkg.statistik
    numbers = sorted(set(stat.loc[stat["jahr"] == TARGET, "stadtteil_nr"]))
    names = stat[stat["jahr"] == TARGET].set_index("stadtteil_nr")["stadtteil"].reindex(numbers)
    observed = _counts(stat, TARGET, numbers)[:, 4]
    big = np.nan_to_num(observed) >= MIN_65
    runs = {
        "nur 2021 (Altern + Einwohnertrend 2016–2021)": only_2021(stat, numbers),
        "Modell, Raten 2021–2023, ab 2023": model(stat, 2021, 2023, numbers)[0],
        "Modell, Raten 2021–2025, ab 2021 (Anpassung, kein Test)": refit(stat, numbers),
        "Fortschreibung: 65+ von 2021 unverändert": _counts(stat, 2021, numbers)[:, 4],
    }
    _, used = model(stat, 2021, 2023, numbers)
    methods = method_table(used)
    rows = [
        {
            "Nr.": r["stadtteil_nr"] or "–",
            "Stadtteil": r["stadtteil"],
            **{
                n.replace("Geburten und Zuzug", "Geb.+Zuzug"): format_number(r[n] * 100, 2)
                for n in RATE_NAMES
            },
            "w (65+)": format_number(r["gewicht_eigen"], 2),
        }
        for _, r in methods.iterrows()
    ]
    print(
        table(
            rows,
            "Methodentabelle (Raten in % je Jahr, geschätzt 2021–2023; K = "
            f"{format_number(PRIOR_PERSONS)} Personen)",
        )
    )
    print()
    print(
        table(
            [errors(k, v, observed, big) for k, v in runs.items()],
            f"Rückrechnung 65+ {TARGET}: Fehler gegen die veröffentlichte Zahl "
            f"(Stadtteile mit mindestens {MIN_65} Personen 65+)",
        )
    )
    print()
    per = [
        {
            "Nr.": nr,
            "Stadtteil": names[nr],
            f"65+ {TARGET}": format_number(observed[i]),
            **{
                k.split(",")[0].split(" (")[0] + (" 21–23" if "2023" in k else ""): (
                    format_number((v[i] - observed[i]) / observed[i] * 100, 1)
                    if np.isfinite(v[i]) and observed[i] > 0
                    else "–"
                )
                for k, v in runs.items()
                if "Anpassung" not in k
            },
        }
        for i, nr in enumerate(numbers)
    ]
    print(table(per, "Fehler je Stadtteil in % (– = nicht veröffentlicht oder keine Einwohner)"))


if __name__ == "__main__":
    main()
