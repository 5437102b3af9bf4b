"""The production form on real engines: PostgreSQL, Redis, an S3 server, Celery, two web processes.

Skipped unless OCOP_ENGINES=1: `scripts/ci-engines.sh` (`make engines-test`) starts the engines and runs
these. The processes are started by following docs/deploy.md's rehearsal, word for word; the tests then
talk to them over HTTP, as a browser behind the load balancer would, and read the same database and bucket.
The test process does not use a throw-away test database: it works in the rehearsal's own database, where
every write is committed and seen by the web and worker processes.
"""

from __future__ import annotations

import os
import secrets

import pytest
from django.conf import global_settings
from django.test import override_settings
from engines_support import PASSWORD, ROOT, Browser, Deployment, free_port, rehearsal_blocks, wait_ready


def pytest_collection_modifyitems(config, items):
    if os.environ.get("OCOP_ENGINES") == "1":
        return
    skip = pytest.mark.skip(reason="needs the real engines: run `make engines-test` (OCOP_ENGINES=1)")
    for item in items:
        if "engines" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def deployment(django_db_blocker):
    """docs/deploy.md's rehearsal up to its last step: checked, migrated, processes started and ready."""
    data_dir = "var/test-engines/rehearsal"
    logs = ROOT / data_dir / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTEST", "DJANGO_SETTINGS_MODULE", "COV_"))
    }
    ports = {"web-a": free_port(), "web-b": free_port()}
    env.update(
        OCOP_ENV="production",
        OCOP_SECRET_KEY=secrets.token_urlsafe(50),
        OCOP_ALLOWED_HOSTS="127.0.0.1,localhost",
        OCOP_DATA_DIR=data_dir,
        OCOP_LOG_FORMAT="json",
        PATH=f"{ROOT / '.venv' / 'bin'}:{os.environ['PATH']}",
        WEB_A_PORT=str(ports["web-a"]),
        WEB_B_PORT=str(ports["web-b"]),
        FIRST_OFFICER="trung-uong",
        FIRST_PASSWORD=PASSWORD,
        PYTHONUNBUFFERED="1",
    )
    deployment = Deployment(env=env, ports=ports, logs=logs)
    blocks = rehearsal_blocks()
    last_step = max(index for index, (kind, _) in enumerate(blocks) if kind == "step")
    try:
        for kind, body in blocks[:last_step]:
            if kind == "step":
                deployment.run(body)
            else:
                deployment.start(kind.split()[1], body)
                if kind.startswith("process web"):
                    wait_ready(deployment.ports[kind.split()[1]])
        deployment.remaining = blocks[last_step:]  # type: ignore[attr-defined]
        # Passwords set here are checked by the production processes: hash them the production way.
        with (
            django_db_blocker.unblock(),
            override_settings(PASSWORD_HASHERS=global_settings.PASSWORD_HASHERS),
        ):
            yield deployment
    finally:
        deployment.stop_all()
        from django.db import connections

        connections.close_all()


@pytest.fixture
def browser() -> Browser:
    return Browser()
