"""``begegnungsatlas vorlage``: the template of an upload (the same file as on the Daten page)."""

from __future__ import annotations

import argparse
from pathlib import Path

from cli import COMMANDS
from cli.common import add_data_option, package_from
from geo.io.uploads.templates import FORMATS, TEMPLATE_NAMES, file_name, template_file


def register(sub: argparse._SubParsersAction) -> None:
    """Add the sub-command."""
    parser = sub.add_parser(
        "vorlage",
        help=COMMANDS["vorlage"],
        description=(
            "Kopfzeile mit den Spalten, die die Prüfung liest (bei Statistik und Regionen eine "
            "Zeile je Stadtteil); als XLSX mit dem Blatt „Erläuterungen“."
        ),
    )
    parser.add_argument("--kind", choices=list(TEMPLATE_NAMES), required=True, help="Art der Datei")
    parser.add_argument("--format", choices=list(FORMATS), default="xlsx", help="Dateiformat")
    parser.add_argument(
        "--output", type=Path, default=None, help="Zieldatei (Standard: vorlage_<art>.<format>)"
    )
    add_data_option(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Write the template."""
    package = package_from(args)
    target = args.output or Path(file_name(args.kind, args.format))
    target.write_bytes(
        template_file(args.kind, args.format, package.stadtteile["stadtteil"], max(package.years))
    )
    print(f"Vorlage geschrieben: {target}")
    return 0
