"""Evaluate scenarios against the base data and propose new sites.

Everything here works on overlays: the package is read, never changed.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.access_adapter import AccessResult, analyse
from geo.areas import assign_stadtteil
from geo.crs import to_wgs84, xy
from geo.demand import TARGET_GROUPS, demand_grid
from geo.facilities import located
from geo.package import DataPackage
from geo.siting import Alternative, SitingProblem, SitingResult, alternatives, pmedian, solve_mclp
from indicators.composite import index_input, underserved
from indicators.table import indicator_table
from scenarios.model import NewSite, Scenario, scenario_sites

#: Facility categories whose places could host senior offers (the candidate pool).
HOST_CATEGORIES = ("generationen", "kinder_jugend", "senioren_begegnung")
CANDIDATE_KINDS = {"grid": "alle bewohnten 100-m-Zellen", "facilities": "bestehende Häuser Dritter"}
OBJECTIVES = {
    "abdeckung": "möglichst viele zusätzlich fußläufig versorgt (MCLP)",
    "wege": "möglichst kurze mittlere Wege (p-Median)",
}


@dataclass(frozen=True)
class Evaluation:
    """A scenario next to the base situation.

    Attributes
    ----------
    before, after : AccessResult
        Base and scenario accessibility.
    ranking_before, ranking_after : pandas.DataFrame
        Under-served index for both.
    table : pandas.DataFrame
        Per Stadtteil: coverage and rank before/after and the differences.
    """

    before: AccessResult
    after: AccessResult
    ranking_before: pd.DataFrame
    ranking_after: pd.DataFrame
    table: pd.DataFrame

    @property
    def newly_covered(self) -> float:
        """People of the target group newly within walking distance (city)."""
        return float(self.after.city["versorgt"] - self.before.city["versorgt"])


def base_of(scenario: Scenario) -> Scenario:
    """The same parameters without any added or removed place."""
    return replace(scenario, added=(), removed=())


def access_for(
    package: DataPackage, scenario: Scenario, demand: gpd.GeoDataFrame | None = None
) -> AccessResult:
    """Accessibility with the scenario's places and parameters."""
    year = scenario.year or max(package.years)
    group = TARGET_GROUPS[scenario.target]
    sites = scenario_sites(scenario, package.einrichtungen, package.stadtteile)
    if demand is None:
        demand = demand_grid(package.zensus, package.statistik, year, group)
    return analyse(package, year, group, scenario.params, sites=sites, demand=demand)


def ranking_for(package: DataPackage, result: AccessResult, **kwargs) -> pd.DataFrame:
    """The under-served index for an accessibility result (kwargs go to ``underserved``)."""
    indicators = indicator_table(package, result.year)
    return underserved(index_input(indicators, result.coverage, indicators["einwohner"]), **kwargs)


def difference_table(
    before: AccessResult, after: AccessResult, rank_before: pd.DataFrame, rank_after: pd.DataFrame
) -> pd.DataFrame:
    """Per Stadtteil: covered people, share, rank and class before and after.

    Parameters
    ----------
    before, after : AccessResult
        The two situations.
    rank_before, rank_after : pandas.DataFrame
        Their rankings.

    Returns
    -------
    pandas.DataFrame
        Index ``stadtteil_nr``.
    """
    b, a = before.coverage, after.coverage
    out = pd.DataFrame(index=b.index)
    out["stadtteil"] = b["stadtteil"]
    out["zielgruppe"] = b["zielgruppe"]
    out["versorgt_vorher"] = b["versorgt"]
    out["versorgt_nachher"] = a["versorgt"]
    out["neu_versorgt"] = a["versorgt"] - b["versorgt"]
    out["anteil_vorher"] = b["anteil_versorgt"]
    out["anteil_nachher"] = a["anteil_versorgt"]
    out["rang_vorher"] = rank_before["rang"].reindex(out.index)
    out["rang_nachher"] = rank_after["rang"].reindex(out.index)
    out["klasse_vorher"] = rank_before["klasse_text"].reindex(out.index)
    out["klasse_nachher"] = rank_after["klasse_text"].reindex(out.index)
    return out


def evaluate(
    package: DataPackage,
    scenario: Scenario,
    demand: gpd.GeoDataFrame | None = None,
    before: AccessResult | None = None,
    weights: dict[str, float] | None = None,
) -> Evaluation:
    """Compare a scenario with the base situation (same parameters, no changes).

    Parameters
    ----------
    package : geo.package.DataPackage
        The data package.
    scenario : Scenario
        Added/removed places and parameters.
    demand : geopandas.GeoDataFrame, optional
        Precomputed demand grid for the scenario's year and target group.
    before : AccessResult, optional
        Precomputed base result.
    weights : dict, optional
        Index weights.

    Returns
    -------
    Evaluation
    """
    year = scenario.year or max(package.years)
    if demand is None:
        demand = demand_grid(
            package.zensus, package.statistik, year, TARGET_GROUPS[scenario.target]
        )
    before = before or access_for(package, base_of(scenario), demand)
    after = access_for(package, scenario, demand)
    options = {"weights": weights, "n_draws": 0}
    rank_before = ranking_for(package, before, **options)
    rank_after = ranking_for(package, after, **options)
    return Evaluation(
        before,
        after,
        rank_before,
        rank_after,
        difference_table(before, after, rank_before, rank_after),
    )


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


def compare(a: Evaluation, b: Evaluation) -> pd.DataFrame:
    """Two scenarios side by side per Stadtteil (B − A differences).

    Parameters
    ----------
    a, b : Evaluation
        Evaluations of two scenarios (same package).

    Returns
    -------
    pandas.DataFrame
        ``versorgt_a``, ``versorgt_b``, ``differenz``, ``anteil_a``, ``anteil_b``, ``rang_a``,
        ``rang_b`` per Stadtteil.
    """
    out = pd.DataFrame(index=a.table.index)
    out["stadtteil"] = a.table["stadtteil"]
    out["versorgt_a"] = a.table["versorgt_nachher"]
    out["versorgt_b"] = b.table["versorgt_nachher"]
    out["differenz"] = out["versorgt_b"] - out["versorgt_a"]
    out["anteil_a"] = a.table["anteil_nachher"]
    out["anteil_b"] = b.table["anteil_nachher"]
    out["rang_a"] = a.table["rang_nachher"]
    out["rang_b"] = b.table["rang_nachher"]
    return out
