"""Two processes writing the same store at the same time: nothing is lost (both databases).

Against the store before the version column, both saves of a new name succeeded in every
round (one scenario silently overwritten) and 2 × 200 load-modify-save increments ended at
200 instead of 400.
"""

from __future__ import annotations

import multiprocessing as mp
from dataclasses import replace

import pytest

from scenarios.model import NewSite, Overlay, Scenario, stamped
from scenarios.store import ConflictError, ScenarioStore, StoreError

pytestmark = pytest.mark.usefixtures("backend")
ROUNDS = 200
# fork: the workers are plain functions of this module; no re-import of pytest's __main__.
CTX = mp.get_context("fork")


def _scenario(name: str, who: str, note: str = "") -> Scenario:
    return stamped(
        Scenario(note=note, overlay=Overlay(added=(NewSite(f"von {who}", 11.6, 52.1),))), name, "v"
    )


def _save_new_names(directory, who, barrier, results) -> None:
    store = ScenarioStore(directory)
    outcome = []
    for i in range(ROUNDS):
        scenario = _scenario(f"R{i}", who)
        barrier.wait(timeout=60)  # both processes save the same new name at once
        try:
            store.save(scenario)
            outcome.append("gewonnen")
        except StoreError as error:
            outcome.append(str(error))
    results.put((who, outcome))


def _increment(directory, who, results) -> None:
    store = ScenarioStore(directory)
    conflicts = []
    for _ in range(ROUNDS):
        while True:
            scenario, version = store.load("Zaehler")
            changed = replace(scenario, note=str(int(scenario.note) + 1))
            try:
                store.save(changed, overwrite=True, expected_version=version)
                break
            except ConflictError as error:
                conflicts.append((version, str(error)))
    results.put((who, conflicts))


def _run(target, args_for) -> list:
    results = CTX.Queue()
    workers = [CTX.Process(target=target, args=(*args_for(who), results)) for who in "AB"]
    for worker in workers:
        worker.start()
    out = [results.get(timeout=300) for _ in workers]
    for worker in workers:
        worker.join(60)
        assert worker.exitcode == 0
    return out


def test_same_new_name_from_two_processes_exactly_one_wins(tmp_path):
    ScenarioStore(tmp_path)  # create the file before the race
    barrier = CTX.Barrier(2)
    outcomes = dict(_run(_save_new_names, lambda who: (tmp_path, who, barrier)))
    store = ScenarioStore(tmp_path)
    for i in range(ROUNDS):
        a, b = outcomes["A"][i], outcomes["B"][i]
        assert sorted([a == "gewonnen", b == "gewonnen"]) == [False, True], (i, a, b)
        loser = b if a == "gewonnen" else a
        assert f"Ein Szenario „R{i}“ gibt es schon" in loser
        # The winner's scenario is the one stored, in its first version.
        winner = "A" if a == "gewonnen" else "B"
        loaded = store.load(f"R{i}")
        assert loaded.version == 1
        assert loaded.scenario.overlay.added[0].name == f"von {winner}"
    assert len(store.list()) == ROUNDS


def test_load_modify_save_from_two_processes_loses_no_update(tmp_path):
    store = ScenarioStore(tmp_path)
    store.save(_scenario("Zaehler", "start", note="0"))
    conflicts = dict(_run(_increment, lambda who: (tmp_path, who)))
    for version, message in conflicts["A"] + conflicts["B"]:
        assert f"wurde inzwischen geändert: geladen war Version {version}," in message
    final = store.load("Zaehler")
    assert final.scenario.note == str(2 * ROUNDS)
    # Every successful save bumped the version once.
    assert final.version == 1 + 2 * ROUNDS
    print(f"Konflikte (wiederholt): A {len(conflicts['A'])}, B {len(conflicts['B'])}")
