"""The scenario store's tests run on both databases: SQLite (default) and PostgreSQL."""

from __future__ import annotations

import pytest

from register.db import DB_ENV


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Point the store at each database (``BEGEGNUNGSATLAS_DB``, as an installation would)."""
    if request.param == "postgresql":
        monkeypatch.setenv(DB_ENV, request.getfixturevalue("postgres_url"))
    return request.param
