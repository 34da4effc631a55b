"""Handlungsbedarf rules and region profiles on hand-made figures."""

from __future__ import annotations

import pandas as pd
import pytest

from indicators.region_profile import handlungsbedarf, region_profiles

BASE = {"zielgruppe": 1000.0, "unversorgt": 100.0, "anteil": 90.0, "einrichtungen": 2}
RANK = {"rang": 3, "von": 5, "klasse": 2}


def _needs(coverage=None, rank=None, without=(), gaps=(), other=()):
    return handlungsbedarf(
        {**BASE, **(coverage or {})},
        {**RANK, **(rank or {})},
        list(without),
        list(gaps),
        list(other),
        max_walk_m=500,
    )


def test_no_rule_applies():
    assert _needs() == [
        "Nach den Regeln (siehe README) ergibt sich aus den Daten kein Handlungsbedarf."
    ]


@pytest.mark.parametrize(
    ("kwargs", "sentence"),
    [
        (
            {"coverage": {"einrichtungen": 0}},
            "Kein gezählter Treffpunkt in der Region, obwohl hier 1.000",
        ),
        ({"coverage": {"unversorgt": 501}}, "501 Personen der Zielgruppe wohnen weiter als 500 m"),
        ({"coverage": {"anteil": 49.9}}, "Nur 49,9 % der Zielgruppe wohnen in Gehweite"),
        ({"without": ["Nord"]}, "mindestens 200 Personen der Zielgruppe: Nord."),
        ({"rank": {"klasse": 1, "rang": 1}}, "in der höchsten Klasse (Rang 1 von 5 Regionen)"),
        ({"gaps": ["Nord: OT-1 ohne Lage"]}, "Datenlücke: die Versorgung beruht"),
    ],
)
def test_each_rule_fires_on_its_figure(kwargs, sentence):
    needs = _needs(**kwargs)
    assert len(needs) == 1
    assert sentence in needs[0]


def test_thresholds_are_strict():
    assert "kein Handlungsbedarf" in _needs(coverage={"unversorgt": 500, "anteil": 50.0})[0]


def test_other_infrastructure_only_where_places_are_missing():
    assert len(_needs(other=["Mehrgenerationenhaus"])) == 1  # nothing missing: not suggested
    needs = _needs(
        coverage={"einrichtungen": 0}, other=["Mehrgenerationenhaus", "Kinder- und Jugendhaus"]
    )
    assert needs[-1].startswith("Prüfen, ob 2 Einrichtungen anderer Art in der Region")


def test_region_profile_sums_and_names():
    mapping = pd.DataFrame({"stadtteil_nr": ["01", "02"], "region": ["R", "R"]})
    rows = []
    for year, (a, b) in {2021: (100, 50), 2025: (120, None)}.items():
        for nr, name, senior in (("01", "Mitte", a), ("02", "Nord", b)):
            rows.append(
                {
                    "jahr": year,
                    "stadtteil_nr": nr,
                    "stadtteil": name,
                    "alter_0_6": 1,
                    "alter_7_17": 2,
                    "alter_18_44": 3,
                    "alter_45_64": 4,
                    "alter_65plus": senior,
                }
            )
    statistik = pd.DataFrame(rows)
    facilities = pd.DataFrame(
        {
            "stadtteil_nr": ["01", "02", "02"],
            "kategorie": ["senioren_begegnung", "generationen", "pflege"],
            "typ": ["ASZ", "Mehrgenerationenhaus", "Pflegeheim"],
            "in_betrieb": ["ja", "ja", "nein"],
            "located": [True, False, True],
        }
    )
    per_stadtteil = pd.DataFrame(
        {"stadtteil": ["Mitte", "Nord"], "zielgruppe": [120.0, 300.0], "einrichtungen": [1, 0]},
        index=pd.Index(["01", "02"], name="stadtteil_nr"),
    )
    region = pd.DataFrame(
        {
            "zielgruppe": [420.0],
            "versorgt": [120.0],
            "unversorgt": [300.0],
            "anteil_versorgt": [28.57],
            "versorgt_min": [100.0],
            "versorgt_max": [140.0],
            "einrichtungen": [1],
        },
        index=["R"],
    )
    ranking = pd.DataFrame(
        {
            "gerankt": [True],
            "rang": [1],
            "index": [80.0],
            "klasse": [1],
            "klasse_text": ["sehr hoch"],
        },
        index=["R"],
    )
    gaps = pd.DataFrame(
        {"datenluecke": [False, False], "datenluecke_grund": ["", ""]}, index=["01", "02"]
    )
    (profile,) = region_profiles(
        mapping, statistik, 2025, facilities, per_stadtteil, region, ranking, gaps, max_walk_m=500
    )
    assert profile.stadtteile == ["Mitte", "Nord"]
    assert profile.ages["65+"] == 120  # Nord not published in 2025: left out and named
    assert profile.unpublished == ["Nord (02)"]
    assert profile.trend.to_dict() == {2021: 150, 2025: 120}
    assert profile.facilities["Art"].tolist() == ["Mehrgenerationenhaus", "ASZ"]  # closed left out
    assert profile.facilities["ohne Lage"].tolist() == [1, 0]
    assert profile.coverage["anteil_min"] == pytest.approx(100 * 100 / 420)
    assert any("Nord" in n and "mindestens 200" in n for n in profile.needs)
    assert profile.needs[-1].startswith("Prüfen, ob 1 Einrichtung anderer Art")
