"""Possible duplicates: pool jobs on one board that may be one posting, for a person to merge or dismiss.

Two rules, both within one company (company names compared as the hash compares them):
- "title spelling": the same metro (or both remote) and the same title once spelling is set aside — gender
  markers ("(m/w/d)", "H/F", "(all genders)"), abbreviations ("Sr." / "Senior", "Jr", "Mgr"), word order of
  those markers. Score 1.0. ("location spelling" when even the titles are equal: two places in one metro.)
- "similar posting": posting vectors whose cosine similarity is at least SIMILARITY_THRESHOLD. Score: the
  similarity.
Of a pair, the card added later is the possible duplicate of the earlier one. Pairs the profile called "Not a
duplicate" (job_pool_not_duplicate) are not listed again. Merging calls app.dedup.merge for the pair.
"""

from __future__ import annotations

import re
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from pgvector import Vector
from sqlalchemy import or_, select, text
from sqlalchemy.orm import Session, sessionmaker

from app.dedup.merge import MergeReport, merge_pool_jobs
from app.errors import InvalidInput, NotFound
from app.hashing import norm, norm_company
from app.locations import canonical_location
from app.profiles import find_user
from db.engine import psycopg_connection
from db.models import NotDuplicate, PoolJob, UserJob

if TYPE_CHECKING:
    import numpy as np

SIMILARITY_THRESHOLD = 0.95
REASON_TITLE = "title spelling"
REASON_PLACE = "location spelling"
REASON_VECTOR = "similar posting"
# Largest group of one company's cards compared by vector (pairs grow with its square).
MAX_VECTOR_GROUP = 2000

_GENDER_MARKERS = re.compile(
    r"\b(?:(?:[mwfdhx]|div|divers)(?: (?:[mwfdhx]|div|divers)){1,2}|all genders?|alle geschlechter|gn)\b"
)
_ABBREVIATIONS = {
    "sr": "senior",
    "snr": "senior",
    "jr": "junior",
    "jnr": "junior",
    "mgr": "manager",
    "engr": "engineer",
    "eng": "engineer",
    "dev": "developer",
    "devs": "developers",
    "sw": "software",
    "asst": "assistant",
    "assoc": "associate",
    "admin": "administrator",
    "dir": "director",
    "vp": "vice president",
    "ii": "2",
    "iii": "3",
    "and": "",
}


def title_key(title: str | None) -> str:
    """A title with its spelling set aside: "Sr. Data Engineer (m/w/d)" -> "senior data engineer"."""
    text_ = _GENDER_MARKERS.sub(" ", norm(title))
    words = (_ABBREVIATIONS.get(word, word) for word in text_.split())
    return " ".join(word for word in words if word)


def _place(location: str | None) -> str:
    place = canonical_location(location)
    if place.remote:
        return f"remote|{place.country}"
    return place.metro or place.key


@dataclass(frozen=True, slots=True)
class PossibleDuplicate:
    """One pool job on a board that may be a copy of another on the same board."""

    job_pool_id: uuid.UUID
    duplicate_of: uuid.UUID
    reason: str
    score: float
    title: str
    duplicate_of_title: str
    duplicate_of_company: str | None
    duplicate_of_location: str | None

    def to_json(self) -> dict[str, Any]:
        """The CLI's JSON object."""
        return {
            "job_pool_id": str(self.job_pool_id),
            "duplicate_of": str(self.duplicate_of),
            "reason": self.reason,
            "score": self.score,
        }


@dataclass(frozen=True, slots=True)
class _Card:
    job_pool_id: uuid.UUID
    title: str
    company: str | None
    location: str | None
    added_at: datetime


def _older_first(a: _Card, b: _Card) -> tuple[_Card, _Card]:
    return (a, b) if (a.added_at, str(a.job_pool_id)) <= (b.added_at, str(b.job_pool_id)) else (b, a)


def _unit(vectors: Iterable[Any]) -> np.ndarray:
    import numpy as np  # loaded when a company's cards are first compared, not at start

    rows = [v.to_numpy() if isinstance(v, Vector) else v for v in vectors]  # binary reads give pgvector's Vector
    matrix = np.asarray(rows, dtype=np.float32)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return matrix / norms


class DuplicateService:
    """Finds a board's possible duplicates and applies a person's answer (merge, or not a duplicate)."""

    def __init__(self, sessions: sessionmaker[Session], threshold: float = SIMILARITY_THRESHOLD) -> None:
        self._sessions = sessions
        self.threshold = threshold

    def possible_duplicates(self, profile: str | uuid.UUID) -> list[PossibleDuplicate]:
        """Every possible duplicate on a profile's board, title-spelling pairs first, then by score."""
        with self._sessions() as session:
            user = find_user(session, profile)
            found = self._found(session, self._cards(session, user.id), self._dismissed(session, user.id))
        return self._ordered(found)

    def for_job(self, profile: str | uuid.UUID, job_pool_id: uuid.UUID) -> list[PossibleDuplicate]:
        """The possible duplicates that involve one pool job, each seen from that job ("duplicate of" the other)."""
        with self._sessions() as session:
            user = find_user(session, profile)
            group = self._company_cards(session, user.id, job_pool_id)
            if not group:
                return []
            found = self._found(session, group, self._dismissed(session, user.id))
        out = []
        for dup in self._ordered(found):
            if dup.job_pool_id == job_pool_id:
                out.append(dup)
            elif dup.duplicate_of == job_pool_id:
                out.append(self._flipped(dup))
        return out

    def for_card(self, user_job_id: uuid.UUID) -> list[PossibleDuplicate]:
        """The possible duplicates of a card's pool job on its profile's board (the detail pane's banner)."""
        user_id, job_pool_id = self._card_ids(user_job_id)
        return self.for_job(user_id, job_pool_id)

    def _found(
        self, session: Session, cards: list[_Card], dismissed: set[tuple[uuid.UUID, uuid.UUID]]
    ) -> dict[tuple[uuid.UUID, uuid.UUID], PossibleDuplicate]:
        by_company: dict[str, list[_Card]] = defaultdict(list)
        for card in cards:
            by_company[norm_company(card.company)].append(card)
        found: dict[tuple[uuid.UUID, uuid.UUID], PossibleDuplicate] = {}
        for group in by_company.values():
            if len(group) > 1:
                self._title_pairs(group, dismissed, found)
        for group in by_company.values():
            if 1 < len(group) <= MAX_VECTOR_GROUP:
                self._vector_pairs(session, group, dismissed, found)
        return found

    @staticmethod
    def _ordered(found: dict[tuple[uuid.UUID, uuid.UUID], PossibleDuplicate]) -> list[PossibleDuplicate]:
        return sorted(found.values(), key=lambda d: (d.reason == REASON_VECTOR, -d.score, str(d.job_pool_id)))

    def not_duplicate_for_card(self, user_job_id: uuid.UUID, other: uuid.UUID) -> None:
        """ "Not a duplicate", answered from a card's detail pane."""
        user_id, job_pool_id = self._card_ids(user_job_id)
        self.not_duplicate(user_id, job_pool_id, other)

    def merge_for_card(self, user_job_id: uuid.UUID, other: uuid.UUID) -> MergeReport:
        """ "Merge", answered from a card's detail pane: the pool job scraped first is kept."""
        user_id, job_pool_id = self._card_ids(user_job_id)
        with self._sessions() as session:
            rows = session.execute(
                select(PoolJob.id).where(PoolJob.id.in_([job_pool_id, other])).order_by(PoolJob.scraped_at, PoolJob.id)
            ).scalars()
            order = list(rows)
        if len(order) != 2:
            raise NotFound("One of the two jobs is gone (merged or removed); the board shows what is left.")
        kept, dropped = order
        return self.merge(user_id, dropped, kept)

    def _card_ids(self, user_job_id: uuid.UUID) -> tuple[uuid.UUID, uuid.UUID]:
        with self._sessions() as session:
            row = session.execute(
                select(UserJob.user_id, UserJob.job_pool_id).where(UserJob.id == user_job_id)
            ).one_or_none()
        if row is None:
            raise NotFound("This card is gone (merged or removed).")
        return row.user_id, row.job_pool_id

    def _flipped(self, dup: PossibleDuplicate) -> PossibleDuplicate:
        with self._sessions() as session:
            job = session.get(PoolJob, dup.job_pool_id)
            assert job is not None
            return PossibleDuplicate(
                job_pool_id=dup.duplicate_of,
                duplicate_of=dup.job_pool_id,
                reason=dup.reason,
                score=dup.score,
                title=dup.duplicate_of_title,
                duplicate_of_title=job.title,
                duplicate_of_company=job.company,
                duplicate_of_location=job.location,
            )

    def not_duplicate(self, profile: str | uuid.UUID, job_pool_id: uuid.UUID, other: uuid.UUID) -> None:
        """Remember that two pool jobs are not one posting, for this profile."""
        if job_pool_id == other:
            raise InvalidInput("A job cannot be a duplicate of itself.")
        low, high = sorted((job_pool_id, other), key=str)
        with self._sessions.begin() as session:
            user = find_user(session, profile)
            self._require_jobs(session, [low, high])
            session.execute(
                text(
                    "INSERT INTO job_pool_not_duplicate (user_id, job_pool_id, other_job_pool_id) "
                    "VALUES (:u, :a, :b) ON CONFLICT DO NOTHING"
                ),
                {"u": user.id, "a": low, "b": high},
            )

    def merge(self, profile: str | uuid.UUID, job_pool_id: uuid.UUID, into: uuid.UUID) -> MergeReport:
        """Merge pool job `job_pool_id` into `into` (for every profile: the pool holds each posting once)."""
        if job_pool_id == into:
            raise InvalidInput("A job cannot be merged into itself.")
        with self._sessions.begin() as session:
            find_user(session, profile)
            self._require_jobs(session, [job_pool_id, into])
            return merge_pool_jobs(session.connection(), [(job_pool_id, into)], reason="merged by a person")

    @staticmethod
    def _require_jobs(session: Session, ids: list[uuid.UUID]) -> None:
        found = set(session.scalars(select(PoolJob.id).where(PoolJob.id.in_(ids))))
        missing = [str(i) for i in ids if i not in found]
        if missing:
            raise NotFound(f"No pool job {missing[0]} (it may have been merged or removed).")

    @staticmethod
    def _cards(session: Session, user_id: uuid.UUID, companies: list[str | None] | None = None) -> list[_Card]:
        """A board's cards; only those whose company is one of `companies` (None: no company) when given."""
        stmt = (
            select(PoolJob.id, PoolJob.title, PoolJob.company, PoolJob.location, UserJob.added_at)
            .join(UserJob, UserJob.job_pool_id == PoolJob.id)
            .where(UserJob.user_id == user_id)
        )
        if companies is not None:
            named = [name for name in companies if name is not None]
            stmt = stmt.where(
                or_(PoolJob.company.in_(named), PoolJob.company.is_(None))
                if None in companies
                else PoolJob.company.in_(named)
            )
        return [_Card(*row) for row in session.execute(stmt)]

    @staticmethod
    def _company_cards(session: Session, user_id: uuid.UUID, job_pool_id: uuid.UUID) -> list[_Card]:
        """The board's cards of the same company as a job on it (none when the job is not on the board).

        Both cards of a pair are of one company, so the detail pane's check of one card reads the board's distinct
        company names, then the cards of the names that are that company: reading every card of a board of 5,000
        held the GIL long enough to stall the window at each card shown.
        """
        joined = "FROM user_job u JOIN job_pool p ON p.id = u.job_pool_id WHERE u.user_id = %s"
        with psycopg_connection(session.connection()).cursor() as cursor:
            mine = cursor.execute(f"SELECT p.company {joined} AND p.id = %s", (user_id, job_pool_id)).fetchone()
            if mine is None:
                return []
            key = norm_company(mine[0])
            names = [name for (name,) in cursor.execute(f"SELECT DISTINCT p.company {joined}", (user_id,))]
        same = [name for name in names if norm_company(name) == key]
        return DuplicateService._cards(session, user_id, companies=same)

    @staticmethod
    def _dismissed(session: Session, user_id: uuid.UUID) -> set[tuple[uuid.UUID, uuid.UUID]]:
        rows = session.execute(
            select(NotDuplicate.job_pool_id, NotDuplicate.other_job_pool_id).where(NotDuplicate.user_id == user_id)
        )
        return {(a, b) for a, b in rows}

    @staticmethod
    def _pair_key(a: uuid.UUID, b: uuid.UUID) -> tuple[uuid.UUID, uuid.UUID]:
        low, high = sorted((a, b), key=str)
        return (low, high)

    def _add(
        self,
        found: dict[tuple[uuid.UUID, uuid.UUID], PossibleDuplicate],
        dismissed: set[tuple[uuid.UUID, uuid.UUID]],
        a: _Card,
        b: _Card,
        reason: str,
        score: float,
    ) -> None:
        key = self._pair_key(a.job_pool_id, b.job_pool_id)
        if key in found or key in dismissed:
            return
        older, newer = _older_first(a, b)
        found[key] = PossibleDuplicate(
            job_pool_id=newer.job_pool_id,
            duplicate_of=older.job_pool_id,
            reason=reason,
            score=round(score, 4),
            title=newer.title,
            duplicate_of_title=older.title,
            duplicate_of_company=older.company,
            duplicate_of_location=older.location,
        )

    def _title_pairs(self, group: list[_Card], dismissed: set, found: dict) -> None:
        by_title: dict[str, list[_Card]] = defaultdict(list)
        for card in group:
            by_title[title_key(card.title)].append(card)
        # Places are compared only among cards of one title: a lone title needs no place (and reading a place can
        # load the city gazetteer, about a second the first time in a process).
        buckets: dict[tuple[str, str], list[_Card]] = defaultdict(list)
        for title, same_title in by_title.items():
            if len(same_title) > 1:
                for card in same_title:
                    buckets[(title, _place(card.location))].append(card)
        for cards in buckets.values():
            first, *rest = sorted(cards, key=lambda c: (c.added_at, str(c.job_pool_id)))
            for card in rest:
                reason = REASON_TITLE if norm(card.title) != norm(first.title) else REASON_PLACE
                self._add(found, dismissed, first, card, reason, 1.0)

    def _vector_pairs(self, session: Session, group: list[_Card], dismissed: set, found: dict) -> None:
        import numpy as np

        by_id = {card.job_pool_id: card for card in group}
        # Over the binary protocol: as text, parsing 1,536 floats per card held the GIL for most of the check.
        with psycopg_connection(session.connection()).cursor(binary=True) as cursor:
            rows = cursor.execute(
                "SELECT id, embedding, embedding_model FROM job_pool WHERE id = ANY(%s) AND embedding IS NOT NULL",
                (list(by_id),),
            ).fetchall()
        by_model: dict[str | None, list[Any]] = defaultdict(list)
        for row in rows:
            by_model[row[2]].append(row)  # vectors of different models are not comparable
        for same in by_model.values():
            if len(same) < 2:
                continue
            unit = _unit(row[1] for row in same)
            similarity = unit @ unit.T
            left, right = np.nonzero(np.triu(similarity >= self.threshold, k=1))
            for i, j in zip(left.tolist(), right.tolist(), strict=True):
                self._add(
                    found, dismissed, by_id[same[i][0]], by_id[same[j][0]], REASON_VECTOR, float(similarity[i, j])
                )
