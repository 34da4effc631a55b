"""Every page renders (AppTest) on the synthetic and on the real package."""

from __future__ import annotations

import pytest

from indicators.registry import INDICATORS
from tests.conftest import real_data_dir
from ui import state

PAGES = [
    "pages/uebersicht.py",
    "pages/bevoelkerung.py",
    "pages/einrichtungen.py",
    "pages/erreichbarkeit.py",
    "pages/oepnv.py",
    "pages/unterversorgung.py",
    "pages/standortsimulation.py",
    "pages/szenarien.py",
    "pages/massnahmen.py",
    "pages/verteilung.py",
    "pages/regionen.py",
    "pages/bericht.py",
    "pages/daten.py",
]


def _texts(at) -> str:
    parts = (
        [e.value for e in at.markdown] + [e.value for e in at.title] + [e.value for e in at.header]
    )
    parts += (
        [e.value for e in at.caption] + [e.value for e in at.info] + [e.value for e in at.warning]
    )
    return "\n".join(str(p) for p in parts)


@pytest.mark.parametrize("page", PAGES)
def test_page_renders_on_synthetic_package(app_for, synthetic_dir, page):
    at = app_for(synthetic_dir, page)
    assert not at.error


@pytest.mark.real_data
@pytest.mark.parametrize("page", PAGES)
def test_page_renders_on_real_package(app_for, page):
    at = app_for(real_data_dir(), page)
    assert not at.error


def test_overview_key_figures(app_for, synthetic_dir):
    at = app_for(synthetic_dir)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {
        "Einwohner": "1.410",
        "Einwohner 65+": "450",
        "Anteil 65+": "32,1 %",
        "Offene Begegnungsstätten": "2",
    }
    assert "Datenstand" in _texts(at)


@pytest.mark.real_data
def test_overview_names_stadtteile_without_meeting_place_from_data(app_for, real_data_dir_or_skip):
    at = app_for(real_data_dir_or_skip)
    info = " ".join(i.value for i in at.info)
    assert "Neue Neustadt" in info  # the largest senior population without a meeting place


@pytest.fixture
def real_data_dir_or_skip():
    return real_data_dir()


@pytest.mark.parametrize("indicator_id", list(INDICATORS))
def test_every_indicator_can_be_mapped(app_for, synthetic_dir, indicator_id):
    at = app_for(synthetic_dir, "pages/bevoelkerung.py")
    at.selectbox(key=state.widget_key(state.INDICATOR)).set_value(indicator_id).run()
    assert not at.exception
    assert INDICATORS[indicator_id].definition[:30] in _texts(at)


def test_choosing_a_stadtteil_opens_its_profile(app_for, synthetic_dir):
    at = app_for(synthetic_dir, "pages/bevoelkerung.py")
    assert "Wählen Sie einen Stadtteil" in _texts(at)
    at.selectbox(key=state.widget_key(state.STADTTEIL)).set_value("02").run()
    assert not at.exception
    assert "Profil: Nord" in _texts(at)
    profile = next(d.value for d in at.dataframe if "Indikator" in d.value.columns)
    row = profile.set_index("Indikator").loc["Anteil 65+ (%)"]
    assert (row["Stadtteil"], row["Magdeburg"], row["Rang"]) == ("50,0", "32,1", "1 von 2")


def test_year_and_class_controls(app_for, synthetic_dir):
    at = app_for(synthetic_dir)
    # AppTest shows no sidebar after switch_page, so set the year first.
    at.sidebar.selectbox(key=state.widget_key(state.YEAR)).set_value(2022).run()
    at.switch_page("pages/bevoelkerung.py").run()
    at.selectbox(key=state.widget_key(state.CLASS_METHOD)).set_value("jenks").run()
    at.slider(key=state.widget_key(state.N_CLASSES)).set_value(3).run()
    assert not at.exception
    assert "Rangfolge 2022" in _texts(at)


def test_facilities_page_lists_unlocated_and_filters(app_for, synthetic_dir):
    at = app_for(synthetic_dir, "pages/einrichtungen.py")
    assert "Einrichtungen ohne bekannte Lage (1)" in [s.value for s in at.subheader]
    at.toggle(key=state.widget_key(state.HIDE_CLOSED)).set_value(True).run()
    assert "Liste (4 Einrichtungen, 3 mit Lage)" in [s.value for s in at.subheader]
    at.multiselect(key=state.widget_key(state.FACILITY_CATEGORIES)).set_value([]).run()
    assert "Keine Einrichtung entspricht der Auswahl" in _texts(at)


def test_missing_package_shows_one_clear_page(app_for, tmp_path):
    at = app_for(tmp_path / "fehlt")
    assert "Das Datenpaket konnte nicht geladen werden." in [e.value for e in at.error]
    assert str(tmp_path / "fehlt") in [c.value for c in at.code]
    assert any("BEGEGNUNGSATLAS_DATA=" in c.value for c in at.code)


@pytest.mark.parametrize("page", PAGES)
def test_paths_and_environment_only_in_the_about_expander(app_for, synthetic_dir, page):
    at = app_for(synthetic_dir, page)
    about = [e for e in at.expander if e.label.startswith("Über diese Installation")]
    hidden = {m.value for e in about for m in e.markdown}
    elements = [*at.markdown, *at.caption, *at.info, *at.warning, *at.title, *at.header]
    shown = "\n".join(str(e.value) for e in elements if e.value not in hidden)
    assert str(synthetic_dir) not in shown
    assert "BEGEGNUNGSATLAS_" not in shown
    assert "szenarien-test" not in shown
    if page == "pages/daten.py":  # the one place for the administration
        assert str(synthetic_dir) in "".join(hidden)
        assert "BEGEGNUNGSATLAS_SZENARIEN" in "".join(hidden)
