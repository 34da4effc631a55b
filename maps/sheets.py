"""Print sheets for the app's maps: indicator, coverage, under-served classes, scenario.

Each function returns the figure of one map sheet (see :mod:`maps.static`); the page or the
report turns it into PNG/PDF bytes.
"""

from __future__ import annotations

from collections.abc import Collection

import geopandas as gpd
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from geo.analysis.access_kernel import WalkParams
from geo.analysis.barrier import Barrier, Crossing, closed_crossings
from geo.facilities import is_new, stand_range
from geo.io.package import DataPackage
from indicators.composite import CLASS_LABELS, CLASS_NOTE, COMPONENTS, check_weights, preset_label
from indicators.format import format_number, format_short
from indicators.registry import Indicator
from maps.access_maps import CLASS_COLORS, TIME_COLORS, cell_squares, time_class_labels, time_colors
from maps.classify import COVERAGE_EDGES, METHODS, MISSING_COLOR, Classes, classify_fixed
from maps.layers import (
    BARRIER_COLOR,
    BRIDGE_COLOR,
    CLOSED_COLOR,
    FERRY_COLOR,
    barrier_features,
    reach_areas,
)
from maps.scenario_maps import CHANGE_STYLE, NEW_SITE_COLOR, REMOVED_COLOR, change_classes
from maps.static import Layer, Sheet, sheet_figure

SITE_COLOR = "#0072B2"
WALK_NOTE = "Gehweg = Luftlinie × Umwegfaktor (kein Wegenetz); Einrichtungslagen ungefähr (± Radius je Eintrag)."


def walk_note(params: WalkParams | None) -> str:
    """The method note of a sheet (names the Elbe rule when walking respects the river)."""
    if params is None or params.barrier is None:
        return WALK_NOTE
    return WALK_NOTE.replace("Luftlinie × Umwegfaktor", params.label)


def barrier_layers(barrier: Barrier | None, closed: Collection[Crossing] = ()) -> list[Layer]:
    """The Elbe, its bridges, its ferries and crossings closed in a scenario for a print map.

    Nothing without a barrier; ``closed`` are drawn grey as on the web map.
    """
    if barrier is None:
        return []
    lines, crossings = barrier_features(barrier, closed)
    shut = crossings["closed"].to_numpy(dtype=bool)
    walkable = crossings["walkable"].to_numpy(dtype=bool) & ~shut
    ferry = ~walkable & ~shut
    layers = [
        Layer(lines, BARRIER_COLOR, "lines", 2.5, label="Elbe (zu Fuß nur über Brücken)", zorder=5)
    ]
    styles = [
        (walkable, BRIDGE_COLOR, "white", "Brücke"),
        (ferry, "#ffffff", FERRY_COLOR, "Fähre (nur Bus & Bahn)"),
        (shut, CLOSED_COLOR, "white", "Brücke im Szenario gesperrt"),
    ]
    for mask, color, edge, label in styles:
        if mask.any():
            layers.append(
                Layer(crossings[mask], color, "points", 22, edge=edge, label=label, zorder=6)
            )
    return layers


def datenstand(package: DataPackage, year: int, *, version: bool = True) -> str:
    """Short Datenstand for the stamp: statistics year, Zensus, facilities, package version.

    ``version=False`` leaves out the package's content hash (plain-language print).
    """
    span = stand_range(package.einrichtungen.get("stand", pd.Series(dtype=str)))
    if span:
        facilities = f"Einrichtungen {span[0]}" + (f"–{span[1]}" if span[1] != span[0] else "")
    else:
        facilities = "Einrichtungen o. J."
    text = f"Statistik 31.12.{year}; Zensus 2022; {facilities}"
    return f"{text}; Datenpaket {package.version}" if version else text


def residents(package: DataPackage, year: int) -> pd.Series:
    """Residents per Stadtteil in ``year`` (label priority: populous Stadtteile first)."""
    stat = package.statistik[package.statistik["jahr"] == year]
    return stat.set_index("stadtteil_nr")["einwohner"].reindex(package.stadtteile.index)


def index_note(weights: dict[str, float] | None = None) -> str:
    """The components that enter the index with these weights, in words."""
    weights = check_weights(weights or {})
    groups = {}
    for comp in COMPONENTS:
        if weights[comp.key] > 0:
            groups.setdefault(comp.group, []).append(comp.label)
    parts = [f"{group} ({', '.join(labels)})" for group, labels in groups.items()]
    return f"Index ({preset_label(weights)}) aus {' und '.join(parts)}; {CLASS_NOTE}."


def _sites_layer(sites: gpd.GeoDataFrame, label: str = "offene Begegnungsstätte") -> list[Layer]:
    placed = sites[sites.geometry.notna() & ~sites.geometry.is_empty]
    return [Layer(placed, SITE_COLOR, "points", 36, label=label, zorder=7)] if len(placed) else []


def indicator_sheet(
    package: DataPackage,
    table: pd.DataFrame,
    indicator: Indicator,
    classes: Classes,
    year: int,
    *,
    sites: gpd.GeoDataFrame | None = None,
    method: str = "quantile",
    paper: str = "A4",
    version: bool = True,
) -> Figure:
    """Choropleth of one indicator."""
    sheet = Sheet(
        title=indicator.label,
        subtitle=f"Stadtteile, 31.12.{year}",
        legend_title=indicator.label_with_unit,
        legend=classes.legend(),
        datenstand=datenstand(package, year, version=version),
        notes=(
            indicator.definition,
            f"Klassen: {METHODS.get(method, method)}." if len(classes.colors) else "",
        ),
        paper=paper,
    )
    return sheet_figure(
        package.stadtteile,
        classes.fill_colors(),
        sheet,
        layers=_sites_layer(sites) if sites is not None else (),
        label_priority=residents(package, year),
    )


def coverage_sheet(
    package: DataPackage,
    coverage: pd.DataFrame,
    sites: gpd.GeoDataFrame,
    params: WalkParams,
    target_label: str,
    year: int,
    *,
    paper: str = "A4",
    version: bool = True,
) -> Figure:
    """Share of the target group within walking distance per Stadtteil."""
    classes = classify_fixed(coverage["anteil_versorgt"], COVERAGE_EDGES)
    sheet = Sheet(
        title=f"Fußläufige Versorgung bis {format_number(params.max_walk_m)} m",
        subtitle=f"{target_label}, 31.12.{year}",
        legend_title="Anteil versorgt (%)",
        legend=classes.legend(),
        datenstand=datenstand(package, year, version=version),
        notes=(walk_note(params), f"Umwegfaktor {format_short(params.detour)}."),
        paper=paper,
    )
    return sheet_figure(
        package.stadtteile,
        classes.fill_colors(),
        sheet,
        layers=[*_sites_layer(sites), *barrier_layers(params.barrier)],
        label_priority=residents(package, year),
    )


def underserved_sheet(
    package: DataPackage,
    ranking: pd.DataFrame,
    sites: gpd.GeoDataFrame,
    target_label: str,
    year: int,
    *,
    top: int = 5,
    weights: dict[str, float] | None = None,
    paper: str = "A4",
    version: bool = True,
) -> Figure:
    """Under-served classes; the ``top`` ranks outlined."""
    klasse = ranking["klasse"].reindex(package.stadtteile.index)
    colors = pd.Series(
        [CLASS_COLORS[int(k) - 1] if pd.notna(k) else MISSING_COLOR for k in klasse],
        index=package.stadtteile.index,
    )
    legend = list(zip(CLASS_COLORS, CLASS_LABELS, strict=True))
    if (~ranking["gerankt"]).any():
        legend.append((MISSING_COLOR, "nicht gerankt"))
    ranked = ranking[ranking["gerankt"]].sort_values("rang")
    sheet = Sheet(
        title="Unterversorgung mit Begegnungsstätten",
        subtitle=f"{target_label}, 31.12.{year}; dick umrandet: die {top} am stärksten unterversorgten Stadtteile",
        legend_title="Unterversorgung (Klasse)",
        legend=legend,
        datenstand=datenstand(package, year, version=version),
        notes=(index_note(weights), walk_note(WalkParams(barrier=package.barrier))),
        paper=paper,
    )
    return sheet_figure(
        package.stadtteile,
        colors,
        sheet,
        layers=[*_sites_layer(sites), *barrier_layers(package.barrier)],
        highlight=list(ranked.index[:top]),
        label_priority=residents(package, year),
    )


def scenario_sheet(
    package: DataPackage,
    cells_before: pd.DataFrame,
    cells_after: gpd.GeoDataFrame,
    sites: gpd.GeoDataFrame,
    removed: gpd.GeoDataFrame,
    params: WalkParams,
    title: str,
    year: int,
    *,
    paper: str = "A4",
    version: bool = True,
) -> Figure:
    """Before/after: cells covered before, newly covered and no longer covered."""
    state = change_classes(cells_before["versorgt"].to_numpy(), cells_after["versorgt"].to_numpy())
    squares = cell_squares(cells_after)
    layers = []
    for key, (color, label) in CHANGE_STYLE.items():
        mask = state == key
        if mask.any():
            layers.append(
                Layer(
                    gpd.GeoDataFrame(geometry=squares[mask]), color, "fill", label=label, zorder=2
                )
            )
    new = sites[is_new(sites)]
    old = sites[~sites.index.isin(new.index)]
    layers += _sites_layer(old, "bestehende Begegnungsstätte")
    layers += barrier_layers(params.barrier, closed_crossings(package.barrier, params.barrier))
    if len(new):
        if params.barrier is None:
            layers.append(Layer(new, NEW_SITE_COLOR, "rings", params.max_straight_m, zorder=8))
        else:  # the catchment stops at the river except at the bridges
            layers.append(Layer(reach_areas(new, params), NEW_SITE_COLOR, "outlines", zorder=8))
        layers.append(
            Layer(new, NEW_SITE_COLOR, "points", 90, edge="black", label="neuer Standort", zorder=9)
        )
    placed_removed = removed[removed.geometry.notna()]
    if len(placed_removed):
        layers.append(
            Layer(
                placed_removed,
                REMOVED_COLOR,
                "points",
                60,
                edge="black",
                label="geschlossen",
                zorder=9,
            )
        )
    sheet = Sheet(
        title=title,
        subtitle=f"Szenario, 31.12.{year}: Versorgung bis {format_number(params.max_walk_m)} m Gehweg vorher und nachher",
        legend_title="100-m-Zellen",
        legend=[],
        datenstand=datenstand(package, year, version=version),
        notes=(
            walk_note(params),
            f"{'Umrisse' if params.barrier else 'Kreise'}: Gehdistanz um neue Standorte.",
        ),
        paper=paper,
    )
    return sheet_figure(
        package.stadtteile,
        pd.Series("#f2f2f2", index=package.stadtteile.index),
        sheet,
        layers=layers,
        label_priority=residents(package, year),
    )


def walk_time_sheet(
    package: DataPackage,
    cells: gpd.GeoDataFrame,
    sites: gpd.GeoDataFrame,
    params: WalkParams,
    target_label: str,
    year: int,
    *,
    paper: str = "A4",
    version: bool = True,
) -> Figure:
    """Walking time from every populated cell to the nearest meeting place."""
    colors = np.where(
        cells["nachfrage"].isna(), MISSING_COLOR, time_colors(cells["gehzeit_min"].to_numpy())
    )
    squares = gpd.GeoDataFrame(geometry=cell_squares(cells))
    layers = [
        Layer(squares, pd.Series(colors, index=squares.index), "fill", zorder=2),
        *_sites_layer(sites),
        *barrier_layers(params.barrier),
    ]
    sheet = Sheet(
        title="Gehzeit zur nächsten Begegnungsstätte",
        subtitle=f"{target_label}, 31.12.{year}; Gehtempo {format_short(params.speed_mps)} m/s",
        legend_title="Gehzeit",
        legend=list(zip(TIME_COLORS, time_class_labels(), strict=True)),
        datenstand=datenstand(package, year, version=version),
        notes=(walk_note(params),),
        paper=paper,
    )
    return sheet_figure(
        package.stadtteile,
        pd.Series("#ffffff", index=package.stadtteile.index),
        sheet,
        layers=layers,
        label_priority=residents(package, year),
    )
