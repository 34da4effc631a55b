"""Time and peak memory of every hostile input of the corpus (target: < 5 s, < 500 MB each).

Runs every ``CASES`` list of ``tests/hostile/*_cases.py`` through its entry point (see
``tests/hostile/entries.py``; kinds without an entry function, and setups this machine does
not allow, are skipped with a note) on the synthetic package and prints one row per case.
Cases of kind ``cli:…`` run the command line in fresh processes: their time includes Python's
start and the package load (no cache), their memory is not measured here.

* ``s``: wall time of the entry point (building the input is not timed);
* ``worker MB``: peak resident memory of the sandbox worker above its size at start;
* ``app MB``: peak resident memory of this process above its size before the case (the
  server's own share: the upload's bytes, the result);
* ``ok``: answered in < 5 s with < 500 MB extra, with the expected outcome and message.

``--isolated`` runs each case in a fresh process with an address-space cap and a timeout
(``--cap-gb``, ``--timeout``), which also measures code that parses in the server process;
``--code DIR`` runs the cases against another checkout (e.g. the code before the sandbox).

    python benchmarks/bench_hostile.py [--only NAME] [--isolated] [--code DIR]
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_SECONDS = 5.0
TARGET_MB = 500.0


def _status_mb(field: str) -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _reset_peak() -> bool:
    """Reset VmHWM to the current RSS (Linux ≥ 4.0); False if not allowed."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as refs:
            refs.write("5")
        return True
    except OSError:
        return False


def load_cases() -> list:
    """Every case of every ``tests/hostile/*_cases.py`` module."""
    cases = []
    for path in sorted((ROOT / "tests" / "hostile").glob("*_cases.py")):
        module = importlib.import_module(f"tests.hostile.{path.stem}")
        cases += getattr(module, "CASES", [])
    return cases


def context():
    from geo.io.package import load_package
    from tests.hostile.entries import Context
    from tests.synthetic import write_package

    tmp = Path(tempfile.mkdtemp(prefix="bench-hostile-"))
    package_dir = write_package(tmp / "paket")
    return Context(package=load_package(package_dir), package_dir=package_dir, tmp=tmp)


def measure(case, ctx) -> dict:
    """Run one case in this process and measure it."""
    from tests.hostile.entries import ENTRIES, run_case

    try:
        from tests.hostile.entries import as_expected
    except ImportError:  # an older corpus
        as_expected = None

    if case.kind.split(":", 1)[0] not in ENTRIES:
        return {"skipped": f"keine Eintrittsfunktion für {case.kind}"}
    try:
        from geo.io import sandbox

        recent = sandbox.RECENT
    except (ImportError, AttributeError):  # code without a sandbox
        recent = None
    if recent is not None:
        recent.clear()
    content = case.make()  # not part of the measurement
    resettable = _reset_peak()
    rss = _status_mb("VmRSS")
    start = time.perf_counter()
    outcome = None
    try:
        outcome = run_case(case, ctx, content)
        result = "angenommen" if outcome.accepted else "abgelehnt"
        text = " | ".join(outcome.messages)
    except BaseException as error:
        if type(error).__name__ == "NotAvailable":  # a setup this machine does not allow
            return {"skipped": str(error)}
        result, text = f"FEHLER {type(error).__name__}", str(error)[:200]
    seconds = time.perf_counter() - start
    app_mb = _status_mb("VmHWM") - rss if resettable else None
    workers = [u.peak_extra_mb for u in recent] if recent is not None else []
    worker_mb = max((w for w in workers if w is not None), default=None)
    if as_expected is not None and outcome is not None:
        expected = as_expected(case, outcome)
    else:
        expected = case.accepted == (result == "angenommen") and (
            case.accepted or case.message in text
        )
    return {
        "result": result,
        "seconds": seconds,
        "app_mb": app_mb,
        "worker_mb": worker_mb,
        "expected": expected,
        "message": text[:160],
    }


def run_isolated(name: str, code: str | None, cap_gb: float, timeout: float) -> dict:
    """Run one case in a fresh process with an address-space cap and a timeout."""
    args = [sys.executable, str(Path(__file__).resolve()), "--one", name]
    if code:
        args += ["--code", code]

    def cap() -> None:
        limit = int(cap_gb * 1024**3)
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    start = time.perf_counter()
    try:
        proc = subprocess.run(
            args, capture_output=True, text=True, timeout=timeout, preexec_fn=cap, cwd=ROOT
        )
    except subprocess.TimeoutExpired:
        return {"result": f"> {timeout:.0f} s abgebrochen", "seconds": timeout, "expected": False}
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    if proc.returncode != 0 or not lines:
        tail = (proc.stderr.strip().splitlines() or ["?"])[-1][:120]
        return {
            "result": f"Prozess starb ({tail})",
            "seconds": time.perf_counter() - start,
            "app_mb": cap_gb * 1024,
            "expected": False,
        }
    return json.loads(lines[-1])


def _import_code(code: str) -> None:
    """Import the app's packages from another checkout; ``tests`` stays this one's."""
    sys.path.insert(0, code)
    for package in ("geo", "indicators", "maps", "scenarios", "report", "cli"):
        importlib.import_module(package)
    importlib.import_module("geo.io.uploads")
    importlib.import_module("geo.io.package")
    sys.path.remove(code)
    for name in [m for m in sys.modules if m == "tests" or m.startswith("tests.")]:
        del sys.modules[name]


def _fmt(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--only", default=None, help="nur diese Fälle (Namensteile, durch Komma getrennt)"
    )
    parser.add_argument("--isolated", action="store_true", help="jeder Fall im eigenen Prozess")
    parser.add_argument("--code", default=None, help="Code aus diesem Verzeichnis verwenden")
    parser.add_argument("--cap-gb", type=float, default=6.0)
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument("--one", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if str(ROOT) not in sys.path:
        sys.path.insert(1, str(ROOT))
    if args.code:
        _import_code(args.code)
    wanted = args.only.split(",") if args.only else None
    cases = [c for c in load_cases() if wanted is None or any(w in c.name for w in wanted)]
    if args.one:
        case = next(c for c in load_cases() if c.name == args.one)
        ctx = context()
        try:
            from geo.io.sandbox import warm_up

            warm_up()
            measure(next(c for c in load_cases() if c.name == "csv-empty"), ctx)
        except ImportError:
            pass
        print(json.dumps(measure(case, ctx)))
        return
    if not args.isolated:
        ctx = context()
        from geo.io.sandbox import warm_up

        warm_up()
        measure(next(c for c in load_cases() if c.name == "csv-empty"), ctx)  # worker ready
    rows = []
    for case in cases:
        m = (
            run_isolated(case.name, args.code, args.cap_gb, args.timeout)
            if args.isolated
            else measure(case, ctx)
        )
        if "skipped" in m:
            print(f"übersprungen: {case.name} ({m['skipped']})", file=sys.stderr)
            continue
        extra = max(m.get("app_mb") or 0.0, m.get("worker_mb") or 0.0)
        fast = m["seconds"] < TARGET_SECONDS and extra < TARGET_MB
        rows.append(
            {
                "case": case.name,
                "kind": case.kind,
                "result": m["result"],
                "s": _fmt(m["seconds"], 2),
                "worker MB": _fmt(m.get("worker_mb")),
                "app MB": _fmt(m.get("app_mb")),
                "ok": "ja" if fast and m.get("expected") else "NEIN",
            }
        )
        print(json.dumps({"case": case.name, **m}), file=sys.stderr, flush=True)
    from benchmarks.common import table

    print(table(rows, f"Hostile inputs ({len(rows)} cases, target < 5 s and < 500 MB)"))
    slow = [r["case"] for r in rows if r["ok"] != "ja"]
    print(f"\nnot ok: {', '.join(slow) if slow else 'none'}")
    os._exit(0)  # do not wait for the forkserver


if __name__ == "__main__":
    main()
