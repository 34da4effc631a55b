"""Browser tests: a real Streamlit server and Debian's headless Chromium, fully offline.

Every request that does not go to the local server is aborted, so the tests prove the maps
draw without internet. Screenshots go to ``test-artifacts/e2e/``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from deploy import proxy
from geo.config import DATA_ENV, PROJECT_ROOT
from register.db import DB_ENV
from scenarios.store import STORE_ENV
from tests.conftest import free_port, real_data_dir, require

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = PROJECT_ROOT / "test-artifacts" / "e2e"
#: Scenario store and facility register of the test server (emptied at session start).
STORE_DIR = ARTIFACTS / "szenarien"
#: Every wait of the browser tests (CI shares 2 cores; a 5 s default fails under load).
WAIT_MS = 60_000
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'


@pytest.fixture(scope="session")
def server() -> Iterator[str]:
    """A Streamlit server on the real package; yields its base URL."""
    data = real_data_dir()
    port = free_port()
    shutil.rmtree(STORE_DIR, ignore_errors=True)  # a private, empty store and register
    env = {**os.environ, DATA_ENV: str(data), STORE_ENV: str(STORE_DIR)}
    env.pop(DB_ENV, None)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    log_path = ARTIFACTS / "server.log"
    log = log_path.open("w", encoding="utf-8")
    proc = subprocess.Popen(
        [
            sys.executable, "-m", "streamlit", "run", "app.py",
            "--server.headless", "true", "--server.address", "127.0.0.1",
            "--server.port", str(port), "--browser.gatherUsageStats", "false",
        ],
        cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    if not wait_healthy(url, proc, 90):
        stop_server(proc, log)
        pytest.fail(f"Streamlit-Server startete nicht (siehe {log_path})")
    yield url
    stop_server(proc, log)


def wait_healthy(url: str, proc: subprocess.Popen, seconds: float) -> bool:
    """Until the server at ``url`` answers its health check; False if it died or timed out."""
    try:
        proxy.wait_healthy(url, [proc], seconds)
    except (RuntimeError, OSError):
        return False
    return True


def stop_server(proc: subprocess.Popen, log) -> None:
    """Stop a server started by a test and close its log."""
    proxy.stop(proc)
    log.close()


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (no browser download)."""
    require(CHROMIUM.is_file(), f"{CHROMIUM} fehlt (apt-get install chromium)")
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=WAIT_MS)
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, server, request):
    """A fresh tab with a tall viewport; every non-local request is aborted (offline)."""
    context = browser.new_context(viewport={"width": 1440, "height": 2200}, locale="de-DE")
    blocked: list[str] = []

    def only_local(route):
        if route.request.url.startswith(server):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    context.route("**/*", only_local)
    tab = context.new_page()
    tab.set_default_timeout(WAIT_MS)
    tab.blocked_requests = blocked
    errors: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    tab.page_errors = errors
    yield tab
    if getattr(request.node, "failed_call", False):  # what the page showed when it failed
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        notes = tab.locator('[data-testid="stAlert"], [data-testid="stException"]')
        print("Meldungen auf der Seite:", notes.all_inner_texts(), "Browserfehler:", errors)
        tab.screenshot(path=str(ARTIFACTS / f"FEHLER-{request.node.name}.png"), full_page=True)
    context.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call" and report.failed:
        item.failed_call = True
    return report


def wait_idle(tab) -> None:
    """Wait until Streamlit has finished its current run (no "Running…" status widget).

    A click on the map while a run is still drawing can land on a map that is replaced a
    moment later, so every map click waits for this first.
    """
    tab.wait_for_function("!document.querySelector('[data-testid=\"stStatusWidget\"]')")


def screenshot(tab, name: str) -> Path:
    """Save a full-page screenshot as a test artifact."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    # Let Streamlit finish the run and the visible data grids paint their canvases.
    wait_idle(tab)
    # Data grids paint their canvas only once they are scrolled into view: bring each one
    # that has not painted yet into view until all have, then go back to the top. Grids in
    # a closed expander never paint.
    tab.wait_for_function(
        """() => {
            const waiting = [...document.querySelectorAll('[data-testid="stDataFrame"]')]
                .filter(frame => frame.offsetParent !== null && !frame.closest('details:not([open])')
                    && !frame.querySelector('canvas'));
            if (waiting.length) { waiting[0].scrollIntoView(); return false; }
            return true;
        }""",
        polling=250,
    )
    tab.evaluate("() => window.scrollTo(0, 0)")
    tab.wait_for_timeout(1000)
    tab.screenshot(path=str(path), full_page=True)
    return path


def wait_for_stadtteile(tab, expected: int = 40, timeout: float = 60_000):
    """Wait until Leaflet has drawn ``expected`` Stadtteil polygons; return the map frame."""
    tab.wait_for_selector(MAP_FRAME, timeout=timeout)
    frame = tab.frame_locator(MAP_FRAME).first
    frame.locator("path.ba-stadtteil").first.wait_for(timeout=timeout)
    try:
        tab.wait_for_function(
            """([sel, n]) => {
                const f = document.querySelector(sel);
                return f && f.contentDocument &&
                    f.contentDocument.querySelectorAll('path.ba-stadtteil').length === n;
            }""",
            arg=[MAP_FRAME, expected],
            timeout=timeout,
        )
    except Exception:
        # Say what was drawn instead, and keep a picture of it.
        drawn = tab.evaluate(
            """(sel) => [...document.querySelectorAll(sel)].map(f => f.contentDocument ?
                f.contentDocument.querySelectorAll('path.ba-stadtteil').length : null)""",
            MAP_FRAME,
        )
        screenshot(tab, "fehler-stadtteile")
        raise AssertionError(
            f"Erwartet {expected} Stadtteile, gezeichnet je Karte: {drawn}"
        ) from None
    return frame


_INTERIOR_POINT = """(path) => {
    // A visible point inside the polygon that no marker or control covers.
    const box = path.getBoundingClientRect();
    const doc = path.ownerDocument;
    const svg = path.ownerSVGElement;
    const toSvg = svg.getScreenCTM().inverse();
    for (let i = 1; i < 16; i++) {
        for (let j = 1; j < 16; j++) {
            const x = box.left + box.width * i / 16, y = box.top + box.height * j / 16;
            const p = new DOMPoint(x, y).matrixTransform(toSvg);
            if (!path.isPointInFill(p)) { continue; }
            const top = doc.elementFromPoint(x, y);
            if (!top || top.closest('.leaflet-marker-icon, .leaflet-control')) { continue; }
            return [x, y];
        }
    }
    return null;
}"""


#: The map's layout has settled: no relayout pending for a while, and (offline) the note
#: on the missing basemap is in place – it takes room, so the first view is fitted again.
SETTLED = """() => window.map && map._baLaidOut && !map._baPending
    && Date.now() - map._baLaidOut > 700
    && (document.querySelector('.ba-offline')
        || !document.querySelector('.leaflet-tile-container img'))"""


def wait_settled(tab, frame=None) -> None:
    """Wait until the (first) map's layout has settled (karte.js ``BA.layout``)."""
    wait_idle(tab)
    target = frame or tab.locator(MAP_FRAME).first.element_handle().content_frame()
    target.wait_for_function(SETTLED, polling=200)


def click_area(tab, frame, area_id: str) -> None:
    """Click inside a Stadtteil polygon with the real mouse (like a planner would)."""
    wait_settled(tab)
    path = frame.locator(f"path.ba-area-{area_id}")
    point = path.evaluate(_INTERIOR_POINT)
    assert point, f"Stadtteil {area_id} ist auf der Karte nicht sichtbar"
    box = tab.locator(MAP_FRAME).first.bounding_box()
    tab.mouse.click(box["x"] + point[0], box["y"] + point[1])
