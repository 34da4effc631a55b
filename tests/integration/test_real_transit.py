"""The MVB timetable of the real package: validity, typical day and plausible travel times."""

from __future__ import annotations

import io
import subprocess
import sys
from datetime import date

import numpy as np
import pandas as pd
import pytest

from geo.analysis.access_adapter import analyse
from geo.analysis.access_kernel import WalkParams
from geo.analysis.demand import TARGET_GROUPS
from geo.analysis.transit import TransitParams, transit_for, transit_table
from geo.io.gtfs import read_feed

pytestmark = pytest.mark.real_data


@pytest.fixture(scope="module")
def feed(real):
    return read_feed(real.gtfs_path, real.stadtgrenze)


@pytest.fixture(scope="module")
def seniors(real):
    # With the package's Elbe barrier, as the app and the CLI compute it.
    return analyse(real, 2025, TARGET_GROUPS["senioren"], WalkParams(barrier=real.barrier))


@pytest.fixture(scope="module")
def travel(feed, seniors):
    return transit_for(feed, seniors, TransitParams())


def test_feed_validity_and_typical_tuesday(feed):
    assert len(feed.stops) == 733
    assert (feed.start, feed.end) == (date(2026, 6, 5), date(2027, 6, 4))
    assert feed.typical_day(1) == date(2026, 6, 9)
    assert any("Barrierefreiheit" in note for note in feed.notes)  # MVB marks no stop


def test_transit_is_never_slower_than_walking(travel, seniors):
    assert travel.day == date(2026, 6, 9)
    assert len(travel.minutes) == len(seniors.cells)
    assert (travel.minutes <= travel.walk_minutes + 1e-9).all()
    assert (travel.minutes < travel.walk_minutes - 1).mean() > 0.3  # it helps a lot of cells
    assert travel.n_connections > 10_000


def test_coverage_by_transit_per_stadtteil(travel, seniors):
    table = transit_table(seniors, travel, total=True)
    assert len(table) == 41
    assert (table["anteil_oepnv"].dropna() >= table["anteil_fuss"].dropna()).all()
    assert np.isnan(table.at["14", "anteil_oepnv"])  # suppressed stays missing
    # The plan's districts lacking meeting places stay poorly served even by tram and bus.
    for nr in ("02", "52", "54"):
        assert table.at[nr, "anteil_oepnv"] < 35
    # Werder: 0.68 % while a walk across the Elbe counted, 0.42 % with walks via bridges only.
    assert table.at["02", "anteil_oepnv"] == pytest.approx(0.42, abs=0.1)
    assert table.at["02", "anteil_fuss"] == 0
    assert table.at["06", "anteil_oepnv"] > 10 * table.at["06", "anteil_fuss"]
    assert table.at["10", "anteil_oepnv"] == 100
    city = table.loc["gesamt"]
    assert city["zielgruppe"] == 60337
    assert city["anteil_fuss"] < city["anteil_oepnv"] < 100


def test_cli_transit_prints_forty_rows(real):
    out = subprocess.run(
        [sys.executable, "-m", "cli", "transit", "--year", "2025", "--max-minutes", "20",
         "--format", "csv", "--data", str(real.root)],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    df = pd.read_csv(io.StringIO(out), dtype={"stadtteil_nr": str}).set_index("stadtteil_nr")
    assert len(df) == 40
    assert set(df["tag"]) == {"2026-06-09"}
    assert df.at["02", "anteil_oepnv"] == pytest.approx(0.42, abs=0.1)
    assert (df["anteil_oepnv"].dropna() >= df["anteil_nur_fuss"].dropna()).all()
