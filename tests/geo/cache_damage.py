"""Ways an on-disk cache entry can be damaged (shared by the package and timetable caches)."""

from __future__ import annotations

import pickle
from collections.abc import Callable
from pathlib import Path

import pytest


def _replace_body(body: bytes) -> Callable[[Path], None]:
    """Keep the entry's header line (format and key), replace what follows."""
    return lambda p: p.write_bytes(p.read_bytes().split(b"\n", 1)[0] + b"\n" + body)


def damaged_entries(foreign: object) -> pytest.MarkDecorator:
    """Parametrize ``damage`` over five damages; ``foreign`` is a well-pickled wrong object."""
    return pytest.mark.parametrize(
        "damage",
        [
            lambda p: p.write_bytes(b""),
            lambda p: p.write_bytes(b"\x00\xff" * 100),
            lambda p: p.write_bytes(p.read_bytes()[: p.stat().st_size // 2]),
            _replace_body(b"kaputt"),
            _replace_body(pickle.dumps(foreign)),
        ],
        ids=["leer", "muell", "abgeschnitten", "kein-pickle", "fremdes-objekt"],
    )
