"""The SQLite scenario store: round trips, names, and a crash in mid-save."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap

import pytest

from scenarios.model import NewSite, Scenario, stamped
from scenarios.store import STORE_ENV, ScenarioStore, store_dir


def named(name: str, n: int = 1) -> Scenario:
    sites = tuple(NewSite(f"S{i}", 11.6 + i / 1000, 52.1) for i in range(n))
    return stamped(Scenario(added=sites, year=2025), name, "v1")


def test_round_trip_list_rename_delete(tmp_path):
    store = ScenarioStore(tmp_path)
    a = named("A", 2)
    store.save(a)
    store.save(named("B"))
    assert store.load("A") == a
    assert sorted(s.name for s in store.list()) == ["A", "B"]
    assert {s.name: s.added for s in store.list()} == {"A": 2, "B": 1}
    store.rename("A", "C")
    assert store.load("C").name == "C"
    with pytest.raises(ValueError, match="Kein Szenario"):
        store.load("A")
    store.delete("C")
    assert [s.name for s in store.list()] == ["B"]


def test_names_are_unique_unless_overwritten(tmp_path):
    store = ScenarioStore(tmp_path)
    store.save(named("A", 1))
    with pytest.raises(ValueError, match="gibt es schon"):
        store.save(named("A", 3))
    store.save(named("A", 3), overwrite=True)
    assert len(store.load("A").added) == 3
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
                if sql.lstrip().startswith("INSERT"):
                    raise CrashError("Absturz nach dem Schreiben, vor dem Commit")
                return result

        return Wrapper()

    monkeypatch.setattr(store, "_connect", failing_connect)
    with pytest.raises(CrashError):
        store.save(named("A", 5), overwrite=True)
    monkeypatch.undo()
    assert len(store.load("A").added) == 1


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
        conn.execute("INSERT INTO szenarien VALUES ('B', 'halb', '', '', '')")
        os._exit(9)  # crash: no commit, no close
        """
    )
    result = subprocess.run([sys.executable, "-c", script], check=False)
    assert result.returncode == 9
    again = ScenarioStore(tmp_path)
    assert [s.name for s in again.list()] == ["A"]
    assert len(again.load("A").added) == 1
    with sqlite3.connect(again.path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_store_dir_from_environment(tmp_path):
    assert store_dir({STORE_ENV: str(tmp_path)}) == tmp_path.resolve()
    assert store_dir({}).name == "szenarien"
    assert os.path.isabs(store_dir({}))


def test_unnamed_scenario_cannot_be_saved(tmp_path):
    with pytest.raises(ValueError, match="Namen"):
        ScenarioStore(tmp_path).save(Scenario())
