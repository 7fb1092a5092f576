"""Priority, tags, interviews and contacts in the window: the detail pane's sections, the card face, the search box,
and Jobs → Upcoming interviews."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import icalendar
import pytest
from PySide6.QtCore import QModelIndex, QRect
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QStyleOptionViewItem

from app.records import BoardCard, JobStatus
from tests.support.layout_checks import clipped_text
from tests.ui.helpers import ScriptedPrompts, seed_profile
from ui.board.card_delegate import CARD_HEIGHT, PRIORITY_COLOURS, TAG_COLOURS, CardDelegate, chip_texts
from ui.board.column_model import CARD_ROLE
from ui.shell.main_window import MainWindow
from ui.support.window_state import AppSettings


@pytest.fixture
def window(ctx, qtbot, loop, tmp_path):
    alex = seed_profile(ctx, "Alex", 5)
    seed_profile(ctx, "Sam", 2, start=50)
    settings = AppSettings(tmp_path / "s.ini")
    settings.last_profile_id = alex.id
    win = MainWindow(ctx, settings=settings, prompts=ScriptedPrompts())
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: win.controller.has_loaded and win.controller.total == 5, timeout=10_000)
    yield win
    win.close()


def _select_first(win: MainWindow, qtbot) -> BoardCard:
    card = win.controller.models[JobStatus.RECOMMENDED].cards[0]
    win.board_view.select_cards(JobStatus.RECOMMENDED, [card.user_job_id])
    section = win.detail.tracking_section
    qtbot.waitUntil(lambda: section.details is not None and section.details.user_job_id == card.user_job_id)
    return card


def _shown(win: MainWindow, card_id: uuid.UUID) -> BoardCard:
    found = win.controller.find(card_id)
    assert found is not None
    return found


def test_priority_and_tags_are_saved_and_painted_on_the_card(window, ctx, qtbot):
    card = _select_first(window, qtbot)
    section = window.detail.tracking_section
    section.priority_box.setCurrentIndex(section.priority_box.findData("high"))
    section.priority_box.activated.emit(section.priority_box.currentIndex())
    section.tags_edit.setText("Remote,  dream job , remote")
    section.tags_edit.editingFinished.emit()
    qtbot.waitUntil(lambda: _shown(window, card.user_job_id).tags == ("remote", "dream job"), timeout=10_000)
    qtbot.waitUntil(lambda: _shown(window, card.user_job_id).priority == "high", timeout=10_000)
    assert ctx.board.card(card.user_job_id).tags == ("remote", "dream job")
    assert [text for text, _bg, _fg in chip_texts(_shown(window, card.user_job_id))] == ["High", "remote", "dream job"]
    qtbot.waitUntil(lambda: section.tags_edit.text() == "remote, dream job")

    # The search box filters by tag and priority.
    window.focus_search()
    qtbot.keyClicks(window.search, "tag:remote priority:high")
    qtbot.waitUntil(lambda: window.controller.total == 1, timeout=10_000)
    window.search.clear()
    qtbot.waitUntil(lambda: window.controller.total == 5, timeout=10_000)


def _paint(card: BoardCard, width: int = 320) -> QImage:
    image = QImage(width, CARD_HEIGHT + 8, QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    option = QStyleOptionViewItem()
    option.rect = QRect(0, 0, width, CARD_HEIGHT + 8)

    class Index(QModelIndex):
        def data(self, role=0):  # the delegate reads the card through CARD_ROLE only
            return card if role == CARD_ROLE else None

    painter = QPainter(image)
    CardDelegate().paint(painter, option, Index())
    painter.end()
    return image


def _has_colour(image: QImage, colour: str) -> bool:
    target = QColor(colour).rgb()
    return any(image.pixel(x, y) == target for y in range(image.height()) for x in range(image.width()))


def test_card_face_paints_priority_and_tag_chips(ctx, qapp):
    now = datetime.now(UTC)
    plain = BoardCard(
        uuid.uuid4(), uuid.uuid4(), "Data Engineer", "Acme", "Berlin", JobStatus.APPLIED,
        1.0, None, None, None, None, None, None, None, now, now,
    )  # fmt: skip
    assert not _has_colour(_paint(plain), PRIORITY_COLOURS["high"][0])
    tagged = BoardCard(
        uuid.uuid4(), uuid.uuid4(), "Data Engineer", "Acme", "Berlin", JobStatus.APPLIED,
        1.0, None, None, None, None, None, None, None, now, now, True, ("remote", "x" * 60, "c", "d"), "high",
    )  # fmt: skip
    image = _paint(tagged)
    assert _has_colour(image, PRIORITY_COLOURS["high"][0]) and _has_colour(image, TAG_COLOURS[0])
    # A narrow card keeps room for the location: no chip at all below a width where none fits.
    narrow = _paint(tagged, width=110)
    assert not _has_colour(narrow, TAG_COLOURS[0])


def test_interviews_and_contacts_from_the_pane_survive_rejection_and_a_profile_switch(window, ctx, qtbot, tmp_path):
    card = _select_first(window, qtbot)
    section = window.detail.tracking_section
    section.add_interview_button.click()
    assert section.interview_form.isVisible()
    section.interview_kind.setCurrentIndex(section.interview_kind.findData("video"))
    section.interview_with.setText("Maria <b>CTO</b>")
    section.save_interview()
    qtbot.waitUntil(lambda: section.details is not None and len(section.details.interviews) == 1, timeout=10_000)
    interview = section.details.interviews[0]
    assert interview.kind == "video" and interview.with_whom == "Maria <b>CTO</b>"
    assert interview.at > datetime.now(UTC)  # the form starts tomorrow, on the hour, local time
    row = section.interview_rows.itemAt(0).widget()
    labels = [w for w in row.children() if w.objectName() == "interviewRow"]
    assert labels and "with Maria <b>CTO</b>" in labels[0].text()  # shown as typed, as plain text

    # A contact whose URL is not http(s) is refused; the form keeps what was typed.
    section.add_contact_button.click()
    section.contact_fields["name"].setText("Sam")
    section.contact_fields["url"].setText("javascript:alert(1)")
    with qtbot.waitSignal(window.tasks.failed, timeout=10_000):
        section.save_contact()
    assert section.contact_form.isVisible() and section.contact_fields["name"].text() == "Sam"
    section.contact_fields["url"].setText("https://example.org/in/sam")
    section.contact_fields["notes"].setText("met at the meetup")
    section.save_contact()
    qtbot.waitUntil(lambda: section.details is not None and len(section.details.contacts) == 1, timeout=10_000)
    assert section.details.contacts[0].notes == "met at the meetup"
    assert section.contact_form.isHidden()

    # One interview to a calendar file.
    target = tmp_path / "one.ics"
    section.ask_ics_path = lambda _suggested: str(target)
    section.export_interviews(section.details.interviews)
    qtbot.waitUntil(target.exists, timeout=10_000)
    (event,) = icalendar.Calendar.from_ical(target.read_bytes()).walk("VEVENT")
    assert str(event["uid"]) == f"{interview.id}@interview.jobpool"

    # Rejected, then another profile and back: everything is still there.
    window.controller.move([card.user_job_id], JobStatus.REJECTED)
    qtbot.waitUntil(lambda: ctx.board.card(card.user_job_id).status is JobStatus.REJECTED, timeout=10_000)
    sam = next(p for p in ctx.profiles.list() if p.name == "Sam")
    alex = next(p for p in ctx.profiles.list() if p.name == "Alex")
    window.switch_profile(sam)
    qtbot.waitUntil(lambda: window.controller.total == 2, timeout=10_000)
    window.switch_profile(alex)
    qtbot.waitUntil(lambda: window.controller.total == 5, timeout=10_000)
    window.board_view.select_cards(JobStatus.REJECTED, [card.user_job_id])
    qtbot.waitUntil(
        lambda: (
            section.details is not None
            and section.details.user_job_id == card.user_job_id
            and len(section.details.interviews) == 1
            and len(section.details.contacts) == 1
        ),
        timeout=10_000,
    )


def test_upcoming_interviews_dialog_lists_and_exports(window, ctx, qtbot, qtmodeltester, tmp_path):
    cards = window.controller.models[JobStatus.RECOMMENDED].cards
    soon = ctx.details.add_interview(cards[0].user_job_id, datetime.now(UTC) + timedelta(days=2), "phone", "Ana")
    later = ctx.details.add_interview(cards[1].user_job_id, datetime.now(UTC) + timedelta(days=9), "onsite")
    ctx.details.add_interview(cards[1].user_job_id, datetime.now(UTC) - timedelta(days=9), "video")  # past
    window.menu_actions["upcoming"].trigger()
    dialog = window.last_dialog
    qtbot.waitUntil(lambda: not dialog.loading, timeout=10_000)
    qtmodeltester.check(dialog.model)
    assert [i.id for i in dialog.model.items] == [soon.id, later.id]
    assert dialog.model.index(0, 2).data() == "Ana"
    target = tmp_path / "all.ics"
    window.prompts.ics_path = str(target)
    dialog.export_all()
    qtbot.waitUntil(target.exists, timeout=10_000)
    uids = [str(e["uid"]) for e in icalendar.Calendar.from_ical(target.read_bytes()).walk("VEVENT")]
    assert uids == [f"{soon.id}@interview.jobpool", f"{later.id}@interview.jobpool"]
    dialog.view.selectRow(1)
    selected = tmp_path / "one.ics"
    window.prompts.ics_path = str(selected)
    dialog.export_selected()
    qtbot.waitUntil(selected.exists, timeout=10_000)
    assert len(icalendar.Calendar.from_ical(selected.read_bytes()).walk("VEVENT")) == 1
    dialog.close()


def test_open_forms_and_rows_fit_the_pane_at_1280_by_800(window, ctx, qtbot):
    card = window.controller.models[JobStatus.RECOMMENDED].cards[0]
    ctx.details.add_interview(card.user_job_id, datetime.now(UTC) + timedelta(days=3), "take-home", "Hiring panel")
    ctx.details.add_contact(card.user_job_id, "Sam Lee", "Recruiter", "sam@acme.example", url="https://example.org/sam")
    ctx.details.set_tags(card.user_job_id, ["remote", "fintech"])
    _select_first(window, qtbot)
    section = window.detail.tracking_section
    section.reload()  # written behind the window's back (as the command line would): read again
    qtbot.waitUntil(lambda: section.details is not None and len(section.details.contacts) == 1, timeout=10_000)
    window.resize(1280, 800)
    section.add_interview_button.click()
    section.add_contact_button.click()
    qtbot.waitUntil(lambda: section.interview_form.isVisible() and section.contact_form.isVisible())
    # Wrapped labels take their height once the layout has settled; a label still cut after that fails here.
    qtbot.waitUntil(lambda: clipped_text(window.detail) == [], timeout=3_000)
    assert window.detail.notes_edit.height() >= 60
