"""The effective facility list: the data package plus the register's active changes (pure).

Undo is itself a change: a change is *active* unless an active ``undo`` targets it (so an
undo of an undo restores the original). The active changes are replayed in order over the
package's list: ``add`` inserts a facility, ``update``/``close`` set fields, ``delete``
removes it. A change whose facility is gone (its ``add`` was undone) has no effect.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.areas import assign_stadtteil
from geo.crs import METRIC_CRS, WGS84
from geo.facilities import CITY_TOLERANCE_M, apply_edits
from geo.io.package import DataPackage
from register.changes import FIELDS, Change, german_time

#: Note of the package reader about facilities without position (replaced by a fresh one).
_NO_POSITION_NOTE = "ohne bekannte Lage"


def active_changes(changes: Iterable[Change]) -> list[Change]:
    """The changes in effect, oldest first.

    Parameters
    ----------
    changes : iterable of Change
        All stored changes.

    Returns
    -------
    list of Change
        Changes not undone by an active undo (undo records included).
    """
    ordered = sorted(changes, key=lambda c: c.id)
    undone: set[int] = set()
    # An undo always comes after its target: walking backwards, whether an undo is itself
    # undone is known before it is applied to its target.
    for change in reversed(ordered):
        if change.id not in undone and change.kind == "undo" and change.target is not None:
            undone.add(change.target)
    return [c for c in ordered if c.id not in undone]


def undone_by(changes: Iterable[Change]) -> dict[int, int]:
    """Change id → id of the active undo that cancels it."""
    active = active_changes(changes)
    return {c.target: c.id for c in active if c.kind == "undo" and c.target is not None}


def records_of(einrichtungen: pd.DataFrame) -> dict[str, dict]:
    """Facility id → its fields (``None`` for missing values), plus geometry and Stadtteil.

    Parameters
    ----------
    einrichtungen : pandas.DataFrame
        The package's facility table (``lat``/``lon`` in WGS84).

    Returns
    -------
    dict
        Keys ``id``, the columns of :data:`register.changes.FIELDS` present, ``geometry``
        and ``stadtteil_nr``.
    """
    keep = [c for c in ["id", *FIELDS, "stadtteil_nr", "geometry"] if c in einrichtungen]
    records = {}
    for row in einrichtungen[keep].to_dict(orient="records"):
        records[str(row["id"])] = {k: _plain(v) for k, v in row.items()}
    return records


def _plain(value: object) -> object:
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    return value.item() if hasattr(value, "item") else value


@dataclass(frozen=True)
class EditRows:
    """The active changes as edit rows over the package's list (see :func:`geo.facilities.apply_edits`).

    Attributes
    ----------
    added : dict
        Id → fields of each new facility, in the order they were added.
    updated : dict
        Id → changed fields of each package facility still in the list.
    removed : list of str
        Deleted package facilities.
    relocate : set of str
        Ids whose position or Stadtteil is new (geometry and ``stadtteil_nr`` to recompute).
    """

    added: dict[str, dict]
    updated: dict[str, dict]
    removed: list[str]
    relocate: set[str]


def edit_rows(base_ids: Iterable[str], changes: Iterable[Change]) -> EditRows:
    """The active changes as edit rows over the package's list.

    ``add`` inserts, ``update``/``close`` set fields, ``delete`` removes; a change whose
    facility is gone has no effect.

    Parameters
    ----------
    base_ids : iterable of str
        Ids of the package's list.
    changes : iterable of Change
        All stored changes (undone ones are skipped).
    """
    present = set(base_ids)
    rows = EditRows({}, {}, [], set())
    for change in active_changes(changes):
        fid = change.facility_id
        if change.kind == "add":
            rows.added[fid] = {"id": fid, **change.fields}
            rows.relocate.add(fid)
        elif change.kind == "undo" or (fid not in rows.added and fid not in present):
            continue
        elif change.kind == "delete":
            rows.added.pop(fid, None)
            rows.updated.pop(fid, None)
            if fid in present:
                present.discard(fid)
                rows.removed.append(fid)
        else:
            target = rows.added[fid] if fid in rows.added else rows.updated.setdefault(fid, {})
            target.update(change.fields)
            if {"lat", "lon", "stadtteil"} & set(change.fields):
                rows.relocate.add(fid)
    return rows


def replay(base: dict[str, dict], changes: Iterable[Change]) -> dict[str, dict]:
    """Apply the active changes to facility records (a new dict; ``base`` is not changed).

    Parameters
    ----------
    base : dict
        Facility id → fields (see :func:`records_of`).
    changes : iterable of Change
        All stored changes.

    Returns
    -------
    dict
        Facility id → fields after the changes (:func:`edit_rows`); deleted facilities are
        left out, new ones follow the package's in the order they were added. A record whose
        position or Stadtteil changed has ``_neu_verorten`` set, so the caller recomputes
        geometry and Stadtteil.
    """
    rows = edit_rows(base, changes)
    removed = set(rows.removed)
    records = {
        fid: {**fields, **rows.updated.get(fid, {})}
        for fid, fields in base.items()
        if fid not in removed
    }
    records.update({fid: dict(fields) for fid, fields in rows.added.items()})
    for fid in rows.relocate & set(records):
        records[fid]["_neu_verorten"] = True
    return records


def effective_facilities(
    einrichtungen: gpd.GeoDataFrame, changes: Sequence[Change], stadtteile: gpd.GeoDataFrame
) -> gpd.GeoDataFrame:
    """The package's facilities with the register's changes applied.

    Parameters
    ----------
    einrichtungen : geopandas.GeoDataFrame
        The package's facilities (EPSG:25832, ``lat``/``lon`` in WGS84).
    changes : sequence of Change
        All stored changes (undone ones are skipped).
    stadtteile : geopandas.GeoDataFrame
        Stadtteil polygons (index ``stadtteil_nr``) to place moved and new facilities.

    Returns
    -------
    geopandas.GeoDataFrame
        A new frame in the package's schema (:func:`geo.facilities.apply_edits` of the edit
        rows): package rows first (in their order, deleted ones left out), then new
        facilities in the order they were added; unchanged rows keep their geometry exactly.
    """
    if not changes:
        return einrichtungen.copy()
    rows = edit_rows(einrichtungen["id"].astype(str), changes)
    added, updated = _placed(einrichtungen, rows, stadtteile)
    frame = apply_edits(einrichtungen, added=added, updated=updated, removed=rows.removed)
    return _in_package_schema(frame, einrichtungen)


def _placed(
    einrichtungen: gpd.GeoDataFrame, rows: EditRows, stadtteile: gpd.GeoDataFrame
) -> tuple[pd.DataFrame | None, dict[str, dict]]:
    """The added rows and the updates, with geometry and Stadtteil where they moved."""
    base = records_of(einrichtungen)
    moved = [fid for fid in rows.updated if fid in rows.relocate]
    records = [{**base[fid], **rows.updated[fid]} for fid in moved] + list(rows.added.values())
    updated = {fid: dict(fields) for fid, fields in rows.updated.items()}
    if not records:
        return None, updated
    place = ("lat", "lon", "stadtteil", "stadtteil_nr")  # what _relocate reads and writes
    frame = pd.DataFrame(records)
    frame = frame.reindex(columns=list(dict.fromkeys([*frame.columns, *place])))
    frame = frame.reset_index(drop=True)
    frame["stadtteil_nr"] = frame["stadtteil_nr"].astype(object)
    geometry, frame = _relocate(
        gpd.GeoSeries([None] * len(frame), crs=METRIC_CRS),
        frame,
        np.ones(len(frame), dtype=bool),
        stadtteile,
    )
    for pos, fid in enumerate(moved):
        updated[fid] |= {"geometry": geometry[pos], "stadtteil_nr": frame.at[pos, "stadtteil_nr"]}
    added = frame.iloc[len(moved) :].drop(columns="geometry", errors="ignore")
    added["geometry"] = geometry.iloc[len(moved) :].to_numpy()
    return (added if len(added) else None), updated


def _in_package_schema(frame: pd.DataFrame, einrichtungen: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The overlaid list with the package's columns (then new fields) and types."""
    columns = list(einrichtungen.columns)
    extra = [c for c in FIELDS if c in frame and c not in columns]
    frame = pd.DataFrame(frame).reindex(columns=[*columns, *extra]).reset_index(drop=True)
    geometry = gpd.GeoSeries(frame.pop("geometry").to_numpy(), crs=METRIC_CRS)
    for column in ("lat", "lon", "lage_genauigkeit_m"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(float)
    for column in frame.columns:
        text = column in einrichtungen and pd.api.types.is_string_dtype(einrichtungen[column])
        if text and column not in ("lat", "lon", "lage_genauigkeit_m", "stadtteil_nr"):
            frame[column] = frame[column].astype(einrichtungen[column].dtype)
    frame["stadtteil_nr"] = frame["stadtteil_nr"].astype(einrichtungen["stadtteil_nr"].dtype)
    out = gpd.GeoDataFrame(frame, geometry=geometry, crs=METRIC_CRS)
    return out[[*columns, *extra]]


def _relocate(
    geometry: gpd.GeoSeries, frame: pd.DataFrame, mask, stadtteile: gpd.GeoDataFrame
) -> tuple[gpd.GeoSeries, pd.DataFrame]:
    """New points and Stadtteile for the rows in ``mask`` (moved, placed or new)."""
    lat = pd.to_numeric(frame["lat"], errors="coerce")
    lon = pd.to_numeric(frame["lon"], errors="coerce")
    has = lat.notna() & lon.notna()
    geometry = geometry.copy()
    rows = mask & has.to_numpy()
    if rows.any():
        points = gpd.GeoSeries(
            [shapely.Point(x, y) for x, y in zip(lon[rows], lat[rows], strict=True)], crs=WGS84
        ).to_crs(METRIC_CRS)
        geometry[rows] = points.to_numpy()
        frame.loc[rows, "stadtteil_nr"] = assign_stadtteil(
            gpd.GeoSeries(points.to_numpy(), crs=METRIC_CRS), stadtteile, tolerance=CITY_TOLERANCE_M
        ).to_numpy()
    unlocated = mask & ~has.to_numpy()
    if unlocated.any():
        geometry[unlocated] = None
        by_name = {name: nr for nr, name in stadtteile["stadtteil"].items()}
        frame.loc[unlocated, "stadtteil_nr"] = frame.loc[unlocated, "stadtteil"].map(by_name)
    return geometry, frame


def effective_package(
    package: DataPackage, changes: Sequence[Change], revision: str = ""
) -> DataPackage:
    """The package with the register applied (the package itself is not changed).

    Parameters
    ----------
    package : geo.io.package.DataPackage
        The package as loaded.
    changes : sequence of Change
        All stored changes of the register.
    revision : str
        The register's revision; appended to the version so caches and scenarios differ.

    Returns
    -------
    geo.io.package.DataPackage
        ``einrichtungen`` = effective list, a German note on the register in ``notes``.
    """
    if not changes:
        return package
    facilities = effective_facilities(package.einrichtungen, changes, package.stadtteile)
    counts = dict.fromkeys(("add", "update", "close", "delete", "undo"), 0)
    for change in changes:
        counts[change.kind] = counts.get(change.kind, 0) + 1
    latest = max(changes, key=lambda c: c.id)
    notes = [n for n in package.notes if _NO_POSITION_NOTE not in n]
    notes.append(
        f"Einrichtungsregister: {len(changes)} Änderung(en) über dem Datenpaket "
        f"({counts['add']} neu, {counts['update']} korrigiert, {counts['close']} geschlossen, "
        f"{counts['delete']} gelöscht, {counts['undo']} rückgängig), zuletzt {latest.when} "
        f"von {latest.author}."
    )
    no_position = facilities[facilities.geometry.isna() | facilities.geometry.is_empty]
    if len(no_position):
        notes.append(
            f"{len(no_position)} Einrichtung(en) {_NO_POSITION_NOTE} "
            f"({', '.join(no_position['id'].astype(str))}); sie werden aufgelistet, aber nicht "
            "in Entfernungsrechnungen berücksichtigt."
        )
    return replace(
        package,
        einrichtungen=facilities,
        version=f"{package.version}+{revision}" if revision else package.version,
        notes=tuple(notes),
    )


def last_changed(changes: Iterable[Change]) -> dict[str, str]:
    """Facility id → ``"TT.MM.JJJJ HH:MM, Autor/in"`` of its last change."""
    out: dict[str, str] = {}
    for change in sorted(changes, key=lambda c: c.id):
        out[change.facility_id] = f"{german_time(change.created)}, {change.author}"
    return out
