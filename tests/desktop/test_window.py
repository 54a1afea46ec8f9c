"""End-to-end: the window lives in a process of its own. The tray app (`switchboard`: core,
tray, notifications) never loads WebKit; the tray's "Open chat" starts `switchboard-window
chat`, closing the window ends that process and WebKit's with it, and the tray app stays. A
second `switchboard` shows the running one's window instead of starting another.
Real app under Xvfb on a private D-Bus session, real llama-servers; waits poll with deadlines."""
import json
import os
import subprocess
import tempfile

from footprint import ITEM_IFACE, X11, click_menu, name_of, tree
from test_desktop import IDLE, Desktop, wait_for

BIN = os.environ.get("SWITCHBOARD_DESKTOP_BIN", "")
WINDOW_BIN = os.environ.get("SWITCHBOARD_WINDOW_BIN", "")


def gone(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            return "zombie" in f.read()
    except OSError:
        return True


def window_processes(root):
    return [p for p in tree(root)[1:] if name_of(p) == "switchboard-window"]


def webkit_processes(root):
    return [p for p in tree(root)[1:] if name_of(p).startswith("WebKit")]


def test_the_window_opens_and_closes_in_a_process_of_its_own():
    d = Desktop(launch=False, prefix="win")
    try:
        d.app = d.spawn([BIN, "--hidden"], log=os.path.join(d.tmp, "app.log"))
        wait_for("the tray registers, idle green", lambda: IDLE in d.colours(), 30)
        with open(d.tray_log) as f:
            first = json.loads(f.readline())
        item, path = first["item"], first["path"]
        x = X11(d.env["DISPLAY"])
        assert window_processes(d.app.pid) == [] and webkit_processes(d.app.pid) == [], "--hidden: no window"
        maps = open(f"/proc/{d.app.pid}/maps").read()
        assert "libwebkit2gtk" not in maps and "libjavascriptcoregtk" not in maps, "the tray app never loads WebKit"
        assert "libgtk-3" not in maps and "appindicator" not in maps, "nor GTK: its tray item is plain D-Bus"

        # A second `switchboard` asks the running one to show its window, and ends.
        second = subprocess.run([BIN], env=d.env, capture_output=True, text=True, timeout=30)
        assert second.returncode == 0, second.stderr
        win = wait_for("a window process, the app's child", lambda: window_processes(d.app.pid), 30)
        assert len(win) == 1, win
        wait_for("its window mapped", lambda: x.window([win[0]]) is not None, 30)
        wait_for("its WebKit processes", lambda: len(webkit_processes(d.app.pid)) >= 2, 30)
        assert x.window([d.app.pid]) is None, "the app itself has no window"

        # The tray's "Status" while it is open shows the view in the same window process.
        click_menu(d.bus, item, path, "Status")
        click_menu(d.bus, item, path, "Open chat")
        assert window_processes(d.app.pid) == win

        # Closing the window ends the window process and WebKit's; the app stays in the tray.
        x.delete(x.window(win))
        wait_for("the window process ends", lambda: window_processes(d.app.pid) == [], 15)
        wait_for("WebKit's processes end", lambda: webkit_processes(d.app.pid) == [], 15)
        assert d.app.poll() is None, "the app stays in the tray"
        assert "libwebkit2gtk" not in open(f"/proc/{d.app.pid}/maps").read(), "nor after a window was open"

        # A left click on the icon (the item's Activate, as a panel sends it) starts a new
        # window process with the chat.
        d.bus.call_blocking(item, path, ITEM_IFACE, "Activate", "ii", [0, 0])
        again = wait_for("a new window process", lambda: window_processes(d.app.pid), 30)
        assert again != win
        wait_for("its window mapped", lambda: x.window(again) is not None, 30)

        # Quit ends both; the socket is removed.
        click_menu(d.bus, item, path, "Quit")
        wait_for("the app exits", lambda: d.app.poll() is not None, 20)
        assert d.app.returncode == 0, d.app.returncode
        wait_for("the window process ends with it", lambda: gone(again[0]), 10)
        assert not os.path.exists(os.path.join(d.env["XDG_RUNTIME_DIR"], "switchboard.sock"))
    finally:
        d.close()


def test_the_window_process_alone_says_the_app_is_not_running():
    env = dict(os.environ, XDG_RUNTIME_DIR=tempfile.mkdtemp(prefix="sb-none-"))
    env.pop("DISPLAY", None)
    out = subprocess.run([WINDOW_BIN, "chat"], env=env, capture_output=True, text=True, timeout=30)
    assert out.returncode == 1 and "Switchboard is not running" in out.stderr, (out.returncode, out.stderr)
