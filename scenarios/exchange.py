"""Scenario exchange: JSON and GeoJSON files, and compact URL parameters."""

from __future__ import annotations

import base64
import binascii
import json
import zlib

from scenarios.model import MAX_ADDED, SCHEMA, Scenario, scenario_from_dict

#: Largest accepted import (bytes) and URL parameter (characters).
MAX_FILE_BYTES = 512_000
MAX_URL_CHARS = 8_000


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
        for site in scenario.added
    ]
    collection = {
        "type": "FeatureCollection",
        "name": scenario.name or "Szenario",
        "features": features,
        "szenario": scenario.to_dict(),
    }
    return json.dumps(collection, ensure_ascii=False, indent=2)


def from_file(content: bytes) -> Scenario:
    """Read a scenario from an exported JSON or GeoJSON file.

    A GeoJSON without the ``szenario`` member (e.g. points drawn in QGIS) becomes a scenario
    with those points as new places and default parameters.

    Raises
    ------
    ValueError
        On oversized, non-UTF-8, non-JSON or invalid content (German message).
    """
    if len(content) > MAX_FILE_BYTES:
        raise ValueError(f"Die Datei ist zu groß (höchstens {MAX_FILE_BYTES // 1000} kB).")
    try:
        data = json.loads(content.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ValueError("Die Datei ist nicht UTF-8-kodiert.") from None
    except json.JSONDecodeError as exc:
        raise ValueError(f"Die Datei ist kein gültiges JSON (Zeile {exc.lineno}).") from None
    if isinstance(data, dict) and data.get("type") == "FeatureCollection":
        if isinstance(data.get("szenario"), dict):
            return scenario_from_dict(data["szenario"])
        return scenario_from_dict({"schema": SCHEMA, "added": _points(data)})
    return scenario_from_dict(data)


def _points(collection: dict) -> list[dict]:
    features = collection.get("features")
    if not isinstance(features, list):
        raise ValueError("Die GeoJSON-Datei hat keine Liste 'features'.")
    if len(features) > MAX_ADDED:
        raise ValueError(f"Höchstens {MAX_ADDED} Standorte je Szenario.")
    points = []
    for i, feature in enumerate(features, start=1):
        geometry = (feature or {}).get("geometry") or {}
        coords = geometry.get("coordinates")
        if geometry.get("type") != "Point" or not isinstance(coords, list) or len(coords) < 2:
            raise ValueError(
                f"Objekt {i}: nur Punkte (Point) mit Längen-/Breitengrad sind möglich."
            )
        props = feature.get("properties") or {}
        points.append(
            {
                "name": props.get("name") or f"Standort {i}",
                "lon": coords[0],
                "lat": coords[1],
                "source": "import",
            }
        )
    return points


def to_url_param(scenario: Scenario) -> str:
    """Compact, URL-safe text of the scenario (zlib + base64url)."""
    raw = json.dumps(scenario.to_dict(), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return base64.urlsafe_b64encode(zlib.compress(raw, 9)).decode("ascii").rstrip("=")


def from_url_param(text: str) -> Scenario:
    """Inverse of :func:`to_url_param` with size and content checks.

    Raises
    ------
    ValueError
        If the text is too long, not decodable or not a valid scenario.
    """
    if len(text) > MAX_URL_CHARS:
        raise ValueError("Der Szenario-Link ist zu lang.")
    try:
        packed = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        # Limit the decompressed size: a tiny link must not expand into megabytes.
        inflater = zlib.decompressobj()
        raw = inflater.decompress(packed, MAX_FILE_BYTES)
        if inflater.unconsumed_tail:
            raise ValueError("Der Szenario-Link ist zu groß.")
        data = json.loads(raw.decode("utf-8"))
    except (binascii.Error, zlib.error, UnicodeDecodeError, json.JSONDecodeError):
        raise ValueError(
            "Der Szenario-Link ist beschädigt und kann nicht gelesen werden."
        ) from None
    return scenario_from_dict(data)
