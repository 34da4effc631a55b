"""Exact p-median with fixed existing places: sparse pairs, a Lagrangian bound, a reduced MILP.

Each person walks to the nearest place, existing or new. Only pairs (person ``i``, candidate
``j``) where ``j`` is closer than ``i``'s current place matter; with the saving
``sᵢⱼ = wᵢ (currentᵢ − dᵢⱼ) > 0`` the problem is

    max Σ sᵢⱼ zᵢⱼ   s.t.  Σⱼ zᵢⱼ ≤ 1,   zᵢⱼ ≤ xⱼ,   Σⱼ xⱼ = k,   x binary.

Three steps, each cheap on sparse pairs:

1. **Heuristic** – greedy plus vertex substitution (Teitz–Bart) gives an incumbent ``S``.
2. **Lagrangian bound** – relaxing ``Σⱼ zᵢⱼ ≤ 1`` with multipliers ``λᵢ ≥ 0`` gives
   ``U(λ) = Σ λᵢ + (sum of the k largest ρⱼ)``, ``ρⱼ = Σᵢ (sᵢⱼ − λᵢ)⁺``, an upper bound on every
   solution; subgradient steps lower it. A candidate ``j`` whose own bound (``j`` forced in)
   stays below ``S`` cannot be part of a better solution and is dropped (variable fixing).
3. **Reduced MILP** (HiGHS, :func:`scipy.optimize.milp`) over the remaining candidates and
   their pairs proves the optimum; when only the incumbent's sites remain, the bound alone
   proves it.

The gap reported is the one proven: 0 for an optimum, else (objective − bound) / objective.

**Memory is decided before it is spent.** :func:`pair_counts` counts the pairs with the
KD-tree alone (an upper bound, no pair built) and :func:`build_solver` chooses the path:

* up to :data:`PAIR_BUDGET` pairs – the steps above on all candidates (pairs built in chunks);
* up to :data:`STREAM_LIMIT` – one streamed pass (:func:`streamed_rho`, one chunk in memory)
  finds what each candidate saves alone; the steps above run on the best candidates whose
  pairs fit :data:`NARROW_BUDGET` (:func:`narrow`), and a second streamed pass with the
  narrowed solver's multipliers bounds every solution over *all* candidates
  (:func:`lagrangian_bound`, :func:`certify`) – "optimal" only if the answer reaches it;
* beyond – a German ``ValueError`` naming the alternatives (the MCLP, fewer candidates).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.optimize import Bounds, LinearConstraint, milp

from geo.analysis.metric import WalkMetric
from geo.analysis.spatial_pairs import SLACK_M, pairs_within_radii
from indicators.format import format_number

#: Relative tolerance under which a bound counts as reached (HiGHS's own feasibility scale).
TOLERANCE = 1e-9
#: Improvement pairs the exact path may hold (≈ 60 bytes each with the solver's arrays, so
#: ≈ 1.2 GB); beyond it the solver works on the most promising candidates (:func:`narrow`).
PAIR_BUDGET = 20_000_000
#: Pairs of the narrowed candidates (:func:`narrow`): the bound's iterations over them take
#: most of the time, and the pass over all candidates bounds the rest anyway.
NARROW_BUDGET = 5_000_000
#: Pairs of one chunk of the KD-tree query (its Python lists cost ≈ 40 bytes a pair).
CHUNK_PAIRS = 2_000_000
#: Most pairs the two streamed passes over all candidates may visit (each ≈ 5–10 s at this
#: size on two shared cores); beyond it the p-median is refused before anything is built.
STREAM_LIMIT = 60_000_000


@dataclass(frozen=True)
class Pairs:
    """Sparse improvement pairs, sorted by candidate.

    Attributes
    ----------
    rows, cols : numpy.ndarray
        ``(p,)`` demand and candidate index of each pair.
    walk_m : numpy.ndarray
        ``(p,)`` walking metres of the pair (strictly below the demand point's current).
    indptr : numpy.ndarray
        ``(m + 1,)`` pairs of candidate ``j`` are ``indptr[j]:indptr[j + 1]``.
    """

    rows: np.ndarray
    cols: np.ndarray
    walk_m: np.ndarray
    indptr: np.ndarray

    def of(self, j: int) -> slice:
        """The pairs of candidate ``j``."""
        return slice(self.indptr[j], self.indptr[j + 1])


def pair_counts(
    demand_xy: np.ndarray, current_m: np.ndarray, candidate_xy: np.ndarray, metric: WalkMetric
) -> np.ndarray:
    """Improvement pairs per demand point, counted without building them.

    The KD-tree only counts the candidates within each straight radius ``current / detour``,
    so this is an upper bound (the walk filter and the river only remove pairs), cheap enough
    to decide how to solve before any pair is held in memory.

    Parameters
    ----------
    demand_xy, current_m, candidate_xy, metric
        As in :func:`improvement_pairs`.

    Returns
    -------
    numpy.ndarray
        ``(n,)`` int64.
    """
    from scipy.spatial import cKDTree  # imported on use: the first page needs no KD-tree

    a = np.asarray(demand_xy, dtype=float).reshape(-1, 2)
    b = np.asarray(candidate_xy, dtype=float).reshape(-1, 2)
    if len(a) == 0 or len(b) == 0:
        return np.zeros(len(a), dtype=np.int64)
    radius = np.asarray(current_m, dtype=float) / metric.detour + SLACK_M
    return np.asarray(cKDTree(b).query_ball_point(a, radius, return_length=True), np.int64)


def walk_pairs(
    demand_xy: np.ndarray,
    current_m: np.ndarray,
    candidate_xy: np.ndarray,
    metric: WalkMetric,
    chunk_pairs: int = CHUNK_PAIRS,
) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Improvement pairs in chunks of consecutive demand points of about ``chunk_pairs``.

    Only one chunk's KD-tree hits are held at a time; rows stay ascending and each demand
    point's candidates come in the KD-tree's own order, so concatenating the chunks gives
    the pairs of a single query.

    Yields
    ------
    rows, cols, walk_m : numpy.ndarray
        Demand index, candidate index and walking metres (below the current) of each pair.
    """
    a = np.asarray(demand_xy, dtype=float).reshape(-1, 2)
    b = np.asarray(candidate_xy, dtype=float).reshape(-1, 2)
    current = np.asarray(current_m, dtype=float)
    radius = current / metric.detour + SLACK_M
    ends = np.cumsum(pair_counts(a, current, b, metric))
    lo = 0
    while lo < len(a):
        # the next chunk ends where its counted pairs reach the size (at least one point)
        before = ends[lo - 1] if lo else 0
        hi = max(int(np.searchsorted(ends, before + chunk_pairs, side="right")), lo + 1)
        rows, cols = pairs_within_radii(a[lo:hi], b, radius[lo:hi])
        rows += lo
        length = np.hypot(a[rows, 0] - b[cols, 0], a[rows, 1] - b[cols, 1])
        if metric.barrier is not None:
            length = metric.barrier.pair_lengths(a, b, rows, cols, length)
        walk = length * metric.detour
        keep = walk < current[rows]
        yield rows[keep], cols[keep], walk[keep]
        lo = hi


def improvement_pairs(
    demand_xy: np.ndarray,
    current_m: np.ndarray,
    candidate_xy: np.ndarray,
    metric: WalkMetric,
    chunk_pairs: int = CHUNK_PAIRS,
) -> Pairs:
    """Pairs (demand point, candidate) where the candidate is closer than the current place.

    A KD-tree query per demand point with its own straight radius ``current / detour`` (a
    route is never shorter than the straight line) finds every such pair; walking metres use
    the same arithmetic as :meth:`geo.analysis.metric.WalkMetric.pairwise`. The query runs in
    chunks (:func:`walk_pairs`), so the KD-tree's lists never hold all pairs at once.

    Parameters
    ----------
    demand_xy : numpy.ndarray
        ``(n, 2)`` demand points.
    current_m : numpy.ndarray
        ``(n,)`` walking metres to the nearest existing place (finite).
    candidate_xy : numpy.ndarray
        ``(m, 2)`` candidates.
    metric : geo.analysis.metric.WalkMetric
        Detour and barrier.
    chunk_pairs : int
        Pairs per chunk of the query.

    Returns
    -------
    Pairs
    """
    m = len(np.asarray(candidate_xy).reshape(-1, 2))
    parts = list(walk_pairs(demand_xy, current_m, candidate_xy, metric, chunk_pairs))
    empty = np.zeros(0, dtype=np.int64)
    rows = np.concatenate([empty] + [r for r, _, _ in parts])
    cols = np.concatenate([empty] + [c for _, c, _ in parts])
    walk = np.concatenate([np.zeros(0)] + [w for _, _, w in parts])
    del parts
    order = np.argsort(cols, kind="stable")  # rows stay ascending within a candidate
    rows, cols, walk = rows[order], cols[order], walk[order]
    indptr = np.zeros(m + 1, dtype=np.int64)
    np.cumsum(np.bincount(cols, minlength=m), out=indptr[1:])
    return Pairs(rows, cols, walk, indptr)


@dataclass(frozen=True)
class Solution:
    """A p-median answer for one ``k``.

    Attributes
    ----------
    chosen : tuple of int
        Candidate indices.
    saving : float
        ``Σ wᵢ (currentᵢ − new distanceᵢ)`` of the chosen sites.
    bound : float
        Proven upper bound on the saving of any ``k`` sites (≥ ``saving``).
    proven : bool
        True if the bound proves ``chosen`` optimal (within :data:`TOLERANCE`).
    milp_status : int
        HiGHS status of the reduced MILP (0 also when no MILP was needed).
    kept : int
        Candidates left after variable fixing.
    """

    chosen: tuple[int, ...]
    saving: float
    bound: float
    proven: bool
    milp_status: int
    kept: int


class PMedian:
    """One instance: demand weights, current distances and improvement pairs.

    Parameters
    ----------
    weights : numpy.ndarray
        ``(n,)`` people (≥ 0).
    current_m : numpy.ndarray
        ``(n,)`` finite walking metres to the nearest existing place.
    pairs : Pairs
        :func:`improvement_pairs`.
    n_candidates : int
        ``m``.
    """

    def __init__(
        self, weights: np.ndarray, current_m: np.ndarray, pairs: Pairs, n_candidates: int
    ) -> None:
        self.w = np.asarray(weights, dtype=float)
        self.current = np.asarray(current_m, dtype=float)
        self.pairs = pairs
        self.m = n_candidates
        self.saving = self.w[pairs.rows] * (self.current[pairs.rows] - pairs.walk_m)
        #: ``λ`` of the best bound of the last :meth:`lagrangian` (valid for any candidates)
        self.multipliers: np.ndarray | None = None

    # ------------------------------------------------------------------ heuristic
    def best_after(self, chosen: list[int] | tuple[int, ...]) -> np.ndarray:
        """``(n,)`` walking metres to the nearest place with ``chosen`` added."""
        best = self.current.copy()
        for j in chosen:
            s = self.pairs.of(j)
            rows = self.pairs.rows[s]
            best[rows] = np.minimum(best[rows], self.pairs.walk_m[s])
        return best

    def _gains(self, best: np.ndarray) -> np.ndarray:
        """What each candidate would save on top of the distances ``best``."""
        p = self.pairs
        gain = self.w[p.rows] * np.maximum(best[p.rows] - p.walk_m, 0.0)
        # float even without pairs (an empty bincount is integer)
        return np.bincount(p.cols, weights=gain, minlength=self.m).astype(float)

    def heuristic(self, k: int, start: list[int] | tuple[int, ...] = ()) -> list[int]:
        """Greedy completion of ``start`` to ``k`` sites, then single swaps while they help."""
        chosen = list(start)
        best = self.best_after(chosen)
        while len(chosen) < k:
            gains = self._gains(best)
            gains[chosen] = -1.0
            j = int(np.argmax(gains))
            chosen.append(j)
            best = self.best_after(chosen)
        improved = True
        while improved:
            improved = False
            for pos in range(len(chosen)):
                others = chosen[:pos] + chosen[pos + 1 :]
                base = self.best_after(others)
                gains = self._gains(base)
                gains[others] = -np.inf
                j = int(np.argmax(gains))
                if j != chosen[pos] and gains[j] > gains[chosen[pos]] * (1 + TOLERANCE) + 1e-9:
                    chosen[pos], improved = j, True
        return chosen

    def total_saving(self, chosen: list[int] | tuple[int, ...]) -> float:
        """Saving of a set of candidates."""
        return float((self.w * (self.current - self.best_after(chosen))).sum())

    # ------------------------------------------------------------------ bound
    def lagrangian(
        self, k: int, incumbent: list[int], saving: float, iterations: int = 300
    ) -> tuple[float, np.ndarray]:
        """Lagrangian upper bound on the saving, and the candidates it cannot rule out.

        Starts from ``λᵢ`` = the saving ``i`` gets in the incumbent (complementary slackness)
        and takes subgradient steps (Polyak towards the incumbent, step factor halved when
        the bound stalls). After every step, candidates whose bound with themselves forced
        in falls below the incumbent are dropped for good, together with their pairs: a
        solution containing them cannot beat the incumbent, so the bound of the remaining
        problem is a bound of the whole one, and the steps get cheaper as it shrinks.

        Returns
        -------
        bound : float
            Upper bound on the saving of any ``k`` candidates.
        keep : numpy.ndarray
            ``(m,)`` bool: candidates not ruled out (always including the incumbent's).
        """
        p = self.pairs
        keep = np.ones(self.m, dtype=bool)
        rows, cols, saving_ij = p.rows, p.cols, self.saving
        lam = self.w * (self.current - self.best_after(incumbent))
        self.multipliers = lam
        tol = TOLERANCE * max(saving, 1.0)
        best_u, theta, stall = np.inf, 2.0, 0
        for _ in range(iterations):
            reduced = np.maximum(saving_ij - lam[rows], 0.0)
            rho = np.bincount(cols, weights=reduced, minlength=self.m).astype(float)
            active = np.flatnonzero(keep)
            if len(active) <= k:
                return max(best_u if np.isfinite(best_u) else saving, saving), keep
            top = active[np.argpartition(-rho[active], k - 1)[:k]]
            kth = rho[top].min()
            u = float(lam.sum() + rho[top].sum())
            if not u >= best_u - 1e-12 * max(1.0, u):
                best_u, stall, self.multipliers = u, 0, lam
            else:
                stall += 1
                if stall >= 5:
                    theta, stall = theta / 2, 0
            # Variable fixing with this λ: j forced in = the k − 1 largest others plus ρⱼ.
            forced = np.where(rho >= kth, u, u - kth + rho)
            drop = keep & (forced < saving - tol)
            drop[incumbent] = False
            if drop.any():
                keep &= ~drop
                alive = keep[cols]
                if alive.mean() < 0.8:
                    rows, cols, saving_ij = rows[alive], cols[alive], saving_ij[alive]
                    reduced = reduced[alive]
            if best_u - saving <= tol or theta < 1e-3:
                break
            in_top = np.zeros(self.m, dtype=bool)
            in_top[top] = True
            used = np.bincount(rows[(reduced > 0) & in_top[cols]], minlength=len(lam))
            grad = 1.0 - used
            grad[(lam <= 0) & (grad > 0)] = 0.0
            norm = float((grad * grad).sum())
            if norm == 0:
                break
            lam = np.maximum(lam - theta * (u - saving) / norm * grad, 0.0)
        return max(best_u, saving), keep

    # ------------------------------------------------------------------ exact
    def solve(
        self, k: int, start: list[int] | tuple[int, ...] = (), exact_limit: int = 20_000,
        time_limit: float = 30.0,
    ) -> Solution:  # fmt: skip
        """Heuristic, bound, variable fixing and (if needed) the reduced MILP for ``k`` sites."""
        chosen = self.heuristic(k, start)
        saving = self.total_saving(chosen)
        bound, keep = self.lagrangian(k, chosen, saving)
        tol = TOLERANCE * max(saving, 1.0)
        kept = np.flatnonzero(keep)
        if bound <= saving + tol or len(kept) <= k:
            return Solution(tuple(chosen), saving, max(bound, saving), True, 0, len(kept))
        p = self.pairs
        in_pairs = keep[p.cols]
        if in_pairs.sum() > exact_limit:
            return Solution(tuple(chosen), saving, max(bound, saving), False, 0, len(kept))
        found, status, milp_bound = self._milp(k, kept, in_pairs, time_limit)
        if found is not None:
            found_saving = self.total_saving(found)
            if found_saving > saving:
                chosen, saving = found, found_saving
        bound = min(bound, max(milp_bound, saving))
        proven = status == 0 and bound <= saving + tol
        return Solution(tuple(chosen), saving, max(bound, saving), proven, status, len(kept))

    def _milp(
        self, k: int, kept: np.ndarray, in_pairs: np.ndarray, time_limit: float
    ) -> tuple[list[int] | None, int, float]:
        """Max Σ s z, Σⱼ zᵢⱼ ≤ 1, zᵢⱼ ≤ xⱼ, Σ x = k over the kept candidates."""
        p = self.pairs
        col_of = np.full(self.m, -1)
        col_of[kept] = np.arange(len(kept))
        rows_all, cols = p.rows[in_pairs], col_of[p.cols[in_pairs]]
        users, rows = np.unique(rows_all, return_inverse=True)
        n_pairs, m = len(rows), len(kept)
        ids = np.arange(n_pairs)
        one_each = sp.csr_matrix(
            (np.ones(n_pairs), (rows, m + ids)), shape=(len(users), m + n_pairs)
        )
        link = sp.csr_matrix(
            (np.r_[np.ones(n_pairs), -np.ones(n_pairs)], (np.r_[ids, ids], np.r_[m + ids, cols])),
            shape=(n_pairs, m + n_pairs),
        )
        count = np.r_[np.ones(m), np.zeros(n_pairs)][None, :]
        result = milp(
            np.r_[np.zeros(m), -self.saving[in_pairs]],
            constraints=[
                LinearConstraint(one_each, -np.inf, 1.0),
                LinearConstraint(link, -np.inf, 0.0),
                LinearConstraint(count, k, k),
            ],
            integrality=np.r_[np.ones(m), np.zeros(n_pairs)],
            bounds=Bounds(0.0, 1.0),
            options={"time_limit": time_limit, "mip_rel_gap": 0.0},
        )
        dual = getattr(result, "mip_dual_bound", None)
        bound = -float(dual) if dual is not None and np.isfinite(dual) else np.inf
        if result.x is None:
            return None, int(result.status), bound
        found = [int(kept[j]) for j in np.flatnonzero(result.x[:m] > 0.5)]
        return found, int(result.status), bound


# ---------------------------------------------------------------------- large instances
def streamed_rho(
    demand_xy: np.ndarray,
    weights: np.ndarray,
    current_m: np.ndarray,
    candidate_xy: np.ndarray,
    metric: WalkMetric,
    lam: np.ndarray,
    chunk_pairs: int = CHUNK_PAIRS,
) -> tuple[np.ndarray, np.ndarray]:
    """``ρⱼ = Σᵢ (sᵢⱼ − λᵢ)⁺`` and the pairs of every candidate, one chunk of pairs at a time.

    With ``λ = 0``, ``ρⱼ`` is what candidate ``j`` alone would save. Memory stays at one chunk
    (:func:`walk_pairs`) however many pairs there are.

    Parameters
    ----------
    demand_xy, weights, current_m, candidate_xy, metric
        The instance (as in :class:`PMedian` and :func:`improvement_pairs`).
    lam : numpy.ndarray
        ``(n,)`` multipliers ``λᵢ ≥ 0``.
    chunk_pairs : int
        Pairs per chunk.

    Returns
    -------
    rho : numpy.ndarray
        ``(m,)`` float.
    n_pairs : numpy.ndarray
        ``(m,)`` improvement pairs per candidate.
    """
    m = len(np.asarray(candidate_xy).reshape(-1, 2))
    w, current = np.asarray(weights, dtype=float), np.asarray(current_m, dtype=float)
    rho, n_pairs = np.zeros(m), np.zeros(m, dtype=np.int64)
    for rows, cols, walk in walk_pairs(demand_xy, current, candidate_xy, metric, chunk_pairs):
        reduced = np.maximum(w[rows] * (current[rows] - walk) - lam[rows], 0.0)
        rho += np.bincount(cols, weights=reduced, minlength=m)
        n_pairs += np.bincount(cols, minlength=m)
    return rho, n_pairs


def narrow(gain: np.ndarray, n_pairs: np.ndarray, k: int, budget: int) -> np.ndarray:
    """The candidates that save most alone, as many as their pairs fit ``budget`` (≥ ``k``).

    Parameters
    ----------
    gain : numpy.ndarray
        ``(m,)`` what each candidate alone would save (:func:`streamed_rho` with ``λ = 0``).
    n_pairs : numpy.ndarray
        ``(m,)`` its improvement pairs.
    k : int
        Sites to choose.
    budget : int
        Most pairs of the kept candidates together.

    Returns
    -------
    numpy.ndarray
        Sorted candidate indices.
    """
    order = np.argsort(-gain, kind="stable")
    fits = int((np.cumsum(n_pairs[order]) <= budget).sum())  # a prefix: the sum only grows
    return np.sort(order[: max(fits, k)])


def lagrangian_bound(
    rho: np.ndarray, lam: np.ndarray, k: int, inside: np.ndarray
) -> tuple[float, float]:
    """The Lagrangian bound over all candidates, and the bound of solutions leaving ``inside``.

    ``U(λ) = Σ λᵢ + (sum of the k largest ρⱼ)`` bounds every ``k`` sites; a solution that
    contains ``j`` is bounded by ``U`` with ``ρⱼ`` forced into the top ``k``.

    Parameters
    ----------
    rho : numpy.ndarray
        ``(m,)`` :func:`streamed_rho` for ``lam``.
    lam : numpy.ndarray
        ``(n,)`` the multipliers.
    k : int
        Sites (≤ m).
    inside : numpy.ndarray
        ``(m,)`` bool: the candidates the narrowed solver had.

    Returns
    -------
    bound : float
        ``U(λ)``.
    outside : float
        Largest bound of a solution with at least one candidate outside (``-inf`` if none).
    """
    top = np.argpartition(-rho, k - 1)[:k]
    kth = rho[top].min()
    bound = float(lam.sum() + rho[top].sum())
    forced = np.where(rho >= kth, bound, bound - kth + rho)
    return bound, float(forced[~inside].max(initial=-np.inf))


def build_solver(
    demand_xy: np.ndarray,
    weights: np.ndarray,
    current_m: np.ndarray,
    candidate_xy: np.ndarray,
    metric: WalkMetric,
    k: int,
    pair_budget: int = PAIR_BUDGET,
    narrow_budget: int = NARROW_BUDGET,
    chunk_pairs: int = CHUNK_PAIRS,
) -> tuple[PMedian, np.ndarray | None]:
    """The solver for an instance, its size decided before any pair is held in memory.

    Up to ``pair_budget`` counted pairs (:func:`pair_counts`) it gets every candidate.
    Beyond, one streamed pass finds what each candidate saves alone, and the solver gets
    the best ones whose pairs fit ``narrow_budget`` (:func:`narrow`); :func:`certify` bounds
    the answer over all candidates. Beyond :data:`STREAM_LIMIT` pairs it refuses.

    Parameters
    ----------
    demand_xy, weights, current_m, candidate_xy, metric
        The instance (demand with people only, finite current distances).
    k : int
        Sites to choose.
    pair_budget, narrow_budget, chunk_pairs : int
        Most pairs the solver holds with all candidates and with the narrowed ones; pairs per
        chunk of a streamed pass.

    Returns
    -------
    solver : PMedian
    subset : numpy.ndarray or None
        Candidate indices of the solver's candidates, None if it has all.

    Raises
    ------
    ValueError
        If the instance has more than :data:`STREAM_LIMIT` pairs (German, names the
        alternatives).
    """
    n_pairs = int(pair_counts(demand_xy, current_m, candidate_xy, metric).sum())
    if n_pairs > STREAM_LIMIT:
        raise ValueError(
            "Für „möglichst kurze Wege“ sind es zu viele mögliche Wege zwischen Zellen und "
            f"Kandidaten ({format_number(n_pairs / 1e6, 0)} Mio., höchstens "
            f"{format_number(STREAM_LIMIT / 1e6, 0)} Mio. lassen sich in vertretbarer Zeit "
            "prüfen). Das Ziel „Abdeckung“ wählen oder die Kandidaten auf einzelne Stadtteile "
            "beschränken."
        )
    w, current = np.asarray(weights, dtype=float), np.asarray(current_m, dtype=float)
    cand = np.asarray(candidate_xy, dtype=float).reshape(-1, 2)
    if n_pairs <= pair_budget:
        pairs = improvement_pairs(demand_xy, current, cand, metric, chunk_pairs)
        return PMedian(w, current, pairs, len(cand)), None
    zero = np.zeros(len(w))
    gain, per = streamed_rho(demand_xy, w, current, cand, metric, zero, chunk_pairs)
    subset = narrow(gain, per, k, min(pair_budget, narrow_budget))
    pairs = improvement_pairs(demand_xy, current, cand[subset], metric, chunk_pairs)
    return PMedian(w, current, pairs, len(subset)), subset


def certify(
    solver: PMedian,
    solved: Solution,
    subset: np.ndarray,
    demand_xy: np.ndarray,
    candidate_xy: np.ndarray,
    metric: WalkMetric,
    k: int,
    chunk_pairs: int = CHUNK_PAIRS,
) -> Solution:
    """A narrowed solver's answer in all candidates' indices, with a bound over all of them.

    A solution of only the narrowed candidates is bounded by the narrowed solver's own
    bound; one with a candidate outside by the Lagrangian bound with that candidate forced
    in (one streamed pass with the solver's best multipliers). The larger of the two, capped
    by ``U(λ)``, bounds every ``k`` sites; the answer is proven only if it reaches it.

    Parameters
    ----------
    solver : PMedian
        The narrowed solver (:func:`build_solver`).
    solved : Solution
        Its answer (indices into ``subset``).
    subset : numpy.ndarray
        The narrowed candidates.
    demand_xy, candidate_xy, metric, k, chunk_pairs
        The whole instance, as given to :func:`build_solver`.

    Returns
    -------
    Solution
    """
    lam = solver.multipliers
    if lam is None:  # no bound was computed: the incumbent's own savings (still valid)
        lam = solver.w * (solver.current - solver.best_after(solved.chosen))
    cand = np.asarray(candidate_xy, dtype=float).reshape(-1, 2)
    rho, _ = streamed_rho(demand_xy, solver.w, solver.current, cand, metric, lam, chunk_pairs)
    inside = np.zeros(len(cand), dtype=bool)
    inside[subset] = True
    whole, outside = lagrangian_bound(rho, lam, k, inside)
    bound = max(min(whole, max(solved.bound, outside)), solved.saving)
    proven = bound <= solved.saving + TOLERANCE * max(solved.saving, 1.0)
    chosen = tuple(int(subset[j]) for j in solved.chosen)
    return Solution(chosen, solved.saving, bound, proven, solved.milp_status, solved.kept)
