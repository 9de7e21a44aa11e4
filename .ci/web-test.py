#!/usr/bin/env python3
"""Browser test of the web build.

Serves the built folder (see .ci/web-build.sh) on localhost, opens it in headless
Chromium, waits for the app's first frames (the app marks them on its canvas as
`data-frames`), checks the page title names the embedded England snapshot, takes a
screenshot, then drops assets/examples/tiny.ron on the page and checks that it opens
(a second screenshot, `-dropped.png`), then reloads the page and checks that the UI
state was kept in local storage. Fails on any console error, uncaught exception,
failed request or eframe error (eframe logs its errors as console warnings starting
with "ERROR").

    python3 .ci/web-test.py [--dist target/web] [--out /tmp/ccg-explorer-web.png]

Only the Python standard library is used: the DevTools protocol is spoken over a small
WebSocket client below. Chromium is Debian's `chromium` package.
"""

import argparse
import base64
import functools
import http.server
import json
import os
import re
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request


class WebSocket:
    """Just enough of RFC 6455 for the DevTools protocol (a client, text frames)."""

    def __init__(self, url, timeout=30):
        m = re.match(r"ws://([^:/]+):(\d+)(/.*)", url)
        if not m:
            raise ValueError(f"not a ws:// URL: {url}")
        host, port, path = m.group(1), int(m.group(2)), m.group(3)
        self.sock = socket.create_connection((host, port), timeout=timeout)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall(
            (
                f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
                f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                "Sec-WebSocket-Version: 13\r\n\r\n"
            ).encode()
        )
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(1)
            if not chunk:
                raise ConnectionError("the browser closed the connection")
            head += chunk
        if b" 101 " not in head.split(b"\r\n", 1)[0]:
            raise ConnectionError(f"no WebSocket upgrade: {head!r}")

    def _read(self, n):
        buf = b""
        while len(buf) < n:
            chunk = self.sock.recv(n - len(buf))
            if not chunk:
                raise ConnectionError("the browser closed the connection")
            buf += chunk
        return buf

    def send(self, text):
        data = text.encode()
        head = bytes([0x81])
        n = len(data)
        if n < 126:
            head += bytes([0x80 | n])
        elif n < 1 << 16:
            head += bytes([0x80 | 126]) + struct.pack(">H", n)
        else:
            head += bytes([0x80 | 127]) + struct.pack(">Q", n)
        mask = os.urandom(4)
        body = bytes(b ^ mask[i % 4] for i, b in enumerate(data))
        self.sock.sendall(head + mask + body)

    def recv(self):
        message = b""
        while True:
            b0, b1 = self._read(2)
            opcode, n = b0 & 0x0F, b1 & 0x7F
            if n == 126:
                n = struct.unpack(">H", self._read(2))[0]
            elif n == 127:
                n = struct.unpack(">Q", self._read(8))[0]
            mask = self._read(4) if b1 & 0x80 else None
            payload = self._read(n)
            if mask:
                payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
            if opcode == 0x8:
                raise ConnectionError("the browser closed the connection")
            if opcode == 0x9:  # ping
                continue
            message += payload
            if b0 & 0x80:
                return message.decode()


class DevTools:
    """Commands and events of one page."""

    def __init__(self, ws_url):
        self.ws = WebSocket(ws_url)
        self.next_id = 0
        self.events = []

    def call(self, method, **params):
        self.next_id += 1
        me = self.next_id
        self.ws.send(json.dumps({"id": me, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == me:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})
            if "method" in msg:
                self.events.append(msg)

    def evaluate(self, expression):
        r = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        return r.get("result", {}).get("value")


def first_frame_ms(dt):
    """The page's mark of its first frame: ms from the start of the page load to the
    first frame painted (`performance.now()` when the second frame is drawn), or None."""
    v = dt.evaluate(
        "document.getElementById('ccg-explorer')?.getAttribute('data-first-frame-ms')"
    )
    try:
        return float(v) if v is not None else None
    except ValueError:
        return None


def problems_in(events):
    """Console errors, exceptions, failed loads and eframe's logged errors."""
    found = []
    for e in events:
        method, p = e["method"], e.get("params", {})
        if method == "Runtime.exceptionThrown":
            d = p.get("exceptionDetails", {})
            found.append(f"exception: {d.get('exception', {}).get('description') or d.get('text')}")
        elif method == "Runtime.consoleAPICalled":
            text = " ".join(
                str(a.get("value", a.get("description", ""))) for a in p.get("args", [])
            )
            if p.get("type") in ("error", "assert") or (
                p.get("type") == "warning" and (text.startswith("ERROR") or "panicked" in text)
            ):
                found.append(f"console.{p.get('type')}: {text}")
        elif method == "Log.entryAdded":
            entry = p.get("entry", {})
            if entry.get("level") == "error":
                found.append(f"log ({entry.get('source')}): {entry.get('text')} {entry.get('url', '')}")
    return found


def serve(folder):
    """Serves `folder` on a free localhost port (with the wasm MIME type); returns the port."""
    handler = functools.partial(Quiet, directory=folder)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


class Quiet(http.server.SimpleHTTPRequestHandler):
    extensions_map = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".wasm": "application/wasm",
        ".js": "text/javascript",
    }

    def log_message(self, *args):
        pass


def chromium_binary():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dist", default="target/web", help="the built web folder")
    ap.add_argument("--out", default="/tmp/ccg-explorer-web.png", help="the screenshot")
    ap.add_argument("--size", default="1440,900", help="the window size, W,H")
    ap.add_argument("--timeout", type=float, default=90, help="seconds to wait for frames")
    ap.add_argument("--loads", type=int, default=5, help="page loads timed to the first frame")
    args = ap.parse_args()

    if not os.path.exists(os.path.join(args.dist, "index.html")):
        print(f"web-test: no build in {args.dist}: run .ci/web-build.sh first", file=sys.stderr)
        return 2
    chromium = chromium_binary()
    if not chromium:
        print("web-test: chromium is not installed (apt-get install chromium)", file=sys.stderr)
        return 2

    server = serve(args.dist)
    port = server.server_address[1]
    profile = tempfile.mkdtemp(prefix="ccg-web-test-")
    browser = subprocess.Popen(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            # WebGL from the CPU (SwiftShader): there is no GPU in CI.
            "--use-angle=swiftshader",
            "--enable-unsafe-swiftshader",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-default-apps",
            "--disable-extensions",
            "--disable-sync",
            "--no-first-run",
            "--no-default-browser-check",
            "--metrics-recording-only",
            "--hide-scrollbars",
            "--remote-debugging-address=127.0.0.1",
            "--remote-debugging-port=0",
            f"--user-data-dir={profile}",
            f"--window-size={args.size}",
            "about:blank",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    failures = []
    try:
        # Chromium prints "DevTools listening on ws://127.0.0.1:PORT/devtools/browser/...".
        devtools_port = None
        deadline = time.time() + 30
        while time.time() < deadline and devtools_port is None:
            line = browser.stderr.readline()
            if not line and browser.poll() is not None:
                break
            m = re.search(r"DevTools listening on ws://[^:]+:(\d+)/", line)
            if m:
                devtools_port = int(m.group(1))
        if devtools_port is None:
            print("web-test: chromium did not start its DevTools endpoint", file=sys.stderr)
            return 2
        # Keep reading Chromium's stderr so that it never blocks on a full pipe.
        threading.Thread(target=lambda: [None for _ in browser.stderr], daemon=True).start()

        with urllib.request.urlopen(f"http://127.0.0.1:{devtools_port}/json/list") as r:
            pages = [t for t in json.load(r) if t.get("type") == "page"]
        dt = DevTools(pages[0]["webSocketDebuggerUrl"])
        dt.call("Runtime.enable")
        dt.call("Log.enable")
        dt.call("Page.enable")
        width, height = (int(x) for x in args.size.split(","))
        dt.call(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=False,
        )
        url = f"http://127.0.0.1:{port}/index.html"
        print(f"web-test: opening {url}")
        started = time.time()
        dt.call("Page.navigate", url=url)

        frames = 0
        while time.time() - started < args.timeout:
            frames = int(
                dt.evaluate(
                    "Number(document.getElementById('ccg-explorer')"
                    "?.getAttribute('data-frames') || 0)"
                )
                or 0
            )
            if frames >= 3 or problems_in(dt.events):
                break
            time.sleep(0.25)
        print(f"web-test: {frames} frame(s) after {time.time() - started:.1f} s")
        first_ms = first_frame_ms(dt)
        if first_ms is None:
            failures.append("the page did not mark its first frame's time (data-first-frame-ms)")
        else:
            print(f"web-test: first frame painted {first_ms:.0f} ms after the page began to load")
        if frames < 3:
            failures.append(f"the app drew {frames} frame(s) in {args.timeout:.0f} s")
        # Let the last frame reach the screen before the picture.
        time.sleep(1.0)

        title = dt.evaluate("document.title") or ""
        print(f"web-test: title: {title}")
        if "england.ron (embedded)" not in title:
            failures.append(f"the title does not name the embedded England snapshot: {title!r}")
        if dt.evaluate("document.getElementById('status') !== null"):
            status = dt.evaluate("document.getElementById('status').textContent")
            failures.append(f"the loading message is still there: {status.strip()!r}")

        shot = dt.call("Page.captureScreenshot", format="png")
        with open(args.out, "wb") as f:
            f.write(base64.b64decode(shot["data"]))
        print(f"web-test: screenshot {args.out}")

        # Drop a snapshot on the page, as a person would drag one from their files: it
        # arrives as bytes, loads at once, and the title names it.
        tiny = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "assets", "examples", "tiny.ron")
        with open(tiny, encoding="utf-8") as f:
            text = f.read()
        dt.evaluate(
            "(() => { const d = new DataTransfer();"
            f" d.items.add(new File([{json.dumps(text)}], 'tiny.ron'));"
            " document.getElementById('ccg-explorer').dispatchEvent("
            "new DragEvent('drop', { dataTransfer: d, bubbles: true, cancelable: true })); })()"
        )
        deadline = time.time() + 30
        while time.time() < deadline and "tiny.ron" not in (dt.evaluate("document.title") or ""):
            time.sleep(0.25)
        title = dt.evaluate("document.title") or ""
        print(f"web-test: after dropping tiny.ron, title: {title}")
        if "Tiny example" not in title:
            failures.append(f"the dropped snapshot did not open: title {title!r}")
        time.sleep(0.5)
        dropped = re.sub(r"(\.png)?$", "-dropped.png", args.out, count=1)
        shot = dt.call("Page.captureScreenshot", format="png")
        with open(dropped, "wb") as f:
            f.write(base64.b64decode(shot["data"]))
        print(f"web-test: screenshot {dropped}")

        # Reload: the UI state was kept in local storage (eframe persistence), with
        # tiny.ron among the recent files; the embedded record opens again at once.
        dt.call("Page.reload")
        deadline = time.time() + args.timeout
        time.sleep(0.5)
        while time.time() < deadline and "england.ron" not in (dt.evaluate("document.title") or ""):
            time.sleep(0.25)
        saved = dt.evaluate("localStorage.getItem('app')") or ""
        title = dt.evaluate("document.title") or ""
        print(f"web-test: after reloading, title: {title}; saved state: {len(saved)} bytes")
        if "tiny.ron" not in saved:
            failures.append("the UI state in local storage does not list tiny.ron as recent")
        if "england.ron (embedded)" not in title:
            failures.append(f"after reloading, the title is {title!r}")

        # Time to the first frame, over more page loads (the page as a returning visitor
        # loads it: files from the browser's cache, the UI state from local storage).
        times = []
        for _ in range(args.loads):
            # The mark of the page before is removed first, so that it is never read.
            dt.evaluate(
                "document.getElementById('ccg-explorer')?.removeAttribute('data-first-frame-ms')"
            )
            dt.call("Page.navigate", url=url)
            deadline = time.time() + args.timeout
            ms = None
            time.sleep(0.2)
            while time.time() < deadline and ms is None:
                ms = first_frame_ms(dt)
                time.sleep(0.1)
            if ms is not None:
                times.append(ms)
        if times:
            times.sort()
            listed = ", ".join(f"{t:.0f}" for t in times)
            print(
                f"web-test: first frame: median {times[len(times) // 2]:.0f} ms over "
                f"{len(times)} page loads ({listed} ms)"
            )
        if len(times) < args.loads:
            failures.append(f"{args.loads - len(times)} page load(s) marked no first frame")

        failures += problems_in(dt.events)
    finally:
        browser.terminate()
        try:
            browser.wait(timeout=10)
        except subprocess.TimeoutExpired:
            browser.kill()
        server.shutdown()
        shutil.rmtree(profile, ignore_errors=True)

    for f in failures:
        print(f"web-test: FAIL: {f}")
    print(f"web-test: {0 if failures else 1} passed, {1 if failures else 0} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
