"""Start-up times: the command line and the app's first page (issue 12, item 8).

Targets on this machine: ``begegnungsatlas indicators`` ≤ 1.5 s, the app's first page ≤ 3 s.

Every figure is measured in fresh processes, as a user meets it:

* ``begegnungsatlas <cmd>``: wall time of the whole command (interpreter start, imports,
  package load, computation, output to /dev/null), median of ``--repeat`` runs;
* ``app: server ready``: ``streamlit run app.py`` until ``/_stcore/health`` answers ok;
* ``app: first page script``: the first run of app.py with the Übersicht page in a fresh
  process (streamlit's AppTest; streamlit itself already imported) – the server work of the
  first page;
* ``app: first page in browser`` (``--browser``): a new Chromium tab on the ready server until
  the Übersicht's title and the Stadtteile of its map are drawn.

Measure a committed state, not a checkout being edited (Streamlit reruns on file changes):
``git archive HEAD | tar -x -C /tmp/snap`` and ``--code /tmp/snap`` (with ``static/vendor``).

Runs after the first use the on-disk package cache (see README, ``BEGEGNUNGSATLAS_CACHE``);
``cold`` rows empty the cache before every run. ``--code DIR`` measures another checkout (e.g.
the unchanged main) with the same script; ``--before FILE`` prints a saved run beside this one.

    python benchmarks/bench_startup.py [--repeat 5] [--browser] [--code DIR] [--save F] [--before F]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.common import table  # noqa: E402
from deploy.proxy import free_port  # noqa: E402

CLI = Path(sys.executable).with_name("begegnungsatlas")
COMMANDS = [["--help"], ["indicators"], ["rank", "--draws", "0"], ["rank"], ["coverage"]]
TARGETS = {"begegnungsatlas indicators": 1.5, "app: first page in browser": 3.0}
CACHE_ENV = "BEGEGNUNGSATLAS_CACHE"
FIRST_PAGE = """
import sys, time
from streamlit.testing.v1 import AppTest
start = time.perf_counter()
at = AppTest.from_file(sys.argv[1], default_timeout=120)
at.run()
assert not at.exception, [e.message for e in at.exception]
assert at.title and at.title[0].value == "Begegnungsatlas Magdeburg", "Übersicht nicht gezeichnet"
print(time.perf_counter() - start)
"""


def _env(code: Path, work: Path, cache: Path) -> dict[str, str]:
    from geo.config import DATA_ENV, data_dir

    env = {**os.environ, "PYTHONPATH": str(code), CACHE_ENV: str(cache), DATA_ENV: str(data_dir())}
    env["BEGEGNUNGSATLAS_SZENARIEN"] = str(work / "szenarien")  # a private, empty store
    env.pop("BEGEGNUNGSATLAS_DB", None)
    return env


def _time_cli(args: list[str], env: dict, code: Path, cold: Path | None) -> float:
    if cold is not None:
        shutil.rmtree(cold, ignore_errors=True)
    start = time.perf_counter()
    subprocess.run(
        [str(CLI), *args], env=env, cwd=code, check=True, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    return time.perf_counter() - start


def _time_first_page(env: dict, code: Path, cold: Path | None) -> float:
    if cold is not None:
        shutil.rmtree(cold, ignore_errors=True)
    out = subprocess.run(
        [sys.executable, "-c", FIRST_PAGE, str(code / "app.py")],
        env=env, cwd=code, check=True, capture_output=True, text=True,
    )  # fmt: skip
    return float(out.stdout.strip().splitlines()[-1])


def _time_server(env: dict, code: Path, browser: bool) -> tuple[float, float | None]:
    """Seconds until the server is healthy, and (``browser``) until the first page is drawn."""
    port = free_port()
    start = time.perf_counter()
    proc = subprocess.Popen(
        [
            sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
            "--server.address", "127.0.0.1", "--server.port", str(port),
            "--browser.gatherUsageStats", "false",
        ],
        env=env, cwd=code, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.read() == b"ok":
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.perf_counter() - start > 120:
                raise RuntimeError("Streamlit-Server startete nicht")
            time.sleep(0.05)
        ready = time.perf_counter() - start
        return ready, (_time_browser(url) if browser else None)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def _time_browser(url: str) -> float:
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--headless", "--no-sandbox"]
        )
        page = chromium.new_page(viewport={"width": 1440, "height": 1000})
        page.route("**/*", lambda r: r.continue_() if url in r.request.url else r.abort())
        start = time.perf_counter()
        page.goto(url)
        expect(page.get_by_role("heading", name="Begegnungsatlas Magdeburg")).to_be_visible(
            timeout=120_000
        )
        frame = page.frame_locator('iframe[title="streamlit_folium.st_folium"]').first
        expect(frame.locator("path.ba-stadtteil").first).to_be_visible(timeout=120_000)
        elapsed = time.perf_counter() - start
        chromium.close()
    return elapsed


def measure(code: Path, repeat: int, browser: bool) -> dict[str, float]:
    """Median seconds per row."""
    results: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        cache = work / "cache"
        env = _env(code, work, cache)
        for args in COMMANDS:
            _time_cli(args, env, code, None)  # fills the package cache (if there is one)
            name = "begegnungsatlas " + " ".join(args)
            runs = [_time_cli(args, env, code, None) for _ in range(repeat)]
            results[name] = statistics.median(runs)
        runs = [_time_cli(["indicators"], env, code, cache) for _ in range(repeat)]
        results["begegnungsatlas indicators (cold)"] = statistics.median(runs)
        _time_first_page(env, code, None)
        runs = [_time_first_page(env, code, None) for _ in range(repeat)]
        results["app: first page script"] = statistics.median(runs)
        runs = [_time_first_page(env, code, cache) for _ in range(repeat)]
        results["app: first page script (cold)"] = statistics.median(runs)
        server = [_time_server(env, code, browser) for _ in range(max(1, repeat // 2))]
        results["app: server ready"] = statistics.median(s[0] for s in server)
        if browser:
            results["app: first page in browser"] = statistics.median(s[1] for s in server)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--browser", action="store_true", help="also time the page in Chromium")
    parser.add_argument("--code", type=Path, default=ROOT, help="checkout to measure")
    parser.add_argument("--save", type=Path, help="write the figures as JSON")
    parser.add_argument("--before", type=Path, help="JSON of an earlier run to show beside")
    args = parser.parse_args()
    now = measure(args.code.resolve(), args.repeat, args.browser)
    if args.save:
        args.save.write_text(json.dumps(now, indent=2), encoding="utf-8")
    before = json.loads(args.before.read_text(encoding="utf-8")) if args.before else {}
    rows = []
    for name, seconds in now.items():
        row = {"measure": name}
        if before:
            row["before s"] = f"{before[name]:.2f}" if name in before else "–"
        row["s"] = f"{seconds:.2f}"
        target = TARGETS.get(name)
        row["target s"] = f"≤ {target:.1f}" if target else ""
        row["ok"] = ("ja" if seconds <= target else "nein") if target else ""
        rows.append(row)
    print(table(rows, f"Start-up, median of {args.repeat} runs ({args.code.resolve()})"))


if __name__ == "__main__":
    main()
