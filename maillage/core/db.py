"""Database engine and sessions: SQLite (default) or PostgreSQL through `DATABASE_URL`."""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from sqlalchemy import Integer, String, cast, event
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
from sqlalchemy.pool import NullPool
from sqlmodel import Session, create_engine, select

from models import AppMeta

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DATABASE_URL = f"sqlite:///{PROJECT_ROOT / 'data' / 'maillage.core.db'}"
SQLITE_BUSY_TIMEOUT_MS = 120_000


def database_url() -> str:
    """The URL of the database to use: `DATABASE_URL`, else `data/maillage.core.db`."""
    url = os.environ.get("DATABASE_URL", "").strip() or DEFAULT_DATABASE_URL
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def _configure_sqlite(dbapi_connection, _record) -> None:
    """Foreign keys on, WAL journal and a busy timeout, on every SQLite connection."""
    # SQLAlchemy, not the driver, opens transactions (see _begin_immediate).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _begin_immediate(connection) -> None:
    """Take SQLite's write lock when a transaction starts, waiting up to the busy timeout.

    A deferred transaction that reads and then writes fails at once with "database is locked"
    when another writer committed in between; starting IMMEDIATE makes writers queue instead.
    """
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(url: str | None = None) -> Engine:
    """Create an engine for `url` (default: `database_url()`), SQLite connections configured."""
    url = url or database_url()
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
        )
        event.listen(engine, "connect", _configure_sqlite)
        event.listen(engine, "begin", _begin_immediate)
        return engine
    if os.environ.get("MAILLAGE_DB_POOL", "").strip().lower() == "null":
        # One connection per session, closed after it (test runs that open hundreds of databases).
        return create_engine(url, poolclass=NullPool)
    return create_engine(url, pool_pre_ping=True)


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """One session per action: commit on success, roll back on any error."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def get_meta(session: Session, key: str, default: str = "") -> str:
    """Read one application fact (data version, demo flag…)."""
    row = session.get(AppMeta, key)
    return row.value if row else default


def set_meta(session: Session, key: str, value: str) -> None:
    """Write one application fact."""
    row = session.get(AppMeta, key)
    if row is None:
        session.add(AppMeta(key=key, value=value))
    else:
        row.value = value
        session.add(row)


def bump_data_version(session: Session) -> int:
    """Mark that data changed, so cached results (metrics, coverage) are recomputed.

    One atomic upsert, so concurrent writers (PostgreSQL's READ COMMITTED included) never lose an
    increment, even on a database where nothing was ever written.
    """
    table = AppMeta.__table__
    session.flush()
    dialect = session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(table).values(key="data_version", value="1")
    statement = statement.on_conflict_do_update(
        index_elements=[table.c.key],
        set_={"value": cast(cast(table.c.value, Integer) + 1, String)},
    ).returning(table.c.value)
    result = session.execute(statement).scalar_one()
    for cached in list(session.identity_map.values()):
        if isinstance(cached, AppMeta):
            session.expire(cached)
    return int(result)


def data_version(engine: Engine) -> int:
    """The current data version (a counter bumped by every write)."""
    with Session(engine) as session:
        row = session.exec(select(AppMeta).where(AppMeta.key == "data_version")).first()
        return int(row.value) if row and row.value else 0
