"""Options and output shared by the sub-commands."""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from typing import TextIO

import pandas as pd

from geo.config import DATA_ENV, data_dir
from geo.package import DataPackage, load_package


def add_data_option(parser: argparse.ArgumentParser) -> None:
    """``--data DIR`` (default: $BEGEGNUNGSATLAS_DATA or ../shared/data/magdeburg)."""
    parser.add_argument(
        "--data",
        type=Path,
        default=None,
        help=f"Datenpaket-Verzeichnis (Standard: ${DATA_ENV} oder ../shared/data/magdeburg)",
    )


def add_format_option(parser: argparse.ArgumentParser) -> None:
    """``--format csv|json`` and ``--output FILE``."""
    parser.add_argument("--format", choices=["csv", "json"], default="csv", help="Ausgabeformat")
    parser.add_argument(
        "--output", "-o", type=Path, default=None, help="Datei statt Standardausgabe"
    )


def package_from(args: argparse.Namespace) -> DataPackage:
    """Load the data package named by ``--data`` (or the default)."""
    return load_package(args.data if args.data is not None else data_dir())


def _plain(value: object) -> object:
    """JSON-friendly scalar: NaN/inf -> None, numpy -> Python."""
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value.item() if hasattr(value, "item") else value


def write_table(df: pd.DataFrame, fmt: str, output: Path | None) -> None:
    """Write a table as CSV (dot decimal, empty = missing) or JSON (records, null = missing).

    Infinite values are written as missing; README documents where they occur.
    """
    clean = df.replace([math.inf, -math.inf], float("nan"))
    stream: TextIO
    with output.open("w", encoding="utf-8", newline="") if output else _stdout() as stream:
        if fmt == "csv":
            clean.to_csv(stream, index=False, lineterminator="\n")
        else:
            records = [
                {key: _plain(value) for key, value in row.items()}
                for row in clean.to_dict(orient="records")
            ]
            json.dump(records, stream, ensure_ascii=False, indent=2)
            stream.write("\n")


class _stdout:  # noqa: N801 - context manager that leaves sys.stdout open
    def __enter__(self) -> TextIO:
        return sys.stdout

    def __exit__(self, *exc: object) -> None:
        sys.stdout.flush()
