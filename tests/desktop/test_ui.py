"""End-to-end through the real WebKit window: the tray app runs (`switchboard --hidden`), and
tauri-driver + WebKitWebDriver start and drive its window (`switchboard-window chat`, what the
tray's "Open chat" starts), which talks to the running tray app over its socket.
The classifier is an HTTP-level fake (fake_classifier.py: routes everything, or answers with
hostile markup); the reasoner is a real llama-server. Screenshots go to tests/artifacts/."""
import glob
import os
import subprocess
import time

import dbus
import pytest

from test_desktop import BACKENDS, Desktop, free_port, wait_for
from webdriver import CONTROL, ESCAPE, Session

HERE_UI = os.path.dirname(os.path.abspath(__file__))
USER_COMMENT = "# My own note: Switchboard must keep this line.\n"
ARTIFACTS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "artifacts")


@pytest.fixture(scope="module")
def ui():
    d = Desktop(fake_classifier=True, launch=False)
    # Real CalDAV and IMAP servers (Radicale, Dovecot; TLS, seeded): the draft test writes to
    # Radicale, the mail account test reads Dovecot.
    d.tools = os.path.join(d.tmp, "tools")
    # Dovecot's auth process (user dovecot) reads its password file under here: mkdtemp's 0700
    # would keep it out (every login then "refused").
    os.chmod(d.tmp, 0o711)
    repo = os.path.dirname(os.path.dirname(HERE_UI))
    out = subprocess.run(["bash", os.path.join(repo, "scripts", "tool-servers.sh"), "start", d.tools],
                         check=True, capture_output=True, text=True).stdout
    env = dict(l.split("=", 1) for l in out.splitlines() if "=" in l)
    d.tool_env = env
    with open(d.env["SWITCHBOARD_CONFIG"], "a") as f:
        f.write(f'\n[[calendar]]\nname = "work"\ncaldav = "{env["RADICALE_URL"]}alice/work/"\nuser = "alice"\n'
                f'password_file = "{env["RADICALE_PASSWORD_FILE"]}"\nca_file = "{env["TOOLS_CA"]}"\n')
    # The user's own comment, which the settings view's saves must keep.
    with open(d.env["SWITCHBOARD_CONFIG"]) as f:
        text = f.read()
    with open(d.env["SWITCHBOARD_CONFIG"], "w") as f:
        f.write(USER_COMMENT + text)
    # A damaged chat history from before: moved aside at start, and the window says so.
    data = os.path.join(d.env["XDG_DATA_HOME"], "switchboard")
    os.makedirs(data, exist_ok=True)
    with open(os.path.join(data, "conversations.sqlite3"), "wb") as f:
        f.write(b"damaged " * 1000)
    # "Scan this machine" looks on the reasoner's port (and one where nothing answers).
    d.env["SWITCHBOARD_DISCOVER_PORTS"] = f"{d.ports['e2e-big']},{free_port()}"
    binary = os.environ["SWITCHBOARD_DESKTOP_BIN"]
    d.app = d.spawn([binary, "--hidden"], log=os.path.join(d.tmp, "app.log"))
    socket = os.path.join(d.env["XDG_RUNTIME_DIR"], "switchboard.sock")
    wait_for("the app's socket", lambda: os.path.exists(socket), 30)
    # The "system browser" that xdg-open starts: it writes down what it was asked to open.
    d.opened = os.path.join(d.tmp, "opened.txt")
    browser = os.path.join(d.tmp, "browser.sh")
    with open(browser, "w") as f:
        f.write(f'#!/bin/sh\nprintf "%s\\n" "$1" >> {d.opened}\n')
    os.chmod(browser, 0o755)
    d.env["BROWSER"] = browser
    # The save dialog opens in the Downloads folder (GLib reads it from user-dirs.dirs).
    d.downloads = os.path.join(d.tmp, "downloads")
    os.makedirs(d.downloads)
    with open(os.path.join(d.env["XDG_CONFIG_HOME"], "user-dirs.dirs"), "w") as f:
        f.write(f'XDG_DOWNLOAD_DIR="{d.downloads}"\n')
    port, native = free_port(), free_port()
    driver = d.spawn(
        [os.environ["TAURI_DRIVER"], "--port", str(port), "--native-port", str(native),
         "--native-driver", "/usr/bin/WebKitWebDriver"],
        log=os.path.join(d.tmp, "driver.log"),
    )
    # tauri-driver answers /status before WebKitWebDriver (which it starts) listens: wait for both.
    up = lambda p: subprocess.run(["curl", "-fs", f"http://127.0.0.1:{p}/status"], capture_output=True).returncode == 0
    wait_for("tauri-driver and WebKitWebDriver", lambda: up(port) and up(native), 30)
    s = Session(port, os.environ["SWITCHBOARD_WINDOW_BIN"], ["chat"])
    os.makedirs(ARTIFACTS, exist_ok=True)
    yield d, s
    s.close()
    driver.terminate()
    d.close()
    subprocess.run(["bash", os.path.join(repo, "scripts", "tool-servers.sh"), "stop", d.tools])


def screenshot(d, name):
    """What the X server shows, window-sized. (WebKitWebDriver's own screenshot re-renders the
    page: it ignored the page's dark theme, and with WebKit's compositing off it can hang.)"""
    time.sleep(0.5)  # let WebKit paint what the test just did; a picture, not a condition
    subprocess.run(["import", "-display", d.env["DISPLAY"], "-window", "root", "-crop", "960x720+0+0",
                    os.path.join(ARTIFACTS, name)], check=True, timeout=30)


def send(s, text):
    # Send is shown again once the last reply has ended (a reply the rules decide can end
    # before the engine's answer to the send arrives); and the box holds this message alone,
    # whatever a failed test before left in it.
    wait_for("Send shown", lambda: s.js("const b = document.getElementById('send'); return !b.hidden && b.getClientRects().length > 0"), 10)
    s.js("document.getElementById('input').value = ''")
    box = s.find("#input")
    s.type(box, text)
    s.click(s.find("#send"))


def last_answer(s):
    return s.js("const b = document.querySelectorAll('.msg.assistant .body'); return b.length ? b[b.length - 1].textContent : ''")


def text_of(s, css):
    return s.js("const e = document.querySelector(arguments[0]); return e ? e.textContent : null", css)


def web_process_threads():
    """The thread names of each WebKit web process whose parent is a switchboard-window."""
    found = {}
    for stat in glob.glob("/proc/[0-9]*/stat"):
        pid = stat.split("/")[2]
        try:
            with open(stat) as f:
                fields = f.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{fields[1]}/cmdline", "rb") as f:
                parent = f.read().split(b"\0")[0]
            if not parent.endswith(b"switchboard-window"):
                continue
            names = []
            for comm in glob.glob(f"/proc/{pid}/task/*/comm"):
                with open(comm) as f:
                    names.append(f.read().strip())
        except OSError:
            continue  # a process or thread that ended while read
        if any(n.startswith("WebKitWebProces") for n in names):
            found[pid] = names
    return found


def test_the_window_says_a_damaged_chat_history_was_moved_aside(ui):
    d, s = ui
    wait_for("the banner", lambda: s.js("return !document.getElementById('banner').hidden"), 10)
    text = text_of(s, "#banner")
    assert "could not be read" in text and ".damaged-" in text, text


def test_a_message_streams_its_answer_and_stop_keeps_the_partial(ui):
    d, s = ui
    send(s, "Tell me a very long story about a lighthouse keeper, with many chapters.")
    wait_for("the routed answer starts streaming", lambda: len(last_answer(s)) > 5, 60)
    first = last_answer(s)
    wait_for("more text streams in", lambda: len(last_answer(s)) > len(first), 30)
    # Stop at once (through the page: the button is hidden again if the answer already ended).
    stopped = s.js("const b = document.getElementById('stop'); if (b.hidden) return false; b.click(); return true")
    assert stopped, "the answer ended before it could be stopped"
    badge = text_of(s, ".msg.assistant .badge")
    assert "reasoner" in badge and "e2e-big" in badge, badge
    wait_for("marked stopped", lambda: "stopped" in (s.js("const e = document.querySelectorAll('.msg.assistant .state'); return e[e.length - 1].textContent") or ""), 20)
    # What arrived before the stop may still be in a render frame: the window first shows all
    # it received (one clean-clone run read the text one frame early).
    wait_for("the window shows what it received", lambda: s.js(
        "const b = document.querySelectorAll('.msg.assistant .body'); const l = b[b.length - 1];"
        " return l._shown === l._text && !l._pending"), 10)
    shown = last_answer(s)
    time.sleep(1.5)
    assert last_answer(s) == shown, "nothing streams after stop"
    assert len(shown) > 5
    screenshot(d, "chat.png")


def test_the_window_started_without_the_tray_paints_without_gl(ui):
    """tauri-driver starts the window itself, not through the tray app, so the window sets the tray's
    environment for itself: no accelerated compositing, so no GL in the web process and no Skia
    GPU painting threads (one crashed the web process here once: 'page crash or hang')."""
    d, s = ui
    # WebKit starts its painting threads once it has painted: a streamed reply (the test before
    # this one's, or one asked here when this test runs alone).
    if not last_answer(s):
        send(s, "Say hello.")
        wait_for("an answer", lambda: last_answer(s), 60)
    wait_for("the window's web process", lambda: web_process_threads(), 10)
    for pid, names in web_process_threads().items():
        gl = sorted({n for n in names if n.startswith(("SkiaGPU", "llvmpipe"))})
        assert not gl, f"web process {pid} paints with GL: {gl}"


def test_model_output_renders_inert(ui):
    d, s = ui
    send(s, "show me the xss payload")
    wait_for("the hostile answer arrives", lambda: "Here you go" in last_answer(s), 30)
    time.sleep(1)
    html = s.js("return document.querySelectorAll('.msg.assistant .body')[arguments[0]].innerHTML", len(s.find_all(".msg.assistant .body")) - 1)
    lowered = html.lower()
    for bad in ["<script", "onerror", "onclick", "javascript:"]:
        assert bad not in lowered, html
    assert s.js("return document.title") != "pwned"
    assert "console.log" in html and "copy" in html, html  # code block with its copy button


def test_a_link_in_a_reply_never_navigates_the_window(ui):
    """A phishing link in a reply, clicked for real: the window stays on the app; a prompt shows
    the link's real URL; Cancel opens nothing; "Open in browser" hands exactly that URL to the
    system browser (xdg-open). Relative links are not links at all; and even a script that
    sets location cannot take the window away (the window's navigation handler refuses)."""
    d, s = ui
    home = s.js("return location.href")
    send(s, "give me the link")
    wait_for("the answer with links", lambda: "Sign in again" in last_answer(s), 30)
    links = s.find_all(".msg.assistant .body a")
    hrefs = [s.attr(a, "href") for a in links]
    assert hrefs.count("https://evil.example/login?next=home") == 1, hrefs
    assert all(h is None or h.startswith("https://") for h in hrefs), f"relative links kept: {hrefs}"
    # Found again before each click: the reply's HTML is rendered anew as it ends.
    phishing = lambda: s.find('.msg.assistant .body a[href^="https://"]')
    s.click(phishing())
    wait_for("the prompt", lambda: s.js("return !document.getElementById('link-dialog').hidden"), 5)
    assert text_of(s, "#link-url") == "https://evil.example/login?next=home"
    screenshot(d, "link-prompt.png")
    assert s.js("return location.href") == home, "the window left the app"
    s.click(s.find("#link-cancel"))
    wait_for("the prompt closes", lambda: s.js("return document.getElementById('link-dialog').hidden"), 5)
    time.sleep(1)  # the browser would have been started by now: a picture of nothing, not a condition
    assert not os.path.exists(d.opened), "Cancel opened the link"
    s.click(phishing())
    wait_for("the prompt again", lambda: s.js("return !document.getElementById('link-dialog').hidden"), 5)
    s.click(s.find("#link-open"))
    wait_for("the system browser is asked", lambda: os.path.exists(d.opened) and open(d.opened).read().strip(), 10)
    assert open(d.opened).read().split() == ["https://evil.example/login?next=home"]
    assert s.js("return location.href") == home
    # A script (were one ever to run) cannot navigate either.
    s.js("location.href = 'https://evil.example/'; return null")
    time.sleep(1)
    assert s.js("return location.href") == home, "navigation by script was not refused"
    assert s.find("#input") is not None


def test_status_view_shows_figures_and_follows_a_dying_backend(ui):
    d, s = ui
    s.click(s.find("#tab-status"))
    state = '.card[data-backend="e2e-big"] dd[data-field="state"]'
    wait_for("the reasoner's card is up", lambda: text_of(s, state) == "UP", 20)
    native = text_of(s, '.card[data-backend="e2e-big"] dd[data-field="native"]')
    assert native.count("/") == 2, native  # running / waiting / slots from the server's figures
    plot = '.card[data-backend="e2e-big"] svg'
    wait_for("the last hour's plot has points", lambda: s.js(f"return document.querySelectorAll('{plot} rect.lvl-idle').length") > 0, 20)
    screenshot(d, "status.png")
    # The theme button cycles system -> light -> dark; the dark screenshot goes beside the light one.
    bg = "return getComputedStyle(document.body).backgroundColor"
    light = s.js(bg)
    s.click(s.find("#theme"))
    s.click(s.find("#theme"))
    wait_for("dark theme applied", lambda: s.js(bg) != light, 5)
    screenshot(d, "status-dark.png")
    s.click(s.find("#theme"))
    d.kill9("e2e-big")
    wait_for("its card goes DOWN", lambda: text_of(s, state) == "DOWN", 15)
    wait_for("the plot shows the outage", lambda: s.js(f"return document.querySelectorAll('{plot} rect.lvl-down').length") > 0, 15)
    d.start_backend("e2e-big")
    wait_for("and comes back UP", lambda: text_of(s, state) == "UP", 15)


def test_a_20000_token_reply_streams_without_the_window_falling_behind(ui):
    """An 80,000-character (about 20,000-token) markdown reply, streamed twice: once rendered as
    before (the whole text on every frame, the baseline) and once incrementally (settled blocks
    once, the tail per frame). Printed: render time in all, the longest frame, and how long
    after the last token the window showed all of it."""
    d, s = ui
    s.click(s.find("#tab-chat"))
    results = {}
    for mode in ["full", "incremental"]:
        s.js("window.__fullRender = arguments[0]; window.__renderStats = {frames: 0, ms: 0, maxMs: 0, chars: 0};"
             "window.__lastReply = null; return null", mode == "full")
        send(s, f"a long answer please ({mode})")
        wait_for("the reply ends", lambda: s.js("return !!(window.__lastReply && window.__lastReply.doneAt)"), 120)
        caught_up = wait_for("the window shows all of it", lambda: s.js(
            "const r = window.__lastReply; return r.body._shown === r.text && !r.body._pending"
            " ? performance.now() - r.doneAt : null"), 120)
        stats = s.js("return window.__renderStats")
        shown = s.js("return window.__lastReply.body.textContent.length")
        results[mode] = (stats, caught_up, shown)
        print(f"\n[render] {mode}: {stats['frames']} frames, {stats['ms']:.0f} ms rendering in all, "
              f"longest frame {stats['maxMs']:.0f} ms, {stats['chars'] / 1e6:.1f} M characters rendered, "
              f"all shown {caught_up:.0f} ms after the last token")
    s.js("window.__fullRender = false; return null")
    (full, full_lag, full_len), (inc, inc_lag, inc_len) = results["full"], results["incremental"]
    assert inc_len == full_len, "both show the same text"
    # The work, not the wall time of one frame (that one is mostly the IPC round trip, and
    # varies with the machine's load): each character rendered about once.
    assert inc["chars"] * 5 < full["chars"], "incremental rendering re-renders far less"
    assert inc["chars"] < 3 * inc_len, f"{inc['chars']} characters rendered for {inc_len}"
    assert inc_lag < 2000, f"the window fell {inc_lag:.0f} ms behind"


def stored_events(d):
    """The events Radicale holds in the calendar (its storage folder: one file per event)."""
    return sorted(glob.glob(os.path.join(d.tools, "collections", "collection-root", "alice", "work", "*.ics")))


def test_a_draft_is_written_to_the_caldav_server_only_by_the_users_click(ui):
    d, s = ui
    s.click(s.find("#tab-chat"))
    s.click(s.find("#new-chat"))
    before = stored_events(d)
    send(s, "schedule a dentist appointment tomorrow at 3pm")
    add = ".msg.assistant:last-of-type .toolcard button.add"
    wait_for("the draft card", lambda: s.js(f"return !!document.querySelector('{add}')"), 30)
    # Its reply ends (and the card is drawn again from the store) before the user clicks.
    wait_for("its reply over", lambda: s.js("return replying === null && refreshing === 0"), 30)
    card = text_of(s, ".msg.assistant:last-of-type .toolcard")
    assert "15:00" in card and "work" in card, card
    screenshot(d, "draft-card.png")
    assert stored_events(d) == before, "a draft was written before the click"
    s.click(s.find(add))
    wait_for("written on the server", lambda: len(stored_events(d)) == len(before) + 1, 30)
    new = [p for p in stored_events(d) if p not in before][0]
    text = open(new, encoding="utf-8").read()
    assert "dentist" in text.lower() and "BEGIN:VEVENT" in text, text
    wait_for("the card says so", lambda: "Added to the calendar" in (text_of(s, ".msg.assistant:last-of-type .toolcard") or ""), 10)
    # The draft's own card lost its buttons.
    assert s.js("return document.querySelectorAll('.toolcard button.add').length") == 0
    # A declined draft is never written.
    written = stored_events(d)
    send(s, "schedule lunch with Ann tomorrow at 1pm")
    wait_for("the second draft", lambda: s.js(f"return !!document.querySelector('{add}')"), 30)
    wait_for("its reply over", lambda: s.js("return replying === null && refreshing === 0"), 30)
    s.click(s.find(".msg.assistant:last-of-type .toolcard button.no"))
    wait_for("declined", lambda: "Not added" in (text_of(s, ".msg.assistant:last-of-type .toolcard") or ""), 30)
    time.sleep(1)  # a write would have happened by now: a check of nothing, not a condition
    assert stored_events(d) == written
    screenshot(d, "draft-declined.png")


def test_the_status_view_lists_the_tool_accounts(ui):
    d, s = ui
    s.click(s.find("#tab-status"))
    row = 'li[data-account="calendar:work"]'
    wait_for("the calendar account's row", lambda: s.js(f"return !!document.querySelector('{row}')"), 20)
    assert s.js(f"return document.querySelector('{row}').className") == "ok", text_of(s, row)
    s.click(s.find("#tab-chat"))


def config_text(d):
    with open(d.env["SWITCHBOARD_CONFIG"]) as f:
        return f.read()


def field_error(s, form, field):
    return s.js(f"return document.querySelector('#{form} .field-error[data-for=\"{field}\"]').textContent")


def fill(s, css, value):
    e = s.find(css)
    s.clear(e)
    s.type(e, value)


def card_names(s):
    return s.js("return [...document.querySelectorAll('#cards .card')].map(c => c.dataset.backend)")


def test_settings_add_a_backend_and_see_it_in_the_tray_menu_and_status_without_a_restart(ui):
    d, s = ui
    s.click(s.find("#input"))
    s.keys(CONTROL, ",")
    wait_for("Ctrl+, opens the settings view", lambda: s.js("return !document.getElementById('view-settings').hidden"), 5)
    wait_for("the backends listed", lambda: s.js("return document.querySelectorAll('#backend-list tbody tr').length") == 2, 10)
    before = config_text(d)
    s.click(s.find("#add-backend"))
    fill(s, "#bf-name", "e2e-extra")
    fill(s, "#bf-url", "127.0.0.1 port 80")
    fill(s, "#bf-model", "m")
    s.click(s.find("#bf-save"))
    wait_for("the URL's error beside its field", lambda: field_error(s, "backend-form", "url") != "", 10)
    assert "url" in field_error(s, "backend-form", "url").lower() or "http" in field_error(s, "backend-form", "url")
    assert config_text(d) == before, "nothing is saved from a refused form"
    assert "e2e-extra" not in " ".join(d.menu_labels())

    fill(s, "#bf-url", f"http://127.0.0.1:{d.ports['e2e-big']}")
    s.click(s.find("#bf-test"))
    wait_for("the test's figures", lambda: "ms" in text_of(s, "#bf-test-result"), 20)
    screenshot(d, "settings.png")
    # It serves embeddings, says the user: the Test asks for one (this server was started
    # without --embeddings, so it says so), and the file gets the key.
    s.click(s.find("#bf-embeddings"))
    s.click(s.find("#bf-test"))
    wait_for("the embeddings tried", lambda: "embedding" in text_of(s, "#bf-test-result").lower(), 20)
    saved = time.monotonic()
    s.click(s.find("#bf-save"))
    wait_for("the new backend in the tray menu", lambda: any(l.startswith("e2e-extra") for l in d.menu_labels()), 2)
    menu_after = time.monotonic() - saved
    print(f"\nsettings: saved backend in the tray menu after {menu_after:.2f} s")
    text = config_text(d)
    assert text.startswith(USER_COMMENT), "the user's comment is kept"
    assert 'name = "e2e-extra"' in text and "embeddings = true" in text.split('name = "e2e-extra"')[1], text
    # The form closes once the save's answer and the list read again are in (after the tray
    # may already show it).
    wait_for("the form closed", lambda: s.js("return document.getElementById('backend-form').hidden"), 10)
    s.click(s.find("#tab-status"))
    wait_for("its card in the status view", lambda: "e2e-extra" in card_names(s), 2)
    s.click(s.find("#theme"))
    s.click(s.find("#theme"))
    s.click(s.find("#tab-settings"))
    wait_for("the list read again", lambda: s.js("return document.querySelectorAll('#backend-list tbody tr').length") == 3, 5)
    screenshot(d, "settings-dark.png")
    s.click(s.find("#theme"))
    # Removed again: two clicks on its remove button.
    remove = s.find('#backend-list tr[data-backend="e2e-extra"] button[aria-label^="Remove"]')
    s.click(remove)
    s.click(remove)
    wait_for("removed from the tray menu", lambda: not any(l.startswith("e2e-extra") for l in d.menu_labels()), 5)
    assert config_text(d).startswith(USER_COMMENT)
    # Scan this machine: the reasoner's server is found, its model listed as configured.
    s.click(s.find("#scan"))
    found = f'#scan-results li.found[data-url="http://127.0.0.1:{d.ports["e2e-big"]}/"]'
    wait_for("the scan finds the running llama-server", lambda: s.js(f"return !!document.querySelector('{found}')"), 15)
    assert "llamacpp" in text_of(s, found) and "configured" in text_of(s, found), text_of(s, found)
    # Start at login: the toggle writes the XDG autostart entry, and removes it.
    entry = os.path.join(d.env["XDG_CONFIG_HOME"], "autostart", "switchboard.desktop")
    assert not os.path.exists(entry)
    s.click(s.find("#autostart"))
    wait_for("the autostart entry", lambda: os.path.exists(entry), 5)
    with open(entry) as f:
        assert f"Exec={os.environ['SWITCHBOARD_DESKTOP_BIN']} --hidden" in f.read()
    wait_for("the box stays checked", lambda: s.js("return document.getElementById('autostart').checked"), 5)
    s.click(s.find("#autostart"))
    wait_for("the entry removed", lambda: not os.path.exists(entry), 5)
    s.click(s.find("#tab-chat"))


def start_keyring(d):
    """gnome-keyring-daemon on the run's session bus, its new login keyring unlocked: the
    desktop's Secret Service, as a logged-in user has it."""
    p = subprocess.Popen(["gnome-keyring-daemon", "--unlock", "--components=secrets", "--foreground"], env=d.env,
                         stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    p.stdin.write(b"unlock-password")
    p.stdin.close()
    d.procs.append(p)
    wait_for("the keyring on the bus", lambda: d.bus.name_has_owner("org.freedesktop.secrets"), 15)
    # The daemon owns its name before its login keyring is set up (under load, stores then fail
    # with "result not returned from SS API" for many seconds): wait until a store works.
    wait_for("the keyring storing", lambda: keyring_stores(d), 60)


def keyring_stores(d):
    """Whether the keyring stores an item in its default collection now (the item is removed)."""
    try:
        service = d.bus.get_object("org.freedesktop.secrets", "/org/freedesktop/secrets")
        api = dbus.Interface(service, "org.freedesktop.Secret.Service")
        _, session = api.OpenSession("plain", dbus.String("", variant_level=1))
        collection = api.ReadAlias("default")
        if collection == "/":
            return False
        props = {"org.freedesktop.Secret.Item.Label": "probe",
                 "org.freedesktop.Secret.Item.Attributes": dbus.Dictionary({"service": "e2e-probe"}, signature="ss")}
        secret = (session, dbus.ByteArray(b""), dbus.ByteArray(b"probe"), "text/plain")
        target = dbus.Interface(d.bus.get_object("org.freedesktop.secrets", collection), "org.freedesktop.Secret.Collection")
        item, prompt = target.CreateItem(props, secret, True)
        if item == "/":
            return False
        dbus.Interface(d.bus.get_object("org.freedesktop.secrets", item), "org.freedesktop.Secret.Item").Delete()
        return True
    except dbus.exceptions.DBusException:
        return False


def test_an_api_key_typed_in_settings_is_kept_in_the_keyring_and_used(ui):
    """A llama-server that wants an API key (--api-key): Test fails without it and answers with
    it; saved, the file names the keyring entry and never the key, the engine reads the key from
    the keyring (a Test of the saved backend answers), and the key can be removed again."""
    d, s = ui
    key = "sk-e2e-0f9a7c55d1"
    start_keyring(d)
    port = free_port()
    d.backends.append("e2e-keyed")
    subprocess.run([BACKENDS, "start", "e2e-keyed", str(port), "smollm2", "--", "--api-key", key], check=True, env=d.env)
    s.click(s.find("#tab-settings"))
    wait_for("the backends listed", lambda: s.js("return document.querySelectorAll('#backend-list tbody tr').length") >= 2, 10)
    s.click(s.find("#add-backend"))
    assert s.js("return document.getElementById('bf-key-remove').offsetParent === null"), "a new backend has no key to remove"
    fill(s, "#bf-name", "e2e-keyed")
    fill(s, "#bf-url", f"http://127.0.0.1:{port}")
    fill(s, "#bf-model", "m")

    out, failed = tried(s, "bf", 20)
    assert failed and ("401" in out or "key" in out.lower()), out
    fill(s, "#bf-key", key)
    out, failed = tried(s, "bf", 20)
    assert "ping" in out.lower() and not failed, out
    s.click(s.find("#bf-save"))
    wait_for("the keyed backend in the tray menu", lambda: any(l.startswith("e2e-keyed") for l in d.menu_labels()), 5)
    text = config_text(d)
    assert 'api_key_keyring = "api-key:e2e-keyed"' in text and key not in text, text
    assert text.startswith(USER_COMMENT)
    # The engine holds the key now (read from the keyring): the saved backend's Test answers.
    row = '#backend-list tr[data-backend="e2e-keyed"]'
    wait_for("its row says it has a key", lambda: s.js(f"return !!document.querySelector('{row} span.key')"), 5)
    s.click_css(f'{row} button[aria-label^="Edit"]')
    out, failed = tried(s, "bf", 20)
    assert "ping" in out.lower() and not failed, out
    assert s.js("return document.getElementById('bf-key-remove').offsetParent !== null"), "its key can be removed"
    # Removed: the file names no key, and the saved backend's test fails again.
    s.click(s.find("#bf-key-remove"))
    s.click(s.find("#bf-save"))
    wait_for("the key gone from the file", lambda: "api_key_keyring" not in config_text(d), 5)
    wait_for("its row says no key", lambda: s.js(f"return !document.querySelector('{row} span.key')"), 5)
    s.click_css(f'{row} button[aria-label^="Edit"]')
    out, failed = tried(s, "bf", 20)
    assert failed and ("401" in out or "key" in out.lower()), out
    s.click(s.find("#bf-cancel"))
    for f in glob.glob(os.path.join(d.tmp, "*.log")):
        with open(f, errors="replace") as log:
            assert key not in log.read(), f"the key is in {f}"
    remove = s.find(f'{row} button[aria-label^="Remove"]')
    s.click(remove)
    s.click(remove)
    wait_for("removed from the tray menu", lambda: not any(l.startswith("e2e-keyed") for l in d.menu_labels()), 5)
    subprocess.run([BACKENDS, "stop", "e2e-keyed"], env=d.env)
    d.backends.remove("e2e-keyed")
    s.click(s.find("#tab-chat"))


def test_a_hand_edit_is_applied_and_a_broken_one_reported_while_the_old_config_runs(ui):
    d, s = ui
    s.click(s.find("#tab-status"))
    good = config_text(d)
    with open(d.env["SWITCHBOARD_CONFIG"], "a") as f:
        f.write(f'\n[[backend]]\nname = "e2e-hand"\nrole = "reasoner"\nurl = "http://127.0.0.1:{d.ports["e2e-big"]}"\nmodel = "m"\n')
    wait_for("the hand-added backend in the status view", lambda: "e2e-hand" in card_names(s), 5)
    wait_for("and in the tray menu", lambda: any(l.startswith("e2e-hand") for l in d.menu_labels()), 2)
    with open(d.env["SWITCHBOARD_CONFIG"], "a") as f:
        f.write('\n[[backend]]\nname = "broken"\nrole = "wizard"\n')
    wait_for("the window says it was not applied", lambda: s.js("return !!document.querySelector('#banner .config-error')"), 5)
    banner = text_of(s, "#banner .config-error")
    assert "`role`" in banner and "config.toml:" in banner and "wizard" in banner, banner
    wait_for("a notification says so", lambda: any("not applied" in n for n in d.notifications()), 5)
    assert "e2e-hand" in card_names(s), "the running configuration is kept"
    assert not any(l.startswith("broken") for l in d.menu_labels())
    with open(d.env["SWITCHBOARD_CONFIG"], "w") as f:
        f.write(good)
    wait_for("fixed: the banner goes", lambda: not s.js("return !!document.querySelector('#banner .config-error')"), 5)
    wait_for("and the hand-added backend with it", lambda: "e2e-hand" not in card_names(s), 5)
    s.click(s.find("#tab-chat"))


def xdotool(d, *args):
    return subprocess.run(["xdotool", *args], env=d.env, capture_output=True, text=True)


def test_search_finds_a_korean_message_by_two_syllables_and_export_writes_it(ui):
    d, s = ui
    s.click(s.find("#tab-chat"))
    s.keys(CONTROL, "n")
    wait_for("Ctrl+N: a new chat", lambda: s.js("return document.querySelectorAll('#messages .msg').length") == 0, 5)
    korean = "다음 달 임대 계약서를 언제 보내 주시나요?"
    send(s, korean)
    # Its reply has started and ended (Stop is hidden, too, in the moment before it starts).
    wait_for("the reply ends", lambda: reply_over(s, 0), 120)
    s.keys(CONTROL, "n")
    wait_for("a new chat again", lambda: s.js("return document.querySelectorAll('#messages .msg').length") == 0, 5)
    s.keys(CONTROL, "k")
    wait_for("Ctrl+K: the search box", lambda: not s.js("return document.getElementById('search-dialog').hidden"), 5)
    s.type(s.find("#search-input"), "계약")
    hit = '#search-results li.hit[data-role="user"]'
    wait_for("a hit for the two-syllable word", lambda: s.js(f"return !!document.querySelector('{hit}')"), 5)
    assert "계약서를" in text_of(s, hit)
    # The title (the first words of the message) is the first hit; Down selects the next one
    # (the answer, when it used the word too, else the message), Enter opens it.
    wait_for("the title's hit first", lambda: s.js("return document.querySelector('#search-results li.selected').dataset.message === undefined"), 5)
    s.keys("\ue015")  # ArrowDown
    assert s.js("return document.querySelector('#search-results li.selected').dataset.message !== undefined")
    s.keys("\ue007")  # Enter: jump to it
    wait_for("the conversation opens at that hit", lambda: s.js("return !!document.querySelector('#messages .msg.found')"), 5)
    # A click on the user's own message's hit jumps to it.
    s.keys(CONTROL, "k")
    s.type(s.find("#search-input"), "계약")
    wait_for("the hits again", lambda: s.js(f"return !!document.querySelector('{hit}')"), 5)
    s.click(s.find(hit))
    wait_for("the conversation opens at the message", lambda: s.js("return !!document.querySelector('#messages .msg.found')"), 5)
    assert s.js("return document.querySelector('#messages .msg.found').dataset.text") == korean
    s.keys(CONTROL, "k")
    s.keys(ESCAPE)
    wait_for("Esc closes the search", lambda: s.js("return document.getElementById('search-dialog').hidden"), 5)

    # Export: the save dialog (GTK's) opens in Downloads; Return accepts the name it offers.
    s.click(s.find("#export-md"))
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        found = xdotool(d, "search", "--name", "Export conversation").stdout.split()
        if found:
            break
        time.sleep(0.2)
    assert found, "the save dialog opened"
    time.sleep(0.5)  # the dialog draws its file name field before it takes keys
    xdotool(d, "windowfocus", "--sync", found[-1])
    xdotool(d, "key", "--window", found[-1], "Return")
    wait_for("the file is written", lambda: len(os.listdir(d.downloads)) == 1, 10)
    path = os.path.join(d.downloads, os.listdir(d.downloads)[0])
    assert path.endswith(".md"), path
    with open(path) as f:
        md = f.read()
    assert md.startswith("# ") and korean in md, md
    shown = s.js("return document.querySelectorAll('#messages .msg').length")
    assert md.count("\n## ") == shown, (shown, md)
    wait_for("the window says where", lambda: path in s.js("return document.getElementById('messages').textContent"), 5)
    wait_for("the dialog is gone", lambda: not xdotool(d, "search", "--name", "Export conversation").stdout.split(), 5)
    # The keyboard back to the page (the dialog had it).
    s.click(s.find("#input"))


def test_esc_stops_a_streaming_reply(ui):
    d, s = ui
    s.keys(CONTROL, "n")
    send(s, "please write a long story about the sea")
    wait_for("the reply streams", lambda: not s.js("return document.getElementById('stop').hidden"), 30)
    s.keys(ESCAPE)
    wait_for("Esc stopped it", lambda: s.js("return document.getElementById('stop').hidden"), 15)
    wait_for("marked stopped", lambda: "stopped" in (s.js("const e = document.querySelectorAll('.msg.assistant .state'); return e.length ? e[e.length - 1].textContent : ''") or ""), 5)


def test_the_status_chart_has_axes_hover_values_and_a_24_hour_range(ui):
    d, s = ui
    s.click(s.find("#tab-status"))
    chart = '.card[data-backend="e2e-big"] svg.chart'
    count = lambda css: s.js(f"return document.querySelectorAll('{css}').length")
    wait_for("the time axis has labels", lambda: count(f"{chart} .axis.x text") >= 3, 20)
    assert count(f"{chart} .axis.y text") == 3, "0, half and the top of the latency axis"
    labels = s.js(f"return [...document.querySelectorAll('{chart} .axis.y text')].map(t => t.textContent)")
    assert labels[0].endswith("ms") and labels[0].startswith("0"), labels
    s.hover_css(chart)  # the status view redraws its cards on each update: found again if need be
    wait_for("the values under the pointer", lambda: "ms" in text_of(s, '.card[data-backend="e2e-big"] .chart-tip'), 5)
    # The next status update redraws the card: the values stay shown while the pointer rests.
    s.js(f"document.querySelector('{chart}').dataset.old = '1'")
    wait_for("a redraw", lambda: s.js(f"const c = document.querySelector('{chart}'); return !!c && !c.dataset.old"), 10)
    assert s.js("return document.querySelector('.card[data-backend=\"e2e-big\"] .chart-tip').hidden") is False
    s.click(s.find('.ranges button[data-range="24h"]'))
    wait_for("the 24 h range", lambda: s.js(f"const c = document.querySelector('{chart}'); return c && c.dataset.range === '24h' && Number(c.dataset.points) > 0"), 10)
    assert s.js("return document.querySelector('.ranges button[data-range=\"24h\"]').getAttribute('aria-pressed')") == "true"
    screenshot(d, "status-chart.png")
    s.click(s.find("#theme"))
    s.click(s.find("#theme"))
    screenshot(d, "status-chart-dark.png")
    s.click(s.find("#theme"))
    s.click(s.find('.ranges button[data-range="7d"]'))
    wait_for("the 7 d range", lambda: s.js(f"return document.querySelector('{chart}').dataset.range") == "7d", 10)
    s.click(s.find('.ranges button[data-range="1h"]'))
    s.click(s.find("#tab-chat"))


def reply_over(s, replies_before):
    """The next reply has started and ended: its element exists and has its id (given once the
    engine has answered the send), and no reply runs. (Without the id, the moment between the
    click and the engine's answer looked like an ended reply, and the next send found Send hidden.)"""
    return s.js("const r = document.querySelectorAll('#messages .msg.assistant'); const last = r[r.length - 1];"
                " return replying === null && last && last.dataset.messageId ? r.length : 0") > replies_before


def test_edit_and_regenerate_replace_the_answer_and_keep_the_old_one(ui):
    d, s = ui
    count = lambda css: s.js(f"return document.querySelectorAll('{css}').length")
    s.click(s.find("#tab-chat"))
    s.click(s.find("#input"))
    s.keys(CONTROL, "n")
    wait_for("Ctrl+N: a new chat", lambda: count("#messages .msg") == 0, 5)
    send(s, "Say hello to the sea")
    wait_for("the first answer", lambda: reply_over(s, 0), 60)
    # Regenerate the last answer: the old one is folded, a new one streams.
    s.click(s.find_all('#messages > .msg.assistant .acts button[aria-label="Regenerate"]')[-1])
    wait_for("the old answer folded", lambda: count("#messages details.replaced .msg.assistant") == 1, 5)
    wait_for("the new answer", lambda: reply_over(s, 1), 60)
    # Up in the empty box edits the last message; Enter sends the edit.
    s.click(s.find("#input"))
    s.keys("\ue013")  # ArrowUp
    area = s.find("#messages textarea.edit", timeout=5)
    s.clear(area)
    s.type(area, "Say goodbye to the sea")
    s.keys("\ue007")
    wait_for("the edited message answered", lambda: reply_over(s, 2), 60)
    live = s.js("return [...document.querySelectorAll('#messages > .msg.user')].map(m => m.dataset.text)")
    assert live == ["Say goodbye to the sea"], live
    assert count("#messages > .msg.assistant") == 1, "one live answer"
    old = s.js("return [...document.querySelectorAll('#messages details.replaced .msg.user')].map(m => m.dataset.text)")
    assert old == ["Say hello to the sea"], old
    assert count("#messages details.replaced .msg.assistant") == 2, "both earlier answers kept"
    # As stored: opened again from the list, the same.
    conv = s.js("return conversation")
    s.keys(CONTROL, "n")
    s.click_css(f'#conversations li[data-id="{conv}"] .title')
    wait_for("reopened", lambda: count("#messages details.replaced .msg") == 3 and count("#messages > .msg") == 2, 5)
    screenshot(d, "edited.png")


def test_a_conversation_answered_by_a_chosen_backend(ui):
    d, s = ui
    count = lambda css: s.js(f"return document.querySelectorAll('{css}').length")
    s.click(s.find("#tab-chat"))
    s.click(s.find("#input"))
    s.keys(CONTROL, "n")
    wait_for("a new chat", lambda: count("#messages .msg") == 0, 5)
    send(s, "hello there")
    wait_for("routed as usual", lambda: reply_over(s, 0), 60)
    wait_for("the header offers the backends", lambda: count("#chat-backend option") == 3, 5)
    assert s.js("return document.getElementById('chat-backend').value") == ""
    s.js("const c = document.getElementById('chat-backend'); c.value = 'e2e-small'; c.dispatchEvent(new Event('change'))")
    wait_for("stored", lambda: s.js("return conversationBackends.get(conversation)") == "e2e-small", 5)
    send(s, "and now?")
    wait_for("answered", lambda: reply_over(s, 1), 60)
    badge = s.js("const b = document.querySelectorAll('#messages > .msg.assistant .badge'); return b[b.length - 1].textContent")
    assert "e2e-small" in badge, badge
    # Opened again: the header still says who answers.
    conv = s.js("return conversation")
    s.keys(CONTROL, "n")
    s.click_css(f'#conversations li[data-id="{conv}"] .title')
    wait_for("the choice shown", lambda: s.js("return document.getElementById('chat-backend').value") == "e2e-small", 5)


def test_a_muted_backend_going_down_is_not_notified(ui):
    d, s = ui
    s.click(s.find("#tab-settings"))
    box = '#backend-list tr[data-backend="e2e-big"] input.notify'
    wait_for("the notify box", lambda: s.js(f"return !!document.querySelector('{box}')"), 10)
    assert s.js(f"return document.querySelector('{box}').checked")
    s.click_css(box)
    wait_for("muted in the file", lambda: 'mute = ["e2e-big"]' in config_text(d), 5)
    assert config_text(d).startswith(USER_COMMENT)
    before = len(d.notifications())
    d.kill9("e2e-big")
    s.click(s.find("#tab-status"))
    state = '.card[data-backend="e2e-big"] dd[data-field="state"]'
    wait_for("its card goes DOWN", lambda: text_of(s, state) == "DOWN", 15)
    # A DOWN is notified at once, coalesced over 2 s: nothing may come in twice that.
    time.sleep(4)
    assert not any("e2e-big" in n for n in d.notifications()[before:]), d.notifications()[before:]
    d.start_backend("e2e-big")
    wait_for("back UP", lambda: text_of(s, state) == "UP", 20)
    s.click(s.find("#tab-settings"))
    wait_for("the notify box again", lambda: s.js(f"return !!document.querySelector('{box}')"), 10)
    s.click_css(box)
    wait_for("unmuted", lambda: "mute" not in config_text(d), 5)
    s.click(s.find("#tab-chat"))


def test_shift_enter_is_a_new_line_and_enter_sends(ui):
    d, s = ui
    s.click(s.find("#tab-chat"))
    s.click(s.find("#input"))
    s.keys(CONTROL, "n")
    box = s.find("#input")
    s.type(box, "first line")
    s.keys("\ue008", "\ue007")  # Shift+Enter
    s.type(box, "second line")
    assert s.js("return document.getElementById('input').value") == "first line\nsecond line"
    assert s.js("return document.querySelectorAll('#messages .msg').length") == 0, "nothing sent"
    s.keys("\ue007")  # Enter
    wait_for("sent, with its line break", lambda: s.js(
        "const m = document.querySelector('#messages .msg.user'); return m && m.dataset.text") == "first line\nsecond line", 5)
    # The answer may be long: stopped once it streams, so that nothing runs after this test.
    wait_for("the answer starts", lambda: s.js("return replying !== null || document.querySelectorAll('#messages .msg.assistant .state').length > 0"), 30)
    s.js("if (replying !== null) api.stop(replying)")
    wait_for("over", lambda: s.js("return replying === null"), 15)


def test_a_document_folder_added_in_settings_is_searched_without_a_restart(ui):
    """A folder that is not one is refused beside the field with nothing saved; a real one is
    saved (the file's comment kept), indexed and searched from the chat with no restart; removed
    again with its button."""
    d, s = ui
    folder = os.path.join(d.tmp, "papers")
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "zeppelin-hangar.md"), "w") as f:
        f.write("# Zeppelin hangar budget\nThe airship hangar costs 4200 a month.\n")
    s.click(s.find("#tab-settings"))
    wait_for("the settings read", lambda: s.js("return !!document.querySelector('#folders li')"), 10)
    before = config_text(d)
    fill(s, "#folder-new", os.path.join(d.tmp, "nowhere"))
    s.click(s.find("#folder-add"))
    wait_for("the folder's error beside its field", lambda: "nowhere" in field_error(s, "folders-form", "folders"), 10)
    assert config_text(d) == before, "nothing is saved from a refused folder"
    fill(s, "#folder-new", folder)
    s.click(s.find("#folder-add"))
    row = f'#folders li.folder[data-folder="{folder}"]'
    wait_for("the folder listed", lambda: s.js(f"return !!document.querySelector('{row}')"), 10)
    text = config_text(d)
    assert text.startswith(USER_COMMENT) and f'folders = ["{folder}"]' in text, text
    # Searched from the chat: the index follows the new folder within seconds.
    s.click(s.find("#tab-chat"))
    s.click(s.find("#new-chat"))
    card = ".msg.assistant:last-of-type .toolcard"
    deadline = time.monotonic() + 30
    while True:
        replies = s.js("return document.querySelectorAll('.msg.assistant').length")
        send(s, "find my documents about the zeppelin hangar")
        wait_for("the reply over", lambda: reply_over(s, replies), 30)
        if "zeppelin-hangar" in (text_of(s, card) or ""):
            break
        assert time.monotonic() < deadline, f"never found: {last_answer(s)!r} {text_of(s, card)!r}"
    s.click(s.find("#tab-settings"))
    wait_for("the folder listed", lambda: s.js(f"return !!document.querySelector('{row}')"), 10)
    s.click(s.find(f'{row} button'))
    wait_for("the folder removed", lambda: "folders =" not in config_text(d), 10)
    assert config_text(d).startswith(USER_COMMENT)
    s.click(s.find("#tab-chat"))


def tried(s, form, timeout):
    """Clicks the Test button of `form` ("bf": a backend, "ac": an account); its result line
    once it is in, and whether it says the Test failed."""
    out = f"{form}-test-result"
    s.js(f"document.getElementById('{out}').textContent = ''")
    s.click(s.find(f"#{form}-test"))
    failed = lambda: s.js(f"return document.getElementById('{out}').classList.contains('failed')")
    result = lambda: text_of(s, f"#{out}") or ""
    wait_for("the test's result", lambda: ("ms" in result() or failed()) and "…" not in result(), timeout)
    return result(), failed()


def keyring_entries(d):
    """The names of Switchboard's entries in the run's desktop keyring (Secret Service items of
    the service `switchboard`; the keyring crate names the entry in `username`)."""
    service = d.bus.get_object("org.freedesktop.secrets", "/org/freedesktop/secrets")
    unlocked, locked = service.SearchItems({"service": "switchboard"}, dbus_interface="org.freedesktop.Secret.Service")
    names = []
    for path in list(unlocked) + list(locked):
        item = d.bus.get_object("org.freedesktop.secrets", path)
        try:
            attributes = item.Get("org.freedesktop.Secret.Item", "Attributes", dbus_interface="org.freedesktop.DBus.Properties")
        except dbus.exceptions.DBusException as e:
            # Deleted between the search and this read (the app removing it is what a caller
            # waits for): gnome-keyring then has no such object.
            if e.get_dbus_name() in ("org.freedesktop.DBus.Error.UnknownMethod", "org.freedesktop.DBus.Error.UnknownObject"):
                continue
            raise
        names.append(str(attributes.get("username", "")))
    return names


def test_a_mail_account_added_in_settings_is_tried_saved_searched_and_removed_with_its_password(ui):
    """Dovecot over imaps:// with the test CA, added through the settings view: a bad URL is
    refused beside its field with nothing saved; Test without a password says so, with the typed
    one it is reached and counts the week's mails; saved, the file names the account's keyring
    entry and never the password; the chat searches it with no restart; removed, the file has
    no [[mail]] and the keyring entry is gone."""
    d, s = ui
    env = d.tool_env
    with open(env["RADICALE_PASSWORD_FILE"]) as f:
        password = f.read().strip()
    start_keyring(d)
    s.click(s.find("#tab-settings"))
    row = '#account-list tr[data-account="calendar:work"]'
    wait_for("the calendar listed", lambda: s.js(f"return !!document.querySelector('{row}')"), 10)
    before = config_text(d)
    s.click(s.find("#add-mail"))
    fill(s, "#ac-name", "e2e-mail")
    fill(s, "#ac-location", "mail.example.org")
    fill(s, "#ac-user", "alice")
    s.click(s.find("#ac-save"))
    wait_for("the URL's error beside its field", lambda: "imap" in field_error(s, "account-form", "location"), 10)
    assert config_text(d) == before, "nothing is saved from a refused form"
    fill(s, "#ac-location", f"imaps://127.0.0.1:{env['IMAPS_PORT']}")
    fill(s, "#ac-ca", env["TOOLS_CA"])

    out, failed = tried(s, "ac", 30)
    assert failed and "password" in out.lower(), out
    fill(s, "#ac-password", password)
    out, failed = tried(s, "ac", 30)
    assert not failed and "5 mails in the last 7 days" in out, out
    assert config_text(d) == before, "a Test writes nothing"
    s.click(s.find("#ac-save"))
    mail_row = '#account-list tr[data-account="mail:e2e-mail"]'
    wait_for("the mail account listed", lambda: s.js(f"return !!document.querySelector('{mail_row}')"), 10)
    wait_for("the form closed", lambda: s.js("return document.getElementById('account-form').hidden"), 10)
    text = config_text(d)
    assert 'password_keyring = "password:mail:e2e-mail"' in text and password not in text, text
    assert text.startswith(USER_COMMENT)
    entries = keyring_entries(d)
    assert "password:mail:e2e-mail" in entries and "password-test:mail:e2e-mail" not in entries, entries
    # The same name again, with another password: refused beside the name, and the saved
    # account's password is untouched (its Test still logs in).
    saved = config_text(d)
    s.click(s.find("#add-mail"))
    fill(s, "#ac-name", "e2e-mail")
    fill(s, "#ac-location", f"imaps://127.0.0.1:{env['IMAPS_PORT']}")
    fill(s, "#ac-user", "alice")
    fill(s, "#ac-password", "not-the-password")
    s.click(s.find("#ac-save"))
    wait_for("the duplicate refused beside the name", lambda: "duplicate" in field_error(s, "account-form", "name"), 10)
    assert config_text(d) == saved
    s.click(s.find("#ac-cancel"))
    s.click(s.find(f'{mail_row} button[aria-label^="Edit"]'))
    out, failed = tried(s, "ac", 30)
    assert not failed and "5 mails in the last 7 days" in out, out
    s.click(s.find("#ac-cancel"))
    # Searched from the chat, with no restart.
    s.click(s.find("#tab-chat"))
    s.click(s.find("#new-chat"))
    replies = s.js("return document.querySelectorAll('.msg.assistant').length")
    send(s, "search my mail for the invoice")
    wait_for("the reply over", lambda: reply_over(s, replies), 30)
    card = text_of(s, ".msg.assistant:last-of-type .toolcard") or ""
    assert "Invoice March" in card, f"{last_answer(s)!r} {card!r}"
    # Removed (two clicks): the file and the keyring forget it.
    s.click(s.find("#tab-settings"))
    wait_for("the mail account listed", lambda: s.js(f"return !!document.querySelector('{mail_row}')"), 10)
    remove = s.find(f'{mail_row} button[aria-label^="Remove"]')
    s.click(remove)
    s.click(remove)
    wait_for("the account gone from the file", lambda: "[[mail]]" not in config_text(d), 10)
    wait_for("and its keyring entry", lambda: "password:mail:e2e-mail" not in keyring_entries(d), 10)
    assert config_text(d).startswith(USER_COMMENT)
    for f in glob.glob(os.path.join(d.tmp, "*.log")):
        with open(f, errors="replace") as log:
            assert password not in log.read(), f"the password is in {f}"
    s.click(s.find("#tab-chat"))
