"""Database access for the register: one portable SQL dialect, two backends.

SQLite (default; a file in the scenario store's folder) and PostgreSQL + PostGIS (when
``BEGEGNUNGSATLAS_DB=postgresql://…``). Everything the store runs is plain SQL with ``?``
parameters; the few differences (connecting, transactions and locking, the id column,
the PostGIS view) live in the two :class:`Backend` classes below.

The schema is versioned per component in a ``schema_version`` table, so further parts of
the app (the scenario store) can share the same database with their own migrations.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from geo.config import PROJECT_ROOT

#: Folder of the scenario store and of the SQLite database (``data/szenarien`` by default).
STORE_ENV = "BEGEGNUNGSATLAS_SZENARIEN"
DEFAULT_DIR = PROJECT_ROOT / "data" / "szenarien"
#: Environment variable with the database URL (``postgresql://user@host/db``).
DB_ENV = "BEGEGNUNGSATLAS_DB"
#: The SQLite file in the scenario store's folder (shared with later components).
FILE_NAME = "begegnungsatlas.sqlite"


def store_dir(environ: Mapping[str, str] | None = None) -> Path:
    """Directory of the scenario store (``BEGEGNUNGSATLAS_SZENARIEN`` or the default)."""
    env = os.environ if environ is None else environ
    value = env.get(STORE_ENV, "").strip()
    return Path(value).expanduser().resolve() if value else DEFAULT_DIR


def database_url(environ: Mapping[str, str] | None = None) -> str:
    """The register's database: ``$BEGEGNUNGSATLAS_DB`` or the SQLite file beside the scenarios.

    Parameters
    ----------
    environ : mapping, optional
        Environment (default ``os.environ``).

    Returns
    -------
    str
        ``postgresql://…`` or ``sqlite:///path``.

    Raises
    ------
    ValueError
        On a URL of another kind.
    """
    env = os.environ if environ is None else environ
    value = env.get(DB_ENV, "").strip()
    if not value:
        return f"sqlite:///{store_dir(env) / FILE_NAME}"
    if value.startswith(("postgresql://", "postgres://", "sqlite:///")):
        return value
    raise ValueError(
        f"{DB_ENV}={value!r} wird nicht unterstützt. Erlaubt: postgresql://nutzer@host:5432/"
        f"datenbank (PostgreSQL mit PostGIS) oder leer lassen (SQLite im Szenario-Ordner)."
    )


def backend_for(url: str) -> Backend:
    """The backend for a database URL (see :func:`database_url`)."""
    if url.startswith("sqlite:///"):
        return SQLiteBackend(Path(url.removeprefix("sqlite:///")))
    return PostgresBackend(url)


class Backend:
    """What differs between the databases; everything else is shared SQL."""

    name = ""
    #: Column definition of an auto-numbered primary key.
    serial = ""
    #: Exceptions raised when a UNIQUE constraint is violated.
    integrity_errors: tuple[type[Exception], ...] = ()

    @property
    def location(self) -> str:
        """Where the data lives, for the UI (no password)."""
        raise NotImplementedError

    def connect(self) -> Any:
        """A new connection in autocommit mode (transactions via :meth:`transaction`)."""
        raise NotImplementedError

    def transaction(self, conn: Any) -> contextlib.AbstractContextManager:
        """A write transaction that serialises writers of the register (commit or roll back)."""
        raise NotImplementedError

    def sql(self, text: str) -> str:
        """Adapt the parameter style."""
        return text

    def after_migrate(self, conn: Any, notes: list[str]) -> None:
        """Backend-specific objects after the migrations (e.g. the PostGIS view)."""

    def set_aside(self, notes: list[str]) -> bool:
        """Move a corrupt database aside; True if that was done and it may be retried."""
        return False


class SQLiteBackend(Backend):
    """A SQLite file (WAL journal; ``BEGIN IMMEDIATE`` serialises writers)."""

    name = "sqlite"
    serial = "INTEGER PRIMARY KEY AUTOINCREMENT"
    integrity_errors = (sqlite3.IntegrityError,)

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    @property
    def location(self) -> str:  # noqa: D102
        return str(self.path)

    def connect(self) -> sqlite3.Connection:  # noqa: D102
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")  # readers never see a half-written change
        conn.execute("PRAGMA synchronous=FULL")
        return conn

    @contextlib.contextmanager
    def transaction(self, conn: sqlite3.Connection) -> Iterator[None]:  # noqa: D102
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def set_aside(self, notes: list[str]) -> bool:  # noqa: D102
        if not self.path.is_file():
            return False
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        target = self.path.with_name(f"{self.path.name}.defekt-{stamp}")
        self.path.rename(target)
        for suffix in ("-wal", "-shm"):
            side = self.path.with_name(self.path.name + suffix)
            if side.exists():
                side.rename(target.with_name(target.name + suffix))
        notes.append(
            f"Die Registerdatei war beschädigt und wurde nach {target.name} verschoben (nicht "
            "gelöscht); ein leeres Register wurde angelegt. Die alte Datei der IT zur "
            "Wiederherstellung geben."
        )
        return True


class PostgresBackend(Backend):
    """PostgreSQL (psycopg 3); an advisory lock serialises writers of the register."""

    name = "postgresql"
    serial = "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"
    #: Name of the PostGIS view QGIS opens.
    VIEW = "einrichtungen_effektiv"

    def __init__(self, url: str) -> None:
        import psycopg

        self.url = url
        self.integrity_errors = (psycopg.errors.IntegrityError,)

    @property
    def location(self) -> str:  # noqa: D102
        parts = urlsplit(self.url)
        host = parts.hostname or ""
        netloc = f"{parts.username}@{host}" if parts.username else host
        if parts.port:
            netloc += f":{parts.port}"
        return urlunsplit((parts.scheme, netloc, parts.path, "", ""))

    def connect(self) -> Any:  # noqa: D102
        import psycopg

        try:
            return psycopg.connect(self.url, autocommit=True, connect_timeout=10)
        except psycopg.OperationalError as error:
            raise ValueError(
                f"Keine Verbindung zur Register-Datenbank {self.location} ({error}). "
                f"{DB_ENV} prüfen oder leer lassen (dann SQLite)."
            ) from error

    @contextlib.contextmanager
    def transaction(self, conn: Any) -> Iterator[None]:  # noqa: D102
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(hashtext('begegnungsatlas.register'))")
            yield

    def sql(self, text: str) -> str:  # noqa: D102
        return text.replace("?", "%s")

    def after_migrate(self, conn: Any, notes: list[str]) -> None:
        """Create the PostGIS view of the effective list (if PostGIS can be enabled)."""
        import psycopg

        has = conn.execute("SELECT 1 FROM pg_extension WHERE extname = 'postgis'").fetchone()
        if not has:
            try:
                conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
            except psycopg.Error:
                notes.append(
                    "PostGIS ist in der Datenbank nicht aktiviert: die Sicht "
                    f"{self.VIEW} für QGIS fehlt. Als Administrator einmal "
                    "`CREATE EXTENSION postgis;` ausführen."
                )
                return
        conn.execute(
            f"""CREATE OR REPLACE VIEW {self.VIEW} AS
            SELECT e.*,
                ST_SetSRID(ST_MakePoint(e.x, e.y), 25832)::geometry(Point, 25832) AS geom,
                ST_SetSRID(ST_MakePoint(e.lon, e.lat), 4326)::geometry(Point, 4326) AS geom_wgs84
            FROM register_effective e"""
        )


def now_utc() -> str:
    """The current time in UTC, ISO 8601 (sorts as text)."""
    return datetime.now(UTC).isoformat(timespec="microseconds")
