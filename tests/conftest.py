"""Shared fixtures: fresh databases (SQLite by default, PostgreSQL with TEST_DATABASE_URL)."""

from __future__ import annotations

import datetime as dt
import os

import pytest

from maillage.core import make_engine
from tests.dbfactory import DatabaseFactory

TODAY = dt.date(2026, 11, 29)

# Hundreds of test databases are opened: don't keep idle PostgreSQL connections in pools.
os.environ.setdefault("MAILLAGE_DB_POOL", "null")


@pytest.fixture(autouse=True)
def _demo_accounts_file(tmp_path_factory, monkeypatch):
    """Tests never read nor delete the real data/demo-accounts.json."""
    monkeypatch.setattr("maillage.accounts.creation.DEMO_ACCOUNTS_FILE",
                        tmp_path_factory.getbasetemp() / "demo-accounts-test.json")


@pytest.fixture(autouse=True)
def _fresh_sign_in_throttle(monkeypatch):
    """Each test starts with no failed sign-in remembered."""
    from maillage.accounts.signin import SignInThrottle
    monkeypatch.setattr("maillage.accounts.signin.THROTTLE", SignInThrottle())


@pytest.fixture(scope="session")
def db_factory(tmp_path_factory):
    """Builds template databases once per run and hands out fresh copies."""
    factory = DatabaseFactory(tmp_path_factory.mktemp("databases"))
    yield factory
    factory.close()


@pytest.fixture
def empty_engine(db_factory):
    """A fresh database with the schema and vocabularies only."""
    return db_factory.engine("empty")


@pytest.fixture
def geo_engine(db_factory):
    """A fresh database with the reference geography."""
    return db_factory.engine("geo")


@pytest.fixture
def demo_engine(db_factory):
    """A fresh database with the demo dataset (safe to modify)."""
    return db_factory.engine("demo")


@pytest.fixture(scope="session")
def shared_demo_url(db_factory):
    """One demo database shared by read-only tests."""
    return db_factory.new("demo")


@pytest.fixture(scope="session")
def shared_demo_engine(shared_demo_url):
    """An engine on the shared read-only demo database."""
    engine = make_engine(shared_demo_url)
    yield engine
    engine.dispose()


@pytest.fixture
def use_database(monkeypatch):
    """Point DATABASE_URL (what the app and the command line read) at a given URL."""
    def use(url: str) -> None:
        monkeypatch.setenv("DATABASE_URL", url)
    return use


def _navigation_app_pages_manager():
    """AppTest resets `PagesManager.uses_pages_directory` before every run, and since our screens live in
    `pages/` it then runs the last page's file alone (the old multipage mode), skipping app.py. The real
    server clears that flag for good at the first `st.navigation` call; do the same in tests."""
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.testing.v1 import app_test

    class NavigationPagesManager(PagesManager):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            PagesManager.uses_pages_directory = False

    app_test.PagesManager = NavigationPagesManager


_navigation_app_pages_manager()
