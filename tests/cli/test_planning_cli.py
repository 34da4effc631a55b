"""``begegnungsatlas regionen|verteilung|massnahmen`` on the synthetic package."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from fractions import Fraction

import pytest

from cli import main
from geo.config import PROJECT_ROOT

MEASURES = (
    "id,komplex_nr,komplex,massnahme,verantwortlich,zeithorizont,art,stadtteile,stadtteil_nr,"
    "ort_hinweis,einrichtungen,quelle\n"
    "2.2,2,Neue Orte,Begegnung in Nord,Stab,ab 2026,neu,Nord,02,,,Plan\n"
)


def _cli(*args: str) -> subprocess.CompletedProcess:
    """The command in a new process (what survives must be in the database)."""
    return subprocess.run(
        [sys.executable, "-m", "cli", *args],
        cwd=PROJECT_ROOT,
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_region_set_survives_a_new_process_and_allocates_exactly(synthetic_dir, tmp_path):
    table = tmp_path / "gebiete.csv"
    table.write_text("stadtteil_nr;region\n01;West\n02;Ost\n04;Ost\n", encoding="utf-8")
    data = ["--data", str(synthetic_dir)]
    saved = _cli("regionen", "speichern", str(table), "--name", "VG", "--author", "A", *data)
    assert saved.returncode == 0, saved.stderr
    listed = _cli("regionen", "liste", "--format", "json")
    assert [r["name"] for r in json.loads(listed.stdout)] == ["VG"]
    # The author is marked as given on the command line, never taken for a signed-in person
    assert json.loads(listed.stdout)[0]["geaendert_von"].startswith("A (Kommandozeile, --author")
    done = _cli(
        "verteilung", "--gliederung", "VG", "--betrag", "1000", "--gewichte",
        "senioren_65plus=1", "--formel", "--format", "json", *data,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    rows = {r["region"]: r for r in json.loads(done.stdout)}
    # 65+: West 250, Ost 200 (+ Ost (04) not published): 555,56 and 444,44.
    assert rows["West"]["soll"] == 555.56
    assert rows["Ost"]["soll"] == 444.44
    assert sum(Fraction(str(r["soll"])) for r in rows.values()) == 1000
    assert "Soll_r = B + (A − n · B) · s_r" in done.stderr
    assert "nicht veröffentlicht für Ost (04)" in done.stderr


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ("01;West\n02;Ost\n", "Nicht zugeordnet: 04 Ost"),
        ("01;West\n02;Ost\n04;Ost\n02;West\n", "Zeile 5: Stadtteil 02 Nord steht zum zweiten Mal"),
        ("01;West\n02;Ost\n04;Ost\n77;Ost\n", "Zeile 5: Stadtteil '77' ist unbekannt"),
        ("01;<script>x</script>\n02;Ost\n04;Ost\n", "Zeile 2: Regionsname '<script>x</script>'"),
        ("01;\n02;Ost\n04;Ost\n", "Zeile 2: Regionsname fehlt"),
    ],
)
def test_bad_region_tables_exit_1_and_save_nothing(synthetic_dir, tmp_path, capsys, rows, message):
    table = tmp_path / "gebiete.csv"
    table.write_text("stadtteil_nr;region\n" + rows, encoding="utf-8")
    data = ["--data", str(synthetic_dir)]
    assert main(["regionen", "speichern", str(table), "--name", "VG", "--author", "A", *data]) == 1
    err = capsys.readouterr().err
    assert message in err
    assert "Lösung" in err
    assert main(["regionen", "liste", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == []


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--betrag", "-1", "--gewichte", "senioren_65plus=1"], "Betrag ist negativ"),
        (["--betrag", "100", "--gewichte", "senioren_65plus=0"], "Alle Gewichte sind 0"),
        (
            ["--betrag", "100", "--gewichte", "senioren_65plus=1", "--sockel", "10",
             "--obergrenze", "5"],
            "Obergrenze 5 liegt unter dem Sockelbetrag 10",
        ),
    ],
)  # fmt: skip
def test_bad_allocation_input_is_german(synthetic_dir, tmp_path, capsys, options, message):
    table = tmp_path / "gebiete.csv"
    table.write_text("stadtteil_nr;region\n01;West\n02;Ost\n04;Ost\n", encoding="utf-8")
    data = ["--data", str(synthetic_dir)]
    assert main(["regionen", "speichern", str(table), "--name", "VG", "--author", "A", *data]) == 0
    capsys.readouterr()
    assert main(["verteilung", "--gliederung", "VG", *options, *data]) == 1
    assert message in capsys.readouterr().err


def test_region_set_exports(synthetic_dir, tmp_path, capsys):
    import geopandas as gpd

    table = tmp_path / "gebiete.csv"
    table.write_text("stadtteil_nr;region\n01;West\n02;Ost\n04;Ost\n", encoding="utf-8")
    data = ["--data", str(synthetic_dir)]
    assert main(["regionen", "speichern", str(table), "--name", "VG", "--author", "A", *data]) == 0
    out = tmp_path / "vg.gpkg"
    assert main(["regionen", "export", "VG", "--format", "gpkg", "--output", str(out), *data]) == 0
    layer = gpd.read_file(out, layer="regionen")
    assert layer["region"].tolist() == ["West", "Ost"]
    assert layer["anzahl_stadtteile"].tolist() == [1, 2]
    assert layer.crs.to_epsg() == 25832
    # Ost is the union of two 1 km squares.
    assert layer.set_index("region").geometry["Ost"].area == pytest.approx(2_000_000, rel=1e-6)
    csv = tmp_path / "vg.csv"
    assert main(["regionen", "export", "VG", "--format", "csv", "--output", str(csv), *data]) == 0
    assert csv.read_bytes().startswith(b"\xef\xbb\xbfstadtteil_nr;stadtteil;region")


def test_measures_status_and_check(synthetic_dir, capsys):
    (synthetic_dir / "massnahmen_senioren.csv").write_text(MEASURES, encoding="utf-8")
    data = ["--data", str(synthetic_dir)]
    assert main(["massnahmen", "status", "2.2", "in Prüfung", *data]) == 0  # the OS user
    assert main(["massnahmen", "status", "9.9", "geplant", "--author", "A", *data]) == 1
    assert "Maßnahme '9.9' ist unbekannt" in capsys.readouterr().err
    assert main(["massnahmen", "liste", "--format", "json", *data]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert listed[0]["status"] == "in Prüfung"
    assert "(Kommandozeile, Betriebssystem-Benutzer)" in listed[0]["status_von"]
    assert main(["massnahmen", "pruefen", "--format", "json", *data]) == 0
    (nord,) = json.loads(capsys.readouterr().out)
    assert nord["stadtteil"] == "Nord"
    assert nord["bester_standort"].startswith("Nord")
    assert nord["zusaetzlich_versorgt"] > 0


def test_profiles_as_json_and_one_pdf_page_per_region(synthetic_dir, tmp_path, capsys):
    from pypdf import PdfReader

    table = tmp_path / "gebiete.csv"
    table.write_text("stadtteil_nr;region\n01;West\n02;Ost\n04;Ost\n", encoding="utf-8")
    data = ["--data", str(synthetic_dir)]
    assert main(["regionen", "speichern", str(table), "--name", "VG", "--author", "A", *data]) == 0
    capsys.readouterr()
    assert main(["regionen", "steckbrief", "VG", "--format", "json", *data]) == 0
    profiles = {p["region"]: p for p in json.loads(capsys.readouterr().out)}
    assert profiles["Ost"]["stadtteile"] == ["Nord", "Ost"]
    assert profiles["Ost"]["bevoelkerung"]["65+"] == 200  # Ost (04) not published
    assert profiles["West"]["handlungsbedarf"]
    out = tmp_path / "steckbriefe.pdf"
    assert main(["regionen", "steckbrief", "VG", "--out", str(out), *data]) == 0
    assert len(PdfReader(out).pages) == 2


def test_umfeld_adds_up_to_the_covered_people(synthetic_dir, capsys):
    data = ["--data", str(synthetic_dir)]
    assert main(["umfeld", "--format", "json", *data]) == 0
    (place,) = json.loads(capsys.readouterr().out)  # the one counted place with a position
    assert main(["coverage", "--format", "json", "--total", *data]) == 0
    total = json.loads(capsys.readouterr().out)[-1]
    # One place: everyone covered is in its Umfeld, and it is everyone's nearest place.
    assert place["umfeld_zielgruppe"] == round(total["senioren_versorgt"])
    assert place["naechster_treffpunkt_fuer"] == total["senioren_65plus"]
    assert place["ueberschneidung"] == ""


def test_profile_of_a_region_without_published_figures(synthetic_dir, tmp_path, capsys):
    from pypdf import PdfReader

    table = tmp_path / "gebiete.csv"  # Ost (04) publishes no 65+ in any year
    table.write_text("stadtteil_nr;region\n01;West\n02;West\n04;Ost\n", encoding="utf-8")
    data = ["--data", str(synthetic_dir)]
    assert main(["regionen", "speichern", str(table), "--name", "VG", "--author", "A", *data]) == 0
    out = tmp_path / "steckbriefe.pdf"
    assert main(["regionen", "steckbrief", "VG", "--out", str(out), *data]) == 0
    reader = PdfReader(out)
    assert len(reader.pages) == 2
    assert "Keine veröffentlichten Werte." in reader.pages[1].extract_text()
