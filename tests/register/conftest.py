"""Register fixtures: the same store tests on SQLite and on a private PostgreSQL + PostGIS.

The PostgreSQL cluster (``postgres_server``, ``postgres_url``) is in ``tests/conftest.py``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from register.store import RegisterStore


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh register database of each backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'register.sqlite'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def store(store_url: str) -> RegisterStore:
    """An empty register on each backend."""
    return RegisterStore(store_url)
