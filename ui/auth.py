"""Sign-in and the write check in the app: Streamlit's ``st.login``/``st.user`` to :mod:`auth`.

*Einzelplatz* (no ``[auth]`` in ``.streamlit/secrets.toml``): the operating-system user holds
every role. *Mehrplatz*: the identity is read from ``st.user`` – the signed cookie the
server decoded for this session, never from session state or anything else the browser
could set – and its roles from the provider's claim or the role table.

**Every write path calls** :func:`require` at the point of writing, e.g.::

    identity = ui.auth.require(auth.EDIT, "Szenario speichern")

It raises :class:`auth.NotAllowedError` (a ``ValueError`` with a German message; the
pages show it with ``st.error``) before anything is stored. :func:`can_edit` decides whether
editing controls are drawn at all (never in presentation mode); hiding them is not the check.
"""

from __future__ import annotations

import json
import logging
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import streamlit as st

import auth
from auth.claims import RoleConfig, config_problem, providers, signed_in_identity
from auth.identity import GUEST, Identity
from auth.table import RoleTable
from indicators.format import format_datetime
from register.db import database_url
from ui import presentation

LOGGER = logging.getLogger("begegnungsatlas")
#: Streamlit's logger of the sign-in routes (a failed token exchange is only logged there).
_ROUTES_LOGGER = "streamlit.web.server.starlette.starlette_auth_routes"
#: Seconds a failed sign-in of the server is reported on the sign-in area.
FAILURE_SHOWN_S = 15 * 60
#: Seconds the provider's reachability is remembered.
REACHABILITY_TTL_S = 60


# ---------------------------------------------------------------------------- configuration


def _section(name: str) -> Mapping | None:
    """A section of ``.streamlit/secrets.toml`` as a plain dict, or None (no file, no section)."""
    try:
        if name not in st.secrets:
            return None
        value = st.secrets[name]
    except Exception:
        # Streamlit says "not found" also for a file it cannot parse. A file that exists but
        # cannot be read must not open Einzelplatz (every right for everyone): read-only.
        if any(Path(p).exists() for p in st.get_option("secrets.files")):
            LOGGER.warning("secrets.toml nicht lesbar")
            return {"_unlesbar": True} if name == "auth" else None
        return None  # no secrets file: Einzelplatz
    return value.to_dict() if hasattr(value, "to_dict") else dict(value)


def multi_user() -> bool:
    """Mehrplatz: ``[auth]`` is configured (then writing needs a signed-in role)."""
    return _section("auth") is not None


def mode_text() -> str:
    """The way of running, in German (page Daten → „Über diese Installation“)."""
    if not multi_user():
        return (
            "**Einzelplatz** – ohne Anmeldung; alle Funktionen für den Benutzer des "
            f"Betriebssystems ({auth.os_user()}), der als Autor/in vorgeschlagen wird. "
            "Mehrplatz mit Anmeldung: Abschnitt [auth] in .streamlit/secrets.toml (README)."
        )
    return (
        "**Mehrplatz** – Anmeldung über den Anmeldedienst der Stadt (OpenID Connect). Ohne "
        "Anmeldung nur lesen (ansehen, präsentieren, Bericht herunterladen); ändern mit der "
        "Rolle Bearbeitung, Rollen vergeben mit der Rolle Verwaltung. Rollen aus dem Claim "
        f"„{_role_config().claim}“ des Anmeldedienstes oder, wo er keinen sendet, aus der "
        "Rollentabelle (`begegnungsatlas rollen`)."
        + (f" **Anmeldung nicht möglich:** {_md(trouble[1])}" if (trouble := problem()) else "")
    )


def _role_config() -> RoleConfig:
    try:
        return RoleConfig.from_section(_section("rollen"))
    except ValueError:
        return RoleConfig()


def problem() -> tuple[str, str] | None:
    """What keeps sign-in from working, or None.

    Returns
    -------
    tuple of str or None
        The problem in words (shown on the sign-in area) and the exact setting to fix (for
        the administration, on the page Daten → „Über diese Installation“); no secret.
    """
    section = _section("auth")
    if section is None:
        return None
    if section.get("_unlesbar"):
        return (
            "Die Anmelde-Einstellungen sind nicht lesbar.",
            ".streamlit/secrets.toml ist nicht lesbar (TOML-Syntax prüfen).",
        )
    found = config_problem(section)
    if found:
        return found
    try:
        RoleConfig.from_section(_section("rollen"))
    except ValueError as error:
        return "Die Rollen-Einstellungen der Anmeldung sind ungültig.", str(error)
    for name, url in providers(section).items():
        unreachable = _unreachable(url)
        if unreachable:
            key = f"{name}.server_metadata_url" if name else "server_metadata_url"
            return (
                f"Der Anmeldedienst ist nicht erreichbar ({unreachable}).",
                f"[auth] {key} in .streamlit/secrets.toml und die Verbindung vom Server zum "
                "Anmeldedienst prüfen (Proxy, Firewall, Zertifikat).",
            )
    return _failures().recent()


@st.cache_data(ttl=REACHABILITY_TTL_S, show_spinner=False)
def _unreachable(url: str) -> str | None:
    """Why the provider's metadata cannot be read (host only, no path or secret), or None."""
    host = urlsplit(url).netloc
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            metadata = json.loads(response.read(200_000))
    except urllib.error.HTTPError as error:
        return f"{host} antwortet mit Fehler {error.code}"
    except (urllib.error.URLError, OSError, TimeoutError):
        return f"{host} antwortet nicht"
    except ValueError:
        return f"{host} liefert keine OpenID-Connect-Beschreibung"
    if not isinstance(metadata, dict) or "authorization_endpoint" not in metadata:
        return f"{host} liefert keine OpenID-Connect-Beschreibung"
    return None


class _FailureLog(logging.Handler):
    """Remembers the last failed token exchange (wrong client secret, …) of this server."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.last: tuple[float, str, str] | None = None

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if "token exchange failed" not in message and "Error during authentication" not in message:
            return
        error = record.exc_info[1] if record.exc_info else None
        code = str(getattr(error, "error", "") or "")
        if code == "invalid_client" or "401" in str(error or ""):
            text = (
                "Der Anmeldedienst hat die Zugangsdaten der App abgelehnt.",
                "[auth] client_id und client_secret in .streamlit/secrets.toml mit der "
                "Registrierung der App beim Anmeldedienst abgleichen.",
            )
        elif "access_denied" in message:
            return  # a person cancelled their own sign-in: not a fault of the installation
        else:
            text = (
                "Der Anmeldedienst hat die Anmeldung nicht abgeschlossen.",
                "Die Registrierung der App beim Anmeldedienst ([auth] redirect_uri, client_id, "
                "client_secret in .streamlit/secrets.toml) und die Uhrzeit des Servers prüfen.",
            )
        self.last = (time.time(), *text)

    def recent(self) -> tuple[str, str] | None:
        """The last failure (words, fix) if it happened in the last 15 minutes."""
        if self.last and time.time() - self.last[0] < FAILURE_SHOWN_S:
            when = format_datetime(datetime.fromtimestamp(self.last[0], UTC))
            return f"Die letzte Anmeldung ({when}) ist gescheitert. {self.last[1]}", self.last[2]
        return None


@st.cache_resource(show_spinner=False)
def _failures() -> _FailureLog:
    handler = _FailureLog()
    logging.getLogger(_ROUTES_LOGGER).addHandler(handler)
    return handler


# ---------------------------------------------------------------------------- identity


@st.cache_resource(show_spinner=False)
def _role_table(url: str) -> RoleTable:
    return RoleTable(url)


def _table_roles(subject: str, email: str) -> frozenset[str]:
    try:
        return _role_table(database_url()).roles_of(subject, email)
    except Exception:  # a database fault: no roles from the table (named on every page)
        LOGGER.warning("Rollentabelle nicht lesbar", exc_info=True)
        return frozenset()


def _signed_in() -> tuple[Identity, str | None]:
    user = st.user.to_dict()
    claims = {k: v for k, v in user.items() if k != "tokens"}
    try:
        config = RoleConfig.from_section(_section("rollen"))
    except ValueError as error:  # a broken [rollen] section: no role until it is fixed
        identity = signed_in_identity(claims, RoleConfig(), frozenset())[0]
        return replace(identity, roles=frozenset()), str(error)
    table = frozenset()
    if config.claim not in claims:
        table = _table_roles(str(claims.get("sub") or ""), str(claims.get("email") or ""))
    return signed_in_identity(claims, config, table)


def current() -> Identity:
    """Who is acting in this session, with their roles (read fresh on every call).

    Einzelplatz: the operating-system user with every role. Mehrplatz: the signed-in person
    from ``st.user`` (after sign-out at once a guest), or a guest with no role.
    """
    if not multi_user():
        return auth.single_user()
    if not st.user.get("is_logged_in") or not st.user.get("sub"):
        return auth.anonymous()
    return _signed_in()[0]


def require(role: str, action: str) -> Identity:
    """The server-side write check: call it at the point of every write, before storing.

    Parameters
    ----------
    role : str
        :data:`auth.EDIT` (register, scenarios, kept uploads, regions, measures) or
        :data:`auth.ADMIN` (roles, recovering a set-aside database).
    action : str
        What is being done, in German, e.g. "Szenario speichern".

    Returns
    -------
    auth.Identity
        The acting identity; store :func:`author` of it as the change's author.

    Raises
    ------
    auth.NotAllowedError
        A ``ValueError`` with a German message; nothing must be written then.
    """
    return auth.require(current(), role, action)


#: Methods of the shared stores that change data → the action named when it is refused.
#: (``RegisterStore.refresh`` only rewrites the table derived from the changes for QGIS when
#: the package changed; it records nothing and stays open to every run.)
REGISTER_WRITES = {
    **dict.fromkeys(
        ("submit", "add", "update", "close", "delete", "undo"),
        "Änderung am Einrichtungsregister speichern",
    ),
    "set_expected": "Erwartete Anzahl speichern",
}
SCENARIO_WRITES = {
    "save": "Szenario speichern",
    "rename": "Szenario umbenennen",
    "delete": "Szenario löschen",
}
PLANNING_WRITES = {
    "save_region_set": "Gebietsgliederung speichern",
    "delete_region_set": "Gebietsgliederung löschen",
    "add_measure": "Maßnahme anlegen",
    "set_measure_status": "Status einer Maßnahme speichern",
    "save_ist": "Ist-Werte speichern",
}


class Guarded:
    """A shared store whose writing methods check the role first (:func:`require`).

    The app only ever hands out its stores wrapped like this (``ui.data.register_store``,
    ``ui.scenario_links.store``, ``ui.planning.planning_store``), so every write through them – from a page, a callback or code
    added later – is checked on the server, whatever the page drew. Reading passes through.

    Parameters
    ----------
    store : object
        The store (e.g. :class:`register.store.RegisterStore`).
    writes : mapping of str to str
        Writing method → German action for the refusal.
    """

    def __init__(self, store: object, writes: Mapping[str, str]) -> None:
        self._store = store
        self._writes = dict(writes)

    def __getattr__(self, name: str):
        value = getattr(self._store, name)
        action = self._writes.get(name)
        if action is None:
            return value

        def checked(*args, **kwargs):
            require(auth.EDIT, action)
            return value(*args, **kwargs)

        return checked


def can_edit() -> bool:
    """Whether editing controls are drawn: the role, and never in presentation mode."""
    return not presentation.active() and current().has(auth.EDIT)


def author(identity: Identity, typed: str) -> str:
    """The author to store: the signed-in identity, or (Einzelplatz) what was typed."""
    if identity.signed_in:
        return identity.author
    return typed


def default_author() -> str:
    """The author a form proposes: the signed-in identity or the operating-system user."""
    return current().author


def author_input(container, key: str | None = None, value: str = "") -> str:
    """The "Autor/in" field: typed in Einzelplatz, the signed-in identity (fixed) in Mehrplatz."""
    identity = current()
    if identity.signed_in:  # not a field: the name comes from the sign-in
        container.markdown(f"Autor/in  \n**{_md(identity.author)}**")
        return identity.author
    kwargs = {"key": key} if key else {"value": value or identity.author}
    return container.text_input("Autor/in", **kwargs)


def read_only_notice(what: str) -> None:
    """Say why no editing controls are shown (presentation mode, no sign-in, no role)."""
    if presentation.active():
        return  # a room sees the data, not the reason
    identity = current()
    if identity.kind == GUEST:
        st.info(f"Nur lesen: {what} nach der Anmeldung mit der Rolle Bearbeitung (Seitenleiste).",
                icon=":material/lock:")  # fmt: skip
    else:
        st.info(
            f"Nur lesen: {what} braucht die Rolle Bearbeitung; angemeldet als "
            f"{identity.name} mit der Rolle {identity.role_text()}.",
            icon=":material/lock:",
        )


# ---------------------------------------------------------------------------- sidebar


def sidebar() -> None:
    """Sign-in or sign-out in the sidebar (Mehrplatz only), with what keeps sign-in from working."""
    if not multi_user():
        return
    _failures()  # listen for failed sign-ins from now on
    with st.sidebar.container(key="anmeldung"):
        if st.user.get("is_logged_in"):
            identity, note = _signed_in()
            st.markdown(
                f"**Angemeldet:** {_md(identity.name)}  \nRolle: {identity.role_text()}  \n"
                f"Kennung: `{_code(identity.subject)}`"
            )
            if note:
                st.caption(_md(note))
            if st.button("Abmelden", icon=":material/logout:", key="abmelden"):
                st.logout()
            return
        trouble = problem()
        failed = trouble is not None and trouble == _failures().recent()
        if trouble:
            title = "Anmeldung gescheitert." if failed else "Anmeldung nicht möglich."
            st.error(
                f"**{title}** {_md(trouble[0])} Was zu ändern ist, steht für die Administration "
                "auf der Seite Daten unter „Über diese Installation“.",
                icon=":material/lock:",
            )
            st.caption("Die App ist ohne Anmeldung zum Lesen nutzbar.")
            if not failed:  # after a failed attempt the button stays: it may work again
                return
        if st.button("Anmelden", type="primary", icon=":material/login:", key="anmelden"):
            _login()
        st.caption("Ohne Anmeldung nur lesen; Ändern mit der Rolle Bearbeitung.")


def _login() -> None:
    section = _section("auth") or {}
    named = [k for k, v in section.items() if isinstance(v, Mapping)]
    try:
        st.login(named[0] if named else None)
    except Exception as error:  # StreamlitAuthError etc.: German text, details in the log
        LOGGER.warning("Anmeldung nicht gestartet: %s", type(error).__name__)
        st.error(
            "Die Anmeldung konnte nicht gestartet werden. Bitte den Abschnitt [auth] in "
            ".streamlit/secrets.toml prüfen (README, „Anmeldung (Mehrplatz)“).",
            icon=":material/lock:",
        )


def _md(text: str) -> str:
    from ui.markup import md

    return md(text)


def _code(text: str) -> str:
    return text.replace("`", "'")
