"""``begegnungsatlas transit`` (and the transit component of ``rank``) on the synthetic package."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from cli import main


def _run(capsys, *args: str) -> pd.DataFrame:
    assert main(["transit", *args]) == 0
    out = capsys.readouterr().out
    return pd.read_csv(io.StringIO(out), dtype={"stadtteil_nr": str}).set_index("stadtteil_nr")


def test_table_per_stadtteil_with_city_row(synthetic_dir, capsys):
    df = _run(capsys, "--max-minutes", "20", "--total", "--data", str(synthetic_dir))
    assert list(df.index) == ["01", "02", "04", "gesamt"]
    assert list(df.columns) == [
        "stadtteil", "senioren_65plus", "senioren_oepnv", "anteil_oepnv", "anteil_nur_fuss",
        "median_min_oepnv", "tag", "zeitraum",
    ]  # fmt: skip
    assert df.at["gesamt", "senioren_65plus"] == 450
    assert set(df["tag"]) == {"2026-06-02"}
    assert set(df["zeitraum"]) == {"Dienstag 09:00–12:00 Uhr"}
    assert (df["anteil_oepnv"].dropna() >= df["anteil_nur_fuss"].dropna()).all()
    assert pd.isna(df.at["04", "anteil_oepnv"])  # nobody lives in Ost


def test_longer_threshold_never_reaches_fewer(synthetic_dir, capsys):
    shares = [
        _run(capsys, "--max-minutes", str(m), "--total", "--data", str(synthetic_dir)).at[
            "gesamt", "anteil_oepnv"
        ]
        for m in (5, 10, 20, 40)
    ]
    assert shares == sorted(shares)
    assert shares[-1] == 100


def test_weekday_names_and_dates(synthetic_dir, capsys):
    assert set(_run(capsys, "--weekday", "mittwoch", "--data", str(synthetic_dir))["tag"]) == {
        "2026-06-03"
    }
    assert set(_run(capsys, "--date", "2026-06-16", "--data", str(synthetic_dir))["tag"]) == {
        "2026-06-16"
    }


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--window", "9-12"], "HH:MM-HH:MM"),
        (["--window", "12:00-09:00"], "Zeitfensters darf nicht nach dem Ende"),
        (["--weekday", "Feiertag"], "Unbekannter Wochentag"),
        (["--date", "2027-01-05"], "außerhalb der Fahrplangültigkeit"),
        (["--max-access-m", "5000"], "Haltestelle muss 50 bis 2.000 m"),
    ],
)
def test_invalid_options_exit_1_with_a_message(synthetic_dir, capsys, args, message):
    assert main(["transit", *args, "--data", str(synthetic_dir)]) == 1
    assert message in capsys.readouterr().err


def test_package_without_timetable(synthetic_dir, capsys):
    (synthetic_dir / "gtfs" / "mvb_gtfs.zip").unlink()
    assert main(["transit", "--data", str(synthetic_dir)]) == 1
    assert "keinen Fahrplan" in capsys.readouterr().err


def test_rank_with_the_transit_component(synthetic_dir, capsys):
    common = ["rank", "--min-people", "0", "--format", "csv", "--data", str(synthetic_dir)]
    assert main(common) == 0
    without = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert main([*common, "--weights", "oepnv=0.5"]) == 0
    weighted = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert without["score_oepnv"].isna().all()  # weight 0: not computed
    ranked = weighted.set_index("stadtteil").dropna(subset=["rang"])
    assert ranked["score_oepnv"].notna().all()
    assert ranked["beitrag_oepnv"].sum() > 0


def test_saved_scenario_reports_who_is_newly_within_reach(synthetic_dir, tmp_path, capsys):
    from scenarios.model import Assumptions, NewSite, Overlay, Scenario, stamped
    from scenarios.store import ScenarioStore
    from tests.synthetic import X0, Y0, metric_point

    site = NewSite("Nord-Treff", *metric_point(X0 + 500, Y0 + 1500))
    ScenarioStore(tmp_path / "szen").save(
        stamped(
            Scenario(assumptions=Assumptions(year=2025), overlay=Overlay(added=(site,))),
            "Plan",
            "v",
        )
    )
    base = _run(capsys, "--total", "--data", str(synthetic_dir))
    df = _run(
        capsys, "--scenario", "Plan", "--scenario-dir", str(tmp_path / "szen"), "--total",
        "--data", str(synthetic_dir),
    )  # fmt: skip
    assert df.at["02", "neu_oepnv"] > 0
    assert df.at["01", "neu_oepnv"] == 0
    assert df.at["gesamt", "neu_oepnv"] == pytest.approx(
        df.at["gesamt", "senioren_oepnv"] - base.at["gesamt", "senioren_oepnv"], abs=0.15
    )
    assert "neu_oepnv" not in base.columns


def test_date_must_be_iso(synthetic_dir, capsys):
    assert main(["transit", "--date", "9.6.2026", "--data", str(synthetic_dir)]) == 1
    assert "JJJJ-MM-TT" in capsys.readouterr().err
