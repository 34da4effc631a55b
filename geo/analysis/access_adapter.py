"""Accessibility analysis on the data package (adapter over :mod:`geo.analysis.access_kernel`/:mod:`geo.analysis.coverage_kernel`).

Builds the arrays the core functions need from GeoDataFrames and returns tables that the
pages, the CLI and the report share. A scenario passes its own ``sites`` (an overlay of the
base facilities); the package itself is never modified.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.analysis.access_kernel import WalkParams
from geo.analysis.coverage_kernel import add_exact_sites, cell_access, coverage_by_area
from geo.analysis.demand import TargetGroup, demand_grid, unplaced, unpublished_ceiling
from geo.analysis.position_bounds import PositionOptions, area_spots, joint_bounds, position_options
from geo.crs import xy
from geo.facilities import count_by_stadtteil, located, select_meeting_places
from geo.io.package import DataPackage

CITY_ID = "gesamt"
#: Cell columns :func:`geo.analysis.coverage_kernel.coverage_by_area` reads.
_AGGREGATED = ("nachfrage", "versorgt", "gehweg_m", "gehweg_min_m", "gehweg_max_m", "e2sfca")


@dataclass(frozen=True)
class SiteSelection:
    """Which facilities count as meeting places for the analysis.

    Attributes
    ----------
    categories : tuple of str
        Facility categories.
    include_restricted : bool
        Also count places mainly for residents of one building.
    include_unclear : bool
        Count places whose operation is not confirmed.
    """

    categories: tuple[str, ...] = ("senioren_begegnung",)
    include_restricted: bool = False
    include_unclear: bool = True

    def select(self, einrichtungen: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
        """The counted facilities (with and without position)."""
        return select_meeting_places(
            einrichtungen,
            self.categories,
            include_restricted=self.include_restricted,
            include_unclear=self.include_unclear,
        )


@dataclass(frozen=True)
class AccessResult:
    """Result of :func:`analyse`.

    Attributes
    ----------
    cells : geopandas.GeoDataFrame
        Grid cells with ``nachfrage`` and the access columns of
        :func:`geo.analysis.coverage_kernel.cell_access`.
    coverage : pandas.DataFrame
        Per Stadtteil (index ``stadtteil_nr``): ``stadtteil`` and the coverage columns.
    city : pandas.Series
        The same figures for the whole city.
    sites : geopandas.GeoDataFrame
        The located sites used (row order = ``naechste`` index of the cells).
    unlocated : geopandas.GeoDataFrame
        Counted sites without position (not in distances).
    unplaced : pandas.Series
        Official counts of Stadtteile without populated cells.
    params : WalkParams
        Assumptions.
    target : TargetGroup
        Target group.
    year : int
        Year of the statistics.
    notes : tuple of str
        German notes on the analysis (cells that cannot be placed, unpublished counts,
        counted places without position).
    positions : PositionOptions, optional
        Where each counted place may lie and what each spot covers (the ranges
        ``versorgt_min``/``versorgt_max`` come from it, :mod:`geo.analysis.position_bounds`).
    """

    cells: gpd.GeoDataFrame
    coverage: pd.DataFrame
    city: pd.Series
    sites: gpd.GeoDataFrame
    unlocated: gpd.GeoDataFrame
    unplaced: pd.Series
    params: WalkParams
    target: TargetGroup
    year: int
    notes: tuple[str, ...] = field(default_factory=tuple)
    positions: PositionOptions | None = field(default=None, repr=False)


def site_arrays(sites: gpd.GeoDataFrame) -> tuple[np.ndarray, np.ndarray]:
    """``(m, 2)`` coordinates and ``(m,)`` uncertainty radii of located sites.

    Parameters
    ----------
    sites : geopandas.GeoDataFrame
        Located sites in EPSG:25832 with ``lage_genauigkeit_m`` (missing -> 0).

    Returns
    -------
    tuple of numpy.ndarray
    """
    radius = pd.to_numeric(sites.get("lage_genauigkeit_m", 0.0), errors="coerce")
    return xy(sites).reshape(-1, 2), np.nan_to_num(
        np.asarray(radius, dtype=float).reshape(-1), nan=0.0
    )


def analyse_cells(
    demand: gpd.GeoDataFrame, sites: gpd.GeoDataFrame, params: WalkParams
) -> gpd.GeoDataFrame:
    """Add the access columns to a demand grid.

    Parameters
    ----------
    demand : geopandas.GeoDataFrame
        Output of :func:`geo.analysis.demand.demand_grid`.
    sites : geopandas.GeoDataFrame
        Located sites.
    params : WalkParams
        Assumptions.

    Returns
    -------
    geopandas.GeoDataFrame
        A new frame: ``demand`` plus the columns of :func:`geo.analysis.coverage_kernel.cell_access`.
    """
    sites_xy, radius = site_arrays(sites)
    access = cell_access(xy(demand), demand["nachfrage"].to_numpy(), sites_xy, radius, params)
    out = demand.copy()
    for column in access.columns:
        out[column] = access[column].to_numpy()
    return out


def analyse(
    package: DataPackage,
    year: int,
    target: TargetGroup,
    params: WalkParams,
    selection: SiteSelection | None = None,
    sites: gpd.GeoDataFrame | None = None,
    demand: gpd.GeoDataFrame | None = None,
    base: AccessResult | None = None,
) -> AccessResult:
    """Walking access of a target group to its meeting places.

    Parameters
    ----------
    package : geo.io.package.DataPackage
        The data package.
    year : int
        Year of the official counts.
    target : TargetGroup
        Whose demand.
    params : WalkParams
        Threshold, detour, pace, catchment.
    selection : SiteSelection, optional
        Which facilities count (default: the target group's categories).
    sites : geopandas.GeoDataFrame, optional
        Counted facilities to use instead of ``selection`` (a scenario overlay).
    demand : geopandas.GeoDataFrame, optional
        Precomputed :func:`geo.analysis.demand.demand_grid` (saves time in the UI).
    base : AccessResult, optional
        The same analysis with fewer sites (the status quo). When ``sites`` are its sites
        plus new ones with exact positions appended at the end (a scenario that only adds
        places), only the new sites are measured (:func:`geo.analysis.coverage_kernel.add_exact_sites`);
        the figures are those of the full computation.

    Returns
    -------
    AccessResult
    """
    if sites is None:
        selection = selection or SiteSelection(categories=target.categories)
        sites = selection.select(package.einrichtungen)
    if demand is None:
        demand = demand_grid(package.zensus, package.statistik, year, target)
    placed_sites = located(sites).reset_index(drop=True)
    extra = _appended_sites(base, placed_sites, year, target, params, demand)
    if base is not None and extra is not None:
        return _with_added_sites(package, base, extra, sites, placed_sites, demand, params)
    cells = analyse_cells(demand, placed_sites, params)
    official = package.statistik[package.statistik["jahr"] == year].set_index("stadtteil_nr")[
        target.column
    ]
    official = official.reindex(package.stadtteile.index)
    positions = site_positions(package, sites, demand, params)
    coverage, city = _aggregate(package, cells, params, official, sites, positions, None)
    missing = unplaced(demand, package.statistik, year, target)
    unlocated = sites[sites.geometry.isna() | sites.geometry.is_empty]
    return AccessResult(
        cells=cells,
        coverage=coverage,
        city=city,
        sites=placed_sites,
        unlocated=unlocated,
        unplaced=missing,
        params=params,
        target=target,
        year=year,
        notes=_notes(package, year, target, cells, coverage, official, missing, unlocated),
        positions=positions,
    )


def _with_added_sites(
    package: DataPackage,
    base: AccessResult,
    extra: gpd.GeoDataFrame,
    sites: gpd.GeoDataFrame,
    placed_sites: gpd.GeoDataFrame,
    demand: gpd.GeoDataFrame,
    params: WalkParams,
) -> AccessResult:
    """:func:`analyse` of the status quo ``base`` plus ``extra`` exact sites, measuring only those."""
    access = add_exact_sites(
        xy(demand), demand["nachfrage"].to_numpy(), base.cells, len(base.sites), xy(extra), params
    )
    cells = base.cells.copy()
    for column in access.columns:
        cells[column] = access[column].to_numpy()
    official = base.coverage["zielgruppe"]  # the same official counts as the status quo
    positions = base.positions.with_fixed(
        [str(i) for i in extra["id"]],
        [str(n) for n in extra["name"]],
        [None] * len(extra),
        xy(extra),
        xy(demand),
        params,
    )
    coverage, city = _aggregate(package, cells, params, official, sites, positions, base)
    # Added places with exact positions change neither the people that cannot be placed
    # nor the notes (they are about the grid and the counted places without position).
    return AccessResult(
        cells=cells,
        coverage=coverage,
        city=city,
        sites=placed_sites,
        unlocated=base.unlocated,
        unplaced=base.unplaced,
        params=params,
        target=base.target,
        year=base.year,
        notes=base.notes,
        positions=positions,
    )


def _aggregate(
    package: DataPackage,
    cells: pd.DataFrame,
    params: WalkParams,
    official: pd.Series,
    sites: gpd.GeoDataFrame,
    positions: PositionOptions,
    old: AccessResult | None,
) -> tuple[pd.DataFrame, pd.Series]:
    """Coverage per Stadtteil and for the city, with the ranges from approximate positions."""
    counts = count_by_stadtteil(sites, package.stadtteile.index)
    coverage = coverage_by_area(cells, params, official, counts)
    coverage.insert(0, "stadtteil", package.stadtteile["stadtteil"])
    # Only the columns the aggregation reads (copying the geometry costs more than summing).
    city_cells = pd.DataFrame(
        {column: cells[column].to_numpy() for column in _AGGREGATED}, index=cells.index
    ).assign(stadtteil_nr=CITY_ID)
    city_official = pd.Series({CITY_ID: official.sum(min_count=1)})
    city = coverage_by_area(
        city_cells, params, city_official, pd.Series({CITY_ID: float(counts.sum())})
    ).iloc[0]
    return _joint_ranges(coverage, city, cells, positions, old)


def _notes(
    package: DataPackage,
    year: int,
    target: TargetGroup,
    cells: pd.DataFrame,
    coverage: pd.DataFrame,
    official: pd.Series,
    missing: pd.Series,
    unlocated: gpd.GeoDataFrame,
) -> tuple[str, ...]:
    """What the figures leave out: people off the grid, unpublished counts, unplaced sites."""
    notes = []
    if len(missing):
        names = package.stadtteile["stadtteil"]
        listed = ", ".join(f"{names[nr]} ({int(v)})" for nr, v in missing.items())
        notes.append(
            f"Nicht im Gitter verortbar (keine bewohnte Zensus-Zelle): {listed}. Diese "
            f"{target.noun} fehlen in den Erreichbarkeitswerten."
        )
    unpublished = coverage.index[coverage["zielgruppe"].isna()]
    in_grid = (
        cells.loc[cells["stadtteil_nr"].isin(unpublished)]
        .groupby("stadtteil_nr")["einwohner"]
        .sum()
    )
    in_grid = in_grid[in_grid > 0]
    if len(in_grid):
        names = ", ".join(package.stadtteile.at[nr, "stadtteil"] for nr in in_grid.index)
        notes.append(
            f"In {'einem Stadtteil' if len(in_grid) == 1 else f'{len(in_grid)} Stadtteilen'} "
            f"({names}) ist die Zahl der {target.noun} nicht "
            f"veröffentlicht; ihre {_thousands(in_grid.sum())} Einwohner im Gitter bleiben "
            "unberücksichtigt."
        )
    ceiling = unpublished_ceiling(package.statistik, year, target, list(unpublished))
    if len(unpublished) and ceiling:
        notes.append(
            f"Die Summe der Stadtteile ({_thousands(official.sum())} {target.noun}) enthält die "
            "Stadtteile mit nicht veröffentlichter Zahl nicht; die Zahl der ganzen Stadt liegt "
            f"um höchstens {_thousands(ceiling)} darüber."
        )
    if len(unlocated):
        notes.append(
            f"{len(unlocated)} gezählte Einrichtung(en) ohne bekannte Lage gehen nicht in die "
            f"Entfernungen ein: {', '.join(unlocated['name'].astype(str))}."
        )
    return tuple(notes)


def _thousands(value: float) -> str:
    """A whole number with German thousands separators (``60.337``) for the notes."""
    return f"{value:,.0f}".replace(",", ".")


def site_positions(
    package: DataPackage, sites: gpd.GeoDataFrame, demand: gpd.GeoDataFrame, params: WalkParams
) -> PositionOptions:
    """Where each counted place may lie (:mod:`geo.analysis.position_bounds`).

    A located place lies within its ``lage_genauigkeit_m`` of its point (and inside the
    city); a place without position somewhere in the Stadtteil its source names.
    """
    cells_xy = xy(demand)
    missing = sites.geometry.isna() | sites.geometry.is_empty
    points = np.full((len(sites), 2), np.nan)
    if (~missing).any():
        points[~missing.to_numpy()] = xy(sites[~missing])
    radius = (
        pd.to_numeric(sites["lage_genauigkeit_m"], errors="coerce").to_numpy(dtype=float)
        if "lage_genauigkeit_m" in sites
        else np.zeros(len(sites))
    )
    areas = [None if pd.isna(v) else str(v) for v in sites["stadtteil_nr"]]
    unplaced_spots = {}
    for i in np.flatnonzero(missing.to_numpy()):
        nr = areas[i]
        if nr in package.stadtteile.index:
            own = (demand["stadtteil_nr"] == nr).to_numpy()
            unplaced_spots[int(i)] = area_spots(package.stadtteile.geometry[nr], cells_xy[own])
    return position_options(
        [str(v) for v in sites["id"]],
        [str(v) for v in sites["name"]],
        areas,
        points,
        radius,
        cells_xy,
        params,
        city=package.stadtgrenze.geometry.union_all(),
        unplaced_spots=unplaced_spots,
    )


def _joint_ranges(
    coverage: pd.DataFrame,
    city: pd.Series,
    cells: pd.DataFrame,
    positions: PositionOptions,
    base: AccessResult | None,
) -> tuple[pd.DataFrame, pd.Series]:
    """``versorgt_min``/``versorgt_max`` of every Stadtteil and the city, placed jointly.

    With ``base`` (the same analysis before new exact places were appended, its places
    being the first of ``positions``) only the Stadtteile the new places reach
    are searched again; the others keep the base's ranges.
    """
    codes = coverage.index.get_indexer(cells["stadtteil_nr"].to_numpy())
    people = cells["nachfrage"].to_numpy(dtype=float)
    n = len(coverage)
    areas = None
    if base is not None and base.positions is not None:
        n_old = len(base.positions)
        reached = np.unique(
            codes[np.concatenate([positions.cells[f] for f in range(n_old, len(positions))])]
        )
        areas = [*(int(a) for a in reached if a >= 0), n]
    low, high = joint_bounds(positions, people, codes, n, areas)
    coverage = coverage.copy()
    published = coverage["zielgruppe"].notna().to_numpy()
    for column, values in (("versorgt_min", low[:n]), ("versorgt_max", high[:n])):
        if base is not None:
            values = np.where(np.isnan(values), base.coverage[column].to_numpy(), values)
        coverage[column] = np.where(published, values, np.nan)
    city = city.copy()
    if pd.notna(city["zielgruppe"]):
        city["versorgt_min"], city["versorgt_max"] = low[n], high[n]
    return coverage, city


def _appended_sites(
    base: AccessResult | None,
    sites: gpd.GeoDataFrame,
    year: int,
    target: TargetGroup,
    params: WalkParams,
    demand: gpd.GeoDataFrame,
) -> gpd.GeoDataFrame | None:
    """The sites appended to ``base.sites`` with exact positions, or None (full path).

    The incremental path applies only when everything but the appended sites is the same:
    year, target group, assumptions, the demand cells and the old sites in the same order.
    """
    if base is None or (base.year, base.target, base.params) != (year, target, params):
        return None
    old = base.sites
    if len(sites) <= len(old) or len(base.cells) != len(demand):
        return None
    head, extra = sites.iloc[: len(old)], sites.iloc[len(old) :]
    same_sites = (
        head["id"].astype(str).to_numpy() == old["id"].astype(str).to_numpy()
    ).all() and np.array_equal(xy(head), xy(old))
    exact = (
        pd.to_numeric(extra.get("lage_genauigkeit_m", 0.0), errors="coerce").fillna(0) == 0
    ).all()
    same_cells = base.cells.index.equals(demand.index) and np.array_equal(
        base.cells["nachfrage"].to_numpy(), demand["nachfrage"].to_numpy(), equal_nan=True
    )
    return extra if same_sites and exact and same_cells else None
