"""Changes of the facility register: what may change, how it is checked, how it reads.

A :class:`Change` is one stored, immutable step over the data package: a new facility, a
correction of some fields, a closure, a deletion, or the undo of an earlier change. An
:class:`Edit` is a change a planner asks for; :func:`check_edit` validates it against the
current state (German messages that say what is wrong and how to fix it).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import geopandas as gpd
import pandas as pd
import shapely

from geo.crs import METRIC_CRS, WGS84
from geo.facilities import (
    CODES,
    FacilityProblem,
    code_problems,
    facility_problems,
    id_problems,
    raise_problems,
    required_problems,
)
from geo.io.uploads.numbers import LATITUDE, LONGITUDE, RADIUS, parse_value
from indicators.format import format_datetime

#: Kinds of change with their German labels.
KINDS: dict[str, str] = {
    "add": "neu aufgenommen",
    "update": "korrigiert",
    "close": "geschlossen",
    "delete": "gelöscht",
    "undo": "rückgängig gemacht",
}
#: Editable fields with their German labels (the package's ``einrichtungen.csv`` columns
#: plus the opening days).
FIELDS: dict[str, str] = {
    "name": "Name",
    "typ": "Art",
    "traeger": "Träger",
    "strasse_hausnr": "Adresse",
    "plz": "PLZ",
    "stadtteil": "Stadtteil (laut Quelle)",
    "lat": "Breitengrad",
    "lon": "Längengrad",
    "lage_methode": "Lage ermittelt über",
    "lage_genauigkeit_m": "Lage ± m",
    "lage_beleg": "Beleg der Lage",
    "kategorie": "Kategorie",
    "oeffentlich": "Zugang",
    "in_betrieb": "Betrieb",
    "in_betrieb_grund": "Beleg des Betriebs",
    "oeffnungstage": "Öffnungstage",
    "stand": "Stand",
    "quelle_url": "Quelle",
    "hinweis": "Hinweis",
}
#: A facility the office places by a click on the map (or by surveyed coordinates).
SET_BY_OFFICE = "amt_gesetzt"
#: Position radius of a map click (the office knows the door).
CLICK_RADIUS_M = 10.0
#: Fields a new facility must have.
REQUIRED_FOR_ADD = ("name", "typ", "kategorie", "oeffentlich", "in_betrieb")
MAX_TEXT = 500
MAX_AUTHOR = 200  # name and subject id of a signed-in person (auth.Identity.author)
#: Ids the register gives new facilities: ``R-0001``, ``R-0002`` …
ID_PREFIX = "R-"
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
BERLIN = ZoneInfo("Europe/Berlin")


@dataclass(frozen=True)
class Change:
    """One stored change (never edited; undone only by a later change).

    Attributes
    ----------
    id : int
        Running number in the store (order of the changes).
    facility_id : str
        The facility concerned.
    kind : str
        Key of :data:`KINDS`.
    fields : dict
        New values (``add``/``update``/``close``); empty for ``delete`` and ``undo``.
    previous : dict
        The values before (for the history; ``None`` = not set).
    version : int
        The facility's version after this change (1, 2, …; 0 = as in the package).
    author, reason, source : str
        Who, why, and the evidence (URL or document).
    created : datetime.datetime
        Time in UTC.
    target : int or None
        ``undo``: the change it undoes.
    batch : str or None
        Import change set the change belongs to.
    """

    id: int
    facility_id: str
    kind: str
    fields: dict = field(default_factory=dict)
    previous: dict = field(default_factory=dict)
    version: int = 1
    author: str = ""
    reason: str = ""
    source: str = ""
    created: datetime = field(default_factory=lambda: datetime.now(UTC))
    target: int | None = None
    batch: str | None = None

    @property
    def when(self) -> str:
        """Local (German) time, e.g. ``05.03.2026 14:07``."""
        return german_time(self.created)

    def summary(self) -> str:
        """One German line: what changed (``Name: „A“ → „B“``)."""
        if self.kind == "undo":
            return f"Änderung #{self.target} rückgängig gemacht"
        if self.kind == "delete":
            return "aus der Liste gelöscht"
        if self.kind == "add":
            return f"neu aufgenommen: {show(self.fields.get('name'))}"
        parts = [
            f"{FIELDS.get(k, k)}: {show(self.previous.get(k), k)} → {show(v, k)}"
            for k, v in self.fields.items()
        ]
        return "; ".join(parts) or KINDS[self.kind]


@dataclass(frozen=True)
class Edit:
    """A change a planner asks for (validated by :func:`check_edit` before it is stored).

    Attributes
    ----------
    facility_id : str
        Facility concerned (for ``add``: the new id, or empty to let the register choose).
    kind : str
        Key of :data:`KINDS`.
    fields : dict
        New values.
    base_version : int
        The facility's version the planner saw (optimistic concurrency: the change is
        stored only if it is still the current one).
    author, reason, source : str
        Required (``source`` not for ``undo``).
    target : int or None
        ``undo``: the change to undo.
    """

    facility_id: str
    kind: str
    fields: Mapping = field(default_factory=dict)
    base_version: int = 0
    author: str = ""
    reason: str = ""
    source: str = ""
    target: int | None = None


class ConflictError(ValueError):
    """Someone else changed the facility since the planner loaded it (nothing is stored).

    Attributes
    ----------
    edit : Edit
        The planner's change (kept, so it can be applied again on the current version).
    stored_version : int
        The facility's current version.
    """

    def __init__(self, message: str, edit: Edit, stored_version: int) -> None:
        super().__init__(message)
        self.edit = edit
        self.stored_version = stored_version


def german_time(moment: datetime) -> str:
    """``TT.MM.JJJJ, HH:MM`` in Magdeburg's time zone."""
    return format_datetime(moment.astimezone(BERLIN))


def show(value: object, key: str = "") -> str:
    """A field value for messages: ``„Text“``, codes by label, numbers German, ``–`` if empty."""
    if value is None or value == "":
        return "–"
    if key in CODES and value in CODES[key]:
        return CODES[key][value]
    if isinstance(value, float):
        text = f"{value:.6f}".rstrip("0").rstrip(".") if not value.is_integer() else f"{value:.0f}"
        return text.replace(".", ",")
    return f"„{value}“"


def clean_text(value: object, label: str, limit: int = MAX_TEXT) -> str:
    """Stripped single-line text; raises ValueError on control characters or excess length."""
    text = " ".join(str(value if value is not None else "").split())
    if _CONTROL.search(text):
        raise ValueError(f"{label}: enthält Steuerzeichen. Bitte nur normalen Text eingeben.")
    if len(text) > limit:
        raise ValueError(f"{label}: höchstens {limit} Zeichen (sind {len(text)}). Bitte kürzen.")
    return text


#: How the number fields read typed text (the upload rules: ``52,15``, ``52.150``, ``1.500``).
NUMBER_KINDS = {"lat": LATITUDE, "lon": LONGITUDE, "lage_genauigkeit_m": RADIUS}


def _clean_fields(fields: Mapping) -> dict:
    """Fields with clean values (text stripped, codes checked, numbers parsed)."""
    unknown = sorted(set(fields) - set(FIELDS))
    if unknown:
        raise ValueError(f"Unbekanntes Feld {', '.join(unknown)}. Erlaubt: {', '.join(FIELDS)}.")
    out: dict = {}
    for key, value in fields.items():
        label = FIELDS[key]
        if key in NUMBER_KINDS:
            out[key] = parse_value(value, NUMBER_KINDS[key], label)
        elif key in CODES:
            out[key] = clean_text(value, label).lower()
        else:
            out[key] = clean_text(value, label)
    _raise(code_problems(_table(out)))
    return out


def _table(record: Mapping) -> pd.DataFrame:
    """One facility's fields as the one-row table the facility rules check."""
    return pd.DataFrame([{k: (pd.NA if v is None else v) for k, v in record.items()}])


def _where(problem: FacilityProblem) -> str:
    """Where a rule's problem lies, as the register's form names it."""
    if problem.field in ("lat", "lon", "geometry"):
        return "Lage"
    if problem.field in CODES or problem.field == "lage_genauigkeit_m":
        return FIELDS[problem.field]
    return ""


def _raise(problems: list[FacilityProblem]) -> None:
    """The register's raising adapter of the facility rules (ValueError, German)."""
    raise_problems(problems, _where)


#: The fields of a position.
POSITION = ("lat", "lon", "lage_genauigkeit_m")


def check_position(record: Mapping, stadtgrenze: gpd.GeoDataFrame) -> None:
    """Check a facility's position (both coordinates or none, range, inside the city, radius).

    Parameters
    ----------
    record : mapping
        The facility's fields after the change.
    stadtgrenze : geopandas.GeoDataFrame
        City boundary (EPSG:25832).

    Raises
    ------
    ValueError
        German message with the fix (:func:`geo.facilities.facility_problems`).
    """
    position = pd.DataFrame(
        [{k: math.nan if record.get(k) is None else record[k] for k in POSITION}], dtype=float
    )
    _raise(facility_problems(position, stadtgrenze.geometry.iloc[0], radius_required=True))


def _check_meta(edit: Edit) -> tuple[str, str, str]:
    author = clean_text(edit.author, "Autor/in", MAX_AUTHOR)
    reason = clean_text(edit.reason, "Grund")
    source = clean_text(edit.source, "Quelle")
    missing = [
        label
        for label, value, needed in (
            ("Autor/in", author, True),
            ("Grund", reason, True),
            ("Quelle (URL oder Dokument)", source, edit.kind != "undo"),
        )
        if needed and not value
    ]
    if missing:
        raise ValueError(
            f"Bitte angeben: {', '.join(missing)}. Jede Änderung am Register braucht Autor/in, "
            "Grund und Quelle, damit sie nachvollziehbar bleibt."
        )
    return author, reason, source


def check_edit(
    edit: Edit,
    current: Mapping | None,
    stadtgrenze: gpd.GeoDataFrame,
    stadtteil_names: set[str] | frozenset[str] = frozenset(),
) -> tuple[dict, dict, tuple[str, str, str]]:
    """Validate an edit against the facility's current fields.

    Parameters
    ----------
    edit : Edit
        The requested change (not ``undo``; see :meth:`register.store.RegisterStore.undo`).
    current : mapping or None
        The facility's effective fields now; None if it is not in the list.
    stadtgrenze : geopandas.GeoDataFrame
        City boundary (EPSG:25832) for the position check.
    stadtteil_names : set of str
        Official Stadtteil names (a new facility without position must name one).

    Returns
    -------
    tuple
        ``(fields, previous, (author, reason, source))``: the fields that really change
        with their clean new and old values, and the clean metadata.

    Raises
    ------
    ValueError
        German message naming the problem and the fix.
    """
    meta = _check_meta(edit)
    if edit.kind not in ("add", "update", "close", "delete"):
        raise ValueError(f"Unbekannte Art der Änderung {edit.kind!r}.")
    fields = _clean_fields(edit.fields)
    if edit.kind == "add":
        taken = [] if current is None else [edit.facility_id]
        _raise(
            id_problems(
                pd.Series([edit.facility_id]),
                taken,
                taken_fix="Andere id wählen oder das Feld leer lassen.",
                strict=True,
            )
            + required_problems(_table(fields), REQUIRED_FOR_ADD, FIELDS)
        )
        record = {**fields}
        if record.get("lat") is None and record.get("stadtteil") not in stadtteil_names:
            raise ValueError(
                "Neue Einrichtung ohne Lage: bitte den Stadtteil angeben, damit sie dort "
                "gezählt wird – oder die Lage auf der Karte setzen."
            )
        if record.get("lat") is None:
            record.setdefault("lage_methode", "keine")
        check_position(record, stadtgrenze)
        return record, {}, meta
    if current is None:
        raise ValueError(
            f"Keine Einrichtung mit der id {edit.facility_id} in der Liste (gelöscht oder "
            "falsch geschrieben). Die Liste neu laden."
        )
    if edit.kind == "delete":
        return {}, {}, meta
    if edit.kind == "close":
        fields = {"in_betrieb": "nein", **fields}
    _raise(required_problems(_table(fields), [k for k in REQUIRED_FOR_ADD if k in fields], FIELDS))
    changed = {k: v for k, v in fields.items() if not same(current.get(k), v)}
    if not changed:
        raise ValueError(
            "Keine Änderung: alle Werte entsprechen schon der Liste. Bitte einen Wert ändern."
        )
    record = {**current, **changed}
    if {"lat", "lon", "lage_genauigkeit_m"} & set(changed):
        check_position(record, stadtgrenze)
    return changed, {k: current.get(k) for k in changed}, meta


def same(old: object, new: object) -> bool:
    """Equal field values (empty and missing are the same; numbers to 1e-7)."""
    if _empty(old) and _empty(new):
        return True
    if isinstance(old, int | float) and isinstance(new, int | float):
        return abs(float(old) - float(new)) < 1e-7
    return old == new


def _empty(value: object) -> bool:
    return value is None or value == "" or (isinstance(value, float) and math.isnan(value))


def next_id(used: set[str]) -> str:
    """The next free register id (``R-0001`` …)."""
    numbers = [
        int(i[len(ID_PREFIX) :])
        for i in used
        if i.startswith(ID_PREFIX) and i[len(ID_PREFIX) :].isdigit()
    ]
    return f"{ID_PREFIX}{max(numbers, default=0) + 1:04d}"


def conflict_message(edit: Edit, latest: Change | None, current: Mapping | None) -> str:
    """German explanation of a concurrent edit: what the planner changed, what is stored now.

    Parameters
    ----------
    edit : Edit
        The rejected change.
    latest : Change or None
        The last stored change of the facility.
    current : mapping or None
        The facility's current fields.
    """
    stored_version = latest.version if latest else 0
    mine = "; ".join(
        f"{FIELDS.get(k, k)} → {show(v, k)}" for k, v in dict(edit.fields).items()
    ) or KINDS.get(edit.kind, edit.kind)
    if latest is None:
        theirs = "die Einrichtung wurde inzwischen angelegt."
    else:
        theirs = f"{latest.author} am {latest.when}: {latest.summary()} (Grund: {latest.reason})."
    now = ""
    if current is not None and edit.fields:
        now = " Jetzt gespeichert: " + "; ".join(
            f"{FIELDS.get(k, k)} {show(current.get(k), k)}" for k in dict(edit.fields)
        )
        now += "."
    return (
        f"Konflikt bei {edit.facility_id}: Sie haben Version {edit.base_version} bearbeitet, "
        f"gespeichert ist inzwischen Version {stored_version}. Ihre Änderung (nicht "
        f"gespeichert, aber nicht verloren): {mine}. Version {stored_version} von {theirs}"
        f"{now} Bitte prüfen und Ihre Änderung auf Version {stored_version} erneut speichern."
    )


def position_fields(
    *,
    lat: float | None = None,
    lon: float | None = None,
    x: float | None = None,
    y: float | None = None,
    radius: float | None = None,
    method: str = SET_BY_OFFICE,
) -> dict:
    """Fields of a new position from WGS84 ``lat``/``lon`` or EPSG:25832 ``x``/``y``.

    Parameters
    ----------
    lat, lon : float, optional
        Degrees (WGS84).
    x, y : float, optional
        Metres (EPSG:25832), instead of ``lat``/``lon``.
    radius : float, optional
        ``Lage ± m``: required with a position (a map click: :data:`CLICK_RADIUS_M`).
    method : str
        ``lage_methode`` (default: set by the office).

    Returns
    -------
    dict
        ``lat``, ``lon``, ``lage_genauigkeit_m``, ``lage_methode``; empty without position.

    Raises
    ------
    ValueError
        German message if a coordinate or the radius is missing.
    """
    if x is not None or y is not None:
        if x is None or y is None:
            raise ValueError("Lage: x und y beide angeben (EPSG:25832, Meter).")
        point = gpd.GeoSeries([shapely.Point(x, y)], crs=METRIC_CRS).to_crs(WGS84).iloc[0]
        lon, lat = point.x, point.y
    if lat is None and lon is None:
        return {}
    if lat is None or lon is None:
        raise ValueError("Lage: Breitengrad und Längengrad beide angeben (WGS84, Grad).")
    if radius is None:
        raise ValueError(
            "Lage: bitte angeben, wie genau sie ist (Lage ± m; z. B. 10 bei einem Klick auf "
            "der Karte an der Haustür)."
        )
    return {
        "lat": round(float(lat), 7),
        "lon": round(float(lon), 7),
        "lage_genauigkeit_m": float(radius),
        "lage_methode": method,
    }
