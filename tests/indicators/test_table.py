"""Indicator values on the synthetic package, checked by hand (see tests/synthetic.py)."""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indicators.registry import INDICATORS, get_indicator
from indicators.table import (
    aggregate_indicators,
    base_frame,
    city_row,
    compute_indicators,
    indicator_history,
    indicator_table,
    meeting_place_counts,
    wohngeld_year,
)

NAN = float("nan")
# Hand-computed 2025 values: Mitte (01), Nord (02), Ost (04).
EXPECTED_2025 = {
    "einwohner": (1000, 400, 10),
    "senioren_65plus": (250, 200, NAN),
    "anteil_65plus": (25.0, 50.0, NAN),
    "altenquote": (250 / 600 * 100, 200 / 150 * 100, NAN),
    "jugendquote": (150 / 600 * 100, 50 / 150 * 100, 2 / 8 * 100),
    "durchschnittsalter": (45.0, 55.0, NAN),
    "einwohnerdichte": (1000.0, 400.0, 10.0),
    "bevoelkerung_veraenderung": (25.0, 25.0, 25.0),  # 2011 had 80 % of 2025
    "haushalte": (600, 250, 4),
    "anteil_1p_haushalte": (50.0, 80.0, NAN),
    "wohngeld_je_1000_haushalte": (60.0, 50.0, NAN),  # Wohngeld 2024 over households 2024
    "begegnungsstaetten": (1, 1, 0),
    "senioren_je_begegnungsstaette": (250.0, 200.0, NAN),  # Ost: seniors suppressed
}


@pytest.mark.parametrize("indicator_id", list(EXPECTED_2025))
def test_indicator_values_2025(synthetic, indicator_id):
    table = indicator_table(synthetic, 2025)
    np.testing.assert_allclose(table[indicator_id].to_numpy(), EXPECTED_2025[indicator_id])


def test_every_registered_indicator_is_checked():
    assert set(EXPECTED_2025) == set(INDICATORS)


def test_table_layout_and_metadata(synthetic):
    table = indicator_table(synthetic, 2025)
    assert list(table.columns) == ["stadtteil", *INDICATORS]
    assert list(table.index) == ["01", "02", "04"]
    assert table.attrs == {"jahr": 2025, "basisjahr": 2011, "wohngeld_jahr": 2024}


def test_no_meeting_place_means_infinitely_many_seniors_per_place(synthetic):
    counts = pd.Series({"01": 1, "02": 0, "04": 0})
    table = compute_indicators(base_frame(synthetic.statistik, 2025, counts))
    assert math.isinf(table.at["02", "senioren_je_begegnungsstaette"])
    assert math.isnan(table.at["04", "senioren_je_begegnungsstaette"])  # no published seniors


def test_city_row_sums_only_where_the_indicator_is_defined(synthetic):
    city = city_row(base_frame(synthetic.statistik, 2025, meeting_place_counts(synthetic))).iloc[0]
    assert city["stadtteil"] == "Magdeburg gesamt"
    assert city["einwohner"] == 1410
    assert city["senioren_65plus"] == 450
    # Ost has no published 65+ count, so it is left out of both sums.
    assert city["anteil_65plus"] == pytest.approx(450 / 1400 * 100)
    assert city["altenquote"] == pytest.approx(450 / 750 * 100)
    assert city["durchschnittsalter"] == pytest.approx((45 * 1000 + 55 * 400) / 1400)
    assert city["einwohnerdichte"] == pytest.approx(1410 / 300 * 100)
    assert city["senioren_je_begegnungsstaette"] == pytest.approx(450 / 2)


def test_aggregate_to_regions(synthetic):
    base = base_frame(synthetic.statistik, 2025, meeting_place_counts(synthetic))
    groups = pd.Series({"01": "A", "02": "A", "04": "B"})
    regions = aggregate_indicators(base, groups, pd.Series({"A": "West", "B": "Ost"}))
    assert regions["stadtteil"].tolist() == ["West", "Ost"]
    assert regions.at["A", "einwohner"] == 1400
    assert regions.at["A", "anteil_65plus"] == pytest.approx(450 / 1400 * 100)
    assert math.isnan(regions.at["B", "anteil_65plus"])


def test_wohngeld_uses_latest_published_year(synthetic):
    assert wohngeld_year(synthetic.statistik, 2025) == 2024
    assert wohngeld_year(synthetic.statistik, 2024) == 2024
    assert wohngeld_year(synthetic.statistik, 2023) is None  # synthetic: only 2024 published


def test_unknown_year_is_rejected(synthetic):
    with pytest.raises(ValueError, match="Jahr 2030 gibt es keine Statistik"):
        base_frame(synthetic.statistik, 2030, meeting_place_counts(synthetic))


def test_history_has_every_year_and_the_city(synthetic):
    history = indicator_history(synthetic, "einwohner")
    assert sorted(history["jahr"].unique()) == [2021, 2022, 2023, 2024, 2025]
    city = history[history["stadtteil_nr"] == "gesamt"].set_index("jahr")["wert"]
    assert city[2025] == 1410
    assert city[2021] == 900 + 360 + 9


def test_registry_ids_are_stable_snake_case():
    for indicator_id, ind in INDICATORS.items():
        assert re.fullmatch(r"[a-z][a-z0-9_]*", indicator_id)
        assert ind.id == indicator_id
        assert ind.definition
        assert ind.label


def test_get_indicator_lists_valid_ids():
    assert get_indicator("altenquote").unit == "je 100"
    with pytest.raises(ValueError, match=r"Unbekannter Indikator 'foo'.*einwohner"):
        get_indicator("foo")


counts = st.floats(min_value=0, max_value=1e5, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(st.tuples(counts, counts, counts), min_size=1, max_size=8),
)
def test_aggregated_share_lies_between_member_shares(rows):
    # A region's share is a weighted mean of its members' shares: never outside their range.
    base = pd.DataFrame(
        {
            "stadtteil": "x",
            "alter_65plus": [a for a, _, _ in rows],
            "einwohner": [a + b for a, b, _ in rows],
        },
        index=[f"{i:02d}" for i in range(len(rows))],
    )
    for column in ["alter_0_6", "alter_7_17", "alter_18_44", "alter_45_64", "haushalte", "haushalte_1p",
                   "flaeche_ha", "alter_summe", "einwohner_mit_alter", "einwohner_basisjahr",
                   "wohngeld_haushalte", "haushalte_wohngeldjahr", "begegnungsstaetten"]:  # fmt: skip
        base[column] = [c for _, _, c in rows]
    share = compute_indicators(base)["anteil_65plus"].dropna()
    total = city_row(base).iloc[0]["anteil_65plus"]
    if share.empty:
        assert math.isnan(total)
    else:
        assert share.min() - 1e-9 <= total <= share.max() + 1e-9
        assert 0 <= total <= 100
