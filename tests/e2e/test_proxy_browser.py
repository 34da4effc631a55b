"""The app behind nginx (deploy/proxy.py): sessions work, static files come from nginx's cache."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest

from deploy.proxy import NGINX, nginx_in_front, wait_healthy
from tests.conftest import free_port, require
from tests.e2e.conftest import WAIT_MS, click_area, screenshot, wait_for_stadtteile

pytestmark = [pytest.mark.e2e, pytest.mark.real_data]

#: What nginx keeps in its cache (deploy/nginx.conf.in); everything else reaches Streamlit.
CACHED = ("/static/", "/app/static/", "/component/", "/favicon.png")


@pytest.fixture(scope="module")
def proxy(server):
    """nginx with an empty cache in front of the test server; yields its base URL."""
    require(Path(NGINX).is_file(), f"{NGINX} fehlt (apt-get install nginx-light)")
    port = free_port()
    with nginx_in_front(f"127.0.0.1:{port}", urlsplit(server).port) as nginx:
        url = f"http://127.0.0.1:{port}"
        wait_healthy(url, [nginx], seconds=90)
        yield url


def _fresh_tab(browser, proxy: str):
    """A tab in a new browser context (empty HTTP cache) that may reach only the proxy."""
    context = browser.new_context(viewport={"width": 1440, "height": 1400}, locale="de-DE")
    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(proxy) else r.abort())
    tab = context.new_page()
    tab.set_default_timeout(WAIT_MS)
    responses: dict[str, tuple[str | None, str | None]] = {}
    tab.on(
        "response",
        lambda r: responses.__setitem__(
            urlsplit(r.url).path, (r.headers.get("x-cache-status"), r.headers.get("cache-control"))
        ),
    )
    return context, tab, responses


def test_a_session_through_nginx_draws_the_map_and_a_click_reaches_python(browser, proxy):
    context, tab, _ = _fresh_tab(browser, proxy)
    sent: list[object] = []
    tab.on("websocket", lambda ws: ws.on("framesent", lambda payload: sent.append(payload)))
    try:
        tab.goto(f"{proxy}/bevoelkerung")
        frame = wait_for_stadtteile(tab)
        before = len(sent)
        click_area(tab, frame, "06")
        tab.get_by_text("Profil: Neue Neustadt").wait_for(timeout=WAIT_MS)
        assert len(sent) > before  # the click went through nginx's WebSocket to Python
        assert tab.locator('[data-testid="stException"]').count() == 0
        screenshot(tab, "hinter-nginx-profil")
    finally:
        context.close()


def test_a_second_new_browser_gets_every_static_file_from_nginx(browser, proxy):
    for _ in range(2):  # the first new browser fills nginx's cache
        context, tab, responses = _fresh_tab(browser, proxy)
        try:
            tab.goto(proxy)
            wait_for_stadtteile(tab)
        finally:
            context.close()
    static = {path: seen for path, seen in responses.items() if path.startswith(CACHED)}
    assert len(static) > 50, sorted(static)  # Streamlit's frontend, the map, Leaflet
    # What Streamlit marks "no-cache" (the map component's small index.html, which names its
    # hashed scripts) is asked for every time; everything else comes from nginx's cache.
    missed = {p: seen for p, seen in static.items() if seen[0] != "HIT" and seen[1] != "no-cache"}
    assert not missed, f"beim zweiten Browser nicht aus dem Cache: {missed}"
    assert sum(seen[0] == "HIT" for seen in static.values()) >= len(static) - 2
    # The page itself always comes from Streamlit (a new release must show at once).
    assert responses["/"] == (None, "no-cache")
