"""The SQLite scenario store: round trips, names, versions, a crash in mid-save, damaged files."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from scenarios.model import NewSite, Scenario, stamped
from scenarios.store import (
    FILE_NAME,
    SCHEMA_VERSION,
    STORE_ENV,
    ConflictError,
    ScenarioStore,
    StoreError,
    store_dir,
)


def named(name: str, n: int = 1) -> Scenario:
    sites = tuple(NewSite(f"S{i}", 11.6 + i / 1000, 52.1) for i in range(n))
    return stamped(Scenario(added=sites, year=2025), name, "v1")


def test_round_trip_list_rename_delete(tmp_path):
    store = ScenarioStore(tmp_path)
    a = named("A", 2)
    assert store.save(a) == 1
    store.save(named("B"))
    assert store.load("A") == (a, 1)
    assert sorted(s.name for s in store.list()) == ["A", "B"]
    assert {s.name: s.added for s in store.list()} == {"A": 2, "B": 1}
    assert store.rename("A", "C") == 2
    assert store.load("C").scenario.name == "C"
    assert store.load("C").version == 2
    with pytest.raises(ValueError, match="Kein Szenario"):
        store.load("A")
    store.delete("C")
    assert [s.name for s in store.list()] == ["B"]


def test_names_are_unique_unless_overwritten(tmp_path):
    store = ScenarioStore(tmp_path)
    store.save(named("A", 1))
    with pytest.raises(ValueError, match="gibt es schon"):
        store.save(named("A", 3))
    assert store.save(named("A", 3), overwrite=True) == 2
    assert len(store.load("A").scenario.added) == 3
    store.save(named("B"))
    with pytest.raises(ValueError, match="gibt es schon"):
        store.rename("A", "B")


def test_error_inside_the_transaction_leaves_the_old_state(tmp_path, monkeypatch):
    store = ScenarioStore(tmp_path)
    store.save(named("A", 1))

    class CrashError(Exception):
        pass

    real_connect = store._connect

    def failing_connect():
        conn = real_connect()

        class Wrapper:
            def __getattr__(self, item):
                return getattr(conn, item)

            def __enter__(self):
                return conn.__enter__()

            def __exit__(self, *exc):
                return conn.__exit__(*exc)

            def execute(self, sql, *args):
                result = conn.execute(sql, *args)
                if sql.lstrip().startswith(("INSERT", "UPDATE")):
                    raise CrashError("Absturz nach dem Schreiben, vor dem Commit")
                return result

        return Wrapper()

    monkeypatch.setattr(store, "_connect", failing_connect)
    with pytest.raises(CrashError):
        store.save(named("A", 5), overwrite=True)
    monkeypatch.undo()
    assert len(store.load("A").scenario.added) == 1


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
        conn.execute("UPDATE szenarien SET payload = 'kaputt' WHERE name = 'A'")
        conn.execute("INSERT INTO szenarien VALUES ('B', 'halb', '', '', '', 1)")
        os._exit(9)  # crash: no commit, no close
        """
    )
    result = subprocess.run([sys.executable, "-c", script], check=False)
    assert result.returncode == 9
    again = ScenarioStore(tmp_path)
    assert [s.name for s in again.list()] == ["A"]
    assert len(again.load("A").scenario.added) == 1
    with sqlite3.connect(again.path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_store_dir_from_environment(tmp_path):
    assert store_dir({STORE_ENV: str(tmp_path)}) == tmp_path.resolve()
    assert store_dir({}).name == "szenarien"
    assert os.path.isabs(store_dir({}))


def test_unnamed_scenario_cannot_be_saved(tmp_path):
    with pytest.raises(ValueError, match="Namen"):
        ScenarioStore(tmp_path).save(Scenario())


def test_update_with_an_old_version_is_refused_with_both_versions(tmp_path):
    store = ScenarioStore(tmp_path)
    store.save(named("A", 1))
    _, version = store.load("A")
    assert store.save(named("A", 2), overwrite=True, expected_version=version) == 2
    with pytest.raises(ConflictError, match="wurde inzwischen geändert") as info:
        store.save(named("A", 3), overwrite=True, expected_version=version)
    assert "geladen war Version 1, gespeichert ist jetzt Version 2" in str(info.value)
    assert (info.value.expected, info.value.current) == (1, 2)
    assert len(store.load("A").scenario.added) == 2  # nothing overwritten
    store.delete("A")
    with pytest.raises(ConflictError, match="inzwischen gelöscht"):
        store.save(named("A", 3), overwrite=True, expected_version=2)
    assert store.list() == []


def test_rename_and_delete_check_the_version(tmp_path):
    store = ScenarioStore(tmp_path)
    store.save(named("A"))
    store.save(named("A", 2), overwrite=True)
    with pytest.raises(ConflictError, match="Version 1, gespeichert ist jetzt Version 2"):
        store.rename("A", "B", expected_version=1)
    with pytest.raises(ConflictError):
        store.delete("A", expected_version=1)
    assert store.rename("A", "  B  ", expected_version=2) == 3
    assert [s.name for s in store.list()] == ["B"]
    with pytest.raises(ValueError, match="Steuerzeichen"):
        store.rename("B", "C\x00")
    with pytest.raises(StoreError, match="Kein Szenario"):
        store.rename("A", "D")


def test_invalid_scenario_is_not_stored(tmp_path):
    store = ScenarioStore(tmp_path)
    too_many = Scenario(name="X", added=tuple(NewSite("S", 11.6, 52.1) for _ in range(30)))
    with pytest.raises(StoreError, match="kann nicht gespeichert werden: added hat 30"):
        store.save(too_many)
    assert store.list() == []


def test_invalid_payload_is_reported_on_load(tmp_path):
    store = ScenarioStore(tmp_path)
    store.save(named("A"))
    with sqlite3.connect(store.path) as conn:
        conn.execute("""UPDATE szenarien SET payload = '{"params": "x"}'""")
    assert [s.name for s in store.list()] == ["A"]
    with pytest.raises(StoreError, match="„A“ ist ungültig: params muss ein Objekt"):
        store.load("A")


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


def _wrong_schema(path):
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE personen (id INTEGER, name TEXT)")


def _wrong_columns(path):
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE szenarien (name TEXT, inhalt BLOB)")


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        (_write_garbage, "keine SQLite-Datenbank"),
        (_truncate, "beschädigt"),
        (_wrong_schema, "unerwartete Tabellen"),
        (_wrong_columns, "Tabelle szenarien hat die Spalten name, inhalt"),
    ],
)
def test_damaged_store_is_set_aside_and_a_new_one_started(tmp_path, damage, reason):
    path = tmp_path / FILE_NAME
    damage(path)
    before = path.read_bytes()
    store = ScenarioStore(tmp_path)
    assert store.notice is not None
    assert reason in store.notice
    assert "beiseitegelegt (nicht gelöscht)" in store.notice
    aside = sorted(tmp_path.glob("szenarien.beschaedigt-*.sqlite"))
    assert len(aside) == 1
    assert aside[0].name in store.notice
    assert aside[0].read_bytes() == before  # moved, never changed or deleted
    assert store.list() == []
    store.save(named("Neu"))
    assert ScenarioStore(tmp_path).notice is None  # the new store is healthy


def test_damage_while_running_is_reported_and_set_aside(tmp_path):
    store = ScenarioStore(tmp_path)
    store.save(named("A"))
    for suffix in ("-wal", "-shm"):
        Path(f"{store.path}{suffix}").unlink(missing_ok=True)
    _write_garbage(store.path)
    with pytest.raises(StoreError, match=r"beschädigt .* bitte wiederholen"):
        store.load("A")
    assert len(list(tmp_path.glob("szenarien.beschaedigt-*.sqlite"))) == 1
    store.save(named("B"))  # the handle keeps working on the new store
    assert [s.name for s in store.list()] == ["B"]


def test_store_of_a_newer_app_is_not_touched(tmp_path):
    store = ScenarioStore(tmp_path)
    with sqlite3.connect(store.path) as conn:
        conn.execute("UPDATE schema_version SET version = 99")
    with pytest.raises(StoreError, match="Format 99; diese Version der App kennt nur bis 2"):
        ScenarioStore(tmp_path)
    assert not list(tmp_path.glob("szenarien.beschaedigt-*"))


def test_first_layout_is_migrated_with_its_scenarios(tmp_path):
    payload = json.dumps(named("Alt", 2).to_dict(), ensure_ascii=False)
    with sqlite3.connect(tmp_path / FILE_NAME) as conn:
        conn.execute(
            "CREATE TABLE szenarien (name TEXT PRIMARY KEY, payload TEXT NOT NULL, created TEXT "
            "NOT NULL, updated TEXT NOT NULL, package_version TEXT NOT NULL)"
        )
        conn.execute("INSERT INTO szenarien VALUES ('Alt', ?, 't', 't', 'v1')", (payload,))
    store = ScenarioStore(tmp_path)
    assert store.notice is None
    assert store.load("Alt").version == 1
    assert len(store.load("Alt").scenario.added) == 2
    with sqlite3.connect(store.path) as conn:
        assert conn.execute("SELECT version FROM schema_version").fetchall() == [(SCHEMA_VERSION,)]


def test_unwritable_folder_gives_a_german_message(tmp_path):
    blocker = tmp_path / "datei"
    blocker.write_text("kein Ordner")
    with pytest.raises(StoreError, match="kann nicht angelegt werden"):
        ScenarioStore(blocker / "szenarien")
