"""What the window remembers between runs (QSettings): last profile, geometry, splitter, unsaved notes."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

ORGANIZATION = "JobPool"
APPLICATION = "JobPool"


class AppSettings:
    """Typed access to the window's QSettings; tests pass an .ini path so the user's settings stay untouched."""

    def __init__(self, path: str | Path | None = None) -> None:
        if path is None:
            self._qs = QSettings(ORGANIZATION, APPLICATION)
        else:
            self._qs = QSettings(str(path), QSettings.Format.IniFormat)

    def _bytes(self, key: str) -> QByteArray | None:
        value = self._qs.value(key)
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    @property
    def last_profile_id(self) -> uuid.UUID | None:
        """The profile shown when the window closed."""
        try:
            return uuid.UUID(str(self._qs.value("board/last_profile", "")))
        except ValueError:
            return None

    @last_profile_id.setter
    def last_profile_id(self, value: uuid.UUID | None) -> None:
        self._qs.setValue("board/last_profile", str(value) if value else "")

    def geometry(self) -> QByteArray | None:
        """Saved window geometry."""
        return self._bytes("window/geometry")

    def set_geometry(self, value: QByteArray) -> None:
        """Remember the window geometry."""
        self._qs.setValue("window/geometry", value)

    def splitter_state(self) -> QByteArray | None:
        """Saved board/detail splitter sizes."""
        return self._bytes("window/splitter")

    def set_splitter_state(self, value: QByteArray) -> None:
        """Remember the board/detail splitter sizes."""
        self._qs.setValue("window/splitter", value)

    @property
    def recommended_by_score(self) -> bool:
        """Whether the Recommended column shows best match first."""
        return str(self._qs.value("board/recommended_by_score", "false")).lower() == "true"

    @recommended_by_score.setter
    def recommended_by_score(self, value: bool) -> None:
        self._qs.setValue("board/recommended_by_score", "true" if value else "false")

    @property
    def last_directory(self) -> str:
        """The folder of the last imported or exported file."""
        return str(self._qs.value("files/last_directory", "") or "")

    @last_directory.setter
    def last_directory(self, value: str) -> None:
        self._qs.setValue("files/last_directory", value)

    def unsaved_notes(self) -> dict[uuid.UUID, str]:
        """Notes that could not reach the database when the window closed."""
        raw = self._qs.value("notes/unsaved", "")
        try:
            data = json.loads(str(raw)) if raw else {}
            return {uuid.UUID(key): str(text) for key, text in data.items()}
        except (ValueError, AttributeError):
            return {}

    def set_unsaved_notes(self, notes: dict[uuid.UUID, str]) -> None:
        """Keep notes that could not be saved, to write them on the next start."""
        self._qs.setValue("notes/unsaved", json.dumps({str(k): v for k, v in notes.items()}) if notes else "")

    def sync(self) -> None:
        """Write to disk now."""
        self._qs.sync()
