"""Options and output shared by the sub-commands."""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from typing import TextIO

import pandas as pd

from geo.config import DATA_ENV, data_dir
from geo.package import DataPackage, load_package


def add_data_option(parser: argparse.ArgumentParser) -> None:
    """``--data DIR`` (default: $BEGEGNUNGSATLAS_DATA or ../shared/data/magdeburg)."""
    parser.add_argument(
        "--data",
        type=Path,
        default=None,
        help=f"Datenpaket-Verzeichnis (Standard: ${DATA_ENV} oder ../shared/data/magdeburg)",
    )


def add_format_option(parser: argparse.ArgumentParser) -> None:
    """``--format csv|json`` and ``--output FILE``."""
    parser.add_argument("--format", choices=["csv", "json"], default="csv", help="Ausgabeformat")
    parser.add_argument(
        "--output", "-o", type=Path, default=None, help="Datei statt Standardausgabe"
    )


def package_from(args: argparse.Namespace) -> DataPackage:
    """Load the data package named by ``--data`` (or the default)."""
    return load_package(args.data if args.data is not None else data_dir())


def _plain(value: object) -> object:
    """JSON-friendly scalar: NaN/inf -> None, numpy -> Python."""
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value.item() if hasattr(value, "item") else value


def write_table(df: pd.DataFrame, fmt: str, output: Path | None) -> None:
    """Write a table as CSV (dot decimal, empty = missing) or JSON (records, null = missing).

    Infinite values are written as missing; README documents where they occur.
    """
    clean = df.replace([math.inf, -math.inf], float("nan"))
    stream: TextIO
    with output.open("w", encoding="utf-8", newline="") if output else _stdout() as stream:
        if fmt == "csv":
            clean.to_csv(stream, index=False, lineterminator="\n")
        else:
            records = [
                {key: _plain(value) for key, value in row.items()}
                for row in clean.to_dict(orient="records")
            ]
            json.dump(records, stream, ensure_ascii=False, indent=2)
            stream.write("\n")


class _stdout:  # noqa: N801 - context manager that leaves sys.stdout open
    def __enter__(self) -> TextIO:
        return sys.stdout

    def __exit__(self, *exc: object) -> None:
        sys.stdout.flush()


def add_access_options(parser: argparse.ArgumentParser) -> None:
    """Year, target group, facility selection and walking assumptions."""
    from geo.access_kernel import THRESHOLDS_M, WalkParams
    from geo.demand import TARGET_GROUPS
    from geo.facilities import CATEGORIES

    defaults = WalkParams()
    parser.add_argument("--year", type=int, default=None, help="Jahr (Standard: jüngstes)")
    parser.add_argument(
        "--target", choices=list(TARGET_GROUPS), default="senioren", help="Zielgruppe"
    )
    parser.add_argument(
        "--max-walk-m",
        type=float,
        default=defaults.max_walk_m,
        help=f"Gehdistanz in m (Luftlinie × Umwegfaktor), üblich {', '.join(map(str, THRESHOLDS_M))}",
    )
    parser.add_argument("--detour", type=float, default=defaults.detour, help="Umwegfaktor")
    parser.add_argument("--speed", type=float, default=defaults.speed_mps, help="Gehtempo in m/s")
    parser.add_argument(
        "--catchment-m", type=float, default=defaults.catchment_m, help="Einzugsbereich E2SFCA in m"
    )
    parser.add_argument(
        "--categories",
        default=None,
        help=f"Einrichtungskategorien, kommagetrennt ({', '.join(CATEGORIES)}); Standard je Zielgruppe",
    )
    parser.add_argument(
        "--include-restricted",
        action="store_true",
        help="auch eingeschränkt zugängliche Einrichtungen zählen",
    )
    parser.add_argument(
        "--exclude-unclear",
        action="store_true",
        help="Einrichtungen mit unklarem Betrieb nicht zählen",
    )


def access_from(args: argparse.Namespace, package: DataPackage):
    """``(year, target, params, selection)`` from the options of :func:`add_access_options`."""
    from geo.access_adapter import SiteSelection
    from geo.access_kernel import WalkParams
    from geo.demand import get_target_group

    year = args.year if args.year is not None else max(package.years)
    if year not in package.years:
        raise ValueError(
            f"Jahr {year} ist nicht wählbar. Verfügbar: {', '.join(map(str, package.years))}."
        )
    target = get_target_group(args.target)
    params = WalkParams(
        max_walk_m=args.max_walk_m,
        detour=args.detour,
        speed_mps=args.speed,
        catchment_m=args.catchment_m,
    )
    categories = (
        tuple(c.strip() for c in args.categories.split(",") if c.strip())
        if args.categories
        else target.categories
    )
    selection = SiteSelection(
        categories=categories,
        include_restricted=args.include_restricted,
        include_unclear=not args.exclude_unclear,
    )
    return year, target, params, selection


def add_scenario_options(parser: argparse.ArgumentParser) -> None:
    """``--scenario NAME`` and ``--scenario-dir DIR`` (a saved scenario of the store)."""
    parser.add_argument("--scenario", default=None, help="Name eines gespeicherten Szenarios")
    parser.add_argument(
        "--scenario-dir",
        type=Path,
        default=None,
        help="Szenario-Ordner (Standard: $BEGEGNUNGSATLAS_SZENARIEN)",
    )


def scenario_from(args: argparse.Namespace, package: DataPackage, access: tuple):
    """``(scenario or None, year, target, params, selection)``.

    A saved scenario brings its own assumptions (target group, walking, facility selection
    and, if the package has it, year) instead of the options in ``access`` (see
    :func:`access_from`).
    """
    from geo.demand import get_target_group
    from scenarios.store import ScenarioStore, store_dir

    if not args.scenario:
        return (None, *access)
    store = ScenarioStore(args.scenario_dir or store_dir())
    if store.notice:  # a damaged store was set aside: say so, then report the missing name
        print(f"Hinweis: {store.notice}", file=sys.stderr)
    scenario = store.load(args.scenario).scenario
    year = scenario.year if scenario.year in package.years else access[0]
    target = get_target_group(scenario.target)
    return scenario, year, target, scenario.params, scenario.selection
