"""Flow layout of the report: tables paginate with their header, words stay whole, markup is text."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from reportlab.platypus import Paragraph

from report.layout import ReportDocument, column_widths, esc, styles, table
from tests.report.pdftext import overlaps, page_text, pages, rows


def test_long_table_continues_on_the_next_pages_with_its_header():
    document = ReportDocument("Test", date(2026, 12, 2))
    st_ = styles(10)
    header = ["Nr.", "Stadtteil", "Ältere Menschen (65+)", "Anmerkung"]
    body = [[str(i), f"Stadtteil {i}", f"{i}.000", "lang " * (i % 7)] for i in range(1, 121)]
    pdf = document.build([table(header, body, [1, 3, 2, 4], st_, right=[0, 2])], "Test")
    all_pages = pages(pdf)
    assert len(all_pages) > 2
    found = []
    for number, lines in enumerate(all_pages, start=1):
        assert overlaps(lines) == [], number
        text_rows = rows(lines)
        assert any(r.startswith("Nr. Stadtteil Ältere Menschen") for r in text_rows), number
        assert f"Seite {number} von {len(all_pages)}" in page_text(lines)
        assert "Gedruckt am 02.12.2026" in page_text(lines)
        found += [int(r.split()[0]) for r in text_rows if r.split()[0].isdigit()]
    assert found == list(range(1, 121))  # every row, in order, none twice


def test_markup_in_data_prints_literally():
    document = ReportDocument("Treff <b>Nord</b> & Co", date(2026, 12, 2))
    st_ = styles(10)
    flow = [
        Paragraph(esc("Treff <b>Nord</b> & <i>Süd</i>"), st_["body"]),
        table(["<b>Name</b>"], [["<script>x</script>"]], [1], st_),
    ]
    text = page_text(pages(document.build(flow, "Test"))[0])
    assert "Treff <b>Nord</b> & <i>Süd</i>" in text
    assert "<b>Name</b>" in text
    assert "<script>x</script>" in text


def test_columns_are_never_narrower_than_their_longest_word():
    widths = column_widths([1, 1, 8], [120.0, 10.0, 10.0], 400.0)
    assert widths[0] >= 128  # 120 + padding, although its share would be 40
    assert sum(widths) == pytest.approx(400.0)


@given(st.lists(st.tuples(st.floats(0.1, 10), st.floats(1, 60)), min_size=1, max_size=8))
def test_column_widths_fill_the_width_and_respect_minimums(columns):
    weights, longest = zip(*columns, strict=True)
    total = 600.0
    widths = column_widths(list(weights), list(longest), total)
    assume(sum(w + 8 for w in longest) <= total)
    assert sum(widths) == pytest.approx(total)
    assert all(w >= m + 8 - 1e-6 for w, m in zip(widths, longest, strict=True))
