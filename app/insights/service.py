"""The insights service: funnel, response rates, weekly activity, stage times and stale cards, read from the
status history (`status_event`, written by triggers on `user_job`, revision 0005) and what triggers keep from it
per card and per event (`card_progress`; `status_event.left_at`, `previous_arrival_at`, `previous_added_at`;
revision 0014) in set-based SQL.

Definitions (one place, so the window, the CLI and the tests agree):
- A card *reached* a stage when its history holds a move into it or into a later stage (Applied < Interviewing <
  Offer): Applied → Interviewing → Rejected counts as applied and interviewed. Moving back and forth counts a
  card once, at its first arrival.
- The date range picks the *cohort*: cards that first reached Applied inside it (UTC days, both ends included);
  the funnel, response figures and the groups by source, company and title family are over that cohort, so every
  rate is 0–1. Weekly activity and stage times count the events inside the range.
- A *response* is the first arrival in Interviewing or Offer within `response_days` of first reaching Applied;
  a move to Archived or Rejected without an interview is no response, and a move back to Recommended is an undo.
- A *stale* card sits in Applied and its history shows no change for more than `stale_days`.
- A deleted card takes its history with it (the events go with their card), so it leaves every figure at once:
  numerators and denominators stay consistent.
- Counts by status are the board as it is now, whatever the range.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import TextClause, select, text
from sqlalchemy.orm import Session, sessionmaker

from app.insights.records import (
    ApplicationStatistics,
    Collision,
    Funnel,
    PooledInsights,
    ProfileColumn,
    ProfileInsights,
    ResponseRow,
    StageTime,
    StaleCard,
    WeekRow,
)
from app.profiles import find_user
from app.records import STATUSES
from app.settings import DEFAULT_RESPONSE_DAYS, DEFAULT_STALE_DAYS
from db.models import User

# Seniority words and trailing qualifiers ("Senior Data Engineer - Remote (m/f/d)") do not change the family.
# Plain string functions: PostgreSQL's regular expressions cost about 10 µs a row, too much for 10,000 cards.
SENIORITY_WORDS = (
    "senior",
    "sr.",
    "sr",
    "junior",
    "jr.",
    "jr",
    "lead",
    "principal",
    "staff",
    "intern",
    "ii",
    "iii",
    "iv",
)


def _family_sql(title: str = "jp.title") -> str:
    head = f"split_part(split_part(split_part(split_part({title}, ' - ', 1), ' – ', 1), ' (', 1), ', ', 1)"
    expression = f"' ' || lower({head}) || ' '"
    for word in SENIORITY_WORDS:
        expression = f"replace({expression}, ' {word} ', ' ')"
    return f"coalesce(nullif(trim({expression}), ''), '(no title)')"


# The profile's cards that reached Applied, with their first arrival in each stage (card_progress, kept by triggers
# on the history: revision 0014; outcomes are followed past the range: the range picks who applied, not how long
# they may take to hear back); the cohort with its pool job (for the collisions across profiles).
_PROGRESS = """
progress AS (
    SELECT p.user_job_id, p.applied_at, p.interviewing_at AS interview_at, p.offer_at, uj.user_id, uj.job_pool_id
    FROM card_progress p JOIN user_job uj ON uj.id = p.user_job_id
    WHERE uj.user_id = ANY(:users)
)"""
_RANGE = "WHERE p.applied_at >= :since AND p.applied_at < :until"
_NO_RANGE = "WHERE p.applied_at IS NOT NULL"
_COHORT = f"""
cohort AS (
    SELECT p.*, jp.title, coalesce(nullif(trim(jp.company), ''), '(no company)') AS company
    FROM progress p JOIN job_pool jp ON jp.id = p.job_pool_id
    {_RANGE}
)"""
_CARDS = _PROGRESS + "," + _COHORT

_BY_STATUS = (
    "SELECT status::text AS status, sum(cards) AS cards FROM user_job_count WHERE user_id = ANY(:users) GROUP BY 1"
)

# Every figure of a profile in one statement, each as JSON: the funnel and the response figures overall, by
# source, by company and by title family (GROUPING(source, company, family): 7 overall, 3 by source, 5 by company,
# 6 by title family) over the cohort, counted per (source, company, family) first so the grouping sets run over
# those combinations rather than every card, their medians over the cards that responded only; weekly activity and
# stage times over the events inside the range (read once, materialized); applications this week and month; the
# stale cards and the counts by column (in the same statement: a round trip fewer each). A title's family is worked
# out once per distinct title (a profile's cards share titles; the string functions cost about 1 µs a row).
# A stay ends at the card's next event (status_event.left_at); stays still open, or ending after the range, are
# left out (their length is not known yet). A week counts a card once per kind: an event counts when the card's
# previous one of its kind (status_event.previous_arrival_at / previous_added_at) is before the week, or before the
# range (the range may start mid-week).
_FIGURES = f"""WITH {_PROGRESS.replace("progress AS (", "progress AS MATERIALIZED (")},
cards AS (
    SELECT p.*, jp.title,
           coalesce(nullif(jp.source, ''), 'unknown') AS source,
           coalesce(nullif(trim(jp.company), ''), '(no company)') AS company,
           (p.interview_at IS NOT NULL AND p.interview_at <= p.applied_at + make_interval(days => :response_days))
               AS responded,
           extract(epoch FROM p.interview_at - p.applied_at) / 86400.0 AS response_days
    FROM progress p JOIN job_pool jp ON jp.id = p.job_pool_id
    {_RANGE}
),
families AS (
    SELECT title, {_family_sql("title")} AS family FROM (SELECT DISTINCT title FROM cards) t
),
combos AS (
    SELECT source, company, family,
           count(*) AS applied,
           count(*) FILTER (WHERE interview_at IS NOT NULL) AS interviewing,
           count(*) FILTER (WHERE offer_at IS NOT NULL) AS offer,
           count(*) FILTER (WHERE responded) AS responded
    FROM cards c JOIN families f USING (title)
    GROUP BY 1, 2, 3
),
funnel AS (
    SELECT GROUPING(source, company, family) AS grouping, source, company, family,
           coalesce(sum(applied), 0)::int AS applied, coalesce(sum(interviewing), 0)::int AS interviewing,
           coalesce(sum(offer), 0)::int AS offer, coalesce(sum(responded), 0)::int AS responded
    FROM combos
    GROUP BY GROUPING SETS ((), (source), (company), (family))
),
medians AS (
    SELECT GROUPING(source, company, family) AS grouping, source, company, family,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY response_days) AS median
    FROM cards c JOIN families f USING (title)
    WHERE responded
    GROUP BY GROUPING SETS ((), (source), (company), (family))
),
ev AS MATERIALIZED (
    SELECT e.at, e.left_at, e.from_status, e.to_status, e.previous_arrival_at, e.previous_added_at,
           date_trunc('week', e.at AT TIME ZONE 'UTC') AS week
    FROM status_event e JOIN user_job uj ON uj.id = e.user_job_id
    WHERE uj.user_id = ANY(:users) AND e.at >= :since AND e.at < :until
),
firsts AS (
    SELECT week::date AS week, from_status, to_status,
           coalesce(previous_added_at < greatest(week AT TIME ZONE 'UTC', :since), true) AS first_added,
           coalesce(previous_arrival_at < greatest(week AT TIME ZONE 'UTC', :since), true) AS first_arrival
    FROM ev
),
weekly AS (
    SELECT week,
           count(*) FILTER (WHERE from_status IS NULL AND first_added) AS added,
           count(*) FILTER (WHERE to_status = 'applied' AND first_arrival) AS applied,
           count(*) FILTER (WHERE to_status = 'interviewing' AND first_arrival) AS interviews,
           count(*) FILTER (WHERE to_status = 'offer' AND first_arrival) AS offers,
           count(*) FILTER (WHERE to_status = 'rejected' AND first_arrival) AS rejections
    FROM firsts GROUP BY 1
),
stages AS (
    SELECT to_status AS status, count(*) AS stays,
           extract(epoch FROM percentile_cont(0.5) WITHIN GROUP (ORDER BY left_at - at)) / 86400.0 AS median
    FROM ev WHERE left_at < :until
    GROUP BY 1
),
apps AS (
    SELECT count(*) FILTER (WHERE applied_at >= date_trunc('week', :now AT TIME ZONE 'UTC') AT TIME ZONE 'UTC')
               AS week,
           count(*) FILTER (WHERE applied_at >= date_trunc('month', :now AT TIME ZONE 'UTC') AT TIME ZONE 'UTC')
               AS month
    FROM progress WHERE applied_at <= :now
),
stale AS (
    SELECT uj.job_pool_id, max(e.at) AS last_at
    FROM user_job uj JOIN status_event e ON e.user_job_id = uj.id
    WHERE uj.user_id = ANY(:users) AND uj.status = 'applied'
    GROUP BY uj.id, uj.job_pool_id
    HAVING max(e.at) < :now - make_interval(days => :stale_days)
),
stale_cards AS (
    SELECT s.job_pool_id, s.last_at, p.title, p.company FROM stale s JOIN job_pool p ON p.id = s.job_pool_id
),
by_status AS ({_BY_STATUS})
SELECT (SELECT json_agg(f) FROM funnel f) AS funnel,
       (SELECT json_agg(m) FROM medians m) AS medians,
       (SELECT json_agg(w ORDER BY w.week) FROM weekly w) AS weekly,
       (SELECT json_agg(s) FROM stages s) AS stages,
       (SELECT row_to_json(a) FROM apps a) AS apps,
       (SELECT json_agg(s ORDER BY s.last_at, s.job_pool_id) FROM stale_cards s) AS stale,
       (SELECT json_object_agg(b.status, b.cards) FROM by_status b) AS by_status"""

_APPLICATIONS = f"""WITH {_PROGRESS}
SELECT count(*) FILTER (WHERE applied_at >= date_trunc('week', :now AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'),
       count(*) FILTER (WHERE applied_at >= date_trunc('month', :now AT TIME ZONE 'UTC') AT TIME ZONE 'UTC')
FROM progress WHERE applied_at <= :now"""


_CARDS_BY_SOURCE = """SELECT coalesce(nullif(jp.source, ''), 'unknown'), count(*)
FROM user_job uj JOIN job_pool jp ON jp.id = uj.job_pool_id WHERE uj.user_id = ANY(:users)
GROUP BY 1 ORDER BY 2 DESC, 1"""

_JOB_COLLISIONS = f"""WITH {_CARDS}
SELECT p.job_pool_id::text, min(p.title), array_agg(DISTINCT u.name ORDER BY u.name)
FROM cohort p JOIN users u ON u.id = p.user_id
GROUP BY p.job_pool_id HAVING count(DISTINCT p.user_id) > 1 ORDER BY count(DISTINCT p.user_id) DESC, 2"""

_COMPANY_COLLISIONS = f"""WITH {_CARDS}
SELECT lower(p.company), min(p.company), array_agg(DISTINCT u.name ORDER BY u.name)
FROM cohort p JOIN users u ON u.id = p.user_id
WHERE p.company <> '(no company)'
GROUP BY 1 HAVING count(DISTINCT p.user_id) > 1 ORDER BY count(DISTINCT p.user_id) DESC, 2"""


@dataclass(frozen=True, slots=True)
class DateRange:
    """Inclusive calendar days (UTC); None: open on that side."""

    since: date | None = None
    until: date | None = None

    def bounds(self) -> tuple[datetime, datetime]:
        """The half-open [start, end) instants of the range."""
        start = datetime.combine(self.since, time(), UTC) if self.since else datetime(1, 1, 2, tzinfo=UTC)
        end = (
            datetime.combine(self.until + timedelta(days=1), time(), UTC)
            if self.until
            else datetime(9999, 1, 1, tzinfo=UTC)
        )
        return start, end


def _sql(query: str, period: DateRange) -> TextClause:
    """The query, without the range test when the range is open: the planner then sees how many cards apply
    and joins them by hash, not row by row (a 10,000-card cohort: about 3× faster)."""
    return text(query if period.since or period.until else query.replace(_RANGE, _NO_RANGE))


def _plan_per_call(session: Session) -> None:
    """Plan this transaction's statements for their actual values. The driver prepares a statement run often on
    a connection, and PostgreSQL then settles on one generic plan: not knowing the range or the profile, it reads
    the events through 20,000 index probes into user_job instead of one hash join (85 ms against 55)."""
    session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))


def _days(value: Any) -> float | None:
    return None if value is None else round(float(value), 2)


class InsightsService:
    """Reads the insights of one profile, or of every profile side by side, in one short transaction."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions
        self.response_days = DEFAULT_RESPONSE_DAYS
        self.stale_days = DEFAULT_STALE_DAYS

    def for_profile(
        self, profile: str | uuid.UUID, period: DateRange = DateRange(), *, now: datetime | None = None
    ) -> ProfileInsights:
        """Every figure of one profile for a date range."""
        with self._sessions() as session:
            _plan_per_call(session)
            user = find_user(session, profile)
            return self._insights(session, [user.id], period, now or datetime.now(UTC))

    def application_statistics(self, profile: str | uuid.UUID, *, now: datetime | None = None) -> ApplicationStatistics:
        """Cards by status and by source, and applications this week and this month (weeks start on Monday, UTC)."""
        with self._sessions() as session:
            _plan_per_call(session)
            user = find_user(session, profile)
            params = self._params([user.id], DateRange(), now or datetime.now(UTC))
            week, month = session.execute(_sql(_APPLICATIONS, DateRange()), params).one()
            by_source = {str(k): int(v) for k, v in session.execute(text(_CARDS_BY_SOURCE), params)}
            return ApplicationStatistics(
                by_status=self._by_status(session, params),
                by_source=by_source,
                applications_this_week=int(week),
                applications_this_month=int(month),
            )

    def across_profiles(self, period: DateRange = DateRange(), *, now: datetime | None = None) -> PooledInsights:
        """Every profile's figures side by side, the pooled figures and the collisions (excluded profiles left out)."""
        moment = now or datetime.now(UTC)
        with self._sessions() as session:
            _plan_per_call(session)
            users = session.execute(select_profiles()).all()
            columns = tuple(
                ProfileColumn(
                    profile=u.name,
                    excluded=u.exclude_from_pooled,
                    insights=self._insights(session, [u.id], period, moment),
                )
                for u in users
            )
            pooled_ids = [u.id for u in users if not u.exclude_from_pooled]
            params = self._params(pooled_ids, period, moment)
            jobs = tuple(
                Collision(key=k, label=str(label), profiles=tuple(names))
                for k, label, names in session.execute(_sql(_JOB_COLLISIONS, period), params)
            )
            companies = tuple(
                Collision(key=k, label=str(label), profiles=tuple(names))
                for k, label, names in session.execute(_sql(_COMPANY_COLLISIONS, period), params)
            )
            return PooledInsights(
                profiles=columns,
                pooled=self._insights(session, pooled_ids, period, moment),
                job_collisions=jobs,
                company_collisions=companies,
            )

    def set_excluded_from_pooled(self, profile: str | uuid.UUID, excluded: bool) -> None:
        """Leave a profile out of (or put it back into) the figures pooled across profiles."""
        with self._sessions.begin() as session:
            find_user(session, profile).exclude_from_pooled = excluded

    def excluded_from_pooled(self, profile: str | uuid.UUID) -> bool:
        """Whether a profile is left out of the pooled figures."""
        with self._sessions() as session:
            return find_user(session, profile).exclude_from_pooled

    def _params(self, users: list[uuid.UUID], period: DateRange, now: datetime) -> dict[str, Any]:
        since, until = period.bounds()
        return {
            "users": users,
            "since": since,
            "until": until,
            "now": now,
            "response_days": self.response_days,
            "stale_days": self.stale_days,
        }

    @staticmethod
    def _by_status(session: Session, params: dict[str, Any]) -> dict[str, int]:
        counts = {status.value: 0 for status in STATUSES}
        for status, cards in session.execute(text(_BY_STATUS), params):
            counts[str(status)] = int(cards or 0)
        return counts

    def _insights(self, session: Session, users: list[uuid.UUID], period: DateRange, now: datetime) -> ProfileInsights:
        params = self._params(users, period, now)
        row = session.execute(_sql(_FIGURES, period), params).one()
        overall: dict[str, Any] = {"applied": 0, "interviewing": 0, "offer": 0, "responded": 0}
        groups: dict[int, list[ResponseRow]] = {3: [], 5: [], 6: []}
        keys = {3: "source", 5: "company", 6: "family"}
        medians = {_group_key(m): m["median"] for m in row.medians or ()}
        for r in row.funnel or ():
            median = _days(medians.get(_group_key(r)))
            if r["grouping"] == 7:
                overall = {**r, "median": median}
            else:
                key = str(r[keys[r["grouping"]]])
                groups[r["grouping"]].append(ResponseRow(key, r["applied"], r["responded"], median))
        order = [s.value for s in STATUSES]
        weeks = [
            WeekRow(
                date.fromisoformat(w["week"]), w["added"], w["applied"], w["interviews"], w["offers"], w["rejections"]
            )
            for w in row.weekly or ()
        ]
        stale = tuple(
            StaleCard(uuid.UUID(c["job_pool_id"]), c["title"], c["company"], datetime.fromisoformat(c["last_at"]))
            for c in row.stale or ()
        )
        return ProfileInsights(
            by_status={status.value: 0 for status in STATUSES} | {k: int(v) for k, v in (row.by_status or {}).items()},
            funnel=Funnel(applied=overall["applied"], interviewing=overall["interviewing"], offer=overall["offer"]),
            responded=overall["responded"],
            median_days_to_response=overall.get("median"),
            by_source=_ranked(groups[3]),
            by_company=_ranked(groups[5]),
            by_title_family=_ranked(groups[6]),
            weekly=_fill_weeks(weeks),
            stage_times=tuple(
                StageTime(status=r["status"], stays=r["stays"], median_days=float(_days(r["median"]) or 0.0))
                for r in sorted(row.stages or (), key=lambda r: order.index(r["status"]))
            ),
            stale_cards=stale,
            applications_this_week=int(row.apps["week"]),
            applications_this_month=int(row.apps["month"]),
        )


def _group_key(row: dict[str, Any]) -> tuple[Any, ...]:
    """A group of the funnel's grouping sets: which grouping, and its source, company or title family."""
    return row["grouping"], row["source"], row["company"], row["family"]


def _ranked(rows: list[ResponseRow]) -> tuple[ResponseRow, ...]:
    """Most applied first, then by name."""
    return tuple(sorted(rows, key=lambda r: (-r.applied, r.key)))


def select_profiles() -> Any:
    """Profiles in name order with their pooled-figures flag."""
    return select(User.id, User.name, User.exclude_from_pooled).order_by(User.name)


def _fill_weeks(rows: list[WeekRow]) -> tuple[WeekRow, ...]:
    """Weeks between the first and the last active one, quiet weeks as zeros (a chart's x axis has no gaps)."""
    if not rows:
        return ()
    found = {row.week: row for row in rows}
    weeks: list[WeekRow] = []
    week = rows[0].week
    while week <= rows[-1].week:
        weeks.append(found.get(week) or WeekRow(week, 0, 0, 0, 0, 0))
        week += timedelta(days=7)
    return tuple(weeks)
