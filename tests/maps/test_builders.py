"""Map builders: local assets only, escaped text, all areas drawn."""

from __future__ import annotations

import re

import folium
import pandas as pd

from geo.io.package import with_uploads
from geo.io.uploads import validate
from indicators.registry import INDICATORS
from indicators.table import indicator_table
from maps.assets import URL_PREFIX
from maps.base import esc
from maps.builders import classify_indicator, facility_map, indicator_map
from maps.layers import facility_popup_html
from tests.synthetic import X0, Y0, metric_point


def _html(m: folium.Map) -> str:
    return m.get_root().render()


def test_indicator_map_uses_local_leaflet_and_draws_every_area(synthetic):
    table = indicator_table(synthetic, 2025)
    ind = INDICATORS["anteil_65plus"]
    m = indicator_map(synthetic.stadtteile, table, ind, classify_indicator(table[ind.id], ind))
    html = _html(m)
    assert f"{URL_PREFIX}/leaflet/leaflet.js" in html
    assert not re.search(r"https://(cdn|code\.jquery|netdna|cdnjs)", html)
    assert html.count('"area_id"') == 3
    assert "keine Angabe" in html  # Ost has no published share: legend entry


def test_no_basemap_means_no_tile_layer(synthetic):
    table = indicator_table(synthetic, 2025)
    ind = INDICATORS["einwohner"]
    classes = classify_indicator(table[ind.id], ind)
    assert "tile.openstreetmap.org" in _html(
        indicator_map(synthetic.stadtteile, table, ind, classes)
    )
    assert "tile.openstreetmap.org" not in _html(
        indicator_map(synthetic.stadtteile, table, ind, classes, basemap=False)
    )


def test_names_from_data_cannot_inject_markup(synthetic):
    evil = '<script>alert("x")</script>`${1+1}`'
    stadtteile = synthetic.stadtteile.copy()
    stadtteile.loc["01", "stadtteil"] = evil
    facilities = synthetic.einrichtungen.copy()
    facilities.loc[0, "name"] = evil
    table = indicator_table(synthetic, 2025)
    table.loc["01", "stadtteil"] = evil
    ind = INDICATORS["einwohner"]
    html = _html(
        indicator_map(
            stadtteile, table, ind, classify_indicator(table[ind.id], ind), facilities=facilities
        )
    )
    html += _html(facility_map(stadtteile, facilities))
    assert "<script>alert" not in html
    assert "${1+1}" not in html
    assert esc(evil) in html


def test_popup_shows_precision_and_only_web_links(synthetic):
    row = synthetic.einrichtungen.iloc[0].copy()
    html = facility_popup_html(row)
    assert "Lage ± 50 m" in html
    assert 'href="https://example.org/"' in html
    row["quelle_url"] = "javascript:alert(1)"
    assert "href" not in facility_popup_html(row)


def test_facility_map_legend_lists_present_categories(synthetic):
    html = _html(facility_map(synthetic.stadtteile, synthetic.einrichtungen))
    assert "Seniorenbegegnung" in html
    assert "Kinder und Jugend" not in html
    assert "fa-people-group" in html
    assert pd.notna(synthetic.einrichtungen["lage_genauigkeit_m"]).any()


def test_popup_of_an_uploaded_facility_has_no_nan(synthetic):
    # Joining the package's list with an upload leaves NaN in the columns uploads lack.
    lon, lat = metric_point(X0 + 500, Y0 + 1500)
    upload = validate(
        "facilities", "x.csv", f"name;lat;lon\nNeu;{lat};{lon}\n".encode(), synthetic
    ).data
    joined = with_uploads(synthetic, facilities=upload, tag="t").einrichtungen
    row = joined.iloc[-1]
    assert pd.isna(row["in_betrieb_grund"])
    html = facility_popup_html(row)
    assert not re.search(r"\bnan\b", html, re.IGNORECASE), html
    assert "<td>in Betrieb</td>" in html
    reason = joined.iloc[0].copy()
    reason["in_betrieb_grund"] = "Umbau bis Mai"
    assert "in Betrieb – Umbau bis Mai" in facility_popup_html(reason)
