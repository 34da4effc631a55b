"""The demand grid: official counts distributed over populated cells."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geo.analysis.demand import TARGET_GROUPS, allocate, demand_grid, get_target_group, unplaced


def test_allocate_by_hand():
    # Area A: cells with 10 and 30 residents share 100 seniors 1:3. Area B: not published.
    out = allocate(
        np.array([10.0, 30.0, 5.0]), np.array(["A", "A", "B"]), pd.Series({"A": 100.0, "B": np.nan})
    )
    np.testing.assert_allclose(out, [25.0, 75.0, np.nan])


def test_area_without_residents_on_the_grid_gets_zero_not_nan():
    out = allocate(np.array([0.0, 0.0]), np.array(["A", "A"]), pd.Series({"A": 7.0}))
    np.testing.assert_array_equal(out, [0.0, 0.0])


@pytest.mark.parametrize("target_id", list(TARGET_GROUPS))
def test_cells_reconcile_with_official_counts(synthetic, target_id):
    group = TARGET_GROUPS[target_id]
    grid = demand_grid(synthetic.zensus, synthetic.statistik, 2025, group)
    official = synthetic.statistik.query("jahr == 2025").set_index("stadtteil_nr")[group.column]
    sums = grid.groupby("stadtteil_nr")["nachfrage"].sum(min_count=1)
    for nr, value in official.items():
        if np.isnan(value):
            assert grid.loc[grid["stadtteil_nr"] == nr, "nachfrage"].isna().all()
        else:
            assert sums[nr] == pytest.approx(value)


def test_seniors_by_hand_on_the_synthetic_grid(synthetic):
    grid = demand_grid(synthetic.zensus, synthetic.statistik, 2025, TARGET_GROUPS["senioren"])
    mitte = grid[grid["stadtteil_nr"] == "01"]
    # Every cell has 10 residents, so 250 seniors spread evenly over Mitte's cells.
    np.testing.assert_allclose(mitte["nachfrage"], 250 / len(mitte))
    assert grid is not synthetic.zensus
    assert "nachfrage" not in synthetic.zensus


def test_unplaced_lists_counts_without_populated_cells(synthetic):
    zensus = synthetic.zensus.copy()
    zensus.loc[zensus["stadtteil_nr"] == "02", "einwohner"] = 0.0
    grid = demand_grid(zensus, synthetic.statistik, 2025, TARGET_GROUPS["senioren"])
    assert unplaced(grid, synthetic.statistik, 2025, TARGET_GROUPS["senioren"]).to_dict() == {
        "02": 200.0
    }


def test_unknown_target_group():
    with pytest.raises(ValueError, match=r"Unbekannte Zielgruppe 'hunde'.*senioren"):
        get_target_group("hunde")


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from("ABC"), st.floats(0, 500, allow_nan=False)),
        min_size=1,
        max_size=40,
    ),
    st.dictionaries(st.sampled_from("ABC"), st.floats(0, 10_000, allow_nan=False), min_size=3),
)
def test_allocation_always_reconciles(cells, totals):
    areas = np.array([a for a, _ in cells])
    pop = np.array([p for _, p in cells])
    out = allocate(pop, areas, pd.Series(totals))
    assert (out >= 0).all()
    for area in set(areas):
        if pop[areas == area].sum() > 0:
            assert out[areas == area].sum() == pytest.approx(totals[area], rel=1e-9, abs=1e-6)
