"""Long-lived objects out of the garbage collector's full pass (ui/heap.py)."""

from __future__ import annotations

import gc
import weakref

import pytest

from ui import heap


class _Node:
    """An object that can sit in a reference cycle and be watched through a weak reference."""

    def __init__(self) -> None:
        self.other: _Node | None = None


@pytest.fixture(autouse=True)
def _thawed():
    heap.freeze_long_lived.clear()
    gc.disable()  # only the collections the tests ask for: no automatic one in between
    yield
    gc.enable()
    heap.freeze_long_lived.clear()
    gc.unfreeze()  # the rest of the test session collects as usual


def _cycle() -> weakref.ref:
    a, b = _Node(), _Node()
    a.other, b.other = b, a
    _cycle.alive = a  # kept alive until the test lets go
    return weakref.ref(a)


def test_objects_alive_at_the_freeze_are_left_out_of_later_collections():
    watched = _cycle()
    heap.freeze_long_lived("v1", "uebersicht")
    assert gc.get_freeze_count() > 0
    del _cycle.alive  # the frozen cycle becomes garbage …
    gc.collect()
    assert watched() is not None  # … which an ordinary collection no longer walks


def test_the_next_freeze_collects_what_the_last_one_kept():
    watched = _cycle()
    heap.freeze_long_lived("v1", "uebersicht")
    del _cycle.alive
    heap.freeze_long_lived("v1", "bevoelkerung")  # a new page: thaw, collect, freeze
    assert watched() is None


def test_a_pair_is_frozen_once():
    heap.freeze_long_lived("v1", "uebersicht")
    watched = _cycle()
    del _cycle.alive
    heap.freeze_long_lived("v1", "uebersicht")  # cached: no second pass
    assert watched() is not None
    gc.collect()  # young garbage is collected as before
    assert watched() is None
