"""Headless Chromium driven through the DevTools protocol, and a quiet static server: what the
page's test (tests/test_web.py) and its benchmark (tools/web/bench-web.py) share. Python's own
library only."""
import base64
import fcntl
import functools
import http.server
import json
import os
import subprocess
import threading
import time


class Browser:
    """Headless Chromium, spoken to with the DevTools protocol over --remote-debugging-pipe:
    JSON messages ending in a NUL byte, written to its fd 3 and read from its fd 4."""

    def __init__(self, profile):
        to_child_r, self.to_child = os.pipe()
        self.from_child, from_child_w = os.pipe()
        # The flags this machine needs: no sandbox as root, and none of Chromium's own traffic.
        flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-extensions", "--allow-file-access-from-files",
                 "--remote-debugging-pipe", "--user-data-dir=" + profile,
                 "--window-size=1200,2400", "about:blank"]
        # The child sees the pipe ends as fds 3 and 4. They are first copied above 9: a pipe end
        # that already is fd 3 or 4 (as in a process with nothing else open) would otherwise stay
        # marked close-on-exec, dup2 onto itself being a no-op, and the browser would not get it.
        def fds():
            r = fcntl.fcntl(to_child_r, fcntl.F_DUPFD, 10)
            w = fcntl.fcntl(from_child_w, fcntl.F_DUPFD, 10)
            os.dup2(r, 3)
            os.dup2(w, 4)
        self.proc = subprocess.Popen(["chromium"] + flags, preexec_fn=fds,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                     close_fds=False)
        os.close(to_child_r)
        os.close(from_child_w)
        self.buffer = b""
        self.next_id = 0
        self.events = []
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = self.call("Target.attachToTarget",
                                 {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime"):
            self.call(domain + ".enable", session=True)

    def _read_message(self, deadline):
        while b"\0" not in self.buffer:
            if time.time() > deadline:
                raise TimeoutError("chromium did not answer")
            chunk = os.read(self.from_child, 1 << 16)
            if not chunk:
                raise EOFError("chromium closed its pipe")
            self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)

    def call(self, method, params=None, session=False, timeout=60):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = self.session
        os.write(self.to_child, json.dumps(msg).encode() + b"\0")
        deadline = time.time() + timeout
        while True:
            reply = self._read_message(deadline)
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(method + ": " + json.dumps(reply["error"]))
                return reply.get("result", {})
            self.events.append(reply)

    def evaluate(self, expression):
        r = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True},
                      session=True)
        if "exceptionDetails" in r:
            raise RuntimeError(expression + ": " + json.dumps(r["exceptionDetails"])[:300])
        return r["result"].get("value")

    def evaluate_async(self, expression, timeout=600):
        """The value of a promise `expression` resolves to."""
        r = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True,
                                           "awaitPromise": True}, session=True, timeout=timeout)
        if "exceptionDetails" in r:
            raise RuntimeError(expression + ": " + json.dumps(r["exceptionDetails"])[:300])
        return r["result"].get("value")

    def console_errors(self):
        errors = []
        for e in self.events:
            if e.get("method") == "Runtime.exceptionThrown":
                errors.append(e["params"]["exceptionDetails"].get("text", "exception"))
            if e.get("method") == "Runtime.consoleAPICalled" and e["params"]["type"] == "error":
                errors.append(" ".join(str(a.get("value")) for a in e["params"]["args"]))
        return errors

    def set_viewport(self, width, height, scale=1, mobile=False):
        """The window's size in CSS pixels, its device pixel ratio, and whether it is a phone."""
        self.call("Emulation.setDeviceMetricsOverride",
                  {"width": width, "height": height, "deviceScaleFactor": scale,
                   "mobile": mobile}, session=True)
        self.settle()

    def settle(self):
        """Returns once the page has drawn twice since now: its resize handlers have run and
        their drawing is on screen (at most half a second, should frames not come)."""
        self.evaluate_async("new Promise((done) => { setTimeout(done, 500); "
                            "requestAnimationFrame(() => requestAnimationFrame(done)); })",
                            timeout=10)

    def screenshot(self, path, width=1200, whole_page=True):
        """A PNG of the page: the whole of it at `width` (whole_page), or what the window shows."""
        if whole_page:
            self.set_viewport(width, 800)
            height = self.evaluate("document.documentElement.scrollHeight")
            self.set_viewport(width, int(height))
        data = self.call("Page.captureScreenshot", {"format": "png"}, session=True)["data"]
        with open(path, "wb") as f:
            f.write(base64.b64decode(data))

    def close(self):
        try:
            self.call("Browser.close", timeout=10)
        except Exception:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def serve(folder):
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass
    handler = functools.partial(Quiet, directory=folder)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
