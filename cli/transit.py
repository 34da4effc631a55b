"""``begegnungsatlas transit``: coverage within N minutes by walking plus Bus & Bahn."""

from __future__ import annotations

import argparse
import re
from datetime import date

import pandas as pd

from cli.common import (
    access_from,
    add_access_options,
    add_data_option,
    add_format_option,
    add_scenario_options,
    package_from,
    scenario_from,
    write_table,
)
from geo.access_adapter import analyse
from geo.gtfs import WEEKDAYS, read_feed
from geo.transit import TransitParams, transit_for, transit_table
from scenarios.evaluate import evaluate


def register(sub: argparse._SubParsersAction) -> None:
    """Add the sub-command."""
    parser = sub.add_parser(
        "transit",
        help="Erreichbarkeit mit Bus & Bahn je Stadtteil",
        description=(
            "Median der Reisezeit (zu Fuß zur Haltestelle, warten, fahren, umsteigen, zu Fuß zur "
            "Einrichtung – oder ganz zu Fuß) über die Abfahrten im Zeitraum; Anteil der Zielgruppe "
            "innerhalb von --max-minutes."
        ),
    )
    add_access_options(parser)
    parser.add_argument("--max-minutes", type=float, default=20.0, help="Schwelle in Minuten")
    parser.add_argument(
        "--weekday", default="Dienstag", help="Wochentag (Name oder 0–6, 0 = Montag)"
    )
    parser.add_argument("--window", default="09:00-12:00", help="Abfahrtszeitraum HH:MM-HH:MM")
    parser.add_argument(
        "--date", default=None, help="bestimmtes Datum JJJJ-MM-TT statt des typischen Wochentags"
    )
    parser.add_argument(
        "--max-access-m", type=float, default=400.0, help="Weg zur/von der Haltestelle in m"
    )
    parser.add_argument(
        "--transfer-penalty", type=float, default=5.0, help="Umstiegszuschlag in Minuten"
    )
    parser.add_argument("--wheelchair", action="store_true", help="nur barrierefreie Haltestellen")
    parser.add_argument("--total", action="store_true", help="Zeile für die ganze Stadt anhängen")
    add_scenario_options(parser)
    add_data_option(parser)
    add_format_option(parser)
    parser.set_defaults(run=run)


def _weekday(text: str) -> int:
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


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"Datum {text!r} bitte als JJJJ-MM-TT angeben.") from None


def run(args: argparse.Namespace) -> int:
    """Print the table."""
    package = package_from(args)
    if package.gtfs_path is None:
        raise ValueError("Das Datenpaket enthält keinen Fahrplan (gtfs/mvb_gtfs.zip).")
    scenario, year, target, walk, selection = scenario_from(
        args, package, access_from(args, package)
    )
    start, end = _window(args.window)
    params = TransitParams(
        weekday=_weekday(args.weekday), start_min=start, end_min=end, max_access_m=args.max_access_m,
        transfer_penalty_min=args.transfer_penalty, speed_mps=walk.speed_mps, detour=walk.detour,
        max_minutes=args.max_minutes, wheelchair_only=args.wheelchair,
    )  # fmt: skip
    feed = read_feed(package.gtfs_path, package.stadtgrenze)
    day = _date(args.date) if args.date else None
    if scenario is None:
        result = analyse(package, year, target, walk, selection=selection)
    else:
        ev = evaluate(package, scenario)
        result = ev.after
        base = transit_table(ev.before, transit_for(feed, ev.before, params, day=day), args.total)
    travel = transit_for(feed, result, params, day=day)
    table = transit_table(result, travel, total=args.total)
    out = pd.DataFrame(
        {
            "stadtteil": result.coverage["stadtteil"]
            .reindex(table.index)
            .fillna("Magdeburg gesamt"),
            target.count_name: table["zielgruppe"],
            f"{target.prefix}_oepnv": table["versorgt_oepnv"].round(1),
            "anteil_oepnv": table["anteil_oepnv"].round(2),
            "anteil_nur_fuss": table["anteil_fuss"].round(2),
            "median_min_oepnv": table["median_min_oepnv"].round(1),
            **(
                {}
                if scenario is None
                else {"neu_oepnv": (table["versorgt_oepnv"] - base["versorgt_oepnv"]).round(1)}
            ),
            "tag": travel.day.isoformat(),
            "zeitraum": params.label,
        }
    )
    write_table(out.reset_index(names="stadtteil_nr"), args.format, args.output)
    return 0
