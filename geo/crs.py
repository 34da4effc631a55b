"""Coordinate reference systems used throughout the project."""

from __future__ import annotations

import geopandas as gpd
import numpy as np

#: All metric work (areas, distances, buffers) happens in ETRS89 / UTM zone 32N.
METRIC_CRS = "EPSG:25832"
#: Web maps and lat/lon input/output.
WGS84 = "EPSG:4326"
#: The Zensus 2022 grid is defined in ETRS89-LAEA.
ZENSUS_CRS = "EPSG:3035"


def to_metric(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return a copy of ``gdf`` in :data:`METRIC_CRS`.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        Layer with a defined CRS.

    Returns
    -------
    geopandas.GeoDataFrame
        Reprojected copy.

    Raises
    ------
    ValueError
        If ``gdf`` has no CRS.
    """
    if gdf.crs is None:
        raise ValueError(
            "Die Geodaten haben kein Koordinatenreferenzsystem (CRS). "
            "Bitte das CRS in der Datei angeben (z. B. EPSG:4326 oder EPSG:25832)."
        )
    return gdf.to_crs(METRIC_CRS)


def to_wgs84(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return a copy of ``gdf`` in WGS84 longitude/latitude (for web maps).

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        Layer with a defined CRS.

    Returns
    -------
    geopandas.GeoDataFrame
        Reprojected copy.
    """
    if gdf.crs is None:
        raise ValueError("Die Geodaten haben kein Koordinatenreferenzsystem (CRS).")
    return gdf.to_crs(WGS84)


def xy(points: gpd.GeoDataFrame | gpd.GeoSeries) -> np.ndarray:
    """``(n, 2)`` coordinates of a point layer (metres if it is in :data:`METRIC_CRS`).

    Parameters
    ----------
    points : geopandas.GeoDataFrame or geopandas.GeoSeries
        Point geometries.

    Returns
    -------
    numpy.ndarray
        Contiguous float array of x and y.
    """
    geometry = points.geometry
    return np.column_stack([geometry.x.to_numpy(), geometry.y.to_numpy()]).astype(float)
