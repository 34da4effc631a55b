"""The old store of its own (``szenarien.sqlite``) is taken over once, on both databases."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace

import pytest

from scenarios.model import Assumptions, NewSite, Overlay, Scenario, stamped
from scenarios.store import LEGACY_FILE_NAME, ScenarioStore

pytestmark = pytest.mark.usefixtures("backend")


def named(name: str, n: int = 1) -> Scenario:
    sites = tuple(NewSite(f"S{i}", 11.6 + i / 1000, 52.1) for i in range(n))
    scenario = Scenario(assumptions=Assumptions(year=2025), overlay=Overlay(added=sites))
    # A fixed time: the same scenario must give the same payload however slow the test runs.
    return replace(stamped(scenario, name, "v1"), created="2025-01-01T00:00:00+00:00")


def payload(name: str, n: int = 1) -> str:
    return json.dumps(named(name, n).to_dict(), ensure_ascii=False)


def old_store(folder, rows, *, layout: int = 2, wal: bool = False) -> None:
    """An old ``szenarien.sqlite`` as the earlier app left it (layout 1 or 2)."""
    conn = sqlite3.connect(folder / LEGACY_FILE_NAME, isolation_level=None)
    if wal:
        conn.execute("PRAGMA journal_mode=WAL")
    version = ", version INTEGER NOT NULL DEFAULT 1" if layout == 2 else ""
    conn.execute(
        "CREATE TABLE szenarien (name TEXT PRIMARY KEY, payload TEXT NOT NULL, created TEXT "
        f"NOT NULL, updated TEXT NOT NULL, package_version TEXT NOT NULL{version})"
    )
    if layout == 2:
        conn.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
        conn.execute("INSERT INTO schema_version VALUES (2)")
    for row in rows:
        marks = ", ".join("?" * len(row))
        conn.execute(f"INSERT INTO szenarien VALUES ({marks})", row)
    if wal:  # leave the rows in the journal, as a running app would
        return
    conn.close()


def test_second_layout_is_taken_over_with_versions(tmp_path):
    old_store(
        tmp_path,
        [
            ("Alt", payload("Alt", 2), "2025-01-01", "2025-02-01", "v0", 4),
            ("B", payload("B"), "t", "t", "v0", 1),
        ],
    )
    store = ScenarioStore(tmp_path)
    assert store.notice is None
    assert store.load("Alt").version == 4  # a loaded version stays valid
    assert len(store.load("Alt").scenario.overlay.added) == 2
    listed = {s.name: s for s in store.list()}
    assert set(listed) == {"Alt", "B"}
    assert (listed["Alt"].created, listed["Alt"].updated, listed["Alt"].package_version) == (
        "2025-01-01",
        "2025-02-01",
        "v0",
    )
    assert not (tmp_path / LEGACY_FILE_NAME).exists()
    assert (tmp_path / f"{LEGACY_FILE_NAME}.migriert").is_file()  # kept, renamed
    assert store.save(named("Alt", 3), overwrite=True, expected_version=4) == 5


def test_first_layout_and_rows_in_the_journal_are_taken_over(tmp_path):
    old_store(tmp_path, [("Alt", payload("Alt", 2), "t", "t", "v1")], layout=1, wal=True)
    store = ScenarioStore(tmp_path)
    assert store.load("Alt").version == 1
    assert len(store.load("Alt").scenario.overlay.added) == 2


def test_taken_over_once_only(tmp_path):
    old_store(tmp_path, [("Alt", payload("Alt"), "t", "t", "v1", 1)])
    ScenarioStore(tmp_path).delete("Alt")
    assert ScenarioStore(tmp_path).list() == []  # the renamed file is not read again


def test_names_that_exist_keep_both_and_say_so(tmp_path):
    ScenarioStore(tmp_path).save(named("Plan", 1))
    ScenarioStore(tmp_path).save(named("Gleich", 1))
    old_store(
        tmp_path,
        [
            ("Plan", payload("Plan", 3), "t", "t", "v1", 2),
            ("Gleich", payload("Gleich", 1), "t", "t", "v1", 1),
        ],
    )
    store = ScenarioStore(tmp_path)
    assert sorted(s.name for s in store.list()) == ["Gleich", "Plan", "Plan (übernommen)"]
    assert len(store.load("Plan").scenario.overlay.added) == 1
    assert len(store.load("Plan (übernommen)").scenario.overlay.added) == 3
    assert store.notice is not None
    assert "„Plan“ → „Plan (übernommen)“" in store.notice


def test_interrupted_take_over_is_not_doubled(tmp_path, monkeypatch):
    old_store(tmp_path, [("Alt", payload("Alt"), "t", "t", "v1", 1)])
    import scenarios.store as module

    def crash(path, target):
        raise OSError("Absturz vor dem Umbenennen")

    monkeypatch.setattr(module, "_rename_with_journal", crash)
    with pytest.raises(module.StoreError):
        ScenarioStore(tmp_path)
    monkeypatch.undo()
    store = ScenarioStore(tmp_path)
    assert [s.name for s in store.list()] == ["Alt"]
    assert store.notice is None


def test_damaged_old_file_is_set_aside_with_a_notice(tmp_path):
    (tmp_path / LEGACY_FILE_NAME).write_bytes(b"\x00" * 4096)
    store = ScenarioStore(tmp_path)
    assert store.notice.startswith("Der alte Szenario-Speicher szenarien.sqlite war beschädigt")
    assert len(list(tmp_path.glob("szenarien.beschaedigt-*.sqlite"))) == 1
    assert store.list() == []
    assert ScenarioStore(tmp_path).notice is None
