"""`profiles list|add|rename|remove|set-resume|add-resume|resumes`."""

from __future__ import annotations

import argparse

from app.context import AppContext
from cli.output import print_json, print_table

NAME = "profiles"


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `profiles` command."""
    parser = subparsers.add_parser(NAME, help="list, add, rename or remove local profiles")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    listing = actions.add_parser("list", help="list profiles with their card counts")
    listing.add_argument("--json", action="store_true", help="print JSON")
    add = actions.add_parser("add", help="create a profile")
    add.add_argument("name")
    add.add_argument("--email")
    add.add_argument("--json", action="store_true", help="print JSON")
    rename = actions.add_parser("rename", help="rename a profile")
    rename.add_argument("old")
    rename.add_argument("new")
    remove = actions.add_parser("remove", help="remove a profile and its cards (pool jobs stay)")
    remove.add_argument("name")
    resume = actions.add_parser(
        "set-resume", help="store a profile's primary resume (.txt, .md or .pdf) and rescore its cards"
    )
    resume.add_argument("name")
    resume.add_argument("file")
    resume.add_argument("--json", action="store_true", help="print JSON")
    add_resume = actions.add_parser(
        "add-resume", help="store one more resume for a profile under a label (the same label replaces it)"
    )
    add_resume.add_argument("name")
    add_resume.add_argument("file")
    add_resume.add_argument("--label", required=True, help="a short name such as Backend or Data")
    add_resume.add_argument("--focus", help="the kind of work this resume aims at")
    add_resume.add_argument("--primary", action="store_true", help="make it the profile's primary resume")
    resumes = actions.add_parser("resumes", help="list a profile's resumes")
    resumes.add_argument("name")
    resumes.add_argument("--json", action="store_true", help="print JSON")


def _profile_json(profile) -> dict:
    return {
        "id": str(profile.id),
        "name": profile.name,
        "email": profile.email,
        "has_resume": profile.has_resume,
        "cards": profile.card_count,
    }


def run(args: argparse.Namespace, ctx: AppContext) -> int:
    """Run a `profiles` action."""
    service = ctx.profiles
    if args.action == "list":
        profiles = service.list()
        if args.json:
            print_json([_profile_json(p) for p in profiles])
        elif not profiles:
            print("No profiles yet. Create one: python main.py profiles add NAME")
        else:
            print_table(
                ["NAME", "CARDS", "RESUME", "EMAIL"],
                [[p.name, p.card_count, "yes" if p.has_resume else "-", p.email] for p in profiles],
            )
    elif args.action == "add":
        profile = service.add(args.name, args.email)
        if args.json:
            print_json(_profile_json(profile))
        else:
            print(f"Created profile “{profile.name}”.")
    elif args.action == "rename":
        profile = service.rename(args.old, args.new)
        print(f"Renamed “{args.old}” to “{profile.name}”.")
    elif args.action == "remove":
        removed = service.remove(args.name)
        print(f"Removed profile “{args.name}” and its {removed} cards; the job pool keeps every job.")
    elif args.action == "set-resume":
        _set_resume(args, ctx)
    elif args.action == "add-resume":
        update = ctx.matching.resumes.add_resume_file(
            args.name, args.file, args.label, args.focus, primary=args.primary
        )
        print(
            f"Saved the resume “{update.label}” of “{update.profile_name}” ({update.characters:,} characters); "
            f"rescored {update.links_rescored} cards."
        )
    elif args.action == "resumes":
        _list_resumes(args, ctx)
    return 0


def _set_resume(args: argparse.Namespace, ctx: AppContext) -> None:
    update = ctx.matching.resumes.set_resume_file(args.name, args.file)
    if args.json:
        print_json(
            {
                "id": str(update.profile_id),
                "name": update.profile_name,
                "characters": update.characters,
                "skills": update.skills,
                "links_rescored": update.links_rescored,
            }
        )
        return
    skills = ", ".join(update.skills[:15]) + (" …" if len(update.skills) > 15 else "")
    print(
        f"Saved the resume of “{update.profile_name}” ({update.characters:,} characters); "
        f"rescored {update.links_rescored} cards."
    )
    if skills:
        print(f"Skills found: {skills}")


def _list_resumes(args: argparse.Namespace, ctx: AppContext) -> None:
    entries = ctx.matching.resumes.resumes(args.name)
    if args.json:
        print_json([entry.to_json() for entry in entries])
    elif not entries:
        print(f"“{args.name}” has no resume yet. Add one: python main.py profiles add-resume NAME FILE --label L")
    else:
        print_table(
            ["LABEL", "PRIMARY", "FOCUS", "CHARACTERS", "SKILLS"],
            [
                [e.label, "yes" if e.primary else "-", e.focus or "-", len(e.text), ", ".join(e.skills[:8])]
                for e in entries
            ],
        )
