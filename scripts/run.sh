#!/usr/bin/env bash
# Sets up and runs Switchboard: unless a config file already exists, starts two local
# llama-servers (SmolLM2 as classifier on 127.0.0.1:18080, Gemma-270M as reasoner on
# 127.0.0.1:18081) and writes a config pointing at them; then starts the desktop app (tray,
# chat, status). With --headless, or without a display, it runs the CLI's `watch` instead.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh

headless=false
[ "${1:-}" = "--headless" ] && headless=true
[ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] || headless=true

scripts/setup.sh
cargo build --release --locked -p switchboard-core --bin switchboard-cli
$headless || cargo build --locked -p switchboard-desktop
CLI="$CARGO_TARGET_DIR/release/switchboard-cli"

config="${SWITCHBOARD_CONFIG:-$("$CLI" config path)}"
started=()
if [ ! -f "$config" ]; then
  config="$SWITCHBOARD_CACHE/run/config.toml"
  mkdir -p "$(dirname "$config")"
  scripts/backends.sh start small 18080 smollm2
  scripts/backends.sh start big 18081 gemma
  started=(small big)
  cat >"$config" <<TOML
# Written by scripts/run.sh for the local test backends.
[[backend]]
name = "small"
role = "classifier"
url = "http://127.0.0.1:18080"
model = "small"

[[backend]]
name = "big"
role = "reasoner"
url = "http://127.0.0.1:18081"
model = "big"
TOML
  echo "[run] no config found: using local test backends ($config)" >&2
fi
cleanup() { for n in "${started[@]}"; do scripts/backends.sh stop "$n"; done; }
trap cleanup EXIT
if $headless; then
  "$CLI" --config "$config" -v watch
else
  SWITCHBOARD_CONFIG="$config" "$CARGO_TARGET_DIR/debug/switchboard"
fi
