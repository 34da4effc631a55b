"""Candidate sites and proposals of the optimiser for a scenario.

Everything here works on overlays: the package is read, never changed. The figures of a
scenario itself come from :func:`scenarios.result.compute`.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.access_adapter import AccessResult
from geo.areas import assign_stadtteil
from geo.crs import to_wgs84, xy
from geo.facilities import located
from geo.package import DataPackage
from geo.siting import Alternative, SitingProblem, SitingResult, alternatives, pmedian, solve_mclp
from scenarios.model import NewSite

#: Facility categories whose places could host senior offers (the candidate pool).
HOST_CATEGORIES = ("generationen", "kinder_jugend", "senioren_begegnung")
CANDIDATE_KINDS = {"grid": "alle bewohnten 100-m-Zellen", "facilities": "bestehende Häuser Dritter"}
OBJECTIVES = {
    "abdeckung": "möglichst viele zusätzlich fußläufig versorgt (MCLP)",
    "wege": "möglichst kurze mittlere Wege (p-Median)",
}


def candidate_pool(
    package: DataPackage,
    result: AccessResult,
    kind: str,
    stadtteile: list[str] | None = None,
) -> gpd.GeoDataFrame:
    """Candidate sites: populated grid cells or existing places of other operators.

    Parameters
    ----------
    package : geo.package.DataPackage
        The data package.
    result : AccessResult
        The current situation (its counted places are not candidates).
    kind : {"grid", "facilities"}
        Which pool.
    stadtteile : list of str, optional
        Only candidates in these Stadtteile.

    Returns
    -------
    geopandas.GeoDataFrame
        ``ref``, ``name``, ``stadtteil_nr``, ``stadtteil`` and point geometry (EPSG:25832).
    """
    if kind == "grid":
        cells = result.cells
        pool = gpd.GeoDataFrame(
            {
                "ref": cells["grid_id"].astype(str),
                "name": "",  # named after the Stadtteil below
                "stadtteil_nr": cells["stadtteil_nr"],
            },
            geometry=cells.geometry.values,
            crs=cells.crs,
        )
        pool = pool[cells["einwohner"].to_numpy() > 0]
    elif kind == "facilities":
        places = located(package.einrichtungen)
        places = places[
            places["kategorie"].isin(HOST_CATEGORIES)
            & (places["in_betrieb"] != "nein")
            & ~places["id"].isin(result.sites.get("id", pd.Series(dtype=str)))
        ]
        pool = gpd.GeoDataFrame(
            {
                "ref": places["id"].astype(str),
                "name": places["name"].astype(str),
                "stadtteil_nr": assign_stadtteil(places.geometry, package.stadtteile),
            },
            geometry=places.geometry.values,
            crs=places.crs,
        )
    else:
        raise ValueError(
            f"Unbekannte Kandidatenart {kind!r}. Erlaubt: {', '.join(CANDIDATE_KINDS)}."
        )
    if stadtteile:
        pool = pool[pool["stadtteil_nr"].isin(stadtteile)]
    pool = pool.drop_duplicates(subset="ref").reset_index(drop=True)
    pool["stadtteil"] = pool["stadtteil_nr"].map(package.stadtteile["stadtteil"])
    if kind == "grid":  # e.g. "Neustädter Feld, Zelle N5784300E4431900"
        pool["name"] = (
            pool["stadtteil"].fillna("?") + ", Zelle " + pool["ref"].str.extract(r"(N\d+E\d+)$")[0]
        )
    return pool


@dataclass(frozen=True)
class Proposal:
    """Proposed new sites with the solver report.

    Attributes
    ----------
    sites : geopandas.GeoDataFrame
        Chosen candidates (``ref``, ``name``, ``stadtteil_nr``, ``stadtteil``, ``lon``,
        ``lat``, ``gewinn`` = marginal gain in the reported order).
    result : SitingResult
        Objective, status, gap, seconds, method, curve.
    alternatives : pandas.DataFrame
        Near-optimal replacements per chosen site.
    covered_before, covered_after : float
        People within walking distance before and with the proposal.
    objective : str
        Key of :data:`OBJECTIVES`.
    """

    sites: gpd.GeoDataFrame
    result: SitingResult
    alternatives: pd.DataFrame
    covered_before: float
    covered_after: float
    objective: str

    def as_new_sites(self) -> list[NewSite]:
        """The proposal as scenario places."""
        return [
            NewSite(
                name=f"Vorschlag {i}: {row.name}",
                lon=row.lon,
                lat=row.lat,
                source="vorschlag",
                ref=row.ref,
            )
            for i, row in enumerate(self.sites.itertuples(), start=1)
        ]


def propose(
    package: DataPackage,
    result: AccessResult,
    k: int,
    kind: str = "grid",
    stadtteile: list[str] | None = None,
    objective: str = "abdeckung",
    tolerance: float = 0.05,
) -> Proposal:
    """Best ``k`` new sites for the current situation (existing places fixed).

    Parameters
    ----------
    package : geo.package.DataPackage
        The data package.
    result : AccessResult
        The current situation (base or scenario).
    k : int
        Number of new sites (1–5).
    kind : {"grid", "facilities"}
        Candidate pool.
    stadtteile : list of str, optional
        Restrict candidates to these Stadtteile.
    objective : {"abdeckung", "wege"}
        MCLP or p-median.
    tolerance : float
        Alternatives within this share of the optimum (MCLP only).

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
    pool = candidate_pool(package, result, kind, stadtteile)
    cells = result.cells
    problem = SitingProblem.from_geodataframe(cells, pool, result.params)
    if objective == "abdeckung":
        solved = solve_mclp(problem, k)
        gains = _marginal_gains(problem, solved.chosen)
        alts = alternatives(problem, solved.chosen, tolerance=tolerance)
    else:
        solved = pmedian(
            xy(cells),
            cells["nachfrage"].to_numpy(),
            cells["gehweg_m"].to_numpy(),
            xy(pool),
            k,
            result.params.detour,
        )
        gains = _marginal_gains(problem, solved.chosen)
        alts = []
    chosen = pool.iloc[list(solved.chosen)].copy()
    wgs = to_wgs84(chosen)
    chosen["lon"], chosen["lat"] = wgs.geometry.x.to_numpy(), wgs.geometry.y.to_numpy()
    chosen["gewinn"] = gains
    before = float(result.city["versorgt"])
    after = before + problem.value(list(solved.chosen))
    return Proposal(
        sites=chosen.reset_index(drop=True),
        result=solved,
        alternatives=_alternatives_table(alts, pool),
        covered_before=before,
        covered_after=after,
        objective=objective,
    )


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
