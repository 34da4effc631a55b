"""Exact p-median on sparse pairs: hand-checked instances, brute force and properties."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geo.analysis.metric import WalkMetric
from geo.analysis.pmedian import PMedian, improvement_pairs
from tests.synthetic import BRIDGE, X0, Y0


def dense(demand, current, candidates, metric):
    """Walking metres of every pair, the reference for the sparse pairs."""
    return metric.pairwise(demand, candidates), np.asarray(current, float)


def brute_force(w, current, dist, k):
    """Best saving over all k-subsets (tiny instances only)."""
    best = -1.0
    for combo in itertools.combinations(range(dist.shape[1]), k):
        after = np.minimum(current, dist[:, list(combo)].min(axis=1))
        best = max(best, float((w * (current - after)).sum()))
    return best


def test_pairs_of_a_line_by_hand():
    # Demand at 0 and 1000 m, current 600 m each; candidates at 100, 900 and 2000 m, detour 1.
    demand = np.array([[0.0, 0.0], [1000.0, 0.0]])
    candidates = np.array([[100.0, 0.0], [900.0, 0.0], [2000.0, 0.0]])
    pairs = improvement_pairs(demand, np.array([600.0, 600.0]), candidates, WalkMetric(1.0))
    # Closer than 600 m: 0↔100 (100 m), 1000↔900 (100 m); nothing for the far candidate.
    assert list(zip(pairs.rows, pairs.cols, pairs.walk_m, strict=True)) == [
        (0, 0, 100.0),
        (1, 1, 100.0),
    ]
    assert pairs.indptr.tolist() == [0, 1, 2, 2]
    solver = PMedian(np.array([2.0, 1.0]), np.array([600.0, 600.0]), pairs, 3)
    # k = 1: candidate 0 saves 2 × 500 = 1000 (candidate 1 only 500); k = 2 adds 500.
    one = solver.solve(1)
    assert (one.chosen, one.saving, one.proven) == ((0,), 1000.0, True)
    two = solver.solve(2)
    assert (sorted(two.chosen), two.saving, two.proven) == ([0, 1], 1500.0, True)


def test_pairs_cross_the_river_only_via_the_bridge(synthetic_river):
    metric = WalkMetric(1.3, synthetic_river.barrier)
    demand = np.array([[X0 + 1100, Y0 + 500], [X0 + 100, Y0 + 500]])
    candidates = np.array([[X0 + 500, Y0 + 500]])
    dist, current = dense(demand, [5000.0, 5000.0], candidates, metric)
    pairs = improvement_pairs(demand, current, candidates, metric)
    assert np.array_equal(pairs.walk_m, dist[pairs.rows, pairs.cols])
    # By hand: east point → bridge → candidate, not 600 m straight across.
    via = np.hypot(*(demand[0] - BRIDGE)) + np.hypot(*(np.array(BRIDGE) - candidates[0]))
    assert dist[0, 0] == pytest.approx(via * 1.3)


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    n=st.integers(1, 25),
    m=st.integers(2, 7),
    k=st.integers(1, 3),
    detour=st.sampled_from([1.0, 1.3, 2.0]),
)
def test_sparse_pairs_equal_dense_and_exact_equals_brute_force(seed, n, m, k, detour):
    rng = np.random.default_rng(seed)
    demand = rng.uniform(0, 2000, (n, 2))
    candidates = rng.uniform(0, 2000, (m, 2))
    current = rng.uniform(100, 3000, n)
    w = rng.integers(0, 9, n).astype(float)
    metric = WalkMetric(detour)
    dist, _ = dense(demand, current, candidates, metric)
    pairs = improvement_pairs(demand, current, candidates, metric)
    # Sparse = dense: exactly the pairs closer than today, with the same metres.
    rows, cols = np.nonzero(dist < current[:, None])
    assert sorted(zip(pairs.rows.tolist(), pairs.cols.tolist(), strict=True)) == sorted(
        zip(rows.tolist(), cols.tolist(), strict=True)
    )
    assert np.array_equal(pairs.walk_m, dist[pairs.rows, pairs.cols])
    k = min(k, m)
    solver = PMedian(w, current, pairs, m)
    optimum = brute_force(w, current, dist, k)
    heuristic = solver.total_saving(solver.heuristic(k))
    solved = solver.solve(k)
    # Exact never worse than the heuristic; the bound always brackets the optimum.
    assert solved.saving >= heuristic - 1e-9
    assert solved.saving == pytest.approx(optimum, rel=1e-9, abs=1e-9)
    assert solved.proven
    bound, keep = solver.lagrangian(k, list(solved.chosen), solved.saving)
    assert bound >= optimum - 1e-6 * max(optimum, 1.0)
    assert keep[list(solved.chosen)].all()


def test_without_the_milp_the_gap_is_still_a_bound():
    rng = np.random.default_rng(11)
    demand = rng.uniform(0, 3000, (80, 2))
    current = np.full(80, 2500.0)
    w = rng.integers(1, 5, 80).astype(float)
    metric = WalkMetric(1.3)
    pairs = improvement_pairs(demand, current, demand[:9], metric)
    solver = PMedian(w, current, pairs, 9)
    solved = solver.solve(3, exact_limit=0)
    optimum = brute_force(w, current, metric.pairwise(demand, demand[:9]), 3)
    assert solved.saving <= optimum + 1e-9 <= solved.bound + 1e-6
