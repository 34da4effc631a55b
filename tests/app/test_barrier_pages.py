"""The Elbe rule on the pages (AppTest, synthetic package with its river)."""

from __future__ import annotations

from geo.barrier import WALK_LABEL_BARRIER
from tests.synthetic import write_river
from ui import state


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
    assert at.session_state[state.SCENARIO].crossings_closed == ("Teststeg",)
    assert any("gesperrt: 1" in c.value for c in at.caption)
