"""Projected years in the package: rows, labels, year checks, uploaded forecasts."""

from __future__ import annotations

import pandas as pd
import pytest

from geo.analysis.projection import AGE_GROUPS, HORIZON, MODEL_LABEL, UPLOAD_LABEL
from geo.io.package import observed_statistik, with_projection, with_uploads


@pytest.fixture
def projected(synthetic):
    return with_projection(synthetic)


def test_projected_years_follow_the_observed_ones(synthetic, projected):
    assert projected.years == synthetic.years  # the default year stays the latest observed
    assert projected.projected_years == list(range(synthetic.years[-1] + 1, HORIZON + 1))
    assert projected.selectable_years == [*synthetic.years, *projected.projected_years]
    assert projected.year_label(HORIZON) == MODEL_LABEL
    assert projected.year_label(synthetic.years[-1]) is None
    assert observed_statistik(projected).equals(synthetic.statistik)


def test_projected_rows_carry_only_age_groups_and_area(projected):
    rows = projected.statistik[projected.statistik["jahr"] == HORIZON]
    assert rows[["einwohner", *AGE_GROUPS]].notna().any().all()
    assert rows["flaeche_ha"].notna().any()
    assert rows["haushalte"].isna().all()  # not projected: missing, never 0


@pytest.mark.parametrize(
    ("year", "match"),
    [
        (HORIZON + 1, rf"jenseits des Prognosehorizonts\. Wählbar sind \d{{4}}–{HORIZON}"),
        (1990, r"nicht wählbar\. Wählbar sind"),
    ],
)
def test_year_outside_the_range_is_refused_with_the_range(projected, year, match):
    with pytest.raises(ValueError, match=match):
        projected.check_year(year)


def test_uploaded_forecast_replaces_the_model_for_its_years(projected):
    stat = projected.statistik
    model_2030 = stat[stat["jahr"] == 2030].set_index("stadtteil_nr")
    forecast = model_2030[["einwohner", *AGE_GROUPS]].round().reset_index()
    forecast["alter_65plus"] = forecast["alter_65plus"] + 1
    forecast["einwohner"] = forecast[list(AGE_GROUPS)].sum(axis=1, min_count=5)
    forecast.insert(0, "jahr", 2030)
    updated = with_uploads(projected, statistics=forecast, tag="t")
    assert updated.year_label(2030) == UPLOAD_LABEL
    assert updated.year_label(2029) == MODEL_LABEL
    assert updated.years == projected.years
    got = updated.statistik[updated.statistik["jahr"] == 2030].set_index("stadtteil_nr")
    pd.testing.assert_series_equal(
        got["alter_65plus"], forecast.set_index("stadtteil_nr")["alter_65plus"], check_names=False
    )
