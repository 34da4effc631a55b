"""Options and output shared by the sub-commands."""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import TextIO

import pandas as pd

from geo.analysis.projection import HORIZON, source_note
from geo.config import DATA_ENV, data_dir
from geo.io.package import DataPackage, with_projection
from geo.io.package_cache import NOTICES, load_package_cached, read_feed_cached
from geo.io.safe_text import defuse_formula

#: Help of ``--author`` for planning writes (stored as such, :func:`auth.cli_identity`).
AUTHOR_HELP = "Name statt des Betriebssystem-Benutzers (für Skripte; wird als --author vermerkt)"


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


def base_package(args: argparse.Namespace) -> DataPackage:
    """The data package named by ``--data`` (or the default), through the disk cache.

    If the cache could not be used safely (a folder open to others, a planted link), the
    reason is printed once as a German ``Hinweis`` on stderr; the result is the same.
    """
    root = args.data if args.data is not None else data_dir()
    package = with_projection(load_package_cached(root))
    for notice in NOTICES:
        print(f"Hinweis: {notice}", file=sys.stderr)
    NOTICES.clear()
    return package


YEAR_HELP = f"Jahr (Standard: jüngstes; spätere Jahre bis {HORIZON} als Modellrechnung)"


def package_from(args: argparse.Namespace) -> DataPackage:
    """Load the data package named by ``--data`` (or the default), with the register applied."""
    from register.store import apply_register  # the planners' facility register (issue 11)

    return apply_register(base_package(args))


def mark_projection(table: pd.DataFrame, package: DataPackage, year: int) -> pd.DataFrame:
    """Mark the figures of a projected year: a column ``datengrundlage`` and a note on stderr.

    Observed years are returned unchanged. The column sits after the key columns, so every
    row of a CSV or JSON export carries the label ("Modellrechnung" or "amtliche Prognose
    (Upload)").
    """
    label = package.year_label(year)
    if label is None:
        return table
    print(
        f"Hinweis: Die Zahlen für {year} sind eine {label} "
        f"({source_note(label, package.years[-1])}; Methode im README).",
        file=sys.stderr,
    )
    out = table.copy()
    position = list(out.columns).index("stadtteil") + 1 if "stadtteil" in out.columns else 0
    out.insert(position, "datengrundlage", f"{label} {year}")
    return out


def _plain(value: object) -> object:
    """JSON-friendly scalar: NaN/inf -> None, numpy -> Python."""
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value.item() if hasattr(value, "item") else value


def write_table(df: pd.DataFrame, fmt: str, output: Path | None) -> None:
    """Write a table as CSV (dot decimal, empty = missing) or JSON (records, null = missing).

    Infinite values are written as missing; README documents where they occur. In CSV, a
    text cell that a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``) gets a
    leading apostrophe, as in every export of the app.
    """
    clean = df.replace([math.inf, -math.inf], float("nan"))
    stream: TextIO
    with output.open("w", encoding="utf-8", newline="") if output else _stdout() as stream:
        if fmt == "csv":
            text_columns = [c for c in clean.columns if not pd.api.types.is_numeric_dtype(clean[c])]
            for column in text_columns:
                clean[column] = clean[column].map(defuse_formula)
            clean.to_csv(stream, index=False, lineterminator="\n")
        else:
            records = [
                {key: _plain(value) for key, value in row.items()}
                for row in clean.to_dict(orient="records")
            ]
            json.dump(records, stream, ensure_ascii=False, indent=2)
            stream.write("\n")


def write_text(text: str, output: Path | None) -> None:
    """Write ``text`` and a newline to ``output``, or to standard output without one."""
    if output:
        output.write_text(text + "\n", encoding="utf-8")
    else:
        sys.stdout.write(text + "\n")


class _stdout:  # noqa: N801 - context manager that leaves sys.stdout open
    def __enter__(self) -> TextIO:
        return sys.stdout

    def __exit__(self, *exc: object) -> None:
        sys.stdout.flush()


def add_access_options(parser: argparse.ArgumentParser) -> None:
    """The assumptions of an analysis: year, target group, facilities, walking, index, Bus & Bahn.

    Every analysis command takes all of them (and ``--scenario``), so any figure of the app
    can be reproduced with one command line.
    """
    from geo.analysis.access_kernel import THRESHOLDS_M, WalkParams
    from geo.analysis.demand import TARGET_GROUPS
    from geo.facilities import CATEGORIES
    from indicators.composite import DEFAULT_PRESET, KEYS, MIN_PEOPLE, PRESETS

    defaults = WalkParams()
    parser.add_argument("--year", type=int, default=None, help=YEAR_HELP)
    parser.add_argument(
        "--target", choices=list(TARGET_GROUPS), default="senioren", help="Zielgruppe"
    )
    parser.add_argument(
        "--max-walk-m",
        type=float,
        default=defaults.max_walk_m,
        help=f"Gehdistanz in m (Luftlinie × Umwegfaktor; über die Elbe nur über Brücken, wenn das "
        f"Datenpaket elbe_barriere.geojson hat), üblich {', '.join(map(str, THRESHOLDS_M))}",
    )
    parser.add_argument(
        "--close-crossing",
        action="append",
        default=[],
        metavar="NAME",
        help="Elbquerung für Fußwege sperren (Name wie in elbe_querungen.csv; mehrfach möglich)",
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
    parser.add_argument(
        "--preset",
        default=None,
        metavar="NAME",
        help="Gewichtung des Index: "
        + "; ".join(f"{p.key} – {p.question}" for p in PRESETS.values())
        + f" (Standard: {DEFAULT_PRESET})",
    )
    parser.add_argument(
        "--weights",
        default=None,
        help="Gewichte des Index, ändern die der Gewichtung, z. B. unversorgt=0.4,oepnv=0.2 "
        "(relativ, je 0 bis 100; Schlüssel: " + ", ".join(KEYS) + ")",
    )
    parser.add_argument(
        "--min-people", type=float, default=MIN_PEOPLE, help="kleinere Stadtteile nicht ranken"
    )
    add_transit_options(parser)
    add_scenario_options(parser)


def add_transit_options(parser: argparse.ArgumentParser) -> None:
    """Bus & Bahn assumptions (used by ``transit``, the index component ``oepnv`` and reports)."""
    parser.add_argument(
        "--max-minutes",
        "--transit-minutes",
        dest="max_minutes",
        type=float,
        default=20.0,
        help="Bus & Bahn: Schwelle in Minuten",
    )
    parser.add_argument(
        "--weekday", default="Dienstag", help="Bus & Bahn: Wochentag (Name oder 0–6, 0 = Montag)"
    )
    parser.add_argument(
        "--window", default="09:00-12:00", help="Bus & Bahn: Abfahrtszeitraum HH:MM-HH:MM"
    )
    parser.add_argument(
        "--date", default=None, help="Bus & Bahn: bestimmtes Datum JJJJ-MM-TT statt Wochentag"
    )
    parser.add_argument(
        "--max-access-m", type=float, default=400.0, help="Bus & Bahn: Weg zur/von der Haltestelle"
    )
    parser.add_argument(
        "--transfer-penalty", type=float, default=5.0, help="Bus & Bahn: Umstiegszuschlag in min"
    )
    parser.add_argument(
        "--wheelchair", action="store_true", help="Bus & Bahn: nur barrierefreie Haltestellen"
    )


def _weekday(text: str) -> int:
    from geo.io.gtfs import WEEKDAYS

    names = [w.lower() for w in WEEKDAYS]
    if text.strip().lower() in names:
        return names.index(text.strip().lower())
    if text.strip().isdigit() and 0 <= int(text) <= 6:
        return int(text)
    raise ValueError(f"Unbekannter Wochentag {text!r}: Name ({', '.join(WEEKDAYS)}) oder 0–6.")


def _window(text: str) -> tuple[int, int]:
    match = re.fullmatch(r"\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*", text)
    if not match:
        raise ValueError(f"Zeitraum {text!r} bitte als HH:MM-HH:MM angeben.")
    h1, m1, h2, m2 = map(int, match.groups())
    return h1 * 60 + m1, h2 * 60 + m2


def _date(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"Datum {text!r} bitte als JJJJ-MM-TT angeben.") from None


def add_scenario_options(parser: argparse.ArgumentParser) -> None:
    """``--scenario NAME`` and ``--scenario-dir DIR`` (a saved scenario of the store)."""
    parser.add_argument(
        "--scenario",
        default=None,
        help="Name eines gespeicherten Szenarios (bringt seine eigenen Annahmen mit)",
    )
    parser.add_argument(
        "--scenario-dir",
        type=Path,
        default=None,
        help="Szenario-Ordner (Standard: $BEGEGNUNGSATLAS_SZENARIEN)",
    )


def scenario_from(args: argparse.Namespace, package: DataPackage):
    """The scenario to compute: a saved one (with its own assumptions) or the options.

    A saved scenario is computed exactly as saved – the same figures as the app shows for
    it; the assumption options are then ignored.

    Returns
    -------
    scenarios.model.Scenario
    """
    from geo.analysis.access_adapter import SiteSelection
    from geo.analysis.access_kernel import WalkParams
    from geo.analysis.demand import get_target_group
    from geo.analysis.transit import TransitParams
    from indicators.composite import parse_weights
    from scenarios.model import Assumptions, Overlay, Scenario
    from scenarios.store import ScenarioStore, store_dir

    if args.scenario:
        store = ScenarioStore(args.scenario_dir or store_dir())
        if store.notice:  # a damaged store was set aside: say so, then report the missing name
            print(f"Hinweis: {store.notice}", file=sys.stderr)
        loaded = store.load(args.scenario).scenario
        closed = (*loaded.overlay.crossings_closed, *getattr(args, "close_crossing", []))
        overlay = replace(loaded.overlay, crossings_closed=tuple(dict.fromkeys(closed)))
        return replace(loaded, overlay=overlay)
    year = package.check_year(args.year if args.year is not None else max(package.years))
    target = get_target_group(args.target)
    categories = (
        tuple(c.strip() for c in args.categories.split(",") if c.strip())
        if args.categories
        else target.categories
    )
    start, end = _window(args.window)
    return Scenario(
        assumptions=Assumptions(
            year=year,
            target=target.id,
            params=WalkParams(
                max_walk_m=args.max_walk_m,
                detour=args.detour,
                speed_mps=args.speed,
                catchment_m=args.catchment_m,
            ),
            selection=SiteSelection(
                categories=categories,
                include_restricted=args.include_restricted,
                include_unclear=not args.exclude_unclear,
            ),
            weights=tuple(parse_weights(args.weights, getattr(args, "preset", None)).items()),
            min_people=args.min_people,
            transit=TransitParams(
                weekday=_weekday(args.weekday),
                start_min=start,
                end_min=end,
                max_access_m=args.max_access_m,
                transfer_penalty_min=args.transfer_penalty,
                max_minutes=args.max_minutes,
                wheelchair_only=args.wheelchair,
                day=_date(args.date),
            ),
        ),
        overlay=Overlay(crossings_closed=tuple(dict.fromkeys(getattr(args, "close_crossing", [])))),
    )


def feed_for(package: DataPackage, wanted: bool, *, required: bool = False):
    """The package's timetable if ``wanted`` (None when the package has none).

    Raises
    ------
    ValueError
        If ``required`` but the package has no timetable.
    """
    if package.gtfs_path is None:
        if required:
            raise ValueError("Das Datenpaket enthält keinen Fahrplan (gtfs/mvb_gtfs.zip).")
        return None
    if not (wanted or required):
        return None
    return read_feed_cached(package.gtfs_path, package.stadtgrenze)


def compute_for(args: argparse.Namespace, *, transit: bool = False, draws: int | None = None):
    """Package, scenario and its :class:`scenarios.evaluation.Result` for the options in ``args``.

    Parameters
    ----------
    args : argparse.Namespace
        Parsed options of :func:`add_access_options` and :func:`add_data_option`.
    transit : bool
        Compute Bus & Bahn figures (a timetable is then required).
    draws : int, optional
        Monte Carlo draws of the rank intervals (default as in the app).

    Returns
    -------
    tuple
        ``(package, scenario, result)``.
    """
    from scenarios.evaluation import DRAWS, compute

    package = package_from(args)
    scenario = scenario_from(args, package)
    feed = feed_for(package, scenario.assumptions.weight_map["oepnv"] > 0, required=transit)
    result = compute(package, scenario, feed, draws=DRAWS if draws is None else draws)
    return package, replace(scenario, assumptions=result.assumptions), result
