"""German number fields: what a planner types and what the field shows."""

from __future__ import annotations

import pytest

from ui.inputs import parse_german, shown


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("52,1729", 52.1729),
        ("52.1729", 52.1729),  # a decimal point is read too
        ("1.234,5", 1234.5),
        ("1.234", 1234.0),  # thousands
        ("−3,5", -3.5),
        (" 10 ", 10.0),
        ("", None),
    ],
)
def test_planner_input_is_read_the_german_way(text, value):
    assert (
        parse_german(text) == pytest.approx(value)
        if value is not None
        else parse_german(text) is None
    )


@pytest.mark.parametrize("text", ["abc", "1,2,3", "inf", "nan", "5 m"])
def test_what_is_not_a_number_is_refused_in_german(text):
    with pytest.raises(ValueError, match=r"keine (endliche )?Zahl"):
        parse_german(text)


@pytest.mark.parametrize(
    ("value", "decimals", "text"),
    [
        (52.172932, 6, "52,172932"),
        (10.0, 0, "10"),
        (10.0, 2, "10"),
        (1234.5, 1, "1234,5"),
        (None, 2, ""),
    ],
)
def test_fields_show_german_numbers_without_trailing_zeros(value, decimals, text):
    assert shown(value, decimals) == text
