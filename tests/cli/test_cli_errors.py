"""Every failure of the command line: one German message, exit code 1, no traceback."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys

import pytest

from cli import DEBUG_ENV, main
from geo.config import PROJECT_ROOT
from scenarios.model import NewSite, Overlay, Scenario, stamped
from scenarios.store import FILE_NAME, ScenarioStore

ENGLISH = ("Traceback", "Error", "usage:", "invalid", "required", "No such file", "Errno")


def _exit_code(argv) -> int:
    try:
        return main(argv)
    except SystemExit as exit:  # usage errors exit from the parser
        return exit.code


def _fails(capsys, argv, message) -> str:
    assert _exit_code(argv) == 1
    err = capsys.readouterr().err
    assert err.startswith("Fehler: ")
    assert message in err, err
    assert not any(word in err for word in ENGLISH), err
    return err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ([], "Es fehlt die Angabe BEFEHL."),
        (["zaubern"], "BEFEHL: 'zaubern' ist nicht möglich; erlaubt: 'indicators'"),
        (["indicators", "--format", "xml"], "--format: 'xml' ist nicht möglich"),
        (["indicators", "--year", "zwanzig"], "--year: 'zwanzig' ist kein gültiger Wert (ganze"),
        (["indicators", "--year"], "--year: Es fehlt der Wert."),
        (["indicators", "--farbe", "rot"], "Unbekannte Angaben: --farbe rot."),
        (["coverage", "--max-walk-m", "weit"], "kein gültiger Wert (Zahl)"),
        (["report", "--year", "2025"], "Es fehlt die Angabe --out."),
    ],
)
def test_usage_errors_are_german(capsys, argv, message):
    err = _fails(capsys, argv, message)
    assert "Hilfe: begegnungsatlas" in err


def test_missing_output_folder(synthetic_dir, tmp_path, capsys):
    target = tmp_path / "fehlt" / "x.csv"
    assert main(["indicators", "--data", str(synthetic_dir), "--output", str(target)]) == 1
    err = capsys.readouterr().err
    assert f"Fehler: {target}: nicht gefunden. Lösung: Pfad und Rechte prüfen" in err


def test_output_is_a_folder(synthetic_dir, tmp_path, capsys):
    assert main(["indicators", "--data", str(synthetic_dir), "--output", str(tmp_path)]) == 1
    assert "ist ein Ordner, keine Datei" in capsys.readouterr().err


def test_missing_saved_scenario(synthetic_dir, tmp_path, capsys):
    argv = ["transit", "--data", str(synthetic_dir), "--scenario", "Gibtsnicht"]
    assert main([*argv, "--scenario-dir", str(tmp_path)]) == 1
    assert "Fehler: Kein Szenario mit dem Namen „Gibtsnicht“." in capsys.readouterr().err


def test_damaged_store_is_reported_and_left_as_it_is(synthetic_dir, tmp_path, capsys):
    (tmp_path / FILE_NAME).write_bytes(b"\x00" * 4096)
    argv = ["transit", "--data", str(synthetic_dir), "--scenario", "Plan"]
    assert main([*argv, "--scenario-dir", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Fehler: Die Datenbank (Datei „begegnungsatlas.sqlite“ im Szenario-")
    assert "ist beschädigt: keine SQLite-Datenbank" in err
    assert (tmp_path / FILE_NAME).read_bytes() == b"\x00" * 4096
    assert not list(tmp_path.glob("*defekt*"))


def test_store_of_a_newer_app(synthetic_dir, tmp_path, capsys):
    store = ScenarioStore(tmp_path)
    store.save(stamped(Scenario(overlay=Overlay(added=(NewSite("A", 11.6, 52.1),))), "Plan", "v"))
    with sqlite3.connect(store.path) as conn:
        conn.execute("UPDATE schema_version SET version = 7 WHERE component = 'scenarios'")
    argv = ["transit", "--data", str(synthetic_dir), "--scenario", "Plan"]
    assert main([*argv, "--scenario-dir", str(tmp_path)]) == 1
    assert "hat das Format 7; diese Version der App kennt nur bis 1" in capsys.readouterr().err


def _failing(monkeypatch, error: BaseException) -> None:
    from cli import indicators

    def run(args):
        raise error

    monkeypatch.setattr(indicators, "run", run)


def _third_party_value_error():
    try:
        json.loads("{kaputt")
    except ValueError as error:
        return error


@pytest.mark.parametrize(
    ("error", "message"),
    [
        (KeyboardInterrupt(), "Abgebrochen (Strg+C)."),
        (RuntimeError("/srv/geheim/pfad"), "Fehler: Interner Fehler. Bitte mit dem Aufruf melden"),
        (KeyError("/srv/geheim"), f"{DEBUG_ENV}=1 zeigt die Einzelheiten"),
        (_third_party_value_error(), "Fehler: Interner Fehler."),
        (sqlite3.OperationalError("disk I/O error"), "Die Datenbank (Register- und Szenario-"),
        (MemoryError(), "Zu wenig Arbeitsspeicher"),
        (PermissionError(13, "Permission denied", "/srv/x"), "/srv/x: keine Berechtigung."),
        (UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid"), "nicht den erwarteten Zeichen"),
        (ValueError("Spalte „lat“ fehlt. Lösung: …"), "Fehler: Spalte „lat“ fehlt. Lösung: …"),
    ],
)
def test_unexpected_failures_are_one_german_line(monkeypatch, capsys, error, message):
    monkeypatch.delenv(DEBUG_ENV, raising=False)
    _failing(monkeypatch, error)
    assert main(["indicators"]) == 1
    err = capsys.readouterr().err
    assert message in err
    assert err.count("\n") == 1
    assert "geheim" not in err
    assert not any(word in err for word in ENGLISH), err


def test_debug_variable_shows_the_traceback(monkeypatch):
    monkeypatch.setenv(DEBUG_ENV, "1")
    _failing(monkeypatch, RuntimeError("für Entwickler"))
    with pytest.raises(RuntimeError, match="für Entwickler"):
        main(["indicators"])


def test_installed_command_prints_no_traceback(tmp_path):
    """The real entry point in a new process: a missing package and a bad option."""
    for argv in (
        ["indicators", "--data", str(tmp_path / "fehlt")],
        ["indicators", "--format", "xml"],
    ):
        result = subprocess.run(
            [sys.executable, "-m", "cli", *argv],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            check=False,
            env={"PATH": "/usr/bin:/bin"},
        )
        assert result.returncode == 1
        assert result.stderr.startswith("Fehler: ")
        assert "Traceback" not in result.stderr
