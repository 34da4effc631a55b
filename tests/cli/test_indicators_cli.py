"""``begegnungsatlas indicators`` on the synthetic package."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest

from cli import main
from indicators.registry import INDICATORS


def test_csv_has_one_row_per_stadtteil_and_all_indicator_columns(synthetic_dir, capsys):
    assert (
        main(["indicators", "--year", "2025", "--format", "csv", "--data", str(synthetic_dir)]) == 0
    )
    df = pd.read_csv(io.StringIO(capsys.readouterr().out), dtype={"stadtteil_nr": str})
    assert list(df.columns) == ["stadtteil_nr", "stadtteil", *INDICATORS]
    assert df["stadtteil_nr"].tolist() == ["01", "02", "04"]
    assert df.loc[0, "senioren_65plus"] == 250
    assert pd.isna(df.loc[2, "senioren_65plus"])  # suppressed stays empty, not 0


def test_json_uses_null_for_missing(synthetic_dir, capsys):
    main(["indicators", "--format", "json", "--data", str(synthetic_dir)])
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 3
    assert rows[1]["anteil_65plus"] == 50.0
    assert rows[2]["anteil_65plus"] is None
    assert isinstance(rows[0]["einwohner"], int)


def test_output_file(synthetic_dir, tmp_path):
    target = tmp_path / "out.csv"
    main(["indicators", "--data", str(synthetic_dir), "--output", str(target)])
    assert target.read_text(encoding="utf-8").startswith("stadtteil_nr,stadtteil,einwohner")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--year", "2019"], "Jahr 2019 ist nicht wählbar"),
        (["--data", "/gibt/es/nicht"], "BEGEGNUNGSATLAS_DATA"),
    ],
)
def test_errors_exit_1_with_german_message(synthetic_dir, capsys, args, message):
    argv = ["indicators", "--data", str(synthetic_dir), *args]
    assert main(argv) == 1
    assert message in capsys.readouterr().err
