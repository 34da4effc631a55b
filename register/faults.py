"""Database faults named for planners: one classifier for every store of the app.

The register, the scenario store and every later store keep their data in the database of
:mod:`register.db` (a SQLite file, or PostgreSQL). When that database fails, the planner
must learn *what* failed, *where* and *what to do* – not ``sqlite3.OperationalError`` and
not a psycopg text. :func:`classify` turns any error of either backend (and the operating
system's) into a :class:`DatabaseFaultError` of one kind:

========================  ==================================================================
``beschaedigt``           not a database, truncated, empty (0 bytes) or failing its integrity
                          check; the file is left exactly as it is (never replaced)
``schreibgeschuetzt``     the folder or the file may not be written (or the database is
                          read-only / the user lacks the rights)
``voll``                  no space left on the disk
``nicht_erreichbar``      the PostgreSQL server cannot be reached (refused, timeout, name)
``anmeldung``             the PostgreSQL server refused the login
``belegt``                locked by another writer for longer than the wait
``datentraeger``          a read/write error of the disk itself
``ordner``                the folder cannot be created (a file in the way, a name too long)
``unbekannt``             anything else (the code's name is given, no library text)
========================  ==================================================================

Each fault's message names the file (by name, in the folder of ``BEGEGNUNGSATLAS_SZENARIEN``)
or the server (host, port, database – never a password) and ends with ``Lösung: …``. The
texts live in :data:`FAULTS`, one place for every store.
"""

from __future__ import annotations

import errno
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

#: Free bytes below which an I/O error on a write is taken for a full disk.
FULL_BELOW_BYTES = 1024 * 1024


@dataclass(frozen=True)
class Where:
    """Where the data lives, for messages.

    Attributes
    ----------
    text : str
        German phrase naming it: ``die Datei „begegnungsatlas.sqlite“ im Szenario-Ordner``
        or ``der Datenbankserver db.intern:5432 (Datenbank atlas)``.
    path : pathlib.Path or None
        The SQLite file (for checks of its folder), None for a server.
    """

    text: str
    path: Path | None = None


#: Kind → (message, fix); ``{where}`` and ``{detail}`` are filled in.
FAULTS: dict[str, tuple[str, str]] = {
    "beschaedigt": (
        "Die Datenbank ({where}) ist beschädigt: {detail}. Sie wurde nicht verändert und "
        "nicht ersetzt; bis zur Reparatur lässt sich nichts speichern.",
        "Die IT die Datei aus der Sicherung zurückspielen lassen. Wer ohne die darin "
        "gespeicherten Szenarien und Registeränderungen neu beginnen will, benennt die Datei "
        "um (z. B. in begegnungsatlas.sqlite.defekt): dann legt die App eine neue, leere an.",
    ),
    "schreibgeschuetzt": (
        "Die Datenbank ({where}) ist schreibgeschützt: {detail}. Nichts wurde gespeichert.",
        "Schreibrechte für Ordner und Datei geben lassen (IT) oder BEGEGNUNGSATLAS_SZENARIEN "
        "auf einen beschreibbaren Ordner setzen.",
    ),
    "voll": (
        "Auf dem Datenträger der Datenbank ({where}) ist kein Platz mehr frei. Nichts wurde "
        "gespeichert; der bisherige Stand ist unverändert.",
        "Platz auf dem Datenträger schaffen lassen (IT) und die Aktion wiederholen.",
    ),
    "nicht_erreichbar": (
        "Der Datenbankserver ({where}) ist nicht erreichbar: {detail}.",
        "Prüfen (lassen), ob der Server läuft und BEGEGNUNGSATLAS_DB richtig gesetzt ist; "
        "ohne BEGEGNUNGSATLAS_DB arbeitet die App mit einer SQLite-Datei.",
    ),
    "anmeldung": (
        "Der Datenbankserver ({where}) hat die Anmeldung abgelehnt: {detail}.",
        "Benutzer, Passwort und Datenbankname in BEGEGNUNGSATLAS_DB prüfen (IT).",
    ),
    "belegt": (
        "Die Datenbank ({where}) ist gerade durch einen anderen Vorgang belegt. Nichts wurde "
        "gespeichert.",
        "In einigen Sekunden noch einmal versuchen.",
    ),
    "datentraeger": (
        "Beim Lesen oder Schreiben der Datenbank ({where}) ist ein Fehler des Datenträgers "
        "aufgetreten: {detail}. Nichts wurde gespeichert.",
        "Den Datenträger prüfen lassen (IT) und die Aktion wiederholen.",
    ),
    "ordner": (
        "Der Ordner der Datenbank ({where}) kann nicht angelegt werden: {detail}.",
        "BEGEGNUNGSATLAS_SZENARIEN auf einen Ordner setzen, der angelegt werden kann.",
    ),
    "unbekannt": (
        "Die Datenbank ({where}) meldet einen unerwarteten Fehler ({detail}).",
        "Die Aktion wiederholen; bleibt der Fehler, mit dieser Meldung an die IT wenden.",
    ),
}


class DatabaseFaultError(ValueError):
    """A database failure as a German message with the fix.

    Attributes
    ----------
    kind : str
        Key of :data:`FAULTS`.
    message, fix : str
        What happened (naming the file or server) and what to do.
    """

    def __init__(self, kind: str, where: Where, detail: str = "") -> None:
        message, fix = FAULTS[kind]
        self.kind = kind
        self.message = message.format(where=where.text, detail=detail)
        self.fix = fix
        super().__init__(f"{self.message} Lösung: {self.fix}")


def sqlite_where(path: Path) -> Where:
    """The SQLite file, named for planners (file name and folder setting, not the path)."""
    return Where(f"Datei „{path.name}“ im Szenario-Ordner", Path(path))


def server_where(host: str, port: int | None, database: str) -> Where:
    """A PostgreSQL server, named for planners (no user, no password)."""
    address = f"{host}:{port}" if port else host
    return Where(f"Server {address or 'localhost'}, Datenbank {database or '–'}")


_SQLITE_DAMAGED = {sqlite3.SQLITE_CORRUPT: "Inhalt zerstört", sqlite3.SQLITE_NOTADB: "keine SQLite-Datenbank"}  # fmt: skip
_SQLITE_LOCKED = {sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED}
_SQLITE_ACCESS = {
    sqlite3.SQLITE_READONLY,
    sqlite3.SQLITE_CANTOPEN,
    sqlite3.SQLITE_PERM,
    sqlite3.SQLITE_AUTH,
}
_OS_KINDS = {
    errno.ENOSPC: ("voll", ""),
    errno.EDQUOT: ("voll", ""),
    errno.EROFS: ("schreibgeschuetzt", "das Dateisystem ist nur lesbar eingebunden"),
    errno.EACCES: ("schreibgeschuetzt", "keine Berechtigung"),
    errno.EPERM: ("schreibgeschuetzt", "keine Berechtigung"),
    errno.EIO: ("datentraeger", "Ein-/Ausgabefehler"),
    errno.ENOTDIR: ("ordner", "ein Teil des Pfads ist eine Datei, kein Ordner"),
    errno.EEXIST: ("ordner", "an seiner Stelle liegt eine Datei"),
    errno.ENAMETOOLONG: ("ordner", "der Name ist zu lang"),
}


def _access_detail(path: Path | None) -> str | None:
    """Which part may not be written (folder or file), or None if both may."""
    if path is None:
        return None
    folder = path.parent
    if not folder.exists():
        parent = next((p for p in folder.parents if p.exists()), None)
        if parent is not None and not os.access(parent, os.W_OK | os.X_OK):
            return "der Ordner kann nicht angelegt werden (keine Schreibrechte)"
        return None
    if not os.access(folder, os.W_OK | os.X_OK):
        return "in den Ordner darf nicht geschrieben werden"
    for candidate in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        if candidate.exists() and not os.access(candidate, os.W_OK):
            which = "die Datei" if candidate == path else "eine Begleitdatei (-wal/-shm)"
            return f"{which} darf nicht geändert werden"
    return None


def _disk_full(path: Path | None) -> bool:
    if path is None:
        return False
    try:
        info = os.statvfs(next((p for p in (path, *path.parents) if p.exists()), path))
    except OSError:
        return False
    return info.f_bavail * info.f_frsize < FULL_BELOW_BYTES


def classify(error: BaseException, where: Where) -> DatabaseFaultError:
    """The fault an error of SQLite, PostgreSQL (psycopg) or the operating system stands for.

    Parameters
    ----------
    error : BaseException
        ``sqlite3.Error``, ``psycopg.Error`` or ``OSError`` (anything else: ``unbekannt``).
    where : Where
        The file or server concerned.

    Returns
    -------
    DatabaseFaultError
    """
    if isinstance(error, DatabaseFaultError):
        return error
    if isinstance(error, sqlite3.Error):
        return _classify_sqlite(error, where)
    if isinstance(error, OSError):
        kind, detail = _OS_KINDS.get(error.errno or 0, ("datentraeger", f"Fehler {error.errno}"))
        if kind == "schreibgeschuetzt":
            detail = _access_detail(where.path) or detail
        return DatabaseFaultError(kind, where, detail)
    if type(error).__module__.split(".")[0] == "psycopg":
        return _classify_postgres(error, where)
    return DatabaseFaultError("unbekannt", where, type(error).__name__)


def _classify_sqlite(error: sqlite3.Error, where: Where) -> DatabaseFaultError:
    code = getattr(error, "sqlite_errorcode", None)
    primary = None if code is None else code & 0xFF
    name = getattr(error, "sqlite_errorname", None) or "SQLite"
    if primary in _SQLITE_DAMAGED:
        return DatabaseFaultError("beschaedigt", where, _SQLITE_DAMAGED[primary])
    if primary in _SQLITE_LOCKED:
        return DatabaseFaultError("belegt", where)
    if primary == sqlite3.SQLITE_FULL or (
        primary == sqlite3.SQLITE_IOERR and _disk_full(where.path)
    ):
        return DatabaseFaultError("voll", where)
    detail = _access_detail(where.path)
    if primary in _SQLITE_ACCESS or (primary == sqlite3.SQLITE_IOERR and detail):
        if detail is None and primary == sqlite3.SQLITE_CANTOPEN:
            return DatabaseFaultError("datentraeger", where, "die Datei lässt sich nicht öffnen")
        return DatabaseFaultError("schreibgeschuetzt", where, detail or "nur Lesen erlaubt")
    if primary == sqlite3.SQLITE_IOERR:
        return DatabaseFaultError("datentraeger", where, name)
    if code is None and "not a database" in str(error):  # some builds give no code
        return DatabaseFaultError("beschaedigt", where, "keine SQLite-Datenbank")
    return DatabaseFaultError("unbekannt", where, name)


#: SQLSTATE classes and codes of PostgreSQL → kind.
_PG_STATES = {
    "08": "nicht_erreichbar",  # connection exception
    "57P01": "nicht_erreichbar",  # admin shutdown
    "57P02": "nicht_erreichbar",  # crash shutdown
    "57P03": "nicht_erreichbar",  # cannot connect now
    "3D000": "anmeldung",  # database does not exist
    "28": "anmeldung",  # invalid authorization
    "53100": "voll",  # disk full
    "53": "voll",  # insufficient resources (out of memory, too many connections)
    "25006": "schreibgeschuetzt",  # read-only transaction (standby)
    "42501": "schreibgeschuetzt",  # insufficient privilege
    "55P03": "belegt",  # lock not available
    "40P01": "belegt",  # deadlock
    "40001": "belegt",  # serialization failure
    "57014": "belegt",  # statement timeout / cancelled
    "XX001": "beschaedigt",  # data corrupted
    "XX002": "beschaedigt",  # index corrupted
}
_PG_DETAILS = {
    "nicht_erreichbar": "keine Verbindung",
    "anmeldung": "Benutzer, Passwort oder Datenbank unbekannt",
    "schreibgeschuetzt": "keine Schreibrechte in der Datenbank",
    "beschaedigt": "beschädigte Daten auf dem Server",
}


def _classify_postgres(error: BaseException, where: Where) -> DatabaseFaultError:
    state = getattr(error, "sqlstate", None) or ""
    kind = _PG_STATES.get(state) or _PG_STATES.get(state[:2])
    if kind is None:
        text = str(error).lower()
        if "authentication" in text or "password" in text or "does not exist" in text:
            kind = "anmeldung"
        elif type(error).__name__ in ("OperationalError", "InterfaceError"):
            kind = "nicht_erreichbar"
        else:
            return DatabaseFaultError("unbekannt", where, state or type(error).__name__)
    detail = _PG_DETAILS.get(kind, "")
    if kind == "nicht_erreichbar":
        text = str(error).lower()
        if "refused" in text:
            detail = "Verbindung abgelehnt (läuft der Server?)"
        elif "timeout" in text or "timed out" in text:
            detail = "keine Antwort (Zeitüberschreitung)"
        elif "name" in text and ("resolve" in text or "unknown" in text or "translate" in text):
            detail = "Servername unbekannt"
        elif state.startswith("57") or "terminat" in text or "closed" in text:
            detail = "Verbindung vom Server beendet"
    return DatabaseFaultError(kind, where, detail)


#: Magic bytes of a SQLite database file.
SQLITE_HEADER = b"SQLite format 3\x00"


def check_sqlite_file(path: Path) -> None:
    """Raise ``beschaedigt`` unless ``path`` (if it exists) is a sound SQLite database.

    Checks, read-only and without changing a byte: not empty (0 bytes and no journal with
    content), the SQLite header, and ``PRAGMA quick_check``.

    Raises
    ------
    DatabaseFaultError
        ``beschaedigt`` (or another kind if the file cannot even be read).
    """
    where = sqlite_where(path)
    try:
        info = path.stat()
    except FileNotFoundError:
        return
    except OSError as error:
        raise classify(error, where) from None
    wal = Path(f"{path}-wal")
    wal_info = wal.stat() if wal.exists() else None
    state = (info.st_size, info.st_mtime_ns, wal_info and (wal_info.st_size, wal_info.st_mtime_ns))
    if _CHECKED.get(path) == state:
        return  # checked in this process and not changed since
    _check_sqlite_file(path, where, info.st_size, wal_info)
    _CHECKED[path] = state


#: Files found sound in this process, with their size and times then.
_CHECKED: dict[Path, tuple] = {}


def _check_sqlite_file(path: Path, where: Where, size: int, wal_info) -> None:
    if size == 0:
        if wal_info is not None and wal_info.st_size > 0:
            return  # a new WAL database not yet checkpointed: SQLite reads the journal
        raise DatabaseFaultError("beschaedigt", where, "die Datei ist leer (0 Byte)")
    try:
        with path.open("rb") as handle:
            head = handle.read(len(SQLITE_HEADER))
    except OSError as error:
        raise classify(error, where) from None
    if head != SQLITE_HEADER:
        raise DatabaseFaultError("beschaedigt", where, "keine SQLite-Datenbank (Dateikopf fehlt)")
    uri = f"{path.resolve().as_uri()}?mode=ro"
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=15, isolation_level=None)
    except sqlite3.Error as error:
        raise classify(error, where) from None
    try:
        result = conn.execute("PRAGMA quick_check").fetchall()
    except sqlite3.Error as error:
        raise classify(error, where) from None
    finally:
        conn.close()
    if result != [("ok",)]:
        raise DatabaseFaultError("beschaedigt", where, "die Integritätsprüfung ist fehlgeschlagen")
