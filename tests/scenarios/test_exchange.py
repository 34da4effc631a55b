"""Scenario files and links: round trips and hostile input."""

from __future__ import annotations

import base64
import json
import zlib

import pytest

from geo.access_kernel import WalkParams
from scenarios.exchange import from_file, from_url_param, to_geojson, to_json, to_url_param
from scenarios.model import NewSite, Scenario

SCENARIO = Scenario(
    name="Plan A",
    added=(
        NewSite("Neu <b>1</b>", 11.63, 52.15, "karte"),
        NewSite("Neu 2", 11.65, 52.13, "vorschlag", "X"),
    ),
    removed=("ASZ-01",),
    year=2025,
    params=WalkParams(max_walk_m=800, detour=1.4),
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
    assert scenario.added == (NewSite("A", 11.6, 52.1, "import"),)


def test_url_round_trip_and_size():
    text = to_url_param(SCENARIO)
    assert from_url_param(text) == SCENARIO
    assert len(text) < 1000
    assert set(text) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xff\xfe\x00kaputt", "nicht UTF-8"),
        (b"{nicht json", "kein gültiges JSON"),
        (b"x" * 600_000, "zu groß"),
        (
            json.dumps(
                {"type": "FeatureCollection", "features": [{"geometry": {"type": "Polygon"}}]}
            ).encode(),
            "nur Punkte",
        ),
        (json.dumps({"type": "FeatureCollection"}).encode(), "keine Liste 'features'"),
    ],
)
def test_bad_files(content, message):
    with pytest.raises(ValueError, match=message):
        from_file(content)


def test_bad_links():
    with pytest.raises(ValueError, match="beschädigt"):
        from_url_param("%%%")
    with pytest.raises(ValueError, match="zu lang"):
        from_url_param("A" * 9000)
    bomb = (
        base64.urlsafe_b64encode(zlib.compress(b"[" + b" " * 5_000_000 + b"]", 9))
        .decode()
        .rstrip("=")
    )
    assert len(bomb) < 8000
    with pytest.raises(ValueError, match="zu groß"):
        from_url_param(bomb)
