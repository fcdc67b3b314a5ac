#!/usr/bin/env bash
# Install what building, running and testing Threadmark needs, when it is missing:
# Debian packages (apt-get), the frontend's and the end-to-end tests' npm packages,
# and tauri-driver. Safe to run again: it only installs what is absent.
#   scripts/deps.sh build   packages to build and run the app
#   scripts/deps.sh test    those, plus what the tests need (Xvfb, WebKitWebDriver, Chromium, tauri-driver;
#                           for the package test: lintian, rpm, man, xdg-open, a D-Bus session)
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
what="${1:-test}"

build_pkgs=(libwebkit2gtk-4.1-dev build-essential pkg-config)
test_pkgs=(xvfb xauth webkit2gtk-driver x11-utils xdotool imagemagick chromium
  lintian rpm man-db xdg-utils desktop-file-utils dbus-daemon)
pkgs=("${build_pkgs[@]}")
[ "$what" = test ] && pkgs+=("${test_pkgs[@]}")

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "deps: installing Debian packages: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

npm_install() {
  local dir="$1"
  # Reinstall when package-lock.json changed since the last install.
  if [ ! -d "$dir/node_modules" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    echo "deps: npm ci in ${dir#"$REPO"/}"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}
npm_install "$REPO/ui"
if [ "$what" = test ]; then
  npm_install "$REPO/e2e"
  if ! command -v tauri-driver >/dev/null && [ ! -x "$HOME/.cargo/bin/tauri-driver" ]; then
    echo "deps: cargo install tauri-driver"
    cargo install tauri-driver --locked --quiet
  fi
fi
