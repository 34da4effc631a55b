"""The worker sandbox: results, German errors, and every limit enforced."""

from __future__ import annotations

import re
import time

import pytest

from geo.io.sandbox import Limits, SandboxError, run_limited
from tests.sandbox_targets import (
    abort,
    allocate,
    burn_cpu,
    crash,
    echo,
    exit_quietly,
    huge_output,
    noisy_crash,
    reject,
    segfault,
    sleep_forever,
    too_deep,
)

# Generous wall time: under CI load a worker may start slowly; each case below hits its
# own limit (memory, CPU, output, nesting) long before.
FAST = Limits(memory_mb=200, cpu_seconds=2, wall_seconds=60.0, max_output_bytes=1_000_000)
SHORT = Limits(memory_mb=200, cpu_seconds=2, wall_seconds=2.0, max_output_bytes=1_000_000)


def test_result_comes_back():
    assert run_limited(echo, {"a": [1, 2]}, limits=FAST) == {"a": [1, 2]}


def test_value_error_message_passes_through():
    with pytest.raises(ValueError, match=r"^Spalte fehlt") as info:
        run_limited(reject, "Spalte fehlt", limits=FAST)
    assert not isinstance(info.value, SandboxError)


@pytest.mark.parametrize(
    ("target", "args", "message"),
    [
        (allocate, (2_000,), "zu viel Arbeitsspeicher"),
        (burn_cpu, (), "dauert zu lange"),
        (huge_output, (), "Ergebnis ist zu groß"),
        (too_deep, (), "zu tief verschachtelt"),
        (crash, (), "wegen eines Programmfehlers nicht gelesen werden (Kennung "),
        (segfault, (), "abgestürzt: Speicherzugriffsfehler (SIGSEGV) in einer Programmbibliothek"),
        (abort, (), "abgestürzt: Programmabbruch (SIGABRT)"),
        (exit_quietly, (), "hat sich beim Lesen unerwartet beendet"),
    ],
)
def test_limits_give_german_messages(target, args, message):
    start = time.monotonic()
    with pytest.raises(SandboxError, match=re.escape(message)) as info:
        run_limited(target, *args, what="Datei x.csv", limits=FAST)
    assert str(info.value).startswith("Datei x.csv: ")
    assert "Lösung:" in str(info.value)
    # Generous bound (shared CI cores): the limit ends the worker, not a hang.
    assert time.monotonic() - start < 90


def test_wall_clock_limit_kills_a_sleeping_worker():
    with pytest.raises(SandboxError, match="dauert zu lange"):
        run_limited(sleep_forever, limits=SHORT)


def test_worker_does_not_change_parent_limits():
    import resource

    before = resource.getrlimit(resource.RLIMIT_AS)
    run_limited(echo, 1, limits=FAST)
    assert resource.getrlimit(resource.RLIMIT_AS) == before


@pytest.mark.parametrize("target", [segfault, noisy_crash], ids=["segfault", "exception"])
def test_crash_output_goes_to_the_log_not_the_terminal(target, capfd, caplog):
    """A crash names a reference and the IT as the fix; its details only reach the log."""
    with pytest.raises(SandboxError) as info:
        run_limited(target, what="Datei x.csv", limits=FAST)
    message = str(info.value)
    reference = message.split("Kennung ")[1][:8]
    assert f"die Datei mit der Kennung {reference} an die IT geben" in message
    assert "kleinere" not in message  # not a size problem
    out, err = capfd.readouterr()
    assert not out
    assert not err
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert reference in logged
    expected = "Fatal Python error: Segmentation fault" if target is segfault else "ZeroDivision"
    assert expected in logged
