"""Bericht, Daten, Regionen and presentation mode in AppTest."""

from __future__ import annotations

import re

import pandas as pd
from streamlit.testing.v1 import AppTest

from geo.config import DATA_ENV
from indicators.registry import INDICATORS
from tests.app.conftest import APP
from ui import state


def _button(at, label):
    return next(b for b in at.button if b.label == label)


def test_report_is_built_and_offered_for_download(app_for, synthetic_dir):
    at = app_for(synthetic_dir, "pages/bericht.py")
    assert not at.exception
    assert at.get("image")  # preview of the single map
    _button(at, "Bericht erstellen").click().run()
    assert not at.exception
    assert any(b.label == "Bericht herunterladen (PDF)" for b in at.get("download_button"))


def test_every_single_map_renders(app_for, synthetic_dir):
    at = app_for(synthetic_dir, "pages/bericht.py")
    for kind in ["versorgung", "gehzeit", "indikator", "unterversorgung"]:
        at.selectbox(key=state.widget_key(state.SHEET_KIND)).set_value(kind).run()
        assert not at.exception, kind
        assert at.get("image"), kind
    labels = [b.label for b in at.get("download_button")]
    assert "PNG herunterladen (300 dpi)" in labels  # print quality, not the preview's
    at.selectbox(key=state.widget_key(state.SHEET_KIND)).set_value("szenario").run()
    assert any("fehlt ein Szenario" in i.value for i in at.info)


def test_data_page_offers_downloads(app_for, synthetic_dir):
    at = app_for(synthetic_dir, "pages/daten.py")
    labels = [b.label for b in at.get("download_button")]
    assert "Alle Tabellen als Excel (XLSX)" in labels
    assert {"Indikatoren", "Versorgung", "Unterversorgung", "Einrichtungen"} <= set(labels)
    captions = " ".join(c.value for c in at.caption)
    assert "Stand 31.12.2025" in captions
    assert "Bus & Bahn: in 20 min, Dienstag 09:00–12:00 Uhr" in captions  # from the timetable
    _button(at, "GeoPackage für QGIS vorbereiten").click().run()
    assert "begegnungsatlas.gpkg" in [b.label for b in at.get("download_button")]
    # Built for 2025: after a change of year it is not offered as if it were current.
    at.session_state[state.YEAR] = 2024
    at.run()
    assert "begegnungsatlas.gpkg" not in [b.label for b in at.get("download_button")]
    assert any("bitte neu vorbereiten" in c.value for c in at.caption)
    assert "Stand 31.12.2024" in " ".join(c.value for c in at.caption)


def test_data_page_without_a_readable_timetable_still_offers_downloads(app_for, synthetic_dir):
    (synthetic_dir / "gtfs" / "mvb_gtfs.zip").write_bytes(b"kein zip")
    # The package version does not cover the timetable (geo.io.package._content_hash), so give
    # this package its own version: else results cached by an earlier test would be reused.
    with (synthetic_dir / "stadtgrenze.geojson").open("a") as f:
        f.write("\n")
    at = app_for(synthetic_dir, "pages/daten.py")
    assert any("Ohne Bus" in w.value for w in at.warning)
    assert "Alle Tabellen als Excel (XLSX)" in [b.label for b in at.get("download_button")]
    assert "Bus & Bahn:" not in " ".join(c.value for c in at.caption)


def test_regions_page_needs_a_table_then_aggregates(app_for, synthetic_dir):
    at = app_for(synthetic_dir, "pages/regionen.py")
    assert any("Noch keine Gebietsgliederung" in i.value for i in at.info)
    at.session_state[state.REGIONS] = pd.DataFrame(
        {"stadtteil_nr": ["01", "02", "04"], "region": ["West", "West", "Ost"]}
    )
    at.run()
    assert not at.exception
    indicators, coverage, ranking = (frame.value for frame in at.dataframe[:3])
    # Like the Stadtteil tables: German headings from the registry, German numbers, and
    # "Nr." a running number (not the region name again).
    assert indicators["Nr."].tolist() == ["1", "2"]
    west = indicators.set_index("Region").loc["West"]
    assert west[INDICATORS["einwohner"].label_with_unit] == "1.400"
    assert west[INDICATORS["anteil_65plus"].label_with_unit] == "32,1"
    assert coverage["Nr."].tolist() == ["1", "2"]
    assert ranking.set_index("Region").at["West", "Rang"] == "1"
    for frame in (indicators, coverage, ranking):
        cells = {str(v) for v in frame.to_numpy().ravel()}
        assert not cells & {"None", "nan", "NaN", "<NA>", "inf"}, cells
        # No English decimals ("22.8556"); "1.400" is a German thousands separator.
        assert not any(re.fullmatch(r"\d+\.(\d{1,2}|\d{4,})", c) for c in cells), cells


def test_presentation_mode_from_url(synthetic_dir, monkeypatch):
    monkeypatch.setenv(DATA_ENV, str(synthetic_dir))
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["praesentation"] = "1"
    at.run()
    assert not at.exception
    assert at.session_state[state.PRESENTATION] is True
    _button(at, "Präsentation beenden").click().run()
    assert at.session_state[state.PRESENTATION] is False
    assert "praesentation" not in at.query_params
