"""The hostile FILE corpus: every case gets its expected outcome and German message."""

from __future__ import annotations

import re

import pytest

from tests.hostile import file_cases, round2_cases
from tests.hostile.builders import SECRET
from tests.hostile.entries import Context, as_expected, run_case

CASES = [*file_cases.CASES, *round2_cases.CASES]

FILE_KINDS = ("facilities", "statistics", "areas", "package:")
#: Signs of an internal error or a server path: never in a message for planners (paths a
#: planner wrote into the file itself may be quoted back).
LEAKS = re.compile(r"Traceback|Error\b|Exception|/tmp/|/work/|/home/|/root/|site-packages|\.py\b")


@pytest.fixture
def context(synthetic, synthetic_dir, tmp_path):
    return Context(package=synthetic, package_dir=synthetic_dir, tmp=tmp_path)


def test_corpus_is_large_and_names_are_unique():
    assert len(CASES) >= 40
    assert len({c.name for c in CASES}) == len(CASES)
    assert all(c.kind.startswith(FILE_KINDS) for c in CASES)
    assert all(c.message for c in CASES if not c.accepted)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case_has_its_outcome_and_german_message(case, context):
    outcome = run_case(case, context)
    text = " | ".join(outcome.messages)
    assert outcome.accepted == case.accepted, text
    for message in [*outcome.messages, *outcome.warnings]:
        assert not LEAKS.search(message), message
        assert SECRET not in message
    if not case.accepted:
        assert case.message in text
        assert all("Lösung:" in m for m in outcome.messages), text
    assert as_expected(case, outcome), (text, outcome.warnings, outcome.data)
