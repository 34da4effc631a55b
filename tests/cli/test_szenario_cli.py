"""``begegnungsatlas szenario save|list|show|delete`` on the synthetic package (issue 18)."""

from __future__ import annotations

import json
import re

import pytest

from cli import main
from scenarios.store import ScenarioStore
from tests.synthetic import X0, Y0, metric_point

NORD_LON, NORD_LAT = metric_point(X0 + 500, Y0 + 1500)


def _saved() -> dict[str, int]:
    return {s.name: s.version for s in ScenarioStore().list()}


def test_save_list_show_delete(synthetic_dir, capsys):
    data = ["--data", str(synthetic_dir)]
    add = f"{NORD_LAT:.6f},{NORD_LON:.6f},Treff Nord"
    assert main(["szenario", "save", "Plan Nord", "--add", add, "--note", "erste Idee", *data]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("Gespeichert: „Plan Nord“, Version 1 (1 neuer Standort, 0 geschlossen).")
    assert "Seniorentreff Kastanie" in err  # the gap warning of the page, on stderr
    assert (
        main(["szenario", "save", "Mitte zu", "--close", "ASZ-1", "--preset", "absolut", *data])
        == 0
    )
    capsys.readouterr()

    assert main(["szenario", "list", "--format", "json"]) == 0
    listed = {row["name"]: row for row in json.loads(capsys.readouterr().out)}
    assert listed["Plan Nord"]["neue_standorte"] == 1
    assert listed["Mitte zu"]["geschlossen"] == 1

    assert main(["szenario", "show", "Plan Nord"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["name"] == "Plan Nord"
    assert shown["note"] == "erste Idee"
    assert shown["added"][0]["name"] == "Treff Nord"
    assert shown["added"][0]["source"] == "koordinate"
    assert main(["szenario", "show", "Mitte zu", "--format", "geojson"]) == 0
    assert json.loads(capsys.readouterr().out)["type"] == "FeatureCollection"

    # The saved scenario is what the analysis commands compute with.
    assert main(["rank", "--scenario", "Mitte zu", "--draws", "0", "--format", "json", *data]) == 0
    capsys.readouterr()

    assert main(["szenario", "delete", "Mitte zu"]) == 0
    assert capsys.readouterr().out == "Gelöscht: „Mitte zu“.\n"
    assert set(_saved()) == {"Plan Nord"}


def test_add_stadtteil_places_at_the_population_weighted_centre(synthetic_dir, capsys):
    assert (
        main(
            [
                "szenario",
                "save",
                "Mitte-Treff",
                "--add-stadtteil",
                "Nord",
                "--data",
                str(synthetic_dir),
            ]
        )
        == 0
    )
    capsys.readouterr()
    assert main(["szenario", "show", "Mitte-Treff"]) == 0
    site = json.loads(capsys.readouterr().out)["added"][0]
    assert site["source"] == "stadtteilmitte"
    assert site["ref"] == "02"
    assert site["name"].startswith("Nord")


def test_overwrite_with_a_version_is_a_compare_and_set(synthetic_dir, capsys):
    data = ["--data", str(synthetic_dir)]
    add = ["--add", f"{NORD_LAT},{NORD_LON}"]
    assert main(["szenario", "save", "A", *add, *data]) == 0
    assert (
        main(
            [
                "szenario",
                "save",
                "A",
                "--overwrite",
                "--version",
                "1",
                "--close",
                "ASZ-1",
                *add,
                *data,
            ]
        )
        == 0
    )
    capsys.readouterr()
    assert _saved() == {"A": 2}
    assert main(["szenario", "save", "A", "--overwrite", "--version", "1", *add, *data]) == 1
    assert "inzwischen geändert" in capsys.readouterr().err
    assert _saved() == {"A": 2}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--add", "95,11"], "Breite muss zwischen"),
        (["--add", "abc"], "BREITE,LÄNGE"),
        (["--add", "10.0,10.0"], "außerhalb des Stadtgebiets"),
        (["--add-stadtteil", "Atlantis"], "Unbekannter Stadtteil „Atlantis“"),
        (["--close", "XX-9"], "XX-9 ist keine gezählte Einrichtung"),
        (
            ["--preset", "relativ", "--close", "ASZ-1"],
            "Unbekannte Gewichtung „relativ“. Erlaubt: anteilig, absolut",
        ),
        (
            ["--weights", "unversorgt=-1", "--close", "ASZ-1"],
            "„unversorgt“ = -1.0 ist nicht möglich.*0 bis 100",
        ),
        ([], "Das Szenario ändert nichts"),
    ],
)
def test_invalid_input_is_refused_and_nothing_is_saved(synthetic_dir, capsys, args, message):
    code = main(["szenario", "save", "Kaputt", *args, "--data", str(synthetic_dir)])
    assert code == 1
    err = capsys.readouterr().err
    assert err.startswith("Fehler: ")
    assert re.search(message, err), err
    assert "Kaputt" not in _saved()


def test_a_taken_name_and_unknown_names(synthetic_dir, capsys):
    data = ["--data", str(synthetic_dir)]
    assert main(["szenario", "save", "B", "--close", "ASZ-1", *data]) == 0
    assert main(["szenario", "save", "B", "--close", "ASZ-1", *data]) == 1
    assert "gibt es schon" in capsys.readouterr().err
    assert main(["szenario", "show", "C"]) == 1
    assert "Kein Szenario mit dem Namen „C“" in capsys.readouterr().err
    assert main(["szenario", "delete", "C"]) == 1
    assert "Kein Szenario mit dem Namen „C“" in capsys.readouterr().err
