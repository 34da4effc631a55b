"""Base map, legend and label helpers shared by all map builders.

Everything text-like that reaches the browser is HTML-escaped here, so names from data
files can never inject markup or script into a map.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from dataclasses import dataclass

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import xyzservices
from branca.element import Element, MacroElement
from jinja2 import Template
from pyproj import Transformer

from geo.crs import METRIC_CRS, to_metric
from geo.io.sources import ATTRIBUTION
from maps.assets import LEAFLET_IMAGES_URL, LOCAL_CSS, LOCAL_JS

_TO_WGS84 = Transformer.from_crs(METRIC_CRS, "EPSG:4326", always_xy=True)
OSM_ATTRIBUTION = 'Hintergrund: <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>'
OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
#: The tile source as a provider object: folium would otherwise search its whole provider
#: catalogue for the URL on every map (milliseconds on each rerun).
_OSM_PROVIDER = xyzservices.TileProvider(
    name="OpenStreetMap", url=OSM_TILES, attribution="OpenStreetMap", max_zoom=19
)
#: Pixels kept below a map that fills the screen (presentation): the source line under it.
FRAME_RESERVE_PX = 64
#: Plain background when no basemap is shown or it cannot be loaded.
BACKGROUND = "#f4f3ef"

_CSS = f"""
<style>
.leaflet-container {{ background: {BACKGROUND}; font-family: "Source Sans Pro", "DejaVu Sans", sans-serif; }}
.leaflet-control-attribution {{ font-size: 11px !important; line-height: 1.4; }}
.ba-legend {{ background: rgba(255,255,255,.92); padding: 8px 10px; border-radius: 4px;
  box-shadow: 0 1px 4px rgba(0,0,0,.3); font-size: 13px; line-height: 18px; max-width: 260px; }}
.ba-legend h4 {{ margin: 0 0 4px; font-size: 13px; font-weight: 600; }}
.ba-legend .sw {{ display: inline-block; width: 16px; height: 12px; margin-right: 6px;
  vertical-align: middle; border: 1px solid #777; }}
.ba-legend .sw.ring {{ border-radius: 50%; }}
.ba-legend .sw.punkt {{ width: 10px; height: 10px; border-radius: 50%; margin: 0 9px 0 3px; }}
.ba-legend .sw.linie {{ height: 4px; border: none; margin-bottom: 3px; }}
.ba-legend .sw.hohl {{ width: 8px; height: 8px; border-radius: 50%; margin: 0 9px 0 3px;
  border: 2px dashed #D55E00; background: #fff !important; }}
.ba-legend .sw.vorschlag {{ border: 2px dashed #111; border-radius: 50%; }}
.ba-legend .note {{ margin-top: 4px; font-size: 11px; color: #444; }}
.ba-label-icon {{ background: none; border: none; }}
.ba-label {{ position: absolute; transform: translate(-50%, -50%); font-size: 11px; font-weight: 600;
  color: #222; white-space: pre; text-align: center; pointer-events: none; line-height: 1.15;
  text-shadow: 0 0 2px #fff, 0 0 2px #fff, 0 0 3px #fff; }}
.ba-label.ba-abgesetzt {{ background: rgba(255,255,255,.8); padding: 0 2px; border-radius: 2px; }}
.ba-leader {{ position: absolute; left: 0; top: 0; height: 1px; background: #222; display: none;
  transform-origin: 0 50%; pointer-events: none; }}
.ba-leader::before {{ content: ""; position: absolute; left: -2px; top: -2px; width: 5px; height: 5px;
  border-radius: 50%; background: #222; }}
.ba-tooltip {{ font-size: 12px; border-collapse: collapse; }}
.ba-tooltip th {{ text-align: left; padding-right: 8px; font-weight: 600; }}
.ba-schmal .ba-legend, .ba-legend.ba-kompakt {{ font-size: 11px; line-height: 14px; max-width: 180px;
  padding: 5px 7px; }}
.ba-schmal .ba-legend h4, .ba-legend.ba-kompakt h4 {{ font-size: 11px; }}
.ba-schmal .ba-legend .sw, .ba-legend.ba-kompakt .sw {{ width: 12px; height: 10px; }}
.ba-schmal .ba-legend .note, .ba-legend.ba-kompakt .note {{ font-size: 10px; line-height: 12px; }}
/* A narrow map (half a page) has smaller names, so every ranked Stadtteil keeps its own. */
.ba-schmal .ba-label {{ font-size: 10px; }}
.ba-offline {{ background: rgba(255,255,255,.9); padding: 2px 6px; font-size: 11px; color: #555; }}
.ba-pin-icon {{ background: none; border: none; }}
.ba-pin {{ display: flex; align-items: center; justify-content: center; border-radius: 50%;
  border: 2px solid #fff; box-shadow: 0 0 0 1px #333; color: #fff; font-size: 12px; }}
.ba-pin.unklar {{ border-style: dashed; border-color: #222; }}
.ba-pin.nein {{ opacity: .45; }}
.ba-pin.ba-vorschlag {{ border: 2px dashed #111; box-shadow: none; color: #111; font-weight: 700; }}
.ba-pin-text {{ font-size: 13px; line-height: 1; }}
/* At city zoom the pins shrink; on the simulation map so far that the 100-m cells around
   them stay visible (a 500 m catchment is about 20 px across there). */
.ba-z-stadt .ba-pin {{ transform: scale(.55); }}
.ba-sim.ba-z-stadt .ba-pin {{ transform: scale(.38); box-shadow: 0 0 0 2px #333; }}
.ba-sim.ba-z-stadt .ba-pin.ba-vorschlag {{ transform: scale(.85); box-shadow: none; }}
.ba-sim.ba-z-stadt .ba-pin i {{ display: none; }}
.ba-sim.ba-z-mittel .ba-pin {{ transform: scale(.7); }}
.ba-sim.ba-z-stadt .ba-label {{ font-size: 10px; }}
.ba-large.ba-sim.ba-z-stadt .ba-label {{ font-size: clamp(10px, 1.9vh, 13px); }}
/* Larger type for projection (presentation mode): one class, also for a map that was
   created before the mode was switched on. */
/* Sizes follow the map's height (vh in the map's frame): readable on a 720-pixel projector
   without filling a small map. */
.ba-large .ba-legend {{ font-size: clamp(13px, 2.4vh, 17px); line-height: 1.4; max-width: 340px; }}
.ba-large .ba-legend h4 {{ font-size: clamp(14px, 2.5vh, 18px); }}
.ba-large .ba-legend .sw {{ width: 22px; height: 16px; }}
.ba-large .ba-legend .note {{ font-size: clamp(11px, 2vh, 14px); }}
.ba-large .ba-label {{ font-size: clamp(10px, 2.1vh, 15px); }}
.ba-large .leaflet-tooltip, .ba-large .ba-tooltip {{ font-size: 16px; }}
.ba-large.ba-schmal .ba-legend {{ font-size: 13px; line-height: 17px; max-width: 240px; }}
.ba-large.ba-schmal .ba-legend h4 {{ font-size: 14px; }}
/* A legend that would take too much of a small map (karte.js) gets small type anyway. */
.ba-large .ba-legend.ba-kompakt {{ font-size: 11px; line-height: 15px; max-width: 190px; }}
.ba-large .ba-legend.ba-kompakt h4 {{ font-size: 12px; }}
.ba-large .ba-legend.ba-kompakt .sw {{ width: 14px; height: 11px; }}
.ba-large .ba-legend.ba-kompakt .note {{ font-size: 10px; }}
</style>
"""

#: In presentation mode the map (streamlit-folium's ``map_div``) fills its frame, whose
#: height is set from the screen; Leaflet follows a resized frame by itself.
_FILL_FRAME = "<style>#map_div { height: 100vh !important; }</style>"

_OFFLINE_NOTICE = Template(
    """
{% macro script(this, kwargs) %}
(function() {
  var layer = {{ this._parent.get_name() }};
  var shown = false;
  layer.on('tileerror', function() {
    if (shown) { return; }
    shown = true;
    var note = L.control({position: 'topright'});
    note.onAdd = function() {
      var div = L.DomUtil.create('div', 'ba-offline');
      div.textContent = 'Ohne Hintergrundkarte (offline)';
      div.title = 'Hintergrundkarte nicht erreichbar – die Karte zeichnet ohne Hintergrund.';
      return div;
    };
    note.addTo(layer._map);
  });
})();
{% endmacro %}
"""
)

_MAP_SETUP = Template(
    """
{% macro script(this, kwargs) %}
L.Icon.Default.imagePath = {{ this.images_url }};
L.control.scale({metric: true, imperial: false, maxWidth: 160}).addTo({{ this._parent.get_name() }});
{{ this._parent.get_name() }}.attributionControl.setPrefix(false).addAttribution({{ this.attribution }});
{{ this._parent.get_name() }}.getContainer().classList.toggle("ba-large", {{ this.large }});
if (window.BA) {
  if ({{ this.large }}) { BA.fitFrame({{ this._parent.get_name() }}, {{ this.reserve }}); }
  BA.setBounds({{ this._parent.get_name() }}, {{ this.bounds }});
  BA.zoomClasses({{ this._parent.get_name() }});
  BA.closeTooltips({{ this._parent.get_name() }});
}
{% endmacro %}
"""
)

_CONTROL = Template(
    """
{% macro script(this, kwargs) %}
(function() {
  var control = L.control({position: {{ this.position }}});
  control.onAdd = function() {
    var div = L.DomUtil.create('div', {{ this.css_class }});
    div.innerHTML = {{ this.html }};
    L.DomEvent.disableClickPropagation(div);
    return div;
  };
  control.addTo({{ this._parent.get_name() }});
  // Every box takes room: the city is fitted beside it (karte.js BA.layout).
  if (window.BA) { BA.layout({{ this._parent.get_name() }}); }
})();
{% endmacro %}
"""
)

_CALL = Template(
    """
{% macro script(this, kwargs) %}
BA.{{ this.function }}({{ this.map_name() }}, {% if this.with_layer %}{{ this._parent.get_name() }}, {% endif %}{{ this.data }});
{% endmacro %}
"""
)


def _minified(css: str) -> str:
    """Styles without comments and surplus blanks (they travel with every map update)."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.DOTALL)
    css = re.sub(r"\s+", " ", css)
    return re.sub(r"\s*([{};:,>])\s*", r"\1", css).strip()


_CSS = _minified(_CSS)

#: Compiled templates of fixed markup (see :class:`_Static`).
_STATIC_TEMPLATES: dict[str, Template] = {}


class _Static(Element):
    """Fixed markup (styles) whose template is compiled once, not for every map."""

    def __init__(self, markup: str) -> None:
        super().__init__()
        if markup not in _STATIC_TEMPLATES:
            _STATIC_TEMPLATES[markup] = Template(markup)
        self._template = _STATIC_TEMPLATES[markup]


class _Script(MacroElement):
    """A script snippet attached to a map or layer (values are JSON-encoded)."""

    def __init__(self, template: Template, **values: str) -> None:
        super().__init__()
        self._name = "BaScript"
        self._template = template
        for key, value in values.items():
            setattr(self, key, js_string(value))


class Call(MacroElement):
    """A call of a helper in ``static/begegnungsatlas/karte.js`` with JSON data.

    ``BA.<function>(map, data)`` – or ``BA.<function>(map, layer, data)`` when added to a
    layer (a feature group) with ``with_layer``. The data is JSON that is also safe inside
    an HTML ``<script>`` element; the helpers set text from it as ``textContent`` only.
    """

    def __init__(self, function: str, data: object, *, with_layer: bool = False) -> None:
        super().__init__()
        self._name = "BaCall"
        self._template = _CALL
        self.function = function
        self.data = js_json(data)
        self.with_layer = with_layer

    def map_name(self) -> str:
        """JavaScript name of the map this call belongs to."""
        parent = self._parent
        while parent is not None and not isinstance(parent, folium.Map):
            parent = getattr(parent, "_parent", None)
        return parent.get_name() if parent is not None else "map"


#: Characters escaped in JSON that goes into a page: no ``</script>``, no template-literal
#: syntax, no line separators that end a JavaScript string.
_JSON_ESCAPES = str.maketrans({c: f"\\u{ord(c):04x}" for c in "<>&`$\u2028\u2029"})


def encode_polyline(latlon: np.ndarray, precision: int = 5) -> str:
    """Google's encoded polyline of ``(n, 2)`` lat/lon (≈ 1 m at precision 5).

    Parameters
    ----------
    latlon : numpy.ndarray
        ``(n, 2)`` latitude, longitude.
    precision : int
        Decimal places kept.

    Returns
    -------
    str
    """
    scaled = np.round(np.asarray(latlon, dtype=float).reshape(-1, 2) * 10**precision).astype(
        np.int64
    )
    deltas = np.diff(scaled, axis=0, prepend=np.zeros((1, 2), dtype=np.int64)).ravel()
    out = []
    for value in deltas.tolist():
        value = ~(value << 1) if value < 0 else value << 1
        while value >= 0x20:
            out.append(chr((0x20 | (value & 0x1F)) + 63))
            value >>= 5
        out.append(chr(value + 63))
    return "".join(out)


def js_json(value: object) -> str:
    """JSON that is safe inside an HTML ``<script>`` element and JavaScript template literals."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.translate(_JSON_ESCAPES)


def js_string(value: str) -> str:
    """A JSON string literal that is also safe inside an HTML ``<script>`` element."""
    return json.dumps(value).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def esc(text: object) -> str:
    """HTML-escape any value for use in popups, tooltips and labels.

    Besides ``<>&"'`` this also neutralises backticks, ``$`` and backslashes, because
    folium pastes popup and tooltip HTML into JavaScript template literals.
    """
    escaped = html.escape("" if text is None else str(text), quote=True)
    return escaped.replace("`", "&#96;").replace("$", "&#36;").replace("\\", "&#92;")


class LocalMap(folium.Map):
    """A ``folium.Map`` that loads Leaflet and its assets from the local server (offline).

    A subclass instead of patching ``folium.Map.default_js`` globally: other folium users in
    the same process keep their defaults.
    """

    default_js = LOCAL_JS
    default_css = LOCAL_CSS


def base_map(
    bounds_lonlat: tuple[float, float, float, float],
    *,
    basemap: bool = True,
    large: bool = False,
) -> folium.Map:
    """An empty map fitted to ``bounds_lonlat`` with scale bar and attribution.

    Parameters
    ----------
    bounds_lonlat : tuple of float
        ``(west, south, east, north)`` in degrees.
    basemap : bool
        Add the OpenStreetMap tile layer. Without internet the tiles fail quietly, a small
        note appears and the map keeps drawing on a plain background.
    large : bool
        Larger legend, labels and tooltips (presentation mode).

    Returns
    -------
    folium.Map
    """
    west, south, east, north = bounds_lonlat
    m = LocalMap(
        location=[(south + north) / 2, (west + east) / 2],
        zoom_start=12,
        tiles=None,
        control_scale=False,  # a metric-only scale bar is added below
        zoom_snap=0.1,  # fine steps: the first view fits the free area closely
    )
    m.get_root().header.add_child(_Static(_CSS))
    if large:  # the map fills its frame, whose height follows the screen (BA.fitFrame)
        m.get_root().header.add_child(_Static(_FILL_FRAME))
    setup = _Script(_MAP_SETUP, images_url=LEAFLET_IMAGES_URL, attribution=esc(ATTRIBUTION))
    # Part of the map's script, not only of its header: switching presentation mode on
    # re-creates the map, so the type size is the same as with ?praesentation=1.
    setup.large = "true" if large else "false"
    setup.reserve = str(FRAME_RESERVE_PX)
    setup.bounds = js_json([[south, west], [north, east]])
    m.add_child(setup)
    if basemap:
        tiles = folium.TileLayer(
            tiles=_OSM_PROVIDER,
            attr=OSM_ATTRIBUTION,
            name="OpenStreetMap",
            max_zoom=19,
            opacity=0.55,
        )
        tiles.add_child(_Script(_OFFLINE_NOTICE))
        tiles.add_to(m)
    m.fit_bounds([[south, west], [north, east]])
    return m


def add_control(
    m: folium.Map,
    inner_html: str,
    css_class: str,
    position: str = "bottomright",
) -> None:
    """Add a static HTML box (legend, note) as a Leaflet control.

    Parameters
    ----------
    m : folium.Map
        Target map.
    inner_html : str
        Trusted HTML built by this package (escape any data before).
    css_class : str
        CSS class of the box.
    position : str
        Leaflet control position. Like every control it takes room: the first view fits
        the city beside it (``BA.layout`` in ``karte.js``).
    """
    m.add_child(_Script(_CONTROL, html=inner_html, css_class=css_class, position=position))


def add_legend(
    m: folium.Map, title: str, entries: list[tuple[str, ...]], note: str | None = None
) -> None:
    """Add a legend box with colour swatches.

    Parameters
    ----------
    m : folium.Map
        Target map.
    title : str
        Legend heading (escaped).
    entries : list of (colour, label) or (colour, label, shape)
        Swatches from top to bottom (labels escaped); ``shape`` ``"punkt"`` draws a dot,
        ``"linie"`` a line (e.g. the Elbe).
    note : str, optional
        Small print under the swatches, e.g. an approximation note (escaped).
    """
    rows = "".join(
        f'<div><span class="sw {esc(entry[2] if len(entry) > 2 else "")}" '
        f'style="background:{esc(entry[0])}"></span>{esc(entry[1])}</div>'
        for entry in entries
    )
    foot = f'<div class="note">{esc(note)}</div>' if note else ""
    add_control(m, f"<h4>{esc(title)}</h4>{rows}{foot}", "ba-legend")


#: Positions a name tries inside its area (the most interior first).
LABEL_SPOTS = 8
_LABEL_CACHE: dict[tuple, list[list]] = {}


def label_points(
    areas: gpd.GeoDataFrame,
    name_column: str = "stadtteil",
    order: LabelOrder | pd.Series | None = None,
) -> list[list]:
    """``[lat, lon, name, priority, id, spots]`` per area: where its name may go, how important.

    The first point is the pole of inaccessibility (the interior point farthest from the
    boundary): the name's first choice and, when no spot inside is free, the point its
    leader line points to. ``spots`` are further interior positions, the most interior
    first (:func:`maps.labels.candidates`). Names are placed in descending priority – by
    default the area in hectares; pages pass the residents, so the populated Stadtteile get
    their names first.

    Parameters
    ----------
    areas : geopandas.GeoDataFrame
        Polygons (any CRS) with a name column.
    name_column : str
        Column holding the label text.
    order : LabelOrder or pandas.Series, optional
        Order of placement and essential names (see :func:`with_priority`).

    Returns
    -------
    list of list
    """
    from maps.labels import candidates

    metric = to_metric(areas)
    wkb = hashlib.sha256(b"".join(metric.geometry.to_wkb())).hexdigest()
    key = (wkb, tuple(map(str, areas[name_column])), tuple(map(str, areas.index)))
    if key not in _LABEL_CACHE:
        spots = [candidates(g)[:LABEL_SPOTS] or [_any_point(g)] for g in metric.geometry]
        flat = [xy for points in spots for xy in points]
        lon, lat = _TO_WGS84.transform(*np.asarray(flat, dtype=float).T)
        out, i = [], 0
        for points, name, area, area_id in zip(
            spots, areas[name_column], metric.geometry.area, areas.index, strict=True
        ):
            at = [
                [round(float(lat[i + j]), 5), round(float(lon[i + j]), 5)]
                for j in range(len(points))
            ]
            i += len(points)
            out.append([*at[0], str(name), round(float(area) / 1e4, 1), str(area_id), at[1:]])
        if len(_LABEL_CACHE) > 32:
            _LABEL_CACHE.clear()
        _LABEL_CACHE[key] = out
    return with_priority(_LABEL_CACHE[key], order)


@dataclass(frozen=True)
class LabelOrder:
    """In which order names are placed, and which must be shown.

    Attributes
    ----------
    priority : pandas.Series
        Per area id: higher is placed first (e.g. residents).
    essential : frozenset of str
        Areas whose name is always shown at city zoom – beside the area with a leader line
        when there is no room inside (e.g. every Stadtteil the index ranks). The others are
        named where room is left.
    """

    priority: pd.Series
    essential: frozenset[str] = frozenset()


def with_priority(labels: list[list], order: LabelOrder | pd.Series | None) -> list[list]:
    """Label data (:func:`label_points`) in the order given, with the essential flag.

    Parameters
    ----------
    labels : list of list
        ``[lat, lon, name, priority, id, spots]`` per area.
    order : LabelOrder, pandas.Series or None
        Priority per area id (a series: every area essential). None, or an order that
        names none of the areas, keeps the area as priority, every name essential.

    Returns
    -------
    list of list
        ``[lat, lon, name, priority, id, spots, essential]``.
    """
    if isinstance(order, pd.Series):
        order = LabelOrder(order, frozenset(map(str, order.index)))
    if order is None:
        return [[*label[:6], True] for label in labels]
    values = pd.to_numeric(order.priority, errors="coerce")
    values.index = values.index.astype(str)
    if not any(label[4] in values.index for label in labels):
        return [[*label[:6], True] for label in labels]
    return [
        [*label[:3], _weight(values.get(label[4])), label[4], label[5], label[4] in order.essential]
        for label in labels
    ]


def _weight(value: object) -> float:
    return -1.0 if value is None or pd.isna(value) else float(value)


def _any_point(geom) -> tuple[float, float]:
    point = geom.representative_point()
    return (point.x, point.y)


def add_labels(
    m: folium.Map,
    areas: gpd.GeoDataFrame,
    name_column: str = "stadtteil",
    order: LabelOrder | pd.Series | None = None,
) -> None:
    """Write area names into the map; names never overprint each other, pins or boxes.

    Leaflet places markers without a collision check. The names are placed in the browser
    (``BA.labels``): by priority, inside their area where there is room, otherwise beside
    it with a leader line; a name that finds no room at all is left out at this zoom and
    appears when the planner zooms in.

    Parameters
    ----------
    m : folium.Map
        Target map.
    areas : geopandas.GeoDataFrame
        Polygons (any CRS) with a name column.
    name_column : str
        Column holding the label text (set as text, never as HTML).
    order : LabelOrder or pandas.Series, optional
        Order of placement and essential names (see :func:`with_priority`).
    """
    m.add_child(Call("labels", label_points(areas, name_column, order)))
