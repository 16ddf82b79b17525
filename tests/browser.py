"""A headless Chromium driven over the DevTools protocol, with the standard library only.

``--remote-debugging-pipe`` makes Chromium read commands on its fd 3 and write answers and events
on its fd 4, as JSON messages ending with a NUL byte: no port, no websocket, nothing to install.
Enough of the protocol to open a page, collect what it logged and fetched, and take a screenshot.
"""
from __future__ import annotations

import base64
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BROWSERS = ("chromium", "chromium-browser", "google-chrome")
COMMAND_TIMEOUT_S = 30


def find() -> str | None:
    """The path of a Chromium on PATH, or None."""
    return next((path for path in map(shutil.which, BROWSERS) if path), None)


@dataclass
class Visit:
    """What a page did while it loaded."""

    console_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)  # every URL the page asked for, itself first


class Browser:
    """One headless Chromium; use it as a context manager."""

    def __init__(self, executable: str) -> None:
        self._profile = tempfile.TemporaryDirectory(prefix="mpgrade-chromium-")
        commands_read, commands_write = os.pipe()
        answers_read, answers_write = os.pipe()
        # Chromium expects the pipe on fds 3 (commands in) and 4 (answers out).
        self._process = subprocess.Popen(
            [executable, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--no-default-browser-check", "--disable-extensions", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--hide-scrollbars",
             f"--user-data-dir={self._profile.name}", "--remote-debugging-pipe", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            pass_fds=(3, 4), preexec_fn=lambda: _pipe_on_fds(commands_read, answers_write))
        os.close(commands_read)
        os.close(answers_write)
        self._out = os.fdopen(commands_write, "wb", buffering=0)
        self._in = os.fdopen(answers_read, "rb", buffering=0)
        self._buffer = b""
        self._next_id = 0
        self._events: list[dict] = []
        self._session: str | None = self._open_tab()

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exception: object) -> None:
        self.close()

    def close(self) -> None:
        try:
            self._send("Browser.close", session=False, wait=False)
            self._process.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            self._process.kill()
            self._process.wait()
        self._out.close()
        self._in.close()
        self._profile.cleanup()

    def visit(self, url: str, width: int = 1200, height: int = 900, settle_s: float = 0.5,
              media: str = "screen") -> Visit:
        """Load ``url`` (``media``: screen or print) and report its console errors and the
        requests it made."""
        self._send("Emulation.setDeviceMetricsOverride",
                   {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600})
        self._send("Emulation.setEmulatedMedia", {"media": media})
        self._events.clear()
        self._send("Page.navigate", {"url": url})
        self._wait_for_event("Page.loadEventFired")
        self._drain(settle_s)  # late messages (a CSP violation is reported after the fact)
        return _visit_from(self._events)

    def screenshot(self, path: Path, selector: str | None = None) -> None:
        """A PNG of the whole page, or of the element ``selector`` names."""
        clip = None
        if selector:
            box = self._evaluate(f"JSON.stringify(document.querySelector({json.dumps(selector)})"
                                 ".getBoundingClientRect())")
            found = json.loads(box)
            clip = {"x": found["x"], "y": found["y"] + self._evaluate("window.scrollY"),
                    "width": found["width"], "height": found["height"], "scale": 1}
        parameters = {"format": "png", "captureBeyondViewport": True}
        if clip:
            parameters["clip"] = clip
        else:
            size = json.loads(self._evaluate("JSON.stringify([document.documentElement.scrollWidth, "
                                             "document.documentElement.scrollHeight])"))
            parameters["clip"] = {"x": 0, "y": 0, "width": size[0], "height": size[1], "scale": 1}
        answer = self._send("Page.captureScreenshot", parameters)
        path.write_bytes(base64.b64decode(answer["data"]))

    # -- the protocol ---------------------------------------------------------------------------

    def _open_tab(self) -> str:
        self._session = None
        target = self._send("Target.createTarget", {"url": "about:blank"}, session=False)["targetId"]
        session = self._send("Target.attachToTarget", {"targetId": target, "flatten": True},
                             session=False)["sessionId"]
        self._session = session
        for domain in ("Page", "Runtime", "Log", "Network"):
            self._send(f"{domain}.enable")
        return session

    def _evaluate(self, expression: str) -> Any:  # the page's value, as JSON gives it
        answer = self._send("Runtime.evaluate", {"expression": expression, "returnByValue": True})
        return answer["result"].get("value")

    def _send(self, method: str, params: dict | None = None, *, session: bool = True,
              wait: bool = True) -> dict:
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params or {}}
        if session and self._session:
            message["sessionId"] = self._session
        self._out.write(json.dumps(message).encode("utf-8") + b"\0")
        if not wait:
            return {}
        wanted = self._next_id
        deadline = time.monotonic() + COMMAND_TIMEOUT_S
        while time.monotonic() < deadline:
            received = self._receive(deadline - time.monotonic())
            if received is None:
                continue
            if received.get("id") == wanted:
                if "error" in received:
                    raise RuntimeError(f"{method}: {received['error']}")
                return received.get("result", {})
            self._events.append(received)
        raise TimeoutError(f"Chromium did not answer {method}")

    def _wait_for_event(self, method: str) -> None:
        deadline = time.monotonic() + COMMAND_TIMEOUT_S
        while not any(event.get("method") == method for event in self._events):
            if time.monotonic() > deadline:
                raise TimeoutError(f"no {method} from Chromium")
            received = self._receive(deadline - time.monotonic())
            if received is not None:
                self._events.append(received)

    def _drain(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            received = self._receive(deadline - time.monotonic())
            if received is not None:
                self._events.append(received)

    def _receive(self, timeout: float) -> dict | None:
        """The next message, or None when none came within ``timeout``."""
        while b"\0" not in self._buffer:
            ready, _, _ = select.select([self._in], [], [], max(timeout, 0.0))
            if not ready:
                return None
            chunk = self._in.read(65536)
            if not chunk:
                raise ConnectionError("Chromium closed its DevTools pipe")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)


def _pipe_on_fds(commands_read: int, answers_write: int) -> None:
    # Copied out of the way first: either end may itself be fd 3 or 4.
    commands, answers = os.dup(commands_read), os.dup(answers_write)
    os.dup2(commands, 3)
    os.dup2(answers, 4)


def _visit_from(events: list[dict]) -> Visit:
    visit = Visit()
    for event in events:
        method, params = event.get("method"), event.get("params", {})
        if method == "Network.requestWillBeSent":
            visit.requests.append(params["request"]["url"])
        elif method == "Runtime.exceptionThrown":
            visit.console_errors.append(params["exceptionDetails"].get("text", "exception"))
        elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            values = (str(argument.get("value")) for argument in params.get("args", []))
            visit.console_errors.append(" ".join(values))
        elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
            visit.console_errors.append(params["entry"].get("text", ""))
    return visit
