"""The scenario store's SQLite file: a crash in mid-save, damaged files set aside, never lost."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from register.store import RegisterStore
from scenarios.model import Assumptions, NewSite, Overlay, Scenario, stamped
from scenarios.store import FILE_NAME, ScenarioStore, StoreError


def named(name: str, n: int = 1) -> Scenario:
    sites = tuple(NewSite(f"S{i}", 11.6 + i / 1000, 52.1) for i in range(n))
    return stamped(
        Scenario(assumptions=Assumptions(year=2025), overlay=Overlay(added=sites)), name, "v1"
    )


def test_the_file_is_the_registers_database(tmp_path):
    store = ScenarioStore(tmp_path)
    assert store.path == tmp_path / FILE_NAME == tmp_path / "begegnungsatlas.sqlite"
    assert store.location == "`begegnungsatlas.sqlite` im Szenario-Ordner"


def test_process_killed_in_mid_save_keeps_the_store_readable(tmp_path):
    store = ScenarioStore(tmp_path)
    store.save(named("A", 1))
    # A second process starts a write transaction and dies without committing.
    script = textwrap.dedent(
        f"""
        import os, sqlite3
        conn = sqlite3.connect({str(store.path)!r})
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("BEGIN")
        conn.execute("UPDATE scenarios SET payload = 'kaputt' WHERE name = 'A'")
        conn.execute("INSERT INTO scenarios VALUES ('B', 'halb', '', '', '', 1)")
        os._exit(9)  # crash: no commit, no close
        """
    )
    result = subprocess.run([sys.executable, "-c", script], check=False)
    assert result.returncode == 9
    again = ScenarioStore(tmp_path)
    assert [s.name for s in again.list()] == ["A"]
    assert len(again.load("A").scenario.overlay.added) == 1
    with sqlite3.connect(again.path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def _write_garbage(path):
    path.write_bytes(b"\x00kein SQLite\xff" * 500)


def _truncate(path):
    store = ScenarioStore(path.parent)
    for i in range(60):  # a few pages
        store.save(named(f"S{i}", 20))
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2 + 100])


def _foreign_table(path):
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE scenarios (name TEXT, inhalt BLOB)")


def _wrong_columns(path):
    ScenarioStore(path.parent)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("DROP TABLE scenarios")
    conn.execute("CREATE TABLE scenarios (name TEXT, inhalt BLOB)")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        (_write_garbage, "keine SQLite-Datenbank"),
        (_truncate, "beschädigt"),
        (_foreign_table, "die Tabelle scenarios hat die Spalten name, inhalt"),
        (_wrong_columns, "die Tabelle scenarios hat die Spalten name, inhalt"),
        (lambda path: path.write_bytes(b""), "die Datei ist leer (0 Byte)"),
    ],
    ids=["garbage", "truncated", "foreign-table", "wrong-columns", "empty"],
)
def test_damaged_store_is_reported_and_left_as_it_is(tmp_path, damage, reason):
    path = tmp_path / FILE_NAME
    damage(path)
    before = path.read_bytes()
    with pytest.raises(StoreError, match="ist beschädigt") as info:
        ScenarioStore(tmp_path)
    message = str(info.value)
    assert reason in message
    assert f"„{FILE_NAME}“ im Szenario-Ordner" in message
    assert "Lösung: Die IT die Datei aus der Sicherung zurückspielen lassen" in message
    assert path.read_bytes() == before  # never changed, moved or replaced
    assert not list(tmp_path.glob("*.defekt-*"))


def test_other_tables_of_the_database_are_kept(tmp_path, synthetic):
    register = RegisterStore(f"sqlite:///{tmp_path / FILE_NAME}")
    meta = {"author": "Frau Berger", "reason": "Dublette", "source": "Liste 2025"}
    register.delete(synthetic, "MGH-1", 0, **meta)
    store = ScenarioStore(tmp_path)
    assert store.notice is None
    store.save(named("A"))
    assert len(register.changes()) == 1


def test_damage_while_running_is_reported_and_nothing_replaced(tmp_path):
    store = ScenarioStore(tmp_path)
    store.save(named("A"))
    for suffix in ("-wal", "-shm"):
        Path(f"{store.path}{suffix}").unlink(missing_ok=True)
    _write_garbage(store.path)
    with pytest.raises(StoreError, match="ist beschädigt: keine SQLite-Datenbank"):
        store.load("A")
    with pytest.raises(StoreError, match="ist beschädigt"):
        store.save(named("B"))
    assert store.path.read_bytes().startswith(b"\x00kein SQLite")


def test_unreachable_postgresql_is_a_german_store_error(tmp_path, monkeypatch):
    monkeypatch.setenv("BEGEGNUNGSATLAS_DB", "postgresql://niemand@127.0.0.1:1/keine")
    with pytest.raises(
        StoreError,
        match=r"Der Datenbankserver \(Server 127\.0\.0\.1:1, "
        r"Datenbank keine\) ist nicht erreichbar: Verbindung abgelehnt",
    ):
        ScenarioStore(tmp_path)
