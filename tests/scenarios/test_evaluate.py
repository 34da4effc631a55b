"""Scenario evaluation and proposals on the synthetic package."""

from __future__ import annotations

import numpy as np
import pytest

from scenarios.evaluate import access_for, candidate_pool, compare, evaluate, propose
from scenarios.model import NewSite, Scenario
from tests.synthetic import X0, Y0, metric_point


def test_empty_scenario_changes_nothing(synthetic):
    ev = evaluate(synthetic, Scenario(year=2025))
    assert ev.newly_covered == 0
    assert (ev.table["neu_versorgt"].fillna(0) == 0).all()


def test_new_site_in_nord_covers_nord_cells_by_hand(synthetic):
    x, y = X0 + 500, Y0 + 1500
    ev = evaluate(
        synthetic, Scenario(year=2025, added=(NewSite("Nord-Treff", *metric_point(x, y)),))
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


def test_closing_the_only_place_loses_its_coverage(synthetic):
    ev = evaluate(synthetic, Scenario(year=2025, removed=("ASZ-1",)))
    assert ev.after.city["versorgt"] == 0
    assert ev.newly_covered == pytest.approx(-ev.before.city["versorgt"])


def test_proposal_fixes_existing_places_and_reports(synthetic):
    base = access_for(synthetic, Scenario(year=2025))
    proposal = propose(synthetic, base, 1, "grid")
    assert proposal.result.status == "optimal"
    assert proposal.result.gap == 0
    assert proposal.sites.iloc[0]["stadtteil_nr"] == "02"  # Nord: 200 seniors, no reachable place
    assert proposal.covered_after - proposal.covered_before == pytest.approx(
        proposal.result.objective
    )
    scenario = Scenario(year=2025, added=tuple(proposal.as_new_sites()))
    after = evaluate(synthetic, scenario)
    assert after.newly_covered == pytest.approx(proposal.result.objective)


def test_candidate_pools(synthetic):
    base = access_for(synthetic, Scenario(year=2025))
    facilities = candidate_pool(synthetic, base, "facilities")
    assert set(facilities["ref"]) == {"MGH-1", "BG-1"}  # not the counted ASZ-1, not the closed OT-1
    grid = candidate_pool(synthetic, base, "grid", stadtteile=["04"])
    assert set(grid["stadtteil_nr"]) == {"04"}
    with pytest.raises(ValueError, match="Kandidatenart"):
        candidate_pool(synthetic, base, "mond")


def test_compare_two_scenarios(synthetic):
    a = evaluate(synthetic, Scenario(year=2025))
    b = evaluate(
        synthetic, Scenario(year=2025, added=(NewSite("N", *metric_point(X0 + 500, Y0 + 1500)),))
    )
    diff = compare(a, b)
    assert diff.at["02", "differenz"] == pytest.approx(b.table.at["02", "neu_versorgt"])
    assert diff.at["01", "differenz"] == pytest.approx(0)
