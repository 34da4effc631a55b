"""Findings of an upload validation: problems with row, column, message and fix."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd


@dataclass(frozen=True)
class Problem:
    """One finding of a validation.

    Attributes
    ----------
    message : str
        What is wrong (German).
    fix : str
        How to fix it (German).
    row : int or None
        Row in the file (1 = header row of a table) or None for the whole file.
    column : str or None
        Column concerned.
    """

    message: str
    fix: str
    row: int | None = None
    column: str | None = None

    def text(self) -> str:
        """One German line: where, what, how to fix."""
        where = ", ".join(
            part
            for part in (
                f"Zeile {self.row}" if self.row else "",
                f"Spalte {self.column}" if self.column else "",
            )
            if part
        )
        prefix = f"{where}: " if where else ""
        return f"{prefix}{self.message} – Lösung: {self.fix}"


@dataclass
class UploadResult:
    """Validated data (only if there is no error) and the report.

    Attributes
    ----------
    kind : str
        Key of :data:`KINDS`.
    data : pandas.DataFrame or None
        The parsed data in the package schema, or None if there are errors.
    errors : list of Problem
        Problems that block the upload.
    warnings : list of Problem
        Findings that do not block it (e.g. defaults used).
    layers : list of str
        Feature layers of a GeoPackage (to let the planner choose one).
    """

    kind: str
    data: pd.DataFrame | None = None
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    layers: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Valid and applicable."""
        return not self.errors and self.data is not None

    def report(self) -> pd.DataFrame:
        """All findings as a table (Art, Zeile, Spalte, Problem, Lösung)."""
        rows = [("Fehler", p) for p in self.errors] + [("Hinweis", p) for p in self.warnings]
        return pd.DataFrame(
            {
                "Art": [kind for kind, _ in rows],
                "Zeile": [p.row or "" for _, p in rows],
                "Spalte": [p.column or "" for _, p in rows],
                "Problem": [p.message for _, p in rows],
                "Lösung": [p.fix for _, p in rows],
            }
        )


class StopReadingError(Exception):
    """Internal: stop reading a file; the problems are already collected."""
