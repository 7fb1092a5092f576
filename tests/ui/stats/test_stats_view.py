"""The Stats view on a real database: its charts' tables show the service's figures, exports write PNG and CSV,
the pooled setting is saved, and the window opens it with Ctrl+Shift+S."""

from __future__ import annotations

import csv
from datetime import UTC, datetime

import pyqtgraph as pg
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage

from tests.support.history_rows import card_with_history, pool_job
from tests.ui.helpers import ScriptedPrompts
from ui.shell.main_window import MainWindow
from ui.stats.stats_view import ALL_SCOPE, StatsView
from ui.support.events import Hub
from ui.support.tasks import TaskRunner
from ui.support.window_state import AppSettings


def _at(month: int, day: int) -> datetime:
    return datetime(2026, month, day, 9, tzinfo=UTC)


@pytest.fixture
def hunt(ctx):
    """Two profiles: Ana applied to three jobs (one interview), Ben applied to one of the same (hostile company)."""
    engine = ctx.database.engine
    ana, ben = ctx.profiles.add("Ana"), ctx.profiles.add("Ben")
    acme = pool_job(engine, "Data Engineer", '=HYPERLINK("http://x")<b>Acme</b>', "linkedin")
    beta = pool_job(engine, "Designer", "Beta", "indeed")
    gamma = pool_job(engine, "Analyst", "Gamma", "indeed")
    card_with_history(engine, ana.id, acme, [
        (None, "recommended", _at(3, 2)), ("recommended", "applied", _at(3, 3)), ("applied", "interviewing", _at(3, 7)),
    ])  # fmt: skip
    card_with_history(engine, ana.id, beta, [(None, "applied", _at(3, 4))])
    card_with_history(engine, ana.id, gamma, [(None, "applied", _at(3, 10)), ("applied", "rejected", _at(3, 12))])
    card_with_history(engine, ben.id, acme, [(None, "applied", _at(3, 5))])
    return ana, ben


@pytest.fixture
def view(ctx, qtbot, loop):
    hub = Hub()
    widget = StatsView(ctx.insights, TaskRunner(hub, loop=loop))
    qtbot.addWidget(widget)
    widget.resize(1000, 700)
    widget.show()
    return widget


def _table(panel) -> list[list[str]]:
    panel.parent().parent().setCurrentWidget(panel)  # a tab is drawn when first shown
    model = panel.model
    return [[model.item(r, c).text() for c in range(model.columnCount())] for r in range(model.rowCount())]


def test_the_profile_figures_fill_charts_and_tables(view, hunt, qtbot) -> None:
    ana, _ben = hunt
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        view.set_profile(ana)
    assert [view.tabs.tabText(i) for i in range(view.tabs.count())] == [
        "Funnel",
        "Responses by source",
        "Activity per week",
        "Time in each stage",
        "Stale cards",
    ]
    assert _table(view.funnel)[:3] == [["Applied", "3", "—"], ["Interviewing", "1", "0.33"], ["Offer", "0", "0.00"]]
    assert _table(view.responses)[0] == ["overall", "all", "3", "1", "0.33", "4.00"]
    assert ["source", "linkedin", "1", "1", "1.00", "4.00"] in _table(view.responses)
    # the hostile company name is shown as it is, as plain text
    assert any(row[1] == '=HYPERLINK("http://x")<b>Acme</b>' for row in _table(view.responses))
    assert _table(view.weekly) == [["2026-03-02", "2", "2", "1", "0", "0"], ["2026-03-09", "1", "1", "0", "0", "1"]]
    assert view.summary.text().startswith(
        "3 applied · 1 interviewed · 0 offers · response rate 33% · median 4 days to a response · "
        "0 applications this week, 0 this month"
    )
    assert view.pooled.isChecked()
    bars = [item for item in view.weekly.plot.getPlotItem().items if isinstance(item, pg.BarGraphItem)]
    assert len(bars) == 5  # added, applied, interviews, offers, rejections


def test_the_summary_line_reads_as_a_sentence(view, hunt, qtbot) -> None:
    _ana, ben = hunt  # one application, no answer
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        view.set_profile(ben)
    assert "1 applied · 0 interviewed · 0 offers · response rate 0% · no response yet · " in view.summary.text()


def test_exports_write_png_and_csv_with_inert_formulas(view, hunt, qtbot, tmp_path) -> None:
    ana, _ben = hunt
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        view.set_profile(ana)
    asked: list[str] = []

    def answer(caption: str, suggested: str, pattern: str) -> str:
        asked.append(suggested)
        return str(tmp_path / suggested.removesuffix(".csv").removesuffix(".png"))

    view.tabs.setCurrentWidget(view.responses)
    view.responses.ask_path = answer
    qtbot.mouseClick(view.responses.csv_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(view.responses.png_button, Qt.MouseButton.LeftButton)
    assert asked == ["responses-by-source.csv", "responses-by-source.png"]
    with open(tmp_path / "responses-by-source.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][:3] == ["group", "name", "applied"]
    assert rows[1] == ["overall", "all", "3", "1", "0.333", "4.0"]
    assert ["company", '\'=HYPERLINK("http://x")<b>Acme</b>', "1", "1", "1.0", "4.0"] in rows
    image = QImage(str(tmp_path / "responses-by-source.png"))
    assert not image.isNull() and image.width() > 100


def test_all_profiles_side_by_side_and_the_pooled_setting(view, hunt, ctx, qtbot) -> None:
    ana, _ben = hunt
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        view.set_profile(ana)
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        view.scope.setCurrentIndex(ALL_SCOPE)
    assert [view.tabs.tabText(i) for i in range(view.tabs.count())] == [
        "Profiles side by side",
        "Pooled responses by source",
        "Collisions",
    ]
    assert [row[:5] for row in _table(view.side_by_side)] == [
        ["Ana", "yes", "3", "1", "0"],
        ["Ben", "yes", "1", "0", "0"],
    ]
    assert _table(view.collisions) == [
        ["job", "Data Engineer", "Ana, Ben"],
        ["company", '=HYPERLINK("http://x")<b>Acme</b>', "Ana, Ben"],
    ]
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        view.scope.setCurrentIndex(0)
    view.pooled.click()  # leave Ana out of the pooled figures
    qtbot.waitUntil(lambda: ctx.insights.excluded_from_pooled("Ana"), timeout=10_000)
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        view.scope.setCurrentIndex(ALL_SCOPE)
    assert _table(view.side_by_side)[0][1] == "no"
    assert _table(view.collisions) == []


def test_the_window_opens_the_stats_view_with_ctrl_shift_s(ctx, hunt, qtbot, loop, tmp_path) -> None:
    window = MainWindow(ctx, settings=AppSettings(tmp_path / "settings.ini"), prompts=ScriptedPrompts())
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: window.current_profile is not None, timeout=10_000)
    assert window.menu_actions["stats"].shortcut().toString() == "Ctrl+Shift+S"
    assert not window.stats_dock.isVisible()
    with qtbot.waitSignal(window.stats_dock.view.loaded, timeout=10_000):
        window.menu_actions["stats"].trigger()
    assert window.stats_dock.isVisible()
    assert _table(window.stats_dock.view.funnel)[0][1] == "3"  # Ana, the first profile
    window.menu_actions["stats"].trigger()
    assert not window.stats_dock.isVisible()
    window.close()


def test_the_stale_threshold_is_set_in_the_view_and_saved(ctx, hunt, qtbot, loop) -> None:
    ana, _ben = hunt
    saved: list[tuple[int, int]] = []
    widget = StatsView(ctx.insights, TaskRunner(Hub(), loop=loop), save_days=lambda r, s: saved.append((r, s)))
    qtbot.addWidget(widget)
    widget.show()
    with qtbot.waitSignal(widget.loaded, timeout=10_000):
        widget.set_profile(ana)
    assert [row[:3] for row in _table(widget.stale)] == [["Designer", "Beta", "2026-03-04"]]  # in Applied since March
    widget.stale_days.setValue(365)
    with qtbot.waitSignal(widget.loaded, timeout=10_000):
        widget.stale_days.editingFinished.emit()
    assert _table(widget.stale) == []
    assert saved == [(30, 365)] and ctx.insights.stale_days == 365


def test_count_charts_have_whole_number_ticks_and_rates_their_own(qtbot) -> None:
    """One application shows as 0 and 1 on the funnel's axis, not 0.2, 0.4, …; a rate keeps fractions."""
    from ui.stats.figure_panel import FigurePanel

    panel = FigurePanel("Funnel", chart=True)
    qtbot.addWidget(panel)
    panel.set_bars(["Applied", "Interviewing", "Offer"], {"cards": [1, 0, 0]})
    axis = panel.plot.getAxis("left")
    values = [v for _spacing, level in axis.tickValues(0, 1.1, 300) for v in level]
    assert values and all(float(v).is_integer() for v in values)
    panel.set_bars(["LinkedIn"], {"rate": [0.4]})
    values = [v for _spacing, level in axis.tickValues(0, 0.44, 300) for v in level]
    assert any(not float(v).is_integer() for v in values)
