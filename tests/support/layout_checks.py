"""Finds text the user cannot read in full: labels, buttons and combo boxes narrower (or shorter) than their text."""

from __future__ import annotations

from PySide6.QtCore import QRect
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QComboBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QStyle,
    QStyleOptionComboBox,
    QToolButton,
    QWidget,
)

TITLE_BAR_RESERVE = 160  # window-manager buttons and padding around a dialog's title


def _shown(widget: QWidget, root: QWidget) -> bool:
    return widget.isVisibleTo(root) and widget.width() > 0 and widget.height() > 0


def _name(widget: QWidget) -> str:
    return f"{type(widget).__name__}({widget.objectName() or widget.accessibleName() or ''!r})"


def _label_problem(label: QLabel) -> str | None:
    text = label.text()
    if not text or label.textFormat() == label.textFormat().RichText or text.lstrip().startswith("<"):
        return None
    room = label.contentsRect().adjusted(label.margin(), label.margin(), -label.margin(), -label.margin())
    indent = max(label.indent(), 0)
    if label.wordWrap():
        needed = label.heightForWidth(label.width())
        if needed > label.height():
            return f"{_name(label)} {text!r}: wrapped text needs {needed}px height, has {label.height()}"
        longest = max(label.fontMetrics().horizontalAdvance(word) for word in text.split())
        if longest > room.width():
            return f"{_name(label)} {text!r}: word of {longest}px in {room.width()}px"
        return None
    needed = max(label.fontMetrics().horizontalAdvance(line) for line in text.splitlines()) + indent
    if needed > room.width():
        return f"{_name(label)} {text!r}: needs {needed}px, has {room.width()}"
    if "…" in text and "…" not in (label.property("fullText") or text):
        return f"{_name(label)} {text!r}: elided"
    return None


def _button_problem(button: QPushButton | QToolButton) -> str | None:
    text = button.text().replace("&&", "\0").replace("&", "").replace("\0", "&")
    shows_text = isinstance(button, QPushButton) or (
        button.toolButtonStyle() != button.toolButtonStyle().ToolButtonIconOnly
    )
    if not shows_text or not text:
        return None
    # sizeHint is the text advance plus icon, style padding and stylesheet padding/border: what the text needs.
    needed = button.sizeHint().width()
    if needed > button.width():
        return f"{_name(button)} {text!r}: needs {needed}px, has {button.width()}"
    return None


def _combo_problem(combo: QComboBox) -> str | None:
    text = combo.currentText()
    if not text or combo.isEditable():
        return None
    option = QStyleOptionComboBox()
    combo.initStyleOption(option)
    field = combo.style().subControlRect(
        QStyle.ComplexControl.CC_ComboBox, option, QStyle.SubControl.SC_ComboBoxEditField, combo
    )
    icon = combo.iconSize().width() + 4 if not combo.itemIcon(combo.currentIndex()).isNull() else 0
    needed = combo.fontMetrics().horizontalAdvance(text) + icon
    if needed > field.width():
        return f"{_name(combo)} {text!r}: needs {needed}px, edit field has {field.width()}"
    return None


def _placeholder_problem(edit: QLineEdit) -> str | None:
    """An empty field whose hint text is elided."""
    text = edit.placeholderText()
    if not text or edit.text():
        return None
    margins = edit.textMargins()
    # The frame, the stylesheet padding and Qt's own 2px side margins come off the width.
    room = edit.contentsRect().width() - margins.left() - margins.right() - 4
    for action in edit.actions():
        room -= edit.height() if action.isVisible() else 0
    needed = edit.fontMetrics().horizontalAdvance(text)
    if needed > room:
        return f"{_name(edit)} placeholder {text!r}: needs {needed}px, has {room}"
    return None


def _inside_clip(widget: QWidget, root: QWidget) -> str | None:
    """A widget cut off by its parent or by a scroll area's viewport (beyond scrolling within a list)."""
    rect = QRect(widget.mapTo(root, widget.rect().topLeft()), widget.size())
    parent = widget.parentWidget()
    while parent is not None and parent is not root.parentWidget():
        if isinstance(parent, QAbstractScrollArea):
            break  # contents of a scroll area are meant to scroll
        parent_rect = QRect(parent.mapTo(root, parent.rect().topLeft()), parent.size())
        if parent.objectName() == "qt_scrollarea_viewport":
            # Scrolling up and down is how a long pane is read; cut sideways, the text is lost.
            parent_rect.setTop(rect.top())
            parent_rect.setHeight(rect.height())
        if not parent_rect.contains(rect):
            return f"{_name(widget)} cut off by {_name(parent)}: {rect.getRect()} not in {parent_rect.getRect()}"
        if parent is root:
            break
        parent = parent.parentWidget()
    return None


def clipped_text(root: QWidget) -> list[str]:
    """Every visible label, button and combo box under `root` (root included) whose text does not fit."""
    problems: list[str] = []
    widgets = [root, *root.findChildren(QWidget)]
    for widget in widgets:
        if not _shown(widget, root) and widget is not root:
            continue
        problem = None
        if isinstance(widget, QLabel):
            problem = _label_problem(widget)
        elif isinstance(widget, QPushButton | QToolButton):
            problem = _button_problem(widget)
        elif isinstance(widget, QComboBox):
            problem = _combo_problem(widget)
        elif isinstance(widget, QLineEdit):
            problem = _placeholder_problem(widget)
        if problem is None and isinstance(widget, QLabel | QPushButton | QToolButton | QComboBox):
            problem = _inside_clip(widget, root)
        if problem:
            problems.append(problem)
    return problems


def title_problem(dialog: QWidget) -> str | None:
    """A dialog too narrow for its window title next to the title bar's buttons."""
    needed = dialog.fontMetrics().horizontalAdvance(dialog.windowTitle()) + TITLE_BAR_RESERVE
    if needed > dialog.width():
        return f"title {dialog.windowTitle()!r} needs {needed}px, dialog is {dialog.width()}"
    return None
