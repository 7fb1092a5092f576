"""The ingestion pipeline: normalize -> hash -> dedup -> pool upsert -> links -> run log -> embed new rows."""

from __future__ import annotations

import contextlib
import itertools
import logging
import time
import uuid
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from psycopg import errors as pg_errors
from sqlalchemy import Connection, func, select, text, update
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from app.cards import lock_new_card_positions
from app.errors import IngestionCancelled, InvalidInput, JobPoolError, NotFound, WriteFailed, cut_by_interrupt
from app.hashing import job_hash
from app.ingestion.dates import decide_day_first
from app.ingestion.normalize_schemas import DATE_KEYS, SPECS, fold_key
from app.ingestion.normalizers import normalize_items
from app.ingestion.pool import JobPoolService, copy_row, tags_json
from app.ingestion.records import NormalizedBatch, NormalizedJob, Rejection
from app.matching.embedding import EmbeddingService
from app.records import IngestReport
from db.base import JobStatus
from db.engine import affected_rows
from db.models import IngestionRun, User

log = logging.getLogger(__name__)

CHUNK_SIZE = 2000
# The run's first chunks grow from this size to CHUNK_SIZE (doubling): the database starts on a small first chunk
# instead of waiting for a whole one to be normalized, and the next, larger chunk is prepared while it is written.
RAMP_FIRST_CHUNK = 250
_DATE_ORDER_SAMPLE = 1000  # items of the first page whose dates decide the run's day-first or month-first order
MAX_STORED_REJECTIONS = 500
_RETRYABLE = (pg_errors.DeadlockDetected, pg_errors.SerializationFailure)
# New cards go on top of the profile's Recommended column, in the order given (:uid, :ids, :n = len(ids)).
_TOP_OF_RECOMMENDED = (
    "top AS (SELECT coalesce(min(position), 0) AS p FROM user_job WHERE user_id = :uid AND status = 'recommended')"
)
_INSERT_LINKS = (
    "INSERT INTO user_job (user_id, job_pool_id, status, position) "
    "SELECT :uid, j.id, 'recommended', top.p - :n + j.ord - 1 "
    "FROM unnest(CAST(:ids AS uuid[])) WITH ORDINALITY AS j(id, ord), top "
    "ORDER BY j.id "
    "ON CONFLICT (user_id, job_pool_id) DO NOTHING"
)
# The pool jobs a run produced (:rid, :ids), in pool id order: their foreign-key checks read job_pool in order.
_INSERT_RUN_JOBS = (
    "INSERT INTO ingestion_run_job (run_id, job_pool_id) "
    "SELECT :rid, id FROM unnest(CAST(:ids AS uuid[])) AS id ORDER BY id ON CONFLICT DO NOTHING"
)
_RUN_COUNTS = "fetched = :fetched, rejected = :rejected, pool_inserts = :pool_inserts, pool_hits = :pool_hits"
# The session advisory lock that says "this run's process is alive" (held by the process running it).
_RUN_LOCK_KEY = "hashtextextended('jobpool.ingestion-run:' || :run_id, 0)"


@dataclass(frozen=True, slots=True)
class IngestProgress:
    """Where a running ingestion is: phase, items done, total when known, a line for the user."""

    phase: str
    done: int
    total: int | None
    message: str


@dataclass
class _Tally:
    fetched: int = 0
    duplicates: int = 0
    cleaned: int = 0
    urls_dropped: int = 0
    pool_inserts: int = 0
    pool_hits: int = 0
    links_created: int = 0
    links_existing: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    new_pool_ids: list[uuid.UUID] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)
    dates_inferred: int = 0
    formats: Counter[str] = field(default_factory=Counter)
    sources: Counter[str] = field(default_factory=Counter)


def _counts(tally: _Tally) -> dict[str, int]:
    return {
        "fetched": tally.fetched,
        "rejected": len(tally.rejected),
        "pool_inserts": tally.pool_inserts,
        "pool_hits": tally.pool_hits,
        "links_created": tally.links_created,
        "links_existing": tally.links_existing,
    }


def _take_late(late_rejected: list[Rejection] | None, tally: _Tally) -> None:
    """Count rows a streamed source rejected while it was read (they are part of what was fetched)."""
    if late_rejected:
        tally.rejected.extend(late_rejected)
        tally.fetched += len(late_rejected)
        late_rejected.clear()


def _first_line(exc: BaseException) -> str:
    text_ = str(exc).strip()
    return text_.splitlines()[0] if text_ else type(exc).__name__


def _release_owner(owner: Connection, run_id: uuid.UUID) -> None:
    """Give up a run's lock and its connection; a connection that cannot answer any more is discarded."""
    try:
        owner.execute(text(f"SELECT pg_advisory_unlock({_RUN_LOCK_KEY})"), {"run_id": str(run_id)})
        owner.commit()
        owner.close()
    except (DBAPIError, pg_errors.Error):
        owner.invalidate()  # the lock lived in that server session; it is gone with it
        owner.close()


def _rejection_json(r: Rejection) -> dict[str, Any]:
    return {"index": r.index, "reason": r.reason, "excerpt": r.excerpt}


def _date_order(items: Sequence[object]) -> bool | None:
    """The date order of a run, decided from the posting dates of its first page that can be read one way only."""
    values = (
        value
        for item in items[:_DATE_ORDER_SAMPLE]
        if isinstance(item, Mapping)
        for key, value in item.items()
        if isinstance(key, str) and fold_key(key) in DATE_KEYS
    )
    return decide_day_first(values)


def dedup_batch(jobs: Sequence[NormalizedJob], seen: set[str]) -> tuple[list[tuple[str, NormalizedJob]], int]:
    """Hash each job and keep one per hash (the most complete); hashes in `seen` were handled earlier."""
    hashes = [job_hash(job.company, job.title, job.location) for job in jobs]
    kept, duplicates = _dedup_indices(jobs, hashes, seen)
    return [(hashes[i], jobs[i]) for i in kept], duplicates


def _dedup_indices(jobs: Sequence[NormalizedJob], hashes: Sequence[str], seen: set[str]) -> tuple[list[int], int]:
    """The index of the job kept for each new hash (the most complete), and how many were dropped."""
    best: dict[str, int] = {}
    duplicates = 0
    for index, key in enumerate(hashes):
        if key in seen:
            duplicates += 1
            continue
        current = best.get(key)
        if current is None:
            best[key] = index
            continue
        duplicates += 1
        if jobs[index].completeness() > jobs[current].completeness():
            best[key] = index
    return list(best.values()), duplicates


@dataclass(slots=True)
class _PreparedChunk:
    """A chunk made ready off the writing thread: normalized, hashed, and as COPY rows."""

    batch: NormalizedBatch
    hashes: list[str]
    rows: list[tuple[Any, ...]]


@dataclass(frozen=True, slots=True)
class _ReadingRules:
    """What holds for every chunk of one run: the shape forced by the user, the run's start, the date order."""

    schema: str | None
    started: datetime
    day_first: bool | None
    tags: str


def _prepare_chunk(chunk: Sequence[object], rules: _ReadingRules, start_index: int) -> _PreparedChunk:
    # Jobs captured one by one (a posting page, a form) arrive normalized already.
    ready = [item for item in chunk if isinstance(item, NormalizedJob)]
    batch = (
        NormalizedBatch(ready, [])
        if ready and len(ready) == len(chunk)
        else normalize_items(chunk, rules.schema, start_index=start_index, now=rules.started, day_first=rules.day_first)
    )
    tags = rules.tags
    hashes = [job_hash(job.company, job.title, job.location) for job in batch.jobs]
    rows = [copy_row(h, job, tags) for h, job in zip(hashes, batch.jobs, strict=True)]
    return _PreparedChunk(batch, hashes, rows)


class IngestionService:
    """Runs ingestions into the shared pool for one profile and records each run."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        pool: JobPoolService,
        embedding: EmbeddingService | None,
        chunk_size: int = CHUNK_SIZE,
    ) -> None:
        self._sessions = sessions
        self._pool = pool
        self._embedding = embedding
        self.chunk_size = chunk_size
        # Called after every run with (profile, pool jobs the run added to the pool, run id): scoring, fan-out and
        # the inbox's grouped row.
        self.after_ingest: list[Callable[[uuid.UUID, list[uuid.UUID], uuid.UUID], None]] = []
        self._run_owners: dict[uuid.UUID, Connection] = {}

    def ingest_file(self, profile: str | uuid.UUID, path: str, **kwargs: Any) -> IngestReport:
        """Read a dataset export (Apify JSON / JSONL / CSV, JobSpy CSV) and ingest it for a profile."""
        from app.ingestion.file_stream import open_dataset

        # Read page by page: a big export streams through in chunks instead of being held whole.
        dataset = open_dataset(path)
        criteria = kwargs.pop("criteria", None) or {"file": str(path).rsplit("/", 1)[-1]}
        found = list(dataset.rejected)  # rows a small file could not parse; a streamed file adds them as it goes
        dataset.rejected.clear()
        return self.run(
            profile,
            dataset.pages(self.chunk_size),
            source=f"file:{dataset.format}",
            criteria=criteria,
            pre_rejected=found,
            late_rejected=dataset.rejected,
            **kwargs,
        )

    def run(
        self,
        profile: str | uuid.UUID,
        pages: Iterable[Sequence[object]],
        *,
        source: str,
        schema: str | None = None,
        criteria: dict[str, Any] | None = None,
        criteria_key: str | None = None,
        criteria_tags: Sequence[str] = (),
        pre_rejected: Sequence[Rejection] = (),
        late_rejected: list[Rejection] | None = None,
        total: int | None = None,
        on_progress: Callable[[IngestProgress], None] | None = None,
        should_cancel: Callable[[], bool] | None = None,
        on_run_started: Callable[[uuid.UUID], None] | None = None,
        embed: bool = True,
    ) -> IngestReport:
        """Ingest pages of raw items for a profile; every chunk commits on its own, so a failure keeps the rest."""
        started = time.perf_counter()
        if schema is not None and schema not in SPECS:
            raise InvalidInput(f"Unknown dataset format {schema!r}; expected one of: {', '.join(SPECS)}.")
        user_id = self.user_id_for(profile)
        run_id = self.begin_run(user_id, source, criteria, criteria_key)
        if on_run_started:
            on_run_started(run_id)
        tally = _Tally(rejected=list(pre_rejected))
        tally.fetched = len(tally.rejected)
        status, error = "succeeded", None
        try:
            page_iterator = iter(pages)
            first_page = next(page_iterator, None)
            rules = _ReadingRules(schema, datetime.now(UTC), _date_order(first_page or ()), tags_json(criteria_tags))
            pages = itertools.chain([first_page] if first_page is not None else [], page_iterator)
            # One connection writes every chunk of the run (one transaction each): no checkout and liveness ping
            # per chunk, and the COPY's temporary table is made once.
            with self._sessions.kw["bind"].connect() as connection, Session(bind=connection) as session:
                for chunk, prepared in self._prepared_chunks(pages, rules, tally.fetched):
                    if should_cancel and should_cancel():
                        raise IngestionCancelled()
                    self._ingest_chunk(session, run_id, user_id, chunk, prepared, tally, criteria_tags)
                    _take_late(late_rejected, tally)
                    if on_progress:
                        on_progress(
                            IngestProgress(
                                "ingesting",
                                tally.fetched,
                                total,
                                f"{tally.fetched} items · Pool hit {tally.pool_hits} · "
                                f"Pool insert {tally.pool_inserts}",
                            )
                        )
            _take_late(late_rejected, tally)
        except IngestionCancelled as exc:
            status, error = "cancelled", exc.message
        except KeyboardInterrupt:
            # If the database cannot take it, the next start marks the run interrupted: its owner is gone by then.
            with contextlib.suppress(DBAPIError, pg_errors.Error):
                self.interrupt_run(run_id)
            raise
        except JobPoolError as exc:
            status, error = "failed", exc.message
        except Exception as exc:
            if cut_by_interrupt(exc):  # a Ctrl-C in the middle of a statement, and the failed rollback after it
                with contextlib.suppress(DBAPIError, pg_errors.Error):
                    self.interrupt_run(run_id)
                raise KeyboardInterrupt from exc
            if not isinstance(exc, DBAPIError | pg_errors.Error):
                self.finish_run(run_id, tally, "failed", f"{type(exc).__name__}: {exc}")
                raise
            cause = _first_line(getattr(exc, "orig", exc))
            lost = isinstance(exc, OperationalError | pg_errors.OperationalError)
            what = "the database connection was lost" if lost else "the database refused a write"
            try:
                self.finish_run(run_id, tally, "failed", f"{what[0].upper()}{what[1:]} ({cause}).")
            except (DBAPIError, pg_errors.Error) as again:
                # The server is gone: the run stays `running` until the next start finds its owner gone and marks
                # it interrupted with the counts committed so far.
                log.info("could not record the failed run %s: %s", run_id, _first_line(again))
            raise WriteFailed(f"The ingestion stopped: {what} ({cause}).") from exc
        self.finish_run(run_id, tally, status, error)
        log.info(
            "ingestion %s for profile %s: fetched %d, Pool hit %d, Pool insert %d, links +%d (=%d), rejected %d",
            status,
            user_id,
            tally.fetched,
            tally.pool_hits,
            tally.pool_inserts,
            tally.links_created,
            tally.links_existing,
            len(tally.rejected),
        )
        embedded = 0
        if embed and self._embedding is not None and tally.new_pool_ids:
            embedded = self._embed(tally.new_pool_ids, on_progress)
        self.run_after_ingest(user_id, list(tally.new_pool_ids), run_id)
        return self._report(run_id, source, status, error, tally, embedded, time.perf_counter() - started)

    def run_after_ingest(self, user_id: uuid.UUID, new_pool_ids: list[uuid.UUID], run_id: uuid.UUID) -> None:
        """Call the after-ingest hooks for a finished run (a run served from the pool included)."""
        for hook in self.after_ingest:
            hook(user_id, list(new_pool_ids), run_id)

    def embed_pending(self, on_progress: Callable[[IngestProgress], None] | None = None) -> int:
        """Embed pool rows still without a current embedding (left by an interrupted run, or a failed embedder)."""
        if self._embedding is None:
            return 0
        return self._embed(None, on_progress)

    def _embed(self, ids: list[uuid.UUID] | None, on_progress: Callable[[IngestProgress], None] | None) -> int:
        assert self._embedding is not None

        def progress(done: int, total: int) -> None:
            if on_progress:
                on_progress(IngestProgress("embedding", done, total, f"Embedding new jobs {done}/{total}"))

        try:
            return self._embedding.embed_jobs(ids, on_progress=progress)
        except (OperationalError, JobPoolError) as exc:
            # The cards are committed already (a database hiccup, or an HTTP embedder that failed); the rows stay
            # without an embedding and are filled in later (EmbeddingService.embed_jobs()).
            log.warning("embedding postponed: %s", exc)
            return 0

    def begin_run(
        self,
        user_id: uuid.UUID | None,
        source: str,
        criteria: dict[str, Any] | None,
        criteria_key: str | None,
        **fields: Any,
    ) -> uuid.UUID:
        """Record a run as running (its own transaction, so the history shows it at once).

        While it runs, a connection of this process holds a session advisory lock keyed by the run: if the process
        dies (kill -9, a crash) or the server restarts, the lock goes with it, and the next start knows the run has
        no owner any more (recover_interrupted_runs). The lock is taken before the row is visible, so no one can see
        a running run without an owner.
        """
        run_id = uuid.uuid4()
        owner = self._sessions.kw["bind"].connect()
        try:
            owner.execute(text(f"SELECT pg_advisory_lock({_RUN_LOCK_KEY})"), {"run_id": str(run_id)})
            owner.commit()
            with self._sessions.begin() as session:
                session.add(
                    IngestionRun(
                        id=run_id,
                        user_id=user_id,
                        source=source,
                        criteria=criteria,
                        criteria_key=criteria_key,
                        status="running",
                        **fields,
                    )
                )
        except BaseException:
            _release_owner(owner, run_id)
            raise
        self._run_owners[run_id] = owner
        return run_id

    def finish_run(self, run_id: uuid.UUID, tally: _Tally, status: str, error: str | None, **fields: Any) -> None:
        """Write a run's final counts and status, and give up its ownership."""
        try:
            with self._sessions.begin() as session:
                session.execute(
                    update(IngestionRun)
                    .where(IngestionRun.id == run_id)
                    .values(
                        status=status,
                        error=error,
                        **_counts(tally),
                        rejections=[_rejection_json(r) for r in tally.rejected[:MAX_STORED_REJECTIONS]],
                        finished_at=func.now(),
                        **fields,
                    )
                )
        finally:
            owner = self._run_owners.pop(run_id, None)
            if owner is not None:
                _release_owner(owner, run_id)

    def interrupt_run(self, run_id: uuid.UUID) -> None:
        """Ctrl-C: end a run as interrupted, keeping the counts its committed chunks stored.

        The counts in memory may be behind the database (the signal can land between a chunk's commit and the
        tally's update), so they are not written here.
        """
        try:
            with self._sessions.begin() as session:
                session.execute(
                    text(
                        "UPDATE ingestion_run SET status = 'interrupted', finished_at = now(), "
                        "  error = 'Interrupted by the user; the ' || fetched || ' items stored before that are kept.' "
                        "WHERE id = :run_id"
                    ),
                    {"run_id": run_id},
                )
        finally:
            owner = self._run_owners.pop(run_id, None)
            if owner is not None:
                _release_owner(owner, run_id)

    def recover_interrupted_runs(self) -> int:
        """Mark runs whose process is gone (no one holds their lock) as interrupted; returns how many."""
        with self._sessions.begin() as session:
            result = session.execute(
                text(
                    "UPDATE ingestion_run SET status = 'interrupted', finished_at = coalesce(finished_at, now()), "
                    "  error = 'Interrupted: the app or its database stopped during the run; the ' || fetched || "
                    "          ' items stored before that are kept.' "
                    "WHERE id IN (SELECT id FROM ingestion_run WHERE status = 'running') "
                    f"  AND pg_try_advisory_xact_lock({_RUN_LOCK_KEY.replace(':run_id', 'CAST(id AS text)')})"
                )
            )
            marked = affected_rows(result)
            if marked:
                log.warning("marked %d ingestion run(s) left running by a stopped process as interrupted", marked)
            return marked

    def _prepared_chunks(
        self, pages: Iterable[Sequence[object]], rules: _ReadingRules, start_index: int
    ) -> Iterator[tuple[Sequence[object], _PreparedChunk]]:
        """Chunks of each page, prepared (normalized, hashed, COPY rows) while the one before is written.

        Only chunks of a page already received are prepared ahead: a live source's next page is never waited for
        before the current one is stored.
        """
        index = start_index
        first_page = True
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="normalize") as worker:
            for page in pages:
                pending: deque[tuple[Sequence[object], Future[_PreparedChunk]]] = deque()
                for start, end in _chunk_bounds(len(page), self.chunk_size, ramp=first_page):
                    chunk = page[start:end]
                    pending.append((chunk, worker.submit(_prepare_chunk, chunk, rules, index)))
                    index += len(chunk)
                    if len(pending) > 1:
                        ready, future = pending.popleft()
                        yield ready, future.result()
                while pending:
                    ready, future = pending.popleft()
                    yield ready, future.result()
                first_page = False

    def _ingest_chunk(
        self,
        session: Session,
        run_id: uuid.UUID,
        user_id: uuid.UUID,
        items: Sequence[object],
        prepared: _PreparedChunk,
        tally: _Tally,
        criteria_tags: Sequence[str],
    ) -> None:
        batch = prepared.batch
        kept, duplicates = _dedup_indices(batch.jobs, prepared.hashes, tally.seen)
        unique = [(prepared.hashes[i], batch.jobs[i]) for i in kept]
        rows = [prepared.rows[i] for i in kept]
        for attempt in range(5):
            try:
                with session.begin():
                    try:
                        upserted = self._pool.upsert_many(session, unique, criteria_tags, rows)
                        pool_ids = [upserted.ids[h] for h, _ in unique]
                        # The links, the run's job list and its counts in one statement: the counts commit with the
                        # chunk, so a run cut short still shows what it stored.
                        created = self._link_and_record(
                            session,
                            user_id,
                            run_id,
                            pool_ids,
                            {
                                "fetched": tally.fetched + len(items),
                                "rejected": len(tally.rejected) + len(batch.rejected),
                                "pool_inserts": tally.pool_inserts + len(upserted.inserted),
                                "pool_hits": tally.pool_hits + upserted.hits,
                                "links_created": tally.links_created,
                                "links_existing": tally.links_existing,
                            },
                        )
                    except KeyboardInterrupt:
                        # A Ctrl-C can leave the connection in the middle of a command, where a rollback fails and
                        # would hide the interrupt: the connection is dropped instead (the server rolls back).
                        session.connection().invalidate()
                        raise
                break
            except (OperationalError, pg_errors.OperationalError) as exc:
                # COPY runs on the driver connection, so its errors arrive unwrapped.
                cause = getattr(exc, "orig", exc)
                if isinstance(cause, _RETRYABLE) and attempt < 4:
                    log.info("retrying a chunk after %s", type(cause).__name__)
                    time.sleep(0.05 * (attempt + 1))
                    continue
                raise
        tally.fetched += len(items)
        tally.duplicates += duplicates
        tally.cleaned += len(batch.cleaned)
        tally.urls_dropped += batch.urls_dropped
        tally.dates_inferred += batch.dates_inferred
        tally.formats.update(batch.formats)
        tally.sources.update(job.source for job in batch.jobs)
        tally.rejected.extend(batch.rejected)
        tally.seen.update(h for h, _ in unique)
        tally.pool_inserts += len(upserted.inserted)
        tally.pool_hits += upserted.hits
        tally.links_created += created
        tally.links_existing += len(pool_ids) - created
        tally.new_pool_ids.extend(upserted.ids[h] for h in sorted(upserted.inserted))

    @staticmethod
    def link_jobs(session: Session, user_id: uuid.UUID, pool_ids: Sequence[uuid.UUID], score: Any = None) -> int:
        """Create the profile's links to these pool jobs on top of its Recommended column; returns how many are new."""
        if not pool_ids:
            return 0
        lock_new_card_positions(session, user_id)
        result = session.execute(
            text(f"WITH {_TOP_OF_RECOMMENDED} {_INSERT_LINKS}"),
            {"uid": user_id, "ids": list(pool_ids), "n": len(pool_ids)},
        )
        return affected_rows(result)

    @staticmethod
    def _link_and_record(
        session: Session, user_id: uuid.UUID, run_id: uuid.UUID, pool_ids: Sequence[uuid.UUID], counts: dict[str, int]
    ) -> int:
        """link_jobs and record_run_jobs in one statement that also writes the run's counts; returns the new links.

        `counts` are the run's counts with this chunk's (links_created and links_existing before it: the
        statement adds this chunk's links).
        """
        if not pool_ids:  # every item of the chunk rejected, or seen before in the run: the counts only
            session.execute(
                text(
                    f"UPDATE ingestion_run SET {_RUN_COUNTS}, links_created = :links_created, "
                    "  links_existing = :links_existing WHERE id = :rid"
                ),
                {"rid": run_id, **counts},
            )
            return 0
        lock_new_card_positions(session, user_id)
        return int(
            session.execute(
                text(
                    f"WITH {_TOP_OF_RECOMMENDED}, "
                    f"linked AS ({_INSERT_LINKS} RETURNING 1), "
                    "created AS (SELECT count(*) AS n FROM linked), "
                    f"recorded AS ({_INSERT_RUN_JOBS}), "
                    "counted AS ("
                    f"  UPDATE ingestion_run SET {_RUN_COUNTS}, links_created = :links_created + created.n, "
                    "    links_existing = :links_existing + :n - created.n "
                    "  FROM created WHERE id = :rid) "
                    "SELECT n FROM created"
                ),
                {"uid": user_id, "rid": run_id, "ids": list(pool_ids), "n": len(pool_ids), **counts},
            ).scalar_one()
        )

    @staticmethod
    def record_run_jobs(session: Session, run_id: uuid.UUID, pool_ids: Sequence[uuid.UUID]) -> None:
        """Remember which pool jobs a run produced (what a later identical search is served from)."""
        if pool_ids:
            session.execute(text(_INSERT_RUN_JOBS), {"rid": run_id, "ids": list(pool_ids)})

    def user_id_for(self, profile: str | uuid.UUID) -> uuid.UUID:
        """The id of a profile given by name (case-insensitive) or id."""
        with self._sessions() as session:
            if isinstance(profile, uuid.UUID):
                found = session.scalar(select(User.id).where(User.id == profile))
            else:
                found = session.scalar(select(User.id).where(func.lower(User.name) == profile.strip().lower()))
        if found is None:
            raise NotFound(f"No profile named “{profile}”. Create it with `profiles add`.")
        return found

    @staticmethod
    def _report(
        run_id: uuid.UUID, source: str, status: str, error: str | None, tally: _Tally, embedded: int, seconds: float
    ) -> IngestReport:
        return IngestReport(
            run_id=run_id,
            source=source,
            status=status,
            fetched=tally.fetched,
            rejected=[_rejection_json(r) for r in tally.rejected],
            cleaned=tally.cleaned,
            pool_inserts=tally.pool_inserts,
            pool_hits=tally.pool_hits,
            links_created=tally.links_created,
            links_existing=tally.links_existing,
            embedded=embedded,
            seconds=seconds,
            error=error,
            duplicates=tally.duplicates,
            urls_dropped=tally.urls_dropped,
            dates_inferred=tally.dates_inferred,
            formats=dict(tally.formats.most_common()),
            job_sources=dict(tally.sources.most_common()),
        )


__all__ = ["IngestProgress", "IngestionService", "JobStatus", "dedup_batch"]


def _chunk_bounds(length: int, chunk_size: int, *, ramp: bool) -> Iterator[tuple[int, int]]:
    """(start, end) of each chunk of a page; with ramp, the sizes grow from RAMP_FIRST_CHUNK to chunk_size."""
    size = RAMP_FIRST_CHUNK if ramp and chunk_size > RAMP_FIRST_CHUNK else chunk_size
    start = 0
    while start < length:
        end = min(length, start + size)
        yield start, end
        start = end
        size = min(chunk_size, size * 2)
