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


# ETRS89 / UTM zone 32N (EPSG:25832) on GRS80, forward by Krüger's series (as PROJ's tmerc):
# plain numpy, so a map click needs no PROJ transformer (PROJ sets one up per thread, and
# Streamlit runs every rerun in a new thread – milliseconds on each click).
_A, _F = 6_378_137.0, 1 / 298.257222101
_N = _F / (2 - _F)
_RECTIFYING = _A / (1 + _N) * (1 + _N**2 / 4 + _N**4 / 64 + _N**6 / 256)
_ALPHA = np.array(
    [
        _N / 2 - 2 * _N**2 / 3 + 5 * _N**3 / 16 + 41 * _N**4 / 180 - 127 * _N**5 / 288
        + 7891 * _N**6 / 37800,
        13 * _N**2 / 48 - 3 * _N**3 / 5 + 557 * _N**4 / 1440 + 281 * _N**5 / 630
        - 1983433 * _N**6 / 1935360,
        61 * _N**3 / 240 - 103 * _N**4 / 140 + 15061 * _N**5 / 26880 + 167603 * _N**6 / 181440,
        49561 * _N**4 / 161280 - 179 * _N**5 / 168 + 6601661 * _N**6 / 7257600,
        34729 * _N**5 / 80640 - 3418889 * _N**6 / 1995840,
        212378941 * _N**6 / 319334400,
    ]
)  # fmt: skip
_UTM32 = {"lon0": 9.0, "k0": 0.9996, "false_easting": 500_000.0}


def lonlat_to_metric(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """``(n, 2)`` EPSG:25832 coordinates of WGS84 positions (no GeoDataFrame, no PROJ).

    Parameters
    ----------
    lon, lat : numpy.ndarray
        Degrees (scalars are accepted).

    Returns
    -------
    numpy.ndarray
        ``(n, 2)`` metres; the numbers of ``GeoSeries.to_crs(METRIC_CRS)`` to well below a
        millimetre (tested).
    """
    lam = np.radians(np.atleast_1d(np.asarray(lon, dtype=float)) - _UTM32["lon0"])
    phi = np.radians(np.atleast_1d(np.asarray(lat, dtype=float)))
    e = 2 * np.sqrt(_N) / (1 + _N)
    t = np.sinh(np.arctanh(np.sin(phi)) - e * np.arctanh(e * np.sin(phi)))
    xi0 = np.arctan2(t, np.cos(lam))
    eta0 = np.arctanh(np.sin(lam) / np.sqrt(1 + t * t))
    j = np.arange(1, 7)[:, None]
    xi = xi0 + (_ALPHA[:, None] * np.sin(2 * j * xi0) * np.cosh(2 * j * eta0)).sum(axis=0)
    eta = eta0 + (_ALPHA[:, None] * np.cos(2 * j * xi0) * np.sinh(2 * j * eta0)).sum(axis=0)
    scale = _UTM32["k0"] * _RECTIFYING
    return np.column_stack([_UTM32["false_easting"] + scale * eta, scale * xi])
