"""Scenarios: overlay semantics and validated (de)serialisation."""

from __future__ import annotations

import pytest

from geo.access_kernel import WalkParams
from scenarios.model import (
    MAX_ADDED,
    NewSite,
    Scenario,
    scenario_from_dict,
    scenario_sites,
    stamped,
)
from tests.synthetic import X0, Y0, metric_point

NORD = metric_point(X0 + 500, Y0 + 1500)


def test_round_trip_through_dict():
    scenario = Scenario(
        name="Test", added=(NewSite("Neu", *NORD, "karte"),), removed=("ASZ-1",), year=2025,
        params=WalkParams(max_walk_m=800),
    )  # fmt: skip
    again = scenario_from_dict(scenario.to_dict())
    assert again == scenario


def test_overlay_adds_and_removes_without_touching_the_base(synthetic):
    before = synthetic.einrichtungen.copy()
    scenario = Scenario(added=(NewSite("Neu", *NORD),), removed=("ASZ-1",))
    sites = scenario_sites(scenario, synthetic.einrichtungen, synthetic.stadtteile)
    assert set(sites["id"]) == {"OT-2", "NEU-1"}
    assert sites.set_index("id").at["NEU-1", "stadtteil_nr"] == "02"
    assert synthetic.einrichtungen.equals(before)


def test_new_site_outside_the_city_is_rejected(synthetic):
    far = Scenario(added=(NewSite("Weit weg", 13.4, 52.5),))
    with pytest.raises(ValueError, match="außerhalb des Stadtgebiets: Weit weg"):
        scenario_sites(far, synthetic.einrichtungen, synthetic.stadtteile)


def test_scenario_is_limited_in_size():
    scenario = Scenario(added=tuple(NewSite(f"S{i}", 11.6, 52.1) for i in range(MAX_ADDED)))
    with pytest.raises(ValueError, match="höchstens"):
        scenario.with_site(NewSite("zu viel", 11.6, 52.1))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "JSON-Objekt"),
        ({"schema": "anders/9"}, "Unbekanntes Szenarioformat"),
        ({"added": [{"lon": "x", "lat": 52}]}, r"Standort 1, lon: keine Zahl"),
        ({"added": [{"lon": 11.6, "lat": 95}]}, "lat: 95.0 liegt nicht zwischen"),
        ({"added": [{"lon": 11.6, "lat": 52, "source": "hack"}]}, "unbekannte Herkunft"),
        ({"added": [{"lon": 11.6, "lat": 52, "name": "x" * 500}]}, "zu lang"),
        ({"added": "viele"}, "'added' muss eine Liste"),
        ({"target": "hunde"}, "Unbekannte Zielgruppe"),
        ({"params": {"detour": 9}}, "params.detour"),
        ({"removed": "ASZ-1"}, "'removed' muss eine Liste"),
        ({"added": [{"lon": 11.6, "lat": 52, "name": {"$gt": 1}}]}, "Text erwartet"),
    ],
)
def test_invalid_scenarios_are_rejected_with_the_field(data, message):
    with pytest.raises(ValueError, match=message):
        scenario_from_dict(data)


def test_stamped_needs_a_name():
    with pytest.raises(ValueError, match="Namen"):
        stamped(Scenario(), "   ", "abc")
    named = stamped(Scenario(), "  Mein   Szenario ", "abc")
    assert named.name == "Mein Szenario"
    assert named.package_version == "abc"
    assert named.created.endswith("+00:00")
