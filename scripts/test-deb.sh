#!/usr/bin/env bash
# The Debian package, as a user gets it: built by scripts/package-deb.sh, installed with
# dpkg -i on this machine, `switchboard --version` run from PATH, the desktop entry and the
# metainfo checked, then removed with dpkg -r, leaving none of its files behind.
set -euo pipefail
cd "$(dirname "$0")/.."
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo -n"
if dpkg -s switchboard >/dev/null 2>&1; then
  echo "[deb] a switchboard package is installed already: not touching it" >&2
  exit 1
fi
deb=$(scripts/package-deb.sh | tail -n 1)
[ -f "$deb" ] || { echo "[deb] the last line is not the package: $deb" >&2; exit 1; }
echo "[deb] built $deb ($(du -h "$deb" | cut -f1))" >&2
$SUDO dpkg -i "$deb" >&2
trap '$SUDO dpkg -r switchboard >/dev/null 2>&1 || true' EXIT
[ "$(command -v switchboard)" = /usr/bin/switchboard ] || { echo "[deb] switchboard is not on PATH from /usr/bin" >&2; exit 1; }
version=$(switchboard --version)
echo "[deb] $version" >&2
[ "$version" = "switchboard $(sed -n 's/^version = "\(.*\)"/\1/p' tray/Cargo.toml | head -1)" ]
switchboard-cli --version >&2
desktop-file-validate /usr/share/applications/org.switchboard.desktop.desktop
if command -v appstreamcli >/dev/null; then
  appstreamcli validate --no-net /usr/share/metainfo/org.switchboard.desktop.metainfo.xml >&2
fi
# Every library the binaries need is there (the package's Depends brought or found them).
for bin in switchboard switchboard-window switchboard-cli; do
  if ldd "/usr/bin/$bin" | grep -q "not found"; then
    echo "[deb] /usr/bin/$bin misses libraries:" >&2; ldd "/usr/bin/$bin" | grep "not found" >&2; exit 1
  fi
done
files=$(dpkg -L switchboard | grep -E '^/usr/(bin|share/(applications|metainfo|icons))/.*\.' || true; dpkg -L switchboard | grep '^/usr/bin/')
$SUDO dpkg -r switchboard >&2
trap - EXIT
for f in $files; do
  [ ! -e "$f" ] || { echo "[deb] $f is left after dpkg -r" >&2; exit 1; }
done
! dpkg -s switchboard >/dev/null 2>&1 || { echo "[deb] still installed" >&2; exit 1; }
echo "[deb] installed, ran, validated and removed cleanly" >&2
