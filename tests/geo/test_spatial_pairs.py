"""Sparse pairs and walking bounds: equal to the dense computation, bit for bit."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from geo.analysis.metric import WalkMetric
from geo.analysis.spatial_pairs import pairs_within_radii, sparse_bounds
from tests.synthetic import X0, Y0


def dense_bounds(cells, sites, radius, metric):
    """The dense reference (as WalkMetric.bounds): every cell against every site."""
    return metric.bounds(cells, sites, radius)


def test_pairs_by_hand():
    a = np.array([[0.0, 0.0], [10.0, 0.0]])
    b = np.array([[3.0, 4.0], [10.0, 1.0], [100.0, 0.0]])
    rows, cols = pairs_within_radii(a, b, np.array([5.0, 1.0]))
    # (0, 0) at exactly 5 m is inside; (1, 1) at 1 m; the far point never.
    assert sorted(zip(rows.tolist(), cols.tolist(), strict=True)) == [(0, 0), (1, 1)]


def test_bounds_by_hand():
    # One cell at 0; sites at 100 m (± 0) and 150 m (± 100): best case 50 m, worst 100 m.
    cells = np.array([[0.0, 0.0]])
    sites = np.array([[100.0, 0.0], [150.0, 0.0]])
    lower, upper = sparse_bounds(cells, sites, np.array([0.0, 100.0]), WalkMetric(1.0))
    assert (lower.tolist(), upper.tolist()) == ([50.0], [100.0])


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 100_000),
    n=st.integers(1, 60),
    m=st.integers(1, 25),
    spread=st.sampled_from([300.0, 3000.0]),
    detour=st.sampled_from([1.0, 1.3]),
)
def test_sparse_bounds_equal_dense(seed, n, m, spread, detour):
    rng = np.random.default_rng(seed)
    cells = rng.uniform(0, spread, (n, 2))
    sites = rng.uniform(0, spread, (m, 2))
    radius = rng.choice([0.0, 50.0, 150.0, 2000.0], m)
    metric = WalkMetric(detour)
    for got, want in zip(
        sparse_bounds(cells, sites, radius, metric),
        dense_bounds(cells, sites, radius, metric),
        strict=True,
    ):
        assert np.array_equal(got, want)


def test_sparse_bounds_equal_dense_across_the_river(synthetic_river):
    rng = np.random.default_rng(4)
    metric = WalkMetric(1.3, synthetic_river.barrier)
    cells = np.column_stack([rng.uniform(X0, X0 + 2000, 300), rng.uniform(Y0, Y0 + 2000, 300)])
    sites = np.column_stack([rng.uniform(X0, X0 + 2000, 12), rng.uniform(Y0, Y0 + 2000, 12)])
    radius = rng.choice([0.0, 50.0, 400.0], 12)
    for got, want in zip(
        sparse_bounds(cells, sites, radius, metric),
        dense_bounds(cells, sites, radius, metric),
        strict=True,
    ):
        assert np.array_equal(got, want)
