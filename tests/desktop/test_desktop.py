"""End-to-end: the real desktop app under Xvfb on a private D-Bus session, against real
llama-servers. The tray is read over D-Bus by a StatusNotifierWatcher the test owns
(sni_watcher.py), notifications by python3-dbusmock's notification daemon.

Run by scripts/test-desktop.sh (which builds the app and sets SWITCHBOARD_DESKTOP_BIN).
Waits poll for a condition with a deadline.
"""
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

import dbus
import dbus.bus
import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
BACKENDS = os.path.join(ROOT, "scripts", "backends.sh")
IDLE, NORMAL, BUSY, VERY_BUSY, DOWN = "#009E73", "#F0E442", "#E69F00", "#D55E00", "#8C8C8C"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(what, cond, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = cond()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"{what}: not within {timeout} s")


def free_display():
    for n in range(90, 140):
        if not os.path.exists(f"/tmp/.X{n}-lock") and not os.path.exists(f"/tmp/.X11-unix/X{n}"):
            return n
    raise RuntimeError("no free X display")


class Desktop:
    """Xvfb, a private session bus, the notification mock, the tray watcher, two servers, the app."""

    def __init__(self, fake_classifier=False, launch=True, prefix="e2e"):
        """`prefix` names the backends ("e2e-small", "e2e-big"): their pid files live in the shared
        cache, so a run with another prefix (the footprint benchmark) does not stop this one's."""
        self.tmp = tempfile.mkdtemp(prefix=f"sb-{prefix}-")
        self.procs = []
        self.backends = []
        self.app = None
        try:
            self._start(fake_classifier, launch, prefix)
        except BaseException:
            self.close()  # whatever did start must not outlive a failed setup
            raise

    def _start(self, fake_classifier, launch, prefix):
        self.env = dict(os.environ)
        runtime = os.path.join(self.tmp, "runtime")
        os.makedirs(runtime, mode=0o700)
        for k, sub in [("XDG_RUNTIME_DIR", "runtime"), ("XDG_CONFIG_HOME", "config"), ("XDG_DATA_HOME", "data")]:
            self.env[k] = os.path.join(self.tmp, sub)
            os.makedirs(self.env[k], exist_ok=True)
        display = free_display()
        self.spawn(["Xvfb", f":{display}", "-screen", "0", "1280x800x24", "-nolisten", "tcp"])
        self.env["DISPLAY"] = f":{display}"
        wait_for("Xvfb", lambda: os.path.exists(f"/tmp/.X11-unix/X{display}"), 10)
        bus = subprocess.Popen(["dbus-daemon", "--session", "--print-address=1", "--nofork"], stdout=subprocess.PIPE, text=True)
        self.procs.append(bus)
        self.env["DBUS_SESSION_BUS_ADDRESS"] = bus.stdout.readline().strip()
        # A private connection to this run's bus (dbus.SessionBus() is a process-wide singleton).
        self.bus = dbus.bus.BusConnection(self.env["DBUS_SESSION_BUS_ADDRESS"])
        self.notify_log = os.path.join(self.tmp, "notify.log")
        self.spawn([sys.executable, "-m", "dbusmock", "--session", "--template", "notification_daemon", "-l", self.notify_log])
        wait_for("notification daemon", lambda: self.bus.name_has_owner("org.freedesktop.Notifications"), 15)
        self.tray_log = os.path.join(self.tmp, "tray.log")
        self.watcher = self.spawn([sys.executable, os.path.join(HERE, "sni_watcher.py"), self.tray_log])
        wait_for("tray watcher", lambda: os.path.exists(self.tray_log + ".ready"), 15)
        small, big = f"{prefix}-small", f"{prefix}-big"
        self.ports = {small: free_port(), big: free_port()}
        if fake_classifier:
            self.spawn([sys.executable, os.path.join(HERE, "fake_classifier.py"), str(self.ports[small])])
            wanted = [big]
        else:
            wanted = list(self.ports)
        for name in wanted:
            self.backends.append(name)  # before it starts: close() stops a half-started one too
            self.start_backend(name)
        config = os.path.join(self.tmp, "config.toml")
        with open(config, "w") as f:
            for name, role in [(small, "classifier"), (big, "reasoner")]:
                f.write(f'[[backend]]\nname = "{name}"\nrole = "{role}"\nurl = "http://127.0.0.1:{self.ports[name]}"\nmodel = "m"\n\n')
            f.write('[assistant]\nlanguage = "en"\n')
            if fake_classifier:
                # The fake decides (it is asked to choose): nothing decides before it.
                f.write('lean_to_reasoner = false\nnearest_examples = false\n')
        self.env["SWITCHBOARD_CONFIG"] = config
        self.env["LANG"] = "C.UTF-8"
        if launch:
            self.app = self.spawn([os.environ["SWITCHBOARD_DESKTOP_BIN"]], log=os.path.join(self.tmp, "app.log"))

    def spawn(self, cmd, log=None):
        out = open(log, "w") if log else subprocess.DEVNULL
        p = subprocess.Popen(cmd, env=self.env, stdout=out, stderr=out if log else subprocess.DEVNULL)
        self.procs.append(p)
        return p

    def start_backend(self, name):
        subprocess.run([BACKENDS, "start", name, str(self.ports[name])], check=True, env=self.env)

    def kill9(self, name):
        run = os.path.join(os.environ.get("SWITCHBOARD_CACHE", os.path.expanduser("~/.cache/switchboard")), "run")
        with open(os.path.join(run, f"{name}.pid")) as f:
            os.kill(int(f.read().strip()), signal.SIGKILL)

    def menu_labels(self):
        """The labels of the tray menu as the desktop reads it (com.canonical.dbusmenu)."""
        with open(self.tray_log) as f:
            first = json.loads(f.readline())
        item = self.bus.get_object(first["item"], first["path"])
        menu_path = dbus.Interface(item, "org.freedesktop.DBus.Properties").Get("org.kde.StatusNotifierItem", "Menu")
        menu = dbus.Interface(self.bus.get_object(first["item"], menu_path), "com.canonical.dbusmenu")
        _, layout = menu.GetLayout(0, -1, ["label"])
        labels = []

        def walk(node):
            _, props, children = node
            if "label" in props:
                labels.append(str(props["label"]))
            for c in children:
                walk(c)

        walk(layout)
        return labels

    def colours(self):
        if not os.path.exists(self.tray_log):
            return []
        with open(self.tray_log) as f:
            return [json.loads(l).get("colour") for l in f if l.strip()]

    def last_colour(self):
        c = self.colours()
        return c[-1] if c else None

    def notifications(self):
        if not os.path.exists(self.notify_log):
            return []
        with open(self.notify_log) as f:
            return [l.strip() for l in f if " Notify " in l or l.startswith("Notify")]

    def close(self):
        if self.app is not None:
            self.app.terminate()
            try:
                self.app.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.app.kill()
        for name in self.backends:
            subprocess.run([BACKENDS, "stop", name], env=self.env)
        for p in reversed(self.procs):
            p.terminate()
        for p in reversed(self.procs):
            try:
                p.wait(timeout=5)
            except subprocess.TimeoutExpired:
                p.kill()


@pytest.fixture(scope="module")
def desktop():
    d = Desktop()
    yield d
    d.close()


def generate(port, tokens):
    body = json.dumps({"messages": [{"role": "user", "content": "Tell me a long story."}], "max_tokens": tokens, "ignore_eos": True}).encode()
    req = urllib.request.Request(f"http://127.0.0.1:{port}/v1/chat/completions", body, {"content-type": "application/json"})
    try:
        urllib.request.urlopen(req, timeout=120).read()
    except Exception:
        pass  # the server may be killed mid-answer by the test


def test_tray_colour_follows_load_and_failure_and_notifications_say_so(desktop):
    wait_for("the tray registers, idle green", lambda: IDLE in desktop.colours(), 30)

    # Load on the reasoner (-np 1): four 400-token generations queue up.
    load = [threading.Thread(target=generate, args=(desktop.ports["e2e-big"], 400)) for _ in range(4)]
    for t in load:
        t.start()
    wait_for("busy or very busy", lambda: {BUSY, VERY_BUSY} & set(desktop.colours()), 30)
    for t in load:
        t.join()
    wait_for("idle again after the load", lambda: desktop.last_colour() == IDLE, 30)

    # The reasoner dies: grey, and one notification naming it.
    desktop.kill9("e2e-big")
    wait_for("grey after kill -9", lambda: desktop.last_colour() == DOWN, 15)
    wait_for("a DOWN notification", lambda: any("e2e-big is down" in n for n in desktop.notifications()), 10)

    # It comes back: green, and (after the 10 s hold) one "back up".
    desktop.start_backend("e2e-big")
    wait_for("green after restart", lambda: desktop.last_colour() == IDLE, 15)
    wait_for("a back-up notification", lambda: any("e2e-big is back up" in n for n in desktop.notifications()), 20)

    colours = desktop.colours()
    first = {c: colours.index(c) for c in [IDLE, DOWN] if c in colours}
    loaded = min(colours.index(c) for c in [BUSY, VERY_BUSY] if c in colours)
    assert first[IDLE] < loaded < colours.index(DOWN), colours
    notes = desktop.notifications()
    assert len(notes) == 2, notes
    assert not any("e2e-small" in n for n in notes), notes


def test_a_backend_flapping_for_a_minute_yields_at_most_three_notifications(desktop):
    before = len(desktop.notifications())
    wait_for("idle before flapping", lambda: desktop.last_colour() == IDLE, 30)
    end = time.monotonic() + 60
    cycles = 0
    while time.monotonic() < end:
        desktop.kill9("e2e-big")
        wait_for("down", lambda: desktop.last_colour() == DOWN, 15)
        desktop.start_backend("e2e-big")
        wait_for("up", lambda: desktop.last_colour() == IDLE, 15)
        cycles += 1
    assert cycles >= 5, cycles
    # It stays up now: the flapping episode settles (60 s) and closes with "back up".
    wait_for("the episode closes", lambda: any("e2e-big is back up" in n for n in desktop.notifications()[before:]), 90)
    time.sleep(3)  # nothing further may arrive
    during = desktop.notifications()[before:]
    assert len(during) <= 3, during
    assert any("flapping" in n for n in during), during
    assert "back up" in during[-1], during


def test_the_icon_is_back_at_once_when_the_panel_starts_after_the_app_or_restarts():
    """The desktop's tray host (its panel's StatusNotifierWatcher) goes away while the app runs,
    and starts again twice, as a panel that starts after the app at login or restarts does: each
    time the icon is shown again within 5 s, readable, with its menu answering. (ksni's own
    re-registration held the item while the host, like this test's, read the icon before
    answering: the icon came back after D-Bus's 25 s timeout, unreadable.)"""
    d = Desktop(prefix="panel")
    try:
        wait_for("the tray registers, idle green", lambda: IDLE in d.colours(), 30)
        for again in range(2):
            d.watcher.terminate()
            d.watcher.wait(5)
            wait_for("the panel gone", lambda: not d.bus.name_has_owner("org.kde.StatusNotifierWatcher"), 5)
            d.tray_log = os.path.join(d.tmp, f"tray-{again}.log")
            d.watcher = d.spawn([sys.executable, os.path.join(HERE, "sni_watcher.py"), d.tray_log])
            wait_for("the icon shown again, readable", lambda: IDLE in d.colours(), 5)
            assert "Quit" in d.menu_labels(), d.menu_labels()
        assert d.app.poll() is None, "the app keeps running"
    finally:
        d.close()


def test_first_run_writes_a_config_for_the_server_it_finds():
    """No config file: the app looks at the usual ports (here: a closed one and the port of a
    real llama-server, through SWITCHBOARD_DISCOVER_PORTS), writes a config for what answers,
    and the tray goes green."""
    d = Desktop(launch=False, prefix="first")
    try:
        del d.env["SWITCHBOARD_CONFIG"]
        d.env["SWITCHBOARD_DISCOVER_PORTS"] = f"{free_port()},{d.ports['first-big']}"
        d.app = d.spawn([os.environ["SWITCHBOARD_DESKTOP_BIN"]], log=os.path.join(d.tmp, "app.log"))
        written = os.path.join(d.env["XDG_CONFIG_HOME"], "switchboard", "config.toml")
        wait_for("the config written", lambda: os.path.exists(written), 20)
        with open(written) as f:
            text = f.read()
        assert f'url = "http://127.0.0.1:{d.ports["first-big"]}"' in text, text
        assert 'kind = "llamacpp"' in text and 'role = "classifier"' in text and 'role = "reasoner"' in text, text
        wait_for("the tray registers, idle green", lambda: IDLE in d.colours(), 30)
        assert d.app.poll() is None, "the app keeps running"
    finally:
        d.close()


def test_two_backends_going_down_together_make_one_notification():
    """Flips that happen together are coalesced at the daemon: one "2 backends down" naming
    both; when both come back, each is named back up exactly once."""
    d = Desktop(prefix="two")
    try:
        wait_for("the tray registers, idle green", lambda: IDLE in d.colours(), 30)
        d.kill9("two-small")
        d.kill9("two-big")
        wait_for("grey after kill -9", lambda: d.last_colour() == DOWN, 15)
        wait_for("a DOWN notification", lambda: d.notifications(), 10)
        time.sleep(3)  # longer than the 2 s coalescing window: nothing further may arrive
        notes = d.notifications()
        assert len(notes) == 1, notes
        assert "2 backends down" in notes[0] and "two-small" in notes[0] and "two-big" in notes[0], notes
        d.start_backend("two-small")
        d.start_backend("two-big")
        back = lambda: [n for n in d.notifications()[1:] if "back up" in n]
        wait_for("both named back up", lambda: all(any(b in n for n in back()) for b in ("two-small", "two-big")), 40)
        time.sleep(3)  # nothing further may arrive
        later = d.notifications()[1:]
        assert all("back up" in n for n in later), later
        for b in ("two-small", "two-big"):
            assert sum(b in n for n in later) == 1, later
    finally:
        d.close()


def test_two_instances_started_together_give_one_engine():
    """Two `switchboard --hidden` started at the same moment, on a first run (discovery takes a
    while): one takes the instance lock and runs the engine; the other waits for it, says it is
    already running, and ends, leaving the first one's socket in place. One tray icon."""
    d = Desktop(launch=False, prefix="twin")
    try:
        del d.env["SWITCHBOARD_CONFIG"]
        d.env["SWITCHBOARD_DISCOVER_PORTS"] = f"{free_port()},{d.ports['twin-big']}"
        app = os.environ["SWITCHBOARD_DESKTOP_BIN"]
        logs = [os.path.join(d.tmp, f"app{i}.log") for i in range(2)]
        apps = [d.spawn([app, "--hidden"], log=log) for log in logs]
        gone = wait_for("one of the two ends", lambda: [p for p in apps if p.poll() is not None], 60)
        assert len(gone) == 1, "exactly one ends"
        assert gone[0].returncode == 0
        second = logs[apps.index(gone[0])]
        with open(second) as f:
            assert "already running" in f.read()
        first = next(p for p in apps if p is not gone[0])
        d.app = first
        socket_path = os.path.join(d.env["XDG_RUNTIME_DIR"], "switchboard.sock")
        wait_for("the tray registers, idle green", lambda: IDLE in d.colours(), 30)
        assert os.path.exists(socket_path), "the second instance left the first one's socket alone"
        assert first.poll() is None, "the first keeps running"
        with open(d.tray_log) as f:
            items = {json.loads(l).get("item") for l in f if l.strip()} - {None}
        assert len(items) == 1, f"one tray icon, not {items}"
        first.terminate()
        first.wait(timeout=15)
        assert not os.path.exists(socket_path), "the engine removes its own socket at exit"
        d.app = None
    finally:
        d.close()


def test_a_damaged_chat_history_is_moved_aside_and_the_app_starts():
    """A conversations.sqlite3 that is not a database: the app does not stop at start; the file
    is kept beside as it was (never deleted), a fresh store is made (0600 in a 0700 folder),
    and the user is told in a notification."""
    import glob
    import stat
    d = Desktop(launch=False, prefix="damaged")
    try:
        data = os.path.join(d.env["XDG_DATA_HOME"], "switchboard")
        os.makedirs(data, exist_ok=True)
        store = os.path.join(data, "conversations.sqlite3")
        garbage = b"not a database at all " * 500
        with open(store, "wb") as f:
            f.write(garbage)
        d.app = d.spawn([os.environ["SWITCHBOARD_DESKTOP_BIN"], "--hidden"], log=os.path.join(d.tmp, "app.log"))
        wait_for("the tray registers", lambda: d.colours(), 30)
        assert d.app.poll() is None, "the app keeps running"
        kept = glob.glob(store + ".damaged-*")
        assert len(kept) == 1, os.listdir(data)
        with open(kept[0], "rb") as f:
            assert f.read() == garbage, "the damaged file is kept as it was"
        told = wait_for("the user is told", lambda: [n for n in d.notifications() if "chat history" in n], 15)
        assert kept[0] in told[0], told
        assert stat.S_IMODE(os.stat(store).st_mode) == 0o600
        assert stat.S_IMODE(os.stat(data).st_mode) == 0o700
    finally:
        d.close()
