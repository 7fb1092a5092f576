"""Live searches through Apify, with criteria reuse: the paid actor runs once per unique search, whoever asks."""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select, text, update
from sqlalchemy.orm import Session, sessionmaker

from app.errors import IngestionCancelled
from app.ingestion.apify import ApifyProgress, ApifySource
from app.ingestion.apify_presets import build_run_input, criteria_dict, criteria_key, resolve_actor
from app.ingestion.pipeline import IngestionService, IngestProgress
from app.records import IngestReport
from db.models import IngestionRun, IngestionRunJob

DEFAULT_FRESHNESS = timedelta(hours=24)
_LOCK_POLL_SECONDS = 0.2


@dataclass
class ApifyConfig:
    """Where and as whom to call Apify: APIFY_TOKEN / APIFY_API_URL by default, settings may override."""

    token: str | None = field(default_factory=lambda: os.environ.get("APIFY_TOKEN") or None, repr=False)
    api_url: str | None = field(default_factory=lambda: os.environ.get("APIFY_API_URL") or None)
    poll_interval: float = 2.0

    def source(self) -> ApifySource:
        """A client-backed source with the current settings."""
        return ApifySource(self.token, self.api_url, poll_interval=self.poll_interval)


@dataclass(frozen=True, slots=True)
class SearchRequest:
    """What a user asks a scraper for: a preset or actor id, the query, where, and how many at most."""

    actor: str
    query: str
    location: str | None = None
    max_items: int = 100
    template: Mapping[str, Any] | str | None = None

    @classmethod
    def from_criteria(cls, criteria: Mapping[str, Any]) -> SearchRequest:
        """Rebuild a request from the criteria stored with a past run (re-run from the history)."""
        return cls(
            actor=str(criteria.get("preset") or criteria["actor"]),
            query=str(criteria.get("query_text") or criteria.get("query") or ""),
            location=criteria.get("location_text") or criteria.get("location") or None,
            max_items=int(criteria.get("max_items") or 100),
            template=criteria.get("template"),
        )


class LiveIngestionService:
    """Runs Apify searches into the pool, serving repeated searches from the pool instead of the actor."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        ingestion: IngestionService,
        config: ApifyConfig | None = None,
        freshness: timedelta = DEFAULT_FRESHNESS,
    ) -> None:
        self._sessions = sessions
        self._ingestion = ingestion
        self.config = config or ApifyConfig()
        self.freshness = freshness

    def search(
        self,
        profile: str | uuid.UUID,
        request: SearchRequest,
        *,
        freshness: timedelta | None = None,
        force: bool = False,
        on_progress: Callable[[IngestProgress], None] | None = None,
        should_cancel: Callable[[], bool] | None = None,
    ) -> IngestReport:
        """Serve the search from the pool when a run for the same criteria is fresh, else run the actor once.

        A PostgreSQL advisory lock on the criteria key makes concurrent identical searches (two profiles, two app
        instances) wait for one actor run and then be served from the pool.
        """
        preset = resolve_actor(request.actor)
        criteria = criteria_dict(request.actor, request.query, request.location, request.max_items, request.template)
        criteria["preset"] = preset.key
        criteria["query_text"] = request.query.strip()
        criteria["location_text"] = (request.location or "").strip()
        key = criteria_key(request.actor, request.query, request.location, request.max_items, request.template)
        window = self.freshness if freshness is None else freshness
        user_id = self._ingestion.user_id_for(profile)

        if not force and (served := self._serve_from_pool(user_id, key, criteria, window)) is not None:
            return served
        engine = self._sessions.kw["bind"]
        with engine.connect() as lock_conn:
            self._acquire(lock_conn, key, on_progress, should_cancel)
            try:
                if not force and (served := self._serve_from_pool(user_id, key, criteria, window)) is not None:
                    return served
                return self._run_actor(user_id, preset, request, criteria, key, on_progress, should_cancel)
            finally:
                lock_conn.execute(text("SELECT pg_advisory_unlock(hashtextextended(:k, 0))"), {"k": key})
                lock_conn.commit()

    @staticmethod
    def _acquire(
        conn: Any,
        key: str,
        on_progress: Callable[[IngestProgress], None] | None,
        should_cancel: Callable[[], bool] | None,
    ) -> None:
        told = False
        while True:
            got = conn.execute(text("SELECT pg_try_advisory_lock(hashtextextended(:k, 0))"), {"k": key}).scalar()
            conn.commit()
            if got:
                return
            if should_cancel and should_cancel():
                raise IngestionCancelled()
            if on_progress and not told:
                on_progress(IngestProgress("waiting", 0, None, "The same search is running elsewhere; waiting for it"))
                told = True
            time.sleep(_LOCK_POLL_SECONDS)

    def fresh_run(self, key: str, freshness: timedelta) -> uuid.UUID | None:
        """The newest successful actor run for these criteria within the freshness window, if any."""
        with self._sessions() as session:
            return session.scalar(
                select(IngestionRun.id)
                .where(
                    IngestionRun.criteria_key == key,
                    IngestionRun.status == "succeeded",
                    IngestionRun.served_from_run_id.is_(None),
                    IngestionRun.finished_at > func.now() - freshness,
                )
                .order_by(IngestionRun.finished_at.desc())
                .limit(1)
            )

    def _serve_from_pool(
        self, user_id: uuid.UUID, key: str, criteria: dict[str, Any], freshness: timedelta
    ) -> IngestReport | None:
        source_run = self.fresh_run(key, freshness) if freshness > timedelta(0) else None
        if source_run is None:
            return None
        started = time.perf_counter()
        with self._sessions.begin() as session:
            pool_ids = list(
                session.scalars(select(IngestionRunJob.job_pool_id).where(IngestionRunJob.run_id == source_run))
            )
            run = IngestionRun(
                user_id=user_id,
                source="pool",
                criteria=criteria,
                criteria_key=key,
                status="succeeded",
                served_from_run_id=source_run,
                fetched=len(pool_ids),
                pool_hits=len(pool_ids),
                finished_at=func.now(),
            )
            session.add(run)
            session.flush()
            created = self._ingestion.link_jobs(session, user_id, pool_ids)
            self._ingestion.record_run_jobs(session, run.id, pool_ids)
            session.execute(
                update(IngestionRun)
                .where(IngestionRun.id == run.id)
                .values(links_created=created, links_existing=len(pool_ids) - created)
            )
            run_id = run.id
        # The cards are the profile's now: score them and group the good ones into the inbox, as after an actor run
        # (nothing is fanned out: the jobs were new to the pool when the source run brought them).
        self._ingestion.run_after_ingest(user_id, [], run_id)
        return IngestReport(
            run_id=run_id,
            source="pool",
            status="succeeded",
            fetched=len(pool_ids),
            rejected=[],
            cleaned=0,
            pool_inserts=0,
            pool_hits=len(pool_ids),
            links_created=created,
            links_existing=len(pool_ids) - created,
            embedded=0,
            seconds=time.perf_counter() - started,
            served_from_pool=True,
        )

    def _run_actor(
        self,
        user_id: uuid.UUID,
        preset: Any,
        request: SearchRequest,
        criteria: dict[str, Any],
        key: str,
        on_progress: Callable[[IngestProgress], None] | None,
        should_cancel: Callable[[], bool] | None,
    ) -> IngestReport:
        source = self.config.source()
        run_input = build_run_input(preset, request.query, request.location, request.max_items, request.template)
        our_run: list[uuid.UUID] = []

        def started(apify_run_id: str, dataset_id: str) -> None:
            if our_run:
                with self._sessions.begin() as session:
                    session.execute(
                        update(IngestionRun)
                        .where(IngestionRun.id == our_run[0])
                        .values(apify_run_id=apify_run_id, dataset_id=dataset_id)
                    )

        def scraping(progress: ApifyProgress) -> None:
            if on_progress:
                on_progress(
                    IngestProgress(
                        "scraping",
                        progress.items,
                        request.max_items,
                        f"Apify run {progress.status.lower()}: {progress.items} items so far",
                    )
                )

        pages = source.run(
            preset,
            run_input,
            max_items=request.max_items,
            on_progress=scraping,
            should_cancel=should_cancel,
            on_started=started,
        )
        tags = [t for t in (request.query.strip(), (request.location or "").strip()) if t]
        return self._ingestion.run(
            user_id,
            pages,
            source=f"apify:{preset.key}",
            schema=preset.schema,
            criteria=criteria,
            criteria_key=key,
            criteria_tags=tags,
            total=request.max_items,
            on_progress=on_progress,
            should_cancel=should_cancel,
            on_run_started=our_run.append,
        )
