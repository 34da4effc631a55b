"""All session-state keys and their defaults, in one place.

The values live under the keys below and survive page switches. Widgets never own them:
``st.selectbox(..., **state.bind(state.YEAR))`` gives the widget its own key
(:func:`widget_key`), seeds it from the stored value and copies changes back. Streamlit
deletes a widget's state whenever a run does not draw it (another page is open); the
stored value is unaffected.
"""

from __future__ import annotations

import streamlit as st

from geo.analysis.access_kernel import WalkParams
from indicators.composite import DEFAULT_WEIGHTS, PRESETS, preset_of
from indicators.composite import MIN_PEOPLE as MIN_PEOPLE_DEFAULT
from maps.classify import METHODS
from scenarios.model import Scenario

# Shared sidebar controls (rendered by app.py on every page).
YEAR = "jahr"
BASEMAP = "hintergrundkarte"
LABELS = "beschriftung"
# Bevölkerung page.
INDICATOR = "indikator"
CLASS_METHOD = "klassifizierung"
N_CLASSES = "klassenzahl"
# Selected Stadtteil (profile), shared between pages.
STADTTEIL = "stadtteil"
# Einrichtungen page.
FACILITY_CATEGORIES = "einrichtung_kategorien"
ONLY_PUBLIC = "nur_oeffentlich"
HIDE_CLOSED = "geschlossene_ausblenden"
SHOW_PRECISION = "lagegenauigkeit_zeigen"
# Accessibility assumptions (sidebar on the analysis pages).
TARGET = "zielgruppe"
SITE_CATEGORIES = "einrichtungsarten"  # None = the target group's default categories
INCLUDE_RESTRICTED = "eingeschraenkte_mitzaehlen"
INCLUDE_UNCLEAR = "unklare_mitzaehlen"
MAX_WALK = "gehdistanz_m"
DETOUR = "umwegfaktor"
SPEED = "gehtempo"
CATCHMENT = "einzugsbereich_m"
# Erreichbarkeit page.
SHOW_RINGS = "einzugsringe"
# Unterversorgung page: one weight per index component (see weight_key).
MIN_PEOPLE = "mindestzahl"
# Standortsimulation: the current scenario (a scenarios.model.Scenario) and the optimiser.
SCENARIO = "szenario"
CLICK_ADDS = "klick_setzt_standort"
SHOW_CANDIDATES = "kandidaten_zeigen"
OPT_K = "vorschlag_k"
OPT_KIND = "vorschlag_kandidaten"
OPT_OBJECTIVE = "vorschlag_ziel"
OPT_STADTTEILE = "vorschlag_stadtteile"
PROPOSAL = "vorschlag"  # (Proposal, added, removed) of the scenario it was computed for
SIM_WARNINGS = "_simulation_hinweise"  # warnings of refused clicks, shown once
SIM_LAYERS = "_simulation_kartenebenen"  # (key, data) of the map layers last drawn
PRESET_PICK = "_w_gewichtung"  # the radio of the weighting presets (a widget's own key)
#: Choice of the preset radio for weights that match no preset.
OWN_WEIGHTS = "eigene"
CLOSE_PICK = "_w_schliessen"  # the multiselect of places to close (a widget's own key)
CROSSING_CLOSE_PICK = "_w_querungen_sperren"  # multiselect of Elbe crossings closed (widget)
CROSSING_NEW_NAME = "_w_querung_name"  # name of a crossing to add (widget)
CROSSING_NEW_LAT = "_w_querung_breite"  # its WGS84 latitude (widget, empty at first)
CROSSING_NEW_LON = "_w_querung_laenge"  # its WGS84 longitude (widget, empty at first)
# Szenarien page.
SCENARIO_NAME = "szenario_name"
COMPARE_A = "vergleich_a"
COMPARE_B = "vergleich_b"
# Bus & Bahn (GTFS) assumptions.
TRANSIT_MINUTES = "oepnv_minuten"
TRANSIT_WEEKDAY = "oepnv_wochentag"
TRANSIT_WINDOW = "oepnv_zeitfenster"  # (start_min, end_min)
TRANSIT_ACCESS = "oepnv_zugang_m"
TRANSIT_PENALTY = "oepnv_umstieg_min"
TRANSIT_WHEELCHAIR = "oepnv_rollstuhl"
SIM_TRANSIT = "simulation_oepnv"
# Presentation mode (also ?praesentation=1).
PRESENTATION = "praesentation"
# Daten page: validated uploads applied to this session (see ui.data.package).
UPLOADED_FACILITIES = "upload_einrichtungen"  # (GeoDataFrame, replace: bool, tag) or None
UPLOADED_STATISTICS = "upload_statistik"  # (DataFrame, tag) or None
REGIONS = "regionen"  # DataFrame stadtteil_nr -> region, or None
REGION_SET = "gebietsgliederung"  # name of the stored region set chosen (Regionen, Verteilung)
FACILITY_MODE = "upload_modus"
# Bericht page.
AUDIENCE = "bericht_publikum"
REPORT_SCENARIO = "bericht_szenario"
SHEET_KIND = "einzelkarte"
PAPER = "papier"
# Einrichtungen pflegen (the facility register).
REG_FACILITY = "register_einrichtung"  # id being edited; None = a new facility
REG_OPENED = "register_geoeffnet"  # {id: version the planner opened} (None until first use)
REG_AUTHOR = "register_autor"  # remembered for the next change of this session
REG_CONFLICT = "register_konflikt"  # (message, Edit) of a change refused by a conflict
REG_MESSAGE = "register_meldung"  # success message shown after the rerun
REG_IMPORT = "register_import"  # (file hash, register revision, MergePlan) of the preview
#: Prefix of the edit form's widget keys (one set per facility and version).
REG_FORM = "register_formular"
# Internal: last map click already applied (a click is applied once, not on every rerun).
LAST_CLICK = "_letzter_kartenklick"
# Internal: the shared-link scenario already loaded from the URL.
APPLIED_LINK = "_geladener_link"
# Internal: messages shown once at the top of the next page run, ((kind, text), …).
NOTICES = "_hinweise_einmal"
# Internal: (name, version) of the scenario last loaded from or saved to the store; an
# overwrite of that name is a compare-and-set against this version.
STORED_VERSION = "_gespeicherte_version"
# Internal: ((time, content hash), …) of the files this session had checked (rate limit).
UPLOAD_TIMES = "_upload_zeiten"

DEFAULTS: dict[str, object] = {
    BASEMAP: True,
    LABELS: True,
    INDICATOR: "anteil_65plus",
    CLASS_METHOD: next(iter(METHODS)),
    N_CLASSES: 5,
    STADTTEIL: None,
    FACILITY_CATEGORIES: None,  # None = all categories of the package
    ONLY_PUBLIC: False,
    HIDE_CLOSED: False,
    SHOW_PRECISION: True,
    TARGET: "senioren",
    SITE_CATEGORIES: None,
    INCLUDE_RESTRICTED: False,
    INCLUDE_UNCLEAR: True,
    MAX_WALK: int(WalkParams().max_walk_m),
    DETOUR: WalkParams().detour,
    SPEED: WalkParams().speed_mps,
    CATCHMENT: int(WalkParams().catchment_m),
    SHOW_RINGS: True,
    MIN_PEOPLE: MIN_PEOPLE_DEFAULT,
    SCENARIO: Scenario(),
    CLICK_ADDS: True,
    SHOW_CANDIDATES: False,
    OPT_K: 3,
    OPT_KIND: "grid",
    OPT_OBJECTIVE: "abdeckung",
    OPT_STADTTEILE: (),
    PROPOSAL: None,
    SIM_WARNINGS: (),
    SIM_LAYERS: None,
    SCENARIO_NAME: "",
    COMPARE_A: None,
    COMPARE_B: None,
    TRANSIT_MINUTES: 20,
    TRANSIT_WEEKDAY: 1,
    TRANSIT_WINDOW: (9 * 60, 12 * 60),
    TRANSIT_ACCESS: 400,
    TRANSIT_PENALTY: 5,
    TRANSIT_WHEELCHAIR: False,
    SIM_TRANSIT: False,
    PRESENTATION: False,
    UPLOADED_FACILITIES: None,
    UPLOADED_STATISTICS: None,
    REGIONS: None,
    REGION_SET: None,
    FACILITY_MODE: "ergaenzen",
    AUDIENCE: "seniorenbeirat",
    REPORT_SCENARIO: None,
    SHEET_KIND: "unterversorgung",
    PAPER: "A4",
    REG_FACILITY: "",  # not chosen yet: the first task
    REG_OPENED: None,
    REG_AUTHOR: "",
    REG_CONFLICT: None,
    REG_MESSAGE: None,
    REG_IMPORT: None,
    LAST_CLICK: None,
    APPLIED_LINK: None,
    NOTICES: (),
    STORED_VERSION: None,
    UPLOAD_TIMES: (),
}


def weight_key(component: str) -> str:
    """State key of an index component's weight."""
    return f"gewicht_{component}"


DEFAULTS.update({weight_key(k): v for k, v in DEFAULT_WEIGHTS.items()})


def weights() -> dict[str, float]:
    """The current index weights."""
    return {k: float(st.session_state[weight_key(k)]) for k in DEFAULT_WEIGHTS}


def reset_weights() -> None:
    """Callback: all weights back to the documented defaults."""
    for k, v in DEFAULT_WEIGHTS.items():
        st.session_state[weight_key(k)] = v


def preset() -> str:
    """The preset the current weights match, or :data:`OWN_WEIGHTS`."""
    return preset_of(weights()) or OWN_WEIGHTS


def apply_preset() -> None:
    """Callback of the preset radio: set every weight to the chosen preset's."""
    chosen = st.session_state[PRESET_PICK]
    if chosen in PRESETS:
        for k, v in PRESETS[chosen].weights.items():
            st.session_state[weight_key(k)] = v


def init(years: list[int], default: int | None = None) -> None:
    """Write the defaults for keys not set yet.

    Parameters
    ----------
    years : list of int
        Selectable years (observed and projected).
    default : int, optional
        The default year (the latest observed); the latest selectable one without it.
    """
    default = default if default is not None else (max(years) if years else None)
    defaults = {**DEFAULTS, YEAR: default}
    for key, value in defaults.items():
        st.session_state.setdefault(key, value)
    if years and st.session_state[YEAR] not in years:
        st.session_state[YEAR] = default


def widget_key(key: str) -> str:
    """The widget's own key for a stored value (used by tests to find the widget)."""
    return f"_w_{key}"


def _store(key: str) -> None:
    st.session_state[key] = st.session_state[widget_key(key)]


def _store_and_reset(key: str, reset: tuple[str, ...], then) -> None:
    _store(key)
    for other in reset:
        st.session_state[other] = DEFAULTS[other]
    if then is not None:
        then()


def bind(key: str, reset: tuple[str, ...] = (), then=None) -> dict:
    """Keyword arguments that tie a widget to the stored value ``key``.

    Parameters
    ----------
    key : str
        Stored value.
    reset : tuple of str
        Keys set back to their defaults when this widget changes (e.g. the facility
        categories when the target group changes).
    then : callable, optional
        Called after the value is stored (e.g. to update the URL).

    Returns
    -------
    dict
        ``key``, ``on_change`` and ``args`` for any Streamlit input widget.
    """
    st.session_state[widget_key(key)] = st.session_state[key]
    if reset or then is not None:
        return {"key": widget_key(key), "on_change": _store_and_reset, "args": (key, reset, then)}
    return {"key": widget_key(key), "on_change": _store, "args": (key,)}
