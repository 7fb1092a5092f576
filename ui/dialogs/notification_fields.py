"""The Settings dialog's Notifications section: desktop notifications on or off, quiet hours, the new-job score."""

from __future__ import annotations

from datetime import time

from PySide6.QtCore import QTime
from PySide6.QtWidgets import QCheckBox, QFormLayout, QHBoxLayout, QLabel, QSpinBox, QTimeEdit, QWidget

from app import settings as secrets


class NotificationFields(QWidget):
    """Edits a NotificationSettings; the quiet-hours times are editable only while quiet hours are on."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.setVerticalSpacing(2)  # the Settings dialog is tall already; it must still fit an 800 px screen
        self.desktop_check = QCheckBox("On the desktop")
        self.desktop_check.setToolTip("Desktop notifications while JobPool is open")
        self.desktop_check.setChecked(True)
        quiet_row = QHBoxLayout()
        quiet_row.addWidget(self.desktop_check)
        self.quiet_check = QCheckBox("Quiet from")
        self.quiet_check.setToolTip("The inbox keeps every notification; quiet hours only keep the desktop silent.")
        self.quiet_check.toggled.connect(self._quiet_toggled)
        self.quiet_start_edit = QTimeEdit(QTime(22, 0))
        self.quiet_end_edit = QTimeEdit(QTime(7, 0))
        for edit, name in ((self.quiet_start_edit, "Quiet hours start"), (self.quiet_end_edit, "Quiet hours end")):
            edit.setDisplayFormat("HH:mm")
            edit.setAccessibleName(name)
        quiet_row.addWidget(self.quiet_check)
        quiet_row.addWidget(self.quiet_start_edit)
        quiet_row.addWidget(QLabel("to"))
        quiet_row.addWidget(self.quiet_end_edit)
        quiet_row.addStretch(1)
        form.addRow("Notifications", quiet_row)
        self.min_score_spin = QSpinBox()
        self.min_score_spin.setRange(0, 100)
        self.min_score_spin.setSuffix(" %")
        self.min_score_spin.setValue(secrets.DEFAULT_NOTIFY_MIN_SCORE)
        self.min_score_spin.setAccessibleName("Match score a new job needs to be announced")
        self.min_score_spin.setMaximumWidth(140)
        form.addRow("Announce new jobs from", self.min_score_spin)
        self._quiet_toggled(False)

    def _quiet_toggled(self, on: bool) -> None:
        self.quiet_start_edit.setEnabled(on)
        self.quiet_end_edit.setEnabled(on)

    def set_settings(self, settings: secrets.NotificationSettings) -> None:
        """Show saved settings."""
        self.desktop_check.setChecked(settings.desktop)
        if settings.quiet_start is not None and settings.quiet_end is not None:
            self.quiet_start_edit.setTime(QTime(settings.quiet_start.hour, settings.quiet_start.minute))
            self.quiet_end_edit.setTime(QTime(settings.quiet_end.hour, settings.quiet_end.minute))
        self.quiet_check.setChecked(settings.quiet_start is not None and settings.quiet_end is not None)
        self.min_score_spin.setValue(settings.min_score)

    def settings(self) -> secrets.NotificationSettings:
        """The settings as the fields show them."""
        quiet = self.quiet_check.isChecked()
        start, end = self.quiet_start_edit.time(), self.quiet_end_edit.time()
        return secrets.NotificationSettings(
            desktop=self.desktop_check.isChecked(),
            quiet_start=time(start.hour(), start.minute()) if quiet else None,
            quiet_end=time(end.hour(), end.minute()) if quiet else None,
            min_score=self.min_score_spin.value(),
        )
