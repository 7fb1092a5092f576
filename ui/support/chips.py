"""A wrapping row of small rounded labels (skills, gap analysis, criteria tags), painted, not one widget each."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

CHIP_PAD_X = 8
CHIP_GAP = 5
CHIP_ROW_GAP = 5


class ChipList(QWidget):
    """Chips that wrap to the width they get; each set of chips has one background and text colour."""

    def __init__(self, background: str = "#eef1f6", foreground: str = "#3b4350", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._chips: list[str] = []
        self._background = QColor(background)
        self._foreground = QColor(foreground)
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

    @property
    def chips(self) -> list[str]:
        """The texts shown."""
        return list(self._chips)

    def set_chips(self, chips: list[str]) -> None:
        """Show these texts (empty hides the widget)."""
        self._chips = [str(chip) for chip in chips if str(chip).strip()]
        self.setVisible(bool(self._chips))
        self.setAccessibleName(", ".join(self._chips))
        self.updateGeometry()
        self.update()

    def _layout(self, width: int) -> tuple[list[QRectF], int]:
        metrics = QFontMetrics(self.font())
        height = metrics.height() + 6
        x = y = 0.0
        rects: list[QRectF] = []
        for chip in self._chips:
            chip_width = min(float(width), metrics.horizontalAdvance(chip) + 2 * CHIP_PAD_X)
            if x > 0 and x + chip_width > width:
                x, y = 0.0, y + height + CHIP_ROW_GAP
            rects.append(QRectF(x, y, chip_width, height))
            x += chip_width + CHIP_GAP
        return rects, int(y + height) if rects else 0

    def hasHeightForWidth(self) -> bool:
        """The height depends on how the chips wrap."""
        return True

    def heightForWidth(self, width: int) -> int:
        """Height needed to show every chip at this width."""
        return self._layout(max(width, 40))[1]

    def sizeHint(self) -> QSize:
        """As wide as a line of chips, as high as they wrap at the current width."""
        return QSize(240, self.heightForWidth(max(self.width(), 240)))

    def minimumSizeHint(self) -> QSize:
        """At least one chip row."""
        return QSize(40, self.heightForWidth(max(self.width(), 40)))

    def paintEvent(self, event: QPaintEvent) -> None:
        """Rounded chips with elided text."""
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        metrics = QFontMetrics(self.font())
        rects, _height = self._layout(self.width())
        for chip, rect in zip(self._chips, rects, strict=True):
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(self._background)
            painter.drawRoundedRect(rect, rect.height() / 2, rect.height() / 2)
            painter.setPen(self._foreground)
            # A few pixels of the padding absorb the glyphs' side bearings, which elidedText counts and the
            # advance width does not: without them every chip that fits exactly would be elided.
            text = metrics.elidedText(chip, Qt.TextElideMode.ElideRight, int(rect.width() - 2 * CHIP_PAD_X + 6))
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
        painter.end()
