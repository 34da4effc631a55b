"""Regionen (stored sets), Verteilungsschlüssel and Maßnahmen pages (AppTest, synthetic package)."""

from __future__ import annotations

import pandas as pd

from register.planning import PlanningStore
from ui import state

SET = pd.DataFrame({"stadtteil_nr": ["01", "02", "04"], "region": ["West", "West", "Ost"]})
NAMES = pd.Series({"01": "Mitte", "02": "Nord", "04": "Ost"})
MEASURES = (
    "id,komplex_nr,komplex,massnahme,verantwortlich,zeithorizont,art,stadtteile,stadtteil_nr,"
    "ort_hinweis,einrichtungen,quelle\n"
    "1.1,1,Bestand,Erhalt des ASZ,Amt,fortlaufend,bestand,,,,ASZ-1,Plan\n"
    '2.2,2,Neue Orte,"Begegnung erschließen in Nord und Mitte",Stab,ab 2026,neu,Nord;Mitte,02;01,'
    ",,Plan\n"
)


def _button(at, label):
    return next(b for b in at.button if b.label == label)


def test_regionen_uses_a_stored_set_without_upload(app_for, synthetic_dir):
    PlanningStore().save_region_set("A. Planer", "Versorgungsgebiete", SET, NAMES)
    at = app_for(synthetic_dir, "pages/regionen.py")
    assert at.selectbox(key=state.widget_key(state.REGION_SET)).value == "Versorgungsgebiete"
    indicators = at.dataframe[0].value
    assert indicators["Region"].tolist() == ["Ost", "West"]
    assert any("gespeichert von A. Planer" in c.value.replace("\\", "") for c in at.caption)
    labels = [b.label for b in at.get("download_button")]
    assert {"CSV (Excel)", "XLSX", "GeoPackage (QGIS)"} <= set(labels)


def test_regionen_editor_refuses_an_incomplete_list_and_saves_nothing(app_for, synthetic_dir):
    at = app_for(synthetic_dir, "pages/regionen.py")
    assert any("Noch keine Gebietsgliederung" in i.value for i in at.info)
    at.text_input(key="gliederung_name_neue Gliederung").input("Sozialregionen")
    at.text_input(key="gliederung_autor").input("A. Planer")
    _button(at, "Speichern").click().run()
    message = " ".join(e.value for e in at.error).replace("\\", "")
    assert "Listenzeile 1: Regionsname fehlt" in message
    assert "Lösung" in message
    assert PlanningStore().region_sets() == []


def test_verteilung_distributes_exactly_and_prints_the_formula(app_for, synthetic_dir):
    split = SET.assign(region=["West", "Ost", "Ost"])
    PlanningStore().save_region_set("A. Planer", "VG", split, NAMES)
    at = app_for(synthetic_dir, "pages/verteilung.py")
    at.text_input(key="_zahl_verteilung_betrag").input("1000").run()
    at.multiselect(key="verteilung_indikatoren").set_value(["senioren_65plus"]).run()
    assert not at.exception
    table = at.dataframe[0].value.set_index("Region")
    # 65+: West (Mitte) 250, Ost = Nord 200 + Ost (suppressed: left out, named below).
    # Soll_West = 1.000 · 250/450 = 555,555… → 555,56; Ost 444,444… → 444,44.
    assert table.at["West", "Soll (EUR)"] == "555,56"
    assert table.at["Ost", "Soll (EUR)"] == "444,44"
    assert table.at["Summe", "Soll (EUR)"] == "1.000,00"
    text = " ".join(m.value for m in at.markdown).replace("\\", "")
    assert "Soll_r = B + (A − n · B) · s_r" in text
    assert any("nicht veröffentlicht für Ost (04)" in c.value.replace("\\", "") for c in at.caption)
    labels = [b.label for b in at.get("download_button")]
    assert "PDF mit Formel" in labels


def test_verteilung_refuses_weights_all_zero_in_german(app_for, synthetic_dir):
    PlanningStore().save_region_set("A. Planer", "VG", SET, NAMES)
    at = app_for(synthetic_dir, "pages/verteilung.py")
    at.text_input(key="_zahl_verteilung_betrag").input("-5").run()
    assert any("Betrag ist negativ" in e.value.replace("\\", "") for e in at.error)
    at.text_input(key="_zahl_verteilung_betrag").input("100").run()
    at.text_input(key="_zahl_verteilung_gewicht_senioren_65plus").input("0").run()
    at.text_input(key="_zahl_verteilung_gewicht_senioren_unversorgt").input("0").run()
    assert any("Alle Gewichte sind 0" in e.value.replace("\\", "") for e in at.error)


def test_massnahmen_shows_the_data_beside_the_plan_and_keeps_status(app_for, synthetic_dir):
    (synthetic_dir / "massnahmen_senioren.csv").write_text(MEASURES, encoding="utf-8")
    at = app_for(synthetic_dir, "pages/massnahmen.py")
    overview = at.dataframe[0].value
    assert overview["Nr."].tolist() == ["1.1", "2.2"]
    at.selectbox(key="massnahme_auswahl").set_value("2.2").run()
    checks = at.dataframe[1].value.set_index("Stadtteil")
    assert set(checks.index) == {"Nord", "Mitte"}
    assert checks.at["Nord", "bester neuer Standort"].startswith("Nord")
    assert checks.at["Mitte", "Rang"] != ""
    form = "status_2.2"
    next(s for s in at.selectbox if s.form_id == form and s.label == "Status").set_value(
        "in Prüfung"
    )
    next(t for t in at.text_input if t.form_id == form and t.label == "Autor/in").input("B. Planer")
    next(b for b in at.button if b.form_id == form).click().run()
    assert not at.error
    assert PlanningStore().current_status()["2.2"].status == "in Prüfung"
    assert at.dataframe[0].value.set_index("Nr.").at["2.2", "Status"] == "in Prüfung"


def test_regionen_profile_tab_shows_needs_from_the_data(app_for, synthetic_dir):
    PlanningStore().save_region_set(
        "A. Planer", "VG", SET.assign(region=["West", "Ost", "Ost"]), NAMES
    )
    at = app_for(synthetic_dir, "pages/regionen.py")
    assert at.selectbox(key="steckbrief_region").value == "West"
    text = " ".join(m.value for m in at.markdown).replace("\\", "")
    assert "Handlungsbedarf" in text
    at.selectbox(key="steckbrief_region").set_value("Ost").run()
    assert not at.exception
    labels = [b.label for b in at.get("download_button")]
    assert "Steckbriefe aller Regionen (PDF, eine Seite je Region)" in labels


def _all_text(at) -> str:
    parts = [
        e.value
        for kind in ("markdown", "caption", "error", "info", "warning", "title")
        for e in getattr(at, kind)
    ]
    for frame in at.dataframe:
        table = frame.value
        parts += [str(c) for c in table.columns] + [str(v) for v in table.to_numpy().ravel()]
    return "\n".join(str(p) for p in parts)


def test_filled_planning_pages_show_no_forbidden_text(app_for, synthetic_dir):
    from tests.forbidden_text import problems

    (synthetic_dir / "massnahmen_senioren.csv").write_text(MEASURES, encoding="utf-8")
    PlanningStore().save_region_set(
        "A. Planer", "VG", SET.assign(region=["West", "Ost", "Ost"]), NAMES
    )
    at = app_for(synthetic_dir, "pages/verteilung.py")
    at.text_input(key="_zahl_verteilung_betrag").input("1000").run()
    at.text_input(key="_zahl_verteilung_aenderung").input("100").run()
    at.radio(key="verteilung_ist_quelle").set_value("einrichtungen").run()
    texts = [_all_text(at)]
    at.switch_page("pages/massnahmen.py").run()
    at.selectbox(key="massnahme_auswahl").set_value("2.2").run()
    texts.append(_all_text(at))
    at.switch_page("pages/regionen.py").run()
    texts.append(_all_text(at))
    at.switch_page("pages/einrichtungen.py").run()
    texts.append(_all_text(at))
    assert not at.exception
    found = problems("\n".join(texts))
    assert not found, "\n".join(found)
    for cell in ("nan", "None", "<NA>"):
        assert f"\n{cell}\n" not in "\n".join(texts)
