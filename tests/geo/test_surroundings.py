"""The Umfeld kernel on a hand-made grid: three cells, two places."""

from __future__ import annotations

import numpy as np
import pandas as pd

from geo.analysis.surroundings import cell_age_people, surroundings_kernel


def test_reach_nearest_and_overlap_by_hand():
    # Cell 0 is 100 m from A and 400 m from B; cell 1 300 m / 300 m; cell 2 900 m / 200 m.
    walk = np.array([[100.0, 400.0], [300.0, 300.0], [900.0, 200.0]])
    people = np.array([[10.0, 1.0], [20.0, np.nan], [40.0, 4.0]])  # two age groups
    demand = np.array([1.0, 2.0, np.nan])  # cell 2: not published
    nearest = np.array([0, 0, 1])
    within, target, nearest_for, shared = surroundings_kernel(walk, people, demand, nearest, 350)
    # A reaches cells 0 and 1; B reaches cells 1 and 2 (NaN people left out).
    assert within.tolist() == [[30.0, 1.0], [60.0, 4.0]]
    assert target.tolist() == [3.0, 2.0]
    assert nearest_for.tolist() == [3.0, 0.0]
    assert shared.tolist() == [[0.0, 2.0], [2.0, 0.0]]  # cell 1 is within reach of both


def test_cell_age_people_uses_the_stadtteil_shares():
    statistik = pd.DataFrame(
        {
            "jahr": [2025, 2025],
            "stadtteil_nr": ["01", "02"],
            "einwohner": [100, 50],
            "alter_65plus": [25, None],
        }
    )
    cells = pd.DataFrame({"einwohner": [8.0, 4.0], "stadtteil_nr": ["01", "02"]})
    out = cell_age_people(cells, statistik, 2025, ["alter_65plus"])
    assert out[0, 0] == 2.0
    assert np.isnan(out[1, 0])
