#!/usr/bin/env bash
# End-to-end tests of the desktop app: builds it, then runs tests/desktop with Debian's python3
# (python3-dbusmock, python3-gi and GdkPixbuf come from Debian, not PyPI).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
cargo build --locked -p switchboard-desktop
export SWITCHBOARD_DESKTOP_BIN="$CARGO_TARGET_DIR/debug/switchboard"
exec /usr/bin/python3 -m pytest -q -p no:cacheprovider tests/desktop "$@"
