"""A StatusNotifierWatcher owned by the test: it records every tray icon the app shows.

Run on the test's private session bus. It owns org.kde.StatusNotifierWatcher, accepts the
app's item, and on every NewIcon reads the item's icon, its IconPixmap (ARGB32, big-endian,
what the app sends) or else the PNG its IconName names (decoded with GdkPixbuf), and appends
the centre-ish pixel colour to a JSON-lines log.
Each line also names the item (bus name, object path) and carries time.monotonic() stamps
(CLOCK_MONOTONIC, comparable across processes): "t" when the icon was read, and on the first
line "registered", when RegisterStatusNotifierItem arrived (footprint.py times the launch).
"""
import json
import sys
import threading
import time

import dbus
import dbus.service
from dbus.mainloop.glib import DBusGMainLoop
import gi

gi.require_version("GdkPixbuf", "2.0")
from gi.repository import GdkPixbuf, GLib  # noqa: E402

WATCHER = "org.kde.StatusNotifierWatcher"
ITEM_IFACE = "org.kde.StatusNotifierItem"


def sample_rgb(w, h, at):
    """Colour at 60% height of the icon's centre column (inside every shape, off the cross);
    `at(x, y)` is the (r, g, b) of a pixel."""
    x, y = w // 2, (h * 3) // 5
    r, g, b = at(x, y)
    # For the down icon the centre is the white cross: take the top of the circle instead.
    if min(r, g, b) > 230:  # white (anti-aliased) cross
        r, g, b = at(x, h // 6)
    return "#%02X%02X%02X" % (r, g, b)


def sample(path):
    pb = GdkPixbuf.Pixbuf.new_from_file(path)
    n, rs, px = pb.get_n_channels(), pb.get_rowstride(), pb.get_pixels()
    return sample_rgb(pb.get_width(), pb.get_height(), lambda x, y: tuple(px[y * rs + x * n: y * rs + x * n + 3]))


def sample_pixmap(pixmaps):
    """The largest of the item's pixmaps: (width, height, ARGB32 big-endian bytes)."""
    w, h, data = max(pixmaps, key=lambda p: int(p[0]) * int(p[1]))
    w, h, data = int(w), int(h), bytes(bytearray(data))
    return sample_rgb(w, h, lambda x, y: tuple(data[(y * w + x) * 4 + 1: (y * w + x) * 4 + 4]))


class Watcher(dbus.service.Object):
    def __init__(self, bus, log):
        super().__init__(bus, "/StatusNotifierWatcher")
        self.bus = bus
        self.log = log
        self.items = []

    def record(self, service, path, registered=None):
        try:
            obj = self.bus.get_object(service, path)
            props = dbus.Interface(obj, "org.freedesktop.DBus.Properties")
            icon = str(props.Get(ITEM_IFACE, "IconName"))
            pixmaps = list(props.Get(ITEM_IFACE, "IconPixmap"))
            colour = sample_pixmap(pixmaps) if pixmaps else sample(icon) if icon.startswith("/") else None
            entry = {"icon": icon or "pixmap", "t": time.monotonic(), "colour": colour}
        except Exception as e:  # the app may be gone at shutdown
            entry = {"error": str(e)}
        entry.update(item=service, path=path)
        if registered is not None:
            entry["registered"] = registered
        with open(self.log, "a") as f:
            f.write(json.dumps(entry) + "\n")

    @dbus.service.method(WATCHER, in_signature="s", out_signature="", sender_keyword="sender")
    def RegisterStatusNotifierItem(self, service, sender=None):
        registered = time.monotonic()
        path = service if service.startswith("/") else "/StatusNotifierItem"
        name = sender if service.startswith("/") else service
        self.items.append((name, path))
        self.bus.add_signal_receiver(
            lambda *a: self.record(name, path), signal_name="NewIcon", dbus_interface=ITEM_IFACE, bus_name=name
        )
        self.record(name, path, registered)
        self.StatusNotifierItemRegistered(service)

    @dbus.service.method(WATCHER, in_signature="s", out_signature="")
    def RegisterStatusNotifierHost(self, service):
        pass

    @dbus.service.signal(WATCHER, signature="s")
    def StatusNotifierItemRegistered(self, service):
        pass

    @dbus.service.method("org.freedesktop.DBus.Properties", in_signature="ss", out_signature="v")
    def Get(self, iface, prop):
        return self.GetAll(iface)[prop]

    @dbus.service.method("org.freedesktop.DBus.Properties", in_signature="s", out_signature="a{sv}")
    def GetAll(self, iface):
        return {
            "RegisteredStatusNotifierItems": dbus.Array([n for n, _ in self.items], signature="s"),
            "IsStatusNotifierHostRegistered": dbus.Boolean(True),
            "ProtocolVersion": dbus.Int32(0),
        }


def main():
    log = sys.argv[1]
    DBusGMainLoop(set_as_default=True)
    bus = dbus.SessionBus()
    name = dbus.service.BusName(WATCHER, bus)
    Watcher(bus, log)
    open(log + ".ready", "w").close()
    GLib.MainLoop().run()
    del name


if __name__ == "__main__":
    main()
