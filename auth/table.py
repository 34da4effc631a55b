"""The role table: roles granted in the database where the identity provider sends none.

It lives in the app's database (the register's SQLite file or PostgreSQL, component
``rollen`` in ``schema_version``) as an append-only log: every grant and revoke is a row
with who did it and when, so the table is its own audit trail. A person is named by the
subject id the provider sends (``sub``, shown in the app's sidebar after sign-in) or by
their e-mail address. Managed with ``begegnungsatlas rollen list|grant|revoke``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from auth.identity import ADMIN, EDIT, ROLE_NAMES, Identity
from register.db import backend_for, database_url, migrate, now_utc

COMPONENT = "rollen"
_STEPS = {
    1: [
        """CREATE TABLE auth_roles (
            id {serial},
            kennung TEXT NOT NULL,
            role TEXT NOT NULL CHECK (role IN ('bearbeitung', 'verwaltung')),
            action TEXT NOT NULL CHECK (action IN ('grant', 'revoke')),
            note TEXT NOT NULL,
            author TEXT NOT NULL,
            created TEXT NOT NULL
        )"""
    ]
}
#: Longest subject id or e-mail address accepted.
MAX_KENNUNG = 200


@dataclass(frozen=True)
class Grant:
    """One current role of one person."""

    kennung: str
    role: str
    note: str
    author: str
    created: datetime


def parse_role(text: str) -> str:
    """A role from its German or internal name (``Bearbeitung``, ``verwaltung``).

    Raises
    ------
    ValueError
        German message listing the roles.
    """
    value = text.strip().lower()
    if value in ROLE_NAMES:
        return value
    raise ValueError(
        f"Unbekannte Rolle „{text}“. Möglich: {', '.join(ROLE_NAMES.values())} "
        "(Verwaltung schließt Bearbeitung ein)."
    )


def clean_kennung(text: str) -> str:
    """A subject id or e-mail address (e-mail addresses compared without case)."""
    value = text.strip()
    if not value or len(value) > MAX_KENNUNG or any(ord(c) < 32 for c in value):
        raise ValueError(
            "Kennung: die Kennung (sub) aus der Seitenleiste der App oder die E-Mail-Adresse "
            f"angeben (höchstens {MAX_KENNUNG} Zeichen, ohne Steuerzeichen)."
        )
    return value.lower() if "@" in value else value


class RoleTable:
    """Roles in the app's database.

    Parameters
    ----------
    url : str, optional
        Database URL (default :func:`register.db.database_url`).
    """

    def __init__(self, url: str | None = None) -> None:
        self.url = url or database_url()
        self.backend = backend_for(self.url)

        def too_new(found: int, known: int) -> ValueError:
            return ValueError(
                f"Die Rollentabelle hat Schema-Version {found}, diese App kennt nur bis "
                f"{known}. Bitte die App aktualisieren."
            )

        steps = {
            n: [s.format(serial=self.backend.serial) for s in sql] for n, sql in _STEPS.items()
        }
        with self.backend.connection() as conn, self.backend.transaction(conn, "rollen"):
            migrate(self.backend, conn, COMPONENT, steps, too_new)

    def grants(self) -> list[Grant]:
        """Every current grant (the log replayed), ordered by person and role."""
        with self.backend.connection() as conn:
            rows = conn.execute(
                self.backend.sql(
                    "SELECT kennung, role, action, note, author, created FROM auth_roles "
                    "ORDER BY id"
                )
            ).fetchall()
        current: dict[tuple[str, str], Grant | None] = {}
        for kennung, role, action, note, author, created in rows:
            current[(kennung, role)] = (
                Grant(kennung, role, note, author, datetime.fromisoformat(created))
                if action == "grant"
                else None
            )
        return sorted((g for g in current.values() if g), key=lambda g: (g.kennung, g.role))

    def roles_of(self, subject: str, email: str = "") -> frozenset[str]:
        """The roles granted to a person by subject id or e-mail address."""
        names = {subject} | ({email.strip().lower()} if email.strip() else set())
        names.discard("")
        return frozenset(g.role for g in self.grants() if g.kennung in names)

    def _log(self, kennung: str, role: str, action: str, note: str, actor: Identity) -> None:
        with self.backend.connection() as conn, self.backend.transaction(conn, "rollen"):
            conn.execute(
                self.backend.sql(
                    "INSERT INTO auth_roles (kennung, role, action, note, author, created) "
                    "VALUES (?, ?, ?, ?, ?, ?)"
                ),
                (kennung, role, action, " ".join(note.split())[:200], actor.author, now_utc()),
            )

    def grant(self, kennung: str, role: str, actor: Identity, note: str = "") -> bool:
        """Grant ``role``; False if the person already had it (nothing is written then).

        Raises
        ------
        auth.NotAllowedError
            If ``actor`` does not hold :data:`auth.ADMIN`.
        """
        from auth.identity import require

        require(actor, ADMIN, "Rolle vergeben")
        kennung, role = clean_kennung(kennung), parse_role(role)
        if role in self.roles_of(kennung):
            return False
        self._log(kennung, role, "grant", note, actor)
        return True

    def revoke(self, kennung: str, role: str, actor: Identity, note: str = "") -> bool:
        """Take ``role`` away; False if the person did not have it in the table.

        Raises
        ------
        auth.NotAllowedError
            If ``actor`` does not hold :data:`auth.ADMIN`.
        """
        from auth.identity import require

        require(actor, ADMIN, "Rolle entziehen")
        kennung, role = clean_kennung(kennung), parse_role(role)
        if role not in self.roles_of(kennung):
            return False
        self._log(kennung, role, "revoke", note, actor)
        return True


__all__ = ["ADMIN", "EDIT", "Grant", "RoleTable", "clean_kennung", "parse_role"]
