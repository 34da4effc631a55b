"""The command line imports only what the command run needs; its help reads the same."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from cli import COMMANDS, build_parser
from geo.config import PROJECT_ROOT

HEAVY = ["matplotlib", "folium", "reportlab", "scipy.optimize", "streamlit", "branca"]
PROBE = """
import json, sys
from cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""


def _imported(argv: list[str]) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", PROBE, *argv],
        cwd=PROJECT_ROOT, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return set(json.loads(out.stderr.strip().splitlines()[-1]))


def _help(argv: list[str], command: str | None, capsys) -> str:
    with pytest.raises(SystemExit):
        build_parser(command).parse_args(argv)
    return capsys.readouterr().out


def test_help_imports_no_library():
    modules = _imported(["--help"])
    assert not {"pandas", "numpy", "geopandas", *HEAVY} & modules
    assert not any(m.startswith("cli.") for m in modules)


def test_indicators_imports_no_map_pdf_or_solver(synthetic_dir):
    modules = _imported(["indicators", "--data", str(synthetic_dir)])
    assert "pandas" in modules  # the probe really ran the command
    assert not set(HEAVY) & modules


@pytest.mark.parametrize("command", ["", *COMMANDS])
def test_main_help_is_the_same_with_one_command_loaded(command, capsys):
    assert _help(["--help"], command, capsys) == _help(["--help"], None, capsys)


@pytest.mark.parametrize("command", list(COMMANDS))
def test_command_help_is_the_same_as_with_all_loaded(command, capsys):
    lazy = _help([command, "--help"], command, capsys)
    assert f"usage: begegnungsatlas {command}" in lazy
    assert lazy == _help([command, "--help"], None, capsys)
