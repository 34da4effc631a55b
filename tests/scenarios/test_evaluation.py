"""The one core result (scenarios.evaluation.compute) and proposals on the synthetic package."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from geo.analysis.access_adapter import CITY_ID, SiteSelection
from geo.analysis.access_kernel import WalkParams
from geo.io.gtfs import read_feed
from indicators.composite import DEFAULT_WEIGHTS
from scenarios.evaluation import (
    baseline,
    compare,
    compute,
    evaluate,
    share_range,
    walking,
)
from scenarios.model import Assumptions, NewSite, Overlay, Scenario
from scenarios.proposals import candidate_pool, propose
from tests.synthetic import X0, Y0, metric_point

NORD_SITE = NewSite("Nord-Treff", *metric_point(X0 + 500, Y0 + 1500))


def test_empty_scenario_changes_nothing(synthetic):
    ev = compute(synthetic, Scenario(assumptions=Assumptions(year=2025)))
    assert ev.newly_covered == 0
    assert ev.after is ev.before
    assert (ev.table["neu_versorgt"].fillna(0) == 0).all()
    assert ev.changed().empty


def test_year_defaults_to_the_latest_and_is_checked(synthetic):
    assert compute(synthetic, Scenario()).year == 2025
    with pytest.raises(ValueError, match="Jahr 1999 ist nicht wählbar"):
        compute(synthetic, Scenario(assumptions=Assumptions(year=1999)))


def test_new_site_in_nord_covers_nord_cells_by_hand(synthetic):
    x, y = X0 + 500, Y0 + 1500
    ev = compute(
        synthetic, Scenario(assumptions=Assumptions(year=2025), overlay=Overlay(added=(NORD_SITE,)))
    )
    cells = ev.after.cells
    straight = np.hypot(cells.geometry.x - x, cells.geometry.y - y)
    expected = cells.loc[
        (straight * 1.3 <= 500) & (cells["stadtteil_nr"] == "02"), "nachfrage"
    ].sum()
    assert expected > 0
    assert ev.table.at["02", "neu_versorgt"] == pytest.approx(expected, rel=1e-6)
    assert ev.newly_covered == pytest.approx(expected, rel=1e-6)
    assert ev.table.at["01", "neu_versorgt"] == pytest.approx(0, abs=1e-9)
    assert list(ev.changed().index) == ["02"]


def test_closing_the_only_place_loses_its_coverage(synthetic):
    ev = compute(
        synthetic, Scenario(assumptions=Assumptions(year=2025), overlay=Overlay(removed=("ASZ-1",)))
    )
    assert ev.after.city["versorgt"] == 0
    assert ev.newly_covered == pytest.approx(-ev.before.city["versorgt"])


def test_untouched_stadtteile_keep_index_and_class(synthetic):
    # Ranked with a low minimum so both populated Stadtteile count; the new site only
    # touches Nord, so Mitte's index and class must stay exactly as in the status quo.
    base = Scenario(assumptions=Assumptions(year=2025, min_people=0))
    ev = compute(
        synthetic, replace(base, overlay=replace(base.overlay, added=(NORD_SITE,))), draws=0
    )
    before, after = ev.ranking_before, ev.ranking_after
    assert after.at["01", "index"] == pytest.approx(before.at["01", "index"])
    assert after.at["01", "klasse"] == before.at["01", "klasse"]
    assert after.at["02", "index"] < before.at["02", "index"]
    assert not ev.table.at["01", "klasse_geaendert"]


def test_classes_are_fixed_index_bands(synthetic):
    # Issue 18: classes were quarters of the ranking (relative, moved by any change
    # elsewhere); now fixed bands of the index, so a class means the same in every result.
    ev = compute(synthetic, Scenario(assumptions=Assumptions(year=2025, min_people=0)), draws=0)
    ranked = ev.ranking_before[ev.ranking_before["gerankt"]]
    index = ranked["index"].to_numpy(float)
    expected = np.select([index >= 75, index >= 60, index >= 45], [1, 2, 3], 4)
    assert (ranked["klasse"].astype(int).to_numpy() == expected).all()


def test_without_places_uses_the_counted_selection(synthetic):
    ev = compute(synthetic, Scenario(assumptions=Assumptions(year=2025)))
    # Nord has 200 seniors and only a restricted place (not counted by default) plus a place
    # without position named "Nord" by its source (counted there).
    counted = ev.before.coverage["einrichtungen"]
    expected = ev.before.coverage[(counted == 0) & (ev.before.coverage["zielgruppe"] > 0)]
    assert list(ev.without_places().index) == list(expected.index)


def test_transit_weight_needs_a_timetable(synthetic):
    weights = tuple({**DEFAULT_WEIGHTS, "oepnv": 0.3}.items())
    with pytest.raises(ValueError, match="kein Fahrplan"):
        compute(synthetic, Scenario(assumptions=Assumptions(year=2025, weights=weights)))


def test_transit_component_enters_the_index(synthetic):
    feed = read_feed(synthetic.gtfs_path, synthetic.stadtgrenze)
    weights = tuple({**DEFAULT_WEIGHTS, "oepnv": 0.3}.items())
    ev = compute(
        synthetic,
        Scenario(assumptions=Assumptions(year=2025, weights=weights, min_people=0)),
        feed,
        draws=0,
    )
    ranked = ev.ranking_before[ev.ranking_before["gerankt"]]
    assert ranked["score_oepnv"].notna().all()
    assert not ranked["unvollstaendig"].any()
    assert CITY_ID in ev.transit_before.index
    assert ev.newly_by_transit == 0


def test_page_and_cli_inputs_give_the_same_result(synthetic):
    # The same scenario twice, once with precomputed parts as the app caches them.
    scenario = Scenario(assumptions=Assumptions(year=2025), overlay=Overlay(added=(NORD_SITE,)))
    plain = compute(synthetic, scenario)
    from geo.analysis.demand import TARGET_GROUPS, demand_grid
    from indicators.table import indicator_table

    demand = demand_grid(synthetic.zensus, synthetic.statistik, 2025, TARGET_GROUPS["senioren"])
    walk = walking(synthetic, scenario.assumptions, demand)
    pd.testing.assert_frame_equal(walk.indicators, indicator_table(synthetic, 2025))
    cached = evaluate(baseline(synthetic, scenario.assumptions, walk=walk), scenario.overlay)
    pd.testing.assert_frame_equal(plain.table, cached.table)
    pd.testing.assert_frame_equal(plain.ranking_after, cached.ranking_after)


def test_proposal_fixes_existing_places_and_reports(synthetic):
    base = walking(synthetic, Assumptions(year=2025)).access
    proposal = propose(synthetic, base, 1, "grid")
    assert proposal.result.status == "optimal"
    assert proposal.result.gap == 0
    assert proposal.sites.iloc[0]["stadtteil_nr"] == "02"  # Nord: 200 seniors, no reachable place
    assert proposal.covered_after - proposal.covered_before == pytest.approx(
        proposal.result.objective
    )
    scenario = Scenario(
        assumptions=Assumptions(year=2025), overlay=Overlay(added=tuple(proposal.as_new_sites()))
    )
    after = compute(synthetic, scenario)
    assert after.newly_covered == pytest.approx(proposal.result.objective)


def test_candidate_pools(synthetic):
    base = walking(synthetic, Assumptions(year=2025)).access
    facilities = candidate_pool(synthetic, base, "facilities")
    assert set(facilities["ref"]) == {"MGH-1", "BG-1"}  # not the counted ASZ-1, not the closed OT-1
    grid = candidate_pool(synthetic, base, "grid", stadtteile=["04"])
    assert set(grid["stadtteil_nr"]) == {"04"}
    # One candidate per populated Stadtteil, at its population-weighted centre (issue 18):
    # a populated cell of the Stadtteil, never an empty polygon centre.
    centres = candidate_pool(synthetic, base, "stadtteile")
    assert sorted(centres["stadtteil_nr"]) == sorted(set(base.cells["stadtteil_nr"]))
    cells = base.cells.set_index("grid_id")
    for row in centres.itertuples():
        own = cells[cells["stadtteil_nr"] == row.stadtteil_nr]
        assert min(own.geometry.distance(row.geometry)) == 0
    with pytest.raises(ValueError, match="Kandidatenart"):
        candidate_pool(synthetic, base, "mond")


def test_compare_two_scenarios(synthetic):
    a = compute(synthetic, Scenario(assumptions=Assumptions(year=2025)))
    b = compute(
        synthetic, Scenario(assumptions=Assumptions(year=2025), overlay=Overlay(added=(NORD_SITE,)))
    )
    diff = compare(a, b)
    assert diff.at["02", "differenz"] == pytest.approx(b.table.at["02", "neu_versorgt"])
    assert diff.at["01", "differenz"] == pytest.approx(0)


@pytest.mark.parametrize(
    "added",
    [
        (NORD_SITE,),
        (NORD_SITE, NewSite("Ost", *metric_point(X0 + 1500, Y0 + 500))),
        (NewSite("Mitte", *metric_point(X0 + 500, Y0 + 500)),),  # on top of the old place
    ],
)
def test_reusing_the_status_quo_gives_the_same_figures(synthetic, added):
    # The app caches the status quo and computes only the situation after (incremental
    # access for added places); every figure must be that of the plain computation.
    assumptions = Assumptions(year=2025, min_people=0)
    plain = compute(synthetic, Scenario(assumptions=assumptions, overlay=Overlay(added=added)))
    base = baseline(synthetic, assumptions)
    reused = evaluate(base, Overlay(added=added))
    assert reused.before is base.access
    assert reused.ranking_before is base.ranking
    cells = plain.after.cells.drop(columns=["geometry", "naechste", "e2sfca"])
    pd.testing.assert_frame_equal(
        pd.DataFrame(reused.after.cells.drop(columns=["geometry", "naechste", "e2sfca"])),
        pd.DataFrame(cells),
    )
    np.testing.assert_allclose(
        reused.after.cells["e2sfca"], plain.after.cells["e2sfca"], rtol=1e-12, atol=1e-15
    )
    pd.testing.assert_frame_equal(reused.after.coverage, plain.after.coverage, rtol=1e-12)
    pd.testing.assert_frame_equal(reused.table, plain.table, rtol=1e-12)
    pd.testing.assert_frame_equal(reused.ranking_after, plain.ranking_after, rtol=1e-12)
    pd.testing.assert_frame_equal(reused.after.sites, plain.after.sites)
    pd.testing.assert_series_equal(reused.after.city, plain.after.city, rtol=1e-12)
    assert reused.after.notes == plain.after.notes
    assert list(reused.after.unlocated["id"]) == list(plain.after.unlocated["id"])
    pd.testing.assert_series_equal(reused.after.unplaced, plain.after.unplaced)


def test_closing_a_place_with_a_reused_status_quo(synthetic):
    scenario = Scenario(
        assumptions=Assumptions(year=2025), overlay=Overlay(removed=("ASZ-1",), added=(NORD_SITE,))
    )
    base = baseline(synthetic, Assumptions(year=2025))
    pd.testing.assert_frame_equal(
        evaluate(base, scenario.overlay).table, compute(synthetic, scenario).table
    )


@pytest.mark.parametrize(
    "other",
    [
        Assumptions(year=2025, target="kinder"),
        Assumptions(year=2025, params=WalkParams(max_walk_m=300)),
        Assumptions(year=2023),
        Assumptions(year=2025, selection=SiteSelection(categories=("generationen",))),
    ],
)
def test_walking_access_of_other_assumptions_is_refused(synthetic, other):
    with pytest.raises(ValueError, match="anderen Annahmen"):
        baseline(synthetic, Assumptions(year=2025), walk=walking(synthetic, other))


def test_walking_access_is_shared_across_index_assumptions(synthetic):
    # Weights, minimum size and Bus & Bahn do not change walking: one walking access serves.
    walk = walking(synthetic, Assumptions(year=2025))
    weights = dict.fromkeys(DEFAULT_WEIGHTS, 0.0) | {"unversorgt": 1.0}
    other = Assumptions(year=2025, min_people=0, weights=tuple(weights.items()))
    base = baseline(synthetic, other, walk=walk)
    assert base.access is walk.access
    pd.testing.assert_frame_equal(base.ranking, baseline(synthetic, other).ranking)


def test_share_range_in_percent(synthetic):
    ev = compute(synthetic, Scenario(assumptions=Assumptions(year=2025)))
    low, high = share_range(ev.before.city)
    city = ev.before.city
    assert low == pytest.approx(city["versorgt_min"] / city["verortet"] * 100)
    assert low <= city["anteil_versorgt"] <= high
    table = ev.table
    placed = table["anteil_vorher"].notna()
    assert (table.loc[placed, "anteil_vorher_min"] <= table.loc[placed, "anteil_vorher"]).all()
    assert table.loc["04", ["anteil_vorher_min", "anteil_vorher_max"]].isna().all()  # suppressed


def test_proposed_grid_sites_are_named_by_stop_not_by_grid_code(synthetic):
    base = walking(synthetic, Assumptions(year=2025)).access
    proposal = propose(synthetic, base, 2, "grid")
    names = proposal.sites["name"].tolist()
    assert all("Zelle" not in n and ", " in n for n in names)
    assert len(set(names)) == len(names)
    pool = candidate_pool(synthetic, base, "grid")
    assert pool["name"].str.contains("bei Haltestelle Halt").any()
    again = proposal.as_new_sites(taken=names[:1])
    assert again[0].name == f"{names[0]} (2)"


def test_alternatives_have_names_distinct_from_the_proposal_and_each_other(synthetic):
    # Issue 18: alternatives repeated the proposed site's name (or one name for two cells).
    base = walking(synthetic, Assumptions(year=2025)).access
    proposal = propose(synthetic, base, 1, "grid", tolerance=0.9)
    alts = proposal.alternatives
    assert len(alts) >= 2
    names = [*proposal.sites["name"], *alts["alternative"]]
    assert len(set(names)) == len(names)
    assert set(alts["ersetzt"]) == set(proposal.sites["name"])
