"""``begegnungsatlas validate``: check a file before uploading it (same checks as the app)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cli.common import add_data_option, package_from
from geo.uploads import KINDS, validate


def register(sub: argparse._SubParsersAction) -> None:
    """Add the sub-command."""
    parser = sub.add_parser(
        "validate",
        help="Datei für den Upload prüfen",
        description="Exit 0, wenn die Datei gültig ist; sonst 1 mit allen Problemen (Zeile, Spalte, Lösung).",
    )
    parser.add_argument(
        "file", type=Path, help="CSV, XLSX, GeoJSON, GeoPackage oder ZIP (Shapefile)"
    )
    parser.add_argument("--kind", choices=list(KINDS), required=True, help="Art der Datei")
    add_data_option(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Print the validation report."""
    if not args.file.is_file():
        raise ValueError(f"Datei nicht gefunden: {args.file}")
    result = validate(args.kind, args.file.name, args.file.read_bytes(), package_from(args))
    for problem in result.errors:
        print(f"FEHLER  {problem.text()}", file=sys.stderr)
    for problem in result.warnings:
        print(f"HINWEIS {problem.text()}", file=sys.stderr if result.errors else sys.stdout)
    if result.ok:
        print(f"gültig: {len(result.data)} Zeilen ({KINDS[args.kind]})")
        return 0
    print(f"ungültig: {len(result.errors)} Fehler", file=sys.stderr)
    return 1
