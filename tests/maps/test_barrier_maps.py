"""The Elbe on maps: the switchable layer, catchments cut at the river, print sheets."""

from __future__ import annotations

import io
import json

import geopandas as gpd
import numpy as np
import pypdf
import pytest
import shapely

from geo.analysis.access_kernel import WalkParams
from geo.analysis.barrier import closed_crossings
from maps.access_maps import cell_squares, walk_time_map
from maps.base import Call
from maps.layers import barrier_data, barrier_legend, reach_areas
from maps.scenario_maps import layer_data
from maps.sheets import coverage_sheet, scenario_sheet
from maps.static import figure_bytes
from scenarios.evaluation import compute
from scenarios.model import Assumptions, NewSite, Overlay, Scenario
from tests.synthetic import BRIDGE, X0, Y0, metric_point


def test_the_layer_names_bridges_and_marks_ferries(synthetic_river):
    data = barrier_data(synthetic_river.barrier)
    assert [line[0] for line in data["lines"]] == ["Elbe – zu Fuß nur über Brücken querbar"]
    texts = {c[2]: c[3] for c in data["crossings"]}
    assert texts == {"Teststeg (Brücke)": True, "Testfähre (Fähre – nur Bus & Bahn)": False}


def test_without_a_barrier_nothing_is_drawn(synthetic):
    m = walk_time_map(synthetic.stadtteile, *_walk_map_args(synthetic))
    assert not any(isinstance(c, Call) and c.function == "barrier" for c in m._children.values())


def _walk_map_args(pkg):
    result = compute(pkg, Scenario(assumptions=Assumptions(year=2025)), draws=0).before
    return result.cells, cell_squares(result.cells), result.sites, result.params, "Ältere"


def test_walk_time_map_draws_the_layer_and_cut_catchments(synthetic_river):
    m = walk_time_map(synthetic_river.stadtteile, *_walk_map_args(synthetic_river))
    calls = [c for c in m._children.values() if isinstance(c, Call)]
    assert [json.loads(c.data)["name"] for c in calls if c.function == "barrier"] == [
        "Elbe und Querungen"
    ]
    html = m.get_root().render()
    assert "BA.barrier(" in html
    assert "Umrisse" in html  # the legend names outlines instead of circles


def test_a_catchment_reaches_across_only_around_the_bridge(synthetic_river):
    params = WalkParams(max_walk_m=800.0, barrier=synthetic_river.barrier)
    site = gpd.GeoDataFrame(geometry=[shapely.Point(X0 + 900, Y0 + 200)], crs=25832)
    area = reach_areas(site, params).geometry.iloc[0]
    radius = 800 / 1.3
    # West bank: the full circle; east bank: only the circle of the rest around the bridge.
    assert area.contains(shapely.Point(X0 + 900 - radius + 5, Y0 + 200))
    rest = radius - 100.0
    assert area.contains(shapely.Point(BRIDGE[0] + rest - 5, BRIDGE[1]))
    assert not area.contains(shapely.Point(X0 + 1100, Y0 + 750))  # 585 m straight, 659 via
    east = area.intersection(shapely.box(X0 + 1000, Y0 - 1000, X0 + 3000, Y0 + 3000))
    assert east.area == pytest.approx(np.pi * rest**2 / 2, rel=0.02)


def test_simulation_sends_an_outline_only_for_sites_near_the_river(synthetic_river):
    near = NewSite("Am Fluss", *metric_point(X0 + 900, Y0 + 500))
    far = NewSite("Weit weg", *metric_point(X0 + 300, Y0 + 1700))
    ev = compute(
        synthetic_river,
        Scenario(assumptions=Assumptions(year=2025), overlay=Overlay(added=(near, far))),
        draws=0,
    )
    cells = ev.after.cells["versorgt"].to_numpy()
    data = layer_data(cells, cells, ev.after.sites, ev.after.sites.iloc[:0], ev.after.params)
    new = {p[3]: p for p in data["pins"] if p[2] == "neu"}
    assert len(new["neu: Am Fluss"]) == 8  # the cut outline rides along
    assert len(new["neu: Weit weg"]) == 7  # a plain circle, drawn by the browser


def test_print_sheets_draw_the_river_and_name_the_rule(synthetic_river):
    result = compute(synthetic_river, Scenario(assumptions=Assumptions(year=2025)), draws=0).before
    figure = coverage_sheet(
        synthetic_river, result.coverage, result.sites, result.params, "Ältere", 2025
    )
    text = " ".join(
        p.extract_text() for p in pypdf.PdfReader(io.BytesIO(figure_bytes(figure, "pdf"))).pages
    )
    flat = " ".join(text.split())
    assert "Elbe nur über Brücken" in flat
    assert "Fähre (nur Bus & Bahn)" in flat
    site = NewSite("Am Fluss", *metric_point(X0 + 900, Y0 + 500))
    ev = compute(
        synthetic_river,
        Scenario(assumptions=Assumptions(year=2025), overlay=Overlay(added=(site,))),
        draws=0,
    )
    figure = _scenario_sheet(synthetic_river, ev)
    assert figure_bytes(figure, "png", dpi=40)[:4] == b"\x89PNG"


def _scenario_sheet(package, ev):
    """The print sheet of an evaluated scenario (no sites closed)."""
    after = ev.after
    return scenario_sheet(
        package,
        ev.before.cells,
        after.cells,
        after.sites,
        after.sites.iloc[:0],
        after.params,
        "Szenario",
        2025,
    )


def test_a_closed_bridge_is_drawn_grey_and_named(synthetic_river):
    changed = synthetic_river.barrier.with_changes(closed=["Teststeg"])
    data = barrier_data(changed, [c for c in synthetic_river.barrier.crossings if c.walkable])
    closed = [c for c in data["crossings"] if c[4]]
    assert [c[2] for c in closed] == ["Teststeg (Brücke – im Szenario gesperrt)"]
    assert closed[0][3] is False  # not walkable any more
    assert [c[2] for c in data["crossings"] if not c[4]] == ["Testfähre (Fähre – nur Bus & Bahn)"]


def test_the_scenario_sheet_marks_a_closed_bridge(synthetic_river):
    ev = compute(
        synthetic_river,
        Scenario(
            assumptions=Assumptions(year=2025), overlay=Overlay(crossings_closed=("Teststeg",))
        ),
        draws=0,
    )
    assert [c.name for c in closed_crossings(synthetic_river.barrier, ev.after.params.barrier)] == [
        "Teststeg"
    ]
    assert closed_crossings(synthetic_river.barrier, ev.before.params.barrier) == []
    figure = _scenario_sheet(synthetic_river, ev)
    text = pypdf.PdfReader(io.BytesIO(figure_bytes(figure, "pdf"))).pages[0].extract_text()
    flat = " ".join(text.split())
    assert "Brücke im Szenario gesperrt" in flat
    assert "Fähre (nur Bus & Bahn)" in flat
    # The only bridge is closed: no open bridge in the legend.
    assert "Brücke" not in flat.replace("Brücke im Szenario gesperrt", "").replace("Brücken", "")


def test_every_web_map_with_the_elbe_explains_it_in_its_legend(synthetic_river):
    """Bridges and the river line are drawn, so the legend names them (Erreichbarkeit too)."""
    assert barrier_legend(None) == []
    labels = [e[1] for e in barrier_legend(synthetic_river.barrier)]
    assert labels == ["Elbe (zu Fuß nur über Brücken)", "Brücke", "Fähre (nur Bus & Bahn)"]
    html = walk_time_map(synthetic_river.stadtteile, *_walk_map_args(synthetic_river))
    assert json.dumps("Fähre (nur Bus")[1:-1] in html.get_root().render()
    cells = compute(synthetic_river, Scenario(assumptions=Assumptions(year=2025)), draws=0).after
    data = layer_data(
        cells.cells["versorgt"].to_numpy(), cells.cells["versorgt"].to_numpy(), cells.sites,
        cells.sites.iloc[:0], cells.params,
    )  # fmt: skip
    assert "Brücke" in [e[1] for e in data["legend"]["entries"]]
