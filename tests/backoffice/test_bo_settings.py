"""Settings come from the environment, with documented development defaults."""
from __future__ import annotations

import logging

import pytest

from backoffice.settings import DEV_API_KEY, REPO_ROOT, Settings


def test_defaults_warn_and_use_the_dev_key(caplog):
    with caplog.at_level(logging.WARNING, logger="backoffice.settings"):
        settings = Settings.from_env({})
    assert settings.api_keys == (DEV_API_KEY,)
    assert settings.database_url == f"sqlite:///{REPO_ROOT / 'var' / 'backoffice.db'}"
    assert settings.commune_dir == REPO_ROOT / "communes" / "villebrune"
    assert "BACKOFFICE_API_KEYS is unset" in caplog.text
    assert "BACKOFFICE_ADMIN_KEY is unset" in caplog.text


def test_environment_overrides(caplog):
    with caplog.at_level(logging.WARNING, logger="backoffice.settings"):
        settings = Settings.from_env({
            "DATABASE_URL": "postgresql://u@db/guichet", "COMMUNE_DIR": "communes/autre",
            "BACKOFFICE_API_KEYS": " a-key , other-key,", "BACKOFFICE_ADMIN_KEY": "admin",
            "BACKOFFICE_LOOKUP_MAX_FAILURES": "3", "BACKOFFICE_AUTO_MIGRATE": "0"})
    assert caplog.text == ""
    assert settings.database_url == "postgresql://u@db/guichet"
    assert settings.commune_dir == REPO_ROOT / "communes" / "autre"
    assert settings.api_keys == ("a-key", "other-key")
    assert settings.admin_key == "admin"
    assert settings.lookup_max_failures == 3 and settings.auto_migrate is False


def test_bad_integer_is_reported():
    with pytest.raises(ValueError, match="BACKOFFICE_MAX_SLOT_RANGE_DAYS"):
        Settings.from_env({"BACKOFFICE_MAX_SLOT_RANGE_DAYS": "beaucoup"})
