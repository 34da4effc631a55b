"""Siting for two years at once: worse-year rule, weighting, gains and regrets by hand."""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from geo.analysis.siting import SitingProblem, plan_two_years


def _problems(wa, wb, cover):
    cover = sp.csc_matrix(np.asarray(cover, dtype=float))
    xy = np.zeros((cover.shape[1], 2))
    return SitingProblem(np.asarray(wa, float), cover, xy), SitingProblem(
        np.asarray(wb, float), cover, xy
    )


def test_compromise_site_wins_the_worse_year():
    # Cell 0 matters only today, cell 1 only in the future, cell 2 in both (6 people).
    a, b = _problems([10, 0, 6], [0, 10, 6], np.eye(3))
    two, only_a, only_b = plan_two_years(a, b, 1)
    assert only_a.chosen == (0,)
    assert only_a.gains == (10, 0)
    assert only_b.chosen == (1,)
    assert only_b.gains == (0, 10)
    assert two.chosen == (2,)
    assert two.gains == (6, 6)
    assert two.regrets == (4, 4)  # the best plan for each year alone covers 10 there
    assert two.worse == 6 > max(only_a.worse, only_b.worse)
    assert two.status == "optimal"


def test_weighting_is_the_stated_mix():
    a, b = _problems([10, 0, 6], [0, 10, 6], np.eye(3))
    today, _, _ = plan_two_years(a, b, 1, weight_a=0.9)
    assert today.chosen == (0,)  # 0.9·10 = 9 beats 6
    half, _, _ = plan_two_years(a, b, 1, weight_a=0.5)
    assert half.chosen == (2,)  # 5 < 6
    assert "50 % Jahr A" in half.rule


@pytest.mark.parametrize(
    ("weight", "cover_b", "match"),
    [(1.5, np.eye(3), "zwischen 0 und 1"), (None, np.eye(3)[:, :2], "dieselben Kandidaten")],
)
def test_bad_input(weight, cover_b, match):
    a, _ = _problems([1, 1, 1], [1, 1, 1], np.eye(3))
    _, b = _problems([1, 1, 1], [1, 1, 1], cover_b)
    with pytest.raises(ValueError, match=match):
        plan_two_years(a, b, 1, weight_a=weight)


@settings(max_examples=25, deadline=None)
@given(
    wa=st.lists(st.integers(0, 50), min_size=6, max_size=6),
    wb=st.lists(st.integers(0, 50), min_size=6, max_size=6),
    cover=st.lists(st.lists(st.booleans(), min_size=4, max_size=4), min_size=6, max_size=6),
    k=st.integers(1, 3),
)
def test_two_year_plan_never_loses_on_the_worse_year(wa, wb, cover, k):
    cover = np.asarray(cover)
    cover[0, :] = True  # every candidate covers something
    a, b = _problems(wa, wb, cover)
    two, only_a, only_b = plan_two_years(a, b, k)
    assert two.worse >= max(only_a.worse, only_b.worse) - 1e-6
    brute = max(min(a.value(list(c)), b.value(list(c))) for c in combinations(range(4), k))
    assert two.worse == pytest.approx(brute)  # exact: the best worse year of all plans
    assert min(two.regrets) >= 0
    assert only_a.regrets[0] == pytest.approx(0)
    assert only_b.regrets[1] == pytest.approx(0)
