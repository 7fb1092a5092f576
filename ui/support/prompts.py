"""Every question the window asks the user, in one object a test can replace with scripted answers."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QInputDialog, QLabel, QLineEdit, QMessageBox, QWidget

from ui.support.plain_text import plain

TITLE_BAR_RESERVE = 160  # room the window manager takes beside a dialog's title (buttons, icon, padding)
DATASET_FILTER = "Dataset exports (*.json *.jsonl *.ndjson *.csv);;All files (*)"


class Prompts:
    """File dialogs, confirmations and short text questions, parented to the window."""

    def __init__(self, parent: QWidget) -> None:
        self.parent = parent

    def dataset_file(self, directory: str) -> str | None:
        """A dataset export to import (Apify JSON / JSONL / CSV, JobSpy CSV), or None."""
        path, _filter = QFileDialog.getOpenFileName(self.parent, "Import dataset", directory, DATASET_FILTER)
        return path or None

    def csv_target(self, suggested: str) -> str | None:
        """Where to write a CSV export, or None."""
        path, _filter = QFileDialog.getSaveFileName(self.parent, "Export board as CSV", suggested, "CSV (*.csv)")
        if path and not path.lower().endswith(".csv"):
            path += ".csv"
        return path or None

    def ics_target(self, suggested: str) -> str | None:
        """Where to write an iCalendar (.ics) export, or None."""
        path, _filter = QFileDialog.getSaveFileName(self.parent, "Export to calendar", suggested, "iCalendar (*.ics)")
        if path and not path.lower().endswith(".ics"):
            path += ".ics"
        return path or None

    def text(self, title: str, label: str, value: str = "") -> str | None:
        """A line of text, or None when cancelled."""
        dialog = text_dialog(self.parent, title, label, value)
        plain(*dialog.findChildren(QLabel))  # the question may quote a profile name
        ok = dialog.exec() == QInputDialog.DialogCode.Accepted
        answer = dialog.textValue()
        dialog.deleteLater()
        return answer if ok else None

    def confirm(self, title: str, text: str, accept: str) -> bool:
        """Ask before something that cannot be undone; the safe button is the default."""
        box = QMessageBox(QMessageBox.Icon.Warning, title, text, parent=self.parent)
        box.setTextFormat(Qt.TextFormat.PlainText)
        yes = box.addButton(accept, QMessageBox.ButtonRole.DestructiveRole)
        cancel = box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(cancel)
        box.exec()
        return box.clickedButton() is yes

    def inform(self, title: str, text: str) -> None:
        """Tell the user something that needs no answer."""
        box = QMessageBox(QMessageBox.Icon.Information, title, text, parent=self.parent)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.exec()


def text_dialog(parent: QWidget | None, title: str, label: str, value: str = "") -> QInputDialog:
    """A one-line question wide enough for its window title and its question (QInputDialog sizes to the field)."""
    dialog = QInputDialog(parent)
    dialog.setWindowTitle(title)
    dialog.setLabelText(label)
    dialog.setTextEchoMode(QLineEdit.EchoMode.Normal)
    dialog.setTextValue(value)
    metrics = dialog.fontMetrics()
    wanted = max(metrics.horizontalAdvance(title) + TITLE_BAR_RESERVE, metrics.horizontalAdvance(label) + 40, 360)
    # The dialog's layout fixes its minimum size to its contents, so widen the field, not the dialog.
    field = dialog.findChild(QLineEdit)
    if field is not None:
        layout = dialog.layout()
        margins = layout.contentsMargins() if layout is not None else dialog.contentsMargins()
        field.setMinimumWidth(wanted - margins.left() - margins.right())
    dialog.adjustSize()
    return dialog
