"""QGIS default styles in a GeoPackage (table ``layer_styles``), as QML and as SLD.

QGIS keeps a layer's default style in the table ``layer_styles`` of the GeoPackage and
applies it when the layer is opened; other GIS read the SLD. The styles here use the
classes and colours of the app's web maps (the caller passes them), so a layer opened in
QGIS looks like the map on the page.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

#: QML document type and version written (QGIS 3 reads it).
_QML_HEAD = (
    "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"
    '<qgis version="3.28.0" styleCategories="Symbology|Labeling">'
)
_SYMBOL_TYPES = {"fill": ("fill", "SimpleFill"), "marker": ("marker", "SimpleMarker")}


@dataclass(frozen=True)
class Category:
    """One class of a categorised style.

    Attributes
    ----------
    value : str or None
        Field value of the class (None: every other value, including empty ones).
    label : str
        Legend text.
    color : str
        ``#rrggbb``.
    """

    value: str | None
    label: str
    color: str


@dataclass(frozen=True)
class LayerStyle:
    """The default style of one layer.

    Attributes
    ----------
    layer : str
        Table name in the GeoPackage.
    qml, sld : str
        The style for QGIS and as OGC Styled Layer Descriptor.
    description : str
        What the style shows (German).
    """

    layer: str
    qml: str
    sld: str
    description: str


def _rgb(color: str) -> str:
    value = color.lstrip("#")
    return ",".join(str(int(value[i : i + 2], 16)) for i in (0, 2, 4)) + ",255"


def _symbol(name: int | str, kind: str, color: str, outline: str = "#555555") -> str:
    symbol_type, layer_class = _SYMBOL_TYPES[kind]
    options = {
        "color": _rgb(color),
        "outline_color": _rgb(outline),
        "outline_width": "0.26" if kind == "fill" else "0.4",
        "style": "solid",
    }
    if kind == "marker":
        options.update(name="circle", size="3.2")
    props = "".join(f'<Option name="{k}" type="QString" value="{v}"/>' for k, v in options.items())
    legacy = "".join(f'<prop k="{k}" v="{v}"/>' for k, v in options.items())
    return (
        f'<symbol type="{symbol_type}" name="{name}" alpha="1" clip_to_extent="1" force_rhr="0">'
        f'<layer class="{layer_class}" enabled="1" locked="0" pass="0">'
        f'<Option type="Map">{props}</Option>{legacy}</layer></symbol>'
    )


def _labeling(field: str | None) -> str:
    if not field:
        return ""
    return (
        '<labeling type="simple"><settings>'
        f'<text-style fieldName={quoteattr(field)} fontSize="8"/>'
        '<text-buffer bufferDraw="1" bufferSize="0.8" bufferColor="255,255,255,255"/>'
        "</settings></labeling>"
    )


def categorized_qml(
    field: str, categories: Sequence[Category], kind: str, label_field: str | None = None
) -> str:
    """QML of a categorised renderer (``kind``: ``"fill"`` or ``"marker"``)."""
    cats, symbols = [], []
    for i, cat in enumerate(categories):
        value = "" if cat.value is None else cat.value
        cats.append(
            f'<category render="true" symbol="{i}" value={quoteattr(value)} '
            f"label={quoteattr(cat.label)}/>"
        )
        symbols.append(_symbol(i, kind, cat.color, "#555555" if kind == "fill" else "#232323"))
    return (
        f'{_QML_HEAD}<renderer-v2 type="categorizedSymbol" attr={quoteattr(field)} '
        'symbollevels="0" enableorderby="0" forceraster="0">'
        f"<categories>{''.join(cats)}</categories><symbols>{''.join(symbols)}</symbols>"
        f"</renderer-v2>{_labeling(label_field)}</qgis>"
    )


def outline_qml(color: str = "#222222", width: float = 0.6) -> str:
    """QML of a polygon drawn as its outline only (e.g. the city boundary)."""
    symbol = (
        '<symbol type="fill" name="0" alpha="1" clip_to_extent="1" force_rhr="0">'
        '<layer class="SimpleFill" enabled="1" locked="0" pass="0"><Option type="Map">'
        '<Option name="style" type="QString" value="no"/>'
        f'<Option name="outline_color" type="QString" value="{_rgb(color)}"/>'
        f'<Option name="outline_width" type="QString" value="{width}"/>'
        f'</Option><prop k="style" v="no"/><prop k="outline_color" v="{_rgb(color)}"/>'
        f'<prop k="outline_width" v="{width}"/></layer></symbol>'
    )
    return (
        f'{_QML_HEAD}<renderer-v2 type="singleSymbol" symbollevels="0" enableorderby="0" '
        f'forceraster="0"><symbols>{symbol}</symbols></renderer-v2></qgis>'
    )


def _sld(name: str, rules: list[str]) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<StyledLayerDescriptor version="1.1.0" xmlns="http://www.opengis.net/sld" '
        'xmlns:se="http://www.opengis.net/se" xmlns:ogc="http://www.opengis.net/ogc" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:schemaLocation="http://www.opengis.net/sld '
        'http://schemas.opengis.net/sld/1.1.0/StyledLayerDescriptor.xsd">'
        f"<NamedLayer><se:Name>{escape(name)}</se:Name><UserStyle>"
        f"<se:Name>{escape(name)}</se:Name><se:FeatureTypeStyle>{''.join(rules)}"
        "</se:FeatureTypeStyle></UserStyle></NamedLayer></StyledLayerDescriptor>"
    )


def _sld_symbolizer(kind: str, color: str, outline: str = "#555555") -> str:
    stroke = (
        f'<se:Stroke><se:SvgParameter name="stroke">{outline}</se:SvgParameter>'
        '<se:SvgParameter name="stroke-width">1</se:SvgParameter></se:Stroke>'
    )
    fill = f'<se:Fill><se:SvgParameter name="fill">{color}</se:SvgParameter></se:Fill>'
    if kind == "marker":
        return (
            "<se:PointSymbolizer><se:Graphic><se:Mark><se:WellKnownName>circle"
            f"</se:WellKnownName>{fill}{stroke}</se:Mark><se:Size>9</se:Size></se:Graphic>"
            "</se:PointSymbolizer>"
        )
    return f"<se:PolygonSymbolizer>{fill}{stroke}</se:PolygonSymbolizer>"


def categorized_sld(name: str, field: str, categories: Sequence[Category], kind: str) -> str:
    """SLD of the same classes: one rule per value, the class without value as ElseFilter."""
    rules = []
    for cat in categories:
        if cat.value is None:
            condition = "<se:ElseFilter/>"
        else:
            condition = (
                "<ogc:Filter><ogc:PropertyIsEqualTo>"
                f"<ogc:PropertyName>{escape(field)}</ogc:PropertyName>"
                f"<ogc:Literal>{escape(cat.value)}</ogc:Literal>"
                "</ogc:PropertyIsEqualTo></ogc:Filter>"
            )
        rules.append(
            f"<se:Rule><se:Name>{escape(cat.label)}</se:Name>{condition}"
            f"{_sld_symbolizer(kind, cat.color)}</se:Rule>"
        )
    return _sld(name, rules)


def outline_sld(name: str, color: str = "#222222") -> str:
    """SLD of a polygon outline without fill."""
    rule = (
        f"<se:Rule><se:Name>{escape(name)}</se:Name><se:PolygonSymbolizer><se:Stroke>"
        f'<se:SvgParameter name="stroke">{color}</se:SvgParameter>'
        '<se:SvgParameter name="stroke-width">2</se:SvgParameter></se:Stroke>'
        "</se:PolygonSymbolizer></se:Rule>"
    )
    return _sld(name, [rule])


def categorized(
    layer: str,
    field: str,
    categories: Sequence[Category],
    kind: str,
    description: str,
    label_field: str | None = None,
) -> LayerStyle:
    """A categorised :class:`LayerStyle` (QML and SLD of the same classes)."""
    return LayerStyle(
        layer,
        categorized_qml(field, categories, kind, label_field),
        categorized_sld(layer, field, categories, kind),
        description,
    )


def write_layer_styles(path: Path, styles: Sequence[LayerStyle]) -> None:
    """Store ``styles`` as the layers' default styles in the GeoPackage at ``path``.

    Creates the table ``layer_styles`` (QGIS's layout) and registers it as an attribute
    table of the GeoPackage. Layers must exist (their geometry column is looked up).

    Raises
    ------
    ValueError
        If a styled layer has no geometry column in the file.
    """
    conn = sqlite3.connect(path)
    try:
        conn.execute(
            """CREATE TABLE IF NOT EXISTS layer_styles (
                id INTEGER PRIMARY KEY AUTOINCREMENT, f_table_catalog TEXT(256),
                f_table_schema TEXT(256), f_table_name TEXT(256),
                f_geometry_column TEXT(256), styleName TEXT(30), styleQML TEXT,
                styleSLD TEXT, useAsDefault BOOLEAN, description TEXT, owner TEXT(30),
                ui TEXT(30), update_time DATETIME DEFAULT CURRENT_TIMESTAMP)"""
        )
        for style in styles:
            row = conn.execute(
                "SELECT column_name FROM gpkg_geometry_columns WHERE table_name = ?",
                (style.layer,),
            ).fetchone()
            if row is None:
                raise ValueError(f"Ebene {style.layer} hat keine Geometriespalte.")
            conn.execute(
                "INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, "
                "f_geometry_column, styleName, styleQML, styleSLD, useAsDefault, description) "
                "VALUES ('', '', ?, ?, ?, ?, ?, 1, ?)",
                (style.layer, row[0], "Begegnungsatlas", style.qml, style.sld, style.description),
            )
        if not conn.execute(
            "SELECT 1 FROM gpkg_contents WHERE table_name = 'layer_styles'"
        ).fetchone():
            conn.execute(
                "INSERT INTO gpkg_contents (table_name, data_type, identifier) "
                "VALUES ('layer_styles', 'attributes', 'layer_styles')"
            )
        conn.commit()
    finally:
        conn.close()
