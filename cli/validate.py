"""``begegnungsatlas validate``: check a file before uploading it (same checks as the app)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cli import COMMANDS
from cli.common import add_data_option, package_from
from geo.io.uploads import KINDS, validate
from geo.io.uploads.limits import read_upload


def register(sub: argparse._SubParsersAction) -> None:
    """Add the sub-command."""
    parser = sub.add_parser(
        "validate",
        help=COMMANDS["validate"],
        description="Exit 0, wenn die Datei gültig ist; sonst 1 mit allen Problemen (Zeile, Spalte, Lösung).",
    )
    parser.add_argument(
        "file", type=Path, help="CSV, XLSX, GeoJSON, GeoPackage oder ZIP (Shapefile)"
    )
    parser.add_argument("--kind", choices=list(KINDS), required=True, help="Art der Datei")
    parser.add_argument(
        "--layer", default=None, help="Layer einer GeoPackage-Datei mit mehreren Layern"
    )
    parser.add_argument(
        "--ersetzen",
        action="store_true",
        help="Einrichtungen ersetzen die Liste des Datenpakets (ids dürfen sich wiederholen)",
    )
    add_data_option(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Print the validation report (the same checks, limits and messages as in the app)."""
    content = read_upload(args.file)  # size checked before a byte is read
    result = validate(
        args.kind, args.file.name, content, package_from(args), args.ersetzen, args.layer
    )
    for problem in result.errors:
        print(f"FEHLER  {problem.text()}", file=sys.stderr)
    for problem in result.warnings:
        print(f"HINWEIS {problem.text()}", file=sys.stderr if result.errors else sys.stdout)
    if result.ok:
        print(f"gültig: {len(result.data)} Zeilen ({KINDS[args.kind]})")
        return 0
    if result.layers and len(result.layers) > 1 and args.layer is None:
        print(f"Layer: {', '.join(result.layers)} (mit --layer NAME wählen)", file=sys.stderr)
    print(f"ungültig: {len(result.errors)} Fehler", file=sys.stderr)
    return 1
