"""German table helpers: coverage figures with their range in words."""

from __future__ import annotations

import math

import pytest

from ui.tables import RANGE_WORDS, percent, range_words, share_cell, share_with_range


@pytest.mark.parametrize(
    ("value", "text"), [(15.44, "15,4"), (50.0, "50"), (2.6, "2,6"), (0.0, "0"), (math.nan, "–")]
)
def test_percent(value, text):
    assert percent(value) == text


def test_single_figure_with_its_range_in_plain_words():
    assert share_with_range(15.4, 2.6, 50.0) == f"15,4 % ({RANGE_WORDS} 2,6–50 %)"
    assert range_words(2.6, 50.0) == "je nach Lage der erfassten Einrichtungen 2,6–50 %"
    assert share_cell(15.4, 2.6, 50.0) == "15,4 % (2,6–50 %)"


def test_missing_values_stay_missing():
    assert share_with_range(math.nan, 1, 2) == "–"
    assert share_with_range(15.4, math.nan, 50) == "15,4 %"
    assert range_words(math.nan, 3) == ""
    assert share_cell(math.nan, 1, 2) == "–"
