"""The scenario/link corpus: every case gets its expected outcome and German message."""

from __future__ import annotations

import re

import pytest

from scenarios.exchange import from_file, from_url_param
from scenarios.model import Scenario
from tests.hostile.state_cases import CASES, KINDS, parse_case

ENGLISH = ("Traceback", "Error:", "Expecting", "invalid", "codec", "object has no attribute")


def test_corpus_is_large_and_unique():
    assert len(CASES) >= 20
    assert len({c.name for c in CASES}) == len(CASES)
    assert {c.kind for c in CASES} == set(KINDS)
    assert all(c.accepted or c.message for c in CASES)
    assert sum(c.accepted for c in CASES) >= 5  # valid inputs must keep working


@pytest.mark.parametrize("case", [c for c in CASES if c.accepted], ids=lambda c: c.name)
def test_valid_case_is_accepted(case):
    scenario = parse_case(case.kind, case.make(), case.filename)
    assert isinstance(scenario, Scenario)
    assert scenario.overlay.added  # every valid case carries places


@pytest.mark.parametrize("case", [c for c in CASES if not c.accepted], ids=lambda c: c.name)
def test_hostile_case_gets_its_german_message(case):
    with pytest.raises(ValueError, match=re.escape(case.message)) as info:
        parse_case(case.kind, case.make(), case.filename)
    message = str(info.value)
    assert case.message in message
    label = "Szenario-Link" if case.kind == "link" else f"Szenario-Datei „{case.filename}“"
    assert message.startswith(label), message  # names the link or the file
    assert "Lösung:" in message  # and the fix
    assert not any(word in message for word in ENGLISH), message
    assert len(message) < 1000


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_sandboxed_and_direct_readers_agree(case):
    """The worker only adds limits: the direct reader gives the same result or message."""
    content = case.make()
    direct = from_url_param if case.kind == "link" else from_file
    args = (content,) if case.kind == "link" else (content, case.filename)
    try:
        expected = direct(*args)
    except ValueError as error:
        expected = str(error)
    try:
        got = parse_case(case.kind, content, case.filename)
    except ValueError as error:
        got = str(error)
    assert got == expected
