"""Placing a new site: where it may go and what it is called.

Every way a site enters a scenario – a map click, a candidate from the list, a proposal of
the optimiser – goes through :func:`place`: the position is checked where it enters (inside
the city, not in water once water areas are known, not on top of another new site), so a
scenario that the analysis cannot evaluate is never built, and the site gets a name a
planner recognises (:mod:`geo.analysis.site_names`).
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from geo.analysis.site_names import site_names, stop_labels
from geo.areas import assign_stadtteil, population_centres
from geo.crs import METRIC_CRS, lonlat_to_metric, to_wgs84, xy
from indicators.format import format_number
from scenarios.model import MAX_ADDED, NewSite, Overlay

#: A new site closer than this to another new site is taken for a double click.
DUPLICATE_M = 25.0


to_metric_xy = lonlat_to_metric


def stadtteil_names(points_xy: np.ndarray, stadtteile: gpd.GeoDataFrame) -> list[str | None]:
    """Name of the Stadtteil containing each point (None outside all of them)."""
    xy = np.asarray(points_xy, dtype=float).reshape(-1, 2)
    points = gpd.GeoSeries(shapely.points(xy), crs=METRIC_CRS)
    if not points.crs.equals(stadtteile.crs):
        points = points.to_crs(stadtteile.crs)
    numbers = assign_stadtteil(points, stadtteile)
    names = stadtteile["stadtteil"]
    return [None if pd.isna(nr) else str(names[nr]) for nr in numbers]


def placement_problem(
    overlay: Overlay,
    point_xy: np.ndarray,
    stadtteil: str | None,
    *,
    water: BaseGeometry | None = None,
    duplicate_m: float = DUPLICATE_M,
) -> str | None:
    """Why a new site cannot go here (German, for ``st.warning``), or None if it can.

    Parameters
    ----------
    overlay : Overlay
        The overlay the site would join.
    point_xy : numpy.ndarray
        ``(2,)`` position (EPSG:25832).
    stadtteil : str or None
        Name of the Stadtteil at the position (None: outside the city). A Stadtteil
        without residents is fine.
    water : shapely geometry, optional
        Water areas (EPSG:25832) where no site can stand. The data package has none yet;
        pass them here once it does.
    duplicate_m : float
        Minimum distance to the overlay's other new sites.

    Returns
    -------
    str or None
    """
    x, y = (float(v) for v in np.asarray(point_xy, dtype=float).reshape(2))
    if stadtteil is None:
        return (
            "Der Punkt liegt außerhalb des Stadtgebiets; dort kann kein Standort geplant "
            "werden. Bitte innerhalb eines Stadtteils klicken."
        )
    if water is not None and not water.is_empty and water.covers(shapely.Point(x, y)):
        return "Der Punkt liegt im Wasser. Bitte an Land klicken."
    if len(overlay.added) >= MAX_ADDED:
        return (
            f"Ein Szenario kann höchstens {MAX_ADDED} neue Standorte enthalten. Bitte erst "
            "einen Standort entfernen."
        )
    if overlay.added:
        others = to_metric_xy(
            np.array([s.lon for s in overlay.added]), np.array([s.lat for s in overlay.added])
        )
        gaps = np.hypot(others[:, 0] - x, others[:, 1] - y)
        nearest = int(np.argmin(gaps))
        if gaps[nearest] < duplicate_m:
            return (
                f"Hier steht schon der neue Standort „{overlay.added[nearest].name}“ "
                f"({format_number(gaps[nearest])} m entfernt); der Klick wird nicht als zweiter "
                "Standort gezählt."
            )
    return None


def place(
    overlay: Overlay,
    lon: float,
    lat: float,
    stadtteile: gpd.GeoDataFrame,
    stops: gpd.GeoDataFrame | None = None,
    *,
    source: str = "karte",
    ref: str = "",
    name: str | None = None,
    water: BaseGeometry | None = None,
) -> Overlay:
    """The overlay with one more site at ``(lon, lat)``, checked and named.

    Parameters
    ----------
    overlay : Overlay
        The current overlay (not changed).
    lon, lat : float
        WGS84 position.
    stadtteile : geopandas.GeoDataFrame
        Stadtteil polygons (index ``stadtteil_nr``, column ``stadtteil``).
    stops : geopandas.GeoDataFrame, optional
        Stops of the timetable (``name``, points in EPSG:25832) for the name.
    source, ref : str
        How the site was placed (see :data:`scenarios.model.SOURCES`) and where it came from.
    name : str, optional
        Keep this name (e.g. a candidate's own name) instead of naming by the stop.
    water : shapely geometry, optional
        Water areas (see :func:`placement_problem`).

    Returns
    -------
    Overlay

    Raises
    ------
    ValueError
        German message (for ``st.warning``) when the site cannot go there; the scenario
        is then unchanged.
    """
    if not (np.isfinite(lon) and np.isfinite(lat)):
        raise ValueError("Die Position des Standorts ist ungültig.")
    point = to_metric_xy(np.array([lon]), np.array([lat]))
    area = stadtteil_names(point, stadtteile)[0]
    problem = placement_problem(overlay, point[0], area, water=water)
    if problem:
        raise ValueError(problem)
    if not name:
        name = name_sites(
            point,
            [area],
            stops,
            taken=[s.name for s in overlay.added],
            first_number=len(overlay.added) + 1,
        )[0]
    return overlay.with_site(NewSite(name, float(lon), float(lat), source, ref))


def name_sites(
    points_xy: np.ndarray,
    stadtteile: list[str | None],
    stops: gpd.GeoDataFrame | None,
    *,
    taken: list[str] | tuple[str, ...] = (),
    first_number: int = 1,
) -> list[str]:
    """:func:`geo.analysis.site_names.site_names` with the stops of a timetable (or none)."""
    if stops is None or not len(stops):
        return site_names(points_xy, stadtteile, taken=taken, first_number=first_number)
    stops_xy = np.column_stack([stops.geometry.x.to_numpy(), stops.geometry.y.to_numpy()])
    return site_names(
        points_xy,
        stadtteile,
        stops_xy,
        stop_labels(stops["name"].astype(str).tolist()),
        taken=taken,
        first_number=first_number,
    )


def stadtteil_centres(package) -> dict[str, tuple[float, float]]:
    """Lon/lat of the population-weighted centre of every populated Stadtteil.

    The position a place "in the Stadtteil" gets (e.g. a meeting place of a village's
    Bürgerverein whose address is not known): the populated cell from which its residents
    walk least in total (:func:`geo.areas.population_centres`; across the Elbe only via
    bridges) – never a field the polygon's centre may fall in.

    Parameters
    ----------
    package : geo.io.package.DataPackage
        The data package.

    Returns
    -------
    dict
        ``stadtteil_nr`` -> ``(lon, lat)`` in WGS84.
    """
    zensus = package.zensus
    centres = population_centres(
        xy(zensus),
        zensus["einwohner"].to_numpy(),
        zensus["stadtteil_nr"].to_numpy(),
        package.walk_metric(1.0),
    )
    if not centres:
        return {}
    numbers = [nr for nr in package.stadtteile.index if nr in centres]
    points = np.array([centres[nr] for nr in numbers])
    wgs = to_wgs84(gpd.GeoSeries(shapely.points(points), crs=METRIC_CRS))
    return {nr: (float(p.x), float(p.y)) for nr, p in zip(numbers, wgs.geometry, strict=True)}


def find_stadtteil(stadtteile: gpd.GeoDataFrame, text: str) -> str:
    """The number of a Stadtteil given by number ("06") or name ("Neue Neustadt").

    Raises
    ------
    ValueError
        German message naming the value and how to find the allowed ones.
    """
    key = " ".join(str(text).split())
    if key.zfill(2) in stadtteile.index:
        return key.zfill(2)
    names = stadtteile["stadtteil"].astype(str)
    match = names[names.str.casefold() == key.casefold()]
    if len(match):
        return str(match.index[0])
    raise ValueError(
        f"Unbekannter Stadtteil „{key}“. Erlaubt: die Nummer (z. B. "
        f"{stadtteile.index[0]}) oder der Name, wie ihn „begegnungsatlas indicators“ listet."
    )
