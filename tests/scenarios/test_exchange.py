"""Scenario files and links: round trips and hostile input."""

from __future__ import annotations

import base64
import json
import random
import zlib

import pytest

from geo.analysis.access_kernel import WalkParams
from scenarios.exchange import (
    check_depth,
    file_stem,
    from_file,
    from_url_param,
    read_file,
    read_link,
    to_geojson,
    to_json,
    to_url_param,
)
from scenarios.model import MAX_ADDED, Assumptions, NewSite, Overlay, Scenario

SCENARIO = Scenario(
    name="Plan A",
    assumptions=Assumptions(year=2025, params=WalkParams(max_walk_m=800, detour=1.4)),
    overlay=Overlay(
        added=(
            NewSite("Neu <b>1</b>", 11.63, 52.15, "karte"),
            NewSite("Neu 2", 11.65, 52.13, "vorschlag", "X"),
        ),
        removed=("ASZ-01",),
    ),
)


@pytest.mark.parametrize("write", [to_json, to_geojson])
def test_files_round_trip(write):
    assert from_file(write(SCENARIO).encode("utf-8")) == SCENARIO


def test_geojson_is_readable_as_points():
    data = json.loads(to_geojson(SCENARIO))
    assert data["type"] == "FeatureCollection"
    assert [f["geometry"]["coordinates"] for f in data["features"]] == [
        [11.63, 52.15],
        [11.65, 52.13],
    ]


def test_plain_geojson_points_become_new_sites():
    points = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [11.6, 52.1]}, "properties": {"name": "A"}},
    ]}  # fmt: skip
    scenario = from_file(json.dumps(points).encode())
    assert scenario.overlay.added == (NewSite("A", 11.6, 52.1, "import"),)


def test_url_round_trip_and_size():
    text = to_url_param(SCENARIO)
    assert from_url_param(text) == SCENARIO
    assert len(text) < 1000
    assert set(text) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xff\xfe\x00kaputt", "nicht UTF-8"),
        (b"{nicht json", r"Kein gültiges JSON \(Zeile 1, Spalte 2\)"),
        (b"x" * 600_000, r"zu groß \(600 kB, höchstens 512 kB\)"),
        (
            json.dumps(
                {"type": "FeatureCollection", "features": [{"geometry": {"type": "Polygon"}}]}
            ).encode(),
            r"features\[0\] \(Objekt 1\): nur Punkte",
        ),
        (json.dumps({"type": "FeatureCollection"}).encode(), "keine Liste „features“"),
        (json.dumps({"type": "Feature"}).encode(), "GeoJSON vom Typ „Feature“ wird nicht"),
        (json.dumps({"type": "FeatureCollection", "szenario": []}).encode(), "szenario muss"),
        (
            json.dumps(
                {
                    "type": "FeatureCollection",
                    "features": [{"geometry": {"type": "Point", "coordinates": [651000, 5775000]}}],
                }
            ).encode(),
            "nicht in WGS84",
        ),
        (b"[" * 50 + b"]" * 50, "zu tief verschachtelt"),
        (b'{"params": {"detour": NaN}}', "NaN ist keine gültige Zahl"),
        (b'{"params": {"detour": -Infinity}}', "-Infinity ist keine gültige Zahl"),
        (b'{"params": {"detour": 1e400}}', "Die Zahl 1e400 ist zu groß"),
        (b'{"year": 1' + b"0" * 5000 + b"}", "Eine Zahl hat 5001 Ziffern"),
        (b'{"name": "a", "name": "b"}', "Das Feld „name“ kommt in einem Objekt zweimal vor"),
    ],
)
def test_bad_files(content, message):
    with pytest.raises(ValueError, match=message) as info:
        from_file(content, "plan.json")
    assert str(info.value).startswith("Szenario-Datei „plan.json“: ")
    assert "Lösung:" in str(info.value)


def _link(raw: bytes) -> str:
    return base64.urlsafe_b64encode(zlib.compress(raw, 9)).decode().rstrip("=")


def _truncated(raw: bytes) -> str:
    return base64.urlsafe_b64encode(zlib.compress(raw, 9)[:-4]).decode().rstrip("=")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("%%%", "Zeichen, die in einem Szenario-Link nicht vorkommen"),
        ("kaputt!!", "Zeichen, die in einem Szenario-Link nicht vorkommen"),
        ("A" * 9000, r"zu lang \(9.000 Zeichen, höchstens 6.000\)"),
        ("A", "beschädigt"),
        ("QUJD", "kann nicht entpackt werden"),
        (_truncated(b'{"name": "abc"}'), "abgeschnitten"),
        (_link(b"[" + b" " * 2_000_000 + b"]"), "entpackt sich zu mehr als 512 kB"),
        (_link(b"\xff\xfe"), "kein UTF-8"),
        (_link(b'{"params": "x"}'), r"params muss ein Objekt \{…\} sein"),
        (_link(b'{"selection": [1, 2]}'), "selection muss ein Objekt"),
        (_link(b"[" * 100_000 + b"]" * 100_000), "zu tief verschachtelt"),
    ],
)
def test_bad_links(text, message):
    with pytest.raises(ValueError, match=message) as info:
        from_url_param(text)
    assert str(info.value).startswith("Szenario-Link (?szenario=…): ")
    assert "Lösung: den Link in der App neu erzeugen" in str(info.value)


def test_a_scenario_too_large_for_a_link_is_refused_with_the_file_alternative():
    # Random-looking names do not compress: 25 sites × 80 characters plus 500 ids.
    rng = random.Random(1)
    letters = "abcdefghijklmnopqrstuvwxyzäöüß0123456789"
    big = Scenario(
        overlay=Overlay(
            added=tuple(
                NewSite("".join(rng.choices(letters, k=80)), 11.6, 52.1) for _ in range(MAX_ADDED)
            ),
            removed=tuple("".join(rng.choices(letters, k=40)) for _ in range(500)),
        )
    )
    with pytest.raises(ValueError, match=r"zu groß für einen Link .*als Datei teilen"):
        to_url_param(big)
    assert from_file(to_json(big).encode()) == big  # the file route works


def test_sandboxed_readers_give_the_same_results():
    assert read_link(to_url_param(SCENARIO)) == SCENARIO
    assert read_file(to_geojson(SCENARIO).encode(), "x.geojson") == SCENARIO
    with pytest.raises(ValueError, match="params muss ein Objekt"):
        read_link(_link(b'{"params": "x"}'))
    with pytest.raises(ValueError, match=r"Szenario-Datei „x.json“: .*zu tief"):
        read_file(b"[" * 100_000 + b"]" * 100_000, "x.json")
    with pytest.raises(ValueError, match="zu lang"):
        read_link("A" * 9000)


@pytest.mark.parametrize(
    "text",
    [
        r'"[[[["',
        r'{"a": "\\"}',
        r'{"a": "\"[[[["}',
        r'["\u005b", {"b": 1}]',
    ],
)
def test_depth_scan_ignores_brackets_inside_strings(text):
    check_depth(text, 2)
    json.loads(text)  # and these are valid JSON


def test_depth_scan_counts_nesting():
    check_depth("[[{}]]", 3)
    with pytest.raises(ValueError, match="mehr als 2 Ebenen"):
        check_depth("[[{}]]", 2)


@pytest.mark.parametrize(
    ("name", "stem"),
    [
        ("Neue Mitte/Süd", "neue-mitte-sued"),
        ("  Größe ", "groesse"),
        ("../../etc", "etc"),
        ("", "szenario"),
        ("✓✓", "szenario"),
        ("a" * 60, "a" * 40),
    ],
)
def test_file_stem_is_a_safe_file_name(name, stem):
    assert file_stem(name) == stem
