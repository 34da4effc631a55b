"""``begegnungsatlas`` command line: every figure the app shows, reproducible and scriptable.

Each sub-command lives in its own module ``cli.<name>`` (listed in :data:`COMMANDS`) and
registers its options there. Only the module of the command that is run is imported, so
``--help`` and a quick table do not wait for maps, PDF and optimisation libraries.

Every failure ends with a German message on stderr and exit code 1, never a Python
traceback: our own errors (data package, input, store, worker limits) print their message;
missing or unreadable files, database problems (named by :mod:`register.faults`), Ctrl+C and
errors raised inside other libraries get a German text of their own, and nothing the
program logs reaches the terminal. ``BEGEGNUNGSATLAS_DEBUG=1`` shows the traceback of
unexpected errors and the log instead.

Everything the command prints passes through :func:`geo.io.safe_text.escape_controls`: a file
name or a cell with terminal escape sequences (or bidirectional overrides) is shown as
visible ``\u001b`` text, never interpreted by the terminal. JSON stays valid JSON.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import importlib
import logging
import os
import re
import sqlite3
import sys
import traceback
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import NoReturn, TextIO

from geo.config import PROJECT_ROOT
from geo.io.safe_text import escape_controls

#: Sub-commands in the order of ``--help``: name (module ``cli.<name>``) -> one-line help.
COMMANDS = {
    "indicators": "Indikatoren je Stadtteil",
    "coverage": "fußläufige Versorgung je Stadtteil",
    "rank": "Unterversorgungsindex und Rangfolge",
    "optimize": "neue Standorte vorschlagen (MCLP/p-Median)",
    "report": "PDF-Bericht (Seniorenbeirat/Fachgespräch)",
    "validate": "Datei für den Upload prüfen",
    "transit": "Erreichbarkeit mit Bus & Bahn je Stadtteil",
    "einrichtungen": "Einrichtungsregister: auflisten, ergänzen, korrigieren, importieren, exportieren",
    "szenario": "Szenarien speichern, auflisten, zeigen und löschen",
    "export": "Downloads der Seite Daten: GeoPackage für QGIS oder Excel",
    "vorlage": "Vorlage für einen Upload (CSV oder XLSX)",
    "rollen": "Rollen der Anmeldung (Mehrplatz): auflisten, vergeben, entziehen",
    "regionen": "Gebietsgliederungen (Versorgungsgebiete, Sozialregionen) speichern und zeigen",
    "verteilung": "Verteilungsschlüssel: Betrag nach Bedarf auf die Regionen verteilen",
    "massnahmen": "Maßnahmen der Stadt: Liste mit Datenprüfung, Status",
    "umfeld": "Umfeld je Treffpunkt: Menschen in Gehweite, nächster Treffpunkt, Überschneidungen",
}
#: Set to 1 to see the traceback of an unexpected error (same variable as the app).
DEBUG_ENV = "BEGEGNUNGSATLAS_DEBUG"
PROG = "begegnungsatlas"

#: argparse's messages (Python 3.11) -> German.
_USAGE_MESSAGES = [
    (r"the following arguments are required: (.*)", "Es fehlt die Angabe {0}."),
    (r"argument (.*?): invalid choice: (.*?) \(choose from (.*)\)", "{0}: {1} ist nicht möglich; erlaubt: {2}."),
    (r"argument (.*?): invalid (\w+) value: (.*)", "{0}: {2} ist kein gültiger Wert ({1})."),
    (r"argument (.*?): expected one argument", "{0}: Es fehlt der Wert."),
    (r"argument (.*?): expected (.*) arguments?", "{0}: Es fehlen Werte."),
    (r"argument (.*?): not allowed with argument (.*)", "{0} und {1} gehen nicht zusammen."),
    (r"argument (.*?): ignored explicit argument (.*)", "{0}: unerwarteter Wert {1}."),
    (r"unrecognized arguments: (.*)", "Unbekannte Angaben: {0}."),
    (r"ambiguous option: (.*?) could match (.*)", "{0} ist mehrdeutig (passt zu {1})."),
    (r"argument (.*?): (.*Lösung:.*)", "{0}: {1}"),  # our own German type checks
]  # fmt: skip
_TYPE_NAMES = {"int": "ganze Zahl", "float": "Zahl", "Path": "Pfad"}


class GermanArgumentParser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one German line and exit code 1."""

    def error(self, message: str) -> NoReturn:
        """Print the German message and exit with 1 (argparse would print English and 2)."""
        print(f"Fehler: {_german_usage(message)} Hilfe: {self.prog} --help", file=sys.stderr)
        raise SystemExit(1)


def _german_usage(message: str) -> str:
    for pattern, german in _USAGE_MESSAGES:
        match = re.fullmatch(pattern, message)
        if match:
            parts = [_TYPE_NAMES.get(p, p) for p in match.groups()]
            return german.format(*parts)
    return "Ungültiger Aufruf."


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The argument parser with all sub-commands.

    Parameters
    ----------
    command : str, optional
        Register the options of this sub-command only (the others are listed by name and
        help, so ``--help`` and the usage errors read the same; ``""``: none of them);
        default: all of them.
    """
    parser = GermanArgumentParser(
        prog=PROG,
        description="Begegnungsatlas Magdeburg – Auswertungen ohne Oberfläche.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="BEFEHL")
    for name, help_text in COMMANDS.items():
        if command is None or name == command:
            importlib.import_module(f"cli.{name}").register(sub)
        else:
            sub.add_parser(name, help=help_text)
    return parser


def _command(argv: Sequence[str]) -> str:
    """The sub-command named in ``argv`` (the first word; the main parser has only -h), or ""."""
    word = next((a for a in argv if not a.startswith("-")), "")
    return word if word in COMMANDS else ""


def _debug() -> bool:
    return os.environ.get(DEBUG_ENV, "").strip().lower() not in ("", "0", "false", "nein")


def _raised_by_us(error: BaseException) -> bool:
    """True if ``error`` was raised in this project's code (so its message is German)."""
    frames = traceback.extract_tb(error.__traceback__)
    if not frames:
        return True
    path = Path(frames[-1].filename).resolve()
    return (
        path.is_relative_to(PROJECT_ROOT)
        and ".venv" not in path.parts
        and "site-packages" not in path.parts
    )


_OS_REASONS = {
    errno.ENOENT: "nicht gefunden",
    errno.EACCES: "keine Berechtigung",
    errno.EPERM: "keine Berechtigung",
    errno.EISDIR: "ist ein Ordner, keine Datei",
    errno.ENOTDIR: "ein Teil des Pfads ist kein Ordner",
    errno.ENOSPC: "kein Platz mehr auf dem Datenträger",
    errno.EROFS: "schreibgeschütztes Dateisystem",
    errno.ENAMETOOLONG: "Name zu lang",
}


def _os_message(error: OSError) -> str:
    target = error.filename if error.filename is not None else "Datei"
    reason = _OS_REASONS.get(error.errno, f"Betriebssystemfehler {error.errno}")
    return (
        f"{target}: {reason}. Lösung: Pfad und Rechte prüfen (bei --output/--out den Ordner, "
        "bei --data das Datenpaket)."
    )


def _message(error: Exception) -> str:
    """The German message for a failure of a sub-command."""
    from geo.errors import DataPackageError
    from geo.io.sandbox import SandboxError
    from register.faults import DatabaseFaultError, Where, classify
    from scenarios.store import StoreError

    if isinstance(error, DataPackageError | SandboxError | StoreError | DatabaseFaultError):
        return str(error)
    if isinstance(error, sqlite3.Error) or type(error).__module__.split(".")[0] == "psycopg":
        return str(classify(error, Where("Register- und Szenario-Datenbank")))
    if isinstance(error, OSError):
        return _os_message(error)
    if isinstance(error, MemoryError):
        return "Zu wenig Arbeitsspeicher für diese Auswertung."
    if isinstance(error, UnicodeError):
        return (
            "Eine Datei hat nicht den erwarteten Zeichensatz (UTF-8). Lösung: die Datei als "
            "UTF-8 speichern."
        )
    if isinstance(error, ValueError) and _raised_by_us(error):
        return str(error)
    raise error  # unexpected: handled by main()


class SafeStream:
    """A text stream that writes untrusted text with control characters escaped."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        """Write ``text`` with every control character as a visible escape."""
        self._stream.write(escape_controls(text))
        return len(text)

    def writelines(self, lines) -> None:  # noqa: D102
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


@contextlib.contextmanager
def _terminal() -> Iterator[None]:
    """Escaped stdout/stderr, and the log kept off the terminal (unless debugging)."""
    saved = sys.stdout, sys.stderr
    logger = logging.getLogger("begegnungsatlas")
    handler: logging.Handler = logging.NullHandler()
    if _debug():
        handler = logging.StreamHandler(sys.stderr)
        logger.setLevel(logging.INFO)
    logger.addHandler(handler)
    sys.stdout, sys.stderr = SafeStream(sys.stdout), SafeStream(sys.stderr)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved
        logger.removeHandler(handler)


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code (0 ok, 1 any failure)."""
    argv = sys.argv[1:] if argv is None else list(argv)
    with _terminal():
        try:
            args = build_parser(_command(argv)).parse_args(argv)
        except SystemExit as done:
            return int(done.code or 0)
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    try:
        return args.run(args)
    except BrokenPipeError:  # output piped into e.g. `head`
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print("Abgebrochen (Strg+C).", file=sys.stderr)
        return 1
    except Exception as error:
        try:
            message = _message(error)
        except Exception:
            if _debug():
                raise
            message = (
                f"Interner Fehler. Bitte mit dem Aufruf melden; {DEBUG_ENV}=1 zeigt die "
                "Einzelheiten."
            )
        print(f"Fehler: {message}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
