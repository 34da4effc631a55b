"""Standortsimulation: server time and bytes per planner action on the real package.

Replays what the server does for one action of a planner on the Standortsimulation page:
``app.py`` with its sidebar and the whole page, run by Streamlit's AppTest (the same script
run as in the browser, without the network):

* **Klick** – a map click places a site (the click callback: check and name the site, then
  one page run),
* **Entfernen** – one of two new sites removed ("entfernen"),
* **Gewicht** – an index weight changed on the Unterversorgung page, where its slider is
  (the session holds a scenario with two new sites),
* **Gehdistanz (neu)** – the walking threshold changed (500 → 800/1.000 m) with two new
  sites, the first time in the session at that threshold (its status quo is computed),
* **Gehdistanz** – the same change again (status quo from the cache),
* **Vorschlag** – "Vorschlag berechnen" (k = 2 … 5, grid): optimiser and preview on the map.

The page scripts are compiled once as in the server (AppTest alone would recompile them on
every run), and a widget inside the page's fragment (the map, the buttons of the simulation)
reruns only that fragment, as in the browser. *Server time* is the wall time of that work
(median over the repetitions; caches warm as in a running app, except what the action
itself changes); *CPU* is the process time of the
same work (less affected by other programs on a shared machine). *KB* are the serialised
Streamlit messages the run sends to the browser, with Streamlit's message cache (an
unchanged element of ≥ 10 KB is sent as a short reference).

The "vorher" figures come from the same replay on the code before this work (commit
22ece14: a click or a removal = the run that receives it, ``st.rerun()`` and a second run;
the whole folium map – every covered cell as a GeoJSON square, every marker – rebuilt and sent
on every run; both rankings recomputed per click). That code path no longer exists; it can
be measured again from a checkout of that commit with ``--vorher DIR``
(``git archive 22ece14 | tar -x -C DIR``). Recorded on this machine kind (2 cores, shared,
load ≈ 1), together with the figures after this work:

================  ==========  ==========  ==========  ===========  ==========
action            vorher ms   vorher KB   nachher ms  nachher KB   Ziel
================  ==========  ==========  ==========  ===========  ==========
Klick             1.070       841         100         49           150 ms, 50 KB
Entfernen         1.156       840         96          48           150 ms, 50 KB
Gewicht           345         250         129         49           150 ms
Gehdistanz (neu)  1.050       630         255         57           400 ms
Gehdistanz        1.050       630         115         56           400 ms
Vorschlag         537         398         190         59           –
================  ==========  ==========  ==========  ===========  ==========

A second table splits one click into its parts (compute, map layers, the map component's
payload) next to the old parts (``compute`` without cached status quo, the old
``scenario_map`` with ``st_folium``: about 145 ms CPU, 370 ms and 393 KB).

Run: .venv/bin/python benchmarks/bench_simulation.py [--repeat N] [--vorher DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

HERE = Path(__file__).resolve().parent

#: Recorded "vorher" figures (see the module docstring): wall ms, CPU ms, KB.
VORHER = {
    "Klick": (1070, 1093, 841),
    "Entfernen": (1156, 1193, 840),
    "Gewicht": (345, 359, 250),
    "Gehdistanz (neu)": (1050, 1078, 630),
    "Gehdistanz": (1050, 1078, 630),
    "Vorschlag": (537, 550, 398),
}
#: Targets of issue 12 (server ms, KB); None: no target.
ZIEL = {
    "Klick": (150, 50),
    "Entfernen": (150, 50),
    "Gewicht": (150, None),
    "Gehdistanz (neu)": (400, None),
    "Gehdistanz": (400, None),
    "Vorschlag": (None, None),
}
#: Positions (lon, lat) of the replayed sites: Neue Neustadt, Werder, Sudenburg and more.
SITES = [
    (11.6380, 52.1610),
    (11.6540, 52.1250),
    (11.6010, 52.1150),
    (11.6180, 52.1700),
    (11.6650, 52.1080),
    (11.5900, 52.1330),
]


def replay(app_dir: Path, repeat: int) -> dict[str, tuple[float, float, float]]:
    """Median (wall ms, CPU ms, bytes) per action for the app in ``app_dir``."""
    sys.path.insert(0, str(app_dir))
    os.chdir(app_dir)
    # The benchmark replays the app itself, so it imports Streamlit like the tests do.
    from streamlit.runtime.scriptrunner_utils import script_run_context as src  # noqa: TID251
    from streamlit.testing.v1 import AppTest  # noqa: TID251

    from scenarios.model import NewSite, Overlay, Scenario
    from ui import state

    sent: list[tuple[str, bool, int]] = []
    enqueue = src.ScriptRunContext.enqueue

    def recording(self, msg):
        enqueue(self, msg)
        sent.append((msg.hash, msg.metadata.cacheable, msg.ByteSize()))

    src.ScriptRunContext.enqueue = recording
    # The server compiles app.py and the page once (one ScriptCache); AppTest would compile
    # them on every run, which the browser never waits for.
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache  # noqa: TID251
    from streamlit.runtime.scriptrunner_utils.script_requests import RerunData  # noqa: TID251
    from streamlit.testing.v1 import app_test, local_script_runner  # noqa: TID251

    shared = ScriptCache()
    local_script_runner.ScriptCache = app_test.ScriptCache = lambda: shared
    # AppTest always reruns the whole app; a widget inside a fragment (the map, the buttons
    # of the simulation) makes the server rerun only that fragment. Replay it as such.
    fragments: list[str] = []
    local_script_runner.RerunData = lambda **kw: RerunData(
        **kw, **({"fragment_id_queue": list(fragments)} if fragments else {})
    )
    seen: set[str] = set()
    at = AppTest.from_file(str(app_dir / "app.py"), default_timeout=300)
    at.run()
    at.switch_page("pages/standortsimulation.py")

    def run(fragment: bool = False) -> tuple[float, float, float]:
        sent.clear()
        fragments[:] = list(at._fragment_storage._fragments) if fragment else []
        wall, cpu = time.perf_counter(), time.process_time()
        at.run()
        wall, cpu = (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000
        fragments.clear()
        if at.exception:
            raise RuntimeError([e.message for e in at.exception])
        size = 0
        for digest, cacheable, nbytes in sent:
            size += 60 if cacheable and digest in seen else nbytes  # a reference message
            if cacheable:
                seen.add(digest)
        return wall, cpu, size

    def twice(first, second) -> tuple[float, float, float]:
        return tuple(a + b for a, b in zip(first, second, strict=True))

    run()
    run()
    new_code = hasattr(__import__("ui.simulation", fromlist=["click"]), "click")
    if new_code:
        from benchmarks.common import package
        from scenarios.placement import place
        from scenarios.proposals import package_stops

        pkg = package()
        stops = package_stops(pkg)
    site = [NewSite(f"S{i}", lon, lat) for i, (lon, lat) in enumerate(SITES)]
    results: dict[str, list[tuple[float, float, float]]] = {k: [] for k in VORHER}

    def settle(scenario, **values) -> None:
        at.session_state[state.SCENARIO] = scenario
        for key, value in values.items():
            at.session_state[key] = value
        run()

    for i in range(repeat):
        one = Scenario(overlay=Overlay(added=(site[i % 3],)))
        lon, lat = SITES[3 + i % 3]
        lat += 0.0005 * i  # a new position each time: nothing comes from a cache
        settle(one)
        if new_code:  # the click callback, then the fragment with the map
            wall, cpu = time.perf_counter(), time.process_time()
            scenario = replace(one, overlay=place(one.overlay, lon, lat, pkg.stadtteile, stops))
            click = ((time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000)
            at.session_state[state.SCENARIO] = scenario
            results["Klick"].append(twice((*click, 0), run(fragment=True)))
        else:  # the run that receives the click, st.rerun(), the run with the new site
            first = run()
            at.session_state[state.SCENARIO] = replace(
                one, overlay=one.overlay.with_site(NewSite("neu", lon, lat))
            )
            results["Klick"].append(twice(first, run()))

        # Every state is new (shifted positions): none was sent to the browser before.
        shift = 0.0003 * (i + 1)
        two = Scenario(
            overlay=Overlay(
                added=(replace(site[i % 3], lat=site[i % 3].lat + shift), replace(site[3], lat=lat))
            )
        )
        settle(two)
        if new_code:  # the button's callback, then the fragment
            at.session_state[state.SCENARIO] = replace(two, overlay=two.overlay.without_site(1))
            results["Entfernen"].append(run(fragment=True))
        else:  # the run with the button, st.rerun(), the run without the site
            first = run()
            at.session_state[state.SCENARIO] = replace(two, overlay=two.overlay.without_site(1))
            results["Entfernen"].append(twice(first, run()))

        # The weight slider lives on the Unterversorgung page (with a scenario in the session).
        settle(
            Scenario(
                overlay=Overlay(added=(replace(site[i % 3], lat=site[i % 3].lat - shift), site[4]))
            )
        )
        at.switch_page("pages/unterversorgung.py")
        run()
        at.session_state[state.weight_key("wohngeld")] = 0.10 + 0.01 * (i + 1)
        results["Gewicht"].append(run())
        at.session_state[state.weight_key("wohngeld")] = 0.10
        at.switch_page("pages/standortsimulation.py")
        run()

        at.session_state[state.MAX_WALK] = (800, 1000)[i % 2]
        # 800 and 1.000 m alternate: the first two changes compute a new status quo.
        results["Gehdistanz (neu)" if i < 2 else "Gehdistanz"].append(run())
        settle(Scenario(), **{state.MAX_WALK: 500})

        at.session_state[state.OPT_K] = 2 + i % 4
        at.session_state[state.PROPOSAL] = None
        run()
        next(b for b in at.button if b.label == "Vorschlag berechnen").click()
        results["Vorschlag"].append(run(fragment=new_code))
        settle(Scenario())
    return {
        k: tuple(statistics.median(r[j] for r in v) for j in range(3))
        for k, v in results.items()
        if v
    }


def parts(repeat: int) -> list[dict]:
    """One click split into its parts (the code of this tree)."""
    import streamlit_folium  # noqa: TID251 (replays the component call)

    from benchmarks.common import package, timed
    from maps.scenario_maps import base_data, layered_base, simulation_layers
    from scenarios.evaluation import baseline, evaluate, walking
    from scenarios.model import Assumptions, NewSite, Overlay

    pkg = package()
    assumptions = Assumptions(year=2025)
    walk = walking(pkg, assumptions)
    base = baseline(pkg, assumptions, walk=walk)
    clicked = Overlay().with_site(NewSite("neu", *SITES[0]))
    base_map = base_data(pkg.stadtteile, pkg.zensus)

    captured: dict = {}

    def component(**kwargs):
        captured.clear()
        captured.update(kwargs)
        return kwargs["default"]

    streamlit_folium._component_func = component
    ms_full, _ = timed(
        lambda: evaluate(baseline(pkg, assumptions, walk=walk), clicked), repeat
    )  # the status quo's ranking recomputed as well
    ms_compute, ev = timed(lambda: evaluate(base, clicked), repeat)

    def layers():
        return simulation_layers(
            ev.before.cells["versorgt"].to_numpy(),
            ev.after.cells["versorgt"].to_numpy(),
            ev.after.sites,
            ev.after.sites.iloc[:0],
            ev.after.params,
        )

    ms_layers, _ = timed(layers, repeat)

    def render():
        return streamlit_folium.st_folium(
            layered_base(base_map),
            key="karte",
            height=620,
            returned_objects=["last_clicked"],
            feature_group_to_add=layers(),
        )

    ms_render, _ = timed(render, repeat)
    payload = {k: v for k, v in captured.items() if k != "on_change"}
    size = len(json.dumps(payload, default=str).encode())
    layer_size = len(payload["feature_group"].encode())
    return [
        {"Teil eines Klicks": "compute (Ist-Zustand neu gerankt)", "vorher": "≈ 145 ms", "nachher": f"{ms_full:.0f} ms"},
        {"Teil eines Klicks": "compute (Ist-Zustand aus dem Cache, base=)", "vorher": "–", "nachher": f"{ms_compute:.0f} ms"},
        {"Teil eines Klicks": "Kartenebenen des Szenarios", "vorher": "–", "nachher": f"{ms_layers:.0f} ms"},
        {"Teil eines Klicks": "Karte bauen + Komponente rendern", "vorher": "≈ 370 ms", "nachher": f"{ms_render:.0f} ms"},
        {"Teil eines Klicks": "Daten der Kartenkomponente", "vorher": "393 KB", "nachher": f"{size / 1000:.0f} KB (Ebenen {layer_size / 1000:.1f} KB)"},
    ]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--vorher", type=Path, help="checkout of the code before (22ece14)")
    parser.add_argument("--replay", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.replay:  # child process: one app tree, JSON on stdout
        print(json.dumps(replay(args.replay, args.repeat)))
        return
    sys.path.insert(0, str(HERE.parent))
    from benchmarks.common import table

    def child(app_dir: Path) -> dict:
        out = subprocess.run(
            [sys.executable, __file__, "--replay", str(app_dir), "--repeat", str(args.repeat)],
            check=True, capture_output=True, text=True,
        )  # fmt: skip
        return json.loads(out.stdout.strip().splitlines()[-1])

    before = (
        {k: tuple(v) for k, v in child(args.vorher.resolve()).items()} if args.vorher else VORHER
    )
    after = child(HERE.parent)
    rows = []
    for action, (wall, cpu, size) in after.items():
        b_wall, b_cpu, b_size = before[action]
        b_size = b_size if not args.vorher else b_size / 1000
        goal_ms, goal_kb = ZIEL[action]
        rows.append(
            {
                "Aktion": action,
                "vorher ms": f"{b_wall:.0f}",
                "nachher ms": f"{wall:.0f}",
                "Ziel ms": f"≤ {goal_ms}" if goal_ms else "–",
                "vorher CPU": f"{b_cpu:.0f}",
                "nachher CPU": f"{cpu:.0f}",
                "vorher KB": f"{b_size:.0f}",
                "nachher KB": f"{size / 1000:.0f}",
                "Ziel KB": f"≤ {goal_kb}" if goal_kb else "–",
            }
        )
    load = os.getloadavg()[0]
    source = f"gemessen in {args.vorher}" if args.vorher else "aufgezeichnet, siehe Docstring"
    print(table(rows, f"Standortsimulation je Aktion (Median, Last {load:.1f}; vorher {source})"))
    print()
    print(table(parts(args.repeat), "Ein Klick in Teilen (Median)"))


if __name__ == "__main__":
    main()
