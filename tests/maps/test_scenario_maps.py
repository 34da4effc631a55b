"""The simulation map: compact grid and boundaries for the browser, layers per scenario."""

from __future__ import annotations

import base64
import json
import re

import numpy as np
import pandas as pd
import pytest
import shapely
from pyproj import Transformer

from maps.base import LABEL_SPOTS, LabelOrder, js_json, label_points
from maps.scenario_maps import (
    CHANGE_STYLE,
    GRID_TOLERANCE_M,
    TRANSIT_COLOR,
    area_rings,
    base_data,
    bits,
    encode_polyline,
    grid_spec,
    layered_base,
    simulation_layers,
)
from scenarios.evaluation import compute, walking
from scenarios.model import Assumptions, NewSite, Overlay, Scenario
from scenarios.proposals import propose
from tests.synthetic import X0, Y0, metric_point


def _decode_polyline(text: str) -> np.ndarray:
    """Python twin of BA.polyline in static/begegnungsatlas/karte.js."""
    values, shift, result = [], 0, 0
    for char in text:
        byte = ord(char) - 63
        result |= (byte & 0x1F) << shift
        shift += 5
        if byte < 0x20:
            values.append(~(result >> 1) if result & 1 else result >> 1)
            shift, result = 0, 0
    return np.cumsum(np.array(values).reshape(-1, 2), axis=0) / 1e5


def _cells_from_spec(spec: dict) -> list[tuple[int, int]]:
    """Python twin of BA.grid and BA.varints: (row, column) per cell in order."""
    values, value, shift = [], 0, 0
    for byte in base64.b64decode(spec["runs"]):
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            values.append(-(value + 1) // 2 if value & 1 else value // 2)
            value, shift = 0, 0
    cells, row, end = [], 0, 0
    for step, gap, length in np.array(values).reshape(-1, 3):
        row, col = row + step, end + gap
        cells += [(int(row), int(col) + i) for i in range(length)]
        end = col + length
    return cells


def _poly(c, u, v):
    return (
        c[0] + c[1] * u + c[2] * v + c[3] * u * u + c[4] * u * v + c[5] * v * v
        + c[6] * u**3 + c[7] * u * u * v + c[8] * u * v * v + c[9] * v**3
    )  # fmt: skip


def test_polyline_round_trip():
    latlon = np.array([[52.12345, 11.6], [52.12, 11.61234], [52.0, 11.5], [52.0, 11.5]])
    assert np.allclose(_decode_polyline(encode_polyline(latlon)), latlon, atol=5e-6)


def test_grid_keeps_the_cell_order_and_corners_within_tolerance(synthetic):
    cells = synthetic.zensus.iloc[::-1]  # any order: the browser follows the analysis
    spec = grid_spec(cells)
    order = _cells_from_spec(spec)
    assert len(order) == len(cells)
    expected = list(
        zip(
            ((cells["ymin"] - spec["y0"]) / spec["step"]).astype(int),
            ((cells["xmin"] - spec["x0"]) / spec["step"]).astype(int),
            strict=True,
        )
    )
    assert order == expected
    to_wgs = Transformer.from_crs(3035, 4326, always_xy=True)
    x, y = cells["xmax"].to_numpy(), cells["ymax"].to_numpy()
    lon, lat = to_wgs.transform(x, y)
    u, v = (x - spec["cx"]) / spec["scale"], (y - spec["cy"]) / spec["scale"]
    err = np.hypot(
        (_poly(spec["lat"], u, v) - lat) * 111_320,
        (_poly(spec["lon"], u, v) - lon) * 111_320 * np.cos(np.radians(lat)),
    )
    assert err.max() < GRID_TOLERANCE_M


@pytest.mark.real_data
def test_real_grid_is_small_and_exact(real):
    spec = grid_spec(real.zensus)
    assert len(_cells_from_spec(spec)) == len(real.zensus)
    assert len(js_json(spec)) < 7_000  # 4,531 cells in a few KB


def test_irregular_cells_are_refused(synthetic):
    cells = synthetic.zensus.copy()
    cells.loc[cells.index[0], "xmin"] += 30
    with pytest.raises(ValueError, match="regelmäßiges Gitter"):
        grid_spec(cells)


def test_bits_are_little_endian_per_byte():
    mask = np.zeros(10, dtype=bool)
    mask[[0, 9]] = True
    assert list(base64.b64decode(bits(mask))) == [1, 2]


def test_area_rings_keep_every_stadtteil(synthetic):
    rings = area_rings(synthetic.stadtteile)
    assert [r[0] for r in rings] == list(synthetic.stadtteile.index)
    ring = _decode_polyline(rings[0][1][0])
    square = synthetic.stadtteile.to_crs(4326).geometry.iloc[0]
    # Rounded to 1e-5° (about 1 m) on a 4 km outline.
    assert shapely.Polygon(ring[:, ::-1]).symmetric_difference(square).area < square.area * 0.005


def test_labels_sit_inside_their_area_with_priority_by_size(synthetic):
    labels = label_points(synthetic.stadtteile)
    wgs = synthetic.stadtteile.to_crs(4326)
    for (lat, lon, name, prio, area_id, spots, essential), geom in zip(
        labels, wgs.geometry, strict=True
    ):
        assert essential  # without an order every name is essential
        assert geom.contains(shapely.Point(lon, lat))
        # Further positions for the browser to try, all inside the area too.
        assert 1 <= len(spots) <= LABEL_SPOTS - 1
        assert all(geom.contains(shapely.Point(x, y)) for y, x in spots)
        assert name == synthetic.stadtteile.at[area_id, "stadtteil"]
        assert prio == pytest.approx(100.0)  # 1 km² = 100 ha


def test_label_order_follows_the_given_series(synthetic):
    residents = pd.Series({"02": 900, "01": 10})
    labels = {label[4]: label[3] for label in label_points(synthetic.stadtteile, order=residents)}
    assert labels["02"] == 900
    assert labels["01"] == 10
    # Ids the series does not name come last; a series for other areas keeps the area.
    assert all(v == -1.0 for k, v in labels.items() if k not in residents.index)
    regions = pd.Series({"Nord": 5})
    assert label_points(synthetic.stadtteile, order=regions) == label_points(synthetic.stadtteile)


def _data(fg) -> dict:
    script = next(iter(fg._children.values()))
    return json.loads(script.data)


def test_layers_follow_the_scenario(synthetic):
    site = NewSite("Neu <b>", *metric_point(X0 + 500, Y0 + 1500))
    ev = compute(
        synthetic,
        Scenario(assumptions=Assumptions(year=2025), overlay=Overlay(added=(site,))),
        draws=0,
    )
    before, after = ev.before.cells["versorgt"].to_numpy(), ev.after.cells["versorgt"].to_numpy()
    data = _data(
        simulation_layers(before, after, ev.after.sites, ev.after.sites.iloc[:0], ev.after.params)
    )
    colors = [layer["color"] for layer in data["cells"]]
    assert CHANGE_STYLE["neu"][0] in colors
    assert TRANSIT_COLOR not in colors
    new_bits = next(
        layer["bits"] for layer in data["cells"] if layer["color"] == CHANGE_STYLE["neu"][0]
    )
    unpacked = np.unpackbits(np.frombuffer(base64.b64decode(new_bits), np.uint8), bitorder="little")
    assert unpacked[: len(after)].sum() == (after & ~before).sum()
    kinds = [p[2] for p in data["pins"]]
    assert kinds.count("neu") == 1
    assert kinds.count("bestand") == len(ev.before.sites)
    assert data["ring"] == pytest.approx(500 / 1.3, abs=0.1)
    labels = [e[1] for e in data["legend"]["entries"]]
    assert "Vorschlag, noch nicht übernommen" not in labels
    gain = np.zeros(len(after), dtype=bool)
    gain[:2] = True
    fg = simulation_layers(
        before, after, ev.after.sites, ev.after.sites.iloc[:0], ev.after.params,
        transit_gain=gain, transit_label="mit Bus & Bahn neu in 20 min",
    )  # fmt: skip
    data = _data(fg)
    assert data["cells"][0]["color"] == TRANSIT_COLOR
    assert ["#F0E442", "mit Bus & Bahn neu in 20 min", ""] in data["legend"]["entries"]
    assert "<b>" not in next(iter(fg._children.values())).data  # set as text in the browser


def test_proposal_preview_is_numbered_and_keeps_numbers_when_sites_are_taken(synthetic):
    base = walking(synthetic, Assumptions(year=2025)).access
    proposal = propose(synthetic, base, 2, "grid")
    ev = compute(synthetic, Scenario(assumptions=Assumptions(year=2025)), draws=0)
    versorgt = ev.before.cells["versorgt"].to_numpy()
    data = _data(
        simulation_layers(
            versorgt,
            versorgt,
            ev.after.sites,
            ev.after.sites.iloc[:0],
            ev.after.params,
            proposal=proposal.sites,
            proposal_taken=[True, False],
            candidates=ev.after.sites.iloc[:0],
        )
    )
    previews = [p for p in data["pins"] if p[2] == "vorschlag"]
    assert [p[6] for p in previews] == ["2"]
    assert previews[0][3].startswith(f"Vorschlag 2: {proposal.sites['name'].iloc[1]}")
    assert "Vorschlag, noch nicht übernommen" in [e[1] for e in data["legend"]["entries"]]


def test_candidates_get_a_legend_entry(synthetic):
    ev = compute(synthetic, Scenario(assumptions=Assumptions(year=2025)), draws=0)
    versorgt = ev.before.cells["versorgt"].to_numpy()
    candidates = synthetic.einrichtungen.dropna(subset=["lon"]).head(2).to_crs(25832)
    data = _data(
        simulation_layers(
            versorgt,
            versorgt,
            ev.after.sites,
            ev.after.sites.iloc[:0],
            ev.after.params,
            candidates=candidates,
        )
    )
    assert [p[2] for p in data["pins"]].count("kandidat") == 2
    assert any(e[1].startswith("Kandidat") for e in data["legend"]["entries"])


def test_base_stays_the_same_while_the_scenario_changes(synthetic):
    # streamlit-folium re-creates the Leaflet map only when the base script changes.
    from streamlit_folium import _get_map_string

    data = base_data(synthetic.stadtteile, synthetic.zensus)
    scripts = {re.sub(r"_[a-z0-9]{32}", "", _get_map_string(layered_base(data))) for _ in range(2)}
    assert len(scripts) == 1
    large = _get_map_string(layered_base(data, large=True))
    assert re.sub(r"_[a-z0-9]{32}", "", large) not in scripts  # a new map for presentation


def test_label_order_marks_the_essential_names(synthetic):
    order = LabelOrder(pd.Series({"01": 500, "02": 20}), frozenset({"01"}))
    labels = {label[4]: label for label in label_points(synthetic.stadtteile, order=order)}
    assert labels["01"][3] == 500
    assert labels["01"][6] is True
    assert labels["02"][6] is False  # named only where room is left
