"""Timetable reading and earliest-arrival journeys on a feed with hand-checked times."""

from __future__ import annotations

import itertools
from datetime import date

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geo.analysis.transit import (
    INF,
    Connections,
    TransitParams,
    connections,
    door_to_door,
    egress_times,
    footpaths,
    profile_scan,
    transit_access,
)
from geo.errors import DataPackageError
from geo.io.gtfs import read_feed
from tests.geo.transit_oracle import TimeExpandedReference
from tests.synthetic_gtfs import STOP_XY, feed_zip

TUESDAY = date(2026, 6, 9)
PARAMS = TransitParams(max_access_m=400, transfer_walk_m=200, transfer_penalty_min=5)


def hms(text: str) -> float:
    h, m, *s = map(int, text.split(":"))
    return h * 3600 + m * 60 + (s[0] if s else 0)


@pytest.fixture(scope="module")
def feed(synthetic_region):
    return read_feed(feed_zip(), synthetic_region)


@pytest.fixture(scope="module")
def synthetic_region():
    import geopandas as gpd
    import shapely

    from tests.synthetic import X0, Y0

    return gpd.GeoDataFrame(geometry=[shapely.box(X0, Y0, X0 + 2000, Y0 + 2000)], crs=25832)


def stop(feed, name: str) -> int:
    return int(np.flatnonzero(feed.stops["stop_id"] == name)[0])


def earliest(feed, origin: str, leave: str, day=TUESDAY, params=PARAMS, start="00:00", end="23:59"):
    """Earliest arrival at C leaving ``origin`` at ``leave`` (hh:mm)."""
    conns = connections(feed, day, hms(start), hms(end))
    egress = np.full(len(feed.stops), INF)
    egress[stop(feed, "C")] = 0.0
    profiles = profile_scan(
        conns, egress, footpaths(feed, params), params.transfer_penalty_min * 60
    )
    value = profiles.earliest(stop(feed, origin), np.array([hms(leave)]))[0]
    return value, (conns, egress, footpaths(feed, params))


def clock(seconds: float) -> str:
    return f"{int(seconds // 3600):02d}:{int(seconds % 3600 // 60):02d}"


def test_feed_is_read_and_the_far_stop_left_out(feed):
    assert set(feed.stops["stop_id"]) == {"A", "B", "C", "D", "E"}
    assert any("außerhalb der Region" in note for note in feed.notes)
    assert (feed.start, feed.end) == (date(2026, 6, 1), date(2026, 6, 30))
    assert any("Barrierefreiheit" in note for note in feed.notes)


def test_transfer_with_penalty_by_hand(feed):
    # A 09:10 → B 09:20; +5 min change → T2 09:30 → C 09:40. Via D (130 s walk + 5 min)
    # T3 at 09:26 is missed.
    value, _ = earliest(feed, "A", "09:05")
    assert clock(value) == "09:40"


def test_without_penalty_the_footpath_change_wins(feed):
    params = TransitParams(max_access_m=400, transfer_walk_m=200, transfer_penalty_min=0)
    value, _ = earliest(feed, "A", "09:05", params=params)
    assert clock(value) == "09:33"  # walk B → D by 09:22:10, T3 09:26 → C 09:33


def test_frequencies_are_expanded(feed):
    assert clock(earliest(feed, "E", "09:11")[0]) == "09:32"  # 09:20 run, 12 min
    assert clock(earliest(feed, "E", "09:00")[0]) == "09:12"
    assert earliest(feed, "E", "09:31")[0] == INF  # runs start 09:00 … 09:30


def test_overnight_trip_of_the_previous_service_day(feed):
    # T6 runs on Monday's service day at 24:30 = Tuesday 00:30.
    assert clock(earliest(feed, "A", "00:20", end="01:00")[0]) == "00:45"
    assert earliest(feed, "A", "00:20", day=date(2026, 6, 10), end="01:00")[0] == INF


def test_calendar_exceptions(feed):
    holiday = date(2026, 6, 16)
    assert feed.services_on(holiday) == {"EXTRA"}
    assert clock(earliest(feed, "A", "09:05", day=holiday)[0]) == "09:50"  # only T7
    assert feed.typical_day(1) == date(2026, 6, 2)  # the first full Tuesday


def test_door_to_door_adds_walks_and_takes_the_faster_mode(feed):
    params = TransitParams(
        start_min=9 * 60 + 5, end_min=9 * 60 + 5, max_access_m=400, transfer_penalty_min=5
    )
    cells = np.array([STOP_XY["A"], STOP_XY["C"]], dtype=float) + np.array(
        [[0.0, 100.0], [0.0, 0.0]]
    )
    places = np.array([STOP_XY["C"]], dtype=float)
    result = transit_access(feed, cells, places, params, day=TUESDAY)
    # Cell 1: 100 m (130 s) to A, wait until 09:10, arrive C 09:40 → 35 min; walking 1802 m
    # × 1.3 = 2343 s = 39 min.
    assert result.minutes[0] == pytest.approx(35.0, abs=0.01)  # stops are reprojected from WGS84
    assert result.walk_minutes[0] == pytest.approx(np.hypot(1800, 100) * 1.3 / 60)
    assert result.minutes[1] == 0.0  # already there


def test_wheelchair_only_uses_accessible_stops(feed, synthetic_region):
    import dataclasses

    only_a = dataclasses.replace(
        feed, stops=feed.stops.assign(wheelchair=np.where(feed.stops["stop_id"] == "A", 1, 0))
    )
    params = TransitParams(start_min=9 * 60 + 5, end_min=9 * 60 + 5, wheelchair_only=True)
    cell = np.array([STOP_XY["A"]], dtype=float) + np.array([0.0, 100.0])
    result = transit_access(
        only_a, cell, np.array([STOP_XY["C"]], dtype=float), params, day=TUESDAY
    )
    assert result.minutes[0] == pytest.approx(result.walk_minutes[0])  # C not accessible: walk


def test_day_outside_validity(feed):
    with pytest.raises(ValueError, match="außerhalb der Fahrplangültigkeit"):
        transit_access(feed, np.zeros((1, 2)), np.zeros((1, 2)), PARAMS, day=date(2027, 1, 5))


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"stops.txt": None}, "stops.txt: Datei fehlt"),
        ({"trips.txt": "route_id,trip_id\nR1,T1\n"}, r"Spalte\(n\) fehlen: service_id"),
        (
            {"calendar.txt": None, "calendar_dates.txt": None},
            "Weder calendar.txt noch calendar_dates.txt",
        ),
        (
            {
                "stop_times.txt": "trip_id,arrival_time,departure_time,stop_id,stop_sequence\nT1,9 Uhr,9 Uhr,A,0\n"
            },
            "keine Uhrzeit in Zeile 2",
        ),
        (
            {"stops.txt": "stop_id,stop_name,stop_lat,stop_lon\nA,Halt A,abc,11.6\n"},
            "keine gültigen Koordinaten",
        ),
        (
            {"calendar_dates.txt": "service_id,date,exception_type\nWK,20260616,7\n"},
            "exception_type muss 1 oder 2",
        ),
        (
            {
                "calendar.txt": "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\nWK,1,1,1,1,1,0,0,2026-06-01,20260630\n"
            },
            "keine Zahl",
        ),
        ({"trips.txt": "route_id,service_id,trip_id\nR9,WK,T1\n"}, "Linie 'R9' fehlt"),
        (
            {
                "frequencies.txt": "trip_id,start_time,end_time,headway_secs\nT5,09:00:00,10:00:00,0\n"
            },
            "headway_secs",
        ),
    ],
)
def test_invalid_feeds(synthetic_region, overrides, message):
    with pytest.raises(DataPackageError, match=message):
        read_feed(feed_zip(overrides), synthetic_region)


def test_not_a_zip(synthetic_region):
    with pytest.raises(DataPackageError, match="kein gültiges ZIP"):
        read_feed(b"kein zip", synthetic_region)


def test_profile_scan_agrees_with_the_time_expanded_reference(feed):
    _, (conns, egress, paths) = earliest(feed, "A", "09:00")
    profiles = profile_scan(conns, egress, paths, 300.0)
    reference = TimeExpandedReference(conns, egress, paths, 300.0)
    for name in ["A", "B", "D", "E"]:
        for minute in range(8 * 60 + 50, 10 * 60, 3):
            t = minute * 60.0
            assert profiles.earliest(stop(feed, name), np.array([t]))[0] == pytest.approx(
                reference.earliest(stop(feed, name), t), abs=1e-3
            )


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 100_000))
def test_random_timetables_match_the_reference(seed):
    rng = np.random.default_rng(seed)
    n_stops, n_trips = 6, int(rng.integers(2, 9))
    rows = []
    for trip in range(n_trips):
        stops = rng.choice(n_stops, size=int(rng.integers(2, 5)), replace=False)
        t = float(rng.integers(0, 3600))
        for a, b in itertools.pairwise(stops):
            ride = float(rng.integers(60, 900))
            rows.append((a, b, t, t + ride, trip))
            t += ride + float(rng.integers(0, 120))
    rows.sort(key=lambda r: (-r[2], -r[3]))
    arr = np.array(rows)
    conns = Connections(
        arr[:, 0].astype(int), arr[:, 1].astype(int), arr[:, 2], arr[:, 3], arr[:, 4].astype(int),
        np.ones(len(rows), bool), np.ones(len(rows), bool),
    )  # fmt: skip
    egress = np.full(n_stops, INF)
    egress[rng.choice(n_stops, size=2, replace=False)] = rng.uniform(0, 300, 2)
    paths = [[(int((s + 1) % n_stops), 120.0)] for s in range(n_stops)]
    profiles = profile_scan(conns, egress, paths, 180.0)
    reference = TimeExpandedReference(conns, egress, paths, 180.0)
    for s in range(n_stops):
        for t in np.linspace(0, 4000, 9):
            assert profiles.earliest(s, np.array([t]))[0] == pytest.approx(
                reference.earliest(s, t), abs=1e-3
            )


@settings(max_examples=30, deadline=None)
@given(extra=st.tuples(st.floats(-500, 2500), st.floats(-500, 2500)))
def test_another_place_never_lengthens_a_trip(feed, extra):
    from tests.synthetic import X0, Y0

    params = TransitParams(start_min=9 * 60, end_min=9 * 60 + 30)
    cells = np.array([[X0 + 200, Y0 + 150], [X0 + 150, Y0 + 1850], [X0 + 1000, Y0 + 1000]])
    places = np.array([STOP_XY["C"]], dtype=float)
    before = transit_access(feed, cells, places, params, day=TUESDAY).minutes
    more = np.vstack([places, [X0 + extra[0], Y0 + extra[1]]])
    after = transit_access(feed, cells, more, params, day=TUESDAY).minutes
    assert (after <= before + 1e-9).all()


@settings(max_examples=25, deadline=None)
@given(
    extra=st.lists(st.tuples(st.floats(-500, 2500), st.floats(-500, 2500)), min_size=1, max_size=3),
    wheelchair=st.booleans(),
)
def test_appended_places_equal_the_full_computation(feed, extra, wheelchair):
    from tests.synthetic import X0, Y0

    params = TransitParams(start_min=9 * 60, end_min=10 * 60, wheelchair_only=wheelchair)
    cells = np.array([[X0 + x, Y0 + y] for x in (100, 700, 1300, 1900) for y in (100, 1000, 1900)])
    places = np.array([STOP_XY["C"]], dtype=float)
    transit_access(feed, cells, places, params, day=TUESDAY)  # kept for the window
    more = np.vstack([places, [[X0 + dx, Y0 + dy] for dx, dy in extra]])
    kept = transit_access(feed, cells, more, params, day=TUESDAY)
    # Footpaths passed in: nothing kept or reused, the whole computation.
    full = transit_access(feed, cells, more, params, day=TUESDAY, paths=footpaths(feed, params))
    assert np.array_equal(kept.minutes, full.minutes)
    assert np.array_equal(kept.walk_minutes, full.walk_minutes)


def test_a_window_is_computed_once_and_new_places_add_only_their_legs(feed, monkeypatch):
    from geo.analysis import transit

    params = TransitParams(start_min=10 * 60, end_min=10 * 60 + 20, step_min=10)
    cells = np.array([[x + 50, y + 50] for x, y in STOP_XY.values()])
    places = np.array([STOP_XY["C"]], dtype=float)
    scanned, windows = [], []
    real_minutes, real_connections = transit._minutes, transit.connections
    monkeypatch.setattr(
        transit, "_minutes", lambda w, c, p, q: scanned.append(len(p)) or real_minutes(w, c, p, q)
    )
    monkeypatch.setattr(
        transit, "connections", lambda *a: windows.append(a[1]) or real_connections(*a)
    )
    first = transit_access(feed, cells, places, params)
    again = transit_access(feed, cells, places, params)
    more = transit_access(feed, cells, np.vstack([places, [STOP_XY["A"]]]), params)
    other_cells = transit_access(feed, cells[:2], places, params)
    assert np.array_equal(first.minutes, again.minutes)
    assert (more.minutes <= first.minutes).all()
    assert len(other_cells.minutes) == 2
    assert scanned == [1, 1, 1]  # the first places, the one new place, the other cells
    assert len(windows) == 1  # connections and footpaths once for the window


def test_door_to_door_is_never_slower_than_walking(feed):
    params = TransitParams()
    cells = np.array([[x + 50, y + 50] for x, y in STOP_XY.values()][:5])
    result = transit_access(feed, cells, np.array([STOP_XY["C"]], dtype=float), params, day=TUESDAY)
    assert (result.minutes <= result.walk_minutes + 1e-9).all()
    assert egress_times(cells, np.empty((0, 2)), params).tolist() == [INF] * 5
    assert door_to_door(
        cells,
        np.empty((0, 2)),
        cells,
        profile_scan(connections(feed, TUESDAY, 0, 1), np.full(5, INF), [[]] * 5, 0),
        params,
    ).shape == (5, len(params.departures))


def test_transit_table_by_hand():
    from types import SimpleNamespace

    import pandas as pd

    from geo.analysis.transit import transit_table

    cells = pd.DataFrame(
        {"stadtteil_nr": ["a", "a", "b", "b"], "nachfrage": [10.0, 30.0, 20.0, np.nan]}
    )
    result = SimpleNamespace(
        cells=cells, coverage=pd.DataFrame({"zielgruppe": [40.0, 25.0]}, index=["a", "b"])
    )
    travel = SimpleNamespace(
        minutes=np.array([5.0, 25.0, 15.0, INF]),
        walk_minutes=np.array([30.0, 25.0, 15.0, INF]),
        params=TransitParams(max_minutes=20),
    )
    table = transit_table(result, travel, total=True)
    assert table["versorgt_oepnv"].tolist() == [10.0, 20.0, 30.0]
    assert table["anteil_oepnv"].tolist() == pytest.approx([25.0, 100.0, 50.0])
    assert table["anteil_fuss"].tolist() == pytest.approx([0.0, 100.0, 100 / 3])
    assert table.at["a", "median_min_oepnv"] == 25.0  # 30 of 40 people need 25 min
    assert table.at["gesamt", "zielgruppe"] == 65.0
    assert table.at["gesamt", "verortet"] == 60.0  # the unpublished cell is not placed
