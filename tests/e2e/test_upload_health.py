"""Hostile uploads in the real browser: the server keeps answering, the page explains in German."""

from __future__ import annotations

import threading
import time
import urllib.request

import pytest

from tests.e2e.conftest import screenshot
from tests.hostile.file_cases import CASES

pytestmark = [pytest.mark.e2e, pytest.mark.real_data]  # the server runs on the real package

UPLOAD_INPUT = '[data-testid="stFileUploaderDropzoneInput"]'


class HealthPoller(threading.Thread):
    """Polls ``/_stcore/health`` and records how long every answer took."""

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        self.url = f"{url}/_stcore/health"
        self.delays: list[float] = []
        self.started: list[float] = []
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            start = time.monotonic()
            self.started.append(start)
            try:
                with urllib.request.urlopen(self.url, timeout=10) as response:
                    response.read()
                self.delays.append(time.monotonic() - start)
            except OSError:
                self.delays.append(float("inf"))
            time.sleep(0.1)


@pytest.mark.parametrize("name", ["csv-quotes-15mb", "xlsx-1048576-rows", "geojson-vrt"])
def test_server_answers_health_checks_while_a_hostile_upload_is_checked(
    page, server, tmp_path, name
):
    case = next(c for c in CASES if c.name == name)
    path = tmp_path / case.filename
    path.write_bytes(case.make())
    page.goto(f"{server}/daten")
    page.locator(UPLOAD_INPUT).wait_for(state="attached", timeout=120_000)
    poller = HealthPoller(server)
    poller.start()
    start = time.monotonic()
    try:
        page.locator(UPLOAD_INPUT).set_input_files(str(path))
        sent = time.monotonic() - start
        page.get_by_text("wird nicht übernommen").wait_for(timeout=120_000)
        answered = time.monotonic() - start
    finally:
        poller.done.set()
        poller.join(timeout=15)
    assert len(poller.delays) >= 3, "Zu wenige Abfragen während des Uploads"
    # On failure: (seconds after the upload started, answer time) of the slow polls.
    slow = [
        (round(at - start, 2), round(delay, 2))
        for at, delay in zip(poller.started, poller.delays, strict=False)
        if delay >= 0.5
    ]
    assert max(poller.delays) < 1.0, (slow, f"gesendet {sent:.1f} s", f"Antwort {answered:.1f} s")
    assert page.locator('[data-testid="stException"]').count() == 0
    assert not page.page_errors
    screenshot(page, f"upload-{name}")
