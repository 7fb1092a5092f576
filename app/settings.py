"""Saved settings: the Apify token and connection, and the fan-out threshold; the token in the system keyring.

Everything lives beside the database in the data directory (`settings.json`), which the window and the CLI both
read without Qt. The token goes to the system keyring when a usable backend exists; when none does (keyring's fail or
null backend, or an empty chainer), it is written to the settings file, owner-readable only, with a flag the
Settings dialog turns into a visible "stored unencrypted" warning. `APIFY_TOKEN` (and `APIFY_API_URL`) in the
environment win over anything saved. The token is never logged and never part of a message or a repr.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from dataclasses import dataclass, field
from datetime import time, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any

import keyring
import keyring.errors
from keyring.backend import KeyringBackend
from keyring.backends import chainer, fail, null

from app.private_files import replace_file
from db.location import default_data_dir

log = logging.getLogger(__name__)

TOKEN_ENV = "APIFY_TOKEN"
API_URL_ENV = "APIFY_API_URL"
SETTINGS_FILE = "settings.json"
KEYRING_SERVICE = "JobPool"
KEYRING_USER = "apify-token"
DEFAULT_FRESHNESS_HOURS = 24.0
_SECTION = "apify"
_MATCHING_SECTION = "matching"
_BACKUPS_SECTION = "backups"
DEFAULT_BACKUPS_KEPT = 3
_FOLLOW_UP_SECTION = "follow_up"
DEFAULT_FOLLOW_UP_DAYS = 7
MAX_FOLLOW_UP_DAYS = 365
_POOL_SECTION = "pool"
DEFAULT_REPOST_GAP_DAYS = 21
_STATS_SECTION = "stats"
DEFAULT_RESPONSE_DAYS = 30
DEFAULT_STALE_DAYS = 14
MAX_STATS_DAYS = 365
_NOTIFICATIONS_SECTION = "notifications"
DEFAULT_NOTIFY_MIN_SCORE = 60
_file_lock = threading.Lock()


class TokenStorage(StrEnum):
    """Where the token in effect comes from."""

    ENVIRONMENT = "environment"
    KEYRING = "keyring"
    SETTINGS_FILE = "settings-file"  # unencrypted: the UI shows a warning
    NONE = "none"


@dataclass(frozen=True, slots=True)
class ApifySettings:
    """The saved (not the environment's) Apify settings; the token is left out of repr."""

    token: str | None = field(default=None, repr=False)
    api_url: str | None = None
    freshness_hours: float = DEFAULT_FRESHNESS_HOURS

    @property
    def freshness(self) -> timedelta:
        """The freshness window as a timedelta."""
        return timedelta(hours=self.freshness_hours)


def settings_path(data_dir: str | Path | None = None) -> Path:
    """The settings file of a data directory (the default one when None)."""
    return (Path(data_dir).expanduser() if data_dir else default_data_dir()) / SETTINGS_FILE


def usable_keyring() -> KeyringBackend | None:
    """The configured keyring backend, or None when it cannot store anything (fail, null or an empty chainer)."""
    backend = keyring.get_keyring()
    if isinstance(backend, fail.Keyring | null.Keyring):
        return None
    if isinstance(backend, chainer.ChainerBackend) and not backend.backends:
        return None
    return backend


def keyring_name() -> str | None:
    """A readable name of the usable keyring backend, e.g. "SecretService Keyring", or None."""
    backend = usable_keyring()
    return getattr(backend, "name", type(backend).__name__) if backend is not None else None


def load_apify_token(data_dir: str | Path | None = None) -> str | None:
    """The token in effect: APIFY_TOKEN, else the keyring, else the settings file; None when there is none."""
    token, _storage = _token_and_storage(data_dir)
    return token


def token_storage(data_dir: str | Path | None = None) -> str:
    """Where the token in effect comes from: one of TokenStorage's values."""
    _token, storage = _token_and_storage(data_dir)
    return storage.value


def save_apify_token(token: str | None, data_dir: str | Path | None = None) -> str:
    """Save the token (empty or None removes it) and return where it went, as a TokenStorage value.

    With a usable keyring the token goes there and any copy in the settings file is removed; a keyring that fails
    to store it falls back to the settings file (flagged unencrypted) rather than losing it.
    """
    token = (token or "").strip() or None
    backend = usable_keyring()
    if token is None:
        if backend is not None:
            try:
                backend.delete_password(KEYRING_SERVICE, KEYRING_USER)
            except keyring.errors.PasswordDeleteError:
                pass  # nothing was stored there
            except keyring.errors.KeyringError as exc:
                log.warning("could not remove the Apify token from the keyring (%s)", type(exc).__name__)
        _update_section(data_dir, token=None, token_unencrypted=None)
        return TokenStorage.NONE.value
    if backend is not None:
        try:
            backend.set_password(KEYRING_SERVICE, KEYRING_USER, token)
        except keyring.errors.KeyringError as exc:
            log.warning("the keyring refused the Apify token (%s); keeping it in the settings file", type(exc).__name__)
        else:
            _update_section(data_dir, token=None, token_unencrypted=None)
            return TokenStorage.KEYRING.value
    _update_section(data_dir, token=token, token_unencrypted=True)
    return TokenStorage.SETTINGS_FILE.value


def load_apify_settings(data_dir: str | Path | None = None) -> ApifySettings:
    """The saved token (keyring or file), API URL and freshness window, without the environment's overrides."""
    section = _read_section(data_dir)
    token = _keyring_token() or _file_token(section)
    api_url = section.get("api_url")
    hours = section.get("freshness_hours", DEFAULT_FRESHNESS_HOURS)
    if isinstance(hours, bool) or not isinstance(hours, int | float) or hours < 0:
        hours = DEFAULT_FRESHNESS_HOURS
    return ApifySettings(
        token=token,
        api_url=api_url.strip() if isinstance(api_url, str) and api_url.strip() else None,
        freshness_hours=float(hours),
    )


def save_apify_settings(api_url: str | None, freshness_hours: float, data_dir: str | Path | None = None) -> None:
    """Save the API URL (empty = Apify's own) and the freshness window in hours (0 = always call the actor)."""
    if freshness_hours < 0:
        raise ValueError("the freshness window cannot be negative")
    _update_section(data_dir, api_url=(api_url or "").strip() or None, freshness_hours=float(freshness_hours))


def effective_api_url(data_dir: str | Path | None = None) -> str | None:
    """APIFY_API_URL, else the saved API URL, else None (Apify's own)."""
    return os.environ.get(API_URL_ENV) or load_apify_settings(data_dir).api_url


# -- storage ----------------------------------------------------------------------------------------------
def load_fanout_threshold(data_dir: str | Path | None = None) -> float | None:
    """The saved similarity a new pool job needs to be recommended to another profile (None: the default)."""
    value = _read_section(data_dir, _MATCHING_SECTION).get("fanout_threshold")
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        return None
    return float(value)


def save_fanout_threshold(threshold: float, data_dir: str | Path | None = None) -> None:
    """Save the fan-out threshold (a cosine similarity between 0 and 1)."""
    if not 0 <= threshold <= 1:
        raise ValueError("the fan-out threshold is a similarity between 0 and 1")
    _update_section(data_dir, section=_MATCHING_SECTION, fanout_threshold=round(float(threshold), 4))


def load_backups_kept(data_dir: str | Path | None = None) -> int:
    """How many backups a backup folder keeps (settings.json: backups.keep; 0 keeps them all; default 3)."""
    value = _read_section(data_dir, _BACKUPS_SECTION).get("keep")
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return DEFAULT_BACKUPS_KEPT
    return value


def save_backups_kept(keep: int, data_dir: str | Path | None = None) -> None:
    """Save how many backups to keep (0 keeps them all)."""
    if keep < 0:
        raise ValueError("the number of backups to keep cannot be negative")
    _update_section(data_dir, section=_BACKUPS_SECTION, keep=int(keep))


def load_follow_up_days(data_dir: str | Path | None = None) -> int:
    """Days after a move to Applied that the window offers a follow-up (settings.json: follow_up.days; 0: off)."""
    value = _read_section(data_dir, _FOLLOW_UP_SECTION).get("days")
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_FOLLOW_UP_DAYS:
        return DEFAULT_FOLLOW_UP_DAYS
    return value


def save_follow_up_days(days: int, data_dir: str | Path | None = None) -> None:
    """Save the follow-up offer's days (0 switches the offer off)."""
    if not 0 <= days <= MAX_FOLLOW_UP_DAYS:
        raise ValueError(f"a follow-up comes 0 to {MAX_FOLLOW_UP_DAYS} days after applying")
    _update_section(data_dir, section=_FOLLOW_UP_SECTION, days=int(days))


def load_repost_gap_days(data_dir: str | Path | None = None) -> int:
    """After how many days unseen a pool job that reappears counts as reposted (settings.json: pool.repost_gap_days)."""
    value = _read_section(data_dir, _POOL_SECTION).get("repost_gap_days")
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        return DEFAULT_REPOST_GAP_DAYS
    return value


def save_repost_gap_days(days: int, data_dir: str | Path | None = None) -> None:
    """Save the repost gap in days (at least 1)."""
    if days < 1:
        raise ValueError("the repost gap is at least one day")
    _update_section(data_dir, section=_POOL_SECTION, repost_gap_days=int(days))


def load_stats_days(data_dir: str | Path | None = None) -> tuple[int, int]:
    """Days an answer may take to count as a response, and days in Applied before a card is stale
    (settings.json: stats.response_days, stats.stale_days)."""
    section = _read_section(data_dir, _STATS_SECTION)

    def days(key: str, default: int) -> int:
        value = section.get(key)
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_STATS_DAYS:
            return default
        return value

    return days("response_days", DEFAULT_RESPONSE_DAYS), days("stale_days", DEFAULT_STALE_DAYS)


def save_stats_days(response_days: int, stale_days: int, data_dir: str | Path | None = None) -> None:
    """Save the response window and the stale threshold of the insights."""
    if not (1 <= response_days <= MAX_STATS_DAYS and 1 <= stale_days <= MAX_STATS_DAYS):
        raise ValueError(f"the stats windows are 1 to {MAX_STATS_DAYS} days")
    _update_section(data_dir, section=_STATS_SECTION, response_days=int(response_days), stale_days=int(stale_days))


@dataclass(frozen=True, slots=True)
class NotificationSettings:
    """Desktop notifications on or off, the quiet hours (local time, may wrap midnight) and the new-job score."""

    desktop: bool = True
    quiet_start: time | None = None
    quiet_end: time | None = None
    min_score: int = DEFAULT_NOTIFY_MIN_SCORE

    def quiet_at(self, moment: time) -> bool:
        """Whether `moment` falls in the quiet hours (start included, end excluded; 22:00-07:00 spans midnight)."""
        start, end = self.quiet_start, self.quiet_end
        if start is None or end is None or start == end:
            return False
        if start < end:
            return start <= moment < end
        return moment >= start or moment < end

    def desktop_allowed(self, moment: time) -> bool:
        """Whether the desktop may be told now."""
        return self.desktop and not self.quiet_at(moment)


def _clock(value: Any) -> time | None:
    if not isinstance(value, str):
        return None
    try:
        return time.fromisoformat(value).replace(second=0, microsecond=0, tzinfo=None)
    except ValueError:
        return None


def load_notification_settings(data_dir: str | Path | None = None) -> NotificationSettings:
    """The saved notification settings (settings.json: notifications.desktop, quiet_start, quiet_end, min_score)."""
    section = _read_section(data_dir, _NOTIFICATIONS_SECTION)
    desktop = section.get("desktop", True)
    score = section.get("min_score", DEFAULT_NOTIFY_MIN_SCORE)
    if isinstance(score, bool) or not isinstance(score, int) or not 0 <= score <= 100:
        score = DEFAULT_NOTIFY_MIN_SCORE
    return NotificationSettings(
        desktop=desktop if isinstance(desktop, bool) else True,
        quiet_start=_clock(section.get("quiet_start")),
        quiet_end=_clock(section.get("quiet_end")),
        min_score=score,
    )


def save_notification_settings(settings: NotificationSettings, data_dir: str | Path | None = None) -> None:
    """Save the notification settings (no quiet hours when either end is None)."""
    if not 0 <= settings.min_score <= 100:
        raise ValueError("the new-job score is between 0 and 100")
    quiet = settings.quiet_start is not None and settings.quiet_end is not None
    _update_section(
        data_dir,
        section=_NOTIFICATIONS_SECTION,
        desktop=bool(settings.desktop),
        quiet_start=settings.quiet_start.strftime("%H:%M") if quiet and settings.quiet_start else None,
        quiet_end=settings.quiet_end.strftime("%H:%M") if quiet and settings.quiet_end else None,
        min_score=int(settings.min_score),
    )


def _token_and_storage(data_dir: str | Path | None) -> tuple[str | None, TokenStorage]:
    from_env = (os.environ.get(TOKEN_ENV) or "").strip()
    if from_env:
        return from_env, TokenStorage.ENVIRONMENT
    from_keyring = _keyring_token()
    if from_keyring:
        return from_keyring, TokenStorage.KEYRING
    from_file = _file_token(_read_section(data_dir))
    if from_file:
        return from_file, TokenStorage.SETTINGS_FILE
    return None, TokenStorage.NONE


def _keyring_token() -> str | None:
    backend = usable_keyring()
    if backend is None:
        return None
    try:
        return (backend.get_password(KEYRING_SERVICE, KEYRING_USER) or "").strip() or None
    except keyring.errors.KeyringError as exc:
        log.warning("could not read the Apify token from the keyring (%s)", type(exc).__name__)
        return None


def _file_token(section: dict[str, Any]) -> str | None:
    token = section.get("token")
    return (token.strip() or None) if isinstance(token, str) else None


def _read_all(path: Path) -> tuple[dict[str, Any], bool]:
    """The file's content and whether it was readable (a missing file is readable and empty)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}, True
    except (OSError, ValueError) as exc:
        log.warning("ignoring the unreadable settings file %s (%s)", path, type(exc).__name__)
        return {}, False
    return (data, True) if isinstance(data, dict) else ({}, False)


def _read_section(data_dir: str | Path | None, name: str = _SECTION) -> dict[str, Any]:
    section = _read_all(settings_path(data_dir))[0].get(name)
    return dict(section) if isinstance(section, dict) else {}


def _update_section(data_dir: str | Path | None, section: str = _SECTION, **values: Any) -> None:
    """Read-modify-write one section (apify by default); None removes a key. Other sections of the file are kept."""
    path = settings_path(data_dir)
    with _file_lock:
        data, readable = _read_all(path)
        if not readable:
            # Unreadable rather than empty: keep it aside instead of overwriting what the user may want back.
            path.replace(path.with_name(path.name + ".unreadable"))
        current = data.get(section)
        entries: dict[str, Any] = dict(current) if isinstance(current, dict) else {}
        for key, value in values.items():
            if value is None:
                entries.pop(key, None)
            else:
                entries[key] = value
        data[section] = entries
        _write_private(path, data)


def _write_private(path: Path, data: dict[str, Any]) -> None:
    """Write atomically, readable by the owner only (the file may hold the token)."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    replace_file(path, (json.dumps(data, indent=2, sort_keys=True) + "\n").encode("utf-8"))
