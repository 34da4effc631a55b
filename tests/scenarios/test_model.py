"""Scenarios: overlay semantics and validated (de)serialisation."""

from __future__ import annotations

import pytest

from geo.analysis.access_kernel import WalkParams
from scenarios.model import (
    MAX_ADDED,
    Assumptions,
    NewSite,
    Overlay,
    Scenario,
    scenario_from_dict,
    scenario_sites,
    stamped,
)
from tests.synthetic import X0, Y0, metric_point

NORD = metric_point(X0 + 500, Y0 + 1500)


def test_round_trip_through_dict():
    scenario = Scenario(name="Test", assumptions=Assumptions(year=2025, params=WalkParams(max_walk_m=800)), overlay=Overlay(added=(NewSite("Neu", *NORD, "karte"),), removed=("ASZ-1",)))  # fmt: skip
    again = scenario_from_dict(scenario.to_dict())
    assert again == scenario


def test_overlay_adds_and_removes_without_touching_the_base(synthetic):
    before = synthetic.einrichtungen.copy()
    scenario = Scenario(overlay=Overlay(added=(NewSite("Neu", *NORD),), removed=("ASZ-1",)))
    sites = scenario_sites(
        scenario.overlay,
        scenario.assumptions.selection,
        synthetic.einrichtungen,
        synthetic.stadtteile,
    )
    assert set(sites["id"]) == {"OT-2", "NEU-1"}
    assert sites.set_index("id").at["NEU-1", "stadtteil_nr"] == "02"
    assert sites.set_index("id")["neu"].to_dict() == {"OT-2": False, "NEU-1": True}
    assert synthetic.einrichtungen.equals(before)


def test_new_site_outside_the_city_is_rejected(synthetic):
    far = Scenario(overlay=Overlay(added=(NewSite("Weit weg", 13.4, 52.5),)))
    with pytest.raises(ValueError, match="außerhalb des Stadtgebiets: Weit weg"):
        scenario_sites(
            far.overlay, far.assumptions.selection, synthetic.einrichtungen, synthetic.stadtteile
        )


def test_scenario_is_limited_in_size():
    scenario = Scenario(
        overlay=Overlay(added=tuple(NewSite(f"S{i}", 11.6, 52.1) for i in range(MAX_ADDED)))
    )
    with pytest.raises(ValueError, match="höchstens"):
        scenario.overlay.with_site(NewSite("zu viel", 11.6, 52.1))


SITE = {"lon": 11.6, "lat": 52.1}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], r"JSON-Objekt \{…\} sein \(gefunden: Liste mit 0 Einträgen\)"),
        ("x", "JSON-Objekt"),
        (None, r"gefunden: leer \(null\)"),
        ({"schema": "anders/9"}, "schema: unbekanntes Szenarioformat Text „anders/9“"),
        ({"schema": 1}, "unbekanntes Szenarioformat Zahl 1"),
        ({"foo": 1, "bar": 2}, r"unbekannte Felder \(bar, foo\)"),
        ({"name": 5}, r"^name muss ein Text sein \(gefunden: Zahl 5\)"),
        ({"name": "x" * 81}, "name ist zu lang"),
        ({"name": "a\nb"}, "name enthält Steuerzeichen"),
        ({"name": "a\ud800"}, "Surrogate"),
        ({"added": "viele"}, "added muss eine Liste von Standorten sein"),
        ({"added": {"a": 1}}, r"added muss eine Liste .* \(gefunden: Objekt\)"),
        ({"added": [SITE] * (MAX_ADDED + 1)}, f"added hat {MAX_ADDED + 1} Einträge"),
        ({"added": [1]}, r"added\[0\] \(neuer Standort 1\) muss ein Objekt"),
        ({"added": [{}]}, "muss ein Objekt mit lon und lat sein"),
        ({"added": [{"lat": 52}]}, r"added\[0\] \(neuer Standort 1\)\.lon fehlt"),
        ({"added": [{"lon": "x", "lat": 52}]}, r"\.lon muss eine Zahl zwischen −180 und 180"),
        ({"added": [{"lon": True, "lat": 52}]}, "gefunden: Wahrheitswert true"),
        ({"added": [{"lon": 11.6, "lat": 95}]}, r"\.lat muss zwischen −90 und 90 liegen"),
        ({"added": [{"lon": 10**400, "lat": 52}]}, r"\.lon muss zwischen"),
        ({"added": [{**SITE, "source": "hack"}]}, "unbekannte Herkunft"),
        ({"added": [{**SITE, "source": 3}]}, r"\.source muss ein Text sein"),
        ({"added": [{**SITE, "name": "x" * 500}]}, "zu lang"),
        ({"added": [{**SITE, "name": {"$gt": 1}}]}, r"\.name muss ein Text sein"),
        ({"added": [{**SITE, "ref": ["a"]}]}, r"\.ref muss ein Text sein"),
        ({"added": [{**SITE, "extra": 1}]}, r"unbekannte Felder \(extra\)"),
        ({"removed": "ASZ-1"}, "removed muss eine Liste von Einrichtungs-ids"),
        ({"removed": [1, 2]}, r"removed\[0\] muss ein Text sein"),
        ({"removed": [""]}, "leere Einrichtungs-id"),
        ({"removed": ["a"] * 501}, "removed hat 501 Einträge, höchstens 500"),
        ({"year": "2025"}, "year muss eine ganze Zahl"),
        ({"year": 2025.0}, "year muss eine ganze Zahl"),
        ({"year": True}, "year muss eine ganze Zahl"),
        ({"year": 1800}, "zwischen 1900 und 2100"),
        ({"target": "hunde"}, "target: unbekannte Zielgruppe Text „hunde“"),
        ({"target": ["senioren"]}, "target muss ein Text sein"),
        ({"params": "x"}, r"params muss ein Objekt \{…\} sein \(gefunden: Text „x“\)"),
        ({"params": [1]}, "params muss ein Objekt"),
        ({"params": {"detour": 9}}, "params.detour muss zwischen 1 und 3 liegen"),
        (
            {"params": {"max_walk_m": "500"}},
            "params.max_walk_m muss eine Zahl zwischen 1 und 10.000",
        ),
        ({"params": {"speed_mps": None}}, r"params.speed_mps muss eine Zahl .*leer \(null\)"),
        ({"params": {"catchment_m": 0}}, "params.catchment_m muss zwischen"),
        ({"params": {"tempo": 1}}, r"params enthält unbekannte Felder \(tempo\)"),
        ({"selection": [1, 2]}, r"selection muss ein Objekt .*Liste mit 2 Einträgen"),
        ({"selection": {"categories": "pflege"}}, "selection.categories muss eine Liste"),
        ({"selection": {"categories": ["hunde"]}}, r"selection.categories\[0\]: unbekannte"),
        ({"selection": {"categories": [1]}}, r"selection.categories\[0\]: unbekannte .*Zahl 1"),
        ({"selection": {"categories": ["pflege", "pflege"]}}, "mehrfach"),
        ({"selection": {"include_unclear": "ja"}}, "include_unclear muss true oder false"),
        ({"selection": {"include_restricted": 1}}, "include_restricted muss true oder false"),
        ({"package_version": 3}, "package_version muss ein Text sein"),
        ({"created": "x" * 41}, "created ist zu lang"),
        ({"note": "x" * 2001}, "note ist zu lang"),
        ({"note": "a\x00"}, "note enthält Steuerzeichen"),
    ],
)
def test_invalid_scenarios_are_rejected_with_the_field(data, message):
    with pytest.raises(ValueError, match=message):
        scenario_from_dict(data)


def test_defaults_and_valid_fields_are_accepted():
    scenario = scenario_from_dict(
        {
            "added": [{"lon": 11, "lat": 52, "name": "<b>Treff</b> [x](javascript:1)"}],
            "selection": {"categories": [], "include_unclear": False},
            "note": "Zeile 1\nZeile 2\tmit Tab",
            "year": None,
        }
    )
    assert scenario.overlay.added == (
        NewSite("<b>Treff</b> [x](javascript:1)", 11.0, 52.0, "import"),
    )
    assert scenario.assumptions.selection.categories == ()
    assert scenario.assumptions.selection.include_unclear is False
    assert scenario.assumptions.params == WalkParams()
    assert scenario.assumptions.target == "senioren"
    assert scenario_from_dict({}) == Scenario(
        assumptions=Assumptions(selection=scenario_from_dict({}).assumptions.selection)
    )  # defaults of the target group


def test_stamped_needs_a_name():
    with pytest.raises(ValueError, match="Namen"):
        stamped(Scenario(), "   ", "abc")
    named = stamped(Scenario(), "  Mein   Szenario ", "abc")
    assert named.name == "Mein Szenario"
    assert named.package_version == "abc"
    assert named.created.endswith("+00:00")


@pytest.mark.parametrize("name", ["", "   ", "x" * 81, "a\x00b"])
def test_unusable_names_are_refused(name):
    with pytest.raises(ValueError, match=r"Namen|zu lang|Steuerzeichen"):
        stamped(Scenario(), name, "v")
