"""The nginx configuration in front of Streamlit (deploy/proxy.py)."""

from __future__ import annotations

import re
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from deploy.proxy import NGINX, nginx_in_front, render_config
from tests.conftest import free_port, require


def test_every_placeholder_is_filled(tmp_path):
    text = render_config("127.0.0.1:8501", 8502, tmp_path, "nobody nogroup")
    assert not re.findall(r"@[A-Z_]+@", text)
    assert "listen 127.0.0.1:8501;" in text
    assert "server 127.0.0.1:8502;" in text
    assert "user nobody nogroup;" in text
    assert f"proxy_cache_path {tmp_path}/cache" in text


def test_without_user_nginx_keeps_its_own(tmp_path):
    assert "user " not in render_config("8501", 8502, tmp_path)


def _location(text: str, head: str) -> str:
    start = text.index(f"location {head} {{")
    return text[start : text.index("}", start)]


def test_only_static_files_are_cached_and_the_websocket_is_upgraded(tmp_path):
    text = render_config("8501", 8502, tmp_path)
    for head in ("/static/", "~ ^/(app/static|component)/", "= /favicon.png"):
        assert "proxy_cache static_files;" in _location(text, head), head
    # The page, uploads, sign-in and the session's messages always reach Streamlit.
    assert "proxy_cache " not in _location(text, "/")
    stream = _location(text, "= /_stcore/stream")
    assert "proxy_cache " not in stream
    assert "proxy_set_header Upgrade $http_upgrade;" in stream
    # Streamlit's 20 MB upload limit passes through nginx.
    assert int(re.search(r"client_max_body_size (\d+)m;", text).group(1)) > 20


@pytest.mark.parametrize(
    ("listen", "port", "run_dir", "message"),
    [
        ("8501", 0, "/tmp/x", "Ungültiger Port 0"),
        ("8501", 70000, "/tmp/x", "Ungültiger Port 70000"),
        ("8501; evil", 8502, "/tmp/x", "Ungültige listen-Adresse"),
        ("", 8502, "/tmp/x", "Ungültige listen-Adresse"),
        ("8501", 8502, "relativ/ordner", "absoluter Pfad"),
        ("8501", 8502, "/tmp/mit leerzeichen", "absoluter Pfad"),
        ("8501", 8502, "/tmp/x;y", "absoluter Pfad"),
    ],
)
def test_values_that_would_break_the_configuration_are_refused(listen, port, run_dir, message):
    with pytest.raises(ValueError, match=message):
        render_config(listen, port, Path(run_dir))


def _get(url: str, seconds: float = 60) -> tuple[int, str | None]:
    """Status and X-Cache-Status of ``url`` once the server listens."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.status, response.headers["X-Cache-Status"]
        except urllib.error.HTTPError as error:
            return error.code, error.headers["X-Cache-Status"]
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def test_nginx_accepts_the_configuration_and_serves():
    require(Path(NGINX).is_file(), f"{NGINX} fehlt (apt-get install nginx-light)")
    port = free_port()
    # No Streamlit behind it: nginx starts, asks its cache, and says the upstream is missing.
    with nginx_in_front(f"127.0.0.1:{port}", free_port()):
        assert _get(f"http://127.0.0.1:{port}/static/x.js") == (502, "MISS")
