"""The README documents every indicator id and both commands."""

from __future__ import annotations

from geo.config import PROJECT_ROOT
from indicators.registry import INDICATORS

README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")


def test_every_indicator_id_is_documented():
    missing = [i for i in INDICATORS if f"| `{i}` |" not in README]
    assert not missing


def test_the_two_commands_are_given():
    assert "make run" in README
    assert "make test" in README
