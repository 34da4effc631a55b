"""Reading uploaded files defensively: size limits, encodings, separators, zip checks."""

from __future__ import annotations

import csv
import io
import re
import tempfile
import zipfile
from pathlib import Path, PurePosixPath

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
from openpyxl import load_workbook

from geo.readers import MISSING_MARKERS
from geo.uploads.report import Problem, StopReadingError

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 20_000
MAX_ZIP_MEMBERS = 50
MAX_UNZIPPED_BYTES = 100 * 1024 * 1024
TABLE_SUFFIXES = (".csv", ".txt", ".xlsx")
GEO_SUFFIXES = (".geojson", ".json", ".gpkg", ".zip")


def _check_size(content: bytes, errors: list[Problem]) -> None:
    if len(content) == 0:
        errors.append(Problem("Die Datei ist leer.", "Eine Datei mit Inhalt hochladen."))
        raise StopReadingError
    if len(content) > MAX_BYTES:
        errors.append(
            Problem(
                f"Die Datei ist zu groß ({len(content) / 1e6:.1f} MB, erlaubt {MAX_BYTES / 1e6:.0f} MB).",
                "Die Datei verkleinern oder aufteilen.",
            )
        )
        raise StopReadingError


def decode_text(content: bytes, warnings: list[Problem]) -> str:
    """Text of a CSV: UTF-8 (with or without BOM), else Windows-1252 (reported)."""
    for encoding in ("utf-8-sig",):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            pass
    warnings.append(
        Problem(
            "Die Datei ist nicht UTF-8-kodiert; sie wurde als Windows-1252 (Excel) gelesen.",
            "Umlaute prüfen; künftig als „CSV UTF-8“ speichern.",
        )
    )
    return content.decode("cp1252", errors="replace")


def _read_csv(content: bytes, errors: list[Problem], warnings: list[Problem]) -> pd.DataFrame:
    text = decode_text(content, warnings)
    if "\x00" in text:
        errors.append(
            Problem(
                "Die Datei enthält Binärdaten und ist keine CSV-Datei.", "Als CSV (Text) speichern."
            )
        )
        raise StopReadingError
    sample = "\n".join(text.splitlines()[:20])
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        delimiter = ";" if sample.count(";") > sample.count(",") else ","
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=delimiter,
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=True,
        )
    except (pd.errors.ParserError, ValueError) as exc:
        errors.append(
            Problem(
                f"Die CSV-Datei ist nicht lesbar ({exc}).",
                "Gleich viele Spalten in jeder Zeile; Trennzeichen ; oder ,",
            )
        )
        raise StopReadingError from exc
    # pandas renames repeated headers ("name.1"); keep the file's own header instead.
    header = next(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=delimiter), [])
    if len(header) == len(frame.columns):
        frame.columns = [h.strip() for h in header]
    return frame


def _read_xlsx(content: bytes, errors: list[Problem]) -> pd.DataFrame:
    _check_zip(content, errors, max_members=5000)  # an .xlsx is a zip archive as well
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for broken files
        errors.append(
            Problem(
                f"Die Excel-Datei ist nicht lesbar ({type(exc).__name__}).",
                "Als .xlsx (Excel 2007+) neu speichern.",
            )
        )
        raise StopReadingError from exc
    sheet = workbook.worksheets[0]
    sheet.reset_dimensions()  # some exports state a wrong size; read what is really there
    rows = [r for r in sheet.iter_rows(values_only=True) if any(v not in (None, "") for v in r)]
    workbook.close()
    if not rows:
        errors.append(
            Problem("Das erste Tabellenblatt ist leer.", "Die Daten auf das erste Blatt legen.")
        )
        raise StopReadingError
    header = ["" if v is None else str(v).strip() for v in rows[0]]
    body = [["" if v is None else str(v) for v in r[: len(header)]] for r in rows[1:]]
    return pd.DataFrame(body, columns=header)


def read_table(
    name: str, content: bytes, errors: list[Problem], warnings: list[Problem]
) -> pd.DataFrame:
    """A CSV or XLSX file as text columns (raises the internal stop on fatal problems)."""
    _check_size(content, errors)
    suffix = Path(name).suffix.lower()
    if suffix == ".xls":
        errors.append(
            Problem(
                "Das alte Excel-Format .xls wird nicht gelesen.", "Als .xlsx oder CSV speichern."
            )
        )
        raise StopReadingError
    frame = (
        _read_xlsx(content, errors) if suffix == ".xlsx" else _read_csv(content, errors, warnings)
    )
    frame.columns = [str(c).strip() for c in frame.columns]
    if frame.empty:
        errors.append(
            Problem(
                "Die Tabelle hat keine Datenzeilen.",
                "Mindestens eine Zeile unter der Kopfzeile eintragen.",
            )
        )
        raise StopReadingError
    if len(frame) > MAX_ROWS:
        errors.append(
            Problem(f"Zu viele Zeilen ({len(frame)}, erlaubt {MAX_ROWS}).", "Die Datei aufteilen.")
        )
        raise StopReadingError
    dup = list(frame.columns[frame.columns.duplicated()])
    if dup:
        errors.append(
            Problem(
                f"Spalte(n) mehrfach vorhanden: {', '.join(dup)}.",
                "Jede Spaltenüberschrift nur einmal verwenden.",
            )
        )
        raise StopReadingError
    return frame


def _check_zip(
    content: bytes, errors: list[Problem], max_members: int = MAX_ZIP_MEMBERS
) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except zipfile.BadZipFile as exc:
        errors.append(Problem("Die Datei ist kein gültiges ZIP-Archiv.", "Das Archiv neu packen."))
        raise StopReadingError from exc
    members = archive.infolist()
    if len(members) > max_members:
        errors.append(
            Problem(
                f"Das Archiv enthält zu viele Dateien ({len(members)}).",
                f"Höchstens {max_members} Dateien packen.",
            )
        )
        raise StopReadingError
    if sum(m.file_size for m in members) > MAX_UNZIPPED_BYTES:
        errors.append(
            Problem(
                "Das Archiv ist entpackt zu groß.",
                f"Entpackt höchstens {MAX_UNZIPPED_BYTES / 1e6:.0f} MB.",
            )
        )
        raise StopReadingError
    for member in members:
        path = PurePosixPath(member.filename.replace("\\", "/"))
        if path.is_absolute() or ".." in path.parts:
            errors.append(
                Problem(
                    f"Unzulässiger Pfad im Archiv: {member.filename!r}.",
                    "Nur Dateien ohne absolute Pfade oder '..' packen.",
                )
            )
            raise StopReadingError
    return archive


def _read_zipped_shapefile(content: bytes, errors: list[Problem]) -> gpd.GeoDataFrame:
    archive = _check_zip(content, errors)
    shps = [m for m in archive.infolist() if m.filename.lower().endswith(".shp")]
    if len(shps) != 1:
        errors.append(
            Problem(
                f"Das Archiv muss genau eine .shp-Datei enthalten (gefunden: {len(shps)}).",
                "Nur einen Shapefile-Datensatz packen.",
            )
        )
        raise StopReadingError
    stem = PurePosixPath(shps[0].filename).stem
    wanted = [m for m in archive.infolist() if PurePosixPath(m.filename).stem == stem]
    suffixes = {PurePosixPath(m.filename).suffix.lower() for m in wanted}
    missing = [s for s in (".shx", ".dbf") if s not in suffixes]
    if missing:
        errors.append(
            Problem(
                f"Zum Shapefile fehlen {', '.join(missing)}.",
                "Alle Teile (.shp, .shx, .dbf, .prj) packen.",
            )
        )
        raise StopReadingError
    if ".prj" not in suffixes:
        errors.append(
            Problem(
                "Zum Shapefile fehlt die .prj-Datei (Koordinatensystem).",
                "Die .prj-Datei mitpacken.",
            )
        )
        raise StopReadingError
    with tempfile.TemporaryDirectory() as tmp:
        for member in wanted:
            # Write under a fixed, sanitised name: archive paths never reach the file system.
            target = Path(tmp) / f"upload{PurePosixPath(member.filename).suffix.lower()}"
            target.write_bytes(archive.read(member))
        return _read_vector(Path(tmp) / "upload.shp", errors)


def _read_vector(path: Path, errors: list[Problem]) -> gpd.GeoDataFrame:
    try:
        layers = pyogrio.list_layers(path)
        frame = gpd.read_file(path, engine="pyogrio", layer=layers[0][0] if len(layers) else None)
    except Exception as exc:  # GDAL reports broken files with many exception types
        errors.append(
            Problem(
                f"Die Geodaten sind nicht lesbar ({type(exc).__name__}).",
                "Die Datei im GIS neu exportieren.",
            )
        )
        raise StopReadingError from exc
    return frame


def read_geodata(name: str, content: bytes, errors: list[Problem]) -> gpd.GeoDataFrame:
    """GeoJSON, GeoPackage or zipped Shapefile as a GeoDataFrame (any CRS)."""
    _check_size(content, errors)
    suffix = Path(name).suffix.lower()
    if suffix == ".zip":
        frame = _read_zipped_shapefile(content, errors)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / ("upload.gpkg" if suffix == ".gpkg" else "upload.geojson")
            path.write_bytes(content)
            frame = _read_vector(path, errors)
    if frame.empty:
        errors.append(
            Problem(
                "Die Datei enthält keine Objekte.", "Objekte einzeichnen oder andere Datei wählen."
            )
        )
        raise StopReadingError
    if len(frame) > MAX_ROWS:
        errors.append(Problem(f"Zu viele Objekte ({len(frame)}).", "Die Datei aufteilen."))
        raise StopReadingError
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame


def canonical(
    frame: pd.DataFrame, aliases: dict[str, str], warnings: list[Problem]
) -> pd.DataFrame:
    """Rename accepted column spellings (``Breite``, ``Träger``…) to the canonical names."""
    renamed = {}
    for column in frame.columns:
        key = str(column).strip().lower().replace(" ", "_").replace("-", "_")
        if key in aliases and aliases[key] not in renamed.values():
            renamed[column] = aliases[key]
    out = frame.rename(columns=renamed)
    unknown = [c for c in frame.columns if c not in renamed and c != "geometry"]
    if unknown:
        warnings.append(
            Problem(
                f"Unbekannte Spalte(n) werden ignoriert: {', '.join(map(str, unknown[:10]))}.",
                "Spalten wie in der Vorlage benennen.",
            )
        )
    return out


_DECIMAL_COMMA = re.compile(r"^-?\d{1,3}(\.\d{3})*(,\d+)?$|^-?\d+,\d+$")


def parse_numbers(
    values: pd.Series,
    column: str,
    errors: list[Problem],
    row_offset: int = 2,
    allow_negative: bool = False,
) -> pd.Series:
    """Numbers with decimal point or German decimal comma; suppressed markers become NaN.

    A column written the German way (some value has a decimal comma) reads dots as
    thousands separators (``1.234,5``); otherwise a dot is the decimal point. Every cell that
    is not a number is reported with its row.
    """
    text = values.astype("string").str.strip().fillna("")
    missing = text.isin(MISSING_MARKERS)
    german_column = text.str.contains(r"\d,\d", regex=True).any()
    german = text.str.match(_DECIMAL_COMMA) & german_column
    normalised = text.where(
        ~german, text.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    )
    numbers = pd.to_numeric(normalised.where(~missing), errors="coerce")
    for pos in np.flatnonzero((numbers.isna() & ~missing).to_numpy()):
        errors.append(
            Problem(
                f"Keine Zahl: {text.iloc[pos][:40]!r}.",
                "Zahl eintragen (Dezimalkomma oder -punkt); nicht veröffentlicht: leer oder '.'.",
                int(values.index[pos]) + row_offset,
                column,
            )
        )
    if not allow_negative:
        for pos in np.flatnonzero((numbers < 0).fillna(False).to_numpy()):
            errors.append(
                Problem(
                    f"Negativer Wert {numbers.iloc[pos]}.",
                    "Anzahlen und Flächen sind nie negativ.",
                    int(values.index[pos]) + row_offset,
                    column,
                )
            )
    return numbers.astype("float64")


def has_markup(text: str) -> bool:
    """True if a text looks like HTML or script (it is shown as text anyway)."""
    return bool(re.search(r"<\s*/?\s*[a-zA-Z]|javascript:|on\w+\s*=", text))
