"""Placing a site: checked where it enters, named by Stadtteil and stop."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from geo.io.gtfs import read_stops
from scenarios.model import MAX_ADDED, NewSite, Overlay
from scenarios.placement import DUPLICATE_M, place, placement_problem, to_metric_xy
from tests.synthetic import X0, Y0, metric_point


@pytest.fixture
def stops(synthetic):
    return read_stops(synthetic.gtfs_path, synthetic.stadtgrenze)


def test_click_in_a_stadtteil_is_named_after_the_nearest_stop(synthetic, stops):
    scenario = place(Overlay(), *metric_point(X0 + 150, Y0 + 1850), synthetic.stadtteile, stops)
    site = scenario.added[0]
    assert site.name == "Nord, bei Haltestelle Halt E"
    assert (site.source, site.ref) == ("karte", "")


def test_without_a_stop_nearby_the_site_is_numbered(synthetic, stops):
    first = NewSite("Erster", *metric_point(X0 + 1500, Y0 + 900))
    scenario = place(
        Overlay(added=(first,)),
        *metric_point(X0 + 600, Y0 + 1500),
        synthetic.stadtteile,
        stops,
    )
    assert scenario.added[1].name == "Nord, neuer Standort 2"  # Halt E is 640 m away


def test_own_name_is_kept(synthetic):
    scenario = place(Overlay(), *metric_point(X0 + 500, Y0 + 500), synthetic.stadtteile, name="BG")
    assert scenario.added[0].name == "BG"


@pytest.mark.parametrize(
    ("offset", "match"),
    [
        ((-2000.0, -2000.0), "außerhalb des Stadtgebiets"),
        ((1500.0, 1500.0), "außerhalb des Stadtgebiets"),  # the empty corner of the L
        ((500.0, 1500.0 + DUPLICATE_M / 2), "Hier steht schon"),
    ],
)
def test_refused_positions_leave_the_scenario_unchanged(synthetic, offset, match):
    scenario = Overlay(added=(NewSite("Nord", *metric_point(X0 + 500, Y0 + 1500)),))
    with pytest.raises(ValueError, match=match):
        place(scenario, *metric_point(X0 + offset[0], Y0 + offset[1]), synthetic.stadtteile)
    assert len(scenario.added) == 1


def test_a_site_next_to_another_beyond_the_duplicate_distance_is_fine(synthetic):
    scenario = Overlay(added=(NewSite("Nord", *metric_point(X0 + 500, Y0 + 1500)),))
    after = place(
        scenario, *metric_point(X0 + 500, Y0 + 1500 + DUPLICATE_M * 2), synthetic.stadtteile
    )
    assert len(after.added) == 2


def test_water_hook_and_full_scenario():
    point = np.array([100.0, 100.0])
    water = shapely.box(0, 0, 200, 200)
    assert "Wasser" in placement_problem(Overlay(), point, "Werder", water=water)
    assert (
        placement_problem(Overlay(), point, "Werder", water=shapely.box(300, 300, 400, 400)) is None
    )
    full = Overlay(added=tuple(NewSite(f"S{i}", 11.6, 52.1 + i * 0.01) for i in range(MAX_ADDED)))
    assert "höchstens" in placement_problem(full, to_metric_xy(11.0, 52.0)[0], "Werder")


def test_invalid_coordinates_are_refused(synthetic):
    with pytest.raises(ValueError, match="ungültig"):
        place(Overlay(), float("nan"), 52.1, synthetic.stadtteile)
