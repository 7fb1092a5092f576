"""Every question the window asks the user, in one object a test can replace with scripted answers."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QFileDialog, QInputDialog, QLabel, QLineEdit, QMessageBox, QWidget

from ui.plain_text import plain

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

    def text(self, title: str, label: str, value: str = "") -> str | None:
        """A line of text, or None when cancelled."""
        dialog = QInputDialog(self.parent)
        dialog.setWindowTitle(title)
        dialog.setInputMode(QInputDialog.InputMode.TextInput)
        dialog.setTextEchoMode(QLineEdit.EchoMode.Normal)
        dialog.setLabelText(label)
        dialog.setTextValue(value)
        plain(*dialog.findChildren(QLabel))  # the question may quote a profile name
        ok = dialog.exec() == QDialog.DialogCode.Accepted
        return dialog.textValue() if ok else None

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
