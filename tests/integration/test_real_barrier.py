"""The Elbe rule in the figures of the real package (compute, optimiser)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from geo.analysis.access_kernel import WalkParams
from geo.crs import xy
from scenarios.evaluation import compute
from scenarios.model import Assumptions, Overlay, Scenario
from scenarios.proposals import propose

pytestmark = pytest.mark.real_data


@pytest.fixture(scope="module")
def both(real):
    """Status quo at 800 m with the Elbe (the package) and without (straight × detour)."""
    scenario = Scenario(assumptions=Assumptions(params=WalkParams(max_walk_m=800.0)))
    plain = replace(real, barrier=None)
    return (
        compute(real, scenario, draws=0).before,
        compute(plain, scenario, draws=0).before,
        plain,
    )


def test_real_the_method_is_named(both):
    elbe, plain, _ = both
    assert elbe.params.label == "Luftlinie × Umwegfaktor, Elbe nur über Brücken"
    assert plain.params.label == "Luftlinie × Umwegfaktor"


def test_real_cells_whose_nearest_place_is_on_their_bank_keep_their_walk(real, both):
    elbe, plain, _ = both
    barrier = real.barrier
    cells, sites = xy(plain.cells), xy(plain.sites)
    nearest = plain.cells["naechste"].to_numpy()
    same_bank = barrier.region_of(cells) == barrier.region_of(sites)[nearest]
    walk_elbe, walk_plain = elbe.cells["gehweg_m"].to_numpy(), plain.cells["gehweg_m"].to_numpy()
    assert same_bank.sum() > 4000
    np.testing.assert_allclose(walk_elbe[same_bank], walk_plain[same_bank])
    # Across the river a walk can only get longer.
    assert (walk_elbe >= walk_plain - 1e-6).all()


def test_real_best_werder_site_covers_fewer_and_none_across_without_a_bridge(real, both):
    elbe, plain, plain_pkg = both
    werder = list(real.stadtteile.index[real.stadtteile["stadtteil"] == "Werder"])
    with_river = propose(real, elbe, 1, "grid", werder)
    without = propose(plain_pkg, plain, 1, "grid", werder)
    gain_river = with_river.covered_after - with_river.covered_before
    gain_plain = without.covered_after - without.covered_before
    assert 0 < gain_river < gain_plain  # issue 13: 987 instead of 1,423 at 800 m

    # The chosen site evaluated as a scenario: every newly covered cell on another bank has
    # a bridge with |cell – bridge| + |bridge – site| ≤ 800 m / 1.3 (checked by hand here).
    site = with_river.as_new_sites()[0]
    after = compute(
        real,
        Scenario(
            assumptions=Assumptions(params=WalkParams(max_walk_m=800.0)),
            overlay=Overlay(added=(site,)),
        ),
        draws=0,
    )
    new = after.after.cells["versorgt"].to_numpy() & ~after.before.cells["versorgt"].to_numpy()
    cells = xy(after.after.cells)
    at = xy(after.after.sites)[-1]
    barrier = real.barrier
    across = new & (barrier.region_of(cells) != barrier.region_of(at[None, :])[0])
    bridges = np.array([[c.x, c.y] for c in barrier.crossings if c.walkable])
    via = np.hypot(*(cells[:, None, :] - bridges[None]).transpose(2, 0, 1)) + np.hypot(
        *(bridges - at).T
    )
    assert (via[across].min(axis=1) * 1.3 <= 800 + 1e-6).all()
    # Without the barrier the same site would "cover" people across the water out of reach.
    plain_after = compute(
        plain_pkg,
        Scenario(
            assumptions=Assumptions(params=WalkParams(max_walk_m=800.0)),
            overlay=Overlay(added=(site,)),
        ),
        draws=0,
    )
    plain_new = (
        plain_after.after.cells["versorgt"].to_numpy()
        & ~plain_after.before.cells["versorgt"].to_numpy()
    )
    unreachable = plain_new & (barrier.region_of(cells) != barrier.region_of(at[None, :])[0])
    assert (via[unreachable].min(axis=1) * 1.3 > 800).any()
    assert after.newly_covered < plain_after.newly_covered
