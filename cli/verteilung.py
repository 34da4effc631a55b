"""``begegnungsatlas verteilung``: a need-based allocation across the regions of a set."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from cli import COMMANDS
from cli.common import add_access_options, add_data_option, add_format_option, write_table
from indicators.allocation import ALLOCATION_INDICATORS, UNITS


def _weights(text: str) -> dict[str, float]:
    out: dict[str, float] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        key, sep, value = part.partition("=")
        if not sep:
            raise argparse.ArgumentTypeError(
                f"{part!r}: erwartet indikator=gewicht. Lösung: z. B. senioren_65plus=2."
            )
        try:
            out[key.strip()] = float(value.replace(",", "."))
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{value!r} ist keine Zahl. Lösung: z. B. senioren_65plus=2."
            ) from None
    return out


def register(sub: argparse._SubParsersAction) -> None:
    """Add the sub-command."""
    parser = sub.add_parser(
        "verteilung",
        help=COMMANDS["verteilung"],
        description=(
            "Verteilt einen Betrag nach Bedarf auf die Regionen einer gespeicherten "
            "Gebietsgliederung: Soll_r = B + (A − n·B) · s_r mit s_r = Σ g_i · x_ri / X_i; "
            "gerundet nach größten Resten, die Summe ist genau der Betrag. Indikatoren: "
            + ", ".join(f"{k} ({v})" for k, v in ALLOCATION_INDICATORS.items())
            + "."
        ),
    )
    parser.add_argument("--gliederung", required=True, help="Name der Gebietsgliederung")
    parser.add_argument("--betrag", type=float, required=True, help="zu verteilender Betrag A")
    parser.add_argument("--einheit", choices=list(UNITS), default="EUR")
    parser.add_argument(
        "--gewichte",
        type=_weights,
        required=True,
        help="indikator=gewicht,… z. B. senioren_65plus=2,senioren_unversorgt=1",
    )
    parser.add_argument("--sockel", type=float, default=0.0, help="Sockelbetrag B je Region")
    parser.add_argument("--obergrenze", type=float, default=None, help="Obergrenze C je Region")
    parser.add_argument(
        "--aenderung", type=float, default=None, help="höchste Änderung je Region und Jahr"
    )
    ist = parser.add_mutually_exclusive_group()
    ist.add_argument("--ist", type=Path, default=None, help="CSV/XLSX mit region und ist")
    ist.add_argument("--ist-gespeichert", default=None, help="gespeicherte Ist-Werte (Bezeichnung)")
    ist.add_argument(
        "--ist-einrichtungen",
        action="store_true",
        help="Ist = Zahl der gezählten Treffpunkte je Region",
    )
    parser.add_argument("--formel", action="store_true", help="die Formel auf stderr ausgeben")
    add_access_options(parser)
    add_data_option(parser)
    add_format_option(parser)
    parser.set_defaults(run=run)


def _ist_file(path: Path) -> dict[str, float]:
    from geo.io.region_sets import read_ist_file
    from geo.io.uploads.limits import read_upload

    return read_ist_file(path.name, read_upload(path))


def run(args: argparse.Namespace) -> int:
    """Print the allocation per region."""
    from cli.common import compute_for
    from indicators.allocation import AllocationRule, allocate, formula_lines
    from register.planning import PlanningStore
    from scenarios.planning import allocation_values, facility_counts

    store = PlanningStore()
    region_set = store.region_set(args.gliederung)
    rule = AllocationRule(
        amount=args.betrag,
        weights=args.gewichte,
        unit=args.einheit,
        base=args.sockel,
        cap=args.obergrenze,
        max_change=args.aenderung,
    )
    package, _, result = compute_for(args, draws=0)
    values, gaps = allocation_values(package, result, region_set.mapping)
    ist = None
    if args.ist is not None:
        ist = _ist_file(args.ist)
    elif args.ist_gespeichert:
        stored = store.ist(region_set.name, args.ist_gespeichert)
        if stored is None:
            raise ValueError(
                f"Keine Ist-Werte {args.ist_gespeichert!r} zu {region_set.name!r} gespeichert. "
                "Lösung: Bezeichnung prüfen (Seite Verteilung)."
            )
        ist = stored[0]
    elif args.ist_einrichtungen:
        ist = facility_counts(result, region_set.mapping)
    allocation = allocate(values, rule, ist)
    if args.formel:
        for line in formula_lines(rule, allocation, len(values)):
            print(line, file=sys.stderr)
    for key in allocation.weights:
        if gaps.get(key):
            print(
                f"Hinweis: {ALLOCATION_INDICATORS[key]} nicht veröffentlicht für "
                f"{', '.join(gaps[key])} (in der Summe der Region nicht enthalten).",
                file=sys.stderr,
            )
    table = allocation.table.round({"schluessel": 6, "soll_genau": 4}).reset_index()
    write_table(pd.DataFrame(table), args.format, args.output)
    return 0
