"""`server init|add-member NAME [--password-stdin]|remove-member NAME|list-members|grant-coach COACH --profile P`."""

from __future__ import annotations

import argparse
import secrets
import sys

from app.context import AppContext
from cli.output import print_table

NAME = "server"
UPGRADES_SCHEMA = False  # `server init` upgrades the schema itself, as the owner, with the team's grants after it


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `server` command and its actions."""
    parser = subparsers.add_parser(NAME, help="team mode: prepare a shared PostgreSQL and manage its members")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    actions.add_parser("init", help="schema at head, roles, row-level security (idempotent; use an admin URL)")
    add = actions.add_parser("add-member", help="create a member's login and print their connection URL")
    add.add_argument("name", metavar="NAME")
    add.add_argument("--password-stdin", action="store_true", help="read the password from the first line of stdin")
    remove = actions.add_parser("remove-member", help="drop a member's login (their profiles pass to the admin)")
    remove.add_argument("name", metavar="NAME")
    actions.add_parser("list-members", help="the members, their profiles and what they coach")
    coach = actions.add_parser("grant-coach", help="let a member read (not change) one profile")
    coach.add_argument("coach", metavar="COACH")
    coach.add_argument("--profile", required=True, help="the profile the coach may read")


def run(args: argparse.Namespace, ctx: AppContext) -> int:
    """Run one server action."""
    team = ctx.team
    if args.action == "init":
        for line in team.init():
            print(line)
        print("ready: add members with `server add-member NAME`")
    elif args.action == "add-member":
        generated = not args.password_stdin
        password = secrets.token_urlsafe(18) if generated else sys.stdin.readline().rstrip("\r\n")
        url = team.add_member(args.name, password)
        print(url)
        if generated:
            print(f"password for {args.name} (shown once; give it to them privately): {password}", file=sys.stderr)
    elif args.action == "remove-member":
        moved = team.remove_member(args.name)
        print(f"removed {args.name}; {moved} profile(s) now owned by the admin role")
    elif args.action == "list-members":
        rows = [(m.name, ", ".join(m.profiles) or "-", ", ".join(m.coaching) or "-") for m in team.list_members()]
        print_table(("member", "profiles", "coaching"), rows)
    elif args.action == "grant-coach":
        added = team.grant_coach(args.coach, args.profile)
        print(f"{args.coach} may read {args.profile}" + ("" if added else " (already granted)"))
    return 0
