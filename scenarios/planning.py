"""Planning by region: the allocation's inputs and the region figures from a computed result.

A thin adapter between a computed result (:mod:`scenarios.evaluation`) and the pure rules of
:mod:`indicators.allocation`; it reads only the result's year and its status-quo coverage.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from geo.io.package import DataPackage
from indicators.allocation import region_inputs
from indicators.table import base_frame, meeting_place_counts


def allocation_values(
    package: DataPackage, result, mapping: pd.DataFrame
) -> tuple[pd.DataFrame, dict[str, list[str]]]:
    """Indicator values per region for the allocation (see :func:`region_inputs`).

    ``senioren_unversorgt`` is the target group beyond the walking threshold in the status
    quo, rounded to whole persons.
    """
    base = base_frame(package.statistik, result.year, meeting_place_counts(package))
    return region_inputs(base, result.before.coverage["unversorgt"], mapping)


def facility_counts(result, mapping: pd.DataFrame) -> dict[str, float]:
    """Counted meeting places per region (the Ist when places are what is allocated)."""
    groups = mapping.set_index("stadtteil_nr")["region"]
    counts = result.before.coverage["einrichtungen"].groupby(groups).sum()
    return {region: float(counts.get(region, 0)) for region in dict.fromkeys(mapping["region"])}


def profiles(package: DataPackage, result, mapping: pd.DataFrame):
    """The profile ("Steckbrief") of every region of a set under the result's assumptions.

    Returns
    -------
    list of indicators.region_profile.RegionProfile
    """
    from indicators.region_profile import region_profiles
    from scenarios.evaluation import region_figures
    from scenarios.gaps import result_gaps

    figures = region_figures(package, result, mapping)
    places = package.einrichtungen
    facilities = pd.DataFrame(
        {
            "stadtteil_nr": places["stadtteil_nr"].to_numpy(),
            "kategorie": places["kategorie"].to_numpy(),
            "typ": places["typ"].to_numpy(),
            "in_betrieb": places["in_betrieb"].to_numpy(),
            "located": [g is not None and not g.is_empty for g in places.geometry],
        }
    )
    return region_profiles(
        mapping,
        package.statistik,
        result.year,
        facilities,
        result.before.coverage,
        figures.coverage,
        figures.ranking,
        result_gaps(package, result, after=False),
        max_walk_m=result.assumptions.params.max_walk_m,
        target_label=result.before.target.label,
    )


def facility_surroundings(package: DataPackage, result) -> pd.DataFrame:
    """The Umfeld of every counted place with a position (status quo, the result's assumptions).

    Returns
    -------
    pandas.DataFrame
        Per place (index ``id``): ``name``, ``stadtteil``, ``lage_genauigkeit_m``, people
        per age group within the walking threshold (``umfeld_alter_0_6`` …), ``umfeld_zielgruppe``,
        ``naechster_treffpunkt_fuer`` (target group with it as nearest place),
        ``ueberschneidung`` (other places reaching the same people, with how many, largest
        first) and ``ueberschneidung_personen``.
    """
    from geo.analysis.surroundings import cell_age_people, surroundings_kernel
    from indicators.profile import AGE_GROUPS

    access = result.before
    cells, sites = access.cells, access.sites
    columns = list(AGE_GROUPS)
    if sites.empty:
        return pd.DataFrame()
    cells_xy = np.column_stack([cells.geometry.x, cells.geometry.y])
    sites_xy = np.column_stack([sites.geometry.x, sites.geometry.y])
    walk = access.params.metric.pairwise(cells_xy, sites_xy)
    people = cell_age_people(cells, package.statistik, result.year, columns)
    within, target, nearest_for, shared = surroundings_kernel(
        walk,
        people,
        cells["nachfrage"].to_numpy(dtype=float),
        cells["naechste"].to_numpy(dtype=int),
        access.params.max_walk_m,
    )
    names = sites["name"].astype(str).to_numpy()
    out = pd.DataFrame(index=pd.Index(sites["id"].to_numpy(), name="id"))
    out["name"] = names
    out["stadtteil"] = sites["stadtteil_nr"].map(package.stadtteile["stadtteil"]).to_numpy()
    out["lage_genauigkeit_m"] = sites["lage_genauigkeit_m"].to_numpy()
    for i, column in enumerate(columns):
        out[f"umfeld_{column}"] = np.round(within[:, i])
    out["umfeld_zielgruppe"] = np.round(target)
    out["naechster_treffpunkt_fuer"] = np.round(nearest_for)
    overlaps = []
    for row in shared:
        order = [j for j in np.argsort(-row) if row[j] >= 0.5]
        overlaps.append("; ".join(f"{names[j]} ({row[j]:.0f})" for j in order))
    out["ueberschneidung"] = overlaps
    out["ueberschneidung_personen"] = np.round(shared.sum(axis=1))
    return out
