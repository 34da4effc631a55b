"""``begegnungsatlas szenario``: save, list, show and delete scenarios headless.

The same store and the same checks as the pages: a new place goes through
:func:`scenarios.placement.place` (inside the city, not on another new place, at most 25),
closed places must be counted facilities of the package, the scenario must be computable
with the package (:func:`scenarios.evaluation.check_fits`), and saving is one transaction of
:class:`scenarios.store.ScenarioStore` (a new name is an insert, ``--overwrite`` an update,
``--version N`` a compare-and-set). Every check runs before anything is stored: nothing is
half-saved.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

import pandas as pd

from cli import COMMANDS
from cli.common import (
    add_access_options,
    add_data_option,
    package_from,
    scenario_from,
    write_table,
    write_text,
)

#: Verbs of the command.
VERBS = ("save", "list", "show", "delete")


def register(sub: argparse._SubParsersAction) -> None:
    """Add the sub-command and its verbs."""
    parser = sub.add_parser(
        "szenario",
        help=COMMANDS["szenario"],
        description="Szenarien im Szenario-Speicher (dieselbe Datenbank wie die Seite Szenarien).",
    )
    verbs = parser.add_subparsers(dest="verb", required=True, metavar="AKTION")

    _add_save(verbs)
    _add_store_verbs(verbs)
    parser.set_defaults(run=run)


def _add_save(verbs: argparse._SubParsersAction) -> None:
    """The verb ``save``: a scenario from options, a stored scenario or a file."""
    save = verbs.add_parser(
        "save",
        help="Szenario speichern",
        description=(
            "Speichert ein Szenario unter NAME: die Annahmen aus den Optionen (oder mit "
            "--scenario die eines gespeicherten Szenarios, mit --file die einer "
            "Szenario-Datei), dazu neue Standorte (--add, --add-stadtteil) und geschlossene "
            "Einrichtungen (--close). Alle Prüfungen wie auf der Seite; gespeichert wird nur, "
            "wenn alles gültig ist."
        ),
    )
    save.add_argument("name", help="Name des Szenarios")
    save.add_argument(
        "--file",
        type=Path,
        default=None,
        help="Szenario-Datei (JSON oder GeoJSON) als Ausgangspunkt",
    )
    save.add_argument(
        "--add",
        action="append",
        default=[],
        metavar="BREITE,LÄNGE[,NAME]",
        help="neuer Standort in WGS84, z. B. 52.1729,11.6328 (mehrfach möglich)",
    )
    save.add_argument(
        "--add-stadtteil",
        action="append",
        default=[],
        metavar="STADTTEIL",
        help="neuer Standort in der bevölkerungsgewichteten Mitte des Stadtteils (Nummer "
        "oder Name; mehrfach möglich)",
    )
    save.add_argument(
        "--close",
        action="append",
        default=[],
        metavar="ID",
        help="gezählte Einrichtung im Szenario schließen (Kennung, z. B. OT-03; mehrfach möglich)",
    )
    save.add_argument("--note", default=None, help="Notiz zum Szenario")
    save.add_argument(
        "--overwrite", action="store_true", help="ein Szenario gleichen Namens überschreiben"
    )
    save.add_argument(
        "--version",
        type=int,
        default=None,
        help="mit --overwrite: nur überschreiben, wenn noch diese Version gespeichert ist",
    )
    add_access_options(save)
    add_data_option(save)


def _add_store_verbs(verbs: argparse._SubParsersAction) -> None:
    """The verbs ``list``, ``show`` and ``delete`` of the scenario store."""
    listing = verbs.add_parser("list", help="gespeicherte Szenarien auflisten")
    listing.add_argument("--format", choices=["csv", "json"], default="csv", help="Ausgabeformat")
    listing.add_argument(
        "--output", "-o", type=Path, default=None, help="Datei statt Standardausgabe"
    )

    show = verbs.add_parser("show", help="ein gespeichertes Szenario ausgeben (JSON/GeoJSON)")
    show.add_argument("name", help="Name des Szenarios")
    show.add_argument(
        "--format",
        choices=["json", "geojson"],
        default="json",
        help="Austauschformat wie die Seite",
    )
    show.add_argument("--output", "-o", type=Path, default=None, help="Datei statt Standardausgabe")

    delete = verbs.add_parser("delete", help="ein gespeichertes Szenario löschen")
    delete.add_argument("name", help="Name des Szenarios")
    delete.add_argument(
        "--version",
        type=int,
        default=None,
        help="nur löschen, wenn noch diese Version gespeichert ist",
    )
    for verb in (listing, show, delete):
        verb.add_argument(
            "--scenario-dir",
            type=Path,
            default=None,
            help="Szenario-Ordner (Standard: $BEGEGNUNGSATLAS_SZENARIEN)",
        )


def _store(args: argparse.Namespace):
    from scenarios.store import ScenarioStore, store_dir

    store = ScenarioStore(args.scenario_dir or store_dir())
    if store.notice:
        print(f"Hinweis: {store.notice}", file=sys.stderr)
    return store


def _position(text: str) -> tuple[float, float, str | None]:
    """``"52.17,11.63[,Name]"`` -> lat, lon, name."""
    parts = [p.strip() for p in text.split(",", 2)]
    try:
        lat, lon = float(parts[0]), float(parts[1])
    except (IndexError, ValueError):
        raise ValueError(
            f"--add {text!r}: bitte als BREITE,LÄNGE[,NAME] in WGS84 angeben, z. B. "
            "52.1729,11.6328,Treff Nord."
        ) from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValueError(
            f"--add {text!r}: Breite muss zwischen −90 und 90, Länge zwischen −180 und 180 liegen."
        )
    return lat, lon, (parts[2] if len(parts) > 2 and parts[2] else None)


def build(args: argparse.Namespace, package):
    """The scenario ``save`` would store (checked; raises German ValueError otherwise)."""
    from scenarios.evaluation import check_fits
    from scenarios.exchange import read_file
    from scenarios.model import clean_name, stamped
    from scenarios.placement import find_stadtteil, place, stadtteil_centres
    from scenarios.proposals import package_stops

    name = clean_name(args.name)
    if args.file is not None:
        if args.scenario:
            raise ValueError("--file und --scenario gehen nicht zusammen: bitte eines wählen.")
        scenario = read_file(args.file.read_bytes(), args.file.name)
    else:
        scenario = scenario_from(args, package)
    stops = package_stops(package)
    overlay = scenario.overlay
    for text in args.add:
        lat, lon, label = _position(text)
        overlay = place(
            overlay, lon, lat, package.stadtteile, stops, source="koordinate", name=label
        )
    if args.add_stadtteil:
        centres = stadtteil_centres(package)
        for text in args.add_stadtteil:
            nr = find_stadtteil(package.stadtteile, text)
            if nr not in centres:
                raise ValueError(
                    f"In {package.stadtteile.at[nr, 'stadtteil']} wohnt laut Zensus-Gitter "
                    "niemand; bitte mit --add eine Position angeben."
                )
            lon, lat = centres[nr]
            overlay = place(
                overlay, lon, lat, package.stadtteile, stops, source="stadtteilmitte", ref=nr
            )
    scenario = replace(scenario, overlay=overlay)
    if args.close:
        counted = set(
            scenario.assumptions.selection.select(package.einrichtungen)["id"].astype(str)
        )
        unknown = [c for c in args.close if c not in counted]
        if unknown:
            raise ValueError(
                f"--close: {', '.join(unknown)} ist keine gezählte Einrichtung dieser Annahmen. "
                "Erlaubt: die Kennungen aus „begegnungsatlas einrichtungen list“ mit der gezählten "
                "Kategorie."
            )
        removed = tuple(dict.fromkeys((*scenario.overlay.removed, *args.close)))
        scenario = replace(scenario, overlay=replace(scenario.overlay, removed=removed))
    if args.note is not None:
        scenario = replace(scenario, note=args.note)
    if scenario.overlay.is_empty:
        raise ValueError(
            "Das Szenario ändert nichts: bitte mit --add, --add-stadtteil oder --close Standorte "
            "angeben (wie auf der Seite lässt sich ein leeres Szenario nicht speichern)."
        )
    check_fits(package, scenario)
    return stamped(scenario, name, package.version)


def run(args: argparse.Namespace) -> int:
    """Run the verb."""
    return {"save": _save, "list": _list, "show": _show, "delete": _delete}[args.verb](args)


def _save(args: argparse.Namespace) -> int:
    from scenarios.evaluation import compute
    from scenarios.gaps import new_site_warnings

    package = package_from(args)
    scenario = build(args, package)
    warnings = new_site_warnings(compute(package, scenario, draws=0))
    store = _store(args)
    version = store.save(scenario, overwrite=args.overwrite, expected_version=args.version)
    added, closed = len(scenario.overlay.added), len(scenario.overlay.removed)
    print(
        f"Gespeichert: „{scenario.name}“, Version {version} ({added} "
        f"{'neuer Standort' if added == 1 else 'neue Standorte'}, {closed} geschlossen)."
    )
    for site, texts in zip(scenario.overlay.added, warnings, strict=True):
        for text in texts:
            print(f"Hinweis zu „{site.name}“: {text}", file=sys.stderr)
    return 0


def _list(args: argparse.Namespace) -> int:
    saved = _store(args).list()
    table = pd.DataFrame(
        {
            "name": [s.name for s in saved],
            "version": [s.version for s in saved],
            "neue_standorte": [s.added for s in saved],
            "geschlossen": [s.removed for s in saved],
            "erstellt": [s.created for s in saved],
            "gespeichert": [s.updated for s in saved],
            "datenpaket": [s.package_version for s in saved],
        }
    )
    write_table(table, args.format, args.output)
    return 0


def _show(args: argparse.Namespace) -> int:
    from scenarios.exchange import to_geojson, to_json

    loaded = _store(args).load(args.name)
    text = (to_geojson if args.format == "geojson" else to_json)(loaded.scenario)
    write_text(text, args.output)
    print(f"Version {loaded.version}", file=sys.stderr)
    return 0


def _delete(args: argparse.Namespace) -> int:
    from scenarios.store import StoreError

    store = _store(args)
    if args.name not in {s.name for s in store.list()}:
        raise StoreError(f"Kein Szenario mit dem Namen „{args.name}“.")
    store.delete(args.name, expected_version=args.version)
    print(f"Gelöscht: „{args.name}“.")
    return 0
