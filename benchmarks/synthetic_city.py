"""A synthetic city in the data package's format, scalable in cells and places.

``write_city(root, factor, places)`` writes a square city of about ``4,500 × factor``
populated 100 m cells (Magdeburg has ~4,500; Berlin's ~90,000 are ``factor = 20``) split into
40 rectangular Stadtteile, statistics 2021–2025 consistent with the cells, and ``places``
open senior meeting places at random populated cells (positions ± 50–150 m). No river, no
timetable. Seeded: the same arguments always give the same files.

Used by :mod:`benchmarks.bench_scale`; nothing here is real data.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.synthetic import STAT_HEADER, X0, Y0

#: Populated cells of Magdeburg's census grid (the unit of ``factor``).
BASE_CELLS = 4_500
#: Share of grid squares inside the city that are populated.
POPULATED = 0.8
COLUMNS, ROWS = 8, 5  # 40 Stadtteile


def write_city(root: Path, factor: float, places: int, seed: int = 0) -> Path:
    """Write the package to ``root`` and return it.

    Parameters
    ----------
    root : pathlib.Path
        Empty or new folder.
    factor : float
        Cells relative to Magdeburg (1, 4, 10, 20).
    places : int
        Meeting places.
    seed : int
        Random seed.

    Returns
    -------
    pathlib.Path
    """
    rng = np.random.default_rng(seed)
    root.mkdir(parents=True, exist_ok=True)
    side = math.ceil(math.sqrt(BASE_CELLS * factor / POPULATED)) * 100.0
    boxes = {
        f"{c * ROWS + r + 1:02d}": (
            X0 + side * c / COLUMNS,
            Y0 + side * r / ROWS,
            X0 + side * (c + 1) / COLUMNS,
            Y0 + side * (r + 1) / ROWS,
        )
        for c in range(COLUMNS)
        for r in range(ROWS)
    }
    polys = gpd.GeoDataFrame(
        {"stadtteil_nr": list(boxes), "stadtteil": [f"Teil {nr}" for nr in boxes]},
        geometry=[shapely.box(*b) for b in boxes.values()],
        crs=25832,
    )
    polys.to_crs(4326).to_file(root / "stadtteile.geojson", driver="GeoJSON")
    # The city outline a little larger than the Stadtteile (coordinates round-trip via WGS84).
    city = shapely.box(X0, Y0, X0 + side, Y0 + side).buffer(5.0, join_style="mitre")
    gpd.GeoDataFrame(geometry=[city], crs=25832).to_crs(4326).to_file(
        root / "stadtgrenze.geojson", driver="GeoJSON"
    )

    # Census cells (EPSG:3035) whose centres lie inside the city, a share of them populated.
    bounds = gpd.GeoSeries([shapely.box(X0, Y0, X0 + side, Y0 + side)], crs=25832)
    lo = bounds.to_crs(3035).total_bounds
    xs = np.arange(np.ceil(lo[0] / 100) * 100, lo[2], 100.0)
    ys = np.arange(np.ceil(lo[1] / 100) * 100, lo[3], 100.0)
    gx, gy = (a.ravel() for a in np.meshgrid(xs, ys))
    centres = gpd.GeoSeries.from_xy(gx + 50, gy + 50, crs=3035).to_crs(25832)
    inner = shapely.box(X0 + 1, Y0 + 1, X0 + side - 1, Y0 + side - 1)
    inside = shapely.contains_xy(inner, centres.x.to_numpy(), centres.y.to_numpy())
    keep = inside & (rng.random(len(gx)) < POPULATED)
    gx, gy = gx[keep], gy[keep]
    people = np.maximum(3, np.round(rng.lognormal(3.0, 0.9, len(gx))))
    gpd.GeoDataFrame(
        {
            "grid_id": [f"CRS3035RES100mN{int(y)}E{int(x)}" for x, y in zip(gx, gy, strict=True)],
            "einwohner": people,
            "xmin": gx,
            "ymin": gy,
            "xmax": gx + 100,
            "ymax": gy + 100,
        },
        geometry=shapely.box(gx, gy, gx + 100, gy + 100),
        crs=3035,
    ).to_file(root / "zensus2022_bevoelkerung_100m.geojson", driver="GeoJSON")

    # Statistics consistent with the cells: residents per Stadtteil, fixed age shares.
    cx, cy = centres.x.to_numpy()[keep], centres.y.to_numpy()[keep]
    col = np.minimum(((cx - X0) / side * COLUMNS).astype(int), COLUMNS - 1)
    row = np.minimum(((cy - Y0) / side * ROWS).astype(int), ROWS - 1)
    per_area = np.bincount(col * ROWS + row, weights=people, minlength=COLUMNS * ROWS)
    rows = []
    for year in range(2021, 2026):
        growth = 1.0 - 0.01 * (2025 - year)
        for i, nr in enumerate(boxes):
            residents = round(per_area[i] * growth)
            shares = rng.dirichlet([6, 10, 35, 27, 22])
            ages = np.floor(shares * residents).astype(int)
            households = int(residents / 1.8)
            record = dict.fromkeys(STAT_HEADER, "")
            record.update(
                jahr=year,
                stadtteil_nr=nr,
                stadtteil=f"Teil {nr}",
                einwohner=residents,
                haushalte=households,
                haushalte_1p=int(households * 0.5),
                durchschnittsalter=round(float(rng.uniform(38, 52)), 1),
                flaeche_ha=round((side / COLUMNS) * (side / ROWS) / 10_000, 1),
            )
            record.update(zip(STAT_HEADER[4:9], ages.tolist(), strict=True))
            if year == 2024:
                record["wohngeld_haushalte"] = int(households * rng.uniform(0.01, 0.08))
            rows.append(record)
    pd.DataFrame(rows, columns=STAT_HEADER).to_csv(root / "statistik_stadtteile.csv", index=False)

    # Places at random populated cells, positions known to ± 50–150 m.
    pick = rng.choice(len(cx), size=places, replace=False)
    lonlat = gpd.GeoSeries.from_xy(cx[pick], cy[pick], crs=25832).to_crs(4326)
    pd.DataFrame(
        {
            "id": [f"P-{i:04d}" for i in range(places)],
            "typ": "BG",
            "name": [f"Begegnungsstätte {i}" for i in range(places)],
            "traeger": "Träger e.V.",
            "strasse_hausnr": "Teststraße 1",
            "plz": "",
            "stadtteil": [f"Teil {nr}" for nr in _areas(col, row, pick)],
            "lat": [f"{v:.6f}" for v in lonlat.y],
            "lon": [f"{v:.6f}" for v in lonlat.x],
            "lage_methode": "quelle_koordinate",
            "lage_genauigkeit_m": rng.choice(["50", "100", "150"], size=places),
            "kategorie": "senioren_begegnung",
            "oeffentlich": "ja",
            "in_betrieb": "ja",
            "in_betrieb_grund": "",
            "stand": "2024-05",
            "quelle_url": "https://example.org/",
            "hinweis": "",
        }
    ).to_csv(root / "einrichtungen.csv", index=False)
    return root


def _areas(col: np.ndarray, row: np.ndarray, pick: np.ndarray) -> list[str]:
    return [f"{c * ROWS + r + 1:02d}" for c, r in zip(col[pick], row[pick], strict=True)]
