"""Walking with the Elbe as a barrier (geo.analysis.barrier): speed, and the effect on siting.

1. Full recompute for all populated cells × the counted meeting places – nearest place,
   uncertainty bounds and the E2SFCA pairs – today (geo.analysis.access_kernel) vs. WalkMetric without
   and with the barrier. Target with barrier: ≤ 100 ms.
2. MCLP coverage pairs cells × all cells within 500/800 m (what SitingProblem.from_points
   builds). Target: well under 1 s.
4. End to end through the app's functions (``geo.analysis.access_adapter.analyse``,
   ``scenarios.evaluation.evaluate``, ``scenarios.proposals.propose``) without and with the barrier:
   full recompute of all cells, MCLP k = 3 over all cells (pool, matrix, MILP, alternatives),
   a click-like recompute in a scenario (one new site, cached status quo) and the same with
   the Hubbrücke added (the status quo of the changed bridges is computed in full).
   Targets: ≤ 100 ms, ≤ 1 s, ≤ 150 ms for a click (server time, see bench_simulation.py).
3. Effect: the best single new site on Werder (the populated cell of the Stadtteil named
   "Werder" that adds the most not-yet-covered seniors), people added at 500/800/1000 m without
   vs. with the barrier. Existing coverage is computed with the same metric as the gain.

Run: .venv/bin/python benchmarks/bench_barrier.py
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import scipy.sparse as sp

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import package, table, timed
from geo.analysis.access_adapter import SiteSelection, analyse, site_arrays
from geo.analysis.access_kernel import (
    WalkParams,
    e2sfca,
    gaussian_weight,
    nearest_walk,
    walk_bounds,
)
from geo.analysis.barrier import read_barrier
from geo.analysis.demand import TARGET_GROUPS, demand_grid
from geo.analysis.metric import WalkMetric
from geo.analysis.siting import SitingProblem
from geo.crs import xy
from geo.facilities import located
from scenarios.evaluation import baseline, evaluate, walking
from scenarios.model import Assumptions, NewCrossing, NewSite, Overlay
from scenarios.proposals import propose


def e2sfca_from_pairs(site_idx, cell_idx, walk_m, demand, n_cells, n_sites, catchment_m):
    """E2SFCA as geo.analysis.access_kernel.e2sfca, but from given (site, cell, walk) pairs."""
    weight = gaussian_weight(walk_m, catchment_m)
    weighted_pop = np.bincount(site_idx, weights=demand[cell_idx] * weight, minlength=n_sites)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(weighted_pop > 0, 1.0 / weighted_pop, np.nan)
    contrib = np.nan_to_num(ratio[site_idx]) * weight
    return np.bincount(cell_idx, weights=contrib, minlength=n_cells)


def full_recompute(metric: WalkMetric, cells, demand, sites, radius, catchment_m):
    walk, nearest = metric.nearest(cells, sites)
    lower, upper = metric.bounds(cells, sites, radius)
    rows, cols, walk_m = metric.pairs_within(sites, cells, catchment_m)
    access = e2sfca_from_pairs(rows, cols, walk_m, demand, len(cells), len(sites), catchment_m)
    return walk, nearest, lower, upper, access


def today(cells, demand, sites, radius, params: WalkParams):
    walk, nearest = nearest_walk(cells, sites, params.detour)
    lower, upper = walk_bounds(cells, sites, radius, params.detour)
    access, _ = e2sfca(cells, demand, sites, params.detour, params.catchment_m)
    return walk, nearest, lower, upper, access


def cover_matrix(metric: WalkMetric, cells, max_walk_m):
    rows, cols, _ = metric.pairs_within(cells, cells, max_walk_m)
    return sp.csc_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(cells), len(cells)))


def werder_gains(metric, cells, demand, sites, candidates, max_walk_m):
    """People not yet within ``max_walk_m`` of a place whom each candidate would add."""
    walk, _ = metric.nearest(cells, sites)
    open_demand = np.where(walk > max_walk_m, demand, 0.0)
    rows, cols, _ = metric.pairs_within(cells[candidates], cells, max_walk_m)
    return np.bincount(rows, weights=open_demand[cols], minlength=len(candidates))


def main() -> None:
    pkg = package()
    t_read, barrier = timed(
        lambda: read_barrier(pkg.root, pkg.stadtgrenze.geometry.iloc[0]), repeat=5, warmup=1
    )
    if barrier is None:
        print("Das Datenpaket hat keine Elbe-Barriere (elbe_barriere.geojson).")
        return
    params = WalkParams()
    grid = demand_grid(pkg.zensus, pkg.statistik, 2025, TARGET_GROUPS["senioren"])
    cells = xy(grid)
    demand = grid["nachfrage"].fillna(0.0).to_numpy()
    sites, radius = site_arrays(located(SiteSelection().select(pkg.einrichtungen)))
    plain, elbe = WalkMetric(params.detour), WalkMetric(params.detour, barrier)

    # 1. Full recompute.
    t_today, ref = timed(lambda: today(cells, demand, sites, radius, params))
    t_plain, out_plain = timed(
        lambda: full_recompute(plain, cells, demand, sites, radius, params.catchment_m)
    )
    t_elbe, out_elbe = timed(
        lambda: full_recompute(elbe, cells, demand, sites, radius, params.catchment_m)
    )
    t_regions, _ = timed(lambda: barrier.region_of(cells))
    same = all(np.array_equal(a, b) for a, b in zip(ref, out_plain, strict=True))
    changed = int((out_elbe[0] > out_plain[0] + 1e-9).sum())
    rows = [
        {"Variante": "heute (access_kernel)", "ms": f"{t_today:.1f}", "Ergebnis": "Referenz"},
        {
            "Variante": "WalkMetric ohne Barriere",
            "ms": f"{t_plain:.1f}",
            "Ergebnis": "identisch" if same else "ABWEICHUNG",
        },
        {
            "Variante": "WalkMetric mit Elbe",
            "ms": f"{t_elbe:.1f}",
            "Ergebnis": f"{changed} Zellen mit längerem Weg zur nächsten Einrichtung",
        },
    ]
    print(
        table(
            rows,
            f"Neuberechnung: {len(cells)} Zellen × {len(sites)} Einrichtungen "
            "(nächste, Schranken, E2SFCA; Median von 20 Läufen)",
        )
    )
    print(
        f"\nBarriere lesen und Ufer bilden: {t_read:.1f} ms; Ufer aller Zellen bestimmen: "
        f"{t_regions:.1f} ms. Ziel mit Barriere: ≤ 100 ms."
    )

    # 2. MCLP coverage matrix cells × cells.
    rows = []
    for metres in (500, 800):
        walk = WalkParams(max_walk_m=metres)
        t_old, old = timed(
            lambda walk=walk: SitingProblem.from_points(cells, demand, cells, walk).cover,
            repeat=5,
            warmup=1,
        )
        t_new, new = timed(lambda m=metres: cover_matrix(plain, cells, m), repeat=5, warmup=1)
        t_bar, bar = timed(lambda m=metres: cover_matrix(elbe, cells, m), repeat=5, warmup=1)
        rows.append(
            {
                "Gehdistanz (m)": metres,
                "heute from_points (ms)": f"{t_old:.0f}",
                "ohne Barriere (ms)": f"{t_new:.0f}",
                "gleiche Matrix": bool((old != new).nnz == 0),
                "mit Elbe (ms)": f"{t_bar:.0f}",
                "Paare ohne": old.nnz,
                "Paare mit Elbe": bar.nnz,
            }
        )
    print()
    print(table(rows, f"MCLP-Abdeckung {len(cells)} × {len(cells)} Zellen (Median von 5 Läufen)"))

    # 3. Effect on the best single new site on Werder.
    names = grid["stadtteil_nr"].map(pkg.stadtteile["stadtteil"]).to_numpy()
    candidates = np.flatnonzero((names == "Werder") & (grid["einwohner"].to_numpy() > 0))
    rows = []
    for metres in (500, 800, 1000):
        gain_plain = werder_gains(plain, cells, demand, sites, candidates, metres)
        gain_elbe = werder_gains(elbe, cells, demand, sites, candidates, metres)
        best = gain_plain.argmax()
        rows.append(
            {
                "Gehdistanz (m)": metres,
                "beste Zelle ohne Barriere": f"{gain_plain[best]:.0f}",
                "dieselbe Zelle mit Elbe": f"{gain_elbe[best]:.0f}",
                "beste Zelle mit Elbe": f"{gain_elbe.max():.0f}",
            }
        )
    print()
    print(
        table(
            rows,
            f"Bester neuer Standort auf dem Werder ({len(candidates)} bewohnte Zellen): "
            "zusätzlich erreichte Senioren 65+ (2025)",
        )
    )
    end_to_end(pkg)
    print(
        "\nIssue 13 measured 771→718, 1.423→987, 1.642→1.134 (best cell without vs. with "
        "barrier).\nThe middle column is what the optimiser promises today for its choice "
        "and what that site really adds."
    )


def end_to_end(pkg) -> None:
    """Section 4: the app's own functions with and without the barrier."""
    group = TARGET_GROUPS["senioren"]
    grid = demand_grid(pkg.zensus, pkg.statistik, 2025, group)
    site = NewSite("Test", 11.64, 52.12)  # Werder
    hub = NewCrossing("Hubbrücke", 11.6469, 52.1317)
    rows = []
    for label, data in (("ohne Barriere", replace(pkg, barrier=None)), ("mit Elbe", pkg)):
        walk = WalkParams(barrier=data.barrier)
        t_full, result = timed(lambda p=data, w=walk: analyse(p, 2025, group, w, demand=grid))
        t_mclp, _ = timed(lambda p=data, r=result: propose(p, r, 3, "grid"), repeat=3, warmup=1)
        assumptions = Assumptions(year=2025)
        base = baseline(data, assumptions, walk=walking(data, assumptions, grid))
        t_click, _ = timed(lambda b=base: evaluate(b, Overlay(added=(site,))), repeat=10)
        row = {
            "Variante": label,
            "alle Zellen neu (ms)": f"{t_full:.0f}",
            "MCLP k=3 alle Zellen (ms)": f"{t_mclp:.0f}",
            "Klick: compute (ms)": f"{t_click:.0f}",
        }
        if data.barrier is not None:
            with_hub = Overlay(added=(site,), crossings_added=(hub,))
            t_hub, _ = timed(lambda b=base, o=with_hub: evaluate(b, o), repeat=10)
            row["Klick mit Hubbrücke (ms)"] = f"{t_hub:.0f}"
        else:
            row["Klick mit Hubbrücke (ms)"] = "–"
        rows.append(row)
    print()
    print(
        table(
            rows,
            "Ende zu Ende (analyse / propose / compute, Median); Ziele: ≤ 100 ms, ≤ 1.000 ms, "
            "Klick ≤ 150 ms Serverzeit",
        )
    )


if __name__ == "__main__":
    main()
