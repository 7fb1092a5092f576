"""What the window keeps lives in the data folder: two data folders are two setups, the user's Qt config stays empty."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from app.context import open_context
from tests.ui.helpers import ScriptedPrompts, seed_profile
from ui.shell.main_window import MainWindow
from ui.support.window_state import APPLICATION, ORGANIZATION, SETTINGS_FILE, AppSettings


@pytest.fixture
def user_qt_config(tmp_path):
    """Point Qt's per-user configuration at an empty folder for the test (and back afterwards)."""
    formats = (QSettings.Format.NativeFormat, QSettings.Format.IniFormat)
    before = {fmt: QSettings(fmt, QSettings.Scope.UserScope, ORGANIZATION, APPLICATION).fileName() for fmt in formats}
    folder = tmp_path / "qt-config"
    folder.mkdir()
    for fmt in formats:
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(folder))
    yield folder
    for fmt, name in before.items():
        # fileName() is <config>/<organization>/<application>.conf: the config folder is two levels up
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(Path(name).parent.parent))


def test_two_data_folders_keep_separate_profiles_and_drafts(ctx, db_url, qtbot, loop, tmp_path, user_qt_config):
    alex = seed_profile(ctx, "Alex", 2)
    sam = seed_profile(ctx, "Sam", 2)
    other = open_context(db_url=db_url, data_dir=tmp_path / "second")
    folder_a, folder_b = ctx.database.location.data_dir, other.database.location.data_dir
    assert folder_a != folder_b
    sam_card = ctx.board.cards_for(sam.id)[0]
    # A draft left behind by a window of setup B (its database write never happened).
    AppSettings.in_data_dir(folder_b).set_unsaved_notes({sam_card.user_job_id: "draft of setup B"})
    AppSettings.in_data_dir(folder_b).sync()

    def open_window(context) -> MainWindow:
        window = MainWindow(context, prompts=ScriptedPrompts())
        qtbot.addWidget(window)
        window.show()
        qtbot.waitUntil(lambda: window.current_profile is not None and window.controller.has_loaded, timeout=10_000)
        return window

    try:
        first_a = open_window(ctx)
        assert first_a.current_profile.id == alex.id
        first_a.switch_profile(next(p for p in first_a.profiles if p.id == sam.id))
        qtbot.waitUntil(lambda: first_a.controller.has_loaded and first_a.controller.total == 2, timeout=10_000)
        first_a.close()
        assert ctx.board.card(sam_card.user_job_id).notes is None, "setup A took the draft of setup B"

        first_b = open_window(other)
        assert first_b.current_profile.id == alex.id, "setup B opened the profile last shown in setup A"
        qtbot.waitUntil(lambda: ctx.board.card(sam_card.user_job_id).notes == "draft of setup B", timeout=10_000)
        first_b.close()

        again_a = open_window(ctx)
        assert again_a.current_profile.id == sam.id, "setup A forgot its last profile"
        again_a.close()
    finally:
        other.close()

    for folder in (folder_a, folder_b):
        path = folder / SETTINGS_FILE
        assert path.is_file() and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert AppSettings.in_data_dir(folder_b).unsaved_notes() == {}
    assert list(user_qt_config.rglob("*")) == [], "something was written to the user's Qt configuration"
