"""Module-level functions the sandbox tests run in a worker (pickled by reference)."""

from __future__ import annotations

import time


def echo(value):
    return value


def reject(message: str):
    raise ValueError(message)


def allocate(megabytes: int):
    return bytearray(megabytes * 1024 * 1024)


def burn_cpu():
    while True:
        pass


def sleep_forever():
    time.sleep(3600)


def huge_output():
    return b"x" * 5_000_000


def too_deep():
    import json

    return json.loads("[" * 100_000 + "]" * 100_000)


def crash():
    return 1 / 0


def segfault():
    import ctypes

    return ctypes.string_at(0)


def abort():
    import os

    os.abort()


def exit_quietly():
    import os

    os._exit(3)


def noisy_crash():
    import sys

    print("/geheim/pfad/datei.py: Traceback-artige Ausgabe", file=sys.stderr)
    return 1 / 0
