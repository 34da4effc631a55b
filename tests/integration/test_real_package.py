"""Regression tests on the real Magdeburg data package (a failure under CI=true if absent)."""

from __future__ import annotations

import io
import math
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from geo.facilities import located, select_meeting_places
from indicators.table import indicator_table

pytestmark = pytest.mark.real_data


def test_forty_stadtteile_all_joined(real):
    assert len(real.stadtteile) == 40
    assert real.stadtteile.is_valid.all()
    latest = real.statistik[real.statistik["jahr"] == 2025]
    assert set(latest["stadtteil_nr"]) == set(real.stadtteile.index)
    assert real.zensus["stadtteil_nr"].notna().all()
    assert len(real.zensus) == 4531


def test_known_defects_are_repaired_and_reported(real):
    notes = " ".join(real.notes)
    assert "74 Pechau war ungültig" in notes
    assert "dem nächstgelegenen Stadtteil" in notes
    assert "ohne bekannte Lage" in notes


def test_neue_neustadt_seniors_2025_as_published(real):
    table = indicator_table(real, 2025)
    assert table.at["06", "stadtteil"] == "Neue Neustadt"
    assert table.at["06", "senioren_65plus"] == 3313


def test_indicators_match_published_statistics(real):
    for year in real.years:
        table = indicator_table(real, year)
        stats = real.statistik[real.statistik["jahr"] == year].set_index("stadtteil_nr")
        np.testing.assert_array_equal(table["einwohner"], stats["einwohner"])
        np.testing.assert_array_equal(table["senioren_65plus"], stats["alter_65plus"])
        # Computed quotas equal the city's published ones wherever both exist.
        for column in ["altenquote", "jugendquote"]:
            both = table[column].notna() & stats[column].notna()
            np.testing.assert_allclose(table.loc[both, column], stats.loc[both, column], rtol=1e-9)


def test_uninhabited_stadtteile_have_zero_residents_not_missing(real):
    table = indicator_table(real, 2025)
    assert table.at["16", "einwohner"] == 0
    assert math.isnan(table.at["16", "anteil_65plus"])
    assert math.isnan(table.at["14", "senioren_65plus"])  # suppressed stays missing


def test_thirteen_open_senior_meeting_places(real):
    places = select_meeting_places(real.einrichtungen)
    assert len(places) == 13
    assert len(located(places)) == 12  # the Kranichhaus has no position
    assert (real.einrichtungen["kategorie"] == "pflege").sum() > 0
    assert not set(places["kategorie"]) - {"senioren_begegnung"}


def test_cli_prints_forty_rows_matching_the_statistics(real):
    out = subprocess.run(
        [sys.executable, "-m", "cli", "indicators", "--year", "2025", "--format", "csv",
         "--data", str(real.root)],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    df = pd.read_csv(io.StringIO(out), dtype={"stadtteil_nr": str}).set_index("stadtteil_nr")
    assert len(df) == 40
    stats = real.statistik[real.statistik["jahr"] == 2025].set_index("stadtteil_nr")
    pd.testing.assert_series_equal(
        df["senioren_65plus"].astype(float), stats["alter_65plus"], check_names=False
    )


def test_demand_grid_reconciles_with_official_seniors(real):
    from geo.analysis.demand import TARGET_GROUPS, demand_grid

    grid = demand_grid(real.zensus, real.statistik, 2025, TARGET_GROUPS["senioren"])
    official = real.statistik.query("jahr == 2025").set_index("stadtteil_nr")["alter_65plus"]
    sums = grid.groupby("stadtteil_nr")["nachfrage"].sum(min_count=1)
    published = official.dropna()
    np.testing.assert_allclose(sums.reindex(published.index).fillna(0), published, rtol=1e-9)
    assert grid["nachfrage"].sum() == pytest.approx(published.sum())


def test_coverage_and_ranking_regression(real):
    from geo.analysis.access_adapter import analyse
    from geo.analysis.access_kernel import WalkParams
    from geo.analysis.demand import TARGET_GROUPS
    from indicators.composite import index_input, underserved

    result = analyse(real, 2025, TARGET_GROUPS["senioren"], WalkParams())
    assert result.city["zielgruppe"] == 60337
    assert result.city["versorgt"] == pytest.approx(9290, abs=5)  # 15.4 % within 500 m
    cov = result.coverage
    # The plan's districts without a meeting place: nobody within 500 m, from the data alone.
    for nr in ("06", "02", "52", "54"):
        assert cov.at[nr, "versorgt"] == 0
        assert cov.at[nr, "einrichtungen"] == 0
    table = indicator_table(real, 2025)
    ranking = underserved(index_input(table, cov, table["einwohner"]))
    assert ranking["gerankt"].sum() == 30
    assert ranking.loc["06", "klasse_text"] == "sehr hoch"
    assert ranking.loc["02", "klasse"] <= 2
