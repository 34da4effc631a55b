"""Coverage per area: hand-made cells, then the synthetic package end to end."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geo.analysis.access_adapter import SiteSelection, analyse
from geo.analysis.access_kernel import WalkParams
from geo.analysis.coverage_kernel import (
    COVERAGE_COLUMNS,
    add_exact_sites,
    cell_access,
    coverage_by_area,
)
from geo.analysis.demand import TARGET_GROUPS
from geo.facilities import located, select_meeting_places

PARAMS = WalkParams(max_walk_m=500)


def _cells() -> pd.DataFrame:
    # Area A: 10 people at 200 m, 30 at 700 m (uncertain: 450–900 m). Area B: 5 at 100 m.
    return pd.DataFrame(
        {
            "stadtteil_nr": ["A", "A", "B"],
            "nachfrage": [10.0, 30.0, 5.0],
            "gehweg_m": [200.0, 700.0, 100.0],
            "gehweg_min_m": [100.0, 450.0, 50.0],
            "gehweg_max_m": [300.0, 900.0, 150.0],
            "versorgt": [True, False, True],
            "e2sfca": [0.01, 0.002, 0.05],
        }
    )


def test_coverage_by_hand():
    official = pd.Series({"A": 40.0, "B": 5.0, "C": np.nan})
    cov = coverage_by_area(_cells(), PARAMS, official, pd.Series({"A": 1, "B": 0}))
    assert list(cov.columns) == COVERAGE_COLUMNS
    a = cov.loc["A"]
    assert (a["versorgt"], a["unversorgt"], a["anteil_versorgt"]) == (10, 30, 25.0)
    assert (a["versorgt_min"], a["versorgt_max"]) == (10, 40)  # the 450 m case counts at best
    assert a["median_gehweg_m"] == 700  # 30 of 40 people walk 700 m
    assert a["median_gehzeit_min"] == pytest.approx(700 / 60)
    assert a["je_einrichtung"] == 40
    assert a["e2sfca_je_1000"] == pytest.approx((10 * 0.01 + 30 * 0.002) / 40 * 1000)
    assert math.isinf(cov.at["B", "je_einrichtung"])  # people but no site
    assert cov.loc["C"].drop(["einrichtungen"]).isna().all()  # not published: missing, not 0


def test_synthetic_package_end_to_end(synthetic):
    result = analyse(synthetic, 2025, TARGET_GROUPS["senioren"], PARAMS)
    # Only ASZ-1 (Mitte centre) is a located, open senior place; OT-2 has no position.
    assert result.sites["id"].tolist() == ["ASZ-1"]
    assert result.unlocated["id"].tolist() == ["OT-2"]
    cells = result.cells
    straight = np.hypot(cells.geometry.x - 680_500, cells.geometry.y - 5_776_500)
    expected = cells.loc[straight * 1.3 <= 500].groupby("stadtteil_nr")["nachfrage"].sum()
    cov = result.coverage
    assert cov.at["01", "versorgt"] == pytest.approx(expected["01"])
    assert cov.at["01", "zielgruppe"] == 250
    assert cov.at["01", "verortet"] == pytest.approx(250)
    assert cov.at["02", "versorgt"] == 0  # Nord's counted place has no position
    assert cov.at["02", "einrichtungen"] == 1
    assert np.isnan(cov.at["04", "versorgt"])  # Ost: seniors suppressed
    assert result.city["versorgt"] == pytest.approx(expected.sum())
    assert result.city["zielgruppe"] == 450
    assert any("ohne bekannte Lage" in n for n in result.notes)


def test_positions_within_the_stated_radius_bound_the_result(synthetic):
    result = analyse(synthetic, 2025, TARGET_GROUPS["senioren"], PARAMS)
    cov = result.coverage.loc["01"]
    assert cov["versorgt_min"] <= cov["versorgt"] <= cov["versorgt_max"]


def test_scenario_sites_overlay_does_not_touch_the_package(synthetic):
    before = synthetic.einrichtungen.copy()
    sites = select_meeting_places(synthetic.einrichtungen).iloc[:0]
    result = analyse(synthetic, 2025, TARGET_GROUPS["senioren"], PARAMS, sites=sites)
    assert result.city["versorgt"] == 0
    assert np.isinf(result.cells["gehweg_m"]).all()
    assert synthetic.einrichtungen.equals(before)


def test_selection_with_restricted_places_adds_nord(synthetic):
    wide = SiteSelection(include_restricted=True)
    result = analyse(synthetic, 2025, TARGET_GROUPS["senioren"], PARAMS, selection=wide)
    assert set(result.sites["id"]) == {"ASZ-1", "BG-1"}
    assert result.coverage.at["02", "versorgt"] > 0
    assert len(located(wide.select(synthetic.einrichtungen))) == 2


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.tuples(st.floats(0, 3000), st.floats(0, 3000)), min_size=0, max_size=5),
    st.lists(st.tuples(st.floats(0, 3000), st.floats(0, 3000)), min_size=1, max_size=4),
    st.lists(st.floats(0, 200), min_size=5, max_size=5),
    st.sampled_from([300.0, 500.0, 1000.0]),
)
def test_adding_exact_sites_equals_the_full_computation(old, new, radii, walk):
    # The incremental path of the simulation gives the figures of a full recompute.
    rng = np.random.default_rng(len(old) * 7 + len(new))
    cells = rng.uniform(0, 3000, size=(60, 2))
    demand = rng.uniform(0, 20, size=60)
    demand[::7] = np.nan
    params = WalkParams(max_walk_m=walk, catchment_m=800)
    old_xy, new_xy = np.array(old, dtype=float).reshape(-1, 2), np.array(new, dtype=float)
    radius = np.array(radii[: len(old_xy)])
    before = cell_access(cells, demand, old_xy, radius, params)
    full = cell_access(
        cells, demand, np.vstack([old_xy, new_xy]), np.r_[radius, np.zeros(len(new_xy))], params
    )
    step = add_exact_sites(cells, demand, before, len(old_xy), new_xy, params)
    for column in ["gehweg_m", "gehzeit_min", "gehweg_min_m", "gehweg_max_m", "versorgt"]:
        np.testing.assert_array_equal(step[column].to_numpy(), full[column].to_numpy(), column)
    np.testing.assert_allclose(step["e2sfca"], full["e2sfca"], rtol=1e-12, atol=1e-15)
    # The nearest site may differ only in a tie; it always lies at the stated distance.
    walks = np.hypot(*(cells[:, None, :] - np.vstack([old_xy, new_xy])[None]).transpose(2, 0, 1))
    chosen = walks[np.arange(60), step["naechste"].to_numpy()] * params.detour
    np.testing.assert_allclose(chosen, step["gehweg_m"], rtol=1e-12)
