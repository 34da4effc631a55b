"""Readers for the files of the data package, each validating where the data enters.

Every reader raises :class:`geo.errors.DataPackageError` with a German message that names
the file, the problem and the fix. Suppressed statistics (empty cell or ``.``) stay missing
(NaN), never 0. Layers are returned in :data:`geo.crs.METRIC_CRS`.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS
from pyproj.exceptions import CRSError

from geo.areas import assign_stadtteil
from geo.crs import METRIC_CRS, WGS84, ZENSUS_CRS
from geo.errors import DataPackageError
from geo.facilities import (
    CITY_TOLERANCE_M,
    FacilityProblem,
    facility_problems,
    points_of,
    raise_problems,
)
from geo.io.plausibility import check_statistics

#: Numeric columns of ``statistik_stadtteile.csv``.
STAT_COLUMNS = [
    "einwohner",
    "alter_0_6",
    "alter_7_17",
    "alter_18_44",
    "alter_45_64",
    "alter_65plus",
    "haushalte",
    "haushaltsgroesse_mittel",
    "haushalte_1p",
    "haushalte_2p",
    "haushalte_3p",
    "haushalte_4plus",
    "frauen",
    "auslaender",
    "auslaender_pct",
    "jugendquote",
    "altenquote",
    "durchschnittsalter",
    "flaeche_ha",
    "einwohner_wohnberechtigt",
    "wohngeld_haushalte",
]
#: Statistics columns the app cannot work without.
REQUIRED_STAT_COLUMNS = [
    "jahr",
    "stadtteil_nr",
    "stadtteil",
    "einwohner",
    "alter_0_6",
    "alter_7_17",
    "alter_18_44",
    "alter_45_64",
    "alter_65plus",
    "haushalte",
    "haushalte_1p",
    "durchschnittsalter",
    "flaeche_ha",
    "wohngeld_haushalte",
]
REQUIRED_FACILITY_COLUMNS = [
    "id",
    "typ",
    "name",
    "traeger",
    "strasse_hausnr",
    "stadtteil",
    "lat",
    "lon",
    "lage_methode",
    "lage_genauigkeit_m",
    "kategorie",
    "oeffentlich",
    "in_betrieb",
]
#: Text columns of ``einrichtungen.csv`` kept when present.
OPTIONAL_FACILITY_COLUMNS = [
    "plz",
    "lage_beleg",
    "in_betrieb_grund",
    "stand",
    "quelle_url",
    "hinweis",
]
REQUIRED_ZENSUS_COLUMNS = ["grid_id", "einwohner", "xmin", "ymin", "xmax", "ymax"]

#: Values the city uses for "not published".
MISSING_MARKERS = ("", ".", "-", "–")
#: A grid cell whose centre lies outside every Stadtteil is assigned to the nearest one
#: if it is at most this far away (half a cell diagonal); otherwise loading fails.
CELL_SNAP_TOLERANCE_M = 71.0

_NR_PATTERN = re.compile(r"^\d{2}$")
#: Largest file of the package that is read (the Zensus grid has about 2 MB).
MAX_FILE_BYTES = 256 * 1024 * 1024
_RESTORE = "Die Datei aus dem Original-Datenpaket wiederherstellen."
_GEOJSON_TYPES = {
    "FeatureCollection", "Feature", "GeometryCollection", "Point", "MultiPoint", "LineString",
    "MultiLineString", "Polygon", "MultiPolygon",
}  # fmt: skip


# --------------------------------------------------------------------------- bounded reading


def read_bytes(path: Path, name: str | None = None) -> bytes:
    """The bytes of a package file, bounded in size; empty or unreadable files fail.

    Parameters
    ----------
    path : pathlib.Path
        The file.
    name : str, optional
        Name for messages (default: the file name).

    Returns
    -------
    bytes

    Raises
    ------
    DataPackageError
        If the file is missing, unreadable, empty or larger than :data:`MAX_FILE_BYTES`.
    """
    name = name or path.name
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise DataPackageError(
                name,
                f"Die Datei ist zu groß ({size // 2**20} MB, erlaubt {MAX_FILE_BYTES // 2**20} MB).",
                "Eine auf das Stadtgebiet zugeschnittene Datei bereitstellen.",
            )
        content = path.read_bytes()
    except OSError as exc:
        raise DataPackageError(
            name, f"Die Datei kann nicht gelesen werden ({type(exc).__name__}).", _RESTORE
        ) from exc
    if not content.strip():
        raise DataPackageError(name, "Die Datei ist leer.", _RESTORE)
    return content


def decode_utf8(content: bytes, name: str) -> str:
    """UTF-8 text (BOM allowed); otherwise name the line and byte that are not UTF-8."""
    if b"\x00" in content:
        raise DataPackageError(
            name, "Die Datei enthält Binärdaten (Null-Bytes) und ist keine Textdatei.", _RESTORE
        )
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = content[: exc.start].count(b"\n") + 1
        raise DataPackageError(
            name,
            f"Die Datei ist nicht UTF-8-kodiert (Zeile {line}, Byte 0x{content[exc.start]:02X}).",
            "Die Datei als UTF-8 speichern.",
        ) from exc


def read_csv_text(text: str, name: str, allow_empty: bool = False) -> pd.DataFrame:
    """A CSV text as a frame of strings; unreadable CSV gives a German message.

    Parameters
    ----------
    text : str
        Decoded CSV.
    name : str
        File name (for messages).
    allow_empty : bool
        Accept a table with a header but no data rows.

    Returns
    -------
    pandas.DataFrame
        All values as text; empty cells are ``""``.

    Raises
    ------
    DataPackageError
        If the CSV cannot be parsed or has no data rows.
    """
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except pd.errors.EmptyDataError as exc:
        raise DataPackageError(name, "Die Datei ist leer.", _RESTORE) from exc
    except (pd.errors.ParserError, csv.Error, ValueError) as exc:
        raise DataPackageError(
            name,
            f"Die CSV-Datei ist nicht lesbar ({_csv_problem(str(exc))}).",
            "Anführungszeichen und Trennzeichen prüfen (Komma, Werte mit Komma in "
            "Anführungszeichen) oder die Datei wiederherstellen.",
        ) from exc
    if frame.empty and not allow_empty:
        raise DataPackageError(
            name, "Die Tabelle enthält keine Datenzeilen (nur die Kopfzeile).", _RESTORE
        )
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame


def _csv_problem(text: str) -> str:
    fields = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", text)
    if fields:
        expected, line, saw = fields.groups()
        return f"Zeile {line} hat {saw} Felder statt {expected}"
    row = re.search(r"EOF inside string starting at row (\d+)", text)
    if row:
        return f'ein mit " begonnener Wert in Zeile {int(row.group(1)) + 1} endet nicht'
    return "Aufbau der Tabelle fehlerhaft"


def read_package_csv(path: Path) -> pd.DataFrame:
    """A CSV file of the package, read bounded and decoded strictly as UTF-8."""
    return read_csv_text(decode_utf8(read_bytes(path), path.name), path.name)


# --------------------------------------------------------------------------- geometry files


def _read_layer(path: Path) -> gpd.GeoDataFrame:
    content = read_bytes(path)
    fix = "Eine gültige GeoJSON-Datei bereitstellen (oder die Datei wiederherstellen)."
    # Only GeoJSON is read here: check the content before GDAL sees it (GDAL would open
    # e.g. a VRT description behind a .geojson name and read other files).
    if not content.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        raise DataPackageError(path.name, "Die Datei ist keine GeoJSON-Datei.", fix)
    try:
        data = json.loads(decode_utf8(content, path.name))
    except json.JSONDecodeError as exc:
        raise DataPackageError(
            path.name,
            f"Die Datei kann nicht als GeoJSON gelesen werden (JSON-Fehler in Zeile "
            f"{exc.lineno}, Spalte {exc.colno}).",
            fix,
        ) from exc
    except RecursionError as exc:
        raise DataPackageError(path.name, "Die Datei ist zu tief verschachtelt.", fix) from exc
    if not isinstance(data, dict) or data.get("type") not in _GEOJSON_TYPES:
        raise DataPackageError(path.name, "Die Datei enthält kein GeoJSON-Objekt.", fix)
    del data
    try:
        gdf = gpd.read_file(io.BytesIO(content), engine="pyogrio")
    except Exception as exc:  # GDAL/pyogrio raise many kinds for broken geometries
        raise DataPackageError(
            path.name,
            f"Die Datei kann nicht als GeoJSON gelesen werden ({type(exc).__name__}).",
            fix,
        ) from exc
    if len(gdf) == 0:
        raise DataPackageError(path.name, "Die Datei enthält keine Objekte.", "Datei ersetzen.")
    _check_crs(gdf, path.name)
    return gdf


def _check_crs(gdf: gpd.GeoDataFrame, name: str) -> None:
    """Fail on a missing, unknown or implausible CRS (coordinates outside its area of use)."""
    fix = (
        "Das Koordinatenreferenzsystem in der Datei korrekt angeben "
        "(GeoJSON: Längen-/Breitengrade in WGS84/CRS84) oder die Koordinaten umprojizieren."
    )
    if gdf.crs is None:
        raise DataPackageError(name, "Die Datei gibt kein Koordinatenreferenzsystem (CRS) an.", fix)
    try:
        crs = CRS.from_user_input(gdf.crs)
        crs.to_epsg()
    except CRSError as exc:
        raise DataPackageError(
            name, f"Unbekanntes Koordinatenreferenzsystem: {gdf.crs}.", fix
        ) from exc
    area = crs.area_of_use
    if area is None:
        return
    # Compare the data's extent (in lon/lat) with the CRS's declared area of use: a layer
    # labelled EPSG:4326 that really holds metres lands far outside it.
    bounds = gdf.total_bounds
    if crs.is_geographic:
        lon_min, lat_min, lon_max, lat_max = bounds
    else:
        geo = gpd.GeoSeries(shapely.box(*bounds), crs=crs).to_crs(WGS84)
        lon_min, lat_min, lon_max, lat_max = geo.total_bounds
    margin = 1.0
    inside = (
        np.isfinite([lon_min, lat_min, lon_max, lat_max]).all()
        and lon_min >= area.west - margin
        and lon_max <= area.east + margin
        and lat_min >= area.south - margin
        and lat_max <= area.north + margin
    )
    if not inside:
        raise DataPackageError(
            name,
            f"Die Koordinaten passen nicht zum angegebenen Koordinatenreferenzsystem "
            f"{crs.to_string()} (Ausdehnung {bounds.round(1).tolist()} liegt außerhalb seines "
            f"Gültigkeitsbereichs).",
            fix,
        )


def read_stadtteile(path: Path, notes: list[str] | None = None) -> gpd.GeoDataFrame:
    """Read the Stadtteil polygons, repair invalid geometries and index by number.

    Parameters
    ----------
    path : pathlib.Path
        ``stadtteile.geojson``.
    notes : list of str, optional
        Receives a German note for every repaired polygon.

    Returns
    -------
    geopandas.GeoDataFrame
        Index ``stadtteil_nr`` (two-digit string), columns ``stadtteil``, ``geometry``,
        in EPSG:25832, sorted by number.
    """
    name = path.name
    gdf = _read_layer(path)
    _require_columns(gdf.columns, ["stadtteil_nr", "stadtteil"], name)
    gdf["stadtteil_nr"] = gdf["stadtteil_nr"].astype("string").str.strip()
    _check_nr_format(gdf["stadtteil_nr"], name)
    dup = gdf["stadtteil_nr"][gdf["stadtteil_nr"].duplicated()].unique().tolist()
    if dup:
        raise DataPackageError(
            name,
            f"Stadtteilnummer(n) mehrfach vergeben: {', '.join(dup)}.",
            "Jeder Stadtteil braucht genau ein Polygon; doppelte Objekte zusammenführen.",
        )
    if gdf.geometry.isna().any() or gdf.geometry.is_empty.any():
        bad = gdf.loc[gdf.geometry.isna() | gdf.geometry.is_empty, "stadtteil_nr"].tolist()
        raise DataPackageError(
            name, f"Stadtteil(e) ohne Geometrie: {', '.join(bad)}.", "Polygone ergänzen."
        )
    types = set(gdf.geom_type)
    if not types <= {"Polygon", "MultiPolygon"}:
        raise DataPackageError(
            name,
            f"Unerwartete Geometrietypen {sorted(types)}; erwartet werden Flächen.",
            "Stadtteile als (Multi-)Polygone bereitstellen.",
        )
    gdf = gdf.to_crs(METRIC_CRS)
    invalid = ~gdf.is_valid
    for idx in gdf.index[invalid]:
        reason = shapely.is_valid_reason(gdf.geometry[idx])
        repaired = shapely.make_valid(gdf.geometry[idx])
        # make_valid may return a collection with stray lines; keep the areal part only.
        polys = [
            g for g in shapely.get_parts(repaired) if g.geom_type in ("Polygon", "MultiPolygon")
        ]
        gdf.loc[idx, "geometry"] = shapely.union_all(polys)
        if notes is not None:
            notes.append(
                f"Polygon {gdf.loc[idx, 'stadtteil_nr']} {gdf.loc[idx, 'stadtteil']} war ungültig "
                f"({reason}) und wurde beim Laden repariert."
            )
    gdf = gdf[["stadtteil_nr", "stadtteil", "geometry"]].set_index("stadtteil_nr").sort_index()
    gdf["stadtteil"] = gdf["stadtteil"].astype("string")
    return gdf


def read_stadtgrenze(path: Path) -> gpd.GeoDataFrame:
    """Read the city boundary as one (multi)polygon in EPSG:25832.

    Parameters
    ----------
    path : pathlib.Path
        ``stadtgrenze.geojson``.

    Returns
    -------
    geopandas.GeoDataFrame
        One row.
    """
    gdf = _read_layer(path).to_crs(METRIC_CRS)
    geom = shapely.make_valid(shapely.union_all(gdf.geometry.values))
    return gpd.GeoDataFrame(geometry=[geom], crs=METRIC_CRS)


def check_within_city(stadtteile: gpd.GeoDataFrame, stadtgrenze: gpd.GeoDataFrame) -> None:
    """Fail unless (almost) all Stadtteil area lies inside the city boundary."""
    city = stadtgrenze.geometry.iloc[0]
    union = shapely.union_all(stadtteile.geometry.values)
    share = union.intersection(city).area / max(union.area, 1.0)
    if share < 0.95:
        raise DataPackageError(
            "stadtteile.geojson",
            f"Nur {share:.0%} der Stadtteilflächen liegen innerhalb der Stadtgrenze.",
            "Prüfen, ob Stadtteile und Stadtgrenze dieselbe Stadt und ein korrektes "
            "Koordinatenreferenzsystem haben.",
        )


# --------------------------------------------------------------------------- statistics


def _require_columns(columns: Iterable[str], required: list[str], name: str) -> None:
    missing = [c for c in required if c not in set(columns)]
    if missing:
        raise DataPackageError(
            name,
            f"Spalte(n) fehlen: {', '.join(missing)}.",
            "Die Spalten mit genau diesen Namen ergänzen (siehe README des Datenpakets).",
        )


def _check_nr_format(nrs: pd.Series, name: str) -> None:
    bad = [str(v) for v in nrs if pd.isna(v) or not _NR_PATTERN.match(str(v))]
    if bad:
        raise DataPackageError(
            name,
            f"Ungültige Stadtteilnummer(n): {', '.join(sorted(set(bad)))[:200]}.",
            "Stadtteilnummern zweistellig als Text angeben (z. B. '06').",
        )


def parse_number_column(
    values: pd.Series,
    column: str,
    name: str,
    allow_negative: bool = False,
    allow_infinite: bool = False,
) -> pd.Series:
    """Parse a numeric column; suppressed markers become NaN, anything else must be a number.

    Parameters
    ----------
    values : pandas.Series
        Raw text values.
    column : str
        Column name (for the message).
    name : str
        File name (for the message).
    allow_negative, allow_infinite : bool
        Leave negative or infinite values to a later check (e.g.
        :func:`geo.io.plausibility.check_statistics`).

    Returns
    -------
    pandas.Series
        float64 with NaN for suppressed/missing values.

    Raises
    ------
    DataPackageError
        Naming the first rows with a value that is not a number, is infinite or negative.
    """
    text = values.astype("string").str.strip()
    missing = (text.isna() | text.isin(MISSING_MARKERS)).to_numpy(dtype=bool)
    numbers = pd.to_numeric(text.where(~missing), errors="coerce").astype("float64")
    data = numbers.to_numpy()
    bad = np.isnan(data) & ~missing
    if bad.any():
        rows = [str(i + 2) for i in np.flatnonzero(bad)[:5]]
        raise DataPackageError(
            name,
            f"Spalte {column}: keine Zahl in Zeile(n) {', '.join(rows)} "
            f"(z. B. {str(text[bad].iloc[0])[:40]!r}).",
            "Zahlen mit Dezimalpunkt schreiben; nicht veröffentlichte Werte leer lassen "
            "oder mit '.' markieren (nie 0).",
        )
    infinite = np.isinf(data)
    if infinite.any() and not allow_infinite:
        rows = [str(i + 2) for i in np.flatnonzero(infinite)[:5]]
        raise DataPackageError(
            name,
            f"Spalte {column}: unendlicher Wert in Zeile(n) {', '.join(rows)}.",
            "Eine gewöhnliche Zahl eintragen.",
        )
    negative = np.isfinite(data) & (data < 0)
    if negative.any() and not allow_negative:
        rows = [str(i + 2) for i in np.flatnonzero(negative)[:5]]
        raise DataPackageError(
            name,
            f"Spalte {column}: negative Werte in Zeile(n) {', '.join(rows)}.",
            "Negative Anzahlen sind nicht möglich; Werte korrigieren.",
        )
    return numbers


def read_statistik(path: Path) -> pd.DataFrame:
    """Read the long statistics table; suppressed values stay NaN.

    Parameters
    ----------
    path : pathlib.Path
        ``statistik_stadtteile.csv``.

    Returns
    -------
    pandas.DataFrame
        Columns ``jahr`` (int), ``stadtteil_nr`` (str), ``stadtteil`` and the numeric
        columns (float, NaN where not published).
    """
    name = path.name
    raw = read_package_csv(path)
    _require_columns(raw.columns, REQUIRED_STAT_COLUMNS, name)
    out = pd.DataFrame(index=raw.index)
    years = pd.to_numeric(raw["jahr"], errors="coerce").astype("float64").to_numpy()
    invalid = ~(np.isfinite(years) & (years >= 1900) & (years <= 2100) & (years % 1 == 0))
    if invalid.any():
        row = int(np.flatnonzero(invalid)[0])
        raise DataPackageError(
            name,
            f"Spalte jahr: keine gültige Jahreszahl in Zeile {row + 2} "
            f"({str(raw['jahr'].iloc[row])[:20]!r}).",
            "Vierstellige Jahreszahl eintragen.",
        )
    out["jahr"] = years.astype(int)
    out["stadtteil_nr"] = raw["stadtteil_nr"].str.strip()
    _check_nr_format(out["stadtteil_nr"], name)
    out["stadtteil"] = raw["stadtteil"].str.strip()
    for col in STAT_COLUMNS:
        out[col] = (
            parse_number_column(raw[col], col, name, allow_negative=True, allow_infinite=True)
            if col in raw
            else np.nan
        )
    findings = check_statistics(out)
    if findings:
        shown = "; ".join(
            f"Zeile {f.position + 2}, Spalte {f.column}: {f.message}" for f in findings[:5]
        )
        more = f" (und {len(findings) - 5} weitere)" if len(findings) > 5 else ""
        raise DataPackageError(name, f"Unplausible Werte: {shown}{more}", findings[0].fix)
    dup = out.duplicated(["jahr", "stadtteil_nr"])
    if dup.any():
        first = out[dup].iloc[0]
        raise DataPackageError(
            name,
            f"Doppelte Zeile für Jahr {first['jahr']} und Stadtteil {first['stadtteil_nr']} "
            f"(Zeile {int(np.flatnonzero(dup.to_numpy())[0]) + 2}).",
            "Je Jahr und Stadtteil genau eine Zeile angeben.",
        )
    return out.sort_values(["jahr", "stadtteil_nr"]).reset_index(drop=True)


def derive_zero_residents(statistik: pd.DataFrame, notes: list[str] | None = None) -> pd.DataFrame:
    """Set ``einwohner`` to 0 where it is empty but residents incl. secondary residence are 0.

    Main-residence residents cannot exceed residents including secondary residences, so a
    published 0 there proves the empty cell is 0 (uninhabited Stadtteile), not suppressed.
    Nothing else is filled in.

    Parameters
    ----------
    statistik : pandas.DataFrame
        Output of :func:`read_statistik`.
    notes : list of str, optional
        Receives a note naming the Stadtteile concerned.

    Returns
    -------
    pandas.DataFrame
        A copy with the derived zeros.
    """
    out = statistik.copy()
    derive = out["einwohner"].isna() & (out["einwohner_wohnberechtigt"] == 0)
    out.loc[derive, "einwohner"] = 0.0
    if notes is not None and derive.any():
        names = sorted(set(out.loc[derive, "stadtteil_nr"] + " " + out.loc[derive, "stadtteil"]))
        notes.append(
            f"Einwohnerzahl 0 abgeleitet (leer, aber 0 Einwohner inkl. Nebenwohnsitz): "
            f"{', '.join(names)}."
        )
    return out


def check_statistik_matches(
    statistik: pd.DataFrame, stadtteile: gpd.GeoDataFrame, name: str
) -> None:
    """Every statistics row needs a polygon and every polygon statistics (same name).

    Parameters
    ----------
    statistik : pandas.DataFrame
        Output of :func:`read_statistik`.
    stadtteile : geopandas.GeoDataFrame
        Output of :func:`read_stadtteile`.
    name : str
        File name of the statistics (for the message).

    Raises
    ------
    DataPackageError
        On unknown numbers, polygons without statistics or name mismatches.
    """
    poly = set(stadtteile.index)
    stat = set(statistik["stadtteil_nr"])
    unknown = sorted(stat - poly)
    if unknown:
        raise DataPackageError(
            name,
            f"Statistikzeilen ohne Stadtteilpolygon (unbekannte Nummern): {', '.join(unknown)}.",
            "Die Stadtteilnummern mit stadtteile.geojson abgleichen.",
        )
    latest = statistik[statistik["jahr"] == statistik["jahr"].max()]
    without = sorted(poly - set(latest["stadtteil_nr"]))
    if without:
        raise DataPackageError(
            name,
            f"Stadtteilpolygone ohne Statistik im Jahr {latest['jahr'].iloc[0]}: "
            f"{', '.join(without)}.",
            "Für jeden Stadtteil eine Zeile je Jahr ergänzen (nicht veröffentlichte Werte leer).",
        )
    names = latest.set_index("stadtteil_nr")["stadtteil"]
    differ = [
        f"{nr} ({names[nr]} ≠ {stadtteile.loc[nr, 'stadtteil']})"
        for nr in sorted(poly)
        if names[nr] != stadtteile.loc[nr, "stadtteil"]
    ]
    if differ:
        raise DataPackageError(
            name,
            f"Stadtteilnamen passen nicht zu den Nummern in stadtteile.geojson: {'; '.join(differ)}.",
            "Nummern und Namen beider Dateien angleichen.",
        )


# --------------------------------------------------------------------------- facilities


def read_einrichtungen(
    path: Path,
    stadtteile: gpd.GeoDataFrame,
    stadtgrenze: gpd.GeoDataFrame,
    notes: list[str] | None = None,
) -> gpd.GeoDataFrame:
    """Read facilities, check them by the facility rules and assign each to its Stadtteil.

    Parameters
    ----------
    path : pathlib.Path
        ``einrichtungen.csv`` (WGS84 ``lat``/``lon``; empty for unknown positions).
    stadtteile, stadtgrenze : geopandas.GeoDataFrame
        Validated polygons in EPSG:25832.
    notes : list of str, optional
        Receives German notes (facilities without position, reassigned Stadtteile).

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:25832; ``geometry`` None where no position is known; numeric
        ``lage_genauigkeit_m``; ``stadtteil_nr`` from the polygon containing the point
        (for rows without a position: the official Stadtteil named by the source, if any).

    Raises
    ------
    DataPackageError
        Naming every problem :func:`geo.facilities.facility_problems` finds (up to five).
    """
    name = path.name
    df = _facility_text(read_package_csv(path), name)
    lat = _coordinate(df["lat"], "lat", name)
    lon = _coordinate(df["lon"], "lon", name)
    df["lage_genauigkeit_m"] = parse_number_column(
        df["lage_genauigkeit_m"], "lage_genauigkeit_m", name
    )
    checked = df.assign(lat=lat, lon=lon)
    raise_problems(
        facility_problems(checked, stadtgrenze.geometry.iloc[0]),
        lambda problem: _where_in_file(problem, df["id"]),
        lambda problem, fix: DataPackageError(name, problem, fix),
    )
    gdf = gpd.GeoDataFrame(
        df.drop(columns=["lat", "lon"]), geometry=points_of(lat, lon), crs=METRIC_CRS
    )
    gdf["lat"] = lat
    gdf["lon"] = lon
    _assign_facility_stadtteile(gdf, stadtteile, notes)
    return gdf


def _facility_text(raw: pd.DataFrame, name: str) -> pd.DataFrame:
    """The facility columns the app uses, as stripped text."""
    _require_columns(raw.columns, REQUIRED_FACILITY_COLUMNS, name)
    df = raw[
        REQUIRED_FACILITY_COLUMNS + [c for c in OPTIONAL_FACILITY_COLUMNS if c in raw.columns]
    ].copy()
    for col in df.columns:
        df[col] = df[col].str.strip()
    return df


def _where_in_file(problem: FacilityProblem, ids: pd.Series) -> str:
    """``Zeile 3 (id OT-1), Spalte lat`` for a problem of the package's facility table."""
    parts = []
    if problem.row is not None:
        row = int(problem.row)
        parts.append(f"Zeile {row + 2}" + (f" (id {ids[row]})" if ids[row] else ""))
    if problem.field:
        parts.append(f"Spalte {problem.field}")
    return ", ".join(parts)


def _assign_facility_stadtteile(
    gdf: gpd.GeoDataFrame, stadtteile: gpd.GeoDataFrame, notes: list[str] | None
) -> None:
    """``stadtteil_nr`` by polygon, or by the source's Stadtteil name without a position."""
    gdf["stadtteil_nr"] = assign_stadtteil(gdf.geometry, stadtteile, tolerance=CITY_TOLERANCE_M)
    by_name = {n: nr for nr, n in stadtteile["stadtteil"].items()}
    no_pos = gdf["lat"].isna().to_numpy()
    gdf.loc[no_pos, "stadtteil_nr"] = gdf.loc[no_pos, "stadtteil"].map(by_name)
    if notes is not None and no_pos.any():
        notes.append(
            f"{int(no_pos.sum())} Einrichtung(en) ohne bekannte Lage "
            f"({', '.join(gdf['id'][no_pos])}); sie werden aufgelistet, aber nicht in "
            "Entfernungsrechnungen berücksichtigt."
        )


def _coordinate(values: pd.Series, column: str, name: str) -> pd.Series:
    """A coordinate column as numbers (decimal comma allowed; its range is a facility rule)."""
    return parse_number_column(values.str.replace(",", ".", regex=False), column, name)


# --------------------------------------------------------------------------- Zensus grid


def read_zensus(
    path: Path, stadtteile: gpd.GeoDataFrame, notes: list[str] | None = None
) -> gpd.GeoDataFrame:
    """Read the populated 100 m Zensus cells as centre points and assign Stadtteile.

    Parameters
    ----------
    path : pathlib.Path
        ``zensus2022_bevoelkerung_100m.geojson`` (EPSG:3035).
    stadtteile : geopandas.GeoDataFrame
        Validated polygons in EPSG:25832.
    notes : list of str, optional
        Receives a note for cells snapped to the nearest Stadtteil.

    Returns
    -------
    geopandas.GeoDataFrame
        Centre points in EPSG:25832 with ``grid_id``, ``einwohner``, ``stadtteil_nr``
        and the EPSG:3035 bounds ``xmin``, ``ymin``, ``xmax``, ``ymax``.
    """
    name = path.name
    gdf = _read_layer(path)
    _require_columns(gdf.columns, REQUIRED_ZENSUS_COLUMNS, name)
    if CRS.from_user_input(gdf.crs) != CRS.from_user_input(ZENSUS_CRS):
        raise DataPackageError(
            name,
            f"Das Zensus-Gitter muss in {ZENSUS_CRS} vorliegen, die Datei hat {gdf.crs}.",
            "Das Originalgitter des Zensus 2022 (ETRS89-LAEA) verwenden.",
        )
    if gdf["grid_id"].duplicated().any():
        dup = gdf.loc[gdf["grid_id"].duplicated(), "grid_id"].iloc[0]
        raise DataPackageError(
            name, f"Gitterzelle {dup} kommt mehrfach vor.", "Duplikate entfernen."
        )
    pop = parse_number_column(gdf["einwohner"].astype("string"), "einwohner", name)
    if pop.isna().any():
        raise DataPackageError(
            name,
            "Gitterzellen ohne Einwohnerzahl.",
            "Nur bewohnte Zellen mit Einwohnerzahl liefern.",
        )
    bounds = _cell_bounds(gdf, name)
    centres = gpd.GeoSeries.from_xy(
        (bounds["xmin"] + bounds["xmax"]) / 2, (bounds["ymin"] + bounds["ymax"]) / 2, crs=ZENSUS_CRS
    ).to_crs(METRIC_CRS)
    out = gpd.GeoDataFrame(
        {
            "grid_id": gdf["grid_id"].astype("string"),
            "einwohner": pop,
            **{c: bounds[c] for c in bounds},
        },
        geometry=centres,
        crs=METRIC_CRS,
    )
    out["stadtteil_nr"] = _cell_stadtteile(out, stadtteile, name, notes)
    return out.reset_index(drop=True)


def _cell_bounds(gdf: gpd.GeoDataFrame, name: str) -> pd.DataFrame:
    """The EPSG:3035 bounds of the cells, which must be 100 m squares."""
    bounds = gdf[["xmin", "ymin", "xmax", "ymax"]].astype(float)
    size_x = bounds["xmax"] - bounds["xmin"]
    size_y = bounds["ymax"] - bounds["ymin"]
    if not (np.allclose(size_x, 100.0) and np.allclose(size_y, 100.0)):
        raise DataPackageError(
            name,
            "Die Zellen sind keine 100-m-Quadrate.",
            "Das 100-m-Gitter des Zensus 2022 verwenden.",
        )
    return bounds


def _cell_stadtteile(
    cells: gpd.GeoDataFrame, stadtteile: gpd.GeoDataFrame, name: str, notes: list[str] | None
) -> pd.Series:
    """The Stadtteil of each cell centre; a centre just outside goes to the nearest one.

    Such a snap is noted in ``notes``; a centre farther than
    :data:`CELL_SNAP_TOLERANCE_M` from every Stadtteil is an error.
    """
    inside = assign_stadtteil(cells.geometry, stadtteile)
    snapped = assign_stadtteil(
        cells.geometry[inside.isna()], stadtteile, tolerance=CELL_SNAP_TOLERANCE_M
    )
    lost = snapped[snapped.isna()]
    if len(lost):
        raise DataPackageError(
            name,
            f"{len(lost)} Gitterzelle(n) liegen außerhalb aller Stadtteile "
            f"(z. B. {cells.loc[lost.index[0], 'grid_id']}).",
            "Das Gitter auf das Stadtgebiet zuschneiden.",
        )
    inside[snapped.index] = snapped
    if notes is not None:
        for idx, nr in snapped.items():
            notes.append(
                f"Zensus-Zelle {cells.loc[idx, 'grid_id']} ({cells.loc[idx, 'einwohner']:.0f} Einw.) "
                f"liegt mit ihrem Mittelpunkt knapp außerhalb aller Stadtteilpolygone und wurde "
                f"dem nächstgelegenen Stadtteil {nr} {stadtteile.loc[nr, 'stadtteil']} zugeordnet."
            )
    return inside
