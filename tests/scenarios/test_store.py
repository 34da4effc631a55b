"""The scenario store on SQLite and PostgreSQL: round trips, names, versions, transactions.

File-level behaviour of SQLite (damaged files, a crash in mid-save, the old store file) is in
``test_store_sqlite.py``.
"""

from __future__ import annotations

import os

import pytest

from scenarios.model import Assumptions, NewSite, Overlay, Scenario, stamped
from scenarios.store import (
    STORE_ENV,
    ConflictError,
    ScenarioStore,
    StoreError,
    store_dir,
)

pytestmark = pytest.mark.usefixtures("backend")


def named(name: str, n: int = 1) -> Scenario:
    sites = tuple(NewSite(f"S{i}", 11.6 + i / 1000, 52.1) for i in range(n))
    return stamped(
        Scenario(assumptions=Assumptions(year=2025), overlay=Overlay(added=sites)), name, "v1"
    )


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
    assert len(store.load("A").scenario.overlay.added) == 3
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
    assert len(store.load("A").scenario.overlay.added) == 1


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
    assert len(store.load("A").scenario.overlay.added) == 2  # nothing overwritten
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
    too_many = Scenario(
        name="X", overlay=Overlay(added=tuple(NewSite("S", 11.6, 52.1) for _ in range(30)))
    )
    with pytest.raises(StoreError, match="kann nicht gespeichert werden: added hat 30"):
        store.save(too_many)
    assert store.list() == []


def execute(store: ScenarioStore, sql: str, params: tuple = ()) -> None:
    """Change the database behind the store's back (as another program would)."""
    conn = store._connect()
    try:
        with store.backend.transaction(conn):
            store.backend.run(conn, sql, params)
    finally:
        conn.close()


def test_invalid_payload_is_reported_on_load(tmp_path):
    store = ScenarioStore(tmp_path)
    store.save(named("A"))
    execute(store, "UPDATE scenarios SET payload = ?", ('{"params": "x"}',))
    assert [s.name for s in store.list()] == ["A"]
    with pytest.raises(StoreError, match="„A“ ist ungültig: params muss ein Objekt"):
        store.load("A")


def test_store_of_a_newer_app_is_not_touched(tmp_path):
    store = ScenarioStore(tmp_path)
    store.save(named("A"))
    execute(store, "UPDATE schema_version SET version = 99 WHERE component = 'scenarios'")
    with pytest.raises(StoreError, match="Format 99; diese Version der App kennt nur bis 1"):
        ScenarioStore(tmp_path)
    assert not list(tmp_path.glob("*.defekt-*"))
    execute(store, "UPDATE schema_version SET version = 1 WHERE component = 'scenarios'")
    assert ScenarioStore(tmp_path).load("A").version == 1  # left untouched


def test_shares_the_database_with_the_register(tmp_path, synthetic):
    from register.store import RegisterStore

    store = ScenarioStore(tmp_path)
    store.save(named("A"))
    register = RegisterStore(store.url)
    meta = {"author": "Frau Berger", "reason": "Dublette", "source": "Liste 2025"}
    register.delete(synthetic, "MGH-1", 0, **meta)
    assert register.schema_version() == 1
    assert ScenarioStore(tmp_path).load("A").version == 1
    assert len(register.changes()) == 1


def test_unwritable_folder_gives_a_german_message(tmp_path):
    blocker = tmp_path / "datei"
    blocker.write_text("kein Ordner")
    with pytest.raises(
        StoreError, match="kann nicht angelegt werden: ein Teil des Pfads ist eine Datei"
    ):
        ScenarioStore(blocker / "szenarien")
