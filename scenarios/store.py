"""Named scenarios in the app's database (the same one as the facility register).

The table ``scenarios`` lives in the database of :mod:`register.db`: the SQLite file
``begegnungsatlas.sqlite`` in the scenario folder by default, PostgreSQL when
``BEGEGNUNGSATLAS_DB`` is set – so several app instances share their scenarios too.

* Every write is one transaction (SQLite ``BEGIN IMMEDIATE``, PostgreSQL with an advisory
  lock): after a crash in mid-save the database holds either the old or the new state, never
  a half-written scenario.
* Names are unique by the table's PRIMARY KEY: a new scenario is an ``INSERT`` and the
  constraint, not an earlier look-up, decides whether the name is taken. Overwriting is an
  explicit ``UPDATE``.
* Every row carries a ``version``; an update that names the version it was based on is a
  compare-and-set (``UPDATE … WHERE name = ? AND version = ?``), so a second writer gets
  :class:`ConflictError` ("wurde inzwischen geändert") instead of silently overwriting.
* Every database failure is a German :class:`StoreError` naming its kind, the file or server
  and the fix (:mod:`register.faults`: damaged, read-only, disk full, unreachable, locked).
  A SQLite file that is not a sound database (garbage, truncated, empty, a ``scenarios``
  table of another layout) is reported and left exactly as it is – never replaced by an
  empty store, which would hide the saved scenarios and the register from everyone.
* The layout is versioned in ``schema_version`` (component ``scenarios``, see
  :func:`register.db.migrate`); a database of a newer app is left untouched with a message.
* The scenarios of the earlier store of its own (``szenarien.sqlite`` in the same folder,
  both of its layouts) are taken over once on first use; the old file is kept, renamed to
  ``szenarien.sqlite.migriert``.

The folder is configurable (``BEGEGNUNGSATLAS_SZENARIEN``, default ``data/szenarien`` in
the project).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple

from register.db import (
    DEFAULT_DIR,
    STORE_ENV,
    SQLiteBackend,
    backend_for,
    database_url,
    migrate,
)
from register.db import FILE_NAME as FILE_NAME
from register.db import store_dir as store_dir
from register.faults import DatabaseFaultError, classify, sqlite_where
from scenarios.exchange import parse_json
from scenarios.model import Scenario, clean_name, scenario_from_dict

__all__ = [
    "DEFAULT_DIR",
    "FILE_NAME",
    "LEGACY_FILE_NAME",
    "STORE_ENV",
    "ConflictError",
    "Loaded",
    "ScenarioStore",
    "StoreError",
    "store_dir",
]

try:  # serialises opening, setting aside and taking over old files between processes (POSIX)
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

#: The scenario store before it moved into the shared database (taken over once).
LEGACY_FILE_NAME = "szenarien.sqlite"
#: Suffix of the old file once its scenarios were taken over.
MIGRATED_SUFFIX = ".migriert"
COMPONENT = "scenarios"
#: Layout of the table (component ``scenarios`` in ``schema_version``).
SCHEMA_VERSION = 1
_COLUMNS = ["name", "payload", "created", "updated", "package_version", "version"]
_MIGRATIONS = {
    1: [
        """CREATE TABLE scenarios (
            name TEXT PRIMARY KEY,
            payload TEXT NOT NULL,
            created TEXT NOT NULL,
            updated TEXT NOT NULL,
            package_version TEXT NOT NULL,
            version INTEGER NOT NULL DEFAULT 1
        )"""
    ],
}
_LEGACY_COLUMNS = ["name", "payload", "created", "updated", "package_version"]
_BUSY_CODES = {sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED}
LOGGER = logging.getLogger("begegnungsatlas")


class StoreError(ValueError):
    """The store cannot do what was asked (German message)."""


class ConflictError(StoreError):
    """Someone else changed or deleted the scenario since it was loaded."""

    def __init__(self, name: str, expected: int, current: int | None) -> None:
        self.name, self.expected, self.current = name, expected, current
        if current is None:
            message = (
                f"Das Szenario „{name}“ wurde inzwischen gelöscht (geladen war Version "
                f"{expected}). Lösung: unter neuem Namen speichern."
            )
        else:
            message = (
                f"Das Szenario „{name}“ wurde inzwischen geändert: geladen war Version "
                f"{expected}, gespeichert ist jetzt Version {current}. Nichts wurde "
                "überschrieben. Lösung: das Szenario neu laden und die Änderung wiederholen "
                "oder unter anderem Namen speichern."
            )
        super().__init__(message)


class _CorruptError(Exception):
    """The database (or an old file) is not usable (internal)."""


@dataclass(frozen=True)
class StoredScenario:
    """A row of the store listing."""

    name: str
    created: str
    updated: str
    package_version: str
    added: int
    removed: int
    version: int = 1


class Loaded(NamedTuple):
    """A loaded scenario and the version it had (for a later compare-and-set save)."""

    scenario: Scenario
    version: int


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class ScenarioStore:
    """Named scenarios in the app's database (SQLite file or PostgreSQL).

    Parameters
    ----------
    directory : pathlib.Path, optional
        Scenario folder (created if missing; default :func:`store_dir`): the SQLite database
        lives there unless ``BEGEGNUNGSATLAS_DB`` names PostgreSQL, and an old
        ``szenarien.sqlite`` found there is taken over once.
    url : str, optional
        Database URL (default :func:`register.db.database_url` for ``directory``).

    Attributes
    ----------
    path : pathlib.Path or None
        The SQLite file (None on PostgreSQL).
    notice : str or None
        Set when an old ``szenarien.sqlite`` was damaged and set aside, or when a taken-over
        scenario had to be renamed (German text).

    Raises
    ------
    StoreError
        German message when the folder or the database is unusable (see
        :mod:`register.faults`).
    """

    def __init__(self, directory: Path | None = None, *, url: str | None = None) -> None:
        directory = Path(directory) if directory is not None else store_dir()
        try:
            directory.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise StoreError(str(classify(error, sqlite_where(directory / FILE_NAME)))) from None
        self.directory = directory
        try:
            self.url = url or database_url({**os.environ, STORE_ENV: str(directory)})
            self.backend = backend_for(self.url)
        except ValueError as error:
            raise StoreError(str(error)) from None
        self.path = self.backend.path if isinstance(self.backend, SQLiteBackend) else None
        self.notice: str | None = None
        self._open()

    @property
    def location(self) -> str:
        """Where the scenarios are stored, for the UI (German, no password)."""
        if self.path is not None:
            return f"`{self.path.name}` im Szenario-Ordner"
        return f"der Datenbank `{self.backend.location}`"

    # -- opening and checking --------------------------------------------------------

    def _connect(self) -> Any:
        return self.backend.connect()  # raises a DatabaseFaultError, see _errors

    @contextlib.contextmanager
    def _exclusive(self) -> Iterator[None]:
        """Only one process at a time checks, migrates, sets aside or takes over files."""
        if fcntl is None:  # pragma: no cover
            yield
            return
        with open(self.directory / (LEGACY_FILE_NAME + ".lock"), "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _open(self) -> None:
        with self._errors(), self._exclusive():
            self._prepare()
            self._take_over_legacy()

    def _prepare(self) -> None:
        """Check the database and create or migrate the table (one transaction)."""
        self.backend.check()  # a damaged file is reported, byte for byte as it was
        if self.path is not None and self.path.is_file():  # a foreign layout too, read-only
            found = _table_columns(self.path, "scenarios")
            if found and found != _COLUMNS:
                raise DatabaseFaultError(
                    "beschaedigt",
                    self.backend.where,
                    f"die Tabelle scenarios hat die Spalten {', '.join(found)[:80]}",
                )

        def too_new(found: int, known: int) -> StoreError:
            return StoreError(
                f"Der Szenario-Speicher in {self.location} hat das Format {found}; diese "
                f"Version der App kennt nur bis {known}. Lösung: die App aktualisieren oder mit "
                f"{STORE_ENV} einen anderen Ordner wählen."
            )

        conn = self._connect()
        try:
            with self.backend.transaction(conn, COMPONENT):
                migrate(self.backend, conn, COMPONENT, _MIGRATIONS, too_new)
                columns = [
                    d[0]
                    for d in self.backend.run(
                        conn, "SELECT * FROM scenarios WHERE 1 = 0"
                    ).description
                ]
                if columns != _COLUMNS:
                    raise DatabaseFaultError(
                        "beschaedigt",
                        self.backend.where,
                        f"die Tabelle scenarios hat die Spalten {', '.join(columns)[:80]}",
                    )
        except sqlite3.OperationalError as error:
            if _code(error) != sqlite3.SQLITE_ERROR:
                raise
            # Our own SQL failed: the tables are not ours.
            raise DatabaseFaultError(
                "beschaedigt", self.backend.where, "unerwarteter Tabellenaufbau"
            ) from None
        finally:
            conn.close()

    def _take_over_legacy(self) -> None:
        """Copy the scenarios of an old ``szenarien.sqlite`` once, then rename that file."""
        legacy = self.directory / LEGACY_FILE_NAME
        if not legacy.is_file():
            return
        try:
            rows = _legacy_rows(legacy)
        except _CorruptError as problem:
            target = _rename_with_journal(legacy, _free_name(legacy, "szenarien.beschaedigt-"))
            self.notice = (
                f"Der alte Szenario-Speicher {LEGACY_FILE_NAME} war beschädigt ({problem}) und "
                f"wurde als {target.name} im Szenario-Ordner beiseitegelegt (nicht gelöscht); "
                "seine Szenarien fehlen in der Liste. Eine Fachkraft kann sie daraus eventuell "
                "retten."
            )
            return
        renamed = []
        conn = self._connect()
        try:
            with self.backend.transaction(conn, COMPONENT):
                stored = dict(
                    self.backend.run(conn, "SELECT name, payload FROM scenarios").fetchall()
                )
                for name, payload, created, updated, package_version, version in rows:
                    new = name
                    n = 1
                    while new in stored and stored[new] != payload:
                        new = f"{name} (übernommen)" if n == 1 else f"{name} (übernommen {n})"
                        n += 1
                    if new in stored:  # taken over before (a crash before the rename)
                        continue
                    if new != name:
                        renamed.append(f"„{name}“ → „{new}“")
                    self.backend.run(
                        conn,
                        "INSERT INTO scenarios (name, payload, created, updated, "
                        "package_version, version) VALUES (?, ?, ?, ?, ?, ?)",
                        (new, payload, created, updated, package_version, version),
                    )
                    stored[new] = payload
        finally:
            conn.close()
        _rename_with_journal(legacy, _free_name(legacy, LEGACY_FILE_NAME + MIGRATED_SUFFIX))
        LOGGER.info("%d Szenarien aus %s übernommen.", len(rows), legacy)
        if renamed:
            self.notice = (
                f"Die Szenarien aus {LEGACY_FILE_NAME} wurden übernommen; Namen, die es schon "
                f"gab, haben einen Zusatz bekommen: {', '.join(renamed)}."
            )

    @contextlib.contextmanager
    def _errors(self) -> Iterator[None]:
        """Database and OS errors -> the German fault of :mod:`register.faults` as StoreError."""
        try:
            with self.backend.faults():
                yield
        except DatabaseFaultError as fault:
            raise StoreError(str(fault)) from None

    @contextlib.contextmanager
    def _write(self) -> Iterator[Any]:
        """One write transaction, taken at its start (no lock upgrade that could fail)."""
        with self._errors():
            conn = self._connect()
            try:
                with self.backend.transaction(conn, COMPONENT):
                    yield conn
            finally:
                conn.close()

    def _read(self, sql: str, args: tuple = ()) -> list[tuple]:
        with self._errors():
            conn = self._connect()
            try:
                return [tuple(row) for row in self.backend.run(conn, sql, args).fetchall()]
            finally:
                conn.close()

    # -- the store -----------------------------------------------------------------------

    def save(
        self, scenario: Scenario, overwrite: bool = False, expected_version: int | None = None
    ) -> int:
        """Store a named scenario in one transaction; returns its new version.

        Parameters
        ----------
        scenario : Scenario
            Named scenario (see :func:`scenarios.model.stamped`).
        overwrite : bool
            False: the name must be new (the UNIQUE constraint decides). True: update the
            stored scenario of that name (or create it).
        expected_version : int, optional
            With ``overwrite``: the version the change is based on (from :meth:`load`). The
            update happens only if the stored version is still this one.

        Returns
        -------
        int
            The version now stored.

        Raises
        ------
        StoreError
            Without a name, invalid content, name taken (``overwrite=False``) or a
            database problem (German message).
        ConflictError
            ``expected_version`` is no longer the stored version (or the row was deleted).
        """
        if not scenario.name:
            raise StoreError("Bitte einen Namen für das Szenario angeben.")
        try:  # never store what could not be loaded again
            scenario_from_dict(scenario.to_dict())
        except ValueError as error:
            raise StoreError(f"Das Szenario kann nicht gespeichert werden: {error}") from None
        payload = json.dumps(scenario.to_dict(), ensure_ascii=False)
        now = scenario.created or _now()
        row = (scenario.name, payload, now, now, scenario.package_version)
        with self._write() as conn:
            if not overwrite:
                try:
                    self.backend.run(
                        conn,
                        "INSERT INTO scenarios (name, payload, created, updated, package_version,"
                        " version) VALUES (?, ?, ?, ?, ?, 1)",
                        row,
                    )
                except self.backend.integrity_errors:
                    raise StoreError(
                        f"Ein Szenario „{scenario.name}“ gibt es schon. Lösung: anderen Namen "
                        "wählen oder Überschreiben bestätigen."
                    ) from None
                return 1
            update = (
                "UPDATE scenarios SET payload = ?, updated = ?, package_version = ?, "
                "version = version + 1 WHERE name = ?"
            )
            values: tuple = (payload, now, scenario.package_version, scenario.name)
            if expected_version is not None:
                update += " AND version = ?"
                values = (*values, expected_version)
            if self.backend.run(conn, update, values).rowcount == 0:
                current = self.backend.run(
                    conn, "SELECT version FROM scenarios WHERE name = ?", (scenario.name,)
                ).fetchone()
                if expected_version is not None:
                    raise ConflictError(
                        scenario.name, expected_version, None if current is None else current[0]
                    )
                self.backend.run(
                    conn,  # overwrite of a name that does not exist (yet): create it
                    "INSERT INTO scenarios (name, payload, created, updated, package_version,"
                    " version) VALUES (?, ?, ?, ?, ?, 1)",
                    row,
                )
            return self.backend.run(
                conn, "SELECT version FROM scenarios WHERE name = ?", (scenario.name,)
            ).fetchone()[0]

    def load(self, name: str) -> Loaded:
        """The scenario called ``name`` and its version.

        Raises
        ------
        StoreError
            If there is none, or its stored content is invalid.
        """
        rows = self._read("SELECT payload, version FROM scenarios WHERE name = ?", (name,))
        if not rows:
            raise StoreError(f"Kein Szenario mit dem Namen „{name}“.")
        payload, version = rows[0]
        try:
            scenario = scenario_from_dict(parse_json(payload))
        except ValueError as error:
            raise StoreError(
                f"Das gespeicherte Szenario „{name}“ ist ungültig: {error} Lösung: löschen und "
                "neu anlegen."
            ) from None
        return Loaded(replace(scenario, name=name), version)

    def list(self) -> list[StoredScenario]:
        """All stored scenarios, newest first."""
        rows = self._read(
            "SELECT name, payload, created, updated, package_version, version FROM scenarios "
            "ORDER BY updated DESC, name"
        )
        out = []
        for name, payload, created, updated, package_version, version in rows:
            try:
                data = parse_json(payload)
                added, removed = len(data.get("added") or []), len(data.get("removed") or [])
            except (ValueError, AttributeError, TypeError):  # shown; load() says what is wrong
                added = removed = 0
            out.append(
                StoredScenario(name, created, updated, package_version, added, removed, version)
            )
        return out

    def rename(self, old: str, new: str, expected_version: int | None = None) -> int:
        """Rename a scenario (its stored name changes too); returns the new version.

        Raises
        ------
        StoreError
            Invalid or taken name, or no scenario ``old``.
        ConflictError
            ``expected_version`` is no longer the stored version.
        """
        new = clean_name(new)
        with self._write() as conn:
            row = self.backend.run(
                conn, "SELECT payload, version FROM scenarios WHERE name = ?", (old,)
            ).fetchone()
            if row is None:
                raise StoreError(f"Kein Szenario mit dem Namen „{old}“.")
            if expected_version is not None and row[1] != expected_version:
                raise ConflictError(old, expected_version, row[1])
            try:
                payload = json.dumps({**json.loads(row[0]), "name": new}, ensure_ascii=False)
            except (ValueError, TypeError):
                payload = row[0]  # load() reports the invalid content under the new name
            try:
                self.backend.run(
                    conn,
                    "UPDATE scenarios SET name = ?, payload = ?, updated = ?, "
                    "version = version + 1 WHERE name = ?",
                    (new, payload, _now(), old),
                )
            except self.backend.integrity_errors:
                raise StoreError(
                    f"Ein Szenario „{new}“ gibt es schon. Lösung: anderen Namen wählen."
                ) from None
            return row[1] + 1

    def delete(self, name: str, expected_version: int | None = None) -> None:
        """Delete a scenario (no error if it does not exist).

        Raises
        ------
        ConflictError
            ``expected_version`` is given and the stored version differs.
        """
        with self._write() as conn:
            if expected_version is not None:
                row = self.backend.run(
                    conn, "SELECT version FROM scenarios WHERE name = ?", (name,)
                ).fetchone()
                if row is not None and row[0] != expected_version:
                    raise ConflictError(name, expected_version, row[0])
            self.backend.run(conn, "DELETE FROM scenarios WHERE name = ?", (name,))


def _table_columns(path: Path, table: str) -> list[str]:
    """Columns of ``table`` in the SQLite file ``path`` (empty if none), opened read-only."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=15)
    try:
        return [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]
    finally:
        conn.close()


def _check_sqlite(path: Path) -> None:
    """Raise :class:`_CorruptError` unless the old file ``path`` is a sound SQLite file."""
    conn = sqlite3.connect(path, timeout=15, isolation_level=None)
    try:
        if conn.execute("PRAGMA quick_check").fetchall() != [("ok",)]:
            raise _CorruptError("Integritätsprüfung fehlgeschlagen")
    except sqlite3.DatabaseError as error:
        if _code(error) in _BUSY_CODES:
            raise
        raise _CorruptError(_reason(error)) from None
    finally:
        conn.close()


def _legacy_rows(path: Path) -> list[tuple]:
    """The rows of an old ``szenarien.sqlite`` (layout 1 or 2) with a version (1 if none)."""
    _check_sqlite(path)
    conn = sqlite3.connect(path, timeout=15, isolation_level=None)  # replays its journal
    try:
        tables = {
            name
            for (name,) in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        }
        if not tables <= {"szenarien", "schema_version"}:
            raise _CorruptError(f"unerwartete Tabellen ({', '.join(sorted(tables))[:80]})")
        if "szenarien" not in tables:
            return []
        columns = [row[1] for row in conn.execute("PRAGMA table_info(szenarien)")]
        if columns[: len(_LEGACY_COLUMNS)] != _LEGACY_COLUMNS:
            raise _CorruptError(f"Tabelle szenarien hat die Spalten {', '.join(columns)[:80]}")
        version = "version" if "version" in columns else "1"
        return conn.execute(
            f"SELECT {', '.join(_LEGACY_COLUMNS)}, {version} FROM szenarien ORDER BY name"
        ).fetchall()
    except sqlite3.DatabaseError as error:
        if _code(error) in _BUSY_CODES:
            raise
        raise _CorruptError(_reason(error)) from None
    finally:
        conn.close()


def _free_name(path: Path, stem: str) -> Path:
    """``stem`` (``…beschaedigt-`` gets a UTC time stamp) beside ``path``, not yet taken."""
    if stem.endswith("-"):
        stem = f"{stem}{datetime.now(UTC).strftime('%Y%m%d-%H%M%S')}"
        suffix = ".sqlite"
    else:
        suffix = ""
    target = path.with_name(stem + suffix)
    n = 1
    while target.exists():
        n += 1
        target = path.with_name(f"{stem}-{n}{suffix}")
    return target


def _rename_with_journal(path: Path, target: Path) -> Path:
    for journal in ("", "-wal", "-shm"):  # the journal files belong to the file
        source = Path(f"{path}{journal}")
        if source.exists():
            source.rename(f"{target}{journal}")
    return target


def _code(error: sqlite3.Error) -> int | None:
    code = getattr(error, "sqlite_errorcode", None)
    return None if code is None else code & 0xFF  # extended codes -> primary code


def _reason(error: sqlite3.Error) -> str:
    """German reason for common SQLite failures (the code name otherwise)."""
    reasons = {
        sqlite3.SQLITE_CORRUPT: "Datei beschädigt",
        sqlite3.SQLITE_NOTADB: "keine SQLite-Datenbank",
        sqlite3.SQLITE_READONLY: "nur lesbar",
        sqlite3.SQLITE_FULL: "Datenträger voll",
        sqlite3.SQLITE_CANTOPEN: "Datei lässt sich nicht öffnen",
        sqlite3.SQLITE_IOERR: "Lese-/Schreibfehler",
        sqlite3.SQLITE_PERM: "keine Berechtigung",
    }
    code = _code(error)
    return reasons.get(code, getattr(error, "sqlite_errorname", None) or "SQLite-Fehler")
