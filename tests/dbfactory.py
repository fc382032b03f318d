"""Fresh test databases, SQLite or PostgreSQL (`TEST_DATABASE_URL`), built from cached templates.

Templates: `empty` (schema and vocabularies), `geo` (+ reference geography), `demo` (+ demo data).
SQLite copies a template file; PostgreSQL creates a database from a template database.
"""

from __future__ import annotations

import os
import shutil
import uuid
import warnings
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError

from maillage.core import make_engine, session_scope, upgrade
from maillage.exchange import init_database
from maillage.geography import load_reference_geography
from maillage.vocabularies import seed_vocabularies


def build(engine: Engine, kind: str, accounts_file: Path) -> None:
    """Fill a new database up to template `kind`."""
    if kind == "demo":
        init_database(engine, demo=True, accounts_file=accounts_file)
        return
    upgrade(engine)
    with session_scope(engine) as session:
        seed_vocabularies(session)
    if kind == "geo":
        load_reference_geography(engine)


class DatabaseFactory:
    """Makes databases for tests; `new(kind)` returns the URL of a fresh one."""

    def __init__(self, workdir: Path):
        self.workdir = workdir
        self.pg_url = os.environ.get("TEST_DATABASE_URL", "").strip()
        if self.pg_url.startswith("postgresql://"):
            self.pg_url = "postgresql+psycopg://" + self.pg_url[len("postgresql://"):]
        self.templates: dict[str, str] = {}
        self.created: list[str] = []
        self.engines: list[Engine] = []
        self.accounts_file = workdir / "demo-accounts.json"

    @property
    def dialect(self) -> str:
        return "postgresql" if self.pg_url else "sqlite"

    def _admin(self) -> Engine:
        return create_engine(make_url(self.pg_url).set(database="postgres"), isolation_level="AUTOCOMMIT")

    def _template(self, kind: str) -> str:
        if kind in self.templates:
            return self.templates[kind]
        name = f"tpl_{kind}_{uuid.uuid4().hex[:8]}"
        if self.dialect == "sqlite":
            path = self.workdir / f"{name}.db"
            url = f"sqlite:///{path}"
        else:
            admin = self._admin()
            with admin.connect() as connection:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
            admin.dispose()
            self.created.append(name)
            url = make_url(self.pg_url).set(database=name).render_as_string(hide_password=False)
        engine = make_engine(url)
        build(engine, kind, self.accounts_file)
        engine.dispose()
        self.templates[kind] = name
        return name

    def new(self, kind: str = "empty") -> str:
        """The URL of a fresh database holding template `kind`."""
        template = self._template(kind)
        name = f"t_{uuid.uuid4().hex[:10]}"
        if self.dialect == "sqlite":
            shutil.copyfile(self.workdir / f"{template}.db", self.workdir / f"{name}.db")
            return f"sqlite:///{self.workdir / f'{name}.db'}"
        admin = self._admin()
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
        admin.dispose()
        self.created.append(name)
        return make_url(self.pg_url).set(database=name).render_as_string(hide_password=False)

    def engine(self, kind: str = "empty") -> Engine:
        """An engine on a fresh database holding template `kind` (disposed at the end)."""
        engine = make_engine(self.new(kind))
        self.engines.append(engine)
        return engine

    def close(self) -> None:
        """Dispose engines and drop the PostgreSQL databases made."""
        for engine in self.engines:
            engine.dispose()
        if self.dialect == "postgresql" and self.created:
            admin = self._admin()
            with admin.connect() as connection:
                for name in reversed(self.created):
                    for statement in (f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'DROP DATABASE IF EXISTS "{name}"'):
                        try:
                            connection.execute(text(statement))
                            break
                        except DBAPIError as error:
                            # Cleaning up is best effort: a database still in use by a server process
                            # (or autovacuum) is left behind, which a throw-away test cluster can afford.
                            warnings.warn(f"base de test {name} non supprimée : {error.orig}", stacklevel=1)
            admin.dispose()
