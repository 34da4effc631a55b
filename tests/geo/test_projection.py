"""The cohort-shift projection: kernel by hand, estimation, adapter, invariants."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geo.analysis.projection import (
    AGE_GROUPS,
    MODEL_LABEL,
    PRIOR_PERSONS,
    RATE_NAMES,
    estimate_rates,
    method_table,
    project_counts,
    project_statistics,
)


def test_one_year_shift_by_hand():
    # 0–6: 70 → 70·6/7 = 60 stay, +β·P(18–44) = 0.1·270 = 27 born → 87
    # 7–17: 110·10/11 = 100 stay + 70/7 = 10 → 110, ×1.0
    # 18–44: 270·26/27 = 260 + 110/11 = 10 → 270, ×(1+0.5) = 405
    # 45–64: 200·19/20 = 190 + 270/27 = 10 → 200, ×1.0
    # 65+: 100 + 200/20 = 10 → 110, ×(1−0.1) = 99
    base = np.array([[70.0, 110.0, 270.0, 200.0, 100.0]])
    rates = np.array([[0.1, 0.0, 0.5, 0.0, -0.1]])
    out = project_counts(base, rates, 1)
    np.testing.assert_allclose(out[0, 0], [87.0, 110.0, 405.0, 200.0, 99.0])


def test_two_steps_chain_the_shift():
    base = np.array([[0.0, 0.0, 0.0, 200.0, 0.0]])
    out = project_counts(base, np.zeros((1, 5)), 2)
    # 65+ after 1 year: 10; 45–64: 190; after 2 years: 10 + 190/20 = 19.5
    np.testing.assert_allclose(out[:, 0, 4], [10.0, 19.5])
    np.testing.assert_allclose(out[1, 0].sum(), 200.0)


def test_missing_count_stays_missing_and_spreads_only_downstream():
    base = np.array([[70.0, 110.0, 270.0, np.nan, 100.0]])
    out = project_counts(base, np.zeros((1, 5)), 1)
    assert np.isfinite(out[0, 0, :3]).all()
    assert np.isnan(out[0, 0, 3])
    assert np.isnan(out[0, 0, 4])


@pytest.mark.parametrize(
    ("base", "rates", "steps", "match"),
    [
        (np.zeros((2, 4)), np.zeros((2, 4)), 1, "shape"),
        (np.zeros((2, 5)), np.zeros((1, 5)), 1, "shape"),
        (np.zeros((1, 5)), np.zeros((1, 5)), -1, "steps"),
        (np.zeros((1, 5)), np.array([[-0.1, 0, 0, 0, 0]]), 1, "beta"),
        (np.zeros((1, 5)), np.array([[0, 0, 0, 0, -1.5]]), 1, "net rates"),
    ],
)
def test_kernel_rejects_bad_input(base, rates, steps, match):
    with pytest.raises(ValueError, match=match):
        project_counts(base, rates, steps)


@settings(max_examples=60, deadline=None)
@given(
    counts=st.lists(st.floats(0, 1e5), min_size=5, max_size=5),
    beta=st.floats(0, 0.2),
    net=st.lists(st.floats(-1, 0.5), min_size=4, max_size=4),
    steps=st.integers(0, 12),
)
def test_counts_never_negative(counts, beta, net, steps):
    out = project_counts(np.array([counts]), np.array([[beta, *net]]), steps)
    assert out.shape == (steps, 1, 5)
    assert (out >= 0).all()


@settings(max_examples=60, deadline=None)
@given(counts=st.lists(st.floats(0, 1e5), min_size=5, max_size=5), steps=st.integers(1, 12))
def test_ageing_alone_keeps_the_total(counts, steps):
    out = project_counts(np.array([counts]), np.zeros((1, 5)), steps)
    np.testing.assert_allclose(out[-1].sum(), sum(counts), rtol=1e-9, atol=1e-6)


def _panel_from_rates(base, rates, years):
    return np.concatenate([base[None], project_counts(base, rates, years - 1)])


def test_estimation_recovers_the_rates_of_a_large_stadtteil():
    rates = np.array([[0.03, 0.01, 0.02, -0.01, -0.04]] * 2)
    base = np.array([[7e4, 1.1e5, 2.7e5, 2e5, 1.5e5], [7e4, 1.1e5, 2.7e5, 2e5, 1.5e5]])
    estimated = estimate_rates(_panel_from_rates(base, rates, 5))
    np.testing.assert_allclose(estimated.own, rates, atol=1e-9)
    np.testing.assert_allclose(estimated.city, rates[0], atol=1e-9)
    assert (estimated.weight > 0.98).all()


def test_small_stadtteil_is_shrunk_toward_the_city():
    big = np.array([1e4, 1e4, 1e4, 1e4, 1e4])
    small = big / 1e4 * PRIOR_PERSONS / 2  # the 65+ exposure is slightly above K/2
    panel = np.stack(
        [
            _panel_from_rates(big[None], np.array([[0.0, 0, 0, 0, -0.05]]), 3)[:, 0],
            _panel_from_rates(small[None], np.array([[0.0, 0, 0, 0, 0.05]]), 3)[:, 0],
        ],
        axis=1,
    )
    estimated = estimate_rates(panel)
    w = estimated.weight[1, 4]
    assert 0.3 < w < 0.5
    expected = w * 0.05 + (1 - w) * estimated.city[4]
    assert estimated.used[1, 4] == pytest.approx(expected)
    assert estimated.city[4] < estimated.used[1, 4] < 0.05


def test_uninhabited_stadtteil_takes_the_city_rates():
    panel = np.zeros((3, 2, 5))
    panel[:, 0] = [[70, 110, 270, 200, 100], [70, 110, 270, 200, 100], [70, 110, 270, 200, 100]]
    estimated = estimate_rates(panel)
    assert estimated.weight[1].tolist() == [0.0] * 5
    np.testing.assert_allclose(estimated.used[1], estimated.used[1].clip(min=-1))
    np.testing.assert_allclose(estimated.used[1, 1:], estimated.city[1:])


@pytest.mark.parametrize(
    ("panel", "prior", "match"),
    [
        (np.ones((1, 3, 5)), PRIOR_PERSONS, "mindestens zwei Jahre"),
        (np.ones((2, 3, 4)), PRIOR_PERSONS, "shape"),
        (np.ones((2, 3, 5)), 0.0, "prior_persons"),
        (np.full((2, 3, 5), np.nan), PRIOR_PERSONS, "keine verwertbaren"),
    ],
)
def test_estimation_rejects_bad_input(panel, prior, match):
    with pytest.raises(ValueError, match=match):
        estimate_rates(panel, prior)


def _statistik(years=(2023, 2024, 2025)):
    rows = []
    for i, year in enumerate(years):
        for nr, name, scale in [("01", "A", 1.0), ("02", "B", 2.0), ("04", "C", np.nan)]:
            groups = [70 * scale, 110 * scale, 270 * scale, 200 * scale, (100 + 10 * i) * scale]
            rows.append(
                {
                    "jahr": year,
                    "stadtteil_nr": nr,
                    "stadtteil": name,
                    **dict(zip(AGE_GROUPS, groups, strict=False)),
                }
            )
    return pd.DataFrame(rows)


def test_adapter_projects_every_year_and_keeps_suppressed_missing():
    proj = project_statistics(_statistik(), until=2030)
    assert proj.years == list(range(2026, 2031))
    assert set(proj.sources.values()) == {MODEL_LABEL}
    assert (proj.base_year, proj.first_year) == (2025, 2023)
    assert len(proj.table) == 5 * 3
    c = proj.table[proj.table["stadtteil_nr"] == "04"]
    assert c[[*AGE_GROUPS, "einwohner"]].isna().all().all()  # suppressed stays missing, never 0
    a = proj.table[(proj.table["stadtteil_nr"] == "01") & (proj.table["jahr"] == 2026)].iloc[0]
    assert a["einwohner"] == pytest.approx(sum(a[g] for g in AGE_GROUPS))
    table = method_table(proj)
    assert list(table.columns) == ["stadtteil_nr", "stadtteil", *RATE_NAMES, "gewicht_eigen"]
    assert table["stadtteil"].iloc[-1] == "Magdeburg gesamt"


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"until": 2025}, "nicht nach dem Basisjahr"),
        ({"base_year": 2023}, "mindestens zwei"),
        ({"first_year": 2025}, "mindestens zwei"),
    ],
)
def test_adapter_rejects_bad_window(kwargs, match):
    with pytest.raises(ValueError, match=match):
        project_statistics(_statistik(), **kwargs)


def test_adapter_refuses_a_gap_in_the_years():
    with pytest.raises(ValueError, match="aufeinanderfolgende"):
        project_statistics(_statistik(years=(2021, 2023, 2025)), until=2030)
