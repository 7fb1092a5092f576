"""Changes made elsewhere (another desktop, another window, the CLI), heard through LISTEN/NOTIFY.

Triggers on user_job (revision 0009) send `{"profile": id, "cards": [ids] | null}` on the `jobpool_changes` channel
after every statement that adds, moves, edits or removes cards; triggers on notification send `{"inbox": id}` after a
statement that adds rows to a profile's inbox (revision 0014) or marks some read or unread (revision 0016). A listener
keeps one extra connection in a worker thread; when that connection is lost it reconnects with a growing pause and
reports a resync, because notifications sent while nobody listened are gone: the board reloads to catch up.
"""

from __future__ import annotations

import json
import logging
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import psycopg
from sqlalchemy.engine import make_url

log = logging.getLogger(__name__)

CHANNEL = "jobpool_changes"
_MAX_PAUSE_S = 5.0


@dataclass(frozen=True)
class CardsChanged:
    """One statement's change to one profile's cards; cards is None when too many changed to list."""

    profile_id: uuid.UUID
    cards: frozenset[uuid.UUID] | None


@dataclass(frozen=True)
class InboxChanged:
    """One statement added rows to a profile's notifications inbox, or changed whether some are read."""

    profile_id: uuid.UUID


Change = CardsChanged | InboxChanged


def parse_payload(payload: str) -> Change | None:
    """The change a notification announces, or None for a payload this version does not understand."""
    try:
        data = json.loads(payload)
        if "inbox" in data:
            return InboxChanged(uuid.UUID(str(data["inbox"])))
        profile = uuid.UUID(str(data["profile"]))
        cards = data.get("cards")
        ids = None if cards is None else frozenset(uuid.UUID(str(card)) for card in cards)
    except (ValueError, KeyError, TypeError, AttributeError):
        return None
    return CardsChanged(profile, ids)


def libpq_url(sqlalchemy_url: str) -> str:
    """A SQLAlchemy URL as libpq understands it (no driver suffix; host, port, sslmode and password kept)."""
    return make_url(sqlalchemy_url).set(drivername="postgresql").render_as_string(hide_password=False)


class ChangeListener:
    """LISTEN on its own connection in a daemon thread; calls on_change per notification, on_resync after a reconnect.

    Both callbacks run in the listener's thread: a window hands them to its GUI thread.
    """

    def __init__(
        self,
        url: str,
        on_change: Callable[[Change], None],
        on_resync: Callable[[], None] = lambda: None,
        *,
        poll_s: float = 0.25,
    ) -> None:
        self.url = libpq_url(url)
        self.on_change = on_change
        self.on_resync = on_resync
        self.poll_s = poll_s
        self.listening = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start listening in the background (returns at once)."""
        self._thread = threading.Thread(target=self._loop, name="jobpool-changes", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop listening and close the connection."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _loop(self) -> None:
        pause, first = 0.2, True
        while not self._stop.is_set():
            try:
                with psycopg.connect(
                    self.url, autocommit=True, connect_timeout=5, application_name="jobpool-listen"
                ) as connection:
                    connection.execute(f"LISTEN {CHANNEL}")
                    self.listening.set()
                    if not first:
                        self.on_resync()  # what happened while the connection was down was not heard
                    first, pause = False, 0.2
                    while not self._stop.is_set():
                        for notify in connection.notifies(timeout=self.poll_s):
                            change = parse_payload(notify.payload)
                            if change is not None:
                                self.on_change(change)
            except psycopg.Error as exc:
                self.listening.clear()
                first = False
                log.info("change listener lost its connection (%s); reconnecting", str(exc).strip()[:200])
                self._stop.wait(pause)
                pause = min(pause * 2, _MAX_PAUSE_S)
