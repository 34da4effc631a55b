"""The command-line fault corpus: every case its exit code and German message, nothing raw."""

from __future__ import annotations

import re

import pytest

from tests.hostile.entries import Context, as_expected, run_case
from tests.hostile.fault_cases import CASES, NotAvailable
from tests.hostile.test_file_corpus import LEAKS

#: Control characters a terminal would interpret.
RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@pytest.fixture
def context(synthetic, synthetic_dir, tmp_path):
    return Context(package=synthetic, package_dir=synthetic_dir, tmp=tmp_path)


def test_corpus_names_are_unique():
    assert len({c.name for c in CASES}) == len(CASES)
    assert all(c.kind.startswith("cli:") and c.message for c in CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_cli_case_has_its_outcome_and_german_message(case, context):
    try:
        outcome = run_case(case, context)
    except NotAvailable as reason:
        pytest.skip(str(reason))
    assert as_expected(case, outcome), (outcome.messages, outcome.warnings)
    for line in [*outcome.messages, *outcome.warnings]:
        assert not RAW_CONTROL.search(line), line  # escaped, never interpreted
        assert not LEAKS.search(line), line  # no traceback, no internal path
    if not case.accepted:
        assert outcome.messages[-1].startswith("Fehler: "), outcome.messages
        assert "Lösung:" in outcome.messages[-1]
