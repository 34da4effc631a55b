"""A room opens the link at once: N new sessions against one real server (issue 22, item 1).

Starts ``streamlit run app.py`` on the real package, opens one session to warm it (package
cache, shared first page), then opens ``N`` Chromium tabs together and waits in each until
the Übersicht's map has drawn its Stadtteile. Per N it prints:

* ``CPU/Sitzung s`` – the server process's CPU time (user + system, from /proc) spent while
  the N sessions opened, divided by N;
* ``erste Karte s`` – median and slowest wall time from opening a tab to its drawn map;
* ``RSS MB`` – the server's resident memory after the N sessions.

The browser runs on the same machine, so wall times include its share of the 2 cores; the
CPU figure counts the server only. ``--code DIR`` measures another checkout (with its
``static/vendor``) with the same script, for before/after in one run. ``--via`` says how
the tabs reach the app:

* ``streamlit`` – fresh browsers, Streamlit serves everything, including its frontend, the
  map component and Leaflet (≈ 110 files) to every new browser;
* ``nginx`` – fresh browsers through ``deploy/proxy.py``: nginx serves those files from its
  cache (filled by the warm-up session); its master and worker count as server CPU;
* ``browser-cache`` – one browser that already holds the static files: the server's CPU is
  the sessions' own work (script runs, messages).

    python benchmarks/bench_sessions.py [--sessions 1 5 10] [--code DIR] [--repeat 3]
                                        [--via streamlit nginx browser-cache]
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.bench_startup import _env, free_port  # noqa: E402
from deploy.proxy import nginx_in_front, stop, wait_healthy  # noqa: E402

MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int | list[int]) -> float:
    """User + system CPU seconds of processes and their children (``/proc/<pid>/stat``).

    Live children (nginx's workers, the upload sandbox's workers) count with their parent,
    and so do ended children the parent has waited for.
    """
    total = 0.0
    for one in [pid] if isinstance(pid, int) else pid:
        try:
            fields = Path(f"/proc/{one}/stat").read_text().rsplit(")", 1)[1].split()
            children = Path(f"/proc/{one}/task/{one}/children").read_text().split()
        except FileNotFoundError:  # a child that ended meanwhile
            continue
        total += sum(int(f) for f in fields[11:15]) / TICKS
        total += sum(cpu_seconds(int(child)) for child in children)
    return total


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def start_server(code: Path, env: dict) -> tuple[subprocess.Popen, str]:
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
            "--server.address", "127.0.0.1", "--server.port", str(port),
            "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
        ],
        env=env, cwd=code, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    wait_healthy(url, [proc], seconds=180)
    return proc, url


def open_sessions(
    url: str, n: int, pids: list[int], cached: bool = False
) -> tuple[float, list[float], float]:
    """Open ``n`` tabs together; server CPU per session, seconds to each map, RSS.

    ``cached``: the tabs share one browser whose HTTP cache already holds the app's static
    files (Streamlit's frontend, the map component, Leaflet) – a returning browser, or a
    reverse proxy that serves them – so the server's CPU is the sessions' own work.
    """
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic"],
        )
        tabs, shared = [], None
        if cached:
            shared = chromium.new_context(viewport={"width": 1280, "height": 900})
            first = _tab(shared, url, cached=True)
            first.goto(url, wait_until="commit")
            first.frame_locator(MAP_FRAME).first.locator("path.ba-stadtteil").first.wait_for(
                timeout=600_000
            )
            first.close()
        for _ in range(n):
            context = shared or chromium.new_context(viewport={"width": 1280, "height": 900})
            tabs.append(_tab(context, url, cached))
        time.sleep(1.0)  # the browser settles; the server is idle
        cpu0 = cpu_seconds(pids)
        start = time.perf_counter()
        for tab in tabs:  # navigations start at once; waits follow
            tab.goto(url, wait_until="commit")
        drawn = []
        for tab in tabs:
            frame = tab.frame_locator(MAP_FRAME).first
            frame.locator("path.ba-stadtteil").first.wait_for(timeout=600_000)
            drawn.append(time.perf_counter() - start)
        _wait_idle(pids)
        cpu = cpu_seconds(pids) - cpu0
        memory = rss_mb(pids[0])
        chromium.close()
    return cpu / n, drawn, memory


def _tab(context, url: str, cached: bool = False):
    """A new tab that may reach only the app's server (no internet).

    With ``cached`` no request is routed: Playwright's routing switches the browser's HTTP
    cache off. Requests beyond the server (map tiles) then simply fail on this offline machine.
    """
    tab = context.new_page()
    if not cached:
        tab.route("**/*", lambda r: r.continue_() if url in r.request.url else r.abort())
    return tab


def _wait_idle(pids: list[int], quiet: float = 1.5) -> None:
    """Until the server used no CPU for ``quiet`` seconds (its script runs have ended)."""
    last, since = cpu_seconds(pids), time.perf_counter()
    while time.perf_counter() - since < quiet:
        time.sleep(0.25)
        now = cpu_seconds(pids)
        if now - last > 0.02:
            since = time.perf_counter()
        last = now


#: How the tabs reach the app: straight from Streamlit, through nginx (``deploy/proxy.py``),
#: or straight from Streamlit with a browser that already holds the static files.
VIA = ("streamlit", "nginx", "browser-cache")


@contextlib.contextmanager
def running(code: Path, env: dict, via: str) -> Iterator[tuple[str, list[int]]]:
    """A server for ``code``; yields its URL and the processes whose CPU counts."""
    proc, url = start_server(code, env)
    try:
        if via != "nginx":
            yield url, [proc.pid]
            return
        port = free_port()
        with nginx_in_front(f"127.0.0.1:{port}", int(url.rsplit(":", 1)[1])) as nginx:
            wait_healthy(f"http://127.0.0.1:{port}", [proc, nginx])
            yield f"http://127.0.0.1:{port}", [proc.pid, nginx.pid]
    finally:
        stop(proc)


def measure(code: Path, sessions: list[int], repeat: int, via: str) -> list[dict]:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        env = _env(code, Path(tmp), Path(tmp) / "cache")
        for n in sessions:
            runs = []
            for _ in range(repeat):
                with running(code, env, via) as (url, pids):
                    open_sessions(url, 1, pids)  # warm: package, shared first page, nginx
                    runs.append(open_sessions(url, n, pids, via == "browser-cache"))
            rows.append(
                {
                    "Sitzungen": n,
                    "CPU/Sitzung s": statistics.median(r[0] for r in runs),
                    "erste Karte s (Median)": statistics.median(
                        statistics.median(r[1]) for r in runs
                    ),
                    "erste Karte s (max)": statistics.median(max(r[1]) for r in runs),
                    "RSS MB": statistics.median(r[2] for r in runs),
                    "Last": os.getloadavg()[0],
                }
            )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, nargs="+", default=[1, 5, 10])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--code", type=Path, action="append", default=None)
    parser.add_argument(
        "--via", nargs="+", choices=VIA, default=["streamlit", "nginx"],
        help="how the tabs reach the app (see VIA); several for a side-by-side table",
    )  # fmt: skip
    args = parser.parse_args()
    codes = [c.resolve() for c in (args.code or [ROOT])]
    for code, via in itertools.product(codes, args.via):
        rows = measure(code, args.sessions, args.repeat, via)
        label = {
            "streamlit": "frische Browser, Streamlit liefert alles",
            "nginx": "frische Browser, nginx liefert die statischen Dateien (deploy/proxy.py)",
            "browser-cache": "Browser hält die statischen Dateien schon",
        }[via]
        print(f"\nNeue Sitzungen gleichzeitig · {code} · {label} · Median aus {args.repeat} Läufen")
        keys = list(rows[0])
        print("  ".join(f"{k:>22}" for k in keys))
        for row in rows:
            print(
                "  ".join(
                    f"{row[k]:>22.2f}" if isinstance(row[k], float) else f"{row[k]:>22}"
                    for k in keys
                )
            )


if __name__ == "__main__":
    main()
