"""Identities and roles: who is acting, what they may do, and how they are named as author."""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass, field

#: Role to edit the shared data (register, scenarios, kept uploads, regions, measures).
EDIT = "bearbeitung"
#: Role to manage roles and to recover a set-aside database; includes :data:`EDIT`.
ADMIN = "verwaltung"
#: German names of the roles (as shown and as accepted by ``begegnungsatlas rollen``).
ROLE_NAMES = {EDIT: "Bearbeitung", ADMIN: "Verwaltung"}

#: Where an identity comes from (shown with the author).
SIGNED_IN = "anmeldung"
SINGLE_USER = "einzelplatz"
CLI = "kommandozeile"
CLI_AUTHOR = "kommandozeile_author"
GUEST = "gast"

#: Longest author text stored with a change (name and subject id).
MAX_AUTHOR = 200


class NotAllowedError(ValueError):
    """A write without the role it needs (German message; nothing was changed)."""


@dataclass(frozen=True)
class Identity:
    """Who is acting.

    Attributes
    ----------
    subject : str
        Stable id: the identity provider's ``sub``, or the operating-system user.
    name : str
        Display name (may be empty for a guest).
    kind : str
        Where the identity comes from (:data:`SIGNED_IN`, :data:`SINGLE_USER`, :data:`CLI`,
        :data:`CLI_AUTHOR`, :data:`GUEST`).
    roles : frozenset of str
        :data:`EDIT` and/or :data:`ADMIN` (:data:`ADMIN` implies :data:`EDIT`).
    email : str
        E-mail address from the provider (may be empty).
    """

    subject: str
    name: str
    kind: str
    roles: frozenset[str] = field(default_factory=frozenset)
    email: str = ""

    def has(self, role: str) -> bool:
        """Whether the identity holds ``role`` (administrators also edit)."""
        return role in self.roles or (role == EDIT and ADMIN in self.roles)

    @property
    def signed_in(self) -> bool:
        """Whether this is a signed-in person (Mehrplatz)."""
        return self.kind == SIGNED_IN

    @property
    def author(self) -> str:
        """The author text stored with a change: name and where it comes from.

        Signed-in people are named with their subject id, so two people of the same name
        stay apart; the command line says whether the name was the operating-system user or
        given with ``--author``.
        """
        name = " ".join(self.name.split())[:80] or self.subject
        if self.kind == SIGNED_IN:
            text = f"{name} (angemeldet, Kennung {self.subject[:100]})"
        elif self.kind == CLI:
            text = f"{name} (Kommandozeile, Betriebssystem-Benutzer)"
        elif self.kind == CLI_AUTHOR:
            text = f"{name} (Kommandozeile, --author; Betriebssystem-Benutzer {os_user()})"
        else:
            text = name
        return text[:MAX_AUTHOR]

    def role_text(self) -> str:
        """The roles in German ("Lesen" when there is none)."""
        held = [ROLE_NAMES[r] for r in (EDIT, ADMIN) if self.has(r)]
        return ", ".join(held) if held else "Lesen"


def os_user() -> str:
    """The operating-system user running the program ("unbekannt" if it has no name)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # a container user without a passwd entry
        return os.environ.get("USER", "") or "unbekannt"


def single_user() -> Identity:
    """Einzelplatz: the operating-system user holds every role."""
    user = os_user()
    return Identity(user, user, SINGLE_USER, frozenset({EDIT, ADMIN}))


def anonymous() -> Identity:
    """Mehrplatz without sign-in: reading only."""
    return Identity("", "", GUEST)


def cli_identity(author: str | None = None) -> Identity:
    """The command line: the operating-system user, or a name given with ``--author``.

    Parameters
    ----------
    author : str, optional
        ``--author`` of a scripted import; stored as such with the OS user beside it.
    """
    name = " ".join((author or "").split())
    if name:
        return Identity(os_user(), name, CLI_AUTHOR, frozenset({EDIT, ADMIN}))
    user = os_user()
    return Identity(user, user, CLI, frozenset({EDIT, ADMIN}))


def require(identity: Identity, role: str, action: str) -> Identity:
    """Check that ``identity`` holds ``role`` before ``action``; the server-side write check.

    Parameters
    ----------
    identity : Identity
        Who is acting (never taken from anything the browser could set).
    role : str
        :data:`EDIT` or :data:`ADMIN`.
    action : str
        What is being done, in German ("Änderung am Einrichtungsregister speichern").

    Returns
    -------
    Identity
        The same identity (its :attr:`Identity.author` is the author to store).

    Raises
    ------
    NotAllowedError
        German message saying which role is missing and how to get it; nothing is changed.
    """
    if identity.has(role):
        return identity
    needed = ROLE_NAMES[role]
    if identity.kind == GUEST:
        how = "Bitte anmelden (Seitenleiste „Anmelden“)."
    else:
        how = (
            f"Angemeldet als {identity.name or identity.subject} mit der Rolle "
            f"{identity.role_text()}. Die Rolle {needed} vergibt die Verwaltung "
            "(`begegnungsatlas rollen grant`) oder der Anmeldedienst; sie gilt ab der nächsten "
            "Anmeldung."
        )
    raise NotAllowedError(f"{action}: nicht erlaubt – dafür ist die Rolle {needed} nötig. {how}")
