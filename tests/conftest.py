"""Shared fixtures: the synthetic package (always), the real Magdeburg package, PostgreSQL.

The PostgreSQL cluster is started by the tests from Debian's packages
(``scripts/install_postgres.sh``): ``initdb`` in a temporary folder, ``pg_ctl`` on a free
port on 127.0.0.1, trust authentication, no system configuration touched. As root the
server runs as the ``postgres`` user (``initdb`` refuses root). One cluster per test
process; every test gets its own schema. Locally a missing PostgreSQL skips those tests,
under ``CI=true`` it fails them. The register and the scenario store run their tests on it.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from deploy.proxy import free_port
from geo.config import data_dir
from geo.io.package import DataPackage, load_package
from geo.io.package_cache import CACHE_ENV
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
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "paket-cache"))  # nor the user's package cache
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


def require(condition: bool, message: str) -> None:
    if condition:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)


def _bin(name: str) -> str | None:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found[-1] if found else None


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A private PostgreSQL cluster with PostGIS; yields the URL of its database."""
    initdb, pg_ctl = _bin("initdb"), _bin("pg_ctl")
    require(
        initdb is not None and pg_ctl is not None,
        "PostgreSQL fehlt (scripts/install_postgres.sh bzw. apt-get install postgresql).",
    )
    require(
        bool(glob.glob("/usr/share/postgresql/*/extension/postgis.control")),
        "PostGIS fehlt (apt-get install postgresql-15-postgis-3).",
    )
    root = Path(tempfile.mkdtemp(prefix="ba-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:  # initdb refuses to run as root
        shutil.chown(root, "postgres", "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    data, port = root / "data", free_port()

    def run(*args: str) -> None:
        done = subprocess.run([*as_user, *args], capture_output=True, text=True, timeout=120)
        if done.returncode:
            pytest.fail(f"{args[0]} scheiterte: {done.stdout}\n{done.stderr}")

    run(initdb, "-D", str(data), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync")
    options = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off"
    run(pg_ctl, "-D", str(data), "-l", str(root / "log"), "-o", options, "-w", "start")
    import psycopg

    base = f"postgresql://postgres@127.0.0.1:{port}"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute("CREATE DATABASE register")
    with psycopg.connect(f"{base}/register", autocommit=True) as conn:
        conn.execute("CREATE EXTENSION postgis")
    try:
        yield f"{base}/register"
    finally:
        subprocess.run(
            [*as_user, pg_ctl, "-D", str(data), "-m", "immediate", "stop"],
            capture_output=True,
            timeout=60,
        )
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def postgres_url(postgres_server: str) -> str:
    """The URL of a fresh, empty schema in the private cluster (PostGIS visible)."""
    import psycopg

    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres_server, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    return f"{postgres_server}?options=-csearch_path%3D{schema},public"
