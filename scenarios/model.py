"""Scenarios: added and removed meeting places plus parameters, as an overlay on the base data.

A :class:`Scenario` never changes the data package. :func:`scenario_sites` builds the set of
counted places for the analysis: the base selection, minus the places switched off, plus the
new ones. Scenarios are plain, immutable values that round-trip through JSON.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, date, datetime

import geopandas as gpd
import pandas as pd
import shapely

from geo.access_adapter import SiteSelection
from geo.access_kernel import WalkParams
from geo.areas import assign_stadtteil
from geo.crs import METRIC_CRS, lonlat_to_metric
from geo.demand import TARGET_GROUPS
from geo.transit import TransitParams
from indicators.composite import DEFAULT_WEIGHTS, MIN_PEOPLE, check_weights

#: Upper limits that keep a shared or imported scenario small.
MAX_ADDED = 25
MAX_NAME = 80
#: Sources of a new site.
SOURCES = {
    "karte": "Kartenklick",
    "kandidat": "Kandidat",
    "vorschlag": "Vorschlag",
    "import": "Import",
}
SCHEMA = "begegnungsatlas-szenario/1"


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
class Scenario:
    """Added/removed places and the analysis parameters.

    Attributes
    ----------
    name : str
        Scenario name ("" while unsaved).
    added : tuple of NewSite
        New places.
    removed : tuple of str
        Ids of existing places switched off ("what if this one closes").
    year : int or None
        Year of the statistics.
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
    package_version : str
        Version of the data package the scenario was made with.
    created : str
        ISO time stamp (UTC).
    note : str
        Free text.
    """

    name: str = ""
    added: tuple[NewSite, ...] = ()
    removed: tuple[str, ...] = ()
    year: int | None = None
    target: str = "senioren"
    params: WalkParams = field(default_factory=WalkParams)
    selection: SiteSelection = field(default_factory=SiteSelection)
    weights: tuple[tuple[str, float], ...] = tuple(DEFAULT_WEIGHTS.items())
    min_people: float = MIN_PEOPLE
    transit: TransitParams = field(default_factory=TransitParams)
    package_version: str = ""
    created: str = ""
    note: str = ""

    @property
    def weight_map(self) -> dict[str, float]:
        """The index weights as a dictionary (all components)."""
        return check_weights(dict(self.weights))

    @property
    def transit_params(self) -> TransitParams:
        """Bus & Bahn assumptions with the walking pace and detour of :attr:`params`."""
        return replace(self.transit, speed_mps=self.params.speed_mps, detour=self.params.detour)

    @property
    def is_empty(self) -> bool:
        """No place added or removed."""
        return not self.added and not self.removed

    def with_site(self, site: NewSite) -> Scenario:
        """A copy with one more new place."""
        if len(self.added) >= MAX_ADDED:
            raise ValueError(f"Ein Szenario kann höchstens {MAX_ADDED} neue Standorte enthalten.")
        return replace(self, added=(*self.added, site))

    def without_site(self, index: int) -> Scenario:
        """A copy without the new place at ``index``."""
        return replace(self, added=tuple(s for i, s in enumerate(self.added) if i != index))

    def to_dict(self) -> dict:
        """A JSON-ready dictionary (see :func:`scenario_from_dict`)."""
        data = asdict(self)
        data["schema"] = SCHEMA
        data["added"] = [asdict(s) for s in self.added]
        data["removed"] = list(self.removed)
        data["selection"]["categories"] = list(self.selection.categories)
        data["weights"] = dict(self.weights)
        data["transit"]["day"] = self.transit.day.isoformat() if self.transit.day else None
        return data


def stamped(scenario: Scenario, name: str, package_version: str) -> Scenario:
    """The scenario with a validated name, the package version and the current time."""
    clean = " ".join(str(name).split())
    if not clean:
        raise ValueError("Bitte einen Namen für das Szenario angeben.")
    if len(clean) > MAX_NAME:
        raise ValueError(f"Der Name ist zu lang (höchstens {MAX_NAME} Zeichen).")
    now = datetime.now(UTC).isoformat(timespec="seconds")
    return replace(scenario, name=clean, package_version=package_version, created=now)


def _number(value: object, label: str, lo: float, hi: float) -> float:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ValueError(f"{label}: keine Zahl ({value!r}).") from None
    if not math.isfinite(number) or not lo <= number <= hi:
        raise ValueError(f"{label}: {number} liegt nicht zwischen {lo} und {hi}.")
    return number


def _text(value: object, label: str, limit: int = 200) -> str:
    if value is None:
        return ""
    if not isinstance(value, str | int | float):
        raise ValueError(f"{label}: Text erwartet.")
    text = str(value).strip()
    if len(text) > limit:
        raise ValueError(f"{label}: zu lang (höchstens {limit} Zeichen).")
    return text


def scenario_from_dict(data: dict) -> Scenario:
    """Validate and build a scenario from :meth:`Scenario.to_dict` output (e.g. an import).

    Parameters
    ----------
    data : dict
        Parsed JSON.

    Returns
    -------
    Scenario

    Raises
    ------
    ValueError
        With a German message naming the field that is wrong.
    """
    if not isinstance(data, dict):
        raise ValueError("Das Szenario muss ein JSON-Objekt sein.")
    if data.get("schema", SCHEMA) != SCHEMA:
        raise ValueError(f"Unbekanntes Szenarioformat {data.get('schema')!r} (erwartet {SCHEMA}).")
    added_raw = data.get("added", [])
    if not isinstance(added_raw, list) or len(added_raw) > MAX_ADDED:
        raise ValueError(f"'added' muss eine Liste mit höchstens {MAX_ADDED} Standorten sein.")
    added = []
    for i, item in enumerate(added_raw, start=1):
        if not isinstance(item, dict):
            raise ValueError(f"Neuer Standort {i}: Objekt erwartet.")
        source = _text(item.get("source", "import"), f"Standort {i}, source", 20) or "import"
        if source not in SOURCES:
            raise ValueError(f"Standort {i}: unbekannte Herkunft {source!r}.")
        added.append(
            NewSite(
                name=_text(item.get("name"), f"Standort {i}, name", MAX_NAME)
                or f"Neuer Standort {i}",
                lon=_number(item.get("lon"), f"Standort {i}, lon", -180, 180),
                lat=_number(item.get("lat"), f"Standort {i}, lat", -90, 90),
                source=source,
                ref=_text(item.get("ref"), f"Standort {i}, ref", 80),
            )
        )
    removed = data.get("removed", [])
    if not isinstance(removed, list) or len(removed) > 500:
        raise ValueError("'removed' muss eine Liste von Einrichtungs-ids sein.")
    params_raw = data.get("params", {}) or {}
    selection_raw = data.get("selection", {}) or {}
    target = _text(data.get("target", "senioren"), "target", 20)
    if target not in TARGET_GROUPS:
        raise ValueError(f"Unbekannte Zielgruppe {target!r}.")
    year = data.get("year")
    categories = selection_raw.get("categories", list(TARGET_GROUPS[target].categories))
    if not isinstance(categories, list) or not all(isinstance(c, str) for c in categories):
        raise ValueError("selection.categories muss eine Liste von Kategorien sein.")
    return Scenario(
        **_analysis_settings(data),
        name=_text(data.get("name"), "name", MAX_NAME),
        added=tuple(added),
        removed=tuple(_text(r, "removed", 80) for r in removed),
        year=None if year is None else int(_number(year, "year", 1900, 2100)),
        target=target,
        params=WalkParams(
            max_walk_m=_number(params_raw.get("max_walk_m", 500), "params.max_walk_m", 1, 10_000),
            detour=_number(params_raw.get("detour", 1.3), "params.detour", 1, 3),
            speed_mps=_number(params_raw.get("speed_mps", 1.0), "params.speed_mps", 0.2, 2.5),
            catchment_m=_number(
                params_raw.get("catchment_m", 1000), "params.catchment_m", 1, 10_000
            ),
        ),
        selection=SiteSelection(
            categories=tuple(categories),
            include_restricted=bool(selection_raw.get("include_restricted", False)),
            include_unclear=bool(selection_raw.get("include_unclear", True)),
        ),
        package_version=_text(data.get("package_version"), "package_version", 40),
        created=_text(data.get("created"), "created", 40),
        note=_text(data.get("note"), "note", 2000),
    )


def _analysis_settings(data: dict) -> dict:
    """Index weights, minimum size and Bus & Bahn settings of a scenario dictionary."""
    out: dict = {}
    weights = data.get("weights")
    if weights is not None:
        if not isinstance(weights, dict) or len(weights) > len(DEFAULT_WEIGHTS):
            raise ValueError("weights muss ein Objekt Komponente → Gewicht sein.")
        numbers = {
            _text(k, "weights", 40): _number(v, f"weights.{k}", 0, 100) for k, v in weights.items()
        }
        out["weights"] = tuple(check_weights(numbers).items())
    if data.get("min_people") is not None:
        out["min_people"] = _number(data["min_people"], "min_people", 0, 100_000)
    transit = data.get("transit")
    if transit is not None:
        if not isinstance(transit, dict):
            raise ValueError("transit muss ein Objekt mit den Bus-&-Bahn-Annahmen sein.")
        defaults = TransitParams()
        limits = {
            "weekday": (0, 6), "start_min": (0, 1800), "end_min": (0, 1800), "step_min": (1, 60),
            "max_access_m": (50, 2000), "transfer_penalty_min": (0, 30),
            "transfer_walk_m": (0, 2000), "max_minutes": (1, 120), "horizon_min": (0, 600),
        }  # fmt: skip
        values = {
            key: _number(transit.get(key, getattr(defaults, key)), f"transit.{key}", lo, hi)
            for key, (lo, hi) in limits.items()
        }
        ints = ("weekday", "start_min", "end_min", "step_min", "horizon_min")
        day = transit.get("day")
        try:
            day = None if day in (None, "") else date.fromisoformat(_text(day, "transit.day", 10))
        except ValueError:
            raise ValueError(f"transit.day: kein Datum (JJJJ-MM-TT): {day!r}.") from None
        out["transit"] = TransitParams(
            **{k: int(v) if k in ints else v for k, v in values.items()},
            wheelchair_only=bool(transit.get("wheelchair_only", False)),
            day=day,
        )
    return out


def new_sites_frame(scenario: Scenario, category: str) -> gpd.GeoDataFrame:
    """The new places as facility rows in EPSG:25832 (exact positions, open, running).

    Parameters
    ----------
    scenario : Scenario
        The scenario.
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
        }
        for i, site in enumerate(scenario.added, start=1)
    ]
    xy = lonlat_to_metric([s.lon for s in scenario.added], [s.lat for s in scenario.added])
    return gpd.GeoDataFrame(pd.DataFrame(rows), geometry=shapely.points(xy), crs=METRIC_CRS)


def scenario_sites(
    scenario: Scenario, einrichtungen: gpd.GeoDataFrame, stadtteile: gpd.GeoDataFrame
) -> gpd.GeoDataFrame:
    """Counted places of a scenario: base selection − switched off + new (a new frame).

    Parameters
    ----------
    scenario : Scenario
        The scenario.
    einrichtungen : geopandas.GeoDataFrame
        Base facilities of the package (not modified).
    stadtteile : geopandas.GeoDataFrame
        Stadtteil polygons (to assign the new places).

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:25832; new places have ids ``NEU-1`` … and ``stadtteil_nr`` of their polygon.

    Raises
    ------
    ValueError
        If a new place lies outside every Stadtteil.
    """
    base = scenario.selection.select(einrichtungen)
    base = base[~base["id"].isin(scenario.removed)]
    if not scenario.added:
        return base
    category = (
        scenario.selection.categories[0] if scenario.selection.categories else "senioren_begegnung"
    )
    new = new_sites_frame(scenario, category)
    new["stadtteil_nr"] = assign_stadtteil(new.geometry, stadtteile)
    outside = new[new["stadtteil_nr"].isna()]
    if len(outside):
        raise ValueError(
            f"Neuer Standort außerhalb des Stadtgebiets: {', '.join(outside['name'])}. Bitte "
            "innerhalb der Stadtteile setzen."
        )
    names = stadtteile["stadtteil"]
    new["stadtteil"] = new["stadtteil_nr"].map(names)
    return pd.concat([base, new], ignore_index=True)
