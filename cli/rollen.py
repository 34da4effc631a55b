"""``begegnungsatlas rollen``: the role table for Mehrplatz (list, grant, revoke).

Roles granted here count for people whose identity provider sends no role claim (see
:mod:`auth.table`); they take effect at the person's next sign-in. The command runs as the
operating-system user, who is recorded as the author of every grant and revoke.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from cli import COMMANDS
from cli.common import write_table


def register(sub: argparse._SubParsersAction) -> None:
    """Add the sub-command."""
    parser = sub.add_parser(
        "rollen",
        help=COMMANDS["rollen"],
        description="Rollen der Anmeldung (Mehrplatz) in der Datenbank der App: Bearbeitung "
        "(ändern) und Verwaltung (Rollen vergeben, schließt Bearbeitung ein). Eine Person wird "
        "mit ihrer Kennung (sub, steht nach der Anmeldung in der Seitenleiste) oder ihrer "
        "E-Mail-Adresse genannt.",
    )
    verbs = parser.add_subparsers(dest="verb", required=True, metavar="AKTION")
    p = verbs.add_parser("list", help="vergebene Rollen auflisten")
    p.add_argument("--format", choices=["csv", "json"], default="csv")
    p.add_argument("--output", "-o", type=Path, default=None)
    p.set_defaults(run=run_list)
    for verb, text in (("grant", "Rolle vergeben"), ("revoke", "Rolle entziehen")):
        p = verbs.add_parser(verb, help=text)
        p.add_argument("kennung", help="Kennung (sub) oder E-Mail-Adresse")
        p.add_argument("rolle", help="bearbeitung oder verwaltung")
        p.add_argument("--note", default="", help="Vermerk, z. B. Name und Sachgebiet")
        p.add_argument(
            "--author",
            default=None,
            help="Name statt des Betriebssystem-Benutzers (wird als --author vermerkt)",
        )
        p.set_defaults(run=run_change, verb=verb)


def run_list(args: argparse.Namespace) -> int:
    """Print the current grants."""
    from auth.identity import ROLE_NAMES
    from auth.table import RoleTable
    from indicators.format import format_datetime

    grants = RoleTable().grants()
    table = pd.DataFrame(
        {
            "kennung": [g.kennung for g in grants],
            "rolle": [ROLE_NAMES[g.role] for g in grants],
            "vermerk": [g.note for g in grants],
            "vergeben_von": [g.author for g in grants],
            "vergeben_am": [format_datetime(g.created) for g in grants],
        }
    )
    write_table(table, args.format, args.output)
    return 0


def run_change(args: argparse.Namespace) -> int:
    """Grant or revoke one role."""
    from auth import cli_identity
    from auth.identity import ROLE_NAMES
    from auth.table import RoleTable, parse_role

    table, actor = RoleTable(), cli_identity(args.author)
    role = ROLE_NAMES[parse_role(args.rolle)]
    if args.verb == "grant":
        done = table.grant(args.kennung, args.rolle, actor, args.note)
        print(f"{args.kennung}: Rolle {role} " + ("vergeben." if done else "war schon vergeben."))
    else:
        done = table.revoke(args.kennung, args.rolle, actor, args.note)
        print(f"{args.kennung}: Rolle {role} " + ("entzogen." if done else "war nicht vergeben."))
    print("Gilt ab der nächsten Anmeldung.")
    return 0
