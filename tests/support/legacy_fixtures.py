"""Builders of v1 (per-user) databases for the migration tests and benchmark, and a full-content snapshot."""

from __future__ import annotations

import json
import random
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import numpy as np
import psycopg
from pgvector.psycopg import register_vector
from sqlalchemy.engine import make_url

V1_SCHEMA = """
CREATE EXTENSION IF NOT EXISTS vector;
CREATE TABLE users (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(), email text UNIQUE, name text, created_at timestamptz DEFAULT now());
CREATE TABLE job (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES users ON DELETE CASCADE,
  hash text, source text, external_id text, url text, title text NOT NULL, company text, location text,
  description text, salary text, job_type text, is_remote boolean, posted_at timestamptz,
  status text NOT NULL DEFAULT 'recommended', match_score integer, gap_analysis jsonb, notes text,
  embedding vector(1536), created_at timestamptz NOT NULL DEFAULT now(), updated_at timestamptz,
  UNIQUE (user_id, hash));
CREATE INDEX job_user_id_idx ON job (user_id);
CREATE TABLE tailored_resume (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(), job_id uuid REFERENCES job(id) ON DELETE CASCADE, content text,
  created_at timestamptz);
"""

JOB_COLUMNS = (
    "id",
    "user_id",
    "hash",
    "source",
    "external_id",
    "url",
    "title",
    "company",
    "location",
    "description",
    "salary",
    "job_type",
    "is_remote",
    "posted_at",
    "status",
    "match_score",
    "gap_analysis",
    "notes",
    "embedding",
    "created_at",
    "updated_at",
)
T0 = datetime(2024, 1, 1, 9, 0, tzinfo=UTC)


def libpq_url(url: str) -> str:
    """A SQLAlchemy URL as a libpq connection URI."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@contextmanager
def connect(url: str) -> Iterator[psycopg.Connection]:
    """A psycopg connection (vector type registered) that commits on success."""
    with psycopg.connect(libpq_url(url)) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS vector")
        register_vector(conn)
        yield conn


def query(url: str, sql: str, params: tuple | dict | None = None) -> list[dict]:
    """Rows of one query as dicts."""
    from psycopg.rows import dict_row

    with connect(url) as conn, conn.cursor(row_factory=dict_row) as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else []


def vector(seed: int) -> np.ndarray:
    """A deterministic unit vector of 1536 dimensions."""
    values = np.random.default_rng(seed).standard_normal(1536).astype(np.float32)
    return values / np.linalg.norm(values)


def at(days: float) -> datetime:
    """A fixed moment `days` after 2024-01-01."""
    return T0 + timedelta(days=days)


@dataclass
class LegacyJob:
    """One v1 job row; unset fields stay NULL."""

    user: str
    title: str
    company: str | None = None
    location: str | None = None
    status: str = "recommended"
    hash: str | None = None
    notes: str | None = None
    description: str | None = None
    salary: str | None = None
    url: str | None = None
    source: str | None = None
    external_id: str | None = None
    job_type: str | None = None
    is_remote: bool | None = None
    posted_at: datetime | None = None
    match_score: int | None = None
    gap_analysis: dict | None = None
    embedding: int | None = None
    created: float = 0.0
    updated: float | None = None
    id: uuid.UUID = field(default_factory=uuid.uuid4)


@dataclass
class LegacyFixture:
    """The built database: users by key, jobs by key, tailored resume ids."""

    users: dict[str, uuid.UUID]
    jobs: dict[str, LegacyJob]
    resumes: dict[str, uuid.UUID]

    def job_id(self, key: str) -> uuid.UUID:
        """The id of a job row by its key."""
        return self.jobs[key].id


def create_v1_schema(url: str) -> None:
    """The v1 tables, empty."""
    with connect(url) as conn:
        conn.execute(V1_SCHEMA)


def insert_users(conn: psycopg.Connection, users: dict[str, tuple[str | None, str | None, datetime | None]]) -> dict:
    """Insert users {key: (name, email, created_at)}; returns {key: id}."""
    ids = {}
    for key, (name, email, created) in users.items():
        ids[key] = conn.execute(
            "INSERT INTO users (name, email, created_at) VALUES (%s, %s, %s) RETURNING id", (name, email, created)
        ).fetchone()[0]
    return ids


def insert_jobs(conn: psycopg.Connection, users: dict[str, uuid.UUID], jobs: dict[str, LegacyJob]) -> None:
    """Insert job rows with COPY (binary vectors)."""
    with conn.cursor().copy(f"COPY job ({', '.join(JOB_COLUMNS)}) FROM STDIN") as copy:
        for job in jobs.values():
            copy.write_row(
                (
                    job.id,
                    users[job.user],
                    job.hash,
                    job.source,
                    job.external_id,
                    job.url,
                    job.title,
                    job.company,
                    job.location,
                    job.description,
                    job.salary,
                    job.job_type,
                    job.is_remote,
                    job.posted_at,
                    job.status,
                    job.match_score,
                    json.dumps(job.gap_analysis) if job.gap_analysis is not None else None,
                    job.notes,
                    vector(job.embedding) if job.embedding is not None else None,
                    at(job.created),
                    at(job.updated) if job.updated is not None else None,
                )
            )


MESSY_USERS = {
    "alice": ("Alice", "alice@example.com", at(-300)),
    "bob": (None, "bob@example.com", at(-200)),
    "carol": ("Carol", "carol@example.com", at(-100)),
    "carol2": ("  carol ", "carol.two@example.com", at(-50)),
    "dave": ("Dave", "dave@example.com", at(-40)),
    "erin": (None, None, None),
    "frank": ("  Frank \t  Smith ", None, at(-30)),
}

NOTE_QUOTES = "Called the recruiter — she said \"maybe\"; it's a 'soft' yes.\nFollow up on Monday."
NOTE_UNICODE = "Zweites Gespräch: 日本語のメモ ✓ — naïve café, emoji 🎉\n\ttab-indented line\\backslash"
NOTE_SHARED = "Same note saved twice."


def messy_jobs() -> dict[str, LegacyJob]:
    """The messy v1 rows the tests assert on (keys describe each row's role)."""
    jobs = {
        # One job for three profiles, conflicting metadata; alice's copy is the most complete and wins the pool row.
        "py_alice": LegacyJob(
            "alice",
            "Senior Python Developer",
            "Acme Corp.",
            "Berlin, Germany",
            "Applied",
            hash="a-1",
            description="Build data pipelines in Python. " * 20,
            salary="€60,000 – €75,000 a year",
            url="https://jobs.example/acme/1",
            source="linkedin",
            external_id="li-1",
            job_type="full-time",
            is_remote=False,
            posted_at=at(-10),
            match_score=82,
            gap_analysis={"missing": ["Kafka"]},
            embedding=1,
            notes=NOTE_QUOTES,
            created=-9,
            updated=-5,
        ),
        "py_bob": LegacyJob(
            "bob",
            "senior python developer",
            "ACME corp",
            "Berlin,  Germany",
            "  APPLIED ",
            hash=None,
            description="Short text.",
            created=-8,
        ),
        "py_carol": LegacyJob(
            "carol",
            "Senior Python Developer!",
            "Acme Corporation",
            "berlin germany",
            "Phone   Screen",
            hash="c-9",
            description="Python role, medium text " * 5,
            salary="competitive",
            url="https://jobs.example/acme/1b",
            embedding=3,
            created=-7,
            updated=-2,
        ),
        # Two rows of alice with different old hashes, one job under v2: merge, later status wins, both notes kept.
        "de_alice_1": LegacyJob(
            "alice",
            "Data Engineer",
            "Globex, Inc.",
            "Remote",
            "Applied",
            hash="x-1",
            notes=NOTE_QUOTES,
            salary="$90,000 - $120,000 a year",
            match_score=150,
            created=-30,
            updated=-20,
        ),
        "de_alice_2": LegacyJob(
            "alice",
            "data engineer",
            "GLOBEX",
            "remote",
            " interview ",
            hash="x-2",
            notes=NOTE_UNICODE,
            match_score=40,
            gap_analysis={"missing": ["Spark"]},
            created=-25,
            updated=-21,
        ),
        # Bob: offer then rejected for one job: rejected is later in board order and wins.
        # qa_bob_1 is the more complete row but has no embedding: the pool row keeps qa_bob_2's.
        "qa_bob_1": LegacyJob(
            "bob",
            "QA Engineer",
            "Initech",
            "Austin, TX",
            "Offer",
            hash="q-1",
            notes=NOTE_SHARED,
            description="Test things.",
            url="https://jobs.example/initech",
            created=-12,
        ),
        "qa_bob_2": LegacyJob(
            "bob",
            "QA Engineer",
            "Initech LLC",
            "Austin TX",
            "rejected",
            hash="q-2",
            notes=NOTE_SHARED,
            embedding=4,
            created=-11,
            updated=-1,
        ),
        # Carol: three copies of one job, one with an unknown status and no notes.
        "ml_carol_1": LegacyJob(
            "carol", "ML Engineer", "Hooli", "Palo Alto", "Maybe later", hash="m-1", notes="first", created=-15
        ),
        "ml_carol_2": LegacyJob("carol", "ML engineer", "Hooli Inc", "Palo Alto", "saved", hash="m-2", created=-14),
        "ml_carol_3": LegacyJob(
            "carol",
            "ML Engineer ",
            "hooli",
            "palo alto",
            "Technical",
            hash=None,
            notes="third",
            created=-13,
            embedding=5,
        ),
        # Odd statuses, unknown statuses, odd notes.
        "ghost_bob": LegacyJob(
            "bob", "Backend Developer", "Umbrella", "Paris", "GHOSTED", hash="u-1", salary="45 an hour", created=-6
        ),
        "withdrawn_alice": LegacyJob(
            "alice", "Go Developer", "Stark Industries", "NYC", "Withdrawn", hash="s-1", created=-4, match_score=-3
        ),
        "empty_status": LegacyJob(
            "carol2", "Frontend Developer", "Wayne Enterprises", "Gotham", "", hash="w-1", notes="   ", created=-3
        ),
        "phone_underscore": LegacyJob(
            "carol2", "Site Reliability Engineer", "Wayne Enterprises", "Gotham", "phone_screen", hash="w-2", created=-3
        ),
        "unknown_emoji": LegacyJob(
            "frank", "Rust Developer", "Cyberdyne", None, "🤔 thinking", hash="cy-1", notes=NOTE_UNICODE, created=-2
        ),
        "offer_frank": LegacyJob(
            "frank",
            "Staff Engineer",
            None,
            None,
            "OFFER accepted",
            hash="cy-2",
            created=-1,
            notes="Line one\r\nLine two\nLine three",
        ),
        "erin_job": LegacyJob(
            "erin", "Product Manager", "Acme Corp", "Berlin, Germany", "Saved", hash="e-1", created=-1
        ),
    }
    return jobs


def build_messy_v1(url: str) -> LegacyFixture:
    """A v1 database with every kind of mess the migration must handle."""
    create_v1_schema(url)
    jobs = messy_jobs()
    with connect(url) as conn:
        users = insert_users(conn, MESSY_USERS)
        insert_jobs(conn, users, jobs)
        resumes = {}
        for key, job_key, content, created in (
            ("py_old", "py_alice", "Resume tailored for Acme (first draft)", at(-8)),
            ("py_new", "py_alice", "Resume tailored for Acme (final)", at(-6)),
            ("de_secondary", "de_alice_2", "Resume for Globex", at(-20)),
            ("orphan", None, "A resume kept without a job", None),
        ):
            resumes[key] = conn.execute(
                "INSERT INTO tailored_resume (job_id, content, created_at) VALUES (%s, %s, %s) RETURNING id",
                (jobs[job_key].id if job_key else None, content, created),
            ).fetchone()[0]
    return LegacyFixture(users=users, jobs=jobs, resumes=resumes)


def table_contents(url: str) -> dict[str, list[str]]:
    """Every row of every table in the public schema, as sorted JSON text."""
    with connect(url) as conn:
        tables = [
            r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
        ]
        return {
            table: [r[0] for r in conn.execute(f'SELECT to_jsonb(t)::text AS j FROM "{table}" t ORDER BY 1')]
            for table in tables
        }


def schema_dump(url: str, tables: tuple[str, ...] = ()) -> str:
    """pg_dump --schema-only of the database or of some tables (the per-run \\restrict key lines removed)."""
    from app.migration.backup import find_pg_dump

    result = subprocess.run(
        [
            str(find_pg_dump()),
            "--schema-only",
            "--no-owner",
            f"--dbname={libpq_url(url)}",
            *(f"--table={table}" for table in tables),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return "\n".join(line for line in result.stdout.splitlines() if not line.startswith(("\\restrict", "\\unrestrict")))


def snapshot(url: str) -> tuple[str, dict[str, list[str]]]:
    """The full state of a database: its schema dump and the contents of every table."""
    return schema_dump(url), table_contents(url)


COMPANIES = (
    "Acme Corp",
    "Globex, Inc.",
    "Initech LLC",
    "Umbrella",
    "Hooli",
    "Stark Industries",
    "Wayne GmbH",
    "Cyberdyne",
    "Soylent Co",
    "Tyrell Corporation",
)
TITLES = (
    "Python Developer",
    "Data Engineer",
    "QA Engineer",
    "Backend Developer",
    "ML Engineer",
    "SRE",
    "Frontend Developer",
    "Product Manager",
    "Data Scientist",
    "Platform Engineer",
)
CITIES = ("Berlin", "Paris", "London", "Austin, TX", "Remote", "Munich", "Amsterdam", "Lisbon")
STATUSES = (
    "saved",
    "Applied",
    " applied",
    "Interview",
    "phone screen",
    "Offer",
    "rejected",
    "ghosted",
    "withdrawn",
    "new",
    "Maybe",
    "",
)


def _bulk_rows(rng: random.Random, user: int, count: int, catalog: int) -> Iterator[tuple[int, bool]]:
    """(posting, variant) pairs for one profile: distinct postings, every 50th saved a second time."""
    postings = rng.sample(range(catalog), count - count // 50)
    for i, posting in enumerate(postings):
        yield posting, False
        if i % 49 == 0 and i // 49 < count // 50:
            yield posting, True  # a second copy: other spelling and old hash, one job under the v2 rule


def build_bulk_v1(
    url: str,
    rows: int = 100_000,
    users: int = 20,
    catalog: int = 30_000,
    embedded_fraction: float = 0.25,
    seed: int = 7,
) -> int:
    """A large v1 database: `rows` jobs over `users` profiles drawn from `catalog` postings, so profiles share
    jobs and some profiles hold two copies of one job; returns the row count."""
    rng = random.Random(seed)
    create_v1_schema(url)
    centroids = np.random.default_rng(seed).standard_normal((64, 1536)).astype(np.float32)
    columns = (
        "user_id",
        "hash",
        "source",
        "url",
        "title",
        "company",
        "location",
        "description",
        "salary",
        "status",
        "match_score",
        "notes",
        "embedding",
        "created_at",
    )
    written = 0
    with connect(url) as conn:
        user_ids = insert_users(conn, {f"u{i}": (f"User {i}", f"u{i}@example.com", at(-400)) for i in range(users)})
        with conn.cursor().copy(f"COPY job ({', '.join(columns)}) FROM STDIN") as copy:
            for u in range(users):
                for posting, variant in _bulk_rows(rng, u, rows // users, catalog):
                    company = COMPANIES[posting % len(COMPANIES)]
                    title = f"{TITLES[(posting // 10) % len(TITLES)]} {posting // 100}"
                    if variant:
                        title, company = title.upper() + "!", company.upper()
                    embedding = None
                    if rng.random() < embedded_fraction:
                        values = centroids[posting % 64] + 0.3 * np.random.default_rng(posting).standard_normal(1536)
                        embedding = (values / np.linalg.norm(values)).astype(np.float32)
                    copy.write_row(
                        (
                            user_ids[f"u{u}"],
                            None if written % 7 == 0 else f"h{u}-{posting}-{variant}",
                            "linkedin",
                            f"https://jobs.example/{posting}",
                            title,
                            company,
                            CITIES[posting % len(CITIES)],
                            f"Posting {posting}: " + "work on interesting things. " * rng.randint(5, 40),
                            f"${40 + posting % 80},000 - ${60 + posting % 80},000 a year" if posting % 3 else None,
                            STATUSES[rng.randrange(len(STATUSES))],
                            rng.randint(0, 100) if written % 4 else None,
                            f"note {written} for posting {posting}\nsecond line" if written % 5 == 0 else None,
                            embedding,
                            at(-rng.uniform(0, 365)),
                        )
                    )
                    written += 1
    return written
