#!/usr/bin/env bash
# Builds Switchboard's Debian package: the tray app (switchboard), its window
# (switchboard-window) and the CLI (switchboard-cli) in /usr/bin, a desktop entry that starts
# the tray app, the icon in the hicolor theme, and AppStream metainfo. Release build.
# The last line of its output is the .deb's path.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
command -v dpkg-deb >/dev/null || { echo "dpkg-deb is needed (Debian/Ubuntu)" >&2; exit 1; }

cargo build --release --locked -p switchboard-tray -p switchboard-desktop -p switchboard-core \
  --bin switchboard --bin switchboard-window --bin switchboard-cli >&2
version=$(sed -n 's/^version = "\(.*\)"/\1/p' tray/Cargo.toml | head -1)
arch=$(dpkg --print-architecture)
id=org.switchboard.desktop
out="$CARGO_TARGET_DIR/deb"
root="$out/switchboard_${version}_${arch}"
rm -rf "$root"
mkdir -p "$root/DEBIAN" "$root/usr/bin" "$root/usr/share/applications" "$root/usr/share/metainfo" \
  "$root/usr/share/doc/switchboard"
for bin in switchboard switchboard-window switchboard-cli; do
  install -m 0755 -s "$CARGO_TARGET_DIR/release/$bin" "$root/usr/bin/$bin"
done
install -m 0644 packaging/switchboard.desktop "$root/usr/share/applications/$id.desktop"
install -m 0644 packaging/$id.metainfo.xml "$root/usr/share/metainfo/$id.metainfo.xml"
for size in 32 128 256; do
  mkdir -p "$root/usr/share/icons/hicolor/${size}x${size}/apps"
  install -m 0644 "icons/icon-$size.png" "$root/usr/share/icons/hicolor/${size}x${size}/apps/$id.png"
done
mkdir -p "$root/usr/share/icons/hicolor/512x512/apps"
install -m 0644 icons/icon.png "$root/usr/share/icons/hicolor/512x512/apps/$id.png"
printf 'Switchboard\nLicense: MIT\n' > "$root/usr/share/doc/switchboard/copyright"
size_kib=$(du -sk "$root/usr" | cut -f1)
cat > "$root/DEBIAN/control" <<EOF
Package: switchboard
Version: $version
Architecture: $arch
Maintainer: Switchboard developers <switchboard@localhost>
Installed-Size: $size_kib
Depends: libwebkit2gtk-4.1-0, libgtk-3-0, libssl3 | libssl3t64, libdbus-1-3, xdg-utils
Recommends: gnome-keyring
Section: utils
Priority: optional
Homepage: https://github.com/switchboard/switchboard
Description: tray monitor and chat router for self-hosted LLM servers
 Switchboard keeps a registry of the LLM servers you run yourself (Ollama,
 llama.cpp, vLLM, LM Studio, SGLang, TGI), shows in the tray how loaded each
 is, notifies when one goes down or comes back, and routes chat messages
 between a small classifier and a big reasoner.
EOF
deb="$out/switchboard_${version}_${arch}.deb"
dpkg-deb --build --root-owner-group "$root" "$deb" >&2
echo "$deb"
