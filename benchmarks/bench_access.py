"""Full recompute of walking access and coverage for Magdeburg, vs. a GeoPandas reference.

Ours: KD-tree nearest site, dense uncertainty bounds, sparse E2SFCA, per-Stadtteil
aggregation (geo.analysis.coverage_kernel). Reference: the same nearest distance and coverage share with
GeoPandas ``sjoin_nearest`` + ``groupby`` (what one would write first). Target: well under
100 ms for our full recompute, so sliders feel instant.

Run: .venv/bin/python benchmarks/bench_access.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import package, table, timed
from geo.analysis.access_adapter import SiteSelection, analyse_cells, site_arrays
from geo.analysis.access_kernel import WalkParams, gaussian_weight, weighted_median
from geo.analysis.coverage_kernel import coverage_by_area
from geo.analysis.demand import TARGET_GROUPS, demand_grid
from geo.facilities import count_by_stadtteil, located


def main() -> None:
    pkg = package()
    group = TARGET_GROUPS["senioren"]
    demand = demand_grid(pkg.zensus, pkg.statistik, 2025, group)
    selected = SiteSelection().select(pkg.einrichtungen)
    sites = located(selected).reset_index(drop=True)
    official = pkg.statistik.query("jahr == 2025").set_index("stadtteil_nr")[group.column]
    counts = count_by_stadtteil(selected, pkg.stadtteile.index)
    rows = []
    for metres in (300, 500, 800, 1000):
        params = WalkParams(max_walk_m=metres)

        def ours(params=params):
            cells = analyse_cells(demand, sites, params)
            return coverage_by_area(cells, params, official, counts)

        def reference_full(params=params):
            # The same outputs the GeoPandas way: joins, per-site distances, groupby-apply.
            cells = demand[["stadtteil_nr", "nachfrage", "geometry"]]
            near = gpd.sjoin_nearest(cells, sites[["geometry"]], how="left", distance_col="d")
            near = near[~near.index.duplicated()]
            walk = near["d"] * params.detour
            radius = sites["lage_genauigkeit_m"].fillna(0).to_numpy()
            dist = np.column_stack([cells.distance(pt) for pt in sites.geometry])
            lower = np.maximum(dist - radius, 0).min(axis=1) * params.detour
            upper = (dist + radius).min(axis=1) * params.detour
            zones = gpd.GeoDataFrame(
                {"site": range(len(sites))},
                geometry=sites.buffer(params.catchment_m / params.detour),
                crs=sites.crs,
            )
            pairs = gpd.sjoin(cells, zones, predicate="within")
            pairs["w"] = gaussian_weight(
                pairs.geometry.distance(sites.geometry.iloc[pairs["site"]].set_axis(pairs.index))
                * params.detour,
                params.catchment_m,
            )
            pairs["pw"] = pairs["nachfrage"].fillna(0) * pairs["w"]
            ratio = 1 / pairs.groupby("site")["pw"].sum()
            pairs["a"] = pairs["site"].map(ratio) * pairs["w"]
            access = pairs.groupby(level=0)["a"].sum().reindex(cells.index, fill_value=0)
            frame = cells.assign(
                walk=walk, lo=lower, hi=upper, a=access, p=cells["nachfrage"].fillna(0)
            )
            return frame.groupby("stadtteil_nr").apply(
                lambda g: pd.Series(
                    {
                        "versorgt": (g["p"] * (g["walk"] <= params.max_walk_m)).sum(),
                        "versorgt_min": (g["p"] * (g["hi"] <= params.max_walk_m)).sum(),
                        "versorgt_max": (g["p"] * (g["lo"] <= params.max_walk_m)).sum(),
                        "median": weighted_median(g["walk"].to_numpy(), g["p"].to_numpy()),
                        "e2sfca": (g["p"] * g["a"]).sum() / g["p"].sum() * 1000
                        if g["p"].sum() > 0
                        else np.nan,
                    }
                ),
                include_groups=False,
            )

        def reference(params=params):
            joined = gpd.sjoin_nearest(
                demand[["stadtteil_nr", "nachfrage", "geometry"]],
                sites[["geometry"]],
                how="left",
                distance_col="d",
            )
            joined = joined[~joined.index.duplicated()]
            joined["versorgt"] = joined["nachfrage"] * (
                joined["d"] * params.detour <= params.max_walk_m
            )
            sums = joined.groupby("stadtteil_nr")[["nachfrage", "versorgt"]].sum()
            return sums["versorgt"] / sums["nachfrage"] * 100

        t_ours, cov = timed(ours)
        t_ref, ref = timed(reference)
        t_full, full = timed(reference_full, repeat=5, warmup=1)
        placed = cov["verortet"] > 0
        ours_values = cov.loc[
            placed,
            ["versorgt", "versorgt_min", "versorgt_max", "median_gehweg_m", "e2sfca_je_1000"],
        ]
        full_values = full.loc[
            cov.index[placed], ["versorgt", "versorgt_min", "versorgt_max", "median", "e2sfca"]
        ]
        # Buffers are polygons, so cells at the catchment edge (weight ≈ 0) may differ slightly.
        same_full = np.allclose(
            ours_values.to_numpy(float), full_values.to_numpy(float), rtol=1e-3, atol=1e-4
        )
        same = np.allclose(
            cov["anteil_versorgt"].dropna(), ref.reindex(cov["anteil_versorgt"].dropna().index)
        )
        rows.append(
            {
                "Gehdistanz (m)": metres,
                "Zellen": len(demand),
                "Einrichtungen": len(sites),
                "ours: full (ms)": f"{t_ours:.1f}",
                "GeoPandas: full (ms)": f"{t_full:.1f}",
                "speed-up": f"{t_full / t_ours:.0f}x",
                "same results": bool(same_full),
                "GeoPandas: share only (ms)": f"{t_ref:.1f}",
                "same shares": bool(same),
            }
        )
    xy, radius = site_arrays(sites)
    print(table(rows, "Erreichbarkeit: vollständige Neuberechnung (Median von 20 Läufen)"))
    print(
        f"\nfull = nearest site, uncertainty bounds ({len(xy)} sites, radii "
        f"{radius.min():.0f}–{radius.max():.0f} m), E2SFCA and coverage per Stadtteil incl. "
        "median walking distance.\nours: KD-tree + numpy (geo.analysis.access_kernel, geo.analysis.coverage_kernel); GeoPandas: "
        "sjoin_nearest, per-site distance, sjoin with buffers, groupby-apply.\n'share only' is "
        f"the minimal GeoPandas version (sjoin_nearest + groupby). pandas {pd.__version__}, "
        f"geopandas {gpd.__version__}."
    )


if __name__ == "__main__":
    main()
