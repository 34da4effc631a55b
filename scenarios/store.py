"""A small SQLite store for named scenarios.

Every write is one SQLite transaction: after a crash in mid-save the file holds either the
old or the new state, never a half-written scenario. The directory is configurable
(``BEGEGNUNGSATLAS_SZENARIEN``, default ``data/szenarien`` in the project).
"""

from __future__ import annotations

import json
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from geo.config import PROJECT_ROOT
from scenarios.model import MAX_NAME, Scenario, scenario_from_dict

STORE_ENV = "BEGEGNUNGSATLAS_SZENARIEN"
DEFAULT_DIR = PROJECT_ROOT / "data" / "szenarien"
FILE_NAME = "szenarien.sqlite"


def store_dir(environ: dict[str, str] | None = None) -> Path:
    """Directory of the scenario store (``BEGEGNUNGSATLAS_SZENARIEN`` or the default)."""
    env = os.environ if environ is None else environ
    value = env.get(STORE_ENV, "").strip()
    return Path(value).expanduser().resolve() if value else DEFAULT_DIR


@dataclass(frozen=True)
class StoredScenario:
    """A row of the store listing."""

    name: str
    created: str
    updated: str
    package_version: str
    added: int
    removed: int


class ScenarioStore:
    """Named scenarios in one SQLite file.

    Parameters
    ----------
    directory : pathlib.Path
        Folder of the store (created if missing).
    """

    def __init__(self, directory: Path) -> None:
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        self.path = directory / FILE_NAME
        with self._connect() as conn:
            conn.execute(
                """CREATE TABLE IF NOT EXISTS szenarien (
                    name TEXT PRIMARY KEY,
                    payload TEXT NOT NULL,
                    created TEXT NOT NULL,
                    updated TEXT NOT NULL,
                    package_version TEXT NOT NULL
                )"""
            )

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=10)
        conn.execute("PRAGMA journal_mode=WAL")  # readers never see a half-written save
        conn.execute("PRAGMA synchronous=FULL")
        return conn

    def save(self, scenario: Scenario, overwrite: bool = False) -> None:
        """Store a named scenario in one transaction.

        Raises
        ------
        ValueError
            Without a name, or if the name exists and ``overwrite`` is False.
        """
        if not scenario.name:
            raise ValueError("Bitte einen Namen für das Szenario angeben.")
        payload = json.dumps(scenario.to_dict(), ensure_ascii=False)
        conn = self._connect()
        try:
            with conn:  # one transaction: committed completely or not at all
                exists = conn.execute(
                    "SELECT 1 FROM szenarien WHERE name = ?", (scenario.name,)
                ).fetchone()
                if exists and not overwrite:
                    raise ValueError(
                        f"Ein Szenario „{scenario.name}“ gibt es schon. Anderen Namen wählen "
                        "oder Überschreiben bestätigen."
                    )
                conn.execute(
                    """INSERT INTO szenarien (name, payload, created, updated, package_version)
                       VALUES (?, ?, ?, ?, ?)
                       ON CONFLICT(name) DO UPDATE SET payload = excluded.payload,
                           updated = excluded.updated, package_version = excluded.package_version""",
                    (
                        scenario.name,
                        payload,
                        scenario.created,
                        scenario.created,
                        scenario.package_version,
                    ),
                )
        finally:
            conn.close()

    def load(self, name: str) -> Scenario:
        """The scenario called ``name``.

        Raises
        ------
        ValueError
            If there is none.
        """
        conn = self._connect()
        try:
            row = conn.execute("SELECT payload FROM szenarien WHERE name = ?", (name,)).fetchone()
        finally:
            conn.close()
        if row is None:
            raise ValueError(f"Kein Szenario mit dem Namen „{name}“.")
        return scenario_from_dict(json.loads(row[0]))

    def list(self) -> list[StoredScenario]:
        """All stored scenarios, newest first."""
        conn = self._connect()
        try:
            rows = conn.execute(
                "SELECT name, payload, created, updated, package_version FROM szenarien "
                "ORDER BY updated DESC, name"
            ).fetchall()
        finally:
            conn.close()
        out = []
        for name, payload, created, updated, version in rows:
            data = json.loads(payload)
            out.append(
                StoredScenario(
                    name,
                    created,
                    updated,
                    version,
                    len(data.get("added", [])),
                    len(data.get("removed", [])),
                )
            )
        return out

    def rename(self, old: str, new: str) -> None:
        """Rename a scenario (the stored payload's name changes too)."""
        new = " ".join(str(new).split())
        if not new or len(new) > MAX_NAME:
            raise ValueError(f"Der neue Name muss 1 bis {MAX_NAME} Zeichen haben.")
        scenario = self.load(old)
        payload = json.dumps({**scenario.to_dict(), "name": new}, ensure_ascii=False)
        conn = self._connect()
        try:
            with conn:
                if conn.execute("SELECT 1 FROM szenarien WHERE name = ?", (new,)).fetchone():
                    raise ValueError(f"Ein Szenario „{new}“ gibt es schon.")
                conn.execute(
                    "UPDATE szenarien SET name = ?, payload = ? WHERE name = ?", (new, payload, old)
                )
        finally:
            conn.close()

    def delete(self, name: str) -> None:
        """Delete a scenario (no error if it does not exist)."""
        conn = self._connect()
        try:
            with conn:
                conn.execute("DELETE FROM szenarien WHERE name = ?", (name,))
        finally:
            conn.close()
