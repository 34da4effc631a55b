"""JSON from outside (GeoJSON uploads, scenario files and links), bounded before and while parsing.

* :func:`scan` measures the structure in one linear pass *before* parsing: the deepest
  nesting of ``[``/``{`` and the number of object members and values, outside strings
  (escapes are resolved by counting the backslashes before each quote). It works on fixed
  chunks with numpy, so a 20 MB file of escaped quotes or backslashes costs the same as any
  other 20 MB, and ``json.loads`` never recurses deeper than allowed.
* :func:`loads` then parses with the rules every reader shares: no ``NaN``/``Infinity``, no
  number literal longer than :data:`MAX_NUMBER_CHARS` characters (``1e400`` or a 5,000-digit
  integer never reach Python's own, English limits), no key twice in one object (a second
  ``"coordinates"`` must not silently win).

Every refusal is a ``ValueError`` with a German message.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np

from geo.io.safe_text import quoted

#: Longest number literal accepted (characters).
MAX_NUMBER_CHARS = 40
_CHUNK = 1 << 20
_QUOTE, _BACKSLASH, _COLON, _COMMA = ord('"'), ord("\\"), ord(":"), ord(",")
_OPEN = (ord("["), ord("{"))
_CLOSE = (ord("]"), ord("}"))


@dataclass(frozen=True)
class Shape:
    """The structure of a JSON text, measured outside strings.

    Attributes
    ----------
    depth : int
        Deepest nesting of arrays and objects (``{"a": [1]}``: 2).
    members : int
        Object members (``"key": value`` pairs).
    values : int
        Commas, i.e. roughly the number of array elements and members.
    """

    depth: int
    members: int
    values: int


def scan(data: bytes | str) -> Shape:
    """Measure nesting, members and values of a JSON text in linear time and bounded memory.

    Strings are skipped exactly: a quote ends a string unless an odd number of backslashes
    precede it. Text that is not JSON is measured as far as it goes; the parser then says
    where it breaks.
    """
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    depth = max_depth = members = values = 0
    in_string = 0  # 1 inside a string at the chunk start
    backslashes = 0  # run of backslashes that ends the previous chunk
    for start in range(0, len(raw), _CHUNK):
        a = np.frombuffer(raw, dtype=np.uint8, count=min(_CHUNK, len(raw) - start), offset=start)
        index = np.arange(len(a), dtype=np.int64)
        is_backslash = a == _BACKSLASH
        last_other = np.maximum.accumulate(np.where(is_backslash, -1, index))
        before = np.empty_like(last_other)  # last non-backslash before each position
        before[0] = -1
        before[1:] = last_other[:-1]
        run = index - 1 - before  # backslashes directly before each position
        run[before < 0] += backslashes
        quote = (a == _QUOTE) & (run % 2 == 0)
        quotes_before = np.cumsum(quote) - quote
        outside = (quotes_before + in_string) % 2 == 0
        steps = np.zeros(len(a), dtype=np.int32)
        steps[outside & ((a == _OPEN[0]) | (a == _OPEN[1]))] = 1
        steps[outside & ((a == _CLOSE[0]) | (a == _CLOSE[1]))] = -1
        levels = depth + np.cumsum(steps)
        max_depth = max(max_depth, int(levels.max(initial=depth)))
        depth = int(levels[-1])
        members += int(np.count_nonzero(outside & (a == _COLON)))
        values += int(np.count_nonzero(outside & (a == _COMMA)))
        in_string = (in_string + int(quote.sum())) % 2
        backslashes = (
            backslashes + len(a) if last_other[-1] < 0 else len(a) - 1 - int(last_other[-1])
        )
    return Shape(max_depth, members, values)


def check_depth(data: bytes | str, limit: int) -> Shape:
    """:func:`scan`, raising ``ValueError`` when the nesting is deeper than ``limit``."""
    shape = scan(data)
    if shape.depth > limit:
        raise ValueError(
            f"Die Daten sind zu tief verschachtelt (mehr als {limit} Ebenen aus [ und {{)."
        )
    return shape


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} ist keine gültige Zahl; nur endliche Zahlen sind erlaubt.")


def _bounded_int(text: str) -> int:
    if len(text) > MAX_NUMBER_CHARS:
        raise ValueError(f"Eine Zahl hat {len(text)} Ziffern; das ist keine sinnvolle Angabe.")
    return int(text)


def _bounded_float(text: str) -> float:
    if len(text) > MAX_NUMBER_CHARS:
        raise ValueError(f"Eine Zahl hat {len(text)} Zeichen; das ist keine sinnvolle Angabe.")
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise ValueError(f"Die Zahl {text} ist zu groß.")
    return value


def _unique_keys(pairs: list[tuple[str, object]]) -> dict:
    data: dict[str, object] = {}
    for key, value in pairs:
        if key in data:
            raise ValueError(f"Das Feld {quoted(key, 30)} kommt in einem Objekt zweimal vor.")
        data[key] = value
    return data


def loads(text: str, max_depth: int) -> object:
    """Parse untrusted JSON text (its length bounded by the caller) with the shared rules.

    Raises
    ------
    ValueError
        German message: too deep, ``NaN``/``Infinity``, an absurd number, a duplicate key;
        :class:`json.JSONDecodeError` (a ``ValueError`` too) when it is not JSON.
    """
    check_depth(text, max_depth)
    return json.loads(
        text,
        parse_constant=_reject_constant,
        parse_int=_bounded_int,
        parse_float=_bounded_float,
        object_pairs_hook=_unique_keys,
    )
