"""The shared bounded JSON reading (geo.io.untrusted_json): linear scan and parse rules."""

from __future__ import annotations

import json
import re
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import geo.io.untrusted_json as uj
from geo.io.untrusted_json import Shape, check_depth, loads, scan

TEXT = st.text(alphabet=st.sampled_from(list('ab"\\{}[],: \n\u00e4\u202e')), max_size=12)
VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**6), 10**6) | TEXT,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(TEXT, children, max_size=4),
    max_leaves=25,
)


def _measure(value) -> tuple[int, int]:
    """Depth and members of a Python value (the truth the scan must find in its JSON)."""
    if isinstance(value, list):
        inner = [_measure(v) for v in value]
        return 1 + max((d for d, _ in inner), default=0), sum(m for _, m in inner)
    if isinstance(value, dict):
        inner = [_measure(v) for v in value.values()]
        return 1 + max((d for d, _ in inner), default=0), len(value) + sum(m for _, m in inner)
    return 0, 0


@settings(max_examples=300)
@given(VALUES, st.sampled_from([1, 2, 3, 7, 1 << 20]))
def test_scan_measures_any_json_exactly_across_chunk_boundaries(value, chunk):
    text = json.dumps(value, ensure_ascii=False)
    saved, uj._CHUNK = uj._CHUNK, chunk  # small chunks: escapes across chunk borders
    try:
        shape = scan(text)
    finally:
        uj._CHUNK = saved
    depth, members = _measure(value)
    assert (shape.depth, shape.members) == (depth, members)


@pytest.mark.parametrize(
    ("data", "shape"),
    [
        (b'{"a": [1, 2, {"b": "[[{"}]}', Shape(3, 2, 2)),
        (b'{"a": "\\"[\\\\", "b": []}', Shape(2, 2, 1)),
        (b'["\\\\\\"]"]', Shape(1, 0, 0)),
        (b"", Shape(0, 0, 0)),
    ],
)
def test_scan_examples(data, shape):
    assert scan(data) == shape


@pytest.mark.parametrize(
    "data",
    [
        b'{"a":"' + b'\\"' * (10 * 1024 * 1024),  # escaped quotes, never closed
        b'{"a":"' + b"\\\\" * (10 * 1024 * 1024),  # backslashes
        b'"\\' * (10 * 1024 * 1024),
        b"[" * (20 * 1024 * 1024),
    ],
    ids=["escaped-quotes", "backslashes", "quote-backslash", "brackets"],
)
def test_scan_is_linear_on_20_mb(data):
    start = time.process_time()
    scan(data)
    # Generous: about 0.5 s on a busy 2-core machine; the quadratic regex needed minutes.
    assert time.process_time() - start < 10


def test_depth_limit_message():
    check_depth("[[{}]]", 3)
    with pytest.raises(ValueError, match=r"zu tief verschachtelt \(mehr als 2 Ebenen"):
        check_depth("[[{}]]", 2)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"a": 1, "a": 2}', "Das Feld „a“ kommt in einem Objekt zweimal vor"),
        ('{"\\u001b[2J": 1, "\\u001b[2J": 2}', "Das Feld „\\u001b[2J“ kommt"),
        ("[NaN]", "NaN ist keine gültige Zahl"),
        ("[1e400]", "Die Zahl 1e400 ist zu groß"),
        ("[" + "1" * 5000 + "]", "Eine Zahl hat 5000 Ziffern"),
        ("[" + "1" * 41 + ".5]", "Eine Zahl hat 43 Zeichen"),
    ],
)
def test_parse_rules(text, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        loads(text, 12)


def test_valid_json_parses():
    assert loads('{"a": [1, 2.5, "x"], "b": null}', 12) == {"a": [1, 2.5, "x"], "b": None}
