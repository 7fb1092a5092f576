"""The window's middle: the read-only notice, the database banner, the message bar and the follow-up offer above the
pages (welcome, "needs a migration", empty board, and the board beside the detail pane)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QSplitter, QStackedWidget, QVBoxLayout, QWidget

from app.database import Database
from ui.shell.banners import DatabaseBanner, MessageBar
from ui.shell.empty_states import EmptyBoardPage, MigrationPage, WelcomePage
from ui.shell.follow_up_bar import FollowUpBar

PAGE_WELCOME, PAGE_MIGRATE, PAGE_EMPTY, PAGE_BOARD = range(4)
DETAIL_MIN_WIDTH = 300


class CentralArea(QWidget):
    """The bars above the pages, and the pages in a stack (indices PAGE_*)."""

    def __init__(self, board_view: QWidget, detail: QWidget, database: Database) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.db_banner = DatabaseBanner()
        self.message_bar = MessageBar()
        self.stack = QStackedWidget()
        self.welcome_page = WelcomePage()
        self.migration_page = MigrationPage()
        self.empty_page = EmptyBoardPage()
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(board_view)
        self.splitter.addWidget(detail)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        # 300 px still holds the pane's two buttons side by side; the board takes the rest and its columns shrink
        # to their headers before a sideways scroll bar appears (six fit beside the pane from 1280 px wide).
        detail.setMinimumWidth(DETAIL_MIN_WIDTH)
        for page in (self.welcome_page, self.migration_page, self.empty_page, self.splitter):
            self.stack.addWidget(page)
        # Disk full or data folder not writable: the board is shown read-only, and says so until restart.
        self.read_only_banner = QLabel(getattr(database, "read_only_message", ""))
        self.read_only_banner.setObjectName("readOnlyBanner")
        self.read_only_banner.setWordWrap(True)
        self.read_only_banner.setVisible(bool(getattr(database, "read_only", False)))
        layout.addWidget(self.read_only_banner)
        layout.addWidget(self.db_banner)
        layout.addWidget(self.message_bar)
        self.follow_up_bar = FollowUpBar()
        layout.addWidget(self.follow_up_bar)
        layout.addWidget(self.stack, 1)
