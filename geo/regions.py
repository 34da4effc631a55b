"""Larger areas made of Stadtteile (e.g. Versorgungsgebiete, Sozialregionen)."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from geo.analysis.access_adapter import AccessResult
from geo.analysis.access_kernel import WalkParams
from geo.analysis.coverage_kernel import coverage_by_area


def region_polygons(stadtteile: gpd.GeoDataFrame, mapping: pd.DataFrame) -> gpd.GeoDataFrame:
    """Region polygons dissolved from their Stadtteile.

    Parameters
    ----------
    stadtteile : geopandas.GeoDataFrame
        Polygons indexed by ``stadtteil_nr``.
    mapping : pandas.DataFrame
        ``stadtteil_nr`` → ``region``.

    Returns
    -------
    geopandas.GeoDataFrame
        Index = region name; column ``stadtteil`` holds the name too (so every map builder
        can label it) and ``stadtteile`` the member numbers.
    """
    joined = stadtteile.join(mapping.set_index("stadtteil_nr")["region"], how="inner")
    dissolved = joined.dissolve(by="region", aggfunc={"stadtteil": lambda s: ", ".join(s)})
    dissolved = dissolved.rename(columns={"stadtteil": "stadtteile"})
    dissolved["stadtteil"] = dissolved.index
    dissolved.index.name = "region"
    return dissolved[["stadtteil", "stadtteile", "geometry"]]


def region_coverage(result: AccessResult, mapping: pd.DataFrame) -> pd.DataFrame:
    """Coverage figures per region from a Stadtteil accessibility result.

    Parameters
    ----------
    result : AccessResult
        Accessibility per cell and Stadtteil.
    mapping : pandas.DataFrame
        ``stadtteil_nr`` → ``region``.

    Returns
    -------
    pandas.DataFrame
        Coverage columns per region (index = region name, column ``stadtteil`` = name).
    """
    groups = mapping.set_index("stadtteil_nr")["region"]
    cells = result.cells.assign(region=result.cells["stadtteil_nr"].map(groups))
    cells = cells[cells["region"].notna()]
    official = result.coverage["zielgruppe"].groupby(groups).sum(min_count=1)
    sites = result.coverage["einrichtungen"].groupby(groups).sum()
    params: WalkParams = result.params
    out = coverage_by_area(cells, params, official, sites, area_column="region")
    out.insert(0, "stadtteil", out.index)
    return out
