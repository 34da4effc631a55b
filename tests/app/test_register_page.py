"""The page "Einrichtungen pflegen" (AppTest): tasks, form, conflict, undo, completeness."""

from __future__ import annotations

import pytest

from register.store import RegisterStore
from tests.synthetic import X0, Y0, metric_point
from ui.inputs import shown
from ui.register import key

PAGE = "pages/einrichtungen_pflegen.py"
LON, LAT = metric_point(X0 + 500, Y0 + 1500)


def plain(text: str) -> str:
    """Markdown-escaped text as shown (data in messages is escaped)."""
    return text.replace("\\", "")


def button(at, label):
    return next(b for b in at.button if b.label == label)


def fill(at, fid, version, **values):
    for name, value in values.items():
        widget_key = key(fid, version, name)
        if name in ("lat", "lon", "lage_genauigkeit_m"):  # German number fields
            at.text_input(key=f"_zahl_{widget_key}").input(shown(value, 7))
        else:
            at.text_input(key=widget_key).input(value)


META = {"autor": "Frau Berger", "grund": "Tür bekannt", "quelle": "Begehung 2026-03"}


def test_place_the_facility_without_position_and_the_analysis_follows(app_for, synthetic_dir):
    at = app_for(synthetic_dir, PAGE)
    task = at.warning[0].value  # the task comes first
    assert "**OT\\-2** Seniorentreff Kastanie (Nord) – ohne Lage – Versorgung im Stadtteil" in task
    erreichbarkeit = app_for(synthetic_dir, "pages/erreichbarkeit.py")
    before = erreichbarkeit.metric[1].value
    assert at.selectbox(key="_w_register_einrichtung").value == "OT-2"  # first: without position
    fill(at, "OT-2", 0, lat=LAT, lon=LON, lage_genauigkeit_m=10.0, **META)
    button(at, "Speichern").click().run()
    assert not at.exception
    assert "Gespeichert: OT-2" in plain(at.success[0].value)
    change = RegisterStore().changes()[0]
    assert (change.facility_id, change.author, change.version) == ("OT-2", "Frau Berger", 1)
    assert change.fields["lat"] == pytest.approx(LAT, abs=1e-6)  # typed with 7 decimals
    assert "Alle Einrichtungen in Betrieb haben eine Lage" in at.success[-1].value
    at.switch_page("pages/erreichbarkeit.py").run()
    assert at.metric[1].value != before  # OT-2 now enters the distances


def test_missing_author_is_refused_in_german(app_for, synthetic_dir):
    at = app_for(synthetic_dir, PAGE)
    fill(at, "OT-2", 0, name="Kranichhaus", autor="", grund="Name", quelle="Träger")
    button(at, "Speichern").click().run()
    assert "Bitte angeben: Autor/in" in plain(at.error[0].value)
    assert RegisterStore().changes() == []


def test_conflict_names_both_versions_and_keeps_the_change(app_for, synthetic, synthetic_dir):
    at = app_for(synthetic_dir, PAGE)
    # Another planner changes OT-2 while this one has version 0 open.
    RegisterStore().update(
        synthetic, "OT-2", {"name": "Kranichhaus"}, 0, author="Herr Kurz", reason="Name",
        source="Träger",
    )  # fmt: skip
    fill(at, "OT-2", 0, traeger="Volkssolidarität", **META)
    button(at, "Speichern").click().run()
    message = plain(at.error[0].value)
    assert "Konflikt bei OT-2" in message
    assert "Herr Kurz" in message
    assert "„Volkssolidarität“" in message
    button(at, "Meine Änderung auf Version 1 anwenden").click().run()
    assert [c.author for c in RegisterStore().changes()] == ["Herr Kurz", "Frau Berger"]
    assert "Gespeichert: OT-2" in plain(at.success[0].value)


def test_undo_from_the_history(app_for, synthetic, synthetic_dir):
    RegisterStore().update(
        synthetic, "OT-2", {"name": "Falsch"}, 0, author="A", reason="r", source="s"
    )
    at = app_for(synthetic_dir, PAGE)
    form = "register_formular_OT-2_1_rueckgaengig"
    assert at.selectbox(key="_w_register_einrichtung").value == "OT-2"
    inputs = {t.label: t for t in at.text_input if t.form_id == form}
    inputs["Autor/in"].input("Herr Kurz")
    inputs["Grund"].input("Tippfehler")
    next(b for b in at.button if b.label == "Rückgängig machen").click().run()
    assert [c.kind for c in RegisterStore().changes()] == ["update", "undo"]
    assert "Seniorentreff Kastanie (Nord)" in at.warning[0].value  # the name is back


def test_expected_count_and_completeness(app_for, synthetic_dir):
    at = app_for(synthetic_dir, PAGE)
    form_inputs = {w.label: w for w in at.text_input if w.form_id == "soll_form"}
    assert form_inputs["oder neue Art"].value == ""  # a new type goes there (no English "Add:")
    for label, value in {
        "Autor/in": "Frau Berger",
        "Grund": "Förderliste",
        "Quelle": "Liste 2025",
    }.items():
        form_inputs[label].input(value)
    next(w for w in at.selectbox if w.label == "Art").set_value("OT")
    next(w for w in at.number_input if w.label == "erwartet").set_value(3)
    button(at, "Erwartete Anzahl speichern").click().run()
    assert RegisterStore().expected()["OT"].anzahl == 3
    table = next(d.value for d in at.dataframe if "erwartet" in d.value.columns)
    row = table.set_index("Art").loc["OT"]
    assert (row["bekannt"], row["erwartet"], row["fehlen"]) == (1, "3", "2")


def test_ranking_and_warum_card_flag_the_data_gap(app_for, synthetic, synthetic_dir):
    from ui import state

    at = app_for(synthetic_dir, "pages/unterversorgung.py")
    captions = " ".join(c.value for c in at.caption)
    assert "Datenlücke bei 1 Stadtteil –" in captions
    assert "Nord (Rang" in captions
    assert "Seniorentreff Kastanie ohne Lage" in captions
    at.selectbox(key=state.widget_key(state.STADTTEIL)).set_value("02").run()
    assert any("Datenlücke: Die Versorgungswerte von Nord" in w.value for w in at.warning)
    RegisterStore().update(
        synthetic, "OT-2", {"lat": LAT, "lon": LON, "lage_genauigkeit_m": 10}, 0, author="A",
        reason="Tür", source="Begehung",
    )  # fmt: skip
    at.run()
    assert not any("Datenlücke" in c.value for c in at.caption)
