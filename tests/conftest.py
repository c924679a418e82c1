"""Shared test set-up: no test writes into the real user's data folder."""

from __future__ import annotations

import pytest

from tutorial.store.files import DATA_DIR_ENV
from tutorial.store.pictures import CACHE_ENV


@pytest.fixture(autouse=True)
def _private_data_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch) -> None:
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path_factory.mktemp("tutorial-home")))


@pytest.fixture(scope="session")
def _picture_cache_dir(tmp_path_factory: pytest.TempPathFactory):
    return tmp_path_factory.mktemp("picture-cache")


@pytest.fixture(autouse=True)
def _private_picture_cache(_picture_cache_dir, monkeypatch) -> None:
    """Pictures are cached on disk in one folder for this test session, never in ~/.cache."""
    monkeypatch.setenv(CACHE_ENV, str(_picture_cache_dir))


@pytest.fixture(autouse=True)
def _fresh_stores():
    """Each test opens its own stores; close them afterwards (no descriptors pile up).

    Timers still open are closed first, while this test's data folder is set: a timer
    records its run when closed, and must not do so into a later test's store.
    """
    import sys

    from tutorial.store import db as store

    yield
    timer = sys.modules.get("tutorial.widgets.timer")
    if timer is not None:
        for live in list(timer.StepTimer._live):
            live.close()
    for opened in list(store._STORES.values()):
        opened.close()
    store._STORES.clear()


@pytest.fixture(autouse=True)
def language():
    """Every test ends in the language it began in (a test may switch it)."""
    from tutorial.content import i18n

    before = i18n.get_language()
    yield before
    i18n.set_language(before)


@pytest.fixture
def chinese(language):
    """Show everything in Simplified Chinese for one test."""
    from tutorial.content import i18n

    i18n.set_language("zh-Hans")
    return "zh-Hans"
