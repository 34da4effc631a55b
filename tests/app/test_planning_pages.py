"""Standortsimulation and Szenarien in AppTest (synthetic package, temporary store)."""

from __future__ import annotations

import pytest

from scenarios.exchange import to_url_param
from scenarios.model import Assumptions, NewSite, Overlay, Scenario
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


def test_closing_a_place_reads_as_a_loss(app_for, synthetic_dir, store_dir):
    at = app_for(synthetic_dir, "pages/standortsimulation.py")
    assert "Noch keine Änderung" in " ".join(c.value for c in at.caption)  # no empty table
    assert not at.dataframe
    closing = next(m for m in at.multiselect if m.label.startswith("Bestehende Einrichtungen"))
    closing.set_value(["ASZ-1"]).run()
    labels = [m.label for m in at.metric]
    assert "nicht mehr fußläufig versorgt" in labels  # never "neu … −134"
    assert "neu fußläufig versorgt" not in labels
    assert not _metric(at, "nicht mehr fußläufig versorgt").startswith(("−", "-"))
    share = next(m for m in at.metric if m.label.startswith("Anteil bis"))
    assert share.delta.startswith("−")  # German minus, and the arrow points down
    assert share.proto.direction == share.proto.MetricDirection.DOWN
    assert share.proto.color == share.proto.MetricColor.RED
    table = at.dataframe[0].value
    assert table.columns[:2].tolist() == ["Nr.", "Stadtteil"]
    # A closed place loses people somewhere; other rows changed only their index (±0)
    assert all(v.startswith(("−", "±0")) for v in table["Veränderung"])
    assert any(v.startswith("−") for v in table["Veränderung"])


def test_proposal_is_computed_and_taken_over(app_for, synthetic_dir, store_dir):
    at = app_for(synthetic_dir, "pages/standortsimulation.py")
    at.slider(key=state.widget_key(state.OPT_K)).set_value(1).run()
    _button(at, "Vorschlag berechnen").click().run()
    assert not at.exception
    assert _metric(at, "Status") == "optimal"
    assert _metric(at, "Optimalitätslücke") == "0 % (nachgewiesen)"
    assert _metric(at, "Standorte neu / geschlossen") == "0 / 0"  # a preview, not yet taken
    _button(at, "übernehmen").click().run()
    assert _metric(at, "Standorte neu / geschlossen") == "1 / 0"
    site = at.session_state[state.SCENARIO].overlay.added[0]
    assert site.source == "vorschlag"
    assert site.name.startswith("Nord, ")  # Stadtteil and stop, never a grid code
    assert "Zelle" not in site.name
    assert _button(at, "übernommen").disabled  # the proposal stays, its site is marked


def test_whole_proposal_is_taken_over_at_once(app_for, synthetic_dir, store_dir):
    at = app_for(synthetic_dir, "pages/standortsimulation.py")
    at.slider(key=state.widget_key(state.OPT_K)).set_value(2).run()
    _button(at, "Vorschlag berechnen").click().run()
    assert any("noch nicht im Szenario" in i.value for i in at.info)
    _button(at, "Alle übernehmen").click().run()
    assert not at.exception
    added = at.session_state[state.SCENARIO].overlay.added
    assert len(added) == 2
    # The box says what is now true: everything is in the scenario.
    assert not any("noch nicht im Szenario" in i.value for i in at.info)
    assert any("Alle vorgeschlagenen Standorte sind übernommen" in m.value for m in at.success)
    assert len({s.name for s in added}) == 2  # distinct names
    _button(at, "Vorschlag verwerfen").click().run()
    assert not any(b.label == "Alle übernehmen" for b in at.button)


@pytest.mark.parametrize(
    ("where", "warning"),
    [
        ((X0 - 3000, Y0 - 3000), "außerhalb des Stadtgebiets"),
        ((X0 + 500, Y0 + 1510), "Hier steht schon der neue Standort „Nord“"),
    ],
)
def test_refused_click_warns_and_keeps_the_scenario(
    app_for, synthetic_dir, store_dir, monkeypatch, where, warning
):
    from scenarios.model import NewSite, Overlay, Scenario
    from ui import map_widget

    monkeypatch.setattr(map_widget, "st_folium", _fake_map_component)
    at = app_for(synthetic_dir, "pages/standortsimulation.py")
    at.session_state[state.SCENARIO] = Scenario(
        overlay=Overlay(added=(NewSite("Nord", *metric_point(X0 + 500, Y0 + 1500)),))
    )
    at.session_state["_test_klick"] = metric_point(*where)
    at.run()  # the click is handled while the map is drawn; the next run shows the toast
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert any(warning in w.value for w in at.toast), [w.value for w in at.toast]
    assert [s.name for s in at.session_state[state.SCENARIO].overlay.added] == ["Nord"]


def test_warning_from_a_click_shows_once_without_moving_the_map(app_for, synthetic_dir, store_dir):
    at = app_for(synthetic_dir, "pages/standortsimulation.py")
    at.session_state[state.SIM_WARNINGS] = ("Der Punkt liegt außerhalb des Stadtgebiets.",)
    at.run()
    # A toast, not an alert above the map: nothing on the page moves, nothing stays.
    assert [w.value for w in at.toast] == ["Der Punkt liegt außerhalb des Stadtgebiets."]
    assert not at.warning
    at.run()
    assert not at.toast


def test_a_scenario_that_cannot_be_computed_keeps_the_page_usable(
    app_for, synthetic_dir, store_dir
):
    at = app_for(synthetic_dir, "pages/standortsimulation.py")
    # E.g. loaded from an old link: a site far outside the city.
    outside = NewSite("Draußen", *metric_point(X0 - 5000, Y0 - 5000))
    at.session_state[state.SCENARIO] = Scenario(overlay=Overlay(added=(outside,)))
    at.run()
    assert not at.exception
    assert any("kann nicht berechnet werden" in e.value for e in at.error)
    assert at.metric  # figures (of the status quo) and controls are still drawn
    assert any(t.label == "Klick auf die Karte setzt Standort" for t in at.toggle)
    next(b for b in at.button if b.key == "leeren_nach_fehler").click().run()
    assert not at.error
    assert at.session_state[state.SCENARIO].overlay.is_empty


def test_save_then_list_compare_and_delete(app_for, synthetic_dir, store_dir):
    at = app_for(synthetic_dir, "pages/standortsimulation.py")
    at.session_state[state.SCENARIO] = Scenario(
        overlay=Overlay(added=(NewSite("Nord", *metric_point(X0 + 500, Y0 + 1500)),))
    )
    at.run()
    at.text_input(key=state.widget_key(state.SCENARIO_NAME)).input("Nord-Treff").run()
    _button(at, "Speichern").click().run()
    assert any("Gespeichert" in s.value for s in at.success)
    assert (store_dir / "begegnungsatlas.sqlite").exists()

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
        Scenario(
            assumptions=Assumptions(year=2025),
            overlay=Overlay(added=(NewSite("Geteilt", *metric_point(X0 + 500, Y0 + 1500)),)),
        )
    )
    monkeypatch.setenv("BEGEGNUNGSATLAS_DATA", str(synthetic_dir))
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["szenario"] = link
    at.run()
    assert not at.exception
    assert at.session_state[state.SCENARIO].overlay.added[0].name == "Geteilt"


def test_a_place_in_the_middle_of_a_stadtteil_and_its_gap_warning(
    app_for, synthetic_dir, store_dir
):
    # Issue 18: a place "in Nord" goes to the population-weighted centre of Nord's cells, and
    # since Nord holds "Seniorentreff Kastanie" without position, the page warns about it.
    at = app_for(synthetic_dir, "pages/standortsimulation.py")
    middle = next(s for s in at.selectbox if s.label == "Stadtteil")
    assert set(middle.options) >= {"01 Mitte", "02 Nord"}
    middle.select("02").run()
    _button(at, "Stadtteilmitte übernehmen").click().run()
    assert not at.exception
    site = at.session_state[state.SCENARIO].overlay.added[0]
    assert (site.source, site.ref) == ("stadtteilmitte", "02")
    warnings = [w.value for w in at.warning]
    assert any("In Nord zählt „Seniorentreff Kastanie“ ohne bekannte Lage" in w for w in warnings)


def test_a_proposal_in_nord_is_shown_with_its_warning(app_for, synthetic_dir, store_dir):
    at = app_for(synthetic_dir, "pages/standortsimulation.py")
    at.slider(key=state.widget_key(state.OPT_K)).set_value(1).run()
    _button(at, "Vorschlag berechnen").click().run()
    assert not at.exception
    assert any("Seniorentreff Kastanie" in w.value for w in at.warning)


def _fake_map_component(fig, *, key: str, on_change=None, **kwargs):
    """st_folium as the browser drives it: a pending click becomes the value, then on_change."""
    import streamlit as st

    pending = st.session_state.get("_test_klick")
    if pending is not None and on_change is not None:
        st.session_state["_test_klick"] = None
        st.session_state[key] = {"last_clicked": {"lng": pending[0], "lat": pending[1]}}
        on_change()
    return st.session_state.get(key)


def test_a_map_click_reaches_the_scenario_through_the_page_wiring(
    app_for, synthetic_dir, store_dir, monkeypatch
):
    """The real page, map widget and callback: only the browser component is replaced."""
    from ui import map_widget

    monkeypatch.setattr(map_widget, "st_folium", _fake_map_component)
    at = app_for(synthetic_dir, "pages/standortsimulation.py")
    assert at.session_state[state.SCENARIO].overlay.added == ()
    at.session_state["_test_klick"] = metric_point(X0 + 500, Y0 + 500)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    (site,) = at.session_state[state.SCENARIO].overlay.added
    assert site.name.startswith("Mitte, ")  # named after Stadtteil and stop, never "Zelle"
    assert "Zelle" not in site.name
    assert site.source == "karte"
    at.run()
    assert not at.toast
    # The same click again (st_folium repeats its last value) adds nothing.
    at.run()
    assert len(at.session_state[state.SCENARIO].overlay.added) == 1
    # With the switch off a click is ignored.
    at.session_state[state.CLICK_ADDS] = False
    at.session_state["_test_klick"] = metric_point(X0 + 520, Y0 + 1500)
    at.run()
    assert len(at.session_state[state.SCENARIO].overlay.added) == 1
