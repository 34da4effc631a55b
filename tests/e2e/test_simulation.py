"""Standortsimulation and presentation mode in headless Chromium (real package, offline)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely
from playwright.sync_api import expect

from geo.config import data_dir
from geo.io.package import load_package
from maps.scenario_maps import CHANGE_STYLE, TRANSIT_COLOR
from tests.e2e.conftest import (
    ARTIFACTS,
    MAP_FRAME,
    WAIT_MS,
    click_area,
    screenshot,
    wait_for_stadtteile,
    wait_idle,
    wait_settled,
)

pytestmark = [pytest.mark.e2e, pytest.mark.real_data]  # the server runs on the real package


def _map(tab):
    """The Leaflet document of the (first) map as a Playwright frame."""
    return tab.locator(MAP_FRAME).first.element_handle().content_frame()


def _metric(tab, label: str):
    return tab.locator('[data-testid="stMetric"]', has_text=label).locator(
        '[data-testid="stMetricValue"]'
    )


def _view(frame) -> dict:
    return frame.evaluate(
        "() => ({zoom: map.getZoom(), lat: map.getCenter().lat, lng: map.getCenter().lng,"
        " tag: map._testTag || null})"
    )


def _cells(frame) -> dict:
    """Cells drawn per colour on the simulation map's canvas (in the current view)."""
    return frame.evaluate(
        "() => JSON.parse(document.querySelector('canvas.ba-zellen-canvas')"
        ".getAttribute('data-zellen'))"
    )


def _outside_point() -> tuple[float, float]:
    """(lat, lon) inside the city's bounding box but 300 m outside every Stadtteil."""
    pkg = load_package(data_dir())
    city = pkg.stadtteile.to_crs(25832).geometry.union_all()
    west, south, east, north = city.bounds
    for x in np.linspace(west, east, 40):
        for y in np.linspace(south, north, 40):
            point = shapely.Point(x, y)
            if not city.contains(point) and city.distance(point) > 300:
                wgs = gpd.GeoSeries([point], crs=25832).to_crs(4326).iloc[0]
                return wgs.y, wgs.x
    raise AssertionError("kein Punkt außerhalb gefunden")


def _click_latlng(tab, frame, lat: float, lon: float) -> None:
    wait_settled(tab)
    point = frame.evaluate(
        "([lat, lon]) => { const p = map.latLngToContainerPoint([lat, lon]); return [p.x, p.y]; }",
        [lat, lon],
    )
    box = tab.locator(MAP_FRAME).first.bounding_box()
    tab.mouse.click(box["x"] + point[0], box["y"] + point[1])


def test_click_keeps_zoom_and_the_leaflet_map(page, server):
    page.goto(f"{server}/standortsimulation")
    wait_for_stadtteile(page)
    expect(_metric(page, "Standorte neu / geschlossen")).to_have_text("0 / 0")
    # Zoom in on Neue Neustadt (no meeting place) like a planner, and tag the map object.
    # Until the planner touches the map (mouse, wheel, keys) the first view is fitted again
    # on every resize of the frame (karte.js BA.fitAround); a programmatic zoom is no touch,
    # so the test touches first – and zooms again should a late resize have come before.
    for _ in range(20):
        wait_idle(page)
        frame = _map(page)
        frame.evaluate(
            "() => { map.getContainer().dispatchEvent(new KeyboardEvent('keydown'));"
            " const b = document.querySelector('path.ba-area-06').getBBox();"
            " map.setView(map.layerPointToLatLng([b.x + b.width / 2, b.y + b.height / 2]), 14,"
            " {animate: false}); map._testTag = 'erste Karte'; }"
        )
        page.wait_for_timeout(1000)
        before = _view(frame)
        if before["zoom"] == 14:
            break
    assert before["zoom"] == 14
    click_area(page, wait_for_stadtteile(page), "06")
    expect(_metric(page, "Standorte neu / geschlossen")).to_have_text("1 / 0", timeout=WAIT_MS)
    wait_idle(page)
    frame = _map(page)
    frame.wait_for_selector(".ba-neu", timeout=WAIT_MS)
    after = _view(frame)
    assert after["tag"] == "erste Karte"  # the same Leaflet map, updated in place
    assert after["zoom"] == before["zoom"]
    assert after["lat"] == pytest.approx(before["lat"], abs=1e-6)
    assert after["lng"] == pytest.approx(before["lng"], abs=1e-6)
    newly = _metric(page, "neu fußläufig versorgt").inner_text()
    assert int(newly.replace(".", "")) > 0
    assert _cells(frame).get(CHANGE_STYLE["neu"][0], 0) > 0  # newly covered cells drawn
    name = page.locator('[data-testid="stMarkdownContainer"]', has_text="1 · Neue Neustadt, ")
    expect(name.first).to_be_visible()  # named by Stadtteil and stop, not by a grid code
    assert not page.page_errors
    screenshot(page, "simulation-zoom-behalten")

    # Bus & Bahn: the transit catchment is drawn on the same canvas, the map stays.
    page.get_by_text("Bus & Bahn einbeziehen").click()
    expect(page.locator('[data-testid="stMetric"]', has_text="mit Bus & Bahn")).to_have_count(
        1, timeout=WAIT_MS
    )
    wait_idle(page)
    frame = _map(page)
    frame.get_by_text("mit Bus & Bahn neu in 20 min").wait_for(timeout=WAIT_MS)  # legend
    assert _view(frame)["tag"] == "erste Karte"
    assert _cells(frame).get(TRANSIT_COLOR, 0) > 0


def test_click_outside_the_city_is_refused(page, server):
    page.goto(f"{server}/standortsimulation")
    wait_for_stadtteile(page)
    frame = _map(page)
    lat, lon = _outside_point()
    wait_settled(page)
    # Like a planner who pans there: the view is then kept (no refit of the first view).
    frame.evaluate(
        "([lat, lon]) => { map.getContainer().dispatchEvent(new KeyboardEvent('keydown'));"
        " map.setView([lat, lon], 13, {animate: false}); }",
        [lat, lon],
    )
    page.wait_for_timeout(500)
    _click_latlng(page, frame, lat, lon)
    warning = page.locator('[data-testid="stToast"]', has_text="außerhalb des Stadtgebiets")
    expect(warning).to_be_visible(timeout=WAIT_MS)
    expect(_metric(page, "Standorte neu / geschlossen")).to_have_text("0 / 0")
    assert page.locator('[data-testid="stException"]').count() == 0
    frame = _map(page)  # map and controls stay
    assert frame.locator("path.ba-stadtteil").count() == 40
    assert page.get_by_role("button", name="Szenario leeren").count() == 1
    screenshot(page, "simulation-klick-ausserhalb")


def test_proposal_is_previewed_then_taken_over(page, server):
    page.goto(f"{server}/standortsimulation")
    wait_for_stadtteile(page)
    page.get_by_text("Vorschlag: beste neue Standorte berechnen").click()
    take_all = page.get_by_role("button", name="Alle übernehmen")
    for _ in range(3):  # under load a click during a fragment's rerun can be lost
        wait_settled(page)
        page.get_by_role("button", name="Vorschlag berechnen").click()
        try:
            expect(take_all).to_be_visible(timeout=WAIT_MS)
            break
        except AssertionError:
            continue
    expect(take_all).to_be_visible()
    wait_idle(page)
    frame = _map(page)
    expect(frame.locator(".ba-vorschlag")).to_have_count(3, timeout=WAIT_MS)  # k = 3
    frame.get_by_text("Vorschlag, noch nicht übernommen").wait_for()  # legend entry
    expect(_metric(page, "Standorte neu / geschlossen")).to_have_text("0 / 0")  # only a preview
    assert page.get_by_text("Zelle N").count() == 0  # never a grid code
    screenshot(page, "simulation-vorschlag-vorschau")

    page.get_by_role("button", name="übernehmen", exact=True).first.click()
    expect(_metric(page, "Standorte neu / geschlossen")).to_have_text("1 / 0", timeout=WAIT_MS)
    wait_idle(page)
    frame = _map(page)
    expect(frame.locator(".ba-vorschlag")).to_have_count(2, timeout=WAIT_MS)
    expect(frame.locator(".ba-neu")).to_have_count(1)
    page.get_by_role("button", name="Alle übernehmen").click()
    expect(_metric(page, "Standorte neu / geschlossen")).to_have_text("3 / 0", timeout=WAIT_MS)
    assert not page.page_errors


def _label_overlaps(frame) -> list:
    return frame.evaluate(
        """() => {
            const shown = [...document.querySelectorAll('.ba-label')]
                .filter(e => e.style.display !== 'none' && e.style.visibility !== 'hidden')
                .map(e => [e.textContent, e.getBoundingClientRect()]);
            const out = [];
            for (let i = 0; i < shown.length; i++) for (let j = i + 1; j < shown.length; j++) {
                const a = shown[i][1], b = shown[j][1];
                if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom)
                    out.push([shown[i][0], shown[j][0]]);
            }
            return out;
        }"""
    )


def _legend_covers_city(frame) -> int:
    """Sample points of the legend box that lie inside a Stadtteil polygon."""
    return frame.evaluate(
        """() => {
            const legend = document.querySelector('.ba-legend').getBoundingClientRect();
            const paths = [...document.querySelectorAll('path.ba-stadtteil')];
            let hits = 0;
            for (let i = 0; i <= 10; i++) for (let j = 0; j <= 10; j++) {
                const x = legend.left + legend.width * i / 10, y = legend.top + legend.height * j / 10;
                for (const p of paths) {
                    const m = p.getScreenCTM().inverse();
                    const q = new DOMPoint(x, y).matrixTransform(m);
                    if (p.isPointInFill(q)) { hits++; break; }
                }
            }
            return hits;
        }"""
    )


@pytest.mark.parametrize("path", ["", "unterversorgung", "standortsimulation"])
def test_labels_never_overprint_and_legends_leave_the_city_free(page, server, path):
    page.goto(f"{server}/{path}")
    wait_for_stadtteile(page)
    frame = _map(page)
    frame.wait_for_selector(".ba-legend")
    page.wait_for_timeout(1000)
    assert _label_overlaps(frame) == []
    assert _legend_covers_city(frame) == 0
    frame.evaluate("() => map.setZoom(map.getZoom() + 1, {animate: false})")
    page.wait_for_timeout(500)
    assert _label_overlaps(frame) == []
    shown = frame.evaluate(
        "() => [...document.querySelectorAll('.ba-label')].filter(e => e.style.display !== 'none')"
        ".length"
    )
    assert shown >= 10


def test_presentation_mode_fits_1920x1080_and_keeps_a_page_menu(page, server):
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(f"{server}/?praesentation=1")
    wait_for_stadtteile(page)
    expect(page.locator('[data-testid="stSidebar"]')).to_be_hidden()
    # A compact menu at the top leads to every page without touching the URL.
    page.get_by_role("button", name="Planung").click()
    page.get_by_text("Standortsimulation", exact=True).first.click()
    page.wait_for_url("**/standortsimulation*", timeout=WAIT_MS)
    wait_for_stadtteile(page)
    wait_idle(page)
    frame = _map(page)
    frame.wait_for_selector(".ba-legend")
    page.wait_for_timeout(1000)
    box = page.locator(MAP_FRAME).first.bounding_box()
    assert box["y"] >= 0
    assert box["y"] + box["height"] <= 1080  # the whole map on screen
    legend = frame.locator(".ba-legend").bounding_box()  # page coordinates
    assert box["y"] <= legend["y"]
    assert legend["y"] + legend["height"] <= box["y"] + box["height"]
    for label in ["neu fußläufig versorgt", "Standorte neu / geschlossen"]:
        figure = page.locator('[data-testid="stMetric"]', has_text=label).bounding_box()
        assert figure["y"] >= 0
        assert figure["y"] + figure["height"] <= 1080
    assert page.evaluate("() => document.scrollingElement.scrollTop") == 0
    page.screenshot(path=str(ARTIFACTS / "praesentation-1920.png"))  # the screen as it is
    # Onward to the report, still without the URL.
    page.get_by_role("button", name="Ausgabe und Daten").click()
    page.get_by_text("Bericht und Karten", exact=True).first.click()
    page.wait_for_url("**/bericht*", timeout=WAIT_MS)
    expect(page.get_by_role("button", name="Präsentation beenden")).to_be_visible()
    assert not page.page_errors


def test_label_size_is_the_same_for_toggle_and_link(page, server):
    def label_size() -> str:
        frame = _map(page)
        frame.wait_for_selector(".ba-label", state="attached")
        return frame.evaluate(
            "() => getComputedStyle(document.querySelector('.ba-label')).fontSize"
        )

    page.goto(f"{server}/unterversorgung?praesentation=1")
    wait_for_stadtteile(page)
    by_link = label_size()
    page.goto(f"{server}/unterversorgung")
    wait_for_stadtteile(page)
    normal = label_size()
    page.get_by_text("Präsentationsmodus").click()
    expect(page.get_by_role("button", name="Präsentation beenden")).to_be_visible(timeout=WAIT_MS)
    wait_idle(page)
    page.wait_for_timeout(1000)
    assert label_size() == by_link != normal
