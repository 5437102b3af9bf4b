"""One OS process of the cross-process rate-limit test (tests/test_races_across_processes.py).

Run as `python tests/ratelimit_worker.py MODE START COUNT PREFIX`: it sets Django up on the database its
environment names, waits until START (epoch seconds) so every process fires at once, sends COUNT requests
from one client address with Django's test client, and prints the answers' status codes as JSON.
MODE `verify` posts codes to public verification; `fail` posts wrong passwords for PREFIX-0, PREFIX-1, ...;
`right` posts the right password for PREFIX; `users` creates the user PREFIX with the password.
"""

from __future__ import annotations

import json
import os
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ocop.test_settings")

import django  # noqa: E402

django.setup()

from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

ADDRESS = "203.0.113.50"
PASSWORD = "mat-khau-thu-nghiem-2025"


def main(mode: str, start: float, count: int, prefix: str) -> None:
    setup_test_environment()
    if mode == "users":
        from ocop.accounts.services import user_create

        user_create(actor=None, username=prefix, password=PASSWORD)
        print("[]")
        return
    client = Client(REMOTE_ADDR=ADDRESS)
    time.sleep(max(0.0, start - time.time()))
    statuses = []
    for index in range(count):
        if mode == "verify":
            body = {"code": f"OCOP1.khong-phai-ma-that-{prefix}-{index}"}
            response = client.post("/api/v1/certificates/verify", body, content_type="application/json")
        else:
            username, password = (
                (prefix, PASSWORD) if mode == "right" else (f"{prefix}-{index}", "sai-mat-khau")
            )
            response = client.post(
                "/api/v1/auth/token",
                {"username": username, "password": password},
                content_type="application/json",
            )
        statuses.append(response.status_code)
    print(json.dumps(statuses))


if __name__ == "__main__":
    main(sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), sys.argv[4])
