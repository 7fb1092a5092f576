"""One chart (pyqtgraph bars) with its numbers as a table beneath, exportable as PNG and CSV."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.export import export_rows_csv
from ui.support.plain_text import plain_label

# Series colours, distinguishable for the common colour-vision deficiencies (Okabe–Ito).
SERIES_COLORS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9")
MAX_LABEL = 28  # axis tick labels longer than this are cut (the table keeps the whole text)

Cell = str | int | float | None
AskPath = Callable[[str, str, str], str | None]


def _ask_path(parent: QWidget, caption: str, suggested: str, pattern: str) -> str | None:
    path, _filter = QFileDialog.getSaveFileName(parent, caption, suggested, pattern)
    return path or None


def _text(value: Cell) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


class FigurePanel(QWidget):
    """A titled bar chart over named series, its table, and Export PNG / Export CSV buttons."""

    def __init__(self, title: str, parent: QWidget | None = None, *, chart: bool = True) -> None:
        super().__init__(parent)
        self.title = title
        self.headers: list[str] = []
        self.rows: list[list[Cell]] = []
        # Where an export goes; a test replaces it to avoid the file dialog.
        self.ask_path: AskPath = lambda caption, suggested, pattern: _ask_path(self, caption, suggested, pattern)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        head = QHBoxLayout()
        self.caption: QLabel = plain_label(title)
        self.caption.setObjectName("figureTitle")
        head.addWidget(self.caption, 1)
        self.png_button = QPushButton("Export PNG…")
        self.csv_button = QPushButton("Export CSV…")
        self.png_button.clicked.connect(lambda _checked=False: self._export("png"))
        self.csv_button.clicked.connect(lambda _checked=False: self._export("csv"))
        head.addWidget(self.png_button)
        head.addWidget(self.csv_button)
        layout.addLayout(head)
        self.plot: pg.PlotWidget | None = None
        if chart:
            self.plot = pg.PlotWidget(background="w")
            self.plot.setMenuEnabled(False)
            self.plot.setMouseEnabled(x=False, y=False)
            self.plot.hideButtons()
            self.plot.showGrid(y=True, alpha=0.2)
            # Grid lines at the labelled ticks only: each line is blended across the whole plot, and the minor
            # levels tripled the cost of painting the axis (about 2.5 ms a paint).
            self.plot.getAxis("left").setStyle(maxTickLevel=0)
            self.plot.setMinimumHeight(180)
            self.legend = self.plot.addLegend(offset=(-10, 10))
            layout.addWidget(self.plot, 3)
        else:
            self.png_button.setVisible(False)
        self.model = QStandardItemModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.table, 2)

    def set_table(self, headers: Sequence[str], rows: Sequence[Sequence[Cell]]) -> None:
        """The numbers behind the chart (shown as plain text; exported as they are)."""
        self.headers = list(headers)
        self.rows = [list(row) for row in rows]
        # Filled while no view watches it, then shown at once: the view lays out and sizes its columns once, not
        # after every row. Items stay editable in the model; the view has no edit triggers.
        model = QStandardItemModel(len(self.rows), len(self.headers), self)
        model.setHorizontalHeaderLabels(self.headers)
        right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        for r, row in enumerate(self.rows):
            for c, value in enumerate(row):
                item = QStandardItem(_text(value))
                if isinstance(value, int | float):
                    item.setTextAlignment(right)
                model.setItem(r, c, item)
        old, self.model = self.model, model
        self.table.setModel(model)
        old.deleteLater()

    def set_bars(self, labels: Sequence[str], series: dict[str, Sequence[float | None]]) -> None:
        """Grouped bars: one group per label, one bar per series (None draws nothing)."""
        if self.plot is None:
            return
        self.plot.clear()
        self.legend.clear()
        count = max(len(series), 1)
        width = 0.8 / count
        for index, (name, values) in enumerate(series.items()):
            offset = (index - (count - 1) / 2) * width
            xs = [i + offset for i, v in enumerate(values) if v is not None]
            heights = [float(v) for v in values if v is not None]
            color = QColor(SERIES_COLORS[index % len(SERIES_COLORS)])
            bars = pg.BarGraphItem(x=xs, height=heights, width=width * 0.95, brush=color, pen=pg.mkPen(None))
            self.plot.addItem(bars)
            if len(series) > 1:
                self.legend.addItem(bars, name)
        ticks = [
            (i, label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1] + "…") for i, label in enumerate(labels)
        ]
        axis = self.plot.getAxis("bottom")
        # Many weeks: label every few so the dates do not overlap.
        step = max(1, len(ticks) // 12)
        axis.setTicks([ticks[::step], []])
        self.plot.setXRange(-0.6, max(len(labels) - 0.4, 0.4), padding=0)
        shown = [float(v) for values in series.values() for v in values if v is not None]
        top = max(shown, default=0.0)
        self.plot.setYRange(0, top * 1.1 if top > 0 else 1, padding=0)
        left = self.plot.getAxis("left")
        if all(v.is_integer() for v in shown):  # counts: whole-number ticks ("1 applied", never "0.4")
            step = max(1, math.ceil(top / 5))
            left.setTickSpacing(major=step, minor=step)
        else:
            left.setTickSpacing()  # rates and days: the axis picks its own

    def export_csv(self, path: str) -> int:
        """Write the table as CSV; returns the row count."""
        return export_rows_csv(path, self.headers, [list(row) for row in self.rows])

    def export_png(self, path: str) -> bool:
        """Save the chart and its table as they are on screen, as PNG."""
        return self.grab().save(path, "PNG")

    def _export(self, kind: str) -> None:
        suggested = self.title.lower().replace(" ", "-") + "." + kind
        pattern = "PNG image (*.png)" if kind == "png" else "CSV (*.csv)"
        path = self.ask_path(f"Export {self.title}", suggested, pattern)
        if not path:
            return
        if not path.lower().endswith("." + kind):
            path += "." + kind
        if kind == "png":
            self.export_png(path)
        else:
            self.export_csv(path)
