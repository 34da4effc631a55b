"""Crafted links, damaged stores and page bugs never lock a planner out of the app."""

from __future__ import annotations

import base64
import re
import zlib

import pytest
from streamlit.testing.v1 import AppTest

from geo.analysis.access_kernel import WalkParams
from scenarios.exchange import MAX_URL_CHARS, to_url_param
from scenarios.model import Assumptions, NewSite, Overlay, Scenario, stamped
from scenarios.store import FILE_NAME, STORE_ENV, ScenarioStore
from tests.app.conftest import APP
from tests.synthetic import X0, Y0, metric_point
from ui import state
from ui.errors import DEBUG_ENV

INSIDE = metric_point(X0 + 500, Y0 + 1500)


def _link(raw: bytes) -> str:
    return base64.urlsafe_b64encode(zlib.compress(raw, 9)).decode().rstrip("=")


@pytest.fixture
def store_dir(tmp_path, monkeypatch):
    path = tmp_path / "szenarien"
    monkeypatch.setenv(STORE_ENV, str(path))
    return path


@pytest.fixture
def new_app(synthetic_dir, monkeypatch):
    monkeypatch.setenv("BEGEGNUNGSATLAS_DATA", str(synthetic_dir))
    return lambda: AppTest.from_file(APP, default_timeout=60)


def _errors(at) -> list[str]:
    return [e.value for e in at.error]


def _button(at, label):
    return next(b for b in at.button if b.label == label)


@pytest.mark.parametrize(
    ("link", "message"),
    [
        (_link(b'{"params": "x"}'), r"params muss ein Objekt \{…\} sein"),
        (_link(b'{"selection": [1, 2]}'), "selection muss ein Objekt"),
        (_link(b"[" * 100_000 + b"]" * 100_000), "zu tief verschachtelt"),
        (_link(b'{"params": {"detour": NaN}}'), "NaN ist keine gültige Zahl"),
        (_link(b"[" + b" " * 2_000_000 + b"]"), "entpackt sich zu mehr als 512 kB"),
        ("kaputt!!", "Zeichen, die in einem Szenario-Link nicht vorkommen"),
        ("A" * (MAX_URL_CHARS + 1), "Der Link ist zu lang"),
        (
            to_url_param(
                Scenario(overlay=Overlay(added=(NewSite("[Berlin](javascript:x)", 13.4, 52.5),)))
            ),
            "außerhalb des Stadtgebiets",
        ),
    ],
)
def test_crafted_link_shows_a_german_error_once_and_the_app_stays_usable(
    new_app, store_dir, link, message
):
    at = new_app()
    at.query_params["szenario"] = link
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.title
    assert at.title[0].value == "Begegnungsatlas Magdeburg"  # the Übersicht page
    errors = _errors(at)
    assert len(errors) == 1
    text = errors[0].replace("\\", "")  # the message is shown escaped (md)
    assert text.startswith("Der Szenario-Link konnte nicht geladen werden; er wurde aus der")
    assert re.search(message, text), text
    assert "Traceback" not in text
    assert "/work" not in text
    assert "szenario" not in at.query_params  # removed from the address
    assert at.session_state[state.SCENARIO] == Scenario()  # nothing applied
    # Second run (e.g. the next click): no error any more, the page works.
    at.run()
    assert not at.exception
    assert at.title
    assert not _errors(at)
    at.switch_page("pages/standortsimulation.py").run()
    assert not at.exception
    assert any(t.value == "Standortsimulation" for t in at.title)
    # Reload with the same address: a new session reports it again, still usable.
    again = new_app()
    again.query_params["szenario"] = link
    again.run()
    assert not again.exception
    assert again.title
    assert len(_errors(again)) == 1


def test_valid_link_keeps_its_own_values_and_every_page_shows_them(new_app, store_dir):
    scenario = Scenario(
        assumptions=Assumptions(
            year=2019,
            params=WalkParams(max_walk_m=650, detour=2.5, speed_mps=0.3, catchment_m=1200),
        ),
        overlay=Overlay(added=(NewSite("Geteilt", *INSIDE),)),
    )
    at = new_app()
    at.query_params["szenario"] = to_url_param(scenario)
    at.run()
    assert not at.exception
    assert at.session_state[state.SCENARIO].overlay.added[0].name == "Geteilt"
    warning = " ".join(w.value for w in at.warning).replace("\\", "")
    # Only the year the package lacks is replaced; the walking values stay the scenario's own,
    # so the figures match `begegnungsatlas … --scenario` (one truth).
    assert "Jahr 2019 ist im Datenpaket nicht enthalten" in warning
    assert "Gehdistanz" not in warning
    assert at.query_params["szenario"]  # a valid link stays in the address
    for page in ("pages/erreichbarkeit.py", "pages/standortsimulation.py"):
        at.switch_page(page).run()
        assert not at.exception, [e.message for e in at.exception]
    assert at.session_state[state.DETOUR] == 2.5
    assert at.session_state[state.MAX_WALK] == 650
    shown = {s.label: s.value for s in at.select_slider}
    assert shown["Gehdistanz"] == 650
    assert shown["Umwegfaktor (Gehweg ÷ Luftlinie)"] == 2.5


def _break_the_overview(monkeypatch):
    """The Übersicht page (the default page, run through app.py) raises a bug.

    The page calls ``city_indicators`` on every run (its map may come from the shared cache).
    """
    from ui import data

    def broken(*args, **kwargs):
        raise KeyError("/srv/geheim/pfad/daten.py")

    monkeypatch.setattr(data, "city_indicators", broken)


def test_page_bug_shows_a_short_notice_without_paths_and_a_reset(new_app, store_dir, monkeypatch):
    monkeypatch.delenv(DEBUG_ENV, raising=False)
    _break_the_overview(monkeypatch)
    at = new_app()
    at.session_state[state.SCENARIO] = Scenario(overlay=Overlay(added=(NewSite("Nord", *INSIDE),)))
    at.run()
    assert not at.exception
    shown = " ".join(_errors(at))
    assert "Ein interner Fehler ist aufgetreten" in shown
    assert "neu laden" in shown
    assert "melden" in shown
    everything = " ".join(str(getattr(e, "value", "")) for e in at.main)
    assert "/srv/geheim" not in everything
    assert "KeyError" not in everything
    assert at.sidebar.selectbox  # the sidebar (year) is still there: the app is usable
    _button(at, "Szenario und Uploads dieser Sitzung zurücksetzen").click().run()
    assert at.session_state[state.SCENARIO] == Scenario()


def test_bug_before_the_page_still_gives_the_notice(new_app, store_dir, monkeypatch):
    from ui import presentation

    monkeypatch.delenv(DEBUG_ENV, raising=False)
    monkeypatch.setattr(
        presentation, "sync_with_url", lambda: (_ for _ in ()).throw(RuntimeError("/x/y"))
    )
    at = new_app()
    at.run()
    assert not at.exception
    assert any("Ein interner Fehler ist aufgetreten" in e for e in _errors(at))


def test_with_debug_the_bug_is_raised(new_app, store_dir, monkeypatch):
    _break_the_overview(monkeypatch)  # BEGEGNUNGSATLAS_DEBUG=1 is set for all AppTests
    at = new_app()
    at.run()
    assert at.exception  # Streamlit's own (redacted, showErrorDetails = "none") display
    assert not any("Ein interner Fehler" in e for e in _errors(at))


def test_damaged_store_is_reported_on_every_page_and_left_alone(new_app, store_dir):
    store_dir.mkdir(parents=True)
    (store_dir / FILE_NAME).write_bytes(b"kein SQLite" * 100)
    at = new_app()
    at.run()
    assert not at.exception
    banner = " ".join(e.value for e in at.error).replace("\\", "")
    assert "Das Einrichtungsregister ist nicht nutzbar" in banner
    assert f"(Datei „{FILE_NAME}“ im Szenario-Ordner) ist beschädigt" in banner
    assert "Lösung: Die IT die Datei aus der Sicherung" in banner
    at.switch_page("pages/szenarien.py").run()
    assert not at.exception
    assert any("ist beschädigt" in e.value for e in at.error)
    assert (store_dir / FILE_NAME).read_bytes() == b"kein SQLite" * 100
    assert not list(store_dir.glob("*defekt*"))
    at.switch_page("pages/einrichtungen_pflegen.py").run()
    assert not at.exception
    assert any("nach der Behebung" in i.value for i in at.info)


def test_second_writer_gets_the_conflict_message_instead_of_overwriting(new_app, store_dir):
    store = ScenarioStore(store_dir)
    store.save(
        stamped(
            Scenario(
                assumptions=Assumptions(year=2025),
                overlay=Overlay(added=(NewSite("Basis", *INSIDE),)),
            ),
            "Plan",
            "v",
        )
    )

    def load_plan():
        at = new_app()
        at.run()
        at.switch_page("pages/szenarien.py").run()
        next(s for s in at.selectbox if s.label == "Szenario").set_value("Plan").run()
        _button(at, "Laden und anzeigen").click().run()
        assert not at.exception
        assert at.session_state[state.STORED_VERSION] == ("Plan", 1)
        at.switch_page("pages/standortsimulation.py").run()  # AppTest stays on the old page
        return at

    first, second = load_plan(), load_plan()
    for at in (first, second):
        next(
            c for c in at.checkbox if c.label.startswith("vorhandenes Szenario gleichen Namens")
        ).check().run()
    _button(first, "Speichern").click().run()
    assert any("Version 2" in s.value for s in first.success)
    _button(second, "Speichern").click().run()
    assert not second.exception
    conflict = " ".join(_errors(second)).replace("\\", "")
    assert "wurde inzwischen geändert: geladen war Version 1, gespeichert ist jetzt Version 2" in (
        conflict
    )
    assert store.load("Plan").version == 2


def test_link_too_large_offers_the_file(new_app, store_dir):
    import random

    rng = random.Random(3)
    letters = "abcdefghijklmnopqrstuvwxyz0123456789"
    big = Scenario(
        assumptions=Assumptions(year=2025),
        overlay=Overlay(
            added=tuple(NewSite("".join(rng.choices(letters, k=80)), *INSIDE) for _ in range(25)),
            removed=tuple("".join(rng.choices(letters, k=60)) for _ in range(200)),
        ),
    )
    at = new_app()
    at.run()
    at.session_state[state.SCENARIO] = big
    at.switch_page("pages/standortsimulation.py").run()
    _button(at, "Link erzeugen").click().run()
    assert not at.exception
    warning = " ".join(w.value for w in at.warning).replace("\\", "")
    assert "zu groß für einen Link" in warning
    assert "szenario" not in at.query_params
    downloads = at.get("download_button")
    assert any("Szenario als Datei (JSON)" in str(d.proto) for d in downloads)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"params": "x"}', "Szenario-Datei „plan.json“: params muss ein Objekt"),
        (b"[" * 100_000 + b"]" * 100_000, "zu tief verschachtelt"),
        (b'{"added": [{"lon": 13.4, "lat": 52.5}]}', "außerhalb des Stadtgebiets"),
    ],
)
def test_hostile_import_is_refused_on_the_scenario_page(new_app, store_dir, content, message):
    at = new_app()
    at.run()
    at.switch_page("pages/szenarien.py").run()
    at.file_uploader[0].upload("plan.json", content, "application/json").run()
    _button(at, "Import übernehmen").click().run()
    assert not at.exception
    shown = " ".join(_errors(at)).replace("\\", "")
    assert "Import nicht möglich" in shown
    assert message in shown
    assert at.session_state[state.SCENARIO] == Scenario()


def test_valid_import_becomes_the_current_scenario(new_app, store_dir):
    from scenarios.exchange import to_geojson

    scenario = Scenario(
        assumptions=Assumptions(year=2025), overlay=Overlay(added=(NewSite("Importiert", *INSIDE),))
    )
    at = new_app()
    at.run()
    at.switch_page("pages/szenarien.py").run()
    at.file_uploader[0].upload("plan.geojson", to_geojson(scenario).encode()).run()
    _button(at, "Import übernehmen").click().run()
    assert not at.exception
    assert at.session_state[state.SCENARIO].overlay.added[0].name == "Importiert"
