"""A card's frame is painted once per size and state, and looks as when painted directly."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QColor, QImage, QPainter

from ui.board.card_delegate import CARD_HEIGHT, FRAME_MARGIN, GAP_X, GAP_Y, CardDelegate


def _canvas() -> QImage:
    image = QImage(320, CARD_HEIGHT + 2 * GAP_Y, QImage.Format.Format_ARGB32)
    image.fill(QColor("#f4f5f7"))
    return image


def _largest_difference(a: QImage, b: QImage) -> int:
    worst = 0
    for y in range(a.height()):
        for x in range(a.width()):
            ca, cb = QColor(a.pixel(x, y)), QColor(b.pixel(x, y))
            worst = max(worst, abs(ca.red() - cb.red()), abs(ca.green() - cb.green()), abs(ca.blue() - cb.blue()))
    return worst


def test_one_frame_per_size_and_state_that_looks_as_painted_directly(qapp) -> None:
    delegate = CardDelegate()
    rect = QRectF(GAP_X, GAP_Y, 320 - 2 * GAP_X, CARD_HEIGHT)
    for selected in (False, True):
        for hovered in (False, True):
            cached, direct = _canvas(), _canvas()
            frames = {id(delegate._frame(rect, selected, hovered, 1.0)) for _ in range(3)}
            assert len(frames) == 1  # three cards of one size and state share one pixmap
            painter = QPainter(cached)
            frame = delegate._frame(rect, selected, hovered, 1.0)
            painter.drawPixmap(QPointF(rect.left() - FRAME_MARGIN, rect.top() - FRAME_MARGIN), frame)
            painter.end()
            painter = QPainter(direct)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            CardDelegate._paint_frame(painter, rect, selected, hovered)
            painter.end()
            assert _largest_difference(cached, direct) <= 1  # rounding of the compositing, nothing visible
    assert len(delegate._frames) == 4
    delegate._frame(rect.adjusted(0, 0, -40, 0), False, False, 1.0)  # a narrower column: its own frame
    assert len(delegate._frames) == 5
