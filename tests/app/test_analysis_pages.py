"""Erreichbarkeit and Unterversorgung in AppTest."""

from __future__ import annotations

import pytest

from indicators.composite import DEFAULT_WEIGHTS, PRESETS
from tests.conftest import real_data_dir
from ui import state


def _metric(at, label):
    return {m.label: m.value for m in at.metric}[label]


def test_erreichbarkeit_key_figures_follow_the_threshold(app_for, synthetic_dir):
    at = app_for(synthetic_dir, "pages/erreichbarkeit.py")
    assert _metric(at, "Ältere Menschen (65+)") == "450"
    share_500 = _metric(at, "bis 500 m Gehweg")
    at.sidebar.select_slider(key=state.widget_key(state.MAX_WALK)).set_value(1000).run()
    assert not at.exception
    assert float(_metric(at, "bis 1.000 m Gehweg").split()[0].replace(",", ".")) >= float(
        share_500.split()[0].replace(",", ".")
    )
    assert any("ohne bekannte Lage" in c.value for c in at.caption)


def test_changing_the_target_group_resets_the_categories(app_for, synthetic_dir):
    at = app_for(synthetic_dir, "pages/erreichbarkeit.py")
    at.sidebar.selectbox(key=state.widget_key(state.TARGET)).set_value("alle").run()
    assert not at.exception
    assert at.session_state[state.SITE_CATEGORIES] == ["generationen"]
    assert _metric(at, "Alle Einwohner") == "1.410"


def test_no_site_selected_gives_a_hint_not_a_traceback(app_for, synthetic_dir):
    at = app_for(synthetic_dir, "pages/erreichbarkeit.py")
    at.sidebar.multiselect(key=state.widget_key(state.SITE_CATEGORIES)).set_value(["pflege"]).run()
    assert not at.exception
    assert any("Keine verortete Einrichtung" in i.value for i in at.info)


@pytest.mark.real_data
def test_unterversorgung_weights_and_warum_card(app_for):
    at = app_for(real_data_dir(), "pages/unterversorgung.py")
    at.selectbox(key=state.widget_key(state.STADTTEIL)).set_value("06").run()
    assert not at.exception
    assert "Warum? Neue Neustadt" in [s.value for s in at.subheader]
    parts = at.dataframe[0].value
    assert len(parts) == len(DEFAULT_WEIGHTS) - 1  # the optional transit share has weight 0
    # Only the number of seniors counts: Neue Neustadt has the 8th largest senior population.
    for key in DEFAULT_WEIGHTS:
        at.select_slider(key=state.widget_key(state.weight_key(key))).set_value(
            1.0 if key == "zielgruppe" else 0.0
        )
    at.run()
    assert not at.exception
    assert _metric(at, "Rang") == "8 von 30"
    at.button[0].click().run()  # back to the default weights
    assert at.session_state[state.weight_key("zielgruppe")] == DEFAULT_WEIGHTS["zielgruppe"]


def test_unranked_stadtteil_explains_why(app_for, synthetic_dir):
    at = app_for(synthetic_dir, "pages/unterversorgung.py")
    at.selectbox(key=state.widget_key(state.STADTTEIL)).set_value("04").run()
    assert not at.exception
    assert any("nicht gerankt" in i.value for i in at.info)


def test_all_weights_zero_is_explained(app_for, synthetic_dir):
    at = app_for(synthetic_dir, "pages/unterversorgung.py")
    for key in DEFAULT_WEIGHTS:
        at.select_slider(key=state.widget_key(state.weight_key(key))).set_value(0.0)
    at.run()
    assert not at.exception
    assert any("Mindestens ein Gewicht" in i.value for i in at.info)


def test_presets_with_the_default_and_its_reason(app_for, synthetic_dir):
    # Issue 18: two named weightings; the default and why it is the default are on the page.
    at = app_for(synthetic_dir, "pages/unterversorgung.py")
    choice = at.radio(key=state.PRESET_PICK)
    assert choice.value == "anteilig"
    assert any("Standard ist „anteilig“: Eine Begegnungsstätte ist" in c.value for c in at.caption)
    choice.set_value("absolut").run()
    assert not at.exception
    assert state_weights(at) == dict(PRESETS["absolut"].weights)
    assert at.radio(key=state.PRESET_PICK).value == "absolut"
    at.select_slider(key=state.widget_key(state.weight_key("wohngeld"))).set_value(0.5).run()
    assert at.radio(key=state.PRESET_PICK).value == state.OWN_WEIGHTS
    assert any("Gewichtung eigene Gewichtung" in c.value.replace("\\", "") for c in at.caption)


def test_warum_card_shows_shared_rank_and_the_rank_range_from_positions(app_for, synthetic_dir):
    at = app_for(synthetic_dir, "pages/unterversorgung.py")
    at.number_input(key=state.widget_key(state.MIN_PEOPLE)).set_value(0).run()
    at.selectbox(key=state.widget_key(state.STADTTEIL)).set_value("02").run()
    assert not at.exception
    assert _metric(at, "Rang").endswith("von 2")
    assert _metric(at, "Rang je nach Lage") in {"1", "2", "1–2"}
    warnings = [w.value.replace("\\", "") for w in at.warning]  # markdown escapes
    assert any("Seniorentreff Kastanie ohne Lage: 0,0–49,0 %" in w for w in warnings)


def state_weights(at) -> dict[str, float]:
    return {k: at.session_state[state.weight_key(k)] for k in DEFAULT_WEIGHTS}


def test_sliders_speak_german(app_for, synthetic_dir):
    at = app_for(synthetic_dir, "pages/unterversorgung.py")
    weight = at.select_slider(key=state.widget_key(state.weight_key("zielgruppe")))
    assert {"0", "0,15", "0,5", "1"} <= set(weight.options)
    detour = at.sidebar.select_slider(key=state.widget_key(state.DETOUR))
    assert "1,3" in detour.options
    assert not any("." in o for o in [*weight.options, *detour.options])
