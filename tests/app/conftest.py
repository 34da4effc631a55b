"""AppTest helpers: run app.py against a chosen data package."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from geo.config import DATA_ENV, PROJECT_ROOT
from scenarios.store import STORE_ENV
from ui.errors import DEBUG_ENV

APP = str(PROJECT_ROOT / "app.py")


@pytest.fixture(autouse=True)
def _private_scenario_store(tmp_path, monkeypatch):
    """Pages never write into the project's data/ folder during tests."""
    monkeypatch.setenv(STORE_ENV, str(tmp_path / "szenarien-test"))


@pytest.fixture(autouse=True)
def _bugs_raise(monkeypatch):
    """A page bug raises (at.exception) instead of the user notice of ui/errors.py."""
    monkeypatch.setenv(DEBUG_ENV, "1")


@pytest.fixture
def app_for(monkeypatch):
    """``app_for(path, page=None)`` -> an AppTest that has run once on that page."""

    def run(path, page: str | None = None) -> AppTest:
        monkeypatch.setenv(DATA_ENV, str(path))
        at = AppTest.from_file(APP, default_timeout=60)
        at.run()
        if page is not None:
            at.switch_page(page)
            at.run()
        assert not at.exception, [e.message for e in at.exception]
        # A script that fails to compile leaves no exception element: require a title.
        assert at.title, "Die Seite hat nichts gezeichnet (Skriptfehler?)"
        return at

    return run
