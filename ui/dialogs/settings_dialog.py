"""Settings: the Apify token (masked, show/hide), API URL, freshness window and where the token is kept; the
similarity a new job needs to be recommended to other profiles; desktop notifications and their quiet hours.

Values are read and written through app.settings in the background (a system keyring may take a moment to answer,
or ask the user to unlock it), so the window never freezes on them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app import settings as secrets
from app.context import apply_matching_settings
from app.errors import InvalidInput, JobPoolError
from app.ingestion.apify_search import apply_apify_settings
from app.matching.recommendations import DEFAULT_FANOUT_THRESHOLD
from app.settings import TokenStorage
from ui.dialogs.notification_fields import NotificationFields
from ui.support.dialog_fit import grow_to_content
from ui.support.plain_text import plain

if TYPE_CHECKING:
    from ui.dialogs.host import DialogHost

MAX_FRESHNESS_HOURS = 24 * 90
NOTE_STYLE = """
QLabel#storageNote { color: #505968; padding: 6px 8px; background: #eef4fd; border-radius: 6px; }
QLabel#storageNote[kind="warning"] { color: #7f3a10; background: #fdf0df; border: 1px solid #f0cf9f; }
QLabel#fieldHint { color: #7d8592; }
QLabel#formError { color: #b8454b; }
"""


def data_dir_of(window: DialogHost) -> Path:
    """The data directory the window's database belongs to; settings.json lives there."""
    return Path(window.ctx.database.location.data_dir)


@dataclass(frozen=True, slots=True)
class SettingsState:
    """What the dialog shows: the saved values and where the token in effect comes from."""

    saved: secrets.ApifySettings
    fanout_threshold: float
    storage: str
    keyring: str | None
    env_token: bool
    env_api_url: bool
    path: Path
    follow_up_days: int = secrets.DEFAULT_FOLLOW_UP_DAYS
    notifications: secrets.NotificationSettings = field(default_factory=secrets.NotificationSettings)


def _saved_or(saved: float | None, in_effect: float) -> float:
    return in_effect if saved is None else saved


def read_settings_state(data_dir: Path, matching: Any) -> SettingsState:
    """Worker thread: the saved settings, the fan-out threshold in effect, and where the token comes from."""
    return SettingsState(
        saved=secrets.load_apify_settings(data_dir),
        fanout_threshold=_saved_or(secrets.load_fanout_threshold(data_dir), matching.recommendations.threshold),
        storage=secrets.token_storage(data_dir),
        keyring=secrets.keyring_name(),
        env_token=bool(os.environ.get(secrets.TOKEN_ENV)),
        env_api_url=bool(os.environ.get(secrets.API_URL_ENV)),
        path=secrets.settings_path(data_dir),
        follow_up_days=secrets.load_follow_up_days(data_dir),
        notifications=secrets.load_notification_settings(data_dir),
    )


def write_settings(
    data_dir: Path,
    token: str,
    api_url: str,
    freshness_hours: float,
    fanout_threshold: float,
    ctx: Any,
    follow_up_days: int = secrets.DEFAULT_FOLLOW_UP_DAYS,
    notifications: secrets.NotificationSettings | None = None,
) -> SettingsState:
    """Worker thread: save the settings, point the services at them, and return what is now in effect."""
    secrets.save_follow_up_days(follow_up_days, data_dir)
    if notifications is not None:
        secrets.save_notification_settings(notifications, data_dir)
        ctx.notifications.min_score = notifications.min_score
    secrets.save_apify_token(token, data_dir)
    secrets.save_apify_settings(api_url, freshness_hours, data_dir)
    secrets.save_fanout_threshold(fanout_threshold, data_dir)
    apply_apify_settings(ctx.live, data_dir)
    apply_matching_settings(ctx.matching, data_dir)
    return read_settings_state(data_dir, ctx.matching)


def storage_note(state: SettingsState) -> tuple[str, str]:
    """The sentence about where the token is kept, and its kind ("info" or "warning")."""
    if state.env_token:
        return ("APIFY_TOKEN is set in the environment and is used instead of the token saved here.", "info")
    if state.storage == TokenStorage.SETTINGS_FILE:
        return (
            f"No system keyring is available: the token is stored unencrypted in the settings file "
            f"{state.path} (readable by your user account only).",
            "warning",
        )
    if state.keyring:
        return (f"The token is kept in the system keyring ({state.keyring}).", "info")
    return (
        f"No system keyring is available: a saved token will be stored unencrypted in the settings file {state.path}.",
        "warning",
    )


class SettingsDialog(QDialog):
    """Apify token, API URL and freshness window; the fan-out threshold for recommendations."""

    saved = Signal(object)  # SettingsState after a save

    def __init__(self, window: DialogHost, parent: QWidget | None = None) -> None:
        super().__init__(parent or window.widget())
        self.window_ = window
        self.data_dir = data_dir_of(window)
        self.state: SettingsState | None = None
        self._closed = False
        self.setWindowTitle("Settings")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setMinimumWidth(560)
        self.setStyleSheet(NOTE_STYLE)
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        heading = QLabel("Apify")
        heading.setObjectName("dialogHeading")
        layout.addWidget(heading)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.token_edit = QLineEdit()
        self.token_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.token_edit.setPlaceholderText("apify_api_…  (Apify console → Settings → API & Integrations)")
        self.token_edit.setAccessibleName("Apify API token")
        # Wide enough for its whole hint: it says where the token is found.
        hint_width = self.token_edit.fontMetrics().horizontalAdvance(self.token_edit.placeholderText())
        self.token_edit.setMinimumWidth(hint_width + 32)
        self.show_token = QCheckBox("Show")
        self.show_token.toggled.connect(self._toggle_token)
        token_row = QHBoxLayout()
        token_row.addWidget(self.token_edit, 1)
        token_row.addWidget(self.show_token)
        form.addRow("API token", token_row)
        self.storage_label = QLabel("Reading the saved settings…")
        self.storage_label.setObjectName("storageNote")
        self.storage_label.setWordWrap(True)
        form.addRow("", self.storage_label)
        self.api_url_edit = QLineEdit()
        self.api_url_edit.setPlaceholderText("https://api.apify.com (Apify's own)")
        self.api_url_edit.setAccessibleName("Apify API URL")
        self.api_url_edit.textChanged.connect(self._validate)
        form.addRow("API URL", self.api_url_edit)
        self.api_url_hint = QLabel()
        self.api_url_hint.setObjectName("fieldHint")
        self.api_url_hint.setWordWrap(True)
        self.api_url_hint.hide()
        form.addRow("", self.api_url_hint)
        self.freshness_spin = QDoubleSpinBox()
        self.freshness_spin.setDecimals(1)
        self.freshness_spin.setRange(0, MAX_FRESHNESS_HOURS)
        self.freshness_spin.setSuffix(" h")
        self.freshness_spin.setValue(secrets.DEFAULT_FRESHNESS_HOURS)
        self.freshness_spin.setAccessibleName("Freshness window in hours")
        self.freshness_spin.setMaximumWidth(140)
        form.addRow("Freshness window", self.freshness_spin)
        hint = QLabel(
            "A search that ran within this window is served from the shared pool at once, for any "
            "profile, without calling Apify again. 0 h calls the scraper every time."
        )
        hint.setObjectName("fieldHint")
        hint.setWordWrap(True)
        form.addRow("", hint)
        layout.addLayout(form)
        matching_heading = QLabel("Recommendations")
        matching_heading.setObjectName("dialogHeading")
        layout.addWidget(matching_heading)
        matching_form = QFormLayout()
        self.threshold_spin = QDoubleSpinBox()
        self.threshold_spin.setDecimals(2)
        self.threshold_spin.setRange(0.0, 1.0)
        self.threshold_spin.setSingleStep(0.05)
        self.threshold_spin.setValue(DEFAULT_FANOUT_THRESHOLD)
        self.threshold_spin.setAccessibleName("Similarity needed to recommend a job to another profile")
        self.threshold_spin.setMaximumWidth(140)
        matching_form.addRow("Recommend at similarity ≥", self.threshold_spin)
        threshold_hint = QLabel(
            "A job that any profile brings into the pool is added to every other profile whose résumé is at least "
            f"this similar to it (cosine, 0–1; default {DEFAULT_FANOUT_THRESHOLD:.2f}). Higher means fewer, closer "
            "recommendations; 1.00 turns them off."
        )
        threshold_hint.setObjectName("fieldHint")
        threshold_hint.setWordWrap(True)
        matching_form.addRow("", threshold_hint)
        layout.addLayout(matching_form)
        follow_up_heading = QLabel("Follow-ups")
        follow_up_heading.setObjectName("dialogHeading")
        layout.addWidget(follow_up_heading)
        follow_up_form = QFormLayout()
        self.follow_up_spin = QSpinBox()
        self.follow_up_spin.setRange(0, secrets.MAX_FOLLOW_UP_DAYS)
        self.follow_up_spin.setSuffix(" days")
        self.follow_up_spin.setSpecialValueText("Off")
        self.follow_up_spin.setValue(secrets.DEFAULT_FOLLOW_UP_DAYS)
        self.follow_up_spin.setAccessibleName("Days after applying to offer a follow-up")
        self.follow_up_spin.setMaximumWidth(140)
        follow_up_form.addRow("Offer a follow-up after", self.follow_up_spin)
        layout.addLayout(follow_up_form)
        self.notification_fields = NotificationFields()
        layout.addWidget(self.notification_fields)
        self.error_label = QLabel()
        self.error_label.setObjectName("formError")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        plain(self.storage_label, self.api_url_hint, self.error_label)
        layout.addWidget(self.error_label)
        layout.addStretch(1)
        self.buttons = QDialogButtonBox()
        self.save_button = QPushButton("Save")
        self.save_button.setObjectName("primaryButton")
        self.save_button.setDefault(True)
        self.buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.save_button.clicked.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._set_editable(False)
        self.loaded = False  # the fields are editable once the saved values are shown
        window.tasks.run(
            read_settings_state,
            self.data_dir,
            window.ctx.matching,
            report=False,
            on_success=self._loaded,
            on_failure=self._load_failed,
        )

    def _set_editable(self, editable: bool) -> None:
        for widget in (
            self.token_edit,
            self.show_token,
            self.api_url_edit,
            self.freshness_spin,
            self.threshold_spin,
            self.follow_up_spin,
            self.notification_fields,
            self.save_button,
        ):
            widget.setEnabled(editable)

    def done(self, result: int) -> None:
        """Close for good: a read or save finishing later no longer touches the widgets."""
        self._closed = True
        super().done(result)

    def _loaded(self, state: SettingsState) -> None:
        if self._closed:
            return
        self.state = state
        self.loaded = True
        self.token_edit.setText(state.saved.token or "")
        self.api_url_edit.setText(state.saved.api_url or "")
        self.freshness_spin.setValue(state.saved.freshness_hours)
        self.threshold_spin.setValue(state.fanout_threshold)
        self.follow_up_spin.setValue(state.follow_up_days)
        self.notification_fields.set_settings(state.notifications)
        self._show_state(state)
        self._set_editable(True)
        self._validate()
        self.token_edit.setFocus()

    def _load_failed(self, exc: JobPoolError) -> None:
        if self._closed:
            return
        self.loaded = True
        self.storage_label.setText("The saved settings could not be read; saving writes them anew.")
        self._set_editable(True)
        self._show_error(exc)

    def _show_state(self, state: SettingsState) -> None:
        text, kind = storage_note(state)
        self.storage_label.setText(("⚠ " if kind == "warning" else "") + text)
        self.storage_label.setProperty("kind", kind)
        self.storage_label.style().unpolish(self.storage_label)
        self.storage_label.style().polish(self.storage_label)
        if state.env_api_url:
            self.api_url_hint.setText("APIFY_API_URL is set in the environment and is used instead of this URL.")
            self.api_url_hint.show()

    def _toggle_token(self, shown: bool) -> None:
        mode = QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password
        self.token_edit.setEchoMode(mode)

    def _api_url_problem(self) -> str | None:
        url = self.api_url_edit.text().strip()
        if url and not url.lower().startswith(("http://", "https://")):
            return "The API URL must start with http:// or https://, e.g. https://api.apify.com."
        return None

    def _validate(self) -> None:
        problem = self._api_url_problem()
        self.error_label.setText(problem or "")
        self.error_label.setVisible(problem is not None)
        grow_to_content(self)
        self.save_button.setEnabled(self.loaded and problem is None)

    def save(self) -> None:
        """Write the settings in the background; the dialog closes once they are saved."""
        problem = self._api_url_problem()
        if problem:
            self._show_error(InvalidInput(problem))
            return
        self._set_editable(False)
        self.window_.tasks.run(
            write_settings,
            self.data_dir,
            self.token_edit.text(),
            self.api_url_edit.text(),
            self.freshness_spin.value(),
            self.threshold_spin.value(),
            self.window_.ctx,
            self.follow_up_spin.value(),
            self.notification_fields.settings(),
            report=False,
            on_success=self._saved,
            on_failure=self._save_failed,
        )

    def _saved(self, state: SettingsState) -> None:
        note, kind = storage_note(state)
        self.window_.hub.message.emit("Settings saved." + (f" {note}" if kind == "warning" else ""))
        if self._closed:
            return
        self.state = state
        self.saved.emit(state)
        self.accept()

    def _save_failed(self, exc: JobPoolError) -> None:
        if self._closed:
            self.window_.hub.message.emit(f"Settings were not saved: {exc.message}")
            return
        self._set_editable(True)
        self._show_error(exc)

    def _show_error(self, exc: JobPoolError) -> None:
        self.error_label.setText(exc.message)
        self.error_label.show()
        grow_to_content(self)
