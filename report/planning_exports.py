"""Downloads of a stored region set: CSV, XLSX and GeoPackage with dissolved polygons."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from geo.regions import region_polygons
from report.exports import excel_csv, geopackage, xlsx

#: File formats of a region set export.
FORMATS = ("csv", "xlsx", "gpkg")


def membership(stadtteile: gpd.GeoDataFrame, mapping: pd.DataFrame) -> pd.DataFrame:
    """The assignment as a table: ``stadtteil_nr``, ``stadtteil``, ``region``."""
    out = mapping.copy()
    out.insert(1, "stadtteil", out["stadtteil_nr"].map(stadtteile["stadtteil"]))
    return out


def region_layer(stadtteile: gpd.GeoDataFrame, mapping: pd.DataFrame) -> gpd.GeoDataFrame:
    """One polygon per region (dissolved from its Stadtteile) with member count and names."""
    polygons = region_polygons(stadtteile, mapping)
    counts = mapping.groupby("region").size()
    layer = gpd.GeoDataFrame(
        {
            "region": polygons.index,
            "anzahl_stadtteile": counts.reindex(polygons.index).to_numpy(),
            "stadtteile": polygons["stadtteile"].to_numpy(),
        },
        geometry=polygons.geometry.to_numpy(),
        crs=polygons.crs,
    )
    order = list(dict.fromkeys(mapping["region"]))
    return layer.set_index("region", drop=False).loc[order].reset_index(drop=True)


def region_set_file(stadtteile: gpd.GeoDataFrame, mapping: pd.DataFrame, fmt: str) -> bytes:
    """The region set as a file.

    Parameters
    ----------
    stadtteile : geopandas.GeoDataFrame
        Stadtteil polygons indexed by ``stadtteil_nr``.
    mapping : pandas.DataFrame
        ``stadtteil_nr`` → ``region``.
    fmt : {"csv", "xlsx", "gpkg"}
        CSV for German Excel (the assignment, re-importable), XLSX (assignment and regions),
        GeoPackage (layer ``regionen`` with dissolved polygons in EPSG:25832 and the table
        ``zuordnung``).

    Returns
    -------
    bytes
    """
    table = membership(stadtteile, mapping)
    if fmt == "csv":
        return excel_csv(table)
    layer = region_layer(stadtteile, mapping)
    if fmt == "xlsx":
        return xlsx({"Zuordnung": table, "Regionen": layer})
    if fmt == "gpkg":
        return geopackage({"regionen": layer, "zuordnung": table})
    raise ValueError(f"Format {fmt!r} ist nicht möglich; erlaubt: {', '.join(FORMATS)}.")
