"""Walking across the Elbe only on bridges: hand-checked toy rivers, properties, real data.

The toy city is a 1200 × 1000 m box (shifted to real UTM coordinates so WGS84 works).
``Strom`` runs north–south at x = 500, ``Arm`` at x = 800: banks W | M | E.
"""

from __future__ import annotations

import itertools
import math
import pickle
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

import geo.analysis.barrier as barrier_module
from geo.analysis.barrier import (
    Crossing,
    build_barrier,
    closed_crossings,
    read_barrier,
)
from geo.analysis.metric import WALK_LABEL, WALK_LABEL_BARRIER, WalkMetric
from geo.crs import METRIC_CRS, WGS84, xy
from geo.errors import DataPackageError
from tests.conftest import real_data_dir

ORIGIN = np.array([680_000.0, 5_776_000.0])
CITY = shapely.box(*ORIGIN, *(ORIGIN + np.array([1200.0, 1000.0])))


def at(*points: tuple[float, float]) -> np.ndarray:
    """Toy coordinates (metres from the south-west corner) as EPSG:25832."""
    return np.array(points, dtype=float).reshape(-1, 2) + ORIGIN


def distances(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``(n, m)`` straight metres, written out independently of geo.analysis.barrier."""
    return np.sqrt(((a[:, None, :] - b[None, :, :]) ** 2).sum(axis=2))


def line(*points: tuple[float, float]) -> shapely.LineString:
    return shapely.LineString(at(*points))


def crossing(name: str, river: str, x: float, y: float, art: str = "bruecke") -> Crossing:
    (px, py), *_ = at((x, y))
    return Crossing(name, river, art, float(px), float(py))


STROM = line((500, 0), (500, 1000))
ARM = line((800, 0), (800, 1000))
BRIDGE_1 = crossing("B1", "Strom", 500, 500)
BRIDGE_2 = crossing("B2", "Arm", 800, 900)
FERRY = crossing("Fähre", "Strom", 500, 100, art="faehre")


def one_river(*crossings: Crossing):
    return build_barrier({"Strom": STROM}, crossings, CITY)


def two_rivers(*crossings: Crossing):
    return build_barrier({"Strom": STROM, "Arm": ARM}, crossings, CITY)


def walk(barrier, p, q, detour=1.3) -> float:
    return float(WalkMetric(detour, barrier).pairwise(at(p), at(q))[0, 0])


# --------------------------------------------------------------------------- by hand


def test_same_bank_is_straight_line_times_detour():
    assert walk(one_river(BRIDGE_1), (100, 100), (400, 500)) == pytest.approx(500 * 1.3)


def test_across_via_the_bridge():
    # (200,100) → B1 (500,500) → (800,100): 500 + 500 m (3-4-5), straight only 600 m.
    assert walk(one_river(BRIDGE_1), (200, 100), (800, 100)) == pytest.approx(1000 * 1.3)


def test_two_rivers_in_a_row_chain_two_bridges():
    bar = two_rivers(BRIDGE_1, BRIDGE_2)
    # W (200,100) → B1 (500,500) → B2 (800,900) → E (1100,500): 500 + 500 + 500 m.
    assert walk(bar, (200, 100), (1100, 500)) == pytest.approx(1500 * 1.3)
    # To the middle bank only B1 is needed: 500 + 150 m.
    assert walk(bar, (200, 100), (650, 500)) == pytest.approx(650 * 1.3)


def test_three_rivers_need_the_shortest_path_between_bridges():
    # Lines at x = 300, 600, 900, one bridge each: W → B1 → B2 → B3 → E, legs 400, 500,
    # 500, 400 m; B1 and B3 share no bank, so the route needs the path through B2.
    rivers = {name: line((x, 0), (x, 1000)) for name, x in [("A", 300), ("B", 600), ("C", 900)]}
    bridges = [crossing("B1", "A", 300, 400), crossing("B2", "B", 600, 800)]
    bar = build_barrier(rivers, [*bridges, crossing("B3", "C", 900, 400)], CITY)
    assert len(bar.regions) == 4
    assert walk(bar, (60, 80), (1140, 80)) == pytest.approx(1800 * 1.3)
    assert walk(bar, (1140, 80), (60, 80)) == pytest.approx(1800 * 1.3)


def test_a_ferry_does_not_count_for_walking():
    bar = one_river(BRIDGE_1, FERRY)
    # Via the ferry it would be 600 m straight; the walk goes round by B1.
    expected = (500 + math.hypot(100, 400)) * 1.3
    assert walk(bar, (200, 100), (600, 100)) == pytest.approx(expected)


def test_banks_without_a_bridge_are_unreachable():
    metric = WalkMetric(1.3, one_river(FERRY))
    assert np.isinf(metric.pairwise(at((200, 100)), at((800, 100)))).all()
    dist, idx = metric.nearest(at((200, 100), (900, 900)), at((800, 100)))
    assert np.isinf(dist[0])
    assert dist[1] == pytest.approx(math.hypot(100, 800) * 1.3)
    assert idx.tolist() == [-1, 0]
    rows, _, _ = metric.pairs_within(at((200, 100)), at((800, 100)), 10_000)
    assert len(rows) == 0


def test_a_river_bend_does_not_separate_one_bank():
    # A U-shaped river: the straight line between the outer points crosses it twice,
    # but both lie on the same bank (the region outside the U).
    bend = {"Strom": line((300, 0), (300, 600), (700, 600), (700, 0))}
    bar = build_barrier(bend, [], CITY)
    assert walk(bar, (100, 300), (1000, 300)) == pytest.approx(900 * 1.3)
    assert math.isinf(walk(bar, (100, 300), (500, 300)))  # inside the U, no bridge


def test_nearest_bounds_and_pairs_by_hand():
    metric = WalkMetric(1.3, two_rivers(BRIDGE_1, BRIDGE_2))
    cells = at((200, 100), (1100, 500))  # west and east bank
    sites = at((560, 580), (260, 180))  # middle bank, and 100 m from cell 0
    # Routes (3-4-5 legs): cell 0 → B1 → site 0 = 500 + 100; cell 0 → site 1 = 100;
    # cell 1 → B2 → site 0 = 500 + 400; cell 1 → B2 → B1 → site 1 = 500 + 500 + 400.
    np.testing.assert_allclose(
        metric.pairwise(cells, sites), np.array([[600, 100], [900, 1400]]) * 1.3
    )
    dist, idx = metric.nearest(cells, sites)
    np.testing.assert_allclose(dist, np.array([100, 900]) * 1.3)
    assert idx.tolist() == [1, 0]
    lower, upper = metric.bounds(cells, sites, np.array([50.0, 200.0]))
    np.testing.assert_allclose(lower, np.array([0, 850]) * 1.3)
    np.testing.assert_allclose(upper, np.array([300, 950]) * 1.3)
    rows, cols, walk_m = metric.pairs_within(cells, sites, 1000 * 1.3)
    found = sorted(zip(rows.tolist(), cols.tolist(), (walk_m / 1.3).round(6).tolist(), strict=True))
    assert found == [(0, 0, 600.0), (0, 1, 100.0), (1, 0, 900.0)]


def test_without_barrier_it_is_todays_metric():
    from geo.analysis.access_kernel import nearest_walk, walk_bounds

    rng = np.random.default_rng(1)
    cells, sites = rng.uniform(0, 5000, (200, 2)), rng.uniform(0, 5000, (12, 2))
    radius = rng.uniform(0, 150, 12)
    metric = WalkMetric(1.3)
    assert metric.label == WALK_LABEL
    for ours, today in zip(
        metric.nearest(cells, sites), nearest_walk(cells, sites, 1.3), strict=True
    ):
        np.testing.assert_array_equal(ours, today)
    for ours, today in zip(
        metric.bounds(cells, sites, radius), walk_bounds(cells, sites, radius, 1.3), strict=True
    ):
        np.testing.assert_array_equal(ours, today)


def test_closing_and_adding_crossings():
    bar = two_rivers(BRIDGE_1, BRIDGE_2)
    assert math.isinf(walk(bar.with_changes(closed=["B1"]), (200, 100), (650, 500)))
    lon, lat = (
        gpd.GeoSeries(shapely.points(at((503, 100))), crs=METRIC_CRS)
        .to_crs(WGS84)
        .iloc[0]
        .coords[0]
    )
    new = bar.crossing_at("Neu", lon, lat)
    assert new.gewaesser == "Strom"
    assert new.x == pytest.approx(ORIGIN[0] + 500)
    assert walk(bar.with_changes(added=[new]), (200, 100), (600, 100)) == pytest.approx(400 * 1.3)
    assert bar.with_changes(added=[new]) != bar
    assert bar.with_changes() == bar
    assert [
        c.name for c in closed_crossings(bar, bar.with_changes(added=[new], closed=["B1"]))
    ] == ["B1"]
    assert closed_crossings(bar, bar) == closed_crossings(bar, None) == closed_crossings(None, bar)
    assert closed_crossings(bar, bar) == []
    assert hash(bar.with_changes()) == hash(bar)
    assert WalkMetric(1.3, bar).label == WALK_LABEL_BARRIER
    with pytest.raises(ValueError, match="Unbekannte Art der Querung 'tunnel'"):
        bar.crossing_at("Tunnel", lon, lat, art="tunnel")
    with pytest.raises(ValueError, match="Unbekannte Querung"):
        bar.with_changes(closed=["Hubbrücke"])
    far_lon, far_lat = (
        gpd.GeoSeries(shapely.points(at((650, 100))), crs=METRIC_CRS)
        .to_crs(WGS84)
        .iloc[0]
        .coords[0]
    )
    with pytest.raises(ValueError, match="150 m von der nächsten Barrierelinie"):
        bar.crossing_at("Irgendwo", far_lon, far_lat)


def test_a_metric_survives_pickling_as_a_cache_key():
    # Streamlit's caches hash and copy arguments and results by pickling.
    metric = WalkMetric(1.3, two_rivers(BRIDGE_1, BRIDGE_2))
    copy = pickle.loads(pickle.dumps(metric))
    assert copy == metric
    assert hash(copy) == hash(metric)
    assert copy.key == metric.key
    assert copy != WalkMetric(1.4, metric.barrier)
    points = at((200, 100), (1100, 500), (650, 500))
    np.testing.assert_array_equal(copy.pairwise(points, points), metric.pairwise(points, points))


# --------------------------------------------------------------------------- properties

coordinate = st.tuples(st.floats(0, 1200), st.floats(0, 1000))
points = st.lists(coordinate, min_size=1, max_size=6)
TWO = two_rivers(BRIDGE_1, BRIDGE_2, FERRY)


@settings(max_examples=60, deadline=None)
@given(points, points, st.floats(1.0, 2.0))
def test_a_walk_is_never_shorter_than_the_straight_line_and_symmetric(a, b, detour):
    metric = WalkMetric(detour, TWO)
    a, b = at(*a), at(*b)
    walk_m = metric.pairwise(a, b)
    straight = WalkMetric(detour).pairwise(a, b)
    assert (walk_m >= straight * (1 - 1e-12)).all()
    np.testing.assert_allclose(walk_m, metric.pairwise(b, a).T)


@settings(max_examples=60, deadline=None)
@given(points, points)
def test_a_straight_line_that_crosses_no_river_is_not_lengthened(a, b):
    a, b = at(*a), at(*b)
    segments = shapely.linestrings(
        np.stack([np.repeat(a, len(b), axis=0), np.tile(b, (len(a), 1))], axis=1)
    )
    crosses = shapely.intersects(segments, shapely.MultiLineString([STROM, ARM])).reshape(
        len(a), len(b)
    )
    walk_m = WalkMetric(1.3, TWO).pairwise(a, b)
    np.testing.assert_allclose(walk_m[~crosses], WalkMetric(1.3).pairwise(a, b)[~crosses])


@settings(max_examples=60, deadline=None)
@given(points, points, st.sampled_from(["Strom", "Arm"]), st.floats(0, 1000))
def test_a_new_bridge_never_lengthens_a_walk(a, b, river, y):
    a, b = at(*a), at(*b)
    x = 500 if river == "Strom" else 800
    more = TWO.with_changes(added=[crossing("Neu", river, x, y)])
    before = WalkMetric(1.3, TWO).pairwise(a, b)
    after = WalkMetric(1.3, more).pairwise(a, b)
    assert (after <= before * (1 + 1e-12)).all()


def two_rivers_by_hand(p: np.ndarray, q: np.ndarray) -> float:
    """Straight route metres on :data:`TWO`, written out from the drawing, not from geo.analysis.metric.

    Banks by x: west < 500 < middle < 800 < east. West–middle walks via B1, middle–east via
    B2, west–east via B1 then B2 (the ferry does not count).
    """

    def bank(point: np.ndarray) -> int:
        x = point[0] - ORIGIN[0]
        return 0 if x < 500 else (1 if x < 800 else 2)

    b1, b2 = at((500, 500))[0], at((800, 900))[0]
    hops = {(0, 1): [b1], (1, 2): [b2], (0, 2): [b1, b2]}
    ends = sorted((bank(p), bank(q)))
    if ends[0] == ends[1]:
        return float(np.hypot(*(p - q)))
    path = hops[tuple(ends)]
    stops = [p, *path, q] if bank(p) == ends[0] else [p, *path[::-1], q]
    return float(sum(np.hypot(*(u - v)) for u, v in itertools.pairwise(stops)))


off_river = coordinate.filter(lambda c: abs(c[0] - 500) > 1 and abs(c[0] - 800) > 1)


@settings(max_examples=60, deadline=None)
@given(st.lists(off_river, min_size=1, max_size=6), st.lists(off_river, min_size=1, max_size=6))
@pytest.mark.parametrize("detour", [1.0, 1.3])
def test_every_metric_method_matches_the_routes_drawn_by_hand(detour, a, b):
    metric = WalkMetric(detour, TWO)
    a, b = at(*a), at(*b)
    expected = np.array([[two_rivers_by_hand(p, q) for q in b] for p in a]) * detour
    np.testing.assert_allclose(metric.pairwise(a, b), expected)
    dist, idx = metric.nearest(a, b)
    np.testing.assert_allclose(dist, expected.min(axis=1))
    np.testing.assert_allclose(expected[np.arange(len(a)), idx], dist)
    max_walk = float(np.median(expected))
    rows, cols, walk_m = metric.pairs_within(a, b, max_walk)
    found = set(zip(rows.tolist(), cols.tolist(), strict=True))
    assert {(int(i), int(j)) for i, j in np.argwhere(expected < max_walk - 1e-6)} <= found
    assert not {(int(i), int(j)) for i, j in np.argwhere(expected > max_walk + 1e-6)} & found
    np.testing.assert_allclose(walk_m, expected[rows, cols])
    radius = np.full(len(b), 50.0)
    lower, upper = metric.bounds(a, b, radius)
    route = expected / detour
    np.testing.assert_allclose(lower, np.maximum(route - 50.0, 0.0).min(axis=1) * detour)
    np.testing.assert_allclose(upper, (route + 50.0).min(axis=1) * detour)


# --------------------------------------------------------------------------- reading


def write_package(folder: Path, lines=None, crossings=None) -> Path:
    """Toy barrier files (CRS84 GeoJSON + CSV with lat/lon) for the reading tests."""
    lines = {"Strom": STROM} if lines is None else lines
    frame = gpd.GeoDataFrame(
        {"gewaesser": list(lines)}, geometry=list(lines.values()), crs=METRIC_CRS
    ).to_crs(WGS84)
    frame.to_file(folder / "elbe_barriere.geojson", driver="GeoJSON")
    rows = (
        crossings if crossings is not None else [crossing_row("B1", "Strom", "bruecke", 500, 500)]
    )
    pd.DataFrame(rows).to_csv(folder / "elbe_querungen.csv", index=False)
    return folder


def crossing_row(name, river, art, x, y) -> dict:
    lon, lat = (
        gpd.GeoSeries(shapely.points(at((x, y))), crs=METRIC_CRS).to_crs(WGS84).iloc[0].coords[0]
    )
    return {"name": name, "gewaesser": river, "art": art, "lat": lat, "lon": lon, "beleg": "Test"}


def test_reading_a_valid_pair_of_files(tmp_path):
    bar = read_barrier(write_package(tmp_path), CITY)
    assert [c.name for c in bar.crossings] == ["B1"]
    assert len(bar.regions) == 2
    assert walk(bar, (200, 100), (800, 100)) == pytest.approx(1000 * 1.3, rel=1e-6)


def test_without_the_files_there_is_no_barrier(tmp_path):
    assert read_barrier(tmp_path, CITY) is None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: (d / "elbe_querungen.csv").unlink(), "elbe_querungen.csv: Die Datei fehlt"),
        (lambda d: (d / "elbe_barriere.geojson").write_text("a,b\n1,2\n"), "kein lesbares GeoJSON"),
        (
            lambda d: write_package(d, crossings=[crossing_row("B1", "Strom", "tunnel", 500, 500)]),
            "Unbekannte art",
        ),
        (
            lambda d: write_package(
                d, crossings=[crossing_row("B1", "Saale", "bruecke", 500, 500)]
            ),
            "gewaesser nicht in elbe_barriere.geojson",
        ),
        (
            lambda d: write_package(
                d, crossings=[crossing_row("B1", "Strom", "bruecke", 800, 500)]
            ),
            r"mehr als 100 m neben ihrer Linie \(Zeile 2\)",
        ),
        (
            lambda d: write_package(
                d, crossings=[crossing_row("B1", "Strom", "bruecke", 500, 500)] * 2
            ),
            r"Name doppelt \(Zeile 3\)",
        ),
        (
            lambda d: (d / "elbe_querungen.csv").write_text(
                "name,gewaesser,lat,lon\nB,Strom,52,11\n"
            ),
            r"Spalte\(n\) fehlen: art",
        ),
        (
            lambda d: (d / "elbe_querungen.csv").write_text(
                "name,gewaesser,art,lat,lon\nB,Strom,bruecke,nord,11\n"
            ),
            "lat/lon fehlen",
        ),
        (
            lambda d: write_package(d, lines={"Strom": line((500, 0), (500, 600))}),
            r"endet 400 m innerhalb der Stadtgrenze",
        ),
        (
            lambda d: write_package(d, lines={"Strom": line((500, 50_000), (500, 51_000))}),
            "liegen nicht im Stadtgebiet: Strom",
        ),
    ],
)
def test_reading_errors_name_file_problem_and_fix(tmp_path, change, message):
    write_package(tmp_path)
    change(tmp_path)
    with pytest.raises(DataPackageError, match=message):
        read_barrier(tmp_path, CITY)


def test_files_are_read_with_a_size_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(barrier_module, "MAX_LINES_BYTES", 100)
    with pytest.raises(DataPackageError, match=r"elbe_barriere\.geojson: Die Datei ist zu groß"):
        read_barrier(write_package(tmp_path), CITY)


# --------------------------------------------------------------------------- real data


@pytest.fixture(scope="module")
def elbe(real):
    bar = read_barrier(real_data_dir(), real.stadtgrenze.geometry.iloc[0])
    assert bar is not None
    return bar


@pytest.fixture(scope="module")
def cells(real):
    names = real.zensus["stadtteil_nr"].map(real.stadtteile["stadtteil"])
    return xy(real.zensus), names.to_numpy()


@pytest.mark.real_data
def test_real_banks_follow_the_stadtteile(elbe, cells):
    centres, names = cells
    region = elbe.region_of(centres)
    per_stadtteil = pd.Series(region).groupby(names).unique()
    assert (per_stadtteil.map(len) == 1).all()  # no Stadtteil is split by the river
    bank = per_stadtteil.map(lambda r: int(r[0]))
    assert len(elbe.regions) == 3
    assert bank["Altstadt"] == bank["Buckau"]
    assert bank["Brückfeld"] == bank["Cracau"]
    assert len({bank["Altstadt"], bank["Werder"], bank["Cracau"]}) == 3
    assert (bank == bank["Werder"]).sum() == 1  # Werder alone between Stromelbe and Alte Elbe
    walkable = [c.name for c in elbe.crossings if c.walkable]
    assert len(walkable) == 7  # the two ferries do not count
    assert not any(c.startswith("Fähre") for c in walkable)


@pytest.mark.real_data
def test_real_no_same_bank_pair_is_lengthened(elbe, cells):
    # All cell pairs up to 3 km apart (each pair once).
    centres, names = cells
    rows, cols, straight = WalkMetric(1.0).pairs_within(centres, centres, 3000)
    once = rows < cols
    rows, cols, straight = rows[once], cols[once], straight[once]
    lengthened = elbe.pair_lengths(centres, centres, rows, cols, straight) > straight
    segments = shapely.linestrings(np.stack([centres[rows], centres[cols]], axis=1))
    crosses = shapely.intersects(shapely.MultiLineString(list(elbe.lines.values())), segments)
    bank = elbe.region_of(centres)
    assert lengthened.sum() > 100_000
    # Only pairs whose straight line crosses the Elbe, never two cells of one Stadtteil ...
    assert not (lengthened & ~crosses).any()
    assert not (lengthened & (names[rows] == names[cols])).any()
    # ... and never two cells of one bank, although for thousands of them (across a bend)
    # the straight line does cross the river: a per-pair segment test would lengthen those.
    assert not (lengthened & (bank[rows] == bank[cols])).any()
    assert (crosses & (bank[rows] == bank[cols])).sum() > 1000


@pytest.mark.real_data
def test_real_werder_reaches_altstadt_only_over_a_stromelbe_bridge(elbe, cells):
    centres, names = cells
    werder, altstadt = centres[names == "Werder"], centres[names == "Altstadt"]
    bridges = np.array(
        [[c.x, c.y] for c in elbe.crossings if c.walkable and c.gewaesser == "Stromelbe"]
    )
    via = distances(werder, bridges)[:, None, :] + distances(altstadt, bridges)[None, :, :]
    expected = via.min(axis=2) * 1.3
    walk_m = WalkMetric(1.3, elbe).pairwise(werder, altstadt)
    np.testing.assert_allclose(walk_m, expected)
    assert (walk_m > WalkMetric(1.3).pairwise(werder, altstadt)).all()


@pytest.mark.real_data
def test_real_southern_rotehornpark_to_buckau(elbe, real, cells):
    centres, names = cells
    # A point in the south of the Rotehornpark (Stadtteil Werder) on the Stromelbe, 524 m
    # straight from the nearest populated cell of Buckau on the other bank.
    park = gpd.GeoSeries(shapely.points([11.65], [52.1085]), crs=WGS84).to_crs(METRIC_CRS)
    werder = real.stadtteile.loc[real.stadtteile["stadtteil"] == "Werder", "geometry"].iloc[0]
    assert werder.contains(park.iloc[0])
    buckau = centres[names == "Buckau"]
    straight, idx = WalkMetric(1.0).nearest(xy(park), buckau)
    assert 500 < straight[0] < 560
    walk_m = WalkMetric(1.3, elbe).pairwise(xy(park), buckau[idx])[0, 0]
    assert 2800 < walk_m < 3500  # ~3 km round by the Sternbrücke instead of ~0,7 km
    stern = next(c for c in elbe.crossings if c.name == "Sternbrücke")
    legs = np.hypot(*(xy(park)[0] - [stern.x, stern.y])) + np.hypot(
        *(buckau[idx][0] - [stern.x, stern.y])
    )
    assert walk_m == pytest.approx(legs * 1.3)
