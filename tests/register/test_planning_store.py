"""The planning store on SQLite and PostgreSQL: region sets, measure status, Ist values."""

from __future__ import annotations

import pandas as pd
import pytest

from register.planning import PlanningConflictError, PlanningStore

NAMES = pd.Series({"01": "Mitte", "02": "Nord", "04": "Ost"})
TABLE = pd.DataFrame({"stadtteil_nr": ["01", "02", "04"], "region": ["Innen", "Außen", "Außen"]})


@pytest.fixture
def planning(store_url: str) -> PlanningStore:
    return PlanningStore(store_url)


def test_region_set_survives_a_new_store_with_history(planning, store_url):
    first = planning.save_region_set("A. Planer", "Versorgungsgebiete", TABLE, NAMES, note="Start")
    assert first.version == 1
    changed = TABLE.assign(region=["Innen", "Innen", "Außen"])
    planning.save_region_set("B. Planer", "Versorgungsgebiete", changed, NAMES, expected_version=1)
    again = PlanningStore(store_url)  # as a new process would open it
    stored = again.region_set("Versorgungsgebiete")
    assert stored.version == 2
    assert stored.author == "B. Planer"
    assert stored.mapping.values.tolist() == [["01", "Innen"], ["02", "Innen"], ["04", "Außen"]]
    history = again.region_set_history("Versorgungsgebiete")
    assert [(h.version, h.author, h.note) for h in history] == [
        (2, "B. Planer", ""),
        (1, "A. Planer", "Start"),
    ]


def test_several_sets_at_once_and_delete_keeps_history(planning):
    planning.save_region_set("A", "Versorgungsgebiete", TABLE, NAMES)
    planning.save_region_set("A", "Sozialregionen", TABLE.assign(region="Stadt"), NAMES)
    assert [s.name for s in planning.region_sets()] == ["Sozialregionen", "Versorgungsgebiete"]
    planning.delete_region_set("A", "Sozialregionen", note="ersetzt")
    assert [s.name for s in planning.region_sets()] == ["Versorgungsgebiete"]
    assert [h.deleted for h in planning.region_set_history("Sozialregionen")] == [True, False]
    with pytest.raises(ValueError, match="Keine Gebietsgliederung 'Sozialregionen'"):
        planning.region_set("Sozialregionen")


def test_conflict_and_bad_input_save_nothing(planning):
    planning.save_region_set("A", "VG", TABLE, NAMES)
    with pytest.raises(PlanningConflictError, match="gespeichert ist Version 1, geöffnet war"):
        planning.save_region_set("B", "VG", TABLE, NAMES, expected_version=0)
    with pytest.raises(ValueError, match="Zeile 4: Stadtteil 02 Nord steht zum zweiten Mal"):
        planning.save_region_set("B", "VG", pd.concat([TABLE.iloc[:2], TABLE.iloc[1:2]]), NAMES)
    with pytest.raises(ValueError, match=r"Name der Gebietsgliederung .* enthält HTML"):
        planning.save_region_set("B", "<i>VG</i>", TABLE, NAMES)
    with pytest.raises(ValueError, match="Name \\(wer ändert\\) fehlt"):
        planning.save_region_set(" ", "VG", TABLE, NAMES)
    assert len(planning.region_set_history()) == 1


def test_measure_status_and_own_measures(planning):
    own = planning.add_measure("A", {"massnahme": "Treff im Stadtteilladen", "stadtteil_nr": "02"})
    assert own == "E1"
    planning.set_measure_status("A", "2.2", "in Prüfung", note="Ortstermin", known_ids=["2.2"])
    planning.set_measure_status("B", "2.2", "in Umsetzung", scenario="Plan Nord", known_ids=["2.2"])
    planning.set_measure_status("A", "E1", "geplant")
    current = planning.current_status()
    assert current["2.2"].status == "in Umsetzung"
    assert current["2.2"].scenario == "Plan Nord"
    assert [e.status for e in planning.status_history("2.2")] == ["in Umsetzung", "in Prüfung"]
    with pytest.raises(ValueError, match=r"Status 'fertig' ist nicht möglich\. Erlaubt: geplant"):
        planning.set_measure_status("A", "2.2", "fertig", known_ids=["2.2"])
    with pytest.raises(ValueError, match=r"Maßnahme '9\.9' ist unbekannt"):
        planning.set_measure_status("A", "9.9", "geplant", known_ids=["2.2"])
    with pytest.raises(ValueError, match="Text der Maßnahme fehlt"):
        planning.add_measure("A", {"massnahme": " "})
    assert planning.own_measures()["id"].tolist() == ["E1"]


def test_ist_values_need_every_region(planning):
    planning.save_region_set("A", "VG", TABLE, NAMES)
    with pytest.raises(ValueError, match="Region 'Außen': Ist-Wert fehlt"):
        planning.save_ist("A", "VG", "Förderung 2026", {"Innen": 10})
    with pytest.raises(ValueError, match="Region 'Woanders' gehört nicht zu 'VG'"):
        planning.save_ist("A", "VG", "Förderung 2026", {"Innen": 1, "Außen": 2, "Woanders": 3})
    planning.save_ist("A", "VG", "Förderung 2026", {"Innen": 10.5, "Außen": 0})
    amounts, author, _ = planning.ist("VG", "Förderung 2026")
    assert amounts == {"Innen": 10.5, "Außen": 0.0}
    assert author == "A"
    assert planning.ist_labels("VG") == ["Förderung 2026"]
