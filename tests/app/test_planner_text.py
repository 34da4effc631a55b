"""Every page, both modes, on the real package: no path, library message, English or code.

The element tree of each page run (AppTest) is read whole – titles, text, captions,
alerts, metrics, widget labels and options, table headings and cells – and checked against
:mod:`tests.forbidden_text`. The expander „Über diese Installation“ on the Daten page is the
one place for paths and variables and is left out. Streamlit writes "empty" into an empty
table, so no page may show one. The browser suite (``tests/e2e/test_layout.py``) checks the
rendered text, the maps' text included.
"""

from __future__ import annotations

import pandas as pd
import pytest

from tests.conftest import real_data_dir
from tests.forbidden_text import problems

pytestmark = pytest.mark.real_data

PAGES = [
    "pages/uebersicht.py",
    "pages/bevoelkerung.py",
    "pages/einrichtungen.py",
    "pages/einrichtungen_pflegen.py",
    "pages/erreichbarkeit.py",
    "pages/oepnv.py",
    "pages/unterversorgung.py",
    "pages/standortsimulation.py",
    "pages/szenarien.py",
    "pages/massnahmen.py",
    "pages/verteilung.py",
    "pages/regionen.py",
    "pages/bericht.py",
    "pages/daten.py",
]
ADMIN = "Über diese Installation"
CHOICES = {"selectbox", "radio", "multiselect", "select_slider", "segmented_control", "pills"}


def _texts(node, out: list[str], tables: list[pd.DataFrame]) -> None:
    """Every text of ``node`` and its children (the administration's expander left out)."""
    label = getattr(node, "label", None)
    if isinstance(label, str) and label.startswith(ADMIN):
        return
    # A choice widget's value is the option's id; what it shows are its options.
    names = ("label", "help", "placeholder", "body")
    if getattr(node, "type", "") not in CHOICES:
        names += ("value",)
    for name in names:
        try:
            value = getattr(node, name, None)
        except Exception:  # some elements compute their value and may not have one
            continue
        if isinstance(value, str):
            out.append(value)
        elif isinstance(value, pd.DataFrame):
            tables.append(value)
    try:
        options = getattr(node, "options", None)
    except Exception:
        options = None
    if isinstance(options, list | tuple):
        out += [str(o) for o in options]
    children = getattr(node, "children", None)
    if isinstance(children, dict):
        for child in children.values():
            _texts(child, out, tables)


@pytest.mark.parametrize("presenting", [False, True], ids=["normal", "praesentation"])
@pytest.mark.parametrize("page", PAGES)
def test_no_forbidden_text_on_any_page(app_for, monkeypatch, page, presenting):
    from streamlit.testing.v1 import AppTest

    from geo.config import DATA_ENV
    from tests.app.conftest import APP

    monkeypatch.setenv(DATA_ENV, str(real_data_dir()))
    at = AppTest.from_file(APP, default_timeout=120)
    if presenting:
        at.query_params["praesentation"] = "1"
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.message for e in at.exception]
    texts: list[str] = []
    tables: list[pd.DataFrame] = []
    _texts(at._tree, texts, tables)
    assert at.title[0].value in texts  # the whole tree was read
    assert len(texts) > 10
    for table in tables:
        assert len(table), "eine leere Tabelle (Streamlit schreibt „empty“ hinein)"
        texts += [str(c) for c in table.columns]
        # Links show as "Webseite"; their address is not what the planner reads.
        texts += [
            v
            for v in table.astype(str).to_numpy().ravel()
            if v not in ("nan", "None") and not v.startswith(("http://", "https://"))
        ]
        # Missing cells must read "–" in planner tables, never nan/None/<NA>.
        shown = table.select_dtypes(exclude="number")
        assert not shown.isin(["nan", "None", "<NA>", "NaN"]).any().any()
    found = problems("\n".join(texts))
    assert not found, "\n".join(found)


def test_the_scan_finds_what_it_must(app_for, synthetic_dir):
    """The scan reads a page and would catch a raw loader note, a path or a code."""
    texts: list[str] = []
    at = app_for(synthetic_dir, "pages/daten.py")
    _texts(at._tree, texts, [])
    assert not problems("\n".join(texts))
    assert problems("Polygon 74 war ungültig (Hole lies outside shell[1 2])")
    assert problems("Gespeichert in: /srv/atlas/begegnungsatlas.sqlite")
    assert problems("wheelchair_boarding")
