"""Candidate sites and proposals of the optimiser for a scenario.

Everything here works on overlays: the package is read, never changed. The figures of a
scenario itself come from :func:`scenarios.evaluation.compute`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.analysis.access_adapter import AccessResult
from geo.analysis.metric import WALK_LABEL
from geo.analysis.site_names import site_names, stop_labels
from geo.analysis.siting import (
    EXACT,
    MAX_K_PMEDIAN,
    Alternative,
    SitingProblem,
    SitingResult,
    TwoYearPlan,
    alternatives,
    plan_two_years,
    pmedian,
    solve_mclp,
)
from geo.areas import assign_stadtteil, population_centres
from geo.crs import to_wgs84, xy
from geo.facilities import located
from geo.io.gtfs import read_stops
from geo.io.package import DataPackage
from register.completeness import site_warnings
from scenarios.model import NewSite

#: Facility categories whose places could host senior offers (the candidate pool).
HOST_CATEGORIES = ("generationen", "kinder_jugend", "senioren_begegnung")
CANDIDATE_KINDS = {
    "grid": "alle bewohnten 100-m-Zellen",
    "facilities": "bestehende Häuser Dritter",
    "stadtteile": "die bevölkerungsgewichtete Mitte jedes Stadtteils",
}
OBJECTIVES = {
    "abdeckung": "möglichst viele zusätzlich fußläufig versorgt (MCLP)",
    "wege": f"möglichst kurze mittlere Wege (p-Median, bis {MAX_K_PMEDIAN} Standorte)",
}


def candidate_pool(
    package: DataPackage,
    result: AccessResult,
    kind: str,
    stadtteile: list[str] | None = None,
    stops: gpd.GeoDataFrame | None = None,
) -> gpd.GeoDataFrame:
    """Candidate sites: populated grid cells, other operators' places or Stadtteil centres.

    Parameters
    ----------
    package : geo.io.package.DataPackage
        The data package.
    result : AccessResult
        The current situation (its counted places are not candidates).
    kind : {"grid", "facilities", "stadtteile"}
        Which pool (:data:`CANDIDATE_KINDS`); "stadtteile" uses
        :func:`geo.areas.population_centres` (always where people live, never in the fields
        a polygon's centre may fall in).
    stadtteile : list of str, optional
        Only candidates in these Stadtteile.
    stops : geopandas.GeoDataFrame, optional
        Stops of the timetable (``name``, EPSG:25832): grid cells are named after the
        nearest one ("<Stadtteil>, bei Haltestelle <Name>"). Default: read from the package's
        timetable, if it has one.

    Returns
    -------
    geopandas.GeoDataFrame
        ``ref``, ``name``, ``stadtteil_nr``, ``stadtteil`` and point geometry (EPSG:25832).
        Grid cells whose centre lies outside every Stadtteil are left out (a site there
        could not be placed).
    """
    builders = {"stadtteile": _centre_pool, "grid": _grid_pool, "facilities": _facility_pool}
    if kind not in builders:
        raise ValueError(
            f"Unbekannte Kandidatenart {kind!r}. Erlaubt: {', '.join(CANDIDATE_KINDS)}."
        )
    pool = builders[kind](package, result)
    if stadtteile:
        pool = pool[pool["stadtteil_nr"].isin(stadtteile)]
    pool = pool.drop_duplicates(subset="ref").reset_index(drop=True)
    pool["stadtteil"] = pool["stadtteil_nr"].map(package.stadtteile["stadtteil"])
    if kind in ("grid", "stadtteile"):  # e.g. "Neustädter Feld, bei Haltestelle Milchweg"
        if stops is None:
            stops = package_stops(package)
        pool["name"] = site_names(
            xy(pool),
            [None if pd.isna(v) else str(v) for v in pool["stadtteil"]],
            *_stop_arrays(stops),
            distinct=False,
        )
    return pool


def _centre_pool(package: DataPackage, result: AccessResult) -> gpd.GeoDataFrame:
    """The population-weighted centre of every populated Stadtteil."""
    cells = result.cells
    centres = population_centres(
        xy(cells), cells["einwohner"].to_numpy(), cells["stadtteil_nr"].to_numpy(),
        result.params.metric,
    )  # fmt: skip
    numbers = [nr for nr in package.stadtteile.index if nr in centres]
    points = np.array([centres[nr] for nr in numbers]).reshape(-1, 2)
    return gpd.GeoDataFrame(
        {"ref": [f"mitte-{nr}" for nr in numbers], "name": "", "stadtteil_nr": numbers},
        geometry=gpd.points_from_xy(points[:, 0], points[:, 1]),
        crs=cells.crs,
    )


def _grid_pool(package: DataPackage, result: AccessResult) -> gpd.GeoDataFrame:
    """Populated grid cells whose centre lies in a Stadtteil (named later by the stops)."""
    cells = result.cells
    pool = gpd.GeoDataFrame(
        {
            "ref": cells["grid_id"].astype(str),
            "name": "",  # named after the Stadtteil and the nearest stop
            "stadtteil_nr": cells["stadtteil_nr"],
        },
        geometry=cells.geometry.values,
        crs=cells.crs,
    )
    inside = assign_stadtteil(pool.geometry, package.stadtteile).notna().to_numpy()
    return pool[(cells["einwohner"].to_numpy() > 0) & inside]


def _facility_pool(package: DataPackage, result: AccessResult) -> gpd.GeoDataFrame:
    """Located, running places of other operators that are not counted yet."""
    places = located(package.einrichtungen)
    places = places[
        places["kategorie"].isin(HOST_CATEGORIES)
        & (places["in_betrieb"] != "nein")
        & ~places["id"].isin(result.sites.get("id", pd.Series(dtype=str)))
    ]
    return gpd.GeoDataFrame(
        {
            "ref": places["id"].astype(str),
            "name": places["name"].astype(str),
            "stadtteil_nr": assign_stadtteil(places.geometry, package.stadtteile),
            # WGS84 as published (for maps and lists without a reprojection)
            **{c: places[c].astype(float) for c in ("lon", "lat") if c in places},
        },
        geometry=places.geometry.values,
        crs=places.crs,
    )


def package_stops(package: DataPackage) -> gpd.GeoDataFrame | None:
    """The stops of the package's timetable (names and positions), or None without one."""
    path = package.gtfs_path
    return None if path is None else read_stops(path, package.stadtgrenze)


def _stop_arrays(stops: gpd.GeoDataFrame | None) -> tuple:
    if stops is None or not len(stops):
        return None, ()
    return xy(stops), stop_labels(stops["name"].astype(str).tolist())


@dataclass(frozen=True)
class Proposal:
    """Proposed new sites with the solver report.

    Attributes
    ----------
    sites : geopandas.GeoDataFrame
        Chosen candidates (``ref``, ``name``, ``stadtteil_nr``, ``stadtteil``, ``lon``,
        ``lat``, ``gewinn`` = marginal gain in the reported order, ``warnungen`` = German
        warnings where a counted place of unknown position could already be there,
        :func:`register.completeness.site_warnings`).
    result : SitingResult
        Objective, status, gap, seconds, method, curve.
    alternatives : pandas.DataFrame
        Near-optimal replacements per chosen site.
    covered_before, covered_after : float
        People within walking distance before and with the proposal.
    objective : str
        Key of :data:`OBJECTIVES`.
    walk_label : str
        How walking was measured (names the Elbe rule with a barrier).
    """

    sites: gpd.GeoDataFrame
    result: SitingResult
    alternatives: pd.DataFrame
    covered_before: float
    covered_after: float
    objective: str
    walk_label: str = WALK_LABEL
    #: With a second year: ``(years, two-year plan, best plan for year A, best for year B)``.
    two_years: tuple[tuple[int, int], TwoYearPlan, TwoYearPlan, TwoYearPlan] | None = None

    @property
    def warnings(self) -> list[str]:
        """All warnings of the proposed sites, each prefixed with the site's name."""
        return [
            f"{name}: {text}"
            for name, texts in zip(self.sites["name"], self.sites["warnungen"], strict=True)
            for text in texts
        ]

    def as_new_sites(self, taken: tuple[str, ...] | list[str] = ()) -> list[NewSite]:
        """The proposal as scenario places (names distinct from ``taken`` and each other)."""
        used = set(taken)
        out = []
        for row in self.sites.itertuples():
            name = _distinct(str(row.name), used)
            used.add(name)
            out.append(
                NewSite(name=name, lon=row.lon, lat=row.lat, source="vorschlag", ref=row.ref)
            )
        return out


def _distinct(name: str, used: set[str]) -> str:
    k = 2
    out = name
    while out in used:
        out = f"{name} ({k})"
        k += 1
    return out


def propose(
    package: DataPackage,
    result: AccessResult,
    k: int,
    kind: str = "grid",
    stadtteile: list[str] | None = None,
    objective: str = "abdeckung",
    tolerance: float = 0.05,
    stops: gpd.GeoDataFrame | None = None,
    future: AccessResult | None = None,
) -> Proposal:
    """Best ``k`` new sites for the current situation (existing places fixed).

    Parameters
    ----------
    package : geo.io.package.DataPackage
        The data package.
    result : AccessResult
        The current situation (base or scenario).
    k : int
        Number of new sites: 1 … :data:`geo.analysis.siting.MAX_K`, for the p-median
        1 … :data:`geo.analysis.siting.MAX_K_PMEDIAN`.
    kind : {"grid", "facilities"}
        Candidate pool.
    stadtteile : list of str, optional
        Restrict candidates to these Stadtteile.
    objective : {"abdeckung", "wege"}
        MCLP or p-median.
    tolerance : float
        Alternatives within this share of the optimum (MCLP only).
    stops : geopandas.GeoDataFrame, optional
        Stops that name grid candidates (default: the package's timetable).
    future : AccessResult, optional
        The same situation in a second year (e.g. the projection for 2035): with the MCLP
        the sites then maximise the worse of the two years
        (:func:`geo.analysis.siting.plan_two_years`), and ``two_years`` reports both years.

    Returns
    -------
    Proposal

    Raises
    ------
    ValueError
        If there are not enough candidates or the arguments are invalid.
    """
    if objective not in OBJECTIVES:
        raise ValueError(f"Unbekanntes Ziel {objective!r}. Erlaubt: {', '.join(OBJECTIVES)}.")
    if stops is None and kind != "facilities":
        stops = package_stops(package)  # read once: names of the pool and of the proposal
    pool = candidate_pool(package, result, kind, stadtteile, stops)
    problem = SitingProblem.from_geodataframe(result.cells, pool, result.params)
    solved, gains, alts, two_years = _solve(problem, result, pool, k, objective, tolerance, future)
    chosen = pool.iloc[list(solved.chosen)].copy()
    alts_table = _alternatives_table(alts, pool)
    if kind != "facilities":  # names from the stops: distinct and recognisable
        _rename(chosen, alts_table, pool, alts, stops)
    else:
        chosen["name"] = _distinct_all(chosen["name"].astype(str).tolist())
    wgs = to_wgs84(chosen)
    chosen["lon"], chosen["lat"] = wgs.geometry.x.to_numpy(), wgs.geometry.y.to_numpy()
    chosen["gewinn"] = gains
    chosen["warnungen"] = [
        site_warnings(result, point, nr, str(area))
        for point, nr, area in zip(
            xy(chosen), chosen["stadtteil_nr"], chosen["stadtteil"], strict=True
        )
    ]
    before = float(result.city["versorgt"])
    after = before + problem.value(list(solved.chosen))
    return Proposal(
        sites=chosen.reset_index(drop=True),
        result=solved,
        alternatives=alts_table,
        covered_before=before,
        covered_after=after,
        objective=objective,
        walk_label=result.params.label,
        two_years=two_years,
    )


def _solve(
    problem: SitingProblem,
    result: AccessResult,
    pool: gpd.GeoDataFrame,
    k: int,
    objective: str,
    tolerance: float,
    future: AccessResult | None,
) -> tuple[SitingResult, list[float], list[Alternative], tuple | None]:
    """Solve for the objective: result, marginal gains, alternatives, two-year entry."""
    if objective == "abdeckung" and future is not None:
        solved, gains, two_years = _two_year_plan(
            problem, future, pool, k, (result.year, future.year)
        )
        return solved, gains, [], two_years
    if objective == "abdeckung":
        solved = solve_mclp(problem, k)
        alts = alternatives(problem, solved.chosen, tolerance=tolerance)
        return solved, _marginal_gains(problem, solved.chosen), alts, None
    cells = result.cells
    solved = pmedian(
        xy(cells),
        cells["nachfrage"].to_numpy(),
        cells["gehweg_m"].to_numpy(),
        xy(pool),
        k,
        result.params.metric,
    )
    return solved, _marginal_gains(problem, solved.chosen), [], None


def _two_year_plan(
    problem: SitingProblem,
    future: AccessResult,
    pool: gpd.GeoDataFrame,
    k: int,
    years: tuple[int, int],
) -> tuple[SitingResult, list[float], tuple]:
    """The MCLP for two years at once (:func:`geo.analysis.siting.plan_two_years`).

    Returns the result for the first year, its marginal gains per site and the
    ``Proposal.two_years`` entry.
    """
    start = time.perf_counter()
    problem_b = SitingProblem.from_geodataframe(future.cells, pool, future.params)
    two, only_a, only_b = plan_two_years(problem, problem_b, k)
    gains = _marginal_gains(problem, two.chosen)
    solved = SitingResult(
        chosen=two.chosen,
        objective=two.gains[0],
        status=two.status,
        gap=0.0 if two.status == "optimal" else float("nan"),
        seconds=time.perf_counter() - start,
        method=EXACT if two.status == "optimal" else "Näherung (bester Einjahresplan)",
        curve=tuple(np.cumsum(gains).tolist()),
    )
    return solved, gains, (years, two, only_a, only_b)


def _distinct_all(names: list[str]) -> list[str]:
    used: set[str] = set()
    out = []
    for name in names:
        out.append(_distinct(name, used))
        used.add(out[-1])
    return out


def _rename(
    chosen: gpd.GeoDataFrame,
    alts_table: pd.DataFrame,
    pool: gpd.GeoDataFrame,
    alts: list[Alternative],
    stops: gpd.GeoDataFrame | None,
) -> None:
    """Name the proposed sites and their alternatives distinctly (in place).

    The pool's names are not distinct (two cells near one stop share it); proposed sites
    come first, then the alternatives, and a repeated name says where from the stop the
    site lies (:func:`geo.analysis.site_names.site_names`).
    """
    rows = [*(int(i) for i in chosen.index), *(a.candidate for a in alts)]
    names = site_names(
        xy(pool.iloc[rows]),
        [None if pd.isna(v) else str(v) for v in pool["stadtteil"].iloc[rows]],
        *_stop_arrays(stops),
    )
    chosen["name"] = names[: len(chosen)]
    by_index = dict(zip(chosen.index, chosen["name"], strict=True))
    if len(alts_table):
        alts_table["alternative"] = names[len(chosen) :]
        alts_table["ersetzt"] = [by_index[a.replaces] for a in alts]


def _marginal_gains(problem: SitingProblem, chosen: tuple[int, ...]) -> list[float]:
    gains, covered = [], np.zeros(problem.cover.shape[0], dtype=bool)
    for j in chosen:
        gains.append(float(problem.gains(covered)[j]))
        covered |= problem.covered_by([j])
    return gains


def _alternatives_table(alts: list[Alternative], pool: gpd.GeoDataFrame) -> pd.DataFrame:
    if not alts:
        return pd.DataFrame(
            columns=[
                "ersetzt",
                "alternative",
                "stadtteil",
                "versorgt",
                "anteil_optimum",
                "abstand_m",
            ]
        )
    wgs = to_wgs84(pool)
    return pd.DataFrame(
        {
            "ersetzt": [pool.at[a.replaces, "name"] for a in alts],
            "alternative": [pool.at[a.candidate, "name"] for a in alts],
            "stadtteil": [pool.at[a.candidate, "stadtteil"] for a in alts],
            "versorgt": [a.objective for a in alts],
            "anteil_optimum": [a.share * 100 for a in alts],
            "abstand_m": [a.distance_m for a in alts],
            "lon": [wgs.geometry.iloc[a.candidate].x for a in alts],
            "lat": [wgs.geometry.iloc[a.candidate].y for a in alts],
        }
    )
