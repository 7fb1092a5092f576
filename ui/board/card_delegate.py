"""Paints a card (title, company, location, match-score badge, priority and tag chips, notes marker, age or
"applied 5 d ago", follow-up badge, "new" dot); no widget per card."""

from __future__ import annotations

from datetime import UTC, date, datetime

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPainterPath, QPen, QPixmap
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from app.records import BoardCard, JobStatus
from ui.board.column_model import CARD_ROLE
from ui.support import theme

CARD_HEIGHT = 76
GAP_Y = 4
GAP_X = 8
CARD_MIN_WIDTH = 100  # below the narrowest column: a wider card would be cut at the column's right edge
PAD_X = 12
PAD_Y = 9
RADIUS = 8.0
ELIDE_SLACK = 4  # elidedText counts glyph side bearings that the advance width leaves out
# Text kept whole thanks to the slack may pass its box by those few pixels: it is drawn unclipped (into the padding,
# never onto the badge or the card's edge) rather than losing its last letter.
UNCLIPPED_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextDontClip
CHIP_MAX_WIDTH = 84  # a long tag is elided: the chips share the footer with the location
CHIP_GAP = 4
CHIP_MIN_WIDTH = 30  # narrower than this, a chip shows too little of its text: "+N" instead
LOCATION_SHARE = 0.35  # chips stop where the location would get less than this share of the footer
PRIORITY_COLOURS = {  # (background, text)
    "high": ("#fde2e1", "#a12a24"),
    "medium": ("#fdf0d5", "#7f5410"),
    "low": ("#eef1f6", "#5b6472"),
}
TAG_COLOURS = ("#e8ecfb", "#303f8f")
# A card's frame (shadow, fill, border) is painted once per size and state into a pixmap that every card of that
# size then draws in one call: each painting call made from Python lets a worker thread take the GIL, and while an
# import or embedding runs the three calls of a frame cost the window a millisecond each.
FRAME_MARGIN = 2  # room for the border's antialiasing and the shadow around the card's rectangle
FRAME_CACHE_LIMIT = 64


def age_text(card: BoardCard, now: datetime | None = None) -> str:
    """ "today", "3d", "2w", "5mo": how long ago the job was posted (or, unknown that, added)."""
    moment = card.posted_at or card.added_at
    if moment is None:
        return ""
    now = now or datetime.now(UTC)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    days = max(0, (now - moment).days)
    if days == 0:
        return "today"
    if days < 14:
        return f"{days}d"
    if days < 60:
        return f"{days // 7}w"
    if days < 365:
        return f"{days // 30}mo"
    return f"{days // 365}y"


def chip_texts(card: BoardCard) -> list[tuple[str, str, str]]:
    """The chips a card's footer paints, in order: its priority, then its tags (text, background, foreground)."""
    chips = []
    if card.priority:
        background, foreground = PRIORITY_COLOURS.get(card.priority, PRIORITY_COLOURS["low"])
        chips.append((card.priority.capitalize(), background, foreground))
    chips.extend((tag, *TAG_COLOURS) for tag in card.tags)
    return chips


def applied_text(card: BoardCard, now: datetime | None = None) -> str:
    """ "applied 5 d ago" for a card past Recommended that was moved to Applied; "" otherwise."""
    if card.applied_at is None or card.status is JobStatus.RECOMMENDED:
        return ""
    now = now or datetime.now(UTC)
    days = max(0, (now - card.applied_at).days)
    return "applied today" if days == 0 else f"applied {days} d ago"


def reminder_badge(card: BoardCard, today: date | None = None) -> str:
    """ "Follow up" when the card's follow-up is due today, "Follow up · 3 d late" when overdue; "" otherwise."""
    today = today or date.today()
    if card.next_reminder is None or not card.reminder_due(today):
        return ""
    late = (today - card.next_reminder).days
    return "Follow up" if late == 0 else f"Follow up · {late} d late"


def location_text(card: BoardCard) -> str:
    """Location, with "Remote" added when the posting says so and the location does not."""
    location = card.location or ""
    if card.is_remote and "remote" not in location.lower():
        location = f"{location} · Remote" if location else "Remote"
    return location


class CardDelegate(QStyledItemDelegate):
    """Draws BoardCard records as cards of one uniform height (so 50,000 rows lay out instantly)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._frames: dict[tuple[int, int, bool, bool, float], QPixmap] = {}

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        """Every card is the same height; the list stretches it to the column's width."""
        return QSize(CARD_MIN_WIDTH, CARD_HEIGHT + 2 * GAP_Y)

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        """Paint the card background, then its text lines, badge and markers."""
        card = index.data(CARD_ROLE)
        if not isinstance(card, BoardCard):
            return
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        state = option.state
        selected = bool(state & QStyle.StateFlag.State_Selected)
        hovered = bool(state & QStyle.StateFlag.State_MouseOver)
        rect = QRectF(option.rect).adjusted(GAP_X, GAP_Y, -GAP_X, -GAP_Y)
        painter.drawPixmap(
            QPointF(rect.left() - FRAME_MARGIN, rect.top() - FRAME_MARGIN),
            self._frame(rect, selected, hovered, painter.device().devicePixelRatioF()),
        )

        base = QFont(option.font)
        inner = rect.adjusted(PAD_X, PAD_Y, -PAD_X, -PAD_Y)
        title_font = QFont(base)
        title_font.setWeight(QFont.Weight.DemiBold)
        small_font = QFont(base)
        small_font.setPointSizeF(max(7.0, base.pointSizeF() - 1))
        title_metrics = QFontMetrics(title_font)
        line = title_metrics.height()

        left = inner.left()
        if not card.seen:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(theme.ACCENT))
            painter.drawEllipse(QPointF(left + 3.5, inner.top() + line / 2), 3.5, 3.5)
            left += 13

        painter.setFont(title_font)
        painter.setPen(QColor(theme.TEXT))
        title_rect = QRectF(left, inner.top(), inner.right() - left, line)
        painter.drawText(
            title_rect,
            UNCLIPPED_LEFT,
            title_metrics.elidedText(card.title, Qt.TextElideMode.ElideRight, int(title_rect.width()) + ELIDE_SLACK),
        )

        # The badge shares the company line: titles are the longest text and keep the full width.
        base_metrics = QFontMetrics(base)
        company_rect = QRectF(inner.left(), title_rect.bottom() + 3, inner.width(), base_metrics.height())
        if card.match_score is not None:
            badge = self._paint_badge(painter, small_font, card.match_score, company_rect)
            company_rect.setRight(badge.left() - 8)
        painter.setFont(base)
        painter.setPen(QColor(theme.TEXT_SECONDARY))
        painter.drawText(
            company_rect,
            UNCLIPPED_LEFT,
            base_metrics.elidedText(
                card.company or "Company not given",
                Qt.TextElideMode.ElideRight,
                int(company_rect.width()) + ELIDE_SLACK,
            ),
        )
        self._paint_footer(painter, small_font, card, inner)
        painter.restore()

    def _frame(self, rect: QRectF, selected: bool, hovered: bool, ratio: float) -> QPixmap:
        """The frame of a card of rect's size, at the device's pixel ratio, from the cache or painted now."""
        key = (round(rect.width()), round(rect.height()), selected, hovered, ratio)
        pixmap = self._frames.get(key)
        if pixmap is None:
            if len(self._frames) >= FRAME_CACHE_LIMIT:  # column widths changed many times: start again
                self._frames.clear()
            width, height = key[0] + 2 * FRAME_MARGIN, key[1] + 2 * FRAME_MARGIN
            pixmap = QPixmap(round(width * ratio), round(height * ratio))
            pixmap.setDevicePixelRatio(ratio)
            pixmap.fill(Qt.GlobalColor.transparent)
            frame = QPainter(pixmap)
            frame.setRenderHint(QPainter.RenderHint.Antialiasing)
            self._paint_frame(frame, QRectF(FRAME_MARGIN, FRAME_MARGIN, key[0], key[1]), selected, hovered)
            frame.end()
            self._frames[key] = pixmap
        return pixmap

    @staticmethod
    def _paint_frame(painter: QPainter, rect: QRectF, selected: bool, hovered: bool) -> None:
        path = QPainterPath()
        path.addRoundedRect(rect, RADIUS, RADIUS)
        if not selected:
            # A one-pixel shadow lifts the card off the column without looking heavy.
            painter.fillPath(path.translated(0, 1), QColor(16, 24, 40, 18))
        painter.fillPath(path, QColor(theme.CARD_SELECTED if selected else theme.CARD))
        colour = theme.ACCENT if selected else theme.CARD_HOVER_BORDER if hovered else theme.CARD_BORDER
        painter.setPen(QPen(QColor(colour), 1.6 if selected else 1.0))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(path)

    @staticmethod
    def _paint_badge(painter: QPainter, font: QFont, score: int, line: QRectF) -> QRectF:
        """The match-score pill, right-aligned in a text line; returns where it went."""
        metrics = QFontMetrics(font)
        text = f"{score}%"
        width = metrics.horizontalAdvance(text) + 12
        height = metrics.height() + 3
        badge = QRectF(line.right() - width, line.center().y() - height / 2, width, height)
        background, foreground = theme.score_colors(score)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(background)
        painter.drawRoundedRect(badge, height / 2, height / 2)
        bold = QFont(font)
        bold.setWeight(QFont.Weight.DemiBold)
        painter.setFont(bold)
        painter.setPen(foreground)
        painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, text)
        return badge

    @staticmethod
    def _paint_footer(painter: QPainter, font: QFont, card: BoardCard, inner: QRectF) -> None:
        metrics = QFontMetrics(font)
        height = metrics.height()
        footer = QRectF(inner.left(), inner.bottom() - height, inner.width(), height)
        painter.setFont(font)
        painter.setPen(QColor(theme.TEXT_MUTED))
        age = applied_text(card) or age_text(card)
        age_width = metrics.horizontalAdvance(age)
        painter.drawText(footer, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, age)
        right = footer.right() - age_width - (8 if age else 0)
        due = reminder_badge(card)
        if due:
            right = CardDelegate._paint_due(painter, font, due, QPointF(right, footer.center().y()), footer.left()) - 8
        if card.notes and card.notes.strip() and right - 9 >= footer.left():
            right = CardDelegate._paint_note_marker(painter, QPointF(right, footer.center().y())) - 8
        if card.priority or card.tags:
            floor = footer.left() + footer.width() * LOCATION_SHARE
            right = CardDelegate._paint_chips(painter, metrics, chip_texts(card), footer, right, floor)
        text_rect = QRectF(footer.left(), footer.top(), max(0.0, right - footer.left()), height)
        painter.setPen(QColor(theme.TEXT_MUTED))
        painter.drawText(
            text_rect,
            UNCLIPPED_LEFT,
            metrics.elidedText(location_text(card), Qt.TextElideMode.ElideRight, int(text_rect.width()) + ELIDE_SLACK),
        )

    @staticmethod
    def _paint_chips(
        painter: QPainter,
        metrics: QFontMetrics,
        chips: list[tuple[str, str, str]],
        footer: QRectF,
        right: float,
        floor: float,
    ) -> float:
        """Chips laid out leftwards from `right`, as many as fit above `floor` (then "+N"); returns the left edge."""
        height = metrics.height()
        widths = [float(min(CHIP_MAX_WIDTH, metrics.horizontalAdvance(text) + 10)) for text, _bg, _fg in chips]
        # Chips are read left to right: find how many fit, then paint them in order from the leftmost.
        fitting, used = 0, 0.0
        for i, width in enumerate(widths):
            more = len(chips) - i - 1
            extra = (metrics.horizontalAdvance(f"+{more}") + CHIP_GAP) if more else 0
            room = right - used - CHIP_GAP - extra - floor
            if room < width:
                if i == 0 and room >= CHIP_MIN_WIDTH:  # a narrow card still shows its first chip, elided
                    widths[0] = room
                    fitting, used = 1, room + CHIP_GAP
                break
            fitting, used = i + 1, used + width + CHIP_GAP
        hidden = len(chips) - fitting
        if hidden:
            label = f"+{hidden}"
            label_width = metrics.horizontalAdvance(label)
            if right - used - label_width >= floor:
                painter.setPen(QColor(theme.TEXT_MUTED))
                painter.drawText(
                    QRectF(right - label_width, footer.top(), label_width, height),
                    Qt.AlignmentFlag.AlignCenter,
                    label,
                )
                right -= label_width + CHIP_GAP
        x = right - used
        left = x
        painter.setPen(Qt.PenStyle.NoPen)
        for (text, background, foreground), width in zip(chips[:fitting], widths[:fitting], strict=True):
            chip = QRectF(x, footer.top(), width, height)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(background))
            painter.drawRoundedRect(chip, height / 2, height / 2)
            painter.setPen(QColor(foreground))
            painter.drawText(
                chip,
                Qt.AlignmentFlag.AlignCenter,
                metrics.elidedText(text, Qt.TextElideMode.ElideRight, int(width) - 6 + ELIDE_SLACK),
            )
            x += width + CHIP_GAP
        return left - (4 if fitting else 0)

    @staticmethod
    def _paint_due(painter: QPainter, font: QFont, text: str, right_centre: QPointF, min_left: float) -> float:
        """The follow-up pill, right-aligned at the given point (never left of min_left); returns its left edge."""
        metrics = QFontMetrics(font)
        width = min(metrics.horizontalAdvance(text) + 10, max(0.0, right_centre.x() - min_left))
        if width < metrics.horizontalAdvance("…") + 10:
            return right_centre.x() + 8  # a narrow card has no room left; the column's Due filter still finds it
        text = metrics.elidedText(text, Qt.TextElideMode.ElideRight, int(width) - 10 + ELIDE_SLACK)
        height = metrics.height() + 1
        pill = QRectF(right_centre.x() - width, right_centre.y() - height / 2, width, height)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(theme.DUE_BACKGROUND))
        painter.drawRoundedRect(pill, height / 2, height / 2)
        painter.setFont(font)
        painter.setPen(QColor(theme.DUE_TEXT))
        painter.drawText(pill, Qt.AlignmentFlag.AlignCenter, text)
        painter.setPen(QColor(theme.TEXT_MUTED))
        return pill.left()

    @staticmethod
    def _paint_note_marker(painter: QPainter, right_centre: QPointF) -> float:
        """A small page with lines, right-aligned at the given point; returns its left edge."""
        width, height = 9.0, 11.0
        page = QRectF(right_centre.x() - width, right_centre.y() - height / 2, width, height)
        painter.setPen(QPen(QColor(theme.TEXT_MUTED), 1.1))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(page, 1.5, 1.5)
        for k in range(3):
            y = page.top() + 3 + k * 2.6
            painter.drawLine(QPointF(page.left() + 2.2, y), QPointF(page.right() - 2.2, y))
        return page.left()
