"""Scenarios: the :class:`Overlay` a planner edits and the :class:`Assumptions` it is read with.

An overlay (places added or switched off, Elbe crossings) never changes the data package;
:func:`scenario_sites` applies it to the counted places: the base selection, minus the
places switched off, plus the new ones. The assumptions (year, target group, walking, index,
Bus & Bahn) are the tool's settings. A saved :class:`Scenario` names one of each; all three
are plain, immutable values that round-trip through JSON.
"""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, date, datetime

import geopandas as gpd
import pandas as pd
import shapely

from geo.analysis.access_adapter import SiteSelection
from geo.analysis.access_kernel import WalkParams
from geo.analysis.demand import TARGET_GROUPS
from geo.analysis.transit import TransitParams
from geo.areas import assign_stadtteil
from geo.crs import METRIC_CRS, lonlat_to_metric
from geo.facilities import CATEGORIES, NEW, apply_edits
from indicators.composite import DEFAULT_WEIGHTS, MIN_PEOPLE, check_weights
from indicators.format import format_number

#: Upper limits that keep a shared or imported scenario small.
MAX_ADDED = 25
MAX_NAME = 80
#: Sources of a new site.
SOURCES = {
    "karte": "Kartenklick",
    "kandidat": "Kandidat",
    "vorschlag": "Vorschlag",
    "import": "Import",
    "stadtteilmitte": "Stadtteilmitte",
    "koordinate": "Koordinate",
}
SCHEMA = "begegnungsatlas-szenario/1"
#: Most Elbe crossings a scenario may add or close.
MAX_SCENARIO_CROSSINGS = 10
#: Kinds of crossing a planner may add (a ferry does not change walking).
CROSSING_ARTS = {"fussgaengerbruecke": "Fußgängerbrücke", "bruecke": "Brücke"}


@dataclass(frozen=True)
class NewSite:
    """A new meeting place of a scenario.

    Attributes
    ----------
    name : str
        Label.
    lon, lat : float
        WGS84 position.
    source : str
        How it was placed (key of :data:`SOURCES`).
    ref : str
        Facility id or grid cell id it came from ("" for a map click).
    """

    name: str
    lon: float
    lat: float
    source: str = "karte"
    ref: str = ""


@dataclass(frozen=True)
class NewCrossing:
    """An Elbe crossing a scenario adds (e.g. one the package lacks, or a planned bridge).

    Attributes
    ----------
    name : str
        Label (must differ from the package's crossings).
    lon, lat : float
        WGS84 position on or next to a barrier line (snapped to it).
    art : str
        ``fussgaengerbruecke`` or ``bruecke``.
    """

    name: str
    lon: float
    lat: float
    art: str = "fussgaengerbruecke"


@dataclass(frozen=True)
class Assumptions:
    """What a figure assumes: year, target group, walking, which places count, index, Bus & Bahn.

    The assumptions are the tool's settings (the sidebar), kept apart from the
    :class:`Overlay` a planner edits: the status quo of one set of assumptions is computed
    once (:func:`scenarios.evaluation.baseline`) and every overlay is measured against it.

    Attributes
    ----------
    year : int or None
        Year of the statistics (None: the package's latest).
    target : str
        Target group id.
    params : WalkParams
        Walking assumptions.
    selection : SiteSelection
        Which facilities count.
    weights : tuple of (str, float)
        Weights of the under-served index (``(key, weight)`` pairs, see :attr:`weight_map`).
    min_people : float
        Stadtteile with fewer people of the target group are not ranked.
    transit : TransitParams
        Bus & Bahn assumptions (walking pace and detour always follow ``params``).
    """

    year: int | None = None
    target: str = "senioren"
    params: WalkParams = field(default_factory=WalkParams)
    selection: SiteSelection = field(default_factory=SiteSelection)
    weights: tuple[tuple[str, float], ...] = tuple(DEFAULT_WEIGHTS.items())
    min_people: float = MIN_PEOPLE
    transit: TransitParams = field(default_factory=TransitParams)

    @property
    def weight_map(self) -> dict[str, float]:
        """The index weights as a dictionary (all components)."""
        return check_weights(dict(self.weights))

    @property
    def transit_params(self) -> TransitParams:
        """Bus & Bahn assumptions with the walking pace and detour of :attr:`params`."""
        return replace(self.transit, speed_mps=self.params.speed_mps, detour=self.params.detour)

    @property
    def walking(self) -> Assumptions:
        """Only what walking access depends on (year, target group, walking, which places count).

        Index weights, minimum size and Bus & Bahn do not change who reaches a place on
        foot: caches of walking access are keyed on this, so a weight slider never
        recomputes it.
        """
        return Assumptions(
            year=self.year, target=self.target, params=self.params, selection=self.selection
        )


@dataclass(frozen=True)
class Overlay:
    """What a scenario changes on the base data: places added or closed, Elbe crossings.

    The base data are never edited; an overlay is applied to them when a figure is
    computed (:func:`scenarios.evaluation.evaluate`).

    Attributes
    ----------
    added : tuple of NewSite
        New places.
    removed : tuple of str
        Ids of existing places switched off ("what if this one closes").
    crossings_added : tuple of NewCrossing
        Elbe crossings added for walking (packages with a barrier only).
    crossings_closed : tuple of str
        Names of the package's crossings closed for walking (e.g. a bridge under repair).
    """

    added: tuple[NewSite, ...] = ()
    removed: tuple[str, ...] = ()
    crossings_added: tuple[NewCrossing, ...] = ()
    crossings_closed: tuple[str, ...] = ()

    @property
    def is_empty(self) -> bool:
        """No place added or removed, no crossing added or closed."""
        return not (self.added or self.removed or self.crossings_added or self.crossings_closed)

    @property
    def changes_crossings(self) -> bool:
        """The overlay adds or closes an Elbe crossing."""
        return bool(self.crossings_added or self.crossings_closed)

    def with_site(self, site: NewSite) -> Overlay:
        """A copy with one more new place."""
        if len(self.added) >= MAX_ADDED:
            raise ValueError(f"Ein Szenario kann höchstens {MAX_ADDED} neue Standorte enthalten.")
        return replace(self, added=(*self.added, site))

    def without_site(self, index: int) -> Overlay:
        """A copy without the new place at ``index``."""
        return replace(self, added=tuple(s for i, s in enumerate(self.added) if i != index))


@dataclass(frozen=True)
class Scenario:
    """A named, saved scenario: its overlay, the assumptions it was made with, and notes.

    Attributes
    ----------
    name : str
        Scenario name ("" while unsaved).
    assumptions : Assumptions
        The assumptions it was made with (a loaded scenario sets the sidebar to them).
    overlay : Overlay
        What it changes on the base data.
    package_version : str
        Version of the data package the scenario was made with.
    created : str
        ISO time stamp (UTC).
    note : str
        Free text.
    """

    name: str = ""
    assumptions: Assumptions = field(default_factory=Assumptions)
    overlay: Overlay = field(default_factory=Overlay)
    package_version: str = ""
    created: str = ""
    note: str = ""

    def to_dict(self) -> dict:
        """A JSON-ready dictionary (see :func:`scenario_from_dict`).

        The format is flat (assumptions and overlay side by side) and unchanged since the
        first saved scenarios, so old links, files and store rows load as they are.
        """
        a, o = self.assumptions, self.overlay
        data = {
            "name": self.name,
            "added": [asdict(s) for s in o.added],
            "removed": list(o.removed),
            **asdict(a),
            "package_version": self.package_version,
            "created": self.created,
            "note": self.note,
            "crossings_added": [asdict(c) for c in o.crossings_added],
            "crossings_closed": list(o.crossings_closed),
            "schema": SCHEMA,
        }
        # The package's barrier is attached at compute time only, never stored.
        data["params"].pop("barrier", None)
        data["transit"].pop("barrier", None)
        data["selection"]["categories"] = list(a.selection.categories)
        data["weights"] = dict(a.weights)
        data["transit"]["day"] = a.transit.day.isoformat() if a.transit.day else None
        return data


def clean_name(name: object) -> str:
    """A scenario name with runs of white space collapsed; German ValueError if unusable."""
    clean = " ".join(str(name).split())
    if not clean:
        raise ValueError("Bitte einen Namen für das Szenario angeben.")
    if len(clean) > MAX_NAME:
        raise ValueError(f"Der Name ist zu lang (höchstens {MAX_NAME} Zeichen).")
    if _UNPRINTABLE.search(clean):
        raise ValueError("Der Name enthält Steuerzeichen; bitte nur druckbaren Text verwenden.")
    return clean


def stamped(scenario: Scenario, name: str, package_version: str) -> Scenario:
    """The scenario with a validated name, the package version and the current time."""
    clean = clean_name(name)
    now = datetime.now(UTC).isoformat(timespec="seconds")
    return replace(scenario, name=clean, package_version=package_version, created=now)


# ----------------------------------------------------------------------------------------
# Validation of untrusted scenario data (imports, links, store payloads)
# ----------------------------------------------------------------------------------------

#: Fields of a scenario, of a new site, of ``params`` and of ``selection``.
_TOP_FIELDS = {
    "schema", "name", "added", "removed", "year", "target", "params", "selection",
    "weights", "min_people", "transit", "package_version", "created", "note",
    "crossings_added", "crossings_closed",
}  # fmt: skip
_CROSSING_FIELDS = {"name", "lon", "lat", "art"}
#: ``transit`` field -> (lowest, highest); integers where :class:`TransitParams` wants them.
_TRANSIT_RANGES = {
    "weekday": (0, 6), "start_min": (0, 1800), "end_min": (0, 1800), "step_min": (1, 60),
    "max_access_m": (50, 2000), "transfer_penalty_min": (0, 30), "transfer_walk_m": (0, 2000),
    "speed_mps": (0.2, 2.5), "detour": (1.0, 3.0), "max_minutes": (1, 120),
    "horizon_min": (0, 600),
}  # fmt: skip
_TRANSIT_INTEGERS = {"weekday", "start_min", "end_min", "step_min", "horizon_min"}
_SITE_FIELDS = {"name", "lon", "lat", "source", "ref"}
_SELECTION_FIELDS = {"categories", "include_restricted", "include_unclear"}
#: ``params`` field -> (lowest, highest, default); the same ranges as :class:`WalkParams`.
_PARAM_RANGES = {
    "max_walk_m": (1.0, 10_000.0, 500.0),
    "detour": (1.0, 3.0, 1.3),
    "speed_mps": (0.2, 2.5, 1.0),
    "catchment_m": (1.0, 10_000.0, 1000.0),
}
#: Most facility ids that can be switched off in one scenario.
MAX_REMOVED = 500
MAX_ID = 80
MAX_NOTE = 2000
YEAR_RANGE = (1900, 2100)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CONTROL_IN_LINE = re.compile(r"[\x00-\x1f\x7f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff]")


def printable(text: str, limit: int = 30) -> str:
    """``text`` shortened and without control characters or lone surrogates, for messages."""
    short = text if len(text) <= limit else text[:limit] + "…"
    return _UNPRINTABLE.sub("?", short)


def _found(value: object) -> str:
    """Short German description of a JSON value for messages (never the whole value)."""
    if value is None:
        return "leer (null)"
    if isinstance(value, bool):
        return "Wahrheitswert " + ("true" if value else "false")
    if isinstance(value, int | float):
        text = repr(value)
        return f"Zahl {text if len(text) <= 24 else text[:20] + '…'}"
    if isinstance(value, str):
        return f"Text „{printable(value)}“"
    if isinstance(value, list):
        return f"Liste mit {len(value)} Einträgen"
    if isinstance(value, dict):
        return "Objekt"
    return type(value).__name__


def _number(value: object, field: str, lo: float, hi: float) -> float:
    """A finite JSON number (not a bool, not a text) within ``[lo, hi]``."""
    span = f"zwischen {format_number(lo, _decimals(lo))} und {format_number(hi, _decimals(hi))}"
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{field} muss eine Zahl {span} sein (gefunden: {_found(value)}).")
    try:
        number = float(value)
    except OverflowError:  # an integer with hundreds of digits
        number = math.inf
    if not math.isfinite(number) or not lo <= number <= hi:
        raise ValueError(f"{field} muss {span} liegen (gefunden: {_found(value)}).")
    return number


def _decimals(value: float) -> int:
    return 0 if float(value).is_integer() else 1


def _integer(value: object, field: str, lo: int, hi: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise ValueError(
            f"{field} muss eine ganze Zahl zwischen {lo} und {hi} sein (gefunden: {_found(value)})."
        )
    return value


def _text(value: object, field: str, limit: int, *, multiline: bool = False) -> str:
    """A JSON string of at most ``limit`` characters without control characters."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValueError(f"{field} muss ein Text sein (gefunden: {_found(value)}).")
    text = value
    if len(text) > limit:
        raise ValueError(f"{field} ist zu lang ({len(text)} Zeichen, höchstens {limit}).")
    if (_CONTROL if multiline else _CONTROL_IN_LINE).search(text):
        raise ValueError(f"{field} enthält Steuerzeichen; bitte nur druckbaren Text verwenden.")
    if _SURROGATE.search(text):
        raise ValueError(f"{field} enthält ungültige Unicode-Zeichen (einzelne Surrogate).")
    return text


def _flag(value: object, field: str, default: bool) -> bool:
    if value is None:
        return default
    if not isinstance(value, bool):
        raise ValueError(f"{field} muss true oder false sein (gefunden: {_found(value)}).")
    return value


def _object(value: object, field: str, allowed: set[str]) -> dict:
    """A JSON object with only the ``allowed`` keys (``None`` counts as empty)."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ValueError(f"{field} muss ein Objekt {{…}} sein (gefunden: {_found(value)}).")
    unknown = sorted(str(k) for k in value if k not in allowed)
    if unknown:
        shown = ", ".join(printable(k) for k in unknown[:5])
        raise ValueError(
            f"{field} enthält unbekannte Felder ({shown}); erlaubt sind {', '.join(sorted(allowed))}."
        )
    return value


def _list(value: object, field: str, limit: int, what: str) -> list:
    if value is None:
        return []
    if not isinstance(value, list):
        raise ValueError(f"{field} muss eine Liste von {what} sein (gefunden: {_found(value)}).")
    if len(value) > limit:
        raise ValueError(f"{field} hat {len(value)} Einträge, höchstens {limit} sind möglich.")
    return value


def _site(item: object, i: int) -> NewSite:
    field = f"added[{i}] (neuer Standort {i + 1})"
    item = _object(item, field, _SITE_FIELDS)
    if not item:
        raise ValueError(f"{field} muss ein Objekt mit lon und lat sein.")
    source = _text(item.get("source"), f"{field}.source", 20) or "import"
    if source not in SOURCES:
        raise ValueError(
            f"{field}.source: unbekannte Herkunft {_found(source)}; erlaubt sind "
            f"{', '.join(SOURCES)}."
        )
    for key in ("lon", "lat"):
        if key not in item:
            raise ValueError(f"{field}.{key} fehlt (Längen-/Breitengrad in WGS84).")
    return NewSite(
        name=_text(item.get("name"), f"{field}.name", MAX_NAME) or f"Neuer Standort {i + 1}",
        lon=_number(item["lon"], f"{field}.lon", -180, 180),
        lat=_number(item["lat"], f"{field}.lat", -90, 90),
        source=source,
        ref=_text(item.get("ref"), f"{field}.ref", MAX_ID),
    )


def _crossing(item: object, i: int) -> NewCrossing:
    field = f"crossings_added[{i}] (neue Elbquerung {i + 1})"
    item = _object(item, field, _CROSSING_FIELDS)
    for key in ("name", "lon", "lat"):
        if key not in item:
            raise ValueError(f"{field}.{key} fehlt (Name, Längen- und Breitengrad in WGS84).")
    name = " ".join(_text(item["name"], f"{field}.name", MAX_NAME).split())
    if not name:
        raise ValueError(f"{field}.name ist leer; jeder Querung einen Namen geben.")
    art = _text(item.get("art"), f"{field}.art", 30) or "fussgaengerbruecke"
    if art not in CROSSING_ARTS:
        raise ValueError(
            f"{field}.art: unbekannte Art {_found(art)}; erlaubt sind {', '.join(CROSSING_ARTS)}."
        )
    return NewCrossing(
        name=name,
        lon=_number(item["lon"], f"{field}.lon", -180, 180),
        lat=_number(item["lat"], f"{field}.lat", -90, 90),
        art=art,
    )


def _crossing_changes(data: dict) -> tuple[tuple[NewCrossing, ...], tuple[str, ...]]:
    """Added and closed Elbe crossings of a scenario dictionary (names checked at compute)."""
    added = tuple(
        _crossing(item, i)
        for i, item in enumerate(
            _list(
                data.get("crossings_added"), "crossings_added", MAX_SCENARIO_CROSSINGS, "Querungen"
            )
        )
    )
    closed = tuple(
        " ".join(_text(c, f"crossings_closed[{i}]", MAX_NAME).split())
        for i, c in enumerate(
            _list(data.get("crossings_closed"), "crossings_closed", MAX_SCENARIO_CROSSINGS, "Namen")
        )
    )
    if any(not c for c in closed):
        raise ValueError("crossings_closed enthält einen leeren Namen.")
    names = [c.name for c in added]
    if len(set(names)) != len(names) or len(set(closed)) != len(closed):
        raise ValueError("Eine Elbquerung ist im Szenario doppelt aufgeführt.")
    return added, closed


def scenario_from_dict(data: object) -> Scenario:
    """Validate and build a scenario from :meth:`Scenario.to_dict` output (e.g. an import).

    The schema is strict: every field is checked for its JSON type and range, unknown
    fields are rejected, lists are capped (:data:`MAX_ADDED`, :data:`MAX_REMOVED`) and
    numbers must be finite. Missing fields take their defaults.

    Parameters
    ----------
    data : object
        Parsed JSON (bounded in size and depth by the caller, see
        :func:`scenarios.exchange.parse_json`).

    Returns
    -------
    Scenario

    Raises
    ------
    ValueError
        With a German message naming the field, what is wrong and what is allowed.
    """
    if not isinstance(data, dict):
        raise ValueError(
            f"Das Szenario muss ein JSON-Objekt {{…}} sein (gefunden: {_found(data)})."
        )
    schema = data.get("schema", SCHEMA)
    if schema != SCHEMA:
        raise ValueError(
            f"schema: unbekanntes Szenarioformat {_found(schema)} (erwartet „{SCHEMA}“)."
        )
    data = _object(data, "Das Szenario", _TOP_FIELDS)
    overlay = _overlay(data)
    return Scenario(
        name=_text(data.get("name"), "name", MAX_NAME),
        assumptions=_assumptions(data),
        overlay=overlay,
        package_version=_text(data.get("package_version"), "package_version", 40),
        created=_text(data.get("created"), "created", 40),
        note=_text(data.get("note"), "note", MAX_NOTE, multiline=True),
    )


def _overlay(data: dict) -> Overlay:
    """Added and closed places and crossings of a scenario dictionary."""
    added = tuple(
        _site(item, i)
        for i, item in enumerate(_list(data.get("added"), "added", MAX_ADDED, "Standorten"))
    )
    removed = tuple(
        _text(r, f"removed[{i}]", MAX_ID)
        for i, r in enumerate(
            _list(data.get("removed"), "removed", MAX_REMOVED, "Einrichtungs-ids")
        )
    )
    if any(not r for r in removed):
        raise ValueError("removed enthält eine leere Einrichtungs-id.")
    crossings_added, crossings_closed = _crossing_changes(data)
    return Overlay(added, removed, crossings_added, crossings_closed)


def _assumptions(data: dict) -> Assumptions:
    """Year, target group, walking, selection, index and Bus & Bahn of a scenario dictionary."""
    target = _text(data.get("target"), "target", 20) or "senioren"
    if target not in TARGET_GROUPS:
        raise ValueError(
            f"target: unbekannte Zielgruppe {_found(target)}; erlaubt sind "
            f"{', '.join(TARGET_GROUPS)}."
        )
    year = data.get("year")
    params_raw = _object(data.get("params"), "params", set(_PARAM_RANGES))
    params = {
        key: _number(params_raw.get(key, default), f"params.{key}", lo, hi)
        for key, (lo, hi, default) in _PARAM_RANGES.items()
    }
    out: dict = {}
    if data.get("weights") is not None:
        raw = _object(data["weights"], "weights", set(DEFAULT_WEIGHTS))
        numbers = {key: _number(value, f"weights.{key}", 0, 100) for key, value in raw.items()}
        out["weights"] = tuple(check_weights(numbers).items())
    if data.get("min_people") is not None:
        out["min_people"] = _number(data["min_people"], "min_people", 0, 100_000)
    if data.get("transit") is not None:
        out["transit"] = _transit(data["transit"])
    return Assumptions(
        **out,
        year=None if year is None else _integer(year, "year", *YEAR_RANGE),
        target=target,
        params=WalkParams(**params),
        selection=_selection(data.get("selection"), target),
    )


def _selection(value: object, target: str) -> SiteSelection:
    """Which facilities count, from the ``selection`` object (default: the target group's)."""
    raw = _object(value, "selection", _SELECTION_FIELDS)
    categories = _list(
        raw.get("categories", list(TARGET_GROUPS[target].categories)),
        "selection.categories",
        len(CATEGORIES),
        "Kategorien",
    )
    for i, category in enumerate(categories):
        if not isinstance(category, str) or category not in CATEGORIES:
            raise ValueError(
                f"selection.categories[{i}]: unbekannte Kategorie {_found(category)}; erlaubt "
                f"sind {', '.join(CATEGORIES)}."
            )
    if len(set(categories)) != len(categories):
        raise ValueError("selection.categories enthält eine Kategorie mehrfach.")
    return SiteSelection(
        categories=tuple(categories),
        include_restricted=_flag(
            raw.get("include_restricted"), "selection.include_restricted", False
        ),
        include_unclear=_flag(raw.get("include_unclear"), "selection.include_unclear", True),
    )


def _transit(value: object) -> TransitParams:
    """Bus & Bahn assumptions from the ``transit`` object."""
    raw = _object(value, "transit", {*_TRANSIT_RANGES, "wheelchair_only", "day"})
    defaults = TransitParams()
    values = {}
    for key, (lo, hi) in _TRANSIT_RANGES.items():
        value = raw.get(key, getattr(defaults, key))
        label = f"transit.{key}"
        values[key] = (
            _integer(value, label, lo, hi)
            if key in _TRANSIT_INTEGERS
            else _number(value, label, lo, hi)
        )
    day = _text(raw.get("day"), "transit.day", 10)
    try:
        values["day"] = date.fromisoformat(day) if day else None
    except ValueError:
        raise ValueError(
            f"transit.day muss ein Datum JJJJ-MM-TT sein (gefunden: „{day}“)."
        ) from None
    values["wheelchair_only"] = _flag(raw.get("wheelchair_only"), "transit.wheelchair_only", False)
    return TransitParams(**values)


def new_sites_frame(overlay: Overlay, category: str) -> gpd.GeoDataFrame:
    """The new places as facility rows in EPSG:25832 (exact positions, open, running).

    Parameters
    ----------
    overlay : Overlay
        The overlay with the new places.
    category : str
        Facility category the new places get.

    Returns
    -------
    geopandas.GeoDataFrame
    """
    rows = [
        {
            "id": f"NEU-{i}",
            "name": site.name,
            "typ": f"Neuer Standort ({SOURCES.get(site.source, site.source)})",
            "traeger": "",
            "strasse_hausnr": "",
            "stadtteil": "",
            "kategorie": category,
            "oeffentlich": "ja",
            "in_betrieb": "ja",
            "lage_methode": "quelle_koordinate",
            "lage_genauigkeit_m": 0.0,
            "lon": site.lon,
            "lat": site.lat,
            NEW: True,
        }
        for i, site in enumerate(overlay.added, start=1)
    ]
    xy = lonlat_to_metric([s.lon for s in overlay.added], [s.lat for s in overlay.added])
    return gpd.GeoDataFrame(pd.DataFrame(rows), geometry=shapely.points(xy), crs=METRIC_CRS)


def scenario_sites(
    overlay: Overlay,
    selection: SiteSelection,
    einrichtungen: gpd.GeoDataFrame,
    stadtteile: gpd.GeoDataFrame,
) -> gpd.GeoDataFrame:
    """Counted places with an overlay: base selection − switched off + new (a new frame).

    Parameters
    ----------
    overlay : Overlay
        Places added and switched off.
    selection : SiteSelection
        Which facilities count (the assumptions').
    einrichtungen : geopandas.GeoDataFrame
        Base facilities of the package (not modified).
    stadtteile : geopandas.GeoDataFrame
        Stadtteil polygons (to assign the new places).

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:25832 (:func:`geo.facilities.apply_edits`); new places have ``neu`` True, ids
        ``NEU-1`` … and ``stadtteil_nr`` of their polygon.

    Raises
    ------
    ValueError
        If a new place lies outside every Stadtteil.
    """
    base = selection.select(einrichtungen)
    if not overlay.added:
        return apply_edits(base, removed=overlay.removed)
    category = selection.categories[0] if selection.categories else "senioren_begegnung"
    new = new_sites_frame(overlay, category)
    new["stadtteil_nr"] = assign_stadtteil(new.geometry, stadtteile)
    outside = new[new["stadtteil_nr"].isna()]
    if len(outside):
        raise ValueError(
            f"Neuer Standort außerhalb des Stadtgebiets: {', '.join(outside['name'])}. Bitte "
            "innerhalb der Stadtteile setzen."
        )
    names = stadtteile["stadtteil"]
    new["stadtteil"] = new["stadtteil_nr"].map(names)
    return apply_edits(base, added=new, removed=overlay.removed)
