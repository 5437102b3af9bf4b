"""Helpers of the engines tests: docs/deploy.md's rehearsal blocks, the processes it starts, and a
browser behind the load balancer. Importable as `engines_support` (pytest puts this folder on the path)."""

from __future__ import annotations

import http.client
import os
import re
import secrets
import signal
import socket
import subprocess
import time
import urllib.parse
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEPLOY_DOC = ROOT / "docs" / "deploy.md"
BLOCK = re.compile(r"<!-- rehearsal: (step|process [\w-]+) -->\s*```sh\n(.*?)\n```", re.S)
PASSWORD = "mat-khau-dien-tap-2025"


def rehearsal_blocks() -> list[tuple[str, str]]:
    return [(kind, body) for kind, body in BLOCK.findall(DEPLOY_DOC.read_text(encoding="utf-8"))]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Deployment:
    env: dict[str, str]
    ports: dict[str, int]
    logs: Path
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)

    def run(self, script: str, timeout: float = 300, env: dict | None = None) -> str:
        done = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", script],
            cwd=ROOT,
            env={**self.env, **(env or {})},
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        assert done.returncode == 0, (
            f"step failed:\n{script}\n--- stdout\n{done.stdout}\n--- stderr\n{done.stderr}"
        )
        return done.stdout

    def start(self, name: str, script: str, env: dict | None = None) -> None:
        log = (self.logs / f"{name}.log").open("wb")
        process = subprocess.Popen(
            ["bash", "-c", f"exec {script.strip()}"],
            cwd=ROOT,
            env={**self.env, **(env or {})},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stopped with all its children
        )
        self.processes[name] = process
        pids = Path(os.environ.get("OCOP_ENGINES_DIR", self.logs)) / "pids"
        pids.mkdir(parents=True, exist_ok=True)
        (pids / name).write_text(str(process.pid))

    def log_of(self, name: str) -> str:
        return (self.logs / f"{name}.log").read_text(encoding="utf-8", errors="replace")

    def stop_all(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 20
        for name, process in self.processes.items():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
            (Path(os.environ.get("OCOP_ENGINES_DIR", self.logs)) / "pids" / name).unlink(missing_ok=True)


def wait_ready(port: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            status, _, _ = Browser().request(port, "GET", "/health/ready/")
            if status == 200:
                return
        except OSError:
            pass
        assert time.monotonic() < deadline, f"web process on port {port} never became ready"
        time.sleep(0.3)


def multipart(fields: dict, files: dict[str, tuple[str, bytes]]) -> tuple[bytes, str]:
    boundary = secrets.token_hex(16)
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    for name, (filename, content) in files.items():
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        )
        parts.append(head.encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class Browser:
    """A browser behind the TLS-terminating load balancer: keeps its cookies, follows no redirect."""

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}

    def request(
        self,
        port: int,
        method: str,
        path: str,
        data: dict | None = None,
        headers: dict | None = None,
        files: dict[str, tuple[str, bytes]] | None = None,
    ):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        sent = {"Host": f"127.0.0.1:{port}", "X-Forwarded-Proto": "https", **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        body: str | bytes | None = None
        if files is not None:
            body, sent["Content-Type"] = multipart(data or {}, files)
        elif data is not None:
            body = urllib.parse.urlencode(data)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        if body is not None:
            sent["Origin"] = f"https://127.0.0.1:{port}"
        connection.request(method, path, body=body, headers=sent)
        response = connection.getresponse()
        content = response.read()
        for header in response.msg.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel.value:
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)
        connection.close()
        return response.status, response.msg, content.decode("utf-8", errors="replace")

    def csrf_token(self, port: int, path: str) -> str:
        status, _, page = self.request(port, "GET", path)
        assert status == 200, (status, path)
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)

    def post_form(
        self, port: int, path: str, data: dict, form_page: str | None = None, headers: dict | None = None
    ):
        token = self.csrf_token(port, form_page or path)
        return self.request(port, "POST", path, {**data, "csrfmiddlewaretoken": token}, headers)

    def sign_in(self, port: int, username: str, password: str = PASSWORD) -> None:
        status, headers, page = self.post_form(
            port, "/accounts/login/", {"username": username, "password": password, "next": "/"}
        )
        assert status == 302, page[:2000]


def wait_for_run(run_id: int, seconds: float = 60):
    """The run once it has finished (or as it is after `seconds`), read from the shared database."""
    from ocop.tasks.models import Status, TaskRun

    deadline = time.monotonic() + seconds
    while True:
        run = TaskRun.objects.get(pk=run_id)
        if run.status in (Status.SUCCEEDED, Status.FAILED) or time.monotonic() > deadline:
            return run
        time.sleep(0.2)


def json_lines(text: str) -> list[dict]:
    """The JSON log lines of a process's output (other lines, such as gunicorn's own, are skipped)."""
    import json

    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]
