"""What the command line prints: control characters escaped, JSON valid, formulas defused."""

from __future__ import annotations

import json

import pytest

from cli import SafeStream, main
from tests.synthetic import X0, Y0, metric_point

LON, LAT = metric_point(X0 + 500, Y0 + 1500)
META = ["--author", "Frau Berger", "--reason", "Liste 2025", "--source", "Sozialamt"]
#: A name with a bidirectional override and a C1 control (the register refuses C0 ones).
NAME = "Treff \u202eNord\u009b[2J"


@pytest.fixture
def register(synthetic_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("BEGEGNUNGSATLAS_SZENARIEN", str(tmp_path / "szenarien"))
    monkeypatch.delenv("BEGEGNUNGSATLAS_DB", raising=False)
    add = ["einrichtungen", "add", "--typ", "OT", "--kategorie", "senioren_begegnung",
           "--oeffentlich", "ja", "--in-betrieb", "ja", "--lat", f"{LAT:.5f}", "--lon",
           f"{LON:.5f}", "--genauigkeit", "10", *META, "--data", str(synthetic_dir)]  # fmt: skip
    for name in (NAME, "=1+1", "@SUM(A1)", "-2+3", "+cmd|' /C calc'!A0"):
        assert main([*add, f"--name={name}"]) == 0
    return synthetic_dir


def test_json_output_is_valid_json_and_keeps_the_text(register, capsys):
    capsys.readouterr()
    assert main(["einrichtungen", "list", "--format", "json", "--data", str(register)]) == 0
    out = capsys.readouterr().out
    assert "\u202e" not in out  # never raw on the terminal
    assert "\u009b" not in out
    names = {row["name"] for row in json.loads(out)}
    assert NAME in names  # the data itself is unchanged


def test_csv_output_escapes_controls_and_defuses_formulas(register, capsys):
    capsys.readouterr()
    assert main(["einrichtungen", "list", "--format", "csv", "--data", str(register)]) == 0
    out = capsys.readouterr().out
    assert "Treff \\u202eNord\\u009b[2J" in out
    for formula in ("=1+1", "@SUM(A1)", "-2+3", "+cmd|' /C calc'!A0"):
        assert f"'{formula}" in out, formula
    assert ",=1+1" not in out


def test_history_csv_defuses_formulas(register, capsys):
    reason = '=HYPERLINK("http://example.org","x")'
    argv = ["einrichtungen", "close", "R-0002", "--author", "A", f"--reason={reason}"]
    assert main([*argv, "--source", "S", "--data", str(register)]) == 0
    capsys.readouterr()
    assert main(["einrichtungen", "history", "--format", "csv"]) == 0
    out = capsys.readouterr().out
    assert "'=HYPERLINK" in out


def test_usage_errors_echo_arguments_escaped(capsys):
    assert main(["einrichtungen", "list", "--format", "\x1b]0;x\x07"]) == 1
    err = capsys.readouterr().err
    assert "\x1b" not in err
    assert "\x07" not in err
    assert "'\\x1b]0;x\\x07' ist nicht möglich" in err


def test_numbers_in_other_columns_are_not_touched(synthetic_dir, capsys):
    assert main(["indicators", "--data", str(synthetic_dir), "--format", "csv"]) == 0
    out = capsys.readouterr().out
    assert "'" not in out.splitlines()[1]  # numbers (also negative ones) stay numbers


def test_safe_stream_keeps_lines_and_tabs():
    import io

    buffer = io.StringIO()
    SafeStream(buffer).write("a\tb\nc\x1bd\r\n")
    assert buffer.getvalue() == "a\tb\nc\\u001bd\\u000d\n"
