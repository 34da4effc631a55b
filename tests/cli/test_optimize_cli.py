"""``begegnungsatlas optimize`` on the synthetic package."""

from __future__ import annotations

import json

import pytest

from cli import main


def test_optimize_json_report(synthetic_dir, capsys):
    assert (
        main(
            [
                "optimize",
                "--k",
                "2",
                "--max-walk-m",
                "500",
                "--candidates",
                "grid",
                "--data",
                str(synthetic_dir),
            ]
        )
        == 0
    )
    report = json.loads(capsys.readouterr().out)
    assert len(report["standorte"]) == 2
    site = report["standorte"][0]
    assert {"lon", "lat", "stadtteil_nr", "stadtteil"} <= set(site)
    assert report["status"] == "optimal"
    assert report["optimalitaetsluecke"] == 0
    gained = report["senioren_versorgt_nachher"] - report["senioren_versorgt_vorher"]
    assert gained == pytest.approx(report["zusaetzlich_versorgt"], abs=0.15)  # rounded to 0.1
    assert report["kurve"][0] <= report["kurve"][1]
    assert report["sekunden"] >= 0
    # Issue 18: a proposal in Nord, where "Seniorentreff Kastanie" counts without position,
    # carries a warning naming it – per site and for the whole proposal.
    nord = [s for s in report["standorte"] if s["stadtteil_nr"] == "02"]
    assert nord and "Seniorentreff Kastanie" in nord[0]["warnungen"][0]  # noqa: PT018
    assert any("Seniorentreff Kastanie" in w for w in report["warnungen"])


def test_optimize_with_facility_candidates_and_restriction(synthetic_dir, capsys):
    main(
        [
            "optimize",
            "--k",
            "1",
            "--candidates",
            "facilities",
            "--stadtteile",
            "2",
            "--data",
            str(synthetic_dir),
        ]
    )
    report = json.loads(capsys.readouterr().out)
    assert report["standorte"][0]["stadtteil_nr"] == "02"


def test_optimize_too_many_sites(synthetic_dir, capsys):
    assert (
        main(["optimize", "--k", "3", "--candidates", "facilities", "--data", str(synthetic_dir)])
        == 1
    )
    assert "Kandidaten" in capsys.readouterr().err
