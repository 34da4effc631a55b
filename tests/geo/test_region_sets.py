"""Strict checks of a stored region set: every Stadtteil exactly once, clean region names."""

from __future__ import annotations

import pandas as pd
import pytest

from geo.io.region_sets import check_region_table, name_problem, parse_ist_file

NAMES = pd.Series({"01": "Mitte", "02": "Nord", "04": "Ost"})


def _table(*rows):
    return pd.DataFrame(rows, columns=["stadtteil_nr", "region"])


def test_valid_table_by_number_or_name():
    out = check_region_table(_table(("4", "Süd"), ("Nord", "Nord-West"), ("01", " Mitte ")), NAMES)
    assert out.values.tolist() == [["01", "Mitte"], ["02", "Nord-West"], ["04", "Süd"]]


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ((("01", "A"), ("02", "A")), r"Nicht zugeordnet: 04 Ost\. Lösung"),
        (
            (("01", "A"), ("02", "A"), ("04", "B"), ("02", "B")),
            r"Zeile 5: Stadtteil 02 Nord steht zum zweiten Mal da \(zuerst in Zeile 3\)",
        ),
        ((("01", "A"), ("02", "A"), ("04", "B"), ("99", "B")), r"Zeile 5: Stadtteil '99' ist unbekannt"),
        ((("01", "A"), ("02", ""), ("04", "B")), r"Zeile 3: Regionsname fehlt\. Lösung"),
        ((("01", "A"), ("02", None), ("04", "B")), r"Zeile 3: Regionsname fehlt"),
        ((("01", "<b>A</b>"), ("02", "A"), ("04", "B")), r"Zeile 2: Regionsname '<b>A</b>' enthält HTML"),
        ((("01", "# Titel"), ("02", "A"), ("04", "B")), r"Zeile 2: .*enthält HTML, Markdown"),
    ],
)  # fmt: skip
def test_bad_tables_name_the_row_and_the_fix(rows, message):
    with pytest.raises(ValueError, match=message) as caught:
        check_region_table(_table(*rows), NAMES)
    assert str(caught.value).startswith("Die Zuordnung wird nicht gespeichert")


def test_missing_column_is_named():
    with pytest.raises(ValueError, match="Spalte region fehlt"):
        check_region_table(pd.DataFrame({"stadtteil_nr": ["01"]}), NAMES)


@pytest.mark.parametrize("name", ["Versorgungsgebiet 1", "Nord (Elbe) / Ost – 2"])
def test_plain_names_pass(name):
    assert name_problem(name) is None


def test_ist_file_reads_german_numbers_and_names_a_repeated_region():
    assert parse_ist_file("ist.csv", b"region;ist\nA;1.234,50\nB;0\n") == {
        "A": 1234.5,
        "B": 0.0,
    }
    with pytest.raises(ValueError, match="Zeile 3: Region 'A' steht zum zweiten Mal da"):
        parse_ist_file("ist.csv", b"region;ist\nA;1\nA;2\n")
