"""README and ARCHITECTURE.md stay true: indicator ids, make targets, files and functions."""

from __future__ import annotations

import ast
import re

import pytest

from geo.config import PROJECT_ROOT
from indicators.registry import INDICATORS

README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
ARCHITECTURE = (PROJECT_ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
MAKEFILE = (PROJECT_ROOT / "Makefile").read_text(encoding="utf-8")


def test_every_indicator_id_is_documented():
    missing = [i for i in INDICATORS if f"| `{i}` |" not in README]
    assert not missing


def test_every_make_command_in_the_readme_is_a_target():
    targets = set(re.findall(r"^([a-z][a-z-]*):", MAKEFILE, flags=re.M))
    # Commands in code: `make X …` inline or a line of a shell block.
    named = set(re.findall(r"(?:`|^)make ([a-z][a-z-]*)\b", README, flags=re.M))
    assert {"run", "test"} <= named
    assert named <= targets, named - targets


def test_the_readme_points_to_the_architecture():
    assert "ARCHITECTURE.md" in README


def functions_of(path: str) -> set[str]:
    """Names of the functions and classes defined anywhere in a file."""
    tree = ast.parse((PROJECT_ROOT / path).read_text(encoding="utf-8"))
    kinds = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
    return {node.name for node in ast.walk(tree) if isinstance(node, kinds)}


PATHS = sorted(set(re.findall(r"`([a-z_]+(?:/[a-z_.]+)+)(?::\w+)?`", ARCHITECTURE)))
NAMED = sorted(set(re.findall(r"`([a-z_/]+\.py):(\w+)`", ARCHITECTURE)))


@pytest.mark.parametrize("path", PATHS)
def test_every_path_in_the_architecture_exists(path):
    assert (PROJECT_ROOT / path.rstrip("/")).exists()


@pytest.mark.parametrize(("path", "name"), NAMED)
def test_every_function_in_the_architecture_exists(path, name):
    assert name in functions_of(path)


def test_the_architecture_names_the_click_path():
    # The path of a click: at least the callback, the evaluation and the kernel are named.
    assert {"ui/map_widget.py", "scenarios/evaluation.py", "geo/analysis/metric.py"} <= {
        path for path, _ in NAMED
    }
