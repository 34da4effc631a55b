"""German number format."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from indicators.format import (
    BERLIN,
    MISSING_TEXT,
    count_text,
    format_bytes,
    format_change,
    format_coordinates,
    format_datetime,
    format_number,
    format_short,
    format_value,
)
from indicators.registry import INDICATORS


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (1234.5, 1, "1.234,5"),
        (1234567, 0, "1.234.567"),
        (0.04, 1, "0,0"),
        (-0.04, 1, "0,0"),  # no "−0,0"
        (-1234.56, 1, "−1.234,6"),
        (3313, 0, "3.313"),
        (float("nan"), 1, MISSING_TEXT),
        (None, 0, MISSING_TEXT),
        (float("inf"), 0, "∞"),
        (12, 2, "12,00"),
    ],
)
def test_format_number(value, decimals, expected):
    assert format_number(value, decimals) == expected


def test_format_value_appends_unit_but_not_to_missing():
    share = INDICATORS["anteil_65plus"]
    assert format_value(share, 24.573) == "24,6 %"
    assert format_value(share, float("nan")) == MISSING_TEXT
    assert format_value(INDICATORS["einwohner"], 245834) == "245.834"
    assert format_value(INDICATORS["senioren_je_begegnungsstaette"], float("inf")) == "∞"


@pytest.mark.parametrize(
    ("value", "text"),
    [(1.3, "1,3"), (1.30001, "1,3"), (0.15, "0,15"), (1.0, "1"), (1234.5, "1.234,5"), (None, "–")],
)
def test_format_short_drops_trailing_zeros(value, text):
    assert format_short(value, missing="–") == text


def test_coordinates_in_german():
    assert format_coordinates(52.151953, 11.637162) == "52,15195° N, 11,63716° O"
    assert format_coordinates(-33.5, -70.26, 1) == "33,5° S, 70,3° W"


@pytest.mark.parametrize(
    ("size", "text"),
    [
        (112, "112 Byte"),
        (0, "0 Byte"),
        (3482, "3,4 KB"),
        (1_258_291, "1,2 MB"),
        (20 * 1024**2, "20 MB"),
    ],
)
def test_file_sizes_in_german(size, text):
    assert format_bytes(size) == text


@pytest.mark.parametrize(
    ("moment", "text"),
    [
        # Stored in UTC, shown in German time: winter +1 h, summer +2 h.
        ("2026-12-01T18:14:03+00:00", "01.12.2026, 19:14"),
        ("2026-12-01T18:14:03", "01.12.2026, 19:14"),  # no zone: UTC
        (datetime(2026, 7, 5, 12, 7, tzinfo=UTC), "05.07.2026, 14:07"),
        (datetime(2026, 3, 29, 0, 30), "29.03.2026, 01:30"),  # before the switch to CEST
        (datetime(2026, 3, 29, 1, 30), "29.03.2026, 03:30"),  # after it
        (datetime(2026, 7, 5, 14, 7, tzinfo=BERLIN), "05.07.2026, 14:07"),
        ("kein Datum", "–"),
    ],
)
def test_dates_in_german_time(moment, text):
    assert format_datetime(moment) == text


def test_scenario_store_and_register_show_the_same_time():
    """The Szenarien page (ISO text in UTC) and the register (aware datetime) agree."""
    from register.changes import german_time

    moment = datetime(2026, 12, 6, 9, 30, tzinfo=UTC)
    assert format_datetime(moment.isoformat(timespec="seconds")) == german_time(moment)
    assert german_time(moment) == "06.12.2026, 10:30"


@pytest.mark.parametrize(
    ("value", "decimals", "text"),
    [(1234.6, 0, "+1.235"), (-0.24, 1, "−0,2"), (-0.04, 1, "±0,0"), (0, 0, "±0"), (None, 0, "–")],
)
def test_changes_carry_their_sign(value, decimals, text):
    assert format_change(value, decimals, missing="–") == text


@pytest.mark.parametrize(
    ("n", "text"), [(0, "0 Änderungen"), (1, "1 Änderung"), (2, "2 Änderungen")]
)
def test_counts_with_their_noun(n, text):
    assert count_text(n, "Änderung", "Änderungen") == text
