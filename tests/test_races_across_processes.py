"""Rate limits hold across processes (issue 13, item 11): several OS processes, each a Django of its own
like the workers of `gunicorn --workers N`, fire at one limiter from one client address at the same moment.

Each process counting alone let 3 workers allow 3 times the budget; the count now lives in a store they share
(the database here; Redis in production), so the budget is exact whatever the number of processes. Runs on
SQLite (a database file of the test, migrated by a subprocess) and on PostgreSQL (the test database).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parent.parent
WORKER = ROOT / "tests" / "ratelimit_worker.py"
PROCESSES = 3


@pytest.fixture
def shared_database(tmp_path) -> dict[str, str]:
    """The environment of worker processes that all use one database."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ocop.test_settings",
        "OCOP_ENV": "test",
        "OCOP_DATA_DIR": str(tmp_path),
        "OCOP_CACHE_URL": "",
        "OCOP_LOGIN_LOCK_MINUTES": "1",  # one-minute windows, so the test fits in one
    }
    if connection.vendor == "sqlite":
        env["DATABASE_URL"] = ""  # a database file in the test's folder
        subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], env=env, cwd=ROOT, check=True)
    else:
        db = connection.settings_dict
        credentials = quote(db["USER"] or "") + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
        env["DATABASE_URL"] = (
            f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        )
    return env


def _start_time(window: int = 60, run: int = 25) -> float:
    """A moment a few seconds ahead (every process set up by then) that leaves the run inside one window."""
    start = time.time() + 6
    if start % window > window - run:
        start = (start // window + 1) * window + 0.5
    return start


def run_workers(env, mode: str, count: int, *, processes: int = PROCESSES) -> list[int]:
    start = _start_time()
    workers = [
        subprocess.Popen(
            [sys.executable, str(WORKER), mode, str(start), str(count), f"worker{index}"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for index in range(processes)
    ]
    statuses: list[int] = []
    for worker in workers:
        out, err = worker.communicate(timeout=180)
        assert worker.returncode == 0, err[-2000:]
        statuses += json.loads(out.strip().splitlines()[-1])
    return statuses


def test_verification_budget_is_one_budget_across_processes(shared_database):
    statuses = run_workers(shared_database, "verify", 40)  # 120 requests against 60 a minute
    assert len(statuses) == 120
    assert statuses.count(429) == 60, statuses
    assert all(status < 500 for status in statuses)


def test_failed_sign_ins_count_across_processes_and_a_right_password_still_passes(shared_database):
    run_workers(shared_database, "users", 0, processes=1)  # creates the user "p0"
    statuses = run_workers(shared_database, "fail", 15)  # 45 failures over 45 names against 30
    assert statuses.count(401) == 30, statuses
    assert statuses.count(429) == 15, statuses
    # The address is closed to wrong passwords, not to people: the right one goes through.
    assert run_workers(shared_database, "right", 1, processes=1) == [200]
