"""Which Stadtteil a point lies in."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.crs import WGS84


def assign_stadtteil(
    points: gpd.GeoSeries, stadtteile: gpd.GeoDataFrame, tolerance: float = 0.0
) -> pd.Series:
    """Number of the Stadtteil containing each point.

    Points on no polygon but within ``tolerance`` metres of one get the nearest.

    Parameters
    ----------
    points : geopandas.GeoSeries
        Points (None allowed) in the CRS of ``stadtteile``.
    stadtteile : geopandas.GeoDataFrame
        Polygons indexed by ``stadtteil_nr``.
    tolerance : float
        Snap distance in metres.

    Returns
    -------
    pandas.Series
        ``stadtteil_nr`` per point (``<NA>`` where none applies), same index as ``points``.
    """
    result = pd.Series(pd.NA, index=points.index, dtype="string")
    valid = points.notna() & ~points.is_empty
    if not valid.any():
        return result
    polys = gpd.GeoDataFrame(
        {"nr": stadtteile.index.to_numpy()}, geometry=stadtteile.geometry.values, crs=stadtteile.crs
    )
    # The first polygon (in table order) that contains each point – an R-tree query instead
    # of a spatial join: a map click is assigned in well under a millisecond.
    geoms = np.asarray(points[valid].values)
    point_idx, poly_idx = shapely.STRtree(np.asarray(polys.geometry.values)).query(
        geoms, predicate="within"
    )
    if len(point_idx):
        order = np.lexsort((poly_idx, point_idx))
        point_idx, poly_idx = point_idx[order], poly_idx[order]
        first = np.r_[True, point_idx[1:] != point_idx[:-1]]
        numbers = polys["nr"].to_numpy()[poly_idx[first]]
        result.iloc[np.flatnonzero(valid.to_numpy())[point_idx[first]]] = numbers
    rest = result.index[valid & result.isna()]
    if len(rest) and tolerance > 0:
        near = gpd.sjoin_nearest(
            gpd.GeoDataFrame(geometry=points[rest]), polys, how="left", max_distance=tolerance
        )
        near = near[~near.index.duplicated()]
        result[near.index] = near["nr"].astype("string")
    return result


def stadtteil_at(stadtteile: gpd.GeoDataFrame, lon: float, lat: float) -> str | None:
    """Number of the Stadtteil at a WGS84 position (e.g. a map click).

    Parameters
    ----------
    stadtteile : geopandas.GeoDataFrame
        Polygons indexed by ``stadtteil_nr`` (any CRS).
    lon, lat : float
        Position in degrees.

    Returns
    -------
    str or None
        None outside all Stadtteile.
    """
    point = gpd.GeoSeries([shapely.Point(lon, lat)], crs=WGS84).to_crs(stadtteile.crs)
    nr = assign_stadtteil(point, stadtteile).iloc[0]
    return None if pd.isna(nr) else str(nr)


def population_centres(
    cells_xy: np.ndarray, people: np.ndarray, areas: np.ndarray, metric=None
) -> dict[str, np.ndarray]:
    """The population-weighted centre of each area's populated cells.

    The centre is the populated cell from which the area's residents have the shortest
    total walk (the people-weighted medoid). Unlike the polygon's representative point or
    the area centroid it always lies where people live – also in a village of two
    settlements, where the weighted mean would fall in the fields between them.

    Parameters
    ----------
    cells_xy : numpy.ndarray
        ``(n, 2)`` cell centres (EPSG:25832).
    people : numpy.ndarray
        ``(n,)`` residents per cell (NaN counts as 0).
    areas : numpy.ndarray
        ``(n,)`` area (``stadtteil_nr``) of each cell; None/NA cells are left out.
    metric : geo.analysis.metric.WalkMetric, optional
        Walking metric (the Elbe only via bridges); default the straight line.

    Returns
    -------
    dict
        Area -> ``(2,)`` centre; areas without residents are left out.
    """
    xy = np.asarray(cells_xy, dtype=float).reshape(-1, 2)
    weight = np.nan_to_num(np.asarray(people, dtype=float), nan=0.0)
    labels = pd.Series(areas, dtype="string")
    out: dict[str, np.ndarray] = {}
    for area in labels.dropna().unique():
        own = (labels == area).fillna(False).to_numpy() & (weight > 0)
        if not own.any():
            continue
        pts, w = xy[own], weight[own]
        if metric is None:
            dist = np.hypot(pts[:, None, 0] - pts[None, :, 0], pts[:, None, 1] - pts[None, :, 1])
        else:
            dist = metric.pairwise(pts, pts)
        out[str(area)] = pts[int(np.argmin(dist @ w))]
    return out
