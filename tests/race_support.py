"""Threads racing on the same rows (QUALITY: 20 trials × 8 threads, zero anomalies), shared by the race tests.

`race(work)` releases `count` threads together through a barrier and returns what each one got. The trial
count comes from `OCOP_TRIALS` (default 20), so a quick local run can ask for fewer.

Threads need committed data. A module that imports the fixtures `committed_copy` and `_django_db_helper` runs
its transactional tests on a committed copy of the test database (SQLite: a file made with SQLite's backup
API, so writers queue on the busy timeout exactly as in production; PostgreSQL: `CREATE DATABASE … TEMPLATE`),
thrown away afterwards; the shared test database, with its units and rubrics, is never flushed. Without them,
threads share SQLite's in-memory test database, where `race` retries a lock conflict.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time

import pytest
from django.db import OperationalError, connection, connections

THREADS = 8
TRIALS = int(os.environ.get("OCOP_TRIALS", "20"))


def race(work, count: int = THREADS) -> list:
    """Run `work(i)` in `count` threads released together; return each outcome (a value or the error
    raised, so the caller can count refusals and list anything unexpected)."""
    barrier = threading.Barrier(count)
    outcomes: list = [None] * count

    def run(index: int) -> None:
        try:
            barrier.wait()
            for attempt in range(200):
                try:
                    outcomes[index] = work(index)
                    break
                except OperationalError as error:
                    # SQLite's in-memory test database is shared between threads through one cache, where a
                    # lock conflict fails at once instead of waiting on the busy timeout as the production
                    # file does. The failed transaction wrote nothing; trying again is what the timeout does.
                    if "locked" not in str(error):
                        raise
                    time.sleep(0.002 * (1 + attempt % 5))
        except Exception as error:  # noqa: BLE001  (a refusal is an outcome; anything else is an anomaly to list)
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@pytest.fixture
def committed_copy(django_db_setup, django_db_blocker, tmp_path):
    """Point every connection (this thread's and new ones) at a committed copy of the test database."""
    with django_db_blocker.unblock():
        original = connections["default"]
        settings_dict = dict(original.settings_dict)
        clone = None
        if original.vendor == "sqlite":
            # The in-memory test database lives as long as `original` is open: it is copied, never closed.
            original.ensure_connection()
            path = tmp_path / "concurrency.sqlite3"
            target = sqlite3.connect(path)
            original.connection.backup(target)
            target.close()
            settings_dict["NAME"] = str(path)
        else:
            clone = f"{settings_dict['NAME']}_threads"[:63]
            original.close()  # a template database must have no other session
            with original._nodb_cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{clone}"')
                cursor.execute(f'CREATE DATABASE "{clone}" TEMPLATE "{settings_dict["NAME"]}"')
            settings_dict["NAME"] = clone
        kept_settings = connections.settings["default"]
        connections.settings["default"] = settings_dict
        connections["default"] = connections.create_connection("default")
    try:
        yield
    finally:
        with django_db_blocker.unblock():
            connections["default"].close()
            connections["default"] = original
            connections.settings["default"] = kept_settings
            if clone is not None:
                with original._nodb_cursor() as cursor:
                    cursor.execute(f'DROP DATABASE IF EXISTS "{clone}"')


@pytest.fixture
def _django_db_helper(committed_copy, _django_db_helper):
    """The test case (and its closing flush) runs on the copy, so the shared test database keeps its units."""
    yield
