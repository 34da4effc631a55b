"""Faults and hostile input at the command line (kind ``cli:<setup>``), run as real processes.

Each case runs ``begegnungsatlas`` in a fresh process on the synthetic package, with its own
scenario folder (the SQLite database of register and scenarios), and says what must
happen: exit 0 (``accepted``) or exit 1, and the German text that must appear. Covered: a
damaged database in every form (garbage, empty, garbage in the middle) on every verb, a
read-only folder or file, a full disk, an unreachable PostgreSQL server, numbers and rows
typed at the command line, files too large to read, terminal escape sequences in names,
spreadsheet formulas in CSV output, and a package cache that is shared or planted.

``filename`` is the command line; ``{datei}`` (or ``{datei:NAME}``) is the case's content
written to a file, ``;;`` separates commands run before the measured one. Setups that need
privileges this machine does not grant raise :class:`NotAvailable` (the test skips them).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import re
import shlex
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

from geo.config import PROJECT_ROOT
from tests.hostile.builders import LAT, LON
from tests.hostile.cases import Case
from tests.hostile.entries import Context, Outcome, entry

ADD = (
    "einrichtungen add --name {name} --typ Treff --kategorie senioren_begegnung "
    "--oeffentlich ja --in-betrieb ja --author Berger --reason fehlt --source Liste "
    f"--lat {LAT:.5f} --lon {LON:.5f} --genauigkeit 10"
)
META = "--author Berger --reason Abgleich"
SETUP = "einrichtungen soll 'Offener Treff' 12 --author Berger --reason Plan --source Liste"
#: A server address where nothing listens.
DOWN = "postgresql://atlas@127.0.0.1:1/atlas"
_FILE = re.compile(r"\{datei(?::([^}]*))?\}")


class NotAvailable(Exception):  # noqa: N818 - a reason to skip, not an error
    """The setup needs something this machine does not allow (e.g. mounting)."""


def const(value: bytes) -> functools.partial:
    return functools.partial(bytes, value)


def _middle_garbage() -> bytes:
    """A sound SQLite database with 3 KB of garbage written into its middle."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "db.sqlite"
        conn = sqlite3.connect(path)
        conn.execute("CREATE TABLE register_changes (id INTEGER PRIMARY KEY, text TEXT)")
        conn.executemany("INSERT INTO register_changes (text) VALUES (?)", [("x" * 400,)] * 300)
        conn.commit()
        conn.close()
        data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 3000] = b"\xff" * 3000
    return bytes(data)


def _facility_csv() -> bytes:
    return f"name;lat;lon\nNeuer Treff;{LAT:.6f};{LON:.6f}\n".encode()


GARBAGE = b"kein SQLite" * 300
BROKEN = "(Datei „begegnungsatlas.sqlite“ im Szenario-Ordner) ist beschädigt"

STORE_CASES = [
    Case("cli-register-garbage-list", "cli:store", "einrichtungen list", const(GARBAGE), False,
         f"{BROKEN}: keine SQLite-Datenbank (Dateikopf fehlt)"),
    Case("cli-register-empty-list", "cli:store", "einrichtungen list", const(b""), False,
         f"{BROKEN}: die Datei ist leer (0 Byte)"),
    Case("cli-register-empty-history", "cli:store", "einrichtungen history", const(b""), False,
         f"{BROKEN}: die Datei ist leer (0 Byte)"),
    Case("cli-register-middle-garbage-add", "cli:store", ADD.format(name="Neu"),
         _middle_garbage, False, BROKEN),
    Case("cli-register-middle-garbage-list", "cli:store", "einrichtungen list",
         _middle_garbage, False, BROKEN),
    Case("cli-analysis-on-broken-register", "cli:store", "indicators", const(GARBAGE), False,
         BROKEN),
    Case("cli-scenario-on-broken-store", "cli:store", "coverage --scenario Plan",
         const(GARBAGE), False, BROKEN),
    Case("cli-register-readonly-folder", "cli:readonly-folder", ADD.format(name="Neu"),
         const(b""), False, "ist schreibgeschützt: in den Ordner darf nicht geschrieben werden"),
    Case("cli-register-readonly-file", "cli:readonly-file", ADD.format(name="Neu"),
         const(b""), False, "ist schreibgeschützt: die Datei darf nicht geändert werden"),
    Case("cli-register-disk-full", "cli:full", ADD.format(name="Neu"), const(b""), False,
         "Auf dem Datenträger der Datenbank (Datei „begegnungsatlas.sqlite“ im Szenario-Ordner) "
         "ist kein Platz mehr frei"),
    Case("cli-register-postgres-down", "cli:postgres-down", "einrichtungen list", const(b""),
         False, "Der Datenbankserver (Server 127.0.0.1:1, Datenbank atlas) ist nicht erreichbar: "
         "Verbindung abgelehnt"),
    Case("cli-register-sound-list", "cli:plain", f"{SETUP} ;; einrichtungen list", const(b""),
         True, "id,typ,name"),
]  # fmt: skip

INPUT_CASES = [
    Case("cli-import-rows-x", "cli:plain", f"einrichtungen import {{datei}} --apply --rows 2,x {META}",
         _facility_csv, False, "--rows: 'x' ist keine ganze Zahl ab 1"),
    Case("cli-import-rows-zero-negative", "cli:plain",
         f"einrichtungen import {{datei}} --apply --rows 0,-1 {META}", _facility_csv, False,
         "--rows: '0' ist keine ganze Zahl ab 1"),
    Case("cli-import-rows-not-in-preview", "cli:plain",
         f"einrichtungen import {{datei}} --apply --rows 2,99999 {META}", _facility_csv, False,
         "--rows: Zeile 99999 enthält keine Änderung der Vorschau"),
    Case("cli-import-rows-valid", "cli:plain",
         f"einrichtungen import {{datei}} --apply --rows 2 {META}", _facility_csv, True,
         "Übernommen: 1 Änderung(en)"),
    Case("cli-soll-superscript", "cli:plain",
         "einrichtungen soll 'Offener Treff' ² --author A --reason R --source S", const(b""),
         False, "Anzahl: '²' ist keine ganze Zahl von 0 bis 10.000"),
    Case("cli-soll-thousands", "cli:plain",
         "einrichtungen soll 'Offener Treff' 1.200 --author A --reason R --source S",
         const(b""), True, "Soll für Offener Treff: 1200."),
    Case("cli-add-radius-ambiguous", "cli:plain",
         ADD.format(name="Neu").replace("--genauigkeit 10", "--genauigkeit 1.500"),
         const(b""), False, "--genauigkeit: Mehrdeutige Zahl '1.500'"),
    Case("cli-add-lat-german", "cli:plain",
         ADD.format(name="Neu").replace(f"{LAT:.5f}", f"{LAT:.5f}".replace(".", ",")),
         const(b""), True, "Gespeichert"),
    Case("cli-import-sparse-2gb", "cli:sparse", f"einrichtungen import {{datei:gross.csv}} {META}",
         const(b"2147483648"), False, "gross.csv: Die Datei ist zu groß (2048 MB, erlaubt 20 MB)"),
    Case("cli-validate-sparse-2gb", "cli:sparse",
         "validate {datei:gross.csv} --kind facilities", const(b"2147483648"), False,
         "gross.csv: Die Datei ist zu groß (2048 MB, erlaubt 20 MB)"),
    Case("cli-import-escape-in-name", "cli:plain",
         f"einrichtungen import {{datei:liste\x1b[2J\x1b]0;Titel\x07.csv}} {META}", _facility_csv,
         True, "Abgleich liste\\u001b[2J\\u001b]0;Titel\\u0007.csv"),
    Case("cli-list-csv-formulas", "cli:plain",
         " ;; ".join([ADD.format(name=shlex.quote("=1+1")), ADD.format(name=shlex.quote("@SUM(1)")),
                      ADD.format(name=shlex.quote("+cmd|' /C calc'!A0")),
                      "einrichtungen list --format csv"]),
         const(b""), True, ",'=1+1,"),
    Case("cli-history-csv-formulas", "cli:plain",
         ADD.format(name="Neu").replace("--reason fehlt", "--reason '=HYPERLINK(\"x\")'")
         + " ;; einrichtungen history --format csv", const(b""), True, "'=HYPERLINK"),
]  # fmt: skip

CACHE_CASES = [
    Case("cli-cache-folder-symlink", "cli:cache-link", "indicators", const(b""), True,
         "Hinweis: Der Paket-Cache wird nicht benutzt: sein Ordner ist ein symbolischer Verweis"),
    Case("cli-cache-folder-open", "cli:cache-open", "indicators", const(b""), True,
         "(Rechte 777 statt 700)"),
    Case("cli-cache-entry-planted-link", "cli:cache-plant", "indicators", const(b""), True,
         "an Stelle eines Eintrags liegt etwas anderes als eine Datei"),
]  # fmt: skip

CASES: list[Case] = [*STORE_CASES, *INPUT_CASES, *CACHE_CASES]


# --------------------------------------------------------------------------- the entry


def _run(command: str, env: dict[str, str], files: dict[str, Path]) -> subprocess.CompletedProcess:
    def name(match: re.Match) -> str:
        return shlex.quote(str(files[match.group(1) or "eingabe.csv"]))

    argv = shlex.split(_FILE.sub(name, command))
    return subprocess.run(
        [sys.executable, "-m", "cli", *argv],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@contextlib.contextmanager
def _mounted(folder: Path, *commands: list[str]):
    """Run ``mount OPTIONS FOLDER`` for each of ``commands`` (root only); unmount afterwards."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        raise NotAvailable("Einhängen braucht Administratorrechte")
    try:
        for options in commands:
            done = subprocess.run(["mount", *options, str(folder)], capture_output=True)
            if done.returncode:
                raise NotAvailable("Einhängen nicht erlaubt")
        yield
    finally:
        for _ in commands:
            subprocess.run(["umount", "-l", str(folder)], capture_output=True, check=False)


@contextlib.contextmanager
def _setup(kind: str, content: bytes, folder: Path, cache: Path, env: dict, run) -> object:
    """Prepare the scenario folder (or cache) for a setup; undo what needs undoing."""
    database = folder / "begegnungsatlas.sqlite"
    if kind == "store":
        database.write_bytes(content)
        yield
    elif kind == "readonly-folder":
        run(SETUP)
        if os.geteuid() == 0:
            with _mounted(folder, ["--bind", str(folder)], ["-o", "remount,ro,bind"]):
                yield
        else:
            folder.chmod(0o555)
            try:
                yield
            finally:
                folder.chmod(0o755)
    elif kind == "readonly-file":
        run(SETUP)
        for side in ("-wal", "-shm"):
            Path(f"{database}{side}").unlink(missing_ok=True)
        if os.geteuid() == 0:
            if subprocess.run(["chattr", "+i", str(database)], capture_output=True).returncode:
                raise NotAvailable("chattr nicht möglich")
            try:
                yield
            finally:
                subprocess.run(["chattr", "-i", str(database)], capture_output=True)
        else:
            database.chmod(0o444)
            yield
    elif kind == "full":
        with _mounted(folder, ["-t", "tmpfs", "-o", "size=512k", "tmpfs"]):
            run(SETUP)
            filler = folder / "fueller.bin"
            free = os.statvfs(folder)
            filler.write_bytes(b"\0" * max(free.f_bavail * free.f_frsize - 12 * 1024, 0))
            yield
    elif kind == "postgres-down":
        env["BEGEGNUNGSATLAS_DB"] = DOWN
        yield
    elif kind == "sparse":
        with open(folder / "gross.csv", "wb") as handle:
            handle.truncate(int(content))
        yield
    elif kind in ("cache-link", "cache-open", "cache-plant"):
        target = cache.with_name("woanders")
        if kind == "cache-link":
            target.mkdir(mode=0o700)
            cache.symlink_to(target, target_is_directory=True)
        else:
            cache.mkdir()
            cache.chmod(0o777 if kind == "cache-open" else 0o700)
        if kind == "cache-plant":  # a link where the entry of this package will be looked for
            victim = cache.with_name("eigene-datei")
            victim.write_bytes(b"wichtig")
            root = str(Path(env["BEGEGNUNGSATLAS_DATA"]).resolve()).encode()
            (cache / f"paket-{hashlib.sha256(root).hexdigest()[:24]}.pickle").symlink_to(victim)
        env["BEGEGNUNGSATLAS_CACHE"] = str(cache)
        yield
    else:
        yield


@entry("cli")
def _cli(case: Case, content: bytes | str, context: Context) -> Outcome:
    """Run the case's command lines in fresh processes; the last one is the outcome."""
    assert isinstance(content, bytes)
    setup = case.kind.split(":", 1)[1]
    work = Path(tempfile.mkdtemp(prefix=f"cli-{case.name}-", dir=context.tmp))
    folder = work / "szenarien"
    folder.mkdir()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("BEGEGNUNGSATLAS_") and key != "CI"
    }
    env.update(
        BEGEGNUNGSATLAS_DATA=str(context.package_dir),
        BEGEGNUNGSATLAS_SZENARIEN=str(folder),
        BEGEGNUNGSATLAS_CACHE="aus",
        PYTHONDONTWRITEBYTECODE="1",
    )
    files = {"eingabe.csv": work / "eingabe.csv", "gross.csv": folder / "gross.csv"}
    for match in _FILE.finditer(case.filename):
        if match.group(1) and match.group(1) != "gross.csv":
            files[match.group(1)] = work / match.group(1)
    for name, path in files.items():
        if name != "gross.csv":
            path.write_bytes(content)

    def run(command: str) -> subprocess.CompletedProcess:
        done = _run(command, env, files)
        assert done.returncode == 0, (command, done.stderr)  # a setup step must succeed
        return done

    *before, last = [part.strip() for part in case.filename.split(";;")]
    with _setup(setup, content, folder, work / "cache", env, run):
        for command in before:
            run(command)
        done = _run(last, env, files)
    output = [line for line in (done.stdout + done.stderr).splitlines() if line.strip()]
    if done.returncode == 0:
        return Outcome(True, warnings=output)
    return Outcome(False, [line for line in done.stderr.splitlines() if line.strip()], output)
