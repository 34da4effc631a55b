"""The Standortsimulation map: a base drawn once, and layers that follow the scenario.

The base (:func:`layered_base`) holds what never changes on the page: Stadtteil
boundaries and names, and the geometry of the 100 m grid in a compact form. Everything
that depends on the scenario – which cells are covered before and after, existing, closed,
new, candidate and proposed places, the legend – is one feature group
(:func:`simulation_layers`) that streamlit-folium swaps in the open map
(``feature_group_to_add``): a click updates the map in place and the planner's zoom and
pan stay. The drawing itself is done by ``static/begegnungsatlas/karte.js``; the cells are
painted on one canvas above the Stadtteile and below the pins.
"""

from __future__ import annotations

import base64
from collections.abc import Collection
from dataclasses import dataclass

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer

from geo.analysis.access_kernel import WalkParams
from geo.analysis.barrier import Crossing
from geo.crs import METRIC_CRS, ZENSUS_CRS, lonlat_to_metric, to_metric
from geo.facilities import is_new
from indicators.format import format_number, format_short
from maps.base import (
    Call,
    LabelOrder,
    base_map,
    encode_polyline,
    label_points,
    with_priority,
)
from maps.builders import bounds_lonlat
from maps.layers import CATEGORY_STYLE, barrier_legend

#: Cell states of the before/after map (colour, legend label); Okabe-Ito colours.
CHANGE_STYLE = {
    "vorher": ("#56B4E9", "schon vorher fußläufig versorgt"),
    "neu": ("#009E73", "neu fußläufig versorgt"),
    "verloren": ("#D55E00", "nicht mehr fußläufig versorgt"),
}
NEW_SITE_COLOR = "#CC79A7"
TRANSIT_COLOR = "#F0E442"
REMOVED_COLOR = "#666666"
CANDIDATE_COLOR = "#ffffff"
PROPOSAL_COLOR = "#ffffff"
CELL_OPACITY = 0.75
#: What a click on a pin of the simulation map says (a click on a pin places no site).
PIN_HINTS = {
    "neu": "Neuer Standort des Szenarios. Entfernen: „entfernen“ in der Liste „Neue Standorte“ "
    "unter der Karte.",
    "vorschlag": "Vorgeschlagener Standort, noch nicht im Szenario. Übernehmen: im Kasten "
    "„Vorschlag“ unter der Karte.",
    "bestand": "Bestehende Einrichtung. Probeweise schließen: Liste „Bestehende Einrichtungen "
    "schließen“ unter der Karte.",
    "geschlossen": "Im Szenario geschlossen. Wieder öffnen: in der Liste „Bestehende "
    "Einrichtungen schließen“ entfernen.",
    "kandidat": "Haus eines anderen Trägers. Übernehmen: „Kandidat hinzufügen“ unter der Karte.",
}
#: Boundaries are simplified to this many metres for the browser (under 2 px up to zoom 15;
#: every computation uses the exact polygons).
OUTLINE_TOLERANCE_M = 5.0
#: Largest error of the grid's corner positions in the browser (cubic fit, metres).
GRID_TOLERANCE_M = 0.5


def change_classes(before: np.ndarray, after: np.ndarray) -> np.ndarray:
    """``"vorher"``, ``"neu"``, ``"verloren"`` or ``""`` (never covered) per cell."""
    before, after = np.asarray(before, bool), np.asarray(after, bool)
    return np.select(
        [before & after, ~before & after, before & ~after],
        ["vorher", "neu", "verloren"],
        default="",
    )


def area_rings(areas: gpd.GeoDataFrame, tolerance_m: float = OUTLINE_TOLERANCE_M) -> list:
    """``[[id, [encoded ring, …]], …]``: Stadtteil boundaries, simplified and encoded.

    Parameters
    ----------
    areas : geopandas.GeoDataFrame
        Polygons indexed by area id (any CRS).
    tolerance_m : float
        Simplification in metres (invisible on screen, a third of the bytes).

    Returns
    -------
    list
    """
    metric = to_metric(areas)
    simple = gpd.GeoSeries(
        shapely.simplify(metric.geometry.values, tolerance_m, preserve_topology=True),
        index=areas.index,
        crs=metric.crs,
    ).to_crs(4326)
    out = []
    for area_id, geom in simple.items():
        rings = []
        for part in getattr(geom, "geoms", [geom]):
            for ring in [part.exterior, *part.interiors]:
                xy = np.asarray(ring.coords)[:, :2]
                rings.append(encode_polyline(xy[:, ::-1]))
        out.append([str(area_id), rings])
    return out


def grid_spec(cells: pd.DataFrame) -> dict:
    """The 100 m grid in compact form for the browser, in the order of ``cells``.

    Cells are runs of neighbours in one row (row step, column step and length as zigzag
    varints, a few bytes per run); the browser turns the corners into lat/lon with a cubic polynomial fitted
    here to the exact transformation (error below :data:`GRID_TOLERANCE_M`).

    Parameters
    ----------
    cells : pandas.DataFrame
        Cells with ``xmin``, ``ymin``, ``xmax``, ``ymax`` in EPSG:3035, in analysis order.

    Returns
    -------
    dict
        ``runs`` (base64), ``x0``, ``y0``, ``step``, ``cx``, ``cy``, ``scale`` and the
        polynomial coefficients ``lat`` and ``lon``.

    Raises
    ------
    ValueError
        If the cells are not squares of one regular grid.
    """
    xmin, ymin = cells["xmin"].to_numpy(float), cells["ymin"].to_numpy(float)
    sizes = np.unique(np.round(cells["xmax"].to_numpy(float) - xmin, 6))
    if len(cells) == 0 or len(sizes) != 1 or sizes[0] <= 0:
        raise ValueError("Die Zellen bilden kein regelmäßiges Gitter.")
    step = float(sizes[0])
    x0, y0 = float(xmin.min()), float(ymin.min())
    col, row = (xmin - x0) / step, (ymin - y0) / step
    if not (np.allclose(col, np.round(col)) and np.allclose(row, np.round(row))):
        raise ValueError("Die Zellen bilden kein regelmäßiges Gitter.")
    col, row = np.round(col).astype(int), np.round(row).astype(int)
    if max(col.max(), row.max()) >= 2**16:
        raise ValueError("Das Gitter ist zu groß für die Karte.")
    # Runs: consecutive cells (in analysis order) in one row with consecutive columns.
    starts = np.r_[True, (row[1:] != row[:-1]) | (col[1:] != col[:-1] + 1)]
    first = np.flatnonzero(starts)
    lengths = np.diff(np.r_[first, len(col)])
    runs = varints(_run_deltas(row[first], col[first], lengths))
    x1, y1 = x0 + (col.max() + 1) * step, y0 + (row.max() + 1) * step
    cx, cy, scale = (x0 + x1) / 2, (y0 + y1) / 2, max(x1 - x0, y1 - y0, step) / 2
    lat, lon = _fit_cubic(x0, y0, x1, y1, cx, cy, scale)
    return {
        "runs": base64.b64encode(runs).decode("ascii"),
        "x0": x0,
        "y0": y0,
        "step": step,
        "cx": cx,
        "cy": cy,
        "scale": scale,
        "lat": lat,
        "lon": lon,
    }


def _run_deltas(rows: np.ndarray, cols: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Runs as zigzag deltas ``[row step, column step from the previous run's end, length]``."""
    prev_row = np.r_[0, rows[:-1]]
    prev_end = np.r_[0, (cols + lengths)[:-1]]
    deltas = np.column_stack([rows - prev_row, cols - prev_end, lengths]).astype(np.int64).ravel()
    return (deltas << 1) ^ (deltas >> 63)  # zigzag: small magnitudes, small numbers


def varints(values: np.ndarray) -> bytes:
    """Unsigned LEB128 encoding of non-negative integers (1 byte below 128)."""
    out = bytearray()
    for value in np.asarray(values, dtype=np.int64).tolist():
        while value >= 0x80:
            out.append((value & 0x7F) | 0x80)
            value >>= 7
        out.append(value)
    return bytes(out)


def _terms(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    return np.column_stack(
        [np.ones_like(u), u, v, u * u, u * v, v * v, u**3, u * u * v, u * v * v, v**3]
    )


def _fit_cubic(x0, y0, x1, y1, cx, cy, scale) -> tuple[list[float], list[float]]:
    """Cubic polynomials (lat, lon) of the grid coordinates, checked against the exact ones."""
    to_wgs = Transformer.from_crs(ZENSUS_CRS, "EPSG:4326", always_xy=True)
    gx, gy = np.meshgrid(np.linspace(x0, x1, 25), np.linspace(y0, y1, 25))
    lon, lat = to_wgs.transform(gx.ravel(), gy.ravel())
    design = _terms((gx.ravel() - cx) / scale, (gy.ravel() - cy) / scale)
    c_lat = np.linalg.lstsq(design, lat, rcond=None)[0]
    c_lon = np.linalg.lstsq(design, lon, rcond=None)[0]
    # Check between the fitting points, in metres.
    tx, ty = np.meshgrid(np.linspace(x0, x1, 37), np.linspace(y0, y1, 37))
    t_lon, t_lat = to_wgs.transform(tx.ravel(), ty.ravel())
    test = _terms((tx.ravel() - cx) / scale, (ty.ravel() - cy) / scale)
    err_lat = (test @ c_lat - t_lat) * 111_320
    err_lon = (test @ c_lon - t_lon) * 111_320 * np.cos(np.radians(t_lat))
    if np.hypot(err_lat, err_lon).max() > GRID_TOLERANCE_M:
        raise ValueError("Das Gitter ist zu ausgedehnt für die vereinfachte Darstellung.")
    return [float(c) for c in c_lat], [float(c) for c in c_lon]


def bits(mask: np.ndarray) -> str:
    """A boolean mask over the cells as base64 bits (little-endian bit order)."""
    packed = np.packbits(np.asarray(mask, dtype=bool), bitorder="little")
    return base64.b64encode(packed.tobytes()).decode("ascii")


@dataclass(frozen=True)
class BaseData:
    """What the simulation map's base needs, prepared once per data package.

    Attributes
    ----------
    bounds : tuple of float
        ``(west, south, east, north)`` of the Stadtteile.
    grid : dict or None
        :func:`grid_spec` of the analysed cells (None: a map of areas only).
    rings : list
        :func:`area_rings` of the Stadtteile.
    labels : list
        :func:`maps.base.label_points` of the Stadtteile.
    """

    bounds: tuple[float, float, float, float]
    grid: dict | None
    rings: list
    labels: list


def base_data(areas: gpd.GeoDataFrame, cells: pd.DataFrame | None = None) -> BaseData:
    """Prepare the base of the simulation map (callers cache it per package).

    Parameters
    ----------
    areas : geopandas.GeoDataFrame
        Stadtteil polygons (index = ``stadtteil_nr``).
    cells : pandas.DataFrame, optional
        The analysed cells (with their EPSG:3035 bounds), in analysis order; without them
        the base holds the areas only (e.g. the class map of the under-served index).

    Returns
    -------
    BaseData
    """
    grid = None if cells is None else grid_spec(cells)
    return BaseData(bounds_lonlat(areas), grid, area_rings(areas), label_points(areas))


def layered_base(
    data: BaseData,
    *,
    basemap: bool = True,
    labels: bool = True,
    large: bool = False,
    label_order: LabelOrder | None = None,
) -> folium.Map:
    """The part of a layered map that stays while the planner works (areas, names, grid).

    Parameters
    ----------
    data : BaseData
        From :func:`base_data`.
    basemap, labels, large : bool
        Basemap, Stadtteil names, larger type (presentation mode).
    label_order : maps.base.LabelOrder, optional
        Order in which the names are placed and which must be shown (default: by area,
        all).

    Returns
    -------
    folium.Map
    """
    m = base_map(data.bounds, basemap=basemap, large=large)
    if data.grid is not None:
        m.add_child(Call("setGrid", data.grid))
    m.add_child(Call("areas", {"areas": data.rings, "color": "#333", "weight": 1.2}))
    if labels:
        m.add_child(Call("labels", with_priority(data.labels, label_order)))
    return m


_TO_WGS84 = Transformer.from_crs(METRIC_CRS, "EPSG:4326", always_xy=True)


def _rows(frame: gpd.GeoDataFrame | None) -> list[dict]:
    """Located rows as plain dicts with ``lat``/``lon`` (fast: no iterrows).

    Facilities and new sites carry their WGS84 position in ``lat``/``lon``; other frames
    are transformed once.
    """
    if frame is None or not len(frame):
        return []
    geom = frame.geometry
    located = (
        frame
        if geom.notna().all() and not geom.is_empty.any()
        else frame[geom.notna() & ~geom.is_empty]
    )
    if not len(located):
        return []
    if {"lat", "lon"} <= set(located.columns) and located[["lat", "lon"]].notna().all().all():
        lat, lon = located["lat"].to_numpy(float), located["lon"].to_numpy(float)
    else:
        metric = located.to_crs(METRIC_CRS) if located.crs != METRIC_CRS else located
        lon, lat = _TO_WGS84.transform(metric.geometry.x.to_numpy(), metric.geometry.y.to_numpy())
    columns = [c for c in ("name", "kategorie", "lage_genauigkeit_m", "gewinn") if c in located]
    rows = located[columns].to_dict("records")
    for row, y, x in zip(rows, lat, lon, strict=True):
        row["lat"], row["lon"] = round(float(y), 6), round(float(x), 6)
    return rows


def _pin(row: dict, kind: str, tooltip: str, color: str, symbol=None, label=None) -> list:
    return [row["lat"], row["lon"], kind, tooltip, color, symbol, label]


def _reach_outline(row: dict, params: WalkParams) -> list | None:
    """``[[lat, lon], …]`` rings of a site's catchment where the Elbe cuts its circle.

    None (the browser draws the plain circle) without a barrier or when the circle does not
    touch a barrier line, so a click away from the river sends no more data than before.
    """
    if params.barrier is None:
        return None
    at = lonlat_to_metric([row["lon"]], [row["lat"]])[0]
    disk = shapely.Point(at).buffer(params.max_straight_m)
    if not any(disk.intersects(line) for line in params.barrier.lines.values()):
        return None
    rings = []
    # 5 m simplification: a few dozen points per outline (positions are approximate anyway).
    area = params.metric.reach(at, params.max_walk_m).simplify(5.0)
    for part in shapely.get_parts(area):
        lon, lat = _TO_WGS84.transform(*np.asarray(part.exterior.coords).T)
        rings.append([[round(a, 5), round(b, 5)] for a, b in zip(lat, lon, strict=True)])
    return rings


def _with_reach(pin: list, row: dict, params: WalkParams) -> list:
    outline = _reach_outline(row, params)
    return pin if outline is None else [*pin, outline]


def existing_pins(sites: gpd.GeoDataFrame | None) -> list:
    """Pins of existing places (colour and symbol by category, position accuracy named)."""
    pins = []
    for row in _rows(sites):
        radius = row.get("lage_genauigkeit_m")
        hint = f" (Lage ± {format_number(radius)} m)" if pd.notna(radius) and radius else ""
        color, symbol = CATEGORY_STYLE.get(row.get("kategorie"), ("#555555", "fa-circle"))
        pins.append(_pin(row, "bestand", f"{row['name']}{hint}", color, symbol))
    return pins


def fill_data(
    colors: pd.Series,
    tooltip: pd.DataFrame,
    legend_title: str,
    legend: list[tuple[str, str]],
    *,
    note: str | None = None,
    highlight: Collection[str] = (),
    facilities: gpd.GeoDataFrame | None = None,
) -> dict:
    """Layer data of areas filled by class (for a base of :func:`base_data` without grid).

    Parameters
    ----------
    colors : pandas.Series
        Fill colour per area id.
    tooltip : pandas.DataFrame
        Tooltip rows per area id (German labels as columns, text set as text).
    legend_title : str
        Legend heading.
    legend : list of (colour, label)
        Legend entries.
    note : str, optional
        Small print in the legend.
    highlight : collection of str
        Area ids outlined thick.
    facilities : geopandas.GeoDataFrame, optional
        Places drawn as pins.

    Returns
    -------
    dict
        Data for :func:`layers`.
    """
    marked = set(highlight)
    labels = list(tooltip.columns)
    fills = [
        [
            str(area_id),
            str(color),
            4 if area_id in marked else 1,
            [[label, str(tooltip.at[area_id, label])] for label in labels]
            if area_id in tooltip.index
            else [],
        ]
        for area_id, color in colors.items()
    ]
    return {
        "fills": fills,
        "pins": existing_pins(facilities),
        "legend": {
            "title": legend_title,
            "entries": [[e[0], e[1], e[2] if len(e) > 2 else ""] for e in legend],
            "note": note or "",
        },
    }


def layer_data(
    before: np.ndarray,
    after: np.ndarray,
    sites: gpd.GeoDataFrame,
    removed: gpd.GeoDataFrame,
    params: WalkParams,
    *,
    candidates: gpd.GeoDataFrame | None = None,
    proposal: gpd.GeoDataFrame | None = None,
    proposal_taken: list[bool] | None = None,
    transit_gain: np.ndarray | None = None,
    transit_label: str = "",
    closed: Collection[Crossing] = (),
) -> dict:
    """The data of everything on the simulation map that follows the scenario.

    Parameters
    ----------
    before, after : numpy.ndarray
        Covered (bool) per analysed cell without and with the scenario.
    sites : geopandas.GeoDataFrame
        Counted places of the scenario (new ones: column ``neu`` True).
    removed : geopandas.GeoDataFrame
        Places switched off.
    params : WalkParams
        Threshold (ring radius) and detour.
    candidates : geopandas.GeoDataFrame, optional
        Candidate places (houses of other operators) as small dots.
    proposal : geopandas.GeoDataFrame, optional
        Proposed sites (``name``, ``gewinn``), shown numbered before they are taken over.
    proposal_taken : list of bool, optional
        Per proposed site: already taken over (then it is a new site, not a preview).
    transit_gain : numpy.ndarray, optional
        Cells newly within the Bus & Bahn threshold.
    transit_label : str
        Legend text of that layer.
    closed : collection of geo.analysis.barrier.Crossing
        Bridges the scenario closes (named in the legend of the Elbe layer).

    Returns
    -------
    dict
        The JSON-ready data of :func:`layers` (cells as bit masks, pins, ring, legend).
    """
    cells, entries = _change_cells(before, after, transit_gain, transit_label)
    new_mask = is_new(sites)
    pins = existing_pins(sites[~new_mask])
    for row in _rows(removed):
        text = f"geschlossen im Szenario: {row['name']}"
        pins.append(_pin(row, "geschlossen", text, REMOVED_COLOR, "fa-xmark"))
    if candidates is not None and len(candidates):
        for row in _rows(candidates):
            pins.append(_pin(row, "kandidat", f"Kandidat: {row['name']}", CANDIDATE_COLOR))
        entries.append(["#ffffff", "Kandidat (Haus eines anderen Trägers)", "punkt"])
    for row in _rows(sites[new_mask]):
        pin = _pin(row, "neu", f"neu: {row['name']}", NEW_SITE_COLOR, "fa-star")
        pins.append(_with_reach(pin, row, params))
    shape = "Kreis, an der Elbe nur über Brücken" if params.barrier else "Kreis"
    entries.append([NEW_SITE_COLOR, f"neuer Standort ({shape}: Gehdistanz)", "ring"])
    entries += [list(e) for e in barrier_legend(params.barrier, closed)]
    if proposal is not None and len(proposal):
        pins += _proposal_pins(proposal, proposal_taken, params)
        entries.append(["#ffffff", "Vorschlag, noch nicht übernommen", "vorschlag"])
    if len(removed):
        entries.append([REMOVED_COLOR, "geschlossen", "ring"])
    note = (
        f"Versorgt: höchstens {format_number(params.max_walk_m)} m Gehweg ({params.label}, "
        f"Umwegfaktor {format_short(params.detour)}). Bestehende Einrichtungen: Lage ungefähr."
    )
    return {
        "cells": cells,
        "pins": pins,
        "ring": round(params.max_straight_m, 1),
        "legend": {"title": "Szenario: vorher / nachher", "entries": entries, "note": note},
        "hints": PIN_HINTS,
    }


def _change_cells(
    before: np.ndarray, after: np.ndarray, transit_gain: np.ndarray | None, transit_label: str
) -> tuple[list[dict], list[list[str]]]:
    """The cells that changed (and those Bus & Bahn reaches anew) with their legend entries."""
    state = change_classes(before, after)
    cells = [
        {"bits": bits(state == key), "color": color, "opacity": CELL_OPACITY}
        for key, (color, _) in CHANGE_STYLE.items()
        if (state == key).any()
    ]
    entries = [[color, label, ""] for color, label in CHANGE_STYLE.values()]
    if transit_gain is not None:
        cells.insert(0, {"bits": bits(transit_gain), "color": TRANSIT_COLOR, "opacity": 0.8})
        entries.append([TRANSIT_COLOR, transit_label, ""])
    return cells, entries


def _proposal_pins(
    proposal: gpd.GeoDataFrame, proposal_taken: list[bool] | None, params: WalkParams
) -> list[dict]:
    """Numbered pins of the proposed sites not yet taken over, with their reach."""
    pins = []
    taken = proposal_taken or [False] * len(proposal)
    for i, (row, done) in enumerate(zip(_rows(proposal), taken, strict=True), start=1):
        if done:
            continue
        text = (
            f"Vorschlag {i}: {row['name']} – zusätzlich versorgt: "
            f"{format_number(row.get('gewinn'))}"
        )
        pin = _pin(row, "vorschlag", text, PROPOSAL_COLOR, None, str(i))
        pins.append(_with_reach(pin, row, params))
    return pins


def layers(data: dict) -> folium.FeatureGroup:
    """The feature group streamlit-folium swaps into the open map (from :func:`layer_data`)."""
    group = folium.FeatureGroup(name="Szenario", control=False)
    group.add_child(Call("scenario", data, with_layer=True))
    return group


def simulation_layers(*args, **kwargs) -> folium.FeatureGroup:
    """Everything on the simulation map that follows the scenario, as one feature group.

    ``layers(layer_data(...))``; see :func:`layer_data` for the parameters.
    """
    return layers(layer_data(*args, **kwargs))
