"""The Stats view: a profile's funnel, responses, weekly activity, stage times and stale cards for a date range,
or every profile side by side with the pooled figures and collisions. Figures come from app.insights."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.insights.records import PooledInsights, ProfileInsights, ResponseRow
from app.insights.service import DateRange, InsightsService
from app.records import Profile, counted, status_label
from ui.stats.figure_panel import Cell, FigurePanel
from ui.support.plain_text import plain_label
from ui.support.tasks import TaskRunner

PROFILE_SCOPE, ALL_SCOPE = 0, 1


def _rate(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def _group_rows(kind: str, rows: tuple[ResponseRow, ...]) -> list[list[Cell]]:
    return [[kind, r.key, r.applied, r.responded, _rate(r.response_rate), r.median_days] for r in rows]


RESPONSE_HEADERS = ["group", "name", "applied", "responded", "response rate (0–1)", "median days to response"]


class StatsView(QWidget):
    """Charts with their tables for the current profile (or all profiles) over a date range."""

    loaded = Signal()  # figures arrived and the view shows them

    def __init__(
        self,
        insights: InsightsService,
        tasks: TaskRunner,
        parent: QWidget | None = None,
        save_days: Callable[[int, int], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self._insights = insights
        self._tasks = tasks
        self._save_days = save_days  # keeps the response window and stale threshold between runs
        self._profile: Profile | None = None
        self._build()

    # -- building --------------------------------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.scope = QComboBox()
        self.scope.addItems(["This profile", "All profiles"])
        self.scope.currentIndexChanged.connect(lambda _i: self.reload())
        self.all_time = QCheckBox("All time")
        self.all_time.setChecked(True)
        today = QDate.currentDate()
        self.since = QDateEdit(today.addMonths(-3))
        self.until = QDateEdit(today)
        for edit in (self.since, self.until):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setEnabled(False)
        self.all_time.toggled.connect(self._all_time_toggled)
        self.pooled = QCheckBox("Include in pooled figures")
        self.pooled.setToolTip("Leave this profile out of the figures pooled across profiles")
        self.pooled.clicked.connect(self._set_pooled)
        self.response_days = QSpinBox()
        self.stale_days = QSpinBox()
        for box, value, tip in (
            (
                self.response_days,
                self._insights.response_days,
                "An interview or offer within this many days of applying counts as a response",
            ),
            (self.stale_days, self._insights.stale_days, "A card in Applied with no change for longer is stale"),
        ):
            box.setRange(1, 365)
            box.setSuffix(" d")
            box.setValue(value)
            box.setToolTip(tip)
            box.editingFinished.connect(self._days_changed)
        self.refresh = QPushButton("Refresh")
        self.refresh.clicked.connect(lambda _checked=False: self.reload())
        bar.addWidget(self.scope)
        bar.addWidget(self.all_time)
        bar.addWidget(QLabel("From"))
        bar.addWidget(self.since)
        bar.addWidget(QLabel("to"))
        bar.addWidget(self.until)
        bar.addStretch(1)
        bar.addWidget(self.refresh)
        layout.addLayout(bar)
        # A second row, so the dock fits beside the board on a 1440-pixel screen.
        windows = QHBoxLayout()
        windows.addWidget(QLabel("Response within"))
        windows.addWidget(self.response_days)
        windows.addWidget(QLabel("Stale after"))
        windows.addWidget(self.stale_days)
        windows.addStretch(1)
        windows.addWidget(self.pooled)
        layout.addLayout(windows)
        self.summary = plain_label()
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.tabs = QTabWidget()
        layout.addWidget(self.tabs, 1)
        self.funnel = FigurePanel("Funnel")
        self.responses = FigurePanel("Responses by source")
        self.weekly = FigurePanel("Activity per week")
        self.stages = FigurePanel("Time in each stage")
        self.stale = FigurePanel("Stale cards", chart=False)
        self.side_by_side = FigurePanel("Profiles side by side")
        self.pooled_responses = FigurePanel("Pooled responses by source")
        self.collisions = FigurePanel("Collisions", chart=False)
        self._profile_panels = (self.funnel, self.responses, self.weekly, self.stages, self.stale)
        self._all_panels = (self.side_by_side, self.pooled_responses, self.collisions)
        # Panels whose figures arrived but are not drawn yet: drawn when their tab is first shown.
        self._pending: dict[QWidget, Callable[[], None]] = {}
        self.tabs.currentChanged.connect(lambda _index: self._fill_current())

    def _all_time_toggled(self, on: bool) -> None:
        self.since.setEnabled(not on)
        self.until.setEnabled(not on)

    def _show_panels(self, panels: tuple[FigurePanel, ...]) -> None:
        current = [self.tabs.widget(i) for i in range(self.tabs.count())]
        if current == list(panels):
            return
        self.tabs.clear()
        for panel in panels:
            self.tabs.addTab(panel, panel.title)

    # -- loading ---------------------------------------------------------------------------------------
    def set_profile(self, profile: Profile | None) -> None:
        """Follow the board's profile; reread the figures if the view is on screen."""
        self._profile = profile
        if self.isVisible():
            self.reload()

    def period(self) -> DateRange:
        """The chosen date range (open when All time is ticked)."""
        if self.all_time.isChecked():
            return DateRange()
        since: date = self.since.date().toPython()  # type: ignore[assignment]
        until: date = self.until.date().toPython()  # type: ignore[assignment]
        return DateRange(min(since, until), max(since, until))

    def reload(self) -> None:
        """Read the figures for the scope and range in the background, then show them."""
        if self.scope.currentIndex() == ALL_SCOPE:
            self.pooled.setEnabled(False)
            self._tasks.run(self._insights.across_profiles, self.period(), on_success=self.show_pooled)
            return
        profile = self._profile
        if profile is None:
            self.summary.setText("Choose or create a profile to see its figures.")
            return
        self.pooled.setEnabled(True)
        self._tasks.run(self._read_profile, profile.id, self.period(), on_success=self._profile_read)

    def _read_profile(self, user_id: uuid.UUID, period: DateRange) -> tuple[uuid.UUID, ProfileInsights, bool]:
        return user_id, self._insights.for_profile(user_id, period), self._insights.excluded_from_pooled(user_id)

    def _profile_read(self, result: tuple[uuid.UUID, ProfileInsights, bool]) -> None:
        user_id, figures, excluded = result
        if self._profile is None or self._profile.id != user_id or self.scope.currentIndex() != PROFILE_SCOPE:
            return  # the profile or scope changed while reading
        self.pooled.setChecked(not excluded)
        self.show_profile(figures)

    def _days_changed(self) -> None:
        response, stale = self.response_days.value(), self.stale_days.value()
        if (response, stale) == (self._insights.response_days, self._insights.stale_days):
            return
        self._insights.response_days, self._insights.stale_days = response, stale
        if self._save_days is not None:
            self._save_days(response, stale)
        self.reload()

    def _set_pooled(self, included: bool) -> None:
        if self._profile is not None:
            self._tasks.run(self._insights.set_excluded_from_pooled, self._profile.id, not included, ordered=True)

    # -- showing ---------------------------------------------------------------------------------------
    def show_profile(self, figures: ProfileInsights) -> None:
        """Show the profile's figures: the summary and the tab on screen now, the other tabs when first shown."""
        self._show_panels(self._profile_panels)
        funnel = figures.funnel
        median = figures.median_days_to_response
        rate = figures.response_rate
        self._pending = {
            self.funnel: lambda: self._fill_funnel(figures),
            self.responses: lambda: self._fill_responses(figures),
            self.weekly: lambda: self._fill_weekly(figures),
            self.stages: lambda: self._fill_stages(figures),
            self.stale: lambda: self.stale.set_table(
                ["title", "company", "last change (Applied, no change since)", "pool job"],
                [
                    [card.title, card.company or "—", f"{card.last_change:%Y-%m-%d}", str(card.job_pool_id)]
                    for card in figures.stale_cards
                ],
            ),
        }
        self._fill_current()
        self.summary.setText(
            f"{funnel.applied:,} applied · {funnel.interviewing:,} interviewed · {counted(funnel.offer, 'offer')} · "
            f"response rate {'—' if rate is None else f'{rate:.0%}'} · "
            + (
                "no response yet"
                if median is None
                else f"median {median:g} {'day' if median == 1 else 'days'} to a response"
            )
            + f" · {counted(figures.applications_this_week, 'application')} this week, "
            f"{figures.applications_this_month:,} this month · {len(figures.stale):,} stale"
        )
        self.loaded.emit()

    def _fill_current(self) -> None:
        panel = self.tabs.currentWidget()
        fill = self._pending.pop(panel, None) if isinstance(panel, FigurePanel) else None
        if fill is not None:
            fill()

    def _fill_funnel(self, figures: ProfileInsights) -> None:
        funnel = figures.funnel
        self.funnel.set_bars(
            ["Applied", "Interviewing", "Offer"], {"cards": [funnel.applied, funnel.interviewing, funnel.offer]}
        )
        reached: list[list[Cell]] = [
            ["Applied", funnel.applied, None],
            ["Interviewing", funnel.interviewing, _rate(funnel.applied_to_interviewing)],
            ["Offer", funnel.offer, _rate(funnel.interviewing_to_offer)],
        ]
        now_in: list[list[Cell]] = [[f"now in {status_label(s)}", n, None] for s, n in figures.by_status.items()]
        self.funnel.set_table(["stage", "cards", "conversion from the step before (0–1)"], reached + now_in)

    def _fill_responses(self, figures: ProfileInsights) -> None:
        funnel, rate, median = figures.funnel, figures.response_rate, figures.median_days_to_response
        sources = figures.by_source
        self.responses.set_bars(
            [r.key for r in sources],
            {"response rate (%)": [None if r.response_rate is None else r.response_rate * 100 for r in sources]},
        )
        overall: list[list[Cell]] = [["overall", "all", funnel.applied, figures.responded, _rate(rate), median]]
        self.responses.set_table(
            RESPONSE_HEADERS,
            overall
            + _group_rows("source", sources)
            + _group_rows("company", figures.by_company)
            + _group_rows("title family", figures.by_title_family),
        )

    def _fill_weekly(self, figures: ProfileInsights) -> None:
        weeks = figures.weekly
        self.weekly.set_bars(
            [w.week.strftime("%b %d") for w in weeks],
            {
                "added": [w.added for w in weeks],
                "applied": [w.applied for w in weeks],
                "interviews": [w.interviews for w in weeks],
                "offers": [w.offers for w in weeks],
                "rejections": [w.rejections for w in weeks],
            },
        )
        self.weekly.set_table(
            ["week", "added", "applied", "interviews", "offers", "rejections"],
            [[w.week.isoformat(), w.added, w.applied, w.interviews, w.offers, w.rejections] for w in weeks],
        )

    def _fill_stages(self, figures: ProfileInsights) -> None:
        stages = figures.stage_times
        self.stages.set_bars([status_label(s.status) for s in stages], {"median days": [s.median_days for s in stages]})
        self.stages.set_table(
            ["stage", "stays that ended", "median days"],
            [[status_label(s.status), s.stays, s.median_days] for s in stages],
        )

    def show_pooled(self, pooled: PooledInsights) -> None:
        """Fill the side-by-side, pooled and collision tables from the figures across profiles."""
        if self.scope.currentIndex() != ALL_SCOPE:
            return
        self._pending = {}
        self._show_panels(self._all_panels)
        columns = pooled.profiles
        self.summary.setText(
            f"{len(columns)} profiles · pooled over {sum(not c.excluded for c in columns)}: "
            f"{pooled.pooled.funnel.applied} applied, response rate "
            f"{'—' if pooled.pooled.response_rate is None else f'{pooled.pooled.response_rate:.0%}'} · "
            f"{len(pooled.job_collisions)} jobs and {len(pooled.company_collisions)} companies applied to by more "
            "than one profile"
        )
        self.side_by_side.set_bars(
            [c.profile for c in columns],
            {
                "applied": [c.insights.funnel.applied for c in columns],
                "interviewing": [c.insights.funnel.interviewing for c in columns],
                "offer": [c.insights.funnel.offer for c in columns],
            },
        )
        self.side_by_side.set_table(
            ["profile", "pooled", "applied", "interviewing", "offer", "response rate (0–1)", "median days", "stale"],
            [
                [
                    c.profile,
                    "no" if c.excluded else "yes",
                    c.insights.funnel.applied,
                    c.insights.funnel.interviewing,
                    c.insights.funnel.offer,
                    _rate(c.insights.response_rate),
                    c.insights.median_days_to_response,
                    len(c.insights.stale),
                ]
                for c in columns
            ],
        )
        sources = pooled.pooled.by_source
        self.pooled_responses.set_bars(
            [r.key for r in sources],
            {"response rate (%)": [None if r.response_rate is None else r.response_rate * 100 for r in sources]},
        )
        self.pooled_responses.set_table(
            RESPONSE_HEADERS, _group_rows("source", sources) + _group_rows("company", pooled.pooled.by_company)
        )
        self.collisions.set_table(
            ["kind", "job or company", "profiles"],
            [["job", c.label, ", ".join(c.profiles)] for c in pooled.job_collisions]
            + [["company", c.label, ", ".join(c.profiles)] for c in pooled.company_collisions],
        )
        self.loaded.emit()
