"""The upload part of the Daten page: German results, applied state, layer choice, no traceback."""

from __future__ import annotations

import pytest

from tests.hostile.builders import LAT, LON, facility_points, gpkg_bytes
from ui import state


def _upload(at, name: str, content: bytes):
    at.file_uploader(key="datei_facilities").upload(name, content).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _texts(elements) -> str:
    return " | ".join(e.value for e in elements)


def test_valid_file_is_applied_and_then_says_so(app_for, synthetic_dir):
    at = app_for(synthetic_dir, "pages/daten.py")
    assert "Höchstens 20 MB je Datei (1 MB = 1.048.576 Byte)" in _texts(at.caption)
    content = f"name;lat;lon\nNeuer Treff;{LAT:.6f};{LON:.6f}\n".encode()
    _upload(at, "treffs.csv", content)
    assert "Gültig: 1 Zeilen" in _texts(at.success)
    next(b for b in at.button if b.label == "Übernehmen").click().run()
    assert not at.exception
    assert at.session_state[state.UPLOADED_FACILITIES] is not None
    assert "Übernommen: treffs.csv (45 Byte, 1 Zeilen) ist in dieser Sitzung aktiv" in _texts(
        at.success
    )
    assert not at.error  # not "wird nicht übernommen" about the file just applied
    assert not [b for b in at.button if b.label == "Übernehmen"]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("feld.csv", f"name;lat;lon\nA;{LAT};{LON};x\n".encode(), "Die Zeile hat 4 Felder"),
        ("quote.csv", b"name;lat;lon\n" + b'"' * 61_440 + b"\n", "Zeichen lang"),
        ("vrt.geojson", b"<OGRVRTDataSource/>", "GDAL-VRT-Beschreibung"),
    ],
)
def test_hostile_file_gets_a_german_report(app_for, synthetic_dir, name, content, message):
    at = app_for(synthetic_dir, "pages/daten.py")
    _upload(at, name, content)
    assert "wird nicht übernommen" in _texts(at.error)
    report = at.dataframe[-1].value
    assert message in " ".join(report["Problem"])
    assert list(report.columns) == ["Art", "Zeile", "Spalte", "Problem", "Lösung"]


def test_multi_layer_geopackage_asks_for_the_layer(app_for, synthetic_dir):
    at = app_for(synthetic_dir, "pages/daten.py")
    content = gpkg_bytes({"alt": facility_points(2), "neu": facility_points(3)})
    _upload(at, "zwei.gpkg", content)
    layer = at.selectbox(key="layer_facilities")
    assert layer.options == ["alt", "neu"]
    assert "Gültig: 2 Zeilen" in _texts(at.success)
    layer.set_value("neu").run()
    assert "Gültig: 3 Zeilen" in _texts(at.success)


def test_internal_error_is_a_german_message_not_a_traceback(app_for, synthetic_dir, monkeypatch):
    import ui.uploads

    def broken(*_args, **_kwargs):
        raise RuntimeError("/srv/secret/path kaputt")

    monkeypatch.setattr(ui.uploads, "validate", broken)
    at = app_for(synthetic_dir, "pages/daten.py")
    _upload(at, "intern.csv", b"name;lat;lon\nInterner Fehler;52.1;11.6\n")
    texts = " ".join(at.dataframe[-1].value["Problem"])
    assert "internen Fehlers" in texts
    assert "/srv/secret" not in texts
