"""The register store: changes, expected counts and the effective list in one database.

Every write is one transaction that also rewrites the table ``register_effective`` (the
effective list, which QGIS opens through the PostGIS view ``einrichtungen_effektiv``), so
readers never see a change without its effect. Writers are serialised (SQLite ``BEGIN
IMMEDIATE``, PostgreSQL advisory lock) and every change names the version of the facility
it was made on: if another planner changed the facility in between, nothing is stored and
:class:`register.changes.ConflictError` explains both versions. ``UNIQUE (facility_id,
version)`` is the backstop should two writers ever slip past each other.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

import geopandas as gpd

from geo.io.package import DataPackage
from register.changes import (
    FIELDS,
    Change,
    ConflictError,
    Edit,
    check_edit,
    clean_text,
    conflict_message,
    german_time,
    next_id,
)
from register.db import Backend, backend_for, database_url, migrate, now_utc, schema_version
from register.effective import active_changes, effective_package, records_of, replay

COMPONENT = "register"
#: Columns of ``register_effective`` (the package's columns, metric x/y, version, last change).
EFFECTIVE_COLUMNS = [
    "id", *FIELDS, "stadtteil_nr", "x", "y", "version", "geaendert", "geaendert_von",
]  # fmt: skip
_NUMERIC = {"lat", "lon", "lage_genauigkeit_m", "x", "y"}


def _migrations(backend: Backend) -> dict[int, list[str]]:
    """Schema steps of the register (never edited once released; add a new step instead)."""
    effective = ", ".join(
        f"{c} DOUBLE PRECISION"
        if c in _NUMERIC
        else f"{c} INTEGER"
        if c == "version"
        else f"{c} TEXT PRIMARY KEY"
        if c == "id"
        else f"{c} TEXT"
        for c in EFFECTIVE_COLUMNS
    )
    return {
        1: [
            f"""CREATE TABLE register_changes (
                id {backend.serial},
                facility_id TEXT NOT NULL,
                version INTEGER NOT NULL CHECK (version >= 1),
                kind TEXT NOT NULL,
                fields TEXT NOT NULL,
                previous TEXT NOT NULL,
                target INTEGER REFERENCES register_changes (id),
                batch TEXT,
                author TEXT NOT NULL,
                reason TEXT NOT NULL,
                source TEXT NOT NULL,
                created TEXT NOT NULL,
                UNIQUE (facility_id, version)
            )""",
            f"""CREATE TABLE register_expected (
                id {backend.serial},
                typ TEXT NOT NULL,
                anzahl INTEGER CHECK (anzahl >= 0),
                author TEXT NOT NULL,
                reason TEXT NOT NULL,
                source TEXT NOT NULL,
                created TEXT NOT NULL
            )""",
            "CREATE TABLE register_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
            f"CREATE TABLE register_effective ({effective})",
        ],
    }


@dataclass(frozen=True)
class Expected:
    """The expected number of facilities of one type (entered by a planner)."""

    typ: str
    anzahl: int
    author: str
    reason: str
    source: str
    created: datetime

    @property
    def when(self) -> str:
        """Local (German) time."""
        return german_time(self.created)


class RegisterStore:
    """The facility register in SQLite or PostgreSQL.

    Parameters
    ----------
    url : str, optional
        ``sqlite:///path`` or ``postgresql://…``; default :func:`register.db.database_url`.

    Attributes
    ----------
    notes : list of str
        German notes for the UI (e.g. PostGIS missing).

    Raises
    ------
    register.faults.DatabaseFaultError
        When the database is damaged, read-only, full, unreachable or locked (German
        message naming the file or server and the fix). A damaged file is left as it is.
    """

    def __init__(self, url: str | None = None) -> None:
        self.url = url or database_url()
        self.backend = backend_for(self.url)
        self.notes: list[str] = []
        with self.backend.faults():
            self.backend.check()
            self._migrate()

    @property
    def location(self) -> str:
        """Where the register lives (file or database, no password)."""
        return self.backend.location

    # ------------------------------------------------------------------ plumbing

    def _migrate(self) -> None:
        def too_new(found: int, known: int) -> ValueError:
            return ValueError(
                f"Das Register in {self.location} hat Schema-Version {found}, diese App "
                f"kennt nur bis {known}. Bitte die App aktualisieren."
            )

        def after_step(number: int) -> None:
            if number == 1:
                self.backend.run(
                    conn,
                    "INSERT INTO register_meta (key, value) VALUES ('uid', ?)",
                    (uuid.uuid4().hex,),
                )

        with self.backend.connection() as conn, self.backend.transaction(conn):
            migrate(self.backend, conn, COMPONENT, _migrations(self.backend), too_new, after_step)
            self.backend.after_migrate(conn, self.notes)

    def schema_version(self) -> int:
        """The register's schema version in the database."""
        with self.backend.connection() as conn:
            return schema_version(self.backend, conn, COMPONENT)

    # ------------------------------------------------------------------ reading

    def changes(self, facility_id: str | None = None) -> list[Change]:
        """All changes (or those of one facility), oldest first."""
        with self.backend.connection() as conn:
            return self._changes(conn, facility_id)

    def _changes(self, conn: Any, facility_id: str | None = None) -> list[Change]:
        sql = (
            "SELECT id, facility_id, version, kind, fields, previous, target, batch, author, "
            "reason, source, created FROM register_changes"
        )
        params: tuple = ()
        if facility_id is not None:
            sql += " WHERE facility_id = ?"
            params = (facility_id,)
        rows = self.backend.run(conn, sql + " ORDER BY id", params).fetchall()
        return [
            Change(
                id=int(r[0]),
                facility_id=r[1],
                version=int(r[2]),
                kind=r[3],
                fields=json.loads(r[4]),
                previous=json.loads(r[5]),
                target=None if r[6] is None else int(r[6]),
                batch=r[7],
                author=r[8],
                reason=r[9],
                source=r[10],
                created=datetime.fromisoformat(r[11]),
            )
            for r in rows
        ]

    def revision(self) -> str:
        """Changes whenever the register changes (``reg<last change>-<database id>``)."""
        with self.backend.connection() as conn:
            last = self.backend.run(conn, "SELECT MAX(id) FROM register_changes").fetchone()[0]
            uid = self.backend.run(
                conn, "SELECT value FROM register_meta WHERE key = 'uid'"
            ).fetchone()
        return f"reg{last or 0}-{uid[0][:6]}"

    def versions(self) -> dict[str, int]:
        """Facility id → current version (facilities never changed are version 0)."""
        with self.backend.connection() as conn:
            rows = self.backend.run(
                conn, "SELECT facility_id, MAX(version) FROM register_changes GROUP BY facility_id"
            ).fetchall()
        return {fid: int(v) for fid, v in rows}

    def history(self, facility_id: str) -> list[Change]:
        """All changes of one facility, oldest first (undone ones included)."""
        return self.changes(facility_id)

    def effective(self, package: DataPackage) -> DataPackage:
        """The package with the register applied (see :func:`effective_package`)."""
        changes = self.changes()
        revision = f"reg{max((c.id for c in changes), default=0)}"
        return effective_package(package, changes, revision)

    def effective_rows(self) -> list[dict]:
        """The stored effective list (as QGIS sees it), ordered by id."""
        with self.backend.connection() as conn:
            cur = self.backend.run(
                conn, f"SELECT {', '.join(EFFECTIVE_COLUMNS)} FROM register_effective ORDER BY id"
            )
            return [dict(zip(EFFECTIVE_COLUMNS, row, strict=True)) for row in cur.fetchall()]

    # ------------------------------------------------------------------ writing

    def submit(
        self, package: DataPackage, edits: Sequence[Edit], *, batch: str | None = None
    ) -> list[Change]:
        """Store edits as one change set: all of them or (on any problem) none.

        Parameters
        ----------
        package : geo.io.package.DataPackage
            The data package the register lies over (base list, city, Stadtteile).
        edits : sequence of Edit
            The changes, applied in order (later edits see the earlier ones).
        batch : str, optional
            Name of the change set (e.g. an import).

        Returns
        -------
        list of Change
            The stored changes.

        Raises
        ------
        register.changes.ConflictError
            If a facility's version is no longer the one the edit was made on.
        ValueError
            German message on any invalid edit (nothing is stored).
        """
        if not edits:
            raise ValueError("Keine Änderung ausgewählt.")
        names = set(package.stadtteile["stadtteil"])
        with self.backend.connection() as conn:
            try:
                with self.backend.transaction(conn):
                    stored = self._changes(conn)
                    records = replay(records_of(package.einrichtungen), stored)
                    versions: dict[str, int] = {}
                    for change in stored:
                        versions[change.facility_id] = change.version
                    used = set(records_of(package.einrichtungen)) | set(versions)
                    new: list[Change] = []
                    for edit in edits:
                        change = self._prepare(
                            edit, stored + new, records, versions, used, package, names
                        )
                        change = replace(change, batch=batch)
                        cur = self.backend.run(
                            conn,
                            "INSERT INTO register_changes (facility_id, version, kind, fields, "
                            "previous, target, batch, author, reason, source, created) VALUES "
                            "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                            (
                                change.facility_id,
                                change.version,
                                change.kind,
                                json.dumps(change.fields, ensure_ascii=False),
                                json.dumps(change.previous, ensure_ascii=False),
                                change.target,
                                batch,
                                change.author,
                                change.reason,
                                change.source,
                                change.created.isoformat(timespec="microseconds"),
                            ),
                        )
                        change = replace(change, id=int(cur.fetchone()[0]))
                        new.append(change)
                        versions[change.facility_id] = change.version
                        used.add(change.facility_id)
                        records = replay(records_of(package.einrichtungen), stored + new)
                    self._write_effective(conn, package, stored + new)
            except self.backend.integrity_errors as error:  # a writer slipped past the lock
                raise ValueError(
                    "Ein anderer Zugriff hat das Register gleichzeitig geändert; nichts wurde "
                    "gespeichert. Bitte neu laden und erneut speichern."
                ) from error
        return new

    def _prepare(
        self,
        edit: Edit,
        stored: list[Change],
        records: dict[str, dict],
        versions: dict[str, int],
        used: set[str],
        package: DataPackage,
        names: set[str],
    ) -> Change:
        """Check one edit against the current state and turn it into a change (no id yet)."""
        if edit.kind == "add" and not edit.facility_id:
            edit = replace(edit, facility_id=next_id(used))
        current_version = versions.get(edit.facility_id, 0)
        if edit.kind == "add" and edit.facility_id in used and edit.facility_id not in records:
            raise ValueError(
                f"Die id {edit.facility_id} war schon vergeben (gelöscht oder rückgängig "
                "gemacht). Andere id wählen oder das Feld leer lassen."
            )
        if edit.base_version != current_version and not (
            edit.kind == "add" and edit.facility_id in records
        ):
            latest = next((c for c in reversed(stored) if c.facility_id == edit.facility_id), None)
            raise ConflictError(
                conflict_message(edit, latest, records.get(edit.facility_id)),
                edit,
                current_version,
            )
        if edit.kind == "undo":
            return self._prepare_undo(edit, stored, current_version)
        fields, previous, (author, reason, source) = check_edit(
            edit, records.get(edit.facility_id), package.stadtgrenze, names
        )
        return Change(
            id=0,
            facility_id=edit.facility_id,
            kind=edit.kind,
            fields=fields,
            previous=previous,
            version=current_version + 1,
            author=author,
            reason=reason,
            source=source,
        )

    @staticmethod
    def _prepare_undo(edit: Edit, stored: list[Change], current_version: int) -> Change:
        author = clean_text(edit.author, "Autor/in", 80)
        reason = clean_text(edit.reason, "Grund")
        if not author or not reason:
            raise ValueError("Bitte Autor/in und Grund angeben, auch beim Rückgängigmachen.")
        target = next((c for c in stored if c.id == edit.target), None)
        if target is None or target.facility_id != edit.facility_id:
            raise ValueError(f"Keine Änderung #{edit.target} bei {edit.facility_id}.")
        if target not in active_changes(stored):
            raise ValueError(
                f"Änderung #{target.id} ist schon rückgängig gemacht. Um sie wiederherzustellen, "
                "die Rückgängig-Änderung rückgängig machen."
            )
        return Change(
            id=0,
            facility_id=edit.facility_id,
            kind="undo",
            version=current_version + 1,
            author=author,
            reason=reason,
            source=clean_text(edit.source, "Quelle"),
            target=target.id,
        )

    def add(self, package: DataPackage, fields: Mapping, **meta: str) -> Change:
        """Add a facility (``meta``: ``author``, ``reason``, ``source``; optional ``facility_id``)."""
        fid = meta.pop("facility_id", "") or ""
        return self.submit(package, [Edit(fid, "add", dict(fields), 0, **meta)])[0]

    def update(
        self, package: DataPackage, facility_id: str, fields: Mapping, base_version: int, **meta
    ) -> Change:
        """Correct fields of a facility made on ``base_version``."""
        edit = Edit(facility_id, "update", dict(fields), base_version, **meta)
        return self.submit(package, [edit])[0]

    def close(
        self, package: DataPackage, facility_id: str, base_version: int, **meta: str
    ) -> Change:
        """Mark a facility closed (``in_betrieb = nein``, the reason as ``in_betrieb_grund``)."""
        fields = {"in_betrieb": "nein", "in_betrieb_grund": meta.get("reason", "")}
        return self.submit(package, [Edit(facility_id, "close", fields, base_version, **meta)])[0]

    def delete(
        self, package: DataPackage, facility_id: str, base_version: int, **meta: str
    ) -> Change:
        """Remove a facility from the list (e.g. a duplicate; closures use :meth:`close`)."""
        return self.submit(package, [Edit(facility_id, "delete", {}, base_version, **meta)])[0]

    def undo(
        self, package: DataPackage, change_id: int, base_version: int, *, author: str, reason: str
    ) -> Change:
        """Undo a change as a new change (undo of an undo restores)."""
        target = next((c for c in self.changes() if c.id == change_id), None)
        if target is None:
            raise ValueError(f"Keine Änderung #{change_id} im Register.")
        edit = Edit(
            target.facility_id, "undo", {}, base_version, author, reason, "", target=change_id
        )
        return self.submit(package, [edit])[0]

    def _write_effective(self, conn: Any, package: DataPackage, changes: list[Change]) -> None:
        revision = f"reg{max((c.id for c in changes), default=0)}"
        facilities = effective_package(package, changes, revision).einrichtungen
        rows = effective_table(facilities, changes)
        self.backend.run(conn, "DELETE FROM register_effective")
        placeholders = ", ".join("?" for _ in EFFECTIVE_COLUMNS)
        cur = conn.cursor()
        cur.executemany(
            self.backend.sql(
                f"INSERT INTO register_effective ({', '.join(EFFECTIVE_COLUMNS)}) "
                f"VALUES ({placeholders})"
            ),
            [tuple(row[c] for c in EFFECTIVE_COLUMNS) for row in rows],
        )
        self.backend.run(
            conn,
            "INSERT INTO register_meta (key, value) VALUES ('paket', ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (f"{package.version}+{revision}",),
        )

    def refresh(self, package: DataPackage) -> bool:
        """Rewrite the effective table if it was made for another package or revision.

        Returns
        -------
        bool
            True if it was rewritten.
        """
        with self.backend.connection() as conn, self.backend.transaction(conn):
            changes = self._changes(conn)
            wanted = f"{package.version}+reg{max((c.id for c in changes), default=0)}"
            row = self.backend.run(
                conn, "SELECT value FROM register_meta WHERE key = 'paket'"
            ).fetchone()
            if row and row[0] == wanted:
                return False
            self._write_effective(conn, package, changes)
            return True

    # ------------------------------------------------------------------ expected counts

    def expected(self) -> dict[str, Expected]:
        """Type → expected count (the latest entry per type; removed types left out)."""
        with self.backend.connection() as conn:
            rows = self.backend.run(
                conn,
                "SELECT typ, anzahl, author, reason, source, created FROM register_expected "
                "ORDER BY id",
            ).fetchall()
        latest: dict[str, Expected | None] = {}
        for typ, anzahl, author, reason, source, created in rows:
            latest[typ] = (
                None
                if anzahl is None
                else Expected(
                    typ, int(anzahl), author, reason, source, datetime.fromisoformat(created)
                )
            )
        return {typ: value for typ, value in latest.items() if value is not None}

    def set_expected(
        self, typ: str, anzahl: int | None, *, author: str, reason: str, source: str
    ) -> None:
        """Store the expected count of a type (None removes it); every entry is kept."""
        typ = clean_text(typ, "Art")
        author = clean_text(author, "Autor/in", 80)
        reason = clean_text(reason, "Grund")
        source = clean_text(source, "Quelle")
        if not (typ and author and reason and source):
            raise ValueError("Bitte Art, Autor/in, Grund und Quelle der Soll-Zahl angeben.")
        if anzahl is not None and not (isinstance(anzahl, int) and 0 <= anzahl <= 10_000):
            raise ValueError("Soll-Zahl: eine ganze Zahl von 0 bis 10.000 angeben.")
        with self.backend.connection() as conn, self.backend.transaction(conn):
            self.backend.run(
                conn,
                "INSERT INTO register_expected (typ, anzahl, author, reason, source, created) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (typ, anzahl, author, reason, source, now_utc()),
            )


def apply_register(package: DataPackage, url: str | None = None) -> DataPackage:
    """The package with the register's changes (the CLI's and the PDF's facility list).

    Parameters
    ----------
    package : geo.io.package.DataPackage
        The package as loaded.
    url : str, optional
        Register database (default :func:`register.db.database_url`). A SQLite register
        that does not exist yet is not created: there are no changes.

    Returns
    -------
    geo.io.package.DataPackage
    """
    url = url or database_url()
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).is_file():
        return package
    return RegisterStore(url).effective(package)


def effective_table(facilities: gpd.GeoDataFrame, changes: Sequence[Change]) -> list[dict]:
    """Rows of ``register_effective``: the effective list with x/y, version and last change.

    Parameters
    ----------
    facilities : geopandas.GeoDataFrame
        The effective list (EPSG:25832).
    changes : sequence of Change
        All changes (for versions and the last change per facility).

    Returns
    -------
    list of dict
        One dict per facility with the keys of :data:`EFFECTIVE_COLUMNS` (None = missing).
    """
    last: dict[str, Change] = {}
    for change in sorted(changes, key=lambda c: c.id):
        last[change.facility_id] = change
    rows = []
    for record in records_of(facilities).values():
        geom = record.get("geometry")
        located = geom is not None and not geom.is_empty
        change = last.get(record["id"])
        row = {c: record.get(c) for c in EFFECTIVE_COLUMNS}
        row.update(
            x=float(geom.x) if located else None,
            y=float(geom.y) if located else None,
            version=change.version if change else 0,
            geaendert=change.created.isoformat(timespec="seconds") if change else None,
            geaendert_von=change.author if change else None,
        )
        for column in EFFECTIVE_COLUMNS:
            value = row[column]
            if column in _NUMERIC:
                row[column] = None if value is None else float(value)
            elif column != "version" and value is not None:
                row[column] = str(value)
        rows.append(row)
    return rows
