"""No function of the app over 80 lines (docstring included), outside tests and benchmarks.

The functions listed in :data:`LONGER` were longer when the limit came in; each may only
shrink, and is removed from the list once it fits. A new long function fails the test.
"""

from __future__ import annotations

import ast

from geo.config import PROJECT_ROOT

LIMIT = 80
SKIP = {"tests", "benchmarks", "scripts", "node_modules", "static", "build"}
#: "path:function" -> its length when the limit came in (to be split, then removed here).
LONGER = {
    "scenarios/proposals.py:candidate_pool": 95,
}


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


def test_no_new_function_is_longer_than_the_limit():
    lengths = function_lengths()
    assert len(lengths) > 500  # the walk found the app's code
    too_long = {k: n for k, n in lengths.items() if n > LIMIT and n > LONGER.get(k, LIMIT)}
    assert not too_long, f"über {LIMIT} Zeilen (aufteilen): {too_long}"


def test_the_list_of_longer_functions_only_shrinks():
    lengths = function_lengths()
    fitted = [k for k in LONGER if lengths.get(k, 0) <= LIMIT]
    assert not fitted, f"passen jetzt in {LIMIT} Zeilen, aus LONGER streichen: {fitted}"
