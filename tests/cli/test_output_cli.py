"""``begegnungsatlas validate`` and ``report``."""

from __future__ import annotations

import io

import pypdf

from cli import main
from scenarios.model import NewSite, Scenario, stamped
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
            Scenario(added=(NewSite("N", *metric_point(X0 + 500, Y0 + 1500)),), year=2025),
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
