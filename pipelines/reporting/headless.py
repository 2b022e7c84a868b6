"""Drive the system's headless Chromium over the DevTools protocol (review-page tests, README screenshot).

No browser download: it uses Debian's ``chromium`` (``/usr/bin/chromium``) and the
``websocket-client`` package (a dev dependency). Chromium starts with the flags that keep it off
the network (no background networking, component updates or first-run checks) and a throwaway
profile; the DevTools port is read from ``DevToolsActivePort`` in that profile.
"""

from __future__ import annotations

import base64
import itertools
import json
import shutil
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

CHROMIUM_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic",
    "--disable-default-apps", "--disable-extensions", "--mute-audio", "--hide-scrollbars",
)


def find_chromium() -> str | None:
    """Path of a Chromium executable on this machine, or None."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


class Browser:
    """One headless Chromium process and a DevTools session on its first page. Use as a context manager."""

    def __init__(self, executable: str | None = None, width: int = 1400, height: int = 900,
                 startup_seconds: float = 60.0) -> None:
        self.executable = executable or find_chromium()
        if not self.executable:
            raise FileNotFoundError("no chromium on this machine (apt-get install chromium)")
        self.width, self.height, self.startup_seconds = width, height, startup_seconds
        self._ids = itertools.count(1)
        self._profile: tempfile.TemporaryDirectory | None = None
        self._proc: subprocess.Popen | None = None
        self._ws = None

    def __enter__(self) -> Browser:
        import websocket  # dev dependency: websocket-client

        self._profile = tempfile.TemporaryDirectory(prefix="govreport-chromium-")
        profile = Path(self._profile.name)
        self._proc = subprocess.Popen(
            [self.executable, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--remote-debugging-port=0",
             f"--window-size={self.width},{self.height}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + self.startup_seconds
        while not (port_file.exists() and port_file.read_text().strip()):
            if self._proc.poll() is not None or time.monotonic() > deadline:
                self.__exit__(None, None, None)
                raise RuntimeError("chromium did not start its DevTools endpoint")
            time.sleep(0.05)
        port = int(port_file.read_text().split()[0])
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list") as response:  # loopback only
            pages = [t for t in json.load(response) if t.get("type") == "page"]
        self._ws = websocket.create_connection(pages[0]["webSocketDebuggerUrl"], suppress_origin=True)
        self.send("Page.enable")
        self.send("Runtime.enable")
        self.send("Emulation.setDeviceMetricsOverride",
                  width=self.width, height=self.height, deviceScaleFactor=1, mobile=False)
        return self

    def __exit__(self, *exc) -> None:
        if self._ws is not None:
            self._ws.close()
            self._ws = None
        if self._proc is not None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
            self._proc = None
        if self._profile is not None:
            self._profile.cleanup()
            self._profile = None

    def send(self, method: str, **params) -> dict:
        """Call one DevTools method and return its result (events in between are skipped)."""
        message_id = next(self._ids)
        self._ws.send(json.dumps({"id": message_id, "method": method, "params": params}))
        while True:
            message = json.loads(self._ws.recv())
            if message.get("id") == message_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    def evaluate(self, expression: str) -> Any:
        """Evaluate JavaScript in the page and return its value (JSON-serialisable results)."""
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"JavaScript error: {result['exceptionDetails']}")
        return result["result"].get("value")

    def open(self, path: Path) -> None:
        """Load a local file and wait until the document is complete."""
        self.send("Page.navigate", url=Path(path).resolve().as_uri())
        deadline = time.monotonic() + self.startup_seconds
        while self.evaluate("document.readyState") != "complete":
            if time.monotonic() > deadline:
                raise RuntimeError(f"{path} did not finish loading")
            time.sleep(0.05)

    def click(self, selector: str) -> None:
        """Scroll the element into view and click the centre of its first box (line) with real mouse events."""
        box = self.evaluate(
            f"(function(){{var e=document.querySelector({json.dumps(selector)});"
            "if(!e){return null;} e.scrollIntoView({block:'center'});"
            "var r=e.getClientRects()[0]; return [r.left + r.width/2, r.top + r.height/2];})()"
        )
        if box is None:
            raise LookupError(f"no element matches {selector}")
        x, y = box
        for event in ("mouseMoved", "mousePressed", "mouseReleased"):
            self.send("Input.dispatchMouseEvent", type=event, x=x, y=y, button="left", clickCount=1)

    def press(self, selector: str, key: str = "Enter") -> None:
        """Focus the element and press a key (Enter or a printable key) with real key events."""
        self.evaluate(f"document.querySelector({json.dumps(selector)}).focus()")
        codes = {"Enter": ("Enter", 13, "\r")}
        code, key_code, text = codes.get(key, (key, ord(key.upper()[0]), key))
        self.send("Input.dispatchKeyEvent", type="keyDown", key=key, code=code, windowsVirtualKeyCode=key_code,
                  text=text)
        self.send("Input.dispatchKeyEvent", type="keyUp", key=key, code=code, windowsVirtualKeyCode=key_code)

    def screenshot(self, out: Path) -> Path:
        """Save a PNG of the viewport."""
        data = self.send("Page.captureScreenshot", format="png")["data"]
        out = Path(out)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(base64.b64decode(data))
        return out
