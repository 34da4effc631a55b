"""Where should new meeting places go? Maximal covering (MCLP) and p-median siting.

**MCLP** – choose ``k`` new sites that maximise the people of the target group who are not
yet within walking distance of an existing place and would be afterwards (existing places
stay fixed). Solved exactly as a MILP with HiGHS (:func:`scipy.optimize.milp`):

    max Σᵢ wᵢ yᵢ   s.t.  yᵢ ≤ Σ_{j covers i} xⱼ,   Σⱼ xⱼ = k,   xⱼ ∈ {0, 1},   0 ≤ yᵢ ≤ 1.

Solutions for k = 1, 2, … are computed in sequence; the optimum for k − 1 gives a safe
bound that removes most candidates before the MILP is built: a candidate ``j`` can be part of
a k-solution worth at least the greedy value ``G_k`` only if ``g_j + OPT_{k−1} ≥ G_k``
(``g_j`` = what ``j`` covers alone). This keeps the exact solve fast on all ~4,500 cells.

**p-median** – choose ``k`` new sites that minimise the people-weighted mean walking distance
to the nearest place (existing or new): heuristic, Lagrangian bound and a reduced exact MILP on
sparse pairs (:mod:`geo.analysis.pmedian`); the status and gap say what was proven.

Core functions take arrays; :meth:`SitingProblem.from_geodataframe` builds them from layers
(after PySAL spopt's ``from_cost_matrix``/``from_geodataframe``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace

import geopandas as gpd
import numpy as np
import scipy.sparse as sp
from scipy.optimize import Bounds, LinearConstraint, milp

from geo.analysis.access_kernel import WalkParams
from geo.analysis.metric import WalkMetric, as_metric
from geo.analysis.pmedian import PAIR_BUDGET, build_solver, certify
from geo.crs import xy
from indicators.format import format_number

#: Maximum number of new sites the optimiser proposes at once.
MAX_K = 10
#: The p-median's limit: its proof grows fast with k (k = 10 takes ≈ 17 s on Magdeburg).
MAX_K_PMEDIAN = 5
#: HiGHS status codes of scipy.optimize.milp in German.
#: Method labels of :class:`SitingResult` – the path actually taken, never assumed.
EXACT = "exakt (MILP, HiGHS)"
GREEDY_FALLBACK = "Näherung (Greedy), da der MILP-Löser im Zeitlimit keine bessere Lösung fand"
#: p-median: heuristic, Lagrangian bound and a reduced MILP proved the optimum.
EXACT_REDUCED = "exakt (Lagrange-Schranke und reduzierter MILP, HiGHS)"
#: MCLP: the greedy sites reach an upper bound of the optimum, so no MILP is needed.
BOUND_REACHED = "exakt (Greedy erreicht die obere Schranke)"
#: p-median: the heuristic answered; the Lagrangian bound gives its gap.
BOUNDED = "Heuristik (Greedy + Austausch) mit Lagrange-Schranke"
#: p-median on a large city: solved on the candidates that save most alone, bounded over all.
NARROWED = (
    "Heuristik auf den aussichtsreichsten Kandidaten mit Lagrange-Schranke über alle Kandidaten"
)
_STATUS = {
    0: "optimal",
    1: "Zeit- oder Iterationslimit erreicht",
    2: "unlösbar",
    3: "unbeschränkt",
    4: "anderer Fehler",
}
#: Status of a result whose optimality nobody proved (a heuristic answered).
NOT_PROVEN = "Näherung – Optimum nicht nachgewiesen"


def status_text(method: str, code: int, gap: float) -> str:
    """The status a result may claim: only what the solver proved.

    "optimal" needs the exact MILP with HiGHS's status 0 and a gap of 0; a heuristic
    answer (no bound known, ``gap`` NaN) is :data:`NOT_PROVEN`; otherwise the solver's
    status (e.g. the time limit), with the gap to its bound reported beside it.

    Parameters
    ----------
    method : str
        The path taken (:data:`EXACT`, :data:`GREEDY_FALLBACK`, :data:`EXACT_REDUCED`,
        :data:`BOUNDED`).
    code : int
        HiGHS status of the last MILP (0 = optimal).
    gap : float
        Relative gap to the best bound (NaN: none known).

    Returns
    -------
    str
    """
    if np.isnan(gap):
        return NOT_PROVEN
    if method in (EXACT, EXACT_REDUCED, BOUND_REACHED) and code == 0 and gap <= 1e-9:
        return "optimal"
    return _STATUS.get(code, "unbekannt") if code != 0 else "Lösung mit Lücke zum Optimum"


def gap_text(gap: float) -> str:
    """German text of an optimality gap: ``0 % (nachgewiesen)``, ``höchstens 1,25 %``."""
    if gap is None or np.isnan(gap):
        return "nicht bestimmt"
    if gap <= 1e-9:
        return "0 % (nachgewiesen)"
    whole = f"{gap * 100:.2f}".replace(".", ",")
    return f"höchstens {whole} %"


@dataclass(frozen=True)
class SitingProblem:
    """A covering instance: demand rows, candidate columns.

    Attributes
    ----------
    weights : numpy.ndarray
        ``(n,)`` people per demand point still to be covered (0 for covered points).
    cover : scipy.sparse.csc_matrix
        ``(n, m)`` 1 where candidate ``j`` covers demand point ``i``.
    candidate_xy : numpy.ndarray
        ``(m, 2)`` candidate positions in metres (EPSG:25832).
    """

    weights: np.ndarray
    cover: sp.csc_matrix
    candidate_xy: np.ndarray

    def __post_init__(self) -> None:
        n, m = self.cover.shape
        if len(self.weights) != n or len(self.candidate_xy) != m:
            raise ValueError("Nachfrage, Abdeckungsmatrix und Kandidaten passen nicht zusammen.")
        if np.any(np.asarray(self.weights) < 0) or not np.isfinite(self.weights).all():
            raise ValueError("Die Nachfrage muss aus Zahlen ≥ 0 bestehen.")

    @property
    def n_candidates(self) -> int:
        """Number of candidates."""
        return self.cover.shape[1]

    @classmethod
    def from_cost_matrix(
        cls,
        cost: sp.spmatrix | np.ndarray,
        weights: np.ndarray,
        max_cost: float,
        candidate_xy: np.ndarray,
        covered: np.ndarray | None = None,
    ) -> SitingProblem:
        """Build from walking costs (demand × candidates).

        Parameters
        ----------
        cost : scipy.sparse matrix or numpy.ndarray
            ``(n, m)`` walking metres; for a sparse matrix only stored entries count
            (missing = beyond reach; store an explicit 0 for distance 0).
        weights : numpy.ndarray
            ``(n,)`` people per demand point.
        max_cost : float
            Walking threshold.
        candidate_xy : numpy.ndarray
            ``(m, 2)`` candidate positions.
        covered : numpy.ndarray, optional
            ``(n,)`` bool: already covered by existing places (their weight is set to 0).

        Returns
        -------
        SitingProblem
        """
        w = np.nan_to_num(np.asarray(weights, dtype=float), nan=0.0)
        if covered is not None:
            w = np.where(np.asarray(covered, dtype=bool), 0.0, w)
        if sp.issparse(cost):
            coo = sp.coo_matrix(cost)
            keep = coo.data <= max_cost
            cover = sp.csc_matrix(
                (np.ones(keep.sum()), (coo.row[keep], coo.col[keep])), shape=coo.shape
            )
        else:
            cover = sp.csc_matrix((np.asarray(cost) <= max_cost).astype(float))
        return cls(w, cover, np.asarray(candidate_xy, dtype=float).reshape(-1, 2))

    @classmethod
    def from_points(
        cls,
        demand_xy: np.ndarray,
        weights: np.ndarray,
        candidate_xy: np.ndarray,
        params: WalkParams,
        covered: np.ndarray | None = None,
    ) -> SitingProblem:
        """Build from positions (KD-tree, sparse).

        Candidate ``j`` covers ``i`` if their walking distance (straight line × detour; across
        the river via a bridge, see :attr:`geo.analysis.access_kernel.WalkParams.metric`) is at most
        the threshold.

        Parameters
        ----------
        demand_xy : numpy.ndarray
            ``(n, 2)`` demand points (cell centres).
        weights : numpy.ndarray
            ``(n,)`` people.
        candidate_xy : numpy.ndarray
            ``(m, 2)`` candidate positions.
        params : WalkParams
            Threshold and detour.
        covered : numpy.ndarray, optional
            ``(n,)`` already covered by existing places.

        Returns
        -------
        SitingProblem
        """
        demand_xy = np.asarray(demand_xy, dtype=float).reshape(-1, 2)
        candidate_xy = np.asarray(candidate_xy, dtype=float).reshape(-1, 2)
        rows, cols, _ = params.metric.pairs_within(demand_xy, candidate_xy, params.max_walk_m)
        cover = sp.csc_matrix(
            (np.ones(len(rows)), (rows, cols)), shape=(len(demand_xy), len(candidate_xy))
        )
        w = np.nan_to_num(np.asarray(weights, dtype=float), nan=0.0)
        if covered is not None:
            w = np.where(np.asarray(covered, dtype=bool), 0.0, w)
        return cls(w, cover, candidate_xy)

    @classmethod
    def from_geodataframe(
        cls,
        cells: gpd.GeoDataFrame,
        candidates: gpd.GeoDataFrame,
        params: WalkParams,
    ) -> SitingProblem:
        """Build from analysed cells (``nachfrage``, ``versorgt``) and candidate points.

        Parameters
        ----------
        cells : geopandas.GeoDataFrame
            Output of :func:`geo.analysis.access_adapter.analyse_cells` (EPSG:25832).
        candidates : geopandas.GeoDataFrame
            Candidate points (EPSG:25832).
        params : WalkParams
            Threshold and detour.

        Returns
        -------
        SitingProblem
        """
        if cells.crs != candidates.crs:
            raise ValueError("Zellen und Kandidaten müssen dasselbe Koordinatensystem haben.")
        return cls.from_points(
            xy(cells),
            cells["nachfrage"].to_numpy(),
            xy(candidates),
            params,
            covered=cells["versorgt"].to_numpy(),
        )

    def gains(self, covered: np.ndarray | None = None) -> np.ndarray:
        """People each candidate would add on its own (given ``covered`` demand points)."""
        w = self.weights if covered is None else np.where(covered, 0.0, self.weights)
        return np.asarray(self.cover.T @ w).ravel()

    def covered_by(self, chosen: list[int] | np.ndarray) -> np.ndarray:
        """Demand points covered by the chosen candidates."""
        idx = np.asarray(chosen, dtype=int)
        if len(idx) == 0:
            return np.zeros(self.cover.shape[0], dtype=bool)
        return np.asarray(self.cover[:, idx].sum(axis=1)).ravel() > 0

    def value(self, chosen: list[int] | np.ndarray) -> float:
        """People newly covered by a set of candidates."""
        return float(self.weights[self.covered_by(chosen)].sum())


@dataclass(frozen=True)
class SitingResult:
    """Optimal sites for one ``k``.

    Attributes
    ----------
    chosen : tuple of int
        Candidate indices (in the order of their marginal gain).
    objective : float
        Newly covered people (MCLP) or weighted mean walking metres (p-median).
    status : str
        What was proven, in German (:func:`status_text`): "optimal" only for a proven
        optimum, :data:`NOT_PROVEN` for a heuristic answer.
    gap : float
        Relative gap to the best known bound (0 = proven optimal; NaN: no bound known,
        i.e. a heuristic – shown as "nicht bestimmt", :func:`gap_text`).
    seconds : float
        Build and solve time.
    method : str
        :data:`EXACT`, or the fallback or heuristic actually used (:data:`GREEDY_FALLBACK`,
        :data:`EXACT_REDUCED`, :data:`BOUNDED`).
    curve : tuple of float
        Objective for k = 1 … k (marginal-gain curve).
    """

    chosen: tuple[int, ...]
    objective: float
    status: str
    gap: float
    seconds: float
    method: str
    curve: tuple[float, ...] = field(default_factory=tuple)


def greedy_mclp(problem: SitingProblem, k: int) -> tuple[list[int], list[float]]:
    """Greedy preview: repeatedly take the candidate with the largest marginal gain.

    Parameters
    ----------
    problem : SitingProblem
        The instance.
    k : int
        Number of sites.

    Returns
    -------
    chosen : list of int
        Candidate indices.
    values : list of float
        Cumulative newly covered people after each pick.
    """
    covered = np.zeros(problem.cover.shape[0], dtype=bool)
    chosen, values, total = [], [], 0.0
    for _ in range(min(k, problem.n_candidates)):
        gains = problem.gains(covered)
        gains[chosen] = -1.0
        j = int(np.argmax(gains))
        if gains[j] <= 0 and chosen:
            break
        chosen.append(j)
        total += max(gains[j], 0.0)
        values.append(total)
        covered |= problem.cover[:, j].toarray().ravel() > 0
    return chosen, values


def _solve_mclp_milp(
    problem: SitingProblem, k: int, keep: np.ndarray, time_limit: float
) -> tuple[list[int], float, float, int, float]:
    """MILP over the kept candidates; returns chosen, objective, dual bound, status, gap."""
    sub = problem.cover[:, keep]
    rows = np.flatnonzero((np.asarray(sub.sum(axis=1)).ravel() > 0) & (problem.weights > 0))
    a = sub[rows].tocsr()
    n, m = a.shape
    w = problem.weights[rows]
    cost = np.concatenate([np.zeros(m), -w])
    link = LinearConstraint(sp.hstack([-a, sp.identity(n)]).tocsr(), -np.inf, 0.0)
    count = LinearConstraint(
        np.concatenate([np.ones(m), np.zeros(n)])[None, :], min(k, m), min(k, m)
    )
    result = milp(
        cost,
        constraints=[link, count],
        integrality=np.concatenate([np.ones(m), np.zeros(n)]),
        bounds=Bounds(0.0, 1.0),
        options={"time_limit": time_limit, "mip_rel_gap": 0.0},
    )
    if result.x is None:
        return [], 0.0, np.inf, result.status, np.nan
    chosen = [int(keep[j]) for j in np.flatnonzero(result.x[:m] > 0.5)]
    objective = -float(result.fun)
    bound = -float(getattr(result, "mip_dual_bound", result.fun) or result.fun)
    gap = float(getattr(result, "mip_gap", 0.0) or 0.0)
    return chosen, objective, max(bound, objective), result.status, gap


def solve_mclp(problem: SitingProblem, k: int, time_limit: float = 30.0) -> SitingResult:
    """Exact maximal covering for ``k`` new sites (and the curve for 1 … k).

    Parameters
    ----------
    problem : SitingProblem
        The instance (weights already exclude demand covered by existing places).
    k : int
        Number of new sites, 1 … :data:`MAX_K`.
    time_limit : float
        Seconds per MILP; on timeout the best solution and its gap are returned.

    Returns
    -------
    SitingResult

    Raises
    ------
    ValueError
        If ``k`` is out of range or there are fewer candidates.
    """
    if not 1 <= k <= MAX_K:
        raise ValueError(
            f"Es können 1 bis {MAX_K} neue Standorte vorgeschlagen werden (nicht {k})."
        )
    if problem.n_candidates < k:
        raise ValueError(
            f"Nur {problem.n_candidates} Kandidaten für {k} Standorte. Kandidatenauswahl erweitern."
        )
    start = time.perf_counter()
    standalone = problem.gains()
    # Nobody outside every candidate's reach can be covered: a bound for every k.
    coverable = float(problem.weights[problem.covered_by(np.arange(problem.n_candidates))].sum())
    upper_prev = 0.0  # upper bound of OPT for k − 1 (0 for k = 0)
    curve, chosen, status, gap = [], [], 0, 0.0
    fell_back = reached = False
    for kk in range(1, k + 1):
        greedy, values = greedy_mclp(problem, kk)
        lower = values[-1] if values else 0.0
        # OPT_k ≤ OPT_{k−1} + the best single gain (coverage is submodular), and ≤ coverable.
        bound = min(coverable, upper_prev + float(standalone.max(initial=0.0)))
        reached = lower >= bound - 1e-9 * max(1.0, bound)
        if reached:  # greedy is optimal; when all is covered, fill up with the best others
            spare = [int(j) for j in np.argsort(-standalone, kind="stable") if j not in greedy]
            chosen, upper_prev = greedy + spare[: kk - len(greedy)], lower
            status, gap = 0, 0.0
            curve.append(float(lower))
            continue
        # Safe reduction: j can be in a solution worth ≥ lower only if g_j + OPT_{k−1} ≥ lower.
        keep = np.flatnonzero(standalone + upper_prev >= lower - 1e-9 * max(1.0, lower))
        if len(keep) < kk:
            keep = np.argsort(-standalone)[:kk]
        found, objective, upper, status, gap = _solve_mclp_milp(
            problem, kk, keep, max(time_limit - (time.perf_counter() - start), 1.0)
        )
        fell_back = objective < lower or not found
        if fell_back:  # never return less than the greedy preview; its gap is to the bound
            found, objective = greedy, lower
            gap = max(0.0, (upper - lower) / upper) if np.isfinite(upper) and upper > 0 else np.nan
            # The MILP's incumbent only missed the greedy value by its tolerance: the solver's
            # proven bound shows the greedy sites are optimal.
            fell_back = not (status == 0 and gap <= 1e-9)
        chosen, upper_prev = found, max(upper, objective)
        curve.append(float(objective))
    method = BOUND_REACHED if reached else GREEDY_FALLBACK if fell_back else EXACT
    return SitingResult(
        chosen=_by_contribution(problem, chosen),
        objective=curve[-1],
        status=status_text(method, status, gap),
        gap=gap,
        seconds=time.perf_counter() - start,
        method=method,
        curve=tuple(curve),
    )


def _by_contribution(problem: SitingProblem, chosen: list[int]) -> tuple[int, ...]:
    """The sites ordered by their marginal contribution (for the report)."""
    ordered, covered = [], np.zeros(problem.cover.shape[0], dtype=bool)
    remaining = list(chosen)
    while remaining:
        gains = problem.gains(covered)[remaining]
        j = remaining.pop(int(np.argmax(gains)))
        ordered.append(j)
        covered |= problem.cover[:, j].toarray().ravel() > 0
    return tuple(ordered)


@dataclass(frozen=True)
class Alternative:
    """A near-optimal replacement for one chosen site.

    Attributes
    ----------
    replaces : int
        Candidate index of the chosen site it replaces.
    candidate : int
        Candidate index of the alternative.
    objective : float
        Newly covered people with the replacement.
    share : float
        ``objective`` / optimum (≤ 1).
    distance_m : float
        Straight distance to the replaced site.
    """

    replaces: int
    candidate: int
    objective: float
    share: float
    distance_m: float


def alternatives(
    problem: SitingProblem,
    chosen: tuple[int, ...] | list[int],
    tolerance: float = 0.05,
    per_site: int = 3,
    min_separation_m: float = 300.0,
) -> list[Alternative]:
    """Spatially distinct near-optimal replacements for each chosen site.

    For every chosen site the others stay fixed; a candidate qualifies if the solution with
    it instead reaches at least ``(1 − tolerance)`` of the optimum. Alternatives lie at
    least ``min_separation_m`` from the chosen sites and from each other.

    Parameters
    ----------
    problem : SitingProblem
        The instance.
    chosen : sequence of int
        The optimal sites.
    tolerance : float
        Accepted loss relative to the optimum (0.05 = within 5 %).
    per_site : int
        At most this many alternatives per site.
    min_separation_m : float
        Minimum distance between alternatives and to the chosen sites.

    Returns
    -------
    list of Alternative
    """
    chosen = list(chosen)
    optimum = problem.value(chosen)
    out: list[Alternative] = []
    xy = problem.candidate_xy
    for site in chosen:
        others = [c for c in chosen if c != site]
        base = problem.covered_by(others)
        totals = problem.weights[base].sum() + problem.gains(base)
        order = np.argsort(-totals, kind="stable")
        picked: list[int] = []
        for j in order:
            if len(picked) >= per_site or totals[j] < (1 - tolerance) * optimum - 1e-9:
                break
            near = [*chosen, *picked]
            if np.min(np.hypot(*(xy[near] - xy[j]).T)) < min_separation_m:
                continue
            picked.append(int(j))
            out.append(
                Alternative(
                    replaces=site,
                    candidate=int(j),
                    objective=float(totals[j]),
                    share=float(totals[j] / optimum) if optimum > 0 else 1.0,
                    distance_m=float(np.hypot(*(xy[j] - xy[site]))),
                )
            )
    return out


def pmedian(
    demand_xy: np.ndarray,
    weights: np.ndarray,
    current_m: np.ndarray,
    candidate_xy: np.ndarray,
    k: int,
    detour: float | WalkMetric,
    exact_limit: int = 20_000,
    time_limit: float = 30.0,
    pair_budget: int = PAIR_BUDGET,
) -> SitingResult:
    """Choose ``k`` new sites minimising the people-weighted mean walking distance.

    Each person walks to the nearest place, existing (``current_m``) or new. Solved on the
    sparse pairs where a candidate is closer than the current place (:mod:`geo.analysis.pmedian`):
    greedy plus vertex substitution, a Lagrangian bound that drops candidates which cannot
    improve on it, and an exact MILP over the rest when its pairs stay below
    ``exact_limit``. The status and gap say what was proven. The pairs are counted before
    they are built: beyond ``pair_budget`` the solver gets only the candidates that save most
    alone and the bound is taken over all candidates (:func:`geo.analysis.pmedian.build_solver`,
    :func:`geo.analysis.pmedian.certify`); far beyond, a German ``ValueError`` names the
    alternatives before any memory is spent.

    Parameters
    ----------
    demand_xy : numpy.ndarray
        ``(n, 2)`` demand points.
    weights : numpy.ndarray
        ``(n,)`` people.
    current_m : numpy.ndarray
        ``(n,)`` walking metres to the nearest existing place (``inf`` if none).
    candidate_xy : numpy.ndarray
        ``(m, 2)`` candidates.
    k : int
        Number of new sites, 1 … :data:`MAX_K_PMEDIAN`.
    detour : float or geo.analysis.metric.WalkMetric
        Detour factor or walking metric (with the river barrier).
    exact_limit : int
        Largest number of assignment pairs the reduced MILP may have; beyond it the
        heuristic answers with the Lagrangian gap.
    time_limit : float
        Seconds for each MILP.
    pair_budget : int
        Most improvement pairs the solver holds in memory.

    Returns
    -------
    SitingResult
        ``objective`` is the weighted mean walking distance in metres after adding the sites;
        ``gap`` is proven (0: optimal).
    """
    if not 1 <= k <= MAX_K_PMEDIAN:
        raise ValueError(
            f"Für „möglichst kurze Wege“ können 1 bis {MAX_K_PMEDIAN} neue Standorte auf einmal "
            f"vorgeschlagen werden (nicht {k}); für mehr Standorte das Ziel „Abdeckung“ wählen."
        )
    start = time.perf_counter()
    xy, w, current, cand = _pmedian_inputs(demand_xy, weights, current_m, candidate_xy, k)
    metric = as_metric(detour)
    solver, subset = build_solver(xy, w, current, cand, metric, k, pair_budget)
    chosen, curve, status, proven, gap = _pmedian_steps(
        solver, subset, xy, w, current, cand, metric, k, exact_limit, time_limit
    )
    method = EXACT_REDUCED if proven else (BOUNDED if subset is None else NARROWED)
    return SitingResult(
        chosen=chosen,
        objective=curve[-1],
        status=status_text(method, status, gap),
        gap=gap,
        seconds=time.perf_counter() - start,
        method=method,
        curve=curve,
    )


def _pmedian_steps(solver, subset, xy, w, current, cand, metric, k, exact_limit, time_limit):
    """Sites for k = 1 … k (heuristic on the way, solved at ``k``) in the caller's indices.

    Returns the chosen sites, the curve of mean distances, the HiGHS status, whether the
    optimum was proven and the gap.
    """
    index = np.arange(len(cand)) if subset is None else subset  # solver's → caller's indices
    total_w, baseline = w.sum(), float((w * current).sum())
    curve, chosen = [], ()
    for kk in range(1, k + 1):
        if kk < k:  # the curve: heuristic values on the way (k = 1 is exact by itself)
            chosen = tuple(solver.heuristic(kk, chosen))
        else:
            solved = solver.solve(kk, chosen, exact_limit=exact_limit, time_limit=time_limit)
            if subset is not None:  # bound over all candidates, not only the narrowed ones
                solved = certify(solver, solved, subset, xy, cand, metric, k)
                index = np.arange(len(cand))
            chosen, status, proven = solved.chosen, solved.milp_status, solved.proven
            gap = _proven_gap(solved, baseline)
        # The figure itself: the same dense arithmetic as before, on the chosen columns only.
        dist = metric.pairwise(xy, cand[index[list(chosen)]])
        curve.append(_mean_distance(w, current, dist, range(len(chosen)), total_w))
    return tuple(int(j) for j in index[list(chosen)]), tuple(curve), status, proven, gap


def _proven_gap(solved, baseline: float) -> float:
    """Gap of a p-median solution relative to the distance walked after it (0: proven)."""
    if solved.proven:
        return 0.0
    left = baseline - solved.saving  # Σ w · distance after
    # No saving exceeds the whole distance walked today (the bound never claims > 100 %).
    return max(min(solved.bound, baseline) - solved.saving, 0.0) / max(left, 1e-12)


def _pmedian_inputs(demand_xy, weights, current_m, candidate_xy, k: int) -> tuple:
    """Demand with people only, candidates checked, "no place at all" capped (finite)."""
    w = np.nan_to_num(np.asarray(weights, dtype=float), nan=0.0)
    keep_rows = w > 0
    xy, w, current = (
        np.asarray(demand_xy)[keep_rows],
        w[keep_rows],
        np.asarray(current_m)[keep_rows],
    )
    cand = np.asarray(candidate_xy, dtype=float).reshape(-1, 2)
    if len(cand) < k:
        raise ValueError(
            f"Nur {len(cand)} Kandidaten für {k} Standorte. Kandidatenauswahl erweitern."
        )
    # Cap "no place at all" at a finite distance so the objective stays finite.
    cap = np.nanmax(np.where(np.isfinite(current), current, 0.0), initial=0.0) + 50_000.0
    current = np.where(np.isfinite(current), current, cap)
    return xy, w, current, cand


def _mean_distance(w, current, dist, chosen, total_w) -> float:
    best = current if not len(chosen) else np.minimum(current, dist[:, list(chosen)].min(axis=1))
    return float((w * best).sum() / total_w) if total_w > 0 else float("nan")


@dataclass(frozen=True)
class TwoYearPlan:
    """Sites for two years at once (today and a future year), with what they gain in each.

    Attributes
    ----------
    chosen : tuple of int
        Candidate indices.
    gains : tuple of float
        Newly covered people in year A and in year B.
    regrets : tuple of float
        The best single-year plan's gain minus this plan's gain, for A and for B (≥ 0).
    worse : float
        ``min(gains)``: what the plan guarantees in the worse year.
    rule : str
        German name of the objective ("schlechteres Jahr maximiert" or the weighting).
    status : str
        What the solver proved (:func:`status_text`).
    """

    chosen: tuple[int, ...]
    gains: tuple[float, float]
    regrets: tuple[float, float]
    worse: float
    rule: str
    status: str


def plan_two_years(
    problem_a: SitingProblem,
    problem_b: SitingProblem,
    k: int,
    weight_a: float | None = None,
    time_limit: float = 30.0,
) -> tuple[TwoYearPlan, TwoYearPlan, TwoYearPlan]:
    """Sites that serve two years: maximise the worse year, or a stated weighting.

    Both problems share candidates and demand points (the same cells); only the people per
    cell differ (e.g. 2025 and the projection for 2035). With ``weight_a`` None the plan
    maximises ``min(gain_A, gain_B)`` exactly (MILP; a candidate is dropped only when it
    cannot reach the best known worse-year value in either year, the bound of
    :func:`solve_mclp`); otherwise it maximises ``weight_a·gain_A + (1 − weight_a)·gain_B``.

    Parameters
    ----------
    problem_a, problem_b : SitingProblem
        Year A (today) and year B (future), same shape and candidates.
    k : int
        Number of new sites, 1 … :data:`MAX_K`.
    weight_a : float, optional
        Weight of year A in [0, 1]; None for the worse-year rule.
    time_limit : float
        Seconds per MILP.

    Returns
    -------
    tuple of TwoYearPlan
        The two-year plan, the best plan for A alone and the best plan for B alone, each with
        its gains in both years and its regrets against the single-year optima.

    Raises
    ------
    ValueError
        If the problems do not match or ``weight_a`` is outside [0, 1].
    """
    if problem_a.cover.shape != problem_b.cover.shape or (problem_a.cover != problem_b.cover).nnz:
        raise ValueError("Beide Jahre müssen dieselben Kandidaten und Zellen haben.")
    if weight_a is not None and not 0.0 <= weight_a <= 1.0:
        raise ValueError(
            f"Die Gewichtung des ersten Jahres muss zwischen 0 und 1 liegen (nicht {weight_a})."
        )
    best_a, best_b = solve_mclp(problem_a, k, time_limit), solve_mclp(problem_b, k, time_limit)
    optima = (best_a.objective, best_b.objective)

    def plan(chosen, rule: str, status: str) -> TwoYearPlan:
        gains = (problem_a.value(chosen), problem_b.value(chosen))
        regrets = tuple(max(o - g, 0.0) for o, g in zip(optima, gains, strict=True))
        return TwoYearPlan(tuple(chosen), gains, regrets, min(gains), rule, status)

    single_a = plan(best_a.chosen, "nur Jahr A", best_a.status)
    single_b = plan(best_b.chosen, "nur Jahr B", best_b.status)
    if weight_a is not None:
        mixed = SitingProblem(
            weight_a * problem_a.weights + (1 - weight_a) * problem_b.weights,
            problem_a.cover,
            problem_a.candidate_xy,
        )
        solved = solve_mclp(mixed, k, time_limit)
        rule = (
            f"gewichtet: {format_number(weight_a * 100)} % Jahr A, "
            f"{format_number((1 - weight_a) * 100)} % Jahr B"
        )
        return plan(solved.chosen, rule, solved.status), single_a, single_b
    start = max(single_a, single_b, key=lambda p: p.worse)
    chosen, status = _maximin_milp(problem_a, problem_b, k, start, (best_a, best_b), time_limit)
    two = plan(chosen, "schlechteres Jahr maximiert", status)
    if two.worse < start.worse:  # never less than the better single-year plan on the worse year
        two = replace(start, rule="schlechteres Jahr maximiert", status=NOT_PROVEN)
    return two, single_a, single_b


def _maximin_milp(
    problem_a: SitingProblem,
    problem_b: SitingProblem,
    k: int,
    start: TwoYearPlan,
    singles: tuple[SitingResult, SitingResult],
    time_limit: float,
) -> tuple[list[int], str]:
    """Max z s.t. z ≤ w_A·y, z ≤ w_B·y, y ≤ A x, Σx = k (x binary, 0 ≤ y ≤ 1)."""
    lower = start.worse
    keep = np.arange(problem_a.n_candidates)
    exact = all(s.method == EXACT and s.gap == 0 for s in singles)
    if exact and k > 1:
        # W_A(S) ≤ g_A(j) + OPT_A(k − 1): j can only be in a plan worth ≥ lower in both years
        # if both of these bounds reach it.
        prev = [s.curve[k - 2] for s in singles]
        ok = (problem_a.gains() + prev[0] >= lower - 1e-9) & (
            problem_b.gains() + prev[1] >= lower - 1e-9
        )
        keep = np.union1d(np.flatnonzero(ok), np.asarray(start.chosen, dtype=int))
    elif exact:
        ok = np.minimum(problem_a.gains(), problem_b.gains()) >= lower - 1e-9
        keep = np.union1d(np.flatnonzero(ok), np.asarray(start.chosen, dtype=int))
    sub = problem_a.cover[:, keep]
    w_all = np.vstack([problem_a.weights, problem_b.weights])
    rows = np.flatnonzero((np.asarray(sub.sum(axis=1)).ravel() > 0) & (w_all.max(axis=0) > 0))
    a = sub[rows].tocsr()
    n, m = a.shape
    wa, wb = problem_a.weights[rows], problem_b.weights[rows]
    # variables: x (m), y (n), z (1)
    cost = np.concatenate([np.zeros(m + n), [-1.0]])
    link = LinearConstraint(
        sp.hstack([-a, sp.identity(n), sp.csr_matrix((n, 1))]).tocsr(), -np.inf, 0.0
    )
    count = LinearConstraint(np.concatenate([np.ones(m), np.zeros(n + 1)])[None, :], k, k)
    years = LinearConstraint(
        np.vstack(
            [np.concatenate([np.zeros(m), -wa, [1.0]]), np.concatenate([np.zeros(m), -wb, [1.0]])]
        ),
        -np.inf,
        0.0,
    )
    result = milp(
        cost,
        constraints=[link, count, years],
        integrality=np.concatenate([np.ones(m), np.zeros(n + 1)]),
        bounds=Bounds(np.zeros(m + n + 1), np.concatenate([np.ones(m + n), [np.inf]])),
        options={"time_limit": time_limit, "mip_rel_gap": 0.0},
    )
    if result.x is None:
        return list(start.chosen), NOT_PROVEN
    chosen = [int(keep[j]) for j in np.flatnonzero(result.x[:m] > 0.5)]
    gap = float(getattr(result, "mip_gap", 0.0) or 0.0)
    # The reduction above is safe, so a solved MILP is exact over all candidates.
    return chosen, status_text(EXACT, result.status, gap)
