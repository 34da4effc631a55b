"""Sign-in and roles in AppTest: every write path refused without the role (Mehrplatz).

The identity comes from ``AppTest.user`` (what Streamlit decodes from the signed cookie) and
the configuration from ``AppTest.secrets``; the provider is a local ``oidc-provider-mock``
(its metadata must be reachable, else the sign-in area reports it).
"""

from __future__ import annotations

import oidc_provider_mock
import pytest
from streamlit.testing.v1 import AppTest

import auth
from auth.table import RoleTable
from geo.config import DATA_ENV
from register.store import RegisterStore
from scenarios.model import NewSite, Overlay, Scenario
from scenarios.store import ScenarioStore, store_dir
from tests.app.conftest import APP
from tests.synthetic import X0, Y0, metric_point
from ui import state

REGISTER = "pages/einrichtungen_pflegen.py"
SCENARIOS = "pages/szenarien.py"
SIMULATION = "pages/standortsimulation.py"
GUEST = {"is_logged_in": False}
READER = {"is_logged_in": True, "sub": "leser-1", "name": "Lea Leser", "groups": []}
EDITOR = {"is_logged_in": True, "sub": "bearb-7", "name": "Erika Bearbeiter",
          "email": "erika@example.org", "groups": ["ba-bearbeitung"]}  # fmt: skip
ADMIN = {"is_logged_in": True, "sub": "verw-1", "name": "Volker Verwaltung",
         "groups": ["ba-verwaltung"]}  # fmt: skip
NO_CLAIM = {"is_logged_in": True, "sub": "ohne-claim", "name": "Otto Ohneclaim",
            "email": "Otto@Example.org"}  # fmt: skip
SITE = NewSite("Nord", *metric_point(X0 + 500, Y0 + 1500))
EDIT_CONTROLS = ("Speichern", "Rückgängig machen", "Ausführen", "Erwartete Anzahl speichern",
                 "Umbenennen", "Löschen", "Meine Änderung auf Version 1 anwenden")  # fmt: skip


@pytest.fixture(scope="module")
def provider():
    """A local OpenID Connect provider (no internet)."""
    with oidc_provider_mock.run_server_in_thread() as server:
        yield f"http://localhost:{server.server_port}"


def secrets_for(provider: str) -> dict:
    return {
        "auth": {
            "redirect_uri": "http://localhost:8501/oauth2callback",
            "cookie_secret": "ein-langes-geheimnis-nur-fuer-tests",
            "client_id": "begegnungsatlas",
            "client_secret": "geheim-client-secret-1234",
            "server_metadata_url": f"{provider}/.well-known/openid-configuration",
        },
        "rollen": {
            "claim": "groups",
            "bearbeitung": ["ba-bearbeitung"],
            "verwaltung": ["ba-verwaltung"],
        },
    }


@pytest.fixture
def open_as(synthetic_dir, provider, monkeypatch):
    """``open_as(user, page, secrets=...)`` -> an AppTest in Mehrplatz that ran the page."""
    monkeypatch.setenv(DATA_ENV, str(synthetic_dir))

    def run(user: dict, page: str | None, secrets: dict | None = None, **session) -> AppTest:
        """Run ``page`` (None: the first page, whose run also shows the app's sidebar)."""
        at = AppTest.from_file(APP, default_timeout=60)
        at.secrets.update(secrets_for(provider) if secrets is None else secrets)
        at.user = dict(user)
        at.run()
        for key, value in session.items():
            at.session_state[key] = value
        if page is not None:
            at.switch_page(page).run()
        assert not at.exception, [e.message for e in at.exception]
        return at

    return run


def labels(at: AppTest) -> set[str]:
    return {b.label for b in at.button} | {b.label for b in at.get("form_submit_button")}


def text(at: AppTest) -> str:
    parts = [e.value for kind in ("info", "error", "warning", "success", "markdown", "caption")
             for e in getattr(at, kind)]  # fmt: skip
    return "\n".join(str(p) for p in parts).replace("\\", "")


def save_scenario(name: str = "Nord-Treff") -> None:
    ScenarioStore(store_dir()).save(Scenario(name=name, overlay=Overlay(added=(SITE,))))


# ------------------------------------------------------------------ Einzelplatz


def test_single_user_keeps_every_control_with_the_os_user_as_author(app_for, synthetic_dir):
    at = app_for(synthetic_dir, REGISTER)
    assert "Speichern" in labels(at)
    author = next(t for t in at.text_input if t.label == "Autor/in")
    assert author.value == auth.os_user()
    assert "Anmelden" not in labels(at)
    at.switch_page("pages/daten.py").run()
    assert "Einzelplatz" in text(at)


# ------------------------------------------------------------------ reading only


@pytest.mark.parametrize("user", [GUEST, READER], ids=["gast", "leser"])
@pytest.mark.parametrize("page", [REGISTER, SCENARIOS, SIMULATION])
def test_no_edit_control_without_the_role(open_as, user, page):
    save_scenario()
    at = open_as(user, page, **{state.SCENARIO: Scenario(overlay=Overlay(added=(SITE,)))})
    assert not labels(at) & set(EDIT_CONTROLS)
    assert not any(u.label.startswith("Liste der Stadt") for u in at.get("file_uploader"))
    assert "Nur lesen" in text(at)


def test_guest_sees_sign_in_and_read_only_mode_on_the_daten_page(open_as):
    at = open_as(GUEST, None)
    assert "Anmelden" in labels(at)
    at.switch_page("pages/daten.py").run()
    assert "Mehrplatz" in text(at)
    assert "geheim" not in text(at)  # no secret in any notice


def test_a_forged_session_state_gives_no_write(open_as, synthetic):
    """Keys a page keeps (a pending conflict, the remembered author) do not open a write."""
    from register.changes import Edit

    edit = Edit("OT-2", "update", {"name": "Gefälscht"}, 0, "Chef", "x", "y")
    at = open_as(
        READER,
        REGISTER,
        **{state.REG_CONFLICT: ("Konflikt", edit), state.REG_AUTHOR: "Chef", "rolle": auth.EDIT},
    )
    assert not labels(at) & set(EDIT_CONTROLS)
    assert RegisterStore().changes() == []


# ------------------------------------------------------------------ direct calls


def _write(path: str) -> None:
    """Run as an AppTest script: call one write path directly, show the refusal."""
    import streamlit as st

    from register.changes import Edit
    from scenarios.model import NewSite, Overlay, Scenario
    from ui import data, planning, register, scenario_links, siting_panels

    base = data.base_package()
    edit = Edit("OT-2", "update", {"name": "Gefälscht"}, 0, "Chef", "Grund", "Quelle")
    site = NewSite("Nord", 11.6, 52.1)
    calls = {
        "register.submit": lambda: register.submit(data.register_store(), base, edit),
        "store.submit": lambda: data.register_store().submit(base, [edit]),
        "store.import": lambda: data.register_store().submit(base, [edit], batch="import:x.csv"),
        "store.undo": lambda: data.register_store().undo(base, 1, 0, author="A", reason="r"),
        "store.set_expected": lambda: data.register_store().set_expected(
            "OT", 3, author="A", reason="r", source="s"
        ),
        "scenario.save": lambda: scenario_links.store().save(
            Scenario(name="Neu", overlay=Overlay(added=(site,)))
        ),
        "scenario.save_panel": lambda: siting_panels.save(
            Scenario(overlay=Overlay(added=(site,))), False
        ),
        "scenario.rename": lambda: scenario_links.store().rename("Nord-Treff", "Anders"),
        "scenario.delete": lambda: scenario_links.store().delete("Nord-Treff"),
        "planning.save_region_set": lambda: planning.planning_store().save_region_set(
            "A", "Gebiete", {"01": "Nord"}
        ),
        "planning.delete_region_set": lambda: planning.planning_store().delete_region_set(
            "A", "Gebiete"
        ),
        "planning.add_measure": lambda: planning.planning_store().add_measure(
            "A", {"massnahme": "Treff", "stadtteil_nr": "01"}
        ),
        "planning.set_measure_status": lambda: planning.planning_store().set_measure_status(
            "A", "2.2", "geplant"
        ),
        "planning.save_ist": lambda: planning.planning_store().save_ist(
            "A", "Gebiete", "Ist", {"Nord": 1.0}
        ),
    }
    try:
        calls[path]()
    except ValueError as error:
        st.error(str(error))


WRITE_PATHS = ["register.submit", "store.submit", "store.import", "store.undo",
               "store.set_expected", "scenario.save", "scenario.save_panel", "scenario.rename",
               "scenario.delete", "planning.save_region_set", "planning.delete_region_set",
               "planning.add_measure", "planning.set_measure_status",
               "planning.save_ist"]  # fmt: skip


@pytest.mark.parametrize("user", [GUEST, READER], ids=["gast", "leser"])
@pytest.mark.parametrize("path", WRITE_PATHS)
def test_a_direct_call_of_every_write_path_is_refused(
    synthetic_dir, provider, monkeypatch, user, path
):
    monkeypatch.setenv(DATA_ENV, str(synthetic_dir))
    save_scenario()
    at = AppTest.from_function(_write, args=(path,), default_timeout=60)
    at.secrets.update(secrets_for(provider))
    at.user = dict(user)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    message = " ".join(e.value for e in at.error)
    assert "nicht erlaubt – dafür ist die Rolle Bearbeitung nötig" in message
    assert ("Bitte anmelden" in message) == (user is GUEST)
    assert RegisterStore().changes() == []
    assert RegisterStore().expected() == {}
    assert [s.name for s in ScenarioStore(store_dir()).list()] == ["Nord-Treff"]


# ------------------------------------------------------------------ editing


def test_editor_change_is_stored_with_the_signed_in_identity(open_as):
    at = open_as(EDITOR, REGISTER)
    assert "Speichern" in labels(at)
    assert not any(t.label == "Autor/in" for t in at.text_input)  # no typed author
    assert "Erika Bearbeiter (angemeldet, Kennung bearb-7)" in text(at)
    form = "register_formular_OT-2_0_form"
    inputs = {t.label: t for t in at.text_input if t.form_id == form}
    inputs["Name"].input("Kranichhaus")
    inputs["Grund der Änderung"].input("Name geändert")
    inputs["Quelle (URL oder Dokument)"].input("Träger")
    next(b for b in at.get("form_submit_button") if b.label == "Speichern").click().run()
    assert not at.exception
    change = RegisterStore().changes()[0]
    assert change.author == "Erika Bearbeiter (angemeldet, Kennung bearb-7)"
    history = next(d.value for d in at.dataframe if "Autor/in" in d.value.columns)
    assert history["Autor/in"].tolist() == [change.author]


def test_editor_saves_renames_and_deletes_scenarios(open_as):
    at = open_as(EDITOR, SIMULATION, **{state.SCENARIO: Scenario(overlay=Overlay(added=(SITE,)))})
    at.text_input(key=state.widget_key(state.SCENARIO_NAME)).input("Nord-Treff").run()
    next(b for b in at.button if b.label == "Speichern").click().run()
    assert any("Gespeichert" in s.value for s in at.success)
    at.switch_page(SCENARIOS).run()
    assert {"Umbenennen", "Löschen"} <= labels(at)


def test_presentation_mode_shows_no_edit_control_even_to_an_administrator(open_as):
    save_scenario()
    for page in (REGISTER, SCENARIOS, SIMULATION):
        at = open_as(
            ADMIN,
            page,
            **{state.PRESENTATION: True, state.SCENARIO: Scenario(overlay=Overlay(added=(SITE,)))},
        )
        assert not labels(at) & set(EDIT_CONTROLS), page


def test_sign_out_ends_the_rights_at_once(open_as):
    at = open_as(EDITOR, REGISTER)
    assert "Speichern" in labels(at)
    at.user = dict(GUEST)  # what st.logout leaves for the session
    at.run()
    assert not labels(at) & set(EDIT_CONTROLS)


# ------------------------------------------------------------------ roles from the table


def test_without_a_claim_the_role_table_decides(open_as):
    at = open_as(NO_CLAIM, None)
    assert "keinen Claim „groups“" in text(at)  # the sidebar says why and how to fix it
    assert "Speichern" not in labels(open_as(NO_CLAIM, REGISTER))
    table = RoleTable()
    with pytest.raises(auth.NotAllowedError, match="Rolle Verwaltung"):
        table.grant(
            "otto@example.org",
            "bearbeitung",
            auth.Identity("x", "X", auth.identity.SIGNED_IN, frozenset({auth.EDIT})),
        )
    assert table.grant("otto@example.org", "Bearbeitung", auth.cli_identity())
    at = open_as(NO_CLAIM, REGISTER)  # the next sign-in
    assert "Speichern" in labels(at)
    assert table.revoke("otto@example.org", "bearbeitung", auth.cli_identity())
    at = open_as(NO_CLAIM, REGISTER)
    assert "Speichern" not in labels(at)


# ------------------------------------------------------------------ bad configuration


@pytest.mark.parametrize(
    ("change", "expected", "fix"),
    [
        ({"server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration"},
         "Der Anmeldedienst ist nicht erreichbar (127.0.0.1:9 antwortet nicht)",
         "server_metadata_url in .streamlit/secrets.toml und die Verbindung"),
        ({"client_secret": ""},
         "In den Anmelde-Einstellungen fehlt das Geheimnis der App beim Anmeldedienst",
         "fehlt im Abschnitt [auth]: client_secret"),
        ({"redirect_uri": "http://localhost:8501/"},
         "Die Adresse der App in den Anmelde-Einstellungen ist ungültig",
         "redirect_uri in .streamlit/secrets.toml muss"),
    ],
    ids=["unerreichbar", "ohne-secret", "redirect"],
)  # fmt: skip
def test_a_misconfigured_provider_gives_a_german_message_and_reading_works(
    open_as, provider, change, expected, fix
):
    from tests.forbidden_text import problems

    secrets = secrets_for(provider)
    secrets["auth"].update(change)
    at = open_as(GUEST, None, secrets=secrets)
    errors = " ".join(e.value for e in at.error).replace("\\", "")
    assert "Anmeldung nicht möglich" in errors
    assert expected in errors
    assert "Über diese Installation" in errors  # where the administration reads the fix
    assert problems(errors) == []  # no key name, path or code in the planner's notice
    assert at.metric  # the analysis is there, read-only
    assert "Anmelden" not in labels(at)
    at.switch_page("pages/daten.py").run()
    assert fix in text(at)
    assert "geheim" not in text(at)


# ------------------------------------------------------------------ session hygiene


def _uploads(count: int) -> None:
    import streamlit as st

    from ui import uploads

    st.session_state.setdefault("_upload_zeiten", ())
    answers = [uploads.rate_limited(f"datei {i}".encode()) for i in range(count)]
    answers.append(uploads.rate_limited(b"datei 0"))  # the same file again: not counted twice
    for answer in answers:
        st.write(answer or "ok")


def test_uploads_per_session_are_rate_limited():
    from ui.uploads import MAX_UPLOADS

    at = AppTest.from_function(_uploads, args=(MAX_UPLOADS + 1,), default_timeout=30).run()
    shown = [m.value for m in at.markdown]
    assert shown[:MAX_UPLOADS] == ["ok"] * MAX_UPLOADS
    assert shown[MAX_UPLOADS].startswith("Zu viele Dateien in kurzer Zeit: höchstens 20 Dateien")
    assert "Bitte in 10 Minuten erneut hochladen." in shown[MAX_UPLOADS]
    assert shown[-1] == "ok"
    fresh = AppTest.from_function(_uploads, args=(1,), default_timeout=30).run()
    assert [m.value for m in fresh.markdown] == ["ok", "ok"]  # another session: its own count


def test_a_secrets_file_streamlit_cannot_read_leaves_the_app_read_only(tmp_path, monkeypatch):
    """Streamlit reports an unparsable file as missing: that must not open Einzelplatz."""
    import streamlit as st
    from streamlit.errors import StreamlitSecretNotFoundError

    from ui import auth as access

    class Unreadable:
        def __contains__(self, key):
            raise StreamlitSecretNotFoundError("No secrets found.")

    broken = tmp_path / "secrets.toml"
    broken.write_text("[auth\nclient_secret = ", encoding="utf-8")
    monkeypatch.setattr(st, "secrets", Unreadable())
    monkeypatch.setattr(st, "get_option", lambda name: [str(broken)])
    assert access.multi_user()
    assert "nicht lesbar" in access.problem()[0]
    broken.unlink()  # no file at all: Einzelplatz
    assert not access.multi_user()
