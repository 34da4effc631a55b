"""``begegnungsatlas coverage`` and ``rank`` on the synthetic package."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest

from cli import main


def _csv(capsys) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(capsys.readouterr().out), dtype={"stadtteil_nr": str})


def test_coverage_columns_and_total(synthetic_dir, capsys):
    args = [
        "coverage",
        "--year",
        "2025",
        "--max-walk-m",
        "500",
        "--total",
        "--data",
        str(synthetic_dir),
    ]
    assert main(args) == 0
    df = _csv(capsys).set_index("stadtteil_nr")
    for column in ["senioren_65plus", "senioren_versorgt", "senioren_unversorgt", "anteil_versorgt",
                   "median_gehweg_m", "e2sfca_je_1000", "senioren_versorgt_min", "senioren_versorgt_max"]:  # fmt: skip
        assert column in df.columns
    assert df.loc["gesamt", "senioren_65plus"] == 450
    assert df.loc["01", "senioren_versorgt"] + df.loc["01", "senioren_unversorgt"] == pytest.approx(
        250, abs=0.1
    )
    assert pd.isna(df.loc["04", "senioren_versorgt"])


def test_larger_threshold_never_covers_fewer(synthetic_dir, capsys):
    covered = []
    for metres in (300, 500, 800, 1000):
        main(["coverage", "--max-walk-m", str(metres), "--total", "--data", str(synthetic_dir)])
        covered.append(_csv(capsys).set_index("stadtteil_nr").loc["gesamt", "senioren_versorgt"])
    assert covered == sorted(covered)


def test_other_target_group_renames_columns(synthetic_dir, capsys):
    main(["coverage", "--target", "kinder", "--data", str(synthetic_dir)])
    assert "kinder_versorgt" in _csv(capsys).columns


def test_rank_json_has_required_fields(synthetic_dir, capsys):
    assert (
        main(
            [
                "rank",
                "--year",
                "2025",
                "--format",
                "json",
                "--min-people",
                "100",
                "--data",
                str(synthetic_dir),
            ]
        )
        == 0
    )
    rows = json.loads(capsys.readouterr().out)
    first = rows[0]
    for key in ["stadtteil_nr", "stadtteil", "rang", "index", "klasse", "senioren_65plus", "senioren_versorgt",
                "senioren_unversorgt", "anteil_versorgt", "score_unversorgt", "beitrag_unversorgt", "rang_p05"]:  # fmt: skip
        assert key in first
    assert [r["rang"] for r in rows if r["gerankt"]] == [1, 2]
    assert rows[-1]["stadtteil_nr"] == "04"  # Ost: seniors not published, not ranked


def test_rank_weights_change_the_index(synthetic_dir, capsys):
    main(["rank", "--min-people", "100", "--data", str(synthetic_dir)])
    default = _csv(capsys).set_index("stadtteil_nr")["index"]
    main(["rank", "--min-people", "100", "--weights", "zielgruppe=1,anteil_zielgruppe=0,einpersonenhaushalte=0,"
          "wohngeld=0,unversorgt=0,anteil_versorgt=0,e2sfca=0", "--data", str(synthetic_dir)])  # fmt: skip
    only_size = _csv(capsys).set_index("stadtteil_nr")
    # Fixed goalposts (issue 18): the size alone scores people of 65+ / 5,000 – no longer
    # 100 for the largest Stadtteil of the current data.
    seniors = only_size.loc["01", "senioren_65plus"]
    assert only_size.loc["01", "index"] == pytest.approx(seniors / 5000 * 100, abs=1e-3)
    assert not only_size["index"].equals(default)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["rank", "--weights", "foo=1"], "Ungültige Gewichtung"),
        (["coverage", "--detour", "0.5"], "Umwegfaktor"),
        (["coverage", "--categories", "kneipe"], "Unbekannte Einrichtungskategorie"),
    ],
)
def test_invalid_options(synthetic_dir, capsys, args, message):
    assert main([*args, "--data", str(synthetic_dir)]) == 1
    assert message in capsys.readouterr().err
