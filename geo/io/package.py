"""The data package: load all files, validate them, and keep them together.

See :mod:`geo.io.readers` for the per-file checks. Everything is in EPSG:25832.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geo.analysis.barrier import CROSSINGS_FILE, LINES_FILE, Barrier, read_barrier
from geo.analysis.metric import WalkMetric
from geo.analysis.projection import (
    HORIZON,
    UPLOAD_LABEL,
    Projection,
    is_forecast,
    project_statistics,
)
from geo.errors import DataPackageError
from geo.facilities import apply_edits
from geo.io.readers import (
    check_statistik_matches,
    check_within_city,
    derive_zero_residents,
    read_bytes,
    read_einrichtungen,
    read_stadtgrenze,
    read_stadtteile,
    read_statistik,
    read_zensus,
)

__all__ = ["DataPackage", "DataPackageError", "load_package"]

FILES = {
    "stadtteile": "stadtteile.geojson",
    "stadtgrenze": "stadtgrenze.geojson",
    "statistik": "statistik_stadtteile.csv",
    "zensus": "zensus2022_bevoelkerung_100m.geojson",
    "einrichtungen": "einrichtungen.csv",
}
#: Optional files: the app works without them, later features use them.
OPTIONAL_FILES = {"gtfs": "gtfs/mvb_gtfs.zip", "barriere": LINES_FILE, "querungen": CROSSINGS_FILE}


@dataclass(frozen=True)
class DataPackage:
    """The validated data package, all layers in EPSG:25832.

    Attributes
    ----------
    root : pathlib.Path
        Package directory.
    stadtteile : geopandas.GeoDataFrame
        One row per Stadtteil, index ``stadtteil_nr``, columns ``stadtteil``, ``geometry``.
    stadtgrenze : geopandas.GeoDataFrame
        City boundary (one row).
    statistik : pandas.DataFrame
        Long table, one row per ``jahr`` × ``stadtteil_nr``; suppressed values are NaN.
    einrichtungen : geopandas.GeoDataFrame
        Facilities; ``geometry`` is empty (None) for rows without a location;
        ``stadtteil_nr`` is the Stadtteil containing the point (or named by the source
        when there is no point).
    zensus : geopandas.GeoDataFrame
        Populated 100 m cells as centre points with ``grid_id``, ``einwohner``,
        ``stadtteil_nr`` and the cell bounds ``xmin``..``ymax`` in EPSG:3035.
    version : str
        Short content hash of the package files (identifies the data in scenarios).
    notes : tuple of str
        Repairs and caveats applied while loading (German), to be shown in the UI.
    barrier : geo.analysis.barrier.Barrier or None
        The Elbe as a walking barrier with its crossings (``elbe_barriere.geojson`` +
        ``elbe_querungen.csv``); None without the two files (straight line × detour).
    """

    root: Path
    stadtteile: gpd.GeoDataFrame
    stadtgrenze: gpd.GeoDataFrame
    statistik: pd.DataFrame
    einrichtungen: gpd.GeoDataFrame
    zensus: gpd.GeoDataFrame
    version: str
    notes: tuple[str, ...] = field(default_factory=tuple)
    barrier: Barrier | None = field(default=None, repr=False)
    #: The age-group projection appended to ``statistik`` (see :func:`with_projection`).
    projection: Projection | None = field(default=None, repr=False)

    def walk_metric(self, detour: float) -> WalkMetric:
        """The walking metric of this package for a detour factor (the one place to get it)."""
        return WalkMetric(detour, self.barrier)

    @property
    def years(self) -> list[int]:
        """Years with the age breakdown published (observed; the latest is the default)."""
        projected = set(self.projected_years)
        return [y for y in available_years(self.statistik) if y not in projected]

    @property
    def projected_years(self) -> list[int]:
        """Years of the projection or an uploaded forecast (after the observed years)."""
        return self.projection.years if self.projection is not None else []

    @property
    def selectable_years(self) -> list[int]:
        """Observed and projected years: everything a planner may choose."""
        return [*self.years, *self.projected_years]

    def year_label(self, year: int) -> str | None:
        """``Modellrechnung`` / ``amtliche Prognose (Upload)`` for a projected year, else None."""
        return self.projection.label(year) if self.projection is not None else None

    def check_year(self, year: int) -> int:
        """The year if it can be chosen, else a ValueError naming the allowed range.

        Raises
        ------
        ValueError
            For a year without statistics or beyond the projection horizon.
        """
        allowed = self.selectable_years
        if year in allowed:
            return year
        span = f"{allowed[0]}–{allowed[-1]}" if allowed else "keine"
        if allowed and year > allowed[-1]:
            raise ValueError(
                f"Jahr {year} liegt jenseits des Prognosehorizonts. Wählbar sind {span} "
                f"(ab {self.years[-1] + 1} als Modellrechnung)."
            )
        raise ValueError(f"Jahr {year} ist nicht wählbar. Wählbar sind {span}.")

    @property
    def gtfs_path(self) -> Path | None:
        """Path of the GTFS feed if the package has one."""
        path = self.root / OPTIONAL_FILES["gtfs"]
        return path if path.is_file() else None


def available_years(statistik: pd.DataFrame) -> list[int]:
    """Years in which the age groups (and thus all indicators) are published.

    Parameters
    ----------
    statistik : pandas.DataFrame
        Long statistics table with ``jahr`` and ``alter_65plus``.

    Returns
    -------
    list of int
        Sorted years.
    """
    # Vectorised: every rerun of every session asks for the years (a groupby-apply took ≈ 8 ms).
    return sorted(int(y) for y in statistik.loc[statistik["alter_65plus"].notna(), "jahr"].unique())


def package_signature(root: Path) -> str:
    """Cheap signature (names, sizes, modification times) to key caches on.

    Parameters
    ----------
    root : pathlib.Path
        Package directory.

    Returns
    -------
    str
        Changes whenever a package file changes.
    """
    parts = [str(root)]
    for name in [*FILES.values(), *OPTIONAL_FILES.values()]:
        path = root / name
        if path.is_file():
            stat = path.stat()
            parts.append(f"{name}:{stat.st_size}:{stat.st_mtime_ns}")
    return "|".join(parts)


def load_package(root: Path | str) -> DataPackage:
    """Read and validate the whole data package.

    Parameters
    ----------
    root : pathlib.Path or str
        Package directory (see :func:`geo.config.data_dir`).

    Returns
    -------
    DataPackage
        Validated layers in EPSG:25832.

    Raises
    ------
    DataPackageError
        With a German message naming the file, the problem and the fix.
    """
    root = Path(root)
    if not root.is_dir():
        raise DataPackageError(
            str(root),
            "Das Datenpaket-Verzeichnis wurde nicht gefunden.",
            "Die Umgebungsvariable BEGEGNUNGSATLAS_DATA auf das Verzeichnis des Datenpakets "
            "setzen (z. B. BEGEGNUNGSATLAS_DATA=/pfad/zu/magdeburg).",
        )
    missing = [name for name in FILES.values() if not (root / name).is_file()]
    if missing:
        raise DataPackageError(
            ", ".join(missing),
            f"Datei fehlt im Datenpaket {root}.",
            "Das vollständige Datenpaket bereitstellen oder BEGEGNUNGSATLAS_DATA auf das "
            "richtige Verzeichnis setzen.",
        )
    notes: list[str] = []
    with _file(FILES["stadtteile"]):
        stadtteile = read_stadtteile(root / FILES["stadtteile"], notes)
    with _file(FILES["stadtgrenze"]):
        stadtgrenze = read_stadtgrenze(root / FILES["stadtgrenze"])
        check_within_city(stadtteile, stadtgrenze)
    with _file(FILES["statistik"]):
        statistik = derive_zero_residents(read_statistik(root / FILES["statistik"]), notes)
        check_statistik_matches(statistik, stadtteile, FILES["statistik"])
    with _file(FILES["einrichtungen"]):
        einrichtungen = read_einrichtungen(
            root / FILES["einrichtungen"], stadtteile, stadtgrenze, notes
        )
    with _file(FILES["zensus"]):
        zensus = read_zensus(root / FILES["zensus"], stadtteile, notes)
    with _file(LINES_FILE):
        barrier = read_barrier(root, stadtgrenze.geometry.iloc[0])
    return DataPackage(
        root=root,
        stadtteile=stadtteile,
        stadtgrenze=stadtgrenze,
        statistik=statistik,
        einrichtungen=einrichtungen,
        zensus=zensus,
        version=_content_hash(root),
        notes=tuple(notes),
        barrier=barrier,
    )


@contextmanager
def _file(name: str) -> Iterator[None]:
    """Turn an unexpected failure while reading ``name`` into a German DataPackageError.

    The readers raise DataPackageError for every problem they know; anything else (a bug or
    a kind of damage nobody foresaw) must still name the file instead of showing a traceback.
    """
    try:
        yield
    except DataPackageError:
        raise
    except Exception as exc:
        raise DataPackageError(
            name,
            f"Die Datei kann nicht verarbeitet werden (unerwarteter Fehler: {type(exc).__name__}).",
            "Die Datei prüfen oder aus dem Original-Datenpaket wiederherstellen.",
        ) from exc


def _content_hash(root: Path) -> str:
    digest = hashlib.sha256()
    # The optional files change results (walks via bridges, Bus & Bahn), so they are part of
    # the version that keys every cache.
    optional = [n for n in OPTIONAL_FILES.values() if (root / n).is_file()]
    for name in [*sorted(FILES.values()), *optional]:
        digest.update(name.encode())
        if name == OPTIONAL_FILES["gtfs"]:
            # Streamed and unbounded: a timetable the reader refuses costs only Bus & Bahn.
            try:
                with open(root / name, "rb") as feed:
                    digest.update(hashlib.file_digest(feed, "sha256").digest())
            except OSError:
                digest.update(b"unreadable")
        else:
            digest.update(read_bytes(root / name, name))
    return digest.hexdigest()[:12]


def with_uploads(
    package: DataPackage,
    *,
    facilities: gpd.GeoDataFrame | None = None,
    replace_facilities: bool = False,
    statistics: pd.DataFrame | None = None,
    tag: str = "",
) -> DataPackage:
    """A session overlay of the package with validated uploads (the package is not changed).

    Parameters
    ----------
    package : DataPackage
        The package as loaded.
    facilities : geopandas.GeoDataFrame, optional
        Validated facilities (:func:`geo.io.uploads.validate_facilities`).
    replace_facilities : bool
        Replace the facility list instead of extending it.
    statistics : pandas.DataFrame, optional
        Validated statistics (:func:`geo.io.uploads.validate_statistics`); provided cells
        replace the package's, new years or Stadtteile are added.
    tag : str
        Short content hash of the uploads (appended to the version, so caches differ).

    Returns
    -------
    DataPackage
    """
    notes = list(package.notes)
    einrichtungen = package.einrichtungen
    if facilities is not None:
        if replace_facilities:
            einrichtungen = facilities.reset_index(drop=True)
            notes.append(f"Einrichtungsliste durch Upload ersetzt ({len(facilities)} Einträge).")
        else:
            einrichtungen = apply_edits(package.einrichtungen, added=facilities)
            notes.append(f"{len(facilities)} Einrichtung(en) per Upload ergänzt.")
    statistik = package.statistik
    if statistics is not None:
        statistik = merge_statistics(
            observed_statistik(package), statistics, package.stadtteile["stadtteil"]
        )
        notes.append(f"Statistik per Upload aktualisiert ({len(statistics)} Zeilen).")
    updated = replace(
        package,
        einrichtungen=gpd.GeoDataFrame(
            einrichtungen, geometry="geometry", crs=package.einrichtungen.crs
        ),
        statistik=statistik,
        version=f"{package.version}+{tag}" if tag else package.version,
        notes=tuple(notes),
    )
    if statistics is not None and package.projection is not None:
        last = package.years[-1]
        if not is_forecast(statistics["jahr"], last):  # newly published years are observed
            last = max(last, int(statistics["jahr"].max()))
        return with_projection(replace(updated, projection=None), last_observed=last)
    return updated


def observed_statistik(package: DataPackage) -> pd.DataFrame:
    """The package's statistics without projected or forecast years."""
    projected = package.projected_years
    return package.statistik[~package.statistik["jahr"].isin(projected)].reset_index(drop=True)


def with_projection(
    package: DataPackage, *, until: int = HORIZON, last_observed: int | None = None
) -> DataPackage:
    """The package with its age groups projected to every year up to ``until``.

    The projected rows (``einwohner`` and the five age groups; everything else missing) are
    appended to ``statistik`` (with the base year's area), so every figure of a projected year – indicators, the grid's
    target group (each cell follows its Stadtteil's projection), coverage, the index – is
    computed like an observed one. Years after ``last_observed`` that an uploaded official
    forecast provides replace the model for those years.

    Parameters
    ----------
    package : DataPackage
        A package without projection.
    until : int
        Horizon of the projection.
    last_observed : int, optional
        Last observed year (default: the package's latest year with age groups); later years
        in ``statistik`` are an uploaded forecast.

    Returns
    -------
    DataPackage
        Unchanged (without projection) when fewer than two observed years have age groups.
    """
    stat = package.statistik
    last = last_observed if last_observed is not None else max(available_years(stat), default=0)
    observed = stat[stat["jahr"] <= last]
    forecast_years = sorted(int(y) for y in set(available_years(stat)) if last < y <= until)
    try:
        model = project_statistics(observed, until=until)
    except ValueError:
        return package
    model_rows = model.table[~model.table["jahr"].isin(forecast_years)].copy()
    # The area is no projection: the base year's area keeps densities defined.
    area = observed[observed["jahr"] == model.base_year].set_index("stadtteil_nr")["flaeche_ha"]
    model_rows["flaeche_ha"] = model_rows["stadtteil_nr"].map(area)
    combined = pd.concat(
        [stat[stat["jahr"] <= until], model_rows.reindex(columns=stat.columns)], ignore_index=True
    ).sort_values(["jahr", "stadtteil_nr"], ignore_index=True)
    sources = {**model.sources, **dict.fromkeys(forecast_years, UPLOAD_LABEL)}
    return replace(package, statistik=combined, projection=replace(model, sources=sources))


def merge_statistics(base: pd.DataFrame, update: pd.DataFrame, names: pd.Series) -> pd.DataFrame:
    """Statistics with the uploaded cells replacing the base (suppressed stays missing).

    Parameters
    ----------
    base : pandas.DataFrame
        The package's long statistics table.
    update : pandas.DataFrame
        ``jahr``, ``stadtteil_nr`` and the uploaded columns.
    names : pandas.Series
        Stadtteil name per number (for added rows).

    Returns
    -------
    pandas.DataFrame
        A new long table, sorted by year and Stadtteil.
    """
    key = ["jahr", "stadtteil_nr"]
    merged = base.set_index(key)
    upd = update.set_index(key)
    columns = [c for c in upd.columns if c in merged.columns and c != "stadtteil"]
    merged = merged.reindex(merged.index.union(upd.index))
    merged.loc[upd.index, columns] = upd[columns].to_numpy()
    merged["stadtteil"] = [names.get(nr, nr) for _, nr in merged.index]
    return derive_zero_residents(merged.reset_index().sort_values(key).reset_index(drop=True))
