"""The Elbe rule on the pages (AppTest, synthetic package with its river)."""

from __future__ import annotations

from geo.analysis.metric import WALK_LABEL_BARRIER
from tests.synthetic import X0, Y0, metric_point, write_river
from ui import state
from ui.inputs import shown


def test_erreichbarkeit_names_the_method_and_shows_the_river(app_for, synthetic_dir):
    write_river(synthetic_dir)
    at = app_for(synthetic_dir, "pages/erreichbarkeit.py")
    assert any(WALK_LABEL_BARRIER in c.value for c in at.caption)
    assert any(WALK_LABEL_BARRIER in c.value for c in at.sidebar.caption)


def test_erreichbarkeit_without_river_keeps_todays_label(app_for, synthetic_dir):
    at = app_for(synthetic_dir, "pages/erreichbarkeit.py")
    assert not any(WALK_LABEL_BARRIER in c.value for c in at.caption)


def test_closing_the_bridge_in_the_simulation_changes_the_scenario(app_for, synthetic_dir):
    write_river(synthetic_dir)
    at = app_for(synthetic_dir, "pages/standortsimulation.py")
    at.multiselect(key=state.CROSSING_CLOSE_PICK).set_value(["Teststeg"]).run()
    assert not at.exception
    assert at.session_state[state.SCENARIO].overlay.crossings_closed == ("Teststeg",)
    assert any("gesperrt: 1" in c.value for c in at.caption)


def test_a_missing_bridge_is_added_from_the_planners_position(app_for, synthetic_dir):
    write_river(synthetic_dir)
    at = app_for(synthetic_dir, "pages/standortsimulation.py")
    take = next(b for b in at.button if b.label == "Querung übernehmen")
    assert take.disabled  # no position yet: nothing is suggested from code
    lon, lat = metric_point(X0 + 1030, Y0 - 300)  # 30 m beside the river
    at.text_input(key=state.CROSSING_NEW_NAME).set_value("Südsteg")
    at.text_input(key=f"_zahl_{state.CROSSING_NEW_LAT}").input(shown(lat, 5))
    at.text_input(key=f"_zahl_{state.CROSSING_NEW_LON}").input(shown(lon, 5)).run()
    next(b for b in at.button if b.label == "Querung übernehmen").click().run()
    assert not at.exception
    (added,) = at.session_state[state.SCENARIO].overlay.crossings_added
    assert added.name == "Südsteg"
    assert any("neu: Südsteg" in m.value for m in at.markdown)


def test_a_bridge_far_from_the_river_is_refused(app_for, synthetic_dir):
    write_river(synthetic_dir)
    at = app_for(synthetic_dir, "pages/standortsimulation.py")
    lon, lat = metric_point(X0 + 300, Y0 + 500)  # 700 m west of the river
    at.text_input(key=f"_zahl_{state.CROSSING_NEW_LAT}").input(shown(lat, 5))
    at.text_input(key=f"_zahl_{state.CROSSING_NEW_LON}").input(shown(lon, 5)).run()
    next(b for b in at.button if b.label == "Querung übernehmen").click().run()
    assert not at.exception
    assert at.session_state[state.SCENARIO].overlay.crossings_added == ()
    assert any("von der nächsten Barrierelinie" in w.value for w in at.toast)
