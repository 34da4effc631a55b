"""The facility register in the browser: place a facility on the map, and it stays."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from geo.io.package import load_package
from register.db import FILE_NAME
from register.store import RegisterStore
from tests.conftest import real_data_dir
from tests.e2e.conftest import (
    MAP_FRAME,
    STORE_DIR,
    WAIT_MS,
    screenshot,
    wait_for_stadtteile,
    wait_idle,
)

pytestmark = [pytest.mark.e2e, pytest.mark.real_data]  # the server runs on the real package


#: The door of the Kranichhaus (Schrotebogen 12, Neustädter See): the hint in the package.
KRANICHHAUS = (52.17292, 11.63278)
_SCREEN_POINT = """([lat, lon]) => {
    // The pixel of (lat, lon) on the Leaflet map – or the nearest one no marker covers.
    const name = Object.keys(window).find(
        (k) => k.startsWith('map_') && window[k] && window[k].latLngToContainerPoint);
    const map = window[name];
    const p = map.latLngToContainerPoint([lat, lon]);
    for (let r = 0; r <= 60; r += 4) {
        for (let a = 0; a < 16; a++) {
            const x = p.x + r * Math.cos(a * Math.PI / 8), y = p.y + r * Math.sin(a * Math.PI / 8);
            const top = document.elementFromPoint(x, y);
            if (top && !top.closest('.leaflet-marker-icon, .leaflet-control')) {
                const ll = map.containerPointToLatLng([x, y]);
                return [x, y, ll.lat, ll.lng];
            }
            if (r === 0) { break; }
        }
    }
    return null;
}"""


def click_at(page, lat: float, lon: float) -> tuple[float, float]:
    """Click the Leaflet map at (or next to a marker at) a position; returns the clicked lat/lon."""
    wait_idle(page)
    frame_element = page.locator(MAP_FRAME).first
    found = frame_element.element_handle().content_frame().evaluate(_SCREEN_POINT, [lat, lon])
    assert found, "Kein freier Punkt auf der Karte"
    box = frame_element.bounding_box()
    page.mouse.click(box["x"] + found[0], box["y"] + found[1])
    return found[2], found[3]


def _metric(page, label: str) -> str:
    metric = page.locator('[data-testid="stMetric"]', has_text=label)
    return metric.locator('[data-testid="stMetricValue"]').inner_text()


def _count(text: str) -> int:
    return int(text.replace(".", ""))


def test_place_a_facility_reload_and_the_coverage_includes_it(page, server):
    page.goto(f"{server}/erreichbarkeit")
    wait_for_stadtteile(page)
    unserved_before = _count(_metric(page, "nicht fußläufig versorgt"))

    page.goto(f"{server}/einrichtungen_pflegen")
    page.get_by_text("Aufgaben: 6 Einrichtungen ohne Lage").wait_for(timeout=WAIT_MS)
    # The Offener Treff Kranichhaus (Neustädter See) comes first: a meeting place without position.
    chosen = page.get_by_role("combobox", name="Einrichtung")
    expect(chosen).to_have_value(re.compile("^OT-05 · Offener Treff"))
    wait_for_stadtteile(page)
    clicked_lat, _ = click_at(page, *KRANICHHAUS)
    form = page.locator('[data-testid="stForm"]').first
    latitude = form.get_by_label("Breitengrad (WGS84)")
    expect(latitude).not_to_have_value("", timeout=WAIT_MS)
    wait_idle(page)  # the click's rerun is over before the form is filled
    # The click's position, in German: "52,17293" (not "52.172932"), the radius "10".
    assert "." not in latitude.input_value()
    assert abs(float(latitude.input_value().replace(",", ".")) - clicked_lat) < 1e-5
    expect(form.get_by_label("Lage ± m")).to_have_value("10")
    form.get_by_label("Autor/in").fill("Frau Berger")
    form.get_by_label("Grund der Änderung").fill("Tür des Kranichhauses bekannt")
    form.get_by_label("Quelle (URL oder Dokument)").fill("Begehung 2026-03")
    wait_idle(page)  # the form is complete before it is sent
    form.get_by_role("button", name="Speichern").click()
    page.get_by_text("Gespeichert: OT-05").wait_for(timeout=WAIT_MS)
    screenshot(page, "einrichtungen-pflegen-gesetzt")

    try:
        page.reload()  # a new session: the change is stored, not session state
        page.get_by_text("Aufgaben: 5 Einrichtungen ohne Lage").wait_for(timeout=WAIT_MS)
        page.goto(f"{server}/einrichtungen")
        page.get_by_text("44 Einrichtungen, 39 mit Lage").wait_for(timeout=WAIT_MS)
        page.goto(f"{server}/erreichbarkeit")
        wait_for_stadtteile(page)
        unserved = page.locator('[data-testid="stMetric"]', has_text="nicht fußläufig versorgt")
        expect(unserved.locator('[data-testid="stMetricValue"]')).not_to_have_text(
            f"{unserved_before:,}".replace(",", "."), timeout=WAIT_MS
        )
        assert _count(_metric(page, "nicht fußläufig versorgt")) < unserved_before
        assert page.locator('[data-testid="stException"]').count() == 0
    finally:  # leave the shared test register as it was for the other browser tests
        store = RegisterStore(f"sqlite:///{STORE_DIR / FILE_NAME}")
        package = load_package(real_data_dir())
        for change in store.changes():
            if change.kind != "undo":
                current = store.versions()[change.facility_id]
                store.undo(package, change.id, current, author="Test", reason="aufräumen")
