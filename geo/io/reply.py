"""A data-only format for what a sandbox worker sends back (never pickle).

A worker of :mod:`geo.io.sandbox` parses untrusted input, so its reply is built from that
input and must not be able to make the parent run anything. The reply is therefore data
only, decoded without pickle:

* a header (:data:`MAGIC`), the length of a JSON document, the JSON document, then binary
  blocks whose lengths the document lists (the total must match to the byte);
* JSON carries ``None``, ``bool``, ``int``, ``float`` (also NaN and ±inf), ``str`` and lists;
  every other value is an object with a type tag ``"$"``: tuples, dicts (keys of any of
  these types), sets, ``bytes`` (a binary block), dates, NumPy scalars (dtype by name),
  pandas objects and dataclasses;
* a ``pandas.DataFrame`` or ``Series`` is an Arrow IPC stream (index and dtypes in Arrow's
  pandas metadata; ``attrs`` as JSON); a ``GeoDataFrame`` stores its geometry as WKB and
  its CRS as WKT; the stream is validated in full before it is converted (Arrow keeps no
  categories of an empty categorical column; no sandboxed function returns one);
* a dataclass is its class name and its fields; the parent builds it only if the caller
  named that class among the types it expects (:func:`decode`'s ``types``).

Anything else – another header, a wrong length, an unknown tag or class, a damaged Arrow
stream – raises :class:`ReplyFormatError`; the sandbox turns it into its German error.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import json
import math
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["MAGIC", "ReplyFormatError", "decode", "encode"]

#: First bytes of every reply (changes when the format changes).
MAGIC = b"begegnungsatlas-antwort-1\n"
_LENGTH = 8


class ReplyFormatError(ValueError):
    """A reply is not in the data-only format (or names a type the caller did not expect)."""


def encode(value: Any) -> bytes:
    """The reply bytes of ``value`` (see the module description for the supported types).

    Parameters
    ----------
    value : object
        Plain values, containers, pandas objects and dataclasses made of them.

    Returns
    -------
    bytes

    Raises
    ------
    TypeError
        For a value of another type (the worker reports it as a program error).
    """
    blocks: list[bytes] = []
    document = json.dumps(
        {"value": _to_json(value, blocks), "blocks": [len(b) for b in blocks]},
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode("utf-8")
    return b"".join([MAGIC, len(document).to_bytes(_LENGTH, "little"), document, *blocks])


def _to_json(value: Any, blocks: list[bytes]) -> Any:
    if value is None or type(value) in (bool, int, float, str):
        return value
    if type(value) is list:
        return [_to_json(item, blocks) for item in value]
    if isinstance(value, pd.DataFrame | pd.Series):
        return _pandas_to_json(value, blocks)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {
            f.name: _to_json(getattr(value, f.name), blocks)
            for f in dataclasses.fields(value)
            if f.init
        }
        return {"$": "dataclass", "class": type(value).__qualname__, "fields": fields}
    return _other_to_json(value, blocks)


def _other_to_json(value: Any, blocks: list[bytes]) -> Any:
    if type(value) in (tuple, set, frozenset):
        return {"$": type(value).__name__, "items": [_to_json(v, blocks) for v in value]}
    if type(value) is dict:
        pairs = [[_to_json(k, blocks), _to_json(v, blocks)] for k, v in value.items()]
        return {"$": "dict", "items": pairs}
    if type(value) in (bytes, bytearray):
        blocks.append(bytes(value))
        return {"$": type(value).__name__, "block": len(blocks) - 1}
    if type(value) in (dt.date, dt.datetime):
        return {"$": type(value).__name__, "iso": value.isoformat()}
    if isinstance(value, np.generic) and value.dtype.kind in "biuf":
        return {"$": "numpy", "dtype": value.dtype.str, "value": value.item()}
    raise TypeError(f"{type(value).__module__}.{type(value).__qualname__} ist kein Antworttyp")


def _pandas_to_json(value: pd.DataFrame | pd.Series, blocks: list[bytes]) -> dict:
    import pyarrow as pa

    kind = type(value).__name__
    frame = value.to_frame(name="wert") if isinstance(value, pd.Series) else value
    if not all(type(c) is str for c in frame.columns):
        raise TypeError("Spaltennamen einer Antwort müssen Text sein")
    out: dict[str, Any] = {"$": kind, "attrs": _to_json(dict(value.attrs), blocks)}
    if kind == "GeoDataFrame":
        import shapely

        name = value.geometry.name
        out["geometry"] = name
        out["crs"] = value.crs.to_wkt() if value.crs is not None else None
        frame = pd.DataFrame(value).assign(**{name: shapely.to_wkb(value.geometry.to_numpy())})
    elif kind not in ("DataFrame", "Series"):
        raise TypeError(f"{kind} ist kein Antworttyp")
    else:
        out["name"] = _to_json(value.name, blocks) if isinstance(value, pd.Series) else None
    table = pa.Table.from_pandas(frame, preserve_index=None)
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    blocks.append(sink.getvalue().to_pybytes())
    out["block"] = len(blocks) - 1
    return out


def decode(data: bytes, types: Iterable[type] = ()) -> Any:
    """The value of reply bytes made by :func:`encode`, without pickle.

    Parameters
    ----------
    data : bytes
        The reply.
    types : iterable of type
        The dataclasses the caller expects in the reply; no other class is built.

    Returns
    -------
    object

    Raises
    ------
    ReplyFormatError
        If ``data`` is not a reply in this format or holds a class not in ``types``.
    """
    if not data.startswith(MAGIC) or len(data) < len(MAGIC) + _LENGTH:
        raise ReplyFormatError("Die Antwort hat nicht das erwartete Format.")
    start = len(MAGIC) + _LENGTH
    size = int.from_bytes(data[len(MAGIC) : start], "little")
    try:
        document = json.loads(data[start : start + size].decode("utf-8"))
        lengths = document["blocks"]
        if not all(type(n) is int and n >= 0 for n in lengths):
            raise ReplyFormatError("Ungültige Blocklängen.")
        if start + size + sum(lengths) != len(data):
            raise ReplyFormatError("Die Länge der Antwort stimmt nicht.")
        offsets = np.cumsum([start + size, *lengths]).tolist()
        blocks = [data[a:b] for a, b in itertools.pairwise(offsets)]
        return _Decoder(blocks, {t.__qualname__: t for t in types}).value(document["value"])
    except ReplyFormatError:
        raise
    except RecursionError:
        raise ReplyFormatError("Die Antwort ist zu tief verschachtelt.") from None
    except Exception as error:  # any malformed part: never a crash of the parent
        raise ReplyFormatError(f"Die Antwort ist beschädigt ({type(error).__name__}).") from None


@dataclasses.dataclass
class _Decoder:
    blocks: list[bytes]
    classes: dict[str, type]

    def value(self, item: Any) -> Any:
        if item is None or type(item) in (bool, int, float, str):
            return item
        if type(item) is list:
            return [self.value(v) for v in item]
        if type(item) is not dict:
            raise ReplyFormatError("Unbekannter Wert.")
        tag = item["$"]
        if tag in ("tuple", "set", "frozenset"):
            return {"tuple": tuple, "set": set, "frozenset": frozenset}[tag](
                self.value(v) for v in item["items"]
            )
        if tag == "dict":
            return {self.value(k): self.value(v) for k, v in item["items"]}
        if tag in ("DataFrame", "Series", "GeoDataFrame"):
            return self.pandas(tag, item)
        return self.scalar_or_class(tag, item)

    def scalar_or_class(self, tag: str, item: dict) -> Any:
        if tag in ("bytes", "bytearray"):
            raw = self.blocks[item["block"]]
            return raw if tag == "bytes" else bytearray(raw)
        if tag == "date":
            return dt.date.fromisoformat(item["iso"])
        if tag == "datetime":
            return dt.datetime.fromisoformat(item["iso"])
        if tag == "numpy":
            dtype = np.dtype(str(item["dtype"]))
            if dtype.kind not in "biuf":
                raise ReplyFormatError("Unbekannter Zahlentyp.")
            value = item["value"]
            if type(value) not in (bool, int, float) or (
                type(value) is float and dtype.kind != "f" and not math.isfinite(value)
            ):
                raise ReplyFormatError("Ungültige Zahl.")
            return dtype.type(value)
        if tag == "dataclass":
            cls = self.classes.get(item["class"])
            if cls is None:
                raise ReplyFormatError(f"Unerwarteter Typ {str(item['class'])[:80]!r}.")
            return cls(**{str(k): self.value(v) for k, v in item["fields"].items()})
        raise ReplyFormatError(f"Unbekannte Kennung {str(tag)[:40]!r}.")

    def pandas(self, tag: str, item: dict) -> Any:
        import pyarrow as pa

        with pa.ipc.open_stream(self.blocks[item["block"]]) as reader:
            table = reader.read_all()
        table.validate(full=True)
        frame = table.to_pandas()
        if tag == "GeoDataFrame":
            import geopandas as gpd
            import shapely

            name = str(item["geometry"])
            crs = item["crs"]
            frame[name] = shapely.from_wkb(frame[name].to_numpy())
            frame = gpd.GeoDataFrame(
                frame, geometry=name, crs=str(crs) if crs is not None else None
            )
        elif tag == "Series":
            frame = frame["wert"].rename(self.value(item["name"]))
        frame.attrs = self.value(item["attrs"])
        return frame
