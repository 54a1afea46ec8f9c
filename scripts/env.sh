# Sourced by the scripts: shared locations (caches live outside the repository).
export SWITCHBOARD_CACHE="${SWITCHBOARD_CACHE:-$HOME/.cache/switchboard}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$SWITCHBOARD_CACHE/target}"
