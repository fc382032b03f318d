"""Database engine and sessions: SQLite (default) or PostgreSQL through `DATABASE_URL`."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Integer, String, cast, event
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.pool import NullPool
from sqlmodel import Session, create_engine, select

from maillage.core.errors import ConflictError
from models import AppMeta, NetworkCouncil

# Largest list of values put in one SQL `IN (…)` (SQLite's variable limit is 999 on old builds).
IN_CHUNK = 900

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


READ_ONLY = "maillage_read_only"
NO_WAIT = "maillage_no_wait"
_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLAC", "CREATE", "DROP T", "ALTER ")


def _begin_immediate(connection) -> None:
    """Take SQLite's write lock when a writing transaction starts, waiting up to the busy timeout.

    A deferred transaction that reads and then writes fails at once with "database is locked"
    when another writer committed in between; starting IMMEDIATE makes writers queue instead.
    Read-only sessions (`read_scope`) start a plain BEGIN: in WAL mode they never wait for a writer.
    """
    options = connection.get_execution_options()
    if options.get(READ_ONLY):
        connection.exec_driver_sql("BEGIN")
    elif options.get(NO_WAIT):
        connection.exec_driver_sql("PRAGMA busy_timeout=0")
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        finally:
            connection.exec_driver_sql(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    else:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def _refuse_writes(connection, _cursor, statement, _parameters, _context, _executemany) -> None:
    """A read-only session never writes (a write there would be silently rolled back)."""
    if connection.get_execution_options().get(READ_ONLY) and statement.lstrip()[:6].upper() in _WRITES:
        raise RuntimeError("écriture dans une session de lecture (read_scope) : utilisez session_scope")


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
        event.listen(engine, "before_cursor_execute", _refuse_writes)
        return engine
    if os.environ.get("MAILLAGE_DB_POOL", "").strip().lower() == "null":
        # One connection per session, closed after it (test runs that open hundreds of databases).
        engine = create_engine(url, poolclass=NullPool)
    else:
        engine = create_engine(url, pool_pre_ping=True)
    event.listen(engine, "before_cursor_execute", _refuse_writes)
    return engine


@contextmanager
def read_scope(engine: Engine) -> Iterator[Session]:
    """A read-only session: on SQLite a plain BEGIN, so pages keep answering while an import writes; any
    write through it raises; always rolled back."""
    with Session(engine.execution_options(**{READ_ONLY: True}), expire_on_commit=False) as session:
        try:
            yield session
        finally:
            session.expunge_all()  # what was read stays readable after the rollback, as after session_scope
            session.rollback()


def advance_id_sequences(session: Session, tables: Iterable) -> None:
    """After rows were inserted with explicit ids (bulk generation), move PostgreSQL's id sequences past them,
    so the next ordinary insert does not collide; SQLite needs nothing."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for table in tables:
        if "id" in table.c:
            session.connection().exec_driver_sql(
                f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM \"{table.name}\"), 0) + 1, false)")


def write_if_free(engine: Engine, work: Callable[[Session], object]) -> bool:
    """Run a small, optional write (« last seen », bookkeeping) at once, or skip it when another write holds
    SQLite's lock (a long import): the page goes on instead of waiting. Whether it was written."""
    try:
        with Session(engine.execution_options(**{NO_WAIT: True}), expire_on_commit=False) as session:
            work(session)
            session.commit()
        return True
    except OperationalError as error:
        if "locked" in str(error) or "busy" in str(error):
            return False
        raise


UNIQUE_RACE = ("quelqu'un vient d'enregistrer le même élément au même moment : rien n'a été enregistré ; "
               "rechargez la page et réessayez")


def unique_violation(error: BaseException) -> bool:
    """Whether a database error is a unique-key violation (two people saving the same thing at once),
    raised through SQLAlchemy or straight from the driver (PostgreSQL's COPY)."""
    original = getattr(error, "orig", None) or error
    if getattr(original, "sqlstate", None) == "23505":
        return True
    return "UNIQUE constraint failed" in str(original)


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """One session per action: commit on success, roll back on any error; a unique-key race becomes a
    French ConflictError instead of a driver error."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except IntegrityError as error:
            session.rollback()
            if unique_violation(error):
                raise ConflictError(UNIQUE_RACE) from None
            raise
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


def _increment(session: Session, key: str) -> int:
    """Add one to a counter of `app_meta` in one atomic upsert (concurrent writers never lose an increment)."""
    table = AppMeta.__table__
    dialect = session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(table).values(key=key, value="1")
    statement = statement.on_conflict_do_update(
        index_elements=[table.c.key],
        set_={"value": cast(cast(table.c.value, Integer) + 1, String)},
    ).returning(table.c.value)
    return int(session.execute(statement).scalar_one())


def chunks(values: Iterable, size: int = IN_CHUNK) -> Iterator[list]:
    """`values` in lists of at most `size`, for SQL `IN (…)` conditions on long lists."""
    items = list(values)
    for start in range(0, len(items), size):
        yield items[start:start + size]


def council_version_key(council_id: int) -> str:
    """The `app_meta` key of a council's data version."""
    return f"version:council:{council_id}"


def network_version_key(network_id: int) -> str:
    """The `app_meta` key of a network's data version."""
    return f"version:network:{network_id}"


NATIONAL_VERSION_KEY = "version:national"


def bump_data_version(session: Session, *, councils: Iterable[int] = (), national: bool = False) -> int:
    """Mark that data changed, so cached results (metrics, coverage) are recomputed.

    The global counter always moves; so do the versions of the councils named, of the networks they belong
    to, and the national version when reference data every page reads changed (`national`). Caches keyed on
    the versions of what they read stay warm when another council is edited.
    """
    session.flush()
    council_ids = sorted(set(councils))
    network_ids: set[int] = set()
    for chunk in chunks(council_ids):
        network_ids.update(session.exec(select(NetworkCouncil.network_id).where(
            NetworkCouncil.council_id.in_(chunk))).all())
    for council_id in council_ids:
        _increment(session, council_version_key(council_id))
    for network_id in sorted(network_ids):
        _increment(session, network_version_key(network_id))
    if national:
        _increment(session, NATIONAL_VERSION_KEY)
    result = _increment(session, "data_version")
    for cached in list(session.identity_map.values()):
        if isinstance(cached, AppMeta):
            session.expire(cached)
    return result


def council_scope_version(engine: Engine, council_id: int | None) -> tuple[int, ...]:
    """The cache key of what a council's pages read: the national version, the council's and those of the
    networks it belongs to (whose shared actions and peers it sees). An edit in an unrelated council leaves it."""
    if council_id is None:
        return (data_version(engine),)
    with read_scope(engine) as session:
        networks = sorted(session.exec(select(NetworkCouncil.network_id)
                                       .where(NetworkCouncil.council_id == council_id)).all())
    return scope_versions(engine, councils=[council_id], networks=networks)


def scope_versions(engine: Engine, *, councils: Iterable[int] = (), networks: Iterable[int] = ()) -> tuple[int, ...]:
    """The national version then each named council's and network's version, in order: a cache key that
    changes only when data those scopes read changed."""
    keys = [NATIONAL_VERSION_KEY] + [council_version_key(c) for c in councils] + [network_version_key(n) for n in networks]
    with read_scope(engine) as session:
        values = dict(session.exec(select(AppMeta.key, AppMeta.value).where(AppMeta.key.in_(keys))).all())
    return tuple(int(values.get(key) or 0) for key in keys)


def data_version(engine: Engine) -> int:
    """The current data version (a counter bumped by every write); never waits for a writer."""
    with read_scope(engine) as session:
        row = session.exec(select(AppMeta).where(AppMeta.key == "data_version")).first()
        return int(row.value) if row and row.value else 0
