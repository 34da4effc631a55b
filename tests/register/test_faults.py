"""Database faults named for planners (register.faults), on real SQLite and PostgreSQL errors."""

from __future__ import annotations

import errno
import sqlite3

import pytest

from register.changes import Edit
from register.db import SQLiteBackend
from register.faults import FAULTS, DatabaseFaultError, Where, check_sqlite_file, classify
from register.store import RegisterStore
from scenarios.store import ScenarioStore, StoreError

META = {"author": "Frau Berger", "reason": "fehlt", "source": "Liste 2025"}
WHERE = Where("Datei „x.sqlite“ im Szenario-Ordner")


def test_every_fault_names_where_and_the_fix():
    for kind in FAULTS:
        fault = DatabaseFaultError(kind, WHERE, "Einzelheit")
        assert "„x.sqlite“" in str(fault)
        assert " Lösung: " in str(fault)
        assert fault.kind == kind


def test_a_locked_register_is_named_belegt(tmp_path, monkeypatch, synthetic):
    path = tmp_path / "r.sqlite"
    store = RegisterStore(f"sqlite:///{path}")
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    monkeypatch.setattr(SQLiteBackend, "busy_timeout", 0.2)
    try:
        with pytest.raises(DatabaseFaultError, match="gerade durch einen anderen Vorgang belegt"):
            store.set_expected("Offener Treff", 3, **META)
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    store.set_expected("Offener Treff", 3, **META)  # afterwards it works again


def test_a_full_disk_is_named_voll_and_nothing_is_half_written(tmp_path, monkeypatch, synthetic):
    path = tmp_path / "r.sqlite"
    store = RegisterStore(f"sqlite:///{path}")
    store.set_expected("Offener Treff", 3, **META)
    real_connect = SQLiteBackend.connect

    def tiny(self):
        conn = real_connect(self)
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages}")  # the disk is full now
        return conn

    monkeypatch.setattr(SQLiteBackend, "connect", tiny)
    fields = {"typ": "Treff", "kategorie": "senioren_begegnung", "oeffentlich": "ja",
              "in_betrieb": "ja", "stadtteil": "Nord"}  # fmt: skip
    edits = [
        Edit("", "add", {**fields, "name": f"Neu {i} " + "x" * 400}, 0, **META) for i in range(40)
    ]
    with pytest.raises(DatabaseFaultError, match="ist kein Platz mehr frei") as info:
        store.submit(synthetic, edits)
    assert info.value.kind == "voll"
    monkeypatch.undo()
    assert store.changes() == []  # the transaction was rolled back whole
    assert store.expected()["Offener Treff"].anzahl == 3


@pytest.mark.parametrize(
    ("error", "kind", "detail"),
    [
        (OSError(errno.ENOSPC, "x"), "voll", ""),
        (OSError(errno.EROFS, "x"), "schreibgeschuetzt", "nur lesbar eingebunden"),
        (OSError(errno.ENOTDIR, "x"), "ordner", "ein Teil des Pfads ist eine Datei"),
        (sqlite3.OperationalError("x"), "unbekannt", "SQLite"),
    ],
)
def test_os_and_sqlite_errors(error, kind, detail):
    fault = classify(error, WHERE)
    assert fault.kind == kind
    assert detail in str(fault)


@pytest.mark.parametrize(
    ("name", "kind", "text"),
    [
        ("DiskFull", "voll", "kein Platz mehr frei"),
        ("ReadOnlySqlTransaction", "schreibgeschuetzt", "keine Schreibrechte in der Datenbank"),
        ("InsufficientPrivilege", "schreibgeschuetzt", "keine Schreibrechte"),
        ("LockNotAvailable", "belegt", "belegt"),
        ("DeadlockDetected", "belegt", "belegt"),
        ("DataCorrupted", "beschaedigt", "beschädigte Daten auf dem Server"),
        ("InvalidPassword", "anmeldung", "hat die Anmeldung abgelehnt"),
        ("InvalidCatalogName", "anmeldung", "hat die Anmeldung abgelehnt"),
        ("AdminShutdown", "nicht_erreichbar", "Verbindung vom Server beendet"),
    ],
)
def test_postgresql_errors_by_sqlstate(name, kind, text):
    import psycopg

    error = getattr(psycopg.errors, name)("server text in English")
    fault = classify(error, Where("Server db:5432, Datenbank atlas"))
    assert fault.kind == kind
    assert text in str(fault)
    assert "English" not in str(fault)


@pytest.mark.parametrize(
    ("message", "detail"),
    [
        ("connection failed: Connection refused", "Verbindung abgelehnt"),
        ("connection timeout expired", "Zeitüberschreitung"),
        ("failed to resolve host 'db': Name or service not known", "Servername unbekannt"),
    ],
)
def test_postgresql_connection_failures(message, detail):
    import psycopg

    fault = classify(psycopg.OperationalError(message), Where("Server db:5432, Datenbank atlas"))
    assert fault.kind == "nicht_erreichbar"
    assert detail in str(fault)


def test_real_postgresql_unknown_database_and_outage(postgres_server):
    wrong = postgres_server.rsplit("/", 1)[0] + "/gibtsnicht"
    with pytest.raises(DatabaseFaultError, match="Datenbank gibtsnicht\\) hat die Anmeldung"):
        RegisterStore(wrong)
    with pytest.raises(StoreError, match="ist nicht erreichbar: Verbindung abgelehnt"):
        ScenarioStore(url="postgresql://atlas@127.0.0.1:1/atlas")


def test_check_reads_without_changing_a_byte(tmp_path):
    path = tmp_path / "r.sqlite"
    RegisterStore(f"sqlite:///{path}")
    before = path.read_bytes()
    check_sqlite_file(path)
    assert path.read_bytes() == before


def test_a_new_file_is_created_complete(tmp_path):
    path = tmp_path / "neu" / "r.sqlite"
    conn = SQLiteBackend(path).connect()
    conn.close()
    assert path.read_bytes().startswith(b"SQLite format 3\x00")
    assert sorted(
        p.name for p in path.parent.iterdir() if not p.name.endswith(("-wal", "-shm"))
    ) == ["r.sqlite"]  # no temporary file left
