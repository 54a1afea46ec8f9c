"""A minimal W3C WebDriver client (urllib only) for tauri-driver + WebKitWebDriver."""
import base64
import http.client
import json
import time
import urllib.error
import urllib.request

ELEMENT = "element-6066-11e4-a52e-4f735466cecf"
CONTROL = "\ue009"
ESCAPE = "\ue00c"


class Session:
    def __init__(self, port, application, args=()):
        self.base = f"http://127.0.0.1:{port}"
        options = {"application": application, "args": list(args)}
        caps = {"capabilities": {"alwaysMatch": {"browserName": "wry", "tauri:options": options}}}
        self.id = self._call("POST", "/session", caps)["sessionId"]

    def _call(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        # tauri-driver forwards each command over a pooled connection to WebKitWebDriver; when
        # WebKitWebDriver has closed that connection, tauri-driver drops our request unsent
        # ("client error (SendRequest)") and closes ours. Such a request never reached the
        # browser, so sending it again is safe.
        for attempt in range(3):
            req = urllib.request.Request(self.base + path, data=data, method=method, headers={"content-type": "application/json"})
            try:
                with urllib.request.urlopen(req, timeout=60) as r:
                    return json.loads(r.read() or b"{}").get("value", {})
            except urllib.error.HTTPError as e:
                # WebDriver's own reason ("stale element reference", "element click intercepted")
                # is in the body: said in the failure, not only the status.
                detail = e.read()[:2000].decode("utf-8", "replace")
                raise AssertionError(f"{method} {path}: HTTP {e.code}: {detail}") from None
            except (http.client.RemoteDisconnected, ConnectionResetError):
                if attempt == 2:
                    raise
                time.sleep(0.2)

    def cmd(self, method, path, body=None):
        return self._call(method, f"/session/{self.id}{path}", body)

    def find_all(self, css):
        return [e[ELEMENT] for e in self.cmd("POST", "/elements", {"using": "css selector", "value": css})]

    def find(self, css, timeout=20):
        deadline = time.monotonic() + timeout
        while True:
            found = self.find_all(css)
            if found:
                return found[0]
            if time.monotonic() > deadline:
                raise AssertionError(f"no element {css!r} within {timeout} s")
            time.sleep(0.1)

    def click(self, el):
        self.cmd("POST", f"/element/{el}/click", {})

    def type(self, el, text):
        self.cmd("POST", f"/element/{el}/value", {"text": text})

    def clear(self, el):
        self.cmd("POST", f"/element/{el}/clear", {})

    def keys(self, *chord):
        """Presses the keys of `chord` in order and releases them in reverse (e.g. CONTROL, ",")."""
        down = [{"type": "keyDown", "value": k} for k in chord]
        up = [{"type": "keyUp", "value": k} for k in reversed(chord)]
        self.cmd("POST", "/actions", {"actions": [{"type": "key", "id": "keyboard", "actions": down + up}]})
        self.cmd("DELETE", "/actions")

    def _on_fresh(self, css, action):
        """`action` on the element `css` finds, found again when the page redrew it between the
        find and the action (WebDriver: "stale element reference"; the action did not happen)."""
        for attempt in range(5):
            try:
                return action(self.find(css))
            except AssertionError as e:
                if "stale element" not in str(e) or attempt == 4:
                    raise

    def hover_css(self, css):
        """Moves the pointer to the middle of the element `css` finds."""
        return self._on_fresh(css, self.hover)

    def click_css(self, css):
        """Clicks the element `css` finds: a list the page draws again (the settings' backends,
        redrawn when the tab opens) may replace it between the find and the click."""
        return self._on_fresh(css, self.click)

    def hover(self, el):
        """Moves the pointer to the middle of `el`."""
        move = {"type": "pointerMove", "duration": 0, "origin": {ELEMENT: el}, "x": 0, "y": 0}
        self.cmd("POST", "/actions", {"actions": [{"type": "pointer", "id": "mouse", "parameters": {"pointerType": "mouse"}, "actions": [move]}]})

    def text(self, el):
        return self.cmd("GET", f"/element/{el}/text")

    def attr(self, el, name):
        """The element's attribute as written (None when it has none)."""
        return self.cmd("GET", f"/element/{el}/attribute/{name}")

    def js(self, script, *args):
        return self.cmd("POST", "/execute/sync", {"script": script, "args": list(args)})

    def screenshot(self, path):
        with open(path, "wb") as f:
            f.write(base64.b64decode(self.cmd("GET", "/screenshot")))

    def close(self):
        try:
            self.cmd("DELETE", "")
        except Exception:
            pass
