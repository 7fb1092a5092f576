"""Adding one job to a profile's board: from a posting URL, a saved page, or typed in by hand."""

from __future__ import annotations

import uuid
from dataclasses import replace
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.capture.fetch import MAX_PAGE_BYTES, PageFetcher, checked_url
from app.capture.records import AddedJob, JobDraft
from app.capture.text import description_text, short_text
from app.cards import CardService, parse_status
from app.errors import InvalidInput, NotFound, WriteFailed
from app.hashing import job_hash
from app.ingestion.pipeline import IngestionService
from app.ingestion.records import NormalizedJob
from db.base import JobStatus
from db.models import PoolJob, UserJob

SOURCES = ("url", "manual")


def draft_from_markup(markup: str, url: str | None = None) -> JobDraft:
    """The posting a page's HTML shows (what a saved .html file or a fetched page gives)."""
    # Imported on first use: the page readers (extruct, BeautifulSoup, mf2py) cost 0.4 s of every start.
    from app.capture.extract import extract_posting

    return extract_posting(markup, url)


class CaptureService:
    """Reads postings from pages and adds captured jobs through the ingestion pipeline (one run per job)."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        ingestion: IngestionService,
        cards: CardService,
        fetcher: PageFetcher | None = None,
    ) -> None:
        self._sessions = sessions
        self._ingestion = ingestion
        self._cards = cards
        self.fetcher = fetcher or PageFetcher()

    def draft_from_url(self, url: str) -> JobDraft:
        """Fetch a posting page (http/https only; bounded) and read the posting on it."""
        page = self.fetcher.fetch(url)
        draft = draft_from_markup(page.markup, page.url)
        return draft if draft.url else replace(draft, url=page.url)

    @staticmethod
    def draft_from_file(path: str | Path) -> JobDraft:
        """Read the posting in a page saved from a browser (.html)."""
        file = Path(path)
        try:
            with file.open("rb") as handle:
                data = handle.read(MAX_PAGE_BYTES + 1)
        except OSError as exc:
            raise InvalidInput(f"Cannot read {file.name}: {exc.strerror or exc}.") from exc
        if len(data) > MAX_PAGE_BYTES:
            raise InvalidInput(
                f"{file.name} is larger than {MAX_PAGE_BYTES // (1024 * 1024)} MB; not a saved job page."
            )
        from app.capture.extract import MAX_PAGE_CHARS

        return draft_from_markup(data.decode("utf-8", errors="replace")[:MAX_PAGE_CHARS])

    def add(self, profile: str | uuid.UUID, draft: JobDraft, *, source: str, status: str | None = None) -> AddedJob:
        """Put a job into the pool (or find it there, by the pool's hash rule) and on the profile's board."""
        if source not in SOURCES:
            raise InvalidInput(f"Unknown source {source!r}; expected one of: {', '.join(SOURCES)}.")
        target = parse_status(status) if status else None
        job = normalized_job(draft, source)
        report = self._ingestion.run(
            profile,
            [[job]],
            source=source,
            criteria={"url": job.url} if job.url else {"manual": job.title},
        )
        if report.status != "succeeded":
            raise WriteFailed(report.error or "The job could not be added.")
        key = job_hash(job.company, job.title, job.location)
        user_id = self._ingestion.user_id_for(profile)
        with self._sessions() as session:
            found = session.execute(
                select(PoolJob, UserJob.id, UserJob.status)
                .join(UserJob, UserJob.job_pool_id == PoolJob.id)
                .where(PoolJob.hash == key, UserJob.user_id == user_id)
            ).first()
            if found is None:
                raise NotFound("The job was added but its card cannot be found; refresh the board.")
            pooled, card_id, card_status = found
            # A pool hit keeps the pooled row as it was: what is reported is what the pool holds.
            added = AddedJob(
                job_pool_id=pooled.id,
                user_job_id=card_id,
                title=pooled.title,
                company=pooled.company or job.company,
                location=pooled.location,
                salary_min=pooled.salary_min,
                salary_max=pooled.salary_max,
                salary_period=pooled.salary_period,
                posted_at=pooled.posted_at,
                url=pooled.url,
                source=pooled.source or source,
                pool_hit=report.pool_hits > 0,
                status=JobStatus(card_status).value,
            )
        if target is not None and target.value != added.status:
            added = replace(added, status=self._cards.move([card_id], target, at_top=True).status.value)
        return added


def normalized_job(draft: JobDraft, source: str) -> NormalizedJob:
    """A captured posting as a pool row; title and company are required, links must be http(s)."""
    title = short_text(draft.title)
    company = short_text(draft.company)
    if not title or not company:
        missing = " and ".join(name for name, value in (("a title", title), ("a company", company)) if not value)
        raise InvalidInput(f"A job needs {missing}.")
    url = checked_url(draft.url) if draft.url and draft.url.strip() else None
    metadata: dict[str, Any] = {"captured_by": draft.found_by or "hand"}
    if draft.valid_through is not None:
        metadata["valid_through"] = draft.valid_through.isoformat()
    if draft.page_title:
        metadata["page_title"] = draft.page_title
    location = short_text(draft.location)
    return NormalizedJob(
        title=title,
        company=company,
        source=source,
        url=url,
        location=location,
        description=description_text(draft.description),
        salary_min=draft.salary_min,
        salary_max=draft.salary_max,
        salary_currency=short_text(draft.salary_currency, 8),
        salary_period=draft.salary_period,
        job_type=short_text(draft.employment_type),
        is_remote=draft.is_remote if draft.is_remote is not None else ("remote" in (location or "").lower() or None),
        posted_at=draft.posted_at,
        metadata=metadata,
    )
