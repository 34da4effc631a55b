"""Exact p-median on sparse pairs: hand-checked instances, brute force and properties."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geo.analysis import pmedian as pmedian_module
from geo.analysis.metric import WalkMetric
from geo.analysis.pmedian import (
    PMedian,
    build_solver,
    certify,
    improvement_pairs,
    lagrangian_bound,
    narrow,
    pair_counts,
    streamed_rho,
)
from geo.analysis.siting import NARROWED, pmedian
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


# ---------------------------------------------------------------------- large instances
LINE_DEMAND = np.array([[0.0, 0.0], [1000.0, 0.0]])
LINE_CANDIDATES = np.array([[100.0, 0.0], [900.0, 0.0], [2000.0, 0.0]])


def test_pairs_are_counted_before_they_are_built():
    # Straight radius 600 m: each demand point has one candidate within it (hand example above).
    counts = pair_counts(LINE_DEMAND, np.array([600.0, 600.0]), LINE_CANDIDATES, WalkMetric(1.0))
    assert counts.tolist() == [1, 1]
    # No candidates: nothing to count.
    no_candidates = LINE_CANDIDATES[:0]
    assert pair_counts(LINE_DEMAND, np.ones(2), no_candidates, WalkMetric(1.0)).tolist() == [0, 0]


def test_counts_bound_the_pairs_across_the_river(synthetic_river):
    metric = WalkMetric(1.3, synthetic_river.barrier)
    demand = np.array([[X0 + 1100, Y0 + 500], [X0 + 100, Y0 + 500]])
    candidates = np.array([[X0 + 500, Y0 + 500], [X0 + 1000, Y0 + 500]])
    current = np.array([1000.0, 1000.0])
    pairs = improvement_pairs(demand, current, candidates, metric)
    counts = pair_counts(demand, current, candidates, metric)
    assert (np.bincount(pairs.rows, minlength=2) <= counts).all()


@pytest.mark.parametrize("chunk", [1, 2, 3, 7, 10**9])
def test_chunked_pairs_equal_one_query(chunk):
    rng = np.random.default_rng(4)
    demand = rng.uniform(0, 2000, (30, 2))
    current = rng.uniform(100, 1500, 30)
    metric = WalkMetric(1.3)
    whole = improvement_pairs(demand, current, demand[:12], metric)
    chunked = improvement_pairs(demand, current, demand[:12], metric, chunk_pairs=chunk)
    for name in ("rows", "cols", "walk_m", "indptr"):
        assert np.array_equal(getattr(whole, name), getattr(chunked, name))


@pytest.mark.parametrize(
    ("gain", "n_pairs", "k", "budget", "kept"),
    [
        ([5.0, 1.0, 3.0], [2, 2, 2], 1, 4, [0, 2]),  # the two best fit exactly
        ([5.0, 1.0, 3.0], [2, 2, 2], 2, 1, [0, 2]),  # nothing fits: still k candidates
        ([5.0, 1.0, 3.0], [2, 2, 2], 1, 100, [0, 1, 2]),  # everything fits
        ([1.0, 1.0, 1.0], [1, 1, 1], 1, 2, [0, 1]),  # ties keep the candidates' order
        ([0.0, 9.0, 4.0], [0, 5, 1], 1, 5, [1]),  # the best alone fills the budget
    ],
)
def test_narrow_keeps_the_best_candidates_within_the_budget(gain, n_pairs, k, budget, kept):
    assert narrow(np.array(gain), np.array(n_pairs), k, budget).tolist() == kept


@pytest.mark.parametrize(
    ("inside", "outside"),
    [
        ([True, True, False, False], 7.0),  # 9 − 3 + 1: candidate 2 forced into the top two
        ([True, False, True, True], 9.0),  # candidate 1 is in the top two: the whole bound
        ([True, True, True, True], -np.inf),  # nobody outside
    ],
)
def test_lagrangian_bound_by_hand(inside, outside):
    # Σλ = 2, the two largest ρ are 4 + 3: U = 9.
    bound, out = lagrangian_bound(
        np.array([4.0, 3.0, 1.0, 0.0]), np.array([1.5, 0.5]), 2, np.array(inside)
    )
    assert (bound, out) == (9.0, outside)


def test_streamed_rho_equals_the_solvers_gains():
    rng = np.random.default_rng(8)
    demand = rng.uniform(0, 2000, (40, 2))
    current = rng.uniform(300, 1500, 40)
    w = rng.integers(1, 5, 40).astype(float)
    metric = WalkMetric(1.3)
    solver = PMedian(w, current, improvement_pairs(demand, current, demand, metric), 40)
    rho, n_pairs = streamed_rho(demand, w, current, demand, metric, np.zeros(40), chunk_pairs=5)
    assert rho == pytest.approx(solver._gains(current))
    assert n_pairs.tolist() == np.diff(solver.pairs.indptr).tolist()


@pytest.mark.parametrize("limit", [0, 5])
def test_too_many_pairs_are_refused_before_any_is_built(monkeypatch, limit):
    monkeypatch.setattr(pmedian_module, "STREAM_LIMIT", limit)
    built = []
    monkeypatch.setattr(pmedian_module, "walk_pairs", lambda *a, **kw: built.append(1))
    demand = np.array([[0.0, 0.0], [100.0, 0.0], [200.0, 0.0], [300.0, 0.0]])
    with pytest.raises(ValueError, match=r"zu viele mögliche Wege.*Ziel „Abdeckung“.*Stadtteile"):
        pmedian(demand, np.ones(4), np.full(4, 1000.0), demand, 1, detour=1.0)
    assert built == []


def test_a_narrowed_answer_names_its_path_and_a_gap_it_really_has():
    rng = np.random.default_rng(12)
    demand = rng.uniform(0, 3000, (60, 2))
    args = (demand, np.ones(60), np.full(60, 2500.0), demand, 3, 1.3)
    optimal = pmedian(*args)
    # Budget 0: the solver gets only the 3 candidates that save most alone.
    narrowed = pmedian(*args, pair_budget=0)
    assert optimal.status == "optimal"
    assert narrowed.method == NARROWED
    assert narrowed.status == "Lösung mit Lücke zum Optimum"
    assert narrowed.objective > optimal.objective
    # The printed gap is at least the true one (relative to the distance walked after).
    true_gap = (narrowed.objective - optimal.objective) / narrowed.objective
    assert narrowed.gap >= true_gap - 1e-12


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    n=st.integers(1, 25),
    m=st.integers(2, 7),
    k=st.integers(1, 3),
    narrow_budget=st.sampled_from([0, 3, 10, 10**9]),
)
def test_narrowed_path_keeps_the_optimum_and_a_valid_bound(seed, n, m, k, narrow_budget):
    rng = np.random.default_rng(seed)
    demand = rng.uniform(0, 2000, (n, 2))
    candidates = rng.uniform(0, 2000, (m, 2))
    current = rng.uniform(100, 3000, n)
    w = rng.integers(1, 9, n).astype(float)
    metric = WalkMetric(1.3)
    k = min(k, m)
    optimum = brute_force(w, current, metric.pairwise(demand, candidates), k)
    solver, subset = build_solver(
        demand, w, current, candidates, metric, k, 0, narrow_budget, chunk_pairs=4
    )
    if subset is None:  # no pair at all: nothing to narrow
        subset, narrowed = np.arange(m), solver.solve(k)
    else:
        narrowed = certify(solver, solver.solve(k), subset, demand, candidates, metric, k, 4)
    # The answer's saving is real, and the bound brackets the optimum over ALL candidates.
    assert len(set(narrowed.chosen)) == k
    plain = PMedian(w, current, improvement_pairs(demand, current, candidates, metric), m)
    assert plain.total_saving(narrowed.chosen) == pytest.approx(narrowed.saving)
    assert narrowed.saving <= optimum + 1e-9 <= narrowed.bound + 1e-6 * max(optimum, 1.0)
    if narrowed.proven:
        assert narrowed.saving == pytest.approx(optimum, rel=1e-9, abs=1e-9)
    if len(subset) == m:  # the budget was not hit: the same optimum as the plain path
        assert narrowed.proven
        assert narrowed.saving == pytest.approx(plain.solve(k).saving, rel=1e-9, abs=1e-9)
