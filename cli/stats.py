"""`stats`: where the hunt stands (funnel, response rates, weekly activity, stale cards), per profile or across."""

from __future__ import annotations

import argparse
from datetime import date

from app.context import AppContext
from app.errors import InvalidInput
from app.insights.records import PooledInsights, ProfileInsights, ResponseRow
from app.insights.service import DateRange
from cli.output import print_json, print_table

NAME = "stats"


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}") from None


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `stats` command."""
    stats = subparsers.add_parser(
        "stats", help="show a profile's funnel, response rates and activity, or all profiles'"
    )
    who = stats.add_mutually_exclusive_group(required=True)
    who.add_argument("--profile")
    who.add_argument("--all-profiles", action="store_true", help="every profile side by side, pooled figures")
    stats.add_argument("--since", type=_day, help="first day (YYYY-MM-DD, UTC) of the cohort that applied")
    stats.add_argument("--until", type=_day, help="last day (YYYY-MM-DD, UTC), included")
    stats.add_argument("--json", action="store_true", help="print the figures as one JSON document")


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def _print_profile(figures: ProfileInsights) -> None:
    funnel = figures.funnel
    print_table(["STATUS", "CARDS"], [[status, count] for status, count in figures.by_status.items()])
    print()
    print_table(
        ["REACHED", "CARDS", "CONVERSION"],
        [
            ["applied", funnel.applied, ""],
            ["interviewing", funnel.interviewing, _percent(funnel.applied_to_interviewing)],
            ["offer", funnel.offer, _percent(funnel.interviewing_to_offer)],
        ],
    )
    median = figures.median_days_to_response
    print(
        f"\nresponse rate {_percent(figures.response_rate)}; "
        f"median days to a response {'—' if median is None else median}"
    )
    _print_groups("SOURCE", figures.by_source)
    if figures.stale:
        print(f"\nstale (Applied, no change): {len(figures.stale)}")
        for job_pool_id in figures.stale:
            print(f"  {job_pool_id}")


def _print_groups(title: str, rows: tuple[ResponseRow, ...]) -> None:
    print()
    print_table(
        [title, "APPLIED", "RESPONDED", "RATE"],
        [[r.key, r.applied, r.responded, _percent(r.response_rate)] for r in rows],
    )


def _print_all(figures: PooledInsights) -> None:
    print_table(
        ["PROFILE", "APPLIED", "INTERVIEWING", "OFFER", "RESPONSE", "POOLED"],
        [
            [
                p.profile,
                p.insights.funnel.applied,
                p.insights.funnel.interviewing,
                p.insights.funnel.offer,
                _percent(p.insights.response_rate),
                "no" if p.excluded else "yes",
            ]
            for p in figures.profiles
        ],
    )
    print(f"\npooled response rate {_percent(figures.pooled.response_rate)}")
    _print_groups("SOURCE", figures.pooled.by_source)
    _print_groups("COMPANY", figures.pooled.by_company)
    if figures.job_collisions:
        print()
        print_table(["JOB", "PROFILES"], [[c.label, ", ".join(c.profiles)] for c in figures.job_collisions])
    if figures.company_collisions:
        print()
        print_table(["COMPANY", "PROFILES"], [[c.label, ", ".join(c.profiles)] for c in figures.company_collisions])


def run(args: argparse.Namespace, ctx: AppContext) -> int:
    """Run `stats`."""
    if args.since and args.until and args.since > args.until:
        raise InvalidInput("--since comes after --until.")
    period = DateRange(args.since, args.until)
    if args.all_profiles:
        pooled = ctx.insights.across_profiles(period)
        if args.json:
            print_json(pooled.to_json())
        else:
            _print_all(pooled)
        return 0
    figures = ctx.insights.for_profile(args.profile, period)
    if args.json:
        print_json(figures.to_json())
    else:
        _print_profile(figures)
    return 0
