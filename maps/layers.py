"""Map layers: Stadtteil choropleth and facility markers."""

from __future__ import annotations

from collections.abc import Collection

import folium
import geopandas as gpd
import numpy as np
import pandas as pd

from geo.analysis.access_kernel import WalkParams
from geo.analysis.barrier import Barrier, Crossing
from geo.crs import METRIC_CRS, to_wgs84
from geo.facilities import CATEGORIES, IN_BETRIEB, LAGE_METHODE, OEFFENTLICH
from indicators.format import format_number
from maps.base import Call, encode_polyline, esc
from maps.classify import MISSING_COLOR

#: CSS class of Stadtteil polygons (browser tests count these paths).
STADTTEIL_CLASS = "ba-stadtteil"
#: Okabe-Ito colours (colour-blind safe) and Font Awesome icons per facility category.
CATEGORY_STYLE: dict[str, tuple[str, str]] = {
    "senioren_begegnung": ("#0072B2", "fa-people-group"),
    "generationen": ("#009E73", "fa-house-user"),
    "kinder_jugend": ("#E69F00", "fa-child"),
    "pflege": ("#CC79A7", "fa-bed"),
}


def add_choropleth(
    m: folium.Map,
    areas: gpd.GeoDataFrame,
    colors: pd.Series,
    tooltip: pd.DataFrame,
    *,
    name: str = "Stadtteile",
    highlight: Collection[str] = (),
    fill_opacity: float = 0.75,
) -> None:
    """Draw classed area polygons with tooltips.

    Parameters
    ----------
    m : folium.Map
        Target map.
    areas : geopandas.GeoDataFrame
        Polygons indexed by area id (any CRS).
    colors : pandas.Series
        Fill colour per area id (see :meth:`maps.classify.Classes.fill_colors`).
    tooltip : pandas.DataFrame
        Rows per area id, columns = German labels, cells = preformatted text (escaped here).
    name : str
        Layer name.
    highlight : collection of str
        Area ids drawn with a thick outline (the selected Stadtteil, the top ranks).
    fill_opacity : float
        Fill opacity (lower lets the basemap show through).
    """
    wgs = to_wgs84(areas)
    labels = list(tooltip.columns)
    marked = {esc(a) for a in highlight}
    features = []
    for area_id, geom in zip(wgs.index, wgs.geometry, strict=True):
        props = {"area_id": esc(area_id), "fill": colors.get(area_id, MISSING_COLOR)}
        row = tooltip.loc[area_id] if area_id in tooltip.index else None
        for i, label in enumerate(labels):
            props[f"f{i}"] = esc(row[label]) if row is not None else ""
        features.append(
            {"type": "Feature", "properties": props, "geometry": geom.__geo_interface__}
        )

    def style(feature: dict) -> dict:
        selected = feature["properties"]["area_id"] in marked
        return {
            "fillColor": feature["properties"]["fill"],
            "fillOpacity": fill_opacity,
            "color": "#111" if selected else "#555",
            "weight": 4 if selected else 1,
            # Per-area class lets browser tests (and CSS) address one Stadtteil.
            "className": f"{STADTTEIL_CLASS} ba-area-{feature['properties']['area_id']}",
        }

    folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        name=name,
        style_function=style,
        highlight_function=lambda _f: {"weight": 3, "color": "#000"},
        tooltip=folium.GeoJsonTooltip(
            fields=[f"f{i}" for i in range(len(labels))],
            aliases=[esc(label) for label in labels],
            sticky=True,
        ),
        zoom_on_click=False,
    ).add_to(m)


def _text(value: object) -> str:
    """Text of a cell; empty for None, NaN and pd.NA."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return str(value).strip()


def facility_popup_html(row: pd.Series) -> str:
    """Popup content for one facility; every value is escaped.

    Parameters
    ----------
    row : pandas.Series
        One facility row.

    Returns
    -------
    str
        HTML fragment.
    """

    def line(label: str, value: object) -> str:
        text = _text(value)
        return f"<tr><th>{esc(label)}</th><td>{esc(text) or '–'}</td></tr>" if text else ""

    accuracy = row.get("lage_genauigkeit_m")
    lage = LAGE_METHODE.get(row.get("lage_methode", ""), row.get("lage_methode", ""))
    if accuracy is not None and not pd.isna(accuracy):
        lage = f"{lage}, Lage ± {format_number(accuracy)} m"
    status = IN_BETRIEB.get(row.get("in_betrieb", ""), "")
    # Uploaded facilities have no reason column: after joining the package's list the cell
    # is NaN (truthy), which must not show up as "– nan".
    reason = _text(row.get("in_betrieb_grund"))
    if reason:
        status = f"{status} – {reason}"
    url = _text(row.get("quelle_url"))
    link = (
        f'<tr><th>Quelle</th><td><a href="{esc(url)}" target="_blank" rel="noopener noreferrer">'
        f"Webseite</a></td></tr>"
        if url.startswith(("https://", "http://"))
        else ""
    )
    rows = "".join(
        [
            line("Art", row.get("typ")),
            line("Träger", row.get("traeger")),
            line("Adresse", row.get("strasse_hausnr")),
            line("Stadtteil", row.get("stadtteil_name") or row.get("stadtteil")),
            line("Kategorie", CATEGORIES.get(row.get("kategorie", ""), row.get("kategorie"))),
            line("Zugang", OEFFENTLICH.get(row.get("oeffentlich", ""), "")),
            line("Betrieb", status),
            line("Lage", lage),
            line("Stand", row.get("stand")),
        ]
    )
    return (
        f'<div style="font-size:13px"><b>{esc(row.get("name"))}</b>'
        f'<table style="margin-top:4px;border-spacing:4px 1px">{rows}{link}</table></div>'
    )


def pin_icon(color: str, icon: str, size: int, classes: str = "") -> folium.DivIcon:
    """A round map pin with a Font Awesome symbol (``classes``: extra CSS classes, escaped)."""
    return folium.DivIcon(
        html=(
            f'<div class="ba-pin {esc(classes)}" style="background:{color};width:{size}px;'
            f'height:{size}px"><i class="fa-solid {icon}"></i></div>'
        ),
        icon_size=(size, size),
        icon_anchor=(size // 2, size // 2),
        class_name="ba-pin-icon",
    )


def add_facilities(
    m: folium.Map,
    facilities: gpd.GeoDataFrame,
    *,
    name: str = "Einrichtungen",
    show_precision: bool = True,
) -> None:
    """Draw facility markers (colour and icon by category) with popups.

    Dashed outline: operation unclear; faded: closed. With ``show_precision`` a dashed
    circle shows the stated position accuracy (``Lage ± r m``).

    Parameters
    ----------
    m : folium.Map
        Target map.
    facilities : geopandas.GeoDataFrame
        Facilities with a position (rows without one are skipped).
    name : str
        Layer name.
    show_precision : bool
        Draw the accuracy circles.
    """
    located = facilities[facilities.geometry.notna() & ~facilities.geometry.is_empty]
    if located.empty:
        return
    wgs = to_wgs84(located)
    group = folium.FeatureGroup(name=name)
    if show_precision:
        for (_, row), point in zip(wgs.iterrows(), wgs.geometry, strict=True):
            radius = row.get("lage_genauigkeit_m")
            if radius is None or pd.isna(radius):
                continue
            color = CATEGORY_STYLE.get(row["kategorie"], ("#555", ""))[0]
            folium.Circle(
                [point.y, point.x],
                radius=float(radius),
                color=color,
                weight=1,
                dash_array="4 4",
                fill=True,
                fill_opacity=0.05,
                interactive=False,
            ).add_to(group)
    for (_, row), point in zip(wgs.iterrows(), wgs.geometry, strict=True):
        color, icon = CATEGORY_STYLE.get(row["kategorie"], ("#555555", "fa-circle"))
        status = str(row.get("in_betrieb", ""))
        accuracy = row.get("lage_genauigkeit_m")
        hint = (
            f" (Lage ± {format_number(accuracy)} m)"
            if accuracy is not None and not pd.isna(accuracy)
            else ""
        )
        folium.Marker(
            [point.y, point.x],
            icon=pin_icon(color, icon, 24, status),
            tooltip=esc(f"{row.get('name')}{hint}"),
            popup=folium.Popup(facility_popup_html(row), max_width=340),
        ).add_to(group)
    group.add_to(m)


#: Style of the Elbe layer: the river lines, walkable crossings and ferries (Okabe-Ito).
BARRIER_COLOR = "#56B4E9"
BRIDGE_COLOR = "#000000"
FERRY_COLOR = "#D55E00"
CLOSED_COLOR = "#888888"  # a crossing closed in the scenario
BARRIER_LAYER = "Elbe und Querungen"


def barrier_features(
    barrier: Barrier, closed: Collection[Crossing] = ()
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """The barrier lines and the crossings in WGS84 with German tooltip texts.

    Parameters
    ----------
    barrier : geo.analysis.barrier.Barrier
        The package's barrier (possibly with a scenario's changes).
    closed : collection of geo.analysis.barrier.Crossing
        Crossings a scenario closed (shown as closed, not walkable).

    Returns
    -------
    lines, crossings : geopandas.GeoDataFrame
        ``text`` per line and per crossing, ``walkable`` and ``closed`` per crossing.
    """
    lines = gpd.GeoDataFrame(
        {"text": [f"{name} – zu Fuß nur über Brücken querbar" for name in barrier.lines]},
        geometry=list(barrier.lines.values()),
        crs=METRIC_CRS,
    )
    kinds = {"bruecke": "Brücke", "fussgaengerbruecke": "Fußgängerbrücke", "faehre": "Fähre"}
    shown = [*barrier.crossings, *closed]
    crossings = gpd.GeoDataFrame(
        {
            "text": [
                f"{c.name} ({kinds[c.art]}{'' if c.walkable else ' – nur Bus & Bahn'})"
                for c in barrier.crossings
            ]
            + [f"{c.name} ({kinds[c.art]} – im Szenario gesperrt)" for c in closed],
            "walkable": [c.walkable for c in barrier.crossings] + [False] * len(closed),
            "closed": [False] * len(barrier.crossings) + [True] * len(closed),
        },
        geometry=gpd.points_from_xy([c.x for c in shown], [c.y for c in shown]),
        crs=METRIC_CRS,
    )
    return to_wgs84(lines), to_wgs84(crossings)


def barrier_legend(barrier: Barrier | None, closed: Collection[Crossing] = ()) -> list[tuple]:
    """Legend entries of the Elbe layer (the line, bridges, ferries, closed bridges).

    Empty without a barrier: a map shows what it draws and explains what it shows.
    """
    if barrier is None:
        return []
    entries = [
        (BARRIER_COLOR, "Elbe (zu Fuß nur über Brücken)", "linie"),
        (BRIDGE_COLOR, "Brücke", "punkt"),
    ]
    if any(not c.walkable for c in barrier.crossings):
        entries.append((FERRY_COLOR, "Fähre (nur Bus & Bahn)", "hohl"))
    if closed:
        entries.append((CLOSED_COLOR, "Brücke im Szenario gesperrt", "punkt"))
    return entries


def barrier_data(barrier: Barrier, closed: Collection[Crossing] = ()) -> dict:
    """Compact JSON of the Elbe layer for ``BA.barrier`` (lines, crossings, styles).

    Parameters
    ----------
    barrier : geo.analysis.barrier.Barrier
        The barrier (possibly with a scenario's changes).
    closed : collection of geo.analysis.barrier.Crossing
        Crossings the scenario closed (drawn grey).

    Returns
    -------
    dict
        ``lines``: ``[[text, encoded polyline], …]``; ``crossings``:
        ``[[lat, lon, text, walkable, closed], …]``; layer name and colours.
    """
    lines, crossings = barrier_features(barrier, closed)
    return {
        "name": BARRIER_LAYER,
        "colors": [BARRIER_COLOR, BRIDGE_COLOR, FERRY_COLOR, CLOSED_COLOR],
        "lines": [
            [text, encode_polyline(np.asarray(line.simplify(5e-5).coords)[:, ::-1])]
            for text, line in zip(lines["text"], lines.geometry, strict=True)
        ],
        "crossings": [
            [round(p.y, 5), round(p.x, 5), text, bool(walkable), bool(shut)]
            for text, walkable, shut, p in zip(
                crossings["text"],
                crossings["walkable"],
                crossings["closed"],
                crossings.geometry,
                strict=True,
            )
        ],
    }


def add_barrier(m: folium.Map, barrier: Barrier | None, closed: Collection[Crossing] = ()) -> None:
    """Draw the Elbe lines and crossings as a layer the planner can switch off.

    Bridges are black dots, ferries hollow orange dots noted as "nur Bus & Bahn"; the names
    are in the tooltips; a layer switch (top left) hides the layer. One compact call to the
    map script (a few KB), so the simulation map stays small. Without a barrier nothing
    happens.

    Parameters
    ----------
    m : folium.Map
        Target map.
    barrier : geo.analysis.barrier.Barrier or None
        The barrier of the analysis (``WalkParams.barrier``).
    closed : collection of geo.analysis.barrier.Crossing
        Crossings the scenario closed (grey, "im Szenario gesperrt").
    """
    if barrier is not None:
        m.add_child(Call("barrier", barrier_data(barrier, closed)))


def reach_areas(sites: gpd.GeoDataFrame, params: WalkParams) -> gpd.GeoDataFrame:
    """Walking catchments of located sites (circles cut at the river), EPSG:25832.

    Parameters
    ----------
    sites : geopandas.GeoDataFrame
        Located sites in EPSG:25832.
    params : WalkParams
        Threshold and metric (:attr:`geo.analysis.access_kernel.WalkParams.metric`).

    Returns
    -------
    geopandas.GeoDataFrame
        One polygon per site, same index.
    """
    metric = params.metric
    shapes = [metric.reach(np.array([p.x, p.y]), params.max_walk_m) for p in sites.geometry]
    return gpd.GeoDataFrame(geometry=shapes, index=sites.index, crs=METRIC_CRS)


def add_reach(m: folium.Map, sites: gpd.GeoDataFrame, params: WalkParams) -> None:
    """Dashed outlines of the walking catchments (they stop at the river except at bridges)."""
    located = sites[sites.geometry.notna() & ~sites.geometry.is_empty]
    if located.empty:
        return
    areas = to_wgs84(reach_areas(located, params))
    group = folium.FeatureGroup(name="Einzugsbereiche")
    folium.GeoJson(
        areas.__geo_interface__,
        style_function=lambda _: {
            "color": "#0072B2",
            "weight": 2,
            "fill": False,
            "dashArray": "6 4",
        },
        interactive=False,
    ).add_to(group)
    group.add_to(m)
