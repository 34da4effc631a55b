"""The bounded readers behind uploads: delimiter, encodings, XLSX cells, JSON depth, CRS."""

from __future__ import annotations

import string

import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from geo.io.uploads import validate
from geo.io.uploads.geojson import epsg_code, json_depth
from geo.io.uploads.limits import MB, format_mb, sniff
from geo.io.uploads.report import StopReadingError
from geo.io.uploads.table import build_frame, column_letter
from geo.io.uploads.text import choose_delimiter, decode_text, read_csv
from geo.io.uploads.xlsx import read_xlsx
from tests.hostile.builders import LAT, LON, facility_points, gpkg_bytes, sheet_rows_xml, xlsx_raw

# --------------------------------------------------------------------------- CSV


@pytest.mark.parametrize(
    ("text", "delimiter"),
    [
        ("a;b;c\n1;2;3", ";"),
        ("a,b\n1,2", ","),
        ("a\tb\n1\t2", "\t"),
        ("a|b\n1|2", "|"),
        ('name;text\nA;"x, y, z"\nB;"u, v"', ";"),  # commas inside quotes do not count
        ("a;b\n1,5;2,5", ";"),  # decimal commas in the data, semicolons in the header
        ("name\nA", ","),  # one column: any delimiter works
        ('"' * 60_000, ","),  # a line of quotes: linear, no error
    ],
)
def test_delimiter_choice(text, delimiter):
    assert choose_delimiter(text.splitlines()) == delimiter


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from([";", ",", "\t", "|"]),
    st.lists(
        st.lists(st.text(alphabet=string.ascii_letters + string.digits + " .-", max_size=8),
                 min_size=2, max_size=6),
        min_size=1, max_size=8,
    ),
)  # fmt: skip
def test_delimiter_of_a_regular_table_is_found(delimiter, rows):
    width = len(rows[0])
    assume(all(len(r) == width for r in rows))
    assume(all(any(v.strip() for v in r) for r in rows))  # no blank lines
    lines = [delimiter.join(r) for r in rows]
    assert choose_delimiter(lines) == delimiter


def test_mixed_encoding_names_the_lines_and_keeps_both():
    content = "name\nBürgertreff\n".encode() + "Café Übersee\nWeiter\n".encode("cp1252")
    warnings, errors = [], []
    text = decode_text(content, warnings, errors)
    assert text.splitlines()[1:3] == ["Bürgertreff", "Café Übersee"]
    assert "Gemischte Zeichenkodierung: 1 Zeile(n)" in warnings[0].message
    assert "Zeile 3" in warnings[0].message
    assert "Byte 0xE9" in warnings[0].message
    assert warnings[0].row == 3


def test_utf16_text_from_excel_is_read():
    content = "\ufeffname\tlat\r\nSüd\t52\r\n".encode("utf-16-le")
    frame = read_csv(content, [], [])
    assert frame.to_dict("records") == [{"name": "Süd", "lat": "52"}]


def test_frame_index_is_the_file_row_minus_two():
    frame = read_csv(b"name;lat\n\nA;1\n\nB;2\n", [], [])
    assert (frame.index + 2).tolist() == [3, 5]  # blank lines keep their numbers


def test_short_rows_are_padded_and_empty_trailing_columns_dropped():
    frame = read_csv(b"a;b;c;\n1;2\n3;4;5;\n", [], [])
    assert list(frame.columns) == ["a", "b", "c"]
    assert frame["c"].tolist() == ["", "5"]


def test_values_beyond_the_header_are_reported_per_row():
    errors = []
    with pytest.raises(StopReadingError):
        read_csv(b"a;b\n1;2\n3;4;5\n6;7;8\n", errors, [])
    assert [p.row for p in errors] == [3, 4]
    assert all(p.message.startswith("Die Zeile hat 3 Felder, die Kopfzeile 2") for p in errors)


def test_build_frame_rejects_values_without_header_in_sheets():
    errors = []
    with pytest.raises(StopReadingError):
        build_frame(["a", ""], [["1", "x"]], [2], errors, spreadsheet=True)
    assert errors[0].message.startswith("Spalte B hat keine Überschrift")


@pytest.mark.parametrize(("index", "letters"), [(0, "A"), (25, "Z"), (26, "AA"), (16_383, "XFD")])
def test_column_letters(index, letters):
    assert column_letter(index) == letters


@pytest.mark.parametrize(
    ("size", "text"), [(20 * MB, "20 MB"), (int(20.4 * MB), "20,4 MB"), (100 * MB, "100 MB")]
)
def test_megabytes_are_mebibytes_as_in_streamlit(size, text):
    assert format_mb(size) == text


@pytest.mark.parametrize(
    ("content", "found"),
    [
        (b"PK\x03\x04...", "ZIP"),
        (b"SQLite format 3\x00...", "SQLite"),
        (b"  <OGRVRTDataSource>", "VRT"),
        (b"\xef\xbb\xbf{", "JSON"),
        (b"name;lat\n", None),
    ],
)
def test_sniff_by_magic_bytes(content, found):
    result = sniff(content)
    assert (result is None) if found is None else (found in result)


# --------------------------------------------------------------------------- XLSX


def test_xlsx_cells_shared_strings_dates_and_booleans():
    shared = (
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        "<si><t>name</t></si><si><r><t>Bürger</t></r><r><t>treff</t></r>"
        "<rPh><t>ふりがな</t></rPh></si></sst>"
    )
    styles = (
        '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<numFmts><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/></numFmts>'
        '<cellXfs><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/></cellXfs>'
        "</styleSheet>"
    )
    rows = (
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="inlineStr"><is><t>stand</t></is></c>'
        '<c r="C1" t="inlineStr"><is><t>offen</t></is></c><c r="D1" t="inlineStr"><is><t>x</t></is></c></row>'
        '<row r="4"><c r="A4" t="s"><v>1</v></c><c r="B4" s="1"><v>45413</v></c>'
        '<c r="C4" t="b"><v>1</v></c><c r="D4" s="2"><v>45413.5</v></c></row>'
    )
    frame = read_xlsx(xlsx_raw(rows, shared_strings=shared, extra={"xl/styles.xml": styles}), [])
    assert frame.to_dict("records") == [
        {"name": "Bürgertreff", "stand": "2024-05-01", "offen": "WAHR", "x": "2024-05-01 12:00:00"}
    ]
    assert (frame.index + 2).tolist() == [4]  # the sheet's row number


def test_xlsx_cells_beyond_the_column_cap_are_ignored_when_empty():
    rows = sheet_rows_xml([["name", "lat", "lon"], ["T", LAT, LON]])
    rows = rows.replace("</row>", '<c r="XFD1" s="1"/><c r="XFC1"><v></v></c></row>')
    frame = read_xlsx(xlsx_raw(rows, dimension="A1:XFD1048576"), [])
    assert list(frame.columns) == ["name", "lat", "lon"]


def test_xlsx_formula_with_cached_value_is_read():
    rows = sheet_rows_xml([["name", "wert"], ["T", 1]])
    rows = rows.replace('<c r="B2"><v>1</v></c>', '<c r="B2"><f>1+1</f><v>2</v></c>')
    assert read_xlsx(xlsx_raw(rows), [])["wert"].tolist() == ["2"]


# --------------------------------------------------------------------------- GeoJSON, GPKG


@pytest.mark.parametrize(
    ("content", "depth"),
    [
        (b'{"a": [1, 2]}', 2),
        (b'{"a": "[[[[{{{{"}', 1),  # brackets inside strings do not count
        (b'{"a": "x\\"[[["}', 1),  # nor after an escaped quote
        (b"[" * 50 + b"]" * 50, 50),
    ],
)
def test_json_depth_outside_strings(content, depth):
    assert json_depth(content) == depth


@pytest.mark.parametrize(
    ("name", "epsg"),
    [
        ("EPSG:25832", 25832),
        ("urn:ogc:def:crs:EPSG::25832", 25832),
        ("urn:ogc:def:crs:EPSG:6.6:4326", 4326),
        ("urn:ogc:def:crs:OGC:1.3:CRS84", 4326),
        ("+init=/etc/passwd:x", None),
        ("/etc/passwd", None),
        ('GEOGCS["x"]', None),
        ("EPSG:99999999", None),
        (None, None),
        (["EPSG:4326"], None),
    ],
)
def test_crs_only_from_epsg_codes(name, epsg):
    assert epsg_code(name) == epsg


def test_geopackage_layer_can_be_chosen(synthetic):
    content = gpkg_bytes({"alt": facility_points(2), "neu": facility_points(3)})
    first = validate("facilities", "z.gpkg", content, synthetic)
    assert first.layers == ["alt", "neu"]
    assert "enthält 2 Layer (alt, neu)" in first.errors[0].message
    chosen = validate("facilities", "z.gpkg", content, synthetic, layer="neu")
    assert chosen.ok
    assert len(chosen.data) == 3
    missing = validate("facilities", "z.gpkg", content, synthetic, layer="weg")
    assert "Layer 'weg' gibt es in der Datei nicht" in missing.errors[0].message


def test_shapefile_attributes_and_encoding_without_cpg(synthetic):
    from tests.hostile.builders import shapefile_zip

    frame = facility_points(1)
    frame["traeger"] = ["Bürgerverein"]
    archive = shapefile_zip(frame, cpg=b"")
    result = validate("facilities", "t.zip", archive, synthetic)
    assert result.ok, [p.text() for p in result.errors]
    assert result.data.iloc[0]["traeger"] == "Bürgerverein"


# --------------------------------------------------------------------------- facilities


def test_swapped_row_is_reported_once(synthetic):
    content = f"name;lat;lon\nA;{LON:.6f};{LAT:.6f}\nB;52.52;13.40\n".encode()
    result = validate("facilities", "x.csv", content, synthetic)
    by_row = pd.Series([p.row for p in result.errors]).value_counts()
    assert by_row[2] == 1  # only "vertauscht", not also "außerhalb der Stadt"
    assert "vertauscht" in next(p.message for p in result.errors if p.row == 2)
    assert "außerhalb der Stadt" in next(p.message for p in result.errors if p.row == 3)


def test_many_problems_are_capped_and_counted(synthetic):
    content = b"name;lat;lon\n" + b"A;viel;11.6\n" * 300
    result = validate("facilities", "x.csv", content, synthetic)
    assert len(result.errors) <= 60
    assert any("und 250 weitere" in p.message for p in result.errors)


def test_readme_states_the_limits_the_code_enforces():
    from geo.config import PROJECT_ROOT
    from geo.io.uploads import LIMITS
    from geo.io.uploads import limits as lim

    readme = " ".join((PROJECT_ROOT / "README.md").read_text(encoding="utf-8").split())
    for text in (
        f"{format_mb(lim.MAX_BYTES)} per file",
        f"{lim.MAX_ROWS:,} data rows",
        f"{lim.MAX_COLUMNS} columns",
        f"{lim.MAX_CELLS:,} cells with content",
        f"{lim.MAX_LINE_CHARS:,} characters per line and per cell",
        f"{lim.MAX_ZIP_MEMBERS} members, {format_mb(lim.MAX_UNZIPPED_BYTES)} unpacked",
        f"at most {format_mb(lim.MAX_SHEET_BYTES)} unpacked and {lim.MAX_XML_TAGS:,} XML tags",
        f"{format_mb(lim.MAX_SHARED_STRINGS_BYTES)} of shared strings",
        f"nested at most {lim.MAX_JSON_DEPTH} levels",
        f"({LIMITS.memory_mb} MB, {LIMITS.cpu_seconds} s CPU time, {LIMITS.wall_seconds:g} s)",
    ):
        assert text in readme, text
    assert lim.MAX_TEXT_CHARS == lim.MAX_LINE_CHARS  # the README states one number for both
