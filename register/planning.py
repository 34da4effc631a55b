"""Planning store: region sets, measures with their status, and Ist values per region.

Kept in the register's database (SQLite file or PostgreSQL, :mod:`register.db`), component
``planung`` of ``schema_version``. Nothing is ever overwritten: a region set, a measure's
status and the Ist values are stored as new versions with author and time (UTC), so the
history stays readable and the current state is the newest row.

Every write goes through exactly one public method that takes the ``author`` first
(:meth:`PlanningStore.save_region_set`, :meth:`~PlanningStore.delete_region_set`,
:meth:`~PlanningStore.add_measure`, :meth:`~PlanningStore.set_measure_status`,
:meth:`~PlanningStore.save_ist`) – the one place where a permission check belongs. Each
write checks everything first and is one transaction: nothing is saved half.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pandas as pd

from geo.io.region_sets import check_region_table, name_problem
from register.changes import clean_text, german_time
from register.db import Backend, backend_for, database_url, migrate, now_utc

COMPONENT = "planung"
#: Status of a measure, in the order of its life.
STATUSES = ("geplant", "in Prüfung", "in Umsetzung", "umgesetzt", "verworfen")
#: Fields of a planner's own measure (the columns of ``massnahmen_senioren.csv`` it can set).
MEASURE_FIELDS = ("massnahme", "komplex", "verantwortlich", "zeithorizont", "art", "stadtteil_nr")
MAX_NOTE = 1000


def _migrations(backend: Backend) -> dict[int, list[str]]:
    """Schema steps (never edited once released; add a new step instead)."""
    return {
        1: [
            f"""CREATE TABLE planning_region_sets (
                id {backend.serial},
                name TEXT NOT NULL,
                version INTEGER NOT NULL CHECK (version >= 1),
                mapping TEXT NOT NULL,
                deleted INTEGER NOT NULL DEFAULT 0,
                author TEXT NOT NULL,
                note TEXT NOT NULL,
                created TEXT NOT NULL,
                UNIQUE (name, version)
            )""",
            f"""CREATE TABLE planning_measures (
                id {backend.serial},
                measure_id TEXT NOT NULL UNIQUE,
                fields TEXT NOT NULL,
                author TEXT NOT NULL,
                created TEXT NOT NULL
            )""",
            f"""CREATE TABLE planning_measure_status (
                id {backend.serial},
                measure_id TEXT NOT NULL,
                status TEXT NOT NULL,
                note TEXT NOT NULL,
                scenario TEXT NOT NULL,
                author TEXT NOT NULL,
                created TEXT NOT NULL
            )""",
            f"""CREATE TABLE planning_ist (
                id {backend.serial},
                set_name TEXT NOT NULL,
                label TEXT NOT NULL,
                amounts TEXT NOT NULL,
                author TEXT NOT NULL,
                created TEXT NOT NULL
            )""",
        ],
    }


class PlanningConflictError(ValueError):
    """The stored version changed since the planner opened it (nothing was saved)."""


@dataclass(frozen=True)
class RegionSet:
    """One version of a region set."""

    name: str
    version: int
    mapping: pd.DataFrame
    author: str
    note: str
    created: datetime
    deleted: bool = False

    @property
    def when(self) -> str:
        """Local (German) time."""
        return german_time(self.created)

    @property
    def regions(self) -> list[str]:
        """Region names in order of first appearance."""
        return list(dict.fromkeys(self.mapping["region"]))


@dataclass(frozen=True)
class StatusEntry:
    """One status of a measure."""

    measure_id: str
    status: str
    note: str
    scenario: str
    author: str
    created: datetime

    @property
    def when(self) -> str:
        """Local (German) time."""
        return german_time(self.created)


def _author(author: object) -> str:
    problem = name_problem(author, "Name (wer ändert)")
    if problem:
        raise ValueError(problem)
    return str(author).strip()


class PlanningStore:
    """Region sets, measures and Ist values in SQLite or PostgreSQL.

    Parameters
    ----------
    url : str, optional
        ``sqlite:///path`` or ``postgresql://…``; default :func:`register.db.database_url`.

    Raises
    ------
    register.faults.DatabaseFaultError
        When the database is damaged, read-only, full, unreachable or locked.
    """

    def __init__(self, url: str | None = None) -> None:
        self.url = url or database_url()
        self.backend = backend_for(self.url)
        with self.backend.faults():
            self.backend.check()
            with self.backend.connection() as conn, self.backend.transaction(conn, COMPONENT):
                migrate(self.backend, conn, COMPONENT, _migrations(self.backend), self._too_new)

    def _too_new(self, found: int, known: int) -> ValueError:
        return ValueError(
            f"Die Planungsdaten in {self.backend.location} haben Schema-Version {found}, diese "
            f"App kennt nur bis {known}. Bitte die App aktualisieren."
        )

    @contextlib.contextmanager
    def _write(self) -> Iterator[Any]:
        with self.backend.connection() as conn, self.backend.transaction(conn, COMPONENT):
            yield conn

    # ------------------------------------------------------------------ region sets

    def region_sets(self) -> list[RegionSet]:
        """The current version of every region set that is not deleted, by name."""
        with self.backend.connection() as conn:
            rows = self.backend.run(
                conn,
                "SELECT name, version, mapping, author, note, created, deleted "
                "FROM planning_region_sets r WHERE version = (SELECT MAX(version) FROM "
                "planning_region_sets s WHERE s.name = r.name) ORDER BY name",
            ).fetchall()
        return [s for s in map(_region_set, rows) if not s.deleted]

    def region_set(self, name: str) -> RegionSet:
        """The current version of one region set.

        Raises
        ------
        ValueError
            If there is no set of that name (German message listing the stored ones).
        """
        for stored in self.region_sets():
            if stored.name == name:
                return stored
        names = ", ".join(s.name for s in self.region_sets()) or "keine"
        raise ValueError(
            f"Keine Gebietsgliederung {name!r} gespeichert. Gespeichert: {names}. Lösung: "
            "den Namen prüfen oder die Gliederung erst anlegen (Seite Regionen oder "
            "begegnungsatlas regionen speichern)."
        )

    def region_set_history(self, name: str | None = None) -> list[RegionSet]:
        """Every version (of one set or of all), newest first."""
        sql = (
            "SELECT name, version, mapping, author, note, created, deleted "
            "FROM planning_region_sets"
        )
        params: tuple = ()
        if name is not None:
            sql += " WHERE name = ?"
            params = (name,)
        with self.backend.connection() as conn:
            rows = self.backend.run(conn, sql + " ORDER BY id DESC", params).fetchall()
        return [_region_set(r) for r in rows]

    def save_region_set(
        self,
        author: str,
        name: str,
        table: pd.DataFrame,
        stadtteile: Mapping[str, str] | pd.Series,
        *,
        note: str = "",
        expected_version: int | None = None,
        first_row: int = 2,
    ) -> RegionSet:
        """Store a new version of a region set (write: needs the author).

        Parameters
        ----------
        author : str
            Who saves it.
        name : str
            Name of the set, e.g. "Versorgungsgebiete".
        table : pandas.DataFrame
            ``stadtteil_nr`` (or name) and ``region``, one row per Stadtteil.
        stadtteile : mapping or pandas.Series
            Name per ``stadtteil_nr`` of the package (every one must be assigned).
        note : str
            Why it was changed.
        expected_version : int, optional
            The version the planner opened (0: a new set); if another one is stored now,
            nothing is saved and :class:`PlanningConflictError` says so.
        first_row : int
            Row number of the table's index 0 in messages (2: a file, 1: a list).

        Returns
        -------
        RegionSet
            The stored version.

        Raises
        ------
        ValueError
            On any problem of the table (rows named, see
            :func:`geo.io.region_sets.check_region_table`), the name or the author.
        """
        author = _author(author)
        problem = name_problem(name, "Name der Gebietsgliederung")
        if problem:
            raise ValueError(problem)
        name = str(name).strip()
        note = clean_text(note, "Anmerkung", MAX_NOTE)
        mapping = check_region_table(table, stadtteile, first_row=first_row)
        payload = json.dumps(mapping.values.tolist(), ensure_ascii=False)
        with self._write() as conn:
            current = self._current_version(conn, name)
            self._expect(name, current, expected_version)
            version = abs(current) + 1
            created = now_utc()
            self.backend.run(
                conn,
                "INSERT INTO planning_region_sets (name, version, mapping, deleted, author, "
                "note, created) VALUES (?, ?, ?, 0, ?, ?, ?)",
                (name, version, payload, author, note, created),
            )
        return RegionSet(name, version, mapping, author, note, datetime.fromisoformat(created))

    def delete_region_set(
        self, author: str, name: str, *, note: str = "", expected_version: int | None = None
    ) -> None:
        """Delete a region set (write: needs the author); its history is kept."""
        author = _author(author)
        note = clean_text(note, "Anmerkung", MAX_NOTE)
        with self._write() as conn:
            current = self._current_version(conn, name)
            if current <= 0:
                raise ValueError(f"Keine Gebietsgliederung {name!r} gespeichert.")
            self._expect(name, current, expected_version)
            self.backend.run(
                conn,
                "INSERT INTO planning_region_sets (name, version, mapping, deleted, author, "
                "note, created) VALUES (?, ?, '[]', 1, ?, ?, ?)",
                (name, current + 1, author, note, now_utc()),
            )

    def _current_version(self, conn: Any, name: str) -> int:
        """The newest version (negative if it is a deletion, 0 if none)."""
        row = self.backend.run(
            conn,
            "SELECT version, deleted FROM planning_region_sets WHERE name = ? "
            "ORDER BY version DESC LIMIT 1",
            (name,),
        ).fetchone()
        if row is None:
            return 0
        return -int(row[0]) if int(row[1]) else int(row[0])

    @staticmethod
    def _expect(name: str, current: int, expected: int | None) -> None:
        if expected is None or max(current, 0) == expected:
            return
        raise PlanningConflictError(
            f"Die Gebietsgliederung {name!r} wurde inzwischen geändert (gespeichert ist Version "
            f"{max(current, 0)}, geöffnet war Version {expected}). Nichts gespeichert. Lösung: "
            "die Seite neu laden, die Änderung prüfen und erneut speichern."
        )

    # ------------------------------------------------------------------ measures

    def own_measures(self) -> pd.DataFrame:
        """The planners' own measures (columns ``id`` and :data:`MEASURE_FIELDS`, author)."""
        with self.backend.connection() as conn:
            rows = self.backend.run(
                conn,
                "SELECT measure_id, fields, author, created FROM planning_measures ORDER BY id",
            ).fetchall()
        records = [
            {"id": r[0], **json.loads(r[1]), "erfasst_von": r[2], "erfasst": r[3]} for r in rows
        ]
        return pd.DataFrame(records, columns=["id", *MEASURE_FIELDS, "erfasst_von", "erfasst"])

    def add_measure(
        self, author: str, fields: Mapping[str, str], known_ids: Sequence[str] = ()
    ) -> str:
        """Add a planner's own measure (write: needs the author); returns its id ("E1", …).

        Raises
        ------
        ValueError
            If the text is missing or a field is unknown, too long or has markup.
        """
        author = _author(author)
        unknown = sorted(set(fields) - set(MEASURE_FIELDS))
        if unknown:
            raise ValueError(
                f"Unbekanntes Feld {', '.join(unknown)}. Erlaubt: {', '.join(MEASURE_FIELDS)}."
            )
        clean = {k: clean_text(fields.get(k, ""), k, MAX_NOTE) for k in MEASURE_FIELDS}
        if not clean["massnahme"]:
            raise ValueError("Text der Maßnahme fehlt. Lösung: die Maßnahme kurz beschreiben.")
        for key, value in clean.items():
            if value and "<" in value:
                raise ValueError(f"{key}: enthält HTML (<). Lösung: nur Text eingeben.")
        with self._write() as conn:
            count = self.backend.run(conn, "SELECT COUNT(*) FROM planning_measures").fetchone()[0]
            number = int(count) + 1
            while f"E{number}" in known_ids:
                number += 1
            measure_id = f"E{number}"
            self.backend.run(
                conn,
                "INSERT INTO planning_measures (measure_id, fields, author, created) "
                "VALUES (?, ?, ?, ?)",
                (measure_id, json.dumps(clean, ensure_ascii=False), author, now_utc()),
            )
        return measure_id

    def set_measure_status(
        self,
        author: str,
        measure_id: str,
        status: str,
        *,
        note: str = "",
        scenario: str = "",
        known_ids: Sequence[str] = (),
    ) -> StatusEntry:
        """Record a new status of a measure (write: needs the author).

        Parameters
        ----------
        author : str
            Who records it.
        measure_id : str
            Id of a measure of the package or of the planners' own.
        status : str
            One of :data:`STATUSES`.
        note : str
            What happened, e.g. the council decision.
        scenario : str
            Name of a saved scenario that shows the measure ("" for none).
        known_ids : sequence of str
            Ids of the package's measures (own measures are known to the store).

        Raises
        ------
        ValueError
            On an unknown measure or status (German, with the allowed values).
        """
        author = _author(author)
        if status not in STATUSES:
            raise ValueError(
                f"Status {status!r} ist nicht möglich. Erlaubt: {', '.join(STATUSES)}."
            )
        note = clean_text(note, "Anmerkung", MAX_NOTE)
        scenario = clean_text(scenario, "Szenario", 200)
        own = set(self.own_measures()["id"])
        if measure_id not in set(known_ids) | own:
            raise ValueError(
                f"Maßnahme {measure_id!r} ist unbekannt. Lösung: eine Nummer wie in "
                "massnahmen_senioren.csv (z. B. 2.2) oder eine eigene Maßnahme (E1, …) angeben."
            )
        created = now_utc()
        with self._write() as conn:
            self.backend.run(
                conn,
                "INSERT INTO planning_measure_status (measure_id, status, note, scenario, "
                "author, created) VALUES (?, ?, ?, ?, ?, ?)",
                (measure_id, status, note, scenario, author, created),
            )
        return StatusEntry(
            measure_id, status, note, scenario, author, datetime.fromisoformat(created)
        )

    def status_history(self, measure_id: str | None = None) -> list[StatusEntry]:
        """Every status entry (of one measure or of all), newest first."""
        sql = (
            "SELECT measure_id, status, note, scenario, author, created "
            "FROM planning_measure_status"
        )
        params: tuple = ()
        if measure_id is not None:
            sql += " WHERE measure_id = ?"
            params = (measure_id,)
        with self.backend.connection() as conn:
            rows = self.backend.run(conn, sql + " ORDER BY id DESC", params).fetchall()
        return [
            StatusEntry(r[0], r[1], r[2], r[3], r[4], datetime.fromisoformat(r[5])) for r in rows
        ]

    def current_status(self) -> dict[str, StatusEntry]:
        """The newest status per measure."""
        out: dict[str, StatusEntry] = {}
        for entry in self.status_history():
            out.setdefault(entry.measure_id, entry)
        return out

    # ------------------------------------------------------------------ Ist values

    def save_ist(
        self, author: str, set_name: str, label: str, amounts: Mapping[str, float]
    ) -> None:
        """Store the current amounts ("Ist") per region of a set (write: needs the author).

        Raises
        ------
        ValueError
            If a region is not in the set, one is missing, or an amount is negative or not
            a number (each named).
        """
        author = _author(author)
        problem = name_problem(label, "Bezeichnung der Ist-Werte")
        if problem:
            raise ValueError(problem)
        regions = self.region_set(set_name).regions
        problems = [
            f"Region {r!r} gehört nicht zu {set_name!r}." for r in amounts if r not in regions
        ]
        clean: dict[str, float] = {}
        for region in regions:
            value = amounts.get(region)
            if value is None or pd.isna(value):
                problems.append(f"Region {region!r}: Ist-Wert fehlt (0 eintragen, wenn nichts).")
            elif float(value) < 0:
                problems.append(f"Region {region!r}: Ist-Wert ist negativ. Lösung: ≥ 0 eintragen.")
            else:
                clean[region] = float(value)
        if problems:
            raise ValueError("Die Ist-Werte werden nicht gespeichert: " + " ".join(problems))
        with self._write() as conn:
            self.backend.run(
                conn,
                "INSERT INTO planning_ist (set_name, label, amounts, author, created) "
                "VALUES (?, ?, ?, ?, ?)",
                (set_name, str(label).strip(), json.dumps(clean), author, now_utc()),
            )

    def ist(self, set_name: str, label: str) -> tuple[dict[str, float], str, str] | None:
        """The newest Ist values of a set under ``label``: ``(amounts, author, when)``."""
        with self.backend.connection() as conn:
            row = self.backend.run(
                conn,
                "SELECT amounts, author, created FROM planning_ist WHERE set_name = ? AND "
                "label = ? ORDER BY id DESC LIMIT 1",
                (set_name, label),
            ).fetchone()
        if row is None:
            return None
        return json.loads(row[0]), row[1], german_time(datetime.fromisoformat(row[2]))

    def ist_labels(self, set_name: str) -> list[str]:
        """The labels under which Ist values of a set are stored."""
        with self.backend.connection() as conn:
            rows = self.backend.run(
                conn,
                "SELECT DISTINCT label FROM planning_ist WHERE set_name = ? ORDER BY label",
                (set_name,),
            ).fetchall()
        return [r[0] for r in rows]


def _region_set(row: Sequence) -> RegionSet:
    name, version, mapping, author, note, created, deleted = row
    pairs = json.loads(mapping)
    return RegionSet(
        name=name,
        version=int(version),
        mapping=pd.DataFrame(pairs, columns=["stadtteil_nr", "region"]),
        author=author,
        note=note,
        created=datetime.fromisoformat(created),
        deleted=bool(int(deleted)),
    )
