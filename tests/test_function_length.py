"""No function of the app over 80 lines (docstring included), outside tests and benchmarks."""

from __future__ import annotations

import ast

from geo.config import PROJECT_ROOT

LIMIT = 80
SKIP = {"tests", "benchmarks", "scripts", "node_modules", "static", "build"}


def function_lengths() -> dict[str, int]:
    """ "path:function" -> lines, for every function of the app's own Python files."""
    out: dict[str, int] = {}
    tops = [p for p in PROJECT_ROOT.iterdir() if p.name not in SKIP and p.name[0] not in "._"]
    files = [f for top in tops for f in ([top] if top.is_file() else top.rglob("*.py"))]
    for path in sorted(f for f in files if f.suffix == ".py"):
        relative = path.relative_to(PROJECT_ROOT)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                key = f"{relative.as_posix()}:{node.name}"
                out[key] = max(out.get(key, 0), node.end_lineno - node.lineno + 1)
    return out


def test_no_function_is_longer_than_the_limit():
    lengths = function_lengths()
    assert len(lengths) > 500  # the walk found the app's code
    too_long = {k: n for k, n in lengths.items() if n > LIMIT}
    assert not too_long, f"über {LIMIT} Zeilen (aufteilen): {too_long}"
