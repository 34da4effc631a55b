"""How far the results can be trusted: completeness of the list and data gaps per Stadtteil.

Pure functions over the (effective) facility list. The data-gap flag marks every
Stadtteil whose supply figures rest on a counted facility without position (it is counted
in the Stadtteil but enters no distance: supply is underestimated) or on one whose position
radius is larger than the walking threshold (whether its neighbours are covered is open).
"""

from __future__ import annotations

from collections.abc import Mapping

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.analysis.access_adapter import AccessResult, SiteSelection
from geo.analysis.access_kernel import WalkParams
from geo.analysis.position_bounds import APPROXIMATE, UNPLACED, facility_range
from geo.crs import xy
from indicators.format import format_number

#: A facility that changes a Stadtteil's share within walking distance by less than this
#: (percentage points) wherever it lies is no data gap for that Stadtteil.
NO_CHANGE_PP = 0.1
#: Task text of a facility without position.
NO_POSITION_TASK = "ohne Lage – Versorgung im Stadtteil unterschätzt"


def _unplaced(facilities: gpd.GeoDataFrame) -> pd.Series:
    return facilities.geometry.isna() | facilities.geometry.is_empty


def completeness(facilities: gpd.GeoDataFrame, expected: Mapping[str, int]) -> pd.DataFrame:
    """Known vs. expected facilities per type (``typ``).

    Parameters
    ----------
    facilities : geopandas.GeoDataFrame
        The effective list.
    expected : mapping of str to int
        Expected count per type, entered by the planners (e.g. ``{"Offener Treff": 12}``).

    Returns
    -------
    pandas.DataFrame
        One row per type (expected types first): ``typ``, ``bekannt`` (in the list, not
        closed), ``mit_lage``, ``ohne_lage``, ``soll`` (NaN if not entered), ``fehlen``
        (``soll − bekannt``, at least 0; NaN without ``soll``), ``vollstaendig_pct``.
    """
    open_ = facilities[facilities["in_betrieb"] != "nein"]
    known = open_.groupby("typ").size()
    unplaced = open_[_unplaced(open_)].groupby("typ").size()
    types = list(dict.fromkeys([*expected, *sorted(known.index)]))
    out = pd.DataFrame({"typ": types})
    out["bekannt"] = [int(known.get(t, 0)) for t in types]
    out["ohne_lage"] = [int(unplaced.get(t, 0)) for t in types]
    out["mit_lage"] = out["bekannt"] - out["ohne_lage"]
    out["soll"] = [float(expected[t]) if t in expected else np.nan for t in types]
    out["fehlen"] = (out["soll"] - out["bekannt"]).clip(lower=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(out["soll"] > 0, out["bekannt"] / out["soll"] * 100, np.nan)
    out["vollstaendig_pct"] = np.minimum(share, 100.0)
    return out


def unplaced_by_stadtteil(
    facilities: gpd.GeoDataFrame, stadtteile: gpd.GeoDataFrame
) -> pd.DataFrame:
    """Facilities without position per Stadtteil (the Stadtteil their source names).

    Returns
    -------
    pandas.DataFrame
        Index ``stadtteil_nr`` (only Stadtteile with such facilities, most first; ``–`` for
        facilities without any Stadtteil): ``stadtteil``, ``anzahl``, ``einrichtungen``.
    """
    unplaced = facilities[_unplaced(facilities) & (facilities["in_betrieb"] != "nein")]
    rows = []
    for nr, group in unplaced.groupby(unplaced["stadtteil_nr"].fillna("–"), sort=True):
        name = stadtteile["stadtteil"].get(nr, "Stadtteil unbekannt")
        rows.append((nr, name, len(group), ", ".join(group["name"].astype(str))))
    out = pd.DataFrame(rows, columns=["stadtteil_nr", "stadtteil", "anzahl", "einrichtungen"])
    return out.set_index("stadtteil_nr").sort_values("anzahl", ascending=False, kind="stable")


def data_gaps(
    facilities: gpd.GeoDataFrame,
    stadtteile: gpd.GeoDataFrame,
    selection: SiteSelection,
    params: WalkParams,
    access: AccessResult | None = None,
) -> pd.DataFrame:
    """Flag the Stadtteile whose supply figures rest on uncertain facilities.

    Parameters
    ----------
    facilities : geopandas.GeoDataFrame
        The effective list (EPSG:25832).
    stadtteile : geopandas.GeoDataFrame
        Stadtteil polygons (index ``stadtteil_nr``).
    selection : SiteSelection
        Which facilities count (as in the analysis).
    params : WalkParams
        Walking threshold and detour factor.
    access : AccessResult, optional
        The analysis of these facilities. With it every reason says what the facility
        could change: the Stadtteil's share within walking distance with the facility at
        its least and its most favourable spot, the others where they are
        (:func:`geo.analysis.position_bounds.facility_range`), e.g. "… ohne Lage: 10,4–54,2 %";
        a facility that cannot change the share by :data:`NO_CHANGE_PP` percentage points or
        more (none of its possible spots reaches the Stadtteil's people differently) is no
        gap there.

    Returns
    -------
    pandas.DataFrame
        Index ``stadtteil_nr`` (all Stadtteile): ``datenluecke`` (bool),
        ``datenluecke_grund`` (German, empty without a gap) and ``datenluecke_klartext``
        (the same in plain words, for the Seniorenbeirat). A counted facility without
        position flags the Stadtteil it is counted in; one with ``Lage ± r`` above the
        walking threshold flags every Stadtteil within ``r`` + the straight-line walking
        reach (threshold ÷ detour) of its point.
    """
    counted = selection.select(facilities)
    reasons: dict[str, list[str]] = {nr: [] for nr in stadtteile.index}
    plain: dict[str, list[str]] = {nr: [] for nr in stadtteile.index}
    unplaced = _unplaced(counted)
    for row in counted[unplaced].itertuples():
        if row.stadtteil_nr in reasons:
            change = _could_change(access, str(row.id), row.stadtteil_nr)
            if change is not None:
                reasons[row.stadtteil_nr].append(f"{row.name} ohne Lage{change}")
                plain[row.stadtteil_nr].append(
                    f"Lage von „{row.name}“ unbekannt" + _plain_change(change)
                )
    reach = params.max_straight_m
    radius = pd.to_numeric(counted["lage_genauigkeit_m"], errors="coerce")
    vague = counted[~unplaced & (radius > params.max_walk_m)]
    for row in vague.itertuples():
        r = float(row.lage_genauigkeit_m)
        near = stadtteile.geometry.distance(row.geometry) <= r + reach
        for nr in stadtteile.index[near]:
            change = _could_change(access, str(row.id), nr)
            if change is not None:
                reasons[nr].append(f"{row.name} Lage ± {format_number(r)} m{change}")
                plain[nr].append(
                    f"„{row.name}“ nur auf {format_number(r)} m genau verortet"
                    + _plain_change(change)
                )
    out = pd.DataFrame(index=stadtteile.index)
    out["datenluecke"] = [bool(reasons[nr]) for nr in out.index]
    out["datenluecke_grund"] = ["; ".join(reasons[nr]) for nr in out.index]
    out["datenluecke_klartext"] = ["; ".join(plain[nr]) for nr in out.index]
    return out


def _plain_change(change: str) -> str:
    """``": 10,4–54,2 %"`` in words for the Seniorenbeirat."""
    if not change:
        return ""
    return f" – je nachdem, wo sie liegt, wohnen {change.removeprefix(': ')} nah genug"


def _could_change(access: AccessResult | None, facility_id: str, nr: str) -> str | None:
    """``": 10,4–54,2 %"`` – the Stadtteil's share as the facility alone moves.

    ``""`` when it cannot be measured (no analysis, nobody placed), None when the
    facility cannot change the share (no gap for this Stadtteil).
    """
    positions = None if access is None else access.positions
    if positions is None or facility_id not in positions.ids or nr not in access.coverage.index:
        return ""
    placed = access.coverage.at[nr, "verortet"]
    if not placed or pd.isna(placed):
        return ""
    cells = access.cells
    inside = (cells["stadtteil_nr"] == nr).to_numpy()
    low, high = facility_range(
        positions, positions.ids.index(facility_id), cells["nachfrage"].to_numpy(), inside
    )
    low, high = low / placed * 100, high / placed * 100
    if high - low < NO_CHANGE_PP:
        return None
    return f": {format_number(low, 1)}–{format_number(high, 1)} %"


def site_warnings(
    access: AccessResult,
    site_xy: np.ndarray,
    site_area: str | None,
    area_name: str,
    closed: frozenset[str] = frozenset(),
) -> list[str]:
    """Warnings for a new place that may sit on top of a counted place of unknown position.

    A new place is suspect where a counted place could already be: in a Stadtteil that
    holds a counted place without position, or within the ``Lage ± r`` of an approximate
    one. Each warning names the place and how small the new place's gain could be if that
    place lay in its least favourable spot for it (where it reaches most of the people the
    new place would add).

    Parameters
    ----------
    access : AccessResult
        The situation the new place is added to (its counted places and cells).
    site_xy : numpy.ndarray
        ``(2,)`` the new place (EPSG:25832).
    site_area : str or None
        Its Stadtteil number.
    area_name : str
        Its Stadtteil's name (for the text).
    closed : frozenset of str
        Ids of places the scenario closes (no warning about them).

    Returns
    -------
    list of str
        German sentences (empty: nothing suspect).
    """
    options, params = access.positions, access.params
    if options is None:
        return []
    site = np.asarray(site_xy, dtype=float).reshape(1, 2)
    people = np.nan_to_num(access.cells["nachfrage"].to_numpy(dtype=float), nan=0.0)
    rows, _, _ = params.metric.pairs_within(xy(access.cells), site, params.max_walk_m)
    reached = np.zeros(len(people), dtype=bool)
    reached[rows] = True
    count = options.central_count(len(people))
    gain = float((people * reached * (count == 0)).sum())
    out = []
    for f, kind in enumerate(options.kinds):
        if options.ids[f] in closed:
            continue
        if kind == UNPLACED:
            if site_area is None or options.areas[f] != str(site_area):
                continue
            where = f"In {area_name} zählt „{options.names[f]}“ ohne bekannte Lage"
        elif kind == APPROXIMATE:
            distance = float(np.hypot(*(options.spots[f][0] - site[0])))
            if distance > options.radius[f]:
                continue
            where = (
                f"Der Standort liegt im Lagebereich von „{options.names[f]}“ (Lage ± "
                f"{format_number(options.radius[f])} m, {format_number(distance)} m vom "
                "angegebenen Punkt)"
            )
        else:
            continue
        worst = _worst_gain(options, f, count, people * reached)
        out.append(
            f"{where}: Der neue Standort könnte neben dieser Einrichtung liegen. Läge sie "
            f"ungünstig, kämen statt {format_number(gain)} nur {format_number(min(worst, gain))} "
            "Personen hinzu. Lage klären (Seite „Einrichtungen pflegen“)."
        )
    return out


def _worst_gain(options, f: int, count: np.ndarray, reached_people: np.ndarray) -> float:
    """People a new place adds when facility ``f`` lies where it takes most of them."""
    without = count.copy()
    if options.central[f] >= 0:
        without[options.reached(f, options.central[f])] -= 1
    free = reached_people * (without == 0)
    if not len(options.spots[f]):
        return float(free.sum())
    return float(free.sum() - (options.cover[f] @ free[options.cells[f]]).max())
