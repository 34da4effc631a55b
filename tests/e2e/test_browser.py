"""The app in headless Chromium: maps draw offline, a click reaches Python, screenshots."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from maps.assets import URL_PREFIX
from tests.e2e.conftest import MAP_FRAME, WAIT_MS, click_area, screenshot, wait_for_stadtteile

pytestmark = [pytest.mark.e2e, pytest.mark.real_data]  # the server runs on the real package

PAGES = {
    "uebersicht": "",
    "bevoelkerung": "bevoelkerung",
    "einrichtungen": "einrichtungen",
    "erreichbarkeit": "erreichbarkeit",
    "oepnv": "oepnv",
    "unterversorgung": "unterversorgung",
    "standortsimulation": "standortsimulation",
    "praesentation": "?praesentation=1",
}


def _no_app_errors(tab) -> None:
    assert tab.locator('[data-testid="stException"]').count() == 0
    assert not tab.page_errors


@pytest.mark.parametrize("name", list(PAGES))
def test_page_draws_forty_stadtteile_offline(page, server, name):
    loaded: dict[str, int] = {}
    page.on("response", lambda r: loaded.__setitem__(r.url, r.status))
    page.goto(f"{server}/{PAGES[name]}")
    frame = wait_for_stadtteile(page)
    # Leaflet itself came from the local server: the map names the vendored file, and the
    # browser fetched it from there.
    scripts = frame.locator("script[src]").evaluate_all("els => els.map(e => e.src)")
    leaflet = f"{server}{URL_PREFIX}/leaflet/leaflet.js"
    assert [s for s in scripts if s.endswith("leaflet.js")] == [leaflet], scripts
    assert loaded.get(leaflet) in (200, 304), loaded.get(leaflet)
    assert frame.locator(".leaflet-control-scale").count() == 1
    _no_app_errors(page)
    # Nothing outside localhost was fetched: only the (blocked) OSM tiles were tried.
    foreign = {url.split("/")[2] for url in page.blocked_requests}
    assert foreign <= {"tile.openstreetmap.org"}, foreign
    screenshot(page, f"seite-{name}")


def test_offline_basemap_degrades_to_plain_background(page, server):
    page.goto(server)
    frame = wait_for_stadtteile(page)
    frame.get_by_text("Ohne Hintergrundkarte (offline)").wait_for(timeout=WAIT_MS)


def test_click_on_stadtteil_opens_its_profile(page, server):
    sent: list[object] = []
    page.on("websocket", lambda ws: ws.on("framesent", lambda payload: sent.append(payload)))
    page.goto(f"{server}/bevoelkerung")
    frame = wait_for_stadtteile(page)
    page.wait_for_timeout(1000)

    before = len(sent)
    click_area(page, frame, "06")
    page.get_by_text("Profil: Neue Neustadt").wait_for(timeout=WAIT_MS)
    assert len(sent) > before  # the click reached Python
    seniors = page.locator('[data-testid="stMetricValue"]', has_text="3.313")
    expect(seniors).to_have_count(1)  # Einwohner 65+ of Neue Neustadt, 2025
    _no_app_errors(page)
    screenshot(page, "profil-neue-neustadt")


def test_pan_and_zoom_do_not_rerun_the_app(page, server):
    sent: list[object] = []
    page.on("websocket", lambda ws: ws.on("framesent", lambda payload: sent.append(payload)))
    page.goto(f"{server}/bevoelkerung")
    frame = wait_for_stadtteile(page)
    page.wait_for_timeout(1500)
    before = len(sent)
    box = page.locator(MAP_FRAME).first.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 120, y + 60, steps=8)
    page.mouse.up()
    frame.locator(".leaflet-control-zoom-in").click()
    page.mouse.wheel(0, -300)
    page.wait_for_timeout(2000)
    assert len(sent) == before


def test_walking_time_grid_draws_every_populated_cell(page, server):
    page.goto(f"{server}/erreichbarkeit")
    frame = wait_for_stadtteile(page)
    # 4,531 populated cells, drawn as SVG paths besides the 40 Stadtteil outlines.
    expect(frame.locator("path.ba-cell")).to_have_count(4531, timeout=WAIT_MS)
    _no_app_errors(page)


def test_click_on_class_map_explains_the_stadtteil(page, server):
    page.goto(f"{server}/unterversorgung")
    frame = wait_for_stadtteile(page)
    # The coverage in the index counts walks via bridges only: the Elbe layer is drawn.
    expect(frame.locator(".ba-bruecke").first).to_be_attached(timeout=WAIT_MS)
    click_area(page, frame, "06")
    page.get_by_text("Warum? Neue Neustadt").wait_for(timeout=WAIT_MS)
    expect(page.locator('[data-testid="stMetricValue"]', has_text="sehr hoch")).to_have_count(1)
    _no_app_errors(page)
    screenshot(page, "warum-neue-neustadt")


def test_click_on_the_map_places_a_site_and_the_numbers_change(page, server):
    page.goto(f"{server}/standortsimulation")
    frame = wait_for_stadtteile(page)
    newly = page.locator('[data-testid="stMetric"]', has_text="neu fußläufig versorgt")
    expect(newly.locator('[data-testid="stMetricValue"]')).to_have_text("0")
    click_area(page, frame, "06")  # somewhere in Neue Neustadt, which has no meeting place
    expect(page.locator('[data-testid="stMetricValue"]', has_text="1 / 0")).to_have_count(
        1, timeout=WAIT_MS
    )
    value = newly.locator('[data-testid="stMetricValue"]').inner_text()
    assert int(value.replace(".", "")) > 0
    frame = wait_for_stadtteile(page)
    expect(frame.locator(".ba-neu")).to_have_count(1)
    _no_app_errors(page)
    screenshot(page, "standortsimulation-neuer-standort")
    # Zoom kept, refused clicks, Bus & Bahn and proposals: tests/e2e/test_simulation.py.


def _upload(page, name: str, content: bytes) -> None:
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(
        {"name": name, "mimeType": "text/csv", "buffer": content}
    )


def test_upload_bad_then_good_facility_file(page, server):
    page.goto(f"{server}/daten")
    page.get_by_text("Eigene Dateien hochladen").wait_for(timeout=WAIT_MS)
    _upload(page, "falsch.csv", b"name;lat;lon\nVertauscht;11.635;52.155\n")
    page.get_by_text("wird nicht übernommen").wait_for(timeout=WAIT_MS)
    expect(page.locator('[data-testid="stDataFrame"]')).to_have_count(1)
    assert page.get_by_role("button", name="Übernehmen").count() == 0
    screenshot(page, "upload-fehlerbericht")

    _upload(
        page, "neu.csv", "name;lat;lon\nNeuer Treff Neustadt;52,1556;11,6350\n".encode("cp1252")
    )
    page.get_by_text("Gültig: 1 Zeilen").wait_for(timeout=WAIT_MS)
    page.get_by_role("button", name="Übernehmen").click()
    page.get_by_text("In dieser Sitzung aktiv: Einrichtungen aus Upload").wait_for(timeout=WAIT_MS)
    _no_app_errors(page)

    page.goto(f"{server}/einrichtungen")  # a new session: uploads are per session
    wait_for_stadtteile(page)


def test_report_pdf_is_exported(page, server, tmp_path):
    import pypdf

    page.goto(f"{server}/bericht")
    page.get_by_role("button", name="Bericht erstellen").click()
    button = page.get_by_role("button", name="Bericht herunterladen (PDF)")
    button.wait_for(timeout=90_000)
    with page.expect_download() as info:
        button.click()
    target = tmp_path / "bericht.pdf"
    info.value.save_as(target)
    data = target.read_bytes()
    assert data.startswith(b"%PDF")
    reader = pypdf.PdfReader(target)
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert "Bericht für den Seniorenbeirat" in reader.pages[0].extract_text()
    assert f"Seite 1 von {len(reader.pages)}" in reader.pages[0].extract_text()
    assert "Rangfolge der Unterversorgung" in text
    assert "Neue Neustadt" in text
    screenshot(page, "bericht")


def test_presentation_mode_hides_sidebar_and_keeps_the_map(page, server):
    page.goto(f"{server}/unterversorgung?praesentation=1")
    wait_for_stadtteile(page)
    expect(page.locator('[data-testid="stSidebar"]')).to_be_hidden()
    expect(page.get_by_role("button", name="Präsentation beenden")).to_be_visible()
    expect(page.get_by_text("Gewichte der Komponenten")).to_be_hidden()  # editing controls
    _no_app_errors(page)
    screenshot(page, "praesentation-unterversorgung")
