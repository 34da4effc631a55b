"""``begegnungsatlas einrichtungen``: the facility register from the command line.

Same store, checks and messages as the page "Einrichtungen pflegen". Every changing verb
needs ``--reason`` and ``--source``; the author is the operating-system user, or the name
given with ``--author`` (for scripted imports), stored as such (:func:`auth.cli_identity`); ``import`` only previews unless
``--apply`` is given. Numbers typed here follow the upload rules
(:mod:`geo.io.uploads.numbers`: ``--lat 52,15`` or ``52.15``, ``soll … 1.200``), and a file
to import is size-checked before it is read (:func:`geo.io.uploads.limits.read_upload`).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from auth import cli_identity
from cli import COMMANDS
from cli.common import add_data_option, base_package, write_table
from geo.io.package import DataPackage
from geo.io.uploads.numbers import (
    EASTING,
    LATITUDE,
    LONGITUDE,
    NORTHING,
    RADIUS,
    NumberKind,
    parse_count,
    parse_value,
)
from register.changes import FIELDS, Edit, position_fields
from register.store import RegisterStore

#: Options that set a field (option name → field).
FIELD_OPTIONS = {
    "name": "name", "typ": "typ", "kategorie": "kategorie", "oeffentlich": "oeffentlich",
    "in_betrieb": "in_betrieb", "traeger": "traeger", "adresse": "strasse_hausnr", "plz": "plz",
    "stadtteil": "stadtteil", "oeffnungstage": "oeffnungstage", "stand": "stand",
    "quelle_url": "quelle_url", "hinweis": "hinweis", "betrieb_grund": "in_betrieb_grund",
}  # fmt: skip
EXPORTS = {"csv": "CSV für Excel", "xlsx": "XLSX", "gpkg": "GeoPackage mit QGIS-Stil",
           "paket": "CSV in den Spalten von einrichtungen.csv"}  # fmt: skip


def _meta(parser: argparse.ArgumentParser, source: bool = True) -> None:
    parser.add_argument(
        "--author",
        default=None,
        help="Name statt des Betriebssystem-Benutzers (für Skripte; wird als --author vermerkt)",
    )
    parser.add_argument("--reason", required=True, help="Grund der Änderung")
    parser.add_argument(
        "--source", required=source, default="", help="Beleg: URL oder Dokument (Pflicht)"
    )


def _fields(parser: argparse.ArgumentParser) -> None:
    for option, field in FIELD_OPTIONS.items():
        parser.add_argument(f"--{option.replace('_', '-')}", dest=option, help=FIELDS[field])
    parser.add_argument("--lat", type=_number(LATITUDE, "--lat"), help="Breitengrad (WGS84)")
    parser.add_argument("--lon", type=_number(LONGITUDE, "--lon"), help="Längengrad (WGS84)")
    parser.add_argument(
        "--x", type=_number(EASTING, "--x"), help="Rechtswert (EPSG:25832, m) statt --lon"
    )
    parser.add_argument(
        "--y", type=_number(NORTHING, "--y"), help="Hochwert (EPSG:25832, m) statt --lat"
    )
    parser.add_argument(
        "--genauigkeit",
        type=_number(RADIUS, "--genauigkeit"),
        help="Lage ± m (Pflicht mit Koordinaten)",
    )
    parser.add_argument(
        "--lage-methode", default="amt_gesetzt", help="wie die Lage ermittelt wurde"
    )


def _number(kind: NumberKind, label: str):
    """An argparse type: a number by the upload rules, German message when it is none."""

    def parse(text: str) -> float | None:
        try:
            return parse_value(text, kind, label)
        except ValueError as error:
            raise argparse.ArgumentTypeError(str(error).removeprefix(f"{label}: ")) from None

    return parse


def _count(label: str, low: int = 0, high: int | None = None):
    """An argparse type: a whole number (``--version``, the change number of ``undo``)."""

    def parse(text: str) -> int:
        try:
            return parse_count(text, label, low, high)
        except ValueError as error:
            raise argparse.ArgumentTypeError(str(error).removeprefix(f"{label}: ")) from None

    return parse


def _version(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--version",
        type=_count("--version"),
        default=None,
        help="Version, auf der die Änderung beruht (Standard: die aktuelle)",
    )


def register(sub: argparse._SubParsersAction) -> None:
    """Add the sub-command."""
    parser = sub.add_parser(
        "einrichtungen",
        help=COMMANDS["einrichtungen"],
        description="Das Einrichtungsregister (Änderungen über dem Datenpaket, gespeichert in "
        "$BEGEGNUNGSATLAS_DB oder im Szenario-Ordner).",
    )
    verbs = parser.add_subparsers(dest="verb", required=True, metavar="AKTION")

    p = verbs.add_parser("list", help="die wirksame Liste")
    p.add_argument("--format", choices=["csv", "json"], default="csv")
    p.add_argument("--output", "-o", type=Path, default=None)
    add_data_option(p)
    p.set_defaults(run=run_list)

    p = verbs.add_parser("add", help="Einrichtung aufnehmen")
    p.add_argument("--id", default="", help="id (Standard: R-0001, R-0002 …)")
    _fields(p)
    _meta(p)
    add_data_option(p)
    p.set_defaults(run=run_add)

    p = verbs.add_parser("update", help="Felder einer Einrichtung korrigieren")
    p.add_argument("id")
    _fields(p)
    _version(p)
    _meta(p)
    add_data_option(p)
    p.set_defaults(run=run_update)

    for verb, text in (("close", "als geschlossen markieren"), ("delete", "aus der Liste löschen")):
        p = verbs.add_parser(verb, help=text)
        p.add_argument("id")
        _version(p)
        _meta(p)
        add_data_option(p)
        p.set_defaults(run=run_close if verb == "close" else run_delete)

    p = verbs.add_parser("undo", help="eine Änderung rückgängig machen (als neue Änderung)")
    p.add_argument("change", type=_count("NR", 1), help="Nummer der Änderung (siehe history)")
    _version(p)
    _meta(p, source=False)
    add_data_option(p)
    p.set_defaults(run=run_undo)

    p = verbs.add_parser("history", help="Änderungen einer Einrichtung (ohne ID: alle)")
    p.add_argument("id", nargs="?", default=None)
    p.add_argument("--format", choices=["csv", "json"], default="csv")
    p.add_argument("--output", "-o", type=Path, default=None)
    p.set_defaults(run=run_history)

    p = verbs.add_parser("import", help="Liste der Stadt abgleichen (Vorschau; --apply speichert)")
    p.add_argument("file", type=Path, help="CSV oder XLSX (wie beim Upload)")
    p.add_argument("--apply", action="store_true", help="Änderungen wirklich speichern")
    p.add_argument("--rows", default=None, help="nur diese Dateizeilen übernehmen, z. B. 2,5,7")
    _meta(p, source=False)
    add_data_option(p)
    p.set_defaults(run=run_import)

    p = verbs.add_parser("export", help="die wirksame Liste als Datei")
    p.add_argument("--format", choices=list(EXPORTS), required=True, help=", ".join(EXPORTS))
    p.add_argument("--output", "-o", type=Path, required=True)
    add_data_option(p)
    p.set_defaults(run=run_export)

    p = verbs.add_parser("soll", help="erwartete Anzahl je Art setzen (Vollständigkeit)")
    p.add_argument("typ", help="Art, z. B. 'Offener Treff'")
    p.add_argument("anzahl", help="erwartete Anzahl (oder 'keine' zum Entfernen)")
    _meta(p)
    p.set_defaults(run=run_soll)


def _package(args: argparse.Namespace) -> DataPackage:
    return base_package(args)


def _field_values(args: argparse.Namespace) -> dict:
    fields = {
        FIELD_OPTIONS[o]: getattr(args, o) for o in FIELD_OPTIONS if getattr(args, o) is not None
    }
    fields.update(
        position_fields(
            lat=args.lat, lon=args.lon, x=args.x, y=args.y, radius=args.genauigkeit,
            method=args.lage_methode,
        )
    )  # fmt: skip
    return fields


def _author(args: argparse.Namespace) -> str:
    """The stored author: the OS user, or ``--author`` marked as such."""
    return cli_identity(args.author).author


def _meta_of(args: argparse.Namespace) -> dict:
    return {"author": _author(args), "reason": args.reason, "source": args.source}


def _base_version(store: RegisterStore, args: argparse.Namespace, fid: str) -> int:
    return args.version if args.version is not None else store.versions().get(fid, 0)


def _done(change) -> int:
    print(f"Gespeichert: Änderung #{change.id} – {change.facility_id} {change.summary()} "
          f"(Version {change.version}).")  # fmt: skip
    return 0


def run_list(args: argparse.Namespace) -> int:
    """Print the effective list."""
    from report.register_exports import package_table, raw_facilities

    store = RegisterStore()
    package = store.effective(_package(args))
    table = package_table(package.einrichtungen, package.stadtteile, raw_facilities(package.root))
    versions = store.versions()
    table["version"] = [versions.get(fid, 0) for fid in table["id"]]
    write_table(table, args.format, args.output)
    return 0


def run_add(args: argparse.Namespace) -> int:
    """Add a facility."""
    fields = _field_values(args)
    change = RegisterStore().add(_package(args), fields, facility_id=args.id, **_meta_of(args))
    return _done(change)


def run_update(args: argparse.Namespace) -> int:
    """Correct fields."""
    store = RegisterStore()
    fields = _field_values(args)
    version = _base_version(store, args, args.id)
    return _done(store.update(_package(args), args.id, fields, version, **_meta_of(args)))


def run_close(args: argparse.Namespace) -> int:
    """Mark closed."""
    store = RegisterStore()
    version = _base_version(store, args, args.id)
    return _done(store.close(_package(args), args.id, version, **_meta_of(args)))


def run_delete(args: argparse.Namespace) -> int:
    """Delete from the list."""
    store = RegisterStore()
    version = _base_version(store, args, args.id)
    return _done(store.delete(_package(args), args.id, version, **_meta_of(args)))


def run_undo(args: argparse.Namespace) -> int:
    """Undo a change."""
    store = RegisterStore()
    target = next((c for c in store.changes() if c.id == args.change), None)
    if target is None:
        raise ValueError(f"Keine Änderung #{args.change} im Register (siehe history).")
    version = _base_version(store, args, target.facility_id)
    change = store.undo(
        _package(args), args.change, version, author=_author(args), reason=args.reason
    )
    return _done(change)


def run_history(args: argparse.Namespace) -> int:
    """Print the changes."""
    from report.register_exports import history_table

    store = RegisterStore()
    changes = store.changes()
    table = history_table(changes)
    if args.id is not None:
        table = table[table["einrichtung"] == args.id]
    write_table(table.reset_index(drop=True), args.format, args.output)
    return 0


def run_import(args: argparse.Namespace) -> int:
    """Preview (and with ``--apply`` store) a merge of the city's list."""
    from geo.io.uploads import validate
    from geo.io.uploads.limits import read_upload
    from register.merge import plan_import

    content = read_upload(args.file)  # size checked before a byte is read
    store = RegisterStore()
    base = _package(args)
    package = store.effective(base)
    check = validate("facilities", args.file.name, content, package, True)
    for problem in check.errors:
        print(f"FEHLER  {problem.text()}", file=sys.stderr)
    plan = plan_import(check, package, store.versions(), args.file.name)
    print(f"Abgleich {args.file.name}: {plan.summary()}.")
    for row in plan.rows:
        if row.status != "unveraendert":
            print(f"  Zeile {row.row}: {row.status:<11} {row.facility_id or '(neu)'} "
                  f"{row.name} – {row.describe()}")  # fmt: skip
    for note in plan.notes:
        print(f"Hinweis: {note}")
    if plan.not_in_file:
        print(f"Nicht in der Datei (bleiben unverändert): {len(plan.not_in_file)} Einrichtung(en).")
    rows = _rows(args.rows, plan) if args.rows else None
    if not args.apply:
        print("Nichts gespeichert (Vorschau). Mit --apply übernehmen.")
        return 0
    edits: list[Edit] = plan.edits(
        rows, author=_author(args), reason=args.reason, source=args.source or args.file.name
    )
    if not edits:
        print("Keine Änderung zu übernehmen.")
        return 0
    stored = store.submit(base, edits, batch=f"import:{args.file.name}")
    print(
        f"Übernommen: {len(stored)} Änderung(en) in einem Schritt (#{stored[0].id}–#{stored[-1].id})."
    )
    return 0


def _rows(text: str, plan) -> list[int]:
    """The file rows of ``--rows 2,5,7``; each must be a row of the preview with a change."""
    rows = [parse_count(part, "--rows", 1) for part in text.split(",")]
    changing = {row.row for row in plan.rows if row.status != "unveraendert"}
    unknown = [row for row in rows if row not in changing]
    if unknown:
        offered = ", ".join(str(r) for r in sorted(changing)[:20]) or "keine"
        raise ValueError(
            f"--rows: Zeile {', '.join(map(str, unknown[:10]))} enthält keine Änderung der "
            f"Vorschau. Lösung: nur Zeilen der Vorschau angeben (mit Änderung: {offered})."
        )
    return rows


def run_export(args: argparse.Namespace) -> int:
    """Write the effective list."""
    from report import register_exports as exports

    store = RegisterStore()
    package = store.effective(_package(args))
    facilities, stadtteile, changes = package.einrichtungen, package.stadtteile, store.changes()
    raw = exports.raw_facilities(package.root)
    data = {
        "csv": lambda: exports.csv_for_excel(facilities, stadtteile, changes),
        "xlsx": lambda: exports.xlsx_table(facilities, stadtteile, changes, raw),
        "gpkg": lambda: exports.geopackage_with_style(facilities, changes),
        "paket": lambda: exports.package_csv(facilities, stadtteile, raw),
    }[args.format]()
    args.output.write_bytes(data)
    print(f"{EXPORTS[args.format]}: {len(facilities)} Einrichtungen → {args.output}")
    return 0


def run_soll(args: argparse.Namespace) -> int:
    """Set an expected count."""
    text = args.anzahl.strip().lower()
    count = None if text == "keine" else parse_count(text, "Anzahl", 0, 10_000)
    RegisterStore().set_expected(args.typ, count, **_meta_of(args))
    print(f"Soll für {args.typ}: {count if count is not None else 'entfernt'}.")
    return 0
