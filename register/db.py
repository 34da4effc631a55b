"""Database access for the register: one portable SQL dialect, two backends.

SQLite (default; a file in the scenario store's folder) and PostgreSQL + PostGIS (when
``BEGEGNUNGSATLAS_DB=postgresql://…``). Everything the store runs is plain SQL with ``?``
parameters; the few differences (connecting, transactions and locking, the id column,
the PostGIS view) live in the two :class:`Backend` classes below.

The schema is versioned per component in a ``schema_version`` table (:func:`migrate`), so
the register and the scenario store share one database, each with its own migrations.

Every failure of the database – damaged, read-only, disk full, unreachable, locked – is
named by :mod:`register.faults` (``Backend.fault``); a damaged SQLite file is reported and
left exactly as it is, never replaced by an empty one. A new SQLite file is created
complete (written under a temporary name, then linked into place), so a crash while
creating it can never leave an empty file behind that would look like a register.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import sqlite3
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from geo.config import PROJECT_ROOT
from register.faults import (
    DatabaseFaultError,
    Where,
    check_sqlite_file,
    classify,
    server_where,
    sqlite_where,
)

#: Folder of the scenario store and of the SQLite database (``data/szenarien`` by default).
STORE_ENV = "BEGEGNUNGSATLAS_SZENARIEN"
DEFAULT_DIR = PROJECT_ROOT / "data" / "szenarien"
#: Environment variable with the database URL (``postgresql://user@host/db``).
DB_ENV = "BEGEGNUNGSATLAS_DB"
#: The SQLite file in the scenario store's folder (register and scenarios).
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

    @property
    def where(self) -> Where:
        """Where the data lives, for messages (file name or server, no path, no password)."""
        raise NotImplementedError

    def fault(self, error: BaseException) -> DatabaseFaultError:
        """The German fault for an error of this database (see :mod:`register.faults`)."""
        return classify(error, self.where)

    @contextlib.contextmanager
    def faults(self) -> Iterator[None]:
        """Turn database and OS errors inside the block into :class:`DatabaseFaultError`."""
        try:
            yield
        except DatabaseFaultError:
            raise
        except (sqlite3.Error, OSError) as error:
            raise self.fault(error) from None
        except Exception as error:
            if type(error).__module__.split(".")[0] != "psycopg":
                raise
            raise self.fault(error) from None

    @contextlib.contextmanager
    def connection(self) -> Iterator[Any]:
        """A connection, closed after the block; database errors inside become named faults."""
        with self.faults():
            conn = self.connect()
            try:
                yield conn
            finally:
                conn.close()

    def run(self, conn: Any, sql: str, params: Sequence = ()) -> Any:
        """Execute ``sql`` (``?`` placeholders, adapted by :meth:`sql`) with ``params``."""
        return conn.execute(self.sql(sql), tuple(params))

    def check(self) -> None:
        """Raise a :class:`DatabaseFaultError` if the database is damaged (read-only check)."""

    def connect(self) -> Any:
        """A new connection in autocommit mode (transactions via :meth:`transaction`)."""
        raise NotImplementedError

    def transaction(self, conn: Any, lock: str = "register") -> contextlib.AbstractContextManager:
        """A write transaction that serialises the writers of ``lock`` (commit or roll back)."""
        raise NotImplementedError

    def sql(self, text: str) -> str:
        """Adapt the parameter style."""
        return text

    def after_migrate(self, conn: Any, notes: list[str]) -> None:
        """Backend-specific objects after the migrations (e.g. the PostGIS view)."""


class SQLiteBackend(Backend):
    """A SQLite file (WAL journal; ``BEGIN IMMEDIATE`` serialises writers)."""

    name = "sqlite"
    serial = "INTEGER PRIMARY KEY AUTOINCREMENT"
    integrity_errors = (sqlite3.IntegrityError,)
    #: Seconds a writer waits for another one before the fault ``belegt`` is reported.
    busy_timeout = 30.0

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    @property
    def location(self) -> str:  # noqa: D102
        return str(self.path)

    @property
    def where(self) -> Where:  # noqa: D102
        return sqlite_where(self.path)

    def check(self) -> None:  # noqa: D102
        check_sqlite_file(self.path)

    def connect(self) -> sqlite3.Connection:  # noqa: D102
        with self.faults():
            if not self.path.exists():
                self._create()
            conn = sqlite3.connect(self.path, timeout=self.busy_timeout, isolation_level=None)
            try:
                conn.execute("PRAGMA journal_mode=WAL")  # readers never see a half-written change
                conn.execute("PRAGMA synchronous=FULL")
            except BaseException:
                conn.close()
                raise
            return conn

    def _create(self) -> None:
        """Create the database file complete, then link it into place (never an empty file)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temp = self.path.with_name(f".{self.path.name}.neu-{secrets.token_hex(4)}")
        try:
            conn = sqlite3.connect(temp, isolation_level=None)
            try:
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute(SCHEMA_TABLE)
            finally:
                conn.close()  # the last connection checkpoints and removes the journal
            with contextlib.suppress(FileExistsError):  # another process was first
                os.link(temp, self.path)
        finally:
            for leftover in (temp, Path(f"{temp}-wal"), Path(f"{temp}-shm")):
                leftover.unlink(missing_ok=True)

    @contextlib.contextmanager
    def transaction(self, conn: sqlite3.Connection, lock: str = "register") -> Iterator[None]:  # noqa: D102
        conn.execute("BEGIN IMMEDIATE")  # one writer per file, whatever the lock's name
        try:
            yield
        except BaseException:
            with contextlib.suppress(sqlite3.Error):  # e.g. SQLITE_FULL already rolled back
                conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")


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

    @property
    def where(self) -> Where:  # noqa: D102
        parts = urlsplit(self.url)
        try:
            port = parts.port
        except ValueError:
            port = None
        return server_where(parts.hostname or "", port, parts.path.lstrip("/"))

    def connect(self) -> Any:  # noqa: D102
        import psycopg

        with self.faults():
            return psycopg.connect(self.url, autocommit=True, connect_timeout=10)

    @contextlib.contextmanager
    def transaction(self, conn: Any, lock: str = "register") -> Iterator[None]:  # noqa: D102
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (f"begegnungsatlas.{lock}",))
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


SCHEMA_TABLE = (
    "CREATE TABLE IF NOT EXISTS schema_version (component TEXT PRIMARY KEY, "
    "version INTEGER NOT NULL, updated TEXT NOT NULL)"
)


def schema_version(backend: Backend, conn: Any, component: str) -> int:
    """The schema version of ``component`` in the database (0: not created yet)."""
    row = conn.execute(
        backend.sql("SELECT version FROM schema_version WHERE component = ?"), (component,)
    ).fetchone()
    return int(row[0]) if row else 0


def migrate(
    backend: Backend,
    conn: Any,
    component: str,
    steps: Mapping[int, list[str]],
    too_new: Callable[[int, int], Exception],
    after_step: Callable[[int], None] | None = None,
) -> int:
    """Bring one component's tables to the newest step, inside the caller's write transaction.

    Parameters
    ----------
    backend : Backend
        The database.
    conn : connection
        Open connection in a write transaction (:meth:`Backend.transaction`).
    component : str
        Row of ``schema_version`` (e.g. ``register``, ``scenarios``).
    steps : mapping of int to list of str
        SQL statements per schema version (never edited once released; add a step instead).
    too_new : callable
        ``too_new(found, known)`` -> the exception to raise if the database is newer than
        this app (it is then left untouched).
    after_step : callable, optional
        Called with the number of each step after its statements ran.

    Returns
    -------
    int
        The version the database had before (0: the component was new).
    """
    conn.execute(SCHEMA_TABLE)
    current = schema_version(backend, conn, component)
    newest = max(steps)
    if current > newest:
        raise too_new(current, newest)
    for number in sorted(n for n in steps if n > current):
        for statement in steps[number]:
            conn.execute(backend.sql(statement))
        if after_step is not None:
            after_step(number)
    if current < newest:
        conn.execute(
            backend.sql(
                "INSERT INTO schema_version (component, version, updated) VALUES (?, ?, ?) "
                "ON CONFLICT (component) DO UPDATE SET version = excluded.version, "
                "updated = excluded.updated"
            ),
            (component, newest, now_utc()),
        )
    return current


def now_utc() -> str:
    """The current time in UTC, ISO 8601 (sorts as text)."""
    return datetime.now(UTC).isoformat(timespec="microseconds")
