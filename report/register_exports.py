"""Exports of the effective facility list.

German Excel CSV, XLSX, GeoPackage with a QGIS style, and a CSV in the columns of the
package's ``einrichtungen.csv`` (so the city can take the list back).
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geo.facilities import CATEGORIES, IN_BETRIEB, LAGE_METHODE, OEFFENTLICH, PACKAGE_COLUMNS
from register.changes import Change
from register.effective import last_changed
from report.exports import defuse_formulas, excel_csv, facility_categories, geopackage, xlsx
from report.qgis_styles import categorized, categorized_qml, write_layer_styles

#: Layer name in the GeoPackage.
LAYER = "einrichtungen"


def package_table(
    facilities: gpd.GeoDataFrame, stadtteile: gpd.GeoDataFrame, raw: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The list in the package's ``einrichtungen.csv`` columns (plus ``oeffnungstage`` if set).

    Parameters
    ----------
    facilities : geopandas.GeoDataFrame
        The effective list.
    stadtteile : geopandas.GeoDataFrame
        Stadtteil polygons (for ``stadtteil_polygon``).
    raw : pandas.DataFrame, optional
        The package's ``einrichtungen.csv`` as text (:func:`raw_facilities`): fills the
        columns the app does not load (e.g. ``koordinaten_quelle``) by id.

    Returns
    -------
    pandas.DataFrame
        Text columns as in the package; positions as ``lat``/``lon`` with six decimals.
    """
    out = pd.DataFrame(index=facilities.index)
    extra = raw.set_index("id") if raw is not None and "id" in raw else pd.DataFrame()
    for column in PACKAGE_COLUMNS:
        if column in facilities:
            out[column] = facilities[column]
        elif column in extra:
            out[column] = facilities["id"].map(extra[column])
        else:
            out[column] = ""
    out["stadtteil_polygon"] = facilities["stadtteil_nr"].map(stadtteile["stadtteil"])
    located = facilities.geometry.notna() & ~facilities.geometry.is_empty
    out.loc[~located, "stadtteil_polygon"] = ""
    for column in ("lat", "lon"):
        out[column] = [f"{v:.6f}" if pd.notna(v) else "" for v in facilities[column]]
    radius = pd.to_numeric(facilities["lage_genauigkeit_m"], errors="coerce")
    out["lage_genauigkeit_m"] = [f"{v:g}" if pd.notna(v) else "" for v in radius]
    if "oeffnungstage" in facilities and facilities["oeffnungstage"].fillna("").ne("").any():
        out["oeffnungstage"] = facilities["oeffnungstage"]
    return out.fillna("").reset_index(drop=True)


def raw_facilities(root: Path) -> pd.DataFrame | None:
    """The package's ``einrichtungen.csv`` as text (None if it cannot be read)."""
    try:
        return pd.read_csv(
            Path(root) / "einrichtungen.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig"
        )
    except (OSError, ValueError):
        return None


def package_csv(
    facilities: gpd.GeoDataFrame, stadtteile: gpd.GeoDataFrame, raw: pd.DataFrame | None = None
) -> bytes:
    """``einrichtungen.csv`` as in the package (UTF-8, comma, dot decimal)."""
    table = defuse_formulas(package_table(facilities, stadtteile, raw))
    return table.to_csv(index=False, lineterminator="\n").encode("utf-8")


def german_table(
    facilities: gpd.GeoDataFrame, stadtteile: gpd.GeoDataFrame, changes: Sequence[Change] = ()
) -> pd.DataFrame:
    """The list for people: German headers and labels, ``Lage ± m``, last change."""
    last = last_changed(changes)
    return pd.DataFrame(
        {
            "id": facilities["id"],
            "Name": facilities["name"],
            "Art": facilities["typ"],
            "Kategorie": facilities["kategorie"].map(CATEGORIES),
            "Träger": facilities["traeger"],
            "Adresse": facilities["strasse_hausnr"],
            "Stadtteil": facilities["stadtteil_nr"].map(stadtteile["stadtteil"]),
            "Zugang": facilities["oeffentlich"].map(OEFFENTLICH),
            "Betrieb": facilities["in_betrieb"].map(IN_BETRIEB),
            "Öffnungstage": facilities.get("oeffnungstage", pd.Series("", index=facilities.index)),
            "Breitengrad": facilities["lat"],
            "Längengrad": facilities["lon"],
            "Lage ± m": pd.to_numeric(facilities["lage_genauigkeit_m"], errors="coerce"),
            "Lage ermittelt über": facilities["lage_methode"].map(LAGE_METHODE),
            "Stand": facilities.get("stand"),
            "Quelle": facilities.get("quelle_url"),
            "Zuletzt geändert": [last.get(i, "Datenpaket") for i in facilities["id"]],
        }
    ).reset_index(drop=True)


def csv_for_excel(facilities, stadtteile, changes: Sequence[Change] = ()) -> bytes:
    """German Excel CSV (``;``, decimal comma, UTF-8 with BOM)."""
    return excel_csv(german_table(facilities, stadtteile, changes))


def xlsx_table(
    facilities, stadtteile, changes: Sequence[Change] = (), raw: pd.DataFrame | None = None
) -> bytes:
    """XLSX with the German table and the package columns."""
    return xlsx(
        {
            "Einrichtungen": german_table(facilities, stadtteile, changes),
            "einrichtungen.csv": package_table(facilities, stadtteile, raw),
        }
    )


def qgis_style() -> str:
    """QML of the layer: points coloured by ``kategorie`` (the app's colour-blind-safe colours)."""
    return categorized_qml("kategorie", facility_categories(), "marker", label_field="name")


def geopackage_with_style(facilities: gpd.GeoDataFrame, changes: Sequence[Change] = ()) -> bytes:
    """GeoPackage (EPSG:25832) with the list and its QGIS default style (``layer_styles``).

    QGIS keeps a layer's default style in the table ``layer_styles`` of the GeoPackage and
    applies it when the layer is opened.
    """
    layer = facilities.copy()
    last = last_changed(changes)
    layer["zuletzt_geaendert"] = [last.get(i, "Datenpaket") for i in layer["id"]]
    data = geopackage({LAYER: layer.reset_index(drop=True)})
    style = categorized(
        LAYER,
        "kategorie",
        facility_categories(),
        "marker",
        "Einrichtungen nach Kategorie (Begegnungsatlas)",
        label_field="name",
    )
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "einrichtungen.gpkg"
        path.write_bytes(data)
        write_layer_styles(path, [style])
        return path.read_bytes()


def history_table(changes: Sequence[Change]) -> pd.DataFrame:
    """Changes as a table (CLI ``history``, page): German time, who, what, why, source."""
    from register.effective import undone_by

    cancelled = undone_by(changes)
    return pd.DataFrame(
        {
            "nr": [c.id for c in changes],
            "einrichtung": [c.facility_id for c in changes],
            "version": [c.version for c in changes],
            "art": [c.kind for c in changes],
            "zeit": [c.when for c in changes],
            "zeit_utc": [c.created.isoformat(timespec="seconds") for c in changes],
            "autor": [c.author for c in changes],
            "aenderung": [c.summary() for c in changes],
            "grund": [c.reason for c in changes],
            "quelle": [c.source for c in changes],
            "rueckgaengig_durch": pd.array([cancelled.get(c.id) for c in changes], dtype="Int64"),
        }
    )
