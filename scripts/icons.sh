#!/usr/bin/env bash
# Renders Threadmark's icon (assets/icon/threadmark.svg) into the PNGs the app and the
# packages use: src-tauri/icons/NxN.png at the hicolor sizes (installed as
# /usr/share/icons/hicolor/NxN/apps/threadmark-app.png; the first listed in
# tauri.conf.json, 256x256, is also the window's icon). The PNGs are committed; run this after editing the SVG.
# Needs rsvg-convert (apt-get install librsvg2-bin).
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SVG="$REPO/assets/icon/threadmark.svg"
OUT="$REPO/src-tauri/icons"
command -v rsvg-convert >/dev/null || { echo "icons: rsvg-convert missing (apt-get install librsvg2-bin)" >&2; exit 1; }
for size in 16 24 32 48 64 128 256 512; do
  rsvg-convert -w "$size" -h "$size" "$SVG" -o "$OUT/${size}x${size}.png"
done
ls "$OUT"
