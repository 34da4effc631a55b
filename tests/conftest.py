"""Shared fixtures: the synthetic package (always) and the real Magdeburg package."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from geo.config import data_dir
from geo.package import DataPackage, load_package
from register.db import DB_ENV
from scenarios.store import STORE_ENV
from tests.synthetic import write_package, write_river

_TEMPLATE: Path | None = None
#: The test being set up or run (real_data_dir checks its marker).
_CURRENT: pytest.Item | None = None
#: Fixtures that read the real package.
REAL_FIXTURES = {"real", "real_data_dir_or_skip", "server"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that uses a real-data fixture must carry the ``real_data`` marker."""
    unmarked = [
        item.nodeid
        for item in items
        if REAL_FIXTURES & set(getattr(item, "fixturenames", ()))
        and item.get_closest_marker("real_data") is None
    ]
    if unmarked:
        raise pytest.UsageError(
            "Tests lesen das echte Datenpaket ohne @pytest.mark.real_data: " + ", ".join(unmarked)
        )


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    global _CURRENT
    _CURRENT = item


@pytest.fixture(autouse=True)
def _private_register(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test gets an empty facility register (never the developer's or a shared one)."""
    monkeypatch.setenv(STORE_ENV, str(tmp_path / "szenarien-test"))
    monkeypatch.delenv(DB_ENV, raising=False)


@pytest.fixture
def synthetic_dir(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> Path:
    """A fresh, writable copy of the synthetic package (tests may edit it)."""
    global _TEMPLATE
    if _TEMPLATE is None:
        _TEMPLATE = write_package(tmp_path_factory.mktemp("synthetic_template"))
    target = tmp_path / "paket"
    shutil.copytree(_TEMPLATE, target)
    return target


@pytest.fixture
def synthetic(synthetic_dir: Path) -> DataPackage:
    """The synthetic package, loaded."""
    return load_package(synthetic_dir)


@pytest.fixture
def synthetic_river(synthetic_dir: Path) -> DataPackage:
    """The synthetic package with its river, one bridge and one ferry (see tests.synthetic)."""
    write_river(synthetic_dir)
    return load_package(synthetic_dir)


def real_data_dir() -> Path:
    """The real package; skipped when absent locally, a failure under CI=true.

    Only for tests marked ``real_data`` (so ``-m "not real_data"`` runs without the package).
    """
    if _CURRENT is not None and _CURRENT.get_closest_marker("real_data") is None:
        pytest.fail(f"{_CURRENT.nodeid} liest das echte Datenpaket: @pytest.mark.real_data fehlt.")
    path = data_dir()
    if not (path / "statistik_stadtteile.csv").is_file():
        message = f"Echtes Datenpaket nicht gefunden unter {path} (BEGEGNUNGSATLAS_DATA setzen)."
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def real() -> DataPackage:
    """The real Magdeburg package, loaded once per session."""
    return load_package(real_data_dir())
