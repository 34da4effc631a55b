"""Planning by region: the allocation's inputs and the region figures from a computed result.

A thin adapter between a computed result (:mod:`scenarios.result`) and the pure rules of
:mod:`indicators.allocation`; it reads only the result's year and its status-quo coverage.
"""

from __future__ import annotations

import pandas as pd

from geo.package import DataPackage
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
    from register.completeness import result_gaps
    from scenarios.result import region_figures

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
        max_walk_m=result.scenario.params.max_walk_m,
        target_label=result.before.target.label,
    )
