"""Import of the city's own facility list as a reviewed merge.

The file is parsed and validated like an upload (:func:`geo.io.uploads.validate`, same formats
and messages). :func:`plan_import` compares every row with the effective list and says what
would happen – new, changed, closed, unchanged, or a problem – without changing anything.
The planner accepts or rejects rows; :meth:`MergePlan.edits` turns the accepted rows into
one change set, which :meth:`register.store.RegisterStore.submit` stores atomically.

Matching: by ``id`` when the file gives one that is in the list, otherwise by the exact
name (ignoring case and spaces) when exactly one facility has it. Only the columns the file
really has are compared: a missing column never clears a value.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import pandas as pd

from geo.io.package import DataPackage
from geo.io.uploads import UploadResult
from register.changes import FIELDS, Edit, check_edit, same, show
from register.effective import records_of

#: Status of a row with its German label.
STATUS = {
    "neu": "neu",
    "geaendert": "geändert",
    "geschlossen": "geschlossen",
    "unveraendert": "unverändert",
    "fehler": "Problem",
}
#: Columns of an upload that the merge compares.
IMPORT_FIELDS = (
    "name", "typ", "traeger", "strasse_hausnr", "kategorie", "oeffentlich", "in_betrieb",
    "stand", "quelle_url", "hinweis",
)  # fmt: skip
#: Radius assumed for a coordinate from the city's list that states none.
DEFAULT_RADIUS_M = 50.0
_GENERATED_ID = re.compile(r"^UP-\d+$")  # ids the upload check makes up for rows without one


@dataclass(frozen=True)
class MergeRow:
    """One row of the file and what it would change."""

    row: int  # row in the file (2 = first data row)
    status: str
    facility_id: str
    name: str
    fields: dict = field(default_factory=dict)
    previous: dict = field(default_factory=dict)
    base_version: int = 0
    problem: str = ""

    @property
    def applicable(self) -> bool:
        """True for rows that would change the register."""
        return self.status in ("neu", "geaendert", "geschlossen")

    def describe(self) -> str:
        """German: what changes (``Name: „A“ → „B“``), or the problem."""
        if self.problem:
            return self.problem
        if self.status == "neu":
            return "neu aufnehmen"
        return "; ".join(
            f"{FIELDS.get(k, k)}: {show(self.previous.get(k), k)} → {show(v, k)}"
            for k, v in self.fields.items()
        )


@dataclass(frozen=True)
class MergePlan:
    """The preview of an import: every row with its status."""

    source: str
    rows: tuple[MergeRow, ...]
    not_in_file: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    def counts(self) -> dict[str, int]:
        """Rows per status."""
        return {key: sum(r.status == key for r in self.rows) for key in STATUS}

    def summary(self) -> str:
        """``2 neu, 1 geändert, 0 geschlossen, 40 unverändert`` (plus problems)."""
        c = self.counts()
        text = (
            f"{c['neu']} neu, {c['geaendert']} geändert, {c['geschlossen']} geschlossen, "
            f"{c['unveraendert']} unverändert"
        )
        return text + (f", {c['fehler']} mit Problem" if c["fehler"] else "")

    def table(self) -> pd.DataFrame:
        """Preview table (German columns; ``übernehmen`` preset for applicable rows)."""
        return pd.DataFrame(
            {
                "übernehmen": [r.applicable for r in self.rows],
                "Zeile": [r.row for r in self.rows],
                "Status": [STATUS[r.status] for r in self.rows],
                "id": [r.facility_id or "(neu)" for r in self.rows],
                "Name": [r.name for r in self.rows],
                "Änderung": [r.describe() for r in self.rows],
            }
        )

    def edits(
        self, accepted: Iterable[int] | None, *, author: str, reason: str, source: str
    ) -> list[Edit]:
        """The accepted rows (file row numbers; None = all applicable) as one change set."""
        wanted = None if accepted is None else set(accepted)
        chosen = [r for r in self.rows if wanted is None or r.row in wanted]
        problems = [r for r in chosen if r.status == "fehler"]
        if problems:
            raise ValueError(
                f"Zeile {problems[0].row} hat ein Problem ({problems[0].problem}); bitte die "
                "Zeile abwählen oder die Datei korrigieren."
            )
        kinds = {"neu": "add", "geaendert": "update", "geschlossen": "close"}
        return [
            Edit(r.facility_id, kinds[r.status], r.fields, r.base_version, author, reason, source)
            for r in chosen
            if r.applicable
        ]


def _key(name: object) -> str:
    return " ".join(str(name or "").split()).casefold()


def _given_columns(upload: UploadResult) -> set[str]:
    """Columns the file really has (the check fills missing ones with defaults)."""
    defaulted = {
        p.column for p in upload.warnings if p.column and p.message.startswith(f"Spalte {p.column}")
    }
    return {c for c in IMPORT_FIELDS if c not in defaulted}


def plan_import(
    upload: UploadResult, package: DataPackage, versions: Mapping[str, int], source: str = ""
) -> MergePlan:
    """Compare a validated facility file with the effective list (nothing is changed).

    Parameters
    ----------
    upload : geo.io.uploads.UploadResult
        Result of ``geo.io.uploads.validate("facilities", …, replace_facilities=True)``.
    package : geo.io.package.DataPackage
        The effective package (register applied).
    versions : mapping
        Facility id → current version (:meth:`register.store.RegisterStore.versions`).
    source : str
        Name of the file (shown in the preview).

    Returns
    -------
    MergePlan

    Raises
    ------
    ValueError
        If the file did not pass the checks (its problems are in ``upload.report()``).
    """
    if not upload.ok:
        raise ValueError(
            f"Die Datei hat {len(upload.errors)} Problem(e) und kann nicht übernommen werden: "
            + "; ".join(p.text() for p in upload.errors[:3])
        )
    current = records_of(package.einrichtungen)
    by_name: dict[str, list[str]] = {}
    for fid, record in current.items():
        by_name.setdefault(_key(record.get("name")), []).append(fid)
    given = _given_columns(upload)
    names = set(package.stadtteile["stadtteil"])
    rows, seen, notes = [], set(), []
    data = upload.data.reset_index(drop=True)
    assumed = 0
    for pos, item in enumerate(data.to_dict(orient="records")):
        fid = str(item.get("id") or "")
        if _GENERATED_ID.match(fid):
            fid = ""
        if fid in current:
            match = fid
        else:
            matches = by_name.get(_key(item.get("name")), [])
            match = matches[0] if len(matches) == 1 else None
        # A matched row changes only what the file really has; a new one takes the defaults
        # the upload check filled in (and reported) for missing columns.
        columns = given if match is not None else IMPORT_FIELDS
        fields = {c: item[c] for c in columns if c in item and not _blank(item[c])}
        if match is not None and fields.get("typ") == "hochgeladen":
            fields.pop("typ")
        geom = item.get("geometry")
        if geom is not None and not geom.is_empty:
            radius = item.get("lage_genauigkeit_m")
            if _blank(radius) or not radius:
                radius, assumed = DEFAULT_RADIUS_M, assumed + 1
            fields.update(
                lat=round(float(item["lat"]), 7),
                lon=round(float(item["lon"]), 7),
                lage_genauigkeit_m=float(radius),
                lage_methode="quelle_koordinate",
            )
        row_no = pos + 2
        if match is not None:
            seen.add(match)
            rows.append(_matched(row_no, match, fields, current[match], versions, package))
        else:
            rows.append(_new(row_no, fid, fields, package, names))
    if assumed:
        notes.append(
            f"{assumed} Koordinate(n) ohne Lagegenauigkeit: ± {DEFAULT_RADIUS_M:.0f} m angenommen."
        )
    missing = tuple(sorted(set(current) - seen))
    return MergePlan(source or "Import", tuple(rows), missing, tuple(notes))


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, float) and pd.isna(value)) or value == ""


def _matched(row_no, fid, fields, record, versions, package) -> MergeRow:
    changed = {k: v for k, v in fields.items() if not _same_value(k, record.get(k), v)}
    if {"lat", "lon"} & set(changed):  # a position moves as a whole
        changed.update({k: fields[k] for k in ("lat", "lon", "lage_genauigkeit_m", "lage_methode")})
    status = "unveraendert"
    if changed:
        closing = changed.get("in_betrieb") == "nein"
        status = "geschlossen" if closing else "geaendert"
    version = int(versions.get(fid, 0))
    name = str(record.get("name") or "")
    if status == "unveraendert":
        return MergeRow(row_no, status, fid, name, base_version=version)
    kind = "close" if status == "geschlossen" else "update"
    try:
        clean, previous, _ = check_edit(
            Edit(fid, kind, changed, version, "Import", "Import", "Import"),
            record,
            package.stadtgrenze,
        )
    except ValueError as error:
        return MergeRow(row_no, "fehler", fid, name, problem=str(error))
    return MergeRow(row_no, status, fid, name, clean, previous, version)


def _same_value(key: str, old: object, new: object) -> bool:
    if key in ("lat", "lon"):
        return old is not None and abs(float(old) - float(new)) < 1e-5  # about 1 m
    return same(old, new)


def _new(row_no, fid, fields, package, names) -> MergeRow:
    name = str(fields.get("name") or "")
    try:
        clean, _, _ = check_edit(
            Edit(fid or "R-0000", "add", fields, 0, "Import", "Import", "Import"),
            None,
            package.stadtgrenze,
            names,
        )
    except ValueError as error:
        return MergeRow(row_no, "fehler", fid, name, problem=str(error))
    return MergeRow(row_no, "neu", fid, name, clean)
