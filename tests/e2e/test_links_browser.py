"""Share links in the real browser and server: bad links leave the address, sizes fit."""

from __future__ import annotations

import base64
import socket
import time
import zlib
from urllib.parse import urlsplit

import pytest

from scenarios.exchange import MAX_URL_CHARS
from tests.e2e.conftest import screenshot, wait_for_stadtteile

pytestmark = [pytest.mark.e2e, pytest.mark.real_data]  # the server runs on the real package

# Typical request headers of a browser (about 600 bytes), sent with every page load.
BROWSER_HEADERS = (
    "User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/130.0.0.0 Safari/537.36\r\n"
    "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,"
    "*/*;q=0.8\r\nAccept-Language: de-DE,de;q=0.9,en;q=0.8\r\n"
    "Accept-Encoding: gzip, deflate, br\r\nCookie: _streamlit_xsrf=" + "x" * 120 + "\r\n"
)


def _status(server: str, query: str, segment: int = 1448) -> str:
    """Status line for ``GET /?query``, sent in network-sized segments like a real client."""
    host = urlsplit(server)
    head = (
        f"GET /?{query} HTTP/1.1\r\nHost: {host.netloc}\r\n{BROWSER_HEADERS}"
        "Connection: close\r\n\r\n"
    ).encode()
    with socket.create_connection((host.hostname, host.port), timeout=30) as sock:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            for start in range(0, len(head), segment):
                sock.sendall(head[start : start + segment])
                time.sleep(0.002)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered and closed before the whole request was sent
        data = b""
        try:
            while b"\r\n" not in data:
                chunk = sock.recv(4096)
                if not chunk:
                    break
                data += chunk
        except ConnectionResetError:
            pass
    return data.split(b"\r\n", 1)[0].decode("ascii", "replace")


def _h11_answer(query: str, segment: int = 1448) -> str:
    """What uvicorn's HTTP parser (h11, uvicorn's limit) makes of ``GET /?query`` in segments."""
    import h11
    import uvicorn

    limit = uvicorn.Config("app:app").h11_max_incomplete_event_size
    conn = h11.Connection(
        h11.SERVER,
        **({} if limit is None else {"max_incomplete_event_size": limit}),
    )
    head = f"GET /?{query} HTTP/1.1\r\nHost: x\r\n{BROWSER_HEADERS}\r\n".encode()
    try:
        for start in range(0, len(head), segment):
            conn.receive_data(head[start : start + segment])
            if conn.next_event() is not h11.NEED_DATA:
                return "200"
    except h11.RemoteProtocolError:
        return "400"
    return "incomplete"


def test_our_longest_link_passes_the_server_and_a_much_longer_one_does_not(server):
    # Our limit is accepted by the running server with browser headers …
    assert " 200 " in _status(server, "szenario=" + "A" * MAX_URL_CHARS)
    # … while uvicorn/h11 answers a bare 400 once more than 16 KiB of request head arrive in
    # pieces (README): the reason links are capped at MAX_URL_CHARS. Whether the running
    # server receives the head in pieces depends on the machine's load, so the parser is
    # asked directly, with uvicorn's own limit.
    assert _h11_answer("szenario=" + "A" * MAX_URL_CHARS) == "200"
    assert _h11_answer("szenario=" + "A" * 20_000) == "400"


def test_crafted_link_shows_the_message_and_leaves_the_address(page, server):
    link = base64.urlsafe_b64encode(zlib.compress(b'{"params": "x"}')).decode().rstrip("=")
    page.goto(f"{server}/?szenario={link}")
    alert = page.get_by_text("Der Szenario-Link konnte nicht geladen werden")
    alert.wait_for(timeout=60_000)
    wait_for_stadtteile(page)  # the Übersicht map still draws
    page.wait_for_function("() => !window.location.search.includes('szenario')")
    body = page.locator("body").inner_text()
    assert "params muss ein Objekt" in body
    assert "Traceback" not in body
    assert page.locator('[data-testid="stException"]').count() == 0
    screenshot(page, "link-kaputt")
    page.reload()
    wait_for_stadtteile(page)
    assert page.get_by_text("Der Szenario-Link konnte nicht geladen werden").count() == 0
