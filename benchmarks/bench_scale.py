"""How costs grow with the city: cells (1×, 4×, 10×, 20× Magdeburg) and places (44/200/1,000).

For each synthetic city (:mod:`benchmarks.synthetic_city`, the data package's format) it
times, in one process per city: parsing the package (cold), loading it from the package cache,
the coverage analysis (``analyse``: nearest place, bounds from position uncertainty, E2SFCA),
the optimiser's model build (all populated cells as candidates, 500 m), the exact MCLP for
k = 10 (the most the checkout allows). Each row gives seconds (median of ``--repeat`` runs),
the peak of memory allocated during the step (tracemalloc) and the growth exponent against the
previous row of the same series (``t ∝ size^e``: 1 = linear).

The p-median (``--pmedian-k``, all cells as candidates, up to ``--pmedian-upto``) runs in a
process of its own under a memory limit (``--pmedian-memory-gb``, ``RLIMIT_AS``) and a time
limit: seconds, the process's peak RSS, the status and the proven gap – or why it stopped
(refused with the planner's message, memory limit, time limit).

Run: .venv/bin/python benchmarks/bench_scale.py [--factors 1 4 10 20] [--places 44 200 1000]
Before/after: ``BEGEGNUNGSATLAS_CODE=/path/to/other/checkout`` runs another checkout's code
on the same cities (the generator is this file's neighbour).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
CODE = Path(os.environ.get("BEGEGNUNGSATLAS_CODE", HERE.parent)).resolve()


def measure(step, repeat: int) -> tuple[float, float]:
    """Median seconds over ``repeat`` runs and the peak MB allocated by one run."""
    times = []
    for i in range(repeat):
        if i == 0:
            tracemalloc.start()
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
        if i == 0:
            peak = tracemalloc.get_traced_memory()[1] / 1e6
            tracemalloc.stop()
    return statistics.median(times), peak


def pmedian_process(instance: Path, k: int, limits: tuple[float, float]) -> dict:
    """The p-median for ``k`` in its own process under ``limits`` (GB of address space, s)."""
    memory_gb, timeout = limits

    def limit_memory():
        size = int(memory_gb * 2**30)
        resource.setrlimit(resource.RLIMIT_AS, (size, size))

    command = [sys.executable, __file__, "--pmedian-child", str(instance), "--pmedian-k", str(k)]
    try:
        child = subprocess.run(
            command, preexec_fn=limit_memory, capture_output=True, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        return {"halt": f"Zeitlimit {timeout:g} s"}
    if child.returncode != 0:
        memory = "MemoryError" in child.stderr or child.returncode < 0
        return {"halt": f"Speicherlimit {memory_gb:g} GB" if memory else child.stderr[-300:]}
    return json.loads(child.stdout.strip().splitlines()[-1])


def pmedian_child(instance: Path, k: int) -> dict:
    """One p-median run (the process of :func:`pmedian_process`): time, peak RSS, status."""
    from geo.analysis.metric import WalkMetric
    from geo.analysis.siting import pmedian

    data = np.load(instance)
    demand, metric = data["demand"], WalkMetric(float(data["detour"]))
    start = time.perf_counter()
    try:
        result = pmedian(demand, data["weights"], data["current"], demand, k, metric)
    except ValueError as exc:  # the planner's refusal, raised before the pairs are built
        return {"halt": str(exc), "s": time.perf_counter() - start, "mb": peak_rss_mb()}
    seconds = time.perf_counter() - start
    return {
        "s": seconds,
        "mb": peak_rss_mb(),
        "status": result.status,
        "gap": result.gap,
        "method": result.method,
    }


def peak_rss_mb() -> float:
    """Peak resident memory of this process in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_city(root: Path, repeat: int, pmedian_ks: list[int], limits: tuple[float, float]) -> dict:
    """All steps on one city (runs in a child process with ``CODE`` first on the path).

    ``pmedian_ks`` empty: no p-median; ``limits``: its memory (GB) and time (s) limits.
    """
    from geo.analysis.access_adapter import SiteSelection, analyse
    from geo.analysis.access_kernel import WalkParams
    from geo.analysis.demand import TARGET_GROUPS
    from geo.analysis.siting import MAX_K, SitingProblem, solve_mclp
    from geo.crs import xy
    from geo.io.package import load_package
    from geo.io.package_cache import load_package_cached

    out = {}
    out["laden_kalt"] = measure(lambda: load_package(root), 1)
    load_package_cached(root)  # store the entry
    out["laden_cache"] = measure(lambda: load_package_cached(root), repeat)
    pkg = load_package_cached(root)
    params = WalkParams(max_walk_m=500)
    group = TARGET_GROUPS["senioren"]
    year = int(pkg.statistik["jahr"].max())

    def coverage():
        return analyse(pkg, year, group, params, selection=SiteSelection())

    out["coverage"] = measure(coverage, repeat)
    cells = coverage().cells
    demand, weights = xy(cells), cells["nachfrage"].to_numpy()
    covered = cells["versorgt"].to_numpy()

    def build():
        return SitingProblem.from_points(demand, weights, demand, params, covered=covered)

    out["modell"] = measure(build, repeat)
    problem = build()
    k = min(10, MAX_K)  # an older checkout (BEGEGNUNGSATLAS_CODE) may allow fewer
    out["mclp"] = measure(lambda: solve_mclp(problem, k), 1)
    out["mclp_status"] = f"k = {k}: {solve_mclp(problem, k).status}"
    if pmedian_ks:
        with tempfile.TemporaryDirectory() as tmp:
            instance = Path(tmp) / "instance.npz"
            current, detour = cells["gehweg_m"].to_numpy(), params.metric.detour
            np.savez(instance, demand=demand, weights=weights, current=current, detour=detour)
            out["pmedian"] = {k: pmedian_process(instance, k, limits) for k in pmedian_ks}
    out["zellen"] = len(cells)
    return out


def exponent(t1: float, t0: float, s1: float, s0: float) -> str:
    if t0 <= 0 or t1 <= 0 or s1 == s0:
        return "–"
    return f"{math.log(t1 / t0) / math.log(s1 / s0):.2f}"


def print_pmedian(rows: list[dict]) -> None:
    """The p-median table: seconds, peak RSS, status and proven gap (or why it stopped)."""
    if not any("pmedian" in r for r in rows):
        return
    print("p-median (eigener Prozess): Zeit s · Spitze RSS MB · Status · nachgewiesene Lücke")
    for row in rows:
        for k, res in row.get("pmedian", {}).items():
            head = f"{row['zellen']:>7} {row['places']:>5}  k = {k}: "
            if "status" not in res:
                spent = f"nach {res['s']:.1f} s, {res['mb']:.0f} MB: " if "s" in res else ""
                print(head + spent + "abgebrochen – " + res["halt"])
                continue
            print(
                head + f"{res['s']:8.2f} s {res['mb']:7.0f} MB  {res['status']} · "
                f"Lücke {res['gap']:.4%} · {res['method']}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--factors", type=float, nargs="+", default=[1, 4, 10, 20])
    parser.add_argument("--places", type=int, nargs="+", default=[44, 200, 1000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--pmedian-upto", type=float, default=20, help="p-median only up to this factor"
    )
    parser.add_argument("--pmedian-k", type=int, nargs="+", default=[5])
    parser.add_argument("--pmedian-memory-gb", type=float, default=8.0)
    parser.add_argument("--pmedian-timeout", type=float, default=600.0)
    parser.add_argument("--pmedian-child", type=Path, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--cities", type=Path, default=Path(tempfile.gettempdir()) / "ba-scale")
    parser.add_argument("--child", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.pmedian_child is not None:  # one p-median, in a process under a memory limit
        sys.path.insert(0, str(CODE))
        print(json.dumps(pmedian_child(args.pmedian_child, args.pmedian_k[0])))
        return
    if args.child is not None:  # one city, in a fresh process with the chosen code
        sys.path.insert(0, str(CODE))
        factor = float(args.child.name.split("x")[0])
        ks = args.pmedian_k if factor <= args.pmedian_upto else []
        limits = (args.pmedian_memory_gb, args.pmedian_timeout)
        print(json.dumps(run_city(args.child, args.repeat, ks, limits)))
        return
    sys.path.insert(0, str(HERE))
    from synthetic_city import write_city

    env = {**os.environ, "BEGEGNUNGSATLAS_CACHE": str(args.cities / f"cache-{os.getpid()}")}
    print(f"Code: {CODE}  ·  load: {os.getloadavg()[0]:.1f} (1 min)")
    rows: list[dict] = []
    for factor in args.factors:
        for places in args.places:
            root = args.cities / f"{factor:g}x-{places}"
            if not (root / "einrichtungen.csv").is_file():
                write_city(root, factor, places)
            child = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--child",
                    str(root),
                    "--repeat",
                    str(args.repeat),
                    "--pmedian-upto",
                    str(args.pmedian_upto),
                    "--pmedian-memory-gb",
                    str(args.pmedian_memory_gb),
                    "--pmedian-timeout",
                    str(args.pmedian_timeout),
                    "--pmedian-k",
                    *map(str, args.pmedian_k),
                ],
                env=env,
                capture_output=True,
                text=True,
                check=True,
            )
            res = json.loads(child.stdout.strip().splitlines()[-1])
            rows.append({"factor": factor, "places": places, **res})
            print(f"  {factor:g}× / {places}: {json.dumps(res)}", file=sys.stderr, flush=True)
    steps = ["laden_kalt", "laden_cache", "coverage", "modell", "mclp"]
    header = f"{'Zellen':>7} {'Orte':>5} " + " ".join(f"{s:>22}" for s in steps)
    print(
        "Zeit s · Spitze MB · Exponent e (t ∝ Größe^e; gegen die Zeile mit weniger Orten bei "
        "gleichen Zellen, in der ersten Zeile einer Stadtgröße gegen die kleinere Stadt)"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        same_cells = [
            r for r in rows if r["factor"] == row["factor"] and r["places"] < row["places"]
        ]
        smaller = [r for r in rows if r["places"] == row["places"] and r["factor"] < row["factor"]]
        prev = same_cells[-1] if same_cells else (smaller[-1] if smaller else None)
        by = "places" if same_cells else "zellen"
        cells = []
        for s in steps:
            if s not in row:
                cells.append(f"{'–':>22}")
                continue
            t, peak = row[s]
            e = "–"
            if prev is not None and s in prev:
                e = exponent(t, prev[s][0], row[by], prev[by])
            cells.append(f"{t:>8.3f} {peak:>7.0f} {e:>5}")
        print(f"{row['zellen']:>7} {row['places']:>5} " + " ".join(cells))
    print_pmedian(rows)
    print("MCLP: " + ", ".join(f"{r['zellen']}/{r['places']}: {r['mclp_status']}" for r in rows))


if __name__ == "__main__":
    main()
