"""Footprint benchmark of the desktop app: how fast the tray appears, and what the app costs in
memory (PSS, RSS) and CPU with its chat window open and after the window is closed.

Not a test: a plain script that prints a table and one JSON line. It reuses the E2E harness
(test_desktop.Desktop: Xvfb, a private session bus, the notification mock, the tray watcher,
two idle llama-servers) and launches the app itself, so the launch can be timed.

  1. Launch to tray: the app starts with --hidden (in the tray only, as when started at
     login). time.monotonic() just before the spawn, to the watcher's stamp when
     RegisterStatusNotifierItem arrived (sni_watcher.py writes it; CLOCK_MONOTONIC is shared
     by all processes); also when the icon was first readable. Then, after a fixed settle
     period, the tray-only footprint (the window never opened), measured as in 2.
  2. Window open: "Open chat" clicked through the tray's com.canonical.dbusmenu; once the
     WebKit processes exist and the window is mapped, a fixed settle period, then PSS/RSS from
     /proc/PID/smaps_rollup summed over the app and all its descendants, and CPU over a
     window: utime+stime deltas (/proc/PID/stat) over that tree, divided by wall time x
     CLK_TCK, as % of one core.
  3. Window closed: WM_DELETE_WINDOW is sent to the app's top-level window the way a window
     manager does (a WM_PROTOCOLS ClientMessage; xdotool's windowclose is XDestroyWindow, not
     that). The window process ends, and WebKit's processes with it; the app stays in the tray.
     Once they have exited (or CLOSE_DEADLINE_S has passed: those still running are reported,
     and measured with the rest): settle, then the same measurements.
  4. Cycles: "Open chat" clicked through the tray's com.canonical.dbusmenu, settle, PSS; close,
     settle, PSS. A leak would show as the closed PSS growing cycle after cycle.

Run by scripts/bench-footprint.sh (builds the release app, sets SWITCHBOARD_DESKTOP_BIN).
Options: --quick (or SWITCHBOARD_BENCH_QUICK=1) for 10 s CPU windows and one cycle instead of
60 s and three; --window S, --settle S, --cycles N override. Progress goes to stderr.
Every process is stopped on exit, error or SIGTERM included. Memory is in MiB (KiB in JSON).
"""
import argparse
import json
import os
import signal
import sys
import time

import dbus
from Xlib import X
from Xlib import display as xdisplay
from Xlib import error as xerror
from Xlib.protocol import event as xevent

from test_desktop import Desktop, wait_for

CLK_TCK = os.sysconf("SC_CLK_TCK")
TITLE = "Switchboard"
ITEM_IFACE = "org.kde.StatusNotifierItem"
MENU_IFACE = "com.canonical.dbusmenu"
# Targets (memory in MiB, CPU in % of one core).
TARGET_LAUNCH_S = 1.0
TARGET_OPEN_PSS = 250
TARGET_CLOSED_PSS = 60
TARGET_CLOSED_CPU = 0.2
# How long a close may take to end the window process and WebKit's before they count as left running.
CLOSE_DEADLINE_S = 15


def log(msg):
    print(f"[footprint] {msg}", file=sys.stderr, flush=True)


def mib(kib):
    return kib / 1024


# --- /proc: the app's process tree, its memory and CPU ticks ---------------------------------

def read_stat(pid):
    """(ppid, utime+stime ticks, starttime) from /proc/PID/stat, or None if it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            s = f.read()
    except OSError:
        return None
    fields = s[s.rindex(")") + 2:].split()  # the name in parentheses may hold spaces
    return int(fields[1]), int(fields[11]) + int(fields[12]), int(fields[19])


def name_of(pid):
    """The executable's base name (comm is cut at 15 characters: "WebKitWebProces")."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            argv0 = f.read().split(b"\0")[0].decode(errors="replace")
        if argv0:
            return os.path.basename(argv0)
        with open(f"/proc/{pid}/comm") as f:
            return f.read().strip()
    except OSError:
        return "?"


def tree(root):
    """PIDs of `root` and all its descendants, root first."""
    children = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            st = read_stat(int(entry))
            if st:
                children.setdefault(st[0], []).append(int(entry))
    pids, todo = [], [root]
    while todo:
        pid = todo.pop(0)
        pids.append(pid)
        todo.extend(sorted(children.get(pid, [])))
    return pids


MEMORY_FIELDS = {"Pss": "pss_kib", "Rss": "rss_kib", "Pss_Anon": "pss_anon_kib", "Pss_File": "pss_file_kib", "Pss_Shmem": "pss_shmem_kib"}


def memory(pid):
    """PSS, RSS and PSS split into anonymous / file-backed / shmem, in KiB, from
    /proc/PID/smaps_rollup; None if it is gone."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            lines = f.read().splitlines()
    except OSError:
        return None
    vals = dict.fromkeys(MEMORY_FIELDS.values(), 0)
    for line in lines:
        parts = line.split()
        if len(parts) == 3 and parts[0][:-1] in MEMORY_FIELDS:
            vals[MEMORY_FIELDS[parts[0][:-1]]] = int(parts[1])
    return vals


class Tracker:
    """Every process seen in the app's tree, so none outlives the run (WebKit's children are
    the app's, but one left behind after a crash would be reparented away from it)."""

    def __init__(self):
        self.seen = {}  # pid -> starttime

    def note(self, pids):
        for pid in pids:
            st = read_stat(pid)
            if st:
                self.seen[pid] = st[2]

    def kill_leftovers(self):
        for pid, start in self.seen.items():
            st = read_stat(pid)
            if st and st[2] == start:  # the same process, not a reused pid
                log(f"killing leftover {name_of(pid)} ({pid})")
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass


def snapshot(root, tracker):
    """Memory of the app's tree: a list of {pid, name, pss_kib, rss_kib, ...}, root first."""
    pids = tree(root)
    tracker.note(pids)
    rows = []
    for pid in pids:
        m = memory(pid)
        if m:
            rows.append({"pid": pid, "name": name_of(pid), **m})
    return rows


def cpu_window(root, seconds, tracker):
    """CPU of the app's tree over `seconds`, as % of one core, with a per-process breakdown."""
    def ticks():
        pids = tree(root)
        tracker.note(pids)
        out = {}
        for pid in pids:
            st = read_stat(pid)
            if st:
                out[pid] = (st[2], st[1])
        return out

    before, t0 = ticks(), time.monotonic()
    time.sleep(seconds)
    after, t1 = ticks(), time.monotonic()
    wall = t1 - t0
    per = {}
    for pid, (start, n) in after.items():
        same = pid in before and before[pid][0] == start
        per[pid] = n - before[pid][1] if same else n  # a process born in the window: all of it
    gone = [pid for pid in before if pid not in after]
    if gone:
        log(f"warning: {len(gone)} process(es) exited during the CPU window; their ticks are not counted")
    pct = {pid: 100.0 * n / CLK_TCK / wall for pid, n in per.items()}
    return sum(pct.values()), pct, wall


def webkit(root):
    return [pid for pid in tree(root)[1:] if name_of(pid).startswith("WebKit")]


# --- X11: the app's top-level window, closed as a window manager would ------------------------

class X11:
    def __init__(self, name):
        self.d = xdisplay.Display(name)
        self.root = self.d.screen().root
        self.atom = {a: self.d.intern_atom(a) for a in ("_NET_WM_PID", "_NET_WM_NAME", "UTF8_STRING", "WM_PROTOCOLS", "WM_DELETE_WINDOW")}

    def _title(self, w):
        p = w.get_full_property(self.atom["_NET_WM_NAME"], self.atom["UTF8_STRING"])
        if p is not None:
            return p.value.decode() if isinstance(p.value, bytes) else str(p.value)
        name = w.get_wm_name()
        return name.decode() if isinstance(name, bytes) else name

    def window(self, pids):
        """The mapped top-level window titled Switchboard of one of `pids` (the app's process
        tree: the window is the window process's), or None. With no window manager under Xvfb,
        top-levels are the root's direct children."""
        for w in self.root.query_tree().children:
            try:
                if w.get_attributes().map_state != X.IsViewable:
                    continue
                p = w.get_full_property(self.atom["_NET_WM_PID"], X.AnyPropertyType)
                if p is None or p.value[0] not in pids or self._title(w) != TITLE:
                    continue
                return w
            except xerror.XError:  # destroyed while we looked
                continue
        return None

    def delete(self, w):
        """WM_DELETE_WINDOW, the ICCCM way: a WM_PROTOCOLS ClientMessage sent to the window."""
        if self.atom["WM_DELETE_WINDOW"] not in (w.get_wm_protocols() or []):
            raise RuntimeError("the window does not take part in WM_DELETE_WINDOW")
        ev = xevent.ClientMessage(
            window=w, client_type=self.atom["WM_PROTOCOLS"],
            data=(32, [self.atom["WM_DELETE_WINDOW"], X.CurrentTime, 0, 0, 0]),
        )
        w.send_event(ev, event_mask=X.NoEventMask)
        self.d.flush()


# --- the tray menu, over com.canonical.dbusmenu ---------------------------------------------

def click_menu(bus, item, path, label):
    """Sends "clicked" to the tray menu entry `label` (the layout is read afresh: the app
    rebuilds its menu when a backend's line changes, and the ids with it)."""
    menu_path = bus.call_blocking(item, path, "org.freedesktop.DBus.Properties", "Get", "ss", [ITEM_IFACE, "Menu"])
    _, layout = bus.call_blocking(item, menu_path, MENU_IFACE, "GetLayout", "iias", [0, -1, []])

    def find(node):
        nid, props, children = node
        if str(props.get("label", "")).replace("_", "") == label:
            return int(nid)
        for c in children:
            found = find(c)
            if found is not None:
                return found
        return None

    nid = find(layout)
    if nid is None:
        raise RuntimeError(f"no {label!r} in the tray menu")
    bus.call_blocking(item, menu_path, MENU_IFACE, "Event", "isvu", [nid, "clicked", dbus.Int32(0), 0])


# --- the benchmark ---------------------------------------------------------------------------

class Bench:
    def __init__(self, desktop, binary, opts):
        self.d = desktop
        self.binary = binary
        self.opts = opts
        self.tracker = Tracker()
        self.x = X11(desktop.env["DISPLAY"])
        self.pid = self.item = self.item_path = None  # set by launch()

    def launch(self):
        """Spawns the app in the tray only (`--hidden`, as when started at login); returns
        seconds to tray registration and readable icon."""
        t0 = time.monotonic()
        self.d.app = self.d.spawn([self.binary, "--hidden"], log=os.path.join(self.d.tmp, "app.log"))
        self.pid = self.d.app.pid
        first = None
        deadline = t0 + 30
        while first is None and time.monotonic() < deadline:
            if self.d.app.poll() is not None:
                raise RuntimeError(f"the app exited with {self.d.app.returncode}; see {self.d.tmp}/app.log")
            if first is None and os.path.exists(self.d.tray_log):
                with open(self.d.tray_log) as f:
                    line = f.readline()
                if line.endswith("\n"):
                    first = json.loads(line)
            time.sleep(0.01)
        if first is None or "registered" not in first or "t" not in first:
            raise RuntimeError(f"no tray item registered within 30 s: {first}")
        if self.x.window(tree(self.pid)) is not None:
            raise RuntimeError("--hidden, yet a window is mapped")
        self.item, self.item_path = first["item"], first["path"]
        return first["registered"] - t0, first["t"] - t0

    def open_from_tray(self):
        """Open chat from the tray menu; returns seconds until the window and WebKit run."""
        t0 = time.monotonic()
        click_menu(self.d.bus, self.item, self.item_path, "Open chat")
        self.wait_open()
        return time.monotonic() - t0

    def wait_open(self):
        """Until the window is mapped and WebKit's processes run (then the settle period)."""
        wait_for("the window mapped", lambda: self.x.window(tree(self.pid)) is not None, 30)
        wait_for("the WebKit processes", lambda: {"WebKitWebProcess", "WebKitNetworkProcess"} <= {name_of(p) for p in webkit(self.pid)}, 60)

    def close_window(self):
        """WM_DELETE_WINDOW, then until the window, the window process and WebKit's processes
        are gone (deadline CLOSE_DEADLINE_S). Returns {name: seconds until it exited, or None if
        it did not}."""
        w = self.x.window(tree(self.pid))
        if w is None:
            raise RuntimeError("no window to close")
        running = {p: name_of(p) for p in tree(self.pid)[1:]}  # the window process and WebKit's
        exited = dict.fromkeys(running.values())
        t0 = time.monotonic()
        self.x.delete(w)
        wait_for("the window gone", lambda: self.x.window(tree(self.pid)) is None, 15)
        while running and time.monotonic() < t0 + CLOSE_DEADLINE_S:
            now = set(tree(self.pid))
            for p in [p for p in running if p not in now]:
                exited[running.pop(p)] = round(time.monotonic() - t0, 2)
            time.sleep(0.05)
        if running:
            log(f"warning: still running {CLOSE_DEADLINE_S} s after the close: {sorted(running.values())}")
        return exited

    def settle(self, what):
        log(f"{what}: settling {self.opts.settle:g} s")
        time.sleep(self.opts.settle)

    def measure(self, what):
        """Memory after the settle period, then CPU over the window (memory again at its end)."""
        mem = snapshot(self.pid, self.tracker)
        log(f"{what}: PSS {mib(sum(r['pss_kib'] for r in mem)):.1f} MiB; CPU over {self.opts.window:g} s")
        cpu, per, wall = cpu_window(self.pid, self.opts.window, self.tracker)
        end = snapshot(self.pid, self.tracker)
        for r in mem:
            r["cpu_pct"] = round(per.get(r["pid"], 0.0), 3)
        return {
            "pss_kib": sum(r["pss_kib"] for r in mem),
            "rss_kib": sum(r["rss_kib"] for r in mem),
            "cpu_pct": round(cpu, 3),
            "cpu_wall_s": round(wall, 2),
            "pss_kib_after_window": sum(r["pss_kib"] for r in end),
            "processes": mem,
        }

    def cycle(self, n):
        """Open chat through the tray menu, settle, PSS; close, settle, PSS."""
        reopen = self.open_from_tray()
        self.settle(f"cycle {n}, open")
        opened = snapshot(self.pid, self.tracker)
        exited = self.close_window()
        self.settle(f"cycle {n}, closed")
        closed = snapshot(self.pid, self.tracker)
        return {
            "reopen_s": round(reopen, 3),
            "open_pss_kib": sum(r["pss_kib"] for r in opened),
            "webkit_exited_s": exited,
            "closed_pss_kib": sum(r["pss_kib"] for r in closed),
            "closed_app_pss_kib": sum(r["pss_kib"] for r in closed if r["pid"] == self.pid),
        }

    def run(self):
        log(f"launching {self.binary}")
        tray, icon = self.launch()
        log(f"tray registered after {tray:.3f} s")
        self.settle("tray only, never opened")
        tray_only = self.measure("tray only, never opened")
        mapped = self.open_from_tray()
        log(f"window opened from the tray in {mapped:.3f} s")
        self.settle("window open")
        opened = self.measure("window open")
        exited = self.close_window()
        log(f"window closed; the window process and WebKit's exited after (s): {exited}")
        self.settle("window closed")
        closed = self.measure("window closed")
        cycles = []
        for n in range(1, self.opts.cycles + 1):
            cycles.append(self.cycle(n))
            log(f"cycle {n}: open {mib(cycles[-1]['open_pss_kib']):.1f} MiB, closed {mib(cycles[-1]['closed_pss_kib']):.1f} MiB PSS")
        return {
            "benchmark": "switchboard-desktop-footprint",
            "binary": self.binary,
            "window_s": self.opts.window,
            "settle_s": self.opts.settle,
            "clk_tck": CLK_TCK,
            "loadavg_at_start": self.opts.loadavg,
            "launch_to_tray_s": round(tray, 3),
            "launch_to_icon_s": round(icon, 3),
            "tray_to_window_s": round(mapped, 3),
            "tray_only": tray_only,
            "open": opened,
            "close_deadline_s": CLOSE_DEADLINE_S,
            "webkit_exited_s": exited,
            "closed": closed,
            "closed_open_pss_ratio": round(closed["pss_kib"] / opened["pss_kib"], 4),
            "cycles": cycles,
        }


def verdict(ok):
    return "ok" if ok else "MISSED"


def exits(exited, deadline):
    return ", ".join(f"{name} exited after {t:.2f} s" if t is not None else f"{name} still running at {deadline} s"
                     for name, t in sorted(exited.items())) or "no window processes"


def report(r):
    o, c = r["open"], r["closed"]
    r["targets"] = {
        "launch_to_tray_s": TARGET_LAUNCH_S, "open_pss_mib": TARGET_OPEN_PSS,
        "closed_pss_mib": TARGET_CLOSED_PSS, "closed_cpu_pct": TARGET_CLOSED_CPU,
    }
    r["met"] = {
        "launch_to_tray_s": r["launch_to_tray_s"] <= TARGET_LAUNCH_S,
        "open_pss_mib": mib(o["pss_kib"]) <= TARGET_OPEN_PSS,
        "closed_pss_mib": mib(c["pss_kib"]) <= TARGET_CLOSED_PSS,
        "closed_cpu_pct": c["cpu_pct"] <= TARGET_CLOSED_CPU,
    }
    met = r["met"]
    print(f"Switchboard desktop footprint ({r['binary']})")
    print(f"Xvfb, private session bus, two idle llama-servers; settle {r['settle_s']:g} s, CPU over "
          f"{r['window_s']:g} s as % of one core; MiB = 1024 KiB; load average at start {r['loadavg_at_start']}")
    print()
    print(f"  {'':<26}{'PSS MiB':>9}{'RSS MiB':>9}{'CPU %':>8}   target")
    print(f"  {'launch to tray':<26}{r['launch_to_tray_s']:>8.3f}s{'':>17}   <= {TARGET_LAUNCH_S:g} s: {verdict(met['launch_to_tray_s'])}")
    print(f"  {'  icon readable':<26}{r['launch_to_icon_s']:>8.3f}s")
    t = r["tray_only"]
    print(f"  {'tray only, never opened':<26}{mib(t['pss_kib']):>9.1f}{mib(t['rss_kib']):>9.1f}{t['cpu_pct']:>8.2f}   "
          f"(started with --hidden)")
    print(f"  {'Open chat -> window':<26}{r['tray_to_window_s']:>8.3f}s")
    print(f"  {'window open':<26}{mib(o['pss_kib']):>9.1f}{mib(o['rss_kib']):>9.1f}{o['cpu_pct']:>8.2f}   "
          f"PSS <= {TARGET_OPEN_PSS} MiB: {verdict(met['open_pss_mib'])}")
    print(f"  {'window closed':<26}{mib(c['pss_kib']):>9.1f}{mib(c['rss_kib']):>9.1f}{c['cpu_pct']:>8.2f}   "
          f"PSS <= {TARGET_CLOSED_PSS} MiB: {verdict(met['closed_pss_mib'])}; "
          f"CPU <= {TARGET_CLOSED_CPU:g} %: {verdict(met['closed_cpu_pct'])}")
    print(f"  {'closed / open PSS':<26}{r['closed_open_pss_ratio']:>9.3f}")
    for label, m in [("tray only, never opened", t), ("window open", o), ("window closed", c)]:
        print()
        print(f"  processes, {label} (MiB; PSS of the tree at the end of the CPU window: {mib(m['pss_kib_after_window']):.1f})")
        print(f"    {'':<22}{'pid':>8}{'PSS':>8}{'anon':>8}{'file':>8}{'RSS':>8}{'CPU %':>8}")
        for p in m["processes"]:
            print(f"    {p['name']:<22}{p['pid']:>8}{mib(p['pss_kib']):>8.1f}{mib(p['pss_anon_kib']):>8.1f}"
                  f"{mib(p['pss_file_kib']):>8.1f}{mib(p['rss_kib']):>8.1f}{p['cpu_pct']:>8.2f}")
    print()
    print(f"  after WM_DELETE_WINDOW: {exits(r['webkit_exited_s'], r['close_deadline_s'])}")
    if r["cycles"]:
        print()
        print("  reopen (tray menu: Open chat) / close (WM_DELETE_WINDOW) cycles, PSS MiB after the settle:")
        base = c["pss_kib"]
        for n, cy in enumerate(r["cycles"], 1):
            print(f"    cycle {n}: reopen {cy['reopen_s']:.2f} s, open {mib(cy['open_pss_kib']):.1f}; "
                  f"closed {mib(cy['closed_pss_kib']):.1f} (app {mib(cy['closed_app_pss_kib']):.1f}), "
                  f"{mib(cy['closed_pss_kib'] - base):+.1f} vs the first close; "
                  f"{exits(cy['webkit_exited_s'], r['close_deadline_s'])}")
    print()
    print(json.dumps(r, separators=(",", ":")))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    quick_env = os.environ.get("SWITCHBOARD_BENCH_QUICK", "") not in ("", "0")
    ap.add_argument("--quick", action="store_true", default=quick_env, help="10 s CPU windows, one cycle")
    ap.add_argument("--window", type=float, help="CPU window in seconds (default 60; 10 with --quick)")
    ap.add_argument("--settle", type=float, default=10.0, help="settle period in seconds (default 10)")
    ap.add_argument("--cycles", type=int, help="reopen/close cycles (default 3; 1 with --quick)")
    opts = ap.parse_args()
    opts.window = opts.window or (10.0 if opts.quick else 60.0)
    opts.cycles = opts.cycles if opts.cycles is not None else (1 if opts.quick else 3)
    with open("/proc/loadavg") as f:
        opts.loadavg = " ".join(f.read().split()[:3])
    binary = os.environ["SWITCHBOARD_DESKTOP_BIN"]

    # SIGTERM/SIGHUP unwind like Ctrl-C, through the finally below.
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, lambda n, _f: sys.exit(128 + n))
    log("starting Xvfb, the session bus, the tray watcher, the notification mock, two llama-servers")
    desktop = Desktop(launch=False, prefix="bench")  # cleans up after itself if it fails
    bench = None
    try:
        bench = Bench(desktop, binary, opts)
        result = bench.run()
    finally:
        log(f"stopping everything (logs in {desktop.tmp})")
        desktop.close()
        if bench is not None:
            bench.tracker.kill_leftovers()
    report(result)


if __name__ == "__main__":
    main()
