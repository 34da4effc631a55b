"""Travel-time maps: every populated cell drawn, unreachable cells named, legend notes escaped."""

from __future__ import annotations

import re

import numpy as np

from geo.analysis.access_adapter import analyse
from geo.analysis.access_kernel import WalkParams
from geo.analysis.demand import TARGET_GROUPS
from maps.access_maps import cell_squares, transit_time_map


def _html(m) -> str:
    """The rendered page with the JSON escapes of the legend script decoded."""
    return re.sub(r"\\u([0-9a-fA-F]{4})", lambda g: chr(int(g.group(1), 16)), m.get_root().render())


def test_transit_time_map(synthetic):
    result = analyse(synthetic, 2025, TARGET_GROUPS["senioren"], WalkParams())
    cells = result.cells
    minutes = np.linspace(3, 40, len(cells))
    minutes[0] = np.inf
    stops = synthetic.einrichtungen.dropna(subset=["lon"]).head(2).to_crs(25832)
    m = transit_time_map(
        synthetic.stadtteile, cells, cell_squares(synthetic.zensus), minutes, minutes + 5,
        result.sites, stops, "Annahme <b>fett</b>",
    )  # fmt: skip
    html = _html(m)
    assert html.count('"fill": "#') >= len(cells)  # one square per populated cell
    assert "nicht erreichbar" in html
    assert "Reisezeit zur nächsten Einrichtung (zu Fuß + Bus &amp; Bahn)" in html
    assert "<b>fett</b>" not in html
    assert "Annahme &lt;b&gt;fett&lt;/b&gt;" in html
