"""Bus & Bahn in AppTest: the page, the index component and the simulation toggle."""

from __future__ import annotations

import pytest

from indicators.composite import DEFAULT_WEIGHTS
from tests.synthetic import FACILITY_NAMES
from ui import state


def _metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _percent(text: str) -> float:
    return float(text.split()[0].replace(".", "").replace(",", "."))


def test_oepnv_page_compares_transit_with_walking(app_for, synthetic_dir):
    at = app_for(synthetic_dir, "pages/oepnv.py")
    metrics = _metrics(at)
    captions = " ".join(c.value for c in at.caption)
    assert "am 02.06.2026" in captions  # the first full Tuesday of the feed
    assert "außerhalb der Region" in captions
    assert _percent(metrics["in 20 min mit Bus & Bahn"]) >= _percent(
        metrics["in 20 min nur zu Fuß"]
    )
    at.select_slider(key=state.widget_key(state.TRANSIT_MINUTES)).set_value(60).run()
    assert not at.exception
    assert _metrics(at)["in 60 min mit Bus & Bahn"] == "100,0 %"
    table = at.dataframe[0].value.set_index("Nr.")
    assert table.at["01", "Anteil mit Bus & Bahn (%)"] == "100,0"
    assert table.at["04", "Anteil mit Bus & Bahn (%)"] == "–"  # nobody lives there: no share
    at.select_slider(key=state.widget_key(state.TRANSIT_WINDOW)).set_range(600, 660).run()
    assert not at.exception
    assert at.session_state[state.TRANSIT_WINDOW] == (600, 660)  # read back as a pair


def test_wheelchair_option_warns_when_the_feed_marks_no_stop(app_for, synthetic_dir):
    at = app_for(synthetic_dir, "pages/oepnv.py")
    at.checkbox(key=state.widget_key(state.TRANSIT_WHEELCHAIR)).check().run()
    assert not at.exception
    assert any("barrierefrei" in w.value for w in at.warning)


def test_package_without_timetable_gets_a_hint(app_for, synthetic_dir):
    (synthetic_dir / "gtfs" / "mvb_gtfs.zip").unlink()
    at = app_for(synthetic_dir, "pages/oepnv.py")
    assert any("keinen Fahrplan" in i.value for i in at.info)
    assert not at.metric


def test_broken_timetable_is_an_error_message_not_a_traceback(app_for, synthetic_dir):
    (synthetic_dir / "gtfs" / "mvb_gtfs.zip").write_bytes(b"kein zip")
    at = app_for(synthetic_dir, "pages/oepnv.py")
    assert any("ZIP" in e.value for e in at.error)


def test_transit_share_enters_the_index_only_with_weight(app_for, synthetic_dir):
    at = app_for(synthetic_dir, "pages/unterversorgung.py")
    at.number_input(key=state.widget_key(state.MIN_PEOPLE)).set_value(0)
    at.selectbox(key=state.widget_key(state.STADTTEIL)).set_value("01").run()
    assert len(at.dataframe[0].value) == len(DEFAULT_WEIGHTS) - 1
    at.select_slider(key=state.widget_key(state.weight_key("oepnv"))).set_value(0.3).run()
    assert not at.exception
    parts = at.dataframe[0].value
    assert len(parts) == len(DEFAULT_WEIGHTS)
    assert "Anteil mit Bus & Bahn erreichbar" in parts.iloc[:, 0].tolist()


@pytest.mark.parametrize("candidate", ["BG-1", "MGH-1"])
def test_simulation_shows_the_transit_catchment(app_for, synthetic_dir, candidate):
    at = app_for(synthetic_dir, "pages/standortsimulation.py")
    at.toggle(key=state.widget_key(state.SIM_TRANSIT)).set_value(True).run()
    assert not at.exception
    label = "neu in 20 min mit Bus & Bahn erreichbar"
    assert _metrics(at)[label] == "0"  # nothing changed yet
    picker = next(s for s in at.selectbox if s.label == "Kandidat hinzufügen")
    picker.select(next(o for o in picker.options if FACILITY_NAMES[candidate] in o)).run()
    next(b for b in at.button if b.label == "Kandidat übernehmen").click().run()
    assert not at.exception
    # Before, the only counted place is in Mitte; a place in Nord brings people there within
    # 20 minutes who were not before.
    assert _percent(_metrics(at)[label]) > 0
