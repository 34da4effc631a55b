"""A small SQLite store for named scenarios.

* Every write is one SQLite transaction (``BEGIN IMMEDIATE``): after a crash in mid-save
  the file holds either the old or the new state, never a half-written scenario.
* Names are unique by the table's PRIMARY KEY: a new scenario is an ``INSERT`` and the
  constraint, not an earlier look-up, decides whether the name is taken. Overwriting is an
  explicit ``UPDATE``.
* Every row carries a ``version``; an update that names the version it was based on is a
  compare-and-set (``UPDATE … WHERE name = ? AND version = ?``), so a second writer gets
  :class:`ConflictError` ("wurde inzwischen geändert") instead of silently overwriting.
* A file that is not a readable store (garbage, truncated, wrong tables) is moved aside
  with a time stamp – never deleted – and a new, empty store is started
  (:attr:`ScenarioStore.notice` says so).
* ``schema_version`` records the layout, so later versions can migrate old files.

The directory is configurable (``BEGEGNUNGSATLAS_SZENARIEN``, default ``data/szenarien`` in
the project).
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple

from register.db import DEFAULT_DIR, STORE_ENV, store_dir
from scenarios.exchange import parse_json
from scenarios.model import Scenario, clean_name, scenario_from_dict

__all__ = ["DEFAULT_DIR", "STORE_ENV", "ConflictError", "Loaded", "ScenarioStore", "store_dir"]

try:  # serialises the check-and-set-aside of a corrupt file between processes (POSIX)
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

FILE_NAME = "szenarien.sqlite"
#: Layout of the file: 1 = the first store (no version column, no schema_version table),
#: 2 = ``version`` per scenario and the ``schema_version`` table.
SCHEMA_VERSION = 2
_COLUMNS_V1 = ["name", "payload", "created", "updated", "package_version"]
_COLUMNS = [*_COLUMNS_V1, "version"]
_CORRUPT_CODES = {sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB}
_BUSY_CODES = {sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED}


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
    """The file is not a usable store (internal)."""


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
    """Named scenarios in one SQLite file.

    Parameters
    ----------
    directory : pathlib.Path
        Folder of the store (created if missing).

    Attributes
    ----------
    path : pathlib.Path
        The SQLite file.
    notice : str or None
        Set when a damaged file was moved aside and a new store started (German text).
    """

    def __init__(self, directory: Path) -> None:
        directory = Path(directory)
        try:
            directory.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise StoreError(
                f"Der Szenario-Ordner {directory} kann nicht angelegt werden "
                f"({_os_reason(error)}). Lösung: {STORE_ENV} auf einen beschreibbaren Ordner "
                "setzen."
            ) from None
        self.path = directory / FILE_NAME
        self.notice: str | None = None
        self._open()

    # -- opening, checking, setting aside ------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        # Autocommit mode: transactions are explicit (BEGIN IMMEDIATE … COMMIT).
        conn = sqlite3.connect(self.path, timeout=15, isolation_level=None)
        conn.execute("PRAGMA synchronous=FULL")
        return conn

    @contextlib.contextmanager
    def _exclusive(self) -> Iterator[None]:
        """Only one process at a time checks, migrates or sets the file aside."""
        if fcntl is None:  # pragma: no cover
            yield
            return
        with open(self.path.with_name(FILE_NAME + ".lock"), "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _open(self) -> None:
        with self._errors(recover=False), self._exclusive():
            try:
                self._prepare()
            except _CorruptError as problem:
                self._set_aside(str(problem))
                self._prepare()

    def _prepare(self) -> None:
        """Check the file and create or migrate the tables (one transaction)."""
        conn = sqlite3.connect(self.path, timeout=15, isolation_level=None)
        try:
            try:  # read-only checks first: a file that is set aside stays byte for byte
                check = conn.execute("PRAGMA quick_check").fetchall()
            except sqlite3.DatabaseError as error:
                if _code(error) in _BUSY_CODES:
                    raise
                raise _CorruptError(_reason(error)) from None
            if check != [("ok",)]:
                raise _CorruptError("Integritätsprüfung fehlgeschlagen")
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute("BEGIN IMMEDIATE")
            try:
                self._migrate(conn)
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("PRAGMA journal_mode=WAL")  # readers never see a half-written save
        finally:
            conn.close()

    def _migrate(self, conn: sqlite3.Connection) -> None:
        tables = {
            name
            for (name,) in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        }
        if not tables:
            conn.execute(
                """CREATE TABLE szenarien (
                    name TEXT PRIMARY KEY,
                    payload TEXT NOT NULL,
                    created TEXT NOT NULL,
                    updated TEXT NOT NULL,
                    package_version TEXT NOT NULL,
                    version INTEGER NOT NULL DEFAULT 1
                )"""
            )
            conn.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
            conn.execute("INSERT INTO schema_version VALUES (?)", (SCHEMA_VERSION,))
            return
        if tables == {"szenarien"}:  # layout 1: add the version column
            self._check_columns(conn, _COLUMNS_V1)
            conn.execute("ALTER TABLE szenarien ADD COLUMN version INTEGER NOT NULL DEFAULT 1")
            conn.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
            conn.execute("INSERT INTO schema_version VALUES (?)", (SCHEMA_VERSION,))
            return
        if tables != {"szenarien", "schema_version"}:
            raise _CorruptError(f"unerwartete Tabellen ({', '.join(sorted(tables))[:80]})")
        rows = conn.execute("SELECT version FROM schema_version").fetchall()
        if len(rows) != 1 or not isinstance(rows[0][0], int):
            raise _CorruptError("Tabelle schema_version ist ungültig")
        version = rows[0][0]
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"Der Szenario-Speicher {self.path.name} hat das Format {version}; diese Version "
                f"der App kennt nur bis {SCHEMA_VERSION}. Lösung: die App aktualisieren oder mit "
                f"{STORE_ENV} einen anderen Ordner wählen."
            )
        if version != SCHEMA_VERSION:
            raise _CorruptError(f"unbekanntes Format {version}")
        self._check_columns(conn, _COLUMNS)

    @staticmethod
    def _check_columns(conn: sqlite3.Connection, expected: list[str]) -> None:
        columns = [row[1] for row in conn.execute("PRAGMA table_info(szenarien)")]
        if columns != expected:
            raise _CorruptError(f"Tabelle szenarien hat die Spalten {', '.join(columns)[:80]}")

    def _set_aside(self, reason: str) -> None:
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        target = self.path.with_name(f"szenarien.beschaedigt-{stamp}.sqlite")
        n = 1
        while target.exists():
            n += 1
            target = self.path.with_name(f"szenarien.beschaedigt-{stamp}-{n}.sqlite")
        for suffix in ("", "-wal", "-shm"):  # the journal files belong to the damaged file
            source = Path(f"{self.path}{suffix}")
            if source.exists():
                source.rename(f"{target}{suffix}")
        self.notice = (
            f"Der Szenario-Speicher war beschädigt ({reason}) und wurde als {target.name} im "
            "Szenario-Ordner beiseitegelegt (nicht gelöscht); ein neuer, leerer Speicher wurde "
            "angelegt. Gespeicherte Szenarien aus der beschädigten Datei fehlen in der Liste; "
            "eine Fachkraft kann sie daraus eventuell retten."
        )

    @contextlib.contextmanager
    def _errors(self, recover: bool = True) -> Iterator[None]:
        """SQLite errors -> German :class:`StoreError`; a damaged file is set aside."""
        try:
            yield
        except sqlite3.Error as error:
            code = _code(error)
            if code in _BUSY_CODES:
                raise StoreError(
                    "Der Szenario-Speicher ist gerade durch einen anderen Vorgang belegt. "
                    "Lösung: in einigen Sekunden noch einmal versuchen."
                ) from None
            if recover and code in _CORRUPT_CODES:
                self._open()  # checks again under the lock, sets aside, starts a new store
                raise StoreError(
                    (self.notice or "Der Szenario-Speicher war kurz nicht lesbar.")
                    + " Die letzte Aktion wurde nicht ausgeführt; bitte wiederholen."
                ) from None
            raise StoreError(
                f"Der Szenario-Speicher {self.path.name} kann nicht gelesen oder geschrieben "
                f"werden ({_reason(error)}). Lösung: Schreibrechte und freien Speicherplatz im "
                f"Ordner prüfen ({STORE_ENV})."
            ) from None
        except OSError as error:
            raise StoreError(
                f"Der Szenario-Speicher {self.path.name} ist nicht zugänglich "
                f"({_os_reason(error)}). Lösung: Schreibrechte im Ordner prüfen ({STORE_ENV})."
            ) from None

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken at its start (no lock upgrade that could fail)."""
        with self._errors():
            conn = self._connect()
            try:
                conn.execute("BEGIN IMMEDIATE")
                try:
                    yield conn
                    conn.execute("COMMIT")
                except BaseException:
                    conn.execute("ROLLBACK")
                    raise
            finally:
                conn.close()

    def _read(self, sql: str, args: tuple = ()) -> list[tuple]:
        with self._errors():
            conn = self._connect()
            try:
                return conn.execute(sql, args).fetchall()
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
                    conn.execute(
                        "INSERT INTO szenarien (name, payload, created, updated, package_version,"
                        " version) VALUES (?, ?, ?, ?, ?, 1)",
                        row,
                    )
                except sqlite3.IntegrityError:
                    raise StoreError(
                        f"Ein Szenario „{scenario.name}“ gibt es schon. Lösung: anderen Namen "
                        "wählen oder Überschreiben bestätigen."
                    ) from None
                return 1
            update = (
                "UPDATE szenarien SET payload = ?, updated = ?, package_version = ?, "
                "version = version + 1 WHERE name = ?"
            )
            values: tuple = (payload, now, scenario.package_version, scenario.name)
            if expected_version is not None:
                update += " AND version = ?"
                values = (*values, expected_version)
            if conn.execute(update, values).rowcount == 0:
                current = conn.execute(
                    "SELECT version FROM szenarien WHERE name = ?", (scenario.name,)
                ).fetchone()
                if expected_version is not None:
                    raise ConflictError(
                        scenario.name, expected_version, None if current is None else current[0]
                    )
                conn.execute(  # overwrite of a name that does not exist (yet): create it
                    "INSERT INTO szenarien (name, payload, created, updated, package_version,"
                    " version) VALUES (?, ?, ?, ?, ?, 1)",
                    row,
                )
            return conn.execute(
                "SELECT version FROM szenarien WHERE name = ?", (scenario.name,)
            ).fetchone()[0]

    def load(self, name: str) -> Loaded:
        """The scenario called ``name`` and its version.

        Raises
        ------
        StoreError
            If there is none, or its stored content is invalid.
        """
        rows = self._read("SELECT payload, version FROM szenarien WHERE name = ?", (name,))
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
            "SELECT name, payload, created, updated, package_version, version FROM szenarien "
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
            row = conn.execute(
                "SELECT payload, version FROM szenarien WHERE name = ?", (old,)
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
                conn.execute(
                    "UPDATE szenarien SET name = ?, payload = ?, updated = ?, "
                    "version = version + 1 WHERE name = ?",
                    (new, payload, _now(), old),
                )
            except sqlite3.IntegrityError:
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
                row = conn.execute(
                    "SELECT version FROM szenarien WHERE name = ?", (name,)
                ).fetchone()
                if row is not None and row[0] != expected_version:
                    raise ConflictError(name, expected_version, row[0])
            conn.execute("DELETE FROM szenarien WHERE name = ?", (name,))


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


def _os_reason(error: OSError) -> str:
    import errno

    reasons = {
        errno.EACCES: "keine Berechtigung",
        errno.EPERM: "keine Berechtigung",
        errno.ENOSPC: "Datenträger voll",
        errno.EROFS: "nur lesbares Dateisystem",
        errno.ENOTDIR: "ein Teil des Pfads ist kein Ordner",
        errno.ENOENT: "nicht gefunden",
    }
    return reasons.get(error.errno, f"Betriebssystemfehler {error.errno}")
