"""Parse untrusted input in a separate worker process with hard limits.

A file or link from a user can be crafted to burn CPU (a quadratic parser), memory (a sheet
that claims 16,384 columns) or to make a library read something it should not. Whatever a
parser does, it must not freeze or exhaust the server that all planners share. So every
parser of untrusted input runs through :func:`run_limited`:

* in a fresh child of a *forkserver* (a clean, single-threaded process that has the parsing
  libraries imported already, so a child starts in milliseconds and never inherits the
  server's threads or locks);
* with ``RLIMIT_AS`` (address space: the child's size at start plus a budget) and
  ``RLIMIT_CPU``;
* with a wall-clock timeout after which the child is killed;
* returning at most ``max_output_bytes`` of result, in a data-only format
  (:mod:`geo.io.reply`: JSON of plain values, pandas objects as Arrow IPC, dataclasses only
  of the types the caller expects). The reply is built from untrusted input, so the parent
  never unpickles it; a reply in any other form is refused like a crashed worker.

The parent only waits on a pipe (the GIL is released), so the server keeps answering other
sessions while a worker runs. Failures of the worker itself come back as
:class:`SandboxError` with a German message that says what happened – a limit (memory, time,
output), a program error (with a reference) or a crash of a library (segmentation fault,
abort, … named as such) – and the function's own ``ValueError`` messages are passed through
unchanged. Whatever the worker writes to stdout/stderr (a traceback, a library's warnings,
the fault handler's report of a crash) goes to a private file of at most 1 MB and from there
into the log under the reference, never to a terminal or a page.
"""

from __future__ import annotations

import contextlib
import faulthandler
import gc
import io
import logging
import multiprocessing as mp
import os
import resource
import secrets
import signal
import sys
import tempfile
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing import forkserver, popen_forkserver, spawn, util
from multiprocessing.connection import Connection
from multiprocessing.context import reduction, set_spawning_popen
from typing import Any

from geo.io import reply

#: Modules the forkserver imports once, so workers start without import cost
#: (pyarrow.compute backs pandas' string methods and is otherwise imported on first use).
PRELOAD = ["geo.io.uploads", "scenarios.exchange", "pyarrow.compute"]

_CONTEXT: mp.context.ForkServerContext | None = None
_LOCK = threading.Lock()
LOGGER = logging.getLogger("begegnungsatlas")
#: Largest output (stdout/stderr) a worker may write; beyond it writes fail silently.
MAX_LOG_BYTES = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Resource limits of one worker run.

    Attributes
    ----------
    memory_mb : int
        Address space the worker may add to its size at start (MiB).
    cpu_seconds : int
        CPU time of the worker (the kernel stops it after that).
    wall_seconds : float
        Wall-clock time after which the worker is killed.
    max_output_bytes : int
        Largest result (in the reply format) accepted from the worker.
    """

    memory_mb: int = 400
    cpu_seconds: int = 8
    wall_seconds: float = 10.0
    max_output_bytes: int = 64 * 1024 * 1024


class SandboxError(ValueError):
    """The worker could not finish (limit reached or crashed); German message.

    Attributes
    ----------
    problem : str
        What went wrong (German), without the fix.
    fix : str
        How to fix it (German).
    """

    def __init__(self, what: str, problem: str, fix: str) -> None:
        self.problem = problem
        self.fix = fix
        super().__init__(f"{what}: {problem} Lösung: {fix}")


@dataclass(frozen=True)
class Usage:
    """Resources one worker run used (for benchmarks and logs).

    Attributes
    ----------
    what : str
        What was parsed.
    seconds : float
        Wall-clock time from start to answer.
    peak_extra_mb : float or None
        Peak resident memory of the worker above its size at start (MiB); None if the
        worker was killed before it could report.
    outcome : str
        ``ok``, ``error`` (the function's ValueError) or the limit that stopped it.
    """

    what: str
    seconds: float
    peak_extra_mb: float | None
    outcome: str


#: The most recent worker runs of this process (newest last).
RECENT: deque[Usage] = deque(maxlen=64)


def _context() -> mp.context.ForkServerContext:
    global _CONTEXT
    with _LOCK:
        if _CONTEXT is None:
            ctx = mp.get_context("forkserver")
            ctx.set_forkserver_preload(PRELOAD)
            _CONTEXT = ctx
        return _CONTEXT


class _Popen(popen_forkserver.Popen):
    """Start a worker without running the parent's ``__main__`` again.

    Streamlit (and AppTest) execute app.py as the module ``__main__``; multiprocessing
    would run that script once more in every worker, before the limits apply (loading the
    data package, starting servers). The worker needs only the module-level function it
    is given, which is pickled by reference. Same steps as the standard ``_launch``
    (CPython 3.11) without the instruction to re-run the main script.
    """

    def _launch(self, process_obj: mp.process.BaseProcess) -> None:
        prep_data = spawn.get_preparation_data(process_obj._name)
        prep_data.pop("init_main_from_path", None)
        prep_data.pop("init_main_from_name", None)
        buf = io.BytesIO()
        set_spawning_popen(self)
        try:
            reduction.dump(prep_data, buf)
            reduction.dump(process_obj, buf)
        finally:
            set_spawning_popen(None)
        self.sentinel, w = forkserver.connect_to_new_process(self._fds)
        _parent_w = os.dup(w)
        self.finalizer = util.Finalize(self, util.close_fds, (_parent_w, self.sentinel))
        with open(w, "wb", closefd=True) as f:
            f.write(buf.getbuffer())
        self.pid = forkserver.read_signed(self.sentinel)


class _Process(mp.context.ForkServerProcess):
    @staticmethod
    def _Popen(process_obj: mp.process.BaseProcess) -> _Popen:  # noqa: N802 - stdlib name
        return _Popen(process_obj)


#: Limits of the very first worker of a process: it waits while the forkserver imports
#: the parsers (several seconds on a busy machine), which must not count against a file.
_START_LIMITS = Limits(memory_mb=256, cpu_seconds=5, wall_seconds=120.0, max_output_bytes=1024)
_READY = threading.Event()


def _ping() -> bool:
    return True


def warm_up() -> None:
    """Start the forkserver and wait until it can start workers (once per process).

    Called by :func:`run_limited` before the first limited run, and at app start so the
    first upload or link does not wait for the parser imports.
    """
    if _READY.is_set():
        return
    _run(_ping, (), "Start der Prüfprozesse", _START_LIMITS)
    _READY.set()


def _status_bytes(field: str) -> int:
    """A size field of /proc/self/status in bytes (Linux), 0 if unknown."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(f"{field}:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _address_space_now() -> int:
    """Current virtual size of this process in bytes (Linux), 0 if unknown."""
    return _status_bytes("VmSize")


def _child(
    conn: Connection, func: Callable[..., Any], args: tuple, limits: Limits, log_path: str
) -> None:
    # Output first: nothing of the worker may reach a terminal (the CLI) or the page.
    log = os.open(log_path, os.O_WRONLY | os.O_APPEND | getattr(os, "O_CLOEXEC", 0))
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(AttributeError, ValueError, OSError):
            stream.flush()
    os.dup2(log, 1)
    os.dup2(log, 2)
    os.close(log)
    faulthandler.enable(file=sys.stderr)  # a crash of C code is reported in the log
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a full log file: writes fail, no kill
    resource.setrlimit(resource.RLIMIT_FSIZE, (MAX_LOG_BYTES, MAX_LOG_BYTES))
    # Limits next, before any byte of the input is looked at.
    budget = limits.memory_mb * 1024 * 1024
    base = _address_space_now()
    if base:
        resource.setrlimit(resource.RLIMIT_AS, (base + budget, base + budget))
    resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds, limits.cpu_seconds + 1))
    # The inherited objects never need collecting here: keep the garbage collector from
    # walking (and so copying) the forkserver's whole heap.
    gc.freeze()
    start_rss = _status_bytes("VmRSS")
    try:
        payload = ("ok", func(*args))
    except ValueError as error:  # the parser's own German message
        payload = ("error", str(error))
    except MemoryError:
        payload = ("limit", "memory")
    except RecursionError:
        payload = ("limit", "nesting")
    except Exception:  # any parser bug: a German message for the user, details in the log
        with contextlib.suppress(Exception):
            traceback.print_exc(file=sys.stderr)
        payload = ("crash", "")
    data = _encode(payload)
    if len(data) > limits.max_output_bytes:
        data = reply.encode(("limit", "output"))
    peak = max(_status_bytes("VmHWM") - start_rss, 0) if start_rss else -1
    conn.send_bytes(peak.to_bytes(8, "little", signed=True) + data)
    conn.close()


def _encode(payload: tuple[str, Any]) -> bytes:
    """The worker's answer in the data-only reply format (a type it cannot hold: a crash)."""
    try:
        return reply.encode(payload)
    except MemoryError:
        return reply.encode(("limit", "memory"))
    except RecursionError:
        return reply.encode(("limit", "nesting"))
    except Exception:  # a result of a type the reply format does not carry: a program error
        with contextlib.suppress(Exception):
            traceback.print_exc(file=sys.stderr)
        return reply.encode(("crash", ""))


#: Statuses of a worker's answer and the values that may come with a limit.
_STATUSES = {"ok", "error", "limit", "crash"}
_LIMIT_KINDS = {"memory", "nesting", "output"}


def _decode(data: bytes, types: tuple[type, ...]) -> tuple[str, Any]:
    """The worker's ``(status, value)``; ReplyFormatError for anything else."""
    answer = reply.decode(data, types)
    if not (isinstance(answer, tuple) and len(answer) == 2 and answer[0] in _STATUSES):
        raise reply.ReplyFormatError("Die Antwort ist kein Paar aus Status und Wert.")
    status, value = answer
    if (status == "error" and type(value) is not str) or (
        status == "limit" and value not in _LIMIT_KINDS
    ):
        raise reply.ReplyFormatError("Status und Wert passen nicht zusammen.")
    return status, value


_MESSAGES = {
    "memory": "Das Lesen braucht zu viel Arbeitsspeicher (mehr als {memory} MB).",
    "nesting": "Die Daten sind zu tief verschachtelt.",
    "output": "Das Ergebnis ist zu groß.",
    "time": "Das Lesen dauert zu lange (mehr als {seconds} s).",
    "crash": "Die Datei konnte wegen eines Programmfehlers nicht gelesen werden "
    "(Kennung {reference}).",
    "signal": "Der Prüfprozess ist beim Lesen abgestürzt: {signal} in einer Programmbibliothek "
    "(Kennung {reference}).",
    "exit": "Der Prüfprozess hat sich beim Lesen unerwartet beendet (Kennung {reference}).",
    "format": "Der Prüfprozess hat eine Antwort in einem unerwarteten Format geschickt "
    "(Kennung {reference}).",
}
_FIX = "Eine kleinere oder einfachere Datei verwenden (siehe Grenzen im README)."
_FIX_CRASH = (
    "Die Datei im Ursprungsprogramm neu speichern und noch einmal versuchen; bleibt der "
    "Fehler, die Datei mit der Kennung {reference} an die IT geben (Einzelheiten im Protokoll)."
)
#: Signals that end a crashed worker, with their German names.
_SIGNALS = {
    signal.SIGSEGV: "Speicherzugriffsfehler (SIGSEGV)",
    signal.SIGBUS: "Busfehler (SIGBUS)",
    signal.SIGILL: "ungültiger Maschinenbefehl (SIGILL)",
    signal.SIGFPE: "Rechenfehler (SIGFPE)",
    signal.SIGABRT: "Programmabbruch (SIGABRT)",
}


def _fail(kind: str, what: str, limits: Limits, reference: str = "", code: int = 0) -> SandboxError:
    message = _MESSAGES[kind].format(
        memory=limits.memory_mb,
        seconds=f"{limits.wall_seconds:g}".replace(".", ","),
        reference=reference,
        signal=_SIGNALS.get(-code, f"Signal {-code}"),
    )
    fix = _FIX_CRASH.format(reference=reference) if reference else _FIX
    return SandboxError(what, message, fix)


def run_limited(
    func: Callable[..., Any],
    *args: Any,
    what: str = "Eingabe",
    limits: Limits | None = None,
    reply_types: tuple[type, ...] = (),
) -> Any:
    """Run ``func(*args)`` in a limited worker process and return its result.

    Parameters
    ----------
    func : callable
        A module-level function (it is pickled by reference).
    *args
        Picklable arguments (e.g. the file name and its bytes).
    what : str
        What is parsed, for messages (e.g. ``"Datei liste.csv"``).
    limits : Limits, optional
        Resource limits (defaults of :class:`Limits`).
    reply_types : tuple of type
        The dataclasses ``func``'s result may contain (at any depth); the parent builds no
        other class from the reply (:func:`geo.io.reply.decode`).

    Returns
    -------
    object
        What ``func`` returned (plain values, containers, pandas objects and dataclasses of
        ``reply_types``; equal to it, with the same types, dtypes and index).

    Raises
    ------
    ValueError
        The function's own ``ValueError`` (its message unchanged).
    SandboxError
        The worker hit a limit or crashed, or its reply was not in the data-only format
        (German message naming ``what`` and the fix).
    """
    warm_up()
    return _run(func, args, what, limits or Limits(), reply_types)


def _run(
    func: Callable[..., Any], args: tuple, what: str, limits: Limits, types: tuple[type, ...] = ()
) -> Any:
    ctx = _context()
    receiver, sender = ctx.Pipe(duplex=False)
    handle, log_path = tempfile.mkstemp(prefix="begegnungsatlas-worker-", suffix=".log")
    os.close(handle)
    process = _Process(target=_child, args=(sender, func, args, limits, log_path), daemon=True)
    started = time.monotonic()
    peak: float | None = None
    outcome, code, status, value = "crash", 0, "crash", None
    try:
        process.start()
        sender.close()
        if not receiver.poll(limits.wall_seconds):
            outcome = "time"
            raise _fail("time", what, limits)
        try:
            data = receiver.recv_bytes(limits.max_output_bytes + 1024)
        except (EOFError, OSError):
            # The child died without answering: killed by a limit, or a crash of C code.
            process.join(5)
            code = process.exitcode or 0
            if code in (-signal.SIGXCPU, -signal.SIGKILL):
                outcome = "time"
                raise _fail("time", what, limits) from None
            outcome = "signal" if -code in _SIGNALS else "exit"
            reference = _report(what, outcome, code, log_path)
            raise _fail(outcome, what, limits, reference, code) from None
        child_peak = int.from_bytes(data[:8], "little", signed=True)
        peak = child_peak / 2**20 if child_peak >= 0 else None
        try:
            status, value = _decode(data[8:], types)  # data only, never unpickled
        except reply.ReplyFormatError as error:
            outcome = "format"
            reference = _report(what, f"format ({error})", 0, log_path)
            raise _fail("format", what, limits, reference) from None
        outcome = status if status != "limit" else value
        if status == "crash":
            reference = _report(what, "crash", 0, log_path)
            raise _fail("crash", what, limits, reference)
    finally:
        receiver.close()
        if process.is_alive():
            process.kill()
        process.join(2)
        with contextlib.suppress(OSError):
            os.unlink(log_path)
        RECENT.append(Usage(what, time.monotonic() - started, peak, outcome))
    if status == "ok":
        return value
    if status == "error":
        raise ValueError(value)
    raise _fail(value, what, limits)


def _report(what: str, outcome: str, code: int, log_path: str) -> str:
    """Log a failed worker's output under a new reference (for the IT) and return it."""
    reference = secrets.token_hex(4)
    try:
        with open(log_path, "rb") as log:
            output = log.read(MAX_LOG_BYTES).decode("utf-8", "replace")
    except OSError:
        output = ""
    LOGGER.error(
        "Prüfprozess %s für %s: %s (Exit-Code %s)\n%s", reference, what, outcome, code, output
    )
    return reference
