"""Profiles → Résumé…: paste or import (.txt / .md / .pdf) the current profile's résumé; saving rescores its cards.

The text is read and saved through the TaskRunner (embedding and rescoring run in a worker thread); the skills
found in the text are previewed as chips while typing (a local, in-memory vocabulary lookup).
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
)

from app.errors import JobPoolError
from app.matching.records import ResumeInfo, ResumeUpdate
from app.matching.resume import read_resume_file
from ui.dialogs.host import require_profile
from ui.support.chips import ChipList
from ui.support.events import ChangeSet
from ui.support.plain_text import plain
from ui.support.timers import single_shot_timer

if TYPE_CHECKING:
    from ui.dialogs.host import DialogHost

RESUME_FILTER = "Résumés (*.txt *.md *.markdown *.pdf);;All files (*)"
PREVIEW_DELAY_MS = 400
MAX_PREVIEW_SKILLS = 40


class ResumeDialog(QDialog):
    """Edits one profile's résumé; Save stores it, re-embeds it and rescores the profile's cards."""

    saved = Signal(object)  # ResumeUpdate
    loaded = Signal()

    def __init__(self, window: DialogHost) -> None:
        super().__init__(window.widget())
        profile = require_profile(window)
        self.main_window = window
        self.profile_id: uuid.UUID = profile.id
        self.profile_name = profile.name
        self.has_resume = False
        self.busy = False
        self.setWindowTitle(f"Résumé — {profile.name}")
        self.resize(760, 640)
        self._build()
        self._preview_timer = single_shot_timer(self, PREVIEW_DELAY_MS, self.update_preview)
        self.editor.textChanged.connect(self._preview_timer.start)
        self._set_busy(True, "Loading…")
        window.tasks.run(
            window.ctx.matching.resumes.resume,
            self.profile_id,
            report=False,
            on_success=self._loaded,
            on_failure=self._load_failed,
        )

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setSpacing(8)
        heading = QLabel(f"Résumé of {self.profile_name}")
        heading.setObjectName("dialogHeading")
        hint = QLabel(
            "Paste the text of your résumé or import a .txt, .md or .pdf file. Every card of this profile gets a "
            "match score and a list of missing skills from it; jobs other profiles find are recommended when they fit."
        )
        hint.setWordWrap(True)
        self.editor = QPlainTextEdit()
        self.editor.setPlaceholderText("Paste your résumé here…")
        self.editor.setAccessibleName("Résumé text")
        self.skills_label = QLabel("Skills found")
        self.skills_label.setObjectName("sectionLabel")
        self.skill_chips = ChipList("#e6eefc", "#23408e")
        self.status_label = QLabel("")
        self.status_label.setWordWrap(True)
        plain(heading, self.status_label)
        self.import_button = QPushButton("Import file…")
        self.import_button.clicked.connect(self.choose_file)
        self.clear_button = QPushButton("Remove résumé")
        self.clear_button.clicked.connect(self.clear_resume)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.import_button)
        row.addWidget(self.clear_button)
        row.addStretch(1)
        row.addWidget(self.buttons)
        for widget in (heading, hint):
            layout.addWidget(widget)
        layout.addWidget(self.editor, 1)
        for item in (self.skills_label, self.skill_chips, self.status_label):
            layout.addWidget(item)
        layout.addLayout(row)

    # -- state -----------------------------------------------------------------------------------------
    def _set_busy(self, busy: bool, message: str = "") -> None:
        self.busy = busy
        for widget in (self.editor, self.import_button, self.save_button):
            widget.setEnabled(not busy)
        self.clear_button.setEnabled(not busy and self.has_resume)
        self._show_status(message)

    def _show_status(self, message: str, error: bool = False) -> None:
        self.status_label.setText(message)
        self.status_label.setStyleSheet("color: #b8454b;" if error else "")
        self.status_label.setVisible(bool(message))

    def _loaded(self, info: ResumeInfo) -> None:
        self.has_resume = bool(info.text)
        self.editor.setPlainText(info.text or "")
        self._set_busy(False)
        self.skill_chips.set_chips(info.skills[:MAX_PREVIEW_SKILLS])
        self.skills_label.setVisible(bool(info.skills))
        self.editor.setFocus()
        self.loaded.emit()

    def _load_failed(self, exc: JobPoolError) -> None:
        self._set_busy(False)
        self._show_status(f"Could not read the stored résumé: {exc.message}", error=True)
        self.loaded.emit()

    def update_preview(self) -> None:
        """Show the skills the vocabulary finds in the text as it is now."""
        skills = self.main_window.ctx.matching.scorer.vocabulary.extract(self.editor.toPlainText())
        self.skill_chips.set_chips(skills[:MAX_PREVIEW_SKILLS])
        self.skills_label.setVisible(bool(skills))

    # -- actions ---------------------------------------------------------------------------------------
    def choose_file(self) -> None:
        """Ask for a résumé file (through the window's prompts when they offer it) and import it."""
        prompts = self.main_window.prompts
        directory = getattr(self.main_window.settings, "last_directory", "") or str(Path.home())
        if hasattr(prompts, "resume_file"):
            path = prompts.resume_file(directory)
        else:
            path, _filter = QFileDialog.getOpenFileName(self, "Import résumé", directory, RESUME_FILTER)
        if path:
            self.import_file(path)

    def import_file(self, path: str | Path) -> None:
        """Read a .txt / .md / .pdf résumé in the background into the editor (saved only with Save)."""
        self._set_busy(True, f"Reading {Path(path).name}…")
        self.main_window.tasks.run(
            read_resume_file,
            str(path),
            report=False,
            on_success=lambda text: self._imported(text, Path(path).name),
            on_failure=self._failed,
        )

    def _imported(self, text: str, name: str) -> None:
        self.editor.setPlainText(text)
        self._set_busy(False, f"Imported {name}. Check the text, then Save.")
        self.update_preview()

    def save(self) -> None:
        """Store the text; embedding and rescoring run in the background, the dialog closes when they are done."""
        if self.busy:
            return
        self._set_busy(True, "Saving and rescoring this profile's cards…")
        self.main_window.tasks.run(
            self.main_window.ctx.matching.resumes.set_resume,
            self.profile_id,
            self.editor.toPlainText(),
            changes=ChangeSet(board=True, profiles=True),
            report=False,
            on_success=self._saved,
            on_failure=self._failed,
        )

    def _saved(self, update: ResumeUpdate) -> None:
        self.has_resume = True
        self._set_busy(False)
        self.main_window.report(
            f"Saved the résumé of {update.profile_name}: {len(update.skills)} skills found, "
            f"{update.links_rescored:,} cards rescored.",
            "info",
        )
        self.saved.emit(update)
        self.accept()

    def _failed(self, exc: JobPoolError) -> None:
        self._set_busy(False)
        self._show_status(exc.message, error=True)

    def clear_resume(self) -> None:
        """Remove the stored résumé (after asking); the cards keep their place but lose their scores."""
        question = (
            f"Remove the résumé of {self.profile_name}? Its cards lose their match scores and "
            "skill gaps until a new résumé is saved."
        )
        if not self.main_window.prompts.confirm("Remove résumé", question, "Remove"):
            return
        self._set_busy(True, "Removing…")
        self.main_window.tasks.run(
            self.main_window.ctx.matching.resumes.clear_resume,
            self.profile_id,
            changes=ChangeSet(board=True, profiles=True),
            report=False,
            on_success=self._cleared,
            on_failure=self._failed,
        )

    def _cleared(self, _count: int) -> None:
        self.has_resume = False
        self.editor.clear()
        self._set_busy(False, "The résumé was removed.")
