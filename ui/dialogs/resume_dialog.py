"""Profiles → Résumé…: the current profile's résumés (a label, a focus area, the text; one primary), pasted or
imported (.txt / .md / .pdf); saving one rescores the profile's cards against all of them.

The texts are read and saved through the TaskRunner (embedding and rescoring run in a worker thread); the skills
found in the text are previewed as chips while typing (a local, in-memory vocabulary lookup).
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
)

from app.errors import JobPoolError
from app.matching.records import ResumeEntry, ResumeUpdate
from app.matching.resume import read_resume_file
from app.matching.resume_service import DEFAULT_LABEL, MAX_FOCUS_CHARS, MAX_LABEL_CHARS
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
NEW_RESUME_TEXT = "New résumé…"


class ResumeDialog(QDialog):
    """Edits one profile's résumés; Save stores the one shown, re-embeds it and rescores the profile's cards."""

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
        self.entries: list[ResumeEntry] = []
        self._pending_status = ""
        self.setWindowTitle(f"Résumé — {profile.name}")
        self.resize(760, 640)
        self._build()
        self._preview_timer = single_shot_timer(self, PREVIEW_DELAY_MS, self.update_preview)
        self.editor.textChanged.connect(self._preview_timer.start)
        self._set_busy(True, "Loading…")
        self._load()

    def _load(self, select: str | None = None) -> None:
        self.main_window.tasks.run(
            self.main_window.ctx.matching.resumes.resumes,
            self.profile_id,
            report=False,
            on_success=lambda entries: self._loaded(entries, select),
            on_failure=self._load_failed,
        )

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setSpacing(8)
        heading = QLabel(f"Résumé of {self.profile_name}")
        heading.setObjectName("dialogHeading")
        hint = QLabel(
            "Paste the text of a résumé or import a .txt, .md or .pdf file. Keep several (say “Backend” and "
            "“Data”): every card is scored against each, and shows the best score and the skills missing from that "
            "résumé; jobs other profiles find are recommended when one of them fits."
        )
        hint.setWordWrap(True)
        self.picker = QComboBox()
        self.picker.setAccessibleName("Résumé shown")
        self.picker.currentIndexChanged.connect(self._show_entry)
        self.label_edit = QLineEdit()
        self.label_edit.setPlaceholderText("Label, e.g. Backend")
        self.label_edit.setMaxLength(MAX_LABEL_CHARS)
        self.label_edit.setAccessibleName("Résumé label")
        self.focus_edit = QLineEdit()
        self.focus_edit.setPlaceholderText("Focus area, e.g. Python services (optional)")
        self.focus_edit.setMaxLength(MAX_FOCUS_CHARS)
        self.focus_edit.setAccessibleName("Focus area")
        self.primary_box = QCheckBox("Primary")
        self.primary_box.setToolTip("The résumé shown first; Discover and recommendations use every résumé.")
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
        self.clear_button = QPushButton("Remove this résumé")
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
        fields = QHBoxLayout()
        fields.addWidget(self.picker, 2)
        fields.addWidget(self.label_edit, 2)
        fields.addWidget(self.focus_edit, 3)
        fields.addWidget(self.primary_box)
        layout.addLayout(fields)
        layout.addWidget(self.editor, 1)
        for item in (self.skills_label, self.skill_chips, self.status_label):
            layout.addWidget(item)
        layout.addLayout(row)

    # -- state -----------------------------------------------------------------------------------------
    def _set_busy(self, busy: bool, message: str = "") -> None:
        self.busy = busy
        for widget in (
            self.editor,
            self.import_button,
            self.save_button,
            self.picker,
            self.label_edit,
            self.focus_edit,
        ):
            widget.setEnabled(not busy)
        self.clear_button.setEnabled(not busy and self.current is not None)
        # The first résumé is the primary one; a primary one stays so until another is made primary.
        self.primary_box.setEnabled(not busy and bool(self.entries) and not (self.current and self.current.primary))
        self._show_status(message)

    def _show_status(self, message: str, error: bool = False) -> None:
        self.status_label.setText(message)
        self.status_label.setStyleSheet("color: #b8454b;" if error else "")
        self.status_label.setVisible(bool(message))

    @property
    def current(self) -> ResumeEntry | None:
        """The stored résumé shown (None: a new one)."""
        index = self.picker.currentIndex()
        return self.entries[index] if 0 <= index < len(self.entries) else None

    def _loaded(self, entries: list[ResumeEntry], select: str | None = None) -> None:
        self.entries = list(entries)
        self.has_resume = bool(entries)
        labels = [e.label for e in entries]
        self.picker.blockSignals(True)
        self.picker.clear()
        for entry in entries:
            self.picker.addItem(f"{entry.label} (primary)" if entry.primary else entry.label)
        self.picker.addItem(NEW_RESUME_TEXT)
        self.picker.setCurrentIndex(labels.index(select) if select in labels else 0)
        self.picker.blockSignals(False)
        self._show_entry()
        if self._pending_status:
            self._show_status(self._pending_status)
            self._pending_status = ""
        self.editor.setFocus()
        self.loaded.emit()

    def _show_entry(self, _index: int = -1) -> None:
        entry = self.current
        self.editor.setPlainText(entry.text if entry else "")
        self.label_edit.setText(entry.label if entry else ("" if self.entries else DEFAULT_LABEL))
        self.focus_edit.setText(entry.focus or "" if entry else "")
        self.primary_box.setChecked(entry.primary if entry else not self.entries)
        self._set_busy(False)
        self.update_preview()

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
        entry = self.current
        self.main_window.tasks.run(
            self.main_window.ctx.matching.resumes.add_resume,
            self.profile_id,
            self.editor.toPlainText(),
            self.label_edit.text(),
            self.focus_edit.text(),
            primary=self.primary_box.isChecked(),
            resume_id=entry.id if entry else None,
            changes=ChangeSet(board=True, profiles=True),
            report=False,
            on_success=self._saved,
            on_failure=self._failed,
        )

    def _saved(self, update: ResumeUpdate) -> None:
        self.has_resume = True
        self._set_busy(False)
        self.main_window.report(
            f"Saved the résumé “{update.label}” of {update.profile_name}: {len(update.skills)} skills found, "
            f"{update.links_rescored:,} cards rescored.",
            "info",
        )
        self.saved.emit(update)
        self.accept()

    def _failed(self, exc: JobPoolError) -> None:
        self._set_busy(False)
        self._show_status(exc.message, error=True)

    def clear_resume(self) -> None:
        """Remove the résumé shown (after asking); the cards are rescored with the others, or lose their scores."""
        entry = self.current
        if entry is None:
            return
        others = len(self.entries) > 1
        consequence = (
            "Its cards are scored again with the other résumés."
            if others
            else "Its cards lose their match scores and skill gaps until a new résumé is saved."
        )
        question = f"Remove the résumé “{entry.label}” of {self.profile_name}? {consequence}"
        if not self.main_window.prompts.confirm("Remove résumé", question, "Remove"):
            return
        self._set_busy(True, "Removing…")
        self.main_window.tasks.run(
            self.main_window.ctx.matching.resumes.remove_resume,
            self.profile_id,
            entry.id,
            changes=ChangeSet(board=True, profiles=True),
            report=False,
            on_success=lambda _count: self._removed(entry.label),
            on_failure=self._failed,
        )

    def _removed(self, label: str) -> None:
        self._pending_status = f"The résumé “{label}” was removed."
        self._load()
