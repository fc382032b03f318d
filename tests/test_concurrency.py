"""Concurrent writers: SQLite (WAL, busy timeout, immediate transactions) and PostgreSQL lose nothing."""

import threading

from sqlmodel import Session, func, select

from maillage.accounts import SYSTEM
from maillage.core import data_version, make_engine, session_scope
from maillage.vocabularies import add_entry
from models import AuditEntry, VocabularyEntry

THREADS = 8
WRITES = 200


def test_eight_threads_writing_two_hundred_records_each(db_factory):
    engine = make_engine(db_factory.new("empty"))
    start_version = data_version(engine)
    errors: list[BaseException] = []

    def writer(number: int) -> None:
        try:
            for index in range(WRITES):
                with session_scope(engine) as session:
                    add_entry(session, SYSTEM, "theme", f"t{number}_{index}", f"Thème {number}-{index}")
        except BaseException as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with Session(engine) as session:
        written = sum(1 for code in session.exec(select(VocabularyEntry.code)) if code.startswith("t") and code[1].isdigit())
        audited = session.exec(select(func.count()).select_from(AuditEntry)
                               .where(AuditEntry.entity == "vocabulary")).one()
    assert written == THREADS * WRITES
    assert audited == THREADS * WRITES
    # the shared counter was incremented once per write: no lost update
    assert data_version(engine) == start_version + THREADS * WRITES
    engine.dispose()
