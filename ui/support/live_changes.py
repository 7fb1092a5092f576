"""Changes made on other desktops or windows, heard by a listener thread and broadcast on the hub in the GUI thread."""

from __future__ import annotations

import uuid

from PySide6.QtCore import QObject, Signal

from app.changes import Change, ChangeListener, InboxChanged
from ui.support.events import ChangeSet, Hub


class LiveChanges(QObject):
    """Feeds the hub from LISTEN/NOTIFY: the current profile's changed cards, or a whole reload after a reconnect;
    and every profile's new inbox rows (the window looks at the inboxes of all its profiles)."""

    _heard = Signal(object)  # a Change, or None after a reconnect (notifications may have been missed)

    def __init__(self, hub: Hub, url: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._hub = hub
        self._profile_id: uuid.UUID | None = None
        # Emitted from the listener's thread: Qt queues the call into this object's (the GUI) thread.
        self._heard.connect(self._apply)
        hub.profile_changed.connect(self._profile_changed)
        self.listener = ChangeListener(url, self._heard.emit, lambda: self._heard.emit(None))

    def start(self) -> None:
        """Start listening."""
        self.listener.start()

    def stop(self) -> None:
        """Stop listening."""
        self.listener.stop()

    def _profile_changed(self, profile: object) -> None:
        self._profile_id = getattr(profile, "id", None)

    def _apply(self, change: Change | None) -> None:
        if change is None or isinstance(change, InboxChanged):
            # After a reconnect any inbox may have got rows unheard: None asks for a look at all of them.
            self._hub.inbox_changed.emit(change.profile_id if change is not None else None)
            if change is not None:
                return
        if self._profile_id is None:
            return
        if change is None or (change.profile_id == self._profile_id and change.cards is None):
            self._hub.emit_changes(ChangeSet(board=True, initiator=self))
        elif change.profile_id == self._profile_id:
            self._hub.emit_changes(ChangeSet.for_cards(change.cards or (), initiator=self))
