"""What the window remembers between runs (QSettings): last profile, geometry, splitter, unsaved notes.

Everything lives in one .ini file inside the data folder, never in the user's Qt configuration: two data folders
(--data-dir, JOBPOOL_DATA_DIR) are two separate setups, down to the window layout and the note drafts.
"""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

ORGANIZATION = "JobPool"
APPLICATION = "JobPool"
SETTINGS_FILE = "window.ini"


class AppSettings:
    """Typed access to the window's settings, an .ini file readable by its owner only (it holds note drafts)."""

    def __init__(self, path: str | Path) -> None:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Created private before Qt writes to it; Qt's atomic rewrite keeps the permissions of the file it replaces.
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
        os.chmod(path, 0o600)
        self.path = path
        self._qs = QSettings(str(path), QSettings.Format.IniFormat)

    @classmethod
    def in_data_dir(cls, data_dir: str | Path) -> AppSettings:
        """The settings of the setup whose data lives in `data_dir`."""
        return cls(Path(data_dir) / SETTINGS_FILE)

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
