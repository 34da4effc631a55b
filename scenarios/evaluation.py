"""One truth for every figure: a data package plus a scenario gives one :class:`Result`.

A :class:`~scenarios.model.Scenario` carries everything a figure depends on: the overlay
(added and closed places) and the assumptions (year, target group, walking, which
facilities count, index weights, minimum size, Bus & Bahn). :func:`compute` turns it into
the status quo (*before*), the situation with the overlay (*after*), both rankings and the
per-Stadtteil differences. Pages, the simulation, the PDF, the downloads and the CLI all
read their numbers from a :class:`Result`, so the same question gets the same answer
everywhere. Everything here is pure: the package is read, never changed.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.analysis.access_adapter import CITY_ID, AccessResult, analyse
from geo.analysis.access_kernel import WalkParams
from geo.analysis.barrier import Barrier
from geo.analysis.demand import TARGET_GROUPS, demand_grid
from geo.analysis.transit import TransitResult, transit_coverage, transit_for, transit_table
from geo.io.gtfs import Feed
from geo.io.package import DataPackage
from geo.regions import region_coverage, region_polygons
from indicators.composite import (
    bound_inputs,
    gap_ranks,
    index_input,
    index_only,
    underserved,
)
from indicators.table import aggregate_indicators, base_frame, indicator_table, meeting_place_counts
from scenarios.model import NewCrossing, Scenario, scenario_sites

#: Monte Carlo draws of the rank intervals (see :func:`indicators.composite.rank_intervals`).
DRAWS = 1000
#: Change in covered people (or index points) below which a Stadtteil counts as unchanged
#: (rounding noise).
CHANGE_TOLERANCE = 0.05
#: One sentence on why ranks move although classes stay (UI and PDF).
RANK_NOTE = (
    "Ränge sind relativ: Wird ein Stadtteil besser versorgt, rücken andere im Rang auf, ohne "
    "dass sich bei ihnen etwas ändert. Index und Klasse messen dagegen an festen Eckwerten – "
    "sie ändern sich nur, wo sich die Werte des Stadtteils selbst ändern."
)


@dataclass(frozen=True)
class Result:
    """Every figure of one scenario (before/after, rankings, Bus & Bahn).

    Attributes
    ----------
    scenario : Scenario
        What was computed (its assumptions and overlay).
    indicators : pandas.DataFrame
        Indicator table of the scenario's year.
    before, after : AccessResult
        Walking access of the status quo and with the overlay (the same object when the
        scenario changes nothing).
    ranking_before, ranking_after : pandas.DataFrame
        Under-served index (fixed goalposts, so the two are directly comparable), with
        ``index_min``/``index_max`` and ``rang_luecke_von``/``rang_luecke_bis``: the index
        and rank range that follows from the facility positions (:func:`with_gap_ranges`).
    inputs_before, inputs_after : pandas.DataFrame
        Raw component values of the index (for the "Warum?" explanation).
    table : pandas.DataFrame
        Per Stadtteil: coverage, rank and class before and after (see :func:`differences`).
    travel_before, travel_after : TransitResult or None
        Bus & Bahn travel times (only when a timetable was given).
    transit_before, transit_after : pandas.DataFrame or None
        Bus & Bahn coverage per Stadtteil plus a row :data:`CITY_ID` for the city.
    """

    scenario: Scenario
    indicators: pd.DataFrame
    before: AccessResult
    after: AccessResult
    ranking_before: pd.DataFrame
    ranking_after: pd.DataFrame
    inputs_before: pd.DataFrame
    inputs_after: pd.DataFrame
    table: pd.DataFrame
    travel_before: TransitResult | None = None
    travel_after: TransitResult | None = None
    transit_before: pd.DataFrame | None = None
    transit_after: pd.DataFrame | None = None

    @property
    def year(self) -> int:
        """Year of the statistics."""
        return self.before.year

    @property
    def newly_covered(self) -> float:
        """People of the target group newly within walking distance (city, net)."""
        return float(self.after.city["versorgt"] - self.before.city["versorgt"])

    @property
    def newly_by_transit(self) -> float | None:
        """People newly within the Bus & Bahn threshold (city, net); None without timetable."""
        if self.transit_before is None or self.transit_after is None:
            return None
        return float(
            self.transit_after.at[CITY_ID, "versorgt_oepnv"]
            - self.transit_before.at[CITY_ID, "versorgt_oepnv"]
        )

    def changed(self) -> pd.DataFrame:
        """Stadtteile whose coverage, index or class the scenario changes (one rule everywhere).

        The index also changes without new coverage where a new place enters the E2SFCA
        catchment of a Stadtteil's cells.
        """
        t = self.table
        return t[
            (t["neu_versorgt"].abs() > CHANGE_TOLERANCE)
            | t["index_geaendert"]
            | t["klasse_geaendert"]
        ]

    def without_places(self) -> pd.DataFrame:
        """Stadtteile with people of the target group but no counted place, most people first.

        Places without a known position count in the Stadtteil their source names, as in
        the indicator ``begegnungsstaetten``.
        """
        cov = self.before.coverage
        out = cov[(cov["einrichtungen"] == 0) & (cov["zielgruppe"] > 0)]
        return out.sort_values("zielgruppe", ascending=False)


def base_of(scenario: Scenario) -> Scenario:
    """The same assumptions without any added or closed place or Elbe crossing."""
    return replace(scenario, added=(), removed=(), crossings_added=(), crossings_closed=())


def scenario_barrier(package: DataPackage, scenario: Scenario) -> Barrier | None:
    """The package's Elbe barrier with the scenario's added and closed crossings.

    Raises
    ------
    ValueError
        German message: crossings changed although the package has no barrier, an unknown
        crossing closed, or an added crossing not on the Elbe.
    """
    if package.barrier is None:
        if scenario.changes_crossings:
            raise ValueError(
                "Das Szenario ändert Elbquerungen, aber das Datenpaket hat keine Elbe-Barriere "
                "(elbe_barriere.geojson, elbe_querungen.csv). Querungen aus dem Szenario "
                "entfernen oder das vollständige Datenpaket verwenden."
            )
        return None
    if not scenario.changes_crossings:
        return package.barrier
    return _changed_barrier(package.barrier, scenario.crossings_added, scenario.crossings_closed)


@lru_cache(maxsize=16)
def _changed_barrier(
    barrier: Barrier, added: tuple[NewCrossing, ...], closed: tuple[str, ...]
) -> Barrier:
    # Cached: a click in a scenario with a new bridge must not rebuild the crossing graph.
    new = [barrier.crossing_at(c.name, c.lon, c.lat, c.art) for c in added]
    return barrier.with_changes(new, closed)


def check_fits(package: DataPackage, scenario: Scenario) -> None:
    """Raise a German ValueError if the scenario cannot be computed with this package.

    A new place outside every Stadtteil, or an Elbe crossing the package does not know or
    that is not on the river: such a scenario is refused where it enters (link, import,
    store, command line) instead of failing later.
    """
    scenario_sites(scenario, package.einrichtungen, package.stadtteile)
    scenario_barrier(package, scenario)


def walk_params(package: DataPackage, scenario: Scenario) -> WalkParams:
    """The scenario's walking assumptions with the package's barrier (and its changes).

    The one place where the walking metric of a scenario is made: every figure of
    :func:`compute` walks with ``walk_params(...).metric``.
    """
    return replace(scenario.params, barrier=scenario_barrier(package, scenario))


def access_for(
    package: DataPackage,
    scenario: Scenario,
    demand: gpd.GeoDataFrame | None = None,
    *,
    before: AccessResult | None = None,
) -> AccessResult:
    """Walking access with the scenario's places and assumptions.

    Parameters
    ----------
    package : geo.io.package.DataPackage
        The data package.
    scenario : Scenario
        Overlay and assumptions.
    demand : geopandas.GeoDataFrame, optional
        Precomputed demand grid of the scenario's year and target group.
    before : AccessResult, optional
        The status quo of the same assumptions. A scenario that only adds places then
        measures just the new places (same figures, see :func:`geo.analysis.access_adapter.analyse`).

    Returns
    -------
    AccessResult
    """
    scenario = replace(scenario, year=scenario_year(package, scenario))
    if demand is None:
        group = TARGET_GROUPS[scenario.target]
        demand = demand_grid(package.zensus, package.statistik, scenario.year, group)
    return _access(package, scenario, demand, before)


def _access(
    package: DataPackage, scenario: Scenario, demand: gpd.GeoDataFrame, before: AccessResult | None
) -> AccessResult:
    """:func:`access_for` of a scenario whose year is checked and set."""
    group = TARGET_GROUPS[scenario.target]
    sites = scenario_sites(scenario, package.einrichtungen, package.stadtteile)
    base = before if before is not None and not scenario.removed else None
    params = walk_params(package, scenario)
    return analyse(package, scenario.year, group, params, sites=sites, demand=demand, base=base)


def scenario_year(package: DataPackage, scenario: Scenario) -> int:
    """The scenario's year, or the latest year of the package when it has none.

    Raises
    ------
    ValueError
        If the year has no statistics in the package.
    """
    return package.check_year(scenario.year or max(package.years))


def share_range(coverage: pd.DataFrame | pd.Series) -> tuple:
    """Lowest and highest share within walking distance (%) given approximate positions.

    Parameters
    ----------
    coverage : pandas.DataFrame or pandas.Series
        Coverage rows (or the city row) with ``versorgt_min``, ``versorgt_max``, ``verortet``.

    Returns
    -------
    tuple
        ``(lowest, highest)`` in percent of the placed people (NaN where nobody is placed).
    """
    placed = coverage["verortet"]
    with np.errstate(divide="ignore", invalid="ignore"):
        low = coverage["versorgt_min"] / placed * 100
        high = coverage["versorgt_max"] / placed * 100
    if isinstance(coverage, pd.DataFrame):
        return low.where(placed > 0), high.where(placed > 0)
    ok = bool(pd.notna(placed) and placed > 0)
    return (float(low), float(high)) if ok else (np.nan, np.nan)


def differences(
    before: AccessResult, after: AccessResult, rank_before: pd.DataFrame, rank_after: pd.DataFrame
) -> pd.DataFrame:
    """Per Stadtteil: covered people, share, rank and class before and after.

    Parameters
    ----------
    before, after : AccessResult
        The two situations.
    rank_before, rank_after : pandas.DataFrame
        Their rankings (both on the fixed goalposts of the index).

    Returns
    -------
    pandas.DataFrame
        Index ``stadtteil_nr``; ``index_vorher``/``index_nachher`` and ``index_geaendert``
        (more than :data:`CHANGE_TOLERANCE` points apart); ``klasse_geaendert`` is True
        where the class differs;
        ``anteil_{vorher,nachher}_{min,max}`` is the range of the share that follows from
        the approximate facility positions (:func:`share_range`).
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
    out["anteil_vorher_min"], out["anteil_vorher_max"] = share_range(b)
    out["anteil_nachher_min"], out["anteil_nachher_max"] = share_range(a)
    out["index_vorher"] = rank_before["index"].reindex(out.index)
    out["index_nachher"] = rank_after["index"].reindex(out.index)
    out["index_geaendert"] = (
        (out["index_nachher"] - out["index_vorher"]).abs() > CHANGE_TOLERANCE
    ).fillna(False)
    out["rang_vorher"] = rank_before["rang"].reindex(out.index)
    out["rang_nachher"] = rank_after["rang"].reindex(out.index)
    out["klasse_vorher"] = rank_before["klasse_text"].reindex(out.index)
    out["klasse_nachher"] = rank_after["klasse_text"].reindex(out.index)
    out["klasse_geaendert"] = out["klasse_vorher"].fillna("") != out["klasse_nachher"].fillna("")
    return out


def compute(
    package: DataPackage,
    scenario: Scenario,
    feed: Feed | None = None,
    *,
    demand: gpd.GeoDataFrame | None = None,
    indicators: pd.DataFrame | None = None,
    before: AccessResult | None = None,
    base: Result | None = None,
    draws: int = DRAWS,
) -> Result:
    """All figures of a scenario – the one function every page, report and command uses.

    Parameters
    ----------
    package : geo.io.package.DataPackage
        The data package (with the effective facility list).
    scenario : Scenario
        Overlay and assumptions (an empty overlay gives the status quo twice).
    feed : geo.io.gtfs.Feed, optional
        The validated timetable. With it, Bus & Bahn figures are computed; it is required
        when the index weights Bus & Bahn.
    demand, indicators, before : optional
        Precomputed demand grid, indicator table and status-quo access for the same
        assumptions (callers cache them; the figures are the same either way).
    base : Result, optional
        The status quo computed by this function for the same assumptions
        (``compute(package, base_of(scenario), feed)``). Its status-quo figures – access,
        ranking with rank intervals, Bus & Bahn – are reused, so a changed overlay
        only computes the situation after; the figures are the same either way.
    draws : int
        Monte Carlo draws of the rank intervals (0 skips them).

    Returns
    -------
    Result

    Raises
    ------
    ValueError
        German message: year not available, a new place outside the city, Bus & Bahn
        weighted without a timetable.
    """
    if base is not None and scenario.year in (None, base.year):
        year = base.year  # checked when the status quo was computed
    else:
        year = scenario_year(package, scenario)
    weights = scenario.weight_map
    if weights["oepnv"] > 0 and feed is None:
        raise ValueError(
            "Die Komponente „Bus & Bahn“ hat ein Gewicht, aber es liegt kein Fahrplan vor "
            "(gtfs/mvb_gtfs.zip im Datenpaket). Gewicht auf 0 setzen oder Fahrplan ergänzen."
        )
    scenario = replace(scenario, year=year)
    group = TARGET_GROUPS[scenario.target]
    if base is not None:
        _check_base(base, scenario, feed, draws)
        before, indicators = base.before, base.indicators
    if demand is None:
        demand = demand_grid(package.zensus, package.statistik, year, group)
    if indicators is None:
        indicators = indicator_table(package, year)
    if before is None:
        before = access_for(package, base_of(scenario), demand)
    after = before if scenario.is_empty else _access(package, scenario, demand, before)

    travel_before = travel_after = transit_before = transit_after = None
    if feed is not None:
        params = scenario.transit_params
        if base is not None and base.travel_before is not None:
            travel_before, transit_before = base.travel_before, base.transit_before
        else:
            travel_before = transit_for(feed, before, params)
            transit_before = transit_table(before, travel_before, total=True)
        travel_after = travel_before if after is before else transit_for(feed, after, params)
        transit_after = transit_table(after, travel_after, total=True)

    def inputs(access: AccessResult, transit: pd.DataFrame | None) -> pd.DataFrame:
        by_transit = None if transit is None else transit.drop(index=CITY_ID)
        return index_input(indicators, access.coverage, indicators["einwohner"], by_transit)

    options = {
        "weights": weights,
        "min_people": scenario.min_people,
        "n_draws": draws,
        "target": scenario.target,
    }
    if base is not None and (feed is None or base.travel_before is not None):
        inputs_before, ranking_before = base.inputs_before, base.ranking_before
    else:
        inputs_before = inputs(before, transit_before)
        ranking_before = with_gap_ranges(
            underserved(inputs_before, **options), inputs_before, before, scenario
        )
    inputs_after = inputs_before if after is before else inputs(after, transit_after)
    ranking_after = (
        ranking_before
        if after is before
        else with_gap_ranges(underserved(inputs_after, **options), inputs_after, after, scenario)
    )
    return Result(
        scenario=scenario,
        indicators=indicators,
        before=before,
        after=after,
        ranking_before=ranking_before,
        ranking_after=ranking_after,
        inputs_before=inputs_before,
        inputs_after=inputs_after,
        table=differences(before, after, ranking_before, ranking_after),
        travel_before=travel_before,
        travel_after=travel_after,
        transit_before=transit_before,
        transit_after=transit_after,
    )


def with_gap_ranges(
    ranking: pd.DataFrame, inputs: pd.DataFrame, access: AccessResult, scenario: Scenario
) -> pd.DataFrame:
    """The ranking with the index and rank range that follows from the facility positions.

    With fixed goalposts a Stadtteil's index depends on its own inputs only, so its index
    at the least and the most favourable facility positions (``versorgt_max`` and
    ``versorgt_min`` of the coverage) bound its index; :func:`indicators.composite.gap_ranks`
    turns the bounds into the best and worst rank.

    Returns
    -------
    pandas.DataFrame
        ``ranking`` plus ``index_min``, ``index_max``, ``rang_luecke_von``,
        ``rang_luecke_bis`` (NaN/NA where not ranked).
    """
    weights, target = scenario.weight_map, scenario.target
    ranked = ranking["gerankt"].to_numpy()
    low = index_only(bound_inputs(inputs, access.coverage, "max"), weights, target)
    high = index_only(bound_inputs(inputs, access.coverage, "min"), weights, target)
    low, high = low.reindex(ranking.index), high.reindex(ranking.index)
    ranks = gap_ranks(ranking, low, high)
    return ranking.assign(
        index_min=np.where(ranked, low.to_numpy(), np.nan),
        index_max=np.where(ranked, high.to_numpy(), np.nan),
        rang_luecke_von=ranks["rang_luecke_von"].array,
        rang_luecke_bis=ranks["rang_luecke_bis"].array,
    )


def _check_base(base: Result, scenario: Scenario, feed: Feed | None, draws: int) -> None:
    """A reused status quo must belong to exactly these assumptions (else a wrong figure)."""
    if base.scenario != base_of(scenario):
        raise ValueError("Interner Fehler: Der Ist-Zustand gehört zu anderen Annahmen.")
    if base.travel_before is not None and feed is None:
        raise ValueError("Interner Fehler: Ist-Zustand mit Bus & Bahn, aber ohne Fahrplan.")
    ranking = base.ranking_before
    if ranking["gerankt"].any() and ranking["rang_p05"].notna().any() != (draws > 0):
        raise ValueError("Interner Fehler: Der Ist-Zustand hat andere Rangspannen.")


def compare(a: Result, b: Result) -> pd.DataFrame:
    """Two scenarios side by side per Stadtteil (B − A differences).

    Parameters
    ----------
    a, b : Result
        Results of two scenarios (same package).

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


def transit_gain_cells(result: Result) -> np.ndarray | None:
    """Cells that reach a place within the Bus & Bahn threshold only with the scenario."""
    if result.travel_before is None or result.travel_after is None:
        return None
    limit = result.scenario.transit.max_minutes
    return (result.travel_after.minutes <= limit) & ~(result.travel_before.minutes <= limit)


@dataclass(frozen=True)
class RegionFigures:
    """Indicators, coverage and ranking of uploaded regions (e.g. Versorgungsgebiete).

    Attributes
    ----------
    polygons : geopandas.GeoDataFrame
        Region polygons dissolved from their Stadtteile (index = region name).
    indicators, coverage, ranking : pandas.DataFrame
        Per region; sums and ratios of sums of the member Stadtteile.
    """

    polygons: gpd.GeoDataFrame
    indicators: pd.DataFrame
    coverage: pd.DataFrame
    ranking: pd.DataFrame


def region_figures(package: DataPackage, result: Result, mapping: pd.DataFrame) -> RegionFigures:
    """The status quo of a :class:`Result` aggregated to regions.

    Parameters
    ----------
    package : geo.io.package.DataPackage
        The data package.
    result : Result
        Figures per Stadtteil (its assumptions and weights are used).
    mapping : pandas.DataFrame
        ``stadtteil_nr`` → ``region``.

    Returns
    -------
    RegionFigures
    """
    groups = mapping.set_index("stadtteil_nr")["region"]
    polygons = region_polygons(package.stadtteile, mapping)
    frame = base_frame(package.statistik, result.year, meeting_place_counts(package))
    indicators = aggregate_indicators(frame, groups, polygons["stadtteil"])
    coverage = region_coverage(result.before, mapping)
    transit = None
    if result.travel_before is not None:
        cells = result.before.cells
        transit = transit_coverage(
            cells["stadtteil_nr"].map(groups).to_numpy(),
            cells["nachfrage"].to_numpy(),
            result.travel_before.minutes,
            coverage["zielgruppe"],
            result.scenario.transit.max_minutes,
        )
    scenario = result.scenario
    ranking = underserved(
        index_input(indicators, coverage, indicators["einwohner"], transit),
        scenario.weight_map,
        min_people=scenario.min_people,
        target=scenario.target,
    )
    return RegionFigures(polygons, indicators, coverage, ranking)
