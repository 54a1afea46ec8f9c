#!/usr/bin/env bash
# Sets up and runs Switchboard: installs what it needs (scripts/setup.sh), writes a config on
# first run (servers found on the usual local ports, else the project's own llama-server with
# two small models, managed by Switchboard), then starts the desktop app (tray, chat, status).
# With --headless, or without a display, it runs the CLI's `watch` instead.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh

headless=false
[ "${1:-}" = "--headless" ] && headless=true
[ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] || headless=true

scripts/setup.sh
# One cargo run for everything it starts: built apart, the CLI (core alone) and the desktop
# app (core with the features the tray and the window unify on it) compiled the workspace's
# shared crates twice on a first run.
if $headless; then
  cargo build --release --locked -p switchboard-core --bin switchboard-cli
else
  cargo build --release --locked -p switchboard-core -p switchboard-tray -p switchboard-desktop --bins
fi
CLI="$CARGO_TARGET_DIR/release/switchboard-cli"

# First run: unless a config exists, `config discover` writes one for the LLM servers found on
# this machine's usual ports, or else for the project's own llama-server (installed above by
# setup.sh), which Switchboard then starts when it starts and stops when it quits.
"$CLI" config discover
if $headless; then
  exec "$CLI" -v watch
else
  exec "$CARGO_TARGET_DIR/release/switchboard"
fi
