"""``begegnungsatlas`` command line: every figure the app shows, reproducible and scriptable.

Each sub-command lives in its own module and registers itself in :data:`COMMANDS`.
"""

from __future__ import annotations

import argparse
import os
import sys

from cli import coverage, einrichtungen, indicators, optimize, rank, report, transit, validate
from geo.package import DataPackageError

COMMANDS = [indicators, coverage, rank, optimize, report, validate, transit, einrichtungen]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with all sub-commands."""
    parser = argparse.ArgumentParser(
        prog="begegnungsatlas",
        description="Begegnungsatlas Magdeburg – Auswertungen ohne Oberfläche.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="BEFEHL")
    for module in COMMANDS:
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code (0 ok, 1 invalid input or data)."""
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except (DataPackageError, ValueError) as error:
        print(f"Fehler: {error}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # output piped into e.g. `head`
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
