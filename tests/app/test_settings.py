"""Token storage: the system keyring when one is usable, else the settings file with the unencrypted flag."""

from __future__ import annotations

import json
import logging
import stat
from datetime import timedelta

import keyring
import keyring.errors
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import chainer, fail, null
from keyring.compat import properties

from app import settings as secrets
from app.ingestion.apify_search import apply_apify_settings
from app.ingestion.live import ApifyConfig, LiveIngestionService
from app.settings import TokenStorage

TOKEN = "apify_api_SECRET_value_42"


class MemoryKeyring(KeyringBackend):
    """A working keyring backend kept in memory (never chosen automatically: it is not viable)."""

    @properties.classproperty
    def priority(cls) -> float:
        raise RuntimeError("only set explicitly by tests")

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.items.pop((service, username), None) is None:
            raise keyring.errors.PasswordDeleteError("not stored")


class LockedKeyring(MemoryKeyring):
    """A backend that exists but refuses to store (a locked or broken keyring)."""

    def set_password(self, service: str, username: str, password: str) -> None:
        raise keyring.errors.PasswordSetError("the keyring is locked")


@pytest.fixture(autouse=True)
def isolated(monkeypatch, tmp_path):
    """No environment token, the default data dir in tmp_path, and the keyring restored afterwards."""
    monkeypatch.delenv(secrets.TOKEN_ENV, raising=False)
    monkeypatch.delenv(secrets.API_URL_ENV, raising=False)
    monkeypatch.setenv("JOBPOOL_DATA_DIR", str(tmp_path / "default"))
    before = keyring.get_keyring()
    yield
    keyring.set_keyring(before)


def _file(data_dir) -> dict:
    return json.loads(secrets.settings_path(data_dir).read_text(encoding="utf-8"))


@pytest.mark.parametrize("backend", [fail.Keyring, null.Keyring], ids=["fail", "null"])
def test_without_a_keyring_the_token_goes_to_the_settings_file_flagged_unencrypted(tmp_path, backend) -> None:
    keyring.set_keyring(backend())
    assert secrets.usable_keyring() is None and secrets.keyring_name() is None
    assert secrets.token_storage(tmp_path) == TokenStorage.NONE

    assert secrets.save_apify_token(f"  {TOKEN}\n", tmp_path) == TokenStorage.SETTINGS_FILE
    assert secrets.load_apify_token(tmp_path) == TOKEN
    assert secrets.token_storage(tmp_path) == TokenStorage.SETTINGS_FILE
    assert _file(tmp_path)["apify"] == {"token": TOKEN, "token_unencrypted": True}
    mode = stat.S_IMODE(secrets.settings_path(tmp_path).stat().st_mode)
    assert mode == 0o600  # the file may hold the token: owner only
    assert TOKEN not in repr(secrets.load_apify_settings(tmp_path))


def test_an_empty_chainer_counts_as_no_keyring(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(chainer.ChainerBackend, "backends", [])
    keyring.set_keyring(chainer.ChainerBackend())
    assert secrets.usable_keyring() is None
    assert secrets.save_apify_token(TOKEN, tmp_path) == TokenStorage.SETTINGS_FILE


def test_a_usable_keyring_keeps_the_token_and_the_file_does_not(tmp_path) -> None:
    keyring.set_keyring(fail.Keyring())
    secrets.save_apify_token("old-token-in-the-file", tmp_path)
    memory = MemoryKeyring()
    keyring.set_keyring(memory)
    assert secrets.keyring_name() == memory.name

    assert secrets.save_apify_token(TOKEN, tmp_path) == TokenStorage.KEYRING
    assert memory.items == {(secrets.KEYRING_SERVICE, secrets.KEYRING_USER): TOKEN}
    assert "token" not in _file(tmp_path)["apify"] and "token_unencrypted" not in _file(tmp_path)["apify"]
    assert TOKEN not in secrets.settings_path(tmp_path).read_text(encoding="utf-8")
    assert secrets.load_apify_token(tmp_path) == TOKEN
    assert secrets.token_storage(tmp_path) == TokenStorage.KEYRING

    assert secrets.save_apify_token("", tmp_path) == TokenStorage.NONE
    assert memory.items == {}
    assert secrets.load_apify_token(tmp_path) is None


def test_a_keyring_that_refuses_falls_back_to_the_file_and_never_logs_the_token(tmp_path, caplog) -> None:
    keyring.set_keyring(LockedKeyring())
    with caplog.at_level(logging.DEBUG):
        assert secrets.save_apify_token(TOKEN, tmp_path) == TokenStorage.SETTINGS_FILE
        assert secrets.load_apify_token(tmp_path) == TOKEN
    assert "keyring refused" in caplog.text
    assert TOKEN not in caplog.text


def test_the_environment_token_wins(tmp_path, monkeypatch) -> None:
    keyring.set_keyring(fail.Keyring())
    secrets.save_apify_token("saved-token", tmp_path)
    monkeypatch.setenv(secrets.TOKEN_ENV, TOKEN)
    assert secrets.load_apify_token(tmp_path) == TOKEN
    assert secrets.token_storage(tmp_path) == TokenStorage.ENVIRONMENT
    assert secrets.load_apify_settings(tmp_path).token == "saved-token"  # what the Settings dialog edits


def test_settings_round_trip_keep_other_sections_and_apply_to_the_live_service(tmp_path, monkeypatch) -> None:
    keyring.set_keyring(fail.Keyring())
    path = secrets.settings_path(tmp_path)
    path.write_text(json.dumps({"ui": {"theme": "light"}}), encoding="utf-8")
    secrets.save_apify_settings(" http://127.0.0.1:9/ ", 6, tmp_path)
    secrets.save_apify_token(TOKEN, tmp_path)
    saved = secrets.load_apify_settings(tmp_path)
    assert (saved.token, saved.api_url, saved.freshness) == (TOKEN, "http://127.0.0.1:9/", timedelta(hours=6))
    assert _file(tmp_path)["ui"] == {"theme": "light"}

    live = LiveIngestionService(sessions=None, ingestion=None, config=ApifyConfig(token=None, poll_interval=0.0))
    apply_apify_settings(live, tmp_path)
    assert (live.config.token, live.config.api_url, live.config.poll_interval) == (TOKEN, "http://127.0.0.1:9/", 0.0)
    assert live.freshness == timedelta(hours=6)

    monkeypatch.setenv(secrets.API_URL_ENV, "http://127.0.0.1:10")
    apply_apify_settings(live, tmp_path)
    assert live.config.api_url == "http://127.0.0.1:10"
    with pytest.raises(ValueError):
        secrets.save_apify_settings(None, -1, tmp_path)


def test_an_unreadable_settings_file_is_kept_aside_not_overwritten(tmp_path) -> None:
    keyring.set_keyring(fail.Keyring())
    path = secrets.settings_path(tmp_path)
    path.write_text("{ not json", encoding="utf-8")
    assert secrets.load_apify_settings(tmp_path).freshness_hours == secrets.DEFAULT_FRESHNESS_HOURS
    secrets.save_apify_token(TOKEN, tmp_path)
    assert path.with_name(path.name + ".unreadable").read_text(encoding="utf-8") == "{ not json"
    assert secrets.load_apify_token(tmp_path) == TOKEN


def test_the_default_data_dir_is_used_when_none_is_given(tmp_path) -> None:
    keyring.set_keyring(fail.Keyring())
    secrets.save_apify_token(TOKEN)
    assert (tmp_path / "default" / secrets.SETTINGS_FILE).exists()
    assert secrets.load_apify_token() == TOKEN


def test_the_fanout_threshold_is_saved_beside_the_apify_section_and_applied_at_open(tmp_path, db_url) -> None:
    from app.context import open_context

    assert secrets.load_fanout_threshold(tmp_path) is None
    secrets.save_apify_settings("http://127.0.0.1:1", 6, tmp_path)
    secrets.save_fanout_threshold(0.42, tmp_path)
    data = json.loads(secrets.settings_path(tmp_path).read_text(encoding="utf-8"))
    assert data["matching"] == {"fanout_threshold": 0.42} and data["apify"]["freshness_hours"] == 6
    with pytest.raises(ValueError):
        secrets.save_fanout_threshold(1.5, tmp_path)
    ctx = open_context(db_url=db_url, data_dir=tmp_path)
    try:
        assert ctx.matching.recommendations.threshold == 0.42
    finally:
        ctx.close()
    data["matching"]["fanout_threshold"] = "high"
    secrets.settings_path(tmp_path).write_text(json.dumps(data), encoding="utf-8")
    assert secrets.load_fanout_threshold(tmp_path) is None  # a hand-edited bad value falls back to the default


def test_repost_gap_defaults_to_21_days_and_is_kept(tmp_path) -> None:
    assert secrets.load_repost_gap_days(tmp_path) == 21
    secrets.save_repost_gap_days(30, tmp_path)
    assert secrets.load_repost_gap_days(tmp_path) == 30
    with pytest.raises(ValueError):
        secrets.save_repost_gap_days(0, tmp_path)
    (tmp_path / secrets.SETTINGS_FILE).write_text(json.dumps({"pool": {"repost_gap_days": "soon"}}))
    assert secrets.load_repost_gap_days(tmp_path) == 21
