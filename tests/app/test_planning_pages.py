"""Standortsimulation and Szenarien in AppTest (synthetic package, temporary store)."""

from __future__ import annotations

import pytest

from scenarios.exchange import to_url_param
from scenarios.model import NewSite, Scenario
from scenarios.store import STORE_ENV
from tests.synthetic import FACILITY_NAMES, X0, Y0, metric_point
from ui import state


@pytest.fixture
def store_dir(tmp_path, monkeypatch):
    path = tmp_path / "szenarien"
    monkeypatch.setenv(STORE_ENV, str(path))  # overrides the conftest default to inspect it
    return path


def _metric(at, label):
    return {m.label: m.value for m in at.metric}[label]


def _button(at, label):
    return next(b for b in at.button if b.label == label)


def test_candidate_adds_coverage_and_closing_removes_it(app_for, synthetic_dir, store_dir):
    at = app_for(synthetic_dir, "pages/standortsimulation.py")
    assert _metric(at, "neu fußläufig versorgt") == "0"
    picker = next(s for s in at.selectbox if s.label == "Kandidat hinzufügen")
    bg = next(o for o in picker.options if FACILITY_NAMES["BG-1"] in o)
    picker.select(bg).run()
    _button(at, "Kandidat übernehmen").click().run()
    assert not at.exception
    assert _metric(at, "Standorte neu / geschlossen") == "1 / 0"
    assert float(_metric(at, "neu fußläufig versorgt").replace(".", "").replace(",", ".")) > 0
    closing = next(m for m in at.multiselect if m.label.startswith("Bestehende Einrichtungen"))
    closing.set_value(["ASZ-1"]).run()
    assert _metric(at, "Standorte neu / geschlossen") == "1 / 1"


def test_proposal_is_computed_and_taken_over(app_for, synthetic_dir, store_dir):
    at = app_for(synthetic_dir, "pages/standortsimulation.py")
    at.slider(key=state.widget_key(state.OPT_K)).set_value(1).run()
    _button(at, "Vorschlag berechnen").click().run()
    assert not at.exception
    assert _metric(at, "Status") == "optimal"
    assert _metric(at, "Optimalitätslücke") == "0,00 %"
    _button(at, "Vorschlag ins Szenario übernehmen").click().run()
    assert _metric(at, "Standorte neu / geschlossen") == "1 / 0"


def test_save_then_list_compare_and_delete(app_for, synthetic_dir, store_dir):
    at = app_for(synthetic_dir, "pages/standortsimulation.py")
    at.session_state[state.SCENARIO] = Scenario(
        added=(NewSite("Nord", *metric_point(X0 + 500, Y0 + 1500)),)
    )
    at.run()
    at.text_input(key=state.widget_key(state.SCENARIO_NAME)).input("Nord-Treff").run()
    _button(at, "Speichern").click().run()
    assert any("Gespeichert" in s.value for s in at.success)
    assert (store_dir / "szenarien.sqlite").exists()

    at.switch_page("pages/szenarien.py").run()
    assert not at.exception
    assert at.dataframe[0].value["Name"].tolist() == ["Nord-Treff"]
    b = next(s for s in at.selectbox if s.label == "Szenario B")
    b.set_value("Nord-Treff").run()
    assert not at.exception
    assert _metric(at, "B − A") == "0"  # the current scenario is the saved one
    at.checkbox[0].check().run()
    _button(at, "Löschen").click().run()
    assert any("Noch keine Szenarien" in i.value for i in at.info)


def test_shared_link_loads_the_scenario(app_for, synthetic_dir, store_dir, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from tests.app.conftest import APP

    link = to_url_param(
        Scenario(added=(NewSite("Geteilt", *metric_point(X0 + 500, Y0 + 1500)),), year=2025)
    )
    monkeypatch.setenv("BEGEGNUNGSATLAS_DATA", str(synthetic_dir))
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["szenario"] = link
    at.run()
    assert not at.exception
    assert at.session_state[state.SCENARIO].added[0].name == "Geteilt"
