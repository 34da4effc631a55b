"""Register fixtures: the same store tests on SQLite and on a private PostgreSQL + PostGIS.

The PostgreSQL cluster is started by the tests from Debian's packages
(``scripts/install_postgres.sh``): ``initdb`` in a temporary folder, ``pg_ctl`` on a free
port on 127.0.0.1, trust authentication, no system configuration touched. As root the
server runs as the ``postgres`` user (``initdb`` refuses root). One cluster per test
process; every test gets its own schema. Locally a missing PostgreSQL skips those tests,
under ``CI=true`` it fails them.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from register.store import RegisterStore


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _require(condition: bool, message: str) -> None:
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
    _require(
        initdb is not None and pg_ctl is not None,
        "PostgreSQL fehlt (scripts/install_postgres.sh bzw. apt-get install postgresql).",
    )
    _require(
        bool(glob.glob("/usr/share/postgresql/*/extension/postgis.control")),
        "PostGIS fehlt (apt-get install postgresql-15-postgis-3).",
    )
    root = Path(tempfile.mkdtemp(prefix="ba-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:  # initdb refuses to run as root
        shutil.chown(root, "postgres", "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    data, port = root / "data", _free_port()

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
