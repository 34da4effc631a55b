"""Loading and validating the data package (synthetic fixture, hand-checked)."""

from __future__ import annotations

import math
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from geo.areas import stadtteil_at
from geo.config import DATA_ENV, PROJECT_ROOT, data_dir
from geo.crs import METRIC_CRS
from geo.io.package import DataPackageError, available_years, load_package
from tests.synthetic import X0, Y0, edit_csv, edit_geojson, metric_point, write_river


def test_loads_all_layers_in_metric_crs(synthetic):
    assert list(synthetic.stadtteile.index) == ["01", "02", "04"]
    for layer in (
        synthetic.stadtteile,
        synthetic.stadtgrenze,
        synthetic.einrichtungen,
        synthetic.zensus,
    ):
        assert layer.crs == METRIC_CRS
    # 1 km squares survive the round trip through WGS84 GeoJSON.
    assert synthetic.stadtteile.area.round(-1).tolist() == [1_000_000.0] * 3
    assert synthetic.years == [2021, 2022, 2023, 2024, 2025]
    assert len(synthetic.version) == 12


def test_suppressed_values_stay_missing_never_zero(synthetic):
    row = synthetic.statistik.query("jahr == 2025 and stadtteil_nr == '04'").iloc[0]
    assert math.isnan(row["alter_65plus"])  # written as "."
    assert math.isnan(row["haushalte_1p"])
    assert math.isnan(row["durchschnittsalter"])  # written as ""
    assert row["alter_7_17"] == 2


def test_facilities_get_their_stadtteil_and_keep_rows_without_position(synthetic):
    fac = synthetic.einrichtungen.set_index("id")
    assert fac["stadtteil_nr"].to_dict() == {
        "ASZ-1": "01",
        "BG-1": "02",
        "OT-1": "04",
        "MGH-1": "02",
        "OT-2": "02",  # no position: Stadtteil named by the source
    }
    assert fac.geometry["OT-2"] is None
    assert fac.loc["ASZ-1", "lage_genauigkeit_m"] == 50
    assert (
        fac.geometry["ASZ-1"].distance(shapely.Point(X0 + 500, Y0 + 500)) < 0.2
    )  # 6 decimals of a degree
    assert any("OT-2" in note for note in synthetic.notes)


def test_grid_cells_are_centre_points_assigned_to_stadtteile(synthetic):
    grid = synthetic.zensus
    assert set(grid["stadtteil_nr"]) == {"01", "02", "04"}
    assert grid["grid_id"].is_unique
    assert (grid["einwohner"] == 10).all()
    assert grid.geom_type.eq("Point").all()


def test_invalid_polygon_is_repaired_and_reported(synthetic_dir):
    def spike(data):
        # The square of Stadtteil 04 with a zero-width spike into it: a self-intersection.
        corners = [(1000, 0), (2000, 0), (2000, 1000), (1500, 1000), (1500, 500), (1500, 1000)]
        ring = [list(metric_point(X0 + x, Y0 + y)) for x, y in [*corners, (1000, 1000), (1000, 0)]]
        data["features"][2]["geometry"] = {"type": "Polygon", "coordinates": [ring]}
        return data

    edit_geojson(synthetic_dir / "stadtteile.geojson", spike)
    pkg = load_package(synthetic_dir)
    assert pkg.stadtteile.is_valid.all()
    assert pkg.stadtteile.geom_type.isin(["Polygon", "MultiPolygon"]).all()
    assert pkg.stadtteile.loc["04"].geometry.area == pytest.approx(1_000_000, rel=0.001)
    assert any("04 Ost war ungültig" in note for note in pkg.notes)


def _drop_column(column):
    return lambda df: df.drop(columns=[column])


def _set(row, column, value):
    def edit(df):
        df.loc[row, column] = value
        return df

    return edit


@pytest.mark.parametrize(
    ("file", "edit", "message"),
    [
        (
            "statistik_stadtteile.csv",
            _drop_column("alter_65plus"),
            r"Spalte\(n\) fehlen: alter_65plus",
        ),
        ("einrichtungen.csv", _drop_column("kategorie"), r"Spalte\(n\) fehlen: kategorie"),
        (
            "statistik_stadtteile.csv",
            _set(3, "einwohner", "viele"),
            r"einwohner: keine Zahl in Zeile\(n\) 5",
        ),
        (
            "statistik_stadtteile.csv",
            _set(3, "einwohner", "-5"),
            "Zeile 5, Spalte einwohner: einwohner = -5 ist negativ",
        ),
        (
            "statistik_stadtteile.csv",
            _set(4, "stadtteil_nr", "01"),
            "Doppelte Zeile für Jahr 2021 und Stadtteil 01",
        ),
        ("statistik_stadtteile.csv", _set(17, "stadtteil_nr", "1"), "Ungültige Stadtteilnummer"),
        ("statistik_stadtteile.csv", _set(0, "stadtteil_nr", "98"), "ohne Stadtteilpolygon .*98"),
        (
            "statistik_stadtteile.csv",
            lambda df: df[~((df["jahr"] == "2025") & (df["stadtteil_nr"] == "04"))],
            "ohne Statistik im Jahr 2025: 04",
        ),
        (
            "statistik_stadtteile.csv",
            _set(15, "stadtteil", "Zentrum"),
            r"namen passen nicht.*01 \(Zentrum ≠ Mitte\)",
        ),
        ("einrichtungen.csv", _set(1, "id", "ASZ-1"), r"id 'ASZ-1' kommt mehrfach vor"),
        (
            "einrichtungen.csv",
            _set(0, "kategorie", "kneipe"),
            "kategorie: Unbekannter Wert 'kneipe'",
        ),
        (
            "einrichtungen.csv",
            _set(0, "oeffentlich", "vielleicht"),
            "oeffentlich: Unbekannter Wert",
        ),
        ("einrichtungen.csv", _set(0, "lat", ""), "Nur eine der beiden Koordinaten"),
        ("einrichtungen.csv", _set(0, "lat", "95.0"), "außerhalb ±90°"),
        (
            "einrichtungen.csv",
            _set(0, "lat", "52.30"),
            r"ASZ-1\), Spalte geometry: Punkt liegt \d+,\d km außerhalb",
        ),
    ],
)
def test_invalid_files_fail_with_file_problem_and_fix(synthetic_dir, file, edit, message):
    edit_csv(synthetic_dir / file, edit)
    with pytest.raises(DataPackageError, match=message) as info:
        load_package(synthetic_dir)
    assert info.value.file == file
    assert "Lösung:" in str(info.value)


def test_swapped_coordinates_are_named_as_such(synthetic_dir):
    def swap(df):
        df.loc[0, ["lat", "lon"]] = df.loc[0, ["lon", "lat"]].to_numpy()
        return df

    edit_csv(synthetic_dir / "einrichtungen.csv", swap)
    with pytest.raises(DataPackageError, match=r"ASZ-1\).* \(lat/lon vertauscht\?\)"):
        load_package(synthetic_dir)


@pytest.mark.parametrize(
    "name",
    ["stadtteile.geojson", "einrichtungen.csv", "zensus2022_bevoelkerung_100m.geojson"],
)
def test_missing_file_is_named(synthetic_dir, name):
    (synthetic_dir / name).unlink()
    with pytest.raises(DataPackageError, match=f"{name}: Datei fehlt"):
        load_package(synthetic_dir)


def test_missing_directory_says_how_to_point_elsewhere(tmp_path):
    with pytest.raises(DataPackageError, match=f"{DATA_ENV}"):
        load_package(tmp_path / "gibt-es-nicht")


def test_duplicate_stadtteil_polygon(synthetic_dir):
    def dup(data):
        data["features"][1]["properties"]["stadtteil_nr"] = "01"
        return data

    edit_geojson(synthetic_dir / "stadtteile.geojson", dup)
    with pytest.raises(DataPackageError, match=r"mehrfach vergeben: 01"):
        load_package(synthetic_dir)


def test_metres_labelled_as_lonlat_are_an_unknown_crs(synthetic_dir):
    # Coordinates in EPSG:25832 metres but no CRS member: GeoJSON then means lon/lat.
    def metres(data):
        data.pop("crs", None)
        for feature in data["features"]:
            ring = feature["geometry"]["coordinates"][0]
            feature["geometry"]["coordinates"][0] = [[X0 + x, Y0 + y] for x, y in ring]
        return data

    edit_geojson(synthetic_dir / "stadtteile.geojson", metres)
    with pytest.raises(
        DataPackageError, match="passen nicht zum angegebenen Koordinatenreferenzsystem"
    ):
        load_package(synthetic_dir)


def test_grid_with_wrong_crs_label_is_rejected(synthetic_dir):
    def relabel(data):
        data["crs"] = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::25832"}}
        return data

    edit_geojson(synthetic_dir / "zensus2022_bevoelkerung_100m.geojson", relabel)
    with pytest.raises(DataPackageError, match=r"passen nicht zum angegebenen .* EPSG:25832"):
        load_package(synthetic_dir)


def test_grid_must_be_the_original_laea_grid(synthetic_dir):
    path = synthetic_dir / "zensus2022_bevoelkerung_100m.geojson"
    gpd.read_file(path).to_crs(METRIC_CRS).to_file(path, driver="GeoJSON")
    with pytest.raises(DataPackageError, match="muss in EPSG:3035 vorliegen"):
        load_package(synthetic_dir)


def test_grid_cell_far_outside_fails(synthetic_dir):
    def move(data):
        cell = data["features"][0]
        for key in ("xmin", "xmax"):
            cell["properties"][key] += 5000
        return data

    edit_geojson(synthetic_dir / "zensus2022_bevoelkerung_100m.geojson", move)
    with pytest.raises(DataPackageError, match=r"außerhalb aller Stadtteile"):
        load_package(synthetic_dir)


def test_zero_residents_are_derived_only_from_a_published_zero(synthetic_dir):
    def empty_town(df):
        rows = (df["jahr"] == "2025") & (df["stadtteil_nr"] == "04")
        df.loc[rows, ["einwohner", "einwohner_wohnberechtigt"]] = ["", "0"]
        rows21 = (df["jahr"] == "2021") & (df["stadtteil_nr"] == "04")
        df.loc[rows21, ["einwohner", "einwohner_wohnberechtigt"]] = ["", ""]
        return df

    edit_csv(synthetic_dir / "statistik_stadtteile.csv", empty_town)
    stats = load_package(synthetic_dir).statistik.set_index(["jahr", "stadtteil_nr"])
    assert stats.loc[(2025, "04"), "einwohner"] == 0
    assert np.isnan(stats.loc[(2021, "04"), "einwohner"])


@pytest.mark.parametrize(
    ("lon_lat", "expected"),
    [((X0 + 500, Y0 + 500), "01"), ((X0 + 1500, Y0 + 200), "04"), ((X0 + 1500, Y0 + 1500), None)],
)
def test_stadtteil_at(synthetic, lon_lat, expected):
    assert stadtteil_at(synthetic.stadtteile, *metric_point(*lon_lat)) == expected


def test_data_dir_prefers_environment(tmp_path):
    assert data_dir({DATA_ENV: str(tmp_path)}) == tmp_path.resolve()
    assert data_dir({}) == (PROJECT_ROOT / ".." / "shared" / "data" / "magdeburg").resolve()
    assert data_dir({DATA_ENV: "  "}) == data_dir({})


def test_statistics_table_types(synthetic):
    stats = synthetic.statistik
    assert stats["jahr"].dtype == np.int64
    assert pd.api.types.is_string_dtype(stats["stadtteil_nr"])
    assert stats["einwohner"].dtype == np.float64
    assert isinstance(synthetic.root, Path)


def test_version_follows_the_optional_files(synthetic_dir: Path):
    # Every cache is keyed by the version: a new timetable or barrier must change it.
    base = load_package(synthetic_dir).version
    feed = synthetic_dir / "gtfs" / "mvb_gtfs.zip"
    feed.write_bytes(feed.read_bytes() + b"\0")
    with_feed = load_package(synthetic_dir).version
    write_river(synthetic_dir)
    with_river = load_package(synthetic_dir).version
    assert len({base, with_feed, with_river}) == 3
    feed.unlink()
    assert load_package(synthetic_dir).version not in {base, with_feed, with_river}


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ([(2020, 10.0), (2021, 12.0)], [2020, 2021]),
        ([(2021, None), (2020, 10.0)], [2020]),  # 2021 suppressed everywhere: not a year
        ([(2021, None), (2021, 5.0), (2020, None)], [2021]),  # one Stadtteil published
        ([(2020, None)], []),
        ([], []),
    ],
)
def test_available_years_are_the_years_with_a_published_age_breakdown(rows, expected):
    statistik = pd.DataFrame(rows, columns=["jahr", "alter_65plus"]).astype(
        {"jahr": "int64", "alter_65plus": "float64"}
    )
    assert available_years(statistik) == expected
