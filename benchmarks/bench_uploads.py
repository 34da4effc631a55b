"""Wall time of typical uploads, links and scenario files through the sandbox worker.

Each row runs the entry point the app and the CLI use (worker start, parsing under limits,
the reply sent back and decoded in this process) on the real data package: the package's
own facility list and statistics as uploads, a scenario link and a scenario file. Median of
``--repeat`` runs after one warm-up (the forkserver is started before timing).
``--code DIR`` measures another checkout (e.g. ``git archive <commit> | tar -x -C DIR``)
with the same interpreter, for before/after figures.

    python benchmarks/bench_uploads.py [--repeat 9] [--code DIR]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def _entries(pkg) -> dict:
    from geo.io.uploads import validate
    from scenarios.exchange import read_file, read_link, to_url_param
    from scenarios.model import NewSite, Overlay, Scenario

    facilities = (pkg.root / "einrichtungen.csv").read_bytes()
    statistics = (pkg.root / "statistik_stadtteile.csv").read_bytes()
    sites = tuple(NewSite(f"Ort {i}", 11.60 + i / 100, 52.10 + i / 200) for i in range(5))
    scenario = Scenario(name="Fünf neue Orte", overlay=Overlay(added=sites))
    link = to_url_param(scenario)
    text = json.dumps(scenario.to_dict(), ensure_ascii=False).encode("utf-8")
    return {
        f"Einrichtungen ({len(facilities) // 1024} KB CSV)": lambda: validate(
            "facilities", "einrichtungen.csv", facilities, pkg, replace_facilities=True
        ),
        f"Stadtteilstatistik ({len(statistics) // 1024} KB CSV)": lambda: validate(
            "statistics", "statistik.csv", statistics, pkg
        ),
        "Szenario-Link (5 Orte)": lambda: read_link(link),
        "Szenario-Datei (5 Orte)": lambda: read_file(text, "szenario.json"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--code", type=Path, default=None, help="another checkout to measure")
    args = parser.parse_args()
    sys.path.insert(0, str(args.code.resolve() if args.code else Path(__file__).parents[1]))
    from benchmarks.common import package, table, timed
    from geo.io.sandbox import warm_up

    warm_up()
    rows = []
    for name, entry in _entries(package()).items():
        result = entry()
        problems = getattr(result, "errors", None) or getattr(
            getattr(result, "result", None), "errors", None
        )
        assert not problems, problems
        median, _ = timed(entry, repeat=args.repeat, warmup=1)
        rows.append({"Eingabe": name, "ms (Median)": f"{median:.0f}"})
    print(table(rows, f"Uploads durch den Prüfprozess ({args.code or 'dieser Stand'})"))


if __name__ == "__main__":
    main()
