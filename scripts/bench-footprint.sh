#!/usr/bin/env bash
# Footprint benchmark of the desktop app (release build): launch-to-tray time, PSS/RSS and idle
# CPU with the chat window open and after it is closed, and reopen/close cycles through the
# tray menu. Runs tests/desktop/footprint.py under Debian's python3 (python3-dbus, python3-gi,
# python3-xlib, python3-dbusmock) on the E2E harness: Xvfb, a private session bus, a tray
# watcher, a notification mock and two idle llama-servers. Prints a table and one JSON line.
#
#   scripts/bench-footprint.sh            60 s CPU windows, three reopen/close cycles (~5 min)
#   scripts/bench-footprint.sh --quick    10 s windows, one cycle (or SWITCHBOARD_BENCH_QUICK=1)
#   scripts/bench-footprint.sh --window S --settle S --cycles N
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh

scripts/setup.sh
cargo build --release --locked -p switchboard-tray -p switchboard-desktop
export SWITCHBOARD_DESKTOP_BIN="$CARGO_TARGET_DIR/release/switchboard"
exec /usr/bin/python3 tests/desktop/footprint.py "$@"
