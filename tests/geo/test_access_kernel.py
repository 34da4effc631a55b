"""Walking distances, uncertainty bounds and the E2SFCA ratio on tiny hand-made inputs."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geo.analysis.access_kernel import (
    WalkParams,
    e2sfca,
    gaussian_weight,
    grouped_weighted_median,
    nearest_walk,
    walk_bounds,
    weighted_median,
)

CELLS = np.array([[0.0, 0.0], [300.0, 0.0], [1000.0, 0.0]])


def test_nearest_walk_is_straight_line_times_detour():
    walk, idx = nearest_walk(CELLS, np.array([[0.0, 400.0], [1000.0, 0.0]]), detour=1.5)
    np.testing.assert_allclose(walk, [600.0, 750.0, 0.0])  # 400·1.5, 500·1.5 (3-4-5), 0
    assert idx.tolist() == [0, 0, 1]


def test_no_site_means_infinitely_far():
    walk, idx = nearest_walk(CELLS, np.empty((0, 2)), detour=1.3)
    assert np.isinf(walk).all()
    assert (idx == -1).all()


def test_bounds_use_each_sites_radius():
    sites = np.array([[0.0, 0.0], [1000.0, 0.0]])
    lower, upper = walk_bounds(CELLS, sites, np.array([100.0, 0.0]), detour=1.0)
    np.testing.assert_allclose(lower, [0.0, 200.0, 0.0])
    np.testing.assert_allclose(upper, [100.0, 400.0, 0.0])


@pytest.mark.parametrize(
    ("distance", "weight"),
    [
        (0.0, 1.0),
        (1000.0, 0.0),
        (1500.0, 0.0),
        (500.0, (math.exp(-1 / 8) - math.exp(-0.5)) / (1 - math.exp(-0.5))),
    ],
)
def test_gaussian_weight(distance, weight):
    assert gaussian_weight(np.array([distance]), 1000.0)[0] == pytest.approx(weight)


def test_e2sfca_by_hand():
    # One site at the first cell. Cell 1 (d=0, W=1) has 10 people, cell 2 (d=500, W=w) has 20,
    # cell 3 lies beyond the 1000 m catchment. R = 1 / (10 + 20 w); A = R·W.
    w = (math.exp(-1 / 8) - math.exp(-0.5)) / (1 - math.exp(-0.5))
    cells = np.array([[0.0, 0.0], [500.0, 0.0], [1200.0, 0.0]])
    access, ratio = e2sfca(cells, np.array([10.0, 20.0, 5.0]), np.array([[0.0, 0.0]]), 1.0, 1000.0)
    r = 1 / (10 + 20 * w)
    assert ratio[0] == pytest.approx(r)
    np.testing.assert_allclose(access, [r, r * w, 0.0])
    # Supply is conserved: the people-weighted access adds up to the one site.
    assert (access * [10.0, 20.0, 5.0]).sum() == pytest.approx(w * 20 * r + 10 * r)


def test_e2sfca_detour_shrinks_the_catchment():
    cells = np.array([[0.0, 0.0], [900.0, 0.0]])
    access, _ = e2sfca(cells, np.array([1.0, 1.0]), np.array([[0.0, 0.0]]), 1.2, 1000.0)
    assert access[1] == 0.0  # 900 m straight = 1080 m walking > catchment


@pytest.mark.parametrize(
    ("values", "weights", "expected"),
    [
        ([1, 2, 3], [1, 1, 1], 2),
        ([1, 2, 3], [10, 1, 1], 1),
        ([5], [0], math.nan),
        ([1, 9], [1, 3], 9),
    ],
)
def test_weighted_median(values, weights, expected):
    result = weighted_median(np.array(values, float), np.array(weights, float))
    assert result == expected or (math.isnan(expected) and math.isnan(result))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"max_walk_m": 0}, "Gehdistanz"),
        ({"detour": 0.9}, "Umwegfaktor"),
        ({"speed_mps": 5}, "Gehtempo"),
        ({"catchment_m": -1}, "Einzugsbereich"),
    ],
)
def test_invalid_parameters(kwargs, message):
    with pytest.raises(ValueError, match=message):
        WalkParams(**kwargs)


def test_params_helpers():
    params = WalkParams(max_walk_m=520, detour=1.3, speed_mps=1.0)
    assert params.max_straight_m == pytest.approx(400)
    assert params.minutes(np.array([600.0]))[0] == pytest.approx(10)


coords = st.floats(-2000, 2000, allow_nan=False)
points = st.lists(st.tuples(coords, coords), min_size=1, max_size=15)


@settings(max_examples=100, deadline=None)
@given(
    cells=points,
    sites=points,
    radii=st.lists(st.floats(0, 500, allow_nan=False), min_size=15, max_size=15),
    detour=st.floats(1.0, 2.0),
)
def test_nearest_walk_lies_within_the_bounds(cells, sites, radii, detour):
    cells_xy, sites_xy = np.array(cells), np.array(sites)
    radius = np.array(radii[: len(sites)])
    lower, upper = walk_bounds(cells_xy, sites_xy, radius, detour)
    nearest, _ = nearest_walk(cells_xy, sites_xy, detour)
    assert (lower <= nearest + 1e-6).all()
    assert (nearest <= upper + 1e-6).all()
    # Exact positions (radius 0) leave no range at all.
    exact_lower, exact_upper = walk_bounds(cells_xy, sites_xy, np.zeros(len(sites)), detour)
    np.testing.assert_allclose(exact_lower, nearest, atol=1e-6)
    np.testing.assert_allclose(exact_upper, nearest, atol=1e-6)


@settings(max_examples=100, deadline=None)
@given(cells=points, sites=points, extra=st.tuples(coords, coords))
def test_adding_a_site_never_lengthens_anyones_walk(cells, sites, extra):
    cells_xy, sites_xy = np.array(cells), np.array(sites)
    before, _ = nearest_walk(cells_xy, sites_xy, 1.3)
    after, _ = nearest_walk(cells_xy, np.vstack([sites_xy, extra]), 1.3)
    assert (after <= before + 1e-9).all()
    # ... so nobody loses coverage at any threshold.
    for threshold in (300, 500, 800, 1000):
        assert ((before <= threshold) <= (after <= threshold)).all()


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 3),
            st.floats(0, 5000, allow_nan=False),
            st.floats(0, 50, allow_nan=False),
        ),
        min_size=1,
        max_size=60,
    )
)
def test_grouped_median_equals_the_plain_one_per_group(rows):
    codes = np.array([c for c, _, _ in rows])
    values = np.array([v for _, v, _ in rows])
    weights = np.array([w for _, _, w in rows])
    grouped = grouped_weighted_median(codes, values, weights, 4)
    for group in range(4):
        plain = weighted_median(values[codes == group], weights[codes == group])
        assert grouped[group] == plain or (np.isnan(plain) and np.isnan(grouped[group]))
