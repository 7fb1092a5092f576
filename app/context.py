"""Wiring: one place builds the database connection and every service (the CLI, the window and tests share it)."""

from __future__ import annotations

import logging
import threading
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.exc import DBAPIError

from app.board import BoardQueries
from app.capture.service import CaptureService
from app.card_details import CardDetailsService
from app.cards import CardService
from app.database import Database, open_database
from app.dedup.possible import DuplicateService
from app.ingestion.history import IngestionHistory
from app.ingestion.live import LiveIngestionService
from app.ingestion.pipeline import IngestionService
from app.ingestion.pool import JobPoolService
from app.insights.service import InsightsService
from app.matching.embedding import EmbeddingService, HashingEmbedder
from app.matching.http_embedder import embedder_from_env
from app.matching.service import MatchingServices, build_matching
from app.notifications import NotificationService
from app.profiles import ProfileService
from app.reminders import ReminderService
from app.searches.runner import SavedSearchRunner
from app.searches.service import SavedSearchService
from app.settings import load_fanout_threshold, load_notification_settings, load_repost_gap_days, load_stats_days
from app.stats import BoardStats
from app.status_history import StatusHistory
from app.team.service import TeamService
from db.schema import SchemaState

log = logging.getLogger(__name__)


@dataclass
class AppContext:
    """The open database and the services over it."""

    database: Database
    profiles: ProfileService
    board: BoardQueries
    cards: CardService
    details: CardDetailsService
    pool: JobPoolService
    embedding: EmbeddingService
    ingestion: IngestionService
    live: LiveIngestionService
    history: IngestionHistory
    stats: BoardStats
    matching: MatchingServices
    capture: CaptureService
    team: TeamService
    status_history: StatusHistory
    reminders: ReminderService
    duplicates: DuplicateService
    searches: SavedSearchService
    search_runner: SavedSearchRunner
    insights: InsightsService
    notifications: NotificationService

    @property
    def needs_migration(self) -> bool:
        """True when the database holds the v1 per-user schema and must be migrated before use."""
        return self.database.state is SchemaState.LEGACY_V1

    def close(self) -> None:
        """Release the database connections."""
        self.database.close()


def build_context(database: Database) -> AppContext:
    """Build every service over an open database."""
    sessions = database.sessions
    pool = JobPoolService()
    embedding = EmbeddingService(sessions, HashingEmbedder())
    # JOBPOOL_EMBEDDINGS_URL switches to an OpenAI-compatible HTTP model; the local model otherwise.
    embedding.embedder = embedder_from_env(default=embedding.embedder)
    ingestion = IngestionService(sessions, pool, embedding)
    matching = build_matching(sessions, embedding)
    ingestion.after_ingest.append(matching.recommendations.after_ingest)
    notifications = NotificationService(sessions)
    # After scoring and fan-out: the grouped new-job rows need the cards' scores.
    ingestion.after_ingest.append(notifications.after_ingest)
    cards = CardService(sessions)
    live = LiveIngestionService(sessions, ingestion)
    return AppContext(
        database=database,
        profiles=ProfileService(sessions),
        board=BoardQueries(sessions),
        cards=cards,
        details=CardDetailsService(sessions),
        pool=pool,
        embedding=embedding,
        ingestion=ingestion,
        live=live,
        history=IngestionHistory(sessions),
        stats=BoardStats(sessions),
        matching=matching,
        capture=CaptureService(sessions, ingestion, cards),
        team=TeamService(database.engine),
        status_history=StatusHistory(sessions),
        reminders=ReminderService(sessions),
        duplicates=DuplicateService(sessions),
        searches=SavedSearchService(sessions),
        search_runner=SavedSearchRunner(sessions, live),
        insights=InsightsService(sessions),
        notifications=notifications,
    )


def open_context(db_url: str | None = None, data_dir: str | Path | None = None, *, upgrade: bool = True) -> AppContext:
    """Open the configured database (embedded by default), wire the services and apply the saved settings."""
    ctx = build_context(open_database(db_url, data_dir, upgrade=upgrade))
    apply_matching_settings(ctx.matching, ctx.database.location.data_dir)
    ctx.pool.repost_gap_days = load_repost_gap_days(ctx.database.location.data_dir)
    ctx.insights.response_days, ctx.insights.stale_days = load_stats_days(ctx.database.location.data_dir)
    ctx.notifications.min_score = load_notification_settings(ctx.database.location.data_dir).min_score
    if ctx.database.state is SchemaState.CURRENT:
        # Runs left `running` by a process that was killed, or by a server that died, end as interrupted.
        try:
            ctx.ingestion.recover_interrupted_runs()
        except DBAPIError as exc:  # e.g. a database role that may not write the log: opening must not fail on it
            log.warning("could not check for interrupted ingestion runs: %s", str(exc.orig).strip().splitlines()[0])
    return ctx


def open_in_background(db_url: str | None = None, data_dir: str | Path | None = None) -> Future[AppContext]:
    """open_context in a thread of its own: the window's start loads its modules meanwhile."""
    opening: Future[AppContext] = Future()

    def run() -> None:
        try:
            opening.set_result(open_context(db_url, data_dir))
        except BaseException as exc:  # the waiting window reports it, and offers a retry
            opening.set_exception(exc)

    threading.Thread(target=run, name="jobpool-open", daemon=True).start()
    return opening


def apply_matching_settings(matching: MatchingServices, data_dir: str | Path | None = None) -> None:
    """Give the matching service the saved fan-out threshold, if one was saved."""
    threshold = load_fanout_threshold(data_dir)
    if threshold is not None:
        matching.recommendations.threshold = threshold
