"""Scenario exchange: JSON and GeoJSON files, and compact URL parameters.

Files and links come from outside and are untrusted. They are bounded before they are
parsed (bytes, characters, nesting depth, digits of a number), parsed without NaN or
Infinity, and validated field by field (:func:`scenarios.model.scenario_from_dict`).
:func:`read_file` and :func:`read_link` additionally run all of that in a worker process
with memory and time limits (:mod:`geo.io.sandbox`), so a crafted input cannot exhaust or hang
the server.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import zlib

from geo.analysis.access_adapter import SiteSelection
from geo.analysis.access_kernel import WalkParams
from geo.analysis.transit import TransitParams
from geo.io import untrusted_json
from geo.io.sandbox import Limits, run_limited
from indicators.format import format_number
from scenarios.model import (
    MAX_ADDED,
    SCHEMA,
    Assumptions,
    NewCrossing,
    NewSite,
    Overlay,
    Scenario,
    printable,
    scenario_from_dict,
)

#: Largest accepted scenario file (bytes) and largest JSON text inside a link (bytes).
MAX_FILE_BYTES = 512_000
#: Longest ``?szenario=`` value we write or read (characters). The app server (uvicorn/h11)
#: rejects a request whose request line and headers exceed 16 KiB with a bare HTTP 400
#: before the app runs; common reverse proxies stop at 8 KiB (nginx, Apache). 6,000
#: characters leave room for the address, the browser's headers and cookies.
MAX_URL_CHARS = 6_000
#: Deepest nesting of ``[``/``{`` accepted (a scenario needs 5, a GeoJSON export 6).
MAX_DEPTH = 12
#: Longest number literal (characters).
MAX_NUMBER_CHARS = untrusted_json.MAX_NUMBER_CHARS
#: Limits of the worker that parses an imported file or a link.
LIMITS = Limits(memory_mb=256, cpu_seconds=5, wall_seconds=8.0, max_output_bytes=4_000_000)
#: The classes a scenario read in the worker is made of (its data-only reply builds no other).
REPLY_TYPES = (
    Scenario,
    Assumptions,
    Overlay,
    NewSite,
    NewCrossing,
    WalkParams,
    SiteSelection,
    TransitParams,
)


LINK_LABEL = "Szenario-Link (?szenario=…)"
LINK_FIX = (
    "Lösung: den Link in der App neu erzeugen (Standortsimulation oder Szenarien → Link) oder "
    "das Szenario als JSON-Datei austauschen."
)
FILE_FIX = (
    "Lösung: die Datei in der App neu exportieren (Szenarien → JSON oder GeoJSON) oder die "
    "genannte Stelle korrigieren."
)
_BASE64URL = re.compile(r"[A-Za-z0-9_-]*={0,2}")


_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def file_stem(name: str, default: str = "szenario") -> str:
    """A scenario name as part of a file name: ``"Neue Mitte/Süd"`` → ``"neue-mitte-sued"``.

    Parameters
    ----------
    name : str
        Any text (the scenario's name).
    default : str
        Used when nothing of ``name`` is left.

    Returns
    -------
    str
        Lower-case ASCII letters, digits and hyphens, at most 40 characters.
    """
    text = re.sub(r"[^a-z0-9]+", "-", name.lower().translate(_UMLAUTS)).strip("-")
    return text[:40].strip("-") or default


def to_json(scenario: Scenario) -> str:
    """The scenario as pretty JSON."""
    return json.dumps(scenario.to_dict(), ensure_ascii=False, indent=2)


def to_geojson(scenario: Scenario) -> str:
    """New places as GeoJSON points; the whole scenario rides along in ``szenario``.

    QGIS reads the points; :func:`from_file` restores the complete scenario.
    """
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [site.lon, site.lat]},
            "properties": {"name": site.name, "herkunft": site.source, "ref": site.ref},
        }
        for site in scenario.overlay.added
    ]
    collection = {
        "type": "FeatureCollection",
        "name": scenario.name or "Szenario",
        "features": features,
        "szenario": scenario.to_dict(),
    }
    return json.dumps(collection, ensure_ascii=False, indent=2)


# ----------------------------------------------------------------------------------------
# Bounded JSON
# ----------------------------------------------------------------------------------------


def check_depth(text: str, limit: int = MAX_DEPTH) -> None:
    """Raise if ``[``/``{`` nest deeper than ``limit`` (outside strings), before parsing.

    The linear scan of :func:`geo.io.untrusted_json.scan`, so ``json.loads`` never recurses far
    enough for a RecursionError.
    """
    untrusted_json.check_depth(text, limit)


def parse_json(text: str, max_depth: int = MAX_DEPTH) -> object:
    """Parse untrusted JSON text with bounded nesting and numbers.

    Parameters
    ----------
    text : str
        JSON text (its length is bounded by the caller).
    max_depth : int
        Deepest nesting of arrays and objects.

    Returns
    -------
    object
        The parsed value.

    Raises
    ------
    ValueError
        German message: too deep, NaN/Infinity, an absurd number, a duplicate key or
        not JSON (with line and column).
    """
    try:
        return untrusted_json.loads(text, max_depth)
    except json.JSONDecodeError as error:
        raise ValueError(
            f"Kein gültiges JSON (Zeile {error.lineno}, Spalte {error.colno})."
        ) from None


# ----------------------------------------------------------------------------------------
# Files
# ----------------------------------------------------------------------------------------


def from_file(content: bytes, filename: str = "") -> Scenario:
    """Read a scenario from an exported JSON or GeoJSON file (in this process).

    A GeoJSON without the ``szenario`` member (e.g. points drawn in QGIS) becomes a scenario
    with those points as new places and default parameters. Use :func:`read_file` for
    uploads: it runs this in a limited worker.

    Parameters
    ----------
    content : bytes
        File content.
    filename : str
        Name for messages.

    Returns
    -------
    Scenario

    Raises
    ------
    ValueError
        German message naming the file, the field and the fix.
    """
    label = f"Szenario-Datei „{filename}“" if filename else "Szenario-Datei"
    if len(content) > MAX_FILE_BYTES:
        raise ValueError(
            f"{label}: Die Datei ist zu groß ({format_number(len(content) / 1000)} kB, höchstens "
            f"{format_number(MAX_FILE_BYTES / 1000)} kB). Lösung: nur das Szenario exportieren, "
            "ohne weitere Daten."
        )
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValueError(
            f"{label}: Die Datei ist nicht UTF-8-kodiert. Lösung: als UTF-8 speichern oder "
            "in der App neu exportieren."
        ) from None
    try:
        data = parse_json(text)
        if isinstance(data, dict) and "type" in data:
            return _from_geojson(data)
        return scenario_from_dict(data)
    except ValueError as error:
        raise ValueError(f"{label}: {error} {FILE_FIX}") from None


def _from_geojson(data: dict) -> Scenario:
    if data.get("type") != "FeatureCollection":
        raise ValueError(
            f"GeoJSON vom Typ „{printable(str(data.get('type')))}“ wird nicht unterstützt; erwartet "
            "wird eine FeatureCollection mit Punkten."
        )
    if "szenario" in data:
        if not isinstance(data["szenario"], dict):
            raise ValueError("szenario muss ein Objekt {…} sein (das Szenario des Exports).")
        return scenario_from_dict(data["szenario"])
    return scenario_from_dict({"schema": SCHEMA, "added": _points(data)})


def _points(collection: dict) -> list[dict]:
    features = collection.get("features")
    if not isinstance(features, list):
        raise ValueError("Die GeoJSON-Datei hat keine Liste „features“.")
    if len(features) > MAX_ADDED:
        raise ValueError(
            f"features hat {len(features)} Objekte; höchstens {MAX_ADDED} Standorte je Szenario."
        )
    points = []
    for i, feature in enumerate(features):
        field = f"features[{i}] (Objekt {i + 1})"
        geometry = feature.get("geometry") if isinstance(feature, dict) else None
        coords = geometry.get("coordinates") if isinstance(geometry, dict) else None
        if (
            not isinstance(geometry, dict)
            or geometry.get("type") != "Point"
            or not isinstance(coords, list)
            or len(coords) not in (2, 3)
        ):
            raise ValueError(
                f"{field}: nur Punkte (Point) mit Längen- und Breitengrad sind möglich."
            )
        lon, lat = coords[0], coords[1]
        if (
            isinstance(lon, int | float)
            and isinstance(lat, int | float)
            and not (-180 <= lon <= 180 and -90 <= lat <= 90)
        ):
            raise ValueError(
                f"{field}: Koordinaten ({lon}, {lat}) sind keine Längen-/Breitengrade – die "
                "Datei ist wohl nicht in WGS84. In QGIS mit KBS EPSG:4326 exportieren."
            )
        props = feature.get("properties")
        if props is not None and not isinstance(props, dict):
            raise ValueError(f"{field}.properties muss ein Objekt sein.")
        name = (props or {}).get("name")
        points.append(
            {
                "name": name if isinstance(name, str) and name.strip() else f"Standort {i + 1}",
                "lon": lon,
                "lat": lat,
                "source": "import",
            }
        )
    return points


def read_file(content: bytes, filename: str = "") -> Scenario:
    """:func:`from_file` in a worker process with memory and time limits.

    Raises
    ------
    ValueError
        The German message of :func:`from_file`, or of :class:`geo.io.sandbox.SandboxError`
        when the worker hits a limit.
    """
    if len(content) > MAX_FILE_BYTES:
        return from_file(content, filename)  # the size message, without starting a worker
    label = f"Szenario-Datei „{filename}“" if filename else "Szenario-Datei"
    return run_limited(
        from_file, content, filename, what=label, limits=LIMITS, reply_types=REPLY_TYPES
    )


# ----------------------------------------------------------------------------------------
# Links
# ----------------------------------------------------------------------------------------


def to_url_param(scenario: Scenario) -> str:
    """Compact, URL-safe text of the scenario (zlib + base64url).

    Raises
    ------
    ValueError
        If the text would be longer than :data:`MAX_URL_CHARS` (German message: share the
        scenario as a file instead).
    """
    raw = json.dumps(scenario.to_dict(), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    text = base64.urlsafe_b64encode(zlib.compress(raw, 9)).decode("ascii").rstrip("=")
    if len(text) > MAX_URL_CHARS or len(raw) > MAX_FILE_BYTES:
        raise ValueError(
            f"Das Szenario ist zu groß für einen Link ({format_number(len(text))} Zeichen, "
            f"höchstens {format_number(MAX_URL_CHARS)}). Lösung: als Datei teilen (Szenarien → "
            "JSON oder GeoJSON exportieren, beim Empfänger importieren)."
        )
    return text


def from_url_param(text: str) -> Scenario:
    """Inverse of :func:`to_url_param` with size and content checks (in this process).

    Use :func:`read_link` for links from a request: it runs this in a limited worker.

    Raises
    ------
    ValueError
        German message: too long, invalid characters, damaged or truncated, too large when
        unpacked, or the field of the scenario that is wrong – each with the fix.
    """
    try:
        return scenario_from_dict(parse_json(_unpack_link(text)))
    except ValueError as error:
        raise ValueError(f"{LINK_LABEL}: {error} {LINK_FIX}") from None


def _unpack_link(text: object) -> str:
    if not isinstance(text, str):
        raise ValueError("Der Link enthält keinen Text.")
    if len(text) > MAX_URL_CHARS:
        raise ValueError(
            f"Der Link ist zu lang ({format_number(len(text))} Zeichen, höchstens "
            f"{format_number(MAX_URL_CHARS)})."
        )
    if not _BASE64URL.fullmatch(text):
        raise ValueError("Der Link enthält Zeichen, die in einem Szenario-Link nicht vorkommen.")
    try:
        packed = base64.urlsafe_b64decode(text.rstrip("=") + "=" * (-len(text.rstrip("=")) % 4))
    except (binascii.Error, ValueError):
        raise ValueError("Der Link ist beschädigt (unvollständig kopiert?).") from None
    # Bounded inflate: a tiny link must not expand into megabytes (a "zip bomb").
    inflater = zlib.decompressobj()
    try:
        raw = inflater.decompress(packed, MAX_FILE_BYTES)
    except zlib.error:
        raise ValueError("Der Link ist beschädigt und kann nicht entpackt werden.") from None
    if inflater.unconsumed_tail:
        raise ValueError(
            f"Der Link entpackt sich zu mehr als {MAX_FILE_BYTES // 1000} kB; so groß ist kein "
            "Szenario."
        )
    if not inflater.eof or inflater.unused_data:
        raise ValueError("Der Link ist abgeschnitten oder beschädigt (unvollständig kopiert?).")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError("Der Link ist beschädigt (kein UTF-8-Text).") from None


def read_link(text: str) -> Scenario:
    """:func:`from_url_param` in a worker process with memory and time limits.

    Raises
    ------
    ValueError
        The German message of :func:`from_url_param`, or of
        :class:`geo.io.sandbox.SandboxError` when the worker hits a limit.
    """
    if not isinstance(text, str) or len(text) > MAX_URL_CHARS:
        return from_url_param(text)  # the length message, without starting a worker
    return run_limited(
        from_url_param, text, what=LINK_LABEL, limits=LIMITS, reply_types=REPLY_TYPES
    )
