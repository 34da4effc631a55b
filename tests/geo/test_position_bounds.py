"""Coverage ranges from uncertain facility positions: joint placements, checked by hand."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from geo.analysis.access_kernel import WalkParams
from geo.analysis.position_bounds import (
    APPROXIMATE,
    FIXED,
    UNPLACED,
    area_spots,
    disc_spots,
    facility_range,
    joint_bounds,
    lattice,
    position_options,
)
from geo.areas import population_centres

#: Walking = straight line (detour 1), 100 m threshold: easy to check by hand.
PARAMS = WalkParams(max_walk_m=100.0, detour=1.0)


def options(xy, radius, cells, areas=None, unplaced=None):
    n = len(radius)
    return position_options(
        [f"E{i}" for i in range(n)],
        [f"Einrichtung {i}" for i in range(n)],
        areas or ["01"] * n,
        np.asarray(xy, dtype=float),
        np.asarray(radius, dtype=float),
        np.asarray(cells, dtype=float),
        PARAMS,
        unplaced_spots=unplaced,
    )


def test_lattice_keeps_the_centre_first_and_stays_in_the_radius():
    points = lattice(np.array([10.0, 20.0]), 50.0, 25.0)
    assert points[0].tolist() == [10.0, 20.0]
    assert len(points) == len({tuple(p) for p in points})
    assert (np.hypot(points[:, 0] - 10, points[:, 1] - 20) <= 50 + 1e-9).all()
    assert len(points) == 13  # the 13 lattice points within two steps (5 × 5 minus corners)


def test_disc_spots_stay_in_the_city_and_an_exact_place_has_one_spot():
    city = shapely.box(0, -1000, 1000, 1000)  # the disc's left half lies outside
    spots = disc_spots(np.array([0.0, 0.0]), 200.0, city)
    assert spots[0].tolist() == [0.0, 0.0]  # the given point is always kept
    assert (spots[1:, 0] > 0).all()
    assert disc_spots(np.array([5.0, 5.0]), 0.0, city).tolist() == [[5.0, 5.0]]


def test_area_spots_cover_the_polygon_and_its_cells():
    square = shapely.box(0, 0, 400, 400)
    spots = area_spots(square, np.array([[50.0, 50.0]]))
    assert shapely.contains_xy(square, spots[:-1, 0], spots[:-1, 1]).all()
    assert spots[-1].tolist() == [50.0, 50.0]
    assert len(area_spots(shapely.Polygon(), np.zeros((0, 2)))) == 0


def test_one_place_cannot_lie_next_to_both_ends_at_once():
    # Two cells 300 m apart, a place between them with Lage ± 150 m and a 100 m reach. Cell
    # by cell each could be covered (the old, independent bound said 2 people); one place
    # at one spot covers at most one of them.
    cells = [[0.0, 0.0], [300.0, 0.0]]
    opts = options([[150.0, 0.0]], [150.0], cells)
    assert opts.kinds == (APPROXIMATE,)
    low, high = joint_bounds(opts, np.array([1.0, 1.0]), np.array([0, 0]), 1)
    assert (low[0], high[0]) == (0.0, 1.0)
    assert (low[1], high[1]) == (0.0, 1.0)  # the city (all cells)


def test_an_unplaced_place_counts_at_its_best_spot_only_in_the_upper_bound():
    # The source names Stadtteil 01 (a 400 m square); the people live at its west end.
    cells = np.array([[20.0, 200.0], [60.0, 200.0], [380.0, 200.0]])
    people = np.array([5.0, 5.0, 1.0])
    spots = {0: area_spots(shapely.box(0, 0, 400, 400), cells)}
    opts = options([[np.nan, np.nan]], [np.nan], cells, unplaced=spots)
    assert opts.kinds == (UNPLACED,)
    assert opts.central.tolist() == [-1]
    low, high = joint_bounds(opts, people, np.zeros(3, dtype=int), 1)
    assert low[0] == 0.0  # left out, as in the central figure
    assert high[0] == 10.0  # next to the two western cells (both within 100 m)
    assert facility_range(opts, 0, people, np.ones(3, dtype=bool)) == (0.0, 10.0)


def test_an_unplaced_place_without_spots_is_left_out_of_both_bounds():
    opts = options([[np.nan, np.nan]], [np.nan], [[0.0, 0.0]])
    low, high = joint_bounds(opts, np.array([3.0]), np.array([0]), 1)
    assert (low[0], high[0]) == (0.0, 0.0)


def test_bounds_per_area_and_only_the_areas_asked_for():
    # Area 0 (west) and area 1 (east); an exact place in the west, an approximate one east.
    cells = [[0.0, 0.0], [1000.0, 0.0], [1150.0, 0.0]]
    opts = options([[0.0, 0.0], [1000.0, 0.0]], [0.0, 150.0], cells, areas=["01", "02"])
    assert opts.kinds == (FIXED, APPROXIMATE)
    people = np.array([2.0, 3.0, 4.0])
    codes = np.array([0, 1, 1])
    low, high = joint_bounds(opts, people, codes, 2)
    assert (low[0], high[0]) == (2.0, 2.0)  # the exact place: no range
    # 3 at its point; none 150 m north of it; both from halfway between the two cells.
    assert (low[1], high[1]) == (0.0, 7.0)
    only_east = joint_bounds(opts, people, codes, 2, areas=[1])
    assert np.isnan(only_east[0][0]) and only_east[1][1] == 7.0  # noqa: PT018


def test_with_fixed_adds_exact_places():
    cells = [[0.0, 0.0], [300.0, 0.0]]
    opts = options([[150.0, 0.0]], [150.0], cells).with_fixed(
        ["NEU-1"], ["Neu"], ["01"], np.array([[300.0, 0.0]]), np.array(cells), PARAMS
    )
    assert opts.kinds == (APPROXIMATE, FIXED)
    low, high = joint_bounds(opts, np.array([1.0, 1.0]), np.array([0, 0]), 1)
    assert (low[0], high[0]) == (1.0, 2.0)


coords = st.floats(0, 1000, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(
    cells=st.lists(st.tuples(coords, coords), min_size=1, max_size=25),
    places=st.lists(
        st.tuples(coords, coords, st.sampled_from([0.0, 60.0, 250.0])), min_size=1, max_size=4
    ),
    seed=st.integers(0, 1000),
)
def test_the_central_figure_lies_within_the_joint_bounds(cells, places, seed):
    rng = np.random.default_rng(seed)
    cells = np.array(cells)
    people = rng.integers(0, 10, len(cells)).astype(float)
    codes = rng.integers(0, 2, len(cells))
    xy = np.array([(x, y) for x, y, _ in places])
    radius = np.array([r for _, _, r in places])
    opts = options(xy, radius, cells)
    low, high = joint_bounds(opts, people, codes, 2)
    walk = np.hypot(cells[:, None, 0] - xy[None, :, 0], cells[:, None, 1] - xy[None, :, 1])
    covered = (walk <= PARAMS.max_walk_m).any(axis=1)
    for area in (0, 1):
        central = people[(codes == area) & covered].sum()
        assert low[area] <= central + 1e-9 <= high[area] + 2e-9
    assert low[2] <= people[covered].sum() + 1e-9 <= high[2] + 2e-9


def test_population_centre_lies_in_the_larger_settlement_not_between_them():
    # A village of two settlements 2 km apart: the weighted mean would fall in the fields.
    west = np.array([[0.0, 0.0], [100.0, 0.0], [0.0, 100.0]])
    east = np.array([[2000.0, 0.0], [2100.0, 0.0]])
    cells = np.vstack([west, east])
    people = np.array([50.0, 40.0, 30.0, 20.0, 20.0])
    centres = population_centres(cells, people, np.array(["28"] * 5))
    assert centres["28"].tolist() in west.tolist()
    mean = (cells * people[:, None]).sum(axis=0) / people.sum()
    assert np.hypot(*(mean - cells).T).min() > 400  # the mean lies far from every resident


def test_population_centres_skip_areas_without_residents():
    centres = population_centres(
        np.array([[0.0, 0.0], [10.0, 0.0]]), np.array([0.0, np.nan]), np.array(["01", None])
    )
    assert centres == {}


def test_population_centre_minimises_the_total_walk():
    cells = np.array([[0.0, 0.0], [100.0, 0.0], [200.0, 0.0], [300.0, 0.0]])
    people = np.array([1.0, 1.0, 1.0, 10.0])
    assert population_centres(cells, people, np.array(["01"] * 4))["01"].tolist() == [300.0, 0.0]


@pytest.mark.parametrize("radius", [0.0, 80.0])
def test_facility_range_of_an_exact_or_approximate_place(radius):
    cells = np.array([[0.0, 0.0], [150.0, 0.0]])
    opts = options([[0.0, 0.0]], [radius], cells)
    low, high = facility_range(opts, 0, np.array([1.0, 1.0]), np.ones(2, dtype=bool))
    # Within 80 m of its point the place always reaches the first cell (100 m reach).
    assert (low, high) == ((1.0, 1.0) if radius == 0 else (1.0, 2.0))
