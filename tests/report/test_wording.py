"""Plain wording of the report: data notes without ids, ranges in words, signed numbers."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from report.wording import data_notes, num, rank_range, share_range, signed, unranked_reason

# Notes as the loader and the analysis write them (real package, 2026).
NOTES = [
    "Polygon 74 Pechau war ungültig (Hole lies outside shell[688348.73353255 5774145.81558002]) "
    "und wurde beim Laden repariert.",
    "Einwohnerzahl 0 abgeleitet (leer, aber 0 Einwohner inkl. Nebenwohnsitz): 16 Großer "
    "Silberberg, 62 Kreuzhorst.",
    "6 Einrichtung(en) ohne bekannte Lage (OT-05, NT-04, KJ-07, PH-05, PH-07, PH-08); sie werden "
    "aufgelistet, aber nicht in Entfernungsrechnungen berücksichtigt.",
    "Zensus-Zelle CRS3035RES100mN3218400E4427200 (14 Einw.) liegt mit ihrem Mittelpunkt knapp "
    "außerhalb aller Stadtteilpolygone und wurde dem nächstgelegenen Stadtteil 32 Ottersleben "
    "zugeordnet.",
    "In 3 Stadtteilen (Sülzegrund, Großer Silberberg, Industriehafen) ist die Zahl der Älteren "
    "(65+) nicht veröffentlicht; ihre 2.345 Einwohner im Gitter bleiben unberücksichtigt.",
    "Die Summe der Stadtteile (60.337 Älteren (65+)) enthält die Stadtteile mit nicht "
    "veröffentlichter Zahl nicht; die Zahl der ganzen Stadt liegt um höchstens 15 darüber.",
    "1 gezählte Einrichtung(en) ohne bekannte Lage gehen nicht in die Entfernungen ein: Treff.",
    "Einrichtungsliste durch Upload ersetzt (12 Einträge).",
]
IDS = re.compile(r"OT-05|CRS3035|Hole|shell|\[|\b(74|16|62|32) [A-ZÄÖÜ]|\(en\)")


def test_plain_notes_have_no_ids_and_no_technical_messages():
    plain = data_notes(NOTES, plain=True)
    assert len(plain) == len(NOTES)
    for note in plain:
        assert not IDS.search(note), note
    joined = " ".join(plain)
    assert "Die Grenze von Pechau war in den Geodaten fehlerhaft" in joined
    assert "Großer Silberberg und Kreuzhorst" in joined
    assert "2.345 Einwohner" in joined  # German number format
    # Issue 18: the note counts and names only Stadtteile with people in the grid, and
    # explains the gap between the city's own total and the sum of the Stadtteile.
    assert "In 3 Stadtteilen (Sülzegrund, Großer Silberberg, Industriehafen)" in joined
    assert "um bis zu 15 über der Summe der Stadtteile (60.337)" in joined
    assert "Ottersleben" in joined
    assert "hochgeladenen Liste (12 Einträge)" in joined


def test_fachgespraech_notes_keep_ids_but_translate_the_geos_message():
    expert = data_notes(NOTES, plain=False)
    joined = " ".join(expert)
    assert "Hole lies" not in joined
    assert "ein Loch liegt außerhalb der Außengrenze" in joined
    assert "74 Pechau" in joined
    assert "OT-05" in joined
    assert "CRS3035RES100mN3218400E4427200" in joined


def test_unknown_notes_kept_for_experts_and_summarised_when_technical():
    notes = ["Spalte foo_bar enthält Werte.", "Die Liste ist vom Mai."]
    assert data_notes(notes, plain=False) == notes
    plain = data_notes(notes, plain=True)
    assert plain[0] == "Die Liste ist vom Mai."
    assert "Unterlage für das Fachgespräch" in plain[-1]


def test_repeated_notes_appear_once():
    assert len(data_notes([NOTES[0], NOTES[0]], plain=True)) == 1


def _row(p05, p95, gap_lo, gap_hi):
    return pd.Series(
        {"rang_p05": p05, "rang_p95": p95, "rang_luecke_von": gap_lo, "rang_luecke_bis": gap_hi}
    )


@pytest.mark.parametrize(
    ("row", "robust", "expected"),
    [
        # Issue 18: "stets" only where the rank holds across weights *and* data gaps.
        (_row(1.0, 1.05, 1, 1), True, "bei anderen Gewichtungen und jeder Lage der erfassten "
         "Einrichtungen stets Rang 1"),
        (_row(1.0, 1.05, 1, 28), False, "bei anderen Gewichtungen Rang 1, je nach Lage der "
         "Einrichtungen Rang 1 bis 28"),
        (_row(1.95, 5.0, 2, 2), False, "je nach Gewichtung Rang 2 bis 5"),
        (_row(2.5, 3.49, 3, 3), False, "bei anderen Gewichtungen Rang 3"),
    ],
)  # fmt: skip
def test_rank_range_in_words(row, robust, expected):
    assert rank_range(row, robust) == expected


def test_numbers_ranges_and_reasons():
    # Issue 18: the range holds for the facilities in the list; it never claims the truth.
    words = share_range(2.59, 50.2, 1)
    assert words.startswith("mit den erfassten Einrichtungen je nach ihrer genauen Lage 2,6 bis")
    assert "50,2 %; eine ohne bekannte Lage; die Liste ist nicht vollständig" in words
    assert "wahre Wert" not in words
    assert signed(1115) == "+1.115"
    assert signed(-140.2) == "−140"
    assert signed(0.2) == "0"
    assert num(float("nan")) == ""
    assert num(float("inf")) == ""
    assert num(None) == ""
    assert unranked_reason("weniger als 200", "ältere Menschen").startswith(
        "weniger als 200 ältere Menschen"
    )
