"""Data gaps and new-site warnings of a computed :class:`~scenarios.evaluation.Result`.

The rules live in :mod:`register.completeness` (they need only the facility list and
walking access); here they are applied with a scenario's assumptions and overlay.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from geo.facilities import is_new
from geo.io.package import DataPackage
from register.completeness import data_gaps, site_warnings
from scenarios.evaluation import Result


def result_gaps(package: DataPackage, result: Result, *, after: bool = True) -> pd.DataFrame:
    """:func:`data_gaps` for a computed :class:`~scenarios.evaluation.Result` (its assumptions).

    Parameters
    ----------
    package : geo.io.package.DataPackage
        The package the result was computed on.
    result : scenarios.evaluation.Result
        The figures.
    after : bool
        The situation with the scenario (places it closes are no gap any more) instead of
        the status quo.
    """
    facilities = package.einrichtungen
    if after and result.overlay.removed:
        facilities = facilities[~facilities["id"].isin(result.overlay.removed)]
    access = result.after if after else result.before
    return data_gaps(
        facilities,
        package.stadtteile,
        result.assumptions.selection,
        result.assumptions.params,
        access=access,
    )


def new_site_warnings(result: Result) -> list[list[str]]:
    """:func:`site_warnings` for every new place of a scenario, in the order of ``added``.

    Each is measured against the status quo (``result.before``): the counted places the
    planner could not see because their position is unknown or vague.

    Parameters
    ----------
    result : scenarios.evaluation.Result
        The scenario's figures.

    Returns
    -------
    list of list of str
        One list of warnings per new place (empty lists: nothing suspect).
    """
    sites = result.after.sites
    new = sites[is_new(sites)]
    closed = frozenset(result.overlay.removed)
    out = []
    for i in range(len(result.overlay.added)):
        if i >= len(new):
            out.append([])
            continue
        row = new.iloc[i]
        point = np.array([row.geometry.x, row.geometry.y])
        out.append(
            site_warnings(result.before, point, row["stadtteil_nr"], str(row["stadtteil"]), closed)
        )
    return out
