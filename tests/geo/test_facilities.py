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


# --------------------------------------------------------------------------- the rule set

from geo.facilities import (  # noqa: E402
    CITY_TOLERANCE_M,
    FacilityProblem,
    apply_edits,
    facility_problems,
    is_new,
    raise_problems,
)
from tests.synthetic import X0, Y0, metric_point  # noqa: E402

LON, LAT = metric_point(X0 + 500, Y0 + 1500)  # inside the synthetic city


def _table(**columns):
    base = {"id": ["A"], "kategorie": ["senioren_begegnung"], "oeffentlich": ["ja"]}
    base.update({"in_betrieb": ["ja"], "lat": [LAT], "lon": [LON], "lage_genauigkeit_m": [50.0]})
    base.update(columns)
    return pd.DataFrame(base)


def test_a_valid_facility_has_no_problem(synthetic):
    assert facility_problems(_table(), synthetic.stadtgrenze.geometry.iloc[0]) == []


@pytest.mark.parametrize(
    ("columns", "field", "message"),
    [
        ({"id": [""]}, "id", "Die id fehlt"),
        ({"kategorie": ["kneipe"]}, "kategorie", "Unbekannter Wert 'kneipe'"),
        ({"lat": [float("nan")]}, "lat", "Nur eine der beiden Koordinaten"),
        ({"lat": [95.0]}, "lat", "Breitengrad 95 liegt außerhalb ±90°"),
        ({"lon": [-181.0]}, "lon", "Längengrad -181 liegt außerhalb ±180°"),
        ({"lage_genauigkeit_m": [6000.0]}, "lage_genauigkeit_m", "6000 m ist unplausibel"),
        ({"lat": [52.52], "lon": [13.40]}, "geometry", "km außerhalb der Stadt."),
        ({"lat": [LON], "lon": [LAT]}, "geometry", "(lat/lon vertauscht?)"),
    ],
)
def test_each_rule_names_field_row_and_fix(synthetic, columns, field, message):
    problems = facility_problems(_table(**columns), synthetic.stadtgrenze.geometry.iloc[0])
    assert [(p.row, p.field) for p in problems] == [(0, field)]
    assert message in problems[0].message
    assert problems[0].fix


def test_the_check_collects_every_problem_of_every_row(synthetic):
    table = pd.concat([_table(kategorie=["x"], lat=[95.0]), _table(id=["A"], oeffentlich=["y"])])
    table = table.reset_index(drop=True)
    problems = facility_problems(table, synthetic.stadtgrenze.geometry.iloc[0], taken={"B"})
    found = {(p.row, p.field) for p in problems}
    assert found == {(None, "id"), (0, "kategorie"), (1, "oeffentlich"), (0, "lat")}


def test_register_rules_need_a_radius_and_a_register_id(synthetic):
    table = _table(id=["zu viele Zeichen!"], lage_genauigkeit_m=[0.0])
    problems = facility_problems(table, strict_ids=True, radius_required=True, taken={"A"})
    assert [p.field for p in problems] == ["id", "lage_genauigkeit_m"]
    taken = facility_problems(_table(), taken={"A"}, taken_where="im Datenpaket")
    assert taken[0].message == "id 'A' ist im Datenpaket schon vergeben."


def test_a_point_just_inside_the_tolerance_is_valid(synthetic):
    city = synthetic.stadtgrenze.geometry.iloc[0]
    edge = (
        city.exterior.coords[0] if hasattr(city, "exterior") else city.geoms[0].exterior.coords[0]
    )
    import geopandas as gpd
    import shapely

    from geo.crs import METRIC_CRS, WGS84

    out = shapely.Point(edge[0] + CITY_TOLERANCE_M * 0.9, edge[1])
    point = gpd.GeoSeries([out], crs=METRIC_CRS).to_crs(WGS84).iloc[0]
    table = _table(lat=[point.y], lon=[point.x])
    assert [p for p in facility_problems(table, city) if p.field == "geometry"] == []


def test_the_raising_adapter_names_five_problems_and_counts_the_rest():
    problems = [FacilityProblem(f"Fehler {i}.", "Beheben.", i, "name") for i in range(7)]
    with pytest.raises(
        ValueError, match=r"Zeile 2: Fehler 0\..*Fehler 4\. \(und 2 weitere\) Beheben\.$"
    ):
        raise_problems(problems, lambda p: f"Zeile {p.row + 2}")
    raise_problems([], str)  # nothing found, nothing raised


# --------------------------------------------------------------------------- the overlay


def test_overlay_removes_updates_and_adds_without_touching_the_base():
    base = pd.DataFrame({"id": ["A", "B", "C"], "name": ["a", "b", "c"]}, index=[5, 6, 7])
    before = base.copy()
    out = apply_edits(
        base,
        removed=["B"],
        updated={"C": {"name": "c2", "hinweis": "neu"}, "X": {"name": "?"}},
        added=pd.DataFrame({"id": ["NEU-1"], "name": ["n"], "neu": [True]}),
    )
    assert out["id"].tolist() == ["A", "C", "NEU-1"]
    assert out["name"].tolist() == ["a", "c2", "n"]
    assert out["hinweis"].tolist()[1] == "neu"
    assert is_new(out).tolist() == [False, False, True]
    assert base.equals(before)
    kept = apply_edits(base, removed=["A"])
    assert kept.index.tolist() == [6, 7]  # without additions the base index stays
    assert is_new(kept).tolist() == [False, False]


def test_new_is_the_column_not_the_id_prefix():
    sites = pd.DataFrame({"id": ["NEU-1", "X"], "neu": [False, True]})
    assert is_new(sites).tolist() == [False, True]
