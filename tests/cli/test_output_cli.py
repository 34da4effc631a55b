"""``begegnungsatlas validate`` and ``report``."""

from __future__ import annotations

import io
import subprocess
import sys

import pypdf
import pytest

from cli import main
from geo.config import PROJECT_ROOT
from scenarios.model import Assumptions, NewSite, Overlay, Scenario, stamped
from scenarios.store import ScenarioStore
from tests.synthetic import X0, Y0, metric_point


def test_validate_exit_codes_and_messages(synthetic_dir, tmp_path, capsys):
    lon, lat = metric_point(X0 + 500, Y0 + 1500)
    good = tmp_path / "gut.csv"
    good.write_text(f"name;lat;lon\nA;{lat};{lon}\n", encoding="utf-8")
    bad = tmp_path / "schlecht.csv"
    bad.write_text(f"name;lat;lon\nA;{lon};{lat}\n", encoding="utf-8")
    assert main(["validate", str(good), "--kind", "facilities", "--data", str(synthetic_dir)]) == 0
    assert "gültig: 1 Zeilen" in capsys.readouterr().out
    assert main(["validate", str(bad), "--kind", "facilities", "--data", str(synthetic_dir)]) == 1
    err = capsys.readouterr().err
    assert "FEHLER  Zeile 2, Spalte lat: lat/lon vermutlich vertauscht" in err
    assert "Lösung:" in err


def test_report_with_a_saved_scenario(synthetic_dir, tmp_path):
    store = ScenarioStore(tmp_path / "szen")
    store.save(
        stamped(
            Scenario(
                assumptions=Assumptions(year=2025),
                overlay=Overlay(added=(NewSite("N", *metric_point(X0 + 500, Y0 + 1500)),)),
            ),
            "Plan",
            "v",
        )
    )
    out = tmp_path / "bericht.pdf"
    args = [
        "report",
        "--scenario",
        "Plan",
        "--scenario-dir",
        str(tmp_path / "szen"),
        "--out",
        str(out),
        "--data",
        str(synthetic_dir),
    ]
    assert main(args) == 0
    pages = pypdf.PdfReader(io.BytesIO(out.read_bytes())).pages
    assert "Szenario: Plan" in pages[0].extract_text()
    text = "\n".join(p.extract_text() for p in pages)
    assert "Szenario „Plan“: veränderte Stadtteile" in text


ISSUE_CASES = [
    "csv-quote-line-60k",
    "csv-extra-field",
    "xlsx-xfd-dimension",
    "xlsx-1048576-rows",
    "xlsx-last-column-empty",
    "xlsx-formula-without-value",
    "gpkg-attributes-only",
    "gpkg-multi-layer",
    "geojson-vrt",
    "stat-65plus-over-residents",
    "stat-inf",
    "stat-1e308",
]


@pytest.mark.parametrize("name", ISSUE_CASES)
def test_validate_hostile_files_exit_with_german_messages(name, synthetic_dir, tmp_path, capsys):
    from tests.hostile.file_cases import CASES

    case = next(c for c in CASES if c.name == name)
    path = tmp_path / case.filename
    path.write_bytes(case.make())
    code = main(["validate", str(path), "--kind", case.kind, "--data", str(synthetic_dir)])
    _out, err = capsys.readouterr()
    assert code == (0 if case.accepted else 1), err
    if not case.accepted:
        assert case.message in err
        assert "Traceback" not in err
        assert "Error" not in err
        assert str(tmp_path) not in err


def test_validate_layer_option_and_size_limit(synthetic_dir, tmp_path, capsys):
    from tests.hostile.builders import facility_points, gpkg_bytes

    path = tmp_path / "zwei.gpkg"
    path.write_bytes(gpkg_bytes({"alt": facility_points(2), "neu": facility_points(3)}))
    args = ["validate", str(path), "--kind", "facilities", "--data", str(synthetic_dir)]
    assert main(args) == 1
    assert "Layer: alt, neu (mit --layer NAME wählen)" in capsys.readouterr().err
    assert main([*args, "--layer", "neu"]) == 0
    assert "gültig: 3 Zeilen" in capsys.readouterr().out
    big = tmp_path / "gross.csv"
    with big.open("wb") as handle:
        handle.truncate(21 * 1024 * 1024)  # sparse: never read
    assert main(["validate", str(big), "--kind", "areas", "--data", str(synthetic_dir)]) == 1
    assert "zu groß (21 MB, erlaubt 20 MB)" in capsys.readouterr().err


def test_validate_in_a_real_process_prints_no_traceback(synthetic_dir, tmp_path):
    path = tmp_path / "feld.csv"
    path.write_bytes(b"name;lat;lon\nA;52.1;11.6;zu viel\n")
    proc = subprocess.run(
        [sys.executable, "-m", "cli", "validate", str(path), "--kind", "facilities",
         "--data", str(synthetic_dir)],
        capture_output=True, text=True, timeout=120, cwd=PROJECT_ROOT,
    )  # fmt: skip
    assert proc.returncode == 1, proc.stderr
    assert "Die Zeile hat 4 Felder, die Kopfzeile 3" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_export_writes_the_daten_pages_geopackage(synthetic_dir, tmp_path, capsys):
    import sqlite3

    import pandas as pd
    import pyogrio

    from geo.io.gtfs import read_feed
    from geo.io.package import load_package
    from report.exports import analysis_geopackage
    from scenarios.evaluation import compute

    target = tmp_path / "atlas.gpkg"
    assert (
        main(["export", "--format", "gpkg", "--output", str(target), "--data", str(synthetic_dir)])
        == 0
    )
    assert "geschrieben" in capsys.readouterr().out
    with sqlite3.connect(target) as conn:
        styled = {r[0] for r in conn.execute("SELECT f_table_name FROM layer_styles")}
    assert styled == {"stadtteile", "einrichtungen", "zensus_zellen", "stadtgrenze"}
    # The same file as the page builds (the page computes with the same function).
    pkg = load_package(synthetic_dir)
    feed = read_feed(pkg.gtfs_path, pkg.stadtgrenze)  # the page adds Bus & Bahn too
    page = tmp_path / "seite.gpkg"
    page.write_bytes(analysis_geopackage(pkg, compute(pkg, Scenario(), feed)))
    for layer in ("stadtteile", "einrichtungen_ohne_lage", "zensus_zellen", "erlaeuterungen"):
        a = pyogrio.read_dataframe(target, layer=layer, read_geometry=False)
        b = pyogrio.read_dataframe(page, layer=layer, read_geometry=False)
        pd.testing.assert_frame_equal(a, b)


def test_vorlage_writes_the_template(synthetic_dir, tmp_path):
    target = tmp_path / "regionen.csv"
    assert main(["vorlage", "--kind", "areas", "--format", "csv", "--output", str(target),
                 "--data", str(synthetic_dir)]) == 0  # fmt: skip
    lines = target.read_bytes().decode("utf-8-sig").splitlines()
    assert lines[0] == "stadtteil_nr;stadtteil;region"
    assert len(lines) > 1
