"""Roles from the identity provider's claims, and the check of the sign-in configuration.

``.streamlit/secrets.toml`` holds Streamlit's ``[auth]`` section (provider address, client
id and secret, cookie secret) and our ``[rollen]`` section::

    [rollen]
    claim = "groups"                              # name of the claim with the groups
    bearbeitung = ["begegnungsatlas-bearbeitung"]  # group values giving Bearbeitung
    verwaltung = ["begegnungsatlas-verwaltung"]    # group values giving Verwaltung

A provider that sends no such claim leaves the roles to the role table (:mod:`auth.table`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from auth.identity import ADMIN, EDIT, SIGNED_IN, Identity

#: Keys Streamlit needs in ``[auth]`` for one provider (besides ``redirect_uri``).
PROVIDER_KEYS = ("client_id", "client_secret", "server_metadata_url")


@dataclass(frozen=True)
class RoleConfig:
    """Which claim carries the groups and which values give which role."""

    claim: str = "groups"
    edit_values: tuple[str, ...] = ("begegnungsatlas-bearbeitung",)
    admin_values: tuple[str, ...] = ("begegnungsatlas-verwaltung",)

    @classmethod
    def from_section(cls, section: Mapping | None) -> RoleConfig:
        """Read the ``[rollen]`` section (missing keys keep the defaults).

        Raises
        ------
        ValueError
            German message naming the key and the expected form.
        """
        if not section:
            return cls()

        def values(key: str, default: tuple[str, ...]) -> tuple[str, ...]:
            value = section.get(key, default)
            if isinstance(value, str):
                value = [value]
            if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
                raise ValueError(
                    f"[rollen] {key} in .streamlit/secrets.toml: bitte eine Liste von Texten "
                    f'angeben, z. B. {key} = ["begegnungsatlas-{key}"].'
                )
            return tuple(v.strip() for v in value if v.strip())

        claim = section.get("claim", cls.claim)
        if not isinstance(claim, str) or not claim.strip():
            raise ValueError(
                "[rollen] claim in .streamlit/secrets.toml: bitte den Namen des Claims mit den "
                'Gruppen angeben, z. B. claim = "groups".'
            )
        return cls(
            claim.strip(),
            values("bearbeitung", cls.edit_values),
            values("verwaltung", cls.admin_values),
        )


def roles_from_claims(user: Mapping, config: RoleConfig) -> frozenset[str] | None:
    """The roles the provider's claim gives, or None when the provider sends no such claim.

    Parameters
    ----------
    user : mapping
        The signed-in user's claims (``st.user``).
    config : RoleConfig

    Returns
    -------
    frozenset of str or None
        None: the claim is missing (then the role table decides).
    """
    if config.claim not in user:
        return None
    value = user[config.claim]
    groups = {value} if isinstance(value, str) else set(value or ())
    roles = set()
    if groups & set(config.edit_values):
        roles.add(EDIT)
    if groups & set(config.admin_values):
        roles.add(ADMIN)
    return frozenset(roles)


def signed_in_identity(
    user: Mapping, config: RoleConfig, table_roles: frozenset[str]
) -> tuple[Identity, str | None]:
    """The identity of a signed-in user, and a German note when the role claim is missing.

    Parameters
    ----------
    user : mapping
        Claims of the signed-in user (``sub``, ``name``, ``email``, the role claim).
    config : RoleConfig
    table_roles : frozenset of str
        Roles the role table grants this user (used when the claim is missing).

    Returns
    -------
    Identity, str or None
    """
    subject = str(user.get("sub") or "")
    email = str(user.get("email") or "")
    name = str(user.get("name") or user.get("preferred_username") or email or subject)
    claimed = roles_from_claims(user, config)
    note = None
    if claimed is None:
        roles = table_roles
        if not roles:
            note = (
                f"Der Anmeldedienst sendet keinen Claim „{config.claim}“ mit Gruppen; Rollen "
                "vergibt daher die Verwaltung in der Rollentabelle (begegnungsatlas rollen "
                f"grant {subject or email} bearbeitung) – für Sie ist dort keine eingetragen."
            )
    else:
        roles = claimed
    return Identity(subject, name, SIGNED_IN, frozenset(roles), email), note


#: The settings of ``[auth]`` in words (for the planner's notice; the key for the admin).
SETTING_NAMES = {
    "redirect_uri": "die Adresse der App beim Anmeldedienst",
    "cookie_secret": "der Schlüssel für das Anmelde-Cookie",
    "client_id": "die Kennung der App beim Anmeldedienst",
    "client_secret": "das Geheimnis der App beim Anmeldedienst",
    "server_metadata_url": "die Adresse des Anmeldedienstes",
}


def config_problem(auth_section: Mapping) -> tuple[str, str] | None:
    """What is wrong with the ``[auth]`` section, or None.

    Checks the keys Streamlit needs for the default provider (``redirect_uri``,
    ``cookie_secret``, ``client_id``, ``client_secret``, ``server_metadata_url``) and the
    form of the addresses. Named providers (``[auth.keycloak]``) are checked the same way.

    Returns
    -------
    tuple of str or None
        The problem in words (for everyone) and the exact setting to fix (for the
        administration); neither contains a secret.
    """
    missing = [k for k in ("redirect_uri", "cookie_secret") if not auth_section.get(k)]
    providers = {k: v for k, v in auth_section.items() if isinstance(v, Mapping)}
    if not providers:
        providers = {"": auth_section}
    for name, section in providers.items():
        prefix = f"{name}." if name else ""
        missing += [f"{prefix}{k}" for k in PROVIDER_KEYS if not section.get(k)]
    if missing:
        words = sorted({SETTING_NAMES[k.rsplit(".", 1)[-1]] for k in missing})
        return (
            f"In den Anmelde-Einstellungen fehlt {' und '.join(words)}.",
            "In .streamlit/secrets.toml fehlt im Abschnitt [auth]: "
            + ", ".join(missing)
            + ". Beispiel im README, Abschnitt „Sign-in and roles“.",
        )
    redirect = str(auth_section.get("redirect_uri"))
    if not redirect.endswith("/oauth2callback") or not urlsplit(redirect).netloc:
        return (
            "Die Adresse der App in den Anmelde-Einstellungen ist ungültig.",
            "[auth] redirect_uri in .streamlit/secrets.toml muss die Adresse der App mit "
            "/oauth2callback am Ende sein, z. B. https://begegnungsatlas.magdeburg.de/oauth2callback "
            "(beim Anmeldedienst ebenso eintragen).",
        )
    for name, section in providers.items():
        url = str(section.get("server_metadata_url"))
        if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).netloc:
            key = f"{name}.server_metadata_url" if name else "server_metadata_url"
            return (
                "Die Adresse des Anmeldedienstes in den Anmelde-Einstellungen ist ungültig.",
                f"[auth] {key} in .streamlit/secrets.toml muss eine Adresse sein, z. B. "
                "https://sso.magdeburg.de/realms/stadt/.well-known/openid-configuration.",
            )
    return None


def providers(auth_section: Mapping) -> dict[str, str]:
    """Provider name (None for the default) → metadata address, for the reachability check."""
    named = {k: v for k, v in auth_section.items() if isinstance(v, Mapping)}
    if not named:
        return {"": str(auth_section.get("server_metadata_url", ""))}
    return {k: str(v.get("server_metadata_url", "")) for k, v in named.items()}
