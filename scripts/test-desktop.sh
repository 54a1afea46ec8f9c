#!/usr/bin/env bash
# End-to-end tests of the desktop app: builds it, then runs tests/desktop with Debian's python3
# (python3-dbusmock, python3-gi and GdkPixbuf come from Debian, not PyPI).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
cargo build --locked -p switchboard-tray -p switchboard-desktop
# The tray app, and the window it starts (tauri-driver starts the window itself).
export SWITCHBOARD_DESKTOP_BIN="$CARGO_TARGET_DIR/debug/switchboard"
export SWITCHBOARD_WINDOW_BIN="$CARGO_TARGET_DIR/debug/switchboard-window"
# tauri-driver (WebDriver for Tauri), cached outside the repository.
TAURI_DRIVER_ROOT="$SWITCHBOARD_CACHE/tauri-driver"
if [ ! -x "$TAURI_DRIVER_ROOT/bin/tauri-driver" ]; then
  cargo install tauri-driver --locked --root "$TAURI_DRIVER_ROOT"
fi
export TAURI_DRIVER="$TAURI_DRIVER_ROOT/bin/tauri-driver"
# Arguments are pytest's (e.g. one file, or -k NAME); without any, every E2E test runs.
[ $# -gt 0 ] || set -- tests/desktop
exec /usr/bin/python3 -m pytest -q -p no:cacheprovider "$@"
