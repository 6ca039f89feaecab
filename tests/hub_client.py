"""A participant of a `daas hub` room, as a browser would be: logs in through the hub's form,
starts their server through the hub's API, reads files through the server's contents API and runs
a notebook's cells in a kernel over the server's websocket. Used by tests/test_hub.py and
benchmarks/hub_load.py."""

from __future__ import annotations

import http.cookiejar
import json
import re
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field

from tornado.httpclient import HTTPRequest
from tornado.websocket import websocket_connect


class HubError(Exception):
    """What the hub or a server answered, when it was not what a participant needed."""


@dataclass
class Participant:
    base: str  # the room's address, http://127.0.0.1:<port>
    name: str
    token: str = ""
    jar: http.cookiejar.CookieJar = field(default_factory=http.cookiejar.CookieJar)

    def _open(
        self,
        method: str,
        path: str,
        body: dict | bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, bytes]:
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        headers = dict(headers or {})
        data = body if not isinstance(body, dict) else json.dumps(body).encode()
        if isinstance(body, dict):
            headers["Content-Type"] = "application/json"  # the hub refuses a form post to its API
        request = urllib.request.Request(
            self.base + path, data=data, method=method, headers=headers
        )
        if self.token:
            request.add_header("Authorization", f"token {self.token}")
        try:
            with opener.open(request, timeout=60) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    def _xsrf(self) -> str:
        return next(
            (c.value or "" for c in self.jar if c.name == "_xsrf" and c.path == "/hub/"), ""
        )

    def login(self, password: str) -> bool:
        """Log in through the hub's login form; True when the hub let them in."""
        _, page = self._open("GET", "/hub/login")
        found = re.search(rb'name="_xsrf" value="([^"]+)"', page)
        form = {
            "username": self.name,
            "password": password,
            "_xsrf": found.group(1).decode() if found else self._xsrf(),
        }
        _, page = self._open(
            "POST",
            "/hub/login",
            urllib.parse.urlencode(form).encode(),
            {"Content-Type": "application/x-www-form-urlencoded"},
        )
        return any(c.name == "jupyterhub-session-id" for c in self.jar) and b"Sign in" not in page

    def get_token(self) -> None:
        """A token of their own, asked for with their login (as the hub's token page does)."""
        status, body = self._open(
            "POST",
            f"/hub/api/users/{self.name}/tokens",
            {"note": "rehearsal", "expires_in": 3600},
            {"X-XSRFToken": self._xsrf(), "Referer": self.base + "/hub/"},
        )
        if status != 201:
            raise HubError(f"{self.name}: token: {status} {body[:300]!r}")
        self.token = json.loads(body)["token"]

    def open_page(self, path: str) -> tuple[int, str]:
        """Open `path` as their browser would (their login cookies, redirects followed): the
        final status and address."""
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        try:
            with opener.open(self.base + path, timeout=60) as response:
                return response.status, response.geturl()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.geturl()

    def start_server(self, seconds: float = 120) -> None:
        status, body = self._open("POST", f"/hub/api/users/{self.name}/server", {})
        if status not in (201, 202, 400):  # 400: already running
            raise HubError(f"{self.name}: start: {status} {body[:300]!r}")
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            status, body = self._open("GET", f"/hub/api/users/{self.name}")
            server = (json.loads(body).get("servers") or {}).get("", {})
            if server.get("ready"):
                return
            time.sleep(0.5)  # polling the hub, bounded by the deadline
        raise HubError(f"{self.name}: the server was not ready within {seconds:.0f} s")

    def api(
        self, method: str, path: str, body: dict | None = None, user: str | None = None
    ) -> tuple[int, dict | list]:
        """A call to a single-user server's REST API (their own unless `user` is given)."""
        status, raw = self._open(method, f"/user/{user or self.name}/api/{path}", body)
        try:
            return status, json.loads(raw) if raw else {}
        except ValueError:
            return status, {}

    def run_notebook(self, path: str, seconds: float = 300) -> list[str]:
        """Run every code cell of the notebook at `path` (in their home) in a new kernel of their
        server, as Run All would; return the errors (empty when every cell ran)."""
        import asyncio

        status, model = self.api("GET", f"contents/{urllib.parse.quote(path)}")
        if status != 200 or not isinstance(model, dict):
            said = model.get("message", "") if isinstance(model, dict) else ""
            raise HubError(f"{self.name}: {path}: {status} {said}".rstrip())
        cells = [c["source"] for c in model["content"]["cells"] if c["cell_type"] == "code"]
        status, kernel = self.api("POST", "kernels", {"name": "python3"})
        if status != 201 or not isinstance(kernel, dict):
            raise HubError(f"{self.name}: kernel: {status} {kernel}")
        try:
            return asyncio.run(asyncio.wait_for(self._execute(kernel["id"], cells), seconds))
        finally:
            self.api("DELETE", f"kernels/{kernel['id']}")

    async def _execute(self, kernel_id: str, cells: list[str]) -> list[str]:
        url = (
            self.base.replace("http", "ws", 1)
            + f"/user/{self.name}/api/kernels/{kernel_id}/channels"
        )
        ws = await websocket_connect(
            HTTPRequest(url, headers={"Authorization": f"token {self.token}"})
        )
        errors = []
        try:
            for source in cells:
                msg_id = uuid.uuid4().hex
                ws.write_message(
                    json.dumps(
                        {
                            "header": {
                                "msg_id": msg_id,
                                "msg_type": "execute_request",
                                "session": "s",
                                "username": self.name,
                                "version": "5.3",
                            },
                            "parent_header": {},
                            "metadata": {},
                            "channel": "shell",
                            "content": {
                                "code": source,
                                "silent": False,
                                "store_history": True,
                                "user_expressions": {},
                                "allow_stdin": False,
                                "stop_on_error": True,
                            },
                        }
                    )
                )
                while True:
                    raw = await ws.read_message()
                    if raw is None:
                        raise HubError(f"{self.name}: the kernel's websocket closed")
                    msg = json.loads(raw)
                    if msg.get("parent_header", {}).get("msg_id") != msg_id:
                        continue
                    if msg["msg_type"] == "execute_reply":
                        if msg["content"]["status"] != "ok":
                            errors.append(
                                f"{msg['content'].get('ename')}: {msg['content'].get('evalue')}"
                            )
                        break
                if errors:
                    break
        finally:
            ws.close()
        return errors
