"""Projected years in the app: the sidebar choice, the label on the page, method and change map."""

from __future__ import annotations

import pytest

from geo.analysis.projection import HORIZON, RATE_NAMES
from ui import state


def _texts(at) -> str:
    parts = [
        e.value
        for kind in ("markdown", "caption", "warning", "title", "subheader")
        for e in getattr(at, kind)
    ]
    return " ".join(str(p) for p in parts)


def test_sidebar_offers_projected_years_and_keeps_the_latest_observed_as_default(
    app_for, synthetic_dir
):
    at = app_for(synthetic_dir)
    box = at.sidebar.selectbox(key=state.widget_key(state.YEAR))
    assert box.value == 2025
    assert HORIZON in box.options or str(HORIZON) in " ".join(map(str, box.options))
    assert not at.warning or "Modellrechnung" not in " ".join(w.value for w in at.warning)


def test_projected_year_is_marked_on_top_and_in_the_titles(monkeypatch, synthetic_dir):
    from streamlit.testing.v1 import AppTest

    from geo.config import DATA_ENV
    from tests.app.conftest import APP

    monkeypatch.setenv(DATA_ENV, str(synthetic_dir))
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state[state.YEAR] = HORIZON  # AppTest reruns only the page: set it before app.py
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    warning = " ".join(w.value for w in at.warning)
    assert f"{HORIZON}: Modellrechnung" in warning
    assert f"Stand 31.12.{HORIZON} (Modellrechnung)" in _texts(at)


@pytest.mark.parametrize("page", ["pages/bevoelkerung.py", "pages/erreichbarkeit.py"])
def test_projected_year_runs_on_the_analysis_pages(app_for, synthetic_dir, page):
    at = app_for(synthetic_dir)
    at.sidebar.selectbox(key=state.widget_key(state.YEAR)).set_value(HORIZON).run()
    at.switch_page(page).run()
    assert not at.exception, [e.message for e in at.exception]
    assert f"{HORIZON} (Modellrechnung)" in _texts(at)


def test_method_table_and_change_map_on_bevoelkerung(app_for, synthetic_dir):
    at = app_for(synthetic_dir, "pages/bevoelkerung.py")
    expander = next(e for e in at.expander if "Methode" in e.label)
    table = expander.dataframe[0].value
    assert len(table) == 3 + 1  # every Stadtteil and the city
    for name in RATE_NAMES:
        assert f"{name} (% je Jahr)" in table.columns
    assert f"Veränderung 2025 → {HORIZON} (Modellrechnung)" in _texts(at)
    at.toggle(key="veraenderung_karte").set_value(True).run()
    assert not at.exception
    assert "Stadt gesamt:" in _texts(at)
    at.radio(key="veraenderung_groesse").set_value("anteil_65plus").run()
    assert not at.exception


def test_simulation_shows_before_after_for_today_and_a_projected_year(app_for, synthetic_dir):
    from tests.app.test_planning_pages import _button
    from tests.synthetic import FACILITY_NAMES

    at = app_for(synthetic_dir, "pages/standortsimulation.py")
    second = at.selectbox(key="sim_zweites_jahr")
    assert second.value == HORIZON
    picker = next(s for s in at.selectbox if s.label == "Kandidat hinzufügen")
    picker.select(next(o for o in picker.options if FACILITY_NAMES["BG-1"] in o)).run()
    _button(at, "Kandidat übernehmen").click().run()
    assert not at.exception
    table = next(d.value for d in at.dataframe if "Jahr" in d.value.columns)
    assert table["Jahr"].tolist() == ["2025", f"{HORIZON} (Modellrechnung)"]
    assert (table["Veränderung"] != "0").all()
    at.selectbox(key="sim_zweites_jahr").set_value("aus").run()
    assert not any("Jahr" in d.value.columns for d in at.dataframe)


def test_two_year_proposal_shows_gains_and_regrets_in_both_years(app_for, synthetic_dir):
    from tests.app.test_planning_pages import _button

    at = app_for(synthetic_dir, "pages/standortsimulation.py")
    at.slider(key=state.widget_key(state.OPT_K)).set_value(1).run()
    at.radio(key=state.widget_key(state.OPT_OBJECTIVE)).set_value("zwei_jahre").run()
    _button(at, "Vorschlag berechnen").click().run()
    assert not at.exception, [e.message for e in at.exception]
    table = next(d.value for d in at.dataframe if "Plan" in d.value.columns)
    assert len(table) == 3
    for column in (
        "zusätzlich Älteren (65+) 2025",
        f"zusätzlich Älteren (65+) {HORIZON} (Modellrechnung)",
        "Bedauern 2025",
        f"Bedauern {HORIZON} (Modellrechnung)",
    ):
        assert column in table.columns, table.columns
    worse = [float(v.replace(".", "").replace(",", ".")) for v in table["schlechteres Jahr"]]
    assert worse[0] >= max(worse[1:])


@pytest.mark.parametrize(
    "page", ["pages/unterversorgung.py", "pages/regionen.py", "pages/daten.py", "pages/bericht.py"]
)
def test_other_pages_work_in_a_projected_year(app_for, synthetic_dir, page):
    at = app_for(synthetic_dir)
    at.sidebar.selectbox(key=state.widget_key(state.YEAR)).set_value(HORIZON).run()
    at.switch_page(page).run()
    assert not at.exception, [e.message for e in at.exception]
