"""The Elbe barrier in every walking figure, on the synthetic package with its river.

River along x = X0 + 1000 between Mitte (west) and Ost (east); the only bridge at
(X0 + 1000, Y0 + 200), a ferry at (X0 + 1000, Y0 + 800); the one counted open place ASZ-1 at
(X0 + 500, Y0 + 500) in Mitte (see tests.synthetic). Detour 1.3.
"""

from __future__ import annotations

import io
import json
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from geo.analysis.access_adapter import analyse
from geo.analysis.access_kernel import WalkParams, e2sfca, nearest_walk, walk_bounds
from geo.analysis.demand import TARGET_GROUPS
from geo.analysis.metric import WALK_LABEL, WALK_LABEL_BARRIER
from geo.analysis.siting import SitingProblem, pmedian
from geo.crs import xy
from geo.io.gtfs import read_feed
from geo.io.package import load_package
from scenarios.evaluation import compute, walk_params
from scenarios.exchange import from_url_param, to_json, to_url_param
from scenarios.model import Assumptions, NewCrossing, Overlay, Scenario, scenario_from_dict, stamped
from scenarios.store import ScenarioStore
from tests.synthetic import BRIDGE, X0, Y0, metric_point, write_river

ASZ = np.array([X0 + 500, Y0 + 500])
EAST = np.array([[X0 + 1100, Y0 + 500]])  # 600 m straight from ASZ, across the river
WEST = np.array([[X0 + 100, Y0 + 500]])  # 400 m, same bank
NEAR_FERRY = np.array([[X0 + 1100, Y0 + 800]])


def hypot(a, b) -> float:
    return float(np.hypot(*(np.asarray(a, float) - np.asarray(b, float))))


#: By hand: east point → bridge = √(100² + 300²) = 316.23 m, bridge → ASZ = √(500² + 300²)
#: = 583.10 m; (316.23 + 583.10) × 1.3 = 1169.12 m instead of 600 × 1.3 = 780 m.
EAST_VIA_BRIDGE = (hypot(EAST[0], BRIDGE) + hypot(BRIDGE, ASZ)) * 1.3


def params(pkg, max_walk_m=500.0) -> WalkParams:
    return WalkParams(max_walk_m=max_walk_m, barrier=pkg.barrier)


def test_the_package_loads_the_river_and_names_the_method(synthetic_dir):
    synthetic = load_package(synthetic_dir)
    write_river(synthetic_dir)
    synthetic_river = load_package(synthetic_dir)
    assert synthetic.barrier is None
    assert synthetic_river.barrier is not None
    assert [c.name for c in synthetic_river.barrier.crossings] == ["Teststeg", "Testfähre"]
    assert params(synthetic_river).label == WALK_LABEL_BARRIER
    assert params(synthetic).label == WALK_LABEL
    assert synthetic_river.walk_metric(1.3).label == WALK_LABEL_BARRIER
    # The barrier files are part of the version: caches keyed on it see the change.
    assert synthetic_river.version != synthetic.version


def test_nearest_place_across_the_river_goes_via_the_bridge(synthetic_river):
    metric = params(synthetic_river).metric
    walk, idx = nearest_walk(np.vstack([EAST, WEST]), ASZ[None, :], metric)
    assert walk == pytest.approx([EAST_VIA_BRIDGE, 400 * 1.3])
    assert idx.tolist() == [0, 0]
    # Without the barrier the straight line counts (today's figure).
    plain, _ = nearest_walk(EAST, ASZ[None, :], 1.3)
    assert plain == pytest.approx([780.0])


def test_the_ferry_does_not_count_for_walking(synthetic_river):
    walk, _ = nearest_walk(NEAR_FERRY, ASZ[None, :], params(synthetic_river).metric)
    # Via the ferry it would be (100 + 583.10) × 1.3; the bridge is √(100² + 600²) away.
    assert walk[0] == pytest.approx((hypot(NEAR_FERRY[0], BRIDGE) + hypot(BRIDGE, ASZ)) * 1.3)


def test_bounds_and_e2sfca_follow_the_bridge(synthetic_river):
    metric = params(synthetic_river).metric
    lower, upper = walk_bounds(EAST, ASZ[None, :], np.array([50.0]), metric)
    route = EAST_VIA_BRIDGE / 1.3
    assert lower == pytest.approx([(route - 50) * 1.3])
    assert upper == pytest.approx([(route + 50) * 1.3])
    # Catchment 1000 m: straight (780 m) inside, via the bridge (1169 m) outside.
    with_river, _ = e2sfca(EAST, np.array([1.0]), ASZ[None, :], metric, 1000.0)
    without, _ = e2sfca(EAST, np.array([1.0]), ASZ[None, :], 1.3, 1000.0)
    assert with_river[0] == 0.0
    assert without[0] > 0.0


def test_every_cell_of_the_package_walks_as_by_hand(synthetic_river):
    group = TARGET_GROUPS["senioren"]
    result = analyse(synthetic_river, 2025, group, params(synthetic_river, 800.0))
    site = xy(result.sites)
    assert len(site) == 1
    assert np.abs(site[0] - ASZ).max() < 0.5  # read back from 6-decimal WGS84
    place = site[0]
    cells = xy(result.cells)
    east = cells[:, 0] > X0 + 1000
    straight = np.hypot(*(cells - place).T)
    via = np.hypot(*(cells - np.array(BRIDGE)).T) + hypot(BRIDGE, place)
    walk = result.cells["gehweg_m"].to_numpy()
    assert east.any()
    assert (~east).any()
    assert walk[~east] == pytest.approx(straight[~east] * 1.3)
    assert walk[east] == pytest.approx(via[east] * 1.3)
    # Some Ost cells are within 800 m on the straight line but not via the bridge.
    jumped = east & (straight * 1.3 <= 800)
    assert jumped.any()
    assert not result.cells["versorgt"].to_numpy()[jumped].any()


def test_optimiser_coverage_and_pmedian_costs_use_the_bridge(synthetic_river):
    walk = params(synthetic_river, 800.0)
    demand = np.vstack([EAST, WEST])
    problem = SitingProblem.from_points(demand, np.ones(2), ASZ[None, :], walk)
    assert problem.cover.toarray()[:, 0].tolist() == [0.0, 1.0]
    # p-median: the one candidate is worth (1169.12 + 520) / 2 walking metres on average.
    solved = pmedian(demand, np.ones(2), np.full(2, np.inf), ASZ[None, :], 1, walk.metric)
    assert solved.objective == pytest.approx((EAST_VIA_BRIDGE + 520.0) / 2)


def crossing_at(name: str, x: float, y: float) -> NewCrossing:
    lon, lat = metric_point(x, y)
    return NewCrossing(name, lon, lat)


def test_a_scenario_bridge_shortens_and_a_closed_bridge_lengthens_walks(synthetic_river):
    base = Scenario(assumptions=Assumptions(params=WalkParams(max_walk_m=800.0)))
    east = xy(compute(synthetic_river, base, draws=0).before.cells)[:, 0] > X0 + 1000

    def walks(scenario):
        result = compute(synthetic_river, scenario, draws=0)
        return result.before.cells["gehweg_m"].to_numpy(), result.after.cells["gehweg_m"].to_numpy()

    # A footbridge in the middle of the river: the east bank walks straight across it.
    before, after = walks(
        replace(
            base,
            overlay=replace(
                base.overlay, crossings_added=(crossing_at("Neuer Steg", X0 + 1000, Y0 + 500),)
            ),
        )
    )
    assert (after <= before + 1e-9).all()
    assert (after[east] < before[east]).any()
    # The bridge closed: nothing joins the banks any more.
    before, after = walks(
        replace(base, overlay=replace(base.overlay, crossings_closed=("Teststeg",)))
    )
    assert np.isinf(after[east]).all()
    assert np.isfinite(before[east]).all()
    assert after[~east] == pytest.approx(before[~east])


def test_scenario_crossings_round_trip_and_are_validated(synthetic_river):
    scenario = Scenario(
        overlay=Overlay(
            crossings_added=(NewCrossing("Hubbrücke", 11.6479, 52.132, "fussgaengerbruecke"),),
            crossings_closed=("Sternbrücke",),
        )
    )
    data = json.loads(to_json(scenario))
    assert data["crossings_added"][0]["name"] == "Hubbrücke"
    assert "barrier" not in data["params"]
    assert "barrier" not in data["transit"]
    assert scenario_from_dict(data) == scenario
    assert from_url_param(to_url_param(scenario)) == scenario
    assert not scenario.overlay.is_empty


def test_the_store_keeps_scenario_crossings(tmp_path):
    scenario = stamped(
        Scenario(
            overlay=Overlay(
                crossings_added=(NewCrossing("Hubbrücke", 11.6469, 52.1317),),
                crossings_closed=("Sternbrücke",),
            )
        ),
        "Mit Hubbrücke",
        "v1",
    )
    store = ScenarioStore(tmp_path)
    store.save(scenario)
    assert store.load("Mit Hubbrücke").scenario == scenario


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"crossings_added": [{"name": "X", "lon": 11.6}]}, r"crossings_added\[0\].*lat fehlt"),
        ({"crossings_added": [{"name": "X", "lon": 11.6, "lat": 52.1, "art": "faehre"}]}, "art"),
        ({"crossings_added": [{"name": " ", "lon": 11.6, "lat": 52.1}]}, "name ist leer"),
        ({"crossings_closed": ["A", "A"]}, "doppelt"),
        ({"crossings_closed": "Sternbrücke"}, "Liste"),
        ({"crossings_added": [{"name": "X", "lon": 11.6, "lat": 91}]}, "lat"),
    ],
)
def test_bad_scenario_crossings_are_rejected(change, message):
    with pytest.raises(ValueError, match=message):
        scenario_from_dict(change)


def test_scenario_crossing_errors_at_compute(synthetic_river):
    with pytest.raises(ValueError, match="Unbekannte Querung"):
        compute(
            synthetic_river, Scenario(overlay=Overlay(crossings_closed=("Gibt es nicht",))), draws=0
        )
    far = crossing_at("Weit weg", X0 + 300, Y0 + 300)
    with pytest.raises(ValueError, match="Barrierelinie"):
        compute(synthetic_river, Scenario(overlay=Overlay(crossings_added=(far,))), draws=0)
    with pytest.raises(ValueError, match="keine Elbe-Barriere"):
        walk_params(
            replace(synthetic_river, barrier=None),
            WalkParams(),
            Overlay(crossings_closed=("T",)),
        )


def test_transit_walking_legs_respect_the_river(synthetic_river):
    feed = read_feed(synthetic_river.gtfs_path)
    river = compute(synthetic_river, Scenario(), feed, draws=0)
    plain = compute(replace(synthetic_river, barrier=None), Scenario(), feed, draws=0)
    assert river.travel_before.params.barrier == synthetic_river.barrier
    east = xy(river.before.cells)[:, 0] > X0 + 1000
    walk_river, walk_plain = river.travel_before.walk_minutes, plain.travel_before.walk_minutes
    assert (walk_river[east] > walk_plain[east]).all()
    assert walk_river[~east] == pytest.approx(walk_plain[~east])
    assert (river.travel_before.minutes >= plain.travel_before.minutes - 1e-9).all()


def test_cli_closes_a_crossing_and_names_the_method(synthetic_dir, capsys):
    from cli import main

    write_river(synthetic_dir)
    args = ["coverage", "--data", str(synthetic_dir), "--target", "alle", "--max-walk-m", "3000"]
    args += ["--format", "csv"]
    assert main(args) == 0
    opened = capsys.readouterr()
    assert "Luftlinie × Umwegfaktor, Elbe nur über Brücken" in opened.err
    assert main([*args, "--close-crossing", "Teststeg"]) == 0
    closed = capsys.readouterr().out
    ost = [pd.read_csv(io.StringIO(text)).set_index("stadtteil") for text in (opened.out, closed)]
    # Part of Ost reaches the Mehrgenerationenhaus in Nord via the bridge; closed: nobody.
    assert ost[0].at["Ost", "einwohner_versorgt"] > 0
    assert ost[1].at["Ost", "einwohner_versorgt"] == 0
    assert main([*args, "--close-crossing", "Gibt es nicht"]) != 0
    assert "Unbekannte Querung" in capsys.readouterr().err
