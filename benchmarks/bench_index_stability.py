"""Does a change in one place move the index of Stadtteile far away? (issue 18)

The city's measure 2.4 (``massnahmen_senioren.csv``) funds meeting places of the Bürger-
und Heimatvereine in five villages. The check adds one meeting place in each of them – at
the population-weighted centre of the village's cells (:func:`geo.areas.population_centres`)
– through ``begegnungsatlas einrichtungen import`` into an empty register, and compares
``begegnungsatlas rank`` before and after for every Stadtteil whose populated cells all lie
more than 3 km (straight line) from the new places: their inputs do not change, so their
index must not either (± 0.05).

The same import and ranking can be run with the command line of another checkout
(``--vorher DIR``, e.g. ``git archive 249ce18 | tar -x -C DIR``) to show the index before
this work next to it: there the min–max scaling over the current Stadtteile moved indexes
of far Stadtteile.

Run: .venv/bin/python benchmarks/bench_index_stability.py [--vorher DIR] [--preset NAME]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.common import table  # noqa: E402
from geo.areas import population_centres  # noqa: E402
from geo.config import data_dir  # noqa: E402
from geo.crs import to_wgs84, xy  # noqa: E402
from geo.io.package import load_package  # noqa: E402

#: Stadtteile with all cells farther than this from every new place count as far away.
FAR_M = 3000.0
#: Accepted change of a far Stadtteil's index.
TOLERANCE = 0.05


def village_places(package, measure: str = "2.4") -> gpd.GeoDataFrame:
    """One new place per Stadtteil of ``measure``, at its population-weighted centre."""
    measures = pd.read_csv(package.root / "massnahmen_senioren.csv", dtype=str).set_index("id")
    numbers = measures.at[measure, "stadtteil_nr"].split(";")
    zensus = package.zensus
    centres = population_centres(
        xy(zensus), zensus["einwohner"].to_numpy(), zensus["stadtteil_nr"].to_numpy()
    )
    return gpd.GeoDataFrame(
        {"stadtteil_nr": numbers},
        geometry=gpd.points_from_xy(
            [centres[n][0] for n in numbers], [centres[n][1] for n in numbers]
        ),
        crs=zensus.crs,
    )


def write_import(package, places: gpd.GeoDataFrame, path: Path) -> None:
    """The register import file (CSV) with one meeting place per village."""
    wgs = to_wgs84(places)
    with path.open("w", newline="", encoding="utf-8") as stream:
        out = csv.writer(stream)
        out.writerow(
            [
                "name",
                "typ",
                "kategorie",
                "oeffentlich",
                "in_betrieb",
                "lat",
                "lon",
                "lage_genauigkeit_m",
            ]
        )
        for nr, point in zip(places["stadtteil_nr"], wgs.geometry, strict=True):
            name = f"Treff des Bürgervereins {package.stadtteile.at[nr, 'stadtteil']}"
            out.writerow(
                [
                    name,
                    "Begegnungsstätte",
                    "senioren_begegnung",
                    "ja",
                    "ja",
                    f"{point.y:.6f}",
                    f"{point.x:.6f}",
                    10,
                ]
            )


def far_stadtteile(package, places: gpd.GeoDataFrame) -> list[str]:
    """Stadtteile with populated cells, all farther than :data:`FAR_M` from every place."""
    cells, points = xy(package.zensus), xy(places)
    dist = np.hypot(cells[:, None, 0] - points[None, :, 0], cells[:, None, 1] - points[None, :, 1])
    nearest = pd.Series(dist.min(axis=1)).groupby(package.zensus["stadtteil_nr"].to_numpy()).min()
    return sorted(nr for nr, d in nearest.items() if d > FAR_M)


def run_check(
    code: Path, import_file: Path, preset: str | None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``rank`` before and after the import, with the command line of ``code``."""
    env = {**os.environ, "PYTHONPATH": str(code), "BEGEGNUNGSATLAS_DATA": str(data_dir())}
    with tempfile.TemporaryDirectory() as store:
        env["BEGEGNUNGSATLAS_SZENARIEN"] = store
        env.pop("BEGEGNUNGSATLAS_DB", None)

        def cli(*args: str) -> str:
            done = subprocess.run(
                [sys.executable, "-m", "cli", *args],
                cwd=code,
                env=env,
                capture_output=True,
                text=True,
            )
            if done.returncode:
                raise SystemExit(f"{' '.join(args[:2])} in {code}: {done.stderr.strip()}")
            return done.stdout

        rank = ["rank", "--format", "json", "--draws", "0"]
        if preset:
            rank += ["--preset", preset]
        before = pd.DataFrame(json.loads(cli(*rank))).set_index("stadtteil_nr")
        cli(
            "einrichtungen", "import", str(import_file), "--apply", "--author", "Benchmark",
            "--reason", "Maßnahme 2.4: Treffs der Bürgervereine", "--source", "massnahmen_senioren.csv",
        )  # fmt: skip
        after = pd.DataFrame(json.loads(cli(*rank))).set_index("stadtteil_nr")
    return before, after


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vorher", type=Path, default=None, help="Checkout des Stands vorher")
    parser.add_argument("--preset", default=None, help="Gewichtung (nur dieser Stand)")
    args = parser.parse_args()
    package = load_package(data_dir())
    places = village_places(package)
    far = far_stadtteile(package, places)
    with tempfile.TemporaryDirectory() as tmp:
        import_file = Path(tmp) / "doerfer.csv"
        write_import(package, places, import_file)
        runs = {"nachher": run_check(ROOT, import_file, args.preset)}
        if args.vorher is not None:
            runs["vorher"] = run_check(args.vorher.resolve(), import_file, None)
    rows, moved = [], {}
    for nr in far:
        row = {"Nr.": nr, "Stadtteil": package.stadtteile.at[nr, "stadtteil"]}
        for label, (before, after) in sorted(runs.items(), reverse=True):
            a, b = before.at[nr, "index"], after.at[nr, "index"]
            ranked = a is not None and not pd.isna(a)
            row[f"{label}: Index"] = f"{a:.2f} → {b:.2f}" if ranked else "nicht gerankt"
            row[f"{label}: Rang"] = (
                f"{int(before.at[nr, 'rang'])} → {int(after.at[nr, 'rang'])}" if ranked else ""
            )
            if ranked and abs(b - a) > TOLERANCE:
                moved.setdefault(label, []).append(nr)
        rows.append(row)
    print(
        table(rows, f"Index der {len(far)} Stadtteile mit allen Zellen > 3 km von den neuen Treffs")
    )
    for label in sorted(runs, reverse=True):
        print(f"{label}: {len(moved.get(label, []))} Stadtteile mit |Δ Index| > {TOLERANCE}")


if __name__ == "__main__":
    main()
