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
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.optimize import Bounds, LinearConstraint, milp

from geo.analysis.metric import WalkMetric
from geo.analysis.spatial_pairs import SLACK_M, pairs_within_radii

#: Relative tolerance under which a bound counts as reached (HiGHS's own feasibility scale).
TOLERANCE = 1e-9


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


def improvement_pairs(
    demand_xy: np.ndarray, current_m: np.ndarray, candidate_xy: np.ndarray, metric: WalkMetric
) -> Pairs:
    """Pairs (demand point, candidate) where the candidate is closer than the current place.

    A KD-tree query per demand point with its own straight radius ``current / detour`` (a
    route is never shorter than the straight line) finds every such pair; walking metres use
    the same arithmetic as :meth:`geo.analysis.metric.WalkMetric.pairwise`.

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

    Returns
    -------
    Pairs
    """
    a = np.asarray(demand_xy, dtype=float).reshape(-1, 2)
    b = np.asarray(candidate_xy, dtype=float).reshape(-1, 2)
    current = np.asarray(current_m, dtype=float)
    m = len(b)
    rows, cols = pairs_within_radii(a, b, current / metric.detour + SLACK_M)
    length = np.hypot(a[rows, 0] - b[cols, 0], a[rows, 1] - b[cols, 1])
    if metric.barrier is not None:
        length = metric.barrier.pair_lengths(a, b, rows, cols, length)
    walk = length * metric.detour
    keep = walk < current[rows]
    rows, cols, walk = rows[keep], cols[keep], walk[keep]
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
                best_u, stall = u, 0
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
