"""``indicators`` and ``rank`` for a projected year: figures marked as Modellrechnung."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from cli import main
from geo.analysis.projection import HORIZON


def test_indicators_for_a_projected_year_are_marked(synthetic_dir, capsys):
    assert main(["indicators", "--year", str(HORIZON), "--data", str(synthetic_dir)]) == 0
    captured = capsys.readouterr()
    df = pd.read_csv(io.StringIO(captured.out), dtype={"stadtteil_nr": str})
    assert (df["datengrundlage"] == f"Modellrechnung {HORIZON}").all()
    assert "Modellrechnung" in captured.err
    assert pd.isna(df.loc[2, "senioren_65plus"])  # suppressed in the base year stays missing


def test_observed_year_is_not_marked(synthetic_dir, capsys):
    main(["indicators", "--year", "2025", "--data", str(synthetic_dir)])
    assert "datengrundlage" not in capsys.readouterr().out


@pytest.mark.parametrize("command", ["indicators", "rank"])
def test_year_beyond_the_horizon_is_refused_with_the_range(synthetic_dir, capsys, command):
    assert main([command, "--year", str(HORIZON + 1), "--data", str(synthetic_dir)]) == 1
    assert f"–{HORIZON}" in capsys.readouterr().err


@pytest.mark.real_data
@pytest.mark.parametrize("command", [["indicators"], ["rank", "--draws", "0"]])
def test_real_package_projection_is_marked(command, capsys):
    from tests.conftest import real_data_dir

    args = [*command, "--year", str(HORIZON), "--data", str(real_data_dir())]
    assert main(args) == 0
    captured = capsys.readouterr()
    df = pd.read_csv(io.StringIO(captured.out), dtype={"stadtteil_nr": str})
    assert len(df) == 40
    assert (df["datengrundlage"] == f"Modellrechnung {HORIZON}").all()
    assert f"{HORIZON} sind eine Modellrechnung" in captured.err
    column = "senioren_65plus"
    assert df[column].notna().sum() > 30
    assert (df[column].dropna() >= 0).all()


def test_optimize_for_two_years_reports_gains_and_regrets(synthetic_dir, capsys):
    import json

    args = ["optimize", "--k", "1", "--future-year", str(HORIZON), "--data", str(synthetic_dir)]
    assert main(args) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["jahre"] == ["2025", f"{HORIZON} (Modellrechnung)"]
    two, only_today, only_future = out["zwei_jahre"], out["nur_2025"], out[f"nur_{HORIZON}"]
    for plan in (two, only_today, only_future):
        assert {"zusaetzlich_versorgt_2025", f"zusaetzlich_versorgt_{HORIZON}"} <= set(plan)
        assert plan[f"bedauern_{HORIZON}"] >= 0
    assert two["schlechteres_jahr"] >= max(
        only_today["schlechteres_jahr"], only_future["schlechteres_jahr"]
    )
    assert "Modellrechnung" in out["hinweis"]


def test_optimize_future_year_beyond_the_horizon_is_refused(synthetic_dir, capsys):
    args = ["optimize", "--future-year", str(HORIZON + 5), "--data", str(synthetic_dir)]
    assert main(args) == 1
    assert "Prognosehorizonts" in capsys.readouterr().err
