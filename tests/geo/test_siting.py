"""Siting: tiny instances whose optimum is known by hand or by brute force."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from geo.analysis import pmedian as pmedian_module
from geo.analysis import siting
from geo.analysis.access_kernel import WalkParams
from geo.analysis.siting import (
    BOUNDED,
    EXACT,
    EXACT_REDUCED,
    GREEDY_FALLBACK,
    NOT_PROVEN,
    SitingProblem,
    alternatives,
    gap_text,
    greedy_mclp,
    pmedian,
    solve_mclp,
    status_text,
)


def line_problem() -> SitingProblem:
    """Six demand points on a line and four candidates; greedy is not optimal for k = 2.

    Weights 15, 10, 10, 10, 10, 15. Candidate 0 covers the middle four (40), candidate 1 the
    left three (35), candidate 2 the right three (35), candidate 3 nothing. Greedy takes 0 and
    then adds 15; the best pair is 1 + 2 with 70.
    """
    weights = np.array([15.0, 10.0, 10.0, 10.0, 10.0, 15.0])
    cover = np.array(
        [
            # c0 c1 c2 c3
            [0, 1, 0, 0],
            [1, 1, 0, 0],
            [1, 1, 0, 0],
            [1, 0, 1, 0],
            [1, 0, 1, 0],
            [0, 0, 1, 0],
        ]
    )
    return SitingProblem(
        weights, sp.csc_matrix(cover.astype(float)), np.arange(8.0).reshape(4, 2) * 1000
    )


def brute_force(problem: SitingProblem, k: int) -> float:
    return max(
        problem.value(list(c)) for c in itertools.combinations(range(problem.n_candidates), k)
    )


def test_greedy_is_beaten_by_the_exact_solution():
    problem = line_problem()
    chosen, values = greedy_mclp(problem, 2)
    assert chosen[0] == 0  # 40 people alone, the best single site
    assert values[-1] == 55  # then c1 or c2 adds only 15
    exact = solve_mclp(problem, 2)
    assert exact.objective == 70
    assert set(exact.chosen) == {1, 2}
    assert exact.status == "optimal"
    assert exact.gap == 0
    assert exact.curve == (40.0, 70.0)


def test_covered_demand_does_not_count_again():
    problem = line_problem()
    covered = np.array([True, False, False, False, False, True])
    reduced = SitingProblem.from_cost_matrix(
        np.where(problem.cover.toarray() > 0, 0.0, 9_999.0),
        problem.weights,
        500,
        problem.candidate_xy,
        covered,
    )
    assert solve_mclp(reduced, 1).objective == 40
    assert solve_mclp(reduced, 2).objective == 40  # the ends are covered already
    assert reduced.weights.tolist() == [0, 10, 10, 10, 10, 0]


def test_from_points_uses_walking_distance():
    demand = np.array([[0.0, 0.0], [380.0, 0.0], [400.0, 0.0]])
    problem = SitingProblem.from_points(
        demand, np.ones(3), np.array([[0.0, 0.0]]), WalkParams(max_walk_m=500, detour=1.3)
    )
    # 500 m walking = 384.6 m straight: the point at 400 m is out.
    assert problem.cover.toarray().ravel().tolist() == [1, 1, 0]


@pytest.mark.parametrize(
    ("k", "message"), [(0, "1 bis 10"), (11, "1 bis 10"), (5, "Nur 4 Kandidaten")]
)
def test_invalid_k(k, message):
    with pytest.raises(ValueError, match=message):
        solve_mclp(line_problem(), k)


def test_alternatives_are_near_optimal_and_distinct():
    problem = line_problem()
    alts = alternatives(problem, (1, 2), tolerance=0.5, min_separation_m=100)
    for alt in alts:
        assert alt.share >= 0.5
        assert alt.candidate not in (1, 2)
    assert any(a.replaces == 1 and a.candidate == 0 for a in alts)  # c0 + c2 = 55 ≥ 35


instances = st.integers(min_value=0, max_value=10_000)


@settings(max_examples=60, deadline=None)
@given(seed=instances, k=st.integers(1, 3))
def test_exact_equals_brute_force_and_bounds_greedy(seed, k):
    rng = np.random.default_rng(seed)
    n, m = rng.integers(4, 14), rng.integers(3, 9)
    cover = (rng.random((n, m)) < 0.3).astype(float)
    problem = SitingProblem(
        rng.integers(0, 20, n).astype(float), sp.csc_matrix(cover), rng.random((m, 2)) * 5000
    )
    assume(m >= k)
    exact = solve_mclp(problem, k)
    assert exact.objective == pytest.approx(brute_force(problem, k))
    assert problem.value(list(exact.chosen)) == pytest.approx(exact.objective)
    _, greedy = greedy_mclp(problem, k)
    assert greedy[-1] <= exact.objective + 1e-9  # greedy never beats exact
    # The optimum for k + 1 is never below the one for k.
    assert all(b >= a - 1e-9 for a, b in itertools.pairwise(exact.curve))


def test_pmedian_exact_matches_brute_force():
    rng = np.random.default_rng(3)
    demand = rng.random((30, 2)) * 3000
    weights = rng.integers(1, 10, 30).astype(float)
    current = np.full(30, 4000.0)
    candidates = rng.random((7, 2)) * 3000
    result = pmedian(demand, weights, current, candidates, 2, detour=1.3)
    assert result.method.startswith("exakt")

    def mean(combo):
        d = (
            np.hypot(*(demand[:, None, :] - candidates[None, list(combo), :]).transpose(2, 0, 1))
            * 1.3
        )
        return (weights * np.minimum(current, d.min(axis=1))).sum() / weights.sum()

    best = min(mean(c) for c in itertools.combinations(range(7), 2))
    assert result.objective == pytest.approx(best)
    bounded = pmedian(demand, weights, current, candidates, 2, detour=1.3, exact_limit=0)
    assert bounded.objective >= best - 1e-9
    # Without the MILP the Lagrangian bound still brackets the optimum.
    assert bounded.objective * (1 - bounded.gap) <= best + 1e-9
    assert result.curve[1] <= result.curve[0]


class _NoSolution:
    """What scipy's milp returns when the time limit ends without a feasible solution."""

    x = None
    status = 1
    fun = None


def test_mclp_fallback_is_labelled_as_greedy(monkeypatch):
    assert solve_mclp(line_problem(), 2).method == EXACT
    monkeypatch.setattr("geo.analysis.siting.milp", lambda *a, **kw: _NoSolution())
    result = solve_mclp(line_problem(), 2)
    assert result.method == GREEDY_FALLBACK
    assert "exakt" not in result.method
    assert result.objective == pytest.approx(55.0)  # greedy: 40 + 15, not the optimum 70
    # No solution, no bound: nothing proven, no gap claimed.
    assert result.status == NOT_PROVEN
    assert np.isnan(result.gap)


def test_greedy_equal_to_the_proven_bound_is_optimal(monkeypatch):
    # k = 2: greedy takes candidates 0 and 1 (55). A MILP whose incumbent misses that by its
    # tolerance but proves the bound 55 shows the greedy sites are optimal – not "mit Lücke".
    def tolerant(problem, k, keep, time_limit):
        return [1, 2], 55.0 - 1e-7, 55.0 - 1e-7, 0, 0.0

    monkeypatch.setattr(siting, "_solve_mclp_milp", tolerant)
    result = solve_mclp(line_problem(), 2)
    assert (result.chosen, result.objective) == ((0, 1), 55.0)
    assert (result.method, result.status, result.gap) == (EXACT, "optimal", 0.0)


def test_greedy_reaching_the_upper_bound_needs_no_milp(monkeypatch):
    # Candidates 1 and 2 cover every demand point (70): from k = 2 on nothing more can be
    # covered; k = 1 is the best single gain. Neither needs the MILP.
    monkeypatch.setattr(siting, "milp", lambda *a, **kw: pytest.fail("MILP not needed"))
    problem = SitingProblem(
        line_problem().weights,
        sp.csc_matrix(
            np.array([[0, 1, 0], [0, 1, 0], [0, 1, 0], [0, 0, 1], [0, 0, 1], [0, 0, 1]], float)
        ),
        np.arange(6.0).reshape(3, 2),
    )
    one = solve_mclp(problem, 1)
    assert (one.objective, one.method, one.status) == (35.0, siting.BOUND_REACHED, "optimal")
    three = solve_mclp(problem, 3)
    assert three.curve == (35.0, 70.0, 70.0)
    assert sorted(three.chosen) == [0, 1, 2]  # k sites: the one adding nobody fills up
    assert (three.method, three.status, three.gap) == (siting.BOUND_REACHED, "optimal", 0.0)


def test_greedy_below_the_bound_keeps_its_gap(monkeypatch):
    def timed_out(problem, k, keep, time_limit):
        return [0, 3], 40.0, 60.0, 1, 0.33

    monkeypatch.setattr(siting, "_solve_mclp_milp", timed_out)
    result = solve_mclp(line_problem(), 2)
    assert result.method == GREEDY_FALLBACK
    assert result.gap == pytest.approx(5 / 60)  # (60 − 55) / 60: greedy's own gap to the bound
    assert result.status == "Zeit- oder Iterationslimit erreicht"


def test_pmedian_without_milp_answer_claims_only_the_bound(monkeypatch):
    # A loose bound forces the MILP; when it returns nothing, the heuristic answers.
    monkeypatch.setattr(pmedian_module, "milp", lambda *a, **kw: _NoSolution())
    monkeypatch.setattr(
        pmedian_module.PMedian,
        "lagrangian",
        lambda self, k, incumbent, saving, iterations=300: (2 * saving, np.ones(self.m, bool)),
    )
    rng = np.random.default_rng(5)
    demand = rng.uniform(0, 2000, (20, 2))
    result = pmedian(demand, np.ones(20), np.full(20, 5000.0), demand, 2, detour=1.0)
    assert result.method == siting.BOUNDED
    assert "exakt" not in result.method
    assert result.status == "Zeit- oder Iterationslimit erreicht"
    assert 0 < result.gap <= 1


@pytest.mark.parametrize(
    ("method", "code", "gap", "status", "words"),
    [
        (EXACT, 0, 0.0, "optimal", "0 % (nachgewiesen)"),
        (EXACT, 1, 0.0125, "Zeit- oder Iterationslimit erreicht", "höchstens 1,25 %"),
        (GREEDY_FALLBACK, 1, 0.03, "Zeit- oder Iterationslimit erreicht", "höchstens 3,00 %"),
        (EXACT_REDUCED, 0, 0.0, "optimal", "0 % (nachgewiesen)"),
        (BOUNDED, 0, 0.004, "Lösung mit Lücke zum Optimum", "höchstens 0,40 %"),
        (BOUNDED, 0, float("nan"), NOT_PROVEN, "nicht bestimmt"),
        (EXACT, 1, float("nan"), NOT_PROVEN, "nicht bestimmt"),
    ],
)
def test_status_claims_only_what_was_proven(method, code, gap, status, words):
    assert status_text(method, code, gap) == status
    assert gap_text(gap) == words


def test_p_median_says_optimal_only_with_a_zero_gap():
    rng = np.random.default_rng(3)
    xy = rng.uniform(0, 3000, (60, 2))
    for limit in (0, 20_000):
        result = pmedian(xy, np.ones(60), np.full(60, np.inf), xy, 2, 1.3, exact_limit=limit)
        assert (result.status == "optimal") == (result.gap == 0.0)
        assert (result.method == EXACT_REDUCED) == (result.gap == 0.0)


@pytest.mark.parametrize("k", [0, siting.MAX_K_PMEDIAN + 1, siting.MAX_K])
def test_pmedian_refuses_k_beyond_its_limit_and_names_the_alternative(k):
    demand = np.array([[0.0, 0.0], [100.0, 0.0]])
    with pytest.raises(ValueError, match="Ziel „Abdeckung“"):
        pmedian(demand, np.ones(2), np.full(2, 1000.0), demand, k, detour=1.3)
