"""Only http(s) addresses leave the app: Open posting, Apply page, the card menu and description links."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QObject, Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from sqlalchemy import text

from app.description_html import sanitize_html
from app.records import JobStatus
from tests.support.synthetic import linkedin_items
from tests.ui.helpers import ScriptedPrompts
from ui.shell.main_window import MainWindow
from ui.support.links import open_external, web_url
from ui.support.window_state import AppSettings

HOSTILE = [
    "javascript:alert(document.cookie)",
    "JavaScript:alert(1)",
    "file:///etc/passwd",
    "data:text/html,<script>alert(1)</script>",
    "smb://evil.example/share/payload.exe",
    "/etc/passwd",
    "etc/passwd",
    "C:\\Windows\\System32\\calc.exe",
    "ftp://files.example/x",
    "vbscript:msgbox(1)",
    "mailto:someone@example.com",  # fine inside a description, but Open posting only opens web pages
    "https:///etc/passwd",  # no host
    "   ",
]
CAPTURED_SCHEMES = ["http", "https", "file", "javascript", "data", "smb", "ftp", "vbscript", "mailto", "c"]


class UrlCatcher(QObject):
    """Stands in for the system's URL openers: records what would have been opened."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.urls.append(url.toString())


@pytest.fixture
def opened():
    catcher = UrlCatcher()
    for scheme in CAPTURED_SCHEMES:
        QDesktopServices.setUrlHandler(scheme, catcher, "open")
    yield catcher.urls
    for scheme in CAPTURED_SCHEMES:
        QDesktopServices.unsetUrlHandler(scheme)


@pytest.mark.parametrize("url", HOSTILE)
def test_the_open_helper_refuses_anything_but_http_and_https(url, opened, qtbot):
    from PySide6.QtWidgets import QMainWindow

    window = QMainWindow()
    qtbot.addWidget(window)
    assert web_url(url) is None
    assert open_external(url, window) is False
    assert opened == []
    assert window.statusBar().currentMessage().startswith("Not opened:")
    assert "Only http and https links are opened" in window.statusBar().currentMessage() or not url.strip()


def test_the_open_helper_opens_web_addresses(opened):
    assert open_external("https://jobs.example/view/1?ref=a") is True
    assert open_external(" http://jobs.example/2 ") is True
    assert opened == ["https://jobs.example/view/1?ref=a", "http://jobs.example/2"]


def _window_on_one_card(ctx, qtbot, tmp_path, url: str, apply_url: str | None):
    profile = ctx.profiles.add("Alex")
    ctx.ingestion.run(profile.id, [linkedin_items(0, 1)], source="test", embed=False)
    card = ctx.board.cards_for(profile.id)[0]
    with ctx.database.engine.begin() as conn:
        conn.execute(
            text("UPDATE job_pool SET url = :url, apply_url = :apply WHERE id = :id"),
            {"url": url, "apply": apply_url, "id": card.job_pool_id},
        )
    window = MainWindow(ctx, settings=AppSettings(tmp_path / "s.ini"), prompts=ScriptedPrompts())
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.controller.total == 1, timeout=10_000)
    window.board_view.select_cards(JobStatus.RECOMMENDED, [card.user_job_id])
    qtbot.waitUntil(lambda: window.detail.detail is not None, timeout=10_000)
    return window


def test_open_posting_and_apply_page_refuse_hostile_addresses(ctx, qtbot, loop, tmp_path, opened):
    window = _window_on_one_card(ctx, qtbot, tmp_path, "file:///etc/passwd", "smb://evil.example/share")
    pane = window.detail
    assert pane.apply_button.isVisibleTo(pane)
    qtbot.mouseClick(pane.open_button, Qt.MouseButton.LeftButton)
    assert opened == []
    assert "file:///etc/passwd" in window.statusBar().currentMessage()
    qtbot.mouseClick(pane.apply_button, Qt.MouseButton.LeftButton)
    assert opened == []
    assert "smb://evil.example/share" in window.statusBar().currentMessage()

    menu = window.board_view.context_menu()
    action = next(a for a in menu.actions() if a.text() == "Open posting")
    action.trigger()
    assert opened == []
    window.close()


def test_open_posting_still_opens_a_web_page(ctx, qtbot, loop, tmp_path, opened):
    window = _window_on_one_card(ctx, qtbot, tmp_path, "https://jobs.example/1", "javascript:alert(1)")
    pane = window.detail
    qtbot.mouseClick(pane.open_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(pane.apply_button, Qt.MouseButton.LeftButton)
    menu = window.board_view.context_menu()
    next(a for a in menu.actions() if a.text() == "Open posting").trigger()
    assert opened == ["https://jobs.example/1", "https://jobs.example/1"]
    window.close()


def test_description_links_go_through_the_same_check(ctx, qtbot, loop, tmp_path, opened):
    window = _window_on_one_card(ctx, qtbot, tmp_path, "https://jobs.example/1", None)
    browser = window.detail.description
    assert not browser.openLinks() and not browser.openExternalLinks()
    browser.anchorClicked.emit(QUrl("file:///etc/passwd"))
    browser.anchorClicked.emit(QUrl("javascript:alert(1)"))
    assert opened == []
    browser.anchorClicked.emit(QUrl("https://company.example/careers"))
    browser.anchorClicked.emit(QUrl("mailto:jobs@company.example"))
    assert opened == ["https://company.example/careers", "mailto:jobs@company.example"]
    window.close()


@pytest.mark.parametrize(
    "href",
    [
        "javascript:alert(1)",
        " javascript:alert(1)",
        "jav&#x09;ascript:alert(1)",
        "file:///etc/passwd",
        "data:text/html;base64,PHNjcmlwdD4=",
        "smb://evil.example/share",
        "/etc/passwd",
        "../secret",
        "vbscript:x",
    ],
)
def test_description_links_keep_only_http_https_and_mailto(href):
    clean = sanitize_html(f'<p><a href="{href}">link</a> <a href="mailto:jobs@example.com">mail</a></p>')
    assert "href" not in clean.split("mail</a>")[0].split("link</a>")[0]
    assert '<a href="mailto:jobs@example.com">mail</a>' in clean


def test_the_sanitizer_closes_elements_as_a_browser_would():
    # The hand-written parser nested an unclosed <li> or <p> inside the next one.
    assert sanitize_html("<ul><li>one<li>two</ul>") == "<ul><li>one</li><li>two</li></ul>"
    assert sanitize_html("<p>first<p>second") == "<p>first</p><p>second</p>"
