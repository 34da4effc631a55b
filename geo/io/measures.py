"""The city's measures table (``massnahmen_senioren.csv``): its plan, read as published.

The measures name places; what the data says about each place is computed elsewhere
(:mod:`scenarios.measures`), never assumed from the names.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

FILE_NAME = "massnahmen_senioren.csv"
COLUMNS = [
    "id",
    "komplex_nr",
    "komplex",
    "massnahme",
    "verantwortlich",
    "zeithorizont",
    "art",
    "stadtteile",
    "stadtteil_nr",
    "ort_hinweis",
    "einrichtungen",
    "quelle",
]
#: German labels of the column ``art`` (package README).
KINDS = {
    "bestand": "Bestand erhalten",
    "ausbau": "bestehenden Ort ausbauen",
    "neu": "neue Begegnungsorte",
    "verlegung": "verlegen",
    "foerderung": "Vereine fördern",
    "organisation": "Organisation",
    "angebot": "Angebot ohne Standort",
}


def read_measures(root: Path) -> pd.DataFrame | None:
    """The measures of a data package, or None if the package has none.

    Parameters
    ----------
    root : pathlib.Path
        Package directory.

    Returns
    -------
    pandas.DataFrame or None
        The columns of :data:`COLUMNS` as text (empty = ""); ``stadtteil_nr`` and
        ``einrichtungen`` as tuples of ids.

    Raises
    ------
    ValueError
        If a column is missing or an id repeats (German, naming the file and the fix).
    """
    path = Path(root) / FILE_NAME
    if not path.is_file():
        return None
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    missing = [c for c in COLUMNS if c not in frame]
    if missing:
        raise ValueError(
            f"{FILE_NAME}: Spalte {', '.join(missing)} fehlt. Lösung: die Datei des Datenpakets "
            "unverändert verwenden."
        )
    repeated = sorted(set(frame["id"][frame["id"].duplicated()]))
    if repeated:
        raise ValueError(f"{FILE_NAME}: Maßnahme {', '.join(repeated)} steht mehrfach da.")
    out = frame[COLUMNS].copy()
    for column in ("stadtteil_nr", "einrichtungen"):
        out[column] = [
            tuple(
                part.strip().zfill(2) if column == "stadtteil_nr" else part.strip()
                for part in text.split(";")
                if part.strip()
            )
            for text in out[column]
        ]
    return out


def with_own(measures: pd.DataFrame | None, own: pd.DataFrame) -> pd.DataFrame:
    """The package's measures followed by the planners' own (ids ``E1``, …).

    Parameters
    ----------
    measures : pandas.DataFrame or None
        :func:`read_measures`.
    own : pandas.DataFrame
        :meth:`register.planning.PlanningStore.own_measures`.

    Returns
    -------
    pandas.DataFrame
        The columns of :data:`COLUMNS` plus ``quelle`` = "eigene Maßnahme (Name)" for own.
    """
    extra = pd.DataFrame(
        {
            "id": own["id"],
            "komplex_nr": "",
            "komplex": own["komplex"].fillna(""),
            "massnahme": own["massnahme"],
            "verantwortlich": own["verantwortlich"].fillna(""),
            "zeithorizont": own["zeithorizont"].fillna(""),
            "art": own["art"].fillna(""),
            "stadtteile": "",
            "stadtteil_nr": [
                tuple(p.strip().zfill(2) for p in str(t).replace(";", ",").split(",") if p.strip())
                for t in own["stadtteil_nr"].fillna("")
            ],
            "ort_hinweis": "",
            "einrichtungen": [()] * len(own),
            "quelle": [f"eigene Maßnahme ({a})" for a in own["erfasst_von"]],
        }
    )
    base = measures if measures is not None else pd.DataFrame(columns=COLUMNS)
    return pd.concat([base, extra], ignore_index=True) if len(extra) else base
