"""One truth for every figure: the status quo of a set of assumptions, and an overlay on it.

Two steps, two types (:mod:`scenarios.model`): :func:`baseline` computes the status quo of
one set of :class:`~scenarios.model.Assumptions` (year, target group, walking, which places
count, index weights, Bus & Bahn) – walking access, ranking with its rank intervals and data
gap ranges, Bus & Bahn. :func:`evaluate` applies an :class:`~scenarios.model.Overlay`
(places added or closed, Elbe crossings) to a baseline and returns the :class:`Result`:
before, after, both rankings and the per-Stadtteil differences. Callers cache the baseline on
the assumptions alone, so a click in the simulation only computes the situation after.
Pages, the simulation, the PDF, the downloads and the CLI all read their numbers from a
:class:`Result`, so the same question gets the same answer everywhere. Everything here is
pure: the package is read, never changed.
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
from scenarios.model import Assumptions, NewCrossing, Overlay, Scenario, scenario_sites

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
class Walking:
    """Walking access of the status quo: the costly part of a :class:`Baseline`.

    It depends on :attr:`Assumptions.walking` only, so callers cache it on that key and a
    changed index weight or Bus & Bahn setting reuses it.

    Attributes
    ----------
    assumptions : Assumptions
        Its key: :attr:`Assumptions.walking` with the year set.
    demand : geopandas.GeoDataFrame
        Demand grid of the year and target group.
    indicators : pandas.DataFrame
        Indicator table of the year.
    access : AccessResult
        Walking access to the counted places (no overlay).
    """

    assumptions: Assumptions
    demand: gpd.GeoDataFrame
    indicators: pd.DataFrame
    access: AccessResult


@dataclass(frozen=True)
class Baseline:
    """The status quo of one set of assumptions: what every overlay is measured against.

    Attributes
    ----------
    package : geo.io.package.DataPackage
        The data package (read, never changed).
    assumptions : Assumptions
        The assumptions, with the year set.
    feed : geo.io.gtfs.Feed or None
        The timetable (Bus & Bahn figures only with it).
    draws : int
        Monte Carlo draws of the rank intervals.
    walking : Walking
        Walking access, demand and indicators.
    ranking, inputs : pandas.DataFrame
        Under-served index with rank intervals and data-gap ranges; its raw components.
    travel : TransitResult or None
        Bus & Bahn travel times.
    transit : pandas.DataFrame or None
        Bus & Bahn coverage per Stadtteil plus a row :data:`CITY_ID` for the city.
    """

    package: DataPackage
    assumptions: Assumptions
    feed: Feed | None
    draws: int
    walking: Walking
    ranking: pd.DataFrame
    inputs: pd.DataFrame
    travel: TransitResult | None = None
    transit: pd.DataFrame | None = None

    @property
    def access(self) -> AccessResult:
        """Walking access of the status quo."""
        return self.walking.access


@dataclass(frozen=True)
class Result:
    """Every figure of a baseline with an overlay (before/after, rankings, Bus & Bahn).

    The *before* figures are those of :attr:`baseline`; the attributes of the same name
    read them from there.

    Attributes
    ----------
    baseline : Baseline
        The status quo of the assumptions.
    overlay : Overlay
        What was applied to it.
    after : AccessResult
        Walking access with the overlay (the baseline's own object for an empty overlay).
    ranking_after, inputs_after : pandas.DataFrame
        Under-served index with the overlay (fixed goalposts, so directly comparable with
        :attr:`ranking_before`), with ``index_min``/``index_max`` and
        ``rang_luecke_von``/``rang_luecke_bis`` (:func:`with_gap_ranges`); its components.
    table : pandas.DataFrame
        Per Stadtteil: coverage, rank and class before and after (see :func:`differences`).
    travel_after : TransitResult or None
        Bus & Bahn travel times with the overlay (only with a timetable).
    transit_after : pandas.DataFrame or None
        Bus & Bahn coverage per Stadtteil plus a row :data:`CITY_ID` for the city.
    """

    baseline: Baseline
    overlay: Overlay
    after: AccessResult
    ranking_after: pd.DataFrame
    inputs_after: pd.DataFrame
    table: pd.DataFrame
    travel_after: TransitResult | None = None
    transit_after: pd.DataFrame | None = None

    @property
    def assumptions(self) -> Assumptions:
        """The assumptions (year set)."""
        return self.baseline.assumptions

    @property
    def indicators(self) -> pd.DataFrame:
        """Indicator table of the year."""
        return self.baseline.walking.indicators

    @property
    def before(self) -> AccessResult:
        """Walking access of the status quo."""
        return self.baseline.access

    @property
    def ranking_before(self) -> pd.DataFrame:
        """Under-served index of the status quo."""
        return self.baseline.ranking

    @property
    def inputs_before(self) -> pd.DataFrame:
        """Raw index components of the status quo."""
        return self.baseline.inputs

    @property
    def travel_before(self) -> TransitResult | None:
        """Bus & Bahn travel times of the status quo (None without timetable)."""
        return self.baseline.travel

    @property
    def transit_before(self) -> pd.DataFrame | None:
        """Bus & Bahn coverage of the status quo (None without timetable)."""
        return self.baseline.transit

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
        """Stadtteile whose coverage, index or class the overlay changes (one rule everywhere).

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


def scenario_barrier(package: DataPackage, overlay: Overlay) -> Barrier | None:
    """The package's Elbe barrier with the overlay's added and closed crossings.

    Raises
    ------
    ValueError
        German message: crossings changed although the package has no barrier, an unknown
        crossing closed, or an added crossing not on the Elbe.
    """
    if package.barrier is None:
        if overlay.changes_crossings:
            raise ValueError(
                "Das Szenario ändert Elbquerungen, aber das Datenpaket hat keine Elbe-Barriere "
                "(elbe_barriere.geojson, elbe_querungen.csv). Querungen aus dem Szenario "
                "entfernen oder das vollständige Datenpaket verwenden."
            )
        return None
    if not overlay.changes_crossings:
        return package.barrier
    return _changed_barrier(package.barrier, overlay.crossings_added, overlay.crossings_closed)


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
    overlay = scenario.overlay
    scenario_sites(
        overlay, scenario.assumptions.selection, package.einrichtungen, package.stadtteile
    )
    scenario_barrier(package, overlay)


def walk_params(package: DataPackage, params: WalkParams, overlay: Overlay) -> WalkParams:
    """The walking assumptions with the package's barrier (and the overlay's changes to it).

    The one place where the walking metric is made: every figure of :func:`baseline` and
    :func:`evaluate` walks with ``walk_params(...).metric``.
    """
    return replace(params, barrier=scenario_barrier(package, overlay))


def walking(
    package: DataPackage, assumptions: Assumptions, demand: gpd.GeoDataFrame | None = None
) -> Walking:
    """Walking access of the status quo for the walking part of ``assumptions``.

    Parameters
    ----------
    package : geo.io.package.DataPackage
        The data package.
    assumptions : Assumptions
        Only :attr:`Assumptions.walking` is used.
    demand : geopandas.GeoDataFrame, optional
        The demand grid of the year and target group, when the caller already has it.

    Returns
    -------
    Walking

    Raises
    ------
    ValueError
        If the year has no statistics in the package.
    """
    key = replace(assumptions.walking, year=scenario_year(package, assumptions))
    group = TARGET_GROUPS[key.target]
    if demand is None:
        demand = demand_grid(package.zensus, package.statistik, key.year, group)
    params = walk_params(package, key.params, Overlay())
    sites = key.selection.select(package.einrichtungen)
    access = analyse(package, key.year, group, params, sites=sites, demand=demand)
    return Walking(key, demand, indicator_table(package, key.year), access)


def baseline(
    package: DataPackage,
    assumptions: Assumptions,
    feed: Feed | None = None,
    *,
    draws: int = DRAWS,
    walk: Walking | None = None,
) -> Baseline:
    """The status quo of a set of assumptions (see :class:`Baseline`).

    Parameters
    ----------
    package : geo.io.package.DataPackage
        The data package (with the effective facility list).
    assumptions : Assumptions
        Year (None: the package's latest), target group, walking, index, Bus & Bahn.
    feed : geo.io.gtfs.Feed, optional
        The validated timetable. With it, Bus & Bahn figures are computed; it is required
        when the index weights Bus & Bahn.
    draws : int
        Monte Carlo draws of the rank intervals (0 skips them).
    walk : Walking, optional
        :func:`walking` of the same assumptions, when the caller caches it.

    Returns
    -------
    Baseline

    Raises
    ------
    ValueError
        German message: year not available, Bus & Bahn weighted without a timetable.
    """
    assumptions = replace(assumptions, year=scenario_year(package, assumptions))
    if assumptions.weight_map["oepnv"] > 0 and feed is None:
        raise ValueError(
            "Die Komponente „Bus & Bahn“ hat ein Gewicht, aber es liegt kein Fahrplan vor "
            "(gtfs/mvb_gtfs.zip im Datenpaket). Gewicht auf 0 setzen oder Fahrplan ergänzen."
        )
    if walk is None:
        walk = walking(package, assumptions)
    elif walk.assumptions != assumptions.walking:
        raise ValueError("Interner Fehler: Die Erreichbarkeit gehört zu anderen Annahmen.")
    travel, transit = _transit(feed, walk.access, assumptions)
    inputs = _index_inputs(walk.indicators, walk.access, transit)
    ranking = _ranking(inputs, walk.access, assumptions, draws)
    return Baseline(package, assumptions, feed, draws, walk, ranking, inputs, travel, transit)


def evaluate(base: Baseline, overlay: Overlay) -> Result:
    """A baseline with an overlay: the one function every figure goes through.

    Parameters
    ----------
    base : Baseline
        The status quo (:func:`baseline`).
    overlay : Overlay
        Places added or switched off, Elbe crossings added or closed (empty: the status quo
        twice, without computing anything).

    Returns
    -------
    Result

    Raises
    ------
    ValueError
        German message: a new place outside the city, an unknown or misplaced crossing.
    """
    if overlay.is_empty:
        after, travel, transit = base.access, base.travel, base.transit
        inputs, ranking = base.inputs, base.ranking
    else:
        after = overlay_access(base.package, base.walking, overlay)
        travel, transit = _transit(base.feed, after, base.assumptions)
        inputs = _index_inputs(base.walking.indicators, after, transit)
        ranking = _ranking(inputs, after, base.assumptions, base.draws)
    table = differences(base.access, after, base.ranking, ranking)
    return Result(base, overlay, after, ranking, inputs, table, travel, transit)


def compute(
    package: DataPackage, scenario: Scenario, feed: Feed | None = None, *, draws: int = DRAWS
) -> Result:
    """All figures of a scenario in one call (:func:`evaluate` of its :func:`baseline`).

    For the command line and the reports, which compute one scenario at a time; the pages
    cache the baseline and call :func:`evaluate` themselves.
    """
    return evaluate(baseline(package, scenario.assumptions, feed, draws=draws), scenario.overlay)


def overlay_access(package: DataPackage, walk: Walking, overlay: Overlay) -> AccessResult:
    """Walking access of the status quo ``walk`` with an overlay.

    An overlay that only adds places measures just the new ones (see
    :func:`geo.analysis.access_adapter.analyse`); the figures are those of the full computation.
    """
    a = walk.assumptions
    sites = scenario_sites(overlay, a.selection, package.einrichtungen, package.stadtteile)
    status_quo = None if overlay.removed else walk.access
    params = walk_params(package, a.params, overlay)
    group = TARGET_GROUPS[a.target]
    return analyse(package, a.year, group, params, sites=sites, demand=walk.demand, base=status_quo)


def _transit(
    feed: Feed | None, access: AccessResult, assumptions: Assumptions
) -> tuple[TransitResult | None, pd.DataFrame | None]:
    """Bus & Bahn travel times and coverage for a walking access (None, None without timetable)."""
    if feed is None:
        return None, None
    travel = transit_for(feed, access, assumptions.transit_params)
    return travel, transit_table(access, travel, total=True)


def _index_inputs(
    indicators: pd.DataFrame, access: AccessResult, transit: pd.DataFrame | None
) -> pd.DataFrame:
    """Raw components of the under-served index."""
    by_transit = None if transit is None else transit.drop(index=CITY_ID)
    return index_input(indicators, access.coverage, indicators["einwohner"], by_transit)


def _ranking(
    inputs: pd.DataFrame, access: AccessResult, assumptions: Assumptions, draws: int
) -> pd.DataFrame:
    """Under-served ranking with rank intervals and data-gap ranges."""
    ranking = underserved(
        inputs,
        weights=assumptions.weight_map,
        min_people=assumptions.min_people,
        n_draws=draws,
        target=assumptions.target,
    )
    return with_gap_ranges(ranking, inputs, access, assumptions)


def scenario_year(package: DataPackage, assumptions: Assumptions) -> int:
    """The assumptions' year, or the latest year of the package when they have none.

    Raises
    ------
    ValueError
        If the year has no statistics in the package.
    """
    return package.check_year(assumptions.year or max(package.years))


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


def with_gap_ranges(
    ranking: pd.DataFrame, inputs: pd.DataFrame, access: AccessResult, assumptions: Assumptions
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
    weights, target = assumptions.weight_map, assumptions.target
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
    limit = result.assumptions.transit.max_minutes
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
            result.assumptions.transit.max_minutes,
        )
    assumptions = result.assumptions
    ranking = underserved(
        index_input(indicators, coverage, indicators["einwohner"], transit),
        assumptions.weight_map,
        min_people=assumptions.min_people,
        target=assumptions.target,
    )
    return RegionFigures(polygons, indicators, coverage, ranking)
