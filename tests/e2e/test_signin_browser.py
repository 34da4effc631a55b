"""Sign-in end to end: Chromium, the app in Mehrplatz and a local OpenID Connect provider.

The provider is ``oidc-provider-mock`` on this machine (no internet). A reader, an editor
and an administrator sign in through its form: the reader sees no edit control, the
editor's change shows the signed-in name in the history, and a role the administrator
grants with ``begegnungsatlas rollen grant`` takes effect at the next sign-in. A wrong
client secret gives a German message and the app stays readable.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from geo.config import DATA_ENV, PROJECT_ROOT
from register.db import DB_ENV
from register.store import RegisterStore
from scenarios.store import STORE_ENV
from tests.conftest import free_port, real_data_dir
from tests.e2e.conftest import (
    ARTIFACTS,
    MAP_FRAME,
    WAIT_MS,
    screenshot,
    stop_server,
    wait_healthy,
    wait_idle,
)

pytestmark = [pytest.mark.e2e, pytest.mark.real_data]

SIGNIN_DIR = ARTIFACTS / "anmeldung"
CLAIM = "groups"
USERS = {
    "leser-1": {"name": "Lea Leser", "email": "lea.leser@example.org"},  # no role claim
    "bearb-7": {"name": "Erika Bearbeiter", "email": "erika@example.org",
                CLAIM: ["ba-bearbeitung"]},
    "verw-1": {"name": "Volker Verwaltung", "email": "volker@example.org",
               CLAIM: ["ba-verwaltung"]},
}  # fmt: skip


def _request(url: str, body: dict, method: str = "POST") -> bytes:
    request = urllib.request.Request(
        url, json.dumps(body).encode(), {"Content-Type": "application/json"}, method=method
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.read()


@pytest.fixture(scope="module")
def provider() -> Iterator[str]:
    """The provider with registered users (claims as the city's single sign-on sends them)."""
    import oidc_provider_mock

    port = free_port()
    with oidc_provider_mock.run_server_in_thread(port, require_client_registration=True):
        url = f"http://localhost:{port}"
        for sub, claims in USERS.items():
            _request(f"{url}/users/{sub}", claims, "PUT")
        yield url


def _start(provider: str, name: str, client_secret: str | None = None):
    """A Streamlit server in Mehrplatz with its own secrets.toml; returns (url, process, log)."""
    port = free_port()
    app = f"http://localhost:{port}"
    client = json.loads(
        _request(f"{provider}/oauth2/clients", {"redirect_uris": [f"{app}/oauth2callback"]})
    )
    folder = SIGNIN_DIR / name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    secrets = folder / "secrets.toml"
    secrets.write_text(
        f"""[auth]
redirect_uri = "{app}/oauth2callback"
cookie_secret = "nur-fuer-den-browsertest-{port}-lang-genug"
client_id = "{client["client_id"]}"
client_secret = "{client_secret or client["client_secret"]}"
server_metadata_url = "{provider}/.well-known/openid-configuration"

[rollen]
claim = "{CLAIM}"
bearbeitung = ["ba-bearbeitung"]
verwaltung = ["ba-verwaltung"]
""",
        encoding="utf-8",
    )
    env = {**os.environ, DATA_ENV: str(real_data_dir()), STORE_ENV: str(folder / "db")}
    env.pop(DB_ENV, None)
    log = (folder / "server.log").open("w", encoding="utf-8")
    proc = subprocess.Popen(
        [
            sys.executable, "-m", "streamlit", "run", "app.py",
            "--server.headless", "true", "--server.address", "127.0.0.1",
            "--server.port", str(port), "--browser.gatherUsageStats", "false",
            "--secrets.files", str(secrets),
        ],
        cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    if not wait_healthy(app, proc, 120):
        stop_server(proc, log)
        pytest.fail(f"Streamlit-Server startete nicht (siehe {folder / 'server.log'})")
    return app, proc, log, env, client["client_secret"]


@pytest.fixture(scope="module")
def mehrplatz(provider):
    app, proc, log, env, secret = _start(provider, "mehrplatz")
    yield app, env, secret
    stop_server(proc, log)


@pytest.fixture
def tab(browser, provider):
    """A tab that may reach the app and the provider on this machine, nothing else."""
    context = browser.new_context(viewport={"width": 1440, "height": 1800}, locale="de-DE")
    blocked: list[str] = []

    def only_local(route):
        if route.request.url.startswith(("http://localhost:", "http://127.0.0.1:")):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    context.route("**/*", only_local)
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    yield page
    context.close()


def sidebar(tab):
    return tab.locator('[data-testid="stSidebar"]')


def sign_in(tab, app: str, sub: str) -> None:
    """Sign in through the provider's form and wait for the app to greet the person."""
    tab.goto(app)
    sidebar(tab).get_by_role("button", name="Anmelden").click()
    tab.get_by_placeholder("sub").fill(sub)
    tab.get_by_role("button", name="Authorize").click()
    tab.wait_for_url(f"{app}/**")
    sidebar(tab).get_by_text("Angemeldet:").wait_for()


def sign_out(tab, app: str) -> None:
    sidebar(tab).get_by_role("button", name="Abmelden").click()
    end = tab.get_by_role("button", name="End session")  # the provider asks to confirm
    end.or_(sidebar(tab).get_by_role("button", name="Anmelden")).first.wait_for()
    if end.is_visible():
        end.click()
    sidebar(tab).get_by_role("button", name="Anmelden").wait_for()


def open_register(tab, app: str) -> None:
    tab.goto(f"{app}/einrichtungen_pflegen")
    tab.get_by_role("heading", name="Einrichtungen pflegen").wait_for()
    wait_idle(tab)


def test_reader_editor_and_administrator(tab, mehrplatz):
    from playwright.sync_api import expect

    app, env, _ = mehrplatz
    save = tab.get_by_role("button", name="Speichern")

    # The reader (no role claim, nothing in the role table): reading only.
    sign_in(tab, app, "leser-1")
    expect(sidebar(tab)).to_contain_text("Lea Leser")
    expect(sidebar(tab)).to_contain_text("Rolle: Lesen")
    expect(sidebar(tab)).to_contain_text("keinen Claim „groups“")
    open_register(tab, app)
    expect(
        tab.get_by_text("Nur lesen: Das Register ändern braucht die Rolle Bearbeitung")
    ).to_be_visible()
    expect(save).to_have_count(0)
    screenshot(tab, "anmeldung_leser_register")
    sign_out(tab, app)

    # The editor: the change is stored and shown with the signed-in identity.
    sign_in(tab, app, "bearb-7")
    expect(sidebar(tab)).to_contain_text("Rolle: Bearbeitung")
    open_register(tab, app)
    form = tab.locator('[data-testid="stForm"]').filter(has=save)
    expect(form).to_contain_text("Erika Bearbeiter (angemeldet, Kennung bearb-7)")
    form.get_by_label("Hinweis").fill("Eingang über den Hof")
    form.get_by_label("Grund der Änderung").fill("Begehung")
    form.get_by_label("Quelle (URL oder Dokument)").fill("Begehung 2026-12")
    save.click()
    expect(tab.get_by_text("Gespeichert:")).to_be_visible()
    history = tab.get_by_test_id("stDataFrame").filter(has_text="Autor/in").first
    expect(tab.get_by_text("Verlauf (1 Änderung)")).to_be_visible()
    history.scroll_into_view_if_needed()
    screenshot(tab, "anmeldung_bearbeitung_verlauf")
    authors = [c.author for c in RegisterStore(_db_url(env)).changes()]
    assert authors == ["Erika Bearbeiter (angemeldet, Kennung bearb-7)"]
    sign_out(tab, app)
    # Signed out: the same page shows no edit control at once.
    open_register(tab, app)
    expect(save).to_have_count(0)

    # The administrator grants Bearbeitung to the reader through the command line.
    done = subprocess.run(
        [str(Path(sys.executable).with_name("begegnungsatlas")), "rollen", "grant",
         "leser-1", "bearbeitung", "--note", "Lea Leser, Sozialplanung",
         "--author", "Volker Verwaltung"],
        env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Rolle Bearbeitung vergeben" in done.stdout
    sign_in(tab, app, "leser-1")  # the next sign-in
    expect(sidebar(tab)).to_contain_text("Rolle: Bearbeitung")
    open_register(tab, app)
    expect(save).to_have_count(1)
    sign_out(tab, app)
    sign_in(tab, app, "verw-1")
    expect(sidebar(tab)).to_contain_text("Rolle: Bearbeitung, Verwaltung")
    tab.frame_locator(MAP_FRAME).locator("path.leaflet-interactive").first.wait_for()
    screenshot(tab, "anmeldung_verwaltung")


def _db_url(env: dict) -> str:
    from register.db import database_url

    return database_url(env)


def test_a_wrong_client_secret_gives_a_german_message_and_reading_works(tab, provider):
    from playwright.sync_api import expect

    app, proc, log, _, _ = _start(provider, "falsches_secret", client_secret="falsch-1234")
    try:
        tab.goto(app)
        sidebar(tab).get_by_role("button", name="Anmelden").click()
        tab.get_by_placeholder("sub").fill("bearb-7")
        tab.get_by_role("button", name="Authorize").click()
        tab.wait_for_url(f"{app}/**")
        tab.reload()
        alert = sidebar(tab).locator('[data-testid="stAlert"]')
        expect(alert).to_contain_text("Anmeldung gescheitert")
        expect(alert).to_contain_text("hat die Zugangsdaten der App abgelehnt")
        expect(alert).not_to_contain_text("falsch-1234")
        expect(tab.get_by_test_id("stMetric").first).to_be_visible()  # reading works
        screenshot(tab, "anmeldung_falsches_secret")
    finally:
        stop_server(proc, log)
    assert "falsch-1234" not in (SIGNIN_DIR / "falsches_secret" / "server.log").read_text()
