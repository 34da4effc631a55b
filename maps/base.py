"""Base map, legend and label helpers shared by all map builders.

Everything text-like that reaches the browser is HTML-escaped here, so names from data
files can never inject markup or script into a map.
"""

from __future__ import annotations

import html
import json

import folium
import geopandas as gpd
from branca.element import Element, MacroElement
from jinja2 import Template

from geo.crs import to_wgs84
from geo.sources import ATTRIBUTION
from maps.assets import LEAFLET_IMAGES_URL, LOCAL_CSS, LOCAL_JS

OSM_ATTRIBUTION = 'Hintergrund: <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>'
OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
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
.ba-legend .note {{ margin-top: 4px; font-size: 11px; color: #444; }}
.ba-label {{ font-size: 11px; font-weight: 600; color: #222; white-space: nowrap; text-align: center;
  text-shadow: 0 0 2px #fff, 0 0 2px #fff, 0 0 3px #fff; pointer-events: none; }}
.ba-offline {{ background: rgba(255,255,255,.9); padding: 2px 6px; font-size: 11px; color: #555; }}
.ba-pin {{ display: flex; align-items: center; justify-content: center; border-radius: 50%;
  border: 2px solid #fff; box-shadow: 0 0 0 1px #333; color: #fff; font-size: 12px; }}
.ba-pin.unklar {{ border-style: dashed; border-color: #222; }}
.ba-pin.nein {{ opacity: .45; }}
</style>
"""

#: Larger type for projection (presentation mode).
_LARGE_CSS = """
<style>
.ba-legend { font-size: 17px; line-height: 24px; max-width: 340px; }
.ba-legend h4 { font-size: 18px; }
.ba-legend .sw { width: 22px; height: 16px; }
.ba-legend .note { font-size: 14px; }
.ba-label { font-size: 15px; }
.leaflet-tooltip { font-size: 16px; }
</style>
"""

_OFFLINE_NOTICE = Template(
    """
{% macro script(this, kwargs) %}
(function() {
  var layer = {{ this._parent.get_name() }};
  var shown = false;
  layer.on('tileerror', function() {
    if (shown) { return; }
    shown = true;
    var note = L.control({position: 'bottomleft'});
    note.onAdd = function() {
      var div = L.DomUtil.create('div', 'ba-offline');
      div.textContent = 'Hintergrundkarte nicht erreichbar (offline) – Karte ohne Hintergrund';
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
{{ this._parent.get_name() }}.attributionControl.addAttribution({{ this.attribution }});
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
})();
{% endmacro %}
"""
)


class _Script(MacroElement):
    """A script snippet attached to a map or layer (values are JSON-encoded)."""

    def __init__(self, template: Template, **values: str) -> None:
        super().__init__()
        self._name = "BaScript"
        self._template = template
        for key, value in values.items():
            setattr(self, key, js_string(value))


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
        zoom_snap=0.25,
    )
    m.get_root().header.add_child(Element(_CSS))
    if large:
        m.get_root().header.add_child(Element(_LARGE_CSS))
    m.add_child(_Script(_MAP_SETUP, images_url=LEAFLET_IMAGES_URL, attribution=esc(ATTRIBUTION)))
    if basemap:
        tiles = folium.TileLayer(
            tiles=OSM_TILES,
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
    m: folium.Map, inner_html: str, css_class: str, position: str = "bottomright"
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
        Leaflet control position.
    """
    m.add_child(_Script(_CONTROL, html=inner_html, css_class=css_class, position=position))


def add_legend(
    m: folium.Map, title: str, entries: list[tuple[str, str]], note: str | None = None
) -> None:
    """Add a legend box with colour swatches.

    Parameters
    ----------
    m : folium.Map
        Target map.
    title : str
        Legend heading (escaped).
    entries : list of (colour, label)
        Swatches from top to bottom (labels escaped).
    note : str, optional
        Small print under the swatches, e.g. an approximation note (escaped).
    """
    rows = "".join(
        f'<div><span class="sw" style="background:{esc(color)}"></span>{esc(label)}</div>'
        for color, label in entries
    )
    foot = f'<div class="note">{esc(note)}</div>' if note else ""
    add_control(m, f"<h4>{esc(title)}</h4>{rows}{foot}", "ba-legend")


def add_labels(m: folium.Map, areas: gpd.GeoDataFrame, name_column: str = "stadtteil") -> None:
    """Write area names at a point inside each polygon.

    Parameters
    ----------
    m : folium.Map
        Target map.
    areas : geopandas.GeoDataFrame
        Polygons (any CRS) with a name column.
    name_column : str
        Column holding the label text (escaped).
    """
    points = to_wgs84(areas).representative_point()
    group = folium.FeatureGroup(name="Beschriftung", control=False)
    for point, name in zip(points, areas[name_column], strict=True):
        folium.Marker(
            [point.y, point.x],
            icon=folium.DivIcon(
                html=f'<div class="ba-label">{esc(name)}</div>',
                icon_size=(120, 16),
                icon_anchor=(60, 8),
                class_name="ba-label-icon",
            ),
            interactive=False,
        ).add_to(group)
    group.add_to(m)
