"""Travel times by Bus & Bahn for the whole city, vs. Dijkstra on a time-expanded graph.

For one departure window: all connections of the MVB timetable, backward profile scan from
all open senior meeting places to every stop and departure, then door-to-door minutes for
every populated cell and sampled departure (median per cell). Reference: the same question
answered by :class:`tests.geo.transit_oracle.TimeExpandedReference` (a graph with one
node per departure/arrival event, scipy's Dijkstra from a super sink), whose answers are fed
through the same door-to-door step. Target: well under 2 s for the whole city per window.

A second table shows what a new process (one ``begegnungsatlas transit`` call) pays for the
timetable: parsing it, or taking it from the on-disk cache
(:func:`geo.io.package_cache.read_feed_cached`), and the whole command with an empty cache
(cold) and with a filled one (warm); its output must be the same both times.

Run: .venv/bin/python benchmarks/bench_transit.py
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import package, table, timed
from geo.analysis.access_adapter import analyse
from geo.analysis.access_kernel import WalkParams
from geo.analysis.demand import TARGET_GROUPS
from geo.analysis.transit import (
    TransitParams,
    connections,
    door_to_door,
    egress_times,
    footpaths,
    profile_scan,
    transit_access,
)
from geo.config import data_dir
from geo.crs import xy
from geo.io.gtfs import read_feed
from geo.io.package_cache import CACHE_ENV, read_feed_cached
from tests.geo.transit_oracle import TimeExpandedReference

WINDOWS = [(9 * 60, 12 * 60), (6 * 60, 9 * 60), (15 * 60, 18 * 60)]


def seconds(func) -> tuple[float, object]:
    """Wall time of one run in seconds (for the slow reference)."""
    start = time.perf_counter()
    result = func()
    return time.perf_counter() - start, result


def _cli_transit(cache: Path) -> tuple[float, bytes]:
    """Wall time of one ``begegnungsatlas transit`` process and its output (CSV)."""
    env = {**os.environ, CACHE_ENV: str(cache)}
    command = [sys.executable, "-m", "cli", "transit", "--data", str(data_dir())]
    start = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, check=True)
    return time.perf_counter() - start, done.stdout


def process_rows(pkg) -> list[dict]:
    """What a new process pays for the timetable: parsed vs. from the disk cache; CLI cold/warm."""
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp) / "cache"
        t_parse, _ = timed(lambda: read_feed(pkg.gtfs_path, pkg.stadtgrenze), repeat=3, warmup=0)
        read_feed_cached(pkg.gtfs_path, pkg.stadtgrenze, cache)  # store the entry
        t_cached, _ = timed(
            lambda: read_feed_cached(pkg.gtfs_path, pkg.stadtgrenze, cache), repeat=5, warmup=0
        )
        cli_cache = Path(tmp) / "cli-cache"
        t_cold, cold = _cli_transit(cli_cache)
        t_warm, warm = timed(lambda: _cli_transit(cli_cache), repeat=3, warmup=0)
    same = cold == warm[1]
    return [
        {
            "Schritt": "Fahrplan lesen und prüfen",
            "Zeit (s)": f"{t_parse / 1000:.2f}",
            "Bemerkung": "",
        },
        {
            "Schritt": "Fahrplan aus dem Cache",
            "Zeit (s)": f"{t_cached / 1000:.3f}",
            "Bemerkung": "",
        },
        {"Schritt": "begegnungsatlas transit, kalt", "Zeit (s)": f"{t_cold:.2f}", "Bemerkung": ""},
        {
            "Schritt": "begegnungsatlas transit, warm",
            "Zeit (s)": f"{t_warm / 1000:.2f}",
            "Bemerkung": f"gleiche Ausgabe: {same}",
        },
    ]


def main() -> None:
    pkg = package()
    t_read, feed = seconds(lambda: read_feed(pkg.gtfs_path, pkg.stadtgrenze))
    result = analyse(pkg, 2025, TARGET_GROUPS["senioren"], WalkParams())
    cells, places, stops = xy(result.cells), xy(result.sites), xy(feed.stops)
    paths = footpaths(feed, TransitParams())
    rng = np.random.default_rng(0)
    rows = []
    for start, end in WINDOWS:
        params = TransitParams(start_min=start, end_min=end)
        day = feed.typical_day(params.weekday)
        conns = connections(
            feed, day, params.start_min * 60.0, (params.end_min + params.horizon_min) * 60.0
        )
        egress = egress_times(stops, places, params)
        transfer = params.transfer_penalty_min * 60.0

        t_conns, _ = timed(
            lambda params=params, day=day: connections(
                feed, day, params.start_min * 60.0, (params.end_min + params.horizon_min) * 60.0
            ),
            repeat=5,
        )
        t_scan, profiles = timed(
            lambda conns=conns, egress=egress, transfer=transfer: profile_scan(
                conns, egress, paths, transfer
            ),
            repeat=5,
        )
        t_cells, ours = timed(
            lambda profiles=profiles, params=params: door_to_door(
                cells, places, stops, profiles, params
            ),
            repeat=5,
        )
        t_total, _ = timed(
            lambda params=params: transit_access(feed, cells, places, params, paths=paths),
            repeat=5,
            warmup=1,
        )
        # Warm: the window's connections, footpaths and the status quo are kept per process
        # (geo.analysis.transit.window); the same places again, or one new site appended
        # (a click in the Standortsimulation: only its own legs are scanned).
        kept = replace(params, barrier=result.params.barrier)
        transit_access(feed, cells, places, kept)
        t_again, _ = timed(lambda kept=kept: transit_access(feed, cells, places, kept), repeat=5)
        new_sites = iter(cells[rng.choice(len(cells), size=20, replace=False)])
        t_added, _ = timed(
            lambda kept=kept, new_sites=new_sites: transit_access(
                feed, cells, np.vstack([places, next(new_sites)]), kept
            ),
            repeat=5,
        )
        t_graph, reference = seconds(
            lambda conns=conns, egress=egress, transfer=transfer: TimeExpandedReference(
                conns, egress, paths, transfer
            )
        )
        ref_profiles = reference.profiles()
        t_ref_cells, theirs = seconds(
            lambda ref_profiles=ref_profiles, params=params: door_to_door(
                cells, places, stops, ref_profiles, params
            )
        )
        both = np.isfinite(ours) & np.isfinite(theirs)
        same = bool(
            (np.isfinite(ours) == np.isfinite(theirs)).all()
            and np.allclose(ours[both], theirs[both], atol=1e-3)
        )
        rows.append(
            {
                "Zeitraum": params.label,
                "Verbindungen": f"{len(conns):,}",
                "ours: Verbindungen (s)": f"{t_conns / 1000:.3f}",
                "ours: Profil-Scan (s)": f"{t_scan / 1000:.3f}",
                "ours: Zellen (s)": f"{t_cells / 1000:.3f}",
                "ours: gesamt (s)": f"{t_total / 1000:.3f}",
                "warm: gleich (s)": f"{t_again / 1000:.3f}",
                "warm: +1 Ort (s)": f"{t_added / 1000:.3f}",
                "Dijkstra: Graph+Suche (s)": f"{t_graph:.2f}",
                "Dijkstra: gesamt (s)": f"{t_conns / 1000 + t_graph + t_ref_cells:.2f}",
                "speed-up": f"{(t_conns / 1000 + t_graph + t_ref_cells) / (t_total / 1000):.0f}x",
                "gleiche Reisezeiten": same,
            }
        )
    print(
        table(
            rows,
            f"Bus & Bahn: Reisezeiten für {len(cells):,} Zellen, {len(places)} Einrichtungen, "
            f"{len(stops)} Haltestellen, {len(params.departures)} Abfahrten je Zeitraum",
        )
    )
    print()
    print(table(process_rows(pkg), "Neuer Prozess: Fahrplan und Befehl"))
    print(
        f"\nFahrplan einmal lesen und prüfen: {t_read:.2f} s (in der App zwischengespeichert).\n"
        "'kalt' = leerer Cache-Ordner (Paket und Fahrplan werden gelesen), 'warm' = Median "
        "von 3 Aufrufen danach (ganzer Prozess: Start, Paket, Fahrplan, Gehwege, Bus & Bahn).\n"
        "ours = backward profile Connection Scan (geo.analysis.transit.profile_scan) + KD-tree access "
        "walks; 'gesamt' = geo.analysis.transit.transit_access without reading the feed (median of 5).\n"
        "'warm' = the window kept in the process: the same places again / one new site appended "
        "(only its own legs; the figures equal the full computation).\n"
        "Dijkstra = time-expanded graph (scipy.sparse.csgraph.dijkstra from a super sink), "
        "answers fed through the same door-to-door step; one run.\n"
        "'gleiche Reisezeiten': every cell × departure agrees within 1 ms."
    )


if __name__ == "__main__":
    main()
