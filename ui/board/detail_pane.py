"""The detail pane beside the board: the whole posting, its status, match, gap analysis and the card's notes."""

from __future__ import annotations

import uuid

from PySide6.QtCore import QPoint, Qt, QUrl, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.board import BoardQueries
from app.card_details import CardDetailsService
from app.dedup.possible import DuplicateService
from app.description_html import description_markup
from app.records import STATUSES, BoardCard, JobDetail, JobStatus, status_label
from app.reminders import ReminderService
from app.status_history import StatusHistory
from ui.board.card_details_section import CardDetailsSection
from ui.board.detail_text import meta_text, tracking_text
from ui.board.duplicate_banner import DuplicateBanner
from ui.board.notes_keeper import NotesKeeper
from ui.board.resume_gaps import CardGaps, ResumeGapSwitcher
from ui.board.tracking_panel import TrackingPanel
from ui.support import theme
from ui.support.chips import ChipList
from ui.support.events import ChangeSet, Hub
from ui.support.links import DESCRIPTION_SCHEMES, open_external
from ui.support.plain_text import tooltip_text
from ui.support.tasks import TaskRunner

DESCRIPTION_CSS = (
    f"p {{ margin: 0 0 9px 0; }} ul, ol {{ margin: 0 0 9px 0; }} li {{ margin-bottom: 3px; }} "
    f"h3, h4 {{ margin: 6px 0 6px 0; }} a {{ color: {theme.ACCENT}; }}"
)


NOTES_MIN_HEIGHT, NOTES_MAX_HEIGHT = 76, 140  # the notes editor: a few lines on a small screen, more on a big one


def _label(text: str = "", name: str | None = None, wrap: bool = True, selectable: bool = True) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)  # titles, companies and notes are shown as typed
    label.setWordWrap(wrap)
    label.setIndent(0)  # a stylesheet padding would otherwise indent the text by half an "x"
    if selectable:
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if name:
        label.setObjectName(name)
    return label


class DetailPane(QStackedWidget):
    """Shows one card; the status selector asks the board to move it, the notes editor saves through NotesKeeper."""

    status_requested = Signal(object, object)  # (user_job_id, JobStatus)
    detail_loaded = Signal(object)  # JobDetail

    def __init__(
        self,
        board: BoardQueries,
        tasks: TaskRunner,
        hub: Hub,
        notes: NotesKeeper,
        parent: QWidget | None = None,
        details: CardDetailsService | None = None,
        *,
        history: StatusHistory | None = None,
        reminders: ReminderService | None = None,
        duplicates: DuplicateService | None = None,
        resume_gaps: CardGaps | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("detailPane")
        # The status timeline and follow-up, when the window has those services.
        self.tracking_panel = TrackingPanel(history, reminders, tasks) if history and reminders else None
        self._board = board
        self._tasks = tasks
        self._notes = notes
        # Priority, tags, interviews and contacts (a pane built without the service shows the posting only).
        self.tracking_section = CardDetailsSection(details, tasks, hub) if details is not None else None
        self.duplicates = DuplicateBanner(duplicates, tasks, hub) if duplicates is not None else None
        # The skill gaps against the profile's other résumés (a pane built without the service shows the card's).
        self.resume_switcher = ResumeGapSwitcher(resume_gaps, tasks) if resume_gaps is not None else None
        self.card: BoardCard | None = None
        self.detail: JobDetail | None = None
        self._generation = 0
        self._filling = False
        placeholder = QLabel("Select a card to see the posting,\nits status and your notes.")
        placeholder.setObjectName("detailPlaceholder")
        placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.addWidget(placeholder)
        # A short window scrolls the pane rather than pushing the notes below the screen's edge.
        self.scroll_area = QScrollArea()
        self.scroll_area.setObjectName("detailScroll")
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll_area.setWidget(self._build())
        self.addWidget(self.scroll_area)
        hub.changed.connect(self._on_changes)
        notes.saved.connect(self._note_saved)

    # -- layout ----------------------------------------------------------------------------------------
    def _build(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(18, 16, 18, 14)
        layout.setSpacing(8)
        self.title = _label(name="detailTitle")
        self.subtitle = _label(name="detailSubtitle")
        self.meta = _label(name="detailMeta")
        layout.addWidget(self.title)
        layout.addWidget(self.subtitle)
        layout.addWidget(self.meta)
        if self.duplicates is not None:
            layout.addWidget(self.duplicates)

        actions = QHBoxLayout()
        actions.setSpacing(8)
        self.open_button = QPushButton(theme.icon("external-light"), "Open posting")
        self.open_button.setObjectName("primaryButton")
        self.open_button.clicked.connect(lambda: self._open_url(self._posting_url()))
        self.apply_button = QPushButton("Apply page")
        self.apply_button.clicked.connect(lambda: self._open_url(self.detail.apply_url if self.detail else None))
        self.status_box = QComboBox()
        self.status_box.setAccessibleName("Status")
        for status in STATUSES:
            self.status_box.addItem(status_label(status), status)
        self.status_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.status_box.activated.connect(self._status_chosen)
        self.score = _label(name="scoreBadge", wrap=False)
        actions.addWidget(self.open_button)
        actions.addWidget(self.apply_button)
        actions.addStretch(1)
        layout.addLayout(actions)
        # The status and the match get their own row: beside the buttons they were squeezed in a narrow pane.
        score_row = QHBoxLayout()
        score_row.setSpacing(8)
        score_row.addWidget(self.status_box)
        score_row.addWidget(self.score)
        score_row.addStretch(1)
        layout.addLayout(score_row)
        if self.tracking_section is not None:
            layout.addWidget(self.tracking_section)

        self.have_label = _label("Matches your résumé", "sectionLabel", selectable=False)
        self.have_chips = ChipList("#dff2e7", "#1c6b45")
        self.missing_label = _label("Missing from your résumé", "sectionLabel", selectable=False)
        self.missing_chips = ChipList("#fbe9e0", "#8a3b1c")
        self.skills_label = _label("Skills", "sectionLabel", selectable=False)
        self.skill_chips = ChipList()
        self.tags_label = _label("Found by", "sectionLabel", selectable=False)
        self.tag_chips = ChipList("#e8ecfb", "#303f8f")
        if self.resume_switcher is not None:
            self.resume_switcher.gaps_chosen.connect(self._set_gaps)
            layout.addWidget(self.resume_switcher)
        for widget in (
            self.have_label,
            self.have_chips,
            self.missing_label,
            self.missing_chips,
            self.skills_label,
            self.skill_chips,
            self.tags_label,
            self.tag_chips,
        ):
            layout.addWidget(widget)
        self.tracking = _label(name="detailMeta")
        layout.addWidget(self.tracking)
        if self.tracking_panel is not None:
            layout.addWidget(self.tracking_panel)

        self.description = QTextBrowser()
        self.description.setObjectName("description")
        # Links go through the shared check, never straight to the system (see ui/support/links.py).
        self.description.setOpenLinks(False)
        self.description.setOpenExternalLinks(False)
        self.description.anchorClicked.connect(self._open_description_link)
        self.description.setFrameShape(QFrame.Shape.NoFrame)
        self.description.document().setDocumentMargin(0)
        self.description.document().setDefaultStyleSheet(DESCRIPTION_CSS)
        self.description.document().setIndentWidth(18)
        layout.addWidget(_label("Description", "sectionLabel", selectable=False))
        layout.addWidget(self.description, 1)

        notes_header = QHBoxLayout()
        notes_header.addWidget(_label("Notes", "sectionLabel", selectable=False))
        notes_header.addStretch(1)
        self.notes_state = _label(name="notesState", wrap=False)
        notes_header.addWidget(self.notes_state)
        layout.addLayout(notes_header)
        self.notes_edit = QPlainTextEdit()
        self.notes_edit.setObjectName("notesEdit")
        self.notes_edit.setPlaceholderText("Contacts, interview dates, what to ask… saved as you type.")
        self.notes_edit.setFixedHeight(NOTES_MAX_HEIGHT)  # resizeEvent fits it to the pane's height
        self.notes_edit.textChanged.connect(self._notes_typed)
        layout.addWidget(self.notes_edit)
        return page

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Give the notes a sixth of the pane's height (within bounds): a short window keeps more of the rest."""
        super().resizeEvent(event)
        height = max(NOTES_MIN_HEIGHT, min(NOTES_MAX_HEIGHT, event.size().height() // 6))
        if height != self.notes_edit.height():
            self.notes_edit.setFixedHeight(height)

    # -- showing a card --------------------------------------------------------------------------------
    def show_card(self, card: BoardCard | None) -> None:
        """Show a card (None: the placeholder); a note typed for the previous card is saved first."""
        previous = self.card
        if previous is not None and self._notes.text_for(previous.user_job_id) is not None:
            self._notes.flush()
        if self.tracking_section is not None:
            self.tracking_section.show_card(card.user_job_id if card else None)
        if card is None and self.resume_switcher is not None:
            self.resume_switcher.show_card(None)
        if card is None:
            self.card = self.detail = None
            if self.duplicates is not None:
                self.duplicates.show_card(None)
            self.setCurrentIndex(0)
            return
        same = previous is not None and previous.user_job_id == card.user_job_id
        self.card = card
        self.setCurrentIndex(1)
        self._fill_from_card(card)
        if not same:
            self.detail = None
            self.meta.clear()
            self.tracking.clear()
            self.apply_button.hide()
            self._fill_notes(card)
            self.description.setHtml("<p style='color:#7d8592'>Loading the description…</p>")
        self.reload()

    def reload(self) -> None:
        """Read the current card's full detail again."""
        if self.card is None:
            return
        self._generation += 1
        generation = self._generation
        if self.duplicates is not None:
            self.duplicates.show_card(self.card.user_job_id)
        self._tasks.run(
            self._board.detail,
            self.card.user_job_id,
            report=False,
            on_success=lambda detail: self._apply_detail(generation, detail),
        )

    def _fill_from_card(self, card: BoardCard) -> None:
        self.title.setText(card.title)
        where = " · ".join(x for x in (card.company, card.location) if x)
        self.subtitle.setText(where + (" · Remote" if card.is_remote and "remote" not in where.lower() else ""))
        self.status_box.setCurrentIndex(STATUSES.index(card.status))
        if card.match_score is None:
            self.score.hide()
        else:
            self.score.setText(f"Match {card.match_score}%")
            self.score.setToolTip(
                tooltip_text(f"Scored with the résumé “{card.best_resume}”" if card.best_resume else None)
            )
            background, foreground = theme.score_colors(card.match_score)
            self.score.setStyleSheet(f"background: {background.name()}; color: {foreground.name()};")
            self.score.show()
        gap = card.gap_analysis or {}
        self._set_gaps(card.best_resume, list(gap.get("have") or []), list(gap.get("missing") or []))
        if self.resume_switcher is not None:
            self.resume_switcher.show_card(card)
        self.open_button.setEnabled(bool(card.url))

    def _set_gaps(self, resume: str | None, have: list[str], missing: list[str]) -> None:
        """The skill chips: those of the card's best résumé, or of the one chosen in the switcher."""
        self.have_label.setText(f"Matches “{resume}”" if resume else "Matches your résumé")
        self.missing_label.setText(f"Missing from “{resume}”" if resume else "Missing from your résumé")
        self.have_chips.set_chips(have)
        self.have_label.setVisible(bool(have))
        self.missing_chips.set_chips(missing)
        self.missing_label.setVisible(bool(missing))

    def _fill_notes(self, card: BoardCard) -> None:
        pending = self._notes.text_for(card.user_job_id)
        self._filling = True
        try:
            self.notes_edit.setPlainText(pending if pending is not None else (card.notes or ""))
        finally:
            self._filling = False
        self.notes_state.setText("Not saved yet" if pending is not None else "")

    def _apply_detail(self, generation: int, detail: JobDetail) -> None:
        if generation != self._generation or self.card is None or detail.card.user_job_id != self.card.user_job_id:
            return
        self.detail = detail
        self.card = detail.card
        self._fill_from_card(detail.card)
        if self._notes.text_for(detail.card.user_job_id) is None and self.notes_edit.toPlainText() != (
            detail.card.notes or ""
        ):
            # Saved elsewhere (another desktop or window) and nothing typed here is pending: show theirs.
            position = self.notes_edit.textCursor().position()
            self._fill_notes(detail.card)
            cursor = self.notes_edit.textCursor()
            cursor.setPosition(min(position, len(self.notes_edit.toPlainText())))
            self.notes_edit.setTextCursor(cursor)
        self.meta.setText(meta_text(detail))
        self.meta.setVisible(bool(self.meta.text()))
        apply_url = detail.apply_url
        self.apply_button.setVisible(bool(apply_url) and apply_url != detail.card.url)
        self.open_button.setEnabled(bool(self._posting_url()))
        self.skill_chips.set_chips(list(detail.skills or []))
        self.skills_label.setVisible(bool(detail.skills))
        tags = [str(tag) for tag in detail.criteria_tags]
        self.tag_chips.set_chips(tags)
        self.tags_label.setVisible(bool(tags))
        self.tracking.setText(tracking_text(detail))
        if self.tracking_panel is not None:
            self.tracking_panel.show_card(detail.card)
        markup = description_markup(detail.description_html, detail.description)
        self.description.setHtml(markup or "<p style='color:#7d8592'>The posting came without a description.</p>")
        self.detail_loaded.emit(detail)

    # -- user actions ----------------------------------------------------------------------------------
    def _posting_url(self) -> str | None:
        if self.detail is not None:
            return self.detail.card.url or self.detail.apply_url
        return self.card.url if self.card else None

    def _open_url(self, url: str | None) -> None:
        if url:
            open_external(url, self)

    def _open_description_link(self, url: QUrl) -> None:
        open_external(url, self, DESCRIPTION_SCHEMES)

    def open_posting(self) -> None:
        """Open the current posting in the browser."""
        self._open_url(self._posting_url())

    def _status_chosen(self, index: int) -> None:
        status = self.status_box.itemData(index)
        if self.card is not None and JobStatus(status) != self.card.status:
            self.status_requested.emit(self.card.user_job_id, JobStatus(status))

    def _notes_typed(self) -> None:
        if self._filling or self.card is None:
            return
        self._notes.edit(self.card.user_job_id, self.notes_edit.toPlainText())
        self.notes_state.setText("Editing…")

    def focus_notes(self) -> None:
        """Put the cursor at the end of the notes."""
        # ensureWidgetVisible would only bring the text cursor into view; show the whole editor.
        content = self.scroll_area.widget()
        if content is not None:
            top = self.notes_edit.mapTo(content, QPoint(0, 0)).y()
            half = self.notes_edit.height() // 2
            self.scroll_area.ensureVisible(0, top + half, 0, half + 2)
        self.notes_edit.setFocus()
        self.notes_edit.moveCursor(self.notes_edit.textCursor().MoveOperation.End)

    def _note_saved(self, card_id: uuid.UUID) -> None:
        if self.card is not None and card_id == self.card.user_job_id and self._notes.text_for(card_id) is None:
            self.notes_state.setText("Saved")

    def _on_changes(self, changes: ChangeSet) -> None:
        if self.card is None or isinstance(changes.initiator, NotesKeeper):
            return
        if changes.touches(self.card.user_job_id):
            self.reload()
