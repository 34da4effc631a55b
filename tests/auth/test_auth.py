"""Identities, role claims, the sign-in configuration check and the role table."""

from __future__ import annotations

from pathlib import Path

import pytest

import auth
from auth.claims import RoleConfig, config_problem, roles_from_claims, signed_in_identity
from auth.identity import CLI_AUTHOR, SIGNED_IN, Identity
from auth.table import RoleTable
from cli import main
from register.store import RegisterStore

CONFIG = RoleConfig("groups", ("ba-bearbeitung",), ("ba-verwaltung",))
EDITOR = Identity("s-1", "Erika", SIGNED_IN, frozenset({auth.EDIT}))
GOOD_AUTH = {
    "redirect_uri": "https://atlas.example/oauth2callback",
    "cookie_secret": "x" * 32,
    "client_id": "atlas",
    "client_secret": "geheim",
    "server_metadata_url": "https://sso.example/.well-known/openid-configuration",
}


@pytest.mark.parametrize(
    ("claims", "expected"),
    [
        ({"groups": ["ba-bearbeitung"]}, {auth.EDIT}),
        ({"groups": ["ba-verwaltung", "andere"]}, {auth.ADMIN}),
        ({"groups": "ba-bearbeitung"}, {auth.EDIT}),  # one group as text
        ({"groups": []}, set()),
        ({"groups": None}, set()),
        ({}, None),  # no claim: the role table decides
    ],
)
def test_roles_from_the_claim(claims, expected):
    roles = roles_from_claims(claims, CONFIG)
    assert roles == (None if expected is None else frozenset(expected))


def test_administrators_also_edit_and_guests_nothing():
    admin = Identity("v", "Volker", SIGNED_IN, frozenset({auth.ADMIN}))
    assert admin.has(auth.EDIT)
    assert admin.has(auth.ADMIN)
    assert not EDITOR.has(auth.ADMIN)
    assert not auth.anonymous().has(auth.EDIT)
    assert auth.single_user().has(auth.ADMIN)


def test_require_names_the_missing_role_and_how_to_get_it():
    with pytest.raises(auth.NotAllowedError, match="Bitte anmelden"):
        auth.require(auth.anonymous(), auth.EDIT, "Szenario speichern")
    with pytest.raises(auth.NotAllowedError, match=r"Rolle Verwaltung nötig.*Erika.*Bearbeitung"):
        auth.require(EDITOR, auth.ADMIN, "Rolle vergeben")
    assert auth.require(EDITOR, auth.EDIT, "x") is EDITOR
    assert issubclass(auth.NotAllowedError, ValueError)  # pages show it like every message


def test_authors_name_the_identity_and_where_it_comes_from():
    assert EDITOR.author == "Erika (angemeldet, Kennung s-1)"
    scripted = auth.cli_identity("Import-Skript")
    assert scripted.kind == CLI_AUTHOR
    assert scripted.author == (
        f"Import-Skript (Kommandozeile, --author; Betriebssystem-Benutzer {auth.os_user()})"
    )
    assert (
        auth.cli_identity().author == f"{auth.os_user()} (Kommandozeile, Betriebssystem-Benutzer)"
    )
    long = Identity("s" * 150, "N" * 150, SIGNED_IN)
    assert len(long.author) <= 200


def test_a_missing_claim_takes_the_table_roles_or_says_why():
    user = {"sub": "s-9", "name": "Otto", "email": "otto@example.org"}
    identity, note = signed_in_identity(user, CONFIG, frozenset({auth.EDIT}))
    assert identity.has(auth.EDIT)
    assert note is None
    identity, note = signed_in_identity(user, CONFIG, frozenset())
    assert not identity.roles
    assert "keinen Claim „groups“" in note
    assert "rollen grant s-9 bearbeitung" in note
    claimed, _ = signed_in_identity({**user, "groups": []}, CONFIG, frozenset({auth.EDIT}))
    assert not claimed.roles  # the provider's claim wins where it is sent


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({}, None),
        ({"client_secret": ""}, "fehlt im Abschnitt [auth]: client_secret"),
        ({"cookie_secret": None}, "fehlt im Abschnitt [auth]: cookie_secret"),
        ({"redirect_uri": "https://atlas.example/"}, "mit /oauth2callback am Ende"),
        ({"server_metadata_url": "sso.example"}, "server_metadata_url in .streamlit/secrets.toml muss eine Adresse sein"),
    ],
)  # fmt: skip
def test_the_auth_section_is_checked_without_showing_secrets(change, expected):
    problem = config_problem({**GOOD_AUTH, **change})
    if expected is None:
        assert problem is None
    else:
        words, fix = problem
        assert expected in fix
        assert "_" not in words  # the notice for everyone names no setting key
        assert "geheim" not in words + fix


def test_named_providers_are_checked_too():
    section = {"redirect_uri": GOOD_AUTH["redirect_uri"], "cookie_secret": "x" * 32,
               "keycloak": {"client_id": "atlas", "client_secret": "s"}}  # fmt: skip
    assert "keycloak.server_metadata_url" in config_problem(section)[1]


@pytest.mark.parametrize(
    ("section", "message"),
    [({"claim": ""}, "claim"), ({"bearbeitung": 3}, "bearbeitung"), ({"verwaltung": [1]}, "verwaltung")],
)  # fmt: skip
def test_a_broken_rollen_section_is_named(section, message):
    with pytest.raises(ValueError, match=rf"\[rollen\] {message}"):
        RoleConfig.from_section(section)


@pytest.fixture(params=["sqlite", "postgresql"])
def table(request, tmp_path: Path) -> RoleTable:
    if request.param == "sqlite":
        return RoleTable(f"sqlite:///{tmp_path / 'rollen.sqlite'}")
    return RoleTable(request.getfixturevalue("postgres_url"))


def test_role_table_grants_revokes_and_keeps_the_log(table):
    admin = auth.cli_identity()
    assert table.grant("Otto@Example.org", "Bearbeitung", admin, "Otto, Sozialplanung")
    assert not table.grant("otto@example.org", "bearbeitung", admin)  # already granted
    assert table.grant("s-1", "verwaltung", admin)
    assert table.roles_of("s-9", "OTTO@example.org") == {auth.EDIT}
    assert table.roles_of("s-1") == {auth.ADMIN}
    assert table.revoke("otto@example.org", "bearbeitung", admin)
    assert not table.revoke("otto@example.org", "bearbeitung", admin)
    assert table.roles_of("s-9", "otto@example.org") == frozenset()
    [grant] = table.grants()
    assert (grant.kennung, grant.role, grant.author) == ("s-1", auth.ADMIN, admin.author)
    with pytest.raises(auth.NotAllowedError):
        table.grant("x", "bearbeitung", EDITOR)  # Bearbeitung may not hand out roles
    with pytest.raises(ValueError, match="Unbekannte Rolle „chef“"):
        table.grant("x", "chef", admin)
    with pytest.raises(ValueError, match="Kennung"):
        table.grant(" ", "bearbeitung", admin)


def test_role_table_shares_the_register_database(tmp_path):
    url = f"sqlite:///{tmp_path / 'begegnungsatlas.sqlite'}"
    RegisterStore(url)
    RoleTable(url).grant("s-1", "bearbeitung", auth.cli_identity())
    assert RoleTable(url).roles_of("s-1") == {auth.EDIT}
    assert RegisterStore(url).schema_version() == 1


def test_cli_rollen_and_the_marked_author(synthetic_dir, capsys):
    assert main(["rollen", "grant", "erika@example.org", "Bearbeitung", "--note", "Erika"]) == 0
    assert "Rolle Bearbeitung vergeben" in capsys.readouterr().out
    assert main(["rollen", "list", "--format", "json"]) == 0
    listed = capsys.readouterr().out
    assert '"kennung": "erika@example.org"' in listed
    assert "Betriebssystem-Benutzer" in listed
    assert main(["rollen", "grant", "x", "chef"]) == 1
    assert "Unbekannte Rolle" in capsys.readouterr().err
    update = ["einrichtungen", "update", "OT-2", "--reason", "Name", "--source", "Träger",
              "--data", str(synthetic_dir)]  # fmt: skip
    assert main([*update, "--name", "Kranichhaus"]) == 0
    assert main([*update, "--name", "Kranich", "--author", "Import-Skript"]) == 0
    authors = [c.author for c in RegisterStore().changes()]
    assert authors == [
        f"{auth.os_user()} (Kommandozeile, Betriebssystem-Benutzer)",
        f"Import-Skript (Kommandozeile, --author; Betriebssystem-Benutzer {auth.os_user()})",
    ]
