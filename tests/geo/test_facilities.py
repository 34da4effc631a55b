"""Which facilities count as open meeting places."""

from __future__ import annotations

import pandas as pd
import pytest

from geo.facilities import count_by_stadtteil, located, select_meeting_places, stand_range


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({}, {"ASZ-1", "OT-2"}),  # public and not closed; "unklar" counts by default
        ({"include_unclear": False}, {"ASZ-1"}),
        ({"include_restricted": True}, {"ASZ-1", "OT-2", "BG-1"}),
        ({"categories": ["generationen"]}, {"MGH-1"}),
        ({"categories": ["senioren_begegnung", "generationen"]}, {"ASZ-1", "OT-2", "MGH-1"}),
        ({"categories": []}, set()),
    ],
)
def test_select_meeting_places(synthetic, kwargs, expected):
    chosen = select_meeting_places(synthetic.einrichtungen, **kwargs)
    assert set(chosen["id"]) == expected


def test_closed_places_never_count(synthetic):
    chosen = select_meeting_places(synthetic.einrichtungen, include_restricted=True)
    assert "OT-1" not in set(chosen["id"])  # in_betrieb == "nein"


def test_unknown_category_is_rejected(synthetic):
    with pytest.raises(ValueError, match=r"Unbekannte Einrichtungskategorie.*kneipe"):
        select_meeting_places(synthetic.einrichtungen, ["kneipe"])


def test_count_by_stadtteil_fills_zero_and_skips_unlocated_without_stadtteil(synthetic):
    places = select_meeting_places(synthetic.einrichtungen)
    counts = count_by_stadtteil(places, ["01", "02", "04"])
    assert counts.to_dict() == {"01": 1, "02": 1, "04": 0}
    assert set(located(places)["id"]) == {"ASZ-1"}


def test_selection_returns_a_copy(synthetic):
    chosen = select_meeting_places(synthetic.einrichtungen)
    chosen["name"] = "geändert"
    assert (synthetic.einrichtungen["name"] != "geändert").all()


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["2023-10", "ca. 2018 (15 Jahre)", "unbekannt (eröffnet 2000-07-01)", None], (2018, 2023)),
        (["unbekannt"], None),
        ([], None),
    ],
)
def test_stand_range_reads_leading_years(values, expected):
    assert stand_range(pd.Series(values, dtype=object)) == expected
