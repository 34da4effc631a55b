"""A tiny synthetic data package with answers that can be checked by hand.

Geography (EPSG:25832, origin X0/Y0 near Magdeburg): three 1 km × 1 km Stadtteile::

    +--------+
    | 02 Nord|
    +--------+--------+
    |01 Mitte| 04 Ost |
    +--------+--------+

Statistics 2021–2025 (plus residents 2011). 2025 values:

=====  =========  ========  ==========  =========  ==============
nr     residents  65+       households  1-person   Wohngeld 2024
=====  =========  ========  ==========  =========  ==============
01     1000       250       600         300        30 of 500 hh
02     400        200       250         200        10 of 200 hh
04     10         ``.``     4           ``.``      ``.``
=====  =========  ========  ==========  =========  ==============

Facilities: one open senior meeting place in 01 (ASZ), a restricted one in 02, a closed one
in 04, a generation-spanning place in 02 and one senior place without position named
"Nord" by its source.

Optional river (``write_package(root, river=True)``): the "Elbe" runs along x = X0 + 1000
between Mitte and Ost (from 600 m south of the city up to the inner corner, then out through
(X0 + 1600, Y0 + 1600)), so Mitte and Nord are the west bank and Ost the east bank. One bridge
at (X0 + 1000, Y0 + 200) and a ferry at (X0 + 1000, Y0 + 800) (not walkable)::

    +--------+
    | 02 Nord|   /
    +--------+--/-----+
    |01 Mitte|~ 04 Ost |      ~ ferry at y = 800
    |   ASZ  |        |
    |        #        |      # bridge at y = 200
    +--------+--------+
"""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

X0, Y0 = 680_000.0, 5_776_000.0
STADTTEILE = {
    "01": ("Mitte", (X0, Y0, X0 + 1000, Y0 + 1000)),
    "02": ("Nord", (X0, Y0 + 1000, X0 + 1000, Y0 + 2000)),
    "04": ("Ost", (X0 + 1000, Y0, X0 + 2000, Y0 + 1000)),
}
STAT_HEADER = [
    "jahr", "stadtteil_nr", "stadtteil", "einwohner", "alter_0_6", "alter_7_17", "alter_18_44",
    "alter_45_64", "alter_65plus", "haushalte", "haushaltsgroesse_mittel", "haushalte_1p",
    "haushalte_2p", "haushalte_3p", "haushalte_4plus", "frauen", "auslaender", "auslaender_pct",
    "jugendquote", "altenquote", "durchschnittsalter", "flaeche_ha", "einwohner_wohnberechtigt",
    "wohngeld_haushalte",
]  # fmt: skip


def metric_point(x: float, y: float) -> tuple[float, float]:
    """(lon, lat) of an EPSG:25832 position."""
    p = gpd.GeoSeries([shapely.Point(x, y)], crs=25832).to_crs(4326).iloc[0]
    return p.x, p.y


def stat_rows() -> list[dict]:
    """Statistics rows; 2025 as in the module docstring, earlier years scaled down."""
    rows = []
    for year in [2011, 2021, 2022, 2023, 2024, 2025]:
        f = 1.0 if year == 2025 else 0.9 if year >= 2021 else 0.8
        full = year >= 2021
        specs = {
            "01": {
                "ew": 1000,
                "a": (50, 100, 300, 300, 250),
                "hh": 600,
                "hh1": 300,
                "age": 45.0,
                "wg": 30,
            },
            "02": {
                "ew": 400,
                "a": (20, 30, 50, 100, 200),
                "hh": 250,
                "hh1": 200,
                "age": 55.0,
                "wg": 10,
            },
            "04": {
                "ew": 10,
                "a": (0, 2, 4, 4, None),
                "hh": 4,
                "hh1": None,
                "age": None,
                "wg": None,
            },
        }
        for nr, (name, _) in STADTTEILE.items():
            s = specs[nr]
            row = dict.fromkeys(STAT_HEADER, "")
            row.update(jahr=year, stadtteil_nr=nr, stadtteil=name, einwohner=round(s["ew"] * f))
            if full:
                ages = [round(v * f) if v is not None else "." for v in s["a"]]
                # Rounded groups may not add up to more than the rounded residents (the
                # plausibility rules of geo/io/plausibility.py hold exactly for real data).
                excess = sum(a for a in ages if a != ".") - row["einwohner"]
                if excess > 0:
                    largest = max((a, i) for i, a in enumerate(ages) if a != ".")[1]
                    ages[largest] -= excess
                row.update(zip(STAT_HEADER[4:9], ages, strict=True))
                row["haushalte"] = round(s["hh"] * f)
                row["haushalte_1p"] = round(s["hh1"] * f) if s["hh1"] else "."
                row["durchschnittsalter"] = s["age"] if s["age"] else ""
                row["flaeche_ha"] = 100
            # Wohngeld is published up to 2024 only; households in 2024 are 500/200/4.
            if year == 2024:
                row["wohngeld_haushalte"] = s["wg"] if s["wg"] is not None else "."
                row["haushalte"] = {"01": 500, "02": 200, "04": 4}[nr]
            rows.append(row)
    return rows


FACILITIES = [
    # id, kategorie, oeffentlich, in_betrieb, position (metric) or None, source Stadtteil
    ("ASZ-1", "senioren_begegnung", "ja", "ja", (X0 + 500, Y0 + 500), "Mitte"),
    ("BG-1", "senioren_begegnung", "eingeschraenkt", "unklar", (X0 + 500, Y0 + 1500), "Nord"),
    ("OT-1", "senioren_begegnung", "ja", "nein", (X0 + 1500, Y0 + 500), "Ost"),
    ("MGH-1", "generationen", "ja", "ja", (X0 + 300, Y0 + 1700), "Nord"),
    ("OT-2", "senioren_begegnung", "ja", "unklar", None, "Nord"),
]


#: Names as a planner knows them (no ids: the plain-language report must not show ids).
FACILITY_NAMES = {
    "ASZ-1": "Alten- und Service-Zentrum Am Markt",
    "BG-1": "Begegnungsstätte Lindenhof",
    "OT-1": "Offener Treff Rosengarten",
    "MGH-1": "Mehrgenerationenhaus Sonnenhof",
    "OT-2": "Seniorentreff Kastanie",
}


def facility_rows() -> list[dict]:
    """Rows of einrichtungen.csv."""
    rows = []
    for fid, cat, public, running, pos, source in FACILITIES:
        lon, lat = metric_point(*pos) if pos else ("", "")
        rows.append(
            {
                "id": fid,
                "typ": fid.split("-")[0],
                "name": FACILITY_NAMES[fid],
                "traeger": "Träger e.V.",
                "strasse_hausnr": "Teststraße 1",
                "plz": "",
                "stadtteil": source,
                "lat": f"{lat:.6f}" if pos else "",
                "lon": f"{lon:.6f}" if pos else "",
                "lage_methode": "quelle_koordinate" if pos else "keine",
                "lage_genauigkeit_m": "50" if pos else "",
                "kategorie": cat,
                "oeffentlich": public,
                "in_betrieb": running,
                "in_betrieb_grund": "",
                "stand": "2024-05",
                "quelle_url": "https://example.org/",
                "hinweis": "",
            }
        )
    return rows


def grid_cells() -> gpd.GeoDataFrame:
    """Populated 100 m cells (EPSG:3035) whose centres lie in a Stadtteil, 10 residents each."""
    city = shapely.box(X0, Y0, X0 + 2000, Y0 + 2000)
    area = gpd.GeoSeries([city], crs=25832).to_crs(3035).total_bounds
    xs = np.arange(np.floor(area[0] / 100) * 100, area[2], 100)
    ys = np.arange(np.floor(area[1] / 100) * 100, area[3], 100)
    cells = [(x, y) for x in xs for y in ys]
    centres = gpd.GeoSeries.from_xy(
        [x + 50 for x, _ in cells], [y + 50 for _, y in cells], crs=3035
    )
    polys = gpd.GeoSeries([shapely.box(*b) for _, b in STADTTEILE.values()], crs=25832).to_crs(3035)
    inside = centres.within(shapely.union_all(polys.values))
    keep = [c for c, ok in zip(cells, inside, strict=True) if ok]
    return gpd.GeoDataFrame(
        {
            "grid_id": [f"CRS3035RES100mN{int(y)}E{int(x)}" for x, y in keep],
            "einwohner": 10.0,
            "xmin": [x for x, _ in keep],
            "ymin": [y for _, y in keep],
            "xmax": [x + 100 for x, _ in keep],
            "ymax": [y + 100 for _, y in keep],
        },
        geometry=[shapely.box(x, y, x + 100, y + 100) for x, y in keep],
        crs=3035,
    )


#: The optional river (EPSG:25832) and its crossings: name -> (art, position).
RIVER = [(X0 + 1000, Y0 - 600), (X0 + 1000, Y0 + 1000), (X0 + 1600, Y0 + 1600)]
BRIDGE = (X0 + 1000, Y0 + 200)
FERRY = (X0 + 1000, Y0 + 800)
CROSSINGS = {"Teststeg": ("bruecke", BRIDGE), "Testfähre": ("faehre", FERRY)}


def write_river(root: Path) -> None:
    """Write ``elbe_barriere.geojson`` and ``elbe_querungen.csv`` of the synthetic river."""
    gpd.GeoDataFrame(
        {"gewaesser": ["Elbe"]}, geometry=[shapely.LineString(RIVER)], crs=25832
    ).to_crs(4326).to_file(root / "elbe_barriere.geojson", driver="GeoJSON")
    rows = []
    for name, (art, pos) in CROSSINGS.items():
        lon, lat = metric_point(*pos)
        rows.append({"name": name, "gewaesser": "Elbe", "art": art, "lat": lat, "lon": lon})
    pd.DataFrame(rows).to_csv(root / "elbe_querungen.csv", index=False)


def write_package(root: Path, *, river: bool = False) -> Path:
    """Write the synthetic package to ``root`` (with the river if asked) and return it."""
    root.mkdir(parents=True, exist_ok=True)
    polys = gpd.GeoDataFrame(
        {"stadtteil_nr": list(STADTTEILE), "stadtteil": [n for n, _ in STADTTEILE.values()]},
        geometry=[shapely.box(*b) for _, b in STADTTEILE.values()],
        crs=25832,
    ).to_crs(4326)
    polys.to_file(root / "stadtteile.geojson", driver="GeoJSON")
    city = gpd.GeoDataFrame(geometry=[shapely.union_all(polys.geometry.values)], crs=4326)
    city.to_file(root / "stadtgrenze.geojson", driver="GeoJSON")
    pd.DataFrame(stat_rows(), columns=STAT_HEADER).to_csv(
        root / "statistik_stadtteile.csv", index=False
    )
    pd.DataFrame(facility_rows()).to_csv(root / "einrichtungen.csv", index=False)
    grid_cells().to_file(root / "zensus2022_bevoelkerung_100m.geojson", driver="GeoJSON")
    from tests.synthetic_gtfs import feed_zip  # imports this module's coordinates

    (root / "gtfs").mkdir()
    (root / "gtfs" / "mvb_gtfs.zip").write_bytes(feed_zip())
    if river:
        write_river(root)
    return root


def edit_csv(path: Path, edit) -> None:
    """Apply ``edit(df) -> df`` to a CSV of the package (all values as text)."""
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    edit(df).to_csv(path, index=False)


def edit_geojson(path: Path, edit) -> None:
    """Apply ``edit(dict) -> dict`` to a GeoJSON file of the package."""
    data = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps(edit(data)), encoding="utf-8")
